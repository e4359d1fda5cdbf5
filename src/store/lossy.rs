//! Reading text another program may have written as invalid UTF-8: shown
//! and exported with U+FFFD in place of the bad bytes instead of failing the
//! whole read (`doctor` lists such rows). Rows are read with
//! [`LossyRow::lossy`] where `Row::get` would refuse them.

use rusqlite::types::{FromSql, FromSqlResult, ValueRef};
use rusqlite::Row;

/// A column value read with invalid UTF-8 replaced.
pub trait Lossy: Sized {
    fn lossy(value: ValueRef<'_>) -> FromSqlResult<Self>;
}

impl Lossy for String {
    fn lossy(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Text(bytes) => Ok(String::from_utf8_lossy(bytes).into_owned()),
            other => String::column_result(other),
        }
    }
}

impl Lossy for Option<String> {
    fn lossy(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Null => Ok(None),
            other => String::lossy(other).map(Some),
        }
    }
}

/// Types that are never text read as they always are.
macro_rules! plain {
    ($($t:ty),*) => {$(
        impl Lossy for $t {
            fn lossy(value: ValueRef<'_>) -> FromSqlResult<Self> {
                <$t as FromSql>::column_result(value)
            }
        }
    )*};
}
plain!(
    i64,
    i32,
    u8,
    u32,
    bool,
    f64,
    Option<i64>,
    Option<i32>,
    Option<u32>,
    Option<bool>,
    crate::domain::ticket::Status,
    crate::domain::ticket::Board,
    crate::domain::ticket::Source,
    crate::domain::ticket::Priority,
    crate::domain::permissions::SecurityLevel,
    Option<crate::domain::permissions::SecurityLevel>
);

/// [`Row::get`] with [`Lossy`] text.
pub trait LossyRow {
    fn lossy<T: Lossy>(&self, idx: usize) -> rusqlite::Result<T>;
}

impl LossyRow for Row<'_> {
    fn lossy<T: Lossy>(&self, idx: usize) -> rusqlite::Result<T> {
        let value = self.get_ref(idx)?;
        T::lossy(value).map_err(|e| match e {
            rusqlite::types::FromSqlError::InvalidType => {
                rusqlite::Error::InvalidColumnType(idx, format!("column {idx}"), value.data_type())
            }
            other => rusqlite::Error::FromSqlConversionFailure(
                idx,
                value.data_type(),
                format!("{}: {other}", self.place(idx)).into(),
            ),
        })
    }
}

trait Place {
    /// "column board of row 7": the column by name, the row by its id when
    /// the statement reads one first.
    fn place(&self, idx: usize) -> String;
}

impl Place for Row<'_> {
    fn place(&self, idx: usize) -> String {
        let stmt = self.as_ref();
        let column = stmt.column_name(idx).unwrap_or("?");
        let column = column.rsplit('.').next().unwrap_or(column);
        let id = (idx > 0 && stmt.column_name(0).is_ok_and(|n| n == "id" || n.ends_with(".id")))
            .then(|| self.get::<_, i64>(0).ok())
            .flatten();
        match id {
            Some(id) => format!("column {column} of row {id}"),
            None => format!("column {column}"),
        }
    }
}

/// A text value that is not valid UTF-8: table, column, rowid.
pub type BadText = (String, String, i64);

/// Every stored text value that is not valid UTF-8 (for `doctor`), in the
/// store's own tables; full-text index tables are derived and skipped.
pub fn invalid_utf8(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<BadText>> {
    let mut tables = conn.prepare(
        "SELECT name FROM sqlite_master m WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
           AND sql NOT LIKE 'CREATE VIRTUAL%' AND sql NOT LIKE '%WITHOUT ROWID%'
           AND NOT EXISTS (SELECT 1 FROM sqlite_master v WHERE v.sql LIKE 'CREATE VIRTUAL%' AND m.name LIKE v.name || '_%')",
    )?;
    let tables: Vec<String> = tables.query_map((), |r| r.get(0))?.collect::<Result<_, _>>()?;
    let mut bad = Vec::new();
    for table in tables {
        let mut cols = conn.prepare("SELECT name FROM pragma_table_info(?1) WHERE type = 'TEXT'")?;
        let cols: Vec<String> = cols.query_map([&table], |r| r.get(0))?.collect::<Result<_, _>>()?;
        for col in cols {
            let sql = format!("SELECT rowid, \"{col}\" FROM \"{table}\" WHERE typeof(\"{col}\") = 'text'");
            let mut stmt = conn.prepare(&sql)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                if let ValueRef::Text(bytes) = r.get_ref(1)? {
                    if std::str::from_utf8(bytes).is_err() {
                        bad.push((table.clone(), col.clone(), r.get(0)?));
                    }
                }
            }
        }
    }
    Ok(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_reads_with_replacement() {
        let conn = rusqlite::Connection::open_in_memory().expect("db");
        let (s, n): (String, Option<String>) = conn
            .query_row("SELECT CAST(X'48ff69' AS TEXT), NULL", (), |r| {
                Ok((r.lossy(0)?, r.lossy(1)?))
            })
            .expect("read");
        assert_eq!((s.as_str(), n), ("H\u{fffd}i", None));
    }
}
