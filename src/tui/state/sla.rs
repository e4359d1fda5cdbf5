//! The SLA board's question to the store, and the compliance chart's span.

use crate::domain::sla::{ClockKind, SlaPolicy};
use crate::domain::ticket::Priority;
use crate::store::queue::{QueueQuery, SortKey, View};

pub use crate::store::sla::Compliance;

/// Days of history in the compliance chart.
pub const COMPLIANCE_DAYS: i64 = 30;

/// The board's question: every response clock not yet stopped, by time
/// left (paged from the store like the queue); with `only_now`, those
/// counting at this moment — not paused, and on a business clock only
/// while the calendar is open.
pub fn board_query(only_now: bool, policy: &SlaPolicy, open: bool) -> QueueQuery {
    let ticking = only_now.then(|| {
        let mut counting = [false; 5];
        for p in Priority::ALL {
            counting[p.index()] = open || policy.get(p).clock != ClockKind::Business;
        }
        counting
    });
    QueueQuery {
        view: View::Clocks { ticking },
        sort: SortKey::Due,
        descending: false,
        ..QueueQuery::default()
    }
}

/// The SLA tab: the board of running clocks and the compliance chart.
#[derive(Default)]
pub struct SlaTab {
    /// Running clocks by time left, paged like the queue.
    pub board: super::QueueState,
    /// How many clocks the board holds in all (its title counts them).
    pub total: Option<i64>,
    /// Only the clocks running now (after hours: the 24x7 ones).
    pub after_hours: bool,
    pub compliance: Vec<crate::store::sla::Compliance>,
    /// When the compliance chart was last asked for (it changes slowly).
    pub compliance_at: Option<i64>,
}
