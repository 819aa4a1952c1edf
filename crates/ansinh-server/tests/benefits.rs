//! Issue 21 over HTTP: a maternity claim from the employer's list to the payment — filed by the
//! employer, completed with its document, decided by the benefits officer from the record (equal
//! to `POST /api/v1/calc`), paid once by the payroll and read by the worker — with who may do
//! what, and the pages of each role, on both backends.

mod common;
use ansinh_core::Role;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both!(a_maternity_claim_goes_from_the_employers_list_to_the_payment);

async fn send(
    client: &reqwest::Client,
    app: &App,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = client.request(method.parse().unwrap(), format!("{}{path}", app.base));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn a_maternity_claim_goes_from_the_employers_list_to_the_payment(app: App) {
    for (code, tax) in [("TM0001A", "0301234501"), ("TM0002B", "0301234502")] {
        let (s, body) = app
            .post("/api/v1/employers", json!({"unit_code": code, "tax_code": tax, "name": "Công ty TNHH Thêu Huế", "province": "Thừa Thiên Huế", "region": 2}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
    }
    let (s, report) = app
        .post(
            "/api/v1/employers/TM0001A/declarations",
            json!({"lines": [{"action": "hire", "personal_id": "046193000123", "name": "Hồ Thị Mai", "sex": "female", "birth_date": "1993-04-02",
                "date": "2025-03-01", "salary": 9000000, "contract_kind": "indefinite"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{report}");
    let mai = report["lines"][0]["sin"].as_str().unwrap().to_string();

    let hr = app
        .client_as("hr-tm1", Role::Employer, Some("TM0001A"), None)
        .await;
    let other_hr = app
        .client_as("hr-tm2", Role::Employer, Some("TM0002B"), None)
        .await;
    let worker = app.client_as("mai", Role::Insured, None, Some(&mai)).await;
    let officer = app
        .client_as("officer", Role::BenefitsOfficer, None, None)
        .await;

    let claim = json!({"person_sin": mai, "kind": "maternity", "channel": "employer_list", "employer_code": "TM0001A",
        "event_date": "2025-12-20", "received_on": "2026-01-05", "facts": {"children": 1}, "payment": {"channel": "employer"}});
    // Not another employer's worker, not the worker herself on the employer's list.
    let mut foreign = claim.clone();
    foreign["employer_code"] = json!("TM0002B");
    let (s, body) = send(
        &other_hr,
        &app,
        "POST",
        "/api/v1/benefit-claims",
        Some(foreign),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let mut online = claim.clone();
    online["channel"] = json!("online");
    let (s, body) = send(
        &worker,
        &app,
        "POST",
        "/api/v1/benefit-claims",
        Some(online),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");

    let (s, filed) = send(
        &hr,
        &app,
        "POST",
        "/api/v1/benefit-claims",
        Some(claim.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{filed}");
    assert_eq!(filed["state"], "incomplete");
    assert_eq!(filed["missing"], json!(["birth_certificate"]));
    let id = filed["claim_id"].as_str().unwrap().to_string();
    let (s, dup) = send(
        &hr,
        &app,
        "POST",
        "/api/v1/benefit-claims",
        Some(claim.clone()),
    )
    .await;
    assert_eq!(
        (s, dup["error"]["field"].as_str()),
        (StatusCode::CONFLICT, Some("event_date")),
        "{dup}"
    );

    let res = hr
        .post(format!("{}/api/v1/benefit-claims/{id}/documents?document=birth_certificate&file_name=giay-khai-sinh.pdf", app.base))
        .header("content-type", "application/pdf")
        .body(b"%PDF-1.4 giay khai sinh".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let complete: Value = res.json().await.unwrap();
    assert_eq!(complete["state"], "complete");
    assert_eq!(
        complete["decision_due"], "2026-01-14",
        "7 working days after Monday 5 January 2026"
    );

    // The employer and the worker do not decide, nor read the queue.
    let (s, _) = send(
        &hr,
        &app,
        "POST",
        &format!("/api/v1/benefit-claims/{id}/decision"),
        Some(json!({"outcome": "grant"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = send(&worker, &app, "GET", "/api/v1/benefit-claims", None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let (s, queue) = send(
        &officer,
        &app,
        "GET",
        "/api/v1/benefit-claims?state=complete",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(queue.as_array().unwrap().len(), 1);
    let (s, decision) = send(
        &officer,
        &app,
        "POST",
        &format!("/api/v1/benefit-claims/{id}/decision"),
        Some(json!({"outcome": "grant"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{decision}");
    // The same as the calculator on the record: March to November 2025 at 9 M.
    let (s, calc) = app
        .post("/api/v1/calc", json!({"kind": "maternity", "jurisdiction": "VN", "average_salary": 9000000, "birth_date": "2025-12-20", "children": 1, "months_contributed_last_12": 9}))
        .await;
    assert_eq!(s, StatusCode::OK, "{calc}");
    let expected = calc["allowance"].as_i64().unwrap() + calc["lump_sum"].as_i64().unwrap();
    assert_eq!(decision["one_off"].as_i64(), Some(expected));

    let (s, paid) = send(&officer, &app, "POST", "/api/v1/payroll/2026-01", None).await;
    assert_eq!(s, StatusCode::OK, "{paid}");
    assert_eq!(
        (paid["recipients"].as_i64(), paid["total"].as_i64()),
        (Some(1), Some(expected))
    );
    assert_eq!(paid["funds"]["sickness_maternity"].as_i64(), Some(expected));
    let (s, again) = send(&officer, &app, "POST", "/api/v1/payroll/2026-01", None).await;
    assert_eq!(
        (s, again["written"].as_i64(), again["total"].as_i64()),
        (StatusCode::OK, Some(0), Some(expected))
    );
    let (s, _) = send(&hr, &app, "POST", "/api/v1/payroll/2026-01", None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let (s, mine) = send(
        &worker,
        &app,
        "GET",
        &format!("/api/v1/persons/{mai}/benefits"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    assert_eq!(mine["payments"][0]["amount"].as_i64(), Some(expected));
    assert_eq!(mine["decisions"][0]["outcome"], "granted");
    // An employer reads its list, not the person's benefits record.
    let (s, _) = send(
        &hr,
        &app,
        "GET",
        &format!("/api/v1/persons/{mai}/benefits"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The pages: the officer's queue and the claim with its explanation, the employer's list,
    // the worker's own benefits.
    let queue_page = page_text(&officer, format!("{}/ui/benefits", app.base)).await;
    assert!(queue_page.contains(&id), "{queue_page}");
    let claim_page = page_text(&officer, format!("{}/ui/benefits/claims/{id}", app.base)).await;
    assert!(claim_page.contains("id=\"explanation\""), "{claim_page}");
    let grouped = |n: i64| {
        let s = n.to_string();
        let mut out = String::new();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(ch);
        }
        out
    };
    assert!(claim_page.contains(&grouped(expected)), "{claim_page}");
    let list_page = page_text(
        &hr,
        format!("{}/ui/employers/TM0001A/benefit-claims", app.base),
    )
    .await;
    assert!(list_page.contains(&id), "{list_page}");
    let other_list = other_hr
        .get(format!("{}/ui/employers/TM0001A/benefit-claims", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(other_list.status(), StatusCode::FORBIDDEN);
    let own_page = page_text(&worker, format!("{}/ui/persons/{mai}/benefits", app.base)).await;
    assert!(own_page.contains(&grouped(expected)), "{own_page}");
    let stranger = other_hr
        .get(format!("{}/ui/benefits/claims/{id}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status(), StatusCode::NOT_FOUND);
}
