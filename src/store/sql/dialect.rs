//! The words SQLite and PostgreSQL say differently, for the few queries
//! that are not the same on both.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// `expr`, told to SQLite's planner that it is rarely true (PostgreSQL
    /// has statistics for that).
    pub fn rarely(self, expr: &str) -> String {
        match self {
            Dialect::Sqlite => format!("likelihood({expr}, 0.001)"),
            Dialect::Postgres => format!("({expr})"),
        }
    }

    /// ` INDEXED BY name` on SQLite; PostgreSQL chooses its index itself.
    pub fn indexed_by(self, index: &str) -> String {
        match self {
            Dialect::Sqlite => format!(" INDEXED BY {index}"),
            Dialect::Postgres => String::new(),
        }
    }

    /// The values of `expr` joined by `sep` (a literal).
    pub fn concat_agg(self, expr: &str, sep: &str) -> String {
        match self {
            Dialect::Sqlite => format!("group_concat({expr}, '{sep}')"),
            Dialect::Postgres => format!("string_agg(({expr})::text, '{sep}')"),
        }
    }

    /// The smaller of two values (SQLite's two-argument min).
    pub fn least(self, a: &str, b: &str) -> String {
        match self {
            Dialect::Sqlite => format!("min({a}, {b})"),
            Dialect::Postgres => format!("least({a}, {b})"),
        }
    }

    /// The larger of two values (SQLite's two-argument max).
    pub fn greatest(self, a: &str, b: &str) -> String {
        match self {
            Dialect::Sqlite => format!("max({a}, {b})"),
            Dialect::Postgres => format!("greatest({a}, {b})"),
        }
    }

    /// `a LIKE b` without regard to ASCII case, as SQLite's LIKE is.
    pub fn like(self) -> &'static str {
        match self {
            Dialect::Sqlite => "LIKE",
            Dialect::Postgres => "ILIKE",
        }
    }

    /// `col = value` without regard to case (SQLite's COLLATE NOCASE).
    pub fn nocase_eq(self, col: &str, value: &str) -> String {
        match self {
            Dialect::Sqlite => format!("{col} = {value} COLLATE NOCASE"),
            Dialect::Postgres => format!("lower({col}) = lower({value})"),
        }
    }

    /// True when `expr` is nothing but the digits 0-9 (or empty).
    pub fn digits_only(self, expr: &str) -> String {
        match self {
            Dialect::Sqlite => format!("{expr} NOT GLOB '*[^0-9]*'"),
            Dialect::Postgres => format!("{expr} ~ '^[0-9]*$'"),
        }
    }

    /// The integers of the JSON array in parameter `param`, as a
    /// parenthesised subquery for `IN`.
    pub fn json_ids(self, param: &str) -> String {
        match self {
            Dialect::Sqlite => format!("(SELECT value FROM json_each({param}))"),
            Dialect::Postgres => {
                format!(
                    "(SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(CAST({param} AS text) AS json)))"
                )
            }
        }
    }
}
