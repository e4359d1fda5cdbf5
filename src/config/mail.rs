//! `[mail]`, `[mail.smtp]` and `[mail.imap]`: the support mailbox, and the
//! checks that refuse at load what could not work at first use (a password
//! written into the file, an unencrypted connection to another host, an
//! address that is no address).

use std::path::Path;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// From of outgoing mail; mail from it is our own and is ignored.
    pub address: String,
    /// Subjects carry `[TAG #123]`.
    pub subject_tag: String,
    pub hold_unknown_senders: bool,
    /// The priority of a ticket opened by mail (1-4; P5 needs a schedule).
    pub priority: u8,
    /// Larger messages are kept without their attachments, with a note.
    pub max_message_bytes: u64,
    /// Seconds between rounds of `mail run`.
    pub poll_secs: u64,
    /// A reply reopens a Resolved ticket within this many days.
    pub reopen_days: u32,
    /// More messages than this from one sender within an hour are held.
    pub max_per_sender_per_hour: u32,
    /// Answer a new mailed ticket with an acknowledgement.
    pub acknowledge: bool,
    /// Minutes before an unacknowledged page goes to the next on-call.
    pub escalate_minutes: u32,
    /// A sendmail command line instead of `[mail.smtp]` ("" = SMTP).
    pub sendmail: String,
    pub smtp: ServerConfig,
    pub imap: ServerConfig,
}

/// One mail server: SMTP (outgoing) or IMAP (incoming; `folder` and
/// `done_folder` are IMAP's alone).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub host: String,
    pub port: u16,
    /// "tls", "starttls" or "none" (loopback hosts only).
    pub security: String,
    pub user: String,
    /// A file holding the password (never the password itself).
    pub password_file: String,
    /// PEM certificates of a private CA to trust besides the public web
    /// roots ("" = the public roots alone).
    pub ca_file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_folder: Option<String>,
}

/// A problem: the section, the key and what to do.
pub(super) type Problem = (String, &'static str, String);

fn problem(section: &str, key: &'static str, message: impl Into<String>) -> Problem {
    (section.to_string(), key, message.into())
}

/// Every check of the mail settings.
pub(super) fn check(m: &MailConfig) -> Result<(), Problem> {
    if !m.address.is_empty() && !is_address(&m.address) {
        return Err(problem(
            "mail",
            "address",
            format!(
                "{:?} is not a mail address: write e.g. \"support@example.com\"",
                m.address
            ),
        ));
    }
    let tag_ok = !m.subject_tag.is_empty()
        && m.subject_tag.len() <= 20
        && m.subject_tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !tag_ok {
        return Err(problem(
            "mail",
            "subject_tag",
            "write 1 to 20 letters, digits, '-' or '_' (subjects then carry [TAG #123])",
        ));
    }
    if !(1..=4).contains(&m.priority) {
        return Err(problem(
            "mail",
            "priority",
            format!(
                "{} is out of range: write 1 to 4 (a P5 ticket needs a scheduled time)",
                m.priority
            ),
        ));
    }
    numbers(m)?;
    if !m.sendmail.is_empty() {
        sendmail(&m.sendmail).map_err(|msg| problem("mail", "sendmail", msg))?;
    }
    server("mail.smtp", &m.smtp, m.sendmail.is_empty())?;
    server("mail.imap", &m.imap, !m.imap.host.is_empty())?;
    if let Some(f) = m.imap.folder.as_deref().filter(|f| f.trim().is_empty()) {
        return Err(problem(
            "mail.imap",
            "folder",
            format!("{f:?}: name the folder to read, e.g. \"INBOX\""),
        ));
    }
    if let Some(f) = m.imap.done_folder.as_deref().filter(|f| f.trim().is_empty()) {
        return Err(problem(
            "mail.imap",
            "done_folder",
            format!("{f:?}: name the folder processed mail moves to, e.g. \"pimdesk/done\""),
        ));
    }
    Ok(())
}

fn numbers(m: &MailConfig) -> Result<(), Problem> {
    let sat = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let checks: [(&'static str, i64, i64, i64, &str); 5] = [
        ("max_message_bytes", sat(m.max_message_bytes), 1024, 1 << 30, "bytes"),
        ("poll_secs", sat(m.poll_secs), 1, 86_400, "seconds"),
        ("reopen_days", m.reopen_days.into(), 0, 366, "days"),
        (
            "max_per_sender_per_hour",
            m.max_per_sender_per_hour.into(),
            1,
            10_000,
            "messages",
        ),
        ("escalate_minutes", m.escalate_minutes.into(), 1, 24 * 60, "minutes"),
    ];
    for (key, value, lo, hi, unit) in checks {
        super::ranges::range(value, lo, hi, unit).map_err(|msg| problem("mail", key, msg))?;
    }
    Ok(())
}

/// A server's settings; `used` says whether pimdesk will connect to it, so
/// an unused one may stay at its defaults.
fn server(section: &str, s: &ServerConfig, used: bool) -> Result<(), Problem> {
    if !["tls", "starttls", "none"].contains(&s.security.as_str()) {
        return Err(problem(section, "security", "write \"tls\", \"starttls\" or \"none\""));
    }
    if !used {
        return Ok(());
    }
    if s.host.trim().is_empty() {
        return Err(problem(section, "host", "name the server (a host name or address)"));
    }
    if s.port == 0 {
        return Err(problem(section, "port", "0 is out of range: write 1 to 65535"));
    }
    if s.security == "none" && !is_loopback(&s.host) {
        return Err(problem(
            section,
            "security",
            format!(
                "\"none\" sends the password and the mail unencrypted, so it is for this machine's own server only (localhost, 127.0.0.1, ::1), not {:?}: write \"tls\" or \"starttls\"",
                s.host
            ),
        ));
    }
    if !s.user.is_empty() && s.password_file.is_empty() {
        return Err(problem(
            section,
            "password_file",
            format!(
                "{:?} needs a password: name a file that holds it (readable by you alone)",
                s.user
            ),
        ));
    }
    if !s.password_file.is_empty() {
        password_file(Path::new(&s.password_file)).map_err(|msg| problem(section, "password_file", msg))?;
    }
    if !s.ca_file.is_empty() {
        s.ca_certificates().map_err(|msg| problem(section, "ca_file", msg))?;
    }
    Ok(())
}

/// The password file exists, is a file, and only its owner may read it.
fn password_file(path: &Path) -> Result<(), String> {
    if !path.is_absolute() {
        return Err(format!("{}: write the file's absolute path", path.display()));
    }
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!("{} is not a file", path.display()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "{} may be read by others (mode {:o}): chmod 600 it",
                path.display(),
                mode & 0o777
            ));
        }
    }
    Ok(())
}

/// The first word of a sendmail command is an absolute path to a program.
fn sendmail(command: &str) -> Result<(), String> {
    let program = command.split_whitespace().next().unwrap_or("");
    if !program.starts_with('/') {
        return Err(format!(
            "{command:?}: start with the program's absolute path, e.g. \"/usr/sbin/sendmail -t -i\""
        ));
    }
    if !Path::new(program).is_file() {
        return Err(format!(
            "{program} does not exist; install an MTA or write \"\" to send by [mail.smtp]"
        ));
    }
    Ok(())
}

/// `local@domain`, no spaces or angle brackets: what a From header can carry.
pub fn is_address(a: &str) -> bool {
    match a.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && (domain.contains('.') || domain == "localhost")
                && !a.chars().any(|c| c.is_whitespace() || "<>,;\"".contains(c))
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

/// A host that is this machine: a connection to it never leaves it.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim().trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl MailConfig {
    /// What outgoing mail is made with; None when no address is set (mail off).
    pub fn outgoing(&self) -> Option<crate::domain::mail::Outgoing> {
        (!self.address.is_empty()).then(|| crate::domain::mail::Outgoing {
            address: self.address.clone(),
            tag: self.subject_tag.clone(),
        })
    }

    /// The outgoing settings, with no address when `address` is empty (the
    /// subject tag alone: what is queued then waits for an address).
    pub fn outgoing_or_tag(&self) -> crate::domain::mail::Outgoing {
        self.outgoing().unwrap_or(crate::domain::mail::Outgoing {
            address: String::new(),
            tag: self.subject_tag.clone(),
        })
    }
}

impl ServerConfig {
    /// The PEM text of `ca_file`, checked to hold at least one certificate
    /// (None when no CA file is set).
    pub fn ca_certificates(&self) -> Result<Option<Vec<u8>>, String> {
        use rustls::pki_types::{pem::PemObject, CertificateDer};
        if self.ca_file.is_empty() {
            return Ok(None);
        }
        let path = Path::new(&self.ca_file);
        if !path.is_absolute() {
            return Err(format!("{}: write the file's absolute path", path.display()));
        }
        let pem = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let certs = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("{}: not PEM certificates ({e})", path.display()))?;
        if certs.is_empty() {
            return Err(format!(
                "{} holds no certificate (-----BEGIN CERTIFICATE-----)",
                path.display()
            ));
        }
        Ok(Some(pem))
    }

    /// The password from `password_file`, its last newline removed.
    pub fn password(&self) -> std::io::Result<String> {
        let text = std::fs::read_to_string(&self.password_file)?;
        Ok(text.trim_end_matches(['\n', '\r']).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_only_are_loopback() {
        for h in ["localhost", "127.0.0.1", "127.8.0.2", "::1", "[::1]"] {
            assert!(is_loopback(h), "{h}");
        }
        for h in ["mail.example.com", "10.0.0.1", "localhost.example.com", ""] {
            assert!(!is_loopback(h), "{h}");
        }
    }

    fn load(text: &str) -> Result<crate::config::Config, crate::config::ConfigError> {
        crate::config::Config::from_user_text(Path::new("/etc/pimdesk/config.toml"), text)
    }

    #[test]
    fn pims_mail_defaults_load() {
        let m = crate::config::Config::defaults().mail;
        assert_eq!(m.address, "support@proactive-info.com");
        assert_eq!(m.subject_tag, "pim");
        assert_eq!(m.smtp.security, "starttls");
        assert_eq!(m.imap.done_folder.as_deref(), Some("pimdesk/done"));
        assert_eq!(m.max_message_bytes, 26_214_400);
    }

    #[test]
    fn bad_mail_settings_name_their_line_and_key() {
        let cases = [
            (
                "[mail]\naddress = \"support\"\n",
                2,
                "mail.address",
                "not a mail address",
            ),
            ("[mail]\nsubject_tag = \"p i m\"\n", 2, "mail.subject_tag", "letters"),
            ("[mail]\npoll_secs = 0\n", 2, "mail.poll_secs", "out of range"),
            (
                "[mail]\nmax_per_sender_per_hour = 0\n",
                2,
                "mail.max_per_sender_per_hour",
                "out of range",
            ),
            (
                "[mail.smtp]\nhost = \"mail.example.com\"\nsecurity = \"none\"\n",
                3,
                "mail.smtp.security",
                "unencrypted",
            ),
            ("[mail.smtp]\nsecurity = \"ssl\"\n", 2, "mail.smtp.security", "starttls"),
        ];
        check_cases(&cases);
    }

    #[test]
    fn passwords_and_programs_that_cannot_work_are_refused() {
        let cases = [
            (
                "[mail.smtp]\nuser = \"pim\"\npassword = \"hunter2\"\n",
                3,
                "mail.smtp.password",
                "password_file",
            ),
            (
                "[mail.smtp]\nuser = \"pim\"\n",
                1,
                "mail.smtp.password_file",
                "needs a password",
            ),
            (
                "[mail.smtp]\nuser = \"pim\"\npassword_file = \"/nonexistent/pw\"\n",
                3,
                "mail.smtp.password_file",
                "cannot read",
            ),
            (
                "[mail.imap]\nhost = \"imap.example.com\"\nsecurity = \"none\"\n",
                3,
                "mail.imap.security",
                "localhost",
            ),
            (
                "[mail]\nsendmail = \"sendmail -t\"\n",
                2,
                "mail.sendmail",
                "absolute path",
            ),
        ];
        check_cases(&cases);
    }

    fn check_cases(cases: &[(&str, usize, &str, &str)]) {
        for &(text, line, key, words) in cases {
            let e = load(text).expect_err(text);
            assert_eq!(e.line, Some(line), "{text}: {e}");
            assert_eq!(e.key.as_deref(), Some(key), "{text}: {e}");
            assert!(e.message.contains(words), "{text}: {e}");
            assert!(!e.to_string().contains("hunter2"), "the password is echoed: {e}");
        }
    }

    #[test]
    fn none_is_fine_on_this_machine_and_a_private_password_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let pw = dir.path().join("pw");
        std::fs::write(&pw, "s3cret\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o644)).unwrap();
        let text = format!(
            "[mail.smtp]\nhost = \"127.0.0.1\"\nport = 2525\nsecurity = \"none\"\nuser = \"pim\"\npassword_file = \"{}\"\n",
            pw.display()
        );
        let e = load(&text).expect_err("a password file others may read");
        assert!(e.message.contains("chmod 600"), "{e}");
        std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o600)).unwrap();
        let c = load(&text).expect("loopback without TLS");
        assert_eq!(c.mail.smtp.password().unwrap(), "s3cret");
    }

    #[test]
    fn addresses_are_checked_for_what_a_from_header_carries() {
        assert!(is_address("support@proactive-info.com"));
        assert!(is_address("pim@localhost"));
        for a in [
            "support",
            "@example.com",
            "a b@example.com",
            "<a@example.com>",
            "a@example",
        ] {
            assert!(!is_address(a), "{a}");
        }
    }
}
