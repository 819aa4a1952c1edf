//! Maternity in surrogacy for humanitarian purposes (mang thai hộ vì mục đích nhân đạo): the
//! surrogate mother's leave until the child is handed over, and the commissioning mother's from
//! then until the child is 6 months old (L41 Art. 55, as L58/2014 Art. 35 — the article number
//! in Law 41 is UNCONFIRMED; amounts by Art. 58–59).

use crate::explanation::Line;
use crate::maternity::months_and_days;
use crate::params::{MissingParam, Params};
use ansinh_core::{Date, Dong};
use serde::{Deserialize, Serialize};

/// Which mother a request is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Lao động nữ mang thai hộ.
    Surrogate,
    /// Người mẹ nhờ mang thai hộ.
    CommissioningMother,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SurrogacyFacts {
    pub role: Role,
    pub average_salary: Dong,
    pub birth_date: Date,
    /// The day the child is handed to the commissioning mother.
    pub handover_date: Date,
    pub children: i64,
    /// Months of compulsory contributions in the 12 before the birth (surrogate) or the
    /// handover (commissioning mother), when known (Art. 50.2).
    pub months_in_window: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SurrogacyOutcome {
    pub eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub leave_from: Date,
    pub leave_to: Date,
    pub leave_months: i64,
    pub leave_days: i64,
    pub allowance: Dong,
    pub lump_sum: Dong,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SurrogacyError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("the child is handed over on {handover}, before the birth on {birth}")]
    HandoverBeforeBirth { handover: Date, birth: Date },
    #[error("must be at least 1")]
    Children,
    #[error("the amount is too large to compute")]
    Overflow,
}

/// The leave and allowance of one mother in a surrogacy (L41 Art. 55, 58–59): the surrogate
/// from the birth to the handover, at most the mother's leave (6 months, +1 per further child,
/// Art. 53.1) and at least `min_surrogate_days` calendar days; the commissioning mother from the
/// handover until the child is 6 months old. 100 % of the average a month, odd days at
/// average / 30 (Art. 59.3); the lump sum of 2 × the reference level per child goes to the
/// surrogate, who gives birth (Art. 58.4; to whom it goes in surrogacy is UNCONFIRMED under L41).
pub fn evaluate(
    params: &Params,
    f: &SurrogacyFacts,
) -> Result<(SurrogacyOutcome, Vec<Line>), SurrogacyError> {
    if f.children < 1 {
        return Err(SurrogacyError::Children);
    }
    if f.handover_date < f.birth_date {
        return Err(SurrogacyError::HandoverBeforeBirth {
            handover: f.handover_date,
            birth: f.birth_date,
        });
    }
    let dated = params.maternity.at(f.birth_date)?;
    let p = &dated.value;
    let cal = params.pregnancy_leave.at(f.birth_date)?;
    let reference = params.reference_level.at(f.birth_date)?;
    let rounding = params.rounding.at(f.birth_date)?.value.rounding();
    let months_of = |n: i64| {
        f.birth_date
            .checked_add(jiff::Span::new().months(n))
            .map_err(|_| SurrogacyError::Overflow)
    };
    let six_months = months_of(p.leave_months)?;
    let (from, to, rule) = match f.role {
        Role::Surrogate => {
            let longest = months_of(p.leave_months + p.extra_months_per_child * (f.children - 1))?;
            let shortest = f
                .birth_date
                .checked_add(jiff::Span::new().days(p.surrogate_min_days))
                .map_err(|_| SurrogacyError::Overflow)?;
            let to = f.handover_date.min(longest).max(shortest);
            (
                f.birth_date,
                to,
                format!(
                    "from the birth to the handover on {}, at most {} months and at least {} days",
                    f.handover_date,
                    p.leave_months + p.extra_months_per_child * (f.children - 1),
                    p.surrogate_min_days
                ),
            )
        }
        Role::CommissioningMother => (
            f.handover_date,
            six_months.max(f.handover_date),
            format!(
                "from the handover to the child's {} months on {six_months}",
                p.leave_months
            ),
        ),
    };
    let mut reason = match f.months_in_window {
        Some(m) if m < p.min_months => Some(format!(
            "{m} months of contributions in the {} months before: at least {} are required (L41 Art. 50.2)",
            p.window_months, p.min_months
        )),
        _ => None,
    };
    if f.role == Role::CommissioningMother && f.handover_date >= six_months {
        reason = Some(format!(
            "the child is handed over on {}, at {} months or older: no leave is left (L41 Art. 55)",
            f.handover_date, p.leave_months
        ));
    }
    let eligible = reason.is_none();
    let (months, days) = months_and_days(from, to);
    let monthly = rounding.apply(f.average_salary, p.rate);
    let per_month = cal.value.calendar_days_per_month;
    let allowance = if eligible {
        let odd = rounding
            .ratio(
                i128::from(monthly.get()) * i128::from(days),
                i128::from(per_month),
            )
            .ok_or(SurrogacyError::Overflow)?;
        monthly
            .times(months)
            .and_then(|w| w.checked_add(odd))
            .ok_or(SurrogacyError::Overflow)?
    } else {
        Dong::ZERO
    };
    let lump_sum = if eligible && f.role == Role::Surrogate {
        reference
            .value
            .amount
            .times(p.lump_sum_multiple)
            .and_then(|a| a.times(f.children))
            .ok_or(SurrogacyError::Overflow)?
    } else {
        Dong::ZERO
    };
    let lines = vec![
        Line::new(
            "allowance",
            "Trợ cấp thai sản khi mang thai hộ",
            "Maternity allowance in surrogacy",
        )
        .amount(allowance)
        .formula(format!(
            "{monthly} × {months} months + {monthly} / {per_month} × {days} days ({rule})"
        ))
        .param("maternity.rate", p.rate.as_percent(), dated)
        .param("maternity.surrogate_min_days", p.surrogate_min_days, dated)
        .cite("L41 Art. 53.1, 55, 59.1, 59.3 [Art. 55 as L58 Art. 35; UNCONFIRMED]"),
        Line::new(
            "lump_sum",
            "Trợ cấp một lần khi sinh con",
            "Childbirth lump sum",
        )
        .amount(lump_sum)
        .formula(format!(
            "{} × reference level {} × {} child(ren), to the surrogate",
            p.lump_sum_multiple, reference.value.amount, f.children
        ))
        .param("reference_level", reference.value.amount, reference)
        .cite("L41 Art. 58.4 [recipient in surrogacy UNCONFIRMED]"),
    ];
    Ok((
        SurrogacyOutcome {
            eligible,
            reason,
            leave_from: from,
            leave_to: to,
            leave_months: months,
            leave_days: days,
            allowance,
            lump_sum,
        },
        lines,
    ))
}
