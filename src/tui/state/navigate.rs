//! Moving around: tabs, list cursors, opening a ticket, and reloading what
//! is on screen.

use super::{invoices, AppState, TicketView};
use crate::tui::action::{Action, Effect};

pub(super) fn go_tab(s: &mut AppState, tab: usize) -> Vec<Effect> {
    s.tab = tab;
    s.help = false;
    s.ticket = None;
    match tab {
        1 => s.sla_loads(),
        2 => invoices::load(s),
        3 => vec![Effect::LoadDirectory],
        _ if !s.queue.loaded_once => s.queue.reload(&mut s.next_request),
        // Other consoles may have committed while another tab was on show:
        // coming back refreshes the rows in place.
        _ => s.queue.refresh(&mut s.next_request),
    }
}

pub(super) fn reload_visible(s: &mut AppState) -> Vec<Effect> {
    if let Some(t) = &s.ticket {
        return vec![Effect::LoadTicket(t.id)];
    }
    match s.tab {
        0 => s.queue.refresh(&mut s.next_request),
        1 => s.sla_loads(),
        2 => invoices::load(s),
        _ => vec![Effect::LoadDirectory],
    }
}

pub(super) fn navigate(s: &mut AppState, action: Action) -> Vec<Effect> {
    if let Some(t) = s.ticket.as_mut() {
        match action {
            Action::Move(d) => t.scroll = (i32::from(t.scroll) + d).clamp(0, 2000) as u16,
            Action::Page(d) => t.scroll = (i32::from(t.scroll) + d * 10).clamp(0, 2000) as u16,
            _ => {}
        }
        return vec![];
    }
    let h = s.body_rows();
    let n = &mut s.next_request;
    match (s.tab, action) {
        (0, Action::Move(d)) => s.queue.move_by(d, n),
        (0, Action::Page(d)) => s.queue.move_by(d * h as i32, n),
        (0, Action::First) => s.queue.first(n),
        (0, Action::Last) => s.queue.last(n),
        (0, Action::SortNext) => s.queue.next_sort(n),
        (0, Action::SortReverse) => s.queue.reverse(n),
        (0, Action::NextView) => s.queue.next_view(n),
        (0, Action::StartSearch) => {
            s.queue.search_input = Some(String::new());
            vec![]
        }
        (0, Action::StartFilter) => {
            s.queue.filter_input = Some(s.queue.query.filter.text());
            vec![]
        }
        // Esc on the queue steps back: first out of a search, then out of a filter.
        (0, Action::Key(k)) if k.code == ratatui::crossterm::event::KeyCode::Esc => {
            if s.queue.query.search.take().is_some() || !std::mem::take(&mut s.queue.query.filter).is_empty() {
                return s.queue.reload(n);
            }
            vec![]
        }
        (0, Action::Open) => open_ticket(s, s.queue.selected().map(|r| r.id)),
        (1, Action::Open) => {
            let id = s.sla_visible().nth(s.sla_cursor.selected).map(|r| r.row.id);
            open_ticket(s, id)
        }
        (tab, a) => {
            let (cursor, len) = match tab {
                1 => {
                    let n = s.sla_visible().count();
                    (&mut s.sla_cursor, n)
                }
                _ => (
                    &mut s.directory_cursor,
                    0, // the Directory tab routes its own keys (directory::handle)
                ),
            };
            match a {
                Action::Move(d) => cursor.move_by(i64::from(d), len, h),
                Action::Page(d) => cursor.move_by(i64::from(d) * h as i64, len, h),
                Action::First => cursor.move_by(-(len as i64), len, h),
                Action::Last => cursor.move_by(len as i64, len, h),
                _ => {}
            }
            if tab == 1 {
                s.refresh_sla();
            }
            vec![]
        }
    }
}

pub(super) fn open_ticket(s: &mut AppState, id: Option<i64>) -> Vec<Effect> {
    match id {
        Some(id) => {
            s.ticket = Some(TicketView {
                id,
                ..TicketView::default()
            });
            vec![Effect::LoadTicket(id)]
        }
        None => vec![],
    }
}
