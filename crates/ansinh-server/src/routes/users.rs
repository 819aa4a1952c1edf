use crate::AppState;
use crate::access::{Acting, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiJson;
use ansinh_store::access::{NewUser, User};
use ansinh_store::audit::{AuditEntry, AuditFilter};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The signed-in user (session or API token).
#[utoipa::path(get, path = "/api/v1/me", tag = "access",
    responses((status = 200, body = User), (status = 401, body = ErrorBody)))]
pub async fn me(Caller(caller): Caller) -> Json<User> {
    Json(caller.user)
}

/// Create a user (administrators). The password is never returned or logged.
#[utoipa::path(post, path = "/api/v1/users", tag = "access", request_body = NewUser,
    responses((status = 201, body = User), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    Acting(store): Acting,
    ApiJson(u): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    Ok((StatusCode::CREATED, Json(store.create_user(&u).await?)))
}

/// All users (administrators).
#[utoipa::path(get, path = "/api/v1/users", tag = "access",
    responses((status = 200, body = Vec<User>)))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(state.store.users().await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What the token is for (the employer's payroll software, …).
    label: String,
}

#[derive(Serialize, ToSchema)]
pub struct IssuedToken {
    /// Shown once: only its digest is stored.
    token: String,
}

/// Issue an API token for a user's machine client (administrators).
#[utoipa::path(post, path = "/api/v1/users/{username}/tokens", tag = "access", request_body = NewToken,
    params(("username" = String, Path, description = "user name")),
    responses((status = 201, body = IssuedToken), (status = 404, body = ErrorBody)))]
pub async fn token(
    Acting(store): Acting,
    Path(username): Path<String>,
    ApiJson(t): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<IssuedToken>), ApiError> {
    let token = store.create_api_token(&username, &t.label).await?;
    Ok((StatusCode::CREATED, Json(IssuedToken { token })))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// `employer`, `person`, `user` or `month`.
    entity_kind: Option<String>,
    entity_id: Option<String>,
    /// `user:NAME`, `cli:NAME` or `system`.
    actor: Option<String>,
    /// Rows older than this id (the next page).
    before: Option<i64>,
    /// 1 to 1000, default 100.
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
}

/// The audit trail, newest first, by entity and/or actor.
#[utoipa::path(get, path = "/api/v1/audit", tag = "access", params(AuditQuery),
    responses((status = 200, body = Vec<AuditEntry>), (status = 400, body = ErrorBody)))]
pub async fn audit(
    State(state): State<AppState>,
    crate::extract::ApiQuery(q): crate::extract::ApiQuery<AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    Ok(Json(
        state
            .store
            .audit_log(&AuditFilter {
                entity_kind: q.entity_kind,
                entity_id: q.entity_id,
                actor: q.actor,
                before: q.before,
                limit: q.limit,
            })
            .await?,
    ))
}
