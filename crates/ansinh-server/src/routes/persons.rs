use super::Listing;
use crate::AppState;
use crate::access::{Acting, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery};
use ansinh_store::{Employment, NewPerson, Page, Person, PersonFilter};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PersonQuery {
    /// Name starts with.
    q: Option<String>,
    nationality: Option<String>,
    /// Unit code of an employer the person worked for.
    employer: Option<String>,
    /// Social insurance number after which the page starts.
    after: Option<String>,
    /// 1 to 500, default 50.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// Register an insured person (the social insurance number is issued when not given).
#[utoipa::path(post, path = "/api/v1/persons", tag = "registry", request_body = NewPerson,
    responses((status = 201, body = Person), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    Acting(store): Acting,
    ApiJson(p): ApiJson<NewPerson>,
) -> Result<(StatusCode, Json<Person>), ApiError> {
    Ok((StatusCode::CREATED, Json(store.create_person(&p).await?)))
}

/// List persons, by social insurance number.
#[utoipa::path(get, path = "/api/v1/persons", tag = "registry", params(PersonQuery),
    responses((status = 200, body = Listing<Person>), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<PersonQuery>,
) -> Result<Json<Listing<Person>>, ApiError> {
    let page = Page {
        after: q.after,
        limit: super::checked_limit(q.limit, Page::MAX)?,
    };
    let items = state
        .store
        .list_persons(
            &PersonFilter {
                q: q.q,
                nationality: q.nationality,
                employer: q.employer,
            },
            &page,
        )
        .await?;
    Ok(Json(Listing::page(items, page.limit(), |p| p.sin.clone())))
}

/// One person by social insurance number.
#[utoipa::path(get, path = "/api/v1/persons/{sin}", tag = "registry", params(("sin" = String, Path, description = "social insurance number")),
    responses((status = 200, body = Person), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path(sin): Path<String>,
) -> Result<Json<Person>, ApiError> {
    state
        .store
        .person(&sin)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("person {sin}")))
}

/// One person by personal identification number.
#[utoipa::path(get, path = "/api/v1/persons/by-personal-id/{personal_id}", tag = "registry",
    params(("personal_id" = String, Path, description = "12-digit personal identification number")),
    responses((status = 200, body = Person), (status = 404, body = ErrorBody)))]
pub async fn by_personal_id(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Person>, ApiError> {
    state
        .store
        .person_by_personal_id(&id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("person with personal ID {id}")))
}

/// A person's employments with their events and salary records.
#[utoipa::path(get, path = "/api/v1/persons/{sin}/employments", tag = "registry", params(("sin" = String, Path, description = "social insurance number")),
    responses((status = 200, body = Vec<Employment>), (status = 404, body = ErrorBody)))]
pub async fn employments(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(sin): Path<String>,
) -> Result<Json<Vec<Employment>>, ApiError> {
    if state.store.person(&sin).await?.is_none() {
        return Err(ApiError::not_found(format!("person {sin}")));
    }
    let all = state.store.employments(&sin).await?;
    Ok(Json(match crate::scope::employer_of(&caller) {
        Some(code) => crate::scope::employments(all, code),
        None => all,
    }))
}
