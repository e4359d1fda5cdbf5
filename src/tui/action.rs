//! What happens (Action) and what update asks the outside world to do (Effect).

use ratatui::crossterm::event::KeyEvent;

use crate::store::ticket_detail::TicketDetail;
use crate::store::tickets::{Anchor, QueueQuery, QueueRow};

use super::state::lists::{DirectoryData, InvoiceRow, SlaRow};

/// Key-bound intents and arriving data. Plain data, no I/O.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Quit,
    ToggleHelp,
    NextTab,
    PrevTab,
    GoTab(usize),
    Move(i32),
    Page(i32),
    First,
    Last,
    Open,
    Back,
    Refresh,
    SortNext,
    SortReverse,
    NextView,
    StartSearch,
    /// A key no binding claimed (typed text for an input box).
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    /// The clock moved on (once a second).
    Tick,
    /// The session hung up or a terminating signal arrived.
    Hangup,
    QueueLoaded {
        request: u64,
        anchor: Anchor,
        rows: Vec<QueueRow>,
    },
    TicketLoaded(Option<Box<TicketDetail>>),
    SlaLoaded(Vec<SlaRow>),
    InvoicesLoaded(Vec<InvoiceRow>),
    DirectoryLoaded(Box<DirectoryData>),
    UserKnown {
        id: i64,
        role: String,
    },
    /// Another console committed: reload what is on screen.
    StoreChanged,
    StoreFailed(String),
}

/// Work for the store worker; each answers with an Action.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadQueue {
        request: u64,
        query: QueueQuery,
        anchor: Anchor,
        limit: usize,
    },
    LoadTicket(i64),
    LoadSla,
    LoadInvoices,
    LoadDirectory,
    EnsureUser(String),
}
