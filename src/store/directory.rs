//! The directory in the store: technicians and their roles, client companies,
//! contacts with their security levels, and each company's onboarding
//! checklist. Every change is one `BEGIN IMMEDIATE` transaction with its audit
//! rows, and the actor's role is read inside it.

use rusqlite::{params, OptionalExtension};

use crate::store::sql::{Mode, Sql, Tx};

pub mod addresses;

use super::actor::Actor;
use super::lookup::LookupError;
use super::StoreError;
use crate::domain::onboarding::{ItemStatus, TRANSITION_PLAN};
use crate::domain::permissions::{Role, SecurityLevel};

#[derive(Debug, Clone, PartialEq)]
pub struct Technician {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub role: String,
    pub phone: String,
    pub email: String,
    /// Takes part in the fallback rotation (when the config names nobody).
    pub oncall: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Company {
    pub id: i64,
    pub name: String,
    pub industry: String,
    pub city: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub id: i64,
    pub company_id: i64,
    pub company: String,
    pub name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
    pub level: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OnboardingItem {
    pub company_id: i64,
    pub position: i64,
    pub item: String,
    pub status: String,
    pub date: Option<String>,
    pub who: Option<String>,
    pub note: String,
}

/// Everything the Directory tab shows. Companies and contacts are a few
/// hundred rows, so they load whole; tickets never do.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Directory {
    pub technicians: Vec<Technician>,
    pub companies: Vec<Company>,
    /// Ordered by company name, then contact name.
    pub contacts: Vec<Contact>,
    /// Ordered by company id, then position; the guide's seven steps per company.
    pub onboarding: Vec<OnboardingItem>,
}

/// A refused or failed directory change.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// The actor's role does not allow it, or the input is wrong (exit 2).
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for DirectoryError {
    fn from(e: rusqlite::Error) -> Self {
        DirectoryError::Store(e.into())
    }
}

fn refused(m: impl Into<String>) -> DirectoryError {
    DirectoryError::Refused(m.into())
}

fn begin(conn: &dyn Sql) -> rusqlite::Result<Tx<'_>> {
    conn.begin(Mode::Write)
}

/// Loads the whole directory.
pub fn load(conn: &dyn Sql) -> rusqlite::Result<Directory> {
    Ok(Directory {
        technicians: technicians(conn)?,
        companies: companies(conn)?,
        contacts: contacts(conn, None)?,
        onboarding: onboarding(conn, None)?,
    })
}

pub fn technicians(conn: &dyn Sql) -> rusqlite::Result<Vec<Technician>> {
    let mut stmt = conn
        .prepare_cached("SELECT id, login, name, role, phone, email, oncall FROM technicians ORDER BY name, login")?;
    let rows = stmt.query_map((), |r| {
        Ok(Technician {
            id: r.lossy(0)?,
            login: r.lossy(1)?,
            name: r.lossy(2)?,
            role: r.lossy(3)?,
            phone: r.lossy(4)?,
            email: r.lossy(5)?,
            oncall: r.lossy(6)?,
        })
    })?;
    rows.collect()
}

pub fn companies(conn: &dyn Sql) -> rusqlite::Result<Vec<Company>> {
    let mut stmt = conn.prepare_cached("SELECT id, name, industry, city, phone FROM companies ORDER BY name")?;
    let rows = stmt.query_map((), |r| {
        Ok(Company {
            id: r.lossy(0)?,
            name: r.lossy(1)?,
            industry: r.lossy(2)?,
            city: r.lossy(3)?,
            phone: r.lossy(4)?,
        })
    })?;
    rows.collect()
}

/// Contacts of one company, or of all companies.
pub fn contacts(conn: &dyn Sql, company_id: Option<i64>) -> rusqlite::Result<Vec<Contact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ct.id, ct.company_id, c.name, ct.name, ct.title, ct.phone, ct.email, ct.security_level
         FROM contacts ct JOIN companies c ON c.id = ct.company_id
         WHERE CAST(?1 AS BIGINT) IS NULL OR ct.company_id = ?1 ORDER BY c.name, ct.name, ct.id",
    )?;
    let rows = stmt.query_map([company_id], |r| {
        Ok(Contact {
            id: r.lossy(0)?,
            company_id: r.lossy(1)?,
            company: r.lossy(2)?,
            name: r.lossy(3)?,
            title: r.lossy(4)?,
            phone: r.lossy(5)?,
            email: r.lossy(6)?,
            level: r.lossy(7)?,
        })
    })?;
    rows.collect()
}

/// The checklist of one company (or all): a company without stored rows
/// (e.g. imported) shows the guide's seven steps as pending.
pub fn onboarding(conn: &dyn Sql, company_id: Option<i64>) -> rusqlite::Result<Vec<OnboardingItem>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, o.position, o.item, o.status, o.date, te.name, o.note
         FROM companies c LEFT JOIN onboarding_items o ON o.company_id = c.id
         LEFT JOIN technicians te ON te.id = o.who_id
         WHERE CAST(?1 AS BIGINT) IS NULL OR c.id = ?1 ORDER BY c.id, o.position",
    )?;
    let rows = stmt.query_map([company_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.lossy(2)?,
            r.lossy(3)?,
            r.lossy(4)?,
            r.lossy(5)?,
            r.lossy(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (company_id, position, item, status, date, who, note): (
            i64,
            _,
            Option<String>,
            Option<String>,
            _,
            _,
            Option<String>,
        ) = row?;
        match position {
            Some(position) => out.push(OnboardingItem {
                company_id,
                position,
                item: item.unwrap_or_default(),
                status: status.unwrap_or_else(|| "pending".into()),
                date,
                who,
                note: note.unwrap_or_default(),
            }),
            None => out.extend(TRANSITION_PLAN.iter().enumerate().map(|(i, item)| OnboardingItem {
                company_id,
                position: i as i64,
                item: item.to_string(),
                status: ItemStatus::Pending.as_str().into(),
                date: None,
                who: None,
                note: String::new(),
            })),
        }
    }
    Ok(out)
}

/// The rotation's logins: the config's list, or else the technicians marked
/// on-call, ordered by login.
pub fn rotation_logins(configured: &[String], technicians: &[Technician]) -> Vec<String> {
    let marked = technicians.iter().filter(|t| t.oncall).map(|t| t.login.as_str());
    crate::domain::oncall::rotation_logins(configured, marked)
}

/// A contact of a company by exact email, else by name (exact, then unique prefix).
pub fn find_contact(conn: &dyn Sql, company_id: i64, name_or_email: &str) -> Result<i64, LookupError> {
    let by_email: Option<i64> = conn
        .query_row(
            "SELECT id FROM contacts WHERE company_id = ?1 AND email = ?2 COLLATE NOCASE",
            params![company_id, name_or_email.trim()],
            |r| r.lossy(0),
        )
        .optional()
        .map_err(|e| LookupError(e.to_string()))?;
    match by_email {
        Some(id) => Ok(id),
        None => super::lookup::contact(conn, company_id, name_or_email),
    }
}

fn role_of(tx: &dyn Sql, who: i64) -> Result<Role, DirectoryError> {
    let role: Option<String> = tx
        .query_row("SELECT role FROM technicians WHERE id = ?1", [who], |r| r.lossy(0))
        .optional()?;
    let role = role.ok_or_else(|| refused(format!("no technician record #{who}")))?;
    role.parse().map_err(refused)
}

/// One audit row; `target` is (entity, entity id).
fn audit(
    tx: &dyn Sql,
    (entity, id): (&str, i64),
    who: i64,
    now: i64,
    field: &str,
    old: &str,
    new: &str,
) -> rusqlite::Result<()> {
    let entry = super::audit::Entry {
        entity,
        id,
        field,
        old: Some(old),
        new: Some(new),
    };
    super::audit::record(tx, who, now, entry)
}

/// Fields of a contact to change; None leaves a field alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactChanges {
    pub name: Option<String>,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub level: Option<SecurityLevel>,
}

/// One changed field: (field, old, new).
pub type FieldChange = (&'static str, String, String);

/// Changes a contact, as a dispatcher (the concierge desk) or an admin.
/// Returns what changed (empty when nothing did); each change is audited.
pub fn update_contact<'a>(
    conn: &dyn Sql,
    who: impl Into<Actor<'a>>,
    contact_id: i64,
    changes: &ContactChanges,
    now: i64,
) -> Result<Vec<FieldChange>, DirectoryError> {
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    let role = role_of(&tx, who)?;
    if !role.may_edit_contacts() {
        return Err(refused(format!(
            "only a dispatcher (the concierge desk) or an admin may change contacts; you are a {role}"
        )));
    }
    let current: Option<(String, String, String, String, String)> = tx
        .query_row(
            "SELECT name, title, phone, email, security_level FROM contacts WHERE id = ?1",
            [contact_id],
            |r| Ok((r.lossy(0)?, r.lossy(1)?, r.lossy(2)?, r.lossy(3)?, r.lossy(4)?)),
        )
        .optional()?;
    let (name, title, phone, email, level) = current.ok_or_else(|| refused(format!("no contact #{contact_id}")))?;
    let clean = |s: &Option<String>| s.as_deref().map(crate::domain::text::sanitize_line);
    let wanted: [(&'static str, &'static str, String, Option<String>); 5] = [
        ("name", "name", name, clean(&changes.name)),
        ("title", "title", title, clean(&changes.title)),
        ("phone", "phone", phone, clean(&changes.phone)),
        ("email", "email", email, clean(&changes.email)),
        (
            "security_level",
            "security_level",
            level,
            changes.level.map(|l| l.as_str().to_string()),
        ),
    ];
    let mut done = Vec::new();
    for (field, column, old, new) in wanted {
        let Some(new) = new.filter(|n| *n != old) else { continue };
        if field == "name" && new.trim().is_empty() {
            return Err(refused("a contact needs a name"));
        }
        // column names come from the fixed list above, never from input.
        tx.execute(
            &format!("UPDATE contacts SET {column} = ?1 WHERE id = ?2"),
            params![new, contact_id],
        )?;
        audit(&tx, ("contact", contact_id), who, now, field, &old, &new)?;
        done.push((field, old, new));
    }
    tx.commit()?;
    Ok(done)
}

/// The outcome of a role change.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleChange {
    pub login: String,
    pub old: String,
    pub new: String,
    /// The first admin made themselves admin while the store had none.
    pub bootstrap: bool,
}

/// Sets a technician's role. Only an admin may; while the store has no admin
/// at all, a user may make themselves admin (someone must be first).
pub fn set_role<'a>(
    conn: &dyn Sql,
    who: impl Into<Actor<'a>>,
    login: &str,
    role: Role,
    now: i64,
) -> Result<RoleChange, DirectoryError> {
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    let actor = role_of(&tx, who)?;
    let target: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, role FROM technicians WHERE login = ?1",
            [login.trim()],
            |r| Ok((r.lossy(0)?, r.lossy(1)?)),
        )
        .optional()?;
    let (id, old) = target.ok_or_else(|| refused(format!("unknown technician {login:?} (see pimdesk tech list)")))?;
    let admins: i64 = tx.query_row("SELECT count(*) FROM technicians WHERE role = 'admin'", (), |r| {
        r.lossy(0)
    })?;
    let bootstrap = admins == 0 && id == who && role == Role::Admin;
    if !actor.may_change_roles() && !bootstrap {
        let hint = if admins == 0 {
            "; the store has no admin yet, so you may make yourself admin first (pimdesk tech set-role YOUR_LOGIN admin)"
        } else {
            "; ask an admin"
        };
        return Err(refused(format!(
            "only an admin may change roles; you are a {actor}{hint}"
        )));
    }
    if old == role.as_str() {
        tx.commit()?;
        return Ok(RoleChange {
            login: login.to_string(),
            new: old.clone(),
            old,
            bootstrap: false,
        });
    }
    if old == "admin" && admins == 1 {
        return Err(refused(format!(
            "{login} is the only admin; make someone else admin first"
        )));
    }
    tx.execute(
        "UPDATE technicians SET role = ?1 WHERE id = ?2",
        params![role.as_str(), id],
    )?;
    audit(&tx, ("technician", id), who, now, "role", &old, role.as_str())?;
    tx.commit()?;
    Ok(RoleChange {
        login: login.to_string(),
        old,
        new: role.as_str().to_string(),
        bootstrap,
    })
}

/// Marks a technician as taking part in the fallback rotation (or not).
/// A dispatcher or admin may change anyone; a technician only themselves.
pub fn set_oncall<'a>(
    conn: &dyn Sql,
    who: impl Into<Actor<'a>>,
    login: &str,
    on: bool,
    now: i64,
) -> Result<bool, DirectoryError> {
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    let actor = role_of(&tx, who)?;
    let target: Option<(i64, bool)> = tx
        .query_row(
            "SELECT id, oncall FROM technicians WHERE login = ?1",
            [login.trim()],
            |r| Ok((r.lossy(0)?, r.lossy(1)?)),
        )
        .optional()?;
    let (id, old) = target.ok_or_else(|| refused(format!("unknown technician {login:?}")))?;
    if id != who && !actor.may_edit_contacts() {
        return Err(refused(format!(
            "only a dispatcher or admin may change another technician's rotation; you are a {actor}"
        )));
    }
    if old != on {
        tx.execute("UPDATE technicians SET oncall = ?1 WHERE id = ?2", params![on, id])?;
        audit(
            &tx,
            ("technician", id),
            who,
            now,
            "oncall",
            &old.to_string(),
            &on.to_string(),
        )?;
    }
    tx.commit()?;
    Ok(old != on)
}

/// Sets one checklist step's status (dated today in `date`, signed by `who`).
/// The company's seven rows are created on first change.
pub fn set_onboarding<'a>(
    conn: &dyn Sql,
    who: impl Into<Actor<'a>>,
    company_id: i64,
    position: i64,
    status: ItemStatus,
    date: &str,
    now: i64,
) -> Result<Option<FieldChange>, DirectoryError> {
    usize::try_from(position)
        .ok()
        .filter(|p| *p < TRANSITION_PLAN.len())
        .ok_or_else(|| refused(format!("the checklist has steps 1 to {}", TRANSITION_PLAN.len())))?;
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    for (i, text) in TRANSITION_PLAN.iter().enumerate() {
        tx.execute(
            "INSERT INTO onboarding_items (company_id, position, item, status) VALUES (?1, ?2, ?3, 'pending') ON CONFLICT DO NOTHING",
            params![company_id, i as i64, text],
        )?;
    }
    let (id, old): (i64, String) = tx.query_row(
        "SELECT id, status FROM onboarding_items WHERE company_id = ?1 AND position = ?2",
        params![company_id, position],
        |r| Ok((r.lossy(0)?, r.lossy(1)?)),
    )?;
    if old == status.as_str() {
        tx.commit()?;
        return Ok(None);
    }
    tx.execute(
        "UPDATE onboarding_items SET status = ?1, date = ?2, who_id = ?3 WHERE id = ?4",
        params![status.as_str(), date, who, id],
    )?;
    audit(&tx, ("onboarding", id), who, now, "status", &old, status.as_str())?;
    tx.commit()?;
    Ok(Some(("status", old, status.as_str().to_string())))
}

#[cfg(test)]
mod tests;
