//! Benefit claims (hồ sơ hưởng chế độ), their decisions, the monthly payroll and entitlements
//! (L41 Art. 47–48, 61–62, 70, 75, 77–79, 90–93). Who may file is checked here against the
//! claim's content: an insured person files online for themself the kinds a person files, an
//! employer files on its list for its own workers, an officer files anything at the counter.

use crate::AppState;
use crate::access::{Acting, Caller, Principal};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, body_bytes};
use ansinh_core::{Month, Role};
use ansinh_store::benefit_claim::{
    Claim, ClaimDocument, ClaimFilter, Decision, DecisionInput, NewClaim,
};
use ansinh_store::payroll::{ChangeOutcome, EntitlementChange, PayrollReport, PersonBenefits};
use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

fn forbidden(message: impl ToString) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "forbidden", message, None)
}

/// Whether the caller may file or complete this claim (the route's permission is checked first).
pub(crate) async fn may_file(
    state: &AppState,
    caller: &Principal,
    person_sin: &str,
    channel: &str,
    kind: &str,
    employer: Option<&str>,
) -> Result<(), ApiError> {
    match caller.user.role {
        Role::Insured => {
            if caller.user.person_sin.as_deref() != Some(person_sin.trim()) {
                return Err(forbidden(
                    "an insured person files claims for themself only",
                ));
            }
            if channel != "online" {
                return Err(ApiError::validation(
                    "channel",
                    "a claim filed through self-service is `online`",
                ));
            }
            let filer = ansinh_rules::benefit_claim::kind(
                &state.params,
                kind.trim(),
                jiff::ZonedDateTime::now().date(),
            )
            .map(|k| k.filer.clone())
            .unwrap_or_default();
            if filer != "person" {
                return Err(forbidden(format!(
                    "a {kind} claim is filed by the employer, not online by the person"
                )));
            }
            Ok(())
        }
        Role::Employer => {
            let own = caller.user.employer_code.as_deref().unwrap_or("");
            if employer.map(str::trim) != Some(own) || channel != "employer_list" {
                return Err(forbidden(
                    "an employer files on its own list (`employer_list` with its unit code)",
                ));
            }
            let works_here = state
                .store
                .employments(person_sin.trim())
                .await?
                .iter()
                .any(|e| e.employer_code == own);
            if !works_here {
                return Err(forbidden(
                    "an employer files claims of its own workers only",
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Receive a claim: the dossier checked against the kind's checklist, the statutory decision
/// day once it is complete, refused when the record gives nothing for it.
#[utoipa::path(post, path = "/api/v1/benefit-claims", tag = "benefits", request_body = NewClaim,
    responses((status = 201, body = Claim), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn file(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Acting(store): Acting,
    ApiJson(c): ApiJson<NewClaim>,
) -> Result<(StatusCode, Json<Claim>), ApiError> {
    may_file(
        &state,
        &caller,
        &c.person_sin,
        c.channel.trim(),
        &c.kind,
        c.employer_code.as_deref(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(store.receive_claim(&state.params, &c).await?),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ClaimsQuery {
    /// `incomplete`, `complete`, `decided`, `approved` or `refused`.
    state: Option<String>,
    office: Option<String>,
    person: Option<String>,
    /// Only claims past their decision day on this date (YYYY-MM-DD): the overdue queue.
    overdue_on: Option<String>,
    /// 1–10,000, default 200.
    limit: Option<i64>,
}

/// The intake queue: claims by state, office or person, oldest decision day first.
#[utoipa::path(get, path = "/api/v1/benefit-claims", tag = "benefits", params(ClaimsQuery),
    responses((status = 200, body = Vec<Claim>), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ClaimsQuery>,
) -> Result<Json<Vec<Claim>>, ApiError> {
    let limit = super::checked_limit(q.limit, 10_000)?;
    let f = ClaimFilter {
        state: q.state,
        office: q.office,
        person: q.person,
        employer: None,
        overdue_on: q.overdue_on,
        limit,
    };
    Ok(Json(state.store.benefit_claims(&state.params, &f).await?))
}

/// A claim with its decision and documents.
#[derive(Serialize, ToSchema)]
pub struct ClaimFile {
    pub claim: Claim,
    pub decision: Option<Decision>,
    pub documents: Vec<ClaimDocument>,
}

#[utoipa::path(get, path = "/api/v1/benefit-claims/{claim_id}", tag = "benefits",
    responses((status = 200, body = ClaimFile), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path(claim_id): Path<String>,
) -> Result<Json<ClaimFile>, ApiError> {
    let claim = state.store.benefit_claim(&state.params, &claim_id).await?;
    let decision = state.store.claim_decision(&claim.claim_id).await?;
    let documents = state.store.claim_documents(&claim.claim_id).await?;
    Ok(Json(ClaimFile {
        claim,
        decision,
        documents,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DocumentQuery {
    /// The document's name in the kind's checklist (`si_book`, `birth_certificate` …).
    document: String,
    file_name: Option<String>,
}

/// Upload a document of the dossier (the body is the file; at most 10 MB), stored once by its
/// SHA-256. The claim becomes complete when nothing is missing.
#[utoipa::path(post, path = "/api/v1/benefit-claims/{claim_id}/documents", tag = "benefits", params(DocumentQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = Claim), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Acting(store): Acting,
    Path(claim_id): Path<String>,
    ApiQuery(q): ApiQuery<DocumentQuery>,
    req: Request,
) -> Result<(StatusCode, Json<Claim>), ApiError> {
    let claim = state.store.benefit_claim(&state.params, &claim_id).await?;
    may_file(
        &state,
        &caller,
        &claim.person_sin,
        &claim.channel,
        &claim.kind,
        claim.employer_code.as_deref(),
    )
    .await?;
    let media_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_string();
    let bytes = body_bytes(req).await?;
    let name = q.file_name.unwrap_or_else(|| q.document.clone());
    Ok((
        StatusCode::CREATED,
        Json(
            store
                .attach_document(
                    &state.params,
                    &claim.claim_id,
                    &q.document,
                    &name,
                    &media_type,
                    &bytes,
                )
                .await?,
        ),
    ))
}

/// Decide a complete claim: `grant` computes it from the record (the explanation kept),
/// `refuse` writes the reason.
#[utoipa::path(post, path = "/api/v1/benefit-claims/{claim_id}/decision", tag = "benefits", request_body = DecisionInput,
    responses((status = 201, body = Decision), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    Acting(store): Acting,
    Path(claim_id): Path<String>,
    ApiJson(d): ApiJson<DecisionInput>,
) -> Result<(StatusCode, Json<Decision>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(store.decide_claim(&state.params, &claim_id, &d).await?),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalInput {
    /// The approval's day (today when absent).
    #[serde(default)]
    pub on: Option<String>,
}

/// A second officer approves a decision above the threshold (not the one who decided).
#[utoipa::path(post, path = "/api/v1/benefit-claims/{claim_id}/approval", tag = "benefits", request_body = ApprovalInput,
    responses((status = 200, body = Decision), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    Acting(store): Acting,
    Path(claim_id): Path<String>,
    ApiJson(a): ApiJson<ApprovalInput>,
) -> Result<Json<Decision>, ApiError> {
    Ok(Json(
        store
            .approve_claim(&state.params, &claim_id, a.on.as_deref())
            .await?,
    ))
}

fn month(text: &str) -> Result<Month, ApiError> {
    text.parse()
        .map_err(|_| ApiError::validation("month", format!("`{text}` is not a month YYYY-MM")))
}

/// Pay a month (idempotent: a second run writes nothing and reports the same totals).
#[utoipa::path(post, path = "/api/v1/payroll/{month}", tag = "benefits",
    responses((status = 200, body = PayrollReport), (status = 400, body = ErrorBody)))]
pub async fn payroll(
    State(state): State<AppState>,
    Acting(store): Acting,
    Path(m): Path<String>,
) -> Result<Json<PayrollReport>, ApiError> {
    Ok(Json(store.run_payroll(&state.params, month(&m)?).await?))
}

/// The payment file of a payroll month for one channel (CSV).
#[utoipa::path(get, path = "/api/v1/payroll/{month}/files/{channel}", tag = "benefits",
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody)))]
pub async fn payroll_file(
    State(state): State<AppState>,
    Path((m, channel)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let m = month(&m)?;
    let mut out = Vec::new();
    state
        .store
        .payroll_file(&m.to_string(), &channel, &mut out)
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"payroll-{m}-{channel}.csv\""),
            ),
        ],
        out,
    )
        .into_response())
}

/// Suspend, terminate or resume a monthly entitlement for a reason of L41 Art. 75.
#[utoipa::path(post, path = "/api/v1/entitlements/{entitlement_id}/changes", tag = "benefits", request_body = EntitlementChange,
    responses((status = 200, body = ChangeOutcome), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn change(
    State(state): State<AppState>,
    Acting(store): Acting,
    Path(id): Path<String>,
    ApiJson(c): ApiJson<EntitlementChange>,
) -> Result<Json<ChangeOutcome>, ApiError> {
    Ok(Json(
        store.change_entitlement(&state.params, &id, &c).await?,
    ))
}

/// A person's claims, decisions, entitlements, payments and receivables.
#[utoipa::path(get, path = "/api/v1/persons/{sin}/benefits", tag = "benefits",
    responses((status = 200, body = PersonBenefits), (status = 404, body = ErrorBody)))]
pub async fn of_person(
    State(state): State<AppState>,
    Path(sin): Path<String>,
) -> Result<Json<PersonBenefits>, ApiError> {
    if state.store.person(&sin).await?.is_none() {
        return Err(ApiError::not_found(format!("person {sin}")));
    }
    Ok(Json(
        state.store.person_benefits(&state.params, &sin).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVerifiedPeriod {
    /// First month, YYYY-MM.
    pub from: String,
    /// Last month, YYYY-MM.
    pub to: String,
    /// The contribution salary of the period (đồng).
    pub salary: i64,
    /// The record it was verified from (a paper social-insurance book, an archive).
    pub source: String,
    pub reference: String,
}

/// Enter contribution history before the registry as a verified period with its source.
#[utoipa::path(post, path = "/api/v1/persons/{sin}/verified-periods", tag = "benefits", request_body = NewVerifiedPeriod,
    responses((status = 201), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn verified_period(
    Acting(store): Acting,
    Path(sin): Path<String>,
    ApiJson(v): ApiJson<NewVerifiedPeriod>,
) -> Result<StatusCode, ApiError> {
    store
        .add_verified_period(&sin, &v.from, &v.to, v.salary, &v.source, &v.reference)
        .await?;
    Ok(StatusCode::CREATED)
}
