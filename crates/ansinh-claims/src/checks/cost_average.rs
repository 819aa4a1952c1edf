//! Rule R16, cost averages (chi phí bình quân): a facility whose cost per visit of a kind
//! (outpatient, inpatient) stands above the reference average by more than the alert share is
//! flagged for the assessor — a warning on the facility's file, not a rejection of any visit
//! (TT 12/2026/TT-BTC Art. 13, cảnh báo gia tăng chi phí bình quân; the averages as reference
//! data, `averages.csv`; the alert share a dated parameter).

use crate::decimal::Amount;
use crate::reference::Reference;
use crate::xml::Notice;
use ansinh_core::Date;

/// Facility, visit kind, hospital cost and the day the visit began, for each assessed visit.
pub struct Cost<'a> {
    pub facility: &'a str,
    pub inpatient: bool,
    pub hospital: Amount,
    pub date: Date,
}

/// The facilities of a file whose average cost per visit of a kind exceeds the reference by
/// more than `alert` (a share in parts per million), each with the figures behind it.
pub fn warnings(reference: &Reference, costs: &[Cost<'_>], alert_ppm: i64) -> Vec<Notice> {
    let list = &reference.lists.averages;
    if list.is_empty() || costs.is_empty() {
        return Vec::new();
    }
    let mut sums: std::collections::BTreeMap<(&str, bool), (Amount, i64, Date)> =
        Default::default();
    for c in costs {
        let e = sums
            .entry((c.facility, c.inpatient))
            .or_insert((Amount::ZERO, 0, c.date));
        e.0 += c.hospital;
        e.1 += 1;
        e.2 = e.2.min(c.date);
    }
    let mut out = Vec::new();
    for ((facility, inpatient), (total, n, date)) in sums {
        let kind = if inpatient { "inpatient" } else { "outpatient" };
        let Some(reference_average) = list
            .on(kind, date)
            .next()
            .and_then(|row| row.cells[0].parse::<Amount>().ok())
        else {
            continue;
        };
        let average = Amount::from_units(total.units() / n);
        // Above reference × (1 + alert): compared in integers, no rounding of the share.
        let limit = i128::from(reference_average.units()) * i128::from(1_000_000 + alert_ppm);
        if i128::from(average.units()) * 1_000_000 > limit {
            out.push(Notice {
                code: "R16.AVERAGE",
                field: "T_TONGCHI_BV",
                text_vi: format!(
                    "Cơ sở {facility}: chi phí bình quân {kind} {average} ({n} lượt) cao hơn mức so sánh {reference_average} quá {}%",
                    alert_ppm / 10_000
                ),
                text_en: format!(
                    "Facility {facility}: average {kind} cost {average} over {n} visits is above the reference {reference_average} by more than {}%",
                    alert_ppm / 10_000
                ),
            });
        }
    }
    out
}
