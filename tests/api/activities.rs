//! The activity routes over HTTP, on both stores: each verb, every 422 of the ledger's
//! contract, the batch's all-or-nothing, `external_id` idempotence, owner-only access, and the
//! portfolio valuation of an account kept by activities.

use crate::ledger_views::{account, security, store};
use crate::support;

use serde_json::{json, Value};
use support::http::{Db, Session, TestApp};
use uuid::Uuid;

on_both_stores!(
    an_activity_is_created_listed_read_changed_and_deleted,
    each_type_takes_only_its_fields_and_bad_input_is_422,
    a_sale_of_more_than_is_held_is_422_and_changes_nothing,
    a_batch_is_stored_whole_or_not_at_all,
    an_external_id_is_recorded_once,
    another_users_activities_are_404_on_every_verb,
    the_portfolio_values_an_account_kept_by_activities,
    a_holding_that_leaves_a_sale_uncovered_is_422,
    current_holdings_of_an_account_kept_by_activities_are_its_replayed_positions,
);

fn activities_of(account: Uuid) -> String {
    format!("/api/v1/accounts/{account}/activities")
}

async fn post(app: &TestApp, s: &Session, account: Uuid, body: Value) -> support::http::Res {
    app.post(&activities_of(account), &s.access, body).await
}

async fn post_batch(app: &TestApp, s: &Session, account: Uuid, items: Value) -> support::http::Res {
    let batch = format!("{}/batch", activities_of(account));
    app.post(&batch, &s.access, items).await
}

/// The stored activities of the account, as the list answers them.
async fn listed(app: &TestApp, s: &Session, account: Uuid) -> Vec<Value> {
    let r = app.get(&activities_of(account), &s.access).await;
    r.expect(200);
    r.body.as_array().unwrap().clone()
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

#[track_caller]
fn assert_422_at(r: &support::http::Res, loc: Value) {
    r.expect(422);
    let found: Vec<&Value> = r.body["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["loc"])
        .collect();
    assert!(
        found.contains(&&loc),
        "{loc} not among {found:?}: {}",
        r.text
    );
}

async fn an_activity_is_created_listed_read_changed_and_deleted(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let store = store(&app).await;
    let aaa = security(store.as_ref(), "AAA", "USD", &[]).await;
    let broker = account(&app, &s, "Broker", "USD").await;

    let r = post(
        &app,
        &s,
        broker,
        json!({"activity_type": "deposit", "date": "2024-01-02", "amount": "1000"}),
    )
    .await;
    r.expect(201);
    assert_eq!(
        r.body["currency"], "USD",
        "the account's currency by default"
    );
    assert_eq!(r.body["security"], Value::Null);

    // The security by symbol; its currency is the default.
    let r = post(
        &app,
        &s,
        broker,
        json!({"activity_type": "buy", "date": "2024-01-03", "security_id": "AAA",
               "quantity": 10, "unit_price": "12.5", "fee": "1", "notes": "first"}),
    )
    .await;
    r.expect(201);
    let buy = r.body.clone();
    assert_eq!(buy["security_id"], json!(aaa.to_string()));
    assert_eq!(buy["security"]["symbol"], "AAA");
    assert_eq!(buy["quantity"], "10.000000");
    assert_eq!(buy["unit_price"], "12.50");
    assert_eq!(buy["fee"], "1.00");
    assert_eq!(buy["amount"], Value::Null);
    assert_eq!(buy["activity_type"], "buy");
    assert_eq!(buy["date"], "2024-01-03");

    // Oldest first, with the total in the header; filters by type, symbol and dates.
    let r = app.get(&activities_of(broker), &s.access).await;
    r.expect(200);
    assert_eq!(r.header("x-total-count"), Some("2"));
    let types: Vec<&str> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["activity_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["deposit", "buy"]);
    for (query, count) in [
        ("activity_type=buy", 1),
        ("activity_type=DEPOSIT", 1),
        ("symbol=AAA", 1),
        ("symbol=ZZZ", 0),
        ("start=2024-01-03", 1),
        ("end=2024-01-02", 1),
        ("start=2024-01-04", 0),
        ("limit=1&skip=1", 1),
    ] {
        let r = app
            .get(&format!("{}?{query}", activities_of(broker)), &s.access)
            .await;
        r.expect(200);
        assert_eq!(r.body.as_array().unwrap().len(), count, "{query}");
    }

    let one = format!("{}/{}", activities_of(broker), id_of(&buy));
    let r = app.get(&one, &s.access).await;
    r.expect(200);
    assert_eq!(r.body, buy);

    // PATCH and PUT change what they name; null clears an optional field.
    let r = app
        .patch(&one, &s.access, json!({"fee": null, "quantity": "12"}))
        .await;
    r.expect(200);
    assert_eq!(
        (r.body["fee"].clone(), r.body["quantity"].clone()),
        (Value::Null, json!("12.000000"))
    );
    assert_eq!(r.body["notes"], "first");
    let r = app.put(&one, &s.access, json!({"notes": null})).await;
    r.expect(200);
    assert_eq!(r.body["notes"], Value::Null);
    assert_eq!(r.body["quantity"], "12.000000");

    app.delete(&one, &s.access).await.expect(204);
    app.get(&one, &s.access).await.expect(404);
    assert_eq!(listed(&app, &s, broker).await.len(), 1);
}

/// Every refusal names its field under `["body", field]` and stores nothing.
async fn each_type_takes_only_its_fields_and_bad_input_is_422(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let store = store(&app).await;
    security(store.as_ref(), "AAA", "USD", &[]).await;
    let broker = account(&app, &s, "Broker", "USD").await;
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Duration::days(1)).to_string();
    let cases = [
        (
            json!({"activity_type": "buy", "security_id": "AAA", "unit_price": "1"}),
            "quantity",
        ),
        (
            json!({"activity_type": "buy", "quantity": "1", "unit_price": "1"}),
            "security_id",
        ),
        (
            json!({"activity_type": "deposit", "amount": "5", "quantity": "1"}),
            "quantity",
        ),
        (
            json!({"activity_type": "deposit", "amount": "5", "fee": "1"}),
            "fee",
        ),
        (json!({"activity_type": "deposit", "amount": "0"}), "amount"),
        (
            json!({"activity_type": "deposit", "amount": "-5"}),
            "amount",
        ),
        (
            json!({"activity_type": "deposit", "amount": "5", "date": tomorrow}),
            "date",
        ),
        (
            json!({"activity_type": "deposit", "amount": "5", "date": "1800-01-01"}),
            "date",
        ),
        (
            json!({"activity_type": "deposit", "amount": "1.00000000001"}),
            "amount",
        ),
        (
            json!({"activity_type": "deposit", "amount": "5", "notes": "a\u{0}b"}),
            "notes",
        ),
        (
            json!({"activity_type": "deposit", "amount": "5", "currency": "dollars"}),
            "currency",
        ),
        (
            json!({"activity_type": "deposit", "amount": "5", "fx_rate": "0"}),
            "fx_rate",
        ),
        (
            json!({"activity_type": "split", "security_id": "AAA", "split_ratio": "2-1"}),
            "split_ratio",
        ),
        (
            json!({"activity_type": "split", "security_id": "AAA", "split_ratio": "0:1"}),
            "split_ratio",
        ),
        (
            json!({"activity_type": "gift", "amount": "5"}),
            "activity_type",
        ),
        (
            json!({"activity_type": "deposit", "amount": "5", "colour": "red"}),
            "colour",
        ),
        (
            json!({"activity_type": "transfer_out", "security_id": "AAA", "quantity": "1", "unit_price": "1"}),
            "unit_price",
        ),
    ];
    for (body, field) in cases {
        let r = post(&app, &s, broker, body.clone()).await;
        assert_eq!(r.status, 422, "{body}: {}", r.text);
        let loc = &r.body["detail"][0]["loc"];
        assert_eq!(loc[0], "body", "{body}");
        assert!(
            r.text.contains(field),
            "{body}: the error names {field}: {}",
            r.text
        );
    }
    let r = app
        .post(
            &activities_of(broker),
            &s.access,
            json!(["not", "an", "object"]),
        )
        .await;
    assert_422_at(&r, json!(["body"]));
    assert!(listed(&app, &s, broker).await.is_empty(), "nothing stored");
}

/// Worked example: buy 10 on Jan 2, then a sale of 15 on Jan 3 would sell 5 that are not
/// held. After a sale of 10, editing the buy down to 5 or deleting it would leave that sale
/// uncovered too; each is refused and the ledger stays as it was.
async fn a_sale_of_more_than_is_held_is_422_and_changes_nothing(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let store = store(&app).await;
    security(store.as_ref(), "AAA", "USD", &[]).await;
    let broker = account(&app, &s, "Broker", "USD").await;
    let trade = |kind: &str, date: &str, q: &str| {
        json!({"activity_type": kind, "date": date, "security_id": "AAA", "quantity": q,
               "unit_price": "10"})
    };
    let r = post(&app, &s, broker, trade("buy", "2024-01-02", "10")).await;
    r.expect(201);
    let buy = format!("{}/{}", activities_of(broker), id_of(&r.body));

    let r = post(&app, &s, broker, trade("sell", "2024-01-03", "15")).await;
    assert_422_at(&r, json!(["body", "activity"]));
    assert!(
        r.text.contains("give up 15 AAA, but only 10 are held then"),
        "{}",
        r.text
    );
    // A sale dated before the buy is not covered either.
    let r = post(&app, &s, broker, trade("sell", "2024-01-01", "1")).await;
    assert_422_at(&r, json!(["body", "activity"]));

    post(&app, &s, broker, trade("sell", "2024-01-03", "10"))
        .await
        .expect(201);
    let before = listed(&app, &s, broker).await;
    let r = app.patch(&buy, &s.access, json!({"quantity": "5"})).await;
    assert_422_at(&r, json!(["body", "activity"]));
    let r = app
        .patch(&buy, &s.access, json!({"date": "2024-01-04"}))
        .await;
    assert_422_at(&r, json!(["body", "activity"]));
    let r = app.delete(&buy, &s.access).await;
    assert_422_at(&r, json!(["body", "activity"]));
    assert_eq!(listed(&app, &s, broker).await, before, "nothing changed");
}

async fn a_batch_is_stored_whole_or_not_at_all(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let store = store(&app).await;
    security(store.as_ref(), "AAA", "USD", &[]).await;
    let broker = account(&app, &s, "Broker", "USD").await;

    // Every bad item is named by its index and field.
    let r = post_batch(
        &app,
        &s,
        broker,
        json!([
            {"activity_type": "deposit", "date": "2024-01-02", "amount": "100"},
            {"activity_type": "buy", "security_id": "AAA", "unit_price": "1"},
            {"activity_type": "deposit", "amount": "1", "quantity": "2"},
            {"activity_type": "deposit", "amount": "x"},
        ]),
    )
    .await;
    assert_422_at(&r, json!(["body", 3, "amount"]));
    let r = post_batch(
        &app,
        &s,
        broker,
        json!([
            {"activity_type": "deposit", "date": "2024-01-02", "amount": "100"},
            {"activity_type": "buy", "security_id": "AAA", "unit_price": "1"},
            {"activity_type": "deposit", "amount": "1", "quantity": "2"},
        ]),
    )
    .await;
    assert_422_at(&r, json!(["body", 1, "quantity"]));
    assert_422_at(&r, json!(["body", 2, "quantity"]));
    assert_eq!(r.body["detail"].as_array().unwrap().len(), 2);
    assert!(listed(&app, &s, broker).await.is_empty());

    // Valid items whose ledger would oversell: refused whole.
    let r = post_batch(&app, &s, broker, json!([
                {"activity_type": "buy", "date": "2024-01-02", "security_id": "AAA", "quantity": "1", "unit_price": "5"},
                {"activity_type": "sell", "date": "2024-01-03", "security_id": "AAA", "quantity": "2", "unit_price": "5"},
            ]),
        )
        .await;
    assert_422_at(&r, json!(["body", "activity"]));
    assert!(listed(&app, &s, broker).await.is_empty());
    let r = post_batch(&app, &s, broker, json!({"activity_type": "deposit"})).await;
    assert_422_at(&r, json!(["body"]));

    let r = post_batch(&app, &s, broker, json!([
                {"activity_type": "deposit", "date": "2024-01-02", "amount": "100"},
                {"activity_type": "buy", "date": "2024-01-02", "security_id": "AAA", "quantity": "2", "unit_price": "5"},
                {"activity_type": "sell", "date": "2024-01-03", "security_id": "AAA", "quantity": "2", "unit_price": "6"},
            ]),
        )
        .await;
    r.expect(201);
    assert_eq!(r.body.as_array().unwrap().len(), 3);
    assert_eq!(listed(&app, &s, broker).await.len(), 3);
}

async fn an_external_id_is_recorded_once(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let broker = account(&app, &s, "Broker", "USD").await;
    let other = account(&app, &s, "Other", "USD").await;
    let row = json!({"activity_type": "deposit", "date": "2024-01-02", "amount": "100",
                     "external_id": "row-1"});
    let first = post(&app, &s, broker, row.clone()).await;
    first.expect(201);
    let again = post(&app, &s, broker, row.clone()).await;
    again.expect(200);
    assert_eq!(again.body["id"], first.body["id"]);
    // Unique per account: another account may use it.
    post(&app, &s, other, row.clone()).await.expect(201);

    let r = post_batch(
        &app,
        &s,
        broker,
        json!([row, {"activity_type": "deposit", "date": "2024-01-03", "amount": "5",
                          "external_id": "row-2"}]),
    )
    .await;
    r.expect(201);
    assert_eq!(
        r.body[0]["id"], first.body["id"],
        "the stored row is answered"
    );
    assert_eq!(listed(&app, &s, broker).await.len(), 2);
    // The same id twice in one batch is a mistake of the batch.
    let twice = json!({"activity_type": "deposit", "amount": "5", "external_id": "row-3"});
    let r = post_batch(&app, &s, broker, json!([twice, twice])).await;
    assert_422_at(&r, json!(["body", 1, "external_id"]));
    assert_eq!(listed(&app, &s, broker).await.len(), 2);
}

async fn another_users_activities_are_404_on_every_verb(db: Db) {
    let app = TestApp::start(db).await;
    let ann = app.signup("ann").await;
    let bob = app.signup("bob").await;
    let anns = account(&app, &ann, "Ann's", "USD").await;
    let bobs = account(&app, &bob, "Bob's", "USD").await;
    let r = post(
        &app,
        &bob,
        bobs,
        json!({"activity_type": "deposit", "date": "2024-01-02", "amount": "100"}),
    )
    .await;
    r.expect(201);
    let activity = id_of(&r.body);
    let deposit = json!({"activity_type": "deposit", "amount": "1"});
    // Through Bob's account, and through Ann's own account with Bob's activity id.
    for account in [bobs, anns] {
        let one = format!("{}/{activity}", activities_of(account));
        app.get(&one, &ann.access).await.expect(404);
        app.put(&one, &ann.access, json!({"amount": "2"}))
            .await
            .expect(404);
        app.patch(&one, &ann.access, json!({"amount": "2"}))
            .await
            .expect(404);
        app.delete(&one, &ann.access).await.expect(404);
    }
    app.get(&activities_of(bobs), &ann.access).await.expect(404);
    post(&app, &ann, bobs, deposit.clone()).await.expect(404);
    app.post(
        &format!("{}/batch", activities_of(bobs)),
        &ann.access,
        json!([deposit]),
    )
    .await
    .expect(404);
    let r = app.get(&activities_of(bobs), &bob.access).await;
    r.expect(200);
    assert_eq!(r.body[0]["amount"], "100.00", "Bob's activity is untouched");
    // An unknown security is 404 too, and stores nothing.
    let r = post(
        &app,
        &ann,
        anns,
        json!({"activity_type": "buy", "security_id": Uuid::new_v4(), "quantity": "1",
               "unit_price": "1"}),
    )
    .await;
    r.expect(404);
    assert!(listed(&app, &ann, anns).await.is_empty());
}

/// Worked example (USD account, USD base): deposit 5,000; buy 10 AAA at 100 + fee 5 (cash
/// 3,995); buy 3 BBB at 50 (cash 3,845), BBB has no close. AAA's newest close is 120: market
/// value 1,200. The account is worth 1,200 + 3,845 = 5,045: BBB is left out and listed, not
/// counted at cost (which would give 5,195) nor as 0 with its cash (which it is not: the 150
/// it cost left the cash).
async fn the_portfolio_values_an_account_kept_by_activities(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let store = store(&app).await;
    security(
        store.as_ref(),
        "AAA",
        "USD",
        &[
            ("2024-01-02T21:00:00Z", "110"),
            ("2024-01-03T21:00:00Z", "120"),
        ],
    )
    .await;
    security(store.as_ref(), "BBB", "USD", &[]).await;
    let broker = account(&app, &s, "Broker", "USD").await;
    post_batch(&app, &s, broker, json!([
            {"activity_type": "deposit", "date": "2024-01-02", "amount": "5000"},
            {"activity_type": "buy", "date": "2024-01-02", "security_id": "AAA", "quantity": "10", "unit_price": "100", "fee": "5"},
            {"activity_type": "buy", "date": "2024-01-03", "security_id": "BBB", "quantity": "3", "unit_price": "50"},
        ]),
    )
    .await
    .expect(201);
    let r = app.get("/api/v1/portfolio", &s.access).await;
    r.expect(200);
    let a = &r.body["accounts"][0];
    assert_eq!(a["market_value"], "1200.00");
    assert_eq!(a["cash"], "3845.00");
    assert_eq!(a["value"], "5045.00");
    assert_eq!(r.body["net_worth"], "5045.00");
    assert_eq!(r.body["complete"], false);
    let missing = r.body["missing"].as_array().unwrap();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0]["kind"], "price");
    assert_eq!(missing[0]["symbol"], "BBB");
    // The account's own figures are its ledger's too: its positions
    // include BBB, which has no close, so its market value is not shown in part (null), where
    // its holdings (none) would have made it 0.
    let detail = app
        .get(&format!("/api/v1/accounts/{broker}"), &s.access)
        .await;
    detail.expect(200);
    assert_eq!(detail.body["market_value"], Value::Null);
    // Once BBB is sold, what is held is priced: 10 x 120.
    post_batch(&app, &s, broker, json!([
            {"activity_type": "sell", "date": "2024-01-04", "security_id": "BBB", "quantity": "3", "unit_price": "50"},
        ]),
    )
    .await
    .expect(201);
    let detail = app
        .get(&format!("/api/v1/accounts/{broker}"), &s.access)
        .await;
    assert_eq!(detail.body["market_value"], "1200.00");

    // On Jan 2 only the deposit and the AAA buy had happened: 10 x 110 + 3,995.
    let r = app
        .get("/api/v1/portfolio?as_of=2024-01-02", &s.access)
        .await;
    r.expect(200);
    assert_eq!(r.body["accounts"][0]["value"], "5095.00");
    assert_eq!(r.body["complete"], true);
}

/// A holding is a statement in its account's ledger: after buying 10 on Jan 2 and selling 10
/// on Jan 5, a statement of 5 shares on Jan 4 would leave 5 of that sale uncovered, and so
/// would moving the statement of 10 that covers it, or deleting it. Each is refused.
async fn a_holding_that_leaves_a_sale_uncovered_is_422(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let store = store(&app).await;
    security(store.as_ref(), "AAA", "USD", &[]).await;
    let broker = account(&app, &s, "Broker", "USD").await;
    let holdings = format!("/api/v1/accounts/{broker}/holdings");
    let statement = app
        .post(
            &holdings,
            &s.access,
            json!({"security_id": "AAA", "shares": "10", "average_price_per_share": "5",
                   "timestamp": "2024-01-02T12:00:00Z"}),
        )
        .await;
    statement.expect(201);
    let one = format!("{holdings}/{}", id_of(&statement.body));
    post(
        &app,
        &s,
        broker,
        json!({"activity_type": "sell", "date": "2024-01-05", "security_id": "AAA",
               "quantity": "10", "unit_price": "6"}),
    )
    .await
    .expect(201);

    let r = app
        .post(
            &holdings,
            &s.access,
            json!({"security_id": "AAA", "shares": "5", "average_price_per_share": "5",
                   "timestamp": "2024-01-04T12:00:00Z"}),
        )
        .await;
    assert_422_at(&r, json!(["body", "activity"]));
    let r = app
        .patch(
            &one,
            &s.access,
            json!({"timestamp": "2024-01-06T12:00:00Z"}),
        )
        .await;
    assert_422_at(&r, json!(["body", "activity"]));
    let r = app.delete(&one, &s.access).await;
    assert_422_at(&r, json!(["body", "activity"]));
    let r = app.get(&holdings, &s.access).await;
    r.expect(200);
    assert_eq!(r.body.as_array().unwrap().len(), 1, "nothing changed");
    // A statement that covers the sale is fine.
    app.patch(&one, &s.access, json!({"shares": "12"}))
        .await
        .expect(200);
}

/// Worked example (FIFO): a statement of 10 AAA at 5 on Jan 2 (a lot of cost 50), a buy of 5
/// at 8 on Jan 3 (cost 40), a sale of 3 on Jan 4, which closes 3 of the statement's lot (15).
/// Held: 7 at 5 and 5 at 8, 12 shares of cost 75, an average of 6.25. At the close of 10:
/// worth 120, a gain of 45. The snapshot list still shows the one statement.
async fn current_holdings_of_an_account_kept_by_activities_are_its_replayed_positions(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let store = store(&app).await;
    security(
        store.as_ref(),
        "AAA",
        "USD",
        &[("2024-01-04T21:00:00Z", "10")],
    )
    .await;
    let broker = account(&app, &s, "Broker", "USD").await;
    let holdings = format!("/api/v1/accounts/{broker}/holdings");
    app.post(
        &holdings,
        &s.access,
        json!({"security_id": "AAA", "shares": "10", "average_price_per_share": "5",
               "timestamp": "2024-01-02T12:00:00Z"}),
    )
    .await
    .expect(201);
    post_batch(
        &app,
        &s,
        broker,
        json!([
            {"activity_type": "buy", "date": "2024-01-03", "security_id": "AAA", "quantity": "5", "unit_price": "8"},
            {"activity_type": "sell", "date": "2024-01-04", "security_id": "AAA", "quantity": "3", "unit_price": "9"},
        ]),
    )
    .await
    .expect(201);

    let current = format!("{holdings}?current=true");
    let r = app.get(&current, &s.access).await;
    r.expect(200);
    assert_eq!(r.header("x-total-count"), Some("1"));
    let p = &r.body[0];
    assert_eq!(p["shares"], "12.000000");
    assert_eq!(p["average_price_per_share"], "6.25");
    assert_eq!(p["cost_basis"], "75.00");
    assert_eq!(p["market_value"], "120.00");
    assert_eq!(p["unrealized_gain"], "45.00");
    assert_eq!(p["security"]["symbol"], "AAA");
    assert_eq!(p["timestamp"], "2024-01-04T00:00:00Z");
    // The same id on every read, naming no stored holding.
    let again = app.get(&current, &s.access).await;
    assert_eq!(again.body[0]["id"], p["id"]);
    let id = p["id"].as_str().unwrap();
    app.get(&format!("{holdings}/{id}"), &s.access)
        .await
        .expect(404);

    let everywhere = app.get("/api/v1/holdings", &s.access).await;
    everywhere.expect(200);
    assert_eq!(everywhere.body.as_array().unwrap().len(), 1);
    assert_eq!(everywhere.body[0]["shares"], "12.000000");
    let snapshots = app.get(&holdings, &s.access).await;
    assert_eq!(snapshots.body.as_array().unwrap().len(), 1);
    assert_eq!(snapshots.body[0]["shares"], "10.000000");
}
