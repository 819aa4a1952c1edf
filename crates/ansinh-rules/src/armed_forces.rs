//! The armed forces' scheme (BHXH Quân đội, chế độ BHXH trong quân đội): who pays what for
//! servicemen, a scheme within Vietnam administered by the Ministry of National Defence's own
//! social insurance office.
//!
//! Two families of participant:
//! - conscripts and cadets (hạ sĩ quan, binh sĩ nghĩa vụ; học viên hưởng sinh hoạt phí): no
//!   salary; the Ministry pays 22 % of a notional salary into the pension-survivor fund
//!   (Decree 157/2025 Art. 6; Circular 90/2025/TT-BQP Art. 3), [`conscript`];
//! - officers, professional soldiers, defence workers and civil servants (sĩ quan, quân nhân
//!   chuyên nghiệp, công nhân và viên chức quốc phòng): a salary on the State's military scale,
//!   [`rank_salary`], contributed on like an employee's, [`serviceman`].

use crate::contribution::{Assessment, Funds, PayerRates};
use crate::explanation::Line;
use crate::params::{Concept, MissingParam, Params};
use ansinh_core::{Dong, Month, Rate};
use serde::{Deserialize, Serialize};

/// The notional salary of conscripts and cadets and its rate (Decree 157/2025 Art. 6;
/// Circular 90/2025/TT-BQP Art. 3): `first_multiple` × the reference level for the first
/// `first_months` months counted from the month of enlistment, then `step` more for each
/// further `step_months`, at most `max_multiple`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConscriptContribution {
    pub rate: Rate,
    pub first_multiple: Rate,
    pub first_months: i64,
    pub step: Rate,
    pub step_months: i64,
    pub max_multiple: Rate,
}

impl Concept for ConscriptContribution {
    fn check(&self) -> Result<(), (String, String)> {
        if self.first_months < 1 || self.step_months < 1 {
            return Err((
                "first_months".into(),
                "first_months and step_months must be at least 1".into(),
            ));
        }
        if self.max_multiple < self.first_multiple {
            return Err((
                "max_multiple".into(),
                "must not be below first_multiple".into(),
            ));
        }
        if self.rate > Rate::ONE {
            return Err(("rate".into(), "must be at most 100%".into()));
        }
        Ok(())
    }
}

/// Rates of servicemen paid a salary (officers, professional soldiers, defence workers):
/// as the employee's of L41 Art. 33–34 without unemployment insurance, which covers people
/// under a labour contract only (L74 Art. 31).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicemenRates {
    pub employee: PayerRates,
    pub employer: PayerRates,
    pub occupational: Rate,
}

impl Concept for ServicemenRates {
    fn check(&self) -> Result<(), (String, String)> {
        if !self.employee.unemployment.is_zero() || !self.employer.unemployment.is_zero() {
            return Err((
                "unemployment".into(),
                "servicemen have no unemployment insurance".into(),
            ));
        }
        Ok(())
    }
}

/// Kinds of participant of the armed forces' scheme (L41 Art. 2.1.d–e; Decree 157/2025 Art. 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Serviceman {
    /// Sĩ quan.
    Officer,
    /// Quân nhân chuyên nghiệp.
    ProfessionalSoldier,
    /// Công nhân và viên chức quốc phòng.
    DefenceWorker,
    /// Hạ sĩ quan, binh sĩ phục vụ có thời hạn.
    Conscript,
    /// Học viên quân đội hưởng sinh hoạt phí.
    Cadet,
}

impl Serviceman {
    /// Conscripts and cadets have no salary: the Ministry pays on a notional one.
    pub fn is_conscript(self) -> bool {
        matches!(self, Serviceman::Conscript | Serviceman::Cadet)
    }

    pub fn code(self) -> &'static str {
        match self {
            Serviceman::Officer => "officer",
            Serviceman::ProfessionalSoldier => "professional_soldier",
            Serviceman::DefenceWorker => "defence_worker",
            Serviceman::Conscript => "conscript",
            Serviceman::Cadet => "cadet",
        }
    }
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ArmedForcesError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("enlisted in {enlisted}, after the month assessed {month}")]
    EnlistedAfterMonth { enlisted: Month, month: Month },
    #[error("must not be negative, found {0}")]
    Negative(Dong),
    #[error(
        "{salary} is below the minimum contribution salary {floor} (reference level, L41 Art. 31.1.đ)"
    )]
    BelowFloor { salary: Dong, floor: Dong },
    #[error("the salary is too large to compute")]
    Overflow,
}

/// The notional salary's multiple of the reference level in `month` for a conscript or cadet
/// enlisted in `enlisted`, and the month of service (1 = the month of enlistment)
/// (Decree 157/2025 Art. 6.1–6.2; Circular 90/2025/TT-BQP Art. 3).
pub fn conscript_multiple(
    p: &ConscriptContribution,
    enlisted: Month,
    month: Month,
) -> Result<(Rate, i64), ArmedForcesError> {
    if enlisted > month {
        return Err(ArmedForcesError::EnlistedAfterMonth { enlisted, month });
    }
    let served = i64::from(enlisted.months_until(month));
    let multiple = if served < p.first_months {
        p.first_multiple
    } else {
        let steps = (served - p.first_months) / p.step_months + 1;
        p.first_multiple
            .plus(p.step.times(steps))
            .min(p.max_multiple)
    };
    Ok((multiple, served + 1))
}

/// What the Ministry pays for a conscript or cadet in `month`: `rate` × multiple × reference
/// level into the pension-survivor fund, the person pays nothing (Decree 157/2025 Art. 6;
/// Circular 90/2025/TT-BQP Art. 3; before Jul 2025, 22 % of the base salary, L58/2014
/// Art. 86.3 as Circular 90 recalls).
pub fn conscript(
    params: &Params,
    enlisted: Month,
    month: Month,
) -> Result<(Assessment, Rate, i64, Vec<Line>), ArmedForcesError> {
    let date = month.first_day();
    let dated = params.conscript_contribution.at(date)?;
    let p = &dated.value;
    let reference = params.reference_level.at(date)?;
    let rounding = params.rounding.at(date)?.value.rounding();
    let (multiple, served) = conscript_multiple(p, enlisted, month)?;
    let base = rounding.apply(reference.value.amount, multiple);
    let amount = rounding.apply(base, p.rate);
    let state = Funds {
        pension_survivor: amount,
        total: amount,
        ..Funds::default()
    };
    let lines = vec![
        Line::new(
            "base.social",
            "Tiền lương làm căn cứ đóng (hạ sĩ quan, binh sĩ, học viên)",
            "Notional contribution salary (conscript or cadet)",
        )
        .amount(base)
        .formula(format!(
            "{} × reference level {} (month {served} of service since {enlisted}; {} for the first {} months, +{} each {} months after, at most {})",
            multiple.as_factor(),
            reference.value.amount,
            p.first_multiple.as_factor(),
            p.first_months,
            p.step.as_factor(),
            p.step_months,
            p.max_multiple.as_factor()
        ))
        .param("reference_level", reference.value.amount, reference)
        .param("conscript_contribution.multiple", multiple.as_factor(), dated)
        .cite("Decree 157/2025 Art. 6; Circular 90/2025/TT-BQP Art. 3"),
        Line::new(
            "state.pension_survivor",
            "Bộ Quốc phòng đóng vào quỹ hưu trí – tử tuất",
            "Ministry of National Defence pays into the pension & survivorship fund",
        )
        .amount(amount)
        .formula(format!("{base} × {}", p.rate.as_percent()))
        .param("conscript_contribution.rate", p.rate.as_percent(), dated)
        .cite("Decree 157/2025 Art. 6; Circular 90/2025/TT-BQP Art. 3"),
        Line::new("total", "Tổng số phải đóng", "Total contributions")
            .amount(amount)
            .formula("the Ministry's payment; the conscript or cadet pays nothing")
            .cite("Decree 157/2025 Art. 6"),
    ];
    Ok((
        Assessment {
            base_social: base,
            base_unemployment: Dong::ZERO,
            employee: Funds::default(),
            employer: Funds::default(),
            state,
            total: amount,
            below_regional_minimum: false,
        },
        multiple,
        served,
        lines,
    ))
}

/// A salary on the military scale (bảng lương cấp bậc quân hàm) and the allowances that are
/// part of the contribution salary (L41 Art. 31.1.a; Decree 157/2025 Art. 5): the rank
/// coefficient and the leadership-position allowance coefficient (× the reference level), the
/// allowance for seniority beyond the bracket (thâm niên vượt khung, a share of rank + position)
/// and the occupational seniority allowance (thâm niên nghề, a share of all three).
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RankPay {
    pub rank_coefficient: Rate,
    #[serde(default)]
    pub position_coefficient: Rate,
    #[serde(default)]
    pub beyond_bracket: Rate,
    #[serde(default)]
    pub occupational_seniority: Rate,
}

/// The monthly contribution salary of an officer, professional soldier or defence worker from
/// the rank coefficient and allowances, [`RankPay`] (L41 Art. 31.1.a; Decree 157/2025 Art. 5;
/// the allowances' bases as the Ministry's pay texts state them, UNCONFIRMED against the
/// decree).
pub fn rank_salary(
    params: &Params,
    month: Month,
    pay: &RankPay,
) -> Result<(Dong, Vec<Line>), ArmedForcesError> {
    let date = month.first_day();
    let reference = params.reference_level.at(date)?;
    let rounding = params.rounding.at(date)?.value.rounding();
    let rank = rounding.apply(reference.value.amount, pay.rank_coefficient);
    let position = rounding.apply(reference.value.amount, pay.position_coefficient);
    let beyond = rounding.apply(rank + position, pay.beyond_bracket);
    let seniority = rounding.apply(rank + position + beyond, pay.occupational_seniority);
    let salary = [rank, position, beyond, seniority]
        .into_iter()
        .try_fold(Dong::ZERO, |a, b| a.checked_add(b))
        .ok_or(ArmedForcesError::Overflow)?;
    let line = Line::new(
        "salary",
        "Tiền lương theo cấp bậc quân hàm và phụ cấp",
        "Rank salary and allowances",
    )
    .amount(salary)
    .formula(format!(
        "rank {} × {} = {rank} + position {} × {} = {position} + beyond bracket {} = {beyond} + occupational seniority {} = {seniority}",
        pay.rank_coefficient.as_factor(),
        reference.value.amount,
        pay.position_coefficient.as_factor(),
        reference.value.amount,
        pay.beyond_bracket.as_percent(),
        pay.occupational_seniority.as_percent()
    ))
    .param("reference_level", reference.value.amount, reference)
    .cite("L41 Art. 31.1.a; Decree 157/2025 Art. 5 [allowance bases UNCONFIRMED]");
    Ok((salary, vec![line]))
}

/// Contributions of an officer, professional soldier or defence worker in `month`: the
/// salary capped at 20 × the reference level (L41 Art. 31.1.đ), the rates of
/// `servicemen_rates` (L41 Art. 33–34; Decree 157/2025 Art. 6), no unemployment insurance.
pub fn serviceman(
    params: &Params,
    month: Month,
    salary: Dong,
) -> Result<(Assessment, Vec<Line>), ArmedForcesError> {
    if salary.get() < 0 {
        return Err(ArmedForcesError::Negative(salary));
    }
    let date = month.first_day();
    let dated = params.servicemen_rates.at(date)?;
    let rates = &dated.value;
    let reference = params.reference_level.at(date)?;
    let cap = params.si_cap.at(date)?;
    let floor_multiple = params.si_floor.at(date)?;
    let rounding = params.rounding.at(date)?.value.rounding();
    let floor = reference
        .value
        .amount
        .times(floor_multiple.value.multiple)
        .ok_or(ArmedForcesError::Overflow)?;
    if salary < floor {
        return Err(ArmedForcesError::BelowFloor { salary, floor });
    }
    let si_cap = reference
        .value
        .amount
        .times(cap.value.multiple)
        .ok_or(ArmedForcesError::Overflow)?;
    let base = salary.min(si_cap);
    let row = |p: &PayerRates, occupational: Rate| {
        [
            p.sickness_maternity,
            p.pension_survivor,
            occupational,
            p.health,
        ]
    };
    let employee_rates = row(&rates.employee, Rate::ZERO);
    let employer_rates = row(&rates.employer, rates.occupational);
    let funds = |r: [Rate; 4]| {
        let a = r.map(|rate| rounding.apply(base, rate));
        Funds::from_array([a[0], a[1], a[2], a[3], Dong::ZERO])
    };
    let (employee, employer) = (funds(employee_rates), funds(employer_rates));
    let mut lines = vec![
        Line::new(
            "base.social",
            "Tiền lương tháng đóng BHXH, BHYT",
            "Social & health insurance base",
        )
        .amount(base)
        .formula(format!(
            "min(salary {salary}, cap {} × {} = {si_cap})",
            cap.value.multiple, reference.value.amount
        ))
        .param("reference_level", reference.value.amount, reference)
        .param("si_cap.multiple", cap.value.multiple, cap)
        .cite("L41 Art. 31.1.a, 31.1.đ"),
    ];
    // The four funds of servicemen, in the order of `contribution::FUNDS` (no unemployment).
    let names = &crate::contribution::FUNDS[..4];
    for (payer, payer_vi, payer_rates, amounts) in [
        ("employee", "quân nhân", employee_rates, employee),
        ("employer", "đơn vị", employer_rates, employer),
    ] {
        let amounts = amounts.as_array();
        for (i, (fund, vi, en)) in names.iter().enumerate() {
            if payer_rates[i].is_zero() {
                continue;
            }
            lines.push(
                Line::new(
                    format!("{payer}.{fund}"),
                    format!("{vi} – {payer_vi}"),
                    format!("{en} – {payer}"),
                )
                .amount(amounts[i])
                .formula(format!("{base} × {}", payer_rates[i].as_percent()))
                .param(
                    format!("servicemen_rates.{payer}.{fund}"),
                    payer_rates[i].as_percent(),
                    dated,
                )
                .cite("L41 Art. 33–34; Decree 157/2025 Art. 6"),
            );
        }
    }
    let total = employee.total + employer.total;
    lines.push(
        Line::new("total", "Tổng số phải đóng", "Total contributions")
            .amount(total)
            .formula(format!(
                "serviceman {} + unit {}; no unemployment insurance (L74 Art. 31)",
                employee.total, employer.total
            ))
            .cite("L41 Art. 33–34"),
    );
    Ok((
        Assessment {
            base_social: base,
            base_unemployment: Dong::ZERO,
            employee,
            employer,
            state: Funds::default(),
            total,
            below_regional_minimum: false,
        },
        lines,
    ))
}

/// Health insurance cards of the armed forces' office and the relatives it insures
/// (Decree 70/2015 as amended by Decree 74/2025; Circular 63/2025/TT-BQP Art. 3; Circular
/// 98/2025/TT-BQP Art. 2.5), and from when a conscript's service counts as insured time.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArmedForcesHealth {
    /// Longest validity of a card that has no other end.
    pub card_max_months: i64,
    /// A child is insured as a relative from this birthday (younger: the State's children group)…
    pub child_above_age: i64,
    /// …and below this one, or older while still in upper secondary school.
    pub child_below_age: i64,
    /// Conscript service before this day was not insured time (living allowance only).
    pub conscript_counted_from: ansinh_core::Date,
}

impl Concept for ArmedForcesHealth {
    fn check(&self) -> Result<(), (String, String)> {
        if self.card_max_months < 1 || self.child_above_age >= self.child_below_age {
            return Err((
                "card_max_months".into(),
                "card_max_months must be positive and child_above_age below child_below_age".into(),
            ));
        }
        Ok(())
    }
}

/// The validity of a health insurance card issued by the armed forces' office (Circular
/// 63/2025/TT-BQP Art. 3): a conscript's to the last day of the month of discharge, a cadet's
/// to 31 December of the year of graduation, any other at most `card_max_months` from its first
/// day (and never beyond a discharge already known).
pub fn card_validity(
    p: &ArmedForcesHealth,
    who: Serviceman,
    from: ansinh_core::Date,
    discharge: Option<ansinh_core::Date>,
    graduation_year: Option<i16>,
) -> Result<ansinh_core::Date, CardError> {
    let longest = from
        .checked_add(jiff::Span::new().months(p.card_max_months))
        .ok()
        .and_then(|d| d.yesterday().ok())
        .ok_or(CardError::Date)?;
    let to = match who {
        Serviceman::Conscript => Month::of(discharge.ok_or(CardError::NeedsDischarge)?).last_day(),
        Serviceman::Cadet => {
            let year = graduation_year.ok_or(CardError::NeedsGraduation)?;
            ansinh_core::Date::new(year, 12, 31).map_err(|_| CardError::Date)?
        }
        _ => discharge.map_or(longest, |d| d.min(longest)),
    };
    if to < from {
        return Err(CardError::EndsBeforeStart { from, to });
    }
    Ok(to)
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CardError {
    #[error(
        "a conscript's card runs to the last day of the month of discharge: the discharge date is needed"
    )]
    NeedsDischarge,
    #[error(
        "a cadet's card runs to 31 December of the year of graduation: the graduation year is needed"
    )]
    NeedsGraduation,
    #[error("the card would end on {to}, before it starts on {from}")]
    EndsBeforeStart {
        from: ansinh_core::Date,
        to: ansinh_core::Date,
    },
    #[error("the date is out of range")]
    Date,
}

/// A serviceman's relative declared for health insurance on form 02/BHYT-QĐ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Father,
    Mother,
    FatherInLaw,
    MotherInLaw,
    Spouse,
    Child,
}

/// Whether a relative is insured by the armed forces' office on `on` (Circular 98/2025/TT-BQP
/// Art. 2.5): parents, parents-in-law and the spouse not insured otherwise; a child from the
/// `child_above_age` birthday to below `child_below_age`, or older while in upper secondary school.
/// `Err` holds the reason in English.
pub fn relative_eligible(
    p: &ArmedForcesHealth,
    relation: Relation,
    birth: ansinh_core::Date,
    on: ansinh_core::Date,
    in_high_school: bool,
    insured_otherwise: bool,
) -> Result<(), String> {
    if insured_otherwise {
        return Err("insured otherwise: a relative is insured by the armed forces only when no other group covers them (Circular 98/2025/TT-BQP Art. 2.5)".into());
    }
    if relation != Relation::Child {
        return Ok(());
    }
    let age = crate::sickness::full_years(birth, on);
    // "Above 6": from the sixth birthday, when the children's card (under 6) ends.
    if age < p.child_above_age {
        return Err(format!(
            "{age} years old: a child under {} is insured in the State's children group (thẻ TE), not as a relative (Circular 98/2025/TT-BQP Art. 2.5)",
            p.child_above_age
        ));
    }
    if age >= p.child_below_age && !in_high_school {
        return Err(format!(
            "{age} years old and not in upper secondary school: a child is insured as a relative below {} or while still in upper secondary school (Circular 98/2025/TT-BQP Art. 2.5)",
            p.child_below_age
        ));
    }
    Ok(())
}

/// Months of a service period counted as insured time: a conscript's or cadet's before
/// `conscript_counted_from` are not (they received a living allowance and paid nothing; the
/// Ministry's note on migrated records), others all count (Decree 157/2025 Art. 2).
pub fn counted_months(
    p: &ArmedForcesHealth,
    who: Serviceman,
    from: Month,
    to: Month,
) -> (i64, i64) {
    let total = i64::from(from.months_until(to)) + 1;
    if !who.is_conscript() {
        return (total.max(0), 0);
    }
    let first_counted = Month::of(p.conscript_counted_from);
    let not_counted = if to < first_counted {
        total
    } else if from < first_counted {
        i64::from(from.months_until(first_counted))
    } else {
        0
    };
    ((total - not_counted).max(0), not_counted.max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    /// The official example of Circular 90/2025/TT-BQP: a cadet enlisted in Sep 2024.
    #[test]
    fn the_multiple_steps_each_year_after_the_first_two_counted_from_enlistment() {
        let p = Params::embedded().unwrap();
        let rule = &p
            .conscript_contribution
            .at(m("2025-07").first_day())
            .unwrap()
            .value;
        let at = |month: &str| conscript_multiple(rule, m("2024-09"), m(month)).unwrap();
        assert_eq!(at("2025-07"), (Rate::from_ppm(2_000_000), 11));
        assert_eq!(at("2026-08").0, Rate::from_ppm(2_000_000));
        assert_eq!(at("2026-09").0, Rate::from_ppm(2_500_000));
        assert_eq!(at("2027-08").0, Rate::from_ppm(2_500_000));
        assert_eq!(at("2027-09").0, Rate::from_ppm(3_000_000));
        assert_eq!(at("2028-09").0, Rate::from_ppm(3_500_000));
        assert_eq!(at("2029-09").0, Rate::from_ppm(4_000_000));
        assert_eq!(at("2035-01").0, Rate::from_ppm(4_000_000), "at most 4 ×");
        assert!(matches!(
            conscript_multiple(rule, m("2026-01"), m("2025-12")),
            Err(ArmedForcesError::EnlistedAfterMonth { .. })
        ));
    }

    #[test]
    fn before_july_2025_the_ministry_pays_22_percent_of_the_base_salary() {
        let p = Params::embedded().unwrap();
        let (a, multiple, _, _) = conscript(&p, m("2024-09"), m("2025-06")).unwrap();
        assert_eq!(multiple, Rate::ONE);
        assert_eq!(a.state.pension_survivor, Dong(514_800));
        assert_eq!(a.employee.total, Dong::ZERO);
    }

    #[test]
    fn cards_and_relatives_follow_the_circulars() {
        let p = Params::embedded().unwrap();
        let h = &p
            .armed_forces_health
            .at(m("2026-01").first_day())
            .unwrap()
            .value;
        let d = |s: &str| s.parse::<ansinh_core::Date>().unwrap();
        // TT 63/2025's example: enlisted Feb 2024, service ends 18 Jan 2026 → valid to 31 Jan 2026.
        assert_eq!(
            card_validity(
                h,
                Serviceman::Conscript,
                d("2024-02-15"),
                Some(d("2026-01-18")),
                None
            ),
            Ok(d("2026-01-31"))
        );
        assert_eq!(
            card_validity(h, Serviceman::Cadet, d("2025-09-01"), None, Some(2029)),
            Ok(d("2029-12-31"))
        );
        assert_eq!(
            card_validity(h, Serviceman::Officer, d("2026-01-01"), None, None),
            Ok(d("2030-12-31"))
        );
        assert_eq!(
            card_validity(h, Serviceman::Conscript, d("2026-01-01"), None, None),
            Err(CardError::NeedsDischarge)
        );
        let on = d("2026-06-01");
        assert!(relative_eligible(h, Relation::Child, d("2015-01-01"), on, false, false).is_ok());
        assert!(relative_eligible(h, Relation::Child, d("2021-01-01"), on, false, false).is_err());
        // 6 years and 5 months: past the children's card, a relative.
        assert!(relative_eligible(h, Relation::Child, d("2020-01-01"), on, false, false).is_ok());
        assert!(relative_eligible(h, Relation::Child, d("2020-06-02"), on, false, false).is_err());
        assert!(relative_eligible(h, Relation::Child, d("2007-01-01"), on, false, false).is_err());
        assert!(relative_eligible(h, Relation::Child, d("2007-01-01"), on, true, false).is_ok());
        assert!(relative_eligible(h, Relation::Mother, d("1960-01-01"), on, false, true).is_err());
        // Conscript service of 2005–2008: 24 months before 2007 not counted.
        assert_eq!(
            counted_months(h, Serviceman::Conscript, m("2005-01"), m("2008-12")),
            (24, 24)
        );
        assert_eq!(
            counted_months(h, Serviceman::Officer, m("2005-01"), m("2008-12")),
            (48, 0)
        );
    }

    #[test]
    fn a_rank_salary_adds_its_allowances_on_their_bases() {
        let p = Params::embedded().unwrap();
        let pay = RankPay {
            rank_coefficient: "6.2".parse().unwrap(),
            position_coefficient: "0.5".parse().unwrap(),
            beyond_bracket: Rate::ZERO,
            occupational_seniority: "20%".parse().unwrap(),
        };
        let (salary, _) = rank_salary(&p, m("2026-03"), &pay).unwrap();
        // 6.2 × 2,340,000 = 14,508,000; 0.5 × 2,340,000 = 1,170,000; 20 % of 15,678,000 = 3,135,600.
        assert_eq!(salary, Dong(18_813_600));
    }
}
