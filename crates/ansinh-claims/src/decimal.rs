//! The decimals of the claims standard (số thập phân): amounts of money with 2 places (số tiền,
//! THANH_TIEN_*, T_*), quantities and unit prices with 3 (SO_LUONG, DON_GIA*), ratios in percent
//! with 2 (TYLE_TT_DV, TYLE_TT_BH, MUC_HUONG), as integers of their last place (QĐ 130/QĐ-BYT
//! Bảng 1–3 give each field its number of places).
//!
//! Why integers: every amount of a claim is exact in its last place, and the formulas of §5.5 are
//! products of a few of them, exact in an `i128`; a general decimal type was a sixth of the time
//! spent assessing a claims file. Rounding happens in one place, [`Fixed::of_scaled`].

use serde::Serialize;
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub};
use std::str::FromStr;

/// A decimal with `P` places, held as the integer count of `10^-P`.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fixed<const P: u32>(i64);

/// Money of a claim, in hundredths of a đồng (QĐ 130: "làm tròn 2 chữ số thập phân").
pub type Amount = Fixed<2>;
/// SO_LUONG: 3 places.
pub type Quantity = Fixed<3>;
/// DON_GIA, DON_GIA_BV, DON_GIA_BH: 3 places.
pub type Price = Fixed<3>;
/// TYLE_TT_DV, TYLE_TT_BH, MUC_HUONG: percent, 2 places.
pub type Percent = Fixed<2>;
/// A benefit level found by the rules, in percent with 4 places (parts per million of the whole).
pub type Rate = Fixed<4>;

const fn ten_to(n: u32) -> i64 {
    10i64.pow(n)
}

impl<const P: u32> Fixed<P> {
    pub const ZERO: Fixed<P> = Fixed(0);
    /// The whole number 100 (a ratio of 100 %).
    pub const HUNDRED: Fixed<P> = Fixed(100 * ten_to(P));

    /// From the integer count of `10^-P`.
    pub const fn from_units(units: i64) -> Fixed<P> {
        Fixed(units)
    }

    /// The integer count of `10^-P`.
    pub const fn units(self) -> i64 {
        self.0
    }

    /// A whole number (of đồng, of percent…), saturating far beyond any claim.
    pub const fn whole(n: i64) -> Fixed<P> {
        Fixed(n.saturating_mul(ten_to(P)))
    }

    /// The whole part, the fraction dropped (towards zero).
    pub const fn trunc(self) -> i64 {
        self.0 / ten_to(P)
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub const fn abs(self) -> Fixed<P> {
        Fixed(self.0.saturating_abs())
    }

    /// The same number with more places (exact).
    pub const fn widen<const Q: u32>(self) -> Fixed<Q> {
        assert!(Q >= P, "widen only adds places");
        Fixed(self.0.saturating_mul(ten_to(Q - P)))
    }

    /// The number `n × 10^-scale`, rounded to `P` places half away from zero: the one rounding
    /// of the claims (QĐ 130 says "làm tròn 2 chữ số" without a mode: half away from zero is
    /// UNCONFIRMED, kept in this one place). Saturates beyond the range of `i64` (no claim comes
    /// near; a hostile file must not wrap around).
    pub fn of_scaled(n: i128, scale: u32) -> Fixed<P> {
        if scale <= P {
            let exact = n.saturating_mul(10i128.pow(P - scale));
            return Fixed(i64::try_from(exact).unwrap_or(if n < 0 { i64::MIN } else { i64::MAX }));
        }
        let units = match (i64::try_from(n), scale - P) {
            // Nearly always: a constant division of an `i64`, far cheaper than of an `i128`.
            (Ok(n), 2) => i128::from(round_div(n, 100)),
            (Ok(n), 4) => i128::from(round_div(n, 10_000)),
            (Ok(n), 6) => i128::from(round_div(n, 1_000_000)),
            (Ok(n), 12) => i128::from(round_div(n, 1_000_000_000_000)),
            (_, drop) => 10i128.checked_pow(drop).map_or(0, |d| round_div(n, d)),
        };
        Fixed(i64::try_from(units).unwrap_or(if n < 0 { i64::MIN } else { i64::MAX }))
    }

    /// The exact product of the integers `factors` (the units of decimals) taken as
    /// `product × 10^-scale`, rounded to `P` places by [`Fixed::of_scaled`]: the formulas of
    /// QĐ 130 §5.5 (quantity × price × ratio × ratio) without an intermediate rounding.
    pub fn of_product(factors: &[i64], scale: u32) -> Fixed<P> {
        let small = factors
            .iter()
            .try_fold(1i64, |product, f| product.checked_mul(*f));
        let n = match small {
            Some(n) => i128::from(n),
            None => factors
                .iter()
                .fold(1i128, |product, f| product.saturating_mul(i128::from(*f))),
        };
        Fixed::of_scaled(n, scale)
    }

    /// The number's text with its `P` places, written in `buf` (what `Display` shows, without
    /// the formatting machinery).
    pub fn text(self, buf: &mut [u8; 24]) -> &str {
        digits(self.0, P, false, buf)
    }

    /// Shows the number without trailing zeros of its fraction: `80` for 80.0000, `47.5`.
    pub fn trimmed(self) -> Trimmed<P> {
        Trimmed(self)
    }
}

/// `n / d` rounded half away from zero (`d` > 0), for `i64` and `i128`.
#[inline]
fn round_div<T>(n: T, d: T) -> T
where
    T: Copy + Ord + Default + From<i8> + std::ops::Div<Output = T> + std::ops::Rem<Output = T>,
    T: std::ops::Add<Output = T> + std::ops::Sub<Output = T> + std::ops::Neg<Output = T>,
{
    let zero = T::default();
    let (q, r) = (n / d, n % d);
    let r = if r < zero { -r } else { r };
    // `r ≥ d - r` is `2r ≥ d` without overflowing.
    if r >= d - r {
        if n < zero {
            q - T::from(1)
        } else {
            q + T::from(1)
        }
    } else {
        q
    }
}

impl<const P: u32> Add for Fixed<P> {
    type Output = Fixed<P>;
    fn add(self, rhs: Fixed<P>) -> Fixed<P> {
        Fixed(self.0.saturating_add(rhs.0))
    }
}

impl<const P: u32> AddAssign for Fixed<P> {
    fn add_assign(&mut self, rhs: Fixed<P>) {
        *self = *self + rhs;
    }
}

impl<const P: u32> Sub for Fixed<P> {
    type Output = Fixed<P>;
    fn sub(self, rhs: Fixed<P>) -> Fixed<P> {
        Fixed(self.0.saturating_sub(rhs.0))
    }
}

impl<const P: u32> Neg for Fixed<P> {
    type Output = Fixed<P>;
    fn neg(self) -> Fixed<P> {
        Fixed(self.0.saturating_neg())
    }
}

impl<const P: u32> Sum for Fixed<P> {
    fn sum<I: Iterator<Item = Fixed<P>>>(iter: I) -> Fixed<P> {
        iter.fold(Fixed::ZERO, Add::add)
    }
}

/// The text of `units` as a decimal with `places` places (`-`, digits, `.`, fraction), without
/// trailing zeros of the fraction when `trim`, written from the end of `buf`: a file's summary
/// shows a few million amounts.
fn digits(units: i64, places: u32, trim: bool, buf: &mut [u8; 24]) -> &str {
    let mut start = buf.len();
    let mut rest = units.unsigned_abs();
    let mut fraction_digits = places;
    if trim {
        while fraction_digits > 0 && rest.is_multiple_of(10) {
            rest /= 10;
            fraction_digits -= 1;
        }
    }
    for k in 0.. {
        if k == fraction_digits && k > 0 {
            start -= 1;
            buf[start] = b'.';
        }
        start -= 1;
        buf[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 && k >= fraction_digits {
            break;
        }
    }
    if units < 0 {
        start -= 1;
        buf[start] = b'-';
    }
    // Only ASCII digits, `.` and `-` were written.
    std::str::from_utf8(&buf[start..]).unwrap_or_default()
}

/// Writes `units` (see [`digits`]) with the width and alignment of a number.
fn write_units(f: &mut fmt::Formatter<'_>, units: i64, places: u32, trim: bool) -> fmt::Result {
    let mut buf = [0u8; 24];
    let text = digits(units, places, trim, &mut buf);
    f.pad_integral(units >= 0, "", text.trim_start_matches('-'))
}

impl<const P: u32> fmt::Display for Fixed<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_units(f, self.0, P, false)
    }
}

impl<const P: u32> fmt::Debug for Fixed<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// See [`Fixed::trimmed`].
pub struct Trimmed<const P: u32>(Fixed<P>);

impl<const P: u32> fmt::Display for Trimmed<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_units(f, self.0.0, P, true)
    }
}

/// As text with its places, like the standard writes it.
impl<const P: u32> Serialize for Fixed<P> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Why a text is not a decimal of the standard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("is not a number")]
    NotANumber,
    #[error("has more than {0} decimals")]
    TooManyPlaces(u32),
    #[error("is out of range")]
    OutOfRange,
}

impl<const P: u32> FromStr for Fixed<P> {
    type Err = DecimalError;

    /// `[+-]digits[.digits]` with at most `P` places (`5`, `5.`, `.5`, `-12.50`); no exponent,
    /// no separators.
    fn from_str(text: &str) -> Result<Fixed<P>, DecimalError> {
        // Nearly every number of a claim is a few digits without sign or point: read at once
        // (14 digits and 4 places stay below `i64::MAX`).
        if (1..=14).contains(&text.len()) && text.bytes().all(|c| c.is_ascii_digit()) {
            let whole = text.bytes().fold(0i64, |n, c| n * 10 + i64::from(c - b'0'));
            return Ok(Fixed(whole * ten_to(P)));
        }
        let b = text.as_bytes();
        let (negative, b) = match b.first() {
            Some(b'-') => (true, &b[1..]),
            Some(b'+') => (false, &b[1..]),
            _ => (false, b),
        };
        let (mut magnitude, mut digits, mut places, mut point) = (0u64, 0u32, 0u32, false);
        for &c in b {
            match c {
                b'0'..=b'9' => {
                    magnitude = magnitude
                        .checked_mul(10)
                        .and_then(|u| u.checked_add(u64::from(c - b'0')))
                        .ok_or(DecimalError::OutOfRange)?;
                    digits += 1;
                    if point {
                        places += 1;
                    }
                }
                b'.' if !point => point = true,
                _ => return Err(DecimalError::NotANumber),
            }
        }
        if digits == 0 {
            return Err(DecimalError::NotANumber);
        }
        if places > P {
            return Err(DecimalError::TooManyPlaces(P));
        }
        let magnitude = magnitude
            .checked_mul(ten_to(P - places).unsigned_abs())
            .ok_or(DecimalError::OutOfRange)?;
        let units = if negative {
            0i64.checked_sub_unsigned(magnitude)
        } else {
            i64::try_from(magnitude).ok()
        };
        units.map(Fixed).ok_or(DecimalError::OutOfRange)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_the_standards_numbers() {
        let a = |t: &str| t.parse::<Amount>();
        assert_eq!(a("340200"), Ok(Amount::from_units(34_020_000)));
        assert_eq!(a("12.5"), Ok(Amount::from_units(1_250)));
        assert_eq!(a("-0.05"), Ok(Amount::from_units(-5)));
        assert_eq!(a("+7."), Ok(Amount::from_units(700)));
        assert_eq!(a(".25"), Ok(Amount::from_units(25)));
        assert_eq!(a("1.005"), Err(DecimalError::TooManyPlaces(2)));
        assert_eq!(a("1.500"), Err(DecimalError::TooManyPlaces(2)));
        for bad in [
            "", "-", ".", "1e5", "1,5", "1 000", "1.2.3", "0x10", "1_000",
        ] {
            assert_eq!(a(bad), Err(DecimalError::NotANumber), "{bad:?}");
        }
        assert_eq!(a("99999999999999999999"), Err(DecimalError::OutOfRange));
        assert_eq!(
            "99999999999999".parse::<Rate>(),
            Ok(Rate::from_units(999_999_999_999_990_000))
        );
        assert_eq!(
            "999999999999999".parse::<Rate>(),
            Err(DecimalError::OutOfRange)
        );
        assert_eq!(a("007"), Ok(Amount::from_units(700)));
        assert_eq!(a("92233720368547758.07"), Ok(Amount::from_units(i64::MAX)));
        assert_eq!(a("92233720368547758.08"), Err(DecimalError::OutOfRange));
    }

    #[test]
    fn shows_every_place() {
        assert_eq!(Amount::from_units(34_020_000).to_string(), "340200.00");
        assert_eq!(Amount::from_units(-5).to_string(), "-0.05");
        assert_eq!(Quantity::from_units(1_500).to_string(), "1.500");
        assert_eq!(
            format!("{:>10}|", Amount::from_units(-1_250)),
            "    -12.50|"
        );
        assert_eq!(format!("{:<8}|", Amount::from_units(1)), "0.01    |");
        assert_eq!(Rate::from_units(800_000).trimmed().to_string(), "80");
        assert_eq!(Rate::from_units(475_000).trimmed().to_string(), "47.5");
        assert_eq!(Amount::ZERO.trimmed().to_string(), "0");
        let mut buf = [0u8; 24];
        assert_eq!(Amount::from_units(-1_250).text(&mut buf), "-12.50");
        assert_eq!(
            Amount::from_units(i64::MIN).text(&mut buf),
            "-92233720368547758.08"
        );
        assert_eq!(Amount::ZERO.text(&mut buf), "0.00");
        assert_eq!(
            Amount::from_units(i64::MIN).to_string(),
            "-92233720368547758.08"
        );
    }

    #[test]
    fn rounds_half_away_from_zero_in_one_place() {
        assert_eq!(Amount::of_scaled(12_345, 3), Amount::from_units(1_235));
        assert_eq!(Amount::of_scaled(12_344, 3), Amount::from_units(1_234));
        assert_eq!(Amount::of_scaled(-12_345, 3), Amount::from_units(-1_235));
        assert_eq!(Amount::of_scaled(-12_344, 3), Amount::from_units(-1_234));
        assert_eq!(Amount::of_scaled(5, 2), Amount::from_units(5));
        assert_eq!(Amount::of_scaled(5, 0), Amount::from_units(500));
        assert_eq!(
            Amount::of_scaled(i128::MAX, 3),
            Amount::from_units(i64::MAX)
        );
        assert_eq!(
            Amount::of_scaled(i128::MIN, 0),
            Amount::from_units(i64::MIN)
        );
        assert_eq!(Amount::of_scaled(1, 60), Amount::ZERO);
        // 2.5 × 33.333 × 30 % × 80 %: 19.99980 → 20.00.
        assert_eq!(
            Amount::of_product(&[2_500, 33_333, 3_000, 8_000], 3 + 3 + 4 + 4),
            Amount::from_units(2_000)
        );
        // Past an i64 on the way: exact in an i128.
        assert_eq!(
            Amount::of_product(&[1_000_000_000, 1_000_000_000, 10_000, 10_000], 14),
            Amount::from_units(100_000_000_000_000)
        );
    }

    /// The reference: exact rational `n / 10^scale` rounded by hand on the decimal digits.
    fn by_digits(n: i128, scale: u32, places: u32) -> i128 {
        let drop = scale - places;
        let text = n.unsigned_abs().to_string();
        let digits = text.len() as u32;
        let (kept, dropped) = if digits > drop {
            text.split_at((digits - drop) as usize)
        } else {
            ("0", text.as_str())
        };
        let kept: i128 = kept.parse().unwrap_or(0);
        let dropped = format!("{dropped:0>width$}", width = drop as usize);
        let up = dropped.as_bytes().first().is_some_and(|d| *d >= b'5');
        let magnitude = kept + i128::from(up);
        if n < 0 { -magnitude } else { magnitude }
    }

    proptest! {
        #[test]
        fn rounding_matches_rounding_by_digits(n in -10i128.pow(30)..10i128.pow(30), scale in 3u32..16) {
            let expected = by_digits(n, scale, 2);
            let found = Amount::of_scaled(n, scale).units();
            if let Ok(e) = i64::try_from(expected) {
                prop_assert_eq!(found, e);
            }
        }

        /// Whole numbers read as their value, or out of range (the fast path and the general
        /// one agree).
        #[test]
        fn whole_numbers_read_as_their_value(text in "[0-9]{1,20}") {
            let value: i128 = text.parse().unwrap_or(i128::MAX);
            let expected = i64::try_from(value * 100).map(Amount::from_units).map_err(|_| DecimalError::OutOfRange);
            prop_assert_eq!(text.parse::<Amount>(), expected);
            let with_point = format!("{text}.");
            prop_assert_eq!(with_point.parse::<Amount>(), expected);
        }

        #[test]
        fn text_round_trips(units in any::<i64>()) {
            let a = Amount::from_units(units);
            prop_assert_eq!(a.to_string().parse::<Amount>(), Ok(a));
        }
    }
}
