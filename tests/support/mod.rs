//! Shared pieces of the integration tests.

pub mod http;
pub mod served;
pub mod yahoo;
