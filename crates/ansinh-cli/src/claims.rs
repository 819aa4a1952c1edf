//! `ansinh claims …`: health-insurance claims files (QĐ 130/QĐ-BYT XML).

use ansinh_claims::Outcome;
use ansinh_rules::Params;
use anyhow::{Context, Result};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum Claims {
    /// Assess a claims file without a database (a facility pre-checking its own file): one
    /// result per visit — accepted, adjusted, rejected, needs review or malformed.
    Assess {
        file: PathBuf,
        /// Print every result in full as JSON instead of one line per visit.
        #[arg(long)]
        json: bool,
    },
}

/// Runs a claims command; `Ok(false)` when the file itself is refused.
pub fn run(what: Claims, params: &Params) -> Result<bool> {
    match what {
        Claims::Assess { file, json } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let outcomes = match ansinh_claims::assess_file(params, &bytes) {
                Ok(o) => o,
                Err(e) => {
                    let doc = serde_json::json!({"error": {"field": "file", "reason": e.to_string(), "file": file.display().to_string()}});
                    println!("{}", serde_json::to_string_pretty(&doc)?);
                    return Ok(false);
                }
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&outcomes)?);
            } else {
                print!("{}", summary(&outcomes));
            }
            Ok(true)
        }
    }
}

/// One line per visit, then the totals.
fn summary(outcomes: &[Outcome]) -> String {
    let mut out = format!(
        "{:<28} {:<13} {:>14} {:>14} {:>14}  findings\n",
        "MA_LK", "decision", "claimed", "assessed", "rejected"
    );
    let (mut claimed, mut assessed) = (rust_decimal::Decimal::ZERO, rust_decimal::Decimal::ZERO);
    for o in outcomes {
        match o {
            Outcome::Assessed(a) => {
                claimed += a.claimed.insurer;
                assessed += a.assessed.insurer;
                let codes: Vec<&str> = a.findings.iter().map(|f| f.code).collect();
                out.push_str(&format!(
                    "{:<28} {:<13} {:>14.2} {:>14.2} {:>14.2}  {}\n",
                    a.key,
                    format!("{:?}", a.decision),
                    a.claimed.insurer,
                    a.assessed.insurer,
                    a.rejected,
                    codes.join(" ")
                ));
            }
            Outcome::Malformed { key, defects } => {
                let first = defects
                    .first()
                    .map(|d| format!("{} {}: {}", d.table, d.field, d.reason))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "{:<28} {:<13} {:>14} {:>14} {:>14}  {first}\n",
                    key.as_deref().unwrap_or("?"),
                    "Malformed",
                    "",
                    "",
                    ""
                ));
            }
        }
    }
    out.push_str(&format!(
        "{} visits; fund share claimed {claimed:.2}, assessed {assessed:.2}\n",
        outcomes.len()
    ));
    out
}
