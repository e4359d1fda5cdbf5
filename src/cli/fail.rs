//! How the command line's refusals become exit codes: a usage error (exit
//! 2) for input the rules refuse, store trouble as itself (exit 3).

use crate::store::ticket_write::WriteError;

use super::UsageError;

pub(crate) fn usage(e: impl std::fmt::Display) -> anyhow::Error {
    UsageError(e.to_string()).into()
}

/// Refusals of the input are usage errors (exit 2); store trouble stays exit 3.
pub(crate) fn write_err(e: WriteError) -> anyhow::Error {
    match e {
        WriteError::Store(e) => e.into(),
        WriteError::Conflict { .. } | WriteError::Unreadable { .. } => anyhow::Error::new(e),
        other => usage(other),
    }
}
