use std::time::Duration;

/// What went wrong fetching market data, by meaning.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarketError {
    /// Yahoo does not know the symbol (a 404 "No data found", an empty quote result).
    #[error("{0}")]
    NotFound(String),
    /// The request itself is wrong: an unknown range, an interval Yahoo refuses for the period.
    #[error("{0}")]
    BadRequest(String),
    /// Yahoo keeps answering 429 Too Many Requests.
    #[error("Yahoo Finance is rate limiting requests")]
    RateLimited { retry_after: Option<Duration> },
    /// No connection to Yahoo could be made (refused, no route, name not resolved): the
    /// machine is offline or Yahoo's hosts are unreachable. Not retried.
    #[error("offline: cannot reach Yahoo Finance ({0})")]
    Offline(String),
    /// Yahoo cannot be reached, times out or answers 5xx.
    #[error("Yahoo Finance is unavailable: {0}")]
    Unavailable(String),
    /// Yahoo refuses the cookie and crumb session that quotes and profiles need (getcrumb or
    /// the request answering 401/403 again after a fresh crumb).
    #[error("Yahoo Finance refused the session: {0}")]
    SessionRefused(String),
    /// Yahoo answered 200 with a body this client cannot read.
    #[error("unexpected response from Yahoo Finance: {0}")]
    InvalidResponse(String),
}

pub type MarketResult<T> = Result<T, MarketError>;

impl MarketError {
    /// Worth trying the same request again later (rate limits, outages).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. }
                | Self::Offline(_)
                | Self::Unavailable(_)
                | Self::SessionRefused(_)
        )
    }
}
