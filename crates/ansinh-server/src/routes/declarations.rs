use crate::AppState;
use crate::access::Acting;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{body_bytes, parse_json};
use ansinh_store::declaration::{BatchReport, DeclarationBatch, parse_csv, parse_xlsx};

/// The media type of an XLSX workbook.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;

/// Submit a batch of declarations as JSON (`{"lines": […]}`) or CSV (`text/csv`, UTF-8, header
/// row). Applied atomically: one bad line rejects the batch (422, with a per-line report) and
/// nothing is written. A resubmission (same `Idempotency-Key` header, or the same bytes)
/// returns the first result with `replayed: true`.
#[utoipa::path(post, path = "/api/v1/employers/{code}/declarations", tag = "declarations",
    params(("code" = String, Path, description = "unit code"),
           ("Idempotency-Key" = Option<String>, Header, description = "client key of the batch")),
    request_body(content = DeclarationBatch, description = "JSON lines, or the same fields as CSV columns (text/csv) or as the columns of an XLSX workbook's first sheet"),
    responses((status = 201, body = BatchReport, description = "applied"),
              (status = 200, body = BatchReport, description = "replayed: the first result of this batch"),
              (status = 422, body = ErrorBody, description = "rejected, with the per-line report"),
              (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    Acting(store): Acting,
    Path(code): Path<String>,
    req: Request,
) -> Result<(StatusCode, Json<BatchReport>), ApiError> {
    let content_type = crate::extract::content_type(&req);
    let key = match req.headers().get("idempotency-key") {
        Some(v) => Some(
            v.to_str()
                .map_err(|_| ApiError::validation("Idempotency-Key", "must be visible ASCII"))?
                .to_string(),
        ),
        None => None,
    };
    let bytes = body_bytes(req).await?;
    let lines = if content_type.starts_with("application/json") {
        parse_json::<DeclarationBatch>(&bytes)?.lines
    } else if content_type.starts_with("text/csv") {
        parse_csv(&bytes)?
    } else if content_type.starts_with(XLSX) {
        parse_xlsx(&bytes)?
    } else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send application/json, text/csv or an XLSX workbook",
            None,
        ));
    };
    let report = store
        .submit_declarations(&state.params, &code, &lines, key.as_deref(), &bytes)
        .await?;
    if !report.applied() {
        let bad = report.lines.iter().filter(|l| !l.ok).count();
        let mut e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "declaration_rejected",
            format!(
                "{bad} of {} lines have errors; nothing was applied",
                report.line_count
            ),
            Some("lines"),
        );
        e.report = serde_json::to_value(&report).ok().map(Box::new);
        return Err(e);
    }
    let status = if report.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(report)))
}

/// The stored result of a batch.
#[utoipa::path(get, path = "/api/v1/employers/{code}/declarations/{batch_id}", tag = "declarations",
    params(("code" = String, Path, description = "unit code"), ("batch_id" = String, Path, description = "batch id")),
    responses((status = 200, body = BatchReport), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path((code, batch_id)): Path<(String, String)>,
) -> Result<Json<BatchReport>, ApiError> {
    state
        .store
        .batch(&code, &batch_id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("batch {batch_id} of {code}")))
}
