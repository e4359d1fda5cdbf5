//! A PostgreSQL address where a store file goes: this build keeps its store
//! in SQLite only, so `--db postgres://…` (or `PIMDESK_DB`) is refused with
//! exit code 3 and words that say so, and creates nothing (it used to make
//! a directory `postgres:` and a SQLite file inside it).

mod common;

use common::cli::{run, Env};

/// What the command left in the working directory besides the test's own files.
fn created(env: &Env, before: &[String]) -> Vec<String> {
    let mut now: Vec<String> = std::fs::read_dir(env.dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !before.contains(n))
        .collect();
    now.sort();
    now
}

#[test]
fn a_postgres_address_is_refused_and_nothing_is_created() {
    let env = Env::new();
    let before: Vec<String> = created(&env, &[]);
    for (url, shown) in [
        (
            "postgres://tech@db.example/pimdesk",
            "postgres://tech@db.example/pimdesk",
        ),
        ("postgresql://db.example/helpdesk", "postgresql://db.example/helpdesk"),
        // A password is never echoed back.
        (
            "postgres://tech:s3cret@db.example/pimdesk",
            "postgres://tech:…@db.example/pimdesk",
        ),
    ] {
        for args in [vec!["ticket", "list"], vec!["doctor"], vec!["demo", "--tickets", "5"]] {
            let r = run(env.command_with(std::path::Path::new(url), &env.config, &args));
            r.expect_code(3).expect_no_panic();
            assert!(
                r.stderr.contains(shown) && r.stderr.contains("PostgreSQL"),
                "{url} {args:?}:\n{r}"
            );
            assert!(!r.stderr.contains("s3cret"), "the password was shown:\n{r}");
        }
        let mut c = env.bare_command();
        c.env("PIMDESK_DB", url)
            .args(["--config"])
            .arg(&env.config)
            .args(["ticket", "list"]);
        run(c).expect_code(3);
    }
    assert_eq!(
        created(&env, &before),
        Vec::<String>::new(),
        "files or directories were created"
    );
}
