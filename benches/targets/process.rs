//! Whole-process figures: the release binary run to the end, its wall time and peak RSS.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::report::bench_dir;
use crate::{BIN, NOW};

/// A release-binary command with a clean environment: built-in config, frozen time.
pub fn pimdesk(db: &Path) -> Command {
    let home = bench_dir().join("home");
    let _ = std::fs::create_dir_all(home.join("config"));
    let mut c = Command::new(BIN);
    c.env("PIMDESK_NOW", NOW)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("PIMDESK_CONFIG")
        .env_remove("PIMDESK_DB")
        .env_remove("PIMDESK_LOG")
        .arg("--db")
        .arg(db);
    c
}

pub struct Measured {
    pub wall: Duration,
    pub maxrss_mb: f64,
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Runs a child to the end: wall time, and its peak RSS from wait4's rusage.
pub fn run_measured(mut cmd: Command, input: Option<Vec<u8>>) -> Result<Measured> {
    cmd.stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().with_context(|| format!("starting {BIN}"))?;
    let feeder = match (input, child.stdin.take()) {
        (Some(data), Some(mut stdin)) => Some(std::thread::spawn(move || stdin.write_all(&data))),
        _ => None,
    };
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut v);
            }
            v
        })
    };
    let out = drain(child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>));
    let err = drain(child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>));
    let (code, maxrss_kb) = wait4(child.id())?;
    let wall = start.elapsed();
    if let Some(f) = feeder {
        let _ = f.join();
    }
    Ok(Measured {
        wall,
        maxrss_mb: maxrss_kb as f64 / 1024.0,
        code,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

/// Reaps `pid`: (exit code, ru_maxrss in KiB) for that child alone.
fn wait4(pid: u32) -> Result<(i32, i64)> {
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for the child we spawned and have not reaped.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut ru) };
    if rc < 0 {
        bail!("wait4({pid}): {}", std::io::Error::last_os_error());
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok((code, ru.ru_maxrss))
}

pub fn checked(m: Measured, what: &str) -> Result<Measured> {
    if m.code != 0 {
        bail!("{what} exited {}: {}", m.code, String::from_utf8_lossy(&m.stderr));
    }
    Ok(m)
}
