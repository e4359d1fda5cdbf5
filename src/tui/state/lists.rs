//! The SLA board's rows as loaded, and a cursor for short lists.

use crate::domain::sla::{Clock, SlaPolicy};
use crate::store::sla::ClockRow;

/// A running response clock on the SLA board: the stored row, the clock that
/// decides its state, and what the tick refreshes.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaRow {
    pub row: ClockRow,
    pub clock: Option<Clock>,
    /// Clock minutes left (business minutes on a business clock), refreshed on each tick by update.
    pub clock_minutes_left: i64,
    /// The clock is counting at this moment (not paused, not outside hours).
    pub running_now: bool,
}

impl SlaRow {
    pub fn new(row: ClockRow, policy: &SlaPolicy) -> SlaRow {
        SlaRow {
            clock: row.clock(policy),
            row,
            clock_minutes_left: 0,
            running_now: true,
        }
    }
}

/// A cursor over a fully loaded, short list.
#[derive(Debug, Default, Clone, Copy)]
pub struct Cursor {
    pub selected: usize,
    pub offset: usize,
}

impl Cursor {
    pub fn move_by(&mut self, delta: i64, len: usize, height: usize) {
        let max = len.saturating_sub(1) as i64;
        self.selected = (self.selected as i64 + delta).clamp(0, max) as usize;
        let h = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + h {
            self.offset = self.selected + 1 - h;
        }
    }
}
