//! The armed forces' scheme (BHXH Quân đội): servicemen's periods of service, the scheme's
//! monthly run, relatives insured for health, cards, and the transfer of a discharged
//! serviceman's record to the general scheme.

use crate::AppState;
use crate::access::Acting;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiJson;
use ansinh_store::card::HealthCard;
use ansinh_store::service::{
    NewRelative, NewServiceCard, NewServicePeriod, Relative, ServicePeriod, ServiceRecord,
    ServiceRunSummary, ServiceTransfer,
};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Record a period of service (enlistment of a conscript or cadet, appointment of an officer,
/// professional soldier or defence worker with the salary by rank).
#[utoipa::path(post, path = "/api/v1/armed-forces/servicemen", tag = "armed_forces", request_body = NewServicePeriod,
    responses((status = 201, body = ServicePeriod), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn enlist(
    Acting(store): Acting,
    ApiJson(p): ApiJson<NewServicePeriod>,
) -> Result<(StatusCode, Json<ServicePeriod>), ApiError> {
    Ok((StatusCode::CREATED, Json(store.enlist(&p).await?)))
}

/// A period of service in the register, with the serviceman's name.
#[derive(Serialize, ToSchema)]
pub struct RegisterRow {
    #[serde(flatten)]
    pub period: ServicePeriod,
    pub name: String,
}

/// The register of servicemen: periods in service first, by unit.
#[utoipa::path(get, path = "/api/v1/armed-forces/servicemen", tag = "armed_forces",
    responses((status = 200, body = Vec<RegisterRow>)))]
pub async fn register(State(state): State<AppState>) -> Result<Json<Vec<RegisterRow>>, ApiError> {
    Ok(Json(
        state
            .store
            .service_register()
            .await?
            .into_iter()
            .map(|(period, name)| RegisterRow { period, name })
            .collect(),
    ))
}

/// A serviceman's record: periods, the scheme's contributions month by month, relatives.
#[utoipa::path(get, path = "/api/v1/armed-forces/servicemen/{sin}", tag = "armed_forces",
    params(("sin" = String, Path, description = "social insurance number")),
    responses((status = 200, body = ServiceRecord), (status = 404, body = ErrorBody)))]
pub async fn record(
    State(state): State<AppState>,
    Path(sin): Path<String>,
) -> Result<Json<ServiceRecord>, ApiError> {
    Ok(Json(state.store.service_record(&sin).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Discharge {
    /// Day of discharge (xuất ngũ), YYYY-MM-DD.
    pub discharged: String,
}

/// Record the discharge of the period in service.
#[utoipa::path(post, path = "/api/v1/armed-forces/servicemen/{sin}/discharge", tag = "armed_forces",
    params(("sin" = String, Path, description = "social insurance number")), request_body = Discharge,
    responses((status = 200, body = ServicePeriod), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn discharge(
    Acting(store): Acting,
    Path(sin): Path<String>,
    ApiJson(d): ApiJson<Discharge>,
) -> Result<Json<ServicePeriod>, ApiError> {
    Ok(Json(store.discharge(&sin, &d.discharged).await?))
}

/// Declare a relative for health insurance (form 02/BHYT-QĐ), checked on today's date.
#[utoipa::path(post, path = "/api/v1/armed-forces/servicemen/{sin}/relatives", tag = "armed_forces",
    params(("sin" = String, Path, description = "social insurance number")), request_body = NewRelative,
    responses((status = 201, body = Relative), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn relative(
    State(state): State<AppState>,
    Acting(store): Acting,
    Path(sin): Path<String>,
    ApiJson(r): ApiJson<NewRelative>,
) -> Result<(StatusCode, Json<Relative>), ApiError> {
    let today = jiff::ZonedDateTime::now().date();
    let added = store.add_relative(&state.params, &sin, &r, today).await?;
    Ok((StatusCode::CREATED, Json(added)))
}

/// Issue a health insurance card of the armed forces' office, its end set by the scheme's rule
/// (a conscript's to the last day of the month of discharge).
#[utoipa::path(post, path = "/api/v1/armed-forces/servicemen/{sin}/cards", tag = "armed_forces",
    params(("sin" = String, Path, description = "social insurance number")), request_body = NewServiceCard,
    responses((status = 201, body = HealthCard), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn card(
    State(state): State<AppState>,
    Acting(store): Acting,
    Path(sin): Path<String>,
    ApiJson(c): ApiJson<NewServiceCard>,
) -> Result<(StatusCode, Json<HealthCard>), ApiError> {
    let card = store.issue_service_card(&state.params, &sin, &c).await?;
    Ok((StatusCode::CREATED, Json(card)))
}

/// Run the scheme's contributions of a month (idempotent: a re-run writes the same rows).
#[utoipa::path(post, path = "/api/v1/armed-forces/assessments/{month}", tag = "armed_forces",
    params(("month" = String, Path, description = "YYYY-MM")),
    responses((status = 200, body = ServiceRunSummary), (status = 400, body = ErrorBody)))]
pub async fn assess(
    State(state): State<AppState>,
    Acting(store): Acting,
    Path(month): Path<String>,
) -> Result<Json<ServiceRunSummary>, ApiError> {
    let m = month
        .parse()
        .map_err(|_| ApiError::validation("month", format!("`{month}` is not a month YYYY-MM")))?;
    Ok(Json(store.assess_service_month(&state.params, m).await?))
}

/// The transfer document of a discharged serviceman, for the general scheme.
#[utoipa::path(get, path = "/api/v1/armed-forces/servicemen/{sin}/transfer", tag = "armed_forces",
    params(("sin" = String, Path, description = "social insurance number")),
    responses((status = 200, body = ServiceTransfer), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn transfer(
    State(state): State<AppState>,
    Path(sin): Path<String>,
) -> Result<Json<ServiceTransfer>, ApiError> {
    let today = jiff::ZonedDateTime::now().date();
    Ok(Json(
        state
            .store
            .service_transfer(&state.params, &sin, today)
            .await?,
    ))
}

/// The outcome of importing a transfer.
#[derive(Serialize, ToSchema)]
pub struct TransferImported {
    /// Verified periods recorded: 0 when the same document was imported before.
    pub recorded: usize,
}

/// Import a serviceman's transfer document into the general scheme (verified periods).
#[utoipa::path(post, path = "/api/v1/armed-forces/transfers", tag = "armed_forces", request_body = ServiceTransfer,
    responses((status = 201, body = TransferImported), (status = 200, body = TransferImported, description = "imported before"),
              (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn import_transfer(
    State(state): State<AppState>,
    Acting(store): Acting,
    ApiJson(doc): ApiJson<ServiceTransfer>,
) -> Result<(StatusCode, Json<TransferImported>), ApiError> {
    let recorded = store.import_service_transfer(&state.params, &doc).await?;
    let status = if recorded == 0 && !doc.periods.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(TransferImported { recorded })))
}
