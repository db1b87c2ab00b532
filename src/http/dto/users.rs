use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::{CurrencyCode, Email, Password, User, Username, ValidationError};
use crate::service::users::UserUpdate;

/// A user; never their password hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: Uuid,
    pub email: String,
    pub username: String,
    pub is_active: bool,
    pub is_superuser: bool,
    /// Totals are shown in this currency.
    pub base_currency: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<User> for UserOut {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            email: u.email.as_str().to_string(),
            username: u.username.as_str().to_string(),
            is_active: u.is_active,
            is_superuser: u.is_superuser,
            base_currency: u.base_currency.to_string(),
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterIn {
    /// A valid email address.
    #[schema(schema_with = crate::http::constraints::email)]
    pub email: String,
    /// 3 to 50 of `A-Za-z0-9_.-`.
    #[schema(schema_with = crate::http::constraints::username)]
    pub username: String,
    /// 8 to 128 characters.
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
}

impl RegisterIn {
    pub fn parse(&self) -> Result<(Email, Username, Password), ValidationError> {
        Ok((
            Email::parse(&self.email)?,
            Username::parse(&self.username)?,
            Password::parse(&self.password)?,
        ))
    }
}

/// Any of the fields; `current_password` is needed to change one's own password.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdateIn {
    #[schema(schema_with = crate::http::constraints::email_or_null)]
    pub email: Option<String>,
    #[schema(schema_with = crate::http::constraints::username_or_null)]
    pub username: Option<String>,
    /// 8 to 128 characters; changing one's own password needs `current_password`.
    #[schema(min_length = 8, max_length = 128)]
    pub password: Option<String>,
    pub current_password: Option<String>,
    /// Superusers only.
    pub is_active: Option<bool>,
    /// Superusers only.
    pub is_superuser: Option<bool>,
    /// A currency the server knows.
    #[schema(schema_with = crate::http::constraints::currency_code_or_null)]
    pub base_currency: Option<String>,
}

impl UserUpdateIn {
    pub fn parse(self) -> Result<UserUpdate, ValidationError> {
        Ok(UserUpdate {
            email: self.email.as_deref().map(Email::parse).transpose()?,
            username: self.username.as_deref().map(Username::parse).transpose()?,
            password: self.password.as_deref().map(Password::parse).transpose()?,
            current_password: self.current_password,
            is_active: self.is_active,
            is_superuser: self.is_superuser,
            base_currency: self
                .base_currency
                .as_deref()
                .map(CurrencyCode::parse)
                .transpose()?,
        })
    }
}
