use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::ValidationError;

/// A ticker as Yahoo spells it, upper-case: `AAPL`, `BRK-B`, `^GSPC`, `EURUSD=X`, `OCDO.L`.
///
/// The one rule for symbols, whoever takes one (routes, commands, the terminal UI): an
/// optional leading `^` (indices), then letters and digits in groups joined by single `.`, `-`
/// or `=`, at most [`Symbol::MAX_LEN`] characters in all. A symbol is sent to Yahoo inside a URL
/// path, so nothing path-like gets through: no `/`, `%` or `\`, no `.` or `..`, no leading or
/// trailing separator.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Symbol(String);

impl Symbol {
    /// Longest symbol accepted, `^` included.
    pub const MAX_LEN: usize = 20;

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let sym = raw.trim().to_ascii_uppercase();
        if let Err(why) = check(&sym) {
            return Err(ValidationError::new(
                "symbol",
                format!("'{}' is not a ticker symbol: {why}", raw.trim()),
            ));
        }
        Ok(Self(sym))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why `sym` (trimmed, upper-case) breaks the symbol rule, if it does.
fn check(sym: &str) -> Result<(), &'static str> {
    if sym.is_empty() {
        return Err("it is empty");
    }
    if sym.chars().count() > Symbol::MAX_LEN {
        return Err("it is longer than 20 characters");
    }
    let body = sym.strip_prefix('^').unwrap_or(sym);
    let is_separator = |c: char| matches!(c, '.' | '-' | '=');
    if !body
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || is_separator(c))
    {
        return Err("use letters, digits and . - = (^ only first)");
    }
    // Groups of letters and digits joined by single separators: this also refuses `.`, `..`.
    if body.split(is_separator).any(str::is_empty) {
        return Err(". - = must sit between letters or digits");
    }
    Ok(())
}

impl FromStr for Symbol {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Symbol {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Symbol> for String {
    fn from(s: Symbol) -> Self {
        s.0
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Names the ids of securities first stored by symbol, so that every process gives a symbol the
/// same id before it is stored (a search result) and after.
const SECURITY_ID_NAMESPACE: Uuid = Uuid::from_u128(0x5d0c_7f1e_8a3b_4c62_9e41_0b7d_2f6a_c318);

impl Symbol {
    /// The id a security with this symbol gets when it is first stored: a name-based UUID
    /// (version 5), the same in every process and every run.
    pub fn derived_id(&self) -> Uuid {
        Uuid::new_v5(&SECURITY_ID_NAMESPACE, self.0.as_bytes())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecurityType {
    Equity,
    Etf,
    MutualFund,
    Index,
    Currency,
    Cryptocurrency,
    Future,
    Option,
    Bond,
    Other,
}

impl SecurityType {
    pub const ALL: [SecurityType; 10] = [
        Self::Equity,
        Self::Etf,
        Self::MutualFund,
        Self::Index,
        Self::Currency,
        Self::Cryptocurrency,
        Self::Future,
        Self::Option,
        Self::Bond,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equity => "equity",
            Self::Etf => "etf",
            Self::MutualFund => "mutual_fund",
            Self::Index => "index",
            Self::Currency => "currency",
            Self::Cryptocurrency => "cryptocurrency",
            Self::Future => "future",
            Self::Option => "option",
            Self::Bond => "bond",
            Self::Other => "other",
        }
    }

    /// Maps Yahoo's `quoteType` / `instrumentType` (`EQUITY`, `ETF`, `MUTUALFUND`, ...).
    pub fn from_yahoo(raw: &str) -> Self {
        match raw.to_ascii_uppercase().as_str() {
            "EQUITY" => Self::Equity,
            "ETF" => Self::Etf,
            "MUTUALFUND" => Self::MutualFund,
            "INDEX" => Self::Index,
            "CURRENCY" => Self::Currency,
            "CRYPTOCURRENCY" => Self::Cryptocurrency,
            "FUTURE" => Self::Future,
            "OPTION" => Self::Option,
            "BOND" => Self::Bond,
            _ => Self::Other,
        }
    }
}

impl FromStr for SecurityType {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == wanted)
            .ok_or_else(|| ValidationError::new("security_type", format!("unknown type '{s}'")))
    }
}

impl fmt::Display for SecurityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Security {
    pub id: Uuid,
    pub symbol: Symbol,
    pub name: String,
    pub exchange: Option<String>,
    /// The unit prices are quoted in, as Yahoo gives it (`USD`, `GBp`): see `QuoteUnit`.
    pub currency: String,
    pub security_type: SecurityType,
    pub sector: Option<String>,
    pub industry: Option<String>,
    pub market_cap: Option<Decimal>,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewSecurity {
    pub symbol: Symbol,
    pub name: String,
    pub exchange: Option<String>,
    pub currency: String,
    pub security_type: SecurityType,
    pub sector: Option<String>,
    pub industry: Option<String>,
    pub market_cap: Option<Decimal>,
}

impl NewSecurity {
    pub fn into_security(self, id: Uuid, at: DateTime<Utc>) -> Security {
        Security {
            id,
            symbol: self.symbol,
            name: self.name,
            exchange: self.exchange,
            currency: self.currency,
            security_type: self.security_type,
            sector: self.sector,
            industry: self.industry,
            market_cap: self.market_cap,
            last_synced_at: None,
            created_at: at,
            updated_at: at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols() {
        for ok in [
            "aapl",
            "BRK-B",
            "^GSPC",
            "EURUSD=X",
            "ocdo.l",
            "GC=F",
            "0700.HK",
            "0P0000XVDS.L",
            " msft ",
        ] {
            assert!(Symbol::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(Symbol::parse("ocdo.l").unwrap().as_str(), "OCDO.L");
        assert_eq!(Symbol::parse(&"A".repeat(20)).unwrap().as_str().len(), 20);
        for bad in [
            "",
            "  ",
            "A A",
            "DROP;TABLE",
            &"A".repeat(21),
            ".",
            "..",
            "...",
            "^",
            "^^GSPC",
            "A^B",
            ".A",
            "A.",
            "A..B",
            "A.-B",
            "=X",
            "A/B",
            "../AAPL",
            "A%2F",
            "A\\B",
            "A_B",
            "ÄPPL",
        ] {
            let err = Symbol::parse(bad).unwrap_err();
            assert_eq!(err.field, "symbol");
            assert!(
                err.message.contains("is not a ticker symbol"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn yahoo_types() {
        assert_eq!(
            SecurityType::from_yahoo("MUTUALFUND"),
            SecurityType::MutualFund
        );
        assert_eq!(SecurityType::from_yahoo("weird"), SecurityType::Other);
    }
}
