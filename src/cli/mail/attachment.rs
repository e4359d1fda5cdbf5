//! `pimdesk ticket attachment list|save`: attachments that came with mail.
//! They are written to a file only, never opened or run.

use crate::store::sql::Sql;
use clap::Subcommand;

use super::Ctx;
use crate::cli::fail::usage;
use crate::cli::output::outln;
use crate::store::mail::attachments;

#[derive(Debug, Subcommand)]
pub enum AttachmentCommand {
    /// The attachments of a ticket, numbered from 1
    List {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Write attachment N of a ticket to FILE (a new file, readable by you alone)
    Save { id: i64, n: i64, file: std::path::PathBuf },
}

pub fn run(ctx: &Ctx, conn: &dyn Sql, cmd: AttachmentCommand) -> anyhow::Result<()> {
    match cmd {
        AttachmentCommand::List { id, json } => {
            let list = attachments::list(conn, id)?;
            if json {
                crate::cli::output::json(&list)?;
            } else if list.is_empty() {
                outln!("ticket #{id} has no attachments");
            } else {
                print_list(conn, id)?;
            }
        }
        AttachmentCommand::Save { id, n, file } => {
            let found = if n >= 1 { attachments::bytes(conn, id, n)? } else { None };
            let (name, bytes) = found.ok_or_else(|| {
                usage(format!(
                    "ticket #{id} has no attachment {n} (`pimdesk ticket attachment list {id}` numbers them)"
                ))
            })?;
            ctx.write_file(&file, |w| w.write_all(&bytes))?;
            outln!("saved {name} ({} bytes) to {}", bytes.len(), file.display());
        }
    }
    Ok(())
}

/// "attachment 1: error screenshot.png (image/png, 70 bytes)" per attachment.
pub fn print_list(conn: &dyn Sql, id: i64) -> anyhow::Result<()> {
    for a in attachments::list(conn, id)? {
        outln!("{}", a.describe());
    }
    Ok(())
}
