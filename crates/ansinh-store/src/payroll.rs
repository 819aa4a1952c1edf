//! Benefit payments: the one-off payments of approved decisions, the monthly entitlements
//! (lương hưu, trợ cấp hằng tháng) and their suspension, termination and resumption (L41 Art.
//! 75), the monthly payroll (chi trả hằng tháng) with its payment file per channel and its
//! totals per component fund, and the receivables of overpayments.
//!
//! A payment row is keyed by its source (the entitlement or the claim), the month it pays for
//! and its part: a month is paid once, whatever happens to the run. The payroll reads the active
//! entitlements chunk by chunk; each chunk's rows and the advance of its entitlements' first
//! unpaid month (`due_from`) commit together, so a run killed mid-way and run again pays the
//! rest and nothing twice, and a second run of a finished month writes nothing.

use crate::audit::{Change, append};
use crate::bulk::{BulkInsert, BulkRow, Cell};
use crate::{Store, StoreError, now, on_pool, parse_date};
use ansinh_core::{Date, Dong, Month};
use ansinh_rules::Params;
use ansinh_rules::indexation::{self, IndexationFacts};
use ansinh_rules::suspension::{self, Action};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Entitlements read and paid per transaction.
const CHUNK: i64 = 20_000;

/// Writes what an approved decision pays: its one-off amount as a payment of the month of
/// approval, its monthly amount as an entitlement from its first month (L41 Art. 71, 74).
macro_rules! book_approved {
    ($tx:expr, $claim:expr, $decision:expr, $on:expr, $at:expr) => {{
        let claim: &$crate::benefit_claim::Claim = $claim;
        let decision: &$crate::benefit_claim::Decision = $decision;
        let on: ansinh_core::Date = $on;
        let month = ansinh_core::Month::of(on).to_string();
        let channel = claim.payment.channel.trim().to_string();
        if decision.one_off > 0 {
            sqlx::query("INSERT INTO benefit_payments (source_id, month, part, person_sin, kind, fund, channel, amount, payroll_month, created_at) VALUES ($1, $2, 'one_off', $3, $4, $5, $6, $7, $2, $8) ON CONFLICT (source_id, month, part) DO NOTHING")
                .bind(&claim.claim_id).bind(&month).bind(&claim.person_sin).bind(&claim.kind)
                .bind(&claim.fund).bind(&channel).bind(decision.one_off).bind($at)
                .execute(&mut *$tx).await?;
        }
        if decision.monthly > 0 {
            let first = decision.first_month.clone().unwrap_or_else(|| month.clone());
            let p = &claim.payment;
            sqlx::query("INSERT INTO entitlements (entitlement_id, claim_id, person_sin, kind, fund, monthly_amount, amount_as_of, first_month, due_from, first_paid, before_1995, state, stopped_month, reason, channel, bank, account, collector, authorised_from, authorised_to, office, created_at, updated_at) VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $7, $8, 0, 'active', NULL, NULL, $9, $10, $11, $12, $13, $14, $15, $16, $16) ON CONFLICT (entitlement_id) DO NOTHING")
                .bind(&claim.claim_id).bind(&claim.person_sin).bind(&claim.kind).bind(&claim.fund)
                .bind(decision.monthly).bind(&decision.decided_on).bind(&first)
                .bind(format!("{first}-01")).bind(&channel).bind(&p.bank).bind(&p.account)
                .bind(&p.collector).bind(&p.authorised_from).bind(&p.authorised_to)
                .bind(&claim.office).bind($at)
                .execute(&mut *$tx).await?;
        }
        Ok::<(), sqlx::Error>(())
    }};
}
pub(crate) use book_approved;

/// A monthly entitlement.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Entitlement {
    pub entitlement_id: String,
    pub claim_id: Option<String>,
    pub person_sin: String,
    pub kind: String,
    pub fund: String,
    /// The monthly amount as decided (or as last indexed), on `amount_as_of`.
    pub monthly_amount: i64,
    pub amount_as_of: String,
    pub first_month: String,
    /// The first day paid, for a decree's rate by when a pension began.
    pub first_paid: Option<String>,
    /// A beneficiary since before 1995 (the decrees' top-ups).
    pub before_1995: bool,
    /// The first month not paid yet.
    pub due_from: String,
    /// `active`, `suspended` or `terminated`.
    pub state: String,
    pub stopped_month: Option<String>,
    pub reason: Option<String>,
    pub channel: String,
    pub office: String,
}

const ENTITLEMENT_COLUMNS: &str = "entitlement_id, claim_id, person_sin, kind, fund, monthly_amount, amount_as_of, first_month, first_paid, before_1995, due_from, state, stopped_month, reason, channel, office";

fn entitlement_from<R: Row>(r: &R) -> Result<Entitlement, sqlx::Error>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    Ok(Entitlement {
        entitlement_id: r.try_get("entitlement_id")?,
        claim_id: r.try_get("claim_id")?,
        person_sin: r.try_get("person_sin")?,
        kind: r.try_get("kind")?,
        fund: r.try_get("fund")?,
        monthly_amount: r.try_get("monthly_amount")?,
        amount_as_of: r.try_get("amount_as_of")?,
        first_month: r.try_get("first_month")?,
        first_paid: r.try_get("first_paid")?,
        before_1995: r.try_get::<i64, _>("before_1995")? != 0,
        due_from: r.try_get("due_from")?,
        state: r.try_get("state")?,
        stopped_month: r.try_get("stopped_month")?,
        reason: r.try_get("reason")?,
        channel: r.try_get("channel")?,
        office: r.try_get("office")?,
    })
}

/// One payment made.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Payment {
    pub source_id: String,
    pub month: String,
    /// `monthly` or `one_off`.
    pub part: String,
    pub kind: String,
    pub fund: String,
    pub channel: String,
    pub amount: i64,
    /// The payroll month it was paid in (later than `month` for arrears).
    pub payroll_month: String,
}

/// An overpayment to recover (L41 Art. 11.2.b).
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Receivable {
    pub source_id: String,
    pub month: String,
    pub amount: i64,
    pub reason: String,
    pub recovered: i64,
}

/// What a payroll run paid.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct PayrollReport {
    pub month: String,
    /// Sources paid in the month (entitlements and one-off decisions).
    pub recipients: i64,
    /// Everything paid in the month (đồng).
    pub total: i64,
    /// Payment rows this run wrote (0 when the month was already paid).
    pub written: i64,
    /// Per component fund: what was paid (đồng).
    pub funds: BTreeMap<String, i64>,
    /// Per channel: recipients and amount.
    pub channels: BTreeMap<String, ChannelTotal>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct ChannelTotal {
    pub recipients: i64,
    pub amount: i64,
}

/// A suspension, termination or resumption asked for.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntitlementChange {
    /// `suspend`, `terminate` or `resume`.
    pub action: String,
    /// A reason of `rules/vn/benefit_suspension.toml` (not for `resume`).
    #[serde(default)]
    pub reason: Option<String>,
    /// The day of the event (the exit, the death, the request to resume).
    pub on: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// What a change did.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ChangeOutcome {
    pub entitlement: Entitlement,
    /// Months the next payroll pays as arrears on a resumption.
    pub arrears_months: Vec<String>,
    /// Paid for months after a death or under an unlawful entitlement: now receivable.
    pub receivable: i64,
    /// Due up to the month of death and not paid: the relatives' (L41 Art. 75.5).
    pub due_to_relatives: i64,
}

/// A person's benefits as the record holds them.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct PersonBenefits {
    pub person_sin: String,
    pub claims: Vec<crate::benefit_claim::Claim>,
    pub decisions: Vec<crate::benefit_claim::Decision>,
    pub entitlements: Vec<Entitlement>,
    pub payments: Vec<Payment>,
    pub receivables: Vec<Receivable>,
}

struct PaymentRow {
    source_id: String,
    month: String,
    person_sin: String,
    kind: String,
    fund: String,
    channel: String,
    amount: i64,
    payroll_month: String,
    created_at: String,
}

impl BulkRow for PaymentRow {
    fn cells<'a>(&'a self, out: &mut Vec<Cell<'a>>) {
        out.extend([
            Cell::Text(&self.source_id),
            Cell::Text(&self.month),
            Cell::Text("monthly"),
            Cell::Text(&self.person_sin),
            Cell::Text(&self.kind),
            Cell::Text(&self.fund),
            Cell::Text(&self.channel),
            Cell::Int(self.amount),
            Cell::Text(&self.payroll_month),
            Cell::Text(&self.created_at),
        ]);
    }
}

const PAYMENT_COLUMNS: [&str; 10] = [
    "source_id",
    "month",
    "part",
    "person_sin",
    "kind",
    "fund",
    "channel",
    "amount",
    "payroll_month",
    "created_at",
];

/// The amount of a month of an entitlement: the decided amount brought to the month's first day
/// by every indexation decree in force since (L41 Art. 67).
pub fn monthly_amount(
    params: &Params,
    amount: i64,
    as_of: Date,
    first_paid: Option<Date>,
    before_1995: bool,
    month: Month,
) -> Result<Dong, StoreError> {
    let on = month.first_day().max(as_of);
    indexation::in_payment(
        params,
        &IndexationFacts {
            monthly_pension: Dong(amount),
            as_of,
            on,
            first_paid,
            before_1995,
        },
    )
    .map_err(|e| StoreError::invalid("month", e))
}

fn parse_month(field: &str, s: &str) -> Result<Month, StoreError> {
    s.trim()
        .parse()
        .map_err(|_| StoreError::invalid(field, format!("`{s}` is not a month YYYY-MM")))
}

/// The payments of one entitlement for every month from its first unpaid one through `month`.
fn payments_of(
    params: &Params,
    d: &Due,
    month: Month,
    month_text: &str,
    at: &str,
    out: &mut Vec<PaymentRow>,
) -> Result<(), StoreError> {
    let mut m = parse_month("due_from", &d.due_from)?;
    while m <= month {
        out.push(PaymentRow {
            source_id: d.id.clone(),
            month: m.to_string(),
            person_sin: d.sin.clone(),
            kind: d.kind.clone(),
            fund: d.fund.clone(),
            channel: d.channel.clone(),
            amount: d.amount_in(params, m)?.get(),
            payroll_month: month_text.to_string(),
            created_at: at.to_string(),
        });
        m = m.plus(1);
    }
    Ok(())
}

const DUE_SQL: &str = "SELECT entitlement_id, person_sin, kind, fund, monthly_amount, amount_as_of, due_from, first_paid, before_1995, channel FROM entitlements WHERE entitlement_id > $1 AND state = 'active' AND due_from <= $2 ORDER BY entitlement_id LIMIT $3";
const ADVANCE_SQL: &str = "UPDATE entitlements SET due_from = $1 WHERE entitlement_id > $2 AND entitlement_id <= $3 AND state = 'active' AND due_from <= $4";

/// The payroll's chunks on a SQLite file with rusqlite on a blocking thread: the same reads,
/// rows and transactions as through sqlx, without its per-value cost (a third of the run's
/// time over 3.4 million recipients; docs/ARCHITECTURE.md).
fn payroll_sqlite(
    path: &std::path::Path,
    params: &Params,
    month: Month,
    at: &str,
) -> Result<i64, StoreError> {
    let mut conn = rusqlite::Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    conn.execute_batch(&format!(
        "PRAGMA synchronous = NORMAL; PRAGMA cache_size = {}",
        crate::SQLITE_CACHE_SIZE
    ))?;
    let month_text = month.to_string();
    let next = month.plus(1).to_string();
    let insert = format!(
        "INSERT INTO benefit_payments ({}) VALUES (?1, ?2, 'monthly', ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        PAYMENT_COLUMNS.join(", ")
    );
    let mut after = String::new();
    let mut written = 0i64;
    let mut payments: Vec<PaymentRow> = Vec::new();
    loop {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let dues: Vec<Due> = {
            let mut stmt = tx.prepare_cached(DUE_SQL)?;
            let rows = stmt.query_map(rusqlite::params![after, month_text, CHUNK], |r| {
                Ok(Due {
                    id: r.get(0)?,
                    sin: r.get(1)?,
                    kind: r.get(2)?,
                    fund: r.get(3)?,
                    amount: r.get(4)?,
                    as_of: r.get(5)?,
                    due_from: r.get(6)?,
                    first_paid: r.get(7)?,
                    before_1995: r.get::<_, i64>(8)? != 0,
                    channel: r.get(9)?,
                })
            })?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        let Some(last) = dues.last().map(|d| d.id.clone()) else {
            break;
        };
        payments.clear();
        for d in &dues {
            payments_of(params, d, month, &month_text, at, &mut payments)?;
        }
        {
            let mut stmt = tx.prepare_cached(&insert)?;
            for p in &payments {
                stmt.execute(rusqlite::params![
                    p.source_id,
                    p.month,
                    p.person_sin,
                    p.kind,
                    p.fund,
                    p.channel,
                    p.amount,
                    p.payroll_month,
                    p.created_at
                ])?;
            }
            tx.prepare_cached(ADVANCE_SQL)?
                .execute(rusqlite::params![next, after, last, month_text])?;
        }
        tx.commit()?;
        written = written.saturating_add(payments.len() as i64);
        after = last;
    }
    Ok(written)
}

impl Due {
    /// The amount of `month`: the decided amount brought to it by the decrees since (the one
    /// computation of a month's amount, for the payroll and for what a death leaves unpaid).
    fn amount_in(&self, params: &Params, month: Month) -> Result<Dong, StoreError> {
        let as_of = parse_date("amount_as_of", &self.as_of)?;
        let first_paid = self.first_paid.as_deref().and_then(|s| s.parse().ok());
        monthly_amount(
            params,
            self.amount,
            as_of,
            first_paid,
            self.before_1995,
            month,
        )
    }

    /// The payroll's view of an entitlement.
    fn of(e: &Entitlement) -> Due {
        Due {
            id: e.entitlement_id.clone(),
            sin: e.person_sin.clone(),
            kind: e.kind.clone(),
            fund: e.fund.clone(),
            amount: e.monthly_amount,
            as_of: e.amount_as_of.clone(),
            due_from: e.due_from.clone(),
            first_paid: e.first_paid.clone(),
            before_1995: e.before_1995,
            channel: e.channel.clone(),
        }
    }
}

/// One entitlement as the payroll reads it.
struct Due {
    id: String,
    sin: String,
    kind: String,
    fund: String,
    amount: i64,
    as_of: String,
    due_from: String,
    first_paid: Option<String>,
    before_1995: bool,
    channel: String,
}

impl Store {
    /// Pays `month`: every active entitlement whose first unpaid month is at or before it is
    /// paid each month from that one through `month` (arrears after a resumption or a late
    /// decision included), at its amount indexed to the month. Idempotent and resumable (see the
    /// module). The report's totals are read from what is stored for the month.
    pub async fn run_payroll(
        &self,
        params: &Params,
        month: Month,
    ) -> Result<PayrollReport, StoreError> {
        let today = self.today();
        if month > Month::of(today).plus(1) {
            return Err(StoreError::invalid(
                "month",
                format!(
                    "{month} is more than a month ahead of today ({today}): a payroll pays what is due"
                ),
            ));
        }
        let month_text = month.to_string();
        let at = now();
        on_pool!(self, pool => sqlx::query("INSERT INTO payroll_runs (month, recipients, total, started_at, finished_at) VALUES ($1, 0, 0, $2, NULL) ON CONFLICT (month) DO NOTHING")
            .bind(&month_text).bind(&at).execute(pool).await.map(|_| ()))?;
        let sqlite_file = match &self.backend {
            crate::Backend::Sqlite(pool) => {
                let path = pool.connect_options().get_filename().to_path_buf();
                (!path.as_os_str().is_empty() && !path.to_string_lossy().contains(":memory:"))
                    .then_some(path)
            }
            crate::Backend::Postgres(_) => None,
        };
        let written = match sqlite_file {
            Some(path) => {
                let params = params.clone();
                let stamp = at.clone();
                tokio::task::spawn_blocking(move || payroll_sqlite(&path, &params, month, &stamp))
                    .await
                    .map_err(|e| StoreError::invalid("month", format!("the payroll stopped: {e}")))?
                    .map_err(|e| e.unique_as("month", "another payroll run paid these entitlements at the same time: run again, it pays only what is left"))?
            }
            None => self.payroll_chunks(params, month, &at).await?,
        };
        let report = self.payroll_totals(&month_text, written).await?;
        let finished = now();
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE payroll_runs SET recipients = $1, total = $2, finished_at = $3 WHERE month = $4")
                .bind(report.recipients).bind(report.total).bind(&finished).bind(&month_text)
                .execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "payroll.run",
                entity_kind: "payroll",
                entity_id: month_text.clone(),
                change: json!({"recipients": report.recipients, "total": report.total, "written": written}),
            })?;
            tx.commit().await
        }.await)?;
        Ok(report)
    }

    /// The payroll's chunks through sqlx (PostgreSQL, where the rows go by COPY; an in-memory
    /// SQLite database).
    async fn payroll_chunks(
        &self,
        params: &Params,
        month: Month,
        at: &str,
    ) -> Result<i64, StoreError> {
        let month_text = month.to_string();
        let mut written: i64 = 0;
        let mut after = String::new();
        loop {
            let rows: Vec<Due> = on_pool!(self, pool => {
                let rows = sqlx::query(DUE_SQL)
                    .bind(&after).bind(&month_text).bind(CHUNK).fetch_all(pool).await?;
                rows.iter().map(|r| Ok(Due {
                    id: r.try_get("entitlement_id")?,
                    sin: r.try_get("person_sin")?,
                    kind: r.try_get("kind")?,
                    fund: r.try_get("fund")?,
                    amount: r.try_get("monthly_amount")?,
                    as_of: r.try_get("amount_as_of")?,
                    due_from: r.try_get("due_from")?,
                    first_paid: r.try_get("first_paid")?,
                    before_1995: r.try_get::<i64, _>("before_1995")? != 0,
                    channel: r.try_get("channel")?,
                })).collect::<Result<Vec<_>, sqlx::Error>>()?
            });
            let Some(last) = rows.last().map(|r| r.id.clone()) else {
                break;
            };
            let mut payments: Vec<PaymentRow> = Vec::with_capacity(rows.len());
            for d in &rows {
                payments_of(params, d, month, &month_text, at, &mut payments)?;
            }
            let next = month.plus(1).to_string();
            let n = on_pool!(self, pool => async {
                let mut tx = pool.begin().await?;
                let n = tx.insert_rows("benefit_payments", &PAYMENT_COLUMNS, &payments).await?;
                sqlx::query(ADVANCE_SQL)
                    .bind(&next).bind(&after).bind(&last).bind(&month_text)
                    .execute(&mut *tx).await?;
                tx.commit().await?;
                Ok::<u64, StoreError>(n)
            }.await)
            .map_err(|e| e.unique_as("month", "another payroll run paid these entitlements at the same time: run again, it pays only what is left"))?;
            written = written.saturating_add(n as i64);
            after = last;
        }
        Ok(written)
    }

    /// The totals of what is stored as paid in a payroll month.
    pub async fn payroll_totals(
        &self,
        month: &str,
        written: i64,
    ) -> Result<PayrollReport, StoreError> {
        let groups: Vec<(String, String, i64, i64)> = on_pool!(self, pool => {
            let rows = sqlx::query("SELECT fund, channel, COUNT(DISTINCT source_id) AS n, CAST(SUM(amount) AS BIGINT) AS total FROM benefit_payments WHERE payroll_month = $1 GROUP BY fund, channel ORDER BY fund, channel")
                .bind(month).fetch_all(pool).await?;
            rows.iter().map(|r| Ok((r.try_get("fund")?, r.try_get("channel")?, r.try_get("n")?, r.try_get::<Option<i64>, _>("total")?.unwrap_or(0)))).collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        let mut funds: BTreeMap<String, i64> = BTreeMap::new();
        let mut channels: BTreeMap<String, ChannelTotal> = BTreeMap::new();
        let mut total: i64 = 0;
        // A source (an entitlement, a claim's one-off amount) has one fund and one channel: the
        // month's recipients are the sum of the groups' distinct sources.
        let mut recipients: i64 = 0;
        for (fund, channel, n, amount) in groups {
            recipients += n;
            let f = funds.entry(fund).or_default();
            *f = f
                .checked_add(amount)
                .ok_or_else(|| StoreError::invalid("total", "overflows"))?;
            let c = channels.entry(channel).or_default();
            c.recipients += n;
            c.amount = c
                .amount
                .checked_add(amount)
                .ok_or_else(|| StoreError::invalid("total", "overflows"))?;
            total = total
                .checked_add(amount)
                .ok_or_else(|| StoreError::invalid("total", "overflows"))?;
        }
        Ok(PayrollReport {
            month: month.to_string(),
            recipients,
            total,
            written,
            funds,
            channels,
        })
    }

    /// The payment file of a payroll month for one channel, as CSV: one line per payment, with
    /// the beneficiary, the bank account or the collector, the month paid for and the amount.
    pub async fn payroll_file(
        &self,
        month: &str,
        channel: &str,
        out: &mut (dyn std::io::Write + Send),
    ) -> Result<i64, StoreError> {
        let month = parse_month("month", month)?.to_string();
        let mut w = csv::Writer::from_writer(out);
        let io = |e: csv::Error| StoreError::invalid("file", e);
        w.write_record([
            "source_id",
            "person_sin",
            "name",
            "kind",
            "fund",
            "month",
            "amount",
            "bank",
            "account",
            "collector",
            "authorised_to",
            "note",
        ])
        .map_err(io)?;
        let mut after = (String::new(), String::new());
        let mut n = 0i64;
        loop {
            let rows: Vec<[String; 11]> = on_pool!(self, pool => {
                let rows = sqlx::query("SELECT p.source_id, p.month, p.person_sin, COALESCE(s.name, '') AS name, p.kind, p.fund, p.amount, COALESCE(e.bank, '') AS bank, COALESCE(e.account, '') AS account, COALESCE(e.collector, '') AS collector, COALESCE(e.authorised_to, '') AS authorised_to FROM benefit_payments p LEFT JOIN persons s ON s.sin = p.person_sin LEFT JOIN entitlements e ON e.entitlement_id = p.source_id WHERE p.payroll_month = $1 AND p.channel = $2 AND (p.source_id > $3 OR (p.source_id = $3 AND p.month > $4)) ORDER BY p.source_id, p.month LIMIT 50000")
                    .bind(&month).bind(channel.trim()).bind(&after.0).bind(&after.1).fetch_all(pool).await?;
                rows.iter().map(|r| Ok([
                    r.try_get("source_id")?, r.try_get("person_sin")?, r.try_get("name")?, r.try_get("kind")?,
                    r.try_get("fund")?, r.try_get("month")?, r.try_get::<i64, _>("amount")?.to_string(),
                    r.try_get("bank")?, r.try_get("account")?, r.try_get("collector")?, r.try_get("authorised_to")?,
                ])).collect::<Result<Vec<_>, sqlx::Error>>()?
            });
            let Some(last) = rows.last() else { break };
            after = (last[0].clone(), last[5].clone());
            // An authorisation that ended before the payroll month no longer lets the collector
            // receive (L41 Art. 10.2.d): the beneficiary is paid in person.
            let first_day = format!("{month}-01");
            for r in &rows {
                let mut record: Vec<&str> = r.iter().map(String::as_str).collect();
                let lapsed =
                    !r[9].is_empty() && !r[10].is_empty() && r[10].as_str() < first_day.as_str();
                let note = if lapsed {
                    record[9] = "";
                    format!(
                        "authorisation ended {}: pay the beneficiary in person",
                        r[10]
                    )
                } else {
                    String::new()
                };
                record.push(&note);
                w.write_record(&record).map_err(io)?;
                n += 1;
            }
        }
        w.flush().map_err(|e| StoreError::invalid("file", e))?;
        Ok(n)
    }

    /// One entitlement, or not found.
    pub async fn entitlement(&self, id: &str) -> Result<Entitlement, StoreError> {
        let sql =
            format!("SELECT {ENTITLEMENT_COLUMNS} FROM entitlements WHERE entitlement_id = $1");
        let row = on_pool!(self, pool => match sqlx::query(&sql).bind(id.trim()).fetch_optional(pool).await? {
            Some(r) => Some(entitlement_from(&r)?),
            None => None,
        });
        row.ok_or_else(|| StoreError::NotFound {
            what: format!("entitlement {}", id.trim()),
        })
    }

    /// Suspends, terminates or resumes a monthly entitlement for a reason of L41 Art. 75. A
    /// termination on death makes what was paid for months after the month of death receivable
    /// (Art. 11.2.b); a resumption pays the months withheld as arrears when the reason allows
    /// (Art. 75.3), through the next payroll.
    pub async fn change_entitlement(
        &self,
        params: &Params,
        id: &str,
        c: &EntitlementChange,
    ) -> Result<ChangeOutcome, StoreError> {
        let e = self.entitlement(id).await?;
        let on = parse_date("on", &c.on)?;
        let on_month = Month::of(on);
        let due_from = parse_month("due_from", &e.due_from)?;
        let note = c
            .note
            .as_deref()
            .unwrap_or("")
            .trim()
            .chars()
            .take(500)
            .collect::<String>();
        let mut arrears_months = Vec::new();
        let mut receivable: Vec<(String, i64)> = Vec::new();
        let mut due_to_relatives: i64 = 0;
        let (state, stopped, reason, new_due_from, event) = match c.action.trim() {
            "suspend" | "terminate" => {
                let name = c.reason.as_deref().map(str::trim).unwrap_or("");
                let rule = suspension::reason(params, name, on).map_err(|e| {
                    StoreError::invalid("reason", e.to_string().trim_start_matches("reason: "))
                })?;
                let wanted = if c.action.trim() == "suspend" {
                    Action::Suspend
                } else {
                    Action::Terminate
                };
                if rule.action != wanted {
                    return Err(StoreError::invalid(
                        "action",
                        format!(
                            "`{name}` {} a benefit ({}), it does not {}",
                            if rule.action == Action::Suspend {
                                "suspends"
                            } else {
                                "terminates"
                            },
                            rule.citation,
                            c.action.trim()
                        ),
                    ));
                }
                if e.state == "terminated" {
                    return Err(StoreError::Conflict {
                        field: "entitlement_id".into(),
                        reason: "the entitlement is terminated".into(),
                    });
                }
                if e.state == "suspended" && wanted == Action::Suspend {
                    return Err(StoreError::Conflict {
                        field: "entitlement_id".into(),
                        reason: format!(
                            "the entitlement is already suspended ({})",
                            e.reason.clone().unwrap_or_default()
                        ),
                    });
                }
                let paid = self.entitlement_payments(&e.entitlement_id).await?;
                if name == "death" {
                    // Due through the month of death (L41 Art. 75.5); anything paid after it is owed back.
                    for p in paid
                        .iter()
                        .filter(|p| p.month.as_str() > on_month.to_string().as_str())
                    {
                        receivable.push((p.month.clone(), p.amount));
                    }
                    // The amounts the payroll would have paid for those months.
                    let due = Due::of(&e);
                    let mut m = due_from;
                    while m <= on_month {
                        due_to_relatives =
                            due_to_relatives.saturating_add(due.amount_in(params, m)?.get());
                        m = m.plus(1);
                    }
                } else if rule.recover_paid {
                    for p in &paid {
                        receivable.push((p.month.clone(), p.amount));
                    }
                }
                // The first month not paid: the event's month, or a later one already paid.
                let stopped = if name == "death" {
                    on_month.plus(1)
                } else {
                    due_from.max(on_month)
                };
                let state = if wanted == Action::Suspend {
                    "suspended"
                } else {
                    "terminated"
                };
                (
                    state,
                    Some(stopped.to_string()),
                    Some(name.to_string()),
                    e.due_from.clone(),
                    c.action.trim().to_string(),
                )
            }
            "resume" => {
                let Some(reason) = e.reason.clone().filter(|_| e.state != "active") else {
                    return Err(StoreError::invalid(
                        "action",
                        "a resumption follows a suspension or a termination: this entitlement is active",
                    ));
                };
                let rule = suspension::reason(params, &reason, on)
                    .map_err(|e| StoreError::invalid("reason", e))?;
                if e.state == "terminated"
                    && !matches!(reason.as_str(), "death" | "written_refusal")
                {
                    return Err(StoreError::invalid(
                        "action",
                        format!(
                            "an entitlement terminated for `{reason}` does not resume ({})",
                            rule.citation
                        ),
                    ));
                }
                let stopped = parse_month(
                    "stopped_month",
                    e.stopped_month.as_deref().unwrap_or(&e.due_from),
                )?;
                let resumed = on_month.max(stopped);
                let months = suspension::arrears_months(rule, stopped, resumed);
                arrears_months = months.iter().map(Month::to_string).collect();
                // With arrears the payroll pays from the month the payments stopped; without,
                // from the month of the request (Art. 75.4).
                let from = if months.is_empty() {
                    resumed.max(due_from)
                } else {
                    due_from
                };
                ("active", None, None, from.to_string(), "resume".to_string())
            }
            other => {
                return Err(StoreError::invalid(
                    "action",
                    format!("`{other}` is not suspend, terminate or resume"),
                ));
            }
        };
        let at = now();
        let receivable_total: i64 = receivable
            .iter()
            .map(|(_, a)| *a)
            .fold(0i64, i64::saturating_add);
        let reason_text = c
            .reason
            .clone()
            .unwrap_or_else(|| e.reason.clone().unwrap_or_default());
        let _guard = self.write_lock.lock().await;
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE entitlements SET state = $1, stopped_month = $2, reason = $3, due_from = $4, updated_at = $5 WHERE entitlement_id = $6")
                .bind(state).bind(&stopped).bind(&reason).bind(&new_due_from).bind(&at).bind(&e.entitlement_id)
                .execute(&mut *tx).await?;
            let seq: i64 = sqlx::query("SELECT COUNT(*) AS n FROM entitlement_events WHERE entitlement_id = $1")
                .bind(&e.entitlement_id).fetch_one(&mut *tx).await?.try_get("n")?;
            sqlx::query("INSERT INTO entitlement_events (entitlement_id, seq, event, reason, on_date, month, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(&e.entitlement_id).bind(seq + 1).bind(&event).bind(&reason_text).bind(on.to_string()).bind(on_month.to_string()).bind(&note).bind(&at)
                .execute(&mut *tx).await?;
            for (m, amount) in &receivable {
                sqlx::query("INSERT INTO benefit_receivables (source_id, month, person_sin, amount, reason, recovered, created_at) VALUES ($1, $2, $3, $4, $5, 0, $6) ON CONFLICT (source_id, month) DO NOTHING")
                    .bind(&e.entitlement_id).bind(m).bind(&e.person_sin).bind(amount).bind(&reason_text).bind(&at)
                    .execute(&mut *tx).await?;
            }
            append!(tx, self, Change {
                action: "entitlement.change",
                entity_kind: "entitlement",
                entity_id: e.entitlement_id.clone(),
                change: json!({"action": event, "reason": reason_text, "on": on.to_string(), "arrears_months": arrears_months, "receivable": receivable_total}),
            })?;
            tx.commit().await
        }.await)?;
        Ok(ChangeOutcome {
            entitlement: self.entitlement(&e.entitlement_id).await?,
            arrears_months,
            receivable: receivable_total,
            due_to_relatives,
        })
    }

    async fn entitlement_payments(&self, id: &str) -> Result<Vec<Payment>, StoreError> {
        self.payments_where("source_id", id).await
    }

    async fn payments_where(&self, column: &str, value: &str) -> Result<Vec<Payment>, StoreError> {
        let sql = format!(
            "SELECT source_id, month, part, kind, fund, channel, amount, payroll_month FROM benefit_payments WHERE {column} = $1 ORDER BY month, source_id, part"
        );
        on_pool!(self, pool => {
            let rows = sqlx::query(&sql).bind(value.trim()).fetch_all(pool).await?;
            rows.iter().map(|r| Ok(Payment {
                source_id: r.try_get("source_id")?,
                month: r.try_get("month")?,
                part: r.try_get("part")?,
                kind: r.try_get("kind")?,
                fund: r.try_get("fund")?,
                channel: r.try_get("channel")?,
                amount: r.try_get("amount")?,
                payroll_month: r.try_get("payroll_month")?,
            })).collect::<Result<Vec<_>, sqlx::Error>>()
        })
        .map_err(StoreError::from)
    }

    /// A person's claims, decisions, entitlements, payments and receivables.
    pub async fn person_benefits(
        &self,
        params: &Params,
        sin: &str,
    ) -> Result<PersonBenefits, StoreError> {
        let sin = sin.trim();
        let claims = self
            .benefit_claims(
                params,
                &crate::benefit_claim::ClaimFilter {
                    person: Some(sin.to_string()),
                    limit: Some(1000),
                    ..Default::default()
                },
            )
            .await?;
        let mut decisions = Vec::new();
        for c in &claims {
            if let Some(d) = self.claim_decision(&c.claim_id).await? {
                decisions.push(d);
            }
        }
        let sql = format!(
            "SELECT {ENTITLEMENT_COLUMNS} FROM entitlements WHERE person_sin = $1 ORDER BY first_month"
        );
        let entitlements = on_pool!(self, pool => sqlx::query(&sql).bind(sin).fetch_all(pool).await?.iter().map(entitlement_from).collect::<Result<Vec<_>, sqlx::Error>>()?);
        let payments = self.payments_where("person_sin", sin).await?;
        let receivables = on_pool!(self, pool => {
            let rows = sqlx::query("SELECT source_id, month, amount, reason, recovered FROM benefit_receivables WHERE person_sin = $1 ORDER BY month").bind(sin).fetch_all(pool).await?;
            rows.iter().map(|r| Ok(Receivable {
                source_id: r.try_get("source_id")?,
                month: r.try_get("month")?,
                amount: r.try_get("amount")?,
                reason: r.try_get("reason")?,
                recovered: r.try_get("recovered")?,
            })).collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(PersonBenefits {
            person_sin: sin.to_string(),
            claims,
            decisions,
            entitlements,
            payments,
            receivables,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn a_decree_raises_every_later_month_once() {
        let p = Params::embedded().unwrap();
        let as_of: Date = "2024-06-30".parse().unwrap();
        let amount =
            |month: &str| monthly_amount(&p, 5_000_000, as_of, None, false, m(month)).unwrap();
        // Decree 75/2024: +15 % from 1 July 2024, applied to June's amount, not to July's.
        assert_eq!(amount("2024-06"), Dong(5_000_000));
        assert_eq!(amount("2024-07"), Dong(5_750_000));
        assert_eq!(amount("2025-03"), Dong(5_750_000));
        assert_eq!(amount("2026-11"), Dong(5_750_000));
    }
}
