//! Risk selection for examination: the facts of every employer read in a few sequential
//! passes (dues and payments, urgings, headcounts, the latest month's salaries, examinations,
//! external headcounts, hires and salary corrections of the last 12 months) and scored by the
//! rules core ([`ansinh_rules::risk`]); and the import of headcounts from tax or labour data
//! (L41 Art. 17.3, 30.3).

use crate::{Store, StoreError, now, on_pool, parse_date};
use ansinh_core::{Date, Month};
use ansinh_rules::Params;
use ansinh_rules::compliance::payment_deadline;
use ansinh_rules::risk::{self, EmployerFacts, Hit};
use rustc_hash::FxHashMap;
use serde::Serialize;
use sqlx::Row;
use utoipa::ToSchema;

/// An employer on the risk list, with the figures behind its score.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct RiskEntry {
    pub employer_code: String,
    pub name: String,
    pub province: String,
    pub score: i64,
    #[schema(value_type = Vec<Object>)]
    pub hits: Vec<Hit>,
    #[schema(value_type = Object)]
    pub facts: EmployerFacts,
    /// A case not yet over, when there is one.
    pub open_case: Option<String>,
}

/// What an import of external headcounts did.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct HeadcountImport {
    pub rows: usize,
    pub written: usize,
}

/// Columns of a headcount file, in order: `employer_code,as_of,headcount,ownership,source`.
pub const HEADCOUNT_COLUMNS: [&str; 5] =
    ["employer_code", "as_of", "headcount", "ownership", "source"];

const OWNERSHIPS: &[&str] = &["fdi", "non_state", "state", "household_business", ""];

impl Store {
    /// Every employer scored on `as_of`, highest score first (then the larger arrears, then the
    /// code), at most `limit`; employers that meet no criterion are left out.
    pub async fn risk_list(
        &self,
        params: &Params,
        as_of: Date,
        limit: usize,
    ) -> Result<Vec<RiskEntry>, StoreError> {
        let criteria =
            risk::criteria(params, as_of).map_err(|e| StoreError::invalid("as_of", e))?;
        let lp = params
            .late_payment
            .at(as_of)
            .map_err(|e| StoreError::invalid("as_of", e))?;
        let year_ago = as_of
            .checked_sub(jiff::Span::new().years(1))
            .map_err(|e| StoreError::invalid("as_of", e))?;
        let as_of_month = Month::of(as_of);
        let mut facts: FxHashMap<String, (String, String, i64, EmployerFacts)> =
            FxHashMap::default();
        let mut open: FxHashMap<String, String> = FxHashMap::default();
        let mut last_examined: FxHashMap<String, Date> = FxHashMap::default();
        let mut urged: FxHashMap<(String, String), ()> = FxHashMap::default();
        let mut headcounts: FxHashMap<String, Vec<(Month, i64)>> = FxHashMap::default();
        let mut latest_month: Option<Month> = None;
        on_pool!(self, pool => {
            for r in sqlx::query("SELECT unit_code, name, province, region FROM employers").fetch_all(pool).await? {
                facts.insert(r.try_get("unit_code")?, (r.try_get("name")?, r.try_get("province")?, r.try_get("region")?, EmployerFacts::default()));
            }
            for r in sqlx::query("SELECT employer_code, month FROM urgings WHERE urged_on <= $1")
                .bind(as_of.to_string()).fetch_all(pool).await? {
                urged.insert((r.try_get("employer_code")?, r.try_get("month")?), ());
            }
            for r in sqlx::query("SELECT employer_code, month, headcount FROM employer_dues WHERE month = run_month AND month <= $1")
                .bind(as_of_month.to_string()).fetch_all(pool).await? {
                let m: String = r.try_get("month")?;
                if let Ok(m) = m.parse::<Month>() {
                    latest_month = latest_month.max(Some(m));
                    headcounts.entry(r.try_get("employer_code")?).or_default().push((m, r.try_get("headcount")?));
                }
            }
            for r in sqlx::query("SELECT case_id, employer_code, state, decided_on FROM compliance_cases").fetch_all(pool).await? {
                let code: String = r.try_get("employer_code")?;
                let state: String = r.try_get("state")?;
                if !matches!(state.as_str(), "closed" | "referred_inspectorate" | "referred_police") {
                    open.insert(code.clone(), r.try_get("case_id")?);
                }
                if let Some(d) = r.try_get::<Option<String>, _>("decided_on")?.and_then(|d| d.parse::<Date>().ok())
                    && d <= as_of
                {
                    let e = last_examined.entry(code).or_insert(d);
                    *e = (*e).max(d);
                }
            }
            let mut external: FxHashMap<String, String> = FxHashMap::default();
            for r in sqlx::query("SELECT employer_code, as_of, headcount, ownership FROM external_headcounts WHERE as_of <= $1 ORDER BY employer_code, as_of")
                .bind(as_of.to_string()).fetch_all(pool).await? {
                let code: String = r.try_get("employer_code")?;
                if let Some(f) = facts.get_mut(&code) {
                    f.3.external_headcount = Some(r.try_get("headcount")?);
                    let o: String = r.try_get("ownership")?;
                    f.3.ownership = (!o.is_empty()).then_some(o);
                    external.insert(code, r.try_get("as_of")?);
                }
            }
            if let Some(latest) = latest_month {
                // Workers of the latest month and those near the floor of their employer's
                // region, counted by the database (one row per employer, not per worker).
                let day = latest.first_day();
                let minimum = params.regional_minimum_wage.at(day).map_err(|e| StoreError::invalid("as_of", e))?.value.monthly;
                let factor = 100 + criteria.near_floor_margin_percent;
                for r in sqlx::query("SELECT l.employer_code, COUNT(*) AS workers, SUM(CASE WHEN l.salary * 100 <= (CASE e.region WHEN 1 THEN $2 WHEN 2 THEN $3 WHEN 3 THEN $4 ELSE $5 END) * $6 THEN 1 ELSE 0 END) AS near FROM contribution_lines l JOIN employers e ON e.unit_code = l.employer_code WHERE l.month = $1 AND l.run_month = $1 AND l.total > 0 GROUP BY l.employer_code")
                    .bind(latest.to_string())
                    .bind(minimum[0].get()).bind(minimum[1].get()).bind(minimum[2].get()).bind(minimum[3].get())
                    .bind(factor)
                    .fetch_all(pool).await? {
                    let code: String = r.try_get("employer_code")?;
                    if let Some(f) = facts.get_mut(&code) {
                        f.3.workers = r.try_get("workers")?;
                        f.3.workers_near_floor = r.try_get::<Option<i64>, _>("near")?.unwrap_or(0);
                    }
                }
            }
            // Hires of the last 12 months registered after the registration window: the day
            // count is the one expression the two dialects spell differently.
            let days = match self.kind() {
                crate::Kind::Sqlite => "CAST(julianday(substr(b.submitted_at, 1, 10)) - julianday(e.start_date) AS BIGINT)",
                crate::Kind::Postgres => "(CAST(substr(b.submitted_at, 1, 10) AS DATE) - CAST(e.start_date AS DATE))",
            };
            for r in sqlx::query(&format!("SELECT e.employer_code, COUNT(*) AS n FROM employments e JOIN declaration_batches b ON b.employer_code = e.employer_code AND b.batch_id = e.batch_id WHERE e.start_date >= $1 AND e.start_date <= $2 AND {days} > $3 GROUP BY e.employer_code"))
                .bind(year_ago.to_string()).bind(as_of.to_string()).bind(lp.value.registration_days)
                .fetch_all(pool).await? {
                let code: String = r.try_get("employer_code")?;
                if let Some(f) = facts.get_mut(&code) {
                    f.3.late_registrations = r.try_get("n")?;
                }
            }
            // Salary records of the last 12 months for a month two or more before the month of
            // recording (a hire's first salary is not a correction).
            let index = |column: &str| format!("(CAST(substr({column}, 1, 4) AS INTEGER) * 12 + CAST(substr({column}, 6, 2) AS INTEGER))");
            for r in sqlx::query(&format!("SELECT e.employer_code, COUNT(*) AS n FROM salaries s JOIN employments e ON e.person_sin = s.person_sin AND e.employment_id = s.employment_id WHERE s.seq > 1 AND s.recorded_at >= $1 AND s.recorded_at <= $2 AND {} - {} >= 2 GROUP BY e.employer_code", index("s.recorded_at"), index("s.effective_month")))
                .bind(year_ago.to_string()).bind(format!("{as_of}T23:59:59Z"))
                .fetch_all(pool).await? {
                let code: String = r.try_get("employer_code")?;
                if let Some(f) = facts.get_mut(&code) {
                    f.3.retro_corrections = r.try_get("n")?;
                }
            }
        });
        for (code, months) in self.unpaid_months(as_of).await? {
            let Some(f) = facts.get_mut(&code) else {
                continue;
            };
            for (month, unpaid) in months {
                let past = i64::from((as_of - payment_deadline(month)).get_days());
                if unpaid > 0 && past > 0 {
                    f.3.arrears_months += 1;
                    f.3.arrears_amount += unpaid;
                    if past > lp.value.evasion_after_days
                        && urged.contains_key(&(code.clone(), month.to_string()))
                    {
                        f.3.evasion_months += 1;
                    }
                }
            }
        }
        for (code, hc) in headcounts {
            let Some(f) = facts.get_mut(&code) else {
                continue;
            };
            if let Some(latest) = latest_month {
                f.3.headcount = hc.iter().find(|(m, _)| *m == latest).map_or(0, |(_, n)| *n);
                f.3.headcount_year_before = hc
                    .iter()
                    .find(|(m, _)| *m == latest.plus(-12))
                    .map(|(_, n)| *n);
            }
        }
        let mut list: Vec<RiskEntry> = facts
            .into_iter()
            .filter_map(|(code, (name, province, _, mut f))| {
                f.years_since_examination = last_examined.get(&code).map(|d| {
                    i64::from(as_of.since(*d).map_or(0, |s| {
                        s.total(jiff::Unit::Day).map_or(0.0, |d| d / 365.25) as i32
                    }))
                });
                let (score, hits) = risk::score(criteria, &f);
                (score > 0).then(|| RiskEntry {
                    open_case: open.get(&code).cloned(),
                    employer_code: code,
                    name,
                    province,
                    score,
                    hits,
                    facts: f,
                })
            })
            .collect();
        list.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(b.facts.arrears_amount.cmp(&a.facts.arrears_amount))
                .then(a.employer_code.cmp(&b.employer_code))
        });
        list.truncate(limit);
        Ok(list)
    }

    /// Imports headcounts of employers from tax or labour data (CSV with the columns of
    /// [`HEADCOUNT_COLUMNS`]); every row is checked before any is written, and a row already
    /// imported for the same employer and date is replaced by the newer figure.
    pub async fn import_headcounts(&self, bytes: &[u8]) -> Result<HeadcountImport, StoreError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| StoreError::invalid("file", format!("not CSV: {e}")))?
            .iter()
            .map(str::to_string)
            .collect();
        if header.iter().map(String::as_str).ne(HEADCOUNT_COLUMNS) {
            return Err(StoreError::invalid(
                "file",
                format!("the header must be {}", HEADCOUNT_COLUMNS.join(",")),
            ));
        }
        let mut rows = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            let r = record.map_err(|e| StoreError::invalid(&format!("line {line}"), e))?;
            let code = r.get(0).unwrap_or("").to_string();
            if self.employer(&code).await?.is_none() {
                return Err(StoreError::invalid(
                    &format!("line {line}.employer_code"),
                    format!("no employer {code} is registered"),
                ));
            }
            let as_of = parse_date(&format!("line {line}.as_of"), r.get(1).unwrap_or(""))?;
            let headcount: i64 = r
                .get(2)
                .unwrap_or("")
                .parse()
                .ok()
                .filter(|n| (0..=10_000_000).contains(n))
                .ok_or_else(|| {
                    StoreError::invalid(
                        &format!("line {line}.headcount"),
                        "a whole number of workers, 0 to 10,000,000",
                    )
                })?;
            let ownership = r.get(3).unwrap_or("").to_string();
            if !OWNERSHIPS.contains(&ownership.as_str()) {
                return Err(StoreError::invalid(
                    &format!("line {line}.ownership"),
                    format!(
                        "`{ownership}` is not fdi, non_state, state, household_business or empty"
                    ),
                ));
            }
            let source = r.get(4).unwrap_or("").to_string();
            if source.is_empty() || source.chars().count() > 200 {
                return Err(StoreError::invalid(
                    &format!("line {line}.source"),
                    "where the figure comes from (tax authority, labour report…), 1 to 200 characters",
                ));
            }
            rows.push((code, as_of.to_string(), headcount, ownership, source));
        }
        if rows.len() > 2_000_000 {
            return Err(StoreError::invalid(
                "file",
                "more than 2,000,000 rows: split the file",
            ));
        }
        let at = now();
        let written = rows.len();
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            for (code, as_of, headcount, ownership, source) in &rows {
                sqlx::query("INSERT INTO external_headcounts (employer_code, as_of, headcount, ownership, source, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (employer_code, as_of) DO UPDATE SET headcount = excluded.headcount, ownership = excluded.ownership, source = excluded.source, created_at = excluded.created_at")
                    .bind(code).bind(as_of).bind(headcount).bind(ownership).bind(source).bind(&at)
                    .execute(&mut *tx).await?;
            }
            crate::audit::append!(tx, self, crate::audit::Change {
                action: "headcounts.import",
                entity_kind: "external_headcounts",
                entity_id: String::new(),
                change: serde_json::json!({"rows": written}),
            })?;
            tx.commit().await
        }.await)?;
        Ok(HeadcountImport {
            rows: written,
            written,
        })
    }
}
