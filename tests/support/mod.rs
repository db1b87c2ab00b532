//! Shared pieces of the integration tests.

#[macro_use]
pub mod http;
pub mod served;
pub mod yahoo;
