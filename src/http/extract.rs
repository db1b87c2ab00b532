//! Extractors whose rejections are the contract's errors: malformed JSON, wrong types and bad
//! path or query values are 422 with the offending location, an oversized body is 413.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::error::{ApiError, FieldError};
use super::read_fields::read_fields;

/// A JSON body. Accepts a missing `Content-Type`; refuses a different one.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = json_bytes(req, state).await?;
        parse_json(&bytes).map(Json)
    }
}

/// A JSON array body of objects, each read as `T`. Every bad item is reported, located as
/// `["body", index, field]`, so that a client fixes a whole batch at once.
pub struct JsonList<T>(pub Vec<T>);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonList<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = json_bytes(req, state).await?;
        parse_json_list(&bytes).map(JsonList)
    }
}

/// The body of a request that says it is JSON or says nothing of its type.
async fn json_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase);
    if let Some(ct) = &content_type {
        let essence = ct.split(';').next().unwrap_or("").trim();
        if !(essence == "application/json" || essence.ends_with("+json")) {
            return Err(ApiError::UnsupportedMediaType);
        }
    }
    body_bytes(req, state).await
}

async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state)
        .await
        .map_err(|e: BytesRejection| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::Validation(vec![FieldError::new(
                    vec![json!("body")],
                    e.body_text(),
                    "body_error",
                )])
            }
        })
}

/// Parses a JSON body, locating the first error as `["body", field, ...]`.
///
/// A body is one JSON object and nothing after it: an array is not read as an object by field
/// position, and trailing bytes are an error, not ignored. No text in a field the server reads
/// may hold a NUL character, which PostgreSQL cannot store and no field of ours needs.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value = json_value(bytes)?;
    read_object(value, vec![json!("body")]).map_err(|e| ApiError::Validation(vec![e]))
}

/// Parses a JSON array body whose items are objects read as `T`, reporting every bad item.
pub fn parse_json_list<T: DeserializeOwned>(bytes: &[u8]) -> Result<Vec<T>, ApiError> {
    let Value::Array(items) = json_value(bytes)? else {
        return Err(ApiError::Validation(vec![FieldError::new(
            vec![json!("body")],
            "must be a JSON array of objects",
            "list_type",
        )]));
    };
    let mut read = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        match read_object(item, vec![json!("body"), json!(index)]) {
            Ok(item) => read.push(item),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(read)
    } else {
        Err(ApiError::Validation(errors))
    }
}

fn json_value(bytes: &[u8]) -> Result<Value, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::Validation(vec![FieldError::new(
            vec![json!("body")],
            "Field required: the request needs a JSON body",
            "missing",
        )]));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::Validation(vec![FieldError::new(
            vec![json!("body")],
            e.to_string(),
            "json_invalid",
        )])
    })
}

/// One JSON object read as `T`, its first error located under `at`.
fn read_object<T: DeserializeOwned>(value: Value, at: Vec<Value>) -> Result<T, FieldError> {
    if !value.is_object() {
        return Err(FieldError::new(at, "must be a JSON object", "model_type"));
    }
    let read = read_fields::<T>();
    let checked = value
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| read.is_none_or(|fields| fields.contains(&k.as_str())));
    for (key, field) in checked {
        let mut loc = at.clone();
        loc.push(json!(key));
        if let Some(loc) = nul_at(field, loc) {
            return Err(nul_field(loc));
        }
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let msg = e.inner().to_string();
        let kind = if msg.starts_with("missing field") {
            "missing"
        } else {
            "value_error"
        };
        let mut loc = at.clone();
        loc.extend(located("body", e.path()).into_iter().skip(1));
        if let Some(field) = missing_field(&msg) {
            loc.push(json!(field));
        }
        FieldError::new(loc, msg, kind)
    })
}

/// Where the first NUL character is, in a key or a string of `value`.
fn nul_at(value: &Value, loc: Vec<Value>) -> Option<Vec<Value>> {
    match value {
        Value::String(s) => s.contains('\0').then_some(loc),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| {
            let mut at = loc.clone();
            at.push(json!(i));
            nul_at(v, at)
        }),
        // A key holding NUL is located by the object around it, so that no location sent
        // back holds a NUL either.
        Value::Object(fields) => fields.iter().find_map(|(k, v)| {
            if k.contains('\0') {
                return Some(loc.clone());
            }
            let mut at = loc.clone();
            at.push(json!(k));
            nul_at(v, at)
        }),
        _ => None,
    }
}

fn nul_error(loc: Vec<Value>) -> ApiError {
    ApiError::Validation(vec![nul_field(loc)])
}

fn nul_field(loc: Vec<Value>) -> FieldError {
    FieldError::new(loc, "must not contain NUL characters", "value_error")
}

/// The field a "missing field `x`" message names (serde does not put it in the path).
fn missing_field(msg: &str) -> Option<&str> {
    msg.strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
}

fn located(source: &str, path: &serde_path_to_error::Path) -> Vec<Value> {
    use serde_path_to_error::Segment;
    let mut loc = vec![json!(source)];
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => loc.push(json!(index)),
            Segment::Map { key } => loc.push(json!(key)),
            Segment::Enum { variant } => loc.push(json!(variant)),
            Segment::Unknown => {}
        }
    }
    loc
}

/// Query parameters.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parse_query(parts.uri.query().unwrap_or_default()).map(Query)
    }
}

pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let read = read_fields::<T>();
    if let Some((key, _)) = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| read.is_none_or(|fields| fields.contains(&k.as_ref())))
        .find(|(k, v)| k.contains('\0') || v.contains('\0'))
    {
        return Err(nul_error(vec![json!("query"), json!(key)]));
    }
    let de = serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let mut loc = located("query", e.path());
        let msg = e.inner().to_string();
        // serde_urlencoded names the field only in its message for a bad value.
        if let Some(field) = missing_field(&msg) {
            loc.push(json!(field));
        }
        ApiError::Validation(vec![FieldError::new(loc, msg, "value_error")])
    })
}

/// Path parameters; a malformed one (a UUID that is not one) is 422.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if parts.uri.path().to_ascii_lowercase().contains("%00") {
            return Err(nul_error(vec![json!("path")]));
        }
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                use axum::extract::path::ErrorKind;
                let key = match e.kind() {
                    ErrorKind::ParseErrorAtKey { key, .. }
                    | ErrorKind::InvalidUtf8InPathParam { key } => Some(key.clone()),
                    ErrorKind::DeserializeError { key, .. } => Some(key.clone()),
                    _ => None,
                };
                let mut loc = vec![json!("path")];
                loc.extend(key.map(|k| json!(k)));
                Err(ApiError::Validation(vec![FieldError::new(
                    loc,
                    e.body_text(),
                    "value_error",
                )]))
            }
            Err(other) => Err(ApiError::Validation(vec![FieldError::new(
                vec![json!("path")],
                other.body_text(),
                "value_error",
            )])),
        }
    }
}

/// A body that is JSON or an HTML form (`application/x-www-form-urlencoded`), as the login
/// routes accept both.
pub struct JsonOrForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonOrForm<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                let ct = ct.to_ascii_lowercase();
                ct.starts_with("application/x-www-form-urlencoded")
                    || ct.starts_with("multipart/form-data")
            });
        if is_form {
            let bytes = body_bytes(req, state).await?;
            let text = std::str::from_utf8(&bytes).map_err(|_| {
                ApiError::Validation(vec![FieldError::new(
                    vec![json!("body")],
                    "the form is not UTF-8",
                    "value_error",
                )])
            })?;
            parse_query::<T>(text)
                .map_err(|e| match e {
                    ApiError::Validation(mut errors) => {
                        for err in &mut errors {
                            if let Some(first) = err.loc.first_mut() {
                                *first = json!("body");
                            }
                        }
                        ApiError::Validation(errors)
                    }
                    other => other,
                })
                .map(JsonOrForm)
        } else {
            Json::<T>::from_request(req, state)
                .await
                .map(|Json(v)| JsonOrForm(v))
        }
    }
}

/// A body that may be absent (empty), as `/auth/refresh` takes the token in a header or in
/// JSON.
pub struct OptionalJson<T>(pub Option<T>);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(None));
        }
        parse_json(&bytes).map(|v| OptionalJson(Some(v)))
    }
}

/// The peer address of the connection ("unknown" when the server runs without it).
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
                .unwrap_or_else(|| "unknown".into()),
        ))
    }
}
