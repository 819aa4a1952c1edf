//! `ansinh project`: the long-term projection of the pension-survivor fund from a file of
//! assumptions and starting cohorts (the rules core's `projection`), as a table, JSON or CSV.

use ansinh_rules::projection::{Assumptions, Cohort, project};
use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::Path;

/// The file: the assumptions' keys at the top, then `[[cohorts]]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(flatten)]
    assumptions: Assumptions,
    #[serde(default)]
    cohorts: Vec<Cohort>,
}

pub fn run(path: &Path, json: bool, csv: bool) -> Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let file: File = toml::from_str(&text)
        .with_context(|| format!("{}: not a projection file", path.display()))?;
    let p = project(&file.assumptions, &file.cohorts)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&p)?);
    } else if csv {
        let mut w = csv::Writer::from_writer(std::io::stdout());
        w.write_record([
            "year",
            "contributors",
            "pensioners",
            "pensioners_per_100_contributors",
            "income",
            "expenditure",
            "reserve",
        ])?;
        for r in &p.rows {
            w.write_record([
                r.year.to_string(),
                r.contributors.to_string(),
                r.pensioners.to_string(),
                r.dependency_ratio.clone(),
                r.income.to_string(),
                r.expenditure.to_string(),
                r.reserve.to_string(),
            ])?;
        }
        w.flush()?;
    } else {
        let money = |v: i64| ansinh_core::money::grouped(v, '.');
        println!(
            "{:>6} {:>12} {:>12} {:>8} {:>24} {:>24} {:>26}",
            "year", "contributors", "pensioners", "per 100", "income", "expenditure", "reserve"
        );
        for r in &p.rows {
            println!(
                "{:>6} {:>12} {:>12} {:>8} {:>24} {:>24} {:>26}",
                r.year,
                r.contributors,
                r.pensioners,
                r.dependency_ratio,
                money(r.income),
                money(r.expenditure),
                money(r.reserve)
            );
        }
        match p.depletion_year {
            Some(y) => println!("The reserve runs out in {y}."),
            None => println!("The reserve lasts the {} years projected.", p.rows.len()),
        }
    }
    Ok(())
}
