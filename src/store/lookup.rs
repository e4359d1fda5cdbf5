//! Names typed on the command line or in the editor → row ids.

use super::sql::{args, Sql};

/// What the editor's pickers choose from, read once per session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Choices {
    /// By name.
    pub companies: Vec<CompanyChoice>,
    /// By name.
    pub contacts: Vec<ContactChoice>,
    /// By login.
    pub technicians: Vec<TechnicianChoice>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CompanyChoice {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContactChoice {
    pub id: i64,
    pub company_id: i64,
    pub name: String,
    /// As stored ("Billing", "Technical", …).
    pub security_level: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TechnicianChoice {
    pub id: i64,
    pub login: String,
    pub name: String,
}

/// Every company, contact and technician, for the pickers.
pub fn choices(conn: &dyn Sql) -> rusqlite::Result<Choices> {
    let companies = conn.query_vec("SELECT id, name FROM companies ORDER BY name", (), |r| {
        Ok(CompanyChoice {
            id: r.get(0)?,
            name: r.get(1)?,
        })
    })?;
    let contacts = conn.query_vec(
        "SELECT id, company_id, name, security_level FROM contacts ORDER BY name",
        (),
        |r| {
            Ok(ContactChoice {
                id: r.get(0)?,
                company_id: r.get(1)?,
                name: r.get(2)?,
                security_level: r.get(3)?,
            })
        },
    )?;
    let technicians = conn.query_vec("SELECT id, login, name FROM technicians ORDER BY login", (), |r| {
        Ok(TechnicianChoice {
            id: r.get(0)?,
            login: r.get(1)?,
            name: r.get(2)?,
        })
    })?;
    Ok(Choices {
        companies,
        contacts,
        technicians,
    })
}

/// A name that matched nothing, or more than one thing.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct LookupError(pub String);

/// A company by exact name (any case), else by a unique prefix.
pub fn company(conn: &dyn Sql, name: &str) -> Result<i64, LookupError> {
    one(conn, "companies", "name", name, "company", None)
}

/// A contact of that company, by name.
pub fn contact(conn: &dyn Sql, company_id: i64, name: &str) -> Result<i64, LookupError> {
    one(conn, "contacts", "name", name, "contact", Some(company_id))
}

/// A technician by login.
pub fn technician(conn: &dyn Sql, login: &str) -> Result<i64, LookupError> {
    conn.query_opt("SELECT id FROM technicians WHERE login = ?1", [&login.trim()], |r| {
        r.get(0)
    })
    .map_err(|e| LookupError(e.to_string()))?
    .ok_or_else(|| {
        LookupError(format!(
            "unknown technician {login:?} (use a login; see pimdesk tech list)"
        ))
    })
}

fn one(
    conn: &dyn Sql,
    table: &str,
    col: &str,
    name: &str,
    what: &str,
    company: Option<i64>,
) -> Result<i64, LookupError> {
    let scope = if company.is_some() { " AND company_id = ?2" } else { "" };
    let err = |e: rusqlite::Error| LookupError(e.to_string());
    let nocase = conn.dialect().nocase_eq(col, "?1");
    let exact: Option<i64> = conn
        .query_opt(
            &format!("SELECT id FROM {table} WHERE {nocase}{scope}"),
            args(&params(name, company)),
            |r| r.get(0),
        )
        .map_err(err)?;
    if let Some(id) = exact {
        return Ok(id);
    }
    let like_op = conn.dialect().like();
    let sql = format!("SELECT id, {col} FROM {table} WHERE {col} {like_op} ?1 || '%' ESCAPE '\\'{scope} LIMIT 6");
    let like = name
        .trim()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let found: Vec<(i64, String)> = conn
        .query_vec(&sql, args(&params(&like, company)), |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(err)?;
    match found.as_slice() {
        [(id, _)] => Ok(*id),
        [] => Err(LookupError(unknown(conn, table, col, name, what, company))),
        many => Err(LookupError(format!(
            "{what} {name:?} is ambiguous: {}",
            many.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// "unknown company "Rivr City" (did you mean: River City Audit Partners?)".
fn unknown(conn: &dyn Sql, table: &str, col: &str, name: &str, what: &str, company: Option<i64>) -> String {
    let scope = if company.is_some() {
        " WHERE company_id = ?1"
    } else {
        ""
    };
    let company: Vec<rusqlite::types::Value> = company.map(rusqlite::types::Value::Integer).into_iter().collect();
    let names: Vec<String> = conn
        .query_vec(&format!("SELECT {col} FROM {table}{scope}"), args(&company), |r| {
            r.get(0)
        })
        .unwrap_or_default();
    let near = crate::domain::text::closest(name, names.iter().map(String::as_str), 3);
    let list = if what == "company" {
        " (pimdesk company list shows them all)"
    } else {
        ""
    };
    if near.is_empty() {
        format!("unknown {what} {name:?}{list}")
    } else {
        format!("unknown {what} {name:?}; did you mean: {}?{list}", near.join(", "))
    }
}

fn params(name: &str, company: Option<i64>) -> Vec<rusqlite::types::Value> {
    let mut v = vec![rusqlite::types::Value::Text(name.trim().to_string())];
    if let Some(c) = company {
        v.push(rusqlite::types::Value::Integer(c));
    }
    v
}
