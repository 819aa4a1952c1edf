//! The records of a visit's inner table (XML1 `TONG_HOP`, XML2 `CHI_TIET_THUOC`, XML3
//! `CHI_TIET_DVKT`): for each record, the text of each field this release reads, in the order
//! of its [`Schema`], borrowed from the decoded table. Fields the schema does not name are
//! skipped; a field named twice in one record is a defect of the table.
//!
//! Two readers fill the same records. A table as facilities' software writes it — elements
//! without attributes, text without entities, no comments, CDATA or doctype, fields that hold
//! only text — is read by [`scan`], which finds each field's name, text and end tag in one pass
//! and puts the text straight in its slot. Anything else (or anything [`scan`] is not sure of, a
//! defect included) is read again by quick-xml through [`Builder`], which decides what is wrong
//! and says so. The fast path is not a second XML parser: it accepts only a subset and never
//! reports an error of its own; a property test checks that whatever it accepts, quick-xml reads
//! to the same records. Measured: quick-xml's per-event cost, then a token-by-token builder, were
//! the largest part of reading a claims file (a cost line is some 70 events); see
//! docs/ARCHITECTURE.md, Performance.

use quick_xml::Reader;
use quick_xml::events::Event;
use std::borrow::Cow;

/// The fields of a table this release reads: an enum whose variants are the tags of the
/// standard (see [`schema!`](crate::schema)), so that a field is a slot, not a name looked up.
pub trait Schema: Copy {
    /// The tags, in the order of the variants.
    const NAMES: &'static [&'static str];
    /// The look-up of a tag's slot, built when the program is compiled.
    fn slots() -> &'static Slots<'static>;
    fn index(self) -> usize;
    fn name(self) -> &'static str {
        Self::NAMES[self.index()]
    }
}

/// Declares a [`Schema`]: `schema!(pub LineField { MA_LK, STT, … })`.
#[macro_export]
macro_rules! schema {
    ($(#[$meta:meta])* $vis:vis $ty:ident { $($field:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        $vis enum $ty { $($field),+ }

        impl $crate::records::Schema for $ty {
            const NAMES: &'static [&'static str] = &[$(stringify!($field)),+];
            fn slots() -> &'static $crate::records::Slots<'static> {
                static SLOTS: $crate::records::Slots<'static> =
                    $crate::records::Slots::new(<$ty as $crate::records::Schema>::NAMES);
                &SLOTS
            }
            fn index(self) -> usize {
                self as usize
            }
        }
    };
}

/// A field's text, trimmed: borrowed from the table unless entities or pieces made it a copy.
pub type Text<'a> = Cow<'a, str>;

/// The records of one table: `width` slots per record (one per field of the schema), all in one
/// vector so that a cost line does not allocate its own. A field absent from a record is empty,
/// like a field sent empty (the standard does not tell them apart).
#[derive(Clone, Debug, PartialEq)]
pub struct Records<'a> {
    width: usize,
    cells: Vec<Text<'a>>,
}

impl<'a> Records<'a> {
    fn new(width: usize, bytes: usize) -> Records<'a> {
        // A field is some 40 bytes of XML; about half of a table's fields are read.
        Records {
            width,
            cells: Vec::with_capacity(bytes / 80 / width * width + width),
        }
    }

    /// No records, for a table a visit did not send.
    pub fn empty<S: Schema>() -> Records<'a> {
        Records {
            width: S::NAMES.len(),
            cells: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.cells.len() / self.width
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The fields of record `i`, by slot.
    pub fn get(&self, i: usize) -> Option<&[Text<'a>]> {
        self.cells.get(i * self.width..(i + 1) * self.width)
    }

    pub fn iter(&self) -> impl Iterator<Item = &[Text<'a>]> {
        self.cells.chunks_exact(self.width)
    }

    /// Opens a new record: every slot empty.
    fn open(&mut self) {
        self.cells
            .extend(std::iter::repeat_n(Cow::Borrowed(""), self.width));
    }

    fn slot(&mut self, at: usize) -> &mut Text<'a> {
        let start = self.cells.len() - self.width;
        &mut self.cells[start + at]
    }
}

/// A name as words: its length, its first eight bytes and its last eight (zero-padded when
/// shorter). Two names of at most 16 bytes are the same exactly when their words are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Words {
    len: usize,
    first: u64,
    last: u64,
}

impl Words {
    /// The words of `b[start..end]`, read in place: names are a dozen bytes, too short for a
    /// call to `memcmp` (a tenth of the scan's time) to pay.
    #[inline(always)]
    fn of(b: &[u8], start: usize, end: usize) -> Words {
        let len = end - start;
        let first = match b.get(start..start + 8) {
            Some(w) if len < 8 => {
                u64::from_le_bytes(w.try_into().unwrap_or_default()) & ((1u64 << (8 * len)) - 1)
            }
            Some(w) => u64::from_le_bytes(w.try_into().unwrap_or_default()),
            None => Words::padded(b, start, end).first,
        };
        let last = match b.get(end.wrapping_sub(8)..end) {
            Some(w) if len >= 8 => u64::from_le_bytes(w.try_into().unwrap_or_default()),
            _ => first,
        };
        Words { len, first, last }
    }

    /// [`Words::of`] byte by byte (also at compile time, and near the end of a text).
    const fn padded(b: &[u8], start: usize, end: usize) -> Words {
        let len = end - start;
        let (mut first, mut last, mut k) = (0u64, 0u64, 0);
        while k < 8 && k < len {
            first |= (b[start + k] as u64) << (8 * k);
            k += 1;
        }
        if len >= 8 {
            k = 0;
            while k < 8 {
                last |= (b[end - 8 + k] as u64) << (8 * k);
                k += 1;
            }
        } else {
            last = first;
        }
        Words { len, first, last }
    }

    const fn same(self, other: Words) -> bool {
        self.len == other.len && self.first == other.first && self.last == other.last
    }

    /// The position of these words in a table of 256 for a multiplier `seed`.
    #[inline]
    const fn hash(self, seed: u64) -> usize {
        ((self.first ^ self.last.rotate_left(29) ^ self.len as u64).wrapping_mul(seed) >> 56)
            as usize
    }
}

/// Finds a field's slot by its name in one look-up: a table of 256 places in which each name of
/// the schema has its own (a perfect hash, its multiplier found when the program is compiled),
/// then one comparison of words (and of the whole name past 16 bytes). A name the schema does
/// not have finds no slot. The names of a schema differ in their first or last eight bytes.
pub struct Slots<'t> {
    names: &'t [&'t str],
    words: [Words; 64],
    /// Slot + 1 at the place of its name; 0 for none.
    table: [u8; 256],
    seed: u64,
}

impl<'t> Slots<'t> {
    /// Panics (at compile time, for a schema) when a schema has more than 64 fields or no
    /// perfect multiplier is found.
    pub const fn new(names: &'t [&'t str]) -> Slots<'t> {
        assert!(
            !names.is_empty() && names.len() <= 64,
            "a schema has 1 to 64 fields (a record's fields seen are kept in a u64)"
        );
        let empty = Words {
            len: 0,
            first: 0,
            last: 0,
        };
        let mut words = [empty; 64];
        let mut i = 0;
        while i < names.len() {
            let name = names[i].as_bytes();
            words[i] = Words::padded(name, 0, name.len());
            i += 1;
        }
        let mut attempt: u64 = 1;
        while attempt < 100_000 {
            let seed = attempt.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let mut table = [0u8; 256];
            let mut clash = false;
            let mut i = 0;
            while i < names.len() && !clash {
                let at = words[i].hash(seed);
                clash = table[at] != 0;
                table[at] = i as u8 + 1;
                i += 1;
            }
            if !clash {
                return Slots {
                    names,
                    words,
                    table,
                    seed,
                };
            }
            attempt += 1;
        }
        panic!("no perfect hash for the names of a schema");
    }

    /// The slot of the name `b[start..end]`.
    #[inline(always)]
    fn at(&self, b: &[u8], start: usize, end: usize) -> Option<usize> {
        let words = Words::of(b, start, end);
        let slot = usize::from(self.table[words.hash(self.seed)]).checked_sub(1)?;
        let found = words.same(self.words[slot])
            && (words.len <= 16 || same(self.names[slot].as_bytes(), &b[start..end]));
        found.then_some(slot)
    }

    fn of(&self, name: &[u8]) -> Option<usize> {
        self.at(name, 0, name.len())
    }

    /// Whether `b[start..end]` is the name of `slot` (an end tag after its start tag).
    #[inline]
    fn is(&self, slot: usize, b: &[u8], start: usize, end: usize) -> bool {
        Words::of(b, start, end).same(self.words[slot])
            && (end - start <= 16 || same(self.names[slot].as_bytes(), &b[start..end]))
    }
}

/// The first position from `i` on holding `x` or `y` (the end when none), eight bytes at a time:
/// a field's name and text are a few words long, and a byte-by-byte loop was most of the scan.
#[inline]
fn first_of(b: &[u8], mut i: usize, x: u8, y: u8) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let (xs, ys) = (ONES * u64::from(x), ONES * u64::from(y));
    while let Some(chunk) = b.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        // A zero byte of `word ^ xs` is an `x`: the lowest flagged byte is always a true one
        // (a borrow can only flag bytes above it), so the first of either is exact.
        let (a, c) = (word ^ xs, word ^ ys);
        let hits = ((a.wrapping_sub(ONES) & !a) | (c.wrapping_sub(ONES) & !c)) & HIGHS;
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && b[i] != x && b[i] != y {
        i += 1;
    }
    i
}

/// A field's text without its surrounding white space; at once when it starts and ends with a
/// visible ASCII character, as nearly all do (none of those is white space).
fn trimmed(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(f), Some(l)) if f.is_ascii_graphic() && l.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// Whether two names are the same bytes, compared in place eight at a time: names are a dozen
/// bytes, too short for a call to `memcmp` (a tenth of the scan's time) to pay.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a, mut b) = (a, b);
    while let (Some((x, rest_a)), Some((y, rest_b))) =
        (a.split_first_chunk::<8>(), b.split_first_chunk::<8>())
    {
        if u64::from_ne_bytes(*x) != u64::from_ne_bytes(*y) {
            return false;
        }
        (a, b) = (rest_a, rest_b);
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

fn twice(record: &str, name: &str) -> String {
    format!("field {name} appears twice in a {record} record")
}

/// The records named `record` of an inner table, read for the fields `S` names. Text of
/// elements nested inside a field is not its text.
pub fn records<'a, S: Schema>(text: &'a str, record: &str) -> Result<Records<'a>, String> {
    let slots = S::slots();
    let mut out = Records::new(S::NAMES.len(), text.len());
    if scan(text, record, slots, &mut out).is_ok() {
        return Ok(out);
    }
    let mut out = Builder::new(record, slots, text.len());
    read_with_quick_xml(text, &mut |t| out.token(t))?;
    out.finish()
}

/// Why [`scan`] handed a table to quick-xml.
#[derive(Debug, PartialEq)]
struct NotSimple;

/// Whether a byte may follow the first of a name of the standard: ASCII letters, digits, `_`.
static NAME_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    t
};

/// The end of the name starting at `i`: a name of the standard starts with an ASCII letter or
/// `_` (anything else — a prefix, `!`, `?` — is left to quick-xml).
fn name_end(b: &[u8], mut i: usize) -> Result<usize, NotSimple> {
    match b.get(i) {
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => i += 1,
        _ => return Err(NotSimple),
    }
    while i < b.len() && NAME_BYTE[b[i] as usize] {
        i += 1;
    }
    Ok(i)
}

/// How deep the elements around the records may be for [`scan`] (tables nest two).
const WRAPPERS: usize = 8;

/// Scans a table of the simple shape (see the module's note) into `out`; any other shape is
/// [`NotSimple`], after which `out` must be thrown away.
fn scan<'a>(
    text: &'a str,
    record: &str,
    slots: &Slots,
    out: &mut Records<'a>,
) -> Result<(), NotSimple> {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = 0;
    // The elements open around the records (`CHITIEU_…`, `DSACH_…`).
    let mut open: [&str; WRAPPERS] = [""; WRAPPERS];
    let mut depth = 0;
    let mut seen_root = false;
    // The XML declaration, only at the very start.
    if b.starts_with(b"<?xml") {
        i = memchr::memmem::find(b, b"?>").ok_or(NotSimple)? + 2;
    }
    loop {
        // Text around the records is not read: blanks only at the top, no entities anywhere.
        let start = i;
        let mut entity = false;
        while i < n && b[i] != b'<' {
            entity |= b[i] == b'&';
            i += 1;
        }
        if entity || (depth == 0 && !b[start..i].iter().all(u8::is_ascii_whitespace)) {
            return Err(NotSimple);
        }
        if i == n {
            break;
        }
        i += 1;
        let closing = b.get(i) == Some(&b'/');
        if closing {
            i += 1;
        }
        let name_start = i;
        i = name_end(b, i)?;
        // `<` and names are ASCII: slicing at them keeps to character boundaries.
        let name = &text[name_start..i];
        if b.get(i) == Some(&b'>') {
            i += 1;
            if closing {
                if depth == 0 || open[depth - 1] != name {
                    return Err(NotSimple);
                }
                depth -= 1;
                continue;
            }
            if depth == 0 && std::mem::replace(&mut seen_root, true) {
                return Err(NotSimple);
            }
            if same(name.as_bytes(), record.as_bytes()) {
                i = scan_record(text, i, record, slots, out)?;
            } else if depth < WRAPPERS {
                open[depth] = name;
                depth += 1;
            } else {
                return Err(NotSimple);
            }
        } else if !closing && b.get(i..i + 2) == Some(b"/>") {
            // An empty element outside a record, or an empty record: no fields.
            i += 2;
            if depth == 0 && std::mem::replace(&mut seen_root, true) {
                return Err(NotSimple);
            }
        } else {
            return Err(NotSimple);
        }
    }
    if depth != 0 || !seen_root {
        return Err(NotSimple);
    }
    Ok(())
}

/// Scans one record from just after its start tag to just after its end tag (returned): each
/// field `<NAME>text</NAME>` or `<NAME/>`, blanks between them.
fn scan_record<'a>(
    text: &'a str,
    mut i: usize,
    record: &str,
    slots: &Slots,
    out: &mut Records<'a>,
) -> Result<usize, NotSimple> {
    let b = text.as_bytes();
    let n = b.len();
    out.open();
    let mut seen = 0u64;
    loop {
        while i < n && b[i] != b'<' {
            if !b[i].is_ascii_whitespace() {
                return Err(NotSimple);
            }
            i += 1;
        }
        if i == n {
            // Cut inside a record: quick-xml says where.
            return Err(NotSimple);
        }
        i += 1;
        if b.get(i) == Some(&b'/') {
            // Only the record's own end tag can come here.
            i += 1;
            let end = i + record.len();
            return match (b.get(i..end), b.get(end)) {
                (Some(name), Some(b'>')) if same(name, record.as_bytes()) => Ok(end + 1),
                _ => Err(NotSimple),
            };
        }
        let name_start = i;
        i = first_of(b, i, b'>', b'/');
        let name = &b[name_start..i];
        // A name of the schema is a name; any other must be one (attributes, white space… go
        // to quick-xml).
        let slot = slots.at(b, name_start, i);
        if slot.is_none() && name_end(b, name_start)? != i {
            return Err(NotSimple);
        }
        let value = match b.get(i) {
            Some(b'>') => {
                i += 1;
                let start = i;
                i = first_of(b, i, b'<', b'&');
                if b.get(i) != Some(&b'<') {
                    return Err(NotSimple);
                }
                // `<` is ASCII: slicing at it keeps to character boundaries.
                let value = &text[start..i];
                // The field's own end tag, right after its text (nothing nested).
                let end = i + 2 + name.len();
                match (b.get(i..i + 2), b.get(i + 2..end), b.get(end)) {
                    (Some(b"</"), Some(closing), Some(b'>'))
                        if slot.map_or_else(
                            || same(closing, name),
                            |s| slots.is(s, b, i + 2, end),
                        ) => {}
                    _ => return Err(NotSimple),
                }
                i = end + 1;
                trimmed(value)
            }
            Some(b'/') if b.get(i + 1) == Some(&b'>') => {
                i += 2;
                ""
            }
            _ => return Err(NotSimple),
        };
        if let Some(s) = slot {
            if seen & (1 << s) != 0 {
                // Twice in one record: quick-xml's reading says so.
                return Err(NotSimple);
            }
            seen |= 1 << s;
            if !value.is_empty() {
                *out.slot(s) = Cow::Borrowed(value);
            }
        }
    }
}

/// One token of an inner table as quick-xml gives it.
#[derive(Clone, Debug, PartialEq)]
enum Token<'a> {
    Start(&'a str),
    Empty(&'a str),
    End(&'a str),
    /// Text as it stands (entities replaced), not trimmed.
    Text(Cow<'a, str>),
}

/// Builds records from quick-xml's tokens: what [`scan`] does for the simple shape, for any
/// well-formed table.
struct Builder<'a, 't> {
    record: &'t str,
    slots: &'static Slots<'static>,
    out: Records<'a>,
    /// Whether a record is open, and how deep inside it the reader is.
    open: bool,
    depth: usize,
    /// The open field's slot (none for a field the schema does not name), and whether it has
    /// had text yet.
    field: Option<(Option<usize>, bool)>,
    /// The slots of the open record already seen.
    seen: u64,
    twice: Option<String>,
}

impl<'a, 't> Builder<'a, 't> {
    fn new(record: &'t str, slots: &'static Slots<'static>, bytes: usize) -> Builder<'a, 't> {
        Builder {
            record,
            out: Records::new(slots.names.len(), bytes),
            slots,
            open: false,
            depth: 0,
            field: None,
            seen: 0,
            twice: None,
        }
    }

    /// The slot of a field of the open record, noting a field seen twice.
    fn seen_field(&mut self, name: &str) -> Option<usize> {
        let s = self.slots.of(name.as_bytes())?;
        if self.seen & (1 << s) != 0 && self.twice.is_none() {
            self.twice = Some(twice(self.record, name));
        }
        self.seen |= 1 << s;
        Some(s)
    }

    fn token(&mut self, token: Token<'a>) {
        match token {
            Token::Start(name) => {
                if self.open {
                    self.depth += 1;
                    if self.depth == 1 {
                        self.field = Some((self.seen_field(name), false));
                    }
                } else if name == self.record {
                    self.open = true;
                    self.depth = 0;
                    self.seen = 0;
                    self.out.open();
                }
            }
            Token::Empty(name) => {
                if self.open && self.depth == 0 {
                    self.seen_field(name);
                }
            }
            Token::Text(text) => {
                if self.open
                    && self.depth == 1
                    && let Some((Some(s), had_text)) = self.field
                {
                    // Text in several pieces (around an entity or a comment) is one field,
                    // trimmed once it is whole.
                    let slot = self.out.slot(s);
                    if had_text {
                        slot.to_mut().push_str(&text);
                    } else {
                        *slot = text;
                    }
                    self.field = Some((Some(s), true));
                }
            }
            Token::End(name) => {
                if !self.open {
                    return;
                }
                if self.depth == 0 {
                    self.open = name != self.record;
                } else {
                    if self.depth == 1
                        && let Some((Some(s), true)) = self.field.take()
                    {
                        trim(self.out.slot(s));
                    }
                    self.depth -= 1;
                }
            }
        }
    }

    fn finish(self) -> Result<Records<'a>, String> {
        if self.open {
            return Err(format!("record {} not closed", self.record));
        }
        match self.twice {
            Some(reason) => Err(reason),
            None => Ok(self.out),
        }
    }
}

/// Trims a field's text where it lies (as [`trimmed`]).
fn trim(text: &mut Cow<'_, str>) {
    match text {
        Cow::Borrowed(t) => *t = trimmed(t),
        Cow::Owned(t) => {
            if trimmed(t).len() != t.len() {
                *t = trimmed(t).to_string();
            }
        }
    }
}

/// Reads a table with quick-xml, giving its tokens (entities replaced, CDATA as text), or the
/// reason it is not well-formed.
fn read_with_quick_xml<'a>(text: &'a str, out: &mut impl FnMut(Token<'a>)) -> Result<(), String> {
    let mut reader = Reader::from_str(text);
    // quick-xml stops at the end of the text without asking whether every element was closed:
    // a table cut short (a transfer that stopped) would read as its whole records.
    let mut open: Vec<&'a str> = Vec::new();
    let mut seen_root = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("not well-formed at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) => {
                let name = slice_of(text, e.name().as_ref())?;
                seen_root = true;
                open.push(name);
                out(Token::Start(name))
            }
            Event::Empty(e) => {
                seen_root = true;
                out(Token::Empty(slice_of(text, e.name().as_ref())?))
            }
            Event::End(e) => {
                open.pop();
                out(Token::End(slice_of(text, e.name().as_ref())?))
            }
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
            Event::Eof => {
                return match (open.last(), seen_root) {
                    (Some(name), _) => Err(format!(
                        "not well-formed at byte {}: element {name} not closed at the end",
                        text.len()
                    )),
                    (None, false) => Err("no root element".to_string()),
                    (None, true) => Ok(()),
                };
            }
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

    crate::schema!(
        #[allow(dead_code)] // only its names are used
        Line {
            MA_LK,
            STT,
            TEN_THUOC,
            GHI_CHU,
            DON_GIA
        }
    );

    /// The records of `text` by each reader.
    fn both<'a>(
        text: &'a str,
        tag: &str,
    ) -> (Result<Records<'a>, NotSimple>, Result<Records<'a>, String>) {
        let mut fast = Records::new(Line::NAMES.len(), text.len());
        let fast = scan(text, tag, Line::slots(), &mut fast).map(|()| fast);
        let mut slow = Builder::new(tag, Line::slots(), text.len());
        let slow = read_with_quick_xml(text, &mut |t| slow.token(t)).and_then(|()| slow.finish());
        (fast, slow)
    }

    const LINE: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CHITIEU_CHITIET_THUOC><DSACH_CHI_TIET_THUOC>\n  <CHI_TIET_THUOC><MA_LK>79001.1</MA_LK><STT>1</STT><MA_THUOC>40.1</MA_THUOC><TEN_THUOC>Thuốc ho </TEN_THUOC><GHI_CHU/><DON_GIA></DON_GIA></CHI_TIET_THUOC>\n  <CHI_TIET_THUOC>\n <STT>2</STT> <MA_LK> 79001.1</MA_LK></CHI_TIET_THUOC></DSACH_CHI_TIET_THUOC></CHITIEU_CHITIET_THUOC>";

    fn texts<'r>(r: &'r Records<'_>, i: usize) -> Vec<&'r str> {
        r.get(i).unwrap().iter().map(|c| c.as_ref()).collect()
    }

    #[test]
    fn a_simple_table_is_scanned_to_the_records_quick_xml_reads() {
        let (fast, slow) = both(LINE, "CHI_TIET_THUOC");
        assert_eq!(fast.expect("simple"), slow.expect("well-formed"));
        let r = records::<Line>(LINE, "CHI_TIET_THUOC").unwrap();
        assert_eq!(r.len(), 2);
        // By slot (MA_LK, STT, TEN_THUOC, GHI_CHU, DON_GIA): MA_THUOC is not read.
        assert_eq!(texts(&r, 0), ["79001.1", "1", "Thuốc ho", "", ""]);
        assert_eq!(texts(&r, 1), ["79001.1", "2", "", "", ""]);
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
            "<A><B><STT>1<X/></STT></B></A>",
            "<A><B><STT>1</STT>x</B></A>",
            "<A><B><STT>1</STT><STT>2</STT></B></A>",
        ] {
            assert_eq!(both(text, "B").0, Err(NotSimple), "{text}");
        }
        let r = records::<Line>(
            "<A><R><MA_LK> x &amp; y </MA_LK><STT>1<!-- c -->2</STT></R></A>",
            "R",
        )
        .unwrap();
        assert_eq!(texts(&r, 0), ["x & y", "12", "", "", ""]);
        assert!(matches!(r.get(0).unwrap()[0], Cow::Owned(_)));
        assert!(records::<Line>("<A><R><STT>x</MA_LK></R></A>", "R").is_err());
    }

    #[test]
    fn a_table_cut_anywhere_is_refused_not_a_panic() {
        for end in 0..LINE.len() {
            if let Some(cut) = LINE.get(..end) {
                assert!(records::<Line>(cut, "CHI_TIET_THUOC").is_err(), "{cut}");
            }
        }
    }

    #[test]
    fn a_field_sent_twice_in_a_record_is_refused() {
        let twice = "<A><R><STT>1</STT><STT>2</STT></R></A>";
        assert_eq!(
            records::<Line>(twice, "R"),
            Err("field STT appears twice in a R record".to_string())
        );
        // A field the schema does not read may come twice: it is not looked at.
        let other = "<A><R><STT>1</STT><X>2</X><X>3</X></R></A>";
        assert_eq!(texts(&records::<Line>(other, "R").unwrap(), 0)[1], "1");
    }

    #[test]
    fn text_is_trimmed_of_any_white_space() {
        for (text, want) in [
            ("x", "x"),
            (" x\t", "x"),
            ("\u{a0}Thuốc ho\u{3000}", "Thuốc ho"),
            ("ố", "ố"),
            ("", ""),
            ("  ", ""),
        ] {
            assert_eq!(trimmed(text), want, "{text:?}");
            assert_eq!(trimmed(text), text.trim());
        }
    }

    crate::schema!(
        #[allow(dead_code)] // only its names are used
        Long {
            MA_DOITUONG_KCB,
            MA_DOITUONG_KCB_X,
            MA_DOITUONG_X_KCB,
            NAM_NAM_LIEN_TUC,
            A,
            AB
        }
    );

    /// What a slot look-up should find: the position of the name among the schema's names.
    fn slot_by_search(names: &[&str], name: &[u8]) -> Option<usize> {
        names.iter().position(|n| n.as_bytes() == name)
    }

    #[test]
    fn every_name_of_a_schema_finds_its_slot_and_no_other_name_does() {
        use crate::claim::{LineField, SummaryField};
        let schemas: [(&Slots, &[&str]); 4] = [
            (LineField::slots(), LineField::NAMES),
            (SummaryField::slots(), SummaryField::NAMES),
            (Line::slots(), Line::NAMES),
            (Long::slots(), Long::NAMES),
        ];
        for (slots, names) in schemas {
            for (slot, name) in names.iter().enumerate() {
                assert_eq!(slots.of(name.as_bytes()), Some(slot), "{name}");
                // In place in a longer text, and right at its end (fewer than 8 bytes after).
                let text = format!("<{name}>1</{name}>");
                let at = 1 + name.len();
                assert_eq!(slots.at(text.as_bytes(), 1, at), Some(slot), "{name}");
                assert!(slots.is(slot, text.as_bytes(), at + 4, text.len() - 1));
                let end = format!("<{name}");
                assert_eq!(slots.at(end.as_bytes(), 1, end.len()), Some(slot));
            }
            for other in [
                "",
                "M",
                "MA",
                "MA_L",
                "MA_LK_",
                "_MA_LK",
                "ma_lk",
                "MA_THE",
                "MA_DOITUONG_KC",
                "MA_DOITUONG_KCC",
                "MA_DOITUONG_KCB_Y",
                "MA_DOITUONG__KCB_X",
                "MA_DOITUONG_KCB_XX",
                "NAM_NAM_LIEN_TUD",
                "TEN_THUOC_",
                "T_BNCCT_",
                "A\0",
                "B",
                // Longer than 16 bytes, the same first and last eight as MA_DOITUONG_KCB_X.
                "MA_DOITUZNG_KCB_X",
            ] {
                assert_eq!(
                    slots.of(other.as_bytes()),
                    slot_by_search(names, other.as_bytes()),
                    "{other}"
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Eight bytes at a time finds what a byte-by-byte loop finds.
        #[test]
        fn first_of_finds_the_first_of_either_byte(
            bytes in proptest::collection::vec(prop::sample::select(
                vec![b'<', b'&', b'a', 0x3d, 0x3b, 0x25, 0x00, 0xbc, 0xff, 0x01]
            ), 0..40),
            from in 0usize..40,
        ) {
            let from = from.min(bytes.len());
            let naive = (from..bytes.len())
                .find(|&i| bytes[i] == b'<' || bytes[i] == b'&')
                .unwrap_or(bytes.len());
            prop_assert_eq!(first_of(&bytes, from, b'<', b'&'), naive);
        }

        /// Any name finds the slot a search of the names finds (and a name of the schema with one
        /// byte changed finds none).
        #[test]
        fn a_slot_look_up_finds_what_a_search_finds(
            pick in 0usize..6,
            change in proptest::option::of((0usize..24, any::<u8>())),
            noise in proptest::collection::vec(any::<u8>(), 0..24),
        ) {
            let mut name = Long::NAMES[pick].as_bytes().to_vec();
            if let Some((at, byte)) = change {
                let at = at % name.len();
                name[at] = byte;
            }
            prop_assert_eq!(Long::slots().of(&name), slot_by_search(Long::NAMES, &name));
            prop_assert_eq!(Long::slots().of(&noise), slot_by_search(Long::NAMES, &noise));
            use crate::claim::LineField;
            prop_assert_eq!(LineField::slots().of(&noise), slot_by_search(LineField::NAMES, &noise));
        }

        /// Whatever the scan accepts, quick-xml reads to the same records: the fast path never
        /// accepts what the strict reader refuses, nor reads it differently.
        #[test]
        fn the_scan_agrees_with_quick_xml(
            cuts in proptest::collection::vec((0usize..400, prop::sample::select(
                vec![b'<', b'>', b'/', b'&', b' ', b'\n', b'x', b'"', b'=', b'!', b'?', b'-', 0xC3u8]
            )), 0..4),
            removes in proptest::collection::vec(0usize..400, 0..3),
            keep in 0usize..500,
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
            // A table cut short, as a transfer that stopped.
            bytes.truncate(keep);
            if let Ok(text) = std::str::from_utf8(&bytes) {
                let (fast, slow) = both(text, "CHI_TIET_THUOC");
                if let Ok(fast) = fast {
                    prop_assert_eq!(Ok(fast), slow);
                }
            }
        }
    }
}
