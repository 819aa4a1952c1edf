//! Law parameters as dated data: one TOML file per concept under `rules/vn/`.
//!
//! Each file has a header (`concept`, `title_vi`, `title_en`, optional `note`) and a list of
//! `[[values]]` entries. Every entry carries `from` (a date), optional `to` (inclusive, only
//! the last entry may be open-ended), `source` (the legal citation), optional
//! `status = "unconfirmed"` and `note`, plus the fields of its concept. Entries of one concept
//! must follow one another without gap or overlap. Any defect is a [`ParamError`] naming the
//! file, the line and the key.
//!
//! This module never touches the file system: the caller hands in the texts (the CLI reads a
//! `--rules` directory, or uses the copies compiled into the binary, [`EMBEDDED`]).

use ansinh_core::Date;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::ops::Range;
use toml::Spanned;

use crate::compliance::{LateInterestQd595, LatePayment};
use crate::contribution::{
    Amount, ContributionRates, Multiple, OccupationalRates, RegionalMinimumWage, RoundingPolicy,
    VoluntarySupport,
};
use crate::maternity::MaternityParams;
use crate::one_time::OneTimeParams;
use crate::pension::{OddMonths, PensionParams};
use crate::retirement::RetirementAge;
use crate::revaluation::RevaluationTable;
use crate::sickness::SicknessParams;
use crate::survivor::SurvivorParams;
use crate::unemployment::UnemploymentParams;

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
    entries: Vec<Dated<T>>,
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
}

/// Checks a concept's own invariants beyond its types (e.g. four regions, ascending bands).
/// Returns the offending key and the reason.
pub trait Concept: DeserializeOwned {
    fn check(&self) -> Result<(), (String, String)> {
        Ok(())
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    concept: String,
    #[allow(dead_code)]
    title_vi: String,
    #[allow(dead_code)]
    title_en: String,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
    values: Vec<Spanned<toml::Table>>,
}

/// An entry before its concept fields are typed; kept so that overrides can be merged first.
#[derive(Clone, Debug)]
struct RawEntry {
    file: String,
    line: usize,
    /// `(key, line)` for every `key =` seen in the entry's text.
    key_lines: Vec<(String, usize)>,
    from: Date,
    to: Option<Date>,
    source: String,
    unconfirmed: bool,
    note: Option<String>,
    fields: toml::Table,
}

impl RawEntry {
    fn error(&self, key: &str, reason: impl Into<String>) -> ParamError {
        let line = self
            .key_lines
            .iter()
            .find(|(k, _)| k == key)
            .map_or(self.line, |(_, l)| *l);
        ParamError {
            file: self.file.clone(),
            line,
            key: key.to_string(),
            reason: reason.into(),
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// Every `key =` (bare or dotted, also inside inline tables) in a slice of the file.
fn key_lines(text: &str, region: Range<usize>) -> Vec<(String, usize)> {
    let base = line_of(text, region.start);
    let mut found = Vec::new();
    for (i, line) in text[region].lines().enumerate() {
        let code = line.split('#').next().unwrap_or("");
        let bytes = code.as_bytes();
        for (pos, _) in code.match_indices('=') {
            let before = code[..pos].trim_end();
            let start = before
                .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '"'))
                .map_or(0, |p| p + 1);
            let key = before[start..].trim_matches('"');
            if !key.is_empty() && bytes.get(pos + 1) != Some(&b'=') {
                found.push((key.to_string(), base + i));
            }
        }
    }
    found
}

fn parse_file(file: &SourceFile) -> Result<(String, Vec<RawEntry>), ParamError> {
    let fail = |line, key: &str, reason: String| ParamError {
        file: file.name.to_string(),
        line,
        key: key.to_string(),
        reason,
    };
    let raw: RawFile = toml::from_str(file.text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(file.text, s.start));
        let reason = e.message().to_string();
        let key = backticked(&reason).unwrap_or_default();
        fail(line, &key, reason)
    })?;
    let stem = file.name.strip_suffix(".toml").unwrap_or(file.name);
    if raw.concept != stem {
        return Err(fail(
            1,
            "concept",
            format!(
                "concept `{}` does not match the file name `{}`",
                raw.concept, file.name
            ),
        ));
    }
    let starts: Vec<usize> = raw.values.iter().map(|v| v.span().start).collect();
    let mut entries = Vec::with_capacity(raw.values.len());
    for (i, spanned) in raw.values.into_iter().enumerate() {
        let start = spanned.span().start;
        let end = starts.get(i + 1).copied().unwrap_or(file.text.len());
        let entry = raw_entry(file, start..end, spanned.into_inner())?;
        entries.push(entry);
    }
    Ok((raw.concept, entries))
}

/// Splits the common keys (`from`, `to`, `source`, `status`, `note`) off an entry.
fn raw_entry(
    file: &SourceFile,
    region: Range<usize>,
    mut fields: toml::Table,
) -> Result<RawEntry, ParamError> {
    let mut entry = RawEntry {
        file: file.name.to_string(),
        line: line_of(file.text, region.start),
        key_lines: key_lines(file.text, region),
        from: Date::constant(1, 1, 1),
        to: None,
        source: String::new(),
        unconfirmed: false,
        note: None,
        fields: toml::Table::new(),
    };
    entry.from = match fields.remove("from") {
        Some(v) => toml_date(&v).ok_or_else(|| {
            entry.error(
                "from",
                format!("expected a date such as 2026-07-01, found {v}"),
            )
        })?,
        None => {
            return Err(entry.error(
                "from",
                "missing: every entry needs the date it applies from",
            ));
        }
    };
    entry.to = match fields.remove("to") {
        Some(v) => Some(toml_date(&v).ok_or_else(|| {
            entry.error(
                "to",
                format!("expected a date such as 2026-06-30, found {v}"),
            )
        })?),
        None => None,
    };
    if let Some(to) = entry.to
        && to < entry.from
    {
        return Err(entry.error(
            "to",
            format!("ends ({to}) before it starts ({})", entry.from),
        ));
    }
    entry.source = match fields.remove("source") {
        Some(toml::Value::String(s)) if !s.trim().is_empty() => s,
        _ => return Err(entry.error("source", "missing: every value needs its legal citation")),
    };
    entry.unconfirmed = match fields.remove("status") {
        None => false,
        Some(toml::Value::String(s)) if s == "unconfirmed" => true,
        Some(other) => {
            return Err(entry.error(
                "status",
                format!("must be \"unconfirmed\" or absent, found {other}"),
            ));
        }
    };
    entry.note = match fields.remove("note") {
        None => None,
        Some(toml::Value::String(s)) => Some(s),
        Some(other) => return Err(entry.error("note", format!("must be text, found {other}"))),
    };
    entry.fields = fields;
    Ok(entry)
}

fn toml_date(v: &toml::Value) -> Option<Date> {
    match v {
        toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
            let d = dt.date?;
            Date::new(i16::try_from(d.year).ok()?, d.month as i8, d.day as i8).ok()
        }
        _ => None,
    }
}

fn backticked(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_string())
}

fn typed<T: Concept>(entry: &RawEntry) -> Result<T, ParamError> {
    let value = toml::Value::Table(entry.fields.clone());
    let typed: T = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        // toml appends "in `key`" on further lines; the key is reported separately.
        let reason = e
            .inner()
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        let key = match backticked(&reason) {
            Some(k)
                if reason.starts_with("unknown field") || reason.starts_with("missing field") =>
            {
                k
            }
            _ => path.rsplit('.').next().unwrap_or(&path).to_string(),
        };
        let mut err = entry.error(&key, reason);
        if path != "." && !err.key.contains('.') && path.contains('.') {
            err.key = path;
        }
        err
    })?;
    typed
        .check()
        .map_err(|(key, reason)| entry.error(&key, reason))?;
    Ok(typed)
}

fn build<T: Concept>(concept: &'static str, raw: &[RawEntry]) -> Result<Timeline<T>, ParamError> {
    if raw.is_empty() {
        return Err(ParamError {
            file: format!("{concept}.toml"),
            line: 1,
            key: "values".into(),
            reason: "no entries".into(),
        });
    }
    for pair in raw.windows(2) {
        let (prev, next) = (&pair[0], &pair[1]);
        let Some(prev_to) = prev.to else {
            return Err(next.error(
                "from",
                format!(
                    "overlaps the open-ended entry from {} (line {}): give that entry a `to`",
                    prev.from, prev.line
                ),
            ));
        };
        let expected = prev_to
            .tomorrow()
            .map_err(|e| next.error("from", e.to_string()))?;
        if next.from < expected {
            return Err(next.error(
                "from",
                format!(
                    "overlaps the entry from {} to {prev_to} (line {})",
                    prev.from, prev.line
                ),
            ));
        }
        if next.from > expected {
            return Err(next.error(
                "from",
                format!(
                    "leaves a gap after the entry ending {prev_to} (line {}): expected {expected}",
                    prev.line
                ),
            ));
        }
    }
    let entries = raw
        .iter()
        .map(|e| {
            Ok(Dated {
                value: typed::<T>(e)?,
                from: e.from,
                to: e.to,
                source: e.source.clone(),
                unconfirmed: e.unconfirmed,
                note: e.note.clone(),
            })
        })
        .collect::<Result<Vec<_>, ParamError>>()?;
    Ok(Timeline { concept, entries })
}

/// Lays override entries over the law's: each override replaces whatever was in force during
/// its own `[from, to]`, trimming or splitting the entries it overlaps.
fn overlay(base: Vec<RawEntry>, overrides: Vec<RawEntry>) -> Vec<RawEntry> {
    let mut merged = base;
    for o in overrides {
        let mut next = Vec::with_capacity(merged.len() + 2);
        for e in merged {
            let ends_before = e.to.is_some_and(|to| to < o.from);
            let starts_after = o.to.is_some_and(|oto| e.from > oto);
            if ends_before || starts_after {
                next.push(e);
                continue;
            }
            if e.from < o.from {
                let mut head = e.clone();
                head.to = o.from.yesterday().ok();
                next.push(head);
            }
            if let Some(oto) = o.to
                && e.to.is_none_or(|to| to > oto)
            {
                let mut tail = e;
                tail.from = oto.tomorrow().unwrap_or(oto);
                next.push(tail);
            }
        }
        next.push(o);
        next.sort_by_key(|e| e.from);
        merged = next;
    }
    merged
}

/// Parses an overrides file: top-level tables named after concepts, each with `[[<concept>.values]]`.
fn parse_overrides(file: &SourceFile) -> Result<BTreeMap<String, Vec<RawEntry>>, ParamError> {
    let fail = |line, key: &str, reason: String| ParamError {
        file: file.name.to_string(),
        line,
        key: key.to_string(),
        reason,
    };
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Section {
        values: Vec<Spanned<toml::Table>>,
    }
    let doc: BTreeMap<Spanned<String>, Spanned<Section>> =
        toml::from_str(file.text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(file.text, s.start));
            let reason = e.message().to_string();
            fail(line, &backticked(&reason).unwrap_or_default(), reason)
        })?;
    let mut all_starts: Vec<usize> = doc
        .values()
        .flat_map(|s| s.get_ref().values.iter().map(|v| v.span().start))
        .collect();
    all_starts.sort_unstable();
    let mut out = BTreeMap::new();
    for (name, section) in doc {
        let line = line_of(file.text, name.span().start);
        let name = name.into_inner();
        if !CONCEPTS.contains(&name.as_str()) {
            return Err(fail(
                line,
                &name,
                format!("unknown parameter concept; known: {}", CONCEPTS.join(", ")),
            ));
        }
        let mut entries = Vec::new();
        for v in section.into_inner().values {
            let start = v.span().start;
            let end = all_starts
                .iter()
                .copied()
                .find(|&s| s > start)
                .unwrap_or(file.text.len());
            entries.push(raw_entry(file, start..end, v.into_inner())?);
        }
        entries.sort_by_key(|e: &RawEntry| e.from);
        out.insert(name, entries);
    }
    Ok(out)
}

macro_rules! concepts {
    ($($name:ident: $ty:ty),* $(,)?) => {
        /// Every parameter of the Vietnamese rule pack, validated.
        #[derive(Clone, Debug)]
        pub struct Params {
            $(pub $name: Timeline<$ty>,)*
        }

        /// Names of the concepts, i.e. the file stems under `rules/vn/`.
        pub const CONCEPTS: &[&str] = &[$(stringify!($name)),*];

        /// The parameter files of `rules/vn/`, compiled into the binary.
        pub const EMBEDDED: &[SourceFile<'static>] = &[$(SourceFile {
            name: concat!(stringify!($name), ".toml"),
            text: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules/vn/", stringify!($name), ".toml")),
        }),*];

        impl Params {
            fn from_raw(mut raw: BTreeMap<String, Vec<RawEntry>>) -> Result<Params, ParamError> {
                Ok(Params {
                    $($name: build::<$ty>(stringify!($name), &raw.remove(stringify!($name)).unwrap_or_default())?,)*
                })
            }
        }
    };
}

concepts! {
    reference_level: Amount,
    regional_minimum_wage: RegionalMinimumWage,
    rural_poverty_line: Amount,
    si_cap: Multiple,
    si_floor: Multiple,
    ui_cap: Multiple,
    contribution_rates: ContributionRates,
    occupational_rates: OccupationalRates,
    voluntary_support: VoluntarySupport,
    late_payment: LatePayment,
    late_interest_qd595: LateInterestQd595,
    retirement_age: RetirementAge,
    pension: PensionParams,
    odd_months: OddMonths,
    revaluation: RevaluationTable,
    one_time: OneTimeParams,
    sickness: SicknessParams,
    maternity: MaternityParams,
    survivor: SurvivorParams,
    unemployment: UnemploymentParams,
    rounding: RoundingPolicy,
    health_benefit: crate::health::HealthBenefit,
}

impl Params {
    /// Loads and validates a full set of parameter files, then lays `overrides` on top.
    /// Every concept must have exactly one file; unknown files are rejected.
    pub fn load(
        files: &[SourceFile],
        overrides: Option<&SourceFile>,
    ) -> Result<Params, ParamError> {
        let mut raw: BTreeMap<String, Vec<RawEntry>> = BTreeMap::new();
        for file in files {
            let stem = file.name.strip_suffix(".toml").unwrap_or(file.name);
            if !CONCEPTS.contains(&stem) {
                return Err(ParamError {
                    file: file.name.to_string(),
                    line: 1,
                    key: "concept".into(),
                    reason: format!(
                        "unknown parameter file; known concepts: {}",
                        CONCEPTS.join(", ")
                    ),
                });
            }
            let (concept, entries) = parse_file(file)?;
            if raw.insert(concept, entries).is_some() {
                return Err(ParamError {
                    file: file.name.to_string(),
                    line: 1,
                    key: "concept".into(),
                    reason: "concept given twice".into(),
                });
            }
        }
        if let Some(missing) = CONCEPTS.iter().find(|c| !raw.contains_key(**c)) {
            return Err(ParamError {
                file: format!("{missing}.toml"),
                line: 0,
                key: "concept".into(),
                reason: "parameter file missing".into(),
            });
        }
        if let Some(file) = overrides {
            for (concept, entries) in parse_overrides(file)? {
                let base = raw.remove(&concept).unwrap_or_default();
                raw.insert(concept, overlay(base, entries));
            }
        }
        Params::from_raw(raw)
    }

    /// The law as compiled into the binary.
    pub fn embedded() -> Result<Params, ParamError> {
        Params::load(EMBEDDED, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ansinh_core::Dong;

    /// Loads the embedded files with one of them replaced.
    fn load_with(name: &str, text: &str) -> Result<Params, ParamError> {
        let files: Vec<SourceFile> = EMBEDDED
            .iter()
            .map(|f| {
                if f.name == name {
                    SourceFile { name: f.name, text }
                } else {
                    *f
                }
            })
            .collect();
        Params::load(&files, None)
    }

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    const HEADER: &str = "concept = \"reference_level\"\ntitle_vi = \"x\"\ntitle_en = \"x\"\n";

    #[test]
    fn embedded_files_are_valid_and_cover_every_concept() {
        let p = Params::embedded().unwrap();
        assert_eq!(EMBEDDED.len(), CONCEPTS.len());
        assert_eq!(
            p.reference_level
                .at(date("2026-06-30"))
                .unwrap()
                .value
                .amount,
            Dong(2_340_000)
        );
        assert_eq!(
            p.reference_level
                .at(date("2026-07-01"))
                .unwrap()
                .value
                .amount,
            Dong(2_530_000)
        );
        assert!(
            p.reference_level
                .at(date("2026-07-01"))
                .unwrap()
                .unconfirmed
        );
        assert_eq!(
            p.regional_minimum_wage
                .at(date("2025-12-31"))
                .unwrap()
                .value
                .monthly[0],
            Dong(4_960_000)
        );
        assert_eq!(
            p.regional_minimum_wage
                .at(date("2026-01-01"))
                .unwrap()
                .value
                .monthly[0],
            Dong(5_310_000)
        );
    }

    #[test]
    fn a_date_before_the_first_entry_is_missing() {
        let p = Params::embedded().unwrap();
        let err = p.reference_level.at(date("2016-04-30")).unwrap_err();
        assert_eq!(err.first, Some(date("2016-05-01")));
        assert!(err.to_string().contains("reference_level"));
    }

    #[test]
    fn overlap_is_reported_with_file_line_and_key() {
        let text = format!(
            "{HEADER}\n[[values]]\nfrom = 2024-07-01\nto = 2026-06-30\namount = 1\nsource = \"a\"\n\n[[values]]\nfrom = 2026-06-01\namount = 2\nsource = \"b\"\n"
        );
        let err = load_with("reference_level.toml", &text).unwrap_err();
        assert_eq!(
            (err.file.as_str(), err.line, err.key.as_str()),
            ("reference_level.toml", 12, "from")
        );
        assert!(err.reason.contains("overlaps"), "{}", err.reason);
    }

    #[test]
    fn gap_is_reported() {
        let text = format!(
            "{HEADER}\n[[values]]\nfrom = 2024-07-01\nto = 2026-05-31\namount = 1\nsource = \"a\"\n\n[[values]]\nfrom = 2026-07-01\namount = 2\nsource = \"b\"\n"
        );
        let err = load_with("reference_level.toml", &text).unwrap_err();
        assert_eq!((err.line, err.key.as_str()), (12, "from"));
        assert!(
            err.reason.contains("gap") && err.reason.contains("2026-06-01"),
            "{}",
            err.reason
        );
    }

    #[test]
    fn unknown_key_in_an_entry_is_reported_on_its_line() {
        let text = format!(
            "{HEADER}\n[[values]]\nfrom = 2024-07-01\namount = 1\namuont = 2\nsource = \"a\"\n"
        );
        let err = load_with("reference_level.toml", &text).unwrap_err();
        assert_eq!((err.line, err.key.as_str()), (8, "amuont"));
        assert!(err.reason.contains("unknown field"), "{}", err.reason);
    }

    #[test]
    fn unknown_key_in_the_header_is_reported() {
        let text = format!(
            "{HEADER}colour = \"red\"\n[[values]]\nfrom = 2024-07-01\namount = 1\nsource = \"a\"\n"
        );
        let err = load_with("reference_level.toml", &text).unwrap_err();
        assert_eq!((err.line, err.key.as_str()), (4, "colour"));
    }

    #[test]
    fn negative_rate_is_reported_with_its_nested_key() {
        let original = EMBEDDED
            .iter()
            .find(|f| f.name == "occupational_rates.toml")
            .unwrap()
            .text;
        let text = original.replace("reduced = \"0.3%\"", "reduced = \"-0.3%\"");
        let err = load_with("occupational_rates.toml", &text).unwrap_err();
        assert_eq!(err.key, "reduced");
        assert_eq!(
            err.line,
            1 + original
                .lines()
                .position(|l| l.starts_with("reduced"))
                .unwrap()
        );
        assert!(err.reason.contains("negative"), "{}", err.reason);
        let rates = EMBEDDED
            .iter()
            .find(|f| f.name == "contribution_rates.toml")
            .unwrap()
            .text;
        let err = load_with(
            "contribution_rates.toml",
            &rates.replace("health = \"1.5%\"", "health = \"-1.5%\""),
        )
        .unwrap_err();
        assert!(
            err.key.ends_with("health") && err.reason.contains("negative"),
            "{err}"
        );
    }

    #[test]
    fn missing_source_open_ended_middle_and_wrong_concept_are_refused() {
        let no_source = format!("{HEADER}\n[[values]]\nfrom = 2024-07-01\namount = 1\n");
        assert_eq!(
            load_with("reference_level.toml", &no_source)
                .unwrap_err()
                .key,
            "source"
        );
        let open_middle = format!(
            "{HEADER}\n[[values]]\nfrom = 2024-07-01\namount = 1\nsource = \"a\"\n\n[[values]]\nfrom = 2026-07-01\namount = 2\nsource = \"b\"\n"
        );
        assert!(
            load_with("reference_level.toml", &open_middle)
                .unwrap_err()
                .reason
                .contains("open-ended")
        );
        let wrong = HEADER.replace("\"reference_level\"", "\"si_cap\"")
            + "[[values]]\nfrom = 2024-07-01\namount = 1\nsource = \"a\"\n";
        assert_eq!(
            load_with("reference_level.toml", &wrong).unwrap_err().key,
            "concept"
        );
        let bad_date =
            format!("{HEADER}\n[[values]]\nfrom = \"July\"\namount = 1\nsource = \"a\"\n");
        assert_eq!(
            load_with("reference_level.toml", &bad_date)
                .unwrap_err()
                .line,
            6
        );
    }

    #[test]
    fn a_missing_or_unknown_file_is_refused() {
        let files: Vec<SourceFile> = EMBEDDED
            .iter()
            .copied()
            .filter(|f| f.name != "si_cap.toml")
            .collect();
        assert_eq!(Params::load(&files, None).unwrap_err().file, "si_cap.toml");
        let mut files = EMBEDDED.to_vec();
        files.push(SourceFile {
            name: "pension_bonus.toml",
            text: "",
        });
        assert_eq!(
            Params::load(&files, None).unwrap_err().file,
            "pension_bonus.toml"
        );
    }

    #[test]
    fn an_override_replaces_only_its_own_period() {
        let text = "[si_cap]\n[[si_cap.values]]\nfrom = 2027-01-01\nto = 2027-12-31\nmultiple = 30\nsource = \"reform scenario A\"\n";
        let over = SourceFile {
            name: "scenario.toml",
            text,
        };
        let p = Params::load(EMBEDDED, Some(&over)).unwrap();
        assert_eq!(p.si_cap.at(date("2026-12-31")).unwrap().value.multiple, 20);
        assert_eq!(p.si_cap.at(date("2027-06-01")).unwrap().value.multiple, 30);
        assert_eq!(
            p.si_cap.at(date("2027-06-01")).unwrap().source,
            "reform scenario A"
        );
        assert_eq!(p.si_cap.at(date("2028-01-01")).unwrap().value.multiple, 20);
        let open = "[[reference_level.values]]\nfrom = 2027-01-01\namount = 3_000_000\nsource = \"scenario\"\n";
        let p = Params::load(
            EMBEDDED,
            Some(&SourceFile {
                name: "s.toml",
                text: open,
            }),
        )
        .unwrap();
        assert_eq!(
            p.reference_level
                .at(date("2030-01-01"))
                .unwrap()
                .value
                .amount,
            Dong(3_000_000)
        );
        assert_eq!(
            p.reference_level
                .at(date("2026-12-31"))
                .unwrap()
                .value
                .amount,
            Dong(2_530_000)
        );
    }

    #[test]
    fn a_bad_override_names_its_file_and_key() {
        let text = "[[si_kap.values]]\nfrom = 2027-01-01\nmultiple = 30\nsource = \"x\"\n";
        let err = Params::load(
            EMBEDDED,
            Some(&SourceFile {
                name: "scenario.toml",
                text,
            }),
        )
        .unwrap_err();
        assert_eq!(
            (err.file.as_str(), err.key.as_str()),
            ("scenario.toml", "si_kap")
        );
        let text = "[[si_cap.values]]\nfrom = 2027-01-01\nmultiple = -3\nsource = \"x\"\n";
        let err = Params::load(
            EMBEDDED,
            Some(&SourceFile {
                name: "scenario.toml",
                text,
            }),
        )
        .unwrap_err();
        assert_eq!(
            (err.file.as_str(), err.line, err.key.as_str()),
            ("scenario.toml", 3, "multiple")
        );
    }
}
