//! PostgreSQL to a new SQLite file: one repeatable-read snapshot on the
//! server, one transaction in a file under a temporary name that becomes
//! the store only once the copy matches its source.

use std::path::Path;

use postgres::types::Type;
use rusqlite::types::Value;

use super::tally::Lite;
use super::{column_list, sqlite_columns, CopyError, Report, Tally, TABLES};
use crate::store::pg::{self, Server};
use crate::store::{OpenOptions, StoreError};

pub fn copy(
    server: &Server,
    path: &Path,
    opts: &OpenOptions,
    progress: &mut dyn FnMut(&str, i64),
) -> Result<Report, CopyError> {
    if path.exists() {
        return Err(CopyError::Refused(format!(
            "{} already exists; store copy writes a new SQLite store: choose a new file",
            path.display()
        )));
    }
    let mut client = server.connect()?;
    match pg::migrate::version(&mut client).map_err(|e| server.error(e))? {
        Some(v) if v == pg::migrate::CURRENT => {}
        Some(v) if v > pg::migrate::CURRENT => {
            return Err(StoreError::ServerNewer {
                url: server.shown.clone(),
                found: v,
                supported: pg::migrate::CURRENT,
            }
            .into())
        }
        _ => {
            return Err(CopyError::Refused(format!(
                "{} holds no pimdesk store of this version (schema table pimdesk_schema); nothing was written",
                server.shown
            )))
        }
    }
    let tmp = crate::files::temp_name(path);
    let result = fill(&mut client, server, &tmp, opts, progress);
    match result {
        Ok(report) => {
            std::fs::rename(&tmp, path).map_err(|e| StoreError::Io {
                path: path.to_path_buf(),
                source: e,
            })?;
            Ok(report)
        }
        Err(e) => {
            for suffix in ["", "-wal", "-shm"] {
                let mut name = tmp.clone().into_os_string();
                name.push(suffix);
                let _ = std::fs::remove_file(name);
            }
            Err(e)
        }
    }
}

fn fill(
    client: &mut postgres::Client,
    server: &Server,
    tmp: &Path,
    opts: &OpenOptions,
    progress: &mut dyn FnMut(&str, i64),
) -> Result<Report, CopyError> {
    let mut read = client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(|e| server.error(e))?;
    let mut conn = crate::store::open(tmp, opts)?;
    let target = tmp.display().to_string();
    let lite = |e: rusqlite::Error| StoreError::unusable(tmp, e);
    let write = conn.transaction().map_err(lite)?;
    write.pragma_update(None, "defer_foreign_keys", "ON").map_err(lite)?;
    let mut columns = std::collections::HashMap::new();
    for table in TABLES {
        let cols = sqlite_columns(&write, table).map_err(lite)?;
        let failed = |detail: String| CopyError::Failed {
            table: table.to_string(),
            target: target.clone(),
            detail,
        };
        let rows = copy_table(&mut read, &write, table, &cols).map_err(failed)?;
        progress(table, rows);
        columns.insert(*table, cols);
    }
    let cols = |t: &str| columns.get(t).cloned().unwrap_or_default();
    let tally_failed = |detail: String| CopyError::Failed {
        table: "the tally".into(),
        target: target.clone(),
        detail,
    };
    let want = Tally::of(&mut read, &cols).map_err(tally_failed)?;
    let got = Tally::of(&mut Lite(&write), &cols).map_err(tally_failed)?;
    let diff = want.differences(&got);
    if !diff.is_empty() {
        return Err(CopyError::Mismatch {
            target,
            detail: diff.join("; "),
        });
    }
    write.commit().map_err(|e| CopyError::Failed {
        table: "the commit".into(),
        target: target.clone(),
        detail: e.to_string(),
    })?;
    read.commit().map_err(|e| server.error(e))?;
    Ok(Report { tally: got })
}

/// Streams one table from the server into the file; returns its row count.
fn copy_table(
    read: &mut postgres::Transaction,
    write: &rusqlite::Connection,
    table: &str,
    columns: &[String],
) -> Result<i64, String> {
    let list = column_list(columns);
    let marks = (1..=columns.len())
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut insert = write
        .prepare(&format!("INSERT INTO {table} ({list}) VALUES ({marks})"))
        .map_err(|e| e.to_string())?;
    let params: [&dyn postgres::types::ToSql; 0] = [];
    let rows = read
        .query_raw(&format!("SELECT {list} FROM {table}"), params)
        .map_err(|e| pg::words(&e))?;
    let mut n = 0i64;
    let mut rows = rows;
    while let Some(row) = postgres::fallible_iterator::FallibleIterator::next(&mut rows).map_err(|e| pg::words(&e))? {
        let mut values = Vec::with_capacity(columns.len());
        for (i, c) in row.columns().iter().enumerate() {
            let value = match *c.type_() {
                Type::INT8 => row
                    .try_get::<_, Option<i64>>(i)
                    .map(|v| v.map_or(Value::Null, Value::Integer)),
                Type::TEXT => row
                    .try_get::<_, Option<String>>(i)
                    .map(|v| v.map_or(Value::Null, Value::Text)),
                Type::BYTEA => row
                    .try_get::<_, Option<Vec<u8>>>(i)
                    .map(|v| v.map_or(Value::Null, Value::Blob)),
                ref other => {
                    return Err(format!(
                        "column {} has type {other}, which this build does not copy",
                        c.name()
                    ))
                }
            }
            .map_err(|e| format!("row {} column {}: {e}", n + 1, c.name()))?;
            values.push(value);
        }
        insert
            .execute(rusqlite::params_from_iter(values))
            .map_err(|e| format!("row {}: {e}", n + 1))?;
        n += 1;
    }
    Ok(n)
}
