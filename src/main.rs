use std::io::Write;

use clap::Parser;

use pimdesk::cli::{self, Cli};

fn main() {
    let cli = Cli::parse();
    let code = match cli::context(&cli) {
        Ok(ctx) => {
            let _log = pimdesk::logging::init(&ctx, cli.demo);
            let result = if cli.command.is_none() {
                pimdesk::tui::run(&cli, ctx)
            } else {
                cli::run(cli, ctx)
            };
            match result {
                Ok(code) => code,
                Err(e) => report(&e),
            }
        }
        Err(e) => report(&e),
    };
    std::process::exit(code);
}

fn report(e: &anyhow::Error) -> i32 {
    tracing::error!("{e:#}");
    // stderr may be a terminal that has hung up: a failed write is not a panic.
    let _ = writeln!(std::io::stderr(), "pimdesk: {e:#}");
    cli::exit_code(e)
}
