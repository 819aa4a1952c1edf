//! Cross-claim checks of one card (rule R10, trùng hồ sơ): overlapping inpatient stays, an
//! outpatient visit inside an inpatient stay, and the same service on the same day in two claims,
//! at any facility (TT 12/2026/TT-BTC Art. 10.1.h).
//! Whether such a visit is rejected outright or reviewed is not settled (domain reference TC8,
//! UNCONFIRMED): it goes to a human.

use crate::assess::{Assessment, Decision, Finding};
use crate::claim::{Claim, Table};
use crate::decimal::Amount;
use jiff::civil::{Date, DateTime};
use rustc_hash::FxHashMap as HashMap;
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
    /// A hash of `card`, made with the stay ([`Stay::new`]): R10 groups a file's stays by card
    /// from it without reading every card's text again (a million of them, scattered in
    /// memory). Equal hashes are always confirmed on the cards themselves.
    card_hash: u64,
}

fn card_hash(card: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(card)
}

impl Stay {
    pub fn new(
        card: String,
        facility: String,
        key: String,
        from: DateTime,
        to: DateTime,
        inpatient: bool,
        services: Vec<(String, Date)>,
    ) -> Stay {
        Stay {
            card_hash: card_hash(&card),
            card,
            facility,
            key,
            from,
            to,
            inpatient,
            services,
        }
    }

    /// What R10 keeps of a visit once it is assessed: its texts are moved, not copied (a file
    /// has a million visits).
    pub fn of(claim: Claim) -> Option<Stay> {
        let inpatient = claim.inpatient();
        let (from, to) = (claim.admitted, claim.discharged.unwrap_or(claim.admitted));
        let card = claim.cards.into_iter().next()?.code;
        // Sized exactly: a file's stays are all kept until R10 has run.
        let count = claim
            .lines
            .iter()
            .filter(|l| l.table == Table::Xml3)
            .count();
        let mut services = Vec::with_capacity(count);
        services.extend(
            claim
                .lines
                .into_iter()
                .filter(|l| l.table == Table::Xml3)
                .map(|l| (l.code, l.ordered.unwrap_or(from).date())),
        );
        Some(Stay::new(
            card,
            claim.facility,
            claim.key,
            from,
            to,
            inpatient,
            services,
        ))
    }
}

/// The findings of rule R10 for `stays` (each visit of a file, or none), against each other
/// and the `known` stays already stored (other files, other months): `(index in stays,
/// finding)`. A stay is never compared with itself or an earlier version of itself (same
/// facility and MA_LK). A flagged visit goes to review ([`flag`]).
pub fn findings<S: Borrow<Stay> + Sync>(
    stays: &[Option<S>],
    known: &[Stay],
) -> Vec<(usize, Finding)> {
    // The two checks read the same stays and nothing else: one on another core. (They run
    // after the file's visits are assessed, when every core but one would be idle.)
    let (overlaps, repeated) = std::thread::scope(|scope| {
        let repeated = scope.spawn(|| same_services(stays, known));
        let overlaps = overlapping(stays, known);
        let repeated = repeated
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (overlaps, repeated)
    });
    let mut out = Vec::new();
    for (i, others) in overlaps {
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
                amount: Amount::ZERO,
                basis: "TT 12/2026/TT-BTC Art. 10.1.h",
            },
        ));
    }
    for (i, repeats) in repeated {
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
                amount: Amount::ZERO,
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

/// Which of `stays` have a service that another visit of the same card (among `stays` and
/// `known`) also has on the same day, with the repeats.
pub fn same_services<'a, S: Borrow<Stay>>(
    stays: &'a [Option<S>],
    known: &'a [Stay],
) -> Vec<(usize, Vec<Repeat<'a>>)> {
    // Only cards with more than one visit can repeat a service: most cards have one.
    // Counted by the card's hash: a collision only adds a card to compare.
    let mut visits: HashMap<u64, u32> =
        HashMap::with_capacity_and_hasher(stays.len() + known.len(), Default::default());
    for s in stays.iter().flatten().map(Borrow::borrow).chain(known) {
        *visits.entry(s.card_hash).or_default() += 1;
    }
    let mut by_service: HashMap<(&str, &str, Date), Vec<&Stay>> = HashMap::default();
    for s in stays
        .iter()
        .flatten()
        .map(Borrow::borrow)
        .chain(known)
        .filter(|s| visits[&s.card_hash] > 1)
    {
        let mut seen: Vec<(&str, Date)> = Vec::new();
        for (code, day) in &s.services {
            // A visit's own repeated lines are its quantity, not a second claim.
            if !seen.contains(&(code.as_str(), *day)) {
                seen.push((code.as_str(), *day));
                by_service
                    .entry((s.card.as_str(), code.as_str(), *day))
                    .or_default()
                    .push(s);
            }
        }
    }
    stays
        .iter()
        .enumerate()
        .filter_map(|(i, me)| {
            let me: &Stay = me.as_ref()?.borrow();
            if visits[&me.card_hash] <= 1 {
                return None;
            }
            let mut repeats: Vec<Repeat> = Vec::new();
            for (code, day) in &me.services {
                let Some(visits) = by_service.get(&(me.card.as_str(), code.as_str(), *day)) else {
                    continue;
                };
                for o in visits {
                    let other = o.facility != me.facility || o.key != me.key;
                    let entry = (code.as_str(), *day, o.key.as_str());
                    if other && !repeats.contains(&entry) {
                        repeats.push(entry);
                    }
                }
            }
            (!repeats.is_empty()).then_some((i, repeats))
        })
        .collect()
}

/// Which of `stays` overlap an inpatient stay of the same card (among `stays` and `known`), with
/// the MA_LK of those stays: `(index in stays, keys)`. Each visit is compared only with the
/// inpatient stays of its own card.
pub fn overlapping<'a, S: Borrow<Stay>>(
    stays: &'a [Option<S>],
    known: &'a [Stay],
) -> Vec<(usize, Vec<&'a str>)> {
    // By the card's hash; the card itself is compared below.
    let mut inpatient: HashMap<u64, Vec<&Stay>> = HashMap::default();
    for s in stays
        .iter()
        .flatten()
        .map(Borrow::borrow)
        .chain(known)
        .filter(|s| s.inpatient)
    {
        inpatient.entry(s.card_hash).or_default().push(s);
    }
    stays
        .iter()
        .enumerate()
        .filter_map(|(i, me)| {
            let me: &Stay = me.as_ref()?.borrow();
            let mut others: Vec<&str> = inpatient
                .get(&me.card_hash)?
                .iter()
                .filter(|o| o.card == me.card)
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
        Stay::new(
            format!("DN47900000000{card:02}"),
            format!("7900{facility}"),
            // Some keys repeat: a re-sent visit of the same facility is not a clash.
            format!("K{}", n % 7),
            at(from),
            at(from + hours),
            inpatient,
            services
                .iter()
                .map(|(c, d)| (format!("S{c}"), jiff::civil::date(2025, 3, 10 + *d)))
                .collect(),
        )
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

    #[test]
    fn cards_that_share_a_hash_are_still_told_apart() {
        let mut a = stay(0, 1, 0, 0, 48, true, &[(1, 0)]);
        let mut b = stay(1, 2, 1, 1, 2, false, &[(1, 0)]);
        a.card_hash = 7;
        b.card_hash = 7;
        let stays = vec![Some(a.clone()), Some(b.clone())];
        assert!(overlapping(&stays, &[]).is_empty());
        assert!(same_services(&stays, &[]).is_empty());
        // The same card (and hash) does clash.
        b.card.clone_from(&a.card);
        let stays = vec![Some(a), Some(b)];
        assert_eq!(overlapping(&stays, &[]).len(), 1);
        assert_eq!(same_services(&stays, &[]).len(), 2);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// The clashes found card by card are exactly those that comparing every pair finds.
        #[test]
        fn the_clashes_are_those_of_every_pair_compared(
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
