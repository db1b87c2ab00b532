//! A user's whole data, read for a backup and written back by a restore. The reads bind the
//! user's id as `$1` and leave the order to the caller, which sorts in memory: both databases
//! would sort the larger tables on disk.

use super::accounts::account_columns;
use super::holdings::holding_columns;
use super::institutions::institution_columns;
use super::prices::{bar_columns, event_columns};
use super::securities::security_columns;
use super::users::user_columns;

/// The securities held or traded in the user's accounts.
macro_rules! securities_of_user {
    () => {
        "(SELECT h.security_id FROM holdings AS h JOIN accounts AS a ON a.id = h.account_id \
             WHERE a.user_id = $1 \
         UNION SELECT x.security_id FROM activities AS x \
             JOIN accounts AS a ON a.id = x.account_id \
             WHERE a.user_id = $1 AND x.security_id IS NOT NULL)"
    };
}

pub(crate) const USER: &str = concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1");
pub(crate) const INSTITUTIONS: &str = concat!(
    "SELECT ",
    institution_columns!(),
    " FROM financial_institutions WHERE user_id = $1"
);
pub(crate) const ACCOUNTS: &str = concat!(
    "SELECT ",
    account_columns!(),
    " FROM accounts WHERE user_id = $1"
);
pub(crate) const ACCOUNT_VALUES: &str = "SELECT v.id, v.account_id, v.\"timestamp\", \
     v.balance, v.cash_balance, v.created_at, v.updated_at \
     FROM account_values AS v JOIN accounts AS a ON a.id = v.account_id WHERE a.user_id = $1";
pub(crate) const HOLDINGS: &str = concat!(
    "SELECT ",
    holding_columns!(),
    " FROM holdings AS h JOIN accounts AS a ON a.id = h.account_id WHERE a.user_id = $1"
);
pub(crate) const PROPOSAL_DISMISSALS: &str =
    "SELECT d.account_id, d.proposal_id, d.dismissed_at FROM proposal_dismissals AS d \
     JOIN accounts AS a ON a.id = d.account_id WHERE a.user_id = $1";
pub(crate) const SECURITIES: &str = concat!(
    "SELECT ",
    security_columns!(),
    " FROM securities WHERE id IN ",
    securities_of_user!()
);
pub(crate) const DAILY_PRICES: &str = concat!(
    "SELECT ",
    bar_columns!(),
    " FROM security_prices WHERE \"interval\" = '1d' AND security_id IN ",
    securities_of_user!()
);
pub(crate) const SECURITY_EVENTS: &str = concat!(
    "SELECT ",
    event_columns!(),
    " FROM security_events WHERE security_id IN ",
    securities_of_user!()
);

/// `$1` is the list of codes, as each backend passes a list.
macro_rules! currencies_among {
    ($codes:literal) => {
        concat!(
            "SELECT code, name, symbol, decimals FROM currencies WHERE code IN ",
            $codes
        )
    };
}
pub(crate) const CURRENCIES_PG: &str = currencies_among!("(SELECT unnest($1::text[]))");
pub(crate) const CURRENCIES_SQLITE: &str = currencies_among!("(SELECT value FROM json_each($1))");

/// Every rate between two of the listed currencies (`$1`).
macro_rules! rates_among {
    ($codes:literal) => {
        concat!(
            "SELECT from_currency, to_currency, rate_date, rate FROM exchange_rates \
             WHERE from_currency IN ",
            $codes,
            " AND to_currency IN ",
            $codes
        )
    };
}
pub(crate) const RATES_PG: &str = rates_among!("(SELECT unnest($1::text[]))");
pub(crate) const RATES_SQLITE: &str = rates_among!("(SELECT value FROM json_each($1))");

// ---- restore: the user's rows are new; shared rows already stored are kept as they are ----

pub(crate) const KEEP_CURRENCY: &str = "INSERT INTO currencies (code, name, symbol, decimals) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING";
pub(crate) const KEEP_SECURITY: &str = concat!(
    "INSERT INTO securities (",
    security_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING"
);
pub(crate) const KEEP_EVENT: &str = concat!(
    "INSERT INTO security_events (",
    event_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (security_id, kind, \"date\") DO NOTHING"
);
pub(crate) const INSERT_DISMISSAL: &str = "INSERT INTO proposal_dismissals (account_id, \
     proposal_id, dismissed_at) VALUES ($1, $2, $3)";

/// Binds the user's scope, the market's and a version: each counter goes to that version, or
/// one past its own when it is already there or beyond.
pub(crate) const RAISE_VERSIONS_PG: &str = "INSERT INTO data_versions (scope, version) \
     VALUES ($1, $3), ($2, $3) ON CONFLICT (scope) DO UPDATE \
     SET version = GREATEST(data_versions.version + 1, EXCLUDED.version)";
pub(crate) const RAISE_VERSIONS_SQLITE: &str = "INSERT INTO data_versions (scope, version) \
     VALUES ($1, $3), ($2, $3) \
     ON CONFLICT (scope) DO UPDATE SET version = max(version + 1, excluded.version)";
