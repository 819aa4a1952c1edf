//! How long services take (rule R12, times): a service done in less than its least duration
//! (`durations.csv` min_minutes: dialysis under 4 hours, an image read in no time; C136), a
//! quantity billed in units of time beyond the time it ran (unit_minutes: a ventilator's days
//! beyond NGAY_TH_YL–NGAY_KQ, C101; oxygen minutes beyond the stay, C106), a consultation of
//! no time or two begun minutes apart (C136), and more services ordered at once than can be
//! done (C106). The thresholds are parameters (`rules/vn/claims_assessment.toml`); each finding
//! goes to a human, who reads the record.

use super::{Found, group, line_ref};
use crate::claim::{Claim, Table};
use crate::decimal::Quantity;
use crate::reference::Reference;
use ansinh_rules::Params;
use jiff::civil::DateTime;

const BASIS: &str = "QĐ 130/QĐ-BYT Bảng 3 (NGAY_YL, NGAY_TH_YL, NGAY_KQ, SO_LUONG); TT 35/2016/TT-BYT as amended (payment conditions)";

fn minutes(from: DateTime, to: DateTime) -> i64 {
    to.duration_since(from).as_secs() / 60
}

/// Catalogue C101, C106, C136 on one visit.
pub fn check(
    params: &Params,
    reference: Option<&Reference>,
    claim: &Claim,
    masks: super::Masks<'_>,
    found: &mut Found,
) {
    let Ok(limits) = ansinh_rules::health::claims_assessment(params, claim.admitted.date()) else {
        return;
    };
    let durations = Reference::loaded(reference, |l| &l.durations);
    let stay = claim.discharged.map(|out| minutes(claim.admitted, out));
    let mut short = Vec::new();
    let mut long = Vec::new();
    if let Some(list) = durations {
        for (i, l) in claim.lines.iter().enumerate() {
            if !masks.has(i, crate::reference::listed::DURATIONS) {
                continue;
            }
            let at = claim.ordered_at(l);
            let Some(row) = list.on(&l.code, at.date()).next() else {
                continue;
            };
            let ran = l.performed.zip(l.result).map(|(a, b)| minutes(a, b));
            let number = |v: &str| v.parse::<Quantity>().ok().map(|q| q.units() / 1000);
            if let (Some(least), Some(ran)) = (number(&row.cells[0]), ran)
                && least > 0
                && ran < least
            {
                short.push(format!("{} ({ran} < {least} min)", line_ref(l)));
            }
            if let (Some(most), Some(ran)) = (number(&row.cells[2]), ran)
                && most > 0
                && ran > most
            {
                short.push(format!("{} ({ran} > {most} min)", line_ref(l)));
            }
            if let Some(unit) = number(&row.cells[1]).filter(|u| *u > 0) {
                // Quantity × minutes a unit, in thousandths of a unit.
                let billed = l.quantity.units().saturating_mul(unit) / 1000;
                // A unit begun is billed whole: 2 days and 5 hours of ventilation are 3 days.
                if let Some(within) = ran.or(stay)
                    && billed > (within.max(1).saturating_add(unit - 1) / unit).saturating_mul(unit)
                {
                    long.push(format!("{} ({billed} > {within} min)", line_ref(l)));
                }
            }
        }
    }
    // Consultations: of no time, or begun within minutes of another. Collected only when a
    // visit has two: most have one, and nothing is allocated for them.
    let is_exam =
        |l: &&crate::claim::CostLine| l.table == Table::Xml3 && l.group == group::CONSULTATION;
    for l in claim.lines.iter().filter(is_exam) {
        if let (Some(from), Some(to)) = (l.performed, l.result)
            && minutes(from, to) < limits.exam_min_minutes
        {
            short.push(format!("{} ({} min)", line_ref(l), minutes(from, to)));
        }
    }
    let mut close: Vec<String> = Vec::new();
    if claim.lines.iter().filter(is_exam).nth(1).is_some() {
        // Begun: NGAY_TH_YL. Orders at the reception desk may share a minute; examinations not.
        let mut exams: Vec<(DateTime, &crate::claim::CostLine)> = claim
            .lines
            .iter()
            .filter(is_exam)
            .filter_map(|l| Some((l.performed?, l)))
            .collect();
        exams.sort_by_key(|(begun, _)| *begun);
        // One physician cannot examine twice within minutes; two physicians of two
        // departments can.
        fn examiner(l: &crate::claim::CostLine) -> Option<&str> {
            l.detail
                .as_ref()
                .and_then(|d| d.performers().or(d.doctor()))
                .map(str::trim)
        }
        for (i, (from, a)) in exams.iter().enumerate() {
            for (to, b) in &exams[i + 1..] {
                if minutes(*from, *to) >= limits.exam_gap_minutes {
                    break;
                }
                if examiner(a).is_some() && examiner(a) == examiner(b) {
                    close.push(format!("{} & {}", line_ref(a), line_ref(b)));
                }
            }
        }
    }
    if !short.is_empty() {
        let list = short.join(", ");
        found.review(
            "R12.DURATION",
            format!("Thời gian thực hiện ngoài thời gian tối thiểu hoặc tối đa: {list}"),
            format!("Done in less than the least time or more than the most: {list}"),
            Vec::new(),
            BASIS,
        );
    }
    if !long.is_empty() {
        let list = long.join(", ");
        found.review(
            "R12.UNITS",
            format!("Số lượng tính theo thời gian vượt thời gian thực hiện: {list}"),
            format!("A quantity billed in time beyond the time it ran: {list}"),
            Vec::new(),
            BASIS,
        );
    }
    if !close.is_empty() {
        let list = close.join(", ");
        found.review(
            "R12.EXAM_GAP",
            format!(
                "Hai lần khám của cùng một người khám cách nhau dưới {} phút: {list}",
                limits.exam_gap_minutes
            ),
            format!(
                "Two consultations by the same practitioner begun less than {} minutes apart: {list}",
                limits.exam_gap_minutes
            ),
            Vec::new(),
            BASIS,
        );
    }
    burst(limits, claim, found);
}

/// C106: more services than can be done — over `burst_services` ordered within
/// `burst_minutes`, or in an examination visit.
fn burst(limits: &ansinh_rules::health::ClaimsAssessment, claim: &Claim, found: &mut Found) {
    let n = limits.burst_services;
    let service = |l: &&crate::claim::CostLine| {
        l.table == Table::Xml3
            && !group::is_bed(l.group)
            && !matches!(l.group, group::SUPPLY | group::SUPPLY_RATIO)
    };
    if claim.lines.iter().filter(service).nth(n).is_none() {
        return;
    }
    let mut times: Vec<DateTime> = claim
        .lines
        .iter()
        .filter(service)
        .map(|l| claim.ordered_at(l))
        .collect();
    times.sort_unstable();
    // The whole visit for an examination (01); a treatment over days by the window only.
    let crowded = claim.visit_type == "01"
        || times
            .windows(n + 1)
            .any(|w| minutes(w[0], w[n]) < limits.burst_minutes);
    if crowded {
        found.review(
            "R12.BURST",
            format!(
                "Hơn {n} dịch vụ kỹ thuật trong {} phút hoặc trong một lần khám ngoại trú",
                limits.burst_minutes
            ),
            format!(
                "More than {n} technical services within {} minutes or in one outpatient visit",
                limits.burst_minutes
            ),
            Vec::new(),
            BASIS,
        );
    }
}
