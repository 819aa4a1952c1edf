//! The HTTP API end to end, on SQLite (fresh file) and PostgreSQL (fresh schema): a real server
//! on 127.0.0.1 (port 0) and a real HTTP client.

mod common;

use ansinh_rules::Params;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both!(
    registry_over_http,
    bad_input_is_refused_and_nothing_is_written,
    declarations_over_http,
    calc_and_documents,
    assessment_over_http,
);

fn employer_json(code: &str) -> Value {
    json!({"unit_code": code, "tax_code": "0301234567", "name": "Công ty Cổ phần Dệt Thành Công", "province": "TP. Hồ Chí Minh", "region": 1})
}

async fn registry_over_http(app: App) {
    let (s, e) = app
        .post("/api/v1/employers", employer_json("TA0001A"))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    assert_eq!(e["occupational_rate"], "0.5%");
    let (s, body) = app
        .post("/api/v1/employers", employer_json("TA0001A"))
        .await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );
    let (s, p) = app.post("/api/v1/persons", json!({"personal_id": "079180000123", "name": "Nguyễn Thị Lan", "sex": "female", "birth_date": "1980-06-01"})).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let sin = p["sin"].as_str().unwrap().to_string();
    let (s, got) = app.get(&format!("/api/v1/persons/{sin}")).await;
    assert_eq!(
        (s, got["name"].as_str()),
        (StatusCode::OK, Some("Nguyễn Thị Lan"))
    );
    let (s, got) = app.get("/api/v1/persons/by-personal-id/079180000123").await;
    assert_eq!(
        (s, got["sin"].as_str()),
        (StatusCode::OK, Some(sin.as_str()))
    );
    let (s, _) = app.get("/api/v1/persons/0000000000").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, list) = app.get("/api/v1/persons?q=Nguy%E1%BB%85n&limit=10").await;
    assert_eq!(
        (s, list["items"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(1))
    );
    let (s, list) = app
        .get("/api/v1/employers?region=1&province=TP.%20H%E1%BB%93%20Ch%C3%AD%20Minh")
        .await;
    assert_eq!(
        (s, list["items"][0]["unit_code"].as_str()),
        (StatusCode::OK, Some("TA0001A"))
    );
    let (s, body) = app.get("/api/v1/employers/NOPE01").await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

async fn bad_input_is_refused_and_nothing_is_written(app: App) {
    let cases: Vec<(Vec<u8>, StatusCode, &str, Option<&str>)> = vec![
        (b"{\"unit_code\": ".to_vec(), StatusCode::BAD_REQUEST, "bad_json", None),
        (serde_json::to_vec(&json!({"unit_code": "TA0001A", "tax_code": "0301234567", "name": "x", "province": "HN", "region": "one"})).unwrap(), StatusCode::BAD_REQUEST, "validation_failed", Some("region")),
        (serde_json::to_vec(&json!({"unit_code": "TA0001A", "tax_code": "0301234567", "name": "x", "province": "HN"})).unwrap(), StatusCode::BAD_REQUEST, "validation_failed", Some("region")),
        (serde_json::to_vec(&json!({"unit_code": "TA0001A", "tax_code": "0301234567", "name": "x", "province": "HN", "region": 1, "ceo": "x"})).unwrap(), StatusCode::BAD_REQUEST, "validation_failed", Some("ceo")),
        (serde_json::to_vec(&json!({"unit_code": "T-1", "tax_code": "0301234567", "name": "x", "province": "HN", "region": 1})).unwrap(), StatusCode::BAD_REQUEST, "validation_failed", Some("unit_code")),
    ];
    for (body, status, code, field) in cases {
        let (s, e) = app
            .send("POST", "/api/v1/employers", "application/json", body, None)
            .await;
        assert_eq!(s, status, "{e}");
        assert_eq!(e["error"]["code"], code, "{e}");
        assert_eq!(e["error"]["field"].as_str(), field, "{e}");
    }
    let (s, e) = app
        .send(
            "POST",
            "/api/v1/employers",
            "text/plain",
            b"{}".to_vec(),
            None,
        )
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("unsupported_media_type")
        )
    );
    let huge = vec![b' '; ansinh_server::BODY_LIMIT + 1];
    let (s, e) = app
        .send("POST", "/api/v1/employers", "application/json", huge, None)
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large"))
    );
    let (s, list) = app.get("/api/v1/employers").await;
    assert_eq!(
        (s, list["items"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(0)),
        "nothing written"
    );
    let (s, e) = app
        .post(
            "/api/v1/persons",
            json!({"personal_id": "12345", "name": "A", "sex": "male", "birth_date": "1980-01-01"}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("personal_id"))
    );
    let (s, e) = app.get("/api/v1/persons?limit=ten").await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("limit"))
    );
    let (s, e) = app.get("/api/v1/persons?q=%27%20OR%201%3D1%20--").await;
    assert_eq!(
        (s, e["items"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(0))
    );
    let line = json!({"action": "leave", "personal_id": "079180000123", "date": "2026-01-01"});
    let (s, e) = app
        .post(
            "/api/v1/employers/NOPE01/declarations",
            json!({"lines": [line]}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

async fn declarations_over_http(app: App) {
    app.post("/api/v1/employers", employer_json("TA0001A"))
        .await;
    let csv = "\u{feff}action,personal_id,name,sex,birth_date,date,salary,contract_kind,contract_months\n\
               hire,079180000123,Nguyễn Thị Lan,female,1980-06-01,2026-01-05,10000000,indefinite,\n\
               hire,001085000001,Trần Văn Nam,male,1985-03-03,2026-02-01,4000000,definite,12\n";
    let (s, e) = app
        .send(
            "POST",
            "/api/v1/employers/TA0001A/declarations",
            "text/csv",
            csv.as_bytes().to_vec(),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["code"], "declaration_rejected");
    assert_eq!(e["report"]["lines"][1]["errors"][0]["field"], "salary");
    let (_, list) = app.get("/api/v1/persons").await;
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(0),
        "a rejected batch writes nothing"
    );
    let fixed = csv.replace("4000000", "6000000");
    let (s, applied) = app
        .send(
            "POST",
            "/api/v1/employers/TA0001A/declarations",
            "text/csv",
            fixed.as_bytes().to_vec(),
            Some("b-1"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{applied}");
    let (s, again) = app
        .send(
            "POST",
            "/api/v1/employers/TA0001A/declarations",
            "text/csv",
            fixed.as_bytes().to_vec(),
            Some("b-1"),
        )
        .await;
    assert_eq!(
        (s, again["replayed"].as_bool()),
        (StatusCode::OK, Some(true))
    );
    assert_eq!(again["batch_id"], applied["batch_id"]);
    let batch = applied["batch_id"].as_str().unwrap();
    let (s, stored) = app
        .get(&format!("/api/v1/employers/TA0001A/declarations/{batch}"))
        .await;
    assert_eq!(
        (s, stored["status"].as_str()),
        (StatusCode::OK, Some("applied"))
    );
    let semicolons = "action;personal_id;date\nleave;079180000123;2026-03-01\n";
    let (s, e) = app
        .send(
            "POST",
            "/api/v1/employers/TA0001A/declarations",
            "text/csv",
            semicolons.as_bytes().to_vec(),
            None,
        )
        .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("body"))
    );
    let latin1 =
        b"action,personal_id,date,reason\nleave,079180000123,2026-03-01,ngh\xe9\n".to_vec();
    let (s, e) = app
        .send(
            "POST",
            "/api/v1/employers/TA0001A/declarations",
            "text/csv",
            latin1,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let json_batch = json!({"lines": [{"action": "salary", "personal_id": "079180000123", "date": "2026-04", "salary": 12000000}]});
    let (s, e) = app
        .post("/api/v1/employers/TA0001A/declarations", json_batch)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let bad_type = json!({"lines": [{"action": "salary", "personal_id": "079180000123", "date": "2026-04", "salary": "lots"}]});
    let (s, e) = app
        .post("/api/v1/employers/TA0001A/declarations", bad_type)
        .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("lines[0].salary"))
    );
    let sin = applied["lines"][0]["sin"].as_str().unwrap();
    let (s, jobs) = app.get(&format!("/api/v1/persons/{sin}/employments")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(jobs[0]["salaries"].as_array().map(Vec::len), Some(2));
    let (s, workers) = app.get("/api/v1/employers/TA0001A/workers").await;
    assert_eq!(
        (s, workers["items"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(2))
    );
}

async fn calc_and_documents(app: App) {
    let request = json!({"kind": "contribution", "jurisdiction": "VN", "month": "2026-03", "participant": "employee", "salary": 60000000, "region": 1});
    let (s, body) = app.post("/api/v1/calc", request.clone()).await;
    assert_eq!(s, StatusCode::OK);
    let cli = ansinh_rules::calc::calc(&Params::embedded().unwrap(), &request)
        .unwrap()
        .body;
    assert_eq!(
        body, cli,
        "the API answers exactly what `ansinh calc` answers"
    );
    let (s, e) = app.post("/api/v1/calc", json!({"kind": "contribution", "jurisdiction": "VN", "month": "2026-03", "participant": "employee", "salary": 1, "region": 5})).await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("region"))
    );
    // The Lao package answers a Lao request, in kip (issue 17); an unknown jurisdiction names
    // the installed ones.
    let (s, lao) = app
        .post(
            "/api/v1/calc",
            json!({"kind": "contribution", "jurisdiction": "LA", "month": "2026-03", "participant": "employee", "salary": 10_000_000}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{lao}");
    assert_eq!(
        (lao["currency"].as_str(), lao["total"].as_i64()),
        (Some("LAK"), Some(517_500))
    );
    assert_eq!(body["currency"], "VND");
    let (s, e) = app
        .post(
            "/api/v1/calc",
            json!({"kind": "contribution", "jurisdiction": "TH"}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("jurisdiction"))
    );
    assert!(
        e["error"]["message"].as_str().unwrap().contains("\"LA\""),
        "{e}"
    );
    let (s, list) = app.get("/api/v1/jurisdictions").await;
    assert_eq!(
        (s, list["deployment"].as_str()),
        (StatusCode::OK, Some("VN"))
    );
    let lao = list["installed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["code"] == "LA")
        .unwrap();
    assert_eq!(lao["currency"]["code"], "LAK");
    assert_eq!(lao["languages"][0], "lo");
    assert_eq!(lao["provinces"].as_array().map(Vec::len), Some(18));
    let (s, doc) = app.get("/api/v1/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    for path in [
        "/api/v1/employers",
        "/api/v1/persons/{sin}",
        "/api/v1/employers/{code}/declarations",
        "/api/v1/calc",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
    let res = reqwest::get(format!("{}/api/v1/docs/", app.base))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("swagger"));
    let (s, h) = app.get("/api/v1/health").await;
    assert_eq!((s, h["status"].as_str()), (StatusCode::OK, Some("ok")));
    let (s, r) = app.get("/api/v1/ready").await;
    assert_eq!((s, r["status"].as_str()), (StatusCode::OK, Some("ready")));
}

async fn assessment_over_http(app: App) {
    app.post("/api/v1/employers", employer_json("TA0001A"))
        .await;
    let lines = json!({"lines": [{"action": "hire", "personal_id": "079180000123", "name": "Nguyễn Thị Lan", "sex": "female",
        "birth_date": "1980-06-01", "date": "2026-01-05", "salary": 10000000}]});
    let (_, report) = app
        .post("/api/v1/employers/TA0001A/declarations", lines)
        .await;
    let sin = report["lines"][0]["sin"].as_str().unwrap().to_string();
    let (s, run) = app.post("/api/v1/assessments/2026-03", json!({})).await;
    assert_eq!(
        (s, run["new_lines"].as_i64(), run["written_total"].as_i64()),
        (StatusCode::OK, Some(1), Some(3_200_000)),
        "{run}"
    );
    let (s, run) = app.post("/api/v1/assessments/2026-03", json!({})).await;
    assert_eq!(
        (s, run["new_lines"].as_i64(), run["unchanged"].as_i64()),
        (StatusCode::OK, Some(0), Some(1))
    );
    let (s, notice) = app.get("/api/v1/employers/TA0001A/notices/2026-03").await;
    assert_eq!(
        (
            s,
            notice["total_due"].as_i64(),
            notice["headcount"].as_i64()
        ),
        (StatusCode::OK, Some(3_200_000), Some(1))
    );
    let res = app
        .http
        .get(format!(
            "{}/api/v1/employers/TA0001A/notices/2026-03?format=html",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let doc = res.text().await.unwrap();
    // Grouped the Vietnamese way, and where to pay: the deployment's collection account.
    assert!(doc.contains("3.200.000"), "{doc}");
    assert!(doc.contains(COLLECTION_ACCOUNT), "{doc}");
    // A document to file and pay from: the employer named, each worker's line, how to pay.
    for needed in [
        "Công ty Cổ phần Dệt Thành Công",
        "Nguyễn Thị Lan",
        "@media print",
        "tài khoản chuyên thu",
    ] {
        assert!(doc.contains(needed), "{needed} missing from the notice");
    }
    let res = app
        .http
        .get(format!(
            "{}/api/v1/employers/TA0001A/notices/2026-03?format=csv",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("TA0001A,2026-03,\"Tổng phải đóng / Total due\",3200000")
    );
    let (s, history) = app
        .get(&format!("/api/v1/persons/{sin}/contributions"))
        .await;
    assert_eq!(
        (s, history["months_for_pension"].as_i64()),
        (StatusCode::OK, Some(1))
    );
    let (s, paid) = app
        .post(
            "/api/v1/employers/TA0001A/payments",
            json!({"reference": "VCB-1", "paid_on": "2026-05-30", "amount": 3200000}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{paid}");
    let (s, e) = app
        .post(
            "/api/v1/employers/TA0001A/payments",
            json!({"reference": "VCB-1", "paid_on": "2026-05-30", "amount": 1}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::CONFLICT, Some("reference"))
    );
    let (s, account) = app
        .get("/api/v1/employers/TA0001A/account?as_of=2026-06-30")
        .await;
    assert_eq!(
        (
            s,
            account["balance"].as_i64(),
            account["months"][0]["status"].as_str()
        ),
        (StatusCode::OK, Some(0), Some("late")),
        "{account}"
    );
    assert_eq!(
        account["months"][0]["charge"].as_i64(),
        Some(3_200_000 * 30 * 3 / 10_000)
    );
    let (s, e) = app
        .get("/api/v1/employers/TA0001A/account?as_of=soon")
        .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("as_of"))
    );
    let (s, e) = app.post("/api/v1/assessments/2026-13", json!({})).await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("month"))
    );
}
