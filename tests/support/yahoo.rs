//! A local stand-in for Yahoo Finance: an HTTP server on port 0 that answers scripted routes
//! (recorded bodies from the shared fixtures, or small ones from `assets/yahoo`) and counts
//! every request it sees.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, Request, Response, StatusCode};
use axum::Router;
use finances::market::YahooSettings;
use url::Url;

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    pub headers: Vec<(String, String)>,
    pub delay: Duration,
}

impl Reply {
    pub fn json(body: impl Into<String>) -> Self {
        Self::with_status(200, "application/json;charset=utf-8", body)
    }

    pub fn text(body: impl Into<String>) -> Self {
        Self::with_status(200, "text/plain;charset=utf-8", body)
    }

    pub fn with_status(status: u16, content_type: &str, body: impl Into<String>) -> Self {
        Self {
            status,
            content_type: content_type.to_string(),
            body: body.into(),
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Takes the request and never answers (within any test's lifetime).
    pub fn hang() -> Self {
        Self::json("{}").delay(Duration::from_secs(24 * 3600))
    }
}

/// A base URL on which nothing listens: connecting is refused at once, as on a machine whose
/// network is down or behind a proxy that is not running.
pub fn refusing_url() -> Url {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    Url::parse(&format!("http://{addr}/")).unwrap()
}

/// A request the server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Percent-decoded.
    pub path: String,
    /// As sent.
    pub raw_path: String,
    pub query: HashMap<String, String>,
    pub cookie: Option<String>,
}

struct Route {
    path: String,
    query: Vec<(String, String)>,
    replies: Vec<Reply>,
    served: usize,
}

#[derive(Default)]
struct Inner {
    routes: Vec<Route>,
    seen: Vec<Seen>,
}

/// The crumb the server hands out unless a test scripts `/v1/test/getcrumb` otherwise.
pub const CRUMB: &str = "Fk3crumbX9a";

#[derive(Clone)]
pub struct FakeYahoo {
    pub url: Url,
    inner: Arc<Mutex<Inner>>,
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn answer(State(inner): State<Arc<Mutex<Inner>>>, request: Request<Body>) -> Response<Body> {
    let uri = request.uri().clone();
    let path = percent_decode(uri.path());
    let query: HashMap<String, String> =
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let headers: &HeaderMap = request.headers();
    let cookie = headers
        .get(header::COOKIE)
        .and_then(|c| c.to_str().ok())
        .map(str::to_string);
    let reply = {
        let mut inner = inner.lock().unwrap();
        inner.seen.push(Seen {
            path: path.clone(),
            raw_path: uri.path().to_string(),
            query: query.clone(),
            cookie,
        });
        let route = inner.routes.iter_mut().rev().find(|r| {
            r.path == path
                && r.query
                    .iter()
                    .all(|(k, v)| query.get(k).is_some_and(|q| q == v))
        });
        match route {
            Some(route) => {
                let reply = route.replies[route.served.min(route.replies.len() - 1)].clone();
                route.served += 1;
                Some(reply)
            }
            None => None,
        }
    };
    let reply = reply.unwrap_or_else(|| {
        Reply::with_status(
            404,
            "application/json;charset=utf-8",
            r#"{"finance":{"result":null,"error":{"code":"Not Found","description":"HTTP 404 Not Found"}}}"#,
        )
    });
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = Response::builder()
        .status(StatusCode::from_u16(reply.status).unwrap())
        .header(header::CONTENT_TYPE, reply.content_type);
    for (name, value) in reply.headers {
        response = response.header(name, value);
    }
    response.body(Body::from(reply.body)).unwrap()
}

impl FakeYahoo {
    /// Starts the server with the session routes Yahoo has: `/` sets a cookie, getcrumb
    /// answers [`CRUMB`].
    pub async fn start() -> Self {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new().fallback(answer).with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        let yahoo = Self {
            url: Url::parse(&format!("http://{addr}/")).unwrap(),
            inner,
        };
        yahoo.route(
            "/",
            Reply::with_status(404, "text/html", "<html>not here</html>")
                .header("set-cookie", "A3=d=fakesession; Path=/; HttpOnly"),
        );
        yahoo.route("/v1/test/getcrumb", Reply::text(CRUMB));
        yahoo
    }

    /// Answers `path` with `reply`. A later route for the same request wins.
    pub fn route(&self, path: &str, reply: Reply) {
        self.route_seq(path, &[], vec![reply]);
    }

    /// Answers `path` with `reply` when the query has each of `query`'s pairs.
    pub fn route_when(&self, path: &str, query: &[(&str, &str)], reply: Reply) {
        self.route_seq(path, query, vec![reply]);
    }

    /// Answers successive matching requests with successive replies; the last one repeats.
    pub fn route_seq(&self, path: &str, query: &[(&str, &str)], replies: Vec<Reply>) {
        assert!(!replies.is_empty());
        self.inner.lock().unwrap().routes.push(Route {
            path: path.to_string(),
            query: query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            replies,
            served: 0,
        });
    }

    /// Requests seen for `path` so far.
    pub fn hits(&self, path: &str) -> usize {
        self.seen(path).len()
    }

    /// Every request seen so far, in order.
    pub fn all_seen(&self) -> Vec<Seen> {
        self.inner.lock().unwrap().seen.clone()
    }

    pub fn seen(&self, path: &str) -> Vec<Seen> {
        self.inner
            .lock()
            .unwrap()
            .seen
            .iter()
            .filter(|s| s.path == path)
            .cloned()
            .collect()
    }

    /// Client settings pointing every Yahoo host here, with quick retries.
    pub fn settings(&self) -> YahooSettings {
        YahooSettings {
            base_url: Some(self.url.clone()),
            timeout: Duration::from_secs(10),
            retries: 2,
            min_retry_delay: Duration::from_millis(5),
            max_retry_delay: Duration::from_millis(50),
            ..YahooSettings::default()
        }
    }
}

/// A response written for these tests, from `assets/yahoo`.
pub fn asset(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("assets/yahoo")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The folder of recorded Yahoo responses: `$FINANCES_YAHOO_FIXTURES`, else
/// `../shared/fixtures/yahoo` beside the project. Panics when it is absent: tests that read
/// it are marked `#[cfg_attr(not(finances_test_yahoo_fixtures), ignore = "...")]`, and the
/// build script sets that cfg when it finds the folder, and always under `CI=true`.
pub fn fixtures_dir() -> PathBuf {
    let dir = std::env::var_os("FINANCES_YAHOO_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/yahoo")
        });
    assert!(
        dir.join("SOURCES.md").is_file(),
        "the recorded Yahoo responses are missing at {} (set FINANCES_YAHOO_FIXTURES)",
        dir.display()
    );
    dir
}

/// A recorded response body.
pub fn fixture(dir: &std::path::Path, name: &str) -> String {
    let path = dir.join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A chart response from `assets/yahoo` with its bars moved onto the weekdays ending on
/// `last` (one bar a day, at 14:30 UTC), so that ranges counted back from a given day show
/// them.
pub fn chart_ending(name: &str, last: chrono::NaiveDate) -> String {
    use chrono::{Datelike, Weekday};
    let mut chart: serde_json::Value = serde_json::from_str(&asset(name)).unwrap();
    let result = &mut chart["chart"]["result"][0];
    let n = result["timestamp"].as_array().unwrap().len();
    let mut days = Vec::with_capacity(n);
    let mut day = last;
    while days.len() < n {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            days.push(day);
        }
        day = day.pred_opt().unwrap();
    }
    days.reverse();
    let stamps: Vec<i64> = days
        .iter()
        .map(|d| d.and_hms_opt(14, 30, 0).unwrap().and_utc().timestamp())
        .collect();
    result["meta"]["regularMarketTime"] = (*stamps.last().unwrap()).into();
    result["timestamp"] = stamps.into();
    chart.to_string()
}
