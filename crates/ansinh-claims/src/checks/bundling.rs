//! Rule R08, unbundled items (tách dịch vụ): a service whose price already includes another
//! is not paid again when both are billed for the same day (TT 39/2018/TT-BYT Art. 3 and the
//! price structures of TT 21/2024/TT-BYT; the pairs as reference data, `bundles.csv`).

use super::Found;
use crate::claim::Claim;
use crate::reference::Reference;

const BASIS: &str = "TT 21/2024/TT-BYT (cơ cấu giá dịch vụ); TT 39/2018/TT-BYT Art. 3; TT 12/2026/TT-BTC Art. 10.1.d";

/// R08 on one visit (catalogue C070–C088): each line whose code the list says is included in
/// another line billed the same day is rejected.
pub fn check(reference: Option<&Reference>, claim: &Claim, found: &mut Found) {
    let Some(bundles) = Reference::loaded(reference, |l| &l.bundles) else {
        return;
    };
    let mut included = Vec::new();
    let mut names = Vec::new();
    for (i, l) in claim.lines.iter().enumerate() {
        let at = claim.ordered_at(l);
        let inside = bundles.on(&l.code, at.date()).find_map(|row| {
            claim.lines.iter().enumerate().find(|(j, other)| {
                *j != i && other.code == row.cells[0] && claim.ordered_at(other).date() == at.date()
            })
        });
        if let Some((_, other)) = inside {
            included.push(i);
            names.push(format!("{} ⊂ {}", l.code, other.code));
        }
    }
    if !included.is_empty() {
        let list = names.join(", ");
        found.reject(
            "R08.UNBUNDLED",
            format!("Dịch vụ đã nằm trong giá của dịch vụ khác cùng ngày: {list}"),
            format!("Billed apart though priced into another service the same day: {list}"),
            included,
            claim,
            BASIS,
        );
    }
}
