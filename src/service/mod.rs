//! Services shared by the TUI and the HTTP API.
