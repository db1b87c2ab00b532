macro_rules! security_columns {
    () => {
        "id, symbol, name, exchange, currency, security_type, sector, industry, market_cap, \
         last_synced_at, created_at, updated_at"
    };
}
pub(crate) use security_columns;

/// Binds, in order: the columns of `security_columns!`.
pub(crate) const INSERT: &str = concat!(
    "INSERT INTO securities (",
    security_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
);
/// [`INSERT`], or the new metadata of a security already stored (a sync).
pub(crate) const UPSERT: &str = concat!(
    "INSERT INTO securities (",
    security_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
     ON CONFLICT (id) DO UPDATE SET symbol = excluded.symbol, name = excluded.name, \
     exchange = excluded.exchange, currency = excluded.currency, \
     security_type = excluded.security_type, sector = excluded.sector, \
     industry = excluded.industry, market_cap = excluded.market_cap, \
     last_synced_at = excluded.last_synced_at, updated_at = excluded.updated_at"
);
pub(crate) const BY_ID: &str = concat!(
    "SELECT ",
    security_columns!(),
    " FROM securities WHERE id = $1"
);
pub(crate) const BY_SYMBOL: &str = concat!(
    "SELECT ",
    security_columns!(),
    " FROM securities WHERE symbol = $1"
);
pub(crate) const COUNT: &str = "SELECT count(*) FROM securities";
/// Symbol or name matching a `rows::contains_pattern` ($1); how the exact symbol ($2) comes
/// first differs by backend.
macro_rules! search_where {
    () => {
        "WHERE lower(symbol) LIKE $1 ESCAPE '\\' OR lower(name) LIKE $1 ESCAPE '\\' "
    };
}
pub(crate) use search_where;
pub(crate) const UPDATE: &str = "UPDATE securities SET symbol = $2, name = $3, exchange = $4, \
     currency = $5, security_type = $6, sector = $7, industry = $8, market_cap = $9, \
     last_synced_at = $10, updated_at = $11 WHERE id = $1";
/// Binds the security: copies its two newest daily closes into its row (see the migration
/// `0006_security_closes`), after its bars are written and in the same transaction.
pub(crate) const REFRESH_CLOSES: &str = "UPDATE securities SET \
     last_close = (SELECT p.close FROM security_prices AS p WHERE p.security_id = $1 \
         AND p.\"interval\" = '1d' ORDER BY p.\"timestamp\" DESC LIMIT 1), \
     last_close_at = (SELECT p.\"timestamp\" FROM security_prices AS p \
         WHERE p.security_id = $1 AND p.\"interval\" = '1d' \
         ORDER BY p.\"timestamp\" DESC LIMIT 1), \
     previous_close = (SELECT p.close FROM security_prices AS p WHERE p.security_id = $1 \
         AND p.\"interval\" = '1d' ORDER BY p.\"timestamp\" DESC LIMIT 1 OFFSET 1) \
     WHERE id = $1";
