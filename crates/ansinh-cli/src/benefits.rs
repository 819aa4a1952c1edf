//! `ansinh benefits`: the benefits officer's work from the command line — receive a claim,
//! attach a document, decide and approve, pay the monthly payroll, suspend or resume an
//! entitlement, enter a verified period — on the same store and rules as the pages and the API.
//! A refusal prints `{"error": {"field", "reason"}}` and exits 2.

use crate::system::{DbArgs, open};
use ansinh_core::Month;
use ansinh_rules::Params;
use ansinh_store::StoreError;
use ansinh_store::benefit_claim::{ClaimFilter, DecisionInput, NewClaim};
use ansinh_store::payroll::EntitlementChange;
use anyhow::{Context, Result};
use clap::Subcommand;
use serde_json::json;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum BenefitsCommand {
    /// Receive a claim given as JSON (person_sin, kind, channel, event_date, documents,
    /// facts, payment …; see the OpenAPI schema NewClaim).
    Claim {
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
    },
    /// The claims of a queue (JSON): by state or office, or past their decision day.
    Claims {
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        office: Option<String>,
        /// Only claims past their decision day on this date (the overdue queue).
        #[arg(long)]
        overdue_on: Option<String>,
    },
    /// Attach a document of the dossier (stored by its SHA-256).
    Attach {
        #[arg(long)]
        claim: String,
        /// The document's name in the kind's checklist (`si_book`, `birth_certificate` …).
        #[arg(long)]
        document: String,
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        #[arg(long, default_value = "application/pdf")]
        media_type: String,
    },
    /// Decide a complete claim: `--grant` computes it from the record, `--refuse REASON`
    /// writes the refusal.
    Decide {
        #[arg(long)]
        claim: String,
        #[arg(long, conflicts_with = "refuse")]
        grant: bool,
        #[arg(long, value_name = "REASON")]
        refuse: Option<String>,
        #[arg(long)]
        on: Option<String>,
    },
    /// A second officer (ANSINH_OPERATOR) approves a decision above the threshold.
    Approve {
        #[arg(long)]
        claim: String,
        #[arg(long)]
        on: Option<String>,
    },
    /// Pay a month: `{"month","recipients","total","written"}` with --json; a second run of
    /// the same month writes nothing. --files DIR writes one CSV payment file per channel.
    Payroll {
        #[arg(long)]
        month: String,
        #[arg(long)]
        json: bool,
        #[arg(long, value_name = "DIR")]
        files: Option<PathBuf>,
    },
    /// Suspend, terminate or resume a monthly entitlement (L41 Art. 75).
    Change {
        #[arg(long)]
        entitlement: String,
        /// `suspend`, `terminate` or `resume`.
        #[arg(long)]
        action: String,
        /// A reason of rules/vn/benefit_suspension.toml (not for resume).
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        on: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// A person's claims, decisions, entitlements, payments and receivables (JSON).
    Person {
        #[arg(long)]
        sin: String,
    },
    /// Enter contribution history before the registry as a verified period with its source.
    VerifiedPeriod {
        #[arg(long)]
        sin: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        salary: i64,
        #[arg(long)]
        source: String,
        #[arg(long)]
        reference: String,
    },
}

/// Prints a refusal of bad input and answers `false`; other failures stay errors.
fn refused(e: StoreError) -> Result<bool> {
    match e {
        StoreError::Invalid { field, reason } | StoreError::Conflict { field, reason } => {
            println!("{}", json!({"error": {"field": field, "reason": reason}}));
            Ok(false)
        }
        StoreError::NotFound { what } => {
            println!(
                "{}",
                json!({"error": {"field": "", "reason": format!("{what} not found")}})
            );
            Ok(false)
        }
        other => Err(anyhow::anyhow!("{other}")),
    }
}

fn print<T: serde::Serialize>(value: &T) -> Result<bool> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(true)
}

/// Runs the command; `Ok(false)` when the input was refused (exit 2).
pub async fn run(db: &DbArgs, command: BenefitsCommand, params: &Params) -> Result<bool> {
    let store = open(db).await?;
    let outcome = match command {
        BenefitsCommand::Claim { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let claim: NewClaim = match serde_json::from_str(&text) {
                Ok(c) => c,
                Err(e) => return refused(StoreError::invalid("file", format!("not a claim: {e}"))),
            };
            store.receive_claim(params, &claim).await.map(|c| print(&c))
        }
        BenefitsCommand::Claims {
            state,
            office,
            overdue_on,
        } => store
            .benefit_claims(
                params,
                &ClaimFilter {
                    state,
                    office,
                    overdue_on,
                    limit: Some(10_000),
                    person: None,
                    employer: None,
                },
            )
            .await
            .map(|c| print(&c)),
        BenefitsCommand::Attach {
            claim,
            document,
            file,
            media_type,
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            store
                .attach_document(params, &claim, &document, &name, &media_type, &bytes)
                .await
                .map(|c| print(&c))
        }
        BenefitsCommand::Decide {
            claim,
            grant,
            refuse,
            on,
        } => {
            let outcome = if grant {
                "grant"
            } else if refuse.is_some() {
                "refuse"
            } else {
                ""
            };
            store
                .decide_claim(
                    params,
                    &claim,
                    &DecisionInput {
                        outcome: outcome.into(),
                        reason: refuse,
                        on,
                    },
                )
                .await
                .map(|d| print(&d))
        }
        BenefitsCommand::Approve { claim, on } => store
            .approve_claim(params, &claim, on.as_deref())
            .await
            .map(|d| print(&d)),
        BenefitsCommand::Payroll { month, json, files } => {
            let Ok(m) = month.parse::<Month>() else {
                return refused(StoreError::invalid(
                    "month",
                    format!("`{month}` is not a month YYYY-MM"),
                ));
            };
            let started = std::time::Instant::now();
            let report = match store.run_payroll(params, m).await {
                Ok(r) => r,
                Err(e) => return refused(e),
            };
            let elapsed = started.elapsed().as_secs_f64();
            if let Some(dir) = files {
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
                for channel in report.channels.keys() {
                    let path = dir.join(format!("payroll-{month}-{channel}.csv"));
                    let mut out = std::io::BufWriter::new(
                        std::fs::File::create(&path)
                            .with_context(|| format!("cannot create {}", path.display()))?,
                    );
                    let n = store
                        .payroll_file(&month, channel, &mut out)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    eprintln!("{}: {n} payments", path.display());
                }
            }
            if json {
                println!(
                    "{}",
                    json!({"month": report.month, "recipients": report.recipients, "total": report.total,
                           "written": report.written, "funds": report.funds, "channels": report.channels})
                );
            } else {
                println!(
                    "payroll {}: {} recipients, {} đồng, {} payments written in {elapsed:.1} s",
                    report.month, report.recipients, report.total, report.written
                );
                for (fund, amount) in &report.funds {
                    println!("  fund {fund}: {amount}");
                }
                for (channel, t) in &report.channels {
                    println!(
                        "  channel {channel}: {} recipients, {}",
                        t.recipients, t.amount
                    );
                }
            }
            return Ok(true);
        }
        BenefitsCommand::Change {
            entitlement,
            action,
            reason,
            on,
            note,
        } => store
            .change_entitlement(
                params,
                &entitlement,
                &EntitlementChange {
                    action,
                    reason,
                    on,
                    note,
                },
            )
            .await
            .map(|o| print(&o)),
        BenefitsCommand::Person { sin } => {
            store.person_benefits(params, &sin).await.map(|b| print(&b))
        }
        BenefitsCommand::VerifiedPeriod {
            sin,
            from,
            to,
            salary,
            source,
            reference,
        } => store
            .add_verified_period(&sin, &from, &to, salary, &source, &reference)
            .await
            .map(|()| print(&json!({"person_sin": sin, "from": from, "to": to, "salary": salary}))),
    };
    match outcome {
        Ok(printed) => printed,
        Err(e) => refused(e),
    }
}
