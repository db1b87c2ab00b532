//! The terminal UI over the shared services.
//!
//! One task owns the terminal ([`event_loop`]); [`update::update`] turns actions into state
//! changes and commands; drawing ([`screens::draw`]) is a pure function of [`app::App`]; slow
//! work runs in spawned tasks ([`worker`]) whose results come back as actions tagged with a
//! generation, so a stale reply never overwrites a newer one.
//!
//! Cut by screen: each screen under [`screens`] (accounts, holdings, activities, security,
//! search, performance, help) holds its state, its key handling and its drawing, and is the one place to
//! change it.
//! [`update`] routes: the keys that mean the same everywhere, then the screen in view;
//! [`app`] holds the [`app::App`] composed of the screens' states and what they share.
//! Around them: [`form`] (the forms, which build the domain's drafts), [`command_line`] (the
//! `:` commands), [`keymap`] (keys to intents, per screen), [`action`] (what comes in and what
//! is asked for), [`worker`] (runs what is asked for against the services), [`widgets`].

pub mod action;
pub mod app;
pub mod command_line;
#[cfg(any(test, feature = "testing"))]
pub mod driver;
pub mod event_loop;
pub mod form;
pub mod keymap;
pub mod line_edit;
pub mod screens;
pub mod settings;
pub mod theme;
pub mod update;
pub mod widgets;
pub mod worker;

pub use event_loop::{build_app, run, StartAs, TuiError};
pub use settings::TuiSettings;
