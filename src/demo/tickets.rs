//! Demo tickets over two years, with notes, time entries and history.
//! Work falls in contractual hours; P1s come at any hour.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rusqlite::{params, Transaction};

use super::directory::DemoDirectory;
use super::{pick, DemoSummary, Words};
use crate::config::Config;
use crate::store::deadlines::{stamp, Stamp};

const SPAN_DAYS: i64 = 730;

struct Calendar<'a> {
    config: &'a Config,
    sla_calendar: crate::domain::sla::Calendar,
    policy: crate::domain::sla::SlaPolicy,
    business_days: Vec<NaiveDate>,
    all_days: Vec<NaiveDate>,
}

impl<'a> Calendar<'a> {
    fn new(config: &'a Config, today: NaiveDate) -> Self {
        let all_days: Vec<NaiveDate> = (0..=SPAN_DAYS).rev().map(|i| today - Duration::days(i)).collect();
        let business_days = all_days
            .iter()
            .copied()
            .filter(|d| self_hours(config, *d).is_some())
            .collect();
        Calendar {
            config,
            sla_calendar: config.sla_calendar(),
            policy: config.sla_policy(),
            business_days,
            all_days,
        }
    }
    fn hours(&self, d: NaiveDate) -> Option<(NaiveTime, NaiveTime)> {
        self_hours(self.config, d)
    }
    fn to_utc(&self, d: NaiveDate, minute_of_day: u32) -> DateTime<Utc> {
        let local = d.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute_of_day));
        let tz = self.config.calendar.timezone.0;
        match tz.from_local_datetime(&local).earliest() {
            Some(t) => t.with_timezone(&Utc),
            // A time inside the spring-forward gap: an hour later exists.
            None => (local + Duration::hours(1)).and_utc() - Duration::hours(4),
        }
    }
}

fn self_hours(config: &Config, d: NaiveDate) -> Option<(NaiveTime, NaiveTime)> {
    if config.calendar.holidays.contains(&d) {
        return None;
    }
    config.calendar.hours.as_array()[d.weekday().num_days_from_monday() as usize].0
}

use crate::store::demo_rows::TicketRows as Statements;

#[allow(clippy::too_many_arguments)]
pub(crate) fn generate(
    tx: &Transaction<'_>,
    words: &Words,
    rng: &mut ChaCha8Rng,
    dir: &DemoDirectory,
    config: &Config,
    count: u64,
    now: DateTime<Utc>,
    summary: &mut DemoSummary,
) -> anyhow::Result<()> {
    let today = now.with_timezone(&config.calendar.timezone.0).date_naive();
    let cal = Calendar::new(config, today);
    let mut st = Statements::new(tx)?;
    for i in 0..count {
        let t = draw_ticket(rng, words, dir, &cal, i, count, now);
        write_ticket(&mut st, rng, words, &cal, i as i64 + 1, &t, now, summary)?;
    }
    summary.tickets = count;
    Ok(())
}

struct DemoTicket {
    company: i64,
    contact: Option<i64>,
    summary: String,
    description: String,
    priority: u8,
    status: &'static str,
    board: &'static str,
    source: &'static str,
    assignee: Option<i64>,
    opened: DateTime<Utc>,
    first_response: Option<DateTime<Utc>>,
    resolved: Option<DateTime<Utc>>,
    scheduled: Option<DateTime<Utc>>,
}

fn draw_priority(rng: &mut ChaCha8Rng) -> u8 {
    match rng.random_range(0..100) {
        0..=2 => 1,
        3..=12 => 2,
        13..=57 => 3,
        58..=87 => 4,
        _ => 5,
    }
}

fn draw_ticket(
    rng: &mut ChaCha8Rng,
    words: &Words,
    dir: &DemoDirectory,
    cal: &Calendar<'_>,
    i: u64,
    count: u64,
    now: DateTime<Utc>,
) -> DemoTicket {
    let priority = draw_priority(rng);
    let frac = (i as f64 + rng.random::<f64>()) / count.max(1) as f64;
    let opened = draw_opened(rng, cal, priority, frac, now);
    let after_hours = is_after_hours(cal, opened);
    let (company, contacts, names) = pick(rng, &dir.companies);
    let ci = rng.random_range(0..contacts.len());
    let (summary, description) = draw_text(rng, words, priority, &names[ci]);
    let age = now - opened;
    let scheduled = (priority == 5).then(|| draw_scheduled(rng, cal, opened));
    let status = draw_status(rng, priority, age, scheduled.is_some_and(|s| s > now));
    let first_response = (status != "New").then(|| draw_first_response(rng, priority, opened, scheduled, now));
    let resolved = matches!(status, "Resolved" | "Closed").then(|| {
        let base = first_response.unwrap_or(opened);
        (base + Duration::minutes(rng.random_range(20..4 * 24 * 60))).min(now)
    });
    let assignee = if status == "New" && rng.random_bool(0.5) {
        None
    } else {
        Some(*pick(rng, &dir.workers))
    };
    let (board, source) = draw_intake(rng, priority, after_hours);
    DemoTicket {
        company: *company,
        contact: Some(contacts[ci]),
        summary,
        description,
        priority,
        status,
        board,
        source,
        assignee,
        opened,
        first_response,
        resolved,
        scheduled,
    }
}

/// The summary (a template of the priority) and description, naming the contact.
fn draw_text(rng: &mut ChaCha8Rng, words: &Words, priority: u8, user: &str) -> (String, String) {
    let template = match priority {
        1 => pick(rng, &words.p1),
        2 => pick(rng, &words.p2),
        3 => pick(rng, &words.p3),
        4 => pick(rng, &words.p4),
        _ => pick(rng, &words.p5),
    };
    let summary = template
        .replace("{user}", user)
        .replace("{n}", &rng.random_range(1..9).to_string());
    let description = pick(rng, &words.descriptions).replace("{user}", user);
    (summary, description)
}

/// A P5's scheduled time: a morning or an evening within two weeks of opening.
fn draw_scheduled(rng: &mut ChaCha8Rng, cal: &Calendar<'_>, opened: DateTime<Utc>) -> DateTime<Utc> {
    let d = (opened + Duration::days(rng.random_range(1..14)))
        .with_timezone(&cal.config.calendar.timezone.0)
        .date_naive();
    cal.to_utc(d, if rng.random_bool(0.5) { 9 * 60 } else { 18 * 60 })
}

/// The first response: mostly within the hour, one in twelve late; a P5's
/// no later than its scheduled time.
fn draw_first_response(
    rng: &mut ChaCha8Rng,
    priority: u8,
    opened: DateTime<Utc>,
    scheduled: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let late = rng.random_bool(0.08);
    let m = if late {
        rng.random_range(61..150)
    } else {
        rng.random_range(2..50)
    };
    let at = scheduled
        .filter(|_| priority == 5)
        .map(|s| s.min(opened + Duration::minutes(m)));
    at.unwrap_or(opened + Duration::minutes(m)).min(now)
}

/// The board and source: the after-hours line out of hours, else a spread.
fn draw_intake(rng: &mut ChaCha8Rng, priority: u8, after_hours: bool) -> (&'static str, &'static str) {
    let board = if after_hours {
        "After Hours"
    } else if priority == 5 && rng.random_bool(0.6) {
        "Projects"
    } else {
        "Service Desk"
    };
    let source = if after_hours {
        "after-hours line"
    } else {
        *pick(rng, &["phone", "phone", "portal", "email", "portal", "on-site"])
    };
    (board, source)
}

fn draw_opened(rng: &mut ChaCha8Rng, cal: &Calendar<'_>, priority: u8, frac: f64, now: DateTime<Utc>) -> DateTime<Utc> {
    let days = if priority == 1 || cal.business_days.is_empty() {
        &cal.all_days
    } else {
        &cal.business_days
    };
    let day = days[((frac * days.len() as f64) as usize).min(days.len() - 1)];
    let minute = match (priority, cal.hours(day)) {
        (1, _) | (_, None) => rng.random_range(0..24 * 60),
        (_, Some((open, close))) => {
            let (a, b) = (minute_of(open), minute_of(close));
            rng.random_range(a..b.max(a + 1))
        }
    };
    let t = cal.to_utc(day, minute);
    if t >= now {
        now - Duration::minutes(rng.random_range(1..90))
    } else {
        t
    }
}

fn minute_of(t: NaiveTime) -> u32 {
    use chrono::Timelike;
    t.hour() * 60 + t.minute()
}

fn is_after_hours(cal: &Calendar<'_>, t: DateTime<Utc>) -> bool {
    let local = t.with_timezone(&cal.config.calendar.timezone.0);
    match cal.hours(local.date_naive()) {
        None => true,
        Some((open, close)) => local.time() < open || local.time() >= close,
    }
}

fn draw_status(rng: &mut ChaCha8Rng, priority: u8, age: Duration, scheduled_ahead: bool) -> &'static str {
    if scheduled_ahead {
        return if rng.random_bool(0.8) { "Scheduled" } else { "New" };
    }
    let roll = rng.random_range(0..100);
    if age > Duration::days(60) {
        return if roll < 92 { "Closed" } else { "Resolved" };
    }
    if age > Duration::days(14) {
        return match roll {
            0..=80 => "Closed",
            81..=96 => "Resolved",
            _ => "Waiting on Client",
        };
    }
    if age > Duration::days(3) {
        return match roll {
            0..=39 => "Resolved",
            40..=59 => "Closed",
            60..=79 => "In Progress",
            _ => "Waiting on Client",
        };
    }
    match (roll, priority) {
        (0..=29, _) => "New",
        (30..=69, _) => "In Progress",
        (70..=84, _) => "Waiting on Client",
        _ => "Resolved",
    }
}

#[allow(clippy::too_many_arguments)]
fn write_ticket(
    st: &mut Statements<'_>,
    rng: &mut ChaCha8Rng,
    words: &Words,
    cal: &Calendar<'_>,
    id: i64,
    t: &DemoTicket,
    now: DateTime<Utc>,
    summary: &mut DemoSummary,
) -> anyhow::Result<()> {
    let paused_since = (t.status == "Waiting on Client").then(|| {
        let base = t.first_response.unwrap_or(t.opened);
        (base + Duration::minutes(rng.random_range(10..240))).min(now)
    });
    let updated = t.resolved.or(paused_since).or(t.first_response).unwrap_or(t.opened);
    insert_ticket(st, cal, id, t, paused_since, updated)?;
    if let Some(fr) = t.first_response {
        write_notes(st, rng, words, id, t, fr, now, summary)?;
        write_time(st, rng, words, cal, id, t, fr, now, summary)?;
    }
    if t.status != "New" {
        st.audit
            .execute(params![id, t.assignee, updated.timestamp(), t.status])?;
    }
    Ok(())
}

/// The ticket's row with its SLA stamp, and its open pause if it waits on the client.
fn insert_ticket(
    st: &mut Statements<'_>,
    cal: &Calendar<'_>,
    id: i64,
    t: &DemoTicket,
    paused_since: Option<DateTime<Utc>>,
    updated: DateTime<Utc>,
) -> anyhow::Result<()> {
    let secs = |d: Option<DateTime<Utc>>| d.map(|d| d.timestamp());
    let stamp = deadlines(cal, t, paused_since);
    let row = params![
        id,
        t.company,
        t.contact,
        t.summary,
        t.description,
        t.priority,
        t.status,
        t.board,
        t.source,
        t.assignee,
        t.opened.timestamp(),
        secs(t.first_response),
        secs(t.resolved),
        secs(t.scheduled),
        secs(paused_since),
        updated.timestamp(),
    ];
    let values: Vec<&dyn rusqlite::ToSql> = row.iter().copied().chain(stamp.values()).collect();
    st.ticket.execute(values.as_slice())?;
    if let Some(p) = paused_since {
        st.pause.execute(params![id, p.timestamp()])?;
    }
    Ok(())
}

/// The client-visible note of the first response, and half the time an
/// internal one after it (the store's triggers, or the fill's catch-up,
/// index them).
#[allow(clippy::too_many_arguments)]
fn write_notes(
    st: &mut Statements<'_>,
    rng: &mut ChaCha8Rng,
    words: &Words,
    id: i64,
    t: &DemoTicket,
    first_response: DateTime<Utc>,
    now: DateTime<Utc>,
    summary: &mut DemoSummary,
) -> anyhow::Result<()> {
    let fr = first_response;
    let body = pick(rng, &words.notes_client);
    st.note.execute(params![id, t.assignee, fr.timestamp(), false, body])?;
    summary.notes += 1;
    if rng.random_bool(0.5) {
        let body = pick(rng, &words.notes_internal);
        let at = t
            .resolved
            .unwrap_or(now)
            .min(fr + Duration::minutes(rng.random_range(5..120)));
        st.note.execute(params![id, t.assignee, at.timestamp(), true, body])?;
        summary.notes += 1;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn write_time(
    st: &mut Statements<'_>,
    rng: &mut ChaCha8Rng,
    words: &Words,
    cal: &Calendar<'_>,
    id: i64,
    t: &DemoTicket,
    first_response: DateTime<Utc>,
    now: DateTime<Utc>,
    summary: &mut DemoSummary,
) -> anyhow::Result<()> {
    let n = if t.resolved.is_some() {
        rng.random_range(1..=2)
    } else {
        rng.random_range(0..=1)
    };
    let mut start = first_response;
    for _ in 0..n {
        if t.priority != 1 && is_after_hours(cal, start) {
            let local = start.with_timezone(&cal.config.calendar.timezone.0).date_naive();
            let next = cal.business_days.iter().find(|d| **d > local).copied();
            match next.and_then(|d| {
                cal.hours(d)
                    .map(|(open, _)| cal.to_utc(d, minute_of(open) + rng.random_range(0..120)))
            }) {
                Some(s) => start = s,
                None => break,
            }
        }
        let minutes: i64 = *pick(rng, &[15, 20, 30, 45, 60, 70, 90, 120, 180]);
        if start + Duration::minutes(minutes) > now {
            break;
        }
        let billable = rng.random_bool(0.9);
        st.entry.execute(params![
            id,
            t.assignee,
            start.timestamp(),
            minutes,
            billable,
            pick(rng, &words.time_notes)
        ])?;
        summary.time_entries += 1;
        start += Duration::minutes(minutes + rng.random_range(30..600));
    }
    Ok(())
}

/// The SLA figures as stored, from the same stamp every other writer uses.
fn deadlines(cal: &Calendar<'_>, t: &DemoTicket, paused_since: Option<DateTime<Utc>>) -> Stamp {
    use crate::domain::sla::SlaInput;
    use crate::domain::ticket::Priority;
    let Some(priority) = Priority::new(t.priority) else {
        return Stamp::default();
    };
    let mut input = SlaInput::new(priority, t.opened);
    input.first_response = t.first_response;
    input.completed = t.resolved;
    input.scheduled = t.scheduled;
    input.paused_since = paused_since;
    stamp(&cal.sla_calendar, &cal.policy, &input)
}
