//! The `pimdesk sla due` line protocol (DESIGN.md 4): one JSON case in, one JSON line out.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::error::Category;

use super::{deadlines, Calendar, SlaInput, SlaPolicy};
use crate::domain::ticket::Priority;

/// One input line. Unknown fields are refused.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    #[serde(default)]
    priority: serde_json::Value,
    opened: String,
    #[serde(default)]
    paused: Option<Vec<(String, String)>>,
    #[serde(default)]
    scheduled: Option<String>,
}

/// Answers one case: `Ok` holds `{"response_due":"…","warning_at":"…"}`, `Err` holds
/// `{"error":"…"}`; both are single JSON lines without a trailing newline. Times
/// are RFC 3339 in the calendar's zone, whole seconds.
pub fn due_line(cal: &Calendar, policy: &SlaPolicy, line: &str) -> Result<String, String> {
    let input = parse_case(line).map_err(|e| error_line(&e))?;
    let d = deadlines(cal, policy, &input).map_err(|e| error_line(&e.to_string()))?;
    Ok(format!(
        "{{\"response_due\":\"{}\",\"warning_at\":\"{}\"}}",
        format_time(cal, d.response_due),
        format_time(cal, d.warning_at)
    ))
}

/// `{"error":"…"}` with the message JSON-escaped.
pub fn error_line(message: &str) -> String {
    serde_json::json!({ "error": message }).to_string()
}

/// An instant as RFC 3339 with the calendar zone's offset, whole seconds.
pub fn format_time(cal: &Calendar, t: DateTime<Utc>) -> String {
    t.with_timezone(&cal.zone).to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// Parses one line into an [`SlaInput`]; the error names what was wrong.
pub fn parse_case(line: &str) -> Result<SlaInput, String> {
    if line.trim().is_empty() {
        return Err("empty line: expected one JSON object per line".into());
    }
    let case: Case = serde_json::from_str(line).map_err(|e| match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => format!("bad JSON: {e}"),
        Category::Data => format!("bad case: {e}"),
    })?;
    let mut input = SlaInput::new(parse_priority(&case.priority)?, parse_time("opened", &case.opened)?);
    for (i, (start, end)) in case.paused.iter().flatten().enumerate() {
        let start = parse_time(&format!("paused[{i}] start"), start)?;
        let end = parse_time(&format!("paused[{i}] end"), end)?;
        input.paused.push((start, end));
    }
    input.scheduled = case
        .scheduled
        .as_deref()
        .map(|s| parse_time("scheduled", s))
        .transpose()?;
    Ok(input)
}

fn parse_priority(v: &serde_json::Value) -> Result<Priority, String> {
    if v.is_null() {
        return Err("bad case: missing field `priority`".into());
    }
    let p = v.as_u64().and_then(|n| u8::try_from(n).ok()).and_then(Priority::new);
    p.ok_or_else(|| format!("priority {v} is out of range: expected a whole number from 1 to 5"))
}

fn parse_time(field: &str, text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{field}: bad time {text:?} ({e}); expected RFC 3339 such as 2026-11-27T16:30:00-05:00"))
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use proptest::prelude::*;

    use super::super::tests::{case, holiday_calendar, instant, ny, p, rfc, show, thanksgiving};
    use super::super::SlaInput;
    use super::*;

    fn run(cal: &Calendar, line: &str) -> Result<String, String> {
        due_line(cal, &SlaPolicy::pim_default(), line)
    }

    #[test]
    fn due_lines_answer_the_guide_cases() {
        let cal = thanksgiving();
        let ok = |line: &str| run(&cal, line).unwrap();
        assert_eq!(
            ok(r#"{"priority":2,"opened":"2026-11-27T16:30:00-05:00"}"#),
            r#"{"response_due":"2026-11-30T08:30:00-05:00","warning_at":"2026-11-27T17:00:00-05:00"}"#
        );
        assert_eq!(
            ok(r#"{"priority":2,"opened":"2026-11-25T23:00:00Z"}"#),
            r#"{"response_due":"2026-11-27T09:00:00-05:00","warning_at":"2026-11-27T08:30:00-05:00"}"#
        );
        assert_eq!(
            ok(
                r#"{"priority":3,"opened":"2026-11-20T16:00:00-05:00","paused":[["2026-11-20T16:10:00-05:00","2026-11-23T10:00:00-05:00"]]}"#
            ),
            r#"{"response_due":"2026-11-23T10:50:00-05:00","warning_at":"2026-11-23T10:20:00-05:00"}"#
        );
        assert_eq!(
            ok(
                r#"{"priority":5,"opened":"2026-11-20T16:00:00-05:00","scheduled":"2026-12-01T15:00:00Z","paused":null}"#
            ),
            r#"{"response_due":"2026-12-01T10:00:00-05:00","warning_at":"2026-12-01T09:00:00-05:00"}"#
        );
        assert_eq!(
            ok(r#"{"priority":1,"opened":"2026-03-08T01:30:00.750-05:00"}"#),
            r#"{"response_due":"2026-03-08T03:30:00-04:00","warning_at":"2026-03-08T01:31:00-05:00"}"#
        );
    }

    /// Lines that must be refused, with a fragment the message must contain.
    const BAD_LINES: &[(&str, &str)] = &[
        ("{\"priority\":2,", "bad JSON"),
        ("", "empty line"),
        ("[1,2]", "bad case"),
        (r#"{"opened":"2026-11-27T16:30:00-05:00"}"#, "missing field `priority`"),
        (r#"{"priority":2}"#, "missing field `opened`"),
        (
            r#"{"priority":0,"opened":"2026-11-27T16:30:00-05:00"}"#,
            "priority 0 is out of range",
        ),
        (
            r#"{"priority":6,"opened":"2026-11-27T16:30:00-05:00"}"#,
            "priority 6 is out of range",
        ),
        (
            r#"{"priority":"P2","opened":"2026-11-27T16:30:00-05:00"}"#,
            "out of range",
        ),
        (
            r#"{"priority":2.5,"opened":"2026-11-27T16:30:00-05:00"}"#,
            "out of range",
        ),
        (r#"{"priority":2,"opened":"2026-11-27 16:30"}"#, "opened: bad time"),
        (
            r#"{"priority":2,"opened":"2026-11-27T16:30:00-05:00","colour":1}"#,
            "unknown field `colour`",
        ),
        (
            r#"{"priority":5,"opened":"2026-11-27T16:30:00-05:00"}"#,
            "needs a scheduled time",
        ),
        (
            r#"{"priority":5,"opened":"2026-11-27T16:30:00-05:00","scheduled":"soon"}"#,
            "scheduled: bad time",
        ),
        (
            r#"{"priority":2,"opened":"2026-11-27T16:30:00-05:00","paused":[["2026-11-27T17:30:00-05:00","x"]]}"#,
            "paused[0] end: bad time",
        ),
        (
            r#"{"priority":2,"opened":"2026-11-27T16:30:00-05:00","paused":[["2026-11-27T17:30:00-05:00"]]}"#,
            "bad case",
        ),
        (
            r#"{"priority":2,"opened":"2026-11-27T16:30:00-05:00","paused":[["2026-11-27T17:30:00-05:00","2026-11-27T17:00:00-05:00"]]}"#,
            "before it starts",
        ),
    ];

    #[test]
    fn bad_lines_name_what_is_wrong() {
        let cal = Calendar::pim_default();
        for &(line, want) in BAD_LINES {
            let err = run(&cal, line).unwrap_err();
            let v: serde_json::Value = serde_json::from_str(&err).unwrap();
            let msg = v["error"].as_str().unwrap();
            assert!(msg.contains(want), "{line} gave {msg}");
            assert_eq!(v.as_object().unwrap().len(), 1);
        }
    }

    /// Release-mode figure: `cargo test --release -- --ignored --nocapture due_line_speed`.
    #[test]
    #[ignore]
    #[allow(clippy::disallowed_macros)] // a measurement printed by hand
    fn due_line_speed() {
        let cal = thanksgiving();
        let policy = SlaPolicy::pim_default();
        let lines: Vec<String> = (0..1000)
            .map(|i| {
                let opened = ny("2026-11-20 16:30") + TimeDelta::minutes(i * 37);
                let pr = i % 5 + 1;
                let t = |x: DateTime<Utc>| show(&cal, x);
                format!(
                    r#"{{"priority":{pr},"opened":"{}","paused":[["{}","{}"]],"scheduled":"{}"}}"#,
                    t(opened),
                    t(opened + TimeDelta::minutes(10)),
                    t(opened + TimeDelta::minutes(200)),
                    t(opened + TimeDelta::days(2))
                )
            })
            .collect();
        let rounds = 300;
        let start = std::time::Instant::now();
        let mut ok = 0usize;
        for _ in 0..rounds {
            for l in &lines {
                ok += usize::from(due_line(&cal, &policy, std::hint::black_box(l)).is_ok());
            }
        }
        let n = rounds * lines.len();
        let per = start.elapsed().as_nanos() as f64 / n as f64;
        println!("due_line: {n} cases, {per:.0} ns per case, {:.0} cases/s", 1e9 / per);
        assert_eq!(ok, n);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn due_lines_round_trip(input in case(), sched in instant(), n in 1u8..=5, off in -12i32..14) {
            let cal = holiday_calendar();
            let input = SlaInput { priority: p(n), scheduled: Some(sched), ..input };
            let zone = chrono::FixedOffset::east_opt(off * 3600).unwrap();
            let t = |x: DateTime<Utc>| x.with_timezone(&zone).to_rfc3339();
            let pauses: Vec<[String; 2]> = input.paused.iter().map(|&(s, e)| [t(s), t(e)]).collect();
            let line = serde_json::json!({"priority": n, "opened": t(input.opened), "paused": pauses, "scheduled": t(sched)});
            let out = run(&cal, &line.to_string()).unwrap();
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            let d = deadlines(&cal, &SlaPolicy::pim_default(), &input).unwrap();
            prop_assert_eq!(rfc(v["response_due"].as_str().unwrap()), d.response_due);
            prop_assert_eq!(rfc(v["warning_at"].as_str().unwrap()), d.warning_at);
            prop_assert_eq!(v["response_due"].as_str().unwrap(), show(&cal, d.response_due));
        }

        #[test]
        fn any_line_gets_one_json_answer(line in ".{0,80}") {
            let cal = holiday_calendar();
            match run(&cal, &line) {
                Ok(out) => {
                    let head = out.starts_with(r#"{"response_due":"#);
                    prop_assert!(head);
                }
                Err(err) => {
                    let v: serde_json::Value = serde_json::from_str(&err).unwrap();
                    prop_assert!(v["error"].is_string());
                }
            }
        }
    }
}
