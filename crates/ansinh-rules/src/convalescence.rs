//! Convalescence (dưỡng sức, phục hồi sức khỏe) after sickness (L41 Art. 46) and after
//! childbirth (Art. 60): days by the case, each paid at 30 % of the reference level.

use crate::explanation::Line;
use crate::params::{MissingParam, Params};
use ansinh_core::{Date, Dong};
use serde::{Deserialize, Serialize};

/// What the convalescence follows, with the case that decides its days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Case {
    /// After sickness: a disease of the long-term list (Art. 46.2.a).
    LongTermIllness,
    /// After sickness: an operation (Art. 46.2.b).
    Surgery,
    /// After childbirth: two or more children (Art. 60.2.a).
    MultipleBirths,
    /// After childbirth: by caesarean section (Art. 60.2.b).
    Caesarean,
    /// Any other sickness or birth (Art. 46.2.c, 60.2.c).
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum After {
    Sickness,
    Maternity,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConvalescenceFacts {
    pub after: After,
    pub case: Case,
    /// First day of convalescence: the reference level of this day is paid.
    pub date: Date,
    /// Days asked; `None` is the whole entitlement.
    pub days: Option<i64>,
    /// After sickness: the sick days paid in the year (Art. 46.1 asks at least 30).
    pub sick_days_in_year: Option<i64>,
    /// Days between returning to work and the convalescence (Art. 46.1, 60.1: within 60).
    pub days_since_return: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConvalescenceOutcome {
    pub eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub entitled_days: i64,
    pub days_paid: i64,
    pub daily: Dong,
    pub amount: Dong,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ConvalescenceError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("must not be negative")]
    Negative,
    #[error("`{0:?}` is not a case of convalescence after {1:?}")]
    CaseMismatch(Case, After),
    #[error("the sick days paid in the year are needed (L41 Art. 46.1)")]
    SickDaysRequired,
}

/// Convalescence after sickness (L41 Art. 46: at least 30 sick days in the year, taken within
/// 60 days of returning to work; 10 days after a long-term illness, 7 after surgery, 5
/// otherwise) or after childbirth (Art. 60: within 60 days of returning; 10 days for multiple
/// births, 7 by caesarean, 5 otherwise); a day is 30 % of the reference level (Art. 46.3, 60.3).
pub fn evaluate(
    params: &Params,
    f: &ConvalescenceFacts,
) -> Result<(ConvalescenceOutcome, Vec<Line>), ConvalescenceError> {
    if f.days.is_some_and(|d| d < 0)
        || f.sick_days_in_year.is_some_and(|d| d < 0)
        || f.days_since_return.is_some_and(|d| d < 0)
    {
        return Err(ConvalescenceError::Negative);
    }
    let reference = params.reference_level.at(f.date)?;
    let rounding = params.rounding.at(f.date)?.value.rounding();
    let mut reason = None;
    let line = Line::new(
        "convalescence",
        "Trợ cấp dưỡng sức, phục hồi sức khỏe",
        "Convalescence allowance",
    );
    let (entitled, daily_rate, within, cite, line) = match f.after {
        After::Sickness => {
            let dated = params.sickness.at(f.date)?;
            let p = &dated.value;
            let entitled = match f.case {
                Case::LongTermIllness => p.convalescence_days[0],
                Case::Surgery => p.convalescence_days[1],
                Case::Other => p.convalescence_days[2],
                other => return Err(ConvalescenceError::CaseMismatch(other, f.after)),
            };
            let sick = f
                .sick_days_in_year
                .ok_or(ConvalescenceError::SickDaysRequired)?;
            if sick < p.convalescence_min_sick_days {
                reason = Some(format!(
                    "{sick} sick days in the year: convalescence follows at least {} (L41 Art. 46.1)",
                    p.convalescence_min_sick_days
                ));
            }
            (
                entitled,
                p.convalescence_daily,
                p.convalescence_within_days,
                "L41 Art. 46",
                line.param(
                    "sickness.convalescence_days",
                    format!("{:?}", p.convalescence_days),
                    dated,
                )
                .param(
                    "sickness.convalescence_daily",
                    p.convalescence_daily.as_percent(),
                    dated,
                ),
            )
        }
        After::Maternity => {
            let dated = params.maternity.at(f.date)?;
            let p = &dated.value;
            let entitled = match f.case {
                Case::MultipleBirths => p.convalescence_days[0],
                Case::Caesarean => p.convalescence_days[1],
                Case::Other => p.convalescence_days[2],
                other => return Err(ConvalescenceError::CaseMismatch(other, f.after)),
            };
            // The same 60 days as after sickness (Art. 60.1).
            let within = params.sickness.at(f.date)?.value.convalescence_within_days;
            (
                entitled,
                p.convalescence_daily,
                within,
                "L41 Art. 60",
                line.param(
                    "maternity.convalescence_days",
                    format!("{:?}", p.convalescence_days),
                    dated,
                )
                .param(
                    "maternity.convalescence_daily",
                    p.convalescence_daily.as_percent(),
                    dated,
                ),
            )
        }
    };
    if reason.is_none()
        && let Some(since) = f.days_since_return
        && since >= within
    {
        reason = Some(format!(
            "{since} days after returning to work: convalescence is taken within the first {within} days ({cite}.1)"
        ));
    }
    // A condition not met pays nothing; more days than the case allows pays the case's days.
    let refused = reason.is_some();
    let asked = f.days.unwrap_or(entitled);
    if !refused && asked > entitled {
        reason = Some(format!(
            "{asked} days asked: at most {entitled} days for this case ({cite}.2)"
        ));
    }
    let days = if refused { 0 } else { asked.min(entitled) };
    let daily = rounding.apply(reference.value.amount, daily_rate);
    let amount = daily.times(days).unwrap_or(Dong(i64::MAX));
    let lines = vec![
        line.amount(amount)
            .formula(format!(
                "{days} days × {} × reference level {} ({entitled} days for {:?} after {:?})",
                daily_rate.as_percent(),
                reference.value.amount,
                f.case,
                f.after
            ))
            .param("reference_level", reference.value.amount, reference)
            .cite(cite),
    ];
    Ok((
        ConvalescenceOutcome {
            eligible: days > 0,
            reason,
            entitled_days: entitled,
            days_paid: days,
            daily,
            amount,
        },
        lines,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(after: After, case: Case, sick: Option<i64>) -> ConvalescenceFacts {
        ConvalescenceFacts {
            after,
            case,
            date: "2026-03-02".parse().unwrap(),
            days: None,
            sick_days_in_year: sick,
            days_since_return: Some(10),
        }
    }

    #[test]
    fn days_by_case_at_thirty_percent_of_the_reference_level() {
        let p = Params::embedded().unwrap();
        // 30 % × 2,340,000 = 702,000 a day.
        let o = |f| evaluate(&p, &f).unwrap().0;
        let surgery = o(facts(After::Sickness, Case::Surgery, Some(30)));
        assert_eq!(
            (surgery.days_paid, surgery.daily, surgery.amount),
            (7, Dong(702_000), Dong(4_914_000))
        );
        assert_eq!(
            o(facts(After::Sickness, Case::LongTermIllness, Some(40))).days_paid,
            10
        );
        assert_eq!(
            o(facts(After::Maternity, Case::MultipleBirths, None)).days_paid,
            10
        );
        assert_eq!(
            o(facts(After::Maternity, Case::Caesarean, None)).days_paid,
            7
        );
        assert_eq!(
            o(facts(After::Maternity, Case::Other, None)).amount,
            Dong(3_510_000)
        );
        // Fewer than 30 sick days: none.
        let short = o(facts(After::Sickness, Case::Other, Some(29)));
        assert!(!short.eligible && short.amount == Dong::ZERO);
        // A maternity case after sickness is refused.
        assert!(evaluate(&p, &facts(After::Sickness, Case::Caesarean, Some(30))).is_err());
    }
}
