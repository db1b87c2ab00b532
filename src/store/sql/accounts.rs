use super::holdings::{newest_only, of_owned_account};

macro_rules! account_columns {
    () => {
        "id, user_id, institution_id, name, account_type, currency, is_investment_account, \
         interest_rate, cost_basis_method, created_at, updated_at"
    };
}
pub(crate) use account_columns;

pub(crate) const INSERT: &str = concat!(
    "INSERT INTO accounts (",
    account_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
);
pub(crate) const BY_ID: &str = concat!(
    "SELECT ",
    account_columns!(),
    " FROM accounts WHERE id = $1"
);
/// Binds the account and its owner: one row of the account (none unless the owner owns it)
/// with its newest value's columns named `value_*` (NULL with no value) and whether it has
/// activities (`kept_by_activities`: its holdings are then statements in its ledger), and one row per
/// current holding with what valuing it takes, its account columns NULL. Each row of the
/// account is sent once, not once per holding.
pub(crate) const WITH_POSITIONS: &str = concat!(
    "SELECT a.id, a.user_id, a.institution_id, a.name, a.account_type, a.currency, \
         a.is_investment_account, a.interest_rate, a.cost_basis_method, a.created_at, a.updated_at, \
         v.id AS value_id, v.account_id AS value_account_id, \
         v.\"timestamp\" AS value_timestamp, v.balance AS value_balance, \
         v.cash_balance AS value_cash_balance, v.created_at AS value_created_at, \
         v.updated_at AS value_updated_at, CAST(NULL AS uuid) AS security_id, \
         CAST(NULL AS numeric) AS shares, CAST(NULL AS text) AS symbol, \
         CAST(NULL AS text) AS quote_currency, CAST(NULL AS numeric) AS close, \
         EXISTS (SELECT 1 FROM activities AS act WHERE act.account_id = a.id) \
             AS kept_by_activities \
     FROM accounts AS a LEFT JOIN account_values AS v ON v.id = (SELECT n.id \
         FROM account_values AS n WHERE n.account_id = a.id \
         ORDER BY n.\"timestamp\" DESC LIMIT 1) \
     WHERE a.id = $1 AND a.user_id = $2 \
     UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
         NULL, NULL, NULL, NULL, NULL, h.security_id, h.shares, s.symbol, s.currency, \
         s.last_close AS close, CAST(NULL AS boolean) \
     FROM holdings AS h JOIN securities AS s ON s.id = h.security_id WHERE ",
    of_owned_account!(),
    " AND ",
    newest_only!()
);
pub(crate) const COUNT_OF_USER: &str = "SELECT count(*) FROM accounts WHERE user_id = $1";
pub(crate) const UPDATE: &str = "UPDATE accounts SET institution_id = $2, name = $3, \
     account_type = $4, currency = $5, is_investment_account = $6, interest_rate = $7, \
     cost_basis_method = $9, updated_at = $8 WHERE id = $1";
/// Values and holdings go by cascade.
pub(crate) const DELETE: &str = "DELETE FROM accounts WHERE id = $1";

macro_rules! value_columns {
    () => {
        "id, account_id, \"timestamp\", balance, cash_balance, created_at, updated_at"
    };
}
pub(crate) use value_columns;

pub(crate) const INSERT_VALUE: &str = concat!(
    "INSERT INTO account_values (",
    value_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7)"
);
pub(crate) const VALUE_BY_ID: &str = concat!(
    "SELECT ",
    value_columns!(),
    " FROM account_values WHERE id = $1"
);
pub(crate) const UPDATE_VALUE: &str = "UPDATE account_values SET \"timestamp\" = $2, \
     balance = $3, cash_balance = $4, updated_at = $5 WHERE id = $1";
pub(crate) const DELETE_VALUE: &str = "DELETE FROM account_values WHERE id = $1";
