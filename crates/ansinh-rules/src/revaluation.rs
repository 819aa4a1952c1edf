//! Revaluation of contributed salaries (điều chỉnh tiền lương đã đóng BHXH) and the average
//! monthly salary (mức bình quân tiền lương) used by pensions and one-time benefits.

use crate::explanation::Line;
use crate::params::{Concept, Dated, MissingParam, Params};
use ansinh_core::{Dong, Month, Rate, rate::PPM};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Coefficients of one settlement year (D158 Art. 16; Circular 01/2025; Official Letter 340/2026).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevaluationTable {
    /// Coefficient for every contribution year before 1995.
    pub before_1995: Rate,
    /// Contribution year → coefficient.
    pub years: BTreeMap<String, Rate>,
    /// First year of the voluntary-income column (D159 Art. 10; Official Letter 340/BHXH-CSXH):
    /// from it, its coefficients are the salary column's; voluntary insurance began in 2008.
    #[serde(default)]
    pub voluntary_from: Option<i32>,
}

impl Concept for RevaluationTable {
    fn check(&self) -> Result<(), (String, String)> {
        let hundredth = PPM / 100;
        for (key, coef) in std::iter::once(("before_1995", &self.before_1995))
            .chain(self.years.iter().map(|(k, v)| (k.as_str(), v)))
        {
            if key != "before_1995" && key.parse::<i32>().map_or(true, |y| y < 1995) {
                return Err((
                    key.into(),
                    "keys of `years` must be contribution years from 1995".into(),
                ));
            }
            if coef.ppm() < PPM {
                return Err((
                    key.into(),
                    format!(
                        "coefficient {} is below the minimum 1.00 (D158 Art. 16.1.a)",
                        coef.as_factor()
                    ),
                ));
            }
            if coef.ppm() % hundredth != 0 {
                return Err((
                    key.into(),
                    format!(
                        "coefficient {} has more than 2 decimals (D158 Art. 16.1.a)",
                        coef.as_factor()
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl RevaluationTable {
    /// Coefficient of a contribution year; years before 1995 share one (D158 Art. 16.1).
    pub fn coefficient(&self, year: i32) -> Option<Rate> {
        if year < 1995 {
            return Some(self.before_1995);
        }
        self.years.get(&year.to_string()).copied()
    }
}

/// Months contributed at one salary.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub from: Month,
    pub to: Month,
    pub salary: Dong,
    /// A period of voluntary insurance: `salary` is the chosen income, revalued by the
    /// voluntary column (D159 Art. 10).
    #[serde(default)]
    pub voluntary: bool,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum HistoryError {
    #[error("the contribution history is empty")]
    Empty,
    #[error("period {index}: voluntary insurance in {year} — the voluntary column starts in {}", first.map_or("no year encoded".to_string(), |f| f.to_string()))]
    VoluntaryBefore {
        index: usize,
        year: i32,
        first: Option<i32>,
    },
    #[error("period {index}: `to` {to} is before `from` {from}")]
    Reversed {
        index: usize,
        from: Month,
        to: Month,
    },
    #[error("period {index} overlaps an earlier period ({month} counted twice)")]
    Overlap { index: usize, month: Month },
    #[error("period {index}: salary must not be negative")]
    NegativeSalary { index: usize },
    #[error("period {index}: {month} is after the settlement year {settlement_year}")]
    AfterSettlement {
        index: usize,
        month: Month,
        settlement_year: i32,
    },
    #[error("no revaluation table for settlement year {0}: the tables encoded cover 2025 and 2026")]
    NoTable(i32, #[source] MissingParam),
    #[error("the revaluation table for {settlement_year} has no coefficient for {year}")]
    NoCoefficient { settlement_year: i32, year: i32 },
    #[error("the amounts are too large to compute")]
    Overflow,
}

impl HistoryError {
    /// Index of the period at fault and its field, for error messages naming the input.
    pub fn field(&self) -> Option<(usize, &'static str)> {
        match self {
            HistoryError::Reversed { index, .. } => Some((*index, "to")),
            HistoryError::Overlap { index, .. } => Some((*index, "from")),
            HistoryError::NegativeSalary { index } => Some((*index, "salary")),
            HistoryError::AfterSettlement { index, .. } => Some((*index, "to")),
            HistoryError::VoluntaryBefore { index, .. } => Some((*index, "from")),
            _ => None,
        }
    }
}

/// Result of [`average_salary`].
#[derive(Clone, Debug, PartialEq)]
pub struct Average {
    pub average: Dong,
    pub months: i64,
    pub months_before_2014: i64,
    pub months_from_2014: i64,
    pub first_month: Month,
}

/// Average monthly salary over the whole contribution history, each year's salary revalued by
/// the coefficient of the settlement year's table (L41 Art. 72.2, 73; Decree 158/2025
/// Art. 15–16). Rounded once, at the end.
pub fn average_salary(
    params: &Params,
    history: &[Period],
    settlement_year: i32,
) -> Result<(Average, Vec<Line>), HistoryError> {
    if history.is_empty() {
        return Err(HistoryError::Empty);
    }
    let date = Month::new(settlement_year, 1)
        .map(Month::first_day)
        .ok_or(HistoryError::Overflow)?;
    let table: &Dated<RevaluationTable> = params
        .revaluation
        .at(date)
        .map_err(|e| HistoryError::NoTable(settlement_year, e))?;
    let rounding = params
        .rounding
        .at(date)
        .map_err(|e| HistoryError::NoTable(settlement_year, e))?
        .value
        .rounding();
    let mut sorted: Vec<(usize, Period)> = history.iter().copied().enumerate().collect();
    for (index, p) in &sorted {
        if p.to < p.from {
            return Err(HistoryError::Reversed {
                index: *index,
                from: p.from,
                to: p.to,
            });
        }
        if p.salary.get() < 0 {
            return Err(HistoryError::NegativeSalary { index: *index });
        }
        if p.to.year() > settlement_year {
            return Err(HistoryError::AfterSettlement {
                index: *index,
                month: p.to,
                settlement_year,
            });
        }
    }
    sorted.sort_by_key(|(_, p)| p.from);
    for pair in sorted.windows(2) {
        if pair[1].1.from <= pair[0].1.to {
            return Err(HistoryError::Overlap {
                index: pair[1].0,
                month: pair[1].1.from,
            });
        }
    }
    let mut sum: i128 = 0;
    let mut months: i64 = 0;
    let mut before_2014: i64 = 0;
    let mut lines = Vec::new();
    for (index, p) in &sorted {
        let mut start = p.from;
        while start <= p.to {
            let year = start.year();
            let year_end = Month::new(year, 12).unwrap_or(p.to).min(p.to);
            let n = i64::from(start.months_until(year_end)) + 1;
            if p.voluntary && table.value.voluntary_from.is_none_or(|first| year < first) {
                return Err(HistoryError::VoluntaryBefore {
                    index: *index,
                    year,
                    first: table.value.voluntary_from,
                });
            }
            let coef = table
                .value
                .coefficient(year)
                .ok_or(HistoryError::NoCoefficient {
                    settlement_year,
                    year,
                })?;
            sum += i128::from(p.salary.get()) * i128::from(n) * i128::from(coef.ppm());
            months += n;
            if year < 2014 {
                before_2014 += n;
            }
            let revalued = rounding
                .ratio(
                    i128::from(p.salary.get()) * i128::from(coef.ppm()),
                    i128::from(PPM),
                )
                .ok_or(HistoryError::Overflow)?;
            lines.push(
                Line::new(
                    format!("revaluation.{start}"),
                    "Tiền lương đã đóng sau điều chỉnh",
                    "Contributed salary, revalued",
                )
                .amount(revalued)
                .formula(format!(
                    "{start} to {year_end}: {n} months × {} × {}",
                    p.salary,
                    coef.as_factor()
                ))
                .param(
                    format!("revaluation[{settlement_year}][{year}]"),
                    coef.as_factor(),
                    table,
                )
                .cite(if p.voluntary {
                    "L41 Art. 73; Decree 159/2025 Art. 10 (voluntary income: the voluntary column, equal to the salary column from 2008)"
                } else {
                    "L41 Art. 73; Decree 158/2025 Art. 16"
                }),
            );
            start = year_end.plus(1);
        }
    }
    let average = rounding
        .ratio(sum, i128::from(months) * i128::from(PPM))
        .ok_or(HistoryError::Overflow)?;
    lines.push(
        Line::new(
            "average_salary",
            "Mức bình quân tiền lương tháng đóng BHXH",
            "Average monthly contribution salary",
        )
        .amount(average)
        .formula(format!("Σ months × salary × coefficient / {months} months"))
        .cite("L41 Art. 72.2; Decree 158/2025 Art. 15"),
    );
    Ok((
        Average {
            average,
            months,
            months_before_2014: before_2014,
            months_from_2014: months - before_2014,
            first_month: sorted[0].1.from,
        },
        lines,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(from: &str, to: &str, salary: i64) -> Period {
        Period {
            voluntary: false,
            from: from.parse().unwrap(),
            to: to.parse().unwrap(),
            salary: Dong(salary),
        }
    }

    #[test]
    fn tables_are_complete_for_their_years() {
        let p = Params::embedded().unwrap();
        for (settlement, last) in [(2025, 2025), (2026, 2026)] {
            let t = &p
                .revaluation
                .at(Month::new(settlement, 1).unwrap().first_day())
                .unwrap()
                .value;
            for year in 1990..=last {
                assert!(t.coefficient(year).is_some(), "{settlement}: {year}");
            }
        }
    }

    #[test]
    fn a_year_split_over_two_periods_and_years() {
        let p = Params::embedded().unwrap();
        let (avg, _) =
            average_salary(&p, &[period("2013-07", "2014-06", 5_000_000)], 2026).unwrap();
        // 6 × 5m × 1.42 + 6 × 5m × 1.36 = 83.4m over 12 months.
        assert_eq!(avg.average, Dong(6_950_000));
        assert_eq!((avg.months_before_2014, avg.months_from_2014), (6, 6));
    }

    #[test]
    fn overlapping_periods_are_refused() {
        let p = Params::embedded().unwrap();
        let err = average_salary(
            &p,
            &[
                period("2015-01", "2015-12", 1),
                period("2015-06", "2016-01", 1),
            ],
            2026,
        )
        .unwrap_err();
        assert_eq!(err.field(), Some((1, "from")));
    }

    #[test]
    fn no_table_for_2027() {
        let p = Params::embedded().unwrap();
        assert!(matches!(
            average_salary(&p, &[period("2015-01", "2015-12", 1)], 2027),
            Err(HistoryError::NoTable(2027, _))
        ));
    }
}

/// Parameters of L41 Art. 72.1 and 73.1.a (the State pay scale).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatePayAverage {
    /// (first year of participation from, last years averaged), ascending.
    pub last_years: Vec<[i64; 2]>,
    pub whole_period_from: i32,
    pub reference_revaluation_before: i32,
}

impl Concept for StatePayAverage {
    fn check(&self) -> Result<(), (String, String)> {
        if self.last_years.is_empty() || !self.last_years.windows(2).all(|w| w[0][0] < w[1][0]) {
            return Err(("last_years".into(), "must be ascending by year".into()));
        }
        if self.last_years.iter().any(|b| b[1] <= 0) {
            return Err(("last_years".into(), "years must be positive".into()));
        }
        Ok(())
    }
}

/// Why a State-pay average cannot be computed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum StatePayError {
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error(
        "{0}: the reference level of this month is not encoded (it starts in May 2016), so the salary cannot be revalued (L41 Art. 73.1.a)"
    )]
    NoReferenceLevel(Month),
}

/// Average monthly salary of a worker on the State's pay scale (L41 Art. 72.1): over the last
/// 5, 6, 8, 10, 15 or 20 years of contributions by the first year of participation (before 1995,
/// 1995–2000, 2001–2006, 2007–2015, 2016–2019, 2020–2024), over the whole period from 2025;
/// each salary revalued by the reference level of the settlement month for a worker who began
/// before 2016 (Art. 73.1.a), by the CPI table otherwise (Art. 73.1.b). The months and the
/// before/from-2014 split stay those of the whole history.
pub fn state_pay_average(
    params: &Params,
    history: &[Period],
    settlement_year: i32,
    settlement_month: Month,
) -> Result<(Average, Vec<Line>), StatePayError> {
    // The whole history's checks, months and CPI coefficients.
    let (whole, _) = average_salary(params, history, settlement_year)?;
    let date = settlement_month.first_day();
    let dated = params.state_pay_average.at(date)?;
    let p = &dated.value;
    let rounding = params.rounding.at(date)?.value.rounding();
    let first_year = whole.first_month.year();
    let last_years = if first_year >= p.whole_period_from {
        None
    } else {
        p.last_years
            .iter()
            .rev()
            .find(|b| b[0] <= i64::from(first_year))
            .map(|b| b[1])
    };
    let mut months: Vec<(Month, Dong)> = Vec::new();
    let mut sorted: Vec<Period> = history.to_vec();
    sorted.sort_by_key(|p| p.from);
    for period in &sorted {
        let mut m = period.from;
        while m <= period.to {
            months.push((m, period.salary));
            m = m.plus(1);
        }
    }
    let keep = last_years.map_or(months.len(), |y| (y as usize * 12).min(months.len()));
    let counted = &months[months.len() - keep..];
    let by_reference = first_year < p.reference_revaluation_before;
    let table = params
        .revaluation
        .at(Month::new(settlement_year, 1)
            .map(Month::first_day)
            .ok_or(HistoryError::Overflow)?)
        .map_err(|e| HistoryError::NoTable(settlement_year, e))?;
    let now = params.reference_level.at(date)?;
    let mut sum: i128 = 0;
    for (m, salary) in counted {
        let revalued = if by_reference {
            let then = params
                .reference_level
                .at(m.first_day())
                .map_err(|_| StatePayError::NoReferenceLevel(*m))?;
            i128::from(salary.get()) * i128::from(now.value.amount.get()) * i128::from(PPM)
                / i128::from(then.value.amount.get().max(1))
        } else {
            let coef = table
                .value
                .coefficient(m.year())
                .ok_or(HistoryError::NoCoefficient {
                    settlement_year,
                    year: m.year(),
                })?;
            i128::from(salary.get()) * i128::from(coef.ppm())
        };
        sum += revalued;
    }
    let average = rounding
        .ratio(sum, i128::from(keep as i64) * i128::from(PPM))
        .ok_or(HistoryError::Overflow)?;
    let line = Line::new(
        "average_salary",
        "Mức bình quân tiền lương tháng đóng BHXH (tiền lương do Nhà nước quy định)",
        "Average monthly salary (State pay scale)",
    )
    .amount(average)
    .formula(format!(
        "first year {first_year}: {} — {keep} months from {} to {}, revalued {}",
        last_years.map_or("the whole period".to_string(), |y| format!(
            "the last {y} years"
        )),
        counted.first().map_or(String::new(), |m| m.0.to_string()),
        counted.last().map_or(String::new(), |m| m.0.to_string()),
        if by_reference {
            format!(
                "by the reference level {} of {settlement_month} over that of each month",
                now.value.amount
            )
        } else {
            format!("by the {settlement_year} CPI table")
        }
    ))
    .param(
        "state_pay_average.last_years",
        last_years.map_or("whole".to_string(), |y| y.to_string()),
        dated,
    )
    .param("reference_level", now.value.amount, now)
    .cite("L41 Art. 72.1, 73.1");
    Ok((Average { average, ..whole }, vec![line]))
}
