//! The framework every Ansinh jurisdiction is built on (the model: OpenFisca's core and its
//! country packages): dated parameters and their files, explanation lines, and the contract a
//! jurisdiction package implements ([`jurisdiction::Package`]).
//!
//! Architecture invariant: no I/O, no clock, no database, and no jurisdiction's law. Money and
//! rounding are in `ansinh-core`; each package (`ansinh-rules` for Vietnam, `ansinh-la` for
//! the Lao PDR) holds its own parameters (`rules/vn/`, `rules/la/`) and formulas.

pub mod explanation;
pub mod jurisdiction;
pub mod parameter_files;
pub mod request;
pub mod timeline;
pub mod worked_cases;

pub use jurisdiction::{CalcError, Currency, Identifier, Installed, Jurisdiction, Named, Package};
pub use timeline::{Concept, Dated, MissingParam, ParamError, SourceFile, Timeline};
