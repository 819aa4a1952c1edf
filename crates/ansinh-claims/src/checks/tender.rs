//! Rule R15, tenders (thông tin thầu): a drug or supply names the tender that priced it as
//! `decision;package;group;year` (QĐ 130/QĐ-BYT Bảng 2–3 TT_THAU: package G1–G99 (supplies G0),
//! group N1–N99 (N0), a four-digit year), the award is on the facility's tender list, and the
//! quantities used do not exceed what was awarded (Law on Bidding 22/2023; TT 07/2024/TT-BYT).

use super::{Found, group, line_ref};
use crate::claim::{Claim, Table};
use crate::reference::Reference;

const BASIS: &str =
    "QĐ 130/QĐ-BYT Bảng 2–3 (TT_THAU); Law on Bidding 22/2023/QH15; TT 07/2024/TT-BYT";

/// Whether TT_THAU has the standard's four parts (catalogue C159, C160). `supply` allows the
/// package and group 0 that supplies use.
pub fn tender_form(text: &str, supply: bool) -> bool {
    let parts: Vec<&str> = text.split(';').map(str::trim).collect();
    if parts.len() != 4 || parts[0].is_empty() {
        return false;
    }
    let numbered = |p: &str, letter: char| {
        p.strip_prefix(letter)
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| (if supply { 0 } else { 1 }..=99).contains(&n))
    };
    numbered(parts[1], 'G')
        && numbered(parts[2], 'N')
        && parts[3].len() == 4
        && parts[3].bytes().all(|b| b.is_ascii_digit())
}

fn tendered(table: Table, g: u32) -> Option<bool> {
    match (table, g) {
        (Table::Xml2, group::DRUG) => Some(false),
        (Table::Xml3, group::SUPPLY | group::SUPPLY_RATIO) => Some(true),
        _ => None,
    }
}

/// The form of TT_THAU on each drug and supply line (C159, C160), and the award it names on
/// the tender list when one is loaded (C161).
pub fn check_format(reference: Option<&Reference>, claim: &Claim, found: &mut Found) {
    let tenders = reference
        .map(|r| &r.lists.tenders)
        .filter(|l| !l.is_empty());
    let mut bad = Vec::new();
    let mut unawarded = Vec::new();
    for l in &claim.lines {
        let Some(supply) = tendered(l.table, l.group) else {
            continue;
        };
        match l.detail.as_deref().and_then(|d| d.tender.as_deref()) {
            Some(t) if tender_form(t, supply) => {
                let at = l.ordered.unwrap_or(claim.admitted).date();
                if let Some(list) = tenders
                    && list.rows.contains_key(l.code.as_str())
                    && !list.on(&l.code, at).any(|row| row.cells[0] == t.trim())
                {
                    unawarded.push(format!("{} {} `{t}`", line_ref(l), l.code));
                }
            }
            Some(t) => bad.push(format!("{} `{t}`", line_ref(l))),
            None => bad.push(format!("{} —", line_ref(l))),
        }
    }
    if !unawarded.is_empty() {
        let list = unawarded.join(", ");
        found.review(
            "R15.AWARD",
            format!("Thông tin thầu không khớp kết quả trúng thầu của cơ sở: {list}"),
            format!("Tender not among the facility's awards for the item on the day: {list}"),
            Vec::new(),
            BASIS,
        );
    }
    if !bad.is_empty() {
        let list = bad.join(", ");
        found.note(
            "R15.FORMAT",
            format!("TT_THAU thiếu hoặc sai dạng Số QĐ;Gói;Nhóm;Năm: {list}"),
            format!("TT_THAU missing or not `decision;package;group;year`: {list}"),
            Vec::new(),
            BASIS,
        );
    }
}

/// One line's use of an award: what [`quantities`] counts.
#[derive(Clone, Debug, PartialEq)]
pub struct Use {
    pub line: String,
    pub code: String,
    pub tender: String,
    pub quantity: crate::decimal::Quantity,
    pub date: ansinh_core::Date,
}

/// The awards a visit's lines draw on, when a tender list is loaded (nothing otherwise).
pub fn uses(reference: Option<&Reference>, claim: &Claim) -> Vec<Use> {
    if reference.is_none_or(|r| r.lists.tenders.is_empty()) {
        return Vec::new();
    }
    claim
        .lines
        .iter()
        .filter(|l| tendered(l.table, l.group).is_some())
        .filter_map(|l| {
            let tender = l.detail.as_deref()?.tender.as_deref()?;
            Some(Use {
                line: line_ref(l),
                code: l.code.clone(),
                tender: tender.trim().to_string(),
                quantity: l.quantity,
                date: l.ordered.unwrap_or(claim.admitted).date(),
            })
        })
        .collect()
}

/// R15, tender quantities (the catalogue's gap "tender quantity consumption"): over the visits
/// of a file in the order sent, the quantity of each item used under one award counted against
/// the quantity awarded; each visit whose lines go beyond it is flagged for review. Counts start
/// at the file: what earlier files used is not known here (whether the agency counts from the
/// award's start is UNCONFIRMED). Returns (visit index, finding) pairs.
pub fn quantities(
    reference: &Reference,
    visits: &[Vec<Use>],
) -> Vec<(usize, crate::assess::Finding)> {
    use crate::decimal::Quantity;
    let list = &reference.lists.tenders;
    let mut used: rustc_hash::FxHashMap<(&str, &str), Quantity> = Default::default();
    let mut out = Vec::new();
    for (index, uses) in visits.iter().enumerate() {
        let mut over = Vec::new();
        for u in uses {
            let Some(awarded) = list
                .on(&u.code, u.date)
                .find(|row| row.cells[0] == u.tender)
                .and_then(|row| row.cells[2].parse::<Quantity>().ok())
            else {
                continue;
            };
            let so_far = used.entry((&u.code, &u.tender)).or_default();
            *so_far += u.quantity;
            if *so_far > awarded {
                over.push(format!("{} {} ({} > {awarded})", u.line, u.code, *so_far));
            }
        }
        if !over.is_empty() {
            let text = over.join(", ");
            out.push((
                index,
                super::finding(
                    "R15.QUANTITY",
                    format!("Vượt số lượng trúng thầu: {text}"),
                    format!("Beyond the quantity awarded: {text}"),
                    Vec::new(),
                    BASIS,
                ),
            ));
        }
    }
    out
}
