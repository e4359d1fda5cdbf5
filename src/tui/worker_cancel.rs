//! Search as you type asks the store at every key; a newer search makes the
//! one in flight pointless. The UI thread stops it with SQLite's interrupt,
//! but only while the worker is running a search: the lock below is held
//! for the interrupt, so the worker cannot finish the search and start a
//! write in between.

use std::sync::{Arc, Mutex};

use rusqlite::{Connection, InterruptHandle};

use super::action::Effect;

/// Shared by the worker (which marks its searches) and the UI thread (which
/// stops them).
#[derive(Clone)]
pub struct SearchCancel {
    running: Arc<Mutex<bool>>,
    handle: Arc<InterruptHandle>,
}

impl SearchCancel {
    pub fn new(conn: &Connection) -> SearchCancel {
        SearchCancel {
            running: Arc::new(Mutex::new(false)),
            handle: Arc::new(conn.get_interrupt_handle()),
        }
    }

    /// Stops the search the worker is running, if it is running one.
    pub fn stop_search(&self) {
        if let Ok(running) = self.running.lock() {
            if *running {
                self.handle.interrupt();
            }
        }
    }

    /// Runs `f`, the worker answering one effect ([`is_search`] of it given
    /// as `search`); a search may be stopped meanwhile, anything else never is.
    pub fn run<T>(&self, search: bool, f: impl FnOnce() -> T) -> T {
        if !search {
            return f();
        }
        self.mark(true);
        let out = f();
        self.mark(false);
        out
    }

    fn mark(&self, on: bool) {
        if let Ok(mut running) = self.running.lock() {
            *running = on;
        }
    }
}

/// A queue load that searches (the SLA board never does).
pub fn is_search(effect: &Effect) -> bool {
    matches!(effect, Effect::LoadQueue { query, .. } if query.search.is_some())
}

/// The error of a statement the interrupt stopped.
pub fn was_stopped(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::queue::QueueQuery;

    /// A statement that runs until it is stopped (a count to a billion).
    const LONG: &str =
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT count(*) FROM n";

    fn search() -> Effect {
        Effect::LoadQueue {
            request: 1,
            query: QueueQuery {
                search: Some("printer".into()),
                ..QueueQuery::default()
            },
            anchor: crate::store::queue::Anchor::Start,
            limit: 60,
        }
    }

    /// `stop_search` from another thread after `ms` milliseconds.
    fn stop_after(cancel: &SearchCancel, ms: u64) -> std::thread::JoinHandle<()> {
        let stopper = cancel.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(ms));
            stopper.stop_search();
        })
    }

    #[test]
    fn a_running_search_is_stopped_and_nothing_else_is() {
        let conn = Connection::open_in_memory().unwrap();
        let cancel = SearchCancel::new(&conn);
        let t = stop_after(&cancel, 100);
        let started = std::time::Instant::now();
        let out = cancel.run(is_search(&search()), || {
            conn.query_row(LONG, [], |r| r.get::<_, i64>(0))
        });
        t.join().unwrap();
        assert!(out.as_ref().is_err_and(was_stopped), "{out:?}");
        assert!(started.elapsed().as_secs() < 5, "stopped, not finished");

        // Another effect running: a stop meanwhile must not touch it.
        let t = stop_after(&cancel, 20);
        let sql = LONG.replace("1000000000", "1000000");
        let other = Effect::LoadDirectory;
        let n = cancel.run(is_search(&other), || conn.query_row(&sql, [], |r| r.get::<_, i64>(0)));
        t.join().unwrap();
        assert_eq!(n.ok(), Some(1_000_000), "not a search: it runs to its end");
    }
}
