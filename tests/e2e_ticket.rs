//! End-to-end: the technician's daily work through the real binary in a
//! pseudo-terminal — the editor, search, notes, time, status, drafts after a
//! hang-up, hostile ticket text, and two consoles on one ticket.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::pty::{Console, Fixture, TIMEOUT};

const ESC: &str = "\x1b";
const ENTER: &str = "\r";
const TAB: &str = "\t";
const CTRL_S: &str = "\x13";

/// Types text one key at a time, as a person does.
fn type_text(c: &mut Console, text: &str) {
    for ch in text.chars() {
        c.send(&ch.to_string());
    }
}

/// Tab presses from the company picker to the summary and description boxes.
const SUMMARY: usize = 8;
const DESCRIPTION: usize = 9;

/// `n`, picks Acme Family Dental by typing, then tabs to a text field.
fn new_acme_ticket_at(c: &mut Console, tabs: usize) {
    c.send("n");
    c.wait_for("New ticket", TIMEOUT).unwrap();
    type_text(c, "acme");
    c.wait_for("Acme Family Dental", TIMEOUT).unwrap();
    for _ in 0..tabs {
        c.send(TAB);
    }
}

#[test]
fn create_find_note_log_resolve_then_show_json() {
    let mut c = Console::spawn(&[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    new_acme_ticket_at(&mut c, SUMMARY);
    type_text(&mut c, "Label printer jammed");
    c.send(TAB);
    type_text(&mut c, "Front desk label printer eats labels.");
    c.send(CTRL_S);
    c.wait_for("ticket #2001 saved", TIMEOUT).unwrap();
    c.send(ESC);
    c.wait_for("All open", TIMEOUT).unwrap();
    c.send("/");
    c.wait_for("Search:", TIMEOUT).unwrap();
    type_text(&mut c, "label jam");
    c.send(ENTER);
    let screen = c.wait_for("#2001", TIMEOUT).unwrap();
    assert!(screen.contains("Search \"label jam\""), "{screen}");
    c.send(ENTER);
    c.wait_for("Ticket #2001", TIMEOUT).unwrap();
    c.send("N");
    c.wait_for("Note on ticket #2001", TIMEOUT).unwrap();
    type_text(&mut c, "Cleared the jam; test label printed.");
    c.send(CTRL_S);
    c.wait_for("note added", TIMEOUT).unwrap();
    c.send("l");
    c.wait_for("Log time on ticket #2001", TIMEOUT).unwrap();
    type_text(&mut c, "30");
    c.send(ENTER);
    c.wait_for("#2001: 30m logged", TIMEOUT).unwrap();
    c.send("t");
    c.wait_for("Set the status", TIMEOUT).unwrap();
    // The picker opens on the ticket's own status (New); Resolved is four down.
    c.send("jjjj");
    c.send(ENTER);
    c.wait_for("status Resolved", TIMEOUT).unwrap();
    c.send("q");
    assert!(c.wait_exit(TIMEOUT).is_some_and(|s| s.success()));

    let t = c.fixture().show_json(2001);
    assert_eq!(t["summary"], "Label printer jammed");
    assert_eq!(t["company"], "Acme Family Dental");
    assert_eq!(t["status"], "Resolved");
    assert_eq!(t["sla_state"], "met", "{t}");
    assert_eq!(t["notes"][0]["body"], "Cleared the jam; test label printed.");
    assert_eq!(t["notes"][0]["internal"], false);
    assert_eq!(t["time_entries"][0]["minutes"], 30);
    assert!(t["resolved"].is_string() && t["first_response"].is_string(), "{t}");
    let fields: Vec<&str> = t["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["field"].as_str())
        .collect();
    for f in ["created", "note", "first_response", "time", "status"] {
        assert!(fields.contains(&f), "history has {f}: {fields:?}");
    }
}

#[test]
fn a_hang_up_mid_sentence_keeps_the_sentence() {
    let mut c = Console::spawn(&[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    new_acme_ticket_at(&mut c, DESCRIPTION);
    type_text(&mut c, "The server room is getting warm and the");
    c.wait_for("getting warm and the", TIMEOUT).unwrap();
    c.hangup();
    assert!(
        // Generous for a loaded machine: the draft's fsync comes first.
        c.wait_exit(Duration::from_secs(8)).is_some(),
        "the console ends after the hang-up"
    );

    let fixture = Arc::clone(c.fixture());
    let drafts: i64 = rusqlite::Connection::open(fixture.path().join("pimdesk.db"))
        .unwrap()
        .query_row("SELECT count(*) FROM drafts", [], |r| r.get(0))
        .unwrap();
    let log = std::fs::read_to_string(fixture.path().join("pimdesk.log")).unwrap_or_default();
    assert_eq!(drafts, 1, "the hang-up wrote the draft to the store; log:\n{log}");
    let mut again = Console::spawn_in(fixture, &[], &[], 80, 24);
    again.wait_for("Unsaved draft found", TIMEOUT).unwrap();
    again.send("r");
    let screen = again.wait_for("getting warm and the", TIMEOUT).unwrap();
    assert!(
        screen.contains("Acme Family Dental"),
        "the fields come back too:\n{screen}"
    );
    assert!(screen.contains("(unsaved)"), "{screen}");
}

#[test]
fn hostile_ticket_text_never_reaches_the_terminal() {
    let f = Fixture::demo();
    // Written straight into the store, as an older or careless tool might
    // have: the console must clean it when drawing too.
    let hostile =
        "Printer\x1b]0;PWNED\x07 down\x1b[6n\u{9b}31m\u{85}\x07\u{202e}gnp.exe\u{2066}\x1b]52;c;ZXZpbA==\x1b\\ now";
    {
        let conn = rusqlite::Connection::open(f.path().join("pimdesk.db")).unwrap();
        conn.execute(
            "UPDATE tickets SET summary = ?1, description = ?1 WHERE id = 2000",
            [hostile],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO notes (ticket_id, created, internal, body) VALUES (2000, 0, 0, ?1)",
            [hostile],
        )
        .unwrap();
    }
    let mut c = Console::spawn_in(Arc::new(f), &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send(ENTER);
    let screen = c.wait_for("Ticket #2000", TIMEOUT).unwrap();
    assert!(screen.contains("Printer down"), "{screen}");
    c.send("q");
    c.wait_exit(TIMEOUT);
    let raw = c.raw();
    let find = |needle: &[u8]| raw.windows(needle.len()).any(|w| w == needle);
    assert!(!find(b"\x07"), "BEL written to the terminal");
    assert!(!find(b"\x1b]"), "an OSC sequence written to the terminal");
    assert!(!find(b"\x1b[6n"), "a hostile CSI written to the terminal");
    assert!(
        !find("\u{9b}".as_bytes()) && !find("\u{85}".as_bytes()),
        "a C1 control written to the terminal"
    );
    assert!(
        !find("\u{202e}".as_bytes()) && !find("\u{2066}".as_bytes()),
        "a bidi override written to the terminal"
    );
    assert!(
        !find(b"PWNED\x07") && !find(b"ZXZpbA=="),
        "the payload of an escape sequence written"
    );
}

#[test]
fn two_consoles_saving_one_ticket_never_overwrite_silently() {
    let f = Arc::new(Fixture::demo());
    let mut a = Console::spawn_in(Arc::clone(&f), &[], &[], 80, 24);
    let mut b = Console::spawn_in(Arc::clone(&f), &[], &[], 80, 24);
    for c in [&mut a, &mut b] {
        c.wait_for("#2000", TIMEOUT).unwrap();
        c.send(ENTER);
        c.wait_for("Ticket #2000", TIMEOUT).unwrap();
        c.send("e");
        c.wait_for("Edit ticket #2000", TIMEOUT).unwrap();
        for _ in 0..8 {
            c.send(TAB);
        }
        c.send("\x05"); // Ctrl-E: end of the summary line
    }
    type_text(&mut a, " (A)");
    a.send(CTRL_S);
    a.wait_for("ticket #2000 saved", TIMEOUT).unwrap();
    type_text(&mut b, " (B)");
    b.send(CTRL_S);
    let screen = b.wait_for("was changed by", TIMEOUT).unwrap();
    assert!(screen.contains("summary"), "B sees what changed:\n{screen}");
    assert!(screen.contains("(B)"), "B keeps its text:\n{screen}");
    let after_conflict = f.show_json(2000);
    assert!(
        after_conflict["summary"].as_str().unwrap().ends_with("(A)"),
        "A's save stands: {after_conflict}"
    );
    b.send(CTRL_S);
    b.wait_for("ticket #2000 saved", TIMEOUT).unwrap();
    let t = f.show_json(2000);
    assert!(
        t["summary"].as_str().unwrap().ends_with("(B)"),
        "B saved over it knowingly: {t}"
    );
    let summary_changes = t["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["field"] == "summary")
        .count();
    assert_eq!(summary_changes, 2, "both saves are in the history: {t}");
}

#[test]
fn another_consoles_commit_shows_on_the_open_screen() {
    let f = Arc::new(Fixture::demo());
    let mut c = Console::spawn_in(Arc::clone(&f), &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send(ENTER);
    c.wait_for("Ticket #2000", TIMEOUT).unwrap();
    let out = f
        .command()
        .args([
            "ticket",
            "note",
            "2000",
            "--text",
            "Called the office manager back",
            "--internal",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    c.wait_for("Called the office manager back", Duration::from_secs(3))
        .unwrap();
}

#[test]
fn the_palette_runs_an_action_and_the_filter_line_narrows_the_queue() {
    let mut c = Console::spawn(&[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send(":");
    c.wait_for("Commands", TIMEOUT).unwrap();
    type_text(&mut c, "assign me");
    c.wait_for("assign to me", TIMEOUT).unwrap();
    c.send(ENTER);
    // #2000 is a colleague's in the demo: taking it over asks first.
    c.wait_for("take it over", TIMEOUT).unwrap();
    c.send("y");
    c.wait_for("#2000: assigned to", TIMEOUT).unwrap();
    let t = c.fixture().show_json(2000);
    assert!(t["assignee"].is_string(), "the palette's action reached the store: {t}");

    c.send("f");
    c.wait_for("Filter:", TIMEOUT).unwrap();
    type_text(&mut c, "p:3 status:new");
    c.send(ENTER);
    let screen = c.wait_for("filter status:New p:3", TIMEOUT).unwrap();
    let rows: Vec<&str> = screen.lines().filter(|l| l.starts_with('#')).collect();
    assert!(!rows.is_empty(), "{screen}");
    assert!(
        rows.iter().all(|r| r.contains(" P3 ") && r.contains(" New ")),
        "{screen}"
    );
}

#[test]
fn esc_on_the_queue_leaves_a_search_then_a_filter() {
    let mut c = Console::spawn(&[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send("f");
    c.wait_for("Filter:", TIMEOUT).unwrap();
    type_text(&mut c, "p:3");
    c.send(ENTER);
    c.wait_for("filter p:3", TIMEOUT).unwrap();
    c.send("/");
    c.wait_for("Search:", TIMEOUT).unwrap();
    type_text(&mut c, "printer");
    c.send(ENTER);
    c.wait_for("Search \"printer\"", TIMEOUT).unwrap();
    c.send(ESC);
    let screen = c.wait_gone("Search \"printer\"", TIMEOUT).unwrap();
    assert!(
        screen.contains("filter p:3"),
        "the filter stays after leaving the search:\n{screen}"
    );
    c.send(ESC);
    c.wait_gone("filter p:3", TIMEOUT).unwrap();
}

#[test]
fn a_bracketed_paste_goes_through_the_sanitiser() {
    let mut c = Console::spawn(&[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    new_acme_ticket_at(&mut c, SUMMARY);
    // A paste of text copied from a hostile email: title-setting OSC, BEL, bidi override.
    c.send("\x1b[200~Copier\x1b]0;PWNED\x07 jam\u{202e}med\x1b[201~");
    c.wait_for("Copier jammed", TIMEOUT).unwrap();
    c.send(CTRL_S);
    c.wait_for("ticket #2001 saved", TIMEOUT).unwrap();
    let t = c.fixture().show_json(2001);
    assert_eq!(t["summary"], "Copier jammed");
    let raw = c.raw();
    assert!(!raw.windows(2).any(|w| w == b"\x1b]"), "no OSC reached the terminal");
    assert!(!raw.contains(&0x07), "no BEL reached the terminal");
}

/// The pid of `parent`'s only child (the console under `setsid -w`).
fn child_of(parent: u32) -> u32 {
    let deadline = std::time::Instant::now() + TIMEOUT;
    loop {
        let kids = std::fs::read_to_string(format!("/proc/{parent}/task/{parent}/children")).unwrap_or_default();
        if let Some(pid) = kids.split_whitespace().next().and_then(|p| p.parse().ok()) {
            return pid;
        }
        assert!(std::time::Instant::now() < deadline, "setsid started no child");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// User plus system CPU time of `pid` in clock ticks, or None once it has
/// exited (gone, or a zombie nobody reaped).
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    if fields.first() == Some(&"Z") {
        return None;
    }
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

#[test]
fn a_terminal_closed_without_sighup_keeps_the_draft_and_exits_without_spinning() {
    let fixture = Arc::new(Fixture::demo());
    let db = fixture.db.to_string_lossy().into_owned();
    // In a session of its own the console is not the terminal's controlling
    // process, so closing the terminal sends it no SIGHUP: only EOF/EIO.
    let program = common::pty::binary();
    let mut c = Console::spawn_program(
        Arc::clone(&fixture),
        "setsid",
        &["-w", program, "--db", &db],
        &[],
        80,
        24,
    );
    c.wait_for("#2000", TIMEOUT).unwrap();
    let pid = child_of(c.pid());
    new_acme_ticket_at(&mut c, DESCRIPTION);
    type_text(&mut c, "Closed without a hang-up signal");
    c.wait_for("without a hang-up", TIMEOUT).unwrap();
    let before = cpu_ticks(pid).expect("the console runs");
    c.hangup();
    let closed = std::time::Instant::now();
    // Exit waits for the draft's fsync, which parallel tests can make slow;
    // a busy loop shows as CPU time (a spinning console burns ~100 ticks a second).
    let mut used = 0;
    while let Some(t) = cpu_ticks(pid) {
        used = t - before;
        if closed.elapsed() > Duration::from_secs(5) {
            // SAFETY: ends the process this test started, by its pid.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
            panic!("still running 5 s after the terminal closed, {used} CPU ticks used since");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        used < 30,
        "{used} CPU ticks between the hang-up and the exit: a busy loop"
    );
    let drafts: i64 = rusqlite::Connection::open(&fixture.db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM drafts WHERE body LIKE '%without a hang-up%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(drafts, 1, "the draft was saved");
}

/// `pimdesk ticket ARGS` on the fixture's store; must succeed.
fn cli(f: &Fixture, args: &[&str]) {
    let out = f.command().arg("ticket").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "ticket {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_save_conflict_names_only_what_changed_since_the_editor_opened() {
    let fixture = Arc::new(Fixture::demo());
    // An older change, before the editor opens the ticket: not part of the conflict.
    cli(&fixture, &["update", "2000", "--summary", "Printer queue stuck again"]);
    let mut c = Console::spawn_in(Arc::clone(&fixture), &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send(ENTER);
    c.wait_for("Printer queue stuck again", TIMEOUT).unwrap();
    c.send("e");
    c.wait_for("Edit ticket #2000", TIMEOUT).unwrap();
    cli(&fixture, &["update", "2000", "--priority", "1"]);
    for _ in 0..SUMMARY {
        c.send(TAB);
    }
    c.send("\x05"); // Ctrl-E: end of the summary line
    type_text(&mut c, " (mine)");
    c.send(CTRL_S);
    let screen = c.wait_for("was changed by", TIMEOUT).unwrap();
    // The message may wrap: read it as one line from "since you opened it".
    let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    let named = &flat[flat.find("since you opened it").unwrap_or(0)..];
    assert!(
        named.contains("(priority;"),
        "the conflict names the priority change only:\n{screen}"
    );
}

#[test]
fn e_on_the_queue_opens_the_editor_for_the_selected_ticket() {
    let mut c = Console::spawn(&[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send("j");
    c.send("e");
    let screen = c
        .wait_for("Edit ticket #1999", TIMEOUT)
        .unwrap_or_else(|e| panic!("one e on the list edits the selected ticket: {e}"));
    assert!(!screen.contains("press e again"), "{screen}");
    c.send(ESC);
    c.wait_for("Ticket #1999", TIMEOUT)
        .expect("Esc leaves the editor on the ticket it opened");
    c.send("q");
    assert!(c.wait_exit(TIMEOUT).is_some_and(|s| s.success()));
}

#[test]
fn taking_over_a_colleagues_ticket_asks_once_and_enter_keeps_it_theirs() {
    let f = Arc::new(Fixture::demo());
    let out = f
        .command()
        .args(["ticket", "update", "2000", "--assignee", "jtate"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut c = Console::spawn_in(f.clone(), &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send("a");
    c.wait_for("#2000 is assigned to jtate", TIMEOUT).unwrap();
    let screen = c.wait_for("take it over", TIMEOUT).unwrap();
    assert!(screen.contains("any other key"), "{screen}");
    // A reflex Enter is not a yes.
    c.send(ENTER);
    c.wait_for("nothing changed", TIMEOUT).unwrap();
    assert_eq!(f.show_json(2000)["assignee"], "jtate");
    c.send("a");
    c.wait_for("take it over", TIMEOUT).unwrap();
    c.send("y");
    c.wait_for("#2000: assigned to", TIMEOUT).unwrap();
    let t = f.show_json(2000);
    assert!(t["assignee"].is_string() && t["assignee"] != "jtate", "{t}");
    // Now it is mine: assigning it to me again asks nothing.
    c.send("a");
    c.wait_gone("take it over", TIMEOUT).unwrap();
}

#[test]
fn a_ticket_with_thousands_of_notes_reaches_its_last_note_and_stops_there() {
    let f = Arc::new(Fixture::demo());
    {
        let mut conn = rusqlite::Connection::open(&f.db).unwrap();
        let tx = conn.transaction().unwrap();
        for i in 1..=2001 {
            tx.execute(
                "INSERT INTO notes (ticket_id, author_id, created, internal, body) VALUES (2000, NULL, ?1, 1, ?2)",
                rusqlite::params![1_764_000_000 + i, format!("bulk note number {i} of the long ticket")],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let mut c = Console::spawn_in(f.clone(), &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send(ENTER);
    c.wait_for("Ticket #2000", TIMEOUT).unwrap();
    c.send("G");
    let screen = c.wait_for("History", TIMEOUT).unwrap();
    assert!(
        screen.contains("bulk note number 2001 of the long ticket") || screen.contains("Time ("),
        "G shows the end of the ticket:\n{screen}"
    );
    // At the end, another page down moves nothing.
    let before = c.screen();
    c.send(" ");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(c.screen(), before, "the scroll stops at the end");
    // Forty pages up (PageUp: 20 rows, ten notes each) are 400 notes back;
    // g goes back to the top.
    for _ in 0..40 {
        c.send("\x1b[5~");
    }
    c.wait_for("bulk note number 1614 ", TIMEOUT).unwrap();
    c.send("g");
    c.wait_for("SLA response", TIMEOUT).unwrap();
    c.wait_gone("bulk note number 16", TIMEOUT).unwrap();
}

#[test]
fn the_search_prompt_edits_like_a_shell_line() {
    let mut c = Console::spawn(&[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send("/");
    c.wait_for("Search:", TIMEOUT).unwrap();
    type_text(&mut c, "qqq");
    c.send("\x15"); // Ctrl-U: back to an empty line, no "u" typed
    type_text(&mut c, "the printer offlinz");
    c.send("\x7f"); // Backspace
    type_text(&mut c, "e");
    for _ in 0.."offline".len() {
        c.send("\x1b[D"); // Left
    }
    c.send("\x17"); // Ctrl-W: the word before the cursor
    c.wait_for("Search: the offline", TIMEOUT).unwrap();
    c.send("\x01"); // Ctrl-A, then text at the start
    type_text(&mut c, "printer ");
    c.send("\x05"); // Ctrl-E
    c.wait_for("Search: printer the offline", TIMEOUT).unwrap();
    c.send(ENTER);
    c.wait_for("Search \"printer the offline\"", TIMEOUT).unwrap();
}

#[test]
fn a_ticket_opens_by_number_from_any_tab_and_ctrl_o_goes_back_to_it() {
    let mut c = Console::spawn(&[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    // From the Invoices tab: # then the number.
    c.send("3");
    c.wait_for(" Invoices: ", TIMEOUT).unwrap();
    c.send("#");
    c.wait_for("Open ticket #", TIMEOUT).unwrap();
    type_text(&mut c, "1234");
    c.send(ENTER);
    c.wait_for("Ticket #1234", TIMEOUT).unwrap();
    c.send(ESC);
    c.wait_gone("Ticket #1234", TIMEOUT).unwrap();
    // Anything but a number is refused at the prompt, saying what to type.
    c.send("#");
    type_text(&mut c, "abc");
    c.send(ENTER);
    c.wait_for("is not a ticket number", TIMEOUT).unwrap();
    c.send(ESC);
    c.wait_gone("Open ticket #", TIMEOUT).unwrap();
    // The palette takes a number too.
    c.send(":");
    c.wait_for("Commands", TIMEOUT).unwrap();
    type_text(&mut c, "#1500");
    c.wait_for("opens ticket #1500", TIMEOUT).unwrap();
    c.send(ENTER);
    c.wait_for("Ticket #1500", TIMEOUT).unwrap();
    c.send(ESC);
    c.wait_gone("Ticket #1500", TIMEOUT).unwrap();
    // Ctrl-O lists them newest first; the second is #1234.
    c.send("\x0f");
    let screen = c.wait_for("Recently opened tickets", TIMEOUT).unwrap();
    let at = |id: &str| screen.find(id).unwrap_or(usize::MAX);
    assert!(at("#1500 ") < at("#1234 "), "newest first:\n{screen}");
    c.send("j");
    c.send(ENTER);
    c.wait_for("Ticket #1234", TIMEOUT).unwrap();
}

#[test]
fn a_dispatcher_assigns_a_ticket_to_anyone_from_a_picker() {
    let f = Arc::new(Fixture::demo());
    let mut c = Console::spawn_in(f.clone(), &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send("@");
    c.wait_for("Assign ticket #2000 to:", TIMEOUT).unwrap();
    c.wait_for("jtate", TIMEOUT).expect("the technicians are listed");
    type_text(&mut c, "zzz");
    c.wait_for("no technician matches", TIMEOUT).unwrap();
    c.send("\x15"); // Ctrl-U
    type_text(&mut c, "jta");
    c.send(ENTER);
    c.wait_for("#2000: assigned to jtate", TIMEOUT).unwrap();
    assert_eq!(f.show_json(2000)["assignee"], "jtate");
}

#[test]
fn a_saved_view_comes_back_with_v_and_in_the_next_session() {
    let f = Arc::new(Fixture::demo());
    let mut c = Console::spawn_in(f.clone(), &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send("f");
    c.wait_for("Filter:", TIMEOUT).unwrap();
    type_text(&mut c, "p:1");
    c.send(ENTER);
    c.wait_for("filter p:1", TIMEOUT).unwrap();
    c.send("w");
    c.wait_for("Save this view as:", TIMEOUT).unwrap();
    type_text(&mut c, "my criticals");
    c.send(ENTER);
    c.wait_for("view \"my criticals\" saved", TIMEOUT).unwrap();
    c.wait_for(" my criticals · sort", TIMEOUT).unwrap();
    // V goes back to the last built-in view, without the saved filter.
    c.send("V");
    let screen = c.wait_for(" All tickets · sort", TIMEOUT).unwrap();
    assert!(!screen.contains("filter p:1"), "{screen}");
    c.send("v");
    let screen = c.wait_for(" my criticals · sort", TIMEOUT).unwrap();
    assert!(screen.contains("filter p:1"), "the saved filter comes back:\n{screen}");
    c.send("q");
    c.wait_exit(TIMEOUT).unwrap();
    // Another session: six built-in views, then the saved one.
    let mut c = Console::spawn_in(f, &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    for _ in 0..6 {
        c.send("v");
    }
    c.wait_for(" my criticals · sort", TIMEOUT).unwrap();
}

#[test]
fn marked_tickets_take_one_status_change_together_after_one_question() {
    let f = Arc::new(Fixture::demo());
    let mut c = Console::spawn_in(f.clone(), &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send("m");
    c.send("m");
    let screen = c.wait_for("2 marked", TIMEOUT).unwrap();
    let marked = common::pty::marked_ids(&screen);
    assert_eq!(marked.len(), 2, "two rows show their mark:\n{screen}");
    c.send("t");
    c.wait_for("Set the status", TIMEOUT).unwrap();
    c.send(ENTER);
    c.wait_for("on all 2 marked tickets", TIMEOUT).unwrap();
    c.send("y");
    c.wait_for("2 marked tickets: status", TIMEOUT).unwrap();
    c.wait_gone("2 marked (", TIMEOUT).unwrap();
    let statuses: Vec<serde_json::Value> = marked.iter().map(|id| f.show_json(*id)["status"].clone()).collect();
    assert_eq!(statuses[0], statuses[1], "both took the same status: {statuses:?}");
    // Esc unmarks before it does anything else.
    c.send("m");
    c.wait_for("1 marked", TIMEOUT).unwrap();
    c.send(ESC);
    c.wait_gone("1 marked", TIMEOUT).unwrap();
}
