//! The Vietnam–Korea agreement: the register of certificates of coverage and the exchange of
//! insured periods with the Korean liaison body (National Pension Service).

use crate::AppState;
use crate::access::Acting;
use crate::error::{ApiError, ErrorBody};
use crate::export::{Cell, Format, download};
use crate::extract::{ApiJson, ApiQuery, body_bytes, parse_json};
use ansinh_store::certificate::{
    CoverageCertificate, Direction, ExchangePeriod, ForeignPeriod, NewCertificate,
};
use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Record a certificate of coverage: `inbound` (issued by Korea's NPS for a worker in Vietnam:
/// the months it covers carry no pension-survivor contribution) or `outbound` (issued by
/// Vietnam Social Security for a Vietnamese worker posted to Korea).
#[utoipa::path(post, path = "/api/v1/agreements/certificates", tag = "agreements", request_body = NewCertificate,
    responses((status = 201, body = CoverageCertificate), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn record(
    State(state): State<AppState>,
    Acting(store): Acting,
    ApiJson(c): ApiJson<NewCertificate>,
) -> Result<(StatusCode, Json<CoverageCertificate>), ApiError> {
    let recorded = store.record_certificate(&state.params, &c).await?;
    Ok((StatusCode::CREATED, Json(recorded)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RegisterQuery {
    /// `inbound` or `outbound`; both when absent.
    direction: Option<String>,
    /// In force on this day (YYYY-MM-DD); all when absent.
    on: Option<String>,
    /// `json` (default), `csv` or `xlsx`.
    format: Option<String>,
}

pub use ansinh_store::certificate::REGISTER_COLUMNS;

pub fn register_rows(items: &[CoverageCertificate]) -> Vec<Vec<Cell>> {
    items
        .iter()
        .map(|c| c.row().into_iter().map(Cell::from).collect())
        .collect()
}

/// Parses the register's filters (shared with the page).
pub fn register_filter(
    direction: Option<&str>,
    on: Option<&str>,
) -> Result<(Option<Direction>, Option<ansinh_core::Date>), ApiError> {
    let direction = match direction.map(str::trim) {
        None | Some("") => None,
        Some("inbound") => Some(Direction::Inbound),
        Some("outbound") => Some(Direction::Outbound),
        Some(other) => {
            return Err(ApiError::validation(
                "direction",
                format!("`{other}` is not inbound or outbound"),
            ));
        }
    };
    let on =
        match on.map(str::trim) {
            None | Some("") => None,
            Some(d) => Some(d.parse().map_err(|_| {
                ApiError::validation("on", format!("`{d}` is not a date YYYY-MM-DD"))
            })?),
        };
    Ok((direction, on))
}

/// The register of certificates of coverage, by start date; as a file with `format`.
#[utoipa::path(get, path = "/api/v1/agreements/certificates", tag = "agreements", params(RegisterQuery),
    responses((status = 200, body = Vec<CoverageCertificate>), (status = 400, body = ErrorBody)))]
pub async fn register(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<RegisterQuery>,
) -> Result<Response, ApiError> {
    let format = match q.format.as_deref() {
        None | Some("json") => None,
        other => Some(
            Format::of(other)
                .map_err(|e| ApiError::validation("format", e))?
                .ok_or_else(|| ApiError::validation("format", "use json, csv or xlsx"))?,
        ),
    };
    let (direction, on) = register_filter(q.direction.as_deref(), q.on.as_deref())?;
    let items = state.store.certificate_register(direction, on).await?;
    Ok(match format {
        None => Json(items).into_response(),
        Some(f) => download(
            f,
            "certificates-of-coverage",
            &REGISTER_COLUMNS,
            &register_rows(&items),
        ),
    })
}

/// A person's certificates and periods insured in Korea.
#[derive(Serialize, ToSchema)]
pub struct PersonAgreement {
    pub certificates: Vec<CoverageCertificate>,
    pub foreign_periods: Vec<ForeignPeriod>,
}

/// A person's certificates of coverage and periods in Korea.
#[utoipa::path(get, path = "/api/v1/persons/{sin}/certificates", tag = "agreements",
    params(("sin" = String, Path, description = "social insurance number")),
    responses((status = 200, body = PersonAgreement), (status = 404, body = ErrorBody)))]
pub async fn of_person(
    State(state): State<AppState>,
    crate::access::Caller(caller): crate::access::Caller,
    Path(sin): Path<String>,
) -> Result<Json<PersonAgreement>, ApiError> {
    if state.store.person(&sin).await?.is_none() {
        return Err(ApiError::not_found(format!("person {sin}")));
    }
    // An employer sees the certificate it pays less under, not the person's career in Korea.
    let foreign_periods = match crate::scope::employer_of(&caller) {
        Some(_) => Vec::new(),
        None => state.store.foreign_periods_of(&sin).await?,
    };
    Ok(Json(PersonAgreement {
        certificates: state.store.certificates_of(&sin).await?,
        foreign_periods,
    }))
}

/// Periods reported by the Korean liaison body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodBatch {
    pub periods: Vec<ForeignPeriod>,
}

/// The outcome of an import.
#[derive(Serialize, ToSchema)]
pub struct Imported {
    pub recorded: usize,
}

/// Import the periods insured in Korea that the liaison body reported (JSON `{"periods": […]}`
/// or CSV with the columns of docs/agreements.md): all or none.
#[utoipa::path(post, path = "/api/v1/agreements/periods", tag = "agreements", request_body = PeriodBatch,
    responses((status = 201, body = Imported), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn import_periods(
    Acting(store): Acting,
    req: Request,
) -> Result<(StatusCode, Json<Imported>), ApiError> {
    let content_type = crate::extract::content_type(&req);
    let bytes = body_bytes(req).await?;
    let periods = if content_type.starts_with("application/json") {
        parse_json::<PeriodBatch>(&bytes)?.periods
    } else if content_type.starts_with("text/csv") {
        ansinh_store::certificate::periods_from_csv(&bytes)?
    } else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send application/json or text/csv",
            None,
        ));
    };
    let recorded = store.record_foreign_periods(&periods).await?;
    Ok((StatusCode::CREATED, Json(Imported { recorded })))
}

/// The Vietnamese insured periods of every person of the agreement, from the record, as the
/// exchange file for the Korean liaison body (CSV, docs/agreements.md).
#[utoipa::path(get, path = "/api/v1/agreements/periods/export", tag = "agreements",
    responses((status = 200, body = Vec<ExchangePeriod>, description = "text/csv")))]
pub async fn export_periods(State(state): State<AppState>) -> Result<Response, ApiError> {
    let rows: Vec<Vec<Cell>> = state
        .store
        .exchange_periods()
        .await?
        .into_iter()
        .map(|p| {
            let mut row: Vec<Cell> = p.row().into_iter().map(Cell::from).collect();
            row[8] = p.months.into();
            row
        })
        .collect();
    Ok(download(
        Format::Csv,
        "vn-kr-periods",
        &ansinh_store::certificate::EXCHANGE_COLUMNS,
        &rows,
    ))
}
