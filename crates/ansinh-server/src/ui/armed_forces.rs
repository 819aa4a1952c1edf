//! Pages of the armed forces' social insurance office (BHXH Quân đội): the register of
//! servicemen with the forms to enlist and to run a month, a serviceman's record with his
//! contributions, relatives (form 02/BHYT-QĐ), card and discharge, and the transfer of his
//! record to the general scheme.

use super::{Chrome, error_page, render, see_other, with_reason};
use crate::AppState;
use crate::access::{Acting, Caller};
use ansinh_core::Permission;
use ansinh_store::StoreError;
use ansinh_store::service::{
    NewRelative, NewServicePeriod, ServicePeriod, ServiceRecord, ServiceTransfer,
};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "armed_forces.html")]
struct RegisterPage {
    c: Chrome,
    rows: Vec<(ServicePeriod, String)>,
    may_record: bool,
    may_run: bool,
    month: String,
}

pub(super) async fn page(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/armed-forces");
    match state.store.service_register().await {
        Ok(rows) => render(&RegisterPage {
            rows,
            may_record: caller.user.role.may(Permission::WriteRegistry),
            may_run: caller.user.role.may(Permission::RunAssessment),
            month: ansinh_core::Month::of(jiff::ZonedDateTime::now().date()).to_string(),
            c,
        }),
        Err(e) => error_page(c, e),
    }
}

#[derive(Deserialize)]
pub(super) struct EnlistForm {
    person_sin: String,
    participant: String,
    unit: String,
    enlisted: String,
    salary: Option<String>,
    reason: Option<String>,
}

pub(super) async fn enlist(
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    axum::Form(f): axum::Form<EnlistForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/armed-forces");
    let salary = match f.salary.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match super::form_amount(s) {
            Ok(v) => Some(v),
            Err(_) => {
                return error_page(
                    c,
                    StoreError::invalid("salary", format!("`{s}` is not a whole number of đồng")),
                );
            }
        },
    };
    let store = with_reason(store, f.reason);
    let new = NewServicePeriod {
        person_sin: f.person_sin,
        participant: f.participant,
        unit: f.unit,
        enlisted: f.enlisted,
        salary,
    };
    match store.enlist(&new).await {
        Ok(p) => see_other(&format!("/ui/armed-forces/{}", p.person_sin)),
        Err(e) => error_page(c, e),
    }
}

#[derive(Deserialize)]
pub(super) struct RunForm {
    month: String,
}

pub(super) async fn run(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    axum::Form(f): axum::Form<RunForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/armed-forces");
    let Ok(month) = f.month.trim().parse() else {
        return error_page(
            c,
            StoreError::invalid("month", format!("`{}` is not a month YYYY-MM", f.month)),
        );
    };
    match store.assess_service_month(&state.params, month).await {
        Ok(_) => see_other("/ui/armed-forces"),
        Err(e) => error_page(c, e),
    }
}

#[derive(Template)]
#[template(path = "serviceman.html")]
struct RecordPage {
    c: Chrome,
    r: ServiceRecord,
    in_service: bool,
    may_record: bool,
    state_total: i64,
    transfer: Option<String>,
}

pub(super) async fn record(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(sin): Path<String>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), &format!("/ui/armed-forces/{sin}"));
    let r = match state.store.service_record(&sin).await {
        Ok(r) => r,
        Err(e) => return error_page(c, e),
    };
    let in_service = r.periods.iter().any(|p| p.discharged.is_none());
    // The transfer document once every period is discharged, to hand to the general scheme.
    let transfer = if !in_service && !r.periods.is_empty() {
        state
            .store
            .service_transfer(&state.params, &sin, jiff::ZonedDateTime::now().date())
            .await
            .ok()
            .and_then(|t| serde_json::to_string_pretty(&t).ok())
    } else {
        None
    };
    render(&RecordPage {
        state_total: r.contributions.iter().map(|c| c.state).sum(),
        in_service,
        may_record: caller.user.role.may(Permission::WriteRegistry),
        transfer,
        r,
        c,
    })
}

#[derive(Deserialize)]
pub(super) struct DischargeForm {
    discharged: String,
    reason: Option<String>,
}

pub(super) async fn discharge(
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(sin): Path<String>,
    axum::Form(f): axum::Form<DischargeForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/armed-forces");
    let store = with_reason(store, f.reason);
    match store.discharge(&sin, &f.discharged).await {
        Ok(_) => see_other(&format!("/ui/armed-forces/{sin}")),
        Err(e) => error_page(c, e),
    }
}

#[derive(Deserialize)]
pub(super) struct RelativeForm {
    relation: String,
    name: String,
    birth_date: String,
    #[serde(default)]
    personal_id: String,
    in_high_school: Option<String>,
    insured_otherwise: Option<String>,
}

pub(super) async fn relative(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(sin): Path<String>,
    axum::Form(f): axum::Form<RelativeForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/armed-forces");
    let new = NewRelative {
        relation: f.relation,
        name: f.name,
        birth_date: f.birth_date,
        personal_id: f.personal_id,
        in_high_school: f.in_high_school.is_some(),
        insured_otherwise: f.insured_otherwise.is_some(),
    };
    let today = jiff::ZonedDateTime::now().date();
    match store.add_relative(&state.params, &sin, &new, today).await {
        Ok(_) => see_other(&format!("/ui/armed-forces/{sin}")),
        Err(e) => error_page(c, e),
    }
}

#[derive(Deserialize)]
pub(super) struct CardForm {
    card_code: String,
    initial_facility: String,
    valid_from: String,
    graduation_year: Option<String>,
    expected_discharge: Option<String>,
}

pub(super) async fn card(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(sin): Path<String>,
    axum::Form(f): axum::Form<CardForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/armed-forces");
    let year = match f
        .graduation_year
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(y) => match y.parse::<i16>() {
            Ok(y) => Some(y),
            Err(_) => {
                return error_page(
                    c,
                    StoreError::invalid("graduation_year", format!("`{y}` is not a year")),
                );
            }
        },
    };
    let card = ansinh_store::service::NewServiceCard {
        card_code: f.card_code,
        initial_facility: f.initial_facility,
        valid_from: f.valid_from,
        graduation_year: year,
        expected_discharge: f.expected_discharge,
    };
    match store.issue_service_card(&state.params, &sin, &card).await {
        Ok(_) => see_other(&format!("/ui/persons/{sin}")),
        Err(e) => error_page(c, e),
    }
}

#[derive(Deserialize)]
pub(super) struct TransferForm {
    document: String,
}

/// Imports a pasted transfer document; to the person's page, where the verified months show.
pub(super) async fn import_transfer(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    axum::Form(f): axum::Form<TransferForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/armed-forces");
    let doc: ServiceTransfer = match serde_json::from_str(&f.document) {
        Ok(d) => d,
        Err(e) => {
            return error_page(
                c,
                StoreError::invalid("document", format!("not a transfer document: {e}")),
            );
        }
    };
    match store.import_service_transfer(&state.params, &doc).await {
        Ok(_) => see_other(&format!("/ui/persons/{}", doc.person_sin)),
        Err(e) => error_page(c, e),
    }
}
