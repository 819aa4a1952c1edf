//! Ansinh's Lao PDR package: the National Social Security Fund (ກອງທຶນປະກັນສັງຄົມແຫ່ງຊາດ) under
//! the Law on Social Security (Amended) No. 54/NA of 27 Jun 2018, as dated parameters under
//! `rules/la/` and pure formulas, amounts in kip ([`ansinh_core::Kip`]).
//!
//! Architecture invariant: no I/O, no clock, no database, and nothing of Vietnam's package —
//! it depends on the framework (`ansinh-law`) and the value types (`ansinh-core`) only.
//!
//! Where to find a rule:
//! - contributions (ການປະກອບສ່ວນ): [`contribution`]
//! - old-age pension (ເງິນບຳນານ): [`pension`]
//! - survivors (ຜູ້ຢູ່ເບື້ອງຫຼັງ): [`survivor`]
//! - lump sum (ເງິນອຸດໜູນຄັ້ງດຽວ): [`lump_sum`]
//! - the JSON of `ansinh calc` for `"jurisdiction": "LA"`: [`calc`]
//! - the package's description (kip, Lao, provinces, identifiers): [`jurisdiction`]
//!
//! Many values are known only from secondary sources: each is a parameter marked
//! `status = "unconfirmed"`, and every explanation citing it says so.

pub mod calc;
pub mod contribution;
pub mod jurisdiction;
pub mod lump_sum;
pub mod params;
pub mod pension;
pub mod survivor;

pub use jurisdiction::{LAOS, Laos};
pub use params::LaoParams;
