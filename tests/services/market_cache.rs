//! The response cache: answers served from it, one upstream call for many identical requests,
//! invalidation, and a Redis that is down.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use finances::domain::{Interval, Symbol};
use finances::market::{
    self, CacheHealth, CacheSettings, CachedMarket, ChartRange, ChartRequest, MarketData,
};
use support::http::redis_url;
use support::yahoo::{asset, FakeYahoo, Reply};

const CHART: &str = "/v8/finance/chart/TEST";

fn request() -> ChartRequest {
    ChartRequest::range(
        Symbol::parse("TEST").unwrap(),
        Interval::D1,
        ChartRange::Mo1,
    )
}

async fn yahoo(delay: Duration) -> FakeYahoo {
    let yahoo = FakeYahoo::start().await;
    yahoo.route(
        CHART,
        Reply::json(asset("chart_TEST_1d_history.json")).delay(delay),
    );
    yahoo.route("/v7/finance/quote", Reply::json(asset("quote_TEST.json")));
    yahoo
}

fn connect(yahoo: &FakeYahoo, settings: &CacheSettings) -> Arc<CachedMarket> {
    market::connect(yahoo.settings(), settings).unwrap()
}

/// Settings on a key namespace of this test alone.
fn redis_settings(url: &str) -> CacheSettings {
    CacheSettings {
        redis_url: Some(url.to_string()),
        namespace: format!("finances-test-{}", uuid::Uuid::new_v4().simple()),
        // These tests are about sharing, not about a slow Redis (which pauses the cache and
        // goes to Yahoo, tested on its own): a busy test machine must not trip the deadline.
        redis_timeout: Duration::from_secs(10),
        ..CacheSettings::default()
    }
}

#[tokio::test]
async fn memory_cache_serves_repeats_and_forgets_on_invalidate() {
    let yahoo = yahoo(Duration::ZERO).await;
    let market = connect(&yahoo, &CacheSettings::default());
    let first = market.chart(&request()).await.unwrap();
    let second = market.chart(&request()).await.unwrap();
    assert_eq!(first, second);
    assert_eq!(yahoo.hits(CHART), 1);
    // Another interval is another entry.
    let weekly = ChartRequest::range(
        Symbol::parse("TEST").unwrap(),
        Interval::W1,
        ChartRange::Mo1,
    );
    market.chart(&weekly).await.unwrap();
    assert_eq!(yahoo.hits(CHART), 2);

    market.quote(&Symbol::parse("TEST").unwrap()).await.unwrap();
    market.invalidate(&Symbol::parse("TEST").unwrap()).await;
    market.chart(&request()).await.unwrap();
    market.quote(&Symbol::parse("TEST").unwrap()).await.unwrap();
    assert_eq!(yahoo.hits(CHART), 3);
    assert_eq!(yahoo.hits("/v7/finance/quote"), 2);
    assert_eq!(market.cache_health().await, CacheHealth::Disabled);
}

#[tokio::test]
async fn errors_are_not_cached() {
    let yahoo = FakeYahoo::start().await;
    yahoo.route(CHART, Reply::with_status(404, "application/json", "{}"));
    let market = connect(&yahoo, &CacheSettings::default());
    assert!(market.chart(&request()).await.is_err());
    yahoo.route(CHART, Reply::json(asset("chart_TEST_1d_history.json")));
    assert!(market.chart(&request()).await.is_ok());
}

#[tokio::test]
async fn fifty_concurrent_requests_make_one_upstream_call() {
    let yahoo = yahoo(Duration::from_millis(200)).await;
    let market = connect(&yahoo, &CacheSettings::default());
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let market = market.clone();
            tokio::spawn(async move { market.chart(&request()).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().bars.len(), 9);
    }
    assert_eq!(yahoo.hits(CHART), 1);
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_redis),
    ignore = "needs Redis: set FINANCES_TEST_REDIS_URL"
)]
async fn redis_serves_a_second_process() {
    let url = redis_url();
    let yahoo = yahoo(Duration::ZERO).await;
    let settings = redis_settings(&url);
    let one = connect(&yahoo, &settings);
    assert_eq!(one.cache_health().await, CacheHealth::Connected);
    let first = one.chart(&request()).await.unwrap();
    assert_eq!(yahoo.hits(CHART), 1);
    // A second client with no memory of its own: the answer comes from Redis.
    let two = connect(&yahoo, &settings);
    let second = two.chart(&request()).await.unwrap();
    assert_eq!(first, second);
    assert_eq!(yahoo.hits(CHART), 1);

    // Invalidation reaches every process.
    one.invalidate(&Symbol::parse("TEST").unwrap()).await;
    two.chart(&request()).await.unwrap();
    assert_eq!(yahoo.hits(CHART), 2);
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_redis),
    ignore = "needs Redis: set FINANCES_TEST_REDIS_URL"
)]
async fn redis_coalesces_across_processes() {
    let url = redis_url();
    let yahoo = yahoo(Duration::from_millis(300)).await;
    let settings = redis_settings(&url);
    let clients = [connect(&yahoo, &settings), connect(&yahoo, &settings)];
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let market = clients[i % 2].clone();
            tokio::spawn(async move { market.chart(&request()).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().bars.len(), 9);
    }
    assert_eq!(yahoo.hits(CHART), 1);
}

#[tokio::test]
async fn redis_down_goes_straight_to_yahoo() {
    let yahoo = yahoo(Duration::ZERO).await;
    let settings = CacheSettings {
        redis_url: Some("redis://127.0.0.1:1".to_string()),
        ..CacheSettings::default()
    };
    let market = connect(&yahoo, &settings);
    for _ in 0..3 {
        assert_eq!(market.chart(&request()).await.unwrap().bars.len(), 9);
    }
    assert_eq!(
        market
            .quote(&Symbol::parse("TEST").unwrap())
            .await
            .unwrap()
            .symbol
            .as_str(),
        "TEST"
    );
    market.invalidate(&Symbol::parse("TEST").unwrap()).await;
    // Nothing cached: each call went to Yahoo.
    assert_eq!(yahoo.hits(CHART), 3);
    match market.cache_health().await {
        CacheHealth::Unreachable(reason) => assert!(!reason.is_empty()),
        other => panic!("expected unreachable, got {other:?}"),
    }
    assert_eq!(
        market.cache_health().await.to_string().split(':').next(),
        Some("unreachable")
    );
}

#[test]
fn a_malformed_redis_url_is_refused() {
    let settings = CacheSettings {
        redis_url: Some("not a url".to_string()),
        ..CacheSettings::default()
    };
    assert!(market::connect(Default::default(), &settings).is_err());
}
