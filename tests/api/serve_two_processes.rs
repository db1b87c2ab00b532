//! Two `finances serve` processes on one PostgreSQL database and one Redis, as deployed behind
//! a load balancer: concurrent syncs of one symbol from both make one upstream fetch, and a
//! user deleted by anyone is refused by both at once.

use crate::support;

use std::time::Duration;

use serde_json::{json, Value};
use support::served::Served;
use support::yahoo::{asset, FakeYahoo, Reply};

const SECRET: &str = "two-processes-secret-0123456789abcdef0123456789";
const CHART: &str = "/v8/finance/chart/TEST";

fn serve(database_url: &str, redis_url: &str, yahoo: &FakeYahoo) -> Served {
    Served::start(
        yahoo,
        &[
            ("FINANCES_DATABASE_URL", database_url),
            ("FINANCES_REDIS_URL", redis_url),
            ("FINANCES_JWT_SECRET", SECRET),
            ("FINANCES_RATE_LIMIT_AUTH_PER_MINUTE", "0"),
        ],
    )
}

/// The test Redis, in a database of this test's own, emptied first: nothing cached by an
/// earlier run answers for Yahoo.
async fn fresh_redis() -> String {
    let base = support::http::redis_url();
    let url = format!("{}/14", base.trim_end_matches('/'));
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let _: () = redis::cmd("FLUSHDB").query_async(&mut conn).await.unwrap();
    url
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(all(finances_test_postgres, finances_test_redis)),
    ignore = "needs PostgreSQL and Redis: set FINANCES_TEST_DATABASE_URL and FINANCES_TEST_REDIS_URL"
)]
async fn two_processes_sync_a_symbol_once_and_refuse_a_deleted_user_at_once() {
    let pg = finances::store::testing::postgres().await;
    let redis = fresh_redis().await;
    let yahoo = FakeYahoo::start().await;
    // Slow enough that the two syncs overlap.
    yahoo.route(
        CHART,
        Reply::json(asset("chart_TEST_1d_history.json")).delay(Duration::from_millis(300)),
    );
    yahoo.route(
        "/v10/finance/quoteSummary/TEST",
        Reply::json(asset("quoteSummary_TEST.json")),
    );
    // One after the other: each applies the migrations it finds missing.
    let (a, b) = tokio::task::block_in_place(|| {
        let a = serve(pg.url(), &redis, &yahoo);
        let b = serve(pg.url(), &redis, &yahoo);
        (a, b)
    });
    let client = reqwest::Client::new();
    let r = client
        .post(a.url("/api/v1/auth/register"))
        .json(&json!({"email": "two@example.com", "username": "two", "password": "two-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let user: Value = r.json().await.unwrap();
    let login: Value = client
        .post(b.url("/api/v1/auth/login"))
        .json(&json!({"username": "two", "password": "two-password"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap().to_string();

    let sync = |server: &Served| {
        client
            .post(server.url("/api/v1/securities/TEST/sync"))
            .bearer_auth(&token)
            .send()
    };
    let (ra, rb) = tokio::join!(sync(&a), sync(&b));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.status().as_u16(), 200);
    assert_eq!(rb.status().as_u16(), 200);
    assert_eq!(yahoo.hits(CHART), 1, "one upstream chart request for both");
    let (ra, rb): (Value, Value) = (ra.json().await.unwrap(), rb.json().await.unwrap());
    let mut synced = [ra["prices_synced"].clone(), rb["prices_synced"].clone()];
    synced.sort_by_key(|v| v.as_u64());
    // The recorded history: ten days, one of them without a close.
    assert_eq!(synced, [json!(0), json!(9)]);

    // Both know the user; then another process deletes it.
    let me = |server: &Served| {
        client
            .get(server.url("/api/v1/users/me"))
            .bearer_auth(&token)
            .send()
    };
    for server in [&a, &b] {
        assert_eq!(me(server).await.unwrap().status().as_u16(), 200);
    }
    let other = finances::store::open(pg.url()).await.unwrap();
    let id = uuid::Uuid::parse_str(user["id"].as_str().unwrap()).unwrap();
    other.delete_user(id).await.unwrap();
    for server in [&a, &b] {
        let status = me(server).await.unwrap().status().as_u16();
        assert_eq!(status, 401, "{}", server.base);
    }
}
