//! The terminal UI over the shared services.
