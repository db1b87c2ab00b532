use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{CurrencyCode, ValidationError};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// A pragmatic check: one `@`, a non-empty local part, a dotted domain, no spaces, at
    /// most 254 characters. Stored lower-case so that lookups ignore case.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let email = raw.trim().to_lowercase();
        let bad = || ValidationError::new("email", format!("'{raw}' is not a valid email address"));
        if email.chars().count() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(bad());
        }
        let (local, domain) = email.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
        {
            return Err(bad());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> Self {
        e.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    /// 3 to 50 of `A-Za-z0-9_.-`.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let name = raw.trim();
        let ok_chars = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !(3..=50).contains(&name.len()) || !ok_chars {
            return Err(ValidationError::new(
                "username",
                "must be 3 to 50 characters of letters, digits, '_', '.' or '-'",
            ));
        }
        Ok(Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Username {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Username> for String {
    fn from(u: Username) -> Self {
        u.0
    }
}

/// A plain-text password that satisfies the length rule. Never printed.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let n = raw.chars().count();
        if !(8..=128).contains(&n) {
            return Err(ValidationError::new(
                "password",
                "must be 8 to 128 characters",
            ));
        }
        Ok(Self(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    pub email: Email,
    pub username: Username,
    /// PHC string of an Argon2id hash.
    pub password_hash: String,
    pub is_active: bool,
    pub is_superuser: bool,
    pub base_currency: CurrencyCode,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("username", &self.username)
            .field("is_active", &self.is_active)
            .field("is_superuser", &self.is_superuser)
            .field("base_currency", &self.base_currency)
            .finish_non_exhaustive()
    }
}

/// What a store needs to create a user; the hash is computed by the service.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub username: Username,
    pub password_hash: String,
    pub is_superuser: bool,
    pub base_currency: CurrencyCode,
}

impl NewUser {
    pub fn into_user(self, id: Uuid, at: DateTime<Utc>) -> User {
        User {
            id,
            email: self.email,
            username: self.username,
            password_hash: self.password_hash,
            is_active: true,
            is_superuser: self.is_superuser,
            base_currency: self.base_currency,
            created_at: at,
            updated_at: at,
        }
    }
}

/// A partial update; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub email: Option<Email>,
    pub username: Option<Username>,
    pub password_hash: Option<String>,
    pub is_active: Option<bool>,
    pub is_superuser: Option<bool>,
    pub base_currency: Option<CurrencyCode>,
}

impl UserPatch {
    pub fn apply(self, user: &mut User) {
        if let Some(v) = self.email {
            user.email = v;
        }
        if let Some(v) = self.username {
            user.username = v;
        }
        if let Some(v) = self.password_hash {
            user.password_hash = v;
        }
        if let Some(v) = self.is_active {
            user.is_active = v;
        }
        if let Some(v) = self.is_superuser {
            user.is_superuser = v;
        }
        if let Some(v) = self.base_currency {
            user.base_currency = v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@x.com",
            "ann@x",
            "a b@x.com",
            "a@@x.com",
            "a@x..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn email_length_counts_characters() {
        let wide = format!("{}@example.com", "é".repeat(200));
        assert!(Email::parse(&wide).is_ok(), "212 characters, 412 bytes");
        let long = format!("{}@example.com", "a".repeat(243));
        assert!(Email::parse(&long).is_err(), "255 characters");
    }

    #[test]
    fn usernames_and_passwords() {
        assert!(Username::parse("ann_1.x-y").is_ok());
        assert!(Username::parse("an").is_err());
        assert!(Username::parse("ann smith").is_err());
        assert!(Password::parse("short").is_err());
        assert!(Password::parse(&"x".repeat(129)).is_err());
        assert_eq!(
            format!("{:?}", Password::parse("secret-pass").unwrap()),
            "Password(<redacted>)"
        );
    }
}
