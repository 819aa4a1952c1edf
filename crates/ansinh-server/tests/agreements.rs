//! Issue 22 over HTTP: the register of certificates of coverage under the Vietnam–Korea
//! agreement, the monthly run that honours them, the exchange of periods with the Korean
//! liaison body, and the register's page and printable certificate, on both backends.

mod common;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both!(a_certificate_is_recorded_honoured_exported_and_printed);

async fn hire_korean(app: &App) -> String {
    let (s, _) = app
        .post(
            "/api/v1/employers",
            json!({"unit_code": "TK0001A", "tax_code": "0301234567", "name": "Công ty TNHH Hàn Việt", "province": "Hà Nội", "region": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let lines = json!({"lines": [
        {"action": "hire", "personal_id": "M98765432", "name": "Park Ji-hoon", "sex": "male", "birth_date": "1988-04-02",
         "nationality": "KR", "date": "2026-01-05", "salary": 40000000, "contract_kind": "definite", "contract_months": 36},
        {"action": "hire", "personal_id": "079090000456", "name": "Nguyễn Văn An", "sex": "male", "birth_date": "1990-02-02",
         "date": "2026-01-05", "salary": 10000000, "contract_kind": "indefinite"}
    ]});
    let (s, report) = app
        .post("/api/v1/employers/TK0001A/declarations", lines)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{report}");
    report["lines"][0]["sin"].as_str().unwrap().to_string()
}

fn certificate(sin: &str, no: &str, from: &str, to: &str) -> Value {
    json!({"person_sin": sin, "certificate_no": no, "direction": "inbound", "kind": "detached",
           "valid_from": from, "valid_to": to, "sending_employer": "Hanjin Co., Seoul", "host_employer": "Công ty TNHH Hàn Việt"})
}

async fn a_certificate_is_recorded_honoured_exported_and_printed(app: App) {
    let park = hire_korean(&app).await;
    // Refusals name the field and store nothing.
    for (body, status, field) in [
        (
            certificate(&park, "NPS-1", "2026-01-01", "2031-01-31"),
            StatusCode::BAD_REQUEST,
            "valid_to",
        ),
        (
            certificate(&park, "NPS-1", "2026-03-01", "2026-02-01"),
            StatusCode::BAD_REQUEST,
            "valid_to",
        ),
        (
            certificate("1234567890", "NPS-1", "2026-01-01", "2026-12-31"),
            StatusCode::BAD_REQUEST,
            "person_sin",
        ),
        (
            {
                let mut c = certificate(&park, "NPS-1", "2026-01-01", "2026-12-31");
                c["country"] = json!("JP");
                c
            },
            StatusCode::BAD_REQUEST,
            "country",
        ),
        (
            {
                let mut c = certificate(&park, "NPS-1", "2026-01-01", "2026-12-31");
                c["direction"] = json!("outbound");
                c
            },
            StatusCode::BAD_REQUEST,
            "direction",
        ),
    ] {
        let (s, e) = app.post("/api/v1/agreements/certificates", body).await;
        assert_eq!(
            (s, e["error"]["field"].as_str()),
            (status, Some(field)),
            "{e}"
        );
    }
    let (s, recorded) = app
        .post(
            "/api/v1/agreements/certificates",
            certificate(&park, "NPS-2025-0042", "2025-09-01", "2026-02-28"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{recorded}");
    let (s, e) = app
        .post(
            "/api/v1/agreements/certificates",
            certificate(&park, "NPS-2026-0001", "2026-02-01", "2026-06-30"),
        )
        .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::CONFLICT, Some("valid_from")),
        "{e}"
    );

    // The monthly runs: January and February exempt from the pension fund, March charged.
    for m in ["2026-01", "2026-02", "2026-03"] {
        let (s, run) = app
            .post(&format!("/api/v1/assessments/{m}"), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{run}");
    }
    let (_, history) = app
        .get(&format!("/api/v1/persons/{park}/contributions"))
        .await;
    let months: Vec<(String, i64)> = history["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["month"].as_str().unwrap().to_string(),
                m["employee_total"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        months,
        vec![
            ("2026-01".into(), 600_000),
            ("2026-02".into(), 600_000),
            ("2026-03".into(), 3_800_000)
        ]
    );
    // The calculator says the same for a covered month.
    let (_, calc) = app
        .post("/api/v1/calc", json!({"kind": "contribution", "jurisdiction": "VN", "month": "2026-02", "participant": "foreign_employee",
            "salary": 40000000, "region": 1, "agreement": {"country": "KR", "certificate": {"from": "2025-09-01", "to": "2026-02-28"}}}))
        .await;
    assert_eq!(calc["employee"]["total"], 600_000, "{calc}");

    // The register, as JSON and CSV; a person's certificates.
    let (_, register) = app
        .get("/api/v1/agreements/certificates?direction=inbound&on=2026-02-15")
        .await;
    assert_eq!(register.as_array().unwrap().len(), 1, "{register}");
    assert_eq!(register[0]["issuer"], "National Pension Service (Korea)");
    let (s, _) = app
        .get("/api/v1/agreements/certificates?direction=sideways")
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let csv = app
        .http
        .get(format!(
            "{}/api/v1/agreements/certificates?format=csv",
            app.base
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("certificate_no,direction") && csv.contains("NPS-2025-0042"),
        "{csv}"
    );

    // Periods in Korea from the liaison body's file (CSV), all or none; then the exchange file.
    let file = format!(
        "person_sin,country,period_from,period_to,months,source\n{park},KR,2012-03-01,2020-02-29,96,NPS exchange 2026-04\n"
    );
    let (s, r) = app
        .send(
            "POST",
            "/api/v1/agreements/periods",
            "text/csv",
            file.clone().into_bytes(),
            None,
        )
        .await;
    assert_eq!(
        (s, r["recorded"].as_i64()),
        (StatusCode::CREATED, Some(1)),
        "{r}"
    );
    let (s, e) = app
        .send(
            "POST",
            "/api/v1/agreements/periods",
            "text/csv",
            file.into_bytes(),
            None,
        )
        .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::CONFLICT, Some("periods[0].period_from")),
        "{e}"
    );
    let (_, mine) = app
        .get(&format!("/api/v1/persons/{park}/certificates"))
        .await;
    assert_eq!(
        (
            mine["certificates"].as_array().unwrap().len(),
            mine["foreign_periods"][0]["months"].as_i64()
        ),
        (1, Some(96))
    );
    let export = app
        .http
        .get(format!("{}/api/v1/agreements/periods/export", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Only March carried a pension contribution in Vietnam.
    assert!(
        export.contains(&format!(
            "{park},M98765432,Park Ji-hoon,1988-04-02,KR,VN,2026-03-01,2026-03-31,1"
        )),
        "{export}"
    );

    // The pages: the register with its form, the printable certificate, the person's section.
    let browser = app.http.clone();
    let page = page_text(
        &browser,
        format!("{}/ui/agreements?direction=inbound", app.base),
    )
    .await;
    assert!(
        page.contains("NPS-2025-0042") && page.contains("certificate-form"),
        "{page}"
    );
    let doc = page_text(
        &browser,
        format!(
            "{}/ui/agreements/certificates/{park}/NPS-2025-0042",
            app.base
        ),
    )
    .await;
    assert!(
        doc.contains("Park Ji-hoon") && doc.contains("14/12/2021"),
        "{doc}"
    );
    let person = page_text(&browser, format!("{}/ui/persons/{park}", app.base)).await;
    assert!(
        person.contains("id=\"certificates\"") && person.contains("id=\"foreign-periods\""),
        "{person}"
    );
    let missing = browser
        .get(format!(
            "{}/ui/agreements/certificates/{park}/NOPE",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
