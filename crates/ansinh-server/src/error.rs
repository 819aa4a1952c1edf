//! API errors: JSON `{"error": {"code", "message", "field"}}` with a stable code per kind.

use ansinh_store::StoreError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
    /// The per-line report of a rejected declaration batch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine code: `bad_json`, `validation_failed`, `not_found`, `conflict`,
    /// `declaration_rejected`, `unauthenticated`, `forbidden`, `throttled`, `payload_too_large`, `unsupported_media_type`, `unavailable`, `internal`.
    pub code: String,
    pub message: String,
    /// The input field at fault (a JSON path such as `lines[2].salary`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    /// Boxed: most errors have none, and a small error keeps `Result`s cheap.
    pub report: Option<Box<Value>>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        message: impl ToString,
        field: Option<&str>,
    ) -> ApiError {
        ApiError {
            status,
            code,
            message: message.to_string(),
            field: field.map(str::to_string),
            report: None,
        }
    }

    pub fn validation(field: &str, message: impl ToString) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "validation_failed",
            message,
            Some(field),
        )
    }

    pub fn not_found(what: impl ToString) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{} not found", what.to_string()),
            None,
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Invalid { field, reason } => ApiError::validation(&field, reason),
            StoreError::NotFound { what } => ApiError::not_found(what),
            StoreError::Conflict { field, reason } => {
                ApiError::new(StatusCode::CONFLICT, "conflict", reason, Some(&field))
            }
            e @ StoreError::BadCredentials => {
                ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", e, None)
            }
            e @ StoreError::Throttled { .. } => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "throttled", e, None)
            }
            other => {
                tracing::error!(error = %other, "store failure");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the database failed; the change was not applied",
                    None,
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
                field: self.field,
            },
            report: self.report.map(|r| *r),
        };
        (self.status, axum::Json(json!(body))).into_response()
    }
}
