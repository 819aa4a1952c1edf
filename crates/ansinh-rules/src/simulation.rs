//! Policy simulation (mô phỏng chính sách): the monthly contributions of a whole population
//! under the law in force and under a reform (the same parameter files with changed values,
//! `--params-override`), fund by fund and payer by payer, and who wins or loses by salary
//! decile.
//!
//! The formula is the monthly assessment's own ([`crate::contribution`]: L41 Art. 31–34; L74
//! Art. 33–34; Decree 58/2020 Art. 4.1); only the aggregation is here.

use crate::contribution::{
    self, Assessment, ContributionError, OccupationalOption, Options, Participant, Resolved,
};
use crate::params::Params;
use ansinh_core::{Dong, Month};
use serde::Serialize;

/// The parameters of one month resolved for every region (I–IV) and kind (employee, foreign
/// employee), so that a person is one table look-up and one [`contribution::assess`].
pub struct Scenario {
    resolved: [[Resolved; 2]; 4],
}

impl Scenario {
    /// Resolves `month` under `params` (L41 Art. 31–34; L74 Art. 33–34; Decree 58/2020 Art.
    /// 4.1 at the standard occupational rate).
    pub fn new(params: &Params, month: Month) -> Result<Scenario, ContributionError> {
        let one = |region: u8, participant| {
            contribution::resolve(
                params,
                month,
                participant,
                region,
                Options {
                    occupational: Some(OccupationalOption::Standard),
                    ..Options::default()
                },
            )
        };
        let row = |region: u8| -> Result<[Resolved; 2], ContributionError> {
            Ok([
                one(region, Participant::Employee)?,
                one(region, Participant::ForeignEmployee)?,
            ])
        };
        Ok(Scenario {
            resolved: [row(1)?, row(2)?, row(3)?, row(4)?],
        })
    }

    /// One person's month: `None` when the salary is below the minimum contribution salary
    /// (outside compulsory insurance, L41 Art. 31.1.đ), an error for a region outside 1–4.
    #[inline(always)]
    pub fn assess(
        &self,
        salary: Dong,
        region: u8,
        foreign: bool,
    ) -> Result<Option<Assessment>, ContributionError> {
        let Some(row) = self.resolved.get(usize::from(region).wrapping_sub(1)) else {
            return Err(ContributionError::Region(region));
        };
        match contribution::assess(&row[usize::from(foreign)], salary) {
            Ok(a) => Ok(Some(a)),
            Err(ContributionError::BelowFloor { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Totals of a population per fund (in [`contribution::FUNDS`] order) and payer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Persons charged.
    pub persons: u64,
    /// Persons below the minimum contribution salary: not charged.
    pub excluded: u64,
    pub employee: [i64; 5],
    pub employer: [i64; 5],
}

/// A total beyond what an `i64` of đồng holds (never for a real population).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a total is beyond 9.2 × 10^18 đồng")]
pub struct TotalOverflow;

impl Totals {
    #[inline(always)]
    pub fn add(&mut self, a: &Assessment) -> Result<(), TotalOverflow> {
        let (ee, er) = (a.employee.as_array(), a.employer.as_array());
        for i in 0..5 {
            self.employee[i] = self.employee[i]
                .checked_add(ee[i].get())
                .ok_or(TotalOverflow)?;
            self.employer[i] = self.employer[i]
                .checked_add(er[i].get())
                .ok_or(TotalOverflow)?;
        }
        self.persons += 1;
        Ok(())
    }

    pub fn merge(&mut self, other: &Totals) -> Result<(), TotalOverflow> {
        for i in 0..5 {
            self.employee[i] = self.employee[i]
                .checked_add(other.employee[i])
                .ok_or(TotalOverflow)?;
            self.employer[i] = self.employer[i]
                .checked_add(other.employer[i])
                .ok_or(TotalOverflow)?;
        }
        self.persons += other.persons;
        self.excluded += other.excluded;
        Ok(())
    }

    pub fn employee_total(&self) -> i64 {
        self.employee.iter().sum()
    }

    pub fn employer_total(&self) -> i64 {
        self.employer.iter().sum()
    }

    pub fn total(&self) -> i64 {
        self.employee_total() + self.employer_total()
    }

    /// The document of `ansinh simulate --json`: counts, the three totals, and per fund.
    pub fn to_json(&self) -> serde_json::Value {
        let funds = |a: &[i64; 5]| {
            let mut m = serde_json::Map::new();
            for (i, (code, ..)) in contribution::FUNDS.iter().enumerate() {
                m.insert((*code).into(), a[i].into());
            }
            serde_json::Value::Object(m)
        };
        serde_json::json!({
            "persons": self.persons,
            "excluded": self.excluded,
            "employee_total": self.employee_total(),
            "employer_total": self.employer_total(),
            "total": self.total(),
            "funds": { "employee": funds(&self.employee), "employer": funds(&self.employer) },
        })
    }
}

/// One person under the law and under the reform (`None`: not charged).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Compared {
    pub salary: i64,
    pub employee_law: i64,
    pub employee_reform: i64,
    pub employer_law: i64,
    pub employer_reform: i64,
}

/// Winners and losers of a reform in one salary decile: a winner pays less (employee share),
/// a loser more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Decile {
    pub decile: u8,
    pub persons: u64,
    pub salary_from: i64,
    pub salary_to: i64,
    pub employee_law: i64,
    pub employee_reform: i64,
    pub employer_law: i64,
    pub employer_reform: i64,
    pub winners: u64,
    pub losers: u64,
    pub unchanged: u64,
}

/// Splits the persons into ten groups of (nearly) equal size by salary, lowest first, and
/// sums each group's contributions under the law and the reform.
pub fn deciles(people: &mut [Compared]) -> Vec<Decile> {
    people.sort_unstable_by_key(|p| p.salary);
    let n = people.len();
    let mut out = Vec::with_capacity(10);
    for d in 0..10usize {
        let (from, to) = (n * d / 10, n * (d + 1) / 10);
        let group = &people[from..to];
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let mut row = Decile {
            decile: d as u8 + 1,
            persons: group.len() as u64,
            salary_from: first.salary,
            salary_to: last.salary,
            employee_law: 0,
            employee_reform: 0,
            employer_law: 0,
            employer_reform: 0,
            winners: 0,
            losers: 0,
            unchanged: 0,
        };
        for p in group {
            row.employee_law += p.employee_law;
            row.employee_reform += p.employee_reform;
            row.employer_law += p.employer_law;
            row.employer_reform += p.employer_reform;
            match p.employee_reform.cmp(&p.employee_law) {
                std::cmp::Ordering::Less => row.winners += 1,
                std::cmp::Ordering::Greater => row.losers += 1,
                std::cmp::Ordering::Equal => row.unchanged += 1,
            }
        }
        out.push(row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_population_sums_what_each_person_pays() {
        let p = Params::embedded().unwrap();
        let s = Scenario::new(&p, "2026-03".parse().unwrap()).unwrap();
        let mut t = Totals::default();
        for (salary, region, foreign) in [
            (10_000_000, 1, false),
            (60_000_000, 2, false),
            (40_000_000, 1, true),
            (1_000_000, 3, false),
        ] {
            match s.assess(Dong(salary), region, foreign).unwrap() {
                Some(a) => t.add(&a).unwrap(),
                None => t.excluded += 1,
            }
        }
        // 10 M: employee 1,050,000, employer 2,150,000. 60 M capped at 46.8 M (SI) and at
        // 20 × 4,730,000 = 94.6 M (UI, not reached): employee 8 % + 1.5 % of 46.8 M + 1 % of
        // 60 M = 5,046,000. Foreign 40 M: employee 3,800,000 (no UI).
        assert_eq!(t.persons, 3);
        assert_eq!(t.excluded, 1);
        assert_eq!(t.employee_total(), 1_050_000 + 5_046_000 + 3_800_000);
        assert_eq!(t.employee[4], 100_000 + 600_000);
        assert!(s.assess(Dong(10_000_000), 5, false).is_err());
    }

    #[test]
    fn deciles_split_by_salary_and_count_winners_and_losers() {
        let mut people: Vec<Compared> = (1..=20)
            .map(|i| Compared {
                salary: i * 1_000_000,
                employee_law: i * 100,
                // The top half pays more under the reform.
                employee_reform: if i > 10 { i * 100 + 1 } else { i * 100 },
                employer_law: 0,
                employer_reform: 0,
            })
            .rev()
            .collect();
        let d = deciles(&mut people);
        assert_eq!(d.len(), 10);
        assert_eq!(
            (d[0].salary_from, d[0].salary_to, d[0].persons),
            (1_000_000, 2_000_000, 2)
        );
        assert_eq!((d[4].losers, d[5].losers), (0, 2));
        assert_eq!(d.iter().map(|r| r.unchanged).sum::<u64>(), 10);
    }
}
