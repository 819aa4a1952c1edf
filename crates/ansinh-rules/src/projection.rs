//! The long-term projection of the pension-survivor fund (dự báo dài hạn quỹ hưu trí, tử tuất;
//! L41 Art. 116 on the fund's balance), a cohort model in the spirit of the ILO's pension model:
//! from contributors and pensioners by age and sex, year by year, deaths, exits, retirements at
//! the age of the roadmap, entrants, wage growth and indexation give the fund's income,
//! expenditure and reserve, and the year it runs out. The assumptions are data the caller
//! gives (documented in docs/projection.md); the same inputs give the same table.
//!
//! Counts are whole persons and money whole đồng: each step's products are rounded half up
//! once, so a table can be redone by hand.

use crate::retirement::Sex;
use ansinh_core::Rate;
use ansinh_core::rate::PPM;
use serde::{Deserialize, Serialize};

/// What the projection assumes.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Assumptions {
    pub start_year: i32,
    /// Years projected, 1 to 100.
    pub years: u32,
    /// Share of the salary paid into the fund (22 %: employee 8 % + employer 14 %, L41 Art. 33–34).
    pub contribution_rate: Rate,
    /// Yearly growth of salaries (and of the entrants' salary).
    pub wage_growth: Rate,
    /// Yearly indexation of pensions in payment (L41 Art. 67).
    pub indexation: Rate,
    /// Yearly return on the reserve (L41 Art. 121–123).
    pub investment_return: Rate,
    /// A new pension as a share of the last salary.
    pub replacement_rate: Rate,
    /// New contributors a year, half men (the odd one a man), at `entry_age`.
    pub entrants: i64,
    pub entry_age: u8,
    /// Monthly salary of an entrant in the first year.
    pub entry_salary: i64,
    /// Share of contributors leaving insurance a year before retirement.
    pub exit_rate: Rate,
    /// Yearly probability of death from an age on, until the next entry: `[[age, "0.5%"], …]`.
    pub mortality: Vec<(u8, Rate)>,
    /// Retirement ages from a year on: `[[year, men, women], …]` (the roadmap of Labour Code
    /// Art. 169, in whole years).
    pub retirement_age: Vec<(i32, u8, u8)>,
    pub initial_reserve: i64,
}

/// The people of one age and sex at the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cohort {
    pub age: u8,
    pub sex: Sex,
    #[serde(default)]
    pub contributors: i64,
    /// Their average monthly salary.
    #[serde(default)]
    pub salary: i64,
    #[serde(default)]
    pub pensioners: i64,
    /// Their average monthly pension.
    #[serde(default)]
    pub pension: i64,
}

/// One year of the table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct YearRow {
    pub year: i32,
    pub contributors: i64,
    pub pensioners: i64,
    /// Pensioners per 100 contributors.
    pub dependency_ratio: String,
    pub income: i64,
    pub expenditure: i64,
    pub reserve: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Projection {
    pub rows: Vec<YearRow>,
    /// The first year whose reserve is below zero.
    pub depletion_year: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ProjectionError {
    #[error("years: {0} is out of range: 1 to 100")]
    Years(u32),
    #[error("retirement_age: the roadmap needs an entry from the start year {0}")]
    Roadmap(i32),
    #[error("mortality: a table from age 0, each probability at most 100 %")]
    Mortality,
    #[error("{field}: must not be negative")]
    Negative { field: &'static str },
    #[error("the amounts are too large to project")]
    Overflow,
}

const MAX_AGE: u8 = 110;

/// `n × rate`, rounded half up (counts and money alike).
fn times(n: i64, rate: Rate) -> Result<i64, ProjectionError> {
    let v = (i128::from(n) * i128::from(rate.ppm()) + i128::from(PPM) / 2) / i128::from(PPM);
    i64::try_from(v).map_err(|_| ProjectionError::Overflow)
}

/// `n × (1 + rate)`, rounded half up.
fn grown(n: i64, rate: Rate) -> Result<i64, ProjectionError> {
    n.checked_add(times(n, rate)?)
        .ok_or(ProjectionError::Overflow)
}

fn mortality(a: &Assumptions, age: u8) -> Rate {
    a.mortality
        .iter()
        .rev()
        .find(|(from, _)| *from <= age)
        .map_or(Rate::ZERO, |(_, q)| *q)
}

fn retirement_age(a: &Assumptions, year: i32, sex: Sex) -> u8 {
    a.retirement_age
        .iter()
        .rev()
        .find(|(from, ..)| *from <= year)
        .map_or(u8::MAX, |(_, men, women)| match sex {
            Sex::Male => *men,
            Sex::Female => *women,
        })
}

/// Projects the fund year by year (L41 Art. 116; the ILO cohort method): each year's income is
/// contributors × salary × 12 × the contribution rate, its expenditure pensioners × pension ×
/// 12, and the reserve grows by its return, the income less the expenditure. Then each cohort
/// ages a year: deaths by the mortality of its age, exits of contributors, the contributors who
/// reach the retirement age of the next year become pensioners at the replacement rate of their
/// salary, salaries grow and pensions are indexed; entrants join at the entry age.
pub fn project(a: &Assumptions, start: &[Cohort]) -> Result<Projection, ProjectionError> {
    if !(1..=100).contains(&a.years) {
        return Err(ProjectionError::Years(a.years));
    }
    if !a
        .retirement_age
        .iter()
        .any(|(from, ..)| *from <= a.start_year)
    {
        return Err(ProjectionError::Roadmap(a.start_year));
    }
    if a.mortality.first().is_none_or(|(age, _)| *age != 0)
        || a.mortality.iter().any(|(_, q)| *q > Rate::ONE)
    {
        return Err(ProjectionError::Mortality);
    }
    for (field, v) in [("entrants", a.entrants), ("entry_salary", a.entry_salary)] {
        if v < 0 {
            return Err(ProjectionError::Negative { field });
        }
    }
    if start
        .iter()
        .any(|c| c.contributors < 0 || c.salary < 0 || c.pensioners < 0 || c.pension < 0)
    {
        return Err(ProjectionError::Negative { field: "cohorts" });
    }
    let mut cohorts: Vec<Cohort> = start.to_vec();
    let mut reserve = a.initial_reserve;
    let mut entry_salary = a.entry_salary;
    let mut rows = Vec::with_capacity(a.years as usize);
    let mut depletion_year = None;
    for k in 0..a.years {
        let year = a.start_year + k as i32;
        let (mut income, mut expenditure) = (0i64, 0i64);
        let (mut contributors, mut pensioners) = (0i64, 0i64);
        for c in &cohorts {
            let paid = c
                .contributors
                .checked_mul(c.salary)
                .and_then(|v| v.checked_mul(12));
            income = income
                .checked_add(times(
                    paid.ok_or(ProjectionError::Overflow)?,
                    a.contribution_rate,
                )?)
                .ok_or(ProjectionError::Overflow)?;
            expenditure = c
                .pensioners
                .checked_mul(c.pension)
                .and_then(|v| v.checked_mul(12))
                .and_then(|v| expenditure.checked_add(v))
                .ok_or(ProjectionError::Overflow)?;
            contributors += c.contributors;
            pensioners += c.pensioners;
        }
        reserve = grown(reserve, a.investment_return)?
            .checked_add(income)
            .and_then(|v| v.checked_sub(expenditure))
            .ok_or(ProjectionError::Overflow)?;
        if reserve < 0 && depletion_year.is_none() {
            depletion_year = Some(year);
        }
        // Pensioners per 100 contributors, to two decimals (rounded half up).
        let ratio = if contributors > 0 {
            let hundredths = (i128::from(pensioners) * 10_000 + i128::from(contributors) / 2)
                / i128::from(contributors);
            format!("{}.{:02}", hundredths / 100, hundredths % 100)
        } else {
            "—".to_string()
        };
        rows.push(YearRow {
            year,
            contributors,
            pensioners,
            dependency_ratio: ratio,
            income,
            expenditure,
            reserve,
        });
        // The population of the next year.
        let next_year = year + 1;
        let mut next: Vec<Cohort> = Vec::with_capacity(cohorts.len() + 2);
        for c in &cohorts {
            if c.age >= MAX_AGE {
                continue;
            }
            let q = mortality(a, c.age);
            let alive = c.contributors - times(c.contributors, q)?;
            let staying = alive - times(alive, a.exit_rate)?;
            let salary = grown(c.salary, a.wage_growth)?;
            let pensioners = c.pensioners - times(c.pensioners, q)?;
            let indexed = grown(c.pension, a.indexation)?;
            let age = c.age + 1;
            let (contributors, pensioners, pension) = if age >= retirement_age(a, next_year, c.sex)
            {
                let new_pension = times(c.salary, a.replacement_rate)?;
                let all = pensioners + staying;
                let pension = if all > 0 {
                    let sum = i128::from(pensioners) * i128::from(indexed)
                        + i128::from(staying) * i128::from(new_pension);
                    i64::try_from((sum + i128::from(all) / 2) / i128::from(all))
                        .map_err(|_| ProjectionError::Overflow)?
                } else {
                    0
                };
                (0, all, pension)
            } else {
                (staying, pensioners, indexed)
            };
            next.push(Cohort {
                age,
                sex: c.sex,
                contributors,
                salary,
                pensioners,
                pension,
            });
        }
        entry_salary = grown(entry_salary, a.wage_growth)?;
        if a.entrants > 0 {
            for (sex, n) in [
                (Sex::Male, a.entrants - a.entrants / 2),
                (Sex::Female, a.entrants / 2),
            ] {
                match next
                    .iter_mut()
                    .find(|c| c.age == a.entry_age && c.sex == sex)
                {
                    Some(c) => {
                        let total = c.contributors + n;
                        if total > 0 {
                            let sum = i128::from(c.contributors) * i128::from(c.salary)
                                + i128::from(n) * i128::from(entry_salary);
                            c.salary =
                                i64::try_from((sum + i128::from(total) / 2) / i128::from(total))
                                    .map_err(|_| ProjectionError::Overflow)?;
                        }
                        c.contributors = total;
                    }
                    None => next.push(Cohort {
                        age: a.entry_age,
                        sex,
                        contributors: n,
                        salary: entry_salary,
                        pensioners: 0,
                        pension: 0,
                    }),
                }
            }
        }
        cohorts = next;
    }
    Ok(Projection {
        rows,
        depletion_year,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain() -> Assumptions {
        Assumptions {
            start_year: 2026,
            years: 3,
            contribution_rate: Rate::percent(22),
            wage_growth: Rate::ZERO,
            indexation: Rate::ZERO,
            investment_return: Rate::ZERO,
            replacement_rate: Rate::percent(50),
            entrants: 0,
            entry_age: 22,
            entry_salary: 0,
            exit_rate: Rate::ZERO,
            mortality: vec![(0, Rate::ZERO)],
            retirement_age: vec![(2026, 60, 60)],
            initial_reserve: 0,
        }
    }

    fn men(age: u8, contributors: i64, salary: i64) -> Cohort {
        Cohort {
            age,
            sex: Sex::Male,
            contributors,
            salary,
            pensioners: 0,
            pension: 0,
        }
    }

    /// By hand: 100 men of 59 on 10,000,000 pay 100 × 10 M × 12 × 22 % = 2,640,000,000 in
    /// 2026, then all retire at 60 on 5,000,000 and draw 6,000,000,000 a year: the reserve runs
    /// out in 2027.
    #[test]
    fn a_tiny_population_by_hand() {
        let p = project(&plain(), &[men(59, 100, 10_000_000)]).unwrap();
        let r = &p.rows;
        assert_eq!(
            (r[0].income, r[0].expenditure, r[0].reserve),
            (2_640_000_000, 0, 2_640_000_000)
        );
        assert_eq!((r[1].contributors, r[1].pensioners), (0, 100));
        assert_eq!((r[1].income, r[1].expenditure), (0, 6_000_000_000));
        assert_eq!(r[1].reserve, 2_640_000_000 - 6_000_000_000);
        assert_eq!(r[2].reserve, 2_640_000_000 - 12_000_000_000);
        assert_eq!(p.depletion_year, Some(2027));
    }

    /// By hand: 1,000 contributors of 30 with 1 % mortality, 5 % exits and 5 % wage growth:
    /// 1,000 − 10 = 990 alive, − 50 (49.5 rounded up) = 940 next year on 10,500,000; 100
    /// entrants (50 men) of 22 on 6,300,000 (6 M grown 5 %).
    #[test]
    fn deaths_exits_growth_and_entrants() {
        let mut a = plain();
        a.mortality = vec![(0, Rate::percent(1))];
        a.exit_rate = Rate::percent(5);
        a.wage_growth = Rate::percent(5);
        a.entrants = 100;
        a.entry_salary = 6_000_000;
        a.years = 2;
        let p = project(&a, &[men(30, 1_000, 10_000_000)]).unwrap();
        assert_eq!(p.rows[1].contributors, 940 + 100);
        let expected = (940 * 10_500_000i64 + 100 * 6_300_000) * 12 * 22 / 100;
        assert_eq!(p.rows[1].income, expected);
        assert_eq!(p.depletion_year, None);
    }

    #[test]
    fn bad_assumptions_are_refused_naming_what() {
        let mut a = plain();
        a.years = 0;
        assert_eq!(project(&a, &[]), Err(ProjectionError::Years(0)));
        let mut a = plain();
        a.retirement_age = vec![(2030, 62, 60)];
        assert_eq!(project(&a, &[]), Err(ProjectionError::Roadmap(2026)));
        let mut a = plain();
        a.mortality = vec![(30, Rate::percent(1))];
        assert_eq!(project(&a, &[]), Err(ProjectionError::Mortality));
    }
}
