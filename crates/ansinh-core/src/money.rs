//! Money: integer đồng.
//!
//! Why a newtype: amounts, month counts and day counts are all integers in the formulas; the
//! type keeps them from being added together by mistake.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub};

/// An amount of money in Vietnamese đồng (VND has no minor unit in use).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Dong(pub i64);

impl Dong {
    pub const ZERO: Dong = Dong(0);

    pub const fn get(self) -> i64 {
        self.0
    }

    /// Multiplies by a whole number (e.g. `20 × reference level`), failing on overflow.
    pub fn times(self, n: i64) -> Option<Dong> {
        self.0.checked_mul(n).map(Dong)
    }

    pub fn checked_add(self, other: Dong) -> Option<Dong> {
        self.0.checked_add(other.0).map(Dong)
    }

    pub fn checked_sub(self, other: Dong) -> Option<Dong> {
        self.0.checked_sub(other.0).map(Dong)
    }

    pub fn min(self, other: Dong) -> Dong {
        Dong(self.0.min(other.0))
    }

    pub fn max(self, other: Dong) -> Dong {
        Dong(self.0.max(other.0))
    }
}

// The operators never wrap, in any build: inputs are bounded where they enter (the calculator,
// declarations, payments) so that no sum of real amounts comes near `i64::MAX`; if one ever
// did, stopping is better than a wrong amount. Code adding untrusted amounts uses
// `checked_add` and reports the field.
impl Add for Dong {
    type Output = Dong;
    fn add(self, rhs: Dong) -> Dong {
        self.checked_add(rhs).expect("a sum of đồng beyond i64")
    }
}

impl AddAssign for Dong {
    fn add_assign(&mut self, rhs: Dong) {
        *self = *self + rhs;
    }
}

impl Sub for Dong {
    type Output = Dong;
    fn sub(self, rhs: Dong) -> Dong {
        self.checked_sub(rhs)
            .expect("a difference of đồng beyond i64")
    }
}

impl Sum for Dong {
    fn sum<I: Iterator<Item = Dong>>(iter: I) -> Dong {
        iter.fold(Dong::ZERO, |a, b| a + b)
    }
}

/// Formats with thousands separators as written in Vietnamese legal texts' English
/// translations: `46,800,000`.
impl fmt::Display for Dong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if self.0 < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        f.pad(&out)
    }
}

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
