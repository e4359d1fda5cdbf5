//! The queue sorted by assignee without sorting the table: unassigned tickets
//! (by ID) and assigned ones (technicians by login, then their tickets by ID,
//! through the (assignee_id, id) index) are read as two ordered regions.

use rusqlite::types::Value;

use super::sql::{args as refs, Sql};

use super::queue::{row, view_filter, Anchor, QueueQuery, QueueRow, SortValue, COLUMNS};

#[derive(Clone, Copy, PartialEq)]
enum Region {
    Unassigned,
    Assigned,
}

/// Where to start inside a region.
enum Bound<'a> {
    All,
    Skip,
    Past(&'a str, i64),
}

pub fn page(conn: &dyn Sql, q: &QueueQuery, anchor: &Anchor, limit: usize) -> rusqlite::Result<Vec<QueueRow>> {
    let backwards = matches!(anchor, Anchor::End | Anchor::Before(..));
    let asc = q.descending == backwards;
    let inclusive = matches!(anchor, Anchor::From(..));
    let key: Option<(String, i64)> = match anchor {
        Anchor::Start | Anchor::End => None,
        Anchor::After(v, id) | Anchor::Before(v, id) | Anchor::From(v, id) => Some((text(v), *id)),
    };
    // Unassigned sorts as "" — before every login when ascending.
    let regions = if asc {
        [Region::Unassigned, Region::Assigned]
    } else {
        [Region::Assigned, Region::Unassigned]
    };
    let mut rows = Vec::new();
    for region in regions {
        let bound = match (&key, region) {
            (None, _) => Bound::All,
            (Some((k, id)), Region::Unassigned) if k.is_empty() => Bound::Past("", *id),
            (Some(_), Region::Unassigned) => {
                if asc {
                    Bound::Skip
                } else {
                    Bound::All
                }
            }
            (Some((k, _)), Region::Assigned) if k.is_empty() => {
                if asc {
                    Bound::All
                } else {
                    Bound::Skip
                }
            }
            (Some((k, id)), Region::Assigned) => Bound::Past(k, *id),
        };
        if matches!(bound, Bound::Skip) {
            continue;
        }
        let left = limit - rows.len();
        rows.extend(read(conn, q, region, &bound, asc, inclusive, left)?);
        if rows.len() >= limit {
            break;
        }
    }
    if backwards {
        rows.reverse();
    }
    Ok(rows)
}

fn text(v: &SortValue) -> String {
    match v {
        SortValue::Text(s) => s.clone(),
        SortValue::Int(i) => i.to_string(),
    }
}

fn read(
    conn: &dyn Sql,
    q: &QueueQuery,
    region: Region,
    bound: &Bound<'_>,
    asc: bool,
    inclusive: bool,
    limit: usize,
) -> rusqlite::Result<Vec<QueueRow>> {
    let (dir, cmp) = if asc { ("ASC", ">") } else { ("DESC", "<") };
    let cmp = if inclusive { format!("{cmp}=") } else { cmp.to_string() };
    let mut args: Vec<Value> = Vec::new();
    let (from, order, past) = match region {
        Region::Unassigned => (
            "tickets t JOIN companies c ON c.id = t.company_id LEFT JOIN technicians te ON te.id = t.assignee_id",
            format!("t.id {dir}"),
            format!("t.assignee_id IS NULL AND t.id {cmp} ?1"),
        ),
        Region::Assigned => (
            "technicians te CROSS JOIN tickets t ON t.assignee_id = te.id JOIN companies c ON c.id = t.company_id",
            format!("te.login {dir}, t.id {dir}"),
            format!("(te.login, t.id) {cmp} (?1, ?2)"),
        ),
    };
    let mut sql = format!("SELECT {COLUMNS} FROM {from} WHERE {}", view_filter(q, conn.dialect()));
    match (bound, region) {
        (Bound::Past(_, id), Region::Unassigned) => {
            sql.push_str(&format!(" AND {past}"));
            args.push(Value::Integer(*id));
        }
        (Bound::Past(k, id), Region::Assigned) => {
            sql.push_str(&format!(" AND {past}"));
            args.push(Value::Text(k.to_string()));
            args.push(Value::Integer(*id));
        }
        (_, Region::Unassigned) => sql.push_str(" AND t.assignee_id IS NULL"),
        _ => {}
    }
    let (clauses, values) = q.filter.sql(args.len() + 1);
    for c in clauses {
        sql.push_str(&format!(" AND {c}"));
    }
    args.extend(values);
    sql.push_str(&format!(" ORDER BY {order} LIMIT {limit}"));
    conn.query_vec(&sql, refs(&args), row)
}
