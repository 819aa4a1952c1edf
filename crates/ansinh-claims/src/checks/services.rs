//! The services of one claim against each other and the lists (a service without an approved
//! price, R06.SERVICE, is found where R05 looks its price up, in `assess`): a price of nothing that is paid (R05), two surgeries at once both at
//! the full ratio (R07: the second is paid at 50 % or 80 %, TT 39/2018/TT-BYT Art. 7.3), the same
//! service ordered twice at the same minute (R10), an out-of-network stay billing orders of the
//! examination department (R04), and referral facilities that are no facility (R04).

use super::{Found, group, line_ref};
use crate::claim::{Claim, Table};
use crate::decimal::{Amount, Percent, Price};
use crate::reference::Reference;

/// Catalogue C033, C036, C045, C063, C112, C114.
pub fn check(reference: Option<&Reference>, claim: &Claim, found: &mut Found) {
    let mut zero_price = Vec::new();
    let mut exam_department = Vec::new();
    let out_of_network_stay = claim.inpatient() && claim.category.starts_with("3.");
    for l in &claim.lines {
        if l.unit_price_insured == Price::ZERO && l.insurer > Amount::ZERO {
            zero_price.push(line_ref(l));
        }
        if out_of_network_stay
            && l.detail
                .as_ref()
                .and_then(|d| d.get(crate::claim::LineText::Department))
                == Some("K01")
            && l.group != group::CONSULTATION
        {
            exam_department.push(line_ref(l));
        }
    }
    if !zero_price.is_empty() {
        found.review(
            "R05.ZERO_PRICE",
            "Đơn giá bằng 0 nhưng quỹ BHYT vẫn thanh toán".into(),
            "A unit price of 0 the fund still pays for".into(),
            zero_price,
            "QĐ 130/QĐ-BYT Bảng 2–3 (DON_GIA, T_BHTT)",
        );
    }
    if !exam_department.is_empty() {
        found.review(
            "R04.EXAM_DEPARTMENT",
            "Điều trị nội trú trái tuyến nhưng chỉ định tại khoa khám bệnh (K01)".into(),
            "An out-of-network stay billing orders of the examination department (K01)".into(),
            exam_department,
            "QĐ 130/QĐ-BYT Bảng 2–3 (MA_KHOA); Law on Health Insurance Art. 22.3",
        );
    }
    surgeries(claim, found);
    same_minute(claim, found);
    if let Some(r) = reference.filter(|r| r.has_facilities()) {
        let p = &claim.patient;
        let date = claim.admitted.date();
        let registered = p.registered_at.as_deref().unwrap_or("");
        let unknown: Vec<String> = [
            ("MA_NOI_DI", p.referred_from.as_deref().unwrap_or("")),
            ("MA_NOI_DEN", p.referred_to.as_deref().unwrap_or("")),
        ]
        .into_iter()
        // C019: each registration facility (one per card) is a facility of the list.
        .chain(registered.split(';').map(|c| ("MA_DKBD", c)))
        .filter_map(|(field, code)| {
            let code = code.trim();
            (!code.is_empty() && r.facility_level(code, date).is_none())
                .then(|| format!("{field} {code}"))
        })
        .collect();
        if !unknown.is_empty() {
            let list = unknown.join(", ");
            found.note(
                "S.REFERRAL_FACILITY",
                format!("Cơ sở chuyển đi/chuyển đến không có trong danh mục: {list}"),
                format!("Referral facilities not in the facility list: {list}"),
                Vec::new(),
                "QĐ 130/QĐ-BYT Bảng 1 (MA_NOI_DI, MA_NOI_DEN)",
            );
        }
    }
}

/// C063, C112: two surgeries (group 8) whose times overlap, both claimed at the full service
/// ratio — the second is paid at 50 % (80 % by another team): a human reads which.
fn surgeries(claim: &Claim, found: &mut Found) {
    let full: Vec<_> = claim
        .lines
        .iter()
        .filter(|l| {
            l.table == Table::Xml3
                && l.group == group::SURGERY
                && l.service_ratio == Percent::HUNDRED
        })
        .filter_map(|l| Some((l, l.performed?, l.result?)))
        .collect();
    let mut both = Vec::new();
    for (i, (a, a_from, a_to)) in full.iter().enumerate() {
        for (b, b_from, b_to) in &full[i + 1..] {
            if a_from < b_to && b_from < a_to {
                both.push(format!("{} & {}", line_ref(a), line_ref(b)));
            }
        }
    }
    if !both.is_empty() {
        let list = both.join(", ");
        found.review(
            "R07.SECOND_SURGERY",
            format!("Hai phẫu thuật cùng thời gian đều tính 100%: {list}"),
            format!("Two surgeries at the same time both at 100 %: {list}"),
            Vec::new(),
            "TT 39/2018/TT-BYT Art. 7.3 (the second procedure at 50 %, 80 % by another team)",
        );
    }
}

/// C114 within a claim: the same service ordered twice at the same minute.
fn same_minute(claim: &Claim, found: &mut Found) {
    let services: Vec<_> = claim
        .lines
        .iter()
        .filter(|l| {
            l.table == Table::Xml3
                && !group::is_bed(l.group)
                && !matches!(l.group, group::SUPPLY | group::SUPPLY_RATIO)
        })
        .collect();
    let mut twice = Vec::new();
    for (i, a) in services.iter().enumerate() {
        if services[i + 1..]
            .iter()
            .any(|b| b.code == a.code && b.ordered.is_some() && b.ordered == a.ordered)
        {
            twice.push(line_ref(a));
        }
    }
    if !twice.is_empty() {
        found.review(
            "R10.SAME_TIME",
            "Cùng một dịch vụ chỉ định hai lần cùng thời điểm".into(),
            "The same service ordered twice at the same minute".into(),
            twice,
            "QĐ 130/QĐ-BYT Bảng 3 (MA_DICH_VU, NGAY_YL)",
        );
    }
}
