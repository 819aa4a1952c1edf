//! Sanctions (xử phạt) of an employer's payment violations: the administrative fine of
//! Decree 12/2022/NĐ-CP Art. 39 and the thresholds of the crime of evasion, Penal Code Art. 216.

use crate::explanation::Line;
use crate::params::{Concept, MissingParam, Params};
use ansinh_core::{Date, Dong, Rate, rate::PPM};
use serde::{Deserialize, Serialize};

/// One violation's fine: a share of the amount payable with a cap (Art. 39.5, 39.6), or a
/// fixed range (Art. 39.7).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fine {
    pub clause: String,
    pub text_vi: String,
    pub text_en: String,
    pub min_share: Option<Rate>,
    pub max_share: Option<Rate>,
    pub cap: Option<Dong>,
    pub min: Option<Dong>,
    pub max: Option<Dong>,
}

/// Parameters of Decree 12/2022 Art. 6.1 and 39.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdministrativeFines {
    pub organisation_multiplier: i64,
    pub late_payment: Fine,
    pub under_declared: Fine,
    pub not_registered: Fine,
    pub evasion: Fine,
}

impl Concept for AdministrativeFines {}

/// One clause of Penal Code Art. 216.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CrimeClause {
    pub clause: u8,
    pub amount_from: Dong,
    pub workers_from: i64,
    pub person_fine_min: Dong,
    pub person_fine_max: Dong,
    pub entity_fine_min: Dong,
    pub entity_fine_max: Dong,
    pub penalty_en: String,
    pub penalty_vi: String,
}

/// Parameters of Penal Code Art. 216.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvasionCrime {
    pub min_months: i64,
    pub clauses: Vec<CrimeClause>,
}

impl Concept for EvasionCrime {}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Violation {
    LatePayment,
    Evasion,
    NotRegistered,
    UnderDeclared,
}

impl Violation {
    pub fn as_str(self) -> &'static str {
        match self {
            Violation::LatePayment => "late_payment",
            Violation::Evasion => "evasion",
            Violation::NotRegistered => "not_registered",
            Violation::UnderDeclared => "under_declared",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Offender {
    Organisation,
    Individual,
}

/// The facts a sanction is decided on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts {
    pub violation: Violation,
    pub offender: Offender,
    /// Total compulsory social and unemployment insurance payable at the violation minutes
    /// (Art. 39.5–39.6); for evasion, the amount evaded (Art. 216).
    pub amount: Dong,
    /// Workers concerned.
    pub workers: i64,
    /// The day of the violation minutes.
    pub date: Date,
    /// Months the evasion lasted, when known (Art. 216.1: 6 months or more).
    pub months: Option<i64>,
    /// Whether the employer was already sanctioned administratively for evasion (Art. 216.1).
    pub previously_sanctioned: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Criminal {
    pub threshold_reached: bool,
    /// The highest clause of Art. 216 reached, when one is.
    pub clause: Option<u8>,
    pub reason: String,
    pub reason_vi: String,
    pub fine_min: Option<Dong>,
    pub fine_max: Option<Dong>,
    pub penalty: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Sanction {
    pub violation: Violation,
    pub offender: Offender,
    pub clause: String,
    pub fine_min: Dong,
    pub fine_max: Dong,
    pub citation: String,
    pub criminal: Criminal,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SanctionError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("the fine of clause {0} has neither shares with a cap nor a fixed range")]
    Malformed(String),
    #[error("the amount is too large to compute")]
    Overflow,
}

fn share(amount: Dong, rate: Rate) -> Option<Dong> {
    let num = i128::from(amount.get()) * i128::from(rate.ppm());
    // Fines are whole đồng; rounding half up as elsewhere.
    i64::try_from((num + i128::from(PPM / 2)) / i128::from(PPM))
        .ok()
        .map(Dong)
}

/// The administrative fine for `facts` (Decree 12/2022/NĐ-CP Art. 39.5–39.7, twice the
/// amounts and caps for an organisation under Art. 6.1) and the screening for the crime of
/// evasion (Penal Code Art. 216).
pub fn sanction(params: &Params, facts: &Facts) -> Result<(Sanction, Vec<Line>), SanctionError> {
    let dated = params.administrative_fines.at(facts.date)?;
    let p = &dated.value;
    let fine = match facts.violation {
        Violation::LatePayment => &p.late_payment,
        Violation::UnderDeclared => &p.under_declared,
        Violation::NotRegistered => &p.not_registered,
        Violation::Evasion => &p.evasion,
    };
    let multiplier = match facts.offender {
        Offender::Organisation => p.organisation_multiplier,
        Offender::Individual => 1,
    };
    let (low, high, formula) = match (fine.min_share, fine.max_share, fine.cap, fine.min, fine.max)
    {
        (Some(lo), Some(hi), Some(cap), None, None) => {
            let lo_amount = share(facts.amount, lo).ok_or(SanctionError::Overflow)?;
            let hi_amount = share(facts.amount, hi).ok_or(SanctionError::Overflow)?;
            (
                lo_amount.min(cap),
                hi_amount.min(cap),
                format!(
                    "{}–{} × {} (= {lo_amount}–{hi_amount}), at most {cap}",
                    lo.as_percent(),
                    hi.as_percent(),
                    facts.amount
                ),
            )
        }
        (None, None, None, Some(lo), Some(hi)) => (lo, hi, format!("{lo}–{hi}")),
        _ => return Err(SanctionError::Malformed(fine.clause.clone())),
    };
    let fine_min = low.times(multiplier).ok_or(SanctionError::Overflow)?;
    let fine_max = high.times(multiplier).ok_or(SanctionError::Overflow)?;
    let organisation = matches!(facts.offender, Offender::Organisation);
    let citation = if organisation {
        format!("Decree 12/2022/NĐ-CP Art. {}; Art. 6.1", fine.clause)
    } else {
        format!("Decree 12/2022/NĐ-CP Art. {}", fine.clause)
    };
    let mut lines = vec![
        Line::new("fine", "Mức phạt tiền", "Fine")
            .amount(fine_max)
            .value(format!("{fine_min}–{fine_max}"))
            .formula(if organisation {
                format!(
                    "{}: {formula}; × {multiplier} for an organisation",
                    fine.text_en
                )
            } else {
                format!("{}: {formula}", fine.text_en)
            })
            .param("administrative_fines", &fine.clause, dated)
            .cite(citation.clone()),
    ];
    let (criminal, line) = screen(params, facts)?;
    lines.push(line);
    Ok((
        Sanction {
            violation: facts.violation,
            offender: facts.offender,
            clause: fine.clause.clone(),
            fine_min,
            fine_max,
            citation,
            criminal,
        },
        lines,
    ))
}

/// Screening against Penal Code Art. 216: the highest clause whose amount or worker threshold
/// the evasion reaches, provided it lasted `min_months` and followed an administrative
/// sanction (Art. 216.1) when those facts are given.
fn screen(params: &Params, facts: &Facts) -> Result<(Criminal, Line), SanctionError> {
    let dated = params.evasion_crime.at(facts.date)?;
    let p = &dated.value;
    let none = |reason: String, reason_vi: String| Criminal {
        threshold_reached: false,
        clause: None,
        reason,
        reason_vi,
        fine_min: None,
        fine_max: None,
        penalty: None,
    };
    let criminal = if facts.violation != Violation::Evasion {
        none(
            format!(
                "{} is not evasion: Penal Code Art. 216 punishes evasion only",
                facts.violation.as_str()
            ),
            "không phải hành vi trốn đóng: Điều 216 Bộ luật Hình sự chỉ áp dụng với trốn đóng"
                .into(),
        )
    } else if let Some(months) = facts.months.filter(|m| *m < p.min_months) {
        none(
            format!(
                "evasion for {months} months, fewer than the {} of Art. 216.1",
                p.min_months
            ),
            format!(
                "trốn đóng {months} tháng, dưới {} tháng của khoản 1 Điều 216",
                p.min_months
            ),
        )
    } else if facts.previously_sanctioned == Some(false) {
        none(
            "not sanctioned administratively for evasion before: Art. 216.1 requires a prior sanction".into(),
            "chưa bị xử phạt vi phạm hành chính về hành vi trốn đóng: khoản 1 Điều 216 đòi hỏi đã bị xử phạt".into(),
        )
    } else {
        let reached = p
            .clauses
            .iter()
            .filter(|c| facts.amount >= c.amount_from || facts.workers >= c.workers_from)
            .max_by_key(|c| c.clause);
        match reached {
            None => {
                let first = p.clauses.iter().min_by_key(|c| c.clause);
                let (amount, workers) = first
                    .map(|c| (c.amount_from, c.workers_from))
                    .unwrap_or((Dong::ZERO, 0));
                none(
                    format!(
                        "evaded {} for {} workers: below {amount} and {workers} workers of Art. 216.1 — administrative sanction only",
                        facts.amount, facts.workers
                    ),
                    format!(
                        "trốn đóng {} cho {} người lao động: dưới {amount} và {workers} người của khoản 1 Điều 216 — chỉ xử phạt hành chính",
                        facts.amount, facts.workers
                    ),
                )
            }
            Some(c) => {
                let (fine_min, fine_max) = match facts.offender {
                    Offender::Organisation => (c.entity_fine_min, c.entity_fine_max),
                    Offender::Individual => (c.person_fine_min, c.person_fine_max),
                };
                let pre = if facts.months.is_none() || facts.previously_sanctioned.is_none() {
                    format!(
                        "; also required: evasion for {} months or more after an administrative sanction for it",
                        p.min_months
                    )
                } else {
                    String::new()
                };
                Criminal {
                    threshold_reached: true,
                    clause: Some(c.clause),
                    reason: format!(
                        "evaded {} for {} workers: reaches Art. 216.{} ({} or {} workers){pre}",
                        facts.amount, facts.workers, c.clause, c.amount_from, c.workers_from
                    ),
                    reason_vi: format!(
                        "trốn đóng {} cho {} người lao động: đến mức khoản {} Điều 216 ({} hoặc {} người)",
                        facts.amount, facts.workers, c.clause, c.amount_from, c.workers_from
                    ),
                    fine_min: Some(fine_min),
                    fine_max: Some(fine_max),
                    penalty: Some(match facts.offender {
                        Offender::Organisation => format!("fine {fine_min}–{fine_max}"),
                        Offender::Individual => c.penalty_en.clone(),
                    }),
                }
            }
        }
    };
    let line = Line::new(
        "criminal",
        "Dấu hiệu tội trốn đóng (Điều 216 BLHS)",
        "Crime of evasion screening (Penal Code Art. 216)",
    )
    .value(criminal.threshold_reached)
    .formula(criminal.reason.clone())
    .param("evasion_crime.min_months", p.min_months, dated)
    .cite("Penal Code 2015 Art. 216");
    Ok((criminal, line))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(violation: Violation, offender: Offender, amount: i64, workers: i64) -> Facts {
        Facts {
            violation,
            offender,
            amount: Dong(amount),
            workers,
            date: "2026-03-01".parse().unwrap(),
            months: None,
            previously_sanctioned: None,
        }
    }

    #[test]
    fn late_payment_of_an_organisation_is_twice_the_share() {
        // Worked example E1.1: 200,000,000 payable → 12–15 % = 24–30 m → × 2.
        let p = Params::embedded().unwrap();
        let (s, _) = sanction(
            &p,
            &facts(
                Violation::LatePayment,
                Offender::Organisation,
                200_000_000,
                5,
            ),
        )
        .unwrap();
        assert_eq!(
            (s.fine_min, s.fine_max),
            (Dong(48_000_000), Dong(60_000_000))
        );
        assert!(!s.criminal.threshold_reached);
    }

    #[test]
    fn the_cap_binds_before_the_doubling() {
        // E1.2: 600,000,000 not paid for anyone → 108–120 m capped at 75 m → 150 m.
        let p = Params::embedded().unwrap();
        let (s, _) = sanction(
            &p,
            &facts(
                Violation::NotRegistered,
                Offender::Organisation,
                600_000_000,
                5,
            ),
        )
        .unwrap();
        assert_eq!(
            (s.fine_min, s.fine_max),
            (Dong(150_000_000), Dong(150_000_000))
        );
    }

    #[test]
    fn evasion_clauses_by_amount_or_workers() {
        // E1.4: 40 m for 12 workers → clause 1; 350 m → 2; 1.2 bn → 3; 40 m for 8 → none.
        let p = Params::embedded().unwrap();
        let clause = |amount, workers| {
            sanction(
                &p,
                &facts(Violation::Evasion, Offender::Organisation, amount, workers),
            )
            .unwrap()
            .0
            .criminal
            .clause
        };
        assert_eq!(clause(40_000_000, 12), Some(1));
        assert_eq!(clause(350_000_000, 3), Some(2));
        assert_eq!(clause(1_200_000_000, 3), Some(3));
        assert_eq!(clause(40_000_000, 8), None);
        let mut short = facts(Violation::Evasion, Offender::Individual, 400_000_000, 3);
        short.months = Some(5);
        assert!(!sanction(&p, &short).unwrap().0.criminal.threshold_reached);
    }
}
