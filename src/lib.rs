//! `finances`: personal finance from the keyboard. A terminal UI and a REST API over one
//! service layer, on PostgreSQL or an embedded SQLite file, with Yahoo Finance market data.
//!
//! Layers point one way: `domain` <- `store`, `market` <- `service` <- `tui`, `http`,
//! `commands`; `format` is the text of figures that the UI and the command line share.
//! Every use case (valuation, sync of everything, charts per range, search) is a service
//! function that the three front ends call and only translate. Only `context` (the
//! composition root) names concrete stores, caches, clients, limiters and mailers;
//! `secret` keeps passwords out of logs and messages.

pub mod cli;
pub mod commands;
pub mod config;
pub mod context;
pub mod demo;
pub mod domain;
pub mod format;
pub mod http;
pub mod import;
pub mod limits;
pub mod logging;
pub mod mail;
pub mod market;
pub mod secret;
pub mod service;
pub mod store;
pub mod tui;
