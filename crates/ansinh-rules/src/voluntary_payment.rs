//! Payment methods of voluntary insurance (phương thức đóng BHXH tự nguyện, L41 Art. 36.2;
//! Decree 159/2025 Art. 6–7): monthly, every 3, 6 or 12 months at the monthly amount; several
//! years ahead at once, discounted; the missing years to reach a pension at once, compounded —
//! both at the average monthly return of the fund's investments of the year before.

use crate::contribution::{self, Options, Participant, SupportGroup};
use crate::explanation::Line;
use crate::params::{Concept, MissingParam, Params};
use ansinh_core::{Dong, Month, Rate};
use serde::{Deserialize, Serialize};

/// Parameters of D159 Art. 6–7.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoluntaryPayment {
    /// Average monthly return of the social insurance fund's investments of the year before.
    pub monthly_return: Rate,
    /// At most this many years paid ahead at once.
    pub max_years_ahead: i64,
    /// At most this many missing years paid at once.
    pub max_missing_years: i64,
}

impl Concept for VoluntaryPayment {
    fn check(&self) -> Result<(), (String, String)> {
        if self.monthly_return > Rate::percent(10) {
            return Err((
                "monthly_return".into(),
                "must be at most 10 % a month".into(),
            ));
        }
        Ok(())
    }
}

/// How the contributions are paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Monthly,
    Quarterly,
    HalfYearly,
    Yearly,
    /// Several years ahead at once (đóng một lần cho nhiều năm về sau).
    YearsAhead,
    /// The years missing to a pension at once (đóng một lần cho những năm còn thiếu).
    MissingYears,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PaymentFacts {
    pub month: Month,
    pub income: Dong,
    pub method: Method,
    /// Months paid by `YearsAhead` and `MissingYears` (whole years).
    pub months: i64,
    pub support_group: Option<SupportGroup>,
    pub support_months_used: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PaymentOutcome {
    pub method: Method,
    pub months: i64,
    /// What one month costs the participant (22 % of the income less the State's support).
    pub monthly: Dong,
    pub state_support_monthly: Dong,
    pub amount: Dong,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PaymentError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error(transparent)]
    Contribution(#[from] contribution::ContributionError),
    #[error("{months} months: this method pays whole years, 1 to {max} years")]
    Months { months: i64, max: i64 },
    #[error("the amount is too large to compute")]
    Overflow,
}

const SCALE: i128 = 1_000_000_000_000;

/// The amount due at once under a payment method (L41 Art. 36.2; Decree 159/2025 Art. 6–7): the
/// monthly amount × the months of the period for the monthly to yearly methods; for `n` months
/// ahead Σᵢ₌₁ⁿ monthly / (1 + r)^(i−1); for `n` missing months Σᵢ₌₁ⁿ 22 % × income × (1 + r)^i,
/// without the State's support (r the average monthly return of the year before; the formulas
/// as QĐ 595 Art. 10 states them for the former decree, UNCONFIRMED for D159).
pub fn evaluate(
    params: &Params,
    f: &PaymentFacts,
) -> Result<(PaymentOutcome, Vec<Line>), PaymentError> {
    let dated = params.voluntary_payment.at(f.month.first_day())?;
    let p = &dated.value;
    let rounding = params.rounding.at(f.month.first_day())?.value.rounding();
    let resolved = contribution::resolve(
        params,
        f.month,
        Participant::Voluntary,
        1,
        Options {
            support_group: f.support_group,
            support_months_used: f.support_months_used,
            ..Options::default()
        },
    )?;
    let a = contribution::assess(&resolved, f.income)?;
    let monthly = a.employee.total;
    let gross = monthly
        .checked_add(a.state.total)
        .ok_or(PaymentError::Overflow)?;
    let whole_years = |max_years: i64| {
        if f.months < 12 || f.months % 12 != 0 || f.months > max_years * 12 {
            Err(PaymentError::Months {
                months: f.months,
                max: max_years,
            })
        } else {
            Ok(f.months)
        }
    };
    let r = i128::from(p.monthly_return.ppm()) * (SCALE / 1_000_000);
    let (months, amount, formula) = match f.method {
        Method::Monthly | Method::Quarterly | Method::HalfYearly | Method::Yearly => {
            let n = match f.method {
                Method::Monthly => 1,
                Method::Quarterly => 3,
                Method::HalfYearly => 6,
                _ => 12,
            };
            let amount = monthly.times(n).ok_or(PaymentError::Overflow)?;
            (n, amount, format!("{monthly} × {n} months"))
        }
        Method::YearsAhead => {
            let n = whole_years(p.max_years_ahead)?;
            // Σ monthly / (1 + r)^(i−1), with the discount factor kept at 10⁻¹² precision.
            let (mut factor, mut sum) = (SCALE, 0i128);
            for _ in 0..n {
                sum += factor;
                factor = factor * SCALE / (SCALE + r);
            }
            let amount = rounding
                .ratio(i128::from(monthly.get()) * sum, SCALE)
                .ok_or(PaymentError::Overflow)?;
            (
                n,
                amount,
                format!(
                    "Σ over {n} months of {monthly} / (1 + {})^(i−1)",
                    p.monthly_return.as_percent()
                ),
            )
        }
        Method::MissingYears => {
            let n = whole_years(p.max_missing_years)?;
            let (mut factor, mut sum) = (SCALE, 0i128);
            for _ in 0..n {
                factor = factor * (SCALE + r) / SCALE;
                sum += factor;
            }
            let amount = rounding
                .ratio(i128::from(gross.get()) * sum, SCALE)
                .ok_or(PaymentError::Overflow)?;
            (
                n,
                amount,
                format!(
                    "Σ over {n} months of {gross} × (1 + {})^i, without the State's support",
                    p.monthly_return.as_percent()
                ),
            )
        }
    };
    let line = Line::new(
        "amount",
        "Số tiền đóng BHXH tự nguyện theo phương thức",
        "Voluntary contributions due under the payment method",
    )
    .amount(amount)
    .formula(formula)
    .param(
        "voluntary_payment.monthly_return",
        p.monthly_return.as_percent(),
        dated,
    )
    .cite("L41 Art. 36.2; Decree 159/2025 Art. 6–7 [formulas as QĐ 595 Art. 10, UNCONFIRMED]");
    Ok((
        PaymentOutcome {
            method: f.method,
            months,
            monthly,
            state_support_monthly: a.state.total,
            amount,
        },
        vec![line],
    ))
}
