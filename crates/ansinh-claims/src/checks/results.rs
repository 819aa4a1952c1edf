//! The results and the clinical course (XML4 `CHI_TIET_CLS`, XML5 `CHI_TIET_DIEN_BIEN_BENH` of
//! QĐ 130/QĐ-BYT as amended by QĐ 4750): read only for the checks that need them, from the
//! tables kept as sent. A result belongs to a service billed in XML3 (C054), an image has its
//! description and conclusion (C167), results and notes of the course lie within the stay
//! (C131, C134), and who read a result or wrote the course is a registered practitioner (C154).

use super::{Found, group};
use crate::claim::{Claim, Table};
use crate::records::{Schema, records};
use crate::reference::Reference;

crate::schema!(
    /// The fields of an XML4 result (QĐ 130 Bảng 4) the checks read.
    pub ResultField {
        MA_LK, STT, MA_DICH_VU, MA_CHI_SO, TEN_CHI_SO, GIA_TRI, DON_VI_DO, MO_TA, KET_LUAN,
        NGAY_KQ, MA_BS_DOC_KQ,
    }
);

crate::schema!(
    /// The fields of an XML5 note of the clinical course (QĐ 130 Bảng 5) the checks read.
    pub CourseField {
        MA_LK, STT, DIEN_BIEN_LS, GIAI_DOAN_BENH, HOI_CHAN, PHAU_THUAT, THOI_DIEM_DBLS,
        NGUOI_THUC_HIEN,
    }
);

const BASIS: &str = "QĐ 130/QĐ-BYT Bảng 4–5, sửa đổi bởi QĐ 4750/QĐ-BYT";

fn table<'a>(claim: &'a Claim, kind: &str) -> Option<&'a str> {
    std::str::from_utf8(claim.other_table(kind)?).ok()
}

/// A field of a record; none when empty.
fn get<'c>(cells: &'c [crate::records::Text<'_>], f: ResultField) -> Option<&'c str> {
    Some(cells[f.index()].as_ref()).filter(|v| !v.is_empty())
}

/// A time of the standard (yyyyMMddHHmm), as the cost lines read theirs.
fn time(text: &str) -> Option<jiff::civil::DateTime> {
    crate::claim::parse_time(text.trim())
}

/// Catalogue C054, C131 (XML4), C133 (form), C134, C154, C167.
pub fn check(reference: Option<&Reference>, claim: &Claim, found: &mut Found) {
    let results = table(claim, "XML4");
    let course = table(claim, "XML5");
    if results.is_none() && course.is_none() {
        return;
    }
    let staff = Reference::loaded(reference, |l| &l.staff);
    let within = |t: jiff::civil::DateTime| {
        t >= claim.admitted && claim.discharged.is_none_or(|out| t <= out)
    };
    let mut notes = Vec::new();
    let mut late = Vec::new();
    let mut unknown = Vec::new();
    let registered = |code: &str, date| {
        staff.is_none_or(|s| {
            s.on(code, date)
                .any(|r| r.cells[1].is_empty() || r.cells[1] == claim.facility)
        })
    };
    if let Some(text) = results {
        match records::<ResultField>(text, "CHI_TIET_CLS") {
            Err(e) => notes.push(format!("XML4: {e}")),
            Ok(rows) => {
                let mut described: Vec<&str> = Vec::new();
                for (n, cells) in rows.iter().enumerate() {
                    let code = get(cells, ResultField::MA_DICH_VU);
                    match code {
                        Some(code)
                            if claim
                                .lines
                                .iter()
                                .any(|l| l.table == Table::Xml3 && l.code == code) => {}
                        Some(code) => notes.push(format!(
                            "XML4 #{} MA_DICH_VU {code} is no service of XML3",
                            n + 1
                        )),
                        None => notes.push(format!("XML4 #{} without MA_DICH_VU", n + 1)),
                    }
                    // C180: the fields' own limits (QĐ 130 Bảng 4).
                    for (field, most) in [
                        (ResultField::MA_CHI_SO, 50),
                        (ResultField::TEN_CHI_SO, 255),
                        (ResultField::GIA_TRI, 50),
                        (ResultField::DON_VI_DO, 50),
                    ] {
                        if get(cells, field).is_some_and(|v| v.chars().count() > most) {
                            notes.push(format!(
                                "XML4 #{} {} longer than {most} characters",
                                n + 1,
                                ResultField::NAMES[field.index()]
                            ));
                        }
                    }
                    if let Some(code) = code
                        && get(cells, ResultField::MO_TA).is_some()
                        && get(cells, ResultField::KET_LUAN).is_some()
                    {
                        described.push(code);
                    }
                    match get(cells, ResultField::NGAY_KQ).map(|t| (t, time(t))) {
                        Some((_, Some(t))) if claim.discharged.is_some_and(|out| t > out) => {
                            late.push(format!("XML4 #{}", n + 1))
                        }
                        Some((t, None)) => {
                            notes.push(format!("XML4 #{} NGAY_KQ `{t}` is not yyyyMMddHHmm", n + 1))
                        }
                        _ => {}
                    }
                    if let Some(reader) = get(cells, ResultField::MA_BS_DOC_KQ)
                        && !registered(reader, claim.admitted.date())
                    {
                        unknown.push(format!("XML4 #{} {reader}", n + 1));
                    }
                }
                for l in &claim.lines {
                    if l.table == Table::Xml3
                        && l.group == group::IMAGING
                        && !described.contains(&l.code.as_str())
                    {
                        notes.push(format!(
                            "{} {}: no XML4 description and conclusion",
                            super::line_ref(l),
                            l.code
                        ));
                    }
                }
            }
        }
    }
    if let Some(text) = course {
        match records::<CourseField>(text, "CHI_TIET_DIEN_BIEN_BENH") {
            Err(e) => notes.push(format!("XML5: {e}")),
            Ok(rows) => {
                for (n, cells) in rows.iter().enumerate() {
                    let at = cells[CourseField::THOI_DIEM_DBLS.index()].as_ref();
                    match time(at) {
                        Some(t) if !within(t) => late.push(format!("XML5 #{}", n + 1)),
                        None if !at.is_empty() => notes.push(format!(
                            "XML5 #{} THOI_DIEM_DBLS `{at}` is not yyyyMMddHHmm",
                            n + 1
                        )),
                        _ => {}
                    }
                    let author = cells[CourseField::NGUOI_THUC_HIEN.index()].as_ref();
                    for code in author.split(';').map(str::trim).filter(|c| !c.is_empty()) {
                        if !registered(code, claim.admitted.date()) {
                            unknown.push(format!("XML5 #{} {code}", n + 1));
                        }
                    }
                }
            }
        }
    }
    if !notes.is_empty() {
        let list = notes.join("; ");
        found.note(
            "S.RESULTS",
            format!("Kết quả cận lâm sàng / diễn biến: {list}"),
            format!("Results and clinical course: {list}"),
            Vec::new(),
            BASIS,
        );
    }
    if !late.is_empty() {
        let list = late.join(", ");
        found.review(
            "R12.COURSE",
            format!("Kết quả hoặc diễn biến ngoài thời gian điều trị: {list}"),
            format!("A result or a note of the course outside the stay: {list}"),
            Vec::new(),
            BASIS,
        );
    }
    if !unknown.is_empty() {
        let list = unknown.join(", ");
        found.review(
            "R14.LICENCE",
            format!("Người đọc kết quả / ghi diễn biến không có trong danh sách đăng ký: {list}"),
            format!(
                "Who read a result or wrote the course is not registered at the facility: {list}"
            ),
            Vec::new(),
            "Law 15/2023/QH15 Art. 19–20; QĐ 130/QĐ-BYT Bảng 4–5 (MA_BS_DOC_KQ, NGUOI_THUC_HIEN)",
        );
    }
}
