//! Who may do what, over real HTTP: the authorization matrix of every route × role (with
//! ownership), and the security properties of sign-in, sessions and forms.

mod common;

use ansinh_core::Role;
use ansinh_server::access::{Access, Owner, RULES};
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The expected matrix, written out by hand (not derived from the code under test): for each
/// route, the roles allowed. A administrator, C collection officer, B benefits officer,
/// H health assessor, I inspector, E employer (its own employer / its own workers), P insured
/// person (themself), U trade union (its own employer). `public` needs no sign-in.
const EXPECTED: &[(&str, &str)] = &[
    ("GET /api/v1/health", "public"),
    ("GET /api/v1/ready", "public"),
    ("GET /api/v1/me", "ACBHIEPU"),
    ("POST /api/v1/users", "A"),
    ("GET /api/v1/users", "A"),
    ("POST /api/v1/users/{username}/tokens", "A"),
    ("GET /api/v1/audit", "AI"),
    ("POST /api/v1/employers", "AC"),
    ("GET /api/v1/employers", "ACBHI"),
    ("GET /api/v1/employers/{code}", "ACBIE"),
    ("GET /api/v1/employers/{code}/workers", "ACBIE"),
    ("POST /api/v1/persons", "AC"),
    ("GET /api/v1/persons", "ACBHI"),
    ("GET /api/v1/persons/{sin}", "ACBHIEP"),
    ("GET /api/v1/persons/by-personal-id/{personal_id}", "ACBHI"),
    ("GET /api/v1/persons/{sin}/employments", "ACBHIEP"),
    ("POST /api/v1/employers/{code}/declarations", "ACE"),
    (
        "GET /api/v1/employers/{code}/declarations/{batch_id}",
        "ACBIE",
    ),
    ("POST /api/v1/calc", "ACBEP"),
    ("GET /api/v1/jurisdictions", "ACBHIEPU"),
    ("POST /api/v1/assessments/{month}", "AC"),
    ("GET /api/v1/employers/{code}/notices/{month}", "ACBIE"),
    ("GET /api/v1/persons/{sin}/contributions", "ACBHIEP"),
    ("POST /api/v1/employers/{code}/payments", "AC"),
    ("GET /api/v1/employers/{code}/account", "ACBIE"),
    ("POST /api/v1/employers/{code}/urgings", "AC"),
    ("GET /api/v1/compliance/list", "ACI"),
    ("POST /api/v1/claims/files", "AH"),
    ("GET /api/v1/claims/review-queue", "AHI"),
    ("GET /api/v1/claims/settlement", "AHI"),
    ("GET /api/v1/claims/{facility}/{key}", "AHI"),
    ("POST /api/v1/claims/{facility}/{key}/reviews", "AH"),
    ("POST /api/v1/cards", "AC"),
    ("POST /api/v1/cards/{code}/renewals", "AC"),
    ("GET /api/v1/persons/{sin}/cards", "ACBHIEP"),
    ("POST /api/v1/agreements/certificates", "AC"),
    ("GET /api/v1/agreements/certificates", "ACBHI"),
    ("GET /api/v1/persons/{sin}/certificates", "ACBHIEP"),
    ("POST /api/v1/agreements/periods", "AC"),
    ("GET /api/v1/agreements/periods/export", "ACBHI"),
    ("POST /api/v1/armed-forces/servicemen", "AC"),
    ("GET /api/v1/armed-forces/servicemen", "ACBHI"),
    ("GET /api/v1/armed-forces/servicemen/{sin}", "ACBHIP"),
    ("POST /api/v1/armed-forces/servicemen/{sin}/discharge", "AC"),
    ("POST /api/v1/armed-forces/servicemen/{sin}/relatives", "AC"),
    ("POST /api/v1/armed-forces/servicemen/{sin}/cards", "AC"),
    ("POST /api/v1/armed-forces/assessments/{month}", "AC"),
    (
        "GET /api/v1/armed-forces/servicemen/{sin}/transfer",
        "ACBHIP",
    ),
    ("POST /api/v1/armed-forces/transfers", "AC"),
    ("GET /api/v1/compliance/risk", "ACI"),
    ("POST /api/v1/compliance/headcounts", "AI"),
    ("POST /api/v1/compliance/cases", "AI"),
    ("GET /api/v1/compliance/cases", "ACI"),
    ("GET /api/v1/compliance/cases/{case_id}", "ACI"),
    ("POST /api/v1/compliance/cases/{case_id}/transitions", "AI"),
    ("POST /api/v1/compliance/cases/{case_id}/findings", "AI"),
    ("POST /api/v1/compliance/cases/{case_id}/sanctions", "AI"),
    ("POST /api/v1/compliance/cases/{case_id}/payments", "AI"),
    ("POST /api/v1/compliance/cases/{case_id}/reminders", "AI"),
    ("GET /api/v1/compliance/overdue", "ACI"),
    ("GET /api/v1/compliance/statistics", "ACI"),
    ("GET /api/v1/employers/{code}/union-dossier", "ACIU"),
    ("POST /api/v1/benefit-claims", "ABEP"),
    ("GET /api/v1/benefit-claims", "ACBI"),
    ("GET /api/v1/benefit-claims/{claim_id}", "ACBI"),
    ("POST /api/v1/benefit-claims/{claim_id}/documents", "ABEP"),
    ("POST /api/v1/benefit-claims/{claim_id}/decision", "AB"),
    ("POST /api/v1/benefit-claims/{claim_id}/approval", "AB"),
    ("POST /api/v1/payroll/{month}", "AB"),
    ("GET /api/v1/payroll/{month}/files/{channel}", "AB"),
    ("POST /api/v1/entitlements/{entitlement_id}/changes", "AB"),
    ("GET /api/v1/persons/{sin}/benefits", "ACBHIP"),
    ("POST /api/v1/persons/{sin}/verified-periods", "AB"),
    ("GET /login", "public"),
    ("POST /login", "public"),
    ("POST /locale", "public"),
    ("GET /static/{file}", "public"),
    ("POST /logout", "ACBHIEPU"),
    ("GET /", "ACBHIEPU"),
    ("GET /ui/dashboard", "ACBHI"),
    ("GET /ui/dashboard/charts/{chart}", "ACBHI"),
    ("GET /ui/search", "ACBHI"),
    ("GET /ui/persons/{sin}", "ACBHIEP"),
    ("GET /ui/persons/{sin}/calculator", "ACBP"),
    ("GET /ui/employers/{code}", "ACBIE"),
    ("GET /ui/employers/{code}/declarations", "ACE"),
    ("POST /ui/employers/{code}/declarations", "ACE"),
    ("POST /ui/employers/{code}/payments", "AC"),
    ("POST /ui/assessments", "AC"),
    ("GET /ui/audit", "AI"),
    ("GET /ui/compliance", "ACI"),
    ("GET /ui/benefits", "ACBI"),
    ("POST /ui/benefits/claims", "ABEP"),
    // A claim's page answers 404 to whoever may not read that claim.
    ("GET /ui/benefits/claims/{claim_id}", "ACBHIEPU"),
    ("POST /ui/benefits/claims/{claim_id}/documents", "ABEP"),
    ("POST /ui/benefits/claims/{claim_id}/decision", "AB"),
    ("POST /ui/benefits/claims/{claim_id}/approval", "AB"),
    ("POST /ui/benefits/payroll", "AB"),
    (
        "POST /ui/benefits/entitlements/{entitlement_id}/changes",
        "AB",
    ),
    ("GET /ui/persons/{sin}/benefits", "ACBHIP"),
    ("GET /ui/employers/{code}/benefit-claims", "ABE"),
    ("GET /ui/agreements", "ACBHI"),
    ("GET /ui/armed-forces", "ACBHI"),
    ("POST /ui/armed-forces/servicemen", "AC"),
    ("POST /ui/armed-forces/assessments", "AC"),
    ("POST /ui/armed-forces/transfers", "AC"),
    ("GET /ui/armed-forces/{sin}", "ACBHIP"),
    ("POST /ui/armed-forces/{sin}/discharge", "AC"),
    ("POST /ui/armed-forces/{sin}/relatives", "AC"),
    ("POST /ui/armed-forces/{sin}/cards", "AC"),
    ("POST /ui/agreements/certificates", "AC"),
    ("GET /ui/agreements/certificates/{sin}/{number}", "ACBHIEP"),
    ("GET /ui/users", "A"),
    ("POST /ui/users", "A"),
    ("POST /ui/users/{username}/tokens", "A"),
    ("POST /ui/employers/{code}/urgings", "AC"),
    ("GET /ui/claims", "AHI"),
    ("POST /ui/claims/files", "AH"),
    ("GET /ui/claims/{facility}/{key}", "AHI"),
    ("POST /ui/claims/{facility}/{key}/review", "AH"),
    ("GET /ui/compliance/risk", "ACI"),
    ("GET /ui/employers/{code}/union", "ACIU"),
    ("GET /ui/compliance/cases", "ACI"),
    ("POST /ui/compliance/cases", "AI"),
    ("POST /ui/compliance/headcounts", "AI"),
    ("GET /ui/compliance/cases/{case_id}", "ACI"),
    ("POST /ui/compliance/cases/{case_id}/transitions", "AI"),
    ("POST /ui/compliance/cases/{case_id}/findings", "AI"),
    ("POST /ui/compliance/cases/{case_id}/sanctions", "AI"),
    ("POST /ui/compliance/cases/{case_id}/payments", "AI"),
    ("POST /ui/compliance/cases/{case_id}/reminders", "AI"),
    (
        "GET /ui/compliance/cases/{case_id}/documents/{document}",
        "ACI",
    ),
];

fn letter(role: Role) -> char {
    match role {
        Role::Administrator => 'A',
        Role::CollectionOfficer => 'C',
        Role::BenefitsOfficer => 'B',
        Role::HealthAssessor => 'H',
        Role::Inspector => 'I',
        Role::Employer => 'E',
        Role::Insured => 'P',
        Role::TradeUnion => 'U',
    }
}

/// The path with its parameters filled in: the caller's own records, or another's.
fn fill(path: &str, w: &World, others: bool) -> String {
    let (code, sin) = if others {
        (&w.other_employer, &w.other_person)
    } else {
        (&w.own_employer, &w.own_person)
    };
    path.replace("{code}", code)
        .replace("{sin}", sin)
        .replace("{personal_id}", &w.own_personal_id)
        .replace("{month}", "2026-03")
        .replace("{batch_id}", "no-such-batch")
        .replace("{username}", "admin")
        .replace("{file}", "style.css")
        .replace("{chart}", "coverage.svg")
        .replace("{facility}", "79001")
        .replace("{key}", "no-such-visit")
        .replace("{number}", "no-such-certificate")
        .replace("{case_id}", "KT-2026-999999")
        .replace("{document}", "decision")
        .replace("{claim_id}", "HS-2026-9999999")
        .replace("{entitlement_id}", "HS-2026-9999999")
        .replace("{channel}", "bank")
}

async fn call(client: &reqwest::Client, base: &str, method: &str, path: &str) -> StatusCode {
    let url = format!("{base}{path}");
    let req = match method {
        "GET" => client.get(url),
        // An empty body: allowed calls fail validation (400/415/422), refused ones are 403.
        _ => client
            .post(url)
            .header("content-type", "application/json")
            .body("{}"),
    };
    req.send().await.unwrap().status()
}

fn refused(s: StatusCode) -> bool {
    s == StatusCode::FORBIDDEN || s == StatusCode::UNAUTHORIZED
}

async fn authorization_matrix(app: App) {
    let w = app.world().await;
    // The route table and the expectations name the same routes, and every API route of the
    // OpenAPI document has a rule.
    let table: Vec<String> = RULES
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let expected: Vec<String> = EXPECTED.iter().map(|(k, _)| k.to_string()).collect();
    assert_eq!(table, expected);
    let (_, doc) = app.get("/api/v1/openapi.json").await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let key = format!("{} {path}", method.to_uppercase());
            assert!(table.contains(&key), "{key} has no access rule");
        }
    }
    let mut clients = BTreeMap::new();
    for role in Role::ALL {
        let name = format!("m-{}", role.as_str().replace('_', "-"));
        let client = match role {
            Role::Employer | Role::TradeUnion => {
                app.client_as(&name, role, Some(&w.own_employer), None)
                    .await
            }
            Role::Insured => app.client_as(&name, role, None, Some(&w.own_person)).await,
            _ => app.client_as(&name, role, None, None).await,
        };
        clients.insert(letter(role), client);
    }
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut checked = 0;
    for (rule, (_, allowed)) in RULES.iter().zip(EXPECTED) {
        let own = fill(rule.path, &w, false);
        let s = call(&anonymous, &app.base, rule.method, &own).await;
        if *allowed == "public" {
            assert!(!refused(s), "anonymous {} {own}: {s}", rule.method);
            continue;
        }
        // Not signed in: the API answers 401, pages send to the sign-in page.
        let want = if own.starts_with("/api/") {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::SEE_OTHER
        };
        assert_eq!(s, want, "anonymous {} {own}", rule.method);
        for role in Role::ALL {
            let l = letter(role);
            let s = call(&clients[&l], &app.base, rule.method, &own).await;
            assert_eq!(
                !refused(s),
                allowed.contains(l),
                "{role} {} {own}: {s}",
                rule.method
            );
            checked += 1;
            // Ownership: another employer's records, or another person's.
            let owned = matches!(
                rule.access,
                Access::Needs(_, Owner::Employer(_) | Owner::Person(_))
            );
            if owned
                && matches!(role, Role::Employer | Role::Insured | Role::TradeUnion)
                && allowed.contains(l)
            {
                let theirs = fill(rule.path, &w, true);
                let s = call(&clients[&l], &app.base, rule.method, &theirs).await;
                assert_eq!(s, StatusCode::FORBIDDEN, "{role} {} {theirs}", rule.method);
                checked += 1;
            }
        }
    }
    assert!(checked > 250, "{checked} checks");
    // Staff reach anyone's records.
    let s = call(
        &clients[&'I'],
        &app.base,
        "GET",
        &format!("/ui/persons/{}", w.other_person),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
}

on_both!(authorization_matrix);

/// The CSRF token of the session `cookie`, as its pages' forms carry it.
async fn csrf_token(app: &App, cookie: &str) -> String {
    let page = plain_browser()
        .get(format!("{}/ui/search", app.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a form with the CSRF token")
        .to_string()
}

/// Signs in through the form; returns the session cookie (`name=value`) and the page's
/// CSRF token.
async fn sign_in(app: &App, username: &str) -> (String, String) {
    let http = plain_browser();
    let res = http
        .post(format!("{}/login", app.base))
        .form(&[
            ("username", username),
            ("password", PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(cookie.contains(flag), "{cookie} lacks {flag}");
    }
    let pair = cookie.split(';').next().unwrap().to_string();
    let csrf = csrf_token(app, &pair).await;
    (pair, csrf)
}

async fn make_user(app: &App, username: &str, role: &str) -> Value {
    let (s, u) = app
        .post(
            "/api/v1/users",
            json!({"username": username, "password": PASSWORD, "role": role}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{u}");
    u
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_need_the_session_csrf_token() {
    let app = sqlite_app().await;
    let w = app.world().await;
    make_user(&app, "thu.clerk", "collection_officer").await;
    let (cookie, csrf) = sign_in(&app, "thu.clerk").await;
    let http = plain_browser();
    let pay = |token: Option<&str>, reference: &str| {
        let mut form = vec![
            ("reference", reference.to_string()),
            ("paid_on", "2026-04-10".to_string()),
            ("amount", "1.000.000".to_string()),
            ("reason", "bank statement 10/4".to_string()),
        ];
        if let Some(t) = token {
            form.push(("csrf", t.to_string()));
        }
        http.post(format!(
            "{}/ui/employers/{}/payments",
            app.base, w.own_employer
        ))
        .header("cookie", &cookie)
        .form(&form)
        .send()
    };
    assert_eq!(
        pay(None, "UNC-1").await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        pay(Some("forged-token"), "UNC-1").await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let (_, account) = app
        .get(&format!(
            "/api/v1/employers/{}/account?as_of=2026-04-30",
            w.own_employer
        ))
        .await;
    assert_eq!(account["paid"], 0, "refused forms wrote nothing");
    assert_eq!(
        pay(Some(&csrf), "UNC-1").await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    let (_, account) = app
        .get(&format!(
            "/api/v1/employers/{}/account?as_of=2026-04-30",
            w.own_employer
        ))
        .await;
    assert_eq!(account["paid"], 1_000_000);
    // The payment is on the audit trail, in the clerk's name, with the reason and request id.
    let (_, trail) = app
        .get(&format!(
            "/api/v1/audit?entity_kind=employer&entity_id={}",
            w.own_employer
        ))
        .await;
    let row = &trail[0];
    assert_eq!(row["action"], "payment.record");
    assert_eq!(row["actor"], "user:thu.clerk");
    assert_eq!(row["reason"], "bank statement 10/4");
    assert!(row["request_id"].as_str().is_some_and(|r| r.len() > 10));
    // The API with a session cookie needs the token in a header; with an API token it does not.
    let api = |token: Option<&str>| {
        let mut req = http
            .post(format!(
                "{}/api/v1/employers/{}/urgings",
                app.base, w.own_employer
            ))
            .header("cookie", &cookie)
            .json(&json!({"month": "2026-03", "reference": "CV-1", "urged_on": "2026-05-05"}));
        if let Some(t) = token {
            req = req.header("x-csrf-token", t);
        }
        req.send()
    };
    assert_eq!(api(None).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(
        api(Some(&csrf)).await.unwrap().status(),
        StatusCode::CREATED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_fresh_at_sign_in_and_end_at_sign_out() {
    let app = sqlite_app().await;
    make_user(&app, "lan.officer", "benefits_officer").await;
    let http = plain_browser();
    // A session id planted before sign-in (session fixation) is not the one signed in.
    let planted = "ansinh_session=attacker-chosen-value";
    let res = http
        .post(format!("{}/login", app.base))
        .header("cookie", planted)
        .form(&[("username", "lan.officer"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let issued = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(!issued.contains("attacker-chosen-value"));
    let me = |cookie: String| {
        http.get(format!("{}/api/v1/me", app.base))
            .header("cookie", cookie)
            .send()
    };
    assert_eq!(
        me(planted.into()).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let pair = issued.split(';').next().unwrap().to_string();
    let res = me(pair.clone()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["username"], "lan.officer");
    assert_eq!(body["role"], "benefits_officer");
    // Signing out ends the session on the server, not only in the browser.
    let token = csrf_token(&app, &pair).await;
    let res = http
        .post(format!("{}/logout", app.base))
        .header("cookie", &pair)
        .form(&[("csrf", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(me(pair).await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwords_are_never_returned_and_guessing_is_throttled() {
    let app = sqlite_app().await;
    let created = make_user(&app, "minh.inspector", "inspector").await;
    let text = created.to_string();
    assert!(!text.contains(PASSWORD) && !text.contains("argon2") && !text.contains("password"));
    let (_, users) = app.get("/api/v1/users").await;
    let text = users.to_string();
    assert!(!text.contains("argon2") && !text.contains("password"));
    let (_, trail) = app.get("/api/v1/audit?entity_kind=user").await;
    assert!(!trail.to_string().contains(PASSWORD));
    assert!(!trail.to_string().contains("argon2"));
    // A wrong password: the page neither says which field was wrong nor echoes the password.
    let http = plain_browser();
    let attempt = |password: &'static str| {
        http.post(format!("{}/login", app.base))
            .form(&[("username", "minh.inspector"), ("password", password)])
            .send()
    };
    let res = attempt("a wrong guess 123").await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let page = res.text().await.unwrap();
    assert!(!page.contains("a wrong guess 123"));
    assert!(page.contains("login-error"));
    for _ in 1..ansinh_store::access::MAX_FAILURES {
        assert_eq!(
            attempt("a wrong guess 123").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Locked, even with the right password.
    assert_eq!(
        attempt(PASSWORD).await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injection_in_search_boxes_is_harmless() {
    let app = sqlite_app().await;
    let w = app.world().await;
    let attacks = [
        "' OR '1'='1",
        "'; DROP TABLE persons; --",
        "\" OR 1=1 --",
        "%' UNION SELECT password_hash, 1, 1, 1, 1, 1, 1 FROM users --",
        "<script>alert(1)</script>",
    ];
    let (_, before) = app.get("/api/v1/persons?limit=500").await;
    for attack in attacks {
        let q: String = form_urlencoded(attack);
        for path in [
            format!("/ui/search?q={q}"),
            format!("/api/v1/persons?q={q}"),
            format!("/api/v1/employers?q={q}"),
            format!("/ui/audit?actor={q}&entity_id={q}"),
            format!("/api/v1/audit?actor={q}"),
        ] {
            let res = app
                .http
                .get(format!("{}{path}", app.base))
                .send()
                .await
                .unwrap();
            assert!(
                res.status() == StatusCode::OK || res.status() == StatusCode::BAD_REQUEST,
                "{path}: {}",
                res.status()
            );
            let body = res.text().await.unwrap();
            assert!(!body.contains("argon2"), "{path} leaked a hash");
            assert!(
                !body.contains("<script>alert"),
                "{path} echoed markup unescaped"
            );
            assert!(!body.contains(&w.own_person), "{path} matched a person");
        }
    }
    let (_, after) = app.get("/api/v1/persons?limit=500").await;
    assert_eq!(before, after, "the registry is intact");
}

fn form_urlencoded(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers() {
    let app = sqlite_app().await;
    let http = plain_browser();
    for (path, status) in [
        ("/login", StatusCode::OK),
        ("/api/v1/health", StatusCode::OK),
        ("/api/v1/persons", StatusCode::UNAUTHORIZED),
        ("/ui/dashboard", StatusCode::SEE_OTHER),
        ("/no/such/page", StatusCode::NOT_FOUND),
    ] {
        let res = http
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{path}");
        let h = res.headers();
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'")
        );
        assert!(h.contains_key("x-request-id"));
    }
    // A page asked for without a session leads to the sign-in form and back.
    let res = http
        .get(format!("{}/ui/search?q=An", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["location"],
        "/login?next=%2Fui%2Fsearch%3Fq%3DAn"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_speak_vietnamese_first_and_english_on_request() {
    let app = sqlite_app().await;
    let w = app.world().await;
    // The language chosen on the page (a cookie) wins over the user's stored preference.
    let page = |lang: Option<&'static str>| {
        let mut req = app
            .http
            .get(format!("{}/ui/employers/{}", app.base, w.own_employer));
        if let Some(l) = lang {
            req = req.header("cookie", format!("lang={l}"));
        }
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let vi = page(None).await;
    assert!(vi.contains("Tài khoản đơn vị"), "{vi}");
    // March 2026 dues of 10,000,000 đồng at the employer's and employee's rates, Vietnamese style.
    assert!(vi.contains("03/2026"));
    assert!(vi.contains(" ₫"));
    assert!(vi.contains("3.200.000 ₫") || vi.contains(".000 ₫"));
    let en = page(Some("en")).await;
    assert!(en.contains("Employer account"));
    assert!(en.contains(",000 ₫"));
    // Before signing in, the browser's language decides.
    let base = app.base.clone();
    let sign_in_page = |accept: &'static str| {
        let url = format!("{base}/login");
        async move {
            plain_browser()
                .get(url)
                .header("accept-language", accept)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    assert!(sign_in_page("en-GB,en;q=0.9").await.contains("User name"));
    assert!(
        sign_in_page("vi-VN,vi;q=0.9,en;q=0.5")
            .await
            .contains("Tên đăng nhập")
    );
}
