//! How services bound their use of the market data provider: a deadline per operation, and a
//! budget of lookups per caller.

use std::future::Future;
use std::time::Duration;

use async_trait::async_trait;

use super::{ServiceError, ServiceResult};
use crate::market::deadline::{seconds, Deadline, DeadlineExceeded};

/// How long an operation that needs Yahoo may take, retries and backoff included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// One request: a lookup, a search's Yahoo part, a quote, a rate sync, an API sync.
    pub request: Duration,
    /// One security's sync within a batch (`finances sync`, the terminal UI's sync of all).
    pub sync: Duration,
}

impl Default for Deadlines {
    fn default() -> Self {
        Self {
            request: Duration::from_secs(10),
            sync: Duration::from_secs(30),
        }
    }
}

impl From<DeadlineExceeded> for ServiceError {
    fn from(e: DeadlineExceeded) -> Self {
        Self::UpstreamTimeout {
            upstream: super::Upstream::MarketData,
            message: format!("Yahoo Finance did not answer within {}", seconds(&e.limit)),
        }
    }
}

/// Runs `operation` under a deadline of `limit` (or the enclosing operation's); past it the
/// operation is dropped and the answer is [`ServiceError::UpstreamTimeout`].
pub(crate) async fn bounded<T>(
    limit: Duration,
    operation: impl Future<Output = ServiceResult<T>>,
) -> ServiceResult<T> {
    // Boxed: operations nest (a batch sync, each sync, each lookup in it), and each level
    // would otherwise carry the whole of the next one inside its own future.
    Deadline::after(limit)
        .run(Box::pin(operation))
        .await
        .unwrap_or_else(|e| Err(e.into()))
}

/// A caller's allowance of lookups that reach the market data provider. The HTTP API charges
/// each user's; the terminal front ends have none.
#[async_trait]
pub trait LookupBudget: Send + Sync {
    /// Counts one lookup; [`ServiceError::RateLimited`] when the caller is over budget.
    async fn charge(&self) -> ServiceResult<()>;
}
