//! What `doctor` and `backup` ask of the store file itself: integrity,
//! references, text that is not UTF-8, and a consistent copy.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

/// Tickets in the store.
pub fn ticket_count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM tickets", (), |r| r.get(0))
}

/// A copy of the store at `target`, from one snapshot (`VACUUM INTO`), so
/// it is consistent while others write.
pub fn copy_into(conn: &Connection, target: &str) -> rusqlite::Result<usize> {
    conn.execute("VACUUM INTO ?1", [target])
}

/// SQLite's quick check of a store file, opened read-only: true when it is sound.
pub fn quick_check(path: &Path) -> rusqlite::Result<bool> {
    let copy = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let result: String = copy.query_row("PRAGMA quick_check", (), |r| r.get(0))?;
    Ok(result == "ok")
}

/// Integrity, dangling references and text that is not UTF-8, in words.
pub fn check(conn: &Connection, problems: &mut Vec<String>) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let integrity: Vec<String> = stmt.query_map((), |r| r.get(0))?.collect::<Result<_, _>>()?;
    if integrity != ["ok"] {
        problems.extend(integrity.into_iter().map(|l| format!("integrity: {l}")));
    }
    let fk: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", (), |r| r.get(0))?;
    if fk > 0 {
        problems.push(format!("{fk} rows point at records that do not exist"));
    }
    let bad = super::lossy::invalid_utf8(conn)?;
    for (table, column, rowid) in bad.iter().take(20) {
        problems.push(format!(
            "{table}.{column} of row {rowid} is not valid UTF-8 (another program wrote it); it is shown and exported with U+FFFD"
        ));
    }
    if bad.len() > 20 {
        problems.push(format!("{} more values are not valid UTF-8", bad.len() - 20));
    }
    unknown_words(conn, problems)
}

/// Boards and sources are the only words the schema does not check (status,
/// priority, role and security level have CHECK constraints); a value
/// another program wrote there stops the ticket from loading.
fn unknown_words(conn: &Connection, problems: &mut Vec<String>) -> rusqlite::Result<()> {
    use crate::domain::ticket::{Board, Source};
    let quoted = |words: Vec<&str>| {
        words
            .iter()
            .map(|w| format!("'{}'", w.replace('\'', "''")))
            .collect::<Vec<_>>()
            .join(",")
    };
    let boards = quoted(Board::ALL.iter().map(|b| b.as_str()).collect());
    let sources = quoted(Source::ALL.iter().map(|s| s.as_str()).collect());
    for (column, words, what) in [("board", &boards, "board"), ("source", &sources, "source")] {
        let sql = format!("SELECT id, {column} FROM tickets WHERE {column} NOT IN ({words}) ORDER BY id LIMIT 21");
        let mut stmt = conn.prepare(&sql)?;
        let rows: Vec<(i64, String)> = stmt
            .query_map((), |r| Ok((r.get(0)?, super::lossy::LossyRow::lossy(r, 1)?)))?
            .collect::<Result<_, _>>()?;
        for (id, value) in rows.iter().take(20) {
            problems.push(format!(
                "tickets.{column} of row {id} is {value:?}, not a {what} pimdesk knows; the ticket cannot be shown or changed until it holds one of {}",
                words.replace('\'', "")
            ));
        }
        if rows.len() > 20 {
            problems.push(format!("more tickets hold an unknown {what}"));
        }
    }
    Ok(())
}
