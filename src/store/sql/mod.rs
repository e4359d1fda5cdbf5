//! One way to run SQL on either engine, so that a query portable between
//! SQLite and PostgreSQL is written once: the store's functions take a
//! `&dyn Sql` and call the methods below, which read like rusqlite's. The
//! few queries that differ ask [`Sql::dialect`] for their words.
//!
//! Values go in as rusqlite's `ToSql` and come out through rusqlite's
//! `FromSql` (and the store's [`Lossy`]), so the guide's typed words are
//! converted in one place for both engines. Errors stay rusqlite's: a
//! server's error travels inside one, and [`server_error`] finds it again.

mod args;
mod dialect;
pub mod lite;
pub mod pg;
mod pg_cells;
mod placeholders;

use rusqlite::types::{FromSql, ToSql, Value, ValueRef};

pub use args::Args;
pub use dialect::Dialect;
pub use pg::PgConn;

use super::lossy::Lossy;

pub type Result<T> = rusqlite::Result<T>;

/// A write takes the store's one write lock first (SQLite's BEGIN
/// IMMEDIATE; a transaction-level advisory lock on PostgreSQL), so writes
/// run one after another on both engines. A read sees one snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Read,
}

/// A connection to a store on either engine.
pub trait Sql {
    fn dialect(&self) -> Dialect;
    /// The SQLite connection, for what only SQLite has (its rank
    /// function, interrupts, backups); None on a server.
    fn lite(&self) -> Option<&rusqlite::Connection> {
        None
    }
    /// Runs `sql` once with `params`, calling `each` for every row.
    fn each_row(&self, sql: &str, params: &[&dyn ToSql], each: &mut dyn FnMut(&Row<'_>) -> Result<()>) -> Result<()>;
    /// Runs a statement that returns no rows; the number of rows changed.
    fn execute_with(&self, sql: &str, params: &[&dyn ToSql]) -> Result<usize>;
    /// Runs statements without parameters, one after another.
    fn execute_batch(&self, sql: &str) -> Result<()>;
    /// Opens a transaction, ended by [`Tx::commit`] or rolled back when dropped.
    fn begin(&self, mode: Mode) -> Result<Tx<'_>>;
    #[doc(hidden)]
    fn end(&self, commit: bool) -> Result<()>;
}

impl dyn Sql + '_ {
    /// Every row, mapped.
    pub fn query_vec<T>(
        &self,
        sql: &str,
        params: impl Args,
        mut f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        params.with(|p| {
            self.each_row(sql, p, &mut |r| {
                out.push(f(r)?);
                Ok(())
            })
        })?;
        Ok(out)
    }

    /// The first row, or None.
    pub fn query_opt<T>(
        &self,
        sql: &str,
        params: impl Args,
        mut f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut out = None;
        params.with(|p| {
            self.each_row(sql, p, &mut |r| {
                if out.is_none() {
                    out = Some(f(r)?);
                }
                Ok(())
            })
        })?;
        Ok(out)
    }

    /// The first row; `QueryReturnedNoRows` when there is none.
    pub fn query_row<T>(&self, sql: &str, params: impl Args, f: impl FnMut(&Row<'_>) -> Result<T>) -> Result<T> {
        self.query_opt(sql, params, f)?
            .ok_or(rusqlite::Error::QueryReturnedNoRows)
    }

    /// The first column of the first row.
    pub fn one<T: FromSql>(&self, sql: &str, params: impl Args) -> Result<T> {
        self.query_row(sql, params, |r| r.get(0))
    }

    /// Runs an INSERT of one row; the new row's id (by `RETURNING id`,
    /// which both engines read).
    pub fn insert(&self, sql: &str, params: impl Args) -> Result<i64> {
        self.one(&format!("{sql} RETURNING id"), params)
    }

    /// [`Sql::execute_with`] with any [`Args`].
    pub fn execute(&self, sql: &str, params: impl Args) -> Result<usize> {
        params.with(|p| self.execute_with(sql, p))
    }

    /// A statement to run more than once (as rusqlite's): both engines
    /// cache what they prepare, so this only keeps the text.
    pub fn prepare_cached<'s>(&'s self, sql: &str) -> Result<Stmt<'s>> {
        Ok(Stmt {
            conn: self,
            sql: sql.to_string(),
        })
    }

    /// As [`prepare_cached`](Self::prepare_cached).
    pub fn prepare<'s>(&'s self, sql: &str) -> Result<Stmt<'s>> {
        self.prepare_cached(sql)
    }
}

/// A statement's text on its connection ([`prepare_cached`](dyn Sql::prepare_cached)).
pub struct Stmt<'a> {
    conn: &'a (dyn Sql + 'a),
    sql: String,
}

impl Stmt<'_> {
    /// Every row, mapped (read whole, then handed out as rusqlite's are).
    pub fn query_map<T>(
        &mut self,
        params: impl Args,
        f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<std::vec::IntoIter<Result<T>>> {
        let rows = self.conn.query_vec(&self.sql, params, f)?;
        Ok(rows.into_iter().map(Ok).collect::<Vec<_>>().into_iter())
    }

    pub fn query_row<T>(&mut self, params: impl Args, f: impl FnMut(&Row<'_>) -> Result<T>) -> Result<T> {
        self.conn.query_row(&self.sql, params, f)
    }

    pub fn query_opt<T>(&mut self, params: impl Args, f: impl FnMut(&Row<'_>) -> Result<T>) -> Result<Option<T>> {
        self.conn.query_opt(&self.sql, params, f)
    }

    pub fn execute(&mut self, params: impl Args) -> Result<usize> {
        self.conn.execute(&self.sql, params)
    }

    pub fn exists(&mut self, params: impl Args) -> Result<bool> {
        Ok(self.conn.query_opt(&self.sql, params, |_| Ok(()))?.is_some())
    }
}

/// Parameters from owned values (a query built clause by clause).
pub fn args(values: &[Value]) -> Vec<&dyn ToSql> {
    values.iter().map(|v| v as &dyn ToSql).collect()
}

/// An open transaction; dropped without [`Tx::commit`], it rolls back.
pub struct Tx<'a> {
    conn: &'a dyn Sql,
    open: bool,
}

impl<'a> Tx<'a> {
    /// Called by an engine once its BEGIN has run.
    fn started(conn: &'a dyn Sql) -> Tx<'a> {
        Tx { conn, open: true }
    }

    pub fn commit(mut self) -> Result<()> {
        self.open = false;
        self.conn.end(true)
    }

    pub fn rollback(mut self) -> Result<()> {
        self.open = false;
        self.conn.end(false)
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            if let Err(e) = self.conn.end(false) {
                tracing::warn!(error = %e, "rolling back a transaction failed");
            }
        }
    }
}

/// A transaction is its connection, inside the transaction.
impl Sql for Tx<'_> {
    fn dialect(&self) -> Dialect {
        self.conn.dialect()
    }
    fn lite(&self) -> Option<&rusqlite::Connection> {
        self.conn.lite()
    }
    fn each_row(&self, sql: &str, params: &[&dyn ToSql], each: &mut dyn FnMut(&Row<'_>) -> Result<()>) -> Result<()> {
        self.conn.each_row(sql, params, each)
    }
    fn execute_with(&self, sql: &str, params: &[&dyn ToSql]) -> Result<usize> {
        self.conn.execute_with(sql, params)
    }
    fn execute_batch(&self, sql: &str) -> Result<()> {
        self.conn.execute_batch(sql)
    }
    fn begin(&self, _mode: Mode) -> Result<Tx<'_>> {
        Err(rusqlite::Error::ToSqlConversionFailure(
            "a transaction was begun inside another".into(),
        ))
    }
    fn end(&self, _commit: bool) -> Result<()> {
        Ok(())
    }
}

impl<'a> std::ops::Deref for Tx<'a> {
    type Target = dyn Sql + 'a;
    fn deref(&self) -> &Self::Target {
        self.conn
    }
}

/// A column's index (as rusqlite's `RowIndex`, by position only).
pub trait Idx {
    fn index(self) -> usize;
}

impl Idx for usize {
    fn index(self) -> usize {
        self
    }
}

/// One row of a result, on either engine.
pub enum Row<'a> {
    Lite(&'a rusqlite::Row<'a>),
    Pg(&'a postgres::Row),
}

impl Row<'_> {
    /// Column `idx` as `T`, strictly (as rusqlite's `Row::get`).
    pub fn get<I: Idx, T: FromSql>(&self, idx: I) -> Result<T> {
        let idx = idx.index();
        match self {
            Row::Lite(r) => r.get(idx),
            Row::Pg(r) => {
                let cell = pg_cells::cell(r, idx)?;
                T::column_result(cell.as_ref()).map_err(|e| pg_cells::conversion(r, idx, e))
            }
        }
    }

    /// Column `idx` as `T`, invalid UTF-8 replaced ([`Lossy`]).
    pub fn lossy<T: Lossy>(&self, idx: usize) -> Result<T> {
        match self {
            Row::Lite(r) => super::lossy::LossyRow::lossy(*r, idx),
            Row::Pg(r) => {
                let cell = pg_cells::cell(r, idx)?;
                T::lossy(cell.as_ref()).map_err(|e| pg_cells::conversion(r, idx, e))
            }
        }
    }

    /// The raw value of column `idx`.
    pub fn value(&self, idx: usize) -> Result<Value> {
        match self {
            Row::Lite(r) => Ok(Value::column_result(r.get_ref(idx)?)?),
            Row::Pg(r) => Ok(Value::column_result(pg_cells::cell(r, idx)?.as_ref())?),
        }
    }
}

/// A server's error, carried inside a rusqlite error.
#[derive(Debug)]
pub struct ServerError(pub postgres::Error);

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&super::pg::words(&self.0))
    }
}

/// Its words already say the server's whole error, so it names no source
/// (which would say them twice).
impl std::error::Error for ServerError {}

pub(crate) fn from_server(e: postgres::Error) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(ServerError(e)))
}

/// The server's error inside `e`, if it came from PostgreSQL.
pub fn server_error(e: &rusqlite::Error) -> Option<&postgres::Error> {
    match e {
        rusqlite::Error::ToSqlConversionFailure(b) => b.downcast_ref::<ServerError>().map(|s| &s.0),
        _ => None,
    }
}

/// A cell read off either engine: borrowed from SQLite, owned from a server.
pub(crate) enum Cell<'a> {
    Borrowed(ValueRef<'a>),
    Owned(Value),
}

impl Cell<'_> {
    fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Cell::Borrowed(v) => *v,
            Cell::Owned(v) => ValueRef::from(v),
        }
    }
}

/// A boxed connection is a connection (what `Context::open_store` gives).
impl<S: Sql + ?Sized> Sql for Box<S> {
    fn dialect(&self) -> Dialect {
        (**self).dialect()
    }
    fn lite(&self) -> Option<&rusqlite::Connection> {
        (**self).lite()
    }
    fn each_row(&self, sql: &str, params: &[&dyn ToSql], each: &mut dyn FnMut(&Row<'_>) -> Result<()>) -> Result<()> {
        (**self).each_row(sql, params, each)
    }
    fn execute_with(&self, sql: &str, params: &[&dyn ToSql]) -> Result<usize> {
        (**self).execute_with(sql, params)
    }
    fn execute_batch(&self, sql: &str) -> Result<()> {
        (**self).execute_batch(sql)
    }
    fn begin(&self, mode: Mode) -> Result<Tx<'_>> {
        (**self).begin(mode)
    }
    fn end(&self, commit: bool) -> Result<()> {
        (**self).end(commit)
    }
}
