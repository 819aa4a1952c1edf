//! The lump sum for members who do not qualify for a pension (ເງິນອຸດໜູນຄັ້ງດຽວ): the June 2025
//! rules as reported (`lump_sum.toml`, unconfirmed for enterprise members).

use crate::contribution::Line;
use crate::params::{LaoParams, MissingParam};
use ansinh_core::{Date, Kip};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LumpSumOutcome {
    pub whole_years: i64,
    pub amount: Kip,
    pub unconfirmed: bool,
}

/// 85 % × last monthly insurable earnings × 1.5 × whole years of contributions (the rest of a
/// year dropped), rules in force from 2 Jun 2025. For members who do not qualify for a
/// pension: the caller decides that (with [`crate::pension::evaluate`]); this is the amount.
pub fn evaluate(
    params: &LaoParams,
    months: i64,
    last_salary: Kip,
    date: Date,
) -> Result<(LumpSumOutcome, Vec<Line>), MissingParam> {
    let dated = params.lump_sum.at(date)?;
    let p = &dated.value;
    let rounding = params.rounding.at(date)?.value.rounding();
    let whole_years = months.max(0) / 12;
    let factor = p.share.of(p.multiplier).times(whole_years);
    let amount = rounding.apply_in(last_salary, factor);
    let lines = vec![
        Line::new("whole_years", "ຈຳນວນປີເຕັມ", "Whole years of contributions")
            .value(whole_years)
            .formula(format!("{months} months ÷ 12, the rest dropped")),
        Line::new("amount", "ເງິນອຸດໜູນຄັ້ງດຽວ", "Lump sum")
            .amount(amount)
            .formula(format!(
                "{} × {last_salary} × {} × {whole_years}",
                p.share,
                p.multiplier.as_factor()
            ))
            .param("share", p.share, dated)
            .param("multiplier", p.multiplier.as_factor(), dated)
            .cite("June 2025 rules (Laotian Times, 23 Jun 2025)"),
    ];
    Ok((
        LumpSumOutcome {
            whole_years,
            amount,
            unconfirmed: dated.unconfirmed,
        },
        lines,
    ))
}
