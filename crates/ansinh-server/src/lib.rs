//! The HTTP face of Ansinh: a versioned REST API (`/api/v1/…`) over the store and the rules core,
//! its OpenAPI document generated from the handlers (`/api/v1/openapi.json`) and an
//! interactive documentation page (`/api/v1/docs`, vendored Swagger UI: no CDN).

pub mod error;
pub mod extract;
pub mod notice;
mod routes;

use ansinh_rules::Params;
use ansinh_store::Store;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

/// Largest JSON body accepted (declaration batches of up to 10,000 lines fit).
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub params: Arc<Params>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ansinh API",
        version = "1",
        description = "Registry, declarations and the rules core of Ansinh, an open social-security administration platform."
    ),
    tags(
        (name = "registry", description = "Employers and insured persons"),
        (name = "declarations", description = "Employers' declarations (D02): hires, leavers, salary changes, suspensions"),
        (name = "rules", description = "Calculations of the rules core"),
        (name = "collection", description = "Monthly assessment, notices and contribution records"),
        (name = "operations", description = "Health and readiness")
    )
)]
struct ApiDoc;

/// The application: API routes, OpenAPI document, docs page and middleware.
pub fn app(state: AppState) -> Router {
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(routes::router())
        .with_state(state)
        .split_for_parts();
    let api_json = api.clone();
    router
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || async move { axum::Json(api_json) }),
        )
        .merge(SwaggerUi::new("/api/v1/docs").url("/api/v1/docs/openapi.json", api))
        .fallback(|| async { error::ApiError::not_found("this route") })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(error::ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error",
                None,
            ))
        }))
        .layer(TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// Serves until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}
