//! The inspector's pages (kiểm tra việc chấp hành pháp luật về đóng BHXH): the risk list with
//! the figures behind each score, the cases with their overdue queue and statistics (chart,
//! CSV and XLSX), one case with its steps, findings, sanctions and payments, and the case's
//! documents to print (decision, findings minutes, conclusion) in the page's language.

use super::{Chrome, error_page, render, see_other, with_reason};
use crate::AppState;
use crate::access::{Acting, Caller};
use crate::export::{self, Format};
use crate::routes::examinations::{STATISTICS_COLUMNS, statistics_rows};
use ansinh_core::{Date, Permission};
use ansinh_store::StoreError;
use ansinh_store::examination::{
    Case, CaseFile, CasePayment, CaseReminder, NewCase, NewFinding, NewSanction, OverdueCase,
    Statistics, StatisticsRow, Transition,
};
use ansinh_store::risk::RiskEntry;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}

fn date_or(field: &str, text: Option<&str>, default: Date) -> Result<Date, StoreError> {
    match text.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(t) => t
            .parse()
            .map_err(|_| StoreError::invalid(field, format!("`{t}` is not a date YYYY-MM-DD"))),
    }
}

#[derive(Template)]
#[template(path = "compliance_risk.html")]
struct RiskPage {
    c: Chrome,
    as_of: String,
    limit: usize,
    rows: Vec<RiskEntry>,
    may_examine: bool,
    year: i16,
}

#[derive(Deserialize)]
pub(super) struct RiskQuery {
    as_of: Option<String>,
    limit: Option<usize>,
}

pub(super) async fn risk(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Query(q): Query<RiskQuery>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/compliance/risk");
    let as_of = match date_or("as_of", q.as_of.as_deref(), today()) {
        Ok(d) => d,
        Err(e) => return error_page(c, e),
    };
    let limit = q.limit.unwrap_or(50);
    if !(1..=1000).contains(&limit) {
        return error_page(c, StoreError::invalid("limit", "1 to 1,000"));
    }
    match state.store.risk_list(&state.params, as_of, limit).await {
        Ok(rows) => render(&RiskPage {
            as_of: as_of.to_string(),
            limit,
            rows,
            may_examine: caller.user.role.may(Permission::Examine),
            year: as_of.year(),
            c,
        }),
        Err(e) => error_page(c, e),
    }
}

#[derive(Template)]
#[template(path = "compliance_cases.html")]
struct CasesPage {
    c: Chrome,
    from: String,
    to: String,
    province: String,
    plan_year: Option<i64>,
    cases: Vec<Case>,
    overdue: Vec<OverdueCase>,
    totals: Statistics,
    rows: Vec<StatisticsRow>,
    chart: String,
    may_examine: bool,
    year: i16,
}

#[derive(Deserialize)]
pub(super) struct CasesQuery {
    from: Option<String>,
    to: Option<String>,
    province: Option<String>,
    /// The annual plan shown: the cases of this year (of `province` when given).
    plan_year: Option<String>,
    format: Option<String>,
}

pub(super) async fn cases(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Query(q): Query<CasesQuery>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/compliance/cases");
    let now = today();
    let loaded = async {
        let format =
            Format::of(q.format.as_deref()).map_err(|e| StoreError::invalid("format", e))?;
        let from = date_or(
            "from",
            q.from.as_deref(),
            Date::new(now.year(), 1, 1).unwrap_or(now),
        )?;
        let to = date_or("to", q.to.as_deref(), now)?;
        let province = q.province.clone().unwrap_or_default();
        let plan_year = match q
            .plan_year
            .as_deref()
            .map(str::trim)
            .filter(|y| !y.is_empty())
        {
            None => None,
            Some(y) => Some(
                // The range is the store's to check (CaseFilter).
                y.parse::<i64>().map_err(|_| {
                    StoreError::invalid("plan_year", format!("`{y}` is not a year"))
                })?,
            ),
        };
        let (totals, rows) = state
            .store
            .compliance_statistics(from, to, Some(&province))
            .await?;
        let cases = state
            .store
            .cases(&ansinh_store::examination::CaseFilter {
                plan_year,
                province: plan_year.and(Some(province.clone())),
                limit: 500,
                ..Default::default()
            })
            .await?;
        let overdue = state.store.overdue_cases(&state.params, now).await?;
        Ok::<_, StoreError>((
            format, from, to, province, plan_year, totals, rows, cases, overdue,
        ))
    }
    .await;
    let (format, from, to, province, plan_year, totals, rows, cases, overdue) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(c, e),
    };
    if let Some(format) = format {
        return export::download(
            format,
            "compliance-statistics",
            &STATISTICS_COLUMNS,
            &statistics_rows(&rows),
        );
    }
    let chart = super::chart::examinations(&c, &by_province(&rows));
    render(&CasesPage {
        from: from.to_string(),
        to: to.to_string(),
        province,
        plan_year,
        cases,
        overdue,
        totals,
        rows,
        chart,
        may_examine: caller.user.role.may(Permission::Examine),
        year: now.year(),
        c,
    })
}

#[derive(Deserialize)]
pub(super) struct OpenForm {
    employer_code: String,
    plan_year: i64,
    #[serde(default)]
    examiners: String,
    #[serde(default)]
    origin: Option<String>,
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    complex: Option<String>,
    #[serde(default)]
    score: Option<i64>,
    reason: Option<String>,
}

pub(super) async fn open(
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    axum::Form(f): axum::Form<OpenForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/compliance/cases");
    let store = with_reason(store, f.reason);
    let new = NewCase {
        employer_code: f.employer_code,
        plan_year: f.plan_year,
        examiners: f
            .examiners
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        origin: f
            .origin
            .filter(|o| !o.is_empty())
            .unwrap_or_else(|| "manual".into()),
        level: f.level,
        complex: f.complex.is_some(),
        score: f.score,
    };
    match store.open_case(&new).await {
        Ok(case) => see_other(&format!("/ui/compliance/cases/{}", case.case_id)),
        Err(e) => error_page(c, e),
    }
}

#[derive(Deserialize)]
pub(super) struct HeadcountForm {
    csv: String,
    reason: Option<String>,
}

pub(super) async fn headcounts(
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    axum::Form(f): axum::Form<HeadcountForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/compliance/risk");
    let store = with_reason(store, f.reason);
    match store.import_headcounts(f.csv.as_bytes()).await {
        Ok(_) => see_other("/ui/compliance/risk"),
        Err(e) => error_page(c, e),
    }
}

#[derive(Template)]
#[template(path = "compliance_case.html")]
struct CasePage {
    c: Chrome,
    f: CaseFile,
    employer: String,
    may_examine: bool,
    today: String,
}

async fn load(state: &AppState, case_id: &str) -> Result<(CaseFile, String), StoreError> {
    let f = state.store.case_file(&state.params, case_id).await?;
    let employer = state
        .store
        .employer(&f.case.employer_code)
        .await?
        .map(|e| e.name)
        .unwrap_or_default();
    Ok((f, employer))
}

pub(super) async fn case(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(case_id): Path<String>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/compliance/cases");
    match load(&state, &case_id).await {
        Ok((f, employer)) => render(&CasePage {
            f,
            employer,
            may_examine: caller.user.role.may(Permission::Examine),
            today: today().to_string(),
            c,
        }),
        Err(e) => error_page(c, e),
    }
}

#[derive(Deserialize)]
pub(super) struct TransitionForm {
    to: String,
    on: String,
    #[serde(default)]
    note: String,
    decision_no: Option<String>,
    period_from: Option<String>,
    period_to: Option<String>,
    kind: Option<String>,
    conclusion: Option<String>,
    reason: Option<String>,
}

fn some(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

pub(super) async fn transition(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(case_id): Path<String>,
    axum::Form(f): axum::Form<TransitionForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/compliance/cases");
    let store = with_reason(store, f.reason);
    let t = Transition {
        to: f.to,
        on: f.on,
        note: f.note,
        decision_no: some(f.decision_no),
        period_from: some(f.period_from),
        period_to: some(f.period_to),
        kind: some(f.kind),
        conclusion: some(f.conclusion),
    };
    match store.move_case(&state.params, &case_id, &t).await {
        Ok(_) => see_other(&format!("/ui/compliance/cases/{case_id}")),
        Err(e) => error_page(c, e),
    }
}

#[derive(Deserialize)]
pub(super) struct FindingForm {
    kind: String,
    person_sin: String,
    from: String,
    to: String,
    #[serde(default)]
    declared_salary: Option<i64>,
    #[serde(default)]
    actual_salary: Option<i64>,
    #[serde(default)]
    amount: Option<i64>,
    #[serde(default)]
    note: String,
    reason: Option<String>,
}

pub(super) async fn finding(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(case_id): Path<String>,
    axum::Form(f): axum::Form<FindingForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/compliance/cases");
    let store = with_reason(store, f.reason);
    let new = NewFinding {
        kind: f.kind,
        person_sin: f.person_sin,
        from: f.from,
        to: f.to,
        declared_salary: f.declared_salary.unwrap_or(0),
        actual_salary: f.actual_salary.unwrap_or(0),
        amount: f.amount.unwrap_or(0),
        note: f.note,
    };
    match store.add_finding(&state.params, &case_id, &new).await {
        Ok(_) => see_other(&format!("/ui/compliance/cases/{case_id}")),
        Err(e) => error_page(c, e),
    }
}

#[derive(Deserialize)]
pub(super) struct SanctionForm {
    violation: String,
    offender: String,
    amount: i64,
    #[serde(default)]
    workers: Option<i64>,
    fine: i64,
    decision_no: String,
    decided_on: String,
    reason: Option<String>,
}

pub(super) async fn sanction(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(case_id): Path<String>,
    axum::Form(f): axum::Form<SanctionForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/compliance/cases");
    let store = with_reason(store, f.reason);
    let new = NewSanction {
        violation: f.violation,
        offender: f.offender,
        amount: f.amount,
        workers: f.workers.unwrap_or(0),
        fine: f.fine,
        decision_no: f.decision_no,
        decided_on: f.decided_on,
        months: None,
        previously_sanctioned: None,
    };
    match store.add_sanction(&state.params, &case_id, &new).await {
        Ok(_) => see_other(&format!("/ui/compliance/cases/{case_id}")),
        Err(e) => error_page(c, e),
    }
}

#[derive(Deserialize)]
pub(super) struct PaymentForm {
    reference: String,
    what: String,
    paid_on: String,
    amount: i64,
    reason: Option<String>,
}

pub(super) async fn payment(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(case_id): Path<String>,
    axum::Form(f): axum::Form<PaymentForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/compliance/cases");
    let store = with_reason(store, f.reason);
    let p = CasePayment {
        reference: f.reference,
        what: f.what,
        paid_on: f.paid_on,
        amount: f.amount,
    };
    match store.record_case_payment(&state.params, &case_id, &p).await {
        Ok(_) => see_other(&format!("/ui/compliance/cases/{case_id}")),
        Err(e) => error_page(c, e),
    }
}

#[derive(Deserialize)]
pub(super) struct ReminderForm {
    sent_on: String,
    channel: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    note: String,
    reason: Option<String>,
}

pub(super) async fn reminder(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(case_id): Path<String>,
    axum::Form(f): axum::Form<ReminderForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/compliance/cases");
    let store = with_reason(store, f.reason);
    let r = CaseReminder {
        sent_on: f.sent_on,
        channel: f.channel,
        reference: f.reference,
        note: f.note,
    };
    match store.remind_case(&state.params, &case_id, &r).await {
        Ok(_) => see_other(&format!("/ui/compliance/cases/{case_id}")),
        Err(e) => error_page(c, e),
    }
}

#[derive(Template)]
#[template(path = "compliance_document.html")]
struct DocumentPage {
    c: Chrome,
    f: CaseFile,
    employer: ansinh_store::Employer,
    paper: String,
    title: String,
}

/// A case's decision (quyết định kiểm tra), findings minutes (biên bản kiểm tra) or
/// conclusion (kết luận kiểm tra), to print.
pub(super) async fn document(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path((case_id, document)): Path<(String, String)>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/compliance/cases");
    if !matches!(document.as_str(), "decision" | "minutes" | "conclusion") {
        return error_page(
            c,
            StoreError::NotFound {
                what: format!("document {document} (decision, minutes or conclusion)"),
            },
        );
    }
    let loaded = async {
        let f = state.store.case_file(&state.params, &case_id).await?;
        let employer = state.store.existing_employer(&f.case.employer_code).await?;
        let ready = match document.as_str() {
            "decision" => f.case.decided_on.is_some(),
            "minutes" => !f.findings.is_empty() || f.case.reported_on.is_some(),
            _ => f.case.concluded_on.is_some(),
        };
        if !ready {
            return Err(StoreError::Conflict {
                field: "document".into(),
                reason: format!(
                    "case {} has no {document} yet (it is {})",
                    f.case.case_id, f.case.state
                ),
            });
        }
        Ok::<_, StoreError>((f, employer))
    }
    .await;
    match loaded {
        Ok((f, employer)) => render(&DocumentPage {
            f,
            employer,
            title: c.t(format!("doc-{document}")),
            paper: document,
            c,
        }),
        Err(e) => error_page(c, e),
    }
}

#[derive(Template)]
#[template(path = "union.html")]
struct UnionPage {
    c: Chrome,
    d: ansinh_store::trade_union::UnionDossier,
    print: bool,
}

#[derive(Deserialize)]
pub(super) struct UnionQuery {
    as_of: Option<String>,
    /// `dossier`: the lawsuit dossier to print.
    view: Option<String>,
    format: Option<String>,
}

/// The trade union's page of its employer (L41 Art. 14.1), and the lawsuit dossier to print or
/// download once the arrears allow it.
pub(super) async fn union(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<UnionQuery>,
) -> Response {
    let c = Chrome::new(
        &headers,
        Some(&caller),
        &format!("/ui/employers/{code}/union"),
    );
    let as_of = match date_or("as_of", q.as_of.as_deref(), today()) {
        Ok(d) => d,
        Err(e) => return error_page(c, e),
    };
    let format = match Format::of(q.format.as_deref()) {
        Ok(f) => f,
        Err(why) => return error_page(c, StoreError::invalid("format", why)),
    };
    let d = match state.store.union_dossier(&state.params, &code, as_of).await {
        Ok(d) => d,
        Err(e) => return error_page(c, e),
    };
    let print = match q.view.as_deref().map(str::trim) {
        None | Some("") => false,
        Some("dossier") => true,
        Some(other) => {
            return error_page(
                c,
                StoreError::invalid("view", format!("`{other}` is not a view (dossier)")),
            );
        }
    };
    if print || format.is_some() {
        let field = if format.is_some() { "format" } else { "view" };
        if let Err(e) = d.offered(field) {
            return error_page(c, e);
        }
    }
    if let Some(format) = format {
        return export::download(
            format,
            "union-dossier",
            &crate::routes::examinations::UNION_COLUMNS,
            &crate::routes::examinations::union_rows(&d),
        );
    }
    render(&UnionPage { c, d, print })
}

/// Amounts recommended and recovered per province, from the statistics rows (one per
/// province and kind).
fn by_province(rows: &[StatisticsRow]) -> Vec<(String, i64, i64)> {
    let mut out: Vec<(String, i64, i64)> = Vec::new();
    for r in rows {
        match out.iter_mut().find(|(p, _, _)| *p == r.province) {
            Some(e) => {
                e.1 = e.1.saturating_add(r.totals.recommended);
                e.2 = e.2.saturating_add(r.totals.recovered);
            }
            None => out.push((r.province.clone(), r.totals.recommended, r.totals.recovered)),
        }
    }
    out
}

/// The dashboard's chart of this year's examinations by province (the statistics of
/// `/ui/compliance/cases`).
pub(super) async fn year_chart(
    state: &AppState,
    c: &Chrome,
    today: Date,
) -> Result<String, StoreError> {
    let from = Date::new(today.year(), 1, 1).unwrap_or(today);
    let (_, rows) = state.store.compliance_statistics(from, today, None).await?;
    Ok(super::chart::examinations(c, &by_province(&rows)))
}
