/// Failures of a store, in terms the services can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row to update or delete does not exist.
    #[error("not found")]
    NotFound,
    /// A unique or foreign-key rule refused the write; names the rule (constraint).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database could not be reached or refused the connection.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A stored value could not be read back as a domain value.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The database URL cannot be used (unknown scheme, malformed); the message holds no
    /// password.
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("database error: {0}")]
    Database(String),
}

/// What a refused write means for the caller, read off the rule that refused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    /// The user the row belongs to no longer exists (deleted meanwhile, perhaps by another
    /// process).
    OwnerGone,
    /// The row it refers to no longer exists: which kind of row.
    ParentGone(&'static str),
    /// A uniqueness rule, or a row still in use.
    Rule,
}

impl StoreError {
    /// How to read a [`StoreError::Conflict`]; `None` for other errors.
    pub fn conflict_kind(&self) -> Option<ConflictKind> {
        let Self::Conflict(rule) = self else {
            return None;
        };
        Some(match rule.as_str() {
            "fk_financial_institutions_user"
            | "fk_accounts_user"
            | "fk_refresh_tokens_user"
            | "fk_password_reset_tokens_user" => ConflictKind::OwnerGone,
            "fk_account_values_account"
            | "fk_holdings_account"
            | "fk_proposal_dismissals_account" => ConflictKind::ParentGone("Account"),
            "fk_accounts_institution" => ConflictKind::ParentGone("Financial institution"),
            "fk_holdings_security"
            | "fk_security_prices_security"
            | "fk_security_events_security" => ConflictKind::ParentGone("Security"),
            _ => ConflictKind::Rule,
        })
    }
}
