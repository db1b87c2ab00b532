use std::fmt;
use std::time::Duration;

use crate::domain::ValidationError;
use crate::store::{ConflictKind, StoreError};

/// A failure's cause, kept for logs and `source()` chains.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Which outside system failed or was too slow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upstream {
    Database,
    /// Yahoo Finance.
    MarketData,
    Mail,
}

impl fmt::Display for Upstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Database => "database",
            Self::MarketData => "Yahoo Finance",
            Self::Mail => "mail",
        })
    }
}

/// What a [`ServiceError::NotFound`] was looking for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    User,
    Institution,
    Account,
    AccountValue,
    Holding,
    Activity,
    /// A proposed activity from a split or dividend the market data reported.
    Proposal,
    Security,
    Currency,
    Rate,
    /// A row the store found gone, named in the message only.
    Record,
}

/// What went wrong in a service, by meaning. The HTTP layer maps each variant to a status code
/// in one place; the TUI shows it on its status line. Callers decide on the variant and its
/// fields, never on the message text.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Input broke a domain rule (HTTP 422).
    #[error("{0}")]
    Invalid(#[from] ValidationError),
    /// Items of a batch that broke a domain rule, by their index (HTTP 422); nothing of the
    /// batch was stored.
    #[error("{} items are invalid", .0.len())]
    InvalidItems(Vec<(usize, ValidationError)>),
    /// A change the ledger cannot take, such as selling more than is then held (HTTP 422);
    /// `symbol` names the security concerned, when there is one, for people to read.
    #[error("{}", ledger_message(source, symbol.as_ref()))]
    Ledger {
        #[source]
        source: crate::domain::ledger::LedgerError,
        symbol: Option<crate::domain::Symbol>,
    },
    /// A well-formed request that the rules refuse (HTTP 400); `field` names the input to
    /// blame, when one is.
    #[error("{message}")]
    BadRequest {
        field: Option<&'static str>,
        message: String,
    },
    /// Missing, or owned by someone else (HTTP 404): never reveal which.
    #[error("{message}")]
    NotFound { entity: Entity, message: String },
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
    /// An upstream (Yahoo, the database, the mailer) is unreachable or failing (HTTP 503).
    #[error("{source}")]
    Unavailable {
        upstream: Upstream,
        #[source]
        source: BoxError,
    },
    /// An upstream did not answer within the operation's deadline (HTTP 503).
    #[error("{message}")]
    UpstreamTimeout { upstream: Upstream, message: String },
    /// Yahoo refuses more requests for now (HTTP 503 with `Retry-After`). Not the API's own
    /// limit, which is [`ServiceError::RateLimited`].
    #[error("{message}")]
    UpstreamRateLimited {
        message: String,
        retry_after: Option<Duration>,
    },
    /// A bug or an unexpected state (HTTP 500); the cause is logged, not shown to API clients.
    #[error("{0}")]
    Internal(#[source] BoxError),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    pub fn not_found(entity: Entity, message: impl Into<String>) -> Self {
        Self::NotFound {
            entity,
            message: message.into(),
        }
    }

    pub fn bad_request(field: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            field: Some(field),
            message: message.into(),
        }
    }

    pub fn unavailable(upstream: Upstream, source: impl Into<BoxError>) -> Self {
        Self::Unavailable {
            upstream,
            source: source.into(),
        }
    }

    pub fn internal(source: impl Into<BoxError>) -> Self {
        Self::Internal(source.into())
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
                return Self::not_found(Entity::Record, format!("{what} not found"))
            }
            Some(ConflictKind::Rule) => {
                tracing::debug!(error = %e, "write refused by a rule of the store");
                return Self::Conflict("The change conflicts with stored data".into());
            }
            None => {}
        }
        match e {
            StoreError::NotFound => Self::not_found(Entity::Record, "Not found"),
            e @ StoreError::Unavailable(_) => Self::unavailable(Upstream::Database, e),
            other => Self::internal(other),
        }
    }
}

impl From<crate::domain::ledger::LedgerError> for ServiceError {
    fn from(source: crate::domain::ledger::LedgerError) -> Self {
        Self::Ledger {
            source,
            symbol: None,
        }
    }
}

/// An oversold ledger told by the security's symbol, date and quantities, with the activity's
/// id last (a client that just sent it has no id for it yet).
fn ledger_message(
    e: &crate::domain::ledger::LedgerError,
    symbol: Option<&crate::domain::Symbol>,
) -> String {
    use crate::domain::ledger::LedgerError;
    match (e, symbol) {
        (
            LedgerError::Oversold {
                activity_id,
                date,
                held,
                wanted,
                ..
            },
            Some(symbol),
        ) => format!(
            "on {date} the account would give up {} {symbol}, but only {} are held then \
             (activity {activity_id})",
            wanted.normalize(),
            held.normalize()
        ),
        _ => e.to_string(),
    }
}
