//! Services shared by the TUI and the HTTP API. A TUI key and an HTTP route that do the same
//! thing call the same function here.

mod error;
pub mod fx;
pub mod securities;

pub use error::{ServiceError, ServiceResult};
