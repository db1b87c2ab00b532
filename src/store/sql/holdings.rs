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

/// Binds the account ($1) and its owner ($2): no rows unless the owner owns the account.
macro_rules! of_owned_account {
    () => {
        "h.account_id = $1 AND EXISTS (SELECT 1 FROM accounts AS a WHERE a.id = $1 \
         AND a.user_id = $2)"
    };
}
pub(crate) use of_owned_account;

/// Completes `WITH held AS (<rows of holding_columns!>)` into the rows
/// `rows::priced_holding` reads: each holding with its security (columns named `s_*`) and
/// that security's two newest closes, kept in its row when its bars are written (no lookup
/// into the price history). The caller adds the `ORDER BY`.
macro_rules! priced_from_held {
    () => {
        " SELECT held.*, s.id AS s_id, s.symbol AS s_symbol, s.name AS s_name, \
             s.exchange AS s_exchange, s.currency AS s_currency, \
             s.security_type AS s_security_type, s.sector AS s_sector, \
             s.industry AS s_industry, s.market_cap AS s_market_cap, \
             s.last_synced_at AS s_last_synced_at, s.created_at AS s_created_at, \
             s.updated_at AS s_updated_at, s.last_close AS close, \
             s.last_close_at AS close_at, s.previous_close \
         FROM held JOIN securities AS s ON s.id = held.security_id "
    };
}
pub(crate) use priced_from_held;

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
/// `CURRENT_OF_USER` with securities and closes.
pub(crate) const PRICED_CURRENT_OF_USER: &str = concat!(
    "WITH held AS (SELECT ",
    holding_columns!(),
    ", a.name AS account_name FROM holdings AS h JOIN accounts AS a ON a.id = h.account_id \
     WHERE a.user_id = $1 AND ",
    newest_only!(),
    ")",
    priced_from_held!(),
    "ORDER BY held.account_name, held.account_id, held.security_id"
);
/// Binds the account and its owner.
pub(crate) const COUNT_OF_OWNED_ACCOUNT: &str = concat!(
    "SELECT count(*) FROM holdings AS h WHERE ",
    of_owned_account!()
);
/// Binds the account and its owner.
pub(crate) const COUNT_CURRENT_OF_OWNED_ACCOUNT: &str = concat!(
    "SELECT count(*) FROM holdings AS h WHERE ",
    of_owned_account!(),
    " AND ",
    newest_only!()
);
/// Securities named by a holding or by an activity: an account kept by activities holds
/// what they bought, with no holding row.
pub(crate) const HELD_SECURITY_IDS: &str = "SELECT security_id FROM holdings UNION \
     SELECT security_id FROM activities WHERE security_id IS NOT NULL ORDER BY security_id";
pub(crate) const UPDATE: &str = "UPDATE holdings SET security_id = $2, shares = $3, \
     average_price = $4, \"timestamp\" = $5, updated_at = $6 WHERE id = $1";
pub(crate) const DELETE: &str = "DELETE FROM holdings WHERE id = $1";
