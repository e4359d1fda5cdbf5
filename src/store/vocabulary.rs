//! The SQLite form of the guide's typed words, written once each: a stored
//! value that does not parse is an error naming the value, never a default.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::domain::permissions::{Role, SecurityLevel};
use crate::domain::ticket::{Board, Priority, Source, Status};

/// Text columns holding one of the guide's words.
macro_rules! stored_word {
    ($($ty:ty => $what:literal),+ $(,)?) => {$(
        impl ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }
        impl FromSql for $ty {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                text.parse::<$ty>()
                    .map_err(|e| FromSqlError::Other(format!(concat!("stored ", $what, ": {}"), e).into()))
            }
        }
    )+};
}

stored_word!(Status => "ticket status", Board => "ticket board", Source => "ticket source", SecurityLevel => "contact security level");

/// Priorities are stored as their number, 1 to 5.
impl ToSql for Priority {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(i64::from(self.get())))
    }
}

impl FromSql for Priority {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let n = value.as_i64()?;
        u8::try_from(n)
            .ok()
            .and_then(Priority::new)
            .ok_or_else(|| FromSqlError::Other(format!("stored ticket priority {n} is not 1-5").into()))
    }
}

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
    fn the_guides_words_round_trip_and_an_unknown_one_is_an_error_naming_it() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for s in Status::ALL {
            let back: Status = conn.query_row("SELECT ?1", [s], |r| r.get(0)).unwrap();
            assert_eq!(back, *s);
        }
        let p: Priority = conn
            .query_row("SELECT ?1", [Priority::new(2).unwrap()], |r| r.get(0))
            .unwrap();
        assert_eq!(p.get(), 2);
        let e = conn
            .query_row("SELECT 'Pending'", (), |r| r.get::<_, Status>(0))
            .unwrap_err()
            .to_string();
        assert!(e.contains("stored ticket status") && e.contains("Pending"), "{e}");
        let e = conn
            .query_row("SELECT 9", (), |r| r.get::<_, Priority>(0))
            .unwrap_err()
            .to_string();
        assert!(e.contains("priority 9 is not 1-5"), "{e}");
    }

    #[test]
    fn a_role_round_trips_and_an_unknown_one_is_an_error_naming_it() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let back: Role = conn.query_row("SELECT ?1", [Role::Finance], |r| r.get(0)).unwrap();
        assert_eq!(back, Role::Finance);
        let e = conn
            .query_row("SELECT 'wizard'", (), |r| r.get::<_, Role>(0))
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown role \"wizard\""), "{e}");
    }
}
