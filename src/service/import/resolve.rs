//! The securities an import names, each looked up once however many rows name it: the store
//! first, then Yahoo (by ticker, or by ISIN or CUSIP through its search). A name Yahoo does
//! not know is an error of the rows that use it; Yahoo being unreachable fails the import,
//! since nothing can be said of those rows.

use std::collections::{BTreeSet, HashMap};

use futures::future::try_join_all;

use crate::domain::{Security, Symbol};
use crate::import::{ImportRow, SecurityKey};
use crate::service::securities::{FirstUse, SecurityService};
use crate::service::{ServiceError, ServiceResult};

/// Lookups in flight at once: enough to hide Yahoo's latency, few enough to stay polite.
const CONCURRENT_LOOKUPS: usize = 4;

#[derive(Debug, Clone)]
pub enum Resolution {
    Found(Security),
    /// Why no security is known by that key, for the rows that use it.
    Unknown(String),
}

pub async fn securities(
    securities: &SecurityService,
    rows: &[ImportRow],
) -> ServiceResult<HashMap<SecurityKey, Resolution>> {
    let keys: Vec<SecurityKey> = rows
        .iter()
        .filter_map(|r| r.security.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut resolved = HashMap::with_capacity(keys.len());
    for chunk in keys.chunks(CONCURRENT_LOOKUPS) {
        let found = try_join_all(chunk.iter().map(|key| resolve(securities, key))).await?;
        resolved.extend(chunk.iter().cloned().zip(found));
    }
    Ok(resolved)
}

async fn resolve(securities: &SecurityService, key: &SecurityKey) -> ServiceResult<Resolution> {
    if let Some(raw) = &key.symbol {
        let symbol = match Symbol::parse(raw) {
            Ok(symbol) => symbol,
            Err(e) => return Ok(Resolution::Unknown(e.message)),
        };
        return by_symbol(securities, &symbol, raw).await;
    }
    let Some(code) = key.isin.as_ref().or(key.cusip.as_ref()) else {
        return Ok(Resolution::Unknown(format!(
            "the row names no ticker, ISIN or CUSIP for '{}'",
            key.label()
        )));
    };
    let found = securities.search(code, 3).await?;
    match found.results.into_iter().next() {
        Some(hit) => by_symbol(securities, &hit.symbol, code).await,
        None => match found.yahoo_error {
            Some(why) => Err(ServiceError::unavailable(
                super::super::Upstream::MarketData,
                format!("cannot look up {code}: {why}"),
            )),
            None => Ok(Resolution::Unknown(format!(
                "Yahoo Finance knows no security {code}{}",
                key.name
                    .as_ref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            ))),
        },
    }
}

async fn by_symbol(
    securities: &SecurityService,
    symbol: &Symbol,
    written: &str,
) -> ServiceResult<Resolution> {
    if let Some(stored) = securities.stored(symbol).await? {
        return Ok(Resolution::Found(stored));
    }
    match securities.obtain(symbol, FirstUse::SyncInBackground).await {
        Ok(security) => Ok(Resolution::Found(security)),
        Err(ServiceError::NotFound { .. }) | Err(ServiceError::Invalid(_)) => {
            Ok(Resolution::Unknown(format!(
                "Yahoo Finance does not know the symbol '{written}'"
            )))
        }
        Err(other) => Err(other),
    }
}
