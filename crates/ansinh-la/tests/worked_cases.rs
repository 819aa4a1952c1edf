//! Runs every Lao worked case of `rules/la/cases/*.json` through the framework's checker.

use ansinh_la::LaoParams;
use ansinh_la::calc::calc;
use serde_json::Value;
use std::path::PathBuf;

#[test]
fn every_lao_worked_case_holds() {
    let params = LaoParams::embedded().expect("embedded parameters are valid");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../rules/la/cases");
    let mut ran = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("rules/la/cases exists") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "json") {
            let doc: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let (n, f) = ansinh_law::worked_cases::check(&doc, |r| calc(&params, r));
            ran += n;
            failures.extend(f);
        }
    }
    assert!(ran >= 13, "only {ran} cases in {}", dir.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
