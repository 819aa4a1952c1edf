//! Issue 22 over HTTP: the armed forces' office records a conscript, runs the scheme's months,
//! insures his relative, issues his card, and on discharge hands his record to the general
//! scheme, where it is imported once; the pages show each step. Both backends.

mod common;
use common::*;
use reqwest::StatusCode;
use serde_json::json;

on_both!(a_conscript_is_recorded_paid_for_and_transferred);

async fn a_conscript_is_recorded_paid_for_and_transferred(app: App) {
    let (s, person) = app
        .post(
            "/api/v1/persons",
            json!({"personal_id": "001205000321", "name": "Trần Minh Quân", "sex": "male", "birth_date": "2005-04-10", "nationality": "VN"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{person}");
    let sin = person["sin"].as_str().unwrap().to_string();
    let enlist = |salary: Option<i64>| json!({"person_sin": sin, "participant": "conscript", "unit": "Trung đoàn 141", "enlisted": "2024-09-10", "salary": salary});
    let (s, e) = app
        .post("/api/v1/armed-forces/servicemen", enlist(Some(4_000_000)))
        .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("salary")),
        "{e}"
    );
    let (s, p) = app
        .post("/api/v1/armed-forces/servicemen", enlist(None))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let (s, _) = app
        .post("/api/v1/armed-forces/servicemen", enlist(None))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);

    for month in ["2025-06", "2025-07", "2026-09"] {
        let (s, run) = app
            .post(
                &format!("/api/v1/armed-forces/assessments/{month}"),
                json!({}),
            )
            .await;
        assert_eq!(
            (s, run["servicemen"].as_i64()),
            (StatusCode::OK, Some(1)),
            "{run}"
        );
    }
    let (s, _) = app
        .post("/api/v1/armed-forces/assessments/2026-13", json!({}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (_, record) = app
        .get(&format!("/api/v1/armed-forces/servicemen/{sin}"))
        .await;
    let paid: Vec<i64> = record["contributions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["state"].as_i64().unwrap())
        .collect();
    assert_eq!(paid, vec![514_800, 1_029_600, 1_391_500]);

    let (s, r) = app
        .post(
            &format!("/api/v1/armed-forces/servicemen/{sin}/relatives"),
            json!({"relation": "mother", "name": "Nguyễn Thị Hạnh", "birth_date": "1980-01-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (s, e) = app
        .post(
            &format!("/api/v1/armed-forces/servicemen/{sin}/relatives"),
            json!({"relation": "child", "name": "Trần An", "birth_date": "2024-01-01"}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("birth_date")),
        "{e}"
    );

    let (s, e) = app
        .get(&format!("/api/v1/armed-forces/servicemen/{sin}/transfer"))
        .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("person_sin")),
        "still in service: {e}"
    );
    let (s, _) = app
        .post(
            &format!("/api/v1/armed-forces/servicemen/{sin}/discharge"),
            json!({"discharged": "2026-09-18"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, card) = app
        .post(&format!("/api/v1/armed-forces/servicemen/{sin}/cards"), json!({"card_code": format!("QN197{sin}"), "initial_facility": "01001", "valid_from": "2024-09-10"}))
        .await;
    assert_eq!(
        (s, card["valid_to"].as_str()),
        (StatusCode::CREATED, Some("2026-09-30")),
        "{card}"
    );

    let (s, doc) = app
        .get(&format!("/api/v1/armed-forces/servicemen/{sin}/transfer"))
        .await;
    assert_eq!(s, StatusCode::OK, "{doc}");
    assert_eq!(doc["periods"][0]["months_counted"], 25);
    let (s, first) = app
        .post("/api/v1/armed-forces/transfers", doc.clone())
        .await;
    assert_eq!(
        (s, first["recorded"].as_i64()),
        (StatusCode::CREATED, Some(1)),
        "{first}"
    );
    let (s, again) = app.post("/api/v1/armed-forces/transfers", doc).await;
    assert_eq!(
        (s, again["recorded"].as_i64()),
        (StatusCode::OK, Some(0)),
        "{again}"
    );

    let register = page_text(&app.http, format!("{}/ui/armed-forces", app.base)).await;
    assert!(
        register.contains(&sin) && register.contains("enlist-form"),
        "{register}"
    );
    let page = page_text(&app.http, format!("{}/ui/armed-forces/{sin}", app.base)).await;
    assert!(
        page.contains("1.391.500")
            && page.contains("Nguyễn Thị Hạnh")
            && page.contains("id=\"transfer\""),
        "{page}"
    );
    let person_page = page_text(&app.http, format!("{}/ui/persons/{sin}", app.base)).await;
    assert!(
        person_page.contains("id=\"verified-periods\"")
            && person_page.contains("id=\"estimate-verified\">25<")
            && person_page.contains("service-record-link"),
        "{person_page}"
    );
}
