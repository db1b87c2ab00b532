//! The activity service on both stores: a change is replayed with the account's ledger
//! before it is stored, a batch is all or nothing, an import's rows are recorded once, and
//! another user's account or activity is not found.

use std::str::FromStr;
use std::sync::Arc;

use chrono::{Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use finances::domain::ledger::{ActivityPatch, ActivityType, LedgerError};
use finances::domain::{
    self, AccountType, ActivityFilter, CurrencyCode, NewAccount, NewHolding, NewSecurity,
    PageRequest, Security, SecurityType, Symbol, User,
};
use finances::service::activities::{ActivityChange, ActivityDraft};
use finances::service::portfolio::SecurityRef;
use finances::service::{ServiceError, Services};
use finances::store::Store;

macro_rules! on_both_stores {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let t = finances::store::testing::sqlite().await;
                    super::$case(t.store()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                #[cfg_attr(not(finances_test_postgres), ignore = "needs PostgreSQL: set FINANCES_TEST_DATABASE_URL")]
                async fn $case() {
                    let t = finances::store::testing::postgres().await;
                    super::$case(t.store()).await;
                }
            )*
        }
    };
}

on_both_stores!(
    a_sell_of_more_than_is_held_is_refused_and_nothing_changes,
    an_earlier_buy_cannot_be_edited_or_deleted_from_under_a_sell,
    a_statement_counts_as_held,
    a_batch_is_all_or_nothing_with_every_bad_index,
    an_external_id_is_recorded_once,
    another_users_ledger_is_not_found,
    defaults_come_from_the_security_and_the_account,
);

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

use crate::support::offline::{services, user};

async fn brokerage(s: &Services, u: &User, currency: &str) -> Uuid {
    let new = NewAccount::new(
        "Broker",
        AccountType::Brokerage,
        CurrencyCode::parse(currency).unwrap(),
        None,
        true,
        None,
    )
    .unwrap();
    s.portfolio.create_account(u, new).await.unwrap().id
}

async fn security(store: &dyn Store, symbol: &str, unit: &str) -> Security {
    let sec = NewSecurity {
        symbol: Symbol::parse(symbol).unwrap(),
        name: format!("{symbol} Inc"),
        exchange: None,
        currency: unit.into(),
        security_type: SecurityType::Equity,
        sector: None,
        industry: None,
        market_cap: None,
    }
    .into_security(Uuid::new_v4(), domain::now());
    store.insert_security(&sec).await.unwrap();
    sec
}

fn days_ago(n: i64) -> NaiveDate {
    Utc::now().date_naive() - Duration::days(n)
}

fn trade(
    kind: ActivityType,
    sec: &Security,
    date: NaiveDate,
    qty: &str,
    price: &str,
) -> ActivityDraft {
    ActivityDraft {
        activity_type: kind,
        date: Some(date),
        security: Some(SecurityRef::Id(sec.id)),
        quantity: Some(dec(qty)),
        unit_price: Some(dec(price)),
        amount: None,
        fee: None,
        currency: None,
        fx_rate: None,
        split_ratio: None,
        notes: None,
        external_id: None,
    }
}

fn deposit(date: NaiveDate, amount: &str) -> ActivityDraft {
    ActivityDraft {
        activity_type: ActivityType::Deposit,
        date: Some(date),
        security: None,
        quantity: None,
        unit_price: None,
        amount: Some(dec(amount)),
        fee: None,
        currency: None,
        fx_rate: None,
        split_ratio: None,
        notes: None,
        external_id: None,
    }
}

async fn count(s: &Services, u: &User, account: Uuid) -> u64 {
    s.activities
        .list(u, account, &ActivityFilter::default(), PageRequest::all())
        .await
        .unwrap()
        .total
}

async fn a_sell_of_more_than_is_held_is_refused_and_nothing_changes(store: Arc<dyn Store>) {
    let s = services(store.clone());
    let alice = user(&s, "alice").await;
    let acc = brokerage(&s, &alice, "USD").await;
    let aapl = security(store.as_ref(), "AAPL", "USD").await;
    use ActivityType::{Buy, Sell};
    s.activities
        .create(&alice, acc, trade(Buy, &aapl, days_ago(10), "10", "100"))
        .await
        .unwrap();
    // 10 held; selling 10.5 on a later day is refused, naming the sale.
    let err = s
        .activities
        .create(&alice, acc, trade(Sell, &aapl, days_ago(5), "10.5", "120"))
        .await
        .unwrap_err();
    match err {
        ServiceError::Ledger {
            source: LedgerError::Oversold { held, wanted, .. },
            ..
        } => {
            assert_eq!((held, wanted), (dec("10"), dec("10.5")));
        }
        other => panic!("expected an oversold ledger, got {other:?}"),
    }
    // Selling before the buy is refused too: nothing is held on that date.
    let err = s
        .activities
        .create(&alice, acc, trade(Sell, &aapl, days_ago(11), "1", "120"))
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Ledger { .. }), "{err:?}");
    assert_eq!(count(&s, &alice, acc).await, 1);
    // Exactly what is held can be sold.
    s.activities
        .create(&alice, acc, trade(Sell, &aapl, days_ago(5), "10", "120"))
        .await
        .unwrap();
    assert_eq!(count(&s, &alice, acc).await, 2);
}

async fn an_earlier_buy_cannot_be_edited_or_deleted_from_under_a_sell(store: Arc<dyn Store>) {
    let s = services(store.clone());
    let alice = user(&s, "alice").await;
    let acc = brokerage(&s, &alice, "USD").await;
    let aapl = security(store.as_ref(), "AAPL", "USD").await;
    use ActivityType::{Buy, Sell};
    let buy = s
        .activities
        .create(&alice, acc, trade(Buy, &aapl, days_ago(10), "10", "100"))
        .await
        .unwrap()
        .activity;
    s.activities
        .create(&alice, acc, trade(Sell, &aapl, days_ago(5), "8", "120"))
        .await
        .unwrap();
    let smaller = ActivityChange {
        security: None,
        patch: ActivityPatch {
            quantity: Some(Some(dec("7"))),
            ..ActivityPatch::default()
        },
    };
    let err = s
        .activities
        .update(&alice, acc, buy.id, smaller)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Ledger { .. }), "{err:?}");
    let err = s.activities.delete(&alice, acc, buy.id).await.unwrap_err();
    assert!(matches!(err, ServiceError::Ledger { .. }), "{err:?}");
    assert_eq!(s.activities.get(&alice, acc, buy.id).await.unwrap(), buy);
    // A change that keeps enough held goes through.
    let enough = ActivityChange {
        security: None,
        patch: ActivityPatch {
            quantity: Some(Some(dec("8"))),
            ..ActivityPatch::default()
        },
    };
    let changed = s
        .activities
        .update(&alice, acc, buy.id, enough)
        .await
        .unwrap();
    assert_eq!(changed.quantity, Some(dec("8")));
}

async fn a_statement_counts_as_held(store: Arc<dyn Store>) {
    let s = services(store.clone());
    let alice = user(&s, "alice").await;
    let acc = brokerage(&s, &alice, "USD").await;
    let aapl = security(store.as_ref(), "AAPL", "USD").await;
    let at = domain::truncate_micros(Utc::now() - Duration::days(20));
    let holding = NewHolding::new(aapl.id, dec("50"), dec("90"), at).unwrap();
    s.portfolio
        .create_holding(
            &alice,
            acc,
            SecurityRef::Id(aapl.id),
            holding.shares,
            holding.average_price,
            Some(at),
        )
        .await
        .unwrap();
    // The snapshot of 50 is what is held from its date: 50 can be sold, not 51.
    let err = s
        .activities
        .create(
            &alice,
            acc,
            trade(ActivityType::Sell, &aapl, days_ago(3), "51", "100"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Ledger { .. }), "{err:?}");
    s.activities
        .create(
            &alice,
            acc,
            trade(ActivityType::Sell, &aapl, days_ago(3), "50", "100"),
        )
        .await
        .unwrap();
}

async fn a_batch_is_all_or_nothing_with_every_bad_index(store: Arc<dyn Store>) {
    let s = services(store.clone());
    let alice = user(&s, "alice").await;
    let acc = brokerage(&s, &alice, "USD").await;
    let aapl = security(store.as_ref(), "AAPL", "USD").await;
    use ActivityType::{Buy, Sell};
    let mut no_quantity = trade(Buy, &aapl, days_ago(9), "1", "1");
    no_quantity.quantity = None;
    let future = deposit(days_ago(-2), "10");
    let batch = vec![
        deposit(days_ago(10), "1000"),
        no_quantity,
        trade(Buy, &aapl, days_ago(8), "1", "100"),
        future,
    ];
    match s
        .activities
        .create_batch(&alice, acc, batch)
        .await
        .unwrap_err()
    {
        ServiceError::InvalidItems(items) => {
            let bad: Vec<(usize, &str)> = items.iter().map(|(i, e)| (*i, e.field)).collect();
            assert_eq!(bad, [(1, "quantity"), (3, "date")]);
        }
        other => panic!("expected invalid items, got {other:?}"),
    }
    // A batch whose ledger cannot be replayed stores nothing either.
    let oversold = vec![
        trade(Buy, &aapl, days_ago(8), "1", "100"),
        trade(Sell, &aapl, days_ago(7), "2", "100"),
    ];
    let err = s
        .activities
        .create_batch(&alice, acc, oversold)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Ledger { .. }), "{err:?}");
    assert_eq!(count(&s, &alice, acc).await, 0);

    let good = vec![
        deposit(days_ago(10), "1000"),
        trade(Buy, &aapl, days_ago(8), "2", "100"),
        trade(Sell, &aapl, days_ago(7), "2", "110"),
    ];
    let recorded = s.activities.create_batch(&alice, acc, good).await.unwrap();
    assert!(recorded.iter().all(|r| r.created));
    assert_eq!(count(&s, &alice, acc).await, 3);
}

async fn an_external_id_is_recorded_once(store: Arc<dyn Store>) {
    let s = services(store.clone());
    let alice = user(&s, "alice").await;
    let acc = brokerage(&s, &alice, "USD").await;
    let mut row = deposit(days_ago(3), "250");
    row.external_id = Some("statement-2026-11#17".into());
    let first = s.activities.create(&alice, acc, row.clone()).await.unwrap();
    assert!(first.created);
    let again = s.activities.create(&alice, acc, row.clone()).await.unwrap();
    assert!(!again.created);
    assert_eq!(again.activity, first.activity);
    let batch = s
        .activities
        .create_batch(&alice, acc, vec![row.clone(), deposit(days_ago(2), "5")])
        .await
        .unwrap();
    assert_eq!(
        batch.iter().map(|r| r.created).collect::<Vec<_>>(),
        [false, true]
    );
    assert_eq!(count(&s, &alice, acc).await, 2);
    // The same id twice in one batch is a mistake of the batch.
    let twice = vec![row.clone(), row];
    assert!(matches!(
        s.activities.create_batch(&alice, acc, twice).await,
        Err(ServiceError::InvalidItems(_))
    ));
}

async fn another_users_ledger_is_not_found(store: Arc<dyn Store>) {
    let s = services(store.clone());
    let alice = user(&s, "alice").await;
    let bob = user(&s, "bob").await;
    let acc = brokerage(&s, &alice, "USD").await;
    let bobs = brokerage(&s, &bob, "USD").await;
    let a = s
        .activities
        .create(&alice, acc, deposit(days_ago(1), "10"))
        .await
        .unwrap()
        .activity;
    let not_found = |r: Result<_, ServiceError>| matches!(r, Err(ServiceError::NotFound { .. }));
    assert!(not_found(
        s.activities.get(&bob, acc, a.id).await.map(|_| ())
    ));
    // Bob's own account does not open Alice's activity either.
    assert!(not_found(
        s.activities.get(&bob, bobs, a.id).await.map(|_| ())
    ));
    assert!(not_found(s.activities.delete(&bob, bobs, a.id).await));
    assert!(not_found(
        s.activities
            .update(&bob, bobs, a.id, ActivityChange::default())
            .await
            .map(|_| ())
    ));
    assert!(not_found(
        s.activities
            .create(&bob, acc, deposit(days_ago(1), "10"))
            .await
            .map(|_| ())
    ));
    assert!(not_found(
        s.activities
            .list(&bob, acc, &ActivityFilter::default(), PageRequest::all())
            .await
            .map(|_| ())
    ));
    assert_eq!(s.activities.get(&alice, acc, a.id).await.unwrap(), a);
}

async fn defaults_come_from_the_security_and_the_account(store: Arc<dyn Store>) {
    let s = services(store.clone());
    let alice = user(&s, "alice").await;
    let acc = brokerage(&s, &alice, "GBP").await;
    let vod = security(store.as_ref(), "VOD.L", "GBp").await;
    let mut buy = trade(ActivityType::Buy, &vod, days_ago(1), "100", "72.5");
    buy.date = None;
    let bought = s
        .activities
        .create(&alice, acc, buy)
        .await
        .unwrap()
        .activity;
    assert_eq!(bought.currency, "GBp");
    assert_eq!(bought.date, Utc::now().date_naive());
    let cash = s
        .activities
        .create(&alice, acc, deposit(days_ago(1), "10"))
        .await
        .unwrap()
        .activity;
    assert_eq!(cash.currency, "GBP");
}
