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
