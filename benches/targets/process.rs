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
///
/// Linux carries a process's peak RSS across fork and exec, so a child of
/// this (large) benchmark process would report at least the benchmark's own
/// size. The command is therefore started by a fresh copy of this binary
/// ([`spawner`], a few MB), which runs it and reports its wall time, exit
/// code and peak RSS through a file.
pub fn run_measured(cmd: Command, input: Option<Vec<u8>>) -> Result<Measured> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let report = bench_dir().join(format!("spawn-{}-{n}.txt", std::process::id()));
    let _ = std::fs::remove_file(&report);
    let mut outer = Command::new(std::env::current_exe()?);
    outer.env(SPAWN, &report).arg(cmd.get_program()).args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => outer.env(k, v),
            None => outer.env_remove(k),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        outer.current_dir(dir);
    }
    outer
        .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = outer.spawn().with_context(|| format!("starting {BIN}"))?;
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
    child.wait()?;
    if let Some(f) = feeder {
        let _ = f.join();
    }
    let text =
        std::fs::read_to_string(&report).with_context(|| format!("the spawner's report {}", report.display()))?;
    let _ = std::fs::remove_file(&report);
    let mut parts = text.split_whitespace().map(|p| p.parse::<i64>().unwrap_or(-1));
    let (code, maxrss_kb, wall_us) = (
        parts.next().unwrap_or(-1),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    Ok(Measured {
        wall: Duration::from_micros(u64::try_from(wall_us).unwrap_or(0)),
        maxrss_mb: maxrss_kb as f64 / 1024.0,
        code: i32::try_from(code).unwrap_or(-1),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

/// The environment variable naming the spawner's report file.
pub const SPAWN: &str = "PIMDESK_BENCH_SPAWN";

/// The benchmark binary started with [`SPAWN`] set: runs its arguments as a
/// command with this process's stdio, and writes "code maxrss_kb wall_us".
pub fn spawner(report: &Path) -> Result<()> {
    let mut args = std::env::args_os().skip(1);
    let program = args.next().context("the spawner needs a command")?;
    let mut cmd = Command::new(program);
    cmd.args(args).env_remove(SPAWN);
    let start = Instant::now();
    let child = cmd.spawn().context("starting the measured command")?;
    let (code, maxrss_kb) = wait4(child.id())?;
    let wall = start.elapsed();
    std::fs::write(report, format!("{code} {maxrss_kb} {}", wall.as_micros()))?;
    Ok(())
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
