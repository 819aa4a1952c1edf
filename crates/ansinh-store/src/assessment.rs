//! The monthly assessment (tính số phải đóng hằng tháng): for every employment of a month, the
//! contributions of each fund and payer from the rules core, written to `contribution_lines`.
//!
//! A run goes through the employers in unit-code order, a chunk per transaction. It writes only
//! what is missing or different: a month never assessed gets its line (version 1); a month whose
//! salary or status changed since (a retroactive declaration) gets an adjustment line holding the
//! difference (truy thu, or a refund when negative). Old lines are never edited. Hence a run is
//! idempotent, a killed run resumes by running again, and a run after new declarations writes only
//! the difference.

use crate::{Store, StoreError, on_pool};
use ansinh_core::{Date, Month};
use ansinh_rules::Params;
use ansinh_rules::contribution;
use serde::Serialize;
use sqlx::Row;
use std::collections::BTreeMap;
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

pub(crate) type Amounts = [i64; 13];

pub(crate) fn amounts_of(a: &contribution::Assessment) -> Amounts {
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

/// A Lao member's month in the same columns. The money columns are slots named by Vietnam's
/// funds; Laos' National Social Security Fund is one fund, whose long-term branches (pension,
/// invalidity, survivors) make most of it, so its shares sit in the pension-survivor slots and
/// every other fund's slot is zero (docs/ARCHITECTURE.md, "Jurisdictions"). Pages and notices
/// name the slot with the package's fund.
pub(crate) fn amounts_of_lao(a: &ansinh_la::contribution::Assessment) -> Amounts {
    let mut out = [0; 13];
    out[0] = a.base.get();
    out[3] = a.employee.total.get();
    out[8] = a.employer.total.get();
    out[12] = a.total.get();
    out
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
    if start <= first && end.is_none_or(|e| e >= last) && suspensions.is_empty() {
        // Employed the whole month (the common case): nothing to count.
        return true;
    }
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
pub(crate) struct SalaryRec {
    pub(crate) seq: i64,
    pub(crate) month: Month,
    pub(crate) amount: i64,
}

/// The record in effect for a month: the latest effective month not after it, and of those the
/// latest correction.
pub(crate) fn salary_for(records: &[SalaryRec], month: Month) -> Option<&SalaryRec> {
    records
        .iter()
        .filter(|r| r.month <= month)
        .max_by_key(|r| (r.month, r.seq))
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

/// Reads 13 money columns starting at column `$first` of a sqlx row.
macro_rules! amounts_at {
    ($row:expr, $first:expr) => {{
        let mut a: $crate::assessment::Amounts = [0; 13];
        for (i, v) in a.iter_mut().enumerate() {
            *v = $row.try_get::<i64, _>($first + i)?;
        }
        a
    }};
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
    /// Whether the month carries a pension & survivorship contribution (counts for a pension).
    pub pension: bool,
    /// Whether it carries an unemployment insurance contribution.
    pub unemployment: bool,
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

/// One worker's line on the employer's notice: what the month's run put on the account for
/// them (all versions of the month's lines summed).
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct NoticeWorker {
    pub sin: String,
    pub name: String,
    pub employment_id: String,
    /// Contribution salary (with allowances) of the latest line.
    pub salary: i64,
    pub base_social: i64,
    pub employee_total: i64,
    pub employer_total: i64,
}

impl Store {
    /// The workers of an employer's notice for `month`: each employment's lines of the month
    /// (through the employer's employments, then the lines' primary key: no scan of the month).
    pub async fn notice_workers(
        &self,
        employer_code: &str,
        month: Month,
    ) -> Result<Vec<NoticeWorker>, StoreError> {
        let code = self.existing_employer(employer_code).await?.unit_code;
        let sql = "SELECT e.person_sin, p.name, e.employment_id, l.version, l.salary, l.base_social, \
                   l.employee_sickness_maternity + l.employee_pension_survivor + l.employee_occupational + l.employee_health + l.employee_unemployment AS employee_total, \
                   l.employer_sickness_maternity + l.employer_pension_survivor + l.employer_occupational + l.employer_health + l.employer_unemployment AS employer_total \
                   FROM employments e JOIN persons p ON p.sin = e.person_sin \
                   JOIN contribution_lines l ON l.person_sin = e.person_sin AND l.employment_id = e.employment_id AND l.month = $2 \
                   WHERE e.employer_code = $1 ORDER BY p.name, e.person_sin, e.employment_id, l.version";
        let mut workers: Vec<NoticeWorker> = Vec::new();
        on_pool!(self, pool => {
            for r in sqlx::query(sql).bind(&code).bind(month.to_string()).fetch_all(pool).await? {
                let (sin, id): (String, String) = (r.try_get("person_sin")?, r.try_get("employment_id")?);
                let (salary, base, employee, employer): (i64, i64, i64, i64) = (
                    r.try_get("salary")?, r.try_get("base_social")?,
                    r.try_get("employee_total")?, r.try_get("employer_total")?,
                );
                match workers.last_mut() {
                    Some(w) if w.sin == sin && w.employment_id == id => {
                        w.salary = salary;
                        w.base_social += base;
                        w.employee_total += employee;
                        w.employer_total += employer;
                    }
                    _ => workers.push(NoticeWorker {
                        sin, name: r.try_get("name")?, employment_id: id, salary,
                        base_social: base, employee_total: employee, employer_total: employer,
                    }),
                }
            }
        });
        workers.retain(|w| w.employee_total != 0 || w.employer_total != 0);
        Ok(workers)
    }

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
                    month, employer_code: String::new(), employment_id: id, salary: 0, base_social: 0, employee_total: 0, employer_total: 0, lines: 0, pension: false, unemployment: false,
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
        for (_, (mut record, pension, unemployment)) in months {
            if record.lines == 0 || (record.employee_total == 0 && record.employer_total == 0) {
                continue;
            }
            record.pension = pension > 0;
            record.unemployment = unemployment > 0;
            history.months_for_pension += i64::from(record.pension);
            history.months_for_unemployment += i64::from(record.unemployment);
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
