//! The password of a PostgreSQL login, from a file only: `[store]
//! password_file` (its first line), else libpq's password file (`PGPASSFILE`
//! or `~/.pgpass`, `host:port:database:user:password`, `*` for any, `\` to
//! escape). As libpq does, a password file others can read is ignored.

use std::path::{Path, PathBuf};

/// Where one connection goes, as the password file's fields name it.
pub struct Target<'a> {
    pub host: &'a str,
    pub port: u16,
    pub dbname: &'a str,
    pub user: &'a str,
}

/// Why no password could be read from a file that was named.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("cannot read the password file {}: {source}", path.display())]
    Unreadable { path: PathBuf, source: std::io::Error },
    #[error("the password file {} can be read by others (chmod 600 it); it was not used", path.display())]
    Open { path: PathBuf },
    #[error("the password file {} is empty", path.display())]
    Empty { path: PathBuf },
}

/// The password for `target`, or None when no file gives one.
pub fn password(password_file: Option<&Path>, target: &Target) -> Result<Option<String>, PasswordError> {
    if let Some(path) = password_file {
        let text = read_private(path)?;
        let first = text.lines().next().unwrap_or("").trim_end_matches('\r');
        if first.is_empty() {
            return Err(PasswordError::Empty {
                path: path.to_path_buf(),
            });
        }
        return Ok(Some(first.to_string()));
    }
    let Some(path) = pgpass_path() else {
        return Ok(None);
    };
    if !path.exists() {
        return Ok(None);
    }
    let text = match read_private(&path) {
        Ok(t) => t,
        // libpq warns and goes on without it; so do we (logged).
        Err(e @ PasswordError::Open { .. }) => {
            tracing::warn!("{e}");
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    Ok(lookup(&text, target))
}

fn pgpass_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PGPASSFILE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    directories::BaseDirs::new().map(|d| d.home_dir().join(".pgpass"))
}

fn read_private(path: &Path) -> Result<String, PasswordError> {
    let unreadable = |source| PasswordError::Unreadable {
        path: path.to_path_buf(),
        source,
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_err(unreadable)?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(PasswordError::Open {
                path: path.to_path_buf(),
            });
        }
    }
    std::fs::read_to_string(path).map_err(unreadable)
}

/// The first line of a password file that matches `target`.
pub fn lookup(text: &str, target: &Target) -> Option<String> {
    let port = target.port.to_string();
    // A socket directory matches "localhost", as in libpq.
    let host = if target.host.starts_with('/') {
        "localhost"
    } else {
        target.host
    };
    let wanted = [host, port.as_str(), target.dbname, target.user];
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(fields)
        .find(|f| f.iter().zip(wanted).all(|(have, want)| have == "*" || have == want))
        .map(|mut f| f.pop().unwrap_or_default())
}

/// A line's five fields, unescaped; None when it has fewer.
fn fields(line: &str) -> Option<Vec<String>> {
    let line = line.trim_end_matches('\r');
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.last_mut()?.push(chars.next().unwrap_or('\\')),
            ':' if out.len() < 5 => out.push(String::new()),
            c => out.last_mut()?.push(c),
        }
    }
    (out.len() == 5).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(host: &'a str, dbname: &'a str, user: &'a str) -> Target<'a> {
        Target {
            host,
            port: 5432,
            dbname,
            user,
        }
    }

    #[test]
    fn the_first_matching_line_wins_with_wildcards_and_escapes() {
        let file = "# comment\n\
                    db.example:5432:pimdesk:alice:first\n\
                    *:*:*:alice:fallback\n\
                    db.example:5432:*:bob:pa\\:ss\\\\word\n\
                    short:line\n";
        assert_eq!(
            lookup(file, &at("db.example", "pimdesk", "alice")).as_deref(),
            Some("first")
        );
        assert_eq!(lookup(file, &at("other", "x", "alice")).as_deref(), Some("fallback"));
        assert_eq!(
            lookup(file, &at("db.example", "any", "bob")).as_deref(),
            Some("pa:ss\\word")
        );
        assert_eq!(lookup(file, &at("db.example", "pimdesk", "carol")), None);
    }

    #[test]
    fn a_socket_directory_is_localhost() {
        let file = "localhost:5432:pimdesk:alice:local\n";
        assert_eq!(
            lookup(file, &at("/var/run/postgresql", "pimdesk", "alice")).as_deref(),
            Some("local")
        );
    }

    #[test]
    fn a_password_file_others_can_read_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pw");
        std::fs::write(&path, "secret\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let e = password(Some(&path), &at("h", "d", "u")).unwrap_err();
            assert!(e.to_string().contains("chmod 600"), "{e}");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        assert_eq!(
            password(Some(&path), &at("h", "d", "u")).unwrap().as_deref(),
            Some("secret")
        );
    }
}
