//! Drug interactions (tương tác thuốc, `interactions.csv`): two drugs the list says are not to
//! be given together, ordered for the same day of one visit, go to a human with the severity
//! the list gives (R11.INTERACTION; catalogue C127). The pairs are the facility's or the
//! agency's reference; a pair is matched whichever of its drugs comes first in the file.

use super::{Found, line_ref};
use crate::claim::{Claim, Table};
use crate::reference::Reference;

/// Catalogue C127 on one visit.
pub fn check(
    reference: Option<&Reference>,
    claim: &Claim,
    masks: super::Masks<'_>,
    found: &mut Found,
) {
    let Some(list) = Reference::loaded(reference, |l| &l.interactions) else {
        return;
    };
    let mut pairs = Vec::new();
    let drugs = || claim.lines.iter().filter(|l| l.table == Table::Xml2);
    for (i, a) in claim.lines.iter().enumerate() {
        if a.table != Table::Xml2 || !masks.has(i, crate::reference::listed::INTERACTIONS) {
            continue;
        }
        let day = claim.ordered_at(a).date();
        for row in list.on(&a.code, day) {
            if let Some(b) =
                drugs().find(|b| b.code == row.cells[0] && claim.ordered_at(b).date() == day)
            {
                pairs.push(format!(
                    "{} {} + {} {} ({})",
                    line_ref(a),
                    a.code,
                    line_ref(b),
                    b.code,
                    row.cells[1]
                ));
            }
        }
    }
    if !pairs.is_empty() {
        let list = pairs.join(", ");
        found.review(
            "R11.INTERACTION",
            format!("Thuốc tương tác được chỉ định cùng ngày: {list}"),
            format!("Interacting drugs ordered for the same day: {list}"),
            Vec::new(),
            "Law on Pharmacy 105/2016 Art. 80 (prescribing); TT 26/2025/TT-BYT (prescriptions); QĐ 130/QĐ-BYT Bảng 2",
        );
    }
}
