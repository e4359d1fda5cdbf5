//! What happens (Action) and what update asks the outside world to do (Effect).

use ratatui::crossterm::event::KeyEvent;

use crate::store::ticket_detail::TicketDetail;
use crate::store::tickets::{Anchor, QueueQuery, QueueRow};

use super::state::editor::{Choices, TicketForm};
use super::state::forms::DraftOffer;
use super::state::invoices::{InvoiceData, InvoiceEffect, InvoiceKey};
use crate::store::ticket_write::{NewTime, TicketChanges};
use crate::store::timers::Stop;

/// Key-bound intents and arriving data. Plain data, no I/O.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Quit,
    ToggleHelp,
    OpenPalette,
    /// `#`: a prompt for a ticket number, from any screen.
    GoToTicket,
    /// Open this ticket (the `#` prompt's or the palette's number, a recent one).
    OpenTicket(i64),
    /// The tickets opened last, newest first, to go back to one.
    RecentTickets,
    /// `m` on the queue: mark or unmark the selected ticket.
    ToggleMark,
    /// `w` on the queue: save the view, sort, search and filter under a name.
    SaveView,
    /// `V`: the previous view (built-in or saved).
    PrevView,
    /// The technician's saved views; `saved` names one just saved.
    SavedViewsLoaded {
        views: Vec<crate::store::saved_views::SavedView>,
        saved: Option<String>,
    },
    NextTab,
    PrevTab,
    GoTab(super::tab::Tab),
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
    /// Directory: copy the selected phone number (OSC 52).
    CopyPhone,
    /// Directory: copy the selected email address (OSC 52).
    CopyEmail,
    /// Directory: pick the selected contact's security level.
    EditLevel,
    NewTicket,
    EditTicket,
    AssignToMe,
    /// Assign the ticket to any technician, picked from a list.
    AssignTo,
    SetStatus,
    SetPriority,
    AddNote,
    EditNote,
    LogTime,
    Timer,
    Acknowledge,
    Save,
    Cancel,
    NextField,
    PrevField,
    Undo,
    Redo,
    ToggleInternal,
    /// Yes to the question on screen.
    Yes,
    /// No to the question on screen: nothing changes.
    No,
    /// Done typing the line of a prompt.
    Submit,
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
        /// No ticket at all in the store (asked only when a page is empty).
        store_empty: bool,
    },
    TicketLoaded(Option<Box<TicketDetail>>),
    PreviewLoaded(Option<Box<crate::store::ticket_preview::Preview>>),
    /// How many clocks the SLA board holds in all.
    ClocksCounted(i64),
    ComplianceLoaded(Vec<super::state::sla::Compliance>),
    /// SLA board: all running clocks, or only those running now.
    ToggleAfterHours,
    /// Queue: the filter line.
    StartFilter,
    /// Invoices tab: a key of `[keys.invoices]`.
    Invoice(InvoiceKey),
    /// Invoices tab: data from the worker.
    InvoiceData(Box<InvoiceData>),
    /// Directory tab: a checklist or on-call key of `[keys.directory]`.
    Directory(super::state::directory::DirectoryKey),
    DirectoryLoaded(Box<crate::store::directory::Directory>),
    /// A contact change landed (the message says what changed).
    ContactSaved(String),
    UserKnown {
        id: i64,
        role: crate::domain::permissions::Role,
    },
    /// Another console committed: reload what is on screen.
    StoreChanged,
    StoreFailed(String),
    ChoicesLoaded(Box<Choices>),
    /// A write landed; `ticket` is the ticket it touched.
    Saved {
        message: String,
        ticket: Option<i64>,
    },
    /// A write was refused; `conflict` is the version another console saved.
    SaveRefused {
        message: String,
        conflict: Option<i64>,
    },
    DraftFound(Option<Box<DraftOffer>>),
    /// The user's running timer, as the store has it (none: no timer).
    TimerLoaded(Option<crate::store::timers::Timer>),
    /// How many messages wait for a dispatcher (`pimdesk mail held`).
    MailHeldLoaded(i64),
    /// `M`: review the held mail.
    ReviewMail,
    HeldLoaded(Vec<crate::store::mail::held::Held>),
    /// What became of an accept or a drop, in words.
    MailReviewed(String),
}

/// Work for the store worker; each answers with an Action.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// The current technician's saved queue views.
    LoadSavedViews,
    /// Save the queue's query under a name (the technician's own).
    SaveView {
        name: String,
        query: Box<crate::store::tickets::QueueQuery>,
    },
    LoadQueue {
        request: u64,
        query: QueueQuery,
        anchor: Anchor,
        limit: usize,
    },
    LoadTicket(i64),
    /// The queue's preview pane: description and last note of a ticket.
    LoadPreview(i64),
    /// Count the rows of a view (the SLA board's title).
    CountClocks(Box<crate::store::queue::QueueQuery>),
    LoadCompliance {
        since: i64,
        now: i64,
    },
    /// Invoices tab: a load or a finance write (state/invoices.rs).
    Invoice(Box<InvoiceEffect>),
    /// Directory tab: a checklist step or on-call change (state/directory/writes.rs).
    Directory(Box<super::state::directory::DirectoryEffect>),
    LoadDirectory,
    EnsureUser(String),
    LoadChoices,
    LoadDraft,
    /// Create or update from the editor (checked against `form.base_version`).
    SaveTicket {
        form: Box<TicketForm>,
        scheduled: Option<i64>,
        at: i64,
    },
    Update {
        id: i64,
        changes: Box<TicketChanges>,
        label: String,
        at: i64,
    },
    /// The same change on every marked ticket, in one transaction.
    UpdateMany {
        ids: Vec<i64>,
        changes: Box<TicketChanges>,
        label: String,
        at: i64,
    },
    AddNote {
        id: i64,
        text: String,
        internal: bool,
        at: i64,
    },
    /// Correct note `note` of ticket `id`.
    EditNote {
        id: i64,
        note: i64,
        text: String,
        at: i64,
    },
    AddTime {
        id: i64,
        time: NewTime,
        at: i64,
    },
    /// The user's running timer (a store row: other consoles see it too).
    LoadTimer,
    LoadMailHeld,
    /// The held messages, for the review list.
    LoadHeld,
    AcceptMail {
        id: i64,
        company_id: i64,
        at: i64,
    },
    DropMail {
        id: i64,
        at: i64,
    },
    StartTimer {
        id: i64,
        at: i64,
    },
    /// Stops the timer on `id` and logs `stop.minutes` in one transaction.
    StopTimer {
        id: i64,
        stop: Stop,
        at: i64,
    },
    /// Throws the timer on `id` away, logging nothing.
    DiscardTimer {
        id: i64,
        at: i64,
    },
    Acknowledge {
        id: i64,
        at: i64,
    },
    SaveDraft {
        ticket_id: Option<i64>,
        base_version: Option<i64>,
        body: String,
        at: i64,
    },
    DeleteDraft(Option<i64>),
    /// Text for the terminal's clipboard: the app loop writes it as OSC 52
    /// right after the next draw (never reaches the worker).
    Clipboard(String),
    /// Set a contact's security level as `who` (role checked in the transaction).
    SetContactLevel {
        contact_id: i64,
        level: String,
        who: i64,
        at: i64,
    },
}
