//! Property: every surface reports the same SLA state and due time.
//!
//! Random tickets (opened, an imported pause, notes, acknowledgements, status
//! and priority changes, around a holiday) are written through the store's
//! real write paths into a real SQLite file. At a random instant afterwards,
//! the ticket view / `ticket show` (`TicketDetail`), the queue rows, the SLA
//! board rows, `sla check`'s rows, the "Breaching soon" view and the
//! compliance counts must agree with each other and with the SLA engine run
//! on a model of what happened.

use std::path::Path;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;

use pimdesk::domain::sla::{self, Calendar, SlaInput, SlaPolicy, SlaState};
use pimdesk::domain::ticket::Priority;
use pimdesk::store::ticket_write::{self, Rules, TicketChanges};
use pimdesk::store::tickets::{self, Anchor, QueueQuery, View};
use pimdesk::store::{exchange, sla as store_sla, ticket_detail, ticket_work};

#[derive(Debug, Clone)]
enum Step {
    Status(&'static str),
    Priority(u8),
    Note { internal: bool },
    Acknowledge,
}

#[derive(Debug, Clone)]
struct Case {
    priority: u8,
    /// Minutes after the base instant the ticket was opened.
    opened: i64,
    /// Imported Waiting on Client (paused from the import instant, unanswered).
    waiting: bool,
    /// Minutes after opening when it was imported.
    imported_after: i64,
    steps: Vec<(i64, Step)>,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => prop_oneof![Just("In Progress"), Just("Waiting on Client"), Just("Resolved")].prop_map(Step::Status),
        2 => (1u8..=4).prop_map(Step::Priority),
        2 => any::<bool>().prop_map(|internal| Step::Note { internal }),
        1 => Just(Step::Acknowledge),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        1u8..=4,
        0i64..(6 * 24 * 60),
        any::<bool>(),
        0i64..600,
        prop::collection::vec((1i64..900, step()), 0..5),
    )
        .prop_map(|(priority, opened, waiting, imported_after, steps)| Case {
            priority,
            opened,
            waiting,
            imported_after,
            steps,
        })
}

/// Monday 2026-11-23 06:00 New York; Thanksgiving (26th) and the 27th are holidays.
fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 11, 0, 0).unwrap()
}

fn calendar() -> Calendar {
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    Calendar::pim_default().with_holidays([day(26), day(27)])
}

/// What the engine should see, modelled from the steps alone.
#[derive(Debug)]
struct Model {
    input: SlaInput,
    /// Instants the ticket was written at, the last one included.
    last: DateTime<Utc>,
}

fn model(c: &Case) -> Model {
    let opened = base() + TimeDelta::minutes(c.opened);
    let mut t = opened + TimeDelta::minutes(c.imported_after);
    let mut input = SlaInput::new(Priority::new(c.priority).unwrap(), opened);
    let (mut status, mut priority) = (if c.waiting { "Waiting on Client" } else { "New" }, c.priority);
    if c.waiting {
        input.paused_since = Some(t);
    }
    for (gap, s) in &c.steps {
        t += TimeDelta::minutes(*gap);
        if status == "Resolved" {
            break;
        }
        let responded = input.first_response.is_some() || input.completed.is_some();
        match s {
            Step::Priority(p) => {
                priority = *p;
                if !responded {
                    input.priority = Priority::new(*p).unwrap();
                }
            }
            Step::Note { internal } => {
                if !internal && !responded {
                    input.first_response = Some(t);
                }
            }
            Step::Acknowledge => {
                if !responded {
                    input.first_response = Some(t);
                }
            }
            Step::Status(new) => {
                if *new == status {
                    continue;
                }
                if status == "New" && input.first_response.is_none() {
                    input.first_response = Some(t);
                }
                if status == "Waiting on Client" {
                    input.paused.push((input.paused_since.take().unwrap(), t));
                }
                if *new == "Waiting on Client" {
                    input.paused_since = Some(t);
                }
                if *new == "Resolved" {
                    input.completed = Some(t);
                }
                status = new;
            }
        }
    }
    let _ = priority;
    Model { input, last: t }
}

fn import(conn: &mut rusqlite::Connection, dir: &Path, cases: &[Case], rules: &Rules<'_>) -> Vec<i64> {
    let mut ids = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let opened = base() + TimeDelta::minutes(c.opened);
        let doc = serde_json::json!({
            "companies": [{"key": format!("co{i}"), "name": format!("Company {i}"), "industry": "healthcare"}],
            "tickets": [{"key": format!("t{i}"), "company": format!("co{i}"), "summary": format!("case {i}"),
                         "priority": c.priority, "status": if c.waiting { "Waiting on Client" } else { "New" },
                         "board": "Service Desk", "source": "phone", "opened": opened.to_rfc3339()}],
        });
        let path = dir.join(format!("case{i}.json"));
        let data = exchange::parse(&path, &doc.to_string()).expect("valid case");
        let at = opened + TimeDelta::minutes(c.imported_after);
        exchange::import(conn, &path, &data, at.timestamp(), rules).expect("import case");
        let id: i64 = conn
            .query_row(
                "SELECT id FROM tickets WHERE summary = ?1",
                [format!("case {i}")],
                |r| r.get(0),
            )
            .unwrap();
        ids.push(id);
    }
    ids
}

/// Applies the steps through the store's write paths, as the console and CLI do.
fn apply(conn: &mut rusqlite::Connection, id: i64, c: &Case, rules: &Rules<'_>) {
    let mut t = base() + TimeDelta::minutes(c.opened + c.imported_after);
    let mut resolved = false;
    for (gap, s) in &c.steps {
        t += TimeDelta::minutes(*gap);
        if resolved {
            break;
        }
        let now = t.timestamp();
        match s {
            Step::Priority(p) => {
                let ch = TicketChanges {
                    priority: Priority::new(*p),
                    ..Default::default()
                };
                ticket_write::update(conn, id, &ch, None, 1, now, rules).unwrap();
            }
            Step::Note { internal } => {
                ticket_work::add_note(conn, id, "a note", *internal, 1, now, rules, None).unwrap()
            }
            Step::Acknowledge => {
                ticket_work::acknowledge(conn, id, 1, now, rules).unwrap();
            }
            Step::Status(new) => {
                let ch = TicketChanges {
                    status: Some(new.parse().unwrap()),
                    ..Default::default()
                };
                ticket_write::update(conn, id, &ch, None, 1, now, rules).unwrap();
                resolved = *new == "Resolved";
            }
        }
    }
}

fn check_case(cases: &[Case], later: i64) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let (cal, policy) = (calendar(), SlaPolicy::pim_default());
    let rules = Rules {
        calendar: &cal,
        policy: &policy,
    };
    let mut conn = pimdesk::store::open(&dir.path().join("s.db"), &Default::default()).unwrap();
    conn.execute(
        "INSERT INTO technicians (key, login, name, role) VALUES ('tech', 'tech', 'Tech', 'technician')",
        [],
    )
    .unwrap();
    let ids = import(&mut conn, dir.path(), cases, &rules);
    for (id, c) in ids.iter().zip(cases) {
        apply(&mut conn, *id, c, &rules);
    }
    let models: Vec<Model> = cases.iter().map(model).collect();
    let latest = models.iter().map(|m| m.last).max().unwrap();
    let now = latest + TimeDelta::minutes(later);
    let soon = now + TimeDelta::minutes(30);

    let query = QueueQuery {
        view: View::All,
        ..Default::default()
    };
    let queue = tickets::page(&conn, &query, &Anchor::Start, 100).unwrap();
    // The SLA board's own question: every clock not yet stopped, by time left.
    let board_query = QueueQuery {
        view: View::Clocks { ticking: None },
        sort: pimdesk::store::queue::SortKey::Due,
        descending: false,
        ..Default::default()
    };
    let board = tickets::page(&conn, &board_query, &Anchor::Start, 100).unwrap();
    let attention = store_sla::needing_attention(&conn, now.timestamp()).unwrap();
    let soon_query = QueueQuery {
        view: View::BreachingSoon,
        soon_until: soon.timestamp(),
        ..Default::default()
    };
    let breaching = tickets::page(&conn, &soon_query, &Anchor::Start, 100).unwrap();
    let compliance = store_sla::compliance(&conn, 0, i64::MAX, now.timestamp()).unwrap();

    let mut want_counts = [(0i64, 0i64, 0i64); 5];
    for ((id, c), m) in ids.iter().zip(cases).zip(&models) {
        let d = sla::deadlines(&cal, &policy, &m.input).unwrap();
        let want = sla::state(&d, &m.input, now);
        let ctx = format!("case {c:?}\nmodel {m:?}\nnow {now}");

        let detail = ticket_detail::load(&conn, *id).unwrap().unwrap();
        prop_assert_eq!(
            detail.response_due,
            Some(d.response_due.timestamp()),
            "stored due\n{}",
            ctx
        );
        prop_assert_eq!(
            detail.warning_at,
            Some(d.warning_at.timestamp()),
            "stored warning\n{}",
            ctx
        );
        let shown = detail.clock(&policy).unwrap();
        prop_assert_eq!(shown.state(now), want, "ticket view / ticket show\n{}", ctx);

        let q = queue.iter().find(|r| r.id == *id).unwrap();
        prop_assert_eq!(q.clock(&policy).unwrap().state(now), want, "queue\n{}", ctx);

        let responded = m.input.responded().is_some();
        let on_board = board.iter().find(|r| r.id == *id);
        prop_assert_eq!(on_board.is_some(), !responded, "board lists open clocks\n{}", ctx);
        if let Some(b) = on_board {
            prop_assert_eq!(b.clock(&policy).unwrap().state(now), want, "board\n{}", ctx);
        }

        let paged = attention.iter().any(|r| r.id == *id);
        let needs = !responded && matches!(want, SlaState::Warning | SlaState::Breached);
        prop_assert_eq!(paged, needs, "sla check\n{}", ctx);

        let held = m.input.paused_since.is_some_and(|s| s < d.response_due);
        let breaching_soon = !responded && !held && d.response_due <= soon;
        let listed = breaching.iter().any(|r| r.id == *id);
        prop_assert_eq!(listed, breaching_soon, "Breaching soon\n{}", ctx);

        let slot = &mut want_counts[usize::from(m.input.priority.get()) - 1];
        match want {
            SlaState::Met => slot.0 += 1,
            SlaState::Breached => slot.1 += 1,
            _ => slot.2 += 1,
        }
    }
    for c in &compliance {
        let (met, breached, open) = want_counts[usize::from(c.priority) - 1];
        prop_assert_eq!(
            (c.met, c.breached, c.open),
            (met, breached, open),
            "compliance P{}",
            c.priority
        );
    }
    let counted: i64 = compliance.iter().map(|c| c.tickets).sum();
    prop_assert_eq!(counted, cases.len() as i64);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_surface_reports_the_same_state_and_due_time(
        cases in prop::collection::vec(case(), 1..4),
        later in 0i64..(3 * 24 * 60),
    ) {
        check_case(&cases, later)?;
    }
}
