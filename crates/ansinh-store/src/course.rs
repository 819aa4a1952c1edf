//! The course of an employment as its append-only events tell it.

use ansinh_core::Date;

/// Events applied in order: a `leave` ends the employment (the latest one wins); a `suspend`
/// opens a suspension that the next `resume` closes (the day of return is not suspended).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Course {
    pub end: Option<Date>,
    /// (first day suspended, day of return) for each suspension, oldest first.
    pub suspensions: Vec<(Date, Option<Date>)>,
}

impl Course {
    pub fn apply(&mut self, event: &str, date: Date) {
        match event {
            "leave" => self.end = Some(date),
            "suspend" => self.suspensions.push((date, None)),
            "resume" => {
                if let Some(open) = self.suspensions.last_mut().filter(|s| s.1.is_none()) {
                    open.1 = Some(date);
                }
            }
            _ => {}
        }
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
}
