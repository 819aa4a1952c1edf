//! Risk selection of employers for examination (lựa chọn đơn vị kiểm tra theo rủi ro): a score
//! that is the sum of the weights of the criteria an employer meets, each criterion a dated
//! parameter with its threshold and reason (L41 Art. 17.2–17.3 and 35 give the agency the data;
//! the criteria are the agency's practice, `rules/vn/risk_criteria.toml`).

use crate::params::{Concept, MissingParam, Params};
use ansinh_core::Date;
use serde::{Deserialize, Serialize};

/// One criterion: its weight in the score, its threshold and why it matters.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub weight: i64,
    pub threshold: i64,
    pub reason_vi: String,
    pub reason_en: String,
}

/// The criteria in force.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskCriteria {
    pub near_floor_margin_percent: i64,
    pub sectors: Vec<String>,
    pub arrears: Criterion,
    pub evasion: Criterion,
    pub near_floor: Criterion,
    pub headcount_fall: Criterion,
    pub below_external: Criterion,
    pub not_examined: Criterion,
    pub sector: Criterion,
    pub late_registration: Criterion,
    pub retro_corrections: Criterion,
}

impl Concept for RiskCriteria {}

/// What the registry and the ledger say about one employer on the scoring date.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployerFacts {
    /// Months unpaid (wholly or partly) past their deadline, and the amount unpaid.
    pub arrears_months: i64,
    pub arrears_amount: i64,
    /// Months unpaid more than the evasion delay after a written urging (L41 Art. 39.1.đ).
    pub evasion_months: i64,
    /// Workers with a current salary, and those at most the margin above the regional minimum.
    pub workers: i64,
    pub workers_near_floor: i64,
    /// Headcount of the latest month assessed and of 12 months before it.
    pub headcount: i64,
    pub headcount_year_before: Option<i64>,
    /// Headcount from tax or labour data, when imported.
    pub external_headcount: Option<i64>,
    /// Ownership kind from the same import (`fdi`, `non_state`, `state`, `household_business`).
    pub ownership: Option<String>,
    /// Whole years since the last examination decided, `None` when never examined.
    pub years_since_examination: Option<i64>,
    pub late_registrations: i64,
    pub retro_corrections: i64,
}

/// A criterion met, with the figure behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub criterion: &'static str,
    pub weight: i64,
    pub figure: i64,
    pub threshold: i64,
    pub reason_vi: String,
    pub reason_en: String,
}

/// The criteria in force on `date`.
pub fn criteria(params: &Params, date: Date) -> Result<&RiskCriteria, MissingParam> {
    params.risk_criteria.at(date).map(|d| &d.value)
}

/// Scores one employer: the criteria it meets and the sum of their weights (compliance
/// reference §1.5, R1–R9; L41 Art. 17.3 for the tax headcount, Art. 28.1 for registration).
pub fn score(c: &RiskCriteria, f: &EmployerFacts) -> (i64, Vec<Hit>) {
    let mut hits = Vec::new();
    let mut hit = |name: &'static str, crit: &Criterion, figure: i64, met: bool| {
        if met && crit.weight != 0 {
            hits.push(Hit {
                criterion: name,
                weight: crit.weight,
                figure,
                threshold: crit.threshold,
                reason_vi: crit.reason_vi.clone(),
                reason_en: crit.reason_en.clone(),
            });
        }
    };
    hit(
        "arrears",
        &c.arrears,
        f.arrears_months,
        f.arrears_months >= c.arrears.threshold,
    );
    hit(
        "evasion",
        &c.evasion,
        f.evasion_months,
        f.evasion_months >= c.evasion.threshold,
    );
    let near_share = percent(f.workers_near_floor, f.workers);
    hit(
        "near_floor",
        &c.near_floor,
        near_share.unwrap_or(0),
        near_share.is_some_and(|s| s >= c.near_floor.threshold),
    );
    let fall = f.headcount_year_before.and_then(|before| {
        (before > 0 && f.headcount < before).then(|| percent(before - f.headcount, before))?
    });
    hit(
        "headcount_fall",
        &c.headcount_fall,
        fall.unwrap_or(0),
        fall.is_some_and(|p| p >= c.headcount_fall.threshold),
    );
    let below = f
        .external_headcount
        .and_then(|ext| (ext > 0 && f.headcount < ext).then(|| percent(ext - f.headcount, ext))?);
    hit(
        "below_external",
        &c.below_external,
        below.unwrap_or(0),
        below.is_some_and(|p| p >= c.below_external.threshold),
    );
    let years = f.years_since_examination;
    hit(
        "not_examined",
        &c.not_examined,
        years.unwrap_or(-1),
        years.is_none_or(|y| y >= c.not_examined.threshold),
    );
    let in_sector = f
        .ownership
        .as_ref()
        .is_some_and(|o| c.sectors.iter().any(|s| s == o));
    hit("sector", &c.sector, i64::from(in_sector), in_sector);
    hit(
        "late_registration",
        &c.late_registration,
        f.late_registrations,
        f.late_registrations >= c.late_registration.threshold,
    );
    hit(
        "retro_corrections",
        &c.retro_corrections,
        f.retro_corrections,
        f.retro_corrections >= c.retro_corrections.threshold,
    );
    let total = hits.iter().map(|h| h.weight).sum();
    (total, hits)
}

/// `part` as a whole per cent of `whole`, rounded down; `None` for an empty whole.
fn percent(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| part.saturating_mul(100) / whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c() -> RiskCriteria {
        Params::embedded()
            .unwrap()
            .risk_criteria
            .at("2026-01-01".parse().unwrap())
            .unwrap()
            .value
            .clone()
    }

    #[test]
    fn a_clean_recently_examined_employer_scores_nothing() {
        let f = EmployerFacts {
            workers: 10,
            headcount: 10,
            headcount_year_before: Some(10),
            years_since_examination: Some(1),
            ..Default::default()
        };
        assert_eq!(score(&c(), &f), (0, vec![]));
    }

    #[test]
    fn each_criterion_adds_its_weight_with_its_figure() {
        let c = c();
        let f = EmployerFacts {
            arrears_months: 4,
            evasion_months: 2,
            workers: 10,
            workers_near_floor: 9,
            headcount: 7,
            headcount_year_before: Some(10),
            external_headcount: Some(20),
            ownership: Some("fdi".into()),
            years_since_examination: None,
            late_registrations: 1,
            retro_corrections: 3,
            ..Default::default()
        };
        let (total, hits) = score(&c, &f);
        let names: Vec<_> = hits.iter().map(|h| h.criterion).collect();
        assert_eq!(
            names,
            [
                "arrears",
                "evasion",
                "near_floor",
                "headcount_fall",
                "below_external",
                "not_examined",
                "sector",
                "late_registration",
                "retro_corrections"
            ]
        );
        assert_eq!(total, hits.iter().map(|h| h.weight).sum::<i64>());
        // 9 of 10 near the floor: 90 %; 7 against 10: a 30 % fall; 7 against 20: 65 % below.
        assert_eq!(hits[2].figure, 90);
        assert_eq!(hits[3].figure, 30);
        assert_eq!(hits[4].figure, 65);
    }

    #[test]
    fn thresholds_are_inclusive_and_just_below_is_not_met() {
        let c = c();
        let at = EmployerFacts {
            arrears_months: c.arrears.threshold,
            years_since_examination: Some(0),
            ..Default::default()
        };
        assert_eq!(score(&c, &at).0, c.arrears.weight);
        let below = EmployerFacts {
            arrears_months: c.arrears.threshold - 1,
            years_since_examination: Some(0),
            ..Default::default()
        };
        assert_eq!(score(&c, &below).0, 0);
    }
}
