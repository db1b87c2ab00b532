//! Two servers on one database, as two `finances serve` processes sharing PostgreSQL and
//! Redis (or one SQLite file) would run: each with its own store handle, services and
//! in-process caches, both pointing at one Yahoo that counts the requests it answers.

use crate::support;

use std::time::Duration;

use serde_json::json;
use support::http::{Db, TestApp};
use support::yahoo::{asset, Reply};

const CHART: &str = "/v8/finance/chart/TEST";
const SUMMARY: &str = "/v10/finance/quoteSummary/TEST";

on_both_stores!(
    two_servers_sync_a_symbol_once,
    a_removed_user_is_refused_by_every_server_at_once,
);

async fn two_servers_sync_a_symbol_once(db: Db) {
    let a = TestApp::start(db).await;
    let b = a.twin().await;
    let s = a.signup("ann").await;
    // Slow enough that the two syncs overlap.
    a.yahoo.route(
        CHART,
        Reply::json(asset("chart_TEST_1d_history.json")).delay(Duration::from_millis(300)),
    );
    a.yahoo.route(
        SUMMARY,
        Reply::json(asset("quoteSummary_TEST.json")).delay(Duration::from_millis(300)),
    );

    // Both at once, the first time: the whole history is fetched once.
    let path = "/api/v1/securities/TEST/sync";
    let (ra, rb) = tokio::join!(
        a.post(path, &s.access, json!({})),
        b.post(path, &s.access, json!({}))
    );
    ra.expect(200);
    rb.expect(200);
    assert_eq!(a.yahoo.hits(CHART), 1, "one upstream chart request");
    let (fetched, waited) = if ra.body["prices_synced"] == 0 {
        (&rb, &ra)
    } else {
        (&ra, &rb)
    };
    assert_eq!(fetched.body["prices_synced"], 9);
    assert_eq!(waited.body["prices_synced"], 0);
    assert_eq!(
        waited.body["message"],
        "Prices of TEST were synced just now by another request"
    );
    assert_eq!(ra.body["security"]["id"], rb.body["security"]["id"]);
    assert_eq!(
        ra.body["security"]["last_synced_at"],
        rb.body["security"]["last_synced_at"]
    );

    // Again, the second server asking while the first, its bars fetched (and cached), is
    // still refreshing the profile: it waits and answers with what the first stored.
    let summaries = a.yahoo.hits(SUMMARY);
    let first = {
        let (client, url, token) = (a.client.clone(), a.url(path), s.access.clone());
        tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({}))
                .send()
                .await
                .map(|r| r.status().as_u16())
        })
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while a.yahoo.hits(SUMMARY) == summaries {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the first sync stalled"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let rb = b.post(path, &s.access, json!({})).await;
    assert_eq!(first.await.unwrap().unwrap(), 200);
    rb.expect(200);
    assert_eq!(rb.body["prices_synced"], 0, "{}", rb.text);
    assert_eq!(a.yahoo.hits(CHART), 2, "one more upstream chart request");

    let prices = b
        .get(
            "/api/v1/securities/TEST/prices?start=2024-01-01&end=2024-01-31",
            &s.access,
        )
        .await;
    prices.expect(200);
    assert_eq!(prices.body["count"], 9);
}

async fn a_removed_user_is_refused_by_every_server_at_once(db: Db) {
    let a = TestApp::start(db).await;
    let b = a.twin().await;
    let admin = a.admin("root").await;
    let gone = a.signup("gus").await;
    let idle = a.signup("hal").await;
    for app in [&a, &b] {
        for user in [&gone, &idle] {
            let r = app.get("/api/v1/users/me", &user.access).await;
            r.expect(200);
            assert_eq!(r.body["username"], user.username.as_str());
        }
    }

    a.delete(&format!("/api/v1/users/{}", gone.id), &admin.access)
        .await
        .expect(204);
    for app in [&b, &a] {
        app.get("/api/v1/users/me", &gone.access).await.expect(401);
        app.get("/api/v1/accounts", &gone.access).await.expect(401);
    }

    a.patch(
        &format!("/api/v1/users/{}", idle.id),
        &admin.access,
        json!({"is_active": false}),
    )
    .await
    .expect(200);
    for app in [&b, &a] {
        app.get("/api/v1/users/me", &idle.access).await.expect(401);
    }
    // And back: reactivated on the second server, accepted by the first at once.
    b.patch(
        &format!("/api/v1/users/{}", idle.id),
        &admin.access,
        json!({"is_active": true}),
    )
    .await
    .expect(200);
    a.get("/api/v1/users/me", &idle.access).await.expect(200);
}
