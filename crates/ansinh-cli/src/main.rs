//! `ansinh`: the command-line shell around the rules core.
//!
//! Exit codes: 0 success, 2 bad input or bad parameter files (a JSON error on stdout),
//! 1 anything else.

mod bench;
mod benefits;
mod claims;
mod compliance;
mod project;
mod simulate;
mod system;
mod table;

use ansinh_la::{LaoParams, Laos};
use ansinh_law::Installed;
use ansinh_rules::Params;
use ansinh_rules::calc::CalcError;
use ansinh_rules::jurisdiction::Vietnam;
use ansinh_rules::params::{EMBEDDED, ParamError, SourceFile};
use clap::{Parser, Subcommand};
use serde_json::json;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// mimalloc rather than glibc's allocator: reading a claims file makes millions of buffers of
/// one to two kilobytes, which glibc spent a quarter of the time merging and splitting (perf,
/// 200,000 visits); measured in docs/ARCHITECTURE.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "ansinh",
    version,
    about = "Ansinh: social-security administration — rules, calculations, benchmarks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct ParamArgs {
    /// Directory of parameter files to use instead of the compiled-in `rules/vn/`.
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// A file of changed parameter values laid over the law (policy simulation).
    #[arg(long, value_name = "FILE")]
    params_override: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Answer one JSON request (stdin or --file) with one JSON response.
    Calc {
        /// Read the request from this file instead of stdin.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// Print the explanation as a readable table instead of JSON.
        #[arg(long)]
        explain: bool,
        #[command(flatten)]
        params: ParamArgs,
    },
    /// Load and validate the parameter files, then list them.
    Params {
        #[command(flatten)]
        params: ParamArgs,
        /// The package whose parameters to list: `VN` (`rules/vn`) or `LA` (`rules/la`).
        #[arg(long, default_value = "VN")]
        jurisdiction: String,
    },
    /// Measure throughput.
    Bench {
        #[command(subcommand)]
        what: bench::Bench,
    },
    /// Create or update the database schema.
    Migrate {
        #[command(flatten)]
        db: system::DbArgs,
    },
    /// Serve the REST API (and its documentation) over HTTP.
    Serve {
        #[command(flatten)]
        db: system::DbArgs,
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        #[command(flatten)]
        params: ParamArgs,
        /// Folder with the claims reference lists (`prices.csv`, `covered.csv`, optional
        /// `facilities.csv`) for claims imported over HTTP.
        #[arg(long, value_name = "DIR")]
        claims_reference: Option<PathBuf>,
        /// The agency's collection account, printed on every monthly notice (C12) as where to
        /// pay: "BHXH Hà Nội — 1234567890 — BIDV Hà Nội".
        #[arg(long, env = "ANSINH_COLLECTION_ACCOUNT", value_name = "TEXT")]
        collection_account: Option<String>,
    },
    /// Import a file into the database.
    Import {
        #[command(subcommand)]
        what: system::Import,
        #[command(flatten)]
        db: system::DbArgs,
    },
    /// Write a synthetic population (reproducible with --seed).
    Generate {
        #[command(flatten)]
        db: system::DbArgs,
        #[arg(long, default_value_t = 1_000)]
        employers: usize,
        #[arg(long, default_value_t = 100_000)]
        persons: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Last month of the generated histories.
        #[arg(long, default_value = "2026-10")]
        until: String,
        /// Recipients of monthly benefits to add (pensioners, survivors, allowances), paid
        /// through --until; the payroll of the next month pays them.
        #[arg(long, default_value_t = 0)]
        pensioners: usize,
    },
    /// Benefit claims, decisions, the monthly payroll and entitlements.
    Benefits {
        #[command(subcommand)]
        what: benefits::BenefitsCommand,
        #[command(flatten)]
        db: system::DbArgs,
    },
    /// Run the monthly assessment of a month (idempotent; a re-run writes only differences).
    Assess {
        #[command(flatten)]
        db: system::DbArgs,
        /// Month to assess, YYYY-MM.
        #[arg(long)]
        month: String,
    },
    /// Print an employer's monthly notice (C12 equivalent).
    Notice {
        #[command(flatten)]
        db: system::DbArgs,
        #[arg(long)]
        employer: String,
        #[arg(long)]
        month: String,
        /// json, csv or html.
        #[arg(long, default_value = "json")]
        format: String,
    },
    /// Health-insurance claims files (QĐ 130/QĐ-BYT XML).
    Claims {
        #[command(subcommand)]
        what: claims::Claims,
        #[command(flatten)]
        params: ParamArgs,
    },
    /// Health-insurance cards: issue, renew, list.
    Card {
        #[command(subcommand)]
        what: system::CardCommand,
        #[command(flatten)]
        db: system::DbArgs,
    },
    /// The Vietnam–Korea agreement: certificates of coverage and the exchange of periods.
    Agreement {
        #[command(subcommand)]
        what: system::AgreementCommand,
        #[command(flatten)]
        db: system::DbArgs,
    },
    /// The armed forces' scheme (BHXH Quân đội): servicemen's periods, the monthly run, the
    /// transfer of a discharged serviceman's record.
    Service {
        #[command(subcommand)]
        what: system::ServiceCommand,
        #[command(flatten)]
        db: system::DbArgs,
    },
    /// Compliance examinations: the risk list, statistics, headcount imports and cases.
    Compliance {
        #[command(subcommand)]
        what: compliance::ComplianceCommand,
        #[command(flatten)]
        db: system::DbArgs,
    },
    /// Users of the web pages and the API, and their API tokens.
    User {
        #[command(subcommand)]
        what: system::UserCommand,
        #[command(flatten)]
        db: system::DbArgs,
    },
    /// A month's contributions of a whole population under the law and, with
    /// --params-override, under a reform: totals per fund and payer, the difference, winners
    /// and losers by salary decile.
    Simulate {
        /// CSV with the columns salary,region[,foreign] (more columns are ignored).
        #[arg(long, value_name = "FILE", conflicts_with = "from_registry")]
        population: Option<PathBuf>,
        /// The employments of the registry (--database-url) in force in the month.
        #[arg(long)]
        from_registry: bool,
        #[command(flatten)]
        db: system::DbArgs,
        /// Month, YYYY-MM.
        #[arg(long)]
        month: String,
        #[command(flatten)]
        params: ParamArgs,
        /// Print the JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// The long-term projection of the pension-survivor fund from a file of assumptions and
    /// starting cohorts (docs/projection.md): contributors, pensioners, income, expenditure,
    /// reserve year by year and the year it runs out.
    Project {
        #[arg(long, value_name = "FILE")]
        assumptions: PathBuf,
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        #[arg(long)]
        csv: bool,
    },
    /// Create a demo database (if none) with a generated population and serve it.
    Demo {
        #[arg(long, default_value = "ansinh-demo.db")]
        file: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        #[arg(long, default_value_t = 20_000)]
        persons: usize,
        /// The jurisdiction of the demo database (`VN`; `LA` is refused until the Lao registry,
        /// run and pages exist).
        #[arg(long, default_value = "VN")]
        jurisdiction: String,
    },
}

/// A failure reported as a JSON document with exit code 2.
struct Refusal(serde_json::Value);

impl From<CalcError> for Refusal {
    fn from(e: CalcError) -> Refusal {
        Refusal(e.to_json())
    }
}

impl From<ParamError> for Refusal {
    fn from(e: ParamError) -> Refusal {
        Refusal(
            json!({ "error": { "file": e.file, "line": e.line, "key": e.key, "field": "params", "reason": e.reason } }),
        )
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Calc {
            file,
            explain,
            params,
        } => run_calc(file.as_deref(), explain, &params),
        Command::Params {
            params,
            jurisdiction,
        } => match jurisdiction.as_str() {
            "LA" => {
                load_lao_params(&params).map(|p| table::emit(&table::render_params(&p.summary())))
            }
            "VN" => load_params(&params).map(|p| table::emit(&table::render_params(&p.summary()))),
            // Not VN nor LA: the installed set's own refusal names what is installed.
            other => installed(&params, None).and_then(|packages| {
                packages
                    .package("--jurisdiction", other)
                    .map(|_| ())
                    .map_err(Refusal::from)
            }),
        },
        Command::Bench { what } => return report(bench::run(what)),
        Command::Migrate { db } => {
            return report(block_on(system::migrate(&db)));
        }
        Command::Serve {
            db,
            addr,
            params,
            claims_reference,
            collection_account,
        } => {
            let params = match load_params(&params) {
                Ok(p) => p,
                Err(r) => return refuse(r),
            };
            return report(block_on(system::serve(
                &db,
                addr,
                params,
                claims_reference.as_deref(),
                collection_account,
            )));
        }
        Command::Import { what, db } => {
            let params = match load_params(&ParamArgs {
                rules: None,
                params_override: None,
            }) {
                Ok(p) => p,
                Err(r) => return refuse(r),
            };
            return match block_on(system::import(&db, what, params)) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(2),
                Err(e) => report(Err(e)),
            };
        }
        Command::Generate {
            db,
            employers,
            persons,
            seed,
            until,
            pensioners,
        } => {
            let g = system::Generate {
                employers,
                persons,
                seed,
                until,
                pensioners,
            };
            return report(embedded().and_then(|p| block_on(system::generate(&db, g, &p))));
        }
        Command::Assess { db, month } => {
            return report(embedded().and_then(|p| block_on(system::assess(&db, &month, &p))));
        }
        Command::Notice {
            db,
            employer,
            month,
            format,
        } => {
            return report(block_on(system::notice(&db, &employer, &month, &format)));
        }
        Command::Claims { what, params } => {
            let params = match load_params(&params) {
                Ok(p) => p,
                Err(r) => return refuse(r),
            };
            return match claims::run(what, &params) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(2),
                Err(e) => report(Err(e)),
            };
        }
        Command::Card { what, db } => {
            return report(block_on(system::card(&db, what)));
        }
        Command::Simulate {
            population,
            from_registry,
            db,
            month,
            params,
            json,
        } => {
            return report(run_simulate(
                population.as_deref(),
                from_registry,
                &db,
                &month,
                &params,
                json,
            ));
        }
        Command::Service { what, db } => {
            return report(embedded().and_then(|p| block_on(system::service(&db, what, &p))));
        }
        Command::Project {
            assumptions,
            json,
            csv,
        } => {
            return report(project::run(&assumptions, json, csv));
        }
        Command::Agreement { what, db } => {
            return report(embedded().and_then(|p| block_on(system::agreement(&db, what, &p))));
        }
        Command::Benefits { what, db } => {
            return match embedded().and_then(|p| block_on(benefits::run(&db, what, &p))) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(2),
                Err(e) => report(Err(e)),
            };
        }
        Command::Compliance { what, db } => {
            return report(embedded().and_then(|p| block_on(compliance::run(&db, what, &p))));
        }
        Command::User { what, db } => {
            return report(block_on(system::user(&db, what)));
        }
        Command::Demo {
            file,
            addr,
            persons,
            jurisdiction,
        } => {
            return report(
                embedded()
                    .and_then(|p| block_on(system::demo(&file, addr, persons, &jurisdiction, p))),
            );
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(r) => refuse(r),
    }
}

fn run_simulate(
    population: Option<&Path>,
    from_registry: bool,
    db: &system::DbArgs,
    month: &str,
    params: &ParamArgs,
    json: bool,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let month: ansinh_core::Month = month
        .parse()
        .map_err(|e| anyhow::anyhow!("--month: `{month}` is not a month YYYY-MM ({e})"))?;
    let as_error = |Refusal(doc): Refusal| anyhow::anyhow!("{doc}");
    let law = load_params(&ParamArgs {
        rules: params.rules.clone(),
        params_override: None,
    })
    .map_err(as_error)?;
    let reform = match params.params_override {
        Some(_) => Some(load_params(params).map_err(as_error)?),
        None => None,
    };
    let population = match (population, from_registry) {
        (Some(path), false) => simulate::Population::File(path),
        (None, true) => {
            simulate::Population::Rows(block_on(system::simulation_population(db, month))?)
        }
        _ => anyhow::bail!("give --population FILE or --from-registry"),
    };
    let out = simulate::simulate(population, month, &law, reform.as_ref())?;
    if json {
        println!("{}", serde_json::to_string_pretty(&out.doc)?);
    } else {
        print!("{}", simulate::table(&out.doc));
    }
    eprintln!(
        "open and map {:.1} ms, parse and compute {:.1} ms, end to end {:.1} ms",
        out.read_ms,
        out.compute_ms,
        started.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}

fn refuse(Refusal(doc): Refusal) -> ExitCode {
    table::emit(&(serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"));
    ExitCode::from(2)
}

fn report(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// The compiled-in law, for commands that take no `--rules`.
fn embedded() -> anyhow::Result<Params> {
    Ok(Params::embedded()?)
}

/// Runs a database command to completion on a fresh runtime.
fn block_on<T>(command: impl std::future::Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    runtime()?.block_on(command)
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,sqlx::query=error".into()),
        )
        .with_writer(std::io::stderr)
        .try_init();
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

fn read(path: &Path, field: &str) -> Result<String, Refusal> {
    std::fs::read_to_string(path)
        .map_err(|e| CalcError::new(field, format!("cannot read {}: {e}", path.display())).into())
}

/// The parameter files `--rules` names (or none, for the compiled-in law) and the overrides.
type ParamTexts = (Vec<(String, String)>, Option<(String, String)>);

fn load_params(args: &ParamArgs) -> Result<Params, Refusal> {
    load_pack(args, EMBEDDED, Params::load)
}

/// The Lao package's parameters, from `--rules` (a `rules/la` folder) and overrides when the
/// request is Lao.
fn load_lao_params(args: &ParamArgs) -> Result<LaoParams, Refusal> {
    load_pack(args, LaoParams::EMBEDDED, LaoParams::load)
}

/// A package's parameters: the files of `--rules`, else the compiled-in ones, with the
/// overrides of `--params-override` laid on top, by the package's own `load`.
fn load_pack<P>(
    args: &ParamArgs,
    embedded: &[SourceFile<'static>],
    load: fn(&[SourceFile], Option<&SourceFile>) -> Result<P, ParamError>,
) -> Result<P, Refusal> {
    let (owned, override_text) = param_texts(args)?;
    let sources: Vec<SourceFile> = if args.rules.is_some() {
        owned
            .iter()
            .map(|(name, text)| SourceFile { name, text })
            .collect()
    } else {
        embedded.to_vec()
    };
    let overrides = override_text
        .as_ref()
        .map(|(name, text)| SourceFile { name, text });
    Ok(load(&sources, overrides.as_ref())?)
}

/// The installed packages; `--rules` and `--params-override` apply to the one `jurisdiction`
/// names (Vietnam's when none is named), the others use the compiled-in law.
fn installed(args: &ParamArgs, jurisdiction: Option<&str>) -> Result<Installed, Refusal> {
    let lao = jurisdiction == Some("LA");
    let vn = if lao {
        Params::embedded()?
    } else {
        load_params(args)?
    };
    let la = if lao {
        load_lao_params(args)?
    } else {
        LaoParams::embedded()?
    };
    Ok(Installed::new(vec![
        Box::new(Vietnam {
            params: Arc::new(vn),
        }),
        Box::new(Laos {
            params: Arc::new(la),
        }),
    ]))
}

fn param_texts(args: &ParamArgs) -> Result<ParamTexts, Refusal> {
    let owned: Vec<(String, String)> = match &args.rules {
        None => Vec::new(),
        Some(dir) => {
            let entries = std::fs::read_dir(dir).map_err(|e| {
                CalcError::new("--rules", format!("cannot read {}: {e}", dir.display()))
            })?;
            let mut files = Vec::new();
            for entry in entries {
                let path = entry.map_err(|e| CalcError::new("--rules", e))?.path();
                if path.extension().is_some_and(|x| x == "toml") {
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    files.push((name, read(&path, "--rules")?));
                }
            }
            files
        }
    };
    let override_text = match &args.params_override {
        Some(path) => Some((path.display().to_string(), read(path, "--params-override")?)),
        None => None,
    };
    Ok((owned, override_text))
}

fn run_calc(file: Option<&Path>, explain: bool, args: &ParamArgs) -> Result<(), Refusal> {
    let text = match file {
        Some(path) => read(path, "--file")?,
        None => {
            let mut buf = String::new();
            std::io::stdin().read_to_string(&mut buf).map_err(|e| {
                CalcError::new("", format!("cannot read the request from stdin: {e}"))
            })?;
            buf
        }
    };
    // The request names its jurisdiction: its package answers, with the parameters given.
    let named = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("jurisdiction")?.as_str().map(str::to_string));
    let answer = installed(args, named.as_deref())?.calc_text(&text)?;
    if explain {
        table::emit(&table::render_answer(&answer));
    } else {
        table::emit(&(serde_json::to_string_pretty(&answer).unwrap_or_default() + "\n"));
    }
    Ok(())
}
