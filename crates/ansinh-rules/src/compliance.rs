//! Late payment (chậm đóng), evasion (trốn đóng) and their charges.
//!
//! From 1 Jul 2025: L41 Art. 38 (late payment), 39 (evasion), 40–41 (0.03 % per day).
//! Before: the interest of QĐ 595/QĐ-BHXH Art. 37, kept for historic recomputation.

use crate::explanation::Line;
use crate::params::{Concept, MissingParam, Params};
use ansinh_core::{Date, Dong, Month, Rate, rate::PPM};
use serde::{Deserialize, Serialize};

/// Parameters of L41 Art. 28, 38–41.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatePayment {
    pub daily_rate: Rate,
    pub evasion_after_days: i64,
    pub registration_days: i64,
}

impl Concept for LatePayment {}

/// Parameters of QĐ 595 Art. 37.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LateInterestQd595 {
    pub annual_return: Rate,
    pub multiplier: i64,
}

impl Concept for LateInterestQd595 {}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ComplianceError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("must not be negative, found {0}")]
    Negative(i64),
    #[error("the overdue balance {balance} is smaller than its latest month's part {latest}")]
    LatestAboveBalance { balance: Dong, latest: Dong },
    #[error("{0} is after the assessment date {1}")]
    AfterAsOf(Date, Date),
    #[error("the amount is too large to compute")]
    Overflow,
}

/// Deadline of a monthly contribution: the last day of the following month (L41 Art. 34.4.a).
pub fn payment_deadline(month: Month) -> Date {
    month.plus(1).last_day()
}

/// Charge on a late or evaded amount (tiền chậm đóng / trốn đóng): daily rate × amount × days,
/// L41 Art. 40.1 (late payment) and 41.1 (evasion); the rate in force on `date` applies.
pub fn late_charge(
    params: &Params,
    amount: Dong,
    days: i64,
    date: Date,
) -> Result<(Dong, Vec<Line>), ComplianceError> {
    if amount.get() < 0 {
        return Err(ComplianceError::Negative(amount.get()));
    }
    if days < 0 {
        return Err(ComplianceError::Negative(days));
    }
    let lp = params.late_payment.at(date)?;
    let rounding = params.rounding.at(date)?.value.rounding();
    let num = i128::from(amount.get()) * i128::from(days) * i128::from(lp.value.daily_rate.ppm());
    let charge = rounding
        .ratio(num, i128::from(PPM))
        .ok_or(ComplianceError::Overflow)?;
    let line = Line::new(
        "charge",
        "Tiền chậm đóng, trốn đóng",
        "Late-payment / evasion charge",
    )
    .amount(charge)
    .formula(format!(
        "{amount} × {} × {days} days",
        lp.value.daily_rate.as_percent()
    ))
    .param(
        "late_payment.daily_rate",
        lp.value.daily_rate.as_percent(),
        lp,
    )
    .cite("L41 Art. 40.1, 41.1");
    Ok((charge, vec![line]))
}

/// Old-regime interest on overdue contributions for one month (QĐ 595 Art. 37): monthly rate =
/// multiplier × previous year's average annual fund return / 12, applied to the overdue
/// balance minus the part that arose in the latest month.
pub fn late_interest_qd595(
    params: &Params,
    overdue_balance: Dong,
    latest_month: Dong,
    date: Date,
) -> Result<(Dong, Vec<Line>), ComplianceError> {
    if overdue_balance.get() < 0 || latest_month.get() < 0 {
        return Err(ComplianceError::Negative(
            overdue_balance.get().min(latest_month.get()),
        ));
    }
    if latest_month > overdue_balance {
        return Err(ComplianceError::LatestAboveBalance {
            balance: overdue_balance,
            latest: latest_month,
        });
    }
    let p = params.late_interest_qd595.at(date)?;
    let rounding = params.rounding.at(date)?.value.rounding();
    let base = overdue_balance - latest_month;
    let num = i128::from(base.get())
        * i128::from(p.value.multiplier)
        * i128::from(p.value.annual_return.ppm());
    let interest = rounding
        .ratio(num, 12 * i128::from(PPM))
        .ok_or(ComplianceError::Overflow)?;
    let monthly = Rate::from_ppm(p.value.annual_return.ppm() * p.value.multiplier / 12);
    let line = Line::new(
        "interest",
        "Tiền lãi chậm đóng (QĐ 595)",
        "Late-payment interest (QĐ 595)",
    )
    .amount(interest)
    .formula(format!(
        "({overdue_balance} − {latest_month}) × {} × {} / 12 (= {} per month)",
        p.value.multiplier,
        p.value.annual_return.as_percent(),
        monthly.as_percent()
    ))
    .param("annual_return", p.value.annual_return.as_percent(), p)
    .param("multiplier", p.value.multiplier, p)
    .cite("QĐ 595/QĐ-BHXH Art. 37");
    Ok((interest, vec![line]))
}

/// Status of one contribution month of one employer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    OnTime,
    Late,
    Evasion,
}

/// A payment received for the month.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    pub date: Date,
    pub amount: Dong,
}

/// Registration facts (L41 Art. 28.1): when the worker became subject, when registered.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub subject_since: Date,
    pub registered_on: Option<Date>,
}

/// What the agency knows about one contribution month of one employer.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthFacts {
    pub month: Month,
    pub amount_due: Dong,
    pub payments: Vec<Payment>,
    /// Date of the written urging under L41 Art. 35, if any.
    pub urged_on: Option<Date>,
    pub registered_salary: Option<Dong>,
    pub legal_base_salary: Option<Dong>,
    pub registration: Option<Registration>,
    /// Natural disaster, epidemic, emergency or other announced force majeure (D274 Art. 4).
    pub force_majeure: bool,
    /// The day the status is assessed.
    pub as_of: Date,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Classification {
    pub status: Status,
    pub deadline: Date,
    pub days_late: i64,
    pub unpaid: Dong,
    pub charge: Dong,
    /// The rule and the facts that gave the status, in English…
    pub reasons: Vec<String>,
    /// …and the same in Vietnamese, line for line.
    pub reasons_vi: Vec<String>,
}

/// Classifies a contribution month as on time, late (L41 Art. 38) or evasion (Art. 39), and
/// accrues the 0.03 %/day charge (Art. 40.1, 41.1) on each unpaid balance for the days it
/// stayed unpaid after the deadline. Force majeure turns evasion into late payment (Art. 39.2,
/// 38.4). Days late = payment date − deadline (D274's day count is unconfirmed).
pub fn classify(
    params: &Params,
    facts: &MonthFacts,
) -> Result<(Classification, Vec<Line>), ComplianceError> {
    let deadline = payment_deadline(facts.month);
    let lp = params.late_payment.at(deadline)?;
    let rounding = params.rounding.at(deadline)?.value.rounding();
    if facts.amount_due.get() < 0 {
        return Err(ComplianceError::Negative(facts.amount_due.get()));
    }
    let mut payments = facts.payments.clone();
    for p in &payments {
        if p.amount.get() < 0 {
            return Err(ComplianceError::Negative(p.amount.get()));
        }
        if p.date > facts.as_of {
            return Err(ComplianceError::AfterAsOf(p.date, facts.as_of));
        }
    }
    payments.sort_by_key(|p| p.date);
    let days = |a: Date, b: Date| i64::from((b - a).get_days());
    let mut reasons = Vec::new();
    let mut reasons_vi = Vec::new();
    let mut status = Status::OnTime;
    let mut worsen = |s: Status,
                      reason: String,
                      vi: String,
                      reasons: &mut Vec<String>,
                      reasons_vi: &mut Vec<String>| {
        let s = if s == Status::Evasion && facts.force_majeure {
            reasons.push(
                "force majeure (D274 Art. 4): treated as late payment (L41 Art. 38.4)".into(),
            );
            reasons_vi.push(
                "sự kiện bất khả kháng (NĐ 274 Điều 4): coi là chậm đóng (Luật 41 Điều 38.4)"
                    .into(),
            );
            Status::Late
        } else {
            s
        };
        status = status.max(s);
        reasons.push(reason);
        reasons_vi.push(vi);
    };

    // Balance left unpaid after the deadline, reduced by each later payment.
    let mut balance = facts.amount_due;
    for p in payments.iter().filter(|p| p.date <= deadline) {
        balance = Dong((balance - p.amount).get().max(0));
    }
    let mut weighted: i128 = 0;
    let mut cursor = deadline;
    let mut settled_on = (balance.get() == 0).then_some(deadline);
    for p in payments.iter().filter(|p| p.date > deadline) {
        if balance.get() == 0 {
            break;
        }
        weighted += i128::from(balance.get()) * i128::from(days(cursor, p.date));
        cursor = p.date;
        balance = Dong((balance - p.amount).get().max(0));
        if balance.get() == 0 {
            settled_on = Some(p.date);
        }
    }
    let end = settled_on.unwrap_or(facts.as_of.max(deadline));
    if balance.get() > 0 {
        weighted += i128::from(balance.get()) * i128::from(days(cursor, end));
    }
    let days_late = days(deadline, end).max(0);
    if days_late > 0 {
        if days_late > lp.value.evasion_after_days && facts.urged_on.is_some_and(|u| u <= end) {
            worsen(
                Status::Evasion,
                format!(
                    "unpaid more than {} days after the deadline {deadline} after written urging: evasion (L41 Art. 39.1.đ–e)",
                    lp.value.evasion_after_days
                ),
                format!(
                    "chưa đóng quá {} ngày sau hạn {deadline} dù đã có văn bản đôn đốc: trốn đóng (Luật 41 Điều 39.1.đ–e)",
                    lp.value.evasion_after_days
                ),
                &mut reasons,
                &mut reasons_vi,
            );
        } else {
            worsen(
                Status::Late,
                format!(
                    "paid or unpaid {days_late} days after the deadline {deadline}: late payment (L41 Art. 38.1)"
                ),
                format!(
                    "đóng hoặc chưa đóng {days_late} ngày sau hạn {deadline}: chậm đóng (Luật 41 Điều 38.1)"
                ),
                &mut reasons,
                &mut reasons_vi,
            );
        }
    }
    if let (Some(registered), Some(legal)) = (facts.registered_salary, facts.legal_base_salary)
        && registered < legal
    {
        worsen(
            Status::Evasion,
            format!(
                "registered salary {registered} is below the legal base {legal}: evasion (L41 Art. 39.1.c–d)"
            ),
            format!(
                "tiền lương đăng ký {registered} thấp hơn mức phải đóng {legal}: trốn đóng (Luật 41 Điều 39.1.c–d)"
            ),
            &mut reasons,
            &mut reasons_vi,
        );
    }
    if let Some(reg) = facts.registration {
        let window_end = reg.subject_since + jiff::Span::new().days(lp.value.registration_days);
        let registered = reg.registered_on.unwrap_or(facts.as_of);
        let after = days(window_end, registered);
        if after > lp.value.evasion_after_days {
            worsen(
                Status::Evasion,
                format!(
                    "registered {after} days after the registration deadline {window_end}: evasion (L41 Art. 39.1.a–b)"
                ),
                format!(
                    "đăng ký sau hạn đăng ký {window_end} {after} ngày: trốn đóng (Luật 41 Điều 39.1.a–b)"
                ),
                &mut reasons,
                &mut reasons_vi,
            );
        } else if after > 0 {
            worsen(
                Status::Late,
                format!(
                    "registered {after} days after the registration deadline {window_end}: late payment (L41 Art. 38.2–3)"
                ),
                format!(
                    "đăng ký sau hạn đăng ký {window_end} {after} ngày: chậm đóng (Luật 41 Điều 38.2–3)"
                ),
                &mut reasons,
                &mut reasons_vi,
            );
        }
    }
    let charge = rounding
        .ratio(
            weighted * i128::from(lp.value.daily_rate.ppm()),
            i128::from(PPM),
        )
        .ok_or(ComplianceError::Overflow)?;
    let lines = vec![
        Line::new("deadline", "Hạn đóng", "Payment deadline")
            .value(deadline)
            .formula(format!("last day of the month after {}", facts.month))
            .cite("L41 Art. 34.4.a"),
        Line::new("status", "Tình trạng", "Status")
            .value(format!("{status:?}"))
            .formula(reasons.join("; "))
            .param("evasion_after_days", lp.value.evasion_after_days, lp)
            .cite("L41 Art. 38–39"),
        Line::new(
            "charge",
            "Tiền chậm đóng, trốn đóng",
            "Late-payment / evasion charge",
        )
        .amount(charge)
        .formula(format!(
            "Σ unpaid balance × days unpaid × {}",
            lp.value.daily_rate.as_percent()
        ))
        .param("daily_rate", lp.value.daily_rate.as_percent(), lp)
        .cite("L41 Art. 40.1, 41.1"),
    ];
    Ok((
        Classification {
            status,
            deadline,
            days_late,
            unpaid: balance,
            charge,
            reasons,
            reasons_vi,
        },
        lines,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(month: &str, paid_on: Option<&str>, urged: Option<&str>, as_of: &str) -> MonthFacts {
        MonthFacts {
            month: month.parse().unwrap(),
            amount_due: Dong(100_000_000),
            payments: paid_on
                .map(|d| {
                    vec![Payment {
                        date: d.parse().unwrap(),
                        amount: Dong(100_000_000),
                    }]
                })
                .unwrap_or_default(),
            urged_on: urged.map(|d| d.parse().unwrap()),
            registered_salary: None,
            legal_base_salary: None,
            registration: None,
            force_majeure: false,
            as_of: as_of.parse().unwrap(),
        }
    }

    #[test]
    fn deadline_is_last_day_of_following_month() {
        assert_eq!(
            payment_deadline("2026-01".parse().unwrap()).to_string(),
            "2026-02-28"
        );
        assert_eq!(
            payment_deadline("2026-12".parse().unwrap()).to_string(),
            "2027-01-31"
        );
    }

    #[test]
    fn day_60_is_late_and_day_61_with_urging_is_evasion() {
        let p = Params::embedded().unwrap();
        // March 2026 deadline: 30 April 2026. Day 60 = 29 June, day 61 = 30 June.
        let (c60, _) = classify(
            &p,
            &facts(
                "2026-03",
                Some("2026-06-29"),
                Some("2026-06-01"),
                "2026-07-15",
            ),
        )
        .unwrap();
        assert_eq!((c60.status, c60.days_late), (Status::Late, 60));
        // Each reason in both languages, line for line.
        assert_eq!(c60.reasons.len(), 1);
        assert!(c60.reasons[0].contains("late payment"), "{:?}", c60.reasons);
        assert!(
            c60.reasons_vi[0].contains("chậm đóng"),
            "{:?}",
            c60.reasons_vi
        );
        let (c61, _) = classify(
            &p,
            &facts(
                "2026-03",
                Some("2026-06-30"),
                Some("2026-06-01"),
                "2026-07-15",
            ),
        )
        .unwrap();
        assert_eq!((c61.status, c61.days_late), (Status::Evasion, 61));
        assert_eq!(c61.charge, Dong(1_830_000));
        let (no_urging, _) = classify(
            &p,
            &facts("2026-03", Some("2026-06-30"), None, "2026-07-15"),
        )
        .unwrap();
        assert_eq!(no_urging.status, Status::Late);
        let mut fm = facts(
            "2026-03",
            Some("2026-06-30"),
            Some("2026-06-01"),
            "2026-07-15",
        );
        fm.force_majeure = true;
        assert_eq!(classify(&p, &fm).unwrap().0.status, Status::Late);
    }

    #[test]
    fn paid_by_the_deadline_is_on_time_and_partial_payments_accrue_on_the_balance() {
        let p = Params::embedded().unwrap();
        let (c, _) = classify(
            &p,
            &facts("2026-03", Some("2026-04-30"), None, "2026-07-15"),
        )
        .unwrap();
        assert_eq!((c.status, c.charge), (Status::OnTime, Dong::ZERO));
        let mut f = facts("2026-03", None, None, "2026-05-30");
        f.payments = vec![
            Payment {
                date: "2026-05-10".parse().unwrap(),
                amount: Dong(60_000_000),
            },
            Payment {
                date: "2026-05-30".parse().unwrap(),
                amount: Dong(40_000_000),
            },
        ];
        let (c, _) = classify(&p, &f).unwrap();
        // 100m × 10 days + 40m × 20 days = 1.8bn đồng-days × 0.03 %.
        assert_eq!(c.charge, Dong(540_000));
        assert_eq!(c.unpaid, Dong::ZERO);
    }

    #[test]
    fn salary_below_the_legal_base_is_evasion_without_grace() {
        let p = Params::embedded().unwrap();
        let mut f = facts("2026-03", Some("2026-04-15"), None, "2026-04-20");
        f.registered_salary = Some(Dong(4_000_000));
        f.legal_base_salary = Some(Dong(5_310_000));
        assert_eq!(classify(&p, &f).unwrap().0.status, Status::Evasion);
    }
}
