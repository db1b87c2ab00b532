pub(crate) const ALL: &str = "SELECT code, name, symbol, decimals FROM currencies ORDER BY code";
pub(crate) const BY_CODE: &str =
    "SELECT code, name, symbol, decimals FROM currencies WHERE code = $1";
pub(crate) const INSERT: &str =
    "INSERT INTO currencies (code, name, symbol, decimals) VALUES ($1, $2, $3, $4)";
pub(crate) const UPDATE: &str =
    "UPDATE currencies SET name = $2, symbol = $3, decimals = $4 WHERE code = $1";
pub(crate) const DELETE: &str = "DELETE FROM currencies WHERE code = $1";

macro_rules! rate_columns {
    () => {
        "from_currency, to_currency, rate_date, rate"
    };
}
pub(crate) use rate_columns;

pub(crate) const UPSERT_RATE: &str = concat!(
    "INSERT INTO exchange_rates (",
    rate_columns!(),
    ") VALUES ($1, $2, $3, $4) \
     ON CONFLICT (from_currency, to_currency, rate_date) DO UPDATE SET rate = excluded.rate"
);
pub(crate) const RATE_ON_OR_BEFORE: &str = concat!(
    "SELECT ",
    rate_columns!(),
    " FROM exchange_rates \
     WHERE from_currency = $1 AND to_currency = $2 AND rate_date <= $3 \
     ORDER BY rate_date DESC LIMIT 1"
);
pub(crate) const RATE_HISTORY: &str = concat!(
    "SELECT ",
    rate_columns!(),
    " FROM exchange_rates \
     WHERE from_currency = $1 AND to_currency = $2 ORDER BY rate_date"
);
/// `$1` is the list of codes, as each backend passes a list; `$2` the last date.
macro_rules! rate_history_among {
    ($codes:literal) => {
        concat!(
            "SELECT ",
            rate_columns!(),
            " FROM exchange_rates WHERE from_currency IN ",
            $codes,
            " AND to_currency IN ",
            $codes,
            " AND from_currency <> to_currency AND rate_date <= $2 \
             ORDER BY from_currency, to_currency, rate_date"
        )
    };
}
pub(crate) const RATE_HISTORY_AMONG_PG: &str = rate_history_among!("(SELECT unnest($1::text[]))");
pub(crate) const RATE_HISTORY_AMONG_SQLITE: &str =
    rate_history_among!("(SELECT value FROM json_each($1))");
