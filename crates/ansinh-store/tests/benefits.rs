//! Benefit claims and the payroll on both backends: a claim received with its dossier, decided
//! from the record (equal to `ansinh calc` on a history built by hand), approved by a second
//! officer above the threshold, paid by an idempotent payroll, suspended and resumed with
//! arrears, and terminated on a death with the overpayment made receivable.

use ansinh_rules::Params;
use ansinh_store::audit::Actor;
use ansinh_store::benefit_claim::{DecisionInput, NewClaim, PaymentInstruction};
use ansinh_store::declaration::DeclarationLine;
use ansinh_store::payroll::EntitlementChange;
use ansinh_store::{NewEmployer, Store, StoreError};
use ansinh_testkit::{drop_schema, unique};

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(ansinh_testkit::fresh_sqlite("ansinh-benefits").await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let schema = format!("t_{}", super::unique());
                super::$name(ansinh_testkit::fresh_postgres(&schema).await).await;
                super::drop_schema(&schema).await;
            }
        }
    )*};
}

on_both!(
    a_pension_is_decided_from_the_record_approved_and_paid_once_a_month,
    a_maternity_claim_from_the_employers_list_is_paid_once,
    bad_claims_are_refused_naming_the_field,
);

fn params() -> Params {
    Params::embedded().unwrap()
}

fn d(s: &str) -> ansinh_core::Date {
    s.parse().unwrap()
}

fn as_officer(store: &Store, name: &str) -> Store {
    store.acting_as(Actor {
        user: format!("user:{name}"),
        request_id: None,
        reason: None,
    })
}

fn refused<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Ok(v) => panic!("accepted: {v:?}"),
        Err(e) => e.to_string(),
    }
}

/// An employer and one worker hired on `hired` at `salary`, declared on that day.
async fn worker(
    store: &Store,
    personal_id: &str,
    sex: &str,
    birth: &str,
    hired: &str,
    salary: i64,
) -> String {
    let store = store.receiving_on(d(hired));
    if store.employer("TW0001A").await.unwrap().is_none() {
        store
            .create_employer(&NewEmployer {
                unit_code: "TW0001A".into(),
                tax_code: "0101234567".into(),
                name: "Công ty TNHH May Sài Gòn".into(),
                address: "12 Lê Lợi, Quận 1".into(),
                province: "TP. Hồ Chí Minh".into(),
                region: 1,
                occupational_rate: "0.5%".into(),
                status: "active".into(),
            })
            .await
            .unwrap();
    }
    let line = DeclarationLine {
        action: "hire".into(),
        personal_id: personal_id.into(),
        sin: None,
        name: Some(
            if sex == "female" {
                "Nguyễn Thị Lan"
            } else {
                "Trần Văn Minh"
            }
            .into(),
        ),
        sex: Some(sex.into()),
        birth_date: Some(birth.into()),
        nationality: None,
        date: hired.into(),
        salary: Some(salary),
        allowances: None,
        contract_kind: Some("indefinite".into()),
        contract_months: None,
        reason: None,
    };
    let body = serde_json::to_vec(&[&line]).unwrap();
    store
        .submit_declarations(&params(), "TW0001A", &[line], None, &body)
        .await
        .unwrap();
    store
        .person_by_personal_id(personal_id)
        .await
        .unwrap()
        .expect("hired")
        .sin
}

fn bank() -> PaymentInstruction {
    PaymentInstruction {
        channel: "bank".into(),
        bank: Some("Vietcombank".into()),
        account: Some("0071000123456".into()),
        ..Default::default()
    }
}

async fn a_pension_is_decided_from_the_record_approved_and_paid_once_a_month(store: Store) {
    let p = params();
    let sin = worker(
        &store,
        "079064000111",
        "male",
        "1964-05-20",
        "2025-01-01",
        20_000_000,
    )
    .await;
    let store = store.receiving_on(d("2026-11-20"));
    // Thirty years before the registry, from the paper social-insurance book.
    store
        .add_verified_period(
            &sin,
            "1995-01",
            "2024-12",
            18_000_000,
            "sổ BHXH giấy số 7901234567",
            "XM-2026-01",
        )
        .await
        .unwrap();
    let again = refused(
        store
            .add_verified_period(&sin, "2000-01", "2000-12", 1_000_000, "duplicate", "XM-2")
            .await,
    );
    assert!(
        again.contains("already verified from XM-2026-01"),
        "{again}"
    );

    let claim = NewClaim {
        person_sin: sin.clone(),
        kind: "pension".into(),
        channel: "counter".into(),
        employer_code: Some("TW0001A".into()),
        event_date: "2026-09-01".into(),
        received_on: Some("2026-08-20".into()),
        documents: vec!["si_book".into()],
        late_explanation: None,
        facts: None,
        payment: bank(),
        office: None,
    };
    let received = store.receive_claim(&p, &claim).await.unwrap();
    assert_eq!(received.state, "incomplete");
    assert_eq!(received.missing, vec!["termination_document"]);
    assert_eq!(received.fund, "pension_survivor");
    let dup = refused(store.receive_claim(&p, &claim).await);
    assert!(dup.starts_with("event_date: a pension claim of"), "{dup}");
    let early = refused(
        store
            .decide_claim(
                &p,
                &received.claim_id,
                &DecisionInput {
                    outcome: "grant".into(),
                    ..Default::default()
                },
            )
            .await,
    );
    assert!(early.contains("lacks termination_document"), "{early}");

    let store_day = store.receiving_on(d("2026-08-25"));
    let complete = store_day
        .attach_document(
            &p,
            &received.claim_id,
            "termination_document",
            "qd-nghi-huu.pdf",
            "application/pdf",
            b"%PDF-1.4 quyet dinh nghi huu",
        )
        .await
        .unwrap();
    assert_eq!(complete.state, "complete");
    assert_eq!(complete.complete_on.as_deref(), Some("2026-08-25"));
    // 20 days but public holidays (2 September and the day after it in 2026 per the calendar).
    assert!(
        complete.decision_due.as_deref().unwrap() > "2026-09-14",
        "{complete:?}"
    );
    assert_eq!(
        store
            .claim_documents(&received.claim_id)
            .await
            .unwrap()
            .len(),
        1
    );

    // The decision equals `ansinh calc` on the history an officer would type from the book and
    // the declaration: 1995-01 to 2024-12 at 18 M, 2025-01 to 2026-08 at 20 M.
    let alice = as_officer(&store, "alice");
    let decision = alice
        .decide_claim(
            &p,
            &received.claim_id,
            &DecisionInput {
                outcome: "grant".into(),
                on: Some("2026-08-28".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let by_hand = ansinh_rules::calc::calc(
        &p,
        &serde_json::json!({
            "kind": "pension", "jurisdiction": "VN", "sex": "male", "birth_date": "1964-05-20",
            "settlement_year": 2026,
            "history": [
                {"from": "1995-01", "to": "2024-12", "salary": 18_000_000},
                {"from": "2025-01", "to": "2026-08", "salary": 20_000_000},
            ],
        }),
    )
    .unwrap();
    assert_eq!(
        decision.monthly,
        by_hand.body["monthly_pension"].as_i64().unwrap()
    );
    assert!(decision.monthly > 10_000_000, "{}", decision.monthly);
    assert_eq!(
        decision.explanation["monthly_pension"],
        by_hand.body["monthly_pension"]
    );
    // Above 100 M a year: a second officer approves, not the first.
    assert!(decision.needs_approval);
    assert_eq!(
        store
            .benefit_claim(&p, &received.claim_id)
            .await
            .unwrap()
            .state,
        "decided"
    );
    let same = refused(
        alice
            .approve_claim(&p, &received.claim_id, Some("2026-08-29"))
            .await,
    );
    assert!(
        same.starts_with("approved_by: the officer who decided"),
        "{same}"
    );
    let bob = as_officer(&store, "bob");
    let approved = bob
        .approve_claim(&p, &received.claim_id, Some("2026-08-29"))
        .await
        .unwrap();
    assert_eq!(approved.approved_by.as_deref(), Some("user:bob"));
    let first = decision
        .first_month
        .clone()
        .expect("a first month of pension");

    // The payroll pays every month from the first, once.
    let month: ansinh_core::Month = "2026-10".parse().unwrap();
    let run = store.run_payroll(&p, month).await.unwrap();
    let first_m: ansinh_core::Month = first.parse().unwrap();
    let months = first_m.months_until(month) as i64 + 1;
    assert_eq!(run.recipients, 1);
    assert_eq!(run.written, months);
    assert_eq!(run.total, decision.monthly * months);
    assert_eq!(run.funds["pension_survivor"], run.total);
    let rerun = store.run_payroll(&p, month).await.unwrap();
    assert_eq!(
        (rerun.written, rerun.total, rerun.recipients),
        (0, run.total, 1)
    );
    let mut file = Vec::new();
    assert_eq!(
        store
            .payroll_file("2026-10", "bank", &mut file)
            .await
            .unwrap(),
        months
    );
    let file = String::from_utf8(file).unwrap();
    assert!(file.starts_with("source_id,person_sin,name"), "{file}");
    assert!(file.contains("0071000123456"));

    // Suspended on an illegal exit in November, back in January: both months paid then.
    let id = received.claim_id.clone();
    let change = |action: &str, reason: Option<&str>, on: &str| EntitlementChange {
        action: action.into(),
        reason: reason.map(str::to_string),
        on: on.into(),
        note: None,
    };
    let no = refused(
        store
            .change_entitlement(&p, &id, &change("resume", None, "2026-11-02"))
            .await,
    );
    assert!(
        no.starts_with("action: a resumption follows a suspension"),
        "{no}"
    );
    store
        .change_entitlement(
            &p,
            &id,
            &change("suspend", Some("illegal_exit"), "2026-11-05"),
        )
        .await
        .unwrap();
    let store_jan = store.receiving_on(d("2027-01-10"));
    let nov = store_jan
        .run_payroll(&p, "2026-11".parse().unwrap())
        .await
        .unwrap();
    let dec = store_jan
        .run_payroll(&p, "2026-12".parse().unwrap())
        .await
        .unwrap();
    assert_eq!((nov.written, dec.written), (0, 0));
    let back = store_jan
        .change_entitlement(&p, &id, &change("resume", None, "2027-01-03"))
        .await
        .unwrap();
    assert_eq!(back.arrears_months, vec!["2026-11", "2026-12"]);
    let jan = store_jan
        .run_payroll(&p, "2027-01".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(jan.written, 3);
    assert_eq!(jan.total, 3 * decision.monthly);

    // Died on 20 January, reported after February was paid: February is owed back.
    let store_feb = store.receiving_on(d("2027-02-25"));
    store_feb
        .run_payroll(&p, "2027-02".parse().unwrap())
        .await
        .unwrap();
    let death = store_feb
        .change_entitlement(&p, &id, &change("terminate", Some("death"), "2027-01-20"))
        .await
        .unwrap();
    assert_eq!(death.receivable, decision.monthly);
    assert_eq!(death.entitlement.state, "terminated");
    let mar = store_feb
        .run_payroll(&p, "2027-03".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(mar.written, 0);
    let benefits = store.person_benefits(&p, &sin).await.unwrap();
    assert_eq!(benefits.receivables.len(), 1);
    assert_eq!(benefits.receivables[0].month, "2027-02");
    assert_eq!(benefits.payments.len() as i64, months + 3 + 1);
}

async fn a_maternity_claim_from_the_employers_list_is_paid_once(store: Store) {
    let p = params();
    let sin = worker(
        &store,
        "079195000222",
        "female",
        "1995-03-02",
        "2025-01-01",
        8_000_000,
    )
    .await;
    let store = store.receiving_on(d("2026-02-10"));
    let claim = NewClaim {
        person_sin: sin.clone(),
        kind: "maternity".into(),
        channel: "employer_list".into(),
        employer_code: Some("TW0001A".into()),
        event_date: "2026-01-10".into(),
        received_on: Some("2026-02-10".into()),
        documents: vec!["birth_certificate".into()],
        late_explanation: None,
        facts: Some(serde_json::json!({"children": 1})),
        payment: PaymentInstruction {
            channel: "employer".into(),
            ..Default::default()
        },
        office: None,
    };
    let c = store.receive_claim(&p, &claim).await.unwrap();
    assert_eq!(
        (c.state.as_str(), c.fund.as_str()),
        ("complete", "sickness_maternity")
    );
    let decision = store
        .decide_claim(
            &p,
            &c.claim_id,
            &DecisionInput {
                outcome: "grant".into(),
                on: Some("2026-02-12".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let by_hand = ansinh_rules::calc::calc(
        &p,
        &serde_json::json!({"kind": "maternity", "jurisdiction": "VN", "average_salary": 8_000_000,
            "birth_date": "2026-01-10", "children": 1, "months_contributed_last_12": 12}),
    )
    .unwrap();
    let expected =
        by_hand.body["allowance"].as_i64().unwrap() + by_hand.body["lump_sum"].as_i64().unwrap();
    assert_eq!(decision.one_off, expected);
    assert!(!decision.needs_approval);
    assert_eq!(
        store.benefit_claim(&p, &c.claim_id).await.unwrap().state,
        "approved"
    );
    let feb = store
        .run_payroll(&p, "2026-02".parse().unwrap())
        .await
        .unwrap();
    assert_eq!((feb.recipients, feb.total, feb.written), (1, expected, 0));
    assert_eq!(feb.funds["sickness_maternity"], expected);
    assert_eq!(feb.channels["employer"].amount, expected);
    let again = refused(
        store
            .decide_claim(
                &p,
                &c.claim_id,
                &DecisionInput {
                    outcome: "grant".into(),
                    ..Default::default()
                },
            )
            .await,
    );
    assert!(again.contains("already approved"), "{again}");
}

async fn bad_claims_are_refused_naming_the_field(store: Store) {
    let p = params();
    let young = worker(
        &store,
        "079098000333",
        "male",
        "1998-01-01",
        "2025-06-01",
        9_000_000,
    )
    .await;
    let store = store.receiving_on(d("2026-03-10"));
    let base = NewClaim {
        person_sin: young.clone(),
        kind: "pension".into(),
        channel: "counter".into(),
        employer_code: None,
        event_date: "2026-03-01".into(),
        received_on: Some("2026-03-05".into()),
        documents: vec![],
        late_explanation: None,
        facts: None,
        payment: bank(),
        office: None,
    };
    let months = refused(store.receive_claim(&p, &base).await);
    assert!(
        months.starts_with("person_sin: the record gives no pension"),
        "{months}"
    );
    let unknown = refused(
        store
            .receive_claim(
                &p,
                &NewClaim {
                    kind: "holiday".into(),
                    ..base.clone()
                },
            )
            .await,
    );
    assert!(
        unknown.starts_with("kind: `holiday` is no kind of claim"),
        "{unknown}"
    );
    let typed = refused(
        store
            .receive_claim(
                &p,
                &NewClaim {
                    kind: "one_time".into(),
                    facts: Some(serde_json::json!({"history": []})),
                    ..base.clone()
                },
            )
            .await,
    );
    assert_eq!(
        typed,
        "facts.history: comes from the record, not typed into a claim"
    );
    let account = refused(
        store
            .receive_claim(
                &p,
                &NewClaim {
                    kind: "one_time".into(),
                    payment: PaymentInstruction {
                        channel: "bank".into(),
                        bank: Some("BIDV".into()),
                        ..Default::default()
                    },
                    ..base.clone()
                },
            )
            .await,
    );
    assert!(account.starts_with("payment.account:"), "{account}");
    let long = refused(
        store
            .receive_claim(
                &p,
                &NewClaim {
                    kind: "one_time".into(),
                    payment: PaymentInstruction {
                        channel: "post_office".into(),
                        collector: Some("Trần Thị Hoa".into()),
                        authorised_from: Some("2026-01-01".into()),
                        authorised_to: Some("2027-02-01".into()),
                        ..Default::default()
                    },
                    ..base.clone()
                },
            )
            .await,
    );
    assert!(
        long.starts_with("payment.authorised_to: an authorisation lasts at most 12 months"),
        "{long}"
    );
    let list = refused(
        store
            .receive_claim(
                &p,
                &NewClaim {
                    kind: "sickness".into(),
                    ..base.clone()
                },
            )
            .await,
    );
    assert!(
        list.starts_with("channel: a sickness claim comes on the employer's list"),
        "{list}"
    );
    assert!(
        store
            .benefit_claims(&p, &Default::default())
            .await
            .unwrap()
            .is_empty()
    );
}

/// Over generated histories (verified periods before the registry, then a declared job): the
/// pension decided from the record is `ansinh calc` on the history written out by hand.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decision_equals_calc_over_generated_histories() {
    let p = params();
    let mut eligible = 0;
    for seed in 0..16u64 {
        let store = ansinh_testkit::fresh_sqlite("ansinh-benefits-prop").await;
        let mut rng = fastrand::Rng::with_seed(seed);
        // Men born from July 1964 to March 1965 reach the age from late 2025 to 2026: the law of
        // 2024 (L41), the one encoded, and the pension is due inside the record's months.
        let born: ansinh_core::Month = "1964-07".parse().unwrap();
        let born = born.plus(rng.i32(0..9));
        let birth = format!("{born}-15");
        let year = born.year();
        let retirement = ansinh_rules::calc::calc(
            &p,
            &serde_json::json!({"kind": "retirement", "jurisdiction": "VN", "sex": "male", "birth_date": birth}),
        )
        .unwrap();
        let due: ansinh_core::Month = retirement.body["pension_from"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let hired = "2025-01-01";
        let salary = rng.i64(5_000_000..40_000_000);
        let pid = format!("079{:03}{:06}", year % 100, seed);
        let sin = worker(&store, &pid, "male", &birth, hired, salary).await;
        let store = store.receiving_on(d("2026-11-20"));
        // One to three periods with gaps, ending before the job.
        let mut history = Vec::new();
        let mut from: ansinh_core::Month = format!("{}-01", rng.i32(1985..1995)).parse().unwrap();
        for i in 0..rng.usize(1..4) {
            let to = from.plus(rng.i32(60..200)).min("2024-12".parse().unwrap());
            if to < from {
                break;
            }
            let s = rng.i64(2_000_000..30_000_000);
            store
                .add_verified_period(
                    &sin,
                    &from.to_string(),
                    &to.to_string(),
                    s,
                    "sổ BHXH giấy",
                    &format!("XM-{seed}-{i}"),
                )
                .await
                .unwrap();
            history.push(
                serde_json::json!({"from": from.to_string(), "to": to.to_string(), "salary": s}),
            );
            from = to.plus(rng.i32(2..24));
        }
        let event = due.first_day();
        history.push(serde_json::json!({"from": "2025-01", "to": due.plus(-1).to_string(), "salary": salary}));
        let computed = store
            .compute_claim(&p, "pension", &sin, event, &serde_json::json!({}))
            .await
            .unwrap();
        let by_hand = ansinh_rules::calc::calc(
            &p,
            &serde_json::json!({"kind": "pension", "jurisdiction": "VN", "sex": "male", "birth_date": birth,
                "settlement_year": due.year(), "history": history}),
        )
        .unwrap();
        assert_eq!(
            computed.monthly.get(),
            by_hand.body["monthly_pension"].as_i64().unwrap_or(0),
            "seed {seed}: {}",
            serde_json::to_string(&history).unwrap()
        );
        assert_eq!(
            computed.ineligible.is_none(),
            by_hand.body["eligible"].as_bool().unwrap()
        );
        eligible += usize::from(computed.ineligible.is_none() && computed.monthly.get() > 0);
    }
    // The property is not only about refusals: most histories give a pension.
    assert!(eligible >= 12, "{eligible} of 16 eligible");
}
