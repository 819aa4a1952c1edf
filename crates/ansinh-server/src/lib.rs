//! The HTTP face of Ansinh: a versioned REST API (`/api/v1/…`) over the store and the rules core,
//! its OpenAPI document generated from the handlers (`/api/v1/openapi.json`) and an
//! interactive documentation page (`/api/v1/docs`, vendored Swagger UI: no CDN).

pub mod access;
pub mod error;
pub mod export;
pub mod extract;
pub mod i18n;
pub mod notice;
mod routes;
mod scope;
pub mod ui;

use ansinh_rules::Params;
use ansinh_store::Store;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
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
    /// Monthly runs started from the web pages, with their progress.
    pub runs: ui::RunBoard,
    /// Approved prices and covered lists for the claims assessment (R05, R06), when loaded.
    pub claims_reference: Option<Arc<ansinh_claims::reference::Reference>>,
    /// Session cookies carry `Secure` (browsers send them back over HTTPS, and to localhost).
    pub secure_cookies: bool,
    /// The collection account printed on notices ("BHXH Hà Nội — 1234567890 — BIDV"): the
    /// agency's own, set by the deployment (`ansinh serve --collection-account`).
    pub collection_account: Option<String>,
    /// The jurisdiction packages `POST /api/v1/calc` answers for (Vietnam's over `params`).
    pub packages: Arc<ansinh_law::Installed>,
    /// The Lao law, for a Lao database's monthly run.
    pub lao_params: Arc<ansinh_la::LaoParams>,
    /// The jurisdiction of the database served: its default page language and currency.
    pub jurisdiction: &'static ansinh_law::Jurisdiction,
}

/// The law the served database is assessed by, owned so a spawned run can hold it.
#[derive(Clone)]
pub enum DeployedLaw {
    Vietnam(Arc<Params>),
    Laos(Arc<ansinh_la::LaoParams>),
}

impl DeployedLaw {
    pub fn run_law(&self) -> ansinh_store::RunLaw<'_> {
        match self {
            DeployedLaw::Vietnam(p) => ansinh_store::RunLaw::Vietnam(p),
            DeployedLaw::Laos(p) => ansinh_store::RunLaw::Laos(p),
        }
    }
}

impl AppState {
    pub fn new(store: Store, params: Arc<Params>) -> AppState {
        // Checked by the Lao package's tests; the binary carries it.
        let lao_params =
            Arc::new(ansinh_la::LaoParams::embedded().expect("the compiled-in Lao law is valid"));
        let packages = ansinh_law::Installed::new(vec![
            Box::new(ansinh_rules::jurisdiction::Vietnam {
                params: params.clone(),
            }),
            Box::new(ansinh_la::Laos {
                params: lao_params.clone(),
            }),
        ]);
        AppState {
            lao_params,
            jurisdiction: &ansinh_rules::jurisdiction::VIETNAM,
            packages: Arc::new(packages),
            store,
            params,
            runs: ui::RunBoard::default(),
            claims_reference: None,
            secure_cookies: true,
            collection_account: None,
        }
    }

    /// The state for a database of jurisdiction `code` (`VN`, `LA`); an unknown code is
    /// refused naming the installed ones.
    pub fn with_jurisdiction(mut self, code: &str) -> Result<AppState, ansinh_law::CalcError> {
        self.jurisdiction = self.packages.package("jurisdiction", code)?.jurisdiction();
        Ok(self)
    }

    /// The law of the served database.
    pub fn law(&self) -> DeployedLaw {
        if self.jurisdiction.code == ansinh_la::LAOS.code {
            DeployedLaw::Laos(self.lao_params.clone())
        } else {
            DeployedLaw::Vietnam(self.params.clone())
        }
    }
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
        (name = "health", description = "Health insurance: cards, claims files, review queue, settlement"),
        (name = "benefits", description = "Benefit claims, decisions from the record, the monthly payroll, entitlements and their suspension"),
        (name = "access", description = "Users, API tokens and the audit trail"),
        (name = "operations", description = "Health and readiness")
    )
)]
struct ApiDoc;

/// The application: API routes, OpenAPI document, docs page and middleware.
pub fn app(state: AppState) -> Router {
    let (router, mut api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(routes::router())
        .split_for_parts();
    document_errors(&mut api);
    // Every route, API and page alike, passes the one access check.
    let deployment = i18n::Deployment::of(state.jurisdiction);
    let router = router
        .merge(ui::router())
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access::authorize,
        ))
        .with_state(state);
    let api_json = api.clone();
    let router = router
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || async move { axum::Json(api_json) }),
        )
        .merge(SwaggerUi::new("/api/v1/docs").url("/api/v1/docs/openapi.json", api))
        .fallback(ui::not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(error::ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error",
                None,
            ))
        }));
    with_security_headers(router)
        // Every request renders in the deployment's default language and currency.
        .layer(axum::middleware::from_fn(move |req, next| {
            i18n::in_deployment(deployment, req, next)
        }))
        .layer(axum::middleware::from_fn(strict_transport))
        .layer(TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// The error answers every operation can give, added to each operation's own (so that a client
/// generated from the document expects them): 401 and 403 from the access check, 400 when the
/// operation reads parameters or a body, 413 and 415 for a body, 429 for a throttled one.
fn document_errors(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let error = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build()
    };
    for (path, item) in api.paths.paths.iter_mut() {
        let public = path == "/api/v1/health" || path == "/api/v1/ready";
        let takes_parameters = path.contains('{');
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let mut add = |status: &str, description: &str| {
                op.responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| error(description).into());
            };
            let has_body = op.request_body.is_some();
            let has_query = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
            if !public {
                add("401", "not signed in: no session or API token");
                add("403", "the caller's role or ownership does not allow this");
            }
            if has_body || has_query || takes_parameters {
                add(
                    "400",
                    "a parameter or the body is malformed: `error.field` names it",
                );
            }
            if has_body {
                add("413", "the body is larger than the limit");
                add(
                    "415",
                    "the body is not of a content type this operation reads",
                );
            }
        }
    }
    if let Some(op) = api
        .paths
        .paths
        .get_mut("/api/v1/employers/{code}/declarations")
        .and_then(|i| i.post.as_mut())
    {
        op.responses
            .responses
            .entry("429".into())
            .or_insert_with(|| error("too many rejected batches lately: try again later").into());
    }
}

/// Headers every response carries: no framing, no sniffing, no referrer, scripts only from this
/// site, nothing cached (pages show personal data).
fn with_security_headers(router: Router) -> Router {
    use tower_http::set_header::SetResponseHeaderLayer as Set;
    let h = HeaderValue::from_static;
    router
        .layer(Set::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            h("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
        ))
        .layer(Set::overriding(header::X_CONTENT_TYPE_OPTIONS, h("nosniff")))
        .layer(Set::overriding(header::X_FRAME_OPTIONS, h("DENY")))
        .layer(Set::overriding(header::REFERRER_POLICY, h("no-referrer")))
        .layer(Set::if_not_present(header::CACHE_CONTROL, h("no-store")))
}

/// Whether the request reached us over HTTPS: the proxy in front says so (`X-Forwarded-Proto`
/// or `Forwarded: proto=https`); the server itself speaks plain HTTP.
fn over_https(headers: &axum::http::HeaderMap) -> bool {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    text("x-forwarded-proto").split(',').next().map(str::trim) == Some("https")
        || text("forwarded")
            .split([';', ','])
            .any(|part| part.trim() == "proto=https")
}

/// HSTS on answers sent over HTTPS: browsers then never reach the site over plain HTTP, where
/// the session cookie could be read (RFC 6797; not sent over HTTP, where it means nothing).
async fn strict_transport(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let https = over_https(req.headers());
    let mut res = next.run(req).await;
    if https {
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
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
