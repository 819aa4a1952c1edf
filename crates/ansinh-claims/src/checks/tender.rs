//! Rule R15, tenders (thông tin thầu): a drug or supply names the tender that priced it as
//! `decision;package;group;year` (QĐ 130/QĐ-BYT Bảng 2–3 TT_THAU: package G1–G99 (supplies G0),
//! group N1–N99 (N0), a four-digit year), the award is on the facility's tender list, and the
//! quantities used do not exceed what was awarded (Law on Bidding 22/2023; TT 07/2024/TT-BYT).

use super::{Found, group, line_ref};
use crate::claim::{Claim, Table};

const BASIS: &str = "QĐ 130/QĐ-BYT Bảng 2–3 (TT_THAU); Law on Bidding 22/2023/QH15; TT 07/2024/TT-BYT";

/// Whether TT_THAU has the standard's four parts (catalogue C159, C160). `supply` allows the
/// package and group 0 that supplies use.
pub fn tender_form(text: &str, supply: bool) -> bool {
    let parts: Vec<&str> = text.split(';').map(str::trim).collect();
    if parts.len() != 4 || parts[0].is_empty() {
        return false;
    }
    let numbered = |p: &str, letter: char| {
        p.strip_prefix(letter).and_then(|n| n.parse::<u32>().ok()).is_some_and(|n| (if supply { 0 } else { 1 }..=99).contains(&n))
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

/// The form of TT_THAU on each drug and supply line (C159, C160).
pub fn check_format(claim: &Claim, found: &mut Found) {
    let mut bad = Vec::new();
    for l in &claim.lines {
        let Some(supply) = tendered(l.table, l.group) else { continue };
        match l.detail.as_deref().and_then(|d| d.tender.as_deref()) {
            Some(t) if tender_form(t, supply) => {}
            Some(t) => bad.push(format!("{} `{t}`", line_ref(l))),
            None => bad.push(format!("{} —", line_ref(l))),
        }
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
