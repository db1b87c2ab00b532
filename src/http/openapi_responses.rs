//! The answers the server gives besides each route's own, added to the document in one place:
//! most follow from what an operation declares (a token: 401; path or query parameters or a
//! body: 422; a body: 413, and 415 where it must be JSON; a path naming a resource: 404;
//! `If-None-Match`: 304; a database read: 503), the rest from the tables below, which name the
//! routes whose rules or upstream calls give them.

use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::{
    Content, Header, OpenApi as Document, Ref, RefOr, Required, Response, ResponseBuilder,
};
use utoipa::Modify;

use super::constraints;

/// Routes that answer 400 for a rule no schema can state (beyond those whose own annotation
/// says so): a wrong current password, `start` after `end` or `range` with either of `start`
/// and `interval`, a date in the future.
const BAD_REQUEST: &[(&str, &str)] = &[
    ("patch", "/api/v1/users/{user_id}"),
    ("get", "/api/v1/securities/{symbol}/prices"),
    ("post", "/api/v1/currencies/sync-rates"),
];

/// Routes that answer 403 to a caller who is not a superuser for some of what they send.
const FORBIDDEN: &[(&str, &str)] = &[("patch", "/api/v1/users/me")];

/// Routes that answer 404 for something named in the body or query, beyond their path.
const NOT_FOUND: &[(&str, &str)] = &[("patch", "/api/v1/users/me")];

/// Routes that call Yahoo Finance: it may refuse the request (400), rate limit it (429) or be
/// unreachable (503).
const UPSTREAM: &[(&str, &str)] = &[
    ("get", "/api/v1/securities/{symbol}"),
    ("post", "/api/v1/securities/{symbol}/sync"),
    ("get", "/api/v1/securities/{symbol}/prices"),
    ("post", "/api/v1/accounts/{account_id}/holdings"),
    ("put", "/api/v1/accounts/{account_id}/holdings/{holding_id}"),
    ("post", "/api/v1/currencies/sync-rates"),
];

/// Routes whose body may be left out (the refresh token comes in a header instead).
const OPTIONAL_BODY: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/logout"),
];

/// Bodies these routes read whatever their `Content-Type`.
const ANY_CONTENT_TYPE: &[(&str, &str)] = OPTIONAL_BODY;

pub struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, doc: &mut Document) {
        for (path, item) in doc.paths.paths.iter_mut() {
            for (method, op) in operations(item) {
                complete(path, method, op);
            }
        }
    }
}

fn operations(item: &mut PathItem) -> Vec<(&'static str, &mut Operation)> {
    [
        ("get", item.get.as_mut()),
        ("post", item.post.as_mut()),
        ("put", item.put.as_mut()),
        ("patch", item.patch.as_mut()),
        ("delete", item.delete.as_mut()),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.map(|op| (m, op)))
    .collect()
}

fn complete(path: &str, method: &str, op: &mut Operation) {
    let listed = |table: &[(&str, &str)]| table.contains(&(method, path));
    let parameters = op.parameters.as_deref().unwrap_or_default();
    let has = |place: ParameterIn| parameters.iter().any(|p| p.parameter_in == place);
    let in_path = has(ParameterIn::Path);
    let in_query = has(ParameterIn::Query);
    let conditional = parameters
        .iter()
        .any(|p| p.parameter_in == ParameterIn::Header && p.name == "If-None-Match");
    let has_body = op.request_body.is_some();
    let needs_token =
        serde_json::to_value(&op.security).is_ok_and(|v| v.to_string().contains("\"bearer\""));

    for p in op.parameters.iter_mut().flatten() {
        if p.parameter_in == ParameterIn::Path && p.name == "symbol" {
            p.schema = Some(constraints::symbol().into());
        }
    }
    if listed(OPTIONAL_BODY) {
        if let Some(body) = op.request_body.as_mut() {
            body.required = Some(Required::False);
        }
    }
    let mut add = |status: &str, response: Response| {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::T(response));
    };
    if conditional {
        add(
            "304",
            ResponseBuilder::new()
                .description("Unchanged since the `If-None-Match` version; no body.")
                .header("ETag", Header::new(constraints::plain_string()))
                .build(),
        );
    }
    if listed(BAD_REQUEST) || listed(UPSTREAM) {
        add("400", error("A rule of the route refuses the request."));
    }
    if needs_token {
        add(
            "401",
            ResponseBuilder::new()
                .description("No valid access token (`WWW-Authenticate: Bearer`).")
                .content("application/json", json("ErrorBody"))
                .header("WWW-Authenticate", Header::new(constraints::plain_string()))
                .build(),
        );
    }
    if listed(FORBIDDEN) {
        add("403", error("Only a superuser may do that."));
    }
    if in_path || listed(NOT_FOUND) {
        add("404", error("Not found, or not the caller's."));
    }
    if has_body {
        add("413", error("The body is larger than the server accepts."));
        if !listed(ANY_CONTENT_TYPE) {
            add("415", error("The body is not of a type the route reads."));
        }
    }
    if in_path || in_query || has_body {
        add(
            "422",
            ResponseBuilder::new()
                .description("An invalid parameter or body, located field by field.")
                .content("application/json", json("ValidationBody"))
                .build(),
        );
    }
    if listed(UPSTREAM) {
        add(
            "429",
            ResponseBuilder::new()
                .description("Yahoo Finance is rate limiting requests.")
                .content("application/json", json("RateLimitBody"))
                .header("Retry-After", Header::new(constraints::plain_integer()))
                .build(),
        );
    }
    if path.starts_with("/api/v1") && !path.starts_with("/api/v1/health") {
        let what = if listed(UPSTREAM) {
            "The database or Yahoo Finance is unavailable."
        } else {
            "The database is unavailable."
        };
        add("503", error(what));
    }
}

fn json(schema: &str) -> Content {
    Content::new(Some(Ref::from_schema_name(schema)))
}

fn error(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", json("ErrorBody"))
        .build()
}
