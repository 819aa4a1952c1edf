//! Compliance examinations of employers (kiểm tra việc chấp hành pháp luật về đóng BHXH, BHTN,
//! BHYT; L41 Art. 17.5 as amended by Law 84/2025): cases from the annual plan to their closing,
//! the findings per worker and month, the back-collection a conclusion writes into the
//! registry, sanctions, payments made against a case, the overdue queue and the statistics.
//!
//! The workflow and its time limits are the rules core's ([`ansinh_rules::examination`]); the
//! amounts are its back-collection ([`ansinh_rules::back_collection`]) and sanction
//! ([`ansinh_rules::sanction`]). A conclusion writes what the unit must pay as a retroactive
//! declaration for the employer (salary corrections, hires of undeclared workers) with the
//! case as its idempotency key: the next monthly run writes the adjustment lines (truy thu) to
//! each worker's record and the employer's dues, exactly as for a declaration the employer sent
//! late, and concluding again writes nothing more.

use crate::audit::{Change, append};
use crate::declaration::{BatchReport, DeclarationLine};
use crate::{Store, StoreError, now, on_pool, parse_date};
use ansinh_core::{Date, Dong, Month};
use ansinh_rules::Params;
use ansinh_rules::back_collection::{self, Finding as RuleFinding};
use ansinh_rules::contribution::OccupationalOption;
use ansinh_rules::examination::{self, CaseKind, CaseState, Level};
use ansinh_rules::sanction::{self, Facts, Offender, Violation};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};
use utoipa::ToSchema;

/// A case to open (in the annual plan of an office).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    pub employer_code: String,
    pub plan_year: i64,
    /// User names of the examiners assigned.
    #[serde(default)]
    pub examiners: Vec<String>,
    /// `risk` (from the risk list), `manual`, `denunciation` (L41 Art. 131.2) or `referral`.
    #[serde(default = "manual")]
    pub origin: String,
    /// `provincial` (default) or `central`.
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub complex: bool,
    /// The risk score the unit was chosen with.
    #[serde(default)]
    pub score: Option<i64>,
}

fn manual() -> String {
    "manual".into()
}

/// A move of a case to its next state, with what that state records.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    pub to: String,
    /// The day of the act (decision, announcement, report, conclusion …).
    pub on: String,
    #[serde(default)]
    pub note: String,
    /// `decided`: the decision's number, the months examined, and (before 1 Jul 2025 only)
    /// `inspection` as the kind.
    #[serde(default)]
    pub decision_no: Option<String>,
    #[serde(default)]
    pub period_from: Option<String>,
    #[serde(default)]
    pub period_to: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    /// `concluded`: the conclusion's text.
    #[serde(default)]
    pub conclusion: Option<String>,
}

/// What an examination found for one worker.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFinding {
    /// `undeclared` (worker not registered), `under_declared` (salary below the one paid),
    /// `late_registration` (months worked before the registration), `unpaid` (months declared
    /// but not paid) or `improper_benefit` (a benefit received improperly, to recover).
    pub kind: String,
    pub person_sin: String,
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub declared_salary: i64,
    #[serde(default)]
    pub actual_salary: i64,
    /// `unpaid`: the amount unpaid; `improper_benefit`: the amount to recover.
    #[serde(default)]
    pub amount: i64,
    #[serde(default)]
    pub note: String,
}

/// A sanction decided on a concluded case.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSanction {
    /// `late_payment`, `evasion`, `not_registered` or `under_declared`.
    pub violation: String,
    /// `organisation` or `individual`.
    pub offender: String,
    /// Total payable at the violation minutes (or evaded, for evasion).
    pub amount: i64,
    #[serde(default)]
    pub workers: i64,
    /// The fine decided, within the range of Decree 12/2022 Art. 39.
    pub fine: i64,
    pub decision_no: String,
    pub decided_on: String,
    #[serde(default)]
    pub months: Option<i64>,
    #[serde(default)]
    pub previously_sanctioned: Option<bool>,
}

/// A payment made against a case.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CasePayment {
    pub reference: String,
    /// `back_collection` (also entered in the employer's account), `recovery` or `fine`.
    pub what: String,
    pub paid_on: String,
    pub amount: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct CaseEvent {
    pub seq: i64,
    pub from_state: String,
    pub to_state: String,
    pub on_date: String,
    pub actor: String,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct CaseFinding {
    pub finding_no: i64,
    pub kind: String,
    pub person_sin: String,
    pub from_month: String,
    pub to_month: String,
    pub declared_salary: i64,
    pub actual_salary: i64,
    pub amount: i64,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct CaseSanction {
    pub sanction_no: i64,
    pub violation: String,
    pub offender: String,
    pub amount: i64,
    pub workers: i64,
    pub fine_min: i64,
    pub fine_max: i64,
    pub fine: i64,
    pub decision_no: String,
    pub decided_on: String,
    pub criminal_clause: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct CasePaymentRecord {
    pub reference: String,
    pub what: String,
    pub paid_on: String,
    pub amount: i64,
}

/// A case as stored.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Case {
    pub case_id: String,
    pub employer_code: String,
    pub province: String,
    /// `examination` (kiểm tra) or `inspection` (thanh tra chuyên ngành, before 1 Jul 2025).
    pub kind: String,
    pub level: String,
    pub complex: bool,
    pub state: String,
    pub plan_year: i64,
    pub origin: String,
    pub score: Option<i64>,
    pub examiners: Vec<String>,
    pub decision_no: Option<String>,
    pub decided_on: Option<String>,
    pub period_from: Option<String>,
    pub period_to: Option<String>,
    pub announced_on: Option<String>,
    pub reported_on: Option<String>,
    pub concluded_on: Option<String>,
    pub closed_on: Option<String>,
    pub conclusion: Option<String>,
    /// The declaration batch the conclusion wrote.
    pub batch_id: Option<String>,
    /// Contributions to collect, interest to the conclusion, benefits to recover.
    pub back_collection: i64,
    pub interest: i64,
    pub recovery: i64,
    /// Workers found.
    pub workers: i64,
    /// A clause of Penal Code Art. 216 reached by a sanction.
    pub criminal: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl Case {
    pub fn state(&self) -> CaseState {
        CaseState::parse(&self.state).unwrap_or(CaseState::Planned)
    }

    /// Back-collection, interest and recovery recommended by the conclusion.
    pub fn recommended(&self) -> i64 {
        self.back_collection
            .saturating_add(self.interest)
            .saturating_add(self.recovery)
    }
}

/// A case with everything recorded on it.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct CaseFile {
    #[serde(flatten)]
    pub case: Case,
    /// States the case may move to now.
    pub next: Vec<String>,
    pub events: Vec<CaseEvent>,
    pub findings: Vec<CaseFinding>,
    pub sanctions: Vec<CaseSanction>,
    pub payments: Vec<CasePaymentRecord>,
    pub reminders: Vec<CaseReminderRecord>,
    pub recommended: i64,
    /// Paid against the back-collection and the recovery.
    pub recovered: i64,
    pub outstanding: i64,
    /// Recovered as a share of recommended, in per cent with one decimal (`"62.5%"`).
    pub share_remedied: String,
    pub fines: i64,
    pub fines_paid: i64,
    /// The last day of fieldwork allowed, once decided.
    pub fieldwork_deadline: Option<String>,
    /// The day the remedy is due, once concluded.
    pub remedy_deadline: Option<String>,
}

/// A reminder (đôn đốc) to send the unit: what it still owes on the case.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseReminder {
    pub sent_on: String,
    /// `letter`, `email`, `phone` or `visit`.
    pub channel: String,
    /// The letter's number or the call's record.
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct CaseReminderRecord {
    pub reminder_no: i64,
    pub sent_on: String,
    pub channel: String,
    pub reference: String,
    /// Owed when the reminder was sent: the outstanding back-collection and recovery plus the
    /// unpaid fines.
    pub outstanding: i64,
    pub note: String,
}

/// Refuses to record on a case that is not between its conclusion and its closing what only
/// such a case takes (`what`: "payments are recorded", "reminders are sent").
fn in_recovery(case: &Case, what: &str) -> Result<(), StoreError> {
    if case.state().in_recovery() {
        return Ok(());
    }
    Err(StoreError::Conflict {
        field: "case".into(),
        reason: format!(
            "case {} is {}: {what} from the conclusion to the follow-up",
            case.case_id, case.state
        ),
    })
}

/// `part` of `whole` in per cent with one decimal, rounded half up; 100 % when nothing was
/// recommended.
fn share(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "100.0%".into();
    }
    let tenths = (i128::from(part.max(0)) * 1000 + i128::from(whole) / 2) / i128::from(whole);
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// Totals as the agency publishes them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct Statistics {
    /// Examinations (and inspections) decided in the period.
    pub examinations: i64,
    /// Units examined.
    pub units: i64,
    /// Workers found undeclared, under-declared, registered late or unpaid.
    pub workers: i64,
    /// Back-collection, interest and recovery recommended by conclusions.
    pub recommended: i64,
    /// Paid against them.
    pub recovered: i64,
    /// Fines imposed.
    pub fines: i64,
    /// Fines paid.
    pub fines_collected: i64,
}

/// One row of the statistics by province and kind.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct StatisticsRow {
    pub province: String,
    pub kind: String,
    #[serde(flatten)]
    pub totals: Statistics,
}

/// A case past one of its time limits.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct OverdueCase {
    pub case_id: String,
    pub employer_code: String,
    pub state: String,
    /// `fieldwork`, `conclusion` or `remedy`.
    pub limit: String,
    pub due: String,
    pub days_over: i64,
}

const CASE_COLUMNS: &str = "case_id, employer_code, province, kind, level, complex, state, plan_year, origin, score, examiners, decision_no, decided_on, period_from, period_to, announced_on, reported_on, concluded_on, closed_on, conclusion, batch_id, back_collection, interest, recovery, workers, criminal, created_at, updated_at";

fn case_from<R: Row>(r: &R) -> Result<Case, StoreError>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    String: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    Option<String>: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    i64: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let examiners: String = r.try_get("examiners")?;
    Ok(Case {
        case_id: r.try_get("case_id")?,
        employer_code: r.try_get("employer_code")?,
        province: r.try_get("province")?,
        kind: r.try_get("kind")?,
        level: r.try_get("level")?,
        complex: r.try_get::<i64, _>("complex")? != 0,
        state: r.try_get("state")?,
        plan_year: r.try_get("plan_year")?,
        origin: r.try_get("origin")?,
        score: r.try_get("score")?,
        examiners: examiners
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        decision_no: r.try_get("decision_no")?,
        decided_on: r.try_get("decided_on")?,
        period_from: r.try_get("period_from")?,
        period_to: r.try_get("period_to")?,
        announced_on: r.try_get("announced_on")?,
        reported_on: r.try_get("reported_on")?,
        concluded_on: r.try_get("concluded_on")?,
        closed_on: r.try_get("closed_on")?,
        conclusion: r.try_get("conclusion")?,
        batch_id: r.try_get("batch_id")?,
        back_collection: r.try_get("back_collection")?,
        interest: r.try_get("interest")?,
        recovery: r.try_get("recovery")?,
        workers: r.try_get("workers")?,
        criminal: r.try_get::<i64, _>("criminal")? != 0,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn month(field: &str, text: &str) -> Result<Month, StoreError> {
    text.trim()
        .parse()
        .map_err(|_| StoreError::invalid(field, format!("`{text}` is not a month YYYY-MM")))
}

fn amount(field: &str, v: i64) -> Result<i64, StoreError> {
    if (0..=1_000_000_000_000_000).contains(&v) {
        Ok(v)
    } else {
        Err(StoreError::invalid(
            field,
            format!("{} is out of range: 0 to 10^15 đồng", Dong(v)),
        ))
    }
}

fn state_error(e: examination::TransitionError) -> StoreError {
    StoreError::Conflict {
        field: "to".into(),
        reason: e.to_string(),
    }
}

const FINDING_KINDS: &[&str] = &[
    "undeclared",
    "under_declared",
    "late_registration",
    "unpaid",
    "improper_benefit",
];

/// Which cases to list: an office's annual plan is the cases of one `plan_year` and
/// `province`.
#[derive(Clone, Debug)]
pub struct CaseFilter {
    pub employer: Option<String>,
    pub state: Option<String>,
    pub plan_year: Option<i64>,
    pub province: Option<String>,
    pub limit: i64,
}

impl Default for CaseFilter {
    fn default() -> Self {
        CaseFilter {
            employer: None,
            state: None,
            plan_year: None,
            province: None,
            limit: 200,
        }
    }
}

impl Store {
    /// Opens a case in an office's plan (state `planned`) for a registered employer.
    pub async fn open_case(&self, c: &NewCase) -> Result<Case, StoreError> {
        let employer = self
            .employer(c.employer_code.trim())
            .await?
            .ok_or_else(|| {
                StoreError::invalid(
                    "employer_code",
                    format!("no employer {} is registered", c.employer_code.trim()),
                )
            })?;
        if !(2016..=2200).contains(&c.plan_year) {
            return Err(StoreError::invalid(
                "plan_year",
                format!(
                    "{} is not a plan year from 2016 (the agency's power to examine payment, L58)",
                    c.plan_year
                ),
            ));
        }
        let origin = c.origin.trim();
        if !matches!(origin, "risk" | "manual" | "denunciation" | "referral") {
            return Err(StoreError::invalid(
                "origin",
                format!("`{origin}` is not risk, manual, denunciation or referral"),
            ));
        }
        let level = match c.level.as_deref().map(str::trim) {
            None | Some("") | Some("provincial") => "provincial",
            Some("central") => "central",
            Some(other) => {
                return Err(StoreError::invalid(
                    "level",
                    format!("`{other}` is not provincial or central"),
                ));
            }
        };
        let mut examiners = Vec::new();
        for (i, e) in c.examiners.iter().enumerate() {
            let e = e.trim();
            if e.is_empty() || e.len() > 64 || e.contains(',') {
                return Err(StoreError::invalid(
                    &format!("examiners[{i}]"),
                    "a user name of 1 to 64 characters without commas",
                ));
            }
            examiners.push(e.to_string());
        }
        if examiners.len() > 20 {
            return Err(StoreError::invalid(
                "examiners",
                "at most 20 examiners on a team",
            ));
        }
        if let Some(s) = c.score
            && !(0..=1_000_000).contains(&s)
        {
            return Err(StoreError::invalid("score", "0 to 1,000,000"));
        }
        let _guard = self.write_lock.lock().await;
        let at = now();
        let prefix = format!("KT-{}-", c.plan_year);
        let result = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM compliance_cases WHERE plan_year = $1")
                .bind(c.plan_year).fetch_one(&mut *tx).await?.try_get("n")?;
            let id = format!("{prefix}{:06}", n + 1);
            sqlx::query("INSERT INTO compliance_cases (case_id, employer_code, province, kind, level, complex, state, plan_year, origin, score, examiners, back_collection, interest, recovery, workers, criminal, created_at, updated_at) VALUES ($1, $2, $3, 'examination', $4, $5, 'planned', $6, $7, $8, $9, 0, 0, 0, 0, 0, $10, $10)")
                .bind(&id).bind(&employer.unit_code).bind(&employer.province).bind(level)
                .bind(i64::from(c.complex)).bind(c.plan_year).bind(origin).bind(c.score)
                .bind(examiners.join(",")).bind(&at)
                .execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "case.open",
                entity_kind: "case",
                entity_id: id.clone(),
                change: serde_json::json!({"employer_code": employer.unit_code, "plan_year": c.plan_year, "origin": origin, "examiners": examiners}),
            })?;
            tx.commit().await?;
            Ok::<String, sqlx::Error>(id)
        }.await)?;
        self.case(&result).await
    }

    /// One case, or not found.
    pub async fn case(&self, case_id: &str) -> Result<Case, StoreError> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM compliance_cases WHERE case_id = $1");
        let row = on_pool!(self, pool => match sqlx::query(&sql).bind(case_id.trim()).fetch_optional(pool).await? {
            Some(r) => Some(case_from(&r)?),
            None => None,
        });
        row.ok_or_else(|| StoreError::NotFound {
            what: format!("case {}", case_id.trim()),
        })
    }

    /// Cases, newest first; by employer or state when given.
    pub async fn cases(&self, filter: &CaseFilter) -> Result<Vec<Case>, StoreError> {
        if let Some(y) = filter.plan_year
            && !(2000..=2100).contains(&y)
        {
            return Err(StoreError::invalid(
                "plan_year",
                format!("{y} is not a year between 2000 and 2100"),
            ));
        }
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM compliance_cases WHERE ($1 = '' OR employer_code = $1) AND ($2 = '' OR state = $2) AND ($3 = 0 OR plan_year = $3) AND ($4 = '' OR province = $4) ORDER BY created_at DESC, case_id DESC LIMIT $5"
        );
        let text = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_string();
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(text(&filter.employer)).bind(text(&filter.state))
            .bind(filter.plan_year.unwrap_or(0)).bind(text(&filter.province))
            .bind(filter.limit.clamp(1, 10_000))
            .fetch_all(pool).await?.iter().map(case_from).collect())
    }

    /// A case with its events, findings, sanctions, payments and time limits.
    pub async fn case_file(&self, params: &Params, case_id: &str) -> Result<CaseFile, StoreError> {
        let case = self.case(case_id).await?;
        let id = case.case_id.clone();
        let (events, sanctions, payments, reminders) = on_pool!(self, pool => {
            let events = sqlx::query("SELECT seq, from_state, to_state, on_date, actor, note FROM compliance_case_events WHERE case_id = $1 ORDER BY seq")
                .bind(&id).fetch_all(pool).await?.iter().map(|r| Ok::<_, sqlx::Error>(CaseEvent {
                    seq: r.try_get("seq")?, from_state: r.try_get("from_state")?, to_state: r.try_get("to_state")?,
                    on_date: r.try_get("on_date")?, actor: r.try_get("actor")?, note: r.try_get("note")?,
                })).collect::<Result<Vec<_>, _>>()?;
            let sanctions = sqlx::query("SELECT sanction_no, violation, offender, amount, workers, fine_min, fine_max, fine, decision_no, decided_on, criminal_clause FROM compliance_sanctions WHERE case_id = $1 ORDER BY sanction_no")
                .bind(&id).fetch_all(pool).await?.iter().map(|r| Ok::<_, sqlx::Error>(CaseSanction {
                    sanction_no: r.try_get("sanction_no")?, violation: r.try_get("violation")?, offender: r.try_get("offender")?,
                    amount: r.try_get("amount")?, workers: r.try_get("workers")?, fine_min: r.try_get("fine_min")?,
                    fine_max: r.try_get("fine_max")?, fine: r.try_get("fine")?, decision_no: r.try_get("decision_no")?,
                    decided_on: r.try_get("decided_on")?, criminal_clause: r.try_get("criminal_clause")?,
                })).collect::<Result<Vec<_>, _>>()?;
            let payments = sqlx::query("SELECT reference, what, paid_on, amount FROM compliance_payments WHERE case_id = $1 ORDER BY paid_on, reference")
                .bind(&id).fetch_all(pool).await?.iter().map(|r| Ok::<_, sqlx::Error>(CasePaymentRecord {
                    reference: r.try_get("reference")?, what: r.try_get("what")?, paid_on: r.try_get("paid_on")?, amount: r.try_get("amount")?,
                })).collect::<Result<Vec<_>, _>>()?;
            let reminders = sqlx::query("SELECT reminder_no, sent_on, channel, reference, outstanding, note FROM compliance_reminders WHERE case_id = $1 ORDER BY reminder_no")
                .bind(&id).fetch_all(pool).await?.iter().map(|r| Ok::<_, sqlx::Error>(CaseReminderRecord {
                    reminder_no: r.try_get("reminder_no")?, sent_on: r.try_get("sent_on")?, channel: r.try_get("channel")?,
                    reference: r.try_get("reference")?, outstanding: r.try_get("outstanding")?, note: r.try_get("note")?,
                })).collect::<Result<Vec<_>, _>>()?;
            (events, sanctions, payments, reminders)
        });
        let findings = self.findings(&id).await?;
        let recovered: i64 = payments
            .iter()
            .filter(|p| p.what != "fine")
            .fold(0i64, |a, p| a.saturating_add(p.amount));
        let fines_paid: i64 = payments
            .iter()
            .filter(|p| p.what == "fine")
            .fold(0i64, |a, p| a.saturating_add(p.amount));
        let fines: i64 = sanctions.iter().fold(0i64, |a, s| a.saturating_add(s.fine));
        let kind = if case.kind == "inspection" {
            CaseKind::Inspection
        } else {
            CaseKind::Examination
        };
        let level = if case.level == "central" {
            Level::Central
        } else {
            Level::Provincial
        };
        let fieldwork_deadline = match case.decided_on.as_deref().map(|d| d.parse::<Date>()) {
            Some(Ok(d)) => examination::fieldwork_deadline(params, d, kind, level, case.complex)
                .ok()
                .map(|(due, _)| due.to_string()),
            _ => None,
        };
        let remedy_deadline = match case.concluded_on.as_deref().map(|d| d.parse::<Date>()) {
            Some(Ok(d)) => examination::remedy_deadline(params, d)
                .ok()
                .map(|d| d.to_string()),
            _ => None,
        };
        let recommended = case.recommended();
        Ok(CaseFile {
            next: examination::next_states(case.state())
                .iter()
                .map(|s| s.as_str().to_string())
                .collect(),
            events,
            findings,
            sanctions,
            payments,
            reminders,
            share_remedied: share(recovered.min(recommended), recommended),
            recommended,
            recovered,
            outstanding: recommended.saturating_sub(recovered).max(0),
            fines,
            fines_paid,
            fieldwork_deadline,
            remedy_deadline,
            case,
        })
    }

    /// The findings of a case, in the order recorded.
    pub async fn findings(&self, case_id: &str) -> Result<Vec<CaseFinding>, StoreError> {
        on_pool!(self, pool => sqlx::query("SELECT finding_no, kind, person_sin, from_month, to_month, declared_salary, actual_salary, amount, note FROM compliance_findings WHERE case_id = $1 ORDER BY finding_no")
            .bind(case_id)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| {
                Ok(CaseFinding {
                    finding_no: r.try_get("finding_no")?,
                    kind: r.try_get("kind")?,
                    person_sin: r.try_get("person_sin")?,
                    from_month: r.try_get("from_month")?,
                    to_month: r.try_get("to_month")?,
                    declared_salary: r.try_get("declared_salary")?,
                    actual_salary: r.try_get("actual_salary")?,
                    amount: r.try_get("amount")?,
                    note: r.try_get("note")?,
                })
            })
            .collect())
    }

    /// Moves a case to its next state ([`examination::next_states`]); a move out of order is
    /// refused naming the current state and the allowed ones. `decided` records the decision
    /// and the period examined; `concluded` computes the back-collection from the findings and
    /// writes it as a retroactive declaration for the employer (once, whatever the retries);
    /// `closed` after follow-up needs the recommended amounts paid.
    pub async fn move_case(
        &self,
        params: &Params,
        case_id: &str,
        t: &Transition,
    ) -> Result<CaseFile, StoreError> {
        let case = self.case(case_id).await?;
        let from = case.state();
        let to = CaseState::parse(t.to.trim()).ok_or_else(|| {
            StoreError::invalid(
                "to",
                format!(
                    "`{}` is not a state: {}",
                    t.to.trim(),
                    examination::STATES
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        examination::transition(from, to).map_err(state_error)?;
        let on = parse_date("on", &t.on)?;
        if let Some(last) = self.last_event_date(&case.case_id).await?
            && on < last
        {
            return Err(StoreError::invalid(
                "on",
                format!("{on} is before the case's last step ({last})"),
            ));
        }
        if t.note.chars().count() > 2_000 {
            return Err(StoreError::invalid("note", "at most 2,000 characters"));
        }
        let mut sets: Vec<(&'static str, Option<String>)> = Vec::new();
        let mut totals: Option<(i64, i64, i64, i64, Option<String>)> = None;
        match to {
            CaseState::Decided => {
                let number = t.decision_no.as_deref().map(str::trim).unwrap_or("");
                if number.is_empty() || number.chars().count() > 60 {
                    return Err(StoreError::invalid(
                        "decision_no",
                        "the decision's number, 1 to 60 characters (e.g. 123/QĐ-BHXH)",
                    ));
                }
                let pf = month(
                    "period_from",
                    t.period_from.as_deref().ok_or_else(|| {
                        StoreError::invalid("period_from", "missing: the first month examined")
                    })?,
                )?;
                let pt = month(
                    "period_to",
                    t.period_to.as_deref().ok_or_else(|| {
                        StoreError::invalid("period_to", "missing: the last month examined")
                    })?,
                )?;
                if pt < pf {
                    return Err(StoreError::invalid(
                        "period_to",
                        format!("{pt} is before period_from {pf}"),
                    ));
                }
                if pt > Month::of(on) {
                    return Err(StoreError::invalid(
                        "period_to",
                        format!("{pt} is after the decision's month: a period examined is past"),
                    ));
                }
                let requested = match t.kind.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some("examination") => Some(CaseKind::Examination),
                    Some("inspection") => Some(CaseKind::Inspection),
                    Some(other) => {
                        return Err(StoreError::invalid(
                            "kind",
                            format!("`{other}` is not examination or inspection"),
                        ));
                    }
                };
                let kind = examination::kind_on(on, requested)
                    .map_err(|e| StoreError::invalid("kind", e))?;
                sets.push(("decision_no", Some(number.to_string())));
                sets.push(("decided_on", Some(on.to_string())));
                sets.push(("period_from", Some(pf.to_string())));
                sets.push(("period_to", Some(pt.to_string())));
                sets.push(("kind", Some(kind.as_str().to_string())));
            }
            CaseState::Announced => sets.push(("announced_on", Some(on.to_string()))),
            CaseState::Reported => sets.push(("reported_on", Some(on.to_string()))),
            CaseState::Concluded => {
                let text = t.conclusion.as_deref().map(str::trim).unwrap_or("");
                if text.chars().count() > 20_000 {
                    return Err(StoreError::invalid(
                        "conclusion",
                        "at most 20,000 characters",
                    ));
                }
                let (bc, interest, recovery, workers, batch) =
                    self.conclude(params, &case, on).await?;
                sets.push(("concluded_on", Some(on.to_string())));
                sets.push(("conclusion", Some(text.to_string())));
                totals = Some((bc, interest, recovery, workers, batch));
            }
            CaseState::Closed => {
                if from == CaseState::FollowUp {
                    let file = self.case_file(params, &case.case_id).await?;
                    if file.outstanding > 0 {
                        return Err(StoreError::Conflict {
                            field: "to".into(),
                            reason: format!(
                                "{} of the {} recommended is not yet paid: the case closes when remedied",
                                Dong(file.outstanding),
                                Dong(file.recommended)
                            ),
                        });
                    }
                }
                sets.push(("closed_on", Some(on.to_string())));
            }
            CaseState::ReferredInspectorate | CaseState::ReferredPolice => {
                if t.note.trim().is_empty() {
                    return Err(StoreError::invalid(
                        "note",
                        "missing: the body referred to and why (Decree 217/2025)",
                    ));
                }
                sets.push(("closed_on", Some(on.to_string())));
            }
            _ => {}
        }
        let at = now();
        let id = case.case_id.clone();
        let actor = self.actor.user.clone();
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            // The state read above must still be the state: a concurrent move loses.
            let moved = sqlx::query("UPDATE compliance_cases SET state = $1, updated_at = $2 WHERE case_id = $3 AND state = $4")
                .bind(to.as_str()).bind(&at).bind(&id).bind(from.as_str())
                .execute(&mut *tx).await?.rows_affected();
            if moved != 1 {
                return Ok::<bool, sqlx::Error>(false);
            }
            for (column, value) in &sets {
                sqlx::query(&format!("UPDATE compliance_cases SET {column} = $1 WHERE case_id = $2"))
                    .bind(value).bind(&id).execute(&mut *tx).await?;
            }
            if let Some((bc, interest, recovery, workers, batch)) = &totals {
                sqlx::query("UPDATE compliance_cases SET back_collection = $1, interest = $2, recovery = $3, workers = $4, batch_id = COALESCE($5, batch_id) WHERE case_id = $6")
                    .bind(bc).bind(interest).bind(recovery).bind(workers).bind(batch).bind(&id)
                    .execute(&mut *tx).await?;
            }
            let seq: i64 = sqlx::query("SELECT COUNT(*) AS n FROM compliance_case_events WHERE case_id = $1")
                .bind(&id).fetch_one(&mut *tx).await?.try_get("n")?;
            sqlx::query("INSERT INTO compliance_case_events (case_id, seq, from_state, to_state, on_date, actor, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(&id).bind(seq + 1).bind(from.as_str()).bind(to.as_str()).bind(on.to_string())
                .bind(&actor).bind(t.note.trim()).bind(&at)
                .execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "case.move",
                entity_kind: "case",
                entity_id: id.clone(),
                change: serde_json::json!({"from": from.as_str(), "to": to.as_str(), "on": on.to_string(), "note": t.note.trim()}),
            })?;
            tx.commit().await?;
            Ok(true)
        }.await)
        .map_err(StoreError::from)
        .and_then(|moved| if moved { Ok(()) } else {
            Err(StoreError::Conflict { field: "to".into(), reason: format!("case {id} was moved by someone else meanwhile: reload it") })
        })?;
        self.case_file(params, &id).await
    }

    async fn last_event_date(&self, case_id: &str) -> Result<Option<Date>, StoreError> {
        let d: Option<String> = on_pool!(self, pool => sqlx::query("SELECT MAX(on_date) AS d FROM compliance_case_events WHERE case_id = $1")
            .bind(case_id).fetch_one(pool).await?.try_get("d")?);
        Ok(d.and_then(|d| d.parse().ok()))
    }

    /// The amounts of a conclusion and the declaration that writes them: back-collection per
    /// worker from the rules core at the conclusion's date; salary corrections and hires for
    /// the employer, submitted with the case as idempotency key (a retry replays the batch).
    async fn conclude(
        &self,
        params: &Params,
        case: &Case,
        on: Date,
    ) -> Result<(i64, i64, i64, i64, Option<String>), StoreError> {
        let findings = self.findings(&case.case_id).await?;
        let employer = self.existing_employer(&case.employer_code).await?;
        let region = u8::try_from(employer.region).unwrap_or(1);
        let occupational = if employer.occupational_rate.trim() == "0.3%" {
            OccupationalOption::Reduced
        } else {
            OccupationalOption::Standard
        };
        let mut rule_findings = Vec::new();
        let mut recovery = 0i64;
        let mut workers = BTreeSet::new();
        let mut lines = Vec::new();
        for f in &findings {
            workers.insert(f.person_sin.clone());
            let (from, to) = (month("from", &f.from_month)?, month("to", &f.to_month)?);
            match f.kind.as_str() {
                "improper_benefit" => {
                    recovery = recovery
                        .checked_add(f.amount)
                        .ok_or_else(|| StoreError::invalid("amount", "too large"))?;
                    continue;
                }
                "unpaid" => continue,
                _ => {}
            }
            rule_findings.push(RuleFinding {
                worker: f.person_sin.clone(),
                from,
                to,
                declared_salary: Dong(f.declared_salary),
                actual_salary: Dong(f.actual_salary),
            });
            let person = self.person(&f.person_sin).await?.ok_or_else(|| {
                StoreError::invalid(
                    "person_sin",
                    format!("{} is no longer registered", f.person_sin),
                )
            })?;
            let line = |action: &str,
                        date: String,
                        salary: Option<i64>,
                        allowances: Option<i64>| DeclarationLine {
                action: action.into(),
                personal_id: person.personal_id.clone(),
                sin: Some(person.sin.clone()),
                name: (action == "hire").then(|| person.name.clone()),
                sex: (action == "hire").then(|| person.sex.clone()),
                birth_date: (action == "hire").then(|| person.birth_date.clone()),
                nationality: (action == "hire").then(|| person.nationality.clone()),
                date,
                salary,
                allowances,
                contract_kind: (action == "hire").then(|| "indefinite".to_string()),
                contract_months: None,
                reason: (action == "leave").then(|| format!("examination {}", case.case_id)),
            };
            if f.kind == "under_declared" {
                // One correction per month found, then the salary the registry had after them.
                let employment = self
                    .employment_covering(&f.person_sin, &case.employer_code, from, to)
                    .await?;
                let mut m = from;
                loop {
                    lines.push(line(
                        "salary",
                        m.to_string(),
                        Some(f.actual_salary),
                        Some(0),
                    ));
                    if m == to {
                        break;
                    }
                    m = m.plus(1);
                }
                let after = to.plus(1);
                if after <= Month::of(on)
                    && let Some(e) = employment
                    && let Some(rec) = e
                        .salaries
                        .iter()
                        .filter(|s| {
                            s.effective_month
                                .parse::<Month>()
                                .is_ok_and(|sm| sm <= after)
                        })
                        .max_by_key(|s| (s.effective_month.clone(), s.seq))
                {
                    lines.push(line(
                        "salary",
                        after.to_string(),
                        Some(rec.salary),
                        Some(rec.allowances),
                    ));
                }
            } else {
                // Undeclared months: the worker is registered from the first day found and,
                // when the months found are over, leaves on the last.
                lines.push(line(
                    "hire",
                    from.first_day().to_string(),
                    Some(f.actual_salary),
                    Some(0),
                ));
                if to < Month::of(on) {
                    lines.push(line("leave", to.last_day().to_string(), None, None));
                }
            }
        }
        let (contributions, interest) = if rule_findings.is_empty() {
            (0, 0)
        } else {
            let (b, _) = back_collection::back_collection(
                params,
                on,
                region,
                Some(occupational),
                &rule_findings,
            )
            .map_err(|e| {
                let (index, field) = e.field();
                StoreError::invalid(
                    &match index {
                        Some(i) => format!("findings[{i}].{field}"),
                        None => field.to_string(),
                    },
                    e,
                )
            })?;
            (b.total.contributions.get(), b.total.interest.get())
        };
        let batch = if lines.is_empty() {
            None
        } else {
            let key = format!("case-{}", case.case_id);
            let content = serde_json::to_vec(&lines).unwrap_or_default();
            let report: BatchReport = self
                .submit_declarations(params, &case.employer_code, &lines, Some(&key), &content)
                .await?;
            if !report.applied() {
                let first = report.lines.iter().find(|l| !l.ok).and_then(|l| {
                    l.errors
                        .first()
                        .map(|e| (l.line, e.field.clone(), e.reason.clone()))
                });
                return Err(StoreError::invalid(
                    "findings",
                    match first {
                        Some((n, field, reason)) => format!(
                            "the back-collection cannot be written to the registry: declaration line {n}, {field}: {reason}"
                        ),
                        None => "the back-collection cannot be written to the registry".into(),
                    },
                ));
            }
            report.batch_id
        };
        Ok((
            contributions,
            interest,
            recovery,
            workers.len() as i64,
            batch,
        ))
    }

    /// The person's employment at the employer open over `from..=to`, if any.
    async fn employment_covering(
        &self,
        sin: &str,
        employer: &str,
        from: Month,
        to: Month,
    ) -> Result<Option<crate::Employment>, StoreError> {
        Ok(self.employments(sin).await?.into_iter().find(|e| {
            e.employer_code == employer
                && e.start_date
                    .parse::<Date>()
                    .is_ok_and(|s| Month::of(s) <= from)
                && e.end_date
                    .as_deref()
                    .is_none_or(|end| end.parse::<Date>().is_ok_and(|d| Month::of(d) >= to))
        }))
    }

    /// Records a finding on a case being examined: the worker must be registered; months
    /// inside the period examined; for under-declared, unpaid and late-registration findings
    /// (as for the salary) the worker employed by the unit in those months, for an undeclared
    /// one not; salaries within the law's floor and the declared below the actual.
    pub async fn add_finding(
        &self,
        params: &Params,
        case_id: &str,
        f: &NewFinding,
    ) -> Result<CaseFinding, StoreError> {
        let case = self.case(case_id).await?;
        if !case.state().takes_findings() {
            return Err(StoreError::Conflict {
                field: "case".into(),
                reason: format!(
                    "case {} is {}: findings are recorded from the decision to the end of fieldwork",
                    case.case_id, case.state
                ),
            });
        }
        let kind = f.kind.trim();
        if !FINDING_KINDS.contains(&kind) {
            return Err(StoreError::invalid(
                "kind",
                format!("`{kind}` is not one of {}", FINDING_KINDS.join(", ")),
            ));
        }
        let sin = f.person_sin.trim();
        if self.person(sin).await?.is_none() {
            return Err(StoreError::invalid(
                "person_sin",
                format!("no insured person {sin} is registered (register the worker first)"),
            ));
        }
        let (from, to) = (month("from", &f.from)?, month("to", &f.to)?);
        if to < from {
            return Err(StoreError::invalid(
                "to",
                format!("{to} is before from {from}"),
            ));
        }
        let (pf, pt) = match (&case.period_from, &case.period_to) {
            (Some(a), Some(b)) => (month("period_from", a)?, month("period_to", b)?),
            _ => {
                return Err(StoreError::invalid(
                    "case",
                    "the case has no period examined (decide it first)",
                ));
            }
        };
        for (field, m) in [("from", from), ("to", to)] {
            if m < pf || m > pt {
                return Err(StoreError::invalid(
                    field,
                    format!("{m} is outside the period examined {pf} – {pt}"),
                ));
            }
        }
        amount("declared_salary", f.declared_salary)?;
        amount("actual_salary", f.actual_salary)?;
        amount("amount", f.amount)?;
        if f.note.chars().count() > 1_000 {
            return Err(StoreError::invalid("note", "at most 1,000 characters"));
        }
        let employed = self
            .employment_covering(sin, &case.employer_code, from, to)
            .await?
            .is_some();
        let any_employment_overlapping = self.employments(sin).await?.into_iter().any(|e| {
            e.employer_code == case.employer_code
                && e.start_date
                    .parse::<Date>()
                    .is_ok_and(|s| Month::of(s) <= to)
                && e.end_date
                    .as_deref()
                    .is_none_or(|end| end.parse::<Date>().is_ok_and(|d| Month::of(d) >= from))
        });
        match kind {
            "under_declared" | "unpaid" if !employed => {
                return Err(StoreError::invalid(
                    "person_sin",
                    format!(
                        "{sin} is not employed by {} over {from} – {to} in the registry: record the months as undeclared",
                        case.employer_code
                    ),
                ));
            }
            "undeclared" | "late_registration" if any_employment_overlapping => {
                return Err(StoreError::invalid(
                    "person_sin",
                    format!(
                        "{sin} is registered with {} during {from} – {to}: record those months as under-declared or unpaid",
                        case.employer_code
                    ),
                ));
            }
            _ => {}
        }
        match kind {
            "under_declared" | "undeclared" | "late_registration" => {
                if kind == "under_declared" && f.declared_salary == 0 {
                    return Err(StoreError::invalid(
                        "declared_salary",
                        "missing: the salary the unit declared (0 is an undeclared worker)",
                    ));
                }
                if kind != "under_declared" && f.declared_salary != 0 {
                    return Err(StoreError::invalid(
                        "declared_salary",
                        "must be 0: nothing was declared for these months",
                    ));
                }
                if f.declared_salary >= f.actual_salary {
                    return Err(StoreError::invalid(
                        "actual_salary",
                        format!(
                            "{} is not above the declared salary {}: nothing to collect",
                            Dong(f.actual_salary),
                            Dong(f.declared_salary)
                        ),
                    ));
                }
                // The rules core checks floors and caps month by month; its refusal names the
                // salary at fault.
                let employer = self.existing_employer(&case.employer_code).await?;
                back_collection::back_collection(
                    params,
                    to.last_day().max(
                        params
                            .late_payment
                            .entries()
                            .first()
                            .map(|e| e.from)
                            .unwrap_or(to.last_day()),
                    ),
                    u8::try_from(employer.region).unwrap_or(1),
                    None,
                    &[RuleFinding {
                        worker: sin.into(),
                        from,
                        to,
                        declared_salary: Dong(f.declared_salary),
                        actual_salary: Dong(f.actual_salary),
                    }],
                )
                .map_err(|e| {
                    let (_, field) = e.field();
                    StoreError::invalid(field, e)
                })?;
            }
            _ => {
                if f.amount <= 0 {
                    return Err(StoreError::invalid(
                        "amount",
                        "missing: the amount unpaid or to recover, above zero",
                    ));
                }
            }
        }
        let at = now();
        let id = case.case_id.clone();
        let finding = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            let state: String = sqlx::query("SELECT state FROM compliance_cases WHERE case_id = $1")
                .bind(&id).fetch_one(&mut *tx).await?.try_get("state")?;
            if !CaseState::parse(&state).is_some_and(CaseState::takes_findings) {
                return Ok::<Option<CaseFinding>, sqlx::Error>(None);
            }
            let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM compliance_findings WHERE case_id = $1")
                .bind(&id).fetch_one(&mut *tx).await?.try_get("n")?;
            let finding = CaseFinding {
                finding_no: n + 1,
                kind: kind.to_string(),
                person_sin: sin.to_string(),
                from_month: from.to_string(),
                to_month: to.to_string(),
                declared_salary: f.declared_salary,
                actual_salary: f.actual_salary,
                amount: f.amount,
                note: f.note.trim().to_string(),
            };
            sqlx::query("INSERT INTO compliance_findings (case_id, finding_no, kind, person_sin, from_month, to_month, declared_salary, actual_salary, amount, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                .bind(&id).bind(finding.finding_no).bind(&finding.kind).bind(&finding.person_sin)
                .bind(&finding.from_month).bind(&finding.to_month).bind(finding.declared_salary)
                .bind(finding.actual_salary).bind(finding.amount).bind(&finding.note).bind(&at)
                .execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "case.finding",
                entity_kind: "case",
                entity_id: id.clone(),
                change: serde_json::to_value(&finding).unwrap_or_default(),
            })?;
            tx.commit().await?;
            Ok(Some(finding))
        }.await)?;
        finding.ok_or_else(|| StoreError::Conflict {
            field: "case".into(),
            reason: format!("case {id} moved past its report meanwhile: findings are closed"),
        })
    }

    /// Records a sanction decided on a concluded case: the fine within the range of Decree
    /// 12/2022 Art. 39 for the violation and offender, and the Penal Code Art. 216 screening
    /// flagged on the case when a clause is reached.
    pub async fn add_sanction(
        &self,
        params: &Params,
        case_id: &str,
        s: &NewSanction,
    ) -> Result<CaseSanction, StoreError> {
        let case = self.case(case_id).await?;
        if !matches!(
            case.state(),
            CaseState::Concluded | CaseState::Remedy | CaseState::Sanction
        ) {
            return Err(StoreError::Conflict {
                field: "case".into(),
                reason: format!(
                    "case {} is {}: sanctions follow the conclusion (concluded, remedy or sanction)",
                    case.case_id, case.state
                ),
            });
        }
        let violation: Violation = serde_json::from_value(serde_json::json!(s.violation.trim()))
            .map_err(|_| {
                StoreError::invalid(
                    "violation",
                    format!(
                        "`{}` is not late_payment, evasion, not_registered or under_declared",
                        s.violation.trim()
                    ),
                )
            })?;
        let offender: Offender = serde_json::from_value(serde_json::json!(s.offender.trim()))
            .map_err(|_| {
                StoreError::invalid(
                    "offender",
                    format!("`{}` is not organisation or individual", s.offender.trim()),
                )
            })?;
        amount("amount", s.amount)?;
        amount("fine", s.fine)?;
        if !(0..=10_000_000).contains(&s.workers) {
            return Err(StoreError::invalid("workers", "0 to 10,000,000"));
        }
        let number = s.decision_no.trim();
        if number.is_empty() || number.chars().count() > 60 {
            return Err(StoreError::invalid(
                "decision_no",
                "the sanction decision's number, 1 to 60 characters",
            ));
        }
        let decided = parse_date("decided_on", &s.decided_on)?;
        if let Some(c) = case
            .concluded_on
            .as_deref()
            .and_then(|d| d.parse::<Date>().ok())
            && decided < c
        {
            return Err(StoreError::invalid(
                "decided_on",
                format!("{decided} is before the conclusion ({c})"),
            ));
        }
        let (result, _) = sanction::sanction(
            params,
            &Facts {
                violation,
                offender,
                amount: Dong(s.amount),
                workers: s.workers,
                date: decided,
                months: s.months,
                previously_sanctioned: s.previously_sanctioned,
            },
        )
        .map_err(|e| StoreError::invalid("decided_on", e))?;
        if s.fine < result.fine_min.get() || s.fine > result.fine_max.get() {
            return Err(StoreError::invalid(
                "fine",
                format!(
                    "{} is outside {}–{} ({})",
                    Dong(s.fine),
                    result.fine_min,
                    result.fine_max,
                    result.citation
                ),
            ));
        }
        let at = now();
        let id = case.case_id.clone();
        let clause = result.criminal.clause.map(i64::from);
        let sanction = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM compliance_sanctions WHERE case_id = $1")
                .bind(&id).fetch_one(&mut *tx).await?.try_get("n")?;
            let record = CaseSanction {
                sanction_no: n + 1,
                violation: violation.as_str().to_string(),
                offender: s.offender.trim().to_string(),
                amount: s.amount,
                workers: s.workers,
                fine_min: result.fine_min.get(),
                fine_max: result.fine_max.get(),
                fine: s.fine,
                decision_no: number.to_string(),
                decided_on: decided.to_string(),
                criminal_clause: clause,
            };
            sqlx::query("INSERT INTO compliance_sanctions (case_id, sanction_no, violation, offender, amount, workers, fine_min, fine_max, fine, decision_no, decided_on, criminal_clause, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
                .bind(&id).bind(record.sanction_no).bind(&record.violation).bind(&record.offender)
                .bind(record.amount).bind(record.workers).bind(record.fine_min).bind(record.fine_max)
                .bind(record.fine).bind(&record.decision_no).bind(&record.decided_on).bind(record.criminal_clause).bind(&at)
                .execute(&mut *tx).await?;
            if record.criminal_clause.is_some() {
                sqlx::query("UPDATE compliance_cases SET criminal = 1, updated_at = $1 WHERE case_id = $2")
                    .bind(&at).bind(&id).execute(&mut *tx).await?;
            }
            append!(tx, self, Change {
                action: "case.sanction",
                entity_kind: "case",
                entity_id: id.clone(),
                change: serde_json::to_value(&record).unwrap_or_default(),
            })?;
            tx.commit().await?;
            Ok::<CaseSanction, sqlx::Error>(record)
        }.await)?;
        Ok(sanction)
    }

    /// Records a reminder (đôn đốc) to a unit that still owes what the conclusion recommended
    /// (Decree 217/2025 follow-up of conclusions; L41 Art. 35 urging by the agency): refused
    /// before the conclusion, after closing, when nothing is outstanding, and for a date before
    /// the conclusion or in the future.
    pub async fn remind_case(
        &self,
        params: &Params,
        case_id: &str,
        r: &CaseReminder,
    ) -> Result<CaseFile, StoreError> {
        let file = self.case_file(params, case_id).await?;
        let case = &file.case;
        in_recovery(case, "reminders are sent")?;
        let unpaid_fines = file.fines.saturating_sub(file.fines_paid).max(0);
        if file.outstanding == 0 && unpaid_fines == 0 {
            return Err(StoreError::Conflict {
                field: "case".into(),
                reason: format!("case {}: nothing is outstanding", case.case_id),
            });
        }
        let channel = r.channel.trim();
        if !matches!(channel, "letter" | "email" | "phone" | "visit") {
            return Err(StoreError::invalid(
                "channel",
                format!("`{channel}` is not letter, email, phone or visit"),
            ));
        }
        if r.reference.trim().chars().count() > 64 {
            return Err(StoreError::invalid("reference", "at most 64 characters"));
        }
        if r.note.trim().chars().count() > 2000 {
            return Err(StoreError::invalid("note", "at most 2,000 characters"));
        }
        let sent_on = parse_date("sent_on", &r.sent_on)?;
        if sent_on > crate::registry::today() {
            return Err(StoreError::invalid(
                "sent_on",
                format!("{sent_on} is in the future: a reminder is recorded once sent"),
            ));
        }
        if let Some(Ok(concluded)) = case.concluded_on.as_deref().map(str::parse::<Date>)
            && sent_on < concluded
        {
            return Err(StoreError::invalid(
                "sent_on",
                format!("{sent_on} is before the conclusion of {concluded}"),
            ));
        }
        let id = case.case_id.clone();
        let owed = file.outstanding.saturating_add(unpaid_fines);
        let at = now();
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            let next: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(MAX(reminder_no), 0) + 1 AS BIGINT) FROM compliance_reminders WHERE case_id = $1")
                .bind(&id).fetch_one(&mut *tx).await?;
            sqlx::query("INSERT INTO compliance_reminders (case_id, reminder_no, sent_on, channel, reference, outstanding, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(&id).bind(next).bind(sent_on.to_string()).bind(channel).bind(r.reference.trim())
                .bind(owed).bind(r.note.trim()).bind(&at)
                .execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "case.reminder",
                entity_kind: "case",
                entity_id: id.clone(),
                change: serde_json::json!({"reminder_no": next, "sent_on": sent_on.to_string(), "channel": channel, "reference": r.reference.trim(), "outstanding": owed}),
            })?;
            tx.commit().await
        }.await)?;
        self.case_file(params, &id).await
    }

    /// Records a payment against a concluded case. A payment of the back-collection is also
    /// entered in the employer's account (the same reference), where it is allocated to the
    /// oldest dues first like any payment; a case in follow-up whose recommended amounts are
    /// then paid is closed.
    pub async fn record_case_payment(
        &self,
        params: &Params,
        case_id: &str,
        p: &CasePayment,
    ) -> Result<CaseFile, StoreError> {
        let case = self.case(case_id).await?;
        in_recovery(&case, "payments are recorded")?;
        let what = p.what.trim();
        if !matches!(what, "back_collection" | "recovery" | "fine") {
            return Err(StoreError::invalid(
                "what",
                format!("`{what}` is not back_collection, recovery or fine"),
            ));
        }
        let reference = p.reference.trim();
        if reference.is_empty() || reference.len() > 64 {
            return Err(StoreError::invalid(
                "reference",
                "the bank reference, 1 to 64 characters",
            ));
        }
        if p.amount <= 0 {
            return Err(StoreError::invalid("amount", "must be above zero"));
        }
        amount("amount", p.amount)?;
        let paid_on = parse_date("paid_on", &p.paid_on)?;
        if what == "back_collection" {
            self.record_payment(
                &case.employer_code,
                &crate::account::PaymentRecord {
                    reference: reference.to_string(),
                    paid_on: paid_on.to_string(),
                    amount: p.amount,
                    reverses: None,
                },
            )
            .await?;
        }
        let at = now();
        let id = case.case_id.clone();
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO compliance_payments (case_id, reference, what, paid_on, amount, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&id).bind(reference).bind(what).bind(paid_on.to_string()).bind(p.amount).bind(&at)
                .execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "case.payment",
                entity_kind: "case",
                entity_id: id.clone(),
                change: serde_json::json!({"reference": reference, "what": what, "paid_on": paid_on.to_string(), "amount": p.amount}),
            })?;
            tx.commit().await
        }.await)
        .map_err(|e| StoreError::from(e).unique_as("reference", format!("payment {reference} is already recorded on case {id}")))?;
        let file = self.case_file(params, &id).await?;
        if file.case.state() == CaseState::FollowUp && file.outstanding == 0 {
            return self
                .move_case(
                    params,
                    &id,
                    &Transition {
                        to: "closed".into(),
                        on: paid_on
                            .max(self.last_event_date(&id).await?.unwrap_or(paid_on))
                            .to_string(),
                        note: "remedied: the recommended amounts are paid".into(),
                        ..Transition::default()
                    },
                )
                .await;
        }
        Ok(file)
    }

    /// Cases past a time limit on `as_of`: fieldwork beyond its days, a report not concluded
    /// within the conclusion days, a remedy unpaid after its days (QĐ 1518 as carried over).
    pub async fn overdue_cases(
        &self,
        params: &Params,
        as_of: Date,
    ) -> Result<Vec<OverdueCase>, StoreError> {
        let open = on_pool!(self, pool => sqlx::query(&format!("SELECT {CASE_COLUMNS} FROM compliance_cases WHERE state IN ('decided', 'announced', 'fieldwork', 'reported', 'concluded', 'remedy', 'sanction', 'follow_up') ORDER BY case_id"))
            .fetch_all(pool).await?.iter().map(case_from).collect::<Result<Vec<_>, _>>())?;
        let mut out = Vec::new();
        for c in open {
            let state = c.state();
            let (limit, due) = match state {
                CaseState::Decided | CaseState::Announced | CaseState::Fieldwork => {
                    let file = self.case_file(params, &c.case_id).await?;
                    ("fieldwork", file.fieldwork_deadline)
                }
                CaseState::Reported => {
                    let due = c
                        .reported_on
                        .as_deref()
                        .and_then(|d| d.parse::<Date>().ok())
                        .and_then(|d| {
                            params.examination_time_limits.at(d).ok().map(|l| {
                                (d + jiff::Span::new().days(l.value.conclusion_days)).to_string()
                            })
                        });
                    ("conclusion", due)
                }
                _ => {
                    let file = self.case_file(params, &c.case_id).await?;
                    if file.outstanding == 0 {
                        continue;
                    }
                    ("remedy", file.remedy_deadline)
                }
            };
            let Some(due) = due else { continue };
            let Ok(d) = due.parse::<Date>() else { continue };
            let over = i64::from((as_of - d).get_days());
            if over > 0 {
                out.push(OverdueCase {
                    case_id: c.case_id,
                    employer_code: c.employer_code,
                    state: c.state,
                    limit: limit.into(),
                    due,
                    days_over: over,
                });
            }
        }
        out.sort_by_key(|o| std::cmp::Reverse(o.days_over));
        Ok(out)
    }

    /// Statistics of the cases decided from `from` to `to` (both included), in one province
    /// when given: in total and by province and kind.
    pub async fn compliance_statistics(
        &self,
        from: Date,
        to: Date,
        province: Option<&str>,
    ) -> Result<(Statistics, Vec<StatisticsRow>), StoreError> {
        if to < from {
            return Err(StoreError::invalid(
                "to",
                format!("{to} is before from {from}"),
            ));
        }
        let province = province.map(str::trim).unwrap_or("");
        let (cases, workers, paid) = on_pool!(self, pool => {
            let cases = sqlx::query(&format!("SELECT {CASE_COLUMNS} FROM compliance_cases WHERE decided_on >= $1 AND decided_on <= $2 AND ($3 = '' OR province = $3)"))
                .bind(from.to_string()).bind(to.to_string()).bind(province)
                .fetch_all(pool).await?.iter().map(case_from).collect::<Result<Vec<_>, _>>()?;
            let mut workers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for r in sqlx::query("SELECT f.case_id, f.person_sin FROM compliance_findings f JOIN compliance_cases c ON c.case_id = f.case_id WHERE c.decided_on >= $1 AND c.decided_on <= $2 AND ($3 = '' OR c.province = $3) AND f.kind <> 'improper_benefit'")
                .bind(from.to_string()).bind(to.to_string()).bind(province).fetch_all(pool).await? {
                workers.entry(r.try_get("case_id")?).or_default().insert(r.try_get("person_sin")?);
            }
            let mut paid: BTreeMap<String, (i64, i64)> = BTreeMap::new();
            for r in sqlx::query("SELECT p.case_id, p.what, CAST(SUM(p.amount) AS BIGINT) AS amount FROM compliance_payments p JOIN compliance_cases c ON c.case_id = p.case_id WHERE c.decided_on >= $1 AND c.decided_on <= $2 AND ($3 = '' OR c.province = $3) GROUP BY p.case_id, p.what")
                .bind(from.to_string()).bind(to.to_string()).bind(province).fetch_all(pool).await? {
                let what: String = r.try_get("what")?;
                let amount: i64 = r.try_get::<Option<i64>, _>("amount")?.unwrap_or(0);
                let e = paid.entry(r.try_get("case_id")?).or_default();
                if what == "fine" { e.1 += amount } else { e.0 += amount }
            }
            (cases, workers, paid)
        });
        let fines = self.fines_by_case(from, to, province).await?;
        let mut total = Statistics::default();
        let mut rows: BTreeMap<(String, String), (Statistics, BTreeSet<String>)> = BTreeMap::new();
        let mut units = BTreeSet::new();
        for c in &cases {
            units.insert(c.employer_code.clone());
            let w = workers.get(&c.case_id).map_or(0, |s| s.len() as i64);
            let (recovered, fines_paid) = paid.get(&c.case_id).copied().unwrap_or((0, 0));
            let fine = fines.get(&c.case_id).copied().unwrap_or(0);
            let add = |s: &mut Statistics| {
                s.examinations += 1;
                s.workers += w;
                s.recommended += c.recommended();
                s.recovered += recovered;
                s.fines += fine;
                s.fines_collected += fines_paid;
            };
            add(&mut total);
            let row = rows
                .entry((c.province.clone(), c.kind.clone()))
                .or_default();
            add(&mut row.0);
            row.1.insert(c.employer_code.clone());
        }
        total.units = units.len() as i64;
        let rows = rows
            .into_iter()
            .map(|((province, kind), (mut totals, units))| {
                totals.units = units.len() as i64;
                StatisticsRow {
                    province,
                    kind,
                    totals,
                }
            })
            .collect();
        Ok((total, rows))
    }

    async fn fines_by_case(
        &self,
        from: Date,
        to: Date,
        province: &str,
    ) -> Result<BTreeMap<String, i64>, StoreError> {
        let mut out = BTreeMap::new();
        on_pool!(self, pool => {
            for r in sqlx::query("SELECT s.case_id, CAST(SUM(s.fine) AS BIGINT) AS fine FROM compliance_sanctions s JOIN compliance_cases c ON c.case_id = s.case_id WHERE c.decided_on >= $1 AND c.decided_on <= $2 AND ($3 = '' OR c.province = $3) GROUP BY s.case_id")
                .bind(from.to_string()).bind(to.to_string()).bind(province).fetch_all(pool).await? {
                out.insert(r.try_get::<String, _>("case_id")?, r.try_get::<Option<i64>, _>("fine")?.unwrap_or(0));
            }
        });
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::share;

    #[test]
    fn the_share_remedied_is_rounded_half_up_to_a_tenth() {
        assert_eq!(share(1, 3), "33.3%");
        assert_eq!(share(2, 3), "66.7%");
        assert_eq!(share(5, 8), "62.5%");
        assert_eq!(share(0, 0), "100.0%");
        assert_eq!(share(i64::MAX, i64::MAX), "100.0%");
    }
}
