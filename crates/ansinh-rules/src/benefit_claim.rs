//! Benefit claims (hồ sơ hưởng chế độ BHXH) as the agency receives them: for each kind, who
//! files, the filing deadline from the event, the documents of a complete dossier, and the
//! agency's time limit for the decision once the dossier is complete — in working days, or for a
//! pension in days excluding public holidays (L41 Art. 47–48 sickness, 61–62 maternity, 70 and
//! 78–79 one-time benefit and pension, 90–91 survivors, 95–97 voluntary maternity; the values in
//! `rules/vn/benefit_claims.toml`). Pure: the received and completed dates are given.

use crate::calendar::{is_day_off, is_public_holiday};
use crate::params::{Concept, MissingParam, Params};
use ansinh_core::{Date, Dong};
use serde::Deserialize;
use std::collections::BTreeMap;

/// How a decision's time limit counts its days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    /// Days the State's offices work (not Saturdays, Sundays or public holidays).
    WorkingDays,
    /// Calendar days but public holidays (a pension: L41 Art. 79).
    DaysExcludingHolidays,
}

/// One kind of claim (see `rules/vn/benefit_claims.toml`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimKind {
    /// The component fund that pays the kind: `pension_survivor`, `sickness_maternity`,
    /// `occupational` or `unemployment` (L41 Art. 116.2).
    pub fund: String,
    /// `employer_list`, `employer`, `person` or `employment_service_centre`.
    pub filer: String,
    /// Days from the event within which the dossier is filed (none: no deadline).
    pub filing_days: Option<i64>,
    /// The deadline is a window before the event (a pension's 20 days before it is due).
    #[serde(default)]
    pub filing_before: bool,
    /// The event the filing days count from, in words.
    #[serde(default)]
    pub filing_from: String,
    pub decision_days: i64,
    pub clock: Clock,
    /// The documents a complete dossier holds.
    pub documents: Vec<String>,
    pub citation: String,
    /// The kind's values were not read in the law text.
    #[serde(default)]
    pub unconfirmed: bool,
}

/// Every kind's rules.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenefitClaims {
    /// A decision above this amount (a one-off amount, or twelve months of a monthly one) is
    /// approved by a second officer before it is paid: the agency's internal control.
    pub second_approval_above: Dong,
    #[serde(default)]
    pub second_approval_unconfirmed: bool,
    pub kinds: BTreeMap<String, ClaimKind>,
}

/// The component funds of L41 Art. 116.2 and the unemployment fund (Law on Employment).
pub const FUNDS: [&str; 4] = [
    "pension_survivor",
    "sickness_maternity",
    "occupational",
    "unemployment",
];

impl Concept for BenefitClaims {
    fn check(&self) -> Result<(), (String, String)> {
        if self.second_approval_above.get() < 0 {
            return Err((
                "second_approval_above".into(),
                "must not be negative".into(),
            ));
        }
        for (name, k) in &self.kinds {
            if !FUNDS.contains(&k.fund.as_str()) {
                return Err((
                    format!("kinds.{name}.fund"),
                    format!("`{}` is none of {}", k.fund, FUNDS.join(", ")),
                ));
            }
            if k.decision_days <= 0 {
                return Err((
                    format!("kinds.{name}.decision_days"),
                    "must be above 0".into(),
                ));
            }
            if k.filing_days.is_some_and(|d| d <= 0) {
                return Err((
                    format!("kinds.{name}.filing_days"),
                    "must be above 0".into(),
                ));
            }
            if !matches!(
                k.filer.as_str(),
                "employer_list" | "employer" | "person" | "employment_service_centre"
            ) {
                return Err((
                    format!("kinds.{name}.filer"),
                    format!("`{}` is no filer", k.filer),
                ));
            }
        }
        Ok(())
    }
}

/// Why a claim's rules cannot be given.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClaimRuleError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("kind: `{0}` is no kind of claim; the kinds are {1}")]
    UnknownKind(String, String),
}

/// The rules of a kind of claim in force on `date` (the law in force at the entitlement,
/// L41 Art. 5.7).
pub fn kind<'p>(
    params: &'p Params,
    name: &str,
    date: Date,
) -> Result<&'p ClaimKind, ClaimRuleError> {
    let kinds = &params.benefit_claims.at(date)?.value.kinds;
    kinds.get(name).ok_or_else(|| {
        ClaimRuleError::UnknownKind(
            name.to_string(),
            kinds.keys().cloned().collect::<Vec<_>>().join(", "),
        )
    })
}

/// The documents of the kind's dossier that `supplied` lacks, in the order the rules list them
/// (what the agency asks for in writing: each procedure article of L41 requires a written answer
/// when it does not settle; the clock of the decision starts when nothing is missing).
pub fn missing_documents<'k>(kind: &'k ClaimKind, supplied: &[&str]) -> Vec<&'k str> {
    kind.documents
        .iter()
        .map(String::as_str)
        .filter(|d| !supplied.contains(d))
        .collect()
}

/// The day by which the agency decides a claim whose dossier was complete on `complete_on`: the
/// kind's days counted after that day by its clock (L41 Art. 48, 62, 79, 91, 97).
pub fn decision_due(params: &Params, kind: &ClaimKind, complete_on: Date) -> Date {
    let mut day = complete_on;
    let mut counted = 0;
    while counted < kind.decision_days {
        let Ok(next) = day.tomorrow() else {
            return day;
        };
        day = next;
        let off = match kind.clock {
            Clock::WorkingDays => is_day_off(params, day),
            Clock::DaysExcludingHolidays => is_public_holiday(params, day),
        };
        if !off {
            counted += 1;
        }
    }
    day
}

/// Whether a decision needs a second officer's approval before it is paid: its one-off amount
/// plus twelve months of its monthly amount above the parameter (the agency's internal control
/// over what one officer may grant alone; `rules/vn/benefit_claims.toml`, UNCONFIRMED).
pub fn needs_second_approval(
    params: &Params,
    on: Date,
    one_off: Dong,
    monthly: Dong,
) -> Result<bool, MissingParam> {
    let limit = params.benefit_claims.at(on)?.value.second_approval_above;
    let yearly = monthly.get().checked_mul(12).unwrap_or(i64::MAX);
    Ok(one_off.get().saturating_add(yearly) > limit.get())
}

/// How many days late a dossier received on `received` is for an event on `event` (none: in
/// time, or the kind has no deadline). A late dossier is still received, with the filer's
/// written explanation (L41 Art. 92.1). For a pension the deadline is a window before the
/// event: filing more than its days before the event is early, not late, and is not counted.
pub fn days_late(kind: &ClaimKind, event: Date, received: Date) -> Option<i64> {
    let days = kind.filing_days?;
    if kind.filing_before {
        // The dossier is due by the event itself.
        let late = i64::from((received - event).get_days());
        return (late > 0).then_some(late);
    }
    let deadline = event.checked_add(jiff::Span::new().days(days)).ok()?;
    let late = i64::from((received - deadline).get_days());
    (late > 0).then_some(late)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn a_sickness_list_is_decided_in_seven_working_days_past_weekends_and_tet() {
        let p = Params::embedded().unwrap();
        let k = kind(&p, "sickness", d("2025-07-01")).unwrap();
        // Complete on Friday 4 Jul 2025: 7, 8, 9, 10, 11, 14, 15 July.
        assert_eq!(decision_due(&p, k, d("2025-07-04")), d("2025-07-15"));
        // Complete on Friday 24 Jan 2025 (before the law of 2025: the same 7 days counted on
        // today's rules): 27, 28 Jan; 29–31 Jan are Tết; 3–7 Feb.
        assert_eq!(decision_due(&p, k, d("2025-01-24")), d("2025-02-07"));
    }

    #[test]
    fn a_pension_counts_days_but_public_holidays() {
        let p = Params::embedded().unwrap();
        let k = kind(&p, "pension", d("2025-08-01")).unwrap();
        assert_eq!(k.clock, Clock::DaysExcludingHolidays);
        // Complete on 20 Aug 2025: 20 days but 1 and 2 September → 11 September.
        assert_eq!(decision_due(&p, k, d("2025-08-20")), d("2025-09-11"));
    }

    #[test]
    fn a_large_decision_needs_a_second_officer() {
        let p = Params::embedded().unwrap();
        let on = d("2025-08-01");
        assert!(!needs_second_approval(&p, on, Dong(100_000_000), Dong(0)).unwrap());
        assert!(needs_second_approval(&p, on, Dong(100_000_001), Dong(0)).unwrap());
        // 9 M a month is 108 M a year.
        assert!(needs_second_approval(&p, on, Dong(0), Dong(9_000_000)).unwrap());
        assert!(!needs_second_approval(&p, on, Dong(0), Dong(8_000_000)).unwrap());
    }

    #[test]
    fn missing_documents_and_lateness() {
        let p = Params::embedded().unwrap();
        let k = kind(&p, "survivor", d("2025-08-01")).unwrap();
        assert_eq!(
            missing_documents(k, &["si_book"]),
            vec!["death_certificate", "relatives_declaration"]
        );
        assert!(
            missing_documents(
                k,
                &["si_book", "death_certificate", "relatives_declaration"]
            )
            .is_empty()
        );
        // 90 days from a death on 1 Aug 2025: 30 Oct; received 2 Nov is 3 days late.
        assert_eq!(days_late(k, d("2025-08-01"), d("2025-10-30")), None);
        assert_eq!(days_late(k, d("2025-08-01"), d("2025-11-02")), Some(3));
        let pension = kind(&p, "pension", d("2025-08-01")).unwrap();
        assert_eq!(days_late(pension, d("2025-09-01"), d("2025-08-15")), None);
        assert_eq!(
            days_late(pension, d("2025-09-01"), d("2025-09-05")),
            Some(4)
        );
        let e = kind(&p, "holiday", d("2025-08-01")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("kind: `holiday` is no kind of claim; the kinds are")
        );
    }
}
