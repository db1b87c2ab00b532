//! `finances`: parse the command line, load the configuration, start logging, build the
//! services, run the command.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::{CommandFactory, Parser};

use finances::cli::{Cli, Command, UserCommand};
use finances::commands;
use finances::config::{Config, Overrides};
use finances::context::Context;
use finances::logging::{self, Console};

/// glibc's allocator showed as a sixth of the server's time under load, much of it in lock
/// contention between threads; mimalloc keeps per-thread heaps.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Completions { shell }) = &cli.command {
        clap_complete::generate(
            *shell,
            &mut Cli::command(),
            "finances",
            &mut std::io::stdout(),
        );
        return ExitCode::SUCCESS;
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
    let outcome = runtime.block_on(run(cli));
    // A blocking task still running (a name lookup that hangs) must not hold the exit up.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
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
    let _log_guard = logging::init(&config.log_dir()?, &config.log.level, console)
        .context("cannot start logging")?;
    tracing::info!(command = ?cli.command, "starting");

    if let Some(Command::Demo(args)) = &cli.command {
        commands::tui::demo(args.seed, args.large, args.keep.clone(), &config.tui).await?;
        return Ok(ExitCode::SUCCESS);
    }
    let ctx = Context::build(config).await?;
    let users = &ctx.services.users;
    match cli.command {
        Some(Command::Migrate) => {
            println!("{}: migrations applied", ctx.store_description());
        }
        Some(Command::User(cmd)) => match cmd {
            UserCommand::Add {
                email,
                username,
                password,
                admin,
            } => commands::user::add(users, &email, &username, password, admin).await?,
            UserCommand::List => commands::user::list(users).await?,
            UserCommand::Passwd { login, password } => {
                commands::user::passwd(users, &login, password).await?
            }
            UserCommand::SetAdmin { login, revoke } => {
                commands::user::set_admin(users, &login, revoke).await?
            }
        },
        None => commands::tui::open(ctx.services.clone(), &ctx.config.tui).await?,
        Some(Command::Sync(args)) => {
            let s = &ctx.services;
            return Ok(exit_code(
                commands::market::sync(&s.securities, &s.fx, &args.symbols).await?,
            ));
        }
        Some(Command::Search { query }) => {
            let found = commands::market::search(&ctx.services.securities, &query, 20).await?;
            return Ok(exit_code(found));
        }
        Some(Command::Quote { symbol }) => {
            let ok = commands::market::quote(&ctx.services.securities, &symbol).await?;
            return Ok(exit_code(ok));
        }
        Some(Command::Serve(_)) => commands::serve::run(&ctx).await?,
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
