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
    /// Days of a long-term illness paid at `rate` in a year, counting holidays and rest days
    /// (Art. 43.2); beyond them at `long_term_rates` by contribution years (Art. 45.3).
    pub long_term_first_days: i64,
    pub convalescence_daily: Rate,
    /// Days of convalescence after sickness: long-term illness, surgery, other (Art. 46.2).
    pub convalescence_days: [i64; 3],
    /// Sick days in the year that open convalescence (Art. 46.1).
    pub convalescence_min_sick_days: i64,
    /// Days after returning to work within which convalescence is taken (Art. 46.1).
    pub convalescence_within_days: i64,
    /// Days a year to care for a sick child under `child_care_ages[0]` years, and from then
    /// to under `child_care_ages[1]` years (Art. 44.1).
    pub child_care_days: [i64; 2],
    pub child_care_ages: [i64; 2],
}

impl Concept for SicknessParams {
    fn check(&self) -> Result<(), (String, String)> {
        if self.days_per_month <= 0 {
            return Err(("days_per_month".into(), "must be positive".into()));
        }
        if self.band_years[0] >= self.band_years[1] {
            return Err(("band_years".into(), "must be ascending".into()));
        }
        if self.child_care_ages[0] >= self.child_care_ages[1] {
            return Err(("child_care_ages".into(), "must be ascending".into()));
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
    /// Working days of sickness already paid this calendar year (for child care: the days
    /// already taken for this child this year).
    pub days_used: i64,
    pub date: Date,
    /// The leave is to care for a sick child born on this day (Art. 42.1.c, 44).
    pub child_birth: Option<Date>,
    /// An illness on the Ministry of Health's list of long-term illnesses: days are calendar
    /// days, paid beyond the yearly maximum at a lower rate (Art. 43.2, 45.3).
    pub long_term: bool,
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
    #[error("the child's birth date is after the leave")]
    ChildNotBorn,
    #[error("a long-term illness is the insured person's own, not a child's")]
    LongTermChild,
    #[error(
        "missing: the years of contributions set the rate after the first days of a long-term illness (L41 Art. 45.3)"
    )]
    LongTermNeedsYears,
}

/// Whole years from `born` to `on` (negative when `on` is before `born`).
pub(crate) fn full_years(born: Date, on: Date) -> i64 {
    let mut years = i64::from(on.year()) - i64::from(born.year());
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years
}

/// Sickness allowance: 75 % of the salary of the month before the leave, per working day =
/// monthly / 24, half days paid as halves (L41 Art. 45.1, 45.5); days beyond the yearly maximum
/// by contribution years (Art. 43.1) are not paid; leave to care for a sick child is paid for
/// at most 20 days a year for a child under 3 and 15 for a child from 3 to under 7 (Art. 44.1).
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
    if f.long_term {
        return long_term(params, f);
    }
    let dated = params.sickness.at(f.date)?;
    let p = &dated.value;
    let rounding = params.rounding.at(f.date)?.value.rounding();
    let mut reason = None;
    let max_days = match f.child_birth {
        // Caring for a sick child: days by the child's age, whatever the contribution years.
        Some(born) => {
            let age = full_years(born, f.date);
            if age < 0 {
                return Err(SicknessError::ChildNotBorn);
            }
            if age >= p.child_care_ages[1] {
                reason = Some(format!(
                    "the child is {age}: leave to care for a sick child is for children under {} (L41 Art. 42.1.c, 44.1)",
                    p.child_care_ages[1]
                ));
                Some(0)
            } else if age < p.child_care_ages[0] {
                Some(p.child_care_days[0])
            } else {
                Some(p.child_care_days[1])
            }
        }
        None => f.contribution_years.map(|y| p.max_days(y, f.hazardous)),
    };
    let mut paid_halves = f.half_days;
    if let Some(max) = max_days
        && reason.is_none()
    {
        let left = (2 * (max - f.days_used)).max(0);
        if paid_halves > left {
            paid_halves = left;
            reason = Some(format!(
                "only {} of the requested days are within the yearly maximum of {max} days (L41 Art. {})",
                left as f64 / 2.0,
                if f.child_birth.is_some() {
                    "44.1"
                } else {
                    "43.1"
                }
            ));
        }
    }
    if reason.is_some() && max_days == Some(0) {
        paid_halves = 0;
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
        .cite(if f.child_birth.is_some() {
            "L41 Art. 44.1, 45.1, 45.5"
        } else {
            "L41 Art. 45.1, 45.5"
        });
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

/// A long-term illness (bệnh cần chữa trị dài ngày, the Ministry of Health's list): the first
/// `long_term_first_days` days of the year (holidays and rest days included) at 75 % (Art. 43.2,
/// 45.1), the days after at 65 % with 30 years of contributions or more, 55 % from 15 to under
/// 30, 50 % under 15 (Art. 45.3); each day = monthly / 24 (Art. 45.5).
fn long_term(
    params: &Params,
    f: &SicknessFacts,
) -> Result<(SicknessOutcome, Vec<Line>), SicknessError> {
    if f.child_birth.is_some() {
        return Err(SicknessError::LongTermChild);
    }
    let years = f
        .contribution_years
        .ok_or(SicknessError::LongTermNeedsYears)?;
    let dated = params.sickness.at(f.date)?;
    let p = &dated.value;
    let rounding = params.rounding.at(f.date)?.value.rounding();
    let first_left = (2 * (p.long_term_first_days - f.days_used)).max(0);
    let first = f.half_days.min(first_left);
    let after = f.half_days - first;
    let band = if years < p.band_years[0] {
        0
    } else if years < p.band_years[1] {
        1
    } else {
        2
    };
    let later_rate = p.long_term_rates[band];
    let part = |rate: Rate, halves: i64| {
        rounding
            .ratio(
                i128::from(f.salary.get()) * i128::from(rate.ppm()) * i128::from(halves),
                2 * i128::from(p.days_per_month) * i128::from(PPM),
            )
            .unwrap_or(Dong(i64::MAX))
    };
    let (a, b) = (part(p.rate, first), part(later_rate, after));
    let amount = a.checked_add(b).unwrap_or(Dong(i64::MAX));
    let daily = rounding
        .ratio(
            i128::from(f.salary.get()) * i128::from(p.rate.ppm()),
            i128::from(p.days_per_month) * i128::from(PPM),
        )
        .unwrap_or(Dong(i64::MAX));
    let mut lines = vec![
        Line::new(
            "amount.first_days",
            "Trợ cấp ốm đau dài ngày – trong thời hạn",
            "Long-term illness – within the first days",
        )
        .amount(a)
        .formula(format!(
            "{} × {} / {} × {} days (of {} a year, {} already paid)",
            f.salary,
            p.rate.as_percent(),
            p.days_per_month,
            first as f64 / 2.0,
            p.long_term_first_days,
            f.days_used
        ))
        .param(
            "sickness.long_term_first_days",
            p.long_term_first_days,
            dated,
        )
        .cite("L41 Art. 43.2, 45.1, 45.5"),
    ];
    if after > 0 {
        lines.push(
            Line::new(
                "amount.after",
                "Trợ cấp ốm đau dài ngày – tiếp tục điều trị",
                "Long-term illness – continued treatment",
            )
            .amount(b)
            .formula(format!(
                "{} × {} ({years} years of contributions) / {} × {} days",
                f.salary,
                later_rate.as_percent(),
                p.days_per_month,
                after as f64 / 2.0
            ))
            .param("sickness.long_term_rates", later_rate.as_percent(), dated)
            .cite("L41 Art. 45.3"),
        );
    }
    lines.push(
        Line::new("amount", "Trợ cấp ốm đau", "Sickness allowance")
            .amount(amount)
            .formula(format!("{a} + {b}"))
            .cite("L41 Art. 45"),
    );
    Ok((
        SicknessOutcome {
            eligible: true,
            reason: None,
            days_paid: f.half_days as f64 / 2.0,
            max_days: Some(p.long_term_first_days),
            daily,
            amount,
        },
        lines,
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
            child_birth: None,
            long_term: false,
        };
        let (o, _) = evaluate(&params, &f).unwrap();
        assert_eq!(o.days_paid, 2.0);
        assert_eq!(o.amount, Dong(600_000));
        assert!(o.reason.is_some());
    }

    #[test]
    fn caring_for_a_sick_child_is_bounded_by_the_child_s_age() {
        let params = Params::embedded().unwrap();
        let f = |born: &str, days_used| SicknessFacts {
            salary: Dong(9_600_000),
            half_days: 2 * 10,
            contribution_years: Some(2),
            hazardous: false,
            days_used,
            date: "2026-03-02".parse().unwrap(),
            child_birth: Some(born.parse().unwrap()),
            long_term: false,
        };
        // Under 3: 20 days a year; 15 already taken → 5 paid.
        let (o, _) = evaluate(&params, &f("2024-05-01", 15)).unwrap();
        assert_eq!((o.max_days, o.days_paid), (Some(20), 5.0));
        // 3 to under 7: 15 days; turned 3 the day before the leave.
        let (o, _) = evaluate(&params, &f("2023-03-01", 0)).unwrap();
        assert_eq!((o.max_days, o.days_paid), (Some(15), 10.0));
        assert_eq!(o.amount, Dong(3_000_000));
        // 7: none.
        let (o, _) = evaluate(&params, &f("2019-01-01", 0)).unwrap();
        assert!(!o.eligible);
        assert_eq!(o.amount, Dong::ZERO);
        assert!(evaluate(&params, &f("2026-04-01", 0)).is_err());
    }
}
