//! `ansinh simulate`: a month's contributions for a whole population under the law and under a
//! reform — from a CSV file (`salary,region,foreign` at least; the side-by-side benchmark's
//! population generator writes one) or from the registry. The file is mapped whole and split in two at a line break,
//! one half per core; each half is parsed and assessed in one pass.

use ansinh_core::{Dong, Month};
use ansinh_rules::Params;
use ansinh_rules::simulation::{Compared, Scenario, Totals, deciles};
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::time::Instant;

/// Where the persons come from.
pub enum Population<'a> {
    File(&'a Path),
    /// (salary, region, foreign) rows read from the registry.
    Rows(Vec<(i64, u8, bool)>),
}

/// Positions of the needed columns in the file's header row.
#[derive(Clone, Copy)]
struct Columns {
    salary: usize,
    region: usize,
    /// Absent: every person is Vietnamese.
    foreign: Option<usize>,
    count: usize,
}

fn columns(header: &[u8]) -> Result<Columns> {
    let text = std::str::from_utf8(header).context("the header row is not UTF-8")?;
    let names: Vec<&str> = text
        .trim_start_matches('\u{feff}')
        .trim_end_matches('\r')
        .split(',')
        .map(str::trim)
        .collect();
    let at = |name: &str| names.iter().position(|n| *n == name);
    let need = |name: &str| {
        at(name).with_context(|| {
            format!(
                "the header row has no `{name}` column (found: {}); columns salary,region[,foreign] are needed",
                names.join(",")
            )
        })
    };
    Ok(Columns {
        salary: need("salary")?,
        region: need("region")?,
        foreign: at("foreign"),
        count: names.len(),
    })
}

/// What one half of the file adds up to.
struct Part {
    law: Totals,
    reform: Option<Totals>,
    compared: Vec<Compared>,
}

/// A defect of one line, with its 1-based number in the file.
fn bad(line: usize, column: &str, reason: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("line {line}, column {column}: {reason}")
}

/// A whole number of đồng (digits only).
#[inline(always)]
fn integer(field: &[u8]) -> Option<i64> {
    if field.is_empty() || field.len() > 15 {
        return None;
    }
    let mut v: i64 = 0;
    for &b in field {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + i64::from(d);
    }
    Some(v)
}

/// The common layout `salary,region,foreign` (what make_population.py writes), parsed byte by
/// byte without splitting lines; `None` at the first byte out of that shape, and the general
/// parser then reads the part again to name the line and column at fault.
fn fast_part(body: &[u8], law: &Scenario, reform: Option<&Scenario>) -> Option<Result<Part>> {
    let mut part = Part {
        law: Totals::default(),
        reform: reform.map(|_| Totals::default()),
        compared: Vec::new(),
    };
    let mut i = 0;
    let n = body.len();
    while i < n {
        let mut salary: i64 = 0;
        let start = i;
        while i < n && body[i].is_ascii_digit() {
            salary = salary * 10 + i64::from(body[i] - b'0');
            i += 1;
        }
        let digits = i - start;
        if digits == 0 || digits > 15 || i + 4 > n + 1 || body.get(i) != Some(&b',') {
            return None;
        }
        let region = match body.get(i + 1) {
            Some(d @ b'1'..=b'4') => d - b'0',
            _ => return None,
        };
        let foreign = match (body.get(i + 2), body.get(i + 3)) {
            (Some(b','), Some(b'0')) => false,
            (Some(b','), Some(b'1')) => true,
            _ => return None,
        };
        i += 4;
        if body.get(i) == Some(&b'\r') {
            i += 1;
        }
        match body.get(i) {
            Some(b'\n') => i += 1,
            None => {}
            _ => return None,
        }
        if let Err(e) = person(&mut part, law, reform, salary, region, foreign) {
            return Some(Err(e));
        }
        // Blank lines (a trailing one, CRLF files) are skipped like the general parser does.
        while i < n && (body[i] == b'\n' || body[i] == b'\r') {
            i += 1;
        }
    }
    Some(Ok(part))
}

fn run_part(
    body: &[u8],
    first_line: usize,
    cols: Columns,
    law: &Scenario,
    reform: Option<&Scenario>,
) -> Result<Part> {
    let standard =
        cols.count == 3 && cols.salary == 0 && cols.region == 1 && cols.foreign == Some(2);
    if standard && let Some(done) = fast_part(body, law, reform) {
        return done;
    }
    let mut part = Part {
        law: Totals::default(),
        reform: reform.map(|_| Totals::default()),
        compared: Vec::new(),
    };
    let mut fields: [&[u8]; 16] = [&[]; 16];
    let mut line_no = first_line;
    for raw in body.split(|&b| b == b'\n') {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.is_empty() {
            line_no += 1;
            continue;
        }
        let mut n = 0;
        for f in line.split(|&b| b == b',') {
            if n < fields.len() {
                fields[n] = f;
            }
            n += 1;
        }
        if n != cols.count {
            return Err(bad(
                line_no,
                "*",
                format!("{n} fields where the header has {}", cols.count),
            ));
        }
        let salary = integer(fields[cols.salary]).ok_or_else(|| {
            bad(
                line_no,
                "salary",
                format!(
                    "`{}` is not a whole number of đồng",
                    String::from_utf8_lossy(fields[cols.salary])
                ),
            )
        })?;
        let region = match fields[cols.region] {
            [d @ b'1'..=b'4'] => d - b'0',
            other => {
                return Err(bad(
                    line_no,
                    "region",
                    format!("`{}` is not a region 1–4", String::from_utf8_lossy(other)),
                ));
            }
        };
        let foreign = match cols.foreign.map(|i| fields[i]) {
            None | Some(b"0") => false,
            Some(b"1") => true,
            Some(other) => {
                return Err(bad(
                    line_no,
                    "foreign",
                    format!("`{}` is not 0 or 1", String::from_utf8_lossy(other)),
                ));
            }
        };
        person(&mut part, law, reform, salary, region, foreign)
            .map_err(|e| bad(line_no, "salary", e))?;
        line_no += 1;
    }
    Ok(part)
}

#[inline(always)]
fn person(
    part: &mut Part,
    law: &Scenario,
    reform: Option<&Scenario>,
    salary: i64,
    region: u8,
    foreign: bool,
) -> Result<()> {
    let under_law = law.assess(Dong(salary), region, foreign)?;
    match &under_law {
        Some(a) => part.law.add(a)?,
        None => part.law.excluded += 1,
    }
    if let (Some(reform), Some(totals)) = (reform, part.reform.as_mut()) {
        let under_reform = reform.assess(Dong(salary), region, foreign)?;
        match &under_reform {
            Some(a) => totals.add(a)?,
            None => totals.excluded += 1,
        }
        let pay = |a: &Option<ansinh_rules::contribution::Assessment>| {
            a.map_or((0, 0), |a| (a.employee.total.get(), a.employer.total.get()))
        };
        let ((ee_l, er_l), (ee_r, er_r)) = (pay(&under_law), pay(&under_reform));
        part.compared.push(Compared {
            salary,
            employee_law: ee_l,
            employee_reform: ee_r,
            employer_law: er_l,
            employer_reform: er_r,
        });
    }
    Ok(())
}

/// The outcome of a simulation and how long its steps took.
#[derive(Debug)]
pub struct Outcome {
    pub doc: serde_json::Value,
    pub read_ms: f64,
    pub compute_ms: f64,
}

/// Simulates `month` for the population under `law` and, when given, `reform`.
pub fn simulate(
    population: Population,
    month: Month,
    law: &Params,
    reform: Option<&Params>,
) -> Result<Outcome> {
    let law_s = Scenario::new(law, month).with_context(|| format!("--month {month}"))?;
    let reform_s = reform
        .map(|r| Scenario::new(r, month))
        .transpose()
        .with_context(|| format!("--params-override at {month}"))?;
    let started = Instant::now();
    let (parts, read_ms) = match population {
        Population::File(path) => {
            // Mapped, not copied: a file of 20 million persons is 250 MB.
            let map = crate::claims::map_file(path)?;
            let bytes: &[u8] = &map;
            let read_ms = started.elapsed().as_secs_f64() * 1e3;
            let Some(header_end) = bytes.iter().position(|&b| b == b'\n') else {
                bail!("{}: no header row and no persons", path.display());
            };
            let cols = columns(&bytes[..header_end])?;
            let body = &bytes[header_end + 1..];
            // Two halves split at a line break; the second half's first line number counts the
            // lines of the first.
            let mid = body[body.len() / 2..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(body.len(), |p| body.len() / 2 + p + 1);
            let (a, b) = body.split_at(mid);
            let second_first = 2 + a.iter().filter(|&&c| c == b'\n').count();
            let (law_ref, reform_ref) = (&law_s, reform_s.as_ref());
            let parts = std::thread::scope(|s| {
                let other = s.spawn(move || run_part(b, second_first, cols, law_ref, reform_ref));
                let first = run_part(a, 2, cols, law_ref, reform_ref);
                (first, other.join())
            });
            let second = parts
                .1
                .map_err(|_| anyhow::anyhow!("a simulation thread stopped"))??;
            (vec![parts.0?, second], read_ms)
        }
        Population::Rows(rows) => {
            let mut part = Part {
                law: Totals::default(),
                reform: reform_s.as_ref().map(|_| Totals::default()),
                compared: Vec::new(),
            };
            for (salary, region, foreign) in rows {
                person(
                    &mut part,
                    &law_s,
                    reform_s.as_ref(),
                    salary,
                    region,
                    foreign,
                )?;
            }
            (vec![part], 0.0)
        }
    };
    let mut law_totals = Totals::default();
    let mut reform_totals = reform_s.as_ref().map(|_| Totals::default());
    let mut compared = Vec::new();
    for p in parts {
        law_totals.merge(&p.law)?;
        if let (Some(t), Some(r)) = (reform_totals.as_mut(), p.reform.as_ref()) {
            t.merge(r)?;
        }
        compared.extend(p.compared);
    }
    let mut doc = law_totals.to_json();
    doc["month"] = serde_json::json!(month);
    doc["reform"] = match &reform_totals {
        None => serde_json::Value::Null,
        Some(r) => {
            let mut d = r.to_json();
            let diff = |a: i64, b: i64| b - a;
            d["difference"] = serde_json::json!({
                "employee_total": diff(law_totals.employee_total(), r.employee_total()),
                "employer_total": diff(law_totals.employer_total(), r.employer_total()),
                "total": diff(law_totals.total(), r.total()),
            });
            d["deciles"] = serde_json::to_value(deciles(&mut compared))?;
            d
        }
    };
    let compute_ms = started.elapsed().as_secs_f64() * 1e3 - read_ms;
    Ok(Outcome {
        doc,
        read_ms,
        compute_ms,
    })
}

/// The outcome as a table for a reader.
pub fn table(doc: &serde_json::Value) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let money = |v: &serde_json::Value| ansinh_core::money::grouped(v.as_i64().unwrap_or(0), '.');
    let _ = writeln!(
        out,
        "Month {}: {} persons charged, {} below the minimum contribution salary",
        doc["month"].as_str().unwrap_or(""),
        doc["persons"].as_i64().unwrap_or(0),
        doc["excluded"].as_i64().unwrap_or(0)
    );
    let _ = writeln!(out, "{:<22} {:>22} {:>22}", "fund", "employee", "employer");
    for (code, ..) in ansinh_rules::contribution::FUNDS {
        let _ = writeln!(
            out,
            "{:<22} {:>22} {:>22}",
            code,
            money(&doc["funds"]["employee"][code]),
            money(&doc["funds"]["employer"][code])
        );
    }
    let totals = |out: &mut String, label: &str, d: &serde_json::Value| {
        let _ = writeln!(
            out,
            "{:<22} {:>22} {:>22}   total {}",
            label,
            money(&d["employee_total"]),
            money(&d["employer_total"]),
            money(&d["total"])
        );
    };
    totals(&mut out, "law", doc);
    let r = &doc["reform"];
    if !r.is_null() {
        totals(&mut out, "reform", r);
        totals(&mut out, "difference", &r["difference"]);
        let _ = writeln!(
            out,
            "\n{:>6} {:>14} {:>14} {:>20} {:>20} {:>9} {:>9}",
            "decile",
            "salary from",
            "salary to",
            "employee (law)",
            "employee (reform)",
            "winners",
            "losers"
        );
        for d in r["deciles"].as_array().into_iter().flatten() {
            let _ = writeln!(
                out,
                "{:>6} {:>14} {:>14} {:>20} {:>20} {:>9} {:>9}",
                d["decile"].as_i64().unwrap_or(0),
                money(&d["salary_from"]),
                money(&d["salary_to"]),
                money(&d["employee_law"]),
                money(&d["employee_reform"]),
                d["winners"].as_i64().unwrap_or(0),
                d["losers"].as_i64().unwrap_or(0)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Params {
        Params::embedded().unwrap()
    }

    fn file(text: &str) -> std::path::PathBuf {
        let p = std::env::temp_dir().join(format!(
            "ansinh-sim-{}-{}.csv",
            std::process::id(),
            text.len()
        ));
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn the_halves_of_a_file_sum_to_what_each_line_pays() {
        let mut text = String::from("salary,region,foreign\n");
        for i in 0..101 {
            text.push_str(&format!(
                "{},{},{}\n",
                6_000_000 + i * 1_000,
                1 + i % 4,
                i % 10 == 0
            ));
        }
        let text = text.replace("true", "1").replace("false", "0");
        let path = file(&text);
        let p = params();
        let m: Month = "2026-03".parse().unwrap();
        let out = simulate(Population::File(&path), m, &p, None).unwrap();
        let s = Scenario::new(&p, m).unwrap();
        let mut expected = Totals::default();
        for i in 0..101i64 {
            let a = s
                .assess(Dong(6_000_000 + i * 1_000), (1 + i % 4) as u8, i % 10 == 0)
                .unwrap()
                .unwrap();
            expected.add(&a).unwrap();
        }
        assert_eq!(out.doc["persons"], 101);
        assert_eq!(out.doc["total"], expected.total());
        assert!(out.doc["reform"].is_null());
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn a_bad_line_is_named_with_its_number_and_column() {
        let path = file("region,salary\n1,5000000\n7,5000000\n");
        let e = simulate(
            Population::File(&path),
            "2026-03".parse().unwrap(),
            &params(),
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("line 3, column region"), "{e}");
        let _ = std::fs::remove_file(path);
        let path = file("wage,region\n5000000,1\n");
        let e = simulate(
            Population::File(&path),
            "2026-03".parse().unwrap(),
            &params(),
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("no `salary` column"), "{e}");
        let _ = std::fs::remove_file(path);
    }
}
