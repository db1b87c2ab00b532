//! Syncing everything at once: the prices of every held security, then the exchange rates
//! users need (their accounts' and holdings' currencies against their base currency).

use super::fx::{FxService, RateSyncReport};
use super::securities::{SecurityService, SyncProgress, SyncReport};
use super::{ServiceError, ServiceResult};
use crate::domain::{CurrencyCode, Symbol};

/// What a sync of everything did, item by item; one failure does not stop the others.
#[derive(Debug)]
pub struct SyncAllReport {
    /// Each held security, by symbol.
    pub securities: Vec<(Symbol, ServiceResult<SyncReport>)>,
    /// Each base currency's rates.
    pub rates: Vec<BaseRates>,
}

/// The rates of the currencies wanted against one base currency.
#[derive(Debug)]
pub struct BaseRates {
    pub base: CurrencyCode,
    pub targets: Vec<CurrencyCode>,
    /// Each target that failed is listed in the report; an error means none was synced.
    pub result: ServiceResult<RateSyncReport>,
}

impl BaseRates {
    /// How many of the targets failed.
    pub fn failed(&self) -> usize {
        match &self.result {
            Ok(report) => report.failed_count,
            Err(_) => self.targets.len(),
        }
    }
}

impl SyncAllReport {
    /// The securities that failed, with why, in the order synced.
    pub fn failed_securities(&self) -> impl Iterator<Item = (&Symbol, &ServiceError)> {
        self.securities
            .iter()
            .filter_map(|(s, r)| r.as_ref().err().map(|e| (s, e)))
    }

    /// How many exchange rates failed, over every base currency.
    pub fn failed_rates(&self) -> usize {
        self.rates.iter().map(BaseRates::failed).sum()
    }
}

/// Syncs every held security one after the other (`SecurityService::sync_held`), telling
/// `progress` how many there are and as each ends, then the rates each base currency needs
/// (`FxService::needed_pairs`). Fails only when what to sync cannot be read.
#[tracing::instrument(skip_all)]
pub async fn sync_all(
    securities: &SecurityService,
    fx: &FxService,
    progress: &(dyn Fn(SyncProgress) + Send + Sync),
) -> ServiceResult<SyncAllReport> {
    let synced = securities.sync_held(progress).await?;
    let mut rates = Vec::new();
    for (base, targets) in fx.needed_pairs().await? {
        let targets: Vec<_> = targets.into_iter().collect();
        let result = fx.sync_rates(&base, &targets, None).await;
        rates.push(BaseRates {
            base,
            targets,
            result,
        });
    }
    Ok(SyncAllReport {
        securities: synced,
        rates,
    })
}
