use crate::AppState;
use crate::access::Acting;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
use ansinh_store::assessment::{AssessSummary, ContributionHistory, Notice};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

fn month(text: &str) -> Result<ansinh_core::Month, ApiError> {
    text.parse()
        .map_err(|e: ansinh_core::MonthError| ApiError::validation("month", e))
}

/// Run the monthly assessment of a month (idempotent: a second run writes only differences).
#[utoipa::path(post, path = "/api/v1/assessments/{month}", tag = "collection",
    params(("month" = String, Path, description = "YYYY-MM")),
    responses((status = 200, body = AssessSummary), (status = 400, body = ErrorBody)))]
pub async fn run(
    State(state): State<AppState>,
    Acting(store): Acting,
    Path(m): Path<String>,
) -> Result<Json<AssessSummary>, ApiError> {
    let m = month(&m)?;
    // A task of its own: a client that goes away does not stop a run half-way (its lock
    // would be released while its writer still writes).
    let law = state.law();
    let run = tokio::spawn(async move { store.assess_month(law.run_law(), m, &|_| {}).await });
    let summary = run.await.map_err(|e| {
        tracing::error!(error = %e, "monthly run task");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the run stopped; run it again (a run only writes what is missing)",
            None,
        )
    })??;
    Ok(Json(summary))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NoticeQuery {
    /// `json` (default), `csv` or `html`.
    format: Option<String>,
}

/// The employer's monthly notice (C12 equivalent) for a run: dues per fund, adjustments of earlier months.
#[utoipa::path(get, path = "/api/v1/employers/{code}/notices/{month}", tag = "collection",
    params(("code" = String, Path, description = "unit code"), ("month" = String, Path, description = "YYYY-MM"), NoticeQuery),
    responses((status = 200, body = Notice), (status = 404, body = ErrorBody)))]
pub async fn notice(
    State(state): State<AppState>,
    Path((code, m)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<NoticeQuery>,
) -> Result<Response, ApiError> {
    let notice = state.store.notice(&state.params, &code, month(&m)?).await?;
    Ok(match q.format.as_deref().unwrap_or("json") {
        "json" => Json(notice).into_response(),
        "csv" => (
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            crate::notice::to_csv(&notice, crate::notice::Issuer::of(state.jurisdiction)),
        )
            .into_response(),
        "html" => {
            let employer = state.store.existing_employer(&code).await?;
            let workers = state.store.notice_workers(&code, month(&m)?).await?;
            (
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                crate::notice::to_html(
                    &notice,
                    &employer,
                    &workers,
                    state.collection_account.as_deref(),
                    crate::notice::Issuer::of(state.jurisdiction),
                ),
            )
                .into_response()
        }
        other => {
            return Err(ApiError::validation(
                "format",
                format!("`{other}` is not json, csv or html"),
            ));
        }
    })
}

/// A person's contribution record across employers, month by month.
#[utoipa::path(get, path = "/api/v1/persons/{sin}/contributions", tag = "collection",
    params(("sin" = String, Path, description = "social insurance number")),
    responses((status = 200, body = ContributionHistory), (status = 404, body = ErrorBody)))]
pub async fn contributions(
    State(state): State<AppState>,
    crate::access::Caller(caller): crate::access::Caller,
    Path(sin): Path<String>,
) -> Result<Json<ContributionHistory>, ApiError> {
    if state.store.person(&sin).await?.is_none() {
        return Err(ApiError::not_found(format!("person {sin}")));
    }
    let all = state.store.contribution_history(&sin).await?;
    Ok(Json(match crate::scope::employer_of(&caller) {
        Some(code) => crate::scope::history(all, code),
        None => all,
    }))
}
