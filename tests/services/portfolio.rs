//! The portfolio service as both front ends use it: owner isolation, market values in the
//! account's currency (minor units and exchange rates included), net worth.

use std::str::FromStr;
use std::sync::Arc;

use chrono::{Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use finances::domain::valuation::Missing;
use finances::domain::{
    self, AccountType, CurrencyCode, ExchangeRate, Interval, NewAccount, NewInstitution,
    NewSecurity, PageRequest, PriceBar, Security, SecurityType, Symbol, User,
};
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
    other_users_resources_are_not_found,
    market_value_converts_minor_units_and_currencies,
    a_missing_rate_is_unknown_never_one_to_one,
    an_unpriced_holding_is_left_out_and_named,
    net_worth_subtracts_liabilities,
    rules_that_need_the_account,
);

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

use crate::support::offline::{services, user};

fn code(c: &str) -> CurrencyCode {
    CurrencyCode::parse(c).unwrap()
}

async fn account(s: &Services, u: &User, name: &str, t: AccountType, cur: &str, inv: bool) -> Uuid {
    let new = NewAccount::new(name, t, code(cur), None, inv, None).unwrap();
    s.portfolio.create_account(u, new).await.unwrap().id
}

/// A stored security with one daily close per given price, the newest today.
async fn security_with_closes(
    store: &dyn Store,
    symbol: &str,
    unit: &str,
    closes: &[&str],
) -> Security {
    let now = domain::now();
    let sec = NewSecurity {
        symbol: Symbol::parse(symbol).unwrap(),
        name: format!("{symbol} plc"),
        exchange: Some("LSE".into()),
        currency: unit.into(),
        security_type: SecurityType::Equity,
        sector: None,
        industry: None,
        market_cap: None,
    }
    .into_security(Uuid::new_v4(), now);
    store.insert_security(&sec).await.unwrap();
    let day0 = now - Duration::days(closes.len() as i64 - 1);
    let bars: Vec<PriceBar> = closes
        .iter()
        .enumerate()
        .map(|(i, c)| PriceBar {
            security_id: sec.id,
            interval: Interval::D1,
            timestamp: domain::truncate_micros(day0 + Duration::days(i as i64)),
            open: dec(c),
            high: dec(c),
            low: dec(c),
            close: dec(c),
            adj_close: Some(dec(c)),
            volume: 1000,
        })
        .collect();
    store.save_sync(&sec, &bars).await.unwrap();
    sec
}

async fn other_users_resources_are_not_found(store: Arc<dyn Store>) {
    let s = services(store.clone());
    let ann = user(&s, "ann").await;
    let bob = user(&s, "bob").await;
    let inst = s
        .portfolio
        .create_institution(&ann, NewInstitution::new("Ann's bank", None).unwrap())
        .await
        .unwrap();
    let acct = account(&s, &ann, "Brokerage", AccountType::Brokerage, "USD", true).await;
    let value = s
        .portfolio
        .create_value(&ann, acct, dec("100"), Some(dec("5")), None)
        .await
        .unwrap();
    let sec = security_with_closes(store.as_ref(), "AAA", "USD", &["10"]).await;
    let holding = s
        .portfolio
        .create_holding(
            &ann,
            acct,
            SecurityRef::Id(sec.id),
            dec("2"),
            dec("9"),
            None,
        )
        .await
        .unwrap();

    let nf = |r: Result<_, ServiceError>| matches!(r, Err(ServiceError::NotFound { .. }));
    assert!(nf(s.portfolio.institution(&bob, inst.id).await.map(|_| ())));
    assert!(nf(s.portfolio.delete_institution(&bob, inst.id).await));
    assert!(nf(s.portfolio.account(&bob, acct).await.map(|_| ())));
    assert!(nf(s.portfolio.delete_account(&bob, acct).await));
    assert!(nf(s
        .portfolio
        .value(&bob, acct, value.id)
        .await
        .map(|_| ())));
    assert!(nf(s
        .portfolio
        .holding(&bob, acct, holding.holding.id)
        .await
        .map(|_| ())));
    assert!(nf(s
        .portfolio
        .create_value(&bob, acct, dec("1"), Some(dec("1")), None)
        .await
        .map(|_| ())));
    // Bob may not link his account to Ann's institution either.
    let sneaky = NewAccount::new(
        "x",
        AccountType::Cash,
        code("USD"),
        Some(inst.id),
        false,
        None,
    )
    .unwrap();
    assert!(nf(s
        .portfolio
        .create_account(&bob, sneaky)
        .await
        .map(|_| ())));
    assert_eq!(
        s.portfolio
            .accounts(&bob, PageRequest::default())
            .await
            .unwrap()
            .total,
        0
    );
    assert!(s.portfolio.positions(&bob).await.unwrap().is_empty());
    // Ann still has everything.
    assert_eq!(s.portfolio.positions(&ann).await.unwrap().len(), 1);
}

async fn market_value_converts_minor_units_and_currencies(store: Arc<dyn Store>) {
    let s = services(store.clone());
    let ann = user(&s, "ann").await;
    let sec = security_with_closes(store.as_ref(), "OCDO.L", "GBp", &["240", "250"]).await;
    let gbp = account(&s, &ann, "ISA", AccountType::Brokerage, "GBP", true).await;
    let usd = account(&s, &ann, "US broker", AccountType::Brokerage, "USD", true).await;
    let today = Utc::now().date_naive();
    store
        .upsert_rate(&ExchangeRate::new(code("GBP"), code("USD"), today, dec("1.25")).unwrap())
        .await
        .unwrap();
    for acct in [gbp, usd] {
        s.portfolio
            .create_holding(
                &ann,
                acct,
                SecurityRef::Symbol(sec.symbol.clone()),
                dec("10"),
                dec("200"),
                None,
            )
            .await
            .unwrap();
    }
    // 10 shares at 250p = 25 GBP = 31.25 USD.
    let in_gbp = s.portfolio.account_summary(&ann, gbp).await.unwrap();
    assert_eq!(in_gbp.complete_market_value(), Some(dec("25")));
    let in_usd = s.portfolio.account_summary(&ann, usd).await.unwrap();
    assert_eq!(in_usd.complete_market_value(), Some(dec("31.25")));

    let view = &s.portfolio.positions(&ann).await.unwrap()[0];
    assert_eq!(view.valuation.market_price, Some(dec("250")));
    assert_eq!(view.valuation.unrealized_gain, Some(dec("500")));
    assert_eq!(view.valuation.unrealized_gain_pct, Some(dec("25.00")));
    assert_eq!(view.day_change(), Some(dec("10")));
}

async fn an_unpriced_holding_is_left_out_and_named(store: Arc<dyn Store>) {
    let s = services(store.clone());
    let ann = user(&s, "ann").await;
    let aapl = security_with_closes(store.as_ref(), "AAPL", "USD", &["190", "200"]).await;
    // MSFT is stored but has no close yet (added before its first sync).
    let msft = security_with_closes(store.as_ref(), "MSFT", "USD", &[]).await;
    let acct = account(&s, &ann, "Broker", AccountType::Brokerage, "USD", true).await;
    for (sec, shares) in [(&aapl, "10"), (&msft, "5")] {
        s.portfolio
            .create_holding(
                &ann,
                acct,
                SecurityRef::Id(sec.id),
                dec(shares),
                dec("150"),
                None,
            )
            .await
            .unwrap();
    }
    // 10 AAPL at 200 = 2,000 counted; 5 MSFT (cost 750) left out, not 0 and not at cost.
    let summary = s.portfolio.account_summary(&ann, acct).await.unwrap();
    assert_eq!(summary.market_value, dec("2000"));
    assert_eq!(summary.complete_market_value(), None);
    assert_eq!(
        summary.missing,
        vec![Missing::price(acct, msft.symbol.clone())]
    );
    let overview = s.portfolio.overview(&ann).await.unwrap();
    assert_eq!(overview.net_worth.net(), dec("2000"));
    assert_eq!(overview.worth_base.get(&acct), Some(&dec("2000")));
    assert_eq!(overview.groups[0].total_base, dec("2000"));
    assert!(!overview.complete());
    assert_eq!(
        finances::domain::valuation::describe_missing(&overview.missing),
        "MSFT unpriced"
    );
}

async fn a_missing_rate_is_unknown_never_one_to_one(store: Arc<dyn Store>) {
    let s = services(store.clone());
    let ann = user(&s, "ann").await;
    let sec = security_with_closes(store.as_ref(), "SAP.DE", "EUR", &["100"]).await;
    let acct = account(&s, &ann, "Broker", AccountType::Brokerage, "USD", true).await;
    s.portfolio
        .create_holding(
            &ann,
            acct,
            SecurityRef::Id(sec.id),
            dec("1"),
            dec("90"),
            None,
        )
        .await
        .unwrap();
    let summary = s.portfolio.account_summary(&ann, acct).await.unwrap();
    // Left out and named, never 1:1: nothing counted, SAP.DE listed as unconverted.
    assert_eq!(summary.complete_market_value(), None);
    assert_eq!(summary.market_value, Decimal::ZERO);
    assert_eq!(
        summary.missing,
        vec![Missing::fx(acct, code("EUR"), Some(sec.symbol.clone()))]
    );
    let jpy = account(&s, &ann, "Yen cash", AccountType::Cash, "JPY", false).await;
    s.portfolio
        .create_value(&ann, jpy, dec("100000"), None, None)
        .await
        .unwrap();
    let overview = s.portfolio.overview(&ann).await.unwrap();
    assert!(
        overview
            .missing
            .contains(&Missing::fx(jpy, code("JPY"), None)),
        "{:?}",
        overview.missing
    );
    assert_eq!(overview.net_worth.net(), Decimal::ZERO);
    let err =
        s.fx.convert(
            &code("JPY"),
            &code("USD"),
            dec("1"),
            Some(NaiveDate::from_ymd_opt(2024, 1, 2).unwrap()),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound { .. }), "{err:?}");
}

async fn net_worth_subtracts_liabilities(store: Arc<dyn Store>) {
    let s = services(store);
    let ann = user(&s, "ann").await;
    let bank = s
        .portfolio
        .create_institution(
            &ann,
            NewInstitution::new("Big Bank", Some("https://bank.example")).unwrap(),
        )
        .await
        .unwrap();
    let new = NewAccount::new(
        "Checking",
        AccountType::Checking,
        code("USD"),
        Some(bank.id),
        false,
        None,
    )
    .unwrap();
    let checking = s.portfolio.create_account(&ann, new).await.unwrap().id;
    let mortgage = account(&s, &ann, "Mortgage", AccountType::Mortgage, "USD", false).await;
    let old = Utc::now() - Duration::days(3);
    s.portfolio
        .create_value(&ann, checking, dec("50"), None, Some(old))
        .await
        .unwrap();
    s.portfolio
        .create_value(&ann, checking, dec("1000.50"), None, None)
        .await
        .unwrap();
    s.portfolio
        .create_value(&ann, mortgage, dec("300"), None, None)
        .await
        .unwrap();

    let o = s.portfolio.overview(&ann).await.unwrap();
    assert_eq!(o.net_worth.assets, dec("1000.50"));
    assert_eq!(o.net_worth.liabilities, dec("300"));
    assert_eq!(o.net_worth.net(), dec("700.50"));
    let bank_group = o.groups.iter().find(|g| g.institution.is_some()).unwrap();
    assert_eq!(bank_group.accounts.len(), 1);
    assert_eq!(bank_group.accounts[0].current_balance, Some(dec("1000.50")));
    let unlinked = o.groups.iter().find(|g| g.institution.is_none()).unwrap();
    assert_eq!(unlinked.accounts[0].account.name, "Mortgage");
}

async fn rules_that_need_the_account(store: Arc<dyn Store>) {
    let s = services(store.clone());
    let ann = user(&s, "ann").await;
    let sec = security_with_closes(store.as_ref(), "BBB", "USD", &["1"]).await;
    let checking = account(&s, &ann, "Checking", AccountType::Checking, "USD", false).await;
    let err = s
        .portfolio
        .create_holding(
            &ann,
            checking,
            SecurityRef::Id(sec.id),
            dec("1"),
            dec("1"),
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ServiceError::BadRequest { message: m, .. } if m.contains("investment accounts")),
        "{err:?}"
    );
    let broker = account(&s, &ann, "Broker", AccountType::Brokerage, "USD", true).await;
    let err = s
        .portfolio
        .create_value(&ann, broker, dec("1"), None, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ServiceError::BadRequest { message: m, .. } if m.contains("cash_balance")),
        "{err:?}"
    );
    let at = Utc::now();
    s.portfolio
        .create_value(&ann, checking, dec("1"), None, Some(at))
        .await
        .unwrap();
    let dup = s
        .portfolio
        .create_value(&ann, checking, dec("2"), None, Some(at))
        .await
        .unwrap_err();
    assert!(matches!(dup, ServiceError::Conflict(_)), "{dup:?}");
    let bad = NewAccount::new("", AccountType::Cash, code("USD"), None, false, None);
    assert!(bad.is_err());
    let unknown_currency =
        NewAccount::new("X", AccountType::Cash, code("XXZ"), None, false, None).unwrap();
    assert!(matches!(
        s.portfolio.create_account(&ann, unknown_currency).await,
        Err(ServiceError::NotFound { .. })
    ));
}
