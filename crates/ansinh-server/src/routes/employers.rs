use super::Listing;
use crate::AppState;
use crate::access::Acting;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery};
use ansinh_store::{Employer, EmployerFilter, NewEmployer, Page, Person, PersonFilter};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EmployerQuery {
    province: Option<String>,
    region: Option<i64>,
    status: Option<String>,
    /// Name contains.
    q: Option<String>,
    /// Unit code after which the page starts.
    after: Option<String>,
    /// 1 to 500, default 50.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// Register an employer.
#[utoipa::path(post, path = "/api/v1/employers", tag = "registry", request_body = NewEmployer,
    responses((status = 201, body = Employer), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    Acting(store): Acting,
    ApiJson(e): ApiJson<NewEmployer>,
) -> Result<(StatusCode, Json<Employer>), ApiError> {
    Ok((StatusCode::CREATED, Json(store.create_employer(&e).await?)))
}

/// List employers, by unit code.
#[utoipa::path(get, path = "/api/v1/employers", tag = "registry", params(EmployerQuery),
    responses((status = 200, body = Listing<Employer>), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<EmployerQuery>,
) -> Result<Json<Listing<Employer>>, ApiError> {
    let page = Page {
        after: q.after,
        limit: super::checked_limit(q.limit, Page::MAX)?,
    };
    let items = state
        .store
        .list_employers(
            &EmployerFilter {
                province: q.province,
                region: q.region,
                status: q.status,
                q: q.q,
            },
            &page,
        )
        .await?;
    Ok(Json(Listing::page(items, page.limit(), |e| {
        e.unit_code.clone()
    })))
}

/// One employer.
#[utoipa::path(get, path = "/api/v1/employers/{code}", tag = "registry", params(("code" = String, Path, description = "unit code")),
    responses((status = 200, body = Employer), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Employer>, ApiError> {
    state
        .store
        .employer(&code)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("employer {code}")))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WorkerQuery {
    after: Option<String>,
    /// 1 to 500, default 50.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// Persons who have or had an employment at the employer.
#[utoipa::path(get, path = "/api/v1/employers/{code}/workers", tag = "registry",
    params(("code" = String, Path, description = "unit code"), WorkerQuery),
    responses((status = 200, body = Listing<Person>), (status = 404, body = ErrorBody)))]
pub async fn workers(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<WorkerQuery>,
) -> Result<Json<Listing<Person>>, ApiError> {
    let employer = state
        .store
        .employer(&code)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("employer {code}")))?;
    let page = Page {
        after: q.after,
        limit: super::checked_limit(q.limit, Page::MAX)?,
    };
    let items = state
        .store
        .list_persons(
            &PersonFilter {
                employer: Some(employer.unit_code),
                ..Default::default()
            },
            &page,
        )
        .await?;
    Ok(Json(Listing::page(items, page.limit(), |p| p.sin.clone())))
}
