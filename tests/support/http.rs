//! The real server on port 0 over a fresh store, a local stand-in for Yahoo and a temporary
//! outbox, spoken to over HTTP; and a macro running each test on both stores.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use finances::http::{self, AppState, HttpSettings};
use finances::limits::{MemoryLimiter, RateLimiter, RedisLimiter};
use finances::mail::OutboxMailer;
use finances::market::{self, CacheSettings};
use finances::secret::Secret;
use finances::service::auth::AuthSettings;
use finances::service::{Deadlines, Services};
use finances::store::testing::{self, TestStore};
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::sync::oneshot;
use uuid::Uuid;

use super::yahoo::{asset, FakeYahoo, Reply};

pub const SECRET: &str = "test-secret-that-is-long-enough-for-hs256-0123456789";

/// Which store a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Runs each named `async fn(Db)` once per store: always on SQLite; on PostgreSQL when
/// `FINANCES_TEST_DATABASE_URL` is set (ignored otherwise, a failure under `CI=true`).
/// Attributes before a name, such as another `cfg_attr(..., ignore)`, go on both tests.
#[macro_export]
macro_rules! on_both_stores {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                $(#[$meta])*
                async fn $name() {
                    super::$name($crate::support::http::Db::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(
                    not(finances_test_postgres),
                    ignore = "needs PostgreSQL: set FINANCES_TEST_DATABASE_URL"
                )]
                $(#[$meta])*
                async fn $name() {
                    super::$name($crate::support::http::Db::Postgres).await;
                }
            )*
        }
    };
}

/// The Redis for tests: `FINANCES_TEST_REDIS_URL`. Panics when it is not set: tests that need
/// it are marked `#[cfg_attr(not(finances_test_redis), ignore = "...")]`, and the build script
/// sets that cfg when the variable is set, and always under `CI=true`.
pub fn redis_url() -> String {
    match std::env::var("FINANCES_TEST_REDIS_URL") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => panic!("FINANCES_TEST_REDIS_URL is not set: this test needs a Redis server"),
    }
}

/// An answer: status, headers and the JSON body (`Null` when empty or not JSON).
#[derive(Debug)]
pub struct Res {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Res {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn detail(&self) -> &str {
        self.body["detail"].as_str().unwrap_or_default()
    }

    #[track_caller]
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        self
    }
}

/// A logged-in user.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: Uuid,
    pub username: String,
    pub email: String,
    pub password: String,
    pub access: String,
    pub refresh: String,
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub services: Services,
    pub yahoo: FakeYahoo,
    pub outbox: PathBuf,
    pub db: Db,
    /// Whether rate limits count in Redis.
    pub redis: bool,
    /// The test database, owned by the first server on it (`None` for a twin).
    store: Option<TestStore>,
    store_url: String,
    /// Where market data and rate limits are kept in Redis (shared by twins).
    namespace: String,
    settings: HttpSettings,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = std::fs::remove_dir_all(&self.outbox);
    }
}

/// Settings for tests: rate limits off unless a test turns them on.
pub fn test_settings() -> HttpSettings {
    HttpSettings {
        auth_per_minute: 0,
        sync_per_minute: 0,
        lookups_per_minute: 0,
        cors_origins: vec!["https://app.example".into()],
        ..HttpSettings::default()
    }
}

/// The database a server runs on: its handle, its URL, and the test database itself when this
/// server owns it (dropped with the server).
struct Backing {
    store: Arc<dyn finances::store::Store>,
    url: String,
    owned: Option<TestStore>,
}

/// What a test may change about the app besides its settings.
#[derive(Debug, Clone, Default)]
pub struct TestOptions {
    pub deadlines: Deadlines,
    /// The Redis of the cache and the rate limits; unset: the test Redis on PostgreSQL, none on
    /// SQLite.
    pub redis: Option<String>,
}

impl TestApp {
    pub async fn start(db: Db) -> Self {
        Self::start_with(db, test_settings()).await
    }

    pub async fn start_with(db: Db, settings: HttpSettings) -> Self {
        Self::start_opts(db, settings, TestOptions::default()).await
    }

    pub async fn start_opts(db: Db, settings: HttpSettings, options: TestOptions) -> Self {
        let store = match db {
            Db::Sqlite => testing::sqlite().await,
            Db::Postgres => testing::postgres().await,
        };
        let namespace = format!("test-{}", Uuid::new_v4().simple());
        let yahoo = FakeYahoo::start().await;
        script_test_security(&yahoo);
        let backing = Backing {
            store: store.store(),
            url: store.url().to_string(),
            owned: Some(store),
        };
        Self::serve(db, backing, yahoo, namespace, settings, options).await
    }

    /// A second server over the same database, as another process would run it: its own
    /// store handle (own pool), services, caches in this process and token service, sharing
    /// only what processes share: the database, Redis (on PostgreSQL) and Yahoo.
    pub async fn twin(&self) -> Self {
        let store = finances::store::open_with(&self.store_url, 4)
            .await
            .expect("a second handle on the test database");
        let backing = Backing {
            store,
            url: self.store_url.clone(),
            owned: None,
        };
        Self::serve(
            self.db,
            backing,
            self.yahoo.clone(),
            self.namespace.clone(),
            self.settings.clone(),
            TestOptions::default(),
        )
        .await
    }

    async fn serve(
        db: Db,
        backing: Backing,
        yahoo: FakeYahoo,
        namespace: String,
        settings: HttpSettings,
        options: TestOptions,
    ) -> Self {
        let redis = match options.redis {
            Some(url) => Some(url),
            // The shared cache is what a PostgreSQL deployment runs with; without a Redis the
            // same tests run on the in-process cache.
            None if db == Db::Postgres && cfg!(finances_test_redis) => Some(redis_url()),
            None => None,
        };
        let cache = CacheSettings {
            redis_url: redis.clone(),
            namespace: namespace.clone(),
            ..CacheSettings::default()
        };
        let market = market::connect(yahoo.settings(), &cache).expect("market data");
        let Backing {
            store,
            url: store_url,
            owned,
        } = backing;
        let services = Services::with_deadlines(store, market, options.deadlines);
        let outbox = std::env::temp_dir().join(format!("finances-outbox-{}", Uuid::new_v4()));
        let auth = services.auth(
            Arc::new(OutboxMailer::new(&outbox, "finances <no-reply@test>")),
            AuthSettings::with_secret(Secret::new(SECRET)),
        );
        let limiter: Arc<dyn RateLimiter> = match &redis {
            Some(url) => Arc::new(
                RedisLimiter::new(url, &namespace, Duration::from_millis(500)).expect("redis"),
            ),
            None => Arc::new(MemoryLimiter::new()),
        };
        let state = AppState::new(services.clone(), auth, limiter, settings.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(http::serve(listener, state, async move {
            let _ = stopped.await;
        }));
        Self {
            base: format!("http://{addr}"),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            services,
            yahoo,
            outbox,
            db,
            redis: redis.is_some(),
            store: owned,
            store_url,
            namespace,
            settings,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// Stops accepting and waits for requests in flight to finish.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.server.take() {
            Some(h) => h.await.expect("server task"),
            None => Ok(()),
        }
    }

    /// The URL of the server's database, for writing to it as another process would.
    pub fn store_url(&self) -> &str {
        &self.store_url
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let mut r = self.client.request(method, self.url(path));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r
    }

    pub async fn send(&self, r: reqwest::RequestBuilder) -> Res {
        let resp = r.send().await.expect("request sent");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Res {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Res {
        let mut r = self.request(method, path, token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        self.send(r).await
    }

    /// A request whose path goes out exactly as written, unlike through an HTTP client,
    /// which resolves `%2e%2e` and `..` segments before sending.
    pub async fn raw(&self, method: &str, path: &str, token: &str) -> Res {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = self.base.trim_start_matches("http://");
        let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
        );
        conn.write_all(head.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        conn.read_to_end(&mut answer).await.unwrap();
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let (head, text) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut headers = HeaderMap::new();
        for line in head.lines().skip(1) {
            if let Some((k, v)) = line.split_once(':') {
                if let (Ok(k), Ok(v)) = (
                    reqwest::header::HeaderName::from_bytes(k.trim().as_bytes()),
                    reqwest::header::HeaderValue::from_str(v.trim()),
                ) {
                    headers.append(k, v);
                }
            }
        }
        Res {
            status,
            headers,
            body: serde_json::from_str(text).unwrap_or(Value::Null),
            text: text.to_string(),
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Res {
        self.call(Method::GET, path, Some(token), None).await
    }

    /// `GET /securities/{symbol}` until its background sync has finished (10 s at most).
    pub async fn until_synced(&self, symbol: &str, token: &str) -> Res {
        let path = format!("/api/v1/securities/{symbol}");
        for _ in 0..200 {
            let r = self.get(&path, token).await;
            if r.body["is_syncing"] == false && !r.body["last_synced_at"].is_null() {
                return r;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{symbol} was still syncing after 10 s");
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Res {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Res {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Res {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Res {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// Registers `name` (password `name-password`) and logs in.
    pub async fn signup(&self, name: &str) -> Session {
        let email = format!("{name}@example.com");
        let password = format!("{name}-password");
        let r = self
            .call(
                Method::POST,
                "/api/v1/auth/register",
                None,
                Some(json!({"email": email, "username": name, "password": password})),
            )
            .await;
        r.expect(201);
        let id = Uuid::parse_str(r.body["id"].as_str().unwrap()).unwrap();
        let tokens = self.login(name, &password).await;
        tokens.expect(200);
        Session {
            id,
            username: name.to_string(),
            email,
            password,
            access: tokens.body["access_token"].as_str().unwrap().to_string(),
            refresh: tokens.body["refresh_token"].as_str().unwrap().to_string(),
        }
    }

    /// A superuser, made as the command line makes one.
    pub async fn admin(&self, name: &str) -> Session {
        let s = self.signup(name).await;
        self.services.users.set_superuser(s.id, true).await.unwrap();
        s
    }

    pub async fn login(&self, login: &str, password: &str) -> Res {
        self.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": login, "password": password})),
        )
        .await
    }

    /// The messages in the outbox, oldest first, waiting up to `wait` for at least `n`.
    pub async fn mails(&self, n: usize, wait: Duration) -> Vec<String> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let mut names: Vec<PathBuf> = std::fs::read_dir(&self.outbox)
                .map(|d| {
                    d.filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                        .collect()
                })
                .unwrap_or_default();
            names.sort();
            if names.len() >= n || tokio::time::Instant::now() >= deadline {
                return names
                    .iter()
                    .map(|p| std::fs::read_to_string(p).unwrap())
                    .collect();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// An investment account of `s`.
    pub async fn investment_account(&self, s: &Session, name: &str) -> Uuid {
        let r = self
            .post(
                "/api/v1/accounts",
                &s.access,
                json!({"name": name, "account_type": "brokerage", "is_investment_account": true}),
            )
            .await;
        r.expect(201);
        Uuid::parse_str(r.body["id"].as_str().unwrap()).unwrap()
    }
}

/// The reset token in a reset mail.
pub fn reset_token(mail: &str) -> String {
    mail.lines()
        .find_map(|l| l.trim().strip_prefix("Reset token: "))
        .expect("a reset token in the mail")
        .trim()
        .to_string()
}

/// Yahoo knows TEST (profile, quote, daily history) and nothing else.
fn script_test_security(yahoo: &FakeYahoo) {
    yahoo.route(
        "/v8/finance/chart/TEST",
        Reply::json(asset("chart_TEST_1d_history.json")),
    );
    yahoo.route(
        "/v10/finance/quoteSummary/TEST",
        Reply::json(asset("quoteSummary_TEST.json")),
    );
    yahoo.route("/v7/finance/quote", Reply::json(asset("quote_TEST.json")));
    yahoo.route("/v1/finance/search", Reply::json(asset("search_test.json")));
    yahoo.route(
        "/v8/finance/chart/USDEUR=X",
        Reply::json(asset("chart_EURUSD_X_1d.json")),
    );
    yahoo.route(
        "/v8/finance/chart/USDGBP=X",
        Reply::json(asset("chart_GBPUSD_X_1d.json")),
    );
}
