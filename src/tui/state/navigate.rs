//! Moving around: tabs, list cursors, opening a ticket, and reloading what
//! is on screen.

use super::{invoices, AppState, TicketView};
use crate::tui::action::{Action, Effect};
use crate::tui::tab::Tab;

pub(super) fn go_tab(s: &mut AppState, tab: Tab) -> Vec<Effect> {
    s.tab = tab;
    s.help = false;
    s.ticket = None;
    match tab {
        Tab::Sla => s.sla_loads(),
        Tab::Invoices => invoices::load(s),
        Tab::Directory => vec![Effect::LoadDirectory],
        Tab::Queue if !s.queue.loaded_once => s.queue.reload(&mut s.next_request),
        // Other consoles may have committed while another tab was on show:
        // coming back refreshes the rows in place.
        Tab::Queue => s.queue.refresh(&mut s.next_request),
    }
}

pub(super) fn reload_visible(s: &mut AppState) -> Vec<Effect> {
    // The timer is in the status line on every screen (and may have been
    // started or stopped by another console of the same technician).
    let mut e = match (&s.ticket, s.tab) {
        (Some(t), _) => vec![Effect::LoadTicket(t.id)],
        (None, Tab::Queue) => s.queue.refresh(&mut s.next_request),
        (None, Tab::Sla) => s.sla_loads(),
        (None, Tab::Invoices) => invoices::load(s),
        (None, Tab::Directory) => vec![Effect::LoadDirectory],
    };
    e.push(Effect::LoadTimer);
    e.push(Effect::LoadMailHeld);
    e
}

pub(super) fn navigate(s: &mut AppState, action: Action) -> Vec<Effect> {
    if s.ticket.is_some() {
        scroll_ticket(s, action);
        return vec![];
    }
    match s.tab {
        Tab::Queue => queue_key(s, action),
        Tab::Sla => sla_key(s, action),
        // The Invoices and Directory tabs route their own keys (invoices::handle, directory::handle).
        _ => vec![],
    }
}

/// Every row of the open ticket is reachable; the scroll stops with the
/// last one on screen.
fn scroll_ticket(s: &mut AppState, action: Action) {
    let rows = s.ticket_rows();
    let Some(t) = s.ticket.as_mut() else { return };
    let last = t.layout.rows.len().saturating_sub(rows) as i64;
    let page = rows.saturating_sub(1).max(1) as i64;
    let to = |by: i64| (t.scroll as i64 + by).clamp(0, last) as usize;
    t.scroll = match action {
        Action::Move(d) => to(i64::from(d)),
        Action::Page(d) => to(i64::from(d) * page),
        Action::First => 0,
        Action::Last => last as usize,
        _ => t.scroll,
    };
}

fn queue_key(s: &mut AppState, action: Action) -> Vec<Effect> {
    let h = s.body_rows();
    let n = &mut s.next_request;
    match action {
        Action::Move(d) => s.queue.move_by(d, n),
        Action::Page(d) => s.queue.move_by(d * h as i32, n),
        Action::First => s.queue.first(n),
        Action::Last => s.queue.last(n),
        Action::SortNext => s.queue.next_sort(n),
        Action::SortReverse => s.queue.reverse(n),
        Action::NextView => s.queue.next_view(n),
        Action::StartSearch => {
            s.queue.search_input = Some(super::line::LineInput::default());
            s.queue.search_before = s.queue.query.search.clone();
            vec![]
        }
        Action::StartFilter => {
            s.queue.filter_input = Some(super::line::LineInput::new(&s.queue.query.filter.text()));
            vec![]
        }
        Action::ToggleMark => {
            let Some(id) = s.queue.selected().map(|r| r.id) else {
                return vec![];
            };
            if !s.queue.marked.remove(&id) {
                s.queue.marked.insert(id);
            }
            // On to the next row, as mutt's t does.
            s.queue.move_by(1, n)
        }
        // Esc on the queue steps back: first the marks, then out of a search, then out of a filter.
        Action::Back => {
            if !s.queue.marked.is_empty() {
                s.queue.marked.clear();
                return vec![];
            }
            if s.queue.query.search.take().is_some() || !std::mem::take(&mut s.queue.query.filter).is_empty() {
                return s.queue.reload(n);
            }
            vec![]
        }
        Action::Open => open_ticket(s, s.queue.selected().map(|r| r.id)),
        _ => vec![],
    }
}

fn sla_key(s: &mut AppState, action: Action) -> Vec<Effect> {
    let n = &mut s.next_request;
    let board = &mut s.sla.board;
    match action {
        Action::Open => open_ticket(s, s.sla.board.selected().map(|r| r.id)),
        Action::Move(d) => board.move_by(d, n),
        Action::Page(d) => {
            let h = board.page_height.max(1) as i32;
            board.move_by(d * h, n)
        }
        Action::First => board.first(n),
        Action::Last => board.last(n),
        _ => vec![],
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
