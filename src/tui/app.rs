//! The loop: events in, update, effects out to the worker, draw when dirty.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{self, Event, KeyEventKind};

use super::action::{Action, Effect};
use super::keymap::Keymap;
use super::state::{update, AppState};
use super::terminal::Guard;
use super::view::{self, theme::Theme};
use super::worker;

/// What reaches the loop: terminal input, or an action from the worker or a signal.
enum Msg {
    Input(Event),
    Act(Action),
}

/// Where "now" comes from: the clock, or frozen by PIMDESK_NOW.
#[derive(Clone, Copy)]
pub struct Clock {
    pub frozen: Option<DateTime<Utc>>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        self.frozen.unwrap_or_else(Utc::now)
    }
}

/// Runs the console until quit or hang-up; the guard restores the terminal.
#[allow(clippy::too_many_arguments)]
pub fn run_loop(
    mut state: AppState,
    conn: rusqlite::Connection,
    writer: worker::WriterCtx,
    keymap: Keymap,
    theme: Theme,
    clock: Clock,
    wrap: Osc52Wrap,
) -> anyhow::Result<()> {
    let (tx, rx) = mpsc::channel::<Msg>();
    let w = start_worker(conn, writer)?;
    forward(w.answers, tx.clone());
    watch_signals(tx.clone())?;
    let mut guard = Guard::enter()?;
    let size = guard.terminal.size()?;
    state.size = (size.width, size.height);
    spawn_input(tx);
    send_all(&w.effects, state.start());
    let (mut clipboard, mut tracker) = (Vec::<String>::new(), super::scroll::ScrollTracker::default());
    loop {
        if state.dirty && !draw(&mut guard, &mut tracker, &state, &keymap, &theme) {
            // The terminal is gone (hang-up): keep the draft as a hang-up does.
            let effects = update(&mut state, Action::Hangup, clock.now());
            send_all(&w.effects, effects);
            break;
        }
        state.dirty = false;
        clipboard
            .drain(..)
            .for_each(|text| drop(write_clipboard(guard.terminal.backend_mut(), &text, wrap)));
        let wait = Duration::from_millis(1000 - u64::from(clock.now().timestamp_subsec_millis().min(999)));
        let action = match rx.recv_timeout(wait) {
            Ok(Msg::Act(a)) => Some(a),
            Ok(Msg::Input(ev)) => input_action(&state, &keymap, ev),
            Err(RecvTimeoutError::Timeout) => Some(Action::Tick),
            Err(RecvTimeoutError::Disconnected) => Some(Action::Hangup),
        };
        if let Some(a) = action {
            let effects = update(&mut state, a, clock.now());
            send_newer(&w.effects, &w.cancel, take_clipboard(effects, &mut clipboard));
        }
        if state.quit {
            break;
        }
    }
    drop(guard);
    tracing::info!("console closing; waiting for the store worker");
    // Let the worker finish what was sent (a draft saved at hang-up) before the process ends.
    drop(w.effects);
    // Generous: a draft write waits for its fsync, which a busy disk can make slow.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !w.thread.is_finished() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(())
}

/// One frame; false when the terminal is gone.
fn draw(
    guard: &mut Guard,
    tracker: &mut super::scroll::ScrollTracker,
    state: &AppState,
    keymap: &Keymap,
    theme: &Theme,
) -> bool {
    tracker.scroll(&mut *guard.terminal, state);
    let drawn = guard
        .terminal
        .draw(|f| view::draw(f, state, keymap, theme))
        .map(|f| f.buffer.clone());
    if let Ok(frame) = &drawn {
        tracker.drawn(frame, state);
    }
    drawn.is_ok()
}

/// Clipboard text is for the terminal, not the worker: kept to be written
/// after the next draw; the rest goes on.
fn take_clipboard(effects: Vec<Effect>, clipboard: &mut Vec<String>) -> Vec<Effect> {
    let (clip, effects): (Vec<_>, Vec<_>) = effects.into_iter().partition(|e| matches!(e, Effect::Clipboard(_)));
    clipboard.extend(clip.into_iter().filter_map(|e| match e {
        Effect::Clipboard(t) => Some(t),
        _ => None,
    }));
    effects
}

/// How the OSC 52 sequence travels to the terminal the user looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Osc52Wrap {
    /// As it is: terminals and SSH.
    Plain,
    /// Inside tmux: `tmux load-buffer -w -`, which with tmux's default
    /// `set-clipboard external` (or `on`) sends it to the outer terminal
    /// itself (tmux drops an application's own OSC 52 unless the option is
    /// `on`). The plain sequence if that command fails.
    TmuxBuffer,
    /// In tmux's passthrough (`ESC P tmux; … ESC \`, ESCs doubled): for a
    /// tmux with `set-clipboard off` and `allow-passthrough on`.
    Tmux,
    /// In GNU screen's DCS passthrough (`ESC P … ESC \`).
    Screen,
}

impl Osc52Wrap {
    /// From `console.clipboard` and the environment: "auto" hands it to tmux
    /// inside tmux, wraps it for GNU screen under screen, else sends it plain;
    /// "tmux-passthrough" wraps it for tmux when inside tmux.
    pub fn choose(setting: &str, tmux: bool, screen: bool) -> Osc52Wrap {
        match (setting, tmux, screen) {
            ("tmux-passthrough", true, _) => Osc52Wrap::Tmux,
            (_, true, _) => Osc52Wrap::TmuxBuffer,
            (_, false, true) => Osc52Wrap::Screen,
            _ => Osc52Wrap::Plain,
        }
    }
}

/// OSC 52 asks the terminal (through SSH and tmux) to put `text` on the
/// clipboard. Written only on a copy key.
fn write_clipboard(out: &mut impl std::io::Write, text: &str, wrap: Osc52Wrap) -> std::io::Result<()> {
    if wrap == Osc52Wrap::TmuxBuffer {
        match tmux_load_buffer(&crate::domain::text::sanitize_line(text)) {
            Ok(()) => return Ok(()),
            Err(e) => tracing::warn!(error = %e, "tmux load-buffer -w failed; sending OSC 52 as it is"),
        }
    }
    out.write_all(osc52(text, wrap).as_bytes())?;
    out.flush()
}

/// `tmux load-buffer -w -` with `text` on its stdin (nothing on our terminal).
fn tmux_load_buffer(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("tmux")
        .args(["load-buffer", "-w", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(text.as_bytes())?;
    }
    let status = child.wait()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!("tmux load-buffer exited {status}")))
    }
}

/// `ESC ] 52 ; c ; BASE64 BEL`, wrapped as `wrap` says.
pub fn osc52(text: &str, wrap: Osc52Wrap) -> String {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let text = crate::domain::text::sanitize_line(text);
    let mut b64 = String::new();
    for chunk in text.as_bytes().chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            let c = B64[(n >> (18 - 6 * i) & 63) as usize] as char;
            b64.push(if i <= chunk.len() { c } else { '=' });
        }
    }
    let seq = format!("\x1b]52;c;{b64}\x07");
    match wrap {
        Osc52Wrap::Plain | Osc52Wrap::TmuxBuffer => seq,
        Osc52Wrap::Tmux => format!("\x1bPtmux;{}\x1b\\", seq.replace('\x1b', "\x1b\x1b")),
        Osc52Wrap::Screen => format!("\x1bP{seq}\x1b\\"),
    }
}

/// The store worker on its thread: where effects go, where its answers
/// come from, the stop for its searches, its handle.
struct Worker {
    effects: Sender<Effect>,
    answers: mpsc::Receiver<Action>,
    cancel: worker::SearchCancel,
    thread: std::thread::JoinHandle<()>,
}

fn start_worker(conn: rusqlite::Connection, writer: worker::WriterCtx) -> std::io::Result<Worker> {
    let (effects, effect_rx) = mpsc::channel::<Effect>();
    let (action_tx, answers) = mpsc::channel::<Action>();
    let cancel = worker::SearchCancel::new(&conn);
    let worker_cancel = cancel.clone();
    let thread = std::thread::Builder::new()
        .name("store".into())
        .spawn(move || worker::run(conn, writer, worker_cancel, effect_rx, action_tx))?;
    Ok(Worker {
        effects,
        answers,
        cancel,
        thread,
    })
}

/// Sends the effects; a search among them stops the one in flight, which
/// answers a question no longer asked.
fn send_newer(tx: &Sender<Effect>, cancel: &worker::SearchCancel, effects: Vec<Effect>) {
    let newer_search = effects.iter().any(super::worker_cancel::is_search);
    send_all(tx, effects);
    if newer_search {
        cancel.stop_search();
    }
}

fn send_all(tx: &Sender<Effect>, effects: Vec<Effect>) {
    for e in effects {
        let _ = tx.send(e);
    }
}

fn forward(rx: mpsc::Receiver<Action>, tx: Sender<Msg>) {
    std::thread::spawn(move || {
        for a in rx {
            if tx.send(Msg::Act(a)).is_err() {
                return;
            }
        }
    });
}

/// Blocks on terminal input; a read error means the terminal went away.
fn spawn_input(tx: Sender<Msg>) {
    watch_terminal(tx.clone());
    std::thread::spawn(move || loop {
        match event::read() {
            Ok(ev) => {
                if tx.send(Msg::Input(ev)).is_err() {
                    return;
                }
            }
            Err(_) => {
                let _ = tx.send(Msg::Act(Action::Hangup));
                return;
            }
        }
    });
}

/// A terminal closed without SIGHUP (some SSH servers and multiplexers)
/// reads as EOF or EIO forever, which crossterm retries in a busy loop and
/// never reports. poll with no events asked wakes only on a hang-up
/// (POLLHUP/POLLERR) and reads nothing, so it never races the input thread:
/// the console then saves the draft and exits, ending that loop with it.
#[cfg(unix)]
fn watch_terminal(tx: Sender<Msg>) {
    // crossterm reads stdin when it is a terminal (else /dev/tty, not watched).
    // SAFETY: isatty only inspects fd 0.
    if unsafe { libc::isatty(0) } != 1 {
        return;
    }
    std::thread::spawn(move || loop {
        let mut fds = libc::pollfd {
            fd: 0,
            events: 0,
            revents: 0,
        };
        // SAFETY: poll writes only into the one pollfd we pass.
        let n = unsafe { libc::poll(&mut fds, 1, -1) };
        if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        if n != 0 {
            tracing::info!(revents = fds.revents, "the terminal closed: closing the console");
            park_input();
            let _ = tx.send(Msg::Act(Action::Hangup));
            return;
        }
    });
}

/// Puts an empty pipe where the dead terminal was on fd 0, so the input
/// thread's next read waits instead of spinning on EIO while the console
/// saves the draft and exits. The write end stays open (leaked) so the pipe
/// never reads as EOF.
#[cfg(unix)]
fn park_input() {
    let mut ends = [0 as libc::c_int; 2];
    // SAFETY: pipe fills the two-int array; dup2 swaps fd 0 for its read end,
    // which reading threads then see as an empty, open pipe.
    unsafe {
        if libc::pipe(ends.as_mut_ptr()) == 0 {
            libc::dup2(ends[0], 0);
            libc::close(ends[0]);
        }
    }
}

#[cfg(not(unix))]
fn watch_terminal(_tx: Sender<Msg>) {}

fn watch_signals(tx: Sender<Msg>) -> anyhow::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            tracing::info!(sig, "signal: closing the console");
            let _ = tx.send(Msg::Act(Action::Hangup));
        }
    });
    Ok(())
}

fn input_action(state: &AppState, keymap: &Keymap, ev: Event) -> Option<Action> {
    match ev {
        Event::Key(k) if k.kind == KeyEventKind::Press => Some(keymap.action_for(state, k)),
        Event::Paste(text) => Some(Action::Paste(text)),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        _ => None,
    }
}
