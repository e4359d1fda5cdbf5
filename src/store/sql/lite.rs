//! [`Sql`] on a SQLite connection: rusqlite itself, statements cached.

use rusqlite::types::ToSql;

use super::{Dialect, Mode, Result, Row, Sql, Tx};

impl Sql for rusqlite::Connection {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn lite(&self) -> Option<&rusqlite::Connection> {
        Some(self)
    }

    fn each_row(&self, sql: &str, params: &[&dyn ToSql], each: &mut dyn FnMut(&Row<'_>) -> Result<()>) -> Result<()> {
        let mut stmt = self.prepare_cached(sql)?;
        let mut rows = stmt.query(params)?;
        while let Some(r) = rows.next()? {
            each(&Row::Lite(r))?;
        }
        Ok(())
    }

    fn execute_with(&self, sql: &str, params: &[&dyn ToSql]) -> Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    fn execute_batch(&self, sql: &str) -> Result<()> {
        rusqlite::Connection::execute_batch(self, sql)
    }

    fn begin(&self, mode: Mode) -> Result<Tx<'_>> {
        rusqlite::Connection::execute_batch(
            self,
            match mode {
                Mode::Write => "BEGIN IMMEDIATE",
                Mode::Read => "BEGIN DEFERRED",
            },
        )?;
        Ok(Tx::started(self))
    }

    fn end(&self, commit: bool) -> Result<()> {
        rusqlite::Connection::execute_batch(self, if commit { "COMMIT" } else { "ROLLBACK" })
    }
}

/// A rusqlite transaction is its connection (already in the transaction).
impl Sql for rusqlite::Transaction<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn lite(&self) -> Option<&rusqlite::Connection> {
        Some(self)
    }

    fn each_row(&self, sql: &str, params: &[&dyn ToSql], each: &mut dyn FnMut(&Row<'_>) -> Result<()>) -> Result<()> {
        (**self).each_row(sql, params, each)
    }

    fn execute_with(&self, sql: &str, params: &[&dyn ToSql]) -> Result<usize> {
        (**self).execute_with(sql, params)
    }

    fn execute_batch(&self, sql: &str) -> Result<()> {
        rusqlite::Connection::execute_batch(self, sql)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_transaction_rolls_back_and_a_committed_one_stays() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let db: &dyn Sql = &conn;
        db.execute_batch("CREATE TABLE t(x INTEGER)").unwrap();
        {
            let tx = db.begin(Mode::Write).unwrap();
            tx.execute("INSERT INTO t VALUES (?1)", rusqlite::params![1]).unwrap();
        }
        let tx = db.begin(Mode::Write).unwrap();
        tx.execute("INSERT INTO t VALUES (?1)", rusqlite::params![2]).unwrap();
        tx.commit().unwrap();
        let xs = db.query_vec("SELECT x FROM t", (), |r| r.get::<_, i64>(0)).unwrap();
        assert_eq!(xs, [2]);
        assert_eq!(
            db.query_opt("SELECT x FROM t WHERE x = 9", (), |r| r.get::<_, i64>(0))
                .unwrap(),
            None
        );
    }
}
