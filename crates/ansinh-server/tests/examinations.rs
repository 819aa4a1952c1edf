//! Issue 20 over HTTP: the risk list, a case from its decision to its conclusion with the
//! back-collection equal to `POST /api/v1/calc`, refusals naming the field, the statistics as
//! JSON and CSV, who may write, and the inspector's pages and documents, on both backends.

mod common;
use ansinh_core::Role;
use common::*;
use reqwest::StatusCode;
use serde_json::json;

on_both!(an_inspector_takes_a_unit_from_the_risk_list_to_a_conclusion);

async fn an_inspector_takes_a_unit_from_the_risk_list_to_a_conclusion(app: App) {
    let (s, _) = app
        .post(
            "/api/v1/employers",
            json!({"unit_code": "TX0001A", "tax_code": "0301234599", "name": "Công ty TNHH Dệt Nam Định", "province": "Nam Định", "region": 2}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, report) = app
        .post(
            "/api/v1/employers/TX0001A/declarations",
            json!({"lines": [
                {"action": "hire", "personal_id": "036190000111", "name": "Phạm Thị Hoa", "sex": "female", "birth_date": "1990-06-01",
                 "date": "2026-09-01", "salary": 5000000, "contract_kind": "indefinite"},
                {"action": "hire", "personal_id": "036091000222", "name": "Đỗ Văn Hùng", "sex": "male", "birth_date": "1991-07-01",
                 "date": "2026-09-01", "salary": 5000000, "contract_kind": "indefinite"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{report}");
    let hoa = report["lines"][0]["sin"].as_str().unwrap().to_string();
    for m in ["2026-09", "2026-10", "2026-11"] {
        let (s, body) = app
            .post(&format!("/api/v1/assessments/{m}"), json!({}))
            .await;
        assert!(s.is_success(), "{body}");
    }

    // Nothing paid: three months past their deadlines on 15 January 2027.
    let (s, risk) = app.get("/api/v1/compliance/risk?as_of=2027-01-15").await;
    assert_eq!(s, StatusCode::OK, "{risk}");
    let entry = risk
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["employer_code"] == "TX0001A")
        .unwrap();
    assert!(
        entry["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["criterion"] == "arrears" && h["figure"] == 3),
        "{entry}"
    );
    let (s, bad) = app.get("/api/v1/compliance/risk?as_of=15-01-2027").await;
    assert_eq!(
        (s, bad["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("as_of")),
        "{bad}"
    );

    // Who may write: an inspector opens cases, a collection officer does not.
    let inspector = app
        .client_as("thanhtra1", Role::Inspector, None, None)
        .await;
    let officer = app
        .client_as("thu1", Role::CollectionOfficer, None, None)
        .await;
    let new_case = json!({"employer_code": "TX0001A", "plan_year": 2026, "examiners": ["thanhtra1"], "origin": "risk", "score": entry["score"]});
    let refused = officer
        .post(format!("{}/api/v1/compliance/cases", app.base))
        .json(&new_case)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let opened = inspector
        .post(format!("{}/api/v1/compliance/cases", app.base))
        .json(&new_case)
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), StatusCode::CREATED);
    let case: serde_json::Value = opened.json().await.unwrap();
    let id = case["case_id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/compliance/cases/{id}");

    let (s, out_of_order) = app
        .post(
            &format!("{path}/transitions"),
            json!({"to": "fieldwork", "on": "2026-12-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{out_of_order}");
    let message = out_of_order["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("planned") && message.contains("decided"),
        "{message}"
    );
    let (s, missing) = app
        .post(&format!("{path}/transitions"), json!({"to": "decided", "on": "2026-12-01", "period_from": "2026-09", "period_to": "2026-11"}))
        .await;
    assert_eq!(
        (s, missing["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("decision_no"))
    );
    for (to, on) in [
        ("decided", "2026-12-01"),
        ("announced", "2026-12-02"),
        ("fieldwork", "2026-12-03"),
    ] {
        let (s, body) = app
            .post(&format!("{path}/transitions"), json!({"to": to, "on": on, "decision_no": "88/QĐ-BHXH", "period_from": "2026-09", "period_to": "2026-11"}))
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
    }
    for (finding, field) in [
        (
            json!({"kind": "under_declared", "person_sin": hoa, "from": "2026-08", "to": "2026-11", "declared_salary": 5000000, "actual_salary": 9000000}),
            "from",
        ),
        (
            json!({"kind": "under_declared", "person_sin": "9999999999", "from": "2026-09", "to": "2026-11", "declared_salary": 5000000, "actual_salary": 9000000}),
            "person_sin",
        ),
        (
            json!({"kind": "under_declared", "person_sin": hoa, "from": "2026-09", "to": "2026-11", "declared_salary": 5000000, "actual_salary": -1}),
            "actual_salary",
        ),
        (
            json!({"kind": "bribe", "person_sin": hoa, "from": "2026-09", "to": "2026-11"}),
            "kind",
        ),
    ] {
        let (s, body) = app.post(&format!("{path}/findings"), finding).await;
        assert_eq!(
            (s, body["error"]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some(field)),
            "{body}"
        );
    }
    let (s, body) = app
        .post(&format!("{path}/findings"), json!({"kind": "under_declared", "person_sin": hoa, "from": "2026-09", "to": "2026-11", "declared_salary": 5000000, "actual_salary": 9000000}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let (_, file) = app.get(&path).await;
    assert_eq!(
        file["findings"].as_array().unwrap().len(),
        1,
        "nothing of the refused findings was stored"
    );
    app.post(
        &format!("{path}/transitions"),
        json!({"to": "reported", "on": "2026-12-10"}),
    )
    .await;
    let (s, concluded) = app
        .post(&format!("{path}/transitions"), json!({"to": "concluded", "on": "2026-12-15", "conclusion": "Đóng thấp hơn tiền lương thực trả."}))
        .await;
    assert_eq!(s, StatusCode::OK, "{concluded}");
    let (_, calc) = app
        .post("/api/v1/calc", json!({"kind": "back_collection", "jurisdiction": "VN", "as_of": "2026-12-15", "region": 2, "occupational_rate": "0.5%",
            "findings": [{"worker": hoa, "from": "2026-09", "to": "2026-11", "declared_salary": 5000000, "actual_salary": 9000000}]}))
        .await;
    // 32 % of the 4,000,000 difference, three months.
    assert_eq!(calc["total"]["contributions"], json!(3 * 1_280_000));
    assert_eq!(concluded["back_collection"], calc["total"]["contributions"]);
    assert_eq!(concluded["interest"], calc["total"]["interest"]);
    assert!(concluded["batch_id"].is_string());

    let (s, stats) = app
        .get("/api/v1/compliance/statistics?from=2026-01-01&to=2026-12-31")
        .await;
    assert_eq!(s, StatusCode::OK);
    for key in [
        "examinations",
        "units",
        "workers",
        "recommended",
        "recovered",
        "fines",
    ] {
        assert!(stats[key].is_i64(), "{key} in {stats}");
    }
    assert_eq!(
        (
            stats["examinations"].as_i64(),
            stats["units"].as_i64(),
            stats["workers"].as_i64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(stats["recommended"], json!(concluded["recommended"]));
    let (s, csv) = app
        .get("/api/v1/compliance/statistics?from=2026-01-01&to=2026-12-31&format=csv")
        .await;
    assert_eq!(s, StatusCode::OK);
    let csv = csv
        .as_str()
        .unwrap()
        .trim_start_matches('\u{feff}')
        .to_string();
    assert!(
        csv.starts_with("province,kind,examinations") && csv.contains("Nam Định,examination,1,1,1"),
        "{csv}"
    );
    let (s, bad) = app
        .get("/api/v1/compliance/statistics?from=2026-12-31&to=2026-01-01")
        .await;
    assert_eq!(
        (s, bad["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("to"))
    );

    // The pages and the documents.
    let browser = app.http.clone();
    let risk_page = page_text(
        &browser,
        format!("{}/ui/compliance/risk?as_of=2027-01-15", app.base),
    )
    .await;
    assert!(
        risk_page.contains("TX0001A") && risk_page.contains(&id),
        "{risk_page}"
    );
    let cases_page = page_text(
        &browser,
        format!(
            "{}/ui/compliance/cases?from=2026-01-01&to=2026-12-31",
            app.base
        ),
    )
    .await;
    assert!(
        cases_page.contains(&id) && cases_page.contains("id=\"stat-examinations\">1<"),
        "{cases_page}"
    );
    let case_page = page_text(&browser, format!("{}/ui/compliance/cases/{id}", app.base)).await;
    assert!(
        case_page.contains("data-state=\"concluded\"") && case_page.contains("3.840.000"),
        "{case_page}"
    );
    for doc in ["decision", "minutes", "conclusion"] {
        let text = page_text(
            &browser,
            format!("{}/ui/compliance/cases/{id}/documents/{doc}", app.base),
        )
        .await;
        assert!(
            text.contains("88/QĐ-BHXH") && text.contains("Công ty TNHH Dệt Nam Định"),
            "{doc}: {text}"
        );
    }
    let nope = browser
        .get(format!(
            "{}/ui/compliance/cases/{id}/documents/letter",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(nope.status(), StatusCode::NOT_FOUND);
}
