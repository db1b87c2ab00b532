//! Services shared by the TUI and the HTTP API. A TUI key and an HTTP route that do the same
//! thing call the same function here.

mod account_locks;
pub mod activities;
pub mod auth;
pub mod backup;
pub mod chart;
pub mod currencies;
mod error;
pub mod fx;
pub mod import;
pub mod ledger;
pub mod performance;
pub mod portfolio;
pub mod proposals;
mod rates;
mod replayed_holdings;
pub mod securities;
pub mod sync;
pub mod upstream;
pub mod users;
mod valuation;

use std::sync::Arc;

/// The state of the market-data cache, as health checks report it.
pub use crate::market::CacheHealth;
pub use error::{BoxError, Entity, ServiceError, ServiceResult, Upstream};
pub use upstream::{Deadlines, LookupBudget};

use crate::market::MarketData;
use crate::store::{Backend, Store};

use self::currencies::CurrencyService;
use self::fx::FxService;
use self::portfolio::PortfolioService;
use self::securities::SecurityService;
use self::users::UserService;

/// Every service, built once over one store and one market-data source.
#[derive(Clone)]
pub struct Services {
    pub users: UserService,
    pub portfolio: PortfolioService,
    pub activities: activities::ActivityService,
    pub ledger: ledger::LedgerService,
    pub performance: performance::PerformanceService,
    pub imports: import::ImportService,
    pub proposals: proposals::ProposalService,
    pub currencies: CurrencyService,
    pub backup: backup::BackupService,
    pub securities: Arc<SecurityService>,
    pub fx: Arc<FxService>,
    store: Arc<dyn Store>,
}

impl Services {
    pub fn new(store: Arc<dyn Store>, market: Arc<dyn MarketData>) -> Self {
        Self::with_deadlines(store, market, Deadlines::default())
    }

    /// The services, with how long operations that need Yahoo may take.
    pub fn with_deadlines(
        store: Arc<dyn Store>,
        market: Arc<dyn MarketData>,
        deadlines: Deadlines,
    ) -> Self {
        let securities =
            Arc::new(SecurityService::new(store.clone(), market.clone()).with_deadlines(deadlines));
        let fx = Arc::new(FxService::new(store.clone(), market).with_deadline(deadlines.request));
        let locks = account_locks::AccountLocks::default();
        let activities =
            activities::ActivityService::new(store.clone(), securities.clone(), locks.clone());
        let ledger = ledger::LedgerService::new(store.clone());
        Self {
            users: UserService::new(store.clone()),
            portfolio: PortfolioService::new(
                store.clone(),
                securities.clone(),
                fx.clone(),
                locks.clone(),
                ledger.clone(),
            ),
            activities: activities.clone(),
            proposals: proposals::ProposalService::new(store.clone(), activities),
            ledger: ledger.clone(),
            performance: performance::PerformanceService::new(ledger),
            imports: import::ImportService::new(store.clone(), securities.clone(), locks.clone()),
            currencies: CurrencyService::new(store.clone()),
            backup: backup::BackupService::new(store.clone()),
            fx,
            securities,
            store,
        }
    }

    pub fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// The token service over the same store, delivering reset mails through `mailer`.
    pub fn auth(
        &self,
        mailer: Arc<dyn crate::mail::Mailer>,
        settings: auth::AuthSettings,
    ) -> auth::AuthService {
        auth::AuthService::new(self.store.clone(), self.users.clone(), mailer, settings)
    }

    /// Stored securities ordered by symbol.
    pub async fn securities_page(
        &self,
        page: crate::domain::PageRequest,
    ) -> ServiceResult<crate::domain::Page<crate::domain::Security>> {
        Ok(self.store.securities(page).await?)
    }

    /// Whether the database answers, for health checks.
    pub async fn database_health(&self) -> ServiceResult<()> {
        Ok(self.store.ping().await?)
    }
}
