//! Names typed on the command line or in the editor → row ids.

use rusqlite::{Connection, OptionalExtension};

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
pub fn choices(conn: &Connection) -> rusqlite::Result<Choices> {
    let mut stmt = conn.prepare_cached("SELECT id, name FROM companies ORDER BY name")?;
    let companies = stmt
        .query_map([], |r| {
            Ok(CompanyChoice {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached("SELECT id, company_id, name, security_level FROM contacts ORDER BY name")?;
    let contacts = stmt
        .query_map([], |r| {
            Ok(ContactChoice {
                id: r.get(0)?,
                company_id: r.get(1)?,
                name: r.get(2)?,
                security_level: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached("SELECT id, login, name FROM technicians ORDER BY login")?;
    let technicians = stmt
        .query_map([], |r| {
            Ok(TechnicianChoice {
                id: r.get(0)?,
                login: r.get(1)?,
                name: r.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?;
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
pub fn company(conn: &Connection, name: &str) -> Result<i64, LookupError> {
    one(conn, "companies", "name", name, "company", None)
}

/// A contact of that company, by name.
pub fn contact(conn: &Connection, company_id: i64, name: &str) -> Result<i64, LookupError> {
    one(conn, "contacts", "name", name, "contact", Some(company_id))
}

/// A technician by login.
pub fn technician(conn: &Connection, login: &str) -> Result<i64, LookupError> {
    conn.query_row("SELECT id FROM technicians WHERE login = ?1", [login.trim()], |r| {
        r.get(0)
    })
    .optional()
    .map_err(|e| LookupError(e.to_string()))?
    .ok_or_else(|| {
        LookupError(format!(
            "unknown technician {login:?} (use a login; see pimdesk tech list)"
        ))
    })
}

fn one(
    conn: &Connection,
    table: &str,
    col: &str,
    name: &str,
    what: &str,
    company: Option<i64>,
) -> Result<i64, LookupError> {
    let scope = if company.is_some() { " AND company_id = ?2" } else { "" };
    let err = |e: rusqlite::Error| LookupError(e.to_string());
    let exact: Option<i64> = conn
        .query_row(
            &format!("SELECT id FROM {table} WHERE {col} = ?1 COLLATE NOCASE{scope}"),
            rusqlite::params_from_iter(params(name, company)),
            |r| r.get(0),
        )
        .optional()
        .map_err(err)?;
    if let Some(id) = exact {
        return Ok(id);
    }
    let mut stmt = conn
        .prepare(&format!(
            "SELECT id, {col} FROM {table} WHERE {col} LIKE ?1 || '%' ESCAPE '\\'{scope} LIMIT 6"
        ))
        .map_err(err)?;
    let like = name
        .trim()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let found: Vec<(i64, String)> = stmt
        .query_map(rusqlite::params_from_iter(params(&like, company)), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(err)?
        .collect::<Result<_, _>>()
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
fn unknown(conn: &Connection, table: &str, col: &str, name: &str, what: &str, company: Option<i64>) -> String {
    let scope = if company.is_some() {
        " WHERE company_id = ?1"
    } else {
        ""
    };
    let names: Vec<String> = conn
        .prepare(&format!("SELECT {col} FROM {table}{scope}"))
        .and_then(|mut stmt| {
            let args: Vec<i64> = company.into_iter().collect();
            stmt.query_map(rusqlite::params_from_iter(args), |r| r.get(0))?
                .collect::<Result<_, _>>()
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
