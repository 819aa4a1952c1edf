//! Runs every worked case of `rules/vn/cases/*.json` (the domain reference's §6 and more)
//! through the framework's checker (`ansinh_law::worked_cases`): each case's request goes
//! through `calc`, and every field of `expect` must be in the response with that value (a
//! subset match), or the request must fail on `expect_error.field`.

use ansinh_rules::Params;
use ansinh_rules::calc::calc;
use serde_json::Value;
use std::path::PathBuf;

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../rules/vn/cases")
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
        let (n, f) = ansinh_law::worked_cases::check(&doc, |r| calc(&params, r).map(|a| a.body));
        ran += n;
        failures.extend(f);
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
