//! Importing a broker's or tracker's export into an account: the file read by its format,
//! each security it names resolved once, each row given its identity so that a second run
//! adds nothing, and the whole checked against the account's ledger before anything is
//! stored, all or nothing.

mod identity;
mod resolve;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::Utc;
use uuid::Uuid;

use crate::domain::ledger::{Activity, ActivityFields, LedgerError, NewActivity};
use crate::domain::{self, Security, User};
use crate::import::{self, Format, Ignored, ImportRow, Mapping, ReadOptions, RowError};
use crate::store::Store;

use super::account_locks::AccountLocks;
use super::ledger::{check_replays, position_statements};
use super::portfolio::{conflict, owned_account};
use super::securities::SecurityService;
use super::{ServiceError, ServiceResult};

pub use resolve::Resolution;

/// A generic CSV's columns as the caller names them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum MappingChoice {
    /// From the header's words.
    #[default]
    Header,
    Given(Mapping),
    /// Saved earlier under this name.
    Saved(String),
}

impl MappingChoice {
    /// `date=Trade Date,...` is a mapping; a single word is the name of a saved one.
    pub fn parse(raw: &str) -> Result<Self, crate::import::ImportError> {
        if raw.contains('=') {
            Mapping::parse(raw).map(Self::Given)
        } else {
            Ok(Self::Saved(raw.trim().to_string()))
        }
    }
}

/// Longest name a mapping is saved under.
const MAPPING_NAME_MAX_CHARS: usize = 60;

/// What the caller says of the file.
#[derive(Debug, Clone, Default)]
pub struct ImportRequest {
    pub format: Option<Format>,
    /// The columns of a generic CSV: given, or saved earlier under a name.
    pub mapping: MappingChoice,
    /// Save the given mapping under this name once the file was read with it.
    pub save_mapping_as: Option<String>,
    /// Show what would be stored, and store nothing.
    pub dry_run: bool,
}

/// Whether a row is new to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    /// Added (or, in a dry run, would be).
    New,
    /// Its identity is already in the account: skipped.
    Duplicate,
}

/// A row of the file as stored, or as it would be.
#[derive(Debug, Clone)]
pub struct ImportedRow {
    pub line: usize,
    pub status: RowStatus,
    pub activity: Activity,
    pub security: Option<Security>,
}

/// Everything an import did or would do. With `errors`, nothing was stored.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub format: Format,
    pub dry_run: bool,
    pub rows: Vec<ImportedRow>,
    pub ignored: Vec<Ignored>,
    pub errors: Vec<RowError>,
}

impl ImportReport {
    /// Rows added, or to be added in a dry run; none when the file was refused.
    pub fn added(&self) -> usize {
        if !self.errors.is_empty() {
            return 0;
        }
        self.count(RowStatus::New)
    }

    pub fn skipped(&self) -> usize {
        self.count(RowStatus::Duplicate)
    }

    pub fn stored(&self) -> bool {
        !self.dry_run && self.errors.is_empty()
    }

    fn count(&self, status: RowStatus) -> usize {
        self.rows.iter().filter(|r| r.status == status).count()
    }
}

#[derive(Clone)]
pub struct ImportService {
    store: Arc<dyn Store>,
    securities: Arc<SecurityService>,
    locks: AccountLocks,
}

impl ImportService {
    pub(super) fn new(
        store: Arc<dyn Store>,
        securities: Arc<SecurityService>,
        locks: AccountLocks,
    ) -> Self {
        Self {
            store,
            securities,
            locks,
        }
    }

    /// Reads `file` into the account. A file that cannot be read at all is a bad request;
    /// bad rows come back in the report's `errors` (with their lines) and store nothing.
    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id, bytes = file.len()))]
    pub async fn import(
        &self,
        user: &User,
        account_id: Uuid,
        file: &[u8],
        request: ImportRequest,
    ) -> ServiceResult<ImportReport> {
        let account = owned_account(self.store.as_ref(), user, account_id).await?;
        let mapping = match &request.mapping {
            MappingChoice::Header => Mapping::default(),
            MappingChoice::Given(m) => m.clone(),
            MappingChoice::Saved(name) => self.saved_mapping(user, name).await?,
        };
        let options = ReadOptions {
            format: request.format,
            mapping: mapping.clone(),
            account_currency: Some(account.currency.to_string()),
        };
        let parsed = import::read(file, &options)
            .map_err(|e| ServiceError::bad_request("file", e.to_string()))?;
        if let Some(name) = &request.save_mapping_as {
            self.save_mapping(user, name, &mapping).await?;
        }
        let mut report = ImportReport {
            format: parsed.format,
            dry_run: request.dry_run,
            rows: Vec::with_capacity(parsed.rows.len()),
            ignored: parsed.ignored,
            errors: parsed.errors,
        };
        let resolved = resolve::securities(&self.securities, &parsed.rows).await?;
        let ids = identity::external_ids(parsed.format, &parsed.rows);

        let _writing = self.locks.lock(account_id).await;
        let mut ledger = self.store.account_activities(account_id).await?;
        let known: HashSet<&str> = ledger
            .iter()
            .filter_map(|a| a.external_id.as_deref())
            .collect();
        let today = Utc::now().date_naive();
        let at = domain::now();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut new = Vec::new();
        for (row, external_id) in parsed.rows.iter().zip(&ids) {
            if let Some(first) = seen.insert(external_id, row.line) {
                if first != row.line {
                    report.errors.push(RowError::new(
                        row.line,
                        format!("the same row as line {first} (id {external_id})"),
                    ));
                    continue;
                }
            }
            let security = match row.security.as_ref().map(|k| resolved.get(k)) {
                None => None,
                Some(Some(Resolution::Found(s))) => Some(s.clone()),
                Some(Some(Resolution::Unknown(why))) => {
                    report.errors.push(RowError::new(row.line, why.clone()));
                    continue;
                }
                Some(None) => unreachable!("every key of the rows was resolved"),
            };
            let status = if known.contains(external_id.as_str()) {
                RowStatus::Duplicate
            } else {
                RowStatus::New
            };
            match build(
                row,
                &account.currency,
                security.as_ref(),
                external_id,
                today,
            ) {
                Ok(fields) => {
                    let activity = fields.into_activity(Uuid::new_v4(), account_id, at);
                    if status == RowStatus::New {
                        new.push(activity.clone());
                    }
                    report.rows.push(ImportedRow {
                        line: row.line,
                        status,
                        activity,
                        security,
                    });
                }
                Err(e) => report.errors.push(RowError::new(
                    row.line,
                    format!("{}: {}", e.field, e.message),
                )),
            }
        }
        drop(known);
        if report.errors.is_empty() && !new.is_empty() {
            ledger.extend(new.iter().cloned());
            let statements = position_statements(self.store.as_ref(), account_id).await?;
            match check_replays(self.store.as_ref(), &account, &ledger, &statements).await {
                Ok(()) => {}
                Err(ServiceError::Ledger { source, symbol }) => {
                    let line = ledger_line(&source, &report.rows);
                    let what = ServiceError::Ledger { source, symbol }.to_string();
                    match line {
                        Some(line) => report.errors.push(RowError::new(line, what)),
                        None => return Err(ServiceError::bad_request("file", what)),
                    }
                }
                Err(other) => return Err(other),
            }
        }
        report.errors.sort_by_key(|e| e.line);
        if report.stored() && !new.is_empty() {
            self.store
                .insert_activities(&new)
                .await
                .map_err(|e| conflict(e, "An activity with this external_id already exists"))?;
        }
        Ok(report)
    }
}

impl ImportService {
    /// Saves a generic CSV's columns under `name` for the user's next imports.
    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    pub async fn save_mapping(
        &self,
        user: &User,
        name: &str,
        mapping: &Mapping,
    ) -> ServiceResult<()> {
        let name = name.trim();
        if name.is_empty()
            || name.chars().count() > MAPPING_NAME_MAX_CHARS
            || name.chars().any(|c| c.is_control() || c == '=')
        {
            return Err(ServiceError::bad_request(
                "save_map",
                format!("a mapping is saved under a name of 1 to {MAPPING_NAME_MAX_CHARS} characters without '='"),
            ));
        }
        if mapping.0.is_empty() {
            return Err(ServiceError::bad_request(
                "save_map",
                "give the columns to save with --map FIELD=COLUMN,...",
            ));
        }
        Ok(self
            .store
            .save_import_mapping(user.id, name, &mapping.0, domain::now())
            .await?)
    }

    /// The user's saved mappings, by name.
    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    pub async fn mappings(&self, user: &User) -> ServiceResult<Vec<(String, Mapping)>> {
        let saved = self.store.import_mappings(user.id).await?;
        Ok(saved.into_iter().map(|(n, m)| (n, Mapping(m))).collect())
    }

    async fn saved_mapping(&self, user: &User, name: &str) -> ServiceResult<Mapping> {
        let saved = self.mappings(user).await?;
        if let Some((_, m)) = saved
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
        {
            return Ok(m.clone());
        }
        let names: Vec<&str> = saved.iter().map(|(n, _)| n.as_str()).collect();
        Err(ServiceError::bad_request(
            "map",
            if names.is_empty() {
                format!("no mapping is saved as '{name}' (save one with --save-map)")
            } else {
                format!(
                    "no mapping is saved as '{name}'; saved: {}",
                    names.join(", ")
                )
            },
        ))
    }
}

/// The line of the imported activity that a ledger error names.
fn ledger_line(error: &LedgerError, rows: &[ImportedRow]) -> Option<usize> {
    let id = match error {
        LedgerError::Oversold { activity_id, .. } => *activity_id,
        LedgerError::MissingField { activity_id, .. } => *activity_id,
        LedgerError::Overflow { id } => *id,
        _ => return None,
    };
    rows.iter().find(|r| r.activity.id == id).map(|r| r.line)
}

/// The row as the ledger takes it, checked as any activity is: its currency is the file's,
/// else the security's, else the account's.
fn build(
    row: &ImportRow,
    account_currency: &domain::CurrencyCode,
    security: Option<&Security>,
    external_id: &str,
    today: chrono::NaiveDate,
) -> Result<NewActivity, domain::ValidationError> {
    let currency = row
        .currency
        .clone()
        .or_else(|| security.map(|s| s.currency.clone()))
        .unwrap_or_else(|| account_currency.to_string());
    let fields = ActivityFields {
        activity_type: row.activity_type,
        date: row.date,
        security_id: security.map(|s| s.id),
        quantity: row.quantity,
        unit_price: row.unit_price,
        amount: row.amount,
        fee: row.fee,
        currency,
        fx_rate: row.fx_rate,
        split_ratio: row.split_ratio,
        notes: row.notes.clone(),
        external_id: Some(external_id.to_string()),
    };
    NewActivity::new(fields, today)
}
