//! The prescription of a drug line read from its dose (LIEU_DUNG, QĐ 130/QĐ-BYT Bảng 2, written
//! as `1 viên/lần * 2 lần/ngày * 30 ngày [2 viên/ngày]`): a quantity dispensed above the dose
//! a day × the days by more than the tolerance goes to a human (R09.DOSE; catalogue C105), and
//! so does an outpatient prescription for more days than a prescription may give
//! (R09.PRESCRIPTION_DAYS; C103; TT 26/2025/TT-BYT allows longer prescriptions for the chronic
//! diseases of its list, which is not encoded: the limit is a parameter). A dose that does not
//! read this way is not checked.

use super::{Found, line_ref};
use crate::claim::{Claim, LineText, Table};
use crate::decimal::Quantity;
use ansinh_rules::Params;

/// (quantity a day, days) of a dose text, each when it reads.
pub fn dose(text: &str) -> (Option<Quantity>, Option<Quantity>) {
    // "0,5" is written as often as "0.5": read on the stack with the comma a point.
    let number = |s: &str| {
        let s = s.trim();
        if !s.contains(',') {
            return s.parse::<Quantity>().ok();
        }
        let mut buf = [0u8; 24];
        let bytes = s.as_bytes();
        let out = buf.get_mut(..bytes.len())?;
        for (o, b) in out.iter_mut().zip(bytes) {
            *o = if *b == b',' { b'.' } else { *b };
        }
        std::str::from_utf8(out).ok()?.parse::<Quantity>().ok()
    };
    let (mut per_day, mut days) = (None, None);
    let (mut per_time, mut times) = (None, None);
    for part in text.split(['*', '[', ']', ';']) {
        let part = part.trim();
        let Some((value, unit)) = part.split_once(' ') else {
            continue;
        };
        // The standard writes the units in lower case.
        let unit = unit.trim();
        let Some(v) = number(value) else { continue };
        if unit == "ngày" {
            days = Some(v);
        } else if unit == "lần/ngày" {
            times = Some(v);
        } else if unit.ends_with("/lần") {
            per_time = Some(v);
        } else if unit.ends_with("/ngày") {
            per_day = Some(v);
        }
    }
    let per_day = per_day.or_else(|| {
        let (a, b) = (per_time?, times?);
        Some(Quantity::from_units(
            a.units().checked_mul(b.units())? / 1000,
        ))
    });
    (per_day, days)
}

/// Catalogue C103 (partly), C105 on one visit.
pub fn check(params: &Params, claim: &Claim, found: &mut Found) {
    let Ok(limits) = ansinh_rules::health::claims_assessment(params, claim.admitted.date()) else {
        return;
    };
    let tolerance = limits.dose_tolerance.ppm();
    let mut over = Vec::new();
    let mut long = Vec::new();
    for l in &claim.lines {
        if l.table != Table::Xml2 {
            continue;
        }
        // Both checks need the days ("30 ngày"); most doses of a visit give none.
        let Some(text) = l
            .detail
            .as_ref()
            .and_then(|d| d.get(LineText::Dose))
            .filter(|t| t.contains(" ngày"))
        else {
            continue;
        };
        let (per_day, days) = dose(text);
        if let (Some(per_day), Some(days)) = (per_day, days) {
            // In thousandths: per_day × days, widened by the tolerance (ppm).
            let expected = i128::from(per_day.units()) * i128::from(days.units()) / 1000;
            let allowed = expected * (1_000_000 + i128::from(tolerance)) / 1_000_000;
            if i128::from(l.quantity.units()) > allowed {
                over.push(format!(
                    "{} ({} > {} × {})",
                    line_ref(l),
                    l.quantity.trimmed(),
                    per_day.trimmed(),
                    days.trimmed()
                ));
            }
        }
        if let Some(days) = days
            && !claim.inpatient()
            && days.units() > limits.prescription_max_days.saturating_mul(1000)
        {
            long.push(format!("{} ({} days)", line_ref(l), days.trimmed()));
        }
    }
    let basis =
        "TT 26/2025/TT-BYT (kê đơn thuốc ngoại trú); QĐ 130/QĐ-BYT Bảng 2 (LIEU_DUNG, SO_LUONG)";
    if !over.is_empty() {
        let list = over.join(", ");
        found.review(
            "R09.DOSE",
            format!("Số lượng cấp vượt liều × số ngày: {list}"),
            format!("Dispensed above the dose a day × the days: {list}"),
            Vec::new(),
            basis,
        );
    }
    if !long.is_empty() {
        let list = long.join(", ");
        found.review(
            "R09.PRESCRIPTION_DAYS",
            format!(
                "Đơn thuốc ngoại trú quá {} ngày: {list}",
                limits.prescription_max_days
            ),
            format!(
                "An outpatient prescription of more than {} days: {list}",
                limits.prescription_max_days
            ),
            Vec::new(),
            basis,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::dose;
    use crate::decimal::Quantity;

    #[test]
    fn doses_read_as_the_standard_writes_them() {
        let q = |v: i64| Some(Quantity::whole(v));
        assert_eq!(
            dose("1 viên/lần * 2 lần/ngày * 30 ngày [2 viên/ngày]"),
            (q(2), q(30))
        );
        assert_eq!(dose("2 viên/lần * 3 lần/ngày * 5 ngày"), (q(6), q(5)));
        assert_eq!(dose("1 viên/lần * 2 lần/ngày"), (q(2), None));
        assert_eq!(dose("uống khi sốt"), (None, None));
        assert_eq!(dose("0,5 viên/lần * 2 lần/ngày * 10 ngày"), (q(1), q(10)));
    }
}
