macro_rules! user_columns {
    () => {
        "id, email, username, password_hash, is_active, is_superuser, base_currency, \
         created_at, updated_at"
    };
}
pub(crate) use user_columns;

pub(crate) const INSERT: &str = concat!(
    "INSERT INTO users (",
    user_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
);
pub(crate) const BY_ID: &str = concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1");
/// Binds the user's id, then `DataVersion::MARKET_SCOPE`; a scope never written to reads 0.
pub(crate) const WITH_VERSION: &str = concat!(
    "SELECT ",
    user_columns!(),
    ", coalesce((SELECT version FROM data_versions WHERE scope = $1), 0) AS user_version, \
     coalesce((SELECT version FROM data_versions WHERE scope = $2), 0) AS market_version \
     FROM users WHERE id = $1"
);
/// Emails are stored lower-case: bind the address lower-cased.
pub(crate) const BY_EMAIL: &str =
    concat!("SELECT ", user_columns!(), " FROM users WHERE email = $1");
pub(crate) const BY_USERNAME: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM users WHERE username = $1"
);
pub(crate) const COUNT: &str = "SELECT count(*) FROM users";
pub(crate) const UPDATE: &str = "UPDATE users SET email = $2, username = $3, password_hash = $4, \
     is_active = $5, is_superuser = $6, base_currency = $7, updated_at = $8 WHERE id = $1";
/// Institutions, accounts (with their values and holdings) and tokens go by cascade.
pub(crate) const DELETE: &str = "DELETE FROM users WHERE id = $1";
