//! The original web client's own wire format, on both stores: form login, currency reads
//! without a token, a holding created from a search result's id, market figures present and
//! `market_cap` a JSON number.

use crate::support;

use reqwest::header::CONTENT_TYPE;
use reqwest::Method;
use serde_json::json;
use support::http::{Db, TestApp};

on_both_stores!(
    currency_reads_need_no_token_and_writes_do,
    a_holding_is_created_from_a_search_results_id_with_market_figures,
    a_security_looked_up_by_symbol_gets_its_history_in_the_background,
);

async fn currency_reads_need_no_token_and_writes_do(db: Db) {
    let app = TestApp::start(db).await;
    for path in [
        "/api/v1/currencies",
        "/api/v1/currencies/USD",
        "/api/v1/currencies/usd/rates",
        "/api/v1/currencies/convert?from=USD&to=USD&amount=5",
    ] {
        let r = app.call(Method::GET, path, None, None).await;
        // No rates are stored yet: that is a 404 of its own, not a 401.
        let expected = if path.ends_with("/rates") { 404 } else { 200 };
        assert_eq!(r.status, expected, "{path}: {}", r.text);
    }
    let r = app
        .call(Method::GET, "/api/v1/currencies", None, None)
        .await;
    assert!(r
        .body
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["code"] == "GBP"));
    for (method, path) in [
        (Method::POST, "/api/v1/currencies"),
        (Method::POST, "/api/v1/currencies/sync-rates"),
        (Method::DELETE, "/api/v1/currencies/USD"),
        (Method::PATCH, "/api/v1/currencies/USD"),
    ] {
        let r = app
            .call(method.clone(), path, None, Some(json!({"name": "x"})))
            .await;
        assert_eq!(r.status, 401, "{method} {path}: {}", r.text);
    }
}

async fn a_holding_is_created_from_a_search_results_id_with_market_figures(db: Db) {
    let app = TestApp::start(db).await;
    let email = "web@example.com";
    let password = "web-client-password";
    app.call(
        Method::POST,
        "/api/v1/auth/register",
        None,
        Some(json!({"email": email, "username": "web", "password": password})),
    )
    .await
    .expect(201);
    // The client logs in with an HTML form (OAuth2 password flow), by email.
    let r = app
        .send(
            app.request(Method::POST, "/api/v1/auth/login", None)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(format!(
                    "username={}&password={password}",
                    "web%40example.com"
                )),
        )
        .await;
    r.expect(200);
    let token = r.body["access_token"].as_str().unwrap().to_string();
    let broker = app
        .post(
            "/api/v1/accounts",
            &token,
            json!({"name": "Broker", "account_type": "brokerage", "is_investment_account": true}),
        )
        .await;
    broker.expect(201);
    let broker = broker.body["id"].as_str().unwrap().to_string();

    let r = app
        .get("/api/v1/securities/search?query=test", &token)
        .await;
    r.expect(200);
    let hit = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["symbol"] == "TEST")
        .unwrap()
        .clone();
    assert_eq!(hit["in_database"], false);
    let id = hit["id"]
        .as_str()
        .expect("a not-yet-stored result has an id");
    // The same result has the same id on the next search.
    let again = app.get("/api/v1/securities/search?q=test", &token).await;
    assert!(again
        .body
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["symbol"] == "TEST" && x["id"] == id));

    // The holding form sends the result's id as `security_id`, numbers as the inputs give them.
    let r = app
        .post(
            &format!("/api/v1/accounts/{broker}/holdings"),
            &token,
            json!({"security_id": id, "shares": 3, "average_price_per_share": 95.5,
                   "timestamp": "2024-01-10T09:30"}),
        )
        .await;
    r.expect(201);
    assert_eq!(r.body["security_id"], id);
    assert_eq!(r.body["security"]["symbol"], "TEST");
    assert_eq!(r.body["timestamp"], "2024-01-10T09:30:00Z");
    assert!(r.body["market_price"].is_number(), "{}", r.body);
    assert!(r.body["market_value"].is_string(), "{}", r.body);
    assert!(r.body["security"]["market_cap"].is_number(), "{}", r.body);
    // Now stored, under that id.
    let r = app.get("/api/v1/securities/TEST", &token).await;
    assert_eq!(r.body["id"], id);
    assert_eq!(r.body["in_database"], true);
    assert_eq!(r.body["market_cap"], json!(12345678900u64));

    // An id nobody was shown is still 404.
    let r = app
        .post(
            &format!("/api/v1/accounts/{broker}/holdings"),
            &token,
            json!({"security_id": uuid::Uuid::new_v4(), "shares": 1, "average_price_per_share": 1}),
        )
        .await;
    r.expect(404);
}

async fn a_security_looked_up_by_symbol_gets_its_history_in_the_background(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ivy").await;
    let r = app.get("/api/v1/securities/TEST", &s.access).await;
    r.expect(200);
    assert!(r.body["last_synced_at"].is_null());
    let r = app.until_synced("TEST", &s.access).await;
    assert!(r.body["last_price"].is_number(), "{}", r.body);
    let prices = app
        .get(
            "/api/v1/securities/TEST/prices?start=2024-01-01&end=2024-01-31",
            &s.access,
        )
        .await;
    prices.expect(200);
    assert_eq!(prices.body["count"], 9);
}
