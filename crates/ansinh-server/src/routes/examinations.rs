//! Compliance examinations: the risk list, cases and their steps, findings, sanctions,
//! payments against a case, the overdue queue, the statistics, and the import of external
//! headcounts (L41 Art. 17; Decree 217/2025; Decree 12/2022 Art. 39).

use crate::AppState;
use crate::access::Acting;
use crate::error::{ApiError, ErrorBody};
use crate::export::{Cell, Format, download};
use crate::extract::{ApiJson, ApiQuery, body_bytes};
use ansinh_core::Date;
use ansinh_store::examination::{
    Case, CaseFile, CaseFilter, CaseFinding, CasePayment, CaseReminder, CaseSanction, NewCase,
    NewFinding, NewSanction, OverdueCase, Statistics, StatisticsRow, Transition,
};
use ansinh_store::risk::{HeadcountImport, RiskEntry};
use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

fn date(field: &str, text: Option<&str>) -> Result<Option<Date>, ApiError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(d) => d
            .parse()
            .map(Some)
            .map_err(|_| ApiError::validation(field, format!("`{d}` is not a date YYYY-MM-DD"))),
    }
}

fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}

fn file_format(text: Option<&str>) -> Result<Option<Format>, ApiError> {
    match text {
        None | Some("json") => Ok(None),
        other => Format::of(other)
            .map_err(|e| ApiError::validation("format", e))?
            .ok_or_else(|| ApiError::validation("format", "use json, csv or xlsx"))
            .map(Some),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RiskQuery {
    /// Scoring date (YYYY-MM-DD); today when absent.
    as_of: Option<String>,
    /// At most this many employers (1–10,000, default 100).
    limit: Option<i64>,
}

/// The risk list: employers scored on explainable criteria (rules/vn/risk_criteria.toml), each
/// with the criteria it meets and the figures behind them, highest score first.
#[utoipa::path(get, path = "/api/v1/compliance/risk", tag = "compliance", params(RiskQuery),
    responses((status = 200, body = Vec<RiskEntry>), (status = 400, body = ErrorBody)))]
pub async fn risk(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<RiskQuery>,
) -> Result<Json<Vec<RiskEntry>>, ApiError> {
    let as_of = date("as_of", q.as_of.as_deref())?.unwrap_or_else(today);
    let limit = super::checked_limit(q.limit, 10_000)?.unwrap_or(100);
    Ok(Json(
        state
            .store
            .risk_list(&state.params, as_of, limit as usize)
            .await?,
    ))
}

/// Import headcounts of employers from tax or labour data (`text/csv` with the columns
/// `employer_code,as_of,headcount,ownership,source`): all rows or none.
#[utoipa::path(post, path = "/api/v1/compliance/headcounts", tag = "compliance",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = HeadcountImport), (status = 400, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn headcounts(
    Acting(store): Acting,
    req: Request,
) -> Result<(StatusCode, Json<HeadcountImport>), ApiError> {
    if !crate::extract::content_type(&req).starts_with("text/csv") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send text/csv",
            None,
        ));
    }
    let bytes = body_bytes(req).await?;
    Ok((
        StatusCode::CREATED,
        Json(store.import_headcounts(&bytes).await?),
    ))
}

/// Open a case in an office's annual plan (state `planned`).
#[utoipa::path(post, path = "/api/v1/compliance/cases", tag = "compliance", request_body = NewCase,
    responses((status = 201, body = Case), (status = 400, body = ErrorBody)))]
pub async fn open(
    Acting(store): Acting,
    ApiJson(c): ApiJson<NewCase>,
) -> Result<(StatusCode, Json<Case>), ApiError> {
    Ok((StatusCode::CREATED, Json(store.open_case(&c).await?)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CasesQuery {
    employer: Option<String>,
    state: Option<String>,
    /// The annual plan of this year (with `province`, an office's plan).
    plan_year: Option<i64>,
    province: Option<String>,
    /// 1–10,000, default 200.
    limit: Option<i64>,
}

/// Cases, newest first.
#[utoipa::path(get, path = "/api/v1/compliance/cases", tag = "compliance", params(CasesQuery),
    responses((status = 200, body = Vec<Case>), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CasesQuery>,
) -> Result<Json<Vec<Case>>, ApiError> {
    let limit = super::checked_limit(q.limit, 10_000)?.unwrap_or(200);
    if let Some(s) = q.state.as_deref().map(str::trim).filter(|s| !s.is_empty())
        && ansinh_rules::examination::CaseState::parse(s).is_none()
    {
        return Err(ApiError::validation(
            "state",
            format!("`{s}` is not a state of a case"),
        ));
    }
    Ok(Json(
        state
            .store
            .cases(&CaseFilter {
                employer: q.employer,
                state: q.state,
                plan_year: q.plan_year,
                province: q.province,
                limit,
            })
            .await?,
    ))
}

/// A case with its steps, findings, sanctions, payments and time limits.
#[utoipa::path(get, path = "/api/v1/compliance/cases/{case_id}", tag = "compliance",
    params(("case_id" = String, Path, description = "e.g. KT-2026-000001")),
    responses((status = 200, body = CaseFile), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path(case_id): Path<String>,
) -> Result<Json<CaseFile>, ApiError> {
    Ok(Json(state.store.case_file(&state.params, &case_id).await?))
}

/// Move a case to its next state; out of order is refused (409) naming the current state and
/// the allowed ones. `concluded` computes the back-collection and writes it, once, as a
/// retroactive declaration of the employer.
#[utoipa::path(post, path = "/api/v1/compliance/cases/{case_id}/transitions", tag = "compliance",
    params(("case_id" = String, Path)), request_body = Transition,
    responses((status = 200, body = CaseFile), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn transition(
    State(state): State<AppState>,
    Acting(store): Acting,
    Path(case_id): Path<String>,
    ApiJson(t): ApiJson<Transition>,
) -> Result<Json<CaseFile>, ApiError> {
    Ok(Json(store.move_case(&state.params, &case_id, &t).await?))
}

/// Record a finding (undeclared, under-declared, late registration, unpaid, improper benefit).
#[utoipa::path(post, path = "/api/v1/compliance/cases/{case_id}/findings", tag = "compliance",
    params(("case_id" = String, Path)), request_body = NewFinding,
    responses((status = 201, body = CaseFinding), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn finding(
    State(state): State<AppState>,
    Acting(store): Acting,
    Path(case_id): Path<String>,
    ApiJson(f): ApiJson<NewFinding>,
) -> Result<(StatusCode, Json<CaseFinding>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(store.add_finding(&state.params, &case_id, &f).await?),
    ))
}

/// Record a sanction decided on a concluded case (Decree 12/2022 Art. 39).
#[utoipa::path(post, path = "/api/v1/compliance/cases/{case_id}/sanctions", tag = "compliance",
    params(("case_id" = String, Path)), request_body = NewSanction,
    responses((status = 201, body = CaseSanction), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn sanction(
    State(state): State<AppState>,
    Acting(store): Acting,
    Path(case_id): Path<String>,
    ApiJson(s): ApiJson<NewSanction>,
) -> Result<(StatusCode, Json<CaseSanction>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(store.add_sanction(&state.params, &case_id, &s).await?),
    ))
}

/// Record a payment against a case: of the back-collection (entered in the employer's account
/// too), of a recovery or of a fine.
#[utoipa::path(post, path = "/api/v1/compliance/cases/{case_id}/payments", tag = "compliance",
    params(("case_id" = String, Path)), request_body = CasePayment,
    responses((status = 201, body = CaseFile), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn payment(
    State(state): State<AppState>,
    Acting(store): Acting,
    Path(case_id): Path<String>,
    ApiJson(p): ApiJson<CasePayment>,
) -> Result<(StatusCode, Json<CaseFile>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            store
                .record_case_payment(&state.params, &case_id, &p)
                .await?,
        ),
    ))
}

/// Record a reminder (đôn đốc) sent to a unit that still owes what the conclusion recommended.
#[utoipa::path(post, path = "/api/v1/compliance/cases/{case_id}/reminders", tag = "compliance",
    params(("case_id" = String, Path)), request_body = CaseReminder,
    responses((status = 201, body = CaseFile), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reminder(
    State(state): State<AppState>,
    Acting(store): Acting,
    Path(case_id): Path<String>,
    ApiJson(r): ApiJson<CaseReminder>,
) -> Result<(StatusCode, Json<CaseFile>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(store.remind_case(&state.params, &case_id, &r).await?),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OverdueQuery {
    as_of: Option<String>,
}

/// Cases past a time limit (fieldwork, conclusion, remedy).
#[utoipa::path(get, path = "/api/v1/compliance/overdue", tag = "compliance", params(OverdueQuery),
    responses((status = 200, body = Vec<OverdueCase>), (status = 400, body = ErrorBody)))]
pub async fn overdue(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<OverdueQuery>,
) -> Result<Json<Vec<OverdueCase>>, ApiError> {
    let as_of = date("as_of", q.as_of.as_deref())?.unwrap_or_else(today);
    Ok(Json(state.store.overdue_cases(&state.params, as_of).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatisticsQuery {
    from: String,
    to: String,
    province: Option<String>,
    /// `json` (default: the totals), `csv` or `xlsx` (by province and kind).
    format: Option<String>,
}

/// The columns of the statistics as a file.
pub const STATISTICS_COLUMNS: [&str; 9] = [
    "province",
    "kind",
    "examinations",
    "units",
    "workers",
    "recommended",
    "recovered",
    "fines",
    "fines_collected",
];

pub fn statistics_rows(rows: &[StatisticsRow]) -> Vec<Vec<Cell>> {
    rows.iter()
        .map(|r| {
            let t = &r.totals;
            vec![
                Cell::from(r.province.clone()),
                Cell::from(r.kind.clone()),
                t.examinations.into(),
                t.units.into(),
                t.workers.into(),
                t.recommended.into(),
                t.recovered.into(),
                t.fines.into(),
                t.fines_collected.into(),
            ]
        })
        .collect()
}

/// Examinations, units, workers, amounts recommended and recovered, fines, for cases decided in
/// the period (both days included).
#[utoipa::path(get, path = "/api/v1/compliance/statistics", tag = "compliance", params(StatisticsQuery),
    responses((status = 200, body = Statistics), (status = 400, body = ErrorBody)))]
pub async fn statistics(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<StatisticsQuery>,
) -> Result<Response, ApiError> {
    let format = file_format(q.format.as_deref())?;
    let from = date("from", Some(&q.from))?
        .ok_or_else(|| ApiError::validation("from", "missing: YYYY-MM-DD"))?;
    let to = date("to", Some(&q.to))?
        .ok_or_else(|| ApiError::validation("to", "missing: YYYY-MM-DD"))?;
    let (total, rows) = state
        .store
        .compliance_statistics(from, to, q.province.as_deref())
        .await?;
    Ok(match format {
        None => Json(total).into_response(),
        Some(f) => download(
            f,
            "compliance-statistics",
            &STATISTICS_COLUMNS,
            &statistics_rows(&rows),
        ),
    })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UnionQuery {
    /// Day of the view (YYYY-MM-DD); today when absent.
    as_of: Option<String>,
    /// `json` (default), `csv` or `xlsx`: each worker's unpaid months.
    format: Option<String>,
}

/// The columns of the lawsuit dossier's worker list.
pub const UNION_COLUMNS: [&str; 5] = ["sin", "name", "month", "due", "unpaid"];

pub fn union_rows(d: &ansinh_store::trade_union::UnionDossier) -> Vec<Vec<Cell>> {
    d.workers
        .iter()
        .flat_map(|w| {
            w.months.iter().map(|m| {
                vec![
                    Cell::from(w.sin.clone()),
                    Cell::from(w.name.clone()),
                    Cell::from(m.month.clone()),
                    m.due.into(),
                    m.unpaid.into(),
                ]
            })
        })
        .collect()
}

/// The employer's compliance as its trade union reads it (L41 Art. 14.1): each month's status,
/// each worker's share of the unpaid months, urgings, notices, and whether the arrears allow
/// a lawsuit (the worker list as a file with `format`).
#[utoipa::path(get, path = "/api/v1/employers/{code}/union-dossier", tag = "compliance",
    params(("code" = String, Path, description = "unit code"), UnionQuery),
    responses((status = 200, body = ansinh_store::trade_union::UnionDossier), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn union_dossier(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<UnionQuery>,
) -> Result<Response, ApiError> {
    let format = file_format(q.format.as_deref())?;
    let as_of = date("as_of", q.as_of.as_deref())?.unwrap_or_else(today);
    let d = state
        .store
        .union_dossier(&state.params, &code, as_of)
        .await?;
    Ok(match format {
        None => Json(d).into_response(),
        // The worker list is a dossier for a court: offered only once the arrears allow it.
        Some(f) => {
            d.offered("format")?;
            download(f, "union-dossier", &UNION_COLUMNS, &union_rows(&d))
        }
    })
}
