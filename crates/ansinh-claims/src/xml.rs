//! Reading a claims file of QĐ 130/QĐ-BYT (amended by QĐ 4750): the envelope `GIAMDINHHS`, one
//! `HOSO` per visit, each with `FILEHOSO` entries whose `NOIDUNGFILE` is the Base64 of an inner
//! UTF-8 XML table (XML1 summary, XML2 drugs, XML3 services and supplies; the other tables are kept
//! as they came).
//!
//! Strict on structure, and every defect is reported with the visit key (`MA_LK`), the table, the
//! field and the reason. A broken visit does not stop the others: the file gives one outcome per
//! `HOSO`. Only a file that is not the envelope at all is refused as a whole.

use crate::claim::{Claim, Defect, Fields, LineField, SummaryField, Table};
use crate::records::{Records, records};
use base64::Engine;
use quick_xml::Reader;
use quick_xml::events::Event;
use std::borrow::Cow;

/// What one file may hold, enforced while it is read (a file beyond them is refused whole,
/// before it can fill memory or the store): the standard's own sizes where it has them
/// (MA_CSKCB is 5 characters, the tables are XML1 to XML15 of QĐ 130 as amended by QĐ 4750),
/// otherwise far above any real file.
pub mod limits {
    /// Characters of `MACSKCB`, the facility code of the envelope (5 in QĐ 130).
    pub const FACILITY_CHARS: usize = 20;
    /// Characters of a `LOAIHOSO` (`XML1` … `XML15`).
    pub const KIND_CHARS: usize = 16;
    /// `FILEHOSO` tables of one `HOSO` (15 kinds in QĐ 4750).
    pub const TABLES_PER_VISIT: usize = 32;
    /// Bytes of one table's Base64 (`NOIDUNGFILE`): 64 MiB, some 200,000 cost lines.
    pub const TABLE_BYTES: usize = 64 << 20;
    /// Visits (`HOSO`) of one file: a national day is about 600,000.
    pub const VISITS: usize = 5_000_000;
    /// Bytes of one field of an inner table (the standard's longest texts, diagnoses and
    /// notes, are a few hundred characters): a longer one is a defect of its visit, and its
    /// text is neither kept nor repeated in the answer.
    pub const FIELD_BYTES: usize = 4_096;
}

/// Why a whole file is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("{element} has more than {limit} {unit} (visit {visit})")]
    TooLarge {
        element: &'static str,
        limit: usize,
        unit: &'static str,
        /// Which visit of the file, from 1 (0: the envelope itself).
        visit: usize,
    },
    #[error("visit {visit}: a HOSO without a FILEHOSO holding its LOAIHOSO and NOIDUNGFILE")]
    EmptyVisit { visit: usize },
    #[error("the root element is in namespace `{0}`: GIAMDINHHS of QĐ 130 has none")]
    Namespace(String),
    #[error("not well-formed XML at byte {position}: {reason}")]
    Xml { position: u64, reason: String },
    #[error("the root element is `{0}`, not GIAMDINHHS")]
    Root(String),
    #[error("the file has no root element")]
    Empty,
    /// An envelope with no HOSO at all (an empty root, an empty DANHSACHHOSO): nothing to
    /// assess, and "0 visits" would pass for a file assessed (issue 18, 6; catalogue C162).
    #[error("the envelope holds no visit: DANHSACHHOSO has no HOSO")]
    NoVisits,
}

/// What is wrong with a file's envelope that does not stop its visits from being read: said
/// with the answer instead of passed over (issue 18, 6; catalogue C162).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Notice {
    pub code: &'static str,
    pub field: &'static str,
    pub text_vi: String,
    pub text_en: String,
}

/// The envelope of a file as read: the facility it names and what is wrong with it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Head {
    pub facility: Option<String>,
    /// NGAYLAP: the day the facility made the file (what the sending time is read against).
    pub made: Option<ansinh_core::Date>,
    pub notices: Vec<Notice>,
}

/// One visit of a file: its claim, or what is wrong with it.
#[derive(Clone, Debug, PartialEq)]
pub enum Visit {
    Read(Box<Claim>),
    Broken {
        /// `MA_LK` when it could be read.
        key: Option<String>,
        defects: Vec<Defect>,
    },
}

/// A parsed file: the facility that sent it and its visits in order.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub facility: Option<String>,
    pub notices: Vec<Notice>,
    pub visits: Vec<Visit>,
}

fn xml_error(reader: &Reader<&[u8]>, e: impl ToString) -> FileError {
    FileError::Xml {
        position: reader.buffer_position(),
        reason: e.to_string(),
    }
}

/// Reads a claims file.
pub fn parse_file(bytes: &[u8]) -> Result<File, FileError> {
    let (head, visits) = map_visits(bytes, |files| visit(files))?;
    Ok(File {
        facility: head.facility,
        notices: head.notices,
        visits,
    })
}

/// One visit's files as (LOAIHOSO, NOIDUNGFILE still encoded), borrowed from the file's bytes
/// (a body is copied only when it came in pieces), so that a file is not held twice.
pub type Files<'a> = Vec<(Cow<'a, str>, Cow<'a, [u8]>)>;

/// Maps `f` over the visits of a file on every core while the envelope is still being read
/// (a visit does not depend on another), keeping their order; gives the envelope too.
pub fn map_visits<'a, U: Send>(
    bytes: &'a [u8],
    f: impl Fn(&[(Cow<'a, str>, Cow<'a, [u8]>)]) -> U + Sync,
) -> Result<(Head, Vec<U>), FileError> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    if workers <= 1 {
        let mut out = Vec::new();
        let head = read_envelope(bytes, |files| out.push(f(&files)))?;
        return Ok((head, out));
    }
    // The workers take turns at the envelope, a batch of visits each, and assess their batch
    // while another reads on: the Base64 of a batch is still in the core's cache when it is
    // decoded (a reading thread of its own had it read twice from memory, and switched
    // threads). Batches are numbered so that their results can be put back in order; a batch
    // is small enough that the cores stay evenly busy.
    const BATCH: usize = 128;
    struct Turn<'a> {
        envelope: Envelope<'a>,
        next: usize,
        /// Why the envelope was refused, if it was: the workers stop.
        refused: Option<FileError>,
    }
    let turn = std::sync::Mutex::new(Turn {
        envelope: Envelope::new(bytes),
        next: 0,
        refused: None,
    });
    let mut parts = std::thread::scope(|scope| {
        let (f, turn) = (&f, &turn);
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let (n, batch) = {
                            let mut t = turn.lock().unwrap_or_else(|e| e.into_inner());
                            if t.refused.is_some() {
                                break;
                            }
                            let mut batch: Vec<Files<'a>> = Vec::with_capacity(BATCH);
                            while batch.len() < BATCH {
                                match t.envelope.next_visit() {
                                    Ok(Some(files)) => batch.push(files),
                                    Ok(None) => break,
                                    Err(e) => {
                                        t.refused = Some(e);
                                        break;
                                    }
                                }
                            }
                            if batch.is_empty() || t.refused.is_some() {
                                break;
                            }
                            t.next += 1;
                            (t.next - 1, batch)
                        };
                        done.push((n, batch.iter().map(|files| f(files)).collect::<Vec<U>>()));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect::<Vec<(usize, Vec<U>)>>()
    });
    let turn = turn.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(e) = turn.refused {
        return Err(e);
    }
    parts.sort_unstable_by_key(|(n, _)| *n);
    // Sized once: growing a vector of a million results copies them again and again.
    let mut all = Vec::with_capacity(parts.iter().map(|(_, v)| v.len()).sum());
    for (_, part) in parts {
        all.extend(part);
    }
    Ok((turn.envelope.head(), all))
}

/// Reads the envelope of a claims file, giving each visit's files to `visit` as soon as its
/// `HOSO` closes; returns the envelope's facility and notices.
pub fn read_envelope<'a>(
    bytes: &'a [u8],
    mut visit: impl FnMut(Files<'a>),
) -> Result<Head, FileError> {
    let mut envelope = Envelope::new(bytes);
    while let Some(files) = envelope.next_visit()? {
        visit(files);
    }
    Ok(envelope.head())
}

/// The reading of an envelope, a visit at a time (so that the cores can take turns at it).
pub struct Envelope<'a> {
    reader: Reader<&'a [u8]>,
    path: Vec<Tag>,
    facility: Option<String>,
    /// The current HOSO: its files as (LOAIHOSO, NOIDUNGFILE).
    hoso: Option<Files<'a>>,
    file_kind: Cow<'a, str>,
    file_body: Cow<'a, [u8]>,
    /// Whether the current FILEHOSO has its LOAIHOSO and NOIDUNGFILE.
    file_parts: (bool, bool),
    seen_root: bool,
    /// Visits begun so far (for limits and messages).
    visits: usize,
    /// SOLUONGHOSO as sent: the visits the sender says the file holds.
    declared: Option<String>,
    /// NGAYLAP as sent.
    made: Option<String>,
    /// FILEHOSO met outside any HOSO: tables of no visit.
    stray_files: usize,
}

impl<'a> Envelope<'a> {
    pub fn new(bytes: &'a [u8]) -> Envelope<'a> {
        let mut reader = Reader::from_reader(bytes);
        reader.config_mut().trim_text(true);
        Envelope {
            reader,
            path: Vec::new(),
            facility: None,
            hoso: None,
            file_kind: Cow::Borrowed(""),
            file_body: Cow::Borrowed(&[]),
            file_parts: (false, false),
            seen_root: false,
            visits: 0,
            declared: None,
            made: None,
            stray_files: 0,
        }
    }

    /// MACSKCB, once the envelope is read (an empty one is no facility).
    pub fn facility(&self) -> Option<String> {
        self.facility.clone().filter(|f| !f.is_empty())
    }

    /// The facility and what is wrong with the envelope, once it is read: no MACSKCB, a
    /// SOLUONGHOSO that is not the number of visits sent (a file cut between two visits reads
    /// well-formed), FILEHOSO outside any HOSO (QĐ 130/QĐ-BYT, the envelope; catalogue C162).
    pub fn head(&self) -> Head {
        let mut notices = Vec::new();
        let facility = self.facility();
        if facility.is_none() {
            notices.push(Notice {
                code: "S.ENVELOPE_FACILITY",
                field: "MACSKCB",
                text_vi: "Tệp không có MACSKCB (mã cơ sở KCB gửi hồ sơ)".into(),
                text_en: "The file has no MACSKCB (the code of the sending facility)".into(),
            });
        }
        let sent = self.visits;
        match self.declared.as_deref().map(str::trim) {
            None | Some("") => notices.push(Notice {
                code: "S.ENVELOPE_COUNT",
                field: "SOLUONGHOSO",
                text_vi: format!("Tệp không có SOLUONGHOSO; đã gửi {sent} hồ sơ"),
                text_en: format!("The file has no SOLUONGHOSO; {sent} visits were sent"),
            }),
            Some(text) => match text.parse::<usize>() {
                Ok(n) if n == sent => {}
                Ok(n) => notices.push(Notice {
                    code: "S.ENVELOPE_COUNT",
                    field: "SOLUONGHOSO",
                    text_vi: format!("SOLUONGHOSO = {n} nhưng tệp có {sent} hồ sơ"),
                    text_en: format!("SOLUONGHOSO says {n} visits but the file holds {sent}"),
                }),
                Err(_) => notices.push(Notice {
                    code: "S.ENVELOPE_COUNT",
                    field: "SOLUONGHOSO",
                    text_vi: format!("SOLUONGHOSO `{text}` không phải là số; tệp có {sent} hồ sơ"),
                    text_en: format!(
                        "SOLUONGHOSO `{text}` is not a number; the file holds {sent} visits"
                    ),
                }),
            },
        }
        if self.stray_files > 0 {
            let n = self.stray_files;
            notices.push(Notice {
                code: "S.ENVELOPE_STRAY",
                field: "FILEHOSO",
                text_vi: format!(
                    "{n} FILEHOSO nằm ngoài HOSO: không thuộc hồ sơ nào, không được đọc"
                ),
                text_en: format!(
                    "{n} FILEHOSO outside any HOSO: they belong to no visit and were not read"
                ),
            });
        }
        // NGAYLAP is yyyyMMdd; its first eight characters are read.
        let made = self
            .made
            .as_deref()
            .and_then(|t| t.trim().get(..8))
            .and_then(crate::claim::parse_day);
        Head {
            facility,
            made,
            notices,
        }
    }

    /// The files of the next visit; none at the end of a well-formed envelope.
    pub fn next_visit(&mut self) -> Result<Option<Files<'a>>, FileError> {
        let Envelope {
            reader,
            path,
            facility,
            hoso,
            file_kind,
            file_body,
            file_parts,
            seen_root,
            visits,
            declared,
            made,
            stray_files,
        } = self;
        let too_large = |element, limit, unit, visit| FileError::TooLarge {
            element,
            limit,
            unit,
            visit,
        };
        loop {
            match reader.read_event().map_err(|e| xml_error(reader, e))? {
                Event::Start(e) => {
                    let tag = Tag::of(e.name().as_ref());
                    if path.is_empty() {
                        if tag != Tag::Root {
                            return Err(FileError::Root(
                                String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                            ));
                        }
                        // The standard's envelope has no namespace: another one is another
                        // document that happens to use the same name.
                        for a in e.attributes().flatten() {
                            let key = a.key.as_ref();
                            if key == b"xmlns" || key.starts_with(b"xmlns:") {
                                let value = String::from_utf8_lossy(&a.value).into_owned();
                                let schema_instance = value
                                    == "http://www.w3.org/2001/XMLSchema-instance"
                                    || value == "http://www.w3.org/2001/XMLSchema";
                                if key == b"xmlns" || !schema_instance {
                                    return Err(FileError::Namespace(value));
                                }
                            }
                        }
                        *seen_root = true;
                    }
                    match tag {
                        Tag::Visit => {
                            *visits += 1;
                            if *visits > limits::VISITS {
                                return Err(too_large("the file", limits::VISITS, "HOSO", 0));
                            }
                            *hoso = Some(Vec::with_capacity(3))
                        }
                        // Its text may come in pieces (around a reference); a second one replaces it.
                        Tag::Facility => *facility = Some(String::new()),
                        Tag::Count => *declared = Some(String::new()),
                        Tag::Made => *made = Some(String::new()),
                        Tag::File => {
                            *file_kind = Cow::Borrowed("");
                            *file_body = Cow::Borrowed(&[]);
                            *file_parts = (false, false);
                        }
                        Tag::Kind => file_parts.0 = true,
                        Tag::Content => file_parts.1 = true,
                        _ => {}
                    }
                    path.push(tag);
                }
                Event::End(_) => match path.pop() {
                    Some(Tag::File) if hoso.is_none() => *stray_files += 1,
                    Some(Tag::File) => {
                        if let Some(files) = hoso.as_mut() {
                            if *file_parts != (true, true) {
                                return Err(FileError::EmptyVisit { visit: *visits });
                            }
                            if files.len() >= limits::TABLES_PER_VISIT {
                                return Err(too_large(
                                    "HOSO",
                                    limits::TABLES_PER_VISIT,
                                    "FILEHOSO",
                                    *visits,
                                ));
                            }
                            files.push((std::mem::take(file_kind), std::mem::take(file_body)));
                        }
                    }
                    Some(Tag::Visit) => {
                        if let Some(files) = hoso.take() {
                            if files.is_empty() {
                                return Err(FileError::EmptyVisit { visit: *visits });
                            }
                            return Ok(Some(files));
                        }
                    }
                    Some(Tag::Facility)
                        if facility
                            .as_ref()
                            .is_some_and(|f| f.chars().count() > limits::FACILITY_CHARS) =>
                    {
                        return Err(too_large(
                            "MACSKCB",
                            limits::FACILITY_CHARS,
                            "characters",
                            0,
                        ));
                    }
                    Some(Tag::Kind) if file_kind.chars().count() > limits::KIND_CHARS => {
                        return Err(too_large(
                            "LOAIHOSO",
                            limits::KIND_CHARS,
                            "characters",
                            *visits,
                        ));
                    }
                    Some(Tag::Content) if file_body.len() > limits::TABLE_BYTES => {
                        return Err(too_large(
                            "NOIDUNGFILE",
                            limits::TABLE_BYTES,
                            "bytes",
                            *visits,
                        ));
                    }
                    _ => {}
                },
                Event::Text(t) if path.last() == Some(&Tag::Content) => {
                    // Base64 has no markup characters: the text is taken as it stands, borrowed.
                    // (quick-xml gives an escaped character, `&#65;`, as a reference of its own.)
                    let text = match t.into_inner() {
                        Cow::Borrowed(b) => Cow::Borrowed(b.trim_ascii()),
                        Cow::Owned(b) => Cow::Owned(b.trim_ascii().to_vec()),
                    };
                    append(file_body, text);
                }
                Event::Text(t) => {
                    // No references in it: quick-xml gives them apart (below).
                    let text = t.decode().map_err(|e| xml_error(reader, e))?;
                    match path.last() {
                        Some(Tag::Kind) => match text {
                            // Borrowed from the file: a kind is read for every table of every visit.
                            Cow::Borrowed(kind) if file_kind.is_empty() => {
                                *file_kind = Cow::Borrowed(kind.trim())
                            }
                            _ => file_kind.to_mut().push_str(text.trim()),
                        },
                        Some(Tag::Facility) => {
                            facility.get_or_insert_default().push_str(text.trim())
                        }
                        Some(Tag::Count) => declared.get_or_insert_default().push_str(text.trim()),
                        Some(Tag::Made) => made.get_or_insert_default().push_str(text.trim()),
                        _ => {}
                    }
                }
                Event::GeneralRef(r) => {
                    // A character a sender escaped (`&#65;`, `&amp;`): a piece of the text around
                    // it. Before quick-xml 0.38 gave references apart, they were part of the text.
                    let name = r.decode().map_err(|e| xml_error(reader, e))?;
                    let reference = format!("&{name};");
                    let plain = quick_xml::escape::unescape(&reference)
                        .map_err(|e| xml_error(reader, e))?;
                    match path.last() {
                        Some(Tag::Content) => {
                            append(file_body, Cow::Owned(plain.as_bytes().to_vec()))
                        }
                        Some(Tag::Kind) => file_kind.to_mut().push_str(&plain),
                        Some(Tag::Facility) => facility.get_or_insert_default().push_str(&plain),
                        _ => {}
                    }
                }
                Event::CData(t) if path.last() == Some(&Tag::Content) => {
                    let text = t.into_inner();
                    let text = match text {
                        Cow::Borrowed(b) => Cow::Borrowed(b.trim_ascii()),
                        Cow::Owned(b) => Cow::Owned(b.trim_ascii().to_vec()),
                    };
                    append(file_body, text);
                }
                Event::Empty(e) if path.is_empty() && Tag::of(e.name().as_ref()) == Tag::Root => {
                    return Err(FileError::NoVisits);
                }
                Event::Empty(e) if path.is_empty() => {
                    return Err(FileError::Root(
                        String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                    ));
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if !*seen_root {
            return Err(FileError::Empty);
        }
        // quick-xml ends at the end of the bytes whether or not the root was closed: a file cut
        // short (a transfer that stopped) would read as the visits before the cut.
        if !path.is_empty() {
            return Err(FileError::Xml {
                position: reader.buffer_position(),
                reason: "the file ends before its elements are closed (cut short?)".to_string(),
            });
        }
        if *visits == 0 {
            return Err(FileError::NoVisits);
        }
        Ok(None)
    }
}

/// The elements of the envelope that matter (the others are only nested).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    Root,
    Facility,
    Count,
    Visit,
    File,
    Kind,
    Content,
    Made,
    Other,
}

impl Tag {
    fn of(name: &[u8]) -> Tag {
        match name {
            b"GIAMDINHHS" => Tag::Root,
            b"MACSKCB" => Tag::Facility,
            b"SOLUONGHOSO" => Tag::Count,
            b"NGAYLAP" => Tag::Made,
            b"HOSO" => Tag::Visit,
            b"FILEHOSO" => Tag::File,
            b"LOAIHOSO" => Tag::Kind,
            b"NOIDUNGFILE" => Tag::Content,
            _ => Tag::Other,
        }
    }
}

/// Adds a piece of a body: the first piece stays borrowed, later ones are joined in a copy.
fn append<'a>(body: &mut Cow<'a, [u8]>, piece: Cow<'a, [u8]>) {
    if body.is_empty() {
        *body = piece;
    } else {
        body.to_mut().extend_from_slice(&piece);
    }
}

/// Builds one visit from its files.
pub fn visit(files: &[(Cow<'_, str>, Cow<'_, [u8]>)]) -> Visit {
    thread_local! {
        /// Each worker's buffer for a visit's decoded tables, used again by the next visit
        /// (the typed claim keeps nothing of it).
        static DECODED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    DECODED.with(|cell| {
        let mut buffer = cell.take();
        buffer.clear();
        let read = visit_in(files, &mut buffer);
        cell.replace(buffer);
        read
    })
}

/// [`visit`], the tables it reads decoded into `buffer`.
fn visit_in(files: &[(Cow<'_, str>, Cow<'_, [u8]>)], buffer: &mut Vec<u8>) -> Visit {
    let mut defects = Vec::new();
    let mut decoded: Vec<(Table, &str, std::ops::Range<usize>)> = Vec::with_capacity(3);
    let mut others = Vec::new();
    for (kind, body) in files {
        let Some(table) = Table::from_kind(kind) else {
            // Tables this release does not assess are kept as sent.
            let mut inner = Vec::new();
            match decode_base64(body, &mut inner) {
                Ok(()) => others.push((kind.to_string(), inner)),
                Err(e) => defects.push(not_base64(kind, e)),
            }
            continue;
        };
        let start = buffer.len();
        match decode_base64(body, buffer) {
            Ok(()) => decoded.push((table, kind, start..buffer.len())),
            Err(e) => defects.push(not_base64(kind, e)),
        }
    }
    let mut summary: Option<Records> = None;
    let mut drugs = Records::empty::<LineField>();
    let mut services = Records::empty::<LineField>();
    for (table, kind, range) in &decoded {
        let inner = &buffer[range.clone()];
        // Checked 32 bytes at a time (simdutf8); std says where it breaks when it does.
        let text = simdutf8::basic::from_utf8(inner).map_err(|_| std::str::from_utf8(inner));
        let rows = match text {
            Ok(text) => match table {
                Table::Xml1 => records::<SummaryField>(text, table.record_tag()),
                _ => records::<LineField>(text, table.record_tag()),
            },
            Err(Err(e)) => Err(format!("not UTF-8: {e}")),
            Err(Ok(_)) => Err("not UTF-8".to_string()),
        };
        match rows {
            Ok(rows) => match table {
                Table::Xml1 => {
                    if rows.len() != 1 {
                        defects.push(Defect::new(
                            None,
                            kind,
                            "TONG_HOP",
                            format!("{} summary records; exactly one expected", rows.len()),
                        ));
                    }
                    summary = Some(rows);
                }
                Table::Xml2 => drugs = rows,
                Table::Xml3 => services = rows,
            },
            Err(reason) => defects.push(Defect::new(None, kind, table.record_tag(), reason)),
        }
    }
    // The last summary record when there are several (a defect already says so).
    let Some(summary) = summary
        .as_ref()
        .and_then(|rows| rows.get(rows.len().checked_sub(1)?))
        .map(Fields::<SummaryField>::new)
    else {
        if !defects.iter().any(|d| d.table == "XML1") {
            defects.push(Defect::new(
                None,
                "XML1",
                "TONG_HOP",
                "no XML1 summary in the visit",
            ));
        }
        return Visit::Broken { key: None, defects };
    };
    let key = summary.get(SummaryField::MA_LK).map(str::to_string);
    for d in &mut defects {
        d.key.clone_from(&key);
    }
    match Claim::from_fields(summary, &drugs, &services, others) {
        Ok(claim) if defects.is_empty() => Visit::Read(Box::new(claim)),
        Ok(_) => Visit::Broken { key, defects },
        Err(more) => {
            defects.extend(more);
            Visit::Broken { key, defects }
        }
    }
}

/// Appends the bytes of a table's Base64 to `buffer`, as XML Schema's base64Binary reads it:
/// whitespace anywhere is not data, so a body wrapped at 64 or 76 columns (MIME, PEM; LF or
/// CRLF), as real exports send it, decodes to the same bytes. The unwrapped body, most files,
/// decodes in one pass; only a body that fails is read again without its whitespace. On
/// failure `buffer` is as it was.
fn decode_base64(body: &[u8], buffer: &mut Vec<u8>) -> Result<(), base64_simd::Error> {
    let start = buffer.len();
    match base64_simd::STANDARD.decode_append(body, buffer) {
        Ok(()) => Ok(()),
        Err(e) => {
            buffer.truncate(start);
            if !body.iter().any(u8::is_ascii_whitespace) {
                return Err(e);
            }
            let compact: Vec<u8> = body
                .iter()
                .copied()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            base64_simd::STANDARD
                .decode_append(&compact, buffer)
                .inspect_err(|_| buffer.truncate(start))
        }
    }
}

fn not_base64(kind: &str, e: base64_simd::Error) -> Defect {
    Defect::new(None, kind, "NOIDUNGFILE", format!("not Base64: {e}"))
}

/// Writes a claims file: the envelope around each visit's tables, Base64-encoded. Used by the
/// generator and the tests; what a facility's software sends.
pub fn write_file(facility: &str, date: &str, visits: &[Vec<(&str, String)>]) -> String {
    let mut out = envelope_head(facility, date, visits.len());
    for tables in visits {
        out.push_str(&visit_xml(tables));
    }
    out.push_str(ENVELOPE_TAIL);
    out
}

/// The start of an envelope announcing `count` visits; the visits ([`visit_xml`]) and
/// [`ENVELOPE_TAIL`] follow. Lets a writer stream a file visit by visit.
pub fn envelope_head(facility: &str, date: &str, count: usize) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<GIAMDINHHS><THONGTINDONVI><MACSKCB>{facility}</MACSKCB></THONGTINDONVI><THONGTINHOSO><NGAYLAP>{date}</NGAYLAP><SOLUONGHOSO>{count}</SOLUONGHOSO><DANHSACHHOSO>"
    )
}

/// The end of an envelope.
pub const ENVELOPE_TAIL: &str = "</DANHSACHHOSO></THONGTINHOSO></GIAMDINHHS>\n";

/// One visit (`HOSO`): its tables, each Base64-encoded in a `FILEHOSO`.
pub fn visit_xml(tables: &[(&str, String)]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut out = String::from("<HOSO>");
    for (kind, xml) in tables {
        out.push_str(&format!(
            "<FILEHOSO><LOAIHOSO>{kind}</LOAIHOSO><NOIDUNGFILE>{}</NOIDUNGFILE></FILEHOSO>",
            b64.encode(xml.as_bytes())
        ));
    }
    out.push_str("</HOSO>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of `n` visits whose MA_LK are 0, 1, 2…
    fn numbered(n: usize) -> String {
        let visits: Vec<Vec<(&str, String)>> = (0..n)
            .map(|i| vec![("XML1", format!("<TONG_HOP><MA_LK>{i}</MA_LK></TONG_HOP>"))])
            .collect();
        write_file("79001", "20250331", &visits)
    }

    #[test]
    fn visits_come_back_in_file_order_across_batches() {
        let text = numbered(700);
        let file = parse_file(text.as_bytes()).unwrap();
        let keys: Vec<String> = file
            .visits
            .iter()
            .map(|v| match v {
                Visit::Broken { key, .. } => key.clone().unwrap_or_default(),
                Visit::Read(c) => c.key.clone(),
            })
            .collect();
        let expected: Vec<String> = (0..700).map(|i| i.to_string()).collect();
        assert_eq!(keys, expected);
        assert_eq!(file.facility.as_deref(), Some("79001"));
    }

    #[test]
    fn escaped_characters_read_as_plain_and_an_unknown_entity_refuses_the_file() {
        let plain = numbered(3);
        let body = base64::engine::general_purpose::STANDARD
            .encode("<TONG_HOP><MA_LK>1</MA_LK></TONG_HOP>");
        // Four characters escaped: dropped, the rest would still decode (to other bytes).
        let mut escaped_body = body.clone();
        for c in ['P', 'R', 'x', 'L'] {
            escaped_body = escaped_body.replacen(c, &format!("&#{};", u32::from(c)), 1);
        }
        assert_eq!(escaped_body.matches("&#").count(), 4, "{escaped_body}");
        let escaped = plain
            .replacen(&body, &escaped_body, 1)
            .replacen("<LOAIHOSO>XML1", "<LOAIHOSO>&#88;ML1", 1)
            .replacen("<MACSKCB>79001", "<MACSKCB>&#55;9001", 1);
        assert_ne!(escaped, plain);
        assert_eq!(parse_file(escaped.as_bytes()), parse_file(plain.as_bytes()));
        let unknown = plain.replacen(&body, &format!("{body}&bogus;"), 1);
        assert!(matches!(
            parse_file(unknown.as_bytes()),
            Err(FileError::Xml { .. })
        ));
    }

    /// Issue 18, defect 2: Base64 wrapped at 64 or 76 columns, LF or CRLF, reads as unwrapped.
    #[test]
    fn base64_wrapped_in_lines_reads_as_unwrapped() {
        let summary = format!(
            "<TONG_HOP><MA_LK>7</MA_LK><HO_TEN>{}</HO_TEN></TONG_HOP>",
            "Nguyễn Văn An ".repeat(20)
        );
        let plain = write_file("79001", "20250331", &[vec![("XML1", summary.clone())]]);
        let body = base64::engine::general_purpose::STANDARD.encode(&summary);
        let expected = parse_file(plain.as_bytes()).unwrap();
        for (width, newline) in [(76, "\r\n"), (64, "\n"), (76, "\n")] {
            let wrapped: Vec<String> = body
                .as_bytes()
                .chunks(width)
                .map(|c| String::from_utf8(c.to_vec()).unwrap())
                .collect();
            let text = plain.replacen(
                &body,
                &format!("{newline}{}{newline}", wrapped.join(newline)),
                1,
            );
            assert_ne!(text, plain);
            assert_eq!(
                parse_file(text.as_bytes()).unwrap(),
                expected,
                "{width} {newline:?}"
            );
        }
        // Not Base64 even without its whitespace: still a defect, named.
        let bad = plain.replacen(&body, &format!("{}\n!!!!", &body[..8]), 1);
        let file = parse_file(bad.as_bytes()).unwrap();
        assert!(
            matches!(&file.visits[0], Visit::Broken { defects, .. } if defects.iter().any(|d| d.reason.contains("not Base64")))
        );
    }

    #[test]
    fn a_file_cut_short_is_refused_whole() {
        let whole = numbered(300);
        for cut in [
            whole.len() / 2,
            whole.len() - 2,
            whole.rfind("</HOSO>").unwrap(),
        ] {
            assert!(
                matches!(
                    parse_file(&whole.as_bytes()[..cut]),
                    Err(FileError::Xml { .. })
                ),
                "cut at {cut}"
            );
        }
        assert!(parse_file(whole.as_bytes()).is_ok());
    }

    #[test]
    fn a_file_broken_after_some_visits_is_refused_whole() {
        let cut = numbered(300).replace("</DANHSACHHOSO>", "</DANHSACH>");
        assert!(matches!(
            parse_file(cut.as_bytes()),
            Err(FileError::Xml { .. })
        ));
    }

    #[test]
    fn limits_refuse_a_file_before_it_fills_memory() {
        let one = numbered(1);
        let long_facility = one.replacen(
            "<MACSKCB>79001",
            &format!("<MACSKCB>{}", "7".repeat(5_000)),
            1,
        );
        assert!(matches!(
            parse_file(long_facility.as_bytes()),
            Err(FileError::TooLarge {
                element: "MACSKCB",
                ..
            })
        ));
        let long_kind = one.replacen(
            "<LOAIHOSO>XML1",
            &format!("<LOAIHOSO>XML1{}", "9".repeat(100)),
            1,
        );
        assert!(matches!(
            parse_file(long_kind.as_bytes()),
            Err(FileError::TooLarge {
                element: "LOAIHOSO",
                ..
            })
        ));
        // Thousands of empty visits would each answer a broken visit: refused once instead.
        let empty = one.replacen("<HOSO>", &"<HOSO></HOSO>".repeat(10_000), 1);
        assert_eq!(
            parse_file(empty.as_bytes()),
            Err(FileError::EmptyVisit { visit: 1 })
        );
        let hollow = one.replacen("<HOSO>", "<HOSO><FILEHOSO></FILEHOSO>", 1);
        assert_eq!(
            parse_file(hollow.as_bytes()),
            Err(FileError::EmptyVisit { visit: 1 })
        );
        let table = "<FILEHOSO><LOAIHOSO>XML2</LOAIHOSO><NOIDUNGFILE>AAAA</NOIDUNGFILE></FILEHOSO>";
        let many = one.replacen(
            "<HOSO>",
            &format!("<HOSO>{}", table.repeat(limits::TABLES_PER_VISIT)),
            1,
        );
        assert!(matches!(
            parse_file(many.as_bytes()),
            Err(FileError::TooLarge {
                element: "HOSO",
                visit: 1,
                ..
            })
        ));
    }

    /// Issue 18, 6 (catalogue C162): what is wrong with an envelope is said, not passed over.
    #[test]
    fn envelope_defects_are_reported_not_read_as_nothing() {
        let two = numbered(2);
        assert_eq!(parse_file(two.as_bytes()).unwrap().notices, Vec::new());
        let codes = |text: &str| -> Vec<&'static str> {
            parse_file(text.as_bytes())
                .unwrap()
                .notices
                .iter()
                .map(|n| n.code)
                .collect()
        };
        let no_facility = two.replacen("<MACSKCB>79001</MACSKCB>", "", 1);
        assert_eq!(codes(&no_facility), ["S.ENVELOPE_FACILITY"]);
        let empty_facility = two.replacen("<MACSKCB>79001</MACSKCB>", "<MACSKCB></MACSKCB>", 1);
        assert_eq!(codes(&empty_facility), ["S.ENVELOPE_FACILITY"]);
        let counted_three = two.replacen("<SOLUONGHOSO>2<", "<SOLUONGHOSO>3<", 1);
        let file = parse_file(counted_three.as_bytes()).unwrap();
        assert_eq!(file.visits.len(), 2);
        assert_eq!(file.notices[0].code, "S.ENVELOPE_COUNT");
        assert!(
            file.notices[0]
                .text_en
                .contains("says 3 visits but the file holds 2")
        );
        let uncounted = two.replacen("<SOLUONGHOSO>2</SOLUONGHOSO>", "", 1);
        assert_eq!(codes(&uncounted), ["S.ENVELOPE_COUNT"]);
        let stray = two.replacen(
            "<DANHSACHHOSO>",
            "<DANHSACHHOSO><FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>AAAA</NOIDUNGFILE></FILEHOSO>",
            1,
        );
        let file = parse_file(stray.as_bytes()).unwrap();
        assert_eq!(file.visits.len(), 2);
        assert_eq!(file.notices[0].code, "S.ENVELOPE_STRAY");
        // Nothing to assess is refused, with its reason, not answered as "0 visits".
        for hollow in [
            "<GIAMDINHHS/>",
            "<GIAMDINHHS></GIAMDINHHS>",
            "<GIAMDINHHS><THONGTINDONVI><MACSKCB>79001</MACSKCB></THONGTINDONVI><THONGTINHOSO><SOLUONGHOSO>0</SOLUONGHOSO><DANHSACHHOSO></DANHSACHHOSO></THONGTINHOSO></GIAMDINHHS>",
        ] {
            assert_eq!(
                parse_file(hollow.as_bytes()),
                Err(FileError::NoVisits),
                "{hollow}"
            );
        }
    }

    #[test]
    fn another_namespace_is_another_document() {
        let one = numbered(1);
        let wrong = one.replacen("<GIAMDINHHS>", "<GIAMDINHHS xmlns=\"urn:wrong\">", 1);
        assert_eq!(
            parse_file(wrong.as_bytes()),
            Err(FileError::Namespace("urn:wrong".into()))
        );
        let prefixed = one.replacen("<GIAMDINHHS>", "<GIAMDINHHS xmlns:x=\"urn:wrong\">", 1);
        assert!(parse_file(prefixed.as_bytes()).is_err());
        // The schema-instance namespace that exporters add is not another document.
        let xsi = one.replacen(
            "<GIAMDINHHS>",
            "<GIAMDINHHS xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">",
            1,
        );
        assert_eq!(parse_file(xsi.as_bytes()).unwrap().visits.len(), 1);
    }
}
