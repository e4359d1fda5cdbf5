//! The queue's list: a window of rows around the cursor, paged from the
//! store by keyset, so no more than a screenful and a margin is ever held.

use crate::store::tickets::{Anchor, QueueQuery, QueueRow, SortKey, View};
use crate::tui::action::Effect;

/// Rows kept around the cursor; a page is loaded past either edge.
const WINDOW: usize = 300;

#[derive(Debug, Default)]
pub struct QueueState {
    pub query: QueueQuery,
    pub rows: Vec<QueueRow>,
    pub cursor: usize,
    pub offset: usize,
    pub at_start: bool,
    pub at_end: bool,
    pub pending: Option<u64>,
    /// A move to apply once the page it needs arrives.
    pending_move: i32,
    /// The search line while it is being typed.
    pub search_input: Option<super::line::LineInput>,
    /// The search on show when `/` opened the line: Esc goes back to it.
    pub search_before: Option<String>,
    /// The filter line while it is being typed.
    pub filter_input: Option<super::line::LineInput>,
    /// The technician's own saved views, cycled after the built-in ones.
    pub saved: Vec<crate::store::saved_views::SavedView>,
    /// Which saved view is on show, if one is.
    pub saved_at: Option<usize>,
    /// Tickets marked with `m`: status and assignment then apply to all.
    pub marked: std::collections::BTreeSet<i64>,
    pub page_height: usize,
    /// Scroll one row at a time instead of half a page.
    pub scroll_by_line: bool,
    pub loaded_once: bool,
    /// The last empty page came from a store with no ticket at all.
    pub store_empty: bool,
    /// The preview pane's ticket (wide terminals), and the one asked for.
    pub preview: Option<crate::store::ticket_preview::Preview>,
    pub preview_for: Option<i64>,
}

impl QueueState {
    pub fn new(scroll_by_line: bool) -> QueueState {
        QueueState {
            scroll_by_line,
            ..QueueState::default()
        }
    }

    pub fn selected(&self) -> Option<&QueueRow> {
        self.rows.get(self.cursor)
    }

    fn limit(&self) -> usize {
        (self.page_height * 2).max(60)
    }

    fn request(&mut self, next_request: &mut u64, anchor: Anchor) -> Effect {
        *next_request += 1;
        self.pending = Some(*next_request);
        Effect::LoadQueue {
            request: *next_request,
            query: self.query.clone(),
            anchor,
            limit: self.limit(),
        }
    }

    /// Reloads from the top (after a change of view, sort or search).
    pub fn reload(&mut self, next_request: &mut u64) -> Vec<Effect> {
        self.cursor = 0;
        self.offset = 0;
        self.pending_move = 0;
        vec![self.request(next_request, Anchor::Start)]
    }

    /// Reloads the rows on screen in place (another console changed something).
    pub fn refresh(&mut self, next_request: &mut u64) -> Vec<Effect> {
        let anchor = match self.rows.get(self.offset) {
            Some(r) if !(self.at_start && self.offset == 0) => Anchor::From(r.sort_value(self.query.sort), r.id),
            _ => Anchor::Start,
        };
        self.cursor -= self.offset.min(self.cursor);
        self.offset = 0;
        vec![self.request(next_request, anchor)]
    }

    pub fn move_by(&mut self, delta: i32, next_request: &mut u64) -> Vec<Effect> {
        if self.pending.is_some() {
            self.pending_move += delta;
            return vec![];
        }
        let target = self.cursor as i64 + i64::from(delta);
        if target >= self.rows.len() as i64 && !self.at_end {
            if let Some(last) = self.rows.last() {
                self.pending_move = (target - self.rows.len() as i64 + 1) as i32;
                self.cursor = self.rows.len() - 1;
                let anchor = Anchor::After(last.sort_value(self.query.sort), last.id);
                return vec![self.request(next_request, anchor)];
            }
        }
        if target < 0 && !self.at_start {
            if let Some(first) = self.rows.first() {
                self.pending_move = target as i32;
                self.cursor = 0;
                let anchor = Anchor::Before(first.sort_value(self.query.sort), first.id);
                return vec![self.request(next_request, anchor)];
            }
        }
        self.cursor = target.clamp(0, self.rows.len().saturating_sub(1) as i64) as usize;
        self.scroll_to_cursor();
        vec![]
    }

    pub fn first(&mut self, next_request: &mut u64) -> Vec<Effect> {
        if self.at_start {
            self.cursor = 0;
            self.scroll_to_cursor();
            return vec![];
        }
        self.reload(next_request)
    }

    pub fn last(&mut self, next_request: &mut u64) -> Vec<Effect> {
        if self.at_end {
            self.cursor = self.rows.len().saturating_sub(1);
            self.scroll_to_cursor();
            return vec![];
        }
        self.pending_move = 0;
        vec![self.request(next_request, Anchor::End)]
    }

    pub fn loaded(&mut self, request: u64, anchor: Anchor, rows: Vec<QueueRow>) {
        if self.pending != Some(request) {
            return; // an answer to a question no longer asked
        }
        self.pending = None;
        self.loaded_once = true;
        let full = rows.len() >= self.limit();
        match anchor {
            Anchor::Start | Anchor::From(..) => {
                self.at_start = matches!(anchor, Anchor::Start);
                self.at_end = !full;
                self.rows = rows;
            }
            Anchor::End => {
                self.at_end = true;
                self.at_start = !full;
                self.rows = rows;
                self.cursor = self.rows.len().saturating_sub(1);
            }
            Anchor::After(..) => {
                self.at_end = !full;
                self.rows.extend(rows);
                let drop = self.rows.len().saturating_sub(WINDOW);
                if drop > 0 {
                    self.rows.drain(..drop);
                    self.at_start = false;
                    self.cursor -= drop.min(self.cursor);
                    self.offset -= drop.min(self.offset);
                }
            }
            Anchor::Before(..) => {
                self.at_start = !full;
                let added = rows.len();
                let mut merged = rows;
                merged.append(&mut self.rows);
                merged.truncate(WINDOW);
                if merged.len() == WINDOW {
                    self.at_end = false;
                }
                self.rows = merged;
                self.cursor += added;
                self.offset += added;
            }
        }
        let pending = std::mem::take(&mut self.pending_move);
        let target = self.cursor as i64 + i64::from(pending);
        self.cursor = target.clamp(0, self.rows.len().saturating_sub(1) as i64) as usize;
        self.scroll_to_cursor();
    }

    /// Keeps the cursor on screen: one row at a time (`console.scroll =
    /// "line"`, the default; the app scrolls the terminal's region, see
    /// `tui::scroll`), or half a page with the cursor landing mid-screen.
    pub fn scroll_to_cursor(&mut self) {
        let h = self.page_height.max(1);
        let jump = if self.scroll_by_line { 0 } else { h / 2 };
        if self.cursor < self.offset {
            self.offset = self.cursor.saturating_sub(jump);
        } else if self.cursor >= self.offset + h {
            self.offset = self.cursor + 1 + jump - h;
        }
        let last_page = if self.at_end {
            self.rows.len().saturating_sub(h)
        } else {
            self.rows.len().saturating_sub(1)
        };
        self.offset = self.offset.min(last_page).min(self.cursor);
    }

    pub fn next_sort(&mut self, next_request: &mut u64) -> Vec<Effect> {
        let i = SortKey::ALL.iter().position(|k| *k == self.query.sort).unwrap_or(0);
        self.query.sort = SortKey::ALL[(i + 1) % SortKey::ALL.len()];
        self.reload(next_request)
    }

    pub fn reverse(&mut self, next_request: &mut u64) -> Vec<Effect> {
        self.query.descending = !self.query.descending;
        self.reload(next_request)
    }

    pub fn next_view(&mut self, next_request: &mut u64) -> Vec<Effect> {
        self.step_view(1, next_request)
    }

    /// Moves `by` through the built-in views, then the saved ones, round.
    /// A built-in view keeps the sort and drops a saved view's search and
    /// filter; a saved view brings back all it was saved with.
    pub fn step_view(&mut self, by: i32, next_request: &mut u64) -> Vec<Effect> {
        let builtin = View::ALL.len();
        let all = (builtin + self.saved.len()) as i32;
        let at = match self.saved_at {
            Some(i) => builtin + i,
            None => View::ALL.iter().position(|v| *v == self.query.view).unwrap_or(0),
        } as i32;
        let to = (at + by).rem_euclid(all) as usize;
        let keep = (self.query.me, self.query.soon_until, self.query.round_the_clock);
        if to < builtin {
            if self.saved_at.take().is_some() {
                self.query.search = None;
                self.query.filter = Default::default();
            }
            self.query.view = View::ALL[to];
        } else {
            self.saved_at = Some(to - builtin);
            self.query = self.saved[to - builtin].query.clone();
            (self.query.me, self.query.soon_until, self.query.round_the_clock) = keep;
        }
        self.reload(next_request)
    }

    /// The name of the view on show: a saved one's, or the built-in view's.
    pub fn view_name(&self) -> &str {
        match self.saved_at.and_then(|i| self.saved.get(i)) {
            Some(v) => &v.name,
            None => self.query.view.name(),
        }
    }
}

/// From this width the queue shows a preview of the selected ticket beside the list.
pub const PREVIEW_MIN_WIDTH: u16 = 150;

/// Asks for the selected ticket's preview when the pane shows and the
/// selection moved to another ticket.
pub fn preview_load(s: &mut super::AppState) -> Option<Effect> {
    if s.tab != crate::tui::tab::Tab::Queue || s.ticket.is_some() || s.size.0 < PREVIEW_MIN_WIDTH {
        return None;
    }
    let id = s.queue.selected()?.id;
    if s.queue.preview_for == Some(id) {
        return None;
    }
    s.queue.preview_for = Some(id);
    Some(Effect::LoadPreview(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tickets::QueueRow;

    fn rows(n: i64) -> Vec<QueueRow> {
        (0..n)
            .map(|id| QueueRow {
                id,
                priority: Default::default(),
                status: Default::default(),
                company: String::new(),
                summary: String::new(),
                assignee: None,
                opened: 0,
                first_response: None,
                resolved: None,
                response_due: None,
                warning_at: None,
                paused_since: None,
                clock_priority: Default::default(),
            })
            .collect()
    }

    fn queue(by_line: bool) -> QueueState {
        let mut q = QueueState::new(by_line);
        q.rows = rows(100);
        q.at_start = true;
        q.at_end = true;
        q.page_height = 10;
        q
    }

    #[test]
    fn leaving_the_screen_scrolls_half_a_page_or_a_line() {
        let mut n = 0;
        let mut half = queue(false);
        let mut line = queue(true);
        for _ in 0..10 {
            half.move_by(1, &mut n);
            line.move_by(1, &mut n);
        }
        assert_eq!((half.cursor, half.offset), (10, 6), "the cursor lands mid-screen");
        assert_eq!((line.cursor, line.offset), (10, 1));
        for _ in 0..4 {
            half.move_by(1, &mut n);
        }
        assert_eq!(half.offset, 6, "no redraw of the list until the edge again");
    }

    #[test]
    fn the_last_page_is_full() {
        let mut n = 0;
        let mut q = queue(false);
        q.move_by(99, &mut n);
        assert_eq!((q.cursor, q.offset), (99, 90));
    }
}
