//! The `sync`, `search` and `quote` command bodies.

use crate::support;

use finances::commands::market as cli;
use finances::commands::{Format, Layout, Printer};
use finances::market::{self, CacheSettings};
use finances::service::fx::FxService;
use finances::service::securities::SecurityService;
use finances::store::testing;
use support::yahoo::{asset, fixture, fixtures_dir, FakeYahoo, Reply};

/// Output as a pipe or a file gets it.
fn plain(out: &mut Vec<u8>) -> Printer<'_> {
    Printer::new(out, Layout::Plain)
}

#[tokio::test]
async fn sync_lists_each_failure_and_reports_it() {
    let db = testing::sqlite().await;
    let yahoo = FakeYahoo::start().await;
    yahoo.route(
        "/v8/finance/chart/TEST",
        Reply::json(asset("chart_TEST_1d_history.json")),
    );
    yahoo.route(
        "/v10/finance/quoteSummary/TEST",
        Reply::json(asset("quoteSummary_TEST.json")),
    );
    yahoo.route("/v7/finance/quote", Reply::json(asset("quote_TEST.json")));
    yahoo.route("/v1/finance/search", Reply::json(asset("search_test.json")));
    yahoo.route(
        "/v10/finance/quoteSummary/NOPE",
        Reply::json(asset("quoteSummary_not_found.json")).status(404),
    );
    let market = market::connect(yahoo.settings(), &CacheSettings::default()).unwrap();
    let securities = SecurityService::new(db.store(), market.clone());
    let fx = FxService::new(db.store(), market);

    let mut out = Vec::new();
    let ok = cli::sync(&mut plain(&mut out), &securities, &fx, &["TEST".into()])
        .await
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(ok, "{text}");
    assert!(text.contains("9 prices (9 new)"), "{text}");

    let mut out = Vec::new();
    let ok = cli::sync(
        &mut plain(&mut out),
        &securities,
        &fx,
        &["TEST".into(), "NOPE".into(), "bad sym".into()],
    )
    .await
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(!ok);
    assert!(
        text.contains("NOPE") && text.contains("not found"),
        "{text}"
    );
    assert!(text.contains("is not a ticker symbol"), "{text}");
    assert!(text.contains("1 synced, 2 failed"), "{text}");

    let mut out = Vec::new();
    assert!(
        cli::search(&mut plain(&mut out), &securities, "test", 10, Format::Table)
            .await
            .unwrap()
    );
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("TSTA") && text.contains("true"), "{text}");

    let mut out = Vec::new();
    assert!(
        cli::quote(&mut plain(&mut out), &securities, "test", Format::Table)
            .await
            .unwrap()
    );
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("107.30 USD") && text.contains("90.25 - 150.10"),
        "{text}"
    );
}

/// `finances quote` when the quote service refuses the crumb: the chart's figures, said to be
/// partial and why, the market cap blank with its reason, the change against the previous
/// daily bar.
#[tokio::test]
#[cfg_attr(
    not(finances_test_yahoo_fixtures),
    ignore = "needs the recorded Yahoo responses: set FINANCES_YAHOO_FIXTURES"
)]
async fn quote_from_the_chart_says_it_is_partial_and_why() {
    let dir = fixtures_dir();
    let db = testing::sqlite().await;
    let yahoo = FakeYahoo::start().await;
    yahoo.route(
        "/v1/test/getcrumb",
        Reply::with_status(
            429,
            "text/plain",
            fixture(&dir, "error_getcrumb_429_too_many_requests.txt"),
        ),
    );
    yahoo.route(
        "/v8/finance/chart/AAPL",
        Reply::json(fixture(&dir, "chart_AAPL_1d_1mo.json")),
    );
    let market = market::connect(yahoo.settings(), &CacheSettings::default()).unwrap();
    let securities = SecurityService::new(db.store(), market);

    let mut out = Vec::new();
    assert!(
        cli::quote(&mut plain(&mut out), &securities, "aapl", Format::Table)
            .await
            .unwrap()
    );
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains(
            "Partial figures: quote service refused: rate limited; figures from the chart."
        ),
        "{text}"
    );
    let row = |label: &str| {
        text.lines()
            .find(|l| l.contains(label))
            .unwrap_or_else(|| panic!("no {label} row: {text}"))
            .to_string()
    };
    assert!(row("Price").contains("293.26 USD"), "{text}");
    // The day's change: against 2026-05-07's close, not the month-old chartPreviousClose.
    assert!(row("Previous close").contains("287.44"), "{text}");
    assert!(row("Change").contains("+5.82 (+2.02%)"), "{text}");
    assert!(
        row("Market cap").contains("— (not in the chart; only the quote service gives it)"),
        "{text}"
    );
}

/// Symbols that are no tickers (path-like ones included) are refused with a message, and
/// Yahoo is never asked about them.
#[tokio::test]
async fn commands_refuse_path_like_symbols() {
    let db = testing::sqlite().await;
    let yahoo = FakeYahoo::start().await;
    let market = market::connect(yahoo.settings(), &CacheSettings::default()).unwrap();
    let securities = SecurityService::new(db.store(), market.clone());
    let fx = FxService::new(db.store(), market);

    let mut out = Vec::new();
    let ok = cli::sync(
        &mut plain(&mut out),
        &securities,
        &fx,
        &["..".into(), ".".into()],
    )
    .await
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(!ok);
    assert!(text.contains("'..' is not a ticker symbol"), "{text}");
    assert!(text.contains("0 synced, 2 failed"), "{text}");

    let mut out = Vec::new();
    let err = cli::quote(&mut plain(&mut out), &securities, "../AAPL", Format::Table)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("is not a ticker symbol"), "{err}");
    assert!(
        yahoo.all_seen().iter().all(|s| !s.path.starts_with("/v")),
        "{:?}",
        yahoo.all_seen()
    );
}

/// `finances sync EURUSD=X`: quoteSummary has no fundamentals for a currency pair (404), so
/// the pair is described from its chart.
#[tokio::test]
#[cfg_attr(
    not(finances_test_yahoo_fixtures),
    ignore = "needs the recorded Yahoo responses: set FINANCES_YAHOO_FIXTURES"
)]
async fn an_fx_pair_syncs() {
    let dir = fixtures_dir();
    let db = testing::sqlite().await;
    let yahoo = FakeYahoo::start().await;
    yahoo.route(
        "/v10/finance/quoteSummary/EURUSD=X",
        Reply::json(asset("quoteSummary_EURUSD_X_no_fundamentals.json")).status(404),
    );
    yahoo.route(
        "/v8/finance/chart/EURUSD=X",
        Reply::json(fixture(
            &dir,
            "chart_EURUSD_X_1d_2020-01-01_2020-01-03.json",
        )),
    );
    let market = market::connect(yahoo.settings(), &CacheSettings::default()).unwrap();
    let securities = SecurityService::new(db.store(), market.clone());
    let fx = FxService::new(db.store(), market);

    let mut out = Vec::new();
    let ok = cli::sync(&mut plain(&mut out), &securities, &fx, &["EURUSD=X".into()])
        .await
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(ok, "{text}");
    assert!(text.contains("3 prices (3 new)"), "{text}");
    let stored = securities
        .stored(&finances::domain::Symbol::parse("EURUSD=X").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.name, "EUR/USD");
    assert_eq!(stored.currency, "USD");
    assert_eq!(
        stored.security_type,
        finances::domain::SecurityType::Currency
    );
}
