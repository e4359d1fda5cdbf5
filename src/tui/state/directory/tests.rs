use chrono::{DateTime, Utc};

use super::*;
use crate::domain::permissions::SecurityLevel;
use crate::store::directory::{Company, Contact, Technician};
use crate::tui::state::update;

pub(super) fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&Utc)
}

/// Wednesday 10:00 New York: the office is open.
pub(super) const OPEN: &str = "2026-11-25T10:00:00-05:00";

fn tech(id: i64, login: &str, name: &str, role: &str, oncall: bool) -> Technician {
    Technician {
        id,
        login: login.into(),
        name: name.into(),
        role: role.into(),
        phone: format!("804-555-21{id:02}"),
        email: format!("{login}@proactive-info.com"),
        oncall,
    }
}

pub(super) fn data() -> Directory {
    let contact = |id: i64, name: &str, title: &str, level: &str| Contact {
        id,
        company_id: 1,
        company: "Acme Family Dental".into(),
        name: name.into(),
        title: title.into(),
        phone: format!("804-555-01{id:02}"),
        email: format!("{}@acme.test", name.split(' ').next().unwrap_or("x").to_lowercase()),
        level: level.into(),
    };
    let items = crate::domain::onboarding::TRANSITION_PLAN
        .iter()
        .enumerate()
        .map(|(i, item)| OnboardingItem {
            company_id: 1,
            position: i as i64,
            item: item.to_string(),
            status: if i < 2 { "done" } else { "pending" }.into(),
            date: (i < 2).then(|| format!("2026-0{}-15", i + 1)),
            who: (i < 2).then(|| "Lena Ortiz".into()),
            note: String::new(),
        })
        .collect();
    Directory {
        technicians: vec![
            tech(0, "jtate", "Jordan Tate", "technician", true),
            tech(1, "lortiz", "Lena Ortiz", "dispatcher", false),
            tech(2, "cfoster", "Caleb Foster", "technician", true),
        ],
        companies: vec![
            Company {
                id: 1,
                name: "Acme Family Dental".into(),
                industry: "healthcare".into(),
                city: "Henrico".into(),
                phone: "804-555-1037".into(),
            },
            Company {
                id: 2,
                name: "Bon Air Accounting".into(),
                industry: "accounting".into(),
                city: "Bon Air".into(),
                phone: "804-555-1074".into(),
            },
        ],
        contacts: vec![
            contact(1, "Dana Ruiz", "Office Manager", "manager"),
            contact(2, "Eli Park", "Dentist", "viewer"),
        ],
        onboarding: items,
    }
}

pub(super) fn state(now: &str, role: &str) -> AppState {
    let config = crate::config::Config::defaults();
    let now = at(now);
    let mut s = AppState::new(&config, "tester".into(), "test.db".into(), now);
    s.me.user_id = Some(7);
    s.me.role = role.parse().ok();
    update(&mut s, Action::DirectoryLoaded(Box::new(data())), now);
    update(&mut s, Action::GoTab(crate::tui::tab::Tab::Directory), now);
    s
}

pub(super) fn act(s: &mut AppState, a: Action) -> Vec<Effect> {
    let now = s.now;
    crate::tui::state::press(s, a, now)
}

pub(super) fn typed(s: &mut AppState, text: &str) {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    for c in text.chars() {
        act(s, Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
    }
}

pub(super) fn enter_key() -> Action {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
}

pub(super) fn screen(s: &AppState) -> String {
    crate::tui::state::screen_text(s)
}

#[test]
fn one_search_reaches_departments_technicians_companies_and_contacts() {
    let mut s = state(OPEN, "technician");
    act(&mut s, Action::StartSearch);
    typed(&mut s, "dana");
    assert_eq!(s.directory.rows, vec![Row::Header("Contacts"), Row::Contact(0)]);
    act(&mut s, enter_key());
    assert!(s.directory.search_input.is_none());
    act(&mut s, Action::StartSearch);
    typed(&mut s, "x");
    // "804-897" matches departments; nothing matches "danax".
    assert!(s.directory.rows.is_empty());
    s.directory.search_input = Some(crate::tui::state::line::LineInput::default());
    typed(&mut s, "804-555-21");
    assert!(s.directory.rows.iter().any(|r| matches!(r, Row::Technician(_))));
    s.directory.search_input = Some(crate::tui::state::line::LineInput::default());
    typed(&mut s, "concierge");
    assert_eq!(
        s.directory.rows,
        vec![Row::Header("pim departments"), Row::Department(0)]
    );
}

#[test]
fn enter_on_a_contact_opens_its_company_at_that_contact() {
    let mut s = state(OPEN, "technician");
    act(&mut s, Action::StartSearch);
    typed(&mut s, "Eli");
    act(&mut s, enter_key());
    act(&mut s, Action::Open);
    let open = s.directory.open.as_ref().expect("the company is open");
    assert_eq!(open.company, 0);
    assert_eq!(s.directory.selected_contact(), Some(1));
}

#[test]
fn copy_keys_hand_the_number_to_the_terminal_and_say_so() {
    let mut s = state(OPEN, "technician");
    // The first row is Client Concierge.
    let e = act(&mut s, Action::CopyPhone);
    assert_eq!(e, vec![Effect::Clipboard("804-399-7888".into())]);
    assert_eq!(s.message_text(), Some("copied 804-399-7888"));
    act(&mut s, Action::Move(2)); // Support has no email
    assert_eq!(act(&mut s, Action::CopyEmail), vec![]);
    assert!(s.message_text().is_some_and(|m| m.starts_with("no email")));
}

#[test]
fn a_technician_may_not_edit_levels_a_dispatcher_may() {
    let mut s = state(OPEN, "technician");
    act(&mut s, Action::Last);
    act(&mut s, Action::Move(-1)); // Acme
    act(&mut s, Action::Open);
    assert_eq!(act(&mut s, Action::EditLevel), vec![]);
    assert!(s.directory.picker.is_none());
    assert!(s.message_text().is_some_and(|m| m.contains("dispatcher")));

    s.me.role = "dispatcher".parse().ok();
    act(&mut s, Action::EditLevel);
    let p = s.directory.picker.expect("the picker opens");
    assert_eq!(SecurityLevel::ALL[p.selected], SecurityLevel::Manager);
    act(&mut s, Action::Move(1));
    let e = act(&mut s, Action::Open);
    assert_eq!(
        e,
        vec![Effect::SetContactLevel {
            contact_id: 1,
            level: "admin".into(),
            who: 7,
            at: s.now.timestamp()
        }]
    );
    assert!(s.directory.picker.is_none());
    let e = act(&mut s, Action::ContactSaved("security level manager -> admin".into()));
    assert_eq!(e, vec![Effect::LoadDirectory]);
}

#[test]
fn after_hours_the_rotation_technician_is_on_call() {
    // Fallback rotation: cfoster, jtate (on-call flag, by login); week 46 (even) is cfoster's.
    let s = state("2026-11-25T20:00:00-05:00", "technician");
    let p = s.directory.on_call_now.as_ref().expect("someone is on call");
    assert_eq!(p.login, "cfoster");
    let open = state(OPEN, "technician");
    assert!(open.directory.on_call_now.is_none());
    assert_eq!(open.directory.on_duty.as_deref(), Some("cfoster"));
}

#[test]
fn snapshot_directory_overview_after_hours() {
    let s = state("2026-11-25T20:00:00-05:00", "dispatcher");
    insta::assert_snapshot!(screen(&s));
}

#[test]
fn snapshot_company_with_contacts_checklist_and_picker() {
    let mut s = state(OPEN, "dispatcher");
    act(&mut s, Action::StartSearch);
    typed(&mut s, "Eli");
    act(&mut s, enter_key());
    act(&mut s, Action::Open);
    insta::assert_snapshot!("company", screen(&s));
    act(&mut s, Action::EditLevel);
    insta::assert_snapshot!("picker", screen(&s));
}

#[test]
fn osc52_is_base64_in_the_clipboard_sequence_and_wrapped_for_tmux() {
    use crate::tui::app::{osc52, Osc52Wrap};
    assert_eq!(
        osc52("804-555-0101", Osc52Wrap::Plain),
        "\x1b]52;c;ODA0LTU1NS0wMTAx\x07"
    );
    assert_eq!(osc52("a@b.c", Osc52Wrap::Plain), "\x1b]52;c;YUBiLmM=\x07");
    assert_eq!(osc52("ab", Osc52Wrap::Plain), "\x1b]52;c;YWI=\x07");
    assert_eq!(osc52("ab", Osc52Wrap::Tmux), "\x1bPtmux;\x1b\x1b]52;c;YWI=\x07\x1b\\");
    assert_eq!(osc52("ab", Osc52Wrap::Screen), "\x1bP\x1b]52;c;YWI=\x07\x1b\\");
    // Inside tmux the text goes by tmux's own buffer (its default
    // set-clipboard drops an application's OSC 52); screen needs its passthrough.
    assert_eq!(Osc52Wrap::choose("auto", true, false), Osc52Wrap::TmuxBuffer);
    assert_eq!(Osc52Wrap::choose("auto", false, true), Osc52Wrap::Screen);
    assert_eq!(Osc52Wrap::choose("tmux-passthrough", true, false), Osc52Wrap::Tmux);
    assert_eq!(Osc52Wrap::choose("tmux-passthrough", false, false), Osc52Wrap::Plain);
}
