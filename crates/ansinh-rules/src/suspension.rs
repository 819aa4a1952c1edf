//! Suspension, termination and resumption of a monthly benefit (tạm dừng, chấm dứt, hưởng tiếp;
//! L41 Art. 75, 80–81): what each reason does and what a resumption pays. The reasons are data
//! (`rules/vn/benefit_suspension.toml`); the arithmetic of the months withheld is here, pure.

use crate::params::{Concept, MissingParam, Params};
use ansinh_core::{Date, Dong, Month};
use serde::Deserialize;
use std::collections::BTreeMap;

/// What a reason does to the entitlement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Suspend,
    Terminate,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    pub action: Action,
    /// The months withheld are paid when the benefit resumes (Art. 75.3).
    pub arrears_on_resumption: bool,
    /// What was paid under the entitlement is recovered (Art. 11.2.b).
    #[serde(default)]
    pub recover_paid: bool,
    pub citation: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenefitSuspension {
    pub reasons: BTreeMap<String, Reason>,
}

impl Concept for BenefitSuspension {
    fn check(&self) -> Result<(), (String, String)> {
        for (name, r) in &self.reasons {
            if r.recover_paid && r.action != Action::Terminate {
                return Err((
                    format!("reasons.{name}.recover_paid"),
                    "only a termination recovers what was paid".into(),
                ));
            }
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SuspensionError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("reason: `{0}` is none of {1}")]
    UnknownReason(String, String),
}

/// The reason's rules in force on `on` (L41 Art. 75).
pub fn reason<'p>(params: &'p Params, name: &str, on: Date) -> Result<&'p Reason, SuspensionError> {
    let reasons = &params.benefit_suspension.at(on)?.value.reasons;
    reasons.get(name).ok_or_else(|| {
        SuspensionError::UnknownReason(
            name.to_string(),
            reasons.keys().cloned().collect::<Vec<_>>().join(", "),
        )
    })
}

/// The months a resumption pays as arrears: those from `stopped` (the first month not paid)
/// to the month before `resumed` (the first month paid again), when the reason pays arrears
/// (L41 Art. 75.3; none after a written refusal, Art. 75.4).
pub fn arrears_months(reason: &Reason, stopped: Month, resumed: Month) -> Vec<Month> {
    if !reason.arrears_on_resumption {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut m = stopped;
    while m < resumed {
        out.push(m);
        m = m.plus(1);
    }
    out
}

/// What was paid for months after the month of death: an overpayment to recover (L41 Art.
/// 11.2.b, 75.5: the benefit is due up to the month of death). `paid` is (month, amount).
pub fn overpaid_after_death(paid: &[(Month, Dong)], death: Date) -> Dong {
    let last_due = Month::of(death);
    paid.iter()
        .filter(|(m, _)| *m > last_due)
        .fold(Dong(0), |sum, (_, a)| {
            sum.checked_add(*a).unwrap_or(Dong(i64::MAX))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn a_return_pays_the_months_withheld_a_refusal_does_not() {
        let p = Params::embedded().unwrap();
        let on: Date = "2026-01-10".parse().unwrap();
        let exit = reason(&p, "illegal_exit", on).unwrap();
        assert_eq!(exit.action, Action::Suspend);
        assert_eq!(
            arrears_months(exit, m("2026-02"), m("2026-05")),
            vec![m("2026-02"), m("2026-03"), m("2026-04")]
        );
        let refusal = reason(&p, "written_refusal", on).unwrap();
        assert_eq!(refusal.action, Action::Terminate);
        assert!(arrears_months(refusal, m("2026-02"), m("2026-05")).is_empty());
        assert!(
            reason(&p, "holiday", on)
                .unwrap_err()
                .to_string()
                .starts_with("reason: `holiday` is none of")
        );
    }

    #[test]
    fn months_paid_after_the_month_of_death_are_overpaid() {
        let paid = [
            (m("2026-03"), Dong(5_000_000)),
            (m("2026-04"), Dong(5_000_000)),
            (m("2026-05"), Dong(5_000_000)),
        ];
        // Died on 10 April: April is due, May is not.
        assert_eq!(
            overpaid_after_death(&paid, "2026-04-10".parse().unwrap()),
            Dong(5_000_000)
        );
    }
}
