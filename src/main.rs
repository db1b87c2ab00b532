//! `finances`: parse the command line, load the configuration, start logging, build the
//! services, run the command.

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use finances::cli::{Cli, Command, UserCommand};
use finances::commands::{self, Format, Layout, OutputError, Printer};
use finances::config::{Config, Overrides};
use finances::context::Context;
use finances::logging::{self, Console};

/// glibc's allocator showed as a sixth of the server's time under load, much of it in lock
/// contention between threads; mimalloc keeps per-thread heaps.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = std::io::stdout();
    let mut out = Printer::new(&mut stdout, Layout::for_stdout());
    if let Some(Command::Completions { shell }) = &cli.command {
        // Generated whole first: the generator panics when it cannot write.
        let mut script = Vec::new();
        clap_complete::generate(*shell, &mut Cli::command(), "finances", &mut script);
        let written = out.raw(&script).and_then(|()| out.flush());
        return finish(written.map(|()| ExitCode::SUCCESS).map_err(Into::into));
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        let code = run(cli, &mut out).await?;
        out.flush()?;
        Ok(code)
    });
    // A blocking task still running (a name lookup that hangs) must not hold the exit up.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    finish(outcome)
}

/// The exit status, and the error on stderr: once, in its own words. Every error of ours
/// says its cause in its message (and keeps it as its source too, for callers that need its
/// kind), so the chain is not printed: `{:#}` would repeat each cause.
fn finish(outcome: anyhow::Result<ExitCode>) -> ExitCode {
    match outcome {
        Ok(code) => code,
        Err(e) if closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Whether the command failed only because the reader of its output left.
fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|cause| cause.downcast_ref::<OutputError>())
        .any(OutputError::is_closed_pipe)
}

async fn run(cli: Cli, out: &mut Printer<'_>) -> anyhow::Result<ExitCode> {
    let overrides = Overrides {
        config_file: cli.global.config.clone(),
        data_dir: cli.global.data_dir.clone(),
        database_url: cli.global.database_url.clone(),
        redis_url: cli.global.redis_url.clone(),
        bind: match &cli.command {
            Some(Command::Serve(args)) => args.bind,
            _ => None,
        },
        log_level: cli.global.log_level.clone(),
    };
    let config = Config::load(&overrides, |name| std::env::var(name).ok())?;
    let console = match &cli.command {
        None | Some(Command::Demo(_)) => Console::None,
        Some(Command::Serve(args)) => Console::All(args.log_format),
        Some(_) => Console::Errors,
    };
    let _log_guard = logging::init(&config.log_dir()?, &config.log.level, console)?;
    tracing::info!(command = ?cli.command, "starting");

    if let Some(Command::Demo(args)) = &cli.command {
        commands::tui::demo(out, args.seed, args.large, args.keep.clone(), &config.tui).await?;
        return Ok(ExitCode::SUCCESS);
    }
    let ctx = Context::build(config).await?;
    let users = &ctx.services.users;
    match cli.command {
        Some(Command::Migrate) => {
            out.line(format_args!(
                "{}: migrations applied",
                ctx.store_description()
            ))?;
        }
        Some(Command::User(cmd)) => match cmd {
            UserCommand::Add {
                email,
                username,
                password,
                admin,
            } => commands::user::add(out, users, &email, &username, password, admin).await?,
            UserCommand::List => commands::user::list(out, users).await?,
            UserCommand::Passwd { login, password } => {
                commands::user::passwd(out, users, &login, password).await?
            }
            UserCommand::SetAdmin { login, revoke } => {
                commands::user::set_admin(out, users, &login, revoke).await?
            }
        },
        None => commands::tui::open(ctx.services.clone(), &ctx.config.tui).await?,
        Some(Command::Sync(args)) => {
            let s = &ctx.services;
            return Ok(exit_code(
                commands::market::sync(out, &s.securities, &s.fx, &args.symbols).await?,
            ));
        }
        Some(Command::Search { query, output }) => {
            let format = Format::from(&output);
            let securities = &ctx.services.securities;
            let found = commands::market::search(out, securities, &query, 20, format).await?;
            return Ok(exit_code(found));
        }
        Some(Command::Quote { symbol, output }) => {
            let format = Format::from(&output);
            let ok =
                commands::market::quote(out, &ctx.services.securities, &symbol, format).await?;
            return Ok(exit_code(ok));
        }
        Some(Command::Prices(args)) => {
            commands::prices::prices(out, &ctx.services.securities, args).await?
        }
        Some(Command::Rates(args)) => commands::rates::rates(out, &ctx.services, args).await?,
        Some(Command::Accounts(args)) => {
            commands::portfolio::accounts(out, &ctx.services, args).await?
        }
        Some(Command::Holdings(args)) => {
            commands::portfolio::holdings(out, &ctx.services, args).await?
        }
        Some(Command::Serve(_)) => commands::serve::run(out, &ctx).await?,
        Some(Command::Activity(cmd)) => commands::activity::run(out, &ctx.services, cmd).await?,
        Some(Command::Positions(args)) => {
            commands::ledger::positions(out, &ctx.services, args).await?
        }
        Some(Command::Gains(args)) => commands::ledger::gains(out, &ctx.services, args).await?,
        Some(Command::Income(args)) => commands::ledger::income(out, &ctx.services, args).await?,
        Some(Command::Import(args)) => commands::import::run(out, &ctx.services, args).await?,
        Some(Command::Perf(args)) => commands::performance::perf(out, &ctx.services, args).await?,
        Some(Command::Proposals(args)) => {
            commands::proposals::proposals(out, &ctx.services, args).await?
        }
        Some(Command::Export(args)) => commands::backup::export(out, &ctx.services, args).await?,
        Some(Command::Restore(args)) => commands::backup::restore(out, &ctx.services, args).await?,
        Some(Command::Demo(_) | Command::Completions { .. }) => {
            unreachable!("handled before the services are built")
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn exit_code(all_ok: bool) -> ExitCode {
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
