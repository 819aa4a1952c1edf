//! What an employer sees of a person's record: its own employments of them, and the months,
//! salaries and cards of the periods it employed them — never their work for other employers
//! (Decree 13/2023 on personal data: processing limited to its purpose; L41 Art. 22 for the
//! agency's duty of confidentiality). Staff and the insured person themself see it whole.
//!
//! The access table ([`crate::access::RULES`]) decides whether an employer may open a person's
//! record at all (it employs or employed them); this module cuts what the record shows.

use crate::access::Principal;
use ansinh_core::Role;
use ansinh_store::Employment;
use ansinh_store::assessment::ContributionHistory;
use ansinh_store::card::HealthCard;

/// The employer whose view applies, when the caller is an employer's user.
pub fn employer_of(caller: &Principal) -> Option<&str> {
    match caller.user.role {
        Role::Employer => caller.user.employer_code.as_deref(),
        _ => None,
    }
}

/// The employments of `code` only.
pub fn employments(all: Vec<Employment>, code: &str) -> Vec<Employment> {
    all.into_iter()
        .filter(|e| e.employer_code.eq_ignore_ascii_case(code))
        .collect()
}

/// The months paid through `code` only; counts and totals are of those months.
pub fn history(mut h: ContributionHistory, code: &str) -> ContributionHistory {
    h.months
        .retain(|m| m.employer_code.eq_ignore_ascii_case(code));
    h.months_for_pension = h.months.iter().filter(|m| m.pension).count() as i64;
    h.months_for_unemployment = h.months.iter().filter(|m| m.unemployment).count() as i64;
    h.employee_total = h.months.iter().map(|m| m.employee_total).sum();
    h.employer_total = h.months.iter().map(|m| m.employer_total).sum();
    h
}

/// The cards valid at some time while `code` employed the person.
pub fn cards(all: Vec<HealthCard>, employments: &[Employment]) -> Vec<HealthCard> {
    all.into_iter()
        .filter(|c| {
            employments.iter().any(|e| {
                let card_ends_after_start = c
                    .valid_to
                    .as_deref()
                    .is_none_or(|to| to >= e.start_date.as_str());
                let card_starts_before_end = e
                    .end_date
                    .as_deref()
                    .is_none_or(|end| c.valid_from.as_str() <= end);
                card_ends_after_start && card_starts_before_end
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn employment(code: &str, start: &str, end: Option<&str>) -> Employment {
        Employment {
            employment_id: format!("x-{code}"),
            person_sin: "7900000001".into(),
            employer_code: code.into(),
            start_date: start.into(),
            end_date: end.map(str::to_string),
            status: "active".into(),
            contract_kind: "indefinite".into(),
            contract_months: None,
            participant: "employee".into(),
            events: Vec::new(),
            salaries: Vec::new(),
        }
    }

    fn card(from: &str, to: Option<&str>) -> HealthCard {
        HealthCard {
            card_code: format!("DN4{from}"),
            group: "DN".into(),
            benefit_digit: 4,
            valid_from: from.into(),
            valid_to: to.map(str::to_string),
            person_sin: None,
            initial_facility: "79001".into(),
            issued_at: from.into(),
        }
    }

    #[test]
    fn only_the_employers_own_periods_are_kept() {
        let all = vec![
            employment("DV1", "2019-01-01", Some("2021-12-31")),
            employment("DV2", "2022-01-01", None),
        ];
        let own = employments(all, "dv1");
        assert_eq!(own.len(), 1);
        assert_eq!(own[0].employer_code, "DV1");
        let kept = cards(
            vec![
                card("2020-01-01", Some("2020-12-31")),
                card("2023-01-01", Some("2023-12-31")),
                card("2021-06-01", None),
            ],
            &own,
        );
        let froms: Vec<&str> = kept.iter().map(|c| c.valid_from.as_str()).collect();
        assert_eq!(froms, ["2020-01-01", "2021-06-01"]);
    }
}
