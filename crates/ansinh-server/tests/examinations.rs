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
    let (s, bad) = app
        .post(
            &format!("{path}/reminders"),
            json!({"sent_on": "2026-12-16", "channel": "fax"}),
        )
        .await;
    assert_eq!(
        (s, bad["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("channel")),
        "{bad}"
    );
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

on_both!(a_trade_union_reads_its_employer_and_gets_the_dossier_once_arrears_allow);

/// L41 Art. 14.1: the union of one employer reads each month's status and each worker's
/// unpaid months; the lawsuit dossier is offered only once a month is unpaid more than the
/// configured 60 days after its deadline.
async fn a_trade_union_reads_its_employer_and_gets_the_dossier_once_arrears_allow(app: App) {
    let (s, _) = app
        .post(
            "/api/v1/employers",
            json!({"unit_code": "CD0001A", "tax_code": "0301234588", "name": "Công ty May Hưng Yên", "province": "Hưng Yên", "region": 2}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, report) = app
        .post(
            "/api/v1/employers/CD0001A/declarations",
            json!({"lines": [
                {"action": "hire", "personal_id": "033190000111", "name": "Lê Thị Mai", "sex": "female", "birth_date": "1990-06-01",
                 "date": "2026-09-01", "salary": 6000000, "contract_kind": "indefinite"},
                {"action": "hire", "personal_id": "033091000222", "name": "Vũ Văn Nam", "sex": "male", "birth_date": "1991-07-01",
                 "date": "2026-09-01", "salary": 9000000, "contract_kind": "indefinite"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{report}");
    for m in ["2026-09", "2026-10"] {
        let (s, body) = app
            .post(&format!("/api/v1/assessments/{m}"), json!({}))
            .await;
        assert!(s.is_success(), "{body}");
    }
    let union = app
        .client_as("congdoan1", Role::TradeUnion, Some("CD0001A"), None)
        .await;
    let get = |path: String| {
        let union = union.clone();
        let base = app.base.clone();
        async move { union.get(format!("{base}{path}")).send().await.unwrap() }
    };

    // September's deadline is 31 October: on 20 December it is 50 days past, not yet 60.
    let r = get("/api/v1/employers/CD0001A/union-dossier?as_of=2026-12-20".into()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let early: serde_json::Value = r.json().await.unwrap();
    assert_eq!(early["lawsuit_possible"], false, "{early}");
    assert_eq!(early["months"].as_array().unwrap().len(), 2, "{early}");
    let r = get("/api/v1/employers/CD0001A/union-dossier?as_of=2026-12-20&format=csv".into()).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let refused: serde_json::Value = r.json().await.unwrap();
    assert_eq!(refused["error"]["field"], "format", "{refused}");

    // On 15 January 2027 September is 76 days past its deadline: the dossier is offered.
    let r = get("/api/v1/employers/CD0001A/union-dossier?as_of=2027-01-15".into()).await;
    let d: serde_json::Value = r.json().await.unwrap();
    assert_eq!(d["lawsuit_possible"], true, "{d}");
    let (_, account) = app
        .get("/api/v1/employers/CD0001A/account?as_of=2027-01-15")
        .await;
    let unpaid: i64 = account["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["unpaid"].as_i64().unwrap())
        .sum();
    assert_eq!(d["unpaid"].as_i64(), Some(unpaid), "{d} {account}");
    let workers = d["workers"].as_array().unwrap();
    assert_eq!(workers.len(), 2, "{d}");
    // Nothing paid: each worker's unpaid share is the whole of their dues, month by month,
    // and the workers' shares add up to the employer's unpaid months.
    let mut shares = 0;
    for w in workers {
        assert_eq!(w["months"].as_array().unwrap().len(), 2, "{w}");
        for m in w["months"].as_array().unwrap() {
            assert_eq!(m["due"], m["unpaid"], "{m}");
            shares += m["unpaid"].as_i64().unwrap();
        }
    }
    assert_eq!(shares, unpaid);
    let mai = workers.iter().find(|w| w["name"] == "Lê Thị Mai").unwrap();
    let nam = workers.iter().find(|w| w["name"] == "Vũ Văn Nam").unwrap();
    assert_eq!(
        nam["unpaid"].as_i64().unwrap() * 2,
        mai["unpaid"].as_i64().unwrap() * 3,
        "dues are proportional to the salary: {mai} {nam}"
    );
    let r = get("/api/v1/employers/CD0001A/union-dossier?as_of=2027-01-15&format=csv".into()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.unwrap();
    assert_eq!(
        csv.lines().count(),
        1 + 4,
        "a header and a row per worker and month: {csv}"
    );
    assert!(csv.contains("Vũ Văn Nam"));

    // The page, and the printable dossier.
    let page = page_text(
        &union,
        format!("{}/ui/employers/CD0001A/union?as_of=2027-01-15", app.base),
    )
    .await;
    assert!(page.contains("id=\"dossier-link\""), "{page}");
    let dossier = page_text(
        &union,
        format!(
            "{}/ui/employers/CD0001A/union?as_of=2027-01-15&view=dossier",
            app.base
        ),
    )
    .await;
    assert!(
        dossier.contains("41/2024/QH15") && dossier.contains("Lê Thị Mai"),
        "{dossier}"
    );
    // The union reads nothing else: not the employer's own record, not another employer.
    let r = get("/api/v1/employers/CD0001A".into()).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

on_both!(the_dashboard_charts_examinations_for_those_who_read_compliance);

async fn the_dashboard_charts_examinations_for_those_who_read_compliance(app: App) {
    let inspector = app.client_as("tt.dash", Role::Inspector, None, None).await;
    let benefits = app
        .client_as("cd.dash", Role::BenefitsOfficer, None, None)
        .await;
    let page = page_text(&inspector, format!("{}/ui/dashboard", app.base)).await;
    assert!(page.contains("id=\"examinations-chart\""), "{page}");
    let page = page_text(&benefits, format!("{}/ui/dashboard", app.base)).await;
    assert!(!page.contains("examinations-chart"));
    let svg = inspector
        .get(format!("{}/ui/dashboard/charts/examinations.svg", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(svg.status(), StatusCode::OK);
    let svg = benefits
        .get(format!("{}/ui/dashboard/charts/examinations.svg", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(svg.status(), StatusCode::NOT_FOUND);
}
