//! Logs: daily rolling files in the log directory, always; for `serve`, stderr as well (text
//! or JSON). Nothing reaches the terminal while the TUI runs.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter, Layer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Where logs go besides the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Console {
    /// Only the file: the TUI owns the terminal.
    None,
    /// Warnings and errors on stderr, for one-shot commands.
    Errors,
    /// Everything on stderr too, in this format, for the server.
    All(LogFormat),
}

#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    #[error("cannot create log directory {path}: {source}")]
    Dir {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid log level '{0}'")]
    Level(String),
    #[error("cannot start logging: {0}")]
    Init(String),
}

/// Starts logging; keep the guard alive until exit so buffered lines are flushed.
pub fn init(dir: &Path, level: &str, console: Console) -> Result<WorkerGuard, LoggingError> {
    std::fs::create_dir_all(dir).map_err(|source| LoggingError::Dir {
        path: dir.display().to_string(),
        source,
    })?;
    let filter = || EnvFilter::try_new(level).map_err(|_| LoggingError::Level(level.to_string()));
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("finances")
        .filename_suffix("log")
        .max_log_files(14)
        .build(dir)
        .map_err(|e| LoggingError::Init(e.to_string()))?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let file_layer = fmt::layer()
        .with_writer(writer)
        .with_ansi(false)
        .with_filter(filter()?);
    let console_layer = match console {
        Console::None => None,
        Console::Errors => Some(
            fmt::layer()
                .with_writer(std::io::stderr)
                .without_time()
                .with_target(false)
                .with_filter(EnvFilter::new("warn"))
                .boxed(),
        ),
        Console::All(LogFormat::Text) => Some(
            fmt::layer()
                .with_writer(std::io::stderr)
                .with_filter(filter()?)
                .boxed(),
        ),
        Console::All(LogFormat::Json) => Some(
            fmt::layer()
                .json()
                .with_current_span(true)
                .with_span_list(false)
                .with_writer(std::io::stderr)
                .with_filter(filter()?)
                .boxed(),
        ),
    };
    tracing_subscriber::registry()
        .with(file_layer)
        .with(console_layer)
        .try_init()
        .map_err(|e| LoggingError::Init(e.to_string()))?;
    Ok(guard)
}
