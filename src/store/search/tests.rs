//! The newest tickets first: a page the newest [`RECENT`] tickets fill
//! comes from them; otherwise the search reads every ticket.

use rusqlite::Connection;

use super::RECENT;
use crate::domain::sla::{Calendar, SlaPolicy};
use crate::store::ticket_write::{NewTicket, Rules};
use crate::store::tickets::{list_ids, ListFilter};

/// A store of `n` tickets, each summary what `summary` says for its number.
fn store(n: i64, summary: impl Fn(i64) -> &'static str) -> Connection {
    let conn = crate::store::test_store::with_acme();
    let (calendar, policy) = (Calendar::pim_default(), SlaPolicy::pim_default());
    let rules = Rules {
        calendar: &calendar,
        policy: &policy,
    };
    for i in 1..=n {
        let t = NewTicket {
            company_id: 1,
            summary: summary(i).into(),
            board: crate::domain::ticket::Board::ServiceDesk,
            source: crate::domain::ticket::Source::Phone,
            ..Default::default()
        };
        crate::store::ticket_write::create(&conn, &t, 1, 1_764_000_000 + i, &rules).unwrap();
    }
    conn
}

fn found(conn: &Connection, words: &str, limit: usize) -> Vec<i64> {
    let f = ListFilter {
        search: Some(words.into()),
        limit,
        ..Default::default()
    };
    list_ids(conn, &f).unwrap()
}

#[test]
fn a_page_the_newest_tickets_fill_comes_from_them() {
    let n = 3 * RECENT;
    // "modem" in every 4th ticket, and said three times in the older ones,
    // which rank better: the newest RECENT hold RECENT / 4 and fill the page.
    let conn = store(n, |i| match (i % 4, i > n - RECENT) {
        (0, true) => "modem down",
        (0, false) => "modem modem modem",
        _ => "printer jam",
    });
    let page = found(&conn, "modem", 3);
    assert_eq!(page.len(), 3);
    assert!(page.iter().all(|&id| id > n - RECENT), "{page:?}");
    // Asked for more than the newest hold, the older and better come first.
    let all = found(&conn, "modem", 100);
    assert_eq!(all.len() as i64, n / 4);
    assert!(all[0] <= n - RECENT, "{all:?}");
}

#[test]
fn a_page_the_newest_tickets_cannot_fill_is_searched_for_in_all() {
    let n = 3 * RECENT;
    // Two old tickets and one new say "modem": the page holds all three.
    let conn = store(n, |i| {
        if i == 2 || i == 5 || i == n - 1 {
            "modem down"
        } else {
            "printer jam"
        }
    });
    let mut page = found(&conn, "modem", 3);
    page.sort();
    assert_eq!(page, vec![2, 5, n - 1]);
    // And a word in no recent ticket at all.
    assert_eq!(found(&conn, "mod", 10).len(), 3);
}
