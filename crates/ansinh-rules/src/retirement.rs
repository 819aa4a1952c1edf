//! Retirement age (tuổi nghỉ hưu) and the month a pension starts.

use crate::explanation::Line;
use crate::params::{Concept, MissingParam, Params};
use ansinh_core::{Date, Month};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// An age in whole months, written `60y3m` in the parameter files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Age(pub i32);

impl fmt::Display for Age {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 % 12 {
            0 => write!(f, "{}y", self.0 / 12),
            m => write!(f, "{}y{}m", self.0 / 12, m),
        }
    }
}

impl<'de> Deserialize<'de> for Age {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Age, D::Error> {
        let text = String::deserialize(d)?;
        parse_age(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not an age: write years and months like \"60y3m\" or \"62y\""
            ))
        })
    }
}

fn parse_age(text: &str) -> Option<Age> {
    let (years, rest) = text.split_once('y')?;
    let years: i32 = years.parse().ok()?;
    let months: i32 = match rest {
        "" => 0,
        m => m.strip_suffix('m')?.parse().ok()?,
    };
    ((0..=120).contains(&years) && (0..12).contains(&months)).then_some(Age(years * 12 + months))
}

/// Retirement ages of one calendar year (Labour Code Art. 169.2; Decree 135/2020 Art. 4).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetirementAge {
    pub men: Age,
    pub women: Age,
}

impl Concept for RetirementAge {}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    #[serde(alias = "man", alias = "m", alias = "nam")]
    Male,
    #[serde(alias = "woman", alias = "f", alias = "nu", alias = "nữ")]
    Female,
}

impl RetirementAge {
    pub fn for_sex(&self, sex: Sex) -> Age {
        match sex {
            Sex::Male => self.men,
            Sex::Female => self.women,
        }
    }
}

/// Parses a birth date given in full, as a month or as a year only: an unknown day is the 1st,
/// an unknown month is January (Decree 158/2025 Art. 12.2).
pub fn parse_birth_date(text: &str) -> Option<Date> {
    match text.len() {
        4 => text
            .parse::<i16>()
            .ok()
            .and_then(|y| Date::new(y, 1, 1).ok()),
        7 => text.parse::<Month>().ok().map(Month::first_day),
        10 => text.parse::<Date>().ok(),
        _ => None,
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RetirementMonth {
    /// Age that applies (the one of the year in which it is reached).
    pub age: String,
    /// Month in which the age is reached.
    pub reached: Month,
    /// First month of pension: the month after the age is reached (L41 Art. 69).
    pub pension_from: Month,
}

/// Month a pension starts under normal conditions: the age is the one set for the calendar year
/// in which the person reaches it (Labour Code Art. 169.2; Decree 135/2020 Art. 4 and
/// Appendix I), and the pension starts the following month (L41 Art. 69).
pub fn retirement_month(
    params: &Params,
    sex: Sex,
    birth: Date,
) -> Result<(RetirementMonth, Vec<Line>), MissingParam> {
    let born = Month::of(birth);
    let mut year = born.year() + 40;
    loop {
        let dated = params
            .retirement_age
            .at(Month::new(year, 1).map_or(birth, Month::first_day))?;
        let age = dated.value.for_sex(sex);
        let reached = born.plus(age.0);
        if reached.year() <= year {
            let result = RetirementMonth {
                age: age.to_string(),
                reached,
                pension_from: reached.plus(1),
            };
            let line = Line::new("retirement_month", "Thời điểm hưởng lương hưu", "First month of pension")
                .value(result.pension_from)
                .formula(format!(
                    "born {born}; age for {year}: {age} → reached {reached}; pension from the next month"
                ))
                .param(format!("retirement_age.{sex:?}"), age, dated)
                .cite("Labour Code Art. 169.2; Decree 135/2020 Art. 4; L41 Art. 69");
            return Ok((result, vec![line]));
        }
        year += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_matches_labour_code_169_2() {
        let p = Params::embedded().unwrap();
        for year in 2021..=2040 {
            let v = &p
                .retirement_age
                .at(Date::new(year as i16, 6, 1).unwrap())
                .unwrap()
                .value;
            let k = (year - 2020).min(20);
            assert_eq!(v.men.0, (720 + 3 * k).min(744), "men {year}");
            assert_eq!(v.women.0, (660 + 4 * k).min(720), "women {year}");
        }
    }

    #[test]
    fn pension_month_examples_of_decree_135_appendix() {
        let p = Params::embedded().unwrap();
        let month = |sex, birth: &str| {
            retirement_month(&p, sex, parse_birth_date(birth).unwrap())
                .unwrap()
                .0
                .pension_from
                .to_string()
        };
        assert_eq!(month(Sex::Male, "1964-10-15"), "2026-05");
        assert_eq!(month(Sex::Male, "1965-06"), "2027-01");
        assert_eq!(month(Sex::Female, "1969-05"), "2026-06");
        assert_eq!(month(Sex::Female, "1969-12"), "2027-01");
        assert_eq!(month(Sex::Male, "1950"), "2010-02");
    }

    #[test]
    fn birth_date_forms() {
        assert_eq!(parse_birth_date("1969").unwrap().to_string(), "1969-01-01");
        assert_eq!(
            parse_birth_date("1969-05").unwrap().to_string(),
            "1969-05-01"
        );
        assert!(parse_birth_date("1969-02-30").is_none());
        assert!(parse_birth_date("69").is_none());
    }

    #[test]
    fn age_syntax() {
        assert_eq!(parse_age("60y3m"), Some(Age(723)));
        assert_eq!(parse_age("62y"), Some(Age(744)));
        assert_eq!(parse_age("60y12m"), None);
        assert_eq!(parse_age("sixty"), None);
    }
}
