//! The ticket view laid out once — when the ticket arrives or the terminal
//! changes width — with every row already wrapped, so a scroll key draws only
//! the rows on screen: a ticket with thousands of notes scrolls as fast as a
//! short one, and every note is reachable (the scroll stops at the last row).

use unicode_width::UnicodeWidthChar;

use super::{AppState, TicketView};
use crate::domain::text::{sanitize, sanitize_line};
use crate::domain::ticket::Priority;
use crate::domain::time::short_duration;
use crate::store::ticket_detail::TicketDetail;

/// How a piece of a row is drawn; the view maps each to the theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Title,
    Priority(Priority),
    Dim,
    Ok,
    Header,
}

/// One screen row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Laid {
    Text(Vec<(Tone, String)>),
    /// The live SLA line: drawn each frame from the clock and `now`.
    Clock,
}

/// The rows of one ticket at one width.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketLayout {
    pub width: u16,
    pub rows: Vec<Laid>,
}

impl AppState {
    /// Rows the ticket view shows: the screen less tab bar, its top border,
    /// status line and footer.
    pub fn ticket_rows(&self) -> usize {
        usize::from(self.size.1.saturating_sub(4)).max(1)
    }

    /// Lays the open ticket out for the screen's width (once per arrival or
    /// width, never per frame), keeping the scroll inside it.
    pub(super) fn lay_out_ticket(&mut self) {
        let Some(t) = self.ticket.as_ref() else { return };
        let layout = match t.detail.as_deref() {
            Some(d) => lay_out(self, t, d, self.size.0),
            None => TicketLayout::default(),
        };
        let last = layout.rows.len().saturating_sub(self.ticket_rows());
        if let Some(t) = self.ticket.as_mut() {
            t.layout = layout;
            t.scroll = t.scroll.min(last);
        }
    }
}

/// A ticket arrived from the store: its rights, pause ledger and layout,
/// the recent-tickets list, and the editor if `e` asked for it.
pub(super) fn loaded(s: &mut AppState, detail: Option<Box<TicketDetail>>) -> Vec<crate::tui::action::Effect> {
    if let Some(t) = s.ticket.as_mut() {
        t.missing = detail.is_none();
        t.contact_rights = detail.as_ref().and_then(|d| d.contact_level.as_deref()).and_then(|l| {
            l.parse::<crate::domain::permissions::SecurityLevel>()
                .ok()
                .map(|l| format!("{l}: {}", l.summary()))
        });
        t.pause_ledger = detail
            .as_deref()
            .map(|d| d.pause_ledger(&s.rules.calendar, &s.rules.policy, s.now))
            .unwrap_or_default();
        t.detail = detail;
    }
    if let Some(d) = s.ticket.as_ref().and_then(|t| t.detail.as_deref()) {
        let entry = super::lists::PickRow::new(d.id, crate::domain::text::sanitize_line(&d.summary));
        s.recent.retain(|r| r.id != entry.id);
        s.recent.insert(0, entry);
        s.recent.truncate(super::RECENT);
    }
    s.lay_out_ticket();
    let edit = s
        .ticket
        .as_mut()
        .is_some_and(|t| std::mem::take(&mut t.edit_on_load) && t.detail.is_some());
    if edit && s.overlay.is_none() {
        return super::quick::quick_action(s, &crate::tui::action::Action::EditTicket).unwrap_or_default();
    }
    vec![]
}

/// Lays out `d` for a screen `width` columns wide.
pub fn lay_out(s: &AppState, v: &TicketView, d: &TicketDetail, width: u16) -> TicketLayout {
    let mut b = Builder {
        width: usize::from(width).max(10),
        rows: Vec::new(),
        zone: s.rules.calendar.zone,
    };
    header(&mut b, s, v, d);
    work(&mut b, d);
    TicketLayout { width, rows: b.rows }
}

struct Builder {
    width: usize,
    rows: Vec<Laid>,
    zone: chrono_tz::Tz,
}

impl Builder {
    fn time(&self, secs: i64) -> String {
        crate::domain::time::from_secs(secs)
            .with_timezone(&self.zone)
            .format("%a %Y-%m-%d %H:%M")
            .to_string()
    }

    fn push(&mut self, parts: Vec<(Tone, String)>) {
        self.rows.extend(wrap(parts, self.width).into_iter().map(Laid::Text));
    }

    fn plain(&mut self, text: String) {
        self.push(vec![(Tone::Plain, text)]);
    }

    fn toned(&mut self, tone: Tone, text: String) {
        self.push(vec![(tone, text)]);
    }

    /// Stored text of many lines (a description, a note), each line wrapped.
    fn text(&mut self, text: &str, indent: &str) {
        for line in sanitize(text).lines() {
            self.plain(format!("{indent}{line}"));
        }
    }
}

fn header(b: &mut Builder, s: &AppState, v: &TicketView, d: &TicketDetail) {
    b.toned(Tone::Title, sanitize_line(&d.summary));
    b.push(vec![
        (
            Tone::Priority(d.priority),
            format!("{} {}", d.priority, s.rules.policy.get(d.priority).name),
        ),
        (
            Tone::Plain,
            format!(
                " · {} · {} · {} · via {}",
                d.status,
                sanitize_line(&d.company),
                d.board,
                d.source
            ),
        ),
    ]);
    if let Some(def) = s.rules.definitions.get(d.priority.index()) {
        b.toned(Tone::Dim, format!("  {def}"));
    }
    let contact = match (&d.contact, &d.contact_level) {
        (Some(c), Some(level)) => format!(
            "{} [{}] {}",
            sanitize_line(c),
            level,
            d.contact_phone.as_deref().map(sanitize_line).unwrap_or_default()
        ),
        _ => "-".into(),
    };
    b.plain(format!(
        "Contact: {contact}   Assignee: {}",
        d.assignee.as_deref().map_or("unassigned".into(), sanitize_line)
    ));
    if let Some(rights) = &v.contact_rights {
        b.toned(Tone::Dim, format!("  may: {rights}"));
    }
    times(b, s, v, d);
    b.plain(String::new());
    b.text(&d.description, "");
}

/// The clock, when the ticket was opened and answered, its due times and
/// each pause with what it moved.
fn times(b: &mut Builder, s: &AppState, v: &TicketView, d: &TicketDetail) {
    if d.clock(&s.rules.policy).is_some() {
        b.rows.push(Laid::Clock);
    }
    let first = d.first_response.map_or("none yet".into(), |t| b.time(t));
    b.plain(format!("Opened {}   First response {first}", b.time(d.opened)));
    if let (Some(due), Some(warn)) = (d.response_due, d.warning_at) {
        b.plain(format!("Response due {}   warning from {}", b.time(due), b.time(warn)));
    }
    for p in &v.pause_ledger {
        let end = p
            .end
            .map_or("now (Waiting on Client)".into(), |e| b.time(e.timestamp()));
        let moved = if p.end.is_some() {
            "moved the deadline"
        } else {
            "has moved it"
        };
        let text = format!(
            "  paused {} → {end}: {moved} {}",
            b.time(p.start.timestamp()),
            short_duration(p.moved_minutes)
        );
        b.toned(Tone::Dim, text);
    }
}

fn work(b: &mut Builder, d: &TicketDetail) {
    b.plain(String::new());
    b.toned(Tone::Header, format!("Notes ({})", d.notes.len()));
    for n in &d.notes {
        let (tag, tone) = if n.internal {
            ("internal", Tone::Dim)
        } else {
            ("client-visible", Tone::Ok)
        };
        let head = format!(
            "{} {} ",
            b.time(n.created),
            n.author.as_deref().map(sanitize_line).unwrap_or_default()
        );
        b.push(vec![(Tone::Plain, head), (tone, format!("[{tag}]"))]);
        b.text(&n.body, "  ");
    }
    let total: i64 = d.time_entries.iter().map(|e| e.minutes).sum();
    let billable: i64 = d.time_entries.iter().filter(|e| e.billable).map(|e| e.minutes).sum();
    b.plain(String::new());
    b.toned(
        Tone::Header,
        format!(
            "Time ({} total, {} billable)",
            short_duration(total),
            short_duration(billable)
        ),
    );
    for e in &d.time_entries {
        let text = format!(
            "{} {:>7} {} {}{}",
            b.time(e.start),
            short_duration(e.minutes),
            e.technician.as_deref().map(sanitize_line).unwrap_or_default(),
            sanitize_line(&e.note),
            if e.billable { "" } else { " (not billable)" }
        );
        b.plain(text);
    }
    if !d.mail.is_empty() {
        b.plain(String::new());
        b.toned(Tone::Header, "Mail and attachments".into());
        for line in &d.mail {
            b.plain(sanitize_line(line));
        }
    }
    b.plain(String::new());
    b.toned(Tone::Header, "History".into());
    for h in &d.history {
        let text = format!(
            "{} {} {}: {} → {}",
            b.time(h.at),
            h.who.as_deref().map(sanitize_line).unwrap_or_default(),
            h.field,
            h.old.as_deref().map(sanitize_line).unwrap_or_default(),
            h.new.as_deref().map(sanitize_line).unwrap_or_default()
        );
        b.plain(text);
    }
}

/// Breaks one row of toned pieces into rows at most `width` columns wide,
/// at the last space that fits where there is one (the space ends the row).
pub fn wrap(parts: Vec<(Tone, String)>, width: usize) -> Vec<Vec<(Tone, String)>> {
    let chars: Vec<(Tone, char)> = parts
        .iter()
        .flat_map(|(tone, text)| text.chars().map(move |c| (*tone, c)))
        .collect();
    let mut rows = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let (mut end, mut used, mut space) = (start, 0, None);
        while end < chars.len() {
            let w = chars[end].1.width().unwrap_or(0);
            if used + w > width {
                break;
            }
            if chars[end].1 == ' ' {
                space = Some(end);
            }
            used += w;
            end += 1;
        }
        let (cut, next) = match (end < chars.len(), space) {
            // The row is full just before a space: break there.
            (true, _) if chars[end].1 == ' ' => (end, end + 1),
            (true, Some(sp)) if sp > start => (sp, sp + 1),
            // A first character wider than the row still makes progress.
            _ if end == start => (start + 1, start + 1),
            _ => (end, end),
        };
        rows.push(group(&chars[start..cut]));
        start = next;
    }
    if rows.is_empty() {
        rows.push(Vec::new());
    }
    rows
}

/// Consecutive characters of one tone back into pieces.
fn group(chars: &[(Tone, char)]) -> Vec<(Tone, String)> {
    let mut out: Vec<(Tone, String)> = Vec::new();
    for &(tone, c) in chars {
        match out.last_mut() {
            Some((t, s)) if *t == tone => s.push(c),
            _ => out.push((tone, c.to_string())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(rows: &[Vec<(Tone, String)>]) -> Vec<String> {
        rows.iter()
            .map(|r| r.iter().map(|(_, s)| s.as_str()).collect())
            .collect()
    }

    #[test]
    fn wrap_breaks_at_spaces_and_keeps_tones() {
        let rows = wrap(
            vec![
                (Tone::Plain, "Tue 2026-11-24 09:00 jtate ".into()),
                (Tone::Ok, "[client-visible]".into()),
            ],
            30,
        );
        assert_eq!(texts(&rows), ["Tue 2026-11-24 09:00 jtate", "[client-visible]"]);
        assert_eq!(rows[1], vec![(Tone::Ok, "[client-visible]".to_string())]);
        // Full exactly at a space: the next word starts the next row.
        assert_eq!(
            texts(&wrap(vec![(Tone::Plain, "abcd efgh".into())], 4)),
            ["abcd", "efgh"]
        );
    }

    #[test]
    fn wrap_cuts_a_word_longer_than_the_row_and_keeps_empty_rows() {
        assert_eq!(
            texts(&wrap(vec![(Tone::Plain, "abcdefghij".into())], 4)),
            ["abcd", "efgh", "ij"]
        );
        assert_eq!(wrap(vec![(Tone::Plain, String::new())], 10), vec![Vec::new()]);
        // Wide characters count two columns.
        assert_eq!(texts(&wrap(vec![(Tone::Plain, "日本語".into())], 4)), ["日本", "語"]);
    }
}
