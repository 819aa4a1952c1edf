//! Cross-claim checks of one card (rule R10, trùng hồ sơ): overlapping inpatient stays, an
//! outpatient visit inside an inpatient stay, and the same service on the same day in two claims,
//! at any facility (TT 12/2026/TT-BTC Art. 10.1.h).
//! Whether such a visit is rejected outright or reviewed is not settled (domain reference TC8,
//! UNCONFIRMED): it goes to a human.

use crate::assess::{Assessment, Decision, Finding};
use crate::claim::{Claim, Table};
use jiff::civil::{Date, DateTime};
use rust_decimal::Decimal;
use std::borrow::Borrow;

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
    /// Services (XML3 MA_DICH_VU) and the day each was ordered.
    pub services: Vec<(String, Date)>,
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
            services: claim
                .lines
                .iter()
                .filter(|l| l.table == Table::Xml3)
                .map(|l| (l.code.clone(), l.ordered.unwrap_or(claim.admitted).date()))
                .collect(),
        })
    }
}

/// The findings of rule R10 for `stays` (each visit of a file, or none), against each other
/// and the `known` stays already stored (other files, other months): `(index in stays,
/// finding)`. A stay is never compared with itself or an earlier version of itself (same
/// facility and MA_LK). A flagged visit goes to review ([`flag`]).
pub fn findings<S: Borrow<Stay>>(stays: &[Option<S>], known: &[Stay]) -> Vec<(usize, Finding)> {
    let mut out = Vec::new();
    let groups = shared_cards(stays, known);
    for (i, others) in overlapping_in(&groups) {
        out.push((
            i,
            Finding {
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
            },
        ));
    }
    for (i, repeats) in same_services_in(&groups) {
        let list: Vec<String> = repeats
            .iter()
            .map(|(code, day, key)| format!("{code} {day} ({key})"))
            .collect();
        out.push((
            i,
            Finding {
                rule: "R10",
                code: "R10.SAME_SERVICE",
                text_vi: format!(
                    "Trùng dịch vụ cùng ngày với hồ sơ khác: {}",
                    list.join(", ")
                ),
                text_en: format!(
                    "Same service on the same day in another claim: {}",
                    list.join(", ")
                ),
                lines: Vec::new(),
                amount: Decimal::ZERO,
                basis: "TT 12/2026/TT-BTC Art. 10.1.h",
            },
        ));
    }
    out
}

/// Adds an R10 finding to a visit's assessment: it goes to review unless already rejected.
pub fn flag(a: &mut Assessment, finding: Finding) {
    a.findings.push(finding);
    if a.decision != Decision::Rejected {
        a.decision = Decision::NeedsReview;
    }
}

/// A service repeated on a day in another claim: (service, day, that claim's MA_LK).
pub type Repeat<'a> = (&'a str, Date, &'a str);

/// A visit of a card, by its index in the file's stays (none for a stay already stored).
type Member<'a> = (Option<usize>, &'a Stay);

/// The stays of `stays` then `known` grouped by card, for the cards seen twice or more (only
/// those can clash; most cards have one visit), each group in that order. Grouped by sorting
/// the cards' hashes: a hash map of a million cards was most of the time of this rule.
fn shared_cards<'a, S: Borrow<Stay>>(
    stays: &'a [Option<S>],
    known: &'a [Stay],
) -> Vec<Vec<Member<'a>>> {
    use std::hash::BuildHasher;
    let all: Vec<Member<'a>> = stays
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((Some(i), s.as_ref()?.borrow())))
        .chain(known.iter().map(|s| (None, s)))
        .collect();
    let hasher = rustc_hash::FxBuildHasher;
    let mut keyed: Vec<(u64, usize)> = all
        .iter()
        .enumerate()
        .map(|(n, (_, s))| (hasher.hash_one(s.card.as_str()), n))
        .collect();
    keyed.sort_unstable();
    let mut groups = Vec::new();
    for run in keyed
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
    {
        // One hash, most often one card: split by the card itself all the same.
        let mut rest: Vec<usize> = run.iter().map(|(_, n)| *n).collect();
        while let Some(&first) = rest.first() {
            let card = all[first].1.card.as_str();
            let (same, other): (Vec<usize>, Vec<usize>) =
                rest.into_iter().partition(|n| all[*n].1.card == card);
            if same.len() > 1 {
                groups.push(same.into_iter().map(|n| all[n]).collect());
            }
            rest = other;
        }
    }
    groups
}

/// Which of `stays` have a service that another visit of the same card (among `stays` and
/// `known`) also has on the same day, with the repeats.
pub fn same_services<'a, S: Borrow<Stay>>(
    stays: &'a [Option<S>],
    known: &'a [Stay],
) -> Vec<(usize, Vec<Repeat<'a>>)> {
    same_services_in(&shared_cards(stays, known))
}

fn same_services_in<'a>(groups: &[Vec<Member<'a>>]) -> Vec<(usize, Vec<Repeat<'a>>)> {
    let mut out = Vec::new();
    for group in groups {
        for &(i, me) in group {
            let Some(i) = i else { continue };
            let mut repeats: Vec<Repeat> = Vec::new();
            for (code, day) in &me.services {
                for &(_, o) in group {
                    let has = o.services.iter().any(|(c, d)| c == code && d == day);
                    let other = o.facility != me.facility || o.key != me.key;
                    let entry = (code.as_str(), *day, o.key.as_str());
                    if has && other && !repeats.contains(&entry) {
                        repeats.push(entry);
                    }
                }
            }
            if !repeats.is_empty() {
                out.push((i, repeats));
            }
        }
    }
    out.sort_unstable_by_key(|(i, _)| *i);
    out
}

/// Which of `stays` overlap an inpatient stay of the same card (among `stays` and `known`), with
/// the MA_LK of those stays: `(index in stays, keys)`. Each visit is compared only with the
/// inpatient stays of its own card.
pub fn overlapping<'a, S: Borrow<Stay>>(
    stays: &'a [Option<S>],
    known: &'a [Stay],
) -> Vec<(usize, Vec<&'a str>)> {
    overlapping_in(&shared_cards(stays, known))
}

fn overlapping_in<'a>(groups: &[Vec<Member<'a>>]) -> Vec<(usize, Vec<&'a str>)> {
    let mut out = Vec::new();
    for group in groups {
        for &(i, me) in group {
            let Some(i) = i else { continue };
            let mut others: Vec<&str> = group
                .iter()
                .map(|(_, o)| *o)
                .filter(|o| o.inpatient)
                .filter(|o| o.facility != me.facility || o.key != me.key)
                .filter(|o| o.from < me.to && me.from < o.to)
                .map(|o| o.key.as_str())
                .collect();
            others.sort_unstable();
            others.dedup();
            if !others.is_empty() {
                out.push((i, others));
            }
        }
    }
    out.sort_unstable_by_key(|(i, _)| *i);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A stay of card `card` (of three), at facility `facility` (of two), from hour `from` for
    /// `hours`, with services `(code, day)`.
    fn stay(
        n: usize,
        card: u8,
        facility: u8,
        from: i8,
        hours: i8,
        inpatient: bool,
        services: &[(u8, i8)],
    ) -> Stay {
        let at = |h: i8| {
            jiff::civil::date(2025, 3, 10)
                .at(0, 0, 0, 0)
                .checked_add(jiff::Span::new().hours(i64::from(h)))
                .unwrap()
        };
        Stay {
            card: format!("DN47900000000{card:02}"),
            facility: format!("7900{facility}"),
            // Some keys repeat: a re-sent visit of the same facility is not a clash.
            key: format!("K{}", n % 7),
            from: at(from),
            to: at(from + hours),
            inpatient,
            services: services
                .iter()
                .map(|(c, d)| (format!("S{c}"), jiff::civil::date(2025, 3, 10 + *d)))
                .collect(),
        }
    }

    type Overlaps = Vec<(usize, Vec<String>)>;
    type Repeats = Vec<(usize, Vec<(String, Date, String)>)>;

    /// Every pair compared, as the rule reads.
    fn naive(stays: &[Option<Stay>], known: &[Stay]) -> (Overlaps, Repeats) {
        let all: Vec<&Stay> = stays.iter().flatten().chain(known).collect();
        let mut over = Vec::new();
        let mut same = Vec::new();
        for (i, me) in stays.iter().enumerate() {
            let Some(me) = me else { continue };
            let others =
                |o: &&&Stay| o.card == me.card && (o.facility != me.facility || o.key != me.key);
            let mut keys: Vec<String> = all
                .iter()
                .filter(others)
                .filter(|o| o.inpatient && o.from < me.to && me.from < o.to)
                .map(|o| o.key.clone())
                .collect();
            keys.sort();
            keys.dedup();
            if !keys.is_empty() {
                over.push((i, keys));
            }
            let mut repeats: Vec<(String, Date, String)> = Vec::new();
            for (code, day) in &me.services {
                for o in all.iter().filter(|o| o.card == me.card) {
                    let entry = (code.clone(), *day, o.key.clone());
                    let other = o.facility != me.facility || o.key != me.key;
                    if other
                        && o.services.contains(&(code.clone(), *day))
                        && !repeats.contains(&entry)
                    {
                        repeats.push(entry);
                    }
                }
            }
            if !repeats.is_empty() {
                same.push((i, repeats));
            }
        }
        (over, same)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Grouping by card finds exactly the clashes that comparing every pair finds.
        #[test]
        fn grouped_by_card_as_every_pair_compared(
            specs in proptest::collection::vec(
                (0u8..3, 0u8..2, 0i8..48, 1i8..30, any::<bool>(),
                 proptest::collection::vec((0u8..3, 0i8..3), 0..3), any::<bool>()),
                0..14,
            ),
        ) {
            let (mut stays, mut known) = (Vec::new(), Vec::new());
            for (n, (card, facility, from, hours, inpatient, services, stored)) in specs.into_iter().enumerate() {
                let s = stay(n, card, facility, from, hours, inpatient, &services);
                match (stored, n % 5) {
                    (true, _) => known.push(s),
                    (false, 0) => stays.push(None),
                    (false, _) => stays.push(Some(s)),
                }
            }
            let (over, same) = naive(&stays, &known);
            let got_over: Overlaps = overlapping(&stays, &known)
                .into_iter()
                .map(|(i, keys)| (i, keys.into_iter().map(str::to_string).collect()))
                .collect();
            let got_same: Repeats = same_services(&stays, &known)
                .into_iter()
                .map(|(i, r)| (i, r.into_iter().map(|(c, d, k)| (c.to_string(), d, k.to_string())).collect()))
                .collect();
            prop_assert_eq!(got_over, over);
            prop_assert_eq!(got_same, same);
        }
    }
}
