//! Config refusals (DESIGN.md 4): a bad config file is exit code 2 with a
//! message naming the file, the line and the key, and the store is untouched.

mod common;

use common::cli::{assert_unchanged, seed_doc, snapshot, Env};

/// A store with data in it, plus an import file that would change it if the
/// bad config were wrongly accepted.
fn env_with_store() -> (Env, std::path::PathBuf) {
    let env = Env::new();
    env.demo_into(&env.db, 10, 1);
    let doc = env.write("seed.json", &seed_doc().to_string());
    (env, doc)
}

/// Runs `doctor`, `import` and `demo` with the config file `text`; each must
/// refuse with exit code 2 and a message naming the file, `line N` and `key`,
/// leaving the store byte for byte as it was.
#[track_caller]
fn assert_refused(text: &str, line: usize, key: &str, also: &[&str]) {
    let (env, doc) = env_with_store();
    let bad = env.write("bad.toml", text);
    let before = snapshot(&env.db);
    let doc = doc.to_str().expect("utf-8");
    for args in [&["doctor"][..], &["import", doc], &["demo", "--tickets", "5"]] {
        let r = env.run_with(&env.db, &bad, args);
        r.expect_code(2).expect_no_panic();
        let what = format!("pimdesk {} with config\n{text}", args.join(" "));
        assert!(
            r.stderr.contains(&bad.display().to_string()),
            "{what}: the message does not name the config file {}:\n{r}",
            bad.display()
        );
        assert!(
            r.stderr.contains(&format!("line {line}")),
            "{what}: the message does not name line {line}:\n{r}"
        );
        assert!(
            r.stderr.contains(key),
            "{what}: the message does not name the key `{key}`:\n{r}"
        );
        for word in also {
            assert!(
                r.stderr.contains(word),
                "{what}: the message does not mention {word:?}:\n{r}"
            );
        }
        assert!(r.stdout.is_empty(), "{what}: printed on stdout although refused:\n{r}");
        assert_unchanged(&env.db, &before, &what);
    }
}

#[test]
fn toml_syntax_error_names_file_line_and_key() {
    assert_refused(
        "# my overrides\n[billing]\ninvoice_prefix = \"INV-\nmonths_in_advance = 1\n",
        3,
        "invoice_prefix",
        &[],
    );
}

#[test]
fn unknown_key_is_refused() {
    assert_refused(
        "# pim overrides\n[billing]\nlabor_increment = 15\n",
        3,
        "labor_increment",
        &[],
    );
}

#[test]
fn wrong_type_is_refused() {
    assert_refused(
        "[billing]\nnon_contract_rate_cents = 15000\nlabor_increment_minutes = \"fifteen\"\n",
        3,
        "labor_increment_minutes",
        &[],
    );
}

#[test]
fn unknown_time_zone_is_refused() {
    assert_refused(
        "[calendar]\ntimezone = \"Mars/Olympus\"\n",
        2,
        "timezone",
        &["Mars/Olympus"],
    );
}

#[test]
fn impossible_holiday_date_is_refused() {
    assert_refused(
        "[calendar]\ntimezone = \"America/New_York\"\nholidays = [\"2026-02-30\"]\n",
        3,
        "holidays",
        &[],
    );
}

#[test]
fn sla_table_without_p5_is_refused() {
    // A user [sla] table replaces the default whole, so p5 is missing.
    let mut text = String::from("# our SLA\n");
    for p in 1..=4 {
        text.push_str(&format!(
            "[sla.p{p}]\nname = \"P{p}\"\nclock = \"business\"\ngoal_minutes = 30\ntarget_minutes = 60\ndefinition = \"d\"\n"
        ));
    }
    assert_refused(&text, 2, "p5", &[]);
}

#[test]
fn unknown_key_binding_action_is_refused() {
    assert_refused(
        "[keys.list]\ndown = [\"j\", \"Down\"]\nfly_away = \"f\"\n",
        3,
        "fly_away",
        &[],
    );
}

#[test]
fn bad_key_name_in_binding_is_refused() {
    assert_refused("[keys.global]\nquit = \"Ctrl+Q+Z\"\n", 2, "quit", &[]);
}

#[test]
fn missing_config_file_given_explicitly_is_refused() {
    for via_env in [false, true] {
        let (env, doc) = env_with_store();
        let missing = env.path("no-such-config.toml");
        let before = snapshot(&env.db);
        for args in [&["doctor"][..], &["import", doc.to_str().expect("utf-8")]] {
            let mut c = env.bare_command();
            c.arg("--db").arg(&env.db);
            if via_env {
                c.env("PIMDESK_CONFIG", &missing);
            } else {
                c.arg("--config").arg(&missing);
            }
            c.args(args);
            let r = common::cli::run(c);
            r.expect_code(2).expect_no_panic();
            assert!(
                r.stderr.contains(&missing.display().to_string()),
                "the message does not name the missing config file:\n{r}"
            );
            assert_unchanged(&env.db, &before, "missing --config");
        }
    }
}

#[test]
fn good_override_file_is_used() {
    let (env, _doc) = env_with_store();
    let good = env.write(
        "good.toml",
        "# pim Chicago office\n[calendar]\ntimezone = \"America/Chicago\"\nholidays = [\"2026-12-25\"]\n\n[billing]\nlabor_increment_minutes = 6\n\n[keys.list]\ndown = [\"j\", \"Down\", \"C-n\"]\n",
    );
    let r = env.run_with(&env.db, &good, &["doctor"]);
    r.expect_code(0).expect_no_panic();
    assert!(
        r.stdout.contains(&good.display().to_string()),
        "doctor names the config file:\n{r}"
    );
    assert!(
        !r.stdout.contains("absent"),
        "doctor calls a present config absent:\n{r}"
    );
    assert!(r.stdout.lines().any(|l| l.trim() == "ok"), "doctor says ok:\n{r}");

    // The override is in force: exports are written in the configured zone.
    let out = env.path("chicago.json");
    env.run_with(&env.db, &good, &["export", out.to_str().expect("utf-8")])
        .expect_code(0);
    let text = std::fs::read_to_string(&out).expect("export");
    assert!(
        text.contains("-06:00\""),
        "winter times in a Chicago export are at -06:00:\n{}",
        &text[..text.len().min(2000)]
    );
}

#[test]
fn full_sla_override_with_five_priorities_is_accepted() {
    let (env, _doc) = env_with_store();
    let mut text = String::new();
    for p in 1..=5 {
        let clock = match p {
            1 => "24x7",
            5 => "scheduled",
            _ => "business",
        };
        text.push_str(&format!(
            "[sla.p{p}]\nname = \"P{p}\"\nclock = \"{clock}\"\ngoal_minutes = 20\ntarget_minutes = 40\ndefinition = \"ours\"\n\n"
        ));
    }
    let good = env.write("sla.toml", &text);
    env.run_with(&env.db, &good, &["doctor"])
        .expect_code(0)
        .expect_no_panic();
    // The table is in force: a P2 opened at 14:00 on a Wednesday is due 40
    // business minutes later, warned at 20, instead of the guide's 60 and 30.
    let (due, warn) = new_p2_deadlines(&env, &good);
    assert_eq!(
        (due.as_str(), warn.as_str()),
        ("2026-11-25T14:40:00-05:00", "2026-11-25T14:20:00-05:00")
    );
}

/// Opens a P2 ticket under `config` at the tests' NOW and returns its
/// response deadline and warning time as `ticket show --json` gives them.
fn new_p2_deadlines(env: &Env, config: &std::path::Path) -> (String, String) {
    let r = env.run_with(
        &env.db,
        config,
        &[
            "ticket",
            "new",
            "--company",
            "River City Audit Partners",
            "--summary",
            "VPN down",
            "--priority",
            "2",
        ],
    );
    r.expect_code(0);
    let id = r.stdout.trim().to_string();
    let r = env.run_with(&env.db, config, &["ticket", "show", &id, "--json"]);
    r.expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("ticket show --json");
    let field = |k: &str| v[k].as_str().unwrap_or_else(|| panic!("{k} in {v}")).to_string();
    (field("response_due"), field("warning_at"))
}

#[test]
fn empty_config_file_means_defaults() {
    let env = Env::new();
    env.demo_into(&env.db, 5, 1);
    let r = env.run(&["doctor"]);
    r.expect_code(0).expect_no_panic();
    // The guide's table: P2 answered within 60 minutes, goal 30.
    let (due, warn) = new_p2_deadlines(&env, &env.config);
    assert_eq!(
        (due.as_str(), warn.as_str()),
        ("2026-11-25T15:00:00-05:00", "2026-11-25T14:30:00-05:00")
    );
}

/// A holiday in the config moves a business-hours deadline past it: the
/// calendar is read from the file, not only accepted.
#[test]
fn a_holiday_in_the_config_moves_the_deadline() {
    let env = Env::new();
    env.demo_into(&env.db, 5, 1);
    let holiday = env.write("holiday.toml", "[calendar]\nholidays = [\"2026-11-25\"]\n");
    let (due, _) = new_p2_deadlines(&env, &holiday);
    // Wednesday is a holiday: the hour starts Thursday at 08:00.
    assert_eq!(due, "2026-11-26T09:00:00-05:00");
}

#[test]
fn absent_default_config_means_defaults() {
    // No --config and no PIMDESK_CONFIG: the platform default path (inside
    // the temp HOME) is absent, which is fine.
    let env = Env::new();
    env.demo_into(&env.db, 5, 1);
    let mut c = env.bare_command();
    c.arg("--db").arg(&env.db).arg("doctor");
    let r = common::cli::run(c);
    r.expect_code(0).expect_no_panic();
    assert!(
        r.stdout.contains("absent"),
        "doctor says the default config is absent:\n{r}"
    );
}

#[test]
fn unknown_action_is_located_in_its_own_section() {
    // `open` is a real action of [keys.list] but not of [keys.queue]: the
    // message must point at line 5, not at the valid `open` on line 2.
    assert_refused(
        "[keys.list]\nopen = \"Enter\"\n\n[keys.queue]\nopen = \"o\"\n",
        5,
        "keys.queue.open",
        &[],
    );
}

/// `ticket list` with the config `text` is refused with exit code 2, naming
/// the file, `line N`, `key` and each of `also`, and no store file is made.
#[track_caller]
fn assert_refused_at_load(text: &str, line: usize, key: &str, also: &[&str]) {
    let env = Env::new();
    let bad = env.write("bad.toml", text);
    let r = env.run_with(&env.db, &bad, &["ticket", "list"]);
    let what = format!("config\n{text}");
    r.expect_code(2).expect_no_panic();
    for word in [&format!("line {line}"), key, &bad.display().to_string()]
        .into_iter()
        .chain(also.iter().copied())
    {
        assert!(
            r.stderr.contains(word),
            "{what}: the message does not mention {word:?}:\n{r}"
        );
    }
    assert!(!env.db.exists(), "{what}: a store file was made");
}

#[test]
fn every_number_has_a_range() {
    assert_refused_at_load(
        "[store]\nbusy_timeout_ms = 2147483648\n",
        2,
        "store.busy_timeout_ms",
        &["0 to 600000"],
    );
    assert_refused_at_load(
        "[console]\nbreaching_soon_minutes = -5\n",
        2,
        "console.breaching_soon_minutes",
        &[],
    );
    assert_refused_at_load(
        "[billing]\nnon_contract_rate_cents = -15000\n",
        2,
        "billing.non_contract_rate_cents",
        &[],
    );
    assert_refused_at_load(
        "\n[console]\ndraft_interval_secs = 0\n",
        3,
        "console.draft_interval_secs",
        &[],
    );
}

#[test]
fn settings_that_cannot_work_are_refused_at_load() {
    let p2 = "[sla.p1]\nname = \"a\"\nclock = \"24x7\"\ngoal_minutes = 1\ntarget_minutes = 60\ndefinition = \"\"\n\
              [sla.p2]\nname = \"b\"\nclock = \"business\"\ngoal_minutes = 90\ntarget_minutes = 60\ndefinition = \"\"\n\
              [sla.p3]\nname = \"c\"\nclock = \"business\"\ngoal_minutes = 1\ntarget_minutes = 60\ndefinition = \"\"\n\
              [sla.p4]\nname = \"d\"\nclock = \"business\"\ngoal_minutes = 1\ntarget_minutes = 60\ndefinition = \"\"\n\
              [sla.p5]\nname = \"e\"\nclock = \"scheduled\"\ngoal_minutes = 60\ntarget_minutes = 0\ndefinition = \"\"\n";
    assert_refused_at_load(p2, 10, "sla.p2.goal_minutes", &["target"]);
    assert_refused_at_load("[oncall]\nhandover = \"25:99\"\n", 2, "oncall.handover", &["HH:MM"]);
    assert_refused_at_load("[oncall]\nstart = \"2026-01-06\"\n", 2, "oncall.start", &["Monday"]);
    assert_refused_at_load("[console]\ncolors = \"rainbow\"\n", 2, "console.colors", &["ansi16"]);
    assert_refused_at_load(
        "[store]\ngroup = \"no-such-group-pimdesk\"\n",
        2,
        "store.group",
        &["no such group"],
    );
}

#[test]
fn colliding_key_bindings_are_refused_naming_both() {
    assert_refused_at_load(
        "[keys.global]\nquit = \"q\"\nhelp = \"q\"\n",
        3,
        "keys.global.help",
        &["keys.global.quit"],
    );
    assert_refused_at_load(
        "[keys.queue]\nsort_next = \"j\"\n",
        2,
        "keys.queue.sort_next",
        &["keys.list.down"],
    );
}

#[test]
fn binary_and_utf16_files_say_so() {
    let env = Env::new();
    let utf16: Vec<u8> = "\u{feff}[store]\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
    for (bytes, word) in [(utf16, "UTF-16"), (vec![0x7f, b'E', b'L', b'F', 0, 1, 2], "binary")] {
        let bad = env.path("bad.toml");
        std::fs::write(&bad, &bytes).expect("write config");
        let r = env.run_with(&env.db, &bad, &["ticket", "list"]);
        r.expect_code(2).expect_no_panic();
        assert!(r.stderr.contains(word) && r.stderr.contains("bad.toml"), "{r}");
    }
}

#[test]
fn mail_settings_that_cannot_work_are_refused_at_start() {
    // Unencrypted SMTP to another host would send the password in clear.
    assert_refused(
        "[mail.smtp]\nhost = \"smtp.example.com\"\nport = 25\nsecurity = \"none\"\n",
        4,
        "mail.smtp.security",
        &["unencrypted"],
    );
    // A password is never written in the config itself.
    assert_refused(
        "[mail.imap]\nhost = \"imap.example.com\"\nuser = \"pim\"\npassword = \"hunter2\"\n",
        4,
        "mail.imap.password",
        &["password_file"],
    );
    // A CA file that is not there, or holds no certificate.
    assert_refused(
        "[mail.smtp]\nhost = \"smtp.example.com\"\nca_file = \"/nonexistent/ca.pem\"\n",
        3,
        "mail.smtp.ca_file",
        &["cannot read /nonexistent/ca.pem"],
    );
    let not_pem = std::env::temp_dir().join(format!("pimdesk-not-pem-{}.txt", std::process::id()));
    std::fs::write(&not_pem, "just text\n").unwrap();
    assert_refused(
        &format!(
            "[mail.imap]\nhost = \"imap.example.com\"\nca_file = \"{}\"\n",
            not_pem.display()
        ),
        3,
        "mail.imap.ca_file",
        &["holds no certificate"],
    );
    let _ = std::fs::remove_file(&not_pem);
}
