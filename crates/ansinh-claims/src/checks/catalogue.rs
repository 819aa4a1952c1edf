//! The facility's approved catalogue (danh mục dùng chung của cơ sở được cơ quan BHXH phê
//! duyệt, `catalogue.csv`): a facility bills only the drugs, supplies and services the agency
//! approved for it, under the name, strength, registration number and tender it approved them,
//! at most at the price approved (Law on Health Insurance Art. 31; NĐ 146/2018 Art. 30; TT
//! 12/2026/TT-BTC Art. 10.1.c–d; QĐ 130/QĐ-BYT Bảng 2–3 for the fields compared).
//!
//! A row applies to the facility it names (empty: to every facility) on its dates (catalogue
//! C055). A line matches a row when each of the row's strength, registration and tender that is
//! given equals the line's (case and spaces aside). What is found: a line of no row of the
//! facility (R06.CATALOGUE, review; C056, C058, C050), a line whose strength, registration or
//! tender matches no row (R05.CATALOGUE_MATCH, review; C048, C050), a name none of the rows
//! gives (S.CATALOGUE_NAME, a note; C049, C050, C053). The matched row's price caps the
//! line's in `assess` (R05.PRICE; C040, C041).

use super::{Found, line_ref};
use crate::claim::{Claim, CostLine, LineText};
use crate::decimal::Price;
use crate::reference::{List, Reference, Row};
use ansinh_core::Date;

const FACILITY: usize = 0;
const NAME: usize = 2;
const STRENGTH: usize = 3;
const REGISTRATION: usize = 4;
const TENDER: usize = 5;
const PRICE: usize = 6;

const BASIS: &str = "Law on Health Insurance Art. 31; NĐ 146/2018/NĐ-CP Art. 30; TT 12/2026/TT-BTC Art. 10.1.c–d; QĐ 130/QĐ-BYT Bảng 2–3";

/// Where a line stands in the facility's catalogue on a day.
#[derive(Debug)]
pub enum Listed<'a> {
    /// No row of the code for this facility on the day.
    Absent,
    /// Rows of the code, none with the line's strength, registration and tender: the first.
    Unmatched(&'a Row),
    Matched(&'a Row),
}

/// Equal but for case and white space ("850 mg" is "850mg").
fn same(a: &str, b: &str) -> bool {
    fn squeeze(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
    }
    a == b || squeeze(a).eq(squeeze(b))
}

/// The fields of the line that differ from a row's given ones, by the standard's names.
fn differing(row: &Row, line: &CostLine) -> Vec<&'static str> {
    [
        (STRENGTH, LineText::Strength, "HAM_LUONG"),
        (REGISTRATION, LineText::Registration, "SO_DANG_KY"),
        (TENDER, LineText::Tender, "TT_THAU"),
    ]
    .into_iter()
    .filter(|(cell, text, _)| {
        let want = row.cells[*cell].as_str();
        !want.is_empty()
            && !line
                .detail
                .as_ref()
                .and_then(|d| d.get(*text))
                .is_some_and(|sent| same(sent, want))
    })
    .map(|(_, _, name)| name)
    .collect()
}

/// The line in the facility's catalogue on `date` (C055: rows of another facility do not
/// count).
pub fn lookup<'a>(list: &'a List, facility: &str, line: &CostLine, date: Date) -> Listed<'a> {
    let mut first = None;
    for row in list
        .on(&line.code, date)
        .filter(|r| r.cells[FACILITY].is_empty() || r.cells[FACILITY] == facility)
    {
        if differing(row, line).is_empty() {
            return Listed::Matched(row);
        }
        first.get_or_insert(row);
    }
    first.map_or(Listed::Absent, Listed::Unmatched)
}

/// Catalogue C048–C050, C053, C055, C056, C058 on one visit.
pub fn check(
    reference: Option<&Reference>,
    claim: &Claim,
    masks: super::Masks<'_>,
    found: &mut Found,
) {
    let Some(list) = Reference::loaded(reference, |l| &l.catalogue) else {
        return;
    };
    let mut absent = Vec::new();
    let mut unmatched = Vec::new();
    let mut named = Vec::new();
    for (i, l) in claim.lines.iter().enumerate() {
        let date = claim.ordered_at(l).date();
        let listed = if masks.has(i, crate::reference::listed::CATALOGUE) {
            lookup(list, &claim.facility, l, date)
        } else {
            Listed::Absent
        };
        let row = match listed {
            Listed::Absent => {
                absent.push(line_ref(l));
                continue;
            }
            Listed::Unmatched(row) => {
                unmatched.push(format!(
                    "{} ({})",
                    line_ref(l),
                    differing(row, l).join(", ")
                ));
                row
            }
            Listed::Matched(row) => {
                // Read when the list was loaded (`reference::check_cells`): a number or empty.
                if let Ok(price) = row.cells[PRICE].parse::<Price>() {
                    found.catalogue_prices.push((i, price));
                }
                row
            }
        };
        let name = l.detail.as_ref().and_then(|d| d.name());
        let approved = row.cells[NAME].as_str();
        if let Some(name) = name
            && !approved.is_empty()
            && !list
                .on(&l.code, date)
                .filter(|r| r.cells[FACILITY].is_empty() || r.cells[FACILITY] == claim.facility)
                .any(|r| same(r.cells[NAME].as_str(), name))
        {
            named.push(format!("{} `{name}` ≠ `{approved}`", line_ref(l)));
        }
    }
    if !absent.is_empty() {
        found.review(
            "R06.CATALOGUE",
            format!(
                "Không có trong danh mục được phê duyệt của cơ sở {} vào ngày chỉ định",
                claim.facility
            ),
            format!(
                "Not in the catalogue approved for facility {} on the day ordered",
                claim.facility
            ),
            absent,
            BASIS,
        );
    }
    if !unmatched.is_empty() {
        let list = unmatched.join("; ");
        found.review(
            "R05.CATALOGUE_MATCH",
            format!("Hàm lượng, số đăng ký hoặc thông tin thầu khác danh mục được duyệt: {list}"),
            format!(
                "Strength, registration number or tender differs from the approved catalogue: {list}"
            ),
            Vec::new(),
            BASIS,
        );
    }
    if !named.is_empty() {
        let list = named.join("; ");
        found.note(
            "S.CATALOGUE_NAME",
            format!("Tên khác tên trong danh mục được duyệt: {list}"),
            format!("A name other than the approved catalogue's: {list}"),
            Vec::new(),
            BASIS,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::same;

    #[test]
    fn names_compare_without_case_and_spaces() {
        assert!(same("850 mg", "850mg"));
        assert!(same("Metformin 850MG", "metformin 850mg"));
        assert!(same("Khám Nội tổng hợp", "khám nội  tổng hợp"));
        assert!(!same("850mg", "500mg"));
    }
}
