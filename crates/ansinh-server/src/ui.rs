//! The web pages (giao diện): staff UI, employer portal and self-service, server-rendered with
//! askama templates (`templates/`), no script needed, no CDN. Every page goes through the same
//! access middleware as the API; writes go through the acting store, so they are audited.

mod agreements;
mod armed_forces;
mod benefits;
mod calculator;
mod chart;
mod compliance;
mod examinations;
mod lists;
mod users;

use crate::AppState;
use crate::access::{Acting, CSRF_FIELD, Caller, MaybeCaller, Principal, SESSION_COOKIE};
use crate::i18n::{LANG_COOKIE, Lang};
use ansinh_core::{Permission, Role};
use ansinh_store::StoreError;
use ansinh_store::access::User;
use ansinh_store::audit::{AuditEntry, AuditFilter};
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use std::sync::{Arc, Mutex};

/// The monthly runs started from the web page, with their progress (employments done).
#[derive(Clone, Default)]
pub struct RunBoard(Arc<Mutex<Vec<RunStatus>>>);

#[derive(Clone, Debug)]
pub struct RunStatus {
    pub month: String,
    pub by: String,
    pub done: u64,
    /// `running`, `finished` or the error.
    pub state: String,
}

impl RunBoard {
    fn list(&self) -> Vec<RunStatus> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }

    fn update(&self, month: &str, f: impl FnOnce(&mut RunStatus)) {
        if let Ok(mut runs) = self.0.lock()
            && let Some(r) = runs.iter_mut().rev().find(|r| r.month == month)
        {
            f(r)
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/locale", post(set_locale))
        .route("/static/{file}", get(static_file))
        .route("/", get(home))
        .route("/ui/dashboard", get(dashboard))
        .route("/ui/dashboard/charts/{chart}", get(dashboard_chart))
        .route("/ui/search", get(search))
        .route("/ui/persons/{sin}", get(person_page))
        .route("/ui/persons/{sin}/calculator", get(calculator::page))
        .route("/ui/employers/{code}", get(employer_page))
        .route(
            "/ui/employers/{code}/declarations",
            get(declarations_page).post(declarations_submit),
        )
        .route("/ui/employers/{code}/payments", post(payment_submit))
        .route("/ui/assessments", post(run_submit))
        .route("/ui/audit", get(audit_page))
        .route("/ui/compliance", get(compliance::page))
        .route("/ui/benefits", get(benefits::queue))
        .route("/ui/benefits/claims", post(benefits::file))
        .route("/ui/benefits/claims/{claim_id}", get(benefits::claim))
        .route(
            "/ui/benefits/claims/{claim_id}/documents",
            post(benefits::upload),
        )
        .route(
            "/ui/benefits/claims/{claim_id}/decision",
            post(benefits::decide),
        )
        .route(
            "/ui/benefits/claims/{claim_id}/approval",
            post(benefits::approve),
        )
        .route("/ui/benefits/payroll", post(benefits::payroll))
        .route(
            "/ui/benefits/entitlements/{entitlement_id}/changes",
            post(benefits::change),
        )
        .route("/ui/persons/{sin}/benefits", get(benefits::of_person))
        .route(
            "/ui/employers/{code}/benefit-claims",
            get(benefits::of_employer),
        )
        .route("/ui/agreements", get(agreements::page))
        .route("/ui/armed-forces", get(armed_forces::page))
        .route("/ui/armed-forces/servicemen", post(armed_forces::enlist))
        .route("/ui/armed-forces/assessments", post(armed_forces::run))
        .route(
            "/ui/armed-forces/transfers",
            post(armed_forces::import_transfer),
        )
        .route("/ui/armed-forces/{sin}", get(armed_forces::record))
        .route(
            "/ui/armed-forces/{sin}/discharge",
            post(armed_forces::discharge),
        )
        .route(
            "/ui/armed-forces/{sin}/relatives",
            post(armed_forces::relative),
        )
        .route("/ui/armed-forces/{sin}/cards", post(armed_forces::card))
        .route("/ui/agreements/certificates", post(agreements::record))
        .route(
            "/ui/agreements/certificates/{sin}/{number}",
            get(agreements::document),
        )
        .route("/ui/users", get(users::page).post(users::create))
        .route("/ui/users/{username}/tokens", post(users::token))
        .route("/ui/employers/{code}/urgings", post(compliance::urge))
        .route("/ui/claims", get(claims_page))
        .route("/ui/claims/files", post(claims_upload))
        .route("/ui/claims/{facility}/{key}", get(claim_visit_page))
        .route("/ui/claims/{facility}/{key}/review", post(review_submit))
        .route("/ui/compliance/risk", get(examinations::risk))
        .route("/ui/employers/{code}/union", get(examinations::union))
        .route(
            "/ui/compliance/cases",
            get(examinations::cases).post(examinations::open),
        )
        .route("/ui/compliance/headcounts", post(examinations::headcounts))
        .route("/ui/compliance/cases/{case_id}", get(examinations::case))
        .route(
            "/ui/compliance/cases/{case_id}/transitions",
            post(examinations::transition),
        )
        .route(
            "/ui/compliance/cases/{case_id}/findings",
            post(examinations::finding),
        )
        .route(
            "/ui/compliance/cases/{case_id}/sanctions",
            post(examinations::sanction),
        )
        .route(
            "/ui/compliance/cases/{case_id}/payments",
            post(examinations::payment),
        )
        .route(
            "/ui/compliance/cases/{case_id}/reminders",
            post(examinations::reminder),
        )
        .route(
            "/ui/compliance/cases/{case_id}/documents/{document}",
            get(examinations::document),
        )
}

/// An amount in đồng as templates hold it (by value or through references).
pub trait Amount {
    fn dong(&self) -> i64;
}

impl Amount for i64 {
    fn dong(&self) -> i64 {
        *self
    }
}

impl<T: Amount + ?Sized> Amount for &T {
    fn dong(&self) -> i64 {
        (**self).dong()
    }
}

/// What every page shows around its content: language, user, menu, the CSRF token of forms.
pub struct Chrome {
    pub lang: Lang,
    pub user: Option<User>,
    pub csrf: String,
    pub path: String,
}

impl Chrome {
    fn new(headers: &HeaderMap, caller: Option<&Principal>, path: &str) -> Chrome {
        Chrome {
            lang: Lang::of(headers, caller.map(|c| c.user.locale.as_str())),
            user: caller.map(|c| c.user.clone()),
            csrf: caller
                .and_then(|c| c.csrf_token.clone())
                .unwrap_or_default(),
            path: path.to_string(),
        }
    }

    pub fn t(&self, key: impl AsRef<str>) -> String {
        self.lang.t(key.as_ref())
    }

    pub fn money(&self, dong: impl Amount) -> String {
        self.lang.money(dong.dong())
    }

    pub fn decimal(&self, text: impl AsRef<str>) -> String {
        self.lang.decimal(text.as_ref())
    }

    /// An instant of the audit trail in Vietnam's time (UTC+7, no daylight saving), day first in
    /// Vietnamese: the trail is read by people in the agency, not in UTC.
    pub fn instant(&self, iso: impl AsRef<str>) -> String {
        self.lang.instant(iso.as_ref())
    }

    /// The fields of a recorded change, as rows of a small table (a nested value as JSON).
    pub fn fields(&self, change: &serde_json::Value) -> Vec<(String, String)> {
        match change {
            serde_json::Value::Object(m) => m
                .iter()
                .map(|(k, v)| {
                    let text = match v {
                        serde_json::Value::String(s) => s.clone(),
                        serde_json::Value::Null => "—".to_string(),
                        other => other.to_string(),
                    };
                    (k.clone(), text)
                })
                .collect(),
            other => vec![(String::new(), other.to_string())],
        }
    }

    pub fn date(&self, iso: impl AsRef<str>) -> String {
        self.lang.date(iso.as_ref())
    }

    pub fn may(&self, permission: &str) -> bool {
        let p = match permission {
            "dashboard" => Permission::ViewDashboard,
            "search" => Permission::SearchRegistry,
            "audit" => Permission::ReadAudit,
            "run" => Permission::RunAssessment,
            "pay" => Permission::RecordPayment,
            "declare" => Permission::Declare,
            "claims" => Permission::ReadClaims,
            "compliance" => Permission::ReadCompliance,
            "examine" => Permission::Examine,
            "register" => Permission::WriteRegistry,
            "users" => Permission::ManageUsers,
            "calculate" => Permission::Calculate,
            "benefits" => Permission::ReadBenefits,
            "file_claim" => Permission::FileClaim,
            _ => return false,
        };
        self.user.as_ref().is_some_and(|u| u.role.may(p))
    }

    /// The role's name in the page's language.
    pub fn role(&self) -> String {
        self.user
            .as_ref()
            .map(|u| self.role_name(u.role.as_str()))
            .unwrap_or_default()
    }

    /// A declaration action (`hire`) in the page's language; an unknown one as it was sent.
    pub fn action(&self, code: &str) -> String {
        let key = format!("action-{code}");
        let name = self.t(&key);
        if name == key { code.to_string() } else { name }
    }

    /// A message of the rules or the store (written with English digit grouping, `4,960,000`)
    /// with the page's grouping: `4.960.000` in Vietnamese.
    pub fn text(&self, message: impl AsRef<str>) -> String {
        self.lang.numbers(message.as_ref())
    }

    /// A field of a form or file by its name in the page's language, with the column's code
    /// (`Tiền lương (salary)`): the clerk's file names its columns by code.
    pub fn field(&self, code: &str) -> String {
        let key = format!("field-{code}");
        let name = self.t(&key);
        if name == key {
            code.to_string()
        } else {
            format!("{name} ({code})")
        }
    }

    /// A reason kept in English and, where the check gave one, in Vietnamese: the page's, with
    /// its digit grouping.
    pub fn reason(&self, en: &str, vi: &Option<String>) -> String {
        match (self.lang, vi) {
            (Lang::Vi, Some(vi)) => self.text(vi),
            _ => self.text(en),
        }
    }

    /// Of texts kept in both languages, those of the page's (English on Lao pages: the
    /// rules' texts have no Lao version).
    pub fn pick<'t>(&self, vi: &'t [String], en: &'t [String]) -> &'t [String] {
        match self.lang {
            Lang::En | Lang::Lo if !en.is_empty() => en,
            _ => vi,
        }
    }

    /// A code of a list (`case-state`, `fieldwork`) in the page's language: the key
    /// `case-state-fieldwork`; an unknown code as it is.
    pub fn code(&self, list: &str, code: &str) -> String {
        let key = format!("{list}-{}", code.replace('_', "-"));
        let name = self.t(&key);
        if name == key { code.to_string() } else { name }
    }

    /// Of a text kept in Vietnamese and English, the page's (English on Lao pages).
    pub fn either(&self, vi: &str, en: &str) -> String {
        match self.lang {
            Lang::Vi => vi.to_string(),
            _ => en.to_string(),
        }
    }

    /// A role's name (`collection_officer`) in the page's language.
    pub fn role_name(&self, role: &str) -> String {
        self.t(format!("role-{}", role.replace('_', "-")))
    }

    /// The signed-in user's own employer or person page, for the menu.
    pub fn own_page(&self) -> Option<String> {
        let u = self.user.as_ref()?;
        match u.role {
            Role::Employer => u
                .employer_code
                .as_ref()
                .map(|c| format!("/ui/employers/{c}")),
            Role::Insured => u.person_sin.as_ref().map(|s| format!("/ui/persons/{s}")),
            Role::TradeUnion => u
                .employer_code
                .as_ref()
                .map(|c| format!("/ui/employers/{c}/union")),
            _ => None,
        }
    }
}

/// Renders a template, or a plain 500 naming nothing internal.
fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    c: Chrome,
    title: String,
    message: String,
}

/// The page shown when the role or ownership check refuses a page.
pub fn forbidden_page(why: &str) -> Response {
    let c = Chrome {
        lang: Lang::Vi,
        user: None,
        csrf: String::new(),
        path: String::new(),
    };
    // The page has no signed-in language to follow: the reason in Vietnamese, then English.
    let vi = if let Some(role) = why
        .strip_prefix("the role ")
        .and_then(|r| r.strip_suffix(" may not do this"))
    {
        format!("Vai trò {role} không được thực hiện việc này")
    } else {
        match why {
            "this record is not yours" => "Hồ sơ này không thuộc quyền xem của bạn".to_string(),
            "the form's security token (CSRF) is missing or wrong: reload the page" => {
                "Mã bảo mật của biểu mẫu (CSRF) thiếu hoặc sai: hãy tải lại trang".to_string()
            }
            "a request sent by a page of another site may not change anything here" => {
                "Yêu cầu gửi từ trang của một website khác không được thay đổi dữ liệu ở đây"
                    .to_string()
            }
            "this route has no access rule" => "Địa chỉ này chưa được phân quyền".to_string(),
            other => other.to_string(),
        }
    };
    let message = if vi == why {
        why.to_string()
    } else {
        format!("{vi} — {why}")
    };
    let page = MessagePage {
        title: format!("{} / {}", Lang::Vi.t("forbidden"), Lang::En.t("forbidden")),
        message,
        c,
    };
    (StatusCode::FORBIDDEN, render(&page)).into_response()
}

/// An address with no route: a page for a browser (in its language), the JSON error for the API
/// and for clients that do not ask for HTML.
pub async fn not_found(headers: HeaderMap, uri: axum::http::Uri) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if uri.path().starts_with("/api/") || !wants_html {
        return crate::error::ApiError::not_found("this route").into_response();
    }
    let c = Chrome::new(&headers, None, uri.path());
    let page = MessagePage {
        title: c.t("not-found"),
        message: c.t("not-found-text"),
        c,
    };
    (StatusCode::NOT_FOUND, render(&page)).into_response()
}

/// A store error as a page in the visitor's language (the reason itself is the store's).
fn error_page(c: Chrome, e: StoreError) -> Response {
    let status = match &e {
        StoreError::NotFound { .. } => StatusCode::NOT_FOUND,
        StoreError::Invalid { .. } => StatusCode::BAD_REQUEST,
        StoreError::Conflict { .. } => StatusCode::CONFLICT,
        StoreError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
        tracing::error!(error = %e, "page");
        c.t("error-internal")
    } else {
        e.to_string()
    };
    let page = MessagePage {
        title: c.t("error"),
        message,
        c,
    };
    (status, render(&page)).into_response()
}

/// A relative path of this site to go back to after signing in (never another site).
///
/// Only a path of printable ASCII starting with one `/` is followed: browsers drop tabs and
/// line breaks from a `Location` (so `/\t/evil.example` would become `//evil.example`, another
/// site), read `\` as `/`, and a control character cannot be sent in a header at all.
/// Anything else goes to the home page.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

/// A query string of the pairs whose value is not empty, each encoded.
fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        q.append_pair(k, v);
    }
    q.finish()
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

// ---- sign-in ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct LoginQuery {
    next: Option<String>,
}

async fn login_page(
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    if caller.is_some() {
        return see_other(&next);
    }
    render(&LoginPage {
        c: Chrome::new(&headers, None, "/login"),
        next,
        username: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

fn session_cookie(id: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .expect("a cookie of URL-safe characters")
}

async fn login(
    State(state): State<AppState>,
    Acting(store): Acting,
    headers: HeaderMap,
    axum::Form(f): axum::Form<LoginForm>,
) -> Response {
    let c = Chrome::new(&headers, None, "/login");
    match store.sign_in(&f.username, &f.password).await {
        Ok((id, _)) => {
            let mut res = see_other(&safe_next(f.next.as_deref()));
            res.headers_mut().insert(
                header::SET_COOKIE,
                session_cookie(
                    &id,
                    ansinh_store::access::SESSION_HOURS * 3600,
                    state.secure_cookies,
                ),
            );
            res
        }
        Err(e) => {
            let status = match e {
                StoreError::BadCredentials => StatusCode::UNAUTHORIZED,
                StoreError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
                _ => return error_page(c, e),
            };
            let error = Some(match e {
                StoreError::Throttled { minutes } => {
                    format!("{} ({minutes} min)", c.t("login-throttled"))
                }
                _ => c.t("login-failed"),
            });
            // The password is never echoed back.
            let page = LoginPage {
                next: safe_next(f.next.as_deref()),
                username: f.username,
                error,
                c,
            };
            (status, render(&page)).into_response()
        }
    }
}

async fn logout(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
) -> Response {
    if let Some(id) = crate::access::cookie(&headers, SESSION_COOKIE) {
        let _ = store.sign_out(id).await;
        let _ = store
            .record_event(
                "session.sign_out",
                "user",
                &caller.user.username,
                serde_json::json!({}),
            )
            .await;
    }
    let mut res = see_other("/login");
    res.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie("", 0, state.secure_cookies),
    );
    res
}

#[derive(Deserialize)]
struct LocaleForm {
    lang: String,
    next: Option<String>,
}

async fn set_locale(
    Acting(store): Acting,
    MaybeCaller(caller): MaybeCaller,
    axum::Form(f): axum::Form<LocaleForm>,
) -> Response {
    let lang = Lang::from_code(&f.lang);
    // Signed in, the choice is the user's preference too: it holds at the next sign-in, on
    // another browser.
    if let Some(caller) = caller
        && let Err(e) = store.set_locale(&caller.user.username, lang.code()).await
    {
        tracing::warn!(error = %e, "keeping the language chosen");
    }
    let mut res = see_other(&safe_next(f.next.as_deref()));
    res.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&format!(
            "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
            lang.code()
        ))
        .expect("ASCII"),
    );
    res
}

async fn static_file(Path(file): Path<String>) -> Response {
    match file.as_str() {
        "style.css" => (
            [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
            include_str!("../static/style.css"),
        )
            .into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Each role starts on its own page.
async fn home(Caller(caller): Caller) -> Response {
    let u = &caller.user;
    match (u.role, &u.employer_code, &u.person_sin) {
        (Role::Employer, Some(code), _) => see_other(&format!("/ui/employers/{code}")),
        (Role::TradeUnion, Some(code), _) => see_other(&format!("/ui/employers/{code}/union")),
        (Role::Insured, _, Some(sin)) => see_other(&format!("/ui/persons/{sin}")),
        _ if u.role.may(Permission::ViewDashboard) => see_other("/ui/dashboard"),
        _ => see_other("/ui/search"),
    }
}

// ---- dashboard -------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    c: Chrome,
    o: ansinh_store::overview::Overview,
    runs: Vec<RunStatus>,
    collection_chart: String,
    coverage_chart: String,
    ageing_chart: String,
    claims_chart: String,
    /// Only for those who read compliance.
    examinations_chart: Option<String>,
    default_month: String,
    running: bool,
}

async fn dashboard(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/dashboard");
    let today = jiff::ZonedDateTime::now().date();
    let (o, ageing, examinations_chart) = match async {
        let examinations = if caller.user.role.may(Permission::ReadCompliance) {
            Some(examinations::year_chart(&state, &c, today).await?)
        } else {
            None
        };
        Ok::<_, StoreError>((
            state.store.overview().await?,
            state.store.arrears_ageing(today).await?,
            examinations,
        ))
    }
    .await
    {
        Ok(x) => x,
        Err(e) => return error_page(c, e),
    };
    let runs = state.runs.list();
    let running = runs.iter().any(|r| r.state == "running");
    let default_month = format!("{:04}-{:02}", today.year(), today.month());
    let page = DashboardPage {
        collection_chart: chart::collection(&c, &o.collection_by_month),
        coverage_chart: chart::coverage(&c, &o.coverage_by_province),
        ageing_chart: chart::ageing(&c, &ageing),
        claims_chart: chart::claims(&c, &o.claims_by_month),
        examinations_chart,
        runs,
        running,
        default_month,
        o,
        c,
    };
    let mut res = render(&page);
    if running {
        // The progress of a run: the page reloads itself while one is going.
        res.headers_mut()
            .insert(header::REFRESH, HeaderValue::from_static("2"));
    }
    res
}

/// A dashboard chart alone, as an SVG image (to embed elsewhere or download).
async fn dashboard_chart(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "");
    let o = match state.store.overview().await {
        Ok(o) => o,
        Err(e) => return error_page(c, e),
    };
    let svg = match name.as_str() {
        "collection.svg" => chart::collection(&c, &o.collection_by_month),
        "coverage.svg" => chart::coverage(&c, &o.coverage_by_province),
        "claims.svg" => chart::claims(&c, &o.claims_by_month),
        "examinations.svg" if caller.user.role.may(Permission::ReadCompliance) => {
            match examinations::year_chart(&state, &c, jiff::ZonedDateTime::now().date()).await {
                Ok(svg) => svg,
                Err(e) => return error_page(c, e),
            }
        }
        "ageing.svg" => match state
            .store
            .arrears_ageing(jiff::ZonedDateTime::now().date())
            .await
        {
            Ok(a) => chart::ageing(&c, &a),
            Err(e) => return error_page(c, e),
        },
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response()
}

#[derive(Deserialize)]
struct RunForm {
    month: String,
}

async fn run_submit(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    axum::Form(f): axum::Form<RunForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/dashboard");
    let month: ansinh_core::Month = match f.month.trim().parse() {
        Ok(m) => m,
        Err(e) => {
            return error_page(c, StoreError::invalid("month", e));
        }
    };
    let key = month.to_string();
    {
        let Ok(mut runs) = state.runs.0.lock() else {
            return error_page(c, StoreError::invalid("month", "run board unavailable"));
        };
        if runs.iter().any(|r| r.state == "running") {
            return error_page(
                c,
                StoreError::Conflict {
                    field: "month".into(),
                    reason: "a monthly run is already going".into(),
                },
            );
        }
        runs.push(RunStatus {
            month: key.clone(),
            by: caller.user.username.clone(),
            done: 0,
            state: "running".into(),
        });
        // The page shows the runs of this server's life; finished ones are also in the database.
        let excess = runs.len().saturating_sub(20);
        runs.drain(..excess);
    }
    let board = state.runs.clone();
    let law = state.law();
    tokio::spawn(async move {
        let progress_board = board.clone();
        let progress_key = key.clone();
        let result = store
            .assess_month(law.run_law(), month, &move |done| {
                progress_board.update(&progress_key, |r| r.done = done)
            })
            .await;
        board.update(&key, |r| {
            r.state = match result {
                Ok(s) => {
                    r.done = s.employments;
                    "finished".into()
                }
                Err(e) => e.to_string(),
            }
        });
    });
    see_other("/ui/dashboard")
}

// ---- search ----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    c: Chrome,
    q: String,
    persons: Vec<ansinh_store::Person>,
    employers: Vec<ansinh_store::Employer>,
    /// How many persons and employers the name matches, in all pages.
    person_count: i64,
    employer_count: i64,
    /// The keys after which the next pages start, when there are more.
    next_person: Option<String>,
    next_employer: Option<String>,
}

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
    /// Persons after this social insurance number (the next page).
    pa: Option<String>,
    /// Employers after this unit code.
    ea: Option<String>,
    /// `csv` or `xlsx`: the whole list named by `list` as a file.
    format: Option<String>,
    /// `persons` or `employers`.
    list: Option<String>,
}

/// Rows of one page of the search's lists.
const SEARCH_PAGE: i64 = 50;

async fn search(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Query(sq): Query<SearchQuery>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/search");
    let q =
        sq.q.unwrap_or_default()
            .trim()
            .chars()
            .take(100)
            .collect::<String>();
    let key = |v: Option<String>| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let (pa, ea) = (key(sq.pa), key(sq.ea));
    let format = match crate::export::Format::of(sq.format.as_deref()) {
        Ok(f) => f,
        Err(why) => return error_page(c, StoreError::invalid("format", why)),
    };
    if let Some(format) = format {
        let by_name = |q: &str| (!q.is_empty()).then(|| q.to_string());
        let file = match sq.list.as_deref().unwrap_or("") {
            "persons" => {
                let f = ansinh_store::PersonFilter {
                    q: by_name(&q),
                    ..Default::default()
                };
                lists::all_persons(&state.store, &f)
                    .await
                    .map(|rows| lists::persons(&c, format, "persons", &rows))
            }
            "employers" => {
                let f = ansinh_store::EmployerFilter {
                    q: by_name(&q),
                    ..Default::default()
                };
                lists::all_employers(&state.store, &f)
                    .await
                    .map(|rows| lists::employers(&c, format, &rows))
            }
            other => Err(StoreError::invalid(
                "list",
                format!("`{other}` is not persons or employers"),
            )),
        };
        return file.unwrap_or_else(|e| error_page(c, e));
    }
    let (mut persons, mut employers) = (Vec::new(), Vec::new());
    let (mut person_count, mut employer_count) = (0, 0);
    let (mut next_person, mut next_employer) = (None, None);
    if !q.is_empty() {
        let persons_by_name = ansinh_store::PersonFilter {
            q: Some(q.clone()),
            ..Default::default()
        };
        let employers_by_name = ansinh_store::EmployerFilter {
            q: Some(q.clone()),
            ..Default::default()
        };
        let found = async {
            // A number is looked up exactly (SIN, personal ID, unit code), on the first page.
            if pa.is_none() && ea.is_none() {
                if let Some(p) = state.store.person(&q).await? {
                    persons.push(p);
                }
                if let Some(p) = state.store.person_by_personal_id(&q).await? {
                    persons.push(p);
                }
                if let Some(e) = state.store.employer(&q).await? {
                    employers.push(e);
                }
            }
            let exact = (persons.len() as i64, employers.len() as i64);
            let page = |after| ansinh_store::Page {
                after,
                limit: Some(SEARCH_PAGE),
            };
            let by_name = state
                .store
                .list_persons(&persons_by_name, &page(pa.clone()))
                .await?;
            if by_name.len() as i64 == SEARCH_PAGE {
                next_person = by_name.last().map(|p| p.sin.clone());
            }
            persons.extend(by_name);
            let by_name = state
                .store
                .list_employers(&employers_by_name, &page(ea.clone()))
                .await?;
            if by_name.len() as i64 == SEARCH_PAGE {
                next_employer = by_name.last().map(|e| e.unit_code.clone());
            }
            employers.extend(by_name);
            person_count = state.store.count_persons(&persons_by_name).await? + exact.0;
            employer_count = state.store.count_employers(&employers_by_name).await? + exact.1;
            Ok::<(), StoreError>(())
        }
        .await;
        if let Err(e) = found {
            return error_page(c, e);
        }
        let mut seen = std::collections::HashSet::new();
        persons.retain(|p| seen.insert(p.sin.clone()));
        let mut seen = std::collections::HashSet::new();
        employers.retain(|e| seen.insert(e.unit_code.clone()));
    }
    render(&SearchPage {
        c,
        q,
        persons,
        employers,
        person_count,
        employer_count,
        next_person,
        next_employer,
    })
}

/// The audit rows of one record, for the roles that may read the trail (none for the others).
async fn trail(
    state: &AppState,
    caller: &Principal,
    kind: &str,
    id: String,
) -> Result<Vec<AuditEntry>, StoreError> {
    if !caller.user.role.may(Permission::ReadAudit) {
        return Ok(Vec::new());
    }
    state
        .store
        .audit_log(&AuditFilter {
            entity_kind: Some(kind.into()),
            entity_id: Some(id),
            limit: Some(50),
            ..AuditFilter::default()
        })
        .await
}

// ---- person ----------------------------------------------------------------------------

/// A contribution month as the person page shows it: flagged when the employer has not paid it.
struct MonthRow {
    month: String,
    employer_code: String,
    salary: i64,
    employee: i64,
    employer: i64,
    unpaid: bool,
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    c: Chrome,
    p: ansinh_store::Person,
    employments: Vec<ansinh_store::Employment>,
    months: Vec<MonthRow>,
    months_for_pension: i64,
    months_for_unemployment: i64,
    unpaid_months: usize,
    estimate: Option<Estimate>,
    /// Why the rules could not estimate from the recorded months, when they could not.
    estimate_error: Option<String>,
    /// An employer's user sees no estimate of the person's career.
    show_estimate: bool,
    cards: Vec<ansinh_store::card::HealthCard>,
    /// Certificates of coverage (Vietnam–Korea agreement) and periods insured in Korea (not
    /// shown to an employer: they are of the person's other employments).
    certificates: Vec<ansinh_store::certificate::CoverageCertificate>,
    foreign_periods: Vec<ansinh_store::certificate::ForeignPeriod>,
    /// Periods verified from another record (a serviceman's transfer), counted once.
    verified: Vec<ansinh_store::service::VerifiedPeriod>,
    /// The person has a record with the armed forces' office.
    serviceman: bool,
    audit: Vec<AuditEntry>,
}

/// A pension and lump-sum estimate from the record, with the rules core's explanation.
struct Estimate {
    /// Whether the recorded time already gives a pension (L41 Art. 64: 15 years and the age).
    eligible: bool,
    monthly_pension: Option<i64>,
    retirement_month: String,
    lump_sum: Option<i64>,
    /// Months of the career from monthly runs, and declared months no run assessed.
    assessed: i64,
    declared: i64,
    /// Months verified from another record.
    verified: i64,
    /// Label, amount, formula, citation.
    lines: Vec<(String, Option<i64>, String, String)>,
}

#[derive(Deserialize)]
struct PersonQuery {
    /// `csv` or `xlsx`: the contribution history as a file.
    format: Option<String>,
}

async fn person_page(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(sin): Path<String>,
    Query(pq): Query<PersonQuery>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), &format!("/ui/persons/{sin}"));
    let format = match crate::export::Format::of(pq.format.as_deref()) {
        Ok(f) => f,
        Err(why) => return error_page(c, StoreError::invalid("format", why)),
    };
    let loaded = async {
        let p = state
            .store
            .person(&sin)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: format!("person {sin}"),
            })?;
        let mut employments = state.store.employments(&p.sin).await?;
        let mut cards = state.store.cards_of(&p.sin).await?;
        let mut history = state.store.contribution_history(&p.sin).await?;
        // An employer sees the periods it employed the person, nothing of other employers.
        if let Some(code) = crate::scope::employer_of(&caller) {
            employments = crate::scope::employments(employments, code);
            cards = crate::scope::cards(cards, &employments);
            history = crate::scope::history(history, code);
        }
        let today = jiff::ZonedDateTime::now().date();
        // Months the employer has not (fully) paid, from each employer's account.
        let mut unpaid = std::collections::HashSet::new();
        let mut codes: Vec<&str> = history
            .months
            .iter()
            .map(|m| m.employer_code.as_str())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        for code in codes {
            let account = state.store.account(&state.params, code, today).await?;
            // A month is unpaid only once its deadline has passed (L41 Art. 34: the last day of
            // the next month): before it, the employer is not late and the person not told so.
            let overdue = |m: &&ansinh_store::account::MonthAccount| {
                m.unpaid > 0
                    && m.deadline
                        .parse::<jiff::civil::Date>()
                        .is_ok_and(|deadline| deadline < today)
            };
            for m in account.months.iter().filter(overdue) {
                unpaid.insert((code.to_string(), m.month.clone()));
            }
        }
        let audit = trail(&state, &caller, "person", p.sin.clone()).await?;
        let certificates = state.store.certificates_of(&p.sin).await?;
        let foreign_periods = match crate::scope::employer_of(&caller) {
            Some(_) => Vec::new(),
            None => state.store.foreign_periods_of(&p.sin).await?,
        };
        // The person's military service is not an employer's to read.
        let (verified, serviceman) = match crate::scope::employer_of(&caller) {
            Some(_) => (Vec::new(), false),
            None => (
                state.store.verified_periods_of(&p.sin).await?,
                !state.store.service_periods_of(&p.sin).await?.is_empty(),
            ),
        };
        Ok::<_, StoreError>((
            p,
            employments,
            cards,
            history,
            unpaid,
            audit,
            today,
            (certificates, foreign_periods, verified, serviceman),
        ))
    }
    .await;
    let (
        p,
        employments,
        cards,
        history,
        unpaid,
        audit,
        today,
        (certificates, foreign_periods, verified, serviceman),
    ) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(c, e),
    };
    if let Some(format) = format {
        return lists::history(&c, format, &p.sin, &history.months);
    }
    let months: Vec<MonthRow> = history
        .months
        .iter()
        .map(|m| MonthRow {
            unpaid: unpaid.contains(&(m.employer_code.clone(), m.month.clone())),
            month: m.month.clone(),
            employer_code: m.employer_code.clone(),
            salary: m.salary,
            employee: m.employee_total,
            employer: m.employer_total,
        })
        .collect();
    // The estimate is of the whole career: the person's and the agency's, not an employer's.
    let show_estimate = crate::scope::employer_of(&caller).is_none();
    let (estimate, estimate_error) = if show_estimate {
        let through = ansinh_core::Month::of(today).plus(-1);
        let career = ansinh_store::career::join(&history.months, &employments, through);
        let verified_periods: Vec<(ansinh_core::Month, ansinh_core::Month, i64)> = verified
            .iter()
            .filter_map(|v| {
                Some((
                    v.period_from.parse().ok()?,
                    v.period_to.parse().ok()?,
                    v.salary,
                ))
            })
            .collect();
        match career.map_err(|e| e.to_string()).and_then(|mut career| {
            // Months verified from another record (a serviceman's transfer) count once.
            career.add_verified(&verified_periods, "verified");
            let foreign_months = calculator::foreign_months(&career, &foreign_periods);
            estimate(&state, &c, &p, &career, today.year(), foreign_months)
        }) {
            Ok(e) => (e, None),
            Err(why) => (None, Some(why)),
        }
    } else {
        (None, None)
    };
    render(&PersonPage {
        unpaid_months: months.iter().filter(|m| m.unpaid).count(),
        months,
        months_for_pension: history.months_for_pension,
        months_for_unemployment: history.months_for_unemployment,
        estimate,
        estimate_error,
        show_estimate,
        employments,
        cards,
        certificates,
        foreign_periods,
        verified,
        serviceman,
        audit,
        p,
        c,
    })
}

/// Asks the rules core for the pension (and the lump sum, L41 Art. 70) of the person's career
/// (assessed and declared months), through the same JSON requests as `ansinh calc`.
fn estimate(
    state: &AppState,
    c: &Chrome,
    p: &ansinh_store::Person,
    career: &ansinh_store::career::Career,
    year: i16,
    foreign_months: i64,
) -> Result<Option<Estimate>, String> {
    let history = calculator::history(career);
    if history.is_empty() {
        return Ok(None);
    }
    // The estimate over the record is Vietnam's law; a Lao member's is not guessed from it.
    calculator::vietnamese_law_only(state)?;
    let mut request = serde_json::json!({
        "kind": "pension", "jurisdiction": "VN", "sex": p.sex, "birth_date": p.birth_date,
        "settlement_year": year, "history": history,
    });
    // Periods insured in Korea count towards the conditions (Vietnam–Korea agreement Part III).
    if foreign_months > 0 {
        request["agreement"] =
            serde_json::json!({"country": "KR", "foreign_months": foreign_months});
    }
    let pension = ansinh_rules::calc::calc_text(&state.params, &request.to_string())
        .map_err(|e| e.to_string())?;
    let body = &pension.body;
    let lump = serde_json::json!({
        "kind": "one_time", "jurisdiction": "VN", "settlement_year": year,
        "ground": "emigrating", "history": history,
    });
    let lump_sum = ansinh_rules::calc::calc_text(&state.params, &lump.to_string())
        .ok()
        .and_then(|a| a.body["amount"].as_i64());
    Ok(Some(Estimate {
        eligible: body["eligible"].as_bool().unwrap_or(false),
        monthly_pension: body["monthly_pension"].as_i64(),
        retirement_month: body["retirement_month"].as_str().unwrap_or("").to_string(),
        lump_sum,
        assessed: career.assessed,
        declared: career.declared,
        verified: career.verified,
        lines: calculator::lines(c, &pension, true),
    }))
}

// ---- employer --------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "employer.html")]
struct EmployerPage {
    c: Chrome,
    e: ansinh_store::Employer,
    workers: Vec<ansinh_store::Person>,
    account: ansinh_store::account::Account,
    batches: Vec<(String, String, i64)>,
    ageing_chart: String,
    audit: Vec<AuditEntry>,
    today: String,
    /// Workers in all pages, and the SIN after which the next page starts.
    worker_count: i64,
    next_worker: Option<String>,
    payment_replayed: bool,
    /// The payment form as typed, with why it was refused (empty on a fresh page).
    draft: PaymentForm,
    draft_error: Option<String>,
}

#[derive(Deserialize)]
struct EmployerQuery {
    /// Workers after this social insurance number (the next page).
    after: Option<String>,
    /// `replayed`: the payment just sent was recorded before (nothing changed).
    payment: Option<String>,
    /// `csv` or `xlsx`: the list named by `list` as a file.
    format: Option<String>,
    /// `workers`, `months` or `payments`.
    list: Option<String>,
}

/// Workers shown on one page of an employer.
const WORKERS_PAGE: i64 = 100;

async fn employer_page(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(eq): Query<EmployerQuery>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), &format!("/ui/employers/{code}"));
    let today = jiff::ZonedDateTime::now().date();
    let format = match crate::export::Format::of(eq.format.as_deref()) {
        Ok(f) => f,
        Err(why) => return error_page(c, StoreError::invalid("format", why)),
    };
    if let Some(format) = format {
        let file = async {
            let e = state.store.existing_employer(&code).await?;
            match eq.list.as_deref().unwrap_or("") {
                "workers" => {
                    let f = ansinh_store::PersonFilter {
                        employer: Some(e.unit_code.clone()),
                        ..Default::default()
                    };
                    let rows = lists::all_persons(&state.store, &f).await?;
                    Ok(lists::persons(
                        &c,
                        format,
                        &format!("{}-workers", e.unit_code),
                        &rows,
                    ))
                }
                list @ ("months" | "payments") => {
                    let account = state
                        .store
                        .account(&state.params, &e.unit_code, today)
                        .await?;
                    Ok(if list == "months" {
                        lists::months(&c, format, &account)
                    } else {
                        lists::payments(&c, format, &account)
                    })
                }
                other => Err(StoreError::invalid(
                    "list",
                    format!("`{other}` is not workers, months or payments"),
                )),
            }
        }
        .await;
        return file.unwrap_or_else(|e: StoreError| error_page(c, e));
    }
    let view = EmployerView {
        after: eq.after.clone(),
        payment_replayed: eq.payment.as_deref() == Some("replayed"),
        draft: PaymentForm::default(),
        draft_error: None,
    };
    employer_view(&state, &caller, c, &code, view, today).await
}

/// What an employer page shows besides the records: the workers' page, a notice about the
/// payment just sent, the payment form as typed.
struct EmployerView {
    after: Option<String>,
    payment_replayed: bool,
    draft: PaymentForm,
    draft_error: Option<String>,
}

async fn employer_view(
    state: &AppState,
    caller: &Principal,
    c: Chrome,
    code: &str,
    view: EmployerView,
    today: jiff::civil::Date,
) -> Response {
    let loaded = async {
        let e = state.store.existing_employer(code).await?;
        let of_employer = ansinh_store::PersonFilter {
            employer: Some(e.unit_code.clone()),
            ..Default::default()
        };
        let workers = state
            .store
            .list_persons(
                &of_employer,
                &ansinh_store::Page {
                    after: view.after.clone().filter(|a| !a.trim().is_empty()),
                    limit: Some(WORKERS_PAGE),
                },
            )
            .await?;
        let worker_count = state.store.count_persons(&of_employer).await?;
        let account = state
            .store
            .account(&state.params, &e.unit_code, today)
            .await?;
        let batches = state.store.batches(&e.unit_code, 20).await?;
        let audit = trail(state, caller, "employer", e.unit_code.clone()).await?;
        Ok::<_, StoreError>((e, workers, worker_count, account, batches, audit))
    }
    .await;
    match loaded {
        Ok((e, workers, worker_count, account, batches, audit)) => {
            let page = EmployerPage {
                next_worker: (workers.len() as i64 == WORKERS_PAGE)
                    .then(|| workers.last().map(|p| p.sin.clone()))
                    .flatten(),
                worker_count,
                payment_replayed: view.payment_replayed,
                batches,
                ageing_chart: chart::ageing(&c, &account.ageing),
                today: today.to_string(),
                e,
                workers,
                account,
                audit,
                draft: view.draft,
                draft_error: view.draft_error.clone(),
                c,
            };
            if view.draft_error.is_some() {
                // The payment was refused: the page again, the form as typed, the reason.
                (StatusCode::BAD_REQUEST, render(&page)).into_response()
            } else {
                render(&page)
            }
        }
        Err(e) => error_page(c, e),
    }
}

#[derive(Deserialize, Default, Clone)]
struct PaymentForm {
    reference: String,
    paid_on: String,
    amount: String,
    reason: Option<String>,
}

async fn payment_submit(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(code): Path<String>,
    axum::Form(f): axum::Form<PaymentForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), &format!("/ui/employers/{code}"));
    let today = jiff::ZonedDateTime::now().date();
    let refused = |c: Chrome, e: StoreError, draft: PaymentForm| {
        let view = EmployerView {
            after: None,
            payment_replayed: false,
            draft,
            draft_error: Some(e.to_string()),
        };
        let (state, caller, code) = (state.clone(), caller.clone(), code.clone());
        async move {
            match e {
                // Not a refusal of what was typed: the usual error page.
                StoreError::Invalid { .. } | StoreError::Conflict { .. } => {
                    employer_view(&state, &caller, c, &code, view, today).await
                }
                other => error_page(c, other),
            }
        }
    };
    let amount = match form_amount(&f.amount) {
        Ok(a) => a,
        Err(_) => {
            let e =
                StoreError::invalid("amount", format!("`{}` is not an amount in đồng", f.amount));
            return refused(c, e, f).await;
        }
    };
    let store = with_reason(store, f.reason.clone());
    let record = ansinh_store::account::PaymentRecord {
        reference: f.reference.clone(),
        paid_on: f.paid_on.clone(),
        amount,
        reverses: None,
    };
    match store.record_payment_once(&code, &record).await {
        Ok((_, false)) => see_other(&format!("/ui/employers/{code}")),
        Ok((_, true)) => see_other(&format!("/ui/employers/{code}?payment=replayed")),
        Err(e) => refused(c, e, f).await,
    }
}

/// The acting store with the reason typed in a form.
fn with_reason(store: ansinh_store::Store, reason: Option<String>) -> ansinh_store::Store {
    match reason.map(|r| r.trim().chars().take(500).collect::<String>()) {
        Some(r) if !r.is_empty() => {
            let mut actor = store.actor().clone();
            actor.reason = Some(r);
            store.acting_as(actor)
        }
        _ => store,
    }
}

// ---- declarations ----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "declarations.html")]
struct DeclarationsPage {
    c: Chrome,
    code: String,
    report: Option<ansinh_store::declaration::BatchReport>,
    error: Option<String>,
    csv: String,
}

async fn declarations_page(
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Response {
    let c = Chrome::new(
        &headers,
        Some(&caller),
        &format!("/ui/employers/{code}/declarations"),
    );
    render(&DeclarationsPage {
        c,
        code: code.to_ascii_uppercase(),
        report: None,
        error: None,
        csv: String::new(),
    })
}

/// The form sends a CSV file, or the CSV typed into the text box (corrections of a rejected
/// file are made there).
/// An amount of đồng typed in a form, the thousands written with dots, commas or spaces.
fn form_amount(text: &str) -> Result<i64, std::num::ParseIntError> {
    text.replace(['.', ',', ' '], "").parse::<i64>()
}

/// One field of a multipart form: its name, and for a file the name and type the browser gave.
pub(super) struct FormField {
    name: String,
    file_name: String,
    content_type: String,
    bytes: axum::body::Bytes,
}

impl FormField {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// The fields of a multipart form, in order (an upload page's file, text and reason); a field
/// whose body breaks off ends the form, as a browser that gave up would.
async fn form_fields(form: &mut Multipart) -> Result<Vec<FormField>, StoreError> {
    let mut fields = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                let file_name = field.file_name().unwrap_or("").to_string();
                let content_type = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_string();
                let Ok(bytes) = field.bytes().await else {
                    break;
                };
                fields.push(FormField {
                    name,
                    file_name,
                    content_type,
                    bytes,
                });
            }
            Ok(None) => break,
            Err(e) => return Err(StoreError::invalid("file", e)),
        }
    }
    Ok(fields)
}

async fn declarations_submit(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(code): Path<String>,
    mut form: Multipart,
) -> Response {
    let c = Chrome::new(
        &headers,
        Some(&caller),
        &format!("/ui/employers/{code}/declarations"),
    );
    let mut file = Vec::new();
    let mut text = String::new();
    let mut reason = None;
    // The one-line form: its fields are named `line.FIELD`.
    let mut one = std::collections::BTreeMap::<String, String>::new();
    let fields = match form_fields(&mut form).await {
        Ok(f) => f,
        Err(e) => return error_page(c, e),
    };
    for field in fields {
        match field.name.as_str() {
            "file" => file = field.bytes.to_vec(),
            "csv" => text = field.text(),
            "reason" => reason = Some(field.text()),
            CSRF_FIELD => {}
            other => {
                if let Some(f) = other.strip_prefix("line.") {
                    let v = field.text().trim().to_string();
                    if !v.is_empty() {
                        one.insert(f.to_string(), v);
                    }
                }
            }
        }
    }
    // The lines, the bytes kept as the batch's content, and the text shown back in the box.
    let (lines, content, shown) = if file.is_empty() && text.trim().is_empty() && !one.is_empty() {
        // One line typed in the form: the same checks as a file of one line.
        let salary = match one.get("salary").map(|s| form_amount(s)) {
            None => None,
            Some(Ok(v)) => Some(v),
            Some(Err(_)) => {
                return error_page(c, StoreError::invalid("salary", "is not an amount in đồng"));
            }
        };
        let line = ansinh_store::declaration::DeclarationLine {
            action: one.get("action").cloned().unwrap_or_default(),
            personal_id: one.get("personal_id").cloned().unwrap_or_default(),
            sin: None,
            name: one.get("name").cloned(),
            sex: one.get("sex").cloned(),
            birth_date: one.get("birth_date").cloned(),
            nationality: None,
            date: one.get("date").cloned().unwrap_or_default(),
            salary,
            allowances: None,
            contract_kind: one.get("contract_kind").cloned(),
            contract_months: None,
            reason: one.get("reason").cloned(),
        };
        let content = serde_json::to_vec(&[&line]).unwrap_or_default();
        (vec![line], content, String::new())
    } else {
        let bytes = if file.is_empty() {
            text.into_bytes()
        } else {
            file
        };
        let xlsx = ansinh_store::declaration::is_xlsx(&bytes);
        // A workbook is not shown back as text in the form.
        let shown = if xlsx {
            String::new()
        } else {
            String::from_utf8_lossy(&bytes).into_owned()
        };
        let refused = |c: Chrome, error: String| {
            let page = DeclarationsPage {
                c,
                code: code.to_ascii_uppercase(),
                report: None,
                error: Some(error),
                csv: shown.clone(),
            };
            (StatusCode::BAD_REQUEST, render(&page)).into_response()
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            let msg = c.t("declarations-empty");
            return refused(c, msg);
        }
        let parsed = if xlsx {
            ansinh_store::declaration::parse_xlsx(&bytes)
        } else {
            ansinh_store::declaration::parse_csv(&bytes)
        };
        match parsed {
            Ok(lines) => (lines, bytes, shown),
            Err(e) => return refused(c, e.to_string()),
        }
    };
    match with_reason(store, reason)
        .submit_declarations(&state.params, &code, &lines, None, &content)
        .await
    {
        Ok(report) => {
            let status = if report.applied() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let page = DeclarationsPage {
                c,
                code: code.to_ascii_uppercase(),
                report: Some(report),
                error: None,
                csv: shown,
            };
            (status, render(&page)).into_response()
        }
        Err(e) => error_page(c, e),
    }
}

// ---- audit -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    kinds: &'static [&'static str],
    kind: String,
    id: String,
    actor: String,
    rows: Vec<AuditEntry>,
    /// Rows the filter selects in all pages, and the id the next page starts below.
    count: i64,
    next: Option<i64>,
    /// The filter as a query string, for the next page and the exports.
    query: String,
}

#[derive(Deserialize)]
struct AuditQuery {
    entity_kind: Option<String>,
    entity_id: Option<String>,
    actor: Option<String>,
    /// Rows with an id below this one (the next page).
    before: Option<String>,
    format: Option<String>,
}

/// Rows of the audit trail on one page, and in one export.
const AUDIT_PAGE: i64 = 100;
const AUDIT_EXPORT: i64 = 1000;

async fn audit_page(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Query(q): Query<AuditQuery>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/audit");
    let nonempty = |s: &Option<String>| {
        s.as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let before = match nonempty(&q.before).map(|b| b.parse::<i64>()) {
        None => None,
        Some(Ok(b)) => Some(b),
        Some(Err(_)) => {
            return error_page(
                c,
                StoreError::invalid("before", "must be the number of an audit row"),
            );
        }
    };
    let format = match crate::export::Format::of(q.format.as_deref()) {
        Ok(f) => f,
        Err(why) => return error_page(c, StoreError::invalid("format", why)),
    };
    let filter = AuditFilter {
        entity_kind: nonempty(&q.entity_kind),
        entity_id: nonempty(&q.entity_id),
        actor: nonempty(&q.actor),
        before,
        limit: Some(if format.is_some() {
            AUDIT_EXPORT
        } else {
            AUDIT_PAGE
        }),
    };
    let loaded = async {
        let rows = state.store.audit_log(&filter).await?;
        let count = state.store.audit_count(&filter).await?;
        Ok::<_, StoreError>((rows, count))
    }
    .await;
    let (rows, count) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(c, e),
    };
    if let Some(format) = format {
        let headers = [
            "id".to_string(),
            c.t("audit-at"),
            c.t("audit-actor"),
            c.t("audit-action"),
            c.t("audit-entity"),
            "ID".to_string(),
            c.t("audit-change"),
            c.t("audit-reason"),
            c.t("audit-request"),
        ];
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        let table: Vec<Vec<crate::export::Cell>> = rows
            .iter()
            .map(|a| {
                vec![
                    a.id.into(),
                    a.at.clone().into(),
                    a.actor.clone().into(),
                    a.action.clone().into(),
                    a.entity_kind.clone().into(),
                    a.entity_id.clone().into(),
                    a.change.to_string().into(),
                    a.reason.clone().unwrap_or_default().into(),
                    a.request_id.clone().unwrap_or_default().into(),
                ]
            })
            .collect();
        return crate::export::download(format, "audit", &headers, &table);
    }
    let next = if rows.len() as i64 == AUDIT_PAGE {
        rows.last().map(|a| a.id)
    } else {
        None
    };
    let query = query_string(&[
        ("entity_kind", filter.entity_kind.as_deref().unwrap_or("")),
        ("entity_id", filter.entity_id.as_deref().unwrap_or("")),
        ("actor", filter.actor.as_deref().unwrap_or("")),
    ]);
    render(&AuditPage {
        kinds: ansinh_store::audit::ENTITY_KINDS,
        kind: filter.entity_kind.unwrap_or_default(),
        id: filter.entity_id.unwrap_or_default(),
        actor: filter.actor.unwrap_or_default(),
        rows,
        count,
        next,
        query,
        c,
    })
}

// ---- health claims ---------------------------------------------------------------------

#[derive(Template)]
#[template(path = "claims.html")]
struct ClaimsPage {
    c: Chrome,
    /// The inspector reads the queue; only assessors decide.
    can_review: bool,
    queue: Vec<ansinh_store::claim::QueuedVisit>,
    /// Visits waiting in all pages (of the facility filtered on).
    queue_count: i64,
    /// The query of the queue's next page, when there is one.
    next: Option<String>,
    queue_facility: String,
    facility: String,
    month: String,
    settlement: Option<ansinh_store::claim::Settlement>,
}

#[derive(Deserialize)]
struct ClaimsQuery {
    facility: Option<String>,
    month: Option<String>,
    /// The queue of one facility only.
    queue_facility: Option<String>,
    /// The last visit of the page before: when queued, its facility and MA_LK.
    after_at: Option<String>,
    after_facility: Option<String>,
    after_key: Option<String>,
    /// `csv` or `xlsx`: the queue as a file.
    format: Option<String>,
}

/// Visits of the queue on one page, and in one export.
const QUEUE_PAGE: i64 = 50;
const QUEUE_EXPORT: i64 = 500;

/// The assessors' page: the review queue, and a facility's settlement for a month.
async fn claims_page(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Query(q): Query<ClaimsQuery>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/claims");
    let trimmed = |s: &Option<String>| s.as_deref().unwrap_or("").trim().to_string();
    let facility = trimmed(&q.facility);
    let month = trimmed(&q.month);
    let queue_facility = trimmed(&q.queue_facility);
    let after = (
        trimmed(&q.after_at),
        trimmed(&q.after_facility),
        trimmed(&q.after_key),
    );
    let after = match &after {
        (a, _, _) if a.is_empty() => None,
        (a, f, k) => Some((a.as_str(), f.as_str(), k.as_str())),
    };
    let format = match crate::export::Format::of(q.format.as_deref()) {
        Ok(f) => f,
        Err(why) => return error_page(c, StoreError::invalid("format", why)),
    };
    let only = Some(queue_facility.as_str()).filter(|f| !f.is_empty());
    let loaded = async {
        let limit = if format.is_some() {
            QUEUE_EXPORT
        } else {
            QUEUE_PAGE
        };
        let queue = state.store.review_queue_after(only, after, limit).await?;
        let count = state.store.review_queue_count(only).await?;
        let settlement = if facility.is_empty() || month.is_empty() || format.is_some() {
            None
        } else {
            Some(state.store.settlement(&facility, &month).await?)
        };
        Ok::<_, StoreError>((queue, count, settlement))
    }
    .await;
    let (queue, queue_count, settlement) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(c, e),
    };
    if let Some(format) = format {
        let headers = [
            c.t("facility"),
            "MA_LK".to_string(),
            c.t("version"),
            c.t("card"),
            c.t("admitted"),
            c.t("claimed"),
            c.t("assessed"),
            c.t("review-why"),
        ];
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        let table: Vec<Vec<crate::export::Cell>> = queue
            .iter()
            .map(|v| {
                vec![
                    v.facility.clone().into(),
                    v.visit_key.clone().into(),
                    v.version.into(),
                    v.card_code.clone().unwrap_or_default().into(),
                    v.admitted.clone().unwrap_or_default().into(),
                    // Claim amounts keep their cents: written as the decimal text stored.
                    v.claimed_insurer.clone().into(),
                    v.assessed_insurer.clone().into(),
                    c.pick(&v.reasons, &v.reasons_en).join("\n").into(),
                ]
            })
            .collect();
        return crate::export::download(format, "claims-review-queue", &headers, &table);
    }
    let next = if queue.len() as i64 == QUEUE_PAGE {
        queue.last().map(|v| {
            query_string(&[
                ("queue_facility", &queue_facility),
                ("after_at", &v.queued_at),
                ("after_facility", &v.facility),
                ("after_key", &v.visit_key),
            ])
        })
    } else {
        None
    };
    render(&ClaimsPage {
        can_review: caller.user.role.may(Permission::ReviewClaims),
        c,
        queue,
        queue_count,
        next,
        queue_facility,
        facility,
        month,
        settlement,
    })
}

/// The import of a claims file from the assessors' page: its report, each visit linked to its
/// page.
#[derive(Template)]
#[template(path = "claims_import.html")]
struct ClaimsImportPage {
    c: Chrome,
    report: ansinh_store::claim::ImportReport,
}

/// The file sent by the form (`file`), imported as `POST /api/v1/claims/files` does.
async fn claims_upload(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/claims");
    let file = match form_fields(&mut form).await {
        Ok(fields) => fields
            .into_iter()
            .rev()
            .find(|f| f.name == "file")
            .map(|f| f.bytes.to_vec())
            .unwrap_or_default(),
        Err(e) => return error_page(c, e),
    };
    if file.is_empty() {
        return error_page(c, StoreError::invalid("file", "no claims file was chosen"));
    }
    match store
        .import_claims(&state.params, state.claims_reference.as_deref(), &file)
        .await
    {
        Ok(report) => render(&ClaimsImportPage { c, report }),
        Err(e) => error_page(c, e),
    }
}

/// A stored assessment as the visit's page reads it (the JSON kept with each version).
#[derive(Deserialize, Default)]
#[serde(default)]
struct StoredAssessment {
    decision: String,
    claimed: StoredSplit,
    assessed: StoredSplit,
    rejected: String,
    benefit_rate: Option<String>,
    card: Option<String>,
    visit_date: String,
    copay_cap: Option<String>,
    findings: Vec<StoredFinding>,
    notes: Vec<StoredFinding>,
    explanation: Vec<StoredLine>,
    lines: Vec<StoredCostLine>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StoredSplit {
    hospital: String,
    covered: String,
    insurer: String,
    co_pay: String,
    self_pay: String,
    price_excess: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StoredFinding {
    code: String,
    text_vi: String,
    text_en: String,
    lines: Vec<String>,
    amount: String,
    basis: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StoredLine {
    label_vi: String,
    label_en: String,
    amount: Option<i64>,
    value: Option<String>,
    formula: String,
    citation: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StoredCostLine {
    line: String,
    code: String,
    name: Option<String>,
    group: u32,
    quantity: String,
    unit_price: String,
    hospital: String,
    claimed_insurer: String,
    assessed_insurer: String,
    ordered: Option<String>,
    findings: Vec<String>,
}

#[derive(Template)]
#[template(path = "claim_visit.html")]
struct ClaimVisitPage {
    c: Chrome,
    facility: String,
    key: String,
    version: i64,
    versions: Vec<ansinh_store::claim::VisitVersion>,
    reviews: Vec<ansinh_store::claim::Review>,
    a: StoredAssessment,
    /// Waiting for an assessor, and the caller may decide.
    can_review: bool,
}

impl ClaimVisitPage {
    /// A finding's text in the page's language (Lao pages read the English).
    fn text(&self, f: &StoredFinding) -> String {
        self.c.reason(&f.text_en, &Some(f.text_vi.clone()))
    }

    fn label(&self, l: &StoredLine) -> String {
        match self.c.lang {
            Lang::Vi => l.label_vi.clone(),
            _ => l.label_en.clone(),
        }
    }

    fn decision(&self) -> String {
        self.c
            .t(format!("decision-{}", self.a.decision.replace('_', "-")))
    }

    /// A quantity or a rate as written by the standard (`1.000`, `80.0000`), without its
    /// trailing zeros and with the page's decimal mark: no currency, it is no amount.
    fn plain(&self, text: &str) -> String {
        let t = if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.')
        } else {
            text
        };
        match self.c.lang {
            Lang::En => t.to_string(),
            _ => t.replace('.', ","),
        }
    }
}

/// A visit as a page: its amounts claimed and assessed, each line with the findings naming
/// it, the findings with their basis, the notes for the facility, how the benefit level was
/// found, its versions and reviews.
async fn claim_visit_page(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path((facility, key)): Path<(String, String)>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/claims");
    let record = match state.store.visit_record(&facility, &key).await {
        Ok(r) => r,
        Err(e) => return error_page(c, e),
    };
    let Some(latest) = record.versions.iter().max_by_key(|v| v.version) else {
        return error_page(
            c,
            StoreError::NotFound {
                what: format!("visit {facility}/{key}"),
            },
        );
    };
    let a: StoredAssessment = serde_json::from_value(latest.result.clone()).unwrap_or_default();
    let version = latest.version;
    let decided = record.reviews.iter().any(|r| r.version == version);
    let can_review = caller.user.role.may(Permission::ReviewClaims)
        && latest.decision == "needs_review"
        && !decided;
    render(&ClaimVisitPage {
        c,
        facility: record.facility.clone(),
        key: record.visit_key.clone(),
        version,
        versions: record.versions.clone(),
        reviews: record.reviews.clone(),
        a,
        can_review,
    })
}

#[derive(Deserialize)]
struct ReviewForm {
    decision: String,
    reason: String,
}

async fn review_submit(
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path((facility, key)): Path<(String, String)>,
    axum::Form(f): axum::Form<ReviewForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/claims");
    let review = ansinh_store::claim::NewReview {
        decision: f.decision,
        reason: f.reason.clone(),
    };
    match with_reason(store, Some(f.reason))
        .review_visit(&facility, &key, &review)
        .await
    {
        Ok(_) => see_other("/ui/claims"),
        Err(e) => error_page(c, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/ui/search?q=a")), "/ui/search?q=a");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        // Browsers drop tabs and line breaks: these would become `//evil.example`.
        for bad in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "/\u{7f}/evil.example",
            "/\u{a0}/evil.example",
            "/ui/search?q=\r\nSet-Cookie:x=1",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
    }
}
