//! Given the true document frequencies, `pim_rank` is FTS5's bm25 row for row.

use rusqlite::Connection;

use super::{bm25, idf, register};

fn table() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE VIRTUAL TABLE t USING fts5(a, b);
         INSERT INTO t (a, b) VALUES
           ('printer offline', 'the printer at the front desk is offline'),
           ('printer jams', 'paper jams in the printer the printer the printer'),
           ('vpn down', 'the tunnel dropped at night'),
           ('printer', 'a very long description of a printer that says many other words around the one that matters here'),
           ('mail slow', 'outlook hangs on the printer share');",
    )
    .unwrap();
    register(&conn).unwrap();
    conn
}

#[test]
fn with_the_true_counts_it_is_fts5s_bm25() {
    let conn = table();
    let count = |q: &str| -> f64 {
        conn.query_row("SELECT count(*) FROM t WHERE t MATCH ?1", [q], |r| r.get::<_, i64>(0))
            .unwrap() as f64
    };
    let rows = count("printer OR vpn OR mail");
    for query in [["printer", "the"], ["printer", "offline"], ["the", "tunnel"]] {
        let weights: Vec<f64> = query.iter().map(|w| idf(count(w), rows)).collect();
        let mut stmt = conn
            .prepare("SELECT rowid, bm25(t), pim_rank(t, ?2, ?3) FROM t WHERE t MATCH ?1")
            .unwrap();
        let scored: Vec<(i64, f64, f64)> = stmt
            .query_map(rusqlite::params![query.join(" "), weights[0], weights[1]], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(!scored.is_empty(), "{query:?} finds rows");
        for (id, theirs, ours) in scored {
            assert!(
                (theirs - ours).abs() < 1e-9,
                "{query:?} row {id}: bm25 {theirs}, pim_rank {ours}"
            );
        }
    }
}

#[test]
fn more_hits_rank_better_and_a_longer_row_worse() {
    let w = [idf(10.0, 1000.0), idf(900.0, 1000.0)];
    assert!(w[0] > w[1], "a rare word weighs more: {w:?}");
    assert!(idf(1000.0, 1000.0) > 0.0, "a word in every row still counts a little");
    let one = bm25(&[1.0, 1.0], &w, 20.0, 20.0);
    assert!(
        bm25(&[3.0, 1.0], &w, 20.0, 20.0) < one,
        "more hits of the rare word: better"
    );
    assert!(
        bm25(&[1.0, 1.0], &w, 80.0, 20.0) > one,
        "the same hits in a longer row: worse"
    );
    assert!(bm25(&[1.0, 3.0], &w, 20.0, 20.0) - one > bm25(&[3.0, 1.0], &w, 20.0, 20.0) - one);
}
