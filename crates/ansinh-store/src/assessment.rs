//! The monthly assessment (tính số phải đóng hằng tháng): for every employment of a month, the
//! contributions of each fund and payer from the rules core, written to `contribution_lines`.
//!
//! A run goes through the employers in unit-code order, a chunk per transaction. It writes only
//! what is missing or different: a month never assessed gets its line (version 1); a month whose
//! salary or status changed since (a retroactive declaration) gets an adjustment line holding the
//! difference (truy thu, or a refund when negative). Old lines are never edited. Hence a run is
//! idempotent, a killed run resumes by running again, and a run after new declarations writes only
//! the difference.

use crate::bulk::{BulkInsert, BulkRow, Cell};
use crate::course::Course;
use crate::{Kind, Store, StoreError, now, on_pool};
use ansinh_core::{Date, Dong, Month};
use ansinh_rules::Params;
use ansinh_rules::contribution::{self, OccupationalOption, Options, Participant, Resolved};
use serde::Serialize;
use sqlx::{QueryBuilder, Row};
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// Money columns of a line, in this order: bases (social, unemployment), employee funds,
/// employer funds (sickness & maternity, pension & survivor, occupational, health,
/// unemployment), total.
pub const AMOUNT_COLUMNS: [&str; 13] = [
    "base_social",
    "base_unemployment",
    "employee_sickness_maternity",
    "employee_pension_survivor",
    "employee_occupational",
    "employee_health",
    "employee_unemployment",
    "employer_sickness_maternity",
    "employer_pension_survivor",
    "employer_occupational",
    "employer_health",
    "employer_unemployment",
    "total",
];

type Amounts = [i64; 13];

fn amounts_of(a: &contribution::Assessment) -> Amounts {
    let (e, r) = (a.employee.as_array(), a.employer.as_array());
    [
        a.base_social.get(),
        a.base_unemployment.get(),
        e[0].get(),
        e[1].get(),
        e[2].get(),
        e[3].get(),
        e[4].get(),
        r[0].get(),
        r[1].get(),
        r[2].get(),
        r[3].get(),
        r[4].get(),
        (a.employee.total + a.employer.total).get(),
    ]
}

/// Monday to Friday days from `from` to `to`, both included.
pub fn working_days(from: Date, to: Date) -> i64 {
    let mut n = 0;
    let mut d = from;
    while d <= to {
        if !matches!(
            d.weekday(),
            jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
        ) {
            n += 1;
        }
        match d.tomorrow() {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    n
}

/// Whether a month is charged: not when the employee was unpaid — not yet hired, gone, or on
/// suspension — for 14 working days or more of it (L41 Art. 33.5, 34.3; L74 Art. 33.4).
pub fn chargeable(
    month: Month,
    start: Date,
    end: Option<Date>,
    suspensions: &[(Date, Option<Date>)],
) -> bool {
    let (first, last) = (month.first_day(), month.last_day());
    let total = working_days(first, last);
    let from = start.max(first);
    let to = end.map_or(last, |e| e.min(last));
    let mut paid = if from <= to {
        working_days(from, to)
    } else {
        0
    };
    for (s, r) in suspensions {
        let s_from = (*s).max(from);
        let s_to = r.and_then(|r| r.yesterday().ok()).map_or(to, |r| r.min(to));
        if s_from <= s_to {
            paid -= working_days(s_from, s_to);
        }
    }
    total - paid < 14
}

#[derive(Clone, Debug)]
struct SalaryRec {
    seq: i64,
    month: Month,
    amount: i64,
}

/// The record in effect for a month: the latest effective month not after it, and of those the
/// latest correction.
fn salary_for(records: &[SalaryRec], month: Month) -> Option<&SalaryRec> {
    records
        .iter()
        .filter(|r| r.month <= month)
        .max_by_key(|r| (r.month, r.seq))
}

#[derive(Clone, Debug)]
struct EmploymentRow {
    sin: String,
    id: String,
    employer: String,
    start: Date,
    participant: Participant,
    course: Course,
    salaries: Vec<SalaryRec>,
    /// Stored lines summed per month: the assessed month, and every other month of a queued
    /// employment.
    assessed: Vec<(Month, Assessed)>,
    /// Events as read (seq, event, date), applied to `course` in seq order once all are read.
    events: Vec<(i64, String, Date)>,
    /// Queued for a re-check of its earlier months.
    queued: bool,
}

/// What a line in the store sums to for one employment and month.
#[derive(Clone, Debug, Default)]
struct Assessed {
    version: i64,
    salary_seq: i64,
    sum: Amounts,
}

/// A line to insert.
#[derive(Clone, Debug)]
struct NewLine {
    sin: String,
    id: String,
    month: String,
    version: i64,
    employer: String,
    salary_seq: i64,
    salary: i64,
    amounts: Amounts,
}

/// The columns of `contribution_lines` a run writes, in the order of [`NewLine::cells`] with the
/// run month and the time of writing.
const LINE_COLUMNS: [&str; 22] = [
    "person_sin",
    "employment_id",
    "month",
    "version",
    "employer_code",
    "run_month",
    "salary_seq",
    "salary",
    "base_social",
    "base_unemployment",
    "employee_sickness_maternity",
    "employee_pension_survivor",
    "employee_occupational",
    "employee_health",
    "employee_unemployment",
    "employer_sickness_maternity",
    "employer_pension_survivor",
    "employer_occupational",
    "employer_health",
    "employer_unemployment",
    "total",
    "created_at",
];

/// A new line with what every line of the run shares.
struct LineToWrite<'a> {
    line: &'a NewLine,
    run_month: &'a str,
    at: &'a str,
}

impl BulkRow for LineToWrite<'_> {
    fn cells<'a>(&'a self, out: &mut Vec<Cell<'a>>) {
        let l = self.line;
        out.extend([
            Cell::Text(&l.sin),
            Cell::Text(&l.id),
            Cell::Text(&l.month),
            Cell::Int(l.version),
            Cell::Text(&l.employer),
            Cell::Text(self.run_month),
            Cell::Int(l.salary_seq),
            Cell::Int(l.salary),
        ]);
        out.extend(l.amounts.iter().map(|v| Cell::Int(*v)));
        out.push(Cell::Text(self.at));
    }
}

/// Dues of one employer for one contribution month, as written by runs of the run month.
#[derive(Clone, Debug, Default)]
struct Due {
    headcount: i64,
    sum: Amounts,
}

struct DueRow<'a> {
    employer: &'a str,
    run_month: &'a str,
    month: String,
    due: &'a Due,
}

impl BulkRow for DueRow<'_> {
    fn cells<'a>(&'a self, out: &mut Vec<Cell<'a>>) {
        out.extend([
            Cell::Text(self.employer),
            Cell::Text(self.run_month),
            Cell::Text(&self.month),
            Cell::Int(self.due.headcount),
        ]);
        out.extend(self.due.sum.iter().map(|v| Cell::Int(*v)));
    }
}

const DUE_COLUMNS: [&str; 17] = [
    "employer_code",
    "run_month",
    "month",
    "headcount",
    "base_social",
    "base_unemployment",
    "employee_sickness_maternity",
    "employee_pension_survivor",
    "employee_occupational",
    "employee_health",
    "employee_unemployment",
    "employer_sickness_maternity",
    "employer_pension_survivor",
    "employer_occupational",
    "employer_health",
    "employer_unemployment",
    "total",
];

/// Outcome of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct AssessSummary {
    pub month: String,
    pub employers: u64,
    /// Employments open in the month.
    pub employments: u64,
    /// Lines written for months never assessed before.
    pub new_lines: u64,
    /// Adjustment lines for months assessed before whose facts changed.
    pub adjustments: u64,
    /// Months already assessed with the same result.
    pub unchanged: u64,
    /// Employment months not charged (unpaid 14 working days or more).
    pub not_charged: u64,
    /// Employment months the rules refused (e.g. salary below the floor), with the reason.
    pub refused: u64,
    pub refusals: Vec<String>,
    /// Total written by this run (new lines and adjustments), đồng.
    pub written_total: i64,
    /// Dues of the assessed month once the run is over (all its lines), đồng: the same whether
    /// the month was assessed in one run or resumed after an interruption.
    pub month_total: i64,
}

/// What a run reads for one key range of persons.
struct Chunk {
    /// Employments started by the end of the month, sorted by (sin, id).
    employments: Vec<EmploymentRow>,
    /// Lines already written by runs of this run month: (employer, month, amounts).
    run_lines: Vec<(String, Month, Amounts)>,
    /// Queue entries read (person, employment, batch), removed with the chunk's lines.
    queue: Vec<(String, String, String)>,
    /// Persons key range (lo, hi].
    hi: String,
}

/// Employments per chunk: one read, one write transaction.
const CHUNK: i64 = 25_000;

/// Reads 13 money columns starting at column `$first` of a row.
macro_rules! amounts_at {
    ($row:expr, $first:expr) => {{
        let mut a: Amounts = [0; 13];
        for (i, v) in a.iter_mut().enumerate() {
            *v = $row.try_get::<i64, _>($first + i)?;
        }
        a
    }};
}

fn parse_date(field: &str, text: &str) -> Result<Date, StoreError> {
    text.parse().map_err(|_| StoreError::invalid(field, text))
}

fn parse_month(field: &str, text: &str) -> Result<Month, StoreError> {
    text.parse().map_err(|_| StoreError::invalid(field, text))
}

fn add(sum: &mut Amounts, amounts: &Amounts) {
    for (s, a) in sum.iter_mut().zip(amounts) {
        *s += a;
    }
}

impl Store {
    /// Reads the next key range of persons after `lo`, in one consistent snapshot.
    async fn read_chunk(
        &self,
        month: Month,
        lo: &str,
        size: i64,
    ) -> Result<Option<Chunk>, StoreError> {
        let m = month.to_string();
        let month_end = month.last_day().to_string();
        let pg = self.kind() == Kind::Postgres;
        let amounts = AMOUNT_COLUMNS.join(", ");
        let month_lines = format!(
            "SELECT person_sin, employment_id, version, salary_seq, run_month, employer_code, {amounts} FROM contribution_lines WHERE month = $1 AND person_sin > $2 AND person_sin <= $3"
        );
        let run_lines = format!(
            "SELECT employer_code, month, {amounts} FROM contribution_lines WHERE run_month = $1 AND month <> $1 AND person_sin > $2 AND person_sin <= $3"
        );
        let queued_lines = format!(
            "SELECT l.person_sin, l.employment_id, l.month, l.version, l.salary_seq, {} FROM (SELECT DISTINCT person_sin, employment_id FROM reassessment_queue WHERE person_sin > $2 AND person_sin <= $3) q JOIN contribution_lines l ON l.person_sin = q.person_sin AND l.employment_id = q.employment_id WHERE l.month <> $1",
            AMOUNT_COLUMNS.map(|c| format!("l.{c}")).join(", ")
        );
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            if pg {
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute(&mut *tx).await?;
            }
            let hi: Option<String> = sqlx::query_scalar("SELECT person_sin FROM employments WHERE person_sin > $1 ORDER BY person_sin LIMIT 1 OFFSET $2")
                .bind(lo).bind(size - 1).fetch_optional(&mut *tx).await?;
            let hi = match hi {
                Some(hi) => hi,
                None => match sqlx::query_scalar::<_, Option<String>>("SELECT MAX(person_sin) FROM employments WHERE person_sin > $1").bind(lo).fetch_one(&mut *tx).await? {
                    Some(hi) => hi,
                    None => return Ok(None),
                },
            };
            let mut employments = Vec::new();
            for r in sqlx::query("SELECT person_sin, employment_id, employer_code, start_date, participant FROM employments WHERE person_sin > $1 AND person_sin <= $2 AND start_date <= $3")
                .bind(lo).bind(&hi).bind(&month_end).fetch_all(&mut *tx).await?
            {
                employments.push(EmploymentRow {
                    sin: r.try_get(0)?,
                    id: r.try_get(1)?,
                    employer: r.try_get(2)?,
                    start: parse_date("start_date", r.try_get(3)?)?,
                    participant: if r.try_get::<&str, _>(4)? == "foreign_employee" { Participant::ForeignEmployee } else { Participant::Employee },
                    course: Course::default(),
                    salaries: Vec::new(),
                    events: Vec::new(),
                    assessed: Vec::new(),
                    queued: false,
                });
            }
            // Sorted here, not by the database: its collation may not be byte order.
            employments.sort_by(|a, b| (&a.sin, &a.id).cmp(&(&b.sin, &b.id)));
            let find = |emps: &[EmploymentRow], sin: &str, id: &str| {
                emps.binary_search_by(|e| (e.sin.as_str(), e.id.as_str()).cmp(&(sin, id))).ok()
            };
            for r in sqlx::query("SELECT person_sin, employment_id, seq, event, event_date FROM employment_events WHERE person_sin > $1 AND person_sin <= $2")
                .bind(lo).bind(&hi).fetch_all(&mut *tx).await?
            {
                if let Some(i) = find(&employments, r.try_get(0)?, r.try_get(1)?) {
                    let date = parse_date("event_date", r.try_get(4)?)?;
                    employments[i].events.push((r.try_get(2)?, r.try_get(3)?, date));
                }
            }
            for r in sqlx::query("SELECT person_sin, employment_id, seq, effective_month, salary + allowances FROM salaries WHERE person_sin > $1 AND person_sin <= $2")
                .bind(lo).bind(&hi).fetch_all(&mut *tx).await?
            {
                if let Some(i) = find(&employments, r.try_get(0)?, r.try_get(1)?) {
                    let month = parse_month("effective_month", r.try_get(3)?)?;
                    employments[i].salaries.push(SalaryRec { seq: r.try_get(2)?, month, amount: r.try_get(4)? });
                }
            }
            let mut run = Vec::new();
            for r in sqlx::query(&month_lines).bind(&m).bind(lo).bind(&hi).fetch_all(&mut *tx).await? {
                let sum = amounts_at!(r, 6);
                if r.try_get::<&str, _>(4)? == m {
                    run.push((r.try_get(5)?, month, sum));
                }
                if let Some(i) = find(&employments, r.try_get(0)?, r.try_get(1)?) {
                    employments[i].merge_line(month, r.try_get(2)?, r.try_get(3)?, &sum);
                }
            }
            for r in sqlx::query(&run_lines).bind(&m).bind(lo).bind(&hi).fetch_all(&mut *tx).await? {
                run.push((r.try_get(0)?, parse_month("month", r.try_get(1)?)?, amounts_at!(r, 2)));
            }
            let mut queue = Vec::new();
            for r in sqlx::query("SELECT person_sin, employment_id, batch_id FROM reassessment_queue WHERE person_sin > $1 AND person_sin <= $2")
                .bind(lo).bind(&hi).fetch_all(&mut *tx).await?
            {
                let entry: (String, String, String) = (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
                // An employment not yet started by the month stays queued for a later run.
                if let Some(i) = find(&employments, &entry.0, &entry.1) {
                    employments[i].queued = true;
                    queue.push(entry);
                }
            }
            if !queue.is_empty() {
                for r in sqlx::query(&queued_lines).bind(&m).bind(lo).bind(&hi).fetch_all(&mut *tx).await? {
                    if let Some(i) = find(&employments, r.try_get(0)?, r.try_get(1)?) {
                        let line_month = parse_month("month", r.try_get(2)?)?;
                        employments[i].merge_line(line_month, r.try_get(3)?, r.try_get(4)?, &amounts_at!(r, 5));
                    }
                }
            }
            tx.rollback().await?;
            for e in &mut employments {
                e.events.sort_by_key(|(seq, _, _)| *seq);
                for (_, event, date) in &e.events {
                    e.course.apply(event, *date);
                }
            }
            Ok(Some(Chunk { employments, run_lines: run, queue, hi }))
        }.await)
    }

    /// Writes a chunk's new lines and removes the queue entries it handled, atomically.
    async fn write_chunk(
        &self,
        lines: &[NewLine],
        queue: &[(String, String, String)],
        run_month: &str,
        at: &str,
    ) -> Result<(), StoreError> {
        if lines.is_empty() && queue.is_empty() {
            return Ok(());
        }
        let rows: Vec<LineToWrite> = lines
            .iter()
            .map(|line| LineToWrite {
                line,
                run_month,
                at,
            })
            .collect();
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            tx.insert_rows("contribution_lines", &LINE_COLUMNS, &rows).await?;
            for part in queue.chunks(300) {
                let mut q = QueryBuilder::new("DELETE FROM reassessment_queue WHERE (person_sin, employment_id, batch_id) IN (");
                q.push_values(part, |mut b, (sin, id, batch)| {
                    b.push_bind(sin).push_bind(id).push_bind(batch);
                });
                q.push(")");
                q.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<(), StoreError>(())
        }.await)
    }

    /// Assesses `month` for every employment, and re-checks the earlier months of employments
    /// whose facts changed since (the reassessment queue), writing only what is missing or
    /// different; then rebuilds the employers' dues of the run month.
    ///
    /// Chunks of persons are read on one connection while the previous chunk is written on
    /// another, so reading, computing and writing overlap.
    pub async fn assess_month(
        &self,
        params: &Params,
        month: Month,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<AssessSummary, StoreError> {
        self.assess_month_in_chunks(params, month, CHUNK, progress)
            .await
    }

    /// [`Store::assess_month`] with `chunk` employments per read and write (at least 1).
    pub async fn assess_month_in_chunks(
        &self,
        params: &Params,
        month: Month,
        chunk: i64,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<AssessSummary, StoreError> {
        let chunk = chunk.max(1);
        let run_month = month.to_string();
        let at = now();
        on_pool!(self, pool => sqlx::query("INSERT INTO assessment_runs (run_month, started_at) VALUES ($1, $2) ON CONFLICT (run_month) DO UPDATE SET started_at = excluded.started_at, finished_at = NULL")
            .bind(&run_month).bind(&at).execute(pool).await.map(|_| ()))?;
        let (sender, mut chunks) = tokio::sync::mpsc::channel::<Result<Chunk, StoreError>>(2);
        let reader = self.clone();
        let reading = tokio::spawn(async move {
            let mut lo = String::new();
            loop {
                let next = reader.read_chunk(month, &lo, chunk).await;
                let stop = !matches!(next, Ok(Some(_)));
                let item = match next {
                    Ok(Some(chunk)) => {
                        lo = chunk.hi.clone();
                        Ok(chunk)
                    }
                    Ok(None) => break,
                    Err(e) => Err(e),
                };
                if sender.send(item).await.is_err() || stop {
                    break;
                }
            }
        });
        let employers = on_pool!(self, pool => {
            let mut employers = HashMap::new();
            for r in sqlx::query("SELECT unit_code, region, occupational_rate FROM employers").fetch_all(pool).await? {
                let option = if r.try_get::<&str, _>(2)? == "0.3%" { OccupationalOption::Reduced } else { OccupationalOption::Standard };
                employers.insert(r.try_get::<String, _>(0)?, (r.try_get::<i64, _>(1)?, option));
            }
            employers
        });
        let mut plan = Plan {
            params,
            month,
            employers,
            resolved: HashMap::new(),
            dues: HashMap::new(),
            summary: AssessSummary {
                month: run_month.clone(),
                ..Default::default()
            },
        };
        while let Some(chunk) = chunks.recv().await {
            let chunk = chunk?;
            let lines = plan.chunk(&chunk);
            self.write_chunk(&lines, &chunk.queue, &run_month, &at)
                .await?;
            progress(plan.summary.employments);
        }
        reading
            .await
            .map_err(|e| StoreError::invalid("assessment", format!("reader stopped: {e}")))?;
        let mut summary = plan.summary;
        let mut dues: Vec<DueRow> = plan
            .dues
            .iter()
            .map(|((employer, m), due)| DueRow {
                employer,
                run_month: &run_month,
                month: m.to_string(),
                due,
            })
            .collect();
        dues.sort_by(|a, b| (a.employer, &a.month).cmp(&(b.employer, &b.month)));
        summary.employers = dues.iter().filter(|d| d.month == run_month).count() as u64;
        let text = serde_json::to_string(&summary).unwrap_or_default();
        let finished = now();
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM employer_dues WHERE run_month = $1").bind(&run_month).execute(&mut *tx).await?;
            tx.insert_rows("employer_dues", &DUE_COLUMNS, &dues).await?;
            sqlx::query("UPDATE assessment_runs SET finished_at = $2, summary = $3 WHERE run_month = $1")
                .bind(&run_month).bind(&finished).bind(&text).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok::<(), StoreError>(())
        }.await)?;
        Ok(summary)
    }
}

impl EmploymentRow {
    /// Adds a stored line of `month` to what the employment's lines of that month sum to.
    fn merge_line(&mut self, month: Month, version: i64, salary_seq: i64, amounts: &Amounts) {
        let at = match self.assessed.iter().position(|(m, _)| *m == month) {
            Some(at) => at,
            None => {
                self.assessed.push((month, Assessed::default()));
                self.assessed.len() - 1
            }
        };
        let entry = &mut self.assessed[at].1;
        if version > entry.version {
            entry.version = version;
            entry.salary_seq = salary_seq;
        }
        add(&mut entry.sum, amounts);
    }
}

/// The pure part of a run: from a chunk's facts and stored lines to the lines to write.
struct Plan<'p> {
    params: &'p Params,
    month: Month,
    /// Region and occupational-accident option of every employer, read once per run.
    employers: HashMap<String, (i64, OccupationalOption)>,
    /// Parameters resolved once per (month, participant kind, region, occupational option).
    resolved: HashMap<(Month, Participant, i64, OccupationalOption), Option<Resolved>>,
    /// Per (employer, contribution month): what runs of this run month wrote.
    dues: HashMap<(String, Month), Due>,
    summary: AssessSummary,
}

impl Plan<'_> {
    fn chunk(&mut self, chunk: &Chunk) -> Vec<NewLine> {
        let month = self.month;
        for (employer, m, sum) in &chunk.run_lines {
            add(
                &mut self.dues.entry((employer.clone(), *m)).or_default().sum,
                sum,
            );
        }
        let mut lines = Vec::new();
        for row in &chunk.employments {
            let mut months: Vec<Month> = if row.queued {
                row.assessed
                    .iter()
                    .map(|(m, _)| *m)
                    .filter(|m| *m != month)
                    .collect()
            } else {
                Vec::new()
            };
            if row.course.end.is_none_or(|e| e >= month.first_day()) {
                self.summary.employments += 1;
                months.push(month);
            }
            months.sort();
            for m in months {
                let before = row.assessed.iter().find(|(am, _)| *am == m).map(|(_, a)| a);
                let ends_before = row.course.end.is_some_and(|e| e < m.first_day());
                if ends_before && before.is_none() {
                    // Over before this month and never assessed for it: nothing to do.
                    continue;
                }
                let salary = salary_for(&row.salaries, m);
                let expected = match salary {
                    Some(s)
                        if !ends_before
                            && row.start <= m.last_day()
                            && chargeable(
                                m,
                                row.start,
                                row.course.end,
                                &row.course.suspensions,
                            ) =>
                    {
                        self.assess(row, m, s)
                    }
                    _ => {
                        if m == month && before.is_none() {
                            self.summary.not_charged += 1;
                        }
                        None
                    }
                };
                let (target, seq, salary_amount) = match expected {
                    Some((a, s)) => (a, s.seq, s.amount),
                    None => (
                        [0; 13],
                        salary.map_or(0, |s| s.seq),
                        salary.map_or(0, |s| s.amount),
                    ),
                };
                if m == month {
                    self.summary.month_total += target[12];
                    if target[12] != 0 {
                        self.dues
                            .entry((row.employer.clone(), m))
                            .or_default()
                            .headcount += 1;
                    }
                }
                let previous = before.map_or([0; 13], |b| b.sum);
                if target == previous {
                    if before.is_some() {
                        self.summary.unchanged += 1;
                    }
                    continue;
                }
                let mut diff = [0; 13];
                for i in 0..13 {
                    diff[i] = target[i] - previous[i];
                }
                let version = before.map_or(1, |b| b.version + 1);
                if version == 1 {
                    self.summary.new_lines += 1
                } else {
                    self.summary.adjustments += 1
                }
                self.summary.written_total += diff[12];
                add(
                    &mut self.dues.entry((row.employer.clone(), m)).or_default().sum,
                    &diff,
                );
                lines.push(NewLine {
                    sin: row.sin.clone(),
                    id: row.id.clone(),
                    month: m.to_string(),
                    version,
                    employer: row.employer.clone(),
                    salary_seq: seq,
                    salary: salary_amount,
                    amounts: diff,
                });
            }
        }
        lines
    }

    /// The contributions of one employment month, or `None` (counted as refused) when the
    /// rules refuse it.
    fn assess<'s>(
        &mut self,
        row: &EmploymentRow,
        m: Month,
        salary: &'s SalaryRec,
    ) -> Option<(Amounts, &'s SalaryRec)> {
        let participant = row.participant;
        let (region, option) = self
            .employers
            .get(&row.employer)
            .copied()
            .unwrap_or((1, OccupationalOption::Standard));
        let params = self.params;
        let resolved = self
            .resolved
            .entry((m, participant, region, option))
            .or_insert_with(|| {
                let options = Options {
                    occupational: Some(option),
                    ..Options::default()
                };
                let region = u8::try_from(region).unwrap_or(1);
                contribution::resolve(params, m, participant, region, options).ok()
            });
        let outcome = match resolved.as_ref() {
            Some(r) => contribution::assess(r, Dong(salary.amount)).map_err(|e| e.to_string()),
            None => Err("no parameters for this month".to_string()),
        };
        match outcome {
            Ok(a) => Some((amounts_of(&a), salary)),
            Err(reason) => {
                self.summary.refused += 1;
                if self.summary.refusals.len() < 100 {
                    self.summary
                        .refusals
                        .push(format!("{} {m}: {reason}", row.id));
                }
                None
            }
        }
    }
}
/// One month of a person's contribution record, all lines summed.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct MonthRecord {
    pub month: String,
    pub employer_code: String,
    pub employment_id: String,
    /// Contribution salary (with allowances) of the latest line.
    pub salary: i64,
    pub base_social: i64,
    pub employee_total: i64,
    pub employer_total: i64,
    /// Lines behind the month (more than 1 when adjusted later).
    pub lines: i64,
}

/// A person's contribution record across employers ("sổ BHXH").
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ContributionHistory {
    pub sin: String,
    pub months: Vec<MonthRecord>,
    /// Months with a pension & survivorship contribution (count towards a pension, L41 Art. 64).
    pub months_for_pension: i64,
    /// Months with an unemployment contribution (count towards the benefit, L74 Art. 38–39).
    pub months_for_unemployment: i64,
    pub employee_total: i64,
    pub employer_total: i64,
}

/// The employer's monthly notice (C12 equivalent): what runs of `month` put on its account,
/// from the employer's dues the run rebuilt at its end.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Notice {
    pub employer_code: String,
    pub month: String,
    /// Persons with a line for the month itself.
    pub headcount: i64,
    /// Per fund, employee and employer shares, for the month itself.
    pub funds: BTreeMap<String, i64>,
    pub dues_this_month: i64,
    /// Differences for earlier months (truy thu when positive), by month.
    pub adjustments: BTreeMap<String, i64>,
    pub adjustments_total: i64,
    pub total_due: i64,
    /// Dues of earlier runs minus payments before the month.
    pub opening_balance: i64,
    /// Payments received during the month.
    pub payments: i64,
    /// Opening balance + total due − payments.
    pub closing_balance: i64,
    /// Late-payment / evasion charge accrued on the account to the month's last day (L41 Art. 40–41).
    pub late_charge: i64,
}

impl Store {
    /// A person's contribution record, month by month.
    pub async fn contribution_history(&self, sin: &str) -> Result<ContributionHistory, StoreError> {
        let sql = "SELECT month, employment_id, employer_code, version, salary, base_social, employee_pension_survivor, employee_unemployment, employer_unemployment, \
                   employee_sickness_maternity + employee_pension_survivor + employee_occupational + employee_health + employee_unemployment AS employee_total, \
                   employer_sickness_maternity + employer_pension_survivor + employer_occupational + employer_health + employer_unemployment AS employer_total, \
                   employer_pension_survivor \
                   FROM contribution_lines WHERE person_sin = $1 ORDER BY month, employment_id, version";
        let mut months: BTreeMap<(String, String), (MonthRecord, i64, i64)> = BTreeMap::new();
        on_pool!(self, pool => {
            for r in sqlx::query(sql).bind(sin.trim()).fetch_all(pool).await? {
                let month: String = r.try_get("month")?;
                let id: String = r.try_get("employment_id")?;
                let entry = months.entry((month.clone(), id.clone())).or_insert_with(|| (MonthRecord {
                    month, employer_code: String::new(), employment_id: id, salary: 0, base_social: 0, employee_total: 0, employer_total: 0, lines: 0,
                }, 0, 0));
                entry.0.employer_code = r.try_get("employer_code")?;
                entry.0.salary = r.try_get("salary")?;
                entry.0.base_social += r.try_get::<i64, _>("base_social")?;
                entry.0.employee_total += r.try_get::<i64, _>("employee_total")?;
                entry.0.employer_total += r.try_get::<i64, _>("employer_total")?;
                entry.0.lines += 1;
                entry.1 += r.try_get::<i64, _>("employee_pension_survivor")? + r.try_get::<i64, _>("employer_pension_survivor")?;
                entry.2 += r.try_get::<i64, _>("employee_unemployment")? + r.try_get::<i64, _>("employer_unemployment")?;
            }
        });
        let mut history = ContributionHistory {
            sin: sin.trim().to_string(),
            months: Vec::new(),
            months_for_pension: 0,
            months_for_unemployment: 0,
            employee_total: 0,
            employer_total: 0,
        };
        for (_, (record, pension, unemployment)) in months {
            if record.lines == 0 || (record.employee_total == 0 && record.employer_total == 0) {
                continue;
            }
            history.months_for_pension += i64::from(pension > 0);
            history.months_for_unemployment += i64::from(unemployment > 0);
            history.employee_total += record.employee_total;
            history.employer_total += record.employer_total;
            history.months.push(record);
        }
        Ok(history)
    }

    /// The notice of an employer for the run of `month`.
    pub async fn notice(
        &self,
        params: &Params,
        employer_code: &str,
        month: Month,
    ) -> Result<Notice, StoreError> {
        let code = self.existing_employer(employer_code).await?.unit_code;
        let sql = format!(
            "SELECT month, headcount, {} FROM employer_dues WHERE employer_code = $1 AND run_month = $2",
            AMOUNT_COLUMNS.join(", ")
        );
        let m = month.to_string();
        let mut notice = Notice {
            employer_code: code.clone(),
            month: m.clone(),
            headcount: 0,
            funds: BTreeMap::new(),
            dues_this_month: 0,
            adjustments: BTreeMap::new(),
            adjustments_total: 0,
            total_due: 0,
            opening_balance: 0,
            payments: 0,
            closing_balance: 0,
            late_charge: 0,
        };
        on_pool!(self, pool => {
            for r in sqlx::query(&sql).bind(&code).bind(&m).fetch_all(pool).await? {
                let line_month: String = r.try_get(0)?;
                let sum = amounts_at!(r, 2);
                if line_month == m {
                    notice.headcount = r.try_get(1)?;
                    for (c, v) in AMOUNT_COLUMNS[2..12].iter().zip(&sum[2..12]) {
                        notice.funds.insert((*c).to_string(), *v);
                    }
                    notice.dues_this_month = sum[12];
                } else {
                    notice.adjustments.insert(line_month, sum[12]);
                    notice.adjustments_total += sum[12];
                }
            }
        });
        notice.total_due = notice.dues_this_month + notice.adjustments_total;
        let first = month.first_day().to_string();
        let next = month.plus(1).first_day().to_string();
        let (earlier_dues, paid_before, paid_during) = on_pool!(self, pool => {
            let dues: Option<i64> = sqlx::query("SELECT CAST(SUM(total) AS BIGINT) AS t FROM employer_dues WHERE employer_code = $1 AND run_month < $2")
                .bind(&code).bind(&m).fetch_one(pool).await?.try_get("t")?;
            let before: Option<i64> = sqlx::query("SELECT CAST(SUM(amount) AS BIGINT) AS t FROM payments WHERE employer_code = $1 AND paid_on < $2")
                .bind(&code).bind(&first).fetch_one(pool).await?.try_get("t")?;
            let during: Option<i64> = sqlx::query("SELECT CAST(SUM(amount) AS BIGINT) AS t FROM payments WHERE employer_code = $1 AND paid_on >= $2 AND paid_on < $3")
                .bind(&code).bind(&first).bind(&next).fetch_one(pool).await?.try_get("t")?;
            (dues.unwrap_or(0), before.unwrap_or(0), during.unwrap_or(0))
        });
        notice.opening_balance = earlier_dues - paid_before;
        notice.payments = paid_during;
        notice.closing_balance = notice.opening_balance + notice.total_due - paid_during;
        notice.late_charge = self
            .account_of(params, code.clone(), month.last_day())
            .await?
            .charge;
        Ok(notice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn working_days_of_march_2026() {
        assert_eq!(working_days(d("2026-03-01"), d("2026-03-31")), 22);
        assert_eq!(working_days(d("2026-03-07"), d("2026-03-08")), 0);
    }

    #[test]
    fn unpaid_for_14_working_days_is_not_charged() {
        let m: Month = "2026-03".parse().unwrap();
        assert!(chargeable(m, d("2026-01-01"), None, &[]));
        // Hired on the 18th: 10 working days paid, 12 unpaid → charged.
        assert!(chargeable(m, d("2026-03-18"), None, &[]));
        // Hired on the 19th: 9 paid, 13 unpaid → charged; on the 20th: 8 paid, 14 unpaid → not.
        assert!(chargeable(m, d("2026-03-19"), None, &[]));
        assert!(!chargeable(m, d("2026-03-20"), None, &[]));
        // Maternity leave for the whole month.
        assert!(!chargeable(
            m,
            d("2025-01-01"),
            None,
            &[(d("2026-02-01"), Some(d("2026-08-01")))]
        ));
        // Back on the 3rd: only 2 March unpaid.
        assert!(chargeable(
            m,
            d("2025-01-01"),
            None,
            &[(d("2026-02-01"), Some(d("2026-03-03")))]
        ));
        // Left on the 6th: 5 paid, 17 unpaid.
        assert!(!chargeable(m, d("2025-01-01"), Some(d("2026-03-06")), &[]));
    }

    #[test]
    fn the_latest_correction_of_the_latest_month_applies() {
        let recs = vec![
            SalaryRec {
                seq: 1,
                month: "2026-01".parse().unwrap(),
                amount: 10,
            },
            SalaryRec {
                seq: 2,
                month: "2026-04".parse().unwrap(),
                amount: 12,
            },
            SalaryRec {
                seq: 3,
                month: "2026-04".parse().unwrap(),
                amount: 13,
            },
        ];
        assert_eq!(
            salary_for(&recs, "2026-03".parse().unwrap())
                .unwrap()
                .amount,
            10
        );
        assert_eq!(
            salary_for(&recs, "2026-05".parse().unwrap())
                .unwrap()
                .amount,
            13
        );
        assert!(salary_for(&recs, "2025-12".parse().unwrap()).is_none());
    }
}
