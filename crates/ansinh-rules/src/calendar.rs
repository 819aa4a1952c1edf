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

/// Whether `date` is a public holiday of Labour Code Art. 112. A date outside every entry
/// (a year whose lunar days are not listed) is read by the fixed days of the nearest entry.
pub fn is_public_holiday(params: &Params, date: Date) -> bool {
    let timeline = &params.public_holidays;
    let h = match timeline.at(date) {
        Ok(entry) => &entry.value,
        Err(_) => {
            let entries = timeline.entries();
            match entries
                .iter()
                .rev()
                .find(|e| e.from <= date)
                .or(entries.first())
            {
                Some(e) => &e.value,
                None => return false,
            }
        }
    };
    h.fixed
        .iter()
        .any(|v| month_day(v) == Some((date.month(), date.day())))
        || h.days.contains(&date)
}

/// Whether `date` is a day off of the State's offices: a Saturday or Sunday (the 40-hour week
/// of the State's offices, QĐ 188/1999/QĐ-TTg; Labour Code Art. 111) or a public holiday. An employer may choose another weekly rest (Art. 111.2): a facility's days of
/// service are not read from this.
pub fn is_day_off(params: &Params, date: Date) -> bool {
    use jiff::civil::Weekday;
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) || is_public_holiday(params, date)
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
        // A year without an entry: the fixed days still hold.
        assert!(is_public_holiday(&p, d("2027-04-30")));
        assert!(
            !is_public_holiday(&p, d("2025-03-09")),
            "a Sunday is no public holiday"
        );
    }
}
