//! The calculator facing a careless or hostile client: whatever the numbers and dates of a
//! request, the answer is a result or an error naming a field — never a panic (these tests
//! run with overflow checks, so a wrapped sum would panic here) and never a negative amount.

use ansinh_rules::Params;
use ansinh_rules::calc::calc;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::sync::OnceLock;

fn params() -> &'static Params {
    static P: OnceLock<Params> = OnceLock::new();
    P.get_or_init(|| Params::embedded().unwrap())
}

/// Integers a careless client sends: ordinary ones, the edges of i64, powers of ten.
fn number() -> impl Strategy<Value = i64> {
    prop_oneof![
        0i64..2_000,
        1_000_000i64..200_000_000,
        Just(i64::MAX),
        Just(i64::MIN),
        Just(-1),
        (0u32..19).prop_map(|e| 10i64.pow(e)),
        any::<i64>(),
    ]
}

fn date() -> impl Strategy<Value = String> {
    prop_oneof![
        (1990i32..2060, 1u8..13, 1u8..29).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        Just("9999-12-31".to_string()),
        Just("0001-01-01".to_string()),
        Just("-009999-01-01".to_string()),
        Just("2026-02-30".to_string()),
        (1800i32..2300).prop_map(|y| format!("{y:04}-06-15")),
    ]
}

fn month() -> impl Strategy<Value = String> {
    prop_oneof![
        (1990i32..2060, 1u8..13).prop_map(|(y, m)| format!("{y:04}-{m:02}")),
        Just("2200-12".to_string()),
        Just("1900-01".to_string()),
    ]
}

fn history() -> impl Strategy<Value = Value> {
    proptest::collection::vec((month(), month(), number()), 0..4).prop_map(|ps| {
        Value::Array(
            ps.into_iter()
                .map(|(from, to, salary)| json!({"from": from, "to": to, "salary": salary}))
                .collect(),
        )
    })
}

/// One request of each kind, every field drawn from the strategies above.
fn request() -> impl Strategy<Value = Value> {
    let n = number;
    prop_oneof![
        (month(), n(), 1u8..5, n()).prop_map(|(m, s, r, used)| json!({"kind": "contribution", "month": m, "participant": "employee", "salary": s, "region": r, "support_months_used": used})),
        (date(), history(), n(), n(), n(), n()).prop_map(|(b, h, early, months, avg, y)| json!({"kind": "pension", "sex": "male", "birth_date": b, "history": h, "early_months": early, "settlement_year": y.clamp(-100_000, 100_000)}).tap_alt(months, avg)),
        (date(), n(), n(), n()).prop_map(|(b, early, months, avg)| json!({"kind": "pension", "sex": "female", "birth_date": b, "early_months": early, "contribution_months": months, "average_salary": avg})),
        (date(), n()).prop_map(|(b, years)| json!({"kind": "pension", "sex": "female", "birth_date": b, "years": years, "average_salary": 10_000_000})),
        date().prop_map(|b| json!({"kind": "retirement", "sex": "male", "birth_date": b})),
        (history(), 1900i32..2201).prop_map(|(h, y)| json!({"kind": "average_salary", "history": h, "settlement_year": y})),
        (n(), n(), n(), n(), date()).prop_map(|(avg, before, from, out, d)| json!({"kind": "one_time", "average_salary": avg, "months_before_2014": before, "months_from_2014": from, "months_out_of_insurance": out, "decision_date": d, "ground": "emigrating"})),
        (n(), n(), n(), date()).prop_map(|(s, years, used, d)| json!({"kind": "sickness", "salary": s, "days": 5, "contribution_years": years, "days_used": used, "date": d})),
        (n(), n(), n(), date()).prop_map(|(avg, children, months, d)| json!({"kind": "maternity", "average_salary": avg, "children": children, "months_contributed_last_12": months, "birth_date": d})),
        (date(), n(), n(), n(), n(), n()).prop_map(|(d, months, before, avg, rel, pension)| json!({"kind": "survivor", "death_date": d, "contribution_months": months, "months_before_2014": before, "average_salary": avg, "relatives": rel, "pensioner": {"monthly_pension": pension, "months_received": months}})),
        (n(), n(), date(), n()).prop_map(|(avg, months, d, window)| json!({"kind": "unemployment", "average_salary": avg, "months": months, "region": 1, "termination_date": d, "months_in_window": window, "contract_months": window})),
        (n(), n(), date()).prop_map(|(a, days, d)| json!({"kind": "late_charge", "amount": a, "days": days, "date": d})),
        (n(), n(), date()).prop_map(|(a, b, d)| json!({"kind": "late_interest_qd595", "overdue_balance": a, "latest_month_amount": b, "date": d})),
        (month(), n(), n(), date(), date()).prop_map(|(m, due, paid, on, as_of)| json!({"kind": "compliance", "month": m, "amount_due": due, "payments": [{"date": on, "amount": paid}], "as_of": as_of})),
        (month(), month(), n(), n(), date(), n()).prop_map(|(from, to, declared, actual, as_of, region)| json!({"kind": "back_collection", "as_of": as_of, "region": region, "findings": [{"worker": "W", "from": from, "to": to, "declared_salary": declared, "actual_salary": actual}]})),
        (n(), n(), date(), n()).prop_map(|(amount, workers, d, months)| json!({"kind": "sanction", "violation": "evasion", "offender": "organisation", "amount": amount, "workers": workers, "date": d, "months": months})),
    ]
    .prop_map(|mut v| {
        v["jurisdiction"] = json!("VN");
        v
    })
}

trait TapAlt {
    /// The pension request also given summary figures (refused beside a history, or used).
    fn tap_alt(self, months: i64, avg: i64) -> Value;
}

impl TapAlt for Value {
    fn tap_alt(mut self, months: i64, avg: i64) -> Value {
        if months % 2 == 0 {
            self["contribution_months"] = json!(months);
            self["average_salary"] = json!(avg);
            self.as_object_mut().unwrap().remove("history");
        }
        self
    }
}

/// Every amount of an answer, wherever it is.
fn amounts(v: &Value, path: &str, out: &mut Vec<(String, i64)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k != "explanation" {
                    amounts(x, &format!("{path}.{k}"), out);
                }
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                amounts(x, &format!("{path}[{i}]"), out);
            }
        }
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push((path.to_string(), i));
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, ..ProptestConfig::default() })]

    #[test]
    fn no_request_panics_or_answers_a_negative_amount(req in request()) {
        match calc(params(), &req) {
            Ok(answer) => {
                let mut found = Vec::new();
                amounts(&answer.body, "", &mut found);
                for (path, v) in found {
                    prop_assert!(v >= 0 || path.contains("months_until") || path.ends_with("days_late"),
                        "{path} = {v} for {req}");
                }
            }
            Err(e) => prop_assert!(!e.field.is_empty() || req.get("kind").is_none(), "{e} for {req}"),
        }
    }
}

fn field_of(req: Value) -> String {
    let mut req = req;
    req["jurisdiction"] = json!("VN");
    calc(params(), &req).unwrap_err().field
}

/// The cases of the security review (issue 15): each refused naming its field.
#[test]
fn the_reported_cases_are_refused_naming_the_field() {
    assert_eq!(
        field_of(
            json!({"kind": "pension", "sex": "male", "birth_date": "9999-12-31", "contribution_months": 240, "average_salary": 10_000_000})
        ),
        "birth_date"
    );
    assert_eq!(
        field_of(
            json!({"kind": "pension", "sex": "male", "birth_date": "1970-01-01", "contribution_months": 240, "average_salary": 10_000_000, "early_months": 1_000_000_000_000_000i64})
        ),
        "early_months"
    );
    assert_eq!(
        field_of(
            json!({"kind": "maternity", "average_salary": 10_000_000, "birth_date": "2026-03-01", "children": i64::MAX})
        ),
        "children"
    );
    assert_eq!(
        field_of(
            json!({"kind": "contribution", "month": "2026-03", "participant": "employee", "salary": i64::MAX, "region": 1})
        ),
        "salary"
    );
    assert_eq!(
        field_of(
            json!({"kind": "late_charge", "amount": 1_000_000, "days": i64::MAX, "date": "2026-03-01"})
        ),
        "days"
    );
    assert_eq!(
        field_of(
            json!({"kind": "average_salary", "settlement_year": 2026, "history": [{"from": "2010-01", "to": "2020-12", "salary": i64::MAX}]})
        ),
        "history[0].salary"
    );
}
