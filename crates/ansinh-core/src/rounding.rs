//! The rounding policy: the one place where a fraction of a đồng becomes a whole amount.
//!
//! No statutory rule was found for rounding contribution or benefit amounts (domain reference
//! §3.5, open item 10), so the policy is a parameter (`rules/vn/rounding.toml`): by default each
//! amount is rounded half away from zero to 1 đồng, once, at the end of its own formula. Every
//! money formula in `ansinh-rules` computes an exact rational and calls [`Rounding::ratio`] or
//! [`Rounding::apply`] exactly once per amount shown to a reader.

use crate::money::{Dong, Money};
use crate::rate::{PPM, Rate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// Half a unit or more rounds away from zero (0.5 → 1).
    HalfUp,
    /// Drops the fraction (towards zero).
    Down,
    /// Any fraction rounds away from zero.
    Up,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rounding {
    pub mode: RoundingMode,
    /// Rounding unit in whole units of the currency (đồng, kip): 1, 10, 100 or 1,000.
    pub unit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoundingError {
    #[error("rounding unit {0} is not one of 1, 10, 100, 1000")]
    Unit(i64),
}

impl Rounding {
    pub const HALF_UP_DONG: Rounding = Rounding::HALF_UP;

    /// Half away from zero to one whole unit, in any currency.
    pub const HALF_UP: Rounding = Rounding {
        mode: RoundingMode::HalfUp,
        unit: 1,
    };

    pub fn new(mode: RoundingMode, unit: i64) -> Result<Rounding, RoundingError> {
        match unit {
            1 | 10 | 100 | 1000 => Ok(Rounding { mode, unit }),
            other => Err(RoundingError::Unit(other)),
        }
    }

    /// `num / den` rounded to the policy's unit. `den` must be positive.
    /// Returns `None` only when the result does not fit in an `i64`.
    pub fn ratio(&self, num: i128, den: i128) -> Option<Dong> {
        self.ratio_in(num, den)
    }

    /// [`Rounding::ratio`] in any currency (the unit counts in that currency's whole units).
    pub fn ratio_in<M: Money>(&self, num: i128, den: i128) -> Option<M> {
        debug_assert!(den > 0, "rounding denominator must be positive");
        let den = den.checked_mul(i128::from(self.unit))?;
        let q = self.div(num, den)?;
        let units = i64::try_from(q).ok()?;
        units.checked_mul(self.unit).map(M::of_units)
    }

    /// `amount × rate`, rounded. The hot path of the monthly assessment: when the product fits
    /// in an `i64` and the unit is 1 đồng, the division is by a constant, which the compiler
    /// turns into a multiply and a shift.
    #[inline]
    pub fn apply(&self, amount: Dong, rate: Rate) -> Dong {
        // Written out for đồng rather than through `apply_in`: the generic version costs the
        // monthly run's formula about 4 % more instructions (LLVM lays the loop out otherwise).
        if self.unit == 1
            && let Some(p) = amount.0.checked_mul(rate.ppm())
        {
            return Dong(match self.mode {
                RoundingMode::HalfUp => div_half_up::<PPM>(p),
                RoundingMode::Down => p / PPM,
                RoundingMode::Up => div_up::<PPM>(p),
            });
        }
        self.ratio(
            i128::from(amount.0) * i128::from(rate.ppm()),
            i128::from(PPM),
        )
        .unwrap_or(Dong(i64::MAX))
    }

    /// [`Rounding::apply`] in any currency (the same arithmetic; tested equal for đồng).
    #[inline]
    pub fn apply_in<M: Money>(&self, amount: M, rate: Rate) -> M {
        if self.unit == 1
            && let Some(p) = amount.units().checked_mul(rate.ppm())
        {
            return M::of_units(match self.mode {
                RoundingMode::HalfUp => div_half_up::<PPM>(p),
                RoundingMode::Down => p / PPM,
                RoundingMode::Up => div_up::<PPM>(p),
            });
        }
        self.ratio_in(
            i128::from(amount.units()) * i128::from(rate.ppm()),
            i128::from(PPM),
        )
        .unwrap_or(M::of_units(i64::MAX))
    }

    fn div(&self, num: i128, den: i128) -> Option<i128> {
        let (neg, n) = (num < 0, num.checked_abs()?);
        let q = match self.mode {
            RoundingMode::HalfUp => (n + den / 2) / den,
            RoundingMode::Down => n / den,
            RoundingMode::Up => (n + den - 1) / den,
        };
        Some(if neg { -q } else { q })
    }
}

#[inline(always)]
fn div_half_up<const D: i64>(p: i64) -> i64 {
    if p >= 0 {
        (p + D / 2) / D
    } else {
        -((-p + D / 2) / D)
    }
}

#[inline(always)]
fn div_up<const D: i64>(p: i64) -> i64 {
    if p >= 0 {
        (p + D - 1) / D
    } else {
        -((-p + D - 1) / D)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HALF_UP: Rounding = Rounding::HALF_UP_DONG;

    proptest! {
        /// The generic rounding (kip) is the same arithmetic as the đồng one.
        #[test]
        fn apply_in_any_currency_equals_apply(amount in -1_000_000_000_000i64..1_000_000_000_000, ppm in 0i64..2_000_000, unit in prop::sample::select(vec![1i64, 10, 100, 1000])) {
            for mode in [RoundingMode::HalfUp, RoundingMode::Down, RoundingMode::Up] {
                let r = Rounding::new(mode, unit).unwrap();
                let rate = Rate::from_ppm(ppm);
                prop_assert_eq!(r.apply_in(crate::Kip(amount), rate).0, r.apply(Dong(amount), rate).0);
                prop_assert_eq!(r.ratio_in::<crate::Kip>(i128::from(amount), 7).map(|k| k.0), r.ratio(i128::from(amount), 7).map(|d| d.0));
            }
        }
    }

    #[test]
    fn half_up_rounds_half_away_from_zero() {
        assert_eq!(HALF_UP.ratio(5, 10), Some(Dong(1)));
        assert_eq!(HALF_UP.ratio(4, 10), Some(Dong(0)));
        assert_eq!(HALF_UP.ratio(-5, 10), Some(Dong(-1)));
        assert_eq!(HALF_UP.ratio(843_750 * 24, 24), Some(Dong(843_750)));
    }

    #[test]
    fn unit_of_one_thousand() {
        let r = Rounding::new(RoundingMode::HalfUp, 1000).unwrap();
        assert_eq!(r.ratio(1_499, 1), Some(Dong(1_000)));
        assert_eq!(r.ratio(1_500, 1), Some(Dong(2_000)));
        let down = Rounding::new(RoundingMode::Down, 1000).unwrap();
        assert_eq!(down.apply(Dong(10_999_999), Rate::ONE), Dong(10_999_000));
    }

    #[test]
    fn rejects_odd_units() {
        assert_eq!(
            Rounding::new(RoundingMode::HalfUp, 7),
            Err(RoundingError::Unit(7))
        );
    }

    #[test]
    fn apply_examples() {
        // 8 % of the 2026H1 cap: exact.
        assert_eq!(
            HALF_UP.apply(Dong(46_800_000), Rate::percent(8)),
            Dong(3_744_000)
        );
        // 1.5 % of 1,234,567 = 18,518.505 → 18,519.
        assert_eq!(
            HALF_UP.apply(Dong(1_234_567), Rate::from_ppm(15_000)),
            Dong(18_519)
        );
        let down = Rounding::new(RoundingMode::Down, 1).unwrap();
        assert_eq!(
            down.apply(Dong(1_234_567), Rate::from_ppm(15_000)),
            Dong(18_518)
        );
        let up = Rounding::new(RoundingMode::Up, 1).unwrap();
        assert_eq!(
            up.apply(Dong(1_234_501), Rate::from_ppm(15_000)),
            Dong(18_518)
        );
    }

    proptest! {
        // The fast path (i64, constant divisor) and the general path (i128) agree.
        #[test]
        fn fast_path_matches_general_path(amount in 0i64..10_000_000_000, ppm in 0i64..2_000_000) {
            for mode in [RoundingMode::HalfUp, RoundingMode::Down, RoundingMode::Up] {
                let r = Rounding { mode, unit: 1 };
                let general = r.ratio(i128::from(amount) * i128::from(ppm), i128::from(PPM)).unwrap();
                prop_assert_eq!(r.apply(Dong(amount), Rate::from_ppm(ppm)), general);
            }
        }

        #[test]
        fn half_up_is_within_half_a_unit(num in -1_000_000_000i128..1_000_000_000, den in 1i128..100_000) {
            let q = HALF_UP.ratio(num, den).unwrap().0 as i128;
            prop_assert!((q * den - num).abs() * 2 <= den);
        }
    }
}
