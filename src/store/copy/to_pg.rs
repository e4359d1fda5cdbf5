//! SQLite to PostgreSQL: one read snapshot of the file, one transaction on
//! the server, each table streamed through `COPY … FROM STDIN`.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use rusqlite::types::ValueRef;

use super::tally::Lite;
use super::{column_list, sqlite_columns, CopyError, Report, Tally, DERIVED_TABLES, TABLES};
use crate::store::pg::{self, Server};
use crate::store::{OpenOptions, StoreError};

/// The advisory lock a copy holds on its target ("pimcopy" in ASCII).
const COPY_LOCK: i64 = 0x0070_696d_636f_7079;

pub fn copy(
    path: &Path,
    server: &Server,
    opts: &OpenOptions,
    progress: &mut dyn FnMut(&str, i64),
) -> Result<Report, CopyError> {
    let source = super::open_sqlite_source(path, opts)?;
    let mut client = server.connect()?;
    pg::migrate::migrate(&mut client, server)?;
    // One snapshot of the file for every table and the tally.
    let read = rusqlite::Transaction::new_unchecked(&source, rusqlite::TransactionBehavior::Deferred)
        .map_err(|e| StoreError::unusable(path, e))?;
    let mut tx = client.transaction().map_err(|e| server.error(e))?;
    let failed = |table: &str, detail: String| CopyError::Failed {
        table: table.to_string(),
        target: server.shown.clone(),
        detail,
    };
    // Two copies to one database at once: the second waits here, then
    // finds the first's rows and is refused.
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&COPY_LOCK])
        .map_err(|e| server.error(e))?;
    tx.batch_execute("SET CONSTRAINTS ALL DEFERRED")
        .map_err(|e| server.error(e))?;
    refuse_unless_empty(&mut tx, server)?;
    let present = server_columns(&mut tx).map_err(|e| server.error(e))?;
    let mut columns = std::collections::HashMap::new();
    for table in TABLES {
        let cols = sqlite_columns(&read, table).map_err(|e| StoreError::unusable(path, e))?;
        if let Some(c) = cols
            .iter()
            .find(|c| !present.contains(&(table.to_string(), (*c).clone())))
        {
            return Err(failed(
                table,
                format!("the server's schema has no column {c} (this build's two schemas differ)"),
            ));
        }
        let rows = copy_table(&read, &mut tx, table, &cols).map_err(|d| failed(table, d))?;
        progress(table, rows);
        columns.insert(*table, cols);
    }
    for table in TABLES {
        if present.contains(&(table.to_string(), "id".to_string())) {
            // The next id after the copied ones, for rows made on the server.
            let sql = format!(
                "SELECT setval(s, (SELECT coalesce(max(id), 0) + 1 FROM {table}), false) FROM pg_get_serial_sequence('{table}', 'id') AS s WHERE s IS NOT NULL"
            );
            tx.execute(&sql, &[]).map_err(|e| failed(table, pg::words(&e)))?;
        }
    }
    let cols = |t: &str| columns.get(t).cloned().unwrap_or_default();
    let want = Tally::of(&mut Lite(&read), &cols).map_err(|d| failed("the tally", d))?;
    let got = Tally::of(&mut tx, &cols).map_err(|d| failed("the tally", d))?;
    let diff = want.differences(&got);
    if !diff.is_empty() {
        return Err(CopyError::Mismatch {
            target: server.shown.clone(),
            detail: diff.join("; "),
        });
    }
    // Deferred foreign keys are checked here; a dangling one fails the commit.
    tx.commit().map_err(|e| failed("the commit", pg::words(&e)))?;
    drop(read);
    Ok(Report { tally: got })
}

/// A copy fills an empty store only: it never merges into one in use.
fn refuse_unless_empty(tx: &mut postgres::Transaction, server: &Server) -> Result<(), CopyError> {
    for table in TABLES.iter().chain(DERIVED_TABLES) {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {table})");
        let used: bool = tx.query_one(&sql, &[]).map_err(|e| server.error(e))?.get(0);
        if used {
            return Err(CopyError::Refused(format!(
                "the PostgreSQL store at {} already holds data (table {table} is not empty); store copy fills an empty store only, and nothing was changed there",
                server.shown
            )));
        }
    }
    Ok(())
}

/// Every (table, column) of the server's schema that can be written.
fn server_columns(tx: &mut postgres::Transaction) -> Result<HashSet<(String, String)>, postgres::Error> {
    let rows = tx.query(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
          WHERE table_schema = current_schema() AND is_generated = 'NEVER'",
        &[],
    )?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Streams one table; returns its row count.
fn copy_table(
    read: &rusqlite::Connection,
    tx: &mut postgres::Transaction,
    table: &str,
    columns: &[String],
) -> Result<i64, String> {
    let list = column_list(columns);
    let mut stmt = read
        .prepare(&format!("SELECT {list} FROM {table}"))
        .map_err(|e| e.to_string())?;
    let writer = tx
        .copy_in(&format!("COPY {table} ({list}) FROM STDIN"))
        .map_err(|e| pg::words(&e))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, writer);
    let mut rows = stmt.query([]).map_err(|e| e.to_string())?;
    let mut n = 0i64;
    let mut line = Vec::new();
    while let Some(row) = rows.next().map_err(|e| e.to_string())? {
        line.clear();
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                line.push(b'\t');
            }
            let value = row.get_ref(i).map_err(|e| e.to_string())?;
            field(&mut line, value).map_err(|why| {
                let which = match (columns[0].as_str(), row.get_ref(0)) {
                    ("id", Ok(ValueRef::Integer(id))) => format!("the row with id {id}"),
                    _ => format!("row {}", n + 1),
                };
                format!("{which}, column {c}: {why}")
            })?;
        }
        line.push(b'\n');
        out.write_all(&line).map_err(|e| e.to_string())?;
        n += 1;
    }
    let writer = out.into_inner().map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| pg::words(&e))?;
    Ok(n)
}

/// One value in COPY's text format.
fn field(line: &mut Vec<u8>, value: ValueRef) -> Result<(), String> {
    match value {
        ValueRef::Null => line.extend_from_slice(b"\\N"),
        ValueRef::Integer(i) => line.extend_from_slice(i.to_string().as_bytes()),
        ValueRef::Real(f) => line.extend_from_slice(f.to_string().as_bytes()),
        ValueRef::Text(bytes) => {
            let text = std::str::from_utf8(bytes).map_err(|_| "text that is not UTF-8".to_string())?;
            if text.contains('\0') {
                return Err("text with a NUL character, which PostgreSQL text cannot hold".into());
            }
            for b in text.bytes() {
                match b {
                    b'\\' => line.extend_from_slice(b"\\\\"),
                    b'\n' => line.extend_from_slice(b"\\n"),
                    b'\r' => line.extend_from_slice(b"\\r"),
                    b'\t' => line.extend_from_slice(b"\\t"),
                    b => line.push(b),
                }
            }
        }
        ValueRef::Blob(bytes) => {
            // bytea's hex input, its backslash escaped for COPY.
            line.extend_from_slice(b"\\\\x");
            for b in bytes {
                line.extend_from_slice(format!("{b:02x}").as_bytes());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: ValueRef) -> String {
        let mut line = Vec::new();
        field(&mut line, v).unwrap();
        String::from_utf8(line).unwrap()
    }

    #[test]
    fn values_are_written_in_copy_text_format() {
        assert_eq!(text(ValueRef::Null), "\\N");
        assert_eq!(text(ValueRef::Integer(-42)), "-42");
        assert_eq!(text(ValueRef::Text(b"a\tb\nc\\d\re")), "a\\tb\\nc\\\\d\\re");
        assert_eq!(text(ValueRef::Blob(&[0, 255, 16])), "\\\\x00ff10");
        let mut line = Vec::new();
        assert!(field(&mut line, ValueRef::Text(b"nul\0inside")).is_err());
    }
}
