//! The benefits pages: the officer's intake queue, counter form and payroll; a claim as a page
//! (dossier, documents, the decision with the rules core's explanation, the forms to decide and
//! approve); a person's benefits (claims, entitlements, payments, receivables) with the online
//! claim of self-service; an employer's list of its workers' claims with its filing form.

use super::{Chrome, error_page, render, see_other, with_reason};
use crate::AppState;
use crate::access::{Acting, Caller, Principal};
use ansinh_core::{Permission, Role};
use ansinh_store::StoreError;
use ansinh_store::benefit_claim::{
    Claim, ClaimDocument, ClaimFilter, Decision, DecisionInput, NewClaim, PaymentInstruction,
};
use ansinh_store::payroll::{EntitlementChange, PayrollReport, PersonBenefits};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

/// One line of a decision's explanation: label, amount, formula, citation.
pub(super) type ExplanationLine = (String, Option<i64>, String, String);

fn explanation(c: &Chrome, answer: &Value) -> Vec<ExplanationLine> {
    answer["explanation"]
        .as_array()
        .map(|lines| {
            lines
                .iter()
                .filter(|l| !l["key"].as_str().unwrap_or("").starts_with("revaluation."))
                .map(|l| {
                    let label = match c.lang {
                        crate::i18n::Lang::Vi => l["label_vi"].as_str(),
                        _ => l["label_en"].as_str(),
                    };
                    (
                        label.unwrap_or("").to_string(),
                        l["amount"].as_i64(),
                        l["formula"].as_str().unwrap_or("").to_string(),
                        l["citation"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The kinds a caller may file, for the form's list.
fn kinds_for(role: Role) -> Vec<&'static str> {
    match role {
        Role::Insured => vec![
            "one_time",
            "maternity_direct",
            "voluntary_maternity",
            "funeral",
            "monthly_allowance",
            "resumption",
        ],
        Role::Employer => vec!["sickness", "maternity"],
        _ => vec![
            "pension",
            "one_time",
            "sickness",
            "maternity",
            "maternity_direct",
            "survivor",
            "funeral",
            "voluntary_maternity",
            "monthly_allowance",
            "resumption",
            "occupational",
        ],
    }
}

#[derive(Template)]
#[template(path = "benefits.html")]
struct QueuePage {
    c: Chrome,
    claims: Vec<Claim>,
    state: String,
    overdue_on: String,
    today: String,
    kinds: Vec<&'static str>,
    report: Option<PayrollReport>,
    month: String,
    may_decide: bool,
}

#[derive(Deserialize)]
pub(super) struct QueueQuery {
    state: Option<String>,
    overdue_on: Option<String>,
    /// A payroll month whose totals to show.
    month: Option<String>,
}

/// The intake queue, the counter's claim form and the payroll.
pub(super) async fn queue(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Query(q): Query<QueueQuery>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/benefits");
    let today = jiff::ZonedDateTime::now().date().to_string();
    let filter = ClaimFilter {
        state: q.state.clone().filter(|s| !s.is_empty()),
        overdue_on: q.overdue_on.clone().filter(|s| !s.is_empty()),
        limit: Some(500),
        ..Default::default()
    };
    let claims = match state.store.benefit_claims(&state.params, &filter).await {
        Ok(c) => c,
        Err(e) => return error_page(c, e),
    };
    let month = q.month.unwrap_or_default();
    let report = if month.is_empty() {
        None
    } else {
        match month.parse::<ansinh_core::Month>() {
            Ok(m) => match state.store.payroll_totals(&m.to_string(), 0).await {
                Ok(r) => Some(r),
                Err(e) => return error_page(c, e),
            },
            Err(_) => {
                return error_page(
                    c,
                    StoreError::invalid("month", format!("`{month}` is not a month YYYY-MM")),
                );
            }
        }
    };
    render(&QueuePage {
        may_decide: caller.user.role.may(Permission::DecideBenefits),
        kinds: kinds_for(caller.user.role),
        claims,
        state: q.state.unwrap_or_default(),
        overdue_on: q.overdue_on.unwrap_or_default(),
        today,
        report,
        month,
        c,
    })
}

#[derive(Deserialize)]
pub(super) struct ClaimForm {
    person_sin: String,
    kind: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    employer_code: String,
    event_date: String,
    #[serde(default)]
    received_on: String,
    /// Document names, comma-separated.
    #[serde(default)]
    documents: String,
    #[serde(default)]
    late_explanation: String,
    #[serde(default)]
    children: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    ground: String,
    payment_channel: String,
    #[serde(default)]
    bank: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    collector: String,
    #[serde(default)]
    authorised_from: String,
    #[serde(default)]
    authorised_to: String,
    reason: Option<String>,
}

fn some(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

impl ClaimForm {
    fn claim(&self, role: Role) -> Result<NewClaim, StoreError> {
        let mut facts = serde_json::Map::new();
        if let Some(n) = some(&self.children) {
            let n: i64 = n.parse().map_err(|_| {
                StoreError::invalid("children", format!("`{n}` is not a number of children"))
            })?;
            facts.insert("children".into(), json!(n));
        }
        if let Some(d) = some(&self.days) {
            let d: f64 = d.parse().map_err(|_| {
                StoreError::invalid("days", format!("`{d}` is not a number of days"))
            })?;
            facts.insert("days".into(), json!(d));
        }
        if let Some(g) = some(&self.ground) {
            facts.insert("ground".into(), json!(g));
        }
        // The channel follows who files: self-service online, an employer on its list.
        let channel = match role {
            Role::Insured => "online".to_string(),
            Role::Employer => "employer_list".to_string(),
            _ => some(&self.channel).unwrap_or_else(|| "counter".into()),
        };
        Ok(NewClaim {
            person_sin: self.person_sin.trim().to_string(),
            kind: self.kind.trim().to_string(),
            channel,
            employer_code: some(&self.employer_code),
            event_date: self.event_date.trim().to_string(),
            received_on: some(&self.received_on),
            documents: self.documents.split(',').filter_map(some).collect(),
            late_explanation: some(&self.late_explanation),
            facts: Some(Value::Object(facts)),
            payment: PaymentInstruction {
                channel: self.payment_channel.trim().to_string(),
                bank: some(&self.bank),
                account: some(&self.account),
                collector: some(&self.collector),
                authorised_from: some(&self.authorised_from),
                authorised_to: some(&self.authorised_to),
            },
            office: None,
        })
    }
}

fn api_refusal(e: crate::error::ApiError) -> StoreError {
    if e.status == axum::http::StatusCode::FORBIDDEN {
        StoreError::Conflict {
            field: e.field.unwrap_or_default(),
            reason: e.message,
        }
    } else {
        StoreError::invalid(e.field.as_deref().unwrap_or(""), e.message)
    }
}

/// Where a filer goes after filing: the claim's page for staff, their own page otherwise.
fn after_filing(caller: &Principal, claim: &Claim) -> String {
    match caller.user.role {
        Role::Insured => format!("/ui/persons/{}/benefits", claim.person_sin),
        Role::Employer => format!(
            "/ui/employers/{}/benefit-claims",
            claim.employer_code.clone().unwrap_or_default()
        ),
        _ => format!("/ui/benefits/claims/{}", claim.claim_id),
    }
}

/// Receives a claim from any of the three forms.
pub(super) async fn file(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    axum::Form(f): axum::Form<ClaimForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/benefits");
    let store = with_reason(store, f.reason.clone());
    let claim = match f.claim(caller.user.role) {
        Ok(claim) => claim,
        Err(e) => return error_page(c, e),
    };
    if let Err(e) = crate::routes::benefits::may_file(
        &state,
        &caller,
        &claim.person_sin,
        &claim.channel,
        &claim.kind,
        claim.employer_code.as_deref(),
    )
    .await
    {
        return error_page(c, api_refusal(e));
    }
    match store.receive_claim(&state.params, &claim).await {
        Ok(claim) => see_other(&after_filing(&caller, &claim)),
        Err(e) => error_page(c, e),
    }
}

#[derive(Template)]
#[template(path = "benefit_claim.html")]
struct ClaimPage {
    c: Chrome,
    claim: Claim,
    person_name: String,
    decision: Option<Decision>,
    lines: Vec<ExplanationLine>,
    documents: Vec<ClaimDocument>,
    /// The kind's checklist, for the upload form.
    checklist: Vec<String>,
    may_upload: bool,
    may_decide: bool,
}

/// Whether the caller may read this claim: staff who read benefits, or its filer.
fn may_read(caller: &Principal, claim: &Claim) -> bool {
    let u = &caller.user;
    u.role.may(Permission::ReadBenefits)
        || (u.role == Role::Insured && u.person_sin.as_deref() == Some(claim.person_sin.as_str()))
        || (u.role == Role::Employer
            && u.employer_code.is_some()
            && u.employer_code == claim.employer_code)
}

/// A claim as a page.
pub(super) async fn claim(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let c = Chrome::new(
        &headers,
        Some(&caller),
        &format!("/ui/benefits/claims/{id}"),
    );
    let loaded = async {
        let claim = state.store.benefit_claim(&state.params, &id).await?;
        if !may_read(&caller, &claim) {
            return Err(StoreError::NotFound {
                what: format!("benefit claim {id}"),
            });
        }
        let decision = state.store.claim_decision(&claim.claim_id).await?;
        let documents = state.store.claim_documents(&claim.claim_id).await?;
        let person = state.store.person(&claim.person_sin).await?;
        Ok::<_, StoreError>((claim, decision, documents, person))
    }
    .await;
    let (claim, decision, documents, person) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(c, e),
    };
    let checklist = claim
        .event_date
        .parse()
        .ok()
        .and_then(|d| ansinh_rules::benefit_claim::kind(&state.params, &claim.kind, d).ok())
        .map(|k| k.documents.clone())
        .unwrap_or_default();
    let lines = decision
        .as_ref()
        .map(|d| explanation(&c, &d.explanation))
        .unwrap_or_default();
    render(&ClaimPage {
        may_upload: caller.user.role.may(Permission::FileClaim)
            && matches!(claim.state.as_str(), "incomplete" | "complete"),
        may_decide: caller.user.role.may(Permission::DecideBenefits),
        person_name: person.map(|p| p.name).unwrap_or_default(),
        checklist,
        lines,
        decision,
        documents,
        claim,
        c,
    })
}

/// Uploads a document of the dossier (multipart: `document`, `file`).
pub(super) async fn upload(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    mut form: Multipart,
) -> Response {
    let c = Chrome::new(
        &headers,
        Some(&caller),
        &format!("/ui/benefits/claims/{id}"),
    );
    let fields = match super::form_fields(&mut form).await {
        Ok(f) => f,
        Err(e) => return error_page(c, e),
    };
    let document = fields
        .iter()
        .rev()
        .find(|f| f.name == "document")
        .map(|f| f.text().trim().to_string())
        .unwrap_or_default();
    let file = fields
        .into_iter()
        .rev()
        .find(|f| f.name == "file")
        .map(|f| (f.file_name, f.content_type, f.bytes.to_vec()));
    let Some((file_name, media, bytes)) = file.filter(|f| !f.2.is_empty()) else {
        return error_page(c, StoreError::invalid("file", "no file was chosen"));
    };
    let claim = match state.store.benefit_claim(&state.params, &id).await {
        Ok(claim) => claim,
        Err(e) => return error_page(c, e),
    };
    if let Err(e) = crate::routes::benefits::may_file(
        &state,
        &caller,
        &claim.person_sin,
        &claim.channel,
        &claim.kind,
        claim.employer_code.as_deref(),
    )
    .await
    {
        return error_page(c, api_refusal(e));
    }
    match store
        .attach_document(
            &state.params,
            &claim.claim_id,
            &document,
            &file_name,
            &media,
            &bytes,
        )
        .await
    {
        Ok(_) => see_other(&format!("/ui/benefits/claims/{}", claim.claim_id)),
        Err(e) => error_page(c, e),
    }
}

#[derive(Deserialize)]
pub(super) struct DecisionForm {
    outcome: String,
    #[serde(default)]
    refusal: String,
    #[serde(default)]
    on: String,
    reason: Option<String>,
}

/// Decides a claim from its page.
pub(super) async fn decide(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<DecisionForm>,
) -> Response {
    let c = Chrome::new(
        &headers,
        Some(&caller),
        &format!("/ui/benefits/claims/{id}"),
    );
    let store = with_reason(store, f.reason);
    let input = DecisionInput {
        outcome: f.outcome,
        reason: some(&f.refusal),
        on: some(&f.on),
    };
    match store.decide_claim(&state.params, &id, &input).await {
        Ok(d) => see_other(&format!("/ui/benefits/claims/{}", d.claim_id)),
        Err(e) => error_page(c, e),
    }
}

#[derive(Deserialize)]
pub(super) struct ApprovalForm {
    #[serde(default)]
    on: String,
    reason: Option<String>,
}

/// A second officer approves from the claim's page.
pub(super) async fn approve(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<ApprovalForm>,
) -> Response {
    let c = Chrome::new(
        &headers,
        Some(&caller),
        &format!("/ui/benefits/claims/{id}"),
    );
    let store = with_reason(store, f.reason);
    match store
        .approve_claim(&state.params, &id, some(&f.on).as_deref())
        .await
    {
        Ok(d) => see_other(&format!("/ui/benefits/claims/{}", d.claim_id)),
        Err(e) => error_page(c, e),
    }
}

#[derive(Deserialize)]
pub(super) struct PayrollForm {
    month: String,
    reason: Option<String>,
}

/// Runs a month's payroll; to its totals.
pub(super) async fn payroll(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    axum::Form(f): axum::Form<PayrollForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/benefits");
    let store = with_reason(store, f.reason);
    let Ok(month) = f.month.trim().parse::<ansinh_core::Month>() else {
        return error_page(
            c,
            StoreError::invalid("month", format!("`{}` is not a month YYYY-MM", f.month)),
        );
    };
    match store.run_payroll(&state.params, month).await {
        Ok(r) => see_other(&format!("/ui/benefits?month={}", r.month)),
        Err(e) => error_page(c, e),
    }
}

#[derive(Deserialize)]
pub(super) struct ChangeForm {
    action: String,
    #[serde(default)]
    change_reason: String,
    on: String,
    #[serde(default)]
    note: String,
    reason: Option<String>,
}

/// Suspends, terminates or resumes an entitlement from the person's benefits page.
pub(super) async fn change(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<ChangeForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/benefits");
    let store = with_reason(store, f.reason);
    let change = EntitlementChange {
        action: f.action,
        reason: some(&f.change_reason),
        on: f.on,
        note: some(&f.note),
    };
    match store.change_entitlement(&state.params, &id, &change).await {
        Ok(o) => see_other(&format!(
            "/ui/persons/{}/benefits",
            o.entitlement.person_sin
        )),
        Err(e) => error_page(c, e),
    }
}

#[derive(Template)]
#[template(path = "person_benefits.html")]
struct PersonBenefitsPage {
    c: Chrome,
    p: ansinh_store::Person,
    b: PersonBenefits,
    kinds: Vec<&'static str>,
    may_file: bool,
    may_decide: bool,
    today: String,
    reasons: Vec<String>,
}

/// A person's benefits; the insured person's online claim.
pub(super) async fn of_person(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(sin): Path<String>,
) -> Response {
    let c = Chrome::new(
        &headers,
        Some(&caller),
        &format!("/ui/persons/{sin}/benefits"),
    );
    let loaded = async {
        let p = state
            .store
            .person(&sin)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: format!("person {sin}"),
            })?;
        let b = state.store.person_benefits(&state.params, &p.sin).await?;
        Ok::<_, StoreError>((p, b))
    }
    .await;
    let (p, b) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(c, e),
    };
    let today = jiff::ZonedDateTime::now().date();
    let reasons = state
        .params
        .benefit_suspension
        .at(today)
        .map(|d| d.value.reasons.keys().cloned().collect())
        .unwrap_or_default();
    let role = caller.user.role;
    render(&PersonBenefitsPage {
        may_file: role == Role::Insured || role.may(Permission::DecideBenefits),
        may_decide: role.may(Permission::DecideBenefits),
        kinds: kinds_for(role),
        today: today.to_string(),
        reasons,
        p,
        b,
        c,
    })
}

#[derive(Template)]
#[template(path = "employer_benefits.html")]
struct EmployerClaimsPage {
    c: Chrome,
    code: String,
    claims: Vec<Claim>,
    workers: Vec<ansinh_store::Person>,
    kinds: Vec<&'static str>,
}

/// An employer's list: its workers' sickness and maternity claims, and the form to add one.
pub(super) async fn of_employer(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Response {
    let c = Chrome::new(
        &headers,
        Some(&caller),
        &format!("/ui/employers/{code}/benefit-claims"),
    );
    let loaded = async {
        let e = state.store.existing_employer(&code).await?;
        let claims = state
            .store
            .benefit_claims(
                &state.params,
                &ClaimFilter {
                    employer: Some(e.unit_code.clone()),
                    limit: Some(1000),
                    ..Default::default()
                },
            )
            .await?;
        let workers = state
            .store
            .list_persons(
                &ansinh_store::PersonFilter {
                    employer: Some(e.unit_code.clone()),
                    ..Default::default()
                },
                &ansinh_store::Page {
                    after: None,
                    limit: Some(500),
                },
            )
            .await?;
        Ok::<_, StoreError>((e, claims, workers))
    }
    .await;
    let (e, claims, workers) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(c, e),
    };
    render(&EmployerClaimsPage {
        code: e.unit_code,
        claims,
        workers,
        kinds: vec!["sickness", "maternity"],
        c,
    })
}
