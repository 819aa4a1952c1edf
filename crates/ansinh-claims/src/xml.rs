//! Reading a claims file of QĐ 130/QĐ-BYT (amended by QĐ 4750): the envelope `GIAMDINHHS`, one
//! `HOSO` per visit, each with `FILEHOSO` entries whose `NOIDUNGFILE` is the Base64 of an inner
//! UTF-8 XML table (XML1 summary, XML2 drugs, XML3 services and supplies; the other tables are kept
//! as they came).
//!
//! Strict on structure, and every defect is reported with the visit key (`MA_LK`), the table, the
//! field and the reason. A broken visit does not stop the others: the file gives one outcome per
//! `HOSO`. Only a file that is not the envelope at all is refused as a whole.

use crate::claim::{Claim, Defect, Fields, Table};
use base64::Engine;
use quick_xml::Reader;
use quick_xml::events::Event;
use std::borrow::Cow;

/// Why a whole file is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("not well-formed XML at byte {position}: {reason}")]
    Xml { position: u64, reason: String },
    #[error("the root element is `{0}`, not GIAMDINHHS")]
    Root(String),
    #[error("the file has no root element")]
    Empty,
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
    let envelope = parse_envelope(bytes)?;
    Ok(File {
        facility: envelope.facility,
        visits: parallel_map(&envelope.visits, |files| visit(files)),
    })
}

/// The envelope of a file: the facility and, per visit, its files (LOAIHOSO, NOIDUNGFILE)
/// still encoded — borrowed from the file's bytes (a body is copied only when it came in
/// pieces), so that a file is not held twice.
pub struct Envelope<'a> {
    pub facility: Option<String>,
    pub visits: Vec<Vec<(String, Cow<'a, [u8]>)>>,
}

/// Maps `f` over `items` on every core (a visit does not depend on another), keeping the order.
pub fn parallel_map<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let per = items.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let f = &f;
        let parts: Vec<_> = items
            .chunks(per)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<U>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Reads the envelope of a claims file, leaving each visit's tables encoded.
pub fn parse_envelope(bytes: &[u8]) -> Result<Envelope<'_>, FileError> {
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().trim_text(true);
    let mut path: Vec<String> = Vec::new();
    let mut facility = None;
    let mut visits = Vec::new();
    // The current HOSO: its files as (LOAIHOSO, NOIDUNGFILE).
    let mut hoso: Option<Vec<(String, Cow<[u8]>)>> = None;
    let mut file_kind = String::new();
    let mut file_body: Cow<[u8]> = Cow::Borrowed(&[]);
    let mut seen_root = false;
    loop {
        match reader.read_event().map_err(|e| xml_error(&reader, e))? {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if path.is_empty() {
                    if name != "GIAMDINHHS" {
                        return Err(FileError::Root(name));
                    }
                    seen_root = true;
                }
                match name.as_str() {
                    "HOSO" => hoso = Some(Vec::new()),
                    "FILEHOSO" => {
                        file_kind.clear();
                        file_body = Cow::Borrowed(&[]);
                    }
                    _ => {}
                }
                path.push(name);
            }
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                match name.as_str() {
                    "FILEHOSO" => {
                        if let Some(files) = hoso.as_mut() {
                            files.push((
                                std::mem::take(&mut file_kind),
                                std::mem::take(&mut file_body),
                            ));
                        }
                    }
                    "HOSO" => {
                        if let Some(files) = hoso.take() {
                            visits.push(files);
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if path.last().map(String::as_str) == Some("NOIDUNGFILE") => {
                // Base64 has no markup characters: the text is taken as it stands, borrowed,
                // unless the sender escaped some of it.
                let text = if t.contains(&b'&') {
                    let decoded = t.decode().map_err(|e| xml_error(&reader, e))?;
                    let plain =
                        quick_xml::escape::unescape(&decoded).map_err(|e| xml_error(&reader, e))?;
                    Cow::Owned(plain.trim().as_bytes().to_vec())
                } else {
                    match t.into_inner() {
                        Cow::Borrowed(b) => Cow::Borrowed(b.trim_ascii()),
                        Cow::Owned(b) => Cow::Owned(b.trim_ascii().to_vec()),
                    }
                };
                append(&mut file_body, text);
            }
            Event::Text(t) => {
                let text = t.decode().map_err(|e| xml_error(&reader, e))?;
                let text = quick_xml::escape::unescape(&text).map_err(|e| xml_error(&reader, e))?;
                match path.last().map(String::as_str) {
                    Some("LOAIHOSO") => file_kind.push_str(text.trim()),
                    Some("MACSKCB") => facility = Some(text.trim().to_string()),
                    _ => {}
                }
            }
            Event::CData(t) if path.last().map(String::as_str) == Some("NOIDUNGFILE") => {
                let text = t.into_inner();
                let text = match text {
                    Cow::Borrowed(b) => Cow::Borrowed(b.trim_ascii()),
                    Cow::Owned(b) => Cow::Owned(b.trim_ascii().to_vec()),
                };
                append(&mut file_body, text);
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
    if !seen_root {
        return Err(FileError::Empty);
    }
    Ok(Envelope { facility, visits })
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
pub fn visit(files: &[(String, Cow<'_, [u8]>)]) -> Visit {
    let mut defects = Vec::new();
    let mut decoded: Vec<(Table, &str, Vec<u8>)> = Vec::new();
    let mut others = Vec::new();
    for (kind, body) in files {
        let inner = match base64::engine::general_purpose::STANDARD.decode(body) {
            Ok(inner) => inner,
            Err(e) => {
                defects.push(Defect::new(
                    None,
                    kind,
                    "NOIDUNGFILE",
                    format!("not Base64: {e}"),
                ));
                continue;
            }
        };
        match Table::from_kind(kind) {
            Some(table) => decoded.push((table, kind, inner)),
            // Tables this release does not assess are kept as sent.
            None => others.push((kind.clone(), inner)),
        }
    }
    let mut summary: Option<Fields> = None;
    let mut drugs = Vec::new();
    let mut services = Vec::new();
    for (table, kind, inner) in &decoded {
        let rows = match std::str::from_utf8(inner) {
            Ok(text) => records(text, table.record_tag()),
            Err(e) => Err(format!("not UTF-8: {e}")),
        };
        match rows {
            Ok(mut rows) => match table {
                Table::Xml1 => {
                    if rows.len() != 1 {
                        defects.push(Defect::new(
                            None,
                            kind,
                            "TONG_HOP",
                            format!("{} summary records; exactly one expected", rows.len()),
                        ));
                    }
                    summary = rows.pop();
                }
                Table::Xml2 => drugs = rows,
                Table::Xml3 => services = rows,
            },
            Err(reason) => defects.push(Defect::new(None, kind, table.record_tag(), reason)),
        }
    }
    let Some(summary) = summary else {
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
    let key = summary.get("MA_LK").map(str::to_string);
    for d in &mut defects {
        d.key.clone_from(&key);
    }
    match Claim::from_fields(&summary, &drugs, &services, others) {
        Ok(claim) if defects.is_empty() => Visit::Read(Box::new(claim)),
        Ok(_) => Visit::Broken { key, defects },
        Err(more) => {
            defects.extend(more);
            Visit::Broken { key, defects }
        }
    }
}

/// The records named `tag` of an inner table, each as its fields in order, borrowed from `text`.
fn records<'a>(text: &'a str, tag: &str) -> Result<Vec<Fields<'a>>, String> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut out = Vec::new();
    let mut current: Option<Fields<'a>> = None;
    let mut field: Option<&'a str> = None;
    let mut depth_in_record = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("not well-formed at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) => {
                if current.is_some() {
                    depth_in_record += 1;
                    if depth_in_record == 1 {
                        field = Some(element_name(text, &e)?);
                    }
                } else if e.name().as_ref() == tag.as_bytes() {
                    current = Some(Fields::with_capacity(40));
                    depth_in_record = 0;
                }
            }
            Event::Empty(e) => {
                if let Some(rec) = current.as_mut()
                    && depth_in_record == 0
                {
                    rec.push(element_name(text, &e)?, Cow::Borrowed(""));
                }
            }
            Event::Text(t) => {
                if let (Some(rec), Some(name)) = (current.as_mut(), field)
                    && depth_in_record == 1
                {
                    // Text borrowed from the (already UTF-8) table is sliced from it, not
                    // validated again.
                    let raw = match t.into_inner() {
                        Cow::Borrowed(b) => Cow::Borrowed(slice_of(text, b)?),
                        Cow::Owned(b) => {
                            Cow::Owned(String::from_utf8(b).map_err(|e| e.to_string())?)
                        }
                    };
                    let value = match raw {
                        Cow::Borrowed(r) => {
                            quick_xml::escape::unescape(r).map_err(|e| e.to_string())?
                        }
                        Cow::Owned(r) => Cow::Owned(
                            quick_xml::escape::unescape(&r)
                                .map_err(|e| e.to_string())?
                                .into_owned(),
                        ),
                    };
                    let value = match value {
                        Cow::Borrowed(v) => Cow::Borrowed(v.trim()),
                        Cow::Owned(v) => Cow::Owned(v.trim().to_string()),
                    };
                    rec.append(name, value);
                }
            }
            Event::CData(t) => {
                if let (Some(rec), Some(name)) = (current.as_mut(), field)
                    && depth_in_record == 1
                {
                    rec.append(
                        name,
                        Cow::Owned(String::from_utf8_lossy(&t).trim().to_string()),
                    );
                }
            }
            Event::End(e) if current.is_some() => {
                if depth_in_record == 0 {
                    if e.name().as_ref() == tag.as_bytes() {
                        out.extend(current.take());
                    }
                } else {
                    if depth_in_record == 1
                        && let (Some(rec), Some(name)) = (current.as_mut(), field.take())
                        && !rec.has(name)
                    {
                        rec.push(name, Cow::Borrowed(""));
                    }
                    depth_in_record -= 1;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if current.is_some() {
        return Err(format!("record {tag} not closed"));
    }
    Ok(out)
}

/// The element name of a start tag as a slice of `text`, so that it outlives the event.
fn element_name<'a>(
    text: &'a str,
    e: &quick_xml::events::BytesStart<'_>,
) -> Result<&'a str, String> {
    slice_of(text, e.name().as_ref())
}

/// `bytes` as the slice of `text` it is: a reader over a `&str` hands out names and texts that
/// point into its input (checked, never assumed; a slice not on character boundaries is refused).
fn slice_of<'a>(text: &'a str, bytes: &[u8]) -> Result<&'a str, String> {
    let (base, at) = (text.as_ptr() as usize, bytes.as_ptr() as usize);
    if at < base || at + bytes.len() > base + text.len() {
        return Err("text outside the input".into());
    }
    let start = at - base;
    text.get(start..start + bytes.len())
        .ok_or_else(|| "text is not UTF-8".to_string())
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
