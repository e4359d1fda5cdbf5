//! The status line's message: what happened, how much it matters, and when
//! it was said, so it fades after a few seconds instead of staying until the
//! next one.

/// How much a message matters: the colour it is drawn in and how long it stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Done as asked ("note added").
    Info,
    /// Not done, with what to do instead (a refusal, a store error).
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub severity: Severity,
    /// Unix seconds it was first shown (0 until `update` stamps it).
    pub at: i64,
}

impl Message {
    pub fn info(text: impl Into<String>) -> Message {
        Message {
            text: text.into(),
            severity: Severity::Info,
            at: 0,
        }
    }

    pub fn error(text: impl Into<String>) -> Message {
        Message {
            text: text.into(),
            severity: Severity::Error,
            at: 0,
        }
    }

    /// Seconds on screen: long enough to read a refusal and what to do.
    pub fn lasts(&self) -> i64 {
        match self.severity {
            Severity::Info => 5,
            Severity::Error => 12,
        }
    }

    /// Whether it has been on screen long enough at `now`.
    pub fn faded(&self, now: i64) -> bool {
        self.at != 0 && now - self.at >= self.lasts()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};

    use crate::config::Config;
    use crate::store::timers::Timer;
    use crate::tui::action::Action;
    use crate::tui::state::{update, AppState};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&Utc)
    }

    fn state(now: DateTime<Utc>) -> AppState {
        AppState::new(&Config::defaults(), "tester".into(), "test.db".into(), now)
    }

    #[test]
    fn a_message_fades_after_its_seconds_and_a_refusal_stays_longer() {
        let now = at("2026-11-25T10:00:00-05:00");
        let mut s = state(now);
        update(
            &mut s,
            Action::Saved {
                message: "#12: note added".into(),
                ticket: Some(12),
            },
            now,
        );
        assert_eq!(s.message_text(), Some("#12: note added"));
        update(&mut s, Action::Tick, now + Duration::seconds(4));
        assert!(s.message.is_some(), "still there after 4 s");
        update(&mut s, Action::Tick, now + Duration::seconds(5));
        assert!(s.message.is_none(), "gone after 5 s");
        assert!(s.dirty, "the frame that removes it is drawn");

        let later = now + Duration::seconds(60);
        update(&mut s, Action::StoreFailed("store: database is locked".into()), later);
        update(&mut s, Action::Tick, later + Duration::seconds(10));
        assert!(s.message.is_some(), "a refusal stays long enough to read what to do");
        update(&mut s, Action::Tick, later + Duration::seconds(12));
        assert!(s.message.is_none());
    }

    #[test]
    fn quit_with_a_timer_running_says_so_first_and_the_next_quit_goes() {
        let now = at("2026-11-25T10:00:00-05:00");
        let mut s = state(now);
        s.timer = Some(Timer {
            login: "tester".into(),
            ticket_id: 7,
            summary: "Printer".into(),
            started: now.timestamp() - 25 * 60,
        });
        update(&mut s, Action::Quit, now);
        assert!(!s.quit, "the first quit warns");
        let m = s.message_text().unwrap_or_default();
        assert!(
            m.contains("#7") && m.contains("25m") && m.contains("keeps running"),
            "{m}"
        );
        // Any other key disarms it: quit warns again.
        update(&mut s, Action::Move(1), now);
        update(&mut s, Action::Quit, now);
        assert!(!s.quit);
        update(&mut s, Action::Quit, now);
        assert!(s.quit, "the second quit in a row quits");
    }

    #[test]
    fn quit_in_help_closes_help_and_the_console_stays() {
        let now = at("2026-11-25T10:00:00-05:00");
        let mut s = state(now);
        update(&mut s, Action::ToggleHelp, now);
        assert!(s.help);
        update(&mut s, Action::Quit, now);
        assert!(!s.help && !s.quit, "q closed help only");
        update(&mut s, Action::Quit, now);
        assert!(s.quit);
    }
}
