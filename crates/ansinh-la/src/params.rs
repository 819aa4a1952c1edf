//! The Lao package's parameters: one TOML file per concept under `rules/la/`, read and checked
//! by the framework ([`ansinh_law::parameter_files`]).

pub use ansinh_law::timeline::{Concept, Dated, MissingParam, ParamError, SourceFile, Timeline};

use ansinh_core::{Kip, Rate, Rounding, RoundingMode};
use serde::Deserialize;

/// An amount of kip (`amount = 4500000`).
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KipAmount {
    pub amount: Kip,
}

impl Concept for KipAmount {
    fn check(&self) -> Result<(), (String, String)> {
        if self.amount.get() <= 0 {
            return Err((
                "amount".into(),
                format!("must be a positive amount of kip, found {}", self.amount),
            ));
        }
        Ok(())
    }
}

/// Who pays what share of insurable earnings.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Split {
    pub employee: Rate,
    pub employer: Rate,
}

/// Rates per participant kind (Law 34/NA Art. 55–56, kept by Law 54/NA).
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContributionRates {
    pub employee: Split,
    pub civil_servant: Split,
}

impl Concept for ContributionRates {}

/// A single rate (`rate = "9%"`).
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoluntaryRate {
    pub rate: Rate,
}

impl Concept for VoluntaryRate {}

/// The floor as a share of the minimum wage.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FloorShare {
    pub share: Rate,
}

impl Concept for FloorShare {}

/// How a fraction of a kip becomes a whole amount.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundingPolicy {
    pub mode: RoundingMode,
    pub unit: i64,
}

impl RoundingPolicy {
    pub fn rounding(&self) -> Rounding {
        Rounding::new(self.mode, self.unit).unwrap_or(Rounding::HALF_UP)
    }
}

impl Concept for RoundingPolicy {
    fn check(&self) -> Result<(), (String, String)> {
        Rounding::new(self.mode, self.unit)
            .map(|_| ())
            .map_err(|e| ("unit".into(), e.to_string()))
    }
}

/// Pension age, years and accrual (Law 54/NA; the accrual unconfirmed, see `pension.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PensionParams {
    pub age_men: i64,
    pub age_women: i64,
    pub min_years: i64,
    pub accrual_per_year: Rate,
    pub max_rate: Rate,
    pub averaging_months: i64,
}

impl Concept for PensionParams {}

/// Survivors' shares (Law 54/NA as summarised, see `survivor.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurvivorParams {
    pub min_years: i64,
    pub spouse: Rate,
    pub spouse_age_husband: i64,
    pub spouse_age_wife: i64,
    pub child: Rate,
    pub child_until_age: i64,
    pub one_parent: Rate,
    pub both_parents: Rate,
}

impl Concept for SurvivorParams {}

/// The lump sum of the June 2025 rules (see `lump_sum.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LumpSumParams {
    pub share: Rate,
    pub multiplier: Rate,
}

impl Concept for LumpSumParams {}

ansinh_law::parameter_pack! {
    /// Every parameter of the Lao package, validated.
    pub struct LaoParams in "/../../rules/la/" {
        contribution_rates: ContributionRates,
        voluntary_rate: VoluntaryRate,
        insurable_ceiling: KipAmount,
        minimum_wage: KipAmount,
        insurable_floor: FloorShare,
        rounding: RoundingPolicy,
        pension: PensionParams,
        survivor: SurvivorParams,
        lump_sum: LumpSumParams,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_files_are_valid_and_start_in_2017() {
        let p = LaoParams::embedded().unwrap();
        let day = |s: &str| s.parse::<ansinh_core::Date>().unwrap();
        assert_eq!(
            p.insurable_ceiling
                .at(day("2026-03-01"))
                .unwrap()
                .value
                .amount,
            Kip(4_500_000)
        );
        assert_eq!(
            p.minimum_wage.at(day("2026-03-01")).unwrap().value.amount,
            Kip(2_500_000)
        );
        assert!(p.insurable_floor.at(day("2026-03-01")).unwrap().unconfirmed);
        let before = p.contribution_rates.at(day("2016-12-31")).unwrap_err();
        assert_eq!(before.first, Some(day("2017-01-01")));
    }

    #[test]
    fn a_defect_in_a_lao_file_names_the_file_line_and_key() {
        let files: Vec<SourceFile> = LaoParams::EMBEDDED
            .iter()
            .map(|f| match f.name {
                "insurable_ceiling.toml" => SourceFile {
                    name: f.name,
                    text: "concept = \"insurable_ceiling\"\ntitle_en = \"x\"\n[[values]]\nfrom = 2017-01-01\nsource = \"x\"\namount = -1\n",
                },
                _ => *f,
            })
            .collect();
        let e = LaoParams::load(&files, None).unwrap_err();
        assert_eq!(
            (e.file.as_str(), e.line, e.key.as_str()),
            ("insurable_ceiling.toml", 6, "amount")
        );
    }
}
