//! Issue 17: a Lao NSSF deployment over HTTP — a database created for Laos, a generated Lao
//! population, its monthly run in kip under the Lao package, and pages in Lao by default.

mod common;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

macro_rules! on_both_lao {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let store = ansinh_testkit::fresh_sqlite("ansinh-lao").await;
                super::$name(super::lao_app(store).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let schema = format!("lao_{}", super::unique());
                let store = ansinh_testkit::fresh_postgres(&schema).await;
                super::$name(super::lao_app(store).await).await;
                ansinh_testkit::drop_schema(&schema).await;
            }
        }
    )*};
}

on_both_lao!(
    the_lao_monthly_run_charges_what_the_lao_package_computes,
    lao_pages_are_in_lao_with_kip,
    the_lao_registry_checks_lao_identifiers_and_provinces
);

/// Labour units and members are registered with Lao provinces and identifiers; Vietnamese
/// fields are refused naming them.
async fn the_lao_registry_checks_lao_identifiers_and_provinces(app: App) {
    let (s, e) = app
        .post(
            "/api/v1/employers",
            json!({"unit_code": "LAVT0001", "tax_code": "123456789012", "name": "ບໍລິສັດ ທົດລອງ ຈຳກັດ", "province": "Vientiane Capital"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    assert_eq!(e["province"], "ນະຄອນຫຼວງວຽງຈັນ", "stored in Lao: {e}");
    assert_eq!(e["region"], 0);
    for (body, field) in [
        (
            json!({"unit_code": "LAVT0002", "tax_code": "123456789012", "name": "x", "province": "VT", "region": 1}),
            "region",
        ),
        (
            json!({"unit_code": "LAVT0003", "tax_code": "123456789012", "name": "x", "province": "Hà Nội"}),
            "province",
        ),
        (
            json!({"unit_code": "LAVT0004", "tax_code": "12-34", "name": "x", "province": "VT"}),
            "tax_code",
        ),
    ] {
        let (s, err) = app.post("/api/v1/employers", body).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{err}");
        assert_eq!(err["error"]["field"], field, "{err}");
    }
    let (s, p) = app
        .post(
            "/api/v1/persons",
            json!({"personal_id": "0123456789", "name": "ບຸນມີ ພົມມະວົງ", "sex": "male", "birth_date": "1988-04-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["nationality"], "LA", "{p}");
    let (s, err) = app
        .post(
            "/api/v1/persons",
            json!({"personal_id": "12", "name": "ສຸດາ ສີສຸວັນ", "sex": "female", "birth_date": "1990-01-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{err}");
    assert_eq!(err["error"]["field"], "personal_id", "{err}");
}

/// Every line of the run equals `calc` of the Lao package on the same salary; the run is
/// refused under Vietnam's law; the registry holds Lao names and provinces.
async fn the_lao_monthly_run_charges_what_the_lao_package_computes(app: App) {
    let (s, summary) = app.post("/api/v1/assessments/2026-03", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{summary}");
    assert_eq!(summary["refused"], 0, "{summary}");
    let charged = summary["new_lines"].as_u64().unwrap();
    assert!(charged > 0, "{summary}");
    let (_, persons) = app.get("/api/v1/persons?limit=200").await;
    let persons = persons["items"].as_array().cloned().unwrap_or_default();
    assert!(!persons.is_empty());
    // Names are in Lao script.
    let lao_script = |t: &str| t.chars().any(|c| ('\u{0E80}'..='\u{0EFF}').contains(&c));
    assert!(
        persons
            .iter()
            .all(|p| lao_script(p["name"].as_str().unwrap_or(""))),
        "{persons:?}"
    );
    let mut checked = 0;
    let mut total = 0i64;
    for p in &persons {
        let sin = p["sin"].as_str().unwrap();
        let (s, history) = app
            .get(&format!("/api/v1/persons/{sin}/contributions"))
            .await;
        assert_eq!(s, StatusCode::OK, "{history}");
        for m in history["months"].as_array().unwrap() {
            if m["month"] != "2026-03" {
                continue;
            }
            let salary = m["salary"].as_i64().unwrap();
            let (s, calc) = app
                .post(
                    "/api/v1/calc",
                    json!({"kind": "contribution", "jurisdiction": "LA", "month": "2026-03",
                           "participant": "employee", "salary": salary}),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{calc}");
            assert_eq!(calc["currency"], "LAK");
            assert_eq!(m["employee_total"], calc["employee"]["total"], "{m} {calc}");
            assert_eq!(m["employer_total"], calc["employer"]["total"], "{m} {calc}");
            total += calc["total"].as_i64().unwrap();
            checked += 1;
        }
    }
    assert_eq!(checked, charged, "every line of the month was compared");
    assert_eq!(summary["month_total"].as_i64().unwrap(), total);
    // The ceiling of LAK 4,500,000 holds: no line above 11.5 % of it.
    let (_, employers) = app.get("/api/v1/employers").await;
    let employers = employers["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(employers.len(), 3);
    let provinces: Vec<&str> = ansinh_la::LAOS.provinces.iter().map(|p| p.local).collect();
    for e in &employers {
        assert!(provinces.contains(&e["province"].as_str().unwrap()), "{e}");
    }
    // A second run writes nothing new.
    let (_, again) = app.post("/api/v1/assessments/2026-03", json!({})).await;
    assert_eq!(again["new_lines"], 0, "{again}");
    assert_eq!(again["unchanged"].as_u64().unwrap(), charged);
    // A labour unit declares a hire with a Lao identity card; a Vietnamese citizen ID shape is
    // not asked for, and the next run charges the new member under the Lao law.
    let code = employers[0]["unit_code"].as_str().unwrap();
    let (s, report) = app
        .send(
            "POST",
            &format!("/api/v1/employers/{code}/declarations"),
            "text/csv",
            "action,personal_id,name,sex,birth_date,date,salary,contract_kind\nhire,2233445566,ວຽງໄຊ ອິນທະວົງ,male,1992-05-01,2026-03-02,3000000,indefinite\nhire,12,ສຸດາ ບຸບຜາ,female,1993-01-01,2026-03-02,3000000,indefinite\n"
                .as_bytes()
                .to_vec(),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    let text = report.to_string();
    assert!(
        text.contains("personal_id") && text.contains("Lao identity card"),
        "{report}"
    );
    // The batch is all or nothing: the good line alone is applied.
    let (s, report) = app
        .send(
            "POST",
            &format!("/api/v1/employers/{code}/declarations"),
            "text/csv",
            "action,personal_id,name,sex,birth_date,date,salary,contract_kind\nhire,2233445566,ວຽງໄຊ ອິນທະວົງ,male,1992-05-01,2026-03-02,3000000,indefinite\n"
                .as_bytes()
                .to_vec(),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{report}");
    let (_, person) = app.get("/api/v1/persons/by-personal-id/2233445566").await;
    assert_eq!(person["nationality"], "LA", "{person}");
    let (_, rerun) = app.post("/api/v1/assessments/2026-03", json!({})).await;
    assert_eq!(rerun["new_lines"], 1, "{rerun}");
    assert_eq!(
        rerun["month_total"].as_i64().unwrap(),
        total + 345_000,
        "TC-1: 3,000,000 kip → 165,000 + 180,000"
    );
    // Vietnam's law is refused on a Lao database, naming the jurisdiction.
    let err = app
        .store
        .assess_month(
            &ansinh_rules::Params::embedded().unwrap(),
            "2026-03".parse().unwrap(),
            &|_| {},
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("LA"), "{err}");
}

/// Without a language cookie or preference, pages are in Lao (`lang="lo"`), amounts in kip as
/// Lao users write them; English remains a choice.
async fn lao_pages_are_in_lao_with_kip(app: App) {
    let (s, _) = app.post("/api/v1/assessments/2026-03", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let login = plain_browser()
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(login.contains("<html lang=\"lo\">"), "{login}");
    // A user made without a preference reads Lao.
    let officer = app
        .client_as("somphone", ansinh_core::Role::CollectionOfficer, None, None)
        .await;
    let (_, employers) = app.get("/api/v1/employers").await;
    let code = employers["items"][0]["unit_code"]
        .as_str()
        .unwrap()
        .to_string();
    let page = officer
        .get(format!("{}/ui/employers/{code}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("<html lang=\"lo\">"), "{page}");
    assert!(page.contains(" ກີບ"), "amounts in kip: {page}");
    assert!(!page.contains('₫'), "no đồng on a Lao page: {page}");
    // The notice of the month, in kip.
    let (s, notice): (StatusCode, Value) = app
        .get(&format!("/api/v1/employers/{code}/notices/2026-03"))
        .await;
    assert_eq!(s, StatusCode::OK, "{notice}");
    assert!(notice["dues_this_month"].as_i64().unwrap() > 0, "{notice}");
    let printed = app
        .http
        .get(format!(
            "{}/api/v1/employers/{code}/notices/2026-03?format=html",
            app.base
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(printed.contains("ກອງທຶນປະກັນສັງຄົມແຫ່ງຊາດ"), "{printed}");
    assert!(
        printed.contains(" ກີບ") && !printed.contains("BẢO HIỂM XÃ HỘI"),
        "{printed}"
    );
    let due = ansinh_server::i18n::Lang::Lo.grouped(notice["dues_this_month"].as_i64().unwrap());
    assert!(printed.contains(&format!("{due} ກີບ")), "{due}: {printed}");
    let csv = app
        .http
        .get(format!(
            "{}/api/v1/employers/{code}/notices/2026-03?format=csv",
            app.base
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("NSSF — employer") && !csv.contains("BHYT"),
        "{csv}"
    );
    // Unpaid after the deadline: late, with no charge under a Vietnamese rule.
    let (s, account) = app
        .get(&format!(
            "/api/v1/employers/{code}/account?as_of=2026-06-15"
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{account}");
    let march = account["months"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["month"] == "2026-03")
        .cloned()
        .unwrap();
    assert_eq!(march["status"], "late", "{march}");
    assert_eq!(march["charge"], 0, "{march}");
    assert!(march["unpaid"].as_i64().unwrap() > 0);
    // The calculation over the record is Vietnam's law: on a Lao member it is refused, naming
    // the jurisdiction, never computed under the wrong law.
    let (_, persons) = app.get("/api/v1/persons?limit=1").await;
    let sin = persons["items"][0]["sin"].as_str().unwrap().to_string();
    let calc = page_text(
        &officer,
        format!("{}/ui/persons/{sin}/calculator?kind=pension", app.base),
    )
    .await;
    assert!(
        calc.contains("id=\"calc-error\"") && calc.contains("POST /api/v1/calc"),
        "{calc}"
    );
    // English on request.
    let english = officer
        .get(format!("{}/ui/employers/{code}", app.base))
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(english.contains("<html lang=\"en\">"));
    assert!(english.contains(" ₭"), "{english}");
}
