//! Backups: everything one user owns, with the market data it uses, as one versioned document
//! (`document`) that any store can take back whole. Moving from the embedded SQLite file to a
//! PostgreSQL server (or back) is an export from one and a restore into the other; exporting
//! the restored user again gives the same bytes.
//!
//! A restore writes into a store that does not hold the user yet, in one transaction, and
//! never merges: a user of the same id, username or email already there refuses it with
//! nothing changed. Market data the target already holds (a security another user trades,
//! its prices, exchange rates) is kept as it is.

mod document;
mod records;
mod sealed;

use std::sync::Arc;

use crate::domain::{self, User};
use crate::store::{Store, StoreError};

use super::ServiceError;

pub use document::{Backup, BackupCounts, FORMAT, VERSION};
pub use sealed::{is_encrypted, open, seal, Passphrase};

/// Why a backup could not be written, read or restored.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("not a finances backup: {0}")]
    NotABackup(String),
    #[error(
        "this backup is of version {0} of the format, and this finances reads version {VERSION} \
         only"
    )]
    UnsupportedVersion(String),
    #[error("the backup is malformed at {path}: {source}")]
    Malformed {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    /// Rows that cannot be one user's data: nothing of it was stored.
    #[error("the backup does not hold together: {0}")]
    Inconsistent(String),
    #[error(
        "this store already holds {what}; a restore adds a user and never merges into one \
         (nothing was changed)"
    )]
    UserExists { what: String },
    #[error(
        "this store keeps the security {symbol} under another id than the backup; a restore \
         cannot merge the two (nothing was changed)"
    )]
    SecurityIdTaken { symbol: String },
    #[error("the backup conflicts with what this store holds ({rule}); nothing was changed")]
    Conflict { rule: String },
    #[error("an empty passphrase protects nothing")]
    EmptyPassphrase,
    #[error("the passphrase is wrong (or the file was changed)")]
    WrongPassphrase,
    #[error("cannot encrypt the backup: {0}")]
    Encrypt(#[source] std::io::Error),
    #[error("cannot decrypt the backup: {0}")]
    Decrypt(String),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<StoreError> for BackupError {
    fn from(e: StoreError) -> Self {
        Self::Service(e.into())
    }
}

/// What a restore stored.
#[derive(Debug, Clone)]
pub struct RestoreSummary {
    pub user: User,
    pub counts: BackupCounts,
}

#[derive(Clone)]
pub struct BackupService {
    store: Arc<dyn Store>,
}

impl BackupService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    /// The user's backup, read as of one moment.
    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    pub async fn export(&self, user: &User) -> Result<Backup, BackupError> {
        let rows = self.store.user_rows(user.id).await?.ok_or_else(|| {
            ServiceError::not_found(
                super::Entity::User,
                format!("no user '{}'", user.username.as_str()),
            )
        })?;
        Ok(Backup::from_rows(rows))
    }

    /// Stores the backup's rows, all or none; refused, with nothing changed, when this store
    /// holds the user already (by id, username or email) or one of its securities under
    /// another id.
    #[tracing::instrument(skip_all, fields(user_id = %backup.user().id))]
    pub async fn restore(&self, backup: &Backup) -> Result<RestoreSummary, BackupError> {
        let user = backup.user();
        let taken = if self.store.user(user.id).await?.is_some() {
            Some(format!("the user {}", user.id))
        } else if self
            .store
            .user_by_username(user.username.as_str())
            .await?
            .is_some()
        {
            Some(format!("a user named '{}'", user.username.as_str()))
        } else if self
            .store
            .user_by_email(user.email.as_str())
            .await?
            .is_some()
        {
            Some(format!("a user with the email {}", user.email.as_str()))
        } else {
            None
        };
        if let Some(what) = taken {
            return Err(BackupError::UserExists { what });
        }
        for s in &backup.rows().securities {
            if let Some(stored) = self.store.security_by_symbol(&s.symbol).await? {
                if stored.id != s.id {
                    return Err(BackupError::SecurityIdTaken {
                        symbol: s.symbol.to_string(),
                    });
                }
            }
        }
        // The checks above can race a writer; the store's own rules then refuse the write.
        self.store
            .restore_user_rows(backup.rows(), domain::now())
            .await
            .map_err(|e| refused(e, backup))?;
        Ok(RestoreSummary {
            user: user.clone(),
            counts: backup.counts(),
        })
    }
}

/// A refused restore in the terms of the checks that should have caught it.
fn refused(e: StoreError, backup: &Backup) -> BackupError {
    let user = backup.user();
    match e {
        StoreError::Conflict(rule) => match rule.as_str() {
            "pk_users" => BackupError::UserExists {
                what: format!("the user {}", user.id),
            },
            "uq_users_username" => BackupError::UserExists {
                what: format!("a user named '{}'", user.username.as_str()),
            },
            "uq_users_email" => BackupError::UserExists {
                what: format!("a user with the email {}", user.email.as_str()),
            },
            _ => BackupError::Conflict { rule },
        },
        other => other.into(),
    }
}
