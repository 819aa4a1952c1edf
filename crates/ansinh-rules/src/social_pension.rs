//! The social pension allowance (trợ cấp hưu trí xã hội), paid from the State budget to old
//! people without a pension (L41 Art. 21–22; Decree 176/2025).

use crate::explanation::Line;
use crate::params::{Concept, MissingParam, Params};
use crate::sickness::full_years;
use ansinh_core::{Date, Dong};
use serde::{Deserialize, Serialize};

/// Parameters of L41 Art. 21–22 and Decree 176/2025.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SocialPension {
    pub amount: Dong,
    pub age_years: i64,
    pub poor_household_age_years: i64,
}

impl Concept for SocialPension {
    fn check(&self) -> Result<(), (String, String)> {
        if self.poor_household_age_years > self.age_years {
            return Err((
                "poor_household_age_years".into(),
                "must not be above age_years".into(),
            ));
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SocialPensionFacts {
    pub birth_date: Date,
    /// The day the allowance is asked for.
    pub on: Date,
    /// A member of a poor or near-poor household.
    pub poor_household: bool,
    /// Receives a pension or a monthly social insurance allowance.
    pub receives_pension: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SocialPensionOutcome {
    pub eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub age: i64,
    pub monthly: Dong,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SocialPensionError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("the birth date is after the day asked for")]
    NotBorn,
}

/// The social pension allowance (L41 Art. 21–22; Decree 176/2025): 500,000 a month for a
/// citizen from 75 without a pension or a monthly social insurance allowance, from 70 in a
/// poor or near-poor household.
pub fn evaluate(
    params: &Params,
    f: &SocialPensionFacts,
) -> Result<(SocialPensionOutcome, Vec<Line>), SocialPensionError> {
    let age = full_years(f.birth_date, f.on);
    if age < 0 {
        return Err(SocialPensionError::NotBorn);
    }
    let dated = params.social_pension.at(f.on)?;
    let p = &dated.value;
    let from = if f.poor_household {
        p.poor_household_age_years
    } else {
        p.age_years
    };
    let reason = if f.receives_pension {
        Some(
            "receives a pension or a monthly social insurance allowance (L41 Art. 21.1)"
                .to_string(),
        )
    } else if age < from {
        Some(format!(
            "{age} years old: the allowance is from {from}{} (L41 Art. 21.1)",
            if f.poor_household {
                " in a poor or near-poor household"
            } else {
                ""
            }
        ))
    } else {
        None
    };
    let monthly = if reason.is_none() {
        p.amount
    } else {
        Dong::ZERO
    };
    let line = Line::new(
        "monthly",
        "Trợ cấp hưu trí xã hội hằng tháng",
        "Monthly social pension",
    )
    .amount(monthly)
    .formula(format!(
        "{age} years old on {}; from {from} years: {} a month",
        f.on, p.amount
    ))
    .param("social_pension.amount", p.amount, dated)
    .param("social_pension.age_years", from, dated)
    .cite("L41 Art. 21–22; Decree 176/2025");
    Ok((
        SocialPensionOutcome {
            eligible: reason.is_none(),
            reason,
            age,
            monthly,
        },
        vec![line],
    ))
}
