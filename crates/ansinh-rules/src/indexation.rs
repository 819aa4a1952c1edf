//! Pension indexation (điều chỉnh lương hưu): the Government's decrees raising pensions in
//! payment (L41 Art. 67), each a dated parameter entry, applied in turn to a pension.

use crate::explanation::Line;
use crate::params::{Concept, MissingParam, Params};
use ansinh_core::{Date, Dong, Rate};
use serde::{Deserialize, Serialize};

/// One indexation decree.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PensionIndexation {
    pub decree: String,
    pub rate: Rate,
    /// The rate for a pension first paid from `not_adjusted_first_paid_from` (one the
    /// previous decree did not raise).
    pub rate_not_adjusted: Option<Rate>,
    pub not_adjusted_first_paid_from: Option<Date>,
    /// Top-ups for beneficiaries since before 1 Jan 1995.
    pub topup_below: Option<Dong>,
    pub topup_add: Option<Dong>,
    pub raise_to: Option<Dong>,
}

impl Concept for PensionIndexation {
    fn check(&self) -> Result<(), (String, String)> {
        if self.rate_not_adjusted.is_some() != self.not_adjusted_first_paid_from.is_some() {
            return Err((
                "rate_not_adjusted".into(),
                "goes with not_adjusted_first_paid_from".into(),
            ));
        }
        match (self.topup_below, self.topup_add, self.raise_to) {
            (None, None, None) => Ok(()),
            (Some(below), Some(_), Some(to)) if below < to => Ok(()),
            _ => Err((
                "topup_below".into(),
                "topup_below, topup_add and raise_to go together, topup_below below raise_to"
                    .into(),
            )),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct IndexationFacts {
    /// The monthly pension in payment on `as_of`.
    pub monthly_pension: Dong,
    pub as_of: Date,
    /// The day to state the pension on: every decree in force after `as_of` and by `on` applies.
    pub on: Date,
    /// The first month the pension was paid, for a decree's rate by when it began.
    pub first_paid: Option<Date>,
    /// A beneficiary since before 1 Jan 1995 (the decrees' top-ups).
    pub before_1995: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndexationOutcome {
    pub monthly_pension: Dong,
    pub adjustments: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum IndexationError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("must not be negative")]
    Negative,
    #[error("`on` ({on}) is before `as_of` ({as_of})")]
    Order { as_of: Date, on: Date },
    #[error(
        "the decrees before {0} are not encoded: give the pension in payment on {0} or later, or the day before it"
    )]
    BeforeFirstDecree(Date),
}

/// A pension brought from `as_of` to `on` by every indexation decree in force between (L41
/// Art. 67; L58 Art. 57): × (1 + the decree's rate), rounded; then a pre-1995 beneficiary's
/// top-up (Decree 42/2023 Art. 2.2, Decree 75/2024 Art. 2.2).
pub fn evaluate(
    params: &Params,
    f: &IndexationFacts,
) -> Result<(IndexationOutcome, Vec<Line>), IndexationError> {
    if f.monthly_pension.get() < 0 {
        return Err(IndexationError::Negative);
    }
    if f.on < f.as_of {
        return Err(IndexationError::Order {
            as_of: f.as_of,
            on: f.on,
        });
    }
    // The law of the target day must be encoded (a later decree is never guessed), and so
    // must every decree since `as_of` (an earlier one is never skipped).
    params.pension_indexation.at(f.on)?;
    if let Some(first) = params.pension_indexation.entries().first()
        && f.as_of.tomorrow().is_ok_and(|next| next < first.from)
    {
        return Err(IndexationError::BeforeFirstDecree(first.from));
    }
    let mut pension = f.monthly_pension;
    let mut lines = Vec::new();
    let mut adjustments = Vec::new();
    for dated in params.pension_indexation.entries() {
        if dated.from <= f.as_of || dated.from > f.on {
            continue;
        }
        let d = &dated.value;
        let rounding = params.rounding.at(dated.from)?.value.rounding();
        let rate = match (
            d.rate_not_adjusted,
            d.not_adjusted_first_paid_from,
            f.first_paid,
        ) {
            (Some(r), Some(since), Some(first)) if first >= since => r,
            _ => d.rate,
        };
        let before = pension;
        let raised = pension
            .checked_add(rounding.apply(pension, rate))
            .unwrap_or(Dong(i64::MAX));
        pension = raised;
        let mut formula = format!("{before} × (1 + {}) = {raised}", rate.as_percent());
        if f.before_1995
            && let (Some(below), Some(add), Some(to)) = (d.topup_below, d.topup_add, d.raise_to)
        {
            if pension < below {
                pension = pension.checked_add(add).unwrap_or(Dong(i64::MAX));
                formula.push_str(&format!("; below {below} before 1995: + {add}"));
            } else if pension < to {
                pension = to;
                formula.push_str(&format!(
                    "; from {below} to below {to} before 1995: raised to {to}"
                ));
            }
        }
        adjustments.push(format!("{} from {}: {pension}", d.decree, dated.from));
        lines.push(
            Line::new("indexation", "Điều chỉnh lương hưu", "Pension indexation")
                .amount(pension)
                .formula(formula)
                .param("pension_indexation.rate", rate.as_percent(), dated)
                .cite(format!("L41 Art. 67; Decree {}", d.decree)),
        );
    }
    if lines.is_empty() {
        lines.push(
            Line::new("indexation", "Điều chỉnh lương hưu", "Pension indexation")
                .amount(pension)
                .formula(format!(
                    "no indexation decree in force after {} and by {}",
                    f.as_of, f.on
                ))
                .cite("L41 Art. 67"),
        );
    }
    Ok((
        IndexationOutcome {
            monthly_pension: pension,
            adjustments,
        },
        lines,
    ))
}

/// The pension in payment on `f.on`, as [`evaluate`] states it, without the explanation: the
/// payroll asks this of every recipient each month, and most months no decree lies between
/// (L41 Art. 67). The same decrees, the same rounding.
pub fn in_payment(params: &Params, f: &IndexationFacts) -> Result<Dong, IndexationError> {
    let between = params
        .pension_indexation
        .entries()
        .iter()
        .any(|d| d.from > f.as_of && d.from <= f.on);
    if !between && f.monthly_pension.get() >= 0 && f.on >= f.as_of {
        return Ok(f.monthly_pension);
    }
    evaluate(params, f).map(|(o, _)| o.monthly_pension)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_payment_is_evaluate_without_the_explanation() {
        let p = Params::embedded().unwrap();
        for (pension, before) in [(3_000_000, true), (3_400_000, true), (6_000_000, false)] {
            let f = facts(pension, before);
            assert_eq!(
                in_payment(&p, &f).unwrap(),
                evaluate(&p, &f).unwrap().0.monthly_pension
            );
        }
        // No decree between: the amount is the one in payment.
        let mut f = facts(6_000_000, false);
        f.as_of = "2024-07-01".parse().unwrap();
        f.on = "2025-03-01".parse().unwrap();
        assert_eq!(in_payment(&p, &f).unwrap(), Dong(6_000_000));
        // Decree 75/2024 once: +15 % from 1 Jul 2024.
        f.as_of = "2024-06-30".parse().unwrap();
        assert_eq!(in_payment(&p, &f).unwrap(), Dong(6_900_000));
    }

    fn facts(pension: i64, before_1995: bool) -> IndexationFacts {
        IndexationFacts {
            monthly_pension: Dong(pension),
            as_of: "2024-06-30".parse().unwrap(),
            on: "2024-07-01".parse().unwrap(),
            first_paid: None,
            before_1995,
        }
    }

    /// The domain reference's E2.5 (Decree 75/2024).
    #[test]
    fn decree_75_2024_and_its_pre_1995_top_ups() {
        let p = Params::embedded().unwrap();
        let o = |f| evaluate(&p, &f).unwrap().0.monthly_pension;
        assert_eq!(o(facts(2_700_000, true)), Dong(3_405_000));
        assert_eq!(o(facts(2_900_000, true)), Dong(3_500_000));
        assert_eq!(o(facts(6_000_000, false)), Dong(6_900_000));
        // The same low pension after 1995 gets the 15 % only.
        assert_eq!(o(facts(2_700_000, false)), Dong(3_105_000));
    }

    #[test]
    fn decrees_apply_in_turn_and_never_before_their_day() {
        let p = Params::embedded().unwrap();
        let f = IndexationFacts {
            monthly_pension: Dong(5_000_000),
            as_of: "2023-01-15".parse().unwrap(),
            on: "2026-03-01".parse().unwrap(),
            first_paid: Some("2020-05-01".parse().unwrap()),
            before_1995: false,
        };
        // × 1.125 (Decree 42/2023) = 5,625,000, × 1.15 (Decree 75/2024) = 6,468,750.
        let (o, lines) = evaluate(&p, &f).unwrap();
        assert_eq!(o.monthly_pension, Dong(6_468_750));
        assert_eq!(lines.len(), 2);
        // First paid in 2022: not raised by Decree 108/2021, so 20.8 % under Decree 42/2023.
        let later = IndexationFacts {
            first_paid: Some("2022-03-01".parse().unwrap()),
            ..f.clone()
        };
        assert_eq!(
            evaluate(&p, &later).unwrap().0.monthly_pension,
            Dong(6_946_000)
        );
        let backwards = IndexationFacts {
            on: "2020-01-01".parse().unwrap(),
            ..f.clone()
        };
        assert!(evaluate(&p, &backwards).is_err());
        // A pension of 2019: the decrees of 2019–2021 are not encoded, so it is refused.
        let old = IndexationFacts {
            as_of: "2019-06-30".parse().unwrap(),
            ..f
        };
        assert!(matches!(
            evaluate(&p, &old),
            Err(IndexationError::BeforeFirstDecree(_))
        ));
    }
}
