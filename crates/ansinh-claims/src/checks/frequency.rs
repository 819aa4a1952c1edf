//! How often a service is paid (R09.LIMIT, `limits.csv`): at most `per_day` of it a day, at
//! most `per_visit` in a visit, and not again within `min_days` of the last time (the payment
//! conditions of the technique list, TT 35/2016/TT-BYT as amended by TT 39/2024/TT-BYT, and the
//! agency's assessment topics: AFB smears at most 2 a day, C098; a caesarean wound's dressing
//! not paid from the 4th time, C099; HbA1c or procalcitonin repeated too soon, C100).
//!
//! Lines are counted in the order they were ordered. A line entirely beyond a limit is rejected;
//! a line that crosses it (its quantity partly within) goes to a human, who pays the part within.

use super::{Found, line_ref};
use crate::claim::{Claim, Table};
use crate::decimal::Quantity;
use crate::reference::Reference;

const BASIS: &str = "TT 35/2016/TT-BYT as amended by TT 39/2024/TT-BYT (payment conditions); TT 12/2026/TT-BTC Art. 10.1";

/// The days from `earlier` to `later` when they are fewer than `least` (C100), else none.
fn too_soon(earlier: ansinh_core::Date, later: ansinh_core::Date, least: Quantity) -> Option<i64> {
    let gap = i64::from((later - earlier).get_days());
    (least > Quantity::ZERO && gap.saturating_mul(1000) < least.units()).then_some(gap)
}

/// Catalogue C098, C099, C100 (within a visit) on one visit.
pub fn check(
    reference: Option<&Reference>,
    claim: &Claim,
    masks: super::Masks<'_>,
    found: &mut Found,
) {
    let Some(limits) = Reference::loaded(reference, |l| &l.limits) else {
        return;
    };
    let mut beyond = Vec::new();
    let mut crossing = Vec::new();
    let mut too_soon_lines = Vec::new();
    // The lines of a listed code, by code, in order of their order time.
    let mut listed: Vec<(usize, &crate::reference::Row)> = Vec::new();
    for (i, l) in claim.lines.iter().enumerate() {
        if l.table != Table::Xml3 || !masks.has(i, crate::reference::listed::LIMITS) {
            continue;
        }
        let at = claim.ordered_at(l);
        if let Some(row) = limits.on(&l.code, at.date()).next() {
            listed.push((i, row));
        }
    }
    if listed.is_empty() {
        return;
    }
    let at = |i: usize| claim.ordered_at(&claim.lines[i]);
    listed.sort_by_key(|(i, _)| (claim.lines[*i].code.as_str(), at(*i)));
    let number = |v: &str| v.parse::<Quantity>().ok();
    let (mut day_count, mut visit_count) = (Quantity::ZERO, Quantity::ZERO);
    for (k, (i, row)) in listed.iter().enumerate() {
        let l = &claim.lines[*i];
        let previous = k.checked_sub(1).map(|p| listed[p].0);
        let same_code = previous.is_some_and(|p| claim.lines[p].code == l.code);
        if !same_code {
            (day_count, visit_count) = (Quantity::ZERO, Quantity::ZERO);
        } else if previous.is_some_and(|p| at(p).date() != at(*i).date()) {
            day_count = Quantity::ZERO;
        }
        let before = (day_count, visit_count);
        day_count += l.quantity;
        visit_count += l.quantity;
        let mut over = None;
        for (limit, counted, was) in [
            (number(&row.cells[0]), day_count, before.0),
            (number(&row.cells[1]), visit_count, before.1),
        ] {
            if let Some(limit) = limit
                && counted > limit
            {
                over = Some(over.unwrap_or(false) || was >= limit);
            }
        }
        match over {
            Some(true) => beyond.push(*i),
            Some(false) => crossing.push(line_ref(l)),
            None => {}
        }
        if let (Some(p), Some(days)) = (previous.filter(|_| same_code), number(&row.cells[2]))
            && let Some(gap) = too_soon(at(p).date(), at(*i).date(), days)
        {
            too_soon_lines.push(format!("{} ({gap} d < {})", line_ref(l), days.trimmed()));
        }
    }
    if !beyond.is_empty() {
        found.reject(
            "R09.LIMIT",
            "Vượt số lần được thanh toán trong ngày hoặc trong đợt điều trị".into(),
            "More than the times paid a day or a visit".into(),
            beyond,
            claim,
            BASIS,
        );
    }
    if !crossing.is_empty() {
        found.review(
            "R09.LIMIT_PART",
            "Số lượng vượt một phần số lần được thanh toán".into(),
            "A quantity partly beyond the times paid".into(),
            crossing,
            BASIS,
        );
    }
    if !too_soon_lines.is_empty() {
        let list = too_soon_lines.join(", ");
        found.review(
            "R09.INTERVAL",
            format!("Chỉ định lại trước khoảng cách tối thiểu: {list}"),
            format!("Repeated before the least interval: {list}"),
            Vec::new(),
            BASIS,
        );
    }
}

/// A service of the interval list a visit used: the card, the code, the day, the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Use {
    pub card: String,
    pub code: String,
    pub day: ansinh_core::Date,
    pub line: String,
}

/// The lines of a visit whose code has a least interval (`min_days`), for the check across the
/// visits of a file (C100); none when no list is loaded.
pub fn uses(reference: Option<&Reference>, claim: &Claim) -> Vec<Use> {
    let Some(limits) = Reference::loaded(reference, |l| &l.limits) else {
        return Vec::new();
    };
    let Some(card) = claim.cards.first() else {
        return Vec::new();
    };
    claim
        .lines
        .iter()
        .filter(|l| {
            l.table == Table::Xml3
                && reference
                    .is_some_and(|r| r.listed(&l.code) & crate::reference::listed::LIMITS != 0)
        })
        .filter_map(|l| {
            let day = claim.ordered_at(l).date();
            let row = limits.on(&l.code, day).next()?;
            (!row.cells[2].is_empty()).then(|| Use {
                card: card.code.clone(),
                code: l.code.clone(),
                day,
                line: line_ref(l),
            })
        })
        .collect()
}

/// C100 across a file: the visits (by index) whose service comes before its least interval
/// after the same card's earlier one, each with its finding (R09.INTERVAL, to review).
pub fn intervals(reference: &Reference, uses: &[Vec<Use>]) -> Vec<(usize, crate::assess::Finding)> {
    let mut all: Vec<(usize, &Use)> = uses
        .iter()
        .enumerate()
        .flat_map(|(i, u)| u.iter().map(move |u| (i, u)))
        .collect();
    all.sort_by(|a, b| (&a.1.card, &a.1.code, a.1.day).cmp(&(&b.1.card, &b.1.code, b.1.day)));
    let mut out = Vec::new();
    for w in all.windows(2) {
        let ((i, earlier), (j, later)) = (w[0], w[1]);
        if i == j || earlier.card != later.card || earlier.code != later.code {
            continue;
        }
        let Some(days) = reference
            .lists
            .limits
            .on(&later.code, later.day)
            .next()
            .and_then(|r| r.cells[2].parse::<Quantity>().ok())
        else {
            continue;
        };
        if let Some(gap) = too_soon(earlier.day, later.day, days) {
            let (line, code, least) = (&later.line, &later.code, days.trimmed());
            out.push((
                j,
                super::finding(
                    "R09.INTERVAL",
                    format!(
                        "Chỉ định lại trước khoảng cách tối thiểu: {line} {code} chỉ định lại sau {gap} ngày (tối thiểu {least}), lần trước {}",
                        earlier.day
                    ),
                    format!(
                        "Repeated before the least interval: {line} {code} repeated after {gap} days (at least {least}), last on {}",
                        earlier.day
                    ),
                    Vec::new(),
                    BASIS,
                ),
            ));
        }
    }
    out
}
