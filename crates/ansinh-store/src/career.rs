//! A person's career as the record holds it (quá trình tham gia): the months the monthly runs
//! assessed, and the months the declarations cover that no run has assessed yet (the time
//! before the system's first run, or since its last one).
//!
//! Benefits are computed from the whole career (L41 Art. 62, 64: the average of the salaries
//! on which contributions were paid over all the months contributed). A month a run assessed
//! is taken from its contribution line; a declared month is taken from the employment and the
//! salary declared for it, and marked so: it becomes a contributed month when a run assesses it.

use crate::assessment::MonthRecord;
use crate::model::Employment;
use crate::{Store, StoreError};
use ansinh_core::{Date, Month};
use serde::Serialize;
use std::collections::BTreeSet;
use utoipa::ToSchema;

/// Where a month of the career comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A contribution line of a monthly run.
    Assessed,
    /// An employment declared for the month, not assessed by any run.
    Declared,
    /// A period verified from another record (a serviceman's record transferred from the
    /// armed forces' office, time before the registry), with its source.
    Verified,
}

/// One month of the career at one employer.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct CareerMonth {
    pub month: String,
    pub employer_code: String,
    /// Contribution salary with allowances (đồng).
    pub salary: i64,
    pub source: Source,
}

impl CareerMonth {
    /// Whether the month is declared only (no run has assessed it).
    pub fn declared(&self) -> bool {
        self.source == Source::Declared
    }
}

/// The months of a career, oldest first, at most one per month (two employers in one month
/// count once for the time: L41 Art. 85.1 contributes at the first, the time is one month).
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct Career {
    pub months: Vec<CareerMonth>,
    pub assessed: i64,
    pub declared: i64,
    #[serde(default)]
    pub verified: i64,
}

impl Career {
    /// Adds the months of verified periods `(from, to, salary)` that the career does not hold
    /// yet: a month is counted once, whichever record holds it (L41 Art. 85.1).
    pub fn add_verified(&mut self, periods: &[(Month, Month, i64)], source: &str) {
        let mut seen: BTreeSet<String> = self.months.iter().map(|m| m.month.clone()).collect();
        for (from, to, salary) in periods {
            let mut m = *from;
            while m <= *to {
                if seen.insert(m.to_string()) {
                    self.months.push(CareerMonth {
                        month: m.to_string(),
                        employer_code: source.to_string(),
                        salary: *salary,
                        source: Source::Verified,
                    });
                    self.verified += 1;
                }
                m = m.plus(1);
            }
        }
        self.months.sort_by(|a, b| a.month.cmp(&b.month));
    }

    /// Consecutive months at one salary as periods `(from, to, salary)`, the form the benefit
    /// rules take a history in.
    pub fn periods(&self) -> Vec<(Month, Month, i64)> {
        let mut out: Vec<(Month, Month, i64)> = Vec::new();
        for m in &self.months {
            let Ok(month) = m.month.parse::<Month>() else {
                continue;
            };
            if let Some(last) = out.last_mut()
                && last.2 == m.salary
                && last.1.plus(1) == month
            {
                last.1 = month;
                continue;
            }
            out.push((month, month, m.salary));
        }
        out
    }
}

/// The career as the `history` of a calculation request (`ansinh calc`): consecutive months
/// at one salary are one period `{"from", "to", "salary"}`.
pub fn history_rows(career: &Career) -> Vec<serde_json::Value> {
    career
        .periods()
        .into_iter()
        .map(|(from, to, salary)| {
            serde_json::json!({"from": from.to_string(), "to": to.to_string(), "salary": salary})
        })
        .collect()
}

/// Whether the employment covers `month`: begun on or before its last day, not ended before its
/// first, and not suspended for the whole of it (L41 Art. 85.3: a month without work and
/// without salary is not contributed for).
fn covers(e: &Employment, month: Month) -> Result<bool, StoreError> {
    let date = |field: &str, s: &str| {
        s.parse::<Date>().map_err(|_| StoreError::Invalid {
            field: field.into(),
            reason: format!("`{s}` is not a date"),
        })
    };
    let start = date("start_date", &e.start_date)?;
    if Month::of(start) > month {
        return Ok(false);
    }
    if let Some(end) = &e.end_date
        && Month::of(date("end_date", end)?) < month
    {
        return Ok(false);
    }
    let mut course = crate::course::Course::default();
    for ev in &e.events {
        course.apply_with_reason(
            &ev.event,
            date("event_date", &ev.date)?,
            ev.reason.as_deref(),
        );
    }
    let first = month.first_day();
    let last = month.last_day();
    let whole_month_off = course
        .suspensions
        .iter()
        .any(|(from, back)| *from <= first && back.is_none_or(|b| b > last));
    Ok(!whole_month_off)
}

/// The salary declared for `month`: the latest record in force (not superseded) whose month is
/// at or before it, or the first one when all begin later.
fn declared_salary(e: &Employment, month: Month) -> Option<i64> {
    let superseded: BTreeSet<i64> = e.salaries.iter().filter_map(|s| s.supersedes).collect();
    let mut in_force: Vec<(Month, i64, i64)> = e
        .salaries
        .iter()
        .filter(|s| !superseded.contains(&s.seq))
        .filter_map(|s| {
            let m = s.effective_month.parse::<Month>().ok()?;
            Some((m, s.seq, s.salary.checked_add(s.allowances)?))
        })
        .collect();
    in_force.sort();
    in_force
        .iter()
        .rev()
        .find(|(m, _, _)| *m <= month)
        .or_else(|| in_force.first())
        .map(|(_, _, amount)| *amount)
}

/// Joins the assessed months and the declared employments up to `through` (the last month the
/// caller counts, e.g. the last finished one).
pub fn join(
    assessed: &[MonthRecord],
    employments: &[Employment],
    through: Month,
) -> Result<Career, StoreError> {
    let mut career = Career::default();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut months: Vec<CareerMonth> = Vec::new();
    for m in assessed.iter().filter(|m| m.salary > 0) {
        if seen.insert(m.month.clone()) {
            months.push(CareerMonth {
                month: m.month.clone(),
                employer_code: m.employer_code.clone(),
                salary: m.salary,
                source: Source::Assessed,
            });
        }
    }
    for e in employments {
        let Ok(start) = e.start_date.parse::<Date>() else {
            continue;
        };
        let mut month = Month::of(start);
        while month <= through {
            if !seen.contains(&month.to_string())
                && covers(e, month)?
                && let Some(salary) = declared_salary(e, month).filter(|s| *s > 0)
            {
                seen.insert(month.to_string());
                months.push(CareerMonth {
                    month: month.to_string(),
                    employer_code: e.employer_code.clone(),
                    salary,
                    source: Source::Declared,
                });
            }
            month = month.plus(1);
        }
    }
    months.sort_by(|a, b| a.month.cmp(&b.month));
    career.assessed = months
        .iter()
        .filter(|m| m.source == Source::Assessed)
        .count() as i64;
    career.declared = months.len() as i64 - career.assessed;
    career.months = months;
    Ok(career)
}

impl Store {
    /// The person's career through `through`: assessed months and declared ones.
    pub async fn career(&self, sin: &str, through: Month) -> Result<Career, StoreError> {
        let history = self.contribution_history(sin).await?;
        let employments = self.employments(sin).await?;
        join(&history.months, &employments, through)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EmploymentEvent, SalaryRecord};

    fn employment(start: &str, end: Option<&str>, salaries: &[(&str, i64)]) -> Employment {
        Employment {
            employment_id: "E1".into(),
            person_sin: "0100000001".into(),
            employer_code: "TW0001A".into(),
            start_date: start.into(),
            end_date: end.map(str::to_string),
            status: "active".into(),
            contract_kind: "indefinite".into(),
            contract_months: None,
            participant: "employee".into(),
            events: Vec::new(),
            salaries: salaries
                .iter()
                .enumerate()
                .map(|(i, (m, s))| SalaryRecord {
                    seq: i as i64 + 1,
                    effective_month: m.to_string(),
                    salary: *s,
                    allowances: 0,
                    supersedes: None,
                    batch_id: "B".into(),
                    recorded_at: "2026-01-01T00:00:00Z".into(),
                })
                .collect(),
        }
    }

    fn assessed(month: &str, salary: i64) -> MonthRecord {
        MonthRecord {
            month: month.into(),
            employer_code: "TW0001A".into(),
            employment_id: "E1".into(),
            salary,
            base_social: salary,
            employee_total: 1,
            employer_total: 1,
            lines: 1,
            pension: true,
            unemployment: true,
        }
    }

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn months_before_the_first_run_come_from_the_declaration() {
        // Hired in 2020, the system's first run in March 2026: six years, not two months.
        let e = employment(
            "2020-01-15",
            None,
            &[("2020-01", 6_000_000), ("2024-07", 8_000_000)],
        );
        let runs = [
            assessed("2026-03", 9_000_000),
            assessed("2026-04", 9_000_000),
        ];
        let c = join(&runs, &[e], m("2026-04")).unwrap();
        assert_eq!(c.months.len(), 76, "Jan 2020 to Apr 2026");
        assert_eq!((c.assessed, c.declared), (2, 74));
        assert_eq!(
            c.periods(),
            vec![
                (m("2020-01"), m("2024-06"), 6_000_000),
                (m("2024-07"), m("2026-02"), 8_000_000),
                (m("2026-03"), m("2026-04"), 9_000_000),
            ]
        );
        assert_eq!(c.months[0].source, Source::Declared);
        assert_eq!(c.months[75].source, Source::Assessed);
    }

    #[test]
    fn a_leave_ends_and_a_whole_month_of_suspension_skips() {
        let mut e = employment("2025-01-01", Some("2025-06-10"), &[("2025-01", 7_000_000)]);
        e.events.push(EmploymentEvent {
            seq: 1,
            event: "suspend".into(),
            date: "2025-03-01".into(),
            reason: None,
            batch_id: "B".into(),
        });
        e.events.push(EmploymentEvent {
            seq: 2,
            event: "resume".into(),
            date: "2025-04-15".into(),
            reason: None,
            batch_id: "B".into(),
        });
        let c = join(&[], &[e], m("2026-12")).unwrap();
        let months: Vec<&str> = c.months.iter().map(|m| m.month.as_str()).collect();
        assert_eq!(
            months,
            ["2025-01", "2025-02", "2025-04", "2025-05", "2025-06"]
        );
    }

    #[test]
    fn a_corrected_salary_replaces_the_one_it_supersedes() {
        let mut e = employment(
            "2025-01-01",
            None,
            &[("2025-01", 5_000_000), ("2025-01", 5_500_000)],
        );
        e.salaries[1].supersedes = Some(1);
        let c = join(&[], &[e], m("2025-02")).unwrap();
        assert_eq!(c.periods(), vec![(m("2025-01"), m("2025-02"), 5_500_000)]);
    }

    #[test]
    fn nothing_after_the_month_counted_through() {
        let e = employment("2026-11-20", None, &[("2026-11", 9_000_000)]);
        assert!(join(&[], &[e], m("2026-10")).unwrap().months.is_empty());
    }
}
