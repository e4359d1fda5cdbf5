//! What a copy must preserve, counted the same way on both engines: rows
//! per table, the sum of every cents and minutes column, and the totals
//! the triggers derive. The SQL is the same text on SQLite and PostgreSQL.

use std::collections::BTreeMap;

use super::{DERIVED_COLUMNS, DERIVED_TABLES, TABLES};

/// Named figures, in a fixed order so two tallies compare line by line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    pub figures: BTreeMap<String, i64>,
}

/// One integer from a query, on whichever engine holds the store.
pub trait Scalar {
    fn scalar(&mut self, sql: &str) -> Result<i64, String>;
}

/// A SQLite store, read in whatever transaction its connection is in.
pub struct Lite<'a>(pub &'a rusqlite::Connection);

impl Scalar for Lite<'_> {
    fn scalar(&mut self, sql: &str) -> Result<i64, String> {
        self.0.query_row(sql, [], |r| r.get(0)).map_err(|e| e.to_string())
    }
}

impl Scalar for postgres::Transaction<'_> {
    fn scalar(&mut self, sql: &str) -> Result<i64, String> {
        self.query_one(sql, &[])
            .map(|r| r.get(0))
            .map_err(|e| super::super::pg::words(&e))
    }
}

/// The columns whose sums are money or time: `*_cents` and `minutes`.
fn summed(column: &str) -> bool {
    column.ends_with("_cents") || column == "minutes"
}

impl Tally {
    /// The tally of a store; `columns` gives each copied table's columns.
    pub fn of(db: &mut dyn Scalar, columns: &dyn Fn(&str) -> Vec<String>) -> Result<Tally, String> {
        let mut figures = BTreeMap::new();
        for table in TABLES {
            figures.insert(
                format!("{table} rows"),
                db.scalar(&format!("SELECT count(*) FROM {table}"))?,
            );
            for c in columns(table).iter().filter(|c| summed(c)) {
                let sum = db.scalar(&format!("SELECT CAST(coalesce(sum({c}), 0) AS BIGINT) FROM {table}"))?;
                figures.insert(format!("{table}.{c} total"), sum);
            }
        }
        for (table, c) in DERIVED_COLUMNS {
            let sum = db.scalar(&format!("SELECT CAST(coalesce(sum({c}), 0) AS BIGINT) FROM {table}"))?;
            figures.insert(format!("{table}.{c} total"), sum);
        }
        for table in DERIVED_TABLES {
            // Days whose tallies fell back to zero are kept by one engine
            // and never made by the other: only the days that count.
            let live = "tickets <> 0 OR met <> 0 OR missed <> 0";
            figures.insert(
                format!("{table} rows"),
                db.scalar(&format!("SELECT count(*) FROM {table} WHERE {live}"))?,
            );
            for c in ["tickets", "met", "missed"] {
                let sum = db.scalar(&format!("SELECT CAST(coalesce(sum({c}), 0) AS BIGINT) FROM {table}"))?;
                figures.insert(format!("{table}.{c} total"), sum);
            }
        }
        Ok(Tally { figures })
    }

    /// Each figure that differs, as `name: source X, copy Y`.
    pub fn differences(&self, copy: &Tally) -> Vec<String> {
        let mut out = Vec::new();
        for (name, want) in &self.figures {
            let got = copy.figures.get(name).copied();
            if got != Some(*want) {
                let got = got.map_or("missing".to_string(), |g| g.to_string());
                out.push(format!("{name}: source {want}, copy {got}"));
            }
        }
        out
    }

    /// Rows of a copied table.
    pub fn rows(&self, table: &str) -> i64 {
        self.figures.get(&format!("{table} rows")).copied().unwrap_or(0)
    }
}
