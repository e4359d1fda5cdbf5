//! Team mode on the command line: `store copy` between a SQLite file and a
//! PostgreSQL server, and the commands a PostgreSQL store answers so far
//! (all but the console, `mail`, `note edit`, `import`, `export` and `demo`;
//! `backup` gives pg_dump's advice); those say they need a file.

use std::path::PathBuf;

use clap::Subcommand;

use super::{Command, Ctx, UsageError};
use crate::cli::output::outln;
use crate::store::copy::{self, CopyError, End};
use crate::store::pg::{self, Server};
use crate::store::StoreError;

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Copy a whole store from a SQLite file to a PostgreSQL database or back, in one transaction, checked
    Copy {
        /// The store copied: a SQLite file, or postgres://USER@HOST/DB
        #[arg(long, value_name = "PATH|URL")]
        from: String,
        /// The new store: an empty PostgreSQL database, or a SQLite file that does not exist yet
        #[arg(long, value_name = "URL|PATH")]
        to: String,
    },
}

/// A command given a PostgreSQL store.
pub fn dispatch(command: Option<Command>, ctx: &Ctx, server: &Server) -> anyhow::Result<i32> {
    match command {
        Some(Command::Doctor { rebuild_search: false }) => doctor(ctx, server),
        Some(Command::Backup { dest }) => backup_advice(server, &dest),
        Some(Command::Store(c)) => store(ctx, c),
        // The commands whose every query runs on both engines.
        Some(Command::Ticket(c)) => super::ticket::run(ctx, c),
        Some(Command::Time(c)) => super::ticket::run_time(ctx, c),
        Some(Command::Timer(c)) => super::timer::run(ctx, c),
        Some(Command::Invoice(c)) => super::invoice::run(ctx, c),
        Some(Command::Payment(c)) => super::invoice::run_payment(ctx, c),
        Some(Command::Agreement(c)) => super::agreement::run(ctx, c),
        Some(Command::Sla(c)) => super::sla::run(ctx, c),
        Some(Command::Oncall(a)) => super::directory::oncall(ctx, a),
        Some(Command::Tech(c)) => super::directory::tech(ctx, c),
        Some(Command::Page(c)) => super::page::run(ctx, c),
        Some(Command::Contact(c)) => super::directory::contact(ctx, c),
        Some(Command::Company(c)) => super::company::run(ctx, c),
        Some(Command::Onboarding(c)) => super::onboarding::run(ctx, c),
        _ => Err(not_yet(server).into()),
    }
}

/// What the console and the commands not yet on PostgreSQL say.
pub fn not_yet(server: &Server) -> StoreError {
    StoreError::ServerUrl {
        url: server.shown.clone(),
    }
}

pub fn store(ctx: &Ctx, command: StoreCommand) -> anyhow::Result<i32> {
    match command {
        StoreCommand::Copy { from, to } => store_copy(ctx, &from, &to),
    }
}

fn end(ctx: &Ctx, text: &str) -> anyhow::Result<End> {
    let password_file = Some(ctx.config.store.password_file.trim())
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);
    Ok(
        match Server::parse(text, password_file.as_deref()).map_err(|e| UsageError(e.to_string()))? {
            Some(server) => End::Pg(Box::new(server)),
            None => End::Sqlite(PathBuf::from(text)),
        },
    )
}

fn store_copy(ctx: &Ctx, from: &str, to: &str) -> anyhow::Result<i32> {
    let (from, to) = (end(ctx, from)?, end(ctx, to)?);
    let started = std::time::Instant::now();
    let mut progress = |table: &str, rows: i64| {
        tracing::info!(table, rows, "copied");
        if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            super::output::err_line(format_args!("copied {table}: {rows} rows"));
        }
    };
    let report = match copy::copy(&from, &to, &ctx.store_options(), &mut progress) {
        Ok(r) => r,
        Err(CopyError::Refused(why)) => return Err(UsageError(why).into()),
        Err(e) => return Err(e.into()),
    };
    let t = &report.tally;
    outln!(
        "copied {} to {} in {:.1} s: {} tickets, {} notes, {} time entries, {} invoices, {} payments, {} audit entries, {} drafts, {} mail messages",
        from.shown(),
        to.shown(),
        started.elapsed().as_secs_f64(),
        t.rows("tickets"),
        t.rows("notes"),
        t.rows("time_entries"),
        t.rows("invoices"),
        t.rows("payments"),
        t.rows("audit"),
        t.rows("drafts"),
        t.rows("mail_inbound") + t.rows("mail_outbox"),
    );
    outln!(
        "checked before commit: {} figures equal on both ends (rows of every table, every cents and minutes total, labor billed, the SLA report's days)",
        t.figures.len()
    );
    Ok(0)
}

/// `doctor` on a PostgreSQL store: where it is, its schema, its size.
fn doctor(ctx: &Ctx, server: &Server) -> anyhow::Result<i32> {
    outln!("config: {}", ctx.config_path.display());
    outln!(
        "store:  {} (PostgreSQL, database login {})",
        server.shown,
        server.user()
    );
    outln!("user:   {}", ctx.login);
    let mut client = server.connect()?;
    let version: String = client
        .query_one("SHOW server_version", &[])
        .map_err(|e| server.error(e))?
        .get(0);
    outln!("server: PostgreSQL {version}");
    match pg::migrate::version(&mut client).map_err(|e| server.error(e))? {
        None => {
            outln!(
                "schema: none yet (`pimdesk store copy --from FILE --to {}` fills it)",
                server.shown
            );
            outln!("ok");
            Ok(0)
        }
        Some(v) if v > pg::migrate::CURRENT => Err(StoreError::ServerNewer {
            url: server.shown.clone(),
            found: v,
            supported: pg::migrate::CURRENT,
        }
        .into()),
        Some(v) => {
            outln!("schema: {v} (this build: {})", pg::migrate::CURRENT);
            let tickets: i64 = client
                .query_one("SELECT count(*) FROM tickets", &[])
                .map_err(|e| server.error(e))?
                .get(0);
            outln!("tickets: {tickets}");
            outln!("note: in this build `ticket`, `time`, `timer`, `invoice`, `payment`, `agreement`, `sla`, `tech`, `oncall`, `page`, `contact`, `company`, `onboarding`, `doctor` and `store copy` run on PostgreSQL; the console and the other commands need a SQLite store");
            outln!("ok");
            Ok(0)
        }
    }
}

/// A PostgreSQL store is backed up by the server's own tools.
fn backup_advice(server: &Server, dest: &std::path::Path) -> anyhow::Result<i32> {
    Err(UsageError(format!(
        "a PostgreSQL store is backed up with PostgreSQL's own tools, not by pimdesk: `pg_dump --format=custom --file={} --username={} {}` (add --host and --port as in the address; the password comes from ~/.pgpass), restored with `pg_restore --dbname=DB {}`; streaming replicas and point-in-time recovery are the server's too",
        dest.display(),
        server.user(),
        server.dbname(),
        dest.display()
    ))
    .into())
}
