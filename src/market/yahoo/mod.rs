//! Yahoo Finance over HTTP: the client, the crumb session, the wire format and its parsing.

mod client;
mod crumb;
mod number;
mod parse;
mod settings;
mod wire;

pub use client::YahooClient;
pub use number::decimal;
pub use settings::YahooSettings;
