//! The OpenAPI 3 document of every route (`/openapi.json`) and the interactive page (`/docs`),
//! served from files built into the binary: no internet needed.

use axum::Router;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use super::openapi_responses::CommonResponses;
use super::openapi_text::TextWithoutNul;
use super::routes;
use super::state::AppState;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("JWT".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "finances",
        description = "Personal finance REST API: accounts, balances, holdings, securities, \
                       currencies. Authenticate with `POST /api/v1/auth/login` and send \
                       `Authorization: Bearer <access_token>`."
    ),
    modifiers(&BearerAuth, &CommonResponses, &TextWithoutNul),
    paths(
        routes::health::health,
        routes::health::database,
        routes::health::redis,
        routes::health::cache,
        routes::auth::register,
        routes::auth::login,
        routes::auth::login_tokens,
        routes::auth::refresh,
        routes::auth::logout,
        routes::auth::me,
        routes::auth::test_token,
        routes::auth::forgot_password,
        routes::auth::reset_password,
        routes::users::me,
        routes::users::update_me,
        routes::users::list,
        routes::users::get_one,
        routes::users::update,
        routes::users::delete,
        routes::currencies::list,
        routes::currencies::get_one,
        routes::currencies::create,
        routes::currencies::update,
        routes::currencies::delete,
        routes::currencies::rates,
        routes::currencies::sync_rates,
        routes::currencies::convert,
        routes::institutions::list,
        routes::institutions::create,
        routes::institutions::get_one,
        routes::institutions::update,
        routes::institutions::delete,
        routes::accounts::list,
        routes::accounts::create,
        routes::accounts::get_one,
        routes::accounts::update,
        routes::accounts::delete,
        routes::values::list,
        routes::values::create,
        routes::values::get_one,
        routes::values::update,
        routes::values::delete,
        routes::holdings::list,
        routes::holdings::create,
        routes::holdings::get_one,
        routes::holdings::update,
        routes::holdings::delete,
        routes::holdings::positions,
        routes::activities::list,
        routes::activities::create,
        routes::activities::create_batch,
        routes::activities::get_one,
        routes::activities::update,
        routes::activities::delete,
        routes::portfolio::valuation,
        routes::ledger::positions,
        routes::ledger::cash,
        routes::ledger::realized_gains,
        routes::ledger::income,
        routes::performance::performance,
        routes::imports::import,
        routes::proposals::list,
        routes::proposals::accept,
        routes::proposals::dismiss,
        routes::securities::list,
        routes::securities::search,
        routes::securities::get_one,
        routes::securities::sync,
        routes::securities::prices,
    ),
    tags(
        (name = "health", description = "Served at the root and under /api/v1"),
        (name = "auth"), (name = "users"), (name = "currencies"),
        (name = "financial-institutions"), (name = "accounts"), (name = "account-values"),
        (name = "holdings"), (name = "activities", description = "An account's trades, income \
                                           and cash movements: the ledger"),
        (name = "portfolio"), (name = "securities"),
        (name = "ledger", description = "Positions, cash, realized gains and income derived \
                                           from an account's activities"),
    )
)]
struct ApiDoc;

/// Routes whose `PUT` also answers `PATCH` with the same body.
const PATCH_TOO: &[&str] = &[
    "/api/v1/currencies/{code}",
    "/api/v1/financial-institutions/{id}",
    "/api/v1/accounts/{id}",
    "/api/v1/accounts/{account_id}/values/{value_id}",
    "/api/v1/accounts/{account_id}/holdings/{holding_id}",
    "/api/v1/accounts/{account_id}/activities/{activity_id}",
];

/// The whole document: the health routes at both places, `PATCH` beside `PUT`, and an
/// operation id unique to each method and path.
pub fn document() -> Document {
    let mut doc = ApiDoc::openapi();
    let health: Vec<(String, utoipa::openapi::PathItem)> = doc
        .paths
        .paths
        .iter()
        .filter(|(p, _)| p.starts_with("/health"))
        .map(|(p, item)| (format!("/api/v1{p}"), item.clone()))
        .collect();
    doc.paths.paths.extend(health);
    for path in PATCH_TOO {
        if let Some(item) = doc.paths.paths.get_mut(*path) {
            if item.patch.is_none() {
                item.patch = item.put.clone();
            }
        }
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        let slug: String = path
            .trim_start_matches("/api/v1")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let slug = slug.trim_matches('_').replace("__", "_");
        let prefix = if path.starts_with("/api/v1") {
            ""
        } else {
            "root_"
        };
        for (method, op) in [
            ("get", item.get.as_mut()),
            ("post", item.post.as_mut()),
            ("put", item.put.as_mut()),
            ("patch", item.patch.as_mut()),
            ("delete", item.delete.as_mut()),
        ] {
            if let Some(op) = op {
                op.operation_id = Some(format!("{prefix}{method}_{slug}"));
            }
        }
    }
    doc
}

/// `/openapi.json` and `/docs`.
pub fn docs() -> Router<AppState> {
    Router::from(SwaggerUi::new("/docs").url("/openapi.json", document()))
}
