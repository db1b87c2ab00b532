//! SQLite failures as `StoreError`s. SQLite names the columns of a failed unique rule but not
//! the rule, and names nothing at all for a foreign key; both are mapped to the constraint
//! names of the schema so that callers see what PostgreSQL reports.

use sqlx::error::ErrorKind;
use uuid::Uuid;

use super::codec::uid;
use super::{SqliteQuery, SqliteStore};
use crate::store::open::one_line;
use crate::store::{StoreError, StoreResult};

pub(super) fn db_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) => match d.kind() {
            ErrorKind::UniqueViolation => StoreError::Conflict(unique_rule(d.message())),
            // Callers that can violate a foreign key resolve it with `SqliteStore::conflict`.
            ErrorKind::ForeignKeyViolation => StoreError::Conflict("foreign key".into()),
            // SQLITE_BUSY and its extended codes: another writer held the lock too long.
            _ if matches!(d.code().as_deref(), Some("5" | "261" | "517")) => {
                StoreError::Unavailable(one_line(d.message()))
            }
            _ => StoreError::Database(one_line(d.message())),
        },
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => StoreError::Unavailable(one_line(&e)),
        sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::TypeNotFound { .. } => StoreError::Corrupt(one_line(&e)),
        _ => StoreError::Database(one_line(&e)),
    }
}

/// "UNIQUE constraint failed: users.email" -> "uq_users_email".
fn unique_rule(message: &str) -> String {
    let columns = message
        .split_once(": ")
        .map(|(_, cols)| cols.trim())
        .unwrap_or(message);
    let name = match columns {
        "users.id" => "pk_users",
        "users.email" => "uq_users_email",
        "users.username" => "uq_users_username",
        "currencies.code" => "pk_currencies",
        "exchange_rates.from_currency, exchange_rates.to_currency, exchange_rates.rate_date" => {
            "uq_exchange_rates_from_to_date"
        }
        "financial_institutions.id" => "pk_financial_institutions",
        "accounts.id" => "pk_accounts",
        "account_values.id" => "pk_account_values",
        "account_values.account_id, account_values.timestamp" => {
            "uq_account_values_account_timestamp"
        }
        "securities.id" => "pk_securities",
        "securities.symbol" => "uq_securities_symbol",
        "security_prices.security_id, security_prices.interval, security_prices.timestamp" => {
            "uq_security_prices_security_interval_timestamp"
        }
        "holdings.id" => "pk_holdings",
        "activities.id" => "pk_activities",
        "activities.account_id, activities.external_id" => "uq_activities_account_external_id",
        "holdings.account_id, holdings.security_id, holdings.timestamp" => {
            "uq_holdings_account_security_timestamp"
        }
        "security_events.security_id, security_events.kind, security_events.date" => {
            "pk_security_events"
        }
        "proposal_dismissals.account_id, proposal_dismissals.proposal_id" => {
            "pk_proposal_dismissals"
        }
        "refresh_tokens.jti" => "pk_refresh_tokens",
        "password_reset_tokens.id" => "pk_password_reset_tokens",
        "password_reset_tokens.token_hash" => "uq_password_reset_tokens_hash",
        other => return format!("unique ({other})"),
    };
    name.to_string()
}

/// A foreign key a failed write may have broken, and how to tell whether it did.
pub(super) enum Probe {
    /// The written row refers to `table.column = value`; broken when no such row exists.
    Parent {
        constraint: &'static str,
        table: &'static str,
        column: &'static str,
        value: Option<String>,
    },
    /// The deleted row is referred to by `table.column = value`; broken when such a row exists.
    Child {
        constraint: &'static str,
        table: &'static str,
        column: &'static str,
        value: String,
    },
}

/// The row a written row refers to by its `id`, when it refers to one.
pub(super) fn parent(constraint: &'static str, table: &'static str, id: Option<Uuid>) -> Probe {
    Probe::Parent {
        constraint,
        table,
        column: "id",
        value: id.as_ref().map(uid),
    }
}

impl SqliteStore {
    /// Runs a write; the number of rows it touched. A foreign key it breaks is named after
    /// the first of `probes` (made only when the write failed) that finds it broken.
    pub(super) async fn execute_probed<P: AsRef<[Probe]>>(
        &self,
        query: SqliteQuery<'_>,
        probes: impl FnOnce() -> P,
    ) -> StoreResult<u64> {
        match query.execute(&self.pool).await {
            Ok(done) => Ok(done.rows_affected()),
            Err(e) => Err(self.conflict(e, probes().as_ref()).await),
        }
    }

    /// Maps a failed write like `db_err`, naming the broken foreign key among `probes`.
    pub(super) async fn conflict(&self, e: sqlx::Error, probes: &[Probe]) -> StoreError {
        let is_fk =
            matches!(&e, sqlx::Error::Database(d) if d.kind() == ErrorKind::ForeignKeyViolation);
        if !is_fk {
            return db_err(e);
        }
        for probe in probes {
            let (constraint, sql, value, broken_when_found) = match probe {
                Probe::Parent {
                    constraint,
                    table,
                    column,
                    value: Some(value),
                } => (
                    constraint,
                    format!("SELECT 1 FROM {table} WHERE {column} = $1 LIMIT 1"),
                    value,
                    false,
                ),
                Probe::Parent { value: None, .. } => continue,
                Probe::Child {
                    constraint,
                    table,
                    column,
                    value,
                } => (
                    constraint,
                    format!("SELECT 1 FROM {table} WHERE {column} = $1 LIMIT 1"),
                    value,
                    true,
                ),
            };
            match sqlx::query(&sql)
                .bind(value)
                .fetch_optional(&self.pool)
                .await
            {
                Ok(found) if found.is_some() == broken_when_found => {
                    return StoreError::Conflict((*constraint).to_string())
                }
                Ok(_) => {}
                Err(other) => return db_err(other),
            }
        }
        db_err(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_messages_name_the_rule() {
        assert_eq!(
            unique_rule("UNIQUE constraint failed: users.email"),
            "uq_users_email"
        );
        assert_eq!(
            unique_rule("UNIQUE constraint failed: holdings.account_id, holdings.security_id, holdings.timestamp"),
            "uq_holdings_account_security_timestamp"
        );
    }
}
