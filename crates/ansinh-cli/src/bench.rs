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
}

pub fn run(bench: Bench) -> Result<()> {
    match bench {
        Bench::Contributions {
            persons,
            month,
            seed,
        } => contributions(persons, &month, seed),
    }
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
