//! Who makes a write. A technician already on record is an id; the
//! operating-system account of a command is a login, registered (as a
//! technician) inside the transaction of the write it makes, so a refused
//! command leaves no technician behind.

use rusqlite::params;

use crate::store::sql::{Mode, Sql};

use crate::domain::permissions::Role;

/// The "technician" of a write that mail made (a client's message): no
/// technician record; stored as NULL.
pub const MAIL: i64 = 0;

/// The technician column for `who`: NULL for [`MAIL`].
pub fn technician(who: i64) -> Option<i64> {
    (who != MAIL).then_some(who)
}

/// The author of a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor<'a> {
    /// A technician record.
    Id(i64),
    /// An account that may not have a record yet.
    Login(&'a str),
}

impl From<i64> for Actor<'_> {
    fn from(id: i64) -> Self {
        Actor::Id(id)
    }
}

impl Actor<'_> {
    /// The technician id, registering a new login. Call it inside the write's
    /// transaction: a rollback then removes the registration with the write.
    pub fn id(self, tx: &dyn Sql) -> rusqlite::Result<i64> {
        match self {
            Actor::Id(id) => Ok(id),
            Actor::Login(login) => {
                if let Some((id, _)) = find(tx, login)? {
                    return Ok(id);
                }
                tx.execute(
                    "INSERT INTO technicians (key, login, name, role) VALUES (?1, ?1, ?1, 'technician') ON CONFLICT DO NOTHING",
                    params![login],
                )?;
                Ok(find(tx, login)?.map_or(0, |(id, _)| id))
            }
        }
    }
}

/// The role of technician `id`; `None` when there is no such record (a
/// login not registered yet is a technician).
pub fn role_of(conn: &dyn Sql, id: i64) -> rusqlite::Result<Option<Role>> {
    conn.query_opt("SELECT role FROM technicians WHERE id = ?1", [&id], |r| r.get(0))
}

/// The id and role of the technician with `login`, if on record; writes nothing.
pub fn find(conn: &dyn Sql, login: &str) -> rusqlite::Result<Option<(i64, Role)>> {
    conn.query_opt("SELECT id, role FROM technicians WHERE login = ?1", [&login], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
}

/// The id and role of `login`, registering it as a technician on first use
/// (the console's start: an account is a technician until an admin says more).
pub fn ensure(conn: &dyn Sql, login: &str) -> rusqlite::Result<(i64, Role)> {
    if let Some(found) = find(conn, login)? {
        return Ok(found);
    }
    let tx = conn.begin(Mode::Write)?;
    let id = Actor::Login(login).id(&tx)?;
    let found = find(&tx, login)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    tx.commit()?;
    debug_assert_eq!(found.0, id);
    Ok(found)
}

/// Puts `login` on record as an admin unless it is on record already (the
/// throwaway demo store's user may do everything, finance included).
pub fn add_admin(conn: &dyn Sql, login: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO technicians (key, login, name, role) VALUES (?1, ?1, ?1, 'admin') ON CONFLICT DO NOTHING",
        [&login],
    )?;
    Ok(())
}
