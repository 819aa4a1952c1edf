//! A visit's claim as the facility sent it: the summary (XML1) and its cost lines (XML2 drugs,
//! XML3 services and supplies), typed. Amounts are decimals with the scale the standard gives
//! (money 2 places, quantities and unit prices 3), never floating point.

use crate::decimal::{Amount, DecimalError, Fixed, Percent, Price, Quantity};
use crate::records::{Records, Schema, Text};
use ansinh_core::Date;
use jiff::civil::DateTime;
use serde::Serialize;
use std::marker::PhantomData;
use std::str::FromStr;

/// A table of the standard this release reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    Xml1,
    Xml2,
    Xml3,
}

impl Table {
    pub fn from_kind(kind: &str) -> Option<Table> {
        match kind.trim() {
            "XML1" => Some(Table::Xml1),
            "XML2" => Some(Table::Xml2),
            "XML3" => Some(Table::Xml3),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Table::Xml1 => "XML1",
            Table::Xml2 => "XML2",
            Table::Xml3 => "XML3",
        }
    }

    pub fn record_tag(self) -> &'static str {
        match self {
            Table::Xml1 => "TONG_HOP",
            Table::Xml2 => "CHI_TIET_THUOC",
            Table::Xml3 => "CHI_TIET_DVKT",
        }
    }
}

/// What is wrong with a visit as sent, naming the visit, table, field and reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Defect {
    /// MA_LK.
    pub key: Option<String>,
    pub table: String,
    pub field: String,
    pub reason: String,
}

impl Defect {
    pub fn new(key: Option<&str>, table: &str, field: &str, reason: impl Into<String>) -> Defect {
        Defect {
            key: key.map(str::to_string),
            table: table.to_string(),
            field: field.to_string(),
            reason: reason.into(),
        }
    }
}

crate::schema!(
    /// The fields of XML1 `TONG_HOP` (QĐ 130/QĐ-BYT Bảng 1 as amended by QĐ 4750/QĐ-BYT and
    /// QĐ 3176/QĐ-BYT), in the order the standard lists them: every field real files carry but
    /// STT and DU_PHONG (a record's order and the reserve field tell no check anything).
    pub SummaryField {
        MA_LK, MA_BN, HO_TEN, SO_CCCD, NGAY_SINH, GIOI_TINH, NHOM_MAU, MA_QUOCTICH, MA_DANTOC,
        MA_NGHE_NGHIEP, DIA_CHI, MATINH_CU_TRU, MAHUYEN_CU_TRU, MAXA_CU_TRU, DIEN_THOAI,
        MA_THE_BHYT, MA_DKBD, GT_THE_TU, GT_THE_DEN, NGAY_MIEN_CCT, LY_DO_VV, LY_DO_VNT,
        MA_LY_DO_VNT, CHAN_DOAN_VAO, CHAN_DOAN_RV, MA_BENH_CHINH, MA_BENH_KT, MA_BENH_YHCT,
        MA_PTTT_QT, MA_DOITUONG_KCB, MA_NOI_DI, MA_NOI_DEN, MA_TAI_NAN, NGAY_VAO,
        NGAY_VAO_NOI_TRU, NGAY_RA, GIAY_CHUYEN_TUYEN, SO_NGAY_DTRI, PP_DIEU_TRI, KET_QUA_DTRI,
        MA_LOAI_RV, GHI_CHU, NGAY_TTOAN, T_THUOC, T_VTYT, T_TONGCHI_BV, T_TONGCHI_BH, T_BNTT,
        T_BNCCT, T_BHTT, T_NGUONKHAC, T_BHTT_GDV, NAM_QT, THANG_QT, MA_LOAI_KCB, MA_KHOA,
        MA_CSKCB, MA_KHUVUC, CAN_NANG, CAN_NANG_CON, NAM_NAM_LIEN_TUC, NGAY_TAI_KHAM, MA_HSBA,
        MA_TTDV,
    }
);

crate::schema!(
    /// The fields of a cost line: XML2 `CHI_TIET_THUOC` (Bảng 2) and XML3 `CHI_TIET_DVKT`
    /// (Bảng 3) of QĐ 130 as amended by QĐ 4750 and QĐ 3176, the two tables' fields in one
    /// schema (a field of one table is empty in the other), but DU_PHONG.
    pub LineField {
        MA_LK, STT, MA_THUOC, MA_PP_CHEBIEN, MA_CSKCB_THUOC, MA_DICH_VU, MA_PTTT_QT, MA_VAT_TU,
        MA_NHOM, GOI_VTYT, TEN_THUOC, TEN_VAT_TU, TEN_DICH_VU, MA_XANG_DAU, DON_VI_TINH,
        HAM_LUONG, DUONG_DUNG, DANG_BAO_CHE, LIEU_DUNG, CACH_DUNG, SO_DANG_KY, TT_THAU,
        PHAM_VI, TYLE_TT_BH, SO_LUONG, DON_GIA, DON_GIA_BV, DON_GIA_BH, TYLE_TT_DV,
        THANH_TIEN_BV, THANH_TIEN_BH, T_TRANTT, T_NGUONKHAC_NSNN, T_NGUONKHAC_VTNN,
        T_NGUONKHAC_VTTN, T_NGUONKHAC_CL, T_NGUONKHAC, MUC_HUONG, T_BNTT, T_BNCCT, T_BHTT,
        MA_KHOA, MA_GIUONG, MA_BAC_SI, NGUOI_THUC_HIEN, MA_BENH, MA_BENH_YHCT, NGAY_YL,
        NGAY_TH_YL, NGAY_KQ, MA_PTTT, NGUON_CTRA, VET_THUONG_TP, PP_VO_CAM, VI_TRI_TH_DVKT,
        MA_MAY, MA_HIEU_SP, TAI_SU_DUNG,
    }
);

/// The fields of one record, by slot of the schema `S` (see [`crate::records`]).
#[derive(Clone, Copy, Debug)]
pub struct Fields<'r, 'a, S> {
    cells: &'r [Text<'a>],
    schema: PhantomData<S>,
}

impl<'r, 'a, S: Schema> Fields<'r, 'a, S> {
    pub fn new(cells: &'r [Text<'a>]) -> Fields<'r, 'a, S> {
        debug_assert_eq!(cells.len(), S::NAMES.len());
        Fields {
            cells,
            schema: PhantomData,
        }
    }

    /// The text of a field; none when it is missing or empty.
    pub fn get(&self, field: S) -> Option<&'r str> {
        Some(self.cells[field.index()].as_ref()).filter(|v| !v.is_empty())
    }

    /// The fields sent non-empty, a bit per slot.
    pub fn present(&self) -> u64 {
        // Branch-free: a bit per cell, set when it holds text.
        let mut mask = 0u64;
        for (i, c) in self.cells.iter().enumerate() {
            mask |= u64::from(!c.is_empty()) << i;
        }
        mask
    }
}

/// Reads typed fields of one record, collecting a defect per bad field.
struct Reading<'a, S> {
    fields: Fields<'a, 'a, S>,
    key: Option<&'a str>,
    table: &'a str,
    defects: Vec<Defect>,
    /// What does not read in a field no amount depends on (see [`Claim::notes`]).
    notes: Vec<Defect>,
}

impl<'a, S: Schema> Reading<'a, S> {
    fn new(fields: Fields<'a, 'a, S>, key: Option<&'a str>, table: &'a str) -> Self {
        Reading {
            fields,
            key,
            table,
            defects: Vec::new(),
            notes: Vec::new(),
        }
    }

    #[cold]
    fn note(&mut self, field: S, reason: impl Into<String>) {
        self.notes
            .push(Defect::new(self.key, self.table, field.name(), reason));
    }

    /// A field no amount depends on, as sent; an over-long one is a note and not kept.
    fn soft_text(&mut self, field: S) -> Option<Box<str>> {
        self.soft_str(field).map(Box::from)
    }

    /// [`Self::soft_text`], borrowed from the record.
    fn soft_str(&mut self, field: S) -> Option<&'a str> {
        let v = self.fields.get(field)?;
        if v.len() > crate::xml::limits::FIELD_BYTES {
            self.note(
                field,
                format!("longer than {} bytes", crate::xml::limits::FIELD_BYTES),
            );
            return None;
        }
        Some(v)
    }

    /// A date (yyyyMMdd, or the first 8 digits of yyyyMMddHHmm) no amount depends on.
    fn soft_date(&mut self, field: S) -> Option<Date> {
        let v = self.fields.get(field)?;
        let parsed = parse_day(v);
        if parsed.is_none() {
            self.note(
                field,
                format!(
                    "`{}` is not a date yyyyMMdd[HHmm]",
                    v.chars().take(40).collect::<String>()
                ),
            );
        }
        parsed
    }

    /// A time yyyyMMddHHmm no amount depends on.
    fn soft_time(&mut self, field: S) -> Option<DateTime> {
        let v = self.fields.get(field)?;
        let parsed = parse_time(v);
        if parsed.is_none() {
            self.note(
                field,
                format!(
                    "`{}` is not a time yyyyMMddHHmm",
                    v.chars().take(40).collect::<String>()
                ),
            );
        }
        parsed
    }

    /// A decimal no amount of the line depends on.
    fn soft_decimal<const P: u32>(&mut self, field: S) -> Option<Fixed<P>> {
        let v = self.fields.get(field)?;
        match v.parse() {
            Ok(d) => Some(d),
            Err(e) => {
                let e: DecimalError = e;
                self.note(
                    field,
                    format!("`{}` {e}", v.chars().take(40).collect::<String>()),
                );
                None
            }
        }
    }

    fn defect(&mut self, field: S, reason: impl Into<String>) {
        self.defects
            .push(Defect::new(self.key, self.table, field.name(), reason));
    }

    fn text(&mut self, field: S) -> String {
        self.required(field).to_string()
    }

    /// A field's text, none when missing, empty or longer than a field may be (a defect).
    #[inline]
    fn value(&mut self, field: S) -> Option<&'a str> {
        match self.fields.get(field) {
            Some(v) if v.len() <= crate::xml::limits::FIELD_BYTES => Some(v),
            Some(v) => {
                self.too_long(field, v.len());
                None
            }
            None => None,
        }
    }

    #[cold]
    fn too_long(&mut self, field: S, bytes: usize) {
        self.defect(
            field,
            format!(
                "longer than {} bytes ({bytes} bytes)",
                crate::xml::limits::FIELD_BYTES
            ),
        );
    }

    /// A required field's text, borrowed; empty (with a defect) when missing or too long.
    #[inline]
    fn required(&mut self, field: S) -> &'a str {
        match self.fields.get(field) {
            Some(v) if v.len() <= crate::xml::limits::FIELD_BYTES => v,
            Some(v) => {
                self.too_long(field, v.len());
                ""
            }
            None => {
                self.defect(field, "required, missing or empty");
                ""
            }
        }
    }

    /// A required number; `reason` is the defect when it does not read.
    fn number<T: FromStr + Default>(&mut self, field: S, reason: &str) -> T {
        let text = self.required(field);
        text.parse().unwrap_or_else(|_| {
            self.defect(field, reason);
            T::default()
        })
    }

    fn opt_text(&mut self, field: S) -> Option<String> {
        self.value(field).map(str::to_string)
    }

    /// A required decimal of the standard, with at most its places.
    fn decimal<const P: u32>(&mut self, field: S) -> Fixed<P> {
        match self.fields.get(field) {
            None => {
                self.defect(field, "required, missing or empty");
                Fixed::ZERO
            }
            Some(v) if v.len() > crate::xml::limits::FIELD_BYTES => {
                self.too_long(field, v.len());
                Fixed::ZERO
            }
            Some(v) => v.parse().unwrap_or_else(|e: DecimalError| {
                self.defect(field, format!("`{v}` {e}"));
                Fixed::ZERO
            }),
        }
    }

    fn opt_decimal<const P: u32>(&mut self, field: S) -> Option<Fixed<P>> {
        self.fields.get(field)?;
        Some(self.decimal(field))
    }

    fn date(&mut self, field: S, text: &str) -> Option<Date> {
        let parsed = (text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| {
                Date::new(
                    text[..4].parse().ok()?,
                    text[4..6].parse().ok()?,
                    text[6..8].parse().ok()?,
                )
                .ok()
            })
            .flatten();
        if parsed.is_none() {
            self.defect(field, format!("`{text}` is not a date yyyyMMdd"));
        }
        parsed
    }

    fn time(&mut self, field: S) -> Option<DateTime> {
        let text = self.value(field)?;
        let parsed = parse_time(text);
        if parsed.is_none() {
            self.defect(field, format!("`{text}` is not a time yyyyMMddHHmm"));
        }
        parsed
    }

    fn required_time(&mut self, field: S) -> Option<DateTime> {
        if self.fields.get(field).is_none() {
            self.defect(field, "required, missing or empty");
            return None;
        }
        self.time(field)
    }
}

/// The forms of XML1 fields that are codes or names, checked as they are read and kept as
/// notes (catalogue C171 address codes, C174 nationality and ethnicity, C183 name and phone):
/// none moves an amount.
fn hygiene(r: &mut Reading<'_, SummaryField>) {
    use SummaryField as S;
    let digits = |v: &str, n: usize| v.len() == n && v.bytes().all(|b| b.is_ascii_digit());
    for (field, n) in [
        (S::MA_QUOCTICH, 3),
        (S::MA_DANTOC, 2),
        (S::MATINH_CU_TRU, 2),
        (S::MAHUYEN_CU_TRU, 3),
        (S::MAXA_CU_TRU, 5),
    ] {
        if let Some(v) = r.fields.get(field)
            && !digits(v, n)
        {
            r.note(
                field,
                format!(
                    "`{}` is not {n} digits",
                    v.chars().take(20).collect::<String>()
                ),
            );
        }
    }
    if let Some(name) = r.fields.get(S::HO_TEN) {
        let odd = name.chars().any(|c| {
            c.is_ascii_digit() || matches!(c, '@' | '#' | '$' | '%' | '*' | '_' | '=' | '<' | '>')
        });
        if odd || name.contains("  ") || name.chars().count() < 2 {
            r.note(
                S::HO_TEN,
                "holds digits or signs, a double space, or one letter",
            );
        }
        // C183: "Thị" as a middle name is a woman's; sent with GIOI_TINH 1 (male), one of
        // the two is likely wrong.
        let male = r.fields.get(S::GIOI_TINH) == Some("1");
        if male
            && name
                .split_whitespace()
                .skip(1)
                .any(|w| w == "THỊ" || w == "Thị" || w == "thị")
        {
            r.note(
                S::GIOI_TINH,
                "is 1 (male) for a name with the middle name Thị, a woman's",
            );
        }
    }
    if let Some(phone) = r.fields.get(S::DIEN_THOAI) {
        let d: Vec<u8> = phone
            .bytes()
            .filter(|b| !matches!(b, b' ' | b'.' | b'-'))
            .collect();
        let (plus, rest) = match d.split_first() {
            Some((b'+', rest)) => (true, rest),
            _ => (false, &d[..]),
        };
        if !(9..=12).contains(&rest.len())
            || !rest.iter().all(u8::is_ascii_digit)
            || (plus && rest.first() == Some(&b'0'))
        {
            r.note(S::DIEN_THOAI, "is not a telephone number");
        }
    }
}

/// A day of the standard: yyyyMMdd, or the day of yyyyMMddHHmm.
pub(crate) fn parse_day(text: &str) -> Option<Date> {
    if !matches!(text.len(), 8 | 12) || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Date::new(
        text[..4].parse().ok()?,
        text[4..6].parse().ok()?,
        text[6..8].parse().ok()?,
    )
    .ok()
}

/// A time of the standard, yyyyMMddHHmm.
pub(crate) fn parse_time(text: &str) -> Option<DateTime> {
    (text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| {
            DateTime::new(
                text[..4].parse().ok()?,
                text[4..6].parse().ok()?,
                text[6..8].parse().ok()?,
                text[8..10].parse().ok()?,
                text[10..12].parse().ok()?,
                0,
                0,
            )
            .ok()
        })
        .flatten()
}

/// The slots of a cost line's amounts, codes and times: a line sending only these has no
/// [`LineDetail`].
const LINE_MONEY: u64 = {
    use LineField as L;
    let fields = [
        L::MA_LK,
        L::STT,
        L::MA_THUOC,
        L::MA_DICH_VU,
        L::MA_VAT_TU,
        L::MA_NHOM,
        L::PHAM_VI,
        L::SO_LUONG,
        L::DON_GIA,
        L::DON_GIA_BV,
        L::DON_GIA_BH,
        L::TYLE_TT_DV,
        L::TYLE_TT_BH,
        L::THANH_TIEN_BV,
        L::THANH_TIEN_BH,
        L::T_NGUONKHAC,
        L::MUC_HUONG,
        L::T_BNTT,
        L::T_BNCCT,
        L::T_BHTT,
        L::NGAY_YL,
        L::NGAY_TH_YL,
        L::NGAY_KQ,
    ];
    let mut mask = 0u64;
    let mut i = 0;
    while i < fields.len() {
        mask |= 1 << fields[i] as usize;
        i += 1;
    }
    mask
};

/// One card of the visit (several when a new card was issued during the episode).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Card {
    pub code: String,
    pub valid_from: Date,
    /// Empty for armed-forces cards the portal cannot check.
    pub valid_to: Option<Date>,
}

/// XML1: the visit summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Claim {
    /// MA_LK.
    pub key: String,
    /// MA_CSKCB.
    pub facility: String,
    pub cards: Vec<Card>,
    /// MA_DOITUONG_KCB.
    pub category: String,
    /// MA_LOAI_KCB.
    pub visit_type: String,
    pub admitted: DateTime,
    pub discharged: Option<DateTime>,
    pub exempt_since: Option<Date>,
    /// NAM_NAM_LIEN_TUC: the day the holder has 5 consecutive years of insurance.
    pub five_years_since: Option<Date>,
    pub totals: Totals,
    pub lines: Vec<CostLine>,
    /// What XML1 says of the person and the stay besides cards and money.
    pub patient: Patient,
    /// Fields that do not read but move no amount (a date of birth that is no date, a weight
    /// that is no number): for the assessor, as findings, not a broken visit.
    pub notes: Vec<Defect>,
    /// Tables kept as sent (XML0, XML4…XML15).
    #[serde(skip)]
    pub other_tables: Vec<(String, Vec<u8>)>,
}

/// What XML1 says of the person and the stay besides cards and money (QĐ 130/QĐ-BYT Bảng 1
/// as amended by QĐ 4750): what the checks of diagnoses (R11), stays (R09, R12), referrals (R04)
/// and completeness read. A text is kept as sent; none when missing or empty.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Patient {
    /// The XML1 fields sent non-empty, by slot of [`SummaryField`].
    #[serde(skip)]
    pub present: u64,
    /// HO_TEN as sent (compared with the card register, C020).
    pub name: Option<Box<str>>,
    /// SO_CCCD, MA_BN: the person's identity number and the facility's patient code (one
    /// identity number is one person across a file, C116).
    pub id_number: Option<Box<str>>,
    pub patient_code: Option<Box<str>>,
    /// NGAY_SINH (yyyyMMddHHmm; yyyyMMdd read too).
    pub birth: Option<Date>,
    /// GIOI_TINH: 1 male, 2 female, 3 not determined.
    pub sex: Option<Box<str>>,
    /// CAN_NANG, kilograms.
    pub weight: Option<Amount>,
    /// MA_BENH_CHINH: the principal diagnosis, ICD-10.
    pub principal: Option<Box<str>>,
    /// MA_BENH_KT: secondary diagnoses, `;`-separated as sent.
    pub secondary: Vec<Box<str>>,
    /// MA_BENH_YHCT: traditional-medicine diagnoses.
    pub traditional: Option<Box<str>>,
    /// MA_DKBD: where the card holder registered for primary care.
    pub registered_at: Option<Box<str>>,
    /// MA_NOI_DI, MA_NOI_DEN, GIAY_CHUYEN_TUYEN: the referral in and out.
    pub referred_from: Option<Box<str>>,
    pub referred_to: Option<Box<str>>,
    pub referral_paper: Option<Box<str>>,
    /// NGAY_VAO_NOI_TRU.
    pub inpatient_from: Option<DateTime>,
    /// SO_NGAY_DTRI: days of treatment the facility counts.
    pub treatment_days: Option<u32>,
    /// KET_QUA_DTRI (1–7), MA_LOAI_RV (1–5) as sent.
    pub outcome: Option<Box<str>>,
    pub discharge_kind: Option<Box<str>>,
    /// NGAY_TTOAN: when the patient settled.
    pub settled: Option<DateTime>,
    /// MA_KHUVUC (K1, K2, K3).
    pub region: Option<Box<str>>,
    /// MA_KHOA, MA_TTDV: the department, the head of the facility who signs.
    pub department: Option<Box<str>>,
    pub head: Option<Box<str>>,
    /// T_BHTT_GDV: the fund's share of the lines paid by the global budget (MA_PTTT = 1).
    pub fund_global: Option<Amount>,
    /// NAM_QT, THANG_QT: the settlement year and month.
    pub settlement_year: Option<Box<str>>,
    pub settlement_month: Option<Box<str>>,
    /// LY_DO_VV says the patient does not use the card ("không KCB BHYT").
    pub declared_uninsured: bool,
}

impl Patient {
    /// Whether XML1 sent `field` non-empty.
    pub fn sent(&self, field: SummaryField) -> bool {
        self.present & (1 << field.index()) != 0
    }
}

/// What a cost line says besides its amounts (QĐ 130 Bảng 2, 3 as amended by QĐ 4750 and
/// QĐ 3176): who ordered and did it, where, with what, under which tender; absent from a line
/// that sends none of it. Its texts share one allocation: real lines send a dozen of them, and
/// a million lines are read in a second.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineDetail {
    /// The line's fields sent non-empty, by slot of [`LineField`].
    pub present: u64,
    texts: Box<str>,
    /// Where each [`LineText`] lies in `texts` (start, length); length 0: not sent. A field
    /// is at most FIELD_BYTES (4 KiB): sixteen of them fit in u16 offsets.
    spans: [(u16, u16); LineText::COUNT],
    /// T_TRANTT: the ceiling the fund pays for this supply.
    pub ceiling: Option<Amount>,
}

/// The texts of a [`LineDetail`], each from its field of the standard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineText {
    /// MA_DICH_VU of a drug or supply line: the service it was used in.
    Service,
    /// TEN_THUOC, TEN_DICH_VU or TEN_VAT_TU.
    Name,
    Unit,
    Strength,
    Route,
    Dose,
    Registration,
    /// TT_THAU: decision; package; group; year of the tender that priced it.
    Tender,
    Department,
    Bed,
    Doctor,
    /// NGUOI_THUC_HIEN, `;`-separated.
    Performers,
    Diagnosis,
    Machine,
    /// PP_VO_CAM: 1 general, 2 regional, 3 local, 4 other.
    Anaesthesia,
    /// MA_PTTT: 1 paid per service, 2 by diagnosis group, 3 per capita.
    PaymentMethod,
}

impl LineText {
    pub const COUNT: usize = 16;
}

impl LineDetail {
    pub fn sent(&self, field: LineField) -> bool {
        self.present & (1 << field.index()) != 0
    }

    pub fn get(&self, t: LineText) -> Option<&str> {
        let (start, len) = self.spans[t as usize];
        let (start, len) = (usize::from(start), usize::from(len));
        self.texts.get(start..start + len).filter(|t| !t.is_empty())
    }

    pub fn service(&self) -> Option<&str> {
        self.get(LineText::Service)
    }
    pub fn name(&self) -> Option<&str> {
        self.get(LineText::Name)
    }
    pub fn tender(&self) -> Option<&str> {
        self.get(LineText::Tender)
    }
    pub fn bed(&self) -> Option<&str> {
        self.get(LineText::Bed)
    }
    pub fn doctor(&self) -> Option<&str> {
        self.get(LineText::Doctor)
    }
    pub fn performers(&self) -> Option<&str> {
        self.get(LineText::Performers)
    }
    pub fn diagnosis(&self) -> Option<&str> {
        self.get(LineText::Diagnosis)
    }
    pub fn machine(&self) -> Option<&str> {
        self.get(LineText::Machine)
    }
    pub fn anaesthesia(&self) -> Option<&str> {
        self.get(LineText::Anaesthesia)
    }
    pub fn payment_method(&self) -> Option<&str> {
        self.get(LineText::PaymentMethod)
    }

    /// Builds the detail from each text as sent (none or empty: not sent), in one allocation.
    fn of(
        present: u64,
        texts: [Option<&str>; LineText::COUNT],
        ceiling: Option<Amount>,
    ) -> LineDetail {
        let total: usize = texts.iter().flatten().map(|t| t.len()).sum();
        let mut buffer = String::with_capacity(total);
        let mut spans = [(0u16, 0u16); LineText::COUNT];
        for (span, text) in spans.iter_mut().zip(texts) {
            if let Some(t) = text {
                match (u16::try_from(buffer.len()), u16::try_from(t.len())) {
                    (Ok(start), Ok(len)) => *span = (start, len),
                    // Not reached within the field limit; a text beyond is not kept.
                    _ => continue,
                }
                buffer.push_str(t);
            }
        }
        LineDetail {
            present,
            texts: buffer.into_boxed_str(),
            spans,
            ceiling,
        }
    }
}

/// XML1 totals as claimed.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Totals {
    pub drugs: Amount,
    pub supplies: Amount,
    pub hospital: Amount,
    pub covered: Amount,
    pub self_pay: Amount,
    pub co_pay: Amount,
    pub insurer: Amount,
    pub other_payers: Amount,
}

/// One cost line of XML2 or XML3.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CostLine {
    #[serde(serialize_with = "table_name")]
    pub table: Table,
    /// STT.
    pub number: u32,
    /// MA_THUOC, or MA_DICH_VU / MA_VAT_TU.
    pub code: String,
    pub group: u32,
    /// PHAM_VI: 1 in scope, 2 outside, 3 armed forces.
    pub scope: u8,
    pub quantity: Quantity,
    /// DON_GIA (XML2) or DON_GIA_BV (XML3).
    pub unit_price_hospital: Price,
    /// DON_GIA_BH (XML3); for drugs the same as the hospital price.
    pub unit_price_insured: Price,
    /// TYLE_TT_DV (XML3 only; 100 for drugs).
    pub service_ratio: Percent,
    pub payment_ratio: Percent,
    pub amount_hospital: Amount,
    pub amount_covered: Amount,
    pub benefit_rate: Percent,
    pub other_payers: Amount,
    pub self_pay: Amount,
    pub co_pay: Amount,
    pub insurer: Amount,
    /// NGAY_YL.
    pub ordered: Option<DateTime>,
    pub performed: Option<DateTime>,
    pub result: Option<DateTime>,
    /// What else the line sent; none when it sent nothing but its amounts.
    #[serde(skip)]
    pub detail: Option<LineDetail>,
}

fn table_name<S: serde::Serializer>(t: &Table, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(t.name())
}

impl Claim {
    /// Types the records of one visit; every bad field is a defect.
    pub fn from_fields(
        summary: Fields<'_, '_, SummaryField>,
        drugs: &Records<'_>,
        services: &Records<'_>,
        other_tables: Vec<(String, Vec<u8>)>,
    ) -> Result<Claim, Vec<Defect>> {
        use SummaryField as S;
        // The key names every defect of the visit: an over-long one is not repeated in each.
        let key_text = summary
            .get(SummaryField::MA_LK)
            .filter(|k| k.len() <= crate::xml::limits::FIELD_BYTES)
            .map(str::to_string);
        let mut r = Reading::new(summary, key_text.as_deref(), "XML1");
        let key = r.text(S::MA_LK);
        let facility = r.text(S::MA_CSKCB);
        // The cards' codes and dates, `;`-separated in the same order, read where they lie.
        let codes = r.required(S::MA_THE_BHYT);
        let froms = r.required(S::GT_THE_TU);
        let tos = r.value(S::GT_THE_DEN).unwrap_or_default();
        let (card_count, from_count) = (codes.split(';').count(), froms.split(';').count());
        if from_count != card_count {
            r.defect(
                S::GT_THE_TU,
                format!(
                    "{from_count} dates for {card_count} cards (listed in the same order, `;`-separated)"
                ),
            );
        }
        let mut cards = Vec::with_capacity(card_count);
        let mut froms = froms.split(';').map(str::trim);
        let mut tos = tos.split(';').map(str::trim);
        for code in codes.split(';').map(str::trim) {
            let from = froms.next().and_then(|f| r.date(S::GT_THE_TU, f));
            let to = match tos.next().filter(|t| !t.is_empty()) {
                Some(t) => r.date(S::GT_THE_DEN, t).map(Some),
                None => Some(None),
            };
            if let (Some(valid_from), Some(valid_to)) = (from, to) {
                cards.push(Card {
                    code: code.to_string(),
                    valid_from,
                    valid_to,
                });
            }
        }
        let category = r.text(S::MA_DOITUONG_KCB);
        let visit_type = r.text(S::MA_LOAI_KCB);
        let admitted = r.required_time(S::NGAY_VAO);
        let discharged = r.time(S::NGAY_RA);
        let exempt_since = match r.opt_text(S::NGAY_MIEN_CCT) {
            Some(t) => r.date(S::NGAY_MIEN_CCT, t.get(..8).unwrap_or(&t)),
            None => None,
        };
        let five_years_since = match r.opt_text(S::NAM_NAM_LIEN_TUC) {
            Some(t) => r.date(S::NAM_NAM_LIEN_TUC, t.get(..8).unwrap_or(&t)),
            None => None,
        };
        let totals = Totals {
            drugs: r.decimal(S::T_THUOC),
            supplies: r.decimal(S::T_VTYT),
            hospital: r.decimal(S::T_TONGCHI_BV),
            covered: r.decimal(S::T_TONGCHI_BH),
            self_pay: r.decimal(S::T_BNTT),
            co_pay: r.decimal(S::T_BNCCT),
            insurer: r.decimal(S::T_BHTT),
            other_payers: r.opt_decimal(S::T_NGUONKHAC).unwrap_or_default(),
        };
        let patient = Patient {
            present: summary.present(),
            name: r.soft_text(S::HO_TEN),
            id_number: r.soft_text(S::SO_CCCD),
            patient_code: r.soft_text(S::MA_BN),
            birth: r.soft_date(S::NGAY_SINH),
            sex: r.soft_text(S::GIOI_TINH),
            weight: r.soft_decimal(S::CAN_NANG),
            principal: r.soft_text(S::MA_BENH_CHINH),
            secondary: r
                .soft_text(S::MA_BENH_KT)
                .map(|t| {
                    t.split(';')
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(Box::from)
                        .collect()
                })
                .unwrap_or_default(),
            traditional: r.soft_text(S::MA_BENH_YHCT),
            registered_at: r.soft_text(S::MA_DKBD),
            referred_from: r.soft_text(S::MA_NOI_DI),
            referred_to: r.soft_text(S::MA_NOI_DEN),
            referral_paper: r.soft_text(S::GIAY_CHUYEN_TUYEN),
            inpatient_from: r.soft_time(S::NGAY_VAO_NOI_TRU),
            treatment_days: r
                .soft_decimal::<0>(S::SO_NGAY_DTRI)
                .and_then(|d| u32::try_from(d.units()).ok()),
            outcome: r.soft_text(S::KET_QUA_DTRI),
            discharge_kind: r.soft_text(S::MA_LOAI_RV),
            settled: r.soft_time(S::NGAY_TTOAN),
            region: r.soft_text(S::MA_KHUVUC),
            department: r.soft_text(S::MA_KHOA),
            head: r.soft_text(S::MA_TTDV),
            fund_global: r.soft_decimal(S::T_BHTT_GDV),
            settlement_year: r.soft_text(S::NAM_QT),
            settlement_month: r.soft_text(S::THANG_QT),
            declared_uninsured: r
                .soft_str(S::LY_DO_VV)
                .is_some_and(|v| v.to_lowercase().contains("không kcb bhyt")),
        };
        hygiene(&mut r);
        use LineField as L;
        let mut defects = r.defects;
        let mut notes = r.notes;
        let mut lines = Vec::new();
        for (table, rows) in [(Table::Xml2, drugs), (Table::Xml3, services)] {
            for cells in rows.iter() {
                let fields = Fields::<LineField>::new(cells);
                let mut r = Reading::new(fields, key_text.as_deref(), table.name());
                if fields.get(L::MA_LK) != key_text.as_deref() {
                    r.defect(L::MA_LK, "differs from the visit's MA_LK in XML1");
                }
                let number = r.number(L::STT, "not a line number");
                // A supply line (groups 10, 11) names its supply in MA_VAT_TU and the service it
                // was used in in MA_DICH_VU (QĐ 130 Bảng 3): the supply is what is priced.
                let code = match table {
                    Table::Xml2 => r.text(L::MA_THUOC),
                    _ => r
                        .opt_text(L::MA_VAT_TU)
                        .or_else(|| r.opt_text(L::MA_DICH_VU))
                        .unwrap_or_else(|| r.text(L::MA_DICH_VU)),
                };
                let present = fields.present();
                let linked = match table {
                    Table::Xml3 if fields.get(L::MA_VAT_TU).is_none() => 0,
                    _ => 1 << L::MA_DICH_VU as usize,
                };
                let detail = (present & (!LINE_MONEY | linked) != 0).then(|| {
                    let service = if linked != 0 {
                        r.soft_str(L::MA_DICH_VU)
                    } else {
                        None
                    };
                    let name = r
                        .soft_str(L::TEN_THUOC)
                        .or_else(|| r.soft_str(L::TEN_VAT_TU))
                        .or_else(|| r.soft_str(L::TEN_DICH_VU));
                    let texts = [
                        service,
                        name,
                        r.soft_str(L::DON_VI_TINH),
                        r.soft_str(L::HAM_LUONG),
                        r.soft_str(L::DUONG_DUNG),
                        r.soft_str(L::LIEU_DUNG),
                        r.soft_str(L::SO_DANG_KY),
                        r.soft_str(L::TT_THAU),
                        r.soft_str(L::MA_KHOA),
                        r.soft_str(L::MA_GIUONG),
                        r.soft_str(L::MA_BAC_SI),
                        r.soft_str(L::NGUOI_THUC_HIEN),
                        r.soft_str(L::MA_BENH),
                        r.soft_str(L::MA_MAY),
                        r.soft_str(L::PP_VO_CAM),
                        r.soft_str(L::MA_PTTT),
                    ];
                    let ceiling = r.soft_decimal(L::T_TRANTT);
                    LineDetail::of(present, texts, ceiling)
                });
                let group = r.number(L::MA_NHOM, "not a cost group number");
                let scope = match r.required(L::PHAM_VI) {
                    "1" => 1,
                    "2" => 2,
                    "3" => 3,
                    other => {
                        r.defect(L::PHAM_VI, format!("`{other}` is not 1, 2 or 3"));
                        0
                    }
                };
                let quantity = r.decimal(L::SO_LUONG);
                let (unit_price_hospital, unit_price_insured, service_ratio) = match table {
                    Table::Xml2 => {
                        let p = r.decimal(L::DON_GIA);
                        (p, p, Percent::HUNDRED)
                    }
                    _ => (
                        r.decimal(L::DON_GIA_BV),
                        r.decimal(L::DON_GIA_BH),
                        r.decimal(L::TYLE_TT_DV),
                    ),
                };
                let line = CostLine {
                    table,
                    number,
                    code,
                    group,
                    scope,
                    quantity,
                    unit_price_hospital,
                    unit_price_insured,
                    service_ratio,
                    payment_ratio: r.decimal(L::TYLE_TT_BH),
                    amount_hospital: r.decimal(L::THANH_TIEN_BV),
                    amount_covered: r.decimal(L::THANH_TIEN_BH),
                    benefit_rate: r.decimal(L::MUC_HUONG),
                    other_payers: r.opt_decimal(L::T_NGUONKHAC).unwrap_or_default(),
                    self_pay: r.decimal(L::T_BNTT),
                    co_pay: r.decimal(L::T_BNCCT),
                    insurer: r.decimal(L::T_BHTT),
                    ordered: r.required_time(L::NGAY_YL),
                    performed: r.time(L::NGAY_TH_YL),
                    result: r.time(L::NGAY_KQ),
                    detail,
                };
                defects.extend(r.defects);
                notes.extend(r.notes);
                lines.push(line);
            }
        }
        match (defects.is_empty(), admitted) {
            (true, Some(admitted)) => Ok(Claim {
                key,
                facility,
                cards,
                category,
                visit_type,
                admitted,
                discharged,
                exempt_since,
                five_years_since,
                totals,
                lines,
                patient,
                notes,
                other_tables,
            }),
            _ => Err(defects),
        }
    }

    /// Inpatient visit types (MA_LOAI_KCB 03 inpatient, 04 day inpatient, 06 stay at a
    /// commune station, 09 inpatient under 4 hours).
    /// When line `l` was ordered: its NGAY_YL, or the admission for a line without one.
    pub fn ordered_at(&self, l: &CostLine) -> DateTime {
        l.ordered.unwrap_or(self.admitted)
    }

    /// Whether the visit's card is one of the armed forces or police (QN, CA, CY): paid in full
    /// within its scope (PHAM_VI 3), outside the global budget, with possibly no end date.
    pub fn armed_forces_card(&self) -> bool {
        self.cards
            .first()
            .is_some_and(|c| matches!(c.code.get(..2), Some("QN" | "CA" | "CY")))
    }

    /// Whether the treating facility is one where the holder registered (MA_DKBD, one per card);
    /// none when MA_DKBD was not sent.
    pub fn registered_here(&self) -> Option<bool> {
        let codes = self.patient.registered_at.as_deref()?;
        Some(codes.split(';').any(|c| c.trim() == self.facility))
    }

    /// A table of the visit kept as sent (XML4…XML15), by its LOAIHOSO.
    pub fn other_table(&self, kind: &str) -> Option<&[u8]> {
        self.other_tables
            .iter()
            .find(|(k, _)| k.trim() == kind)
            .map(|(_, bytes)| bytes.as_slice())
    }

    pub fn inpatient(&self) -> bool {
        matches!(
            self.visit_type.as_str(),
            "03" | "04" | "06" | "09" | "3" | "4" | "6" | "9"
        )
    }
}
