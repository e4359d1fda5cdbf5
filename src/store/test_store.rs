//! For the store's unit tests: a migrated store in memory with one company
//! (id 1, Acme) and one technician (id 1, tech).

use rusqlite::Connection;

pub fn with_acme() -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    super::migrate::migrate(&mut conn, std::path::Path::new(":memory:")).unwrap();
    conn.execute_batch(
        "INSERT INTO companies (id, key, name) VALUES (1, 'acme', 'Acme');
         INSERT INTO technicians (id, key, login, name, role) VALUES (1, 'tech', 'tech', 'Tech', 'technician');",
    )
    .unwrap();
    conn
}
