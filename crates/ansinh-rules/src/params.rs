//! Vietnam's law parameters as dated data: one TOML file per concept under `rules/vn/`.
//!
//! The reading, validation and overrides of the files are the framework's
//! ([`ansinh_law::parameter_files`]); this module names Vietnam's concepts and their types.
//! Each file has a header (`concept`, `title_vi`, `title_en`, optional `note`) and a list of
//! `[[values]]` entries, each with `from`, optional `to`, `source`, optional
//! `status = "unconfirmed"` and `note`, plus the fields of its concept. Any defect is a
//! [`ParamError`] naming the file, the line and the key.
//!
//! This module never touches the file system: the caller hands in the texts (the CLI reads a
//! `--rules` directory, or uses the copies compiled into the binary, [`EMBEDDED`]).

pub use ansinh_law::timeline::{Concept, Dated, MissingParam, ParamError, SourceFile, Timeline};

use crate::compliance::{LateInterestQd595, LatePayment};
use crate::contribution::{
    Amount, ContributionRates, Multiple, OccupationalRates, RegionalMinimumWage, RoundingPolicy,
    VoluntarySupport,
};
use crate::maternity::MaternityParams;
use crate::one_time::OneTimeParams;
use crate::pension::{OddMonths, PensionParams};
use crate::retirement::RetirementAge;
use crate::revaluation::RevaluationTable;
use crate::sickness::SicknessParams;
use crate::survivor::SurvivorParams;
use crate::unemployment::UnemploymentParams;

ansinh_law::parameter_pack! {
    /// Every parameter of the Vietnamese package, validated.
    pub struct Params in "/../../rules/vn/" {
        reference_level: Amount,
        regional_minimum_wage: RegionalMinimumWage,
        rural_poverty_line: Amount,
        si_cap: Multiple,
        si_floor: Multiple,
        ui_cap: Multiple,
        contribution_rates: ContributionRates,
        occupational_rates: OccupationalRates,
        voluntary_support: VoluntarySupport,
        late_payment: LatePayment,
        late_interest_qd595: LateInterestQd595,
        retirement_age: RetirementAge,
        pension: PensionParams,
        odd_months: OddMonths,
        revaluation: RevaluationTable,
        one_time: OneTimeParams,
        sickness: SicknessParams,
        maternity: MaternityParams,
        survivor: SurvivorParams,
        unemployment: UnemploymentParams,
        rounding: RoundingPolicy,
        health_benefit: crate::health::HealthBenefit,
        claims_assessment: crate::health::ClaimsAssessment,
        public_holidays: crate::calendar::PublicHolidays,
        benefit_claims: crate::benefit_claim::BenefitClaims,
        benefit_payment: crate::payment_channel::BenefitPayment,
        benefit_suspension: crate::suspension::BenefitSuspension,
        occupational_benefit: crate::occupational::OccupationalBenefit,
        pension_indexation: crate::indexation::PensionIndexation,
        pregnancy_leave: crate::pregnancy::PregnancyLeave,
        voluntary_maternity: crate::maternity::VoluntaryMaternity,
        social_pension: crate::social_pension::SocialPension,
        state_pay_average: crate::revaluation::StatePayAverage,
        conscript_contribution: crate::armed_forces::ConscriptContribution,
        servicemen_rates: crate::armed_forces::ServicemenRates,
        armed_forces_health: crate::armed_forces::ArmedForcesHealth,
        voluntary_payment: crate::voluntary_payment::VoluntaryPayment,
        agreement_kr: crate::agreement::KoreaAgreement,
        administrative_fines: crate::sanction::AdministrativeFines,
        evasion_crime: crate::sanction::EvasionCrime,
        risk_criteria: crate::risk::RiskCriteria,
        examination_time_limits: crate::examination::TimeLimits,
        union_lawsuit: crate::examination::UnionLawsuit,
    }
}

/// Names of the concepts, i.e. the file stems under `rules/vn/`.
pub const CONCEPTS: &[&str] = Params::CONCEPTS;

/// The parameter files of `rules/vn/`, compiled into the binary.
pub const EMBEDDED: &[SourceFile<'static>] = Params::EMBEDDED;

#[cfg(test)]
mod tests {
    use super::*;
    use ansinh_core::{Date, Dong};

    /// Loads the embedded files with one of them replaced.
    fn load_with(name: &str, text: &str) -> Result<Params, ParamError> {
        let files: Vec<SourceFile> = EMBEDDED
            .iter()
            .map(|f| {
                if f.name == name {
                    SourceFile { name: f.name, text }
                } else {
                    *f
                }
            })
            .collect();
        Params::load(&files, None)
    }

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    const HEADER: &str = "concept = \"reference_level\"\ntitle_vi = \"x\"\ntitle_en = \"x\"\n";

    #[test]
    fn embedded_files_are_valid_and_cover_every_concept() {
        let p = Params::embedded().unwrap();
        assert_eq!(EMBEDDED.len(), CONCEPTS.len());
        assert_eq!(
            p.reference_level
                .at(date("2026-06-30"))
                .unwrap()
                .value
                .amount,
            Dong(2_340_000)
        );
        assert_eq!(
            p.reference_level
                .at(date("2026-07-01"))
                .unwrap()
                .value
                .amount,
            Dong(2_530_000)
        );
        assert!(
            p.reference_level
                .at(date("2026-07-01"))
                .unwrap()
                .unconfirmed
        );
        assert_eq!(
            p.regional_minimum_wage
                .at(date("2025-12-31"))
                .unwrap()
                .value
                .monthly[0],
            Dong(4_960_000)
        );
        assert_eq!(
            p.regional_minimum_wage
                .at(date("2026-01-01"))
                .unwrap()
                .value
                .monthly[0],
            Dong(5_310_000)
        );
    }

    #[test]
    fn a_date_before_the_first_entry_is_missing() {
        let p = Params::embedded().unwrap();
        let err = p.reference_level.at(date("2016-04-30")).unwrap_err();
        assert_eq!(err.first, Some(date("2016-05-01")));
        assert!(err.to_string().contains("reference_level"));
    }

    #[test]
    fn overlap_is_reported_with_file_line_and_key() {
        let text = format!(
            "{HEADER}\n[[values]]\nfrom = 2024-07-01\nto = 2026-06-30\namount = 1\nsource = \"a\"\n\n[[values]]\nfrom = 2026-06-01\namount = 2\nsource = \"b\"\n"
        );
        let err = load_with("reference_level.toml", &text).unwrap_err();
        assert_eq!(
            (err.file.as_str(), err.line, err.key.as_str()),
            ("reference_level.toml", 12, "from")
        );
        assert!(err.reason.contains("overlaps"), "{}", err.reason);
    }

    #[test]
    fn gap_is_reported() {
        let text = format!(
            "{HEADER}\n[[values]]\nfrom = 2024-07-01\nto = 2026-05-31\namount = 1\nsource = \"a\"\n\n[[values]]\nfrom = 2026-07-01\namount = 2\nsource = \"b\"\n"
        );
        let err = load_with("reference_level.toml", &text).unwrap_err();
        assert_eq!((err.line, err.key.as_str()), (12, "from"));
        assert!(
            err.reason.contains("gap") && err.reason.contains("2026-06-01"),
            "{}",
            err.reason
        );
    }

    #[test]
    fn unknown_key_in_an_entry_is_reported_on_its_line() {
        let text = format!(
            "{HEADER}\n[[values]]\nfrom = 2024-07-01\namount = 1\namuont = 2\nsource = \"a\"\n"
        );
        let err = load_with("reference_level.toml", &text).unwrap_err();
        assert_eq!((err.line, err.key.as_str()), (8, "amuont"));
        assert!(err.reason.contains("unknown field"), "{}", err.reason);
    }

    #[test]
    fn unknown_key_in_the_header_is_reported() {
        let text = format!(
            "{HEADER}colour = \"red\"\n[[values]]\nfrom = 2024-07-01\namount = 1\nsource = \"a\"\n"
        );
        let err = load_with("reference_level.toml", &text).unwrap_err();
        assert_eq!((err.line, err.key.as_str()), (4, "colour"));
    }

    #[test]
    fn negative_rate_is_reported_with_its_nested_key() {
        let original = EMBEDDED
            .iter()
            .find(|f| f.name == "occupational_rates.toml")
            .unwrap()
            .text;
        let text = original.replace("reduced = \"0.3%\"", "reduced = \"-0.3%\"");
        let err = load_with("occupational_rates.toml", &text).unwrap_err();
        assert_eq!(err.key, "reduced");
        assert_eq!(
            err.line,
            1 + original
                .lines()
                .position(|l| l.starts_with("reduced"))
                .unwrap()
        );
        assert!(err.reason.contains("negative"), "{}", err.reason);
        let rates = EMBEDDED
            .iter()
            .find(|f| f.name == "contribution_rates.toml")
            .unwrap()
            .text;
        let err = load_with(
            "contribution_rates.toml",
            &rates.replace("health = \"1.5%\"", "health = \"-1.5%\""),
        )
        .unwrap_err();
        assert!(
            err.key.ends_with("health") && err.reason.contains("negative"),
            "{err}"
        );
    }

    #[test]
    fn missing_source_open_ended_middle_and_wrong_concept_are_refused() {
        let no_source = format!("{HEADER}\n[[values]]\nfrom = 2024-07-01\namount = 1\n");
        assert_eq!(
            load_with("reference_level.toml", &no_source)
                .unwrap_err()
                .key,
            "source"
        );
        let open_middle = format!(
            "{HEADER}\n[[values]]\nfrom = 2024-07-01\namount = 1\nsource = \"a\"\n\n[[values]]\nfrom = 2026-07-01\namount = 2\nsource = \"b\"\n"
        );
        assert!(
            load_with("reference_level.toml", &open_middle)
                .unwrap_err()
                .reason
                .contains("open-ended")
        );
        let wrong = HEADER.replace("\"reference_level\"", "\"si_cap\"")
            + "[[values]]\nfrom = 2024-07-01\namount = 1\nsource = \"a\"\n";
        assert_eq!(
            load_with("reference_level.toml", &wrong).unwrap_err().key,
            "concept"
        );
        let bad_date =
            format!("{HEADER}\n[[values]]\nfrom = \"July\"\namount = 1\nsource = \"a\"\n");
        assert_eq!(
            load_with("reference_level.toml", &bad_date)
                .unwrap_err()
                .line,
            6
        );
    }

    #[test]
    fn a_missing_or_unknown_file_is_refused() {
        let files: Vec<SourceFile> = EMBEDDED
            .iter()
            .copied()
            .filter(|f| f.name != "si_cap.toml")
            .collect();
        assert_eq!(Params::load(&files, None).unwrap_err().file, "si_cap.toml");
        let mut files = EMBEDDED.to_vec();
        files.push(SourceFile {
            name: "pension_bonus.toml",
            text: "",
        });
        assert_eq!(
            Params::load(&files, None).unwrap_err().file,
            "pension_bonus.toml"
        );
    }

    #[test]
    fn an_override_replaces_only_its_own_period() {
        let text = "[si_cap]\n[[si_cap.values]]\nfrom = 2027-01-01\nto = 2027-12-31\nmultiple = 30\nsource = \"reform scenario A\"\n";
        let over = SourceFile {
            name: "scenario.toml",
            text,
        };
        let p = Params::load(EMBEDDED, Some(&over)).unwrap();
        assert_eq!(p.si_cap.at(date("2026-12-31")).unwrap().value.multiple, 20);
        assert_eq!(p.si_cap.at(date("2027-06-01")).unwrap().value.multiple, 30);
        assert_eq!(
            p.si_cap.at(date("2027-06-01")).unwrap().source,
            "reform scenario A"
        );
        assert_eq!(p.si_cap.at(date("2028-01-01")).unwrap().value.multiple, 20);
        let open = "[[reference_level.values]]\nfrom = 2027-01-01\namount = 3_000_000\nsource = \"scenario\"\n";
        let p = Params::load(
            EMBEDDED,
            Some(&SourceFile {
                name: "s.toml",
                text: open,
            }),
        )
        .unwrap();
        assert_eq!(
            p.reference_level
                .at(date("2030-01-01"))
                .unwrap()
                .value
                .amount,
            Dong(3_000_000)
        );
        assert_eq!(
            p.reference_level
                .at(date("2026-12-31"))
                .unwrap()
                .value
                .amount,
            Dong(2_530_000)
        );
    }

    #[test]
    fn a_bad_override_names_its_file_and_key() {
        let text = "[[si_kap.values]]\nfrom = 2027-01-01\nmultiple = 30\nsource = \"x\"\n";
        let err = Params::load(
            EMBEDDED,
            Some(&SourceFile {
                name: "scenario.toml",
                text,
            }),
        )
        .unwrap_err();
        assert_eq!(
            (err.file.as_str(), err.key.as_str()),
            ("scenario.toml", "si_kap")
        );
        let text = "[[si_cap.values]]\nfrom = 2027-01-01\nmultiple = -3\nsource = \"x\"\n";
        let err = Params::load(
            EMBEDDED,
            Some(&SourceFile {
                name: "scenario.toml",
                text,
            }),
        )
        .unwrap_err();
        assert_eq!(
            (err.file.as_str(), err.line, err.key.as_str()),
            ("scenario.toml", 3, "multiple")
        );
    }
}
