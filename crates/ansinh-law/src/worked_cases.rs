//! Worked cases as data (`rules/<jurisdiction>/cases/*.json`): each case's request goes through
//! the package's calculator, and every field of `expect` must be in the response with that
//! value (a subset match), or the request must fail on `expect_error.field`. Every case cites
//! its source. The files are read by each package's test; this checks one parsed document.

use crate::jurisdiction::CalcError;
use serde_json::Value;

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

/// Runs the cases of one document (`{"about": …, "cases": [...]}`); returns how many ran and
/// what failed, one line per failure naming the case.
pub fn check(
    doc: &Value,
    calc: impl Fn(&Value) -> Result<Value, CalcError>,
) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut ran = 0;
    let Some(cases) = doc["cases"].as_array() else {
        return (0, vec!["the document has no `cases` list".into()]);
    };
    for case in cases {
        let name = case["name"].as_str().unwrap_or("(a case without a name)");
        if !case["source"].is_string() {
            failures.push(format!("{name}: every case cites its source"));
        }
        ran += 1;
        match (
            case.get("expect"),
            case.get("expect_error"),
            calc(&case["request"]),
        ) {
            (Some(expect), None, Ok(body)) => {
                if expect.as_object().is_none_or(|o| o.is_empty()) {
                    failures.push(format!("{name}: empty expectation"));
                }
                let mut diffs = Vec::new();
                mismatches("", expect, Some(&body), &mut diffs);
                if body["explanation"].as_array().is_none_or(|l| l.is_empty()) {
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
            (Some(_), None, Err(err)) => failures.push(format!("{name}: unexpected error {err}")),
            (None, Some(_), Ok(body)) => {
                failures.push(format!("{name}: expected an error, got {body}"))
            }
            _ => failures.push(format!(
                "{name}: give exactly one of `expect` and `expect_error`"
            )),
        }
    }
    (ran, failures)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_wrong_value_a_wrong_field_and_a_missing_source_are_failures() {
        let doc = json!({"cases": [
            {"name": "ok", "source": "s", "request": {"x": 1}, "expect": {"x": 1}},
            {"name": "wrong", "source": "s", "request": {"x": 1}, "expect": {"x": 2}},
            {"name": "unsourced", "request": {"x": 1}, "expect": {"x": 1}},
            {"name": "error", "source": "s", "request": {"fail": true}, "expect_error": {"field": "y"}}
        ]});
        let echo = |r: &Value| {
            if r.get("fail").is_some() {
                Err(CalcError::new("fail", "asked to"))
            } else {
                let mut b = r.clone();
                b["explanation"] = json!([{"key": "x"}]);
                Ok(b)
            }
        };
        let (ran, failures) = check(&doc, echo);
        assert_eq!(ran, 4);
        assert_eq!(failures.len(), 3, "{failures:?}");
    }
}
