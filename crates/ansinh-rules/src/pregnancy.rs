//! Leave during pregnancy (chế độ thai sản khi khám thai; khi sẩy thai, nạo, hút thai, thai
//! chết trong tử cung, phá thai bệnh lý): L41 Art. 51–52, paid by the day (Art. 59).

use crate::explanation::Line;
use crate::params::{Concept, MissingParam, Params};
use ansinh_core::{Date, Dong, rate::PPM};
use serde::{Deserialize, Serialize};

/// Parameters of L41 Art. 51, 52, 59.2–59.3.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PregnancyLeave {
    pub antenatal_visits: i64,
    pub antenatal_days: [i64; 2],
    pub days_per_month: i64,
    pub miscarriage_days: [i64; 3],
    pub miscarriage_weeks: [i64; 3],
    pub childbirth_from_weeks: i64,
    pub calendar_days_per_month: i64,
}

impl Concept for PregnancyLeave {
    fn check(&self) -> Result<(), (String, String)> {
        if self.days_per_month <= 0 || self.calendar_days_per_month <= 0 {
            return Err(("days_per_month".into(), "must be positive".into()));
        }
        if !self.miscarriage_weeks.windows(2).all(|w| w[0] < w[1]) {
            return Err(("miscarriage_weeks".into(), "must be ascending".into()));
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Antenatal,
    Miscarriage,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PregnancyFacts {
    pub event: Event,
    /// Average contribution salary of the 6 months before the leave (fewer: of the months paid).
    pub average_salary: Dong,
    pub date: Date,
    /// Antenatal: visits taken with leave (this one included).
    pub visits: i64,
    /// Antenatal: far from the facility, or a pathological pregnancy (2 days a visit).
    pub two_days: bool,
    /// Miscarriage: completed weeks of pregnancy.
    pub weeks: i64,
    /// Days the doctor prescribed; `None` is the whole entitlement.
    pub days: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PregnancyOutcome {
    pub entitled_days: i64,
    pub days_paid: i64,
    pub daily: Dong,
    pub allowance: Dong,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PregnancyError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("must not be negative")]
    Negative,
    #[error(
        "{0} weeks: from {1} weeks the leave is that of a birth (L41 Art. 52, 53): ask kind `maternity`"
    )]
    AsBirth(i64, i64),
}

/// Antenatal visits (L41 Art. 51: at most 5 visits of 1 working day, 2 when far from the
/// facility or the pregnancy is pathological; a day = average / 24, Art. 59.2) and miscarriage,
/// termination or stillbirth (Art. 52: 10, 20 or 40 calendar days by the weeks of pregnancy; a
/// day = average / 30, Art. 59.3).
pub fn evaluate(
    params: &Params,
    f: &PregnancyFacts,
) -> Result<(PregnancyOutcome, Vec<Line>), PregnancyError> {
    if f.average_salary.get() < 0 || f.visits < 0 || f.weeks < 0 || f.days.is_some_and(|d| d < 0) {
        return Err(PregnancyError::Negative);
    }
    let dated = params.pregnancy_leave.at(f.date)?;
    let p = &dated.value;
    let rounding = params.rounding.at(f.date)?.value.rounding();
    let mut reason = None;
    let (entitled, per_month, what, cite) = match f.event {
        Event::Antenatal => {
            let per_visit = p.antenatal_days[usize::from(f.two_days)];
            if f.visits > p.antenatal_visits {
                reason = Some(format!(
                    "visit {}: at most {} antenatal visits are paid (L41 Art. 51)",
                    f.visits, p.antenatal_visits
                ));
            }
            let entitled = if reason.is_some() { 0 } else { per_visit };
            (
                entitled,
                p.days_per_month,
                "working days",
                "L41 Art. 51, 59.2",
            )
        }
        Event::Miscarriage => {
            if f.weeks >= p.childbirth_from_weeks {
                return Err(PregnancyError::AsBirth(f.weeks, p.childbirth_from_weeks));
            }
            let band = p
                .miscarriage_weeks
                .iter()
                .position(|w| f.weeks < *w)
                .unwrap_or(2);
            (
                p.miscarriage_days[band],
                p.calendar_days_per_month,
                "calendar days",
                "L41 Art. 52, 59.3",
            )
        }
    };
    let asked = f.days.unwrap_or(entitled);
    let days = asked.min(entitled);
    if reason.is_none() && asked > entitled {
        reason = Some(format!(
            "{asked} days asked: at most {entitled} {what} ({cite})"
        ));
    }
    let num = i128::from(f.average_salary.get()) * i128::from(PPM);
    let den = i128::from(per_month) * i128::from(PPM);
    let daily = rounding.ratio(num, den).unwrap_or(Dong(i64::MAX));
    let allowance = rounding
        .ratio(num * i128::from(days), den)
        .unwrap_or(Dong(i64::MAX));
    let line = Line::new(
        "allowance",
        match f.event {
            Event::Antenatal => "Trợ cấp thai sản khi khám thai",
            Event::Miscarriage => "Trợ cấp thai sản khi sẩy thai, phá thai bệnh lý",
        },
        match f.event {
            Event::Antenatal => "Allowance for an antenatal visit",
            Event::Miscarriage => "Allowance for a miscarriage or termination",
        },
    )
    .amount(allowance)
    .formula(format!(
        "{} / {per_month} × {days} {what} (at most {entitled})",
        f.average_salary
    ))
    .param("pregnancy_leave", format!("{entitled} {what}"), dated)
    .cite(cite);
    Ok((
        PregnancyOutcome {
            entitled_days: entitled,
            days_paid: days,
            daily,
            allowance,
            reason,
        },
        vec![line],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(event: Event, weeks: i64) -> PregnancyFacts {
        PregnancyFacts {
            event,
            average_salary: Dong(12_000_000),
            date: "2026-03-02".parse().unwrap(),
            visits: 1,
            two_days: false,
            weeks,
            days: None,
        }
    }

    #[test]
    fn days_by_event_and_the_divisor_of_each() {
        let p = Params::embedded().unwrap();
        let o = |f| evaluate(&p, &f).unwrap().0;
        // A visit: 1 working day at 12,000,000 / 24.
        assert_eq!(o(facts(Event::Antenatal, 0)).allowance, Dong(500_000));
        let far = PregnancyFacts {
            two_days: true,
            ..facts(Event::Antenatal, 0)
        };
        assert_eq!(o(far).allowance, Dong(1_000_000));
        let sixth = PregnancyFacts {
            visits: 6,
            ..facts(Event::Antenatal, 0)
        };
        assert_eq!(o(sixth).allowance, Dong::ZERO);
        // Miscarriage at 4, 12 and 21 weeks: 10, 20, 40 calendar days at 12,000,000 / 30.
        assert_eq!(o(facts(Event::Miscarriage, 4)).allowance, Dong(4_000_000));
        assert_eq!(o(facts(Event::Miscarriage, 12)).entitled_days, 20);
        assert_eq!(o(facts(Event::Miscarriage, 21)).allowance, Dong(16_000_000));
        assert!(matches!(
            evaluate(&p, &facts(Event::Miscarriage, 22)),
            Err(PregnancyError::AsBirth(22, 22))
        ));
    }
}
