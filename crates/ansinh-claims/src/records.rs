//! The records of a visit's inner table (XML1 `TONG_HOP`, XML2 `CHI_TIET_THUOC`, XML3
//! `CHI_TIET_DVKT`): each record's fields, in order, borrowed from the decoded table.
//!
//! Two readers feed one record builder. A table as facilities' software writes it — elements
//! without attributes, text without entities, no comments, CDATA or doctype — is scanned by
//! [`scan`], which looks only for `<` and `>`. Anything else (or anything [`scan`] is not sure
//! of, a defect included) is read again by quick-xml, which decides what is wrong and says so.
//! The fast path is not a second XML parser: it accepts only a subset and never reports an
//! error of its own. Measured: quick-xml's per-event cost was the largest part of reading a
//! claims file (a cost line is some 70 events); see docs/ARCHITECTURE.md, Performance.

use quick_xml::Reader;
use quick_xml::events::Event;
use std::borrow::Cow;

/// One token of an inner table, as both readers give it.
#[derive(Clone, Debug, PartialEq)]
enum Token<'a> {
    Start(&'a str),
    Empty(&'a str),
    End(&'a str),
    /// Text as it stands (entities replaced), not trimmed.
    Text(Cow<'a, str>),
}

/// A field: its name and its trimmed text.
pub type Field<'a> = (&'a str, Cow<'a, str>);

/// The records of one table: every field of every record in one vector (a cost line does not
/// allocate its own), record `i` being `cells[ends[i-1]..ends[i]]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Records<'a> {
    cells: Vec<Field<'a>>,
    ends: Vec<usize>,
}

impl<'a> Records<'a> {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The fields of record `i`.
    pub fn get(&self, i: usize) -> Option<&[Field<'a>]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.cells[start..end])
    }

    pub fn iter(&self) -> impl Iterator<Item = &[Field<'a>]> {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// The records named `tag` of an inner table, each as its fields in order. A field without
/// text is there with an empty text; text of elements nested inside a field is not its text.
pub fn records<'a>(text: &'a str, tag: &str) -> Result<Records<'a>, String> {
    let mut out = Builder::new(tag, text.len());
    if scan(text, &mut |t| out.token(t)).is_ok() {
        return out.finish();
    }
    let mut out = Builder::new(tag, text.len());
    read_with_quick_xml(text, &mut |t| out.token(t))?;
    out.finish()
}

/// Builds records from tokens: the same code behind both readers.
struct Builder<'a, 't> {
    tag: &'t str,
    out: Records<'a>,
    /// Whether a record is open.
    open: bool,
    depth: usize,
    /// The open field, and whether it has had text yet.
    field: Option<(&'a str, bool)>,
}

impl<'a, 't> Builder<'a, 't> {
    fn new(tag: &'t str, bytes: usize) -> Builder<'a, 't> {
        // A field is some 40 bytes of XML: reserve once for the whole table.
        let mut out = Records::default();
        out.cells.reserve(bytes / 40 + 1);
        Builder {
            tag,
            out,
            open: false,
            depth: 0,
            field: None,
        }
    }

    fn token(&mut self, token: Token<'a>) {
        match token {
            Token::Start(name) => {
                if self.open {
                    self.depth += 1;
                    if self.depth == 1 {
                        self.field = Some((name, false));
                    }
                } else if name == self.tag {
                    self.open = true;
                    self.depth = 0;
                }
            }
            Token::Empty(name) => {
                if self.open && self.depth == 0 {
                    self.out.cells.push((name, Cow::Borrowed("")));
                }
            }
            Token::Text(text) => {
                if self.open
                    && self.depth == 1
                    && let Some((name, had_text)) = self.field.as_mut()
                {
                    // Text in several pieces (around an entity or a comment) is one field,
                    // trimmed once it is whole.
                    match self.out.cells.last_mut() {
                        Some(last) if *had_text => last.1.to_mut().push_str(&text),
                        _ => self.out.cells.push((name, text)),
                    }
                    *had_text = true;
                }
            }
            Token::End(name) => {
                if !self.open {
                    return;
                }
                if self.depth == 0 {
                    if name == self.tag {
                        self.open = false;
                        self.out.ends.push(self.out.cells.len());
                    }
                } else {
                    if self.depth == 1
                        && let Some((name, had_text)) = self.field.take()
                    {
                        match self.out.cells.last_mut() {
                            Some((_, text)) if had_text => trim(text),
                            _ => self.out.cells.push((name, Cow::Borrowed(""))),
                        }
                    }
                    self.depth -= 1;
                }
            }
        }
    }

    fn finish(self) -> Result<Records<'a>, String> {
        if self.open {
            return Err(format!("record {} not closed", self.tag));
        }
        Ok(self.out)
    }
}

/// Trims a field's text where it lies.
fn trim(text: &mut Cow<'_, str>) {
    match text {
        Cow::Borrowed(t) => *t = t.trim(),
        Cow::Owned(t) => {
            if t.trim().len() != t.len() {
                *t = t.trim().to_string();
            }
        }
    }
}

/// Why [`scan`] handed a table to quick-xml.
#[derive(Debug, PartialEq)]
struct NotSimple;

/// Scans a table of the simple shape (see the module's note), giving its tokens; any other
/// shape is [`NotSimple`], after which the tokens given must be thrown away. One pass over the
/// bytes: texts and names are short, so a plain loop beats a vectorised search here.
fn scan<'a>(text: &'a str, out: &mut impl FnMut(Token<'a>)) -> Result<(), NotSimple> {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = 0;
    let mut open: Vec<&'a str> = Vec::with_capacity(8);
    let mut seen_root = false;
    // The XML declaration, only at the very start.
    if b.starts_with(b"<?xml") {
        i = memchr::memmem::find(b, b"?>").ok_or(NotSimple)? + 2;
    }
    while i < n {
        let start = i;
        let mut entity = false;
        while i < n && b[i] != b'<' {
            entity |= b[i] == b'&';
            i += 1;
        }
        if i > start {
            if open.is_empty() {
                if !b[start..i].iter().all(u8::is_ascii_whitespace) {
                    return Err(NotSimple);
                }
            } else if entity {
                return Err(NotSimple);
            } else {
                // `<` is ASCII: slicing at it keeps to character boundaries.
                out(Token::Text(Cow::Borrowed(&text[start..i])));
            }
        }
        if i == n {
            break;
        }
        i += 1;
        let closing = i < n && b[i] == b'/';
        if closing {
            i += 1;
        }
        // A name of the standard: ASCII letters, digits and `_`, not starting with a digit
        // (anything else — attributes, `!`, `?`, a prefix — is left to quick-xml).
        let name_start = i;
        if i < n && (b[i].is_ascii_alphabetic() || b[i] == b'_') {
            i += 1;
        } else {
            return Err(NotSimple);
        }
        while i < n && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        let name = &text[name_start..i];
        if i < n && b[i] == b'>' {
            i += 1;
            if closing {
                if open.pop() != Some(name) {
                    return Err(NotSimple);
                }
                out(Token::End(name));
            } else {
                if open.is_empty() && std::mem::replace(&mut seen_root, true) {
                    return Err(NotSimple);
                }
                open.push(name);
                out(Token::Start(name));
            }
        } else if !closing && b.get(i..i + 2) == Some(b"/>") {
            i += 2;
            if open.is_empty() && std::mem::replace(&mut seen_root, true) {
                return Err(NotSimple);
            }
            out(Token::Empty(name));
        } else {
            return Err(NotSimple);
        }
    }
    if !open.is_empty() || !seen_root {
        return Err(NotSimple);
    }
    Ok(())
}

/// Reads a table with quick-xml, giving tokens that build what [`scan`]'s build (entities
/// replaced, CDATA as text), or the reason it is not well-formed.
fn read_with_quick_xml<'a>(text: &'a str, out: &mut impl FnMut(Token<'a>)) -> Result<(), String> {
    let mut reader = Reader::from_str(text);
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("not well-formed at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) => out(Token::Start(slice_of(text, e.name().as_ref())?)),
            Event::Empty(e) => out(Token::Empty(slice_of(text, e.name().as_ref())?)),
            Event::End(e) => out(Token::End(slice_of(text, e.name().as_ref())?)),
            Event::Text(t) => {
                let raw = match t.into_inner() {
                    Cow::Borrowed(b) => Cow::Borrowed(slice_of(text, b)?),
                    Cow::Owned(b) => Cow::Owned(String::from_utf8(b).map_err(|e| e.to_string())?),
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
                out(Token::Text(value));
            }
            Event::GeneralRef(r) => {
                // An entity or character reference between texts (quick-xml gives them apart).
                let name = String::from_utf8_lossy(&r).into_owned();
                let value = quick_xml::escape::unescape(&format!("&{name};"))
                    .map_err(|e| e.to_string())?
                    .into_owned();
                out(Token::Text(Cow::Owned(value)));
            }
            Event::CData(t) => {
                out(Token::Text(Cow::Owned(
                    String::from_utf8_lossy(&t).into_owned(),
                )));
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The records of `text` by each reader.
    fn both<'a>(
        text: &'a str,
        tag: &str,
    ) -> (Result<Records<'a>, NotSimple>, Result<Records<'a>, String>) {
        let mut fast = Builder::new(tag, text.len());
        let fast = match scan(text, &mut |t| fast.token(t)) {
            Ok(()) => fast.finish().map_err(|_| NotSimple),
            Err(e) => Err(e),
        };
        let mut slow = Builder::new(tag, text.len());
        let slow = read_with_quick_xml(text, &mut |t| slow.token(t)).and_then(|()| slow.finish());
        (fast, slow)
    }

    const LINE: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CHITIEU_CHITIET_THUOC><DSACH_CHI_TIET_THUOC>\n  <CHI_TIET_THUOC><MA_LK>79001.1</MA_LK><STT>1</STT><TEN_THUOC>Thuốc ho </TEN_THUOC><GHI_CHU/><DON_GIA></DON_GIA></CHI_TIET_THUOC>\n</DSACH_CHI_TIET_THUOC></CHITIEU_CHITIET_THUOC>";

    #[test]
    fn a_simple_table_is_scanned_to_the_records_quick_xml_reads() {
        let (fast, slow) = both(LINE, "CHI_TIET_THUOC");
        assert_eq!(fast.expect("simple"), slow.expect("well-formed"));
        let r = records(LINE, "CHI_TIET_THUOC").unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(
            r.get(0).unwrap(),
            &[
                ("MA_LK", Cow::Borrowed("79001.1")),
                ("STT", Cow::Borrowed("1")),
                ("TEN_THUOC", Cow::Borrowed("Thuốc ho")),
                ("GHI_CHU", Cow::Borrowed("")),
                ("DON_GIA", Cow::Borrowed("")),
            ][..]
        );
    }

    #[test]
    fn what_the_scan_does_not_know_goes_to_quick_xml() {
        for text in [
            "<A><B>x &amp; y</B></A>",
            "<A><B><![CDATA[x < y]]></B></A>",
            "<A><!-- c --><B>x</B></A>",
            "<A><B k=\"v\">x</B></A>",
            "<A><B>x</C></A>",
            "<A><B>x</B>",
            "<A/><B/>",
            "text<A/>",
        ] {
            assert_eq!(both(text, "B").0, Err(NotSimple), "{text}");
        }
        let r = records("<A><R><B> x &amp; y </B><C>1<!-- c -->2</C></R></A>", "R").unwrap();
        assert_eq!(
            r.get(0).unwrap(),
            &[
                ("B", Cow::Owned::<str>("x & y".into())),
                ("C", Cow::Owned("12".into()))
            ][..]
        );
        assert!(records("<A><R><B>x</C></R></A>", "R").is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Whatever the scan accepts, quick-xml reads to the same tokens: the fast path never
        /// accepts what the strict reader refuses, nor reads it differently.
        #[test]
        fn the_scan_agrees_with_quick_xml(
            cuts in proptest::collection::vec((0usize..400, prop::sample::select(
                vec![b'<', b'>', b'/', b'&', b' ', b'x', b'"', b'=', b'!', b'?', 0xC3u8]
            )), 0..4),
            removes in proptest::collection::vec(0usize..400, 0..3),
        ) {
            let mut bytes = LINE.as_bytes().to_vec();
            for (at, b) in cuts {
                let at = at % bytes.len();
                bytes.insert(at, b);
            }
            for at in removes {
                let at = at % bytes.len();
                bytes.remove(at);
            }
            if let Ok(text) = std::str::from_utf8(&bytes) {
                let (fast, slow) = both(text, "CHI_TIET_THUOC");
                if let Ok(fast) = fast {
                    prop_assert_eq!(Ok(fast), slow);
                }
            }
        }
    }
}
