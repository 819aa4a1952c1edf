//! The papers a visit sends with its costs (QĐ 130/QĐ-BYT as amended by QĐ 4750/QĐ-BYT and
//! QĐ 3176/QĐ-BYT): the discharge paper (XML7 giấy ra viện), the record summary (XML8 tóm tắt
//! hồ sơ bệnh án), birth certificates (XML9 giấy chứng sinh), the pregnancy-rest certificate
//! (XML10 giấy nghỉ dưỡng thai), the social-insurance leave certificate (XML11 giấy chứng nhận
//! nghỉ việc hưởng BHXH, form CT07), the referral paper (XML13 giấy chuyển tuyến) and the
//! appointment for a re-visit (XML14 giấy hẹn khám lại). Read only for these checks, from the
//! tables kept as sent.
//!
//! What is checked: each paper's required fields (C182); the card and social-insurance numbers'
//! lengths, 15 and 10 (C015); a temporary card's form `TE1` + province of residence + 10 digits
//! (C016) and, when the visit is claimed under it, that it was treated where the card was
//! issued (C038); the papers' dates against the stay and each other (C135); the days of a
//! pregnancy-rest certificate (C107); the referral paper's destination in the facility list and
//! its card ends against XML1's (C005, C036, C037); who signed a paper on the staff list (C154).
//! A paper's defect is the facility's to correct and moves no amount of the claim (a note); a
//! visit claimed under a temporary card elsewhere than where it was issued goes to a human.

use super::Found;
use crate::claim::Claim;
use crate::records::{Schema, Text, records};
use crate::reference::Reference;
use ansinh_core::Date;
use ansinh_rules::Params;

crate::schema!(
    /// XML7 `CHI_TIEU_DU_LIEU_GIAY_RA_VIEN` (QĐ 130 Bảng 7), the fields checked.
    pub DischargeField {
        MA_LK, SO_LUU_TRU, NGAY_VAO, NGAY_RA, PP_DIEUTRI, MA_TTDV, MA_BS, NGAY_CT, MA_THE_TAM,
        SO_NGAY_NGHI, NGOAITRU_TUNGAY, NGOAITRU_DENNGAY,
    }
);

crate::schema!(
    /// XML8 `CHI_TIEU_DU_LIEU_TOM_TAT_HO_SO_BENH_AN` (Bảng 8), the fields checked.
    pub RecordSummaryField {
        MA_LK, PP_DIEUTRI, TOMTAT_KQ, KET_QUA_DTRI, MA_TTDV, NGAY_CT, MA_THE_TAM,
    }
);

crate::schema!(
    /// XML9 `DU_LIEU_GIAY_CHUNG_SINH` (Bảng 9), the fields checked.
    pub BirthField {
        MA_LK, MA_BHXH_NND, MA_THE_NND, HO_TEN_NND, NGAYSINH_NND, MA_DANTOC_NND, SO_CCCD_NND,
        NGAYCAP_CCCD_NND, NOICAP_CCCD_NND, NOI_CU_TRU_NND, MA_QUOCTICH, MATINH_CU_TRU,
        MAHUYEN_CU_TRU, MAXA_CU_TRU, MA_THE_TAM, HO_TEN_CON, NGAY_SINH_CON, NGAY_CT, MA_TTDV,
    }
);

crate::schema!(
    /// XML10 `CHI_TIEU_DU_LIEU_GIAY_NGHI_DUONG_THAI` (Bảng 10), the fields checked.
    pub PregnancyRestField {
        MA_LK, SO_SERI, SO_CT, SO_NGAY, DON_VI, CHAN_DOAN_RV, TU_NGAY, DEN_NGAY, MA_TTDV, MA_BS,
        NGAY_CT,
    }
);

crate::schema!(
    /// XML11 `CHI_TIEU_DU_LIEU_GIAY_CHUNG_NHAN_NGHI_VIEC_HUONG_BAO_HIEM_XA_HOI` (Bảng 11).
    pub LeaveField {
        MA_LK, SO_CT, SO_SERI, SO_KCB, MA_BHXH, MA_THE_BHYT, CHAN_DOAN_RV, PP_DIEUTRI,
        SO_NGAY_NGHI, TU_NGAY, DEN_NGAY, MA_TTDV, MA_BS, NGAY_CT, MA_THE_TAM, MAU_SO,
    }
);

crate::schema!(
    /// XML13 `CHI_TIEU_GIAYCHUYENTUYEN` (Bảng 13, QĐ 4750; QĐ 3176 names the ends
    /// MA_CSKCB_DI, MA_CSKCB_DEN).
    pub ReferralField {
        MA_LK, SO_HOSO, SO_CHUYENTUYEN, GIAY_CHUYEN_TUYEN, MA_CSKCB, MA_NOI_DI, MA_NOI_DEN,
        MA_CSKCB_DI, MA_CSKCB_DEN, GT_THE_DEN, NGAY_VAO, NGAY_RA, DAU_HIEU_LS, CHAN_DOAN_RV,
        QT_BENHLY, MA_LOAI_RV, MA_LYDO_CT, HUONG_DIEU_TRI, PHUONGTIEN_VC, MA_BAC_SI, MA_TTDV,
    }
);

crate::schema!(
    /// XML14 `CHI_TIEU_GIAYHEN_KHAMLAI` (Bảng 14, QĐ 4750).
    pub FollowUpField {
        MA_LK, SO_GIAYHEN_KL, MA_CSKCB, NGAY_VAO, NGAY_RA, NGAY_HEN_KL, CHAN_DOAN_RV,
        MA_BENH_CHINH, MA_BENH_KT, MA_DOITUONG_KCB, MA_BAC_SI, MA_TTDV, NGAY_CT,
    }
);

const BASIS: &str =
    "QĐ 130/QĐ-BYT Bảng 7–11, 13–14 as amended by QĐ 4750/QĐ-BYT and QĐ 3176/QĐ-BYT";

/// The papers: table, record element, required fields (of the schema, by name).
struct Paper {
    kind: &'static str,
    record: &'static str,
    required: &'static [&'static str],
}

const DISCHARGE: Paper = Paper {
    kind: "XML7",
    record: "CHI_TIEU_DU_LIEU_GIAY_RA_VIEN",
    required: &["PP_DIEUTRI", "MA_TTDV", "MA_BS"],
};
const RECORD_SUMMARY: Paper = Paper {
    kind: "XML8",
    record: "CHI_TIEU_DU_LIEU_TOM_TAT_HO_SO_BENH_AN",
    required: &["PP_DIEUTRI", "TOMTAT_KQ", "KET_QUA_DTRI", "MA_TTDV"],
};
const BIRTH: Paper = Paper {
    kind: "XML9",
    record: "DU_LIEU_GIAY_CHUNG_SINH",
    required: &[
        "MA_BHXH_NND",
        "MA_THE_NND",
        "HO_TEN_NND",
        "NGAYSINH_NND",
        "MA_DANTOC_NND",
        "SO_CCCD_NND",
        "NGAYCAP_CCCD_NND",
        "NOICAP_CCCD_NND",
        "NOI_CU_TRU_NND",
        "MA_QUOCTICH",
        "MATINH_CU_TRU",
        "MAHUYEN_CU_TRU",
        "MAXA_CU_TRU",
        "MA_THE_TAM",
        "HO_TEN_CON",
        "MA_TTDV",
    ],
};
const PREGNANCY_REST: Paper = Paper {
    kind: "XML10",
    record: "CHI_TIEU_DU_LIEU_GIAY_NGHI_DUONG_THAI",
    required: &[
        "SO_SERI",
        "SO_CT",
        "SO_NGAY",
        "DON_VI",
        "CHAN_DOAN_RV",
        "TU_NGAY",
        "DEN_NGAY",
        "MA_TTDV",
    ],
};
const LEAVE: Paper = Paper {
    kind: "XML11",
    record: "CHI_TIEU_DU_LIEU_GIAY_CHUNG_NHAN_NGHI_VIEC_HUONG_BAO_HIEM_XA_HOI",
    required: &[
        "SO_CT",
        "SO_SERI",
        "SO_KCB",
        "MA_BHXH",
        "MA_THE_BHYT",
        "CHAN_DOAN_RV",
        "PP_DIEUTRI",
        "SO_NGAY_NGHI",
        "TU_NGAY",
        "DEN_NGAY",
        "MA_TTDV",
        "MA_BS",
        "NGAY_CT",
        "MAU_SO",
    ],
};
const REFERRAL: Paper = Paper {
    kind: "XML13",
    record: "CHI_TIEU_GIAYCHUYENTUYEN",
    required: &[
        "SO_HOSO",
        "SO_CHUYENTUYEN",
        "GIAY_CHUYEN_TUYEN",
        "MA_CSKCB",
        "DAU_HIEU_LS",
        "CHAN_DOAN_RV",
        "QT_BENHLY",
        "MA_LOAI_RV",
        "MA_LYDO_CT",
        "HUONG_DIEU_TRI",
        "PHUONGTIEN_VC",
    ],
};
const FOLLOW_UP: Paper = Paper {
    kind: "XML14",
    record: "CHI_TIEU_GIAYHEN_KHAMLAI",
    required: &[
        "SO_GIAYHEN_KL",
        "MA_CSKCB",
        "NGAY_VAO",
        "NGAY_RA",
        "NGAY_HEN_KL",
        "CHAN_DOAN_RV",
        "MA_BENH_CHINH",
        "MA_DOITUONG_KCB",
        "MA_BAC_SI",
        "MA_TTDV",
        "NGAY_CT",
    ],
};

/// A record's fields by name, for the checks common to every paper.
struct Record<'r, 'a> {
    names: &'static [&'static str],
    cells: &'r [Text<'a>],
}

impl<'r> Record<'r, '_> {
    fn get(&self, name: &str) -> Option<&'r str> {
        let i = self.names.iter().position(|n| *n == name)?;
        Some(self.cells[i].as_ref()).filter(|v| !v.is_empty())
    }

    /// A date of yyyyMMdd, or the day of yyyyMMddHHmm.
    fn date(&self, name: &str) -> Option<Date> {
        crate::claim::parse_day(self.get(name)?)
    }
}

/// What the checks of the papers gather.
#[derive(Default)]
struct Seen<'c> {
    notes: Vec<String>,
    temporary_cards: Vec<&'c str>,
}

/// The papers of one visit, each read with its schema, each record handed to `each`.
fn read<'c, S: Schema>(
    claim: &'c Claim,
    paper: &Paper,
    seen: &mut Seen<'c>,
    mut each: impl FnMut(&Record<'_, 'c>, &mut Seen<'c>, &str),
) {
    let Some(bytes) = claim.other_table(paper.kind) else {
        return;
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        seen.notes
            .push(format!("{}: not UTF-8, not read", paper.kind));
        return;
    };
    let rows = match records::<S>(text, paper.record) {
        Ok(rows) => rows,
        Err(e) => {
            seen.notes.push(format!("{}: {e}", paper.kind));
            return;
        }
    };
    if rows.is_empty() {
        seen.notes
            .push(format!("{}: no {} record", paper.kind, paper.record));
    }
    for (n, cells) in rows.iter().enumerate() {
        let record = Record {
            names: S::NAMES,
            cells,
        };
        let at = if rows.len() > 1 {
            format!("{} #{}", paper.kind, n + 1)
        } else {
            paper.kind.to_string()
        };
        let missing: Vec<&str> = paper
            .required
            .iter()
            .copied()
            .filter(|f| record.get(f).is_none())
            .collect();
        if !missing.is_empty() {
            seen.notes
                .push(format!("{at}: {} required, missing", missing.join(", ")));
        }
        if let Some(card) = record.get("MA_THE_TAM") {
            seen.temporary_cards.push(card_of(claim, card));
        }
        each(&record, seen, &at);
    }
}

/// The temporary card as the claim holds it (borrowed from the claim when it is the visit's
/// card, so that it can be compared after the paper's text is gone).
fn card_of<'c>(claim: &'c Claim, card: &str) -> &'c str {
    claim
        .cards
        .iter()
        .find(|c| c.code == card)
        .map_or("", |c| c.code.as_str())
}

/// C016: `TE1`, the province of residence (2 digits), 10 digits.
fn temporary_card_form(card: &str, province: Option<&str>) -> Option<String> {
    let ok = card.len() == 15
        && card.starts_with("TE1")
        && card.as_bytes()[3..].iter().all(u8::is_ascii_digit);
    if !ok {
        return Some(format!(
            "MA_THE_TAM `{card}` is not TE1 + province + 10 digits"
        ));
    }
    match province {
        Some(p) if p != &card[3..5] => Some(format!(
            "MA_THE_TAM `{card}`: province {} is not the residence's {p}",
            &card[3..5]
        )),
        _ => None,
    }
}

fn length(seen: &mut Seen<'_>, at: &str, field: &str, value: Option<&str>, n: usize) {
    if let Some(v) = value
        && v.chars().count() != n
    {
        seen.notes
            .push(format!("{at}: {field} `{v}` is not {n} characters"));
    }
}

/// Catalogue C005 (XML13), C015, C016, C036, C037 (partly), C038, C107, C135, C154 (papers),
/// C182 on one visit.
pub fn check(params: &Params, reference: Option<&Reference>, claim: &Claim, found: &mut Found) {
    let admitted = claim.admitted.date();
    let staff = Reference::loaded(reference, |l| &l.staff);
    // C154: the head of the facility who signs the claim (XML1 MA_TTDV) is on the staff list.
    if let (Some(list), Some(head)) = (staff, claim.patient.head.as_deref())
        && !list
            .on(head, admitted)
            .any(|r| r.cells[1].is_empty() || r.cells[1] == claim.facility)
    {
        found.note(
            "S.CERTIFICATE",
            format!("MA_TTDV {head} (thủ trưởng đơn vị) không có trong danh sách nhân viên"),
            format!("XML1 MA_TTDV {head} (head of the facility) is not on the staff list"),
            Vec::new(),
            BASIS,
        );
    }
    if claim.other_tables.is_empty() {
        return;
    }
    let discharged = claim.discharged.map(|d| d.date());
    let facilities = reference.filter(|r| r.has_facilities());
    let unregistered = |code: &str| {
        staff.is_some_and(|s| {
            !s.on(code, admitted)
                .any(|r| r.cells[1].is_empty() || r.cells[1] == claim.facility)
        })
    };
    let signers = |record: &Record<'_, '_>, seen: &mut Seen<'_>, at: &str, fields: &[&str]| {
        for f in fields {
            if let Some(code) = record.get(f)
                && unregistered(code)
            {
                seen.notes
                    .push(format!("{at}: {f} {code} is not on the staff list"));
            }
        }
    };
    let mut seen = Seen::default();
    read::<DischargeField>(claim, &DISCHARGE, &mut seen, |r, seen, at| {
        signers(r, seen, at, &["MA_BS", "MA_TTDV"]);
        if let Some(card) = r.get("MA_THE_TAM")
            && let Some(wrong) = temporary_card_form(card, None)
        {
            seen.notes.push(format!("{at}: {wrong}"));
        }
        // Outpatient leave after the stay starts from the discharge day (QĐ 3176 Bảng 7).
        for f in ["NGOAITRU_TUNGAY", "NGOAITRU_DENNGAY"] {
            if let (Some(d), Some(out)) = (r.date(f), discharged)
                && d < out
            {
                seen.notes
                    .push(format!("{at}: {f} {d} is before the discharge {out}"));
            }
        }
        if let (Some(from), Some(to), Some(days)) = (
            r.date("NGOAITRU_TUNGAY"),
            r.date("NGOAITRU_DENNGAY"),
            r.get("SO_NGAY_NGHI").and_then(|d| d.parse::<i64>().ok()),
        ) {
            let span = i64::from((to - from).get_days()) + 1;
            if span != days {
                seen.notes.push(format!(
                    "{at}: SO_NGAY_NGHI {days} is not the {span} days from NGOAITRU_TUNGAY to NGOAITRU_DENNGAY"
                ));
            }
        }
    });
    read::<RecordSummaryField>(claim, &RECORD_SUMMARY, &mut seen, |r, seen, at| {
        signers(r, seen, at, &["MA_TTDV"]);
        if let Some(t) = r.get("TOMTAT_KQ")
            && t.chars().count() > 4000
        {
            seen.notes
                .push(format!("{at}: TOMTAT_KQ longer than 4,000 characters"));
        }
    });
    read::<BirthField>(claim, &BIRTH, &mut seen, |r, seen, at| {
        signers(r, seen, at, &["MA_TTDV"]);
        length(seen, at, "MA_BHXH_NND", r.get("MA_BHXH_NND"), 10);
        length(seen, at, "MA_THE_NND", r.get("MA_THE_NND"), 15);
        if let Some(card) = r.get("MA_THE_TAM")
            && let Some(wrong) = temporary_card_form(card, r.get("MATINH_CU_TRU"))
        {
            seen.notes.push(format!("{at}: {wrong}"));
        }
        // The mother's identity card was issued before the certificate was made (the core
        // has no clock: the certificate's date stands for "today").
        if let (Some(issued), Some(made)) = (r.date("NGAYCAP_CCCD_NND"), r.date("NGAY_CT"))
            && issued > made
        {
            seen.notes.push(format!(
                "{at}: NGAYCAP_CCCD_NND {issued} is after the certificate's date {made}"
            ));
        }
    });
    let max_rest = ansinh_rules::health::claims_assessment(params, admitted)
        .map(|l| l.pregnancy_rest_max_days)
        .ok();
    read::<PregnancyRestField>(claim, &PREGNANCY_REST, &mut seen, |r, seen, at| {
        signers(r, seen, at, &["MA_BS", "MA_TTDV"]);
        let days = r.get("SO_NGAY").and_then(|d| d.parse::<i64>().ok());
        if let (Some(days), Some(max)) = (days, max_rest)
            && days > max
        {
            seen.notes
                .push(format!("{at}: SO_NGAY {days} is more than {max} days"));
        }
        if let (Some(from), Some(to)) = (r.date("TU_NGAY"), r.date("DEN_NGAY")) {
            if to < from {
                seen.notes
                    .push(format!("{at}: DEN_NGAY {to} is before TU_NGAY {from}"));
            } else if let Some(days) = days
                && days > i64::from((to - from).get_days()) + 1
            {
                seen.notes.push(format!(
                    "{at}: SO_NGAY {days} is more than the days from TU_NGAY to DEN_NGAY"
                ));
            }
        }
    });
    read::<LeaveField>(claim, &LEAVE, &mut seen, |r, seen, at| {
        signers(r, seen, at, &["MA_BS", "MA_TTDV"]);
        length(seen, at, "MA_BHXH", r.get("MA_BHXH"), 10);
        length(seen, at, "MA_THE_BHYT", r.get("MA_THE_BHYT"), 15);
        if let Some(form) = r.get("MAU_SO")
            && form != "CT07"
        {
            seen.notes
                .push(format!("{at}: MAU_SO `{form}` is not CT07"));
        }
        if let Some(days) = r.get("SO_NGAY_NGHI")
            && days.parse::<u32>().ok().is_none_or(|d| d == 0)
        {
            seen.notes.push(format!(
                "{at}: SO_NGAY_NGHI `{days}` is not a number of days"
            ));
        }
        let (from, to) = (r.date("TU_NGAY"), r.date("DEN_NGAY"));
        if let (Some(from), Some(out)) = (from, discharged)
            && from > out
        {
            seen.notes
                .push(format!("{at}: TU_NGAY {from} is after the discharge {out}"));
        }
        if let Some(to) = to
            && to < admitted
        {
            seen.notes.push(format!(
                "{at}: DEN_NGAY {to} is before the admission {admitted}"
            ));
        }
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            seen.notes
                .push(format!("{at}: DEN_NGAY {to} is before TU_NGAY {from}"));
        }
    });
    read::<ReferralField>(claim, &REFERRAL, &mut seen, |r, seen, at| {
        signers(r, seen, at, &["MA_BAC_SI", "MA_TTDV"]);
        // C180: the fields' own limits (QĐ 130 Bảng 13 as amended by QĐ 4750).
        for (f, most) in [
            ("SO_HOSO", 50),
            ("SO_CHUYENTUYEN", 50),
            ("GIAY_CHUYEN_TUYEN", 50),
            ("PHUONGTIEN_VC", 255),
        ] {
            if r.get(f).is_some_and(|v| v.chars().count() > most) {
                seen.notes
                    .push(format!("{at}: {f} longer than {most} characters"));
            }
        }
        let destination = r.get("MA_NOI_DEN").or(r.get("MA_CSKCB_DEN"));
        match destination {
            None => seen
                .notes
                .push(format!("{at}: MA_NOI_DEN (MA_CSKCB_DEN) required, missing")),
            Some(d) if d == claim.facility => seen
                .notes
                .push(format!("{at}: referred to the facility itself ({d})")),
            Some(d) => {
                if let Some(list) = facilities
                    && list.facility_level(d, admitted).is_none()
                {
                    seen.notes
                        .push(format!("{at}: MA_NOI_DEN {d} is not in the facility list"));
                }
            }
        }
        if let (Some(paper), Some(visit)) = (r.date("NGAY_RA"), discharged)
            && paper != visit
        {
            seen.notes.push(format!(
                "{at}: NGAY_RA {paper} is not the visit's discharge {visit}"
            ));
        }
        if let Some(ends) = r.get("GT_THE_DEN") {
            let n = ends.split(';').count();
            if claim.cards.len() > 1 && n != claim.cards.len() {
                seen.notes.push(format!(
                    "{at}: GT_THE_DEN gives {n} card ends for {} cards",
                    claim.cards.len()
                ));
            }
        }
    });
    read::<FollowUpField>(claim, &FOLLOW_UP, &mut seen, |r, seen, at| {
        signers(r, seen, at, &["MA_BAC_SI", "MA_TTDV"]);
        if let (Some(next), Some(out)) = (r.date("NGAY_HEN_KL"), discharged.or(r.date("NGAY_RA")))
            && next <= out
        {
            seen.notes.push(format!(
                "{at}: NGAY_HEN_KL {next} is not after the discharge {out}"
            ));
        }
        if let Some(codes) = r.get("MA_BENH_KT")
            && codes.split(';').count() > 12
        {
            seen.notes
                .push(format!("{at}: MA_BENH_KT holds more than 12 codes"));
        }
    });
    // C038: a visit claimed under a temporary card is paid where the card was issued.
    let temporary = seen.temporary_cards.iter().any(|c| !c.is_empty());
    if temporary && claim.registered_here() == Some(false) {
        found.review(
            "R04.TEMPORARY_CARD",
            format!(
                "Thẻ tạm (MA_THE_TAM) nhưng nơi đăng ký KCB ban đầu khác cơ sở điều trị {}",
                claim.facility
            ),
            format!(
                "Claimed under a temporary card whose registered facility is not the treating facility {}",
                claim.facility
            ),
            Vec::new(),
            "Law on Health Insurance Art. 16; QĐ 130/QĐ-BYT Bảng 7, 9 (MA_THE_TAM)",
        );
    }
    if !seen.notes.is_empty() {
        let list = seen.notes.join("; ");
        found.note(
            "S.CERTIFICATE",
            format!("Giấy tờ kèm hồ sơ: {list}"),
            format!("The visit's papers: {list}"),
            Vec::new(),
            BASIS,
        );
    }
}

/// The serial numbers of a visit's papers (XML7 SO_LUU_TRU, XML10 and XML11 SO_SERI), each
/// with its table: one serial is one paper across a file (C116).
pub fn serials(claim: &Claim) -> Vec<String> {
    let mut out = Vec::new();
    serials_of::<DischargeField>(claim, &DISCHARGE, "SO_LUU_TRU", &mut out);
    serials_of::<PregnancyRestField>(claim, &PREGNANCY_REST, "SO_SERI", &mut out);
    serials_of::<LeaveField>(claim, &LEAVE, "SO_SERI", &mut out);
    out
}

fn serials_of<S: Schema>(claim: &Claim, paper: &Paper, field: &str, out: &mut Vec<String>) {
    let Some(text) = claim
        .other_table(paper.kind)
        .and_then(|b| std::str::from_utf8(b).ok())
    else {
        return;
    };
    let Ok(rows) = records::<S>(text, paper.record) else {
        return;
    };
    for cells in rows.iter() {
        let record = Record {
            names: S::NAMES,
            cells,
        };
        if let Some(v) = record.get(field) {
            out.push(format!("{} {field} {v}", paper.kind));
        }
    }
}
