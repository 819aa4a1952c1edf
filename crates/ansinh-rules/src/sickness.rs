//! Sickness benefit (chế độ ốm đau).

use crate::explanation::Line;
use crate::params::{Concept, MissingParam, Params};
use ansinh_core::{Date, Dong, Rate, rate::PPM};
use serde::{Deserialize, Serialize};

/// Parameters of L41 Art. 43, 45, 46.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SicknessParams {
    pub rate: Rate,
    pub days_per_month: i64,
    pub band_years: [i64; 2],
    pub max_days_normal: [i64; 3],
    pub max_days_hazardous: [i64; 3],
    pub long_term_rates: [Rate; 3],
    pub convalescence_daily: Rate,
}

impl Concept for SicknessParams {
    fn check(&self) -> Result<(), (String, String)> {
        if self.days_per_month <= 0 {
            return Err(("days_per_month".into(), "must be positive".into()));
        }
        if self.band_years[0] >= self.band_years[1] {
            return Err(("band_years".into(), "must be ascending".into()));
        }
        Ok(())
    }
}

impl SicknessParams {
    fn band(&self, contribution_years: i64) -> usize {
        self.band_years
            .iter()
            .filter(|&&b| contribution_years >= b)
            .count()
    }

    /// Maximum sick days per year (L41 Art. 43.1).
    pub fn max_days(&self, contribution_years: i64, hazardous: bool) -> i64 {
        let table = if hazardous {
            &self.max_days_hazardous
        } else {
            &self.max_days_normal
        };
        table[self.band(contribution_years)]
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SicknessFacts {
    /// Contribution salary of the month before the leave.
    pub salary: Dong,
    /// Working days of leave, in half days (a half day is the smallest unit, Art. 45.5).
    pub half_days: i64,
    pub contribution_years: Option<i64>,
    pub hazardous: bool,
    /// Working days of sickness already paid this calendar year.
    pub days_used: i64,
    pub date: Date,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SicknessOutcome {
    pub eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub days_paid: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_days: Option<i64>,
    pub daily: Dong,
    pub amount: Dong,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SicknessError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("must not be negative")]
    Negative,
}

/// Sickness allowance: 75 % of the salary of the month before the leave, per working day =
/// monthly / 24, half days paid as halves (L41 Art. 45.1, 45.5); days beyond the yearly maximum
/// by contribution years (Art. 43.1) are not paid.
pub fn evaluate(
    params: &Params,
    f: &SicknessFacts,
) -> Result<(SicknessOutcome, Vec<Line>), SicknessError> {
    if f.salary.get() < 0
        || f.half_days < 0
        || f.days_used < 0
        || f.contribution_years.is_some_and(|y| y < 0)
    {
        return Err(SicknessError::Negative);
    }
    let dated = params.sickness.at(f.date)?;
    let p = &dated.value;
    let rounding = params.rounding.at(f.date)?.value.rounding();
    let max_days = f.contribution_years.map(|y| p.max_days(y, f.hazardous));
    let mut paid_halves = f.half_days;
    let mut reason = None;
    if let Some(max) = max_days {
        let left = (2 * (max - f.days_used)).max(0);
        if paid_halves > left {
            paid_halves = left;
            reason = Some(format!(
                "only {} of the requested days are within the yearly maximum of {max} days (L41 Art. 43.1)",
                left as f64 / 2.0
            ));
        }
    }
    let daily = rounding
        .ratio(
            i128::from(f.salary.get()) * i128::from(p.rate.ppm()),
            i128::from(p.days_per_month) * i128::from(PPM),
        )
        .unwrap_or(Dong(i64::MAX));
    let amount = rounding
        .ratio(
            i128::from(f.salary.get()) * i128::from(p.rate.ppm()) * i128::from(paid_halves),
            2 * i128::from(p.days_per_month) * i128::from(PPM),
        )
        .unwrap_or(Dong(i64::MAX));
    let mut line = Line::new("amount", "Trợ cấp ốm đau", "Sickness allowance")
        .amount(amount)
        .formula(format!(
            "{} × {} / {} × {} days",
            f.salary,
            p.rate.as_percent(),
            p.days_per_month,
            paid_halves as f64 / 2.0
        ))
        .param("sickness.rate", p.rate.as_percent(), dated)
        .param("sickness.days_per_month", p.days_per_month, dated)
        .cite("L41 Art. 45.1, 45.5");
    if let Some(max) = max_days {
        line = line.param("max_days", max, dated);
    }
    Ok((
        SicknessOutcome {
            eligible: paid_halves > 0 || f.half_days == 0,
            reason,
            days_paid: paid_halves as f64 / 2.0,
            max_days,
            daily,
            amount,
        },
        vec![line],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maximum_days_by_contribution_years() {
        let p = Params::embedded().unwrap().sickness.entries()[0]
            .value
            .clone();
        assert_eq!(p.max_days(14, false), 30);
        assert_eq!(p.max_days(15, false), 40);
        assert_eq!(p.max_days(29, false), 40);
        assert_eq!(p.max_days(30, false), 60);
        assert_eq!(p.max_days(30, true), 70);
    }

    #[test]
    fn days_beyond_the_maximum_are_not_paid() {
        let params = Params::embedded().unwrap();
        let f = SicknessFacts {
            salary: Dong(9_600_000),
            half_days: 10,
            contribution_years: Some(10),
            hazardous: false,
            days_used: 28,
            date: "2026-03-01".parse().unwrap(),
        };
        let (o, _) = evaluate(&params, &f).unwrap();
        assert_eq!(o.days_paid, 2.0);
        assert_eq!(o.amount, Dong(600_000));
        assert!(o.reason.is_some());
    }
}
