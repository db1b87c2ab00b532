//! HTTP to Yahoo Finance: chart, search, quote and quoteSummary, with retries on 429 and 5xx
//! and the crumb session.

use std::time::Duration;

use async_trait::async_trait;
use backon::{ExponentialBuilder, Retryable};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::{header, StatusCode};
use url::Url;

use super::crumb::Session;
use super::parse;
use super::settings::{Hosts, YahooSettings};
use crate::domain::Symbol;
use crate::market::cache::CacheHealth;
use crate::market::deadline::Deadline;
use crate::market::{
    Chart, ChartRequest, ChartSpan, MarketData, MarketError, MarketResult, Profile, Quote,
    SearchHit,
};

/// Modules asked of quoteSummary for a security's profile.
const PROFILE_MODULES: &str = "price,summaryDetail,assetProfile";

/// A Yahoo Finance client. Cheap to share behind an `Arc`; holds one connection pool, one
/// cookie jar and one crumb.
#[derive(Debug)]
pub struct YahooClient {
    http: reqwest::Client,
    hosts: Hosts,
    settings: YahooSettings,
    session: Session,
}

/// Why one attempt failed, before retries are decided.
#[derive(Debug)]
enum Attempt {
    /// 429, with the `Retry-After` Yahoo asked for.
    RateLimited(Option<Duration>),
    /// 5xx.
    Server(StatusCode),
    /// No connection could be made: refused, no route, name not resolved.
    Offline(String),
    /// A connection, but no answer: reset, timed out.
    Transport(String),
}

impl Attempt {
    /// A refused connection or a failed name lookup fails the same way a moment later:
    /// waiting to try again only delays saying "offline".
    fn is_retryable(&self) -> bool {
        !matches!(self, Self::Offline(_))
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited(after) => *after,
            _ => None,
        }
    }

    fn into_error(self) -> MarketError {
        match self {
            Self::RateLimited(retry_after) => MarketError::RateLimited { retry_after },
            Self::Server(status) => MarketError::Unavailable(format!("HTTP {status}")),
            Self::Offline(reason) => MarketError::Offline(reason),
            Self::Transport(reason) => MarketError::Unavailable(reason),
        }
    }
}

/// An answer that is not a 429, 5xx or network failure.
struct Answer {
    status: StatusCode,
    body: String,
}

fn retry_after(headers: &header::HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    value.parse::<u64>().ok().map(Duration::from_secs)
}

/// What stays as it is in a path segment sent upstream: RFC 3986's unreserved characters.
/// Everything else a symbol may hold (`^`, `=`) is percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `base` with `segments` appended, each percent-encoded, so that no segment can add, remove
/// or replace another. A segment that is empty, `.` or `..` would change the path's meaning
/// (URL parsers resolve dot segments, encoded or not) and is refused.
fn endpoint(base: &Url, segments: &[&str]) -> MarketResult<Url> {
    let mut path = base.path().trim_end_matches('/').to_string();
    for segment in segments {
        if segment.is_empty() || segment.chars().all(|c| c == '.') {
            return Err(MarketError::BadRequest(format!(
                "'{segment}' cannot be a part of a Yahoo Finance address"
            )));
        }
        path.push('/');
        path.extend(utf8_percent_encode(segment, SEGMENT));
    }
    let mut url = base.clone();
    url.set_path(&path);
    Ok(url)
}

impl YahooClient {
    pub fn new(settings: YahooSettings) -> Result<Self, crate::market::ConnectError> {
        let http = reqwest::Client::builder()
            .user_agent(settings.user_agent.clone())
            .timeout(settings.timeout)
            .connect_timeout(settings.connect_timeout)
            .cookie_store(true)
            .gzip(true)
            .build()
            .map_err(crate::market::ConnectError::Client)?;
        Ok(Self {
            hosts: Hosts::from_settings(&settings),
            http,
            settings,
            session: Session::default(),
        })
    }

    pub fn settings(&self) -> &YahooSettings {
        &self.settings
    }

    /// One GET, retried with jittered exponential backoff on 429, 5xx and failures after
    /// connecting; a `Retry-After` on a 429 replaces the computed delay (capped at
    /// `max_retry_delay`). No connection at all is not retried. Inside an operation with a
    /// deadline, a retry that could not start before it is not waited for: the last failure
    /// is the answer.
    async fn get(&self, url: &Url, query: &[(&str, String)]) -> MarketResult<Answer> {
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.settings.min_retry_delay)
            .with_max_delay(self.settings.max_retry_delay)
            .with_max_times(self.settings.retries)
            .with_jitter();
        let cap = self.settings.max_retry_delay;
        let attempt = || async {
            let response = self
                .http
                .get(url.clone())
                .query(query)
                .send()
                .await
                .map_err(|e| attempt_failure(&e))?;
            let status = response.status();
            if status == StatusCode::TOO_MANY_REQUESTS {
                return Err(Attempt::RateLimited(retry_after(response.headers())));
            }
            if status.is_server_error() {
                return Err(Attempt::Server(status));
            }
            let body = response
                .text()
                .await
                .map_err(|e| Attempt::Transport(transport_reason(&e)))?;
            Ok(Answer { status, body })
        };
        attempt
            .retry(backoff)
            .when(Attempt::is_retryable)
            .adjust(|e: &Attempt, delay| {
                let delay = delay.map(|d| e.retry_after().map_or(d, |r| r.min(cap)))?;
                match Deadline::remaining_now() {
                    Some(left) if delay >= left => None,
                    _ => Some(delay),
                }
            })
            .notify(|e: &Attempt, delay| {
                tracing::debug!(url = %url.path(), error = ?e, ?delay, "retrying Yahoo request");
            })
            .await
            .map_err(Attempt::into_error)
    }

    /// A GET whose non-200 answers become errors: 404 not found, 400/422 bad request,
    /// 401/403 unauthorized (returned as `Err(None)` so the caller may refresh the crumb).
    async fn get_ok(
        &self,
        url: &Url,
        query: &[(&str, String)],
        what: &str,
    ) -> MarketResult<Result<String, String>> {
        let answer = self.get(url, query).await?;
        let described = || {
            parse::error_description(&answer.body)
                .unwrap_or_else(|| format!("HTTP {}", answer.status))
        };
        match answer.status {
            s if s.is_success() => Ok(Ok(answer.body)),
            StatusCode::NOT_FOUND => Err(MarketError::NotFound(format!(
                "Yahoo Finance has no data for '{what}': {}",
                described()
            ))),
            StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => {
                Err(MarketError::BadRequest(described()))
            }
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Ok(Err(described())),
            _ => Err(MarketError::Unavailable(described())),
        }
    }

    /// A GET that needs the crumb: obtains it first, and on a 401 replaces it once and tries
    /// again.
    async fn get_with_crumb(
        &self,
        url: &Url,
        query: &[(&str, String)],
        what: &str,
    ) -> MarketResult<String> {
        for refreshed in [false, true] {
            let crumb = self.session.crumb(self).await?;
            let mut full = query.to_vec();
            full.push(("crumb", crumb.clone()));
            match self.get_ok(url, &full, what).await? {
                Ok(body) => return Ok(body),
                Err(reason) => {
                    tracing::info!(%reason, "Yahoo refused the crumb");
                    self.session.forget(&crumb).await;
                    if refreshed {
                        return Err(MarketError::SessionRefused(reason));
                    }
                }
            }
        }
        unreachable!("the loop returns on its second pass")
    }

    /// Visits the cookie host; Yahoo sets the session cookie whatever the status (fc.yahoo.com
    /// answers 404). Failures only show later, as a refused crumb.
    pub(crate) async fn fetch_cookie(&self) {
        if let Err(e) = self.http.get(self.hosts.cookie.clone()).send().await {
            tracing::debug!(error = %e, "Yahoo cookie request failed");
        }
    }

    pub(crate) async fn fetch_crumb_body(&self) -> MarketResult<String> {
        let url = endpoint(&self.hosts.crumb, &["v1", "test", "getcrumb"])?;
        match self.get_ok(&url, &[], "crumb").await? {
            Ok(body) => Ok(body),
            Err(reason) => Err(MarketError::SessionRefused(format!("no crumb: {reason}"))),
        }
    }

    pub async fn fetch_chart(&self, request: &ChartRequest) -> MarketResult<Chart> {
        request.validate(chrono::Utc::now())?;
        let url = endpoint(
            &self.hosts.api,
            &["v8", "finance", "chart", request.symbol.as_str()],
        )?;
        let mut query = vec![
            ("interval", request.interval.as_str().to_string()),
            ("events", "div,split".to_string()),
            ("includePrePost", "false".to_string()),
        ];
        match request.span {
            ChartSpan::Range(range) => query.push(("range", range.as_str().to_string())),
            ChartSpan::Period { start, end } => {
                query.push(("period1", start.timestamp().to_string()));
                query.push(("period2", end.timestamp().to_string()));
            }
        }
        let body = match self.get_ok(&url, &query, request.symbol.as_str()).await? {
            Ok(body) => body,
            Err(reason) => return Err(MarketError::Unavailable(reason)),
        };
        parse::chart(&body, &request.symbol, request.interval)
    }

    /// Latest quotes of several symbols; unknown symbols are simply absent.
    pub async fn fetch_quotes(&self, symbols: &[Symbol]) -> MarketResult<Vec<Quote>> {
        let url = endpoint(&self.hosts.api, &["v7", "finance", "quote"])?;
        let list = symbols
            .iter()
            .map(Symbol::as_str)
            .collect::<Vec<_>>()
            .join(",");
        let body = self
            .get_with_crumb(&url, &[("symbols", list.clone())], &list)
            .await?;
        parse::quotes(&body)
    }

    pub async fn fetch_quote(&self, symbol: &Symbol) -> MarketResult<Quote> {
        self.fetch_quotes(std::slice::from_ref(symbol))
            .await?
            .into_iter()
            .find(|q| &q.symbol == symbol)
            .ok_or_else(|| {
                MarketError::NotFound(format!("Yahoo Finance has no quote for '{symbol}'"))
            })
    }

    pub async fn fetch_profile(&self, symbol: &Symbol) -> MarketResult<Profile> {
        let url = endpoint(
            &self.hosts.api,
            &["v10", "finance", "quoteSummary", symbol.as_str()],
        )?;
        let query = [
            ("modules", PROFILE_MODULES.to_string()),
            ("formatted", "false".to_string()),
        ];
        let body = self.get_with_crumb(&url, &query, symbol.as_str()).await?;
        parse::profile(&body, symbol)
    }

    pub async fn fetch_search(&self, query: &str, limit: usize) -> MarketResult<Vec<SearchHit>> {
        let query = query.trim();
        if query.is_empty() {
            return Err(MarketError::BadRequest("the search query is empty".into()));
        }
        let url = endpoint(&self.hosts.api, &["v1", "finance", "search"])?;
        let params = [
            ("q", query.to_string()),
            ("quotesCount", limit.clamp(1, 50).to_string()),
            ("newsCount", "0".to_string()),
            ("enableFuzzyQuery", "false".to_string()),
        ];
        let body = match self.get_ok(&url, &params, query).await? {
            Ok(body) => body,
            Err(reason) => return Err(MarketError::Unavailable(reason)),
        };
        let mut hits = parse::search(&body)?;
        hits.truncate(limit);
        Ok(hits)
    }
}

/// Why sending failed: no connection at all is [`Attempt::Offline`].
fn attempt_failure(e: &reqwest::Error) -> Attempt {
    if e.is_connect() {
        Attempt::Offline(connect_reason(e))
    } else {
        Attempt::Transport(transport_reason(e))
    }
}

/// The innermost cause of a connection failure ("Connection refused (os error 111)", "failed
/// to lookup address information: ..."), without the URL.
fn connect_reason(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return "connection timed out".to_string();
    }
    let mut cause: &dyn std::error::Error = e;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string()
}

fn transport_reason(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "request timed out".to_string()
    } else if e.is_connect() {
        "cannot connect".to_string()
    } else {
        e.to_string()
    }
}

/// The client straight, without a cache.
#[async_trait]
impl MarketData for YahooClient {
    async fn chart(&self, request: &ChartRequest) -> MarketResult<Chart> {
        self.fetch_chart(request).await
    }
    async fn quote(&self, symbol: &Symbol) -> MarketResult<Quote> {
        self.fetch_quote(symbol).await
    }
    async fn profile(&self, symbol: &Symbol) -> MarketResult<Profile> {
        self.fetch_profile(symbol).await
    }
    async fn search(&self, query: &str, limit: usize) -> MarketResult<Vec<SearchHit>> {
        self.fetch_search(query, limit).await
    }
    async fn invalidate(&self, _symbol: &Symbol) {}
    async fn cache_health(&self) -> CacheHealth {
        CacheHealth::Disabled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded_and_dot_segments_refused() {
        let base = Url::parse("https://query2.finance.yahoo.com/").unwrap();
        let url = endpoint(&base, &["v8", "finance", "chart", "^GSPC"]).unwrap();
        assert_eq!(url.path(), "/v8/finance/chart/%5EGSPC");
        let url = endpoint(&base, &["v8", "finance", "chart", "EURUSD=X"]).unwrap();
        assert_eq!(url.path(), "/v8/finance/chart/EURUSD%3DX");
        let url = endpoint(&base, &["v8", "finance", "chart", "OCDO.L"]).unwrap();
        assert_eq!(url.path(), "/v8/finance/chart/OCDO.L");
        let url = endpoint(&base, &["chart", "a/../b?c#d%2e"]).unwrap();
        assert_eq!(url.path(), "/chart/a%2F..%2Fb%3Fc%23d%252e");
        assert_eq!(url.query(), None);
        for bad in ["..", ".", ""] {
            assert!(matches!(
                endpoint(&base, &["v8", "finance", "chart", bad]),
                Err(MarketError::BadRequest(_))
            ));
        }
        // A base with a path of its own (a proxy) keeps it.
        let proxied = Url::parse("http://127.0.0.1:9/yahoo/").unwrap();
        let url = endpoint(&proxied, &["v7", "finance", "quote"]).unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:9/yahoo/v7/finance/quote");
    }
}
