//! What a one-shot command can fail with: the service refused or failed, or its output could
//! not be written.

use std::path::PathBuf;

use crate::domain::ValidationError;
use crate::service::backup::BackupError;
use crate::service::ServiceError;

use super::output::OutputError;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// Kept as a source of its own, so that `main` can tell a closed pipe by its kind.
    #[error("{0}")]
    Output(#[from] OutputError),
    /// An import whose bad lines were printed: nothing was stored.
    #[error("{bad} line{} of the file cannot be imported (listed above); nothing was imported", if *.bad == 1 { "" } else { "s" })]
    ImportRefused { bad: usize },
    #[error(transparent)]
    Backup(#[from] BackupError),
    /// A file named on the command line could not be read or written.
    #[error("{}: {source}", path.display())]
    File {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// No passphrase could be had, or the two typed differ.
    #[error("{0}")]
    Passphrase(String),
}

impl From<ValidationError> for CommandError {
    fn from(e: ValidationError) -> Self {
        Self::Service(e.into())
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
