//! The register of certificates of coverage under the Vietnam–Korea agreement (sổ theo dõi
//! giấy chứng nhận theo Hiệp định BHXH Việt Nam – Hàn Quốc) for the collection officers who
//! record them, and a certificate as a printable document (Vietnamese and English).

use super::{Chrome, error_page, render, see_other, with_reason};
use crate::AppState;
use crate::access::{Acting, Caller};
use crate::export::{self, Format};
use crate::routes::agreements::{REGISTER_COLUMNS, register_filter, register_rows};
use ansinh_core::Permission;
use ansinh_store::StoreError;
use ansinh_store::certificate::{CoverageCertificate, NewCertificate};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "agreements.html")]
struct RegisterPage {
    c: Chrome,
    direction: String,
    on: String,
    rows: Vec<CoverageCertificate>,
    may_record: bool,
}

#[derive(Deserialize)]
pub(super) struct RegisterQuery {
    direction: Option<String>,
    on: Option<String>,
    format: Option<String>,
}

pub(super) async fn page(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Query(q): Query<RegisterQuery>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/agreements");
    let format = match Format::of(q.format.as_deref()) {
        Ok(f) => f,
        Err(why) => return error_page(c, StoreError::invalid("format", why)),
    };
    let (direction, on) = match register_filter(q.direction.as_deref(), q.on.as_deref()) {
        Ok(x) => x,
        Err(e) => {
            return error_page(
                c,
                StoreError::invalid(e.field.as_deref().unwrap_or(""), e.message),
            );
        }
    };
    let rows = match state.store.certificate_register(direction, on).await {
        Ok(rows) => rows,
        Err(e) => return error_page(c, e),
    };
    if let Some(format) = format {
        return export::download(
            format,
            "certificates-of-coverage",
            &REGISTER_COLUMNS,
            &register_rows(&rows),
        );
    }
    render(&RegisterPage {
        direction: direction.map_or("", |d| d.code()).to_string(),
        on: on.map(|d| d.to_string()).unwrap_or_default(),
        may_record: caller.user.role.may(Permission::WriteRegistry),
        rows,
        c,
    })
}

#[derive(Deserialize)]
pub(super) struct CertificateForm {
    person_sin: String,
    certificate_no: String,
    direction: String,
    kind: String,
    valid_from: String,
    valid_to: String,
    sending_employer: String,
    #[serde(default)]
    host_employer: String,
    issued_on: Option<String>,
    reason: Option<String>,
}

/// Records a certificate from the register's form; to its document.
pub(super) async fn record(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    axum::Form(f): axum::Form<CertificateForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/agreements");
    let store = with_reason(store, f.reason);
    let new = NewCertificate {
        person_sin: f.person_sin,
        certificate_no: f.certificate_no,
        direction: f.direction,
        country: "KR".into(),
        kind: f.kind,
        valid_from: f.valid_from,
        valid_to: f.valid_to,
        sending_employer: f.sending_employer,
        host_employer: f.host_employer,
        issued_on: f.issued_on,
    };
    match store.record_certificate(&state.params, &new).await {
        Ok(r) => see_other(&format!(
            "/ui/agreements/certificates/{}/{}",
            r.person_sin,
            form_urlencoded::byte_serialize(r.certificate_no.as_bytes()).collect::<String>()
        )),
        Err(e) => error_page(c, e),
    }
}

#[derive(Template)]
#[template(path = "certificate.html")]
struct CertificateDocument {
    c: Chrome,
    cert: CoverageCertificate,
    person: ansinh_store::Person,
}

/// One certificate as a document to print: the VSS certificate of a Vietnamese posted to Korea
/// (outbound), or the record of an NPS certificate held by a worker in Vietnam (inbound).
pub(super) async fn document(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path((sin, number)): Path<(String, String)>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/agreements");
    let loaded = async {
        let person = state
            .store
            .person(&sin)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: format!("person {sin}"),
            })?;
        let cert = state
            .store
            .certificates_of(&sin)
            .await?
            .into_iter()
            .find(|c| c.certificate_no == number)
            .ok_or_else(|| StoreError::NotFound {
                what: format!("certificate {number} of {sin}"),
            })?;
        Ok::<_, StoreError>((person, cert))
    }
    .await;
    match loaded {
        Ok((person, cert)) => render(&CertificateDocument { c, cert, person }),
        Err(e) => error_page(c, e),
    }
}
