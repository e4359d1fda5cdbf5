//! A PostgreSQL address where a store file goes (team mode, issue #13),
//! tried without a server: a command that does not run on PostgreSQL yet is
//! refused with exit code 3 and words that say so; a password in the
//! address is refused with exit code 2 and never echoed; an unreachable
//! server is exit code 3 in the server's words. None of them creates a
//! file or directory (an address used to become a directory `postgres:`).

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
fn commands_not_yet_on_postgres_say_so_and_create_nothing() {
    let env = Env::new();
    let before: Vec<String> = created(&env, &[]);
    for url in ["postgres://tech@db.example/pimdesk", "postgresql://db.example/helpdesk"] {
        for args in [
            vec!["mail", "outbox"],
            vec!["demo", "--tickets", "5"],
            vec!["export", "x.json"],
        ] {
            let r = run(env.command_with(std::path::Path::new(url), &env.config, &args));
            r.expect_code(3).expect_no_panic();
            assert!(
                r.stderr.contains(url) && r.stderr.contains("PostgreSQL") && r.stderr.contains("SQLite store file"),
                "{url} {args:?}:\n{r}"
            );
        }
        let mut c = env.bare_command();
        c.env("PIMDESK_DB", url)
            .args(["--config"])
            .arg(&env.config)
            .args(["mail", "outbox"]);
        run(c).expect_code(3);
    }
    // The console too, from [store] url in the config.
    let config = env.write("team.toml", "[store]\nurl = \"postgres://tech@db.example/pimdesk\"\n");
    let mut c = env.bare_command();
    c.arg("--config").arg(&config);
    let r = run(c);
    r.expect_code(3);
    assert!(r.stderr.contains("console"), "{r}");
    // The log goes to the data directory, as for the default store.
    assert_eq!(
        created(&env, &before),
        vec!["team.toml".to_string(), "xdg-data".to_string()],
        "files or directories were created"
    );
    let data: Vec<_> = std::fs::read_dir(env.dir.path().join("xdg-data/pimdesk"))
        .expect("data dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(data, vec!["pimdesk.log".to_string()], "a store was created");
}

#[test]
fn a_password_in_the_address_is_refused_and_never_shown() {
    let env = Env::new();
    for args in [vec!["doctor"], vec!["ticket", "list"]] {
        let r = run(env.command_with(
            std::path::Path::new("postgres://tech:s3cret@db.example/pimdesk"),
            &env.config,
            &args,
        ));
        r.expect_code(2).expect_no_panic();
        assert!(
            r.stderr.contains("postgres://tech:…@db.example/pimdesk") && r.stderr.contains("password file"),
            "{r}"
        );
        assert!(!r.stderr.contains("s3cret"), "the password was shown:\n{r}");
    }
    let mut c = env.bare_command();
    c.arg("--config").arg(&env.config).args([
        "store",
        "copy",
        "--from",
        "a.db",
        "--to",
        "postgres://tech@db.example/x?password=s3cret",
    ]);
    let r = run(c);
    r.expect_code(2);
    assert!(!r.stderr.contains("s3cret"), "the password was shown:\n{r}");
}

#[test]
fn an_unreachable_server_is_exit_3_in_its_own_words() {
    let env = Env::new();
    // Nothing listens on port 1 of loopback.
    let r = run(env.command_with(
        std::path::Path::new("postgres://tech@127.0.0.1:1/pimdesk"),
        &env.config,
        &["doctor"],
    ));
    r.expect_code(3).expect_no_panic();
    assert!(
        r.stderr.contains("postgres://tech@127.0.0.1:1/pimdesk") && r.stderr.contains("Connection refused"),
        "{r}"
    );
}
