use crate::AppState;
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// Liveness: the process answers.
#[utoipa::path(get, path = "/api/v1/health", tag = "operations", responses((status = 200, description = "alive")))]
pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// Readiness: the database answers.
#[utoipa::path(get, path = "/api/v1/ready", tag = "operations",
    responses((status = 200, description = "ready"), (status = 503, body = crate::error::ErrorBody)))]
pub async fn ready(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.store.ping().await.map_err(|_| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the database does not answer",
            None,
        )
    })?;
    Ok(Json(
        json!({ "status": "ready", "backend": format!("{:?}", state.store.kind()).to_lowercase() }),
    ))
}
