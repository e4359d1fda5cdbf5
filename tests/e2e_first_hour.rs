//! End-to-end: what a technician meets in the first hour — the priority
//! picker (one ticket and marked ones), pickers that open on the current
//! value, Esc backing out one level at a time, boxes that wrap long lines,
//! and the "empty store" hint only on an empty store.

mod common;

use std::sync::Arc;

use common::pty::{framed, styled_text, Console, Fixture, TIMEOUT};

const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const TAB: &str = "\t";

/// The text of the highlighted (reversed) row below the tab bar that shows `needle`.
fn highlighted(c: &Console, needle: &str) -> String {
    let vt = c.vt();
    (1..vt.size().0)
        .map(|r| styled_text(&vt, r, |cell| cell.inverse()))
        .find(|t| t.contains(needle))
        .unwrap_or_else(|| panic!("no highlighted row with {needle:?}:\n{}", framed(&vt)))
}

#[test]
fn p_sets_the_priority_of_one_ticket_and_of_every_marked_one() {
    let f = Arc::new(Fixture::demo());
    let before = f.show_json(2000);
    let mut c = Console::spawn_in(f.clone(), &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send("p");
    c.wait_for("Set the priority of ticket #2000", TIMEOUT).unwrap();
    // The footer shows the picker's keys, not the editor's.
    let footer = c.row(23);
    assert!(
        footer.contains("Enter set") && !footer.contains("C-s"),
        "footer: {footer}"
    );
    // The picker stands on the ticket's own priority.
    let p = before["priority"].as_u64().unwrap();
    assert!(highlighted(&c, "P").contains(&format!("P{p} ")), "opens on P{p}");
    // Esc closes it and changes nothing.
    c.send(ESC);
    c.wait_gone("Set the priority", TIMEOUT).unwrap();
    assert_eq!(f.show_json(2000)["priority"], before["priority"]);
    // A digit sets that priority at once.
    let want = if p == 2 { 4 } else { 2 };
    c.send("p");
    c.wait_for("Set the priority", TIMEOUT).unwrap();
    c.send(&want.to_string());
    c.wait_for(&format!("#2000: priority P{want}"), TIMEOUT).unwrap();
    assert_eq!(f.show_json(2000)["priority"], want);

    // Two marked tickets: one question, then both take P1 in one change.
    c.send("j");
    c.send("m");
    c.send("m");
    let screen = c.wait_for("2 marked", TIMEOUT).unwrap();
    let marked = common::pty::marked_ids(&screen);
    assert_eq!(marked.len(), 2, "two rows show their mark:\n{screen}");
    c.send("p");
    c.wait_for("Set the priority", TIMEOUT).unwrap();
    c.send("1");
    c.wait_for("on all 2 marked tickets", TIMEOUT).unwrap();
    assert_ne!(f.show_json(marked[0])["priority"], 1, "nothing changes before y");
    c.send("y");
    c.wait_for("2 marked tickets: priority P1", TIMEOUT).unwrap();
    for id in marked {
        assert_eq!(f.show_json(id)["priority"], 1, "#{id} took P1");
    }
}

#[test]
fn the_status_picker_opens_on_the_tickets_own_status() {
    let f = Arc::new(Fixture::demo());
    let status = f.show_json(2000)["status"].as_str().unwrap().to_string();
    let mut c = Console::spawn_in(f.clone(), &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send("t");
    c.wait_for("Set the status of ticket #2000", TIMEOUT).unwrap();
    let row = highlighted(&c, " ");
    let shown = row.trim().trim_start_matches(|ch: char| ch.is_ascii_digit()).trim();
    assert_eq!(shown, status, "highlighted {row:?}");
    // Enter on it keeps the status as it was.
    c.send(ENTER);
    c.wait_gone("Set the status", TIMEOUT).unwrap();
    assert_eq!(f.show_json(2000)["status"], status.as_str());
}

#[test]
fn esc_backs_out_one_level_at_a_time() {
    let mut c = Console::spawn(&[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    // The editor: Esc first closes a filtered picker list, then the editor.
    c.send("e");
    c.wait_for("Edit ticket #2000", TIMEOUT).unwrap();
    c.send(TAB);
    c.send(TAB);
    c.send("l");
    c.send("o");
    c.wait_for("lo█", TIMEOUT).unwrap();
    c.send(ESC);
    c.wait_gone("lo█", TIMEOUT).unwrap();
    let screen = c.wait_for("Edit ticket #2000", TIMEOUT).unwrap();
    assert!(!screen.contains("Discard"), "Esc on a picker asks nothing:\n{screen}");
    c.send(ESC);
    c.wait_gone("Edit ticket", TIMEOUT).unwrap();
    c.send(ESC);
    c.wait_gone("Ticket #2000", TIMEOUT).unwrap();

    // The Directory: Esc leaves an open company, then the kept search.
    c.send("4");
    c.wait_for("Client companies", TIMEOUT).unwrap();
    c.send("/");
    for ch in "car".chars() {
        c.send(&ch.to_string());
    }
    c.send(ENTER);
    c.wait_for("matching \"car\"", TIMEOUT).unwrap();
    c.send(ENTER);
    c.wait_for("Contact ", TIMEOUT).unwrap();
    c.send(ESC);
    c.wait_for("Client companies", TIMEOUT).unwrap();
    c.wait_for("matching \"car\"", TIMEOUT).unwrap();
    c.send(ESC);
    c.wait_gone("matching \"car\"", TIMEOUT).unwrap();

    // The Invoices tab: Esc closes the aging chart.
    c.send("3");
    c.wait_for("open balance", TIMEOUT).unwrap();
    c.send("a");
    c.wait_for("Aging as of", TIMEOUT).unwrap();
    c.send(ESC);
    c.wait_gone("Aging as of", TIMEOUT).unwrap();

    // Help: q closes it rather than quitting.
    c.send("?");
    c.wait_for("global keys", TIMEOUT).unwrap();
    c.send("q");
    c.wait_for("open balance", TIMEOUT).unwrap();
    assert!(c.running(), "q in help quit the console");
}

#[test]
fn the_note_box_wraps_a_long_line() {
    let mut c = Console::spawn(&[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send("N");
    c.wait_for("Note on ticket #2000", TIMEOUT).unwrap();
    let words = "called the front desk and walked them through restarting the print spooler twice";
    c.send(words);
    // 82 characters do not fit in a 78-column box: the last words go below.
    let screen = c.wait_for("twice", TIMEOUT).unwrap();
    let line_with_start = screen
        .lines()
        .position(|l| l.contains("called the front desk"))
        .unwrap();
    let line_with_end = screen.lines().position(|l| l.contains("twice")).unwrap();
    assert_eq!(
        line_with_end,
        line_with_start + 1,
        "wrapped onto the next line:\n{screen}"
    );
}

#[test]
fn the_empty_store_hint_shows_only_on_an_empty_store() {
    let f = Arc::new(Fixture::new());
    let mut c = Console::spawn_in(f, &[], &[], 80, 24);
    c.wait_for("The store has no tickets yet", TIMEOUT).unwrap();
    c.send("q");
    c.wait_exit(TIMEOUT).unwrap();

    // A demo store: "My tickets" is empty for a login that holds none,
    // and that is no reason to suggest loading demo data.
    let mut c = Console::spawn(&[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send("v");
    let screen = c.wait_for("No tickets in this view", TIMEOUT).unwrap();
    assert!(!screen.contains("pimdesk demo"), "demo hint on a full store:\n{screen}");
    assert!(!screen.contains("no tickets yet"), "{screen}");
}

#[test]
fn columns_give_way_at_60_and_use_the_room_at_200_with_a_preview() {
    let f = Arc::new(Fixture::demo());
    let summary = f.show_json(2000)["summary"].as_str().unwrap().to_string();
    // 60 columns: the age and the assignee give way; the summary stays.
    let mut c = Console::spawn_in(f.clone(), &[], &[], 60, 20);
    let screen = c.wait_for("#2000", TIMEOUT).unwrap();
    let header = screen.lines().find(|l| l.starts_with("ID")).unwrap().to_string();
    assert!(header.contains("Summary") && header.contains("SLA left"), "{header}");
    assert!(!header.contains("Age") && !header.contains("Assignee"), "{header}");
    let row = screen.lines().find(|l| l.starts_with("#2000")).unwrap();
    assert!(row.contains(&summary[..10]), "the summary shows at 60 columns: {row:?}");
    c.send("q");
    c.wait_exit(TIMEOUT).unwrap();

    // 200 columns: whole company names and summaries, and beside the list a
    // preview of the selected ticket that follows the cursor.
    let mut c = Console::spawn_in(f.clone(), &[], &[], 200, 40);
    c.wait_for(&format!("│ #2000 {summary}"), TIMEOUT).unwrap();
    let second = f.show_json(1999);
    c.send("j");
    let screen = c
        .wait_for(&format!("│ #1999 {}", second["summary"].as_str().unwrap()), TIMEOUT)
        .unwrap();
    let row = screen.lines().find(|l| l.starts_with("#2000")).unwrap();
    assert!(row.contains(&summary), "the whole summary at 200 columns: {row:?}");
    let company = second["company"].as_str().unwrap();
    assert!(
        screen.contains(company),
        "the whole company name {company:?}:\n{screen}"
    );
}

#[test]
fn the_on_call_phone_is_never_cut() {
    let night = [("PIMDESK_NOW", "2026-11-25T20:00:00-05:00")];
    for (cols, rows) in [(60, 16), (40, 12)] {
        let mut c = Console::spawn(&[], &night, cols, rows);
        let screen = c
            .wait_for("804-555-2133", TIMEOUT)
            .unwrap_or_else(|e| panic!("at {cols}x{rows} the on-call number shows: {e}"));
        assert!(screen.contains("on call:"), "{screen}");
        c.send("q");
        c.wait_exit(TIMEOUT).unwrap();
    }
}

#[test]
fn e_in_the_ticket_view_corrects_your_newest_note() {
    let f = Arc::new(Fixture::demo());
    let mut c = Console::spawn_in(f.clone(), &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send(ENTER);
    c.wait_for("Ticket #2000", TIMEOUT).unwrap();
    c.send("E");
    c.wait_for("no note of yours to correct", TIMEOUT).unwrap();
    c.send("N");
    c.wait_for("Note on ticket #2000", TIMEOUT).unwrap();
    c.send("Rebooted the swich");
    c.send("\x13");
    c.wait_for("note added", TIMEOUT).unwrap();
    c.send("E");
    c.wait_for("Correcting note", TIMEOUT).unwrap();
    // The box holds the note's text; fix the typo at the end.
    c.send("\x7f\x7f\x7f\x7f");
    c.send("witch");
    c.send("\x13");
    c.wait_for("corrected", TIMEOUT).unwrap();
    let notes = f.show_json(2000)["notes"].as_array().unwrap().clone();
    let last = notes.last().unwrap();
    assert_eq!(last["body"], "Rebooted the switch");
    assert_eq!(
        notes
            .iter()
            .filter(|n| n["body"].as_str().unwrap().starts_with("Rebooted"))
            .count(),
        1,
        "corrected in place, not added"
    );
}

#[test]
fn the_assign_picker_opens_on_the_current_assignee() {
    let f = Arc::new(Fixture::demo());
    // The newest open ticket whose assignee is not the top of the list.
    let conn = rusqlite::Connection::open(&f.db).unwrap();
    let (id, login): (i64, String) = conn
        .query_row(
            "SELECT t.id, te.login FROM tickets t JOIN technicians te ON te.id = t.assignee_id
             WHERE t.status NOT IN ('resolved', 'closed') AND te.login > (SELECT min(login) FROM technicians)
             ORDER BY t.id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    drop(conn);
    let mut c = Console::spawn_in(f.clone(), &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send("#");
    c.wait_for("Open ticket #", TIMEOUT).unwrap();
    c.send(&format!("{id}\r"));
    c.wait_for(&format!("Ticket #{id}"), TIMEOUT).unwrap();
    c.send("@");
    c.wait_for(&format!("Assign ticket #{id} to"), TIMEOUT).unwrap();
    c.wait_until("the highlight on the assignee", TIMEOUT, |vt| {
        (1..vt.size().0).any(|r| styled_text(vt, r, |cell| cell.inverse()).contains(&login))
    })
    .unwrap();
}

#[test]
fn the_queue_narrows_as_a_search_is_typed_and_esc_goes_back() {
    let mut c = Console::spawn(&[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send("/");
    c.wait_for("Search:", TIMEOUT).unwrap();
    for ch in "printer".chars() {
        c.send(&ch.to_string());
    }
    // Before Enter the list already holds the matches: the command line's
    // search, best match first.
    let screen = c.wait_for("Search \"printer\"", TIMEOUT).unwrap();
    let shown: Vec<String> = screen
        .lines()
        .filter_map(|l| l.strip_prefix('#')?.split_whitespace().next().map(str::to_string))
        .take(5)
        .collect();
    let out = c
        .fixture()
        .command()
        .args(["ticket", "list", "--search", "printer", "--limit", "5"])
        .output()
        .unwrap();
    let listed: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix('#')?.split_whitespace().next().map(str::to_string))
        .collect();
    assert!(!listed.is_empty(), "the demo has printer tickets");
    assert_eq!(
        shown, listed,
        "while typing the queue shows the search's matches:\n{screen}"
    );
    assert!(screen.contains("Search: printer"), "the line is still open:\n{screen}");
    // Esc closes the line and goes back to the list as it was.
    c.send(ESC);
    c.wait_for(" All open · sort", TIMEOUT).unwrap();
    // Typed again and kept with Enter.
    c.send("/");
    c.wait_for("Search:", TIMEOUT).unwrap();
    c.send("printer");
    c.wait_for("Search \"printer\"", TIMEOUT).unwrap();
    c.send(ENTER);
    c.wait_gone("Search: printer", TIMEOUT).unwrap();
    c.wait_for("Search \"printer\"", TIMEOUT).unwrap();
}
