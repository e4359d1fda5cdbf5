//! The little the queue's preview pane shows of the selected ticket: its
//! description and its newest note — two indexed reads, cheap enough for
//! every cursor move on a wide terminal.

use crate::store::sql::Sql;

use crate::store::ticket_detail::NoteRow;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Preview {
    pub id: i64,
    pub summary: String,
    pub description: String,
    pub contact: Option<String>,
    pub notes: i64,
    pub last_note: Option<NoteRow>,
}

/// The preview of ticket `id`, or None when there is no such ticket.
pub fn load(conn: &dyn Sql, id: i64) -> rusqlite::Result<Option<Preview>> {
    let head = conn
        .prepare_cached(
            "SELECT t.summary, t.description, ct.name, (SELECT count(*) FROM notes n WHERE n.ticket_id = t.id)
             FROM tickets t LEFT JOIN contacts ct ON ct.id = t.contact_id WHERE t.id = ?1",
        )?
        .query_opt([id], |r| {
            Ok(Preview {
                id,
                summary: r.lossy(0)?,
                description: r.lossy(1)?,
                contact: r.lossy(2)?,
                notes: r.get(3)?,
                last_note: None,
            })
        })?;
    let Some(mut p) = head else { return Ok(None) };
    p.last_note = conn
        .prepare_cached(
            "SELECT n.created, te.login, n.internal, n.body, n.id FROM notes n LEFT JOIN technicians te ON te.id = n.author_id
             WHERE n.ticket_id = ?1 ORDER BY n.created DESC, n.id DESC LIMIT 1",
        )?
        .query_opt([id], crate::store::ticket_detail::note_row)?;
    Ok(Some(p))
}
