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

    pub fn min(self, other: Dong) -> Dong {
        Dong(self.0.min(other.0))
    }

    pub fn max(self, other: Dong) -> Dong {
        Dong(self.0.max(other.0))
    }
}

impl Add for Dong {
    type Output = Dong;
    fn add(self, rhs: Dong) -> Dong {
        Dong(self.0 + rhs.0)
    }
}

impl AddAssign for Dong {
    fn add_assign(&mut self, rhs: Dong) {
        self.0 += rhs.0;
    }
}

impl Sub for Dong {
    type Output = Dong;
    fn sub(self, rhs: Dong) -> Dong {
        Dong(self.0 - rhs.0)
    }
}

impl Sum for Dong {
    fn sum<I: Iterator<Item = Dong>>(iter: I) -> Dong {
        Dong(iter.map(|d| d.0).sum())
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
    }
}
