macro_rules! holding_columns {
    () => {
        "h.id, h.account_id, h.security_id, h.shares, h.average_price, h.\"timestamp\", \
         h.created_at, h.updated_at"
    };
}
pub(crate) use holding_columns;

/// Keeps a snapshot `h` only when no newer one of the same account and security exists; the
/// unique (account, security, timestamp) index answers it.
macro_rules! newest_only {
    () => {
        "NOT EXISTS (SELECT 1 FROM holdings AS n WHERE n.account_id = h.account_id \
         AND n.security_id = h.security_id AND n.\"timestamp\" > h.\"timestamp\")"
    };
}
pub(crate) use newest_only;

pub(crate) const INSERT: &str = "INSERT INTO holdings (id, account_id, security_id, shares, \
     average_price, \"timestamp\", created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
pub(crate) const BY_ID: &str = concat!(
    "SELECT ",
    holding_columns!(),
    " FROM holdings AS h WHERE h.id = $1"
);
pub(crate) const COUNT_OF_ACCOUNT: &str =
    "SELECT count(*) FROM holdings AS h WHERE h.account_id = $1";
pub(crate) const COUNT_CURRENT_OF_ACCOUNT: &str = concat!(
    "SELECT count(*) FROM holdings AS h WHERE h.account_id = $1 AND ",
    newest_only!()
);
pub(crate) const CURRENT_OF_USER: &str = concat!(
    "SELECT ",
    holding_columns!(),
    " FROM holdings AS h JOIN accounts AS a ON a.id = h.account_id WHERE a.user_id = $1 AND ",
    newest_only!(),
    " ORDER BY a.name, a.id, h.security_id"
);
pub(crate) const HELD_SECURITY_IDS: &str =
    "SELECT DISTINCT security_id FROM holdings ORDER BY security_id";
pub(crate) const UPDATE: &str = "UPDATE holdings SET security_id = $2, shares = $3, \
     average_price = $4, \"timestamp\" = $5, updated_at = $6 WHERE id = $1";
pub(crate) const DELETE: &str = "DELETE FROM holdings WHERE id = $1";
