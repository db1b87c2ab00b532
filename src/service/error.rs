use std::time::Duration;

use crate::domain::ValidationError;
use crate::store::{ConflictKind, StoreError};

/// What went wrong in a service, by meaning. The HTTP layer maps each variant to a status code
/// in one place; the TUI shows it on its status line.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Input broke a domain rule (HTTP 422).
    #[error("{0}")]
    Invalid(#[from] ValidationError),
    /// A well-formed request that the rules refuse (HTTP 400).
    #[error("{0}")]
    BadRequest(String),
    /// Missing, or owned by someone else (HTTP 404): never reveal which.
    #[error("{0}")]
    NotFound(String),
    /// A uniqueness rule or a resource in use (HTTP 409).
    #[error("{0}")]
    Conflict(String),
    /// Not authenticated, or credentials wrong (HTTP 401).
    #[error("{0}")]
    Unauthorized(String),
    /// Authenticated but not allowed (HTTP 403).
    #[error("{0}")]
    Forbidden(String),
    /// Too many requests (HTTP 429).
    #[error("{message}")]
    RateLimited {
        message: String,
        retry_after_secs: Option<u64>,
    },
    /// An upstream (Yahoo, the database, Redis) is unreachable or failing (HTTP 503).
    #[error("{0}")]
    Unavailable(String),
    /// Yahoo did not answer within the operation's deadline (HTTP 503).
    #[error("{0}")]
    UpstreamTimeout(String),
    /// Yahoo refuses more requests for now (HTTP 503 with `Retry-After`). Not the API's own
    /// limit, which is [`ServiceError::RateLimited`].
    #[error("{message}")]
    UpstreamRateLimited {
        message: String,
        retry_after: Option<Duration>,
    },
    /// A bug or an unexpected state (HTTP 500); the message is logged, not shown to API clients.
    #[error("{0}")]
    Internal(String),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound(what.into())
    }
}

impl From<StoreError> for ServiceError {
    /// No rule, table or column name of the store reaches a client: a refused write is said in
    /// the caller's terms.
    fn from(e: StoreError) -> Self {
        match e.conflict_kind() {
            Some(ConflictKind::OwnerGone) => {
                return Self::Unauthorized("The user no longer exists".into())
            }
            Some(ConflictKind::ParentGone(what)) => {
                return Self::NotFound(format!("{what} not found"))
            }
            Some(ConflictKind::Rule) => {
                tracing::debug!(error = %e, "write refused by a rule of the store");
                return Self::Conflict("The change conflicts with stored data".into());
            }
            None => {}
        }
        match e {
            StoreError::NotFound => Self::NotFound("Not found".into()),
            StoreError::Unavailable(m) => Self::Unavailable(format!("database unavailable: {m}")),
            other => Self::Internal(other.to_string()),
        }
    }
}
