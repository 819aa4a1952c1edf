//! Servicemen's records of the armed forces' social insurance office (hồ sơ BHXH quân nhân,
//! BHXH Quân đội): periods of service, the monthly contributions of the scheme, relatives
//! insured for health (form 02/BHYT-QĐ), cards with the scheme's validity, and the transfer of
//! a discharged serviceman's record to the general scheme, where it becomes verified periods
//! counted once with the person's other months.
//!
//! The amounts and rules are the rules core's ([`ansinh_rules::armed_forces`]).

use crate::audit::{Change, append};
use crate::{Store, StoreError, now, on_pool, parse_date};
use ansinh_core::{Date, Month};
use ansinh_rules::Params;
use ansinh_rules::armed_forces::{self as af, Relation, Serviceman};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use utoipa::ToSchema;

/// A period of service to record (nhập ngũ, tuyển dụng).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewServicePeriod {
    pub person_sin: String,
    /// `conscript`, `cadet`, `officer`, `professional_soldier`, `defence_worker`.
    pub participant: String,
    /// The unit (đơn vị) holding the record.
    pub unit: String,
    /// Day of enlistment or admission, YYYY-MM-DD.
    pub enlisted: String,
    /// Salaried servicemen: the monthly salary by rank with its allowances (none for
    /// conscripts and cadets).
    #[serde(default)]
    pub salary: Option<i64>,
}

/// A period of service as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ServicePeriod {
    pub person_sin: String,
    pub period_id: String,
    pub participant: String,
    pub unit: String,
    pub enlisted: String,
    pub discharged: Option<String>,
    pub salary: Option<i64>,
    pub recorded_at: String,
}

/// One month of the scheme's contributions for one period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ServiceContribution {
    pub period_id: String,
    pub month: String,
    pub base: i64,
    pub employee: i64,
    pub employer: i64,
    /// Paid by the Ministry (conscripts and cadets).
    pub state: i64,
    pub total: i64,
}

/// A relative to insure (form 02/BHYT-QĐ).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRelative {
    /// `father`, `mother`, `father_in_law`, `mother_in_law`, `spouse`, `child`.
    pub relation: String,
    pub name: String,
    pub birth_date: String,
    #[serde(default)]
    pub personal_id: String,
    /// A child of 18 or more still in upper secondary school.
    #[serde(default)]
    pub in_high_school: bool,
    /// Already insured in another group: not insured as a relative.
    #[serde(default)]
    pub insured_otherwise: bool,
}

/// A relative as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Relative {
    pub relative_no: i64,
    pub relation: String,
    pub name: String,
    pub birth_date: String,
    pub personal_id: String,
    pub in_high_school: bool,
}

/// A card to issue by the armed forces' office.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewServiceCard {
    /// 15 characters; its last ten digits are the serviceman's social insurance number.
    pub card_code: String,
    pub initial_facility: String,
    pub valid_from: String,
    /// A cadet's card runs to 31 December of this year.
    #[serde(default)]
    pub graduation_year: Option<i16>,
    /// A serving conscript's expected day of discharge: his card runs to the end of its month.
    #[serde(default)]
    pub expected_discharge: Option<String>,
}

/// A serviceman's whole record.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ServiceRecord {
    pub person: crate::Person,
    pub periods: Vec<ServicePeriod>,
    pub contributions: Vec<ServiceContribution>,
    pub relatives: Vec<Relative>,
}

/// What a monthly run of the scheme wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ServiceRunSummary {
    pub month: String,
    pub servicemen: u64,
    pub state_total: i64,
    pub employee_total: i64,
    pub employer_total: i64,
    pub refused: Vec<String>,
}

/// A period of the transfer document (counted months with their average base).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferPeriod {
    pub participant: String,
    pub unit: String,
    /// First and last month of service, YYYY-MM.
    pub from: String,
    pub to: String,
    /// Months that count as insured time, and those that do not (conscript service before
    /// 2007).
    pub months_counted: i64,
    pub months_not_counted: i64,
    /// The average monthly contribution base of the counted months (đồng), for the average
    /// salary of a later benefit.
    pub average_base: i64,
    pub contributions_total: i64,
}

/// The record a discharged serviceman takes to the general scheme (chuyển hồ sơ): one
/// document, imported once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceTransfer {
    /// `ansinh.service-transfer/1`.
    pub format: String,
    /// The document's reference: the same document imported twice is recorded once.
    pub reference: String,
    pub issued_by: String,
    pub issued_on: String,
    pub person_sin: String,
    pub personal_id: String,
    pub name: String,
    pub birth_date: String,
    pub periods: Vec<TransferPeriod>,
}

pub const TRANSFER_FORMAT: &str = "ansinh.service-transfer/1";

/// A period verified from another record, counted with the person's months once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct VerifiedPeriod {
    pub reference: String,
    pub period_from: String,
    pub period_to: String,
    pub months: i64,
    pub salary: i64,
    pub source: String,
}

fn serviceman(field: &str, text: &str) -> Result<Serviceman, StoreError> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_string())).map_err(|_| {
        StoreError::invalid(
            field,
            format!(
                "`{text}` is not conscript, cadet, officer, professional_soldier or defence_worker"
            ),
        )
    })
}

fn relation(text: &str) -> Result<Relation, StoreError> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_string())).map_err(|_| {
        StoreError::invalid(
            "relation",
            format!(
                "`{text}` is not father, mother, father_in_law, mother_in_law, spouse or child"
            ),
        )
    })
}

const PERIOD_COLUMNS: &str =
    "person_sin, period_id, participant, unit, enlisted, discharged, salary, recorded_at";

fn period_from<R: Row>(r: &R) -> Result<ServicePeriod, StoreError>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    String: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    Option<String>: for<'a> sqlx::Decode<'a, R::Database>,
    Option<i64>: for<'a> sqlx::Decode<'a, R::Database>,
    i64: sqlx::Type<R::Database>,
{
    Ok(ServicePeriod {
        person_sin: r.try_get("person_sin")?,
        period_id: r.try_get("period_id")?,
        participant: r.try_get("participant")?,
        unit: r.try_get("unit")?,
        enlisted: r.try_get("enlisted")?,
        discharged: r.try_get("discharged")?,
        salary: r.try_get("salary")?,
        recorded_at: r.try_get("recorded_at")?,
    })
}

impl ServicePeriod {
    fn kind(&self) -> Result<Serviceman, StoreError> {
        serviceman("participant", &self.participant)
    }

    fn months(&self) -> Result<(Month, Option<Month>), StoreError> {
        let from = Month::of(parse_date("enlisted", &self.enlisted)?);
        let to = self
            .discharged
            .as_deref()
            .map(|d| parse_date("discharged", d).map(Month::of))
            .transpose()?;
        Ok((from, to))
    }
}

impl Store {
    /// Records a period of service (Decree 157/2025 Art. 2): a registered Vietnamese national,
    /// a known kind, a salary for salaried servicemen and none for conscripts and cadets, no
    /// period of the person still open.
    pub async fn enlist(&self, p: &NewServicePeriod) -> Result<ServicePeriod, StoreError> {
        self.require_vietnam("the armed forces' scheme").await?;
        let sin = p.person_sin.trim().to_string();
        let person = self.person(&sin).await?.ok_or_else(|| {
            StoreError::invalid(
                "person_sin",
                format!("no insured person {sin} is registered"),
            )
        })?;
        if person.nationality != "VN" {
            return Err(StoreError::invalid(
                "person_sin",
                format!(
                    "{sin} is a national of {}: servicemen are Vietnamese citizens",
                    person.nationality
                ),
            ));
        }
        let kind = serviceman("participant", &p.participant)?;
        let unit = p.unit.trim().to_string();
        if unit.is_empty() || unit.chars().count() > 200 {
            return Err(StoreError::invalid(
                "unit",
                "must name the unit, 1 to 200 characters",
            ));
        }
        let enlisted = parse_date("enlisted", &p.enlisted)?;
        let birth = parse_date("birth_date", &person.birth_date)?;
        let youngest = birth
            .checked_add(jiff::Span::new().years(15))
            .map_err(|e| StoreError::invalid("enlisted", e))?;
        let latest = crate::registry::today()
            .checked_add(jiff::Span::new().days(366))
            .map_err(|e| StoreError::invalid("enlisted", e))?;
        if enlisted < youngest || enlisted > latest {
            return Err(StoreError::invalid(
                "enlisted",
                format!(
                    "{enlisted} is not a day of enlistment for a person born on {birth}: from the 15th birthday, at most a year ahead"
                ),
            ));
        }
        match (kind.is_conscript(), p.salary) {
            (true, Some(_)) => {
                return Err(StoreError::invalid(
                    "salary",
                    format!(
                        "a {} has no salary: the Ministry pays on a notional one (Decree 157/2025 Art. 6)",
                        kind.code()
                    ),
                ));
            }
            (false, None) => {
                return Err(StoreError::invalid(
                    "salary",
                    format!(
                        "missing: a {} contributes on the salary by rank with its allowances",
                        kind.code()
                    ),
                ));
            }
            (false, Some(s)) if !(1..=1_000_000_000_000).contains(&s) => {
                return Err(StoreError::invalid(
                    "salary",
                    format!("{s} is out of range"),
                ));
            }
            _ => {}
        }
        let existing = self.service_periods_of(&sin).await?;
        if let Some(open) = existing.iter().find(|e| e.discharged.is_none()) {
            return Err(StoreError::Conflict {
                field: "enlisted".into(),
                reason: format!(
                    "{sin} is in service since {} ({}): record the discharge first",
                    open.enlisted, open.unit
                ),
            });
        }
        for e in &existing {
            if let Some(d) = &e.discharged
                && parse_date("discharged", d)? >= enlisted
            {
                return Err(StoreError::Conflict {
                    field: "enlisted".into(),
                    reason: format!("{sin} was in service until {d}: a new period starts after it"),
                });
            }
        }
        let period = ServicePeriod {
            person_sin: sin.clone(),
            period_id: format!("S{:02}", existing.len() + 1),
            participant: kind.code().to_string(),
            unit,
            enlisted: enlisted.to_string(),
            discharged: None,
            salary: p.salary,
            recorded_at: now(),
        };
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query(&format!("INSERT INTO service_periods ({PERIOD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"))
                .bind(&period.person_sin).bind(&period.period_id).bind(&period.participant).bind(&period.unit)
                .bind(&period.enlisted).bind(&period.discharged).bind(period.salary).bind(&period.recorded_at)
                .execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "service.enlist",
                entity_kind: "person",
                entity_id: sin.clone(),
                change: serde_json::to_value(&period).unwrap_or_default(),
            })?;
            tx.commit().await
        }.await)?;
        Ok(period)
    }

    /// Records the discharge (xuất ngũ) of the open period: on or after the enlistment.
    pub async fn discharge(&self, sin: &str, on: &str) -> Result<ServicePeriod, StoreError> {
        let sin = sin.trim();
        let day = parse_date("discharged", on)?;
        let mut open = self
            .service_periods_of(sin)
            .await?
            .into_iter()
            .find(|p| p.discharged.is_none())
            .ok_or_else(|| StoreError::NotFound {
                what: format!("a period in service of {sin}"),
            })?;
        if day < parse_date("enlisted", &open.enlisted)? {
            return Err(StoreError::invalid(
                "discharged",
                format!("{day} is before the enlistment on {}", open.enlisted),
            ));
        }
        let latest = crate::registry::today()
            .checked_add(jiff::Span::new().days(366))
            .map_err(|e| StoreError::invalid("discharged", e))?;
        if day > latest {
            return Err(StoreError::invalid(
                "discharged",
                format!("{day} is more than a year ahead"),
            ));
        }
        open.discharged = Some(day.to_string());
        // Months after a discharge recorded late carried no service: their rows go.
        let after = Month::of(day).plus(1).to_string();
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE service_periods SET discharged = $3 WHERE person_sin = $1 AND period_id = $2 AND discharged IS NULL")
                .bind(sin).bind(&open.period_id).bind(&open.discharged)
                .execute(&mut *tx).await?;
            sqlx::query("DELETE FROM service_contributions WHERE person_sin = $1 AND period_id = $2 AND month >= $3")
                .bind(sin).bind(&open.period_id).bind(&after)
                .execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "service.discharge",
                entity_kind: "person",
                entity_id: sin.to_string(),
                change: serde_json::json!({"period_id": open.period_id, "discharged": open.discharged}),
            })?;
            tx.commit().await
        }.await)?;
        Ok(open)
    }

    pub async fn service_periods_of(&self, sin: &str) -> Result<Vec<ServicePeriod>, StoreError> {
        let sql = format!(
            "SELECT {PERIOD_COLUMNS} FROM service_periods WHERE person_sin = $1 ORDER BY period_id"
        );
        on_pool!(self, pool => sqlx::query(&sql).bind(sin.trim()).fetch_all(pool).await?.iter().map(period_from).collect())
    }

    /// Every period of service, in service first, by unit.
    pub async fn service_register(&self) -> Result<Vec<(ServicePeriod, String)>, StoreError> {
        let sql = "SELECT s.person_sin, s.period_id, s.participant, s.unit, s.enlisted, s.discharged, s.salary, s.recorded_at, p.name \
                   FROM service_periods s JOIN persons p ON p.sin = s.person_sin \
                   ORDER BY CASE WHEN s.discharged IS NULL THEN 0 ELSE 1 END, s.unit, s.person_sin, s.period_id";
        on_pool!(self, pool => sqlx::query(sql).fetch_all(pool).await?.iter()
            .map(|r| Ok((period_from(r)?, r.try_get::<String, _>("name")?))).collect())
    }

    /// The scheme's monthly run (Decree 157/2025 Art. 6; Circular 90/2025/TT-BQP Art. 3): the
    /// contributions of every period in service in `month`, written anew for the month (a re-run
    /// gives the same rows).
    pub async fn assess_service_month(
        &self,
        params: &Params,
        month: Month,
    ) -> Result<ServiceRunSummary, StoreError> {
        self.require_vietnam("the armed forces' scheme").await?;
        let periods = on_pool!(self, pool => {
            let sql = format!("SELECT {PERIOD_COLUMNS} FROM service_periods ORDER BY person_sin, period_id");
            sqlx::query(&sql).fetch_all(pool).await?.iter().map(period_from).collect::<Result<Vec<_>, StoreError>>()?
        });
        let mut summary = ServiceRunSummary {
            month: month.to_string(),
            ..Default::default()
        };
        let mut rows = Vec::new();
        for p in &periods {
            let (from, to) = p.months()?;
            if from > month || to.is_some_and(|t| t < month) {
                continue;
            }
            let kind = p.kind()?;
            let assessed = if kind.is_conscript() {
                af::conscript(params, from, month).map(|(a, ..)| a)
            } else {
                af::serviceman(params, month, ansinh_core::Dong(p.salary.unwrap_or(0)))
                    .map(|(a, _)| a)
            };
            match assessed {
                Ok(a) => {
                    summary.servicemen += 1;
                    summary.state_total += a.state.total.get();
                    summary.employee_total += a.employee.total.get();
                    summary.employer_total += a.employer.total.get();
                    rows.push((p.person_sin.clone(), p.period_id.clone(), a));
                }
                Err(e) => summary
                    .refused
                    .push(format!("{} {}: {e}", p.person_sin, p.period_id)),
            }
        }
        let at = now();
        let m = month.to_string();
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM service_contributions WHERE month = $1").bind(&m).execute(&mut *tx).await?;
            for (sin, id, a) in &rows {
                sqlx::query("INSERT INTO service_contributions (person_sin, period_id, month, base, employee, employer, state, total, run_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                    .bind(sin).bind(id).bind(&m).bind(a.base_social.get()).bind(a.employee.total.get())
                    .bind(a.employer.total.get()).bind(a.state.total.get()).bind(a.total.get()).bind(&at)
                    .execute(&mut *tx).await?;
            }
            append!(tx, self, Change {
                action: "service.assess",
                entity_kind: "month",
                entity_id: m.clone(),
                change: serde_json::to_value(&summary).unwrap_or_default(),
            })?;
            tx.commit().await
        }.await)?;
        Ok(summary)
    }

    /// A serviceman's record: periods, contributions month by month, relatives.
    pub async fn service_record(&self, sin: &str) -> Result<ServiceRecord, StoreError> {
        let sin = sin.trim();
        let person = self
            .person(sin)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: format!("person {sin}"),
            })?;
        let periods = self.service_periods_of(sin).await?;
        let (contributions, relatives) = on_pool!(self, pool => {
            let c = sqlx::query("SELECT period_id, month, base, employee, employer, state, total FROM service_contributions WHERE person_sin = $1 ORDER BY month, period_id")
                .bind(sin).fetch_all(pool).await?;
            let contributions = c.iter().map(|r| Ok(ServiceContribution {
                period_id: r.try_get("period_id")?, month: r.try_get("month")?, base: r.try_get("base")?,
                employee: r.try_get("employee")?, employer: r.try_get("employer")?, state: r.try_get("state")?, total: r.try_get("total")?,
            })).collect::<Result<Vec<_>, StoreError>>()?;
            let r = sqlx::query("SELECT relative_no, relation, name, birth_date, personal_id, in_high_school FROM service_relatives WHERE person_sin = $1 ORDER BY relative_no")
                .bind(sin).fetch_all(pool).await?;
            let relatives = r.iter().map(|r| Ok(Relative {
                relative_no: r.try_get("relative_no")?, relation: r.try_get("relation")?, name: r.try_get("name")?,
                birth_date: r.try_get("birth_date")?, personal_id: r.try_get("personal_id")?,
                in_high_school: r.try_get::<i64, _>("in_high_school")? != 0,
            })).collect::<Result<Vec<_>, StoreError>>()?;
            (contributions, relatives)
        });
        Ok(ServiceRecord {
            person,
            periods,
            contributions,
            relatives,
        })
    }

    /// Declares a relative for health insurance (form 02/BHYT-QĐ; Circular 98/2025/TT-BQP Art.
    /// 2.5): the serviceman in service on `on`, the relative eligible that day.
    pub async fn add_relative(
        &self,
        params: &Params,
        sin: &str,
        r: &NewRelative,
        on: Date,
    ) -> Result<Relative, StoreError> {
        let sin = sin.trim();
        let periods = self.service_periods_of(sin).await?;
        if !periods.iter().any(|p| p.discharged.is_none()) {
            return Err(StoreError::invalid(
                "person_sin",
                format!(
                    "{sin} is not in service: relatives are insured while the serviceman serves"
                ),
            ));
        }
        let relation = relation(&r.relation)?;
        let name = r.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(StoreError::invalid("name", "must be 1 to 200 characters"));
        }
        let birth = parse_date("birth_date", &r.birth_date)?;
        if birth > on {
            return Err(StoreError::invalid(
                "birth_date",
                format!("{birth} is after {on}"),
            ));
        }
        let rules = &params
            .armed_forces_health
            .at(on)
            .map_err(|e| StoreError::invalid("birth_date", e))?
            .value;
        af::relative_eligible(
            rules,
            relation,
            birth,
            on,
            r.in_high_school,
            r.insured_otherwise,
        )
        .map_err(|why| {
            StoreError::invalid(
                if r.insured_otherwise {
                    "insured_otherwise"
                } else {
                    "birth_date"
                },
                why,
            )
        })?;
        let record = self.service_record(sin).await?;
        let relation_code = serde_json::to_value(relation)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        if record
            .relatives
            .iter()
            .any(|x| x.name == name && x.birth_date == birth.to_string())
        {
            return Err(StoreError::Conflict {
                field: "name".into(),
                reason: format!("{name}, born {birth}, is already declared"),
            });
        }
        let relative = Relative {
            relative_no: record.relatives.len() as i64 + 1,
            relation: relation_code,
            name,
            birth_date: birth.to_string(),
            personal_id: r.personal_id.trim().to_string(),
            in_high_school: r.in_high_school,
        };
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO service_relatives (person_sin, relative_no, relation, name, birth_date, personal_id, in_high_school, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(sin).bind(relative.relative_no).bind(&relative.relation).bind(&relative.name)
                .bind(&relative.birth_date).bind(&relative.personal_id).bind(i64::from(relative.in_high_school)).bind(now())
                .execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "service.relative",
                entity_kind: "person",
                entity_id: sin.to_string(),
                change: serde_json::to_value(&relative).unwrap_or_default(),
            })?;
            tx.commit().await
        }.await)?;
        Ok(relative)
    }

    /// Issues a health insurance card of the armed forces' office for the latest period, its
    /// end set by the scheme's rule (Circular 63/2025/TT-BQP Art. 3).
    pub async fn issue_service_card(
        &self,
        params: &Params,
        sin: &str,
        card: &NewServiceCard,
    ) -> Result<crate::card::HealthCard, StoreError> {
        let (card_code, facility, valid_from, graduation_year) = (
            card.card_code.as_str(),
            card.initial_facility.as_str(),
            card.valid_from.as_str(),
            card.graduation_year,
        );
        let expected_discharge = card.expected_discharge.as_deref();
        let sin = sin.trim();
        let period =
            self.service_periods_of(sin)
                .await?
                .pop()
                .ok_or_else(|| StoreError::NotFound {
                    what: format!("a period of service of {sin}"),
                })?;
        let parsed = ansinh_rules::health::parse_card(card_code)
            .map_err(|e| StoreError::invalid("card_code", e))?;
        if parsed.sin != sin {
            return Err(StoreError::invalid(
                "card_code",
                format!("the card carries the number {}, not {sin}", parsed.sin),
            ));
        }
        let from = parse_date("valid_from", valid_from)?;
        let enlisted = parse_date("enlisted", &period.enlisted)?;
        // A serving conscript's card runs to the month of his expected discharge.
        let discharge = match (
            period.discharged.as_deref(),
            expected_discharge.map(str::trim),
        ) {
            (Some(d), _) => Some(parse_date("discharged", d)?),
            (None, Some(e)) if !e.is_empty() => Some(parse_date("expected_discharge", e)?),
            _ => None,
        };
        if from < enlisted || discharge.is_some_and(|d| from > d) {
            return Err(StoreError::invalid(
                "valid_from",
                format!(
                    "{from} is outside the period of service from {}",
                    period.enlisted
                ),
            ));
        }
        if discharge.is_some_and(|d| d < enlisted) {
            return Err(StoreError::invalid(
                "expected_discharge",
                "is before the enlistment",
            ));
        }
        if let Some(y) = graduation_year
            && !(enlisted.year()..=enlisted.year() + 7).contains(&y)
        {
            return Err(StoreError::invalid(
                "graduation_year",
                format!(
                    "{y} is not within 7 years of the admission in {}",
                    enlisted.year()
                ),
            ));
        }
        let rules = &params
            .armed_forces_health
            .at(from)
            .map_err(|e| StoreError::invalid("valid_from", e))?
            .value;
        let to = af::card_validity(rules, period.kind()?, from, discharge, graduation_year)
            .map_err(|e| StoreError::invalid("valid_from", e))?;
        self.issue_card(&crate::card::NewCard {
            card_code: card_code.to_string(),
            valid_from: from.to_string(),
            valid_to: Some(to.to_string()),
            initial_facility: facility.to_string(),
        })
        .await
    }

    /// The transfer document of a discharged serviceman (every period discharged), from the
    /// scheme's record: months counted (conscript service before 2007 is not), their average base
    /// and the contributions.
    pub async fn service_transfer(
        &self,
        params: &Params,
        sin: &str,
        today: Date,
    ) -> Result<ServiceTransfer, StoreError> {
        let record = self.service_record(sin).await?;
        if record.periods.is_empty() {
            return Err(StoreError::NotFound {
                what: format!("a period of service of {sin}"),
            });
        }
        if record.periods.iter().any(|p| p.discharged.is_none()) {
            return Err(StoreError::invalid(
                "person_sin",
                format!("{sin} is still in service: a record is transferred on discharge"),
            ));
        }
        let rules = &params
            .armed_forces_health
            .at(today)
            .map_err(|e| StoreError::invalid("person_sin", e))?
            .value;
        let mut periods = Vec::new();
        for p in &record.periods {
            let (from, to) = p.months()?;
            let to = to.unwrap_or(from);
            let (counted, not_counted) = af::counted_months(rules, p.kind()?, from, to);
            let first_counted = to.plus(-(counted as i32) + 1);
            let lines: Vec<&ServiceContribution> = record
                .contributions
                .iter()
                .filter(|c| c.period_id == p.period_id)
                .filter(|c| {
                    c.month
                        .parse::<Month>()
                        .is_ok_and(|m| m >= first_counted && m <= to)
                })
                .collect();
            // The base of every counted month from the rules (a month no run computed has one
            // too); months the encoded law does not reach are left out of the average.
            let kind = p.kind()?;
            let mut bases: Vec<i64> = Vec::new();
            let mut month = first_counted;
            while month <= to && counted > 0 {
                let base = if kind.is_conscript() {
                    af::conscript(params, from, month).map(|(a, ..)| a.base_social)
                } else {
                    af::serviceman(params, month, ansinh_core::Dong(p.salary.unwrap_or(0)))
                        .map(|(a, _)| a.base_social)
                };
                if let Ok(b) = base {
                    bases.push(b.get());
                }
                month = month.plus(1);
            }
            let average_base = if bases.is_empty() {
                p.salary.unwrap_or(0)
            } else {
                bases.iter().sum::<i64>() / bases.len() as i64
            };
            periods.push(TransferPeriod {
                participant: p.participant.clone(),
                unit: p.unit.clone(),
                from: from.to_string(),
                to: to.to_string(),
                months_counted: counted,
                months_not_counted: not_counted,
                average_base,
                contributions_total: lines.iter().map(|c| c.total).sum(),
            });
        }
        let last = record
            .periods
            .last()
            .map(|p| p.period_id.clone())
            .unwrap_or_default();
        Ok(ServiceTransfer {
            format: TRANSFER_FORMAT.into(),
            reference: format!("BQP-{}-{last}", record.person.sin),
            issued_by: "Bảo hiểm xã hội Quân đội".into(),
            issued_on: today.to_string(),
            person_sin: record.person.sin.clone(),
            personal_id: record.person.personal_id.clone(),
            name: record.person.name.clone(),
            birth_date: record.person.birth_date.clone(),
            periods,
        })
    }

    /// Imports a transfer document into the general scheme as verified periods: the person
    /// must be registered with the same identity; the same document twice is recorded once
    /// (`Ok(0)` the second time).
    pub async fn import_service_transfer(
        &self,
        params: &Params,
        doc: &ServiceTransfer,
    ) -> Result<usize, StoreError> {
        if doc.format != TRANSFER_FORMAT {
            return Err(StoreError::invalid(
                "format",
                format!("`{}` is not {TRANSFER_FORMAT}", doc.format),
            ));
        }
        let person = self.person(&doc.person_sin).await?.ok_or_else(|| {
            StoreError::invalid(
                "person_sin",
                format!("no insured person {} is registered", doc.person_sin),
            )
        })?;
        if person.personal_id != doc.personal_id {
            return Err(StoreError::invalid(
                "personal_id",
                format!("{} is registered with another personal ID", doc.person_sin),
            ));
        }
        // A record this database holds itself is checked against it: the document must be the
        // one the record gives.
        if !self.service_periods_of(&doc.person_sin).await?.is_empty() {
            let today = parse_date("issued_on", &doc.issued_on)?;
            let ours = self
                .service_transfer(params, &doc.person_sin, today)
                .await?;
            if ours.periods != doc.periods || ours.reference != doc.reference {
                return Err(StoreError::invalid(
                    "periods",
                    "the document does not match the service record held here",
                ));
            }
        }
        let mut rows = Vec::new();
        for (i, p) in doc.periods.iter().enumerate() {
            let field = |f: &str| format!("periods[{i}].{f}");
            let from: Month = p
                .from
                .parse()
                .map_err(|_| StoreError::invalid(&field("from"), "not a month YYYY-MM"))?;
            let to: Month =
                p.to.parse()
                    .map_err(|_| StoreError::invalid(&field("to"), "not a month YYYY-MM"))?;
            let span = i64::from(from.months_until(to)) + 1;
            if p.average_base < 0 || p.average_base > 1_000_000_000_000 {
                return Err(StoreError::invalid(
                    &field("average_base"),
                    format!(
                        "{} is out of range: 0 to 1,000,000,000,000 đồng",
                        p.average_base
                    ),
                ));
            }
            if !(1..=600).contains(&span) || p.months_counted < 0 || p.months_counted > span {
                return Err(StoreError::invalid(
                    &field("months_counted"),
                    format!(
                        "{} months counted in {span} months of service",
                        p.months_counted
                    ),
                ));
            }
            if p.months_counted == 0 {
                continue;
            }
            rows.push((to.plus(-(p.months_counted as i32) + 1), to, p));
        }
        let known: Vec<VerifiedPeriod> = self.verified_periods_of(&doc.person_sin).await?;
        if known.iter().any(|k| k.reference == doc.reference) {
            return Ok(0);
        }
        // The same months under another reference are another claim to them: refused.
        for (from, to, _) in &rows {
            if let Some(k) = known.iter().find(|k| {
                k.period_from.as_str() <= to.to_string().as_str()
                    && from.to_string().as_str() <= k.period_to.as_str()
            }) {
                return Err(StoreError::Conflict {
                    field: "periods".into(),
                    reason: format!(
                        "{} to {} are already verified from {} ({})",
                        k.period_from, k.period_to, k.reference, k.source
                    ),
                });
            }
        }
        let at = now();
        let n = rows.len();
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            for (from, to, p) in &rows {
                sqlx::query("INSERT INTO verified_periods (person_sin, reference, period_from, period_to, months, salary, source, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                    .bind(&doc.person_sin).bind(&doc.reference).bind(from.to_string()).bind(to.to_string())
                    .bind(p.months_counted).bind(p.average_base)
                    .bind(format!("{} — {} ({})", doc.issued_by, p.unit, p.participant)).bind(&at)
                    .execute(&mut *tx).await?;
            }
            append!(tx, self, Change {
                action: "service.transfer_import",
                entity_kind: "person",
                entity_id: doc.person_sin.clone(),
                change: serde_json::json!({"reference": doc.reference, "periods": n}),
            })?;
            tx.commit().await
        }.await)?;
        Ok(n)
    }

    pub async fn verified_periods_of(&self, sin: &str) -> Result<Vec<VerifiedPeriod>, StoreError> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT reference, period_from, period_to, months, salary, source FROM verified_periods WHERE person_sin = $1 ORDER BY period_from")
                .bind(sin.trim()).fetch_all(pool).await?;
            rows.iter().map(|r| Ok(VerifiedPeriod {
                reference: r.try_get("reference")?, period_from: r.try_get("period_from")?, period_to: r.try_get("period_to")?,
                months: r.try_get("months")?, salary: r.try_get("salary")?, source: r.try_get("source")?,
            })).collect()
        })
    }
}
