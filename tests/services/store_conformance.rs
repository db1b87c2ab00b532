//! One contract, two backends: every case runs against SQLite and PostgreSQL through
//! `dyn Store`, so that both stores behave the same to the services.

use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use finances::domain::ledger::{Activity, ActivityType, CostBasisMethod, SplitRatio};
use finances::domain::security_event::{CorporateAction, SecurityEvent};
use finances::domain::{
    Account, AccountType, AccountValue, ActivityFilter, Currency, CurrencyCode, DataVersion, Email,
    ExchangeRate, Holding, Institution, Interval, PageRequest, PasswordResetToken, PriceBar,
    RefreshTokenRecord, Security, SecurityType, Symbol, User, Username,
};
use finances::store::{Store, StoreError, StoreResult, UpsertCount};

macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let t = finances::store::testing::sqlite().await;
                    super::$case(&*t).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                #[cfg_attr(not(finances_test_postgres), ignore = "needs PostgreSQL: set FINANCES_TEST_DATABASE_URL")]
                async fn $case() {
                    let t = finances::store::testing::postgres().await;
                    super::$case(&*t).await;
                }
            )*
        }
    };
}

conformance!(
    migrate_twice_is_harmless,
    users_crud,
    user_rules_are_conflicts,
    users_paginate_oldest_first,
    seeded_currencies,
    currencies_crud,
    currency_in_use_is_not_deleted,
    exchange_rates,
    exchange_rates_in_one_batch,
    rate_history_among_reads_every_date_up_to_the_last,
    institutions_crud_and_owner_filter,
    deleting_institution_unlinks_accounts,
    accounts_crud_order_and_owner_filter,
    account_rules_are_conflicts,
    deleting_account_removes_values_and_holdings,
    deleting_user_removes_everything_of_theirs,
    account_values,
    account_values_in_one_batch,
    decimals_round_trip_exactly,
    securities_crud_and_search,
    save_sync_is_idempotent_and_counts,
    save_sync_is_atomic,
    latest_closes,
    the_newest_on_or_before_a_day,
    holdings,
    holdings_read_priced,
    the_closes_kept_beside_a_security_follow_its_bars,
    splits_and_dividends_are_kept_once_per_kind_and_day,
    dismissed_proposals_are_kept_per_account,
    daily_closes_of_a_range_of_days,
    refresh_tokens,
    concurrent_spends_spend_once,
    concurrent_writes_all_land,
    reset_tokens,
    every_write_raises_its_data_version,
    a_user_is_read_with_their_data_version,
    leases_admit_one_holder_at_a_time,
    activities_round_trip_in_replay_order,
    activities_filter_and_paginate,
    activity_batches_are_all_or_nothing,
    activities_update_delete_and_raise_the_version,
    an_accounts_own_version_is_raised_by_its_rows_only,
);

// ---- fixtures ------------------------------------------------------------------------------

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("test decimal")
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("test timestamp")
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn code(s: &str) -> CurrencyCode {
    CurrencyCode::parse(s).expect("test currency")
}

fn all() -> PageRequest {
    PageRequest::all()
}

fn page(skip: i64, limit: i64) -> PageRequest {
    PageRequest::new(skip, limit).expect("test page")
}

/// Amounts at the edges of NUMERIC(28,10): tiny, large, negative.
const EDGE_AMOUNTS: [&str; 4] = [
    "0.000001",
    "12345678901234.567890",
    "-12345678901234.56789",
    "-0.000001",
];

fn new_user(name: &str, created_at: DateTime<Utc>) -> User {
    User {
        id: Uuid::new_v4(),
        email: Email::parse(&format!("{name}@example.com")).expect("email"),
        username: Username::parse(name).expect("username"),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        is_active: true,
        is_superuser: false,
        base_currency: CurrencyCode::usd(),
        created_at,
        updated_at: created_at,
    }
}

async fn user(s: &dyn Store, name: &str) -> User {
    let u = new_user(name, finances::domain::now());
    s.insert_user(&u).await.expect("insert user");
    u
}

fn new_institution(user_id: Uuid, name: &str) -> Institution {
    let now = finances::domain::now();
    Institution {
        id: Uuid::new_v4(),
        user_id,
        name: name.into(),
        url: Some("https://bank.example".into()),
        created_at: now,
        updated_at: now,
    }
}

async fn institution(s: &dyn Store, user_id: Uuid, name: &str) -> Institution {
    let i = new_institution(user_id, name);
    s.insert_institution(&i).await.expect("insert institution");
    i
}

fn new_account(user_id: Uuid, name: &str, institution_id: Option<Uuid>) -> Account {
    let now = finances::domain::now();
    Account {
        id: Uuid::new_v4(),
        user_id,
        institution_id,
        name: name.into(),
        account_type: AccountType::Brokerage,
        currency: CurrencyCode::usd(),
        is_investment_account: true,
        interest_rate: Some(dec("4.25")),
        cost_basis_method: CostBasisMethod::Lifo,
        created_at: now,
        updated_at: now,
    }
}

async fn account(s: &dyn Store, user_id: Uuid, name: &str) -> Account {
    let a = new_account(user_id, name, None);
    s.insert_account(&a).await.expect("insert account");
    a
}

fn new_value(account_id: Uuid, ts: DateTime<Utc>, balance: &str) -> AccountValue {
    let now = finances::domain::now();
    AccountValue {
        id: Uuid::new_v4(),
        account_id,
        timestamp: ts,
        balance: dec(balance),
        cash_balance: Some(dec("10.5")),
        created_at: now,
        updated_at: now,
    }
}

fn new_security(symbol: &str, name: &str) -> Security {
    let now = finances::domain::now();
    Security {
        id: Uuid::new_v4(),
        symbol: Symbol::parse(symbol).expect("symbol"),
        name: name.into(),
        exchange: Some("NMS".into()),
        currency: "USD".into(),
        security_type: SecurityType::Equity,
        sector: Some("Technology".into()),
        industry: None,
        market_cap: Some(dec("3000000000000")),
        last_synced_at: None,
        created_at: now,
        updated_at: now,
    }
}

async fn security(s: &dyn Store, symbol: &str) -> Security {
    let sec = new_security(symbol, &format!("{symbol} Inc."));
    s.insert_security(&sec).await.expect("insert security");
    sec
}

fn bar(security_id: Uuid, interval: Interval, ts: DateTime<Utc>, close: &str) -> PriceBar {
    PriceBar {
        security_id,
        interval,
        timestamp: ts,
        open: dec("100.5"),
        high: dec("110.25"),
        low: dec("99.125"),
        close: dec(close),
        adj_close: Some(dec(close)),
        volume: 1_234_567,
    }
}

fn new_holding(account_id: Uuid, security_id: Uuid, ts: DateTime<Utc>, shares: &str) -> Holding {
    let now = finances::domain::now();
    Holding {
        id: Uuid::new_v4(),
        account_id,
        security_id,
        shares: dec(shares),
        average_price: dec("150.25"),
        timestamp: ts,
        created_at: now,
        updated_at: now,
    }
}

fn new_refresh(user_id: Uuid, family_id: Uuid) -> RefreshTokenRecord {
    let now = finances::domain::now();
    RefreshTokenRecord {
        jti: Uuid::new_v4(),
        user_id,
        family_id,
        expires_at: now + Duration::days(7),
        spent_at: None,
        revoked: false,
        created_at: now,
    }
}

fn new_reset(user_id: Uuid, hash: &str, expires_at: DateTime<Utc>) -> PasswordResetToken {
    PasswordResetToken {
        id: Uuid::new_v4(),
        user_id,
        token_hash: hash.into(),
        expires_at,
        used: false,
        created_at: finances::domain::now(),
    }
}

#[track_caller]
fn assert_conflict<T: std::fmt::Debug>(r: StoreResult<T>, constraint: &str) {
    match r {
        Err(StoreError::Conflict(name)) => assert_eq!(name, constraint),
        other => panic!("expected Conflict({constraint}), got {other:?}"),
    }
}

#[track_caller]
fn assert_not_found<T: std::fmt::Debug>(r: StoreResult<T>) {
    match r {
        Err(StoreError::NotFound) => {}
        other => panic!("expected NotFound, got {other:?}"),
    }
}

// ---- cases ---------------------------------------------------------------------------------

async fn migrate_twice_is_harmless(s: &dyn Store) {
    s.migrate().await.expect("second migrate");
    s.migrate().await.expect("third migrate");
    s.ping().await.expect("ping");
    assert!(s.currencies().await.expect("currencies").len() >= 30);
}

async fn users_crud(s: &dyn Store) {
    let mut u = user(s, "ann").await;
    assert_eq!(s.user(u.id).await.unwrap().as_ref(), Some(&u));
    assert_eq!(
        s.user_by_email("ann@example.com").await.unwrap().as_ref(),
        Some(&u)
    );
    assert_eq!(
        s.user_by_email("ANN@Example.com").await.unwrap().as_ref(),
        Some(&u)
    );
    assert_eq!(s.user_by_username("ann").await.unwrap().as_ref(), Some(&u));
    assert_eq!(s.user_by_username("bob").await.unwrap(), None);
    assert_eq!(s.user(Uuid::new_v4()).await.unwrap(), None);

    u.username = Username::parse("ann_2").unwrap();
    u.email = Email::parse("ann2@example.com").unwrap();
    u.is_superuser = true;
    u.is_active = false;
    u.base_currency = code("EUR");
    u.updated_at += Duration::seconds(5);
    s.update_user(&u).await.unwrap();
    assert_eq!(s.user(u.id).await.unwrap().as_ref(), Some(&u));
    assert_eq!(s.user_by_username("ann").await.unwrap(), None);

    let ghost = new_user("ghost", finances::domain::now());
    assert_not_found(s.update_user(&ghost).await);
    assert_not_found(s.delete_user(ghost.id).await);

    s.delete_user(u.id).await.unwrap();
    assert_eq!(s.user(u.id).await.unwrap(), None);
    assert_not_found(s.delete_user(u.id).await);
}

async fn user_rules_are_conflicts(s: &dyn Store) {
    let ann = user(s, "ann").await;
    let mut same_email = new_user("other", finances::domain::now());
    same_email.email = ann.email.clone();
    assert_conflict(s.insert_user(&same_email).await, "uq_users_email");
    let mut same_name = new_user("ann", finances::domain::now());
    same_name.email = Email::parse("x@example.com").unwrap();
    assert_conflict(s.insert_user(&same_name).await, "uq_users_username");
    let mut same_id = new_user("carl", finances::domain::now());
    same_id.id = ann.id;
    assert_conflict(s.insert_user(&same_id).await, "pk_users");
    let mut odd_currency = new_user("dora", finances::domain::now());
    odd_currency.base_currency = code("QQQ");
    assert_conflict(s.insert_user(&odd_currency).await, "fk_users_base_currency");

    let mut bob = user(s, "bob").await;
    bob.email = ann.email.clone();
    assert_conflict(s.update_user(&bob).await, "uq_users_email");
    assert_eq!(s.users(all()).await.unwrap().total, 2);
}

async fn users_paginate_oldest_first(s: &dyn Store) {
    let base = at("2024-03-01T12:00:00.123456Z");
    let mut ids = Vec::new();
    // Inserted out of order: the store orders by creation time, not insertion.
    for (i, name) in ["eve", "dan", "cat", "bea", "amy"].iter().enumerate() {
        let u = new_user(name, base - Duration::seconds(i as i64));
        s.insert_user(&u).await.unwrap();
        ids.push(u.id);
    }
    ids.reverse();
    let p = s.users(page(1, 2)).await.unwrap();
    assert_eq!(p.total, 5);
    assert_eq!(
        p.items.iter().map(|u| u.id).collect::<Vec<_>>(),
        ids[1..3].to_vec()
    );
    let beyond = s.users(page(10, 5)).await.unwrap();
    assert_eq!((beyond.items.len(), beyond.total), (0, 5));
    let everyone = s.users(all()).await.unwrap();
    assert_eq!(everyone.items.iter().map(|u| u.id).collect::<Vec<_>>(), ids);
}

async fn seeded_currencies(s: &dyn Store) {
    let all = s.currencies().await.unwrap();
    assert!(all.len() >= 30, "{} currencies", all.len());
    let codes: Vec<&str> = all.iter().map(|c| c.code.as_str()).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    assert_eq!(codes, sorted);
    for wanted in [
        "USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "NZD", "CNY", "HKD", "SGD", "SEK", "NOK",
        "DKK", "PLN", "CZK", "HUF", "INR", "KRW", "BRL", "MXN", "ZAR", "ILS", "TRY", "AED", "SAR",
        "THB", "TWD", "IDR", "MYR", "PHP", "KWD",
    ] {
        assert!(codes.contains(&wanted), "{wanted} missing");
    }
    let decimals = |c: &str| all.iter().find(|x| x.code.as_str() == c).unwrap().decimals;
    assert_eq!(
        (decimals("USD"), decimals("JPY"), decimals("KWD")),
        (2, 0, 3)
    );
    let eur = s.currency(&code("EUR")).await.unwrap().unwrap();
    assert_eq!((eur.name.as_str(), eur.symbol.as_str()), ("Euro", "€"));
}

async fn currencies_crud(s: &dyn Store) {
    let mut xts = Currency::new("XTS", "Test Units", "¤", 4).unwrap();
    s.insert_currency(&xts).await.unwrap();
    assert_eq!(s.currency(&xts.code).await.unwrap().as_ref(), Some(&xts));
    assert_conflict(s.insert_currency(&xts).await, "pk_currencies");
    xts.name = "Testing Units".into();
    xts.decimals = 1;
    s.update_currency(&xts).await.unwrap();
    assert_eq!(s.currency(&xts.code).await.unwrap().as_ref(), Some(&xts));
    s.delete_currency(&xts.code).await.unwrap();
    assert_eq!(s.currency(&xts.code).await.unwrap(), None);
    assert_not_found(s.delete_currency(&xts.code).await);
    assert_not_found(s.update_currency(&xts).await);
}

async fn currency_in_use_is_not_deleted(s: &dyn Store) {
    for c in ["XTS", "XXX"] {
        s.insert_currency(&Currency::new(c, c, c, 2).unwrap())
            .await
            .unwrap();
    }
    let ann = user(s, "ann").await;
    let mut a = new_account(ann.id, "Test", None);
    a.currency = code("XTS");
    s.insert_account(&a).await.unwrap();
    assert_conflict(
        s.delete_currency(&code("XTS")).await,
        "fk_accounts_currency",
    );
    s.upsert_rate(
        &ExchangeRate::new(code("USD"), code("XXX"), day("2024-01-02"), dec("2")).unwrap(),
    )
    .await
    .unwrap();
    assert_conflict(
        s.delete_currency(&code("XXX")).await,
        "fk_exchange_rates_to",
    );
    // USD has users, accounts and rates: any of those references refuses the delete.
    match s.delete_currency(&code("USD")).await {
        Err(StoreError::Conflict(name)) if name.starts_with("fk_") => {}
        other => panic!("expected a foreign-key conflict, got {other:?}"),
    }
    assert!(s.currency(&code("XTS")).await.unwrap().is_some());
    s.delete_account(a.id).await.unwrap();
    s.delete_currency(&code("XTS")).await.unwrap();
}

/// Every rate among the currencies asked, of every date up to the last one, in both
/// directions, by pair then oldest first; other currencies and later dates are not read.
async fn rate_history_among_reads_every_date_up_to_the_last(s: &dyn Store) {
    let (usd, eur, gbp, jpy) = (code("USD"), code("EUR"), code("GBP"), code("JPY"));
    let rate = |from: &CurrencyCode, to: &CurrencyCode, d: &str, r: &str| {
        ExchangeRate::new(from.clone(), to.clone(), day(d), dec(r)).unwrap()
    };
    s.upsert_rates(&[
        rate(&usd, &eur, "2024-03-03", "0.92"),
        rate(&usd, &eur, "2024-03-01", "0.91"),
        // After the last date: not read.
        rate(&usd, &eur, "2024-03-05", "0.95"),
        rate(&eur, &usd, "2024-03-02", "1.09"),
        rate(&gbp, &usd, "2024-03-01", "1.27"),
        // JPY is not asked for.
        rate(&usd, &jpy, "2024-03-01", "150"),
    ])
    .await
    .unwrap();
    let got = s
        .rate_history_among(
            &[usd.clone(), eur.clone(), gbp.clone(), usd.clone()],
            day("2024-03-04"),
        )
        .await
        .unwrap();
    assert_eq!(
        got,
        vec![
            rate(&eur, &usd, "2024-03-02", "1.09"),
            rate(&gbp, &usd, "2024-03-01", "1.27"),
            rate(&usd, &eur, "2024-03-01", "0.91"),
            rate(&usd, &eur, "2024-03-03", "0.92"),
        ]
    );
    assert!(s
        .rate_history_among(std::slice::from_ref(&usd), day("2024-03-31"))
        .await
        .unwrap()
        .is_empty());
    assert!(s
        .rate_history_among(&[eur, usd], day("2024-02-29"))
        .await
        .unwrap()
        .is_empty());
}

async fn exchange_rates(s: &dyn Store) {
    let (usd, eur, gbp, jpy) = (code("USD"), code("EUR"), code("GBP"), code("JPY"));
    let rate = |to: &CurrencyCode, d: &str, r: &str| {
        ExchangeRate::new(usd.clone(), to.clone(), day(d), dec(r)).unwrap()
    };
    for r in [
        rate(&eur, "2024-01-01", "0.91"),
        rate(&eur, "2024-01-05", "0.92"),
        rate(&eur, "2024-01-10", "0.93"),
        rate(&gbp, "2024-01-03", "0.79"),
        rate(&gbp, "2024-01-08", "0.78"),
        rate(&jpy, "2024-01-20", "145.5"),
    ] {
        s.upsert_rate(&r).await.unwrap();
    }
    // Upserting the same day replaces, never duplicates.
    s.upsert_rate(&rate(&eur, "2024-01-05", "0.925"))
        .await
        .unwrap();
    let got = s
        .rate_on_or_before(&usd, &eur, day("2024-01-07"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got, rate(&eur, "2024-01-05", "0.925"));
    let exact = s
        .rate_on_or_before(&usd, &eur, day("2024-01-10"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(exact.rate, dec("0.93"));
    assert_eq!(
        s.rate_on_or_before(&usd, &eur, day("2023-12-31"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        s.rate_on_or_before(&eur, &usd, day("2024-02-01"))
            .await
            .unwrap(),
        None
    );

    let from_usd = s.rates_from(&usd, day("2024-01-09")).await.unwrap();
    assert_eq!(
        from_usd,
        vec![
            rate(&eur, "2024-01-05", "0.925"),
            rate(&gbp, "2024-01-08", "0.78")
        ]
    );
    let history = s.rate_history(&usd, &eur).await.unwrap();
    assert_eq!(
        history.iter().map(|r| r.date).collect::<Vec<_>>(),
        vec![day("2024-01-01"), day("2024-01-05"), day("2024-01-10")]
    );
    assert_conflict(
        s.upsert_rate(
            &ExchangeRate::new(usd.clone(), code("QQQ"), day("2024-01-01"), dec("1")).unwrap(),
        )
        .await,
        "fk_exchange_rates_to",
    );
}

async fn exchange_rates_in_one_batch(s: &dyn Store) {
    let (usd, eur, gbp) = (code("USD"), code("EUR"), code("GBP"));
    let rate = |to: &CurrencyCode, d: &str, r: &str| {
        ExchangeRate::new(usd.clone(), to.clone(), day(d), dec(r)).unwrap()
    };
    s.upsert_rates(&[]).await.unwrap();
    s.upsert_rate(&rate(&eur, "2024-01-02", "0.9"))
        .await
        .unwrap();
    // A stored day is replaced; within the batch, the later rate of a day wins.
    s.upsert_rates(&[
        rate(&eur, "2024-01-01", "0.91"),
        rate(&eur, "2024-01-02", "0.92"),
        rate(&gbp, "2024-01-02", "0.79"),
        rate(&gbp, "2024-01-02", "0.78"),
    ])
    .await
    .unwrap();
    assert_eq!(
        s.rate_history(&usd, &eur).await.unwrap(),
        vec![
            rate(&eur, "2024-01-01", "0.91"),
            rate(&eur, "2024-01-02", "0.92")
        ]
    );
    assert_eq!(
        s.rate_history(&usd, &gbp).await.unwrap(),
        vec![rate(&gbp, "2024-01-02", "0.78")]
    );
    // One unknown currency and none of the batch is stored.
    assert_conflict(
        s.upsert_rates(&[
            rate(&eur, "2024-01-03", "0.93"),
            ExchangeRate::new(usd.clone(), code("QQQ"), day("2024-01-03"), dec("1")).unwrap(),
        ])
        .await,
        "fk_exchange_rates_to",
    );
    assert_eq!(s.rate_history(&usd, &eur).await.unwrap().len(), 2);
}

async fn institutions_crud_and_owner_filter(s: &dyn Store) {
    let ann = user(s, "ann").await;
    let bob = user(s, "bob").await;
    let mut zed = institution(s, ann.id, "Zed Bank").await;
    let alpha = institution(s, ann.id, "Alpha Credit").await;
    let mid = institution(s, ann.id, "Middle Trust").await;
    let bobs = institution(s, bob.id, "Bob's Bank").await;

    assert_eq!(s.institution(zed.id).await.unwrap().as_ref(), Some(&zed));
    let anns = s.institutions(ann.id, all()).await.unwrap();
    assert_eq!(anns.total, 3);
    assert_eq!(
        anns.items.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![alpha.id, mid.id, zed.id]
    );
    let p = s.institutions(ann.id, page(1, 1)).await.unwrap();
    assert_eq!((p.total, p.items[0].id), (3, mid.id));
    let bobs_list = s.institutions(bob.id, all()).await.unwrap();
    assert_eq!(
        bobs_list.items.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![bobs.id]
    );

    zed.name = "Zed Bank Intl".into();
    zed.url = None;
    zed.updated_at += Duration::seconds(1);
    s.update_institution(&zed).await.unwrap();
    assert_eq!(s.institution(zed.id).await.unwrap().as_ref(), Some(&zed));
    s.delete_institution(zed.id).await.unwrap();
    assert_eq!(s.institution(zed.id).await.unwrap(), None);
    assert_not_found(s.delete_institution(zed.id).await);
    assert_not_found(s.update_institution(&zed).await);
    assert_conflict(
        s.insert_institution(&new_institution(Uuid::new_v4(), "Orphan"))
            .await,
        "fk_financial_institutions_user",
    );
}

async fn deleting_institution_unlinks_accounts(s: &dyn Store) {
    let ann = user(s, "ann").await;
    let bank = institution(s, ann.id, "Bank").await;
    let a = new_account(ann.id, "Checking", Some(bank.id));
    s.insert_account(&a).await.unwrap();
    s.delete_institution(bank.id).await.unwrap();
    let after = s.account(a.id).await.unwrap().expect("account stays");
    assert_eq!(after.institution_id, None);
    assert_eq!(
        Account {
            institution_id: None,
            ..a
        },
        after
    );
}

async fn accounts_crud_order_and_owner_filter(s: &dyn Store) {
    let ann = user(s, "ann").await;
    let bob = user(s, "bob").await;
    let bank = institution(s, ann.id, "Bank").await;
    let mut savings = new_account(ann.id, "Savings", Some(bank.id));
    savings.account_type = AccountType::Savings;
    savings.is_investment_account = false;
    s.insert_account(&savings).await.unwrap();
    let brokerage = account(s, ann.id, "Brokerage").await;
    let card = {
        let mut c = new_account(ann.id, "Card", None);
        c.account_type = AccountType::CreditCard;
        c.interest_rate = None;
        s.insert_account(&c).await.unwrap();
        c
    };
    let bobs = account(s, bob.id, "Aardvark").await;

    assert_eq!(
        s.account(savings.id).await.unwrap().as_ref(),
        Some(&savings)
    );
    assert_eq!(s.account(card.id).await.unwrap().as_ref(), Some(&card));
    let anns = s.accounts(ann.id, all()).await.unwrap();
    assert_eq!(anns.total, 3);
    assert_eq!(
        anns.items.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![brokerage.id, card.id, savings.id]
    );
    assert!(!anns.items.iter().any(|a| a.id == bobs.id));
    let p = s.accounts(ann.id, page(2, 10)).await.unwrap();
    assert_eq!((p.total, p.items.len()), (3, 1));
    assert_eq!(p.items[0].id, savings.id);
    let bobs_page = s.accounts(bob.id, all()).await.unwrap();
    assert_eq!((bobs_page.total, bobs_page.items[0].id), (1, bobs.id));

    savings.name = "Rainy Day".into();
    savings.institution_id = None;
    savings.currency = code("CAD");
    savings.account_type = AccountType::Tfsa;
    savings.interest_rate = Some(dec("2.5"));
    savings.updated_at += Duration::seconds(3);
    s.update_account(&savings).await.unwrap();
    assert_eq!(
        s.account(savings.id).await.unwrap().as_ref(),
        Some(&savings)
    );

    s.delete_account(card.id).await.unwrap();
    assert_eq!(s.account(card.id).await.unwrap(), None);
    assert_not_found(s.delete_account(card.id).await);
    assert_not_found(s.update_account(&card).await);
    assert_eq!(s.accounts(ann.id, all()).await.unwrap().total, 2);
}

async fn account_rules_are_conflicts(s: &dyn Store) {
    let ann = user(s, "ann").await;
    let a = account(s, ann.id, "Main").await;
    assert_conflict(s.insert_account(&a).await, "pk_accounts");
    assert_conflict(
        s.insert_account(&new_account(Uuid::new_v4(), "X", None))
            .await,
        "fk_accounts_user",
    );
    assert_conflict(
        s.insert_account(&new_account(ann.id, "X", Some(Uuid::new_v4())))
            .await,
        "fk_accounts_institution",
    );
    let mut odd = new_account(ann.id, "X", None);
    odd.currency = code("QQQ");
    assert_conflict(s.insert_account(&odd).await, "fk_accounts_currency");
    let mut moved = a.clone();
    moved.institution_id = Some(Uuid::new_v4());
    assert_conflict(s.update_account(&moved).await, "fk_accounts_institution");
    assert_eq!(s.account(a.id).await.unwrap().as_ref(), Some(&a));
}

async fn deleting_account_removes_values_and_holdings(s: &dyn Store) {
    let ann = user(s, "ann").await;
    let gone = account(s, ann.id, "Gone").await;
    let kept = account(s, ann.id, "Kept").await;
    let sec = security(s, "AAPL").await;
    let t = at("2024-05-01T10:00:00Z");
    for acc in [&gone, &kept] {
        s.insert_account_value(&new_value(acc.id, t, "100"))
            .await
            .unwrap();
        s.insert_holding(&new_holding(acc.id, sec.id, t, "1"))
            .await
            .unwrap();
    }
    let gone_value = s
        .account_values(gone.id, None, None, all())
        .await
        .unwrap()
        .items[0]
        .id;
    let gone_holding = s.holdings(gone.id, false, all()).await.unwrap().items[0].id;

    s.delete_account(gone.id).await.unwrap();
    assert_eq!(s.account_value(gone_value).await.unwrap(), None);
    assert_eq!(s.holding(gone_holding).await.unwrap(), None);
    assert_eq!(
        s.account_values(gone.id, None, None, all())
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(s.holdings(gone.id, false, all()).await.unwrap().total, 0);
    assert_eq!(
        s.account_values(kept.id, None, None, all())
            .await
            .unwrap()
            .total,
        1
    );
    assert_eq!(s.holdings(kept.id, false, all()).await.unwrap().total, 1);
    // The security stays: it is shared market data.
    assert!(s.security(sec.id).await.unwrap().is_some());
}

async fn deleting_user_removes_everything_of_theirs(s: &dyn Store) {
    let sec = security(s, "MSFT").await;
    let t = at("2024-05-01T10:00:00Z");
    let mut owned = Vec::new();
    for name in ["ann", "bob"] {
        let u = user(s, name).await;
        let inst = institution(s, u.id, "Bank").await;
        let acc = new_account(u.id, "Main", Some(inst.id));
        s.insert_account(&acc).await.unwrap();
        let value = new_value(acc.id, t, "5");
        s.insert_account_value(&value).await.unwrap();
        let holding = new_holding(acc.id, sec.id, t, "2");
        s.insert_holding(&holding).await.unwrap();
        let refresh = new_refresh(u.id, Uuid::new_v4());
        s.insert_refresh_token(&refresh).await.unwrap();
        let reset = new_reset(u.id, &format!("hash-{name}"), t + Duration::days(3650));
        s.insert_reset_token(&reset).await.unwrap();
        owned.push((u, inst, acc, value, holding, refresh, reset));
    }
    let (ann, inst, acc, value, holding, refresh, reset) = &owned[0];
    s.delete_user(ann.id).await.unwrap();
    assert_eq!(s.user(ann.id).await.unwrap(), None);
    assert_eq!(s.institution(inst.id).await.unwrap(), None);
    assert_eq!(s.account(acc.id).await.unwrap(), None);
    assert_eq!(s.account_value(value.id).await.unwrap(), None);
    assert_eq!(s.holding(holding.id).await.unwrap(), None);
    assert_eq!(s.refresh_token(refresh.jti).await.unwrap(), None);
    assert_eq!(
        s.take_reset_token(&reset.token_hash, finances::domain::now())
            .await
            .unwrap(),
        None
    );

    let (bob, inst, acc, value, holding, refresh, _) = &owned[1];
    assert!(s.user(bob.id).await.unwrap().is_some());
    assert!(s.institution(inst.id).await.unwrap().is_some());
    assert!(s.account(acc.id).await.unwrap().is_some());
    assert!(s.account_value(value.id).await.unwrap().is_some());
    assert!(s.holding(holding.id).await.unwrap().is_some());
    assert!(s.refresh_token(refresh.jti).await.unwrap().is_some());
    assert!(s
        .take_reset_token("hash-bob", finances::domain::now())
        .await
        .unwrap()
        .is_some());
}

async fn account_values_in_one_batch(s: &dyn Store) {
    let ann = user(s, "ann").await;
    let acc = account(s, ann.id, "Main").await;
    let base = at("2024-01-01T00:00:00.000001Z");
    s.insert_account_values(&[]).await.unwrap();
    let values: Vec<AccountValue> = (0..3)
        .map(|i| new_value(acc.id, base + Duration::days(i), &format!("{i}.5")))
        .collect();
    s.insert_account_values(&values).await.unwrap();
    let stored = s.account_values(acc.id, None, None, all()).await.unwrap();
    assert_eq!(
        stored.items,
        values.iter().rev().cloned().collect::<Vec<_>>()
    );
    // A value whose day is taken, or whose account is unknown: none of the batch is stored.
    let fresh = new_value(acc.id, base + Duration::days(9), "9");
    assert_conflict(
        s.insert_account_values(&[fresh.clone(), new_value(acc.id, base, "1")])
            .await,
        "uq_account_values_account_timestamp",
    );
    assert_conflict(
        s.insert_account_values(&[fresh.clone(), new_value(Uuid::new_v4(), base, "1")])
            .await,
        "fk_account_values_account",
    );
    assert_eq!(s.account_value(fresh.id).await.unwrap(), None);
}

async fn account_values(s: &dyn Store) {
    let ann = user(s, "ann").await;
    let acc = account(s, ann.id, "Main").await;
    let other = account(s, ann.id, "Other").await;
    let empty = account(s, ann.id, "Empty").await;
    let base = at("2024-01-01T00:00:00.000001Z");
    let mut values = Vec::new();
    for i in 0..5 {
        let v = new_value(acc.id, base + Duration::days(i), &format!("{}.25", 100 + i));
        s.insert_account_value(&v).await.unwrap();
        values.push(v);
    }
    let o = new_value(other.id, base, "7");
    s.insert_account_value(&o).await.unwrap();

    assert_eq!(
        s.account_value(values[2].id).await.unwrap().as_ref(),
        Some(&values[2])
    );
    let newest_first = s.account_values(acc.id, None, None, all()).await.unwrap();
    assert_eq!(newest_first.total, 5);
    assert_eq!(
        newest_first.items.iter().map(|v| v.id).collect::<Vec<_>>(),
        values.iter().rev().map(|v| v.id).collect::<Vec<_>>()
    );
    // [start, end] is inclusive on both sides.
    let ranged = s
        .account_values(
            acc.id,
            Some(values[1].timestamp),
            Some(values[3].timestamp),
            page(1, 1),
        )
        .await
        .unwrap();
    assert_eq!(ranged.total, 3);
    assert_eq!(ranged.items, vec![values[2].clone()]);
    let from_only = s
        .account_values(acc.id, Some(values[4].timestamp), None, all())
        .await
        .unwrap();
    assert_eq!(from_only.items, vec![values[4].clone()]);

    let mut dup = new_value(acc.id, values[0].timestamp, "1");
    assert_conflict(
        s.insert_account_value(&dup).await,
        "uq_account_values_account_timestamp",
    );
    dup.account_id = Uuid::new_v4();
    assert_conflict(
        s.insert_account_value(&dup).await,
        "fk_account_values_account",
    );

    let latest = s
        .latest_account_values(&[acc.id, other.id, empty.id])
        .await
        .unwrap();
    assert_eq!(latest.len(), 2);
    assert_eq!(latest[&acc.id], values[4]);
    assert_eq!(latest[&other.id], o);
    assert!(s.latest_account_values(&[]).await.unwrap().is_empty());

    let mut v = values[0].clone();
    v.balance = dec("99.99");
    v.cash_balance = None;
    v.timestamp = base - Duration::days(1);
    v.updated_at += Duration::seconds(1);
    s.update_account_value(&v).await.unwrap();
    assert_eq!(s.account_value(v.id).await.unwrap().as_ref(), Some(&v));
    v.timestamp = values[1].timestamp;
    assert_conflict(
        s.update_account_value(&v).await,
        "uq_account_values_account_timestamp",
    );
    s.delete_account_value(v.id).await.unwrap();
    assert_not_found(s.delete_account_value(v.id).await);
    assert_not_found(s.update_account_value(&v).await);
    assert_eq!(
        s.account_values(acc.id, None, None, all())
            .await
            .unwrap()
            .total,
        4
    );
}

async fn decimals_round_trip_exactly(s: &dyn Store) {
    let ann = user(s, "ann").await;
    let t0 = at("2024-02-01T09:30:00.654321Z");
    for (i, amount) in EDGE_AMOUNTS.iter().map(|a| dec(a)).enumerate() {
        let t = t0 + Duration::minutes(i as i64);
        let mut acc = new_account(ann.id, &format!("A{i}"), None);
        acc.interest_rate = Some(amount);
        s.insert_account(&acc).await.unwrap();
        assert_eq!(
            s.account(acc.id).await.unwrap().unwrap().interest_rate,
            Some(amount)
        );

        let mut value = new_value(acc.id, t, "0");
        value.balance = amount;
        value.cash_balance = Some(amount);
        s.insert_account_value(&value).await.unwrap();
        assert_eq!(
            s.account_value(value.id).await.unwrap().as_ref(),
            Some(&value)
        );

        let mut sec = new_security(&format!("DEC{i}"), "Decimal Corp");
        sec.market_cap = Some(amount);
        s.insert_security(&sec).await.unwrap();
        assert_eq!(s.security(sec.id).await.unwrap().as_ref(), Some(&sec));

        let mut holding = new_holding(acc.id, sec.id, t, "1");
        holding.shares = amount;
        holding.average_price = amount;
        s.insert_holding(&holding).await.unwrap();
        assert_eq!(
            s.holding(holding.id).await.unwrap().as_ref(),
            Some(&holding)
        );

        let b = PriceBar {
            open: amount,
            high: amount,
            low: amount,
            close: amount,
            adj_close: Some(amount),
            ..bar(sec.id, Interval::D1, t, "1")
        };
        s.save_sync(&sec, std::slice::from_ref(&b)).await.unwrap();
        assert_eq!(
            s.prices(sec.id, Interval::D1, None, None).await.unwrap(),
            vec![b.clone()]
        );
        assert_eq!(
            s.latest_closes(&[sec.id]).await.unwrap()[&sec.id].close,
            amount
        );

        if amount > Decimal::ZERO {
            let r = ExchangeRate::new(code("USD"), code("EUR"), day("2024-01-01"), amount).unwrap();
            s.upsert_rate(&r).await.unwrap();
            let back = s
                .rate_on_or_before(&code("USD"), &code("EUR"), day("2024-01-01"))
                .await
                .unwrap();
            assert_eq!(back, Some(r));
        }
    }
    // Read back in the same representation by both backends: no padding zeros.
    let acc = s.accounts(ann.id, all()).await.unwrap().items;
    let rates: Vec<String> = acc
        .iter()
        .map(|a| a.interest_rate.unwrap().to_string())
        .collect();
    assert_eq!(
        rates,
        vec![
            "0.000001",
            "12345678901234.56789",
            "-12345678901234.56789",
            "-0.000001"
        ]
    );
}

async fn securities_crud_and_search(s: &dyn Store) {
    let mut aapl = new_security("AAPL", "Apple Inc.");
    s.insert_security(&aapl).await.unwrap();
    let pineapple = new_security("PNPL", "Pineapple 100% Juice_Co");
    s.insert_security(&pineapple).await.unwrap();
    let aap = new_security("AAP", "Advance Auto Parts");
    s.insert_security(&aap).await.unwrap();
    let brk = new_security("BRK-B", "Berkshire Hathaway");
    s.insert_security(&brk).await.unwrap();

    assert_eq!(s.security(aapl.id).await.unwrap().as_ref(), Some(&aapl));
    assert_eq!(
        s.security_by_symbol(&Symbol::parse("aapl").unwrap())
            .await
            .unwrap()
            .as_ref(),
        Some(&aapl)
    );
    assert_eq!(
        s.security_by_symbol(&Symbol::parse("ZZZ").unwrap())
            .await
            .unwrap(),
        None
    );
    let by_ids = s
        .securities_by_ids(&[brk.id, aapl.id, Uuid::new_v4()])
        .await
        .unwrap();
    assert_eq!(
        by_ids.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![aapl.id, brk.id]
    );
    assert!(s.securities_by_ids(&[]).await.unwrap().is_empty());

    let listed = s.securities(page(1, 2)).await.unwrap();
    assert_eq!(listed.total, 4);
    assert_eq!(
        listed
            .items
            .iter()
            .map(|x| x.symbol.as_str())
            .collect::<Vec<_>>(),
        vec!["AAPL", "BRK-B"]
    );

    let mut dup = new_security("AAPL", "Other");
    assert_conflict(s.insert_security(&dup).await, "uq_securities_symbol");
    dup.symbol = Symbol::parse("NEW").unwrap();
    dup.id = aapl.id;
    assert_conflict(s.insert_security(&dup).await, "pk_securities");

    // Exact symbol first, then by symbol; name matches ignore case.
    let apple = new_security("APPLE", "Apple Hospitality REIT");
    s.insert_security(&apple).await.unwrap();
    let found = s.search_securities("apple", 10).await.unwrap();
    assert_eq!(
        found.iter().map(|x| x.symbol.as_str()).collect::<Vec<_>>(),
        vec!["APPLE", "AAPL", "PNPL"]
    );
    let by_symbol = s.search_securities("aap", 10).await.unwrap();
    assert_eq!(
        by_symbol
            .iter()
            .map(|x| x.symbol.as_str())
            .collect::<Vec<_>>(),
        vec!["AAP", "AAPL"]
    );
    let by_name = s.search_securities("BERKSHIRE", 10).await.unwrap();
    assert_eq!(by_name.len(), 1);
    assert_eq!(by_name[0].id, brk.id);
    // Wildcards in the query are plain characters.
    let percent = s.search_securities("%", 10).await.unwrap();
    assert_eq!(
        percent.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![pineapple.id]
    );
    let underscore = s.search_securities("e_c", 10).await.unwrap();
    assert_eq!(
        underscore.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![pineapple.id]
    );
    assert_eq!(s.search_securities("a", 2).await.unwrap().len(), 2);

    aapl.name = "Apple".into();
    aapl.sector = None;
    aapl.market_cap = None;
    aapl.last_synced_at = Some(at("2024-06-01T00:00:00Z"));
    aapl.updated_at += Duration::seconds(1);
    s.update_security(&aapl).await.unwrap();
    assert_eq!(s.security(aapl.id).await.unwrap().as_ref(), Some(&aapl));
    assert_not_found(s.update_security(&new_security("GONE", "Gone")).await);
    let mut clash = aapl.clone();
    clash.symbol = brk.symbol.clone();
    assert_conflict(s.update_security(&clash).await, "uq_securities_symbol");
}

async fn save_sync_is_idempotent_and_counts(s: &dyn Store) {
    let mut sec = new_security("SPY", "S&P 500 ETF");
    let t0 = at("2024-01-02T14:30:00Z");
    let daily: Vec<PriceBar> = (0..5)
        .map(|i| {
            bar(
                sec.id,
                Interval::D1,
                t0 + Duration::days(i),
                &format!("47{i}.5"),
            )
        })
        .collect();
    let hourly: Vec<PriceBar> = (0..3)
        .map(|i| bar(sec.id, Interval::H1, t0 + Duration::hours(i), "480"))
        .collect();
    let all_bars: Vec<PriceBar> = daily.iter().chain(&hourly).cloned().collect();

    // save_sync creates the security when it is new.
    sec.last_synced_at = Some(at("2024-01-10T00:00:00Z"));
    let first = s.save_sync(&sec, &all_bars).await.unwrap();
    assert_eq!(
        first,
        UpsertCount {
            inserted: 8,
            updated: 0
        }
    );
    assert_eq!(s.security(sec.id).await.unwrap().as_ref(), Some(&sec));
    assert_eq!(s.count_prices(sec.id, Interval::D1).await.unwrap(), 5);
    assert_eq!(s.count_prices(sec.id, Interval::H1).await.unwrap(), 3);

    let again = s.save_sync(&sec, &all_bars).await.unwrap();
    assert_eq!(again, UpsertCount::default());
    assert_eq!(s.count_prices(sec.id, Interval::D1).await.unwrap(), 5);

    let mut changed = daily.clone();
    changed[4].close = dec("999.01");
    changed.push(bar(sec.id, Interval::D1, t0 + Duration::days(5), "500"));
    sec.name = "SPDR S&P 500".into();
    let third = s.save_sync(&sec, &changed).await.unwrap();
    assert_eq!(
        third,
        UpsertCount {
            inserted: 1,
            updated: 1
        }
    );
    assert_eq!(
        s.security(sec.id).await.unwrap().unwrap().name,
        "SPDR S&P 500"
    );
    assert_eq!(s.count_prices(sec.id, Interval::D1).await.unwrap(), 6);

    let stored = s.prices(sec.id, Interval::D1, None, None).await.unwrap();
    assert_eq!(stored, changed);
    let window = s
        .prices(
            sec.id,
            Interval::D1,
            Some(changed[1].timestamp),
            Some(changed[3].timestamp),
        )
        .await
        .unwrap();
    assert_eq!(window, changed[1..=3].to_vec());
    let tail = s
        .prices(sec.id, Interval::D1, Some(changed[4].timestamp), None)
        .await
        .unwrap();
    assert_eq!(tail, changed[4..].to_vec());
    let head = s
        .prices(sec.id, Interval::D1, None, Some(changed[0].timestamp))
        .await
        .unwrap();
    assert_eq!(head, changed[..1].to_vec());
    assert_eq!(
        s.prices(sec.id, Interval::W1, None, None).await.unwrap(),
        vec![]
    );
    assert_eq!(
        s.latest_price(sec.id, Interval::D1).await.unwrap().as_ref(),
        changed.last()
    );
    assert_eq!(
        s.latest_price(sec.id, Interval::H1).await.unwrap().as_ref(),
        hourly.last()
    );
    assert_eq!(s.latest_price(sec.id, Interval::M1).await.unwrap(), None);

    // A bar repeated within one batch counts once; the last one given wins.
    let mut twice = bar(sec.id, Interval::W1, t0, "1");
    let first_copy = twice.clone();
    twice.close = dec("2");
    let n = s
        .save_sync(&sec, &[first_copy, twice.clone()])
        .await
        .unwrap();
    assert_eq!(
        n,
        UpsertCount {
            inserted: 1,
            updated: 0
        }
    );
    assert_eq!(
        s.prices(sec.id, Interval::W1, None, None).await.unwrap(),
        vec![twice]
    );
    assert_eq!(
        s.save_sync(&sec, &[]).await.unwrap(),
        UpsertCount::default()
    );
}

async fn save_sync_is_atomic(s: &dyn Store) {
    let sec = security(s, "QQQ").await;
    let t0 = at("2024-01-02T00:00:00Z");
    let good: Vec<PriceBar> = (0..3)
        .map(|i| bar(sec.id, Interval::D1, t0 + Duration::days(i), "400"))
        .collect();
    s.save_sync(&sec, &good).await.unwrap();

    let mut renamed = sec.clone();
    renamed.name = "Renamed".into();
    let mut bad = good.clone();
    bad[0].close = dec("1");
    bad.push(bar(sec.id, Interval::D1, t0 + Duration::days(10), "401"));
    bad.push(bar(Uuid::new_v4(), Interval::D1, t0, "1"));
    assert_conflict(
        s.save_sync(&renamed, &bad).await,
        "fk_security_prices_security",
    );
    assert_eq!(s.security(sec.id).await.unwrap().unwrap().name, sec.name);
    assert_eq!(
        s.prices(sec.id, Interval::D1, None, None).await.unwrap(),
        good
    );

    // A metadata write that breaks a rule also leaves the bars untouched.
    let other = security(s, "DIA").await;
    let mut clash = sec.clone();
    clash.symbol = other.symbol.clone();
    let more = vec![bar(sec.id, Interval::D1, t0 + Duration::days(20), "402")];
    assert_conflict(s.save_sync(&clash, &more).await, "uq_securities_symbol");
    assert_eq!(s.count_prices(sec.id, Interval::D1).await.unwrap(), 3);
}

async fn latest_closes(s: &dyn Store) {
    let a = security(s, "AAA").await;
    let b = security(s, "BBB").await;
    let none = security(s, "NONE").await;
    let t0 = at("2024-03-01T21:00:00Z");
    let mut bars = Vec::new();
    for i in 0..4 {
        bars.push(bar(
            a.id,
            Interval::D1,
            t0 + Duration::days(i),
            &format!("10{i}"),
        ));
    }
    // An intraday bar newer than every daily one is not a close.
    bars.push(bar(a.id, Interval::H1, t0 + Duration::days(9), "555"));
    s.save_sync(&a, &bars).await.unwrap();
    s.save_sync(&b, &[bar(b.id, Interval::D1, t0, "7.5")])
        .await
        .unwrap();

    let ids = [a.id, b.id, none.id, Uuid::new_v4()];
    let latest = s.latest_closes(&ids).await.unwrap();
    assert_eq!(latest.len(), 2);
    assert_eq!(latest[&a.id].close, dec("103"));
    assert_eq!(latest[&a.id].timestamp, t0 + Duration::days(3));
    assert_eq!(latest[&a.id].security_id, a.id);
    assert_eq!(latest[&b.id].close, dec("7.5"));

    let two = s
        .last_two_closes(&[a.id, b.id, none.id, a.id])
        .await
        .unwrap();
    assert_eq!(two.len(), 2);
    assert_eq!(
        two[&a.id].iter().map(|c| c.close).collect::<Vec<_>>(),
        vec![dec("103"), dec("102")]
    );
    assert_eq!(
        two[&b.id].iter().map(|c| c.close).collect::<Vec<_>>(),
        vec![dec("7.5")]
    );
    assert!(s.latest_closes(&[]).await.unwrap().is_empty());
    assert!(s.last_two_closes(&[]).await.unwrap().is_empty());
}

/// What a valuation on a past date reads: the newest of each thing dated on or before that
/// day (any time of it, in UTC), batched over many accounts, securities and currencies.
async fn the_newest_on_or_before_a_day(s: &dyn Store) {
    // Balances: two accounts, one with none before the day asked.
    let ann = user(s, "ann").await;
    let main = account(s, ann.id, "Main").await;
    let late = account(s, ann.id, "Late").await;
    let never = account(s, ann.id, "Never").await;
    let early = new_value(main.id, at("2024-03-01T09:00:00Z"), "100");
    // The last microsecond of the 3rd still counts for the 3rd.
    let last_moment = new_value(main.id, at("2024-03-03T23:59:59.999999Z"), "300");
    let next_day = new_value(main.id, at("2024-03-04T00:00:00Z"), "400");
    let late_one = new_value(late.id, at("2024-03-05T12:00:00Z"), "5");
    for v in [&early, &last_moment, &next_day, &late_one] {
        s.insert_account_value(v).await.unwrap();
    }
    let ids = [main.id, late.id, never.id, main.id];
    let on_3rd = s
        .account_values_on_or_before(&ids, day("2024-03-03"))
        .await
        .unwrap();
    assert_eq!(on_3rd.len(), 1, "{on_3rd:?}");
    assert_eq!(on_3rd[&main.id], last_moment);
    let on_2nd = s
        .account_values_on_or_before(&ids, day("2024-03-02"))
        .await
        .unwrap();
    assert_eq!(on_2nd[&main.id], early);
    let later = s
        .account_values_on_or_before(&ids, day("2024-03-31"))
        .await
        .unwrap();
    assert_eq!((&later[&main.id], &later[&late.id]), (&next_day, &late_one));
    assert!(s
        .account_values_on_or_before(&ids, day("2024-02-29"))
        .await
        .unwrap()
        .is_empty());
    assert!(s
        .account_values_on_or_before(&[], day("2024-03-31"))
        .await
        .unwrap()
        .is_empty());

    // Closes: daily bars only, the `n` newest on or before the day, newest first.
    let a = security(s, "AAA").await;
    let b = security(s, "BBB").await;
    let none = security(s, "NONE").await;
    let t0 = at("2024-03-01T21:00:00Z");
    let mut bars: Vec<PriceBar> = (0..4)
        .map(|i| {
            bar(
                a.id,
                Interval::D1,
                t0 + Duration::days(i),
                &format!("10{i}"),
            )
        })
        .collect();
    bars.push(bar(a.id, Interval::H1, at("2024-03-02T15:00:00Z"), "555"));
    s.save_sync(&a, &bars).await.unwrap();
    s.save_sync(
        &b,
        &[bar(b.id, Interval::D1, t0 + Duration::days(2), "7.5")],
    )
    .await
    .unwrap();
    let closes = |d: &'static str, n: i64| {
        let ids = [a.id, b.id, none.id, Uuid::new_v4(), a.id];
        async move {
            s.closes_on_or_before(&ids, day(d), n)
                .await
                .unwrap()
                .into_iter()
                .map(|c| (c.security_id, c.timestamp, c.close))
                .collect::<Vec<_>>()
        }
    };
    // On the 2nd: A's bars of the 1st and 2nd (the hourly bar is no close); B has none yet.
    assert_eq!(
        closes("2024-03-02", 2).await,
        vec![
            (a.id, t0 + Duration::days(1), dec("101")),
            (a.id, t0, dec("100")),
        ]
    );
    let mut on_3rd = closes("2024-03-03", 1).await;
    on_3rd.sort();
    let mut expected = vec![
        (a.id, t0 + Duration::days(2), dec("102")),
        (b.id, t0 + Duration::days(2), dec("7.5")),
    ];
    expected.sort();
    assert_eq!(on_3rd, expected);
    assert!(closes("2024-02-29", 2).await.is_empty());
    assert!(s
        .closes_on_or_before(&[], day("2024-03-31"), 2)
        .await
        .unwrap()
        .is_empty());

    // Rates: every ordered pair among the currencies asked, the newest on or before the day.
    let (usd, eur, gbp, jpy) = (code("USD"), code("EUR"), code("GBP"), code("JPY"));
    let rate = |from: &CurrencyCode, to: &CurrencyCode, d: &str, r: &str| {
        ExchangeRate::new(from.clone(), to.clone(), day(d), dec(r)).unwrap()
    };
    s.upsert_rates(&[
        rate(&usd, &eur, "2024-03-01", "0.91"),
        rate(&usd, &eur, "2024-03-03", "0.92"),
        rate(&usd, &eur, "2024-03-04", "0.93"),
        rate(&eur, &usd, "2024-03-02", "1.09"),
        rate(&gbp, &usd, "2024-03-01", "1.27"),
        // JPY is not asked for: none of its rates comes back.
        rate(&usd, &jpy, "2024-03-01", "150"),
    ])
    .await
    .unwrap();
    let among = s
        .rates_among(
            &[eur.clone(), usd.clone(), gbp.clone(), usd.clone()],
            day("2024-03-03"),
        )
        .await
        .unwrap();
    assert_eq!(
        among,
        vec![
            rate(&eur, &usd, "2024-03-02", "1.09"),
            rate(&gbp, &usd, "2024-03-01", "1.27"),
            rate(&usd, &eur, "2024-03-03", "0.92"),
        ]
    );
    let before = s
        .rates_among(&[eur.clone(), usd.clone()], day("2024-03-01"))
        .await
        .unwrap();
    assert_eq!(before, vec![rate(&usd, &eur, "2024-03-01", "0.91")]);
    assert!(s
        .rates_among(std::slice::from_ref(&usd), day("2024-03-31"))
        .await
        .unwrap()
        .is_empty());
    assert!(s
        .rates_among(&[eur, usd], day("2024-02-29"))
        .await
        .unwrap()
        .is_empty());
}

async fn holdings(s: &dyn Store) {
    let ann = user(s, "ann").await;
    let bob = user(s, "bob").await;
    let acc = account(s, ann.id, "B Brokerage").await;
    let acc2 = account(s, ann.id, "A Retirement").await;
    let bobs = account(s, bob.id, "Bob's").await;
    let (aapl, msft, unheld) = (
        security(s, "AAPL").await,
        security(s, "MSFT").await,
        security(s, "TSLA").await,
    );
    let t0 = at("2024-01-01T00:00:00.5Z");
    let h = |acc: &Account, sec: &Security, days: i64, shares: &str| {
        new_holding(acc.id, sec.id, t0 + Duration::days(days), shares)
    };
    let rows = [
        h(&acc, &aapl, 0, "10"),
        h(&acc, &aapl, 5, "12"),
        h(&acc, &msft, 2, "3.5"),
        h(&acc2, &msft, 1, "1"),
        h(&bobs, &aapl, 9, "100"),
    ];
    for r in &rows {
        s.insert_holding(r).await.unwrap();
    }
    assert_eq!(
        s.holding(rows[2].id).await.unwrap().as_ref(),
        Some(&rows[2])
    );

    let history = s.holdings(acc.id, false, all()).await.unwrap();
    assert_eq!(history.total, 3);
    assert_eq!(
        history.items.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![rows[1].id, rows[2].id, rows[0].id]
    );
    let current = s.holdings(acc.id, true, all()).await.unwrap();
    assert_eq!(current.total, 2);
    assert_eq!(
        current.items.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![rows[1].id, rows[2].id]
    );
    let paged = s.holdings(acc.id, true, page(1, 1)).await.unwrap();
    assert_eq!((paged.total, paged.items[0].id), (2, rows[2].id));

    let mut of_ann: Vec<Uuid> = s
        .current_holdings_of_user(ann.id)
        .await
        .unwrap()
        .iter()
        .map(|x| x.id)
        .collect();
    of_ann.sort_unstable();
    let mut expected = vec![rows[1].id, rows[2].id, rows[3].id];
    expected.sort_unstable();
    assert_eq!(of_ann, expected);

    let mut held = vec![aapl.id, msft.id];
    held.sort_unstable();
    assert_eq!(s.held_security_ids().await.unwrap(), held);
    assert!(!held.contains(&unheld.id));

    assert_conflict(
        s.insert_holding(&h(&acc, &aapl, 0, "1")).await,
        "uq_holdings_account_security_timestamp",
    );
    assert_conflict(
        s.insert_holding(&new_holding(acc.id, Uuid::new_v4(), t0, "1"))
            .await,
        "fk_holdings_security",
    );
    assert_conflict(
        s.insert_holding(&new_holding(Uuid::new_v4(), aapl.id, t0, "1"))
            .await,
        "fk_holdings_account",
    );

    let mut moved = rows[0].clone();
    moved.security_id = unheld.id;
    moved.shares = dec("0.123456");
    moved.average_price = dec("0");
    moved.updated_at += Duration::seconds(1);
    s.update_holding(&moved).await.unwrap();
    assert_eq!(s.holding(moved.id).await.unwrap().as_ref(), Some(&moved));
    moved.security_id = Uuid::new_v4();
    assert_conflict(s.update_holding(&moved).await, "fk_holdings_security");
    s.delete_holding(moved.id).await.unwrap();
    assert_not_found(s.delete_holding(moved.id).await);
    assert_not_found(s.update_holding(&moved).await);
}

/// The daily closes of several securities within whole UTC days: the first moment of the
/// first day and the last of the last count, intraday bars do not, by security then time.
async fn daily_closes_of_a_range_of_days(s: &dyn Store) {
    let aapl = security(s, "AAPL").await;
    let msft = security(s, "MSFT").await;
    let bars = [
        bar(aapl.id, Interval::D1, at("2024-03-01T23:59:59Z"), "1"),
        bar(aapl.id, Interval::D1, at("2024-03-02T00:00:00Z"), "2"),
        bar(aapl.id, Interval::H1, at("2024-03-02T15:00:00Z"), "99"),
        bar(
            aapl.id,
            Interval::D1,
            at("2024-03-04T23:59:59.999999Z"),
            "4",
        ),
        bar(aapl.id, Interval::D1, at("2024-03-05T00:00:00Z"), "5"),
    ];
    s.save_sync(&aapl, &bars).await.unwrap();
    s.save_sync(
        &msft,
        &[bar(msft.id, Interval::D1, at("2024-03-03T21:00:00Z"), "30")],
    )
    .await
    .unwrap();
    let read = s
        .daily_closes(
            &[msft.id, aapl.id, aapl.id],
            day("2024-03-02"),
            day("2024-03-04"),
        )
        .await
        .unwrap();
    let mut expected = vec![
        (aapl.id, at("2024-03-02T00:00:00Z"), dec("2")),
        (aapl.id, at("2024-03-04T23:59:59.999999Z"), dec("4")),
        (msft.id, at("2024-03-03T21:00:00Z"), dec("30")),
    ];
    expected.sort_by_key(|(id, t, _)| (*id, *t));
    assert_eq!(
        read.iter()
            .map(|c| (c.security_id, c.timestamp, c.close))
            .collect::<Vec<_>>(),
        expected
    );
    assert!(s
        .daily_closes(&[], day("2024-03-01"), day("2024-03-31"))
        .await
        .unwrap()
        .is_empty());
}

/// A dismissal is kept once per account and proposal, read back for the accounts asked, and
/// goes with its account; one for an account not stored is a conflict.
async fn dismissed_proposals_are_kept_per_account(s: &dyn Store) {
    let ann = user(s, "ann").await;
    let a = account(s, ann.id, "A").await;
    let b = account(s, ann.id, "B").await;
    let (p1, p2) = (Uuid::new_v4(), Uuid::new_v4());
    let now = Utc::now();
    s.dismiss_proposal(a.id, p1, now).await.unwrap();
    s.dismiss_proposal(a.id, p1, now).await.unwrap();
    s.dismiss_proposal(b.id, p2, now).await.unwrap();
    assert_eq!(
        s.dismissed_proposals(&[a.id]).await.unwrap(),
        vec![(a.id, p1)]
    );
    let mut both = s.dismissed_proposals(&[a.id, b.id]).await.unwrap();
    both.sort();
    let mut expected = vec![(a.id, p1), (b.id, p2)];
    expected.sort();
    assert_eq!(both, expected);
    s.delete_account(b.id).await.unwrap();
    assert!(s.dismissed_proposals(&[b.id]).await.unwrap().is_empty());
    let e = s
        .dismiss_proposal(Uuid::new_v4(), p1, now)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
}

/// A sync stores the splits and dividends it is sent again: one row per security, kind and
/// day, the last values written; they read back by security, then date; writing for a
/// security not stored is a conflict naming it.
async fn splits_and_dividends_are_kept_once_per_kind_and_day(s: &dyn Store) {
    let nvda = security(s, "NVDA").await;
    let msft = security(s, "MSFT").await;
    let split = SecurityEvent {
        security_id: nvda.id,
        date: day("2021-07-20"),
        action: CorporateAction::Split {
            new: dec("4"),
            old: dec("1"),
        },
    };
    let dividend = |on: &str, amount: &str| SecurityEvent {
        security_id: msft.id,
        date: day(on),
        action: CorporateAction::Dividend {
            amount: dec(amount),
            currency: Some("USD".into()),
        },
    };
    let events = vec![
        split.clone(),
        dividend("2021-05-19", "0.56"),
        dividend("2021-08-18", "0.56"),
    ];
    s.save_events(&events).await.unwrap();
    s.save_events(&events).await.unwrap();
    // A corrected amount replaces the one stored; a dividend on the split's day is its own row.
    let corrected = dividend("2021-08-18", "0.62");
    s.save_events(std::slice::from_ref(&corrected))
        .await
        .unwrap();
    let mut read = s.security_events(&[msft.id, nvda.id]).await.unwrap();
    read.sort_by_key(|e| (e.security_id, e.date));
    let mut expected = vec![split.clone(), events[1].clone(), corrected];
    expected.sort_by_key(|e| (e.security_id, e.date));
    assert_eq!(read, expected);
    assert_eq!(
        s.security_events(&[nvda.id]).await.unwrap(),
        vec![split.clone()]
    );
    assert!(s.security_events(&[]).await.unwrap().is_empty());
    let stray = SecurityEvent {
        security_id: Uuid::new_v4(),
        ..split
    };
    let e = s.save_events(&[stray]).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
}

/// The two newest daily closes kept in a security's row follow every write of its bars: a
/// late bar of an older day becomes the previous close only where it is one, a newer day
/// moves both, a corrected close replaces it.
async fn the_closes_kept_beside_a_security_follow_its_bars(s: &dyn Store) {
    let ann = user(s, "ann").await;
    let acc = account(s, ann.id, "Broker").await;
    let aapl = security(s, "AAPL").await;
    let t0 = at("2024-03-01T21:00:00Z");
    s.insert_holding(&new_holding(acc.id, aapl.id, t0, "1"))
        .await
        .unwrap();
    let read = || async {
        let line = s
            .priced_holdings(ann.id, acc.id, true, all())
            .await
            .unwrap()
            .items
            .remove(0);
        (line.close, line.previous_close)
    };
    let write = |days: i64, close: &'static str| {
        let b = bar(aapl.id, Interval::D1, t0 + Duration::days(days), close);
        let sec = aapl.clone();
        async move { s.save_sync(&sec, &[b]).await.unwrap() }
    };
    assert_eq!(read().await, (None, None));
    write(0, "10").await;
    write(3, "13").await;
    assert_eq!(
        read().await,
        (Some((t0 + Duration::days(3), dec("13"))), Some(dec("10")))
    );
    // Day 1 arrives late: between day 0 and day 3, it becomes the previous close.
    write(1, "11").await;
    assert_eq!(
        read().await,
        (Some((t0 + Duration::days(3), dec("13"))), Some(dec("11")))
    );
    write(4, "14").await;
    assert_eq!(
        read().await,
        (Some((t0 + Duration::days(4), dec("14"))), Some(dec("13")))
    );
    // The newest day corrected.
    write(4, "14.5").await;
    assert_eq!(
        read().await,
        (Some((t0 + Duration::days(4), dec("14.5"))), Some(dec("13")))
    );
}

/// The holdings lists' reads: each holding with its security and its security's two newest
/// daily closes, only from the owner's accounts, in the order of the unpriced reads.
async fn holdings_read_priced(s: &dyn Store) {
    let ann = user(s, "ann").await;
    let bob = user(s, "bob").await;
    let acc = account(s, ann.id, "B Brokerage").await;
    let acc2 = account(s, ann.id, "A Retirement").await;
    let (aapl, msft, tsla) = (
        security(s, "AAPL").await,
        security(s, "MSFT").await,
        security(s, "TSLA").await,
    );
    let t0 = at("2024-03-01T21:00:00Z");
    let mut bars: Vec<PriceBar> = (0..3)
        .map(|i| {
            bar(
                aapl.id,
                Interval::D1,
                t0 + Duration::days(i),
                &format!("10{i}"),
            )
        })
        .collect();
    // An intraday bar newer than every daily one is not a close.
    bars.push(bar(aapl.id, Interval::H1, t0 + Duration::days(9), "555"));
    s.save_sync(&aapl, &bars).await.unwrap();
    s.save_sync(&msft, &[bar(msft.id, Interval::D1, t0, "7.5")])
        .await
        .unwrap();
    let h = |acc: &Account, sec: &Security, days: i64, shares: &str| {
        new_holding(acc.id, sec.id, t0 + Duration::days(days), shares)
    };
    let rows = [
        h(&acc, &aapl, 0, "10"),
        h(&acc, &aapl, 5, "12"),
        h(&acc, &msft, 2, "3.5"),
        h(&acc2, &msft, 1, "1"),
        h(&acc2, &tsla, 1, "2"),
    ];
    for r in &rows {
        s.insert_holding(r).await.unwrap();
    }

    // As `holdings` gives them, each with its security and closes.
    for (current, paging) in [(false, all()), (true, all()), (true, page(1, 1))] {
        let plain = s.holdings(acc.id, current, paging).await.unwrap();
        let priced = s
            .priced_holdings(ann.id, acc.id, current, paging)
            .await
            .unwrap();
        assert_eq!(priced.total, plain.total);
        assert_eq!(
            priced.items.iter().map(|p| &p.holding).collect::<Vec<_>>(),
            plain.items.iter().collect::<Vec<_>>()
        );
    }
    let current = s
        .priced_holdings(ann.id, acc.id, true, all())
        .await
        .unwrap();
    let (newest_aapl, msft_line) = (&current.items[0], &current.items[1]);
    assert_eq!(newest_aapl.security, aapl);
    assert_eq!(
        newest_aapl.close,
        Some((t0 + Duration::days(2), dec("102")))
    );
    assert_eq!(newest_aapl.previous_close, Some(dec("101")));
    assert_eq!(msft_line.security, msft);
    assert_eq!(msft_line.close, Some((t0, dec("7.5"))));
    assert_eq!(msft_line.previous_close, None);
    // A page past the end still knows the total.
    let past = s
        .priced_holdings(ann.id, acc.id, true, page(5, 1))
        .await
        .unwrap();
    assert_eq!((past.total, past.items.len()), (2, 0));
    // Someone else's account reads as nothing.
    let theirs = s
        .priced_holdings(bob.id, acc.id, false, all())
        .await
        .unwrap();
    assert_eq!((theirs.total, theirs.items.len()), (0, 0));

    // Across accounts: as `current_holdings_of_user` finds them, by account name, then security.
    let positions = s.priced_positions(ann.id).await.unwrap();
    let mut in_acc2 = vec![rows[3].id, rows[4].id];
    let mut in_acc = vec![rows[1].id, rows[2].id];
    for ids in [&mut in_acc2, &mut in_acc] {
        ids.sort_by_key(|id| rows.iter().find(|r| r.id == *id).unwrap().security_id);
    }
    assert_eq!(
        positions.iter().map(|p| p.holding.id).collect::<Vec<_>>(),
        [in_acc2, in_acc].concat()
    );
    let unpriced = positions
        .iter()
        .find(|p| p.holding.id == rows[4].id)
        .unwrap();
    assert_eq!((unpriced.close, unpriced.previous_close), (None, None));
    assert_eq!(unpriced.security, tsla);
    assert!(s.priced_positions(Uuid::new_v4()).await.unwrap().is_empty());

    // What valuing a holding takes besides its shares: each security's symbol, quote
    // currency and newest close; an unpriced one with none, an unknown id absent.
    let mut quotes = s
        .security_quotes(&[aapl.id, msft.id, tsla.id, Uuid::new_v4()])
        .await
        .unwrap();
    quotes.sort_by(|a, b| a.symbol.cmp(&b.symbol));
    let seen: Vec<_> = quotes
        .iter()
        .map(|q| (q.symbol.as_str(), q.quote_currency.as_str(), q.close))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("AAPL", "USD", Some(dec("102"))),
            ("MSFT", "USD", Some(dec("7.5"))),
            ("TSLA", "USD", None),
        ]
    );
    assert!(s.security_quotes(&[]).await.unwrap().is_empty());
}

async fn refresh_tokens(s: &dyn Store) {
    let ann = user(s, "ann").await;
    let bob = user(s, "bob").await;
    let family = Uuid::new_v4();
    let first = new_refresh(ann.id, family);
    let second = new_refresh(ann.id, family);
    let other_login = new_refresh(ann.id, Uuid::new_v4());
    let bobs = new_refresh(bob.id, Uuid::new_v4());
    for t in [&first, &second, &other_login, &bobs] {
        s.insert_refresh_token(t).await.unwrap();
    }
    assert_eq!(
        s.refresh_token(first.jti).await.unwrap().as_ref(),
        Some(&first)
    );
    assert_eq!(s.refresh_token(Uuid::new_v4()).await.unwrap(), None);
    assert_conflict(s.insert_refresh_token(&first).await, "pk_refresh_tokens");
    assert_conflict(
        s.insert_refresh_token(&new_refresh(Uuid::new_v4(), family))
            .await,
        "fk_refresh_tokens_user",
    );

    let when = at("2024-07-01T08:00:00.000042Z");
    assert!(s.spend_refresh_token(first.jti, when).await.unwrap());
    assert!(!s.spend_refresh_token(first.jti, when).await.unwrap());
    assert_eq!(
        s.refresh_token(first.jti).await.unwrap().unwrap().spent_at,
        Some(when)
    );
    assert!(!s.spend_refresh_token(Uuid::new_v4(), when).await.unwrap());

    assert_eq!(s.revoke_token_family(family).await.unwrap(), 2);
    assert_eq!(s.revoke_token_family(family).await.unwrap(), 0);
    assert!(s.refresh_token(second.jti).await.unwrap().unwrap().revoked);
    assert!(!s.spend_refresh_token(second.jti, when).await.unwrap());
    assert!(
        !s.refresh_token(other_login.jti)
            .await
            .unwrap()
            .unwrap()
            .revoked
    );

    assert_eq!(s.revoke_user_tokens(ann.id).await.unwrap(), 1);
    assert!(
        s.refresh_token(other_login.jti)
            .await
            .unwrap()
            .unwrap()
            .revoked
    );
    assert!(!s.refresh_token(bobs.jti).await.unwrap().unwrap().revoked);
}

async fn concurrent_spends_spend_once(s: &dyn Store) {
    let ann = user(s, "ann").await;
    for _ in 0..5 {
        let t = new_refresh(ann.id, Uuid::new_v4());
        s.insert_refresh_token(&t).await.unwrap();
        let now = finances::domain::now();
        let (a, b, c) = tokio::join!(
            s.spend_refresh_token(t.jti, now),
            s.spend_refresh_token(t.jti, now),
            s.spend_refresh_token(t.jti, now),
        );
        let wins = [a.unwrap(), b.unwrap(), c.unwrap()]
            .iter()
            .filter(|w| **w)
            .count();
        assert_eq!(wins, 1);
    }
}

async fn concurrent_writes_all_land(s: &dyn Store) {
    let ann = user(s, "ann").await;
    let acc = account(s, ann.id, "Busy").await;
    let t0 = at("2024-01-01T00:00:00Z");
    // Writers contend for the same tables at once: none may fail on a lock.
    let values = (0..40).map(|i| {
        let v = new_value(acc.id, t0 + Duration::minutes(i), "1");
        async move { s.insert_account_value(&v).await }
    });
    let syncs = (0..10).map(|i| {
        let sec = new_security(&format!("BUSY{i}"), "Busy Corp");
        let bars: Vec<PriceBar> = (0..50)
            .map(|d| bar(sec.id, Interval::D1, t0 + Duration::days(d), "1"))
            .collect();
        async move { s.save_sync(&sec, &bars).await }
    });
    let (values, syncs) = tokio::join!(
        futures::future::join_all(values),
        futures::future::join_all(syncs)
    );
    for r in values {
        r.expect("concurrent value insert");
    }
    for r in syncs {
        assert_eq!(r.expect("concurrent sync").inserted, 50);
    }
    assert_eq!(
        s.account_values(acc.id, None, None, all())
            .await
            .unwrap()
            .total,
        40
    );
    assert_eq!(s.securities(all()).await.unwrap().total, 10);
}

async fn reset_tokens(s: &dyn Store) {
    let ann = user(s, "ann").await;
    let now = at("2024-08-01T12:00:00Z");
    let live = new_reset(ann.id, "live-hash", now + Duration::minutes(30));
    let stale = new_reset(ann.id, "stale-hash", now - Duration::seconds(1));
    s.insert_reset_token(&live).await.unwrap();
    s.insert_reset_token(&stale).await.unwrap();
    assert_conflict(
        s.insert_reset_token(&new_reset(ann.id, "live-hash", now))
            .await,
        "uq_password_reset_tokens_hash",
    );
    assert_conflict(
        s.insert_reset_token(&new_reset(Uuid::new_v4(), "x", now))
            .await,
        "fk_password_reset_tokens_user",
    );

    assert_eq!(s.take_reset_token("stale-hash", now).await.unwrap(), None);
    assert_eq!(s.take_reset_token("unknown", now).await.unwrap(), None);
    // Expiry is exclusive: at the expiry instant the token no longer works.
    assert_eq!(
        s.take_reset_token("live-hash", live.expires_at)
            .await
            .unwrap(),
        None
    );
    let taken = s.take_reset_token("live-hash", now).await.unwrap().unwrap();
    assert_eq!(taken.id, live.id);
    assert_eq!(taken.user_id, ann.id);
    assert_eq!(taken.expires_at, live.expires_at);
    assert!(taken.used);
    assert_eq!(s.take_reset_token("live-hash", now).await.unwrap(), None);
}

/// Runs `write` and says which counters of the data version it raised, for `user` and for
/// market data.
async fn raised<F: std::future::Future<Output = ()>>(
    s: &dyn Store,
    user: Uuid,
    write: F,
) -> (bool, bool) {
    let before: DataVersion = s.data_version(user).await.unwrap();
    write.await;
    let after = s.data_version(user).await.unwrap();
    assert!(after.user >= before.user && after.market >= before.market);
    (after.user > before.user, after.market > before.market)
}

async fn every_write_raises_its_data_version(s: &dyn Store) {
    let alice = user(s, "alice").await;
    let bob = user(s, "bob").await;
    assert_eq!(
        s.data_version(alice.id).await.unwrap(),
        DataVersion::default()
    );
    const OWN: (bool, bool) = (true, false);
    const MARKET: (bool, bool) = (false, true);
    const NONE: (bool, bool) = (false, false);

    let mut inst = new_institution(alice.id, "Bank");
    assert_eq!(
        raised(s, alice.id, async {
            s.insert_institution(&inst).await.unwrap()
        })
        .await,
        OWN
    );
    inst.name = "Bank 2".into();
    assert_eq!(
        raised(s, alice.id, async {
            s.update_institution(&inst).await.unwrap()
        })
        .await,
        OWN
    );
    let mut acct = new_account(alice.id, "Broker", Some(inst.id));
    assert_eq!(
        raised(s, alice.id, async {
            s.insert_account(&acct).await.unwrap()
        })
        .await,
        OWN
    );
    acct.name = "Broker 2".into();
    assert_eq!(
        raised(s, alice.id, async {
            s.update_account(&acct).await.unwrap()
        })
        .await,
        OWN
    );

    let mut value = new_value(acct.id, at("2024-01-02T00:00:00Z"), "100");
    assert_eq!(
        raised(s, alice.id, async {
            s.insert_account_value(&value).await.unwrap()
        })
        .await,
        OWN
    );
    value.balance = dec("101");
    assert_eq!(
        raised(s, alice.id, async {
            s.update_account_value(&value).await.unwrap()
        })
        .await,
        OWN
    );
    assert_eq!(
        raised(s, alice.id, async {
            s.delete_account_value(value.id).await.unwrap()
        })
        .await,
        OWN
    );

    let sec = new_security("GEN", "Generation Inc.");
    assert_eq!(
        raised(s, alice.id, async {
            s.insert_security(&sec).await.unwrap()
        })
        .await,
        MARKET
    );
    let bars = [bar(sec.id, Interval::D1, at("2024-01-02T00:00:00Z"), "10")];
    assert_eq!(
        raised(s, alice.id, async {
            s.save_sync(&sec, &bars).await.map(|_| ()).unwrap()
        })
        .await,
        MARKET
    );
    let rate = ExchangeRate::new(code("USD"), code("EUR"), day("2024-01-02"), dec("0.9")).unwrap();
    assert_eq!(
        raised(s, alice.id, async { s.upsert_rate(&rate).await.unwrap() }).await,
        MARKET
    );
    let mut xts = Currency::new("XTS", "Test Units", "T", 2).unwrap();
    assert_eq!(
        raised(s, alice.id, async {
            s.insert_currency(&xts).await.unwrap()
        })
        .await,
        MARKET
    );
    xts.name = "Testing Units".into();
    assert_eq!(
        raised(s, alice.id, async {
            s.update_currency(&xts).await.unwrap()
        })
        .await,
        MARKET
    );
    assert_eq!(
        raised(s, alice.id, async {
            s.delete_currency(&xts.code).await.unwrap()
        })
        .await,
        MARKET
    );

    // The user's own row: what every answer to them is rendered for.
    let mut changed = alice.clone();
    changed.base_currency = code("EUR");
    assert_eq!(
        raised(s, alice.id, async {
            s.update_user(&changed).await.unwrap()
        })
        .await,
        OWN
    );

    let mut holding = new_holding(acct.id, sec.id, at("2024-01-03T00:00:00Z"), "5");
    assert_eq!(
        raised(s, alice.id, async {
            s.insert_holding(&holding).await.unwrap()
        })
        .await,
        OWN
    );
    holding.shares = dec("6");
    assert_eq!(
        raised(s, alice.id, async {
            s.update_holding(&holding).await.unwrap()
        })
        .await,
        OWN
    );
    assert_eq!(
        raised(s, alice.id, async {
            s.delete_holding(holding.id).await.unwrap()
        })
        .await,
        OWN
    );

    // Someone else's writes and reads of any kind leave alice's version alone.
    let bobs = account(s, bob.id, "Bob's").await;
    assert_eq!(
        raised(s, alice.id, async {
            s.insert_holding(&new_holding(
                bobs.id,
                sec.id,
                at("2024-01-03T00:00:00Z"),
                "1",
            ))
            .await
            .unwrap();
            s.accounts(alice.id, all()).await.unwrap();
            s.holdings(acct.id, false, all()).await.unwrap();
        })
        .await,
        NONE
    );

    // Deletes that cascade raise the owner's version too.
    s.insert_holding(&new_holding(
        acct.id,
        sec.id,
        at("2024-01-04T00:00:00Z"),
        "2",
    ))
    .await
    .unwrap();
    assert_eq!(
        raised(s, alice.id, async {
            s.delete_institution(inst.id).await.unwrap()
        })
        .await,
        OWN
    );
    assert_eq!(
        raised(s, alice.id, async {
            s.delete_account(acct.id).await.unwrap()
        })
        .await,
        OWN
    );
    assert_eq!(
        raised(s, bob.id, async { s.delete_user(bob.id).await.unwrap() }).await,
        OWN
    );
}

async fn a_user_is_read_with_their_data_version(s: &dyn Store) {
    let ann = user(s, "ann").await;
    assert_eq!(
        s.user_with_version(ann.id).await.unwrap(),
        Some((ann.clone(), DataVersion::default()))
    );
    let acc = account(s, ann.id, "Main").await;
    s.save_sync(&new_security("AAPL", "Apple"), &[])
        .await
        .unwrap();
    let version = s.data_version(ann.id).await.unwrap();
    assert!(version.user > 0 && version.market > 0, "{version:?}");
    assert_eq!(
        s.user_with_version(ann.id).await.unwrap(),
        Some((ann.clone(), version))
    );
    s.delete_account(acc.id).await.unwrap();
    let (_, after) = s.user_with_version(ann.id).await.unwrap().unwrap();
    assert!(after.user > version.user);
    assert_eq!(s.user_with_version(Uuid::new_v4()).await.unwrap(), None);
}

async fn leases_admit_one_holder_at_a_time(s: &dyn Store) {
    use std::time::Duration as Span;
    let long = Span::from_secs(60);
    let (a, b, c) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let ann = user(s, "ann").await;
    let before = s.data_version(ann.id).await.unwrap();

    assert!(s.acquire_lease("sync:AAPL", a, long).await.unwrap());
    assert!(!s.acquire_lease("sync:AAPL", b, long).await.unwrap());
    // Another name is another lease.
    assert!(s.acquire_lease("sync:MSFT", b, long).await.unwrap());
    // The holder renews its own.
    assert!(s.acquire_lease("sync:AAPL", a, long).await.unwrap());
    // Only the holder ends it; ending one not held, or twice, is harmless.
    s.release_lease("sync:AAPL", b).await.unwrap();
    assert!(!s.acquire_lease("sync:AAPL", b, long).await.unwrap());
    s.release_lease("sync:AAPL", a).await.unwrap();
    s.release_lease("sync:AAPL", a).await.unwrap();
    s.release_lease("sync:NOTHING", a).await.unwrap();
    assert!(s.acquire_lease("sync:AAPL", b, long).await.unwrap());

    // A lease whose time ran out (its holder died) is free; its old holder cannot renew it.
    // A second of life: a busy machine may take more than a tenth between two statements.
    assert!(s
        .acquire_lease("sync:SHORT", a, Span::from_secs(1))
        .await
        .unwrap());
    assert!(!s.acquire_lease("sync:SHORT", c, long).await.unwrap());
    tokio::time::sleep(Span::from_millis(1500)).await;
    assert!(s.acquire_lease("sync:SHORT", c, long).await.unwrap());
    assert!(!s.acquire_lease("sync:SHORT", a, long).await.unwrap());

    // Holders asking at once: exactly one gets it.
    for round in 0..5 {
        let name = format!("sync:RACE{round}");
        let holders: Vec<Uuid> = (0..6).map(|_| Uuid::new_v4()).collect();
        let won =
            futures::future::join_all(holders.iter().map(|h| s.acquire_lease(&name, *h, long)))
                .await;
        let wins = won.into_iter().filter(|w| *w.as_ref().unwrap()).count();
        assert_eq!(wins, 1, "{name}");
    }

    // Leases are no data: no version moves.
    assert_eq!(s.data_version(ann.id).await.unwrap(), before);
}

// ---- activities ----------------------------------------------------------------------------

fn new_activity(account_id: Uuid, kind: ActivityType, date: &str) -> Activity {
    let now = finances::domain::now();
    Activity {
        id: Uuid::new_v4(),
        account_id,
        activity_type: kind,
        date: day(date),
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
        created_at: now,
        updated_at: now,
    }
}

fn buy(account_id: Uuid, security_id: Uuid, date: &str, quantity: &str, price: &str) -> Activity {
    Activity {
        security_id: Some(security_id),
        quantity: Some(dec(quantity)),
        unit_price: Some(dec(price)),
        fee: Some(dec("1.5")),
        currency: "GBp".into(),
        fx_rate: Some(dec("0.0123456789")),
        notes: Some("first lot".into()),
        external_id: Some(format!("broker-{date}")),
        ..new_activity(account_id, ActivityType::Buy, date)
    }
}

async fn activities_round_trip_in_replay_order(s: &dyn Store) {
    let alice = user(s, "alice").await;
    let acc = account(s, alice.id, "Broker").await;
    let sec = security(s, "VOD.L").await;
    let split = Activity {
        security_id: Some(sec.id),
        split_ratio: Some(SplitRatio::parse("3:2").unwrap()),
        ..new_activity(acc.id, ActivityType::Split, "2024-03-01")
    };
    let later = buy(acc.id, sec.id, "2024-02-01", "10", "123.456789");
    let earlier = buy(
        acc.id,
        sec.id,
        "2024-01-15",
        "0.000001",
        "12345678901234.56789",
    );
    let deposit = Activity {
        amount: Some(dec("1000")),
        ..new_activity(acc.id, ActivityType::Deposit, "2024-01-15")
    };
    s.insert_activities(&[
        split.clone(),
        later.clone(),
        earlier.clone(),
        deposit.clone(),
    ])
    .await
    .unwrap();

    assert_eq!(s.activity(later.id).await.unwrap(), Some(later.clone()));
    assert_eq!(s.activity(split.id).await.unwrap(), Some(split.clone()));
    let replay = s.account_activities(acc.id).await.unwrap();
    let dates: Vec<_> = replay.iter().map(|a| a.date).collect();
    assert_eq!(
        dates,
        [
            day("2024-01-15"),
            day("2024-01-15"),
            day("2024-02-01"),
            day("2024-03-01")
        ]
    );
    // Across the user's accounts: by account, each in the same order as its own ledger.
    let other = account(s, alice.id, "Other").await;
    let elsewhere = Activity {
        amount: Some(dec("5")),
        ..new_activity(other.id, ActivityType::Deposit, "2023-12-01")
    };
    s.insert_activities(std::slice::from_ref(&elsewhere))
        .await
        .unwrap();
    let all = s.user_activities(alice.id).await.unwrap();
    let (first, second) = if acc.id < other.id {
        (replay.clone(), vec![elsewhere])
    } else {
        (vec![elsewhere], replay.clone())
    };
    assert_eq!(all, [first, second].concat());
    let bob = user(s, "bob").await;
    assert!(s.user_activities(bob.id).await.unwrap().is_empty());
    assert_eq!(
        s.activity_by_external_id(acc.id, "broker-2024-02-01")
            .await
            .unwrap(),
        Some(later)
    );
    assert_eq!(
        s.activity_by_external_id(acc.id, "nothing").await.unwrap(),
        None
    );
}

async fn activities_filter_and_paginate(s: &dyn Store) {
    let alice = user(s, "alice").await;
    let acc = account(s, alice.id, "Broker").await;
    let sec = security(s, "AAPL").await;
    let mut rows = Vec::new();
    for (i, date) in ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]
        .iter()
        .enumerate()
    {
        let mut a = buy(acc.id, sec.id, date, "1", "100");
        if i % 2 == 1 {
            a = Activity {
                security_id: None,
                quantity: None,
                unit_price: None,
                fee: None,
                fx_rate: None,
                amount: Some(dec("50")),
                activity_type: ActivityType::Deposit,
                ..a
            };
        }
        rows.push(a);
    }
    s.insert_activities(&rows).await.unwrap();

    let everything = s
        .activities(acc.id, &ActivityFilter::default(), all())
        .await
        .unwrap();
    assert_eq!(everything.total, 4);
    let second = s
        .activities(acc.id, &ActivityFilter::default(), page(1, 2))
        .await
        .unwrap();
    assert_eq!(second.total, 4);
    assert_eq!(
        second.items.iter().map(|a| a.date).collect::<Vec<_>>(),
        [day("2024-02-01"), day("2024-03-01")]
    );
    let filter = ActivityFilter {
        start: Some(day("2024-02-01")),
        end: Some(day("2024-03-31")),
        activity_type: Some(ActivityType::Buy),
        security_id: Some(sec.id),
    };
    let found = s.activities(acc.id, &filter, all()).await.unwrap();
    assert_eq!(found.total, 1);
    assert_eq!(found.items[0].date, day("2024-03-01"));
}

async fn activity_batches_are_all_or_nothing(s: &dyn Store) {
    let alice = user(s, "alice").await;
    let acc = account(s, alice.id, "Broker").await;
    let sec = security(s, "AAPL").await;
    let first = buy(acc.id, sec.id, "2024-01-01", "1", "100");
    s.insert_activities(std::slice::from_ref(&first))
        .await
        .unwrap();
    // The second row reuses the first's external id: neither row of the batch is kept.
    let fresh = buy(acc.id, sec.id, "2024-01-02", "1", "100");
    let clash = Activity {
        id: Uuid::new_v4(),
        ..first.clone()
    };
    let err = s
        .insert_activities(&[fresh.clone(), clash])
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(ref rule) if rule == "uq_activities_account_external_id"),
        "{err:?}"
    );
    assert_eq!(s.activity(fresh.id).await.unwrap(), None);
    // An unknown security names its foreign key.
    let orphan = buy(acc.id, Uuid::new_v4(), "2024-01-03", "1", "100");
    let err = s.insert_activities(&[orphan]).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(ref rule) if rule == "fk_activities_security"),
        "{err:?}"
    );
    assert_eq!(s.account_activities(acc.id).await.unwrap(), vec![first]);
}

async fn activities_update_delete_and_raise_the_version(s: &dyn Store) {
    let alice = user(s, "alice").await;
    let acc = account(s, alice.id, "Broker").await;
    let sec = security(s, "AAPL").await;
    let mut a = buy(acc.id, sec.id, "2024-01-01", "1", "100");
    assert_eq!(
        raised(s, alice.id, async {
            s.insert_activities(std::slice::from_ref(&a)).await.unwrap()
        })
        .await,
        (true, false)
    );
    a.quantity = Some(dec("2.5"));
    a.external_id = None;
    a.notes = None;
    a.date = day("2023-12-31");
    assert_eq!(
        raised(s, alice.id, async { s.update_activity(&a).await.unwrap() }).await,
        (true, false)
    );
    assert_eq!(s.activity(a.id).await.unwrap(), Some(a.clone()));
    assert_eq!(
        raised(s, alice.id, async {
            s.delete_activity(a.id).await.unwrap()
        })
        .await,
        (true, false)
    );
    assert_eq!(s.activity(a.id).await.unwrap(), None);
    assert!(matches!(
        s.delete_activity(a.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.update_activity(&a).await,
        Err(StoreError::NotFound)
    ));
    // Deleting the account takes its activities with it.
    let b = buy(acc.id, sec.id, "2024-01-01", "1", "100");
    s.insert_activities(std::slice::from_ref(&b)).await.unwrap();
    s.delete_account(acc.id).await.unwrap();
    assert_eq!(s.activity(b.id).await.unwrap(), None);
}

/// Each account's counter moves with every write to its own activities, holdings and values,
/// and with nothing written to another account or to the account's row itself.
async fn an_accounts_own_version_is_raised_by_its_rows_only(s: &dyn Store) {
    let alice = user(s, "alice").await;
    let bob = user(s, "bob").await;
    let (one, two) = (
        account(s, alice.id, "One").await,
        account(s, alice.id, "Two").await,
    );
    let bobs = account(s, bob.id, "Bob's").await;
    let sec = security(s, "AAPL").await;
    let versions = || async {
        let mut v = s.account_versions(alice.id).await.unwrap();
        v.sort();
        let of = |id: Uuid| v.iter().find(|(a, _)| *a == id).map(|(_, n)| *n);
        (of(one.id), of(two.id), of(bobs.id))
    };
    // Nothing written to either yet: both listed at 0; another user's account is not listed.
    assert_eq!(versions().await, (Some(0), Some(0), None));

    let mut a = buy(one.id, sec.id, "2024-01-01", "1", "100");
    s.insert_activities(std::slice::from_ref(&a)).await.unwrap();
    assert_eq!(versions().await, (Some(1), Some(0), None));
    a.quantity = Some(dec("2"));
    s.update_activity(&a).await.unwrap();
    let (after_update, untouched, _) = versions().await;
    assert!(after_update > Some(1));
    assert_eq!(untouched, Some(0));

    s.insert_holding(&new_holding(
        two.id,
        sec.id,
        at("2024-01-02T00:00:00Z"),
        "3",
    ))
    .await
    .unwrap();
    let (same, raised_two, _) = versions().await;
    assert_eq!(same, after_update);
    assert!(raised_two > Some(0));

    s.insert_account_value(&new_value(two.id, at("2024-01-03T00:00:00Z"), "10"))
        .await
        .unwrap();
    let (_, again, _) = versions().await;
    assert!(again > raised_two);

    // Another user's writes and the account's own row leave the counters alone.
    let before = versions().await;
    s.insert_activities(&[buy(bobs.id, sec.id, "2024-01-01", "1", "100")])
        .await
        .unwrap();
    let mut renamed = one.clone();
    renamed.name = "One renamed".into();
    s.update_account(&renamed).await.unwrap();
    assert_eq!(versions().await, before);

    s.delete_activity(a.id).await.unwrap();
    let (after_delete, ..) = versions().await;
    assert!(after_delete > before.0);
}
