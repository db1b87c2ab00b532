//! `skip`/`limit` pagination: a plain JSON array and the total in `X-Total-Count`.

use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::domain::{Page, PageRequest};

use super::error::ApiError;

pub static TOTAL_COUNT: HeaderName = HeaderName::from_static("x-total-count");

/// `skip` (>= 0, default 0) and `limit` (1..=1000, default 100).
#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items to skip.
    #[param(minimum = 0, maximum = 9223372036854775807_i64)]
    pub skip: Option<i64>,
    /// Most items to return.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

impl PageParams {
    pub fn request(&self) -> Result<PageRequest, ApiError> {
        PageRequest::new(
            self.skip.unwrap_or(0),
            self.limit.unwrap_or(PageRequest::DEFAULT_LIMIT as i64),
        )
        .map_err(|e| ApiError::field("query", e.field, e.message))
    }
}

/// A page as the response: the items as a JSON array, the total in a header.
pub struct Paged<T>(pub Vec<T>, pub u64);

impl<T> Paged<T> {
    pub fn from_page<U>(page: Page<U>, f: impl FnMut(U) -> T) -> Self {
        let total = page.total;
        Paged(page.items.into_iter().map(f).collect(), total)
    }
}

impl<T: Serialize> IntoResponse for Paged<T> {
    fn into_response(self) -> Response {
        let mut r = axum::Json(self.0).into_response();
        r.headers_mut()
            .insert(TOTAL_COUNT.clone(), HeaderValue::from(self.1));
        r
    }
}
