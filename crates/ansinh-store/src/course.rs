//! The course of an employment as its append-only events tell it.

use ansinh_core::{Date, Month};

/// Events applied in order: a `leave` ends the employment (the latest one wins); a `suspend`
/// opens a suspension that the next `resume` closes (the day of return is not suspended).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Course {
    pub end: Option<Date>,
    /// (first day suspended, day of return) for each suspension, oldest first.
    pub suspensions: Vec<(Date, Option<Date>)>,
    /// Whether each suspension is sick leave (ốm đau), by the reason its declaration gave.
    pub sick_leave: Vec<bool>,
}

/// Whether a suspension's reason is sick leave: `sickness` or `ốm đau` (`om_dau`).
pub fn is_sick_leave(reason: Option<&str>) -> bool {
    reason.is_some_and(|r| {
        let r = r.trim().to_lowercase();
        r == "sickness" || r == "ốm đau" || r == "om_dau" || r == "om dau"
    })
}

impl Course {
    pub fn apply(&mut self, event: &str, date: Date) {
        self.apply_with_reason(event, date, None);
    }

    /// [`Course::apply`] with the reason the declaration gave (a suspension for sick leave).
    pub fn apply_with_reason(&mut self, event: &str, date: Date, reason: Option<&str>) {
        match event {
            "leave" => self.end = Some(date),
            "suspend" => {
                self.suspensions.push((date, None));
                self.sick_leave.push(is_sick_leave(reason));
            }
            "resume" => {
                if let Some(open) = self.suspensions.last_mut().filter(|s| s.1.is_none()) {
                    open.1 = Some(date);
                }
            }
            _ => {}
        }
    }

    /// The suspensions that leave days of `month` unpaid. Sick leave that begins in the worker's
    /// first month, or in the month they came back from an earlier suspension, does not: that
    /// month is still contributed for (L41 Art. 33.6).
    pub fn unpaid_suspensions(&self, month: Month, start: Date) -> Vec<(Date, Option<Date>)> {
        self.suspensions
            .iter()
            .enumerate()
            .filter(|(i, (from, _))| {
                let sick = self.sick_leave.get(*i).copied().unwrap_or(false);
                let first_month = Month::of(*from) == month
                    && (Month::of(start) == month
                        || self.suspensions[..*i]
                            .iter()
                            .any(|(_, back)| back.is_some_and(|b| Month::of(b) == month)));
                !(sick && first_month)
            })
            .map(|(_, s)| *s)
            .collect()
    }

    /// First day of the suspension still running, if any.
    pub fn suspended_since(&self) -> Option<Date> {
        self.suspensions
            .last()
            .filter(|s| s.1.is_none())
            .map(|s| s.0)
    }

    /// `ended`, `suspended` or `active`.
    pub fn status(&self) -> &'static str {
        match (self.end, self.suspended_since()) {
            (Some(_), _) => "ended",
            (None, Some(_)) => "suspended",
            (None, None) => "active",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suspension_resume_and_leave() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let mut c = Course::default();
        c.apply("suspend", d("2026-05-01"));
        assert_eq!(
            (c.status(), c.suspended_since()),
            ("suspended", Some(d("2026-05-01")))
        );
        c.apply("resume", d("2026-11-01"));
        assert_eq!(c.status(), "active");
        assert_eq!(
            c.suspensions,
            vec![(d("2026-05-01"), Some(d("2026-11-01")))]
        );
        c.apply("leave", d("2026-12-31"));
        assert_eq!((c.status(), c.end), ("ended", Some(d("2026-12-31"))));
    }

    #[test]
    fn sick_leave_in_the_first_month_still_counts_as_paid() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let m = |s: &str| s.parse::<Month>().unwrap();
        let start = d("2026-03-02");
        let mut c = Course::default();
        c.apply_with_reason("suspend", d("2026-03-05"), Some("sickness"));
        c.apply("resume", d("2026-04-01"));
        // First month of work: the sick leave does not make March unpaid.
        assert!(c.unpaid_suspensions(m("2026-03"), start).is_empty());
        // Sick again in June, not a first month: June's days are unpaid.
        c.apply_with_reason("suspend", d("2026-06-01"), Some("ốm đau"));
        c.apply("resume", d("2026-07-01"));
        assert_eq!(c.unpaid_suspensions(m("2026-06"), start).len(), 2);
        // Maternity leave in the first month is unpaid as usual.
        let mut c = Course::default();
        c.apply_with_reason("suspend", d("2026-03-05"), Some("maternity"));
        assert_eq!(c.unpaid_suspensions(m("2026-03"), start).len(), 1);
        // Sick leave in the month of return from an earlier suspension: still paid.
        let mut c = Course::default();
        c.apply_with_reason("suspend", d("2026-05-01"), Some("maternity"));
        c.apply("resume", d("2026-09-01"));
        c.apply_with_reason("suspend", d("2026-09-03"), Some("sickness"));
        assert_eq!(c.unpaid_suspensions(m("2026-09"), start).len(), 1);
    }
}
