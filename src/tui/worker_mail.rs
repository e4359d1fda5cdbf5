//! Held mail reviewed from the console: the list, and accepting or
//! dropping one message, each one transaction in the store.

use rusqlite::Connection;

use super::action::{Action, Effect};
use super::writer::WriterCtx;
use crate::store::mail::deliver::MailRules;
use crate::store::mail::held;

/// Runs a held-mail effect; None if the effect is another one.
pub fn handle(conn: &mut Connection, w: &WriterCtx, effect: &Effect) -> rusqlite::Result<Option<Action>> {
    let reply = match effect {
        Effect::LoadHeld => Action::HeldLoaded(held::list(conn)?),
        Effect::DropMail { id, at } => match held::drop(conn, *id, w.user_id, *at) {
            Ok(()) => Action::MailReviewed(format!("mail {id} dropped")),
            Err(e) => Action::MailReviewed(format!("mail {id} not dropped: {e}")),
        },
        Effect::AcceptMail { id, company_id, at } => {
            let r = MailRules {
                mail: &w.mail_config,
                out: w.mail.clone().unwrap_or(crate::domain::mail::Outgoing {
                    address: String::new(),
                    tag: w.mail_config.subject_tag.clone(),
                }),
                after_hours: !w.calendar.is_open(crate::domain::time::from_secs(*at)),
                rules: w.rules(),
            };
            // A sender not yet a contact of that company becomes one.
            match held::accept(conn, *id, *company_id, true, &r, w.user_id, *at) {
                Ok(ticket) => Action::MailReviewed(format!("mail {id} accepted: ticket #{ticket} opened")),
                Err(e) => Action::MailReviewed(format!("mail {id} not accepted: {e}")),
            }
        }
        _ => return Ok(None),
    };
    Ok(Some(reply))
}
