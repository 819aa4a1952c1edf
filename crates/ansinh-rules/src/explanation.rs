//! Explanations (diễn giải): the lines a reader follows to redo a number by hand — the
//! framework's lines ([`ansinh_law::explanation`]) with amounts in đồng.

pub use ansinh_law::explanation::ParamUse;

/// One step of a calculation, its amount in đồng.
pub type Line = ansinh_law::explanation::Line<ansinh_core::Dong>;
