//! The console: four tabs over the store, keyboard driven.

pub mod action;
pub mod app;
pub mod keymap;
pub mod scroll;
pub mod state;
pub mod tab;
pub mod terminal;
pub mod view;
pub mod worker;
pub mod worker_cancel;
pub mod worker_directory;
pub mod worker_invoices;
mod worker_mail;
pub mod worker_writes;
pub mod writer;

use crate::app::Context as Ctx;

/// Opens the console on the store (or, with `demo`, a throwaway demo store) and runs it.
pub fn run(ctx: Ctx, demo: bool) -> anyhow::Result<i32> {
    let demo_dir = demo.then(|| std::env::temp_dir().join(format!("pimdesk-demo-{}", std::process::id())));
    let db_path = match &demo_dir {
        Some(dir) => {
            let _ = std::fs::remove_dir_all(dir);
            dir.join("demo.db")
        }
        None => ctx.db_path.clone(),
    };
    let result = run_on(&ctx, &db_path, demo_dir.is_some());
    if let Some(dir) = demo_dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    result
}

fn run_on(ctx: &Ctx, db_path: &std::path::Path, demo: bool) -> anyhow::Result<i32> {
    let mut conn = crate::store::open(db_path, &ctx.store_options())?;
    if demo {
        let opts = crate::demo::DemoOptions { tickets: 5000, seed: 1 };
        crate::demo::generate(&mut conn, &ctx.config, opts, ctx.now)?;
        // The demo's user may do everything, finance included.
        crate::store::actor::add_admin(&conn, &ctx.login)?;
    }
    ctx.follow_sla(&conn)?;
    let label = if demo {
        "demo store".to_string()
    } else {
        db_path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let (user_id, role) = crate::store::actor::ensure(&conn, &ctx.login)?;
    let mut state = state::AppState::new(&ctx.config, ctx.login.clone(), label, ctx.now);
    state.me.user_id = Some(user_id);
    state.me.role = Some(role);
    state.queue.query.me = Some(user_id);
    let writer = worker::WriterCtx {
        user_id,
        calendar: ctx.config.sla_calendar(),
        policy: ctx.config.sla_policy(),
        mail: ctx.config.mail.outgoing(),
        mail_config: ctx.config.mail.clone(),
    };
    let keymap = keymap::Keymap::from_config(&ctx.config);
    let theme = view::theme::Theme::new(&ctx.config.console.colors);
    let clock = app::Clock {
        frozen: ctx.frozen.then_some(ctx.now),
    };
    let wrap = app::Osc52Wrap::choose(
        &ctx.config.console.clipboard,
        std::env::var_os("TMUX").is_some(),
        std::env::var_os("STY").is_some(),
    );
    app::run_loop(state, conn, writer, keymap, theme, clock, wrap)?;
    Ok(0)
}
