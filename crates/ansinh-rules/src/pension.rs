//! Retirement pension (lương hưu): eligibility, rate, amount, floor and the one-off allowance
//! (trợ cấp một lần khi nghỉ hưu).

use crate::explanation::Line;
use crate::params::{Concept, MissingParam, Params};
use crate::retirement::{Sex, retirement_month};
use ansinh_core::{Date, Dong, Month, Rate, rate::PPM};
use serde::{Deserialize, Serialize};

/// Parameters of L41 Art. 64–68 and 141.11.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PensionParams {
    pub min_years: i64,
    pub base_rate: Rate,
    pub women_base_years: i64,
    pub men_base_years: i64,
    pub per_year: Rate,
    pub men_short_rate: Rate,
    pub men_short_per_year: Rate,
    pub max_rate: Rate,
    pub early_per_year: Rate,
    pub early_half_year: Rate,
    pub reduced_min_years: i64,
    pub loss_moderate: Rate,
    pub loss_severe: Rate,
    pub early_max_months_moderate: i64,
    pub early_max_months_severe: i64,
    pub one_off_years_men: i64,
    pub one_off_years_women: i64,
    pub one_off_per_year: Rate,
    /// Per year contributed after reaching the retirement age beyond the years of the
    /// maximum rate (L41 Art. 68.2, second sentence).
    pub one_off_after_age_per_year: Rate,
    pub floor_min_years: i64,
    pub floor_participated_before: Date,
}

impl Concept for PensionParams {
    fn check(&self) -> Result<(), (String, String)> {
        if self.men_base_years < self.min_years {
            return Err((
                "men_base_years".into(),
                "must not be below min_years".into(),
            ));
        }
        if self.loss_severe < self.loss_moderate {
            return Err((
                "loss_severe".into(),
                "must not be below loss_moderate".into(),
            ));
        }
        Ok(())
    }
}

/// How odd months of contribution time count as years.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OddMonths {
    pub half_year_up_to: i64,
}

impl Concept for OddMonths {
    fn check(&self) -> Result<(), (String, String)> {
        if !(0..=11).contains(&self.half_year_up_to) {
            return Err(("half_year_up_to".into(), "must be 0 to 11 months".into()));
        }
        Ok(())
    }
}

/// Contribution time in half years: odd months up to `half_year_up_to` count as half a year,
/// more as a whole year (D158 Art. 23.1.c; the same rule applied to pensions and one-time
/// benefits is UNCONFIRMED under L41, see `rules/vn/odd_months.toml`).
pub fn half_years(odd: &OddMonths, months: i64) -> i64 {
    let (years, rest) = (months / 12, months % 12);
    let extra = match rest {
        0 => 0,
        r if r <= odd.half_year_up_to => 1,
        _ => 2,
    };
    years * 2 + extra
}

/// Years as a reader writes them: `30`, `30.5`.
pub(crate) fn years_text(half_years: i64) -> String {
    if half_years % 2 == 0 {
        (half_years / 2).to_string()
    } else {
        format!("{}.5", half_years / 2)
    }
}

/// Pension rate before any early-retirement reduction (L41 Art. 66.1–66.2): women 45 % for 15
/// years, men 45 % for 20 years, + 2 % per further year, at most 75 %; men with 15 to < 20
/// years 40 % + 1 % per year above 15.
pub fn pension_rate(p: &PensionParams, sex: Sex, half_years: i64) -> Rate {
    let per_half = |rate: Rate, halves: i64| Rate::from_ppm(rate.ppm() * halves / 2);
    let rate = match sex {
        Sex::Female => p
            .base_rate
            .plus(per_half(p.per_year, half_years - 2 * p.women_base_years)),
        Sex::Male if half_years >= 2 * p.men_base_years => p
            .base_rate
            .plus(per_half(p.per_year, half_years - 2 * p.men_base_years)),
        Sex::Male => p
            .men_short_rate
            .plus(per_half(p.men_short_per_year, half_years - 2 * p.min_years)),
    };
    rate.min(p.max_rate)
}

/// Reduction for retiring early with loss of work capacity (L41 Art. 66.3): 2 % per full year
/// early; a remainder of 6 to < 12 months takes 1 %, less than 6 months nothing.
pub fn early_reduction(p: &PensionParams, early_months: i64) -> Rate {
    let full = p.early_per_year.times(early_months / 12);
    if early_months % 12 >= 6 {
        full.plus(p.early_half_year)
    } else {
        full
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PensionFacts {
    pub sex: Sex,
    pub birth: Date,
    pub contribution_months: i64,
    pub average_salary: Dong,
    /// First month of contribution, for the floor of Art. 141.11.
    pub first_contribution_month: Option<Month>,
    /// The actual first month of pension when the person kept working and contributing after
    /// the retirement age; `None` is the normal (or early) month.
    pub pension_from: Option<Month>,
    /// Of `contribution_months`, those contributed from the month after the retirement age was
    /// reached; `None` counts every month from the normal month to `pension_from`.
    pub months_after_age: Option<i64>,
    pub early_months: i64,
    pub capacity_loss: Option<Rate>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PensionOutcome {
    pub eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub retirement_month: Month,
    pub normal_retirement_month: Month,
    pub years: f64,
    pub contribution_months: i64,
    pub rate: String,
    pub average_salary: Dong,
    pub monthly_pension: Dong,
    pub one_off_allowance: Dong,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PensionError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("must not be negative")]
    Negative,
    #[error(
        "{0} is before the normal first month of pension {1}: retiring early is said with `early_months`"
    )]
    PensionFromTooEarly(Month, Month),
    #[error("cannot be combined with `early_months`")]
    PensionFromWithEarly,
}

/// Pension of a person retiring under L41: eligibility (Art. 64.1.a: retirement age and 15
/// years; Art. 65: early with loss of work capacity and 20 years), rate (Art. 66), amount =
/// rate × average salary, floor of the reference level for ≥ 20 years by people who
/// contributed before 1 Jul 2025 (Art. 141.11; D158 Art. 13.1), and the one-off allowance of
/// Art. 68.2: per year above the years of the maximum rate (35 men / 30 women), 0.5 × average
/// for the years up to the retirement age and 2 × average for each year contributed after it.
pub fn evaluate(
    params: &Params,
    f: &PensionFacts,
) -> Result<(PensionOutcome, Vec<Line>), PensionError> {
    if f.contribution_months < 0 || f.early_months < 0 || f.average_salary.get() < 0 {
        return Err(PensionError::Negative);
    }
    let (normal, mut lines) = retirement_month(params, f.sex, f.birth)?;
    let start = match f.pension_from {
        Some(_) if f.early_months > 0 => return Err(PensionError::PensionFromWithEarly),
        Some(m) if m < normal.pension_from => {
            return Err(PensionError::PensionFromTooEarly(m, normal.pension_from));
        }
        Some(m) => m,
        None => normal.pension_from.plus(-(f.early_months as i32)),
    };
    // Months contributed after the age was reached: at most the months between the normal
    // month and the actual one, and never more than the whole contribution time.
    let after_age = f
        .months_after_age
        .unwrap_or_else(|| i64::from(normal.pension_from.months_until(start)))
        .clamp(0, f.contribution_months.max(0));
    let date = start.first_day();
    let dated = params.pension.at(date)?;
    let p = &dated.value;
    let odd = params.odd_months.at(date)?;
    let rounding = params.rounding.at(date)?.value.rounding();
    let halves = half_years(&odd.value, f.contribution_months);
    let years = years_text(halves);
    let mut reason = None;
    if f.contribution_months < p.min_years * 12 {
        reason = Some(format!(
            "{years} years of contributions: at least {} are required (L41 Art. 64.1.a)",
            p.min_years
        ));
    }
    let mut reduction = Rate::ZERO;
    if f.early_months > 0 && reason.is_none() {
        let loss = f.capacity_loss.unwrap_or(Rate::ZERO);
        let max_early = if loss >= p.loss_severe {
            p.early_max_months_severe
        } else if loss >= p.loss_moderate {
            p.early_max_months_moderate
        } else {
            0
        };
        if max_early == 0 {
            reason = Some(format!(
                "retiring {} months before the normal age requires a loss of work capacity of at least {} (L41 Art. 65.1)",
                f.early_months,
                p.loss_moderate.as_percent()
            ));
        } else if f.contribution_months < p.reduced_min_years * 12 {
            reason = Some(format!(
                "early retirement with loss of work capacity requires {} years of contributions (L41 Art. 65.1)",
                p.reduced_min_years
            ));
        } else if f.early_months > max_early {
            reason = Some(format!(
                "a loss of work capacity of {} allows retiring at most {max_early} months early (L41 Art. 65.1)",
                loss.as_percent()
            ));
        } else {
            reduction = early_reduction(p, f.early_months);
        }
    }
    let base_rate = pension_rate(p, f.sex, halves);
    let rate = base_rate.saturating_minus(reduction);
    let eligible = reason.is_none();
    let mut monthly = if eligible {
        rounding.apply(f.average_salary, rate)
    } else {
        Dong::ZERO
    };
    lines.push(
        Line::new("years", "Thời gian đóng BHXH", "Contribution time")
            .value(format!("{years} years"))
            .formula(format!(
                "{} months; odd months up to {} count as ½ year, more as 1 year",
                f.contribution_months, odd.value.half_year_up_to
            ))
            .param("odd_months.half_year_up_to", odd.value.half_year_up_to, odd)
            .cite("Decree 158/2025 Art. 23.1.c [UNCONFIRMED for pensions]"),
    );
    let (start_rate, step, from_years) = match (f.sex, halves >= 2 * p.men_base_years) {
        (Sex::Female, _) => (p.base_rate, p.per_year, p.women_base_years),
        (Sex::Male, true) => (p.base_rate, p.per_year, p.men_base_years),
        (Sex::Male, false) => (p.men_short_rate, p.men_short_per_year, p.min_years),
    };
    // Below the years the rate starts from there is no rate to show (and no pension, Art. 64):
    // a formula with a negative number of years would read as a rate.
    let rule = if halves < 2 * from_years {
        format!("fewer than {from_years} years: no pension rate (L41 Art. 64, 66)")
    } else {
        format!(
            "{} + {} × ({years} − {from_years})",
            start_rate.as_percent(),
            step.as_percent()
        )
    };
    lines.push(
        Line::new("rate", "Tỷ lệ hưởng lương hưu", "Pension rate")
            .value(rate.as_percent())
            .formula(if halves < 2 * from_years {
                rule
            } else {
                format!(
                    "min({}, {rule}) = {}{}",
                    p.max_rate.as_percent(),
                    base_rate.as_percent(),
                    if reduction.is_zero() {
                        String::new()
                    } else {
                        format!(
                            " − early reduction {} ({} months early)",
                            reduction.as_percent(),
                            f.early_months
                        )
                    }
                )
            })
            .param("pension.base_rate", p.base_rate.as_percent(), dated)
            .param("pension.per_year", p.per_year.as_percent(), dated)
            .param("pension.max_rate", p.max_rate.as_percent(), dated)
            .cite("L41 Art. 66.1–66.3"),
    );
    if eligible {
        lines.push(
            Line::new(
                "monthly_pension",
                "Mức lương hưu hằng tháng",
                "Monthly pension",
            )
            .amount(monthly)
            .formula(format!("{} × {}", f.average_salary, rate.as_percent()))
            .cite("L41 Art. 66"),
        );
        let before_reform = f
            .first_contribution_month
            .is_some_and(|m| m.first_day() < p.floor_participated_before);
        if before_reform && f.contribution_months >= p.floor_min_years * 12 {
            let reference = params.reference_level.at(date)?;
            if monthly < reference.value.amount {
                monthly = reference.value.amount;
                lines.push(
                    Line::new("pension_floor", "Mức lương hưu thấp nhất", "Pension floor")
                        .amount(monthly)
                        .formula(format!("raised to the reference level: ≥ {} years, contributing since before {}", p.floor_min_years, p.floor_participated_before))
                        .param("reference_level", reference.value.amount, reference)
                        .cite("L41 Art. 141.11; Decree 158/2025 Art. 13.1"),
                );
            }
        }
    }
    let threshold = match f.sex {
        Sex::Male => p.one_off_years_men,
        Sex::Female => p.one_off_years_women,
    };
    // Art. 68.2: of the years above the threshold, those contributed after the retirement age
    // (their odd months rounded like any contribution time) earn the higher multiple, the rest
    // the lower one. Counting the later block on its own keeps the allowance from falling when
    // a month is added before the age.
    let extra_halves = (halves - 2 * threshold).max(0);
    let extra_after = half_years(&odd.value, after_age).min(extra_halves);
    let extra_before = extra_halves - extra_after;
    let one_off = if eligible && extra_halves > 0 {
        let weight = i128::from(p.one_off_per_year.ppm()) * i128::from(extra_before)
            + i128::from(p.one_off_after_age_per_year.ppm()) * i128::from(extra_after);
        rounding
            .ratio(
                i128::from(f.average_salary.get()) * weight,
                2 * i128::from(PPM),
            )
            .unwrap_or(Dong(i64::MAX))
    } else {
        Dong::ZERO
    };
    if one_off.get() > 0 {
        let part = |halves: i64, per: Rate| {
            format!(
                "{} years × {} × {}",
                years_text(halves),
                per.as_factor(),
                f.average_salary
            )
        };
        let mut parts = Vec::new();
        if extra_before > 0 {
            parts.push(format!(
                "by the retirement age, above {threshold} years: {}",
                part(extra_before, p.one_off_per_year)
            ));
        }
        if extra_after > 0 {
            parts.push(format!(
                "after the age ({after_age} months contributed from {}, pension from {start}): {}",
                normal.pension_from,
                part(extra_after, p.one_off_after_age_per_year)
            ));
        }
        let formula = if extra_after == 0 {
            format!(
                "({years} − {threshold}) years × {} × {}",
                p.one_off_per_year.as_factor(),
                f.average_salary
            )
        } else {
            parts.join(" + ")
        };
        lines.push(
            Line::new(
                "one_off_allowance",
                "Trợ cấp một lần khi nghỉ hưu",
                "One-off allowance at retirement",
            )
            .amount(one_off)
            .formula(formula)
            .param("one_off_years", threshold, dated)
            .param("one_off_per_year", p.one_off_per_year.as_factor(), dated)
            .param(
                "one_off_after_age_per_year",
                p.one_off_after_age_per_year.as_factor(),
                dated,
            )
            .cite("L41 Art. 68.2"),
        );
    }
    Ok((
        PensionOutcome {
            eligible,
            reason,
            retirement_month: start,
            normal_retirement_month: normal.pension_from,
            years: halves as f64 / 2.0,
            contribution_months: f.contribution_months,
            rate: rate.as_percent(),
            average_salary: f.average_salary,
            monthly_pension: monthly,
            one_off_allowance: one_off,
        },
        lines,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> PensionParams {
        Params::embedded().unwrap().pension.entries()[0]
            .value
            .clone()
    }

    #[test]
    fn rate_boundaries_at_15_20_30_35_years() {
        let p = p();
        let r = |sex, years: i64| pension_rate(&p, sex, years * 2).as_percent();
        assert_eq!(r(Sex::Male, 15), "40%");
        assert_eq!(r(Sex::Male, 19), "44%");
        assert_eq!(r(Sex::Male, 20), "45%");
        assert_eq!(r(Sex::Male, 34), "73%");
        assert_eq!(r(Sex::Male, 35), "75%");
        assert_eq!(r(Sex::Male, 40), "75%");
        assert_eq!(r(Sex::Female, 15), "45%");
        assert_eq!(r(Sex::Female, 29), "73%");
        assert_eq!(r(Sex::Female, 30), "75%");
        assert_eq!(
            pension_rate(&p, Sex::Female, 2 * 20 + 1).as_percent(),
            "56%"
        );
    }

    #[test]
    fn odd_months_round_to_half_or_whole_years() {
        let odd = OddMonths { half_year_up_to: 6 };
        assert_eq!(half_years(&odd, 360), 60);
        assert_eq!(half_years(&odd, 361), 61);
        assert_eq!(half_years(&odd, 366), 61);
        assert_eq!(half_years(&odd, 367), 62);
    }

    #[test]
    fn early_reduction_by_full_years_and_half_years() {
        let p = p();
        assert_eq!(early_reduction(&p, 28).as_percent(), "4%");
        assert_eq!(early_reduction(&p, 29).as_percent(), "4%");
        assert_eq!(early_reduction(&p, 30).as_percent(), "5%");
        assert_eq!(early_reduction(&p, 31).as_percent(), "5%");
        assert_eq!(early_reduction(&p, 36).as_percent(), "6%");
    }

    #[test]
    fn fifteen_years_less_one_month_is_not_eligible() {
        let params = Params::embedded().unwrap();
        let facts = |months| PensionFacts {
            sex: Sex::Female,
            birth: "1969-05-01".parse().unwrap(),
            contribution_months: months,
            average_salary: Dong(10_000_000),
            first_contribution_month: None,
            pension_from: None,
            months_after_age: None,
            early_months: 0,
            capacity_loss: None,
        };
        assert!(!evaluate(&params, &facts(179)).unwrap().0.eligible);
        let (ok, _) = evaluate(&params, &facts(180)).unwrap();
        assert!(ok.eligible);
        assert_eq!(ok.monthly_pension, Dong(4_500_000));
    }
}
