//! Who may call which route (phân quyền): one table, [`RULES`], for every API route and page,
//! checked by one middleware, [`authorize`], before any handler runs.
//!
//! A route not in the table is refused (fail closed); a test checks that every route of the
//! router has a rule. The role's permissions come from [`ansinh_core::Role::may`]; ownership
//! (an employer user sees its own employer and the persons it employs, an insured user only
//! themself) is checked here from the route's path parameters.

use crate::AppState;
use crate::error::ApiError;
use ansinh_core::{Permission, Role};
use ansinh_store::Store;
use ansinh_store::access::{Session, User};
use ansinh_store::audit::Actor;
use axum::body::Body;
use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

/// The cookie that carries the session id.
pub const SESSION_COOKIE: &str = "ansinh_session";
/// The header (API) or form field (pages) that carries the session's CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "csrf";
/// Why a change is made, sent by API clients with their writes (pages send a `reason` field).
pub const REASON_HEADER: &str = "x-reason";

/// Which records of an employer or a person the route touches, by path parameter name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// Not one employer's or person's record (lists, runs, calculators).
    Any,
    /// The employer whose unit code is this path parameter.
    Employer(&'static str),
    /// The person whose social insurance number is this path parameter.
    Person(&'static str),
    /// The same, but not for an employer of the person: records of the person's other life
    /// (military service, relatives, insurance abroad) are not an employer's to read.
    PersonOnly(&'static str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (health checks, the sign-in page, styles).
    Public,
    Needs(Permission, Owner),
}

/// One route: method, path as the router spells it, what it needs.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

const fn rule(method: &'static str, path: &'static str, access: Access) -> Rule {
    Rule {
        method,
        path,
        access,
    }
}

const fn needs(p: Permission) -> Access {
    Access::Needs(p, Owner::Any)
}

const fn employer(p: Permission) -> Access {
    Access::Needs(p, Owner::Employer("code"))
}

const fn person(p: Permission) -> Access {
    Access::Needs(p, Owner::Person("sin"))
}

const fn own_person(p: Permission) -> Access {
    Access::Needs(p, Owner::PersonOnly("sin"))
}

use Access::Public;
use Permission::*;

/// Every route of the application and what it needs.
pub const RULES: &[Rule] = &[
    rule("GET", "/api/v1/health", Public),
    rule("GET", "/api/v1/ready", Public),
    rule("GET", "/api/v1/me", needs(SignedIn)),
    rule("POST", "/api/v1/users", needs(ManageUsers)),
    rule("GET", "/api/v1/users", needs(ManageUsers)),
    rule(
        "POST",
        "/api/v1/users/{username}/tokens",
        needs(ManageUsers),
    ),
    rule("GET", "/api/v1/audit", needs(ReadAudit)),
    rule("POST", "/api/v1/employers", needs(WriteRegistry)),
    rule("GET", "/api/v1/employers", needs(SearchRegistry)),
    rule("GET", "/api/v1/employers/{code}", employer(ReadEmployer)),
    rule(
        "GET",
        "/api/v1/employers/{code}/workers",
        employer(ReadEmployer),
    ),
    rule("POST", "/api/v1/persons", needs(WriteRegistry)),
    rule("GET", "/api/v1/persons", needs(SearchRegistry)),
    rule("GET", "/api/v1/persons/{sin}", person(ReadPerson)),
    rule(
        "GET",
        "/api/v1/persons/by-personal-id/{personal_id}",
        needs(SearchRegistry),
    ),
    rule(
        "GET",
        "/api/v1/persons/{sin}/employments",
        person(ReadPerson),
    ),
    rule(
        "POST",
        "/api/v1/employers/{code}/declarations",
        employer(Declare),
    ),
    rule(
        "GET",
        "/api/v1/employers/{code}/declarations/{batch_id}",
        employer(ReadEmployer),
    ),
    rule("POST", "/api/v1/calc", needs(Calculate)),
    rule("GET", "/api/v1/jurisdictions", needs(SignedIn)),
    rule("POST", "/api/v1/assessments/{month}", needs(RunAssessment)),
    rule(
        "GET",
        "/api/v1/employers/{code}/notices/{month}",
        employer(ReadEmployer),
    ),
    rule(
        "GET",
        "/api/v1/persons/{sin}/contributions",
        person(ReadPerson),
    ),
    rule(
        "POST",
        "/api/v1/employers/{code}/payments",
        employer(RecordPayment),
    ),
    rule(
        "GET",
        "/api/v1/employers/{code}/account",
        employer(ReadEmployer),
    ),
    rule(
        "POST",
        "/api/v1/employers/{code}/urgings",
        employer(RecordPayment),
    ),
    rule("GET", "/api/v1/compliance/list", needs(ReadCompliance)),
    rule("POST", "/api/v1/claims/files", needs(ReviewClaims)),
    rule("GET", "/api/v1/claims/review-queue", needs(ReadClaims)),
    rule("GET", "/api/v1/claims/settlement", needs(ReadClaims)),
    rule("GET", "/api/v1/claims/{facility}/{key}", needs(ReadClaims)),
    rule(
        "POST",
        "/api/v1/claims/{facility}/{key}/reviews",
        needs(ReviewClaims),
    ),
    rule("POST", "/api/v1/cards", needs(WriteRegistry)),
    rule(
        "POST",
        "/api/v1/cards/{code}/renewals",
        needs(WriteRegistry),
    ),
    rule("GET", "/api/v1/persons/{sin}/cards", person(ReadPerson)),
    rule(
        "POST",
        "/api/v1/agreements/certificates",
        needs(WriteRegistry),
    ),
    rule(
        "GET",
        "/api/v1/agreements/certificates",
        needs(SearchRegistry),
    ),
    rule(
        "GET",
        "/api/v1/persons/{sin}/certificates",
        person(ReadPerson),
    ),
    rule("POST", "/api/v1/agreements/periods", needs(WriteRegistry)),
    rule(
        "GET",
        "/api/v1/agreements/periods/export",
        needs(SearchRegistry),
    ),
    rule(
        "POST",
        "/api/v1/armed-forces/servicemen",
        needs(WriteRegistry),
    ),
    rule(
        "GET",
        "/api/v1/armed-forces/servicemen",
        needs(SearchRegistry),
    ),
    rule(
        "GET",
        "/api/v1/armed-forces/servicemen/{sin}",
        own_person(ReadPerson),
    ),
    rule(
        "POST",
        "/api/v1/armed-forces/servicemen/{sin}/discharge",
        needs(WriteRegistry),
    ),
    rule(
        "POST",
        "/api/v1/armed-forces/servicemen/{sin}/relatives",
        needs(WriteRegistry),
    ),
    rule(
        "POST",
        "/api/v1/armed-forces/servicemen/{sin}/cards",
        needs(WriteRegistry),
    ),
    rule(
        "POST",
        "/api/v1/armed-forces/assessments/{month}",
        needs(RunAssessment),
    ),
    rule(
        "GET",
        "/api/v1/armed-forces/servicemen/{sin}/transfer",
        own_person(ReadPerson),
    ),
    rule(
        "POST",
        "/api/v1/armed-forces/transfers",
        needs(WriteRegistry),
    ),
    rule("GET", "/api/v1/compliance/risk", needs(ReadCompliance)),
    rule("POST", "/api/v1/compliance/headcounts", needs(Examine)),
    rule("POST", "/api/v1/compliance/cases", needs(Examine)),
    rule("GET", "/api/v1/compliance/cases", needs(ReadCompliance)),
    rule(
        "GET",
        "/api/v1/compliance/cases/{case_id}",
        needs(ReadCompliance),
    ),
    rule(
        "POST",
        "/api/v1/compliance/cases/{case_id}/transitions",
        needs(Examine),
    ),
    rule(
        "POST",
        "/api/v1/compliance/cases/{case_id}/findings",
        needs(Examine),
    ),
    rule(
        "POST",
        "/api/v1/compliance/cases/{case_id}/sanctions",
        needs(Examine),
    ),
    rule(
        "POST",
        "/api/v1/compliance/cases/{case_id}/payments",
        needs(Examine),
    ),
    rule(
        "POST",
        "/api/v1/compliance/cases/{case_id}/reminders",
        needs(Examine),
    ),
    rule("GET", "/api/v1/compliance/overdue", needs(ReadCompliance)),
    rule(
        "GET",
        "/api/v1/compliance/statistics",
        needs(ReadCompliance),
    ),
    rule(
        "GET",
        "/api/v1/employers/{code}/union-dossier",
        employer(ReadUnion),
    ),
    // Pages.
    rule("POST", "/api/v1/benefit-claims", needs(FileClaim)),
    rule("GET", "/api/v1/benefit-claims", needs(ReadBenefits)),
    rule(
        "GET",
        "/api/v1/benefit-claims/{claim_id}",
        needs(ReadBenefits),
    ),
    rule(
        "POST",
        "/api/v1/benefit-claims/{claim_id}/documents",
        needs(FileClaim),
    ),
    rule(
        "POST",
        "/api/v1/benefit-claims/{claim_id}/decision",
        needs(DecideBenefits),
    ),
    rule(
        "POST",
        "/api/v1/benefit-claims/{claim_id}/approval",
        needs(DecideBenefits),
    ),
    rule("POST", "/api/v1/payroll/{month}", needs(DecideBenefits)),
    rule(
        "GET",
        "/api/v1/payroll/{month}/files/{channel}",
        needs(DecideBenefits),
    ),
    rule(
        "POST",
        "/api/v1/entitlements/{entitlement_id}/changes",
        needs(DecideBenefits),
    ),
    rule(
        "GET",
        "/api/v1/persons/{sin}/benefits",
        own_person(ReadPerson),
    ),
    rule(
        "POST",
        "/api/v1/persons/{sin}/verified-periods",
        needs(DecideBenefits),
    ),
    rule("GET", "/login", Public),
    rule("POST", "/login", Public),
    rule("POST", "/locale", Public),
    rule("GET", "/static/{file}", Public),
    rule("POST", "/logout", needs(SignedIn)),
    rule("GET", "/", needs(SignedIn)),
    rule("GET", "/ui/dashboard", needs(ViewDashboard)),
    rule("GET", "/ui/dashboard/charts/{chart}", needs(ViewDashboard)),
    rule("GET", "/ui/search", needs(SearchRegistry)),
    rule("GET", "/ui/persons/{sin}", person(ReadPerson)),
    rule("GET", "/ui/persons/{sin}/calculator", person(Calculate)),
    rule("GET", "/ui/employers/{code}", employer(ReadEmployer)),
    rule(
        "GET",
        "/ui/employers/{code}/declarations",
        employer(Declare),
    ),
    rule(
        "POST",
        "/ui/employers/{code}/declarations",
        employer(Declare),
    ),
    rule(
        "POST",
        "/ui/employers/{code}/payments",
        employer(RecordPayment),
    ),
    rule("POST", "/ui/assessments", needs(RunAssessment)),
    rule("GET", "/ui/audit", needs(ReadAudit)),
    rule("GET", "/ui/compliance", needs(ReadCompliance)),
    rule("GET", "/ui/benefits", needs(ReadBenefits)),
    rule("POST", "/ui/benefits/claims", needs(FileClaim)),
    // A claim's page is its filer's or the benefits staff's: the handler checks which.
    rule("GET", "/ui/benefits/claims/{claim_id}", needs(SignedIn)),
    rule(
        "POST",
        "/ui/benefits/claims/{claim_id}/documents",
        needs(FileClaim),
    ),
    rule(
        "POST",
        "/ui/benefits/claims/{claim_id}/decision",
        needs(DecideBenefits),
    ),
    rule(
        "POST",
        "/ui/benefits/claims/{claim_id}/approval",
        needs(DecideBenefits),
    ),
    rule("POST", "/ui/benefits/payroll", needs(DecideBenefits)),
    rule(
        "POST",
        "/ui/benefits/entitlements/{entitlement_id}/changes",
        needs(DecideBenefits),
    ),
    rule("GET", "/ui/persons/{sin}/benefits", own_person(ReadPerson)),
    rule(
        "GET",
        "/ui/employers/{code}/benefit-claims",
        employer(FileClaim),
    ),
    rule("GET", "/ui/agreements", needs(SearchRegistry)),
    rule("GET", "/ui/armed-forces", needs(SearchRegistry)),
    rule("POST", "/ui/armed-forces/servicemen", needs(WriteRegistry)),
    rule("POST", "/ui/armed-forces/assessments", needs(RunAssessment)),
    rule("POST", "/ui/armed-forces/transfers", needs(WriteRegistry)),
    rule("GET", "/ui/armed-forces/{sin}", own_person(ReadPerson)),
    rule(
        "POST",
        "/ui/armed-forces/{sin}/discharge",
        needs(WriteRegistry),
    ),
    rule(
        "POST",
        "/ui/armed-forces/{sin}/relatives",
        needs(WriteRegistry),
    ),
    rule("POST", "/ui/armed-forces/{sin}/cards", needs(WriteRegistry)),
    rule("POST", "/ui/agreements/certificates", needs(WriteRegistry)),
    rule(
        "GET",
        "/ui/agreements/certificates/{sin}/{number}",
        person(ReadPerson),
    ),
    rule("GET", "/ui/users", needs(ManageUsers)),
    rule("POST", "/ui/users", needs(ManageUsers)),
    rule("POST", "/ui/users/{username}/tokens", needs(ManageUsers)),
    rule(
        "POST",
        "/ui/employers/{code}/urgings",
        employer(RecordPayment),
    ),
    rule("GET", "/ui/claims", needs(ReadClaims)),
    rule("POST", "/ui/claims/files", needs(ReviewClaims)),
    rule("GET", "/ui/claims/{facility}/{key}", needs(ReadClaims)),
    rule(
        "POST",
        "/ui/claims/{facility}/{key}/review",
        needs(ReviewClaims),
    ),
    rule("GET", "/ui/compliance/risk", needs(ReadCompliance)),
    rule("GET", "/ui/employers/{code}/union", employer(ReadUnion)),
    rule("GET", "/ui/compliance/cases", needs(ReadCompliance)),
    rule("POST", "/ui/compliance/cases", needs(Examine)),
    rule("POST", "/ui/compliance/headcounts", needs(Examine)),
    rule(
        "GET",
        "/ui/compliance/cases/{case_id}",
        needs(ReadCompliance),
    ),
    rule(
        "POST",
        "/ui/compliance/cases/{case_id}/transitions",
        needs(Examine),
    ),
    rule(
        "POST",
        "/ui/compliance/cases/{case_id}/findings",
        needs(Examine),
    ),
    rule(
        "POST",
        "/ui/compliance/cases/{case_id}/sanctions",
        needs(Examine),
    ),
    rule(
        "POST",
        "/ui/compliance/cases/{case_id}/payments",
        needs(Examine),
    ),
    rule(
        "POST",
        "/ui/compliance/cases/{case_id}/reminders",
        needs(Examine),
    ),
    rule(
        "GET",
        "/ui/compliance/cases/{case_id}/documents/{document}",
        needs(ReadCompliance),
    ),
];

/// The rule of a matched route (HEAD is answered as GET, as axum does).
pub fn rule_of(method: &Method, path: &str) -> Option<&'static Rule> {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    RULES.iter().find(|r| r.path == path && r.method == method)
}

/// The signed-in caller of a request.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user: User,
    /// Set when signed in by a browser session: the token its forms must carry.
    pub csrf_token: Option<String>,
}

impl Principal {
    fn from_session(s: Session) -> Principal {
        Principal {
            user: s.user,
            csrf_token: Some(s.csrf_token),
        }
    }
}

/// The value of a cookie of the request.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The caller, from an API token (`Authorization: Bearer …`) or the session cookie.
async fn principal(store: &Store, headers: &HeaderMap) -> Result<Option<Principal>, ApiError> {
    if let Some(auth) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let token = auth.strip_prefix("Bearer ").unwrap_or("").trim();
        return Ok(store.token_user(token).await?.map(|user| Principal {
            user,
            csrf_token: None,
        }));
    }
    match cookie(headers, SESSION_COOKIE) {
        Some(id) => Ok(store.session(id).await?.map(Principal::from_session)),
        None => Ok(None),
    }
}

/// Compares without stopping at the first difference (the time taken says nothing of where).
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The CSRF token sent with a form: a `csrf` field of a URL-encoded or multipart body.
async fn form_token(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    let kind = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    if kind.starts_with("application/x-www-form-urlencoded") {
        return form_urlencoded::parse(body)
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v.into_owned());
    }
    let boundary = multer::parse_boundary(kind).ok()?;
    let bytes = axum::body::Bytes::copy_from_slice(body);
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(bytes) });
    let mut parts = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = parts.next_field().await {
        if field.name() == Some(CSRF_FIELD) {
            return field.text().await.ok();
        }
    }
    None
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

fn unauthenticated(path: &str, uri: &str) -> Response {
    if is_api(path) {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "sign in (session cookie) or send an API token (Authorization: Bearer …)",
            None,
        )
        .into_response()
    } else {
        let next: String = form_urlencoded::byte_serialize(uri.as_bytes()).collect();
        Redirect::to(&format!("/login?next={next}")).into_response()
    }
}

fn forbidden(path: &str, why: &str) -> Response {
    if is_api(path) {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", why, None).into_response()
    } else {
        crate::ui::forbidden_page(why)
    }
}

/// 405 with the methods the route has (TRACE, PUT … on a route that has none of them).
fn method_not_allowed(allowed: &[&str]) -> Response {
    let mut res = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("this route answers {}", allowed.join(", ")),
        None,
    )
    .into_response();
    if let Ok(v) = allowed.join(", ").parse() {
        res.headers_mut().insert(header::ALLOW, v);
    }
    res
}

/// Whether a browser says the request comes from a page of another site. Browsers that send
/// `Sec-Fetch-Site` say it themselves; otherwise an `Origin` is compared with the host the
/// request was sent to (`X-Forwarded-Host` from a proxy in front, else `Host`, else the
/// authority of an HTTP/2 request).
fn cross_site(headers: &HeaderMap, authority: Option<&axum::http::uri::Authority>) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match text("sec-fetch-site") {
        Some("cross-site") => return true,
        Some("same-origin" | "same-site" | "none") => return false,
        _ => {}
    }
    // Under `Referrer-Policy: no-referrer` a browser sends `Origin: null` even for this site's
    // own forms: without Sec-Fetch-Site it says nothing either way (the session's CSRF token
    // and SameSite cookie still guard every signed-in form).
    let Some(origin) = text("origin").filter(|o| *o != "null") else {
        return false;
    };
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest.trim_end_matches('/'));
    let asked = text("x-forwarded-host")
        .and_then(|h| h.split(',').next())
        .map(str::trim)
        .or_else(|| text("host"))
        .or_else(|| authority.map(|a| a.as_str()));
    origin_host.is_none() || origin_host != asked
}

/// Whether `user` may touch the records named by the route's path parameters.
async fn owns(
    store: &Store,
    user: &User,
    owner: Owner,
    params: &RawPathParams,
) -> Result<bool, ApiError> {
    let value = |name: &str| {
        params
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    Ok(match (user.role, owner) {
        (role, _) if role.is_staff() => true,
        (_, Owner::Any) => true,
        (Role::Employer | Role::TradeUnion, Owner::Employer(p)) => user
            .employer_code
            .as_deref()
            .is_some_and(|own| own.eq_ignore_ascii_case(&value(p))),
        (Role::Employer, Owner::Person(p)) => match &user.employer_code {
            Some(own) => store.employs(own, &value(p)).await?,
            None => false,
        },
        (Role::Insured, Owner::Person(p) | Owner::PersonOnly(p)) => {
            user.person_sin.as_deref() == Some(value(p).as_str())
        }
        _ => false,
    })
}

/// The middleware: finds the route's rule, the caller, checks role, ownership and (for
/// browser sessions changing something) the CSRF token; then hands the request on with the
/// [`Principal`] in its extensions.
pub async fn authorize(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match check(&state, req).await {
        Ok(req) => next.run(req).await,
        Err(response) => response,
    }
}

async fn check(state: &AppState, req: Request) -> Result<Request, Response> {
    let (mut parts, body) = req.into_parts();
    let path = parts
        .extensions
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_default();
    let Some(rule) = rule_of(&parts.method, &path) else {
        let allowed: Vec<&str> = RULES
            .iter()
            .filter(|r| r.path == path)
            .map(|r| r.method)
            .collect();
        if !allowed.is_empty() {
            return Err(method_not_allowed(&allowed));
        }
        return Err(forbidden(&path, "this route has no access rule"));
    };
    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    // A browser's form or script from another site (login CSRF, a forged change of language):
    // refused whatever the route. Machine clients with a token send no Origin.
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "));
    if unsafe_method && !bearer && cross_site(&parts.headers, parts.uri.authority()) {
        return Err(forbidden(
            &path,
            "a request sent by a page of another site may not change anything here",
        ));
    }
    let caller = principal(&state.store, &parts.headers)
        .await
        .map_err(IntoResponse::into_response)?;
    if let Access::Needs(permission, owner) = rule.access {
        let Some(caller) = &caller else {
            return Err(unauthenticated(&path, &parts.uri.to_string()));
        };
        if !caller.user.role.may(permission) {
            return Err(forbidden(
                &path,
                &format!("the role {} may not do this", caller.user.role),
            ));
        }
        let params = RawPathParams::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        if !owns(&state.store, &caller.user, owner, &params)
            .await
            .map_err(IntoResponse::into_response)?
        {
            return Err(forbidden(&path, "this record is not yours"));
        }
    }
    let body = match caller.as_ref().and_then(|c| c.csrf_token.as_deref()) {
        Some(expected) if unsafe_method && rule.access != Access::Public => {
            let bytes = axum::body::to_bytes(body, crate::BODY_LIMIT)
                .await
                .map_err(|_| {
                    ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        "the body is larger than the limit of this endpoint",
                        None,
                    )
                    .into_response()
                })?;
            let sent = match parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
                Some(h) => Some(h.to_string()),
                None => form_token(&parts.headers, &bytes).await,
            };
            if !sent.is_some_and(|s| same_secret(&s, expected)) {
                return Err(forbidden(
                    &path,
                    "the form's security token (CSRF) is missing or wrong: reload the page",
                ));
            }
            Body::from(bytes)
        }
        _ => body,
    };
    if let Some(caller) = caller {
        parts.extensions.insert(caller);
    }
    Ok(Request::from_parts(parts, body))
}

/// The store acting for the caller: every write it makes is audited in their name, with the
/// request id and the reason sent in `X-Reason`.
pub struct Acting(pub Store);

impl FromRequestParts<AppState> for Acting {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Acting, ApiError> {
        let user = parts
            .extensions
            .get::<Principal>()
            .map(|p| format!("user:{}", p.user.username))
            .unwrap_or_else(|| "anonymous".into());
        let header_text = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.chars().take(500).collect::<String>())
        };
        Ok(Acting(state.store.acting_as(Actor {
            user,
            request_id: header_text("x-request-id"),
            reason: header_text(REASON_HEADER),
        })))
    }
}

/// The signed-in caller (the middleware has checked they are there for every non-public route).
pub struct Caller(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Caller, ApiError> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .map(Caller)
            .ok_or_else(|| {
                ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "sign in", None)
            })
    }
}

/// The caller if signed in (public pages).
pub struct MaybeCaller(pub Option<Principal>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeCaller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &S,
    ) -> Result<MaybeCaller, std::convert::Infallible> {
        Ok(MaybeCaller(parts.extensions.get::<Principal>().cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_unique() {
        for (i, a) in RULES.iter().enumerate() {
            assert!(
                !RULES[i + 1..]
                    .iter()
                    .any(|b| a.method == b.method && a.path == b.path),
                "{} {} twice",
                a.method,
                a.path
            );
        }
    }

    #[test]
    fn owner_parameters_are_in_the_path() {
        for r in RULES {
            if let Access::Needs(_, Owner::Employer(p) | Owner::Person(p) | Owner::PersonOnly(p)) =
                r.access
            {
                assert!(
                    r.path.contains(&format!("{{{p}}}")),
                    "{} {}",
                    r.method,
                    r.path
                );
            }
        }
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "lang=vi; ansinh_session=abc=; x=1".parse().unwrap(),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc="));
        assert_eq!(cookie(&h, "missing"), None);
    }

    #[test]
    fn pages_of_other_sites_are_told_apart() {
        let with = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, v.parse().unwrap());
            }
            cross_site(&h, None)
        };
        assert!(!with(&[("host", "127.0.0.1:8080")]));
        assert!(!with(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080")
        ]));
        assert!(with(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "https://evil.example")
        ]));
        assert!(!with(&[("host", "127.0.0.1:8080"), ("origin", "null")]));
        assert!(with(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "null"),
            ("sec-fetch-site", "cross-site")
        ]));
        assert!(with(&[
            ("host", "127.0.0.1:8080"),
            ("sec-fetch-site", "cross-site")
        ]));
        // Behind a proxy that rewrites Host, the browser's own word or the forwarded host.
        assert!(!with(&[
            ("host", "backend:8080"),
            ("origin", "https://bhxh.example"),
            ("sec-fetch-site", "same-origin")
        ]));
        assert!(!with(&[
            ("host", "backend:8080"),
            ("x-forwarded-host", "bhxh.example"),
            ("origin", "https://bhxh.example")
        ]));
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }
}
