//! Benefit claims as the agency receives and decides them (hồ sơ hưởng chế độ BHXH; L41 Art.
//! 47–48, 61–62, 70, 77–79, 90–91): the intake with its dossier checklist and statutory time
//! limit, the documents uploaded (stored once by SHA-256), the decision computed from the
//! system of record — never from typed totals — with its explanation kept, the second officer's
//! approval above a threshold, and the written refusal.
//!
//! The rules are the core's: who files, the deadlines and the documents
//! ([`ansinh_rules::benefit_claim`]), the amounts ([`ansinh_rules::calc`], the same requests as
//! `ansinh calc`), the payment instruction ([`ansinh_rules::payment_channel`]). What this module
//! adds is what the record knows: the career, the salaries, the person.

use crate::audit::{Change, append};
use crate::career::Career;
use crate::{Store, StoreError, now, on_pool, parse_date};
use ansinh_core::{Date, Dong, Month};
use ansinh_rules::Params;
use ansinh_rules::benefit_claim::{self as rules, ClaimKind};
use ansinh_rules::payment_channel::{self, Authorisation, Instruction};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::Row;
use utoipa::ToSchema;

/// The kinds a decision can be computed for from the record, with the `ansinh calc` kind.
pub const DECIDED_FROM_RECORD: [&str; 5] = [
    "pension",
    "one_time",
    "sickness",
    "maternity",
    "maternity_direct",
];

/// Fields of a calculation the record supplies: a claim may not type them (L41 Art. 62, 72:
/// the amounts come from the salaries on which contributions were paid).
const FROM_RECORD: [&str; 9] = [
    "history",
    "salary",
    "average_salary",
    "sex",
    "birth_date",
    "settlement_year",
    "months_contributed_last_12",
    "contribution_years",
    "kind",
];

/// How a payment is to be made (L41 Art. 10.2.d–đ, 93).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInstruction {
    /// `bank`, `post_office`, `cash`, `home_delivery` or `employer`.
    pub channel: String,
    #[serde(default)]
    pub bank: Option<String>,
    #[serde(default)]
    pub account: Option<String>,
    /// Who collects in the beneficiary's place under a written authorisation.
    #[serde(default)]
    pub collector: Option<String>,
    #[serde(default)]
    pub authorised_from: Option<String>,
    #[serde(default)]
    pub authorised_to: Option<String>,
}

impl PaymentInstruction {
    /// Checks the instruction with the rules core, naming the field under `payment`.
    pub fn check(&self, params: &Params, birth: Date, on: Date) -> Result<(), StoreError> {
        let authorised = match (&self.collector, &self.authorised_from, &self.authorised_to) {
            (None, None, None) => None,
            (Some(c), Some(f), Some(t)) => Some(Authorisation {
                collector: c,
                from: parse_date("payment.authorised_from", f)?,
                to: parse_date("payment.authorised_to", t)?,
            }),
            _ => {
                return Err(StoreError::invalid(
                    "payment.collector",
                    "an authorisation names its collector, authorised_from and authorised_to together",
                ));
            }
        };
        let instruction = Instruction {
            channel: self.channel.trim(),
            bank: self.bank.as_deref(),
            account: self.account.as_deref(),
            authorised,
        };
        payment_channel::check(params, &instruction, birth, on).map_err(|e| match e {
            payment_channel::PaymentError::Invalid { field, reason } => {
                // The rules name the authorisation's parts; the instruction's fields are flat.
                let field = match field {
                    "authorised.to" => "authorised_to",
                    "authorised.from" | "authorised" => "authorised_from",
                    "authorised.collector" => "collector",
                    other => other,
                };
                StoreError::invalid(&format!("payment.{field}"), reason)
            }
            other => StoreError::invalid("payment", other),
        })
    }
}

/// A claim received (at the counter, online, or on an employer's list).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClaim {
    pub person_sin: String,
    /// A kind of `rules/vn/benefit_claims.toml`: `pension`, `one_time`, `sickness`,
    /// `maternity`, `maternity_direct`, `survivor`, `funeral`, …
    pub kind: String,
    /// `employer_list`, `counter` or `online`.
    pub channel: String,
    /// The employer whose list carries the claim (required on `employer_list`).
    #[serde(default)]
    pub employer_code: Option<String>,
    /// The event: the return to work, the birth, the day the pension is due, the death.
    pub event_date: String,
    /// The day the agency received the dossier (today when absent).
    #[serde(default)]
    pub received_on: Option<String>,
    /// The documents supplied, by the names of the kind's checklist.
    #[serde(default)]
    pub documents: Vec<String>,
    /// The filer's written explanation of a late dossier (L41 Art. 92.1).
    #[serde(default)]
    pub late_explanation: Option<String>,
    /// The event's own facts for the calculation (days of leave, children, the ground of a
    /// one-time payment…); never amounts or the history, which come from the record.
    #[serde(default)]
    pub facts: Option<Value>,
    pub payment: PaymentInstruction,
    /// The office that handles it (the employer's province when absent).
    #[serde(default)]
    pub office: Option<String>,
}

/// A claim as stored.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Claim {
    pub claim_id: String,
    pub person_sin: String,
    pub kind: String,
    pub fund: String,
    pub channel: String,
    pub employer_code: Option<String>,
    pub office: String,
    pub event_date: String,
    pub received_on: String,
    /// The day nothing was missing any more: the decision's clock starts.
    pub complete_on: Option<String>,
    pub decision_due: Option<String>,
    pub days_late: Option<i64>,
    pub late_explanation: Option<String>,
    #[schema(value_type = Object)]
    pub facts: Value,
    pub documents: Vec<String>,
    /// What the agency asks for in writing before it can decide.
    pub missing: Vec<String>,
    /// `incomplete`, `complete`, `decided` (awaiting approval), `approved` or `refused`.
    pub state: String,
    pub payment: PaymentInstruction,
    pub created_at: String,
    pub updated_at: String,
}

/// A decision on a claim, with what it was computed from.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Decision {
    pub claim_id: String,
    /// `granted` or `refused`.
    pub outcome: String,
    pub reason: String,
    /// What is paid once (đồng).
    pub one_off: i64,
    /// What is paid every month from `first_month` (đồng).
    pub monthly: i64,
    pub first_month: Option<String>,
    /// The request the rules core was asked, built from the record.
    #[schema(value_type = Object)]
    pub request: Value,
    /// The rules core's answer with its explanation lines.
    #[schema(value_type = Object)]
    pub explanation: Value,
    pub decided_by: String,
    pub decided_on: String,
    pub needs_approval: bool,
    pub approved_by: Option<String>,
    pub approved_on: Option<String>,
}

/// An officer's decision.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// `grant` or `refuse`.
    pub outcome: String,
    /// Why, in writing (required to refuse, L41 Art. 48, 62, 79, 91).
    #[serde(default)]
    pub reason: Option<String>,
    /// The decision's day (today when absent).
    #[serde(default)]
    pub on: Option<String>,
}

/// A document uploaded for a claim.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ClaimDocument {
    pub document: String,
    pub sha256: String,
    pub file_name: String,
    pub size: i64,
    pub uploaded_at: String,
}

/// The claims of a queue.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ClaimFilter {
    pub state: Option<String>,
    pub office: Option<String>,
    pub person: Option<String>,
    /// The claims on this employer's lists.
    pub employer: Option<String>,
    /// Only claims past their decision day on this day.
    pub overdue_on: Option<String>,
    pub limit: Option<i64>,
}

const CLAIM_COLUMNS: &str = "claim_id, person_sin, kind, channel, employer_code, office, event_date, received_on, complete_on, decision_due, days_late, late_explanation, facts, documents, missing, state, payment, created_at, updated_at";

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn claim_from<R: Row>(r: &R, params: &Params) -> Result<Claim, sqlx::Error>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<i64>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let kind: String = r.try_get("kind")?;
    let event: String = r.try_get("event_date")?;
    let fund = event
        .parse::<Date>()
        .ok()
        .and_then(|d| rules::kind(params, &kind, d).ok())
        .map(|k| k.fund.clone())
        .unwrap_or_default();
    let facts: String = r.try_get("facts")?;
    let payment: String = r.try_get("payment")?;
    Ok(Claim {
        claim_id: r.try_get("claim_id")?,
        person_sin: r.try_get("person_sin")?,
        kind,
        fund,
        channel: r.try_get("channel")?,
        employer_code: r.try_get("employer_code")?,
        office: r.try_get("office")?,
        event_date: event,
        received_on: r.try_get("received_on")?,
        complete_on: r.try_get("complete_on")?,
        decision_due: r.try_get("decision_due")?,
        days_late: r.try_get("days_late")?,
        late_explanation: r.try_get("late_explanation")?,
        facts: serde_json::from_str(&facts).unwrap_or(Value::Null),
        documents: list(&r.try_get::<String, _>("documents")?),
        missing: list(&r.try_get::<String, _>("missing")?),
        state: r.try_get("state")?,
        payment: serde_json::from_str(&payment).unwrap_or_default(),
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn decision_from<R: Row>(r: &R) -> Result<Decision, sqlx::Error>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let request: String = r.try_get("request")?;
    let explanation: String = r.try_get("explanation")?;
    Ok(Decision {
        claim_id: r.try_get("claim_id")?,
        outcome: r.try_get("outcome")?,
        reason: r.try_get("reason")?,
        one_off: r.try_get("one_off")?,
        monthly: r.try_get("monthly")?,
        first_month: r.try_get("first_month")?,
        request: serde_json::from_str(&request).unwrap_or(Value::Null),
        explanation: serde_json::from_str(&explanation).unwrap_or(Value::Null),
        decided_by: r.try_get("decided_by")?,
        decided_on: r.try_get("decided_on")?,
        needs_approval: r.try_get::<i64, _>("needs_approval")? != 0,
        approved_by: r.try_get("approved_by")?,
        approved_on: r.try_get("approved_on")?,
    })
}

/// What the rules core computes for a claim from the record.
#[derive(Clone, Debug, PartialEq)]
pub struct Computed {
    pub request: Value,
    pub answer: Value,
    pub one_off: Dong,
    pub monthly: Dong,
    pub first_month: Option<Month>,
    /// Why the record gives no benefit (the core's reason), when it gives none.
    pub ineligible: Option<String>,
}

/// The average of the last `n` career months before `before` (L41 Art. 59: maternity's average
/// of the six months before), and how many of the 12 months before were contributed.
fn before_event(career: &Career, before: Month, n: usize) -> (i64, i64, i64) {
    let earlier: Vec<&crate::career::CareerMonth> = career
        .months
        .iter()
        .filter(|m| m.month.parse::<Month>().is_ok_and(|x| x < before))
        .collect();
    let last: Vec<i64> = earlier.iter().rev().take(n).map(|m| m.salary).collect();
    let average = if last.is_empty() {
        0
    } else {
        last.iter().sum::<i64>() / last.len() as i64
    };
    let window = before.plus(-12);
    let in_window = earlier
        .iter()
        .filter(|m| m.month.parse::<Month>().is_ok_and(|x| x >= window))
        .count() as i64;
    let latest = earlier.last().map_or(0, |m| m.salary);
    (average, in_window, latest)
}

/// The request of `ansinh calc` for a claim, built from the person and their career: the same
/// request an officer would type into the calculator from the record (L41 Art. 45, 59, 66, 72).
pub fn calc_request(
    kind: &str,
    person: &crate::Person,
    career: &Career,
    event: Date,
    facts: &Value,
) -> Result<Value, StoreError> {
    let mut request = match kind {
        "pension" => json!({
            "kind": "pension", "sex": person.sex, "birth_date": person.birth_date,
            "settlement_year": event.year(), "history": crate::career::history_rows(career),
        }),
        "one_time" => json!({
            "kind": "one_time", "settlement_year": event.year(), "decision_date": event.to_string(),
            "history": crate::career::history_rows(career),
        }),
        "sickness" => {
            let (_, _, latest) = before_event(career, Month::of(event), 1);
            json!({
                "kind": "sickness", "salary": latest, "date": event.to_string(),
                "contribution_years": career.months.len() as i64 / 12,
            })
        }
        "maternity" | "maternity_direct" => {
            let (average, window, _) = before_event(career, Month::of(event), 6);
            json!({
                "kind": "maternity", "average_salary": average, "birth_date": event.to_string(),
                "months_contributed_last_12": window,
            })
        }
        other => {
            return Err(StoreError::invalid(
                "kind",
                format!(
                    "a decision on `{other}` is not computed from the record yet (only {}): decide it outside Ansinh",
                    DECIDED_FROM_RECORD.join(", ")
                ),
            ));
        }
    };
    request["jurisdiction"] = json!("VN");
    if let Value::Object(f) = facts {
        for (k, v) in f {
            request[k] = v.clone();
        }
    }
    Ok(request)
}

/// What an answer of the rules core gives for a claim of `kind`: the one-off amount, the monthly
/// amount, a pension's first month (its `retirement_month`, the first month of pension, L41
/// Art. 71) and why nothing is due when the record meets no condition.
fn amounts(kind: &str, body: &Value) -> (Dong, Dong, Option<Month>, Option<String>) {
    let int = |k: &str| body[k].as_i64().unwrap_or(0);
    let eligible = body["eligible"].as_bool().unwrap_or(true);
    let reason = (!eligible).then(|| {
        body["reason"]
            .as_str()
            .unwrap_or("the record does not meet the conditions")
            .to_string()
    });
    match kind {
        "pension" => (
            Dong(int("one_off_allowance")),
            Dong(int("monthly_pension")),
            body["retirement_month"]
                .as_str()
                .and_then(|m| m.parse().ok()),
            reason,
        ),
        "maternity" | "maternity_direct" => (
            Dong(int("allowance").saturating_add(int("lump_sum"))),
            Dong(0),
            None,
            reason,
        ),
        _ => (Dong(int("amount")), Dong(0), None, reason),
    }
}

fn check_facts(facts: &Option<Value>) -> Result<Value, StoreError> {
    match facts {
        None | Some(Value::Null) => Ok(json!({})),
        Some(Value::Object(map)) => {
            for k in map.keys() {
                if FROM_RECORD.contains(&k.as_str()) {
                    return Err(StoreError::invalid(
                        &format!("facts.{k}"),
                        "comes from the record, not typed into a claim",
                    ));
                }
            }
            Ok(Value::Object(map.clone()))
        }
        Some(_) => Err(StoreError::invalid("facts", "must be a JSON object")),
    }
}

impl Store {
    /// The person a claim or a period names, or why not: the field is `person_sin`.
    async fn registered_person(&self, sin: &str) -> Result<crate::Person, StoreError> {
        self.person(sin).await?.ok_or_else(|| {
            StoreError::invalid("person_sin", format!("no person {sin} is registered"))
        })
    }

    /// The person, the career through the month before `event` and the verified periods:
    /// what a decision is computed from.
    async fn record_for(
        &self,
        sin: &str,
        event: Date,
    ) -> Result<(crate::Person, Career), StoreError> {
        let person = self.registered_person(sin).await?;
        let mut career = self.career(sin, Month::of(event).plus(-1)).await?;
        let verified: Vec<(Month, Month, i64)> = self
            .verified_periods_of(sin)
            .await?
            .iter()
            .filter_map(|v| {
                Some((
                    v.period_from.parse().ok()?,
                    v.period_to.parse().ok()?,
                    v.salary,
                ))
            })
            .filter(|(from, _, _)| *from < Month::of(event))
            .collect();
        career.add_verified(&verified, "verified");
        Ok((person, career))
    }

    /// What the rules core gives for a claim from the record as it stands.
    pub async fn compute_claim(
        &self,
        params: &Params,
        kind: &str,
        sin: &str,
        event: Date,
        facts: &Value,
    ) -> Result<Computed, StoreError> {
        if self
            .jurisdiction()
            .await?
            .as_deref()
            .is_some_and(|j| j != "VN")
        {
            return Err(StoreError::invalid(
                "kind",
                "decisions from the record follow Vietnam's law; this database holds another jurisdiction",
            ));
        }
        let (person, career) = self.record_for(sin, event).await?;
        let request = calc_request(kind, &person, &career, event, facts)?;
        let answer = ansinh_rules::calc::calc(params, &request).map_err(|e| {
            // A field the record supplied is named as such; one the claim typed, under `facts`.
            let root = e.field.split(['.', '[']).next().unwrap_or("");
            let field = if FROM_RECORD.contains(&root) {
                e.field.clone()
            } else {
                format!("facts.{}", e.field)
            };
            StoreError::invalid(&field, e.reason)
        })?;
        let (one_off, monthly, first_month, ineligible) = amounts(kind, &answer.body);
        Ok(Computed {
            request,
            answer: answer.body,
            one_off,
            monthly,
            first_month,
            ineligible,
        })
    }

    /// Receives a claim: checks the person, the kind, the channel, the payment instruction and
    /// the facts; a claim of the same person, kind and event is refused as a duplicate; a kind
    /// decided from the record is computed at once, and one the record gives nothing for is
    /// refused naming why. The dossier's missing documents are listed; a complete one gets its
    /// decision day (L41 Art. 48, 62, 79).
    pub async fn receive_claim(&self, params: &Params, c: &NewClaim) -> Result<Claim, StoreError> {
        let sin = c.person_sin.trim();
        let person = self.registered_person(sin).await?;
        let event = parse_date("event_date", &c.event_date)?;
        let received = match &c.received_on {
            Some(r) => parse_date("received_on", r)?,
            None => self.today(),
        };
        if received > self.today() {
            return Err(StoreError::invalid(
                "received_on",
                format!(
                    "{received} is after today ({}): a claim is received on a day that has come",
                    self.today()
                ),
            ));
        }
        if received < event && !matches!(c.kind.trim(), "pension") {
            return Err(StoreError::invalid(
                "received_on",
                format!(
                    "{received} is before the event {event}: a claim follows its event (a pension's dossier alone is filed before it)"
                ),
            ));
        }
        let kind: &ClaimKind = rules::kind(params, c.kind.trim(), event)
            .map_err(|e| StoreError::invalid("kind", e.to_string().trim_start_matches("kind: ")))?;
        let channel = c.channel.trim();
        if !matches!(channel, "employer_list" | "counter" | "online") {
            return Err(StoreError::invalid(
                "channel",
                format!("`{channel}` is not employer_list, counter or online"),
            ));
        }
        let employer = match c
            .employer_code
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(code) => Some(self.employer(code).await?.ok_or_else(|| {
                StoreError::invalid("employer_code", format!("no employer {code} is registered"))
            })?),
            None => None,
        };
        if channel == "employer_list" && employer.is_none() {
            return Err(StoreError::invalid(
                "employer_code",
                "a claim on an employer's list names the employer",
            ));
        }
        if kind.filer == "employer_list" && channel != "employer_list" {
            return Err(StoreError::invalid(
                "channel",
                format!(
                    "a {} claim comes on the employer's list ({})",
                    c.kind.trim(),
                    kind.citation
                ),
            ));
        }
        let birth = parse_date("birth_date", &person.birth_date)?;
        c.payment.check(params, birth, received)?;
        let facts = check_facts(&c.facts)?;
        let mut documents: Vec<String> = Vec::new();
        for (i, d) in c.documents.iter().enumerate() {
            let d = d.trim();
            if !kind.documents.iter().any(|k| k == d) {
                return Err(StoreError::invalid(
                    &format!("documents[{i}]"),
                    format!(
                        "`{d}` is not a document of a {} dossier ({})",
                        c.kind.trim(),
                        kind.documents.join(", ")
                    ),
                ));
            }
            if !documents.iter().any(|x| x == d) {
                documents.push(d.to_string());
            }
        }
        let days_late = rules::days_late(kind, event, received);
        let explanation = c
            .late_explanation
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let mut missing: Vec<String> = rules::missing_documents(
            kind,
            &documents.iter().map(String::as_str).collect::<Vec<_>>(),
        )
        .into_iter()
        .map(str::to_string)
        .collect();
        if days_late.is_some() && explanation.is_none() {
            missing.push("late_explanation".into());
        }
        // A kind the record decides: the record must give something before the claim is taken
        // as one to decide (L41 Art. 64, 70, 45, 58: the months required).
        if DECIDED_FROM_RECORD.contains(&c.kind.trim()) {
            let computed = self
                .compute_claim(params, c.kind.trim(), sin, event, &facts)
                .await?;
            if let Some(why) = computed.ineligible {
                return Err(StoreError::invalid(
                    "person_sin",
                    format!("the record gives no {}: {why}", c.kind.trim()),
                ));
            }
        }
        let (state, complete_on, due) = if missing.is_empty() {
            (
                "complete",
                Some(received.to_string()),
                Some(rules::decision_due(params, kind, received).to_string()),
            )
        } else {
            ("incomplete", None, None)
        };
        let office = c
            .office
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .or_else(|| employer.as_ref().map(|e| e.province.clone()))
            .unwrap_or_else(|| "VN".into());
        let payment = serde_json::to_string(&c.payment).unwrap_or_default();
        let _guard = self.write_lock.lock().await;
        let at = now();
        let year = received.year();
        let kind_name = c.kind.trim().to_string();
        let id = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM benefit_claims WHERE claim_id LIKE $1")
                .bind(format!("HS-{year}-%")).fetch_one(&mut *tx).await?.try_get("n")?;
            let id = format!("HS-{year}-{:07}", n + 1);
            sqlx::query(&format!("INSERT INTO benefit_claims ({CLAIM_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)"))
                .bind(&id).bind(sin).bind(&kind_name).bind(channel)
                .bind(employer.as_ref().map(|e| e.unit_code.clone())).bind(&office)
                .bind(event.to_string()).bind(received.to_string()).bind(&complete_on).bind(&due)
                .bind(days_late).bind(explanation).bind(facts.to_string()).bind(documents.join(","))
                .bind(missing.join(",")).bind(state).bind(&payment).bind(&at)
                .execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "benefit_claim.receive",
                entity_kind: "benefit_claim",
                entity_id: id.clone(),
                change: json!({"person_sin": sin, "kind": kind_name, "channel": channel, "event_date": event.to_string(), "missing": missing}),
            })?;
            tx.commit().await?;
            Ok::<String, sqlx::Error>(id)
        }.await)
        .map_err(|e| StoreError::from(e).unique_as("event_date", format!("a {kind_name} claim of {sin} for the event of {event} is already received")))?;
        self.benefit_claim(params, &id).await
    }

    /// One claim, or not found.
    pub async fn benefit_claim(&self, params: &Params, id: &str) -> Result<Claim, StoreError> {
        let sql = format!("SELECT {CLAIM_COLUMNS} FROM benefit_claims WHERE claim_id = $1");
        let row = on_pool!(self, pool => match sqlx::query(&sql).bind(id.trim()).fetch_optional(pool).await? {
            Some(r) => Some(claim_from(&r, params)?),
            None => None,
        });
        row.ok_or_else(|| StoreError::NotFound {
            what: format!("benefit claim {}", id.trim()),
        })
    }

    /// Claims of a queue: by state, office or person; those past their decision day when
    /// `overdue_on` is given (the overdue queue per office), oldest due first.
    pub async fn benefit_claims(
        &self,
        params: &Params,
        f: &ClaimFilter,
    ) -> Result<Vec<Claim>, StoreError> {
        let text = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_string();
        let overdue = match &f.overdue_on {
            Some(d) => parse_date("overdue_on", d)?.to_string(),
            None => String::new(),
        };
        let sql = format!(
            "SELECT {CLAIM_COLUMNS} FROM benefit_claims WHERE ($1 = '' OR state = $1) AND ($2 = '' OR office = $2) AND ($3 = '' OR person_sin = $3) AND ($4 = '' OR (state IN ('incomplete', 'complete', 'decided') AND decision_due < $4)) AND ($5 = '' OR employer_code = $5) ORDER BY COALESCE(decision_due, received_on), claim_id LIMIT $6"
        );
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(text(&f.state)).bind(text(&f.office)).bind(text(&f.person)).bind(&overdue).bind(text(&f.employer))
            .bind(f.limit.unwrap_or(200).clamp(1, 10_000))
            .fetch_all(pool).await?.iter().map(|r| claim_from(r, params)).collect::<Result<Vec<_>, _>>())
        .map_err(StoreError::from)
    }

    /// Stores a document of a claim's dossier by its SHA-256 (the same file twice is stored
    /// once) and, when nothing is missing any more, starts the decision's clock.
    pub async fn attach_document(
        &self,
        params: &Params,
        claim_id: &str,
        document: &str,
        file_name: &str,
        media_type: &str,
        content: &[u8],
    ) -> Result<Claim, StoreError> {
        let claim = self.benefit_claim(params, claim_id).await?;
        if !matches!(claim.state.as_str(), "incomplete" | "complete") {
            return Err(StoreError::Conflict {
                field: "claim_id".into(),
                reason: format!("the claim is {}: its dossier is closed", claim.state),
            });
        }
        let event = parse_date("event_date", &claim.event_date)?;
        let kind =
            rules::kind(params, &claim.kind, event).map_err(|e| StoreError::invalid("kind", e))?;
        let document = document.trim();
        if document != "late_explanation" && !kind.documents.iter().any(|k| k == document) {
            return Err(StoreError::invalid(
                "document",
                format!(
                    "`{document}` is not a document of a {} dossier ({})",
                    claim.kind,
                    kind.documents.join(", ")
                ),
            ));
        }
        if content.is_empty() {
            return Err(StoreError::invalid("file", "the file is empty"));
        }
        if content.len() > 10 * 1024 * 1024 {
            return Err(StoreError::invalid("file", "at most 10 MB a document"));
        }
        let sha = crate::declaration::content_hash(content);
        let mut documents = claim.documents.clone();
        if !documents.iter().any(|d| d == document) {
            documents.push(document.to_string());
        }
        let mut missing: Vec<String> = claim
            .missing
            .iter()
            .filter(|m| m.as_str() != document)
            .cloned()
            .collect();
        missing.dedup();
        let today = self.today();
        let (state, complete_on, due) = if missing.is_empty() {
            let on = claim.complete_on.clone().unwrap_or_else(|| {
                today
                    .max(parse_date("received_on", &claim.received_on).unwrap_or(today))
                    .to_string()
            });
            let due =
                rules::decision_due(params, kind, parse_date("complete_on", &on)?).to_string();
            ("complete", Some(on), Some(due))
        } else {
            ("incomplete", None, None)
        };
        let _guard = self.write_lock.lock().await;
        let at = now();
        let size = content.len() as i64;
        let name = file_name.trim().chars().take(200).collect::<String>();
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO benefit_documents (sha256, content, size, media_type, stored_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING")
                .bind(&sha).bind(content).bind(size).bind(media_type.trim()).bind(&at)
                .execute(&mut *tx).await?;
            sqlx::query("INSERT INTO benefit_claim_documents (claim_id, document, sha256, file_name, uploaded_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (claim_id, document, sha256) DO NOTHING")
                .bind(&claim.claim_id).bind(document).bind(&sha).bind(&name).bind(&at)
                .execute(&mut *tx).await?;
            sqlx::query("UPDATE benefit_claims SET documents = $1, missing = $2, state = $3, complete_on = $4, decision_due = $5, updated_at = $6 WHERE claim_id = $7")
                .bind(documents.join(",")).bind(missing.join(",")).bind(state).bind(&complete_on).bind(&due).bind(&at).bind(&claim.claim_id)
                .execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "benefit_claim.document",
                entity_kind: "benefit_claim",
                entity_id: claim.claim_id.clone(),
                change: json!({"document": document, "sha256": sha, "size": size}),
            })?;
            tx.commit().await
        }.await)?;
        self.benefit_claim(params, claim_id).await
    }

    /// The documents uploaded for a claim.
    pub async fn claim_documents(&self, claim_id: &str) -> Result<Vec<ClaimDocument>, StoreError> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT c.document, c.sha256, c.file_name, d.size, c.uploaded_at FROM benefit_claim_documents c JOIN benefit_documents d ON d.sha256 = c.sha256 WHERE c.claim_id = $1 ORDER BY c.uploaded_at, c.document")
                .bind(claim_id.trim()).fetch_all(pool).await?;
            rows.iter().map(|r| Ok(ClaimDocument {
                document: r.try_get("document")?,
                sha256: r.try_get("sha256")?,
                file_name: r.try_get("file_name")?,
                size: r.try_get("size")?,
                uploaded_at: r.try_get("uploaded_at")?,
            })).collect::<Result<Vec<_>, sqlx::Error>>()
        })
        .map_err(StoreError::from)
    }

    /// A stored document's bytes and media type, by its hash.
    pub async fn document_content(&self, sha256: &str) -> Result<(Vec<u8>, String), StoreError> {
        let row = on_pool!(self, pool => match sqlx::query("SELECT content, media_type FROM benefit_documents WHERE sha256 = $1").bind(sha256.trim()).fetch_optional(pool).await? {
            Some(r) => Some((r.try_get::<Vec<u8>, _>("content")?, r.try_get::<String, _>("media_type")?)),
            None => None,
        });
        row.ok_or_else(|| StoreError::NotFound {
            what: format!("document {}", sha256.trim()),
        })
    }

    /// The decision on a claim, when there is one.
    pub async fn claim_decision(&self, claim_id: &str) -> Result<Option<Decision>, StoreError> {
        on_pool!(self, pool => match sqlx::query("SELECT claim_id, outcome, reason, one_off, monthly, first_month, request, explanation, decided_by, decided_on, needs_approval, approved_by, approved_on FROM benefit_decisions WHERE claim_id = $1").bind(claim_id.trim()).fetch_optional(pool).await? {
            Some(r) => Ok(Some(decision_from(&r)?)),
            None => Ok(None),
        })
    }

    /// Decides a complete claim: a refusal with its written reason, or a grant computed from
    /// the record by the rules core, its explanation kept. A grant above the threshold waits
    /// for a second officer ([`Store::approve_claim`]); one below is approved at once and paid.
    pub async fn decide_claim(
        &self,
        params: &Params,
        claim_id: &str,
        d: &DecisionInput,
    ) -> Result<Decision, StoreError> {
        let claim = self.benefit_claim(params, claim_id).await?;
        match claim.state.as_str() {
            "complete" => {}
            "incomplete" => {
                return Err(StoreError::Conflict {
                    field: "claim_id".into(),
                    reason: format!(
                        "the dossier lacks {}: ask for it in writing before deciding",
                        claim.missing.join(", ")
                    ),
                });
            }
            other => {
                return Err(StoreError::Conflict {
                    field: "claim_id".into(),
                    reason: format!("the claim is already {other}"),
                });
            }
        }
        let on = match &d.on {
            Some(s) => parse_date("on", s)?,
            None => self.today(),
        };
        let event = parse_date("event_date", &claim.event_date)?;
        let officer = self.actor.user.clone();
        let reason = d.reason.as_deref().map(str::trim).unwrap_or("").to_string();
        let decision = match d.outcome.trim() {
            "refuse" => {
                if reason.is_empty() {
                    return Err(StoreError::invalid(
                        "reason",
                        "a refusal is written with its reason (L41 Art. 48, 62, 79, 91)",
                    ));
                }
                Decision {
                    claim_id: claim.claim_id.clone(),
                    outcome: "refused".into(),
                    reason,
                    one_off: 0,
                    monthly: 0,
                    first_month: None,
                    request: Value::Null,
                    explanation: Value::Null,
                    decided_by: officer,
                    decided_on: on.to_string(),
                    needs_approval: false,
                    approved_by: None,
                    approved_on: None,
                }
            }
            "grant" => {
                let computed = self
                    .compute_claim(params, &claim.kind, &claim.person_sin, event, &claim.facts)
                    .await?;
                if let Some(why) = computed.ineligible {
                    return Err(StoreError::invalid(
                        "outcome",
                        format!(
                            "the record gives no {}: {why}; refuse it in writing",
                            claim.kind
                        ),
                    ));
                }
                let needs =
                    rules::needs_second_approval(params, on, computed.one_off, computed.monthly)
                        .map_err(|e| StoreError::invalid("on", e))?;
                Decision {
                    claim_id: claim.claim_id.clone(),
                    outcome: "granted".into(),
                    reason,
                    one_off: computed.one_off.get(),
                    monthly: computed.monthly.get(),
                    first_month: computed.first_month.map(|m| m.to_string()),
                    request: computed.request,
                    explanation: computed.answer,
                    decided_by: officer,
                    decided_on: on.to_string(),
                    needs_approval: needs,
                    approved_by: None,
                    approved_on: None,
                }
            }
            other => {
                return Err(StoreError::invalid(
                    "outcome",
                    format!("`{other}` is not grant or refuse"),
                ));
            }
        };
        let state = match (decision.outcome.as_str(), decision.needs_approval) {
            ("refused", _) => "refused",
            (_, true) => "decided",
            _ => "approved",
        };
        let _guard = self.write_lock.lock().await;
        let at = now();
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO benefit_decisions (claim_id, outcome, reason, one_off, monthly, first_month, request, explanation, decided_by, decided_on, needs_approval, approved_by, approved_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, NULL, $12)")
                .bind(&decision.claim_id).bind(&decision.outcome).bind(&decision.reason)
                .bind(decision.one_off).bind(decision.monthly).bind(&decision.first_month)
                .bind(decision.request.to_string()).bind(decision.explanation.to_string())
                .bind(&decision.decided_by).bind(&decision.decided_on).bind(i64::from(decision.needs_approval)).bind(&at)
                .execute(&mut *tx).await?;
            sqlx::query("UPDATE benefit_claims SET state = $1, updated_at = $2 WHERE claim_id = $3 AND state = 'complete'")
                .bind(state).bind(&at).bind(&decision.claim_id).execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "benefit_claim.decide",
                entity_kind: "benefit_claim",
                entity_id: decision.claim_id.clone(),
                change: json!({"outcome": decision.outcome, "one_off": decision.one_off, "monthly": decision.monthly, "needs_approval": decision.needs_approval, "reason": decision.reason}),
            })?;
            if state == "approved" {
                crate::payroll::book_approved!(tx, &claim, &decision, on, &at)?;
            }
            tx.commit().await
        }.await)
        .map_err(|e| StoreError::from(e).unique_as("claim_id", "the claim is already decided"))?;
        self.claim_decision(&claim.claim_id)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "decision".into(),
            })
    }

    /// A second officer approves a decision that needs it; the officer who decided cannot.
    pub async fn approve_claim(
        &self,
        params: &Params,
        claim_id: &str,
        on: Option<&str>,
    ) -> Result<Decision, StoreError> {
        let claim = self.benefit_claim(params, claim_id).await?;
        let decision =
            self.claim_decision(&claim.claim_id)
                .await?
                .ok_or_else(|| StoreError::Conflict {
                    field: "claim_id".into(),
                    reason: "the claim is not decided yet".into(),
                })?;
        if claim.state != "decided" {
            return Err(StoreError::Conflict {
                field: "claim_id".into(),
                reason: format!(
                    "the claim is {}: only a decision awaiting approval is approved",
                    claim.state
                ),
            });
        }
        if decision.decided_by == self.actor.user {
            return Err(StoreError::Conflict {
                field: "approved_by".into(),
                reason: "the officer who decided cannot approve the same decision: a second officer does".into(),
            });
        }
        let on = match on {
            Some(s) => parse_date("on", s)?,
            None => self.today(),
        };
        let _guard = self.write_lock.lock().await;
        let at = now();
        let by = self.actor.user.clone();
        let mut approved = decision.clone();
        approved.approved_by = Some(by.clone());
        approved.approved_on = Some(on.to_string());
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            let n = sqlx::query("UPDATE benefit_claims SET state = 'approved', updated_at = $1 WHERE claim_id = $2 AND state = 'decided'")
                .bind(&at).bind(&claim.claim_id).execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                return Ok(false);
            }
            sqlx::query("UPDATE benefit_decisions SET approved_by = $1, approved_on = $2 WHERE claim_id = $3")
                .bind(&by).bind(on.to_string()).bind(&claim.claim_id).execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "benefit_claim.approve",
                entity_kind: "benefit_claim",
                entity_id: claim.claim_id.clone(),
                change: json!({"approved_by": by, "on": on.to_string()}),
            })?;
            crate::payroll::book_approved!(tx, &claim, &approved, on, &at)?;
            tx.commit().await?;
            Ok::<bool, sqlx::Error>(true)
        }.await)?;
        self.claim_decision(&claim.claim_id)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "decision".into(),
            })
    }

    /// Enters contribution history that predates the registry (time before the system existed)
    /// as a verified period with its source: counted once with the person's months.
    pub async fn add_verified_period(
        &self,
        sin: &str,
        from: &str,
        to: &str,
        salary: i64,
        source: &str,
        reference: &str,
    ) -> Result<(), StoreError> {
        let sin = sin.trim();
        self.registered_person(sin).await?;
        let from_m: Month = from
            .trim()
            .parse()
            .map_err(|_| StoreError::invalid("from", format!("`{from}` is not a month YYYY-MM")))?;
        let to_m: Month = to
            .trim()
            .parse()
            .map_err(|_| StoreError::invalid("to", format!("`{to}` is not a month YYYY-MM")))?;
        if to_m < from_m {
            return Err(StoreError::invalid(
                "to",
                format!("{to_m} is before {from_m}"),
            ));
        }
        if Month::of(self.today()) <= to_m {
            return Err(StoreError::invalid(
                "to",
                "a verified period is in the past",
            ));
        }
        if salary <= 0 {
            return Err(StoreError::invalid(
                "salary",
                "the contribution salary of the period, above 0",
            ));
        }
        let source = source.trim();
        let reference = reference.trim();
        if source.is_empty() || source.len() > 200 {
            return Err(StoreError::invalid(
                "source",
                "the record the period was verified from, 1 to 200 characters",
            ));
        }
        if reference.is_empty() || reference.len() > 64 {
            return Err(StoreError::invalid(
                "reference",
                "the verification's reference, 1 to 64 characters",
            ));
        }
        for k in self.verified_periods_of(sin).await? {
            if k.period_from.as_str() <= to_m.to_string().as_str()
                && from_m.to_string().as_str() <= k.period_to.as_str()
            {
                return Err(StoreError::Conflict {
                    field: "from".into(),
                    reason: format!(
                        "{} to {} are already verified from {} ({})",
                        k.period_from, k.period_to, k.reference, k.source
                    ),
                });
            }
        }
        let months = i64::from(from_m.months_until(to_m)) + 1;
        let at = now();
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO verified_periods (person_sin, reference, period_from, period_to, months, salary, source, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(sin).bind(reference).bind(from_m.to_string()).bind(to_m.to_string()).bind(months).bind(salary).bind(source).bind(&at)
                .execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "person.verified_period",
                entity_kind: "person",
                entity_id: sin.to_string(),
                change: json!({"from": from_m.to_string(), "to": to_m.to_string(), "salary": salary, "source": source, "reference": reference}),
            })?;
            tx.commit().await
        }.await)?;
        Ok(())
    }
}
