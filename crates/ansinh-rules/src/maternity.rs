//! Maternity benefit (chế độ thai sản): the allowance for childbirth and the lump sum.

use crate::explanation::Line;
use crate::params::{Concept, MissingParam, Params};
use ansinh_core::{Date, Dong, Rate};
use serde::{Deserialize, Serialize};

/// Parameters of L41 Art. 50, 53, 58, 59, 60.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaternityParams {
    pub rate: Rate,
    pub leave_months: i64,
    pub extra_months_per_child: i64,
    pub lump_sum_multiple: i64,
    pub min_months: i64,
    pub window_months: i64,
    pub convalescence_daily: Rate,
}

impl Concept for MaternityParams {}

#[derive(Clone, Debug, PartialEq)]
pub struct MaternityFacts {
    /// Average contribution salary of the 6 months before the leave.
    pub average_salary: Dong,
    pub birth_date: Date,
    pub children: i64,
    /// Months of compulsory contributions in the 12 months before the birth, when known.
    pub months_in_window: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MaternityOutcome {
    pub eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub leave_months: i64,
    pub allowance: Dong,
    pub lump_sum: Dong,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum MaternityError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("must be at least 1, found {0}")]
    Children(i64),
    #[error("must not be negative")]
    Negative,
    #[error("the amount is too large to compute ({0})")]
    Overflow(&'static str),
}

/// Mother's childbirth benefit: eligibility of 6 months of contributions in the 12 before the
/// birth (L41 Art. 50.2); leave of 6 months + 1 per extra child (Labour Code Art. 139.1, L41
/// Art. 53.1); allowance = 100 % × average salary × months (Art. 59.1); lump sum = 2 ×
/// reference level in the month of birth, per child (Art. 58.4).
pub fn evaluate(
    params: &Params,
    f: &MaternityFacts,
) -> Result<(MaternityOutcome, Vec<Line>), MaternityError> {
    if f.children < 1 {
        return Err(MaternityError::Children(f.children));
    }
    if f.average_salary.get() < 0 || f.months_in_window.is_some_and(|m| m < 0) {
        return Err(MaternityError::Negative);
    }
    let dated = params.maternity.at(f.birth_date)?;
    let p = &dated.value;
    let reference = params.reference_level.at(f.birth_date)?;
    let rounding = params.rounding.at(f.birth_date)?.value.rounding();
    let reason = match f.months_in_window {
        Some(m) if m < p.min_months => Some(format!(
            "{m} months of contributions in the {} months before the birth: at least {} are required (L41 Art. 50.2)",
            p.window_months, p.min_months
        )),
        _ => None,
    };
    let eligible = reason.is_none();
    let months = p
        .extra_months_per_child
        .checked_mul(f.children - 1)
        .and_then(|extra| extra.checked_add(p.leave_months))
        .ok_or(MaternityError::Overflow("leave months"))?;
    let monthly = rounding.apply(f.average_salary, p.rate);
    let allowance = if eligible {
        monthly
            .times(months)
            .ok_or(MaternityError::Overflow("allowance"))?
    } else {
        Dong::ZERO
    };
    let lump_sum = if eligible {
        p.lump_sum_multiple
            .checked_mul(f.children)
            .and_then(|n| reference.value.amount.times(n))
            .ok_or(MaternityError::Overflow("lump sum"))?
    } else {
        Dong::ZERO
    };
    let lines = vec![
        Line::new(
            "allowance",
            "Trợ cấp thai sản khi sinh con",
            "Maternity allowance for childbirth",
        )
        .amount(allowance)
        .formula(format!(
            "{} × {} × {months} months ({} + {} per extra child)",
            f.average_salary,
            p.rate.as_percent(),
            p.leave_months,
            p.extra_months_per_child
        ))
        .param("maternity.rate", p.rate.as_percent(), dated)
        .param("maternity.leave_months", p.leave_months, dated)
        .cite("L41 Art. 53.1, 59.1; Labour Code Art. 139.1"),
        Line::new(
            "lump_sum",
            "Trợ cấp một lần khi sinh con",
            "Childbirth lump sum",
        )
        .amount(lump_sum)
        .formula(format!(
            "{} × reference level {} × {} child(ren)",
            p.lump_sum_multiple, reference.value.amount, f.children
        ))
        .param("reference_level", reference.value.amount, reference)
        .param("maternity.lump_sum_multiple", p.lump_sum_multiple, dated)
        .cite("L41 Art. 58.4"),
    ];
    Ok((
        MaternityOutcome {
            eligible,
            reason,
            leave_months: months,
            allowance,
            lump_sum,
        },
        lines,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(birth: &str, children: i64, months: Option<i64>) -> MaternityFacts {
        MaternityFacts {
            average_salary: Dong(12_000_000),
            birth_date: birth.parse().unwrap(),
            children,
            months_in_window: months,
        }
    }

    #[test]
    fn lump_sum_follows_the_reference_level_of_the_birth_date() {
        let p = Params::embedded().unwrap();
        assert_eq!(
            evaluate(&p, &facts("2026-06-30", 1, None))
                .unwrap()
                .0
                .lump_sum,
            Dong(4_680_000)
        );
        assert_eq!(
            evaluate(&p, &facts("2026-07-01", 1, None))
                .unwrap()
                .0
                .lump_sum,
            Dong(5_060_000)
        );
    }

    #[test]
    fn twins_add_a_month_and_a_lump_sum_and_five_months_of_contributions_are_not_enough() {
        let p = Params::embedded().unwrap();
        let (twins, _) = evaluate(&p, &facts("2026-05-01", 2, Some(6))).unwrap();
        assert_eq!(
            (twins.leave_months, twins.allowance, twins.lump_sum),
            (7, Dong(84_000_000), Dong(9_360_000))
        );
        let (short, _) = evaluate(&p, &facts("2026-05-01", 1, Some(5))).unwrap();
        assert!(!short.eligible);
        assert_eq!(short.allowance, Dong::ZERO);
    }
}
