//! Checklist statuses and the on-call rotation from the Directory tab:
//! refusal by role, the picker, the effect produced, the config's list.

use super::super::tests::{act, at, data, state, OPEN};
use super::*;
use crate::tui::state::update;

/// Acme open (its two contacts, then its seven steps).
fn acme(role: &str) -> AppState {
    let mut s = state(OPEN, role);
    act(&mut s, Action::Last);
    act(&mut s, Action::Move(-1)); // Acme
    act(&mut s, Action::Open);
    assert_eq!(s.directory.open.as_ref().map(|o| o.company), Some(0));
    s
}

#[test]
fn checklist_a_technician_is_refused_with_the_roles_named() {
    let mut s = acme("technician");
    act(&mut s, Action::Move(4)); // step 3
    assert_eq!(s.directory.selected_step(), Some((0, 2)));
    assert_eq!(act(&mut s, Action::Directory(DirectoryKey::Onboarding)), vec![]);
    assert!(s.directory.step_picker.is_none());
    let m = s.message_text().unwrap_or_default().to_string();
    assert!(
        m.contains("dispatcher or admin") && m.contains("you are technician"),
        "{m}"
    );
}

#[test]
fn checklist_o_on_a_contact_says_where_the_steps_are() {
    let mut s = acme("dispatcher");
    assert_eq!(act(&mut s, Action::Directory(DirectoryKey::Onboarding)), vec![]);
    assert!(s.directory.step_picker.is_none());
    assert!(s.message_text().is_some_and(|m| m.contains("checklist step")));
}

#[test]
fn checklist_picker_sets_a_steps_status_dated_today_through_one_effect() {
    let mut s = acme("dispatcher");
    act(&mut s, Action::Move(50)); // clamps on the last step
    assert_eq!(s.directory.selected_step(), Some((0, 6)));
    act(&mut s, Action::Move(-4)); // step 3, pending
    act(&mut s, Action::Directory(DirectoryKey::Onboarding));
    let p = s.directory.step_picker.expect("the picker opens");
    assert_eq!(
        ItemStatus::ALL[p.selected],
        ItemStatus::InProgress,
        "starts on the next status"
    );
    act(&mut s, Action::Directory(DirectoryKey::Onboarding)); // o again: done
    act(&mut s, Action::Move(1)); // n/a
    act(&mut s, Action::Move(-1)); // done
                                   // Late in the evening in New York is already tomorrow in UTC: the date is New York's.
    let late = at("2026-11-25T23:30:00-05:00");
    let e = update(&mut s, Action::Open, late);
    assert_eq!(
        e,
        vec![Effect::Directory(Box::new(DirectoryEffect::SetOnboarding {
            company_id: 1,
            position: 2,
            status: ItemStatus::Done,
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"),
            label: "Acme Family Dental, step 3".into(),
            at: late.timestamp(),
        }))]
    );
    assert!(s.directory.step_picker.is_none());
    let e = act(
        &mut s,
        Action::ContactSaved("Acme Family Dental, step 3: pending -> done".into()),
    );
    assert_eq!(
        e,
        vec![Effect::LoadDirectory],
        "the list reloads with status, date and who"
    );
}

#[test]
fn checklist_picker_esc_writes_nothing_and_the_same_status_is_not_saved() {
    let mut s = acme("admin");
    act(&mut s, Action::Move(2)); // step 1, done
    act(&mut s, Action::Directory(DirectoryKey::Onboarding));
    assert_eq!(act(&mut s, Action::Back), vec![]);
    assert!(s.directory.step_picker.is_none());
    act(&mut s, Action::Directory(DirectoryKey::Onboarding));
    act(&mut s, Action::Move(-1)); // back to done, as it is
    assert_eq!(act(&mut s, Action::Open), vec![]);
    assert!(s.message_text().is_some_and(|m| m.contains("already done")));
}

#[test]
fn rotation_toggle_is_for_a_dispatcher_or_admin_on_a_technician() {
    let mut s = state(OPEN, "technician");
    act(&mut s, Action::First);
    assert_eq!(act(&mut s, Action::Directory(DirectoryKey::Rotation)), vec![]);
    assert!(s.message_text().is_some_and(|m| m.contains("select a technician")));
    // Down past the departments onto the first technician (by name: Caleb Foster).
    while !matches!(s.directory.selected_row(), Some(Row::Technician(_))) {
        act(&mut s, Action::Move(1));
    }
    assert_eq!(act(&mut s, Action::Directory(DirectoryKey::Rotation)), vec![]);
    assert!(
        s.message_text()
            .is_some_and(|m| m.contains("dispatcher or admin") && m.contains("pimdesk tech set-role tester dispatcher")),
        "a refusal says how to get the role: {:?}",
        s.message_text()
    );

    s.me.role = "dispatcher".parse().ok();
    let Some(Row::Technician(i)) = s.directory.selected_row() else {
        unreachable!()
    };
    let t = s.directory.data.technicians[i].clone();
    let e = act(&mut s, Action::Directory(DirectoryKey::Rotation));
    assert_eq!(
        e,
        vec![Effect::Directory(Box::new(DirectoryEffect::SetOncall {
            login: t.login.clone(),
            on: !t.oncall,
            at: s.now.timestamp(),
        }))]
    );
    act(
        &mut s,
        Action::ContactSaved(format!("{} no longer takes part", t.login)),
    );
    assert!(
        s.message_text().is_some_and(|m| !m.contains("config")),
        "{:?}",
        s.message
    );
}

#[test]
fn rotation_toggle_says_the_configs_list_is_in_force() {
    let mut config = crate::config::Config::defaults();
    config.oncall.rotation = vec!["lortiz".into()];
    let now = at(OPEN);
    let mut s = AppState::new(&config, "tester".into(), "test.db".into(), now);
    s.me.user_id = Some(7);
    s.me.role = "admin".parse().ok();
    update(&mut s, Action::DirectoryLoaded(Box::new(data())), now);
    update(&mut s, Action::GoTab(crate::tui::tab::Tab::Directory), now);
    while !matches!(s.directory.selected_row(), Some(Row::Technician(_))) {
        act(&mut s, Action::Move(1));
    }
    let e = act(&mut s, Action::Directory(DirectoryKey::Rotation));
    assert_eq!(e.len(), 1);
    assert!(
        s.message_text().is_some_and(|m| m.contains(CONFIG_NOTE)),
        "{:?}",
        s.message
    );
    act(
        &mut s,
        Action::ContactSaved("cfoster no longer takes part in the after-hours rotation".into()),
    );
    let m = s.message_text().unwrap_or_default().to_string();
    assert!(m.starts_with("cfoster no longer") && m.ends_with(CONFIG_NOTE), "{m}");
    // The config's list decides who is on call, whatever the flags say.
    assert_eq!(s.directory.on_duty.as_deref(), Some("lortiz"));
}
