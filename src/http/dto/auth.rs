use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::RefOr;
use utoipa::ToSchema;

use crate::http::constraints;

use crate::service::auth::TokenPair;

#[derive(Debug, Serialize, ToSchema)]
pub struct TokensOut {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `bearer`.
    pub token_type: &'static str,
    /// Seconds the access token lives.
    pub expires_in: i64,
}

impl From<TokenPair> for TokensOut {
    fn from(p: TokenPair) -> Self {
        Self {
            access_token: p.access_token,
            refresh_token: p.refresh_token,
            token_type: "bearer",
            expires_in: p.expires_in,
        }
    }
}

/// JSON `{email or username, password}`, or a form with `username` (a username or an email)
/// and `password`.
#[derive(Debug, Deserialize)]
pub struct LoginIn {
    pub username: Option<String>,
    pub email: Option<String>,
    pub password: String,
}

impl LoginIn {
    pub fn login(&self) -> Option<&str> {
        self.email
            .as_deref()
            .or(self.username.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// The login is `email` when it is given, else `username`: the one used may not be blank.
impl utoipa::PartialSchema for LoginIn {
    fn schema() -> RefOr<Schema> {
        let text_or_null =
            || ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null]));
        let fields = ObjectBuilder::new()
            .property(
                "username",
                text_or_null().description(Some("A username, or an email (as forms send it).")),
            )
            .property("email", text_or_null())
            .property("password", ObjectBuilder::new().schema_type(Type::String))
            .required("password");
        constraints::with_any_of(
            fields,
            vec![
                constraints::requires(&["email"])
                    .property("email", constraints::not_blank())
                    .into(),
                constraints::requires(&["username"])
                    .property("email", ObjectBuilder::new().schema_type(Type::Null))
                    .property("username", constraints::not_blank())
                    .into(),
            ],
        )
        .into()
    }
}

impl ToSchema for LoginIn {}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshIn {
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ForgotPasswordIn {
    #[schema(schema_with = crate::http::constraints::email)]
    pub email: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResetPasswordIn {
    pub token: String,
    /// 8 to 128 characters.
    #[schema(min_length = 8, max_length = 128)]
    pub new_password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageOut {
    pub message: String,
}
