//! Conditional and remembered list responses.
//!
//! A list a user reads (accounts, holdings, ...) changes only when the user's data or market
//! data is written, and the store counts those writes in a [`DataVersion`]. Every list
//! response therefore carries an `ETag` made of that version, a request whose `If-None-Match`
//! still matches gets `304 Not Modified`, and the rendered body is kept per user and URI and
//! sent again, unrendered, while the version stays the same. The version is read from the
//! store on every request, so a write by any process sharing the store is seen by the very
//! next read; nothing here expires on a timer.

use std::future::Future;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use uuid::Uuid;

use crate::domain::{DataVersion, User};
use crate::service::ServiceError;

use super::error::{ApiError, ApiResult};
use super::pagination::{Paged, TOTAL_COUNT};
use super::state::AppState;

/// Whose answer, to which URI.
type Key = (Uuid, Box<str>);

/// Rendered bodies by (user, URI), bounded by their total size.
pub struct ResponseMemo {
    entries: Option<moka::sync::Cache<Key, Arc<Rendered>>>,
}

/// A rendered list and the version it was rendered at.
pub struct Rendered {
    version: DataVersion,
    body: Bytes,
    total: u64,
}

impl ResponseMemo {
    /// Keeps up to `max_bytes` of bodies; 0 keeps none (responses still carry `ETag`s).
    pub fn new(max_bytes: u64) -> Self {
        let entries = (max_bytes > 0).then(|| {
            moka::sync::Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|(_, uri): &Key, r: &Arc<Rendered>| {
                    u32::try_from(uri.len() + r.body.len() + 64).unwrap_or(u32::MAX)
                })
                .build()
        });
        Self { entries }
    }

    fn get(&self, key: &Key, version: DataVersion) -> Option<Arc<Rendered>> {
        let hit = self.entries.as_ref()?.get(key)?;
        (hit.version == version).then_some(hit)
    }

    fn put(&self, key: Key, rendered: Arc<Rendered>) {
        if let Some(entries) = &self.entries {
            entries.insert(key, rendered);
        }
    }
}

/// The request header, for the OpenAPI document.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct IfNoneMatch {
    /// An `ETag` of an earlier answer: `304 Not Modified` while it is still current.
    #[param(rename = "If-None-Match")]
    if_none_match: Option<String>,
}

/// What a conditional GET brings: its URI (path and query, which name the list) and its
/// `If-None-Match`.
pub struct Conditional {
    uri: Box<str>,
    if_none_match: Option<HeaderValue>,
}

impl<S: Send + Sync> FromRequestParts<S> for Conditional {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(&parts.uri, |o| &o.0);
        Ok(Self {
            uri: uri
                .path_and_query()
                .map_or(uri.path(), |pq| pq.as_str())
                .into(),
            if_none_match: parts.headers.get(IF_NONE_MATCH).cloned(),
        })
    }
}

/// Answers a list route: the remembered body when this server rendered it for this user and
/// URI at the current version, else what `render` gives (remembered); `304` instead of either
/// when the client's copy is current.
///
/// `render` runs the route's own checks (ownership, validation), and a body is remembered only
/// once they passed, so a remembered body proves them passed at this version: any write that
/// could change their outcome (an account deleted, moved to another user) raises the version.
/// A `304` is given only on that proof or after `render` succeeded, never before: `If-None-Match:
/// *` or another list's `ETag` gets no answer about a resource the caller may not read.
pub async fn list_response<T, F, Fut>(
    state: &AppState,
    user: &User,
    request: Conditional,
    render: F,
) -> ApiResult<Response>
where
    T: Serialize,
    F: FnOnce() -> Fut,
    Fut: Future<Output = ApiResult<Paged<T>>>,
{
    // Read before rendering: a write that lands meanwhile raises the version past this one,
    // so a body rendered now is never kept under a version newer than its data.
    let version = state.services.portfolio.data_version(user).await?;
    let etag = etag(user.id, version);
    let current = request
        .if_none_match
        .as_ref()
        .is_some_and(|v| matches_etag(v, &etag));
    let memo = &state.memo;
    let key = (user.id, request.uri);
    let rendered = match memo.get(&key, version) {
        Some(hit) => hit,
        None => {
            let Paged(items, total) = render().await?;
            let body = serde_json::to_vec(&items).map_err(|e| {
                ApiError::Service(ServiceError::Internal(format!("rendering a list: {e}")))
            })?;
            let rendered = Arc::new(Rendered {
                version,
                body: Bytes::from(body),
                total,
            });
            memo.put(key, rendered.clone());
            rendered
        }
    };
    if current {
        return Ok(with_validators(
            StatusCode::NOT_MODIFIED.into_response(),
            etag,
        ));
    }
    Ok(ok(&rendered, etag))
}

fn ok(r: &Rendered, etag: HeaderValue) -> Response {
    let mut response = Response::new(Body::from(r.body.clone()));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(TOTAL_COUNT.clone(), HeaderValue::from(r.total));
    with_validators(response, etag)
}

/// Private: one user's data; `no-cache`: a client may keep it but asks again each time.
fn with_validators(mut response: Response, etag: HeaderValue) -> Response {
    let headers = response.headers_mut();
    headers.insert(ETAG, etag);
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    response
}

/// The version, for this user, as rendered by this build.
fn etag(user: Uuid, v: DataVersion) -> HeaderValue {
    let tag = format!(
        "W/\"{}-{}-{}-{}\"",
        env!("CARGO_PKG_VERSION"),
        user.simple(),
        v.user,
        v.market
    );
    HeaderValue::try_from(tag).expect("an ETag of digits, dots, dashes and hex is a header")
}

/// `If-None-Match` uses the weak comparison: `*` or any listed tag, `W/` or not.
fn matches_etag(header: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(listed) = header.to_str() else {
        return false;
    };
    let ours = opaque(etag.to_str().unwrap_or_default());
    listed
        .split(',')
        .map(str::trim)
        .any(|t| t == "*" || opaque(t) == ours)
}

fn opaque(tag: &str) -> &str {
    tag.strip_prefix("W/").unwrap_or(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_star() {
        let ours = etag(Uuid::nil(), DataVersion { user: 3, market: 7 });
        let text = ours.to_str().unwrap().to_string();
        let strong = text.trim_start_matches("W/").to_string();
        for (header, expected) in [
            (text.clone(), true),
            (strong, true),
            (format!("\"other\", {text}"), true),
            ("*".to_string(), true),
            ("W/\"other\"".to_string(), false),
            (String::new(), false),
        ] {
            let header = HeaderValue::try_from(header.as_str()).unwrap();
            assert_eq!(matches_etag(&header, &ours), expected, "{header:?}");
        }
    }

    #[test]
    fn etags_differ_by_user_and_by_each_generation() {
        let v = DataVersion { user: 1, market: 1 };
        let a = Uuid::new_v4();
        let tags = [
            etag(a, v),
            etag(Uuid::new_v4(), v),
            etag(a, DataVersion { user: 2, ..v }),
            etag(a, DataVersion { market: 2, ..v }),
        ];
        for (i, x) in tags.iter().enumerate() {
            for y in &tags[i + 1..] {
                assert_ne!(x, y);
            }
        }
    }

    #[test]
    fn a_memo_of_zero_bytes_keeps_nothing() {
        let memo = ResponseMemo::new(0);
        let v = DataVersion::default();
        let r = Arc::new(Rendered {
            version: v,
            body: Bytes::from_static(b"[]"),
            total: 0,
        });
        let key: Key = (Uuid::nil(), "/x".into());
        memo.put(key.clone(), r);
        assert!(memo.get(&key, v).is_none());
    }

    #[test]
    fn a_remembered_body_is_given_only_at_its_version_to_its_user_for_its_uri() {
        let memo = ResponseMemo::new(1 << 20);
        let v = DataVersion { user: 4, market: 2 };
        let user = Uuid::new_v4();
        let r = Arc::new(Rendered {
            version: v,
            body: Bytes::from_static(b"[1]"),
            total: 1,
        });
        let key = |user: Uuid, uri: &str| -> Key { (user, uri.into()) };
        memo.put(key(user, "/api/v1/accounts"), r);
        assert!(memo.get(&key(user, "/api/v1/accounts"), v).is_some());
        assert!(memo
            .get(&key(user, "/api/v1/accounts?limit=1"), v)
            .is_none());
        assert!(memo
            .get(&key(Uuid::new_v4(), "/api/v1/accounts"), v)
            .is_none());
        assert!(memo
            .get(&key(user, "/api/v1/accounts"), DataVersion { user: 5, ..v })
            .is_none());
        assert!(memo
            .get(
                &key(user, "/api/v1/accounts"),
                DataVersion { market: 3, ..v }
            )
            .is_none());
    }
}
