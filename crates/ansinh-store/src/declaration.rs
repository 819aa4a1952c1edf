//! Employers' declarations (the electronic D02 form): hires, leavers, salary changes,
//! suspensions and returns, as a batch applied atomically or not at all.
//!
//! Every line is checked against the registry and the lines before it; one bad line rejects the
//! batch with a per-line report and nothing is written. Resubmitting a batch (same
//! `Idempotency-Key`, or byte-identical content) returns the first result and changes nothing.

use crate::audit::{Change, append};
use crate::course::Course;
use crate::model::Person;
use crate::registry::{PERSON_COLUMNS, check_person_in, issue_sin, person_from_row};
use crate::{Kind, Store, StoreError, on_pool};
use ansinh_core::{Date, Dong, Month};
use ansinh_rules::Params;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// The Lao law compiled in, for the checks of a Lao registry's declarations (months covered);
/// its contributions are computed by the monthly run with the law the caller gives.
fn lao_law() -> &'static ansinh_la::LaoParams {
    static LAW: std::sync::OnceLock<ansinh_la::LaoParams> = std::sync::OnceLock::new();
    LAW.get_or_init(|| ansinh_la::LaoParams::embedded().expect("the compiled-in Lao law is valid"))
}

/// Most lines accepted in one batch.
pub const MAX_LINES: usize = 10_000;

/// Largest monthly salary or allowance accepted on a line: one trillion đồng. No law caps a
/// salary (the contribution base is capped, L41 Art. 31.2); the bound refuses a typing error
/// and keeps the sums of a month far inside `i64`.
pub const MAX_SALARY: i64 = 1_000_000_000_000;

/// Hire lines of rejected batches whose verdict an employer is told within
/// [`REJECTION_WINDOW_MINUTES`]. In a batch that is not applied a hire line's verdict is pure
/// information (does this personal ID belong to someone with this name?), so an unbounded
/// stream of rejected batches would be a look-up of the registry. Beyond the budget the hire
/// lines of a rejected batch are answered "not checked", the same for every ID; an applied
/// batch uses none of it, so an employer correcting its errors is never held up.
pub const MAX_CHECKED_HIRES: i64 = 200;
pub const REJECTION_WINDOW_MINUTES: i64 = 10;

/// Ages at the start of a hire outside which the birth date is taken for a typing error:
/// under 15 a minor is employed only on the conditions of Labour Code 2019 Art. 143–145
/// (declared at the agency's counter, not in a batch); 100 and over is not a plausible hire.
pub const HIRE_AGE: std::ops::Range<i16> = 15..100;

/// One line of a declaration. Every field is kept as given so that each defect is reported on
/// its own line and field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclarationLine {
    /// `hire`, `leave`, `salary`, `suspend` or `resume`.
    pub action: String,
    /// Personal identification number (12 digits), or passport number of a foreign national.
    pub personal_id: String,
    #[serde(default)]
    pub sin: Option<String>,
    /// For a hire of a person not yet registered: name, sex, birth date, nationality.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub sex: Option<String>,
    #[serde(default)]
    pub birth_date: Option<String>,
    #[serde(default)]
    pub nationality: Option<String>,
    /// Start date (hire), last day (leave), first day (suspend, resume) or month `YYYY-MM` from
    /// which a salary applies (salary).
    pub date: String,
    #[serde(default)]
    pub salary: Option<i64>,
    #[serde(default)]
    pub allowances: Option<i64>,
    /// `indefinite`, `definite` or `part_time` (hire).
    #[serde(default)]
    pub contract_kind: Option<String>,
    #[serde(default)]
    pub contract_months: Option<i64>,
    /// Why (suspension: `maternity`, `unpaid_leave`, …; leave: free text).
    #[serde(default)]
    pub reason: Option<String>,
}

/// A batch as JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclarationBatch {
    pub lines: Vec<DeclarationLine>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LineError {
    pub field: String,
    /// Why, in English.
    pub reason: String,
    /// The same in Vietnamese, for the pages (absent where a check of another module gave
    /// only English).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_vi: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LineReport {
    /// Position in the batch, from 1 (in a CSV file: the row after the header).
    pub line: usize,
    pub action: String,
    pub personal_id: String,
    pub ok: bool,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub errors: Vec<LineError>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub employment_id: Option<String>,
}

/// What became of a batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BatchReport {
    /// Set when the batch was applied.
    pub batch_id: Option<String>,
    pub employer_code: String,
    /// `applied` or `rejected`.
    pub status: String,
    /// True when this is the stored result of an earlier identical submission.
    pub replayed: bool,
    pub line_count: usize,
    pub lines: Vec<LineReport>,
}

impl BatchReport {
    pub fn applied(&self) -> bool {
        self.status == "applied"
    }
}

/// The first bytes of an XLSX workbook (a zip archive).
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Reads a declaration kept in a spreadsheet (XLSX, as clerks fill the D02 form in Excel): the
/// first sheet, a header row with the same column names as the CSV, one line per row below it
/// (empty rows skipped). Dates may be Excel dates or text; numbers are whole đồng. Errors name
/// the row as the CSV's do (the row after the header is line 1).
pub fn parse_xlsx(bytes: &[u8]) -> Result<Vec<DeclarationLine>, StoreError> {
    use calamine::{Data, Reader, Xlsx};
    let bad = |why: String| StoreError::invalid("body", why);
    let mut book = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| bad(format!("not a readable XLSX workbook: {e}")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| bad("the workbook has no sheet".into()))?
        .map_err(|e| bad(format!("cannot read the first sheet: {e}")))?;
    let mut csv = csv::Writer::from_writer(Vec::new());
    let mut width = 0;
    // The agency's template opens with title rows: the list starts at the row naming the
    // action column (its field name or the template's "Phương án").
    let is_heading = |cell: &Data| matches!(cell, Data::String(s) if s.trim() == "action" || canonical_column(s) == Some("action"));
    let first = range
        .rows()
        .position(|row| row.iter().any(is_heading))
        .unwrap_or(0);
    for (r, row) in range.rows().enumerate().skip(first) {
        let r = r - first;
        let cells: Vec<String> = row
            .iter()
            .map(|cell| match cell {
                Data::Empty => String::new(),
                Data::String(s) => s.trim().to_string(),
                // Whole numbers (salaries, IDs typed as numbers) without a decimal point.
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                Data::Float(f) => f.to_string(),
                Data::Int(i) => i.to_string(),
                Data::Bool(b) => b.to_string(),
                Data::DateTime(d) => excel_date(d.as_f64()),
                Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
                Data::DurationIso(s) => s.clone(),
                Data::Error(e) => format!("#{e:?}"),
            })
            .collect();
        if r == 0 {
            width = cells
                .iter()
                .rposition(|c| !c.is_empty())
                .map_or(0, |i| i + 1);
        }
        if r > 0 && cells.iter().all(String::is_empty) {
            continue;
        }
        let mut cells = cells;
        cells.resize(width.max(1), String::new());
        csv.write_record(&cells)
            .map_err(|e| bad(format!("row {}: {e}", r + 1)))?;
    }
    let text = csv
        .into_inner()
        .map_err(|e| bad(format!("cannot read the sheet: {e}")))?;
    parse_csv(&text)
}

/// The day of an Excel date serial of the 1900 date system (every Windows Excel; serials past
/// February 1900 count its nonexistent 29 February, hence 30 Dec 1899 as day 0). A workbook
/// of the old Mac 1904 system would read 4 years early: calamine does not say which it is.
fn excel_date(serial: f64) -> String {
    let epoch = jiff::civil::date(1899, 12, 30);
    let days = serial.floor();
    if !(0.0..=2_958_465.0).contains(&days) {
        return serial.to_string();
    }
    epoch
        .checked_add(jiff::Span::new().days(days as i64))
        .map(|d| d.to_string())
        .unwrap_or_else(|_| serial.to_string())
}

/// Reads a CSV declaration: UTF-8 (a BOM is accepted), comma-separated, a header row naming
/// the fields of [`DeclarationLine`].
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<DeclarationLine>, StoreError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        return Err(StoreError::invalid(
            "body",
            format!("line {line} is not UTF-8: save the file as UTF-8 (Vietnamese names need it)"),
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| StoreError::invalid("body", format!("cannot read the header row: {e}")))?
        .clone();
    // The agency's template names its columns in Vietnamese: read them as the fields they are.
    let headers = csv::StringRecord::from(
        headers
            .iter()
            .map(|h| canonical_column(h).unwrap_or(h.trim()).to_string())
            .collect::<Vec<_>>(),
    );
    reader.set_headers(headers.clone());
    if headers.len() == 1 && (headers[0].contains(';') || headers[0].contains('\t')) {
        return Err(StoreError::invalid(
            "body",
            "the header row has one column: separate fields with commas, not semicolons or tabs",
        ));
    }
    const KNOWN: [&str; 13] = [
        "action",
        "personal_id",
        "sin",
        "name",
        "sex",
        "birth_date",
        "nationality",
        "date",
        "salary",
        "allowances",
        "contract_kind",
        "contract_months",
        "reason",
    ];
    for h in headers.iter() {
        if !KNOWN.contains(&h) {
            return Err(StoreError::invalid(
                "body",
                format!("unknown column `{h}`; known columns: {}", KNOWN.join(", ")),
            ));
        }
    }
    for required in ["action", "personal_id", "date"] {
        if !headers.iter().any(|h| h == required) {
            return Err(StoreError::invalid(
                "body",
                format!("missing column `{required}`"),
            ));
        }
    }
    let mut lines = Vec::new();
    for (i, record) in reader.deserialize::<DeclarationLine>().enumerate() {
        let line = record.map_err(|e| {
            let field = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => err
                    .field()
                    .and_then(|f| headers.get(f as usize))
                    .unwrap_or("row")
                    .to_string(),
                _ => "row".to_string(),
            };
            StoreError::invalid(&format!("lines[{}].{field}", i + 1), e)
        })?;
        let mut line = line;
        if let Some(action) = canonical_action(&line.action) {
            line.action = action.to_string();
        }
        lines.push(line);
        if lines.len() > MAX_LINES {
            return Err(StoreError::invalid(
                "body",
                format!("more than {MAX_LINES} lines: split the batch"),
            ));
        }
    }
    Ok(lines)
}

/// The field a column of the agency's Vietnamese list of workers (mẫu D02-LT) holds, by its
/// heading; `None` for a heading that is not one of them (it may be a field's own name).
/// Which headings the template of each office's software prints is not settled: these are
/// the usual ones, matched without regard to case.
pub fn canonical_column(heading: &str) -> Option<&'static str> {
    let h = heading.trim().to_lowercase();
    Some(match h.as_str() {
        "phương án" | "phuong an" => "action",
        "số cccd"
        | "số định danh cá nhân"
        | "số cccd/đdcn/hộ chiếu"
        | "số cccd/hộ chiếu"
        | "số định danh" => "personal_id",
        "mã số bhxh" | "ma so bhxh" => "sin",
        "họ và tên" | "họ tên" => "name",
        "giới tính" => "sex",
        "ngày sinh" => "birth_date",
        "quốc tịch" => "nationality",
        "ngày" | "từ ngày" | "ngày hiệu lực" => "date",
        "tiền lương" | "mức lương" | "tiền lương đóng" => "salary",
        "phụ cấp" => "allowances",
        "loại hợp đồng" => "contract_kind",
        "số tháng hợp đồng" | "thời hạn hợp đồng (tháng)" => "contract_months",
        "lý do" | "ghi chú" => "reason",
        _ => return None,
    })
}

/// The action a Vietnamese word of the template's "Phương án" column means (tăng mới = hire,
/// giảm = leave, điều chỉnh lương = salary, tạm dừng = suspend, tiếp tục = resume).
pub fn canonical_action(word: &str) -> Option<&'static str> {
    Some(match word.trim().to_lowercase().as_str() {
        "tăng mới" | "tăng" => "hire",
        "giảm" | "giảm hẳn" => "leave",
        "điều chỉnh lương" | "điều chỉnh" => "salary",
        "tạm dừng" => "suspend",
        "tiếp tục" => "resume",
        _ => return None,
    })
}

/// The content hash used to recognise a resubmitted batch.
pub fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A person as far as the batch knows it.
#[derive(Clone, Debug)]
struct PersonState {
    sin: String,
    nationality: String,
    /// Identity as registered (or as a line of this batch registers it), to check against a
    /// hire line.
    identity: Identity,
    employments: Vec<EmploymentState>,
}

/// Who a personal ID belongs to, as the registry holds it.
#[derive(Clone, Debug)]
struct Identity {
    name: String,
    sex: String,
    birth_date: String,
}

/// A name compared as a clerk would: case, spaces between words and at the ends do not count.
fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

#[derive(Clone, Debug)]
struct EmploymentState {
    id: String,
    employer: String,
    start: Date,
    course: Course,
    next_event_seq: i64,
    next_salary_seq: i64,
    /// Month → latest salary record's seq.
    salary_months: BTreeMap<String, i64>,
}

/// A row to write once every line has passed.
#[derive(Clone, Debug)]
enum Effect {
    Person {
        sin: String,
        personal_id: String,
        name: String,
        sex: String,
        birth_date: String,
        nationality: String,
    },
    Employment {
        sin: String,
        id: String,
        start: String,
        kind: String,
        months: Option<i64>,
        participant: String,
    },
    Event {
        sin: String,
        id: String,
        seq: i64,
        event: String,
        date: String,
        reason: Option<String>,
    },
    Salary {
        sin: String,
        id: String,
        seq: i64,
        month: String,
        salary: i64,
        allowances: i64,
        supersedes: Option<i64>,
    },
}

struct Plan<'a> {
    params: &'a Params,
    /// The Lao law, when the registry is Lao's: its months, identity cards and participant
    /// kinds instead of Vietnam's floors, citizen IDs and foreign-worker rule.
    lao: Option<&'static ansinh_la::LaoParams>,
    employer: String,
    region: u8,
    today: Date,
    persons: HashMap<String, PersonState>,
    effects: Vec<Effect>,
    /// Social insurance numbers checked free in the registry, for new persons.
    free_sins: Vec<String>,
}

type LineResult = Result<(String, Option<String>), Vec<LineError>>;

/// The value of a check, its errors added to the line's.
fn keep<T>(r: Result<T, Vec<LineError>>, errs: &mut Vec<LineError>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            errs.extend(e);
            None
        }
    }
}

/// An error of a line in English and Vietnamese.
fn err_vi(field: &str, reason: impl ToString, vi: impl ToString) -> Vec<LineError> {
    vec![LineError {
        field: field.to_string(),
        reason: reason.to_string(),
        reason_vi: Some(vi.to_string()),
    }]
}

/// A field of a declaration line by its Vietnamese name (the form's labels).
fn field_vi(field: &str) -> &str {
    match field {
        "personal_id" => "Số định danh cá nhân",
        "name" => "Họ tên",
        "sex" => "Giới tính",
        "birth_date" => "Ngày sinh",
        "nationality" => "Quốc tịch",
        "sin" => "Mã số BHXH",
        "date" => "Ngày",
        "salary" => "Tiền lương",
        other => other,
    }
}

impl Plan<'_> {
    fn line(&mut self, l: &DeclarationLine) -> LineResult {
        let personal_id = l.personal_id.trim().to_ascii_uppercase();
        match l.action.as_str() {
            "hire" => self.hire(l, personal_id),
            "leave" | "salary" | "suspend" | "resume" => {
                // One answer whether or not the ID is registered: the registry is not looked
                // up for an employer through a leave or a salary line.
                let no_open = || {
                    err_vi(
                        "personal_id",
                        format!(
                            "no open employment of {personal_id} at {}: declare a hire first",
                            self.employer
                        ),
                        format!(
                            "{personal_id} không có quá trình lao động đang mở tại {}: hãy khai báo tăng lao động trước",
                            self.employer
                        ),
                    )
                };
                let Some(person) = self.persons.get(&personal_id) else {
                    return Err(no_open());
                };
                let sin = person.sin.clone();
                let idx = person
                    .employments
                    .iter()
                    .rposition(|e| e.employer == self.employer && e.course.end.is_none())
                    .ok_or_else(no_open)?;
                let (effect, id) = match l.action.as_str() {
                    "leave" => self.leave(l, &personal_id, idx)?,
                    "salary" => self.salary(l, &personal_id, idx)?,
                    _ => self.suspension(l, &personal_id, idx)?,
                };
                self.effects.push(effect);
                Ok((sin, Some(id)))
            }
            other => Err(err_vi(
                "action",
                format!("`{other}` is not one of hire, leave, salary, suspend, resume"),
                format!(
                    "`{other}` không phải một trong: hire (tăng lao động), leave (giảm), salary (điều chỉnh lương), suspend (tạm dừng), resume (đi làm lại)"
                ),
            )),
        }
    }

    fn date(field: &str, text: &str) -> Result<Date, Vec<LineError>> {
        text.trim().parse().map_err(|_| {
            err_vi(
                field,
                format!("`{text}` is not a date YYYY-MM-DD"),
                format!("`{text}` không phải ngày dạng YYYY-MM-DD"),
            )
        })
    }

    /// Salary floor of a month: the regional minimum wage of the employer's region for full-time
    /// work (Decree 293/2025 Art. 4.1; L41 Art. 31.1.b), the reference level for part-time work
    /// (L41 Art. 2.1.l, 31.1.đ).
    fn check_salary(
        &self,
        l: &DeclarationLine,
        month: Month,
        part_time: bool,
    ) -> Result<(i64, i64), Vec<LineError>> {
        let salary = l.salary.ok_or_else(|| {
            err_vi(
                "salary",
                "missing: the monthly contribution salary in đồng",
                "thiếu: tiền lương tháng đóng bảo hiểm xã hội (đồng)",
            )
        })?;
        let allowances = l.allowances.unwrap_or(0);
        let mut out_of_range = Vec::new();
        for (field, v) in [("salary", salary), ("allowances", allowances)] {
            if !(0..=MAX_SALARY).contains(&v) {
                out_of_range.extend(err_vi(
                    field,
                    format!(
                        "{} is out of range: 0 to {} đồng a month",
                        Dong(v),
                        Dong(MAX_SALARY)
                    ),
                    format!(
                        "{} nằm ngoài khoảng cho phép: 0 đến {} đồng một tháng",
                        Dong(v),
                        Dong(MAX_SALARY)
                    ),
                ));
            }
        }
        if !out_of_range.is_empty() {
            return Err(out_of_range);
        }
        let day = month.first_day();
        if let Some(lao) = self.lao {
            // No Lao floor refuses a declaration: the run raises a salary below the insurable
            // floor to it (MLSW Decision 1740); a month the Lao law encoded does not cover is
            // refused, never guessed.
            lao.contribution_rates.at(day).map_err(|e| {
                err_vi(
                    "date",
                    &e,
                    format!("chưa có quy định áp dụng cho tháng {month}: {e}"),
                )
            })?;
            return Ok((salary, allowances));
        }
        let (floor, what, what_vi) = if part_time {
            let r = self.params.reference_level.at(day).map_err(|e| {
                err_vi(
                    "date",
                    &e,
                    format!("chưa có quy định áp dụng cho tháng {month}: {e}"),
                )
            })?;
            (
                r.value.amount,
                format!("the reference level ({})", r.citation()),
                format!("mức tham chiếu ({})", r.citation()),
            )
        } else {
            let m = self.params.regional_minimum_wage.at(day).map_err(|e| {
                err_vi(
                    "date",
                    &e,
                    format!("chưa có quy định áp dụng cho tháng {month}: {e}"),
                )
            })?;
            (
                m.value.monthly[usize::from(self.region - 1)],
                format!("the region {} minimum wage ({})", self.region, m.citation()),
                format!("lương tối thiểu vùng {} ({})", self.region, m.citation()),
            )
        };
        if salary
            .checked_add(allowances)
            .is_none_or(|total| total < floor.get())
        {
            return Err(err_vi(
                "salary",
                format!(
                    "{} is below the legal floor for {month}: {floor}, {what}",
                    Dong(salary + allowances)
                ),
                format!(
                    "{} thấp hơn mức sàn của tháng {month}: {floor}, {what_vi}",
                    Dong(salary + allowances)
                ),
            ));
        }
        Ok((salary, allowances))
    }

    /// A hire: every defect of the line is reported (the checks that need a field that is
    /// itself wrong are skipped), and nothing of the line takes effect unless it has none.
    fn hire(&mut self, l: &DeclarationLine, personal_id: String) -> LineResult {
        let mut errs: Vec<LineError> = Vec::new();
        let start: Option<Date> = keep(Self::date("date", &l.date), &mut errs);
        let kind = l.contract_kind.as_deref().unwrap_or("indefinite");
        let months = l.contract_months;
        match (kind, months) {
            ("indefinite", None) | ("part_time", _) => {}
            ("indefinite", Some(_)) => {
                errs.extend(err_vi(
                    "contract_months",
                    "an indefinite contract has no length",
                    "hợp đồng không xác định thời hạn không ghi số tháng",
                ));
            }
            ("definite", Some(m)) if (1..=36).contains(&m) => {}
            ("definite", _) => {
                errs.extend(err_vi(
                    "contract_months",
                    "a definite contract needs its length, 1 to 36 months (L41 Art. 2.1.a; Labour Code Art. 20)",
                    "hợp đồng xác định thời hạn cần ghi thời hạn, từ 1 đến 36 tháng (Luật BHXH 41/2024 Điều 2.1.a; Bộ luật Lao động Điều 20)",
                ));
            }
            ("probation", _) => {
                errs.extend(err_vi(
                    "contract_kind",
                    "probation contracts are not compulsory (Decree 158/2025 Art. 3.5)",
                    "hợp đồng thử việc không thuộc diện tham gia bắt buộc (Nghị định 158/2025 Điều 3.5)",
                ));
            }
            (other, _) => {
                errs.extend(err_vi(
                    "contract_kind",
                    format!("`{other}` is not indefinite, definite or part_time"),
                    format!("`{other}` không phải indefinite (không xác định thời hạn), definite (xác định thời hạn) hoặc part_time (không trọn thời gian)"),
                ));
            }
        }
        // Every hire names the worker as on their identity card, registered or not: the
        // answer must not tell an employer whether a personal ID is in the registry, and a
        // registered person is hired only by someone who knows who they are.
        let given = |f: &str, v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
                .ok_or_else(|| {
                    err_vi(
                        f,
                        "missing: a hire gives the worker's name, sex and birth date as on their identity card",
                        "thiếu: dòng tăng lao động ghi họ tên, giới tính và ngày sinh của người lao động như trên căn cước",
                    )
                })
        };
        let name = keep(given("name", &l.name), &mut errs);
        let sex = keep(given("sex", &l.sex), &mut errs);
        let birth_date = keep(given("birth_date", &l.birth_date), &mut errs);
        if let (Some(start), Some(Ok(born))) =
            (start, birth_date.as_deref().map(str::parse::<Date>))
        {
            let birthday_to_come = (start.month(), start.day()) < (born.month(), born.day());
            let age = start.year() - born.year() - i16::from(birthday_to_come);
            if !HIRE_AGE.contains(&age) {
                errs.extend(err_vi(
                    "birth_date",
                    format!(
                        "born {born}, the worker would be {} on {start}: a hire in a batch is of a worker aged {} to {} (Labour Code 2019 Art. 143–145 for minors)",
                        if start < born {
                            "not yet born".to_string()
                        } else {
                            format!("{age} years old")
                        },
                        HIRE_AGE.start,
                        HIRE_AGE.end - 1
                    ),
                    format!(
                        "sinh ngày {born}, vào ngày {start} người lao động {}: dòng tăng lao động chỉ nhận người từ {} đến {} tuổi (Bộ luật Lao động 2019 Điều 143–145 về lao động chưa thành niên)",
                        if start < born {
                            "chưa ra đời".to_string()
                        } else {
                            format!("mới {age} tuổi")
                        },
                        HIRE_AGE.start,
                        HIRE_AGE.end - 1
                    ),
                ));
            }
        }
        // The person: as registered (the identity must match), or to be registered by this line.
        let (Some(name), Some(sex), Some(birth_date)) = (name, sex, birth_date) else {
            return Err(errs);
        };
        let (person, new_person) = match self.persons.get(&personal_id) {
            Some(p) => {
                let id = &p.identity;
                let same = same_name(&id.name, &name)
                    && id.sex.eq_ignore_ascii_case(&sex)
                    && id.birth_date == birth_date
                    && l.sin.as_deref().is_none_or(|s| s.trim() == p.sin);
                if !same {
                    // Which of them differs is not said: it would tell what the registry holds.
                    errs.extend(err_vi(
                        "personal_id",
                        "the name, sex, birth date or social insurance number given do not match the registry's record of this personal ID: check the worker's identity card",
                        "họ tên, giới tính, ngày sinh hoặc mã số BHXH đã ghi không khớp với hồ sơ của số định danh này: hãy kiểm tra căn cước của người lao động",
                    ));
                    return Err(errs);
                }
                (p.clone(), None)
            }
            None => {
                let new = crate::model::NewPerson {
                    sin: l.sin.clone(),
                    personal_id: personal_id.clone(),
                    name,
                    sex,
                    birth_date,
                    nationality: l.nationality.clone().unwrap_or_default(),
                };
                let home = if self.lao.is_some() { "LA" } else { "VN" };
                let checked = check_person_in(&new, self.today, home).map_err(|e| {
                    let vi = format!("{} không hợp lệ: {}", field_vi(e.field), e.reason_vi);
                    err_vi(e.field, e.reason, vi)
                });
                let Some(p) = keep(checked, &mut errs) else {
                    return Err(errs);
                };
                let state = PersonState {
                    // Drawn only once the line has passed (below).
                    sin: p.sin.clone().unwrap_or_default(),
                    nationality: p.nationality.clone(),
                    // A later line of the batch naming this ID must name the same person.
                    identity: Identity {
                        name: p.name.clone(),
                        sex: p.sex.clone(),
                        birth_date: p.birth_date.clone(),
                    },
                    employments: Vec::new(),
                };
                (state, Some(p))
            }
        };
        // In Laos a foreign employee of a labour unit pays as an employee (Law 54/NA Art. 13).
        let participant = if person.nationality == "VN" || self.lao.is_some() {
            "employee"
        } else {
            "foreign_employee"
        };
        if participant == "foreign_employee"
            && !(kind == "indefinite" || months.is_some_and(|m| m >= 12))
        {
            errs.extend(err_vi(
                "contract_months",
                "a foreign employee is insured only on a contract of 12 months or more (L41 Art. 2.2)",
                "người lao động nước ngoài chỉ tham gia bắt buộc khi có hợp đồng từ 12 tháng trở lên (Luật BHXH 41/2024 Điều 2.2)",
            ));
        }
        let Some(start) = start else {
            return Err(errs);
        };
        if let Some(other) = person
            .employments
            .iter()
            .find(|e| e.course.end.is_none_or(|end| end >= start))
        {
            // Another employer's employment is not named: not its code, its number or its date.
            let (reason, vi) = if other.employer == self.employer {
                (
                    format!(
                        "overlaps employment {} at this employer from {}: declare its leave first",
                        other.id, other.start
                    ),
                    format!(
                        "trùng với quá trình lao động {} tại đơn vị từ {}: hãy khai báo giảm lao động trước",
                        other.id, other.start
                    ),
                )
            } else {
                (
                    "overlaps an employment of this worker with another employer that is still open on this date: insurance follows the first contract (L41 Art. 2.5.a); the other employer declares its end first".to_string(),
                    "trùng với một quá trình lao động của người này tại đơn vị khác còn mở vào ngày này: tham gia theo hợp đồng giao kết đầu tiên (Luật BHXH 41/2024 Điều 2.5.a); đơn vị kia khai báo chấm dứt trước".to_string(),
                )
            };
            errs.extend(err_vi("date", reason, vi));
        }
        let month = Month::of(start);
        let salary = keep(self.check_salary(l, month, kind == "part_time"), &mut errs);
        let Some((salary, allowances)) = salary.filter(|_| errs.is_empty()) else {
            return Err(errs);
        };
        let mut person = person;
        if let Some(p) = new_person {
            let Some(sin) = p.sin.clone().or_else(|| self.free_sins.pop()) else {
                return Err(err_vi(
                    "sin",
                    "no free social insurance number could be issued",
                    "không cấp được mã số BHXH mới",
                ));
            };
            person.sin = sin.clone();
            self.effects.push(Effect::Person {
                sin,
                personal_id: p.personal_id.clone(),
                name: p.name,
                sex: p.sex,
                birth_date: p.birth_date,
                nationality: p.nationality,
            });
        }
        let id = format!("{}-{:02}", person.sin, person.employments.len() + 1);
        self.effects.push(Effect::Employment {
            sin: person.sin.clone(),
            id: id.clone(),
            start: start.to_string(),
            kind: kind.to_string(),
            months,
            participant: participant.to_string(),
        });
        self.effects.push(Effect::Salary {
            sin: person.sin.clone(),
            id: id.clone(),
            seq: 1,
            month: month.to_string(),
            salary,
            allowances,
            supersedes: None,
        });
        person.employments.push(EmploymentState {
            id: id.clone(),
            employer: self.employer.clone(),
            start,
            course: Course::default(),
            next_event_seq: 1,
            next_salary_seq: 2,
            salary_months: BTreeMap::from([(month.to_string(), 1)]),
        });
        let sin = person.sin.clone();
        self.persons.insert(personal_id, person);
        Ok((sin, Some(id)))
    }

    fn employment(&mut self, personal_id: &str, idx: usize) -> (&mut EmploymentState, String) {
        let person = self
            .persons
            .get_mut(personal_id)
            .expect("checked by the caller");
        let sin = person.sin.clone();
        (&mut person.employments[idx], sin)
    }

    fn leave(
        &mut self,
        l: &DeclarationLine,
        personal_id: &str,
        idx: usize,
    ) -> Result<(Effect, String), Vec<LineError>> {
        let date = Self::date("date", &l.date)?;
        let (e, sin) = self.employment(personal_id, idx);
        if date < e.start {
            return Err(err_vi(
                "date",
                format!("{date} is before the start of the employment ({})", e.start),
                format!("{date} trước ngày bắt đầu quá trình lao động ({})", e.start),
            ));
        }
        e.course.apply("leave", date);
        let seq = e.next_event_seq;
        e.next_event_seq += 1;
        let id = e.id.clone();
        Ok((
            Effect::Event {
                sin,
                id: id.clone(),
                seq,
                event: "leave".into(),
                date: date.to_string(),
                reason: l.reason.clone(),
            },
            id,
        ))
    }

    fn salary(
        &mut self,
        l: &DeclarationLine,
        personal_id: &str,
        idx: usize,
    ) -> Result<(Effect, String), Vec<LineError>> {
        let text = l.date.trim();
        // A month, or a real date whose month it is (2026-02-30 is neither).
        let month: Option<Month> = match text.len() {
            7 => text.parse().ok(),
            10 => text.parse::<Date>().ok().map(Month::of),
            _ => None,
        };
        let month = month.ok_or_else(|| {
            err_vi(
                "date",
                format!("`{text}` is not a month YYYY-MM"),
                format!("`{text}` không phải tháng dạng YYYY-MM"),
            )
        })?;
        let part_time = false;
        let (salary, allowances) = self.check_salary(l, month, part_time)?;
        let (e, sin) = self.employment(personal_id, idx);
        if month < Month::of(e.start) {
            return Err(err_vi(
                "date",
                format!(
                    "{month} is before the start of the employment ({})",
                    e.start
                ),
                format!(
                    "{month} trước ngày bắt đầu quá trình lao động ({})",
                    e.start
                ),
            ));
        }
        let seq = e.next_salary_seq;
        e.next_salary_seq += 1;
        let supersedes = e.salary_months.insert(month.to_string(), seq);
        let id = e.id.clone();
        Ok((
            Effect::Salary {
                sin,
                id: id.clone(),
                seq,
                month: month.to_string(),
                salary,
                allowances,
                supersedes,
            },
            id,
        ))
    }

    fn suspension(
        &mut self,
        l: &DeclarationLine,
        personal_id: &str,
        idx: usize,
    ) -> Result<(Effect, String), Vec<LineError>> {
        let date = Self::date("date", &l.date)?;
        let action = l.action.clone();
        let (e, sin) = self.employment(personal_id, idx);
        if date < e.start {
            return Err(err_vi(
                "date",
                format!("{date} is before the start of the employment ({})", e.start),
                format!("{date} trước ngày bắt đầu quá trình lao động ({})", e.start),
            ));
        }
        match (action.as_str(), e.course.suspended_since()) {
            ("suspend", Some(since)) => {
                return Err(err_vi(
                    "action",
                    format!("already suspended since {since}"),
                    format!("đã tạm dừng từ {since}"),
                ));
            }
            ("resume", None) => {
                return Err(err_vi(
                    "action",
                    "the employment is not suspended",
                    "quá trình lao động không ở trạng thái tạm dừng",
                ));
            }
            ("resume", Some(since)) if date < since => {
                return Err(err_vi(
                    "date",
                    format!("{date} is before the suspension began ({since})"),
                    format!("{date} trước ngày bắt đầu tạm dừng ({since})"),
                ));
            }
            _ => e.course.apply(&action, date),
        }
        let seq = e.next_event_seq;
        e.next_event_seq += 1;
        let id = e.id.clone();
        Ok((
            Effect::Event {
                sin,
                id: id.clone(),
                seq,
                event: action,
                date: date.to_string(),
                reason: l.reason.clone(),
            },
            id,
        ))
    }
}

/// The earlier batch of an employer with the same content or key (the key's own first).
const PRIOR_BATCH_SQL: &str = "SELECT content_hash, result FROM declaration_batches WHERE employer_code = $1 AND (content_hash = $2 OR idempotency_key = $3) ORDER BY CASE WHEN idempotency_key = $3 THEN 0 ELSE 1 END, submitted_at LIMIT 1";

/// The stored result of an earlier batch as the answer to a resubmission: the same content
/// is replayed, other content under the same key is a conflict.
fn replayed(stored_hash: &str, result: &str, hash: &str) -> Result<BatchReport, StoreError> {
    if stored_hash != hash {
        return Err(StoreError::Conflict {
            field: "Idempotency-Key".into(),
            reason: "this key was used for a batch with different content".into(),
        });
    }
    let mut report: BatchReport =
        serde_json::from_str(result).map_err(|e| StoreError::invalid("result", e))?;
    report.replayed = true;
    Ok(report)
}

impl Store {
    /// Validates and applies a batch of declaration lines for one employer, atomically.
    pub async fn submit_declarations(
        &self,
        params: &Params,
        employer_code: &str,
        lines: &[DeclarationLine],
        idempotency_key: Option<&str>,
        content: &[u8],
    ) -> Result<BatchReport, StoreError> {
        let lao = (self.home().await? == "LA").then(lao_law);
        let employer = self.existing_employer(employer_code).await?;
        if employer.status != "active" {
            return Err(StoreError::invalid(
                "employer",
                format!("employer {} is {}", employer.unit_code, employer.status),
            ));
        }
        if lines.is_empty() {
            return Err(StoreError::invalid("lines", "the batch has no lines"));
        }
        if lines.len() > MAX_LINES {
            return Err(StoreError::invalid(
                "lines",
                format!("more than {MAX_LINES} lines: split the batch"),
            ));
        }
        if let Some(key) = idempotency_key
            && (key.is_empty() || key.len() > 200)
        {
            return Err(StoreError::invalid(
                "Idempotency-Key",
                "must be 1 to 200 characters",
            ));
        }
        let hash = content_hash(content);
        let code = employer.unit_code.clone();
        if let Some(done) = self.replay(&code, idempotency_key, &hash).await? {
            return Ok(done);
        }
        let _guard = if self.kind() == Kind::Sqlite {
            Some(self.write_lock.lock().await)
        } else {
            None
        };
        let region = u8::try_from(employer.region).unwrap_or(1);
        let today = self.today();
        let result = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            if self.kind() == Kind::Postgres {
                // Declarations of one employer are applied one after the other.
                sqlx::query("SELECT unit_code FROM employers WHERE unit_code = $1 FOR UPDATE").bind(&code).execute(&mut *tx).await?;
            }
            // Someone may have applied the same batch while we waited.
            let existing = sqlx::query(PRIOR_BATCH_SQL)
                .bind(&code).bind(&hash).bind(idempotency_key)
                .fetch_optional(&mut *tx).await?;
            if let Some(row) = existing {
                let (stored_hash, text): (String, String) = (row.try_get("content_hash")?, row.try_get("result")?);
                tx.rollback().await?;
                return replayed(&stored_hash, &text, &hash);
            }
            // The registry as the batch sees it: every person it names, with their employments.
            let mut persons = HashMap::new();
            let mut ids: Vec<String> = lines.iter().map(|l| l.personal_id.trim().to_ascii_uppercase()).collect();
            ids.sort();
            ids.dedup();
            // On PostgreSQL the persons named are locked: two employers hiring one person at once
            // are applied one after the other, and the second sees the first's employment.
            let lock = if self.kind() == Kind::Postgres { " FOR UPDATE" } else { "" };
            let person_sql = format!("SELECT {PERSON_COLUMNS} FROM persons WHERE personal_id = $1{lock}");
            for pid in &ids {
                let Some(r) = sqlx::query(&person_sql).bind(pid).fetch_optional(&mut *tx).await? else { continue };
                let p: Person = person_from_row!(r);
                let mut employments = Vec::new();
                for e in sqlx::query("SELECT employment_id, employer_code, start_date FROM employments WHERE person_sin = $1 ORDER BY start_date, employment_id")
                    .bind(&p.sin).fetch_all(&mut *tx).await?
                {
                    let id: String = e.try_get("employment_id")?;
                    let start: String = e.try_get("start_date")?;
                    let mut state = EmploymentState {
                        id: id.clone(),
                        employer: e.try_get("employer_code")?,
                        start: start.parse().map_err(|_| StoreError::invalid("start_date", &start))?,
                        course: Course::default(),
                        next_event_seq: 1,
                        next_salary_seq: 1,
                        salary_months: BTreeMap::new(),
                    };
                    for ev in sqlx::query("SELECT seq, event, event_date FROM employment_events WHERE person_sin = $1 AND employment_id = $2 ORDER BY seq")
                        .bind(&p.sin).bind(&id).fetch_all(&mut *tx).await?
                    {
                        let (seq, event, date): (i64, String, String) = (ev.try_get("seq")?, ev.try_get("event")?, ev.try_get("event_date")?);
                        let date: Date = date.parse().map_err(|_| StoreError::invalid("event_date", &date))?;
                        state.course.apply(&event, date);
                        state.next_event_seq = seq + 1;
                    }
                    for s in sqlx::query("SELECT seq, effective_month FROM salaries WHERE person_sin = $1 AND employment_id = $2 ORDER BY seq")
                        .bind(&p.sin).bind(&id).fetch_all(&mut *tx).await?
                    {
                        let seq: i64 = s.try_get("seq")?;
                        state.salary_months.insert(s.try_get("effective_month")?, seq);
                        state.next_salary_seq = seq + 1;
                    }
                    employments.push(state);
                }
                let identity = Identity { name: p.name, sex: p.sex, birth_date: p.birth_date };
                persons.insert(p.personal_id.clone(), PersonState { sin: p.sin, nationality: p.nationality, identity, employments });
            }
            // Numbers for the persons this batch may register, each checked free (the agency
            // issues them at random; a clash with an existing number is retried).
            let wanted = lines.iter().filter(|l| l.action == "hire" && l.sin.is_none()).count();
            let mut free_sins = Vec::with_capacity(wanted);
            let mut drawn = std::collections::HashSet::with_capacity(wanted);
            let mut rng = fastrand::Rng::new();
            let mut attempts = 0;
            while free_sins.len() < wanted && attempts < wanted * 2 + 10 {
                attempts += 1;
                let candidate = issue_sin(&mut rng);
                let taken = sqlx::query("SELECT 1 FROM persons WHERE sin = $1").bind(&candidate).fetch_optional(&mut *tx).await?.is_some();
                if !taken && drawn.insert(candidate.clone()) {
                    free_sins.push(candidate);
                }
            }
            let mut plan = Plan { params, lao, employer: code.clone(), region, today, persons, effects: Vec::new(), free_sins };
            let mut reports = Vec::with_capacity(lines.len());
            let mut seen: HashMap<String, usize> = HashMap::new();
            for (i, l) in lines.iter().enumerate() {
                let key = serde_json::to_string(l).unwrap_or_default();
                let outcome = match seen.get(&key) {
                    Some(first) => Err(err_vi("line", format!("duplicate of line {first}"), format!("trùng với dòng {first}"))),
                    None => plan.line(l),
                };
                seen.entry(key).or_insert(i + 1);
                reports.push(match outcome {
                    Ok((sin, employment_id)) => LineReport { line: i + 1, action: l.action.clone(), personal_id: l.personal_id.clone(), ok: true, errors: Vec::new(), sin: Some(sin), employment_id },
                    Err(errors) => LineReport { line: i + 1, action: l.action.clone(), personal_id: l.personal_id.clone(), ok: false, errors, sin: None, employment_id: None },
                });
            }
            if reports.iter().any(|r| !r.ok) {
                // Nothing was applied, so no number was issued and no employment opened: the
                // numbers drawn for this try (new at every try) and a registered person's SIN
                // are not shown.
                for r in &mut reports {
                    r.sin = None;
                    r.employment_id = None;
                }
                // The hire verdicts told, within the employer's budget (counted under the same
                // lock as the batch, so concurrent batches share it).
                let since = crate::timestamp_in(-REJECTION_WINDOW_MINUTES);
                let sql = match self.kind() {
                    Kind::Sqlite => "SELECT CAST(COALESCE(SUM(CAST(json_extract(change, '$.checked_hires') AS INTEGER)), 0) AS BIGINT) AS n FROM audit_log WHERE entity_kind = 'employer' AND entity_id = $1 AND action = 'declaration.reject' AND at > $2",
                    Kind::Postgres => "SELECT CAST(COALESCE(SUM(CAST(CAST(change AS jsonb)->>'checked_hires' AS BIGINT)), 0) AS BIGINT) AS n FROM audit_log WHERE entity_kind = 'employer' AND entity_id = $1 AND action = 'declaration.reject' AND at > $2",
                };
                let used: i64 = sqlx::query(sql).bind(&code).bind(&since).fetch_one(&mut *tx).await?.try_get("n")?;
                let mut budget = (MAX_CHECKED_HIRES - used).max(0);
                let mut checked_hires = 0;
                for (r, l) in reports.iter_mut().zip(lines) {
                    if l.action != "hire" {
                        continue;
                    }
                    if budget > 0 {
                        budget -= 1;
                        checked_hires += 1;
                    } else {
                        r.ok = false;
                        r.errors = err_vi("line", format!(
                            "not checked: this batch has errors elsewhere and more than {MAX_CHECKED_HIRES} hire lines of batches with errors were checked in {REJECTION_WINDOW_MINUTES} minutes; correct the errors shown and send the batch again"
                        ), format!(
                            "chưa kiểm tra: bộ hồ sơ có lỗi ở dòng khác và đã có hơn {MAX_CHECKED_HIRES} dòng tăng lao động của các bộ hồ sơ có lỗi được kiểm tra trong {REJECTION_WINDOW_MINUTES} phút; hãy sửa các lỗi đã chỉ ra rồi gửi lại"
                        ));
                    }
                }
                let report = BatchReport { batch_id: None, employer_code: code.clone(), status: "rejected".into(), replayed: false, line_count: lines.len(), lines: reports };
                // Nothing of the batch is written, but that it was sent is: who, when, what it held.
                append!(tx, self, Change {
                    action: "declaration.reject",
                    entity_kind: "employer",
                    entity_id: code.clone(),
                    change: serde_json::json!({
                        "status": report.status, "line_count": report.line_count, "content_hash": hash,
                        "lines_with_errors": report.lines.iter().filter(|l| !l.ok).count(),
                        "checked_hires": checked_hires,
                    }),
                })?;
                tx.commit().await?;
                return Ok(report);
            }
            let batch_id = uuid::Uuid::new_v4().to_string();
            let report = BatchReport { batch_id: Some(batch_id.clone()), employer_code: code.clone(), status: "applied".into(), replayed: false, line_count: lines.len(), lines: reports };
            let at = self.received_at();
            sqlx::query("INSERT INTO declaration_batches (employer_code, batch_id, idempotency_key, content_hash, line_count, result, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(&code).bind(&batch_id).bind(idempotency_key).bind(&hash).bind(lines.len() as i64)
                .bind(serde_json::to_string(&report).unwrap_or_default()).bind(&at)
                .execute(&mut *tx).await?;
            for effect in &plan.effects {
                match effect {
                    Effect::Person { sin, personal_id, name, sex, birth_date, nationality } => {
                        sqlx::query(&format!("INSERT INTO persons ({PERSON_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"))
                            .bind(sin).bind(personal_id).bind(name).bind(sex).bind(birth_date).bind(nationality).bind(&at)
                            .execute(&mut *tx).await?;
                    }
                    Effect::Employment { sin, id, start, kind, months, participant } => {
                        sqlx::query("INSERT INTO employments (person_sin, employment_id, employer_code, start_date, contract_kind, contract_months, participant, batch_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                            .bind(sin).bind(id).bind(&code).bind(start).bind(kind).bind(*months).bind(participant).bind(&batch_id)
                            .execute(&mut *tx).await?;
                    }
                    Effect::Event { sin, id, seq, event, date, reason } => {
                        sqlx::query("INSERT INTO employment_events (person_sin, employment_id, seq, event, event_date, reason, batch_id) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                            .bind(sin).bind(id).bind(*seq).bind(event).bind(date).bind(reason).bind(&batch_id)
                            .execute(&mut *tx).await?;
                    }
                    Effect::Salary { sin, id, seq, month, salary, allowances, supersedes } => {
                        sqlx::query("INSERT INTO salaries (person_sin, employment_id, seq, effective_month, salary, allowances, supersedes, batch_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                            .bind(sin).bind(id).bind(*seq).bind(month).bind(*salary).bind(*allowances).bind(*supersedes).bind(&batch_id).bind(&at)
                            .execute(&mut *tx).await?;
                    }
                }
            }
            // Employments whose facts changed: the next monthly run re-checks their earlier months.
            let mut changed: Vec<(&str, &str)> = plan.effects.iter().filter_map(|e| match e {
                Effect::Event { sin, id, .. } | Effect::Salary { sin, id, .. } => Some((sin.as_str(), id.as_str())),
                _ => None,
            }).collect();
            changed.sort_unstable();
            changed.dedup();
            for (sin, id) in changed {
                sqlx::query("INSERT INTO reassessment_queue (person_sin, employment_id, batch_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                    .bind(sin).bind(id).bind(&batch_id).bind(&at)
                    .execute(&mut *tx).await?;
            }
            append!(tx, self, Change {
                action: "declaration.submit",
                entity_kind: "employer",
                entity_id: code.clone(),
                change: serde_json::json!({
                    "batch_id": report.batch_id, "status": report.status,
                    "line_count": report.line_count, "content_hash": hash,
                }),
            })?;
            tx.commit().await?;
            Ok::<BatchReport, StoreError>(report)
        }.await);
        match result {
            // A concurrent identical submission won the race: answer with its result.
            Err(e) if e.is_unique_violation() => {
                match self.replay(&code, idempotency_key, &hash).await? {
                    Some(done) => Ok(done),
                    None => Err(StoreError::Conflict {
                        field: "lines".into(),
                        reason: "another declaration naming the same person was applied at the same moment; nothing of this batch was applied: send it again to have it checked against it".into(),
                    }),
                }
            }
            other => other,
        }
    }

    /// The stored result of an earlier submission with the same key or content.
    async fn replay(
        &self,
        code: &str,
        key: Option<&str>,
        hash: &str,
    ) -> Result<Option<BatchReport>, StoreError> {
        let row = on_pool!(self, pool => {
            let row = sqlx::query(PRIOR_BATCH_SQL)
                .bind(code).bind(hash).bind(key)
                .fetch_optional(pool).await?;
            match row {
                Some(r) => Some((r.try_get::<String, _>("content_hash")?, r.try_get::<String, _>("result")?)),
                None => None,
            }
        });
        let Some((stored_hash, text)) = row else {
            return Ok(None);
        };
        replayed(&stored_hash, &text, hash).map(Some)
    }

    /// A stored batch result.
    /// An employer's applied batches, newest first: (batch id, received at, lines).
    pub async fn batches(
        &self,
        employer_code: &str,
        limit: i64,
    ) -> Result<Vec<(String, String, i64)>, StoreError> {
        let code = employer_code.trim().to_ascii_uppercase();
        Ok(on_pool!(self, pool => {
            let mut out = Vec::new();
            for r in sqlx::query("SELECT batch_id, submitted_at, line_count FROM declaration_batches WHERE employer_code = $1 ORDER BY submitted_at DESC, batch_id DESC LIMIT $2")
                .bind(&code).bind(limit.clamp(1, 500)).fetch_all(pool).await? {
                out.push((r.try_get("batch_id")?, r.try_get("submitted_at")?, r.try_get("line_count")?));
            }
            out
        }))
    }

    pub async fn batch(
        &self,
        employer_code: &str,
        batch_id: &str,
    ) -> Result<Option<BatchReport>, StoreError> {
        let code = employer_code.trim().to_ascii_uppercase();
        let text: Option<String> = on_pool!(self, pool => {
            match sqlx::query("SELECT result FROM declaration_batches WHERE employer_code = $1 AND batch_id = $2")
                .bind(&code).bind(batch_id).fetch_optional(pool).await? {
                Some(r) => Some(r.try_get::<String, _>("result")?),
                None => None,
            }
        });
        text.map(|t| serde_json::from_str(&t).map_err(|e| StoreError::invalid("result", e)))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_s_vietnamese_headings_and_words_are_read_as_fields() {
        let csv = "Phương án,Số định danh cá nhân,Họ và tên,Giới tính,Ngày sinh,Từ ngày,Tiền lương\n\
                   Tăng mới,079093000888,Phan Văn Tài,male,1993-03-03,2026-02-02,9000000\n";
        let lines = parse_csv(csv.as_bytes()).unwrap();
        assert_eq!(lines[0].action, "hire");
        assert_eq!(lines[0].personal_id, "079093000888");
        assert_eq!(canonical_action("Giảm"), Some("leave"));
        assert_eq!(canonical_column("  MÃ SỐ BHXH "), Some("sin"));
        assert_eq!(canonical_column("surprise"), None);
    }

    #[test]
    fn a_registry_reason_reads_in_vietnamese_keeping_the_value() {
        let vi = ansinh_core::ids::IdError::Digits {
            value: "12AB".into(),
            digits: 12,
        }
        .vi();
        assert_eq!(vi, "`12AB` phải gồm đúng 12 chữ số");
        let person = crate::model::NewPerson {
            sin: None,
            personal_id: "079093000888".into(),
            name: "Phan Văn Tài".into(),
            sex: "x".into(),
            birth_date: "1993-03-03".into(),
            nationality: "VN".into(),
        };
        let today = "2026-12-03".parse().unwrap();
        let e = crate::registry::check_person_in(&person, today, "VN").unwrap_err();
        assert!(e.reason_vi.contains("`x`"), "{e:?}");
        // Every refusal of a new person has its own Vietnamese, not the English again.
        for broken in [
            crate::model::NewPerson {
                name: " ".into(),
                sex: "male".into(),
                ..person.clone()
            },
            crate::model::NewPerson {
                birth_date: "03/03/1993".into(),
                sex: "male".into(),
                ..person.clone()
            },
            crate::model::NewPerson {
                personal_id: "12AB".into(),
                sex: "male".into(),
                ..person.clone()
            },
            crate::model::NewPerson {
                nationality: "VNM".into(),
                ..person.clone()
            },
        ] {
            let e = crate::registry::check_person_in(&broken, today, "VN").unwrap_err();
            assert!(!e.reason_vi.is_empty() && e.reason_vi != e.reason, "{e:?}");
        }
    }
}
