//! Reference data of the assessment, loaded from CSV: approved prices of services (rule R05,
//! giá được duyệt), the covered list of drugs (rule R06, danh mục thuốc TT 20/2022/TT-BYT) and,
//! when given, the facilities under contract with their level (rule R04, cơ sở KCB).
//! Each row carries its dates and source; a file with a bad row is refused whole, naming the line,
//! field and reason.

use crate::decimal::{Fixed, Price};
use ansinh_core::Date;
// Fx hashing: every cost line looks a code up, and SipHash's resistance to chosen keys is not
// needed for tables built from the agency's own lists.
use rustc_hash::FxHashMap as HashMap;

/// Why a reference file is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file} line {line}, {field}: {reason}")]
pub struct ReferenceError {
    pub file: String,
    pub line: u64,
    pub field: String,
    pub reason: String,
}

type Dated<T> = Vec<(Date, Option<Date>, T)>;

/// The value of a reference row: a price, a ratio or a level, with at most 3 places.
type Value = Fixed<3>;

/// Approved prices and covered drugs, by code.
#[derive(Clone, Debug, Default)]
pub struct Reference {
    prices: HashMap<String, Dated<Value>>,
    drugs: HashMap<String, Dated<Value>>,
    /// Facility code → level (hạng: 0 special, 1–4), while under contract. Empty: not checked.
    facilities: HashMap<String, Dated<Value>>,
    /// The lists of the checks of issue 18, each empty (not checked) until loaded.
    pub lists: Lists,
    /// Code → the lists of [`listed`] that have a row of it: one look-up a line tells which
    /// of the per-line lists to look in (most codes are in none of them).
    line_lists: HashMap<String, u16>,
}

/// The per-line lists, as bits of [`Reference::listed`].
pub mod listed {
    pub const CATALOGUE: u16 = 1;
    pub const LIMITS: u16 = 1 << 1;
    pub const DURATIONS: u16 = 1 << 2;
    pub const SETTINGS: u16 = 1 << 3;
    pub const REQUIRES: u16 = 1 << 4;
    pub const CONCURRENT: u16 = 1 << 5;
    pub const INTERACTIONS: u16 = 1 << 6;
}

/// One dated row of a reference list, its columns by name as the file gives them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub from: Date,
    pub to: Option<Date>,
    pub cells: Vec<String>,
    /// The row's line in its file (for the error of a value read later).
    pub line: u64,
}

impl Row {
    pub fn valid_on(&self, date: Date) -> bool {
        self.from <= date && self.to.is_none_or(|t| date <= t)
    }
}

/// Rows by code, each list with its columns (after `code`, before `from,to,source`).
#[derive(Clone, Debug, Default)]
pub struct List {
    pub rows: HashMap<String, Vec<Row>>,
}

impl List {
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows of `code` valid on `date`.
    pub fn on<'a>(&'a self, code: &str, date: Date) -> impl Iterator<Item = &'a Row> + 'a {
        self.rows
            .get(code.trim())
            .into_iter()
            .flatten()
            .filter(move |r| r.valid_on(date))
    }
}

/// The reference lists of the record checks (`checks`), each from its CSV file in the
/// reference folder, documented in `examples/claims/reference/README.md`.
#[derive(Clone, Debug, Default)]
pub struct Lists {
    /// `icd10.csv`: code,name,sex,principal — the ICD-10 codes in use (R11, C117–C119).
    pub icd10: List,
    /// `indications.csv`: code,icd — a service or drug paid only with one of the diagnoses
    /// (`;`-separated prefixes) (R11, C120, C121).
    pub indications: List,
    /// `restrictions.csv`: code,sex,min_age,max_age — who a service or drug is for (R11, C122).
    pub restrictions: List,
    /// `staff.csv`: code,title,facility — practitioners with a licence (CCHN) registered at a
    /// facility, and their title (doctor, physician assistant, nurse, midwife, technician) (R14).
    pub staff: List,
    /// `bundles.csv`: code,included_in — a service already priced into another (R08).
    pub bundles: List,
    /// `tenders.csv`: code,tender,price,quantity — tender awards (R15, C161, tender quantity).
    pub tenders: List,
    /// `locked.csv`: code,reason — cards the agency has locked (revoked, reported lost,
    /// replaced) (R01, C007).
    pub locked: List,
    /// `averages.csv`: code,average — the cost per visit of a kind of visit (`outpatient`,
    /// `inpatient`) at a level of facility, against which a facility's average is compared (R16).
    pub averages: List,
    /// `catalogue.csv`: code,facility,kind,name,strength,registration,tender,price — the
    /// facility's catalogue the agency approved (danh mục dùng chung đã được phê duyệt): each
    /// drug, supply or service it may bill, as approved (R05, R06; C040, C041, C048–C058).
    pub catalogue: List,
    /// `limits.csv`: code,per_day,per_visit,min_days — how many of a service are paid a day or
    /// a visit, and the least days between two (R09.LIMIT; C098–C100).
    pub limits: List,
    /// `durations.csv`: code,min_minutes,unit_minutes,max_minutes — how long a service takes at
    /// least, the minutes one unit of its quantity stands for, and how long it may run at most
    /// (R12.DURATION; C101, C106, C136).
    pub durations: List,
    /// `settings.csv`: code,setting — a service paid only for outpatients (`outpatient`) or
    /// only in a stay (`inpatient`) (R09.SETTING; C066).
    pub settings: List,
    /// `interactions.csv`: code,with,severity — two drugs not to be given together (R11;
    /// C127).
    pub interactions: List,
    /// `requires.csv`: code,requires — a service paid only with one of the `;`-separated
    /// services in the same visit (R08.REQUIRES; C046, C086).
    pub requires: List,
    /// `concurrent.csv`: code,with — an item not paid while the service `with` runs
    /// (R08.CONCURRENT; C078).
    pub concurrent: List,
    /// `cards.csv`: code,name,birth,sex,registered_at — the health cards the agency issued (the
    /// card register of Ansinh, `ansinh card export`), against which a claim's card and
    /// holder are looked up (R01.REGISTER, R02.IDENTITY; C006, C020).
    pub cards: List,
}

/// The columns of each list after `code`.
pub const LIST_COLUMNS: &[(&str, &[&str])] = &[
    ("icd10.csv", &["name", "sex", "principal"]),
    ("indications.csv", &["icd"]),
    ("restrictions.csv", &["sex", "min_age", "max_age"]),
    ("staff.csv", &["title", "facility"]),
    ("bundles.csv", &["included_in"]),
    ("tenders.csv", &["tender", "price", "quantity"]),
    ("averages.csv", &["average"]),
    ("locked.csv", &["reason"]),
    (
        "catalogue.csv",
        &[
            "facility",
            "kind",
            "name",
            "strength",
            "registration",
            "tender",
            "price",
        ],
    ),
    ("limits.csv", &["per_day", "per_visit", "min_days"]),
    (
        "durations.csv",
        &["min_minutes", "unit_minutes", "max_minutes"],
    ),
    ("settings.csv", &["setting"]),
    ("interactions.csv", &["with", "severity"]),
    ("requires.csv", &["requires"]),
    ("concurrent.csv", &["with"]),
    ("cards.csv", &["name", "birth", "sex", "registered_at"]),
];

/// The columns that hold a number (empty: none), checked when a list is read so that a check
/// never meets a value that does not read.
const NUMBERS: &[(&str, &str)] = &[
    ("catalogue.csv", "price"),
    ("limits.csv", "per_day"),
    ("limits.csv", "per_visit"),
    ("limits.csv", "min_days"),
    ("durations.csv", "min_minutes"),
    ("durations.csv", "unit_minutes"),
    ("durations.csv", "max_minutes"),
];

/// The columns that hold a date, YYYY-MM-DD (empty: none).
const DATES: &[(&str, &str)] = &[("cards.csv", "birth")];

/// The columns whose value is one of a few words.
const WORDS: &[(&str, &str, &[&str])] = &[
    ("catalogue.csv", "kind", &["drug", "supply", "service"]),
    ("settings.csv", "setting", &["outpatient", "inpatient"]),
    (
        "interactions.csv",
        "severity",
        &["contraindicated", "major", "moderate"],
    ),
    ("cards.csv", "sex", &["", "1", "2", "3"]),
];

/// Refuses a list whose number or word columns hold what they may not, naming the row.
fn check_cells(file: &str, columns: &[&str], list: &List) -> Result<(), ReferenceError> {
    for rows in list.rows.values() {
        for row in rows {
            for (i, column) in columns.iter().enumerate() {
                let v = row.cells[i].as_str();
                let fail = |reason: String| ReferenceError {
                    file: file.to_string(),
                    line: row.line,
                    field: column.to_string(),
                    reason,
                };
                if NUMBERS.contains(&(file, column)) && !v.is_empty() {
                    v.parse::<Value>()
                        .ok()
                        .filter(|v| *v >= Value::ZERO)
                        .ok_or_else(|| fail(format!("`{v}` is not a number of at least 0")))?;
                }
                if DATES.contains(&(file, column)) && !v.is_empty() && v.parse::<Date>().is_err() {
                    return Err(fail(format!("`{v}` is not YYYY-MM-DD")));
                }
                if let Some((_, _, words)) =
                    WORDS.iter().find(|(f, c, _)| *f == file && c == column)
                    && !words.contains(&v)
                {
                    return Err(fail(format!("`{v}` is none of {}", words.join(", "))));
                }
            }
        }
    }
    Ok(())
}

/// Reads one list: `code`, its `columns`, `from`, `to`, `source`; a bad row refuses the file.
pub fn list(file: &str, text: &str, columns: &[&str]) -> Result<List, ReferenceError> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let fail = |line: u64, field: &str, reason: String| ReferenceError {
        file: file.to_string(),
        line,
        field: field.to_string(),
        reason,
    };
    let headers = reader
        .headers()
        .map_err(|e| fail(1, "header", e.to_string()))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| fail(1, name, "column missing".into()))
    };
    let (code, from, to, source) = (col("code")?, col("from")?, col("to")?, col("source")?);
    let cols: Vec<usize> = columns.iter().map(|c| col(c)).collect::<Result<_, _>>()?;
    let mut out = List::default();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let record = record.map_err(|e| fail(line, "row", e.to_string()))?;
        let get = |c: usize| record.get(c).unwrap_or("").trim();
        if get(code).is_empty() {
            return Err(fail(line, "code", "empty".into()));
        }
        if get(source).is_empty() {
            return Err(fail(line, "source", "every value needs its source".into()));
        }
        let from = get(from)
            .parse::<Date>()
            .map_err(|_| fail(line, "from", format!("`{}` is not YYYY-MM-DD", get(from))))?;
        let to = match get(to) {
            "" => None,
            t => Some(
                t.parse::<Date>()
                    .map_err(|_| fail(line, "to", format!("`{t}` is not YYYY-MM-DD")))?,
            ),
        };
        out.rows
            .entry(get(code).to_string())
            .or_default()
            .push(Row {
                from,
                to,
                cells: cols.iter().map(|c| get(*c).to_string()).collect(),
                line,
            });
    }
    Ok(out)
}

fn at<T: Copy>(rows: Option<&Dated<T>>, date: Date) -> Option<T> {
    rows?
        .iter()
        .find(|(from, to, _)| *from <= date && to.is_none_or(|t| date <= t))
        .map(|(_, _, v)| *v)
}

fn rows(
    file: &str,
    text: &str,
    value_field: &str,
    mut keep: impl FnMut(&Row) -> bool,
) -> Result<HashMap<String, Dated<Value>>, ReferenceError> {
    // Read as a list whose only column is the value (and `kind`, to keep rows by it), then
    // the value parsed: one reader of reference CSV for all the files.
    let columns: &[&str] = if value_field == "ratio" {
        &["ratio", "kind"]
    } else {
        &[value_field]
    };
    let read = list(file, text, columns)?;
    let mut out: HashMap<String, Dated<Value>> = HashMap::default();
    for (code, rows) in read.rows {
        for row in rows.into_iter().filter(|r| keep(r)) {
            let v = row.cells[0]
                .parse::<Value>()
                .ok()
                .filter(|v| *v >= Value::ZERO)
                .ok_or_else(|| ReferenceError {
                    file: file.to_string(),
                    line: row.line,
                    field: value_field.to_string(),
                    reason: format!("`{}` is not an amount", row.cells[0]),
                })?;
            out.entry(code.clone())
                .or_default()
                .push((row.from, row.to, v));
        }
    }
    Ok(out)
}

impl Reference {
    /// Reads `prices.csv` (`code,price,from,to,source`) and `covered.csv`
    /// (`code,kind,name,ratio,from,to,source`; rows of kind `drug`).
    pub fn from_csv(prices: &str, covered: &str) -> Result<Reference, ReferenceError> {
        let kind_is_drug = |r: &Row| r.cells.get(1).is_some_and(|k| k == "drug");
        Ok(Reference {
            prices: rows("prices.csv", prices, "price", |_| true)?,
            drugs: rows("covered.csv", covered, "ratio", kind_is_drug)?,
            facilities: HashMap::default(),
            lists: Lists::default(),
            line_lists: HashMap::default(),
        })
    }

    /// Adds one of the lists of [`LIST_COLUMNS`] by its file name.
    pub fn with_list(mut self, file: &str, text: &str) -> Result<Reference, ReferenceError> {
        let Some((_, columns)) = LIST_COLUMNS.iter().find(|(f, _)| *f == file) else {
            return Err(ReferenceError {
                file: file.to_string(),
                line: 0,
                field: "file".into(),
                reason: "not a reference list of Ansinh".into(),
            });
        };
        let read = list(file, text, columns)?;
        check_cells(file, columns, &read)?;
        let l = &mut self.lists;
        let slot = match file {
            "icd10.csv" => &mut l.icd10,
            "indications.csv" => &mut l.indications,
            "restrictions.csv" => &mut l.restrictions,
            "staff.csv" => &mut l.staff,
            "bundles.csv" => &mut l.bundles,
            "tenders.csv" => &mut l.tenders,
            "locked.csv" => &mut l.locked,
            "catalogue.csv" => &mut l.catalogue,
            "limits.csv" => &mut l.limits,
            "durations.csv" => &mut l.durations,
            "settings.csv" => &mut l.settings,
            "interactions.csv" => &mut l.interactions,
            "requires.csv" => &mut l.requires,
            "concurrent.csv" => &mut l.concurrent,
            "cards.csv" => &mut l.cards,
            _ => &mut l.averages,
        };
        *slot = read;
        self.index_line_lists();
        Ok(self)
    }

    /// Adds `facilities.csv` (`code,name,level,province,from,to,source`): the facilities under
    /// contract with the fund, each for its dates.
    pub fn with_facilities(mut self, facilities: &str) -> Result<Reference, ReferenceError> {
        self.facilities = rows("facilities.csv", facilities, "level", |_| true)?;
        Ok(self)
    }

    fn index_line_lists(&mut self) {
        let l = &self.lists;
        let mut index: HashMap<String, u16> = HashMap::default();
        for (list, bit) in [
            (&l.catalogue, listed::CATALOGUE),
            (&l.limits, listed::LIMITS),
            (&l.durations, listed::DURATIONS),
            (&l.settings, listed::SETTINGS),
            (&l.requires, listed::REQUIRES),
            (&l.concurrent, listed::CONCURRENT),
            (&l.interactions, listed::INTERACTIONS),
        ] {
            for code in list.rows.keys() {
                *index.entry(code.clone()).or_default() |= bit;
            }
        }
        self.line_lists = index;
    }

    /// The list `pick` chooses, when it is loaded (a check whose list is absent is not made).
    pub fn loaded(reference: Option<&Reference>, pick: fn(&Lists) -> &List) -> Option<&List> {
        reference.map(|r| pick(&r.lists)).filter(|l| !l.is_empty())
    }

    /// Whether any per-line list is loaded.
    pub fn listed_any(&self) -> bool {
        !self.line_lists.is_empty()
    }

    /// Which per-line lists (bits of [`listed`]) hold a row of `code`, whatever its dates.
    pub fn listed(&self, code: &str) -> u16 {
        if self.line_lists.is_empty() {
            return 0;
        }
        self.line_lists.get(code.trim()).copied().unwrap_or(0)
    }

    /// Whether services are priced at all (a price list was loaded).
    pub fn has_prices(&self) -> bool {
        !self.prices.is_empty()
    }

    /// Whether facilities are checked at all (a list was loaded).
    pub fn has_facilities(&self) -> bool {
        !self.facilities.is_empty()
    }

    /// The facility's level on a date, if it is under contract then (rule R04).
    pub fn facility_level(&self, code: &str, date: Date) -> Option<Value> {
        at(self.facilities.get(code), date)
    }

    /// The approved price of a service on a date (rule R05).
    pub fn price(&self, code: &str, date: Date) -> Option<Price> {
        at(self.prices.get(code), date)
    }

    /// Whether a drug's active-ingredient code is in the covered list on a date (rule R06).
    pub fn drug_covered(&self, code: &str, date: Date) -> bool {
        at(self.drugs.get(code), date).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rows_name_line_and_field() {
        let ok = "code,price,from,to,source\n02.03,39800,2024-11-15,,x\n";
        let r = Reference::from_csv(ok, "code,kind,name,ratio,from,to,source\n").unwrap();
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(
            r.price("02.03", d("2025-03-10")),
            Some(Price::whole(39_800))
        );
        assert_eq!(r.price("02.03", d("2024-01-01")), None);
        let bad = "code,price,from,to,source\n02.03,abc,2024-11-15,,x\n";
        let e = Reference::from_csv(bad, "code,kind,name,ratio,from,to,source\n").unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "price"));
        let unsourced = "code,price,from,to,source\n02.03,1,2024-11-15,,\n";
        let e =
            Reference::from_csv(unsourced, "code,kind,name,ratio,from,to,source\n").unwrap_err();
        assert_eq!(e.field, "source");
    }
}
