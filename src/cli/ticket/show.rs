//! `ticket show`: one ticket with its notes, time, pauses and history, as
//! text or as the JSON object of DESIGN.md 4 (`ticket list --json` uses it too).

use crate::store::sql::Sql;
use chrono_tz::Tz;
use serde_json::{json, Value};

use super::sla_state;
use crate::cli::fail::usage;
use crate::cli::output::outln;
use crate::cli::Ctx;
use crate::domain::sla;
use crate::domain::time::rfc3339_secs;
use crate::store::ticket_detail::{self, TicketDetail};

/// `ticket show`: the ticket, its notes, time, history and attachments.
pub(super) fn show(ctx: &Ctx, conn: &dyn Sql, id: i64, json: bool) -> anyhow::Result<()> {
    let d = ticket_detail::load(conn, id)?.ok_or_else(|| usage(format!("no ticket #{id}")))?;
    if json {
        let mut v = ticket_json(ctx, &d, true);
        v["attachments"] = json!(crate::store::mail::attachments::list(conn, id)?);
        v["mail"] = crate::cli::mail::ticket_mail_json(conn, id)?;
        crate::cli::output::json(&v)?;
    } else {
        print_ticket(ctx, &d)?;
        for line in &d.mail {
            outln!("{line}");
        }
    }
    Ok(())
}

/// The SLA state in words for text output ("breached, paused").
fn sla_label(ctx: &Ctx, d: &TicketDetail) -> String {
    d.clock(&ctx.config.sla_policy())
        .map_or("-".into(), |c| c.label(ctx.now))
}

/// Each pause and how far it moved the response deadline.
fn pause_ledger(ctx: &Ctx, d: &TicketDetail) -> Vec<sla::LedgerEntry> {
    d.pause_ledger(&ctx.config.sla_calendar(), &ctx.config.sla_policy(), ctx.now)
}

/// The `ticket show --json` object of DESIGN.md 4.
pub fn ticket_json(ctx: &Ctx, d: &TicketDetail, lists: bool) -> Value {
    let tz = ctx.config.calendar.timezone.0;
    let t = |s: Option<i64>| s.map(|s| rfc3339_secs(s, tz));
    let mut v = json!({
        "id": d.id, "summary": d.summary, "description": d.description, "priority": d.priority, "status": d.status,
        "company": d.company, "contact": d.contact, "assignee": d.assignee, "board": d.board, "source": d.source,
        "opened": rfc3339_secs(d.opened, tz), "first_response": t(d.first_response), "resolved": t(d.resolved),
        "scheduled": t(d.scheduled), "response_due": t(d.response_due), "warning_at": t(d.warning_at),
        "sla_state": sla_state(ctx, d),
    });
    if lists {
        v["notes"] = d.notes.iter().map(|n| json!({"id": n.id, "created": rfc3339_secs(n.created, tz), "author": n.author, "internal": n.internal, "body": n.body})).collect();
        v["time_entries"] = d
            .time_entries
            .iter()
            .map(|e| json!({"id": e.id, "start": rfc3339_secs(e.start, tz), "technician": e.technician, "minutes": e.minutes, "billable": e.billable, "note": e.note}))
            .collect();
        let tz_time = |t: chrono::DateTime<chrono::Utc>| rfc3339_secs(t.timestamp(), tz);
        v["pauses"] = pause_ledger(ctx, d)
            .iter()
            .map(|p| json!({"start": tz_time(p.start), "end": p.end.map(tz_time), "moved_minutes": p.moved_minutes}))
            .collect();
        v["history"] = d
            .history
            .iter()
            .map(|h| json!({"at": rfc3339_secs(h.at, tz), "who": h.who, "field": h.field, "old": h.old, "new": h.new}))
            .collect();
    }
    v
}

/// A stored time in the calendar zone for text output; "-" when unset.
fn shown(tz: Tz, s: Option<i64>) -> String {
    s.map(|s| rfc3339_secs(s, tz)).unwrap_or_else(|| "-".into())
}

fn print_ticket(ctx: &Ctx, d: &TicketDetail) -> std::io::Result<()> {
    let tz = ctx.config.calendar.timezone.0;
    print_header(ctx, d, tz)?;
    print_pauses(ctx, d, tz)?;
    if !d.description.is_empty() {
        outln!("\n{}", &d.description);
    }
    print_notes(d, tz)?;
    print_time_entries(d, tz)?;
    print_history(d, tz)
}

/// The ticket's fields: summary, priority and status, people, times and SLA.
fn print_header(ctx: &Ctx, d: &TicketDetail, tz: Tz) -> std::io::Result<()> {
    let t = |s: Option<i64>| shown(tz, s);
    outln!("#{} {}", d.id, &d.summary);
    outln!(
        "{} · {} · {} · {} · via {}",
        d.priority,
        d.status,
        &d.company,
        d.board,
        d.source
    );
    outln!(
        "contact: {} [{}]   assignee: {}",
        d.contact.as_deref().unwrap_or("-"),
        d.contact_level.as_deref().unwrap_or("-"),
        d.assignee.as_deref().unwrap_or("-")
    );
    outln!(
        "opened {}   first response {}   resolved {}",
        t(Some(d.opened)),
        t(d.first_response),
        t(d.resolved)
    );
    outln!(
        "response due {}   warning at {}   SLA {}",
        t(d.response_due),
        t(d.warning_at),
        sla_label(ctx, d)
    );
    Ok(())
}

/// Each pause (Waiting on Client) and how far it moved the deadline.
fn print_pauses(ctx: &Ctx, d: &TicketDetail, tz: Tz) -> std::io::Result<()> {
    let t = |s: Option<i64>| shown(tz, s);
    for p in pause_ledger(ctx, d) {
        outln!(
            "paused {} → {}: moved the deadline {} min{}",
            t(Some(p.start.timestamp())),
            p.end
                .map_or("now (Waiting on Client)".into(), |e| t(Some(e.timestamp()))),
            p.moved_minutes,
            if p.end.is_none() { " so far" } else { "" }
        );
    }
    Ok(())
}

/// The notes, each with its author and whether the client sees it.
fn print_notes(d: &TicketDetail, tz: Tz) -> std::io::Result<()> {
    for n in &d.notes {
        outln!(
            "\n{} {} [{}] (note {})\n  {}",
            shown(tz, Some(n.created)),
            n.author.as_deref().unwrap_or("-"),
            if n.internal { "internal" } else { "client-visible" },
            n.id,
            n.body.replace('\n', "\n  ")
        );
    }
    Ok(())
}

/// The time entries, with their ids for `time edit` and `time delete`.
fn print_time_entries(d: &TicketDetail, tz: Tz) -> std::io::Result<()> {
    for e in &d.time_entries {
        outln!(
            "time {} {} min {}{} (entry {})",
            shown(tz, Some(e.start)),
            e.minutes,
            &e.note,
            if e.billable { "" } else { " (not billable)" },
            e.id
        );
    }
    Ok(())
}

/// The audit history: who changed which field from what to what.
fn print_history(d: &TicketDetail, tz: Tz) -> std::io::Result<()> {
    for h in &d.history {
        outln!(
            "history {} {} {}: {} -> {}",
            shown(tz, Some(h.at)),
            h.who.as_deref().unwrap_or("-"),
            h.field,
            h.old.as_deref().unwrap_or(""),
            h.new.as_deref().unwrap_or("")
        );
    }
    Ok(())
}
