//! The JSON face of the Lao package: the same request and response shapes as Vietnam's
//! `ansinh calc`, amounts in kip and `"currency": "LAK"`.
//!
//! A field of Vietnam's law in a Lao request (a minimum-wage region, an occupational rate,
//! State support) is refused naming it, never ignored; a month or date before the first Lao
//! parameter is refused naming the date the encoded law starts.

use crate::contribution::{self, Line, Participant};
use crate::lump_sum;
use crate::params::{LaoParams, MissingParam};
use crate::pension::{self, PensionFacts, Sex};
use crate::survivor::{self, Spouse, SurvivorFacts};
use ansinh_core::{Date, Kip, Month};
use ansinh_law::CalcError;
use ansinh_law::request::{count, money, parse};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Kinds of request the Lao package answers.
pub const KINDS: &[&str] = &["contribution", "pension", "survivor", "lump_sum"];

/// Fields of Vietnam's requests that have no meaning under Lao law.
const VIETNAMESE_FIELDS: &[(&str, &str)] = &[
    ("region", "a minimum-wage region of Vietnam"),
    (
        "occupational",
        "Vietnam's occupational accident rate option",
    ),
    (
        "support_group",
        "Vietnam's State support for voluntary participants",
    ),
    (
        "support_months_used",
        "Vietnam's State support for voluntary participants",
    ),
    ("settlement_year", "Vietnam's salary revaluation year"),
];

/// Largest amount of kip a request may carry: 10^12 kip, far above any real salary.
const MAX_KIP: i64 = 1_000_000_000_000;

/// Answers one Lao request.
pub fn calc(params: &LaoParams, request: &Value) -> Result<Value, CalcError> {
    let Value::Object(map) = request else {
        return Err(CalcError::new(
            "",
            "the request must be a JSON object with `kind` and `jurisdiction`",
        ));
    };
    let mut fields = map.clone();
    match fields.remove("jurisdiction") {
        Some(Value::String(j)) if j == "LA" => {}
        other => {
            return Err(CalcError::new(
                "jurisdiction",
                format!("the Lao package answers \"LA\", found {other:?}"),
            ));
        }
    }
    let kind = match fields.remove("kind") {
        Some(Value::String(k)) => k,
        _ => {
            return Err(CalcError::new(
                "kind",
                format!("missing or not a string; one of: {}", KINDS.join(", ")),
            ));
        }
    };
    for (field, what) in VIETNAMESE_FIELDS {
        if fields.contains_key(*field) {
            return Err(CalcError::new(
                *field,
                format!("is {what}: Lao law (Law 54/NA) has no such field"),
            ));
        }
    }
    let (outcome, explanation) = match kind.as_str() {
        "contribution" => contribution_kind(params, parse(fields)?)?,
        "pension" => pension_kind(params, parse(fields)?)?,
        "survivor" => survivor_kind(params, parse(fields)?)?,
        "lump_sum" => lump_sum_kind(params, parse(fields)?)?,
        other => {
            return Err(CalcError::new(
                "kind",
                format!(
                    "unknown kind `{other}` for LA; one of: {}",
                    KINDS.join(", ")
                ),
            ));
        }
    };
    let mut body = Map::new();
    body.insert("kind".into(), Value::String(kind));
    body.insert("jurisdiction".into(), Value::String("LA".into()));
    body.insert("currency".into(), Value::String("LAK".into()));
    if let Value::Object(o) = outcome {
        body.extend(o);
    }
    body.insert("explanation".into(), lao_lines(&explanation));
    Ok(Value::Object(body))
}

/// The explanation with its labels under `label_lo` (the framework writes the local label as
/// `label_vi`, Vietnam's key).
fn lao_lines(lines: &[Line]) -> Value {
    let mut value = serde_json::to_value(lines).unwrap_or(Value::Null);
    if let Value::Array(items) = &mut value {
        for item in items {
            if let Value::Object(o) = item
                && let Some(label) = o.remove("label_vi")
            {
                o.insert("label_lo".into(), label);
            }
        }
    }
    value
}

type Outcome = Result<(Value, Vec<Line>), CalcError>;

fn missing(field: &str, e: MissingParam) -> CalcError {
    CalcError::new(field, e)
}

fn kip(field: &str, amount: Kip) -> Result<Kip, CalcError> {
    money(field, amount, MAX_KIP)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContributionReq {
    month: Month,
    participant: Participant,
    salary: Kip,
}

fn contribution_kind(params: &LaoParams, r: ContributionReq) -> Outcome {
    let salary = kip("salary", r.salary)?;
    let resolved =
        contribution::resolve(params, r.month, r.participant).map_err(|e| missing("month", e))?;
    let a = contribution::assess(&resolved, salary).map_err(|e| CalcError::new("salary", e))?;
    let lines =
        contribution::explain(params, &resolved, salary, &a).map_err(|e| missing("month", e))?;
    let warnings: Vec<String> = if a.raised_to_floor {
        vec![format!(
            "salary {salary} is below the insurable floor {}: contributions are on the floor (MLSW Decision 1740/MOLSW; unconfirmed)",
            resolved.floor
        )]
    } else {
        Vec::new()
    };
    Ok((
        json!({
            "month": r.month.to_string(),
            "participant": r.participant,
            "base": a.base,
            "employee": a.employee,
            "employer": a.employer,
            "total": a.total,
            "warnings": warnings,
        }),
        lines,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PensionReq {
    sex: Sex,
    age: i64,
    years: i64,
    average_salary: Kip,
    date: Date,
}

fn pension_kind(params: &LaoParams, r: PensionReq) -> Outcome {
    let facts = PensionFacts {
        sex: r.sex,
        age: count("age", r.age, 130)?,
        years: count("years", r.years, 100)?,
        average_salary: kip("average_salary", r.average_salary)?,
        date: r.date,
    };
    let (o, lines) = pension::evaluate(params, &facts).map_err(|e| missing("date", e))?;
    Ok((serde_json::to_value(o).unwrap_or(Value::Null), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SurvivorReq {
    years: i64,
    last_salary: Kip,
    #[serde(default)]
    spouse: Option<Spouse>,
    #[serde(default)]
    spouse_age: i64,
    /// Asked, not assumed: a spouse with a regular income has no allowance.
    #[serde(default)]
    spouse_has_income: Option<bool>,
    #[serde(default)]
    children: i64,
    #[serde(default)]
    parents: i64,
    date: Date,
}

fn survivor_kind(params: &LaoParams, r: SurvivorReq) -> Outcome {
    let facts = SurvivorFacts {
        years: count("years", r.years, 100)?,
        last_salary: kip("last_salary", r.last_salary)?,
        spouse: r.spouse,
        spouse_age: count("spouse_age", r.spouse_age, 130)?,
        spouse_has_income: match (r.spouse, r.spouse_has_income) {
            (Some(_), None) => {
                return Err(CalcError::new(
                    "spouse_has_income",
                    "required with `spouse`: a spouse with a regular income has no allowance",
                ));
            }
            (_, given) => given.unwrap_or(false),
        },
        children: count("children", r.children, 30)?,
        parents: count("parents", r.parents, 2)?,
        date: r.date,
    };
    let (o, lines) = survivor::evaluate(params, &facts).map_err(|e| missing("date", e))?;
    Ok((serde_json::to_value(o).unwrap_or(Value::Null), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LumpSumReq {
    months: i64,
    last_salary: Kip,
    date: Date,
}

fn lump_sum_kind(params: &LaoParams, r: LumpSumReq) -> Outcome {
    let months = count("months", r.months, 1_200)?;
    let salary = kip("last_salary", r.last_salary)?;
    let (o, lines) =
        lump_sum::evaluate(params, months, salary, r.date).map_err(|e| missing("date", e))?;
    Ok((serde_json::to_value(o).unwrap_or(Value::Null), lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(v: Value) -> Result<Value, CalcError> {
        calc(&LaoParams::embedded().unwrap(), &v)
    }

    #[test]
    fn the_issue_s_request_answers_in_kip() {
        let body = run(
            json!({"kind":"contribution","jurisdiction":"LA","month":"2026-03",
            "participant":"employee","salary":3000000}),
        )
        .unwrap();
        assert_eq!(body["currency"], "LAK");
        assert_eq!(body["employee"]["total"], 165_000);
        assert_eq!(body["employer"]["total"], 180_000);
        assert_eq!(body["total"], 345_000);
        let first = &body["explanation"][0];
        assert!(
            first["label_lo"].as_str().is_some_and(|l| !l.is_empty()),
            "{first}"
        );
        assert!(first.get("label_vi").is_none());
    }

    #[test]
    fn bad_input_names_the_field() {
        let base = json!({"kind":"contribution","jurisdiction":"LA","month":"2026-03",
            "participant":"employee","salary":3000000});
        let with = |k: &str, v: Value| {
            let mut r = base.clone();
            r[k] = v;
            run(r).unwrap_err()
        };
        let e = with("region", json!(1));
        assert_eq!(e.field, "region");
        assert!(e.reason.contains("Vietnam"), "{}", e.reason);
        let e = with("month", json!("2016-12"));
        assert_eq!(e.field, "month");
        assert!(e.reason.contains("2017-01-01"), "{}", e.reason);
        assert_eq!(with("salary", json!(-5)).field, "salary");
        assert_eq!(with("salary", json!("lots")).field, "salary");
        assert_eq!(with("participant", json!("soldier")).field, "participant");
        assert_eq!(with("surprise", json!(1)).field, "surprise");
        assert_eq!(with("kind", json!("maternity")).field, "kind");
    }

    #[test]
    fn pension_survivor_and_lump_sum_answer_with_their_unconfirmed_flags() {
        let p = run(
            json!({"kind":"pension","jurisdiction":"LA","sex":"female","age":55,
            "years":20,"average_salary":4000000,"date":"2026-03-01"}),
        )
        .unwrap();
        // 1.5 % × 20 years = 30 % of 4,000,000 (accrual unconfirmed).
        assert_eq!(
            (p["eligible"].as_bool(), p["monthly"].as_i64()),
            (Some(true), Some(1_200_000))
        );
        assert_eq!(p["unconfirmed"], true);
        let s = run(
            json!({"kind":"survivor","jurisdiction":"LA","years":6,"last_salary":3000000,
            "spouse":"wife","spouse_age":56,"spouse_has_income":false,"children":2,"date":"2026-03-01"}),
        )
        .unwrap();
        assert_eq!(s["total"], 900_000 + 2 * 600_000);
        let l = run(
            json!({"kind":"lump_sum","jurisdiction":"LA","months":125,"last_salary":3000000,
            "date":"2026-03-01"}),
        )
        .unwrap();
        // 85 % × 3,000,000 × 1.5 × 10 whole years.
        assert_eq!(l["amount"], 38_250_000);
        let before = run(
            json!({"kind":"lump_sum","jurisdiction":"LA","months":125,"last_salary":3000000,
            "date":"2025-06-01"}),
        )
        .unwrap_err();
        assert_eq!(before.field, "date");
    }
}
