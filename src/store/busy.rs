//! Waiting for another writer. SQLite's own busy timeout backs off up to
//! 100 ms a sleep, so a waiter often sleeps on long after the lock is free,
//! and among eight writers the unlucky one waited seconds. This handler
//! retries every 1–2 ms (jittered, so waiters do not move in step) until the
//! configured timeout.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rusqlite::Connection;

/// The timeout of the process's connections (they share the config's value;
/// SQLite's handler is a plain function, so it lives here).
static TIMEOUT_MS: AtomicU64 = AtomicU64::new(5000);

thread_local! {
    /// When the current wait began (a connection is used by one thread).
    static STARTED: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Makes `conn` wait up to `timeout` for a lock, retrying often.
pub fn install(conn: &mut Connection, timeout: Duration) -> rusqlite::Result<()> {
    TIMEOUT_MS.store(
        u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
        Ordering::Relaxed,
    );
    conn.busy_handler(Some(wait))
}

/// SQLite calls this with the number of earlier calls for the same lock;
/// true means "try again".
fn wait(tries: i32) -> bool {
    let now = Instant::now();
    let started = STARTED.with(|s| {
        if tries == 0 || s.get().is_none() {
            s.set(Some(now));
        }
        s.get().unwrap_or(now)
    });
    let timeout = Duration::from_millis(TIMEOUT_MS.load(Ordering::Relaxed));
    if now.duration_since(started) >= timeout {
        return false;
    }
    let jitter = (u64::from(std::process::id()).wrapping_mul(7919) + u64::from(tries.unsigned_abs()) * 104_729) % 1000;
    std::thread::sleep(Duration::from_micros(3000 + 3 * jitter));
    true
}
