//! Two `finances serve` processes on one PostgreSQL database and one Redis, as deployed behind
//! a load balancer: concurrent syncs of one symbol from both make one upstream fetch, and a
//! user deleted by anyone is refused by both at once.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};
use support::yahoo::{asset, FakeYahoo, Reply};

const SECRET: &str = "two-processes-secret-0123456789abcdef0123456789";
const CHART: &str = "/v8/finance/chart/TEST";

struct Server {
    child: Child,
    base: String,
    dir: std::path::PathBuf,
}

impl Server {
    fn start(database_url: &str, redis_url: &str, yahoo: &FakeYahoo) -> Self {
        let dir = std::env::temp_dir().join(format!("finances-twin-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let config = dir.join("config.toml");
        std::fs::write(&config, "").unwrap();
        let log = std::fs::File::create(dir.join("stderr.log")).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_finances"))
            .arg("--config")
            .arg(&config)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .env("FINANCES_DATA_DIR", &dir)
            .env("FINANCES_DATABASE_URL", database_url)
            .env("FINANCES_REDIS_URL", redis_url)
            .env("FINANCES_JWT_SECRET", SECRET)
            .env("FINANCES_YAHOO_BASE_URL", yahoo.url.as_str())
            .env("FINANCES_RATE_LIMIT_AUTH_PER_MINUTE", "0")
            .env_remove("FINANCES_BIND")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().expect("a startup line").expect("stdout");
        let base = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_string();
        std::thread::spawn(move || lines.for_each(drop));
        Self { child, base, dir }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The test Redis, in a database of this test's own, emptied first: nothing cached by an
/// earlier run answers for Yahoo.
async fn fresh_redis() -> Option<String> {
    let base = support::http::redis_url()?;
    let url = format!("{}/14", base.trim_end_matches('/'));
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let _: () = redis::cmd("FLUSHDB").query_async(&mut conn).await.unwrap();
    Some(url)
}

#[tokio::test(flavor = "multi_thread")]
async fn two_processes_sync_a_symbol_once_and_refuse_a_deleted_user_at_once() {
    let Some(pg) = finances::store::testing::postgres().await else {
        return;
    };
    let Some(redis) = fresh_redis().await else {
        return;
    };
    let yahoo = FakeYahoo::start().await;
    // Slow enough that the two syncs overlap.
    yahoo.route(
        CHART,
        Reply::json(asset("chart_TEST_1d_history.json")).delay(Duration::from_millis(300)),
    );
    yahoo.route(
        "/v10/finance/quoteSummary/TEST",
        Reply::json(asset("quoteSummary_TEST.json")),
    );
    // One after the other: each applies the migrations it finds missing.
    let (a, b) = tokio::task::block_in_place(|| {
        let a = Server::start(pg.url(), &redis, &yahoo);
        let b = Server::start(pg.url(), &redis, &yahoo);
        (a, b)
    });
    let client = reqwest::Client::new();
    let r = client
        .post(a.url("/api/v1/auth/register"))
        .json(&json!({"email": "two@example.com", "username": "two", "password": "two-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let user: Value = r.json().await.unwrap();
    let login: Value = client
        .post(b.url("/api/v1/auth/login"))
        .json(&json!({"username": "two", "password": "two-password"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap().to_string();

    let sync = |server: &Server| {
        client
            .post(server.url("/api/v1/securities/TEST/sync"))
            .bearer_auth(&token)
            .send()
    };
    let (ra, rb) = tokio::join!(sync(&a), sync(&b));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.status().as_u16(), 200);
    assert_eq!(rb.status().as_u16(), 200);
    assert_eq!(yahoo.hits(CHART), 1, "one upstream chart request for both");
    let (ra, rb): (Value, Value) = (ra.json().await.unwrap(), rb.json().await.unwrap());
    let mut synced = [ra["prices_synced"].clone(), rb["prices_synced"].clone()];
    synced.sort_by_key(|v| v.as_u64());
    // The recorded history: ten days, one of them without a close.
    assert_eq!(synced, [json!(0), json!(9)]);

    // Both know the user; then another process deletes it.
    for server in [&a, &b] {
        let r = client
            .get(server.url("/api/v1/users/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }
    let other = finances::store::open(pg.url()).await.unwrap();
    let id = uuid::Uuid::parse_str(user["id"].as_str().unwrap()).unwrap();
    other.delete_user(id).await.unwrap();
    for server in [&a, &b] {
        let r = client
            .get(server.url("/api/v1/users/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401, "{}", server.base);
    }
}
