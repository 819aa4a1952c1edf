//! Cross-claim checks of one card (rule R10, trùng hồ sơ): overlapping inpatient stays, and an
//! outpatient visit inside an inpatient stay, at any facility (TT 12/2026/TT-BTC Art. 10.1.h).
//! Whether such a visit is rejected outright or reviewed is not settled (domain reference TC8,
//! UNCONFIRMED): it goes to a human.

use crate::assess::{Assessment, Decision, Finding};
use crate::claim::Claim;
use jiff::civil::DateTime;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// What R10 needs of a visit.
#[derive(Clone, Debug)]
pub struct Stay {
    pub card: String,
    /// MA_CSKCB: MA_LK is unique only within one facility.
    pub facility: String,
    pub key: String,
    pub from: DateTime,
    pub to: DateTime,
    pub inpatient: bool,
}

impl Stay {
    pub fn of(claim: &Claim) -> Option<Stay> {
        Some(Stay {
            card: claim.cards.first()?.code.clone(),
            facility: claim.facility.clone(),
            key: claim.key.clone(),
            from: claim.admitted,
            to: claim.discharged.unwrap_or(claim.admitted),
            inpatient: claim.inpatient(),
        })
    }
}

/// Flags every visit that overlaps an inpatient stay of the same card; `stays[i]` belongs to
/// `results[i]`.
pub fn flag_overlaps(stays: &[Option<Stay>], results: &mut [Option<&mut Assessment>]) {
    flag_overlaps_with(stays, &[], results)
}

/// [`flag_overlaps`] against the visits of the file and `known` stays already stored (other
/// files, other months). A stay is never compared with itself or an earlier version of itself
/// (same facility and MA_LK).
pub fn flag_overlaps_with(
    stays: &[Option<Stay>],
    known: &[Stay],
    results: &mut [Option<&mut Assessment>],
) {
    for (i, others) in overlapping(stays, known) {
        if let Some(Some(a)) = results.get_mut(i) {
            a.findings.push(Finding {
                rule: "R10",
                code: "R10.OVERLAP",
                text_vi: format!(
                    "Trùng thời gian với đợt điều trị nội trú {}",
                    others.join(", ")
                ),
                text_en: format!("Overlaps the inpatient stay {}", others.join(", ")),
                lines: Vec::new(),
                amount: Decimal::ZERO,
                basis: "TT 12/2026/TT-BTC Art. 10.1.h",
            });
            if a.decision != Decision::Rejected {
                a.decision = Decision::NeedsReview;
            }
        }
    }
}

/// Which of `stays` overlap an inpatient stay of the same card (among `stays` and `known`), with
/// the MA_LK of those stays: `(index in stays, keys)`. Each visit is compared only with the
/// inpatient stays of its own card.
pub fn overlapping<'a>(stays: &'a [Option<Stay>], known: &'a [Stay]) -> Vec<(usize, Vec<&'a str>)> {
    let mut inpatient: HashMap<&str, Vec<&Stay>> = HashMap::new();
    for s in stays.iter().flatten().chain(known).filter(|s| s.inpatient) {
        inpatient.entry(s.card.as_str()).or_default().push(s);
    }
    stays
        .iter()
        .enumerate()
        .filter_map(|(i, me)| {
            let me = me.as_ref()?;
            let mut others: Vec<&str> = inpatient
                .get(me.card.as_str())?
                .iter()
                .filter(|o| o.facility != me.facility || o.key != me.key)
                .filter(|o| o.from < me.to && me.from < o.to)
                .map(|o| o.key.as_str())
                .collect();
            others.sort_unstable();
            others.dedup();
            (!others.is_empty()).then_some((i, others))
        })
        .collect()
}
