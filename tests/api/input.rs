//! Bad input through HTTP, on both stores: whatever a client sends, the answer is a 4xx with a
//! detail, nothing is stored, and what was stored stays readable.

use crate::support;

use finances::http::HttpSettings;
use reqwest::header::{CONTENT_TYPE, IF_NONE_MATCH};
use reqwest::Method;
use serde_json::{json, Value};
use support::http::{test_settings, Db, Session, TestApp};
use uuid::Uuid;

on_both_stores!(
    dates_outside_the_kept_range_are_refused_and_nothing_is_stored,
    times_without_seconds_or_offset_are_read_as_utc,
    nul_bytes_are_refused_everywhere,
    a_body_is_one_json_object,
    decimals_are_kept_exactly_or_refused,
    conditional_requests_answer_304_only_for_what_the_caller_may_read,
    remembered_answers_give_304_only_for_what_the_caller_may_read,
    a_write_by_a_deleted_user_is_401_and_names_no_constraint,
);

async fn cash_account(app: &TestApp, s: &Session) -> Uuid {
    let r = app
        .post(
            "/api/v1/accounts",
            &s.access,
            json!({"name": "Cash", "account_type": "checking"}),
        )
        .await;
    r.expect(201);
    Uuid::parse_str(r.body["id"].as_str().unwrap()).unwrap()
}

/// A JSON body sent as written, byte for byte.
async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: &str,
) -> support::http::Res {
    app.send(
        app.request(method, path, Some(token))
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string()),
    )
    .await
}

#[track_caller]
fn assert_field_error(r: &support::http::Res, field: &str) {
    assert_eq!(r.status, 422, "{}", r.text);
    let loc = &r.body["detail"][0]["loc"];
    assert!(
        loc.as_array().is_some_and(|l| l.iter().any(|x| x == field)),
        "{field} not in {loc}: {}",
        r.text
    );
}

async fn dates_outside_the_kept_range_are_refused_and_nothing_is_stored(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ada").await;
    let account = cash_account(&app, &s).await;
    let values = format!("/api/v1/accounts/{account}/values");
    let broker = app.investment_account(&s, "Broker").await;
    let holdings = format!("/api/v1/accounts/{broker}/holdings");
    for bad in [
        "+10000-01-01T00:00:00Z",
        "-0001-01-01T00:00:00Z",
        "-4714-01-01T00:00:00Z",
        "1899-12-31T23:59:59Z",
    ] {
        let r = app
            .post(
                &values,
                &s.access,
                json!({"balance": "1", "timestamp": bad}),
            )
            .await;
        assert_field_error(&r, "timestamp");
        let r = app
            .post(
                &holdings,
                &s.access,
                json!({"security_id": "TEST", "shares": 1, "average_price_per_share": 1,
                       "timestamp": bad}),
            )
            .await;
        assert_field_error(&r, "timestamp");
        for query in ["start", "end"] {
            let r = app
                .get(
                    &format!("{values}?{query}={}", bad.replace('+', "%2B")),
                    &s.access,
                )
                .await;
            assert_field_error(&r, query);
        }
    }
    let r = app
        .get(&format!("{values}?end=-262143-01-01T00:00:00Z"), &s.access)
        .await;
    assert_field_error(&r, "end");
    let r = app
        .get(
            "/api/v1/currencies/USD/rates?rate_date=%2B10000-01-01",
            &s.access,
        )
        .await;
    assert_field_error(&r, "rate_date");
    // A stored value cannot be moved out of range either.
    let r = app
        .post(
            &values,
            &s.access,
            json!({"balance": "1", "timestamp": "1900-01-01T00:00:00Z"}),
        )
        .await;
    r.expect(201);
    let value = r.body["id"].as_str().unwrap().to_string();
    let r = app
        .patch(
            &format!("{values}/{value}"),
            &s.access,
            json!({"timestamp": "+10000-01-01T00:00:00Z"}),
        )
        .await;
    assert_field_error(&r, "timestamp");
    // Nothing out of range was stored: the account and its lists still read.
    app.get(&format!("/api/v1/accounts/{account}"), &s.access)
        .await
        .expect(200);
    let r = app.get(&values, &s.access).await;
    r.expect(200);
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    assert_eq!(r.body[0]["timestamp"], "1900-01-01T00:00:00Z");
    app.get(&holdings, &s.access).await.expect(200);
    app.get("/api/v1/holdings", &s.access).await.expect(200);
}

async fn times_without_seconds_or_offset_are_read_as_utc(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("bea").await;
    let account = cash_account(&app, &s).await;
    let values = format!("/api/v1/accounts/{account}/values");
    // What an HTML datetime-local input sends.
    let r = app
        .post(
            &values,
            &s.access,
            json!({"balance": "10", "timestamp": "2026-11-29T18:06"}),
        )
        .await;
    r.expect(201);
    assert_eq!(r.body["timestamp"], "2026-11-29T18:06:00Z");
    let r = app
        .get(
            &format!("{values}?start=2026-11-29T18:06&end=2026-11-29"),
            &s.access,
        )
        .await;
    r.expect(200);
    // The end is midnight of that day: the value at 18:06 is after it.
    assert_eq!(r.body.as_array().unwrap().len(), 0);
    let r = app
        .get(&format!("{values}?start=2026-11-29T18:06"), &s.access)
        .await;
    assert_eq!(r.body.as_array().unwrap().len(), 1);
}

async fn nul_bytes_are_refused_everywhere(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("cid").await;
    // In a JSON string, in a key, in a nested place.
    let r = app
        .post(
            "/api/v1/financial-institutions",
            &s.access,
            json!({"name": "Bank\u{0}"}),
        )
        .await;
    assert_field_error(&r, "name");
    let r = raw(
        &app,
        Method::POST,
        "/api/v1/accounts",
        &s.access,
        r#"{"name": "x", "account_type": "checking", "na\u0000me": 1}"#,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text);
    // The unauthenticated login, as a form and as JSON.
    let r = app
        .send(
            app.request(Method::POST, "/api/v1/auth/login", None)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body("username=a%00b&password=whatever-password"),
        )
        .await;
    assert_field_error(&r, "username");
    let r = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "a\u{0}b", "password": "whatever-password"})),
        )
        .await;
    assert_field_error(&r, "username");
    let r = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": "n@example.com", "username": "nul\u{0}", "password": "long-enough-password"})),
        )
        .await;
    assert_field_error(&r, "username");
    // What a request does not read is neither stored nor checked: the extra fields an OAuth2
    // login form sends.
    let r = app
        .send(
            app.request(Method::POST, "/api/v1/auth/login", None)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(format!(
                    "username=cid&password={}&grant_type=password&scope=%00",
                    s.password
                )),
        )
        .await;
    r.expect(200);
    // A NUL in a key is located by the object around it: no location sent back holds one.
    let r = raw(
        &app,
        Method::POST,
        "/api/v1/financial-institutions",
        &s.access,
        r#"{"name": {"a\u0000": 1}}"#,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.body["detail"][0]["loc"], json!(["body", "name"]));
    // In a query string and in a path.
    let r = app
        .get("/api/v1/securities/search?query=a%00b", &s.access)
        .await;
    assert_field_error(&r, "query");
    let r = app.get("/api/v1/currencies/US%00D", &s.access).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let r = app.get("/api/v1/securities/TE%00ST", &s.access).await;
    assert_field_error(&r, "path");
    // A symbol is taken exactly as the document states it, with no space around it.
    let r = app.get("/api/v1/securities/%20TEST", &s.access).await;
    assert_field_error(&r, "symbol");
    // Nothing was stored.
    let r = app.get("/api/v1/financial-institutions", &s.access).await;
    assert_eq!(r.body, json!([]));
    let r = app.get("/api/v1/accounts", &s.access).await;
    assert_eq!(r.body, json!([]));
}

async fn a_body_is_one_json_object(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("dee").await;
    // Trailing garbage after a valid object.
    let r = raw(
        &app,
        Method::POST,
        "/api/v1/accounts",
        &s.access,
        r#"{"name": "x", "account_type": "checking"}}"#,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(!r.body["detail"][0]["msg"].as_str().unwrap().is_empty());
    // An array is not an object read by position.
    let r = raw(
        &app,
        Method::POST,
        "/api/v1/financial-institutions",
        &s.access,
        r#"["Array Bank","https://x.example"]"#,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.body["detail"][0]["msg"], "must be a JSON object");
    let r = app
        .post(
            "/api/v1/financial-institutions",
            &s.access,
            json!({"name": "Real Bank"}),
        )
        .await;
    r.expect(201);
    let bank = r.body["id"].as_str().unwrap().to_string();
    for body in ["[null,null]", "null", "1", "\"x\""] {
        let r = raw(
            &app,
            Method::PATCH,
            &format!("/api/v1/financial-institutions/{bank}"),
            &s.access,
            body,
        )
        .await;
        assert_eq!(r.status, 422, "{body}: {}", r.text);
    }
    // Nothing changed and nothing was added.
    let r = app.get("/api/v1/financial-institutions", &s.access).await;
    let names: Vec<&Value> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["name"])
        .collect();
    assert_eq!(names, [&json!("Real Bank")]);
    let r = app.get("/api/v1/accounts", &s.access).await;
    assert_eq!(r.body, json!([]));
}

async fn decimals_are_kept_exactly_or_refused(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("eve").await;
    let account = cash_account(&app, &s).await;
    let values = format!("/api/v1/accounts/{account}/values");
    // rust_decimal alone reads all of these, rounding the first to 5.
    for bad in [
        json!("5.00000000000000000000000000001"),
        json!("1_000"),
        json!("+5"),
        json!(".5"),
        json!("5."),
        json!(" 5"),
        json!("1,000"),
        json!(true),
    ] {
        let r = app.post(&values, &s.access, json!({"balance": bad})).await;
        assert_field_error(&r, "balance");
    }
    // The same as a JSON number, written out byte for byte.
    let r = raw(
        &app,
        Method::POST,
        &values,
        &s.access,
        r#"{"balance": 5.00000000000000000000000000001}"#,
    )
    .await;
    assert_field_error(&r, "balance");
    // In a query string too.
    let r = app
        .get(
            "/api/v1/currencies/convert?from=USD&to=USD&amount=%2B5",
            &s.access,
        )
        .await;
    assert_field_error(&r, "amount");
    assert_eq!(app.get(&values, &s.access).await.body, json!([]));
    // Exact values, as strings and as numbers, including exponents, read back equal.
    for (sent, stored) in [
        (json!("1234.5678"), "1234.5678"),
        (json!(0.1), "0.10"),
        (json!(1e3), "1000.00"),
        (json!("2.5E-3"), "0.0025"),
    ] {
        let r = app.post(&values, &s.access, json!({"balance": sent})).await;
        r.expect(201);
        assert_eq!(r.body["balance"], stored, "{sent}");
    }
}

async fn conditional_requests_answer_304_only_for_what_the_caller_may_read(db: Db) {
    only_what_the_caller_may_read(db, 0).await;
}

/// The same with rendered bodies remembered: a body kept for one caller and URI proves
/// nothing for another.
async fn remembered_answers_give_304_only_for_what_the_caller_may_read(db: Db) {
    only_what_the_caller_may_read(db, 16 << 20).await;
}

async fn only_what_the_caller_may_read(db: Db, response_cache_bytes: u64) {
    let settings = HttpSettings {
        response_cache_bytes,
        ..test_settings()
    };
    let app = TestApp::start_with(db, settings).await;
    let owner = app.signup("fay").await;
    let other = app.signup("gus").await;
    let account = app.investment_account(&owner, "Broker").await;
    let own_list = app.get("/api/v1/accounts", &other.access).await;
    own_list.expect(200);
    let own_tag = own_list.header("etag").unwrap().to_string();
    for path in [
        format!("/api/v1/accounts/{account}/values"),
        format!("/api/v1/accounts/{account}/holdings"),
        format!("/api/v1/accounts/{}/values", Uuid::new_v4()),
        format!("/api/v1/accounts/{}/holdings", Uuid::new_v4()),
    ] {
        for tag in ["*", own_tag.as_str()] {
            let r = app
                .send(
                    app.request(Method::GET, &path, Some(&other.access))
                        .header(IF_NONE_MATCH, tag),
                )
                .await;
            assert_eq!(r.status, 404, "{path} with {tag}: {}", r.text);
        }
    }
    for (path, who) in [
        ("/api/v1/accounts?skip=-31266".to_string(), &other),
        ("/api/v1/accounts?limit=0".to_string(), &other),
        (
            format!("/api/v1/accounts/{account}/holdings?skip=-1"),
            &owner,
        ),
    ] {
        let r = app
            .send(
                app.request(Method::GET, &path, Some(&who.access))
                    .header(IF_NONE_MATCH, "*"),
            )
            .await;
        assert_eq!(r.status, 422, "{path}: {}", r.text);
    }
    // The owner still gets 304 for a current copy, and `*` matches what exists.
    let path = format!("/api/v1/accounts/{account}/values");
    let r = app.get(&path, &owner.access).await;
    let tag = r.header("etag").unwrap().to_string();
    for tag in [tag.as_str(), "*"] {
        let r = app
            .send(
                app.request(Method::GET, &path, Some(&owner.access))
                    .header(IF_NONE_MATCH, tag),
            )
            .await;
        assert_eq!(r.status, 304, "{tag}: {}", r.text);
    }
}

async fn a_write_by_a_deleted_user_is_401_and_names_no_constraint(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("hal").await;
    let account = cash_account(&app, &s).await;
    // Another process deletes the user; this server may still know them for a moment.
    let other = finances::store::open(app.store_url()).await.unwrap();
    other.delete_user(s.id).await.unwrap();
    for (path, body) in [
        (
            "/api/v1/financial-institutions".to_string(),
            json!({"name": "Late Bank"}),
        ),
        (
            "/api/v1/accounts".to_string(),
            json!({"name": "Late", "account_type": "checking"}),
        ),
        (
            format!("/api/v1/accounts/{account}/values"),
            json!({"balance": "1"}),
        ),
    ] {
        let r = app.post(&path, &s.access, body).await;
        assert!(
            matches!(r.status, 401 | 404),
            "{path}: {} {}",
            r.status,
            r.text
        );
        for name in ["fk_", "uq_", "pk_", "user_id", "financial_institutions"] {
            assert!(!r.text.contains(name), "{path} leaks {name}: {}", r.text);
        }
    }
    let r = app
        .post(
            "/api/v1/financial-institutions",
            &s.access,
            json!({"name": "Late Bank"}),
        )
        .await;
    r.expect(401);
}
