//! Bulk writes of many rows at once, the fastest way each backend offers through sqlx:
//! multi-row `INSERT … VALUES (…), (…)` statements on SQLite (one prepared statement per full
//! chunk, reused), `COPY … FROM STDIN (FORMAT csv)` on PostgreSQL. Row-by-row inserts are two
//! orders of magnitude slower and are never used for batch work.

use crate::StoreError;
use sqlx::{PgConnection, QueryBuilder, Sqlite, SqliteConnection};
use std::fmt::Write as _;

/// One value of a row.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Cell<'a> {
    Text(&'a str),
    Int(i64),
    /// SQL NULL of a BIGINT column.
    NullInt,
    /// SQL NULL of a TEXT column.
    NullText,
}

impl<'a> Cell<'a> {
    pub(crate) fn opt_int(v: Option<i64>) -> Cell<'a> {
        v.map_or(Cell::NullInt, Cell::Int)
    }

    pub(crate) fn opt_text(v: Option<&'a str>) -> Cell<'a> {
        v.map_or(Cell::NullText, Cell::Text)
    }
}

/// A row that can be written in bulk: its cells in the order of the columns given.
pub(crate) trait BulkRow {
    fn cells<'a>(&'a self, out: &mut Vec<Cell<'a>>);
}

/// SQLite allows 32,766 bound values per statement.
const SQLITE_MAX_VALUES: usize = 32_000;

/// A connection that can take many rows at once.
pub(crate) trait BulkInsert {
    /// Appends `rows` to `table`; returns the number of rows written.
    async fn insert_rows<R: BulkRow + Sync>(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[R],
    ) -> Result<u64, StoreError>;
}

impl BulkInsert for SqliteConnection {
    async fn insert_rows<R: BulkRow + Sync>(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[R],
    ) -> Result<u64, StoreError> {
        let per_statement = (SQLITE_MAX_VALUES / columns.len()).clamp(1, 1000);
        let head = format!("INSERT INTO {table} ({}) ", columns.join(", "));
        let mut written = 0;
        let mut cells = Vec::with_capacity(columns.len());
        for chunk in rows.chunks(per_statement) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(&head);
            q.push_values(chunk, |mut b, row| {
                cells.clear();
                row.cells(&mut cells);
                for cell in &cells {
                    match *cell {
                        Cell::Text(t) => b.push_bind(t),
                        Cell::Int(i) => b.push_bind(i),
                        Cell::NullInt => b.push_bind(None::<i64>),
                        Cell::NullText => b.push_bind(None::<&str>),
                    };
                }
            });
            written += q.build().execute(&mut *self).await?.rows_affected();
        }
        Ok(written)
    }
}

impl BulkInsert for PgConnection {
    async fn insert_rows<R: BulkRow + Sync>(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[R],
    ) -> Result<u64, StoreError> {
        if rows.is_empty() {
            return Ok(0);
        }
        let mut copy = self
            .copy_in_raw(&format!(
                "COPY {table} ({}) FROM STDIN (FORMAT csv)",
                columns.join(", ")
            ))
            .await?;
        let mut buf = String::with_capacity(1 << 20);
        let mut cells = Vec::with_capacity(columns.len());
        for row in rows {
            cells.clear();
            row.cells(&mut cells);
            csv_record(&mut buf, &cells);
            if buf.len() > (1 << 20) - 4096 {
                copy.send(std::mem::take(&mut buf).into_bytes()).await?;
                buf.reserve(1 << 20);
            }
        }
        if !buf.is_empty() {
            copy.send(buf.into_bytes()).await?;
        }
        Ok(copy.finish().await?)
    }
}

/// One CSV record as PostgreSQL's COPY reads it: text always quoted (so an empty string is not
/// NULL), NULL as an empty unquoted field.
fn csv_record(buf: &mut String, cells: &[Cell]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            buf.push(',');
        }
        match *cell {
            Cell::Text(t) => {
                buf.push('"');
                for ch in t.chars() {
                    if ch == '"' {
                        buf.push('"');
                    }
                    buf.push(ch);
                }
                buf.push('"');
            }
            Cell::Int(v) => {
                let _ = write!(buf, "{v}");
            }
            Cell::NullInt | Cell::NullText => {}
        }
    }
    buf.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_text_and_leaves_null_empty() {
        let mut buf = String::new();
        csv_record(
            &mut buf,
            &[
                Cell::Text("a\"b,c"),
                Cell::Text(""),
                Cell::Int(-5),
                Cell::NullInt,
                Cell::opt_text(None),
            ],
        );
        assert_eq!(buf, "\"a\"\"b,c\",\"\",-5,,\n");
    }
}
