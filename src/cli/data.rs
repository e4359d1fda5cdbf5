//! Whole-store commands: demo, import, export, doctor, backup.

use std::path::Path;

use anyhow::Context;

use super::{Ctx, UsageError};
use crate::cli::output::outln;
use crate::demo::{self, DemoOptions};
use crate::store::{exchange, migrate, StoreError};

pub fn demo(ctx: &Ctx, tickets: u64, seed: u64) -> anyhow::Result<i32> {
    // Made here, so that a demo that runs out of disk filling it removes it.
    // Only then: a demo refused because another one filled the file first
    // must leave that one's store alone.
    let created = ctx.access().create_empty(&ctx.db_path).map_err(|e| StoreError::Io {
        path: ctx.db_path.clone(),
        source: e,
    })?;
    let started = std::time::Instant::now();
    let result = ctx.open_file().map_err(anyhow::Error::from).and_then(|mut conn| {
        let opts = DemoOptions { tickets, seed };
        // Only a file made here may be filled with the store's safeguards relaxed.
        if created {
            demo::generate_new_store(&mut conn, &ctx.config, opts, ctx.now)
        } else {
            demo::generate(&mut conn, &ctx.config, opts, ctx.now)
        }
    });
    // A store this command created and could not fill (a full disk) is not left behind.
    let s = result.inspect_err(|e| {
        let full = matches!(e.downcast_ref::<StoreError>(), Some(StoreError::DiskFull { .. }))
            || matches!(
                super::sqlite_trouble(e, &ctx.db_path),
                Some(StoreError::DiskFull { .. })
            );
        if created && full {
            remove_store_files(&ctx.db_path);
        }
    })?;
    outln!(
        "demo data in {}: {} companies, {} contacts, {} technicians, {} agreements, {} tickets, {} notes, {} time entries, {} invoices ({:.1} s)",
        ctx.db_path.display(),
        s.companies,
        s.contacts,
        s.technicians,
        s.agreements,
        s.tickets,
        s.notes,
        s.time_entries,
        s.invoices,
        started.elapsed().as_secs_f64()
    );
    Ok(0)
}

pub fn import(ctx: &Ctx, file: &Path) -> anyhow::Result<i32> {
    // A file that cannot be read is refused before any store is made for it.
    readable(file)?;
    // Made here, as by demo: only a store this command made is filled the
    // fast way, and only that one is removed again when the import is refused.
    let created = ctx.access().create_empty(&ctx.db_path).map_err(|e| StoreError::Io {
        path: ctx.db_path.clone(),
        source: e,
    })?;
    let (calendar, policy) = (ctx.config.sla_calendar(), ctx.config.sla_policy());
    let rules = crate::store::ticket_write::Rules {
        calendar: &calendar,
        policy: &policy,
    };
    let bar = crate::cli::progress::bar(0, "importing", "records");
    let mut report = |p: exchange::Progress| {
        if let Some(b) = &bar {
            b.set_length(p.estimate.max(p.records));
            b.set_position(p.records);
        }
    };
    let result = ctx
        .open_file()
        .map_err(anyhow::Error::from)
        .and_then(|mut conn| exchange::import_file(&mut conn, file, ctx.now.timestamp(), &rules, created, &mut report));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let s = match result {
        Ok(s) => s,
        Err(e) => {
            if created {
                remove_store_files(&ctx.db_path);
            }
            return Err(e);
        }
    };
    outln!(
        "imported {} companies, {} contacts, {} technicians, {} agreements, {} tickets, {} time entries, {} notes",
        s.companies,
        s.contacts,
        s.technicians,
        s.agreements,
        s.tickets,
        s.time_entries,
        s.notes
    );
    Ok(0)
}

/// The import file opens and reads (a directory does not), as reading it
/// whole checked.
fn readable(file: &Path) -> anyhow::Result<()> {
    use std::io::Read;
    let checked = std::fs::File::open(file).and_then(|mut f| f.read(&mut [0u8; 1]));
    checked
        .map_err(|e| UsageError(format!("cannot read {}: {e}", file.display())))
        .context("reading input")?;
    Ok(())
}

/// A store this command created and then failed to fill is removed again.
fn remove_store_files(db: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(p));
    }
}

pub fn export(ctx: &Ctx, file: &Path) -> anyhow::Result<i32> {
    let mut conn = ctx.open_store_as_is()?;
    let tz = ctx.config.calendar.timezone.0;
    // The file is written under a temporary name as rows are read; a store
    // error on the way is kept here, so it exits 3 like any other.
    let mut store_error = None;
    let written = ctx.write_file(file, |out| match exchange::export(&mut conn, tz, out) {
        Ok(()) => Ok(()),
        Err(exchange::ExportError::Write(e)) => Err(e),
        Err(exchange::ExportError::Store(e)) => {
            let text = e.to_string();
            store_error = Some(e);
            Err(std::io::Error::other(text))
        }
    });
    if let Some(e) = store_error {
        return Err(StoreError::unusable(&ctx.db_path, e).into());
    }
    written?;
    Ok(0)
}

pub fn doctor(ctx: &Ctx) -> anyhow::Result<i32> {
    outln!(
        "config: {}{}",
        ctx.config_path.display(),
        if ctx.config_path.exists() {
            ""
        } else {
            " (absent: built-in defaults)"
        }
    );
    outln!("store:  {}", ctx.db_path.display());
    outln!("user:   {}", ctx.login);
    let conn = ctx.open_store_as_is()?;
    let version = migrate::user_version(&conn)?;
    outln!("schema: {version} (this build: {})", migrate::CURRENT);
    let mut problems = Vec::new();
    if version < migrate::CURRENT {
        problems.push(format!(
            "schema {version} is older than {}; the console migrates it on start",
            migrate::CURRENT
        ));
    }
    if version == migrate::CURRENT {
        match crate::store::search_index::problems(&conn) {
            Ok(p) => problems.extend(p),
            Err(e) => problems.push(format!("cannot read the search index: {e}")),
        }
    }
    if let Err(e) = crate::store::health::check(&conn, &mut problems) {
        problems.push(format!("cannot read the store: {e}"));
    }
    if version == migrate::CURRENT {
        let tickets = crate::store::health::ticket_count(&conn)?;
        outln!("tickets: {tickets}");
        let (cal, policy) = (ctx.config.sla_calendar(), ctx.config.sla_policy());
        if !crate::store::deadlines::is_current(&conn, &cal, &policy)? {
            // Not a fault: the next command that opens the store recomputes them.
            outln!("note: the stored SLA deadlines were computed with another calendar or SLA table than this config's; the next command that opens the store recomputes them (or run `pimdesk sla recompute`)");
        }
    }
    for p in &problems {
        outln!("problem: {p}");
    }
    outln!("{}", if problems.is_empty() { "ok" } else { "problems found" });
    Ok(if problems.is_empty() { 0 } else { 1 })
}

/// `doctor --rebuild-search`: the search index built again, all or nothing.
pub fn rebuild_search(ctx: &Ctx) -> anyhow::Result<i32> {
    if !ctx.db_path.exists() {
        return Err(UsageError(format!("no store at {}; nothing to rebuild", ctx.db_path.display())).into());
    }
    let mut conn = ctx.open_file()?;
    crate::store::search_index::rebuild(&mut conn)?;
    outln!("search index rebuilt");
    Ok(0)
}

pub fn backup(ctx: &Ctx, dest: &Path) -> anyhow::Result<i32> {
    if dest.exists() {
        return Err(UsageError(format!("{} already exists; choose a new file", dest.display())).into());
    }
    let conn = ctx.open_store_as_is()?;
    // The copy is made under a temporary name and renamed only once checked.
    let tmp = crate::files::temp_name(dest);
    let result = copy_store(ctx, &conn, &tmp).and_then(|()| {
        verify_copy(&tmp)?;
        std::fs::rename(&tmp, dest).with_context(|| format!("renaming the copy to {}", dest.display()))
    });
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.context(format!("no backup was written to {}", dest.display())));
    }
    outln!("backup written to {} (checked)", dest.display());
    Ok(0)
}

/// VACUUM INTO reads one snapshot, so the copy is consistent while others write.
fn copy_store(ctx: &Ctx, conn: &rusqlite::Connection, tmp: &Path) -> anyhow::Result<()> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)
        .map_err(|e| UsageError(format!("cannot create {}: {e}", tmp.display())))?;
    ctx.access().apply(&file)?;
    drop(file);
    let target = tmp
        .to_str()
        .ok_or_else(|| UsageError(format!("{} is not valid UTF-8", tmp.display())))?;
    // A full disk is the copy's; any other trouble (corruption) is the store's.
    crate::store::health::copy_into(conn, target).map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DiskFull) => StoreError::DiskFull {
            path: tmp.to_path_buf(),
        },
        _ => StoreError::unusable(&ctx.db_path, e),
    })?;
    Ok(())
}

fn verify_copy(dest: &Path) -> anyhow::Result<()> {
    let ok = crate::store::health::quick_check(dest).map_err(|e| StoreError::unusable(dest, e))?;
    if !ok {
        return Err(StoreError::Corrupt {
            path: dest.to_path_buf(),
        }
        .into());
    }
    Ok(())
}
