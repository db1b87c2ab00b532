//! Reading domain values out of result rows, written once for both backends: each backend
//! says how to read one column of each kind (`Columns`), and the mapping of columns to domain
//! types lives here, so that both stores read a row the same way.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{LatestClose, PricedHolding, SecurityQuote, StoreError, StoreResult};
use crate::domain::ledger::{Activity, SplitRatio};
use crate::domain::security_event::{CorporateAction, SecurityEvent};
use crate::domain::{
    Account, AccountValue, Currency, CurrencyCode, DataVersion, Email, ExchangeRate, Holding,
    Institution, PasswordResetToken, PriceBar, RefreshTokenRecord, Security, Symbol, User,
    Username,
};

/// One column of a row read as a plain value; any failure is `Corrupt` naming the column.
pub(crate) trait Columns {
    fn uuid(&self, col: &str) -> StoreResult<Uuid>;
    fn opt_uuid(&self, col: &str) -> StoreResult<Option<Uuid>>;
    fn time(&self, col: &str) -> StoreResult<DateTime<Utc>>;
    fn opt_time(&self, col: &str) -> StoreResult<Option<DateTime<Utc>>>;
    fn date(&self, col: &str) -> StoreResult<NaiveDate>;
    /// Normalized (no trailing zeros), so that both backends give the same representation.
    fn dec(&self, col: &str) -> StoreResult<Decimal>;
    fn opt_dec(&self, col: &str) -> StoreResult<Option<Decimal>>;
    fn text(&self, col: &str) -> StoreResult<String>;
    fn opt_text(&self, col: &str) -> StoreResult<Option<String>>;
    fn flag(&self, col: &str) -> StoreResult<bool>;
    fn int(&self, col: &str) -> StoreResult<i64>;
}

pub(crate) fn corrupt(col: &str, why: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("column {col}: {why}"))
}

fn parsed<T, E: std::fmt::Display>(col: &str, r: Result<T, E>) -> StoreResult<T> {
    r.map_err(|e| corrupt(col, e))
}

fn currency_code(r: &impl Columns, col: &str) -> StoreResult<CurrencyCode> {
    parsed(col, CurrencyCode::parse(&r.text(col)?))
}

pub(crate) fn user(r: &impl Columns) -> StoreResult<User> {
    Ok(User {
        id: r.uuid("id")?,
        email: parsed("email", Email::parse(&r.text("email")?))?,
        username: parsed("username", Username::parse(&r.text("username")?))?,
        password_hash: r.text("password_hash")?,
        is_active: r.flag("is_active")?,
        is_superuser: r.flag("is_superuser")?,
        base_currency: currency_code(r, "base_currency")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

pub(crate) fn currency(r: &impl Columns) -> StoreResult<Currency> {
    let decimals = r.int("decimals")?;
    Ok(Currency {
        code: currency_code(r, "code")?,
        name: r.text("name")?,
        symbol: r.text("symbol")?,
        decimals: parsed("decimals", u8::try_from(decimals))?,
    })
}

pub(crate) fn rate(r: &impl Columns) -> StoreResult<ExchangeRate> {
    Ok(ExchangeRate {
        from: currency_code(r, "from_currency")?,
        to: currency_code(r, "to_currency")?,
        date: r.date("rate_date")?,
        rate: r.dec("rate")?,
    })
}

pub(crate) fn institution(r: &impl Columns) -> StoreResult<Institution> {
    Ok(Institution {
        id: r.uuid("id")?,
        user_id: r.uuid("user_id")?,
        name: r.text("name")?,
        url: r.opt_text("url")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

pub(crate) fn account(r: &impl Columns) -> StoreResult<Account> {
    Ok(Account {
        id: r.uuid("id")?,
        user_id: r.uuid("user_id")?,
        institution_id: r.opt_uuid("institution_id")?,
        name: r.text("name")?,
        account_type: parsed("account_type", r.text("account_type")?.parse())?,
        currency: currency_code(r, "currency")?,
        is_investment_account: r.flag("is_investment_account")?,
        interest_rate: r.opt_dec("interest_rate")?,
        cost_basis_method: parsed("cost_basis_method", r.text("cost_basis_method")?.parse())?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

pub(crate) fn activity(r: &impl Columns) -> StoreResult<Activity> {
    Ok(Activity {
        id: r.uuid("id")?,
        account_id: r.uuid("account_id")?,
        activity_type: parsed("activity_type", r.text("activity_type")?.parse())?,
        date: r.date("date")?,
        security_id: r.opt_uuid("security_id")?,
        quantity: r.opt_dec("quantity")?,
        unit_price: r.opt_dec("unit_price")?,
        amount: r.opt_dec("amount")?,
        fee: r.opt_dec("fee")?,
        currency: r.text("currency")?,
        fx_rate: r.opt_dec("fx_rate")?,
        split_ratio: r
            .opt_text("split_ratio")?
            .map(|raw| parsed("split_ratio", SplitRatio::parse(&raw)))
            .transpose()?,
        notes: r.opt_text("notes")?,
        external_id: r.opt_text("external_id")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

/// An [`AccountValue`] from the columns of `value_columns!`, each name preceded by `$prefix`.
macro_rules! account_value_named {
    ($r:expr, $prefix:literal) => {
        AccountValue {
            id: $r.uuid(concat!($prefix, "id"))?,
            account_id: $r.uuid(concat!($prefix, "account_id"))?,
            timestamp: $r.time(concat!($prefix, "timestamp"))?,
            balance: $r.dec(concat!($prefix, "balance"))?,
            cash_balance: $r.opt_dec(concat!($prefix, "cash_balance"))?,
            created_at: $r.time(concat!($prefix, "created_at"))?,
            updated_at: $r.time(concat!($prefix, "updated_at"))?,
        }
    };
}

pub(crate) fn account_value(r: &impl Columns) -> StoreResult<AccountValue> {
    Ok(account_value_named!(r, ""))
}

/// A [`Security`] from the columns of `security_columns!`, each name preceded by `$prefix`.
macro_rules! security_named {
    ($r:expr, $prefix:literal) => {
        Security {
            id: $r.uuid(concat!($prefix, "id"))?,
            symbol: parsed(
                concat!($prefix, "symbol"),
                Symbol::parse(&$r.text(concat!($prefix, "symbol"))?),
            )?,
            name: $r.text(concat!($prefix, "name"))?,
            exchange: $r.opt_text(concat!($prefix, "exchange"))?,
            currency: $r.text(concat!($prefix, "currency"))?,
            security_type: parsed(
                concat!($prefix, "security_type"),
                $r.text(concat!($prefix, "security_type"))?.parse(),
            )?,
            sector: $r.opt_text(concat!($prefix, "sector"))?,
            industry: $r.opt_text(concat!($prefix, "industry"))?,
            market_cap: $r.opt_dec(concat!($prefix, "market_cap"))?,
            last_synced_at: $r.opt_time(concat!($prefix, "last_synced_at"))?,
            created_at: $r.time(concat!($prefix, "created_at"))?,
            updated_at: $r.time(concat!($prefix, "updated_at"))?,
        }
    };
}

pub(crate) fn security(r: &impl Columns) -> StoreResult<Security> {
    Ok(security_named!(r, ""))
}

pub(crate) fn price_bar(r: &impl Columns) -> StoreResult<PriceBar> {
    Ok(PriceBar {
        security_id: r.uuid("security_id")?,
        interval: parsed("interval", r.text("interval")?.parse())?,
        timestamp: r.time("timestamp")?,
        open: r.dec("open")?,
        high: r.dec("high")?,
        low: r.dec("low")?,
        close: r.dec("close")?,
        adj_close: r.opt_dec("adj_close")?,
        volume: r.int("volume")?,
    })
}

pub(crate) fn latest_close(r: &impl Columns) -> StoreResult<LatestClose> {
    Ok(LatestClose {
        security_id: r.uuid("security_id")?,
        timestamp: r.time("timestamp")?,
        close: r.dec("close")?,
    })
}

pub(crate) fn holding(r: &impl Columns) -> StoreResult<Holding> {
    Ok(Holding {
        id: r.uuid("id")?,
        account_id: r.uuid("account_id")?,
        security_id: r.uuid("security_id")?,
        shares: r.dec("shares")?,
        average_price: r.dec("average_price")?,
        timestamp: r.time("timestamp")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

/// A row of `sql::holdings::priced_from_held!`.
pub(crate) fn priced_holding(r: &impl Columns) -> StoreResult<PricedHolding> {
    let close = match (r.opt_time("close_at")?, r.opt_dec("close")?) {
        (Some(at), Some(close)) => Some((at, close)),
        _ => None,
    };
    Ok(PricedHolding {
        holding: holding(r)?,
        security: security_named!(r, "s_"),
        close,
        previous_close: r.opt_dec("previous_close")?,
    })
}

pub(crate) fn security_quote(r: &impl Columns) -> StoreResult<SecurityQuote> {
    Ok(SecurityQuote {
        security_id: r.uuid("security_id")?,
        symbol: parsed("symbol", Symbol::parse(&r.text("symbol")?))?,
        quote_currency: r.text("quote_currency")?,
        close: r.opt_dec("close")?,
    })
}

pub(crate) fn refresh_token(r: &impl Columns) -> StoreResult<RefreshTokenRecord> {
    Ok(RefreshTokenRecord {
        jti: r.uuid("jti")?,
        user_id: r.uuid("user_id")?,
        family_id: r.uuid("family_id")?,
        expires_at: r.time("expires_at")?,
        spent_at: r.opt_time("spent_at")?,
        revoked: r.flag("revoked")?,
        created_at: r.time("created_at")?,
    })
}

pub(crate) fn reset_token(r: &impl Columns) -> StoreResult<PasswordResetToken> {
    Ok(PasswordResetToken {
        id: r.uuid("id")?,
        user_id: r.uuid("user_id")?,
        token_hash: r.text("token_hash")?,
        expires_at: r.time("expires_at")?,
        used: r.flag("used")?,
        created_at: r.time("created_at")?,
    })
}

/// A row of `sql::users::WITH_VERSION`.
pub(crate) fn user_with_version(r: &impl Columns) -> StoreResult<(User, DataVersion)> {
    let version = DataVersion {
        user: r.int("user_version")?,
        market: r.int("market_version")?,
    };
    Ok((user(r)?, version))
}

/// Rows of `data_versions` (`scope`, `version`) for one user and the market scope.
pub(crate) fn data_version(rows: &[impl Columns]) -> StoreResult<DataVersion> {
    let mut version = DataVersion::default();
    for row in rows {
        let counter = row.int("version")?;
        if row.uuid("scope")? == DataVersion::MARKET_SCOPE {
            version.market = counter;
        } else {
            version.user = counter;
        }
    }
    Ok(version)
}

/// An account's id with its counter.
pub(crate) fn account_version(row: &impl Columns) -> StoreResult<(Uuid, i64)> {
    Ok((row.uuid("scope")?, row.int("version")?))
}

/// `u64` page bounds as SQL `LIMIT`/`OFFSET` values (`PageRequest::all` asks for `i64::MAX`).
pub(crate) fn sql_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A SQL count as the `u64` the trait speaks.
pub(crate) fn count(n: i64) -> StoreResult<u64> {
    u64::try_from(n).map_err(|e| corrupt("count", e))
}

/// An update or delete of one row by key: touching none means the row is missing.
pub(crate) fn affected_one(rows_affected: u64) -> StoreResult<()> {
    if rows_affected == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Each id once, for joins over a list of ids that would otherwise yield a row per occurrence.
pub(crate) fn distinct_ids(ids: &[Uuid]) -> Vec<Uuid> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Currency codes once each, in order: one bind for any count.
pub(crate) fn distinct_codes(codes: &[CurrencyCode]) -> Vec<String> {
    let mut codes: Vec<String> = codes.iter().map(|c| c.as_str().to_string()).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// `%query%` for `LIKE ... ESCAPE '\'`, lower-cased, with the query's own wildcards escaped.
pub(crate) fn contains_pattern(query: &str) -> String {
    let mut p = String::with_capacity(query.len() + 2);
    p.push('%');
    for c in query.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Keeps the last bar of each (security, interval, timestamp): one upsert statement may not
/// touch a row twice, and the last value given is the one meant.
pub(crate) fn dedup_bars(bars: &[PriceBar]) -> Vec<&PriceBar> {
    let mut seen = std::collections::HashSet::with_capacity(bars.len());
    let mut kept: Vec<&PriceBar> = bars
        .iter()
        .rev()
        .filter(|b| seen.insert((b.security_id, b.interval, b.timestamp)))
        .collect();
    kept.reverse();
    kept
}

/// The columns of `sql::prices::event_columns!` after the security, kind and date, as written:
/// numerator, denominator, amount and currency.
pub(crate) type EventFigures = (
    Option<Decimal>,
    Option<Decimal>,
    Option<Decimal>,
    Option<String>,
);

pub(crate) fn event_figures(e: &SecurityEvent) -> EventFigures {
    match &e.action {
        CorporateAction::Split { new, old } => (Some(*new), Some(*old), None, None),
        CorporateAction::Dividend { amount, currency } => {
            (None, None, Some(*amount), currency.clone())
        }
    }
}

/// A row of `sql::prices::event_columns!`.
pub(crate) fn security_event(r: &impl Columns) -> StoreResult<SecurityEvent> {
    let kind = r.text("kind")?;
    let action = match kind.as_str() {
        "split" => CorporateAction::Split {
            new: r.dec("numerator")?,
            old: r.dec("denominator")?,
        },
        "dividend" => CorporateAction::Dividend {
            amount: r.dec("amount")?,
            currency: r.opt_text("currency")?,
        },
        other => return Err(corrupt("kind", format!("'{other}' is no event kind"))),
    };
    Ok(SecurityEvent {
        security_id: r.uuid("security_id")?,
        date: r.date("date")?,
        action,
    })
}

/// A saved import mapping's columns as stored: a JSON object of field to column name.
pub(crate) fn mapping_json(
    columns: &std::collections::BTreeMap<String, String>,
) -> StoreResult<String> {
    serde_json::to_string(columns).map_err(|e| StoreError::Database(e.to_string()))
}

pub(crate) fn mapping_from_json(
    text: &str,
) -> StoreResult<std::collections::BTreeMap<String, String>> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("import mapping: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("Ab"), "%ab%");
        assert_eq!(contains_pattern("5%_x\\"), "%5\\%\\_x\\\\%");
    }
}
