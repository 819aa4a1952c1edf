//! Contributions to the National Social Security Fund (ການປະກອບສ່ວນປະກັນສັງຄົມ).

use crate::params::{LaoParams, MissingParam};
use ansinh_core::{Kip, Month, Rate};
use serde::Serialize;

/// Line of the explanation, amounts in kip.
pub type Line = ansinh_law::explanation::Line<Kip>;

/// Who is insured, and so who pays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Participant {
    /// An employee of a labour unit (enterprise): employee 5.5 %, employer 6 %.
    Employee,
    /// A civil servant: employee 8 %, the Government as employer 8.5 %.
    CivilServant,
    /// A voluntary or self-employed member, paying the whole rate on a chosen income.
    Voluntary,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContributionError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("a salary cannot be negative, found {0} kip")]
    Negative(Kip),
}

/// The amounts of one payer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Share {
    pub social_security: Kip,
    pub total: Kip,
}

impl Share {
    fn of(amount: Kip) -> Share {
        Share {
            social_security: amount,
            total: amount,
        }
    }
}

/// One month's contributions of one member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// Insurable earnings: the salary between the floor and the ceiling.
    pub base: Kip,
    pub employee: Share,
    pub employer: Share,
    pub total: Kip,
    /// The salary was below the floor and was raised to it.
    pub raised_to_floor: bool,
}

/// The parameters of one month, resolved once (the monthly run resolves them per month, not
/// per member).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Resolved {
    pub month: Month,
    pub participant: Participant,
    pub floor: Kip,
    pub ceiling: Kip,
    pub employee: Rate,
    pub employer: Rate,
    pub rounding: ansinh_core::Rounding,
}

/// Civil servants and voluntary members are bounded by the employees' floor and ceiling: no
/// source gives them their own (an assumption, see `rules/la/voluntary_rate.toml`).
/// Resolves the month's floor (share × minimum wage, MLSW Decision 1740/MOLSW), ceiling
/// (Decision 1740/MOLSW) and rates (Law 34/NA Art. 55–56 as kept by Law 54/NA).
pub fn resolve(
    params: &LaoParams,
    month: Month,
    participant: Participant,
) -> Result<Resolved, MissingParam> {
    let day = month.first_day();
    let rates = params.contribution_rates.at(day)?.value;
    let (employee, employer) = match participant {
        Participant::Employee => (rates.employee.employee, rates.employee.employer),
        Participant::CivilServant => (rates.civil_servant.employee, rates.civil_servant.employer),
        Participant::Voluntary => (params.voluntary_rate.at(day)?.value.rate, Rate::ZERO),
    };
    let rounding = params.rounding.at(day)?.value.rounding();
    let minimum = params.minimum_wage.at(day)?.value.amount;
    let share = params.insurable_floor.at(day)?.value.share;
    Ok(Resolved {
        month,
        participant,
        floor: rounding.apply_in(minimum, share),
        ceiling: params.insurable_ceiling.at(day)?.value.amount,
        employee,
        employer,
        rounding,
    })
}

/// Contributions of one month on a salary: insurable earnings = the salary capped at the
/// ceiling and raised to the floor; each share = earnings × rate, rounded once (Law 34/NA
/// Art. 55–56; MLSW Decision 1740/MOLSW).
pub fn assess(r: &Resolved, salary: Kip) -> Result<Assessment, ContributionError> {
    if salary.get() < 0 {
        return Err(ContributionError::Negative(salary));
    }
    let base = salary.min(r.ceiling).max(r.floor);
    let employee = r.rounding.apply_in(base, r.employee);
    let employer = r.rounding.apply_in(base, r.employer);
    Ok(Assessment {
        base,
        employee: Share::of(employee),
        employer: Share::of(employer),
        total: employee + employer,
        raised_to_floor: salary < r.floor,
    })
}

/// The explanation of [`assess`], each parameter with its dated source.
pub fn explain(
    params: &LaoParams,
    r: &Resolved,
    salary: Kip,
    a: &Assessment,
) -> Result<Vec<Line>, MissingParam> {
    let day = r.month.first_day();
    let ceiling = params.insurable_ceiling.at(day)?;
    let floor = params.insurable_floor.at(day)?;
    let minimum = params.minimum_wage.at(day)?;
    let rates = params.contribution_rates.at(day)?;
    let mut lines = vec![
        Line::new("base", "ລາຍຮັບທີ່ຕ້ອງປະກອບສ່ວນ", "Insurable earnings")
            .amount(a.base)
            .formula(format!(
                "min(salary {salary}, ceiling {}) raised to the floor {} = {} × minimum wage {}",
                r.ceiling, r.floor, floor.value.share, minimum.value.amount
            ))
            .param("insurable_ceiling", r.ceiling, ceiling)
            .param("insurable_floor", floor.value.share, floor)
            .param("minimum_wage", minimum.value.amount, minimum)
            .cite("MLSW Decision 1740/MOLSW"),
    ];
    let employee_line = Line::new("employee", "ສ່ວນຂອງລູກຈ້າງ", "Employee's share")
        .amount(a.employee.total)
        .formula(format!("{} × {}", a.base, r.employee))
        .cite("Law 34/NA Art. 55–56; Law 54/NA");
    let employer_line = Line::new("employer", "ສ່ວນຂອງນາຍຈ້າງ", "Employer's share")
        .amount(a.employer.total)
        .formula(format!("{} × {}", a.base, r.employer))
        .cite("Law 34/NA Art. 55–56; Law 54/NA");
    // A voluntary member's rate is its own parameter, and no employer shares it.
    match r.participant {
        Participant::Voluntary => lines.extend([
            employee_line.param("voluntary_rate", r.employee, params.voluntary_rate.at(day)?),
            employer_line,
        ]),
        _ => lines.extend([
            employee_line.param("rate", r.employee, rates),
            employer_line.param("rate", r.employer, rates),
        ]),
    }
    lines.push(
        Line::new("total", "ລວມ", "Total")
            .amount(a.total)
            .formula(format!("{} + {}", a.employee.total, a.employer.total)),
    );
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn tc1_below_the_ceiling_and_tc2_above_it() {
        let p = LaoParams::embedded().unwrap();
        let r = resolve(&p, month("2026-03"), Participant::Employee).unwrap();
        let a = assess(&r, Kip(3_000_000)).unwrap();
        assert_eq!(
            (a.employee.total, a.employer.total, a.total),
            (Kip(165_000), Kip(180_000), Kip(345_000))
        );
        let a = assess(&r, Kip(10_000_000)).unwrap();
        assert_eq!(
            (a.base, a.employee.total, a.employer.total, a.total),
            (Kip(4_500_000), Kip(247_500), Kip(270_000), Kip(517_500))
        );
    }

    #[test]
    fn a_salary_below_the_floor_is_raised_to_it() {
        let p = LaoParams::embedded().unwrap();
        let r = resolve(&p, month("2026-03"), Participant::Employee).unwrap();
        // 50 % of the minimum wage of 2,500,000 (Decision 1740; unconfirmed).
        assert_eq!(r.floor, Kip(1_250_000));
        let a = assess(&r, Kip(1_000_000)).unwrap();
        assert!(a.raised_to_floor);
        assert_eq!(a.employee.total, Kip(68_750));
        assert!(assess(&r, Kip(-1)).is_err());
    }

    #[test]
    fn a_month_before_the_first_lao_parameter_is_refused() {
        let p = LaoParams::embedded().unwrap();
        assert!(resolve(&p, month("2016-12"), Participant::Employee).is_err());
    }
}
