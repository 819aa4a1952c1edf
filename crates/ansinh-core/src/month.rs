//! Calendar months: contributions are assessed, and most parameters change, per month.

use crate::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A calendar month, stored as `year × 12 + (month − 1)` so that month arithmetic is integer
/// arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(i32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MonthError {
    #[error("`{0}` is not a month: write \"YYYY-MM\", e.g. \"2026-03\"")]
    Syntax(String),
    #[error("`{0}`: month must be 01 to 12")]
    MonthOutOfRange(String),
    #[error("`{0}`: year must be between 1900 and 2200")]
    YearOutOfRange(String),
}

impl Month {
    pub fn new(year: i32, month: u8) -> Option<Month> {
        if !(1..=12).contains(&month) || !(1900..=2200).contains(&year) {
            return None;
        }
        Some(Month(year * 12 + i32::from(month) - 1))
    }

    pub fn of(date: Date) -> Month {
        Month(i32::from(date.year()) * 12 + i32::from(date.month()) - 1)
    }

    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    pub fn month(self) -> u8 {
        (self.0.rem_euclid(12) + 1) as u8
    }

    pub fn first_day(self) -> Date {
        jiff::civil::date(self.year() as i16, self.month() as i8, 1)
    }

    pub fn last_day(self) -> Date {
        self.first_day().last_of_month()
    }

    pub fn plus(self, months: i32) -> Month {
        Month(self.0 + months)
    }

    /// Number of months from `self` to `later` (0 when equal, negative when `later` is earlier).
    pub fn months_until(self, later: Month) -> i32 {
        later.0 - self.0
    }
}

impl FromStr for Month {
    type Err = MonthError;
    fn from_str(s: &str) -> Result<Month, MonthError> {
        let syntax = || MonthError::Syntax(s.to_string());
        let (y, m) = s.split_once('-').ok_or_else(syntax)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(syntax());
        }
        let year: i32 = y.parse().map_err(|_| syntax())?;
        let month: u8 = m.parse().map_err(|_| syntax())?;
        if !(1..=12).contains(&month) {
            return Err(MonthError::MonthOutOfRange(s.to_string()));
        }
        Month::new(year, month).ok_or_else(|| MonthError::YearOutOfRange(s.to_string()))
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{:04}-{:02}", self.year(), self.month()))
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let m: Month = "2026-03".parse().unwrap();
        assert_eq!((m.year(), m.month()), (2026, 3));
        assert_eq!(m.to_string(), "2026-03");
        assert_eq!(m.plus(10).to_string(), "2027-01");
        assert_eq!(m.plus(-3).to_string(), "2025-12");
    }

    #[test]
    fn rejects_malformed_months() {
        assert!(matches!(
            "2026-13".parse::<Month>(),
            Err(MonthError::MonthOutOfRange(_))
        ));
        assert!(matches!(
            "2026-3".parse::<Month>(),
            Err(MonthError::Syntax(_))
        ));
        assert!(matches!(
            "March".parse::<Month>(),
            Err(MonthError::Syntax(_))
        ));
    }

    #[test]
    fn first_and_last_day() {
        let feb: Month = "2028-02".parse().unwrap();
        assert_eq!(feb.first_day(), jiff::civil::date(2028, 2, 1));
        assert_eq!(feb.last_day(), jiff::civil::date(2028, 2, 29));
    }

    #[test]
    fn months_until_counts_whole_months() {
        let a: Month = "2010-01".parse().unwrap();
        let b: Month = "2024-12".parse().unwrap();
        assert_eq!(a.months_until(b) + 1, 180);
    }
}
