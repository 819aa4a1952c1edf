use crate::AppState;
use crate::access::Acting;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery};
use ansinh_core::Date;
use ansinh_store::account::{Account, ListedEmployer, PaymentRecord, Urging};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

/// Record a payment received from the employer (idempotent on the bank reference).
#[utoipa::path(post, path = "/api/v1/employers/{code}/payments", tag = "collection",
    params(("code" = String, Path, description = "unit code")), request_body = PaymentRecord,
    responses((status = 201, body = PaymentRecord), (status = 200, body = PaymentRecord, description = "recorded before with the same values: nothing changed"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn pay(
    Acting(store): Acting,
    Path(code): Path<String>,
    ApiJson(p): ApiJson<PaymentRecord>,
) -> Result<(StatusCode, Json<PaymentRecord>), ApiError> {
    let (record, replayed) = store.record_payment_once(&code, &p).await?;
    let status = if replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(record)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AccountQuery {
    /// The day the account is looked at, YYYY-MM-DD (payments after it are ignored).
    as_of: String,
}

/// The employer's account: dues per contribution month, payments allocated oldest month first,
/// status (on time / late / evasion), charge accrued and arrears age.
#[utoipa::path(get, path = "/api/v1/employers/{code}/account", tag = "collection",
    params(("code" = String, Path, description = "unit code"), AccountQuery),
    responses((status = 200, body = Account), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn account(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<AccountQuery>,
) -> Result<Json<Account>, ApiError> {
    let as_of: Date = q.as_of.parse().map_err(|_| {
        ApiError::validation("as_of", format!("`{}` is not a date YYYY-MM-DD", q.as_of))
    })?;
    Ok(Json(
        state.store.account(&state.params, &code, as_of).await?,
    ))
}

fn as_of_date(text: &str) -> Result<Date, ApiError> {
    text.parse()
        .map_err(|_| ApiError::validation("as_of", format!("`{text}` is not a date YYYY-MM-DD")))
}

/// Record a written urging to pay a contribution month (L41 Art. 35); after it, a month unpaid
/// more than 60 days past its deadline is evasion (Art. 39.1.đ).
#[utoipa::path(post, path = "/api/v1/employers/{code}/urgings", tag = "collection",
    params(("code" = String, Path, description = "unit code")), request_body = Urging,
    responses((status = 201, body = Urging), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn urge(
    Acting(store): Acting,
    Path(code): Path<String>,
    ApiJson(u): ApiJson<Urging>,
) -> Result<(StatusCode, Json<Urging>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(store.record_urging(&code, &u).await?),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// YYYY-MM-DD.
    as_of: String,
}

/// Employers late or evading as of a date, evaders first: the list the agency publishes.
#[utoipa::path(get, path = "/api/v1/compliance/list", tag = "collection", params(ListQuery),
    responses((status = 200, body = Vec<ListedEmployer>), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Vec<ListedEmployer>>, ApiError> {
    Ok(Json(
        state
            .store
            .compliance_list(&state.params, as_of_date(&q.as_of)?)
            .await?,
    ))
}
