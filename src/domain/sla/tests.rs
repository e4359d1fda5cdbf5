//! The guide's worked cases, state rules, the line protocol and properties.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use proptest::prelude::*;

use super::*;

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// New York wall-clock "YYYY-MM-DD HH:MM" (earliest in a fold).
pub(super) fn ny(s: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    Calendar::pim_default().local_to_utc(naive).unwrap()
}

pub(super) fn rfc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub(super) fn p(n: u8) -> Priority {
    Priority::new(n).unwrap()
}

pub(super) fn due_of(cal: &Calendar, input: &SlaInput) -> Deadlines {
    deadlines(cal, &SlaPolicy::pim_default(), input).unwrap()
}

pub(super) fn show(cal: &Calendar, t: DateTime<Utc>) -> String {
    cases::format_time(cal, t)
}

pub(super) fn thanksgiving() -> Calendar {
    Calendar::pim_default().with_holidays([date(2026, 11, 26)])
}

#[test]
fn p3_opened_friday_afternoon_is_due_monday_morning() {
    let cal = Calendar::pim_default();
    let d = due_of(&cal, &SlaInput::new(p(3), ny("2026-11-20 16:30")));
    assert_eq!(show(&cal, d.response_due), "2026-11-23T08:30:00-05:00");
    assert_eq!(show(&cal, d.warning_at), "2026-11-20T17:00:00-05:00");
    assert_eq!(d.resolve_due, None);
}

#[test]
fn opened_at_four_is_due_at_closing_the_same_day() {
    let cal = Calendar::pim_default();
    let d = due_of(&cal, &SlaInput::new(p(2), ny("2026-11-20 16:00")));
    assert_eq!(show(&cal, d.response_due), "2026-11-20T17:00:00-05:00");
    assert_eq!(show(&cal, d.warning_at), "2026-11-20T16:30:00-05:00");
}

#[test]
fn p1_runs_around_the_clock_on_saturday_night() {
    let cal = Calendar::pim_default();
    let d = due_of(&cal, &SlaInput::new(p(1), ny("2026-11-21 02:00")));
    assert_eq!(show(&cal, d.response_due), "2026-11-21T03:00:00-05:00");
    assert_eq!(show(&cal, d.warning_at), "2026-11-21T02:01:00-05:00");
}

#[test]
fn p2_opened_the_evening_before_thanksgiving_is_due_friday_at_nine() {
    let cal = thanksgiving();
    let d = due_of(&cal, &SlaInput::new(p(2), ny("2026-11-25 18:00")));
    assert_eq!(show(&cal, d.response_due), "2026-11-27T09:00:00-05:00");
    assert_eq!(show(&cal, d.warning_at), "2026-11-27T08:30:00-05:00");
}

#[test]
fn p5_is_due_at_its_schedule_and_warns_an_hour_before() {
    let cal = Calendar::pim_default();
    let mut input = SlaInput::new(p(5), ny("2026-11-20 16:30"));
    input.scheduled = Some(ny("2026-11-28 10:00"));
    input.paused = vec![(ny("2026-11-21 10:00"), ny("2026-11-27 10:00"))];
    let d = due_of(&cal, &input);
    assert_eq!(show(&cal, d.response_due), "2026-11-28T10:00:00-05:00");
    assert_eq!(show(&cal, d.warning_at), "2026-11-28T09:00:00-05:00");
    assert_eq!(d.ledger[0].moved_minutes, 0);
    input.scheduled = None;
    let err = deadlines(&cal, &SlaPolicy::pim_default(), &input).unwrap_err();
    assert_eq!(err, SlaError::MissingSchedule);
}

#[test]
fn a_pause_across_the_weekend_moves_the_deadline_by_business_time() {
    let cal = Calendar::pim_default();
    let mut input = SlaInput::new(p(3), ny("2026-11-20 16:00"));
    input.paused = vec![(ny("2026-11-20 16:10"), ny("2026-11-23 10:00"))];
    let d = due_of(&cal, &input);
    assert_eq!(show(&cal, d.response_due), "2026-11-23T10:50:00-05:00");
    assert_eq!(show(&cal, d.warning_at), "2026-11-23T10:20:00-05:00");
    // 50 minutes on Friday, 120 on Monday morning.
    assert_eq!(
        d.ledger,
        vec![PauseEntry {
            start: ny("2026-11-20 16:10"),
            end: ny("2026-11-23 10:00"),
            moved_minutes: 170
        }]
    );
}

#[test]
fn pauses_after_the_deadline_or_the_response_move_nothing() {
    let cal = Calendar::pim_default();
    let mut input = SlaInput::new(p(3), ny("2026-11-23 09:00"));
    input.paused = vec![
        (ny("2026-11-23 10:30"), ny("2026-11-23 11:00")),
        (ny("2026-11-23 09:10"), ny("2026-11-23 09:20")),
    ];
    let d = due_of(&cal, &input);
    assert_eq!(d.response_due, ny("2026-11-23 10:10"));
    assert_eq!(d.ledger.iter().map(|e| e.moved_minutes).collect::<Vec<_>>(), [10, 0]);
    input.first_response = Some(ny("2026-11-23 09:15"));
    let d = due_of(&cal, &input);
    assert_eq!(d.response_due, ny("2026-11-23 10:05"));
    assert_eq!(state(&d, &input, ny("2026-11-23 12:00")), SlaState::Met);
}

#[test]
fn pauses_are_merged_and_backwards_ones_refused() {
    let cal = Calendar::pim_default();
    let mut input = SlaInput::new(p(4), ny("2026-11-23 09:00"));
    input.paused = vec![
        (ny("2026-11-23 09:20"), ny("2026-11-23 09:40")),
        (ny("2026-11-23 09:10"), ny("2026-11-23 09:30")),
    ];
    let d = due_of(&cal, &input);
    assert_eq!(d.ledger.len(), 1);
    assert_eq!(
        (d.ledger[0].start, d.ledger[0].moved_minutes),
        (ny("2026-11-23 09:10"), 30)
    );
    assert_eq!(d.response_due, ny("2026-11-23 10:30"));
    input.paused.push((ny("2026-11-23 11:00"), ny("2026-11-23 10:00")));
    let err = deadlines(&cal, &SlaPolicy::pim_default(), &input).unwrap_err();
    assert!(matches!(err, SlaError::PauseOutOfOrder { .. }));
    assert!(err.to_string().contains("before it starts"), "{err}");
}

#[test]
fn p1_counts_real_minutes_across_the_spring_gap() {
    let cal = Calendar::pim_default();
    let d = due_of(&cal, &SlaInput::new(p(1), ny("2026-03-07 23:30")));
    assert_eq!(show(&cal, d.response_due), "2026-03-08T00:30:00-05:00");
    let d = due_of(&cal, &SlaInput::new(p(1), ny("2026-03-08 01:30")));
    assert_eq!(show(&cal, d.response_due), "2026-03-08T03:30:00-04:00");
    let mut input = SlaInput::new(p(1), ny("2026-03-08 01:00"));
    input.paused = vec![(ny("2026-03-08 01:30"), ny("2026-03-08 03:30"))];
    let d = due_of(&cal, &input);
    assert_eq!(show(&cal, d.response_due), "2026-03-08T04:00:00-04:00");
    assert_eq!(d.ledger[0].moved_minutes, 60);
}

#[test]
fn p1_counts_real_minutes_across_the_autumn_fold() {
    let cal = Calendar::pim_default();
    let d = due_of(&cal, &SlaInput::new(p(1), ny("2026-11-01 01:30")));
    assert_eq!(show(&cal, d.response_due), "2026-11-01T01:30:00-05:00");
    let d = due_of(&cal, &SlaInput::new(p(1), ny("2026-11-01 00:45")));
    assert_eq!(show(&cal, d.response_due), "2026-11-01T01:45:00-04:00");
}

#[test]
fn p3_opened_friday_before_either_dst_sunday_is_due_monday_at_eight_thirty() {
    let cal = Calendar::pim_default();
    let d = due_of(&cal, &SlaInput::new(p(3), ny("2026-03-06 16:30")));
    assert_eq!(show(&cal, d.response_due), "2026-03-09T08:30:00-04:00");
    let d = due_of(&cal, &SlaInput::new(p(3), ny("2026-10-30 16:30")));
    assert_eq!(show(&cal, d.response_due), "2026-11-02T08:30:00-05:00");
    let mut input = SlaInput::new(p(2), ny("2026-03-06 16:00"));
    input.paused = vec![(ny("2026-03-06 16:30"), ny("2026-03-09 09:00"))];
    let d = due_of(&cal, &input);
    assert_eq!(show(&cal, d.response_due), "2026-03-09T09:30:00-04:00");
    assert_eq!(d.ledger[0].moved_minutes, 30 + 60);
}

#[test]
fn a_business_clock_needs_open_hours() {
    let cal = Calendar {
        hours: [None; 7],
        ..Calendar::pim_default()
    };
    let err = deadlines(
        &cal,
        &SlaPolicy::pim_default(),
        &SlaInput::new(p(2), ny("2026-11-20 10:00")),
    )
    .unwrap_err();
    assert_eq!(err, SlaError::NoOpenHours);
    assert!(deadlines(
        &cal,
        &SlaPolicy::pim_default(),
        &SlaInput::new(p(1), ny("2026-11-20 10:00"))
    )
    .is_ok());
}

#[test]
fn resolve_due_walks_the_same_clock_when_configured() {
    let cal = Calendar::pim_default();
    let mut policy = SlaPolicy::pim_default();
    policy.priorities[2].resolve_minutes = Some(9 * 60 * 3);
    let mut input = SlaInput::new(p(3), ny("2026-11-20 16:30"));
    input.paused = vec![(ny("2026-11-23 08:00"), ny("2026-11-23 09:00"))];
    input.first_response = Some(ny("2026-11-20 16:45"));
    let d = deadlines(&cal, &policy, &input).unwrap();
    assert_eq!(d.response_due, ny("2026-11-23 08:30"));
    // 30 Fri + 480 Mon (after the pause) + 540 Tue + 540 Wed + 30 Thu = 1620.
    assert_eq!(d.resolve_due, Some(ny("2026-11-26 08:30")));
}

fn states_at(input: &SlaInput, times: &[&str]) -> Vec<&'static str> {
    let d = due_of(&Calendar::pim_default(), input);
    times.iter().map(|t| state(&d, input, ny(t)).as_str()).collect()
}

#[test]
fn states_follow_the_clock() {
    let mut input = SlaInput::new(p(3), ny("2026-11-23 09:00"));
    let times = [
        "2026-11-23 09:10",
        "2026-11-23 09:30",
        "2026-11-23 10:00",
        "2026-11-23 11:00",
    ];
    assert_eq!(
        states_at(&input, &times),
        ["running", "warning", "breached", "breached"]
    );
    input.paused_since = Some(ny("2026-11-23 09:40"));
    assert_eq!(states_at(&input, &times), ["running", "warning", "paused", "paused"]);
    input.paused_since = Some(ny("2026-11-23 10:05"));
    assert_eq!(states_at(&input, &times[3..]), ["breached"]);
    input.paused_since = None;
    input.first_response = Some(ny("2026-11-23 09:59"));
    assert_eq!(states_at(&input, &times), ["met"; 4]);
    input.first_response = Some(ny("2026-11-23 10:01"));
    assert_eq!(states_at(&input, &times), ["breached"; 4]);
    input.first_response = None;
    input.completed = Some(ny("2026-11-23 09:45"));
    assert_eq!(states_at(&input, &times), ["met"; 4]);
}

#[test]
fn a_scheduled_ticket_shows_scheduled_until_its_warning() {
    let mut input = SlaInput::new(p(5), ny("2026-11-20 09:00"));
    input.scheduled = Some(ny("2026-11-24 10:00"));
    let times = ["2026-11-24 08:59", "2026-11-24 09:00", "2026-11-24 10:00"];
    assert_eq!(states_at(&input, &times), ["scheduled", "warning", "breached"]);
}

#[test]
fn minutes_left_count_on_the_priority_clock() {
    let cal = Calendar::pim_default();
    let policy = SlaPolicy::pim_default();
    let mut input = SlaInput::new(p(3), ny("2026-11-20 16:30"));
    let d = due_of(&cal, &input);
    let left = |d: &Deadlines, t: &str| business_minutes_left(&cal, &policy, p(3), d, ny(t));
    assert_eq!(left(&d, "2026-11-20 16:40"), 50);
    assert_eq!(left(&d, "2026-11-22 12:00"), 30);
    assert_eq!(left(&d, "2026-11-23 08:30"), 0);
    assert_eq!(left(&d, "2026-11-23 09:00"), -30);
    assert_eq!(left(&d, "2026-11-23 17:00"), -510);
    assert_eq!(left(&d, "2026-11-23 20:00"), -510);
    input.paused_since = Some(ny("2026-11-20 16:50"));
    let d = due_of(&cal, &input);
    assert_eq!(left(&d, "2026-11-23 12:00"), 40);
    let d1 = due_of(&cal, &SlaInput::new(p(1), ny("2026-11-21 02:00")));
    assert_eq!(
        business_minutes_left(&cal, &policy, p(1), &d1, ny("2026-11-21 04:00")),
        -60
    );
    let d2 = due_of(&cal, &SlaInput::new(p(2), ny("2026-11-20 16:00")));
    assert_eq!(
        business_minutes_left(&cal, &policy, p(2), &d2, ny("2026-11-20 18:00")),
        -1
    );
}

pub(super) fn holiday_calendar() -> Calendar {
    let days = [
        (2025, 1, 1),
        (2025, 5, 26),
        (2025, 7, 4),
        (2025, 9, 1),
        (2025, 11, 27),
        (2025, 11, 28),
        (2025, 12, 25),
        (2026, 1, 1),
        (2026, 5, 25),
        (2026, 7, 3),
        (2026, 9, 7),
        (2026, 11, 26),
        (2026, 11, 27),
        (2026, 12, 24),
        (2026, 12, 25),
        (2027, 1, 1),
        (2027, 5, 31),
        (2027, 7, 5),
        (2027, 9, 6),
        (2027, 11, 25),
        (2027, 12, 24),
    ];
    Calendar::pim_default().with_holidays(days.map(|(y, m, d)| date(y, m, d)))
}

const START_2025: i64 = 1_735_689_600; // 2025-01-01T00:00:00Z
const END_2027: i64 = 1_830_297_600; // 2028-01-01T00:00:00Z

pub(super) fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (START_2025..END_2027).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
}

/// Up to four pauses near `opened` (before it, during the clock, or long after).
pub(super) fn pauses_near(opened: DateTime<Utc>) -> impl Strategy<Value = Vec<(DateTime<Utc>, DateTime<Utc>)>> {
    prop::collection::vec((-3_000i64..400_000, 0i64..300_000), 0..4).prop_map(move |v| {
        v.into_iter()
            .map(|(off, len)| (opened + TimeDelta::seconds(off), opened + TimeDelta::seconds(off + len)))
            .collect()
    })
}

pub(super) fn case() -> impl Strategy<Value = SlaInput> {
    (1u8..=4, instant()).prop_flat_map(|(n, opened)| {
        pauses_near(opened).prop_map(move |paused| SlaInput {
            paused,
            ..SlaInput::new(p(n), opened)
        })
    })
}

/// Clock time in `[a, b)` minus clock time of the (merged) pauses inside it.
fn running_time(cal: &Calendar, kind: ClockKind, input: &SlaInput, b: DateTime<Utc>) -> TimeDelta {
    let a = input.opened;
    let paused: TimeDelta = merge_pauses(&input.paused)
        .unwrap()
        .iter()
        .map(|&(s, e)| kind.between(cal, s.max(a), e.min(b)))
        .sum();
    kind.between(cal, a, b) - paused
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn due_spends_exactly_the_target_on_the_running_clock(input in case()) {
        let cal = holiday_calendar();
        let policy = SlaPolicy::pim_default();
        let d = deadlines(&cal, &policy, &input).unwrap();
        let row = policy.get(input.priority);
        prop_assert!(d.response_due >= input.opened);
        prop_assert!(d.warning_at <= d.response_due);
        let target = TimeDelta::minutes(row.target_minutes.into());
        prop_assert_eq!(running_time(&cal, row.clock, &input, d.response_due), target);
        let goal = TimeDelta::minutes(row.goal_minutes.into());
        prop_assert_eq!(running_time(&cal, row.clock, &input, d.warning_at), goal);
        let moved: i64 = d.ledger.iter().map(|e| e.moved_minutes).sum();
        let plain = deadlines(&cal, &policy, &SlaInput { paused: vec![], ..input.clone() }).unwrap();
        let shift = row.clock.between(&cal, plain.response_due, d.response_due).num_seconds();
        prop_assert!((shift / 60 - moved).abs() <= d.ledger.len() as i64, "{} vs {}", shift, moved);
    }

    #[test]
    fn due_is_monotone_in_the_opening_time(input in case(), later in 0i64..500_000) {
        let cal = holiday_calendar();
        let policy = SlaPolicy::pim_default();
        let d1 = deadlines(&cal, &policy, &input).unwrap();
        let moved = SlaInput { opened: input.opened + TimeDelta::seconds(later), ..input.clone() };
        let d2 = deadlines(&cal, &policy, &moved).unwrap();
        prop_assert!(d2.response_due >= d1.response_due);
        prop_assert!(d2.warning_at >= d1.warning_at);
    }

    #[test]
    fn business_due_lands_inside_hours_or_exactly_at_closing(input in case()) {
        let cal = holiday_calendar();
        let d = deadlines(&cal, &SlaPolicy::pim_default(), &input).unwrap();
        if input.priority.get() >= 2 {
            for t in [d.response_due, d.warning_at] {
                let day = cal.local_date(t);
                prop_assert!(!cal.holidays.contains(&day), "{} on a holiday", t);
                let closing = cal.window(day).map(|w| w.1);
                prop_assert!(cal.is_open(t) || closing == Some(t), "{} outside hours", t);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// The columns the store derives let SQL select exactly the clocks whose
    /// state needs attention or is breached, at any instant after the write.
    #[test]
    fn derived_columns_select_what_the_state_says(
        input in case(),
        pause_at in -600i64..400_000,
        responded_at in prop::option::of(0i64..400_000),
        later in 0i64..400_000,
    ) {
        let cal = holiday_calendar();
        let policy = SlaPolicy::pim_default();
        let mut input = input;
        let since = input.opened + TimeDelta::seconds(pause_at);
        input.paused_since = (pause_at % 2 == 0).then_some(since);
        input.first_response = responded_at.map(|s| input.opened + TimeDelta::seconds(s));
        let d = deadlines(&cal, &policy, &input).unwrap();
        let clock = Clock::new(&d, &input);
        let derived = clock.derived();
        let written = input.paused_since.unwrap_or(input.opened).max(input.opened);
        let now = written + TimeDelta::seconds(later);
        let state = clock.state(now);
        let t = now.timestamp();
        let attention = derived.attention_at.is_some_and(|a| a <= t);
        let breached_open = derived.breach_at.is_some_and(|b| b <= t);
        match state {
            SlaState::Met => prop_assert_eq!(derived.met, Some(true)),
            SlaState::Breached if input.responded().is_some() => prop_assert_eq!(derived.met, Some(false)),
            SlaState::Breached => prop_assert!(attention && breached_open),
            SlaState::Warning => prop_assert!(attention && !breached_open),
            _ => prop_assert!(!attention && !breached_open),
        }
        // A pause never hides a breach that came before it.
        if input.responded().is_none() && input.paused_since.is_some_and(|s| s >= d.response_due) {
            prop_assert_eq!(state, SlaState::Breached);
        }
    }
}
