//! `finances serve` as deployed, against a Yahoo that takes requests and never answers: a
//! sync ends in 503 at the request deadline, and SIGTERM stops the process within 10 s
//! although a request is still waiting on Yahoo.

use crate::support;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::served::Served;
use support::yahoo::{FakeYahoo, Reply};

/// The defaults of `config.example.toml`.
const REQUEST_DEADLINE: Duration = Duration::from_secs(10);
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// What SIGTERM must take at most, whatever is in flight.
const EXIT_WITHIN: Duration = Duration::from_secs(10);

struct Server(Served);

impl Server {
    /// Starts the binary with the default configuration, over SQLite in a fresh data
    /// directory, with Yahoo at `yahoo`.
    fn start(yahoo: &FakeYahoo) -> Self {
        Self(Served::start(yahoo, &[]))
    }

    fn url(&self, path: &str) -> String {
        self.0.url(path)
    }

    fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.0.child.id().to_string()])
            .status()
            .expect("the kill command");
        assert!(status.success());
    }

    /// Waits up to `limit` for the process to exit: its status and when it exited.
    fn wait(&mut self, limit: Duration) -> Option<(std::process::ExitStatus, Instant)> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Some(status) = self.0.child.try_wait().unwrap() {
                return Some((status, Instant::now()));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    fn log(&self) -> String {
        self.0.log()
    }
}

async fn token(client: &reqwest::Client, server: &Server) -> String {
    let register = client
        .post(server.url("/api/v1/auth/register"))
        .json(&json!({"email": "ops@example.com", "username": "ops", "password": "ops-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(register.status().as_u16(), 201);
    let login: Value = client
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({"username": "ops", "password": "ops-password"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    login["access_token"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hanging_yahoo_gets_503_at_the_deadline_and_sigterm_exits_within_10_s() {
    let yahoo = FakeYahoo::start().await;
    yahoo.route("/v10/finance/quoteSummary/HANG", Reply::hang());
    yahoo.route("/v8/finance/chart/HANG", Reply::hang());
    let mut server = tokio::task::block_in_place(|| Server::start(&yahoo));
    let client = reqwest::Client::new();
    let token = token(&client, &server).await;
    let sync = || {
        client
            .post(server.url("/api/v1/securities/HANG/sync"))
            .bearer_auth(&token)
            .send()
    };

    let started = Instant::now();
    let r = sync().await.unwrap();
    let took = started.elapsed();
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    eprintln!("sync with Yahoo hanging answered {status} after {took:?}");
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error_code"], "UPSTREAM_TIMEOUT", "{body}");
    assert!(
        took >= REQUEST_DEADLINE && took < REQUEST_DEADLINE + Duration::from_secs(5),
        "answered after {took:?}"
    );

    // Another one waits on Yahoo when SIGTERM comes.
    let in_flight = tokio::spawn(sync());
    tokio::time::sleep(Duration::from_secs(1)).await;
    let signalled = Instant::now();
    server.terminate();
    let exited = tokio::task::block_in_place(|| server.wait(Duration::from_secs(30)));
    let (status, at) = exited.unwrap_or_else(|| panic!("still running; log:\n{}", server.log()));
    let took = at - signalled;
    eprintln!("SIGTERM with a request in flight: exit after {took:?} ({status})");
    assert!(status.success(), "{status}; log:\n{}", server.log());
    assert!(took < EXIT_WITHIN, "exit after {took:?}");
    assert!(
        took >= SHUTDOWN_GRACE,
        "exit after {took:?}, before the grace"
    );

    let r = in_flight.await.unwrap().expect("an answer before the exit");
    assert_eq!(r.status().as_u16(), 503);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error_code"], "SHUTTING_DOWN", "{body}");
}
