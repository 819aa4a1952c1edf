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
    pub key: String,
    pub from: DateTime,
    pub to: DateTime,
    pub inpatient: bool,
}

impl Stay {
    pub fn of(claim: &Claim) -> Option<Stay> {
        Some(Stay {
            card: claim.cards.first()?.code.clone(),
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
    let mut by_card: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in stays.iter().enumerate() {
        if let Some(s) = s {
            by_card.entry(s.card.as_str()).or_default().push(i);
        }
    }
    for visits in by_card.values() {
        for &i in visits {
            let Some(me) = &stays[i] else { continue };
            let others: Vec<&str> = visits
                .iter()
                .filter(|&&j| j != i)
                .filter_map(|&j| stays[j].as_ref())
                .filter(|o| o.inpatient && o.key != me.key && o.from < me.to && me.from < o.to)
                .map(|o| o.key.as_str())
                .collect();
            if others.is_empty() {
                continue;
            }
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
}
