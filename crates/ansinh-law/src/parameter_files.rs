//! Parameter files: one TOML file per concept in a jurisdiction's folder (`rules/vn/`,
//! `rules/la/`), read, validated and laid under overrides the same way for every jurisdiction.
//!
//! Each file has a header (`concept`, `title_vi`/`title_en` or `title_local`/`title_en`,
//! optional `note`) and a list of `[[values]]` entries. Every entry carries `from` (a date),
//! optional `to` (inclusive, only the last entry may be open-ended), `source` (the legal
//! citation), optional `status = "unconfirmed"` and `note`, plus the fields of its concept.
//! Entries of one concept follow one another without gap or overlap. Any defect is a
//! [`ParamError`] naming the file, the line and the key.
//!
//! This module never touches the file system: the caller hands in the texts.

use crate::timeline::{Concept, Dated, ParamError, SourceFile, Timeline};
use ansinh_core::Date;
use std::collections::BTreeMap;
use std::ops::Range;
use toml::Spanned;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    concept: String,
    // The title in the jurisdiction's language (Vietnamese files say `title_vi`, Lao ones
    // `title_lo`) and in English; read for the reader of the file, not by the rules.
    #[serde(default)]
    #[allow(dead_code)]
    title_vi: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    title_lo: Option<String>,
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
fn parse_overrides(
    file: &SourceFile,
    concepts: &[&str],
) -> Result<BTreeMap<String, Vec<RawEntry>>, ParamError> {
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
        if !concepts.contains(&name.as_str()) {
            return Err(fail(
                line,
                &name,
                format!("unknown parameter concept; known: {}", concepts.join(", ")),
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

/// A jurisdiction's parameter files, read and checked, before each concept is typed.
pub struct ParameterFiles {
    raw: BTreeMap<String, Vec<RawEntry>>,
}

impl ParameterFiles {
    /// Reads a full set of parameter files (every concept exactly once, nothing unknown), then
    /// lays `overrides` on top: each override replaces whatever was in force during its own
    /// `[from, to]`, trimming or splitting the entries it overlaps.
    pub fn load(
        files: &[SourceFile],
        overrides: Option<&SourceFile>,
        concepts: &[&str],
    ) -> Result<ParameterFiles, ParamError> {
        let mut raw: BTreeMap<String, Vec<RawEntry>> = BTreeMap::new();
        for file in files {
            let stem = file.name.strip_suffix(".toml").unwrap_or(file.name);
            if !concepts.contains(&stem) {
                return Err(ParamError {
                    file: file.name.to_string(),
                    line: 1,
                    key: "concept".into(),
                    reason: format!(
                        "unknown parameter file; known concepts: {}",
                        concepts.join(", ")
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
        if let Some(missing) = concepts.iter().find(|c| !raw.contains_key(**c)) {
            return Err(ParamError {
                file: format!("{missing}.toml"),
                line: 0,
                key: "concept".into(),
                reason: "parameter file missing".into(),
            });
        }
        if let Some(file) = overrides {
            for (concept, entries) in parse_overrides(file, concepts)? {
                let base = raw.remove(&concept).unwrap_or_default();
                raw.insert(concept, overlay(base, entries));
            }
        }
        Ok(ParameterFiles { raw })
    }

    /// The typed, contiguous timeline of one concept.
    pub fn timeline<T: Concept>(
        &mut self,
        concept: &'static str,
    ) -> Result<Timeline<T>, ParamError> {
        build::<T>(concept, &self.raw.remove(concept).unwrap_or_default())
    }
}

/// Declares a jurisdiction's parameter pack: the struct holding one [`Timeline`] per concept,
/// the concept names (the file stems), the files compiled into the binary from the package's
/// folder, and `load`/`embedded`.
///
/// ```ignore
/// ansinh_law::parameter_pack! {
///     /// Every parameter of the Lao package.
///     pub struct LaoParams in "/../../rules/la/" {
///         contribution_rates: ContributionRates,
///     }
/// }
/// ```
#[macro_export]
macro_rules! parameter_pack {
    ($(#[$meta:meta])* $vis:vis struct $params:ident in $folder:literal { $($name:ident: $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug)]
        $vis struct $params {
            $(pub $name: $crate::timeline::Timeline<$ty>,)*
        }

        impl $params {
            /// Names of the concepts, i.e. the file stems of the package's folder.
            pub const CONCEPTS: &'static [&'static str] = &[$(stringify!($name)),*];

            /// The package's parameter files, compiled into the binary.
            pub const EMBEDDED: &'static [$crate::timeline::SourceFile<'static>] = &[$($crate::timeline::SourceFile {
                name: concat!(stringify!($name), ".toml"),
                text: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), $folder, stringify!($name), ".toml")),
            }),*];

            /// Loads and validates a full set of parameter files, then lays `overrides` on top.
            /// Every concept must have exactly one file; unknown files are rejected.
            pub fn load(
                files: &[$crate::timeline::SourceFile],
                overrides: Option<&$crate::timeline::SourceFile>,
            ) -> Result<$params, $crate::timeline::ParamError> {
                let mut files = $crate::parameter_files::ParameterFiles::load(files, overrides, Self::CONCEPTS)?;
                Ok($params {
                    $($name: files.timeline::<$ty>(stringify!($name))?,)*
                })
            }

            /// Every concept, in file order, with its entries' validity and citations.
            pub fn summary(&self) -> Vec<(&'static str, Vec<$crate::timeline::EntrySummary>)> {
                vec![$((stringify!($name), self.$name.summary()),)*]
            }

            /// The law as compiled into the binary.
            pub fn embedded() -> Result<$params, $crate::timeline::ParamError> {
                Self::load(Self::EMBEDDED, None)
            }
        }
    };
}
