//! SQLite's placeholders (`?1`, `?`) in PostgreSQL's form (`$1`), outside
//! string literals, quoted names and comments.

/// `sql` with its placeholders numbered as PostgreSQL writes them. A bare
/// `?` takes the number after the largest one so far, as SQLite gives it.
pub fn to_dollars(sql: &str) -> String {
    let b = sql.as_bytes();
    let mut out = String::with_capacity(sql.len() + 8);
    let (mut i, mut start, mut largest) = (0, 0, 0u32);
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            b'?' => {
                out.push_str(&sql[start..i]);
                let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
                let n = if digits == 0 {
                    largest + 1
                } else {
                    sql[i + 1..i + 1 + digits].parse().unwrap_or(u32::MAX)
                };
                largest = largest.max(n);
                out.push('$');
                out.push_str(&n.to_string());
                i += 1 + digits;
                start = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&sql[start.min(sql.len())..]);
    out
}

#[cfg(test)]
mod tests {
    use super::to_dollars;

    #[test]
    fn numbered_and_bare_placeholders_become_dollars() {
        assert_eq!(
            to_dollars("SELECT a FROM t WHERE x = ?1 AND y = ?2"),
            "SELECT a FROM t WHERE x = $1 AND y = $2"
        );
        assert_eq!(to_dollars("VALUES (?, ?, ?)"), "VALUES ($1, $2, $3)");
        assert_eq!(to_dollars("x = ?3 OR y = ?"), "x = $3 OR y = $4");
        assert_eq!(to_dollars("x = ?12"), "x = $12");
    }

    #[test]
    fn a_question_mark_in_text_a_name_or_a_comment_is_left() {
        assert_eq!(
            to_dollars("SELECT 'why?', \"a?\" -- b?\n, ?1"),
            "SELECT 'why?', \"a?\" -- b?\n, $1"
        );
        assert_eq!(to_dollars("SELECT /* ? */ ?"), "SELECT /* ? */ $1");
        assert_eq!(to_dollars("SELECT 'it''s ?', ?"), "SELECT 'it''s ?', $1");
        assert_eq!(to_dollars("SELECT 'open"), "SELECT 'open");
    }
}
