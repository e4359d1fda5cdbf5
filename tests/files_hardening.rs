//! Files pimdesk creates (DESIGN.md 6): as private as the store whatever
//! the umask, and never left half-written when the disk is full.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

use common::cli::{run, Env, Run};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Runs `c` with umask 000, the most open a user can set.
fn open_umask(mut c: Command) -> Run {
    // SAFETY: umask is async-signal-safe and touches nothing but the child's mask.
    unsafe {
        c.pre_exec(|| {
            libc::umask(0);
            Ok(())
        });
    }
    run(c)
}

/// The name of this process's group, which `store.group` may name.
fn my_group() -> String {
    // SAFETY: getgrgid returns a pointer into static storage or null; read once, here.
    unsafe {
        let g = libc::getgrgid(libc::getegid());
        assert!(!g.is_null(), "the process's group has a name");
        std::ffi::CStr::from_ptr((*g).gr_name).to_string_lossy().into_owned()
    }
}

/// Store, its directories, export, CSV and log under umask 000, with and
/// without `store.group`.
#[test]
fn created_files_are_private_whatever_the_umask() {
    for (group, file_mode, dir_mode) in [(None, 0o600, 0o700), (Some(my_group()), 0o660, 0o750)] {
        let env = Env::new();
        if let Some(g) = &group {
            std::fs::write(&env.config, format!("[store]\ngroup = \"{g}\"\n")).expect("config");
        }
        let db = env.path("data/pim/store.db");
        let export = env.path("export.json");
        let csv = env.path("invoices.csv");
        let config = env.config.clone();
        let args = |a: &[&str]| env.command_with(&db, &config, a);
        open_umask(args(&["demo", "--tickets", "20"])).expect_code(0);
        open_umask(args(&["export", export.to_str().expect("utf-8")])).expect_code(0);
        open_umask(args(&["invoice", "csv", csv.to_str().expect("utf-8")])).expect_code(0);
        let what = format!("with store.group {group:?}");
        for file in [db.clone(), export, csv, env.path("data/pim/pimdesk.log")] {
            assert_eq!(mode(&file), file_mode, "{} {what}", file.display());
        }
        for dir in [env.path("data"), env.path("data/pim")] {
            assert_eq!(mode(&dir), dir_mode, "{} {what}", dir.display());
        }
    }
}

/// Runs pimdesk with `full` mounted as a tiny file system in a private mount
/// namespace; returns the run and what `full` held afterwards. None where
/// user namespaces are not available.
fn on_full_disk(env: &Env, db: &Path, args: &[&str]) -> Option<(Run, String)> {
    let full = env.path("full");
    std::fs::create_dir_all(&full).expect("dir");
    let inner = env.command_with(db, &env.config, args);
    let words: Vec<String> = std::iter::once(inner.get_program())
        .chain(inner.get_args())
        .map(|a| format!("'{}'", a.to_string_lossy()))
        .collect();
    let script = format!(
        "mount -t tmpfs -o size=96k tmpfs '{dir}' || exit 99; {cmd}; code=$?; echo \"LEFT:$(ls -A '{dir}' | tr '\\n' ' ')\" >&2; exit $code",
        dir = full.display(),
        cmd = words.join(" ")
    );
    let mut sh = Command::new("unshare");
    sh.args(["-rm", "sh", "-c", &script]).current_dir(env.dir.path());
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => sh.env(k, v),
            None => sh.env_remove(k),
        };
    }
    let r = run(sh);
    if r.code == 99 || r.stderr.contains("unshare:") {
        return None;
    }
    let left = r
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("LEFT:"))
        .unwrap_or_default()
        .to_string();
    Some((r, left))
}

#[test]
fn a_full_disk_is_exit_3_and_leaves_no_file() {
    let env = Env::new();
    env.demo_into(&env.db, 200, 1);
    let out = env.path("full/export.json");
    let Some((r, left)) = on_full_disk(&env, &env.db, &["export", out.to_str().expect("utf-8")]) else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "skipped: no user namespaces to mount a small file system"
        );
        return;
    };
    assert_eq!(r.code, 3, "export onto a full disk:\n{r}");
    assert!(r.stderr.contains("disk full"), "{r}");
    assert!(!left.contains("export"), "export left {left:?} behind:\n{r}");
    let db = env.path("full/demo.db");
    let (r, left) = on_full_disk(&env, &db, &["demo", "--tickets", "2000"]).expect("namespaces worked above");
    assert_eq!(r.code, 3, "demo onto a full disk:\n{r}");
    assert!(r.stderr.contains("disk full"), "{r}");
    assert!(!left.contains("demo.db"), "demo left {left:?} behind:\n{r}");
}
