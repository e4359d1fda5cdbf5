//! A real SMTP server for the tests: aiosmtpd on loopback
//! (`tests/smtp_sink.py`), writing what it receives to disk.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The SMTP server of one test; stopped when dropped.
pub struct Smtp {
    child: Child,
    dir: PathBuf,
}

impl Smtp {
    pub fn start(port: u16, dir: &Path) -> Smtp {
        Smtp::start_with(port, dir, &[])
    }

    /// A server that speaks TLS: `mode` "starttls" (required before MAIL)
    /// or "tls" (from the first byte), with this certificate and key.
    pub fn start_tls(port: u16, dir: &Path, mode: &str, certs: &super::tls::Certs) -> Smtp {
        let args = [
            mode,
            certs.cert.to_str().expect("utf-8"),
            certs.key.to_str().expect("utf-8"),
        ];
        Smtp::start_with(port, dir, &args)
    }

    fn start_with(port: u16, dir: &Path, extra: &[&str]) -> Smtp {
        std::fs::create_dir_all(dir).expect("mail dir");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py");
        let mut child = Command::new(python())
            .arg(script)
            .arg(port.to_string())
            .arg(dir)
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the SMTP server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read ready");
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        Smtp {
            child,
            dir: dir.to_path_buf(),
        }
    }

    /// The messages received so far, in arrival order.
    pub fn received(&self) -> Vec<String> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .expect("mail dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| String::from_utf8_lossy(&std::fs::read(p).expect("read mail")).into_owned())
            .collect()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Debian's python3-aiosmtpd is a module of the system's Python, which a
/// python3 of one's own earlier on PATH (pyenv) does not see.
fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

/// aiosmtpd is not on every machine: CI installs python3-aiosmtpd and sets
/// PIMDESK_REQUIRE_TOOLS=1, so there a missing server fails instead.
pub fn smtp_available() -> bool {
    let found = Command::new(python())
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("PIMDESK_REQUIRE_TOOLS").is_none(),
            "python3-aiosmtpd is required here (PIMDESK_REQUIRE_TOOLS is set) but not installed"
        );
        let _ = std::io::Write::write_all(&mut std::io::stderr(), b"skipped: python3-aiosmtpd is not installed\n");
    }
    found
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}
