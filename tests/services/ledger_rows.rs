//! The ledger views on both stores read the rows a user's ledger is replayed from once per data
//! version: every write is seen by the next read, whether made through the same services or
//! through another store handle on the same database (as another process would), and the one
//! replay of the valuation answers what the separate entry points do.

use std::str::FromStr;

use chrono::{Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use finances::context::open_store;
use finances::domain::ledger::ActivityType;
use finances::domain::security_event::{CorporateAction, SecurityEvent};
use finances::domain::{
    AccountType, CurrencyCode, Interval, NewAccount, NewSecurity, PriceBar, Security, SecurityType,
    Symbol, User,
};
use finances::service::activities::ActivityDraft;
use finances::service::ledger::DateRange;
use finances::service::performance::PerformanceQuery;
use finances::service::portfolio::SecurityRef;
use finances::service::Services;
use finances::store::testing::TestStore;
use finances::store::Store;

use crate::support::offline::{services, user};

macro_rules! on_both_stores {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let t = finances::store::testing::sqlite().await;
                    super::$case(&t).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                #[cfg_attr(not(finances_test_postgres), ignore = "needs PostgreSQL: set FINANCES_TEST_DATABASE_URL")]
                async fn $case() {
                    let t = finances::store::testing::postgres().await;
                    super::$case(&t).await;
                }
            )*
        }
    };
}

on_both_stores!(
    a_write_is_seen_by_the_next_read,
    a_write_through_another_store_handle_is_seen_by_the_next_read,
    the_one_replay_answers_what_the_separate_views_do,
    a_write_to_one_account_leaves_the_others_rows_right,
    market_data_stored_after_a_performance_is_seen_by_the_next,
);

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn days_ago(n: i64) -> NaiveDate {
    Utc::now().date_naive() - Duration::days(n)
}

async fn brokerage(s: &Services, u: &User) -> Uuid {
    let new = NewAccount::new(
        "Broker",
        AccountType::Brokerage,
        CurrencyCode::parse("USD").unwrap(),
        None,
        true,
        None,
    )
    .unwrap();
    s.portfolio.create_account(u, new).await.unwrap().id
}

async fn security(store: &dyn Store, symbol: &str) -> Security {
    let sec = NewSecurity {
        symbol: Symbol::parse(symbol).unwrap(),
        name: format!("{symbol} Inc"),
        exchange: None,
        currency: "USD".into(),
        security_type: SecurityType::Equity,
        sector: None,
        industry: None,
        market_cap: None,
    }
    .into_security(Uuid::new_v4(), Utc::now());
    store.insert_security(&sec).await.unwrap();
    sec
}

fn trade(kind: ActivityType, sec: &Security, date: NaiveDate, qty: &str) -> ActivityDraft {
    ActivityDraft {
        activity_type: kind,
        date: Some(date),
        security: Some(SecurityRef::Id(sec.id)),
        quantity: Some(dec(qty)),
        unit_price: Some(dec("100")),
        amount: None,
        fee: None,
        currency: None,
        fx_rate: None,
        split_ratio: None,
        notes: None,
        external_id: None,
    }
}

/// Shares of the account's one position, as the positions view and the valuation's one
/// replay each answer them.
async fn held(s: &Services, u: &User, account: Uuid) -> (Decimal, Decimal) {
    let quantity = |lines: &[finances::service::ledger::PositionLine]| {
        lines.iter().map(|l| l.position.quantity).sum::<Decimal>()
    };
    let alone = s.ledger.positions(u, account, None).await.unwrap();
    let both = s.portfolio.valuation_and_positions(u, None).await.unwrap();
    (quantity(&alone), quantity(both.positions_of(account)))
}

async fn a_write_is_seen_by_the_next_read(t: &TestStore) {
    let store = t.store();
    let s = services(store.clone());
    let alice = user(&s, "alice").await;
    let acc = brokerage(&s, &alice).await;
    let aapl = security(store.as_ref(), "AAPL").await;
    use ActivityType::{Buy, Sell};
    s.activities
        .create(&alice, acc, trade(Buy, &aapl, days_ago(10), "10"))
        .await
        .unwrap();
    assert_eq!(held(&s, &alice, acc).await, (dec("10"), dec("10")));
    // Read again with nothing written: the same answer.
    assert_eq!(held(&s, &alice, acc).await, (dec("10"), dec("10")));
    s.activities
        .create(&alice, acc, trade(Buy, &aapl, days_ago(8), "5"))
        .await
        .unwrap();
    assert_eq!(held(&s, &alice, acc).await, (dec("15"), dec("15")));
    let sale = s
        .activities
        .create(&alice, acc, trade(Sell, &aapl, days_ago(5), "4"))
        .await
        .unwrap()
        .activity;
    assert_eq!(held(&s, &alice, acc).await, (dec("11"), dec("11")));
    let gains = s
        .ledger
        .realized_gains(&alice, DateRange::default(), None)
        .await
        .unwrap();
    assert_eq!(gains.rows.len(), 1);
    s.activities.delete(&alice, acc, sale.id).await.unwrap();
    assert_eq!(held(&s, &alice, acc).await, (dec("15"), dec("15")));
    let gains = s
        .ledger
        .realized_gains(&alice, DateRange::default(), None)
        .await
        .unwrap();
    assert!(gains.rows.is_empty());
    // A holding is a statement in the ledger: on its date the position becomes what it says.
    s.portfolio
        .create_holding(
            &alice,
            acc,
            SecurityRef::Id(aapl.id),
            dec("7"),
            dec("90"),
            Some(Utc::now() - Duration::days(1)),
        )
        .await
        .unwrap();
    assert_eq!(held(&s, &alice, acc).await, (dec("7"), dec("7")));
}

async fn a_write_through_another_store_handle_is_seen_by_the_next_read(t: &TestStore) {
    let store = t.store();
    let s = services(store.clone());
    let alice = user(&s, "alice").await;
    let acc = brokerage(&s, &alice).await;
    let aapl = security(store.as_ref(), "AAPL").await;
    use ActivityType::{Buy, Sell};
    s.activities
        .create(&alice, acc, trade(Buy, &aapl, days_ago(10), "10"))
        .await
        .unwrap();
    assert_eq!(held(&s, &alice, acc).await, (dec("10"), dec("10")));

    // Services of their own over their own pool, as in another process.
    let other = services(open_store(t.url(), 2).await.unwrap());
    let sale = other
        .activities
        .create(&alice, acc, trade(Sell, &aapl, days_ago(3), "4"))
        .await
        .unwrap()
        .activity;
    assert_eq!(held(&s, &alice, acc).await, (dec("6"), dec("6")));
    let cash = s.ledger.cash(&alice, acc, None).await.unwrap();
    assert_eq!(cash.cash.balance, dec("400"));

    other.activities.delete(&alice, acc, sale.id).await.unwrap();
    assert_eq!(held(&s, &alice, acc).await, (dec("10"), dec("10")));

    // A new account made elsewhere is found, and its ledger read.
    let second = brokerage(&other, &alice).await;
    other
        .activities
        .create(&alice, second, trade(Buy, &aapl, days_ago(2), "3"))
        .await
        .unwrap();
    assert_eq!(held(&s, &alice, second).await, (dec("3"), dec("3")));
    // An account deleted elsewhere is no longer found.
    other
        .portfolio
        .delete_account(&alice, second)
        .await
        .unwrap();
    assert!(s.ledger.positions(&alice, second, None).await.is_err());
    let both = s
        .portfolio
        .valuation_and_positions(&alice, None)
        .await
        .unwrap();
    assert!(both.valuation.account(second).is_none());
}

async fn the_one_replay_answers_what_the_separate_views_do(t: &TestStore) {
    let store = t.store();
    let s = services(store.clone());
    let alice = user(&s, "alice").await;
    let acc = brokerage(&s, &alice).await;
    let snapshots = brokerage(&s, &alice).await;
    let (aapl, msft) = (
        security(store.as_ref(), "AAPL").await,
        security(store.as_ref(), "MSFT").await,
    );
    use ActivityType::{Buy, Sell};
    for draft in [
        trade(Buy, &aapl, days_ago(30), "10"),
        trade(Buy, &msft, days_ago(20), "4"),
        trade(Sell, &aapl, days_ago(10), "3"),
    ] {
        s.activities.create(&alice, acc, draft).await.unwrap();
    }
    s.portfolio
        .create_holding(
            &alice,
            snapshots,
            SecurityRef::Id(msft.id),
            dec("2"),
            dec("50"),
            None,
        )
        .await
        .unwrap();
    let both = s
        .portfolio
        .valuation_and_positions(&alice, None)
        .await
        .unwrap();
    assert_eq!(
        both.valuation,
        s.portfolio.valuation(&alice, None).await.unwrap()
    );
    for id in [acc, snapshots] {
        let alone = s.ledger.positions(&alice, id, None).await.unwrap();
        assert_eq!(both.positions_of(id), alone.as_slice());
        assert!(!alone.is_empty());
    }
    assert!(both.is_kept_by_activities(acc));
    assert!(!both.is_kept_by_activities(snapshots));
}

/// After a write only the written account's rows are read again (its own counter moved); the
/// others are kept. Every account still answers what is stored, whichever account was written
/// last and through whichever handle.
async fn a_write_to_one_account_leaves_the_others_rows_right(t: &TestStore) {
    let store = t.store();
    let s = services(store.clone());
    let alice = user(&s, "alice").await;
    let (one, two) = (brokerage(&s, &alice).await, brokerage(&s, &alice).await);
    let (aapl, msft) = (
        security(store.as_ref(), "AAPL").await,
        security(store.as_ref(), "MSFT").await,
    );
    use ActivityType::{Buy, Sell};
    s.activities
        .create(&alice, one, trade(Buy, &aapl, days_ago(10), "10"))
        .await
        .unwrap();
    let bought = s
        .activities
        .create(&alice, two, trade(Buy, &msft, days_ago(10), "5"))
        .await
        .unwrap()
        .activity;
    assert_eq!(held(&s, &alice, one).await, (dec("10"), dec("10")));
    assert_eq!(held(&s, &alice, two).await, (dec("5"), dec("5")));

    let other_store = open_store(t.url(), 2).await.unwrap();
    let other = services(other_store.clone());
    other
        .activities
        .create(&alice, one, trade(Sell, &aapl, days_ago(3), "4"))
        .await
        .unwrap();
    assert_eq!(held(&s, &alice, one).await, (dec("6"), dec("6")));
    assert_eq!(held(&s, &alice, two).await, (dec("5"), dec("5")));

    other
        .activities
        .create(&alice, two, trade(Buy, &msft, days_ago(2), "2"))
        .await
        .unwrap();
    assert_eq!(held(&s, &alice, two).await, (dec("7"), dec("7")));
    assert_eq!(held(&s, &alice, one).await, (dec("6"), dec("6")));

    // The account's own row changes the user's counter only: its rows are kept and right.
    let mut renamed = s.portfolio.account(&alice, one).await.unwrap();
    renamed.name = "Renamed".into();
    other_store.update_account(&renamed).await.unwrap();
    let both = s
        .portfolio
        .valuation_and_positions(&alice, None)
        .await
        .unwrap();
    assert_eq!(both.valuation.account(one).unwrap().account.name, "Renamed");
    assert_eq!(held(&s, &alice, one).await, (dec("6"), dec("6")));

    // A row changed underneath the services, straight in the store.
    let mut changed = bought;
    changed.quantity = Some(dec("1"));
    other_store.update_activity(&changed).await.unwrap();
    assert_eq!(held(&s, &alice, two).await, (dec("3"), dec("3")));
    assert_eq!(held(&s, &alice, one).await, (dec("6"), dec("6")));
}

/// A daily close of `sec` at noon (UTC) of `date`.
fn close(sec: &Security, date: NaiveDate, close: &str) -> PriceBar {
    PriceBar {
        security_id: sec.id,
        interval: Interval::D1,
        timestamp: date.and_hms_opt(12, 0, 0).unwrap().and_utc(),
        open: dec(close),
        high: dec(close),
        low: dec(close),
        close: dec(close),
        adj_close: None,
        volume: 1_000,
    }
}

async fn market_data_stored_after_a_performance_is_seen_by_the_next(t: &TestStore) {
    let store = t.store();
    let s = services(store.clone());
    let alice = user(&s, "alice").await;
    let acc = brokerage(&s, &alice).await;
    let aapl = security(store.as_ref(), "AAPL").await;
    s.activities
        .create(
            &alice,
            acc,
            trade(ActivityType::Buy, &aapl, days_ago(10), "10"),
        )
        .await
        .unwrap();
    let closes: Vec<PriceBar> = (2..=10).map(|n| close(&aapl, days_ago(n), "100")).collect();
    store.save_sync(&aapl, &closes).await.unwrap();
    let query = PerformanceQuery {
        account_id: Some(acc),
        start: Some(days_ago(10)),
        end: Some(days_ago(1)),
    };
    let before = s.performance.performance(&alice, query).await.unwrap();
    assert!(before.complete(), "{:?}", before.missing);
    let end_value = |p: &finances::service::performance::Performance| p.returns.end_value;
    // Asked again with nothing written: the same figures.
    assert_eq!(
        s.performance.performance(&alice, query).await.unwrap(),
        before
    );

    // A close of the last day, stored after the call: the last day is valued at it.
    store
        .save_sync(&aapl, &[close(&aapl, days_ago(1), "120")])
        .await
        .unwrap();
    let after = s.performance.performance(&alice, query).await.unwrap();
    assert_eq!(end_value(&after) - end_value(&before), dec("200"));

    // A close written again through another store handle (as another process would).
    let other = open_store(t.url(), 2).await.unwrap();
    other
        .save_sync(&aapl, &[close(&aapl, days_ago(1), "130")])
        .await
        .unwrap();
    let again = s.performance.performance(&alice, query).await.unwrap();
    assert_eq!(end_value(&again) - end_value(&before), dec("300"));

    // A split the market data reports after the range: the stored closes are split-adjusted,
    // so every day of the range is valued at twice its close.
    store
        .save_events(&[SecurityEvent {
            security_id: aapl.id,
            date: days_ago(0),
            action: CorporateAction::Split {
                new: dec("2"),
                old: dec("1"),
            },
        }])
        .await
        .unwrap();
    let split = s.performance.performance(&alice, query).await.unwrap();
    assert_eq!(end_value(&split) - end_value(&again), dec("1300"));
}
