//! Services over a test store with Yahoo unreachable, for cases that work from stored data
//! only, and a registered user to act as.

#![allow(dead_code)]

use std::sync::Arc;

use finances::domain::{Email, Password, User, Username};
use finances::market::{self, CacheSettings, YahooSettings};
use finances::service::Services;
use finances::store::Store;

pub fn services(store: Arc<dyn Store>) -> Services {
    let yahoo = YahooSettings {
        base_url: Some(url::Url::parse("http://127.0.0.1:1").unwrap()),
        retries: 0,
        ..YahooSettings::default()
    };
    let market = market::connect(yahoo, &CacheSettings::default()).unwrap();
    Services::new(store, market)
}

/// A registered, active user named `name` (`name@example.com`).
pub async fn user(s: &Services, name: &str) -> User {
    s.users
        .register(
            Email::parse(&format!("{name}@example.com")).unwrap(),
            Username::parse(name).unwrap(),
            Password::parse("long enough password").unwrap(),
            false,
        )
        .await
        .unwrap()
}
