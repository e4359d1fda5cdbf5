//! Opening the store: refuse what is not ours before SQLite touches it, then
//! the pragmas of DESIGN.md 6, then migrations. New files are owner-only.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{migrate, StoreError};

const STATEMENT_CACHE: usize = 128;

const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Options for [`open`].
#[derive(Debug, Clone)]
pub struct OpenOptions {
    pub busy_timeout: Duration,
    /// Group (name) that may read and write new files; None = owner only.
    pub group: Option<String>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            busy_timeout: Duration::from_millis(5000),
            group: None,
        }
    }
}

/// Opens (creating if needed) and migrates the store at `path`.
pub fn open(path: &Path, opts: &OpenOptions) -> Result<Connection, StoreError> {
    let existed = path.exists();
    if existed {
        check_header(path)?;
        if !writable(path) {
            // Another user's store or a mounted backup: reads work, writes are
            // refused by SQLite (exit 3, "read-only").
            let conn = open_read_only(path, opts)?;
            if migrate::user_version(&conn).map_err(|e| StoreError::unusable(path, e))? < migrate::CURRENT {
                return Err(StoreError::ReadOnly {
                    path: path.to_path_buf(),
                });
            }
            return Ok(conn);
        }
    } else {
        create_private(path, opts.group.as_deref())?;
    }
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(|e| StoreError::unusable(path, e))?;
    super::busy::install(&mut conn, opts.busy_timeout)?;
    // Every statement is cached (store/sql): room for the console's views and sorts.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // A newer store is refused before any pragma writes to it.
    let version = migrate::user_version(&conn).map_err(|e| StoreError::unusable(path, e))?;
    if version > migrate::CURRENT {
        return Err(StoreError::Newer {
            path: path.to_path_buf(),
            found: version,
            supported: migrate::CURRENT,
        });
    }
    if version == 0 && existed && migrate::has_foreign_tables(&conn).map_err(|e| StoreError::unusable(path, e))? {
        return Err(StoreError::NotOurs {
            path: path.to_path_buf(),
        });
    }
    set_wal(&conn, opts.busy_timeout).map_err(|e| StoreError::unusable(path, e))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate::migrate(&mut conn, path)?;
    Ok(conn)
}

/// Switching to WAL takes a lock the busy handler does not wait for; retry
/// for as long as the busy timeout allows.
fn set_wal(conn: &Connection, timeout: Duration) -> rusqlite::Result<()> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

/// Opens an existing store for reading only (doctor, export); never migrates.
pub fn open_read_only(path: &Path, opts: &OpenOptions) -> Result<Connection, StoreError> {
    if !path.exists() {
        return Err(StoreError::Missing {
            path: path.to_path_buf(),
        });
    }
    check_header(path)?;
    let mut conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| StoreError::unusable(path, e))?;
    super::busy::install(&mut conn, opts.busy_timeout)?;
    // Every statement is cached (store/sql): room for the console's views and sorts.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    let (conn, version) = match migrate::user_version(&conn) {
        Ok(v) => (conn, v),
        // A WAL store whose directory cannot be written has no -shm to share;
        // SQLite reads it only as immutable (a snapshot nobody else writes).
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::CannotOpen) && !dir_writable(path) => {
            let conn = open_immutable(path).map_err(|e| StoreError::unusable(path, e))?;
            let v = migrate::user_version(&conn).map_err(|e| StoreError::unusable(path, e))?;
            (conn, v)
        }
        Err(e) => return Err(StoreError::unusable(path, e)),
    };
    if version > migrate::CURRENT {
        return Err(StoreError::Newer {
            path: path.to_path_buf(),
            found: version,
            supported: migrate::CURRENT,
        });
    }
    if version == 0 && migrate::has_foreign_tables(&conn).map_err(|e| StoreError::unusable(path, e))? {
        return Err(StoreError::NotOurs {
            path: path.to_path_buf(),
        });
    }
    Ok(conn)
}

/// `path` as an immutable SQLite URI (read-only, no locks, no -shm).
fn open_immutable(path: &Path) -> rusqlite::Result<Connection> {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file:");
    for b in abs.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => uri.push(char::from(b)),
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri.push_str("?immutable=1");
    Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
    )
}

/// The store file and its directory (for the WAL and -shm) can be written.
fn writable(path: &Path) -> bool {
    access_w(path) && dir_writable(path)
}

fn dir_writable(path: &Path) -> bool {
    match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => access_w(d),
        None => access_w(Path::new(".")),
    }
}

#[cfg(unix)]
fn access_w(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: access only reads the NUL-terminated path we pass.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

#[cfg(not(unix))]
fn access_w(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.permissions().readonly())
}

/// Refuses a file that is neither empty nor a SQLite database, or one whose
/// header says a newer pimdesk wrote it, without opening it in SQLite.
fn check_header(path: &Path) -> Result<(), StoreError> {
    let mut file = std::fs::File::open(path).map_err(|e| StoreError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let mut header = [0u8; 100];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) => {
                return Err(StoreError::Io {
                    path: path.to_path_buf(),
                    source: e,
                })
            }
        }
    }
    if read == 0 {
        return Ok(());
    }
    if read < header.len() || &header[..16] != MAGIC {
        return Err(StoreError::NotSqlite {
            path: path.to_path_buf(),
        });
    }
    let version = i64::from(i32::from_be_bytes([header[60], header[61], header[62], header[63]]));
    if version > migrate::CURRENT {
        return Err(StoreError::Newer {
            path: path.to_path_buf(),
            found: version,
            supported: migrate::CURRENT,
        });
    }
    Ok(())
}

/// Creates an empty file readable by its owner only (or owner and group).
fn create_private(path: &Path, group: Option<&str>) -> Result<(), StoreError> {
    let io = |e| StoreError::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let access = crate::files::Access { group };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        access.create_dirs(dir).map_err(io)?;
    }
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    match o.open(path) {
        // The mode is set explicitly: the umask would take the group's write bit.
        Ok(file) => access.apply(&file).map_err(io),
        // Another console created it first: fine, we share it.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(io(e)),
    }
}
