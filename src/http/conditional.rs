//! Conditional list answers: an `ETag` of the caller's data version, and `304 Not Modified`
//! while the client's copy is current.
//!
//! A list a user reads (accounts, holdings, ...) changes only when the user's data or market
//! data is written, and the store counts those writes in the caller's [`DataVersion`]. Every
//! list answer therefore carries an `ETag` made of that version, and a request whose
//! `If-None-Match` still matches gets `304`. The version is read from the store on every
//! request, so a write by any process sharing the store is seen by the very next read; nothing
//! here expires on a timer, and nothing here is kept between requests (see [`super::memo`] for
//! the opt-in layer that keeps rendered bodies).

use std::future::Future;

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use uuid::Uuid;

use crate::domain::{DataVersion, User};
use crate::service::ServiceError;

use super::auth::VersionAtAuth;
use super::error::{ApiError, ApiResult};
use super::pagination::{Paged, TOTAL_COUNT};
use super::state::AppState;

/// The request header, for the OpenAPI document.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct IfNoneMatch {
    /// An `ETag` of an earlier answer: `304 Not Modified` while it is still current.
    #[param(rename = "If-None-Match")]
    if_none_match: Option<String>,
}

/// What a conditional GET brings: its `If-None-Match`, and the caller's data version when
/// authentication read it already (extracted after [`super::auth::CurrentUser`]).
pub struct Conditional {
    if_none_match: Option<HeaderValue>,
    version: Option<DataVersion>,
}

impl<S: Send + Sync> FromRequestParts<S> for Conditional {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self {
            if_none_match: parts.headers.get(IF_NONE_MATCH).cloned(),
            version: parts.extensions.get::<VersionAtAuth>().map(|v| v.0),
        })
    }
}

/// The data version a `200` list answer was rendered at, carried on the response so that a
/// layer may keep the answer under it. Only [`list_response`] sets it, and only once the
/// route's own checks passed for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderedAt(pub DataVersion);

/// Answers a list route: what `render` gives, with the `ETag` of the caller's data version,
/// or `304` when the client's copy is current.
///
/// `render` runs the route's own checks (ownership, validation), and `304` is given only after
/// they passed: `If-None-Match: *` or another list's `ETag` gets no answer about a resource the
/// caller may not read.
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
    // Read before rendering (with the caller, or now): a write that lands meanwhile raises
    // the version past this one, so a body is never labelled with a version newer than its
    // data.
    let version = match request.version {
        Some(version) => version,
        None => state.services.portfolio.data_version(user).await?,
    };
    let Paged(items, total) = render().await?;
    let etag = etag(user.id, version);
    if request
        .if_none_match
        .as_ref()
        .is_some_and(|v| matches_etag(v, &etag))
    {
        return Ok(not_modified(etag));
    }
    let body =
        serde_json::to_vec(&items).map_err(|e| ApiError::Service(ServiceError::internal(e)))?;
    let mut response = Response::new(Body::from(body));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(TOTAL_COUNT.clone(), HeaderValue::from(total));
    response.extensions_mut().insert(RenderedAt(version));
    Ok(with_validators(response, etag))
}

/// `304` for a current copy, with the validators the `200` would carry.
pub(super) fn not_modified(etag: HeaderValue) -> Response {
    with_validators(StatusCode::NOT_MODIFIED.into_response(), etag)
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
pub(super) fn matches_etag(header: &HeaderValue, etag: &HeaderValue) -> bool {
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
    fn etags_differ_by_user_and_by_each_counter_of_the_version() {
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
}
