//! The rows of a backup as they are written: one record per table row, its fields named and
//! ordered as the table's columns, in one text form whichever store wrote them (decimals as
//! exact strings without trailing zeros, times in UTC with six fractional digits). Reading a
//! record checks each field as the store's own column would: a value the store could not
//! hold exactly is refused, not rounded.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::ledger::{Activity, ActivityType, CostBasisMethod, SplitRatio};
use crate::domain::security_event::{CorporateAction, SecurityEvent};
use crate::domain::{
    Account, AccountType, AccountValue, Currency, CurrencyCode, Email, ExchangeRate, Holding,
    Institution, Interval, PriceBar, Security, SecurityType, Symbol, User, Username,
};
use crate::store::ProposalDismissal;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct UserRecord {
    id: Uuid,
    email: Email,
    username: Username,
    password_hash: String,
    is_active: bool,
    is_superuser: bool,
    base_currency: CurrencyCode,
    #[serde(with = "fields::time")]
    created_at: DateTime<Utc>,
    #[serde(with = "fields::time")]
    updated_at: DateTime<Utc>,
}

impl From<&User> for UserRecord {
    fn from(u: &User) -> Self {
        Self {
            id: u.id,
            email: u.email.clone(),
            username: u.username.clone(),
            password_hash: u.password_hash.clone(),
            is_active: u.is_active,
            is_superuser: u.is_superuser,
            base_currency: u.base_currency.clone(),
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

impl From<UserRecord> for User {
    fn from(r: UserRecord) -> Self {
        Self {
            id: r.id,
            email: r.email,
            username: r.username,
            password_hash: r.password_hash,
            is_active: r.is_active,
            is_superuser: r.is_superuser,
            base_currency: r.base_currency,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CurrencyRecord {
    code: CurrencyCode,
    name: String,
    symbol: String,
    decimals: u8,
}

impl From<&Currency> for CurrencyRecord {
    fn from(c: &Currency) -> Self {
        Self {
            code: c.code.clone(),
            name: c.name.clone(),
            symbol: c.symbol.clone(),
            decimals: c.decimals,
        }
    }
}

impl TryFrom<CurrencyRecord> for Currency {
    type Error = String;
    fn try_from(r: CurrencyRecord) -> Result<Self, String> {
        Currency::new(r.code.as_str(), &r.name, &r.symbol, r.decimals)
            .map_err(|e| format!("currency {}: {e}", r.code))
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RateRecord {
    from_currency: CurrencyCode,
    to_currency: CurrencyCode,
    rate_date: NaiveDate,
    #[serde(with = "fields::decimal")]
    rate: Decimal,
}

impl From<&ExchangeRate> for RateRecord {
    fn from(r: &ExchangeRate) -> Self {
        Self {
            from_currency: r.from.clone(),
            to_currency: r.to.clone(),
            rate_date: r.date,
            rate: r.rate,
        }
    }
}

impl TryFrom<RateRecord> for ExchangeRate {
    type Error = String;
    fn try_from(r: RateRecord) -> Result<Self, String> {
        let what = format!(
            "exchange rate {} -> {} of {}",
            r.from_currency, r.to_currency, r.rate_date
        );
        ExchangeRate::new(r.from_currency, r.to_currency, r.rate_date, r.rate)
            .map_err(|e| format!("{what}: {e}"))
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SecurityRecord {
    id: Uuid,
    symbol: Symbol,
    name: String,
    exchange: Option<String>,
    currency: String,
    #[serde(with = "fields::text")]
    security_type: SecurityType,
    sector: Option<String>,
    industry: Option<String>,
    #[serde(with = "fields::opt_decimal")]
    market_cap: Option<Decimal>,
    #[serde(with = "fields::opt_time")]
    last_synced_at: Option<DateTime<Utc>>,
    #[serde(with = "fields::time")]
    created_at: DateTime<Utc>,
    #[serde(with = "fields::time")]
    updated_at: DateTime<Utc>,
}

impl From<&Security> for SecurityRecord {
    fn from(s: &Security) -> Self {
        Self {
            id: s.id,
            symbol: s.symbol.clone(),
            name: s.name.clone(),
            exchange: s.exchange.clone(),
            currency: s.currency.clone(),
            security_type: s.security_type,
            sector: s.sector.clone(),
            industry: s.industry.clone(),
            market_cap: s.market_cap,
            last_synced_at: s.last_synced_at,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

impl From<SecurityRecord> for Security {
    fn from(r: SecurityRecord) -> Self {
        Self {
            id: r.id,
            symbol: r.symbol,
            name: r.name,
            exchange: r.exchange,
            currency: r.currency,
            security_type: r.security_type,
            sector: r.sector,
            industry: r.industry,
            market_cap: r.market_cap,
            last_synced_at: r.last_synced_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PriceRecord {
    security_id: Uuid,
    interval: Interval,
    #[serde(with = "fields::time")]
    timestamp: DateTime<Utc>,
    #[serde(with = "fields::decimal")]
    open: Decimal,
    #[serde(with = "fields::decimal")]
    high: Decimal,
    #[serde(with = "fields::decimal")]
    low: Decimal,
    #[serde(with = "fields::decimal")]
    close: Decimal,
    #[serde(with = "fields::opt_decimal")]
    adj_close: Option<Decimal>,
    volume: i64,
}

impl From<&PriceBar> for PriceRecord {
    fn from(b: &PriceBar) -> Self {
        Self {
            security_id: b.security_id,
            interval: b.interval,
            timestamp: b.timestamp,
            open: b.open,
            high: b.high,
            low: b.low,
            close: b.close,
            adj_close: b.adj_close,
            volume: b.volume,
        }
    }
}

impl From<PriceRecord> for PriceBar {
    fn from(r: PriceRecord) -> Self {
        Self {
            security_id: r.security_id,
            interval: r.interval,
            timestamp: r.timestamp,
            open: r.open,
            high: r.high,
            low: r.low,
            close: r.close,
            adj_close: r.adj_close,
            volume: r.volume,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SecurityEventRecord {
    security_id: Uuid,
    kind: String,
    date: NaiveDate,
    #[serde(with = "fields::opt_decimal")]
    numerator: Option<Decimal>,
    #[serde(with = "fields::opt_decimal")]
    denominator: Option<Decimal>,
    #[serde(with = "fields::opt_decimal")]
    amount: Option<Decimal>,
    currency: Option<String>,
}

impl From<&SecurityEvent> for SecurityEventRecord {
    fn from(e: &SecurityEvent) -> Self {
        let (numerator, denominator, amount, currency) = match &e.action {
            CorporateAction::Split { new, old } => (Some(*new), Some(*old), None, None),
            CorporateAction::Dividend { amount, currency } => {
                (None, None, Some(*amount), currency.clone())
            }
        };
        Self {
            security_id: e.security_id,
            kind: e.kind().to_string(),
            date: e.date,
            numerator,
            denominator,
            amount,
            currency,
        }
    }
}

impl TryFrom<SecurityEventRecord> for SecurityEvent {
    type Error = String;
    fn try_from(r: SecurityEventRecord) -> Result<Self, String> {
        let action = match (r.kind.as_str(), r.numerator, r.denominator, r.amount) {
            ("split", Some(new), Some(old), None) if new > Decimal::ZERO && old > Decimal::ZERO => {
                CorporateAction::Split { new, old }
            }
            ("dividend", None, None, Some(amount)) => CorporateAction::Dividend {
                amount,
                currency: r.currency,
            },
            _ => {
                return Err(format!(
                    "event of security {} on {}: a split has a positive numerator and \
                     denominator and no amount, a dividend an amount only",
                    r.security_id, r.date
                ))
            }
        };
        Ok(SecurityEvent {
            security_id: r.security_id,
            date: r.date,
            action,
        })
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct InstitutionRecord {
    id: Uuid,
    user_id: Uuid,
    name: String,
    url: Option<String>,
    #[serde(with = "fields::time")]
    created_at: DateTime<Utc>,
    #[serde(with = "fields::time")]
    updated_at: DateTime<Utc>,
}

impl From<&Institution> for InstitutionRecord {
    fn from(i: &Institution) -> Self {
        Self {
            id: i.id,
            user_id: i.user_id,
            name: i.name.clone(),
            url: i.url.clone(),
            created_at: i.created_at,
            updated_at: i.updated_at,
        }
    }
}

impl From<InstitutionRecord> for Institution {
    fn from(r: InstitutionRecord) -> Self {
        Self {
            id: r.id,
            user_id: r.user_id,
            name: r.name,
            url: r.url,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AccountRecord {
    id: Uuid,
    user_id: Uuid,
    institution_id: Option<Uuid>,
    name: String,
    #[serde(with = "fields::text")]
    account_type: AccountType,
    currency: CurrencyCode,
    is_investment_account: bool,
    #[serde(with = "fields::opt_decimal")]
    interest_rate: Option<Decimal>,
    #[serde(with = "fields::text")]
    cost_basis_method: CostBasisMethod,
    #[serde(with = "fields::time")]
    created_at: DateTime<Utc>,
    #[serde(with = "fields::time")]
    updated_at: DateTime<Utc>,
}

impl From<&Account> for AccountRecord {
    fn from(a: &Account) -> Self {
        Self {
            id: a.id,
            user_id: a.user_id,
            institution_id: a.institution_id,
            name: a.name.clone(),
            account_type: a.account_type,
            currency: a.currency.clone(),
            is_investment_account: a.is_investment_account,
            interest_rate: a.interest_rate,
            cost_basis_method: a.cost_basis_method,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

impl From<AccountRecord> for Account {
    fn from(r: AccountRecord) -> Self {
        Self {
            id: r.id,
            user_id: r.user_id,
            institution_id: r.institution_id,
            name: r.name,
            account_type: r.account_type,
            currency: r.currency,
            is_investment_account: r.is_investment_account,
            interest_rate: r.interest_rate,
            cost_basis_method: r.cost_basis_method,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AccountValueRecord {
    id: Uuid,
    account_id: Uuid,
    #[serde(with = "fields::time")]
    timestamp: DateTime<Utc>,
    #[serde(with = "fields::decimal")]
    balance: Decimal,
    #[serde(with = "fields::opt_decimal")]
    cash_balance: Option<Decimal>,
    #[serde(with = "fields::time")]
    created_at: DateTime<Utc>,
    #[serde(with = "fields::time")]
    updated_at: DateTime<Utc>,
}

impl From<&AccountValue> for AccountValueRecord {
    fn from(v: &AccountValue) -> Self {
        Self {
            id: v.id,
            account_id: v.account_id,
            timestamp: v.timestamp,
            balance: v.balance,
            cash_balance: v.cash_balance,
            created_at: v.created_at,
            updated_at: v.updated_at,
        }
    }
}

impl From<AccountValueRecord> for AccountValue {
    fn from(r: AccountValueRecord) -> Self {
        Self {
            id: r.id,
            account_id: r.account_id,
            timestamp: r.timestamp,
            balance: r.balance,
            cash_balance: r.cash_balance,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct HoldingRecord {
    id: Uuid,
    account_id: Uuid,
    security_id: Uuid,
    #[serde(with = "fields::decimal")]
    shares: Decimal,
    #[serde(with = "fields::decimal")]
    average_price: Decimal,
    #[serde(with = "fields::time")]
    timestamp: DateTime<Utc>,
    #[serde(with = "fields::time")]
    created_at: DateTime<Utc>,
    #[serde(with = "fields::time")]
    updated_at: DateTime<Utc>,
}

impl From<&Holding> for HoldingRecord {
    fn from(h: &Holding) -> Self {
        Self {
            id: h.id,
            account_id: h.account_id,
            security_id: h.security_id,
            shares: h.shares,
            average_price: h.average_price,
            timestamp: h.timestamp,
            created_at: h.created_at,
            updated_at: h.updated_at,
        }
    }
}

impl From<HoldingRecord> for Holding {
    fn from(r: HoldingRecord) -> Self {
        Self {
            id: r.id,
            account_id: r.account_id,
            security_id: r.security_id,
            shares: r.shares,
            average_price: r.average_price,
            timestamp: r.timestamp,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ActivityRecord {
    id: Uuid,
    account_id: Uuid,
    #[serde(with = "fields::text")]
    activity_type: ActivityType,
    date: NaiveDate,
    security_id: Option<Uuid>,
    #[serde(with = "fields::opt_decimal")]
    quantity: Option<Decimal>,
    #[serde(with = "fields::opt_decimal")]
    unit_price: Option<Decimal>,
    #[serde(with = "fields::opt_decimal")]
    amount: Option<Decimal>,
    #[serde(with = "fields::opt_decimal")]
    fee: Option<Decimal>,
    currency: String,
    #[serde(with = "fields::opt_decimal")]
    fx_rate: Option<Decimal>,
    #[serde(with = "fields::opt_text")]
    split_ratio: Option<SplitRatio>,
    notes: Option<String>,
    external_id: Option<String>,
    #[serde(with = "fields::time")]
    created_at: DateTime<Utc>,
    #[serde(with = "fields::time")]
    updated_at: DateTime<Utc>,
}

impl From<&Activity> for ActivityRecord {
    fn from(a: &Activity) -> Self {
        Self {
            id: a.id,
            account_id: a.account_id,
            activity_type: a.activity_type,
            date: a.date,
            security_id: a.security_id,
            quantity: a.quantity,
            unit_price: a.unit_price,
            amount: a.amount,
            fee: a.fee,
            currency: a.currency.clone(),
            fx_rate: a.fx_rate,
            split_ratio: a.split_ratio,
            notes: a.notes.clone(),
            external_id: a.external_id.clone(),
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

impl From<ActivityRecord> for Activity {
    fn from(r: ActivityRecord) -> Self {
        Self {
            id: r.id,
            account_id: r.account_id,
            activity_type: r.activity_type,
            date: r.date,
            security_id: r.security_id,
            quantity: r.quantity,
            unit_price: r.unit_price,
            amount: r.amount,
            fee: r.fee,
            currency: r.currency,
            fx_rate: r.fx_rate,
            split_ratio: r.split_ratio,
            notes: r.notes,
            external_id: r.external_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DismissalRecord {
    account_id: Uuid,
    proposal_id: Uuid,
    #[serde(with = "fields::time")]
    dismissed_at: DateTime<Utc>,
}

impl From<&ProposalDismissal> for DismissalRecord {
    fn from(d: &ProposalDismissal) -> Self {
        Self {
            account_id: d.account_id,
            proposal_id: d.proposal_id,
            dismissed_at: d.dismissed_at,
        }
    }
}

impl From<DismissalRecord> for ProposalDismissal {
    fn from(r: DismissalRecord) -> Self {
        Self {
            account_id: r.account_id,
            proposal_id: r.proposal_id,
            dismissed_at: r.dismissed_at,
        }
    }
}

/// How fields are written and read back.
mod fields {
    /// Times in UTC with exactly six fractional digits: what both stores keep, so that a time
    /// reads back as it was written whichever store it went through.
    pub(super) mod time {
        use chrono::{DateTime, SecondsFormat, Utc};
        use serde::{Deserialize, Deserializer, Serializer};

        pub(crate) fn text(t: &DateTime<Utc>) -> String {
            t.to_rfc3339_opts(SecondsFormat::Micros, true)
        }

        pub(crate) fn parse(raw: &str) -> Result<DateTime<Utc>, String> {
            DateTime::parse_from_rfc3339(raw)
                .map(|t| crate::domain::truncate_micros(t.with_timezone(&Utc)))
                .map_err(|e| format!("'{raw}' is not an RFC 3339 time: {e}"))
        }

        pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(&text(t))
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
            let raw = String::deserialize(d)?;
            parse(&raw).map_err(serde::de::Error::custom)
        }
    }

    pub(super) mod opt_time {
        use chrono::{DateTime, Utc};
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(
            t: &Option<DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.serialize_str(&super::time::text(t)),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<Utc>>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|raw| super::time::parse(&raw).map_err(serde::de::Error::custom))
                .transpose()
        }
    }

    /// Decimals as exact strings without trailing zeros (never JSON numbers, which readers
    /// take for floats). Read back only when both stores hold them exactly: at most 10
    /// decimal places and 18 digits before the point, as NUMERIC(28,10).
    pub(super) mod decimal {
        use rust_decimal::Decimal;
        use serde::{Deserialize, Deserializer, Serializer};

        use crate::domain::money::MAX_SCALE;

        /// 10^18: the smallest magnitude NUMERIC(28,10) cannot hold.
        const LIMIT: Decimal = Decimal::from_parts(2_808_348_672, 232_830_643, 0, false, 0);

        pub(crate) fn parse(raw: &str) -> Result<Decimal, String> {
            let d = Decimal::from_str_exact(raw.trim())
                .map_err(|e| format!("'{raw}' is not an exact decimal: {e}"))?;
            if d.scale() > MAX_SCALE || d.abs() >= LIMIT {
                return Err(format!(
                    "'{raw}' does not fit the stores: at most {MAX_SCALE} decimal places and \
                     18 digits before the point"
                ));
            }
            Ok(d.normalize())
        }

        pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(&d.normalize())
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
            let raw = String::deserialize(d)?;
            parse(&raw).map_err(serde::de::Error::custom)
        }

        #[cfg(test)]
        mod tests {
            use super::*;

            #[test]
            fn the_limit_is_ten_to_the_eighteenth() {
                assert_eq!(LIMIT.to_string(), "1000000000000000000");
                assert!(parse("999999999999999999.9999999999").is_ok());
                assert!(parse("1000000000000000000").is_err());
                assert!(parse("0.00000000001").is_err());
                assert_eq!(parse("1.50").unwrap().to_string(), "1.5");
            }
        }
    }

    pub(super) mod opt_decimal {
        use rust_decimal::Decimal;
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => s.collect_str(&d.normalize()),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|raw| super::decimal::parse(&raw).map_err(serde::de::Error::custom))
                .transpose()
        }
    }

    /// A domain value by the text the stores keep of it (`brokerage`, `fifo`, `2:1`).
    pub(super) mod text {
        use std::fmt::Display;
        use std::str::FromStr;

        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<T: Display, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(v)
        }

        pub fn deserialize<'de, T, D>(d: D) -> Result<T, D::Error>
        where
            T: FromStr,
            T::Err: Display,
            D: Deserializer<'de>,
        {
            let raw = String::deserialize(d)?;
            raw.parse().map_err(serde::de::Error::custom)
        }
    }

    pub(super) mod opt_text {
        use std::fmt::Display;
        use std::str::FromStr;

        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<T: Display, S: Serializer>(
            v: &Option<T>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match v {
                Some(v) => s.collect_str(v),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, T, D>(d: D) -> Result<Option<T>, D::Error>
        where
            T: FromStr,
            T::Err: Display,
            D: Deserializer<'de>,
        {
            Option::<String>::deserialize(d)?
                .map(|raw| raw.parse().map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}
