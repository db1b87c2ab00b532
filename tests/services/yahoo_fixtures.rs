//! The Yahoo client against recorded Yahoo responses, replayed by a local server.

use crate::support;

use std::path::PathBuf;
use std::str::FromStr;

use chrono::{NaiveDate, TimeZone, Utc};
use finances::domain::{Interval, SecurityType, Symbol};
use finances::market::{Chart, ChartRange, ChartRequest, MarketError, YahooClient};
use rust_decimal::Decimal;
use support::yahoo::{fixture, fixtures_dir, FakeYahoo, Reply};

fn sym(s: &str) -> Symbol {
    Symbol::parse(s).unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(
        &NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap(),
    )
}

struct Replay {
    dir: PathBuf,
    yahoo: FakeYahoo,
    client: YahooClient,
}

impl Replay {
    async fn start() -> Self {
        let dir = fixtures_dir();
        let yahoo = FakeYahoo::start().await;
        let client = YahooClient::new(yahoo.settings()).unwrap();
        Self { dir, yahoo, client }
    }

    fn serve(&self, path: &str, file: &str) {
        self.yahoo
            .route(path, Reply::json(fixture(&self.dir, file)));
    }

    async fn chart(
        &self,
        file: &str,
        symbol: &str,
        interval: Interval,
        range: ChartRange,
    ) -> Chart {
        self.serve(&format!("/v8/finance/chart/{symbol}"), file);
        self.client
            .fetch_chart(&ChartRequest::range(sym(symbol), interval, range))
            .await
            .unwrap_or_else(|e| panic!("{file}: {e}"))
    }
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_yahoo_fixtures),
    ignore = "needs the recorded Yahoo responses: set FINANCES_YAHOO_FIXTURES"
)]
async fn aapl_daily_closes() {
    let r = Replay::start().await;
    let chart = r
        .chart(
            "chart_AAPL_1d_2020-01-01_2020-01-03.json",
            "AAPL",
            Interval::D1,
            ChartRange::Y1,
        )
        .await;
    assert_eq!(chart.bars.len(), 1);
    let bar = &chart.bars[0];
    assert_eq!(bar.timestamp, date(2020, 1, 2));
    assert_eq!(bar.close, dec("75.0875"));
    assert_eq!(bar.open, dec("74.06"));
    assert_eq!(bar.adj_close, Some(dec("72.71607")));
    assert_eq!(bar.volume, 135_480_400);
    assert_eq!(chart.meta.currency.as_deref(), Some("USD"));
    assert_eq!(chart.meta.name.as_deref(), Some("Apple Inc."));
    assert_eq!(chart.meta.security_type, SecurityType::Equity);
    assert_eq!(chart.meta.fifty_two_week_high, Some(dec("260.1")));

    let month = r
        .chart(
            "chart_AAPL_1d_1mo.json",
            "AAPL",
            Interval::D1,
            ChartRange::Mo1,
        )
        .await;
    assert_eq!(month.bars.len(), 22);
    assert_eq!(month.bars[0].close, dec("260.49"));
    assert!(month
        .bars
        .windows(2)
        .all(|w| w[0].timestamp < w[1].timestamp));
    // The request carried the chart parameters Yahoo expects.
    let seen = r.yahoo.seen("/v8/finance/chart/AAPL");
    let q = &seen.last().unwrap().query;
    assert_eq!(q.get("range").map(String::as_str), Some("1mo"));
    assert_eq!(q.get("interval").map(String::as_str), Some("1d"));
    assert_eq!(q.get("events").map(String::as_str), Some("div,split"));
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_yahoo_fixtures),
    ignore = "needs the recorded Yahoo responses: set FINANCES_YAHOO_FIXTURES"
)]
async fn dividends_and_splits() {
    let r = Replay::start().await;
    let msft = r
        .chart(
            "chart_MSFT_1d_2021-02-01_2022-01-31_dividends.json",
            "MSFT",
            Interval::D1,
            ChartRange::Y1,
        )
        .await;
    assert_eq!(msft.bars.len(), 252);
    let amounts: Vec<Decimal> = msft.dividends.iter().map(|d| d.amount).collect();
    assert_eq!(
        amounts,
        vec![dec("0.56"), dec("0.56"), dec("0.56"), dec("0.62")]
    );
    assert_eq!(
        msft.dividends[0].date.date_naive(),
        NaiveDate::from_ymd_opt(2021, 2, 17).unwrap()
    );

    let nvda = r
        .chart(
            "chart_NVDA_1d_2021-02-01_2022-01-31_split.json",
            "NVDA",
            Interval::D1,
            ChartRange::Y1,
        )
        .await;
    assert_eq!(nvda.splits.len(), 1);
    assert_eq!(nvda.splits[0].ratio(), Decimal::from(4));
    assert_eq!(
        nvda.splits[0].date.date_naive(),
        NaiveDate::from_ymd_opt(2021, 7, 20).unwrap()
    );

    let split = r
        .chart(
            "chart_AAPL_1mo_interval_split.json",
            "AAPL",
            Interval::Mo1,
            ChartRange::Y5,
        )
        .await;
    assert_eq!(split.splits[0].ratio(), Decimal::from(4));
    // The real date, not the month bar's key.
    assert_eq!(
        split.splits[0].date.date_naive(),
        NaiveDate::from_ymd_opt(2020, 8, 31).unwrap()
    );

    let divs = r
        .chart(
            "chart_AAPL_1mo_interval_dividends.json",
            "AAPL",
            Interval::Mo1,
            ChartRange::Y5,
        )
        .await;
    assert_eq!(divs.dividends[0].amount, dec("0.1925"));
    // The trailing live bar repeats the last month: one bar per month remains.
    let mut stamps: Vec<_> = divs.bars.iter().map(|b| b.timestamp).collect();
    stamps.dedup();
    assert_eq!(stamps.len(), divs.bars.len());

    let six = r
        .chart(
            "chart_AAPL_1d_6mo_dividends.json",
            "AAPL",
            Interval::D1,
            ChartRange::Mo6,
        )
        .await;
    assert_eq!(six.bars.len(), 127);
    assert_eq!(six.dividends.len(), 2);
    assert!(six.dividends.iter().all(|d| d.amount == dec("0.26")));
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_yahoo_fixtures),
    ignore = "needs the recorded Yahoo responses: set FINANCES_YAHOO_FIXTURES"
)]
async fn intraday_null_bar_is_skipped() {
    let r = Replay::start().await;
    let chart = r
        .chart(
            "chart_AAPL_1m_2024-10-02_intraday.json",
            "AAPL",
            Interval::M1,
            ChartRange::D1,
        )
        .await;
    // 391 timestamps, one with null prices.
    assert_eq!(chart.bars.len(), 390);
    let null_at = Utc.timestamp_opt(1727882100, 0).unwrap();
    assert!(chart.bars.iter().all(|b| b.timestamp != null_at));
    assert!(chart.bars.iter().all(|b| !b.close.is_zero()));
    // No adjclose block for intraday bars.
    assert!(chart.bars.iter().all(|b| b.adj_close.is_none()));
    assert_eq!(chart.bars[0].close, dec("225.7"));
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_yahoo_fixtures),
    ignore = "needs the recorded Yahoo responses: set FINANCES_YAHOO_FIXTURES"
)]
async fn currencies_indices_and_crypto() {
    let r = Replay::start().await;
    let fx = r
        .chart(
            "chart_EURUSD_X_1d_2020-01-01_2020-01-03.json",
            "EURUSD=X",
            Interval::D1,
            ChartRange::D5,
        )
        .await;
    assert_eq!(fx.meta.security_type, SecurityType::Currency);
    assert_eq!(fx.bars.len(), 3);
    let jan2 = fx
        .bars
        .iter()
        .find(|b| b.timestamp == date(2020, 1, 2))
        .unwrap();
    assert_eq!(jan2.close, dec("1.1220826"));

    let wsu = r
        .chart(
            "chart_WSU.DE_1d_2023-08-04_2023-08-09.json",
            "WSU.DE",
            Interval::D1,
            ChartRange::D5,
        )
        .await;
    assert_eq!(wsu.meta.currency.as_deref(), Some("EUR"));
    assert_eq!(wsu.meta.exchange.as_deref(), Some("GER"));
    assert_eq!(wsu.bars[0].timestamp, date(2023, 8, 4));
    assert_eq!(wsu.bars[0].close, dec("34.45"));

    let btc = r
        .chart(
            "chart_BTC-USD_1d_2020-01-01_2020-01-03.json",
            "BTC-USD",
            Interval::D1,
            ChartRange::D5,
        )
        .await;
    assert_eq!(btc.meta.security_type, SecurityType::Cryptocurrency);
    assert_eq!(btc.bars[0].close, dec("7200.1743"));

    let gspc = r
        .chart(
            "chart_GSPC_1d_1d.json",
            "^GSPC",
            Interval::D1,
            ChartRange::D1,
        )
        .await;
    assert_eq!(gspc.meta.symbol.as_str(), "^GSPC");
    assert_eq!(gspc.meta.security_type, SecurityType::Index);
    assert_eq!(gspc.bars[0].close, dec("5085.06"));

    let spy = r
        .chart("chart_SPY_1d_1d.json", "SPY", Interval::D1, ChartRange::D1)
        .await;
    assert_eq!(spy.meta.security_type, SecurityType::Etf);
    assert_eq!(spy.bars.len(), 1);
    assert_eq!(spy.bars[0].timestamp, date(2023, 9, 26));
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_yahoo_fixtures),
    ignore = "needs the recorded Yahoo responses: set FINANCES_YAHOO_FIXTURES"
)]
async fn unknown_symbol_is_not_found() {
    let r = Replay::start().await;
    r.yahoo.route(
        "/v8/finance/chart/SI",
        Reply::json(fixture(&r.dir, "error_chart_unknown_symbol.json")).status(404),
    );
    let err = r
        .client
        .fetch_chart(&ChartRequest::range(
            sym("SI"),
            Interval::D1,
            ChartRange::D5,
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, MarketError::NotFound(m) if m.contains("No data found")),
        "{err:?}"
    );
    // Not found is final: no retries.
    assert_eq!(r.yahoo.hits("/v8/finance/chart/SI"), 1);

    r.serve("/v7/finance/quote", "quote_unknown_symbol_empty.json");
    let err = r.client.fetch_quote(&sym("GS2C")).await.unwrap_err();
    assert!(matches!(err, MarketError::NotFound(_)), "{err:?}");
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_yahoo_fixtures),
    ignore = "needs the recorded Yahoo responses: set FINANCES_YAHOO_FIXTURES"
)]
async fn quotes_with_the_crumb() {
    let r = Replay::start().await;
    let crumb = fixture(&r.dir, "getcrumb_ok.txt");
    r.yahoo
        .route("/v1/test/getcrumb", Reply::text(crumb.clone()));
    r.yahoo.route_when(
        "/v7/finance/quote",
        &[("symbols", "AAPL"), ("crumb", crumb.trim())],
        Reply::json(fixture(&r.dir, "quote_AAPL.json")),
    );
    let quote = r.client.fetch_quote(&sym("AAPL")).await.unwrap();
    assert_eq!(quote.price, Some(dec("244.6")));
    assert_eq!(quote.market_cap, Some(dec("3674405863424")));
    assert_eq!(quote.name.as_deref(), Some("Apple Inc."));
    assert_eq!(quote.security_type, SecurityType::Equity);
    assert_eq!(r.yahoo.hits("/"), 1);
    assert_eq!(r.yahoo.hits("/v1/test/getcrumb"), 1);
    // The crumb request carried the cookie set by the first visit.
    let crumb_req = &r.yahoo.seen("/v1/test/getcrumb")[0];
    assert!(crumb_req.cookie.as_deref().unwrap_or("").contains("A3="));

    r.yahoo.route_when(
        "/v7/finance/quote",
        &[("symbols", "AAPL,BABA")],
        Reply::json(fixture(&r.dir, "quote_AAPL_BABA.json")),
    );
    let both = r
        .client
        .fetch_quotes(&[sym("AAPL"), sym("BABA")])
        .await
        .unwrap();
    let prices: Vec<_> = both
        .iter()
        .map(|q| (q.symbol.as_str().to_string(), q.price))
        .collect();
    assert_eq!(
        prices,
        vec![
            ("AAPL".into(), Some(dec("244.6"))),
            ("BABA".into(), Some(dec("124.73")))
        ]
    );
    // The crumb is reused.
    assert_eq!(r.yahoo.hits("/v1/test/getcrumb"), 1);

    r.serve("/v7/finance/quote", "quote_OCDO.L.json");
    let ocado = r.client.fetch_quote(&sym("OCDO.L")).await.unwrap();
    assert_eq!(ocado.currency.as_deref(), Some("GBp"));
    let unit = ocado.quote_unit().unwrap();
    assert_eq!(unit.currency.as_str(), "GBP");
    assert!(unit.is_minor());
    assert_eq!(ocado.price, Some(dec("308.8")));
    assert_eq!(ocado.price_in_major(), Some(dec("3.088")));
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_yahoo_fixtures),
    ignore = "needs the recorded Yahoo responses: set FINANCES_YAHOO_FIXTURES"
)]
async fn profiles_from_quote_summary() {
    let r = Replay::start().await;
    let path = "/v10/finance/quoteSummary/AAPL";
    r.serve(path, "quoteSummary_AAPL_price.json");
    let price = r.client.fetch_profile(&sym("AAPL")).await.unwrap();
    assert_eq!(price.name.as_deref(), Some("Apple Inc."));
    assert_eq!(price.currency.as_deref(), Some("USD"));
    assert_eq!(price.exchange.as_deref(), Some("NMS"));
    assert_eq!(price.market_cap, Some(dec("3688676720640")));
    assert_eq!(price.price, Some(dec("245.55")));
    assert_eq!(price.sector, None);
    let q = &r.yahoo.seen(path)[0].query;
    assert_eq!(
        q.get("modules").map(String::as_str),
        Some("price,summaryDetail,assetProfile")
    );
    assert!(q.contains_key("crumb"));

    r.serve(path, "quoteSummary_AAPL_summaryDetail.json");
    let detail = r.client.fetch_profile(&sym("AAPL")).await.unwrap();
    assert_eq!(detail.fifty_two_week_low, Some(dec("164.08")));
    assert_eq!(detail.fifty_two_week_high, Some(dec("260.1")));
    assert_eq!(detail.trailing_pe, Some(dec("38.91442")));

    r.serve(path, "quoteSummary_AAPL_assetProfile.json");
    let about = r.client.fetch_profile(&sym("AAPL")).await.unwrap();
    assert_eq!(about.sector.as_deref(), Some("Technology"));
    assert_eq!(about.industry.as_deref(), Some("Consumer Electronics"));
    assert_eq!(about.country.as_deref(), Some("United States"));

    r.serve(
        "/v10/finance/quoteSummary/BMW.DE",
        "quoteSummary_BMW.DE_multi_modules.json",
    );
    let bmw = r.client.fetch_profile(&sym("BMW.DE")).await.unwrap();
    assert_eq!(bmw.currency.as_deref(), Some("EUR"));
    assert_eq!(
        bmw.name.as_deref(),
        Some("Bayerische Motoren Werke Aktiengesellschaft")
    );
    assert_eq!(bmw.sector.as_deref(), Some("Consumer Cyclical"));
    assert_eq!(bmw.industry.as_deref(), Some("Auto Manufacturers"));
    assert_eq!(bmw.market_cap, Some(dec("52328398848")));
    assert_eq!(bmw.fifty_two_week_high, Some(dec("115.35")));
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_yahoo_fixtures),
    ignore = "needs the recorded Yahoo responses: set FINANCES_YAHOO_FIXTURES"
)]
async fn search_results() {
    let r = Replay::start().await;
    r.serve("/v1/finance/search", "search_apple.json");
    let hits = r.client.fetch_search("apple", 10).await.unwrap();
    let symbols: Vec<&str> = hits.iter().map(|h| h.symbol.as_str()).collect();
    assert_eq!(
        symbols,
        vec!["AAPL", "APLE", "AAPL.VI", "APC.F", "AAPL.BA", "AAPI", "APC.DE"]
    );
    assert_eq!(hits[0].exchange_display.as_deref(), Some("NASDAQ"));
    assert_eq!(hits[0].sector.as_deref(), Some("Technology"));

    r.serve("/v1/finance/search", "search_AAPL.json");
    let hits = r.client.fetch_search("AAPL", 10).await.unwrap();
    // The Crunchbase entity without a symbol is dropped.
    assert_eq!(hits.len(), 6);
    assert_eq!(hits[1].security_type, SecurityType::Etf);
    assert_eq!(hits[2].security_type, SecurityType::Option);
    assert_eq!(
        r.yahoo.seen("/v1/finance/search")[1]
            .query
            .get("q")
            .map(String::as_str),
        Some("AAPL")
    );
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_yahoo_fixtures),
    ignore = "needs the recorded Yahoo responses: set FINANCES_YAHOO_FIXTURES"
)]
async fn invalid_crumb_refreshes_once() {
    let r = Replay::start().await;
    let invalid = fixture(&r.dir, "error_quote_401_invalid_crumb.json");
    r.yahoo.route_seq(
        "/v1/test/getcrumb",
        &[],
        vec![Reply::text("OldCrumb111"), Reply::text("NewCrumb222")],
    );
    r.yahoo.route_when(
        "/v7/finance/quote",
        &[("crumb", "OldCrumb111")],
        Reply::json(invalid.clone()).status(401),
    );
    r.yahoo.route_when(
        "/v7/finance/quote",
        &[("crumb", "NewCrumb222")],
        Reply::json(fixture(&r.dir, "quote_AAPL.json")),
    );
    let quote = r.client.fetch_quote(&sym("AAPL")).await.unwrap();
    assert_eq!(quote.price, Some(dec("244.6")));
    assert_eq!(r.yahoo.hits("/v1/test/getcrumb"), 2);
    assert_eq!(r.yahoo.hits("/v7/finance/quote"), 2);

    // A crumb that keeps being refused: one refresh, then an error, no loop.
    let yahoo = FakeYahoo::start().await;
    yahoo.route("/v7/finance/quote", Reply::json(invalid).status(401));
    let client = YahooClient::new(yahoo.settings()).unwrap();
    let err = client.fetch_quote(&sym("AAPL")).await.unwrap_err();
    assert!(
        matches!(&err, MarketError::SessionRefused(m) if m.contains("Invalid Crumb")),
        "{err:?}"
    );
    assert_eq!(yahoo.hits("/v7/finance/quote"), 2);
    assert_eq!(yahoo.hits("/v1/test/getcrumb"), 2);
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_yahoo_fixtures),
    ignore = "needs the recorded Yahoo responses: set FINANCES_YAHOO_FIXTURES"
)]
async fn crumb_rate_limited() {
    let r = Replay::start().await;
    let body = fixture(&r.dir, "error_getcrumb_429_too_many_requests.txt");
    r.yahoo.route(
        "/v1/test/getcrumb",
        Reply::with_status(429, "text/plain", body.clone()),
    );
    let err = r.client.fetch_quote(&sym("AAPL")).await.unwrap_err();
    assert!(matches!(err, MarketError::RateLimited { .. }), "{err:?}");
    // Retried (2 retries in the test settings), never taken as a crumb.
    assert_eq!(r.yahoo.hits("/v1/test/getcrumb"), 3);
    assert_eq!(r.yahoo.hits("/v7/finance/quote"), 0);

    // The same text with a 200 is no crumb either.
    let yahoo = FakeYahoo::start().await;
    yahoo.route("/v1/test/getcrumb", Reply::text(body));
    let client = YahooClient::new(yahoo.settings()).unwrap();
    let err = client.fetch_quote(&sym("AAPL")).await.unwrap_err();
    assert!(matches!(err, MarketError::InvalidResponse(_)), "{err:?}");
    assert_eq!(yahoo.hits("/v7/finance/quote"), 0);
}

/// Every path segment sent upstream is percent-encoded: `^` and `=` travel as `%5E` and `%3D`,
/// as Yahoo's own pages send them, and no symbol can change the path.
#[tokio::test]
#[cfg_attr(
    not(finances_test_yahoo_fixtures),
    ignore = "needs the recorded Yahoo responses: set FINANCES_YAHOO_FIXTURES"
)]
async fn symbols_are_percent_encoded_in_the_path() {
    let r = Replay::start().await;
    let gspc = r
        .chart(
            "chart_GSPC_1d_1d.json",
            "^GSPC",
            Interval::D1,
            ChartRange::D1,
        )
        .await;
    assert_eq!(gspc.meta.symbol.as_str(), "^GSPC");
    r.chart(
        "chart_EURUSD_X_1d_2020-01-01_2020-01-03.json",
        "EURUSD=X",
        Interval::D1,
        ChartRange::D5,
    )
    .await;
    r.yahoo.route(
        "/v10/finance/quoteSummary/^GSPC",
        Reply::json(fixture(&r.dir, "quoteSummary_AAPL_price.json")),
    );
    r.client.fetch_profile(&sym("^GSPC")).await.unwrap();
    let raw: Vec<String> = r
        .yahoo
        .all_seen()
        .into_iter()
        .filter(|s| s.path.starts_with("/v"))
        .map(|s| s.raw_path)
        .filter(|p| !p.ends_with("getcrumb"))
        .collect();
    assert_eq!(
        raw,
        vec![
            "/v8/finance/chart/%5EGSPC",
            "/v8/finance/chart/EURUSD%3DX",
            "/v10/finance/quoteSummary/%5EGSPC",
        ]
    );
}
