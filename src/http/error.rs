//! The one place where failures become HTTP answers: `{"detail", "error_code"}`, 422 with a
//! list of field errors, 401 with `WWW-Authenticate: Bearer`, 429 with `Retry-After` (our own
//! limit), 503 with `Retry-After` when Yahoo limits us (`UPSTREAM_RATE_LIMITED`).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

use crate::domain::ValidationError;
use crate::service::{ServiceError, Upstream};

/// One invalid input, located as `["body", "email"]`, `["query", "limit"]`, `["path", "id"]`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    #[schema(schema_with = super::constraints::error_location)]
    pub loc: Vec<serde_json::Value>,
    pub msg: String,
    #[serde(rename = "type")]
    pub kind: String,
}

impl FieldError {
    pub fn new(loc: Vec<serde_json::Value>, msg: impl Into<String>, kind: &str) -> Self {
        Self {
            loc,
            msg: msg.into(),
            kind: kind.to_string(),
        }
    }

    /// A domain rule broken by a field of the request body.
    pub fn from_validation(source: &str, e: &ValidationError) -> Self {
        Self::new(
            vec![json!(source), json!(e.field)],
            e.message.clone(),
            "value_error",
        )
    }
}

/// The error body of the contract.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub detail: String,
    pub error_code: String,
}

/// The body of a 422.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ValidationBody {
    pub detail: Vec<FieldError>,
    pub error_code: String,
}

/// The body of a 429, and of a 503 when Yahoo limits us.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RateLimitBody {
    pub detail: String,
    pub error_code: String,
    pub retry_after: u64,
}

/// Every failure an HTTP handler answers with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("invalid request")]
    Validation(Vec<FieldError>),
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("no such route")]
    RouteNotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    /// Still running when the server's shutdown grace ran out.
    #[error("shutting down")]
    ShuttingDown,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl From<ValidationError> for ApiError {
    fn from(e: ValidationError) -> Self {
        Self::Service(ServiceError::Invalid(e))
    }
}

impl ApiError {
    /// One invalid field of the request.
    pub fn field(source: &str, field: &str, msg: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(
            vec![json!(source), json!(field)],
            msg,
            "value_error",
        )])
    }
}

fn simple(status: StatusCode, code: &str, detail: impl Into<String>) -> Response {
    (
        status,
        axum::Json(ErrorBody {
            detail: detail.into(),
            error_code: code.to_string(),
        }),
    )
        .into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            Self::Validation(errors) => validation(errors),
            Self::PayloadTooLarge => simple(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                "Request body too large",
            ),
            Self::UnsupportedMediaType => simple(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                "Expected a JSON body (Content-Type: application/json)",
            ),
            Self::RouteNotFound => simple(StatusCode::NOT_FOUND, "NOT_FOUND", "Not Found"),
            Self::MethodNotAllowed => simple(
                StatusCode::METHOD_NOT_ALLOWED,
                "METHOD_NOT_ALLOWED",
                "Method Not Allowed",
            ),
            Self::ShuttingDown => simple(
                StatusCode::SERVICE_UNAVAILABLE,
                "SHUTTING_DOWN",
                "The server is shutting down; try again",
            ),
            Self::Service(e) => service_error(e),
        }
    }
}

fn validation(errors: Vec<FieldError>) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Json(ValidationBody {
            detail: errors,
            error_code: "VALIDATION_ERROR".into(),
        }),
    )
        .into_response()
}

/// Each service failure's status code, decided here and nowhere else.
fn service_error(e: ServiceError) -> Response {
    match e {
        ServiceError::Invalid(v) => validation(vec![FieldError::from_validation("body", &v)]),
        ServiceError::InvalidItems(items) => validation(
            items
                .iter()
                .map(|(index, e)| {
                    FieldError::new(
                        vec![json!("body"), json!(index), json!(e.field)],
                        e.message.clone(),
                        "value_error",
                    )
                })
                .collect(),
        ),
        refused @ ServiceError::Ledger { .. } => validation(vec![FieldError::new(
            vec![json!("body"), json!("activity")],
            refused.to_string(),
            "ledger_error",
        )]),
        ServiceError::BadRequest { message, .. } => {
            simple(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
        }
        ServiceError::NotFound { message, .. } => {
            simple(StatusCode::NOT_FOUND, "NOT_FOUND", message)
        }
        ServiceError::Conflict(m) => simple(StatusCode::CONFLICT, "CONFLICT", m),
        ServiceError::Unauthorized(m) => {
            let mut r = simple(StatusCode::UNAUTHORIZED, "NOT_AUTHENTICATED", m);
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            r
        }
        ServiceError::Forbidden(m) => simple(StatusCode::FORBIDDEN, "FORBIDDEN", m),
        ServiceError::RateLimited {
            message,
            retry_after_secs,
        } => {
            let secs = retry_after_secs.unwrap_or(60).max(1);
            let mut r = (
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(RateLimitBody {
                    detail: message,
                    error_code: "RATE_LIMITED".into(),
                    retry_after: secs,
                }),
            )
                .into_response();
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            r
        }
        ServiceError::Unavailable { upstream, source } => {
            tracing::warn!(%upstream, reason = %source, "upstream unavailable");
            simple(
                StatusCode::SERVICE_UNAVAILABLE,
                "SERVICE_UNAVAILABLE",
                public_unavailable(upstream),
            )
        }
        ServiceError::UpstreamTimeout { upstream, message } => {
            tracing::warn!(%upstream, reason = %message, "upstream timed out");
            simple(
                StatusCode::SERVICE_UNAVAILABLE,
                "UPSTREAM_TIMEOUT",
                "Market data provider (Yahoo Finance) did not answer in time",
            )
        }
        ServiceError::UpstreamRateLimited {
            message,
            retry_after,
        } => {
            tracing::warn!(?retry_after, "upstream rate limited");
            let secs = retry_after
                .map_or(UPSTREAM_RETRY_AFTER_SECS, |d| d.as_secs())
                .clamp(1, MAX_RETRY_AFTER_SECS);
            let mut r = (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(RateLimitBody {
                    detail: message,
                    error_code: "UPSTREAM_RATE_LIMITED".into(),
                    retry_after: secs,
                }),
            )
                .into_response();
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            r
        }
        ServiceError::Internal(source) => {
            tracing::error!(error = %source, "internal error");
            internal_error()
        }
    }
}

/// `Retry-After` when Yahoo limits us without saying for how long.
const UPSTREAM_RETRY_AFTER_SECS: u64 = 60;
/// The longest `Retry-After` passed on from Yahoo.
const MAX_RETRY_AFTER_SECS: u64 = 3600;

/// What a client is told of an outage: which upstream, not its internals.
fn public_unavailable(upstream: Upstream) -> &'static str {
    match upstream {
        Upstream::Database => "Database unavailable",
        Upstream::MarketData => "Market data provider (Yahoo Finance) unavailable",
        Upstream::Mail => "Service temporarily unavailable",
    }
}

/// 500 with no detail of the failure.
pub fn internal_error() -> Response {
    simple(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_ERROR",
        "Internal server error",
    )
}
