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
