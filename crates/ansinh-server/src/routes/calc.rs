use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::body_bytes;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use serde_json::Value;

/// The rules core: the same JSON request and response as `ansinh calc` (a `kind`, the
/// `jurisdiction` — `"VN"` or `"LA"`, the package that answers — and the facts; the answer
/// with its explanation, amounts in the jurisdiction's currency, named in `currency`).
#[utoipa::path(post, path = "/api/v1/calc", tag = "rules",
    request_body(content = Object, description = "e.g. {\"kind\":\"contribution\",\"jurisdiction\":\"VN\",\"month\":\"2026-03\",\"participant\":\"employee\",\"salary\":60000000,\"region\":1}"),
    responses((status = 200, body = Object, description = "the answer with its explanation"),
              (status = 400, body = ErrorBody, description = "not JSON, or not one JSON object"),
              (status = 413, body = ErrorBody),
              (status = 422, body = ErrorBody, description = "a field is missing, of the wrong type or out of range: `error.field` names it")))]
pub async fn calc(State(state): State<AppState>, req: Request) -> Result<Json<Value>, ApiError> {
    let bytes = body_bytes(req).await?;
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_json",
            "the body is not UTF-8",
            None,
        )
    })?;
    match state.packages.calc_text(text) {
        Ok(body) => Ok(Json(body)),
        Err(e) if e.field.is_empty() => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_json",
            e.reason,
            None,
        )),
        // Well-formed JSON the rules cannot answer (a field out of range, unknown, missing).
        Err(e) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            e.reason,
            Some(&e.field),
        )),
    }
}

/// The jurisdiction packages this server carries and what each is: currency, languages,
/// participant kinds, funds, identifiers, provinces, its parameter folder and request kinds;
/// `deployment` is the jurisdiction of this server's database.
#[utoipa::path(get, path = "/api/v1/jurisdictions", tag = "rules",
    responses((status = 200, body = Object, description = "{\"deployment\": \"VN\", \"installed\": [{\"code\": \"VN\", \"currency\": {\"code\": \"VND\", …}, …}, …]}")))]
pub async fn jurisdictions(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let deployment = state
        .store
        .jurisdiction()
        .await?
        .unwrap_or_else(|| "VN".into());
    let installed: Vec<Value> = state
        .packages
        .jurisdictions()
        .map(|j| serde_json::to_value(j).unwrap_or(Value::Null))
        .collect();
    Ok(Json(
        serde_json::json!({ "deployment": deployment, "installed": installed }),
    ))
}
