//! Values that must never reach a log line or a terminal by accident.

use std::fmt;

use serde::{Deserialize, Deserializer};

/// A secret string: `Debug` and `Display` print `<redacted>`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// A connection URL that may carry a password: `Debug` shows it with the password replaced.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretUrl(String);

impl SecretUrl {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced by `***`, for messages and logs.
    pub fn redacted(&self) -> String {
        redact_url(&self.0)
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.redacted())
    }
}

impl<'de> Deserialize<'de> for SecretUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(SecretUrl)
    }
}

/// The URL with any password replaced by `***` (in the user-info part and in a `password=`
/// query parameter), for messages and logs.
pub fn redact_url(url: &str) -> String {
    let mut out = match url.split_once("://") {
        Some((scheme, rest)) => {
            // The user info ends at the last '@' before the query: an unencoded password may
            // hold '@' or '/'.
            let query_start = rest.find('?').unwrap_or(rest.len());
            match rest[..query_start].rfind('@') {
                Some(at) => {
                    let (userinfo, host_and_rest) = rest.split_at(at);
                    match userinfo.split_once(':') {
                        Some((user, _password)) => format!("{scheme}://{user}:***{host_and_rest}"),
                        None => url.to_string(),
                    }
                }
                None => url.to_string(),
            }
        }
        None => url.to_string(),
    };
    if let Some(q) = out.find('?') {
        let (base, query) = out.split_at(q + 1);
        let redacted: Vec<String> = query
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => kv.to_string(),
            })
            .collect();
        out = format!("{base}{}", redacted.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact_url("postgres://ann:s3cr%2Ft@db.example:5432/app?sslmode=disable"),
            "postgres://ann:***@db.example:5432/app?sslmode=disable"
        );
        assert_eq!(
            redact_url("postgres://ann:p@ss@db/app"),
            "postgres://ann:***@db/app"
        );
        assert_eq!(
            redact_url("postgres://ann@db/app?password=x&sslmode=disable"),
            "postgres://ann@db/app?password=***&sslmode=disable"
        );
        assert_eq!(
            redact_url("postgres://db.example/app"),
            "postgres://db.example/app"
        );
        assert_eq!(redact_url("sqlite:data/f.db"), "sqlite:data/f.db");
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://ann:hunter2@db.example:5432/fin"),
            "postgres://ann:***@db.example:5432/fin"
        );
        assert_eq!(
            redact_url("redis://127.0.0.1:6379"),
            "redis://127.0.0.1:6379"
        );
        assert!(!redact_url("postgres://u@h/db?password=hunter2").contains("hunter2"));
        assert!(!redact_url("postgres://u:hunter2@[bad").contains("hunter2"));
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "<redacted>");
        assert!(!format!("{:?}", SecretUrl::new("redis://:hunter2@h")).contains("hunter2"));
    }
}
