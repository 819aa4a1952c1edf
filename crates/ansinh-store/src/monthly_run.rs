//! The monthly run (tính số phải đóng hằng tháng): for every employment of a month, the
//! contributions of each fund and payer from the rules core, written to `contribution_lines`.
//!
//! A run goes through the persons in key order, a chunk at a time: a reader takes one
//! consistent snapshot of a chunk's employments, events, salaries, stored lines and queued
//! re-checks while the previous chunk is computed and written in its own transaction. It writes
//! only what is missing or different: a month never assessed gets its line (version 1); a month
//! whose salary or status changed since (a retroactive declaration, queued in
//! `reassessment_queue`) gets an adjustment line holding the difference (truy thu, or a refund
//! when negative). Old lines are never edited. Hence a run is idempotent, a killed run resumes by
//! running again, and a run after new declarations writes only the difference. At its end a run
//! rebuilds the employers' dues of its run month (`employer_dues`, derived from the lines).
//!
//! Reading is the costly part at national scale. On SQLite the reader is a plain rusqlite
//! connection on its own thread (sqlx sends every row of SQLite across a channel from a worker
//! thread: measured 95 s to re-read 0.89 M employments against 9 s this way); on PostgreSQL it is
//! a sqlx task. Both feed the same [`ChunkBuilder`] from the same SQL.

use crate::assessment::{
    AMOUNT_COLUMNS, Amounts, AssessSummary, SalaryRec, amounts_of, chargeable, salary_for,
};
use crate::bulk::{BulkInsert, BulkRow, Cell};
use crate::course::{Course, is_sick_leave};
use crate::{Backend, Store, StoreError, now, on_pool};
use ansinh_core::{Date, Dong, Month};
use ansinh_la::LaoParams;
use ansinh_la::contribution as lao;
use ansinh_rules::Params;
use ansinh_rules::contribution::{self, OccupationalOption, Options, Participant, Resolved};
use rustc_hash::FxHashMap;
use sqlx::{QueryBuilder, Row};
use tokio::sync::mpsc::Sender;

#[derive(Clone, Debug)]
struct EmploymentRow {
    sin: String,
    id: String,
    employer: String,
    start: Date,
    participant: Participant,
    /// The same kind under Lao law (a Lao database's employments).
    lao_participant: lao::Participant,
    course: Course,
    salaries: Vec<SalaryRec>,
    /// Stored lines summed per month: the assessed month, and every other month of a queued
    /// employment.
    assessed: Vec<(Month, Assessed)>,
    /// Events as read (seq, event, date), applied to `course` in seq order once all are read.
    events: Vec<(i64, String, Date, bool)>,
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
    /// The employment, by its place in the chunk's employments (not its keys copied).
    row: usize,
    month: Month,
    version: i64,
    salary_seq: i64,
    salary: i64,
    amounts: Amounts,
}

/// The columns of `contribution_lines` a run writes, in the order of [`LineToWrite::cells`]: the
/// keys, the money columns of [`AMOUNT_COLUMNS`], the time of writing.
fn line_columns() -> Vec<&'static str> {
    let mut columns = vec![
        "person_sin",
        "employment_id",
        "month",
        "version",
        "employer_code",
        "run_month",
        "salary_seq",
        "salary",
    ];
    columns.extend(AMOUNT_COLUMNS);
    columns.push("created_at");
    columns
}

/// A new line with what every line of the run shares.
struct LineToWrite<'a> {
    line: &'a NewLine,
    row: &'a EmploymentRow,
    month: &'a str,
    run_month: &'a str,
    at: &'a str,
}

impl BulkRow for LineToWrite<'_> {
    fn cells<'a>(&'a self, out: &mut Vec<Cell<'a>>) {
        let (l, r) = (self.line, self.row);
        out.extend([
            Cell::Text(&r.sin),
            Cell::Text(&r.id),
            Cell::Text(self.month),
            Cell::Int(l.version),
            Cell::Text(&r.employer),
            Cell::Text(self.run_month),
            Cell::Int(l.salary_seq),
            Cell::Int(l.salary),
        ]);
        out.extend(l.amounts.iter().map(|v| Cell::Int(*v)));
        out.push(Cell::Text(self.at));
    }
}

/// The lines of a chunk as rows to write. The run month's text is shared; `texts` holds the
/// months of adjustment lines (the only ones of other months).
fn lines_to_write<'a>(
    chunk: &'a Chunk,
    lines: &'a [NewLine],
    run: (Month, &'a str),
    at: &'a str,
    texts: &'a mut Vec<String>,
) -> Vec<LineToWrite<'a>> {
    texts.clear();
    texts.extend(
        lines
            .iter()
            .filter(|l| l.month != run.0)
            .map(|l| l.month.to_string()),
    );
    let mut others = texts.iter();
    lines
        .iter()
        .map(|line| {
            let month = if line.month == run.0 {
                run.1
            } else {
                others.next().map_or("", String::as_str)
            };
            LineToWrite {
                line,
                row: &chunk.employments[line.row],
                month,
                run_month: run.1,
                at,
            }
        })
        .collect()
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

/// The columns of `employer_dues`, in the order of [`DueRow::cells`].
fn due_columns() -> Vec<&'static str> {
    let mut columns = vec!["employer_code", "run_month", "month", "headcount"];
    columns.extend(AMOUNT_COLUMNS);
    columns
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

/// What a query of a chunk is given.
#[derive(Clone, Copy, Debug)]
enum Arg {
    /// The run month, `YYYY-MM`.
    Month,
    /// The persons key range (lo, hi].
    Lo,
    Hi,
    /// The last day of the month.
    End,
    /// The chunk size less one.
    Offset,
}

/// One query: its text with `$1`, `$2`… and what each parameter is.
struct Query {
    text: String,
    args: &'static [Arg],
}

/// The values of [`Arg`] for one chunk.
struct Values {
    month: String,
    lo: String,
    hi: String,
    end: String,
    offset: i64,
}

impl Values {
    fn sqlite(&self, arg: Arg) -> rusqlite::types::Value {
        match arg {
            Arg::Month => self.month.clone().into(),
            Arg::Lo => self.lo.clone().into(),
            Arg::Hi => self.hi.clone().into(),
            Arg::End => self.end.clone().into(),
            Arg::Offset => self.offset.into(),
        }
    }

    fn postgres<'q>(
        &'q self,
        q: &'q Query,
    ) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
        let mut query = sqlx::query(&q.text);
        for arg in q.args {
            query = match arg {
                Arg::Month => query.bind(&self.month),
                Arg::Lo => query.bind(&self.lo),
                Arg::Hi => query.bind(&self.hi),
                Arg::End => query.bind(&self.end),
                Arg::Offset => query.bind(self.offset),
            };
        }
        query
    }
}

/// The queries of one chunk, the same SQL on both backends.
struct ChunkSql {
    bound: Query,
    last: Query,
    employments: Query,
    events: Query,
    salaries: Query,
    history: Query,
    month_lines: Query,
    run_lines: Query,
    queue: Query,
    queued_lines: Query,
    queued_salaries: Query,
}

impl ChunkSql {
    fn new() -> ChunkSql {
        use Arg::*;
        let amounts = AMOUNT_COLUMNS.join(", ");
        let prefixed = AMOUNT_COLUMNS.map(|c| format!("l.{c}")).join(", ");
        let q = |text: String, args| Query { text, args };
        ChunkSql {
            bound: q("SELECT person_sin FROM employments WHERE person_sin > $1 ORDER BY person_sin LIMIT 1 OFFSET $2".into(), &[Lo, Offset]),
            last: q("SELECT MAX(person_sin) FROM employments WHERE person_sin > $1".into(), &[Lo]),
            employments: q("SELECT person_sin, employment_id, employer_code, start_date, participant FROM employments WHERE person_sin > $1 AND person_sin <= $2 AND start_date <= $3".into(), &[Lo, Hi, End]),
            events: q("SELECT person_sin, employment_id, seq, event, event_date, reason FROM employment_events WHERE person_sin > $1 AND person_sin <= $2".into(), &[Lo, Hi]),
            // The salary in effect is the latest record unless that one takes effect after
            // the month (then the whole history, `history`) or the employment is queued for a
            // reassessment of earlier months (`queued_salaries`).
            salaries: q("SELECT person_sin, employment_id, seq, effective_month, amount FROM latest_salaries WHERE person_sin > $1 AND person_sin <= $2".into(), &[Lo, Hi]),
            history: q("SELECT s.person_sin, s.employment_id, s.seq, s.effective_month, s.salary + s.allowances FROM latest_salaries l JOIN salaries s ON s.person_sin = l.person_sin AND s.employment_id = l.employment_id WHERE l.person_sin > $2 AND l.person_sin <= $3 AND l.effective_month > $1".into(), &[Month, Lo, Hi]),
            month_lines: q(format!("SELECT person_sin, employment_id, version, salary_seq, run_month, employer_code, {amounts} FROM contribution_lines WHERE month = $1 AND person_sin > $2 AND person_sin <= $3"), &[Month, Lo, Hi]),
            run_lines: q(format!("SELECT employer_code, month, {amounts} FROM contribution_lines WHERE run_month = $1 AND month <> run_month AND person_sin > $2 AND person_sin <= $3"), &[Month, Lo, Hi]),
            queue: q("SELECT person_sin, employment_id, batch_id FROM reassessment_queue WHERE person_sin > $1 AND person_sin <= $2".into(), &[Lo, Hi]),
            queued_lines: q(format!("SELECT l.person_sin, l.employment_id, l.month, l.version, l.salary_seq, {prefixed} FROM (SELECT DISTINCT person_sin, employment_id FROM reassessment_queue WHERE person_sin > $2 AND person_sin <= $3) q JOIN contribution_lines l ON l.person_sin = q.person_sin AND l.employment_id = q.employment_id WHERE l.month <> $1"), &[Month, Lo, Hi]),
            queued_salaries: q("SELECT s.person_sin, s.employment_id, s.seq, s.effective_month, s.salary + s.allowances FROM (SELECT DISTINCT person_sin, employment_id FROM reassessment_queue WHERE person_sin > $1 AND person_sin <= $2) q JOIN salaries s ON s.person_sin = q.person_sin AND s.employment_id = q.employment_id".into(), &[Lo, Hi]),
        }
    }
}

/// What rows a query of a chunk gives, in the order they are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rows {
    Employments,
    Events,
    Salaries,
    /// Every salary record of the employments whose latest takes effect after the month.
    History,
    MonthLines,
    RunLines,
    Queue,
    QueuedLines,
    /// Every salary record of the queued employments.
    QueuedSalaries,
}

impl ChunkSql {
    /// The queries of a chunk after its bound, in reading order.
    fn steps(&self) -> [(&Query, Rows); 9] {
        [
            (&self.employments, Rows::Employments),
            (&self.events, Rows::Events),
            (&self.salaries, Rows::Salaries),
            (&self.history, Rows::History),
            (&self.month_lines, Rows::MonthLines),
            (&self.run_lines, Rows::RunLines),
            (&self.queue, Rows::Queue),
            (&self.queued_lines, Rows::QueuedLines),
            (&self.queued_salaries, Rows::QueuedSalaries),
        ]
    }
}

/// The columns of a row as the chunk's queries select them, whichever driver read it.
trait Columns {
    fn text(&self, i: usize) -> Result<&str, StoreError>;
    fn opt_text(&self, i: usize) -> Result<Option<&str>, StoreError>;
    fn int(&self, i: usize) -> Result<i64, StoreError>;

    /// 13 money columns from column `first` on, in the order of [`AMOUNT_COLUMNS`].
    fn amounts(&self, first: usize) -> Result<Amounts, StoreError> {
        let mut a: Amounts = [0; 13];
        for (i, x) in a.iter_mut().enumerate() {
            *x = self.int(first + i)?;
        }
        Ok(a)
    }
}

impl Columns for rusqlite::Row<'_> {
    fn text(&self, i: usize) -> Result<&str, StoreError> {
        Ok(self.get_ref(i)?.as_str()?)
    }

    fn opt_text(&self, i: usize) -> Result<Option<&str>, StoreError> {
        Ok(self.get_ref(i)?.as_str_or_null()?)
    }

    fn int(&self, i: usize) -> Result<i64, StoreError> {
        Ok(self.get(i)?)
    }
}

impl Columns for sqlx::postgres::PgRow {
    fn text(&self, i: usize) -> Result<&str, StoreError> {
        Ok(self.try_get(i)?)
    }

    fn opt_text(&self, i: usize) -> Result<Option<&str>, StoreError> {
        Ok(self.try_get(i)?)
    }

    fn int(&self, i: usize) -> Result<i64, StoreError> {
        Ok(self.try_get(i)?)
    }
}

/// Assembles a [`Chunk`] from decoded rows, whichever backend read them.
struct ChunkBuilder {
    month: Month,
    run_month: String,
    chunk: Chunk,
    /// The employment found last: rows come grouped by employment, so most look-ups hit it or
    /// the next one.
    finger: usize,
    /// Whether a latest salary read takes effect after the month.
    later_salaries: bool,
}

impl ChunkBuilder {
    fn new(month: Month, hi: String) -> ChunkBuilder {
        ChunkBuilder {
            month,
            run_month: month.to_string(),
            chunk: Chunk {
                employments: Vec::new(),
                run_lines: Vec::new(),
                queue: Vec::new(),
                hi,
            },
            finger: 0,
            later_salaries: false,
        }
    }

    fn employment(
        &mut self,
        sin: String,
        id: String,
        employer: String,
        start: &str,
        participant: &str,
    ) -> Result<(), StoreError> {
        self.chunk.employments.push(EmploymentRow {
            sin,
            id,
            employer,
            start: parse_date("start_date", start)?,
            participant: if participant == "foreign_employee" {
                Participant::ForeignEmployee
            } else {
                Participant::Employee
            },
            // Foreign employees of a Lao labour unit pay as employees (Law 54/NA Art. 13).
            lao_participant: match participant {
                "civil_servant" => lao::Participant::CivilServant,
                "voluntary" => lao::Participant::Voluntary,
                _ => lao::Participant::Employee,
            },
            course: Course::default(),
            salaries: Vec::new(),
            assessed: Vec::new(),
            events: Vec::new(),
            queued: false,
        });
        Ok(())
    }

    /// Called once every employment is in: sorted here, not by the database, whose collation
    /// may not be byte order.
    fn employments_done(&mut self) {
        self.chunk
            .employments
            .sort_by(|a, b| (&a.sin, &a.id).cmp(&(&b.sin, &b.id)));
    }

    fn find(&mut self, sin: &str, id: &str) -> Option<&mut EmploymentRow> {
        let employments = &self.chunk.employments;
        let is = |at: usize| {
            employments
                .get(at)
                .is_some_and(|e| e.id == id && e.sin == sin)
        };
        let at = if is(self.finger) {
            self.finger
        } else if is(self.finger + 1) {
            self.finger + 1
        } else {
            employments
                .binary_search_by(|e| (e.sin.as_str(), e.id.as_str()).cmp(&(sin, id)))
                .ok()?
        };
        self.finger = at;
        Some(&mut self.chunk.employments[at])
    }

    fn event(
        &mut self,
        sin: &str,
        id: &str,
        seq: i64,
        event: &str,
        date: &str,
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        if let Some(e) = self.find(sin, id) {
            let date = parse_date("event_date", date)?;
            e.events
                .push((seq, event.to_string(), date, is_sick_leave(reason)));
        }
        Ok(())
    }

    fn salary(
        &mut self,
        sin: &str,
        id: &str,
        seq: i64,
        month: &str,
        amount: i64,
    ) -> Result<(), StoreError> {
        let run_month = self.month;
        let mut later = false;
        if let Some(e) = self.find(sin, id) {
            let month = parse_month("effective_month", month)?;
            later = month > run_month;
            // The latest record comes again with the history.
            if !e.salaries.iter().any(|s| s.seq == seq) {
                e.salaries.push(SalaryRec { seq, month, amount });
            }
        }
        self.later_salaries |= later;
        Ok(())
    }

    /// A stored line of the run's month.
    #[allow(clippy::too_many_arguments)]
    fn month_line(
        &mut self,
        sin: &str,
        id: &str,
        version: i64,
        salary_seq: i64,
        run_month: &str,
        employer: &str,
        sum: Amounts,
    ) {
        let month = self.month;
        if run_month == self.run_month {
            self.chunk
                .run_lines
                .push((employer.to_string(), month, sum));
        }
        if let Some(e) = self.find(sin, id) {
            e.merge_line(month, version, salary_seq, &sum);
        }
    }

    /// A stored line of another month written by a run of this run month.
    fn run_line(&mut self, employer: String, month: &str, sum: Amounts) -> Result<(), StoreError> {
        self.chunk
            .run_lines
            .push((employer, parse_month("month", month)?, sum));
        Ok(())
    }

    fn queued(&mut self, sin: String, id: String, batch: String) {
        // An employment not yet started by the month stays queued for a later run.
        if let Some(e) = self.find(&sin, &id) {
            e.queued = true;
            self.chunk.queue.push((sin, id, batch));
        }
    }

    /// A stored line of another month of a queued employment.
    fn queued_line(
        &mut self,
        sin: &str,
        id: &str,
        month: &str,
        version: i64,
        salary_seq: i64,
        sum: Amounts,
    ) -> Result<(), StoreError> {
        let month = parse_month("month", month)?;
        if let Some(e) = self.find(sin, id) {
            e.merge_line(month, version, salary_seq, &sum);
        }
        Ok(())
    }

    /// Whether the query of `rows` needs to run (queued lines and salaries only for queued
    /// employments, salary histories only when a latest salary is later than the month).
    fn wants(&self, rows: Rows) -> bool {
        match rows {
            Rows::QueuedLines | Rows::QueuedSalaries => !self.chunk.queue.is_empty(),
            Rows::History => self.later_salaries,
            _ => true,
        }
    }

    /// Adds one row of the query of `rows`, its columns as [`ChunkSql`] selects them.
    fn row(&mut self, rows: Rows, r: &impl Columns) -> Result<(), StoreError> {
        match rows {
            Rows::Employments => self.employment(
                r.text(0)?.to_string(),
                r.text(1)?.to_string(),
                r.text(2)?.to_string(),
                r.text(3)?,
                r.text(4)?,
            ),
            Rows::Events => self.event(
                r.text(0)?,
                r.text(1)?,
                r.int(2)?,
                r.text(3)?,
                r.text(4)?,
                r.opt_text(5)?,
            ),
            Rows::Salaries | Rows::History | Rows::QueuedSalaries => {
                self.salary(r.text(0)?, r.text(1)?, r.int(2)?, r.text(3)?, r.int(4)?)
            }
            Rows::MonthLines => {
                self.month_line(
                    r.text(0)?,
                    r.text(1)?,
                    r.int(2)?,
                    r.int(3)?,
                    r.text(4)?,
                    r.text(5)?,
                    r.amounts(6)?,
                );
                Ok(())
            }
            Rows::RunLines => self.run_line(r.text(0)?.to_string(), r.text(1)?, r.amounts(2)?),
            Rows::Queue => {
                self.queued(
                    r.text(0)?.to_string(),
                    r.text(1)?.to_string(),
                    r.text(2)?.to_string(),
                );
                Ok(())
            }
            Rows::QueuedLines => self.queued_line(
                r.text(0)?,
                r.text(1)?,
                r.text(2)?,
                r.int(3)?,
                r.int(4)?,
                r.amounts(5)?,
            ),
        }
    }

    /// Called when every row of the query of `rows` is in.
    fn done(&mut self, rows: Rows) {
        if rows == Rows::Employments {
            self.employments_done();
        }
    }

    fn finish(mut self) -> Chunk {
        for e in &mut self.chunk.employments {
            e.events.sort_by_key(|(seq, _, _, _)| *seq);
            for (_, event, date, sick) in &e.events {
                let reason = sick.then_some("sickness");
                e.course.apply_with_reason(event, *date, reason);
            }
        }
        self.chunk
    }
}

/// Writes a chunk's new lines to PostgreSQL (COPY) and removes the queue entries it handled,
/// atomically. (SQLite's writer is [`write_sqlite`], on its own thread.)
async fn write_postgres(
    pool: &sqlx::PgPool,
    chunk: &Chunk,
    lines: &[NewLine],
    run: Month,
    at: &str,
) -> Result<(), StoreError> {
    let queue = &chunk.queue;
    if lines.is_empty() && queue.is_empty() {
        return Ok(());
    }
    let run_month = run.to_string();
    let mut texts = Vec::new();
    let rows = lines_to_write(chunk, lines, (run, &run_month), at, &mut texts);
    let mut tx = pool.begin().await?;
    tx.insert_rows("contribution_lines", &line_columns(), &rows)
        .await?;
    for part in queue.chunks(300) {
        let mut q = QueryBuilder::new(
            "DELETE FROM reassessment_queue WHERE (person_sin, employment_id, batch_id) IN (",
        );
        q.push_values(part, |mut b, (sin, id, batch)| {
            b.push_bind(sin).push_bind(id).push_bind(batch);
        });
        q.push(")");
        q.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Where a run writes its chunks: SQLite's writer thread, or PostgreSQL from the run's task.
enum Sink<'p> {
    Thread(Sender<Written>),
    Postgres(&'p sqlx::PgPool),
}

/// What the run hands its writer: a chunk (its employments and the queue entries it handled)
/// and its new lines.
type Written = (Chunk, Vec<NewLine>);

/// Writes chunk after chunk to SQLite with rusqlite, each chunk in one transaction (its lines and
/// the removal of the queue entries it handled).
fn write_sqlite(
    path: &std::path::Path,
    run: Month,
    at: &str,
    mut chunks: tokio::sync::mpsc::Receiver<Written>,
) -> Result<(), StoreError> {
    let mut conn = rusqlite::Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    conn.execute_batch(&format!(
        "PRAGMA synchronous = NORMAL; PRAGMA cache_size = {}",
        crate::SQLITE_CACHE_SIZE
    ))?;
    let columns = line_columns();
    let insert = format!(
        "INSERT INTO contribution_lines ({}) VALUES ({})",
        columns.join(", "),
        (1..=columns.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let run_month = run.to_string();
    let mut texts = Vec::new();
    while let Some((chunk, lines)) = chunks.blocking_recv() {
        if lines.is_empty() && chunk.queue.is_empty() {
            continue;
        }
        let rows = lines_to_write(&chunk, &lines, (run, &run_month), at, &mut texts);
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut stmt = tx.prepare_cached(&insert)?;
            let mut cells = Vec::with_capacity(columns.len());
            for row in &rows {
                cells.clear();
                row.cells(&mut cells);
                for (i, cell) in cells.iter().enumerate() {
                    match *cell {
                        Cell::Text(t) => stmt.raw_bind_parameter(i + 1, t)?,
                        Cell::Int(v) => stmt.raw_bind_parameter(i + 1, v)?,
                        Cell::NullInt | Cell::NullText => {
                            stmt.raw_bind_parameter(i + 1, rusqlite::types::Null)?
                        }
                    }
                }
                stmt.raw_execute()?;
            }
            let mut delete = tx.prepare_cached("DELETE FROM reassessment_queue WHERE person_sin = ?1 AND employment_id = ?2 AND batch_id = ?3")?;
            for (sin, id, batch) in &chunk.queue {
                delete.execute([sin, id, batch])?;
            }
        }
        tx.commit()?;
    }
    Ok(())
}

/// Reads chunk after chunk from SQLite with rusqlite on the calling (blocking) thread, each
/// chunk in one read transaction (one snapshot).
fn read_sqlite(
    path: &std::path::Path,
    month: Month,
    size: i64,
    out: &Sender<Result<Chunk, StoreError>>,
) {
    let run = || -> Result<(), StoreError> {
        let flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = rusqlite::Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.execute_batch(&format!("PRAGMA cache_size = {}", crate::SQLITE_CACHE_SIZE))?;
        let sql = ChunkSql::new();
        let mut v = Values {
            month: month.to_string(),
            lo: String::new(),
            hi: String::new(),
            end: month.last_day().to_string(),
            offset: size - 1,
        };
        let prepare =
            |q: &Query, v: &Values| -> Result<rusqlite::CachedStatement<'_>, StoreError> {
                let mut stmt = conn.prepare_cached(&q.text)?;
                for (k, arg) in q.args.iter().enumerate() {
                    if let Some(i) = stmt.parameter_index(&format!("${}", k + 1))? {
                        stmt.raw_bind_parameter(i, v.sqlite(*arg))?;
                    }
                }
                Ok(stmt)
            };
        loop {
            conn.execute_batch("BEGIN")?;
            let mut hi: Option<String> = match prepare(&sql.bound, &v)?.raw_query().next()? {
                Some(r) => Some(r.get(0)?),
                None => None,
            };
            if hi.is_none() {
                hi = match prepare(&sql.last, &v)?.raw_query().next()? {
                    Some(r) => r.get(0)?,
                    None => None,
                };
            }
            let Some(hi) = hi else {
                conn.execute_batch("COMMIT")?;
                return Ok(());
            };
            v.hi = hi.clone();
            let mut b = ChunkBuilder::new(month, hi);
            for (query, rows) in sql.steps() {
                if !b.wants(rows) {
                    continue;
                }
                let mut stmt = prepare(query, &v)?;
                let mut read = stmt.raw_query();
                while let Some(r) = read.next()? {
                    b.row(rows, r)?;
                }
                b.done(rows);
            }
            conn.execute_batch("COMMIT")?;
            let chunk = b.finish();
            v.lo = chunk.hi.clone();
            if out.blocking_send(Ok(chunk)).is_err() {
                return Ok(());
            }
        }
    };
    if let Err(e) = run() {
        let _ = out.blocking_send(Err(e));
    }
}

impl Store {
    /// Reads chunk after chunk from PostgreSQL, each in one REPEATABLE READ snapshot.
    async fn read_postgres(&self, month: Month, size: i64, out: Sender<Result<Chunk, StoreError>>) {
        let Backend::Postgres(pool) = &self.backend else {
            return;
        };
        let sql = ChunkSql::new();
        let mut v = Values {
            month: month.to_string(),
            lo: String::new(),
            hi: String::new(),
            end: month.last_day().to_string(),
            offset: size - 1,
        };
        loop {
            let next = async {
                let mut tx = pool.begin().await?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    .execute(&mut *tx)
                    .await?;
                let hi = match v.postgres(&sql.bound).fetch_optional(&mut *tx).await? {
                    Some(r) => r.try_get::<String, _>(0)?,
                    None => match v
                        .postgres(&sql.last)
                        .fetch_one(&mut *tx)
                        .await?
                        .try_get::<Option<String>, _>(0)?
                    {
                        Some(hi) => hi,
                        None => return Ok::<Option<Chunk>, StoreError>(None),
                    },
                };
                v.hi = hi.clone();
                let mut b = ChunkBuilder::new(month, hi);
                for (query, rows) in sql.steps() {
                    if !b.wants(rows) {
                        continue;
                    }
                    for r in v.postgres(query).fetch_all(&mut *tx).await? {
                        b.row(rows, &r)?;
                    }
                    b.done(rows);
                }
                tx.rollback().await?;
                Ok(Some(b.finish()))
            }
            .await;
            match next {
                Ok(Some(chunk)) => {
                    v.lo = chunk.hi.clone();
                    if out.send(Ok(chunk)).await.is_err() {
                        return;
                    }
                }
                Ok(None) => return,
                Err(e) => {
                    let _ = out.send(Err(e)).await;
                    return;
                }
            }
        }
    }

    /// Assesses `month` for every employment, and re-checks the earlier months of employments
    /// whose facts changed since (the reassessment queue), writing only what is missing or
    /// different; then rebuilds the employers' dues of the run month.
    ///
    /// Chunks of persons are read on one connection while the previous chunk is written on
    /// another, so reading, computing and writing overlap.
    pub async fn assess_month<'l>(
        &self,
        law: impl Into<RunLaw<'l>>,
        month: Month,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<AssessSummary, StoreError> {
        self.assess_month_in_chunks(law, month, CHUNK, progress)
            .await
    }

    /// [`Store::assess_month`] with `chunk` employments per read and write (at least 1).
    pub async fn assess_month_in_chunks<'l>(
        &self,
        law: impl Into<RunLaw<'l>>,
        month: Month,
        chunk: i64,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<AssessSummary, StoreError> {
        let law = law.into();
        check_run_month(law, month, crate::registry::today())?;
        self.require_law(law.code(), "the monthly assessment")
            .await?;
        let lock = self.lock_run().await?;
        let result = self.run_locked(law, month, chunk, progress).await;
        lock.release().await;
        result
    }

    async fn run_locked(
        &self,
        law: RunLaw<'_>,
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
        let reading = match &self.backend {
            Backend::Sqlite(pool) => {
                let path = pool.connect_options().get_filename().to_path_buf();
                tokio::task::spawn_blocking(move || read_sqlite(&path, month, chunk, &sender))
            }
            Backend::Postgres(_) => {
                let reader = self.clone();
                tokio::spawn(async move { reader.read_postgres(month, chunk, sender).await })
            }
        };
        let employers = on_pool!(self, pool => {
            let mut employers = FxHashMap::default();
            for r in sqlx::query("SELECT unit_code, region, occupational_rate FROM employers").fetch_all(pool).await? {
                let option = if r.try_get::<&str, _>(2)? == "0.3%" { OccupationalOption::Reduced } else { OccupationalOption::Standard };
                employers.insert(r.try_get::<String, _>(0)?, (r.try_get::<i64, _>(1)?, option));
            }
            employers
        });
        let runs = on_pool!(self, pool => {
            let mut runs = Vec::new();
            for r in sqlx::query("SELECT run_month FROM assessment_runs WHERE finished_at IS NOT NULL AND run_month < $1").bind(&run_month).fetch_all(pool).await? {
                runs.push(parse_month("run_month", r.try_get(0)?)?);
            }
            runs
        });
        // Certificates of coverage under the Vietnam–Korea agreement: the months they cover are
        // not charged to the pension-survivor fund (few people; read once per run).
        let certificates = match law {
            RunLaw::Vietnam(_) => self.inbound_certificates().await?,
            RunLaw::Laos(_) => FxHashMap::default(),
        };
        let mut plan = Plan {
            law,
            month,
            employers,
            certificates,
            runs,
            resolved: FxHashMap::default(),
            lao_resolved: FxHashMap::default(),
            dues: FxHashMap::default(),
            summary: AssessSummary {
                month: run_month.clone(),
                ..Default::default()
            },
        };
        // SQLite: a rusqlite connection on its own thread writes while the next chunk is read
        // and computed; PostgreSQL: COPY from this task.
        let (to_writer, writer) = match &self.backend {
            Backend::Sqlite(pool) => {
                let path = pool.connect_options().get_filename().to_path_buf();
                let (to_writer, from_main) = tokio::sync::mpsc::channel::<Written>(2);
                let at = at.clone();
                let writer =
                    tokio::task::spawn_blocking(move || write_sqlite(&path, month, &at, from_main));
                (Sink::Thread(to_writer), Some(writer))
            }
            Backend::Postgres(pool) => (Sink::Postgres(pool), None),
        };
        let mut failed = None;
        while let Some(chunk) = chunks.recv().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            };
            let lines = plan.chunk(&chunk);
            match &to_writer {
                Sink::Thread(to_writer) => {
                    if to_writer.send((chunk, lines)).await.is_err() {
                        break;
                    }
                }
                Sink::Postgres(pool) => {
                    if let Err(e) = write_postgres(pool, &chunk, &lines, month, &at).await {
                        failed = Some(e);
                        break;
                    }
                }
            }
            progress(plan.summary.employments);
        }
        drop(to_writer);
        if let Some(writer) = writer {
            writer
                .await
                .map_err(|e| StoreError::invalid("assessment", format!("writer stopped: {e}")))??;
        }
        if let Some(e) = failed {
            // The reader stops at its next chunk (nobody receives it); the lock is released
            // only once it has.
            drop(chunks);
            let _ = reading.await;
            return Err(e);
        }
        reading
            .await
            .map_err(|e| StoreError::invalid("assessment", format!("reader stopped: {e}")))?;
        let mut summary = plan.summary;
        let mut dues: Vec<DueRow> = plan
            .dues
            .iter()
            .flat_map(|(m, of_month)| {
                of_month.iter().map(|(employer, due)| DueRow {
                    employer,
                    run_month: &run_month,
                    month: m.to_string(),
                    due,
                })
            })
            .collect();
        dues.sort_by(|a, b| (a.employer, &a.month).cmp(&(b.employer, &b.month)));
        summary.employers = dues.iter().filter(|d| d.month == run_month).count() as u64;
        let text = serde_json::to_string(&summary).unwrap_or_default();
        let finished = now();
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM employer_dues WHERE run_month = $1").bind(&run_month).execute(&mut *tx).await?;
            tx.insert_rows("employer_dues", &due_columns(), &dues).await?;
            sqlx::query("UPDATE assessment_runs SET finished_at = $2, summary = $3 WHERE run_month = $1")
                .bind(&run_month).bind(&finished).bind(&text).execute(&mut *tx).await?;
            crate::audit::append!(tx, self, crate::audit::Change {
                action: "assessment.run",
                entity_kind: "month",
                entity_id: run_month.clone(),
                change: serde_json::json!({
                    "employers": summary.employers, "employments": summary.employments,
                    "new_lines": summary.new_lines, "adjustments": summary.adjustments,
                    "unchanged": summary.unchanged, "refused": summary.refused,
                }),
            })?;
            tx.commit().await?;
            Ok::<(), StoreError>(())
        }.await)?;
        Ok(summary)
    }
}

/// The law a run assesses by: the package of the database's jurisdiction.
#[derive(Clone, Copy)]
pub enum RunLaw<'a> {
    Vietnam(&'a Params),
    Laos(&'a LaoParams),
}

impl RunLaw<'_> {
    /// The jurisdiction whose law this is (`VN`, `LA`).
    pub fn code(&self) -> &'static str {
        match self {
            RunLaw::Vietnam(_) => ansinh_rules::jurisdiction::VIETNAM.code,
            RunLaw::Laos(_) => ansinh_la::LAOS.code,
        }
    }
}

impl<'a> From<&'a Params> for RunLaw<'a> {
    fn from(p: &'a Params) -> RunLaw<'a> {
        RunLaw::Vietnam(p)
    }
}

impl<'a> From<&'a LaoParams> for RunLaw<'a> {
    fn from(p: &'a LaoParams) -> RunLaw<'a> {
        RunLaw::Laos(p)
    }
}

/// A month can be run once it has begun (dues arise from the month worked, L41 Art. 34.1:
/// a run of a later month would bill every employer for work not yet done) and if the law of
/// the month is encoded (the parameters of an earlier month are never guessed).
fn check_run_month(law: RunLaw<'_>, month: Month, today: Date) -> Result<(), StoreError> {
    let current = Month::of(today);
    if month > current {
        return Err(StoreError::invalid(
            "month",
            format!(
                "{month} has not begun (this is {current}): a month is assessed once it has begun"
            ),
        ));
    }
    let refused = match law {
        RunLaw::Vietnam(params) => {
            contribution::resolve(params, month, Participant::Employee, 1, Options::default())
                .err()
                .map(|e| e.to_string())
        }
        RunLaw::Laos(params) => lao::resolve(params, month, lao::Participant::Employee)
            .err()
            .map(|e| e.to_string()),
    };
    match refused {
        Some(e) => Err(StoreError::invalid(
            "month",
            format!("{month} cannot be assessed: {e}"),
        )),
        None => Ok(()),
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
    law: RunLaw<'p>,
    month: Month,
    /// Region and occupational-accident option of every employer, read once per run.
    employers: FxHashMap<String, (i64, OccupationalOption)>,
    /// Months of earlier finished runs.
    runs: Vec<Month>,
    /// Inbound certificates of coverage per person (Vietnam–Korea agreement).
    certificates: FxHashMap<String, Vec<ansinh_rules::agreement::Certificate>>,
    /// Parameters resolved once per (month, participant kind, region, occupational option,
    /// pension-survivor exemption).
    resolved: FxHashMap<(Month, Participant, i64, OccupationalOption, bool), Option<Resolved>>,
    /// Lao parameters resolved once per (month, participant kind).
    lao_resolved: FxHashMap<(Month, lao::Participant), Option<lao::Resolved>>,
    /// Per contribution month and employer: what runs of this run month wrote (by month
    /// first, so that a look-up borrows the employer's code instead of copying it).
    dues: FxHashMap<Month, FxHashMap<String, Due>>,
    summary: AssessSummary,
}

impl Plan<'_> {
    /// The dues of `employer` for month `m`.
    fn due(&mut self, employer: &str, m: Month) -> &mut Due {
        let of_month = self.dues.entry(m).or_default();
        if !of_month.contains_key(employer) {
            of_month.insert(employer.to_string(), Due::default());
        }
        of_month.get_mut(employer).expect("inserted above")
    }

    fn chunk(&mut self, chunk: &Chunk) -> Vec<NewLine> {
        let month = self.month;
        for (employer, m, sum) in &chunk.run_lines {
            add(&mut self.due(employer, *m).sum, sum);
        }
        let mut lines = Vec::new();
        for (at, row) in chunk.employments.iter().enumerate() {
            let mut months: Vec<Month> = Vec::new();
            if row.queued {
                // Its months already assessed, and the months of earlier runs since it began:
                // a hire declared late is collected back (truy thu) for the months it missed.
                months.extend(row.assessed.iter().map(|(m, _)| *m));
                let began = Month::of(row.start);
                months.extend(self.runs.iter().copied().filter(|m| *m >= began));
                months.retain(|m| *m != month);
            }
            if row.course.end.is_none_or(|e| e >= month.first_day()) {
                self.summary.employments += 1;
                months.push(month);
            }
            months.sort();
            months.dedup();
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
                                &row.course.unpaid_suspensions(m, row.start),
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
                        self.due(&row.employer, m).headcount += 1;
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
                add(&mut self.due(&row.employer, m).sum, &diff);
                lines.push(NewLine {
                    row: at,
                    month: m,
                    version,
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
        let outcome = match self.law {
            RunLaw::Vietnam(params) => {
                let participant = row.participant;
                let (region, option) = self
                    .employers
                    .get(&row.employer)
                    .copied()
                    .unwrap_or((1, OccupationalOption::Standard));
                let exempt = participant == Participant::ForeignEmployee
                    && self.certificates.get(&row.sin).is_some_and(|certs| {
                        params.agreement_kr.at(m.first_day()).is_ok_and(|p| {
                            ansinh_rules::agreement::covering(&p.value, certs, m).is_some()
                        })
                    });
                let resolved = self
                    .resolved
                    .entry((m, participant, region, option, exempt))
                    .or_insert_with(|| {
                        let options = Options {
                            occupational: Some(option),
                            pension_survivor_exempt: exempt,
                            ..Options::default()
                        };
                        let region = u8::try_from(region).unwrap_or(1);
                        contribution::resolve(params, m, participant, region, options).ok()
                    });
                match resolved.as_ref() {
                    Some(r) => contribution::assess(r, Dong(salary.amount))
                        .map(|a| amounts_of(&a))
                        .map_err(|e| e.to_string()),
                    None => Err("no parameters for this month".to_string()),
                }
            }
            RunLaw::Laos(params) => {
                let kind = row.lao_participant;
                let resolved = self
                    .lao_resolved
                    .entry((m, kind))
                    .or_insert_with(|| lao::resolve(params, m, kind).ok());
                match resolved.as_ref() {
                    Some(r) => lao::assess(r, ansinh_core::Kip(salary.amount))
                        .map(|a| crate::assessment::amounts_of_lao(&a))
                        .map_err(|e| e.to_string()),
                    None => Err("no Lao parameters for this month".to_string()),
                }
            }
        };
        match outcome {
            Ok(a) => Some((a, salary)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_of_a_month_begun_that_the_law_covers() {
        let p = Params::embedded().unwrap();
        let today: Date = "2026-12-02".parse().unwrap();
        let m = |s: &str| s.parse::<Month>().unwrap();
        assert!(check_run_month((&p).into(), m("2026-12"), today).is_ok());
        assert!(check_run_month((&p).into(), m("2026-03"), today).is_ok());
        let later = check_run_month((&p).into(), m("2030-01"), today).unwrap_err();
        assert!(later.to_string().contains("has not begun"), "{later}");
        let before_the_law = check_run_month((&p).into(), m("1990-01"), today).unwrap_err();
        assert!(
            matches!(before_the_law, StoreError::Invalid { ref field, .. } if field == "month")
        );
        // Under Lao law: a month before the first Lao parameter is refused, never guessed.
        let lao = LaoParams::embedded().unwrap();
        assert!(check_run_month((&lao).into(), m("2026-03"), today).is_ok());
        let before = check_run_month((&lao).into(), m("2001-01"), today).unwrap_err();
        assert!(matches!(before, StoreError::Invalid { ref field, .. } if field == "month"));
    }
}
