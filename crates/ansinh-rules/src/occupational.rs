//! Occupational accident and disease benefits (chế độ tai nạn lao động, bệnh nghề nghiệp)
//! under the Law on Occupational Safety and Health 84/2015/QH13: the one-time or monthly
//! allowance by the loss of working capacity and the years contributed, the carer allowance,
//! the grant on a death at work and convalescence.

use crate::explanation::Line;
use crate::params::{Concept, MissingParam, Params};
use ansinh_core::{Date, Dong, Rate, rate::PPM};
use serde::{Deserialize, Serialize};

/// Parameters of Law 84/2015 Art. 48–54.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OccupationalBenefit {
    pub one_time_min_loss: Rate,
    pub one_time_max_loss: Rate,
    pub one_time_base_multiple: Rate,
    pub one_time_per_percent: Rate,
    pub years_first_months: Rate,
    pub years_step_months: Rate,
    pub monthly_min_loss: Rate,
    pub monthly_base_rate: Rate,
    pub monthly_per_percent: Rate,
    pub monthly_years_first: Rate,
    pub monthly_years_step: Rate,
    pub carer_min_loss: Rate,
    pub carer_multiple: Rate,
    pub death_multiple: i64,
    pub convalescence_daily: Rate,
    pub convalescence_days: [i64; 3],
    pub convalescence_losses: [Rate; 3],
}

impl Concept for OccupationalBenefit {
    fn check(&self) -> Result<(), (String, String)> {
        if self.one_time_max_loss >= self.monthly_min_loss {
            return Err((
                "monthly_min_loss".into(),
                "must be above one_time_max_loss".into(),
            ));
        }
        if !(self.convalescence_losses[0] > self.convalescence_losses[1]
            && self.convalescence_losses[1] > self.convalescence_losses[2])
        {
            return Err(("convalescence_losses".into(), "must be descending".into()));
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct OccupationalFacts {
    /// Loss of working capacity assessed by the medical council, in whole percent.
    pub capacity_loss: Rate,
    /// Contribution salary of the month before the accident or the diagnosis.
    pub salary: Dong,
    /// Whole years contributed to the occupational fund.
    pub contribution_years: i64,
    /// Day the benefit is decided (its base salary is paid).
    pub date: Date,
    /// Paralysed spine, blind in both eyes, two limbs lost or paralysed, or mentally ill
    /// (Art. 52): with a loss of at least 81 %, a carer allowance.
    pub needs_carer: bool,
    /// The worker died of the accident or disease (Art. 53).
    pub died: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OccupationalOutcome {
    pub eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `one_time`, `monthly`, or `none` (below the lowest loss).
    pub allowance_kind: &'static str,
    pub one_time: Dong,
    pub monthly: Dong,
    pub carer_monthly: Dong,
    pub death_grant: Dong,
    pub convalescence_days: i64,
    pub convalescence_amount: Dong,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum OccupationalError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("must not be negative")]
    Negative,
    #[error("a loss of working capacity is a whole percent from 0 % to 100 %, found {0}")]
    Loss(String),
}

/// Whole percent of a rate that is one.
fn whole_percent(r: Rate) -> Option<i64> {
    let unit = PPM / 100;
    (r.ppm() % unit == 0 && (0..=100 * unit).contains(&r.ppm())).then_some(r.ppm() / unit)
}

/// Occupational accident or disease benefit: one-time allowance for a loss of 5–30 % (Law on
/// OSH 84/2015 Art. 48: 5 × base salary at 5 %, +0.5 × per percent more, and 0.5 month of the
/// salary for up to one year contributed, +0.3 month a year more), monthly allowance from 31 %
/// (Art. 49: 30 % of the base at 31 %, +2 % per percent more, and 0.5 % of the salary for up
/// to one year, +0.3 % a year more), carer allowance of the base salary a month from 81 % with
/// the listed conditions (Art. 52), 36 × base on a death at work (Art. 53), and convalescence
/// at 30 % of the base a day for 10 / 7 / 5 days by the loss (Art. 54).
pub fn evaluate(
    params: &Params,
    f: &OccupationalFacts,
) -> Result<(OccupationalOutcome, Vec<Line>), OccupationalError> {
    if f.salary.get() < 0 || f.contribution_years < 0 {
        return Err(OccupationalError::Negative);
    }
    let loss = whole_percent(f.capacity_loss)
        .ok_or_else(|| OccupationalError::Loss(f.capacity_loss.as_percent()))?;
    let dated = params.occupational_benefit.at(f.date)?;
    let p = &dated.value;
    let base = params.reference_level.at(f.date)?;
    let b = i128::from(base.value.amount.get());
    let s = i128::from(f.salary.get());
    let rounding = params.rounding.at(f.date)?.value.rounding();
    let pct = |r: Rate| whole_percent(r).unwrap_or(0);
    let ppm = |r: Rate| i128::from(r.ppm());
    let years_beyond_first = i128::from((f.contribution_years - 1).max(0));
    // Both allowances (Art. 48.2, 49.2) are base × (first + per percent × loss above the lowest)
    // + salary × (first year + step × each further year).
    let allowance =
        |first: Rate, per_percent: Rate, min_loss: Rate, year_first: Rate, year_step: Rate| {
            let by_loss = b * (ppm(first) + ppm(per_percent) * i128::from(loss - pct(min_loss)));
            let by_years = s * (ppm(year_first) + ppm(year_step) * years_beyond_first);
            rounding
                .ratio(by_loss + by_years, i128::from(PPM))
                .unwrap_or(Dong(i64::MAX))
        };
    let mut lines = Vec::new();
    let (mut one_time, mut monthly) = (Dong::ZERO, Dong::ZERO);
    let mut kind = "none";
    let mut reason = None;
    if f.died {
        // The relatives' grant below; no allowance of the worker's own.
    } else if loss >= pct(p.monthly_min_loss) {
        kind = "monthly";
        monthly = allowance(
            p.monthly_base_rate,
            p.monthly_per_percent,
            p.monthly_min_loss,
            p.monthly_years_first,
            p.monthly_years_step,
        );
        lines.push(
            Line::new(
                "monthly",
                "Trợ cấp tai nạn lao động, bệnh nghề nghiệp hằng tháng",
                "Monthly occupational allowance",
            )
            .amount(monthly)
            .formula(format!(
                "base {} × ({} + {} × ({loss} − {})) + salary {} × ({} + {} × ({} − 1) years)",
                base.value.amount,
                p.monthly_base_rate.as_percent(),
                p.monthly_per_percent.as_percent(),
                pct(p.monthly_min_loss),
                f.salary,
                p.monthly_years_first.as_percent(),
                p.monthly_years_step.as_percent(),
                f.contribution_years.max(1)
            ))
            .param("reference_level", base.value.amount, base)
            .param(
                "occupational_benefit.monthly_min_loss",
                p.monthly_min_loss.as_percent(),
                dated,
            )
            .cite("Law on OSH 84/2015 Art. 49"),
        );
    } else if loss >= pct(p.one_time_min_loss) {
        kind = "one_time";
        one_time = allowance(
            p.one_time_base_multiple,
            p.one_time_per_percent,
            p.one_time_min_loss,
            p.years_first_months,
            p.years_step_months,
        );
        lines.push(
            Line::new(
                "one_time",
                "Trợ cấp tai nạn lao động, bệnh nghề nghiệp một lần",
                "One-time occupational allowance",
            )
            .amount(one_time)
            .formula(format!(
                "base {} × ({} + {} × ({loss} − {})) + salary {} × ({} + {} × ({} − 1) years) months",
                base.value.amount,
                p.one_time_base_multiple.as_factor(),
                p.one_time_per_percent.as_factor(),
                pct(p.one_time_min_loss),
                f.salary,
                p.years_first_months.as_factor(),
                p.years_step_months.as_factor(),
                f.contribution_years.max(1)
            ))
            .param("reference_level", base.value.amount, base)
            .param("occupational_benefit.one_time_min_loss", p.one_time_min_loss.as_percent(), dated)
            .cite("Law on OSH 84/2015 Art. 48"),
        );
    } else {
        reason = Some(format!(
            "a loss of working capacity of {loss} %: the allowance starts at {} (Law on OSH 84/2015 Art. 48)",
            p.one_time_min_loss.as_percent()
        ));
        lines.push(
            Line::new(
                "one_time",
                "Trợ cấp tai nạn lao động, bệnh nghề nghiệp một lần",
                "One-time occupational allowance",
            )
            .amount(Dong::ZERO)
            .formula(format!(
                "loss {loss} % < {}: no allowance",
                p.one_time_min_loss.as_percent()
            ))
            .param(
                "occupational_benefit.one_time_min_loss",
                p.one_time_min_loss.as_percent(),
                dated,
            )
            .cite("Law on OSH 84/2015 Art. 48.1"),
        );
    }
    let carer_monthly = if !f.died && f.needs_carer && loss >= pct(p.carer_min_loss) {
        let a = rounding.apply(base.value.amount, p.carer_multiple);
        lines.push(
            Line::new("carer", "Trợ cấp phục vụ", "Carer allowance")
                .amount(a)
                .formula(format!(
                    "{} × base {} a month (loss {loss} % ≥ {})",
                    p.carer_multiple.as_factor(),
                    base.value.amount,
                    p.carer_min_loss.as_percent()
                ))
                .param(
                    "occupational_benefit.carer_multiple",
                    p.carer_multiple.as_factor(),
                    dated,
                )
                .cite("Law on OSH 84/2015 Art. 52"),
        );
        a
    } else {
        Dong::ZERO
    };
    let death_grant = if f.died {
        let a = base
            .value
            .amount
            .times(p.death_multiple)
            .unwrap_or(Dong(i64::MAX));
        lines.push(
            Line::new(
                "death_grant",
                "Trợ cấp một lần khi chết do tai nạn lao động, bệnh nghề nghiệp",
                "Grant on a death at work",
            )
            .amount(a)
            .formula(format!("{} × base {}", p.death_multiple, base.value.amount))
            .param(
                "occupational_benefit.death_multiple",
                p.death_multiple,
                dated,
            )
            .cite("Law on OSH 84/2015 Art. 53"),
        );
        a
    } else {
        Dong::ZERO
    };
    let convalescence_days = if f.died {
        0
    } else {
        p.convalescence_losses
            .iter()
            .position(|l| loss >= pct(*l))
            .map_or(0, |i| p.convalescence_days[i])
    };
    let daily = rounding.apply(base.value.amount, p.convalescence_daily);
    let convalescence_amount = daily.times(convalescence_days).unwrap_or(Dong(i64::MAX));
    if convalescence_days > 0 {
        lines.push(
            Line::new(
                "convalescence",
                "Dưỡng sức, phục hồi sức khỏe sau điều trị",
                "Convalescence after treatment",
            )
            .amount(convalescence_amount)
            .formula(format!(
                "at most {convalescence_days} days × {} × base {}",
                p.convalescence_daily.as_percent(),
                base.value.amount
            ))
            .param(
                "occupational_benefit.convalescence_days",
                format!("{:?}", p.convalescence_days),
                dated,
            )
            .cite("Law on OSH 84/2015 Art. 54"),
        );
    }
    Ok((
        OccupationalOutcome {
            eligible: reason.is_none(),
            reason,
            allowance_kind: kind,
            one_time,
            monthly,
            carer_monthly,
            death_grant,
            convalescence_days,
            convalescence_amount,
        },
        lines,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(loss: i64, years: i64) -> OccupationalFacts {
        OccupationalFacts {
            capacity_loss: Rate::percent(loss),
            salary: Dong(10_000_000),
            contribution_years: years,
            date: "2026-03-02".parse().unwrap(),
            needs_carer: false,
            died: false,
        }
    }

    #[test]
    fn the_allowance_by_loss_and_years() {
        let p = Params::embedded().unwrap();
        let o = |f| evaluate(&p, &f).unwrap().0;
        // 5 %, 1 year: 5 × 2,340,000 + 0.5 × 10,000,000.
        assert_eq!(o(facts(5, 1)).one_time, Dong(16_700_000));
        // 30 %, 10 years: (5 + 0.5 × 25) × 2,340,000 + (0.5 + 0.3 × 9) × 10,000,000.
        assert_eq!(o(facts(30, 10)).one_time, Dong(40_950_000 + 32_000_000));
        // 31 %, 1 year: 30 % × 2,340,000 + 0.5 % × 10,000,000 a month.
        let m = o(facts(31, 1));
        assert_eq!(
            (m.allowance_kind, m.monthly, m.one_time),
            ("monthly", Dong(752_000), Dong::ZERO)
        );
        // 61 %, 20 years: (30 % + 2 % × 30) × 2,340,000 + (0.5 % + 0.3 % × 19) × 10,000,000.
        assert_eq!(o(facts(61, 20)).monthly, Dong(2_106_000 + 620_000));
        // 4 %: nothing; the convalescence bands: 15 % → 5 days, 31 % → 7, 51 % → 10.
        assert!(!o(facts(4, 3)).eligible);
        assert_eq!(o(facts(15, 3)).convalescence_days, 5);
        assert_eq!(o(facts(31, 3)).convalescence_days, 7);
        assert_eq!(o(facts(51, 3)).convalescence_days, 10);
    }

    #[test]
    fn carer_and_death() {
        let p = Params::embedded().unwrap();
        let carer = OccupationalFacts {
            needs_carer: true,
            ..facts(81, 5)
        };
        assert_eq!(
            evaluate(&p, &carer).unwrap().0.carer_monthly,
            Dong(2_340_000)
        );
        let below = OccupationalFacts {
            needs_carer: true,
            ..facts(80, 5)
        };
        assert_eq!(evaluate(&p, &below).unwrap().0.carer_monthly, Dong::ZERO);
        let died = OccupationalFacts {
            died: true,
            ..facts(100, 5)
        };
        let o = evaluate(&p, &died).unwrap().0;
        assert_eq!((o.death_grant, o.monthly), (Dong(84_240_000), Dong::ZERO));
        assert!(
            evaluate(
                &p,
                &OccupationalFacts {
                    capacity_loss: Rate::from_ppm(305_000),
                    ..facts(30, 1)
                }
            )
            .is_err()
        );
    }
}
