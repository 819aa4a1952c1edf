//! The monthly allowance for people at retirement age without a pension (trợ cấp hằng tháng,
//! L41 Art. 23; Decree 158/2025 Art. 22–25): paid from the person's own contributions until
//! they reach the age of the social pension.

use crate::explanation::Line;
use crate::params::{MissingParam, Params};
use crate::pension::{half_years, years_text};
use crate::retirement::{Sex, retirement_month};
use ansinh_core::{Date, Dong, Month};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq)]
pub struct AllowanceFacts {
    pub sex: Sex,
    pub birth: Date,
    pub average_salary: Dong,
    pub contribution_months: i64,
    /// The first month of the allowance; the month after the retirement age when absent.
    pub first_month: Option<Month>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AllowanceOutcome {
    pub eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub first_month: Month,
    /// The months of the allowance, and the amount of each.
    pub months: i64,
    pub monthly: Dong,
    /// What the contributions buy: 2 × the average salary per year of contributions.
    pub total: Dong,
    /// Months from the first month to the month of the social pension age.
    pub months_to_social_pension: i64,
    /// Paid once, optionally, to receive the allowance until the social pension age when the
    /// contributions buy fewer months (STmlct).
    pub top_up: Dong,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum AllowanceError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("{0} is before the month after the retirement age {1}")]
    TooEarly(Month, Month),
    #[error("the amount is too large to compute")]
    Overflow,
}

/// The monthly allowance of L41 Art. 23 and Decree 158/2025 Art. 22–25: for a person past the
/// retirement age with fewer than 15 years of contributions and below the social pension age,
/// the contributions buy `Mbq × 2 × N` (the average salary, N years by the half-year rule of
/// Art. 23.1.c); paid at the social pension amount for as many months as that buys, or spread
/// over the months to the social pension age when it buys more (then above the social pension
/// amount); when it buys fewer, the person may pay `(Tdt − Ttt) × TChtxh` once to be paid to that
/// age. The duration formula is an image lost from the decree text obtained: UNCONFIRMED.
pub fn evaluate(
    params: &Params,
    f: &AllowanceFacts,
) -> Result<(AllowanceOutcome, Vec<Line>), AllowanceError> {
    let (normal, mut lines) = retirement_month(params, f.sex, f.birth)?;
    let first = f.first_month.unwrap_or(normal.pension_from);
    if first < normal.pension_from {
        return Err(AllowanceError::TooEarly(first, normal.pension_from));
    }
    let date = first.first_day();
    let pension = params.pension.at(date)?;
    let odd = params.odd_months.at(date)?;
    let social = params.social_pension.at(date)?;
    let rounding = params.rounding.at(date)?.value.rounding();
    let halves = half_years(&odd.value, f.contribution_months);
    let per_month = social.value.amount;
    // The month of the social pension age (whole years from the birth month).
    let social_age_month =
        Month::of(f.birth).plus(i32::try_from(social.value.age_years * 12).unwrap_or(i32::MAX));
    let to_social = i64::from(first.months_until(social_age_month)).max(0);
    let mut reason = None;
    if f.contribution_months >= pension.value.min_years * 12 {
        reason = Some(format!(
            "{} years of contributions: a pension is due instead (L41 Art. 23.1, 64)",
            years_text(halves)
        ));
    } else if to_social == 0 {
        reason = Some(format!(
            "from {social_age_month} the social pension is due instead (L41 Art. 21, 23.1)"
        ));
    } else if f.contribution_months == 0 {
        reason = Some("no contributions to pay the allowance from (L41 Art. 23.1)".into());
    }
    // Mbq × 2 × N, N in half years.
    let total = rounding
        .ratio(i128::from(f.average_salary.get()) * i128::from(halves), 1)
        .ok_or(AllowanceError::Overflow)?;
    let (months, monthly, top_up) = if reason.is_some() || per_month.get() <= 0 {
        (0, Dong::ZERO, Dong::ZERO)
    } else {
        // Ttt: a fraction of a month counts as a month (D158 Art. 23.1.c).
        let bought = (total.get() + per_month.get() - 1) / per_month.get();
        if bought >= to_social {
            let monthly = rounding
                .ratio(i128::from(total.get()), i128::from(to_social))
                .ok_or(AllowanceError::Overflow)?;
            (to_social, monthly, Dong::ZERO)
        } else {
            let top_up = per_month
                .times(to_social - bought)
                .ok_or(AllowanceError::Overflow)?;
            (bought, per_month, top_up)
        }
    };
    lines.push(
        Line::new(
            "monthly",
            "Trợ cấp hằng tháng (người đủ tuổi nghỉ hưu chưa đủ điều kiện hưởng lương hưu)",
            "Monthly allowance (retirement age without a pension)",
        )
        .amount(monthly)
        .formula(format!(
            "{} × 2 × {} years = {total}; at {per_month} a month (social pension) for {months} months from {first}, {to_social} months to the social pension age in {social_age_month}",
            f.average_salary,
            years_text(halves)
        ))
        .param("social_pension.amount", per_month, social)
        .param("odd_months.half_year_up_to", odd.value.half_year_up_to, odd)
        .cite("L41 Art. 23; Decree 158/2025 Art. 22–25 [duration formula UNCONFIRMED]"),
    );
    Ok((
        AllowanceOutcome {
            eligible: reason.is_none(),
            reason,
            first_month: first,
            months,
            monthly,
            total,
            months_to_social_pension: to_social,
            top_up,
        },
        lines,
    ))
}
