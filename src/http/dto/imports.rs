//! `POST /api/v1/accounts/{id}/import`: the report of an import or of its dry run.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::import::{Ignored, RowError};
use crate::service::import::{ImportReport, ImportedRow, RowStatus};

use super::activities::ActivityOut;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// One of `csv`, `ghostfolio`, `ghostfolio_csv`, `wealthfolio`, `schwab`,
    /// `trade_republic`, `ibkr_flex`, `ofx` (default: told from the content).
    pub format: Option<String>,
    /// The columns of a generic CSV, `date=Trade Date,quantity=Qty`, or the name of a
    /// mapping saved earlier (default: from the header's words).
    pub map: Option<String>,
    /// Save the `map` columns under this name for later imports.
    pub save_map: Option<String>,
    /// `true`: answer what would be stored, and store nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// What an import stored, or in a dry run would store. `errors` lists every line that
/// cannot be imported: with any, nothing is stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportOut {
    pub format: String,
    pub dry_run: bool,
    /// Whether the rows were stored (not a dry run, no errors).
    pub stored: bool,
    /// New rows: stored, or in a dry run to be stored.
    pub added: usize,
    /// Rows already in the account (the same `external_id`): skipped.
    pub skipped: usize,
    pub rows: Vec<ImportedRowOut>,
    pub ignored: Vec<IgnoredOut>,
    pub errors: Vec<LineErrorOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedRowOut {
    /// The line of the file the row starts on.
    pub line: usize,
    /// `new` or `duplicate`.
    pub status: String,
    pub activity: ActivityOut,
}

/// A row passed over on purpose (a card payment, a footer), and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct IgnoredOut {
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LineErrorOut {
    pub line: usize,
    pub message: String,
}

impl From<ImportReport> for ImportReportOut {
    fn from(r: ImportReport) -> Self {
        Self {
            format: r.format.to_string(),
            dry_run: r.dry_run,
            stored: r.stored(),
            added: r.added(),
            skipped: r.skipped(),
            rows: r.rows.into_iter().map(ImportedRowOut::from).collect(),
            ignored: r.ignored.into_iter().map(IgnoredOut::from).collect(),
            errors: r.errors.into_iter().map(LineErrorOut::from).collect(),
        }
    }
}

impl From<ImportedRow> for ImportedRowOut {
    fn from(r: ImportedRow) -> Self {
        Self {
            line: r.line,
            status: match r.status {
                RowStatus::New => "new",
                RowStatus::Duplicate => "duplicate",
            }
            .to_string(),
            activity: ActivityOut::new(r.activity, r.security),
        }
    }
}

impl From<Ignored> for IgnoredOut {
    fn from(i: Ignored) -> Self {
        Self {
            line: i.line,
            reason: i.reason,
        }
    }
}

impl From<RowError> for LineErrorOut {
    fn from(e: RowError) -> Self {
        Self {
            line: e.line,
            message: e.message,
        }
    }
}

/// The multipart form of an import.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ImportForm {
    /// The export file, as the broker or tracker wrote it.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}
