//! End-to-end: the keys of pickers, questions and prompts come from the
//! config like every other key. Rebound, the old key does nothing, the new
//! one works, and the footer names the new one.

mod common;

use std::sync::Arc;

use common::pty::{Console, Fixture, TIMEOUT};

const ENTER: &str = "\r";
const ESC: &str = "\x1b";

const REBOUND: &str = r#"
[keys.pick]
choose = "o"
close = "x"

[keys.confirm]
yes = "Y"

[keys.prompt]
submit = "C-g"
"#;

#[test]
fn rebound_picker_question_and_prompt_keys_work_and_the_hints_follow() {
    let f = Arc::new(Fixture::demo());
    f.write_config(REBOUND);
    let before = f.show_json(2000);
    let mut c = Console::spawn_in(f.clone(), &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();

    // The priority picker: Enter no longer chooses, `o` does; the footer says `o`.
    c.send("p");
    c.wait_for("Set the priority of ticket #2000", TIMEOUT).unwrap();
    let footer = c.row(23);
    assert!(
        footer.contains("o set") && footer.contains("x close"),
        "footer: {footer}"
    );
    c.send(ENTER);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(c.screen().contains("Set the priority"), "Enter is not bound any more");
    c.send("j");
    c.send("o");
    c.wait_gone("Set the priority", TIMEOUT).unwrap();
    c.wait_for("#2000: priority", TIMEOUT).unwrap();
    let after = f.show_json(2000);
    assert_ne!(after["priority"], before["priority"], "o chose the next priority");

    // Two marked tickets: the question takes `Y`, not `y`.
    c.send("m");
    c.send("m");
    c.wait_for("2 marked", TIMEOUT).unwrap();
    c.send("t");
    c.wait_for("Set the status", TIMEOUT).unwrap();
    c.send("o");
    let asked = c.wait_for("on all 2 marked tickets", TIMEOUT).unwrap();
    assert!(asked.contains(" Y "), "the question names Y:\n{asked}");
    c.send("y");
    c.wait_gone("on all 2 marked tickets", TIMEOUT).unwrap();
    assert!(
        !c.screen().contains("2 marked tickets: status"),
        "y is not yes any more"
    );

    // A prompt: Enter is typing's now; Ctrl-G opens the ticket typed.
    c.send("#");
    let prompt = c.wait_for("Open ticket #", TIMEOUT).unwrap();
    assert!(prompt.contains("C-g opens"), "the prompt names its key:\n{prompt}");
    c.send("17");
    c.send("\x07");
    c.wait_for("#17 ", TIMEOUT).unwrap();
    c.send(ESC);
}
