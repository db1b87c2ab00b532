//! The Yahoo client under a deadline, and without a network: retries that could not start in
//! time are not waited for, and a connection that cannot be made is not retried.

use crate::support;

use std::time::{Duration, Instant};

use finances::domain::{Interval, Symbol};
use finances::market::{ChartRange, ChartRequest, Deadline, MarketError, YahooClient};
use support::yahoo::{refusing_url, FakeYahoo, Reply};

const CHART: &str = "/v8/finance/chart/TEST";

fn request() -> ChartRequest {
    ChartRequest::range(
        Symbol::parse("TEST").unwrap(),
        Interval::D1,
        ChartRange::Mo1,
    )
}

/// Settings whose backoff is far longer than any bound below, so that a retry shows.
fn slow_retries(yahoo: &FakeYahoo) -> finances::market::YahooSettings {
    finances::market::YahooSettings {
        retries: 3,
        min_retry_delay: Duration::from_secs(20),
        max_retry_delay: Duration::from_secs(60),
        ..yahoo.settings()
    }
}

#[tokio::test]
async fn a_retry_that_could_not_start_before_the_deadline_is_not_waited_for() {
    let yahoo = FakeYahoo::start().await;
    yahoo.route(CHART, Reply::with_status(503, "text/plain", "busy"));
    let client = YahooClient::new(slow_retries(&yahoo)).unwrap();
    let outcome = Deadline::after(Duration::from_secs(5))
        .run(client.fetch_chart(&request()))
        .await;
    // Yahoo's own failure, not the deadline's.
    let err = outcome.expect("answered before the deadline").unwrap_err();
    assert!(
        matches!(&err, MarketError::Unavailable(m) if m.contains("503")),
        "{err:?}"
    );
    assert_eq!(yahoo.hits(CHART), 1);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_deadline_answers_rate_limited_at_once() {
    let yahoo = FakeYahoo::start().await;
    yahoo.route(
        CHART,
        Reply::with_status(429, "text/plain", "Too Many Requests").header("retry-after", "30"),
    );
    let client = YahooClient::new(slow_retries(&yahoo)).unwrap();
    let err = Deadline::after(Duration::from_secs(5))
        .run(client.fetch_chart(&request()))
        .await
        .expect("answered before the deadline")
        .unwrap_err();
    assert_eq!(
        err,
        MarketError::RateLimited {
            retry_after: Some(Duration::from_secs(30))
        }
    );
    assert_eq!(yahoo.hits(CHART), 1);

    // Within the deadline, Yahoo's Retry-After is honoured as before.
    yahoo.route_seq(
        CHART,
        &[],
        vec![
            Reply::with_status(429, "text/plain", "Too Many Requests").header("retry-after", "1"),
            Reply::json(support::yahoo::asset("chart_TEST_1d_history.json")),
        ],
    );
    let chart = Deadline::after(Duration::from_secs(10))
        .run(client.fetch_chart(&request()))
        .await
        .expect("answered before the deadline")
        .unwrap();
    assert_eq!(chart.bars.len(), 9);
    assert_eq!(yahoo.hits(CHART), 3);
}

#[tokio::test]
async fn a_refused_connection_is_offline_at_once_without_retries() {
    let yahoo = FakeYahoo::start().await;
    let settings = finances::market::YahooSettings {
        base_url: Some(refusing_url()),
        ..slow_retries(&yahoo)
    };
    let client = YahooClient::new(settings).unwrap();
    let started = Instant::now();
    let err = client.fetch_chart(&request()).await.unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, MarketError::Offline(_)), "{err:?}");
    assert!(err.to_string().starts_with("offline"), "{err}");
    // One retry would take 20 s.
    assert!(took < Duration::from_secs(5), "took {took:?}");

    // The crumb session fails the same way: a quote is offline too, as quickly.
    let started = Instant::now();
    let err = client
        .fetch_quote(&Symbol::parse("TEST").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, MarketError::Offline(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}
