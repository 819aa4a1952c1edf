//! Maternity benefit (chế độ thai sản): the allowance for childbirth and the lump sum.

use crate::explanation::Line;
use crate::params::{Concept, MissingParam, Params};
use ansinh_core::{Date, Dong, Rate};
use serde::{Deserialize, Serialize};

/// Parameters of L41 Art. 50, 53, 58, 59, 60.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaternityParams {
    pub rate: Rate,
    pub leave_months: i64,
    pub extra_months_per_child: i64,
    pub lump_sum_multiple: i64,
    pub min_months: i64,
    pub window_months: i64,
    pub convalescence_daily: Rate,
    /// Days of convalescence after childbirth: multiple births, caesarean, other (Art. 60.2).
    pub convalescence_days: [i64; 3],
    /// The father's leave, in working days (Art. 53.2): one child, one child by caesarean or
    /// born before 32 weeks, twins, twins by caesarean; more per child from the third.
    pub father_days: [i64; 4],
    pub father_days_per_extra_child: i64,
    /// Days after the birth within which the father takes his leave (Art. 53.2).
    pub father_within_days: i64,
    /// Working days a month for a daily allowance (Art. 59.2).
    pub days_per_month: i64,
    /// A surrogate mother's shortest leave after the birth, in calendar days (Art. 55.1).
    pub surrogate_min_days: i64,
}

impl Concept for MaternityParams {
    fn check(&self) -> Result<(), (String, String)> {
        if self.days_per_month <= 0 {
            return Err(("days_per_month".into(), "must be positive".into()));
        }
        Ok(())
    }
}

/// A father's leave when his wife gives birth.
#[derive(Clone, Debug, PartialEq)]
pub struct PaternityFacts {
    /// Average contribution salary of the 6 months before the leave (fewer: of the months paid).
    pub average_salary: Dong,
    pub birth_date: Date,
    pub children: i64,
    /// The birth was by caesarean section.
    pub caesarean: bool,
    /// The child was born before 32 weeks of pregnancy.
    pub before_32_weeks: bool,
    /// Working days of leave asked; `None` is the whole entitlement.
    pub days: Option<i64>,
    /// First day of the leave, when known (it must be within the days after the birth).
    pub leave_start: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PaternityOutcome {
    pub eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub entitled_days: i64,
    pub days_paid: i64,
    pub daily: Dong,
    pub allowance: Dong,
}

/// The father's leave benefit (L41 Art. 53.2): 5 working days, 7 for a birth by caesarean or
/// before 32 weeks, 10 for twins, 14 for twins by caesarean, 3 more per child from the third,
/// taken within 60 days of the birth; paid at 100 % of the average salary / 24 per day
/// (Art. 59.1–59.2).
pub fn paternity(
    params: &Params,
    f: &PaternityFacts,
) -> Result<(PaternityOutcome, Vec<Line>), MaternityError> {
    if f.children < 1 {
        return Err(MaternityError::Children(f.children));
    }
    if f.average_salary.get() < 0 || f.days.is_some_and(|d| d < 0) {
        return Err(MaternityError::Negative);
    }
    let dated = params.maternity.at(f.birth_date)?;
    let p = &dated.value;
    let rounding = params.rounding.at(f.birth_date)?.value.rounding();
    let hard = f.caesarean || f.before_32_weeks;
    let entitled = match (f.children, f.caesarean) {
        (1, _) if hard => p.father_days[1],
        (1, _) => p.father_days[0],
        (n, c) => {
            let base = if c {
                p.father_days[3]
            } else {
                p.father_days[2]
            };
            p.father_days_per_extra_child
                .checked_mul(n - 2)
                .and_then(|extra| extra.checked_add(base))
                .ok_or(MaternityError::Overflow("father's days"))?
        }
    };
    let mut reason = None;
    if let Some(start) = f.leave_start {
        let after = (start - f.birth_date).get_days();
        if after < 0 || i64::from(after) >= p.father_within_days {
            reason = Some(format!(
                "the leave starts {after} days after the birth: it is taken within the first {} days (L41 Art. 53.2)",
                p.father_within_days
            ));
        }
    }
    let asked = f.days.unwrap_or(entitled);
    let days = if reason.is_some() {
        0
    } else {
        asked.min(entitled)
    };
    if reason.is_none() && asked > entitled {
        reason = Some(format!(
            "{asked} days asked: the father's leave for this birth is {entitled} working days (L41 Art. 53.2)"
        ));
    }
    let num = i128::from(f.average_salary.get()) * i128::from(p.rate.ppm());
    let den = i128::from(p.days_per_month) * i128::from(ansinh_core::rate::PPM);
    let daily = rounding.ratio(num, den).unwrap_or(Dong(i64::MAX));
    let allowance = rounding
        .ratio(num * i128::from(days), den)
        .unwrap_or(Dong(i64::MAX));
    let kind = match (f.children, f.caesarean, f.before_32_weeks) {
        (1, true, _) => "one child by caesarean".to_string(),
        (1, false, true) => "one child born before 32 weeks".to_string(),
        (1, false, false) => "one child".to_string(),
        (n, c, _) => format!("{n} children{}", if c { " by caesarean" } else { "" }),
    };
    let lines = vec![
        Line::new(
            "father_days",
            "Số ngày nghỉ của lao động nam",
            "Father's leave",
        )
        .value(format!("{entitled} working days"))
        .formula(kind)
        .param(
            "maternity.father_days",
            format!("{:?}", p.father_days),
            dated,
        )
        .param(
            "maternity.father_days_per_extra_child",
            p.father_days_per_extra_child,
            dated,
        )
        .cite("L41 Art. 53.2"),
        Line::new(
            "allowance",
            "Trợ cấp thai sản của lao động nam khi vợ sinh con",
            "Father's maternity allowance",
        )
        .amount(allowance)
        .formula(format!(
            "{} × {} / {} × {days} days",
            f.average_salary,
            p.rate.as_percent(),
            p.days_per_month
        ))
        .param("maternity.days_per_month", p.days_per_month, dated)
        .cite("L41 Art. 59.1, 59.2"),
    ];
    Ok((
        PaternityOutcome {
            eligible: days > 0,
            reason,
            entitled_days: entitled,
            days_paid: days,
            daily,
            allowance,
        },
        lines,
    ))
}

#[derive(Clone, Debug, PartialEq)]
pub struct MaternityFacts {
    /// Average contribution salary of the 6 months before the leave.
    pub average_salary: Dong,
    pub birth_date: Date,
    pub children: i64,
    /// Months of compulsory contributions in the 12 months before the birth, when known.
    pub months_in_window: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MaternityOutcome {
    pub eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub leave_months: i64,
    pub allowance: Dong,
    pub lump_sum: Dong,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum MaternityError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("must be at least 1, found {0}")]
    Children(i64),
    #[error("must not be negative")]
    Negative,
    #[error("the amount is too large to compute ({0})")]
    Overflow(&'static str),
}

/// Mother's childbirth benefit: eligibility of 6 months of contributions in the 12 before the
/// birth (L41 Art. 50.2); leave of 6 months + 1 per extra child (Labour Code Art. 139.1, L41
/// Art. 53.1); allowance = 100 % × average salary × months (Art. 59.1); lump sum = 2 ×
/// reference level in the month of birth, per child (Art. 58.4).
pub fn evaluate(
    params: &Params,
    f: &MaternityFacts,
) -> Result<(MaternityOutcome, Vec<Line>), MaternityError> {
    if f.children < 1 {
        return Err(MaternityError::Children(f.children));
    }
    if f.average_salary.get() < 0 || f.months_in_window.is_some_and(|m| m < 0) {
        return Err(MaternityError::Negative);
    }
    let dated = params.maternity.at(f.birth_date)?;
    let p = &dated.value;
    let reference = params.reference_level.at(f.birth_date)?;
    let rounding = params.rounding.at(f.birth_date)?.value.rounding();
    let reason = match f.months_in_window {
        Some(m) if m < p.min_months => Some(format!(
            "{m} months of contributions in the {} months before the birth: at least {} are required (L41 Art. 50.2)",
            p.window_months, p.min_months
        )),
        _ => None,
    };
    let eligible = reason.is_none();
    let months = p
        .extra_months_per_child
        .checked_mul(f.children - 1)
        .and_then(|extra| extra.checked_add(p.leave_months))
        .ok_or(MaternityError::Overflow("leave months"))?;
    let monthly = rounding.apply(f.average_salary, p.rate);
    let allowance = if eligible {
        monthly
            .times(months)
            .ok_or(MaternityError::Overflow("allowance"))?
    } else {
        Dong::ZERO
    };
    let lump_sum = if eligible {
        p.lump_sum_multiple
            .checked_mul(f.children)
            .and_then(|n| reference.value.amount.times(n))
            .ok_or(MaternityError::Overflow("lump sum"))?
    } else {
        Dong::ZERO
    };
    let lines = vec![
        Line::new(
            "allowance",
            "Trợ cấp thai sản khi sinh con",
            "Maternity allowance for childbirth",
        )
        .amount(allowance)
        .formula(format!(
            "{} × {} × {months} months ({} + {} per extra child)",
            f.average_salary,
            p.rate.as_percent(),
            p.leave_months,
            p.extra_months_per_child
        ))
        .param("maternity.rate", p.rate.as_percent(), dated)
        .param("maternity.leave_months", p.leave_months, dated)
        .cite("L41 Art. 53.1, 59.1; Labour Code Art. 139.1"),
        Line::new(
            "lump_sum",
            "Trợ cấp một lần khi sinh con",
            "Childbirth lump sum",
        )
        .amount(lump_sum)
        .formula(format!(
            "{} × reference level {} × {} child(ren)",
            p.lump_sum_multiple, reference.value.amount, f.children
        ))
        .param("reference_level", reference.value.amount, reference)
        .param("maternity.lump_sum_multiple", p.lump_sum_multiple, dated)
        .cite("L41 Art. 58.4"),
    ];
    Ok((
        MaternityOutcome {
            eligible,
            reason,
            leave_months: months,
            allowance,
            lump_sum,
        },
        lines,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(birth: &str, children: i64, months: Option<i64>) -> MaternityFacts {
        MaternityFacts {
            average_salary: Dong(12_000_000),
            birth_date: birth.parse().unwrap(),
            children,
            months_in_window: months,
        }
    }

    #[test]
    fn lump_sum_follows_the_reference_level_of_the_birth_date() {
        let p = Params::embedded().unwrap();
        assert_eq!(
            evaluate(&p, &facts("2026-06-30", 1, None))
                .unwrap()
                .0
                .lump_sum,
            Dong(4_680_000)
        );
        assert_eq!(
            evaluate(&p, &facts("2026-07-01", 1, None))
                .unwrap()
                .0
                .lump_sum,
            Dong(5_060_000)
        );
    }

    #[test]
    fn twins_add_a_month_and_a_lump_sum_and_five_months_of_contributions_are_not_enough() {
        let p = Params::embedded().unwrap();
        let (twins, _) = evaluate(&p, &facts("2026-05-01", 2, Some(6))).unwrap();
        assert_eq!(
            (twins.leave_months, twins.allowance, twins.lump_sum),
            (7, Dong(84_000_000), Dong(9_360_000))
        );
        let (short, _) = evaluate(&p, &facts("2026-05-01", 1, Some(5))).unwrap();
        assert!(!short.eligible);
        assert_eq!(short.allowance, Dong::ZERO);
    }

    #[test]
    fn the_father_s_days_follow_the_birth() {
        let p = Params::embedded().unwrap();
        let f = |children, caesarean, before_32_weeks| PaternityFacts {
            average_salary: Dong(12_000_000),
            birth_date: "2026-05-04".parse().unwrap(),
            children,
            caesarean,
            before_32_weeks,
            days: None,
            leave_start: None,
        };
        let days = |children, c, w| paternity(&p, &f(children, c, w)).unwrap().0.entitled_days;
        assert_eq!(days(1, false, false), 5);
        assert_eq!(days(1, true, false), 7);
        assert_eq!(days(1, false, true), 7);
        assert_eq!(days(2, false, false), 10);
        assert_eq!(days(2, true, false), 14);
        assert_eq!(days(3, false, false), 13);
        assert_eq!(days(3, true, false), 17);
        // 12,000,000 / 24 = 500,000 a day.
        let (o, _) = paternity(&p, &f(1, false, false)).unwrap();
        assert_eq!((o.daily, o.allowance), (Dong(500_000), Dong(2_500_000)));
        // Started 60 days after the birth: too late.
        let late = PaternityFacts {
            leave_start: Some("2026-07-03".parse().unwrap()),
            ..f(1, false, false)
        };
        let (o, _) = paternity(&p, &late).unwrap();
        assert!(!o.eligible && o.allowance == Dong::ZERO, "{o:?}");
    }
}

/// Parameters of L41 Art. 94–95 (voluntary participants).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoluntaryMaternity {
    pub amount: Dong,
    pub min_months: i64,
    pub window_months: i64,
}

impl Concept for VoluntaryMaternity {}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VoluntaryMaternityOutcome {
    pub eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub allowance: Dong,
}

/// The maternity allowance of a voluntary participant (L41 Art. 94–95.1): 2,000,000 per child
/// born, from the State budget, after 6 months of voluntary contributions in the 12 before the
/// birth.
pub fn voluntary(
    params: &Params,
    birth_date: Date,
    children: i64,
    months_in_window: i64,
) -> Result<(VoluntaryMaternityOutcome, Vec<Line>), MaternityError> {
    if children < 1 {
        return Err(MaternityError::Children(children));
    }
    if months_in_window < 0 {
        return Err(MaternityError::Negative);
    }
    let dated = params.voluntary_maternity.at(birth_date)?;
    let p = &dated.value;
    let reason = (months_in_window < p.min_months).then(|| {
        format!(
            "{months_in_window} months of voluntary contributions in the {} months before the birth: at least {} are required (L41 Art. 94)",
            p.window_months, p.min_months
        )
    });
    let allowance = if reason.is_none() {
        p.amount
            .times(children)
            .ok_or(MaternityError::Overflow("allowance"))?
    } else {
        Dong::ZERO
    };
    let line = Line::new(
        "allowance",
        "Trợ cấp thai sản cho người tham gia BHXH tự nguyện",
        "Maternity allowance of a voluntary participant",
    )
    .amount(allowance)
    .formula(format!("{} × {children} child(ren)", p.amount))
    .param("voluntary_maternity.amount", p.amount, dated)
    .param("voluntary_maternity.min_months", p.min_months, dated)
    .cite("L41 Art. 94–95.1");
    Ok((
        VoluntaryMaternityOutcome {
            eligible: reason.is_none(),
            reason,
            allowance,
        },
        vec![line],
    ))
}

#[derive(Clone, Debug, PartialEq)]
pub struct AdoptionFacts {
    /// Average contribution salary of the 6 months before the leave (fewer: of the months paid).
    pub average_salary: Dong,
    pub child_birth_date: Date,
    /// Day the child is received.
    pub adoption_date: Date,
    pub months_in_window: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AdoptionOutcome {
    pub eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The leave: whole months and odd days until the child is 6 months old.
    pub leave_months: i64,
    pub leave_days: i64,
    pub allowance: Dong,
    pub lump_sum: Dong,
}

/// Whole months from `from`, then the odd days up to `to` (a leave counted in months and days,
/// L41 Art. 59.3); nothing when `to` is not after `from`.
pub(crate) fn months_and_days(from: Date, to: Date) -> (i64, i64) {
    let (mut months, mut cursor) = (0i64, from);
    while let Ok(next) = cursor.checked_add(jiff::Span::new().months(1)) {
        if next > to {
            break;
        }
        months += 1;
        cursor = next;
    }
    (months, i64::from((to - cursor).get_days()).max(0))
}

/// Adopting a child under 6 months (L41 Art. 56, 58.4, 59): leave until the child is 6 months
/// old, paid at 100 % of the average a month and, for the odd days, average / 30 a day
/// (Art. 59.3); the lump sum of 2 × the reference level; the contribution condition of
/// Art. 50.2.
pub fn adoption(
    params: &Params,
    f: &AdoptionFacts,
) -> Result<(AdoptionOutcome, Vec<Line>), MaternityError> {
    if f.average_salary.get() < 0 || f.months_in_window.is_some_and(|m| m < 0) {
        return Err(MaternityError::Negative);
    }
    let dated = params.maternity.at(f.adoption_date)?;
    let p = &dated.value;
    let per_calendar_day = params.pregnancy_leave.at(f.adoption_date)?;
    let reference = params.reference_level.at(f.adoption_date)?;
    let rounding = params.rounding.at(f.adoption_date)?.value.rounding();
    let six_months = f
        .child_birth_date
        .checked_add(jiff::Span::new().months(p.leave_months))
        .map_err(|_| MaternityError::Overflow("child's age"))?;
    let mut reason = match f.months_in_window {
        Some(m) if m < p.min_months => Some(format!(
            "{m} months of contributions in the {} months before the adoption: at least {} are required (L41 Art. 50.2)",
            p.window_months, p.min_months
        )),
        _ => None,
    };
    if f.adoption_date < f.child_birth_date || f.adoption_date >= six_months {
        reason = Some(format!(
            "the child is received on {}: the leave is for a child under {} months (L41 Art. 56)",
            f.adoption_date, p.leave_months
        ));
    }
    // Whole months from the adoption day, then the odd days to the 6-month birthday.
    let (months, days) = months_and_days(f.adoption_date, six_months);
    let eligible = reason.is_none();
    let monthly = rounding.apply(f.average_salary, p.rate);
    let cal = per_calendar_day.value.calendar_days_per_month;
    let allowance = if eligible {
        let whole = monthly
            .times(months)
            .ok_or(MaternityError::Overflow("allowance"))?;
        let odd = rounding
            .ratio(
                i128::from(monthly.get()) * i128::from(days),
                i128::from(cal),
            )
            .ok_or(MaternityError::Overflow("allowance"))?;
        whole
            .checked_add(odd)
            .ok_or(MaternityError::Overflow("allowance"))?
    } else {
        Dong::ZERO
    };
    let lump_sum = if eligible {
        reference
            .value
            .amount
            .times(p.lump_sum_multiple)
            .ok_or(MaternityError::Overflow("lump sum"))?
    } else {
        Dong::ZERO
    };
    let lines = vec![
        Line::new(
            "allowance",
            "Trợ cấp thai sản khi nhận nuôi con nuôi",
            "Maternity allowance on adoption",
        )
        .amount(allowance)
        .formula(format!(
            "{monthly} × {months} months + {monthly} / {cal} × {days} days (from {} to the child's {} months on {six_months})",
            f.adoption_date, p.leave_months
        ))
        .param("maternity.rate", p.rate.as_percent(), dated)
        .param("pregnancy_leave.calendar_days_per_month", cal, per_calendar_day)
        .cite("L41 Art. 56, 59.1, 59.3"),
        Line::new("lump_sum", "Trợ cấp một lần khi nhận nuôi con nuôi", "Adoption lump sum")
            .amount(lump_sum)
            .formula(format!(
                "{} × reference level {}",
                p.lump_sum_multiple, reference.value.amount
            ))
            .param("reference_level", reference.value.amount, reference)
            .cite("L41 Art. 58.4"),
    ];
    Ok((
        AdoptionOutcome {
            eligible,
            reason,
            leave_months: months,
            leave_days: days,
            allowance,
            lump_sum,
        },
        lines,
    ))
}
