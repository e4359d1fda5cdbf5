//! Logs go to a file, never to the terminal (DESIGN.md 7).

use crate::cli::Ctx;

/// Starts file logging beside the store (a PostgreSQL store's beside the
/// default store file); keep the guard alive for the process.
pub fn init(ctx: &Ctx, demo: bool) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    // A PostgreSQL store's address is no place for a file: its log goes
    // where a SQLite store would be by default.
    let beside = match ctx.server {
        Some(_) => crate::cli::default_paths().0,
        None => ctx.db_path.clone(),
    };
    let dir = if demo {
        std::env::temp_dir()
    } else {
        beside.parent().filter(|p| !p.as_os_str().is_empty())?.to_path_buf()
    };
    // The log holds imported values in its error lines: as private as the store.
    let access = if demo {
        crate::files::Access::default()
    } else {
        ctx.access()
    };
    access.create_dirs(&dir).ok()?;
    let file = access.append(&dir.join("pimdesk.log")).ok()?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = tracing_subscriber::EnvFilter::try_from_env("PIMDESK_LOG").unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}
