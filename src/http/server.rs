//! The router with its middleware, and the server loop with graceful shutdown.

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::error::{internal_error, ApiError};
use super::routes;
use super::state::AppState;

pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// After the shutdown grace, how long the 503 answers have to reach their clients.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// Every route of the contract, with its middleware: request ids (echoed or made) on every
/// response and in the span of every log line, CORS, the body size limit, JSON errors for
/// unknown routes, panics and oversized bodies.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .nest("/auth", routes::auth::router())
        .nest("/users", routes::users::router())
        .nest("/currencies", routes::currencies::router())
        .nest("/financial-institutions", routes::institutions::router())
        .nest("/accounts", routes::accounts::router())
        .route("/holdings", get(routes::holdings::positions))
        .route("/portfolio", get(routes::portfolio::valuation))
        .route("/realized-gains", get(routes::ledger::realized_gains))
        .route("/income", get(routes::ledger::income))
        .route("/performance", get(routes::performance::performance))
        .route("/proposals", get(routes::proposals::list))
        .route("/proposals/{id}/accept", post(routes::proposals::accept))
        .route("/proposals/{id}/dismiss", post(routes::proposals::dismiss))
        .nest("/securities", routes::securities::router())
        .merge(routes::health::router());
    let settings = state.settings.clone();
    let cut_off = state.cut_off.clone();
    let routes = Router::new()
        .merge(routes::health::router())
        .nest("/api/v1", api);
    super::memo::remember_lists(routes, &state)
        .merge(super::openapi::docs())
        .fallback(|| async { ApiError::RouteNotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|req: &Request| {
                            let id = req
                                .headers()
                                .get(&REQUEST_ID)
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("-");
                            tracing::info_span!(
                                "request",
                                method = %req.method(),
                                path = %req.uri().path(),
                                request_id = %id,
                            )
                        })
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
                .layer(CatchPanicLayer::custom(|_| internal_error()))
                .layer(middleware::from_fn_with_state(
                    cut_off,
                    answer_until_cut_off,
                ))
                .layer(cors(&settings.cors_origins))
                .layer(middleware::from_fn_with_state(
                    (settings.body_limit_bytes, settings.import_limit_bytes),
                    refuse_large_bodies,
                ))
                .layer(axum::extract::DefaultBodyLimit::max(
                    settings.body_limit_bytes,
                )),
        )
        .with_state(state)
}

fn cors(origins: &[String]) -> CorsLayer {
    let allow = if origins.iter().any(|o| o.trim() == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o.trim().trim_end_matches('/')).ok()),
        )
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::IF_NONE_MATCH,
            REQUEST_ID.clone(),
        ])
        .expose_headers([
            super::pagination::TOTAL_COUNT.clone(),
            super::routes::ledger::TOTAL_GAIN.clone(),
            super::routes::ledger::TOTAL_GAIN_CURRENCY.clone(),
            super::routes::ledger::TOTAL_GAIN_COMPLETE.clone(),
            REQUEST_ID.clone(),
            header::RETRY_AFTER,
            header::ETAG,
        ])
        .max_age(Duration::from_secs(600))
}

/// The handler's answer, or 503 once the shutdown grace is over (the handler is dropped).
async fn answer_until_cut_off(
    State(cut_off): State<Arc<watch::Sender<bool>>>,
    req: Request,
    next: Next,
) -> Response {
    let mut cut = cut_off.subscribe();
    let cut = async move {
        if cut.wait_for(|c| *c).await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        response = next.run(req) => response,
        () = cut => ApiError::ShuttingDown.into_response(),
    }
}

/// 413 before reading a body whose declared length is over the limit: an import's file has
/// a limit of its own.
async fn refuse_large_bodies(
    State((body_limit, import_limit)): State<(usize, usize)>,
    req: Request,
    next: Next,
) -> Response {
    let limit = if routes::imports::is_import(req.uri().path()) {
        import_limit
    } else {
        body_limit
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return ApiError::PayloadTooLarge.into_response();
    }
    next.run(req).await
}

/// `/accounts/` is `/accounts`: every route answers with and without a trailing slash, with
/// no redirect. The docs page keeps its own paths.
fn trim_trailing_slash(mut req: Request) -> Request {
    let path = req.uri().path();
    if path.len() > 1 && path.ends_with('/') && !path.starts_with("/docs") {
        let trimmed = path.trim_end_matches('/');
        let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
        let new = match req.uri().query() {
            Some(q) => format!("{trimmed}?{q}"),
            None => trimmed.to_string(),
        };
        if let Ok(uri) = new.parse::<Uri>() {
            *req.uri_mut() = uri;
        }
    }
    req
}

/// Serves the API on `listener` until `shutdown` resolves. New connections are then refused
/// and requests in flight have the shutdown grace to finish; those still running after it are
/// answered 503 and the server stops, even if a connection stays open.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let grace = state.settings.shutdown_grace;
    let cut_off = state.cut_off.clone();
    let (signalled, on_signal) = oneshot::channel::<()>();
    let app = ServiceBuilder::new()
        .map_request(trim_trailing_slash)
        .service(router(state));
    let server = axum::serve(
        listener,
        axum::ServiceExt::<Request>::into_make_service_with_connect_info::<SocketAddr>(app),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        let _ = signalled.send(());
    })
    .into_future();
    tokio::pin!(server);
    tokio::select! {
        biased;
        result = &mut server => return result,
        _ = on_signal => {}
    }
    tokio::select! {
        biased;
        result = &mut server => return result,
        () = tokio::time::sleep(grace) => {}
    }
    tracing::warn!(
        ?grace,
        "shutdown grace over: answering the requests left with 503"
    );
    cut_off.send_replace(true);
    tokio::select! {
        biased;
        result = &mut server => result,
        () = tokio::time::sleep(CLOSE_WAIT) => {
            tracing::warn!("connections still open after the shutdown grace; stopping anyway");
            Ok(())
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
