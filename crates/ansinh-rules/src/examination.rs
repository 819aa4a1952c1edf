//! Compliance examinations (kiểm tra chuyên ngành) and, before 1 Jul 2025, specialised
//! inspections (thanh tra chuyên ngành) of an employer's payment: the states a case goes
//! through, the transitions allowed, the kind of a case by its date and its time limits.
//!
//! Workflow: Law on Inspection 84/2025/QH15 and Decree 217/2025/NĐ-CP (preparation, decision,
//! announcement, fieldwork, report, conclusion, handling, follow-up); L41 Art. 17.5 (as amended
//! by Law 84/2025 Art. 62.1) for the agency's power to examine.

use crate::params::{Concept, MissingParam, Params};
use ansinh_core::Date;
use serde::{Deserialize, Serialize};

/// Where a case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Planned,
    Decided,
    Announced,
    Fieldwork,
    Reported,
    Concluded,
    Remedy,
    Sanction,
    FollowUp,
    Closed,
    ReferredInspectorate,
    ReferredPolice,
    Complaint,
}

pub const STATES: &[CaseState] = &[
    CaseState::Planned,
    CaseState::Decided,
    CaseState::Announced,
    CaseState::Fieldwork,
    CaseState::Reported,
    CaseState::Concluded,
    CaseState::Remedy,
    CaseState::Sanction,
    CaseState::FollowUp,
    CaseState::Closed,
    CaseState::ReferredInspectorate,
    CaseState::ReferredPolice,
    CaseState::Complaint,
];

impl CaseState {
    /// From the conclusion to the follow-up: the unit owes what the conclusion recommended, and
    /// its payments and the reminders sent to it are recorded on the case (Decree 217/2025,
    /// follow-up of an examination's conclusion).
    pub fn in_recovery(self) -> bool {
        matches!(
            self,
            CaseState::Concluded | CaseState::Remedy | CaseState::Sanction | CaseState::FollowUp
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Planned => "planned",
            CaseState::Decided => "decided",
            CaseState::Announced => "announced",
            CaseState::Fieldwork => "fieldwork",
            CaseState::Reported => "reported",
            CaseState::Concluded => "concluded",
            CaseState::Remedy => "remedy",
            CaseState::Sanction => "sanction",
            CaseState::FollowUp => "follow_up",
            CaseState::Closed => "closed",
            CaseState::ReferredInspectorate => "referred_inspectorate",
            CaseState::ReferredPolice => "referred_police",
            CaseState::Complaint => "complaint",
        }
    }

    pub fn parse(s: &str) -> Option<CaseState> {
        STATES.iter().copied().find(|x| x.as_str() == s)
    }

    /// Vietnamese name of the state, as the agency's documents say it.
    pub fn vi(self) -> &'static str {
        match self {
            CaseState::Planned => "Trong kế hoạch",
            CaseState::Decided => "Đã ban hành quyết định",
            CaseState::Announced => "Đã công bố quyết định",
            CaseState::Fieldwork => "Đang kiểm tra tại đơn vị",
            CaseState::Reported => "Đã báo cáo kết quả",
            CaseState::Concluded => "Đã có kết luận",
            CaseState::Remedy => "Đang khắc phục (truy thu, thu hồi)",
            CaseState::Sanction => "Xử phạt vi phạm hành chính",
            CaseState::FollowUp => "Theo dõi thực hiện kết luận",
            CaseState::Closed => "Đã kết thúc",
            CaseState::ReferredInspectorate => "Chuyển cơ quan thanh tra",
            CaseState::ReferredPolice => "Chuyển cơ quan điều tra",
            CaseState::Complaint => "Có khiếu nại",
        }
    }

    /// Whether findings may still be recorded: from the decision to the end of fieldwork (a
    /// report sent back to fieldwork takes findings again).
    pub fn takes_findings(self) -> bool {
        matches!(
            self,
            CaseState::Decided | CaseState::Announced | CaseState::Fieldwork
        )
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            CaseState::Closed | CaseState::ReferredInspectorate | CaseState::ReferredPolice
        )
    }
}

/// The states a case may move to from `from` (Law 84/2025 Art. 46–60 as the procedure of
/// Decree 217/2025 applies it: preparation → decision → announcement → fieldwork → report →
/// conclusion → handling → follow-up; referral to an inspectorate or, on signs of a crime such
/// as Penal Code Art. 216, to the investigation body; a complaint against the conclusion, L41
/// Art. 129.2).
pub fn next_states(from: CaseState) -> &'static [CaseState] {
    use CaseState::*;
    match from {
        Planned => &[Decided, Closed],
        Decided => &[Announced, ReferredInspectorate],
        Announced => &[Fieldwork, ReferredInspectorate],
        Fieldwork => &[Reported, ReferredInspectorate, ReferredPolice],
        Reported => &[Concluded, Fieldwork, ReferredPolice],
        Concluded => &[
            Remedy,
            Sanction,
            FollowUp,
            Closed,
            Complaint,
            ReferredPolice,
        ],
        Remedy => &[Sanction, FollowUp, ReferredPolice],
        Sanction => &[FollowUp, ReferredPolice],
        FollowUp => &[Closed, ReferredPolice],
        Complaint => &[Concluded, Closed],
        Closed | ReferredInspectorate | ReferredPolice => &[],
    }
}

/// A transition out of order, naming where the case stands and where it may go.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a case {} cannot move to {}; from {} it may move to: {}", .from.as_str(), .to.as_str(), .from.as_str(), allowed(*.from))]
pub struct TransitionError {
    pub from: CaseState,
    pub to: CaseState,
}

fn allowed(from: CaseState) -> String {
    let next = next_states(from);
    if next.is_empty() {
        "nothing (the case is over)".into()
    } else {
        next.iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Checks one transition of the workflow ([`next_states`]).
pub fn transition(from: CaseState, to: CaseState) -> Result<CaseState, TransitionError> {
    if next_states(from).contains(&to) {
        Ok(to)
    } else {
        Err(TransitionError { from, to })
    }
}

/// The statute a case falls under by its decision date: specialised inspection by the
/// agency (Decree 21/2016) until 30 Jun 2025, specialised examination only from 1 Jul 2025
/// (Law on Inspection 84/2025 Art. 62.1; Decree 217/2025).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// Kiểm tra (chuyên ngành).
    Examination,
    /// Thanh tra chuyên ngành (historic).
    Inspection,
}

impl CaseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::Examination => "examination",
            CaseKind::Inspection => "inspection",
        }
    }
}

/// The first day on which the agency may only examine (Law 84/2025 in force).
pub const EXAMINATION_ONLY_FROM: Date = Date::constant(2025, 7, 1);

/// The kind a case takes: `requested` when given and allowed on `date`, else examination.
/// Inspection is refused from 1 Jul 2025 (Law on Inspection 84/2025 Art. 62.1).
pub fn kind_on(date: Date, requested: Option<CaseKind>) -> Result<CaseKind, KindError> {
    match requested {
        Some(CaseKind::Inspection) if date >= EXAMINATION_ONLY_FROM => Err(KindError(date)),
        Some(k) => Ok(k),
        None => Ok(CaseKind::Examination),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "the agency no longer performs specialised inspection on {0}: from 1 Jul 2025 it examines (Law on Inspection 84/2025 Art. 62.1; Decree 217/2025)"
)]
pub struct KindError(pub Date);

/// Fieldwork days by level and kind: `[normal, complex]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeLimits {
    pub examination_provincial: [i64; 2],
    pub examination_central: [i64; 2],
    pub inspection_provincial: [i64; 2],
    pub inspection_central: [i64; 2],
    pub conclusion_days: i64,
    pub remedy_days: i64,
}

impl Concept for TimeLimits {}

/// Who decided the case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Provincial,
    Central,
}

/// The last day of fieldwork allowed for a case decided on `decided` (QĐ 1518/QĐ-BHXH, as
/// carried over under Decree 217/2025: calendar days counted from the day after the decision).
pub fn fieldwork_deadline(
    params: &Params,
    decided: Date,
    kind: CaseKind,
    level: Level,
    complex: bool,
) -> Result<(Date, i64), MissingParam> {
    let limits = &params.examination_time_limits.at(decided)?.value;
    let pair = match (kind, level) {
        (CaseKind::Examination, Level::Provincial) => limits.examination_provincial,
        (CaseKind::Examination, Level::Central) => limits.examination_central,
        (CaseKind::Inspection, Level::Provincial) => limits.inspection_provincial,
        (CaseKind::Inspection, Level::Central) => limits.inspection_central,
    };
    let days = if complex { pair[1] } else { pair[0] };
    Ok((decided + jiff::Span::new().days(days), days))
}

/// The day by which a concluded case's remedy is due (the conclusion's time limit, a parameter).
pub fn remedy_deadline(params: &Params, concluded: Date) -> Result<Date, MissingParam> {
    let limits = &params.examination_time_limits.at(concluded)?.value;
    Ok(concluded + jiff::Span::new().days(limits.remedy_days))
}

/// When a trade union is offered the lawsuit dossier on its employer's arrears (L41 Art. 14.1;
/// the threshold is configuration, `rules/vn/union_lawsuit.toml`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnionLawsuit {
    pub min_days_past_deadline: i64,
    pub min_unpaid: i64,
}

impl Concept for UnionLawsuit {}

/// Whether a month unpaid `days_past` days after its deadline for `unpaid` đồng lets the
/// trade union sue (L41 Art. 14.1 with the configured threshold).
pub fn union_may_sue(p: &UnionLawsuit, days_past: i64, unpaid: i64) -> bool {
    days_past > p.min_days_past_deadline && unpaid >= p.min_unpaid && unpaid > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_path_is_allowed_and_a_skip_is_refused_naming_the_next_states() {
        use CaseState::*;
        let path = [
            Planned, Decided, Announced, Fieldwork, Reported, Concluded, Remedy, Sanction,
            FollowUp, Closed,
        ];
        for w in path.windows(2) {
            assert_eq!(transition(w[0], w[1]), Ok(w[1]));
        }
        let err = transition(Planned, Concluded).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("planned") && text.contains("decided"),
            "{text}"
        );
        assert!(
            transition(Closed, Planned)
                .unwrap_err()
                .to_string()
                .contains("over")
        );
    }

    #[test]
    fn inspection_is_refused_from_july_2025() {
        let before = Date::constant(2025, 6, 30);
        let after = Date::constant(2025, 7, 1);
        assert_eq!(
            kind_on(before, Some(CaseKind::Inspection)),
            Ok(CaseKind::Inspection)
        );
        assert!(kind_on(after, Some(CaseKind::Inspection)).is_err());
        assert_eq!(kind_on(after, None), Ok(CaseKind::Examination));
    }

    #[test]
    fn a_provincial_examination_has_25_days_or_40_when_complex() {
        // E1.5: announced 2 Mar 2024 → 27 Mar 2024 / 11 Apr 2024.
        let p = Params::embedded().unwrap();
        let d = Date::constant(2024, 3, 2);
        let normal = fieldwork_deadline(&p, d, CaseKind::Examination, Level::Provincial, false);
        let complex = fieldwork_deadline(&p, d, CaseKind::Examination, Level::Provincial, true);
        assert_eq!(normal.unwrap(), (Date::constant(2024, 3, 27), 25));
        assert_eq!(complex.unwrap(), (Date::constant(2024, 4, 11), 40));
    }

    #[test]
    fn the_union_may_sue_only_past_the_configured_delay_and_for_an_unpaid_amount() {
        let p = Params::embedded().unwrap();
        let t = p
            .union_lawsuit
            .at(Date::constant(2026, 12, 1))
            .unwrap()
            .value
            .clone();
        assert_eq!(t.min_days_past_deadline, 60);
        assert!(!union_may_sue(&t, 60, 1_000_000));
        assert!(union_may_sue(&t, 61, 1_000_000));
        assert!(!union_may_sue(&t, 200, 0));
        // Before Law 41 took effect the parameter does not exist.
        assert!(p.union_lawsuit.at(Date::constant(2025, 6, 30)).is_err());
    }
}
