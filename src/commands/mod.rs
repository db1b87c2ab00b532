//! Bodies of the command-line subcommands; `main` parses the arguments and calls these.

pub mod market;
