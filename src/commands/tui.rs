//! `finances` (no command) and `finances demo`: the terminal UI.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;
use tokio::sync::mpsc;

use crate::context::{open_store, ContextError};
use crate::demo::{self, DemoError, DemoProgress, DemoSummary};
use crate::market::OfflineMarket;
use crate::service::{ServiceError, Services};
use crate::store::{Backend, Store};
use crate::tui::action::Preparation;
use crate::tui::{self, StartAs, TuiError, TuiSettings};

use super::{OutputError, Printer};

#[derive(Debug, thiserror::Error)]
pub enum TuiCommandError {
    #[error(transparent)]
    Tui(#[from] TuiError),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Context(#[from] ContextError),
    #[error("demo data: {0}")]
    Demo(#[from] DemoError),
    #[error("{0}")]
    Settings(String),
    #[error("{0}")]
    Output(#[from] OutputError),
}

/// The `[tui]` table of the configuration, checked.
pub fn settings(table: &toml::Table) -> Result<TuiSettings, TuiCommandError> {
    TuiSettings::from_table(table).map_err(|e| TuiCommandError::Settings(e.to_string()))
}

/// Opens the UI over the configured store: as the local owner on a personal SQLite store,
/// after a sign-in on a shared PostgreSQL one.
pub async fn open(services: Services, tui: &toml::Table) -> Result<(), TuiCommandError> {
    let settings = settings(tui)?;
    let start = match services.backend() {
        Backend::Sqlite => StartAs::User(services.users.local_owner().await?),
        Backend::Postgres => StartAs::Login,
    };
    Ok(tui::run(services, start, settings).await?)
}

/// `finances demo`: a generated portfolio in a throwaway SQLite file (removed on exit), shown
/// in the UI with no network. With `keep`, the database is written there and kept, and the UI
/// does not open; `large` generates the benchmark-sized store instead.
pub async fn demo(
    out: &mut Printer<'_>,
    seed: u64,
    large: bool,
    keep: Option<PathBuf>,
    tui: &toml::Table,
) -> Result<(), TuiCommandError> {
    let settings = settings(tui)?;
    let today = Utc::now().date_naive();
    if let Some(path) = keep {
        let summary = generate_at(&path, seed, large, today).await?.1;
        out.line(format_args!(
            "{}: {} institutions, {} accounts, {} securities, {} holdings, {} prices, {} exchange rates, {} balances (user '{}')",
            path.display(),
            summary.institutions,
            summary.accounts,
            summary.securities,
            summary.holdings,
            summary.price_bars,
            summary.exchange_rates,
            summary.account_values,
            demo::DEMO_USERNAME
        ))?;
        return Ok(());
    }
    let dir = std::env::temp_dir().join(format!("finances-demo-{}", uuid::Uuid::new_v4().simple()));
    let _cleanup = RemoveOnDrop(dir.clone());
    let store = open_at(&dir.join("demo.db")).await?;
    let services = Services::new(store.clone(), Arc::new(OfflineMarket));
    // The UI is drawn at once and shows the generation's progress; it loads the portfolio
    // when the generation is done, rather than a newcomer facing a blank terminal meanwhile.
    let (tx, events) = mpsc::unbounded_channel();
    // Said before the generation starts, so that the first frame says it.
    let _ = tx.send(Preparation::Progress(DemoProgress::Starting.to_string()));
    let path = dir.clone();
    let generation = tokio::spawn(async move {
        let progress = |p: DemoProgress| {
            let _ = tx.send(Preparation::Progress(p.to_string()));
        };
        let generated = if large {
            demo::generate_large_reporting(&store, seed, today, &progress).await
        } else {
            demo::generate_reporting(&store, seed, today, &progress).await
        };
        let _ = tx.send(match generated {
            Ok(summary) => {
                tracing::info!(path = %path.display(), "demo database generated");
                Preparation::Ready(summary.user)
            }
            Err(e) => Preparation::Failed(TuiCommandError::from(e).to_string()),
        });
    });
    let result = tui::run(services, StartAs::Preparing(events), settings).await;
    // Quitting before the generation is done stops it.
    generation.abort();
    Ok(result?)
}

async fn generate_at(
    path: &Path,
    seed: u64,
    large: bool,
    today: chrono::NaiveDate,
) -> Result<(Services, DemoSummary), TuiCommandError> {
    let store = open_at(path).await?;
    let summary = if large {
        demo::generate_large(&store, seed, today).await?
    } else {
        demo::generate(&store, seed, today).await?
    };
    Ok((Services::new(store, Arc::new(OfflineMarket)), summary))
}

/// A new SQLite store at `path`, migrated.
async fn open_at(path: &Path) -> Result<Arc<dyn Store>, TuiCommandError> {
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    Ok(open_store(&format!("sqlite://{}", path.display()), 4).await?)
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
