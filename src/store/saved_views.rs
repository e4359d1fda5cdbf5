//! A technician's own saved queue views: a name for a view, a sort, a
//! search and a filter line, kept in the store so every console of theirs
//! has them.

use rusqlite::{params, Connection};

use super::queue::{QueueQuery, SortKey, View};
use super::queue_filter::QueueFilter;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedView {
    pub name: String,
    pub query: QueueQuery,
}

/// `who`'s saved views, by name. A row whose view, sort or filter no
/// longer reads (edited by hand) is an error naming it.
pub fn list(conn: &Connection, who: i64) -> rusqlite::Result<Vec<SavedView>> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, view, sort, descending, search, filter FROM saved_views WHERE technician_id = ?1 ORDER BY name",
    )?;
    let rows = stmt.query_map([who], |r| {
        let name: String = r.get(0)?;
        let bad = |what: &str, v: &str| {
            rusqlite::Error::FromSqlConversionFailure(
                1,
                rusqlite::types::Type::Text,
                format!("saved view {name:?}: unknown {what} {v:?}").into(),
            )
        };
        let view: String = r.get(1)?;
        let sort: String = r.get(2)?;
        let filter: String = r.get(5)?;
        let query = QueueQuery {
            view: View::ALL
                .into_iter()
                .find(|v| v.name() == view)
                .ok_or_else(|| bad("view", &view))?,
            sort: SortKey::ALL
                .into_iter()
                .find(|s| s.name() == sort)
                .ok_or_else(|| bad("sort", &sort))?,
            descending: r.get(3)?,
            search: r.get(4)?,
            filter: QueueFilter::parse(&filter).map_err(|_| bad("filter", &filter))?,
            ..QueueQuery::default()
        };
        Ok(SavedView { name, query })
    })?;
    rows.collect()
}

/// Saves `query` as `who`'s view `name` (replacing one of that name), in
/// one transaction; returns the views after.
pub fn save(conn: &mut Connection, who: i64, name: &str, query: &QueueQuery) -> rusqlite::Result<Vec<SavedView>> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute(
        "INSERT INTO saved_views (technician_id, name, view, sort, descending, search, filter)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (technician_id, name) DO UPDATE SET view = excluded.view, sort = excluded.sort,
           descending = excluded.descending, search = excluded.search, filter = excluded.filter",
        params![
            who,
            name,
            query.view.name(),
            query.sort.name(),
            query.descending,
            query.search,
            query.filter.text()
        ],
    )?;
    let views = list(&tx, who)?;
    tx.commit()?;
    Ok(views)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_view_comes_back_as_it_was_and_a_name_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open(&dir.path().join("s.db"), &crate::store::OpenOptions::default()).unwrap();
        let (who, _) = crate::store::actor::ensure(&conn, "jtate").unwrap();
        let q = QueueQuery {
            view: View::Unassigned,
            sort: SortKey::Due,
            descending: false,
            search: Some("printer".into()),
            filter: QueueFilter::parse("p:1,2 status:new").unwrap(),
            ..QueueQuery::default()
        };
        let views = save(&mut conn, who, "urgent printers", &q).unwrap();
        assert_eq!(
            views,
            vec![SavedView {
                name: "urgent printers".into(),
                query: q.clone()
            }]
        );
        let again = QueueQuery { descending: true, ..q };
        let views = save(&mut conn, who, "urgent printers", &again).unwrap();
        assert_eq!(views.len(), 1);
        assert!(views[0].query.descending);
        // Another technician's list is their own.
        let (other, _) = crate::store::actor::ensure(&conn, "ibrooks").unwrap();
        assert!(list(&conn, other).unwrap().is_empty());
    }
}
