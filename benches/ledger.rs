//! The ledger engine on one large account: 100,000 activities over 50 securities and ten
//! years (monthly deposits, buys, sells that never exceed what is held, quarterly dividends,
//! fees, a split), replayed in memory with no store.
//!
//! - `ledger/check/*`: the whole ledger replayed and checked, per cost-basis method (what every
//!   change to an account costs before it is stored).
//! - `ledger/as_of/fifo`: the snapshot as of the last day: positions with open lots, cash,
//!   every realized gain and income row.
//! - `ledger/daily/fifo`: one replay stepped through every calendar day of the ten years,
//!   reading each day's cash and quantities (the walk a daily valuation makes).
//! - `ledger/performance/fifo`: `account_history` over the ten years: the same walk, each
//!   day's positions valued at their daily closes (one per security and day, a split among
//!   them), with the day's flows and totals.
//!
//! `cargo bench --bench ledger`.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rust_decimal::Decimal;
use uuid::Uuid;

use finances::domain::ledger::{
    check_ledger, ledger_as_of, AccountLedger, Activity, ActivityType, CostBasisMethod, NoRates,
    SplitRatio, Timeline,
};
use finances::domain::performance::{account_history, Days, Market, SecurityMarket};
use finances::domain::{CurrencyCode, QuoteUnit, Symbol};

const ACTIVITIES: usize = 100_000;
const SECURITIES: u128 = 50;
const DAYS: i64 = 3_650;

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2015, 1, 1).unwrap()
}

/// A deterministic ledger: each day gets a few trades, each security's quantity is tracked so
/// that a sale never takes more than is held.
fn ledger() -> Vec<Activity> {
    let account = Uuid::from_u128(1);
    let at = Utc.with_ymd_and_hms(2015, 1, 1, 0, 0, 0).unwrap();
    let mut held = vec![Decimal::ZERO; SECURITIES as usize];
    let mut seed: u64 = 42;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed >> 33
    };
    let blank = |n: usize, kind: ActivityType, date: NaiveDate| Activity {
        id: Uuid::from_u128(n as u128 + 10),
        account_id: account,
        activity_type: kind,
        date,
        security_id: None,
        quantity: None,
        unit_price: None,
        amount: None,
        fee: None,
        currency: "USD".into(),
        fx_rate: None,
        split_ratio: None,
        notes: None,
        external_id: None,
        created_at: at,
        updated_at: at,
    };
    let per_day = ACTIVITIES as i64 / DAYS + 1;
    let mut out = Vec::with_capacity(ACTIVITIES);
    while out.len() < ACTIVITIES {
        let n = out.len();
        let date = start() + Duration::days((n as i64 / per_day).min(DAYS - 1));
        let s = (next() % SECURITIES as u64) as usize;
        let security = Some(Uuid::from_u128(1_000 + s as u128));
        let price = Decimal::new(1_000 + (next() % 20_000) as i64, 2);
        let activity = match next() % 10 {
            _ if n % 300 == 0 => Activity {
                amount: Some(Decimal::from(50_000)),
                ..blank(n, ActivityType::Deposit, date)
            },
            _ if n % 997 == 0 => Activity {
                security_id: security,
                amount: Some(Decimal::new(12_34, 2)),
                fee: Some(Decimal::new(1_85, 2)),
                ..blank(n, ActivityType::Dividend, date)
            },
            _ if n == ACTIVITIES / 2 => {
                held[s] *= Decimal::from(2);
                Activity {
                    security_id: security,
                    split_ratio: Some(SplitRatio::parse("2:1").unwrap()),
                    ..blank(n, ActivityType::Split, date)
                }
            }
            0..=2 if held[s] >= Decimal::from(3) => {
                let quantity = held[s] / Decimal::from(3);
                let quantity = quantity.trunc();
                held[s] -= quantity;
                Activity {
                    security_id: security,
                    quantity: Some(quantity),
                    unit_price: Some(price),
                    fee: Some(Decimal::ONE),
                    ..blank(n, ActivityType::Sell, date)
                }
            }
            9 => Activity {
                amount: Some(Decimal::new(4_99, 2)),
                ..blank(n, ActivityType::Fee, date)
            },
            _ => {
                let quantity = Decimal::from(1 + next() % 20);
                held[s] += quantity;
                Activity {
                    security_id: security,
                    quantity: Some(quantity),
                    unit_price: Some(price),
                    fee: Some(Decimal::ONE),
                    ..blank(n, ActivityType::Buy, date)
                }
            }
        };
        out.push(activity);
    }
    out
}

fn bench(c: &mut Criterion) {
    let activities = ledger();
    let usd = CurrencyCode::usd();
    let account = |method| AccountLedger {
        currency: &usd,
        method,
        activities: &activities,
        statements: &[],
    };
    let last = start() + Duration::days(DAYS - 1);
    let mut group = c.benchmark_group("ledger");
    group.sample_size(20);
    for method in CostBasisMethod::ALL {
        group.bench_function(format!("check/{method}"), |b| {
            b.iter(|| check_ledger(black_box(account(method)), &NoRates).unwrap())
        });
    }
    group.bench_function("as_of/fifo", |b| {
        b.iter(|| ledger_as_of(black_box(account(CostBasisMethod::Fifo)), &NoRates, last).unwrap())
    });
    group.bench_function("daily/fifo", |b| {
        b.iter(|| {
            let mut timeline = Timeline::new(account(CostBasisMethod::Fifo), &NoRates);
            let mut total = Decimal::ZERO;
            for day in 0..DAYS {
                let replay = timeline.advance_to(start() + Duration::days(day)).unwrap();
                total += replay.cash_balance();
                total += replay.quantities().map(|(_, q)| q).sum::<Decimal>();
            }
            total
        })
    });
    let market = market(&activities);
    let days = Days {
        start: start(),
        end: last,
    };
    group.bench_function("performance/fifo", |b| {
        b.iter(|| {
            account_history(
                Uuid::from_u128(1),
                black_box(account(CostBasisMethod::Fifo)),
                &NoRates,
                &market,
                days,
            )
            .unwrap()
        })
    });
    group.finish();
}

/// A daily close of every security on every day, in USD, and the ledger's split as the market
/// data would report it.
fn market(activities: &[Activity]) -> Market {
    let usd = QuoteUnit::parse("USD").unwrap();
    (0..SECURITIES)
        .map(|s| {
            let id = Uuid::from_u128(1_000 + s);
            let closes = (0..DAYS)
                .map(|d| {
                    let cents = 5_000 + ((s as i64 * 7_919 + d * 104_729) % 10_000);
                    (start() + Duration::days(d), Decimal::new(cents, 2))
                })
                .collect();
            let splits = activities
                .iter()
                .filter(|a| a.activity_type == ActivityType::Split && a.security_id == Some(id))
                .map(|a| (a.date, Decimal::from(2)))
                .collect();
            let market = SecurityMarket {
                symbol: Symbol::parse(&format!("S{s}")).unwrap(),
                unit: Some(usd.clone()),
                closes,
                splits,
            };
            (id, market)
        })
        .collect()
}

criterion_group!(benches, bench);
criterion_main!(benches);
