//! Securities and currencies over HTTP, with a local stand-in for Yahoo.

use crate::support;

use std::time::Duration;

use chrono::{DateTime, Duration as ChronoDuration, SecondsFormat, Utc};

use finances::http::HttpSettings;
use serde_json::json;
use support::http::{test_settings, Db, TestApp};
use support::yahoo::{asset, fixture, fixtures_dir, Reply};

on_both_stores!(
    security_lookup_sync_and_prices,
    prices_without_start_cover_the_default_window,
    a_range_shows_the_bars_the_service_charts,
    security_search_merges_stored_and_yahoo,
    yahoo_down_is_503_and_unknown_is_404,
    sync_is_rate_limited_per_user,
    currencies_crud_and_superuser_rules,
    rates_sync_and_conversion,
    path_like_symbols_are_refused_before_yahoo,
    #[cfg_attr(
        not(finances_test_yahoo_fixtures),
        ignore = "needs the recorded Yahoo responses: set FINANCES_YAHOO_FIXTURES"
    )]
    fx_pair_without_fundamentals_is_described_from_its_chart,
);

async fn security_lookup_sync_and_prices(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let r = app.get("/api/v1/securities/test", &s.access).await;
    r.expect(200);
    assert_eq!(r.body["symbol"], "TEST");
    assert_eq!(r.body["name"], "Test Industries Inc.");
    assert_eq!(r.body["in_database"], true);
    // Its daily history is fetched in the background on first use.
    assert_eq!(r.body["is_syncing"], true, "{}", r.body);
    let r = app.until_synced("TEST", &s.access).await;
    assert!(r.body["last_price"].is_number(), "{}", r.body);
    let sync = app
        .post("/api/v1/securities/TEST/sync", &s.access, json!({}))
        .await;
    sync.expect(200);
    assert!(sync.body["prices_synced"].is_u64());
    // The first use stored the recorded history: ten days, one of them without a close.
    let synced = 9;
    assert!(sync.body["message"].is_string());
    assert!(sync.body["security"]["last_price"].is_number());
    // Again: updates, no duplicate rows.
    app.post("/api/v1/securities/TEST/sync", &s.access, json!({}))
        .await
        .expect(200);
    let prices = app
        .get(
            "/api/v1/securities/TEST/prices?start=2024-01-01&end=2024-01-31",
            &s.access,
        )
        .await;
    prices.expect(200);
    assert_eq!(prices.body["count"], synced);
    assert_eq!(
        prices.body["prices"].as_array().unwrap().len() as u64,
        synced
    );
    let bar = &prices.body["prices"][0];
    for k in ["open", "high", "low", "close"] {
        assert!(bar[k].is_number(), "{k}: {bar}");
    }
    assert!(bar["volume"].is_i64());
    assert_eq!(prices.body["interval_type"], "1d");
    assert!(["complete", "partial", "sparse", "empty"]
        .contains(&prices.body["data_completeness"].as_str().unwrap()));
    assert!(prices.body["actual_start"].is_string());
    assert!(prices.body["requested_start"].is_string());
    let list = app.get("/api/v1/securities", &s.access).await;
    list.expect(200);
    assert_eq!(list.header("x-total-count"), Some("1"));
    assert!(list.body[0]["last_price"].is_number());
    for q in [
        "interval=2d",
        "interval=1D",
        "start=yesterday",
        "start=2024-02-01&end=2024-01-01",
    ] {
        let r = app
            .get(&format!("/api/v1/securities/TEST/prices?{q}"), &s.access)
            .await;
        assert!(r.status == 422 || r.status == 400, "{q}: {}", r.text);
    }
    let r = app.get("/api/v1/securities/NOPE/prices", &s.access).await;
    r.expect(404);
    assert_eq!(r.detail(), "Security with symbol 'NOPE' not found");
}

/// `requested_start`/`requested_end` of a prices answer.
fn requested(r: &support::http::Res) -> (DateTime<Utc>, DateTime<Utc>) {
    let at = |k: &str| {
        DateTime::parse_from_rfc3339(
            r.body[k]
                .as_str()
                .unwrap_or_else(|| panic!("{k}: {}", r.text)),
        )
        .unwrap()
        .with_timezone(&Utc)
    };
    (at("requested_start"), at("requested_end"))
}

async fn prices_without_start_cover_the_default_window(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("dee").await;
    app.post("/api/v1/securities/TEST/sync", &s.access, json!({}))
        .await
        .expect(200);

    // Daily bars: the 30 days up to now, which the January 2024 history lies before.
    let before = Utc::now();
    let r = app.get("/api/v1/securities/TEST/prices", &s.access).await;
    r.expect(200);
    let (start, end) = requested(&r);
    assert!(
        end >= before - ChronoDuration::seconds(1) && end <= Utc::now(),
        "{}",
        r.text
    );
    assert_eq!(end - start, ChronoDuration::days(30));
    assert_eq!(r.body["count"], 0, "{}", r.text);

    // With an end only: the 30 days before it.
    let r = app
        .get("/api/v1/securities/TEST/prices?end=2024-01-05", &s.access)
        .await;
    r.expect(200);
    assert_eq!(r.body["requested_start"], "2023-12-06T23:59:59Z");
    assert_eq!(r.body["requested_end"], "2024-01-05T23:59:59Z");
    assert_eq!(r.body["count"], 4, "{}", r.text);

    // Minute bars: the last day, asked of Yahoo as one day, not refused.
    let r = app
        .get("/api/v1/securities/TEST/prices?interval=1m", &s.access)
        .await;
    r.expect(200);
    assert_eq!(r.body["interval_type"], "1m");
    let (start, end) = requested(&r);
    assert_eq!(end - start, ChronoDuration::days(1));
    let asked = minute_chart_spans(&app);
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert!(asked[0] <= 86_400 && asked[0] > 86_000, "{asked:?}");

    // A start further back than one request of minute bars spans: the newest 7 days are
    // fetched, and the answer is still 200.
    let ten_days_ago =
        (Utc::now() - ChronoDuration::days(10)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let r = app
        .get(
            &format!("/api/v1/securities/TEST/prices?interval=1m&start={ten_days_ago}"),
            &s.access,
        )
        .await;
    r.expect(200);
    assert_eq!(r.body["requested_start"], ten_days_ago.as_str());
    let asked = minute_chart_spans(&app);
    assert_eq!(asked.len(), 2, "{asked:?}");
    assert!(asked[1] <= 7 * 86_400, "{asked:?}");
}

/// `?range=` answers with the bars the terminal UI charts for that range, from the one
/// service function both call: the same count, times and prices. Seen from the end of 31
/// January 2024, the recorded history (2 to 15 January, no bar on the 8th) is nine daily
/// bars for a year, three weeks for five years (the week of the 2nd closing at 102.0 with
/// 1000 + 1001 + 1002 + 1003 = 4006 traded), and the daily bars again for a month, whose
/// 30-minute bars Yahoo no longer keeps.
async fn a_range_shows_the_bars_the_service_charts(db: Db) {
    use finances::domain::{ChartRange, Symbol};
    use rust_decimal::Decimal;
    use std::str::FromStr;

    let app = TestApp::start(db).await;
    let s = app.signup("cora").await;
    app.post("/api/v1/securities/TEST/sync", &s.access, json!({}))
        .await
        .expect(200);
    let end = DateTime::parse_from_rfc3339("2024-01-31T23:59:59Z")
        .unwrap()
        .with_timezone(&Utc);
    let doc = app
        .call(reqwest::Method::GET, "/openapi.json", None, None)
        .await;
    let documented = doc.body["paths"]["/api/v1/securities/{symbol}/prices"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "range")
        .unwrap_or_else(|| panic!("no range parameter: {}", doc.text))["schema"]["pattern"]
        .as_str()
        .unwrap()
        .to_string();

    let dec = |v: &serde_json::Value| Decimal::from_str(&v.to_string()).unwrap();
    for (range, interval, count) in [
        (ChartRange::Y1, "1d", 9),
        (ChartRange::Y5, "1wk", 3),
        (ChartRange::M1, "1d", 9),
        (ChartRange::Max, "1mo", 1),
    ] {
        assert!(documented.contains(range.as_str()), "{documented}");
        let r = app
            .get(
                &format!(
                    "/api/v1/securities/TEST/prices?range={}&end=2024-01-31",
                    range.as_str()
                ),
                &s.access,
            )
            .await;
        r.expect(200);
        assert_eq!(r.body["interval_type"], interval, "{range:?}: {}", r.text);
        assert_eq!(r.body["count"], count, "{range:?}: {}", r.text);
        let chart = app
            .services
            .securities
            .chart(&Symbol::parse("TEST").unwrap(), range, end)
            .await
            .unwrap();
        let served = r.body["prices"].as_array().unwrap();
        assert_eq!(served.len(), chart.series.bars.len(), "{range:?}");
        for (json, bar) in served.iter().zip(&chart.series.bars) {
            let at = DateTime::parse_from_rfc3339(json["timestamp"].as_str().unwrap()).unwrap();
            assert_eq!(at, bar.timestamp, "{range:?}");
            assert_eq!(
                [&json["open"], &json["high"], &json["low"], &json["close"]].map(dec),
                [bar.open, bar.high, bar.low, bar.close],
                "{range:?}"
            );
            assert_eq!(json["volume"], bar.volume, "{range:?}");
        }
    }
    let r = app
        .get(
            "/api/v1/securities/TEST/prices?range=5y&end=2024-01-31",
            &s.access,
        )
        .await;
    assert_eq!(dec(&r.body["prices"][0]["close"]), Decimal::from(102));
    assert_eq!(r.body["prices"][0]["volume"], 4006);
    // Weeks merged from the stored days: Yahoo is never asked for weekly bars.
    assert!(app
        .yahoo
        .seen("/v8/finance/chart/TEST")
        .iter()
        .all(|s| s.query.get("interval").is_none_or(|i| i != "1wk")));

    // `range` picks the start and the bar size; refused with either, and when misspelled.
    for (q, status) in [
        ("range=1y&start=2024-01-01", 400),
        ("range=1y&interval=1d", 400),
        ("range=1Y", 422),
        ("range=1m", 422),
        ("range=%20", 422),
        ("range=&start=2024-01-01&end=2024-01-31", 200),
    ] {
        let r = app
            .get(&format!("/api/v1/securities/TEST/prices?{q}"), &s.access)
            .await;
        assert_eq!(r.status, status, "{q}: {}", r.text);
    }
    let r = app
        .get("/api/v1/securities/NOPE/prices?range=1y", &s.access)
        .await;
    r.expect(404);
    assert_eq!(r.detail(), "Security with symbol 'NOPE' not found");
}

/// The length in seconds of each 1m chart period asked of Yahoo for TEST, in order.
fn minute_chart_spans(app: &TestApp) -> Vec<i64> {
    app.yahoo
        .seen("/v8/finance/chart/TEST")
        .iter()
        .filter(|s| s.query.get("interval").is_some_and(|i| i == "1m"))
        .map(|s| {
            let at = |k: &str| s.query[k].parse::<i64>().unwrap();
            at("period2") - at("period1")
        })
        .collect()
}

async fn security_search_merges_stored_and_yahoo(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ben").await;
    app.get("/api/v1/securities/TEST", &s.access)
        .await
        .expect(200);
    let r = app
        .get("/api/v1/securities/search?query=test", &s.access)
        .await;
    r.expect(200);
    let results = r.body.as_array().unwrap();
    assert_eq!(results[0]["symbol"], "TEST");
    assert_eq!(results[0]["in_database"], true);
    assert!(results.len() > 1);
    // Not stored yet, each with the id it will be stored under.
    assert!(results[1..]
        .iter()
        .all(|x| x["in_database"] == false && x["id"].as_str().is_some()));
    let ids: std::collections::HashSet<_> = results.iter().map(|x| x["id"].clone()).collect();
    assert_eq!(ids.len(), results.len());
    let symbols: Vec<_> = results.iter().map(|x| x["symbol"].clone()).collect();
    let mut dedup = symbols.clone();
    dedup.dedup();
    assert_eq!(symbols.len(), dedup.len());
    let r = app
        .get("/api/v1/securities/search?q=test&limit=1", &s.access)
        .await;
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    for q in ["", "q=test&limit=0", "q=test&limit=51", "q=test&limit=abc"] {
        app.get(&format!("/api/v1/securities/search?{q}"), &s.access)
            .await
            .expect(422);
    }
    // Yahoo failing still returns the stored matches.
    app.yahoo.route(
        "/v1/finance/search",
        Reply::with_status(500, "text/plain", "boom"),
    );
    let r = app
        .get("/api/v1/securities/search?query=industries", &s.access)
        .await;
    r.expect(200);
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    assert_eq!(r.body[0]["symbol"], "TEST");
}

async fn yahoo_down_is_503_and_unknown_is_404(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("cal").await;
    let r = app.get("/api/v1/securities/ZZZZ", &s.access).await;
    r.expect(404);
    let acc = app.investment_account(&s, "Broker").await;
    app.yahoo.route(
        "/v10/finance/quoteSummary/DOWN",
        Reply::with_status(503, "text/plain", "unavailable"),
    );
    app.yahoo.route(
        "/v8/finance/chart/DOWN",
        Reply::with_status(503, "text/plain", "unavailable"),
    );
    let r = app.get("/api/v1/securities/DOWN", &s.access).await;
    r.expect(503);
    assert_eq!(r.body["error_code"], "SERVICE_UNAVAILABLE");
    let r = app
        .post(
            &format!("/api/v1/accounts/{acc}/holdings"),
            &s.access,
            json!({"security_id": "DOWN", "shares": 1, "average_price_per_share": 1}),
        )
        .await;
    r.expect(503);
    app.post("/api/v1/securities/ZZZZ/sync", &s.access, json!({}))
        .await
        .expect(404);
}

async fn sync_is_rate_limited_per_user(db: Db) {
    let app = TestApp::start_with(
        db,
        HttpSettings {
            sync_per_minute: 2,
            ..test_settings()
        },
    )
    .await;
    let a = app.signup("dee").await;
    let b = app.signup("eve").await;
    for _ in 0..2 {
        app.post("/api/v1/securities/TEST/sync", &a.access, json!({}))
            .await
            .expect(200);
    }
    let r = app
        .post("/api/v1/securities/TEST/sync", &a.access, json!({}))
        .await;
    r.expect(429);
    assert!(r.header("retry-after").is_some());
    app.post("/api/v1/securities/TEST/sync", &b.access, json!({}))
        .await
        .expect(200);
}

async fn currencies_crud_and_superuser_rules(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("fay").await;
    let admin = app.admin("root").await;
    let list = app.get("/api/v1/currencies/", &s.access).await;
    list.expect(200);
    let codes: Vec<&str> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert!(codes.len() >= 30);
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);
    let usd = app.get("/api/v1/currencies/usd", &s.access).await;
    usd.expect(200);
    assert_eq!(usd.body["code"], "USD");
    assert_eq!(usd.body["decimals"], 2);
    let r = app.get("/api/v1/currencies/XXX", &s.access).await;
    r.expect(404);
    assert_eq!(r.detail(), "Currency XXX not found");
    let new = json!({"code": "ZZT", "name": "Test Coin", "symbol": "Z"});
    app.post("/api/v1/currencies", &s.access, new.clone())
        .await
        .expect(403);
    app.post("/api/v1/currencies", &admin.access, new.clone())
        .await
        .expect(201);
    app.post("/api/v1/currencies", &admin.access, new)
        .await
        .expect(409);
    app.post(
        "/api/v1/currencies",
        &admin.access,
        json!({"code": "zz", "name": "x", "symbol": "x"}),
    )
    .await
    .expect(422);
    let r = app
        .put(
            "/api/v1/currencies/zzt",
            &admin.access,
            json!({"name": "Test Token"}),
        )
        .await;
    r.expect(200);
    assert_eq!(r.body["name"], "Test Token");
    assert_eq!(r.body["symbol"], "Z");
    app.patch(
        "/api/v1/currencies/ZZT",
        &admin.access,
        json!({"symbol": "T"}),
    )
    .await
    .expect(200);
    app.patch(
        "/api/v1/currencies/QQQ",
        &admin.access,
        json!({"symbol": "T"}),
    )
    .await
    .expect(404);
    app.delete("/api/v1/currencies/ZZT", &s.access)
        .await
        .expect(403);
    // In use: 409.
    app.post(
        "/api/v1/accounts",
        &s.access,
        json!({"name": "Z", "account_type": "cash", "currency_code": "ZZT"}),
    )
    .await
    .expect(201);
    app.delete("/api/v1/currencies/ZZT", &admin.access)
        .await
        .expect(409);
    app.delete("/api/v1/currencies/ZZT", &admin.access)
        .await
        .expect(409);
    app.delete("/api/v1/currencies/QQQ", &admin.access)
        .await
        .expect(404);
}

async fn rates_sync_and_conversion(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("gus").await;
    let r = app
        .get(
            "/api/v1/currencies/USD/rates?rate_date=2024-01-08",
            &s.access,
        )
        .await;
    r.expect(404);
    let r = app
        .get(
            "/api/v1/currencies/convert?from=EUR&to=USD&amount=100&date=2024-01-08",
            &s.access,
        )
        .await;
    r.expect(404);
    let sync = app
        .post(
            "/api/v1/currencies/sync-rates?base_currency=USD&sync_date=2024-01-08",
            &s.access,
            json!({}),
        )
        .await;
    sync.expect(200);
    assert_eq!(sync.body["base_currency"], "USD");
    assert_eq!(sync.body["date"], "2024-01-08");
    assert_eq!(sync.body["synced_count"], 2);
    assert!(sync.body["failed_count"].as_u64().unwrap() >= 28);
    // Idempotent.
    let again = app
        .post(
            "/api/v1/currencies/sync-rates?base_currency=USD&sync_date=2024-01-08",
            &s.access,
            json!({}),
        )
        .await;
    assert_eq!(again.body["synced_count"], 2);
    let rates = app
        .get(
            "/api/v1/currencies/USD/rates?rate_date=2024-01-08",
            &s.access,
        )
        .await;
    rates.expect(200);
    assert_eq!(rates.body["count"], 2);
    assert_eq!(rates.body["rates"]["EUR"], "1.0951");
    assert_eq!(rates.body["date"], "2024-01-08");
    // Direct, inverted, crossed through USD, identity.
    let conv = |q: &str| {
        let path = format!("/api/v1/currencies/convert?{q}");
        let token = s.access.clone();
        let app = &app;
        async move { app.get(&path, &token).await }
    };
    let r = conv("from=USD&to=EUR&amount=100&date=2024-01-08").await;
    r.expect(200);
    assert_eq!(r.body["rate"], "1.0951");
    assert_eq!(r.body["converted"], "109.51");
    let r = conv("from=EUR&to=USD&amount=1.0951&date=2024-01-08").await;
    r.expect(200);
    let converted: f64 = r.body["converted"].as_str().unwrap().parse().unwrap();
    assert!((converted - 1.0).abs() < 1e-6, "{converted}");
    let r = conv("from=EUR&to=GBP&amount=10&date=2024-01-08").await;
    r.expect(200);
    let r = conv("from=JPY&to=JPY&amount=5").await;
    r.expect(200);
    assert_eq!(r.body["rate"], "1.00");
    conv("from=USD&to=JPY&amount=5&date=2024-01-08")
        .await
        .expect(404);
    for q in [
        "from=EURO&to=USD&amount=1",
        "from=EUR&to=USD&amount=abc",
        "from=EUR&to=USD",
        "from=EUR&to=USD&amount=1&date=tomorrow",
    ] {
        conv(q).await.expect(422);
    }
    tokio::time::sleep(Duration::from_millis(1)).await;
}

/// `GET /securities/%2e%2e` once made the server ask Yahoo for `/v8/finance/chart` with no
/// symbol. Every route taking a symbol refuses one that is no ticker, with 422 naming it.
async fn path_like_symbols_are_refused_before_yahoo(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("hal").await;
    let acc = app.investment_account(&s, "Broker").await;
    for (method, path) in [
        ("GET", "/api/v1/securities/%2e%2e"),
        ("GET", "/api/v1/securities/%2E"),
        ("GET", "/api/v1/securities/..%2FAAPL"),
        ("GET", "/api/v1/securities/A%5CB"),
        ("GET", "/api/v1/securities/%2e%2e/prices"),
        ("POST", "/api/v1/securities/%2e%2e/sync"),
        ("POST", "/api/v1/securities/.%2e/sync"),
    ] {
        let r = app.raw(method, path, &s.access).await;
        assert_eq!(r.status, 422, "{method} {path}: {}", r.text);
        assert_eq!(
            r.body["detail"][0]["loc"],
            json!(["path", "symbol"]),
            "{path}"
        );
        let msg = r.body["detail"][0]["msg"].as_str().unwrap();
        assert!(msg.contains("is not a ticker symbol"), "{path}: {msg}");
    }
    let r = app
        .post(
            &format!("/api/v1/accounts/{acc}/holdings"),
            &s.access,
            json!({"security_id": "..", "shares": 1, "average_price_per_share": 1}),
        )
        .await;
    r.expect(422);
    assert!(r.text.contains("is not a ticker symbol"), "{}", r.text);
    let asked: Vec<String> = app
        .yahoo
        .all_seen()
        .into_iter()
        .map(|s| s.path)
        .filter(|p| p.starts_with("/v8") || p.starts_with("/v10") || p.starts_with("/v7"))
        .collect();
    assert!(asked.is_empty(), "Yahoo was asked {asked:?}");
}

/// quoteSummary answers 404 "No fundamentals data found" for a currency pair: the pair is
/// described from its chart, stored and synced.
async fn fx_pair_without_fundamentals_is_described_from_its_chart(db: Db) {
    let dir = fixtures_dir();
    let app = TestApp::start(db).await;
    let s = app.signup("ida").await;
    app.yahoo.route(
        "/v10/finance/quoteSummary/EURUSD=X",
        Reply::json(asset("quoteSummary_EURUSD_X_no_fundamentals.json")).status(404),
    );
    app.yahoo.route(
        "/v8/finance/chart/EURUSD=X",
        Reply::json(fixture(
            &dir,
            "chart_EURUSD_X_1d_2020-01-01_2020-01-03.json",
        )),
    );
    let r = app
        .post("/api/v1/securities/eurusd=x/sync", &s.access, json!({}))
        .await;
    r.expect(200);
    assert_eq!(r.body["prices_synced"], 3);
    let sec = &r.body["security"];
    assert_eq!(sec["symbol"], "EURUSD=X");
    assert_eq!(sec["name"], "EUR/USD");
    assert_eq!(sec["security_type"], "currency");
    assert_eq!(sec["currency"], "USD");
    assert_eq!(sec["exchange"], "CCY");
    let prices = app
        .get(
            "/api/v1/securities/EURUSD=X/prices?start=2020-01-01&end=2020-01-03",
            &s.access,
        )
        .await;
    prices.expect(200);
    assert_eq!(prices.body["count"], 3);
    // A symbol Yahoo does not know is still 404: the chart says so.
    app.yahoo.route(
        "/v10/finance/quoteSummary/NOPE",
        Reply::json(asset("quoteSummary_not_found.json")).status(404),
    );
    app.get("/api/v1/securities/NOPE", &s.access)
        .await
        .expect(404);
}
