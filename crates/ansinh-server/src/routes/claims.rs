use crate::AppState;
use crate::access::Acting;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, body_bytes};
use ansinh_store::card::{HealthCard, NewCard};
use ansinh_store::claim::{ImportReport, NewReview, QueuedVisit, Review, Settlement, VisitRecord};
use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Import a claims file (QĐ 130/QĐ-BYT XML envelope `GIAMDINHHS`): every visit is assessed and
/// stored as a new version unless unchanged; visits flagged for review join the queue.
#[utoipa::path(post, path = "/api/v1/claims/files", tag = "health",
    request_body(content = String, content_type = "application/xml", description = "the GIAMDINHHS envelope"),
    responses((status = 200, body = ImportReport), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    Acting(store): Acting,
    req: Request,
) -> Result<Json<ImportReport>, ApiError> {
    let bytes = body_bytes(req).await?;
    Ok(Json(
        store
            .import_claims(&state.params, state.claims_reference.as_deref(), &bytes)
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// Only this facility (MA_CSKCB).
    facility: Option<String>,
    /// 1 to 500, default 100.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// Visits waiting for an assessor (latest versions flagged `needs_review`, not yet decided).
#[utoipa::path(get, path = "/api/v1/claims/review-queue", tag = "health", params(QueueQuery),
    responses((status = 200, body = Vec<QueuedVisit>), (status = 400, body = ErrorBody)))]
pub async fn queue(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<QueueQuery>,
) -> Result<Json<Vec<QueuedVisit>>, ApiError> {
    Ok(Json(
        state
            .store
            .review_queue(q.facility.as_deref(), q.limit.unwrap_or(100))
            .await?,
    ))
}

/// A visit's versions and reviews.
#[utoipa::path(get, path = "/api/v1/claims/{facility}/{key}", tag = "health",
    params(("facility" = String, Path, description = "MA_CSKCB"), ("key" = String, Path, description = "MA_LK")),
    responses((status = 200, body = VisitRecord), (status = 404, body = ErrorBody)))]
pub async fn visit(
    State(state): State<AppState>,
    Path((facility, key)): Path<(String, String)>,
) -> Result<Json<VisitRecord>, ApiError> {
    Ok(Json(state.store.visit_record(&facility, &key).await?))
}

/// Decide a flagged visit: `accepted` (the fund pays the assessed share) or `rejected`, with a
/// reason. Audited; a later decision overrides an earlier one.
#[utoipa::path(post, path = "/api/v1/claims/{facility}/{key}/reviews", tag = "health", request_body = NewReview,
    params(("facility" = String, Path, description = "MA_CSKCB"), ("key" = String, Path, description = "MA_LK")),
    responses((status = 201, body = Review), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn review(
    Acting(store): Acting,
    Path((facility, key)): Path<(String, String)>,
    ApiJson(r): ApiJson<NewReview>,
) -> Result<(StatusCode, Json<Review>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(store.review_visit(&facility, &key, &r).await?),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SettlementQuery {
    facility: String,
    /// YYYY-MM: the month visits ended in.
    month: String,
}

/// A facility's settlement for a month: claimed against accepted, pending review, top reasons.
#[utoipa::path(get, path = "/api/v1/claims/settlement", tag = "health", params(SettlementQuery),
    responses((status = 200, body = Settlement), (status = 400, body = ErrorBody)))]
pub async fn settlement(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<SettlementQuery>,
) -> Result<Json<Settlement>, ApiError> {
    Ok(Json(state.store.settlement(&q.facility, &q.month).await?))
}

/// Issue a health-insurance card (linked to the person whose social insurance number it carries).
#[utoipa::path(post, path = "/api/v1/cards", tag = "health", request_body = NewCard,
    responses((status = 201, body = HealthCard), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn issue_card(
    Acting(store): Acting,
    ApiJson(c): ApiJson<NewCard>,
) -> Result<(StatusCode, Json<HealthCard>), ApiError> {
    Ok((StatusCode::CREATED, Json(store.issue_card(&c).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Renewal {
    /// The new end of validity, YYYY-MM-DD.
    valid_to: String,
}

/// Renew a card: a new issue from the day after the latest one ends.
#[utoipa::path(post, path = "/api/v1/cards/{code}/renewals", tag = "health", request_body = Renewal,
    params(("code" = String, Path, description = "card code")),
    responses((status = 201, body = HealthCard), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn renew_card(
    Acting(store): Acting,
    Path(code): Path<String>,
    ApiJson(r): ApiJson<Renewal>,
) -> Result<(StatusCode, Json<HealthCard>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(store.renew_card(&code, &r.valid_to).await?),
    ))
}

/// A person's health-insurance cards, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{sin}/cards", tag = "health",
    params(("sin" = String, Path, description = "social insurance number")),
    responses((status = 200, body = Vec<HealthCard>)))]
pub async fn cards(
    State(state): State<AppState>,
    crate::access::Caller(caller): crate::access::Caller,
    Path(sin): Path<String>,
) -> Result<Json<Vec<HealthCard>>, ApiError> {
    let all = state.store.cards_of(&sin).await?;
    Ok(Json(match crate::scope::employer_of(&caller) {
        Some(code) => {
            let own = crate::scope::employments(state.store.employments(&sin).await?, code);
            crate::scope::cards(all, &own)
        }
        None => all,
    }))
}
