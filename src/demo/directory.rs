//! Demo companies, contacts, technicians and agreements.

use crate::store::demo_rows as rows;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rusqlite::{params, Transaction};

use super::{pick, DemoSummary, Words};
use crate::config::Config;

/// Ids the ticket generator draws on.
pub(crate) struct DemoDirectory {
    /// (company id, its contact ids)
    pub companies: Vec<(i64, Vec<i64>, Vec<String>)>,
    /// technician ids who work tickets
    pub workers: Vec<i64>,
}

const LEVELS: [&str; 6] = ["submitter", "viewer", "company_viewer", "billing", "manager", "admin"];

pub(crate) fn generate(
    tx: &Transaction<'_>,
    words: &Words,
    rng: &mut ChaCha8Rng,
    now: DateTime<Utc>,
    _config: &Config,
    summary: &mut DemoSummary,
) -> anyhow::Result<DemoDirectory> {
    let workers = technicians(tx, words, summary)?;
    let today = now.date_naive();
    let mut companies = Vec::new();
    let industries = [
        ("healthcare", &words.healthcare),
        ("accounting", &words.accounting),
        ("local government", &words.government),
    ];
    let mut n = 0;
    for (industry, names) in industries {
        for name in names.iter() {
            n += 1;
            let city = pick(rng, &words.cities);
            let phone = format!("804-555-{:04}", 1000 + n * 37 % 9000);
            rows::company(tx, params![format!("co{n}"), name, industry, city, phone])?;
            let id = tx.last_insert_rowid();
            let (contacts, contact_names) = contacts(tx, words, rng, id, n, name, summary)?;
            agreements(tx, rng, id, n, today, summary)?;
            onboarding(tx, id, today, rng)?;
            companies.push((id, contacts, contact_names));
        }
    }
    summary.companies = companies.len();
    Ok(DemoDirectory { companies, workers })
}

fn technicians(tx: &Transaction<'_>, words: &Words, summary: &mut DemoSummary) -> anyhow::Result<Vec<i64>> {
    let mut workers = Vec::new();
    for (i, [name, login, role]) in words.technicians.iter().enumerate() {
        let oncall = i < 5;
        rows::technician(
            tx,
            params![
                login,
                login,
                name,
                role,
                format!("804-555-{:04}", 2100 + i * 11),
                format!("{login}@proactive-info.com"),
                oncall
            ],
        )?;
        if role == "technician" || role == "dispatcher" {
            workers.push(tx.last_insert_rowid());
        }
    }
    summary.technicians = words.technicians.len();
    Ok(workers)
}

fn contacts(
    tx: &Transaction<'_>,
    words: &Words,
    rng: &mut ChaCha8Rng,
    company: i64,
    n: usize,
    company_name: &str,
    summary: &mut DemoSummary,
) -> anyhow::Result<(Vec<i64>, Vec<String>)> {
    let domain: String = company_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    let count = rng.random_range(3..=7);
    let (mut ids, mut names) = (Vec::new(), Vec::new());
    for i in 0..count {
        let first = pick(rng, &words.first_names);
        let last = pick(rng, &words.last_names);
        let name = format!("{first} {last}");
        // The first contact runs the account; the rest get a spread of rights.
        let level = if i == 0 {
            "admin"
        } else {
            LEVELS[rng.random_range(0..LEVELS.len() - 1)]
        };
        rows::contact(
            tx,
            params![
                format!("co{n}c{i}"),
                company,
                name,
                format!(
                    "{}.{}@{}.test",
                    first.to_lowercase(),
                    last.to_lowercase(),
                    &domain[..domain.len().min(18)]
                ),
                format!("804-555-{:04}", rng.random_range(1000..9999)),
                pick(rng, &words.titles),
                level
            ],
        )?;
        ids.push(tx.last_insert_rowid());
        names.push(first.clone());
    }
    summary.contacts += ids.len();
    Ok((ids, names))
}

fn agreements(
    tx: &Transaction<'_>,
    rng: &mut ChaCha8Rng,
    company: i64,
    n: usize,
    today: NaiveDate,
    summary: &mut DemoSummary,
) -> anyhow::Result<()> {
    let executed = today - Duration::days(rng.random_range(30..800));
    for (i, product) in plan(n).iter().enumerate() {
        let p = prices(rng, product);
        let is_project = matches!(*product, "VM" | "COLO" | "ECHO" | "ENTERPRISE_EMAIL");
        let completed = is_project
            .then(|| executed + Duration::days(rng.random_range(20..75)))
            .filter(|d| *d < today);
        let ended = (n % 11 == 5 && i == 0).then(|| first_of_next_month(today - Duration::days(60)));
        rows::agreement(
            tx,
            params![
                format!("co{n}a{i}"),
                company,
                product,
                executed.to_string(),
                completed.map(|d| d.to_string()),
                ended.map(|d| d.to_string()),
                p.onboarding,
                p.monthly,
                p.project,
                p.rate,
                p.prepaid_hours
            ],
        )?;
        summary.agreements += 1;
    }
    Ok(())
}

/// The products of the `n`th company.
fn plan(n: usize) -> Vec<&'static str> {
    // One client in six is non-contract: labor billed hourly, no agreement.
    match n % 6 {
        0 => vec![],
        1 => vec!["SMS", "VM"],
        2 => vec!["FITS", "ENTERPRISE_EMAIL"],
        3 => vec!["PREPAID_LABOR"],
        4 => vec!["SMS", "COLO", "ECHO"],
        _ => vec!["FITS"],
    }
}

/// An agreement's fees and labor rate, in cents (prepaid hours a month for prepaid labor).
struct Prices {
    onboarding: i64,
    monthly: i64,
    project: i64,
    rate: i64,
    prepaid_hours: i64,
}

/// The fees of a product; prepaid labor's monthly fee is its hours at the rate.
fn prices(rng: &mut ChaCha8Rng, product: &str) -> Prices {
    let (onboarding, monthly, project): (i64, i64, i64) = match product {
        "SMS" => (rng.random_range(5..25) * 10000, rng.random_range(8..35) * 10000, 0),
        "FITS" => (rng.random_range(10..30) * 10000, rng.random_range(15..60) * 10000, 0),
        "VM" => (50000, rng.random_range(3..15) * 10000, rng.random_range(20..80) * 10000),
        "COLO" => (25000, rng.random_range(25..80) * 1000, rng.random_range(10..30) * 10000),
        "ECHO" => (15000, rng.random_range(15..60) * 1000, rng.random_range(5..20) * 10000),
        "ENTERPRISE_EMAIL" => (20000, rng.random_range(20..90) * 1000, rng.random_range(10..40) * 10000),
        _ => (0, 0, 0),
    };
    let prepaid_hours: i64 = if product == "PREPAID_LABOR" {
        rng.random_range(5..=20)
    } else {
        0
    };
    let rate: i64 = 12500 + 500 * rng.random_range(0..4);
    let monthly = if prepaid_hours > 0 {
        prepaid_hours * rate
    } else {
        monthly
    };
    Prices {
        onboarding,
        monthly,
        project,
        rate,
        prepaid_hours,
    }
}

fn first_of_next_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(d) // invariant: day 1 exists in every month
}

/// The guide's transition plan, further along for older clients.
pub const ONBOARDING_ITEMS: [&str; 7] = [
    "Transition date agreed",
    "Network items and credentials listed (references only)",
    "Overlap with previous provider (30-45 days)",
    "Network assessment scheduled",
    "Network assessment report presented",
    "Client portal credentials issued",
    "Backup plan for database, files and domain established",
];

fn onboarding(tx: &Transaction<'_>, company: i64, today: NaiveDate, rng: &mut ChaCha8Rng) -> anyhow::Result<()> {
    let done = rng
        .random_range(3..=ONBOARDING_ITEMS.len() + 3)
        .min(ONBOARDING_ITEMS.len());
    for (i, item) in ONBOARDING_ITEMS.iter().enumerate() {
        let (status, date) = match i.cmp(&done) {
            std::cmp::Ordering::Less => ("done", Some((today - Duration::days(400 - 20 * i as i64)).to_string())),
            std::cmp::Ordering::Equal => ("in progress", None),
            std::cmp::Ordering::Greater => ("pending", None),
        };
        rows::onboarding_item(tx, params![company, i as i64, item, status, date])?;
    }
    Ok(())
}
