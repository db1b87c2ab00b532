//! `finances serve`: the REST API over the shared services.
