//! What a grassroots trade union (công đoàn cơ sở) reads of its employer (L41 Art. 14.1): the
//! compliance status of each contribution month, each worker's unpaid months, the written
//! urgings and the notices, and — once a month is unpaid past the configured delay — the
//! dossier for a lawsuit.

use crate::account::Urging;
use crate::{Store, StoreError, on_pool};
use ansinh_core::{Date, Month};
use ansinh_rules::Params;
use ansinh_rules::compliance::payment_deadline;
use ansinh_rules::examination::union_may_sue;
use serde::Serialize;
use sqlx::Row;
use utoipa::ToSchema;

/// One contribution month as the union sees it.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct UnionMonth {
    pub month: String,
    pub dues: i64,
    pub unpaid: i64,
    pub status: String,
    pub days_late: i64,
    pub charge: i64,
}

/// A worker's share of an unpaid month: the worker's dues of the month times the month's
/// unpaid share (payments are the employer's, not earmarked per worker).
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct WorkerMonth {
    pub month: String,
    pub due: i64,
    pub unpaid: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct UnionWorker {
    pub sin: String,
    pub name: String,
    pub months: Vec<WorkerMonth>,
    pub unpaid: i64,
}

/// The union's view of its employer on a date.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct UnionDossier {
    pub employer_code: String,
    pub employer_name: String,
    pub as_of: String,
    /// The worst status of the months: `on_time`, `late` or `evasion`.
    pub status: String,
    pub unpaid: i64,
    pub charge: i64,
    pub months: Vec<UnionMonth>,
    pub workers: Vec<UnionWorker>,
    pub urgings: Vec<Urging>,
    /// Run months with a notice for the employer.
    pub notices: Vec<String>,
    /// A month is unpaid past the delay of `rules/vn/union_lawsuit.toml`: the dossier may be
    /// filed.
    pub lawsuit_possible: bool,
    pub threshold_days: i64,
}

impl UnionDossier {
    /// Refuses the dossier as a file or a printed paper (asked for by `field`) until the
    /// arrears allow a lawsuit.
    pub fn offered(&self, field: &str) -> Result<(), StoreError> {
        if self.lawsuit_possible {
            return Ok(());
        }
        Err(StoreError::Conflict {
            field: field.into(),
            reason: format!(
                "no month of {} is unpaid more than {} days after its deadline on {}: the lawsuit dossier is not offered yet",
                self.employer_code, self.threshold_days, self.as_of
            ),
        })
    }
}

impl Store {
    /// The trade union's view of `employer_code` on `as_of` (L41 Art. 14.1): its account's
    /// months, each worker's share of the unpaid ones, urgings, notices and whether the
    /// arrears allow a lawsuit.
    pub async fn union_dossier(
        &self,
        params: &Params,
        employer_code: &str,
        as_of: Date,
    ) -> Result<UnionDossier, StoreError> {
        let employer = self.existing_employer(employer_code).await?;
        let threshold = params
            .union_lawsuit
            .at(as_of)
            .map_err(|e| StoreError::invalid("as_of", e))?
            .value
            .clone();
        let account = self.account(params, &employer.unit_code, as_of).await?;
        let mut months = Vec::new();
        let mut workers: Vec<UnionWorker> = Vec::new();
        let mut possible = false;
        for m in &account.months {
            months.push(UnionMonth {
                month: m.month.clone(),
                dues: m.dues,
                unpaid: m.unpaid,
                status: m.status.clone(),
                days_late: m.days_late,
                charge: m.charge,
            });
            if m.unpaid <= 0 {
                continue;
            }
            let Ok(month) = m.month.parse::<Month>() else {
                continue;
            };
            let past = i64::from((as_of - payment_deadline(month)).get_days());
            possible |= union_may_sue(&threshold, past, m.unpaid);
            for w in self.notice_workers(&employer.unit_code, month).await? {
                let due = w.employee_total.saturating_add(w.employer_total);
                let unpaid = if m.dues > 0 {
                    i64::try_from(i128::from(due) * i128::from(m.unpaid) / i128::from(m.dues))
                        .unwrap_or(due)
                } else {
                    0
                };
                let line = WorkerMonth {
                    month: m.month.clone(),
                    due,
                    unpaid,
                };
                match workers.iter_mut().find(|x| x.sin == w.sin) {
                    Some(x) => {
                        x.unpaid = x.unpaid.saturating_add(unpaid);
                        x.months.push(line);
                    }
                    None => workers.push(UnionWorker {
                        sin: w.sin,
                        name: w.name,
                        unpaid,
                        months: vec![line],
                    }),
                }
            }
        }
        let status = if account.months.iter().any(|m| m.status == "evasion") {
            "evasion"
        } else if account.months.iter().any(|m| m.status == "late") {
            "late"
        } else {
            "on_time"
        };
        let code = employer.unit_code.clone();
        let (urgings, notices) = on_pool!(self, pool => {
            let urgings = sqlx::query("SELECT month, reference, urged_on FROM urgings WHERE employer_code = $1 AND urged_on <= $2 ORDER BY urged_on, month")
                .bind(&code).bind(as_of.to_string()).fetch_all(pool).await?
                .iter().map(|r| Ok::<_, sqlx::Error>(Urging { month: r.try_get("month")?, reference: r.try_get("reference")?, urged_on: r.try_get("urged_on")? }))
                .collect::<Result<Vec<_>, _>>()?;
            let notices = sqlx::query("SELECT DISTINCT run_month FROM employer_dues WHERE employer_code = $1 AND run_month <= $2 ORDER BY run_month")
                .bind(&code).bind(Month::of(as_of).to_string()).fetch_all(pool).await?
                .iter().map(|r| r.try_get::<String, _>("run_month")).collect::<Result<Vec<_>, _>>()?;
            (urgings, notices)
        });
        Ok(UnionDossier {
            employer_code: code,
            employer_name: employer.name,
            as_of: as_of.to_string(),
            status: status.into(),
            unpaid: account
                .months
                .iter()
                .fold(0i64, |a, m| a.saturating_add(m.unpaid)),
            charge: account.charge,
            months,
            workers,
            urgings,
            notices,
            lawsuit_possible: possible,
            threshold_days: threshold.min_days_past_deadline,
        })
    }
}
