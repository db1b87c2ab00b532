//! Interactive Brokers Flex Query statements (XML): `FlexQueryResponse / FlexStatements /
//! FlexStatement`, each holding sections of one-element rows whose fields are attributes.
//!
//! | section | activity |
//! |---|---|
//! | `Trades/Trade` (and `Order`) | buy or sell by `buySell`; quantity and price without sign, price times `multiplier`; fee = abs(`ibCommission`) + abs(`taxes`) |
//! | `Trades`, a cancellation (`BUY (Ca.)`, `TradeCancel`) | passed over, and so is the trade it cancels when it is in the file |
//! | `CashTransactions`: Dividends, Payment In Lieu Of Dividends | dividend |
//! | Withholding Tax | the fee of the dividend of the same security, date and currency; else a tax |
//! | Broker or Bond Interest Received / Paid | interest when credited, fee when charged |
//! | Other Fees, Commission Adjustments, Advisor Fees | fee |
//! | Deposits/Withdrawals | deposit or withdrawal by sign |
//! | `CorporateActions`, a split | split N:M from "SPLIT N FOR M" |
//!
//! A row of the opposite sign to its kind (a dividend taken back, a tax or fee refunded) cancels
//! the row of the same security and amount that it reverses; with none to reverse, it is
//! passed over with the reason, as no activity type takes money back. Summaries (symbol, asset
//! and closed-lot lines of trades, SUMMARY lines beside DETAIL ones) are not activities.
//!
//! The source id is `transactionID`, else `tradeID`.

mod cash;
mod corporate;
mod trades;

use std::collections::HashMap;

use chrono::NaiveDate;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use rust_decimal::Decimal;

use super::values::{self, is_cusip, is_isin, DecimalMark};
use super::{line_of, Format, ImportError, Parsed, RowError, SecurityKey};

/// Whether `text` looks like a Flex Query statement.
pub fn looks_like(text: &str) -> bool {
    let head: String = text.chars().take(4096).collect();
    head.contains("<FlexQueryResponse") || head.contains("<FlexStatements")
}

/// The activities of every statement in the Flex Query `text`, with no exchange rates: see
/// [`read_for_account`].
pub fn read(text: &str) -> Result<Parsed, ImportError> {
    read_for_account(text, None)
}

/// As [`read`], for an account kept in `account_currency`. IBKR gives each row's
/// `fxRateToBase`: units of the IBKR account's *base* currency for one unit of the row's
/// currency. That is an activity's `fx_rate` only when the account the rows go into is kept
/// in that base currency, so the rate is used only when `account_currency` is the statement's
/// base currency (named by `AccountInformation`, else the currency of the rows whose rate is
/// 1). Otherwise rows carry no rate and the stored rates of their dates apply.
pub fn read_for_account(text: &str, account_currency: Option<&str>) -> Result<Parsed, ImportError> {
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let document = Document::parse(text)?;
    let mut parsed = Parsed::new(Format::IbkrFlex);
    for statement in &document.statements {
        let base = statement
            .base_currency
            .clone()
            .or_else(|| document.base_currency.clone())
            .or_else(|| statement.inferred_base());
        let ctx = Context {
            apply_rates: matches!(
                (account_currency, base.as_deref()),
                (Some(account), Some(base)) if account.trim().eq_ignore_ascii_case(base)
            ),
            base,
        };
        trades::read(&ctx, &statement.rows_of(Section::Trades), &mut parsed);
        cash::read(&ctx, &statement.rows_of(Section::Cash), &mut parsed);
        corporate::read(&statement.rows_of(Section::CorporateActions), &mut parsed);
        for transfer in statement.rows_of(Section::Transfers) {
            parsed.ignore(
                transfer.line,
                "a transfer of positions between brokers is not read; \
                 enter it as transfer_in or transfer_out with its cost",
            );
        }
    }
    parsed.rows.sort_by_key(|r| r.line);
    parsed.ignored.sort_by_key(|i| i.line);
    parsed.errors.sort_by_key(|e| e.line);
    Ok(parsed)
}

/// The sections read; every other (positions, summaries, performance) is not activities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Trades,
    Cash,
    CorporateActions,
    Transfers,
}

impl Section {
    fn of(name: &str) -> Option<Self> {
        match name {
            "Trades" => Some(Self::Trades),
            "CashTransactions" => Some(Self::Cash),
            "CorporateActions" => Some(Self::CorporateActions),
            "Transfers" => Some(Self::Transfers),
            _ => None,
        }
    }
}

/// One element of a section, its attributes by name.
#[derive(Debug, Clone)]
struct Row {
    name: String,
    line: usize,
    section: Section,
    attributes: HashMap<String, String>,
}

impl Row {
    /// The attribute `name`, trimmed, when it is there and not empty.
    fn get(&self, name: &str) -> Option<&str> {
        self.attributes
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn number(&self, name: &str) -> Result<Option<Decimal>, RowError> {
        match self.get(name) {
            None => Ok(None),
            Some(raw) => values::decimal(raw, DecimalMark::Point)
                .map_err(|e| RowError::new(self.line, format!("{name}: {e}"))),
        }
    }

    fn required(&self, name: &str) -> Result<Decimal, RowError> {
        self.number(name)?
            .ok_or_else(|| RowError::new(self.line, format!("the {} has no {name}", self.name)))
    }

    /// The date of the first of `names` that is there.
    fn date(&self, names: &[&str]) -> Result<NaiveDate, RowError> {
        let (name, raw) = names
            .iter()
            .find_map(|n| self.get(n).map(|v| (*n, v)))
            .ok_or_else(|| {
                RowError::new(
                    self.line,
                    format!("the {} has no {}", self.name, names.join(" or ")),
                )
            })?;
        date(raw).map_err(|e| RowError::new(self.line, format!("{name}: {e}")))
    }

    /// The security the row names: its ticker, its ISIN and CUSIP when their check digits
    /// hold, and a name when `with_name`.
    fn security(&self, with_name: bool) -> Option<SecurityKey> {
        let typed = |kind: &str| {
            self.get("securityIDType")
                .filter(|t| t.eq_ignore_ascii_case(kind))
                .and(self.get("securityID"))
        };
        let key = SecurityKey {
            symbol: self.get("symbol").map(str::to_string),
            isin: [self.get("isin"), typed("ISIN")]
                .into_iter()
                .flatten()
                .find(|s| is_isin(s))
                .map(str::to_string),
            cusip: [self.get("cusip"), typed("CUSIP")]
                .into_iter()
                .flatten()
                .find(|s| is_cusip(s))
                .map(str::to_string),
            name: None,
        };
        if key.symbol.is_none() && key.isin.is_none() && key.cusip.is_none() {
            return None;
        }
        Some(SecurityKey {
            name: with_name
                .then(|| self.get("description").map(str::to_string))
                .flatten(),
            ..key
        })
    }

    /// Which security the row is about, to match rows of one security: IBKR's contract id,
    /// else what names it; empty for cash rows of no security.
    fn security_id(&self) -> String {
        ["conid", "isin", "securityID", "symbol"]
            .iter()
            .find_map(|n| self.get(n))
            .unwrap_or("")
            .to_string()
    }

    /// `transactionID`, else `tradeID`.
    fn source_id(&self) -> Option<String> {
        ["transactionID", "tradeID"]
            .iter()
            .find_map(|n| self.get(n).filter(|v| *v != "0"))
            .map(str::to_string)
    }

    fn currency(&self) -> Option<String> {
        self.get("currency").map(str::to_ascii_uppercase)
    }
}

/// A date as Flex writes it: `20230403`, `2023-04-03`, either followed by a time
/// (`20230403;095853`, `2023-04-03, 09:58:53`). Other forms (`04/03/2023`) are refused rather
/// than guessed: day and month could be either way round.
fn date(raw: &str) -> Result<NaiveDate, String> {
    let head = raw.split([';', ',', ' ', 'T']).next().unwrap_or("").trim();
    let format = match head.len() {
        8 => "%Y%m%d",
        10 => "%Y-%m-%d",
        _ => "",
    };
    NaiveDate::parse_from_str(head, format).map_err(|_| {
        format!(
            "'{raw}' is not a date as yyyyMMdd or yyyy-MM-dd (choose one in the Flex Query's \
             date format)"
        )
    })
}

/// What a statement's rows are read against.
struct Context {
    /// Whether `fxRateToBase` is the `fx_rate` of the account read into.
    apply_rates: bool,
    base: Option<String>,
}

impl Context {
    /// The row's `fxRateToBase` when it is the account's rate and the row is in another
    /// currency than the account's.
    fn fx_rate(&self, row: &Row) -> Result<Option<Decimal>, RowError> {
        if !self.apply_rates || row.currency() == self.base {
            return Ok(None);
        }
        Ok(row.number("fxRateToBase")?.filter(|r| *r > Decimal::ZERO))
    }
}

struct Statement {
    base_currency: Option<String>,
    rows: Vec<Row>,
}

impl Statement {
    fn rows_of(&self, section: Section) -> Vec<&Row> {
        self.rows.iter().filter(|r| r.section == section).collect()
    }

    /// The base currency as the rows show it: the one currency whose rate to base is 1.
    fn inferred_base(&self) -> Option<String> {
        let mut found: Option<String> = None;
        for row in &self.rows {
            let one = row
                .get("fxRateToBase")
                .and_then(|r| r.parse::<Decimal>().ok())
                .is_some_and(|r| r == Decimal::ONE);
            if let (true, Some(currency)) = (one, row.currency()) {
                match &found {
                    Some(seen) if *seen != currency => return None,
                    _ => found = Some(currency),
                }
            }
        }
        found
    }
}

struct Document {
    /// The base currency named outside any statement (some queries put
    /// `AccountInformation` there).
    base_currency: Option<String>,
    statements: Vec<Statement>,
}

impl Document {
    fn parse(text: &str) -> Result<Self, ImportError> {
        let mut reader = Reader::from_str(text);
        reader.config_mut().check_end_names = true;
        let lines = super::LineIndex::new(text);
        let malformed = |at: usize, message: String| ImportError::Malformed {
            format: Format::IbkrFlex,
            source: format!("line {}: {message}", line_of(text, at)).into(),
        };
        let mut document = Document {
            base_currency: None,
            statements: Vec::new(),
        };
        let mut open: Vec<String> = Vec::new();
        let mut seen_root = false;
        loop {
            let at = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
            let event = reader.read_event().map_err(|e| {
                let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                malformed(at, e.to_string())
            })?;
            let (tag, empty) = match &event {
                Event::Start(tag) => (tag, false),
                Event::Empty(tag) => (tag, true),
                Event::End(_) => {
                    open.pop();
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            let name = String::from_utf8_lossy(tag.name().as_ref()).into_owned();
            if !seen_root {
                seen_root = true;
                if name != "FlexQueryResponse" {
                    return Err(ImportError::NotThisFormat {
                        format: Format::IbkrFlex,
                        reason: format!("the document is a <{name}>, not a <FlexQueryResponse>"),
                    });
                }
            }
            let in_statement = open.iter().any(|n| n == "FlexStatement");
            match name.as_str() {
                "FlexStatement" => document.statements.push(Statement {
                    base_currency: None,
                    rows: Vec::new(),
                }),
                "AccountInformation" => {
                    let attributes = attributes(tag).map_err(|e| malformed(at, e.to_string()))?;
                    let currency = attributes
                        .get("currency")
                        .map(|c| c.trim().to_ascii_uppercase())
                        .filter(|c| !c.is_empty());
                    match document.statements.last_mut().filter(|_| in_statement) {
                        Some(statement) => statement.base_currency = currency,
                        None => document.base_currency = currency,
                    }
                }
                _ => {
                    let section = open.last().and_then(|parent| Section::of(parent));
                    if let (Some(section), Some(statement)) =
                        (section, document.statements.last_mut())
                    {
                        let attributes =
                            attributes(tag).map_err(|e| malformed(at, e.to_string()))?;
                        statement.rows.push(Row {
                            name: name.clone(),
                            line: lines.line(at),
                            section,
                            attributes,
                        });
                    }
                }
            }
            if !empty {
                open.push(name);
            }
        }
        if !seen_root {
            return Err(ImportError::NotThisFormat {
                format: Format::IbkrFlex,
                reason: "the file holds no XML element".to_string(),
            });
        }
        Ok(document)
    }
}

fn attributes(tag: &BytesStart) -> Result<HashMap<String, String>, quick_xml::Error> {
    let mut map = HashMap::new();
    for attribute in tag.attributes() {
        let attribute = attribute.map_err(quick_xml::Error::from)?;
        let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
        let value = attribute.unescape_value()?.into_owned();
        map.insert(key, value);
    }
    Ok(map)
}

#[cfg(test)]
mod tests;
