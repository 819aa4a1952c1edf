//! Unemployment benefit (trợ cấp thất nghiệp).

use crate::explanation::Line;
use crate::params::{Concept, MissingParam, Params};
use ansinh_core::{Date, Dong, Month, Rate};
use serde::{Deserialize, Serialize};

/// Parameters of L74 Art. 38–39 (from 2026) and Law 38/2013 (before).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnemploymentParams {
    pub rate: Rate,
    pub cap_multiple: i64,
    pub min_months: i64,
    pub window_months: i64,
    pub short_contract_window_months: i64,
    pub base_months: i64,
    pub base_covers_months: i64,
    pub step_months: i64,
    pub max_months: i64,
    pub file_within_months: i64,
    pub start_working_day: i64,
}

impl Concept for UnemploymentParams {
    fn check(&self) -> Result<(), (String, String)> {
        if self.step_months <= 0 {
            return Err(("step_months".into(), "must be positive".into()));
        }
        Ok(())
    }
}

/// Months of benefit for `m` months of unemployment insurance (L74 Art. 39.2): 3 months for 12
/// to 36 months, one more per further full 12 months, at most 12.
pub fn benefit_months(p: &UnemploymentParams, m: i64) -> i64 {
    if m < p.min_months {
        return 0;
    }
    (p.base_months + ((m - p.base_covers_months).max(0) / p.step_months)).min(p.max_months)
}

#[derive(Clone, Debug, PartialEq)]
pub struct UnemploymentFacts {
    /// Average UI salary of the last 6 paid months.
    pub average_salary: Dong,
    /// Months of unemployment insurance not yet used for a benefit.
    pub months: i64,
    pub region: u8,
    /// Paid on the State's pay scale: capped at 5 × the base salary instead of the regional
    /// minimum wage (L74 Art. 39.1).
    pub state_pay_scale: bool,
    pub termination_date: Date,
    /// Last month with UI paid; defaults to the month of termination.
    pub last_paid_month: Option<Month>,
    /// Months of UI in the window before termination, when known.
    pub months_in_window: Option<i64>,
    /// Length of the last contract in months, when it was under 12 (36-month window).
    pub contract_months: Option<i64>,
    pub lawful_termination: bool,
    pub pension_eligible: bool,
    pub filed_on: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnemploymentOutcome {
    pub eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub monthly: Dong,
    pub months: i64,
    pub total: Dong,
    pub cap: Dong,
    pub start_working_day: i64,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum UnemploymentError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("region must be 1, 2, 3 or 4 (vùng I–IV), found {0}")]
    Region(u8),
    #[error("must not be negative")]
    Negative,
}

/// Unemployment benefit: eligibility (L74 Art. 38.1: lawful termination, not pension-eligible,
/// 12 months in the last 24 — 36 for contracts under 12 months —, filed within 3 months),
/// monthly amount = 60 % × average, capped at 5 × regional minimum wage of the last paid month
/// — 5 × the base salary (lương cơ sở, equal to the reference level) for workers on the
/// State's pay scale — (Art. 39.1), duration (Art. 39.2), start on the 11th working day (Art. 39.3). Terminations
/// before 2026 use Law 38/2013.
pub fn evaluate(
    params: &Params,
    f: &UnemploymentFacts,
) -> Result<(UnemploymentOutcome, Vec<Line>), UnemploymentError> {
    if !(1..=4).contains(&f.region) {
        return Err(UnemploymentError::Region(f.region));
    }
    if f.average_salary.get() < 0 || f.months < 0 || f.months_in_window.is_some_and(|m| m < 0) {
        return Err(UnemploymentError::Negative);
    }
    let dated = params.unemployment.at(f.termination_date)?;
    let p = &dated.value;
    let rounding = params.rounding.at(f.termination_date)?.value.rounding();
    let last_paid = f.last_paid_month.unwrap_or(Month::of(f.termination_date));
    let minimum = params.regional_minimum_wage.at(last_paid.first_day())?;
    let base_salary = params.reference_level.at(last_paid.first_day())?;
    let regional = minimum.value.monthly[usize::from(f.region - 1)];
    let capped_on = if f.state_pay_scale {
        base_salary.value.amount
    } else {
        regional
    };
    let cap = capped_on.times(p.cap_multiple).unwrap_or(Dong(i64::MAX));
    let window = match f.contract_months {
        Some(c) if c < 12 => p.short_contract_window_months,
        _ => p.window_months,
    };
    let in_window = f.months_in_window.unwrap_or(f.months);
    let reason = if !f.lawful_termination {
        Some("the contract was ended unlawfully by the employee (L74 Art. 38.1.a)".to_string())
    } else if f.pension_eligible {
        Some("already eligible for a pension (L74 Art. 38.1.a)".to_string())
    } else if f.months < p.min_months || in_window < p.min_months {
        Some(format!(
            "{} months of unemployment insurance in the {window} months before termination: at least {} are required (L74 Art. 38.1.b)",
            in_window.min(f.months),
            p.min_months
        ))
    } else {
        match f.filed_on {
            Some(filed) if filed < f.termination_date => {
                Some("filed before the termination date".to_string())
            }
            Some(filed)
                if f.termination_date
                    .checked_add(jiff::Span::new().months(p.file_within_months))
                    .is_ok_and(|deadline| filed > deadline) =>
            {
                Some(format!(
                    "filed more than {} months after termination (L74 Art. 38.1.c)",
                    p.file_within_months
                ))
            }
            _ => None,
        }
    };
    let eligible = reason.is_none();
    let uncapped = rounding.apply(f.average_salary, p.rate);
    let monthly = if eligible {
        uncapped.min(cap)
    } else {
        Dong::ZERO
    };
    let months = if eligible {
        benefit_months(p, f.months)
    } else {
        0
    };
    let monthly_line = Line::new(
        "monthly",
        "Mức hưởng trợ cấp thất nghiệp hằng tháng",
        "Monthly unemployment benefit",
    );
    let monthly_line = if f.state_pay_scale {
        monthly_line.param("reference_level", capped_on, base_salary)
    } else {
        monthly_line.param(
            format!("regional_minimum_wage[{}]", f.region),
            capped_on,
            minimum,
        )
    };
    let lines = vec![
        monthly_line
            .amount(monthly)
            .formula(format!(
                "min({} × {} = {uncapped}, {} × {} {capped_on} of {last_paid} = {cap})",
                p.rate.as_percent(),
                f.average_salary,
                p.cap_multiple,
                if f.state_pay_scale {
                    "base salary (State pay scale)"
                } else {
                    "regional minimum"
                }
            ))
            .param("unemployment.rate", p.rate.as_percent(), dated)
            .cite("L74 Art. 39.1"),
        Line::new("months", "Thời gian hưởng", "Benefit duration")
            .value(format!("{months} months"))
            .formula(format!(
                "{} months of UI: {} months for {}–{}, +1 per further {} months, at most {}",
                f.months,
                p.base_months,
                p.min_months,
                p.base_covers_months,
                p.step_months,
                p.max_months
            ))
            .param("unemployment.max_months", p.max_months, dated)
            .cite("L74 Art. 39.2"),
    ];
    Ok((
        UnemploymentOutcome {
            eligible,
            reason,
            monthly,
            months,
            total: monthly.times(months).unwrap_or(Dong(i64::MAX)),
            cap,
            start_working_day: p.start_working_day,
        },
        lines,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_at_the_36_and_48_month_edges() {
        let p = Params::embedded().unwrap().unemployment.entries()[1]
            .value
            .clone();
        assert_eq!(benefit_months(&p, 11), 0);
        assert_eq!(benefit_months(&p, 12), 3);
        assert_eq!(benefit_months(&p, 36), 3);
        assert_eq!(benefit_months(&p, 47), 3);
        assert_eq!(benefit_months(&p, 48), 4);
        assert_eq!(benefit_months(&p, 144), 12);
        assert_eq!(benefit_months(&p, 400), 12);
    }

    fn facts(termination: &str) -> UnemploymentFacts {
        UnemploymentFacts {
            state_pay_scale: false,
            average_salary: Dong(12_000_000),
            months: 50,
            region: 1,
            termination_date: termination.parse().unwrap(),
            last_paid_month: None,
            months_in_window: None,
            contract_months: None,
            lawful_termination: true,
            pension_eligible: false,
            filed_on: None,
        }
    }

    #[test]
    fn law_74_applies_to_terminations_from_1_january_2026() {
        let p = Params::embedded().unwrap();
        let (old, _) = evaluate(&p, &facts("2025-12-31")).unwrap();
        let (new, _) = evaluate(&p, &facts("2026-01-01")).unwrap();
        assert_eq!((old.start_working_day, new.start_working_day), (16, 11));
        assert_eq!((old.cap, new.cap), (Dong(24_800_000), Dong(26_550_000)));
    }

    #[test]
    fn filing_later_than_three_months_or_after_an_unlawful_resignation_is_refused() {
        let p = Params::embedded().unwrap();
        let mut f = facts("2026-03-15");
        f.filed_on = Some("2026-06-15".parse().unwrap());
        assert!(evaluate(&p, &f).unwrap().0.eligible);
        f.filed_on = Some("2026-06-16".parse().unwrap());
        assert!(!evaluate(&p, &f).unwrap().0.eligible);
        let mut f = facts("2026-03-15");
        f.lawful_termination = false;
        assert!(!evaluate(&p, &f).unwrap().0.eligible);
        let mut f = facts("2026-03-15");
        f.months_in_window = Some(11);
        assert!(!evaluate(&p, &f).unwrap().0.eligible);
    }
}
