//! End-to-end: the console's shell (tabs, help, ticket view, quitting,
//! signals, hang-up, NO_COLOR, resize, 80x24) driven through a real
//! pseudo-terminal. See `common/pty.rs` for the harness.

mod common;

use std::time::{Duration, Instant};

use common::pty::{colour_codes, framed, sgr_sequences, styled_text, Console, TIMEOUT};
use pimdesk::tui::keymap::CATALOGUE;

const SHIFT_TAB: &str = "\x1b[Z";
const ESC: &str = "\x1b";
const ENTER: &str = "\r";

/// A fresh console at 80x24 with the queue loaded.
fn console(env: &[(&str, &str)]) -> Console {
    let c = Console::spawn(&[], env, 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c
}

/// Waits until the tab bar marks `tab` (e.g. "1 Queue") as active.
fn wait_tab(c: &Console, tab: &str) {
    c.wait_until(&format!("active tab {tab:?}"), TIMEOUT, |vt| {
        styled_text(vt, 0, |cell| cell.inverse()) == tab
    })
    .unwrap();
}

/// The queue's column header row and the ticket ids below it, top to bottom.
fn queue_ids(c: &Console) -> (usize, Vec<u32>) {
    let rows = c.rows();
    let header = rows
        .iter()
        .position(|r| r.contains("ID") && r.contains("Status") && r.contains("SLA left"))
        .unwrap_or_else(|| panic!("no queue header row (ID, Status, SLA left):\n{}", framed(&c.vt())));
    let ids = rows[header + 1..]
        .iter()
        .map_while(|r| r.strip_prefix('#')?.split_whitespace().next()?.parse().ok())
        .collect();
    (header, ids)
}

/// The user pimdesk shows: the login of the real uid.
fn login() -> String {
    let out = std::process::Command::new("id").arg("-un").output().expect("id -un");
    String::from_utf8(out.stdout).expect("utf-8 login").trim().to_string()
}

/// Quits with `q` and checks the exit (code 0 within 2 s) and the terminal.
fn quit_cleanly(c: &mut Console) {
    c.send("q");
    let status = c
        .wait_exit(Duration::from_secs(2))
        .unwrap_or_else(|| panic!("still running 2 s after q; screen:\n{}", framed(&c.vt())));
    assert_eq!(status.exit_code(), 0, "exit status after q: {status:?}");
    assert!(status.signal().is_none(), "killed by a signal: {status:?}");
    c.restored().unwrap();
}

/// The bindings the help on screen fails to list. Expected: every binding
/// (default config) of the sections in `base` and of every section whose
/// "NAME keys" heading the help shows. A binding counts as listed when the
/// first 40 characters of its description are on screen (the box may cut a
/// long description short; that still lists the binding).
fn help_missing(help: &str, base: &[&str]) -> Vec<String> {
    let known = |name: &str| CATALOGUE.iter().any(|b| b.section.name() == name);
    let mut sections: Vec<String> = base.iter().map(|s| s.to_string()).collect();
    for line in help.lines() {
        for word in line.split(|c: char| !c.is_alphanumeric() && c != '_' && c != ' ') {
            if let Some(name) = word.trim().strip_suffix(" keys") {
                if known(name) && !sections.iter().any(|s| s == name) {
                    sections.push(name.to_string());
                }
            }
        }
    }
    CATALOGUE
        .iter()
        .filter(|b| sections.iter().any(|s| s == b.section.name()))
        .filter(|b| !help.contains(&b.description.chars().take(40).collect::<String>()))
        .map(|b| format!("{}.{} ({:?})", b.section.name(), b.name, b.description))
        .collect()
}

#[test]
fn switches_every_tab_opens_help_and_quits() {
    let mut c = console(&[]);
    wait_tab(&c, "1 Queue");
    let (header, ids) = queue_ids(&c);
    let screen = c.screen();
    assert!(screen.contains("Queue"), "{screen}");
    assert_eq!(ids.first(), Some(&2000), "newest ticket first:\n{}", framed(&c.vt()));
    assert!(
        ids.len() >= 10,
        "a screenful of rows below the header (row {header}): {ids:?}"
    );
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "ids descending: {ids:?}");

    c.send("2");
    c.wait_for("Running response clocks", TIMEOUT).unwrap();
    wait_tab(&c, "2 SLA");

    c.send("3");
    c.wait_for(" Invoices: ", TIMEOUT).unwrap();
    wait_tab(&c, "3 Invoices");

    c.send("4");
    c.wait_for("pim departments", TIMEOUT).unwrap();
    c.wait_for("Client Concierge", TIMEOUT).unwrap();
    wait_tab(&c, "4 Directory");

    // Tab from the last tab wraps to the first.
    c.send("\t");
    c.wait_for("SLA left", TIMEOUT).unwrap();
    wait_tab(&c, "1 Queue");
    c.wait_gone("pim departments", TIMEOUT).unwrap();

    // Shift-Tab from the first tab wraps to the last.
    c.send(SHIFT_TAB);
    c.wait_for("Client Concierge", TIMEOUT).unwrap();
    wait_tab(&c, "4 Directory");

    c.send("?");
    let help = c.wait_for("quit pimdesk", TIMEOUT).unwrap();
    assert!(help.contains("Help"), "{help}");
    let missing = help_missing(&help, &["list", "global"]);
    assert!(missing.is_empty(), "help lacks {missing:?}:\n{}", framed(&c.vt()));

    c.send(ESC);
    c.wait_gone("quit pimdesk", TIMEOUT).unwrap();
    c.wait_for("Client Concierge", TIMEOUT).unwrap();
    assert!(!c.screen().contains("Help"), "help still open:\n{}", framed(&c.vt()));

    let before = c.vt();
    assert!(before.alternate_screen() && before.hide_cursor() && before.bracketed_paste());
    quit_cleanly(&mut c);
    let vt = c.vt();
    assert!(!vt.alternate_screen(), "still on the alternate screen");
    assert!(!vt.hide_cursor(), "cursor still hidden");
    assert!(!vt.bracketed_paste(), "bracketed paste still on");
    let raw = c.raw();
    let on = common::pty::rfind(&raw, b"\x1b[?1049h").expect("entered the alternate screen");
    let off = common::pty::rfind(&raw, b"\x1b[?1049l").expect("left the alternate screen");
    assert!(off > on, "\\e[?1049l at {off} is not after the last \\e[?1049h at {on}");
}

#[test]
fn enter_opens_a_ticket_and_esc_goes_back() {
    let mut c = console(&[]);
    let (_, ids) = queue_ids(&c);
    let first = *ids.first().expect("a ticket row");
    c.send(ENTER);
    let ticket = c.wait_for(&format!("Ticket #{first}"), TIMEOUT).unwrap();
    c.wait_for("Notes (", TIMEOUT).unwrap();
    assert!(!ticket.contains("SLA left"), "the list is still drawn:\n{ticket}");

    c.send(ESC);
    c.wait_for("SLA left", TIMEOUT).unwrap();
    c.wait_gone("Ticket #", TIMEOUT).unwrap();
    assert_eq!(queue_ids(&c).1.first(), Some(&first), "back on the same list");
    wait_tab(&c, "1 Queue");
    quit_cleanly(&mut c);
}

/// How long a handled exit may take on a loaded test machine. On a quiet one it
/// takes well under a second; the
/// bound is generous so a busy CI host does not fail it, while a console that
/// ignores the signal (and waits for the kernel) still does.
const EXIT_BOUND: Duration = Duration::from_secs(4);

/// A terminating signal closes the console promptly, restoring the terminal.
fn signal_exits_within_a_second_and_restores(sig: libc::c_int) {
    let mut c = console(&[]);
    let t = Instant::now();
    c.signal(sig);
    let status = c
        .wait_exit(EXIT_BOUND)
        .unwrap_or_else(|| panic!("signal {sig}: still running after {EXIT_BOUND:?}:\n{}", framed(&c.vt())));
    assert!(t.elapsed() <= EXIT_BOUND, "took {:?}", t.elapsed());
    // Handled, not killed by it (a killed process restores nothing).
    assert!(
        status.signal().is_none(),
        "signal {sig}: killed, not handled: {status:?}"
    );
    c.restored().unwrap();
}

#[test]
fn sighup_exits_within_a_second_and_restores() {
    signal_exits_within_a_second_and_restores(libc::SIGHUP);
}

#[test]
fn sigterm_exits_within_a_second_and_restores() {
    signal_exits_within_a_second_and_restores(libc::SIGTERM);
}

#[test]
fn sigint_exits_within_a_second_and_restores() {
    signal_exits_within_a_second_and_restores(libc::SIGINT);
}

#[test]
fn closing_the_terminal_ends_the_process() {
    let mut c = console(&[]);
    assert!(c.running());
    c.hangup();
    let status = c.wait_exit(EXIT_BOUND);
    let status = status.expect("still running long after the terminal closed");
    assert!(!c.running(), "the process is gone");
    // It noticed and closed itself (drafts get saved on that path), rather
    // than being killed by the kernel's SIGHUP.
    assert!(status.signal().is_none(), "killed, not handled: {status:?}");
    // SAFETY: signal 0 only checks whether the pid exists (reaped: it doesn't).
    let alive = unsafe { libc::kill(c.pid() as libc::pid_t, 0) } == 0;
    assert!(!alive, "pid {} still exists", c.pid());
}

/// Visits every tab and the help, then quits: raw bytes of a whole session.
fn session_bytes(env: &[(&str, &str)]) -> (Vec<u8>, vt100::Screen) {
    let mut c = console(env);
    let first = c.vt();
    for (key, text) in [
        ("2", "Running response clocks"),
        ("3", " Invoices: "),
        ("4", "Client Concierge"),
        ("?", "quit pimdesk"),
        (ESC, "pim departments"),
        ("1", "SLA left"),
        (ENTER, "Notes ("),
    ] {
        c.send(key);
        c.wait_for(text, TIMEOUT).unwrap();
    }
    quit_cleanly(&mut c);
    (c.raw(), first)
}

#[test]
fn no_color_means_no_colour_sequences() {
    let (raw, vt) = session_bytes(&[("NO_COLOR", "1")]);
    assert!(
        !sgr_sequences(&raw).is_empty(),
        "styles (bold, reverse) are still drawn"
    );
    let colours = colour_codes(&raw);
    assert!(colours.is_empty(), "NO_COLOR=1 but colours were set: {colours:?}");
    let title = vt.cell(0, 1).expect("title cell");
    assert_eq!(title.contents(), "p");
    assert_eq!(title.fgcolor(), vt100::Color::Default);

    let (raw, vt) = session_bytes(&[]);
    let colours = colour_codes(&raw);
    assert!(!colours.is_empty(), "no colour at all without NO_COLOR");
    let title = vt.cell(0, 1).expect("title cell");
    assert_eq!(title.contents(), "p");
    assert_eq!(title.fgcolor(), vt100::Color::Idx(6), "the title is cyan");
}

#[test]
fn sgr_parser_finds_every_way_of_writing_a_colour() {
    let raw = b"a\x1b[1;36mb\x1b[0m\x1b[38;5;6m\x1b[39;49m\x1b[m\x1b[?25l\x1b[48;2;1;2;3;1m\x1b[38:5:9m\x1b[90m\x1b[7m\x1b[2J";
    assert_eq!(
        sgr_sequences(raw),
        ["1;36", "0", "38;5;6", "39;49", "", "48;2;1;2;3;1", "38:5:9", "90", "7"]
    );
    assert_eq!(colour_codes(raw), ["36", "38;5;6", "48;2;1;2;3", "38:5:9", "90"]);
    assert!(colour_codes(b"\x1b[1m\x1b[7;4m\x1b[39m\x1b[0m\x1b[22m").is_empty());
}

#[test]
fn resize_is_handled() {
    let mut c = console(&[]);
    let user = login();
    // Below 80 columns the footer may lose hints off its end; its first one stays.
    for (cols, rows, footer) in [(100u16, 30u16, "q quit"), (60, 20, "s sort")] {
        c.resize(cols, rows);
        let status_row = rows - 2;
        let what = format!("the status line on row {status_row} and the footer below it at {cols}x{rows}");
        c.wait_until(&what, TIMEOUT, |vt| {
            let text: Vec<String> = vt.rows(0, cols).collect();
            text[usize::from(status_row)].contains("EST") && text[usize::from(rows - 1)].contains(footer)
        })
        .unwrap();
        let screen = c.rows();
        for (i, r) in screen.iter().enumerate() {
            if i != usize::from(status_row) {
                assert!(
                    !r.contains(&user) || !r.contains("EST"),
                    "a stale status line on row {i}:\n{}",
                    framed(&c.vt())
                );
            }
        }
        assert!(c.row(0).contains("Queue"), "tab bar:\n{}", framed(&c.vt()));
        assert!(c.running(), "crashed after resizing to {cols}x{rows}");
    }
    // At 100 columns the table used the width; at 60 it still shows rows.
    assert_eq!(queue_ids(&c).1.first(), Some(&2000), "{}", framed(&c.vt()));
    // Below 60x16 no broken rows: one line says why and how to leave.
    for (cols, rows) in [(40u16, 12u16), (80, 12), (50, 30)] {
        c.resize(cols, rows);
        let screen = c
            .wait_for("terminal too small", TIMEOUT)
            .unwrap_or_else(|e| panic!("at {cols}x{rows}: {e}"));
        assert!(
            !screen.contains("#2000"),
            "rows drawn at {cols}x{rows}:\n{}",
            framed(&c.vt())
        );
    }
    c.resize(80, 24);
    c.wait_for("#2000", TIMEOUT).expect("the queue comes back at 80x24");
    c.resize(40, 12);
    c.wait_for("terminal too small", TIMEOUT).unwrap();
    quit_cleanly(&mut c);
}

#[test]
fn usable_at_80x24() {
    let mut c = console(&[]);
    let user = login();
    for (key, header) in [
        ("1", &["ID", "Status", "Company", "SLA left", "Age"][..]),
        ("2", &["Running response clocks"][..]),
        ("3", &["Invoices: "][..]),
        ("4", &["pim departments", "Client Concierge"][..]),
    ] {
        c.send(key);
        c.wait_for(header[0], TIMEOUT).unwrap();
        let vt = c.vt();
        let rows = c.rows();
        for h in header {
            assert!(
                rows[1..22].iter().any(|r| r.contains(h)),
                "tab {key}: {h:?} is not in the body (rows 1-21):\n{}",
                framed(&vt)
            );
        }
        if key == "1" {
            let all = rows[1..22].iter().any(|r| header.iter().all(|h| r.contains(h)));
            assert!(all, "the queue's column headers are not on one row:\n{}", framed(&vt));
        }
        let status = c.row(22);
        assert!(
            status.contains(&user) && status.contains("Wed Nov 25 10:00 EST"),
            "tab {key}: status line (row 22) lacks {user:?} and the time:\n{}",
            framed(&vt)
        );
        assert!(c.row(23).contains("q quit"), "tab {key}: footer:\n{}", framed(&vt));
    }
    quit_cleanly(&mut c);
}

/// `?` lists every binding of the screen on show, at 80x24 too: on each tab
/// and on the ticket view.
#[test]
fn help_shows_every_binding_at_80x24() {
    let mut c = console(&[]);
    let list = &["list", "global"][..];
    let mut failures = Vec::new();
    for (key, ready, base) in [
        ("2", "Running response clocks", list),
        ("3", " Invoices: ", list),
        ("4", "Client Concierge", list),
        ("1", "SLA left", &["queue", "list", "global"][..]),
        (ENTER, "Notes (", &["ticket", "global"][..]),
    ] {
        c.send(key);
        c.wait_for(ready, TIMEOUT).unwrap();
        c.send("?");
        let help = c.wait_for(" Help \u{2500}", TIMEOUT).unwrap();
        let missing = help_missing(&help, base);
        if !missing.is_empty() {
            failures.push(format!("after {key:?}: help lacks {missing:?}:\n{}", framed(&c.vt())));
        }
        c.send(ESC);
        c.wait_gone(" Help \u{2500}", TIMEOUT).unwrap();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    quit_cleanly(&mut c);
}

/// The harness itself: a program that enters the alternate screen, hides the
/// cursor, turns on bracketed paste and raw mode, then dies without cleaning
/// up, must fail `restored()` on every count; so its checks can fail.
#[test]
fn harness_detects_a_terminal_left_in_a_mess() {
    let script = "printf '\\033[?1049h\\033[?2004h\\033[?25lmessy'; stty raw -echo; exec sleep 30";
    let fixture = std::sync::Arc::new(common::pty::Fixture::new());
    let mut c = Console::spawn_program(fixture, "/bin/sh", &["-c", script], &[], 80, 24);
    c.wait_for("messy", TIMEOUT).unwrap();
    let deadline = Instant::now() + TIMEOUT;
    while c.cooked_mode() != Some(false) && Instant::now() < deadline {
        std::thread::sleep(common::pty::POLL);
    }
    c.signal(libc::SIGKILL);
    let status = c.wait_exit(TIMEOUT).expect("sh exits on SIGKILL");
    assert!(status.signal().is_some(), "{status:?}");
    let err = c.restored().expect_err("a messy terminal must not pass");
    for what in [
        "alternate screen",
        "cursor still hidden",
        "bracketed paste still on",
        "raw mode",
    ] {
        assert!(err.contains(what), "{what:?} not reported in: {err}");
    }
}

/// The screen's lines without their trailing blanks.
fn trimmed(screen: String) -> String {
    screen
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The screen after help has covered it and closed: every cell drawn again
/// from ratatui's buffer.
fn redrawn(c: &mut Console) -> String {
    c.send("?");
    c.wait_for("Help", TIMEOUT).unwrap();
    c.send(ESC);
    c.wait_gone("Esc or ? closes", TIMEOUT).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    trimmed(c.screen())
}

/// Scrolling uses the terminal's scroll region; what it leaves on screen must
/// be exactly what a full redraw draws.
#[test]
fn scrolling_the_queue_leaves_the_same_screen_as_a_full_redraw() {
    let mut c = console(&[]);
    let (_, first) = queue_ids(&c);
    for _ in 0..40 {
        c.send("j");
    }
    c.wait_until("the list scrolled", TIMEOUT, |vt| {
        !vt.contents().contains(&format!("#{}", first[0]))
    })
    .unwrap();
    for _ in 0..7 {
        c.send("k");
    }
    std::thread::sleep(Duration::from_millis(300));
    let scrolled = trimmed(c.screen());
    let (_, ids) = queue_ids(&c);
    assert_eq!(ids.len(), 19, "a full page of rows:\n{scrolled}");
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "newest first, no row twice or missing:\n{scrolled}"
    );
    assert_eq!(redrawn(&mut c), scrolled, "the scrolled screen matches a redraw");
}

/// The SLA board scrolls the same way, above its compliance chart: what the
/// scroll leaves on screen is what a full redraw draws.
#[test]
fn scrolling_the_sla_board_leaves_the_same_screen_as_a_full_redraw() {
    let f = std::sync::Arc::new(common::pty::Fixture::demo());
    // Twenty new tickets: twenty more running response clocks, more than
    // the board has rows for at 80x24.
    for i in 0..20 {
        let p = (i % 3 + 2).to_string();
        let out = f
            .command()
            .args(["ticket", "new", "--company", "Acme Family Dental", "--summary"])
            .arg(format!("Badge reader {i} offline"))
            .args(["--priority", &p])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "ticket new: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut c = Console::spawn_in(f, &[], &[], 80, 24);
    c.wait_for("#2020", TIMEOUT).unwrap();
    c.send("2");
    c.wait_for("Running response clocks", TIMEOUT).unwrap();
    c.wait_for("Response compliance", TIMEOUT).unwrap();
    let board = |c: &Console| -> Vec<u32> {
        let rows = c.rows();
        let header = rows
            .iter()
            .position(|r| r.contains("ID") && r.contains("State") && r.contains("Clock"))
            .unwrap_or_else(|| panic!("no board header:\n{}", framed(&c.vt())));
        rows[header + 1..]
            .iter()
            .map_while(|r| r.strip_prefix('#')?.split_whitespace().next()?.parse().ok())
            .collect()
    };
    let first = board(&c);
    assert!(first.len() >= 5, "a board of clocks: {first:?}");
    // To the last row on screen, then one more: the board scrolls one line
    // (`console.scroll = "line"`, as the queue), a few hundred bytes.
    for _ in 0..first.len() - 1 {
        c.send("j");
    }
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(board(&c), first, "no scroll yet:\n{}", framed(&c.vt()));
    let one = c.raw_len();
    c.send("j");
    c.wait_until("the board moved a line", TIMEOUT, |vt| {
        !vt.contents().contains(&format!("#{} ", first[0]))
    })
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let moved = board(&c);
    assert_eq!(moved[0], first[1], "one line, not half a page:\n{}", framed(&c.vt()));
    let bytes = c.raw_since(one).len();
    assert!(bytes <= 300, "a move that scrolls the board sent {bytes} bytes");
    let mark = c.raw_len();
    for _ in 0..(first.len() + 10) {
        c.send("j");
    }
    c.wait_until("the board scrolled", TIMEOUT, |vt| {
        !vt.contents().contains(&format!("#{} ", first[0]))
    })
    .unwrap();
    let sent = c.raw_since(mark);
    assert!(
        sent.windows(4).any(|w| w == b"S\x1b[r"),
        "the board scrolls the terminal's region (DECSTBM, SU), not a redraw of its rows"
    );
    for _ in 0..3 {
        c.send("k");
    }
    std::thread::sleep(Duration::from_millis(300));
    let scrolled = trimmed(c.screen());
    let ids = board(&c);
    assert_eq!(ids.len(), first.len(), "a full board:\n{scrolled}");
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "no row twice:\n{scrolled}");
    assert!(
        scrolled.contains("Response compliance"),
        "the chart stays below:\n{scrolled}"
    );
    assert_eq!(redrawn(&mut c), scrolled, "the scrolled board matches a redraw");
}

#[test]
fn the_console_starts_while_another_program_holds_the_write_lock() {
    let f = std::sync::Arc::new(common::pty::Fixture::demo());
    // A known user (the console registers a new one, which is a write).
    let me = pimdesk::platform::current_login();
    let writer = rusqlite::Connection::open(&f.db).expect("open the store");
    writer
        .execute(
            "INSERT OR IGNORE INTO technicians (key, login, name, role) VALUES (?1, ?1, ?1, 'technician')",
            [&me],
        )
        .expect("register the tester");
    // A long import or invoice run: the write lock is held throughout.
    writer
        .execute_batch("BEGIN IMMEDIATE; UPDATE tickets SET summary = summary WHERE id = 1;")
        .expect("take the write lock");
    f.write_config("[store]\nbusy_timeout_ms = 8000\n");
    let started = Instant::now();
    let mut c = Console::spawn_in(std::sync::Arc::clone(&f), &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT)
        .unwrap_or_else(|e| panic!("the queue shows while the lock is held: {e}"));
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "start-up waited {:?}",
        started.elapsed()
    );
    c.send("q");
    c.wait_exit(TIMEOUT).expect("quits");
    drop(writer);
}
