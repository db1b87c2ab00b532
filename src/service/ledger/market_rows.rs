//! The market data a daily valuation reads (the securities, every daily close of each and
//! their splits), read once per version of the market data and kept in process, by the set of
//! securities asked for.
//!
//! As with the ledger rows beside it, what is kept is the rows as the store mapped them, never
//! a figure computed from them. Every write to securities, security prices and security
//! events raises the market's data version in its own transaction, whichever process makes
//! it; the version is read before the rows, so a held copy whose version is the current one is
//! what the store would answer now.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::Security;
use crate::store::Store;

use crate::service::ServiceResult;

/// Roughly how many bytes of market rows are kept across sets of securities; a set whose rows
/// weigh more is read on every call instead.
const CAPACITY_BYTES: u64 = 64 * 1024 * 1024;
/// A set of securities not asked about for a while is let go.
const IDLE: Duration = Duration::from_secs(10 * 60);
/// The bounds of every day a stored close can be dated on: all of them are read.
const FIRST_DAY: NaiveDate = NaiveDate::from_ymd_opt(1, 1, 1).expect("a valid date");
const LAST_DAY: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date");

/// One security with every stored daily close and split of it.
#[derive(Debug)]
pub(crate) struct SecurityRows {
    pub security: Security,
    /// Every daily close, oldest first, by its UTC day, as the store lists them.
    closes: Vec<(NaiveDate, Decimal)>,
    /// The stored splits as the day and new shares per old share, in the store's order.
    pub splits: Vec<(NaiveDate, Decimal)>,
}

impl SecurityRows {
    /// What the store reads for a daily series from `start` to `end`: the newest close on or
    /// before `start` ([`crate::store::PriceStore::closes_on_or_before`], one), then every
    /// close after `start` up to `end` ([`crate::store::PriceStore::daily_closes`]).
    pub fn closes(&self, start: NaiveDate, end: NaiveDate) -> &[(NaiveDate, Decimal)] {
        let after_start = self.closes.partition_point(|(d, _)| *d <= start);
        let from = after_start.saturating_sub(1);
        let to = self
            .closes
            .partition_point(|(d, _)| *d <= end)
            .max(after_start);
        &self.closes[from..to]
    }

    /// Approximate bytes held, for the bound on memory.
    fn weight(&self) -> u64 {
        let security = std::mem::size_of::<Security>()
            + self.security.name.len()
            + self.security.symbol.as_str().len()
            + self.security.currency.len();
        let entry = std::mem::size_of::<(NaiveDate, Decimal)>();
        (security + (self.closes.len() + self.splits.len()) * entry) as u64
    }
}

/// The market rows of one set of securities, as stored at a market data version. A security
/// the store does not have is absent.
#[derive(Debug)]
pub(crate) struct MarketRows {
    /// The market data version the rows were read at (or after).
    pub version: i64,
    pub securities: HashMap<Uuid, SecurityRows>,
}

impl MarketRows {
    fn weight(&self) -> u32 {
        let rows: u64 = self.securities.values().map(SecurityRows::weight).sum();
        u32::try_from(rows).unwrap_or(u32::MAX)
    }
}

/// The in-process copy of market rows, checked against the market data version on every read.
#[derive(Clone)]
pub(crate) struct HeldMarket {
    store: Arc<dyn Store>,
    /// By the sorted securities asked for.
    held: moka::sync::Cache<Vec<Uuid>, Arc<MarketRows>>,
}

impl HeldMarket {
    pub fn new(store: Arc<dyn Store>) -> Self {
        let held = moka::sync::Cache::builder()
            .max_capacity(CAPACITY_BYTES)
            .weigher(|_: &Vec<Uuid>, rows: &Arc<MarketRows>| rows.weight())
            .time_to_idle(IDLE)
            .build();
        Self { store, held }
    }

    /// The market rows of `securities` as of the market data version `market` (read before
    /// asking): those held when it is unchanged, else read again.
    pub async fn of(
        &self,
        securities: impl IntoIterator<Item = Uuid>,
        market: i64,
    ) -> ServiceResult<Arc<MarketRows>> {
        let mut ids: Vec<Uuid> = securities.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        if let Some(held) = self.held.get(&ids) {
            if held.version == market {
                return Ok(held);
            }
            // Let the stale rows go before the new ones arrive, so both are not held at once.
            self.held.invalidate(&ids);
            self.held.run_pending_tasks();
        }
        let rows = Arc::new(self.read(&ids, market).await?);
        self.held.insert(ids, rows.clone());
        self.held.run_pending_tasks();
        Ok(rows)
    }

    async fn read(&self, ids: &[Uuid], version: i64) -> ServiceResult<MarketRows> {
        if ids.is_empty() {
            return Ok(MarketRows {
                version,
                securities: HashMap::new(),
            });
        }
        let store = self.store.as_ref();
        let (securities, closes, events) = tokio::try_join!(
            store.securities_by_ids(ids),
            store.daily_closes(ids, FIRST_DAY, LAST_DAY),
            store.security_events(ids),
        )?;
        let mut held: HashMap<Uuid, SecurityRows> = securities
            .into_iter()
            .map(|security| {
                let rows = SecurityRows {
                    security,
                    closes: Vec::new(),
                    splits: Vec::new(),
                };
                (rows.security.id, rows)
            })
            .collect();
        for close in closes {
            if let Some(s) = held.get_mut(&close.security_id) {
                s.closes.push((close.timestamp.date_naive(), close.close));
            }
        }
        for event in &events {
            if let (Some(s), Some(factor)) =
                (held.get_mut(&event.security_id), event.split_factor())
            {
                s.splits.push((event.date, factor));
            }
        }
        for s in held.values_mut() {
            s.closes.shrink_to_fit();
        }
        Ok(MarketRows {
            version,
            securities: held,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, d).unwrap()
    }

    fn rows(days: &[u32]) -> Vec<(NaiveDate, Decimal)> {
        days.iter().map(|d| (day(*d), Decimal::from(*d))).collect()
    }

    fn held(days: &[u32]) -> SecurityRows {
        let at = chrono::Utc::now();
        SecurityRows {
            security: Security {
                id: Uuid::nil(),
                symbol: crate::domain::Symbol::parse("AAA").unwrap(),
                name: "A".into(),
                exchange: None,
                currency: "USD".into(),
                security_type: crate::domain::SecurityType::Equity,
                sector: None,
                industry: None,
                market_cap: None,
                last_synced_at: None,
                created_at: at,
                updated_at: at,
            },
            closes: rows(days),
            splits: Vec::new(),
        }
    }

    #[test]
    fn a_range_reads_the_newest_close_on_or_before_its_start_then_those_after_it() {
        let s = held(&[2, 4, 6, 8]);
        // The newest on or before the start, then those in (start, end].
        assert_eq!(s.closes(day(5), day(8)), rows(&[4, 6, 8]));
        assert_eq!(s.closes(day(4), day(7)), rows(&[4, 6]));
        assert_eq!(s.closes(day(3), day(3)), rows(&[2]));
        // Nothing on or before the start: only those after it.
        assert_eq!(s.closes(day(1), day(4)), rows(&[2, 4]));
        assert_eq!(s.closes(day(1), day(1)), rows(&[]));
        // After the last close: the last one alone.
        assert_eq!(s.closes(day(9), day(12)), rows(&[8]));
        assert_eq!(held(&[]).closes(day(1), day(9)), rows(&[]));
    }
}
