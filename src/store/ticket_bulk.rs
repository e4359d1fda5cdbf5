//! One change on many tickets (the console's marked rows), in one
//! transaction, through the same per-ticket write as a single update.

use rusqlite::Connection;

use super::actor::Actor;
use super::ticket_write::{begin, current, update_in, Rules, TicketChanges, WriteError};

/// The same changes on several tickets, in one transaction: all of them
/// or, if one is refused (gone, unreadable, a change it cannot take), none.
/// Returns how many tickets changed.
pub fn update_many<'a>(
    conn: &mut Connection,
    ids: &[i64],
    ch: &TicketChanges,
    who: impl Into<Actor<'a>>,
    now: i64,
    rules: &Rules<'_>,
) -> Result<usize, WriteError> {
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    let mut changed = 0;
    for &id in ids {
        let before = current(&tx, id)?.version;
        if update_in(&tx, id, ch, None, who, now, rules)? != before {
            changed += 1;
        }
    }
    tx.commit()?;
    Ok(changed)
}
