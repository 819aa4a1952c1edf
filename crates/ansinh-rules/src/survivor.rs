//! Survivor benefits (chế độ tử tuất): funeral grant (trợ cấp mai táng), monthly survivor
//! allowance (trợ cấp tuất hằng tháng) and one-time survivor benefit (trợ cấp tuất một lần).

use crate::explanation::Line;
use crate::one_time::years_weighted;
use crate::params::{Concept, MissingParam, Params};
use crate::pension::years_text;
use ansinh_core::{Date, Dong, Rate};
use serde::{Deserialize, Serialize};

/// Parameters of L41 Art. 85–89.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurvivorParams {
    pub funeral_multiple: i64,
    pub funeral_min_months: i64,
    pub monthly_rate: Rate,
    pub monthly_rate_no_carer: Rate,
    pub monthly_max_relatives: i64,
    pub monthly_min_years: i64,
    pub one_time_before_2014: Rate,
    pub one_time_from_2014: Rate,
    pub one_time_min_multiple: i64,
    pub pensioner_months: i64,
    pub pensioner_full_months: i64,
    pub pensioner_step: Rate,
    pub pensioner_min_months: i64,
}

impl Concept for SurvivorParams {}

/// The deceased was receiving a pension.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pensioner {
    pub monthly_pension: Dong,
    pub months_received: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SurvivorFacts {
    pub death_date: Date,
    /// Months of compulsory contributions.
    pub contribution_months: i64,
    pub months_before_2014: i64,
    pub average_salary: Option<Dong>,
    pub pensioner: Option<Pensioner>,
    /// Died of an occupational accident or disease.
    pub occupational: bool,
    /// Relatives qualifying under Art. 86.2.
    pub relatives: i64,
    /// Of those, relatives without a direct carer (70 %).
    pub relatives_without_carer: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Part {
    pub eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub amount: Dong,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SurvivorOutcome {
    pub eligible: bool,
    pub funeral_grant: Part,
    pub monthly: Part,
    pub monthly_per_relative: Dong,
    pub monthly_per_relative_without_carer: Dong,
    pub one_time: Part,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SurvivorError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("`{0}` must not be negative")]
    Negative(&'static str),
    #[error("cannot exceed `relatives`")]
    TooManyWithoutCarer,
    #[error("needed for the one-time survivor benefit of a contributor (L41 Art. 89)")]
    AverageSalaryRequired,
}

/// Funeral grant of 10 × reference level (L41 Art. 85); monthly allowance of 50 % (70 % without
/// a direct carer) of the reference level per relative, at most 4 (Art. 86–87); one-time
/// benefit of 1.5 / 2 × average per year before / from 2014, at least 3 × average, or for a
/// pensioner 48 months of pension less 0.5 month per month received after the second, at
/// least 3 months (Art. 88–89).
pub fn evaluate(
    params: &Params,
    f: &SurvivorFacts,
) -> Result<(SurvivorOutcome, Vec<Line>), SurvivorError> {
    for (field, value) in [
        ("contribution_months", f.contribution_months),
        ("months_before_2014", f.months_before_2014),
        ("relatives", f.relatives),
        ("relatives_without_carer", f.relatives_without_carer),
        ("average_salary", f.average_salary.map_or(0, Dong::get)),
        (
            "pensioner.monthly_pension",
            f.pensioner.map_or(0, |p| p.monthly_pension.get()),
        ),
        (
            "pensioner.months_received",
            f.pensioner.map_or(0, |p| p.months_received),
        ),
    ] {
        if value < 0 {
            return Err(SurvivorError::Negative(field));
        }
    }
    if f.relatives_without_carer > f.relatives {
        return Err(SurvivorError::TooManyWithoutCarer);
    }
    let dated = params.survivor.at(f.death_date)?;
    let p = &dated.value;
    let reference = params.reference_level.at(f.death_date)?;
    let rounding = params.rounding.at(f.death_date)?.value.rounding();
    let odd = params.odd_months.at(f.death_date)?;
    let r = reference.value.amount;
    let mut lines = Vec::new();

    let funeral_ok =
        f.contribution_months >= p.funeral_min_months || f.pensioner.is_some() || f.occupational;
    let funeral = Part {
        eligible: funeral_ok,
        reason: (!funeral_ok).then(|| {
            format!(
                "fewer than {} months of compulsory contributions (L41 Art. 85.1)",
                p.funeral_min_months
            )
        }),
        amount: if funeral_ok {
            r.times(p.funeral_multiple).unwrap_or(Dong(i64::MAX))
        } else {
            Dong::ZERO
        },
    };
    lines.push(
        Line::new("funeral_grant", "Trợ cấp mai táng", "Funeral grant")
            .amount(funeral.amount)
            .formula(format!("{} × reference level {r}", p.funeral_multiple))
            .param("reference_level", r, reference)
            .param("survivor.funeral_multiple", p.funeral_multiple, dated)
            .cite("L41 Art. 85"),
    );

    let per_relative = rounding.apply(r, p.monthly_rate);
    let per_relative_no_carer = rounding.apply(r, p.monthly_rate_no_carer);
    let monthly_ok_deceased = f.contribution_months >= p.monthly_min_years * 12
        || f.pensioner.is_some()
        || f.occupational;
    let counted = f.relatives.min(p.monthly_max_relatives);
    let without_carer = f.relatives_without_carer.min(counted);
    let monthly_reason = if !monthly_ok_deceased {
        Some(format!(
            "fewer than {} years of compulsory contributions and not a pensioner (L41 Art. 86.1)",
            p.monthly_min_years
        ))
    } else if f.relatives == 0 {
        Some("no qualifying relative (L41 Art. 86.2)".to_string())
    } else {
        None
    };
    let monthly_total = if monthly_reason.is_none() {
        per_relative
            .times(counted - without_carer)
            .unwrap_or_default()
            + per_relative_no_carer
                .times(without_carer)
                .unwrap_or_default()
    } else {
        Dong::ZERO
    };
    lines.push(
        Line::new(
            "monthly",
            "Trợ cấp tuất hằng tháng",
            "Monthly survivor allowance",
        )
        .amount(monthly_total)
        .formula(format!(
            "{} × {} × {r} + {} × {} × {r} (at most {} relatives), from the month after death",
            counted - without_carer,
            p.monthly_rate.as_percent(),
            without_carer,
            p.monthly_rate_no_carer.as_percent(),
            p.monthly_max_relatives
        ))
        .param("survivor.monthly_rate", p.monthly_rate.as_percent(), dated)
        .param(
            "survivor.monthly_rate_no_carer",
            p.monthly_rate_no_carer.as_percent(),
            dated,
        )
        .cite("L41 Art. 86–87"),
    );
    let monthly = Part {
        eligible: monthly_reason.is_none(),
        reason: monthly_reason,
        amount: monthly_total,
    };

    let one_time_amount = match f.pensioner {
        Some(pensioner) => {
            let late = (pensioner.months_received - p.pensioner_full_months).max(0);
            let step_halves = pensioner_step_halves(p.pensioner_step);
            let halves =
                (2 * p.pensioner_months - step_halves * late).max(2 * p.pensioner_min_months);
            let amount = rounding
                .ratio(
                    i128::from(pensioner.monthly_pension.get()) * i128::from(halves),
                    2,
                )
                .unwrap_or(Dong(i64::MAX));
            lines.push(
                Line::new(
                    "one_time",
                    "Trợ cấp tuất một lần",
                    "One-time survivor benefit",
                )
                .amount(amount)
                .formula(format!(
                    "max({}, {} − {} × {late}) months × pension {}",
                    p.pensioner_min_months,
                    p.pensioner_months,
                    p.pensioner_step.as_factor(),
                    pensioner.monthly_pension
                ))
                .param("survivor.pensioner_months", p.pensioner_months, dated)
                .cite("L41 Art. 89.2"),
            );
            amount
        }
        None => {
            let average = f
                .average_salary
                .ok_or(SurvivorError::AverageSalaryRequired)?;
            let months_from = (f.contribution_months - f.months_before_2014).max(0);
            let (raw, b, fr) = years_weighted(
                rounding,
                &odd.value,
                average,
                (p.one_time_before_2014, p.one_time_from_2014),
                f.months_before_2014.min(f.contribution_months),
                months_from,
            );
            let floor = average
                .times(p.one_time_min_multiple)
                .unwrap_or(Dong(i64::MAX));
            let amount = raw.max(floor);
            lines.push(
                Line::new(
                    "one_time",
                    "Trợ cấp tuất một lần",
                    "One-time survivor benefit",
                )
                .amount(amount)
                .formula(format!(
                    "max({} × {average}, ({} × {} + {} × {}) × {average} = {raw})",
                    p.one_time_min_multiple,
                    p.one_time_before_2014.as_factor(),
                    years_text(b),
                    p.one_time_from_2014.as_factor(),
                    years_text(fr)
                ))
                .param(
                    "survivor.one_time_min_multiple",
                    p.one_time_min_multiple,
                    dated,
                )
                .cite("L41 Art. 89.1"),
            );
            amount
        }
    };
    let one_time = Part {
        eligible: true,
        reason: Some("paid instead of the monthly allowance when the relatives choose it or none qualifies (L41 Art. 88)".into()),
        amount: one_time_amount,
    };
    Ok((
        SurvivorOutcome {
            eligible: funeral.eligible || monthly.eligible || one_time.eligible,
            funeral_grant: funeral,
            monthly,
            monthly_per_relative: per_relative,
            monthly_per_relative_without_carer: per_relative_no_carer,
            one_time,
        },
        lines,
    ))
}

/// The monthly step (0.5 month) in half months.
fn pensioner_step_halves(step: Rate) -> i64 {
    step.ppm() * 2 / ansinh_core::rate::PPM
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> SurvivorFacts {
        SurvivorFacts {
            death_date: "2026-03-10".parse().unwrap(),
            contribution_months: 24,
            months_before_2014: 0,
            average_salary: Some(Dong(9_000_000)),
            pensioner: None,
            occupational: false,
            relatives: 0,
            relatives_without_carer: 0,
        }
    }

    #[test]
    fn pensioner_one_time_benefit_steps_down_to_three_months() {
        let params = Params::embedded().unwrap();
        let with = |months_received| {
            let mut f = facts();
            f.pensioner = Some(Pensioner {
                monthly_pension: Dong(10_000_000),
                months_received,
            });
            evaluate(&params, &f).unwrap().0.one_time.amount
        };
        assert_eq!(with(1), Dong(480_000_000));
        assert_eq!(with(2), Dong(480_000_000));
        assert_eq!(with(3), Dong(475_000_000));
        assert_eq!(with(92), Dong(30_000_000));
        assert_eq!(with(200), Dong(30_000_000));
    }

    #[test]
    fn at_most_four_relatives_and_funeral_needs_twelve_months() {
        let params = Params::embedded().unwrap();
        let mut f = facts();
        f.contribution_months = 180;
        f.relatives = 6;
        let (o, _) = evaluate(&params, &f).unwrap();
        assert_eq!(o.monthly.amount, Dong(4 * 1_170_000));
        f.contribution_months = 11;
        let (o, _) = evaluate(&params, &f).unwrap();
        assert!(!o.funeral_grant.eligible);
        assert!(!o.monthly.eligible);
    }
}
