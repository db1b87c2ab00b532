//! `finances serve`: the REST API over the shared services (see the API contract). Handlers
//! parse and present; rules live in the services; failures map to status codes in `error`.

pub mod auth;
pub mod conditional;
pub mod constraints;
pub mod dto;
pub mod error;
pub mod extract;
pub mod memo;
pub mod openapi;
pub mod openapi_responses;
mod openapi_text;
pub mod pagination;
mod read_fields;
pub mod routes;
pub mod server;
pub mod state;

pub use self::server::{router, serve, shutdown_signal};
pub use self::state::{AppState, HttpSettings};
