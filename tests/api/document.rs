//! The OpenAPI document describes the server: every answer to a probe of each operation is one
//! of the operation's documented responses, and the input rules the document states are the
//! ones the server applies.

use crate::support;

use reqwest::Method;
use serde_json::{json, Value};
use support::http::{Db, Res, TestApp};
use uuid::Uuid;

on_both_stores!(
    every_answer_to_a_probe_is_documented,
    the_documented_input_rules_are_the_servers,
);

async fn document(app: &TestApp) -> Value {
    let r = app.call(Method::GET, "/openapi.json", None, None).await;
    r.expect(200);
    r.body.clone()
}

/// `path` with its parameters filled: well-formed values, or malformed ones.
fn filled(path: &str, well_formed: bool) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').unwrap() + open;
        let value = match (&rest[open + 1..close], well_formed) {
            ("symbol", true) => "ZZZZ".to_string(),
            ("symbol", false) => "%24%24%24".to_string(),
            ("code", _) => "XXX".to_string(),
            (_, true) => Uuid::new_v4().to_string(),
            (_, false) => "not-a-uuid".to_string(),
        };
        out.push_str(&value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

fn needs_token(op: &Value) -> bool {
    op["security"]
        .as_array()
        .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()))
}

fn has_parameter_in(op: &Value, place: &str) -> bool {
    op["parameters"]
        .as_array()
        .is_some_and(|ps| ps.iter().any(|p| p["in"] == place))
}

async fn every_answer_to_a_probe_is_documented(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("dora").await;
    let doc = document(&app).await;
    let mut undocumented = Vec::new();
    let mut probed = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let method: Method = method.to_uppercase().parse().unwrap();
            let documented = op["responses"].as_object().unwrap();
            let mut check = |what: &str, r: &Res, expected: Option<u16>| {
                probed += 1;
                let status = r.status.to_string();
                if !documented.contains_key(&status) || expected.is_some_and(|e| e != r.status) {
                    undocumented.push(format!(
                        "{method} {path} {what}: {status} (documented: {:?}) {}",
                        documented.keys().collect::<Vec<_>>(),
                        r.text
                    ));
                }
            };
            let url = filled(path, true);
            let body = op.get("requestBody").is_some();

            if needs_token(op) {
                let r = app.send(app.request(method.clone(), &url, None)).await;
                check("without a token", &r, Some(401));
            }
            if path.contains('{') && !path.contains("{code}") {
                let bad = filled(path, false);
                let r = app
                    .send(app.request(method.clone(), &bad, Some(&s.access)))
                    .await;
                check("with a malformed path", &r, Some(422));
            }
            if has_parameter_in(op, "query") {
                let sep = if url.contains('?') { '&' } else { '?' };
                let r = app
                    .send(app.request(
                        method.clone(),
                        &format!("{url}{sep}limit=0&skip=-1&start=never&amount=x"),
                        Some(&s.access),
                    ))
                    .await;
                check("with bad query values", &r, None);
            }
            if body {
                let r = app
                    .send(
                        app.request(method.clone(), &url, Some(&s.access))
                            .header("content-type", "text/plain")
                            .body("hello"),
                    )
                    .await;
                check("with a text body", &r, None);
                let r = app
                    .send(
                        app.request(method.clone(), &url, Some(&s.access))
                            .json(&json!({"no_such_field": [1, 2]})),
                    )
                    .await;
                check("with a stray field", &r, None);
            }
        }
    }
    assert!(probed > 120, "{probed} probes");
    assert!(
        undocumented.is_empty(),
        "answers the document does not list:\n{}",
        undocumented.join("\n")
    );
}

fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    &doc["components"]["schemas"][name]
}

fn parameter<'a>(doc: &'a Value, method: &str, path: &str, name: &str) -> &'a Value {
    doc["paths"][path][method]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{method} {path} has no parameter {name}"))
}

async fn the_documented_input_rules_are_the_servers(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("rule").await;
    let doc = document(&app).await;

    // A 422 locates array items by index: a location is strings and integers.
    let loc = &schema(&doc, "FieldError")["properties"]["loc"]["items"];
    let types: Vec<&Value> = loc["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["type"])
        .collect();
    assert_eq!(types, [&json!("string"), &json!("integer")], "{loc}");

    // Passwords: 8 to 128 characters, as documented.
    let password = &schema(&doc, "RegisterIn")["properties"]["password"];
    assert_eq!(password["minLength"], 8);
    assert_eq!(password["maxLength"], 128);
    for (n, status) in [(7, 422), (129, 422), (8, 201)] {
        let r = app
            .call(
                Method::POST,
                "/api/v1/auth/register",
                None,
                Some(
                    json!({"email": format!("p{n}@example.com"), "username": format!("p{n}x"),
                            "password": "x".repeat(n)}),
                ),
            )
            .await;
        r.expect(status);
    }
    let email = &schema(&doc, "RegisterIn")["properties"]["email"];
    assert!(email["pattern"].as_str().unwrap().contains('@'), "{email}");

    // The account types, in any case.
    let account_type = &schema(&doc, "AccountIn")["properties"]["account_type"];
    let pattern = account_type["pattern"].as_str().unwrap();
    assert!(
        pattern.contains("[cC][rR][eE][dD][iI][tT]_[cC][aA][rR][dD]"),
        "{pattern}"
    );
    for (kind, status) in [("Credit_Card", 201), ("piggy", 422)] {
        app.post(
            "/api/v1/accounts",
            &s.access,
            json!({"name": "A", "account_type": kind}),
        )
        .await
        .expect(status);
    }

    // Pages start at 0.
    let skip = parameter(&doc, "get", "/api/v1/accounts", "skip");
    assert_eq!(skip["schema"]["minimum"], 0);
    app.get("/api/v1/accounts?skip=-1", &s.access)
        .await
        .expect(422);

    // Search: `query` or `q`, not blank.
    let query = parameter(&doc, "get", "/api/v1/securities/search", "query");
    assert!(query["description"].as_str().unwrap().contains("`q`"));
    assert!(query["schema"]["pattern"].is_string());
    parameter(&doc, "get", "/api/v1/securities/search", "q");
    app.get("/api/v1/securities/search", &s.access)
        .await
        .expect(422);
    app.get("/api/v1/securities/search?query=%20", &s.access)
        .await
        .expect(422);
    app.get("/api/v1/securities/search?q=test", &s.access)
        .await
        .expect(200);

    // Refresh and logout take the token in the body or in the header: the body is optional
    // and so is the header.
    for path in ["/api/v1/auth/refresh", "/api/v1/auth/logout"] {
        let op = &doc["paths"][path]["post"];
        assert_eq!(op["requestBody"]["required"], false, "{path}");
        assert_eq!(
            op["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/RefreshIn",
            "{path}"
        );
        let security = op["security"].as_array().unwrap();
        assert!(security.contains(&json!({})), "{path}: {security:?}");
        assert!(security.contains(&json!({"bearer": []})), "{path}");
    }
    let r = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": s.refresh})),
        )
        .await;
    r.expect(200);
    let fresh = r.body["refresh_token"].as_str().unwrap().to_string();
    app.call(Method::POST, "/api/v1/auth/logout", Some(&fresh), None)
        .await
        .expect(204);
}
