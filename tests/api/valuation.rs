//! `GET /api/v1/portfolio`: net worth in the base currency over HTTP, on both stores. What
//! cannot be priced or converted is left out of every figure and listed; `as_of` reads the
//! closes, balances and rates of an earlier day.

use crate::support;

use std::str::FromStr;

use chrono::{DateTime, Utc};
use finances::domain::{
    CurrencyCode, ExchangeRate, Interval, NewSecurity, PriceBar, Security, SecurityType, Symbol,
};
use finances::store::Store;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use support::http::{Db, Session, TestApp};
use uuid::Uuid;

on_both_stores!(
    net_worth_leaves_out_and_lists_what_cannot_be_valued,
    as_of_reads_an_earlier_day,
    as_of_must_be_a_day_that_has_been,
);

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn code(c: &str) -> CurrencyCode {
    CurrencyCode::parse(c).unwrap()
}

/// A security stored with a daily close per `(time, close)`, as a sync would store them.
async fn security(store: &dyn Store, symbol: &str, quote: &str, closes: &[(&str, &str)]) -> Uuid {
    let sec: Security = NewSecurity {
        symbol: Symbol::parse(symbol).unwrap(),
        name: format!("{symbol} Corp"),
        exchange: None,
        currency: quote.into(),
        security_type: SecurityType::Equity,
        sector: None,
        industry: None,
        market_cap: None,
    }
    .into_security(Uuid::new_v4(), finances::domain::now());
    store.insert_security(&sec).await.unwrap();
    let bars: Vec<PriceBar> = closes
        .iter()
        .map(|(t, c)| PriceBar {
            security_id: sec.id,
            interval: Interval::D1,
            timestamp: at(t),
            open: dec(c),
            high: dec(c),
            low: dec(c),
            close: dec(c),
            adj_close: Some(dec(c)),
            volume: 1,
        })
        .collect();
    store.save_sync(&sec, &bars).await.unwrap();
    sec.id
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// The portfolio of the tests, made through the API with the market data written to the
/// store as a sync would (ids: broker, savings, card, yen):
///
/// - Broker (USD, investment): 10 AAA (closes 100 on Mar 1, 110 on Mar 4), 5 NOPE (no close
///   ever), 1 NESN.SW (quoted in CHF, which has no rate); cash 50 on Mar 1, 80 on Mar 4.
/// - Savings (EUR): 1,000 on Mar 1, 2,000 on Mar 4; EUR -> USD 1.10 on Mar 1, 1.20 on Mar 4.
/// - Card (USD credit card, a liability): owes 300 from Mar 4.
/// - Yen (JPY): 100,000 on Mar 1, and no JPY rate at all.
async fn portfolio(app: &TestApp, s: &Session) -> [String; 4] {
    let store = finances::store::open(app.store_url()).await.unwrap();
    let aaa = security(
        store.as_ref(),
        "AAA",
        "USD",
        &[
            ("2024-03-01T21:00:00Z", "100"),
            ("2024-03-04T21:00:00Z", "110"),
        ],
    )
    .await;
    let nope = security(store.as_ref(), "NOPE", "USD", &[]).await;
    let nestle = security(
        store.as_ref(),
        "NESN.SW",
        "CHF",
        &[("2024-03-01T16:30:00Z", "95")],
    )
    .await;
    for (day, rate) in [("2024-03-01", "1.10"), ("2024-03-04", "1.20")] {
        let r = ExchangeRate::new(code("EUR"), code("USD"), day.parse().unwrap(), dec(rate));
        store.upsert_rate(&r.unwrap()).await.unwrap();
    }

    let account = |name: &str, kind: &str, currency: &str| json!({"name": name, "account_type": kind, "currency_code": currency});
    let mut ids = Vec::new();
    for body in [
        json!({"name": "Broker", "account_type": "brokerage", "is_investment_account": true}),
        account("Savings", "savings", "EUR"),
        account("Card", "credit_card", "USD"),
        account("Yen", "cash", "JPY"),
    ] {
        let r = app.post("/api/v1/accounts", &s.access, body).await;
        r.expect(201);
        ids.push(id(&r.body));
    }
    let [broker, savings, card, yen] = [&ids[0], &ids[1], &ids[2], &ids[3]];
    for (account, time, balance, cash) in [
        (broker, "2024-03-01T12:00:00Z", "999", Some("50")),
        (broker, "2024-03-04T12:00:00Z", "999", Some("80")),
        (savings, "2024-03-01T12:00:00Z", "1000", None),
        (savings, "2024-03-04T12:00:00Z", "2000", None),
        (card, "2024-03-04T12:00:00Z", "300", None),
        (yen, "2024-03-01T12:00:00Z", "100000", None),
    ] {
        app.post(
            &format!("/api/v1/accounts/{account}/values"),
            &s.access,
            json!({"balance": balance, "cash_balance": cash, "timestamp": time}),
        )
        .await
        .expect(201);
    }
    for (security, shares) in [(aaa, "10"), (nope, "5"), (nestle, "1")] {
        app.post(
            &format!("/api/v1/accounts/{broker}/holdings"),
            &s.access,
            json!({"security_id": security, "shares": shares, "average_price_per_share": 90,
                   "timestamp": "2024-03-01T00:00:00Z"}),
        )
        .await
        .expect(201);
    }
    [broker.clone(), savings.clone(), card.clone(), yen.clone()]
}

fn account<'a>(body: &'a Value, id: &str) -> &'a Value {
    body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account_id"] == id)
        .unwrap_or_else(|| panic!("{id} is not in {body}"))
}

async fn net_worth_leaves_out_and_lists_what_cannot_be_valued(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let [broker, savings, card, yen] = portfolio(&app, &s).await;

    let r = app.get("/api/v1/portfolio", &s.access).await;
    r.expect(200);
    let body = &r.body;
    assert_eq!(body["base_currency"], "USD");
    assert_eq!(body["as_of"], Utc::now().date_naive().to_string());
    // Broker: 10 AAA at 110 = 1,100 plus 80 cash = 1,180 USD; NOPE (no close) and NESN.SW
    // (no CHF rate) are left out, neither at 0 nor at cost. Savings: 2,000 EUR x 1.20 =
    // 2,400 USD. Card: owes 300. Yen: no rate, so out of every total.
    // Assets 1,180 + 2,400 = 3,580; liabilities 300; net worth 3,280.
    assert_eq!(
        account(body, &broker),
        &json!({"account_id": broker, "name": "Broker", "currency": "USD", "value": "1180.00",
                "value_base": "1180.00", "cash": "80.00", "market_value": "1100.00"})
    );
    assert_eq!(
        account(body, &savings),
        &json!({"account_id": savings, "name": "Savings", "currency": "EUR", "value": "2000.00",
                "value_base": "2400.00", "cash": null, "market_value": null})
    );
    assert_eq!(account(body, &card)["value"], "-300.00");
    assert_eq!(account(body, &card)["value_base"], "-300.00");
    assert_eq!(account(body, &yen)["value"], "100000.00");
    assert_eq!(account(body, &yen)["value_base"], Value::Null);
    assert_eq!(body["assets"], "3580.00");
    assert_eq!(body["liabilities"], "300.00");
    assert_eq!(body["net_worth"], "3280.00");
    assert_eq!(body["complete"], false);
    assert_eq!(
        body["missing"],
        json!([
            {"kind": "fx", "symbol": "NESN.SW", "currency": "CHF", "account_id": broker,
             "since": "2024-03-01"},
            {"kind": "price", "symbol": "NOPE", "currency": null, "account_id": broker,
             "since": "2024-03-01"},
            {"kind": "fx", "symbol": null, "currency": "JPY", "account_id": yen,
             "since": "2024-03-01"},
        ])
    );
    // Accounts by name, as the accounts list has them.
    let names: Vec<&str> = body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Broker", "Card", "Savings", "Yen"]);

    // Once NOPE has a price and the yen account is gone, everything is counted: 5 NOPE at
    // 20 = 100 more, net worth 3,380; NESN.SW is still unconverted.
    let store = finances::store::open(app.store_url()).await.unwrap();
    let nope = store
        .security_by_symbol(&Symbol::parse("NOPE").unwrap())
        .await
        .unwrap()
        .unwrap();
    security_bar(store.as_ref(), &nope, "2024-03-04T21:00:00Z", "20").await;
    app.delete(&format!("/api/v1/accounts/{yen}"), &s.access)
        .await
        .expect(204);
    let r = app.get("/api/v1/portfolio/", &s.access).await;
    r.expect(200);
    assert_eq!(r.body["net_worth"], "3380.00");
    assert_eq!(r.body["complete"], false);
    assert_eq!(r.body["missing"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["missing"][0]["symbol"], "NESN.SW");

    // Someone else's portfolio is their own, and a token is needed.
    let bob = app.signup("bob").await;
    let theirs = app.get("/api/v1/portfolio", &bob.access).await;
    theirs.expect(200);
    assert_eq!(theirs.body["net_worth"], "0.00");
    assert_eq!(theirs.body["accounts"], json!([]));
    assert_eq!(theirs.body["complete"], true);
    app.send(app.request(reqwest::Method::GET, "/api/v1/portfolio", None))
        .await
        .expect(401);
}

async fn security_bar(store: &dyn Store, security: &Security, time: &str, close: &str) {
    let c = dec(close);
    let bar = PriceBar {
        security_id: security.id,
        interval: Interval::D1,
        timestamp: at(time),
        open: c,
        high: c,
        low: c,
        close: c,
        adj_close: Some(c),
        volume: 1,
    };
    store.save_sync(security, &[bar]).await.unwrap();
}

async fn as_of_reads_an_earlier_day(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let [broker, savings, card, _] = portfolio(&app, &s).await;

    let r = app
        .get("/api/v1/portfolio?as_of=2024-03-02", &s.access)
        .await;
    r.expect(200);
    let body = &r.body;
    assert_eq!(body["as_of"], "2024-03-02");
    // On Mar 2: AAA's close of Mar 1 (100) x 10 + cash 50 = 1,050; savings 1,000 EUR at
    // 1.10 = 1,100; the card had no balance yet (0). Net worth 2,150.
    assert_eq!(account(body, &broker)["value"], "1050.00");
    assert_eq!(account(body, &broker)["market_value"], "1000.00");
    assert_eq!(account(body, &broker)["cash"], "50.00");
    assert_eq!(account(body, &savings)["value_base"], "1100.00");
    assert_eq!(account(body, &card)["value"], "0.00");
    assert_eq!(body["assets"], "2150.00");
    assert_eq!(body["liabilities"], "0.00");
    assert_eq!(body["net_worth"], "2150.00");

    // The last day before anything: AAA had no close yet either, and nothing had a balance.
    let r = app
        .get("/api/v1/portfolio?as_of=2024-02-29", &s.access)
        .await;
    r.expect(200);
    assert_eq!(r.body["net_worth"], "0.00");
    assert_eq!(account(&r.body, &broker)["market_value"], "0.00");
    let unpriced: Vec<&str> = r.body["missing"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "price")
        .map(|m| m["symbol"].as_str().unwrap())
        .collect();
    assert_eq!(unpriced, ["AAA", "NESN.SW", "NOPE"]);
    // Without a balance, the yen account still names its missing rate, with no date.
    let yen_fx = r.body["missing"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["currency"] == "JPY")
        .unwrap();
    assert_eq!(yen_fx["since"], Value::Null);
}

async fn as_of_must_be_a_day_that_has_been(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let tomorrow = Utc::now().date_naive() + chrono::Duration::days(1);
    let r = app
        .get(&format!("/api/v1/portfolio?as_of={tomorrow}"), &s.access)
        .await;
    r.expect(400);
    assert!(r.detail().contains("after today"), "{}", r.text);
    for bad in [
        "2024-13-01",
        "2024-2-01",
        "yesterday",
        "1899-12-31",
        "10000-01-01",
    ] {
        let r = app
            .get(&format!("/api/v1/portfolio?as_of={bad}"), &s.access)
            .await;
        r.expect(422);
        assert_eq!(
            r.body["detail"][0]["loc"],
            json!(["query", "as_of"]),
            "{bad}"
        );
    }
    let r = app
        .get("/api/v1/portfolio?as_of=1899-12-31", &s.access)
        .await;
    assert!(
        r.body["detail"][0]["msg"]
            .as_str()
            .unwrap()
            .contains("between 1900-01-01 and 9999-12-31"),
        "{}",
        r.text
    );
    // The first day kept is fine, and empty.
    let r = app
        .get("/api/v1/portfolio?as_of=1900-01-01", &s.access)
        .await;
    r.expect(200);
    assert_eq!(r.body["complete"], true);
}
