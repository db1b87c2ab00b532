//! The cookie + crumb session that quote and quoteSummary need. Obtained once, shared by every
//! request, replaced only when Yahoo says it is invalid.

use tokio::sync::Mutex;

use super::client::YahooClient;
use super::parse;
use crate::market::{MarketError, MarketResult};

#[derive(Debug, Default)]
pub(crate) struct Session {
    crumb: Mutex<Option<String>>,
}

impl Session {
    /// The current crumb, obtaining a cookie and a crumb first when there is none. Concurrent
    /// callers wait for one fetch.
    pub async fn crumb(&self, client: &YahooClient) -> MarketResult<String> {
        let mut slot = self.crumb.lock().await;
        if let Some(crumb) = slot.as_ref() {
            return Ok(crumb.clone());
        }
        client.fetch_cookie().await;
        let body = client.fetch_crumb_body().await?;
        let crumb = parse::crumb(&body).ok_or_else(|| {
            let shown: String = body.trim().chars().take(60).collect();
            MarketError::InvalidResponse(format!("getcrumb answered '{shown}', not a crumb"))
        })?;
        tracing::debug!("obtained a Yahoo crumb");
        *slot = Some(crumb.clone());
        Ok(crumb)
    }

    /// Drops `rejected` so that the next call obtains a new crumb; a crumb another caller has
    /// already replaced stays.
    pub async fn forget(&self, rejected: &str) {
        let mut slot = self.crumb.lock().await;
        if slot.as_deref() == Some(rejected) {
            *slot = None;
        }
    }
}
