//! Remembered list answers, off unless `server.response_cache_mb` is above 0.
//!
//! A layer over the list routes: it keeps the body each caller was answered, per user and URI,
//! under the data version it was rendered at, and sends it again, unrendered, while the
//! caller's version is unchanged. The handlers know nothing of it: they answer through
//! [`super::conditional::list_response`], whose `200` carries a [`RenderedAt`] mark, and only
//! marked answers are kept. A repeated read then costs authentication, which reads the
//! caller's version with the caller's row in one query; a read after a write costs it twice
//! (here and in the route) besides rendering.
//!
//! A remembered body proves the route's own checks (ownership, validation) passed for this
//! user and URI at this version, and any write that could change their outcome (an account
//! deleted, moved to another user) raises the version. So the layer answers, and gives `304`,
//! only from such a body or after the route answered `200`; anything else the route answers
//! goes to the client as it is.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, MatchedPath, OriginalUri, Request, State};
use axum::http::header::{ETAG, IF_NONE_MATCH};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use uuid::Uuid;

use crate::domain::DataVersion;

use super::auth::{CurrentUser, VersionAtAuth};
use super::conditional::{matches_etag, not_modified, RenderedAt};
use super::error::internal_error;
use super::state::AppState;

/// The routes whose answers are remembered: lists, answered through
/// [`super::conditional::list_response`]. Every table they read raises the data version
/// (a test holds this list against the database's triggers).
pub const REMEMBERED_ROUTES: &[&str] = &[
    "/api/v1/financial-institutions",
    "/api/v1/accounts",
    "/api/v1/accounts/{account_id}/values",
    "/api/v1/accounts/{account_id}/holdings",
    "/api/v1/holdings",
];

/// `routes` with the layer over them when the settings give it room; as they are otherwise.
pub fn remember_lists(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    let max_bytes = state.settings.response_cache_bytes;
    if max_bytes == 0 {
        return routes;
    }
    let memo = Arc::new(ResponseMemo {
        state: state.clone(),
        bodies: Bodies::new(max_bytes),
    });
    routes.route_layer(middleware::from_fn_with_state(memo, remember))
}

/// Whose answer, to which URI.
type Key = (Uuid, Box<str>);

/// The layer's state: what it takes to find the caller and their version, and the bodies.
struct ResponseMemo {
    state: AppState,
    bodies: Bodies,
}

/// Rendered answers by (user, URI), bounded by their total size.
struct Bodies {
    entries: moka::sync::Cache<Key, Arc<Remembered>>,
}

/// A `200` list answer and the version it was rendered at.
struct Remembered {
    version: DataVersion,
    headers: HeaderMap,
    body: Bytes,
}

impl Bodies {
    fn new(max_bytes: u64) -> Self {
        let entries = moka::sync::Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|(_, uri): &Key, r: &Arc<Remembered>| {
                let headers: usize = r
                    .headers
                    .iter()
                    .map(|(name, value)| name.as_str().len() + value.len())
                    .sum();
                u32::try_from(uri.len() + headers + r.body.len() + 64).unwrap_or(u32::MAX)
            })
            .build();
        Self { entries }
    }

    fn get(&self, key: &Key, version: DataVersion) -> Option<Arc<Remembered>> {
        let hit = self.entries.get(key)?;
        (hit.version == version).then_some(hit)
    }

    fn put(&self, key: Key, remembered: Arc<Remembered>) {
        self.entries.insert(key, remembered);
    }
}

impl Remembered {
    /// The route's answer when it is a marked `200`, with its body read; the answer itself
    /// otherwise.
    async fn of(response: Response) -> Result<Self, Response> {
        let Some(&RenderedAt(version)) = response.extensions().get::<RenderedAt>() else {
            return Err(response);
        };
        if response.status() != StatusCode::OK {
            return Err(response);
        }
        let (parts, body) = response.into_parts();
        match axum::body::to_bytes(body, usize::MAX).await {
            Ok(body) => Ok(Self {
                version,
                headers: parts.headers,
                body,
            }),
            Err(e) => {
                tracing::error!(error = %e, "reading a rendered list");
                Err(internal_error())
            }
        }
    }

    fn response(&self) -> Response {
        let mut response = Response::new(Body::from(self.body.clone()));
        *response.headers_mut() = self.headers.clone();
        response
    }
}

async fn remember(State(memo): State<Arc<ResponseMemo>>, request: Request, next: Next) -> Response {
    let listed = request
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|p| REMEMBERED_ROUTES.contains(&p.as_str()));
    if request.method() != Method::GET || !listed {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    // The caller and their version as the route finds them; when either cannot be had, the
    // route gives its own answer (401, 503).
    let Ok(CurrentUser(user)) = CurrentUser::from_request_parts(&mut parts, &memo.state).await
    else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let version = match parts.extensions.get::<VersionAtAuth>() {
        Some(read) => read.0,
        None => match memo.state.services.portfolio.data_version(&user).await {
            Ok(version) => version,
            Err(_) => return next.run(Request::from_parts(parts, body)).await,
        },
    };
    let key = (user.id, uri(&parts));
    // The route always renders on a miss, so that there is a body to keep; the layer then
    // answers the condition itself.
    let if_none_match = parts.headers.remove(IF_NONE_MATCH);
    let remembered = match memo.bodies.get(&key, version) {
        Some(hit) => hit,
        None => {
            let response = next.run(Request::from_parts(parts, body)).await;
            match Remembered::of(response).await {
                Ok(rendered) => {
                    let rendered = Arc::new(rendered);
                    memo.bodies.put(key, rendered.clone());
                    rendered
                }
                Err(response) => return response,
            }
        }
    };
    match remembered.headers.get(ETAG) {
        Some(etag) if if_none_match.is_some_and(|v| matches_etag(&v, etag)) => {
            not_modified(etag.clone())
        }
        _ => remembered.response(),
    }
}

/// The path and query, which name the list, as the client sent them.
fn uri(parts: &Parts) -> Box<str> {
    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map_or(&parts.uri, |o| &o.0);
    uri.path_and_query()
        .map_or(uri.path(), |pq| pq.as_str())
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_body_is_given_only_at_its_version_to_its_user_for_its_uri() {
        let bodies = Bodies::new(1 << 20);
        let v = DataVersion { user: 4, market: 2 };
        let user = Uuid::new_v4();
        let key = |user: Uuid, uri: &str| -> Key { (user, uri.into()) };
        bodies.put(
            key(user, "/api/v1/accounts"),
            Arc::new(Remembered {
                version: v,
                headers: HeaderMap::new(),
                body: Bytes::from_static(b"[1]"),
            }),
        );
        assert!(bodies.get(&key(user, "/api/v1/accounts"), v).is_some());
        assert!(bodies
            .get(&key(user, "/api/v1/accounts?limit=1"), v)
            .is_none());
        assert!(bodies
            .get(&key(Uuid::new_v4(), "/api/v1/accounts"), v)
            .is_none());
        assert!(bodies
            .get(&key(user, "/api/v1/accounts"), DataVersion { user: 5, ..v })
            .is_none());
        assert!(bodies
            .get(
                &key(user, "/api/v1/accounts"),
                DataVersion { market: 3, ..v }
            )
            .is_none());
    }
}
