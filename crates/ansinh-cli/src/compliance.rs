//! `ansinh compliance`: the inspector's work from the command line — the risk list, the
//! statistics, headcount imports, and cases (open, move, record findings), on the same store
//! and rules as the pages and the API.

use crate::system::{DbArgs, open};
use ansinh_core::Date;
use ansinh_rules::Params;
use ansinh_store::examination::{NewCase, NewFinding, Transition};
use anyhow::{Context, Result, anyhow};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ComplianceCommand {
    /// The risk list on a date: employers scored on rules/vn/risk_criteria.toml, highest first.
    Select {
        #[arg(long)]
        as_of: String,
        #[arg(long, default_value_t = 100)]
        limit: usize,
        /// The whole list as JSON (each employer's criteria and figures).
        #[arg(long)]
        json: bool,
    },
    /// Statistics of the cases decided from --from to --to (both included).
    Stats {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        province: Option<String>,
        /// `{"examinations","units","workers","recommended","recovered","fines",…}`.
        #[arg(long)]
        json: bool,
    },
    /// Import headcounts from tax or labour data (CSV:
    /// employer_code,as_of,headcount,ownership,source), all rows or none.
    Headcounts { file: PathBuf },
    /// Open a case in an office's plan.
    Open {
        #[arg(long)]
        employer: String,
        #[arg(long)]
        year: i64,
        /// Examiners' user names, comma-separated.
        #[arg(long, default_value = "")]
        examiners: String,
        #[arg(long, default_value = "manual")]
        origin: String,
    },
    /// An office's annual plan: the cases of a year (of one province), with their examiners
    /// and states.
    Plan {
        #[arg(long)]
        year: i64,
        #[arg(long)]
        province: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Move a case to its next state.
    Move {
        #[arg(long)]
        case: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        on: String,
        #[arg(long)]
        decision_no: Option<String>,
        #[arg(long)]
        period_from: Option<String>,
        #[arg(long)]
        period_to: Option<String>,
        #[arg(long)]
        conclusion: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record a finding given as JSON (kind, person_sin, from, to, declared_salary,
    /// actual_salary, amount, note).
    Find {
        #[arg(long)]
        case: String,
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
    },
    /// A case with its steps, findings, sanctions and payments (JSON).
    Show {
        #[arg(long)]
        case: String,
    },
    /// Cases past a time limit on a date.
    Overdue {
        #[arg(long)]
        as_of: String,
    },
}

fn date(field: &str, text: &str) -> Result<Date> {
    text.parse()
        .map_err(|_| anyhow!("--{field}: `{text}` is not a date YYYY-MM-DD"))
}

pub async fn run(db: &DbArgs, command: ComplianceCommand, params: &Params) -> Result<()> {
    let store = open(db).await?;
    let failed = |e: ansinh_store::StoreError| anyhow!("{e}");
    match command {
        ComplianceCommand::Select { as_of, limit, json } => {
            let list = store
                .risk_list(params, date("as-of", &as_of)?, limit)
                .await
                .map_err(failed)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                println!("rank\temployer\tscore\tcriteria");
                for (i, e) in list.iter().enumerate() {
                    let criteria: Vec<String> = e
                        .hits
                        .iter()
                        .map(|h| format!("{} {} (+{})", h.criterion, h.figure, h.weight))
                        .collect();
                    println!(
                        "{}\t{}\t{}\t{}",
                        i + 1,
                        e.employer_code,
                        e.score,
                        criteria.join(", ")
                    );
                }
            }
        }
        ComplianceCommand::Stats {
            from,
            to,
            province,
            json,
        } => {
            let (total, rows) = store
                .compliance_statistics(date("from", &from)?, date("to", &to)?, province.as_deref())
                .await
                .map_err(failed)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&total)?);
            } else {
                println!(
                    "province\tkind\texaminations\tunits\tworkers\trecommended\trecovered\tfines"
                );
                for r in rows {
                    let t = r.totals;
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        r.province,
                        r.kind,
                        t.examinations,
                        t.units,
                        t.workers,
                        t.recommended,
                        t.recovered,
                        t.fines
                    );
                }
                println!(
                    "total\t\t{}\t{}\t{}\t{}\t{}\t{}",
                    total.examinations,
                    total.units,
                    total.workers,
                    total.recommended,
                    total.recovered,
                    total.fines
                );
            }
        }
        ComplianceCommand::Headcounts { file } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let done = store.import_headcounts(&bytes).await.map_err(failed)?;
            println!("{}", serde_json::to_string_pretty(&done)?);
        }
        ComplianceCommand::Open {
            employer,
            year,
            examiners,
            origin,
        } => {
            let case = store
                .open_case(&NewCase {
                    employer_code: employer,
                    plan_year: year,
                    examiners: examiners
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect(),
                    origin,
                    level: None,
                    complex: false,
                    score: None,
                })
                .await
                .map_err(failed)?;
            println!("{}", serde_json::to_string_pretty(&case)?);
        }
        ComplianceCommand::Plan {
            year,
            province,
            json,
        } => {
            let cases = store
                .cases(&ansinh_store::examination::CaseFilter {
                    plan_year: Some(year),
                    province,
                    limit: 10_000,
                    ..Default::default()
                })
                .await
                .map_err(failed)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&cases)?);
            } else {
                println!("case	employer	province	state	examiners	recommended");
                for k in &cases {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        k.case_id,
                        k.employer_code,
                        k.province,
                        k.state,
                        k.examiners.join(","),
                        k.recommended()
                    );
                }
            }
        }
        ComplianceCommand::Move {
            case,
            to,
            on,
            decision_no,
            period_from,
            period_to,
            conclusion,
            note,
        } => {
            let file = store
                .move_case(
                    params,
                    &case,
                    &Transition {
                        to,
                        on,
                        note,
                        decision_no,
                        period_from,
                        period_to,
                        kind: None,
                        conclusion,
                    },
                )
                .await
                .map_err(failed)?;
            println!("{}", serde_json::to_string_pretty(&file)?);
        }
        ComplianceCommand::Find { case, file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let finding: NewFinding = serde_json::from_str(&text)
                .with_context(|| format!("{}: not a finding", file.display()))?;
            let done = store
                .add_finding(params, &case, &finding)
                .await
                .map_err(failed)?;
            println!("{}", serde_json::to_string_pretty(&done)?);
        }
        ComplianceCommand::Show { case } => {
            let file = store.case_file(params, &case).await.map_err(failed)?;
            println!("{}", serde_json::to_string_pretty(&file)?);
        }
        ComplianceCommand::Overdue { as_of } => {
            let list = store
                .overdue_cases(params, date("as-of", &as_of)?)
                .await
                .map_err(failed)?;
            println!("{}", serde_json::to_string_pretty(&list)?);
        }
    }
    Ok(())
}

/// Seeds a new demo database with examinations in several states (planned, in fieldwork
/// with a finding, concluded, closed after payment) chosen from the risk list, so that an
/// inspector has work on first start. Each step goes through the store as an inspector's
/// would; a unit without a worker employed over the months examined gets no finding.
pub async fn seed_demo(store: &ansinh_store::Store, params: &Params) -> Result<usize> {
    let failed = |e: ansinh_store::StoreError| anyhow!("{e}");
    let as_of: Date = "2026-11-30".parse()?;
    let risk = store.risk_list(params, as_of, 4).await.map_err(failed)?;
    let step = |to: &str, on: &str| Transition {
        to: to.into(),
        on: on.into(),
        ..Transition::default()
    };
    for (i, entry) in risk.iter().enumerate() {
        let case = store
            .open_case(&NewCase {
                employer_code: entry.employer_code.clone(),
                plan_year: 2026,
                examiners: vec!["demo-inspector".into()],
                origin: "risk".into(),
                level: None,
                complex: false,
                score: Some(entry.score),
            })
            .await
            .map_err(failed)?;
        if i == 0 {
            continue;
        }
        let id = case.case_id;
        store
            .move_case(
                params,
                &id,
                &Transition {
                    decision_no: Some(format!("{}/QĐ-BHXH", 100 + i)),
                    period_from: Some("2026-01".into()),
                    period_to: Some("2026-10".into()),
                    ..step("decided", "2026-11-02")
                },
            )
            .await
            .map_err(failed)?;
        store
            .move_case(params, &id, &step("announced", "2026-11-04"))
            .await
            .map_err(failed)?;
        store
            .move_case(params, &id, &step("fieldwork", "2026-11-05"))
            .await
            .map_err(failed)?;
        // One worker employed all of June to August, found paid above the declared salary.
        let persons = store
            .list_persons(
                &ansinh_store::PersonFilter {
                    employer: Some(entry.employer_code.clone()),
                    ..Default::default()
                },
                &ansinh_store::Page {
                    after: None,
                    limit: Some(50),
                },
            )
            .await
            .map_err(failed)?;
        let june: ansinh_core::Month = "2026-06".parse()?;
        let august: ansinh_core::Month = "2026-08".parse()?;
        for p in persons {
            let employments = store.employments(&p.sin).await.map_err(failed)?;
            let Some(e) = employments.iter().find(|e| {
                e.employer_code == entry.employer_code
                    && e.start_date.as_str() < "2026-06-01"
                    && e.end_date.as_deref().is_none_or(|d| d >= "2026-08-31")
            }) else {
                continue;
            };
            let Some(salary) = e
                .salaries
                .iter()
                .filter(|s| s.effective_month.as_str() <= "2026-06")
                .max_by_key(|s| (s.effective_month.clone(), s.seq))
            else {
                continue;
            };
            let declared = salary.salary + salary.allowances;
            let found = store
                .add_finding(
                    params,
                    &id,
                    &NewFinding {
                        kind: "under_declared".into(),
                        person_sin: p.sin.clone(),
                        from: june.to_string(),
                        to: august.to_string(),
                        declared_salary: declared,
                        actual_salary: declared + 3_000_000,
                        amount: 0,
                        note: "demo".into(),
                    },
                )
                .await;
            if found.is_ok() {
                break;
            }
        }
        if i == 1 {
            continue;
        }
        store
            .move_case(params, &id, &step("reported", "2026-11-16"))
            .await
            .map_err(failed)?;
        let concluded = store
            .move_case(
                params,
                &id,
                &Transition {
                    conclusion: Some("Đơn vị đóng BHXH thấp hơn tiền lương thực trả.".into()),
                    ..step("concluded", "2026-11-20")
                },
            )
            .await
            .map_err(failed)?;
        if i == 2 {
            continue;
        }
        store
            .move_case(params, &id, &step("follow_up", "2026-11-21"))
            .await
            .map_err(failed)?;
        if concluded.outstanding > 0 {
            store
                .record_case_payment(
                    params,
                    &id,
                    &ansinh_store::examination::CasePayment {
                        reference: format!("DEMO-{id}"),
                        what: "back_collection".into(),
                        paid_on: "2026-11-25".into(),
                        amount: concluded.outstanding,
                    },
                )
                .await
                .map_err(failed)?;
        } else {
            store
                .move_case(params, &id, &step("closed", "2026-11-25"))
                .await
                .map_err(failed)?;
        }
    }
    Ok(risk.len())
}
