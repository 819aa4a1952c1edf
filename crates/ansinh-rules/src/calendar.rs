//! Public holidays and the working week (ngày nghỉ lễ, tết; Labour Code 45/2019/QH14 Art.
//! 111–112): what is a day off, for the checks that read a date against the working days (an
//! outpatient visit on a day off, catalogue C141) and the time limits counted in working days.
//! The fixed days are the law's; the lunar ones (Tết, the Hùng Kings' day) are dated data per
//! year (`rules/vn/public_holidays.toml`).

use crate::params::{Concept, Params};
use ansinh_core::Date;
use serde::Deserialize;

/// The days off of a year (see `rules/vn/public_holidays.toml`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicHolidays {
    /// Days off every year, `MM-DD` (1 January, 30 April, 1 May, 2 September).
    pub fixed: Vec<String>,
    /// Days off of the entry's dates, `YYYY-MM-DD` (Tết, the Hùng Kings' day, the day
    /// beside 2 September).
    pub days: Vec<Date>,
}

fn month_day(v: &str) -> Option<(i8, i8)> {
    let (m, d) = v.split_once('-')?;
    let (m, d) = (m.parse().ok()?, d.parse().ok()?);
    Date::new(2024, m, d).ok().map(|_| (m, d))
}

impl Concept for PublicHolidays {
    fn check(&self) -> Result<(), (String, String)> {
        if let Some(bad) = self.fixed.iter().find(|v| month_day(v).is_none()) {
            return Err(("fixed".into(), format!("`{bad}` is not MM-DD")));
        }
        Ok(())
    }
}

/// Whether `date` is a day off: a Sunday (Labour Code Art. 111, the weekly rest) or a public
/// holiday of Art. 112. A date outside every entry of the holidays is read by the fixed days
/// and Sundays only.
pub fn is_day_off(params: &Params, date: Date) -> bool {
    if date.weekday() == jiff::civil::Weekday::Sunday {
        return true;
    }
    let Ok(entry) = params.public_holidays.at(date) else {
        return false;
    };
    let h = &entry.value;
    h.fixed
        .iter()
        .any(|v| month_day(v) == Some((date.month(), date.day())))
        || h.days.contains(&date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sundays_fixed_days_and_tet_are_days_off() {
        let p = Params::embedded().unwrap();
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert!(is_day_off(&p, d("2025-03-09")), "a Sunday");
        assert!(!is_day_off(&p, d("2025-03-10")), "a Monday");
        assert!(is_day_off(&p, d("2025-04-30")));
        assert!(is_day_off(&p, d("2026-09-02")));
        assert!(is_day_off(&p, d("2025-01-29")), "Tết 2025");
        assert!(is_day_off(&p, d("2026-02-17")), "Tết 2026");
    }
}
