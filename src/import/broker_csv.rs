//! The CSVs of trackers and brokers that are generic CSVs with words of their own:
//! Wealthfolio's activity file, Schwab's history (Wealthfolio's template for it) and
//! Ghostfolio's import file. Each is known by its header.

use super::activity_words::TypeWord;
use super::columns::{Columns, Mapping};
use super::csv_rows::{self, Dialect};
use super::table::{self, Table};
use super::values::DayOrder;
use super::{Format, ImportError, Parsed};
use crate::domain::ledger::ActivityType;

/// Header cells (compared as lower-case letters only) that tell each source's CSV apart.
pub const SIGNATURES: &[(Format, &[&str])] = &[
    (
        Format::TradeRepublic,
        &["accounttype", "category", "assetclass", "transactionid"],
    ),
    (Format::GhostfolioCsv, &["code", "datasource", "action"]),
    (Format::Schwab, &["action", "feescomm", "description"]),
    (
        Format::Wealthfolio,
        &["instrumenttype", "unitprice", "fxrate"],
    ),
];

/// Lower-case letters and digits only, as signatures are written.
pub fn key(cell: &str) -> String {
    cell.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// How many of `format`'s signature cells `record` has, when it has them all.
pub fn signature_score(format: Format, record: &[String]) -> usize {
    let Some((_, cells)) = SIGNATURES.iter().find(|(f, _)| *f == format) else {
        return 0;
    };
    let keys: Vec<String> = record.iter().map(|c| key(c)).collect();
    if cells.iter().all(|c| keys.iter().any(|k| k == c)) {
        cells.len()
    } else {
        0
    }
}

/// Reads one of the sources above.
pub fn read(text: &str, format: Format) -> Result<Parsed, ImportError> {
    let table = table::read(text, format, |r| signature_score(format, r))?;
    let columns = Columns::of(&table, &Mapping::default())?;
    Ok(csv_rows::read(&table, &columns, &dialect(format)))
}

fn dialect(format: Format) -> Dialect {
    let generic = Dialect::generic(format);
    match format {
        Format::Wealthfolio => Dialect {
            // Cash rows name the account's cash as a pseudo-security.
            symbol: |s| (!s.starts_with("$CASH")).then(|| s.to_string()),
            words: |w| match w.trim() {
                "CREDIT" => Some(TypeWord::Is(ActivityType::Deposit)),
                _ => None,
            },
            split_in_quantity: true,
            ..generic
        },
        Format::Schwab => Dialect {
            day_order: Some(DayOrder::MonthFirst),
            // Option symbols are written `SPY   250321C00500000`; Yahoo writes them joined.
            symbol: |s| Some(s.split_whitespace().collect()),
            words: |w| match key(w).as_str() {
                "moneylinkdeposit" => Some(TypeWord::Is(ActivityType::Deposit)),
                "stocksplit" => Some(TypeWord::Ignore(
                    "a split given as shares added, not as a ratio: record it with its ratio",
                )),
                "securitytransfer" => Some(TypeWord::BySign {
                    incoming: ActivityType::TransferIn,
                    outgoing: ActivityType::TransferOut,
                }),
                _ => None,
            },
            ..generic
        },
        Format::GhostfolioCsv => Dialect {
            day_order: Some(DayOrder::DayFirst),
            words: ghostfolio_words,
            adjust: manual_asset,
            ..generic
        },
        _ => generic,
    }
}

/// Ghostfolio's activity types that are not trades or cash.
pub fn ghostfolio_words(word: &str) -> Option<TypeWord> {
    match word.trim().to_ascii_uppercase().as_str() {
        "ITEM" => Some(TypeWord::Ignore(
            "a valuable item (ITEM) has no market price: record it as an account value",
        )),
        "LIABILITY" => Some(TypeWord::Ignore(
            "a liability (LIABILITY): record it as a liability account's value",
        )),
        _ => None,
    }
}

pub const MANUAL_ASSET: &str =
    "a manually priced asset (data source MANUAL) has no market symbol: record it as an account value";

/// Ghostfolio's manually priced profiles: a fee or interest on one is a cash row (its name
/// kept as a note), anything else has no market price to follow.
fn manual_asset(
    table: &Table,
    record: &[String],
    row: &mut super::ImportRow,
) -> Result<(), &'static str> {
    let manual = table
        .column("DataSource")
        .and_then(|c| record.get(c))
        .is_some_and(|s| s.trim().eq_ignore_ascii_case("MANUAL"));
    if !manual {
        return Ok(());
    }
    match row.activity_type {
        ActivityType::Fee | ActivityType::Interest => {
            let name = row.security.take().and_then(|k| k.symbol.or(k.name));
            row.notes = row.notes.take().or(name);
            Ok(())
        }
        _ => Err(MANUAL_ASSET),
    }
}
