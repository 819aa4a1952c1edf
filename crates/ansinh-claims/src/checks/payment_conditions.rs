//! Payment conditions of a service that depend on the rest of the visit (điều kiện thanh toán,
//! TT 35/2016/TT-BYT as amended by TT 39/2024/TT-BYT; TT 22/2023/TT-BYT for prices that include
//! another item), as reference lists:
//! - `settings.csv`: a service paid only for outpatients or only in a stay — an injection, a
//!   dressing change or stitches out billed in a stay whose bed day includes them (R09.SETTING,
//!   rejected; C066);
//! - `requires.csv`: a service paid only with another of the visit — an endoscopy with biopsy
//!   without the pathology of the specimen (paid as the endoscopy without), suction of a
//!   ventilated patient without the ventilation (R08.REQUIRES, review; C046, C086);
//! - `concurrent.csv`: an item not paid while a service runs — oxygen given during mechanical
//!   ventilation, whose price includes it (R08.CONCURRENT, rejected; C078).

use super::{Found, line_ref};
use crate::claim::Claim;
use crate::reference::Reference;

const BASIS: &str = "TT 35/2016/TT-BYT as amended by TT 39/2024/TT-BYT; TT 22/2023/TT-BYT (giá dịch vụ kỹ thuật, cơ cấu giá); TT 12/2026/TT-BTC Art. 10.1";

/// Catalogue C046, C066, C078, C086 on one visit.
pub fn check(
    reference: Option<&Reference>,
    claim: &Claim,
    masks: super::Masks<'_>,
    found: &mut Found,
) {
    use crate::reference::listed;
    let Some(r) = reference else { return };
    let lists = &r.lists;
    let mut wrong_setting = Vec::new();
    let mut without = Vec::new();
    let mut during = Vec::new();
    let stay = claim.inpatient();
    for (i, l) in claim.lines.iter().enumerate() {
        if !masks.has(i, listed::SETTINGS | listed::REQUIRES | listed::CONCURRENT) {
            continue;
        }
        let date = claim.ordered_at(l).date();
        if let Some(row) = lists.settings.on(&l.code, date).next() {
            let only_outpatient = row.cells[0] == "outpatient";
            if only_outpatient == stay {
                wrong_setting.push(i);
            }
        }
        if let Some(row) = lists.requires.on(&l.code, date).next() {
            let needed: Vec<&str> = row.cells[0]
                .split(';')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            if !claim
                .lines
                .iter()
                .any(|o| needed.iter().any(|n| o.code == *n))
            {
                without.push(format!("{} ({})", line_ref(l), needed.join(" | ")));
            }
        }
        let when = l.performed.unwrap_or(claim.ordered_at(l));
        for row in lists.concurrent.on(&l.code, date) {
            let running = claim.lines.iter().any(|o| {
                o.code == row.cells[0]
                    && o.performed
                        .zip(o.result)
                        .is_some_and(|(from, to)| from <= when && when < to)
            });
            if running {
                during.push(i);
                break;
            }
        }
    }
    if !wrong_setting.is_empty() {
        let (vi, en) = if stay {
            (
                "Dịch vụ chỉ thanh toán ngoại trú, đã tính trong giá ngày giường khi điều trị nội trú",
                "A service paid for outpatients only: in a stay the bed day's price includes it",
            )
        } else {
            (
                "Dịch vụ chỉ thanh toán khi điều trị nội trú",
                "A service paid in a stay only",
            )
        };
        found.reject(
            "R09.SETTING",
            vi.into(),
            en.into(),
            wrong_setting,
            claim,
            BASIS,
        );
    }
    if !without.is_empty() {
        let list = without.join(", ");
        found.review(
            "R08.REQUIRES",
            format!("Dịch vụ thiếu dịch vụ đi kèm là điều kiện thanh toán: {list}"),
            format!("A service billed without the one its payment requires: {list}"),
            Vec::new(),
            BASIS,
        );
    }
    if !during.is_empty() {
        found.reject(
            "R08.CONCURRENT",
            "Chi phí đã tính trong giá dịch vụ đang thực hiện cùng thời điểm (ví dụ oxy khi thở máy)"
                .into(),
            "Billed while a service whose price includes it ran (e.g. oxygen during ventilation)"
                .into(),
            during,
            claim,
            BASIS,
        );
    }
}
