//! Cross-cutting behaviour over HTTP: health checks, the OpenAPI document and docs page,
//! request ids, CORS, trailing slashes, error format, bad input never being a 500, body size
//! limit, graceful shutdown.

use crate::support;

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use support::http::{Db, TestApp};
use support::yahoo::{asset, Reply};

on_both_stores!(
    health_at_root_and_under_the_prefix,
    openapi_document_lists_every_route,
    request_ids_cors_and_trailing_slashes,
    bad_input_is_never_a_500,
    oversized_bodies_are_413,
    shutdown_lets_requests_in_flight_finish,
);

async fn health_at_root_and_under_the_prefix(db: Db) {
    let app = TestApp::start(db).await;
    for prefix in ["", "/api/v1"] {
        let r = app
            .call(Method::GET, &format!("{prefix}/health"), None, None)
            .await;
        r.expect(200);
        assert_eq!(r.body, json!({"status": "healthy"}));
        let r = app
            .call(Method::GET, &format!("{prefix}/health/db"), None, None)
            .await;
        r.expect(200);
        assert_eq!(
            r.body,
            json!({"status": "healthy", "database": "connected"})
        );
        let expected = if app.redis { "connected" } else { "disabled" };
        for path in ["redis", "cache"] {
            let r = app
                .call(Method::GET, &format!("{prefix}/health/{path}"), None, None)
                .await;
            r.expect(200);
            assert_eq!(r.body, json!({"status": "healthy", "redis": expected}));
        }
    }
}

/// Every (method, path) of the contract.
const CONTRACT: &[(&str, &str)] = &[
    ("get", "/health"),
    ("get", "/health/db"),
    ("get", "/health/redis"),
    ("get", "/health/cache"),
    ("get", "/api/v1/health"),
    ("get", "/api/v1/health/db"),
    ("get", "/api/v1/health/redis"),
    ("get", "/api/v1/health/cache"),
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/login/tokens"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/auth/me"),
    ("post", "/api/v1/auth/test-token"),
    ("post", "/api/v1/auth/forgot-password"),
    ("post", "/api/v1/auth/reset-password"),
    ("get", "/api/v1/users/me"),
    ("patch", "/api/v1/users/me"),
    ("get", "/api/v1/users"),
    ("get", "/api/v1/users/{user_id}"),
    ("patch", "/api/v1/users/{user_id}"),
    ("delete", "/api/v1/users/{user_id}"),
    ("get", "/api/v1/currencies"),
    ("post", "/api/v1/currencies"),
    ("get", "/api/v1/currencies/{code}"),
    ("put", "/api/v1/currencies/{code}"),
    ("patch", "/api/v1/currencies/{code}"),
    ("delete", "/api/v1/currencies/{code}"),
    ("get", "/api/v1/currencies/{code}/rates"),
    ("post", "/api/v1/currencies/sync-rates"),
    ("get", "/api/v1/currencies/convert"),
    ("get", "/api/v1/financial-institutions"),
    ("post", "/api/v1/financial-institutions"),
    ("get", "/api/v1/financial-institutions/{id}"),
    ("put", "/api/v1/financial-institutions/{id}"),
    ("patch", "/api/v1/financial-institutions/{id}"),
    ("delete", "/api/v1/financial-institutions/{id}"),
    ("get", "/api/v1/accounts"),
    ("post", "/api/v1/accounts"),
    ("get", "/api/v1/accounts/{id}"),
    ("put", "/api/v1/accounts/{id}"),
    ("patch", "/api/v1/accounts/{id}"),
    ("delete", "/api/v1/accounts/{id}"),
    ("get", "/api/v1/accounts/{account_id}/values"),
    ("post", "/api/v1/accounts/{account_id}/values"),
    ("put", "/api/v1/accounts/{account_id}/values/{value_id}"),
    ("patch", "/api/v1/accounts/{account_id}/values/{value_id}"),
    ("delete", "/api/v1/accounts/{account_id}/values/{value_id}"),
    ("get", "/api/v1/accounts/{account_id}/holdings"),
    ("post", "/api/v1/accounts/{account_id}/holdings"),
    ("get", "/api/v1/accounts/{account_id}/holdings/{holding_id}"),
    ("put", "/api/v1/accounts/{account_id}/holdings/{holding_id}"),
    (
        "patch",
        "/api/v1/accounts/{account_id}/holdings/{holding_id}",
    ),
    (
        "delete",
        "/api/v1/accounts/{account_id}/holdings/{holding_id}",
    ),
    ("get", "/api/v1/holdings"),
    ("get", "/api/v1/securities"),
    ("get", "/api/v1/securities/search"),
    ("get", "/api/v1/securities/{symbol}"),
    ("post", "/api/v1/securities/{symbol}/sync"),
    ("get", "/api/v1/securities/{symbol}/prices"),
];

async fn openapi_document_lists_every_route(db: Db) {
    let app = TestApp::start(db).await;
    let r = app.call(Method::GET, "/openapi.json", None, None).await;
    r.expect(200);
    let doc = oas3::from_json(&r.text).expect("/openapi.json is an OpenAPI 3 document");
    let version = doc.validate_version().expect("a supported OpenAPI version");
    assert_eq!(version.major, 3, "{}", doc.openapi);
    let paths = doc.paths.as_ref().expect("paths");
    let mut operation_ids = std::collections::HashSet::new();
    for (method, path) in CONTRACT {
        let item = paths
            .get(*path)
            .unwrap_or_else(|| panic!("{path} is not in the document"));
        let op = match *method {
            "get" => item.get.as_ref(),
            "post" => item.post.as_ref(),
            "put" => item.put.as_ref(),
            "patch" => item.patch.as_ref(),
            "delete" => item.delete.as_ref(),
            _ => None,
        }
        .unwrap_or_else(|| panic!("{method} {path} is not in the document"));
        assert!(
            op.responses.as_ref().is_some_and(|r| !r.is_empty()),
            "{method} {path}"
        );
        let id = op.operation_id.clone().expect("an operation id");
        assert!(
            operation_ids.insert(id.clone()),
            "duplicate operation id {id}"
        );
    }
    // Operation ids are unique across the whole document too.
    let all: Vec<_> = doc
        .operations()
        .filter_map(|(_, _, op)| op.operation_id.clone())
        .collect();
    let unique: std::collections::HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), unique.len());
    // Every $ref points at a schema the document defines.
    let raw: Value = serde_json::from_str(&r.text).unwrap();
    let schemas = raw["components"]["schemas"].as_object().unwrap();
    let mut refs = Vec::new();
    collect_refs(&raw, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        let name = r.trim_start_matches("#/components/schemas/");
        assert!(schemas.contains_key(name), "dangling $ref {r}");
    }
    assert!(raw["components"]["securitySchemes"]["bearer"].is_object());
    // The interactive page works offline: its assets are served by this server.
    let docs = app.send(app.client.get(app.url("/docs/"))).await;
    docs.expect(200);
    assert!(
        docs.text.contains("swagger"),
        "{}",
        &docs.text[..200.min(docs.text.len())]
    );
    let init = app
        .send(app.client.get(app.url("/docs/swagger-initializer.js")))
        .await;
    init.expect(200);
    assert!(init.text.contains("/openapi.json"));
    let bundle = app
        .send(app.client.get(app.url("/docs/swagger-ui-bundle.js")))
        .await;
    bundle.expect(200);
    assert!(bundle.text.len() > 100_000);
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    if let Some(s) = v.as_str() {
                        out.push(s.to_string());
                    }
                } else {
                    collect_refs(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_refs(i, out)),
        _ => {}
    }
}

async fn request_ids_cors_and_trailing_slashes(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ida").await;
    // A caller's id is echoed; otherwise a new UUID, on success and on failure alike.
    let r = app
        .send(
            app.request(Method::GET, "/api/v1/accounts", Some(&s.access))
                .header("x-request-id", "trace-me-123"),
        )
        .await;
    assert_eq!(r.header("x-request-id"), Some("trace-me-123"));
    for path in ["/health", "/api/v1/accounts", "/no/such/route"] {
        let r = app.call(Method::GET, path, None, None).await;
        let id = r.header("x-request-id").expect("a request id");
        uuid::Uuid::parse_str(id).expect("a UUID");
    }
    let r = app.call(Method::GET, "/no/such/route", None, None).await;
    r.expect(404);
    assert_eq!(
        r.body,
        json!({"detail": "Not Found", "error_code": "NOT_FOUND"})
    );
    let r = app
        .call(Method::DELETE, "/api/v1/auth/login", None, None)
        .await;
    r.expect(405);
    assert_eq!(r.body["error_code"], "METHOD_NOT_ALLOWED");
    // CORS from configuration.
    let pre = app
        .send(
            app.request(Method::OPTIONS, "/api/v1/accounts", None)
                .header("origin", "https://app.example")
                .header("access-control-request-method", "POST")
                .header(
                    "access-control-request-headers",
                    "authorization,content-type,if-none-match",
                ),
        )
        .await;
    assert!(pre.status < 300, "{}", pre.status);
    assert_eq!(
        pre.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    assert!(pre
        .header("access-control-allow-headers")
        .is_some_and(|h| h.contains("if-none-match")));
    // A browser client may read the page total, the request id and the ETag.
    let s = app.signup("cora").await;
    let listed = app
        .send(
            app.request(Method::GET, "/api/v1/accounts", Some(&s.access))
                .header("origin", "https://app.example"),
        )
        .await;
    let exposed = listed
        .header("access-control-expose-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    for name in ["x-total-count", "x-request-id", "etag"] {
        assert!(exposed.contains(name), "{exposed}");
    }
    let other = app
        .send(
            app.request(Method::GET, "/health", None)
                .header("origin", "https://evil.example"),
        )
        .await;
    assert!(other.header("access-control-allow-origin").is_none());
    // Collections answer with and without a trailing slash, no redirect.
    for path in [
        "/api/v1/accounts",
        "/api/v1/accounts/",
        "/api/v1/currencies/",
        "/api/v1/financial-institutions/",
        "/api/v1/holdings/",
        "/api/v1/securities/",
        "/health/",
    ] {
        let r = app.get(path, &s.access).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
    }
    let r = app.get("/api/v1/accounts/?skip=0&limit=5", &s.access).await;
    r.expect(200);
    assert_eq!(r.header("x-total-count"), Some("0"));
}

async fn bad_input_is_never_a_500(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("jon").await;
    let acc = app.investment_account(&s, "Broker").await;
    let raw = |method: Method, path: &str, body: &str| {
        app.request(method, path, Some(&s.access))
            .header("content-type", "application/json")
            .body(body.to_string())
    };
    let cases: Vec<(reqwest::RequestBuilder, u16)> = vec![
        (raw(Method::POST, "/api/v1/accounts", "{not json"), 422),
        (raw(Method::POST, "/api/v1/accounts", ""), 422),
        (raw(Method::POST, "/api/v1/accounts", "[]"), 422),
        (
            raw(
                Method::POST,
                "/api/v1/accounts",
                r#"{"name": 5, "account_type": "cash"}"#,
            ),
            422,
        ),
        (
            raw(
                Method::POST,
                "/api/v1/accounts",
                r#"{"name": "x", "account_type": "piggy"}"#,
            ),
            422,
        ),
        (
            raw(
                Method::POST,
                "/api/v1/accounts",
                r#"{"name": "x", "account_type": "cash", "is_investment_account": "yes"}"#,
            ),
            422,
        ),
        (
            raw(
                Method::POST,
                "/api/v1/accounts",
                r#"{"name": "x", "account_type": "cash", "interest_rate": "lots"}"#,
            ),
            422,
        ),
        (
            raw(
                Method::POST,
                "/api/v1/accounts",
                r#"{"name": "x", "account_type": "cash", "unknown": 1}"#,
            ),
            422,
        ),
        (
            raw(
                Method::POST,
                &format!("/api/v1/accounts/{acc}/values"),
                r#"{"balance": 1e400, "cash_balance": 1}"#,
            ),
            422,
        ),
        (
            raw(
                Method::POST,
                &format!("/api/v1/accounts/{acc}/values"),
                r#"{"balance": "99999999999999999999999", "cash_balance": 1}"#,
            ),
            422,
        ),
        (
            raw(
                Method::POST,
                &format!("/api/v1/accounts/{acc}/values"),
                r#"{"balance": 1, "cash_balance": 1, "timestamp": "yesterday"}"#,
            ),
            422,
        ),
        (
            raw(
                Method::POST,
                &format!("/api/v1/accounts/{acc}/holdings"),
                r#"{"security_id": "TEST", "shares": "1e50", "average_price_per_share": 1}"#,
            ),
            422,
        ),
        (
            raw(
                Method::POST,
                "/api/v1/auth/login",
                r#"{"username": ["a"], "password": "x"}"#,
            ),
            422,
        ),
        (
            app.request(Method::POST, "/api/v1/accounts", Some(&s.access))
                .header("content-type", "text/plain")
                .body("name=x"),
            415,
        ),
        (
            app.request(Method::GET, "/api/v1/accounts/not-a-uuid", Some(&s.access)),
            422,
        ),
        (
            app.request(Method::DELETE, "/api/v1/accounts/123", Some(&s.access)),
            422,
        ),
        (
            app.request(
                Method::GET,
                &format!("/api/v1/accounts/{acc}/holdings/zzz"),
                Some(&s.access),
            ),
            422,
        ),
        (
            app.request(Method::GET, "/api/v1/users/42", Some(&s.access)),
            422,
        ),
        (
            app.request(Method::GET, "/api/v1/accounts?limit=0", Some(&s.access)),
            422,
        ),
        (
            app.request(Method::GET, "/api/v1/accounts?limit=-1", Some(&s.access)),
            422,
        ),
        (
            app.request(Method::GET, "/api/v1/accounts?limit=1001", Some(&s.access)),
            422,
        ),
        (
            app.request(
                Method::GET,
                "/api/v1/accounts?limit=99999999999999999999999",
                Some(&s.access),
            ),
            422,
        ),
        (
            app.request(Method::GET, "/api/v1/accounts?skip=-5", Some(&s.access)),
            422,
        ),
        (
            app.request(Method::GET, "/api/v1/accounts?limit=ten", Some(&s.access)),
            422,
        ),
        (
            app.request(
                Method::GET,
                &format!("/api/v1/accounts/{acc}/holdings?current=maybe"),
                Some(&s.access),
            ),
            422,
        ),
        (
            app.request(
                Method::GET,
                &format!("/api/v1/accounts/{acc}/values?start=nope"),
                Some(&s.access),
            ),
            422,
        ),
        (
            app.request(
                Method::GET,
                "/api/v1/currencies/convert?from=USD&to=EUR&amount=1e999",
                Some(&s.access),
            ),
            422,
        ),
    ];
    for (i, (request, status)) in cases.into_iter().enumerate() {
        let r = app.send(request).await;
        assert_eq!(r.status, status, "case {i}: {}", r.text);
        if status == 422 {
            let first = &r.body["detail"][0];
            assert!(first["loc"].is_array(), "case {i}: {}", r.text);
            assert!(
                first["msg"].is_string() && first["type"].is_string(),
                "case {i}"
            );
        } else {
            assert!(r.body["detail"].is_string(), "case {i}: {}", r.text);
        }
    }
    let r = app.get("/api/v1/accounts?limit=1000", &s.access).await;
    r.expect(200);
}

async fn oversized_bodies_are_413(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("kim").await;
    let big = format!(
        r#"{{"name": "{}", "account_type": "cash"}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    let addr = app.base.trim_start_matches("http://").to_string();
    let head = |framing: &str| {
        format!(
            "POST /api/v1/accounts HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\
             Content-Type: application/json\r\n{framing}\r\nConnection: close\r\n\r\n",
            s.access
        )
    };
    // With a declared length, refused before the body is read.
    let declared = raw_exchange(
        &addr,
        head(&format!("Content-Length: {}", big.len())),
        big.as_bytes()
            .chunks(64 * 1024)
            .map(<[u8]>::to_vec)
            .collect(),
    )
    .await;
    // Without one (chunked), the limit holds as the body is read.
    let chunked = raw_exchange(
        &addr,
        head("Transfer-Encoding: chunked"),
        big.as_bytes()
            .chunks(64 * 1024)
            .map(|chunk| {
                let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
                frame.extend_from_slice(chunk);
                frame.extend_from_slice(b"\r\n");
                frame
            })
            .chain([b"0\r\n\r\n".to_vec()])
            .collect(),
    )
    .await;
    for answer in [declared, chunked] {
        assert!(
            answer.starts_with("HTTP/1.1 413"),
            "{}",
            &answer[..answer.len().min(300)]
        );
        assert!(
            answer.contains(r#""error_code":"PAYLOAD_TOO_LARGE""#),
            "{answer}"
        );
        assert!(answer.contains(r#""detail":""#), "{answer}");
    }
}

/// Sends `head` and then `frames` while reading the answer, so that a server that answers
/// and closes before the whole body is sent (as it should for an oversized one) still has
/// its answer read rather than failing the write.
async fn raw_exchange(addr: &str, head: String, frames: Vec<Vec<u8>>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mut rd, mut wr) = tokio::net::TcpStream::connect(addr)
        .await
        .unwrap()
        .into_split();
    let writer = tokio::spawn(async move {
        if wr.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        for frame in frames {
            if wr.write_all(&frame).await.is_err() {
                return;
            }
        }
    });
    let mut answer = Vec::new();
    // A reset after the answer arrived is expected; what was read is kept.
    let _ = rd.read_to_end(&mut answer).await;
    writer.abort();
    String::from_utf8_lossy(&answer).into_owned()
}

async fn shutdown_lets_requests_in_flight_finish(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("lou").await;
    app.yahoo.route(
        "/v10/finance/quoteSummary/SLOW",
        Reply::json(asset("quoteSummary_TEST.json").replace("\"TEST\"", "\"SLOW\""))
            .delay(Duration::from_millis(800)),
    );
    let client = app.client.clone();
    let url = app.url("/api/v1/securities/SLOW");
    let token = s.access.clone();
    let in_flight = tokio::spawn(async move {
        client
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .map(|r| r.status().as_u16())
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let base = app.base.clone();
    let stopped = tokio::time::timeout(Duration::from_secs(10), app.shutdown()).await;
    assert!(stopped.is_ok(), "the server did not stop");
    let status = in_flight
        .await
        .unwrap()
        .expect("the request in flight got an answer");
    assert_eq!(status, 200);
    // New connections are refused after shutdown.
    assert!(reqwest::get(format!("{base}/health")).await.is_err());
}
