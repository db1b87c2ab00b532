//! The screens' number, date and text formatting: shared with the command line, so it lives
//! outside the UI.

pub use crate::format::*;
