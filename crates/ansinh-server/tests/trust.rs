//! Money flows a clerk can trust and what each role is told (issue 16), over real HTTP on
//! both backends: monthly runs only of months begun, payments positive and corrected by
//! reversal, every error of a declaration line, rejected batches without numbers, months
//! unpaid only after their deadline, the inspector's claims page, pages for unknown addresses.

mod common;

use ansinh_core::Role;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both!(money_flows_refuse_what_a_clerk_would_refuse);

async fn money_flows_refuse_what_a_clerk_would_refuse(app: App) {
    let w = app.world().await;
    // A run of a month not begun, or before the law encoded, is refused naming the month.
    for month in ["2030-01", "1990-01"] {
        let (s, e) = app
            .post(&format!("/api/v1/assessments/{month}"), json!({}))
            .await;
        assert_eq!(
            (s, e["error"]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some("month")),
            "{month}: {e}"
        );
    }
    // Payments: positive, not in the future, not before the first declared worker.
    let pay_path = format!("/api/v1/employers/{}/payments", w.own_employer);
    let pay = |body: Value| app.post(&pay_path, body);
    for (body, field) in [
        (
            json!({"reference": "P-1", "paid_on": "2026-04-10", "amount": -1000000}),
            "amount",
        ),
        (
            json!({"reference": "P-2", "paid_on": "2999-04-10", "amount": 1000000}),
            "paid_on",
        ),
        (
            json!({"reference": "P-3", "paid_on": "1999-04-10", "amount": 1000000}),
            "paid_on",
        ),
    ] {
        let (s, e) = pay(body.clone()).await;
        assert_eq!(
            (s, e["error"]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some(field)),
            "{body}: {e}"
        );
    }
    let (s, e) =
        pay(json!({"reference": "P-4", "paid_on": "2026-04-10", "amount": 33000000})).await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let (s, again) =
        pay(json!({"reference": "P-4", "paid_on": "2026-04-10", "amount": 33000000})).await;
    assert_eq!(
        s,
        StatusCode::OK,
        "a resent payment says it was recorded before: {again}"
    );
    let (s, e) = pay(json!({"reference": "P-4-R", "paid_on": "2026-04-11", "amount": -33000000, "reverses": "P-4"})).await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let (_, account) = app
        .get(&format!(
            "/api/v1/employers/{}/account?as_of=2026-06-30",
            w.own_employer
        ))
        .await;
    let months_paid: i64 = account["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["paid"].as_i64().unwrap())
        .sum();
    assert_eq!(account["paid"].as_i64(), Some(0), "{account}");
    assert_eq!(months_paid, 0, "{account}");
    // Every error of a line, and no number shown for a batch that was not applied.
    let res = app
        .http
        .post(format!(
            "{}/api/v1/employers/{}/declarations",
            app.base, w.own_employer
        ))
        .header("content-type", "text/csv")
        .body(
            "action,personal_id,name,sex,birth_date,date,salary,contract_kind\n\
             hire,079190000321,Vũ Thị Hạnh,female,1990-02-02,2026-02-01,12000000,indefinite\n\
             hire,079190000322,,female,1990-02-02,2026-02-31,1000,forever\n",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let report: Value = res.json().await.unwrap();
    let lines = report["report"]["lines"].as_array().unwrap();
    assert!(lines.iter().all(|l| l.get("sin").is_none()), "{report}");
    let fields: Vec<&str> = lines[1]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in ["date", "contract_kind", "name"] {
        assert!(fields.contains(&f), "{f} not reported: {fields:?}");
    }
    // Each error in Vietnamese too, for the pages (issue 16.9).
    for e in lines[1]["errors"].as_array().unwrap() {
        let vi = e["reason_vi"].as_str().unwrap_or_default();
        assert!(!vi.is_empty() && vi != e["reason"], "{e}");
    }
    assert!(
        lines[1]["errors"]
            .to_string()
            .contains("không phải ngày dạng YYYY-MM-DD"),
        "{report}"
    );
    // The current month is not unpaid to its person before its deadline.
    let today = jiff::ZonedDateTime::now().date();
    let current = format!("{:04}-{:02}", today.year(), today.month());
    let (s, e) = app
        .post(&format!("/api/v1/assessments/{current}"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let person = app
        .client_as("hoa.le", Role::Insured, None, Some(&w.own_person))
        .await;
    let page = person
        .get(format!("{}/ui/persons/{}", app.base, w.own_person))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let label = format!("{:02}/{:04}", today.month(), today.year());
    let row = page
        .split("<tr")
        .find(|r| r.contains(&label))
        .unwrap_or_else(|| panic!("no row of {label}"));
    assert!(!row.contains("unpaid"), "{row}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspectors_read_claims_and_browsers_get_pages() {
    let app = sqlite_app().await;
    let inspector = app.client_as("minh.i", Role::Inspector, None, None).await;
    let res = inspector
        .get(format!("{}/ui/claims", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(
        !page.contains("class=\"review\""),
        "an inspector decides nothing"
    );
    let res = inspector
        .get(format!("{}/api/v1/claims/review-queue", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // An address with no page: a page for a browser, JSON for the API.
    let res = reqwest::Client::new()
        .get(format!("{}/ui/no-such-page", app.base))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let (s, e) = app.get("/api/v1/no-such-route").await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

on_both!(the_compliance_list_has_reasons_urgings_and_exports);

async fn the_compliance_list_has_reasons_urgings_and_exports(app: App) {
    let w = app.world().await;
    let inspector = app
        .client_as("minh.insp", Role::Inspector, None, None)
        .await;
    let get = |path: String| {
        let inspector = inspector.clone();
        async move { inspector.get(path).send().await.unwrap() }
    };
    let res = get(format!("{}/ui/compliance?as_of=2026-06-30", app.base)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains(&w.own_employer), "{page}");
    assert!(
        page.contains("Luật 41 Điều 38"),
        "each status gives its rule, in the page's language: {page}"
    );
    assert!(
        !page.contains("class=\"urging\""),
        "an inspector records no urging"
    );
    let csv = get(format!(
        "{}/ui/compliance?as_of=2026-06-30&format=csv",
        app.base
    ))
    .await;
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    assert!(
        text.starts_with('\u{feff}'),
        "a BOM for spreadsheet programs"
    );
    assert!(text.contains(&w.own_employer));
    let xlsx = get(format!(
        "{}/ui/compliance?as_of=2026-06-30&format=xlsx",
        app.base
    ))
    .await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
    let bad = get(format!("{}/ui/compliance?format=pdf", app.base)).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    // The collection officer records a written urging from the list.
    let res = app
        .http
        .post(format!(
            "{}/ui/employers/{}/urgings",
            app.base, w.own_employer
        ))
        .form(&[
            ("month", "2026-03"),
            ("reference", "CV-123/BHXH"),
            ("urged_on", "2026-05-15"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, trail) = app
        .get(&format!(
            "/api/v1/audit?entity_kind=employer&entity_id={}",
            w.own_employer
        ))
        .await;
    assert!(trail.to_string().contains("urging.record"), "{trail}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_chosen_carries_to_the_next_sign_in() {
    let app = sqlite_app().await;
    app.client_as("lan.officer", Role::BenefitsOfficer, None, None)
        .await;
    let http = plain_browser();
    let sign_in = || session_cookie(&app.base, "lan.officer");
    let cookie = sign_in().await;
    let res = http
        .post(format!("{}/locale", app.base))
        .header("cookie", &cookie)
        .form(&[("lang", "en"), ("next", "/ui/search")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Another browser (no language cookie): the page is in English.
    let cookie = sign_in().await;
    let page = http
        .get(format!("{}/ui/search", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<html lang=\"en\">"), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_administrator_manages_users_and_tokens_from_a_page() {
    let app = sqlite_app().await;
    let page = |res: reqwest::Response| async move {
        let status = res.status();
        (status, res.text().await.unwrap())
    };
    let (s, list) = page(
        app.http
            .get(format!("{}/ui/users", app.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(list.contains(">admin<"), "{list}");
    // A refused form names the field and keeps what was typed (never the password).
    let (s, refused) = page(
        app.http
            .post(format!("{}/ui/users", app.base))
            .form(&[
                ("username", "thu.moi"),
                ("password", "short"),
                ("role", "collection_officer"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(refused.contains("<b>password</b>"), "{refused}");
    assert!(refused.contains("value=\"thu.moi\""));
    let res = app
        .http
        .post(format!("{}/ui/users", app.base))
        .form(&[
            ("username", "thu.moi"),
            ("password", PASSWORD),
            ("role", "collection_officer"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (s, issued) = page(
        app.http
            .post(format!("{}/ui/users/thu.moi/tokens", app.base))
            .form(&[("label", "bảng lương")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let token = issued
        .split("<code>")
        .nth(1)
        .and_then(|t| t.split("</code>").next())
        .expect("the token shown once")
        .to_string();
    let me: serde_json::Value = client_with_token(&token)
        .get(format!("{}/api/v1/me", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "thu.moi");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_lists_show_their_count_and_pages() {
    let app = sqlite_app().await;
    for i in 0..63 {
        let (s, e) = app
            .post(
                "/api/v1/persons",
                json!({"personal_id": format!("001090{i:06}"), "name": format!("Trần Văn Số {i:02}"), "sex": "male", "birth_date": "1990-01-01"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
    }
    let get = |path: String| {
        let http = app.http.clone();
        async move { http.get(path).send().await.unwrap().text().await.unwrap() }
    };
    let first = get(format!("{}/ui/search?q=Tr%E1%BA%A7n", app.base)).await;
    assert!(first.contains("id=\"person-count\">(63)"), "{first}");
    let rows = |page: &str| page.matches("href=\"/ui/persons/").count();
    assert_eq!(rows(&first), 50);
    let next = first
        .split("id=\"next-persons\" href=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a link to the next page")
        .replace("&amp;", "&");
    let second = get(format!("{}{next}", app.base)).await;
    assert_eq!(rows(&second), 13);
    assert!(!second.contains("id=\"next-persons\""));
    // The file holds the whole list, not the page: 63 rows and the header.
    let csv = get(format!(
        "{}/ui/search?q=Tr%E1%BA%A7n&list=persons&format=csv",
        app.base
    ))
    .await;
    assert_eq!(csv.lines().count(), 64, "{csv}");
    assert!(csv.contains("Trần Văn Số 62"));
    let bad = app
        .http
        .get(format!("{}/ui/search?q=x&list=cats&format=csv", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.text().await.unwrap().contains("list"));
    // The audit trail: 63 registrations and more, in pages of 100, with its count.
    let trail = get(format!("{}/ui/audit?entity_kind=person", app.base)).await;
    assert!(trail.contains("id=\"audit-count\""), "{trail}");
    assert!(
        !trail.contains("id=\"next-audit\""),
        "63 rows fit on one page"
    );
    let csv = get(format!(
        "{}/ui/audit?entity_kind=person&format=csv",
        app.base
    ))
    .await;
    assert_eq!(csv.lines().count(), 64, "{csv}");
}

on_both!(every_list_is_a_file_and_a_refused_payment_keeps_the_form);

/// Issue 16: CSV and XLSX of every list; the review queue counts and pages; a payment refused
/// shows the form again as typed, with the reason.
async fn every_list_is_a_file_and_a_refused_payment_keeps_the_form(app: App) {
    let w = app.world().await;
    let officer = app
        .client_as("thu.c", Role::CollectionOfficer, None, None)
        .await;
    let get = |path: String| {
        let http = officer.clone();
        async move {
            let res = http.get(path).send().await.unwrap();
            let kind = res.headers()["content-type"].to_str().unwrap().to_string();
            (res.status(), kind, res.bytes().await.unwrap().to_vec())
        }
    };
    let employer = format!("{}/ui/employers/{}", app.base, w.own_employer);
    for (list, header) in [
        ("workers", "SIN"),
        ("months", "Hạn nộp"),
        ("payments", "Số tiền"),
    ] {
        let (s, kind, body) = get(format!("{employer}?list={list}&format=csv")).await;
        assert_eq!(s, StatusCode::OK, "{list}");
        assert!(kind.starts_with("text/csv"), "{list}: {kind}");
        let text = String::from_utf8(body).unwrap();
        assert!(text.contains(header), "{list}: {text}");
        let (s, kind, body) = get(format!("{employer}?list={list}&format=xlsx")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(kind.contains("spreadsheetml"), "{kind}");
        assert!(body.starts_with(b"PK"), "an XLSX is a zip");
    }
    let (_, _, body) = get(format!("{employer}?list=workers&format=csv")).await;
    assert!(String::from_utf8(body).unwrap().contains(&w.own_person));
    let (_, _, body) = get(format!(
        "{}/ui/persons/{}?format=csv",
        app.base, w.own_person
    ))
    .await;
    let history = String::from_utf8(body).unwrap();
    assert!(history.contains("2026-03"), "{history}");
    // A payment dated in the future is refused; the form keeps what was typed.
    let page = officer
        .get(&employer)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let res = officer
        .post(format!("{employer}/payments"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("reference", "UNC-2099-01"),
            ("paid_on", "2099-01-01"),
            ("amount", "1.500.000"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"payment-error\""), "{page}");
    assert!(page.contains("value=\"UNC-2099-01\""), "{page}");
    assert!(page.contains("value=\"1.500.000\""), "{page}");
    assert!(page.contains("paid_on"), "the field is named: {page}");
    // The review queue shows its count, filters by facility, and is a file.
    let assessor = app
        .client_as("an.h", Role::HealthAssessor, None, None)
        .await;
    for name in ["stay.xml", "visit.xml"] {
        let bytes = std::fs::read(format!(
            "{}/../../examples/claims/overlap/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let (s, report) = app
            .send(
                "POST",
                "/api/v1/claims/files",
                "application/xml",
                bytes,
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{report}");
    }
    let queue = |q: &str| {
        let http = assessor.clone();
        let url = format!("{}/ui/claims?{q}", app.base);
        async move { http.get(url).send().await.unwrap().text().await.unwrap() }
    };
    assert!(
        queue("")
            .await
            .contains("<span id=\"queue-count\">1</span>")
    );
    assert!(
        queue("queue_facility=99999")
            .await
            .contains("<span id=\"queue-count\">0</span>")
    );
    let csv = queue("format=csv").await;
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains("R10"), "{csv}");
}

on_both!(a_declaration_is_read_from_an_xlsx_workbook);

async fn a_declaration_is_read_from_an_xlsx_workbook(app: App) {
    let w = app.world().await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    let header = [
        "action",
        "personal_id",
        "name",
        "sex",
        "birth_date",
        "date",
        "salary",
        "contract_kind",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    // As a clerk types it: the ID as text, the dates as Excel dates, the salary as a number.
    let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    ws.write_string(1, 0, "hire").unwrap();
    ws.write_string(1, 1, "079192000777").unwrap();
    ws.write_string(1, 2, "Ngô Thị Thu").unwrap();
    ws.write_string(1, 3, "female").unwrap();
    let born = rust_xlsxwriter::ExcelDateTime::from_ymd(1992, 7, 9).unwrap();
    ws.write_datetime_with_format(1, 4, &born, &date).unwrap();
    let start = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 2, 2).unwrap();
    ws.write_datetime_with_format(1, 5, &start, &date).unwrap();
    ws.write_number(1, 6, 11_500_000.0).unwrap();
    ws.write_string(1, 7, "indefinite").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let (s, report) = app
        .send(
            "POST",
            &format!("/api/v1/employers/{}/declarations", w.own_employer),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{report}");
    let (_, person) = app.get("/api/v1/persons/by-personal-id/079192000777").await;
    assert_eq!(person["birth_date"], "1992-07-09", "{person}");
    let sin = person["sin"].as_str().unwrap();
    let (_, employments) = app.get(&format!("/api/v1/persons/{sin}/employments")).await;
    assert_eq!(employments[0]["start_date"], "2026-02-02");
    assert_eq!(employments[0]["salaries"][0]["salary"], 11_500_000);
    // Shaped like the agency's list (mẫu D02-LT): title rows, Vietnamese headings, the
    // "Phương án" in words.
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "DANH SÁCH LAO ĐỘNG THAM GIA BHXH, BHYT, BHTN")
        .unwrap();
    ws.write_string(1, 0, "Mẫu D02-LT").unwrap();
    let heading = [
        "Phương án",
        "Số định danh cá nhân",
        "Họ và tên",
        "Giới tính",
        "Ngày sinh",
        "Từ ngày",
        "Tiền lương",
        "Loại hợp đồng",
    ];
    for (c, h) in heading.iter().enumerate() {
        ws.write_string(3, c as u16, *h).unwrap();
    }
    for (c, v) in [
        "Tăng mới",
        "079093000888",
        "Phan Văn Tài",
        "male",
        "1993-03-03",
        "2026-02-02",
        "9000000",
        "indefinite",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(4, c as u16, *v).unwrap();
    }
    let (s, report) = app
        .send(
            "POST",
            &format!("/api/v1/employers/{}/declarations", w.own_employer),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            book.save_to_buffer().unwrap(),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{report}");
    let (s, person) = app.get("/api/v1/persons/by-personal-id/079093000888").await;
    assert_eq!(
        (s, &person["name"]),
        (StatusCode::OK, &json!("Phan Văn Tài"))
    );
    // Not a workbook: a clear refusal, nothing applied.
    let (s, e) = app
        .send(
            "POST",
            &format!("/api/v1/employers/{}/declarations", w.own_employer),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            b"PK\x03\x04 not really a zip".to_vec(),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
}

on_both!(the_benefits_officer_calculates_from_the_whole_record);

/// Issue 16 (6, and the calculator): someone employed since 2020 has every month since on
/// record even though the system's runs began in 2026; the calculator over the record equals `calc` on the
/// same history, and an employer may not read the whole career.
async fn the_benefits_officer_calculates_from_the_whole_record(app: App) {
    let w = app.world().await;
    let (s, report) = app
        .send(
            "POST",
            &format!("/api/v1/employers/{}/declarations", w.own_employer),
            "text/csv",
            "action,personal_id,name,sex,birth_date,date,salary,contract_kind\nhire,001066000321,Trần Văn Sơn,male,1966-02-10,2020-01-06,8000000,indefinite\n"
                .as_bytes()
                .to_vec(),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{report}");
    let (_, p) = app.get("/api/v1/persons/by-personal-id/001066000321").await;
    let sin = p["sin"].as_str().unwrap().to_string();
    let today = jiff::ZonedDateTime::now().date();
    let through = if today.month() == 1 {
        format!("{}-12", today.year() - 1)
    } else {
        format!("{}-{:02}", today.year(), today.month() - 1)
    };
    let months = {
        let (y, m): (i64, i64) = (through[..4].parse().unwrap(), through[5..].parse().unwrap());
        (y - 2020) * 12 + m
    };
    let officer = app
        .client_as("lan.b", Role::BenefitsOfficer, None, None)
        .await;
    let page = officer
        .get(format!(
            "{}/ui/persons/{sin}/calculator?kind=one_time&ground=emigrating&year={}",
            app.base,
            today.year()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(
        page.contains(&format!("<b id=\"months-declared\">{months}</b>")),
        "{months} declared months: {page}"
    );
    // The same request through the API: the page shows its amount.
    let (s, calc) = app
        .post(
            "/api/v1/calc",
            json!({"kind": "one_time", "jurisdiction": "VN", "ground": "emigrating",
                   "settlement_year": today.year(),
                   "history": [{"from": "2020-01", "to": through, "salary": 8_000_000}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{calc}");
    let amount = calc["amount"].as_i64().unwrap();
    assert!(amount > 0, "{calc}");
    let shown = ansinh_server::i18n::Lang::Vi.money(amount);
    assert!(page.contains(&shown), "{shown} on the page: {page}");
    assert!(page.contains("id=\"calc-explanation\""));
    // Bad input names the field.
    let bad = page_text(
        &officer,
        format!(
            "{}/ui/persons/{sin}/calculator?kind=one_time&ground=bored",
            app.base
        ),
    )
    .await;
    assert!(
        bad.contains("id=\"calc-error\"") && bad.contains("ground"),
        "{bad}"
    );
    // A first month of pension before the normal one is refused naming the field (L41 Art. 68.2).
    let early = page_text(
        &officer,
        format!(
            "{}/ui/persons/{sin}/calculator?kind=pension&first_month=2021-01",
            app.base
        ),
    )
    .await;
    assert!(
        early.contains("id=\"calc-error\"") && early.contains("first_month"),
        "{early}"
    );
    // An occupational accident from the record: the salary of the month before and the years
    // on record (6 years of 2020-01 to 2026-02); the same numbers through the API.
    let accident = page_text(&officer, format!(
            "{}/ui/persons/{sin}/calculator?kind=occupational&event_date=2026-03-02&capacity_loss=35",
            app.base
        )).await;
    let (s, calc) = app
        .post(
            "/api/v1/calc",
            json!({"kind": "occupational", "jurisdiction": "VN", "capacity_loss": "35%",
                   "salary": 8_000_000, "contribution_years": 6, "date": "2026-03-02"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{calc}");
    // (30 % + 2 % × 4) × 2,340,000 + (0.5 % + 0.3 % × 5) × 8,000,000 (Law on OSH Art. 49).
    assert_eq!(calc["monthly"], 1_049_200, "{calc}");
    let shown = ansinh_server::i18n::Lang::Vi.money(1_049_200);
    assert!(accident.contains(&shown), "{shown}: {accident}");
    // Sickness: 5 working days on the salary of the month before, 8,000,000 × 75 % / 24 × 5.
    let sick = page_text(
        &officer,
        format!(
            "{}/ui/persons/{sin}/calculator?kind=sickness&event_date=2026-03-02&days=5",
            app.base
        ),
    )
    .await;
    assert!(
        sick.contains(&ansinh_server::i18n::Lang::Vi.money(1_250_000)),
        "{sick}"
    );
    // The person page's estimate counts the declared years too.
    let person = page_text(&officer, format!("{}/ui/persons/{sin}", app.base)).await;
    assert!(person.contains("id=\"estimate-months\""), "{person}");
    assert!(person.contains("id=\"calculator-link\""));
    // The employer of the person reads its own periods, not the whole career.
    let clerk = app
        .client_as("hr.tw1", Role::Employer, Some(&w.own_employer), None)
        .await;
    let res = clerk
        .get(format!("{}/ui/persons/{sin}/calculator", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

on_both!(a_claims_file_uploaded_on_the_page_is_read_as_pages);

/// Issue 18: the health assessor uploads a claims file on the page and reads each visit as a
/// page — lines, amounts, findings per line, the benefit level's explanation — not raw JSON.
async fn a_claims_file_uploaded_on_the_page_is_read_as_pages(app: App) {
    let assessor = app
        .client_as("lan.h", Role::HealthAssessor, None, None)
        .await;
    let page = assessor
        .get(format!("{}/ui/claims", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"claims-upload\""), "{page}");
    let csrf = csrf_of(&page);
    let file = std::fs::read(format!(
        "{}/../../examples/claims/two-visits.xml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let boundary = "ansinh-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"two-visits.xml\"\r\nContent-Type: application/xml\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let upload = |client: reqwest::Client, body: Vec<u8>| {
        let url = format!("{}/ui/claims/files", app.base);
        async move {
            client
                .post(url)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let res = upload(assessor.clone(), body.clone()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let report = res.text().await.unwrap();
    assert!(report.contains("id=\"import-visits\""), "{report}");
    let link = "/ui/claims/79001/79001.250310.000123";
    assert!(
        report.contains(link),
        "each visit links to its page: {report}"
    );
    // The visit as a page: its lines, amounts and the explanation of its level.
    let res = assessor
        .get(format!("{}{link}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let visit = res.text().await.unwrap();
    for part in [
        "id=\"visit-lines\"",
        "XML3#2",
        "23.0083.1523",
        "id=\"visit-explanation\"",
        "id=\"visit-amounts\"",
        "Law on Health Insurance Art. 22.1",
    ] {
        assert!(visit.contains(part), "{part}: {visit}");
    }
    // The second visit's card had expired: its lines are named by the finding.
    let expired = assessor
        .get(format!("{}/ui/claims/79001/79001.250310.000124", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(expired.contains("R01.VALIDITY"), "{expired}");
    assert!(expired.contains("class=\"flagged\""), "{expired}");
    // An inspector reads pages but uploads nothing; a form without a file is refused, named.
    let inspector = app.client_as("tam.i", Role::Inspector, None, None).await;
    let res = upload(inspector, body).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let empty = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}--\r\n"
    );
    let res = upload(assessor.clone(), empty.into_bytes()).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("file"));
}

/// The CSRF token a page's forms carry.
fn csrf_of(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| panic!("no csrf field: {page}"))
        .to_string()
}
