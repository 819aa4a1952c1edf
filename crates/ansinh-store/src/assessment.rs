//! The monthly assessment (tính số phải đóng hằng tháng): for every employment of a month, the
//! contributions of each fund and payer from the rules core, written to `contribution_lines`.
//!
//! A run goes through the employers in unit-code order, a chunk per transaction. It writes only
//! what is missing or different: a month never assessed gets its line (version 1); a month whose
//! salary or status changed since (a retroactive declaration) gets an adjustment line holding the
//! difference (truy thu, or a refund when negative). Old lines are never edited. Hence a run is
//! idempotent, a killed run resumes by running again, and a run after new declarations writes only
//! the difference.

use crate::course::Course;
use crate::{Store, StoreError, now, on_pool};
use ansinh_core::{Date, Dong, Month};
use ansinh_rules::Params;
use ansinh_rules::contribution::{self, OccupationalOption, Options, Participant, Resolved};
use serde::Serialize;
use sqlx::{QueryBuilder, Row};
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// Employers per transaction.
const CHUNK: i64 = 200;

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
    participant: String,
    course: Course,
    salaries: Vec<SalaryRec>,
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

impl Store {
    /// Assesses `month` for every employer, then re-checks every earlier month already
    /// assessed, writing only what is missing or different.
    pub async fn assess_month(
        &self,
        params: &Params,
        month: Month,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<AssessSummary, StoreError> {
        let mut summary = AssessSummary {
            month: month.to_string(),
            ..Default::default()
        };
        // Parameters resolved once per (month, participant kind, region, occupational option).
        let mut resolved: HashMap<(Month, Participant, i64, OccupationalOption), Option<Resolved>> =
            HashMap::new();
        let mut after = String::new();
        let at = now();
        loop {
            let employers: Vec<(String, i64, String)> = on_pool!(self, pool => {
                let rows = sqlx::query("SELECT unit_code, region, occupational_rate FROM employers WHERE unit_code > $1 ORDER BY unit_code LIMIT $2")
                    .bind(&after).bind(CHUNK).fetch_all(pool).await?;
                rows.iter().map(|r| Ok((r.try_get("unit_code")?, r.try_get("region")?, r.try_get("occupational_rate")?))).collect::<Result<Vec<_>, StoreError>>()?
            });
            let (Some(first), Some(last)) = (employers.first(), employers.last()) else {
                break;
            };
            let (lo, hi) = (first.0.clone(), last.0.clone());
            let by_code: HashMap<&str, (i64, &str)> = employers
                .iter()
                .map(|(c, r, o)| (c.as_str(), (*r, o.as_str())))
                .collect();
            let month_end = month.last_day().to_string();
            on_pool!(self, pool => async {
                let mut tx = pool.begin().await?;
                let mut rows: BTreeMap<(String, String), EmploymentRow> = BTreeMap::new();
                for r in sqlx::query("SELECT person_sin, employment_id, employer_code, start_date, participant FROM employments WHERE employer_code >= $1 AND employer_code <= $2 AND start_date <= $3")
                    .bind(&lo).bind(&hi).bind(&month_end).fetch_all(&mut *tx).await?
                {
                    let (sin, id): (String, String) = (r.try_get("person_sin")?, r.try_get("employment_id")?);
                    let start: String = r.try_get("start_date")?;
                    rows.insert((sin.clone(), id.clone()), EmploymentRow {
                        sin, id,
                        employer: r.try_get("employer_code")?,
                        start: start.parse().map_err(|_| StoreError::invalid("start_date", &start))?,
                        participant: r.try_get("participant")?,
                        course: Course::default(), salaries: Vec::new(),
                    });
                }
                for r in sqlx::query("SELECT v.person_sin, v.employment_id, v.event, v.event_date FROM employment_events v JOIN employments e ON e.person_sin = v.person_sin AND e.employment_id = v.employment_id WHERE e.employer_code >= $1 AND e.employer_code <= $2 ORDER BY v.person_sin, v.employment_id, v.seq")
                    .bind(&lo).bind(&hi).fetch_all(&mut *tx).await?
                {
                    let key: (String, String) = (r.try_get("person_sin")?, r.try_get("employment_id")?);
                    let Some(row) = rows.get_mut(&key) else { continue };
                    let date: String = r.try_get("event_date")?;
                    let date: Date = date.parse().map_err(|_| StoreError::invalid("event_date", &date))?;
                    row.course.apply(&r.try_get::<String, _>("event")?, date);
                }
                for r in sqlx::query("SELECT s.person_sin, s.employment_id, s.seq, s.effective_month, s.salary, s.allowances FROM salaries s JOIN employments e ON e.person_sin = s.person_sin AND e.employment_id = s.employment_id WHERE e.employer_code >= $1 AND e.employer_code <= $2")
                    .bind(&lo).bind(&hi).fetch_all(&mut *tx).await?
                {
                    let key: (String, String) = (r.try_get("person_sin")?, r.try_get("employment_id")?);
                    let Some(row) = rows.get_mut(&key) else { continue };
                    let m: String = r.try_get("effective_month")?;
                    row.salaries.push(SalaryRec {
                        seq: r.try_get("seq")?,
                        month: m.parse().map_err(|_| StoreError::invalid("effective_month", &m))?,
                        amount: r.try_get::<i64, _>("salary")? + r.try_get::<i64, _>("allowances")?,
                    });
                }
                let mut assessed: HashMap<(String, String, String), Assessed> = HashMap::new();
                let sql = format!("SELECT person_sin, employment_id, month, version, salary_seq, {} FROM contribution_lines WHERE employer_code >= $1 AND employer_code <= $2", AMOUNT_COLUMNS.join(", "));
                for r in sqlx::query(&sql).bind(&lo).bind(&hi).fetch_all(&mut *tx).await? {
                    let key = (r.try_get("person_sin")?, r.try_get("employment_id")?, r.try_get("month")?);
                    let entry = assessed.entry(key).or_default();
                    let version: i64 = r.try_get("version")?;
                    if version > entry.version {
                        entry.version = version;
                        entry.salary_seq = r.try_get("salary_seq")?;
                    }
                    for (i, c) in AMOUNT_COLUMNS.iter().enumerate() {
                        entry.sum[i] += r.try_get::<i64, _>(*c)?;
                    }
                }
                // Months already assessed, per employment.
                let mut assessed_months: HashMap<(String, String), Vec<Month>> = HashMap::new();
                for (sin, id, m) in assessed.keys() {
                    if let Ok(m) = m.parse() {
                        assessed_months.entry((sin.clone(), id.clone())).or_default().push(m);
                    }
                }
                let mut lines = Vec::new();
                for row in rows.values() {
                    let mut months: Vec<Month> = assessed_months
                        .get(&(row.sin.clone(), row.id.clone()))
                        .map(|ms| ms.iter().copied().filter(|m| *m < month).collect())
                        .unwrap_or_default();
                    if row.course.end.is_none_or(|e| e >= month.first_day()) {
                        summary.employments += 1;
                        months.push(month);
                    }
                    months.sort();
                    months.dedup();
                    let (region, occ) = by_code.get(row.employer.as_str()).copied().unwrap_or((1, "0.5%"));
                    for m in months {
                        let key = (row.sin.clone(), row.id.clone(), m.to_string());
                        let before = assessed.get(&key);
                        let ends_before = row.course.end.is_some_and(|e| e < m.first_day());
                        if ends_before && before.is_none() {
                            // Over before this month and never assessed for it: nothing to do.
                            continue;
                        }
                        let salary = salary_for(&row.salaries, m);
                        let expected: Option<(Amounts, &SalaryRec)> = match salary {
                            Some(s) if !ends_before && row.start <= m.last_day() && chargeable(m, row.start, row.course.end, &row.course.suspensions) => {
                                let participant = if row.participant == "foreign_employee" { Participant::ForeignEmployee } else { Participant::Employee };
                                let option = if occ == "0.3%" { OccupationalOption::Reduced } else { OccupationalOption::Standard };
                                let r = resolved.entry((m, participant, region, option)).or_insert_with(|| {
                                    contribution::resolve(params, m, participant, u8::try_from(region).unwrap_or(1), Options { occupational: Some(option), ..Options::default() }).ok()
                                });
                                let outcome = match r.as_ref() {
                                    Some(r) => contribution::assess(r, Dong(s.amount)).map_err(|e| e.to_string()),
                                    None => Err("no parameters for this month".to_string()),
                                };
                                match outcome {
                                    Ok(a) => Some((amounts_of(&a), s)),
                                    Err(reason) => {
                                        summary.refused += 1;
                                        if summary.refusals.len() < 100 {
                                            summary.refusals.push(format!("{} {m}: {reason}", row.id));
                                        }
                                        None
                                    }
                                }
                            }
                            _ => {
                                if m == month && before.is_none() {
                                    summary.not_charged += 1;
                                }
                                None
                            }
                        };
                        let (target, seq, salary_amount) = match expected {
                            Some((a, s)) => (a, s.seq, s.amount),
                            None => ([0; 13], salary.map_or(0, |s| s.seq), salary.map_or(0, |s| s.amount)),
                        };
                        if m == month {
                            summary.month_total += target[12];
                        }
                        let previous = before.map_or([0; 13], |b| b.sum);
                        if target == previous {
                            if before.is_some() {
                                summary.unchanged += 1;
                            }
                            continue;
                        }
                        let mut diff = [0; 13];
                        for i in 0..13 {
                            diff[i] = target[i] - previous[i];
                        }
                        let version = before.map_or(1, |b| b.version + 1);
                        if version == 1 { summary.new_lines += 1 } else { summary.adjustments += 1 }
                        summary.written_total += diff[12];
                        lines.push(NewLine { sin: row.sin.clone(), id: row.id.clone(), month: m.to_string(), version, employer: row.employer.clone(), salary_seq: seq, salary: salary_amount, amounts: diff });
                    }
                }
                for chunk in lines.chunks(500) {
                    let mut q = QueryBuilder::new(format!("INSERT INTO contribution_lines (person_sin, employment_id, month, version, employer_code, run_month, salary_seq, salary, {}, created_at) ", AMOUNT_COLUMNS.join(", ")));
                    q.push_values(chunk, |mut b, l| {
                        b.push_bind(&l.sin).push_bind(&l.id).push_bind(&l.month).push_bind(l.version).push_bind(&l.employer)
                            .push_bind(month.to_string()).push_bind(l.salary_seq).push_bind(l.salary);
                        for v in l.amounts {
                            b.push_bind(v);
                        }
                        b.push_bind(&at);
                    });
                    q.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok::<(), StoreError>(())
            }.await)?;
            summary.employers += employers.len() as u64;
            progress(summary.employers);
            after = hi;
        }
        Ok(summary)
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

/// The employer's monthly notice (C12 equivalent): what a run of `month` put on its account.
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
            "SELECT person_sin, month, {} FROM contribution_lines WHERE employer_code = $1 AND run_month = $2",
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
        let mut persons = std::collections::HashSet::new();
        on_pool!(self, pool => {
            for r in sqlx::query(&sql).bind(&code).bind(&m).fetch_all(pool).await? {
                let line_month: String = r.try_get("month")?;
                let total: i64 = r.try_get("total")?;
                if line_month == m {
                    persons.insert(r.try_get::<String, _>("person_sin")?);
                    for c in &AMOUNT_COLUMNS[2..12] {
                        *notice.funds.entry((*c).to_string()).or_default() += r.try_get::<i64, _>(*c)?;
                    }
                    notice.dues_this_month += total;
                } else {
                    *notice.adjustments.entry(line_month).or_default() += total;
                    notice.adjustments_total += total;
                }
            }
        });
        notice.headcount = persons.len() as i64;
        notice.total_due = notice.dues_this_month + notice.adjustments_total;
        let first = month.first_day().to_string();
        let next = month.plus(1).first_day().to_string();
        let (earlier_dues, paid_before, paid_during) = on_pool!(self, pool => {
            let dues: Option<i64> = sqlx::query("SELECT CAST(SUM(total) AS BIGINT) AS t FROM contribution_lines WHERE employer_code = $1 AND run_month < $2")
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
