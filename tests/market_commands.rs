//! The `sync`, `search` and `quote` command bodies.

mod support;

use finances::commands::market as cli;
use finances::market::{self, CacheSettings};
use finances::service::fx::FxService;
use finances::service::securities::SecurityService;
use finances::store::testing;
use support::yahoo::{asset, FakeYahoo, Reply};

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
    let ok = cli::sync_to(&mut out, &securities, &fx, &["TEST".into()])
        .await
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(ok, "{text}");
    assert!(text.contains("9 prices (9 new)"), "{text}");

    let mut out = Vec::new();
    let ok = cli::sync_to(
        &mut out,
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
    assert!(cli::search_to(&mut out, &securities, "test", 10)
        .await
        .unwrap());
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("TSTA") && text.contains("yes"), "{text}");

    let mut out = Vec::new();
    assert!(cli::quote_to(&mut out, &securities, "test").await.unwrap());
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("107.3 USD") && text.contains("90.25 - 150.1"),
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
    let ok = cli::sync_to(&mut out, &securities, &fx, &["..".into(), ".".into()])
        .await
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(!ok);
    assert!(text.contains("'..' is not a ticker symbol"), "{text}");
    assert!(text.contains("0 synced, 2 failed"), "{text}");

    let mut out = Vec::new();
    let err = cli::quote_to(&mut out, &securities, "../AAPL")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("is not a ticker symbol"), "{err}");
    assert!(
        yahoo.all_seen().iter().all(|s| !s.path.starts_with("/v")),
        "{:?}",
        yahoo.all_seen()
    );
}
