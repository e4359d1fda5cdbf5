//! The SQLite form of the guide's typed words, written once each: a stored
//! value that does not parse is an error naming the value, never a default.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::domain::permissions::Role;

impl ToSql for Role {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for Role {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        text.parse()
            .map_err(|e: String| FromSqlError::Other(format!("stored technician role: {e}").into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_round_trips_and_an_unknown_one_is_an_error_naming_it() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let back: Role = conn.query_row("SELECT ?1", [Role::Finance], |r| r.get(0)).unwrap();
        assert_eq!(back, Role::Finance);
        let e = conn
            .query_row("SELECT 'wizard'", [], |r| r.get::<_, Role>(0))
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown role \"wizard\""), "{e}");
    }
}
