//! One-time social insurance (bảo hiểm xã hội một lần, "rút BHXH một lần").

use crate::explanation::Line;
use crate::params::{Concept, Dated, MissingParam, Params};
use crate::pension::{OddMonths, half_years, years_text};
use ansinh_core::{Date, Dong, Rate, Rounding, rate::PPM};
use serde::{Deserialize, Serialize};

/// Parameters of L41 Art. 70; Decree 158/2025 Art. 14.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneTimeParams {
    pub before_2014: Rate,
    pub from_2014: Rate,
    pub under_one_year_cap: Rate,
    pub out_of_insurance_months: i64,
    pub max_years_for_out_of_insurance: i64,
}

impl Concept for OneTimeParams {}

/// Ground of the claim (L41 Art. 70.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ground {
    /// (a) reached retirement age with fewer than 15 years.
    RetirementAge,
    /// (b) settling abroad.
    Emigrating,
    /// (c) cancer, polio, decompensated cirrhosis, severe tuberculosis, AIDS.
    SeriousIllness,
    /// (d) 81 % or more loss of work capacity, or especially severe disability.
    SevereDisability,
    /// (đ) contributed before 1 Jul 2025, out of insurance for 12 months, fewer than 20 years.
    OutOfInsurance,
}

/// Years-weighted lump sum shared by the one-time benefit (L41 Art. 70.3) and the one-time
/// survivor benefit (Art. 89): `before × average × years before 2014 + from × average × years
/// from 2014`, odd months rounded by [`half_years`]. The odd months of the before-2014 block
/// move into the from-2014 block only when the career has time in both (Decree 158/2025
/// Art. 23.1.c; L41 Art. 70.3): a career that ended before 2014 keeps them in its own block
/// and has no years from 2014. Returns the amount and the years of each block, in half years.
pub fn years_weighted(
    rounding: Rounding,
    odd: &OddMonths,
    average: Dong,
    (before_factor, from_factor): (Rate, Rate),
    months_before_2014: i64,
    months_from_2014: i64,
) -> (Dong, i64, i64) {
    let (before_halves, from_halves) = if months_from_2014 > 0 {
        (
            2 * (months_before_2014 / 12),
            half_years(odd, months_from_2014 + months_before_2014 % 12),
        )
    } else {
        (half_years(odd, months_before_2014), 0)
    };
    let weight = i128::from(before_factor.ppm()) * i128::from(before_halves)
        + i128::from(from_factor.ppm()) * i128::from(from_halves);
    let amount = rounding
        .ratio(i128::from(average.get()) * weight, 2 * i128::from(PPM))
        .unwrap_or(Dong(i64::MAX));
    (amount, before_halves, from_halves)
}

#[derive(Clone, Debug, PartialEq)]
pub struct OneTimeFacts {
    pub average_salary: Dong,
    pub months_before_2014: i64,
    pub months_from_2014: i64,
    pub ground: Option<Ground>,
    /// Needed when the total time is under one year (Art. 70.3.c).
    pub amount_contributed: Option<Dong>,
    /// First contribution before 1 Jul 2025, for ground (đ).
    pub contributed_before_reform: Option<bool>,
    pub months_out_of_insurance: Option<i64>,
    /// The State's support of voluntary contributions received over the career (Decree
    /// 159/2025 Art. 5): deducted from the benefit except on grounds (c) and (d).
    pub state_support_received: Dong,
    /// Date of the decision (Art. 70.5): selects the parameters.
    pub date: Date,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OneTimeOutcome {
    /// `None` when no ground was given: the amount is computed but eligibility is not checked.
    pub eligible: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub years_before_2014: f64,
    pub years_from_2014: f64,
    pub average_salary: Dong,
    pub amount: Dong,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum OneTimeError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("must not be negative")]
    Negative,
    #[error("required when the contribution time is under one year (L41 Art. 70.3.c)")]
    AmountContributedRequired,
}

/// The amount contributed to the pension-survivor fund over a history (số tiền đã đóng), the
/// one-time benefit of a career under one year (L41 Art. 70.3.c): each month's salary capped at
/// 20 × the reference level of that month (L41 Art. 31.1.đ) times the employee's and the
/// employer's pension-survivor rates of that month (L41 Art. 33.1.a, 34.1.c), each month
/// rounded once as its contribution was.
pub fn contributed_from_history(
    params: &Params,
    history: &[crate::revaluation::Period],
) -> Result<(Dong, Line), MissingParam> {
    let mut total = Dong::ZERO;
    let mut months = 0i64;
    for period in history {
        let mut m = period.from;
        while m <= period.to {
            let date = m.first_day();
            let rates = params.contribution_rates.at(date)?;
            let reference = params.reference_level.at(date)?.value.amount;
            let cap = reference
                .times(params.si_cap.at(date)?.value.multiple)
                .unwrap_or(Dong(i64::MAX));
            let rounding = params.rounding.at(date)?.value.rounding();
            let split = &rates.value.employee;
            let rate = split
                .employee
                .pension_survivor
                .plus(split.employer.pension_survivor);
            total += rounding.apply(period.salary.min(cap), rate);
            months += 1;
            m = m.plus(1);
        }
    }
    let line = Line::new(
        "amount_contributed",
        "Số tiền đã đóng vào quỹ hưu trí, tử tuất",
        "Amount contributed to the pension-survivor fund",
    )
    .amount(total)
    .formula(format!(
        "Σ over {months} months of min(salary, 20 × reference level) × (employee + employer pension-survivor rate)"
    ))
    .cite("L41 Art. 70.3.c; Art. 31.1.đ, 33.1.a, 34.1.c");
    Ok((total, line))
}

/// One-time social insurance: eligibility by ground (L41 Art. 70.1; D158 Art. 14.1) and amount
/// (Art. 70.3): 1.5 × average per year before 2014, 2 × average per year from 2014; under one
/// year, the amount contributed capped at 2 × average.
pub fn evaluate(
    params: &Params,
    f: &OneTimeFacts,
) -> Result<(OneTimeOutcome, Vec<Line>), OneTimeError> {
    if f.months_before_2014 < 0 || f.months_from_2014 < 0 || f.average_salary.get() < 0 {
        return Err(OneTimeError::Negative);
    }
    let dated: &Dated<OneTimeParams> = params.one_time.at(f.date)?;
    let p = &dated.value;
    let odd = params.odd_months.at(f.date)?;
    let rounding = params.rounding.at(f.date)?.value.rounding();
    let total = f.months_before_2014 + f.months_from_2014;
    let mut lines = Vec::new();
    let (amount, before_halves, from_halves) = if total < 12 {
        let contributed = f
            .amount_contributed
            .ok_or(OneTimeError::AmountContributedRequired)?;
        let cap = rounding.apply(f.average_salary, p.under_one_year_cap);
        let amount = contributed.min(cap);
        lines.push(
            Line::new("amount", "Mức hưởng BHXH một lần", "One-time benefit")
                .amount(amount)
                .formula(format!(
                    "under one year: min(amount contributed {contributed}, {} × {})",
                    p.under_one_year_cap.as_factor(),
                    f.average_salary
                ))
                .param(
                    "under_one_year_cap",
                    p.under_one_year_cap.as_factor(),
                    dated,
                )
                .cite("L41 Art. 70.3.c"),
        );
        (amount, 0, half_years(&odd.value, total))
    } else {
        let (amount, b, fr) = years_weighted(
            rounding,
            &odd.value,
            f.average_salary,
            (p.before_2014, p.from_2014),
            f.months_before_2014,
            f.months_from_2014,
        );
        lines.push(
            Line::new("amount", "Mức hưởng BHXH một lần", "One-time benefit")
                .amount(amount)
                .formula(format!(
                    "({} × {} years before 2014 + {} × {} years from 2014) × {}",
                    p.before_2014.as_factor(),
                    years_text(b),
                    p.from_2014.as_factor(),
                    years_text(fr),
                    f.average_salary
                ))
                .param("before_2014", p.before_2014.as_factor(), dated)
                .param("from_2014", p.from_2014.as_factor(), dated)
                .param("odd_months.half_year_up_to", odd.value.half_year_up_to, odd)
                .cite(if f.months_from_2014 > 0 {
                    "L41 Art. 70.3.a–b; odd months before 2014 counted in the from-2014 block"
                } else {
                    "L41 Art. 70.3.a–b; no time from 2014: odd months stay in the before-2014 block"
                }),
        );
        (amount, b, fr)
    };
    // The State's support of voluntary contributions is not paid back as a benefit, except to
    // the seriously ill and the severely disabled (L41 Art. 70, 102).
    let amount = if f.state_support_received.get() > 0
        && !matches!(
            f.ground,
            Some(Ground::SeriousIllness | Ground::SevereDisability)
        ) {
        let net = amount
            .checked_sub(f.state_support_received)
            .unwrap_or(Dong::ZERO)
            .max(Dong::ZERO);
        lines.push(
            Line::new(
                "state_support_deducted",
                "Trừ số tiền Nhà nước hỗ trợ đóng BHXH tự nguyện",
                "State support of voluntary contributions deducted",
            )
            .amount(net)
            .formula(format!("{amount} − State support {}", f.state_support_received))
            .cite("L41 Art. 70, 102 (State support deducted, except grounds c and d); Decree 159/2025 Art. 5"),
        );
        net
    } else {
        amount
    };
    let reason = f.ground.and_then(|g| ineligibility(p, g, total, f));
    let eligible = f.ground.map(|_| reason.is_none());
    let outcome = OneTimeOutcome {
        eligible,
        reason: match (f.ground, reason) {
            (None, _) => Some(
                "no `ground` given: amount only, the conditions of L41 Art. 70.1 were not checked"
                    .into(),
            ),
            (Some(_), r) => r,
        },
        years_before_2014: before_halves as f64 / 2.0,
        years_from_2014: from_halves as f64 / 2.0,
        average_salary: f.average_salary,
        amount: if eligible == Some(false) {
            Dong::ZERO
        } else {
            amount
        },
    };
    Ok((outcome, lines))
}

fn ineligibility(
    p: &OneTimeParams,
    ground: Ground,
    total_months: i64,
    f: &OneTimeFacts,
) -> Option<String> {
    match ground {
        Ground::RetirementAge if total_months >= 15 * 12 => Some(
            "15 years or more of contributions: a pension is due instead (L41 Art. 70.1.a)".into(),
        ),
        Ground::OutOfInsurance => {
            if f.contributed_before_reform == Some(false) {
                return Some("ground (đ) is only for people who contributed before 1 Jul 2025 (L41 Art. 70.1.đ)".into());
            }
            if total_months >= p.max_years_for_out_of_insurance * 12 {
                return Some(format!(
                    "{} years or more of contributions (L41 Art. 70.1.đ)",
                    p.max_years_for_out_of_insurance
                ));
            }
            match f.months_out_of_insurance {
                Some(m) if m >= p.out_of_insurance_months => None,
                Some(m) => Some(format!("{m} months out of insurance: {} are required (L41 Art. 70.1.đ)", p.out_of_insurance_months)),
                None => Some("`months_out_of_insurance` is needed for ground out_of_insurance (L41 Art. 70.1.đ)".into()),
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_months_before_2014_join_the_later_block() {
        let r = Rounding::HALF_UP_DONG;
        let odd = OddMonths { half_year_up_to: 6 };
        let f = (Rate::from_ppm(1_500_000), Rate::from_ppm(2_000_000));
        // 3y6m before 2014 + 5y from 2014 → 3 years at 1.5 and 5.5 years at 2.
        let (amount, b, fr) = years_weighted(r, &odd, Dong(8_000_000), f, 42, 60);
        assert_eq!((b, fr), (6, 11));
        assert_eq!(amount, Dong(124_000_000));
        // 7 odd months become a whole year.
        let (amount, _, fr) = years_weighted(r, &odd, Dong(8_000_000), f, 43, 60);
        assert_eq!(fr, 12);
        assert_eq!(amount, Dong(132_000_000));
    }

    #[test]
    fn a_career_ended_before_2014_keeps_its_odd_months() {
        let r = Rounding::HALF_UP_DONG;
        let odd = OddMonths { half_year_up_to: 6 };
        let f = (Rate::from_ppm(1_500_000), Rate::from_ppm(2_000_000));
        // 10y4m all before 2014 → 10.5 years at 1.5, none from 2014 (not 10 + 0.5 at 2).
        let (amount, b, fr) = years_weighted(r, &odd, Dong(8_000_000), f, 124, 0);
        assert_eq!((b, fr), (21, 0));
        assert_eq!(amount, Dong(126_000_000));
        // 10y8m → 11 years at 1.5.
        let (amount, b, fr) = years_weighted(r, &odd, Dong(8_000_000), f, 128, 0);
        assert_eq!((b, fr), (22, 0));
        assert_eq!(amount, Dong(132_000_000));
    }

    #[test]
    fn under_one_year_is_capped_at_two_averages() {
        let params = Params::embedded().unwrap();
        let facts = |contributed| OneTimeFacts {
            average_salary: Dong(8_000_000),
            months_before_2014: 0,
            months_from_2014: 11,
            ground: Some(Ground::Emigrating),
            amount_contributed: contributed,
            contributed_before_reform: None,
            months_out_of_insurance: None,
            state_support_received: Dong::ZERO,
            date: "2026-03-01".parse().unwrap(),
        };
        assert_eq!(
            evaluate(&params, &facts(Some(Dong(20_000_000))))
                .unwrap()
                .0
                .amount,
            Dong(16_000_000)
        );
        assert_eq!(
            evaluate(&params, &facts(Some(Dong(9_000_000))))
                .unwrap()
                .0
                .amount,
            Dong(9_000_000)
        );
        assert_eq!(
            evaluate(&params, &facts(None)),
            Err(OneTimeError::AmountContributedRequired)
        );
    }
}
