//! The registry's lists as files (`?format=csv|xlsx`): the persons and employers a search finds,
//! an employer's workers, months and payments, a person's contribution history. A file holds
//! the whole list, not the page shown, read page by page (keyset) up to [`EXPORT_ROWS`].

use super::Chrome;
use crate::export::{self, Cell, Format};
use ansinh_store::{
    EmployerFilter, Page, Person, PersonFilter, Store, StoreError, account::Account,
    assessment::MonthRecord,
};
use axum::response::Response;

/// Rows of one file at most (a longer list is cut there: the page shows the count in all).
pub const EXPORT_ROWS: usize = 100_000;

/// Every person the filter selects, up to [`EXPORT_ROWS`].
pub async fn all_persons(store: &Store, f: &PersonFilter) -> Result<Vec<Person>, StoreError> {
    let mut out: Vec<Person> = Vec::new();
    loop {
        let page = Page {
            after: out.last().map(|p| p.sin.clone()),
            limit: Some(Page::MAX),
        };
        let rows = store.list_persons(f, &page).await?;
        let done = (rows.len() as i64) < Page::MAX;
        out.extend(rows);
        if done || out.len() >= EXPORT_ROWS {
            out.truncate(EXPORT_ROWS);
            return Ok(out);
        }
    }
}

/// Every employer the filter selects, up to [`EXPORT_ROWS`].
pub async fn all_employers(
    store: &Store,
    f: &EmployerFilter,
) -> Result<Vec<ansinh_store::Employer>, StoreError> {
    let mut out: Vec<ansinh_store::Employer> = Vec::new();
    loop {
        let page = Page {
            after: out.last().map(|e| e.unit_code.clone()),
            limit: Some(Page::MAX),
        };
        let rows = store.list_employers(f, &page).await?;
        let done = (rows.len() as i64) < Page::MAX;
        out.extend(rows);
        if done || out.len() >= EXPORT_ROWS {
            out.truncate(EXPORT_ROWS);
            return Ok(out);
        }
    }
}

fn file(format: Format, name: &str, headers: &[String], rows: Vec<Vec<Cell>>) -> Response {
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    export::download(format, name, &headers, &rows)
}

pub fn persons(c: &Chrome, format: Format, name: &str, persons: &[Person]) -> Response {
    let headers = [
        c.t("name"),
        "SIN".to_string(),
        c.t("personal-id"),
        c.t("sex"),
        c.t("birth-date"),
        c.t("nationality"),
    ];
    let rows = persons
        .iter()
        .map(|p| {
            vec![
                p.name.clone().into(),
                p.sin.clone().into(),
                p.personal_id.clone().into(),
                c.t(&p.sex).into(),
                p.birth_date.clone().into(),
                p.nationality.clone().into(),
            ]
        })
        .collect();
    file(format, name, &headers, rows)
}

pub fn employers(c: &Chrome, format: Format, employers: &[ansinh_store::Employer]) -> Response {
    let headers = [
        c.t("name"),
        c.t("unit-code"),
        c.t("tax-code"),
        c.t("province"),
        c.t("region"),
        c.t("status"),
    ];
    let rows = employers
        .iter()
        .map(|e| {
            vec![
                e.name.clone().into(),
                e.unit_code.clone().into(),
                e.tax_code.clone().into(),
                e.province.clone().into(),
                e.region.into(),
                e.status.clone().into(),
            ]
        })
        .collect();
    file(format, "employers", &headers, rows)
}

/// An employer's months: dues, paid, unpaid, deadline, status with its reasons, charge.
pub fn months(c: &Chrome, format: Format, account: &Account) -> Response {
    let headers = [
        c.t("month"),
        c.t("dues"),
        c.t("chart-paid"),
        c.t("unpaid"),
        c.t("deadline"),
        c.t("status"),
        c.t("late-charge"),
        c.t("reasons"),
    ];
    let rows = account
        .months
        .iter()
        .map(|m| {
            vec![
                m.month.clone().into(),
                m.dues.into(),
                m.paid.into(),
                m.unpaid.into(),
                m.deadline.clone().into(),
                c.t(&m.status).into(),
                m.charge.into(),
                c.pick(&m.reasons_vi, &m.reasons).join("\n").into(),
            ]
        })
        .collect();
    file(
        format,
        &format!("{}-months", account.employer_code),
        &headers,
        rows,
    )
}

pub fn payments(c: &Chrome, format: Format, account: &Account) -> Response {
    let headers = [
        c.t("reference"),
        c.t("paid-on"),
        c.t("amount"),
        c.t("reverses"),
    ];
    let rows = account
        .payments
        .iter()
        .map(|p| {
            vec![
                p.reference.clone().into(),
                p.paid_on.clone().into(),
                p.amount.into(),
                p.reverses.clone().unwrap_or_default().into(),
            ]
        })
        .collect();
    file(
        format,
        &format!("{}-payments", account.employer_code),
        &headers,
        rows,
    )
}

/// A person's contribution history, month by month and employer by employer.
pub fn history(c: &Chrome, format: Format, sin: &str, months: &[MonthRecord]) -> Response {
    let headers = [
        c.t("month"),
        c.t("employer"),
        c.t("salary"),
        c.t("employee-share"),
        c.t("employer-share"),
    ];
    let rows = months
        .iter()
        .map(|m| {
            vec![
                m.month.clone().into(),
                m.employer_code.clone().into(),
                m.salary.into(),
                m.employee_total.into(),
                m.employer_total.into(),
            ]
        })
        .collect();
    file(format, &format!("{sin}-history"), &headers, rows)
}
