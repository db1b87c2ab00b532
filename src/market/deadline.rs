//! One deadline per operation. A service runs an operation (an API request's lookup, a quote,
//! one security's sync) under a [`Deadline`]; every market-data call made inside shares it, so
//! retries and their backoff stop when it passes instead of each call timing out on its own.
//!
//! The deadline travels with the task rather than as an argument so that the cache and the
//! client see it without every [`super::MarketData`] method taking one.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

tokio::task_local! {
    static CURRENT: Deadline;
}

/// When an operation must be over, and the limit it was given (for messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    at: Instant,
    limit: Duration,
}

/// The operation ran out of time; it was dropped, cancelling its requests and waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no answer within {}", seconds(.limit))]
pub struct DeadlineExceeded {
    pub limit: Duration,
}

/// `10 s`, `1.5 s`.
pub fn seconds(d: &Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

impl Deadline {
    /// `limit` from now; inside an operation that has a deadline already, that one (a nested
    /// step never extends nor shortens the operation it is part of).
    pub fn after(limit: Duration) -> Self {
        Self::current().unwrap_or(Self {
            at: Instant::now() + limit,
            limit,
        })
    }

    /// The deadline of the operation this task is running, if any.
    pub fn current() -> Option<Self> {
        CURRENT.try_with(|d| *d).ok()
    }

    /// Time left before the deadline of the operation this task is running, if it has one.
    pub fn remaining_now() -> Option<Duration> {
        Self::current().map(|d| d.remaining())
    }

    pub fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    pub fn limit(&self) -> Duration {
        self.limit
    }

    /// Runs `operation` under this deadline; `Err` when it passes first.
    pub async fn run<F: Future>(self, operation: F) -> Result<F::Output, DeadlineExceeded> {
        let limit = self.limit;
        CURRENT
            .scope(self, tokio::time::timeout_at(self.at, operation))
            .await
            .map_err(|_| DeadlineExceeded { limit })
    }
}

/// Runs a step that has a fallback with half the time left to the current operation (all of
/// it when there is no deadline), so that the fallback still has time; `Err` when that half
/// passes.
pub async fn with_half_the_time_left<F: Future>(step: F) -> Result<F::Output, DeadlineExceeded> {
    match Deadline::current() {
        None => Ok(step.await),
        Some(d) => {
            let half = Deadline {
                at: Instant::now() + d.remaining() / 2,
                limit: d.limit / 2,
            };
            half.run(step).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_operation_past_its_deadline_is_dropped() {
        let d = Deadline::after(Duration::from_millis(100));
        let r = d
            .run(tokio::time::sleep(Duration::from_secs(60)))
            .await
            .unwrap_err();
        assert_eq!(r.limit, Duration::from_millis(100));
        assert_eq!(r.to_string(), "no answer within 0.1 s");
        let d = Deadline::after(Duration::from_secs(2));
        assert_eq!(d.run(async { 7 }).await, Ok(7));
        assert_eq!(
            DeadlineExceeded { limit: d.limit() }.to_string(),
            "no answer within 2 s"
        );
    }

    #[tokio::test]
    async fn nested_steps_share_the_enclosing_deadline() {
        assert_eq!(Deadline::current(), None);
        let outer = Deadline::after(Duration::from_secs(30));
        let (inner, left) = outer
            .run(async {
                tokio::time::sleep(Duration::from_millis(50)).await;
                (
                    Deadline::after(Duration::from_secs(5)),
                    Deadline::remaining_now(),
                )
            })
            .await
            .unwrap();
        assert_eq!(inner, outer);
        let left = left.unwrap();
        assert!(
            left < Duration::from_secs(30) && left > Duration::from_secs(25),
            "{left:?}"
        );
        assert_eq!(Deadline::current(), None);
    }

    #[tokio::test]
    async fn a_step_with_a_fallback_leaves_it_half_the_time() {
        let outer = Deadline::after(Duration::from_secs(2));
        let (step, left) = outer
            .run(async {
                let step =
                    with_half_the_time_left(tokio::time::sleep(Duration::from_secs(60))).await;
                (step, Deadline::remaining_now().unwrap())
            })
            .await
            .unwrap();
        assert!(step.is_err());
        assert!(left > Duration::from_millis(500), "{left:?}");
        assert_eq!(with_half_the_time_left(async { 1 }).await, Ok(1));
    }
}
