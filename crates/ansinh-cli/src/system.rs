//! Commands over the system of record: migrate, serve, import, generate, demo.

use ansinh_core::Role;
use ansinh_rules::Params;
use ansinh_server::AppState;
use ansinh_store::Store;
use ansinh_store::access::NewUser;
use ansinh_store::audit::Actor;
use ansinh_store::declaration::parse_csv;
use ansinh_store::generate::GenerateOptions;
use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Where the data lives.
#[derive(clap::Args, Clone)]
pub struct DbArgs {
    /// `sqlite:FILE` (created on first use) or `postgres://user@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite:ansinh.db",
        global = true
    )]
    pub database_url: String,
    /// The jurisdiction of the database (`VN`, `LA`): recorded when the database is created,
    /// refused if another is asked for later. Without it, the one recorded (Vietnam for a
    /// database that has none).
    #[arg(long, env = "ANSINH_JURISDICTION", global = true, value_name = "CODE")]
    pub jurisdiction: Option<String>,
}

#[derive(clap::Subcommand)]
pub enum Import {
    /// Submit a CSV file of declarations (UTF-8, header row) for one employer.
    Declarations {
        file: PathBuf,
        /// Unit code of the declaring employer.
        #[arg(long)]
        employer: String,
        #[arg(long)]
        idempotency_key: Option<String>,
    },
    /// Record bank payments from a CSV file with columns employer_code, reference, paid_on, amount.
    Payments { file: PathBuf },
}

/// The codes of the jurisdiction packages this binary carries, as the packages give them.
fn installed_codes() -> [&'static str; 2] {
    [
        ansinh_rules::jurisdiction::VIETNAM.code,
        ansinh_la::LAOS.code,
    ]
}

pub async fn open(db: &DbArgs) -> Result<Store> {
    let store = Store::connect(&db.database_url)
        .await
        .with_context(|| format!("cannot open {}", db.database_url))?;
    store.migrate().await.context("migrations failed")?;
    if let Some(code) = &db.jurisdiction
        && !installed_codes().contains(&code.as_str())
    {
        bail!(
            "--jurisdiction: \"{code}\" is not installed; installed: {}",
            installed_codes().join(", ")
        );
    }
    store
        .claim_jurisdiction(db.jurisdiction.as_deref())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let who = operator();
    Ok(store.acting_as(Actor {
        user: format!("cli:{who}"),
        request_id: None,
        reason: std::env::var("ANSINH_REASON").ok(),
    }))
}

/// Who runs the command, for the audit trail: the officer named in `ANSINH_OPERATOR`, else
/// the operating-system user (`USER`, `LOGNAME`, or the name of the process's uid in
/// /etc/passwd when a service manager or cron sets neither), never "unknown".
fn operator() -> String {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if let Some(who) = env("ANSINH_OPERATOR")
        .or_else(|| env("USER"))
        .or_else(|| env("LOGNAME"))
    {
        return who;
    }
    use std::os::unix::fs::MetadataExt;
    let Ok(uid) = std::fs::metadata("/proc/self").map(|m| m.uid()) else {
        return "uid:?".into();
    };
    std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|passwd| {
            passwd.lines().find_map(|line| {
                let mut parts = line.split(':');
                let name = parts.next()?;
                (parts.nth(1)? == uid.to_string()).then(|| name.to_string())
            })
        })
        .unwrap_or_else(|| format!("uid:{uid}"))
}

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Create a user; the password is read from ANSINH_PASSWORD or, if unset, from stdin (never
    /// from the command line, where other users of the machine could see it).
    Add {
        #[arg(long)]
        username: String,
        /// administrator, collection_officer, benefits_officer, health_assessor, inspector,
        /// employer, insured.
        #[arg(long)]
        role: String,
        /// The employer an `employer` user acts for (unit code).
        #[arg(long)]
        employer: Option<String>,
        /// The social insurance number of an `insured` user.
        #[arg(long)]
        person: Option<String>,
        /// vi (default) or en.
        #[arg(long)]
        locale: Option<String>,
    },
    /// Issue an API token for a user's machine client (printed once).
    Token {
        #[arg(long)]
        username: String,
        #[arg(long)]
        label: String,
    },
    /// List the users.
    List,
}

fn read_password() -> Result<String> {
    if let Ok(p) = std::env::var("ANSINH_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub async fn user(db: &DbArgs, command: UserCommand) -> Result<()> {
    let store = open(db).await?;
    match command {
        UserCommand::Add {
            username,
            role,
            employer,
            person,
            locale,
        } => {
            let role = role.parse().map_err(|e| anyhow::anyhow!("--role: {e}"))?;
            let user = store
                .create_user(&NewUser {
                    username,
                    password: read_password()?,
                    role,
                    employer_code: employer,
                    person_sin: person,
                    locale,
                })
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", serde_json::to_string_pretty(&user)?);
        }
        UserCommand::Token { username, label } => {
            let token = store
                .create_api_token(&username, &label)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{token}");
        }
        UserCommand::List => {
            for u in store.users().await.map_err(|e| anyhow::anyhow!("{e}"))? {
                println!(
                    "{}\t{}\t{}",
                    u.username,
                    u.role,
                    u.employer_code.or(u.person_sin).unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}

#[derive(clap::Subcommand)]
pub enum CardCommand {
    /// Issue a health-insurance card (linked to the person whose number it carries).
    Issue {
        #[arg(long)]
        code: String,
        /// First day of validity, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// Last day of validity, YYYY-MM-DD (none for cards without an end).
        #[arg(long)]
        to: Option<String>,
        /// Facility of first contact (MA_CSKCB).
        #[arg(long)]
        facility: String,
    },
    /// Renew a card: a new issue from the day after the latest one ends.
    Renew {
        #[arg(long)]
        code: String,
        #[arg(long)]
        to: String,
    },
    /// A person's cards.
    List {
        /// Social insurance number.
        #[arg(long)]
        person: String,
    },
    /// The card register as CSV for the claims assessment (`cards.csv` of a reference folder:
    /// `ansinh claims assess FILE --reference DIR` then looks each claim's card up).
    Export {
        /// Where to write it; standard output when absent.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

pub async fn card(db: &DbArgs, command: CardCommand) -> Result<()> {
    let store = open(db).await?;
    let failed = |e: ansinh_store::StoreError| anyhow::anyhow!("{e}");
    let out = match command {
        CardCommand::Issue {
            code,
            from,
            to,
            facility,
        } => serde_json::to_value(
            store
                .issue_card(&ansinh_store::card::NewCard {
                    card_code: code,
                    valid_from: from,
                    valid_to: to,
                    initial_facility: facility,
                })
                .await
                .map_err(failed)?,
        )?,
        CardCommand::Renew { code, to } => {
            serde_json::to_value(store.renew_card(&code, &to).await.map_err(failed)?)?
        }
        CardCommand::List { person } => {
            serde_json::to_value(store.cards_of(&person).await.map_err(failed)?)?
        }
        CardCommand::Export { out } => {
            let rows = store.card_register().await.map_err(failed)?;
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([
                "code",
                "name",
                "birth",
                "sex",
                "registered_at",
                "from",
                "to",
                "source",
            ])?;
            for r in &rows {
                w.write_record(r.iter().map(String::as_str).chain(["Ansinh card register"]))?;
            }
            let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
            match out {
                Some(path) => {
                    std::fs::write(&path, &bytes)?;
                    eprintln!("{} cards written to {}", rows.len(), path.display());
                }
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                }
            }
            return Ok(());
        }
    };
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

#[derive(clap::Subcommand)]
pub enum AgreementCommand {
    /// Record a certificate of coverage under the Vietnam–Korea agreement.
    Certify {
        /// Social insurance number of the worker.
        #[arg(long)]
        person: String,
        /// The issuer's reference number.
        #[arg(long)]
        number: String,
        /// `inbound` (issued by Korea's NPS for a worker in Vietnam) or `outbound` (issued by
        /// Vietnam Social Security for a Vietnamese posted to Korea).
        #[arg(long)]
        direction: String,
        /// `detached` (≤ 60 months), `extension` (≤ 36) or `local_hire` (≤ 60).
        #[arg(long, default_value = "detached")]
        kind: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// The employer that sends (or employs) the worker.
        #[arg(long)]
        sending_employer: String,
        #[arg(long, default_value = "")]
        host_employer: String,
        #[arg(long)]
        issued_on: Option<String>,
    },
    /// The register of certificates (JSON, or CSV with --csv).
    Certificates {
        /// `inbound` or `outbound`.
        #[arg(long)]
        direction: Option<String>,
        /// In force on this day, YYYY-MM-DD.
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        csv: bool,
    },
    /// Import the periods insured in Korea that the liaison body reported (CSV: person_sin,
    /// country, period_from, period_to, months, source), all or none.
    ImportPeriods {
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
    },
    /// Print the exchange file of Vietnamese insured periods for the liaison body (CSV).
    ExportPeriods,
}

#[derive(clap::Subcommand)]
pub enum ServiceCommand {
    /// Record a period of service (a conscript or cadet without salary; others with it).
    Enlist {
        #[arg(long)]
        person: String,
        /// conscript, cadet, officer, professional_soldier or defence_worker.
        #[arg(long)]
        participant: String,
        #[arg(long)]
        unit: String,
        /// Day of enlistment, YYYY-MM-DD.
        #[arg(long)]
        enlisted: String,
        #[arg(long)]
        salary: Option<i64>,
    },
    /// Record the discharge of the period in service.
    Discharge {
        #[arg(long)]
        person: String,
        #[arg(long)]
        on: String,
    },
    /// Compute the scheme's contributions of a month (idempotent).
    Assess {
        #[arg(long)]
        month: String,
    },
    /// Print the transfer document of a discharged serviceman (JSON).
    Transfer {
        #[arg(long)]
        person: String,
    },
    /// Import a transfer document into the general scheme (once).
    ImportTransfer {
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
    },
}

pub async fn service(db: &DbArgs, command: ServiceCommand, params: &Params) -> Result<()> {
    let store = open(db).await?;
    let failed = |e: ansinh_store::StoreError| anyhow::anyhow!("{e}");
    let out = match command {
        ServiceCommand::Enlist {
            person,
            participant,
            unit,
            enlisted,
            salary,
        } => serde_json::to_value(
            store
                .enlist(&ansinh_store::service::NewServicePeriod {
                    person_sin: person,
                    participant,
                    unit,
                    enlisted,
                    salary,
                })
                .await
                .map_err(failed)?,
        )?,
        ServiceCommand::Discharge { person, on } => {
            serde_json::to_value(store.discharge(&person, &on).await.map_err(failed)?)?
        }
        ServiceCommand::Assess { month } => {
            let m = month
                .parse()
                .map_err(|_| anyhow::anyhow!("--month: `{month}` is not a month YYYY-MM"))?;
            serde_json::to_value(
                store
                    .assess_service_month(params, m)
                    .await
                    .map_err(failed)?,
            )?
        }
        ServiceCommand::Transfer { person } => {
            let today = jiff::ZonedDateTime::now().date();
            serde_json::to_value(
                store
                    .service_transfer(params, &person, today)
                    .await
                    .map_err(failed)?,
            )?
        }
        ServiceCommand::ImportTransfer { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let doc: ansinh_store::service::ServiceTransfer = serde_json::from_str(&text)
                .with_context(|| format!("{}: not a transfer document", file.display()))?;
            serde_json::json!({ "recorded": store.import_service_transfer(params, &doc).await.map_err(failed)? })
        }
    };
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

/// The registry's population of a month for `ansinh simulate --from-registry`.
pub async fn simulation_population(
    db: &DbArgs,
    month: ansinh_core::Month,
) -> Result<Vec<(i64, u8, bool)>> {
    let store = open(db).await?;
    store
        .simulation_population(month)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

pub async fn agreement(db: &DbArgs, command: AgreementCommand, params: &Params) -> Result<()> {
    use ansinh_store::certificate::Direction;
    let store = open(db).await?;
    let failed = |e: ansinh_store::StoreError| anyhow::anyhow!("{e}");
    match command {
        AgreementCommand::Certify {
            person,
            number,
            direction,
            kind,
            from,
            to,
            sending_employer,
            host_employer,
            issued_on,
        } => {
            let c = store
                .record_certificate(
                    params,
                    &ansinh_store::certificate::NewCertificate {
                        person_sin: person,
                        certificate_no: number,
                        direction,
                        country: "KR".into(),
                        kind,
                        valid_from: from,
                        valid_to: to,
                        sending_employer,
                        host_employer,
                        issued_on,
                    },
                )
                .await
                .map_err(failed)?;
            println!("{}", serde_json::to_string_pretty(&c)?);
        }
        AgreementCommand::Certificates { direction, on, csv } => {
            let direction = match direction.as_deref() {
                None => None,
                Some("inbound") => Some(Direction::Inbound),
                Some("outbound") => Some(Direction::Outbound),
                Some(other) => anyhow::bail!("--direction: `{other}` is not inbound or outbound"),
            };
            let on = on
                .as_deref()
                .map(|d| {
                    d.parse()
                        .with_context(|| format!("--on: `{d}` is not a date YYYY-MM-DD"))
                })
                .transpose()?;
            let items = store
                .certificate_register(direction, on)
                .await
                .map_err(failed)?;
            if csv {
                let mut w = csv::Writer::from_writer(std::io::stdout());
                w.write_record(ansinh_store::certificate::REGISTER_COLUMNS)?;
                for c in &items {
                    w.write_record(c.row())?;
                }
                w.flush()?;
            } else {
                println!("{}", serde_json::to_string_pretty(&items)?);
            }
        }
        AgreementCommand::ImportPeriods { file } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let periods = ansinh_store::certificate::periods_from_csv(&bytes).map_err(failed)?;
            let n = store
                .record_foreign_periods(&periods)
                .await
                .map_err(failed)?;
            println!("{}", serde_json::json!({ "recorded": n }));
        }
        AgreementCommand::ExportPeriods => {
            let mut w = csv::Writer::from_writer(std::io::stdout());
            w.write_record(ansinh_store::certificate::EXCHANGE_COLUMNS)?;
            for p in store.exchange_periods().await.map_err(failed)? {
                w.write_record(p.row())?;
            }
            w.flush()?;
        }
    }
    Ok(())
}

/// One user per role on a new demo database, with fresh passwords printed once.
async fn demo_users(store: &Store) -> Result<()> {
    let anyhow = |e: ansinh_store::StoreError| anyhow::anyhow!("{e}");
    if !store.users().await.map_err(anyhow)?.is_empty() {
        println!("Demo users exist already (their passwords were printed when they were created).");
        return Ok(());
    }
    let employer = store
        .list_employers(&Default::default(), &Default::default())
        .await
        .map_err(anyhow)?
        .into_iter()
        .next()
        .context("the demo database has no employer")?;
    let worker = store
        .list_persons(
            &ansinh_store::PersonFilter {
                employer: Some(employer.unit_code.clone()),
                ..Default::default()
            },
            &Default::default(),
        )
        .await
        .map_err(anyhow)?
        .into_iter()
        .next()
        .context("the demo employer has no worker")?;
    println!("Demo users (user name / password):");
    for role in Role::ALL {
        let password = ansinh_store::access::new_secret()[..16].to_string();
        let user = store
            .create_user(&NewUser {
                username: format!("demo-{}", role.as_str().replace('_', "-")),
                password: password.clone(),
                role,
                employer_code: matches!(role, Role::Employer | Role::TradeUnion)
                    .then(|| employer.unit_code.clone()),
                person_sin: (role == Role::Insured).then(|| worker.sin.clone()),
                locale: None,
            })
            .await
            .map_err(anyhow)?;
        println!("  {:<28} {password}   ({role})", user.username);
    }
    Ok(())
}

pub async fn migrate(db: &DbArgs) -> Result<()> {
    let store = open(db).await?;
    let code = store
        .jurisdiction()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .unwrap_or_else(|| "VN".into());
    println!(
        "{}: schema is up to date; jurisdiction {code}",
        db.database_url
    );
    Ok(())
}

pub async fn serve(
    db: &DbArgs,
    addr: SocketAddr,
    params: Params,
    claims_reference: Option<&Path>,
    collection_account: Option<String>,
) -> Result<()> {
    let reference = match claims_reference {
        Some(dir) => Some(Arc::new(
            crate::claims::load_reference(dir)?.map_err(|e| anyhow::anyhow!("{e}"))?,
        )),
        None => None,
    };
    let store = open(db).await?;
    run_server(store, addr, params, reference, collection_account).await
}

async fn run_server(
    store: Store,
    addr: SocketAddr,
    params: Params,
    claims_reference: Option<Arc<ansinh_claims::reference::Reference>>,
    collection_account: Option<String>,
) -> Result<()> {
    // The database's jurisdiction decides the pages' default language, the currency and the
    // law of the monthly run.
    let code = store.home().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    println!("Ansinh is serving on http://{local}");
    println!("  Web pages: http://{local}/login");
    println!("  API docs:  http://{local}/api/v1/docs");
    println!("  OpenAPI:   http://{local}/api/v1/openapi.json");
    println!("  Example:   http://{local}/api/v1/persons?limit=5");
    println!("Press Ctrl-C to stop.");
    let mut state = AppState::new(store, Arc::new(params))
        .with_jurisdiction(&code)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    state.claims_reference = claims_reference;
    state.collection_account = collection_account;
    ansinh_server::serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

pub async fn import(db: &DbArgs, what: Import, params: Params) -> Result<bool> {
    let (file, employer, idempotency_key) = match what {
        Import::Declarations {
            file,
            employer,
            idempotency_key,
        } => (file, employer, idempotency_key),
        Import::Payments { file } => return import_payments(db, &file).await,
    };
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let parsed = if ansinh_store::declaration::is_xlsx(&bytes) {
        ansinh_store::declaration::parse_xlsx(&bytes)
    } else {
        parse_csv(&bytes)
    };
    let lines = parsed.map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let store = open(db).await?;
    let started = Instant::now();
    let report = store
        .submit_declarations(
            &params,
            &employer,
            &lines,
            idempotency_key.as_deref(),
            &bytes,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let elapsed = started.elapsed().as_secs_f64();
    println!("{}", serde_json::to_string_pretty(&report)?);
    eprintln!(
        "{} lines {} in {elapsed:.3} s ({:.0} lines/s)",
        lines.len(),
        report.status,
        lines.len() as f64 / elapsed
    );
    Ok(report.applied())
}

pub struct Generate {
    pub employers: usize,
    pub persons: usize,
    pub seed: u64,
    pub until: String,
    pub pensioners: usize,
}

/// The law of the database's jurisdiction: Vietnam's `params`, or the Lao package's.
async fn law_of(store: &Store, params: &Params) -> Result<ansinh_server::DeployedLaw> {
    let code = store.home().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(if code == ansinh_la::LAOS.code {
        ansinh_server::DeployedLaw::Laos(Arc::new(ansinh_la::LaoParams::embedded()?))
    } else {
        ansinh_server::DeployedLaw::Vietnam(Arc::new(params.clone()))
    })
}

pub async fn generate(db: &DbArgs, g: Generate, params: &Params) -> Result<()> {
    let store = open(db).await?;
    let until = g.until.parse().context("--until")?;
    let bar = ProgressBar::new(g.persons as u64);
    bar.set_style(ProgressStyle::with_template(
        "{spinner} {bar:40} {pos}/{len} persons ({per_sec}, {eta})",
    )?);
    let started = Instant::now();
    let opts = GenerateOptions {
        employers: g.employers,
        persons: g.persons,
        seed: g.seed,
        until,
    };
    let law = law_of(&store, params).await?;
    let summary = store
        .generate(law.run_law(), &opts, &|done| bar.set_position(done))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "generated {} employers, {} persons, {} employments, {} salary records, {} events in {elapsed:.1} s ({:.0} persons/s)",
        summary.employers,
        summary.persons,
        summary.employments,
        summary.salaries,
        summary.events,
        summary.persons as f64 / elapsed
    );
    if g.pensioners > 0 {
        let started = Instant::now();
        let bar = ProgressBar::new(g.pensioners as u64);
        bar.set_style(ProgressStyle::with_template(
            "{spinner} {bar:40} {pos}/{len} recipients ({per_sec}, {eta})",
        )?);
        let n = store
            .generate_recipients(g.pensioners, g.seed, until, &|done| bar.set_position(done))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        bar.finish_and_clear();
        println!(
            "generated {n} recipients of monthly benefits in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    if let Some(path) = sqlite_path(&db.database_url) {
        store.close().await;
        let size: u64 = ["", "-wal"]
            .iter()
            .filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok())
            .map(|m| m.len())
            .sum();
        println!(
            "database size {:.1} MB ({})",
            size as f64 / 1e6,
            path.display()
        );
    }
    Ok(())
}

fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Creates a demo database with a generated population when none exists, then serves it.
pub async fn demo(
    file: &Path,
    addr: SocketAddr,
    persons: usize,
    jurisdiction: &str,
    params: Params,
) -> Result<()> {
    let url = format!("sqlite:{}", file.display());
    let db = DbArgs {
        database_url: url,
        jurisdiction: Some(jurisdiction.to_string()),
    };
    let fresh = !file.exists();
    if fresh {
        println!(
            "Creating {} with a generated population of {persons} persons…",
            file.display()
        );
        generate(
            &db,
            Generate {
                employers: (persons / 100).max(5),
                persons,
                seed: 42,
                until: "2026-10".into(),
                pensioners: persons / 20,
            },
            &params,
        )
        .await?;
    } else {
        println!("Using the existing {}", file.display());
    }
    let store = open(&db).await?;
    if store
        .list_employers(&Default::default(), &Default::default())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .is_empty()
    {
        bail!(
            "{} has no employers: delete it to let demo create a new one",
            file.display()
        );
    }
    demo_users(&store).await?;
    if fresh && jurisdiction == "VN" {
        let n = crate::compliance::seed_demo(&store, &params).await?;
        println!(
            "Seeded {n} examinations (planned, in fieldwork, concluded, closed) for the inspector."
        );
    }
    // The demo's notices say where a real deployment's account would be printed.
    let account = Some(if jurisdiction == "LA" {
        "(demo) ປກສ — 0000000000 — set with --collection-account".to_string()
    } else {
        "(demo) BHXH — 0000000000 — set with --collection-account".to_string()
    });
    run_server(store, addr, params, None, account).await
}

pub async fn assess(db: &DbArgs, month: &str, params: &Params) -> Result<()> {
    let month = month.parse().context("--month")?;
    let store = open(db).await?;
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template(
        "{spinner} {pos} employments ({per_sec})",
    )?);
    let started = Instant::now();
    let law = law_of(&store, params).await?;
    let summary = store
        .assess_month(law.run_law(), month, &|done| bar.set_position(done))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    bar.finish_and_clear();
    println!("{}", serde_json::to_string_pretty(&summary)?);
    eprintln!(
        "assessed {} employments of {} employers in {:.1} s",
        summary.employments,
        summary.employers,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub async fn notice(db: &DbArgs, employer: &str, month: &str, format: &str) -> Result<()> {
    let month = month.parse().context("--month")?;
    let store = open(db).await?;
    let notice = store
        .notice(&Params::embedded()?, employer, month)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let issuer = if store.home().await.map_err(|e| anyhow::anyhow!("{e}"))? == ansinh_la::LAOS.code
    {
        ansinh_server::notice::Issuer::Laos
    } else {
        ansinh_server::notice::Issuer::Vietnam
    };
    match format {
        "json" => println!("{}", serde_json::to_string_pretty(&notice)?),
        "csv" => print!("{}", ansinh_server::notice::to_csv(&notice, issuer)),
        "html" => {
            let fail = |e: ansinh_store::StoreError| anyhow::anyhow!("{e}");
            let e = store.existing_employer(employer).await.map_err(fail)?;
            let workers = store.notice_workers(employer, month).await.map_err(fail)?;
            // The same account `serve` prints, from the same setting.
            let account = std::env::var("ANSINH_COLLECTION_ACCOUNT").ok();
            print!(
                "{}",
                ansinh_server::notice::to_html(&notice, &e, &workers, account.as_deref(), issuer)
            )
        }
        other => bail!("--format `{other}` is not json, csv or html"),
    }
    Ok(())
}

/// One row of a payments file.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PaymentRow {
    employer_code: String,
    reference: String,
    paid_on: String,
    amount: i64,
    /// The reference of a payment this row reverses (an optional column).
    #[serde(default)]
    reverses: Option<String>,
}

async fn import_payments(db: &DbArgs, file: &Path) -> Result<bool> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut rows = Vec::new();
    for (i, row) in csv::Reader::from_reader(bytes)
        .deserialize::<PaymentRow>()
        .enumerate()
    {
        rows.push(row.with_context(|| format!("{} row {}", file.display(), i + 2))?);
    }
    let store = open(db).await?;
    let mut failed = 0;
    for (i, row) in rows.iter().enumerate() {
        let record = ansinh_store::account::PaymentRecord {
            reference: row.reference.clone(),
            paid_on: row.paid_on.clone(),
            amount: row.amount,
            reverses: row.reverses.clone().filter(|r| !r.trim().is_empty()),
        };
        match store.record_payment(&row.employer_code, &record).await {
            Ok(_) => {}
            Err(e) => {
                failed += 1;
                eprintln!("row {}: {e}", i + 2);
            }
        }
    }
    println!(
        "{} payments recorded, {failed} refused",
        rows.len() - failed
    );
    Ok(failed == 0)
}
