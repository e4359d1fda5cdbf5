//! The console in-process: the real `update`, worker thread and `view::draw` into
//! a fixed 80x24 backend whose bytes are counted.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::{DateTime, Utc};
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use rusqlite::Connection;

use pimdesk::config::Config;
use pimdesk::store::OpenOptions;
use pimdesk::tui::action::{Action, Effect};
use pimdesk::tui::keymap::Keymap;
use pimdesk::tui::state::{update, AppState};
use pimdesk::tui::view::{self, theme::Theme};
use pimdesk::tui::worker;

use crate::floor::{captured, floor_all, trace};
use crate::report::{now, Report, Stats};

/// Counts the bytes ratatui writes to the "terminal".
#[derive(Clone, Default)]
struct Tally(Arc<AtomicUsize>);

impl Write for Tally {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.fetch_add(buf.len(), Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The console without a tty: the real state, update, worker thread and draw,
/// into a fixed 80x24 crossterm backend whose bytes are counted.
pub struct Harness {
    pub state: AppState,
    keymap: Keymap,
    theme: Theme,
    term: Terminal<CrosstermBackend<Tally>>,
    tracker: pimdesk::tui::scroll::ScrollTracker,
    bytes: Tally,
    effects: Sender<Effect>,
    actions: Receiver<Action>,
    pub now: DateTime<Utc>,
    pub max_rows: usize,
}

pub struct Sample {
    pub took: Duration,
    pub queries: usize,
    pub bytes: usize,
}

impl Harness {
    /// A console on `db`; `traced` records its SQL for the floors (never timed).
    pub fn new(db: &Path, config: &Config, traced: bool) -> Result<Harness> {
        let conn = pimdesk::store::open(db, &OpenOptions::default())?;
        if traced {
            trace(&conn);
        }
        let login = pimdesk::platform::current_login();
        let (user_id, role) = pimdesk::store::actor::ensure(&conn, &login)?;
        let now = now();
        let mut state = AppState::new(config, login, "1m.db".into(), now);
        state.me.user_id = Some(user_id);
        state.me.role = Some(role);
        state.queue.query.me = Some(user_id);
        let writer = worker::WriterCtx {
            user_id,
            calendar: config.sla_calendar(),
            policy: config.sla_policy(),
            mail: config.mail.outgoing(),
            mail_config: config.mail.clone(),
        };
        let (effects, effect_rx) = mpsc::channel();
        let (action_tx, actions) = mpsc::channel();
        // Each key waits for its answer here, so no search is ever stopped.
        let cancel = worker::SearchCancel::new(&conn);
        std::thread::spawn(move || worker::run(conn, writer, cancel, effect_rx, action_tx));
        let bytes = Tally::default();
        let options = TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)),
        };
        let term = Terminal::with_options(CrosstermBackend::new(bytes.clone()), options)?;
        let mut h = Harness {
            state,
            keymap: Keymap::from_config(config),
            theme: Theme::new(&config.console.colors),
            term,
            tracker: Default::default(),
            bytes,
            effects,
            actions,
            now,
            max_rows: 0,
        };
        let start = h.state.start();
        h.run(start);
        h.draw();
        Ok(h)
    }

    /// Sends effects to the worker and applies its answers until none is outstanding.
    fn run(&mut self, mut effects: Vec<Effect>) -> usize {
        let (mut queries, mut outstanding) = (0, 0usize);
        loop {
            for e in effects.drain(..) {
                if matches!(e, Effect::Clipboard(_)) {
                    continue;
                }
                queries += usize::from(matches!(e, Effect::LoadQueue { .. }));
                if self.effects.send(e).is_ok() {
                    outstanding += 1;
                }
            }
            if outstanding == 0 {
                break;
            }
            let Ok(a) = self.actions.recv() else { break };
            outstanding -= 1;
            effects = update(&mut self.state, a, self.now);
        }
        self.max_rows = self.max_rows.max(self.state.queue.rows.len());
        queries
    }

    pub fn draw(&mut self) -> usize {
        self.bytes.0.store(0, Ordering::Relaxed);
        let (state, keymap, theme) = (&self.state, &self.keymap, &self.theme);
        // As the console's loop does: scroll the list region when the rows only moved.
        self.tracker.scroll(&mut self.term, state);
        if let Ok(frame) = self
            .term
            .draw(|f| view::draw(f, state, keymap, theme))
            .map(|f| f.buffer.clone())
        {
            self.tracker.drawn(&frame, state);
        }
        self.bytes.0.load(Ordering::Relaxed)
    }

    /// Key to frame: update, the store work it asks for, and the draw.
    pub fn key(&mut self, a: Action) -> Sample {
        let t = Instant::now();
        let effects = update(&mut self.state, a, self.now);
        let queries = self.run(effects);
        let bytes = self.draw();
        Sample {
            took: t.elapsed(),
            queries,
            bytes,
        }
    }

    pub fn keys(&mut self, a: &Action, n: usize) -> Vec<Sample> {
        (0..n).map(|_| self.key(a.clone())).collect()
    }

    /// `/` then Esc: the search line's Esc clears the search and reloads the queue.
    /// Esc on the queue: out of the kept search.
    pub fn clear_search(&mut self) {
        self.key(Action::Back);
    }

    /// `/`, the words a key at a time, Enter: each key's sample (the list
    /// narrows as the words are typed, so every key may ask the store).
    pub fn type_search(&mut self, words: &str) -> Vec<Sample> {
        self.key(Action::StartSearch);
        let mut keys: Vec<Sample> = words
            .chars()
            .map(|c| self.key(Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))))
            .collect();
        // Enter in the search line, as the keymap's [keys.prompt] gives it.
        keys.push(self.key(Action::Submit));
        keys
    }
}

pub fn times(samples: &[Sample]) -> Stats {
    Stats::of(samples.iter().map(|s| s.took).collect())
}

pub fn queries(samples: &[Sample]) -> usize {
    samples.iter().map(|s| s.queries).sum()
}

/// The figures of one console: `h` is timed, `t` (same store, traced) replays
/// the same keys to capture the SQL behind them for the floors.
pub struct Pair<'a> {
    pub h: Harness,
    pub t: Harness,
    pub traced: Connection,
    pub db: &'a Path,
}

impl Pair<'_> {
    /// The floor of the store work behind a key: replayed on the traced console.
    pub fn key_floor(&mut self, r: &Report, a: Action) -> Option<f64> {
        let (_, sql) = captured(|| self.t.key(a));
        floor_all(r, self.db, &sql)
    }
}
