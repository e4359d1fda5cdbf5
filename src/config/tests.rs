use super::*;

fn load(text: &str) -> Result<Config, ConfigError> {
    Config::from_user_text(Path::new("/etc/pimdesk/config.toml"), text)
}

#[test]
fn built_in_defaults_are_pims_rules() {
    let c = Config::defaults();
    assert_eq!(c.calendar.timezone.0, chrono_tz::America::New_York);
    assert_eq!(c.sla["p1"].clock, ClockSetting::TwentyFourSeven);
    assert_eq!(c.sla["p4"].goal_minutes, 45);
    assert_eq!(c.billing.non_contract_rate_cents, 15000);
    assert_eq!(c.directory.departments.len(), 5);
    assert!(c.calendar.hours.sat.0.is_none());
}

#[test]
fn a_user_file_overrides_only_what_it_sets() {
    let c = load("[calendar.hours]\nsat = \"09:00-12:00\"\n[billing]\nlabor_increment_minutes = 6\n").unwrap();
    assert!(c.calendar.hours.sat.0.is_some());
    assert!(c.calendar.hours.mon.0.is_some(), "monday kept from defaults");
    assert_eq!(c.billing.labor_increment_minutes, 6);
    assert_eq!(c.billing.non_contract_rate_cents, 15000);
    assert_eq!(c.calendar.holidays.len(), Config::defaults().calendar.holidays.len());
}

#[test]
fn bad_files_name_the_line_and_key() {
    let cases = [
        (
            "[calendar]\ntimezone = \"Mars/Olympus\"\n",
            2,
            "timezone",
            "unknown time zone",
        ),
        (
            "[billing]\nlabor_increment = 15\n",
            2,
            "labor_increment",
            "unknown field",
        ),
        (
            "[billing]\nlabor_increment_minutes = \"fifteen\"\n",
            2,
            "labor_increment_minutes",
            "invalid type",
        ),
        ("[calendar]\nholidays = [\"2026-13-40\"]\n", 2, "holidays", ""),
        ("[calendar\n", 1, "", ""),
        (
            "[sla.p1]\nname = \"x\"\nclock = \"24x7\"\ngoal_minutes = 1\ntarget_minutes = 60\ndefinition = \"d\"\n",
            1,
            "sla.p2",
            "missing",
        ),
    ];
    for (text, line, key, msg) in cases {
        let e = load(text).expect_err(text);
        assert_eq!(e.line, Some(line), "{text}: {e}");
        assert!(e.key.clone().unwrap_or_default().contains(key), "{text}: {e}");
        assert!(e.message.contains(msg), "{text}: {e}");
        assert!(e.to_string().contains("/etc/pimdesk/config.toml"), "{e}");
    }
}
