//! What an attacker and a careless client found (issue 15), each held by a test over real HTTP
//! on both backends where the store is involved: redirects, what an employer can learn of a
//! person, the calculator's ranges, races (idempotency keys, monthly runs, hires, sign-in
//! guesses), lenient input, the OpenAPI document and transport headers.

mod common;

use ansinh_core::Role;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both!(
    employers_learn_nothing_of_other_employers,
    races_end_in_a_clear_answer,
    lenient_input_is_refused_naming_the_field,
);

async fn declare(
    client: &reqwest::Client,
    app: &App,
    code: &str,
    csv: &str,
) -> (StatusCode, Value) {
    let res = client
        .post(format!("{}/api/v1/employers/{code}/declarations", app.base))
        .header("content-type", "text/csv")
        .body(format!(
            "action,personal_id,name,sex,birth_date,date,salary,contract_kind\n{csv}\n"
        ))
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn employers_learn_nothing_of_other_employers(app: App) {
    let w = app.world().await;
    let own = app
        .client_as("hr.own", Role::Employer, Some(&w.own_employer), None)
        .await;
    let other_sin = &w.other_person;
    // The other employer's worker, still employed there: the answer names neither the other
    // employer, nor the employment, nor its date, nor the SIN.
    let (s, report) = declare(
        &own,
        &app,
        &w.own_employer,
        "hire,001085000888,Phạm Văn Bình,male,1985-03-03,2026-02-01,10000000,indefinite",
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    let text = report.to_string();
    for secret in [w.other_employer.as_str(), other_sin.as_str(), "2026-01-05"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    assert!(text.contains("another employer"), "{text}");
    // A hire that does not name the person as registered is refused the same way whatever
    // differs, and an ID without a name gets the same answer registered or not.
    let (s, wrong) = declare(
        &own,
        &app,
        &w.own_employer,
        "hire,001085000888,Someone Else,male,1985-03-03,2026-02-01,10000000,indefinite",
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        wrong["report"]["lines"][0]["errors"][0]["field"],
        "personal_id"
    );
    assert!(!wrong.to_string().contains(other_sin.as_str()));
    let nameless = |pid: &str| format!("hire,{pid},,,,2026-02-01,10000000,indefinite");
    let (_, registered) = declare(&own, &app, &w.own_employer, &nameless("001085000888")).await;
    let (_, unknown) = declare(&own, &app, &w.own_employer, &nameless("001085009999")).await;
    assert_eq!(
        registered["report"]["lines"][0]["errors"], unknown["report"]["lines"][0]["errors"],
        "registered or not must not be told apart"
    );
    // Rejected batches are audited.
    let (_, trail) = app
        .get(&format!(
            "/api/v1/audit?entity_kind=employer&entity_id={}",
            w.own_employer
        ))
        .await;
    let rejects = trail["items"]
        .as_array()
        .or(trail.as_array())
        .map(|rows| {
            rows.iter()
                .filter(|r| r["action"] == "declaration.reject")
                .count()
        })
        .unwrap_or(0);
    assert!(rejects >= 4, "{trail}");
    // The other employer lets the worker go; ours hires them: ours sees its own period only.
    let other = app
        .client_as("hr.other", Role::Employer, Some(&w.other_employer), None)
        .await;
    let res = other
        .post(format!(
            "{}/api/v1/employers/{}/declarations",
            app.base, w.other_employer
        ))
        .header("content-type", "text/csv")
        .body("action,personal_id,date\nleave,001085000888,2026-03-31\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let (s, hired) = declare(
        &own,
        &app,
        &w.own_employer,
        "hire,001085000888,Phạm Văn Bình,male,1985-03-03,2026-04-01,12000000,indefinite",
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{hired}");
    let get = |path: String| {
        let own = own.clone();
        async move {
            let res = own.get(path).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<Value>().await.unwrap()
        }
    };
    let employments = get(format!(
        "{}/api/v1/persons/{other_sin}/employments",
        app.base
    ))
    .await;
    let codes: Vec<&str> = employments
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["employer_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, [w.own_employer.as_str()]);
    let history = get(format!(
        "{}/api/v1/persons/{other_sin}/contributions",
        app.base
    ))
    .await;
    assert!(
        history["months"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["employer_code"] == w.own_employer.as_str()),
        "{history}"
    );
    let page = own
        .get(format!("{}/ui/persons/{other_sin}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains(w.other_employer.as_str()),
        "the page names the other employer"
    );
    // Staff still see the whole record.
    let (_, all) = app
        .get(&format!("/api/v1/persons/{other_sin}/employments"))
        .await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    // A stream of rejected batches tells only so many hire verdicts: a batch of hires of
    // registered IDs under made-up names, kept from being applied by one bad line, first
    // answers "does not match" for each, then "not checked" for all of them alike.
    let budget = ansinh_store::declaration::MAX_CHECKED_HIRES as usize;
    let probe = |n: usize| {
        let mut csv = String::new();
        for i in 0..n {
            csv.push_str(&format!(
                "hire,0790850{:05},Ai Đó,female,1985-03-03,2026-02-01,10000000,indefinite\n",
                i
            ));
        }
        csv.push_str("hire,079185099999,Lỗi Cố Ý,female,1985-03-03,2026-02-01,1000,indefinite");
        csv
    };
    let (s, first) = declare(&own, &app, &w.own_employer, &probe(budget - 10)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, second) = declare(&own, &app, &w.own_employer, &probe(30)).await;
    let lines = second["report"]["lines"].as_array().unwrap();
    let not_checked = |l: &Value| {
        l["errors"][0]["reason"]
            .as_str()
            .unwrap_or("")
            .starts_with("not checked")
    };
    let checked = lines.iter().filter(|l| !not_checked(l)).count();
    let used_before = first["report"]["lines"].as_array().unwrap().len() + 4; // the four rejected hires above
    assert!(
        checked <= budget.saturating_sub(used_before.min(budget)) + 1,
        "{checked} verdicts told beyond the budget"
    );
    assert!(lines.iter().any(not_checked), "{second}");
    let reasons: std::collections::BTreeSet<&str> = lines
        .iter()
        .filter(|l| not_checked(l))
        .map(|l| l["errors"][0]["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons.len(), 1, "one answer for every line not checked");
}

async fn races_end_in_a_clear_answer(app: App) {
    let w = app.world().await;
    // One Idempotency-Key, different bodies, at once: one is applied, the others are told the
    // key was used for other content — none is answered with the winner's result.
    let sends = (0..6).map(|i| {
        let http = app.http.clone();
        let url = format!(
            "{}/api/v1/employers/{}/declarations",
            app.base, w.own_employer
        );
        async move {
            let res = http
                .post(url)
                .header("content-type", "text/csv")
                .header("idempotency-key", "one-key")
                .body(format!(
                    "action,personal_id,date,salary\nsalary,{},2026-0{},{}\n",
                    "079175000777",
                    i + 2,
                    11_000_000 + i
                ))
                .send()
                .await
                .unwrap();
            let status = res.status();
            let body: Value = res.json().await.unwrap();
            (status, body)
        }
    });
    let answers = futures_util::future::join_all(sends).await;
    let applied = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    assert_eq!(applied, 1, "{answers:?}");
    for (s, body) in &answers {
        assert!(
            *s == StatusCode::CREATED || *s == StatusCode::CONFLICT,
            "{s} {body}"
        );
        assert_ne!(body["replayed"], true, "{body}");
    }
    // Two monthly runs at once: one runs, the other is told a run is in progress.
    let runs = (0..3).map(|_| app.post("/api/v1/assessments/2026-04", json!({})));
    let outcomes = futures_util::future::join_all(runs).await;
    for (s, body) in &outcomes {
        assert!(
            *s == StatusCode::OK || *s == StatusCode::CONFLICT,
            "{s} {body}"
        );
        if *s == StatusCode::CONFLICT {
            assert!(body.to_string().contains("in progress"), "{body}");
        }
    }
    assert!(outcomes.iter().any(|(s, _)| *s == StatusCode::OK));
    // Two employers hiring one new person at once: one hire, one clear refusal.
    let hires = [w.own_employer.clone(), w.other_employer.clone()].map(|code| {
        let http = app.http.clone();
        let base = app.base.clone();
        async move {
            let res = http
                .post(format!("{base}/api/v1/employers/{code}/declarations"))
                .header("content-type", "text/csv")
                .body("action,personal_id,name,sex,birth_date,date,salary\nhire,079190000555,Đỗ Thị Mai,female,1990-05-05,2026-05-04,9000000\n")
                .send()
                .await
                .unwrap();
            let status = res.status();
            (status, res.text().await.unwrap())
        }
    });
    let hired = futures_util::future::join_all(hires).await;
    let ok = hired
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    assert_eq!(ok, 1, "{hired:?}");
    for (s, body) in &hired {
        assert!(
            matches!(
                *s,
                StatusCode::CREATED | StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY
            ),
            "{s} {body}"
        );
    }
}

async fn lenient_input_is_refused_naming_the_field(app: App) {
    let w = app.world().await;
    let url = format!(
        "{}/api/v1/employers/{}/declarations",
        app.base, w.own_employer
    );
    // JSON with text after the document.
    let res = app
        .http
        .post(&url)
        .header("content-type", "application/json")
        .body(r#"{"lines": [{"action": "salary", "personal_id": "079175000777", "date": "2026-05", "salary": 12000000}]} garbage"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let field_of = |body: &Value| body["report"]["lines"][0]["errors"][0]["field"].clone();
    for (csv, field) in [
        ("salary,079175000777,,,,2026-02-30,12000000,", "date"),
        (
            "salary,079175000777,,,,2026-05,9223372036854775807,",
            "salary",
        ),
        (
            "hire,001000000123,Cụ Già,male,1900-01-01,2026-02-01,10000000,indefinite",
            "birth_date",
        ),
    ] {
        let (s, body) = declare(&app.http, &app, &w.own_employer, csv).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{csv}: {body}");
        assert_eq!(field_of(&body), field, "{csv}: {body}");
    }
    // The calculator: out-of-range dates and counts are 422 naming the field.
    for (request, field) in [
        (
            json!({"kind": "pension", "jurisdiction": "VN", "sex": "male", "birth_date": "9999-12-31", "contribution_months": 240, "average_salary": 10000000}),
            "birth_date",
        ),
        (
            json!({"kind": "pension", "jurisdiction": "VN", "sex": "male", "birth_date": "1970-01-01", "contribution_months": 240, "average_salary": 10000000, "early_months": 1_000_000_000_000_000i64}),
            "early_months",
        ),
        (
            json!({"kind": "maternity", "jurisdiction": "VN", "average_salary": 10000000, "birth_date": "2026-03-01", "children": i64::MAX}),
            "children",
        ),
    ] {
        let (s, e) = app.post("/api/v1/calc", request).await;
        assert_eq!(
            (s, e["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field))
        );
    }
    // A claims file of another namespace is not a claims file.
    let file = ansinh_claims::xml::write_file("79001", "20260331", &[]).replacen(
        "<GIAMDINHHS>",
        "<GIAMDINHHS xmlns=\"urn:wrong\">",
        1,
    );
    let (s, e) = app
        .send(
            "POST",
            "/api/v1/claims/files",
            "application/xml",
            file.into_bytes(),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_stay_on_this_site() {
    let app = sqlite_app().await;
    app.client_as("minh.i", Role::Inspector, None, None).await;
    let http = plain_browser();
    let location = |res: &reqwest::Response| {
        res.headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string())
    };
    for next in [
        "/\t/evil.example",
        "/\r\n/evil.example",
        "//evil.example",
        "/\\evil.example",
    ] {
        let res = http
            .post(format!("{}/login", app.base))
            .form(&[
                ("username", "minh.i"),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(location(&res).as_deref(), Some("/"), "{next:?}");
        let res = http
            .post(format!("{}/locale", app.base))
            .form(&[("lang", "en"), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(location(&res).as_deref(), Some("/"), "{next:?}");
    }
    // Signed in, GET /login?next=… goes on, to this site only.
    let cookie = session_cookie(&app.base, "minh.i").await;
    let res = http
        .get(format!("{}/login?next=/%09/evil.example", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res).as_deref(), Some("/"));
    // A form of another site may not sign anyone in or change the language.
    let res = http
        .post(format!("{}/login", app.base))
        .header("origin", "https://evil.example")
        .form(&[("username", "minh.i"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_guesses_check_no_more_than_the_limit() {
    let app = sqlite_app().await;
    app.client_as("lan.b", Role::BenefitsOfficer, None, None)
        .await;
    let http = plain_browser();
    let guesses = (0..40).map(|i| {
        let http = http.clone();
        let url = format!("{}/login", app.base);
        async move {
            http.post(url)
                .form(&[
                    ("username", "lan.b".to_string()),
                    ("password", format!("guess {i}")),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count() as i64;
    assert!(
        checked <= ansinh_store::access::MAX_FAILURES,
        "{checked} passwords checked: {statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::TOO_MANY_REQUESTS)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn methods_lists_and_transport_are_answered_as_documented() {
    let app = sqlite_app().await;
    let res = app
        .http
        .request(
            reqwest::Method::from_bytes(b"TRACE").unwrap(),
            format!("{}/api/v1/persons", app.base),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(res.headers()["allow"].to_str().unwrap().contains("GET"));
    let (s, e) = app.get("/api/v1/persons?limit=501").await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("limit"))
    );
    let (s, _) = app.get("/api/v1/persons?limit=500").await;
    assert_eq!(s, StatusCode::OK);
    // HSTS only where the proxy in front says the request came over HTTPS.
    let plain = app
        .http
        .get(format!("{}/api/v1/health", app.base))
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get("strict-transport-security").is_none());
    let tls = app
        .http
        .get(format!("{}/api/v1/health", app.base))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert!(
        tls.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );
    // Every parameter declared in the path is in the path's template.
    let (_, doc) = app.get("/api/v1/openapi.json").await;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["in"] == "path" {
                    let name = p["name"].as_str().unwrap();
                    assert!(
                        path.contains(&format!("{{{name}}}")),
                        "{method} {path}: `{name}` is declared in the path"
                    );
                }
            }
        }
    }
}
