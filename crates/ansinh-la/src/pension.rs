//! The old-age pension (ເງິນບຳນານ) of enterprise employees. Its accrual and averaging period
//! under Law 54/NA are not known: they are parameters marked unconfirmed (`pension.toml`).

use crate::contribution::Line;
use crate::params::{LaoParams, MissingParam};
use ansinh_core::{Date, Kip, Rate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PensionFacts {
    pub sex: Sex,
    /// Whole years of age on the date of the claim.
    pub age: i64,
    /// Whole years of contributions.
    pub years: i64,
    /// Average insurable earnings of the averaging period.
    pub average_salary: Kip,
    pub date: Date,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PensionOutcome {
    pub eligible: bool,
    pub pension_age: i64,
    pub min_years: i64,
    pub rate: Rate,
    pub monthly: Kip,
    /// Every value used is unconfirmed (see `pension.toml`).
    pub unconfirmed: bool,
}

/// Pension at 60 (men) / 55 (women) with at least 15 years (Law 54/NA as summarised); rate =
/// accrual × years, at most the maximum, of the average insurable earnings (accrual and
/// maximum unconfirmed: Decree 207/PM's 1.5 % a year, the 2018 draft's 75 %).
pub fn evaluate(
    params: &LaoParams,
    f: &PensionFacts,
) -> Result<(PensionOutcome, Vec<Line>), MissingParam> {
    let dated = params.pension.at(f.date)?;
    let p = &dated.value;
    let rounding = params.rounding.at(f.date)?.value.rounding();
    let pension_age = match f.sex {
        Sex::Male => p.age_men,
        Sex::Female => p.age_women,
    };
    let eligible = f.age >= pension_age && f.years >= p.min_years;
    let rate = p.accrual_per_year.times(f.years).min(p.max_rate);
    let monthly = if eligible {
        rounding.apply_in(f.average_salary, rate)
    } else {
        Kip::ZERO
    };
    let lines = vec![
        Line::new("eligible", "ມີສິດໄດ້ຮັບເງິນບຳນານ", "Entitled to a pension")
            .value(eligible)
            .formula(format!(
                "age {} ≥ {pension_age} and years {} ≥ {}",
                f.age, f.years, p.min_years
            ))
            .param("pension_age", pension_age, dated)
            .param("min_years", p.min_years, dated)
            .cite("Law 54/NA (2018)"),
        Line::new("rate", "ອັດຕາເງິນບຳນານ", "Pension rate")
            .value(rate)
            .formula(format!(
                "min({} × {} years, {})",
                p.accrual_per_year, f.years, p.max_rate
            ))
            .param("accrual_per_year", p.accrual_per_year, dated)
            .param("max_rate", p.max_rate, dated)
            .cite("Law 54/NA (2018); Decree 207/PM"),
        Line::new("monthly", "ເງິນບຳນານປະຈຳເດືອນ", "Monthly pension")
            .amount(monthly)
            .formula(format!("{} × {rate}", f.average_salary))
            .param("averaging_months", p.averaging_months, dated)
            .cite("Law 54/NA (2018)"),
    ];
    Ok((
        PensionOutcome {
            eligible,
            pension_age,
            min_years: p.min_years,
            rate,
            monthly,
            unconfirmed: dated.unconfirmed,
        },
        lines,
    ))
}
