//! Back-collection (truy thu, truy đóng) of contributions an examination found missing: a
//! worker never declared, or declared on a salary below the one paid, month by month.
//!
//! For each month the contributions on the actual salary and on the declared one are computed
//! by the same rule as the monthly assessment ([`contribution::assess`], L41 Art. 31–34; L74
//! Art. 33–34), with the caps, floors and rates in force in that month; the difference per fund
//! and payer is due. Interest: the daily charge of L41 Art. 40.1 / 41.1 (0.03 %/day) on each
//! month's difference from the day after its deadline (Art. 34.4) to the date of computation.

use crate::compliance::payment_deadline;
use crate::contribution::{
    self, ContributionError, Funds, OccupationalOption, Options, Participant,
};
use crate::explanation::Line;
use crate::params::{MissingParam, Params};
use ansinh_core::{Date, Dong, Month, rate::PPM};
use serde::{Deserialize, Serialize};

/// What an examination found for one worker over a run of months.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// The worker as the findings minutes name them (personal ID, SI code or list number).
    pub worker: String,
    pub from: Month,
    pub to: Month,
    /// The monthly salary declared to the agency; 0 when the worker was not declared at all.
    pub declared_salary: Dong,
    /// The monthly salary the payrolls show, the base the law requires.
    pub actual_salary: Dong,
}

/// One month of one finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonthDue {
    pub month: Month,
    pub employee: Funds,
    pub employer: Funds,
    pub total: Dong,
    pub deadline: Date,
    pub days_late: i64,
}

/// Contributions of one payer and both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Contributions {
    pub employee: Funds,
    pub employer: Funds,
    pub total: Dong,
}

/// What is due for one worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkerDue {
    pub worker: String,
    pub contributions: Contributions,
    pub interest: Dong,
    pub months: Vec<MonthDue>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Total {
    pub contributions: Dong,
    pub interest: Dong,
    pub amount: Dong,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BackCollection {
    pub workers: Vec<WorkerDue>,
    pub total: Total,
}

/// A finding the rules cannot compute, with the index of the finding at fault.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum BackCollectionError {
    #[error(
        "the computation date {0} is before L41's daily charge (1 Jul 2025) — earlier back-collections follow QĐ 595"
    )]
    AsOf(#[source] MissingParam),
    #[error("finding {index}: `to` {to} is before `from` {from}")]
    EndsBeforeStart {
        index: usize,
        from: Month,
        to: Month,
    },
    #[error("finding {index}: month {month} is after the computation date {as_of}")]
    AfterAsOf {
        index: usize,
        month: Month,
        as_of: Date,
    },
    #[error(
        "finding {index}: the declared salary {declared} is above the actual salary {actual}: nothing to collect"
    )]
    DeclaredAboveActual {
        index: usize,
        declared: Dong,
        actual: Dong,
    },
    #[error("finding {index}, month {month}: {source}")]
    Contribution {
        index: usize,
        month: Month,
        /// Which salary the error is about: `actual_salary`, `declared_salary` or the month.
        field: &'static str,
        source: ContributionError,
    },
    #[error("the amounts are too large to compute")]
    Overflow,
}

impl BackCollectionError {
    /// The finding's field at fault, for a request error.
    pub fn field(&self) -> (Option<usize>, &'static str) {
        match self {
            BackCollectionError::AsOf(_) => (None, "as_of"),
            BackCollectionError::EndsBeforeStart { index, .. } => (Some(*index), "to"),
            BackCollectionError::AfterAsOf { index, .. } => (Some(*index), "to"),
            BackCollectionError::DeclaredAboveActual { index, .. } => {
                (Some(*index), "declared_salary")
            }
            BackCollectionError::Contribution { index, field, .. } => (Some(*index), field),
            BackCollectionError::Overflow => (None, "findings"),
        }
    }
}

fn sub(a: &Funds, b: &Funds) -> Funds {
    Funds {
        sickness_maternity: a.sickness_maternity - b.sickness_maternity,
        pension_survivor: a.pension_survivor - b.pension_survivor,
        occupational: a.occupational - b.occupational,
        health: a.health - b.health,
        unemployment: a.unemployment - b.unemployment,
        total: a.total - b.total,
    }
}

fn add(a: &Funds, b: &Funds) -> Option<Funds> {
    Some(Funds {
        sickness_maternity: a.sickness_maternity.checked_add(b.sickness_maternity)?,
        pension_survivor: a.pension_survivor.checked_add(b.pension_survivor)?,
        occupational: a.occupational.checked_add(b.occupational)?,
        health: a.health.checked_add(b.health)?,
        unemployment: a.unemployment.checked_add(b.unemployment)?,
        total: a.total.checked_add(b.total)?,
    })
}

/// The back-collection of a set of findings at `as_of` (L41 Art. 17.5, 40–41; the contribution
/// rules of Art. 31–34 and L74 Art. 33–34 month by month). Findings of the same worker are
/// summed under one entry, in the order the worker first appears. Interest is the Art. 40.1
/// charge in force on `as_of`, on each month's difference for the days after its deadline,
/// rounded once per worker.
pub fn back_collection(
    params: &Params,
    as_of: Date,
    region: u8,
    occupational: Option<OccupationalOption>,
    findings: &[Finding],
) -> Result<(BackCollection, Vec<Line>), BackCollectionError> {
    let lp = params
        .late_payment
        .at(as_of)
        .map_err(BackCollectionError::AsOf)?;
    let rounding = params
        .rounding
        .at(as_of)
        .map_err(BackCollectionError::AsOf)?
        .value
        .rounding();
    let daily = i128::from(lp.value.daily_rate.ppm());
    let mut workers: Vec<(WorkerDue, i128)> = Vec::new();
    let mut lines = Vec::new();
    for (index, f) in findings.iter().enumerate() {
        if f.to < f.from {
            return Err(BackCollectionError::EndsBeforeStart {
                index,
                from: f.from,
                to: f.to,
            });
        }
        if f.to > Month::of(as_of) {
            return Err(BackCollectionError::AfterAsOf {
                index,
                month: f.to,
                as_of,
            });
        }
        if f.declared_salary > f.actual_salary {
            return Err(BackCollectionError::DeclaredAboveActual {
                index,
                declared: f.declared_salary,
                actual: f.actual_salary,
            });
        }
        let slot = match workers.iter().position(|(w, _)| w.worker == f.worker) {
            Some(i) => i,
            None => {
                workers.push((
                    WorkerDue {
                        worker: f.worker.clone(),
                        contributions: Contributions::default(),
                        interest: Dong::ZERO,
                        months: Vec::new(),
                    },
                    0,
                ));
                workers.len() - 1
            }
        };
        let mut finding_total = Dong::ZERO;
        let mut month = f.from;
        loop {
            let due = month_due(params, as_of, month, region, occupational, f).map_err(
                |(field, source)| BackCollectionError::Contribution {
                    index,
                    month,
                    field,
                    source,
                },
            )?;
            let (w, weighted) = &mut workers[slot];
            *weighted = weighted
                .checked_add(i128::from(due.total.get()) * i128::from(due.days_late) * daily)
                .ok_or(BackCollectionError::Overflow)?;
            let c = &mut w.contributions;
            c.employee = add(&c.employee, &due.employee).ok_or(BackCollectionError::Overflow)?;
            c.employer = add(&c.employer, &due.employer).ok_or(BackCollectionError::Overflow)?;
            c.total = c
                .total
                .checked_add(due.total)
                .ok_or(BackCollectionError::Overflow)?;
            finding_total = finding_total
                .checked_add(due.total)
                .ok_or(BackCollectionError::Overflow)?;
            w.months.push(due);
            if month == f.to {
                break;
            }
            month = month.plus(1);
        }
        let months = f.from.months_until(f.to) + 1;
        let what = if f.declared_salary.get() == 0 {
            format!(
                "{} not declared, actual salary {}",
                f.worker, f.actual_salary
            )
        } else {
            format!(
                "{} declared at {}, actual salary {}",
                f.worker, f.declared_salary, f.actual_salary
            )
        };
        lines.push(
            Line::new(
                "finding",
                "Số phải truy thu theo kết quả kiểm tra",
                "Contributions to collect after the examination",
            )
            .amount(finding_total)
            .formula(format!(
                "{what}: {months} month(s) {}–{}, contributions on the actual salary − on the declared, each month's rates, caps and floor",
                f.from, f.to
            ))
            .cite("L41 Art. 31–34, 17.5; L74 Art. 33–34"),
        );
    }
    let mut total = Total::default();
    let mut out = Vec::with_capacity(workers.len());
    for (mut w, weighted) in workers {
        w.interest = rounding
            .ratio(weighted, i128::from(PPM))
            .ok_or(BackCollectionError::Overflow)?;
        lines.push(
            Line::new(
                "interest",
                "Tiền lãi truy thu (0,03 %/ngày)",
                "Interest on the back-collection (0.03 %/day)",
            )
            .amount(w.interest)
            .formula(format!(
                "{}: Σ each month's difference × {} × days from its deadline to {as_of}",
                w.worker,
                lp.value.daily_rate.as_percent()
            ))
            .param(
                "late_payment.daily_rate",
                lp.value.daily_rate.as_percent(),
                lp,
            )
            .cite("L41 Art. 40.1, 41.1"),
        );
        total.contributions = total
            .contributions
            .checked_add(w.contributions.total)
            .ok_or(BackCollectionError::Overflow)?;
        total.interest = total
            .interest
            .checked_add(w.interest)
            .ok_or(BackCollectionError::Overflow)?;
        out.push(w);
    }
    total.amount = total
        .contributions
        .checked_add(total.interest)
        .ok_or(BackCollectionError::Overflow)?;
    lines.push(
        Line::new("total", "Tổng số phải truy thu", "Total to collect")
            .amount(total.amount)
            .formula(format!(
                "contributions {} + interest {}",
                total.contributions, total.interest
            ))
            .cite("L41 Art. 40–41"),
    );
    Ok((
        BackCollection {
            workers: out,
            total,
        },
        lines,
    ))
}

/// The difference of one month: contributions on the actual salary minus those on the
/// declared one (none when undeclared). A declared salary below the floor is what was paid on,
/// so it is assessed without the floor.
fn month_due(
    params: &Params,
    as_of: Date,
    month: Month,
    region: u8,
    occupational: Option<OccupationalOption>,
    f: &Finding,
) -> Result<MonthDue, (&'static str, ContributionError)> {
    let options = Options {
        occupational,
        ..Options::default()
    };
    let resolved = contribution::resolve(params, month, Participant::Employee, region, options)
        .map_err(|e| {
            let field = match e {
                ContributionError::Region(_) => "region",
                ContributionError::OccupationalNotApplicable
                | ContributionError::UnknownOccupationalRate(..) => "occupational_rate",
                _ => "from",
            };
            (field, e)
        })?;
    let actual =
        contribution::assess(&resolved, f.actual_salary).map_err(|e| ("actual_salary", e))?;
    let (employee, employer) = if f.declared_salary.get() == 0 {
        (actual.employee, actual.employer)
    } else {
        let mut unfloored = resolved.clone();
        unfloored.floor = Dong::ZERO;
        let declared = contribution::assess(&unfloored, f.declared_salary)
            .map_err(|e| ("declared_salary", e))?;
        (
            sub(&actual.employee, &declared.employee),
            sub(&actual.employer, &declared.employer),
        )
    };
    Ok(MonthDue {
        month,
        total: employee.total + employer.total,
        employee,
        employer,
        deadline: payment_deadline(month),
        days_late: days_after_deadline(month, as_of),
    })
}

/// Days after a month's deadline up to `as_of` (none before the deadline).
pub fn days_after_deadline(month: Month, as_of: Date) -> i64 {
    let deadline = payment_deadline(month);
    i64::from((as_of - deadline).get_days()).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn an_undeclared_worker_owes_every_fund_on_the_actual_salary() {
        let p = Params::embedded().unwrap();
        let f = Finding {
            worker: "W1".into(),
            from: m("2026-03"),
            to: m("2026-03"),
            declared_salary: Dong(0),
            actual_salary: Dong(10_000_000),
        };
        let (b, _) = back_collection(&p, "2026-04-30".parse().unwrap(), 1, None, &[f]).unwrap();
        // 10.5 % employee and 21.5 % employer (L41 Art. 33–34, L74 Art. 33, HI 4.5/1.5 %).
        assert_eq!(b.workers[0].contributions.employee.total, Dong(1_050_000));
        assert_eq!(b.workers[0].contributions.employer.total, Dong(2_150_000));
        // The deadline of March is 30 April: no day late yet.
        assert_eq!(b.workers[0].interest, Dong(0));
        assert_eq!(b.total.amount, Dong(3_200_000));
    }

    #[test]
    fn findings_of_one_worker_are_summed_in_order_of_appearance() {
        let p = Params::embedded().unwrap();
        let f = |worker: &str, month: &str, declared, actual| Finding {
            worker: worker.into(),
            from: m(month),
            to: m(month),
            declared_salary: Dong(declared),
            actual_salary: Dong(actual),
        };
        let findings = [
            f("A", "2026-01", 0, 10_000_000),
            f("B", "2026-02", 6_000_000, 7_000_000),
            f("A", "2026-02", 0, 10_000_000),
        ];
        let (b, _) =
            back_collection(&p, "2026-04-30".parse().unwrap(), 1, None, &findings).unwrap();
        let names: Vec<&str> = b.workers.iter().map(|w| w.worker.as_str()).collect();
        assert_eq!(names, ["A", "B"]);
        // A: 2 × 3,200,000; January late 61 days, February 30 → 3,200,000 × 0.03 % × 91.
        assert_eq!(b.workers[0].contributions.total, Dong(6_400_000));
        assert_eq!(b.workers[0].interest, Dong(87_360));
        assert_eq!(b.workers[0].months.len(), 2);
        // B: 32 % of the 1,000,000 difference, 30 days.
        assert_eq!(b.workers[1].contributions.total, Dong(320_000));
        assert_eq!(b.workers[1].interest, Dong(2_880));
        assert_eq!(b.total.amount, Dong(6_720_000 + 90_240));
    }
}
