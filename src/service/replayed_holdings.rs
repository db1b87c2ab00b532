//! Current holdings of accounts kept by activities. For such an account, a holding is a
//! position statement in its ledger, so its current position in a security is what the
//! ledger replays today, not its newest snapshot: `?current=true` and `GET /api/v1/holdings`
//! answer that position in the holdings' own form.
//!
//! Such a position is not a stored row: its id is made from the account and the security, the
//! same on every read, and names no holding (`/holdings/{id}` does not know it); its average
//! price is the ledger's average cost per unit, in the security's quote unit.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::ledger::convert::to_kept_places;
use crate::domain::ledger::{Activity, LedgerSnapshot, RateSource};
use crate::domain::valuation::HoldingValuation;
use crate::domain::{Account, Holding, PageRequest, QuoteUnit, Security};

use super::ledger::{replay_accounts, RateHistory};
use super::portfolio::{HoldingView, PortfolioService};
use super::ServiceResult;

/// The closes read per security: the price, and the one before it for the day's change.
const CLOSES_PER_SECURITY: i64 = 2;

impl PortfolioService {
    /// The current positions of `accounts` (each with activities), as holdings, by account
    /// then symbol. `activities` are theirs, as the store lists them.
    pub(super) async fn replayed_holdings(
        &self,
        accounts: Vec<Account>,
        activities: Vec<Activity>,
    ) -> ServiceResult<Vec<HoldingView>> {
        let store = self.store.as_ref();
        let today = Utc::now().date_naive();
        let mut last_event: HashMap<(Uuid, Uuid), NaiveDate> = HashMap::new();
        for a in &activities {
            if let Some(security) = a.security_id {
                let day = last_event.entry((a.account_id, security)).or_insert(a.date);
                *day = (*day).max(a.date);
            }
        }
        let mut statements: HashMap<Uuid, Vec<Holding>> = HashMap::new();
        for account in &accounts {
            let held = store
                .holdings(account.id, false, PageRequest::all())
                .await?
                .items;
            statements.insert(account.id, held);
        }
        let replayed = replay_accounts(store, accounts, activities, today, &[]).await?;
        let mut ids: Vec<Uuid> = replayed
            .iter()
            .flat_map(|(_, s, _)| s.positions.iter().filter(|p| p.is_open()))
            .map(|p| p.security_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let (securities, closes) = tokio::try_join!(
            store.securities_by_ids(&ids),
            store.closes_on_or_before(&ids, today, CLOSES_PER_SECURITY),
        )?;
        let securities: HashMap<Uuid, Security> =
            securities.into_iter().map(|s| (s.id, s)).collect();
        // Grouped by security, newest first within each.
        let mut prices: HashMap<Uuid, Vec<(DateTime<Utc>, Decimal)>> = HashMap::new();
        for c in closes {
            prices
                .entry(c.security_id)
                .or_default()
                .push((c.timestamp, c.close));
        }
        let mut views = Vec::new();
        for (account, snapshot, rates) in replayed {
            let facts = Facts {
                account: &account,
                statements: statements.get(&account.id).map_or(&[][..], Vec::as_slice),
                last_event: &last_event,
                rates: rates.as_ref(),
                today,
            };
            let mut held = facts.views(&snapshot, &securities, &prices);
            held.sort_by(|a, b| a.security.symbol.cmp(&b.security.symbol));
            views.extend(held);
        }
        Ok(views)
    }
}

/// What one account's positions are told from.
struct Facts<'a> {
    account: &'a Account,
    statements: &'a [Holding],
    last_event: &'a HashMap<(Uuid, Uuid), NaiveDate>,
    rates: &'a RateHistory,
    today: NaiveDate,
}

impl Facts<'_> {
    fn views(
        &self,
        snapshot: &LedgerSnapshot,
        securities: &HashMap<Uuid, Security>,
        prices: &HashMap<Uuid, Vec<(DateTime<Utc>, Decimal)>>,
    ) -> Vec<HoldingView> {
        let mut views = Vec::new();
        for p in snapshot.positions.iter().filter(|p| p.is_open()) {
            let Some(security) = securities.get(&p.security_id) else {
                continue;
            };
            let Some(average_price) = self.in_quote_unit(p.average_cost, &security.currency) else {
                // A cost that no stored rate brings into the quote unit cannot be written as
                // a holding's average price; the positions route shows it in the account's
                // currency.
                tracing::warn!(
                    account_id = %self.account.id,
                    symbol = %security.symbol,
                    "a replayed position's cost is not known in its quote unit; not listed as a holding"
                );
                continue;
            };
            let statement = self
                .statements
                .iter()
                .filter(|h| h.security_id == p.security_id)
                .map(|h| h.timestamp)
                .max();
            let activity = self
                .last_event
                .get(&(self.account.id, p.security_id))
                .map(|d| d.and_time(NaiveTime::MIN).and_utc());
            let timestamp = statement.max(activity).unwrap_or_else(crate::domain::now);
            let opened = p
                .lots
                .first()
                .map_or(timestamp, |l| l.opened.and_time(NaiveTime::MIN).and_utc());
            let holding = Holding {
                id: Uuid::new_v5(&self.account.id, p.security_id.as_bytes()),
                account_id: self.account.id,
                security_id: p.security_id,
                shares: p.quantity,
                average_price,
                timestamp,
                created_at: opened.min(timestamp),
                updated_at: timestamp,
            };
            let closes = prices.get(&p.security_id);
            let close = closes.and_then(|c| c.first()).copied();
            let previous = closes.and_then(|c| c.get(1)).map(|(_, price)| *price);
            views.push(HoldingView {
                valuation: HoldingValuation::of(&holding, close.map(|(_, price)| price)),
                previous_close: previous,
                price_as_of: close.map(|(at, _)| at),
                holding,
                security: security.clone(),
            });
        }
        views
    }

    /// An average cost per unit in the account's currency, in the quote unit `quote`: by the
    /// unit's fixed factor, and at today's stored rate when the currencies differ.
    fn in_quote_unit(&self, average_cost: Option<Decimal>, quote: &str) -> Option<Decimal> {
        let unit = QuoteUnit::parse(quote).ok()?;
        let rate = self
            .rates
            .rate(&unit.currency, &self.account.currency, self.today)?;
        let in_major = average_cost?.checked_div(rate)?;
        Some(to_kept_places(in_major.checked_mul(unit.per_major)?))
    }
}
