//! Team mode's store on a PostgreSQL server: its address, the connection
//! (a password only from a file, never from the address), and the schema
//! with its migrations. The blocking client runs its small runtime inside
//! each call, on the thread that owns the connection.

pub mod migrate;
pub mod pgpass;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use super::StoreError;

/// A PostgreSQL store's address, with everything a connection needs
/// except the password, which is looked up when connecting.
#[derive(Clone)]
pub struct Server {
    /// The address as given (it holds no password): what messages show.
    pub shown: String,
    config: postgres::Config,
    password_file: Option<PathBuf>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

/// A server address that cannot be used as given.
#[derive(Debug, thiserror::Error)]
pub enum AddressError {
    #[error("{shown} holds a password; pimdesk takes it only from a password file (PGPASSFILE or ~/.pgpass, or [store] password_file in the config), never from the command line: remove it from the address")]
    Password { shown: String },
    #[error("{shown} is not a PostgreSQL address pimdesk can use: {detail}")]
    Malformed { shown: String, detail: String },
}

/// `text` names a PostgreSQL server (`postgres://…` or `postgresql://…`).
pub fn is_server(text: &str) -> bool {
    text.split_once("://")
        .is_some_and(|(scheme, _)| ["postgres", "postgresql"].contains(&scheme.to_ascii_lowercase().as_str()))
}

/// `text` without the password it may hold (`user:password@` or
/// `?password=`), for messages.
pub fn hide_password(text: &str) -> String {
    let (address, query) = match text.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (text, None),
    };
    let mut shown = match address.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((user, host)) if user.contains(':') => {
                let name = user.split_once(':').map_or(user, |(n, _)| n);
                format!("{scheme}://{name}:…@{host}")
            }
            _ => address.to_string(),
        },
        None => address.to_string(),
    };
    if let Some(query) = query {
        let params: Vec<&str> = query
            .split('&')
            .map(|p| if p.starts_with("password=") { "password=…" } else { p })
            .collect();
        shown.push('?');
        shown.push_str(&params.join("&"));
    }
    shown
}

impl Server {
    /// The server `text` names, or None when it names a file. Missing parts
    /// come from PGHOST, PGPORT, PGUSER and PGDATABASE, as in libpq.
    pub fn parse(text: &str, password_file: Option<&Path>) -> Result<Option<Server>, AddressError> {
        if !is_server(text) {
            return Ok(None);
        }
        let shown = hide_password(text);
        let mut config = postgres::Config::from_str(text).map_err(|e| AddressError::Malformed {
            shown: shown.clone(),
            detail: e.to_string(),
        })?;
        if config.get_password().is_some() {
            return Err(AddressError::Password { shown });
        }
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        if config.get_user().is_none() {
            config.user(&env("PGUSER").unwrap_or_else(crate::platform::current_login));
        }
        if config.get_hosts().is_empty() {
            config.host(&env("PGHOST").unwrap_or_else(|| "localhost".into()));
        }
        if config.get_ports().is_empty() {
            let port = env("PGPORT").map_or(Ok(5432), |p| p.parse::<u16>());
            config.port(port.map_err(|_| AddressError::Malformed {
                shown: shown.clone(),
                detail: "PGPORT is not a port number".into(),
            })?);
        }
        if config.get_dbname().is_none() {
            let user = config.get_user().unwrap_or_default().to_string();
            config.dbname(&env("PGDATABASE").unwrap_or(user));
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        config.application_name("pimdesk");
        Ok(Some(Server {
            shown,
            config,
            password_file: password_file.map(Path::to_path_buf),
        }))
    }

    pub fn user(&self) -> &str {
        self.config.get_user().unwrap_or_default()
    }

    pub fn dbname(&self) -> &str {
        self.config.get_dbname().unwrap_or_default()
    }

    /// A connection, its password from the password file; exit code 3 with
    /// the server's own words when it cannot be had.
    pub fn connect(&self) -> Result<postgres::Client, StoreError> {
        let mut config = self.config.clone();
        let host = match config.get_hosts().first() {
            Some(postgres::config::Host::Tcp(h)) => h.clone(),
            #[cfg(unix)]
            Some(postgres::config::Host::Unix(p)) => p.to_string_lossy().into_owned(),
            None => "localhost".into(),
        };
        let target = pgpass::Target {
            host: &host,
            port: config.get_ports().first().copied().unwrap_or(5432),
            dbname: self.dbname(),
            user: self.user(),
        };
        let password = pgpass::password(self.password_file.as_deref(), &target).map_err(|e| self.error(e))?;
        if let Some(p) = password {
            config.password(p);
        }
        config.connect(postgres::NoTls).map_err(|e| self.error(e))
    }

    /// The store error for `e` on this server, in the server's words.
    pub fn error(&self, e: impl Into<Box<dyn std::error::Error + 'static>>) -> StoreError {
        StoreError::Server {
            url: self.shown.clone(),
            detail: words(e.into().as_ref()),
        }
    }
}

/// An error and its causes in one line, as the server said it.
pub fn words(e: &(dyn std::error::Error + 'static)) -> String {
    if let Some(db) = e
        .downcast_ref::<postgres::Error>()
        .and_then(postgres::Error::as_db_error)
    {
        return format!("{}: {}", db.severity(), db.message());
    }
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_hidden_wherever_the_address_holds_it() {
        assert_eq!(
            hide_password("postgres://tech:s3cret@db.example/pimdesk"),
            "postgres://tech:…@db.example/pimdesk"
        );
        assert_eq!(
            hide_password("postgres://tech@db.example/x?sslmode=disable&password=s3cret"),
            "postgres://tech@db.example/x?sslmode=disable&password=…"
        );
        assert_eq!(hide_password("postgres://db.example/x"), "postgres://db.example/x");
    }

    #[test]
    fn an_address_with_a_password_is_refused() {
        for url in [
            "postgres://tech:s3cret@db.example/x",
            "postgresql://tech@db.example/x?password=s3cret",
        ] {
            let e = Server::parse(url, None).unwrap_err();
            assert!(matches!(e, AddressError::Password { .. }), "{url}");
            assert!(!e.to_string().contains("s3cret"), "{e}");
        }
        assert!(Server::parse("/var/lib/pimdesk/pimdesk.db", None).unwrap().is_none());
    }
}
