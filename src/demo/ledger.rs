//! Simulated trading of one account: the activities a user would have recorded over the
//! generator's days (deposits, buys, sells, dividends, interest, fees, splits), and the
//! account's value at each month start from the same simulation.
//!
//! Quantities are tracked as the engine will count them, so a sale never takes more than is
//! held on its date. Stored closes are split-adjusted (as Yahoo's are), so a trade before a
//! split is priced at the close times the split's ratio.

use chrono::{Datelike, Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::walk;
use super::SimSecurity;
use crate::domain::ledger::{Activity, ActivityFields, ActivityType, NewActivity, SplitRatio};
use crate::domain::{CurrencyCode, ValidationError};

/// A split of one of the account's securities: index into its securities, day, new for one.
#[derive(Debug, Clone, Copy)]
pub(super) struct PlannedSplit {
    pub security: usize,
    pub date: NaiveDate,
    pub new_for_one: u32,
}

/// How an account trades, in its own currency unless said otherwise.
#[derive(Debug, Clone)]
pub(super) struct TradingPlan {
    /// Expected trades per trading day.
    pub trades_per_day: f64,
    /// Of the trades, the share that sells part of a position held.
    pub sell_share: f64,
    pub first_deposit: f64,
    pub monthly_deposit: f64,
    /// What one buy spends, as a range.
    pub buy_budget: (f64, f64),
    /// Buys that the simulated cash does not cover are skipped (no implicit deposits).
    pub cash_bound: bool,
    /// Per trade, in the account's currency (converted into the security's unit).
    pub trade_fee: f64,
    /// Annual dividend yield of the securities that pay (about half of them).
    pub dividend_yield: f64,
    /// Share of a dividend withheld at source.
    pub withholding: f64,
    /// Charged each January.
    pub yearly_fee: Option<f64>,
    /// Annual interest on cash, paid quarterly.
    pub cash_interest: Option<f64>,
    pub splits: Vec<PlannedSplit>,
    /// At most this many activities; the latest are left out beyond it.
    pub limit: Option<usize>,
}

/// What [`simulate`] made: the activities in the order they happened, and the account's value
/// and cash at each month start and on the last day.
pub(super) struct Simulated {
    pub activities: Vec<Activity>,
    /// (day index, value, cash)
    pub values: Vec<(usize, f64, f64)>,
}

/// The rates the simulation converts with: account currency per unit of `currency` on day `i`.
pub(super) type RateFn<'a> = &'a dyn Fn(&CurrencyCode, usize) -> f64;

struct Held<'a> {
    security: &'a SimSecurity,
    quantity: Decimal,
    pays_dividends: bool,
    /// Splits after the current day multiply the stored close back to the traded price.
    splits: Vec<(NaiveDate, u32)>,
}

impl Held<'_> {
    /// The price traded on day `i` of `day`, in the security's quote unit, before splits.
    fn traded_close(&self, i: usize, day: NaiveDate) -> f64 {
        let factor: u32 = self
            .splits
            .iter()
            .filter(|(d, _)| *d > day)
            .map(|(_, r)| *r)
            .product();
        self.security.closes[i] * f64::from(factor)
    }
}

struct Builder {
    account_id: Uuid,
    currency: String,
    today: NaiveDate,
    at: chrono::DateTime<chrono::Utc>,
    rng_ids: ChaCha8Rng,
    out: Vec<Activity>,
}

impl Builder {
    fn push(&mut self, fields: ActivityFields) -> Result<(), ValidationError> {
        let new = NewActivity::new(fields, self.today)?;
        // Creation times follow the simulation, so the replay's order within a date is the
        // order the activities happened in, the same on every run.
        let at = self.at + Duration::microseconds(self.out.len() as i64);
        let id = uuid::Builder::from_random_bytes(self.rng_ids.gen()).into_uuid();
        self.out.push(new.into_activity(id, self.account_id, at));
        Ok(())
    }

    fn blank(&self, activity_type: ActivityType, date: NaiveDate) -> ActivityFields {
        ActivityFields {
            activity_type,
            date,
            security_id: None,
            quantity: None,
            unit_price: None,
            amount: None,
            fee: None,
            currency: self.currency.clone(),
            fx_rate: None,
            split_ratio: None,
            notes: None,
            external_id: None,
        }
    }
}

fn money(value: f64) -> Decimal {
    walk::decimal(value, 2)
}

/// The account's activities over `days` (trading days, oldest first).
#[allow(clippy::too_many_arguments)]
pub(super) fn simulate(
    rng: &mut ChaCha8Rng,
    account_id: Uuid,
    currency: &CurrencyCode,
    securities: &[&SimSecurity],
    days: &[NaiveDate],
    to_account: RateFn<'_>,
    plan: &TradingPlan,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Simulated, ValidationError> {
    let today = days.last().copied().unwrap_or_default();
    let mut b = Builder {
        account_id,
        currency: currency.to_string(),
        today,
        at,
        // Ids from a stream of their own, so that they do not shift the simulation's draws.
        rng_ids: ChaCha8Rng::seed_from_u64(rng.gen()),
        out: Vec::new(),
    };
    let mut held: Vec<Held> = securities
        .iter()
        .enumerate()
        .map(|(k, s)| Held {
            security: s,
            quantity: Decimal::ZERO,
            pays_dividends: rng.gen_bool(0.5),
            splits: plan
                .splits
                .iter()
                .filter(|p| p.security == k)
                .map(|p| (p.date, p.new_for_one))
                .collect(),
        })
        .collect();
    let mut cash = 0.0_f64;
    let mut trades = 0.0_f64;
    let mut values = Vec::new();
    for (i, &day) in days.iter().enumerate() {
        let month_start = i == 0 || days[i - 1].month() != day.month();
        // A split comes first on its date, as the engine replays it.
        for h in held.iter_mut() {
            if let Some(&(_, ratio)) = h.splits.iter().find(|(d, _)| *d == day) {
                if h.quantity > Decimal::ZERO {
                    let mut f = b.blank(ActivityType::Split, day);
                    f.security_id = Some(h.security.security.id);
                    f.currency = h.security.security.currency.clone();
                    f.split_ratio = Some(SplitRatio::new(Decimal::from(ratio), Decimal::ONE)?);
                    b.push(f)?;
                    h.quantity *= Decimal::from(ratio);
                }
            }
        }
        if i == 0 || month_start {
            let amount = if i == 0 {
                plan.first_deposit
            } else {
                plan.monthly_deposit
            };
            if amount > 0.0 {
                let mut f = b.blank(ActivityType::Deposit, day);
                f.amount = Some(money(amount));
                b.push(f)?;
                cash += amount;
            }
        }
        trades += plan.trades_per_day;
        while trades >= 1.0 {
            trades -= 1.0;
            let k = rng.gen_range(0..held.len());
            let h = &mut held[k];
            let unit = &h.security.unit;
            let per_major = unit.per_major.to_f64().unwrap_or(1.0);
            let rate = to_account(&unit.currency, i);
            let price = h.traded_close(i, day) * rng.gen_range(0.995..1.005);
            let unit_price = money(price);
            let price_in_account = unit_price.to_f64().unwrap_or(price) / per_major * rate;
            let fee = money(plan.trade_fee / rate * per_major);
            let fee_in_account = plan.trade_fee;
            let sell = h.quantity >= Decimal::ONE && rng.gen_bool(plan.sell_share);
            let mut f = b.blank(
                if sell {
                    ActivityType::Sell
                } else {
                    ActivityType::Buy
                },
                day,
            );
            f.security_id = Some(h.security.security.id);
            f.currency = h.security.security.currency.clone();
            f.unit_price = Some(unit_price);
            f.fee = Some(fee);
            if sell {
                let quantity = if rng.gen_bool(0.1) {
                    h.quantity
                } else {
                    (h.quantity * walk::decimal(rng.gen_range(0.2..0.6), 2))
                        .trunc()
                        .max(Decimal::ONE)
                };
                h.quantity -= quantity;
                cash += quantity.to_f64().unwrap_or(0.0) * price_in_account - fee_in_account;
                f.quantity = Some(quantity);
            } else {
                let budget = rng.gen_range(plan.buy_budget.0..plan.buy_budget.1);
                let quantity = (budget / price_in_account).floor().max(1.0);
                let cost = quantity * price_in_account + fee_in_account;
                if plan.cash_bound && cost > cash {
                    continue;
                }
                h.quantity += Decimal::from(quantity as i64);
                cash -= cost;
                f.quantity = Some(Decimal::from(quantity as i64));
            }
            b.push(f)?;
        }
        // Dividends in the middle of each quarter's last month.
        let quarter_pay =
            i > 0 && day.month() % 3 == 0 && day.day() >= 15 && days[i - 1].day() < 15;
        if quarter_pay {
            for h in held.iter().filter(|h| h.pays_dividends) {
                if h.quantity <= Decimal::ZERO {
                    continue;
                }
                let per_share = h.traded_close(i, day) * plan.dividend_yield / 4.0;
                let gross = money(h.quantity.to_f64().unwrap_or(0.0) * per_share);
                if gross <= Decimal::ZERO {
                    continue;
                }
                let withheld = (gross * walk::decimal(plan.withholding, 4)).round_dp(2);
                let mut f = b.blank(ActivityType::Dividend, day);
                f.security_id = Some(h.security.security.id);
                f.currency = h.security.security.currency.clone();
                f.amount = Some(gross);
                f.fee = (withheld > Decimal::ZERO).then_some(withheld);
                b.push(f)?;
                let unit = &h.security.unit;
                let per_major = unit.per_major.to_f64().unwrap_or(1.0);
                cash += (gross - withheld).to_f64().unwrap_or(0.0) / per_major
                    * to_account(&unit.currency, i);
            }
            if let Some(rate) = plan.cash_interest {
                let interest = money(cash * rate / 4.0);
                if interest > Decimal::ZERO {
                    let mut f = b.blank(ActivityType::Interest, day);
                    f.amount = Some(interest);
                    b.push(f)?;
                    cash += interest.to_f64().unwrap_or(0.0);
                }
            }
        }
        if let Some(amount) = plan.yearly_fee {
            if month_start && day.month() == 1 && i > 0 && cash > amount {
                let mut f = b.blank(ActivityType::Fee, day);
                f.amount = Some(money(amount));
                f.notes = Some("Annual account fee".to_string());
                b.push(f)?;
                cash -= amount;
            }
        }
        if month_start || i + 1 == days.len() {
            let market: f64 = held
                .iter()
                .map(|h| {
                    let unit = &h.security.unit;
                    let per_major = unit.per_major.to_f64().unwrap_or(1.0);
                    h.quantity.to_f64().unwrap_or(0.0) * h.traded_close(i, day) / per_major
                        * to_account(&unit.currency, i)
                })
                .sum();
            values.push((i, market + cash.max(0.0), cash.max(0.0)));
        }
        if plan.limit.is_some_and(|n| b.out.len() >= n) {
            break;
        }
    }
    let mut activities = b.out;
    if let Some(n) = plan.limit {
        activities.truncate(n);
    }
    Ok(Simulated { activities, values })
}
