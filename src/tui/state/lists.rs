//! The SLA board's rows as loaded, and a cursor for short lists.

/// A running response clock on the SLA board.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaRow {
    pub id: i64,
    pub priority: u8,
    pub company: String,
    pub summary: String,
    pub assignee: Option<String>,
    pub response_due: i64,
    pub warning_at: i64,
    pub paused: bool,
    /// Business (clock) minutes left, refreshed on each tick by update.
    pub clock_minutes_left: i64,
    /// The clock is ticking at this moment (not paused, not outside hours).
    pub running_now: bool,
    /// A planned (P5) clock: due at its agreed schedule.
    pub scheduled: bool,
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
