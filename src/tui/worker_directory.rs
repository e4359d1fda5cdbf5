//! The worker's side of the Directory tab's writes: a checklist step's status
//! (`store::directory::set_onboarding`) and the fallback on-call rotation
//! (`set_oncall`), each one audited transaction, as technician `who`.
//! Answers `ContactSaved` (the tab reloads the directory) or `StoreFailed`.

use rusqlite::Connection;

use super::action::Action;
use super::state::directory::DirectoryEffect;
use crate::domain::permissions::Role;
use crate::store::directory::{self, DirectoryError};

/// Runs one Directory write as technician `who`.
pub fn handle(conn: &Connection, who: i64, effect: DirectoryEffect) -> Action {
    let result = match effect {
        DirectoryEffect::SetOnboarding {
            company_id,
            position,
            status,
            date,
            label,
            at,
        } => keeper(conn, who).and_then(|()| {
            let changed = directory::set_onboarding(conn, who, company_id, position, status, &date.to_string(), at)?;
            Ok(match changed {
                Some((_, old, new)) => format!("{label}: {old} -> {new} on {date} (saved, audited)"),
                None => format!("{label} was already {status}"),
            })
        }),
        DirectoryEffect::SetOncall { login, on, at } => {
            directory::set_oncall(conn, who, &login, on, at).map(|changed| match (changed, on) {
                (false, _) => format!("{login}'s rotation is unchanged"),
                (true, true) => format!("{login} now takes part in the after-hours rotation (saved, audited)"),
                (true, false) => format!("{login} no longer takes part in the after-hours rotation (saved, audited)"),
            })
        }
    };
    match result {
        Ok(message) => Action::ContactSaved(message),
        Err(DirectoryError::Refused(m)) => Action::StoreFailed(format!("refused: {m}")),
        Err(e) => Action::StoreFailed(format!("store: {e}")),
    }
}

/// The checklist is kept by a dispatcher or an admin (the store function
/// leaves the role to its callers, like `pimdesk onboarding set`).
fn keeper(conn: &Connection, who: i64) -> Result<(), DirectoryError> {
    let role = crate::store::actor::role_of(conn, who)?.unwrap_or(Role::Technician);
    if role.may_edit_contacts() {
        return Ok(());
    }
    Err(DirectoryError::Refused(format!(
        "the checklist is kept by a dispatcher or an admin; you are a {role}, nothing was written"
    )))
}
