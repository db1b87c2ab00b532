//! Backups through the service on both stores: a user with every kind of row exported,
//! restored into an empty store of the other kind and exported again gives the same bytes;
//! a restore that cannot be done whole stores nothing.

use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use finances::demo;
use finances::domain::ledger::{Activity, ActivityType, CostBasisMethod, SplitRatio};
use finances::domain::security_event::{CorporateAction, SecurityEvent};
use finances::domain::{
    Account, AccountType, AccountValue, Currency, CurrencyCode, Email, ExchangeRate, Holding,
    Interval, PriceBar, Security, SecurityType, Symbol, User, Username,
};
use finances::market::OfflineMarket;
use finances::service::backup::{self, Backup, BackupError, Passphrase};
use finances::service::Services;
use finances::store::testing::{self, TestStore};
use finances::store::Store;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("test decimal")
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("test time")
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn services(store: Arc<dyn Store>) -> Services {
    Services::new(store, Arc::new(OfflineMarket))
}

/// A user with a row of every kind (the demo portfolio, and what it lacks added: splits and
/// dividends, a dismissed proposal, a currency of its own, amounts at the edges of what the
/// stores hold, text outside ASCII), and a second user whose rows a backup must leave out.
async fn filled(store: &Arc<dyn Store>) -> User {
    let summary = demo::generate(store, 7, demo::reference_today())
        .await
        .expect("demo portfolio");
    let user = summary.user;
    let at_micros = at("2024-03-05T06:07:08.123456Z");

    let gold = Currency::new("XAU", "Gold (troy ounce)", "oz", 4).unwrap();
    store.insert_currency(&gold).await.unwrap();
    let rates: Vec<ExchangeRate> = (1..=3)
        .map(|d| {
            ExchangeRate::new(
                CurrencyCode::parse("XAU").unwrap(),
                CurrencyCode::usd(),
                day(&format!("2024-03-0{d}")),
                dec(&format!("2150.123456789{d}")),
            )
            .unwrap()
        })
        .collect();
    store.upsert_rates(&rates).await.unwrap();

    let vault = Account {
        id: Uuid::new_v4(),
        user_id: user.id,
        institution_id: None,
        name: "Tresor \u{1F4B0} Zürich".into(),
        account_type: AccountType::Other,
        currency: CurrencyCode::parse("XAU").unwrap(),
        is_investment_account: true,
        interest_rate: Some(dec("0.01")),
        cost_basis_method: CostBasisMethod::Average,
        created_at: at_micros,
        updated_at: at("2024-03-06T00:00:00.000001Z"),
    };
    store.insert_account(&vault).await.unwrap();
    for (i, balance) in ["0.0000000001", "999999999999999999.9999999999", "-42"]
        .into_iter()
        .enumerate()
    {
        store
            .insert_account_value(&AccountValue {
                id: Uuid::new_v4(),
                account_id: vault.id,
                timestamp: at(&format!("2024-0{}-01T12:00:00.00000{i}Z", i + 1)),
                balance: dec(balance),
                cash_balance: (i == 1).then(|| dec("-0.5")),
                created_at: at_micros,
                updated_at: at_micros,
            })
            .await
            .unwrap();
    }

    let bar = Security {
        id: Uuid::new_v4(),
        symbol: Symbol::parse("GLDBAR").unwrap(),
        name: "Gold bar \"1 oz\"".into(),
        exchange: None,
        currency: "XAU".into(),
        security_type: SecurityType::Other,
        sector: None,
        industry: Some("Metals".into()),
        market_cap: None,
        last_synced_at: Some(at_micros),
        created_at: at_micros,
        updated_at: at_micros,
    };
    store.insert_security(&bar).await.unwrap();
    let bars: Vec<PriceBar> = (1..=5)
        .map(|d| PriceBar {
            security_id: bar.id,
            interval: Interval::D1,
            timestamp: at(&format!("2024-03-0{d}T21:00:00Z")),
            open: dec("1.5"),
            high: dec("1.75"),
            low: dec("1.25"),
            close: dec(&format!("1.{d}")),
            adj_close: (d % 2 == 0).then(|| dec("1.1")),
            volume: 10 * d,
        })
        .collect();
    store.save_sync(&bar, &bars).await.unwrap();
    store
        .save_events(&[
            SecurityEvent {
                security_id: bar.id,
                date: day("2024-03-02"),
                action: CorporateAction::Split {
                    new: dec("3"),
                    old: dec("2"),
                },
            },
            SecurityEvent {
                security_id: bar.id,
                date: day("2024-03-04"),
                action: CorporateAction::Dividend {
                    amount: dec("0.0125"),
                    currency: Some("XAU".into()),
                },
            },
        ])
        .await
        .unwrap();
    store
        .insert_holding(&Holding {
            id: Uuid::new_v4(),
            account_id: vault.id,
            security_id: bar.id,
            shares: dec("12.3456789012"),
            average_price: dec("0.0000000001"),
            timestamp: at_micros,
            created_at: at_micros,
            updated_at: at_micros,
        })
        .await
        .unwrap();
    let activity = |kind: ActivityType, date: &str| Activity {
        id: Uuid::new_v4(),
        account_id: vault.id,
        activity_type: kind,
        date: day(date),
        security_id: None,
        quantity: None,
        unit_price: None,
        amount: None,
        fee: None,
        currency: "XAU".into(),
        fx_rate: None,
        split_ratio: None,
        notes: None,
        external_id: None,
        created_at: at_micros,
        updated_at: at_micros,
    };
    store
        .insert_activities(&[
            Activity {
                amount: Some(dec("100")),
                notes: Some("first deposit, «quoted»\nand on two lines".into()),
                external_id: Some("ext-1".into()),
                ..activity(ActivityType::Deposit, "2024-03-01")
            },
            Activity {
                security_id: Some(bar.id),
                quantity: Some(dec("10")),
                unit_price: Some(dec("1.5")),
                fee: Some(dec("0.01")),
                fx_rate: Some(dec("1")),
                ..activity(ActivityType::Buy, "2024-03-01")
            },
            Activity {
                security_id: Some(bar.id),
                split_ratio: Some(SplitRatio::parse("3:2").unwrap()),
                ..activity(ActivityType::Split, "2024-03-02")
            },
        ])
        .await
        .unwrap();
    store
        .dismiss_proposal(vault.id, Uuid::new_v4(), at_micros)
        .await
        .unwrap();

    // Someone else on the same store, holding one of the same securities.
    let other = User {
        id: Uuid::new_v4(),
        email: Email::parse("other@example.com").unwrap(),
        username: Username::parse("other").unwrap(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        is_active: true,
        is_superuser: false,
        base_currency: CurrencyCode::parse("EUR").unwrap(),
        created_at: at_micros,
        updated_at: at_micros,
    };
    store.insert_user(&other).await.unwrap();
    let theirs = Account {
        id: Uuid::new_v4(),
        user_id: other.id,
        name: "Theirs".into(),
        ..vault.clone()
    };
    store.insert_account(&theirs).await.unwrap();
    store
        .insert_holding(&Holding {
            id: Uuid::new_v4(),
            account_id: theirs.id,
            security_id: bar.id,
            shares: dec("1"),
            average_price: dec("1"),
            timestamp: at_micros,
            created_at: at_micros,
            updated_at: at_micros,
        })
        .await
        .unwrap();
    user
}

async fn export(store: &Arc<dyn Store>, user: &User) -> Vec<u8> {
    services(store.clone())
        .backup
        .export(user)
        .await
        .expect("export")
        .to_json()
}

async fn restore(store: &Arc<dyn Store>, bytes: &[u8]) -> Result<(), BackupError> {
    let backup = Backup::from_json(bytes)?;
    services(store.clone()).backup.restore(&backup).await?;
    Ok(())
}

/// Exported from `source`, restored into `other` (empty), exported again: the same bytes.
async fn round_trip(source: TestStore, other: TestStore) {
    let (source, other) = (source.store(), other.store());
    let user = filled(&source).await;
    let first = export(&source, &user).await;

    let backup = Backup::from_json(&first).unwrap();
    let counts = backup.counts();
    assert!(
        counts.institutions > 0
            && counts.accounts > 0
            && counts.account_values > 0
            && counts.holdings > 0
            && counts.activities > 0
            && counts.proposal_dismissals > 0
            && counts.securities > 0
            && counts.prices > 0
            && counts.security_events > 0
            && counts.exchange_rates > 0,
        "a row of every kind: {counts:?}"
    );
    let text = String::from_utf8(first.clone()).unwrap();
    assert!(text.starts_with("{\"format\":\"finances-backup\",\"version\":1,\n"));
    assert!(!text.contains("Theirs") && !text.contains("other@example.com"));
    assert!(text.contains("\"balance\":\"999999999999999999.9999999999\""));
    assert!(text.contains("\"created_at\":\"2024-03-05T06:07:08.123456Z\""));
    assert!(text.contains("\"code\":\"XAU\""));

    restore(&other, &first).await.expect("restore");
    let restored = other
        .user(user.id)
        .await
        .unwrap()
        .expect("the user is back");
    assert_eq!(restored, user);
    let second = export(&other, &user).await;
    assert!(first == second, "{}", first_difference(&first, &second));
}

fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    match a.lines().zip(b.lines()).find(|(x, y)| x != y) {
        Some((x, y)) => format!("first different line:\n  {x}\n  {y}"),
        None => format!("{} lines against {}", a.lines().count(), b.lines().count()),
    }
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_postgres),
    ignore = "needs PostgreSQL: set FINANCES_TEST_DATABASE_URL"
)]
async fn sqlite_to_postgres_gives_the_same_export() {
    round_trip(testing::sqlite().await, testing::postgres().await).await;
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_postgres),
    ignore = "needs PostgreSQL: set FINANCES_TEST_DATABASE_URL"
)]
async fn postgres_to_sqlite_gives_the_same_export() {
    round_trip(testing::postgres().await, testing::sqlite().await).await;
}

#[tokio::test]
async fn sqlite_to_sqlite_gives_the_same_export() {
    round_trip(testing::sqlite().await, testing::sqlite().await).await;
}

/// A restore into `target` that must be refused: it is, and nothing of the target changes.
async fn refused_with_nothing_changed(
    target: &Arc<dyn Store>,
    watched: &User,
    bytes: &[u8],
) -> BackupError {
    let before = export(target, watched).await;
    let version = target.data_version(watched.id).await.unwrap();
    let users = target
        .users(finances::domain::PageRequest::all())
        .await
        .unwrap()
        .total;
    let err = restore(target, bytes).await.expect_err("refused");
    assert_eq!(export(target, watched).await, before);
    assert_eq!(target.data_version(watched.id).await.unwrap(), version);
    assert_eq!(
        target
            .users(finances::domain::PageRequest::all())
            .await
            .unwrap()
            .total,
        users
    );
    err
}

async fn a_store_holding_the_user_is_refused(t: TestStore) {
    let store = t.store();
    let user = filled(&store).await;
    let bytes = export(&store, &user).await;
    let err = refused_with_nothing_changed(&store, &user, &bytes).await;
    assert!(matches!(err, BackupError::UserExists { .. }), "{err}");
    assert!(err.to_string().contains("already holds"), "{err}");

    // Another user of the same username, on a store otherwise without the backup's user.
    let empty = testing::sqlite().await;
    let empty = empty.store();
    let namesake = User {
        id: Uuid::new_v4(),
        email: Email::parse("namesake@example.com").unwrap(),
        ..user.clone()
    };
    empty.insert_user(&namesake).await.unwrap();
    let err = refused_with_nothing_changed(&empty, &namesake, &bytes).await;
    assert!(err.to_string().contains("a user named 'demo'"), "{err}");
}

#[tokio::test]
async fn sqlite_refuses_a_store_holding_the_user() {
    a_store_holding_the_user_is_refused(testing::sqlite().await).await;
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_postgres),
    ignore = "needs PostgreSQL: set FINANCES_TEST_DATABASE_URL"
)]
async fn postgres_refuses_a_store_holding_the_user() {
    a_store_holding_the_user_is_refused(testing::postgres().await).await;
}

/// A backup whose rows break a rule of the store halfway through its restore: nothing of it
/// is stored, the shared market data included.
async fn a_failed_restore_stores_nothing(target: TestStore) {
    let source = testing::sqlite().await;
    let source = source.store();
    let user = filled(&source).await;
    let text = String::from_utf8(export(&source, &user).await).unwrap();
    // The last activity twice: the store refuses the second insert of its id.
    let start = text.find("\n\"activities\":[\n").unwrap();
    let end = start + text[start..].find("\n]").unwrap();
    let last_line = text[..end].rsplit('\n').next().unwrap();
    let doubled = format!("{},\n{last_line}{}", &text[..end], &text[end..]);
    let target = target.store();
    let err = restore(&target, doubled.as_bytes())
        .await
        .expect_err("refused");
    assert!(matches!(err, BackupError::Conflict { .. }), "{err}");
    assert!(target.user(user.id).await.unwrap().is_none());
    let stored = target
        .securities(finances::domain::PageRequest::all())
        .await
        .unwrap();
    assert_eq!(stored.total, 0, "no security was kept");
    assert!(target
        .currency(&CurrencyCode::parse("XAU").unwrap())
        .await
        .unwrap()
        .is_none());
    // And the same backup without the double goes in; writes raise the version again after
    // both the refused restore and this one.
    restore(&target, text.as_bytes()).await.expect("restore");
    let before = target.data_version(user.id).await.unwrap();
    let account = source
        .accounts(user.id, finances::domain::PageRequest::all())
        .await
        .unwrap();
    let mut value = target
        .account_values(
            account.items[0].id,
            None,
            None,
            finances::domain::PageRequest::all(),
        )
        .await
        .unwrap()
        .items
        .pop()
        .expect("a value");
    value.balance += Decimal::ONE;
    target.update_account_value(&value).await.unwrap();
    assert!(target.data_version(user.id).await.unwrap().user > before.user);
}

#[tokio::test]
async fn sqlite_stores_nothing_of_a_failed_restore() {
    a_failed_restore_stores_nothing(testing::sqlite().await).await;
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_postgres),
    ignore = "needs PostgreSQL: set FINANCES_TEST_DATABASE_URL"
)]
async fn postgres_stores_nothing_of_a_failed_restore() {
    a_failed_restore_stores_nothing(testing::postgres().await).await;
}

#[tokio::test]
async fn restored_data_starts_past_every_version_seen_before() {
    let source = testing::sqlite().await;
    let source = source.store();
    let user = filled(&source).await;
    let bytes = export(&source, &user).await;
    let target = testing::sqlite().await;
    let target = target.store();
    let before = finances::domain::now().timestamp_micros();
    restore(&target, &bytes).await.unwrap();
    let version = target.data_version(user.id).await.unwrap();
    assert!(
        version.user >= before && version.market >= before,
        "{version:?}"
    );
    let source_version = source.data_version(user.id).await.unwrap();
    assert!(version.user > source_version.user && version.market > source_version.market);
}

#[tokio::test]
async fn an_encrypted_backup_opens_with_its_passphrase_only() {
    let source = testing::sqlite().await;
    let source = source.store();
    let user = filled(&source).await;
    let plain = export(&source, &user).await;
    let pass = |s: &str| Passphrase::new(s.to_string()).unwrap();
    let sealed = backup::seal(&plain, &pass("a long and secret phrase")).unwrap();
    assert!(backup::is_encrypted(&sealed));
    assert!(!String::from_utf8_lossy(&sealed).contains("\"username\""));
    let err = backup::open(&sealed, &pass("another phrase")).unwrap_err();
    assert!(matches!(err, BackupError::WrongPassphrase), "{err}");
    let opened = backup::open(&sealed, &pass("a long and secret phrase")).unwrap();
    assert_eq!(opened, plain);
    let target = testing::sqlite().await;
    restore(&target.store(), &opened).await.unwrap();
}

#[tokio::test]
async fn other_files_and_versions_are_refused_by_name() {
    let source = testing::sqlite().await;
    let source = source.store();
    let user = filled(&source).await;
    let text = String::from_utf8(export(&source, &user).await).unwrap();
    let target = testing::sqlite().await;
    let target = target.store();

    let newer = text.replacen("\"version\":1,", "\"version\":2,", 1);
    let err = restore(&target, newer.as_bytes()).await.unwrap_err();
    assert!(matches!(err, BackupError::UnsupportedVersion(_)), "{err}");
    assert!(err.to_string().contains("version 2"), "{err}");

    let other = text.replacen("finances-backup", "something-else", 1);
    let err = restore(&target, other.as_bytes()).await.unwrap_err();
    assert!(err.to_string().contains("'something-else'"), "{err}");
    for junk in ["", "[1, 2]", "not json at all", "{\"version\": 1}"] {
        let err = restore(&target, junk.as_bytes()).await.unwrap_err();
        assert!(matches!(err, BackupError::NotABackup(_)), "{junk}: {err}");
    }

    // A field the format does not have, and an amount the stores could not hold exactly.
    let extra = text.replacen("\"is_active\":", "\"nickname\":\"x\",\"is_active\":", 1);
    let err = restore(&target, extra.as_bytes()).await.unwrap_err();
    assert!(err.to_string().contains("at user"), "{err}");
    let precise = text.replacen("\"balance\":\"-42\"", "\"balance\":\"-42.00000000001\"", 1);
    let err = restore(&target, precise.as_bytes()).await.unwrap_err();
    assert!(err.to_string().contains("account_values["), "{err}");
    assert!(err.to_string().contains("10 decimal places"), "{err}");

    // An account given to someone else.
    let foreign = text.replacen(
        &format!("\"user_id\":\"{}\"", user.id),
        &format!("\"user_id\":\"{}\"", Uuid::new_v4()),
        1,
    );
    let err = restore(&target, foreign.as_bytes()).await.unwrap_err();
    assert!(matches!(err, BackupError::Inconsistent(_)), "{err}");
    assert!(err.to_string().contains("another user"), "{err}");

    assert_eq!(
        target
            .users(finances::domain::PageRequest::all())
            .await
            .unwrap()
            .total,
        0
    );
}

#[tokio::test]
async fn a_security_stored_under_another_id_is_refused() {
    let source = testing::sqlite().await;
    let source = source.store();
    let user = filled(&source).await;
    let bytes = export(&source, &user).await;
    let target = testing::sqlite().await;
    let target = target.store();
    let now = finances::domain::now();
    let namesake = Security {
        id: Uuid::new_v4(),
        symbol: Symbol::parse("GLDBAR").unwrap(),
        name: "Another gold bar".into(),
        exchange: None,
        currency: "USD".into(),
        security_type: SecurityType::Other,
        sector: None,
        industry: None,
        market_cap: None,
        last_synced_at: None,
        created_at: now,
        updated_at: now,
    };
    target.insert_security(&namesake).await.unwrap();
    let err = restore(&target, &bytes).await.unwrap_err();
    assert!(err.to_string().contains("GLDBAR"), "{err}");
    assert!(target.user(user.id).await.unwrap().is_none());
}
