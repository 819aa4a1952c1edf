//! `ansinh bench contributions`: the monthly assessment formula over a synthetic population.

use ansinh_core::{Dong, Month};
use ansinh_rules::Params;
use ansinh_rules::contribution::{Options, Participant, Resolved, assess, resolve};
use anyhow::{Context, Result, bail};

use std::time::Instant;

#[derive(clap::Subcommand)]
pub enum Bench {
    /// Contributions for N synthetic employees of one month, on one core.
    Contributions {
        #[arg(long, default_value_t = 20_000_000)]
        persons: usize,
        #[arg(long, default_value = "2026-03")]
        month: String,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Lao contributions for N synthetic members of one month (the Lao package's formula, on
    /// one core; the stored Lao monthly run is not built yet).
    LaoContributions {
        #[arg(long, default_value_t = 1_000_000)]
        members: usize,
        #[arg(long, default_value = "2026-03")]
        month: String,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Rule R10 (overlapping stays of one card) over a month of synthetic visits, in memory:
    /// the cross-claim check of a national month (about 16 million visits).
    Overlaps {
        #[arg(long, default_value_t = 16_000_000)]
        visits: usize,
        /// Distinct cards the visits belong to.
        #[arg(long, default_value_t = 8_000_000)]
        cards: u64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Person look-ups over HTTP at a fixed rate against a local server (open loop: latency is
    /// measured from each request's scheduled time).
    Lookup {
        /// Base URL of a running `ansinh serve` on this machine.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        /// Requests per second.
        #[arg(long, default_value_t = 2000)]
        rate: u32,
        #[arg(long, default_value_t = 30)]
        seconds: u32,
        /// How many distinct persons to cycle through (read from the API first).
        #[arg(long, default_value_t = 5000)]
        sample: usize,
    },
}

pub fn run(bench: Bench) -> Result<()> {
    match bench {
        Bench::Contributions {
            persons,
            month,
            seed,
        } => contributions(persons, &month, seed),
        Bench::LaoContributions {
            members,
            month,
            seed,
        } => lao_contributions(members, &month, seed),
        Bench::Overlaps {
            visits,
            cards,
            seed,
        } => overlaps(visits, cards, seed),
        Bench::Lookup {
            url,
            rate,
            seconds,
            sample,
        } => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(lookup(&url, rate, seconds, sample))
        }
    }
}

/// Peak resident memory of this process so far, from the kernel (VmHWM), in MB.
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

fn overlaps(visits: usize, cards: u64, seed: u64) -> Result<()> {
    use ansinh_claims::overlap::{Stay, overlapping};
    if visits == 0 || cards == 0 {
        bail!("--visits and --cards must be at least 1");
    }
    // A month of visits: 10 % inpatient stays of 1 to 10 days, the rest outpatient visits of
    // two hours, at 1,000 facilities, spread over 30 days.
    let mut rng = fastrand::Rng::with_seed(seed);
    let month_start = jiff::civil::date(2026, 10, 1).at(0, 0, 0, 0);
    let stays: Vec<Option<Stay>> = (0..visits)
        .map(|i| {
            let from = month_start
                .checked_add(jiff::SignedDuration::from_mins(rng.i64(0..30 * 24 * 60)))
                .expect("within the month");
            let inpatient = rng.u8(0..10) == 0;
            let length = if inpatient {
                jiff::SignedDuration::from_hours(24 * rng.i64(1..=10))
            } else {
                jiff::SignedDuration::from_hours(2)
            };
            let facility = format!("{:05}", rng.u32(1000..2000));
            let key = format!("{facility}.{i}");
            Some(Stay::new(
                format!("DN479{:010}", rng.u64(0..cards)),
                facility,
                key,
                from,
                from.checked_add(length).expect("a near time"),
                inpatient,
                Vec::new(),
            ))
        })
        .collect();
    let built = peak_rss_mb();
    let start = Instant::now();
    let flagged = overlapping(&stays, &[]);
    let elapsed = start.elapsed();
    println!("visits             {visits}");
    println!("cards              {cards}");
    println!("flagged (R10)      {}", flagged.len());
    println!(
        "elapsed            {:.2} s (one core; {:.1} million visits/s)",
        elapsed.as_secs_f64(),
        visits as f64 / elapsed.as_secs_f64() / 1e6
    );
    if let (Some(before), Some(after)) = (built, peak_rss_mb()) {
        println!("peak memory        {after} MB ({before} MB holding the visits)");
    }
    Ok(())
}

fn contributions(persons: usize, month: &str, seed: u64) -> Result<()> {
    if persons == 0 {
        bail!("--persons must be at least 1");
    }
    let month: Month = month.parse().context("--month")?;
    let params = Params::embedded()?;
    // Parameters resolved once per (region, participant kind), as the monthly run does.
    let mut resolved: Vec<Resolved> = Vec::new();
    for participant in [Participant::Employee, Participant::ForeignEmployee] {
        for region in 1..=4 {
            resolved.push(resolve(
                &params,
                month,
                participant,
                region,
                Options::default(),
            )?);
        }
    }
    // Synthetic population, structure of arrays: salary and index of the resolved set.
    let mut rng = fastrand::Rng::with_seed(seed);
    let floor = resolved[0].floor.get();
    let mut salaries = Vec::with_capacity(persons);
    let mut kinds = Vec::with_capacity(persons);
    for _ in 0..persons {
        // Mostly 5–15 million, a tail up to 120 million (above both caps).
        let salary = match rng.u8(0..100) {
            0..=79 => rng.i64(5_000_000..15_000_000),
            80..=97 => rng.i64(15_000_000..50_000_000),
            _ => rng.i64(50_000_000..120_000_000),
        };
        salaries.push(salary.max(floor));
        let foreign = usize::from(rng.u8(0..100) == 0);
        kinds.push((foreign * 4 + rng.usize(0..4)) as u8);
    }
    let start = Instant::now();
    let (mut employee, mut employer, mut errors) = (0i64, 0i64, 0usize);
    for (salary, kind) in salaries.iter().zip(&kinds) {
        match assess(&resolved[usize::from(*kind)], Dong(*salary)) {
            Ok(a) => {
                employee += a.employee.total.get();
                employer += a.employer.total.get();
            }
            Err(_) => errors += 1,
        }
    }
    let elapsed = start.elapsed();
    let rate = persons as f64 / elapsed.as_secs_f64();
    println!("persons            {persons}");
    println!("month              {month}");
    println!(
        "elapsed            {:.3} s (one core, parameters resolved once)",
        elapsed.as_secs_f64()
    );
    println!("persons per second {:.1} million", rate / 1e6);
    println!("employee total     {}", Dong(employee));
    println!("employer total     {}", Dong(employer));
    println!("errors             {errors}");
    Ok(())
}

fn lao_contributions(members: usize, month: &str, seed: u64) -> Result<()> {
    use ansinh_core::Kip;
    use ansinh_la::contribution::{self as lao, Participant as Kind};
    if members == 0 {
        bail!("--members must be at least 1");
    }
    let month: Month = month.parse().context("--month")?;
    let params = ansinh_la::LaoParams::embedded()?;
    let resolved = [
        lao::resolve(&params, month, Kind::Employee)?,
        lao::resolve(&params, month, Kind::CivilServant)?,
        lao::resolve(&params, month, Kind::Voluntary)?,
    ];
    let mut rng = fastrand::Rng::with_seed(seed);
    let (mut salaries, mut kinds) = (Vec::with_capacity(members), Vec::with_capacity(members));
    for _ in 0..members {
        // Mostly 2.5–6 million kip, a tail above the 4.5 million ceiling.
        salaries.push(match rng.u8(0..100) {
            0..=84 => rng.i64(2_500_000..6_000_000),
            _ => rng.i64(6_000_000..30_000_000),
        });
        kinds.push(match rng.u8(0..100) {
            0..=79 => 0usize,
            80..=94 => 1,
            _ => 2,
        });
    }
    let start = Instant::now();
    let (mut employee, mut employer, mut errors) = (Kip::ZERO, Kip::ZERO, 0usize);
    for (salary, kind) in salaries.iter().zip(&kinds) {
        match lao::assess(&resolved[*kind], Kip(*salary)) {
            Ok(a) => {
                employee += a.employee.total;
                employer += a.employer.total;
            }
            Err(_) => errors += 1,
        }
    }
    let elapsed = start.elapsed();
    println!("members            {members}");
    println!("month              {month}");
    println!(
        "elapsed            {:.3} s (one core, parameters resolved once)",
        elapsed.as_secs_f64()
    );
    println!(
        "members per second {:.1} million",
        members as f64 / elapsed.as_secs_f64() / 1e6
    );
    println!("employee total     {employee} kip");
    println!("employer total     {employer} kip");
    println!("errors             {errors}");
    Ok(())
}

async fn lookup(url: &str, rate: u32, seconds: u32, sample: usize) -> Result<()> {
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    if !["127.0.0.1", "localhost"].contains(&host) {
        bail!("load tests target this machine only (127.0.0.1), not {host}");
    }
    if rate == 0 || seconds == 0 || seconds > 600 {
        bail!("--rate must be positive and --seconds 1 to 600");
    }
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()?;
    let mut sins: Vec<String> = Vec::new();
    let mut after: Option<String> = None;
    while sins.len() < sample {
        let mut page = format!("{url}/api/v1/persons?limit=500");
        if let Some(a) = &after {
            page.push_str(&format!("&after={a}"));
        }
        let body: serde_json::Value = client
            .get(&page)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let items = body["items"].as_array().cloned().unwrap_or_default();
        sins.extend(
            items
                .iter()
                .filter_map(|p| p["sin"].as_str().map(str::to_string)),
        );
        match body["next_after"].as_str() {
            Some(a) => after = Some(a.to_string()),
            None => break,
        }
    }
    if sins.is_empty() {
        bail!("the server has no persons: run `ansinh generate` first");
    }
    let total = u64::from(rate) * u64::from(seconds);
    let interval = std::time::Duration::from_secs(1) / rate;
    let start = tokio::time::Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(std::time::Duration, bool)>();
    for i in 0..total {
        let scheduled = start + interval * i as u32;
        tokio::time::sleep_until(scheduled).await;
        let client = client.clone();
        let target = format!("{url}/api/v1/persons/{}", sins[i as usize % sins.len()]);
        let tx = tx.clone();
        tokio::spawn(async move {
            let ok = matches!(client.get(&target).send().await, Ok(r) if r.status().is_success());
            let _ = tx.send((scheduled.elapsed(), ok));
        });
    }
    drop(tx);
    let mut latencies = Vec::with_capacity(total as usize);
    let mut errors = 0u64;
    while let Some((latency, ok)) = rx.recv().await {
        latencies.push(latency);
        errors += u64::from(!ok);
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort();
    let pct = |p: f64| {
        latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)].as_secs_f64()
            * 1000.0
    };
    println!(
        "requests           {} in {elapsed:.1} s ({:.0}/s achieved, {rate}/s asked)",
        latencies.len(),
        latencies.len() as f64 / elapsed
    );
    println!("errors             {errors}");
    println!("latency p50        {:.2} ms", pct(0.50));
    println!("latency p90        {:.2} ms", pct(0.90));
    println!("latency p99        {:.2} ms", pct(0.99));
    println!("latency max        {:.2} ms", pct(1.0));
    Ok(())
}
