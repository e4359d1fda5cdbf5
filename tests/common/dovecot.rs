//! A throwaway Dovecot IMAP server on loopback for the mail tests: its own
//! config, Maildir and passwd file in a temp dir, user `pim` password
//! `imap-test-pw`, stopped when dropped. Without Dovecot, [`Dovecot::start`]
//! gives None (and the test says "skipped"), unless PIMDESK_REQUIRE_TOOLS is
//! set, where it fails.
#![allow(dead_code)]

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const USER: &str = "pim";
pub const PASSWORD: &str = "imap-test-pw";

pub struct Dovecot {
    child: Child,
    pub port: u16,
    /// The IMAPS port (TLS from the first byte), when started with TLS.
    pub tls_port: Option<u16>,
    dir: PathBuf,
    uid: u32,
}

/// The account mail is stored as: ours, or `nobody` when we are root
/// (Dovecot refuses mail access as root).
fn mail_owner() -> (u32, u32) {
    let (uid, gid) = own_ids();
    if uid != 0 {
        return (uid, gid);
    }
    let id = |flag: &str| -> u32 {
        let out = Command::new("id").args([flag, "nobody"]).output().expect("id nobody");
        String::from_utf8_lossy(&out.stdout).trim().parse().expect("a number")
    };
    (id("-u"), id("-g"))
}

fn own_ids() -> (u32, u32) {
    use std::os::unix::fs::MetadataExt;
    // A file we just made is ours: its owner is our uid and gid.
    let probe = std::env::temp_dir().join(format!("pimdesk-uid-{}", std::process::id()));
    std::fs::write(&probe, b"").expect("probe");
    let meta = std::fs::metadata(&probe).expect("probe");
    let _ = std::fs::remove_file(&probe);
    (meta.uid(), meta.gid())
}

fn chown_all(path: &Path, uid: u32, gid: u32) {
    std::os::unix::fs::chown(path, Some(uid), Some(gid)).expect("chown");
    if path.is_dir() {
        for e in std::fs::read_dir(path).expect("read dir") {
            chown_all(&e.expect("entry").path(), uid, gid);
        }
    }
}

impl Dovecot {
    pub fn start(dir: &Path) -> Option<Dovecot> {
        Dovecot::start_with(dir, None)
    }

    /// A server that also offers STARTTLS on its port and IMAPS on
    /// `tls_port`, with this certificate.
    pub fn start_tls(dir: &Path, certs: &super::tls::Certs) -> Option<Dovecot> {
        Dovecot::start_with(dir, Some(certs))
    }

    fn start_with(dir: &Path, certs: Option<&super::tls::Certs>) -> Option<Dovecot> {
        if !Path::new("/usr/sbin/dovecot").exists() {
            assert!(
                std::env::var_os("PIMDESK_REQUIRE_TOOLS").is_none(),
                "Dovecot (dovecot-imapd) is required here (PIMDESK_REQUIRE_TOOLS is set) but not installed"
            );
            let _ = std::io::Write::write_all(&mut std::io::stderr(), b"skipped: dovecot-imapd is not installed\n");
            return None;
        }
        let (uid, gid) = mail_owner();
        for sub in ["run", "state", "mail", "home"] {
            std::fs::create_dir_all(dir.join(sub)).expect("dovecot dirs");
        }
        std::fs::write(dir.join("passwd"), format!("{USER}:{{PLAIN}}{PASSWORD}\n")).expect("passwd");
        for sub in ["mail", "home"] {
            chown_all(&dir.join(sub), uid, gid);
        }
        // A port free when asked may be taken by a test running beside this
        // one before Dovecot binds it: then Dovecot exits, and another
        // port is tried (a connect alone could reach the other's server).
        for _ in 0..5 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .ok()?
                .local_addr()
                .ok()?
                .port();
            let tls_port = certs.and_then(|_| {
                Some(
                    std::net::TcpListener::bind("127.0.0.1:0")
                        .ok()?
                        .local_addr()
                        .ok()?
                        .port(),
                )
            });
            let tls = certs.zip(tls_port);
            if let Some(child) = launch(dir, port, uid, gid, tls) {
                return Some(Dovecot {
                    child,
                    port,
                    tls_port,
                    dir: dir.to_path_buf(),
                    uid,
                });
            }
        }
        let log = std::fs::read_to_string(dir.join("dovecot.log")).unwrap_or_default();
        panic!("Dovecot did not start on any of five ports:\n{log}");
    }

    /// Puts a message in the user's INBOX (a new file in the Maildir).
    pub fn add(&self, name: &str, message: &[u8]) {
        let inbox = self.dir.join("mail").join(USER);
        for sub in ["new", "cur", "tmp"] {
            std::fs::create_dir_all(inbox.join(sub)).expect("maildir");
        }
        let file = inbox
            .join("new")
            .join(format!("{}.{name}.test", 1_764_000_000 + self.count_files(&inbox)));
        std::fs::write(&file, message).expect("write message");
        let gid = std::fs::metadata(self.dir.join("mail")).map_or(0, |m| std::os::unix::fs::MetadataExt::gid(&m));
        chown_all(&inbox, self.uid, gid);
    }

    fn count_files(&self, inbox: &Path) -> usize {
        ["new", "cur"]
            .iter()
            .map(|s| std::fs::read_dir(inbox.join(s)).map_or(0, |d| d.count()))
            .sum()
    }

    /// How many messages a folder holds, asked over IMAP as a mail program would.
    pub fn count(&self, folder: &str) -> u32 {
        let tcp = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        let mut client = imap::Client::new(tcp);
        client.read_greeting().expect("greeting");
        let mut session = client.login(USER, PASSWORD).map_err(|(e, _)| e).expect("login");
        let n = session.examine(folder).map(|m| m.exists).unwrap_or(0);
        let _ = session.logout();
        n
    }

    /// The `[mail.imap]` settings that reach this server.
    pub fn config(&self, password_file: &Path) -> String {
        format!(
            "[mail.imap]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\nuser = \"{USER}\"\npassword_file = \"{}\"\n",
            self.port,
            password_file.display()
        )
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

/// Dovecot on `port`, once it listens there and is still running; None if
/// it exited (the port was taken).
fn launch(
    dir: &Path,
    port: u16,
    uid: u32,
    gid: u32,
    tls: Option<(&super::tls::Certs, u16)>,
) -> Option<std::process::Child> {
    let d = dir.display();
    let (ssl, imaps) = match tls {
        Some((c, p)) => (
            format!(
                "ssl = yes\nssl_cert = <{}\nssl_key = <{}\n",
                c.cert.display(),
                c.key.display()
            ),
            p,
        ),
        None => ("ssl = no\n".to_string(), 0),
    };
    let conf = format!(
        "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {d}/run\nstate_dir = {d}/state\n\
         log_path = {d}/dovecot.log\n{ssl}disable_plaintext_auth = no\nauth_mechanisms = plain login\n\
         first_valid_uid = 1\nmail_location = maildir:{d}/mail/%u\n\
         namespace inbox {{\n  inbox = yes\n  separator = /\n}}\n\
         passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {d}/passwd\n}}\n\
         userdb {{\n  driver = static\n  args = uid={uid} gid={gid} home={d}/home/%u\n}}\n\
         service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  inet_listener imaps {{\n    address = 127.0.0.1\n    port = {imaps}\n  }}\n}}\n"
    );
    std::fs::write(dir.join("dovecot.conf"), conf).expect("dovecot.conf");
    let mut child = Command::new("/usr/sbin/dovecot")
        .arg("-F")
        .arg("-c")
        .arg(dir.join("dovecot.conf"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start dovecot");
    let started = Instant::now();
    loop {
        if child.try_wait().ok().flatten().is_some() {
            return None;
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            // Still ours a moment later: a Dovecot that lost the port exits.
            std::thread::sleep(Duration::from_millis(150));
            if child.try_wait().ok().flatten().is_none() {
                return Some(child);
            }
            return None;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
