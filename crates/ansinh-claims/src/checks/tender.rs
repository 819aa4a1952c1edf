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
    // A letter and 1 or 2 digits, 0 allowed for supplies only.
    let numbered = |p: &str, letter: u8| match p.as_bytes() {
        [l, d] if *l == letter && d.is_ascii_digit() => supply || *d != b'0',
        [l, d, e] if *l == letter && d.is_ascii_digit() && e.is_ascii_digit() => {
            supply || (*d, *e) != (b'0', b'0')
        }
        _ => false,
    };
    let mut parts = text.split(';').map(str::trim);
    let (Some(decision), Some(package), Some(group), Some(year), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    !decision.is_empty()
        && numbered(package, b'G')
        && numbered(group, b'N')
        && year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
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
    let tenders = Reference::loaded(reference, |l| &l.tenders);
    let mut bad = Vec::new();
    let mut unawarded = Vec::new();
    for l in &claim.lines {
        let Some(supply) = tendered(l.table, l.group) else {
            continue;
        };
        match l.detail.as_ref().and_then(|d| d.tender()) {
            Some(t) if tender_form(t, supply) => {
                let at = claim.ordered_at(l).date();
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
    let Some(list) = Reference::loaded(reference, |l| &l.tenders) else {
        return Vec::new();
    };
    claim
        .lines
        .iter()
        .filter(|l| tendered(l.table, l.group).is_some() && list.rows.contains_key(l.code.as_str()))
        .filter_map(|l| {
            let tender = l.detail.as_ref()?.tender()?;
            Some(Use {
                line: line_ref(l),
                code: l.code.clone(),
                tender: tender.trim().to_string(),
                quantity: l.quantity,
                date: claim.ordered_at(l).date(),
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

#[cfg(test)]
mod tests {
    use super::tender_form;

    #[test]
    fn tender_info_has_four_parts_package_and_group_numbered() {
        assert!(tender_form("12/QĐ-BV;G1;N4;2024", false));
        assert!(tender_form(" 12/QĐ-BV ; G12 ; N99 ; 2024 ", false));
        assert!(tender_form("12/QĐ-BV;G0;N0;2024", true));
        for bad in [
            "12/QĐ-BV;G0;N4;2024",
            "12/QĐ-BV;G1;N4",
            ";G1;N4;2024",
            "12;X1;N4;2024",
            "12;G1;N4;24",
            "12;G100;N4;2024",
            "12;G1;N4;2024;x",
        ] {
            assert!(!tender_form(bad, false), "{bad}");
        }
    }
}
