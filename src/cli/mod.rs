//! The command line (DESIGN.md 4): clap definitions and dispatch. Each family
//! of subcommands lives in its own file.

mod agreement;
mod company;
mod data;
pub mod directory;
mod fail;
mod invoice;
pub mod mail;
mod onboarding;
pub mod output;
mod page;
mod progress;
mod sla;
mod team;
pub mod ticket;
mod timer;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};

use crate::config::{Config, ConfigError};
use crate::store::StoreError;

#[derive(Debug, Parser)]
#[command(name = "pimdesk", version, about = "Terminal helpdesk console for a managed IT services provider", long_about = None)]
pub struct Cli {
    /// Store file (default: the platform data dir), or a PostgreSQL store's address postgres://USER@HOST/DB (team mode; the password from ~/.pgpass)
    #[arg(long, env = "PIMDESK_DB", global = true, value_name = "PATH|URL")]
    pub db: Option<PathBuf>,
    /// Config file (default: the platform config dir; built-in defaults when absent)
    #[arg(long, env = "PIMDESK_CONFIG", global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Open the console on a throwaway store filled with demo data
    #[arg(long, global = true)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fill the store with realistic, deterministic demo data (up to 100,000 tickets also two years of invoices and payments)
    Demo {
        /// How many tickets
        #[arg(long, default_value_t = 5000)]
        tickets: u64,
        /// Random seed; the same seed on the same day gives the same data
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Load an exchange file (DESIGN.md 5) in one transaction: all or nothing
    Import { file: PathBuf },
    /// Write the whole store as an exchange file
    Export { file: PathBuf },
    /// Check the store's integrity and schema, and show where things live
    Doctor {
        /// Build the full-text search index again from the tickets and notes (one transaction)
        #[arg(long)]
        rebuild_search: bool,
    },
    /// Write a consistent copy of the store while others keep working
    Backup { dest: PathBuf },
    /// Tickets: new, list, show, update, note
    #[command(subcommand)]
    Ticket(ticket::TicketCommand),
    /// Time entries: add, edit, delete
    #[command(subcommand)]
    Time(ticket::TimeCommand),
    /// Notes: correct a note's text (its author or an admin; the history keeps the old text)
    #[command(subcommand)]
    Note(timer::NoteCommand),
    /// Timers: start, stop, discard, list (a running timer survives quitting)
    #[command(subcommand)]
    Timer(timer::TimerCommand),
    /// SLA: due, check, report, recompute
    #[command(subcommand)]
    Sla(sla::SlaCommand),
    /// Who is on call at a time (default now) and how to reach them
    Oncall(directory::OncallArgs),
    /// Pages to the on-call: list, ack (`mail send` and `mail run` page)
    #[command(subcommand)]
    Page(page::PageCommand),
    /// Technicians: list, set-role, set-oncall, set-pager
    #[command(subcommand)]
    Tech(directory::TechCommand),
    /// Client companies: list, set-billing-email
    #[command(subcommand)]
    Company(company::CompanyCommand),
    /// Client contacts: list, set-level
    #[command(subcommand)]
    Contact(directory::ContactCommand),
    /// Invoices: run, send, list, show, void, aging, csv
    #[command(subcommand)]
    Invoice(invoice::InvoiceCommand),
    /// Payments: add, void
    #[command(subcommand)]
    Payment(invoice::PaymentCommand),
    /// Agreements: list, add, end, complete
    #[command(subcommand)]
    Agreement(agreement::AgreementCommand),
    /// Onboarding checklists (the guide's transition plan): list, set
    #[command(subcommand)]
    Onboarding(onboarding::OnboardingCommand),
    /// Mail: deliver (stdin, for an MTA), held, accept, drop, outbox, send
    #[command(subcommand)]
    Mail(mail::MailCommand),
    /// The store itself: copy a whole store between SQLite and PostgreSQL (team mode)
    #[command(subcommand)]
    Store(team::StoreCommand),
    /// Print shell completions
    Completions { shell: clap_complete::Shell },
}

pub use crate::app::UsageError;

/// The commands' name for the shared context.
pub use crate::app::Context as Ctx;

/// Default locations from the platform's conventions.
pub fn default_paths() -> (PathBuf, PathBuf) {
    match directories::ProjectDirs::from("", "", "pimdesk") {
        Some(d) => (d.data_dir().join("pimdesk.db"), d.config_dir().join("config.toml")),
        None => (PathBuf::from("pimdesk.db"), PathBuf::from("pimdesk.toml")),
    }
}

/// The current time, or the frozen one from PIMDESK_NOW.
pub fn now_from_env() -> Result<(DateTime<Utc>, bool), UsageError> {
    match std::env::var("PIMDESK_NOW") {
        Ok(v) if !v.trim().is_empty() => DateTime::parse_from_rfc3339(v.trim())
            .map(|t| (t.with_timezone(&Utc), true))
            .map_err(|e| {
                UsageError(format!(
                    "PIMDESK_NOW={v:?} is not an RFC 3339 time ({e}); write e.g. 2026-11-27T16:30:00-05:00"
                ))
            }),
        _ => Ok((Utc::now(), false)),
    }
}

/// Builds the context: config (exit 2 when bad), paths, time, user.
pub fn context(cli: &Cli) -> anyhow::Result<Ctx> {
    if cli.demo && cli.command.is_some() {
        // A command must never fall through to the default store unasked.
        return Err(UsageError(
            "--demo opens the console on a throwaway demo store and takes no command; to try a command on demo data, make a store first: pimdesk --db /tmp/try.db demo, then pimdesk --db /tmp/try.db COMMAND".into(),
        )
        .into());
    }
    let (default_db, default_config) = default_paths();
    let (config_path, required) = match &cli.config {
        Some(p) => (p.clone(), true),
        None => (default_config, false),
    };
    let config = Config::load(&config_path, required)?;
    let (now, frozen) = now_from_env()?;
    let given = cli.db.clone().or_else(|| {
        let url = config.store.url.trim();
        (!url.is_empty()).then(|| PathBuf::from(url))
    });
    let db_path = given.unwrap_or(default_db);
    let password_file = Some(config.store.password_file.trim())
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);
    let server = match db_path.to_str() {
        Some(text) => {
            crate::store::pg::Server::parse(text, password_file.as_deref()).map_err(|e| UsageError(e.to_string()))?
        }
        None => None,
    };
    let db_path = server.as_ref().map_or(db_path, |s| PathBuf::from(&s.shown));
    Ok(Ctx {
        config,
        config_path,
        db_path,
        server,
        now,
        frozen,
        login: crate::platform::current_login(),
    })
}

/// Runs a subcommand; returns the exit code for a command that ran.
pub fn run(cli: Cli, ctx: Ctx) -> anyhow::Result<i32> {
    let db = ctx.db_path.clone();
    dispatch(cli, ctx).map_err(|e| explain(e, &db))
}

/// A store that cannot take writes (read-only, damaged, disk full) is said
/// in words whatever statement hit it, so every command reports it alike:
/// exit code 3, and what to do.
pub fn explain(err: anyhow::Error, db: &Path) -> anyhow::Error {
    let trouble = sqlite_trouble(&err, db).or_else(|| server_trouble(&err, db));
    match trouble {
        Some(t) => {
            tracing::error!("{err:#}");
            t.into()
        }
        None => err,
    }
}

/// What a PostgreSQL store's server said behind `err`, if anything: exit
/// code 3, the server's words, the store named.
fn server_trouble(err: &anyhow::Error, db: &Path) -> Option<StoreError> {
    err.chain().find_map(|cause| {
        let e = cause.downcast_ref::<rusqlite::Error>()?;
        let server = crate::store::sql::server_error(e)?;
        Some(StoreError::Server {
            url: db.display().to_string(),
            detail: crate::store::pg::words(server),
        })
    })
}

/// The read-only, damaged or full store SQLite reported behind `err`, if any.
pub fn sqlite_trouble(err: &anyhow::Error, db: &Path) -> Option<StoreError> {
    err.chain().find_map(|cause| {
        let sqlite = cause
            .downcast_ref::<rusqlite::Error>()
            .or(match cause.downcast_ref::<StoreError>() {
                Some(StoreError::Sqlite(e)) => Some(e),
                _ => None,
            })?;
        StoreError::trouble(db, sqlite)
    })
}

fn dispatch(cli: Cli, ctx: Ctx) -> anyhow::Result<i32> {
    if let Some(server) = &ctx.server {
        return team::dispatch(cli.command, &ctx, server);
    }
    match cli.command {
        None => unreachable_console(),
        Some(Command::Demo { tickets, seed }) => data::demo(&ctx, tickets, seed),
        Some(Command::Import { file }) => data::import(&ctx, &file),
        Some(Command::Export { file }) => data::export(&ctx, &file),
        Some(Command::Doctor { rebuild_search: false }) => data::doctor(&ctx),
        Some(Command::Doctor { rebuild_search: true }) => data::rebuild_search(&ctx),
        Some(Command::Backup { dest }) => data::backup(&ctx, &dest),
        Some(Command::Ticket(c)) => ticket::run(&ctx, c),
        Some(Command::Time(c)) => ticket::run_time(&ctx, c),
        Some(Command::Timer(c)) => timer::run(&ctx, c),
        Some(Command::Note(timer::NoteCommand::Edit { note, text })) => timer::edit_note(&ctx, note, &text),
        Some(Command::Sla(c)) => sla::run(&ctx, c),
        Some(Command::Oncall(a)) => directory::oncall(&ctx, a),
        Some(Command::Tech(c)) => directory::tech(&ctx, c),
        Some(Command::Page(c)) => page::run(&ctx, c),
        Some(Command::Contact(c)) => directory::contact(&ctx, c),
        Some(Command::Company(c)) => company::run(&ctx, c),
        Some(Command::Invoice(c)) => invoice::run(&ctx, c),
        Some(Command::Payment(c)) => invoice::run_payment(&ctx, c),
        Some(Command::Agreement(c)) => agreement::run(&ctx, c),
        Some(Command::Onboarding(c)) => onboarding::run(&ctx, c),
        Some(Command::Mail(c)) => mail::run(&ctx, c),
        Some(Command::Store(c)) => team::store(&ctx, c),
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            // Written whole, so a closed pipe is an error, not a panic.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "pimdesk", &mut script);
            std::io::Write::write_all(&mut std::io::stdout().lock(), &script)?;
            Ok(0)
        }
    }
}

/// The console does not run on a PostgreSQL store yet: it says so.
pub fn team_not_yet(server: &crate::store::pg::Server) -> anyhow::Error {
    team::not_yet(server).into()
}

fn unreachable_console() -> anyhow::Result<i32> {
    anyhow::bail!("the console is started by main, not by cli::run")
}

/// The exit code for an error: 2 for bad usage, config or input; 3 for an unusable store.
/// True when the error is a write to a pipe whose reader has closed it.
pub fn reader_gone(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

pub fn exit_code(err: &anyhow::Error) -> i32 {
    for cause in err.chain() {
        if cause.is::<UsageError>() || cause.is::<ConfigError>() || cause.is::<crate::store::exchange::ImportError>() {
            return 2;
        }
        let unreadable = cause
            .downcast_ref::<crate::store::ticket_write::WriteError>()
            .is_some_and(|w| matches!(w, crate::store::ticket_write::WriteError::Unreadable { .. }));
        let store = cause.is::<StoreError>() || cause.is::<rusqlite::Error>() || cause.is::<postgres::Error>();
        if store || cause.is::<crate::store::copy::CopyError>() || unreadable {
            return 3;
        }
    }
    1
}
