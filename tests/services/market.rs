//! The security and exchange-rate services over a real store and a local stand-in for Yahoo,
//! answering with the small responses in `assets/yahoo`.

use crate::support;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, TimeZone, Utc};
use finances::domain::{CurrencyCode, ExchangeRate, Interval, SecurityType, Symbol};
use finances::market::{self, CacheSettings, QuoteRefusal, QuoteSource};
use finances::service::fx::FxService;
use finances::service::securities::{DataCompleteness, SecurityService, SyncTiming};
use finances::service::{Entity, ServiceError};
use finances::store::{testing, Store};
use rust_decimal::Decimal;
use support::yahoo::{asset, fixture, fixtures_dir, FakeYahoo, Reply};

const CHART: &str = "/v8/finance/chart/TEST";

fn sym(s: &str) -> Symbol {
    Symbol::parse(s).unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn cur(s: &str) -> CurrencyCode {
    CurrencyCode::parse(s).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A fake Yahoo that knows TEST, and the services over `store`.
async fn setup(store: Arc<dyn Store>) -> (FakeYahoo, SecurityService, FxService) {
    let yahoo = FakeYahoo::start().await;
    yahoo.route(CHART, Reply::json(asset("chart_TEST_1d_history.json")));
    yahoo.route(
        "/v10/finance/quoteSummary/TEST",
        Reply::json(asset("quoteSummary_TEST.json")),
    );
    yahoo.route("/v7/finance/quote", Reply::json(asset("quote_TEST.json")));
    let market = market::connect(yahoo.settings(), &CacheSettings::default()).unwrap();
    (
        yahoo,
        SecurityService::new(store.clone(), market.clone()),
        FxService::new(store, market),
    )
}

#[tokio::test]
async fn lookup_creates_from_yahoo_once() {
    let db = testing::sqlite().await;
    let (yahoo, securities, _) = setup(db.store()).await;
    let s = securities.get_or_fetch(&sym("test")).await.unwrap();
    assert_eq!(s.symbol.as_str(), "TEST");
    assert_eq!(s.name, "Test Industries Inc.");
    assert_eq!(s.currency, "USD");
    assert_eq!(s.exchange.as_deref(), Some("NMS"));
    assert_eq!(s.security_type, SecurityType::Equity);
    assert_eq!(s.sector.as_deref(), Some("Industrials"));
    assert_eq!(s.industry.as_deref(), Some("Specialty Machinery"));
    assert_eq!(s.market_cap, Some(dec("12345678900")));
    // Stored: the second lookup asks nobody.
    let again = securities.get_or_fetch(&sym("TEST")).await.unwrap();
    assert_eq!(again.id, s.id);
    assert_eq!(yahoo.hits("/v10/finance/quoteSummary/TEST"), 1);
    assert_eq!(
        db.security_by_symbol(&sym("TEST"))
            .await
            .unwrap()
            .unwrap()
            .id,
        s.id
    );

    yahoo.route(
        "/v10/finance/quoteSummary/NOPE",
        Reply::json(asset("quoteSummary_not_found.json")).status(404),
    );
    let err = securities.get_or_fetch(&sym("NOPE")).await.unwrap_err();
    assert!(matches!(err, ServiceError::NotFound { .. }), "{err:?}");
    assert!(db.security_by_symbol(&sym("NOPE")).await.unwrap().is_none());
}

#[tokio::test]
async fn lookup_falls_back_to_the_chart_when_the_session_is_refused() {
    let db = testing::sqlite().await;
    let (yahoo, securities, _) = setup(db.store()).await;
    yahoo.route(
        "/v1/test/getcrumb",
        Reply::with_status(429, "text/plain", "Too Many Requests"),
    );
    let s = securities.get_or_fetch(&sym("TEST")).await.unwrap();
    assert_eq!(s.name, "Test Industries Inc.");
    assert_eq!(s.currency, "USD");
    assert_eq!(s.sector, None);
}

#[tokio::test]
async fn yahoo_down_is_unavailable() {
    let db = testing::sqlite().await;
    let (yahoo, securities, _) = setup(db.store()).await;
    yahoo.route(
        "/v10/finance/quoteSummary/DOWN",
        Reply::with_status(503, "text/html", "<html>down</html>"),
    );
    yahoo.route(
        "/v8/finance/chart/DOWN",
        Reply::with_status(503, "text/html", "<html>down</html>"),
    );
    let err = securities.get_or_fetch(&sym("DOWN")).await.unwrap_err();
    assert!(matches!(err, ServiceError::Unavailable { .. }), "{err:?}");
    // Retried: 1 + 2 attempts each.
    assert_eq!(yahoo.hits("/v8/finance/chart/DOWN"), 3);
}

#[tokio::test]
async fn search_merges_stored_and_yahoo() {
    let db = testing::sqlite().await;
    let (yahoo, securities, _) = setup(db.store()).await;
    securities.get_or_fetch(&sym("TEST")).await.unwrap();
    yahoo.route("/v1/finance/search", Reply::json(asset("search_test.json")));

    let found = securities.search("test", 10).await.unwrap();
    let rows: Vec<(&str, bool)> = found
        .results
        .iter()
        .map(|r| (r.symbol.as_str(), r.in_database))
        .collect();
    assert_eq!(rows, vec![("TEST", true), ("TSTA", false), ("TETF", false)]);
    assert!(found.yahoo_error.is_none());

    let limited = securities.search("test", 2).await.unwrap();
    assert_eq!(limited.results.len(), 2);

    yahoo.route(
        "/v1/finance/search",
        Reply::with_status(500, "text/plain", "oops"),
    );
    let stored_only = securities.search("indus", 10).await.unwrap();
    assert_eq!(stored_only.results.len(), 1);
    assert_eq!(stored_only.results[0].symbol.as_str(), "TEST");
    assert!(stored_only.yahoo_error.is_some());

    assert!(matches!(
        securities.search("  ", 10).await,
        Err(ServiceError::BadRequest { .. })
    ));
}

async fn sync_twice_adds_nothing(store: Arc<dyn Store>) {
    let (yahoo, securities, _) = setup(store.clone()).await;
    let first = securities.sync(&sym("TEST")).await.unwrap();
    // 10 days, one with null prices.
    assert_eq!(first.prices_synced, 9);
    assert_eq!(first.prices_added, 9);
    assert!(first.full_history);
    assert!(first.security.last_synced_at.is_some());
    let id = first.security.id;
    assert_eq!(store.count_prices(id, Interval::D1).await.unwrap(), 9);
    let q = &yahoo.seen(CHART)[0].query;
    assert_eq!(q.get("range").map(String::as_str), Some("max"));

    let before = store.prices(id, Interval::D1, None, None).await.unwrap();
    let second = securities.sync(&sym("TEST")).await.unwrap();
    assert_eq!(second.prices_added, 0);
    assert!(!second.full_history);
    assert_eq!(store.count_prices(id, Interval::D1).await.unwrap(), 9);
    assert_eq!(
        store.prices(id, Interval::D1, None, None).await.unwrap(),
        before
    );
    // Incremental: from a week before the newest stored bar (2024-01-15), fresh from Yahoo
    // although the first answer was cached.
    let seen = yahoo.seen(CHART);
    assert_eq!(seen.len(), 2);
    let period1: i64 = seen[1].query["period1"].parse().unwrap();
    assert_eq!(
        Utc.timestamp_opt(period1, 0).unwrap().date_naive(),
        day(2024, 1, 8)
    );

    // New days arrive, an overlapping close was corrected.
    yahoo.route(CHART, Reply::json(asset("chart_TEST_1d_recent.json")));
    let third = securities.sync(&sym("TEST")).await.unwrap();
    assert_eq!(third.prices_added, 2);
    assert_eq!(third.prices_synced, 5);
    assert_eq!(store.count_prices(id, Interval::D1).await.unwrap(), 11);
    let bars = store.prices(id, Interval::D1, None, None).await.unwrap();
    let jan15 = Utc.with_ymd_and_hms(2024, 1, 15, 0, 0, 0).unwrap();
    let corrected = bars.iter().find(|b| b.timestamp == jan15).unwrap();
    assert_eq!(corrected.close, dec("107.4"));
    // Never a zero, and 150.1 stays 150.1.
    assert!(bars.iter().all(|b| !b.close.is_zero()));
    assert!(bars.iter().any(|b| b.close == dec("150.1")));
}

#[tokio::test]
async fn second_sync_adds_no_rows_sqlite() {
    let db = testing::sqlite().await;
    sync_twice_adds_nothing(db.store()).await;
}

async fn failed_sync_keeps_prices(store: Arc<dyn Store>) {
    let (yahoo, securities, _) = setup(store.clone()).await;
    let first = securities.sync(&sym("TEST")).await.unwrap();
    let id = first.security.id;
    let before = store.prices(id, Interval::D1, None, None).await.unwrap();
    let meta_before = store.security(id).await.unwrap().unwrap();

    // Yahoo breaks off mid-answer.
    let body = asset("chart_TEST_1d_recent.json");
    yahoo.route(CHART, Reply::json(&body[..body.len() / 2]));
    let err = securities.sync(&sym("TEST")).await.unwrap_err();
    assert!(matches!(err, ServiceError::Unavailable { .. }), "{err:?}");
    assert_eq!(
        store.prices(id, Interval::D1, None, None).await.unwrap(),
        before
    );
    assert_eq!(store.security(id).await.unwrap().unwrap(), meta_before);
    assert!(!securities.is_syncing(&sym("TEST")));
}

#[tokio::test]
async fn failed_sync_keeps_prices_sqlite() {
    let db = testing::sqlite().await;
    failed_sync_keeps_prices(db.store()).await;
}

/// Two syncs of one symbol at once in one process: one fetches, the other waits for it and
/// answers with what it stored.
async fn concurrent_syncs_fetch_once(store: Arc<dyn Store>) {
    let (yahoo, securities, _) = setup(store.clone()).await;
    yahoo.route(
        CHART,
        Reply::json(asset("chart_TEST_1d_history.json")).delay(Duration::from_millis(300)),
    );
    let running = {
        let s = securities.clone();
        tokio::spawn(async move { s.sync(&sym("TEST")).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(securities.is_syncing(&sym("TEST")));
    let second = securities.sync(&sym("TEST")).await.unwrap();
    let first = running.await.unwrap().unwrap();
    assert_eq!(first.prices_synced, 9);
    assert_eq!(second.prices_synced, 0);
    assert_eq!(
        second.message,
        "Prices of TEST were synced just now by another request"
    );
    assert_eq!(second.security.id, first.security.id);
    assert_eq!(
        second.security.last_synced_at,
        first.security.last_synced_at
    );
    assert_eq!(yahoo.hits(CHART), 1);
    assert!(!securities.is_syncing(&sym("TEST")));
    assert_eq!(
        store
            .count_prices(first.security.id, Interval::D1)
            .await
            .unwrap(),
        9
    );
}

#[tokio::test]
async fn concurrent_syncs_fetch_once_sqlite() {
    let db = testing::sqlite().await;
    concurrent_syncs_fetch_once(db.store()).await;
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_postgres),
    ignore = "needs PostgreSQL: set FINANCES_TEST_DATABASE_URL"
)]
async fn concurrent_syncs_fetch_once_postgres() {
    let db = testing::postgres().await;
    concurrent_syncs_fetch_once(db.store()).await;
}

#[tokio::test]
async fn a_sync_still_running_after_the_wait_is_a_conflict() {
    let db = testing::sqlite().await;
    let (yahoo, securities, _) = setup(db.store()).await;
    let securities = securities.with_sync_timing(SyncTiming {
        wait: Duration::from_millis(200),
        ..SyncTiming::default()
    });
    yahoo.route(
        CHART,
        Reply::json(asset("chart_TEST_1d_history.json")).delay(Duration::from_millis(1200)),
    );
    let running = {
        let s = securities.clone();
        tokio::spawn(async move { s.sync(&sym("TEST")).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let asked = tokio::time::Instant::now();
    let err = securities.sync(&sym("TEST")).await.unwrap_err();
    assert!(
        matches!(&err, ServiceError::Conflict(m) if m == "Sync already in progress for 'TEST'"),
        "{err:?}"
    );
    // It waited its turn first.
    assert!(asked.elapsed() >= Duration::from_millis(200));
    assert!(running.await.unwrap().is_ok());
    assert_eq!(yahoo.hits(CHART), 1);
    // The lease is released: the next sync runs.
    securities.sync(&sym("TEST")).await.unwrap();
    assert_eq!(yahoo.hits(CHART), 2);
}

/// Two processes on one SQLite file (the terminal UI and `finances sync`, say): each has its
/// own store handle and its own cache of Yahoo's answers, and only the file in common.
async fn two_processes_on(url: &str, yahoo: &FakeYahoo) -> (SecurityService, SecurityService) {
    let mut services = Vec::new();
    for _ in 0..2 {
        let store = finances::store::open(url).await.unwrap();
        let market = market::connect(yahoo.settings(), &CacheSettings::default()).unwrap();
        services.push(SecurityService::new(store, market));
    }
    let b = services.pop().unwrap();
    (services.pop().unwrap(), b)
}

#[tokio::test]
async fn processes_sharing_a_sqlite_file_sync_a_symbol_once() {
    let db = testing::sqlite().await;
    let (yahoo, _, _) = setup(db.store()).await;
    yahoo.route(
        CHART,
        Reply::json(asset("chart_TEST_1d_history.json")).delay(Duration::from_millis(300)),
    );
    let (a, b) = two_processes_on(db.url(), &yahoo).await;
    let test = sym("TEST");
    let (ra, rb) = tokio::join!(a.sync(&test), b.sync(&test));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(yahoo.hits(CHART), 1, "one upstream fetch for both");
    let mut counts = [ra.prices_synced, rb.prices_synced];
    counts.sort();
    assert_eq!(counts, [0, 9]);
    assert_eq!(ra.security.id, rb.security.id);
    assert_eq!(
        db.count_prices(ra.security.id, Interval::D1).await.unwrap(),
        9
    );
}

#[tokio::test]
async fn a_waiting_process_syncs_itself_when_the_running_sync_fails() {
    let db = testing::sqlite().await;
    let (yahoo, _, _) = setup(db.store()).await;
    let body = asset("chart_TEST_1d_history.json");
    yahoo.route_seq(
        CHART,
        &[],
        vec![
            // Cut off mid-answer: unreadable, not retried.
            Reply::json(&body[..body.len() / 2]).delay(Duration::from_millis(300)),
            Reply::json(body.clone()),
        ],
    );
    let (a, b) = two_processes_on(db.url(), &yahoo).await;
    let first = {
        let a = a.clone();
        tokio::spawn(async move { a.sync(&sym("TEST")).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let asked = tokio::time::Instant::now();
    let second = b.sync(&sym("TEST")).await.unwrap();
    // It waited for the first to fail (at 300 ms) before fetching itself.
    assert!(asked.elapsed() >= Duration::from_millis(150));
    assert!(first.await.unwrap().is_err());
    assert_eq!(second.prices_synced, 9);
    assert_eq!(yahoo.hits(CHART), 2);
}

async fn zero_prices_are_never_stored(store: Arc<dyn Store>) {
    let (yahoo, securities, _) = setup(store.clone()).await;
    // No profile: described from the chart.
    yahoo.route(
        "/v10/finance/quoteSummary/FUND",
        Reply::with_status(503, "text/plain", "unavailable"),
    );
    yahoo.route(
        "/v8/finance/chart/FUND",
        Reply::json(asset("chart_FUND_1d_zero_prices.json")),
    );
    let report = securities.sync(&sym("FUND")).await.unwrap();
    assert_eq!(report.security.security_type, SecurityType::MutualFund);
    let bars = store
        .prices(report.security.id, Interval::D1, None, None)
        .await
        .unwrap();
    let t = |d| Utc.with_ymd_and_hms(2024, 1, d, 0, 0, 0).unwrap();
    let rows: Vec<_> = bars
        .iter()
        .map(|b| (b.timestamp, b.open, b.high, b.low, b.close, b.adj_close))
        .collect();
    // Zero or null open, high and low repaired from the bar's other prices; the bar of the
    // 5th, with a zero close, skipped; a zero adjusted close is none.
    let (a, b, c, d) = (dec("10.5"), dec("10.75"), dec("10.25"), dec("10.9"));
    assert_eq!(
        rows,
        vec![
            (t(2), a, a, a, a, Some(a)),
            (t(3), b, b, b, b, Some(b)),
            (t(4), c, b, c, a, None),
            (t(8), d, dec("11"), d, d, Some(d)),
        ]
    );
    assert_eq!(report.prices_synced, 4);
}

#[tokio::test]
async fn zero_prices_are_never_stored_sqlite() {
    let db = testing::sqlite().await;
    zero_prices_are_never_stored(db.store()).await;
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_postgres),
    ignore = "needs PostgreSQL: set FINANCES_TEST_DATABASE_URL"
)]
async fn zero_prices_are_never_stored_postgres() {
    let db = testing::postgres().await;
    zero_prices_are_never_stored(db.store()).await;
}

#[tokio::test]
async fn prices_with_completeness() {
    let db = testing::sqlite().await;
    let (_yahoo, securities, _) = setup(db.store()).await;
    securities.sync(&sym("TEST")).await.unwrap();
    let t = |d| Some(Utc.with_ymd_and_hms(2024, 1, d, 0, 0, 0).unwrap());

    let all = securities
        .prices(&sym("TEST"), Interval::D1, t(2), t(15))
        .await
        .unwrap();
    // 10 weekdays, 9 bars (one was null at Yahoo).
    assert_eq!(all.bars.len(), 9);
    assert_eq!(all.completeness, DataCompleteness::Complete);
    assert_eq!(all.actual_start, t(2));
    assert_eq!(all.actual_end, t(15));
    assert_eq!(all.requested_start, t(2));

    let wider = securities
        .prices(&sym("TEST"), Interval::D1, t(2), t(31))
        .await
        .unwrap();
    assert_eq!(wider.completeness, DataCompleteness::Sparse);

    let none = securities
        .prices(&sym("TEST"), Interval::D1, t(20), t(31))
        .await
        .unwrap();
    assert_eq!(none.completeness, DataCompleteness::Empty);
    assert!(none.actual_start.is_none());

    let err = securities
        .prices(&sym("ZZZZ"), Interval::D1, None, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ServiceError::NotFound { message: m, .. } if m == "Security with symbol 'ZZZZ' not found")
    );
    assert!(matches!(
        securities
            .prices(&sym("TEST"), Interval::D1, t(15), t(2))
            .await,
        Err(ServiceError::BadRequest { .. })
    ));
}

#[tokio::test]
async fn key_figures_from_the_quote() {
    let db = testing::sqlite().await;
    let (_yahoo, securities, _) = setup(db.store()).await;
    let k = securities.key_figures(&sym("TEST")).await.unwrap();
    assert_eq!(k.price, Some(dec("107.3")));
    assert_eq!(k.day_change, Some(dec("1.1")));
    assert_eq!(k.fifty_two_week_high, Some(dec("150.1")));
    assert_eq!(k.fifty_two_week_low, Some(dec("90.25")));
    assert_eq!(k.market_cap, Some(dec("12345678900")));
    assert_eq!(k.source, QuoteSource::QuoteService);
    assert_eq!(k.source.partial_reason(), None);
}

/// Quotes refused (the crumb rate limited, then the session refused): the figures come from
/// the daily chart, say so and why, and the day's change is against the previous daily bar.
#[tokio::test]
#[cfg_attr(
    not(finances_test_yahoo_fixtures),
    ignore = "needs the recorded Yahoo responses: set FINANCES_YAHOO_FIXTURES"
)]
async fn key_figures_from_the_chart_are_partial_and_say_why() {
    let dir = fixtures_dir();
    let db = testing::sqlite().await;
    let (yahoo, securities, _) = setup(db.store()).await;
    yahoo.route(
        "/v8/finance/chart/AAPL",
        Reply::json(fixture(&dir, "chart_AAPL_1d_1mo.json")),
    );
    yahoo.route(
        "/v1/test/getcrumb",
        Reply::with_status(
            429,
            "text/plain",
            fixture(&dir, "error_getcrumb_429_too_many_requests.txt"),
        ),
    );
    let k = securities.key_figures(&sym("AAPL")).await.unwrap();
    assert_eq!(k.source, QuoteSource::Chart(QuoteRefusal::RateLimited));
    assert_eq!(
        k.source.partial_reason().as_deref(),
        Some("quote service refused: rate limited; figures from the chart")
    );
    assert_eq!(k.price, Some(dec("293.257")));
    // The bar of 2026-05-07, the day before the price's; not chartPreviousClose (258.9), the
    // close before the chart's whole range.
    assert_eq!(k.previous_close, Some(dec("287.44")));
    assert_eq!(k.day_change, Some(dec("5.817")));
    assert_eq!(
        k.day_change_percent.map(|p| p.round_dp(2)),
        Some(dec("2.02"))
    );
    assert_eq!(k.market_cap, None);
    assert!(k.source.market_cap_missing_reason().is_some());
    assert_eq!(yahoo.hits("/v7/finance/quote"), 0);

    yahoo.route(
        "/v1/test/getcrumb",
        Reply::with_status(401, "text/plain", "Unauthorized"),
    );
    let k = securities.key_figures(&sym("AAPL")).await.unwrap();
    assert_eq!(k.source, QuoteSource::Chart(QuoteRefusal::SessionRefused));
    assert_eq!(
        k.source.partial_reason().as_deref(),
        Some("quote service refused: session refused; figures from the chart")
    );

    // An unknown symbol stays unknown: no figures from anywhere.
    yahoo.route("/v1/test/getcrumb", Reply::text(support::yahoo::CRUMB));
    yahoo.route(
        "/v7/finance/quote",
        Reply::json(fixture(&dir, "quote_unknown_symbol_empty.json")),
    );
    let err = securities.key_figures(&sym("GS2C")).await.unwrap_err();
    assert!(matches!(err, ServiceError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn rates_sync_and_convert() {
    let db = testing::sqlite().await;
    let (yahoo, _, fx) = setup(db.store()).await;
    yahoo.route(
        "/v8/finance/chart/USDEUR=X",
        Reply::json(asset("chart_EURUSD_X_1d.json")),
    );
    yahoo.route(
        "/v8/finance/chart/USDGBP=X",
        Reply::json(asset("chart_GBPUSD_X_1d.json")),
    );
    let report = fx
        .sync_rates(
            &cur("USD"),
            &[cur("EUR"), cur("GBP"), cur("JPY")],
            Some(day(2024, 1, 8)),
        )
        .await
        .unwrap();
    assert_eq!(report.synced_count, 2);
    assert_eq!(report.failed_count, 1);
    assert_eq!(report.failures[0].0, cur("JPY"));
    let again = fx
        .sync_rates(&cur("USD"), &[cur("EUR")], Some(day(2024, 1, 8)))
        .await
        .unwrap();
    assert_eq!(again.synced_count, 1);
    let history = db.rate_history(&cur("USD"), &cur("EUR")).await.unwrap();
    assert_eq!(history.len(), 4, "a second sync updates, never duplicates");

    // Latest on or before the date: Saturday the 6th uses Friday the 5th.
    let c = fx
        .convert(&cur("USD"), &cur("EUR"), dec("100"), Some(day(2024, 1, 6)))
        .await
        .unwrap();
    assert_eq!(c.rate, dec("1.0942"));
    assert_eq!(c.converted, dec("109.42"));
    let table = fx.rates(&cur("USD"), Some(day(2024, 1, 4))).await.unwrap();
    assert_eq!(table.rates[&cur("EUR")], dec("1.0945"));
    assert_eq!(table.rates[&cur("GBP")], dec("1.2695"));
    assert!(matches!(
        fx.rates(&cur("USD"), Some(day(2023, 12, 1))).await,
        Err(ServiceError::NotFound { .. })
    ));
}

#[tokio::test]
async fn conversion_rules() {
    let db = testing::sqlite().await;
    let (_yahoo, _, fx) = setup(db.store()).await;
    let put = |from: &str, to: &str, d: u32, rate: &str| {
        ExchangeRate::new(cur(from), cur(to), day(2024, 3, d), dec(rate)).unwrap()
    };
    for r in [
        put("USD", "EUR", 1, "0.9"),
        put("USD", "EUR", 10, "0.8"),
        put("GBP", "USD", 5, "1.25"),
    ] {
        db.upsert_rate(&r).await.unwrap();
    }
    let on = |d| Some(day(2024, 3, d));

    // Latest on or before the date.
    let c = fx
        .convert(&cur("USD"), &cur("EUR"), dec("10"), on(9))
        .await
        .unwrap();
    assert_eq!(c.rate, dec("0.9"));
    let c = fx
        .convert(&cur("USD"), &cur("EUR"), dec("10"), on(12))
        .await
        .unwrap();
    assert_eq!(c.rate, dec("0.8"));
    assert_eq!(c.converted, dec("8"));
    // Inverse of a stored rate.
    let c = fx
        .convert(&cur("EUR"), &cur("USD"), dec("8"), on(12))
        .await
        .unwrap();
    assert_eq!(c.rate, dec("1.25"));
    assert_eq!(c.converted, dec("10"));
    // Cross through USD: 1 GBP = 1.25 USD = 1.0 EUR.
    let c = fx
        .convert(&cur("GBP"), &cur("EUR"), dec("100"), on(12))
        .await
        .unwrap();
    assert_eq!(c.rate, dec("1"));
    assert_eq!(c.converted, dec("100"));
    // Same currency.
    let c = fx
        .convert(&cur("JPY"), &cur("JPY"), dec("5"), on(12))
        .await
        .unwrap();
    assert_eq!(c.rate, Decimal::ONE);
    // No rate: an error, never 1:1.
    let err = fx
        .convert(&cur("USD"), &cur("JPY"), dec("5"), on(12))
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound { .. }), "{err:?}");
    let err = fx
        .convert(&cur("USD"), &cur("EUR"), dec("5"), Some(day(2024, 2, 1)))
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_postgres),
    ignore = "needs PostgreSQL: set FINANCES_TEST_DATABASE_URL"
)]
async fn second_sync_adds_no_rows_postgres() {
    let db = testing::postgres().await;
    sync_twice_adds_nothing(db.store()).await;
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_postgres),
    ignore = "needs PostgreSQL: set FINANCES_TEST_DATABASE_URL"
)]
async fn failed_sync_keeps_prices_postgres() {
    let db = testing::postgres().await;
    failed_sync_keeps_prices(db.store()).await;
}

/// A write that fails after the first bars were written leaves every bar as it was: the
/// sync is one transaction. PostgreSQL refuses a price beyond NUMERIC(28,10) on the last bar.
#[tokio::test]
#[cfg_attr(
    not(finances_test_postgres),
    ignore = "needs PostgreSQL: set FINANCES_TEST_DATABASE_URL"
)]
async fn sync_failing_mid_write_rolls_back_postgres() {
    let db = testing::postgres().await;
    let store = db.store();
    let (yahoo, securities, _) = setup(store.clone()).await;
    let id = securities.sync(&sym("TEST")).await.unwrap().security.id;
    let before = store.prices(id, Interval::D1, None, None).await.unwrap();
    let meta_before = store.security(id).await.unwrap().unwrap();

    yahoo.route(CHART, Reply::json(asset("chart_TEST_1d_out_of_range.json")));
    assert!(securities.sync(&sym("TEST")).await.is_err());
    assert_eq!(
        store.prices(id, Interval::D1, None, None).await.unwrap(),
        before
    );
    assert_eq!(store.security(id).await.unwrap().unwrap(), meta_before);
}

/// A stored security that no one has synced yet.
async fn unsynced(store: &dyn Store, symbol: &str) -> finances::domain::Security {
    let security = finances::domain::NewSecurity {
        symbol: sym(symbol),
        name: format!("{symbol} Inc."),
        exchange: None,
        currency: "USD".into(),
        security_type: SecurityType::Equity,
        sector: None,
        industry: None,
        market_cap: None,
    }
    .into_security(sym(symbol).derived_id(), finances::domain::now());
    store.insert_security(&security).await.unwrap();
    security
}

/// "Sync everything" as the `S` key and `finances sync` run it: each held security in symbol
/// order with its progress told, one failing without stopping the other, then the rates the
/// user's accounts need against the base currency (USD): EUR synced, GBP unknown to Yahoo.
async fn sync_all_tells_progress_and_reports_each_item(store: Arc<dyn Store>) {
    use finances::domain::{AccountType, Email, NewAccount, Password, Username};
    use finances::service::portfolio::SecurityRef;
    use finances::service::securities::SyncProgress;
    use finances::service::{sync, Services};
    use std::sync::Mutex;

    let (yahoo, _, _) = setup(store.clone()).await;
    yahoo.route(
        "/v8/finance/chart/USDEUR=X",
        Reply::json(asset("chart_EURUSD_X_1d.json")),
    );
    // Nothing answers for GONE nor USDGBP=X: Yahoo's 404.
    let market = market::connect(yahoo.settings(), &CacheSettings::default()).unwrap();
    let s = Services::new(store.clone(), market);
    let user = s
        .users
        .register(
            Email::parse("sync@example.com").unwrap(),
            Username::parse("syncer").unwrap(),
            Password::parse("long enough password").unwrap(),
            false,
        )
        .await
        .unwrap();
    let account = |name: &str, kind: AccountType, currency: &str, investment: bool| {
        NewAccount::new(name, kind, cur(currency), None, investment, None).unwrap()
    };
    let depot = s
        .portfolio
        .create_account(&user, account("Depot", AccountType::Brokerage, "EUR", true))
        .await
        .unwrap();
    s.portfolio
        .create_account(&user, account("Pounds", AccountType::Cash, "GBP", false))
        .await
        .unwrap();
    for symbol in ["TEST", "GONE"] {
        let security = unsynced(store.as_ref(), symbol).await;
        s.portfolio
            .create_holding(
                &user,
                depot.id,
                SecurityRef::Id(security.id),
                dec("1"),
                dec("100"),
                None,
            )
            .await
            .unwrap();
    }
    // Held by no one: not synced.
    unsynced(store.as_ref(), "IDLE").await;

    let told = Mutex::new(Vec::new());
    let progress = |p: SyncProgress| told.lock().unwrap().push(p);
    let report = sync::sync_all(&s.securities, &s.fx, &progress)
        .await
        .unwrap();

    assert_eq!(
        told.into_inner().unwrap(),
        [
            SyncProgress::Started { total: 2 },
            SyncProgress::Finished {
                symbol: sym("GONE"),
                ok: false
            },
            SyncProgress::Finished {
                symbol: sym("TEST"),
                ok: true
            },
        ]
    );
    let symbols: Vec<&str> = report.securities.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(symbols, ["GONE", "TEST"]);
    let failed: Vec<_> = report.failed_securities().collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].0, &sym("GONE"));
    assert!(
        matches!(failed[0].1, ServiceError::NotFound { .. }),
        "{:?}",
        failed[0].1
    );
    // The recorded history: ten days, one of them without a close.
    let test = report.securities[1].1.as_ref().unwrap();
    assert_eq!((test.prices_synced, test.prices_added), (9, 9));
    assert!(yahoo.seen("/v8/finance/chart/IDLE").is_empty());

    assert_eq!(report.rates.len(), 1);
    let usd = &report.rates[0];
    assert_eq!(usd.base, cur("USD"));
    assert_eq!(usd.targets, [cur("EUR"), cur("GBP")]);
    let rates = usd.result.as_ref().unwrap();
    assert_eq!(rates.synced_count, 1);
    assert_eq!(rates.failures.len(), 1);
    assert_eq!(rates.failures[0].0, cur("GBP"));
    assert_eq!(report.failed_rates(), 1);
    assert!(!store
        .rate_history(&cur("USD"), &cur("EUR"))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn sync_all_tells_progress_and_reports_each_item_sqlite() {
    let db = testing::sqlite().await;
    sync_all_tells_progress_and_reports_each_item(db.store()).await;
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_postgres),
    ignore = "needs PostgreSQL: set FINANCES_TEST_DATABASE_URL"
)]
async fn sync_all_tells_progress_and_reports_each_item_postgres() {
    let db = testing::postgres().await;
    sync_all_tells_progress_and_reports_each_item(db.store()).await;
}

/// The chart of a range over the recorded history (2 to 15 January 2024, no bar on the 8th),
/// seen from the end of 31 January 2024.
#[tokio::test]
async fn a_chart_draws_each_range_at_its_bar_size() {
    use finances::domain::ChartRange;
    use finances::service::chart::ChartFallback;

    let db = testing::sqlite().await;
    let (yahoo, securities, _) = setup(db.store()).await;
    securities.sync(&sym("TEST")).await.unwrap();
    let now = Utc.with_ymd_and_hms(2024, 1, 31, 23, 59, 59).unwrap();

    // A year is drawn with daily bars: the nine stored.
    let year = securities
        .chart(&sym("TEST"), ChartRange::Y1, now)
        .await
        .unwrap();
    assert_eq!(year.series.interval, Interval::D1);
    assert_eq!(year.series.bars.len(), 9);
    assert!(year.fallback.is_none());

    // Five years with weeks merged from them. The week of 2 January: open 99.6 (the 2nd),
    // high 103.0 (the 5th), low 98.5 (the 4th), close 102.0 (the 5th), volume 1000 + 1001 +
    // 1002 + 1003 = 4006. The week of the 8th starts on the 9th, with the 10th's high of
    // 151.1. The 15th stands alone.
    let weeks = securities
        .chart(&sym("TEST"), ChartRange::Y5, now)
        .await
        .unwrap();
    assert_eq!(weeks.series.interval, Interval::W1);
    let bars: Vec<_> = weeks
        .series
        .bars
        .iter()
        .map(|b| {
            (
                b.timestamp.date_naive(),
                b.open,
                b.high,
                b.low,
                b.close,
                b.volume,
            )
        })
        .collect();
    assert_eq!(
        bars,
        [
            (
                day(2024, 1, 2),
                dec("99.6"),
                dec("103"),
                dec("98.5"),
                dec("102"),
                4006
            ),
            (
                day(2024, 1, 9),
                dec("104"),
                dec("151.1"),
                dec("103.5"),
                dec("106.2"),
                4026
            ),
            (
                day(2024, 1, 15),
                dec("106.8"),
                dec("108.3"),
                dec("106.3"),
                dec("107.3"),
                1009
            ),
        ]
    );
    assert!(weeks.series.bars.iter().all(|b| b.interval == Interval::W1));
    // From the stored daily bars: Yahoo is not asked for weekly ones.
    assert!(!yahoo
        .seen(CHART)
        .iter()
        .any(|s| s.query.get("interval").is_some_and(|i| i != "1d")));

    // A month asks for 30-minute bars, which Yahoo keeps for 60 days only: the daily bars
    // from ten days before the month stand in, and say why.
    let month = securities
        .chart(&sym("TEST"), ChartRange::M1, now)
        .await
        .unwrap();
    assert_eq!(month.series.interval, Interval::D1);
    assert_eq!(month.series.bars.len(), 9);
    assert!(
        matches!(month.fallback, Some(ChartFallback::NoBars(Interval::M30))),
        "{:?}",
        month.fallback
    );

    let missing = securities
        .chart(&sym("NOPE"), ChartRange::Y1, now)
        .await
        .unwrap_err();
    assert!(
        matches!(
            missing,
            ServiceError::NotFound {
                entity: Entity::Security,
                ..
            }
        ),
        "{missing:?}"
    );
}
