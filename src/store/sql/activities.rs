use crate::domain::ledger::Activity;

macro_rules! activity_columns {
    () => {
        "id, account_id, activity_type, \"date\", security_id, quantity, unit_price, amount, \
         fee, currency, fx_rate, split_ratio, notes, external_id, created_at, updated_at"
    };
}
pub(crate) use activity_columns;

pub(crate) const INSERT: &str = concat!(
    "INSERT INTO activities (",
    activity_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
);
pub(crate) const BY_ID: &str = concat!(
    "SELECT ",
    activity_columns!(),
    " FROM activities WHERE id = $1"
);
pub(crate) const BY_EXTERNAL_ID: &str = concat!(
    "SELECT ",
    activity_columns!(),
    " FROM activities WHERE account_id = $1 AND external_id = $2"
);
/// In the order a replay starts from (the ledger then orders each date's types).
pub(crate) const OF_ACCOUNT: &str = concat!(
    "SELECT ",
    activity_columns!(),
    " FROM activities WHERE account_id = $1 ORDER BY \"date\", created_at, id"
);
/// Every activity of the user's accounts, in no order: [`in_replay_order`] sorts them. Both
/// databases sort a whole user's ledger on disk or in a temporary tree (on 100,000 activities
/// PostgreSQL took 300 ms with the `ORDER BY` and 56 ms without it, SQLite twice as long),
/// while the rows arrive nearly in order and sort in memory in a few milliseconds.
pub(crate) const OF_USER: &str = concat!(
    "SELECT ",
    "x.id, x.account_id, x.activity_type, x.\"date\", x.security_id, x.quantity, \
     x.unit_price, x.amount, x.fee, x.currency, x.fx_rate, x.split_ratio, x.notes, \
     x.external_id, x.created_at, x.updated_at",
    " FROM activities AS x JOIN accounts AS a ON a.id = x.account_id WHERE a.user_id = $1"
);

/// By account, then as an account's ledger is replayed: by date, creation, id.
pub(crate) fn in_replay_order(activities: &mut [Activity]) {
    activities.sort_by(|a, b| {
        (a.account_id, a.date, a.created_at, a.id).cmp(&(b.account_id, b.date, b.created_at, b.id))
    });
}
/// The user's accounts that have at least one activity: those kept by a ledger.
pub(crate) const ACCOUNTS_OF_USER: &str = "SELECT a.id AS account_id FROM accounts AS a \
     WHERE a.user_id = $1 AND EXISTS (SELECT 1 FROM activities AS x WHERE x.account_id = a.id)";
/// The filter of a listed page: binds the account, then start and end dates, the type and
/// the security, each NULL when absent.
macro_rules! filtered {
    () => {
        "account_id = $1 AND ($2 IS NULL OR \"date\" >= $2) AND ($3 IS NULL OR \"date\" <= $3) \
         AND ($4 IS NULL OR activity_type = $4) AND ($5 IS NULL OR security_id = $5)"
    };
}
pub(crate) use filtered;

pub(crate) const UPDATE: &str = "UPDATE activities SET activity_type = $2, \"date\" = $3, \
     security_id = $4, quantity = $5, unit_price = $6, amount = $7, fee = $8, currency = $9, \
     fx_rate = $10, split_ratio = $11, notes = $12, external_id = $13, updated_at = $14 \
     WHERE id = $1";
pub(crate) const DELETE: &str = "DELETE FROM activities WHERE id = $1";
