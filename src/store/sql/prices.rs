macro_rules! bar_columns {
    () => {
        "security_id, \"interval\", \"timestamp\", open, high, low, close, adj_close, volume"
    };
}
pub(crate) use bar_columns;

pub(crate) const COUNT: &str =
    "SELECT count(*) FROM security_prices WHERE security_id = $1 AND \"interval\" = $2";
pub(crate) const LATEST: &str = concat!(
    "SELECT ",
    bar_columns!(),
    " FROM security_prices \
     WHERE security_id = $1 AND \"interval\" = $2 ORDER BY \"timestamp\" DESC LIMIT 1"
);

macro_rules! event_columns {
    () => {
        "security_id, kind, \"date\", numerator, denominator, amount, currency"
    };
}
pub(crate) use event_columns;

/// Binds the columns of `event_columns!`: a sync stores the same event again harmlessly.
pub(crate) const UPSERT_EVENT: &str = concat!(
    "INSERT INTO security_events (",
    event_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7) \
     ON CONFLICT (security_id, kind, \"date\") DO UPDATE SET numerator = excluded.numerator, \
     denominator = excluded.denominator, amount = excluded.amount, currency = excluded.currency"
);
