use clap::Parser;

use pimdesk::cli::{self, output, Cli};

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => std::process::exit(usage(&e)),
    };
    let code = match cli::context(&cli) {
        Ok(ctx) => {
            let _log = pimdesk::logging::init(&ctx, cli.demo);
            let result = if let (None, Some(server)) = (&cli.command, &ctx.server) {
                Err(cli::team_not_yet(server))
            } else if cli.command.is_none() {
                let db = ctx.db_path.clone();
                pimdesk::tui::run(ctx, cli.demo).map_err(|e| cli::explain(e, &db))
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
    // The reader went away (`pimdesk ticket list | head -1`): what it wanted
    // was written; stop quietly, as ripgrep and friends do.
    if cli::reader_gone(e) {
        tracing::debug!("stdout closed: {e:#}");
        return 0;
    }
    tracing::error!("{e:#}");
    output::err_line(format_args!("pimdesk: {e:#}"));
    cli::exit_code(e)
}

/// clap's own message (an error, or --help and --version) echoes what was
/// typed, so it goes through the sanitiser like every other output.
fn usage(e: &clap::Error) -> i32 {
    let message = e.render().to_string();
    if e.use_stderr() {
        output::err_line(format_args!("{}", message.trim_end()));
    } else {
        let _ = output::text(format_args!("{message}"));
    }
    e.exit_code()
}
