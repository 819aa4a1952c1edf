//! Dated values (the timeline of a parameter): what every jurisdiction's law is made of.
//!
//! A parameter is a list of values, each in force from a date to a date and carrying its legal
//! citation; the framework finds the value in force on a day and says so when none is.

use ansinh_core::Date;
use serde::de::DeserializeOwned;

/// A parameter file's name and text, as read by the caller.
#[derive(Clone, Copy, Debug)]
pub struct SourceFile<'a> {
    /// File name, e.g. `reference_level.toml` (its stem is the concept name).
    pub name: &'a str,
    pub text: &'a str,
}

/// A defect in a parameter file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}, line {line}, key `{key}`: {reason}")]
pub struct ParamError {
    pub file: String,
    pub line: usize,
    pub key: String,
    pub reason: String,
}

/// No entry of a concept covers the date asked for.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no value of parameter `{concept}` is in force on {date}{}", first_hint(.first))]
pub struct MissingParam {
    pub concept: &'static str,
    pub date: Date,
    pub first: Option<Date>,
}

fn first_hint(first: &Option<Date>) -> String {
    match first {
        Some(d) => format!(" (the law encoded here starts on {d})"),
        None => String::new(),
    }
}

/// One value of a concept with its validity and citation.
#[derive(Clone, Debug, PartialEq)]
pub struct Dated<T> {
    pub value: T,
    pub from: Date,
    /// Last day in force (inclusive); `None` = until changed.
    pub to: Option<Date>,
    pub source: String,
    pub unconfirmed: bool,
    pub note: Option<String>,
}

impl<T> Dated<T> {
    /// The citation as shown in explanations, flagged when the value is unconfirmed.
    /// Written where it is used, not built apart: explanations cite parameters millions of times.
    pub fn citation(&self) -> impl std::fmt::Display + '_ {
        struct Citation<'a>(&'a str, bool);
        impl std::fmt::Display for Citation<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0)?;
                if self.1 {
                    f.write_str(" [UNCONFIRMED]")?;
                }
                Ok(())
            }
        }
        Citation(&self.source, self.unconfirmed)
    }

    pub fn covers(&self, date: Date) -> bool {
        self.from <= date && self.to.is_none_or(|to| date <= to)
    }
}

/// All values of one concept, ordered, contiguous.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline<T> {
    pub concept: &'static str,
    pub(crate) entries: Vec<Dated<T>>,
}

impl<T> Timeline<T> {
    /// The value in force on `date`.
    pub fn at(&self, date: Date) -> Result<&Dated<T>, MissingParam> {
        let idx = self.entries.partition_point(|e| e.from <= date);
        idx.checked_sub(1)
            .map(|i| &self.entries[i])
            .filter(|e| e.covers(date))
            .ok_or(MissingParam {
                concept: self.concept,
                date,
                first: self.entries.first().map(|e| e.from),
            })
    }

    pub fn entries(&self) -> &[Dated<T>] {
        &self.entries
    }

    /// Each entry's validity and citation, whatever its type (for listings).
    pub fn summary(&self) -> Vec<EntrySummary> {
        self.entries
            .iter()
            .map(|e| EntrySummary {
                from: e.from,
                to: e.to,
                source: e.source.clone(),
                unconfirmed: e.unconfirmed,
            })
            .collect()
    }
}

/// An entry of a parameter without its value: when and by what law it is in force.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct EntrySummary {
    pub from: Date,
    pub to: Option<Date>,
    pub source: String,
    pub unconfirmed: bool,
}

/// Checks a concept's own invariants beyond its types (e.g. four regions, ascending bands).
/// Returns the offending key and the reason.
pub trait Concept: DeserializeOwned {
    fn check(&self) -> Result<(), (String, String)> {
        Ok(())
    }
}
