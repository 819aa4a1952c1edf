//! Rule R10 over the visits of a file, for what one person or thing cannot do twice at once
//! (trùng giường, trùng máy, trùng người thực hiện): the same bed of a department billed at the
//! full ratio for two patients whose times overlap (C109), the same machine doing two procedures
//! or functional tests at once (C110), the same surgeon in two operations at once (C111). Each
//! visit concerned goes to a human; which of the two is wrong is not the machine's to say.

use super::{group, line_ref};
use crate::assess::Finding;
use crate::claim::{Claim, LineText, Table};
use crate::decimal::Percent;
use jiff::civil::DateTime;

/// What is used, by whom it is named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Bed,
    Machine,
    Surgeon,
}

impl Kind {
    /// Its name in Vietnamese and English.
    pub fn text(self) -> (&'static str, &'static str) {
        match self {
            Kind::Bed => ("giường", "bed"),
            Kind::Machine => ("máy", "machine"),
            Kind::Surgeon => ("phẫu thuật viên", "surgeon"),
        }
    }
}

/// One line's use of a bed, machine or surgeon over its times (NGAY_TH_YL to NGAY_KQ).
#[derive(Clone, Debug, PartialEq)]
pub struct Use {
    pub kind: Kind,
    /// The facility and the resource's code (a bed with its department).
    pub resource: String,
    pub from: DateTime,
    pub to: DateTime,
    pub line: String,
}

/// The uses of a visit's lines that have both times (none for most generated lines).
pub fn uses(claim: &Claim) -> Vec<Use> {
    let mut out = Vec::new();
    for l in &claim.lines {
        let (Some(d), Some(from), Some(to)) = (l.detail.as_ref(), l.performed, l.result) else {
            continue;
        };
        if l.table != Table::Xml3 || to <= from {
            continue;
        }
        let mut add = |kind, code: &str| {
            out.push(Use {
                kind,
                resource: format!("{}/{code}", claim.facility),
                from,
                to,
                line: line_ref(l),
            })
        };
        if l.group == group::BED_INPATIENT
            && l.service_ratio == Percent::HUNDRED
            && let Some(bed) = d.bed()
        {
            let department = d.get(LineText::Department).unwrap_or("");
            add(Kind::Bed, &format!("{department}/{bed}"));
        }
        if matches!(l.group, group::PROCEDURE | group::FUNCTIONAL)
            && let Some(machine) = d.machine()
        {
            add(Kind::Machine, machine.trim());
        }
        if l.group == group::SURGERY
            && let Some(performers) = d.performers()
            && let Some(surgeon) = performers.split(';').map(str::trim).find(|p| !p.is_empty())
        {
            add(Kind::Surgeon, surgeon);
        }
    }
    out
}

/// The visits of a file (by index) whose uses overlap another visit's use of the same bed,
/// machine or surgeon, each with its finding.
pub fn overlaps(visits: &[Vec<Use>]) -> Vec<(usize, Finding)> {
    let mut all: Vec<(usize, &Use)> = visits
        .iter()
        .enumerate()
        .flat_map(|(i, uses)| uses.iter().map(move |u| (i, u)))
        .collect();
    if all.len() < 2 {
        return Vec::new();
    }
    all.sort_by(|a, b| {
        (a.1.kind, &a.1.resource, a.1.from).cmp(&(b.1.kind, &b.1.resource, b.1.from))
    });
    // For each visit, what it clashed with: (kind, resource, its line, the other visit).
    let mut clashes: std::collections::BTreeMap<usize, Vec<String>> = Default::default();
    let mut active: Vec<(usize, &Use)> = Vec::new();
    for (i, u) in &all {
        active.retain(|(_, a)| a.kind == u.kind && a.resource == u.resource && a.to > u.from);
        for (j, a) in &active {
            if j != i {
                let (_, en) = u.kind.text();
                clashes.entry(*i).or_default().push(format!(
                    "{en} {} {} & visit {} {}",
                    u.resource,
                    u.line,
                    j + 1,
                    a.line
                ));
                clashes.entry(*j).or_default().push(format!(
                    "{en} {} {} & visit {} {}",
                    a.resource,
                    a.line,
                    i + 1,
                    u.line
                ));
            }
        }
        active.push((*i, u));
    }
    clashes
        .into_iter()
        .map(|(i, list)| {
            let text = list.join("; ");
            (
                i,
                super::finding(
                    "R10.RESOURCE",
                    format!("Trùng giường/máy/người thực hiện cùng thời gian với hồ sơ khác: {text}"),
                    format!("A bed, machine or surgeon used at the same time in another visit: {text}"),
                    Vec::new(),
                    "QĐ 130/QĐ-BYT Bảng 3 (MA_GIUONG, MA_MAY, NGUOI_THUC_HIEN, NGAY_TH_YL, NGAY_KQ)",
                ),
            )
        })
        .collect()
}
