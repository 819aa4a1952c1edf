//! End to end in a real browser: Debian's Chromium, headless, driven over WebDriver
//! (chromedriver + fantoccini). Each role signs in and does its main task through the pages.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (packages chromium, chromium-driver;
//! `.ci/run` installs them). Where they are missing the test says so and passes, except under
//! CI (`CI=true`), where it fails. With `ANSINH_SCREENSHOTS=DIR` it saves its screenshots there
//! (how `docs/screenshots/` is made).

mod common;

use ansinh_core::Role;
use common::*;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver on a free port, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
    profile: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

async fn start_driver() -> Option<Driver> {
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        assert!(
            std::env::var("CI").is_err(),
            "CI needs Debian's chromium and chromium-driver (.ci/run installs them)"
        );
        eprintln!(
            "skipped: {CHROMIUM} or {CHROMEDRIVER} is missing (apt install chromium chromium-driver)"
        );
        return None;
    }
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let profile = std::env::temp_dir().join(format!("ansinh-chromium-{}", unique()));
    let driver = Driver {
        child,
        port,
        profile,
    };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Some(driver);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not listen on {port}");
}

async fn browser(driver: &Driver) -> Client {
    // A Vietnamese browser, as most of the agency's users have.
    browser_in(driver, "vi-VN", "vi-VN,vi").await
}

/// A browser whose interface language is `lang`, accepting `accept` for pages.
async fn browser_in(driver: &Driver, lang: &str, accept: &str) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--window-size=1280,1000",
                format!("--lang={lang}"),
                format!("--user-data-dir={}", driver.profile.display()),
            ],
            "prefs": {"intl.accept_languages": accept}
        }),
    );
    ClientBuilder::rustls()
        .expect("a WebDriver client")
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a Chromium session")
}

/// Saves a screenshot when `ANSINH_SCREENSHOTS` names a folder.
async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    if let Ok(dir) = std::env::var("ANSINH_SCREENSHOTS") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).unwrap();
    }
}

/// The text of the first element matching `css`, waiting for it to appear; a page that is still
/// being replaced (after a click or a reload) is read again.
async fn text(c: &Client, css: &str) -> String {
    let mut last = String::new();
    for _ in 0..50 {
        match c.find(Locator::Css(css)).await {
            Ok(e) => match e.text().await {
                Ok(t) => return t,
                Err(err) => last = err.to_string(),
            },
            Err(err) => last = err.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{css}: {last}");
}

/// Waits until the element's text contains `needle` (the page after a submission).
async fn wait_for_text(c: &Client, css: &str, needle: &str) {
    let mut last = String::new();
    for _ in 0..50 {
        last = text(c, css).await;
        if last.contains(needle) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{css} never showed `{needle}`: {last}");
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
}

async fn type_into(c: &Client, css: &str, text: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
}

/// Fills and sends the sign-in form.
async fn submit_sign_in(c: &Client, base: &str, username: &str, password: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    type_into(c, "#username", username).await;
    type_into(c, "#password", password).await;
    click(c, "#sign-in").await;
}

async fn sign_in(c: &Client, base: &str, username: &str) {
    submit_sign_in(c, base, username, PASSWORD).await;
    let who = text(c, "#who").await;
    assert!(who.starts_with(username), "{who}");
}

async fn sign_out(c: &Client) {
    click(c, "#logout").await;
    text(c, "#login-form").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_does_its_work_in_chromium() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = sqlite_app().await;
    let w = app.world().await;
    for (name, role, employer, person) in [
        ("thu.collection", Role::CollectionOfficer, None, None),
        (
            "hr.tw0001a",
            Role::Employer,
            Some(w.own_employer.as_str()),
            None,
        ),
        (
            "hoa.insured",
            Role::Insured,
            None,
            Some(w.own_person.as_str()),
        ),
        ("minh.inspector", Role::Inspector, None, None),
        ("an.assessor", Role::HealthAssessor, None, None),
        ("lan.benefits", Role::BenefitsOfficer, None, None),
        ("quan.admin", Role::Administrator, None, None),
    ] {
        app.client_as(name, role, employer, person).await;
    }
    // Two claims files of one card: an inpatient stay, then an outpatient visit inside it.
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
        assert_eq!(s, reqwest::StatusCode::OK, "{report}");
    }
    let (s, card) = app
        .post(
            "/api/v1/cards",
            json!({"card_code": format!("DN479{}", w.own_person), "valid_from": "2026-01-01", "valid_to": "2026-12-31", "initial_facility": "01001"}),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::CREATED, "{card}");
    // `localhost`: a browser keeps Secure cookies from http://localhost, not from other hosts.
    let base = app.base.replace("127.0.0.1", "localhost");
    let c = browser(&driver).await;

    // Sign-in refused with a wrong password, in Vietnamese.
    submit_sign_in(&c, &base, "thu.collection", "not the password").await;
    assert!(text(&c, "#login-error").await.contains("không đúng"));

    // Collection officer: the dashboard, then the monthly run of April with its progress.
    sign_in(&c, &base, "thu.collection").await;
    assert_eq!(text(&c, "#count-employers").await, "2");
    let month = c.find(Locator::Css("#run-month")).await.unwrap();
    month.clear().await.unwrap();
    month.send_keys("2026-04").await.unwrap();
    click(&c, "#run").await;
    let mut state = String::new();
    for _ in 0..50 {
        text(&c, "#runs").await;
        state = match c
            .find(Locator::Css("#runs tbody tr:first-child .state"))
            .await
        {
            Ok(e) => e
                .attr("data-state")
                .await
                .ok()
                .flatten()
                .unwrap_or_default(),
            Err(_) => "running".into(),
        };
        if state != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        c.refresh().await.unwrap();
    }
    assert_eq!(state, "finished");
    shot(&c, "dashboard").await;
    // A payment dated in the future is refused; the form keeps what was typed.
    c.goto(&format!("{base}/ui/employers/{}", w.own_employer))
        .await
        .unwrap();
    type_into(&c, "#pay-reference", "UNC-0001").await;
    c.execute(
        "document.getElementById('pay-date').value = '2099-01-01'",
        vec![],
    )
    .await
    .unwrap();
    type_into(&c, "#pay-amount", "2.000.000").await;
    click(&c, "#pay").await;
    assert!(text(&c, "#payment-error").await.contains("paid_on"));
    let kept = c
        .find(Locator::Css("#pay-amount"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("2.000.000"));
    shot(&c, "payment-refused").await;
    // The late-payment and evasion list, each status with its reasons.
    c.goto(&format!("{base}/ui/compliance")).await.unwrap();
    text(&c, "#compliance-count").await;
    let why = text(&c, "#compliance").await;
    assert!(why.contains("chậm đóng (Luật 41 Điều 38.1)"), "{why}");
    shot(&c, "compliance").await;
    // English on request, on the dashboard.
    c.goto(&format!("{base}/ui/dashboard")).await.unwrap();
    click(&c, "#lang-en").await;
    text(&c, "#lang-vi").await;
    assert!(c.source().await.unwrap().contains("Monthly assessment run"));
    // Lao (issue 17): the page in Lao script, its language said to the browser.
    click(&c, "#lang-lo").await;
    wait_for_text(&c, "h1", "ພາບລວມ").await;
    assert!(
        c.source()
            .await
            .unwrap()
            .contains("ການຄິດໄລ່ເງິນປະກອບສ່ວນປະຈຳເດືອນ")
    );
    let html_lang = c
        .find(Locator::Css("html"))
        .await
        .unwrap()
        .attr("lang")
        .await
        .unwrap();
    assert_eq!(html_lang.as_deref(), Some("lo"));
    shot(&c, "dashboard-lo").await;
    c.goto(&format!("{base}/ui/compliance")).await.unwrap();
    assert!(text(&c, "h1").await.contains("ການຈ່າຍຊ້າ"));
    shot(&c, "compliance-lo").await;
    c.goto(&format!("{base}/ui/dashboard")).await.unwrap();
    click(&c, "#lang-vi").await;
    text(&c, "#lang-en").await;
    sign_out(&c).await;

    // Employer: a declaration with an error, then corrected, through the upload form.
    sign_in(&c, &base, "hr.tw0001a").await;
    assert_eq!(text(&c, "#unit-code").await, w.own_employer);
    click(&c, "#declare").await;
    let bad = "action,personal_id,name,sex,birth_date,date,salary,contract_kind\nhire,001090000555,Đỗ Minh Tuấn,male,1990-02-02,2026-04-01,1000,indefinite\n";
    c.execute(
        "document.getElementById('declaration-csv').value = arguments[0]",
        vec![json!(bad)],
    )
    .await
    .unwrap();
    click(&c, "#declaration-send").await;
    text(&c, "#declaration-rejected").await;
    let report = text(&c, "#report").await;
    assert!(report.contains("salary"), "{report}");
    // The reason in the page's language, with its digit grouping.
    assert!(report.contains("thấp hơn mức sàn"), "{report}");
    shot(&c, "declaration-rejected").await;
    // The rejected text is back in the box: the clerk corrects the salary and sends again.
    let fixed = bad.replace(",1000,", ",9000000,");
    c.execute(
        "document.getElementById('declaration-csv').value = arguments[0]",
        vec![json!(fixed)],
    )
    .await
    .unwrap();
    click(&c, "#declaration-send").await;
    assert!(text(&c, "#declaration-applied").await.contains('1'));
    shot(&c, "declaration-applied").await;
    // One line through the form: the new worker's salary from May.
    c.execute(
        "const f = document.getElementById('declaration-line');\
         f.querySelector('[name=\"line.action\"]').value = 'salary';\
         f.querySelector('[name=\"line.personal_id\"]').value = '001090000555';\
         f.querySelector('[name=\"line.date\"]').value = '2026-05';\
         f.querySelector('[name=\"line.salary\"]').value = '9.500.000';\
         f.submit();",
        vec![],
    )
    .await
    .unwrap();
    // The page is replaced: wait for the new report, not the one already shown (the action in
    // the page's language).
    wait_for_text(&c, "#report", "Điều chỉnh lương").await;
    assert!(text(&c, "#declaration-applied").await.contains('1'));
    // Another employer's page is refused.
    c.goto(&format!("{base}/ui/employers/{}", w.other_employer))
        .await
        .unwrap();
    assert!(!text(&c, "#message").await.is_empty());
    c.goto(&format!("{base}/ui/employers/{}", w.own_employer))
        .await
        .unwrap();
    // Both batches are listed on the employer's page.
    let batches = c.find_all(Locator::Css("#batches tbody tr")).await.unwrap();
    assert_eq!(
        batches.len(),
        3,
        "the world's hire, the corrected file, the one line"
    );
    shot(&c, "employer").await;
    // The April notice (C12) as a document to file and pay from.
    c.goto(&format!(
        "{base}/api/v1/employers/{}/notices/2026-04?format=html",
        w.own_employer
    ))
    .await
    .unwrap();
    assert!(c.source().await.unwrap().contains(&w.own_employer));
    shot(&c, "notice").await;
    c.goto(&format!("{base}/ui/employers/{}", w.own_employer))
        .await
        .unwrap();
    sign_out(&c).await;

    // Insured person: my contribution history, the unpaid months highlighted, my estimate.
    sign_in(&c, &base, "hoa.insured").await;
    assert_eq!(text(&c, "#sin").await, w.own_person);
    assert!(
        text(&c, "#cards")
            .await
            .contains(&format!("DN479{}", w.own_person))
    );
    let history = text(&c, "#history").await;
    assert!(history.contains("03/2026"), "{history}");
    assert!(text(&c, "#unpaid-note").await.contains("chưa nộp"));
    let unpaid = c
        .find_all(Locator::Css("#history tr.unpaid"))
        .await
        .unwrap();
    assert!(!unpaid.is_empty());
    shot(&c, "self-service").await;
    // On a 390 px phone the page does not scroll sideways: wide tables scroll in their box.
    c.set_window_size(390, 844).await.unwrap();
    c.refresh().await.unwrap();
    text(&c, "#history").await;
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        overflow.as_i64().is_some_and(|o| o <= 0),
        "the page is wider than the phone by {overflow}"
    );
    shot(&c, "self-service-mobile").await;
    c.set_window_size(1280, 1000).await.unwrap();
    sign_out(&c).await;

    // Benefits officer: finds the person by name and reads the estimate and its explanation.
    sign_in(&c, &base, "lan.benefits").await;
    c.goto(&format!("{base}/ui/search")).await.unwrap();
    type_into(&c, "#q", "Lê Thị").await;
    click(&c, "#search").await;
    wait_for_text(&c, "#persons", "Lê Thị Hoa").await;
    c.find(Locator::LinkText("Lê Thị Hoa"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(text(&c, "#sin").await, w.own_person);
    // Two months recorded: no pension yet, and the page says why.
    assert!(text(&c, "#pension-not-yet").await.contains("15"));
    // The calculator over the person's record: the one-time benefit on emigrating.
    click(&c, "#calculator-link").await;
    c.execute(
        "document.getElementById('kind').value = 'one_time';\
         document.getElementById('ground').value = 'emigrating';",
        vec![],
    )
    .await
    .unwrap();
    click(&c, "#calculate").await;
    if let Ok(e) = c.find(Locator::Css("#calc-error")).await {
        panic!(
            "the calculator refused: {}",
            e.text().await.unwrap_or_default()
        );
    }
    let result = text(&c, "#calc-result").await;
    assert!(result.contains("₫"), "{result}");
    assert!(
        text(&c, "#calc-explanation").await.contains("Art. 70"),
        "the explanation cites the law"
    );
    shot(&c, "calculator").await;
    sign_out(&c).await;

    // Health assessor: the visit inside the stay waits in the queue; decided with a reason.
    sign_in(&c, &base, "an.assessor").await;
    c.goto(&format!("{base}/ui/claims")).await.unwrap();
    let queue = text(&c, "#queue").await;
    assert!(queue.contains("R10.OVERLAP"), "{queue}");
    shot(&c, "claims-review").await;
    // The visit as a page, from its link in the queue: lines, amounts, findings, explanation.
    click(&c, "#queue tbody a").await;
    let lines = text(&c, "#visit-lines").await;
    assert!(lines.contains("XML3#1"), "{lines}");
    text(&c, "#visit-explanation").await;
    shot(&c, "claim-visit").await;
    c.goto(&format!("{base}/ui/claims")).await.unwrap();
    type_into(
        &c,
        "#queue form.review input[name=reason]",
        "Khám ngoại trú trong thời gian nằm viện: không thanh toán",
    )
    .await;
    c.execute(
        "document.querySelector('#queue form.review select').value = 'rejected'",
        vec![],
    )
    .await
    .unwrap();
    click(&c, "#queue form.review button").await;
    text(&c, "#queue-empty").await;
    c.goto(&format!("{base}/ui/claims?facility=79001&month=2025-03"))
        .await
        .unwrap();
    assert_eq!(text(&c, "#settle-accepted").await, "1.400.000,00 ₫");
    // A file uploaded on the page: the import's report links each visit to its page.
    let file = std::fs::canonicalize(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/claims/two-visits.xml"
    ))
    .unwrap();
    c.goto(&format!("{base}/ui/claims")).await.unwrap();
    c.find(Locator::Css("#claims-file"))
        .await
        .unwrap()
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    click(&c, "#claims-send").await;
    let report = text(&c, "#import-visits").await;
    assert!(report.contains("79001.250310.000124"), "{report}");
    shot(&c, "claims-import").await;
    sign_out(&c).await;

    // Inspector: the audit trail shows the employer's declaration, in its clerk's name.
    sign_in(&c, &base, "minh.inspector").await;
    c.goto(&format!(
        "{base}/ui/audit?entity_kind=employer&entity_id={}",
        w.own_employer
    ))
    .await
    .unwrap();
    let trail = text(&c, "table.audit").await;
    assert!(trail.contains("declaration.submit"), "{trail}");
    assert!(trail.contains("user:hr.tw0001a"), "{trail}");
    shot(&c, "audit").await;
    sign_out(&c).await;

    // Administrator: the trail of one user's actions.
    sign_in(&c, &base, "quan.admin").await;
    text(&c, "#count-persons").await;
    c.goto(&format!("{base}/ui/audit?actor=user%3Aan.assessor"))
        .await
        .unwrap();
    let trail = text(&c, "table.audit").await;
    assert!(trail.contains("claim.review"), "{trail}");
    assert!(!trail.contains("declaration.submit"), "{trail}");
    // Users and their tokens.
    c.goto(&format!("{base}/ui/users")).await.unwrap();
    assert!(text(&c, "#users").await.contains("an.assessor"));
    shot(&c, "users").await;
    sign_out(&c).await;
    c.close().await.unwrap();
}

/// Issue 17: a Lao NSSF deployment in Chromium — the sign-in page, a labour unit's page and its
/// notice in Lao script by default, amounts in kip (screenshots `*-lo-deployment`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lao_deployment_reads_in_lao_in_chromium() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = lao_app(ansinh_testkit::fresh_sqlite("ansinh-browser-lao").await).await;
    let (s, run) = app.post("/api/v1/assessments/2026-03", json!({})).await;
    assert_eq!(s, reqwest::StatusCode::OK, "{run}");
    app.client_as("somphone.collection", Role::CollectionOfficer, None, None)
        .await;
    let (_, employers) = app.get("/api/v1/employers").await;
    let code = employers["items"][0]["unit_code"]
        .as_str()
        .unwrap()
        .to_string();
    // A browser in Lao, as the Fund's officers have: pages in Lao. (The deployment's default
    // is Lao too; `tests/lao.rs` checks it without any accepted language.)
    let c = browser_in(&driver, "lo-LA", "lo-LA,lo").await;
    let base = app.base.clone();
    c.goto(&format!("{base}/login")).await.unwrap();
    let lang = c
        .find(Locator::Css("html"))
        .await
        .unwrap()
        .attr("lang")
        .await
        .unwrap();
    assert_eq!(lang.as_deref(), Some("lo"));
    assert!(text(&c, "h1").await.contains("ເຂົ້າສູ່ລະບົບ"));
    shot(&c, "login-lo-deployment").await;
    sign_in(&c, &base, "somphone.collection").await;
    c.goto(&format!("{base}/ui/employers/{code}"))
        .await
        .unwrap();
    text(&c, "h1").await;
    let page = c.source().await.unwrap();
    assert!(page.contains("ກີບ") && !page.contains('₫'), "kip only");
    assert!(page.contains("ບໍລິສັດ"), "the labour unit's Lao name");
    shot(&c, "employer-lo-deployment").await;
    c.goto(&format!(
        "{base}/api/v1/employers/{code}/notices/2026-03?format=html"
    ))
    .await
    .unwrap();
    assert!(text(&c, "h1").await.contains("ແຈ້ງການເງິນປະກອບສ່ວນປະກັນສັງຄົມ"));
    shot(&c, "notice-lo-deployment").await;
    c.close().await.unwrap();
}

/// Sets a form field's value (dates and selects alike, whatever the browser's date format).
async fn set_field(c: &Client, form: &str, name: &str, value: &str) {
    c.execute(
        "document.querySelector(arguments[0]).elements[arguments[1]].value = arguments[2];",
        vec![json!(form), json!(name), json!(value)],
    )
    .await
    .unwrap_or_else(|e| panic!("{form} {name}: {e}"));
}

/// Issue 22 in Chromium: a collection officer records a Korean certificate of coverage from the
/// register's form and prints it, then enlists a conscript, runs the armed forces' month and
/// reads the Ministry's payment on his record (screenshots `agreements`, `certificate`,
/// `serviceman`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificates_and_servicemen_are_recorded_from_the_pages_in_chromium() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = sqlite_app().await;
    let (s, _) = app
        .post(
            "/api/v1/employers",
            json!({"unit_code": "TK0001A", "tax_code": "0301234567", "name": "Công ty TNHH Hàn Việt", "province": "Hà Nội", "region": 1}),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::CREATED);
    let (s, report) = app
        .post(
            "/api/v1/employers/TK0001A/declarations",
            json!({"lines": [{"action": "hire", "personal_id": "M98765432", "name": "Park Ji-hoon", "sex": "male", "birth_date": "1988-04-02",
                "nationality": "KR", "date": "2026-01-05", "salary": 40000000, "contract_kind": "definite", "contract_months": 36}]}),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::CREATED, "{report}");
    let park = report["lines"][0]["sin"].as_str().unwrap().to_string();
    let (_, quan) = app
        .post(
            "/api/v1/persons",
            json!({"personal_id": "001205000321", "name": "Trần Minh Quân", "sex": "male", "birth_date": "2005-04-10", "nationality": "VN"}),
        )
        .await;
    let quan = quan["sin"].as_str().unwrap().to_string();
    app.client_as("thu.collection", Role::CollectionOfficer, None, None)
        .await;
    let c = browser(&driver).await;
    let base = app.base.clone();
    sign_in(&c, &base, "thu.collection").await;

    c.goto(&format!("{base}/ui/agreements")).await.unwrap();
    text(&c, "#certificate-form").await;
    for (name, value) in [
        ("person_sin", park.as_str()),
        ("certificate_no", "NPS-2026-000731"),
        ("direction", "inbound"),
        ("kind", "local_hire"),
        ("valid_from", "2026-01-01"),
        ("valid_to", "2030-12-31"),
        ("sending_employer", "Công ty TNHH Hàn Việt"),
        ("issued_on", "2025-12-15"),
    ] {
        set_field(&c, "#certificate-form", name, value).await;
    }
    click(&c, "#certificate-form button[type=submit]").await;
    wait_for_text(&c, "#certificate-no", "NPS-2026-000731").await;
    assert!(text(&c, "#holder").await.contains("Park Ji-hoon"));
    shot(&c, "certificate").await;
    c.goto(&format!("{base}/ui/agreements")).await.unwrap();
    wait_for_text(&c, "#register", "NPS-2026-000731").await;
    shot(&c, "agreements").await;

    c.goto(&format!("{base}/ui/armed-forces")).await.unwrap();
    text(&c, "#enlist-form").await;
    for (name, value) in [
        ("person_sin", quan.as_str()),
        ("participant", "conscript"),
        ("unit", "Trung đoàn 141, Sư đoàn 312"),
        ("enlisted", "2024-09-10"),
    ] {
        set_field(&c, "#enlist-form", name, value).await;
    }
    click(&c, "#enlist-form button[type=submit]").await;
    wait_for_text(&c, "#serviceman-name", "Trần Minh Quân").await;
    c.goto(&format!("{base}/ui/armed-forces")).await.unwrap();
    set_field(&c, "#service-run", "month", "2026-09").await;
    click(&c, "#service-run button[type=submit]").await;
    wait_for_text(&c, "#servicemen", &quan).await;
    c.goto(&format!("{base}/ui/armed-forces/{quan}"))
        .await
        .unwrap();
    wait_for_text(&c, "#ministry-total", "1.391.500").await;
    shot(&c, "serviceman").await;
    c.close().await.unwrap();
}

/// Moves the case page's case to `to` on `on` through the transition form (with the decision's
/// facts on the first step and the conclusion's text on the conclusion) and waits for it.
async fn move_case(c: &Client, to: &str, on: &str) {
    set_field(c, "#transition-form", "to", to).await;
    set_field(c, "#transition-form", "on", on).await;
    if to == "decided" {
        set_field(c, "#transition-form", "decision_no", "45/QĐ-BHXH").await;
        set_field(c, "#transition-form", "period_from", "2026-03").await;
        set_field(c, "#transition-form", "period_to", "2026-05").await;
    }
    if to == "concluded" {
        set_field(
            c,
            "#transition-form",
            "conclusion",
            "Đơn vị đóng thiếu trên tiền lương thực trả; truy thu và tính lãi theo Điều 40 Luật BHXH.",
        )
        .await;
    }
    click(c, "#transition-form button[type=submit]").await;
    assert!(
        reaches(c, to).await,
        "the case never reached {to}: {}",
        text(c, "main").await
    );
}

/// Fills the finding form: `sin` under-declared at 5,000,000 instead of 9,000,000 from `from` to
/// May 2026.
async fn fill_finding(c: &Client, sin: &str, from: &str) {
    for (name, value) in [
        ("kind", "under_declared"),
        ("person_sin", sin),
        ("from", from),
        ("to", "2026-05"),
        ("declared_salary", "5000000"),
        ("actual_salary", "9000000"),
    ] {
        set_field(c, "#finding-form", name, value).await;
    }
}

/// Whether the case page comes to show the case in `state` (the page after a submission).
async fn reaches(c: &Client, state: &str) -> bool {
    for _ in 0..50 {
        if let Ok(e) = c.find(Locator::Css("#case-state")).await
            && e.attr("data-state").await.ok().flatten().as_deref() == Some(state)
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

/// Issue 20 in Chromium: an inspector finds a unit on the risk list, opens a case from it,
/// takes it through decision, fieldwork with a finding, conclusion (the back-collection written
/// as a retroactive declaration) and follow-up, records the unit's payment, and the case closes
/// as remedied; the statistics count it (screenshots `compliance-risk`, `compliance-case`,
/// `compliance-conclusion`, `compliance-cases`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inspector_takes_a_unit_from_the_risk_list_to_a_closed_case_in_chromium() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = sqlite_app().await;
    let (s, _) = app
        .post(
            "/api/v1/employers",
            json!({"unit_code": "TX0002A", "tax_code": "0301234577", "name": "Công ty TNHH Giày Thái Bình", "province": "Thái Bình", "region": 2}),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::CREATED);
    let (s, report) = app
        .post(
            "/api/v1/employers/TX0002A/declarations",
            json!({"lines": [{"action": "hire", "personal_id": "034192000333", "name": "Ngô Thị Thu", "sex": "female", "birth_date": "1992-03-01",
                "date": "2026-03-01", "salary": 5000000, "contract_kind": "indefinite"}]}),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::CREATED, "{report}");
    let thu = report["lines"][0]["sin"].as_str().unwrap().to_string();
    for m in ["2026-03", "2026-04", "2026-05"] {
        let (s, body) = app
            .post(&format!("/api/v1/assessments/{m}"), json!({}))
            .await;
        assert!(s.is_success(), "{body}");
    }
    app.client_as("minh.inspector", Role::Inspector, None, None)
        .await;
    let c = browser(&driver).await;
    let base = app.base.clone();
    sign_in(&c, &base, "minh.inspector").await;

    // The risk list on 15 August 2026: three months unpaid, the reason written out.
    c.goto(&format!("{base}/ui/compliance/risk?as_of=2026-08-15"))
        .await
        .unwrap();
    wait_for_text(&c, "#risk", "TX0002A").await;
    shot(&c, "compliance-risk").await;
    click(&c, "#risk form.open-case button[type=submit]").await;
    text(&c, "#case-id").await;
    let case_id = text(&c, "#case-id").await;
    assert!(case_id.starts_with("KT-"), "{case_id}");

    move_case(&c, "decided", "2026-08-20").await;
    move_case(&c, "announced", "2026-08-21").await;
    move_case(&c, "fieldwork", "2026-08-24").await;
    // A finding outside the period examined is refused, naming the field.
    fill_finding(&c, &thu, "2026-02").await;
    click(&c, "#finding-form button[type=submit]").await;
    wait_for_text(&c, "main", "from").await;
    c.goto(&format!("{base}/ui/compliance/cases/{case_id}"))
        .await
        .unwrap();
    fill_finding(&c, &thu, "2026-03").await;
    click(&c, "#finding-form button[type=submit]").await;
    wait_for_text(&c, "#findings", &thu).await;
    move_case(&c, "reported", "2026-08-28").await;
    move_case(&c, "concluded", "2026-09-01").await;
    let batch = text(&c, "#case-batch").await;
    assert!(!batch.is_empty());
    let digits = |s: String| -> i64 {
        s.chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap()
    };
    let recommended = digits(text(&c, "#case-recommended").await);
    assert!(recommended > 0);
    shot(&c, "compliance-case").await;
    c.goto(&format!(
        "{base}/ui/compliance/cases/{case_id}/documents/conclusion"
    ))
    .await
    .unwrap();
    wait_for_text(&c, "main", "45/QĐ-BHXH").await;
    shot(&c, "compliance-conclusion").await;
    c.goto(&format!("{base}/ui/compliance/cases/{case_id}"))
        .await
        .unwrap();
    move_case(&c, "follow_up", "2026-09-03").await;

    // The unit pays what was recommended: the case closes as remedied.
    for (name, value) in [
        ("reference", "UNC-0001"),
        ("what", "back_collection"),
        ("paid_on", "2026-09-10"),
        ("amount", &recommended.to_string()),
    ] {
        set_field(&c, "#case-payment-form", name, value).await;
    }
    click(&c, "#case-payment-form button[type=submit]").await;
    assert!(
        reaches(&c, "closed").await,
        "the case did not close: {}",
        text(&c, "main").await
    );
    assert_eq!(digits(text(&c, "#case-outstanding").await), 0);
    assert_eq!(digits(text(&c, "#case-recovered").await), recommended);

    c.goto(&format!(
        "{base}/ui/compliance/cases?from=2026-01-01&to=2026-12-31"
    ))
    .await
    .unwrap();
    assert_eq!(text(&c, "#stat-examinations").await, "1");
    assert_eq!(digits(text(&c, "#stat-recovered").await), recommended);
    shot(&c, "compliance-cases").await;
    c.close().await.unwrap();
}

/// Issue 21 in Chromium: an employer adds a worker's maternity claim to its list with the birth
/// certificate, the benefits officer decides it from the record and runs the month's payroll,
/// and the worker reads the payment on her own benefits page (screenshots `benefits-queue`,
/// `benefit-claim`, `person-benefits`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_maternity_claim_goes_from_the_employers_list_to_the_payment_in_chromium() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = sqlite_app().await;
    let (s, _) = app
        .post(
            "/api/v1/employers",
            json!({"unit_code": "TM0001A", "tax_code": "0301234501", "name": "Công ty TNHH Thêu Huế", "province": "Thừa Thiên Huế", "region": 2}),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::CREATED);
    let (s, report) = app
        .post(
            "/api/v1/employers/TM0001A/declarations",
            json!({"lines": [{"action": "hire", "personal_id": "046193000123", "name": "Hồ Thị Mai", "sex": "female", "birth_date": "1993-04-02",
                "date": "2025-03-01", "salary": 9000000, "contract_kind": "indefinite"}]}),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::CREATED, "{report}");
    let mai = report["lines"][0]["sin"].as_str().unwrap().to_string();
    app.client_as("hr.tm1", Role::Employer, Some("TM0001A"), None)
        .await;
    app.client_as("lan.benefits", Role::BenefitsOfficer, None, None)
        .await;
    app.client_as("mai.self", Role::Insured, None, Some(&mai))
        .await;
    let base = app.base.clone();
    let c = browser(&driver).await;

    sign_in(&c, &base, "hr.tm1").await;
    c.goto(&format!("{base}/ui/employers/TM0001A/benefit-claims"))
        .await
        .unwrap();
    text(&c, "#claim-form").await;
    for (name, value) in [
        ("person_sin", mai.as_str()),
        ("kind", "maternity"),
        ("event_date", "2025-12-20"),
        ("documents", "birth_certificate"),
        ("children", "1"),
    ] {
        set_field(&c, "#claim-form", name, value).await;
    }
    click(&c, "#add-claim").await;
    wait_for_text(&c, "#employer-claims", &mai).await;
    sign_out(&c).await;

    sign_in(&c, &base, "lan.benefits").await;
    c.goto(&format!("{base}/ui/benefits?state=complete"))
        .await
        .unwrap();
    wait_for_text(&c, "#claims", &mai).await;
    shot(&c, "benefits-queue").await;
    click(&c, "#claims a[href^='/ui/benefits/claims/']").await;
    text(&c, "#decide-form").await;
    click(&c, "#decide").await;
    wait_for_text(&c, "#decision-outcome", "Được giải quyết").await;
    let amount = text(&c, "#decision-one-off").await;
    assert!(amount.contains('₫'), "{amount}");
    wait_for_text(&c, "#explanation", "Trợ cấp thai sản khi sinh con").await;
    shot(&c, "benefit-claim").await;
    c.goto(&format!("{base}/ui/benefits")).await.unwrap();
    set_field(&c, "#payroll-form", "month", "2026-01").await;
    click(&c, "#run-payroll").await;
    wait_for_text(&c, "#payroll-recipients", "1").await;
    assert_eq!(text(&c, "#payroll-total").await, amount);
    sign_out(&c).await;

    sign_in(&c, &base, "mai.self").await;
    c.goto(&format!("{base}/ui/persons/{mai}/benefits"))
        .await
        .unwrap();
    wait_for_text(&c, "#benefit-payments", &amount).await;
    shot(&c, "person-benefits").await;
    c.close().await.unwrap();
}
