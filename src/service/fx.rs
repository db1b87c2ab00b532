//! Exchange rates: sync from Yahoo, conversion on a date.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{Duration, NaiveDate, NaiveTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use super::upstream::Deadlines;
use super::{Entity, ServiceError, ServiceResult};
use crate::domain::{money, CurrencyCode, ExchangeRate, Interval, PageRequest, QuoteUnit, Symbol};
use crate::market::{ChartRequest, Deadline, MarketData};
use crate::store::Store;

/// Days of rates fetched before the sync date, so that a weekend or holiday still finds the
/// last trading day's rate.
const RATE_LOOKBACK: Duration = Duration::days(7);

/// What a rate sync did.
#[derive(Debug, Clone, Serialize)]
pub struct RateSyncReport {
    pub base_currency: CurrencyCode,
    pub date: NaiveDate,
    pub synced_count: usize,
    pub failed_count: usize,
    /// Each target that failed, with the reason.
    pub failures: Vec<(CurrencyCode, String)>,
    pub message: String,
}

/// An amount converted on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conversion {
    pub from: CurrencyCode,
    pub to: CurrencyCode,
    pub amount: Decimal,
    pub rate: Decimal,
    /// The date asked for; the rate is the newest on or before it.
    pub date: NaiveDate,
    pub converted: Decimal,
}

/// The newest rate from a base to each currency, on or before a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateTable {
    pub base_currency: CurrencyCode,
    pub date: NaiveDate,
    pub rates: BTreeMap<CurrencyCode, Decimal>,
}

/// Currencies to keep rates for: each base currency with the currencies quoted against it.
pub type NeededPairs = BTreeMap<CurrencyCode, BTreeSet<CurrencyCode>>;

/// Exchange rates, shared by the TUI and the HTTP API. Cheap to clone.
#[derive(Clone)]
pub struct FxService {
    store: Arc<dyn Store>,
    market: Arc<dyn MarketData>,
    /// How long one rate sync (every pair of it) may take.
    deadline: std::time::Duration,
}

fn pair_symbol(base: &CurrencyCode, target: &CurrencyCode) -> ServiceResult<Symbol> {
    Ok(Symbol::parse(&format!("{base}{target}=X"))?)
}

impl FxService {
    pub fn new(store: Arc<dyn Store>, market: Arc<dyn MarketData>) -> Self {
        Self {
            store,
            market,
            deadline: Deadlines::default().request,
        }
    }

    pub fn with_deadline(mut self, deadline: std::time::Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Fetches `{BASE}{TARGET}=X` for each target and stores the daily rates of the week up to
    /// `date` (today when `None`). Idempotent: a second run updates the same rows. The pairs
    /// share one deadline: those it leaves no time for fail as timed out.
    #[tracing::instrument(skip_all, fields(base = %base))]
    pub async fn sync_rates(
        &self,
        base: &CurrencyCode,
        targets: &[CurrencyCode],
        date: Option<NaiveDate>,
    ) -> ServiceResult<RateSyncReport> {
        let today = Utc::now().date_naive();
        let date = date.unwrap_or(today);
        if date > today {
            return Err(ServiceError::bad_request(
                "date",
                format!("{date} is in the future"),
            ));
        }
        let mut synced = 0;
        let mut failures = Vec::new();
        let deadline = Deadline::after(self.deadline);
        for target in targets.iter().filter(|t| *t != base) {
            let outcome = deadline
                .run(self.sync_pair(base, target, date))
                .await
                .unwrap_or_else(|e| Err(e.into()));
            match outcome {
                Ok(()) => synced += 1,
                Err(e) => {
                    tracing::warn!(%base, %target, error = %e, "rate sync failed");
                    failures.push((target.clone(), e.to_string()));
                }
            }
        }
        Ok(RateSyncReport {
            message: format!(
                "Synced {synced} exchange rates from {base} ({} failed)",
                failures.len()
            ),
            base_currency: base.clone(),
            date,
            synced_count: synced,
            failed_count: failures.len(),
            failures,
        })
    }

    #[tracing::instrument(skip_all, fields(base = %base, date = %date))]
    async fn sync_pair(
        &self,
        base: &CurrencyCode,
        target: &CurrencyCode,
        date: NaiveDate,
    ) -> ServiceResult<()> {
        let start = (date - RATE_LOOKBACK).and_time(NaiveTime::MIN).and_utc();
        let end = (date + Duration::days(1))
            .and_time(NaiveTime::MIN)
            .and_utc();
        let symbol = pair_symbol(base, target)?;
        let chart = self
            .market
            .chart(&ChartRequest::period(
                symbol.clone(),
                Interval::D1,
                start,
                end,
            ))
            .await?;
        let mut stored = 0;
        for bar in chart
            .bars
            .iter()
            .filter(|b| b.timestamp.date_naive() <= date)
        {
            let rate = ExchangeRate::new(
                base.clone(),
                target.clone(),
                bar.timestamp.date_naive(),
                bar.close,
            )?;
            self.store.upsert_rate(&rate).await?;
            stored += 1;
        }
        if stored == 0 {
            return Err(ServiceError::not_found(
                Entity::Rate,
                format!("Yahoo Finance has no {symbol} rate on or before {date}"),
            ));
        }
        Ok(())
    }

    /// The rate `from -> to` in force on `date`: the newest stored on or before it, a stored
    /// inverse inverted, or a cross through USD; the same currency is 1. No rate is not found,
    /// never 1:1.
    #[tracing::instrument(skip_all, fields(from = %from, to = %to, date = %date))]
    pub async fn rate(
        &self,
        from: &CurrencyCode,
        to: &CurrencyCode,
        date: NaiveDate,
    ) -> ServiceResult<Decimal> {
        super::rates::rate_on(self.store.as_ref(), from, to, date)
            .await?
            .ok_or_else(|| {
                ServiceError::not_found(
                    Entity::Rate,
                    format!("No exchange rate from {from} to {to} on or before {date}"),
                )
            })
    }

    /// Converts `amount` of `from` into `to` with the rate of `date` (today when `None`).
    #[tracing::instrument(skip_all, fields(from = %from, to = %to))]
    pub async fn convert(
        &self,
        from: &CurrencyCode,
        to: &CurrencyCode,
        amount: Decimal,
        date: Option<NaiveDate>,
    ) -> ServiceResult<Conversion> {
        let date = date.unwrap_or_else(|| Utc::now().date_naive());
        let rate = self.rate(from, to, date).await?;
        Ok(Conversion {
            from: from.clone(),
            to: to.clone(),
            amount,
            rate,
            date,
            converted: (amount * rate).round_dp(money::MAX_SCALE),
        })
    }

    /// Converts an amount in a quote unit (`GBp`, `USD`) into a currency: the minor unit by its
    /// fixed factor first, then by the exchange rate.
    #[tracing::instrument(skip_all, fields(to = %to))]
    pub async fn convert_quoted(
        &self,
        unit: &QuoteUnit,
        to: &CurrencyCode,
        amount: Decimal,
        date: Option<NaiveDate>,
    ) -> ServiceResult<Conversion> {
        self.convert(&unit.currency, to, unit.to_major(amount), date)
            .await
    }

    /// The newest rate from `base` to each currency on or before `date`. Not found when there
    /// is none.
    #[tracing::instrument(skip_all, fields(base = %base))]
    pub async fn rates(
        &self,
        base: &CurrencyCode,
        date: Option<NaiveDate>,
    ) -> ServiceResult<RateTable> {
        let date = date.unwrap_or_else(|| Utc::now().date_naive());
        let found = self.store.rates_from(base, date).await?;
        if found.is_empty() {
            return Err(ServiceError::not_found(
                Entity::Rate,
                format!("No exchange rates from {base} on or before {date}"),
            ));
        }
        Ok(RateTable {
            base_currency: base.clone(),
            date,
            rates: found.into_iter().map(|r| (r.to, r.rate)).collect(),
        })
    }

    /// For each user's base currency, the other currencies of their accounts and of the
    /// securities they hold: the rates a full sync keeps fresh.
    #[tracing::instrument(skip_all)]
    pub async fn needed_pairs(&self) -> ServiceResult<NeededPairs> {
        let mut pairs = NeededPairs::new();
        let users = self.store.users(PageRequest::all()).await?.items;
        for user in users {
            let mut wanted = BTreeSet::new();
            let accounts = self
                .store
                .accounts(user.id, PageRequest::all())
                .await?
                .items;
            for account in accounts {
                wanted.insert(account.currency);
            }
            let holdings = self.store.current_holdings_of_user(user.id).await?;
            let ids: Vec<_> = holdings.iter().map(|h| h.security_id).collect();
            if !ids.is_empty() {
                for security in self.store.securities_by_ids(&ids).await? {
                    if let Ok(unit) = QuoteUnit::parse(&security.currency) {
                        wanted.insert(unit.currency);
                    }
                }
            }
            wanted.remove(&user.base_currency);
            if !wanted.is_empty() {
                pairs.entry(user.base_currency).or_default().extend(wanted);
            }
        }
        Ok(pairs)
    }
}
