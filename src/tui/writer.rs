//! Who the worker writes as, and the rules its writes follow.

use crate::domain::sla::{Calendar, SlaPolicy};
use crate::store::ticket_write::Rules;

/// Who writes, and the SLA rules writes restamp deadlines with.
pub struct WriterCtx {
    pub user_id: i64,
    pub calendar: Calendar,
    pub policy: SlaPolicy,
    /// How a client-visible note is mailed (None: mail is off).
    pub mail: Option<crate::domain::mail::Outgoing>,
    /// The `[mail]` settings, for held mail accepted from the console.
    pub mail_config: crate::config::MailConfig,
}

impl WriterCtx {
    /// The SLA rules a write restamps deadlines with.
    pub fn rules(&self) -> Rules<'_> {
        Rules {
            calendar: &self.calendar,
            policy: &self.policy,
        }
    }
}
