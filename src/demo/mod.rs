//! Generated portfolios: the demo (`finances demo`) and a large store for benchmarks.
//!
//! Everything is simulated from a seed: the same seed and "today" give the same institutions,
//! accounts, holdings, prices, exchange rates and balance histories, with no network. Rows are
//! built through the domain constructors, so they obey the same rules as typed-in data.

mod catalog;
mod ledger;
mod walk;

use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::ledger::{check_ledger, AccountLedger, CostBasisMethod, LedgerError, NoRates};
use crate::domain::{
    self, AccountType, CurrencyCode, Email, ExchangeRate, NewAccount, NewAccountValue, NewHolding,
    NewInstitution, NewSecurity, Password, QuoteUnit, Security, SecurityType, Symbol, User,
    Username, ValidationError,
};
use crate::service::users::UserService;
use crate::service::ServiceError;
use crate::store::{Store, StoreError};

pub use catalog::{Listing, LISTINGS};
use ledger::{PlannedSplit, TradingPlan};

/// The login of the generated user.
pub const DEMO_USERNAME: &str = "demo";
/// The seed `finances demo` uses unless told otherwise.
pub const DEFAULT_SEED: u64 = 42;

/// What a generator stored.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// The owner of everything generated (a superuser, so it is also the local owner).
    pub user: User,
    pub today: NaiveDate,
    pub institutions: usize,
    pub accounts: usize,
    pub securities: usize,
    pub holdings: usize,
    pub activities: usize,
    pub price_bars: usize,
    pub exchange_rates: usize,
    pub account_values: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("generated activities do not replay: {0}")]
    Ledger(#[from] LedgerError),
}

/// Institution index, name, type, currency, interest rate, held symbols.
type AccountPlan<'a> = (
    usize,
    &'a str,
    AccountType,
    &'a str,
    Option<&'a str>,
    &'a [&'a str],
);

/// How far a generator has got, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoProgress {
    /// Nothing stored yet.
    Starting,
    /// The user and the daily exchange rates.
    Rates,
    /// Securities with their daily prices: `done` of `total` stored.
    Prices { done: usize, total: usize },
    /// Accounts with their holdings and balance histories: `done` of `total` stored.
    Accounts { done: usize, total: usize },
}

impl std::fmt::Display for DemoProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Generating the demo portfolio: ")?;
        match self {
            Self::Starting => f.write_str("starting…"),
            Self::Rates => f.write_str("exchange rates…"),
            Self::Prices { done, total } => write!(f, "prices of {done} of {total} securities…"),
            Self::Accounts { done, total } => write!(f, "accounts {done} of {total}…"),
        }
    }
}

/// Where a generator reports its progress.
pub type Progress<'a> = &'a (dyn Fn(DemoProgress) + Send + Sync);

/// How big a generated portfolio is.
#[derive(Debug, Clone, Copy)]
struct Scale {
    years: i64,
    accounts: usize,
    holdings: usize,
    securities: usize,
}

/// The demo portfolio: 3 institutions, 9 accounts in USD, GBP and EUR (bank accounts, a credit
/// card and a mortgage among them), 22 current positions (London ones quoted in pence), five
/// years of daily prices and exchange rates, and monthly balances of every account.
pub async fn generate(
    store: &Arc<dyn Store>,
    seed: u64,
    today: NaiveDate,
) -> Result<DemoSummary, DemoError> {
    generate_reporting(store, seed, today, &|_| {}).await
}

/// [`generate`], telling `progress` how far it has got.
pub async fn generate_reporting(
    store: &Arc<dyn Store>,
    seed: u64,
    today: NaiveDate,
    progress: Progress<'_>,
) -> Result<DemoSummary, DemoError> {
    let mut g = Generator::new(store, seed, today, 5, progress);
    let user = g.user().await?;
    let listings: Vec<Listing> = LISTINGS.to_vec();
    let securities = g.securities(&listings).await?;
    let banks = [
        ("Harbor National Bank", "https://harbor.example"),
        ("Northwind Securities", "https://northwind.example"),
        ("Thames & Rhine Investments", "https://thamesrhine.example"),
    ];
    let mut institutions = Vec::new();
    for (name, url) in banks {
        institutions.push(g.institution(&user, name, url).await?);
    }
    use AccountType as T;
    let plan: [AccountPlan; 9] = [
        (0, "Everyday Checking", T::Checking, "USD", None, &[]),
        (
            0,
            "High-Yield Savings",
            T::Savings,
            "USD",
            Some("4.25"),
            &[],
        ),
        (
            0,
            "Visa Signature",
            T::CreditCard,
            "USD",
            Some("22.99"),
            &[],
        ),
        (0, "Home Mortgage", T::Mortgage, "USD", Some("6.10"), &[]),
        (
            1,
            "Brokerage",
            T::Brokerage,
            "USD",
            None,
            &[
                "AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "JPM", "XOM", "BRK-B", "KO",
            ],
        ),
        (
            1,
            "Roth IRA",
            T::Retirement,
            "USD",
            None,
            &["VTI", "VOO", "BND", "SCHD", "JNJ"],
        ),
        (
            2,
            "Stocks & Shares ISA",
            T::Brokerage,
            "GBP",
            None,
            &["OCDO.L", "VOD.L", "HSBA.L", "ULVR.L"],
        ),
        (
            2,
            "Euro Depot",
            T::Brokerage,
            "EUR",
            None,
            &["SAP.DE", "ASML.AS", "MC.PA", "SIE.DE"],
        ),
        (2, "Euro Cash", T::Savings, "EUR", Some("2.00"), &[]),
    ];
    let total = plan.len();
    for (done, (inst, name, kind, currency, rate, symbols)) in plan.into_iter().enumerate() {
        (g.progress)(DemoProgress::Accounts { done, total });
        let held: Vec<&SimSecurity> = symbols
            .iter()
            .filter_map(|s| securities.iter().find(|x| x.security.symbol.as_str() == *s))
            .collect();
        // Brokerage accounts are kept by activities; the retirement account by holding
        // snapshots, as an account whose broker only reports positions is, so that both
        // ways of keeping an account are there to see.
        if !held.is_empty() && kind == T::Brokerage {
            let (method, trading) = brokerage_plan(name);
            g.ledger_account(
                &user,
                Some(institutions[inst]),
                (name, kind, currency),
                method,
                &held,
                &trading,
            )
            .await?;
            continue;
        }
        let starting = match kind {
            T::Checking => 6_000.0,
            T::Savings => 18_000.0,
            T::CreditCard => 1_400.0,
            T::Mortgage => 385_000.0,
            _ => 4_000.0,
        };
        g.account(
            &user,
            Some(institutions[inst]),
            name,
            kind,
            currency,
            rate,
            &held,
            starting,
        )
        .await?;
    }
    Ok(g.summary(user))
}

/// A large store for benchmarks: 1,000 securities with ten years of daily prices, 200
/// accounts (160 of them investment accounts) and 5,000 current holdings, plus exchange rates
/// and monthly balances.
pub async fn generate_large(
    store: &Arc<dyn Store>,
    seed: u64,
    today: NaiveDate,
) -> Result<DemoSummary, DemoError> {
    generate_large_reporting(store, seed, today, &|_| {}).await
}

/// [`generate_large`], telling `progress` how far it has got.
pub async fn generate_large_reporting(
    store: &Arc<dyn Store>,
    seed: u64,
    today: NaiveDate,
    progress: Progress<'_>,
) -> Result<DemoSummary, DemoError> {
    let scale = Scale {
        years: 10,
        accounts: 200,
        holdings: 5_000,
        securities: 1_000,
    };
    let mut g = Generator::new(store, seed, today, scale.years, progress);
    let user = g.user().await?;
    let listings = synthetic_listings(&mut g.rng, scale.securities);
    let securities = g.securities(&listings).await?;
    let mut institutions = Vec::new();
    for i in 0..10 {
        let name = format!("Institution {:02}", i + 1);
        let url = format!("https://bank{:02}.example", i + 1);
        institutions.push(g.institution(&user, &name, &url).await?);
    }
    let investment = scale.accounts * 4 / 5;
    let per_account = scale.holdings / investment;
    let currencies = ["USD", "GBP", "EUR"];
    for i in 0..scale.accounts {
        (g.progress)(DemoProgress::Accounts {
            done: i,
            total: scale.accounts,
        });
        let inst = institutions[i % institutions.len()];
        let currency = currencies[i % currencies.len()];
        if i < investment {
            let first = (i * 37) % securities.len();
            let held: Vec<&SimSecurity> = (0..per_account)
                .map(|k| &securities[(first + k * 7) % securities.len()])
                .collect();
            let name = format!("Investment {:03}", i + 1);
            g.account(
                &user,
                Some(inst),
                &name,
                AccountType::Brokerage,
                currency,
                None,
                &held,
                5_000.0,
            )
            .await?;
        } else {
            let kind = [
                AccountType::Checking,
                AccountType::Savings,
                AccountType::CreditCard,
            ][i % 3];
            let name = format!("Bank {:03}", i + 1);
            g.account(&user, Some(inst), &name, kind, currency, None, &[], 8_000.0)
                .await?;
        }
    }
    Ok(g.summary(user))
}

/// How each of the demo's brokerage accounts trades: a taxable account that trades most and
/// holds NVIDIA through its 10-for-1 split of 10 June 2024, a UK ISA on the average (section
/// 104) pool, and a euro account whose dividends are taxed at source.
fn brokerage_plan(name: &str) -> (CostBasisMethod, TradingPlan) {
    let base = TradingPlan {
        trades_per_day: 0.06,
        sell_share: 0.2,
        first_deposit: 15_000.0,
        monthly_deposit: 400.0,
        buy_budget: (800.0, 3_000.0),
        cash_bound: true,
        trade_fee: 0.0,
        dividend_yield: 0.025,
        withholding: 0.0,
        yearly_fee: None,
        cash_interest: None,
        splits: Vec::new(),
        limit: None,
    };
    match name {
        "Brokerage" => (
            CostBasisMethod::Fifo,
            TradingPlan {
                trades_per_day: 0.12,
                sell_share: 0.25,
                first_deposit: 40_000.0,
                monthly_deposit: 1_000.0,
                buy_budget: (1_500.0, 6_000.0),
                trade_fee: 1.0,
                dividend_yield: 0.02,
                cash_interest: Some(0.01),
                splits: vec![PlannedSplit {
                    // NVDA in the account's list.
                    security: 4,
                    date: NaiveDate::from_ymd_opt(2024, 6, 10).unwrap_or_default(),
                    new_for_one: 10,
                }],
                ..base
            },
        ),
        "Stocks & Shares ISA" => (
            CostBasisMethod::Average,
            TradingPlan {
                first_deposit: 20_000.0,
                trade_fee: 5.0,
                dividend_yield: 0.04,
                yearly_fee: Some(24.0),
                ..base
            },
        ),
        _ => (
            CostBasisMethod::Fifo,
            TradingPlan {
                trade_fee: 4.9,
                withholding: 0.15,
                ..base
            },
        ),
    }
}

/// Activities in the large ledger store.
pub const LEDGER_LARGE_ACTIVITIES: usize = 100_000;

/// A large ledger for benchmarks: 50 securities with ten years of daily prices and rates, and
/// [`LEDGER_LARGE_ACTIVITIES`] activities spread evenly over five investment accounts of one
/// user (fifo, lifo and hifo in USD, an `average` pool in GBP, fifo in EUR; each trades 30 of
/// the securities, some quoted in pence or euros, with a 2-for-1 split halfway), plus a
/// checking account with monthly balances.
pub async fn generate_ledger_large(
    store: &Arc<dyn Store>,
    seed: u64,
    today: NaiveDate,
) -> Result<DemoSummary, DemoError> {
    const SECURITIES: usize = 50;
    const HELD: usize = 30;
    let mut g = Generator::new(store, seed, today, 10, &|_| {});
    let user = g.user().await?;
    let listings = synthetic_listings(&mut g.rng, SECURITIES);
    let securities = g.securities(&listings).await?;
    let institution = g
        .institution(&user, "Northwind Securities", "https://northwind.example")
        .await?;
    use CostBasisMethod as M;
    let accounts = [
        ("Brokerage", "USD", M::Fifo),
        ("Trading", "USD", M::Lifo),
        ("Retirement", "USD", M::Hifo),
        ("Pooled", "GBP", M::Average),
        ("Depot", "EUR", M::Fifo),
    ];
    let per_account = LEDGER_LARGE_ACTIVITIES / accounts.len();
    let halfway = g.days[g.days.len() / 2];
    for (k, (name, currency, method)) in accounts.into_iter().enumerate() {
        let held: Vec<&SimSecurity> = (0..HELD)
            .map(|j| &securities[(k * 10 + j) % SECURITIES])
            .collect();
        let trading = TradingPlan {
            trades_per_day: 7.5,
            sell_share: 0.3,
            first_deposit: 100_000.0,
            monthly_deposit: 20_000.0,
            buy_budget: (500.0, 5_000.0),
            cash_bound: false,
            trade_fee: 1.0,
            dividend_yield: 0.02,
            withholding: 0.15,
            yearly_fee: Some(50.0),
            cash_interest: Some(0.01),
            splits: vec![PlannedSplit {
                security: 0,
                date: halfway,
                new_for_one: 2,
            }],
            limit: Some(per_account),
        };
        g.ledger_account(
            &user,
            Some(institution),
            (name, AccountType::Brokerage, currency),
            method,
            &held,
            &trading,
        )
        .await?;
    }
    g.account(
        &user,
        Some(institution),
        "Checking",
        AccountType::Checking,
        "USD",
        None,
        &[],
        8_000.0,
    )
    .await?;
    Ok(g.summary(user))
}

/// Made-up instruments for the large store: mostly US, every tenth in London (pence), every
/// seventh in Frankfurt (euros).
fn synthetic_listings(rng: &mut ChaCha8Rng, n: usize) -> Vec<Listing> {
    const SYLLABLES: [&str; 16] = [
        "ar", "bel", "cor", "dan", "el", "fin", "gra", "hol", "is", "jun", "kor", "lum", "mer",
        "nor", "ost", "pra",
    ];
    (0..n)
        .map(|i| {
            let word: String = (0..3)
                .map(|k| SYLLABLES[(i * 7 + k * 5 + i / 16) % SYLLABLES.len()])
                .collect();
            let (suffix, exchange, currency, price) = if i % 10 == 0 {
                (".L", "LSE", "GBp", rng.gen_range(80.0..4_000.0))
            } else if i % 7 == 0 {
                (".DE", "GER", "EUR", rng.gen_range(10.0..400.0))
            } else {
                ("", "NYQ", "USD", rng.gen_range(5.0..500.0))
            };
            let symbol: &'static str = Box::leak(format!("X{i:04}{suffix}").into_boxed_str());
            let mut name = word;
            if let Some(first) = name.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            let name: &'static str = Box::leak(format!("{name} Holdings {i}").into_boxed_str());
            Listing {
                symbol,
                name,
                exchange,
                currency,
                security_type: if i % 9 == 0 {
                    SecurityType::Etf
                } else {
                    SecurityType::Equity
                },
                sector: "Industrials",
                start_price: price,
                drift: rng.gen_range(-0.05..0.2),
                volatility: rng.gen_range(0.1..0.5),
                shares_millions: rng.gen_range(50.0..5_000.0),
            }
        })
        .collect()
}

/// A security with its simulated closes, one per trading day of the generator.
struct SimSecurity {
    security: Security,
    unit: QuoteUnit,
    closes: Vec<f64>,
}

struct Generator<'a> {
    store: &'a Arc<dyn Store>,
    progress: Progress<'a>,
    rng: ChaCha8Rng,
    today: NaiveDate,
    days: Vec<NaiveDate>,
    /// USD -> currency, per trading day.
    usd_rates: Vec<(CurrencyCode, Vec<f64>)>,
    counts: Counts,
}

#[derive(Default)]
struct Counts {
    institutions: usize,
    accounts: usize,
    securities: usize,
    holdings: usize,
    activities: usize,
    price_bars: usize,
    exchange_rates: usize,
    account_values: usize,
}

fn at_time(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(
        &day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN)),
    )
}

fn code(raw: &str) -> CurrencyCode {
    CurrencyCode::parse(raw).unwrap_or_else(|_| CurrencyCode::usd())
}

impl<'a> Generator<'a> {
    fn new(
        store: &'a Arc<dyn Store>,
        seed: u64,
        today: NaiveDate,
        years: i64,
        progress: Progress<'a>,
    ) -> Self {
        let start = today - Duration::days(365 * years + years / 4);
        Self {
            store,
            progress,
            rng: ChaCha8Rng::seed_from_u64(seed),
            today,
            days: walk::weekdays(start, today),
            usd_rates: Vec::new(),
            counts: Counts::default(),
        }
    }

    fn summary(&self, user: User) -> DemoSummary {
        let c = &self.counts;
        DemoSummary {
            user,
            today: self.today,
            institutions: c.institutions,
            accounts: c.accounts,
            securities: c.securities,
            holdings: c.holdings,
            activities: c.activities,
            price_bars: c.price_bars,
            exchange_rates: c.exchange_rates,
            account_values: c.account_values,
        }
    }

    /// The demo user (a superuser with a random password) and the exchange rates.
    async fn user(&mut self) -> Result<User, DemoError> {
        (self.progress)(DemoProgress::Rates);
        let users = UserService::new(self.store.clone());
        let password: String = (0..24)
            .map(|_| char::from(b'a' + self.rng.gen_range(0..26u8)))
            .collect();
        let user = users
            .register(
                Email::parse("demo@example.com")?,
                Username::parse(DEMO_USERNAME)?,
                Password::parse(&password)?,
                true,
            )
            .await?;
        let mut rates = Vec::new();
        for (currency, start) in [("EUR", 0.84), ("GBP", 0.74)] {
            let path = walk::closes(&mut self.rng, self.days.len(), start, 0.0, 0.07);
            for (day, rate) in self.days.iter().zip(&path) {
                rates.push(ExchangeRate::new(
                    CurrencyCode::usd(),
                    code(currency),
                    *day,
                    walk::decimal(*rate, 6),
                )?);
            }
            self.usd_rates.push((code(currency), path));
        }
        self.store.upsert_rates(&rates).await?;
        self.counts.exchange_rates += rates.len();
        Ok(user)
    }

    /// Stores the listings with their simulated daily bars.
    async fn securities(&mut self, listings: &[Listing]) -> Result<Vec<SimSecurity>, DemoError> {
        let mut out = Vec::with_capacity(listings.len());
        for (done, l) in listings.iter().enumerate() {
            (self.progress)(DemoProgress::Prices {
                done,
                total: listings.len(),
            });
            let closes = walk::closes(
                &mut self.rng,
                self.days.len(),
                l.start_price,
                l.drift,
                l.volatility,
            );
            let places = if l.currency == "GBp" { 2 } else { 4 };
            let last = closes.last().copied().unwrap_or(l.start_price);
            let unit = QuoteUnit::parse(l.currency)?;
            let market_cap = (l.shares_millions > 0.0)
                .then(|| walk::decimal(l.shares_millions * 1e6 * last / unit_factor(&unit), 0));
            let security = NewSecurity {
                symbol: Symbol::parse(l.symbol)?,
                name: l.name.to_string(),
                exchange: Some(l.exchange.to_string()),
                currency: l.currency.to_string(),
                security_type: l.security_type,
                sector: (!l.sector.is_empty()).then(|| l.sector.to_string()),
                industry: None,
                market_cap,
            }
            .into_security(Uuid::new_v4(), domain::now());
            let mut security = security;
            security.last_synced_at = Some(at_time(self.today, 22));
            self.store.insert_security(&security).await?;
            let volume = 2e8 / l.start_price.max(1.0);
            let bars = walk::bars(
                &mut self.rng,
                security.id,
                &self.days,
                &closes,
                l.volatility,
                volume,
                places,
            );
            self.store.save_sync(&security, &bars).await?;
            self.counts.securities += 1;
            self.counts.price_bars += bars.len();
            out.push(SimSecurity {
                security,
                unit,
                closes,
            });
        }
        Ok(out)
    }

    async fn institution(&mut self, user: &User, name: &str, url: &str) -> Result<Uuid, DemoError> {
        let inst = NewInstitution::new(name, Some(url))?.into_institution(
            Uuid::new_v4(),
            user.id,
            domain::now(),
        );
        self.store.insert_institution(&inst).await?;
        self.counts.institutions += 1;
        Ok(inst.id)
    }

    /// USD -> `currency` on trading day `i`.
    fn usd_to(&self, currency: &CurrencyCode, i: usize) -> f64 {
        usd_to(&self.usd_rates, currency, i)
    }

    /// An investment account kept by activities: its simulated trading, checked by the
    /// engine, stored as activities, and its month-start values from the same simulation.
    async fn ledger_account(
        &mut self,
        user: &User,
        institution: Option<Uuid>,
        (name, kind, currency): (&str, AccountType, &str),
        method: CostBasisMethod,
        held: &[&SimSecurity],
        plan: &TradingPlan,
    ) -> Result<Uuid, DemoError> {
        let currency = code(currency);
        let mut new = NewAccount::new(name, kind, currency.clone(), institution, true, None)?;
        new.cost_basis_method = method;
        let account = new.into_account(Uuid::new_v4(), user.id, domain::now());
        self.store.insert_account(&account).await?;
        self.counts.accounts += 1;

        let usd_rates = &self.usd_rates;
        let to_account = |from: &CurrencyCode, i: usize| {
            usd_to(usd_rates, &currency, i) / usd_to(usd_rates, from, i)
        };
        let sim = ledger::simulate(
            &mut self.rng,
            account.id,
            &currency,
            held,
            &self.days,
            &to_account,
            plan,
            domain::now(),
        )?;
        // Quantities do not depend on rates: the engine's check needs none.
        check_ledger(
            AccountLedger {
                currency: &currency,
                method,
                activities: &sim.activities,
                statements: &[],
            },
            &NoRates,
        )?;
        // Batches keep each transaction's size bounded on either store.
        for batch in sim.activities.chunks(5_000) {
            self.store.insert_activities(batch).await?;
        }
        self.counts.activities += sim.activities.len();

        let values = sim
            .values
            .iter()
            .map(|&(i, value, cash)| {
                Ok(NewAccountValue::new(
                    walk::decimal(value, 2),
                    Some(walk::decimal(cash, 2)),
                    at_time(self.days[i], 12),
                    true,
                )?
                .into_value(Uuid::new_v4(), account.id, domain::now()))
            })
            .collect::<Result<Vec<_>, DemoError>>()?;
        self.store.insert_account_values(&values).await?;
        self.counts.account_values += values.len();
        Ok(account.id)
    }

    /// An account, its holdings (bought at a random day in the past) and a monthly balance
    /// history: for investment accounts, the market value of the positions plus cash.
    #[allow(clippy::too_many_arguments)]
    async fn account(
        &mut self,
        user: &User,
        institution: Option<Uuid>,
        name: &str,
        kind: AccountType,
        currency: &str,
        interest: Option<&str>,
        held: &[&SimSecurity],
        starting: f64,
    ) -> Result<(), DemoError> {
        let currency = code(currency);
        let investment = !held.is_empty();
        let interest = interest.map(|r| r.parse::<Decimal>().unwrap_or_default());
        let account = NewAccount::new(
            name,
            kind,
            currency.clone(),
            institution,
            investment,
            interest,
        )?
        .into_account(Uuid::new_v4(), user.id, domain::now());
        self.store.insert_account(&account).await?;
        self.counts.accounts += 1;

        let n = self.days.len();
        // (security, shares, index of the purchase day)
        let mut positions = Vec::new();
        for s in held {
            let bought = self.rng.gen_range(n / 10..n * 4 / 5);
            let price = s.closes[bought];
            let target = self.rng.gen_range(2_000.0..30_000.0) * s.unit_factor_f64();
            let shares = (target / price).max(1.0).round();
            let average = price * self.rng.gen_range(0.97..1.03);
            let places = if s.unit.is_minor() { 2 } else { 4 };
            // An earlier, smaller snapshot of some positions, so their history has two rows.
            if self.rng.gen_bool(0.25) && bought > 60 {
                let earlier = NewHolding::new(
                    s.security.id,
                    Decimal::from((shares / 2.0).max(1.0) as i64),
                    walk::decimal(s.closes[bought - 60], places),
                    at_time(self.days[bought - 60], 15),
                )?
                .into_holding(Uuid::new_v4(), account.id, domain::now());
                self.store.insert_holding(&earlier).await?;
                self.counts.holdings += 1;
            }
            let holding = NewHolding::new(
                s.security.id,
                Decimal::from(shares as i64),
                walk::decimal(average, places),
                at_time(self.days[bought], 15),
            )?
            .into_holding(Uuid::new_v4(), account.id, domain::now());
            self.store.insert_holding(&holding).await?;
            self.counts.holdings += 1;
            positions.push((*s, shares, bought));
        }

        // Month starts and today.
        let mut sample: Vec<usize> = (0..n)
            .filter(|&i| i == 0 || self.days[i].month() != self.days[i - 1].month())
            .collect();
        if sample.last() != Some(&(n - 1)) {
            sample.push(n - 1);
        }
        let mut balance = starting;
        let mut cash = starting;
        let mut values = Vec::with_capacity(sample.len());
        for i in sample {
            let (value, cash_balance) = if investment {
                cash = (cash * (1.0 + 0.05 * walk::normal(&mut self.rng))).max(100.0);
                let mut total = cash;
                for (s, shares, bought) in &positions {
                    if i >= *bought {
                        let major = s.closes[i] * shares / s.unit_factor_f64();
                        let to_account =
                            self.usd_to(&currency, i) / self.usd_to(&s.unit.currency, i);
                        total += major * to_account;
                    }
                }
                (total, Some(walk::decimal(cash, 2)))
            } else {
                let trend = match kind {
                    AccountType::Mortgage => -0.004,
                    AccountType::Savings => 0.006,
                    _ => 0.0,
                };
                balance = (balance * (1.0 + trend + 0.04 * walk::normal(&mut self.rng))).max(50.0);
                (balance, None)
            };
            let value = NewAccountValue::new(
                walk::decimal(value, 2),
                cash_balance,
                at_time(self.days[i], 12),
                investment,
            )?
            .into_value(Uuid::new_v4(), account.id, domain::now());
            values.push(value);
        }
        self.store.insert_account_values(&values).await?;
        self.counts.account_values += values.len();
        Ok(())
    }
}

/// USD -> `currency` on trading day `i`, from the simulated paths.
fn usd_to(paths: &[(CurrencyCode, Vec<f64>)], currency: &CurrencyCode, i: usize) -> f64 {
    if *currency == CurrencyCode::usd() {
        return 1.0;
    }
    paths
        .iter()
        .find(|(c, _)| c == currency)
        .map_or(1.0, |(_, path)| path[i])
}

fn unit_factor(unit: &QuoteUnit) -> f64 {
    if unit.is_minor() {
        100.0
    } else {
        1.0
    }
}

impl SimSecurity {
    fn unit_factor_f64(&self) -> f64 {
        unit_factor(&self.unit)
    }
}

/// A fixed "today" for reproducible demos and tests: a Friday.
pub fn reference_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 27).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PageRequest;
    use crate::service::Services;

    #[tokio::test]
    async fn the_demo_has_what_it_promises() {
        let t = crate::store::testing::sqlite().await;
        let store = t.store();
        let today = reference_today();
        let reports = std::sync::Mutex::new(Vec::new());
        let s = generate_reporting(&store, DEFAULT_SEED, today, &|p| {
            reports.lock().unwrap().push(p)
        })
        .await
        .unwrap();
        let reports = reports.into_inner().unwrap();
        assert_eq!(reports.first(), Some(&DemoProgress::Rates));
        assert!(reports.contains(&DemoProgress::Prices {
            done: s.securities - 1,
            total: s.securities
        }));
        assert_eq!(
            reports.last(),
            Some(&DemoProgress::Accounts {
                done: s.accounts - 1,
                total: s.accounts
            })
        );
        assert_eq!(s.institutions, 3);
        assert!(s.accounts >= 6);
        // The retirement account's five positions, two of them with an older snapshot.
        assert_eq!(s.holdings, 7, "the retirement account is kept by snapshots");
        assert!(s.activities >= 200, "{}", s.activities);
        assert!(s.price_bars >= 22 * 5 * 250);
        let services = Services::new(store.clone(), Arc::new(crate::market::OfflineMarket));
        let overview = services.portfolio.overview(&s.user).await.unwrap();
        let currencies: std::collections::HashSet<_> = overview
            .groups
            .iter()
            .flat_map(|g| g.accounts.iter().map(|a| a.account.currency.clone()))
            .collect();
        assert_eq!(currencies.len(), 3);
        assert!(overview.complete(), "{:?}", overview.missing);
        assert!(overview.net_worth.liabilities > Decimal::ZERO);
        let mut positions = Vec::new();
        for account in services
            .portfolio
            .accounts(&s.user, PageRequest::all())
            .await
            .unwrap()
            .items
        {
            let lines = services
                .ledger
                .positions(&s.user, account.id, Some(today))
                .await
                .unwrap();
            assert_eq!(
                account.is_investment_account,
                !lines.is_empty(),
                "{}",
                account.name
            );
            positions.extend(lines);
        }
        assert!(positions.len() >= 15, "{}", positions.len());
        assert!(positions.iter().any(|p| p.security.currency == "GBp"));
        assert!(positions.iter().all(|p| p.complete()));
    }

    #[tokio::test]
    async fn the_demos_ledger_replays_with_gains_income_a_split_and_an_average_pool() {
        use crate::domain::ledger::ActivityType;
        use crate::service::ledger::{DateRange, IncomeGrouping};

        let t = crate::store::testing::sqlite().await;
        let store = t.store();
        let today = reference_today();
        let s = generate(&store, DEFAULT_SEED, today).await.unwrap();
        let services = Services::new(store.clone(), Arc::new(crate::market::OfflineMarket));
        let accounts = services
            .portfolio
            .accounts(&s.user, PageRequest::all())
            .await
            .unwrap()
            .items;
        let activities = store.user_activities(s.user.id).await.unwrap();
        assert_eq!(activities.len(), s.activities);
        for account in &accounts {
            let own: Vec<_> = activities
                .iter()
                .filter(|a| a.account_id == account.id)
                .cloned()
                .collect();
            // Brokerage accounts are kept by activities alone; the retirement account by
            // snapshots; bank accounts by balances.
            assert_eq!(
                account.account_type == crate::domain::AccountType::Brokerage,
                !own.is_empty(),
                "{}",
                account.name
            );
            let holdings = store
                .holdings(account.id, false, PageRequest::all())
                .await
                .unwrap();
            assert_eq!(
                holdings.total == 0,
                account.account_type != crate::domain::AccountType::Retirement,
                "{}",
                account.name
            );
            check_ledger(
                AccountLedger {
                    currency: &account.currency,
                    method: account.cost_basis_method,
                    activities: &own,
                    statements: &[],
                },
                &NoRates,
            )
            .unwrap_or_else(|e| panic!("{}: {e}", account.name));
        }
        let count = |kind: ActivityType| {
            activities
                .iter()
                .filter(|a| a.activity_type == kind)
                .count()
        };
        for kind in [
            ActivityType::Deposit,
            ActivityType::Buy,
            ActivityType::Sell,
            ActivityType::Dividend,
            ActivityType::Fee,
            ActivityType::Interest,
        ] {
            assert!(count(kind) > 0, "no {kind}");
        }
        assert_eq!(count(ActivityType::Split), 1);
        assert!(accounts
            .iter()
            .any(|a| a.cost_basis_method == CostBasisMethod::Average));

        let gains = services
            .ledger
            .realized_gains(&s.user, DateRange::default(), None)
            .await
            .unwrap();
        assert!(!gains.rows.is_empty());
        assert!(gains.total_complete);
        assert!(!gains.total.is_zero());
        let income = services
            .ledger
            .income(&s.user, DateRange::default(), None, IncomeGrouping::Year)
            .await
            .unwrap();
        assert!(income.iter().all(|g| g.complete));
        assert!(income.iter().any(|g| g.gross > Decimal::ZERO));
        assert!(income.iter().any(|g| g.withheld > Decimal::ZERO));
        // Every cash flow covered by the account's own cash: nothing implicit.
        for account in accounts.iter().filter(|a| a.is_investment_account) {
            let cash = services
                .ledger
                .cash(&s.user, account.id, Some(today))
                .await
                .unwrap();
            assert!(cash.complete, "{}", account.name);
            assert!(
                cash.cash.implicit_deposits.is_empty(),
                "{}: {:?}",
                account.name,
                cash.cash.implicit_deposits
            );
        }
    }

    #[tokio::test]
    async fn the_same_seed_gives_the_same_portfolio() {
        let today = reference_today();
        let mut totals = Vec::new();
        for seed in [7, 7, 8] {
            let t = crate::store::testing::sqlite().await;
            let store = t.store();
            let s = generate(&store, seed, today).await.unwrap();
            let services = Services::new(store.clone(), Arc::new(crate::market::OfflineMarket));
            totals.push(
                services
                    .portfolio
                    .overview(&s.user)
                    .await
                    .unwrap()
                    .net_worth,
            );
        }
        assert_eq!(totals[0], totals[1]);
        assert_ne!(totals[0], totals[2]);
    }
}
