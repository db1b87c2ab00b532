//! Institutions, accounts, account values and holdings over HTTP, and owner-only access:
//! another user's resources answer 404 on every route.

use crate::support;

use std::str::FromStr;

use finances::domain::{AccountType, CurrencyCode, Interval, NewAccount, PriceBar, Symbol};
use finances::http::HttpSettings;
use rust_decimal::Decimal;
use serde_json::json;
use support::http::{test_settings, Db, Res, TestApp};
use uuid::Uuid;

on_both_stores!(
    institutions_crud,
    an_institution_url_may_be_a_bare_host,
    accounts_crud_and_figures,
    account_values_crud,
    holdings_crud_with_market_figures,
    another_users_resources_are_404,
    list_answers_follow_writes_made_anywhere,
    remembered_list_answers_follow_writes_made_anywhere,
);

fn id(v: &serde_json::Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// `ibkr.com` is `https://ibkr.com`, on creation and on update; what is neither an address nor a
/// host name is still refused, and 500 characters bound what is stored.
async fn an_institution_url_may_be_a_bare_host(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("hal").await;
    let r = app
        .post(
            "/api/v1/financial-institutions",
            &s.access,
            json!({"name": "IBKR", "url": " ibkr.com "}),
        )
        .await;
    r.expect(201);
    assert_eq!(r.body["url"], "https://ibkr.com");
    let path = format!("/api/v1/financial-institutions/{}", id(&r.body));
    let r = app
        .patch(&path, &s.access, json!({"url": "www.ibkr.com/en/home"}))
        .await;
    r.expect(200);
    assert_eq!(r.body["url"], "https://www.ibkr.com/en/home");
    let r = app.get(&path, &s.access).await;
    assert_eq!(r.body["url"], "https://www.ibkr.com/en/home");
    for bad in [
        "ibkr",
        "javascript:alert(1)",
        "ibkr.com/a b",
        &format!("{}.com", "a".repeat(489)),
    ] {
        app.post(
            "/api/v1/financial-institutions",
            &s.access,
            json!({"name": "B", "url": bad}),
        )
        .await
        .expect(422);
    }
    // 492 characters typed are 500 stored.
    let longest = format!("{}.com", "a".repeat(488));
    let r = app
        .post(
            "/api/v1/financial-institutions",
            &s.access,
            json!({"name": "Long", "url": longest}),
        )
        .await;
    r.expect(201);
    assert_eq!(r.body["url"].as_str().unwrap().len(), 500);
}

async fn institutions_crud(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let r = app
        .post(
            "/api/v1/financial-institutions/",
            &s.access,
            json!({"name": "Big Bank", "url": "https://bank.example"}),
        )
        .await;
    r.expect(201);
    assert_eq!(r.body["user_id"], s.id.to_string());
    assert_eq!(r.body["url"], "https://bank.example");
    let inst = id(&r.body);
    app.post(
        "/api/v1/financial-institutions",
        &s.access,
        json!({"name": "Another"}),
    )
    .await
    .expect(201);
    for bad in [
        json!({"name": ""}),
        json!({"name": "x".repeat(256)}),
        json!({"name": "B", "url": "ftp://x"}),
        json!({"name": "B", "url": format!("https://{}", "a".repeat(500))}),
    ] {
        app.post("/api/v1/financial-institutions", &s.access, bad)
            .await
            .expect(422);
    }
    let list = app.get("/api/v1/financial-institutions", &s.access).await;
    list.expect(200);
    assert_eq!(list.header("x-total-count"), Some("2"));
    assert_eq!(list.body[0]["name"], "Another");
    let path = format!("/api/v1/financial-institutions/{inst}");
    app.get(&path, &s.access).await.expect(200);
    let r = app
        .put(&path, &s.access, json!({"name": "Bigger Bank"}))
        .await;
    r.expect(200);
    assert_eq!(r.body["name"], "Bigger Bank");
    assert_eq!(r.body["url"], "https://bank.example");
    let r = app.patch(&path, &s.access, json!({"url": null})).await;
    r.expect(200);
    assert!(r.body["url"].is_null());
    // Deleting keeps its accounts, unlinked.
    let acc = app
        .post(
            "/api/v1/accounts",
            &s.access,
            json!({"name": "Chequing", "account_type": "checking", "financial_institution_id": inst}),
        )
        .await;
    acc.expect(201);
    app.delete(&path, &s.access).await.expect(204);
    app.get(&path, &s.access).await.expect(404);
    app.delete(&path, &s.access).await.expect(404);
    let acc = app
        .get(&format!("/api/v1/accounts/{}", id(&acc.body)), &s.access)
        .await;
    acc.expect(200);
    assert!(acc.body["financial_institution_id"].is_null());
}

async fn accounts_crud_and_figures(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ben").await;
    let r = app
        .post(
            "/api/v1/accounts/",
            &s.access,
            json!({"name": "Visa", "account_type": "Credit_Card", "interest_rate": "19.99"}),
        )
        .await;
    r.expect(201);
    assert_eq!(r.body["account_type"], "credit_card");
    assert_eq!(r.body["currency_code"], "USD");
    assert_eq!(r.body["is_asset"], false);
    assert_eq!(r.body["is_investment_account"], false);
    assert_eq!(r.body["interest_rate"], "19.99");
    let visa = id(&r.body);
    let r = app
        .post(
            "/api/v1/accounts",
            &s.access,
            json!({"name": "Savings", "account_type": "savings", "currency_code": "eur", "interest_rate": 2.5}),
        )
        .await;
    r.expect(201);
    assert_eq!(r.body["currency_code"], "EUR");
    assert_eq!(r.body["interest_rate"], "2.50");
    for (bad, status) in [
        (json!({"name": "X", "account_type": "piggy"}), 422),
        (json!({"name": "", "account_type": "cash"}), 422),
        (
            json!({"name": "X", "account_type": "cash", "interest_rate": "100.01"}),
            422,
        ),
        (
            json!({"name": "X", "account_type": "cash", "interest_rate": "1.234"}),
            422,
        ),
        (
            json!({"name": "X", "account_type": "cash", "currency_code": "XXX"}),
            404,
        ),
        (
            json!({"name": "X", "account_type": "cash", "financial_institution_id": Uuid::new_v4()}),
            404,
        ),
        (
            json!({"name": "X", "account_type": "cash", "financial_institution_id": "nope"}),
            422,
        ),
    ] {
        let r = app.post("/api/v1/accounts", &s.access, bad.clone()).await;
        assert_eq!(r.status, status, "{bad}: {}", r.text);
    }
    let list = app.get("/api/v1/accounts?limit=1", &s.access).await;
    list.expect(200);
    assert_eq!(list.header("x-total-count"), Some("2"));
    assert_eq!(list.body[0]["name"], "Savings");
    let list = app.get("/api/v1/accounts?skip=1", &s.access).await;
    assert_eq!(list.body[0]["name"], "Visa");

    let path = format!("/api/v1/accounts/{visa}");
    let r = app.get(&path, &s.access).await;
    r.expect(200);
    assert!(r.body["current_balance"].is_null());
    assert!(r.body["current_cash_balance"].is_null());
    assert_eq!(r.body["market_value"], "0");
    app.post(
        &format!("{path}/values"),
        &s.access,
        json!({"balance": "1000.50", "timestamp": "2024-01-02T00:00:00Z"}),
    )
    .await
    .expect(201);
    app.post(
        &format!("{path}/values"),
        &s.access,
        json!({"balance": 250, "timestamp": "2024-02-02T00:00:00Z"}),
    )
    .await
    .expect(201);
    let r = app.get(&path, &s.access).await;
    assert_eq!(r.body["current_balance"], "250.00");

    let r = app
        .patch(
            &path,
            &s.access,
            json!({"name": "Visa Gold", "interest_rate": null}),
        )
        .await;
    r.expect(200);
    assert_eq!(r.body["name"], "Visa Gold");
    assert!(r.body["interest_rate"].is_null());
    let r = app
        .put(&path, &s.access, json!({"account_type": "LOAN"}))
        .await;
    r.expect(200);
    assert_eq!(r.body["account_type"], "loan");
    app.put(&path, &s.access, json!({"account_type": "nope"}))
        .await
        .expect(422);
    app.delete(&path, &s.access).await.expect(204);
    app.get(&path, &s.access).await.expect(404);
    app.get(&format!("{path}/values"), &s.access)
        .await
        .expect(404);
}

async fn account_values_crud(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("cat").await;
    let broker = app.investment_account(&s, "Broker").await;
    let base = format!("/api/v1/accounts/{broker}/values");
    let r = app.post(&base, &s.access, json!({"balance": "10"})).await;
    r.expect(400);
    assert!(r.detail().contains("cash_balance"));
    app.post(
        &base,
        &s.access,
        json!({"balance": "-1", "cash_balance": "0"}),
    )
    .await
    .expect(422);
    let mut ids = Vec::new();
    for (i, day) in ["2024-01-01", "2024-01-02", "2024-01-03"]
        .iter()
        .enumerate()
    {
        let r = app
            .post(
                &base,
                &s.access,
                json!({"balance": format!("{}.5", 100 + i), "cash_balance": 7,
                       "timestamp": format!("{day}T12:00:00Z")}),
            )
            .await;
        r.expect(201);
        assert_eq!(r.body["account_id"], broker.to_string());
        ids.push(id(&r.body));
    }
    let dup = app
        .post(
            &base,
            &s.access,
            json!({"balance": "1", "cash_balance": "1", "timestamp": "2024-01-01T12:00:00Z"}),
        )
        .await;
    dup.expect(409);
    let list = app.get(&format!("{base}/"), &s.access).await;
    list.expect(200);
    assert_eq!(list.header("x-total-count"), Some("3"));
    assert_eq!(list.body[0]["balance"], "102.50");
    assert_eq!(list.body[0]["cash_balance"], "7.00");
    let window = app
        .get(
            &format!("{base}?start=2024-01-02T00:00:00Z&end=2024-01-02T23:59:59Z"),
            &s.access,
        )
        .await;
    assert_eq!(window.body.as_array().unwrap().len(), 1);
    let one = format!("{base}/{}", ids[0]);
    let r = app.put(&one, &s.access, json!({"balance": 99.99})).await;
    r.expect(200);
    assert_eq!(r.body["balance"], "99.99");
    let r = app
        .patch(
            &one,
            &s.access,
            json!({"timestamp": "2024-01-02T12:00:00Z"}),
        )
        .await;
    r.expect(409);
    let acc = app
        .get(&format!("/api/v1/accounts/{broker}"), &s.access)
        .await;
    assert_eq!(acc.body["current_balance"], "102.50");
    assert_eq!(acc.body["current_cash_balance"], "7.00");
    app.delete(&one, &s.access).await.expect(204);
    app.delete(&one, &s.access).await.expect(404);
    app.put(&one, &s.access, json!({"balance": 1}))
        .await
        .expect(404);
    app.get(&format!("{base}/{}", Uuid::new_v4()), &s.access)
        .await
        .expect(404);
}

async fn holdings_crud_with_market_figures(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("dan").await;
    let broker = app.investment_account(&s, "Broker").await;
    let base = format!("/api/v1/accounts/{broker}/holdings");
    // By symbol: looked up on Yahoo and stored.
    let r = app
        .post(
            &base,
            &s.access,
            json!({"security_id": "test", "shares": "10.5", "average_price_per_share": 100,
                   "timestamp": "2024-01-10T00:00:00Z"}),
        )
        .await;
    r.expect(201);
    assert_eq!(r.body["shares"], "10.500000");
    assert_eq!(r.body["average_price_per_share"], "100.00");
    assert_eq!(r.body["cost_basis"], "1050.00");
    assert_eq!(r.body["security"]["symbol"], "TEST");
    let security_id = r.body["security_id"].as_str().unwrap().to_string();
    let first = id(&r.body);
    // By UUID, a later snapshot.
    let r = app
        .post(
            &base,
            &s.access,
            json!({"security_id": security_id, "shares": 12, "average_price_per_share": "101.5",
                   "timestamp": "2024-01-12T00:00:00Z"}),
        )
        .await;
    r.expect(201);
    let second = id(&r.body);
    // The security's first use fetched its daily history: market figures at once.
    assert!(r.body["market_price"].is_number(), "{}", r.body);
    assert!(r.body["market_value"].is_string());
    // A sync refreshes them (market price a JSON number).
    app.post("/api/v1/securities/TEST/sync", &s.access, json!({}))
        .await
        .expect(200);
    let r = app.get(&format!("{base}/{second}"), &s.access).await;
    r.expect(200);
    let price = r.body["market_price"].as_f64().expect("a number");
    assert!(price > 0.0);
    assert!(r.body["market_value"].is_string());
    assert!(r.body["unrealized_gain"].is_string());
    let pct = r.body["unrealized_gain_pct"].as_str().unwrap();
    assert_eq!(pct.split('.').nth(1).map(str::len), Some(2), "{pct}");
    // Account market value: current holdings at the latest close.
    let acc = app
        .get(&format!("/api/v1/accounts/{broker}"), &s.access)
        .await;
    let mv: f64 = acc.body["market_value"].as_str().unwrap().parse().unwrap();
    assert!((mv - price * 12.0).abs() < 0.01, "{mv} vs {}", price * 12.0);

    let all = app.get(&base, &s.access).await;
    assert_eq!(all.header("x-total-count"), Some("2"));
    assert_eq!(all.body[0]["id"], second);
    let current = app.get(&format!("{base}?current=true"), &s.access).await;
    assert_eq!(current.body.as_array().unwrap().len(), 1);
    let everywhere = app.get("/api/v1/holdings", &s.access).await;
    everywhere.expect(200);
    assert_eq!(everywhere.body.as_array().unwrap().len(), 1);
    assert_eq!(everywhere.body[0]["id"], second);

    for (bad, status) in [
        (
            json!({"security_id": "TEST", "shares": 0, "average_price_per_share": 1}),
            422,
        ),
        (
            json!({"security_id": "TEST", "shares": "1.0000001", "average_price_per_share": 1}),
            422,
        ),
        (
            json!({"security_id": "TEST", "shares": 1, "average_price_per_share": -1}),
            422,
        ),
        (
            json!({"security_id": "NOPE", "shares": 1, "average_price_per_share": 1}),
            404,
        ),
        (
            json!({"security_id": Uuid::new_v4(), "shares": 1, "average_price_per_share": 1}),
            404,
        ),
        (
            json!({"security_id": "bad symbol!", "shares": 1, "average_price_per_share": 1}),
            422,
        ),
        (
            json!({"security_id": "TEST", "shares": 1, "average_price_per_share": 1,
                   "timestamp": "2024-01-10T00:00:00Z"}),
            409,
        ),
    ] {
        let r = app.post(&base, &s.access, bad.clone()).await;
        assert_eq!(r.status, status, "{bad}: {}", r.text);
    }
    // Not an investment account.
    let cash = app
        .post(
            "/api/v1/accounts",
            &s.access,
            json!({"name": "Cash", "account_type": "cash"}),
        )
        .await;
    let r = app
        .post(
            &format!("/api/v1/accounts/{}/holdings", id(&cash.body)),
            &s.access,
            json!({"security_id": "TEST", "shares": 1, "average_price_per_share": 1}),
        )
        .await;
    r.expect(400);
    assert_eq!(
        r.detail(),
        "Holdings can only be added to investment accounts"
    );

    let one = format!("{base}/{first}");
    let r = app.patch(&one, &s.access, json!({"shares": 11})).await;
    r.expect(200);
    assert_eq!(r.body["shares"], "11.000000");
    let r = app
        .put(
            &one,
            &s.access,
            json!({"security_id": "TEST", "average_price_per_share": "90"}),
        )
        .await;
    r.expect(200);
    assert_eq!(r.body["average_price_per_share"], "90.00");
    app.delete(&one, &s.access).await.expect(204);
    app.get(&one, &s.access).await.expect(404);
}

async fn another_users_resources_are_404(db: Db) {
    let app = TestApp::start(db).await;
    let a = app.signup("alice").await;
    let b = app.signup("bob").await;
    let inst = app
        .post(
            "/api/v1/financial-institutions",
            &a.access,
            json!({"name": "A Bank"}),
        )
        .await;
    let inst = id(&inst.body);
    let acc = app.investment_account(&a, "A Broker").await;
    let value = app
        .post(
            &format!("/api/v1/accounts/{acc}/values"),
            &a.access,
            json!({"balance": 5, "cash_balance": 1}),
        )
        .await;
    let value = id(&value.body);
    let holding = app
        .post(
            &format!("/api/v1/accounts/{acc}/holdings"),
            &a.access,
            json!({"security_id": "TEST", "shares": 1, "average_price_per_share": 1}),
        )
        .await;
    holding.expect(201);
    let holding = id(&holding.body);

    let paths = [
        format!("/api/v1/financial-institutions/{inst}"),
        format!("/api/v1/accounts/{acc}"),
        format!("/api/v1/accounts/{acc}/values/{value}"),
        format!("/api/v1/accounts/{acc}/holdings/{holding}"),
    ];
    let patches = [
        json!({"name": "stolen"}),
        json!({"name": "stolen"}),
        json!({"balance": 1}),
        json!({"shares": 99}),
    ];
    for (path, patch) in paths.iter().zip(patches) {
        for r in [
            app.get(path, &b.access).await,
            app.put(path, &b.access, patch.clone()).await,
            app.patch(path, &b.access, patch.clone()).await,
            app.delete(path, &b.access).await,
        ] {
            assert_eq!(r.status, 404, "{path}: {}", r.text);
            assert_eq!(r.body["error_code"], "NOT_FOUND");
        }
    }
    // Nor list or create inside A's account, nor link A's institution.
    for path in [
        format!("/api/v1/accounts/{acc}/values"),
        format!("/api/v1/accounts/{acc}/holdings"),
    ] {
        app.get(&path, &b.access).await.expect(404);
    }
    app.post(
        &format!("/api/v1/accounts/{acc}/values"),
        &b.access,
        json!({"balance": 5, "cash_balance": 1}),
    )
    .await
    .expect(404);
    app.post(
        &format!("/api/v1/accounts/{acc}/holdings"),
        &b.access,
        json!({"security_id": "TEST", "shares": 1, "average_price_per_share": 1}),
    )
    .await
    .expect(404);
    let r = app
        .post(
            "/api/v1/accounts",
            &b.access,
            json!({"name": "X", "account_type": "cash", "financial_institution_id": inst}),
        )
        .await;
    r.expect(404);
    assert_eq!(r.detail(), "Financial institution not found");
    // Lists show only one's own.
    let list = app.get("/api/v1/accounts", &b.access).await;
    assert_eq!(list.body.as_array().unwrap().len(), 0);
    assert_eq!(list.header("x-total-count"), Some("0"));
    assert_eq!(app.get("/api/v1/holdings", &b.access).await.body, json!([]));
    // A's things are intact.
    for path in &paths {
        app.get(path, &a.access).await.expect(200);
    }
    let h = app.get(&paths[3], &a.access).await;
    assert_eq!(h.body["shares"], "1.000000");
}

async fn conditional_get(app: &TestApp, path: &str, token: &str, etag: &str) -> Res {
    app.send(
        app.request(reqwest::Method::GET, path, Some(token))
            .header("If-None-Match", etag),
    )
    .await
}

/// List answers carry an ETag of the data version, answer 304 while it holds, and are never
/// served stale: writes made outside this server (another process, the TUI, a sync) show in
/// the very next answer.
async fn list_answers_follow_writes_made_anywhere(db: Db) {
    follow_writes(db, 0).await;
}

/// The same with rendered bodies remembered.
async fn remembered_list_answers_follow_writes_made_anywhere(db: Db) {
    follow_writes(db, 16 << 20).await;
}

async fn follow_writes(db: Db, response_cache_bytes: u64) {
    let settings = HttpSettings {
        response_cache_bytes,
        ..test_settings()
    };
    let app = TestApp::start_with(db, settings).await;
    let s = app.signup("erin").await;
    let broker = app.investment_account(&s, "Broker").await;

    let first = app.get("/api/v1/accounts", &s.access).await;
    first.expect(200);
    let etag = first.header("etag").expect("an ETag").to_string();
    assert_eq!(first.header("cache-control"), Some("private, no-cache"));
    let again = app.get("/api/v1/accounts", &s.access).await;
    assert_eq!(
        (again.text.as_str(), again.header("etag")),
        (first.text.as_str(), Some(etag.as_str()))
    );
    assert_eq!(again.header("x-total-count"), Some("1"));
    let unchanged = conditional_get(&app, "/api/v1/accounts", &s.access, &etag).await;
    unchanged.expect(304);
    assert!(unchanged.text.is_empty());
    assert_eq!(unchanged.header("etag"), Some(etag.as_str()));
    // A malformed or foreign validator is simply not a match.
    for garbage in ["\"unterminated", ",,,", "W/", "\"0-0-0-0\""] {
        let r = conditional_get(&app, "/api/v1/accounts", &s.access, garbage).await;
        r.expect(200);
        assert_eq!(r.text, first.text);
    }

    // Another process writes to the same database.
    let other = finances::store::open(app.store_url()).await.unwrap();
    let user = other.user(s.id).await.unwrap().unwrap();
    let account = NewAccount::new(
        "Savings",
        AccountType::Savings,
        CurrencyCode::usd(),
        None,
        false,
        None,
    )
    .unwrap()
    .into_account(Uuid::new_v4(), user.id, finances::domain::now());
    other.insert_account(&account).await.unwrap();
    let changed = conditional_get(&app, "/api/v1/accounts", &s.access, &etag).await;
    changed.expect(200);
    assert_eq!(changed.header("x-total-count"), Some("2"));
    assert_eq!(changed.body[1]["name"], "Savings");
    assert_ne!(changed.header("etag"), Some(etag.as_str()));

    // Market data written elsewhere (a sync by another process) moves the holdings' figures.
    let holdings = format!("/api/v1/accounts/{broker}/holdings");
    app.post(
        &holdings,
        &s.access,
        json!({"security_id": "TEST", "shares": 2, "average_price_per_share": 10}),
    )
    .await
    .expect(201);
    app.post("/api/v1/securities/TEST/sync", &s.access, json!({}))
        .await
        .expect(200);
    let before = app.get(&holdings, &s.access).await;
    before.expect(200);
    assert!(before.body[0]["market_price"].is_number());
    let security = other
        .security_by_symbol(&Symbol::parse("TEST").unwrap())
        .await
        .unwrap()
        .unwrap();
    let close = Decimal::from_str("4242.5").unwrap();
    let bar = PriceBar {
        security_id: security.id,
        interval: Interval::D1,
        timestamp: finances::domain::now() + chrono::Duration::days(1),
        open: close,
        high: close,
        low: close,
        close,
        adj_close: Some(close),
        volume: 1,
    };
    other.save_sync(&security, &[bar]).await.unwrap();
    let after = app.get(&holdings, &s.access).await;
    after.expect(200);
    assert_eq!(after.body[0]["market_price"], json!(4242.5));
    assert_eq!(after.body[0]["market_value"], "8485.00");
    assert_ne!(after.header("etag"), before.header("etag"));

    // What one user was answered is never another's: someone else gets their own (empty)
    // list, and 404 for the first user's holdings even after they were answered.
    let mallory = app.signup("mallory").await;
    let theirs = app.get("/api/v1/accounts", &mallory.access).await;
    theirs.expect(200);
    assert_eq!(theirs.body, json!([]));
    assert_ne!(theirs.header("etag"), changed.header("etag"));
    app.get(&holdings, &mallory.access).await.expect(404);
    conditional_get(
        &app,
        &holdings,
        &mallory.access,
        after.header("etag").unwrap(),
    )
    .await
    .expect(404);
}

/// Each read route runs a fixed number of SQL statements, however many accounts, holdings and
/// securities it reads: authentication reads the caller with their data version in one, and
/// each route then reads what it shows in one more; the accounts and an account's detail are
/// answered from the rows the services hold at that version, with none more. The current holdings also ask, in one
/// more, which accounts are kept by activities (whose positions their ledgers replay). Counted on PostgreSQL, where a statement is
/// logged in the request's span (SQLite runs statements on a worker thread, outside it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(finances_test_postgres),
    ignore = "needs PostgreSQL: set FINANCES_TEST_DATABASE_URL"
)]
async fn each_read_route_runs_a_fixed_number_of_statements() {
    let statements = statements::Counter::install();
    let app = TestApp::start(Db::Postgres).await;
    let s = app.signup("quinn").await;
    let broker = app.investment_account(&s, "Broker").await;
    let other = app.investment_account(&s, "Other").await;
    statements::seed(&app, &[broker, other], 4).await;

    let holdings = format!("/api/v1/accounts/{broker}/holdings");
    for (path, expected) in [
        ("/health".to_string(), 0),
        ("/api/v1/accounts".to_string(), 1),
        (format!("/api/v1/accounts/{broker}"), 1),
        (holdings.clone(), 2),
        (format!("{holdings}?current=true"), 3),
        ("/api/v1/holdings".to_string(), 3),
    ] {
        // Once unmeasured, so that no connection is being opened in the measured request.
        app.get(&path, &s.access).await.expect(200);
        let (r, ran) = statements.run(&app, &path, &s.access).await;
        r.expect(200);
        assert_eq!(ran, expected, "statements run by GET {path}");
    }
    // After a write to one account, the next read reads again the accounts with their own
    // counters and newest values, and the rows of that account alone: 1 + 3 + 2.
    app.post(
        &format!("/api/v1/accounts/{other}/values"),
        &s.access,
        json!({"balance": 5, "cash_balance": 5}),
    )
    .await
    .expect(201);
    let (r, ran) = statements
        .run(&app, &format!("/api/v1/accounts/{broker}"), &s.access)
        .await;
    r.expect(200);
    assert_eq!(ran, 6, "statements run by the first read after a write");
    // What was read is what is shown: every holding priced, the detail summing its own.
    let r = app
        .get(&format!("{holdings}?current=true"), &s.access)
        .await;
    assert_eq!(r.body.as_array().unwrap().len(), 4);
    assert!(r
        .body
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["market_price"].is_number()));
    let r = app
        .get(&format!("/api/v1/accounts/{broker}"), &s.access)
        .await;
    assert_eq!(r.body["current_balance"], "1000.00");
    // 4 securities at closes 11, 12, 13, 14 (the newest of each), 1 share each = 50.
    assert_eq!(r.body["market_value"], "50.00");
    let r = app.get("/api/v1/holdings", &s.access).await;
    assert_eq!(r.body.as_array().unwrap().len(), 8);
}

mod statements {
    //! SQL statements counted per request: sqlx logs each statement it runs (target
    //! `sqlx::query`), and the server's request span carries the request id a test sends.

    use std::collections::HashMap;
    use std::str::FromStr;
    use std::sync::{Arc, Mutex};

    use finances::domain::{
        AccountValue, Holding, Interval, PriceBar, Security, SecurityType, Symbol,
    };
    use rust_decimal::Decimal;
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id};
    use tracing::{Event, Subscriber};
    use tracing_subscriber::layer::{Context, SubscriberExt};
    use tracing_subscriber::registry::LookupSpan;
    use tracing_subscriber::{filter, Layer};
    use uuid::Uuid;

    use crate::support::http::{Res, TestApp};

    /// Statements by request id.
    #[derive(Clone, Default)]
    pub struct Counter {
        counts: Arc<Mutex<HashMap<String, usize>>>,
    }

    /// A request span's id.
    struct RequestId(String);

    impl Counter {
        /// Counts in this process from now on.
        pub fn install() -> Self {
            let counter = Self::default();
            let only = filter::filter_fn(|m| m.is_span() || m.target() == "sqlx::query");
            let subscriber = tracing_subscriber::registry().with(counter.clone().with_filter(only));
            tracing::subscriber::set_global_default(subscriber).expect("no other subscriber");
            counter
        }

        /// `GET path`, with the statements it ran.
        pub async fn run(&self, app: &TestApp, path: &str, token: &str) -> (Res, usize) {
            let id = Uuid::new_v4().to_string();
            let request = app
                .request(reqwest::Method::GET, path, Some(token))
                .header("x-request-id", &id);
            let r = app.send(request).await;
            let ran = self.counts.lock().unwrap().get(&id).copied().unwrap_or(0);
            (r, ran)
        }
    }

    struct RequestIdField(Option<String>);

    impl Visit for RequestIdField {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            if field.name() == "request_id" {
                self.0 = Some(format!("{value:?}"));
            }
        }
    }

    impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Counter {
        fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
            if attrs.metadata().name() != "request" {
                return;
            }
            let mut field = RequestIdField(None);
            attrs.record(&mut field);
            if let (Some(request_id), Some(span)) = (field.0, ctx.span(id)) {
                span.extensions_mut().insert(RequestId(request_id));
            }
        }

        fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
            let Some(scope) = ctx.event_scope(event) else {
                return;
            };
            for span in scope {
                if let Some(RequestId(id)) = span.extensions().get::<RequestId>() {
                    *self.counts.lock().unwrap().entry(id.clone()).or_default() += 1;
                    return;
                }
            }
        }
    }

    /// `per_account` securities with two closes each (the newest 11, 12, ...), each held
    /// in every account in two snapshots (1 share at the newest), and a value per account.
    pub async fn seed(app: &TestApp, accounts: &[Uuid], per_account: usize) {
        let store = finances::store::open(app.store_url()).await.unwrap();
        let now = finances::domain::now();
        let day = chrono::Duration::days(1);
        for i in 0..per_account {
            let security = Security {
                id: Uuid::new_v4(),
                symbol: Symbol::parse(&format!("Q{i}")).unwrap(),
                name: format!("Q {i}"),
                exchange: None,
                currency: "USD".into(),
                security_type: SecurityType::Equity,
                sector: None,
                industry: None,
                market_cap: None,
                last_synced_at: Some(now),
                created_at: now,
                updated_at: now,
            };
            let bars: Vec<PriceBar> = [(2, 10), (1, 11 + i)]
                .into_iter()
                .map(|(days_ago, close)| {
                    let close = Decimal::from(close);
                    PriceBar {
                        security_id: security.id,
                        interval: Interval::D1,
                        timestamp: now - day * days_ago,
                        open: close,
                        high: close,
                        low: close,
                        close,
                        adj_close: Some(close),
                        volume: 1,
                    }
                })
                .collect();
            store.save_sync(&security, &bars).await.unwrap();
            for &account_id in accounts {
                for (days_ago, shares) in [(3, "2"), (2, "1")] {
                    let holding = Holding {
                        id: Uuid::new_v4(),
                        account_id,
                        security_id: security.id,
                        shares: Decimal::from_str(shares).unwrap(),
                        average_price: Decimal::from(9),
                        timestamp: now - day * days_ago,
                        created_at: now,
                        updated_at: now,
                    };
                    store.insert_holding(&holding).await.unwrap();
                }
            }
        }
        for &account_id in accounts {
            let value = AccountValue {
                id: Uuid::new_v4(),
                account_id,
                timestamp: now,
                balance: Decimal::from(1000),
                cash_balance: Some(Decimal::ZERO),
                created_at: now,
                updated_at: now,
            };
            store.insert_account_value(&value).await.unwrap();
        }
    }
}
