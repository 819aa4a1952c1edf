//! The inspector's and collection officer's list of employers late in paying or evading
//! (danh sách chậm đóng, trốn đóng; L41 Art. 35, 38–39), each with the rule and the facts that
//! gave its status, the written urgings (văn bản đôn đốc) recorded from it, and the same list
//! as CSV or XLSX.

use super::{Chrome, error_page, render, see_other, with_reason};
use crate::AppState;
use crate::access::{Acting, Caller};
use crate::export::{self, Cell, Format};
use ansinh_core::Permission;
use ansinh_store::StoreError;
use ansinh_store::account::{ListedEmployer, Urging};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "compliance.html")]
struct CompliancePage {
    c: Chrome,
    as_of: String,
    status: String,
    rows: Vec<ListedEmployer>,
    unpaid: i64,
    may_urge: bool,
}

#[derive(Deserialize)]
pub(super) struct ComplianceQuery {
    as_of: Option<String>,
    /// `late` or `evasion`; all when empty.
    status: Option<String>,
    format: Option<String>,
}

pub(super) async fn page(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Query(q): Query<ComplianceQuery>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/compliance");
    let today = jiff::ZonedDateTime::now().date();
    let as_of = match q.as_of.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => today,
        Some(text) => match text.parse() {
            Ok(d) => d,
            Err(_) => {
                return error_page(
                    c,
                    StoreError::invalid("as_of", format!("`{text}` is not a date YYYY-MM-DD")),
                );
            }
        },
    };
    let status = q.status.unwrap_or_default().trim().to_string();
    if !matches!(status.as_str(), "" | "late" | "evasion") {
        return error_page(
            c,
            StoreError::invalid("status", format!("`{status}` is not late or evasion")),
        );
    }
    let format = match Format::of(q.format.as_deref()) {
        Ok(f) => f,
        Err(why) => return error_page(c, StoreError::invalid("format", why)),
    };
    let mut rows = match state.store.compliance_list(&state.params, as_of).await {
        Ok(rows) => rows,
        Err(e) => return error_page(c, e),
    };
    if !status.is_empty() {
        rows.retain(|r| r.status == status);
    }
    if let Some(format) = format {
        let headers = [
            c.t("employer"),
            c.t("name"),
            c.t("status"),
            c.t("months"),
            c.t("unpaid"),
            c.t("late-charge"),
            c.t("reasons"),
        ];
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        let table: Vec<Vec<Cell>> = rows
            .iter()
            .map(|r| {
                vec![
                    r.employer_code.as_str().into(),
                    r.name.as_str().into(),
                    c.t(&r.status).into(),
                    r.months.join(" ").into(),
                    r.unpaid.into(),
                    r.charge.into(),
                    c.pick(&r.reasons_vi, &r.reasons).join("\n").into(),
                ]
            })
            .collect();
        return export::download(format, &format!("compliance-{as_of}"), &headers, &table);
    }
    render(&CompliancePage {
        unpaid: rows.iter().map(|r| r.unpaid).sum(),
        may_urge: caller.user.role.may(Permission::RecordPayment),
        as_of: as_of.to_string(),
        status,
        rows,
        c,
    })
}

#[derive(Deserialize)]
pub(super) struct UrgingForm {
    month: String,
    reference: String,
    urged_on: String,
    reason: Option<String>,
}

/// Records a written urging from the list (L41 Art. 35); back to the list.
pub(super) async fn urge(
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(code): Path<String>,
    axum::Form(f): axum::Form<UrgingForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/compliance");
    let store = with_reason(store, f.reason);
    let urging = Urging {
        month: f.month.trim().to_string(),
        reference: f.reference,
        urged_on: f.urged_on.trim().to_string(),
    };
    match store.record_urging(&code, &urging).await {
        Ok(_) => see_other("/ui/compliance"),
        Err(e) => error_page(c, e),
    }
}
