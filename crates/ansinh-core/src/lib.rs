//! Pure value types shared by every Ansinh crate.
//!
//! Architecture invariant: this crate does no I/O, reads no clock and knows no database.
//! Money never touches floating point: amounts are integer đồng ([`Dong`]), rates are integer
//! parts per million ([`Rate`]), and every division of money goes through [`Rounding`].

pub mod ids;
pub mod money;
pub mod month;
pub mod rate;
pub mod role;
pub mod rounding;

pub use money::{Dong, Kip, Money};
pub use month::{Month, MonthError};
pub use rate::{Rate, RateError};
pub use role::{Permission, Role};
pub use rounding::{Rounding, RoundingMode};

/// Calendar date (no time zone: the law speaks of days, not instants).
pub type Date = jiff::civil::Date;
