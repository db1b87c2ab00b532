//! Runs commands against the services, off the terminal task, and answers with actions.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc::UnboundedSender;

use crate::domain::{ActivityFilter, PageRequest, Symbol, User};
use crate::service::chart::ChartFallback;
use crate::service::import::ImportRequest;
use crate::service::securities::{FirstUse, FirstUseStep, SyncProgress};
use crate::service::{sync, Entity, ServiceError, Services, Upstream};

use super::action::{
    AccountPositions, Action, ActivityList, ChartData, Command, Deletion, Failure, FailureKind,
    Outcome, Portfolio, Submission, SyncEvent,
};
use super::app::Range;

/// How long the search waits for more typing before asking Yahoo.
const SEARCH_PAUSE: Duration = Duration::from_millis(300);

#[derive(Clone)]
pub struct Worker {
    services: Services,
    user: Arc<Mutex<Option<User>>>,
    latest_search: Arc<AtomicU64>,
    search_pause: Duration,
}

fn not_signed_in() -> Failure {
    Failure {
        kind: FailureKind::Refused,
        message: "not signed in".into(),
        field: None,
    }
}

impl Worker {
    pub fn new(services: Services, user: Option<User>) -> Self {
        Self {
            services,
            user: Arc::new(Mutex::new(user)),
            latest_search: Arc::new(AtomicU64::new(0)),
            search_pause: SEARCH_PAUSE,
        }
    }

    /// Acts for `user` from now on (data prepared after the UI started).
    pub fn sign_in(&self, user: User) {
        *self.user.lock().unwrap_or_else(|p| p.into_inner()) = Some(user);
    }

    /// No pause before Yahoo searches (tests).
    pub fn without_search_pause(mut self) -> Self {
        self.search_pause = Duration::ZERO;
        self
    }

    fn user(&self) -> Result<User, Failure> {
        self.user
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(not_signed_in)
    }

    /// Runs one command to its end, sending every resulting action.
    pub async fn run(&self, command: Command, tx: &UnboundedSender<Action>) {
        let send = |a: Action| {
            // The UI has gone away: nothing left to tell.
            let _ = tx.send(a);
        };
        match command {
            Command::Login { login, password } => {
                let result = self.services.users.authenticate(&login, &password).await;
                if let Ok(u) = &result {
                    *self.user.lock().unwrap_or_else(|p| p.into_inner()) = Some(u.clone());
                }
                send(Action::LoggedIn(result.map_err(Failure::from)));
            }
            Command::LoadPortfolio { gen } => {
                let result = self.portfolio().await.map(Box::new);
                send(Action::PortfolioLoaded { gen, result });
            }
            Command::LoadHistories { gen, accounts } => {
                let result = self.histories(&accounts).await;
                send(Action::HistoriesLoaded { gen, result });
            }
            Command::LoadValues { gen, account } => {
                let result = match self.user() {
                    Ok(user) => self
                        .services
                        .portfolio
                        .values(&user, account, None, None, PageRequest::all())
                        .await
                        .map(|p| p.items)
                        .map_err(Failure::from),
                    Err(e) => Err(e),
                };
                send(Action::ValuesLoaded {
                    gen,
                    account,
                    result,
                });
            }
            Command::LoadChart {
                gen,
                symbol,
                range,
                today,
            } => {
                let result = self
                    .open_chart(gen, &symbol, range, today, tx)
                    .await
                    .map(Box::new);
                send(Action::ChartLoaded { gen, result });
            }
            Command::LoadKeyFigures { gen, symbol } => {
                let result = self
                    .services
                    .securities
                    .key_figures(&symbol)
                    .await
                    .map_err(Failure::from);
                send(Action::KeyFiguresLoaded { gen, result });
            }
            Command::LoadActivities { gen, account } => {
                let result = self.activities(account).await;
                send(Action::ActivitiesLoaded {
                    gen,
                    account,
                    result,
                });
            }
            Command::LoadPerformance { gen, query } => {
                let result = match self.user() {
                    Ok(user) => self
                        .services
                        .performance
                        .performance(&user, query)
                        .await
                        .map(Box::new)
                        .map_err(Failure::from),
                    Err(e) => Err(e),
                };
                send(Action::PerformanceLoaded { gen, result });
            }
            Command::LoadProposals { gen } => {
                let result = match self.user() {
                    Ok(user) => self
                        .services
                        .proposals
                        .list(&user)
                        .await
                        .map_err(Failure::from),
                    Err(e) => Err(e),
                };
                send(Action::ProposalsLoaded { gen, result });
            }
            Command::Import {
                gen,
                account,
                path,
                format,
                dry_run,
            } => {
                let result = match (self.user(), tokio::fs::read(&path).await) {
                    (Err(e), _) => Err(e),
                    (_, Err(e)) => Err(Failure {
                        kind: FailureKind::Invalid,
                        message: format!("cannot read {}: {e}", path.display()),
                        field: None,
                    }),
                    (Ok(user), Ok(file)) => {
                        let request = ImportRequest {
                            format,
                            dry_run,
                            ..ImportRequest::default()
                        };
                        self.services
                            .imports
                            .import(&user, account, &file, request)
                            .await
                            .map(Box::new)
                            .map_err(Failure::from)
                    }
                };
                send(Action::Imported { gen, result });
            }
            Command::DecideProposal { id, accept, what } => {
                let result = match self.user() {
                    Ok(user) => {
                        let proposals = &self.services.proposals;
                        let done = if accept {
                            proposals.accept(&user, id).await.map(|_| ())
                        } else {
                            proposals.dismiss(&user, id).await
                        };
                        done.map_err(Failure::from)
                    }
                    Err(e) => Err(e),
                };
                send(Action::ProposalDecided {
                    accepted: accept,
                    what,
                    result,
                });
            }
            Command::SearchStored { gen, query } => {
                self.latest_search.store(gen, Ordering::SeqCst);
                let result = self
                    .services
                    .securities
                    .stored_matches(&query, 50)
                    .await
                    .map_err(Failure::from);
                send(Action::StoredMatches { gen, result });
            }
            Command::SearchRemote { gen, query } => {
                if !self.search_pause.is_zero() {
                    tokio::time::sleep(self.search_pause).await;
                }
                if self.latest_search.load(Ordering::SeqCst) > gen {
                    return; // more was typed meanwhile
                }
                let result = self
                    .services
                    .securities
                    .search(&query, 25)
                    .await
                    .map_err(Failure::from);
                send(Action::RemoteMatches { gen, result });
            }
            Command::Submit { what, submission } => {
                let result = match self.user() {
                    Ok(user) => self.submit(&user, submission).await,
                    Err(e) => Err(e),
                };
                send(Action::Saved { what, result });
            }
            Command::Delete { what, deletion } => {
                let result = match self.user() {
                    Ok(user) => self.delete(&user, deletion).await,
                    Err(e) => Err(e),
                };
                send(Action::Deleted { what, result });
            }
            Command::Sync(symbol) => {
                let message = self
                    .services
                    .securities
                    .sync(&symbol)
                    .await
                    .map(|r| r.message)
                    .map_err(Failure::from);
                send(Action::Sync(SyncEvent::Done {
                    symbol: Some(symbol),
                    message,
                }));
            }
            Command::SyncAll => {
                let message = self.sync_all(tx).await;
                send(Action::Sync(SyncEvent::Done {
                    symbol: None,
                    message,
                }));
            }
        }
    }

    async fn portfolio(&self) -> Outcome<Portfolio> {
        let user = self.user()?;
        let p = &self.services.portfolio;
        // The valuation and each account's ledger positions come from one replay.
        let (ledgers, positions) =
            tokio::join!(p.valuation_and_positions(&user, None), p.positions(&user));
        let (ledgers, positions) = (ledgers?, positions?);
        let kept = ledgers.kept_by_activities;
        let (valuation, mut lines) = (ledgers.valuation, ledgers.positions);
        let overview = p.overview_of(&user, &valuation).await?;
        let mut accounts = HashMap::new();
        for account in valuation
            .accounts
            .iter()
            .filter(|a| a.account.is_investment_account)
        {
            let id = account.account.id;
            accounts.insert(
                id,
                AccountPositions {
                    kept_by_activities: kept.contains(&id),
                    lines: lines.remove(&id).unwrap_or_default(),
                },
            );
        }
        let ledgers = accounts;
        Ok(Portfolio {
            overview,
            positions,
            valuation,
            ledgers,
        })
    }

    /// Every activity of the account, oldest first, with the symbols they name.
    async fn activities(&self, account: uuid::Uuid) -> Outcome<ActivityList> {
        let user = self.user()?;
        let a = &self.services.activities;
        let activities = a
            .list(
                &user,
                account,
                &ActivityFilter::default(),
                PageRequest::all(),
            )
            .await?
            .items;
        let symbols = a.symbols(&activities).await?;
        Ok(ActivityList {
            activities,
            symbols,
        })
    }

    async fn histories(&self, accounts: &[uuid::Uuid]) -> Outcome<super::action::Histories> {
        let user = self.user()?;
        let mut out = HashMap::new();
        for id in accounts {
            let mut values = self
                .services
                .portfolio
                .values(&user, *id, None, None, PageRequest::all())
                .await?
                .items;
            values.reverse();
            out.insert(
                *id,
                values
                    .into_iter()
                    .map(|v| (v.timestamp, v.balance))
                    .collect(),
            );
        }
        Ok(out)
    }

    /// The chart of a symbol; one not stored yet is looked up on Yahoo and stored with its
    /// daily history first, each step reported as it starts.
    async fn open_chart(
        &self,
        gen: u64,
        symbol: &Symbol,
        range: Range,
        now: DateTime<Utc>,
        tx: &UnboundedSender<Action>,
    ) -> Outcome<ChartData> {
        let s = &self.services.securities;
        if s.stored(symbol).await?.is_none() {
            let progress = |step: FirstUseStep| {
                let _ = tx.send(Action::ChartProgress { gen, step });
            };
            s.obtain_reporting(symbol, FirstUse::SyncNow, &progress)
                .await
                .map_err(|e| {
                    let f = Failure::from(e);
                    let message = match f.kind {
                        FailureKind::NotFound => format!("no security {symbol} on Yahoo Finance"),
                        _ => format!("cannot fetch {symbol}: {}", f.message),
                    };
                    Failure { message, ..f }
                })?;
        }
        self.chart(symbol, range, now).await
    }

    /// The chart every front end draws for the range, with why its bars are daily ones when
    /// they stand in for intraday bars.
    async fn chart(&self, symbol: &Symbol, range: Range, now: DateTime<Utc>) -> Outcome<ChartData> {
        let chart = self.services.securities.chart(symbol, range, now).await?;
        let note = chart.fallback.map(|fallback| match fallback {
            ChartFallback::NoBars(interval) => format!("no {interval} bars: daily bars"),
            ChartFallback::Unavailable(interval, e) => format!(
                "{interval} bars unavailable ({}): daily bars",
                Failure::from(e).summary()
            ),
        });
        Ok(ChartData::new(chart.series, note))
    }

    async fn submit(&self, user: &User, s: Submission) -> Outcome<()> {
        let p = &self.services.portfolio;
        match s {
            Submission::CreateInstitution(n) => p.create_institution(user, n).await.map(drop),
            Submission::UpdateInstitution(id, patch) => {
                p.update_institution(user, id, patch).await.map(drop)
            }
            Submission::CreateAccount(n) => p.create_account(user, n).await.map(drop),
            Submission::UpdateAccount(id, patch) => {
                p.update_account(user, id, patch).await.map(drop)
            }
            Submission::CreateValue { account, value } => p
                .create_value(
                    user,
                    account,
                    value.balance,
                    value.cash_balance,
                    Some(value.timestamp),
                )
                .await
                .map(drop),
            Submission::UpdateValue { account, id, patch } => {
                p.update_value(user, account, id, patch).await.map(drop)
            }
            Submission::CreateHolding {
                account,
                security,
                holding,
            } => p
                .create_holding(
                    user,
                    account,
                    security,
                    holding.shares,
                    holding.average_price,
                    Some(holding.timestamp),
                )
                .await
                .map(drop),
            Submission::UpdateHolding {
                account,
                id,
                security,
                patch,
            } => p
                .update_holding(user, account, id, security, patch)
                .await
                .map(drop),
            Submission::CreateActivity { account, draft } => self
                .services
                .activities
                .create(user, account, *draft)
                .await
                .map(drop),
            Submission::UpdateActivity {
                account,
                id,
                change,
            } => self
                .services
                .activities
                .update(user, account, id, *change)
                .await
                .map(drop),
        }
        .map_err(|e| match e {
            // A refusal that names its input is shown at that field of the form.
            ServiceError::BadRequest {
                field: Some(field),
                message,
            } => Failure {
                kind: FailureKind::Invalid,
                message,
                field: Some(field),
            },
            ServiceError::NotFound {
                entity: Entity::Security,
                message,
            } => Failure {
                kind: FailureKind::NotFound,
                message: format!("unknown symbol: {message}"),
                field: Some("security_id"),
            },
            e @ ServiceError::Unavailable {
                upstream: Upstream::MarketData,
                ..
            } => Failure {
                kind: FailureKind::Offline,
                message: format!("offline, cannot look the symbol up: {e}"),
                field: Some("security_id"),
            },
            other => other.into(),
        })
    }

    async fn delete(&self, user: &User, d: Deletion) -> Outcome<()> {
        let p = &self.services.portfolio;
        match d {
            Deletion::Institution(id) => p.delete_institution(user, id).await?,
            Deletion::Account(id) => p.delete_account(user, id).await?,
            Deletion::Value { account, id } => p.delete_value(user, account, id).await?,
            Deletion::Holding { account, id } => p.delete_holding(user, account, id).await?,
            Deletion::Activity { account, id } => {
                self.services.activities.delete(user, account, id).await?
            }
        }
        Ok(())
    }

    /// Every held security, then the exchange rates the portfolio needs, told as the status
    /// line says it: how many synced, or how many failed and why the first did.
    async fn sync_all(&self, tx: &UnboundedSender<Action>) -> Outcome<String> {
        let progress_tx = tx.clone();
        let progress = move |p: SyncProgress| {
            let event = match p {
                SyncProgress::Started { total } => SyncEvent::Started { total },
                SyncProgress::Finished { symbol, ok } => SyncEvent::Finished { symbol, ok },
            };
            let _ = progress_tx.send(Action::Sync(event));
        };
        let s = &self.services;
        let report = sync::sync_all(&s.securities, &s.fx, &progress).await?;
        let total = report.securities.len();
        let failed = report.failed_securities().count();
        let rates_note = match report.failed_rates() {
            0 => String::new(),
            n => format!("; {n} exchange rates failed"),
        };
        let first_failure = report
            .securities
            .into_iter()
            .find_map(|(symbol, r)| r.err().map(|e| (symbol, Failure::from(e))));
        match first_failure {
            None => Ok(format!("Synced {total} securities{rates_note}")),
            Some((symbol, f)) => Err(Failure {
                message: format!(
                    "{failed} of {total} failed{rates_note}; {symbol}: {}",
                    f.message
                ),
                ..f
            }),
        }
    }
}
