//! Rates and factors as integer parts per million.
//!
//! Why ppm and not basis points: the law uses 0.03 %/day (300 ppm) and the pre-2025 interest
//! factor 1.065 %/month (10,650 ppm); revaluation coefficients have two decimals (1.31 =
//! 1,310,000 ppm). One fixed-point type holds all of them exactly.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

pub const PPM: i64 = 1_000_000;

/// A non-negative rate (`"8%"`) or factor (`"1.5"`), stored as parts per million.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("`{0}` is not a rate: write a percentage like \"8%\" or a decimal factor like \"1.5\"")]
    Syntax(String),
    #[error("`{0}` is negative: rates and factors must be zero or more")]
    Negative(String),
    #[error("`{0}` has more precision than one part per million")]
    TooPrecise(String),
    #[error("`{0}` is too large")]
    TooLarge(String),
}

impl Rate {
    pub const ZERO: Rate = Rate(0);
    pub const ONE: Rate = Rate(PPM);

    pub const fn from_ppm(ppm: i64) -> Rate {
        Rate(ppm)
    }

    /// `Rate::percent(8)` is 8 %.
    pub const fn percent(p: i64) -> Rate {
        Rate(p * 10_000)
    }

    pub const fn ppm(self) -> i64 {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Adds two rates (e.g. the 45 % base plus 2 % per year).
    pub fn plus(self, other: Rate) -> Rate {
        Rate(self.0 + other.0)
    }

    /// Subtracts, stopping at zero: a reduced pension rate never goes negative.
    pub fn saturating_minus(self, other: Rate) -> Rate {
        Rate((self.0 - other.0).max(0))
    }

    /// Multiplies by a count (2 % × 10 years). Counts are small; overflow is a bug.
    pub fn times(self, n: i64) -> Rate {
        Rate(self.0 * n)
    }

    /// Product of two rates, exact when the result fits in ppm (22 % × 20 % = 4.4 %).
    pub fn of(self, other: Rate) -> Rate {
        Rate((i128::from(self.0) * i128::from(other.0) / i128::from(PPM)) as i64)
    }

    /// Renders as a percentage without trailing zeros: `"65%"`, `"1.5%"`, `"0.03%"`.
    pub fn as_percent(self) -> String {
        format!("{}%", trim_decimal(self.0, 10_000))
    }

    /// Renders as a decimal factor: `"1.31"`, `"2"`.
    pub fn as_factor(self) -> String {
        trim_decimal(self.0, PPM)
    }

    fn parse_decimal(text: &str, scale_digits: u32) -> Result<i64, RateError> {
        let err = || RateError::Syntax(text.to_string());
        let (int, frac) = match text.split_once('.') {
            Some((i, f)) => (i, f),
            None => (text, ""),
        };
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) || (text.contains('.') && frac.is_empty()) {
            return Err(err());
        }
        let frac_trimmed = frac.trim_end_matches('0');
        if frac_trimmed.len() as u32 > scale_digits {
            return Err(RateError::TooPrecise(text.to_string()));
        }
        let int_v: i64 = int
            .parse()
            .map_err(|_| RateError::TooLarge(text.to_string()))?;
        let mut frac_v: i64 = 0;
        for (i, b) in frac_trimmed.bytes().enumerate() {
            frac_v += i64::from(b - b'0') * 10_i64.pow(scale_digits - 1 - i as u32);
        }
        int_v
            .checked_mul(10_i64.pow(scale_digits))
            .and_then(|v| v.checked_add(frac_v))
            .ok_or_else(|| RateError::TooLarge(text.to_string()))
    }
}

fn trim_decimal(value: i64, scale: i64) -> String {
    let int = value / scale;
    let frac = value % scale;
    if frac == 0 {
        return int.to_string();
    }
    let width = scale.to_string().len() - 1;
    let frac_text = format!("{:0width$}", frac.abs(), width = width);
    format!("{}.{}", int, frac_text.trim_end_matches('0'))
}

impl FromStr for Rate {
    type Err = RateError;

    /// `"8%"`, `"0.03%"` are percentages; `"1.5"`, `"5.63"` are factors.
    fn from_str(s: &str) -> Result<Rate, RateError> {
        let text = s.trim();
        if text.starts_with('-') {
            return Err(RateError::Negative(text.to_string()));
        }
        match text.strip_suffix('%') {
            Some(p) => Rate::parse_decimal(p.trim(), 4).map(Rate),
            None => Rate::parse_decimal(text, 6).map(Rate),
        }
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.as_percent())
    }
}

impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_percent())
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Rate, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_percentages_and_factors() {
        assert_eq!("8%".parse::<Rate>().unwrap().ppm(), 80_000);
        assert_eq!("1.5%".parse::<Rate>().unwrap().ppm(), 15_000);
        assert_eq!("0.03%".parse::<Rate>().unwrap().ppm(), 300);
        assert_eq!("1.065%".parse::<Rate>().unwrap().ppm(), 10_650);
        assert_eq!("5.63".parse::<Rate>().unwrap().ppm(), 5_630_000);
        assert_eq!("2".parse::<Rate>().unwrap().ppm(), 2_000_000);
        assert_eq!("0.5".parse::<Rate>().unwrap().ppm(), 500_000);
    }

    #[test]
    fn rejects_bad_rates() {
        assert!(matches!("-8%".parse::<Rate>(), Err(RateError::Negative(_))));
        assert!(matches!("8.%".parse::<Rate>(), Err(RateError::Syntax(_))));
        assert!(matches!("abc".parse::<Rate>(), Err(RateError::Syntax(_))));
        assert!(matches!(
            "0.00001%".parse::<Rate>(),
            Err(RateError::TooPrecise(_))
        ));
    }

    #[test]
    fn renders_without_trailing_zeros() {
        assert_eq!(Rate::percent(65).as_percent(), "65%");
        assert_eq!(Rate::from_ppm(15_000).as_percent(), "1.5%");
        assert_eq!(Rate::from_ppm(300).as_percent(), "0.03%");
        assert_eq!(Rate::from_ppm(1_310_000).as_factor(), "1.31");
        assert_eq!(Rate::from_ppm(2_000_000).as_factor(), "2");
    }

    #[test]
    fn product_of_rates() {
        assert_eq!(Rate::percent(22).of(Rate::percent(20)).ppm(), 44_000);
    }
}
