//! One suite, two backends: every scenario runs on SQLite (a fresh file) and on PostgreSQL (a
//! fresh schema on the server at `ANSINH_TEST_POSTGRES`, default 127.0.0.1:5432/test).

use ansinh_core::Role;
use ansinh_rules::Params;
use ansinh_store::access::NewUser;
use ansinh_store::audit::{Actor, AuditFilter};
use ansinh_store::card::NewCard;
use ansinh_store::claim::NewReview;
use ansinh_store::declaration::{DeclarationLine, parse_csv};
use ansinh_store::generate::GenerateOptions;
use ansinh_store::{EmployerFilter, NewEmployer, NewPerson, Page, PersonFilter, Store, StoreError};

use ansinh_testkit::{drop_schema, postgres_url, unique};

async fn sqlite() -> Store {
    ansinh_testkit::fresh_sqlite("ansinh-store").await
}

async fn postgres(schema: &str) -> Store {
    ansinh_testkit::fresh_postgres(schema).await
}

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(super::sqlite().await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let schema = format!("t_{}", super::unique());
                super::$name(super::postgres(&schema).await).await;
                super::drop_schema(&schema).await;
            }
        }
    )*};
}

on_both!(
    registry_checks_and_lists,
    declarations_apply_and_keep_history,
    one_bad_line_rejects_the_whole_batch,
    resubmission_returns_the_first_result,
    concurrent_identical_submissions_apply_once,
    line_errors_name_the_field,
    generated_population_is_consistent,
    chunked_run_equals_one_chunk,
    monthly_assessment_is_idempotent_and_adjusts,
    a_raise_declared_ahead_applies_from_its_month,
    late_hire_is_collected_back_as_evasion,
    sick_leave_in_the_first_month_is_still_charged,
    payments_settle_the_oldest_month_first,
    payments_are_positive_dated_and_corrected_by_reversal,
    urged_and_unpaid_after_60_days_is_evasion_and_listed,
    users_sign_in_with_sessions_tokens_and_throttling,
    every_write_leaves_an_audit_row_that_cannot_be_changed,
    claims_are_versioned_checked_across_files_reviewed_and_settled,
    cards_are_issued_renewed_and_linked_to_the_person,
    co_payments_stop_at_the_yearly_cap_across_files,
    a_korean_certificate_exempts_the_pension_fund_until_it_ends,
    a_conscripts_record_is_assessed_insured_and_transferred_once,
    an_examination_goes_from_the_risk_list_to_a_remedied_close,
    any_concluded_back_collection_reconciles_with_the_ledger_and_runs_once,
);

fn employer(code: &str, region: i64) -> NewEmployer {
    NewEmployer {
        unit_code: code.into(),
        tax_code: "0101234567".into(),
        name: "Công ty TNHH May Sài Gòn".into(),
        address: "12 Lê Lợi, Quận 1".into(),
        province: "TP. Hồ Chí Minh".into(),
        region,
        occupational_rate: "0.5%".into(),
        status: "active".into(),
    }
}

fn params() -> Params {
    Params::embedded().unwrap()
}

fn hire(personal_id: &str, name: &str, date: &str, salary: i64) -> DeclarationLine {
    let female = personal_id.as_bytes()[3] % 2 == 1;
    DeclarationLine {
        action: "hire".into(),
        personal_id: personal_id.into(),
        sin: None,
        name: Some(name.into()),
        sex: Some(if female { "female" } else { "male" }.into()),
        birth_date: Some(format!("19{}-05-20", &personal_id[4..6])),
        nationality: None,
        date: date.into(),
        salary: Some(salary),
        allowances: None,
        contract_kind: Some("indefinite".into()),
        contract_months: None,
        reason: None,
    }
}

fn change(action: &str, personal_id: &str, date: &str, salary: Option<i64>) -> DeclarationLine {
    DeclarationLine {
        action: action.into(),
        personal_id: personal_id.into(),
        sin: None,
        name: None,
        sex: None,
        birth_date: None,
        nationality: None,
        date: date.into(),
        salary,
        allowances: None,
        contract_kind: None,
        contract_months: None,
        reason: None,
    }
}

async fn submit(
    store: &Store,
    code: &str,
    lines: &[DeclarationLine],
    key: Option<&str>,
) -> Result<ansinh_store::declaration::BatchReport, StoreError> {
    let body = serde_json::to_vec(lines).unwrap();
    store
        .submit_declarations(&params(), code, lines, key, &body)
        .await
}

async fn count_persons(store: &Store) -> usize {
    store
        .list_persons(
            &PersonFilter::default(),
            &Page {
                after: None,
                limit: Some(500),
            },
        )
        .await
        .unwrap()
        .len()
}

async fn registry_checks_and_lists(store: Store) {
    store
        .create_employer(&employer("TA0001A", 1))
        .await
        .unwrap();
    assert!(matches!(
        store.create_employer(&employer("ta0001a", 1)).await,
        Err(StoreError::Conflict { .. })
    ));
    match store.create_employer(&employer("TA0002A", 5)).await {
        Err(StoreError::Invalid { field, .. }) => assert_eq!(field, "region"),
        other => panic!("{other:?}"),
    }
    let mut bad_tax = employer("TA0003A", 1);
    bad_tax.tax_code = "12345".into();
    assert!(
        matches!(store.create_employer(&bad_tax).await, Err(StoreError::Invalid { field, .. }) if field == "tax_code")
    );

    let person = NewPerson {
        sin: None,
        personal_id: "079180000123".into(),
        name: "Nguyễn Thị Lan".into(),
        sex: "female".into(),
        birth_date: "1980-06-01".into(),
        nationality: "VN".into(),
    };
    let lan = store.create_person(&person).await.unwrap();
    assert_eq!(lan.sin.len(), 10);
    assert!(
        matches!(store.create_person(&person).await, Err(StoreError::Conflict { field, .. }) if field == "personal_id")
    );
    let mut mismatch = person.clone();
    mismatch.personal_id = "079080000124".into();
    assert!(
        matches!(store.create_person(&mismatch).await, Err(StoreError::Invalid { field, .. }) if field == "personal_id")
    );
    let mut bad = person.clone();
    bad.personal_id = "07918000012".into();
    assert!(
        matches!(store.create_person(&bad).await, Err(StoreError::Invalid { field, .. }) if field == "personal_id")
    );

    for i in 0..5 {
        let p = NewPerson {
            personal_id: format!("00108500{i:04}"),
            name: format!("Trần Văn {i}"),
            sex: "male".into(),
            birth_date: "1985-01-01".into(),
            ..person.clone()
        };
        store.create_person(&p).await.unwrap();
    }
    let page1 = store
        .list_persons(
            &PersonFilter {
                q: Some("Trần".into()),
                ..Default::default()
            },
            &Page {
                after: None,
                limit: Some(3),
            },
        )
        .await
        .unwrap();
    assert_eq!(page1.len(), 3);
    let page2 = store
        .list_persons(
            &PersonFilter {
                q: Some("Trần".into()),
                ..Default::default()
            },
            &Page {
                after: Some(page1[2].sin.clone()),
                limit: Some(3),
            },
        )
        .await
        .unwrap();
    assert_eq!(page2.len(), 2);
    assert!(page2.iter().all(|p| p.sin > page1[2].sin));
    assert_eq!(
        store.person(&lan.sin).await.unwrap().unwrap().name,
        "Nguyễn Thị Lan"
    );
    assert_eq!(
        store
            .person_by_personal_id("079180000123")
            .await
            .unwrap()
            .unwrap()
            .sin,
        lan.sin
    );
    let listed = store
        .list_employers(
            &EmployerFilter {
                region: Some(1),
                ..Default::default()
            },
            &Page::default(),
        )
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert!(
        store
            .list_employers(
                &EmployerFilter {
                    q: Some("%".into()),
                    ..Default::default()
                },
                &Page::default()
            )
            .await
            .unwrap()
            .is_empty()
    );
}

async fn declarations_apply_and_keep_history(store: Store) {
    store
        .create_employer(&employer("TA0001A", 1))
        .await
        .unwrap();
    let lines = vec![
        hire("079180000123", "Nguyễn Thị Lan", "2026-01-05", 10_000_000),
        hire("001085000001", "Trần Văn Nam", "2026-02-01", 8_000_000),
    ];
    let report = submit(&store, "TA0001A", &lines, None).await.unwrap();
    assert!(report.applied(), "{report:?}");
    let sin = report.lines[0].sin.clone().unwrap();
    let changes = vec![
        change("salary", "079180000123", "2026-04", Some(12_000_000)),
        change("suspend", "079180000123", "2026-05-01", None),
        change("resume", "079180000123", "2026-11-01", None),
        change("salary", "079180000123", "2026-04", Some(12_500_000)),
        change("leave", "001085000001", "2026-06-30", None),
    ];
    let report = submit(&store, "TA0001A", &changes, Some("batch-2"))
        .await
        .unwrap();
    assert!(report.applied(), "{report:?}");
    let employments = store.employments(&sin).await.unwrap();
    assert_eq!(employments.len(), 1);
    let e = &employments[0];
    assert_eq!(
        (
            e.status.as_str(),
            e.contract_kind.as_str(),
            e.participant.as_str()
        ),
        ("active", "indefinite", "employee")
    );
    let salaries: Vec<(String, i64, Option<i64>)> = e
        .salaries
        .iter()
        .map(|s| (s.effective_month.clone(), s.salary, s.supersedes))
        .collect();
    assert_eq!(
        salaries,
        vec![
            ("2026-01".into(), 10_000_000, None),
            ("2026-04".into(), 12_000_000, None),
            ("2026-04".into(), 12_500_000, Some(2))
        ]
    );
    assert_eq!(
        e.events
            .iter()
            .map(|x| x.event.as_str())
            .collect::<Vec<_>>(),
        ["suspend", "resume"]
    );
    let nam = store
        .person_by_personal_id("001085000001")
        .await
        .unwrap()
        .unwrap();
    let nam_jobs = store.employments(&nam.sin).await.unwrap();
    assert_eq!(
        (nam_jobs[0].status.as_str(), nam_jobs[0].end_date.as_deref()),
        ("ended", Some("2026-06-30"))
    );
    // A new hire after the leave is a second employment.
    let rehire = vec![hire(
        "001085000001",
        "Trần Văn Nam",
        "2026-08-01",
        9_000_000,
    )];
    let report = submit(&store, "TA0001A", &rehire, None).await.unwrap();
    assert_eq!(
        report.lines[0].employment_id.as_deref(),
        Some(format!("{}-02", nam.sin).as_str())
    );
    let workers = store
        .list_persons(
            &PersonFilter {
                employer: Some("TA0001A".into()),
                ..Default::default()
            },
            &Page::default(),
        )
        .await
        .unwrap();
    assert_eq!(workers.len(), 2);
}

async fn one_bad_line_rejects_the_whole_batch(store: Store) {
    store
        .create_employer(&employer("TA0001A", 1))
        .await
        .unwrap();
    let lines = vec![
        hire("079180000123", "Nguyễn Thị Lan", "2026-01-05", 10_000_000),
        hire("001085000001", "Trần Văn Nam", "2026-02-01", 1_000_000),
        hire("001085000002", "Trần Văn Bình", "2026-02-01", 9_000_000),
    ];
    let report = submit(&store, "TA0001A", &lines, None).await.unwrap();
    assert_eq!(report.status, "rejected");
    assert!(report.batch_id.is_none());
    assert!(report.lines[0].ok && !report.lines[1].ok && report.lines[2].ok);
    assert_eq!(report.lines[1].errors[0].field, "salary");
    assert_eq!(count_persons(&store).await, 0, "nothing may be written");
    // Fixed, the same batch goes through.
    let mut fixed = lines.clone();
    fixed[1].salary = Some(6_000_000);
    assert!(
        submit(&store, "TA0001A", &fixed, None)
            .await
            .unwrap()
            .applied()
    );
    assert_eq!(count_persons(&store).await, 3);
}

async fn resubmission_returns_the_first_result(store: Store) {
    store
        .create_employer(&employer("TA0001A", 1))
        .await
        .unwrap();
    let lines = vec![hire(
        "079180000123",
        "Nguyễn Thị Lan",
        "2026-01-05",
        10_000_000,
    )];
    let first = submit(&store, "TA0001A", &lines, Some("k-1"))
        .await
        .unwrap();
    let again = submit(&store, "TA0001A", &lines, Some("k-1"))
        .await
        .unwrap();
    let same_bytes = submit(&store, "TA0001A", &lines, None).await.unwrap();
    assert!(!first.replayed && again.replayed && same_bytes.replayed);
    assert_eq!(first.batch_id, again.batch_id);
    assert_eq!(first.batch_id, same_bytes.batch_id);
    assert_eq!(count_persons(&store).await, 1);
    let other = vec![hire(
        "001085000001",
        "Trần Văn Nam",
        "2026-02-01",
        8_000_000,
    )];
    assert!(matches!(
        submit(&store, "TA0001A", &other, Some("k-1")).await,
        Err(StoreError::Conflict { .. })
    ));
    let stored = store
        .batch("TA0001A", first.batch_id.as_deref().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.lines, first.lines);
}

async fn concurrent_identical_submissions_apply_once(store: Store) {
    store
        .create_employer(&employer("TA0001A", 1))
        .await
        .unwrap();
    let lines: Vec<DeclarationLine> = (0..20)
        .map(|i| {
            hire(
                &format!("00108500{i:04}"),
                &format!("Lê Văn {i}"),
                "2026-03-02",
                7_000_000,
            )
        })
        .collect();
    let (a, b) = tokio::join!(
        submit(&store, "TA0001A", &lines, Some("same")),
        submit(&store, "TA0001A", &lines, Some("same"))
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.batch_id, b.batch_id);
    assert!(
        a.replayed != b.replayed,
        "exactly one applied: {} {}",
        a.replayed,
        b.replayed
    );
    assert_eq!(count_persons(&store).await, 20);
}

async fn line_errors_name_the_field(store: Store) {
    store
        .create_employer(&employer("TA0001A", 1))
        .await
        .unwrap();
    store
        .create_employer(&employer("TB0001B", 2))
        .await
        .unwrap();
    assert!(
        submit(
            &store,
            "TA0001A",
            &[hire(
                "079180000123",
                "Nguyễn Thị Lan",
                "2026-01-05",
                10_000_000
            )],
            None
        )
        .await
        .unwrap()
        .applied()
    );
    let first_error = |lines: Vec<DeclarationLine>, code: &'static str| {
        let store = store.clone();
        async move {
            let r = submit(&store, code, &lines, None).await.unwrap();
            assert_eq!(r.status, "rejected");
            let bad = r.lines.iter().find(|l| !l.ok).unwrap();
            (
                bad.line,
                bad.errors[0].field.clone(),
                bad.errors[0].reason.clone(),
            )
        }
    };
    let (_, field, reason) = first_error(
        vec![hire(
            "079180000123",
            "Nguyễn Thị Lan",
            "2026-03-01",
            6_000_000,
        )],
        "TB0001B",
    )
    .await;
    assert_eq!(field, "date");
    assert!(reason.contains("overlaps"), "{reason}");
    let (_, field, _) = first_error(
        vec![change("leave", "001085000009", "2026-03-01", None)],
        "TA0001A",
    )
    .await;
    assert_eq!(field, "personal_id");
    let (_, field, _) = first_error(
        vec![change("leave", "079180000123", "2025-12-31", None)],
        "TA0001A",
    )
    .await;
    assert_eq!(field, "date");
    let dup = change("salary", "079180000123", "2026-04", Some(11_000_000));
    let (line, field, reason) = first_error(vec![dup.clone(), dup], "TA0001A").await;
    assert_eq!((line, field.as_str()), (2, "line"));
    assert!(reason.contains("duplicate of line 1"));
    let (_, field, _) = first_error(
        vec![change("salary", "079180000123", "2026-04", Some(5_000_000))],
        "TA0001A",
    )
    .await;
    assert_eq!(field, "salary");
    let (_, field, _) = first_error(
        vec![change("promote", "079180000123", "2026-04", None)],
        "TA0001A",
    )
    .await;
    assert_eq!(field, "action");
    let mut foreign = hire("M12345678", "Kim Min-jun", "2026-03-01", 30_000_000);
    foreign.nationality = Some("KR".into());
    foreign.birth_date = Some("1990-01-01".into());
    foreign.contract_kind = Some("definite".into());
    foreign.contract_months = Some(6);
    let (_, field, _) = first_error(vec![foreign.clone()], "TA0001A").await;
    assert_eq!(field, "contract_months");
    foreign.contract_months = Some(24);
    assert!(
        submit(&store, "TA0001A", &[foreign], None)
            .await
            .unwrap()
            .applied()
    );
    assert!(matches!(
        submit(
            &store,
            "ZZ9999Z",
            &[change("leave", "079180000123", "2026-03-01", None)],
            None
        )
        .await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn generated_population_is_consistent(store: Store) {
    let opts = GenerateOptions {
        employers: 5,
        persons: 300,
        seed: 7,
        until: "2026-06".parse().unwrap(),
    };
    let summary = store.generate(&params(), &opts, &|_| {}).await.unwrap();
    assert_eq!((summary.employers, summary.persons), (5, 300));
    assert!(summary.employments >= 300 && summary.salaries >= summary.employments);
    let people = store
        .list_persons(
            &PersonFilter::default(),
            &Page {
                after: None,
                limit: Some(500),
            },
        )
        .await
        .unwrap();
    assert_eq!(people.len(), 300);
    assert!(
        people
            .iter()
            .filter(|p| p.nationality == "VN")
            .all(|p| p.personal_id.len() == 12)
    );
    // Generated persons take declarations like any other.
    let worker = people.iter().find(|p| p.nationality == "VN").unwrap();
    let jobs = store.employments(&worker.sin).await.unwrap();
    assert!(!jobs.is_empty());
}

/// A run cut into many small chunks writes exactly what one chunk would, and the employers'
/// dues it rebuilds add up to the month's total.
async fn chunked_run_equals_one_chunk(store: Store) {
    let p = params();
    let opts = GenerateOptions {
        employers: 4,
        persons: 200,
        seed: 11,
        until: "2026-10".parse().unwrap(),
    };
    store.generate(&p, &opts, &|_| {}).await.unwrap();
    let month = "2026-10".parse().unwrap();
    let chunked = store
        .assess_month_in_chunks(&p, month, 7, &|_| {})
        .await
        .unwrap();
    assert!(chunked.new_lines > 150, "{chunked:?}");
    assert_eq!(chunked.written_total, chunked.month_total);
    let whole = store
        .assess_month_in_chunks(&p, month, 1_000_000, &|_| {})
        .await
        .unwrap();
    assert_eq!(whole.new_lines + whole.adjustments, 0, "{whole:?}");
    assert_eq!(whole.unchanged, chunked.new_lines);
    assert_eq!(
        (whole.month_total, whole.employments, whole.employers),
        (chunked.month_total, chunked.employments, chunked.employers)
    );
    let employers = store
        .list_employers(&EmployerFilter::default(), &Page::default())
        .await
        .unwrap();
    let mut from_notices = 0;
    let mut headcount = 0;
    for e in &employers {
        let notice = store.notice(&p, &e.unit_code, month).await.unwrap();
        from_notices += notice.dues_this_month;
        headcount += notice.headcount;
    }
    assert_eq!(from_notices, chunked.month_total);
    assert_eq!(headcount as u64, chunked.new_lines);
}

#[test]
fn csv_accepts_a_bom_and_refuses_other_delimiters_and_encodings() {
    let csv = "\u{feff}action,personal_id,name,sex,birth_date,date,salary\nhire,079180000123,Nguyễn Thị Lan,female,1980-06-01,2026-01-05,10000000\n";
    let lines = parse_csv(csv.as_bytes()).unwrap();
    assert_eq!(lines[0].name.as_deref(), Some("Nguyễn Thị Lan"));
    assert_eq!(lines[0].salary, Some(10_000_000));
    let semi = "action;personal_id;date\nhire;079180000123;2026-01-05\n";
    assert!(
        matches!(parse_csv(semi.as_bytes()), Err(StoreError::Invalid { reason, .. }) if reason.contains("commas"))
    );
    let latin1 = b"action,personal_id,name,date\nhire,079180000123,Nguy\xe9n,2026-01-05\n";
    assert!(
        matches!(parse_csv(latin1), Err(StoreError::Invalid { reason, .. }) if reason.contains("line 2 is not UTF-8"))
    );
    let bad_number = "action,personal_id,date,salary\nsalary,079180000123,2026-04,ten\n";
    assert!(
        matches!(parse_csv(bad_number.as_bytes()), Err(StoreError::Invalid { field, .. }) if field == "lines[1].salary")
    );
    let unknown = "action,personal_id,date,bonus\n";
    assert!(
        matches!(parse_csv(unknown.as_bytes()), Err(StoreError::Invalid { reason, .. }) if reason.contains("bonus"))
    );
}

/// A worker declared months after starting: the next run collects back (truy thu) every month
/// already run since the start, and those months are evasion (registered more than 60 days after
/// the 30-day registration window, L41 Art. 39.1.a).
async fn late_hire_is_collected_back_as_evasion(store: Store) {
    let p = params();
    let store = store.receiving_on("2026-01-05".parse().unwrap());
    store
        .create_employer(&employer("TB0001B", 1))
        .await
        .unwrap();
    let first = vec![hire(
        "079180000123",
        "Nguyễn Thị Lan",
        "2026-01-05",
        10_000_000,
    )];
    assert!(
        submit(&store, "TB0001B", &first, None)
            .await
            .unwrap()
            .applied()
    );
    let mut february = None;
    for month in ["2026-02", "2026-03"] {
        let run = store
            .assess_month(&p, month.parse().unwrap(), &|_| {})
            .await
            .unwrap();
        february.get_or_insert(run.month_total);
    }
    // Declared on 20 May, working since Monday 2 February at the same salary: 77 days after
    // the registration window closed on 4 March.
    let may = store.receiving_on("2026-05-20".parse().unwrap());
    let late = vec![hire(
        "001085000001",
        "Trần Văn Nam",
        "2026-02-02",
        10_000_000,
    )];
    assert!(
        submit(&may, "TB0001B", &late, None)
            .await
            .unwrap()
            .applied()
    );
    let april = store
        .assess_month(&p, "2026-04".parse().unwrap(), &|_| {})
        .await
        .unwrap();
    // April for both, and February and March for Nam.
    assert_eq!((april.new_lines, april.adjustments), (4, 0), "{april:?}");
    let notice = store
        .notice(&p, "TB0001B", "2026-04".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(notice.headcount, 2);
    assert_eq!(notice.adjustments.get("2026-02"), february.as_ref());
    assert_eq!(notice.adjustments.get("2026-03"), february.as_ref());
    let account = store
        .account(&p, "TB0001B", "2026-06-15".parse().unwrap())
        .await
        .unwrap();
    let status: Vec<(&str, &str)> = account
        .months
        .iter()
        .map(|m| (m.month.as_str(), m.status.as_str()))
        .collect();
    assert_eq!(status[0], ("2026-02", "evasion"), "{status:?}");
    assert_eq!(status[1], ("2026-03", "evasion"), "{status:?}");
    // A re-run of April writes nothing more.
    let again = store
        .assess_month(&p, "2026-04".parse().unwrap(), &|_| {})
        .await
        .unwrap();
    assert_eq!((again.new_lines, again.adjustments), (0, 0), "{again:?}");
}

/// L41 Art. 33.6: a worker on sick leave for 14 working days or more of their first month is
/// still contributed for; maternity leave in the same days is not.
async fn sick_leave_in_the_first_month_is_still_charged(store: Store) {
    let store = store.receiving_on("2026-03-02".parse().unwrap());
    let p = params();
    store
        .create_employer(&employer("TC0001C", 1))
        .await
        .unwrap();
    let hires = vec![
        hire("079180000123", "Nguyễn Thị Lan", "2026-03-02", 10_000_000),
        hire("001085000001", "Trần Văn Nam", "2026-03-02", 10_000_000),
    ];
    assert!(
        submit(&store, "TC0001C", &hires, None)
            .await
            .unwrap()
            .applied()
    );
    let away = |personal_id: &str, reason: &str| {
        let mut line = change("suspend", personal_id, "2026-03-04", None);
        line.reason = Some(reason.into());
        line
    };
    let leave = vec![
        away("079180000123", "maternity"),
        away("001085000001", "sickness"),
        change("resume", "079180000123", "2026-04-01", None),
        change("resume", "001085000001", "2026-04-01", None),
    ];
    let report = submit(&store, "TC0001C", &leave, None).await.unwrap();
    assert!(report.applied(), "{report:?}");
    let march = store
        .assess_month(&p, "2026-03".parse().unwrap(), &|_| {})
        .await
        .unwrap();
    // Nam (sick) is charged, Lan (maternity) is not.
    assert_eq!((march.new_lines, march.not_charged), (1, 1), "{march:?}");
    assert_eq!(march.month_total, 3_200_000);
}

async fn monthly_assessment_is_idempotent_and_adjusts(store: Store) {
    // Workers declared on the day they start: registered in time.
    let store = store.receiving_on("2026-01-05".parse().unwrap());
    let p = params();
    store
        .create_employer(&employer("TA0001A", 1))
        .await
        .unwrap();
    let lines = vec![
        hire("079180000123", "Nguyễn Thị Lan", "2026-01-05", 10_000_000),
        hire("001085000001", "Trần Văn Nam", "2026-03-20", 8_000_000),
    ];
    let report = submit(&store, "TA0001A", &lines, None).await.unwrap();
    let lan = report.lines[0].sin.clone().unwrap();
    let march = "2026-03".parse().unwrap();
    let run = store.assess_month(&p, march, &|_| {}).await.unwrap();
    // Nam started on Friday 20 March: 14 working days unpaid, March is not charged.
    assert_eq!(
        (run.new_lines, run.not_charged, run.adjustments),
        (1, 1, 0),
        "{run:?}"
    );
    assert_eq!(run.written_total, 3_200_000);
    let again = store.assess_month(&p, march, &|_| {}).await.unwrap();
    assert_eq!(
        (
            again.new_lines,
            again.adjustments,
            again.unchanged,
            again.written_total
        ),
        (0, 0, 1, 0),
        "{again:?}"
    );

    // A retroactive raise for March, declared in April: April's run adds the difference for March.
    let raise = vec![change(
        "salary",
        "079180000123",
        "2026-03",
        Some(12_000_000),
    )];
    assert!(
        submit(&store, "TA0001A", &raise, None)
            .await
            .unwrap()
            .applied()
    );
    let april = store
        .assess_month(&p, "2026-04".parse().unwrap(), &|_| {})
        .await
        .unwrap();
    assert_eq!((april.new_lines, april.adjustments), (2, 1), "{april:?}");
    assert_eq!(april.written_total, 3_840_000 + 2_560_000 + 640_000);
    let notice = store
        .notice(&p, "TA0001A", "2026-04".parse().unwrap())
        .await
        .unwrap();
    assert_eq!((notice.headcount, notice.dues_this_month), (2, 6_400_000));
    assert_eq!(notice.adjustments.get("2026-03"), Some(&640_000));
    assert_eq!(notice.total_due, 7_040_000);
    assert_eq!(notice.funds["employee_pension_survivor"], 960_000 + 640_000);
    let history = store.contribution_history(&lan).await.unwrap();
    let months: Vec<(&str, i64, i64)> = history
        .months
        .iter()
        .map(|m| (m.month.as_str(), m.employee_total, m.lines))
        .collect();
    assert_eq!(
        months,
        vec![("2026-03", 1_260_000, 2), ("2026-04", 1_260_000, 1)]
    );
    assert_eq!(
        (history.months_for_pension, history.months_for_unemployment),
        (2, 2)
    );

    // Maternity leave from May: May is not charged; nothing is written for it.
    let leave = vec![change("suspend", "079180000123", "2026-05-01", None)];
    assert!(
        submit(&store, "TA0001A", &leave, None)
            .await
            .unwrap()
            .applied()
    );
    let may = store
        .assess_month(&p, "2026-05".parse().unwrap(), &|_| {})
        .await
        .unwrap();
    assert_eq!((may.new_lines, may.not_charged), (1, 1), "{may:?}");
    assert_eq!(
        store.contribution_history(&lan).await.unwrap().months.len(),
        2
    );
}

async fn a_raise_declared_ahead_applies_from_its_month(store: Store) {
    // The run reads each employment's latest salary record; a record that takes effect after
    // the month sends it back to the whole history.
    let store = store.receiving_on("2026-01-05".parse().unwrap());
    let p = params();
    store
        .create_employer(&employer("TA0002A", 1))
        .await
        .unwrap();
    let hired = vec![hire("079180000124", "Lê Thị Hoa", "2026-01-05", 10_000_000)];
    submit(&store, "TA0002A", &hired, None).await.unwrap();
    let declare_salary = async |month: &str, salary: i64| {
        let line = vec![change("salary", "079180000124", month, Some(salary))];
        let report = submit(&store, "TA0002A", &line, None).await.unwrap();
        assert!(report.applied(), "{report:?}");
    };
    let run = async |month: &str| {
        let summary = store.assess_month(&p, month.parse().unwrap(), &|_| {});
        let s = summary.await.unwrap();
        (s.new_lines, s.adjustments, s.written_total)
    };
    declare_salary("2026-06", 12_000_000).await;
    // 32 % of 10,000,000 (employee 10.5 %, employer 21.5 %), then of 12,000,000.
    assert_eq!(run("2026-05").await, (1, 0, 3_200_000));
    assert_eq!(run("2026-06").await, (1, 0, 3_840_000));
    // A correction for an earlier month recorded after the raise leaves the raise the latest.
    declare_salary("2026-05", 11_000_000).await;
    // July at 12,000,000, and May collected back on the difference of 1,000,000.
    assert_eq!(run("2026-07").await, (1, 1, 3_840_000 + 320_000));
}

async fn payments_settle_the_oldest_month_first(store: Store) {
    use ansinh_store::account::PaymentRecord;
    // Workers declared on the day they start: registered in time.
    let store = store.receiving_on("2026-01-05".parse().unwrap());
    let p = params();
    store
        .create_employer(&employer("TA0001A", 1))
        .await
        .unwrap();
    let lines = vec![hire(
        "079180000123",
        "Nguyễn Thị Lan",
        "2026-01-05",
        10_000_000,
    )];
    assert!(
        submit(&store, "TA0001A", &lines, None)
            .await
            .unwrap()
            .applied()
    );
    for month in ["2026-02", "2026-03"] {
        store
            .assess_month(&p, month.parse().unwrap(), &|_| {})
            .await
            .unwrap();
    }
    let pay = |reference: &str, paid_on: &str, amount: i64| PaymentRecord {
        reference: reference.into(),
        paid_on: paid_on.into(),
        amount,
        reverses: None,
    };
    // February (3,200,000, due 31 March) paid on time; March (due 30 April) paid half on time,
    // the rest 30 days late.
    store
        .record_payment("TA0001A", &pay("VCB-001", "2026-03-20", 4_800_000))
        .await
        .unwrap();
    store
        .record_payment("TA0001A", &pay("VCB-002", "2026-05-30", 1_600_000))
        .await
        .unwrap();
    // The same bank reference again is a replay; with other values, a conflict.
    store
        .record_payment("TA0001A", &pay("VCB-002", "2026-05-30", 1_600_000))
        .await
        .unwrap();
    assert!(matches!(
        store
            .record_payment("TA0001A", &pay("VCB-002", "2026-05-30", 1))
            .await,
        Err(StoreError::Conflict { .. })
    ));
    let account = store
        .account(&p, "TA0001A", "2026-06-15".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(
        (account.dues, account.paid, account.balance),
        (6_400_000, 6_400_000, 0)
    );
    let feb = &account.months[0];
    assert_eq!(
        (feb.status.as_str(), feb.unpaid, feb.charge),
        ("on_time", 0, 0)
    );
    let mar = &account.months[1];
    assert_eq!(
        (mar.status.as_str(), mar.days_late, mar.unpaid),
        ("late", 30, 0)
    );
    // 1,600,000 unpaid for 30 days at 0.03 % a day.
    assert_eq!(mar.charge, 14_400);
    assert_eq!(account.charge, 14_400);
    let notice = store
        .notice(&p, "TA0001A", "2026-03".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(
        (
            notice.opening_balance,
            notice.total_due,
            notice.payments,
            notice.closing_balance,
            notice.late_charge
        ),
        (3_200_000, 3_200_000, 4_800_000, 1_600_000, 0)
    );
    // Before the second payment, March is in arrears.
    let earlier = store
        .account(&p, "TA0001A", "2026-05-15".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(
        (earlier.months[1].unpaid, earlier.months[1].age.as_str()),
        (1_600_000, "0-30")
    );
    assert_eq!(earlier.balance, 1_600_000);
    // The agency-wide ageing of the dashboard agrees with the employer's account.
    let ageing = store
        .arrears_ageing("2026-05-15".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(ageing, earlier.ageing);
    assert_eq!(ageing.get("0-30"), Some(&1_600_000));
    assert!(
        store
            .arrears_ageing("2026-06-15".parse().unwrap())
            .await
            .unwrap()
            .is_empty()
    );
}

async fn urged_and_unpaid_after_60_days_is_evasion_and_listed(store: Store) {
    use ansinh_store::account::Urging;
    // Workers declared on the day they start: registered in time.
    let store = store.receiving_on("2026-01-05".parse().unwrap());
    let p = params();
    store
        .create_employer(&employer("TA0001A", 1))
        .await
        .unwrap();
    store
        .create_employer(&employer("TB0002B", 1))
        .await
        .unwrap();
    assert!(
        submit(
            &store,
            "TA0001A",
            &[hire(
                "079180000123",
                "Nguyễn Thị Lan",
                "2026-01-05",
                10_000_000
            )],
            None
        )
        .await
        .unwrap()
        .applied()
    );
    assert!(
        submit(
            &store,
            "TB0002B",
            &[hire(
                "001085000001",
                "Trần Văn Nam",
                "2026-01-05",
                10_000_000
            )],
            None
        )
        .await
        .unwrap()
        .applied()
    );
    store
        .assess_month(&p, "2026-03".parse().unwrap(), &|_| {})
        .await
        .unwrap();
    let urging = Urging {
        month: "2026-03".into(),
        reference: "CV-123/BHXH".into(),
        urged_on: "2026-05-20".into(),
    };
    store.record_urging("TA0001A", &urging).await.unwrap();
    store.record_urging("TA0001A", &urging).await.unwrap();
    let early = Urging {
        urged_on: "2026-04-30".into(),
        ..urging.clone()
    };
    assert!(
        matches!(store.record_urging("TA0001A", &early).await, Err(StoreError::Invalid { field, .. }) if field == "urged_on")
    );
    // Deadline 30 April; on 30 June (day 61) both are unpaid; only TA0001A was urged.
    let as_of = "2026-06-30".parse().unwrap();
    let a = store.account(&p, "TA0001A", as_of).await.unwrap();
    assert_eq!(
        (a.months[0].status.as_str(), a.months[0].days_late),
        ("evasion", 61)
    );
    assert_eq!(a.months[0].charge, 3_200_000 * 61 * 3 / 10_000);
    assert_eq!(a.ageing.get("61-90"), Some(&3_200_000));
    let b = store.account(&p, "TB0002B", as_of).await.unwrap();
    assert_eq!(b.months[0].status, "late");
    let list = store.compliance_list(&p, as_of).await.unwrap();
    let listed: Vec<(&str, &str)> = list
        .iter()
        .map(|e| (e.employer_code.as_str(), e.status.as_str()))
        .collect();
    assert_eq!(listed, vec![("TA0001A", "evasion"), ("TB0002B", "late")]);
    // Day 60: still late payment for both.
    let day60 = store
        .account(&p, "TA0001A", "2026-06-29".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(day60.months[0].status, "late");
}

fn new_user(name: &str, role: Role) -> NewUser {
    NewUser {
        username: name.into(),
        password: "mật khẩu đủ dài 2026".into(),
        role,
        employer_code: None,
        person_sin: None,
        locale: None,
    }
}

async fn users_sign_in_with_sessions_tokens_and_throttling(store: Store) {
    store.create_employer(&employer("TS0001", 1)).await.unwrap();
    let admin = store
        .create_user(&new_user(" Admin ", Role::Administrator))
        .await
        .unwrap();
    assert_eq!(admin.username, "admin");
    assert_eq!(admin.locale, "vi");
    // The same name again, a short password, an employer user without its employer.
    assert!(matches!(
        store.create_user(&new_user("admin", Role::Inspector)).await,
        Err(StoreError::Conflict { field, .. }) if field == "username"
    ));
    let mut short = new_user("thu", Role::CollectionOfficer);
    short.password = "short".into();
    assert!(matches!(
        store.create_user(&short).await,
        Err(StoreError::Invalid { field, .. }) if field == "password"
    ));
    assert!(matches!(
        store.create_user(&new_user("hr.saigon", Role::Employer)).await,
        Err(StoreError::Invalid { field, .. }) if field == "employer_code"
    ));
    let mut hr = new_user("hr.saigon", Role::Employer);
    hr.employer_code = Some("TS9999".into());
    assert!(matches!(
        store.create_user(&hr).await,
        Err(StoreError::NotFound { .. })
    ));
    hr.employer_code = Some("ts0001".into());
    let hr = store.create_user(&hr).await.unwrap();
    assert_eq!(hr.employer_code.as_deref(), Some("TS0001"));

    // Sign-in: a session per sign-in, its id never stored in clear.
    let (id, session) = store
        .sign_in("ADMIN", "mật khẩu đủ dài 2026")
        .await
        .unwrap();
    assert_eq!(session.user, admin);
    let again = store.session(&id).await.unwrap().unwrap();
    assert_eq!(again.csrf_token, session.csrf_token);
    let (id2, _) = store
        .sign_in("admin", "mật khẩu đủ dài 2026")
        .await
        .unwrap();
    assert_ne!(id, id2, "every sign-in opens a new session");
    store.sign_out(&id).await.unwrap();
    assert!(store.session(&id).await.unwrap().is_none());
    assert!(store.session(&id2).await.unwrap().is_some());
    assert!(store.session("forged").await.unwrap().is_none());

    // Wrong password and unknown user answer alike; five failures lock the name for a while,
    // even for the right password; other names are not affected.
    assert!(matches!(
        store.sign_in("nobody", "mật khẩu đủ dài 2026").await,
        Err(StoreError::BadCredentials)
    ));
    for _ in 0..ansinh_store::access::MAX_FAILURES {
        assert!(matches!(
            store.sign_in("hr.saigon", "wrong password!").await,
            Err(StoreError::BadCredentials)
        ));
    }
    assert!(matches!(
        store.sign_in("hr.saigon", "mật khẩu đủ dài 2026").await,
        Err(StoreError::Throttled { .. })
    ));
    assert!(store.sign_in("admin", "mật khẩu đủ dài 2026").await.is_ok());

    // API tokens: shown once, resolved to their user.
    let token = store
        .create_api_token("hr.saigon", "payroll software")
        .await
        .unwrap();
    assert_eq!(store.token_user(&token).await.unwrap().unwrap(), hr);
    assert!(store.token_user("forged").await.unwrap().is_none());
    assert_eq!(store.users().await.unwrap().len(), 2);
}

async fn every_write_leaves_an_audit_row_that_cannot_be_changed(store: Store) {
    let clerk = store.acting_as(Actor {
        user: "user:thu".into(),
        request_id: Some("req-1".into()),
        reason: Some("new unit".into()),
    });
    clerk.create_employer(&employer("AU0001", 1)).await.unwrap();
    // A refused write leaves no row.
    assert!(clerk.create_employer(&employer("AU0001", 1)).await.is_err());
    let report = submit(
        &clerk,
        "AU0001",
        &[hire(
            "001090000001",
            "Nguyễn Văn An",
            "2026-01-05",
            10_000_000,
        )],
        None,
    )
    .await
    .unwrap();
    assert!(report.applied());
    clerk
        .record_payment(
            "AU0001",
            &ansinh_store::account::PaymentRecord {
                reference: "UNC-1".into(),
                paid_on: "2026-02-10".into(),
                amount: 1_000_000,
                reverses: None,
            },
        )
        .await
        .unwrap();
    let rows = store
        .audit_log(&AuditFilter {
            entity_kind: Some("employer".into()),
            entity_id: Some("AU0001".into()),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        ["payment.record", "declaration.submit", "employer.create"],
        "newest first, one row per write"
    );
    assert!(rows.iter().all(|r| r.actor == "user:thu"
        && r.request_id.as_deref() == Some("req-1")
        && r.reason.as_deref() == Some("new unit")));
    assert_eq!(rows[0].change["amount"], 1_000_000);
    assert_eq!(rows[1].change["status"], "applied");
    // The hire created a person: its row is found by entity too, and all by actor.
    let by_actor = store
        .audit_log(&AuditFilter {
            actor: Some("user:thu".into()),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(by_actor.len(), 3);
}

/// Appends one audit row through the store, then tries to change it over `pool` as any other
/// database client would: both backends' triggers refuse.
async fn audit_rows_refuse_change<DB: sqlx::Database>(store: &Store, pool: &sqlx::Pool<DB>)
where
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
{
    store.create_employer(&employer("AU0002", 1)).await.unwrap();
    for sql in [
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
    ] {
        let Err(err) = sqlx::query(sql).execute(pool).await else {
            panic!("{sql} was allowed")
        };
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(
        store
            .audit_log(&AuditFilter::default())
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn audit_log_is_append_only_on_sqlite() {
    let path = std::env::temp_dir().join(format!("ansinh-audit-{}.db", unique()));
    let url = format!("sqlite:{}", path.display());
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    audit_rows_refuse_change(&store, &pool).await;
}

#[tokio::test]
async fn audit_log_is_append_only_on_postgres() {
    let schema = format!("t_{}", unique());
    let store = postgres(&schema).await;
    let options: sqlx::postgres::PgConnectOptions = postgres_url().parse().unwrap();
    let pool = sqlx::PgPool::connect_with(options.options([("search_path", schema.as_str())]))
        .await
        .unwrap();
    audit_rows_refuse_change(&store, &pool).await;
    pool.close().await;
    drop_schema(&schema).await;
}

fn claims_file(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../../examples/claims/{}",
        env!("CARGO_MANIFEST_DIR"),
        if name.contains('/') {
            name.to_string()
        } else {
            format!("overlap/{name}")
        }
    ))
    .unwrap()
}

/// §9 TC6 across files: 13,900,000 co-paid in March 2025 (stored), then a stay in June whose
/// 200,000 co-payment stops at the 14,040,000 cap: 140,000, the fund pays 3,860,000.
async fn co_payments_stop_at_the_yearly_cap_across_files(store: Store) {
    let p = params();
    let earlier = store
        .import_claims(&p, None, &claims_file("exemption/earlier.xml"))
        .await
        .unwrap();
    assert_eq!(earlier.visits[0].decision, "accepted");
    let stay = store
        .import_claims(&p, None, &claims_file("exemption/stay.xml"))
        .await
        .unwrap();
    let v = &stay.visits[0];
    assert_eq!(
        (
            v.decision.as_str(),
            v.claimed_insurer.as_str(),
            v.assessed_insurer.as_str()
        ),
        ("adjusted", "3800000.00", "3860000.00")
    );
    assert!(v.findings.contains(&"R03.COPAY_CAP".to_string()), "{v:?}");
    let record = store.visit_record("79001", &v.visit_key).await.unwrap();
    assert_eq!(record.versions[0].result["assessed"]["co_pay"], "140000.00");
}

async fn claims_are_versioned_checked_across_files_reviewed_and_settled(store: Store) {
    let p = params();
    let assessor = store.acting_as(Actor {
        user: "user:giam.dinh".into(),
        request_id: None,
        reason: None,
    });
    // An inpatient stay (5–12 March 2025), in one file.
    let stay = assessor
        .import_claims(&p, None, &claims_file("stay.xml"))
        .await
        .unwrap();
    assert_eq!(stay.facility, "79001");
    assert_eq!(stay.visits.len(), 1);
    assert_eq!(
        (
            stay.visits[0].status.as_str(),
            stay.visits[0].decision.as_str()
        ),
        ("new", "accepted")
    );
    // The same bytes again change nothing.
    let again = assessor
        .import_claims(&p, None, &claims_file("stay.xml"))
        .await
        .unwrap();
    assert!(again.replayed);
    assert_eq!(again.visits[0].status, "unchanged");
    // An outpatient visit of the same card on 8 March, in a later file: R10 across files.
    let visit = assessor
        .import_claims(&p, None, &claims_file("visit.xml"))
        .await
        .unwrap();
    let v = &visit.visits[0];
    assert_eq!(
        (v.status.as_str(), v.decision.as_str()),
        ("new", "needs_review")
    );
    assert!(v.findings.contains(&"R10.OVERLAP".to_string()), "{v:?}");
    // Re-sent with another amount: a new version, the first kept.
    let resent = assessor
        .import_claims(&p, None, &claims_file("visit-resent.xml"))
        .await
        .unwrap();
    let v2 = &resent.visits[0];
    assert_eq!((v2.status.as_str(), v2.version), ("new_version", 2));
    let record = store.visit_record("79001", &v2.visit_key).await.unwrap();
    assert_eq!(record.versions.len(), 2);
    assert_eq!(record.versions[0].claimed_insurer, "99800.00");
    assert_eq!(record.versions[1].claimed_insurer, "89800.00");
    // The queue holds the latest version only, once.
    let queue = store.review_queue(None, 50).await.unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(
        (queue[0].visit_key.as_str(), queue[0].version),
        (v2.visit_key.as_str(), 2)
    );
    assert!(queue[0].reasons[0].starts_with("R10.OVERLAP"));
    let pending = store.settlement("79001", "2025-03").await.unwrap();
    assert_eq!(
        (
            pending.visits,
            pending.pending_visits,
            pending.claimed_insurer.as_str(),
            pending.accepted_insurer.as_str()
        ),
        (2, 1, "1489800.00", "1400000.00")
    );
    // The assessor decides, with a reason; a decision without one is refused.
    assert!(matches!(
        assessor
            .review_visit("79001", &v2.visit_key, &NewReview { decision: "accepted".into(), reason: " ".into() })
            .await,
        Err(StoreError::Invalid { field, .. }) if field == "reason"
    ));
    assert!(matches!(
        assessor
            .review_visit("79001", &v2.visit_key, &NewReview { decision: "maybe".into(), reason: "x".into() })
            .await,
        Err(StoreError::Invalid { field, .. }) if field == "decision"
    ));
    let review = assessor
        .review_visit(
            "79001",
            &v2.visit_key,
            &NewReview {
                decision: "rejected".into(),
                reason: "khám ngoại trú trong thời gian điều trị nội trú".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (review.insurer.as_str(), review.reviewer.as_str()),
        ("0.00", "user:giam.dinh")
    );
    assert!(store.review_queue(None, 50).await.unwrap().is_empty());
    let settled = store.settlement("79001", "2025-03").await.unwrap();
    assert_eq!(
        (
            settled.pending_visits,
            settled.accepted_insurer.as_str(),
            settled.rejected_insurer.as_str()
        ),
        (0, "1400000.00", "89800.00")
    );
    assert_eq!(settled.top_reasons[0].0, "R10.OVERLAP");
    // Overridden on appeal: the later decision stands, both are kept and audited.
    assessor
        .review_visit(
            "79001",
            &v2.visit_key,
            &NewReview {
                decision: "accepted".into(),
                reason: "xét nghiệm gửi mẫu, có giấy chuyển".into(),
            },
        )
        .await
        .unwrap();
    let settled = store.settlement("79001", "2025-03").await.unwrap();
    assert_eq!(settled.accepted_insurer, "1489800.00");
    // The dashboard counts each visit once, under the assessor's decision.
    let overview = store.overview().await.unwrap();
    assert_eq!(
        overview.claims_by_month,
        vec![("2025-03".to_string(), 2, 0, 0)]
    );
    assert_eq!(
        store
            .visit_record("79001", &v2.visit_key)
            .await
            .unwrap()
            .reviews
            .len(),
        2
    );
    let trail = store
        .audit_log(&AuditFilter {
            entity_kind: Some("claim".into()),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(trail.len(), 2);
    assert_eq!(trail[0].change["before"], "rejected");
    assert_eq!(trail[0].change["after"], "accepted");
    // The same consultation on the same day in a later file: R10 across files, by service.
    let same_day = assessor
        .import_claims(&p, None, &claims_file("same-day.xml"))
        .await
        .unwrap();
    let v3 = &same_day.visits[0];
    assert_eq!(v3.decision, "needs_review");
    assert!(
        v3.findings.contains(&"R10.SAME_SERVICE".to_string()),
        "{v3:?}"
    );
    // A file that is not a claims file is refused whole, and nothing is stored of it.
    assert!(matches!(
        assessor.import_claims(&p, None, b"<not-an-envelope/>").await,
        Err(StoreError::Invalid { field, .. }) if field == "file"
    ));
}

async fn cards_are_issued_renewed_and_linked_to_the_person(store: Store) {
    let store = store.receiving_on("2026-01-05".parse().unwrap());
    store
        .create_employer(&employer("TC0001A", 1))
        .await
        .unwrap();
    let report = submit(
        &store,
        "TC0001A",
        &[hire(
            "079180000123",
            "Nguyễn Thị Lan",
            "2026-01-05",
            10_000_000,
        )],
        None,
    )
    .await
    .unwrap();
    let sin = report.lines[0].sin.clone().unwrap();
    let card = NewCard {
        card_code: format!("dn479{sin}"),
        valid_from: "2026-01-05".into(),
        valid_to: Some("2026-12-31".into()),
        initial_facility: "79001".into(),
    };
    let issued = store.issue_card(&card).await.unwrap();
    assert_eq!(issued.card_code, format!("DN479{sin}"));
    assert_eq!((issued.group.as_str(), issued.benefit_digit), ("DN", 4));
    assert_eq!(issued.person_sin.as_deref(), Some(sin.as_str()));
    // Overlapping validity of the same code is refused; a bad code names the field.
    assert!(matches!(
        store.issue_card(&card).await,
        Err(StoreError::Conflict { .. })
    ));
    let bad = NewCard {
        card_code: "DN47".into(),
        ..card.clone()
    };
    assert!(matches!(
        store.issue_card(&bad).await,
        Err(StoreError::Invalid { field, .. }) if field == "card_code"
    ));
    let backwards = NewCard {
        card_code: "HT3790000000009".into(),
        valid_to: Some("2025-01-01".into()),
        ..card.clone()
    };
    assert!(matches!(
        store.issue_card(&backwards).await,
        Err(StoreError::Invalid { field, .. }) if field == "valid_to"
    ));
    // Renewal: a new issue from the day after the last one ends.
    let renewed = store
        .renew_card(&issued.card_code, "2027-12-31")
        .await
        .unwrap();
    assert_eq!(renewed.valid_from, "2027-01-01");
    let cards = store.cards_of(&sin).await.unwrap();
    assert_eq!(cards.len(), 2);
    assert_eq!(cards[0].valid_to.as_deref(), Some("2027-12-31"));
    // A card whose number is not in the registry is kept, unlinked.
    let stranger = store
        .issue_card(&NewCard {
            card_code: "HT3790000000009".into(),
            ..card.clone()
        })
        .await
        .unwrap();
    assert_eq!(stranger.person_sin, None);
    assert!(matches!(
        store.renew_card("GD4790000000001", "2027-01-01").await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn payments_are_positive_dated_and_corrected_by_reversal(store: Store) {
    use ansinh_store::account::PaymentRecord;
    let store = store.receiving_on("2026-01-05".parse().unwrap());
    let p = params();
    store
        .create_employer(&employer("TA0001A", 1))
        .await
        .unwrap();
    let pay = |reference: &str, paid_on: &str, amount: i64, reverses: Option<&str>| PaymentRecord {
        reference: reference.into(),
        paid_on: paid_on.into(),
        amount,
        reverses: reverses.map(str::to_string),
    };
    let field = |r: Result<PaymentRecord, StoreError>| match r {
        Err(StoreError::Invalid { field, .. } | StoreError::Conflict { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    // No worker declared: nothing to pay.
    assert_eq!(
        field(
            store
                .record_payment("TA0001A", &pay("X-0", "2026-02-10", 1_000, None))
                .await
        ),
        "employer_code"
    );
    let lines = vec![hire(
        "079180000123",
        "Nguyễn Thị Lan",
        "2026-01-05",
        10_000_000,
    )];
    assert!(
        submit(&store, "TA0001A", &lines, None)
            .await
            .unwrap()
            .applied()
    );
    store
        .assess_month(&p, "2026-02".parse().unwrap(), &|_| {})
        .await
        .unwrap();
    for (bad, expected) in [
        (pay("X-1", "2026-02-10", -1_000_000, None), "amount"),
        (pay("X-2", "2026-02-10", 0, None), "amount"),
        (pay("X-3", "2999-01-01", 1_000_000, None), "paid_on"),
        (pay("X-4", "1999-01-01", 1_000_000, None), "paid_on"),
        (pay("X-5", "2026-02-10", i64::MAX, None), "amount"),
        (pay("X-6", "2026-02-10", -1, Some("NONE")), "reverses"),
    ] {
        assert_eq!(
            field(store.record_payment("TA0001A", &bad).await),
            expected,
            "{bad:?}"
        );
    }
    // A payment typed as 32,000,000 instead of 3,200,000 is reversed, then recorded right.
    let record = |reference: &'static str, on: &'static str, amount: i64, reverses| {
        let store = store.clone();
        async move {
            store
                .record_payment("TA0001A", &pay(reference, on, amount, reverses))
                .await
        }
    };
    record("VCB-9", "2026-03-10", 32_000_000, None)
        .await
        .unwrap();
    let short = record("VCB-9-R", "2026-03-11", -3_200_000, Some("VCB-9")).await;
    assert_eq!(field(short), "amount", "a reversal is of the whole payment");
    record("VCB-9-R", "2026-03-11", -32_000_000, Some("VCB-9"))
        .await
        .unwrap();
    let twice = record("VCB-9-R2", "2026-03-11", -32_000_000, Some("VCB-9")).await;
    assert_eq!(field(twice), "reverses", "reversed once");
    record("VCB-10", "2026-03-12", 3_200_000, None)
        .await
        .unwrap();
    let account = store
        .account(&p, "TA0001A", "2026-04-15".parse().unwrap())
        .await
        .unwrap();
    let month_paid: i64 = account.months.iter().map(|m| m.paid).sum();
    assert_eq!(
        (account.dues, account.paid, account.balance),
        (3_200_000, 3_200_000, 0)
    );
    assert_eq!(month_paid, account.paid, "the months add up to the account");
    assert_eq!(account.payments.len(), 3, "every entry stays on the ledger");
}

on_both!(a_visit_sent_twice_in_one_file_is_paid_once_and_the_file_stored);

/// Issue 18, defect 3 (catalogue C115): the same MA_LK twice in one file is paid once; the
/// import stores the file (it answered 409 for ever before) and reports the second as a
/// rejected duplicate; the same file again is a replay.
async fn a_visit_sent_twice_in_one_file_is_paid_once_and_the_file_stored(store: Store) {
    let p = params();
    let text = String::from_utf8(claims_file("visit.xml")).unwrap();
    let start = text.find("<HOSO>").unwrap();
    let end = text.find("</HOSO>").unwrap() + "</HOSO>".len();
    let twice = format!("{}{}{}", &text[..end], &text[start..end], &text[end..]).replace(
        "<SOLUONGHOSO>1</SOLUONGHOSO>",
        "<SOLUONGHOSO>2</SOLUONGHOSO>",
    );
    let report = store
        .import_claims(&p, None, twice.as_bytes())
        .await
        .expect("the file is stored");
    let statuses: Vec<(&str, &str)> = report
        .visits
        .iter()
        .map(|v| (v.status.as_str(), v.decision.as_str()))
        .collect();
    assert_eq!(statuses[1], ("duplicate", "rejected"), "{report:?}");
    assert_eq!(statuses[0].0, "new");
    assert!(
        report.visits[1]
            .findings
            .contains(&"R10.DUPLICATE_MA_LK".to_string())
    );
    let record = store
        .visit_record("79001", &report.visits[0].visit_key)
        .await
        .unwrap();
    assert_eq!(record.versions.len(), 1, "stored once");
    let again = store
        .import_claims(&p, None, twice.as_bytes())
        .await
        .unwrap();
    assert!(again.replayed);
}

fn certificate(
    sin: &str,
    no: &str,
    from: &str,
    to: &str,
) -> ansinh_store::certificate::NewCertificate {
    ansinh_store::certificate::NewCertificate {
        person_sin: sin.into(),
        certificate_no: no.into(),
        direction: "inbound".into(),
        country: "KR".into(),
        kind: "local_hire".into(),
        valid_from: from.into(),
        valid_to: to.into(),
        sending_employer: "Công ty TNHH Hàn Việt".into(),
        host_employer: String::new(),
        issued_on: Some("2024-02-20".into()),
    }
}

/// Issue 22: an NPS certificate recorded after January was assessed takes the pension-survivor
/// fund off January (an adjustment line, never an edit) and off every month it covers, and the
/// months after it ends are charged in full again; the other funds stay due throughout.
async fn a_korean_certificate_exempts_the_pension_fund_until_it_ends(store: Store) {
    use ansinh_store::certificate::{Direction, ForeignPeriod};
    let store = store.receiving_on("2026-01-05".parse().unwrap());
    let p = params();
    store
        .create_employer(&employer("TA0003A", 1))
        .await
        .unwrap();
    let mut kim = hire("M12345678", "Kim Min-jun", "2026-01-05", 40_000_000);
    kim.nationality = Some("KR".into());
    kim.birth_date = Some("1990-01-01".into());
    kim.contract_kind = Some("definite".into());
    kim.contract_months = Some(24);
    let lan = hire("079180000123", "Nguyễn Thị Lan", "2026-01-05", 10_000_000);
    let report = submit(&store, "TA0003A", &[kim, lan], None).await.unwrap();
    let (kim, lan) = (
        report.lines[0].sin.clone().unwrap(),
        report.lines[1].sin.clone().unwrap(),
    );
    let m = |s: &str| s.parse().unwrap();
    store.assess_month(&p, m("2026-01"), &|_| {}).await.unwrap();
    let totals = |h: &ansinh_store::assessment::ContributionHistory| -> Vec<(String, i64, i64)> {
        h.months
            .iter()
            .map(|r| (r.month.clone(), r.employee_total, r.employer_total))
            .collect()
    };
    // Without a certificate: 8 % + 1.5 % for him; 3 + 14 + 0.5 + 3 % for the employer.
    assert_eq!(
        totals(&store.contribution_history(&kim).await.unwrap()),
        vec![("2026-01".into(), 3_800_000, 8_200_000)]
    );

    // Bad certificates are refused naming the field; nothing is stored.
    assert_eq!(
        refused(
            store
                .record_certificate(&p, &certificate(&lan, "KR-1", "2024-03-01", "2026-03-31"))
                .await
        ),
        "direction"
    );
    assert_eq!(
        refused(
            store
                .record_certificate(&p, &certificate(&kim, "KR-1", "2024-03-01", "2029-03-31"))
                .await
        ),
        "valid_to"
    );
    assert_eq!(
        refused(
            store
                .record_certificate(
                    &p,
                    &certificate("0000000000", "KR-1", "2024-03-01", "2026-03-31")
                )
                .await
        ),
        "person_sin"
    );
    let mut wrong = certificate(&kim, "KR-1", "2024-03-01", "2026-03-31");
    wrong.kind = "tourist".into();
    assert_eq!(refused(store.record_certificate(&p, &wrong).await), "kind");
    assert!(store.certificates_of(&kim).await.unwrap().is_empty());

    let recorded = store
        .record_certificate(
            &p,
            &certificate(&kim, "KR-2024-000731", "2024-03-01", "2026-03-31"),
        )
        .await
        .unwrap();
    assert_eq!(recorded.issuer, "National Pension Service (Korea)");
    assert_eq!(
        refused(
            store
                .record_certificate(
                    &p,
                    &certificate(&kim, "KR-2026-000001", "2026-03-01", "2027-03-31")
                )
                .await
        ),
        "valid_from"
    );
    assert_eq!(
        refused(
            store
                .record_certificate(
                    &p,
                    &certificate(&kim, "KR-2024-000731", "2026-04-01", "2027-03-31")
                )
                .await
        ),
        "certificate_no"
    );
    assert_eq!(
        store
            .certificate_register(Some(Direction::Inbound), Some(m_date("2026-02-15")))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .certificate_register(Some(Direction::Inbound), Some(m_date("2026-04-01")))
            .await
            .unwrap()
            .is_empty()
    );

    // February's run takes the pension fund off January (adjustment) and February.
    let feb = store.assess_month(&p, m("2026-02"), &|_| {}).await.unwrap();
    assert_eq!((feb.new_lines, feb.adjustments), (2, 1), "{feb:?}");
    store.assess_month(&p, m("2026-03"), &|_| {}).await.unwrap();
    store.assess_month(&p, m("2026-04"), &|_| {}).await.unwrap();
    let history = store.contribution_history(&kim).await.unwrap();
    assert_eq!(
        totals(&history),
        vec![
            ("2026-01".into(), 600_000, 2_600_000),
            ("2026-02".into(), 600_000, 2_600_000),
            ("2026-03".into(), 600_000, 2_600_000),
            ("2026-04".into(), 3_800_000, 8_200_000),
        ]
    );
    assert_eq!(
        history.months[0].lines, 2,
        "January adjusted by a second line"
    );
    // Months exempt here are insured in Korea: only April counts towards a Vietnamese pension.
    assert_eq!(history.months_for_pension, 1);
    // The Vietnamese colleague is charged in full all along.
    assert!(
        store
            .contribution_history(&lan)
            .await
            .unwrap()
            .months
            .iter()
            .all(|r| r.employee_total == 1_050_000)
    );

    // Periods insured in Korea, as NPS reports them: all or none.
    let period = |from: &str, to: &str, months: i64| ForeignPeriod {
        person_sin: kim.clone(),
        country: "KR".into(),
        period_from: from.into(),
        period_to: to.into(),
        months,
        source: "NPS exchange file 2026-05".into(),
    };
    assert_eq!(
        store
            .record_foreign_periods(&[period("2012-01-01", "2019-12-31", 96)])
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        refused(
            store
                .record_foreign_periods(&[
                    period("2020-01-01", "2020-12-31", 12),
                    period("2019-06-01", "2019-08-31", 3)
                ])
                .await
        ),
        "periods[1].period_from"
    );
    assert_eq!(
        refused(
            store
                .record_foreign_periods(&[period("2021-01-01", "2021-06-30", 7)])
                .await
        ),
        "periods[0].months"
    );
    assert_eq!(store.foreign_periods_of(&kim).await.unwrap().len(), 1);
}

fn m_date(s: &str) -> ansinh_core::Date {
    s.parse().unwrap()
}

/// The field a store refusal names.
fn refused<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Invalid { field, .. } | StoreError::Conflict { field, .. }) => field,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Issue 22: a conscript enlisted in Sep 2024 (Circular 90/2025's example) — the scheme's run
/// charges the Ministry month by month, his relatives and card follow the circulars, and on
/// discharge his record moves to the general scheme as verified periods counted once.
async fn a_conscripts_record_is_assessed_insured_and_transferred_once(store: Store) {
    use ansinh_store::service::{NewRelative, NewServicePeriod};
    let p = params();
    let person = store
        .create_person(&NewPerson {
            sin: None,
            personal_id: "001205000321".into(),
            name: "Trần Minh Quân".into(),
            sex: "male".into(),
            birth_date: "2005-04-10".into(),
            nationality: "VN".into(),
        })
        .await
        .unwrap();
    let sin = person.sin.clone();
    let new = |participant: &str, salary: Option<i64>| NewServicePeriod {
        person_sin: sin.clone(),
        participant: participant.into(),
        unit: "Trung đoàn 141, Sư đoàn 312".into(),
        enlisted: "2024-09-10".into(),
        salary,
    };
    assert_eq!(
        refused(store.enlist(&new("conscript", Some(5_000_000))).await),
        "salary"
    );
    assert_eq!(refused(store.enlist(&new("officer", None)).await), "salary");
    assert_eq!(
        refused(store.enlist(&new("general", None)).await),
        "participant"
    );
    let period = store.enlist(&new("conscript", None)).await.unwrap();
    assert_eq!(period.period_id, "S01");
    assert_eq!(
        refused(store.enlist(&new("conscript", None)).await),
        "enlisted"
    );

    let m = |s: &str| s.parse::<ansinh_core::Month>().unwrap();
    for month in ["2025-06", "2025-07", "2026-09"] {
        let run = store.assess_service_month(&p, m(month)).await.unwrap();
        assert_eq!(run.servicemen, 1, "{run:?}");
    }
    // Re-running a month writes the same rows.
    store.assess_service_month(&p, m("2025-07")).await.unwrap();
    let record = store.service_record(&sin).await.unwrap();
    let paid: Vec<(&str, i64)> = record
        .contributions
        .iter()
        .map(|c| (c.month.as_str(), c.state))
        .collect();
    assert_eq!(
        paid,
        vec![
            ("2025-06", 514_800),
            ("2025-07", 1_029_600),
            ("2026-09", 1_391_500)
        ]
    );
    assert!(
        record
            .contributions
            .iter()
            .all(|c| c.employee == 0 && c.total == c.state)
    );

    // Relatives on form 02/BHYT-QĐ: a child of 4 is in the children's group, his mother is insured.
    let on: ansinh_core::Date = "2026-03-01".parse().unwrap();
    let relative = |relation: &str, birth: &str| NewRelative {
        relation: relation.into(),
        name: "Nguyễn Thị Hạnh".into(),
        birth_date: birth.into(),
        personal_id: String::new(),
        in_high_school: false,
        insured_otherwise: false,
    };
    assert_eq!(
        refused(
            store
                .add_relative(&p, &sin, &relative("child", "2022-01-01"), on)
                .await
        ),
        "birth_date"
    );
    assert_eq!(
        refused(
            store
                .add_relative(&p, &sin, &relative("cousin", "1980-01-01"), on)
                .await
        ),
        "relation"
    );
    assert_eq!(
        store
            .add_relative(&p, &sin, &relative("mother", "1980-01-01"), on)
            .await
            .unwrap()
            .relative_no,
        1
    );
    assert_eq!(
        refused(
            store
                .add_relative(&p, &sin, &relative("mother", "1980-01-01"), on)
                .await
        ),
        "name"
    );

    // Still in service: no transfer yet; a conscript's card needs the discharge.
    assert_eq!(
        refused(store.service_transfer(&p, &sin, on).await),
        "person_sin"
    );
    let card_code = format!("QN197{sin}");
    assert_eq!(
        refused(
            store
                .issue_service_card(
                    &p,
                    &sin,
                    &ansinh_store::service::NewServiceCard {
                        card_code: card_code.to_string(),
                        initial_facility: "01001".into(),
                        valid_from: "2024-09-10".into(),
                        graduation_year: None,
                        expected_discharge: None
                    }
                )
                .await
        ),
        "valid_from"
    );
    assert_eq!(
        refused(store.discharge(&sin, "2024-01-01").await),
        "discharged"
    );
    // While he serves, his card runs to the end of the month of his expected discharge; a card
    // before the enlistment is refused.
    let serving = store
        .issue_service_card(
            &p,
            &sin,
            &ansinh_store::service::NewServiceCard {
                card_code: format!("QN297{sin}").to_string(),
                initial_facility: "01001".into(),
                valid_from: "2024-09-10".into(),
                graduation_year: None,
                expected_discharge: Some("2026-09-18".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(serving.valid_to.as_deref(), Some("2026-09-30"));
    assert_eq!(
        refused(
            store
                .issue_service_card(
                    &p,
                    &sin,
                    &ansinh_store::service::NewServiceCard {
                        card_code: format!("QN497{sin}").to_string(),
                        initial_facility: "01001".into(),
                        valid_from: "2010-01-01".into(),
                        graduation_year: None,
                        expected_discharge: Some("2026-09-18".into())
                    }
                )
                .await
        ),
        "valid_from"
    );
    assert_eq!(
        refused(store.discharge(&sin, "2099-01-01").await),
        "discharged"
    );
    // Discharged on 18 Sep 2026, recorded late: the month after carried no service.
    store.assess_service_month(&p, m("2026-10")).await.unwrap();
    store.discharge(&sin, "2026-09-18").await.unwrap();
    assert!(
        store
            .service_record(&sin)
            .await
            .unwrap()
            .contributions
            .iter()
            .all(|c| c.month.as_str() <= "2026-09")
    );
    let card = store
        .issue_service_card(
            &p,
            &sin,
            &ansinh_store::service::NewServiceCard {
                card_code: card_code.to_string(),
                initial_facility: "01001".into(),
                valid_from: "2024-09-10".into(),
                graduation_year: None,
                expected_discharge: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        card.valid_to.as_deref(),
        Some("2026-09-30"),
        "to the last day of the discharge month"
    );

    // The transfer document: 25 months of service, all counted; imported once.
    let doc = store.service_transfer(&p, &sin, on).await.unwrap();
    assert_eq!(doc.periods.len(), 1);
    assert_eq!(
        (doc.periods[0].from.as_str(), doc.periods[0].to.as_str()),
        ("2024-09", "2026-09")
    );
    assert_eq!(
        (
            doc.periods[0].months_counted,
            doc.periods[0].months_not_counted
        ),
        (25, 0)
    );
    assert_eq!(
        doc.periods[0].contributions_total,
        514_800 + 1_029_600 + 1_391_500
    );
    assert_eq!(store.import_service_transfer(&p, &doc).await.unwrap(), 1);
    assert_eq!(
        store.import_service_transfer(&p, &doc).await.unwrap(),
        0,
        "the same document twice is recorded once"
    );
    let verified = store.verified_periods_of(&sin).await.unwrap();
    assert_eq!((verified.len(), verified[0].months), (1, 25));
    let mut forged = doc.clone();
    forged.personal_id = "001205000999".into();
    forged.reference = "other".into();
    assert_eq!(
        refused(store.import_service_transfer(&p, &forged).await),
        "personal_id"
    );
    let mut inflated = doc.clone();
    inflated.periods[0].months_counted = 24;
    inflated.reference = "BQP-again".into();
    assert_eq!(
        refused(store.import_service_transfer(&p, &inflated).await),
        "periods",
        "not the record held here"
    );

    // In the career, a month held twice counts once.
    let mut career = ansinh_store::career::Career::default();
    let periods: Vec<(ansinh_core::Month, ansinh_core::Month, i64)> = verified
        .iter()
        .map(|v| (m(&v.period_from), m(&v.period_to), v.salary))
        .collect();
    career.add_verified(&periods, "BQP");
    career.add_verified(&periods, "BQP");
    assert_eq!((career.verified, career.months.len()), (25, 25));
}

fn step(to: &str, on: &str) -> ansinh_store::examination::Transition {
    ansinh_store::examination::Transition {
        to: to.into(),
        on: on.into(),
        ..Default::default()
    }
}

fn found(
    kind: &str,
    sin: &str,
    from: &str,
    to: &str,
    declared: i64,
    actual: i64,
    amount: i64,
) -> ansinh_store::examination::NewFinding {
    ansinh_store::examination::NewFinding {
        kind: kind.into(),
        person_sin: sin.into(),
        from: from.into(),
        to: to.into(),
        declared_salary: declared,
        actual_salary: actual,
        amount,
        note: String::new(),
    }
}

/// Issue 20: a unit with arrears tops the risk list; its examination finds an under-declared
/// and an undeclared worker and a benefit to recover; the conclusion equals the rules core's
/// back-collection, is written once as a retroactive declaration whose adjustment lines the
/// next run writes (and a second run nothing), the statistics count it, and the case closes
/// when the amounts are paid.
async fn an_examination_goes_from_the_risk_list_to_a_remedied_close(store: Store) {
    use ansinh_store::examination::{CasePayment, NewCase, NewSanction, Transition};
    let p = params();
    let store = store.receiving_on("2026-01-05".parse().unwrap());
    store
        .create_employer(&employer("TK0001K", 1))
        .await
        .unwrap();
    store
        .create_employer(&employer("TK0002K", 1))
        .await
        .unwrap();
    let lan = submit(
        &store,
        "TK0001K",
        &[hire(
            "079180000123",
            "Nguyễn Thị Lan",
            "2026-01-05",
            6_000_000,
        )],
        None,
    )
    .await
    .unwrap()
    .lines[0]
        .sin
        .clone()
        .unwrap();
    submit(
        &store,
        "TK0002K",
        &[hire(
            "001085000001",
            "Trần Văn Nam",
            "2026-01-05",
            9_000_000,
        )],
        None,
    )
    .await
    .unwrap();
    let minh = store
        .create_person(&NewPerson {
            sin: None,
            personal_id: "001090000777".into(),
            name: "Lê Văn Minh".into(),
            sex: "male".into(),
            birth_date: "1990-03-03".into(),
            nationality: String::new(),
        })
        .await
        .unwrap()
        .sin;
    // In March TK0002K declares a hire of January (74 days after the window) and a raise
    // back to January: a late registration and a retroactive correction.
    let march = store.receiving_on("2026-03-20".parse().unwrap());
    let late = [
        hire("001086000002", "Vũ Văn Tùng", "2026-01-05", 5_400_000),
        change("salary", "001085000001", "2026-01", Some(9_500_000)),
    ];
    assert!(
        submit(&march, "TK0002K", &late, None)
            .await
            .unwrap()
            .applied()
    );
    for month in ["2026-01", "2026-02", "2026-03"] {
        store
            .assess_month(&p, month.parse().unwrap(), &|_| {})
            .await
            .unwrap();
    }
    // Nothing paid by TK0002K: January to March are past their deadlines on 31 July.
    let risk = store
        .risk_list(&p, "2026-07-31".parse().unwrap(), 10)
        .await
        .unwrap();
    let top = risk
        .iter()
        .find(|r| r.employer_code == "TK0002K")
        .expect("on the list");
    assert!(
        top.hits
            .iter()
            .any(|h| h.criterion == "arrears" && h.figure == 3),
        "{top:?}"
    );
    assert!(top.score > 0 && top.open_case.is_none());
    assert_eq!(
        (top.facts.late_registrations, top.facts.retro_corrections),
        (1, 1),
        "{top:?}"
    );
    assert_eq!((top.facts.workers, top.facts.headcount), (2, 2), "{top:?}");
    // Region 1's minimum is 5,310,000 in 2026: 5,400,000 is within 105 % of it, 9,500,000 not.
    assert_eq!(top.facts.workers_near_floor, 1);

    let case = store
        .open_case(&NewCase {
            employer_code: "TK0001K".into(),
            plan_year: 2026,
            examiners: vec!["thanhtra".into()],
            origin: "risk".into(),
            level: None,
            complex: false,
            score: Some(top.score),
        })
        .await
        .unwrap();
    let id = case.case_id.clone();
    assert_eq!(
        (case.state.as_str(), case.kind.as_str()),
        ("planned", "examination")
    );
    // Out of order: the error names where the case stands and where it may go.
    match store
        .move_case(&p, &id, &step("concluded", "2026-04-10"))
        .await
    {
        Err(StoreError::Conflict { field, reason }) => {
            assert_eq!(field, "to");
            assert!(
                reason.contains("planned") && reason.contains("decided"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Inspection is no longer the agency's from 1 Jul 2025.
    let mut decide = Transition {
        to: "decided".into(),
        on: "2026-04-10".into(),
        decision_no: Some("15/QĐ-BHXH".into()),
        period_from: Some("2026-01".into()),
        period_to: Some("2026-03".into()),
        kind: Some("inspection".into()),
        ..Default::default()
    };
    assert!(refused(store.move_case(&p, &id, &decide).await).contains("kind"));
    decide.kind = None;
    store.move_case(&p, &id, &decide).await.unwrap();
    store
        .move_case(&p, &id, &step("announced", "2026-04-12"))
        .await
        .unwrap();
    store
        .move_case(&p, &id, &step("fieldwork", "2026-04-13"))
        .await
        .unwrap();

    // Bad findings are refused with their field; nothing is written.
    assert!(
        refused(
            store
                .add_finding(
                    &p,
                    &id,
                    &found(
                        "under_declared",
                        &lan,
                        "2025-12",
                        "2026-03",
                        6_000_000,
                        10_000_000,
                        0
                    )
                )
                .await
        )
        .contains("from")
    );
    assert!(
        refused(
            store
                .add_finding(
                    &p,
                    &id,
                    &found(
                        "under_declared",
                        &minh,
                        "2026-02",
                        "2026-03",
                        6_000_000,
                        10_000_000,
                        0
                    )
                )
                .await
        )
        .contains("person_sin")
    );
    assert!(
        refused(
            store
                .add_finding(
                    &p,
                    &id,
                    &found("undeclared", &lan, "2026-02", "2026-03", 0, 10_000_000, 0)
                )
                .await
        )
        .contains("person_sin")
    );
    assert!(
        refused(
            store
                .add_finding(
                    &p,
                    &id,
                    &found("improper_benefit", &lan, "2026-02", "2026-02", 0, 0, -5)
                )
                .await
        )
        .contains("amount")
    );
    assert!(
        refused(
            store
                .add_finding(
                    &p,
                    &id,
                    &found(
                        "under_declared",
                        &lan,
                        "2026-01",
                        "2026-03",
                        9_000_000,
                        8_000_000,
                        0
                    )
                )
                .await
        )
        .contains("actual_salary")
    );
    store
        .add_finding(
            &p,
            &id,
            &found(
                "under_declared",
                &lan,
                "2026-01",
                "2026-03",
                6_000_000,
                10_000_000,
                0,
            ),
        )
        .await
        .unwrap();
    store
        .add_finding(
            &p,
            &id,
            &found("undeclared", &minh, "2026-02", "2026-03", 0, 8_000_000, 0),
        )
        .await
        .unwrap();
    store
        .add_finding(
            &p,
            &id,
            &found(
                "improper_benefit",
                &lan,
                "2026-02",
                "2026-02",
                0,
                0,
                2_000_000,
            ),
        )
        .await
        .unwrap();
    store
        .move_case(&p, &id, &step("reported", "2026-04-20"))
        .await
        .unwrap();
    assert!(
        refused(
            store
                .add_finding(
                    &p,
                    &id,
                    &found("improper_benefit", &lan, "2026-02", "2026-02", 0, 0, 5)
                )
                .await
        )
        .contains("case")
    );

    let concluded = store
        .move_case(
            &p,
            &id,
            &Transition {
                conclusion: Some("Đơn vị đóng thiếu cho 2 lao động.".into()),
                ..step("concluded", "2026-04-25")
            },
        )
        .await
        .unwrap();
    // The conclusion is the rules core's back-collection on the same findings.
    let calc = ansinh_rules::calc::calc(&p, &serde_json::json!({
        "kind": "back_collection", "jurisdiction": "VN", "as_of": "2026-04-25", "region": 1, "occupational_rate": "0.5%",
        "findings": [
            {"worker": lan, "from": "2026-01", "to": "2026-03", "declared_salary": 6_000_000, "actual_salary": 10_000_000},
            {"worker": minh, "from": "2026-02", "to": "2026-03", "declared_salary": 0, "actual_salary": 8_000_000}]})).unwrap().body;
    assert_eq!(
        concluded.case.back_collection,
        calc["total"]["contributions"].as_i64().unwrap()
    );
    assert_eq!(
        concluded.case.interest,
        calc["total"]["interest"].as_i64().unwrap()
    );
    // 3 × 32 % × 4,000,000 + 2 × 32 % × 8,000,000.
    assert_eq!(
        concluded.case.back_collection,
        3 * 1_280_000 + 2 * 2_560_000
    );
    assert_eq!(
        (concluded.case.recovery, concluded.case.workers),
        (2_000_000, 2)
    );
    assert!(concluded.case.batch_id.is_some());

    // The next run writes the back-collection as adjustment lines; another run writes nothing.
    let april = store
        .assess_month(&p, "2026-04".parse().unwrap(), &|_| {})
        .await
        .unwrap();
    let notice = store
        .notice(&p, "TK0001K", "2026-04".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(
        notice.adjustments_total, concluded.case.back_collection,
        "{april:?} {notice:?}"
    );
    assert_eq!(notice.headcount, 1, "Minh left at the end of March");
    let again = store
        .assess_month(&p, "2026-04".parse().unwrap(), &|_| {})
        .await
        .unwrap();
    assert_eq!((again.new_lines, again.adjustments), (0, 0), "{again:?}");
    // A complaint and a second conclusion replay the same declaration: nothing more is written.
    store
        .move_case(&p, &id, &step("complaint", "2026-04-28"))
        .await
        .unwrap();
    let twice = store
        .move_case(&p, &id, &step("concluded", "2026-04-30"))
        .await
        .unwrap();
    assert_eq!(twice.case.batch_id, concluded.case.batch_id);
    let third = store
        .assess_month(&p, "2026-04".parse().unwrap(), &|_| {})
        .await
        .unwrap();
    assert_eq!((third.new_lines, third.adjustments), (0, 0), "{third:?}");
    let lan_history = store.contribution_history(&lan).await.unwrap();
    assert!(
        lan_history
            .months
            .iter()
            .any(|m| m.month == "2026-01" && m.lines == 2),
        "{lan_history:?}"
    );

    store
        .move_case(&p, &id, &step("remedy", "2026-05-02"))
        .await
        .unwrap();
    // A reminder of what is owed: dated from the conclusion, by a known channel.
    use ansinh_store::examination::CaseReminder;
    let reminder = |sent_on: &str, channel: &str| CaseReminder {
        sent_on: sent_on.into(),
        channel: channel.into(),
        reference: "12/BHXH-TT".into(),
        note: String::new(),
    };
    assert!(
        refused(
            store
                .remind_case(&p, &id, &reminder("2026-04-01", "letter"))
                .await
        )
        .contains("sent_on")
    );
    assert!(
        refused(
            store
                .remind_case(&p, &id, &reminder("2026-05-03", "pigeon"))
                .await
        )
        .contains("channel")
    );
    let reminded = store
        .remind_case(&p, &id, &reminder("2026-05-03", "letter"))
        .await
        .unwrap();
    assert_eq!(reminded.reminders.len(), 1);
    assert_eq!(reminded.reminders[0].outstanding, reminded.outstanding);
    assert_eq!(reminded.share_remedied, "0.0%");
    let sanction = |fine| NewSanction {
        violation: "under_declared".into(),
        offender: "organisation".into(),
        amount: 50_000_000,
        workers: 2,
        fine,
        decision_no: "7/QĐ-XPHC".into(),
        decided_on: "2026-05-05".into(),
        months: None,
        previously_sanctioned: None,
    };
    // 12–15 % of 50,000,000, doubled: 12,000,000 – 15,000,000.
    assert!(refused(store.add_sanction(&p, &id, &sanction(20_000_000)).await).contains("fine"));
    let s = store
        .add_sanction(&p, &id, &sanction(12_000_000))
        .await
        .unwrap();
    assert_eq!((s.fine_min, s.fine_max), (12_000_000, 15_000_000));
    store
        .move_case(&p, &id, &step("sanction", "2026-05-05"))
        .await
        .unwrap();
    store
        .move_case(&p, &id, &step("follow_up", "2026-05-06"))
        .await
        .unwrap();
    let pay = |reference: &str, what: &str, amount| CasePayment {
        reference: reference.into(),
        what: what.into(),
        paid_on: "2026-05-10".into(),
        amount,
    };
    let file = store
        .record_case_payment(&p, &id, &pay("BC-1", "back_collection", 5_000_000))
        .await
        .unwrap();
    assert_eq!(file.case.state, "follow_up");
    assert!(
        refused(
            store
                .move_case(&p, &id, &step("closed", "2026-05-11"))
                .await
        )
        .contains("to")
    );
    store
        .record_case_payment(&p, &id, &pay("FINE-1", "fine", 12_000_000))
        .await
        .unwrap();
    let rest = file.outstanding - 2_000_000;
    store
        .record_case_payment(&p, &id, &pay("BC-2", "back_collection", rest))
        .await
        .unwrap();
    let closed = store
        .record_case_payment(&p, &id, &pay("REC-1", "recovery", 2_000_000))
        .await
        .unwrap();
    assert_eq!(
        (closed.case.state.as_str(), closed.outstanding),
        ("closed", 0)
    );
    assert_eq!(closed.share_remedied, "100.0%");
    assert!(
        refused(
            store
                .remind_case(&p, &id, &reminder("2026-05-12", "letter"))
                .await
        )
        .contains("case")
    );
    assert!(
        refused(
            store
                .record_case_payment(&p, &id, &pay("BC-3", "back_collection", 1))
                .await
        )
        .contains("case")
    );

    let (stats, rows) = store
        .compliance_statistics(
            "2026-01-01".parse().unwrap(),
            "2026-12-31".parse().unwrap(),
            None,
        )
        .await
        .unwrap();
    assert_eq!((stats.examinations, stats.units, stats.workers), (1, 1, 2));
    assert_eq!(stats.recommended, closed.recommended);
    assert_eq!(stats.recovered, closed.recommended);
    assert_eq!(
        (stats.fines, stats.fines_collected),
        (12_000_000, 12_000_000)
    );
    assert_eq!(rows.len(), 1);
    let (none, _) = store
        .compliance_statistics(
            "2025-01-01".parse().unwrap(),
            "2025-12-31".parse().unwrap(),
            None,
        )
        .await
        .unwrap();
    assert_eq!(none.examinations, 0);
    // Every step is in the case's history and the audit trail.
    assert_eq!(closed.events.len(), 11, "{:?}", closed.events);
}

/// Issue 20's property, over generated findings (salaries from the floor to above the cap, spans
/// of one to three months, several workers of a unit): the next run after a conclusion writes
/// adjustment lines that add up to the case's back-collection exactly — the ledger reconciles
/// with the conclusion — and a second run writes nothing. A small fixed-seed generator keeps the
/// cases reproducible without a property-testing runtime around an async store.
async fn any_concluded_back_collection_reconciles_with_the_ledger_and_runs_once(store: Store) {
    let p = params();
    let store = store.receiving_on("2026-01-05".parse().unwrap());
    let mut seed: u64 = 0x5eed_2026;
    let mut next = |below: i64| -> i64 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        i64::try_from((seed >> 33) % u64::try_from(below).unwrap()).unwrap()
    };
    let months = ["2026-01", "2026-02", "2026-03"];
    let mut units = Vec::new();
    for u in 0..5 {
        let code = format!("TP{:04}K", u + 1);
        store.create_employer(&employer(&code, 1)).await.unwrap();
        let workers = 1 + next(3);
        let mut hires = Vec::new();
        let mut salaries = Vec::new();
        for w in 0..workers {
            // Region 1's floor is 5,310,000 in 2026; the cap is 20 × the reference level.
            let declared = 5_400_000 + 100_000 * next(300);
            let actual = declared + 100_000 * (1 + next(400));
            let from = next(3);
            let to = from + next(3 - from);
            hires.push(hire(
                &format!("001085{:06}", 100 * u + w),
                &format!("Người lao động {u}-{w}"),
                "2026-01-05",
                declared,
            ));
            salaries.push((declared, actual, from, to));
        }
        let report = submit(&store, &code, &hires, None).await.unwrap();
        let sins: Vec<String> = report
            .lines
            .iter()
            .map(|l| l.sin.clone().unwrap())
            .collect();
        units.push((code, sins, salaries));
    }
    for month in months {
        store
            .assess_month(&p, month.parse().unwrap(), &|_| {})
            .await
            .unwrap();
    }
    let mut expected = Vec::new();
    for (code, sins, salaries) in &units {
        let case = store
            .open_case(&ansinh_store::examination::NewCase {
                employer_code: code.clone(),
                plan_year: 2026,
                examiners: vec!["thanhtra".into()],
                origin: "manual".into(),
                level: None,
                complex: false,
                score: None,
            })
            .await
            .unwrap();
        let id = case.case_id;
        store
            .move_case(
                &p,
                &id,
                &ansinh_store::examination::Transition {
                    decision_no: Some("1/QĐ-BHXH".into()),
                    period_from: Some("2026-01".into()),
                    period_to: Some("2026-03".into()),
                    ..step("decided", "2026-04-10")
                },
            )
            .await
            .unwrap();
        for to in ["announced", "fieldwork"] {
            store
                .move_case(&p, &id, &step(to, "2026-04-12"))
                .await
                .unwrap();
        }
        for (sin, (declared, actual, from, to)) in sins.iter().zip(salaries) {
            let (from, to) = (months[*from as usize], months[*to as usize]);
            store
                .add_finding(
                    &p,
                    &id,
                    &found("under_declared", sin, from, to, *declared, *actual, 0),
                )
                .await
                .unwrap();
        }
        store
            .move_case(&p, &id, &step("reported", "2026-04-20"))
            .await
            .unwrap();
        let concluded = store
            .move_case(&p, &id, &step("concluded", "2026-04-25"))
            .await
            .unwrap();
        assert!(concluded.case.back_collection > 0, "{concluded:?}");
        expected.push((code.clone(), concluded.case.back_collection));
    }
    store
        .assess_month(&p, "2026-04".parse().unwrap(), &|_| {})
        .await
        .unwrap();
    for (code, back_collection) in &expected {
        let notice = store
            .notice(&p, code, "2026-04".parse().unwrap())
            .await
            .unwrap();
        assert_eq!(
            notice.adjustments_total, *back_collection,
            "{code}: {units:?}"
        );
    }
    let again = store
        .assess_month(&p, "2026-04".parse().unwrap(), &|_| {})
        .await
        .unwrap();
    assert_eq!((again.new_lines, again.adjustments), (0, 0), "{again:?}");
}
