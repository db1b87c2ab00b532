//! `POST /api/v1/accounts/{id}/import`: a broker's or tracker's export, sent as a multipart
//! file, read into the account by the import service (the same as `finances import`).

use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::routing::{post, MethodRouter};
use serde_json::json;
use uuid::Uuid;

use crate::http::auth::CurrentUser;
use crate::http::dto::imports::{ImportForm, ImportQuery, ImportReportOut};
use crate::http::error::{ApiError, ApiResult, ErrorBody, FieldError, ValidationBody};
use crate::http::extract::{Path, Query};
use crate::http::state::AppState;
use crate::import::Format;
use crate::service::import::{ImportRequest, MappingChoice};

/// The import route, with its own body limit (a file is larger than any JSON request).
pub fn route() -> MethodRouter<AppState> {
    post(import).layer(DefaultBodyLimit::disable())
}

/// Whether `path` is an import's, whose body has the import limit.
pub fn is_import(path: &str) -> bool {
    path.starts_with("/api/v1/accounts/") && path.trim_end_matches('/').ends_with("/import")
}

/// Reads the multipart field `file` into the account, all or nothing. The format is told
/// from the content unless `format` names it; a generic CSV's columns come from its header's
/// words unless `map` names them. Each row gets an `external_id` (the source's id, or a
/// digest of the row), so the same file imported again adds nothing: its rows come back as
/// `duplicate`. With `dry_run=true`, answers `200` with every row as it would be stored and
/// every line that cannot be, and stores nothing; otherwise `201` when rows were added (`200`
/// when every row was already there), `422` naming
/// each bad line (`["file", line]`) when any is bad, and `400` when the file cannot be read.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/import", tag = "ledger",
    security(("bearer" = [])), params(("id" = Uuid, Path), ImportQuery),
    request_body(content = ImportForm, content_type = "multipart/form-data"),
    responses((status = 201, body = ImportReportOut), (status = 200, body = ImportReportOut),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ValidationBody)))]
pub async fn import(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<Uuid>,
    Query(query): Query<ImportQuery>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(StatusCode, axum::Json<ImportReportOut>)> {
    let format = match &query.format {
        Some(raw) => Some(
            Format::named(raw).map_err(|e| ApiError::field("query", "format", e.to_string()))?,
        ),
        None => None,
    };
    let mapping = match &query.map {
        Some(raw) => {
            MappingChoice::parse(raw).map_err(|e| ApiError::field("query", "map", e.to_string()))?
        }
        None => MappingChoice::Header,
    };
    let file = file_of(multipart?, state.settings.import_limit_bytes).await?;
    let request = ImportRequest {
        format,
        mapping,
        save_mapping_as: query.save_map.clone(),
        dry_run: query.dry_run,
    };
    let report = state
        .services
        .imports
        .import(&user, id, &file, request)
        .await?;
    if !report.errors.is_empty() && !report.dry_run {
        return Err(ApiError::Validation(
            report
                .errors
                .iter()
                .map(|e| {
                    FieldError::new(
                        vec![json!("file"), json!(e.line)],
                        &e.message,
                        "value_error",
                    )
                })
                .collect(),
        ));
    }
    let status = if report.stored() && report.added() > 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(ImportReportOut::from(report))))
}

/// The bytes of the `file` field (or of the only field), at most `limit` of them.
async fn file_of(mut multipart: Multipart, limit: usize) -> ApiResult<Vec<u8>> {
    let bad = |msg: String| ApiError::field("body", "file", msg);
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(e.body_text()))?
    {
        if field.name().is_some_and(|n| n != "file") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| bad(e.body_text()))? {
            if bytes.len() + chunk.len() > limit {
                return Err(ApiError::PayloadTooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
    Err(bad("a multipart field named 'file' is needed".into()))
}

impl From<axum::extract::multipart::MultipartRejection> for ApiError {
    fn from(e: axum::extract::multipart::MultipartRejection) -> Self {
        ApiError::field("body", "file", e.body_text())
    }
}
