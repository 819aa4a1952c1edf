//! Money: integer đồng (Vietnam) and kip (Lao PDR), each its own type.
//!
//! Why a newtype: amounts, month counts and day counts are all integers in the formulas; the
//! type keeps them from being added together by mistake.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub};

macro_rules! money {
    ($(#[$meta:meta])* $name:ident, $unit:literal) => {
$(#[$meta])*
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct $name(pub i64);

impl $name {
    pub const ZERO: $name = $name(0);

    pub const fn get(self) -> i64 {
        self.0
    }

    /// Multiplies by a whole number (e.g. `20 × reference level`), failing on overflow.
    pub fn times(self, n: i64) -> Option<$name> {
        self.0.checked_mul(n).map($name)
    }

    pub fn checked_add(self, other: $name) -> Option<$name> {
        self.0.checked_add(other.0).map($name)
    }

    pub fn checked_sub(self, other: $name) -> Option<$name> {
        self.0.checked_sub(other.0).map($name)
    }

    pub fn min(self, other: $name) -> $name {
        $name(self.0.min(other.0))
    }

    pub fn max(self, other: $name) -> $name {
        $name(self.0.max(other.0))
    }
}

        // The operators never wrap, in any build: inputs are bounded where they enter (the calculator,
// declarations, payments) so that no sum of real amounts comes near `i64::MAX`; if one ever
// did, stopping is better than a wrong amount. Code adding untrusted amounts uses
// `checked_add` and reports the field.
impl Add for $name {
    type Output = $name;
    fn add(self, rhs: $name) -> $name {
        self.checked_add(rhs).expect(concat!("a sum of ", $unit, " beyond i64"))
    }
}

impl AddAssign for $name {
    fn add_assign(&mut self, rhs: $name) {
        *self = *self + rhs;
    }
}

impl Sub for $name {
    type Output = $name;
    fn sub(self, rhs: $name) -> $name {
        self.checked_sub(rhs)
            .expect(concat!("a difference of ", $unit, " beyond i64"))
    }
}

impl Sum for $name {
    fn sum<I: Iterator<Item = $name>>(iter: I) -> $name {
        iter.fold($name::ZERO, |a, b| a + b)
    }
}

// Thousands separators as in the laws' English translations: `46,800,000`; pages format
// amounts in their own language.
impl fmt::Display for $name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&grouped(self.0, ','))
    }
}


        impl Money for $name {
            const UNIT: &'static str = $unit;
            // Inline across crates: the monthly run calls these once per amount.
            #[inline(always)]
            fn units(self) -> i64 {
                self.0
            }
            #[inline(always)]
            fn of_units(units: i64) -> $name {
                $name(units)
            }
        }
    };
}

/// A whole number with its thousands grouped by `separator`: `grouped(-1234567, '.')` is
/// `-1.234.567`. Every place that writes an amount for a reader groups it here.
pub fn grouped(n: i64, separator: char) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// What the rounding policy and explanations need of an amount in any currency: its whole
/// units. Each currency is its own type, so đồng and kip never add up by mistake.
pub trait Money: Copy + Ord + fmt::Display {
    /// The unit's name, for messages: "đồng", "kip".
    const UNIT: &'static str;
    fn units(self) -> i64;
    fn of_units(units: i64) -> Self;
}

money!(
    /// An amount of money in Vietnamese đồng (VND has no minor unit in use).
    Dong,
    "đồng"
);

money!(
    /// An amount of money in Lao kip (LAK: no minor unit in use; amounts are whole kip).
    Kip,
    "kip"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_with_thousands_separators() {
        assert_eq!(Dong(0).to_string(), "0");
        assert_eq!(Dong(999).to_string(), "999");
        assert_eq!(Dong(1_000).to_string(), "1,000");
        assert_eq!(Dong(46_800_000).to_string(), "46,800,000");
        assert_eq!(Dong(-1_234_567).to_string(), "-1,234,567");
    }

    #[test]
    fn times_detects_overflow() {
        assert_eq!(Dong(2_340_000).times(20), Some(Dong(46_800_000)));
        assert_eq!(Dong(i64::MAX).times(2), None);
        assert_eq!(Dong(i64::MAX).checked_add(Dong(1)), None);
        assert_eq!(Dong(i64::MIN).checked_sub(Dong(1)), None);
    }

    #[test]
    #[should_panic(expected = "beyond i64")]
    fn sums_never_wrap() {
        let _ = [Dong(i64::MAX), Dong(1)].into_iter().sum::<Dong>();
    }
}
