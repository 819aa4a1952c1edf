//! A list or report as a file to download: CSV (UTF-8 with a BOM, so that spreadsheet programs
//! read Vietnamese names right) or XLSX (`rust_xlsxwriter`), with the same header row and the
//! same rows as the page shows. Amounts stay whole numbers of đồng (never formatted text), so
//! that a clerk can sum them.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A cell of an exported row.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    /// Whole đồng or a count.
    Number(i64),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Number(n)
    }
}

/// Which file a list is asked for as (`?format=csv|xlsx`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// The format of a `format` query value: none for the page itself.
    pub fn of(value: Option<&str>) -> Result<Option<Format>, String> {
        match value.map(str::trim) {
            None | Some("") | Some("html") => Ok(None),
            Some("csv") => Ok(Some(Format::Csv)),
            Some("xlsx") => Ok(Some(Format::Xlsx)),
            Some(other) => Err(format!("format `{other}` is not html, csv or xlsx")),
        }
    }
}

/// The CSV text of a table.
pub fn csv_bytes(headers: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(headers)?;
    for row in rows {
        w.write_record(row.iter().map(|c| match c {
            Cell::Text(t) => inert(t),
            Cell::Number(n) => n.to_string(),
        }))?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// A text cell a spreadsheet will not run: text that would start a formula (`=`, `+`, `-`, `@`,
/// a tab or a carriage return — a name typed as `=HYPERLINK(…)` by an employer's clerk) is
/// prefixed with an apostrophe, as OWASP's CSV-injection guidance advises. Numbers are
/// `Cell::Number` and never touched; XLSX cells are written as strings, never as formulas.
fn inert(t: &str) -> String {
    match t.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{t}"),
        _ => t.to_string(),
    }
}

/// The XLSX workbook of a table: one sheet, the header row bold and frozen.
pub fn xlsx_bytes(
    sheet: &str,
    headers: &[&str],
    rows: &[Vec<Cell>],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format as Style, Workbook};
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet)?;
    let bold = Style::new().set_bold();
    let money = Style::new().set_num_format("#,##0");
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(t) => ws.write_string(r, c as u16, t)?,
                // Exact as floating point up to 2^53 đồng, far beyond any amount of a list.
                Cell::Number(n) => ws.write_number_with_format(r, c as u16, *n as f64, &money)?,
            };
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofit();
    book.save_to_buffer()
}

/// The response carrying a table as a download named `name.csv` / `name.xlsx`.
pub fn download(format: Format, name: &str, headers: &[&str], rows: &[Vec<Cell>]) -> Response {
    let (bytes, kind, ext) = match format {
        Format::Csv => (
            csv_bytes(headers, rows).map_err(|e| e.to_string()),
            "text/csv; charset=utf-8",
            "csv",
        ),
        Format::Xlsx => (
            xlsx_bytes(name, headers, rows).map_err(|e| e.to_string()),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    match bytes {
        Ok(bytes) => {
            let mut res = bytes.into_response();
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
            if let Ok(v) = format!("attachment; filename=\"{name}.{ext}\"").parse() {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            res
        }
        Err(e) => {
            tracing::error!(error = %e, "export");
            (StatusCode::INTERNAL_SERVER_ERROR, "the export failed").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> (Vec<&'static str>, Vec<Vec<Cell>>) {
        (
            vec!["employer", "unpaid"],
            vec![
                vec!["Công ty Dệt, \"Thành Công\"".into(), 3_200_000i64.into()],
                vec!["DV2".into(), 0i64.into()],
            ],
        )
    }

    #[test]
    fn csv_is_utf8_with_a_bom_and_quotes_what_needs_it() {
        let (h, rows) = table();
        let text = String::from_utf8(csv_bytes(&h, &rows).unwrap()).unwrap();
        assert_eq!(
            text,
            "\u{feff}employer,unpaid\n\"Công ty Dệt, \"\"Thành Công\"\"\",3200000\nDV2,0\n"
        );
    }

    #[test]
    fn xlsx_is_a_workbook_with_the_same_cells() {
        let (h, rows) = table();
        let bytes = xlsx_bytes("compliance", &h, &rows).unwrap();
        use calamine::{Data, Reader, Xlsx};
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("compliance").unwrap();
        let cells: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        assert_eq!(
            cells,
            vec![
                vec![
                    Data::String("employer".into()),
                    Data::String("unpaid".into())
                ],
                vec![
                    Data::String("Công ty Dệt, \"Thành Công\"".into()),
                    Data::Float(3_200_000.0)
                ],
                vec![Data::String("DV2".into()), Data::Float(0.0)],
            ]
        );
    }

    #[test]
    fn csv_text_that_would_be_a_formula_is_made_inert() {
        let rows = vec![vec![
            Cell::from("=HYPERLINK(\"http://x\")"),
            Cell::from("@SUM(A1)"),
            Cell::from("Nguyễn Văn A"),
            Cell::from(-5),
        ]];
        let text = String::from_utf8(csv_bytes(&["a", "b", "c", "d"], &rows).unwrap()).unwrap();
        let line = text.lines().nth(1).unwrap();
        assert_eq!(
            line,
            "\"'=HYPERLINK(\"\"http://x\"\")\",'@SUM(A1),Nguyễn Văn A,-5"
        );
    }

    #[test]
    fn formats_are_named() {
        assert_eq!(Format::of(None), Ok(None));
        assert_eq!(Format::of(Some("csv")), Ok(Some(Format::Csv)));
        assert_eq!(Format::of(Some("xlsx")), Ok(Some(Format::Xlsx)));
        assert!(Format::of(Some("pdf")).is_err());
    }
}
