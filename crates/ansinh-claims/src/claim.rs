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
    /// The fields of XML1 `TONG_HOP` this release reads (QĐ 130/QĐ-BYT Bảng 1), in the order
    /// the standard lists them.
    pub SummaryField {
        MA_LK, MA_THE_BHYT, GT_THE_TU, GT_THE_DEN, NGAY_MIEN_CCT, MA_DOITUONG_KCB, NGAY_VAO,
        NGAY_RA, T_THUOC, T_VTYT, T_TONGCHI_BV, T_TONGCHI_BH, T_BNTT, T_BNCCT, T_BHTT,
        T_NGUONKHAC, MA_LOAI_KCB, MA_CSKCB, NAM_NAM_LIEN_TUC,
    }
);

crate::schema!(
    /// The fields of a cost line this release reads: XML2 `CHI_TIET_THUOC` (Bảng 2) and XML3
    /// `CHI_TIET_DVKT` (Bảng 3), in about the order the standard lists them.
    pub LineField {
        MA_LK, STT, MA_THUOC, MA_DICH_VU, MA_VAT_TU, MA_NHOM, PHAM_VI, SO_LUONG, DON_GIA,
        DON_GIA_BV, DON_GIA_BH, TYLE_TT_DV, TYLE_TT_BH, THANH_TIEN_BV, THANH_TIEN_BH,
        T_NGUONKHAC, MUC_HUONG, T_BNTT, T_BNCCT, T_BHTT, NGAY_YL, NGAY_TH_YL, NGAY_KQ,
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
}

/// Reads typed fields of one record, collecting a defect per bad field.
struct Reading<'a, S> {
    fields: Fields<'a, 'a, S>,
    key: Option<&'a str>,
    table: &'a str,
    defects: Vec<Defect>,
}

impl<'a, S: Schema> Reading<'a, S> {
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
        let parsed = (text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()))
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
            .flatten();
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
    /// Tables kept as sent (XML0, XML4…XML15).
    #[serde(skip)]
    pub other_tables: Vec<(String, Vec<u8>)>,
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
        let mut r = Reading {
            fields: summary,
            key: key_text.as_deref(),
            table: "XML1",
            defects: Vec::new(),
        };
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
        use LineField as L;
        let mut defects = r.defects;
        let mut lines = Vec::new();
        for (table, rows) in [(Table::Xml2, drugs), (Table::Xml3, services)] {
            for cells in rows.iter() {
                let fields = Fields::<LineField>::new(cells);
                let mut r = Reading {
                    fields,
                    key: key_text.as_deref(),
                    table: table.name(),
                    defects: Vec::new(),
                };
                if fields.get(L::MA_LK) != key_text.as_deref() {
                    r.defect(L::MA_LK, "differs from the visit's MA_LK in XML1");
                }
                let number = r.number(L::STT, "not a line number");
                let code = match table {
                    Table::Xml2 => r.text(L::MA_THUOC),
                    _ => r
                        .opt_text(L::MA_DICH_VU)
                        .or_else(|| r.opt_text(L::MA_VAT_TU))
                        .unwrap_or_else(|| r.text(L::MA_DICH_VU)),
                };
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
                };
                defects.extend(r.defects);
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
                other_tables,
            }),
            _ => Err(defects),
        }
    }

    /// Inpatient visit types (MA_LOAI_KCB 03 inpatient, 04 day inpatient, 06 stay at a
    /// commune station, 09 inpatient under 4 hours).
    pub fn inpatient(&self) -> bool {
        matches!(
            self.visit_type.as_str(),
            "03" | "04" | "06" | "09" | "3" | "4" | "6" | "9"
        )
    }
}
