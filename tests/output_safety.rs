//! No byte from the store or the command line reaches a terminal unsanitised
//! (DESIGN.md 7): text written into the store by another program, printed
//! as plain text or JSON, and user input echoed in errors.

mod common;

use common::cli::{example_doc, Env, Run};
use serde_json::Value;

/// Sets the terminal title, clears the screen, reverses the text: what a
/// hostile client or another tool may leave in a field.
const HOSTILE: &str = "Desk\u{1b}]0;pwned\u{7}\u{9b}2J\u{202e}rev\u{85}\u{1b}[31m";

/// True for what must never reach a terminal raw: ESC, BEL, C0/C1 controls
/// (newline and tab aside), DEL and bidi overrides.
fn forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[track_caller]
fn assert_terminal_safe(r: &Run, what: &str) {
    let bad: Vec<String> = r
        .all()
        .chars()
        .filter(|&c| forbidden(c))
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect();
    assert!(bad.is_empty(), "{what} printed {bad:?} raw:\n{r:?}");
}

/// A store with the example document whose text fields were then
/// overwritten by another program with [`HOSTILE`].
fn hostile_store() -> Env {
    let env = Env::new();
    let file = env.write("doc.json", &example_doc().to_string());
    env.run(&["import", file.to_str().expect("utf-8 path")]).expect_code(0);
    env.run(&["ticket", "note", "1", "--text", "called back"])
        .expect_code(0);
    env.run(&["ticket", "update", "1", "--status", "In Progress"])
        .expect_code(0);
    let conn = rusqlite::Connection::open(&env.db).expect("open store");
    conn.execute_batch(&format!(
        "UPDATE tickets SET summary = '{h}', description = '{h}';
         UPDATE technicians SET login = login || '{h}', name = '{h}', phone = '{h}';
         UPDATE contacts SET name = '{h}', email = '{h}';
         UPDATE companies SET name = '{h}';
         UPDATE audit SET old = '{h}', new = '{h}';",
        h = HOSTILE
    ))
    .expect("write hostile text");
    env
}

#[test]
fn ticket_show_prints_no_store_bytes_raw() {
    let env = hostile_store();
    let r = env.run(&["ticket", "show", "1"]);
    r.expect_code(0);
    assert_terminal_safe(&r, "ticket show");
    assert!(r.stdout.contains("Desk"), "the readable part stays:\n{r}");
    let r = env.run(&["ticket", "list"]);
    r.expect_code(0);
    assert_terminal_safe(&r, "ticket list");
    let r = env.run(&["tech", "list"]);
    r.expect_code(0);
    assert_terminal_safe(&r, "tech list");
}

#[test]
fn json_escapes_c1_controls_and_bidi_and_keeps_the_data() {
    let env = hostile_store();
    for args in [
        &["ticket", "show", "1", "--json"][..],
        &["ticket", "list", "--json"],
        &["tech", "list", "--json"],
        &["contact", "list", "--json"],
        &["oncall", "--json"],
    ] {
        let r = env.run(args);
        r.expect_code(0);
        assert_terminal_safe(&r, &args.join(" "));
        let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{args:?} not JSON ({e}):\n{r}"));
        if args[0] != "oncall" {
            assert!(v.to_string().contains("pwned"), "{args:?} keeps the stored text:\n{r}");
        }
    }
    let r = env.run(&["ticket", "show", "1", "--json"]);
    let v: Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["summary"], HOSTILE, "the JSON is the same data:\n{r}");
}

/// A board or source is one of the guide's words: another program's text
/// there is an error naming the ticket and the column (never a silent
/// default), terminal-safe, and `doctor` lists it.
#[test]
fn an_unknown_board_written_by_another_program_is_an_error_naming_the_ticket() {
    let env = Env::new();
    let file = env.write("doc.json", &example_doc().to_string());
    env.run(&["import", file.to_str().expect("utf-8 path")]).expect_code(0);
    let conn = rusqlite::Connection::open(&env.db).expect("open store");
    conn.execute("UPDATE tickets SET board = ?1 WHERE id = 1", [HOSTILE])
        .expect("write hostile board");
    drop(conn);
    let r = env.run(&["ticket", "show", "1"]);
    r.expect_code(3);
    assert_terminal_safe(&r, "ticket show of an unknown board");
    assert!(
        r.stderr.contains("column board of row 1") && r.stderr.contains("unknown board"),
        "names the ticket and the column:\n{r}"
    );
    assert!(r.stderr.contains("pimdesk doctor"), "says where to look:\n{r}");
    let r = env.run(&["doctor"]);
    r.expect_code(1);
    assert_terminal_safe(&r, "doctor");
    assert!(r.stdout.contains("tickets.board of row 1"), "{r}");
    let version = |env: &Env| -> i64 {
        let conn = rusqlite::Connection::open(&env.db).expect("open store");
        conn.query_row("SELECT version FROM tickets WHERE id = 1", [], |r| r.get(0))
            .expect("read")
    };
    let before = version(&env);
    let r = env.run(&["ticket", "update", "1", "--summary", "renamed"]);
    r.expect_code(3);
    assert_terminal_safe(&r, "ticket update");
    assert_eq!(version(&env), before, "nothing was written:\n{r}");
}

#[test]
fn echoed_input_is_sanitised() {
    let env = Env::new();
    let hostile_db = env.path(&format!("s{HOSTILE}.db"));
    let r = env.run_with(&hostile_db, &env.config, &["doctor"]);
    assert_terminal_safe(&r, "doctor with a hostile --db path");
    assert!(r.stdout.contains("store:"), "{r}");
    let r = env.run(&["ticket", "show", HOSTILE]);
    r.expect_code(2);
    assert_terminal_safe(&r, "a clap error echoing an argument");
    let r = env.run(&["ticket", "list", "--status", HOSTILE]);
    assert_ne!(r.code, 0, "{r}");
    assert_terminal_safe(&r, "an error echoing a value");
}

#[test]
fn invalid_utf8_from_another_tool_is_read_lossily_and_reported() {
    let env = Env::new();
    let file = env.write("doc.json", &example_doc().to_string());
    env.run(&["import", file.to_str().expect("utf-8 path")]).expect_code(0);
    let conn = rusqlite::Connection::open(&env.db).expect("open store");
    conn.execute_batch(
        "UPDATE tickets SET summary = CAST(X'5072696e74ff6572' AS TEXT), description = CAST(X'44657380' AS TEXT);
         UPDATE technicians SET name = CAST(X'4a6fc3' AS TEXT);",
    )
    .expect("write invalid UTF-8");
    drop(conn);
    for (args, shown) in [
        (&["ticket", "list"][..], "Print\u{fffd}er"),
        (&["ticket", "show", "1"], "Des\u{fffd}"),
        (&["ticket", "show", "1", "--json"], "Print\u{fffd}er"),
        (&["tech", "list"], "Jo\u{fffd}"),
    ] {
        let r = env.run(args);
        r.expect_code(0);
        assert!(r.stdout.contains(shown), "{args:?} shows the readable text:\n{r}");
    }
    let out = env.path("export.json");
    env.run(&["export", out.to_str().expect("utf-8")]).expect_code(0);
    assert!(std::fs::read_to_string(&out)
        .expect("export is UTF-8")
        .contains("Print\u{fffd}er"));
    let r = env.run(&["doctor"]);
    r.expect_code(1);
    assert!(r.stdout.contains("tickets.summary of row 1 is not valid UTF-8"), "{r}");
    assert!(r.stdout.contains("technicians.name"), "{r}");
}
