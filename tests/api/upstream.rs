//! Yahoo misbehaving, over HTTP: hanging (deadlines, shutdown), rate limiting us, and a
//! per-user limit on lookups that reach it, with coalescing while Redis is down.

use crate::support;

use std::time::{Duration, Instant};

use finances::http::HttpSettings;
use finances::service::Deadlines;
use serde_json::json;
use support::http::{test_settings, Db, TestApp, TestOptions};
use support::yahoo::{asset, Reply};

on_both_stores!(
    a_hanging_yahoo_is_503_upstream_timeout_at_the_deadline,
    shutdown_answers_requests_left_after_the_grace_with_503,
    yahoos_rate_limit_is_503_with_its_own_code_and_retry_after,
    lookups_that_reach_yahoo_count_against_a_per_user_limit,
    concurrent_lookups_are_coalesced_while_redis_is_down,
);

/// A request deadline short enough for a test.
const DEADLINE: Duration = Duration::from_secs(2);
/// Generous room over a deadline for a loaded machine.
const SLACK: Duration = Duration::from_secs(4);

fn quick_deadlines() -> TestOptions {
    TestOptions {
        deadlines: Deadlines {
            request: DEADLINE,
            sync: DEADLINE,
        },
        ..TestOptions::default()
    }
}

async fn a_hanging_yahoo_is_503_upstream_timeout_at_the_deadline(db: Db) {
    let app = TestApp::start_opts(db, test_settings(), quick_deadlines()).await;
    let s = app.signup("hal").await;
    app.get("/api/v1/securities/TEST", &s.access)
        .await
        .expect(200);
    for path in [
        "/v8/finance/chart/TEST",
        "/v10/finance/quoteSummary/TEST",
        "/v10/finance/quoteSummary/HANG",
        "/v8/finance/chart/HANG",
        "/v1/finance/search",
    ] {
        app.yahoo.route(path, Reply::hang());
    }

    // A lookup of a symbol not stored yet, and a sync.
    for (method, path) in [
        (reqwest::Method::GET, "/api/v1/securities/HANG"),
        (reqwest::Method::POST, "/api/v1/securities/TEST/sync"),
    ] {
        let started = Instant::now();
        let r = app.call(method, path, Some(&s.access), None).await;
        let took = started.elapsed();
        r.expect(503);
        assert_eq!(
            r.body["error_code"], "UPSTREAM_TIMEOUT",
            "{path}: {}",
            r.text
        );
        assert!(r.detail().contains("did not answer"), "{}", r.text);
        assert!(
            took >= DEADLINE && took < DEADLINE + SLACK,
            "{path} answered after {took:?}"
        );
    }
    // The sync that timed out is no longer running: another may start.
    let r = app.get("/api/v1/securities/TEST", &s.access).await;
    assert_eq!(r.body["is_syncing"], false);
    assert!(!app.services.securities.is_syncing(&"TEST".parse().unwrap()));

    // A search still answers with the stored matches once Yahoo's part is given up.
    let started = Instant::now();
    let r = app
        .get("/api/v1/securities/search?query=test", &s.access)
        .await;
    let took = started.elapsed();
    r.expect(200);
    assert_eq!(r.body.as_array().unwrap().len(), 1, "{}", r.text);
    assert_eq!(r.body[0]["symbol"], "TEST");
    assert!(took < DEADLINE + SLACK, "search answered after {took:?}");

    // A profile that hangs leaves the chart, which describes a security too, time to answer.
    app.yahoo
        .route("/v10/finance/quoteSummary/HALF", Reply::hang());
    app.yahoo.route(
        "/v8/finance/chart/HALF",
        Reply::json(asset("chart_TEST_1d_history.json")),
    );
    let started = Instant::now();
    let r = app.get("/api/v1/securities/HALF", &s.access).await;
    let took = started.elapsed();
    r.expect(200);
    assert_eq!(r.body["symbol"], "HALF");
    assert!(took < DEADLINE + SLACK, "answered after {took:?}");
}

async fn shutdown_answers_requests_left_after_the_grace_with_503(db: Db) {
    let grace = Duration::from_secs(1);
    let options = TestOptions {
        deadlines: Deadlines {
            request: Duration::from_secs(60),
            sync: Duration::from_secs(60),
        },
        ..TestOptions::default()
    };
    let settings = HttpSettings {
        shutdown_grace: grace,
        ..test_settings()
    };
    let app = TestApp::start_opts(db, settings, options).await;
    let s = app.signup("ivy").await;
    app.yahoo
        .route("/v10/finance/quoteSummary/HANG", Reply::hang());
    app.yahoo.route("/v8/finance/chart/HANG", Reply::hang());
    let request = app
        .request(
            reqwest::Method::GET,
            "/api/v1/securities/HANG",
            Some(&s.access),
        )
        .send();
    let in_flight = tokio::spawn(async move {
        let r = request.await.expect("an answer");
        (r.status().as_u16(), r.text().await.unwrap_or_default())
    });
    tokio::time::sleep(Duration::from_millis(300)).await;

    let started = Instant::now();
    let stopped = tokio::time::timeout(Duration::from_secs(10), app.shutdown()).await;
    let took = started.elapsed();
    assert!(stopped.is_ok(), "the server did not stop within 10 s");
    assert!(took >= grace, "stopped after {took:?}, before the grace");
    let (status, body) = in_flight.await.unwrap();
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("SHUTTING_DOWN"), "{body}");
}

async fn yahoos_rate_limit_is_503_with_its_own_code_and_retry_after(db: Db) {
    let app = TestApp::start_opts(db, test_settings(), quick_deadlines()).await;
    let s = app.signup("jan").await;
    // The first read syncs in the background; a sync asked for while that one runs would
    // take its result instead of asking Yahoo.
    app.until_synced("TEST", &s.access).await.expect(200);
    app.yahoo.route(
        "/v8/finance/chart/TEST",
        Reply::with_status(429, "text/plain", "Too Many Requests").header("retry-after", "120"),
    );
    let r = app
        .post("/api/v1/securities/TEST/sync", &s.access, json!({}))
        .await;
    r.expect(503);
    assert_eq!(r.body["error_code"], "UPSTREAM_RATE_LIMITED", "{}", r.text);
    assert_eq!(r.header("retry-after"), Some("120"));
    assert_eq!(r.body["retry_after"], 120);
    assert!(r.detail().contains("Yahoo"), "{}", r.text);

    // Without a Retry-After from Yahoo, clients are still told when to come back.
    app.yahoo.route(
        "/v8/finance/chart/TEST",
        Reply::with_status(429, "text/plain", "Too Many Requests"),
    );
    let r = app
        .post("/api/v1/securities/TEST/sync", &s.access, json!({}))
        .await;
    r.expect(503);
    assert_eq!(r.body["error_code"], "UPSTREAM_RATE_LIMITED");
    let after: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(after >= 1, "{after}");
}

async fn lookups_that_reach_yahoo_count_against_a_per_user_limit(db: Db) {
    let settings = HttpSettings {
        lookups_per_minute: 3,
        ..test_settings()
    };
    let app = TestApp::start_with(db, settings).await;
    let a = app.signup("kit").await;
    let b = app.signup("lee").await;
    // b stores TEST: one of b's lookups.
    app.get("/api/v1/securities/TEST", &b.access)
        .await
        .expect(200);

    // An unknown symbol costs a: each call goes to Yahoo, until the limit.
    for _ in 0..3 {
        app.get("/api/v1/securities/ZZZZ", &a.access)
            .await
            .expect(404);
    }
    let yahoo_calls = app.yahoo.hits("/v10/finance/quoteSummary/ZZZZ");
    assert_eq!(yahoo_calls, 3);
    let r = app.get("/api/v1/securities/ZZZZ", &a.access).await;
    r.expect(429);
    assert_eq!(r.body["error_code"], "RATE_LIMITED");
    assert!(r.header("retry-after").is_some());
    assert_eq!(
        app.yahoo.hits("/v10/finance/quoteSummary/ZZZZ"),
        yahoo_calls,
        "a refused lookup reached Yahoo"
    );
    // Syncs count too; a search needing Yahoo's results answers with the stored matches only.
    app.post("/api/v1/securities/TEST/sync", &a.access, json!({}))
        .await
        .expect(429);
    let r = app
        .get("/api/v1/securities/search?query=test", &a.access)
        .await;
    r.expect(200);
    assert_eq!(r.body.as_array().unwrap().len(), 1, "{}", r.text);
    assert_eq!(app.yahoo.hits("/v1/finance/search"), 0);
    // What the store answers costs nothing.
    app.get("/api/v1/securities/TEST", &a.access)
        .await
        .expect(200);
    app.get("/api/v1/securities/search?query=test&limit=1", &a.access)
        .await
        .expect(200);

    // Another user has their own budget.
    let r = app
        .get("/api/v1/securities/search?query=test", &b.access)
        .await;
    r.expect(200);
    assert!(r.body.as_array().unwrap().len() > 1, "{}", r.text);
    assert_eq!(app.yahoo.hits("/v1/finance/search"), 1);
    app.post("/api/v1/securities/TEST/sync", &b.access, json!({}))
        .await
        .expect(200);
}

async fn concurrent_lookups_are_coalesced_while_redis_is_down(db: Db) {
    let options = TestOptions {
        // Nothing listens there: the cache and the rate limits find Redis down.
        redis: Some("redis://127.0.0.1:1".to_string()),
        ..TestOptions::default()
    };
    let app = TestApp::start_opts(db, test_settings(), options).await;
    let s = app.signup("max").await;
    app.yahoo.route(
        "/v10/finance/quoteSummary/NEWCO",
        Reply::json(asset("quoteSummary_TEST.json").replace("\"TEST\"", "\"NEWCO\""))
            .delay(Duration::from_millis(300)),
    );
    let calls: Vec<_> = (0..20)
        .map(|_| {
            app.request(
                reqwest::Method::GET,
                "/api/v1/securities/NEWCO",
                Some(&s.access),
            )
            .send()
        })
        .collect();
    let answers = futures::future::join_all(calls).await;
    for r in answers {
        assert_eq!(r.expect("an answer").status().as_u16(), 200);
    }
    assert_eq!(app.yahoo.hits("/v10/finance/quoteSummary/NEWCO"), 1);
}
