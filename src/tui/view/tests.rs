//! In-view hints name the keys the config binds, not the defaults.

use chrono::{DateTime, Utc};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use crate::config::Config;
use crate::tui::keymap::Keymap;
use crate::tui::state::editor::EditorState;
use crate::tui::state::forms::Overlay;
use crate::tui::state::AppState;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T10:00:00-05:00")
        .unwrap()
        .with_timezone(&Utc)
}

/// The screen's rows with the ticket editor open, under `config_text`.
fn editor_rows(config_text: &str) -> Vec<String> {
    let config = Config::from_user_text(std::path::Path::new("test.toml"), config_text).unwrap();
    let keymap = Keymap::from_config(&config);
    let mut state = AppState::new(&config, "jtate".into(), "pimdesk.db".into(), now());
    state.size = (120, 40);
    state.overlay = Some(Overlay::Editor(Box::new(EditorState::new_ticket(false))));
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    term.draw(|f| super::draw(f, &state, &keymap, &crate::tui::view::theme::Theme::new("none")))
        .unwrap();
    let buf = term.backend().buffer();
    (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect())
        .collect()
}

/// The editor's own hint line (above the status line and footer).
fn hint_line(rows: &[String]) -> &str {
    rows.iter()
        .find(|r| r.contains("next field"))
        .map(String::as_str)
        .unwrap_or_else(|| panic!("no hint line in:\n{}", rows.join("\n")))
}

#[test]
fn a_rebound_editor_save_key_is_the_one_the_editor_hint_names() {
    let rows = editor_rows("[keys.editor]\nsave = \"C-w\"\n");
    let hint = hint_line(&rows);
    assert!(hint.contains("C-w save"), "hint: {hint}");
    assert!(!hint.contains("C-s"), "the old key is gone: {hint}");
}

#[test]
fn by_default_the_editor_hint_names_the_default_keys() {
    let rows = editor_rows("");
    let hint = hint_line(&rows);
    assert!(hint.contains("C-s save · Esc cancel · Tab next field"), "hint: {hint}");
    assert!(hint.contains("C-z/C-y undo/redo"), "hint: {hint}");
}
