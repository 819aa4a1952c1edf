//! Ansinh's rules core: Vietnam's social insurance (BHXH), health insurance (BHYT) contribution
//! and unemployment insurance (BHTN) law as dated parameters and pure formulas.
//!
//! Architecture invariant: no I/O, no clock, no database. Every function takes the parameters,
//! the facts and the date, and returns amounts with an [`explanation`] that cites the article
//! and the parameter values used. The parameters live in `rules/vn/*.toml` ([`params`]).
//!
//! Where to find a rule:
//! - contributions (mức đóng): [`contribution`]
//! - late payment, evasion (chậm đóng, trốn đóng): [`compliance`]
//! - retirement age (tuổi nghỉ hưu): [`retirement`]
//! - revaluation, average salary (điều chỉnh tiền lương, bình quân): [`revaluation`]
//! - pension (lương hưu): [`pension`]
//! - one-time social insurance (BHXH một lần): [`one_time`]
//! - sickness (ốm đau), maternity (thai sản), survivors (tử tuất), unemployment (thất nghiệp)
//! - health insurance card and benefit level (thẻ BHYT, mức hưởng): [`health`]
//! - the armed forces' scheme (BHXH Quân đội: sĩ quan, hạ sĩ quan, binh sĩ): [`armed_forces`]
//! - the Vietnam–Korea agreement (Hiệp định BHXH Việt Nam – Hàn Quốc), certificates of coverage,
//!   totalisation (cộng dồn thời gian): [`agreement`]
//! - the long-term projection of the pension fund (dự báo dài hạn): [`projection`]
//! - policy simulation over a population (mô phỏng chính sách): [`simulation`]
//! - the JSON request/response of `ansinh calc`: [`calc`]
//! - Vietnam as a jurisdiction package (currency, funds, identifiers): [`jurisdiction`]

pub mod agreement;
pub mod armed_forces;
pub mod back_collection;
pub mod benefit_claim;
pub mod calc;
pub mod calendar;
pub mod compliance;
pub mod contribution;
pub mod convalescence;
pub mod examination;
pub mod explanation;
pub mod health;
pub mod indexation;
pub mod jurisdiction;
pub mod maternity;
pub mod monthly_allowance;
pub mod occupational;
pub mod one_time;
pub mod params;
pub mod payment_channel;
pub mod pension;
pub mod pregnancy;
pub mod projection;
pub mod retirement;
pub mod revaluation;
pub mod risk;
pub mod sanction;
pub mod sickness;
pub mod simulation;
pub mod social_pension;
pub mod surrogacy;
pub mod survivor;
pub mod suspension;
pub mod unemployment;
pub mod voluntary_payment;

pub use params::{ParamError, Params};
