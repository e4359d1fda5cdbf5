//! Snapshots of the console's screens on ratatui's TestBackend, with time
//! frozen and data from a real demo store, at 80x24 and 120x40.

use chrono::{DateTime, Utc};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use pimdesk::config::Config;
use pimdesk::demo::{self, DemoOptions};
use pimdesk::store;
use pimdesk::tui::action::{Action, Effect};
use pimdesk::tui::keymap::Keymap;
use pimdesk::tui::state::{update, AppState};
use pimdesk::tui::tab::Tab;
use pimdesk::tui::view::{self, theme::Theme};
use pimdesk::tui::{worker, worker_writes};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T10:00:00-05:00")
        .unwrap()
        .with_timezone(&Utc)
}

/// A demo store and a console state over it, answering effects as the worker would.
struct Fixture {
    _dir: tempfile::TempDir,
    conn: rusqlite::Connection,
    state: AppState,
    config: Config,
}

impl Fixture {
    fn new(w: u16, h: u16) -> Fixture {
        Fixture::with_tickets(w, h, 400)
    }

    fn with_tickets(w: u16, h: u16, tickets: u64) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::defaults();
        let mut conn = store::open(&dir.path().join("s.db"), &store::OpenOptions::default()).unwrap();
        demo::generate(&mut conn, &config, DemoOptions { tickets, seed: 11 }, now()).unwrap();
        let mut state = AppState::new(&config, "jtate".into(), "pimdesk.db".into(), now());
        state.me.user_id = Some(1);
        state.size = (w, h);
        let mut f = Fixture {
            _dir: dir,
            conn,
            state,
            config,
        };
        let effects = f.state.start();
        f.run(effects);
        f
    }

    /// Runs effects against the store the way the worker does, feeding replies back.
    fn run(&mut self, effects: Vec<Effect>) {
        let mut queue = effects;
        while let Some(e) = queue.pop() {
            let w = worker_writes::WriterCtx {
                user_id: 1,
                calendar: self.config.sla_calendar(),
                policy: self.config.sla_policy(),
                mail: self.config.mail.outgoing(),
                mail_config: self.config.mail.clone(),
            };
            let reply = match worker_writes::handle(&mut self.conn, &w, e.clone()).unwrap() {
                Some(a) => a,
                None => worker::handle(&self.conn, e).unwrap(),
            };
            queue.extend(update(&mut self.state, reply, now()));
        }
    }

    fn act(&mut self, a: Action) {
        let effects = update(&mut self.state, a, now());
        self.run(effects);
    }

    fn screen(&self) -> String {
        let (w, h) = self.state.size;
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        let keymap = Keymap::from_config(&self.config);
        let theme = Theme { color: false };
        term.draw(|f| view::draw(f, &self.state, &keymap, &theme)).unwrap();
        let buf = term.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..h {
            let line: String = (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect();
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

#[test]
fn queue_at_80x24_and_120x40() {
    for (w, h) in [(80, 24), (120, 40)] {
        let f = Fixture::new(w, h);
        let screen = f.screen();
        assert!(screen.contains("All open"), "{screen}");
        insta::assert_snapshot!(format!("queue_{w}x{h}"), screen);
    }
}

#[test]
fn ticket_view_at_80x24_and_120x40() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut f = Fixture::new(w, h);
        f.act(Action::Open);
        let screen = f.screen();
        assert!(screen.contains("Ticket #"), "{screen}");
        insta::assert_snapshot!(format!("ticket_{w}x{h}"), screen);
    }
}

#[test]
fn editor_at_80x24_and_120x40() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut f = Fixture::new(w, h);
        f.act(Action::NewTicket);
        for c in "westover".chars() {
            f.act(Action::Key(ratatui::crossterm::event::KeyCode::Char(c).into()));
        }
        let picking = f.screen();
        assert!(
            picking.contains("Westover Hills Pediatrics"),
            "the picker filters companies:\n{picking}"
        );
        f.act(Action::NextField);
        f.act(Action::Save);
        let screen = f.screen();
        assert!(
            screen.contains("a ticket needs a summary"),
            "validation is shown at the field:\n{screen}"
        );
        insta::assert_snapshot!(format!("editor_{w}x{h}"), screen);
    }
}

#[test]
fn sla_board_at_80x24_and_120x40() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut f = Fixture::with_tickets(w, h, 4000);
        f.act(Action::GoTab(Tab::Sla));
        let screen = f.screen();
        assert!(screen.contains("Running response clocks"), "{screen}");
        assert!(
            screen.contains("BREACH"),
            "overdue clocks are marked in words:\n{screen}"
        );
        assert!(screen.contains("Response compliance, last 30 days"), "{screen}");
        insta::assert_snapshot!(format!("sla_{w}x{h}"), screen);
        f.act(Action::ToggleAfterHours);
        assert!(f.screen().contains("Clocks running now"), "the after-hours view");
    }
}
