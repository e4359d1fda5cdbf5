//! Key → row maps of a streaming import: the store's keys and those the file
//! has defined so far. Keys are packed into one string and the table holds
//! only offsets, so a million tickets' keys take tens of MB, not hundreds.

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};
use rusqlite::Connection;

/// One key's place in the arena and what it maps to.
struct Slot<V> {
    start: u32,
    len: u32,
    value: V,
}

/// A map from key text to `V` (a row id, or an id and its owner's id).
pub(crate) struct KeyMap<V> {
    arena: String,
    table: HashTable<Slot<V>>,
    hasher: DefaultHashBuilder,
}

impl<V: Copy> KeyMap<V> {
    pub(crate) fn new() -> Self {
        KeyMap {
            arena: String::new(),
            table: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<V> {
        let hash = self.hasher.hash_one(key);
        let arena = &self.arena;
        self.table.find(hash, |s| text(arena, s) == key).map(|s| s.value)
    }

    /// Sets `key` to `value` (a key given again maps to its latest row, as a
    /// map insert does). Errors only past 4 GiB of key text.
    pub(crate) fn insert(&mut self, key: &str, value: V) -> Result<(), TooManyKeys> {
        let hash = self.hasher.hash_one(key);
        let arena = &self.arena;
        if let Some(s) = self.table.find_mut(hash, |s| text(arena, s) == key) {
            s.value = value;
            return Ok(());
        }
        let start = u32::try_from(self.arena.len()).map_err(|_| TooManyKeys)?;
        let len = u32::try_from(key.len()).map_err(|_| TooManyKeys)?;
        start.checked_add(len).ok_or(TooManyKeys)?;
        self.arena.push_str(key);
        let hasher = &self.hasher;
        let arena = &self.arena;
        self.table
            .insert_unique(hash, Slot { start, len, value }, |s| hasher.hash_one(text(arena, s)));
        Ok(())
    }
}

fn text<'a, V>(arena: &'a str, s: &Slot<V>) -> &'a str {
    &arena[s.start as usize..(s.start + s.len) as usize]
}

/// The keys of one import's file passed what one map can address.
#[derive(Debug, thiserror::Error)]
#[error("the file's keys pass 4 GiB; split the file")]
pub(crate) struct TooManyKeys;

/// The keys a table already holds, mapped by `row` from (key, id, owner id).
pub(crate) fn from_store<V: Copy>(
    conn: &Connection,
    sql: &str,
    row: impl Fn(i64, i64) -> V,
) -> anyhow::Result<KeyMap<V>> {
    let mut map = KeyMap::new();
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let key: String = r.get(0)?;
        map.insert(&key, row(r.get(1)?, r.get::<_, Option<i64>>(2)?.unwrap_or(0)))?;
    }
    Ok(map)
}
