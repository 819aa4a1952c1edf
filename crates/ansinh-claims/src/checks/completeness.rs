//! Completeness and format of a visit's record (hồ sơ đầy đủ, đúng định dạng): the fields
//! QĐ 130/QĐ-BYT (as amended by QĐ 4750/QĐ-BYT and QĐ 3176/QĐ-BYT) makes mandatory, the values
//! its enumerations allow, and the formats of codes. Each is a note for the facility (catalogue
//! C004, C137, C169–C181, C183): no amount depends on them, so the visit's decision stands.

use super::{Found, group, line_ref};
use crate::claim::{Claim, LineField, SummaryField, Table};
use crate::records::Schema;

const BASIS: &str = "QĐ 130/QĐ-BYT Bảng 1–3, sửa đổi bởi QĐ 4750/QĐ-BYT, QĐ 3176/QĐ-BYT";

/// XML1 fields every visit sends (QĐ 4750 Bảng 1 "bắt buộc"; the list hospital checkers share,
/// catalogue C169). SO_CCCD is not among them: children and foreigners have none.
const REQUIRED: &[SummaryField] = {
    use SummaryField as S;
    &[
        S::MA_BN,
        S::HO_TEN,
        S::NGAY_SINH,
        S::GIOI_TINH,
        S::MA_QUOCTICH,
        S::MA_DANTOC,
        S::DIA_CHI,
        S::CHAN_DOAN_RV,
        S::MA_BENH_CHINH,
        S::KET_QUA_DTRI,
        S::MA_LOAI_RV,
        S::NAM_QT,
        S::THANG_QT,
        S::MA_KHOA,
        S::MA_HSBA,
    ]
};

/// XML1 fields an inpatient stay sends besides (catalogue C173).
const REQUIRED_INPATIENT: &[SummaryField] = {
    use SummaryField as S;
    &[
        S::LY_DO_VNT,
        S::MA_LY_DO_VNT,
        S::NGAY_VAO_NOI_TRU,
        S::PP_DIEU_TRI,
    ]
};

fn mask(fields: &[SummaryField]) -> u64 {
    fields.iter().fold(0, |m, f| m | 1 << f.index())
}

/// Completeness and format of XML1 and of each line (catalogue C004, C137, C169–C181, C183).
pub fn check(claim: &Claim, found: &mut Found) {
    use SummaryField as S;
    let p = &claim.patient;
    let mut missing: Vec<&str> = Vec::new();
    let mut wanted = mask(REQUIRED);
    if claim.inpatient() {
        wanted |= mask(REQUIRED_INPATIENT);
    }
    // A card names where its holder registered, and the visit why it came (C004); its end is
    // given but on the armed forces' cards, which may have none.
    wanted |= 1 << S::MA_DKBD.index() | 1 << S::LY_DO_VV.index();
    if !claim.armed_forces_card() {
        wanted |= 1 << S::GT_THE_DEN.index();
    }
    if wanted & !p.present != 0 {
        missing.extend(
            SummaryField::NAMES
                .iter()
                .enumerate()
                .filter(|(i, _)| wanted & !p.present & (1 << i) != 0)
                .map(|(_, n)| *n),
        );
    }
    if !missing.is_empty() {
        let list = missing.join(", ");
        found.note(
            "S.REQUIRED",
            format!("XML1 thiếu trường bắt buộc: {list}"),
            format!("XML1 lacks mandatory fields: {list}"),
            Vec::new(),
            BASIS,
        );
    }
    // Values the enumerations of Bảng 1 allow (C174).
    let mut wrong: Vec<String> = Vec::new();
    let allowed = |v: &Option<Box<str>>, ok: &dyn Fn(&str) -> bool| v.as_deref().is_none_or(ok);
    if !allowed(&p.sex, &|v| matches!(v, "1" | "2" | "3")) {
        wrong.push(format!(
            "GIOI_TINH `{}` (1, 2, 3)",
            p.sex.as_deref().unwrap_or_default()
        ));
    }
    if !allowed(&p.outcome, &|v| {
        matches!(v, "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8")
    }) {
        wrong.push(format!(
            "KET_QUA_DTRI `{}` (1–8)",
            p.outcome.as_deref().unwrap_or_default()
        ));
    }
    if !allowed(&p.discharge_kind, &|v| {
        matches!(v, "1" | "2" | "3" | "4" | "5")
    }) {
        wrong.push(format!(
            "MA_LOAI_RV `{}` (1–5)",
            p.discharge_kind.as_deref().unwrap_or_default()
        ));
    }
    if !allowed(&p.region, &|v| matches!(v, "K1" | "K2" | "K3")) {
        wrong.push(format!(
            "MA_KHUVUC `{}` (K1, K2, K3)",
            p.region.as_deref().unwrap_or_default()
        ));
    }
    let two_digits = |v: &str| v.len() == 2 && v.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(&claim.visit_type) {
        wrong.push(format!("MA_LOAI_KCB `{}` (2 digits)", claim.visit_type));
    }
    if claim.facility.len() != 5 || !claim.facility.bytes().all(|b| b.is_ascii_alphanumeric()) {
        wrong.push(format!("MA_CSKCB `{}` (5 characters)", claim.facility));
    }
    if let Some(code) = p.registered_at.as_deref() {
        // Catalogue C019: the registration facility is a 5-character facility code; C005: one
        // per card when several are `;`-separated.
        let (mut codes, mut malformed) = (0usize, false);
        for c in code.split(';') {
            codes += 1;
            malformed |= c.trim().len() != 5;
        }
        if malformed {
            wrong.push(format!("MA_DKBD `{code}` (5 characters per card)"));
        }
        let cards = claim.cards.len();
        if cards > 1 && codes != cards {
            wrong.push(format!("MA_DKBD: {codes} codes for {cards} cards"));
        }
    }
    if let Some(w) = p.weight
        && (w <= crate::decimal::Amount::ZERO || w > crate::decimal::Amount::whole(200))
    {
        wrong.push(format!("CAN_NANG {w} (kg, above 0 and at most 200)"));
    }
    if p.secondary.len() > 12 {
        wrong.push(format!(
            "MA_BENH_KT: {} codes (at most 12)",
            p.secondary.len()
        ));
    }
    if !wrong.is_empty() {
        let list = wrong.join("; ");
        found.note(
            "S.VALUE",
            format!("XML1 có giá trị không hợp lệ: {list}"),
            format!("XML1 values outside the standard: {list}"),
            Vec::new(),
            BASIS,
        );
    }
    // A child under one year is weighed, and a child under six given drugs (C126, C170:
    // CAN_NANG for a newborn or infant, and for a child's dose).
    let under = |years: i64| {
        p.birth.is_some_and(|birth| {
            birth
                .checked_add(jiff::Span::new().years(years))
                .is_ok_and(|end| claim.admitted.date() < end)
        })
    };
    let drugs = claim.lines.iter().any(|l| l.table == Table::Xml2);
    if p.weight.is_none() && (under(1) || (drugs && under(6))) {
        found.note(
            "S.WEIGHT",
            "Trẻ dưới 1 tuổi, hoặc dưới 6 tuổi có dùng thuốc: thiếu cân nặng (CAN_NANG)".into(),
            "A child under one year, or under six given drugs: CAN_NANG (weight) missing".into(),
            Vec::new(),
            BASIS,
        );
    }
    // Fields that did not read (dates, numbers), named with their reasons (C137).
    if !claim.notes.is_empty() {
        let list: Vec<String> = claim
            .notes
            .iter()
            .map(|d| format!("{}.{}: {}", d.table, d.field, d.reason))
            .collect();
        let list = list.join("; ");
        found.note(
            "S.FORMAT",
            format!("Sai định dạng: {list}"),
            format!("Malformed fields: {list}"),
            Vec::new(),
            BASIS,
        );
    }
    lines(claim, found);
    tables(claim, found);
}

/// The tables a visit sends besides XML1–XML3 (catalogue C164–C168): a stay sends its
/// discharge paper (XML7) unless the patient left without one (MA_LOAI_RV 3) and its clinical
/// course (XML5); an imaging line has its result (XML4); a drug used in a service names a
/// service of XML3; a supply used in a service is ordered with it (C089).
fn tables(claim: &Claim, found: &mut Found) {
    // C151: lines sent for a visit that claims nothing (its total is 0).
    if !claim.lines.is_empty() && claim.totals.hospital == crate::decimal::Amount::ZERO {
        found.note(
            "S.ZERO_TOTAL",
            "Hồ sơ có dòng chi phí nhưng T_TONGCHI_BV bằng 0".into(),
            "Cost lines sent for a visit whose T_TONGCHI_BV is 0".into(),
            Vec::new(),
            BASIS,
        );
    }
    let sent = |kind: &str| claim.other_table(kind).is_some();
    let mut missing: Vec<&str> = Vec::new();
    if claim.inpatient() {
        if !sent("XML7") && claim.patient.discharge_kind.as_deref() != Some("3") {
            missing.push("XML7 (giấy ra viện / discharge paper)");
        }
        if !sent("XML5") {
            missing.push("XML5 (diễn biến lâm sàng / clinical course)");
        }
    } else if claim.visit_type == "01" && sent("XML5") {
        // C166: an examination visit has no clinical course (XML5 is for treatment: 02, 05,
        // 08 and stays, QĐ 130/QĐ-BYT Bảng 5).
        found.note(
            "S.TABLES",
            "Lần khám (MA_LOAI_KCB 01) gửi bảng diễn biến lâm sàng (XML5)".into(),
            "An examination visit (MA_LOAI_KCB 01) sends a clinical course (XML5)".into(),
            Vec::new(),
            BASIS,
        );
    }
    if claim
        .lines
        .iter()
        .any(|l| l.table == Table::Xml3 && l.group == group::IMAGING)
        && !sent("XML4")
    {
        missing.push("XML4 (kết quả cận lâm sàng / results)");
    }
    if !missing.is_empty() {
        let list = missing.join(", ");
        found.note(
            "S.TABLES",
            format!("Hồ sơ thiếu bảng: {list}"),
            format!("The visit lacks tables: {list}"),
            Vec::new(),
            BASIS,
        );
    }
    let mut unlinked = Vec::new();
    for l in &claim.lines {
        let Some(service) = l.detail.as_ref().and_then(|d| d.service()) else {
            continue;
        };
        let linked = claim.lines.iter().filter(|s| {
            s.table == Table::Xml3
                && !matches!(s.group, group::SUPPLY | group::SUPPLY_RATIO)
                && s.code == service
        });
        let mut any = false;
        let mut same_order = false;
        for s in linked {
            any = true;
            same_order |= s.ordered == l.ordered;
        }
        if !any {
            unlinked.push(format!("{} → {service} (not in XML3)", line_ref(l)));
        } else if l.table == Table::Xml3 && !same_order {
            unlinked.push(format!(
                "{} → {service} (ordered at another time)",
                line_ref(l)
            ));
        }
    }
    if !unlinked.is_empty() {
        let list = unlinked.join(", ");
        found.note(
            "S.LINKED_SERVICE",
            format!("Thuốc/vật tư gắn với dịch vụ không khớp: {list}"),
            format!("Drug or supply linked to a service that does not match: {list}"),
            Vec::new(),
            BASIS,
        );
    }
}

/// Each line's identification and the fields its group requires (C175–C179).
fn lines(claim: &Claim, found: &mut Found) {
    use LineField as L;
    let mut gaps: Vec<(String, String)> = Vec::new();
    for l in &claim.lines {
        let d = l.detail.as_ref();
        let sent = |f: LineField| d.is_some_and(|d| d.sent(f));
        let mut missing: Vec<&str> = Vec::new();
        let mut bad: Vec<String> = Vec::new();
        match l.table {
            Table::Xml2 => {
                // A drug names itself, its strength, registration, route, dose and tender (C178).
                for f in [
                    L::TEN_THUOC,
                    L::DON_VI_TINH,
                    L::HAM_LUONG,
                    L::DUONG_DUNG,
                    L::LIEU_DUNG,
                ] {
                    if !sent(f) {
                        missing.push(f.name());
                    }
                }
                if l.group == group::DRUG && !sent(L::SO_DANG_KY) {
                    missing.push("SO_DANG_KY");
                }
            }
            _ => {
                if matches!(l.group, group::SUPPLY | group::SUPPLY_RATIO) {
                    // A supply line names the supply (C179).
                    for f in [L::MA_VAT_TU, L::TEN_VAT_TU] {
                        if !sent(f) {
                            missing.push(f.name());
                        }
                    }
                } else if !sent(L::TEN_DICH_VU) {
                    missing.push("TEN_DICH_VU");
                }
                if l.group == group::SURGERY {
                    // The anaesthesia of a surgery, 1 to 4 (C175).
                    match d.and_then(|d| d.anaesthesia()) {
                        None => missing.push("PP_VO_CAM"),
                        Some(v) if !matches!(v, "1" | "2" | "3" | "4") => {
                            bad.push(format!("PP_VO_CAM `{v}` (1–4)"))
                        }
                        Some(_) => {}
                    }
                }
                if matches!(l.group, group::LAB | group::IMAGING | group::FUNCTIONAL) {
                    // The machine that did a test or an image (C176).
                    match d.and_then(|d| d.machine()) {
                        None => missing.push("MA_MAY"),
                        Some(m) if !machine_code(m) => {
                            bad.push(format!("MA_MAY `{m}` (XX.n.ccccc.serial)"))
                        }
                        Some(_) => {}
                    }
                }
                if group::is_bed(l.group) {
                    // A bed is `H`, `T`, `C` or `K` and 3 digits (C177).
                    match d.and_then(|d| d.bed()) {
                        None => missing.push("MA_GIUONG"),
                        Some(b) if !bed_code(b) => bad.push(format!("MA_GIUONG `{b}` ([HTCK]nnn)")),
                        Some(_) => {}
                    }
                    // The bed service's department (K03 of K03.1905) is the ordering one.
                    let department = d.and_then(|d| d.get(crate::claim::LineText::Department));
                    if let (Some(dept), Some((prefix, _))) = (department, l.code.split_once('.'))
                        && prefix.starts_with('K')
                        && prefix != dept
                    {
                        bad.push(format!(
                            "MA_KHOA {dept} is not the bed's department {prefix}"
                        ));
                    }
                }
                // C180: the standard's own limit of a field (Bảng 3 MA_BENH: 100 characters).
                if let Some(codes) = d.and_then(|d| d.diagnosis())
                    && codes.chars().count() > 100
                {
                    bad.push("MA_BENH longer than 100 characters".to_string());
                }
            }
        }
        if !sent(L::MA_KHOA) {
            missing.push("MA_KHOA");
        }
        // A line bills something: a quantity of nothing is no cost (C108).
        if l.quantity == crate::decimal::Quantity::ZERO {
            bad.push("SO_LUONG 0".to_string());
        }
        if !missing.is_empty() {
            bad.insert(0, format!("missing {}", missing.join(", ")));
        }
        if !bad.is_empty() {
            gaps.push((line_ref(l), bad.join("; ")));
        }
    }
    if gaps.is_empty() {
        return;
    }
    let list: Vec<String> = gaps.iter().map(|(r, t)| format!("{r}: {t}")).collect();
    let list = list.join(" | ");
    found.note(
        "S.LINE",
        format!("Dòng chi phí thiếu hoặc sai trường: {list}"),
        format!("Cost lines with fields missing or malformed: {list}"),
        gaps.into_iter().map(|(r, _)| r).collect(),
        BASIS,
    );
}

/// A machine code of QĐ 130 Bảng 3: a prefix, the kind (1 owned, 2 joint venture, 3 other),
/// the 5-character facility and a serial, dot-separated (catalogue C176).
pub fn machine_code(code: &str) -> bool {
    code.split(';').all(|one| {
        let mut parts = one.trim().split('.');
        let prefix = parts.next().unwrap_or("");
        let kind = parts.next().unwrap_or("");
        let facility = parts.next().unwrap_or("");
        let mut serial = 0usize;
        let mut empty = false;
        for p in parts {
            serial += 1;
            empty |= p.is_empty();
        }
        !prefix.is_empty()
            && prefix.bytes().all(|b| b.is_ascii_alphanumeric())
            && matches!(kind, "1" | "2" | "3")
            && facility.len() == 5
            && serial >= 1
            && !empty
    })
}

/// A bed code: H, T, C or K and three digits (catalogue C177).
pub fn bed_code(code: &str) -> bool {
    let b = code.trim().as_bytes();
    b.len() == 4
        && matches!(b[0], b'H' | b'T' | b'C' | b'K')
        && b[1..].iter().all(u8::is_ascii_digit)
}
