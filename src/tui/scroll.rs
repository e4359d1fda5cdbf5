//! Scrolling the queue and the SLA board with the terminal's own scroll region. When the rows on
//! screen are the rows of the last frame moved up or down by k, the region is
//! scrolled by k lines (DECSTBM + SU/SD) and ratatui's idea of the screen is
//! shifted to match, so its diff sends only the k new rows — tens of bytes
//! instead of a whole list per move, which matters over a slow SSH link.

use std::io::Write;

use ratatui::backend::Backend;
use ratatui::buffer::{Buffer, Cell};
use ratatui::Terminal;

use super::state::AppState;

/// What was on screen after the last draw.
#[derive(Default)]
pub struct ScrollTracker {
    last_frame: Option<Buffer>,
    /// Ticket IDs on the list's rows, top to bottom (empty off the lists).
    shown: Vec<i64>,
    size: (u16, u16),
}

/// The list's rows on screen (ticket IDs, top to bottom) and how many rows
/// it has room for, when a list is all there is to see: the queue, or the
/// SLA board (its rows under the same tab bar, title and column header,
/// the compliance chart below them).
fn list_rows(state: &AppState) -> (Vec<i64>, usize) {
    use crate::tui::tab::Tab;
    let plain = state.ticket.is_none() && state.overlay.is_none() && !state.help;
    let list = match state.tab {
        Tab::Queue if plain => &state.queue,
        Tab::Sla if plain => &state.sla.board,
        _ => return (Vec::new(), 0),
    };
    let ids = list
        .rows
        .iter()
        .skip(list.offset)
        .take(list.page_height)
        .map(|r| r.id)
        .collect();
    (ids, list.page_height)
}

impl ScrollTracker {
    /// Remembers the frame just drawn and the rows it showed.
    pub fn drawn(&mut self, frame: &Buffer, state: &AppState) {
        self.last_frame = Some(frame.clone());
        self.shown = list_rows(state).0;
        self.size = state.size;
    }

    /// Before drawing: scrolls the region and primes the diff when the rows
    /// only moved. Errors writing mean a dead terminal; the draw reports it.
    pub fn scroll<B: Backend + Write>(&mut self, terminal: &mut Terminal<B>, state: &AppState) {
        let (now, h) = list_rows(state);
        if self.size != state.size || now.len() != h || self.shown.len() != h || h < 2 {
            return;
        }
        let Some(k) = shift(&self.shown, &now) else { return };
        let Some(frame) = self.last_frame.as_ref() else { return };
        // The list's rows sit under the tab bar, the title and the column header.
        let (top, bottom) = (3u16, 3 + h as u16 - 1);
        if bottom + 2 >= state.size.1 || frame.area.height != state.size.1 {
            return;
        }
        let shifted = shifted(frame, top, bottom, k);
        let esc = if k > 0 {
            format!("\x1b[{};{}r\x1b[{}S\x1b[r", top + 1, bottom + 1, k)
        } else {
            format!("\x1b[{};{}r\x1b[{}T\x1b[r", top + 1, bottom + 1, -k)
        };
        let backend = terminal.backend_mut();
        if backend.write_all(esc.as_bytes()).is_err() || Write::flush(backend).is_err() {
            return;
        }
        *terminal.current_buffer_mut() = shifted;
        terminal.swap_buffers();
    }
}

/// k > 0: the rows moved up by k (the list scrolled down); k < 0: down.
fn shift(old: &[i64], new: &[i64]) -> Option<i32> {
    let h = old.len();
    (1..h).find_map(|k| {
        if new[..h - k] == old[k..] {
            Some(k as i32)
        } else if new[k..] == old[..h - k] {
            Some(-(k as i32))
        } else {
            None
        }
    })
}

/// The frame as the terminal shows it after scrolling rows top..=bottom by k.
fn shifted(frame: &Buffer, top: u16, bottom: u16, k: i32) -> Buffer {
    let mut out = frame.clone();
    let width = frame.area.width;
    for y in top..=bottom {
        let from = i32::from(y) + k;
        for x in 0..width {
            let cell = if from >= i32::from(top) && from <= i32::from(bottom) {
                frame[(x, from as u16)].clone()
            } else {
                Cell::default()
            };
            out[(x, y)] = cell;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_how_far_the_rows_moved() {
        assert_eq!(shift(&[1, 2, 3, 4], &[2, 3, 4, 5]), Some(1));
        assert_eq!(shift(&[1, 2, 3, 4], &[4, 5, 6, 7]), Some(3));
        assert_eq!(shift(&[2, 3, 4, 5], &[1, 2, 3, 4]), Some(-1));
        assert_eq!(shift(&[1, 2, 3, 4], &[9, 8, 7, 6]), None);
        assert_eq!(shift(&[1, 2, 3, 4], &[1, 2, 3, 4]), None);
    }
}
