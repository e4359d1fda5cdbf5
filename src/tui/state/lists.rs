//! The SLA board and invoices lists: rows as loaded, a cursor.

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
}

#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceRow {
    pub number: String,
    pub company: String,
    pub date: String,
    pub total_cents: i64,
    pub paid_cents: i64,
    pub void: bool,
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
