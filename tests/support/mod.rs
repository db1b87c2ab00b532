//! Shared pieces of the integration tests.

#[macro_use]
pub mod http;
pub mod import_files;
pub mod offline;
pub mod served;
pub mod yahoo;
