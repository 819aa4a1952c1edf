//! The stay itself: bed days against its length (R09, ngày giường), quantities a line cannot
//! have, the times of orders, execution and results against the stay and each other (R12), the
//! network status against the registration and referral (R04), and the scope of cards paid in
//! full (R07).

use super::{Found, group, line_ref};
use crate::claim::{Claim, Table};
use crate::decimal::Quantity;
use crate::reference::Reference;
use ansinh_rules::Params;

const BASIS_BED: &str = "TT 39/2018/TT-BYT Art. 6 as amended by TT 22/2023/TT-BYT (ngày giường); QĐ 130/QĐ-BYT Bảng 1 SO_NGAY_DTRI";
const BASIS_TIME: &str = "QĐ 130/QĐ-BYT Bảng 1–4 (NGAY_VAO, NGAY_VAO_NOI_TRU, NGAY_RA, NGAY_YL, NGAY_TH_YL, NGAY_KQ, NGAY_SINH)";

/// The bed days a stay may bill: from the day of admission to the day of discharge, the day of
/// discharge counted only when the patient died, got worse or was transferred (KET_QUA_DTRI 4,
/// 5, 6; MA_LOAI_RV 2); a stay within one day counts one day when it lasted at least
/// `min_hours` and none below (TT 39/2018/TT-BYT Art. 6.2 as amended by TT 22/2023/TT-BYT).
pub fn bed_days_allowed(claim: &Claim, min_hours: i64) -> Option<i64> {
    let out = claim.discharged?;
    let days = claim.admitted.date().until(out.date()).ok()?.get_days() as i64;
    let p = &claim.patient;
    let last_day_counts = matches!(p.outcome.as_deref(), Some("4" | "5" | "6"))
        || p.discharge_kind.as_deref() == Some("2");
    if days == 0 {
        let minutes = claim
            .admitted
            .until(out)
            .ok()?
            .total(jiff::Unit::Minute)
            .ok()? as i64;
        return Some(i64::from(minutes >= min_hours * 60));
    }
    Some(days + i64::from(last_day_counts))
}

/// R09, R12, R04 and R07 on one visit (catalogue C032, C035, C062, C090–C096, C129–C132,
/// C138, C140).
pub fn check(
    params: &Params,
    reference: Option<&crate::reference::Reference>,
    claim: &Claim,
    found: &mut Found,
) {
    locked(reference, claim, found);
    let p = &claim.patient;
    let inpatient = claim.inpatient();
    // C141: an examination visit on a public holiday (not an emergency) is noted: the
    // facility's days of service are the assessor's to check. Sundays are not: a facility
    // chooses its weekly rest (Labour Code Art. 111.2) and many hold clinics on Sundays.
    if claim.visit_type == "01"
        && claim.category != "2"
        && ansinh_rules::calendar::is_public_holiday(params, claim.admitted.date())
    {
        found.note(
            "S.DAY_OFF",
            format!(
                "Khám ngoại trú vào ngày nghỉ lễ, tết {}",
                claim.admitted.date()
            ),
            format!(
                "An examination on a public holiday, {}",
                claim.admitted.date()
            ),
            Vec::new(),
            "Labour Code 45/2019/QH14 Art. 112; QĐ 130/QĐ-BYT Bảng 1 (NGAY_VAO)",
        );
    }
    let mut inpatient_beds = Vec::new();
    let (mut bed_total, mut bed_lines) = (Quantity::ZERO, Vec::new());
    let mut over_one = Vec::new();
    let mut consultations = 0usize;
    let mut before_order = Vec::new();
    let mut result_after_discharge = Vec::new();
    for (i, l) in claim.lines.iter().enumerate() {
        if l.table == Table::Xml3 {
            if l.group == group::BED_INPATIENT && !inpatient {
                inpatient_beds.push(i);
            }
            if group::is_bed(l.group) {
                bed_total += l.quantity;
                bed_lines.push(line_ref(l));
            }
            // One bed a day a line, one surgery a line (C090, C091).
            if (group::is_bed(l.group) || l.group == group::SURGERY)
                && l.quantity > Quantity::whole(1)
            {
                over_one.push(line_ref(l));
            }
            if l.group == group::CONSULTATION {
                consultations += 1;
            }
        }
        // A line ordered outside the stay is R12.TIME's (rejected): not said twice.
        let inside = l
            .ordered
            .is_none_or(|o| o >= claim.admitted && claim.discharged.is_none_or(|out| o <= out));
        if !inside {
            continue;
        }
        if let (Some(ordered), Some(done)) = (l.ordered, l.performed)
            && done < ordered
        {
            before_order.push(line_ref(l));
        } else if let (Some(ordered), Some(result)) = (l.ordered, l.result)
            && result < ordered
        {
            before_order.push(line_ref(l));
        }
        if let (Some(result), Some(out)) = (l.result, claim.discharged)
            && result > out
        {
            result_after_discharge.push(line_ref(l));
        }
    }
    // An inpatient bed billed for a visit that is no stay (C094): not payable.
    if !inpatient_beds.is_empty() {
        found.reject(
            "R09.BED_OUTPATIENT",
            format!(
                "Giường bệnh nội trú cho lượt khám ngoại trú (MA_LOAI_KCB {})",
                claim.visit_type
            ),
            format!(
                "An inpatient bed billed for a visit that is no stay (MA_LOAI_KCB {})",
                claim.visit_type
            ),
            inpatient_beds,
            claim,
            BASIS_BED,
        );
    }
    if !over_one.is_empty() {
        found.review(
            "R09.QUANTITY",
            "Số lượng giường/phẫu thuật trên một dòng lớn hơn 1".into(),
            "A bed or surgery line with a quantity above 1".into(),
            over_one,
            "QĐ 130/QĐ-BYT Bảng 3 (SO_LUONG)",
        );
    }
    if inpatient && consultations >= 2 {
        found.review(
            "R09.CONSULTATION_INPATIENT",
            format!("Lượt điều trị nội trú có {consultations} tiền khám"),
            format!("An inpatient stay billing {consultations} consultations"),
            Vec::new(),
            "TT 39/2018/TT-BYT Art. 6; TT 39/2024/TT-BYT (tiền khám khi vào nội trú)",
        );
    }
    // Bed days against the length of the stay (C093).
    let min_hours =
        ansinh_rules::health::bed_day_min_hours(params, claim.admitted.date()).unwrap_or(4);
    if !bed_lines.is_empty()
        && let Some(allowed) = bed_days_allowed(claim, min_hours)
        && bed_total > Quantity::whole(allowed)
    {
        found.review(
            "R09.BED_DAYS",
            format!("Tổng ngày giường {bed_total} vượt số ngày điều trị cho phép {allowed}"),
            format!("{bed_total} bed days billed; the stay allows {allowed}"),
            bed_lines,
            BASIS_BED,
        );
    }
    // Days of treatment by visit type (C095: none for 01, 07, 09) and an exam within a day (C096).
    if let Some(days) = p.treatment_days
        && days > 0
        && matches!(claim.visit_type.as_str(), "01" | "07" | "09")
    {
        found.note(
            "S.TREATMENT_DAYS",
            format!(
                "MA_LOAI_KCB {} không tính ngày điều trị (SO_NGAY_DTRI = {days})",
                claim.visit_type
            ),
            format!(
                "MA_LOAI_KCB {} counts no days of treatment (SO_NGAY_DTRI = {days})",
                claim.visit_type
            ),
            Vec::new(),
            "QĐ 130/QĐ-BYT Bảng 1 (SO_NGAY_DTRI), sửa đổi bởi QĐ 4750/QĐ-BYT",
        );
    }
    if claim.visit_type == "01"
        && let Some(out) = claim.discharged
        && claim
            .admitted
            .until(out)
            .ok()
            .and_then(|s| s.total(jiff::Unit::Hour).ok())
            .is_some_and(|h| h > 24.0)
    {
        found.review(
            "R12.EXAM_LENGTH",
            "Lượt khám bệnh (MA_LOAI_KCB 01) kéo dài quá 24 giờ".into(),
            "An examination visit (MA_LOAI_KCB 01) lasting more than 24 hours".into(),
            Vec::new(),
            BASIS_TIME,
        );
    }
    // Times out of order (C131, C132), birth and admission (C138, C140).
    if !before_order.is_empty() {
        found.review(
            "R12.ORDER",
            "Thực hiện hoặc có kết quả trước thời điểm y lệnh".into(),
            "Executed or resulted before it was ordered".into(),
            before_order,
            BASIS_TIME,
        );
    }
    if !result_after_discharge.is_empty() {
        found.review(
            "R12.RESULT_AFTER_DISCHARGE",
            "Kết quả sau thời điểm ra viện".into(),
            "A result after discharge".into(),
            result_after_discharge,
            BASIS_TIME,
        );
    }
    let mut wrong = Vec::new();
    if claim.discharged.is_some_and(|out| out < claim.admitted) {
        wrong.push("NGAY_RA before NGAY_VAO".to_string());
    }
    if let Some(birth) = p.birth
        && birth > claim.admitted.date()
    {
        wrong.push(format!("NGAY_SINH {birth} after NGAY_VAO"));
    }
    if let Some(from) = p.inpatient_from {
        if from < claim.admitted {
            wrong.push("NGAY_VAO_NOI_TRU before NGAY_VAO".to_string());
        }
        if claim.discharged.is_some_and(|out| from > out) {
            wrong.push("NGAY_VAO_NOI_TRU after NGAY_RA".to_string());
        }
    }
    if !wrong.is_empty() {
        let list = wrong.join("; ");
        found.review(
            "R12.DATES",
            format!("Ngày tháng không hợp lý: {list}"),
            format!("Dates out of order: {list}"),
            Vec::new(),
            BASIS_TIME,
        );
    }
    physiotherapy(params, claim, found);
    network(claim, found);
    uninsured(claim, found);
}

/// C184, C069: a visit its reason says is not under the card (LY_DO_VV "không KCB BHYT", or
/// MA_DOITUONG_KCB 9) that still claims a fund share goes to a human; a card of a child under
/// six (TE) for an older patient too (C010).
fn uninsured(claim: &Claim, found: &mut Found) {
    if (claim.patient.declared_uninsured || claim.category == "9")
        && claim.totals.insurer > crate::decimal::Amount::ZERO
    {
        found.review(
            "R03.NOT_INSURED",
            "Người bệnh không KCB BHYT nhưng đề nghị quỹ thanh toán".into(),
            "The visit is not under the card (LY_DO_VV or MA_DOITUONG_KCB 9) but claims a fund share".into(),
            Vec::new(),
            "Law on Health Insurance Art. 28; QĐ 130/QĐ-BYT Bảng 1 (LY_DO_VV, MA_DOITUONG_KCB)",
        );
    }
    // A child's card runs to the sixth birthday, or to 30 September of that year when the
    // birthday comes before the school year.
    let child_card_end = |birth: jiff::civil::Date| {
        let six = birth.checked_add(jiff::Span::new().years(6)).ok()?;
        let september = jiff::civil::Date::new(six.year(), 9, 30).ok()?;
        Some(six.max(september))
    };
    if let (Some(card), Some(birth)) = (claim.cards.first(), claim.patient.birth)
        && card.code.starts_with("TE")
        && child_card_end(birth).is_some_and(|end| claim.admitted.date() > end)
    {
        found.review(
            "R02.CHILD_CARD",
            "Thẻ TE (trẻ dưới 6 tuổi) của người bệnh đã quá 6 tuổi".into(),
            "A TE card (children under six) for a patient older than six".into(),
            Vec::new(),
            "Law on Health Insurance Art. 12.3 (a child's card to 72 months, or 30 September of that year)",
        );
    }
}

/// C097: physiotherapy techniques beyond the number paid a day go to a human.
fn physiotherapy(params: &Params, claim: &Claim, found: &mut Found) {
    let Ok((prefix, per_day)) =
        ansinh_rules::health::physiotherapy_per_day(params, claim.admitted.date())
    else {
        return;
    };
    let days: Vec<jiff::civil::Date> = claim
        .lines
        .iter()
        .filter(|l| l.table == Table::Xml3 && l.code.starts_with(prefix.as_str()))
        .map(|l| claim.ordered_at(l).date())
        .collect();
    if days.len() <= per_day as usize {
        return;
    }
    let mut over: Vec<String> = Vec::new();
    let mut counted: Vec<jiff::civil::Date> = Vec::new();
    for d in &days {
        if counted.contains(d) {
            continue;
        }
        counted.push(*d);
        let n = days.iter().filter(|x| *x == d).count();
        if n > per_day as usize {
            over.push(format!("{d}: {n}"));
        }
    }
    if !over.is_empty() {
        let list = over.join(", ");
        found.review(
            "R09.PHYSIOTHERAPY",
            format!("Quá {per_day} kỹ thuật phục hồi chức năng một ngày: {list}"),
            format!("More than {per_day} physiotherapy techniques a day: {list}"),
            Vec::new(),
            "TT 35/2016/TT-BYT as amended by TT 39/2024/TT-BYT (payment conditions)",
        );
    }
}

/// R04 and R07 (C032, C035, C062): out of network at one's own registered facility; a referral
/// without where it came from or its paper; a card of the armed forces or police outside the
/// scope they are paid in full (PHAM_VI 3).
fn network(claim: &Claim, found: &mut Found) {
    let p = &claim.patient;
    if claim.category.starts_with("3.") && claim.registered_here() == Some(true) {
        found.review(
            "R04.CATEGORY",
            format!(
                "Mã đối tượng {} (tự đến) nhưng nơi đăng ký KCB ban đầu là chính cơ sở {}",
                claim.category, claim.facility
            ),
            format!(
                "Category {} (self-referred) at the holder's own registered facility {}",
                claim.category, claim.facility
            ),
            Vec::new(),
            "QĐ 130/QĐ-BYT Bảng 1 (MA_DOITUONG_KCB, MA_DKBD); Law on Health Insurance Art. 22",
        );
    }
    // C034 (the admission reason of QĐ 4210 read as QĐ 130's category): a visit at one's
    // registered facility (1.1) elsewhere than the MA_DKBD, and not referred there.
    if claim.category == "1.1"
        && p.referred_from.is_none()
        && claim.registered_here() == Some(false)
    {
        found.review(
            "R04.CATEGORY",
            format!(
                "Mã đối tượng 1.1 (đúng nơi đăng ký KCB ban đầu) nhưng MA_DKBD không phải cơ sở {} và không có nơi chuyển đi (MA_NOI_DI)",
                claim.facility
            ),
            format!(
                "Category 1.1 (at the registered facility) but MA_DKBD is not facility {} and no referral from (MA_NOI_DI) is given",
                claim.facility
            ),
            Vec::new(),
            "QĐ 130/QĐ-BYT Bảng 1 (MA_DOITUONG_KCB, MA_DKBD, MA_NOI_DI); Law on Health Insurance Art. 22, 26",
        );
    }
    if claim.category == "1.3" && (p.referred_from.is_none() || p.referral_paper.is_none()) {
        found.review(
            "R04.REFERRAL",
            "Đến theo phiếu chuyển (1.3) nhưng thiếu MA_NOI_DI hoặc GIAY_CHUYEN_TUYEN".into(),
            "Referred (1.3) without MA_NOI_DI or GIAY_CHUYEN_TUYEN".into(),
            Vec::new(),
            "TT 01/2025/TT-BYT Art. 9–10; QĐ 130/QĐ-BYT Bảng 1",
        );
    }
    // C035: where the patient was referred from and the referral paper go together.
    if claim.category != "1.3" && p.referred_from.is_some() != p.referral_paper.is_some() {
        let (sent, missing) = if p.referred_from.is_some() {
            ("MA_NOI_DI", "GIAY_CHUYEN_TUYEN")
        } else {
            ("GIAY_CHUYEN_TUYEN", "MA_NOI_DI")
        };
        found.note(
            "S.REFERRAL",
            format!("Có {sent} nhưng thiếu {missing}"),
            format!("{sent} sent without {missing}"),
            Vec::new(),
            "QĐ 130/QĐ-BYT Bảng 1 (MA_NOI_DI, GIAY_CHUYEN_TUYEN); TT 01/2025/TT-BYT Art. 9–10",
        );
    }
    if claim.armed_forces_card() {
        let outside: Vec<String> = claim
            .lines
            .iter()
            .filter(|l| l.scope == 1)
            .map(line_ref)
            .collect();
        if !outside.is_empty() {
            found.review(
                "R07.SCOPE",
                "Thẻ QN/CA/CY: chi phí phải ghi PHAM_VI = 3".into(),
                "A QN, CA or CY card: lines are sent with PHAM_VI 3".into(),
                outside,
                "QĐ 130/QĐ-BYT Bảng 2–3 (PHAM_VI); NĐ 70/2015/NĐ-CP",
            );
        }
    }
}

/// C007: a card on the agency's lock list on the day of the visit goes to a human.
fn locked(reference: Option<&crate::reference::Reference>, claim: &Claim, found: &mut Found) {
    let Some(list) = Reference::loaded(reference, |l| &l.locked) else {
        return;
    };
    let date = claim.admitted.date();
    for card in &claim.cards {
        if let Some(row) = list.on(&card.code, date).next() {
            found.review(
                "R01.LOCKED",
                format!("Thẻ {} bị khóa: {}", card.code, row.cells[0]),
                format!("Card {} is locked: {}", card.code, row.cells[0]),
                Vec::new(),
                "Law on Health Insurance Art. 16, 17 (cards revoked, replaced, reported lost)",
            );
        }
    }
}
