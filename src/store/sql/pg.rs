//! [`Sql`] on a PostgreSQL connection (the blocking `postgres` client):
//! SQLite's placeholders renumbered, statements prepared once, values
//! converted by [`super::pg_cells`].

use std::cell::RefCell;
use std::collections::HashMap;

use rusqlite::types::ToSql;

use super::pg_cells::{arg, Arg};
use super::placeholders::to_dollars;
use super::{from_server, Dialect, Mode, Result, Row, Sql, Tx};
use crate::store::pg::Server;
use crate::store::StoreError;

/// The store's one write lock on a server: every write transaction takes
/// it first, so writes follow one another as on SQLite (whose BEGIN
/// IMMEDIATE takes the file's write lock), and each sees all before it.
pub const WRITE_LOCK: i64 = 0x0070_696d_6477_7269;

pub struct PgConn {
    client: RefCell<postgres::Client>,
    statements: RefCell<HashMap<String, postgres::Statement>>,
    server: Server,
}

impl PgConn {
    /// Connects to the store on `server`, migrating its schema (exit code
    /// 3, with the server's words, when it cannot).
    pub fn open(server: &Server) -> std::result::Result<PgConn, StoreError> {
        let mut client = server.connect()?;
        crate::store::pg::migrate::migrate(&mut client, server)?;
        Ok(PgConn {
            client: RefCell::new(client),
            statements: RefCell::new(HashMap::new()),
            server: server.clone(),
        })
    }

    pub fn server(&self) -> &Server {
        &self.server
    }

    /// The client itself, for what only a server does (COPY, LISTEN).
    pub fn client(&self) -> std::cell::RefMut<'_, postgres::Client> {
        self.client.borrow_mut()
    }

    fn statement(&self, sql: &str) -> Result<postgres::Statement> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let s = self
            .client
            .borrow_mut()
            .prepare(&to_dollars(sql))
            .map_err(from_server)?;
        self.statements.borrow_mut().insert(sql.to_string(), s.clone());
        Ok(s)
    }

    fn args(stmt: &postgres::Statement, params: &[&dyn ToSql]) -> Result<Vec<Arg>> {
        let types = stmt.params();
        if types.len() != params.len() {
            return Err(rusqlite::Error::InvalidParameterCount(params.len(), types.len()));
        }
        types
            .iter()
            .zip(params)
            .enumerate()
            .map(|(i, (ty, p))| arg(i + 1, ty, *p))
            .collect()
    }
}

impl Sql for PgConn {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn each_row(&self, sql: &str, params: &[&dyn ToSql], each: &mut dyn FnMut(&Row<'_>) -> Result<()>) -> Result<()> {
        let stmt = self.statement(sql)?;
        let args = Self::args(&stmt, params)?;
        let refs: Vec<_> = args.iter().map(Arg::as_pg).collect();
        // The rows are read whole first, so `each` may query again.
        let rows = self.client.borrow_mut().query(&stmt, &refs).map_err(from_server)?;
        for r in &rows {
            each(&Row::Pg(r))?;
        }
        Ok(())
    }

    fn execute_with(&self, sql: &str, params: &[&dyn ToSql]) -> Result<usize> {
        let stmt = self.statement(sql)?;
        let args = Self::args(&stmt, params)?;
        let refs: Vec<_> = args.iter().map(Arg::as_pg).collect();
        let n = self.client.borrow_mut().execute(&stmt, &refs).map_err(from_server)?;
        Ok(n as usize)
    }

    fn execute_batch(&self, sql: &str) -> Result<()> {
        self.client.borrow_mut().batch_execute(sql).map_err(from_server)
    }

    fn begin(&self, mode: Mode) -> Result<Tx<'_>> {
        let begin = match mode {
            Mode::Write => format!("BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"),
            Mode::Read => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY".to_string(),
        };
        if let Err(e) = self.execute_batch(&begin) {
            let _ = self.execute_batch("ROLLBACK");
            return Err(e);
        }
        Ok(Tx::started(self))
    }

    fn end(&self, commit: bool) -> Result<()> {
        self.execute_batch(if commit { "COMMIT" } else { "ROLLBACK" })
    }
}
