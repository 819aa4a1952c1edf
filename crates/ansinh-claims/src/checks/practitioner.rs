//! Rule R14, practitioner licence and scope (chứng chỉ hành nghề, phạm vi hành nghề): who
//! ordered a line and who did it are named, each is a practitioner registered with the fund at
//! the facility on the day with a licence, and a consultation is a doctor's (Law on Medical
//! Examination and Treatment 15/2023 Art. 19–20; TT 32/2023/TT-BYT; QĐ 130/QĐ-BYT Bảng 2–3
//! MA_BAC_SI, NGUOI_THUC_HIEN; TT 12/2026/TT-BTC Art. 10.1.e).

use super::{Found, group, line_ref};
use crate::claim::{Claim, Table};
use crate::reference::Reference;

const BASIS: &str = "Law 15/2023/QH15 Art. 19–20; TT 32/2023/TT-BYT; QĐ 130/QĐ-BYT Bảng 2–3 (MA_BAC_SI, NGUOI_THUC_HIEN)";

/// Groups whose performer must be named (tests, imaging, functional tests, surgery,
/// procedures: catalogue C153).
fn performer_required(g: u32) -> bool {
    matches!(
        g,
        group::LAB | group::IMAGING | group::FUNCTIONAL | group::SURGERY | group::PROCEDURE
    )
}

/// Titles a staff list gives a doctor (bác sĩ, y sĩ practise medicine; others do not examine).
fn examines(title: &str) -> bool {
    matches!(title, "doctor" | "physician_assistant" | "bac_si" | "y_si")
}

/// R14 on one visit (catalogue C152, C153, C155 prescribers, C156, C157).
pub fn check(reference: Option<&Reference>, claim: &Claim, found: &mut Found) {
    let staff = Reference::loaded(reference, |l| &l.staff);
    let mut unnamed = Vec::new();
    let mut unknown: Vec<(String, String)> = Vec::new();
    let mut not_doctor = Vec::new();
    let mut not_prescriber = Vec::new();
    let mut last: Option<(&str, ansinh_core::Date, (bool, bool))> = None;
    for l in &claim.lines {
        let d = l.detail.as_ref();
        let doctor = d.and_then(|d| d.doctor());
        let performers = d.and_then(|d| d.performers());
        let needs_performer = l.table == Table::Xml3 && performer_required(l.group);
        if doctor.is_none() || (needs_performer && performers.is_none()) {
            unnamed.push(line_ref(l));
        }
        let Some(staff) = staff else { continue };
        let at = claim.ordered_at(l).date();
        let names = doctor
            .into_iter()
            .chain(performers.into_iter().flat_map(|p| p.split(';')));
        for code in names.map(str::trim).filter(|c| !c.is_empty()) {
            // Most lines of a visit name the same practitioner on the same day: the last
            // answer is kept.
            let (registered, examiner) = match last {
                Some((c, d, answer)) if c == code && d == at => answer,
                _ => {
                    let (mut registered, mut examiner) = (false, false);
                    for row in staff
                        .on(code, at)
                        .filter(|r| r.cells[1].is_empty() || r.cells[1] == claim.facility)
                    {
                        registered = true;
                        examiner |= examines(&row.cells[0]);
                    }
                    last = Some((code, at, (registered, examiner)));
                    (registered, examiner)
                }
            };
            if !registered {
                unknown.push((line_ref(l), code.to_string()));
            } else if l.table == Table::Xml2 && Some(code) == doctor && !examiner {
                // C155: a drug is prescribed by a doctor or physician assistant (TT 26/2025/
                // TT-BYT), not a nurse, midwife or technician.
                not_prescriber.push(line_ref(l));
            } else if l.group == group::CONSULTATION
                && Some(code) == performers.map(str::trim).or(doctor)
                && !examiner
            {
                not_doctor.push(line_ref(l));
            }
        }
    }
    if !unnamed.is_empty() {
        found.note(
            "R14.UNNAMED",
            "Thiếu người chỉ định (MA_BAC_SI) hoặc người thực hiện (NGUOI_THUC_HIEN)".into(),
            "The ordering practitioner (MA_BAC_SI) or the performer (NGUOI_THUC_HIEN) is missing"
                .into(),
            unnamed,
            BASIS,
        );
    }
    if !unknown.is_empty() {
        let codes: Vec<String> = unknown.iter().map(|(r, c)| format!("{r} {c}")).collect();
        let list = codes.join(", ");
        found.review(
            "R14.LICENCE",
            format!("Người hành nghề không có trong danh sách đăng ký tại cơ sở vào ngày chỉ định: {list}"),
            format!("Practitioners not registered at the facility on the day: {list}"),
            unknown.into_iter().map(|(r, _)| r).collect(),
            BASIS,
        );
    }
    if !not_prescriber.is_empty() {
        found.review(
            "R14.PRESCRIBER",
            "Thuốc do người không được kê đơn chỉ định (điều dưỡng, hộ sinh, kỹ thuật viên)".into(),
            "A drug prescribed by someone who may not prescribe (a nurse, midwife or technician)"
                .into(),
            not_prescriber,
            "TT 26/2025/TT-BYT (người kê đơn); TT 32/2023/TT-BYT; QĐ 130/QĐ-BYT Bảng 2 (MA_BAC_SI)",
        );
    }
    if !not_doctor.is_empty() {
        found.review(
            "R14.SCOPE",
            "Công khám không do bác sĩ/y sĩ thực hiện".into(),
            "A consultation performed by someone who is not a doctor".into(),
            not_doctor,
            BASIS,
        );
    }
}
