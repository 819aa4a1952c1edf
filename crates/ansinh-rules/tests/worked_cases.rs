//! Runs every worked case of `rules/vn/cases/*.json` (the domain reference's §6 and more):
//! each case's request goes through `calc`, and every field of `expect` must be in the
//! response with that value (a subset match), or the request must fail on `expect_error.field`.

use ansinh_rules::Params;
use ansinh_rules::calc::calc;
use serde_json::Value;
use std::path::PathBuf;

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../rules/vn/cases")
}

/// Differences between `expected` and the same paths of `actual`.
fn mismatches(path: &str, expected: &Value, actual: Option<&Value>, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Some(Value::Object(a))) => {
            for (k, v) in e {
                mismatches(&format!("{path}.{k}"), v, a.get(k), out);
            }
        }
        (Value::Number(e), Some(Value::Number(a))) if e.as_f64() == a.as_f64() => {}
        (e, Some(a)) if e == a => {}
        (e, a) => out.push(format!(
            "{path}: expected {e}, got {}",
            a.map_or("nothing".into(), Value::to_string)
        )),
    }
}

#[test]
fn every_worked_case_holds() {
    let params = Params::embedded().expect("embedded parameters are valid");
    let mut files: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("rules/vn/cases exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut ran = 0;
    for file in &files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        for case in doc["cases"].as_array().expect("a `cases` list") {
            let name = case["name"].as_str().expect("every case has a name");
            assert!(
                case["source"].is_string(),
                "{name}: every case cites its source"
            );
            let result = calc(&params, &case["request"]);
            ran += 1;
            match (case.get("expect"), case.get("expect_error"), result) {
                (Some(expect), None, Ok(answer)) => {
                    assert!(
                        expect.as_object().is_some_and(|o| !o.is_empty()),
                        "{name}: empty expectation"
                    );
                    let mut diffs = Vec::new();
                    mismatches("", expect, Some(&answer.body), &mut diffs);
                    if answer.explanation.is_empty() {
                        diffs.push("no explanation".into());
                    }
                    failures.extend(diffs.into_iter().map(|d| format!("{name}: {d}")));
                }
                (None, Some(expect), Err(err)) => {
                    if expect["field"] != Value::String(err.field.clone()) {
                        failures.push(format!(
                            "{name}: error on `{}` ({}), expected on {}",
                            err.field, err.reason, expect["field"]
                        ));
                    }
                }
                (Some(_), None, Err(err)) => {
                    failures.push(format!("{name}: unexpected error {err}"))
                }
                (None, Some(_), Ok(answer)) => {
                    failures.push(format!("{name}: expected an error, got {}", answer.body))
                }
                _ => failures.push(format!(
                    "{name}: give exactly one of `expect` and `expect_error`"
                )),
            }
        }
    }
    assert!(
        ran >= 40,
        "only {ran} cases found in {}",
        cases_dir().display()
    );
    assert!(
        failures.is_empty(),
        "{} of {ran} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
