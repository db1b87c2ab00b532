//! Trade Republic's transaction export: one row per booking, a category and a type, signed
//! amounts in the account's currency (EUR), securities by ISIN, fees and taxes negative.
//! A dividend that was booked again is written as the original, a negative correction and
//! the replacement: the first two cancel out.

use rust_decimal::Decimal;

use super::broker_csv::signature_score;
use super::table::{self, Table};
use super::values::{self, DayOrder, DecimalMark};
use super::{Format, ImportError, ImportRow, Parsed, RowError, SecurityKey};
use crate::domain::ledger::ActivityType;

const FORMAT: Format = Format::TradeRepublic;

pub fn read(text: &str) -> Result<Parsed, ImportError> {
    let table = table::read(text, FORMAT, |r| signature_score(FORMAT, r))?;
    let mut parsed = Parsed::new(FORMAT);
    for (line, record) in &table.records {
        match row(&table, *line, record) {
            Ok(Booking::Row(row)) => parsed.rows.push(*row),
            Ok(Booking::Ignored(reason)) => parsed.ignore(*line, reason),
            Err(message) => parsed.errors.push(RowError::new(*line, message)),
        }
    }
    cancel_corrections(&mut parsed);
    Ok(parsed)
}

enum Booking {
    Row(Box<ImportRow>),
    Ignored(String),
}

fn row(table: &Table, line: usize, record: &[String]) -> Result<Booking, String> {
    let cell = |name: &str| {
        table
            .column(name)
            .and_then(|i| record.get(i))
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
    };
    let number = |name: &str| -> Result<Option<Decimal>, String> {
        cell(name)
            .map(|raw| values::decimal(raw, DecimalMark::Point).map_err(|e| format!("{name}: {e}")))
            .transpose()
            .map(Option::flatten)
    };
    let date = values::date(cell("date").ok_or("the date is empty")?, DayOrder::DayFirst)
        .map_err(|e| format!("date: {e}"))?;
    let category = cell("category").unwrap_or_default();
    let kind = cell("type").unwrap_or_default();
    let amount = number("amount")?;
    let outgoing = amount.is_some_and(|a| a.is_sign_negative());
    use ActivityType as T;
    let t = match (category, kind) {
        ("TRADING", "BUY") => T::Buy,
        ("TRADING", "SELL") => T::Sell,
        (_, "DIVIDEND" | "DISTRIBUTION" | "DIVIDEND_EQUIVALENT_PAYMENT") => T::Dividend,
        (_, "INTEREST_PAYMENT" | "EARNINGS") => T::Interest,
        (
            "CASH",
            "CUSTOMER_INPAYMENT"
            | "CUSTOMER_INBOUND"
            | "TRANSFER_INBOUND"
            | "TRANSFER_INSTANT_INBOUND"
            | "TRANSFER_IN"
            | "GIFT"
            | "BENEFITS_SAVEBACK",
        ) => T::Deposit,
        (
            "CASH",
            "CUSTOMER_OUTBOUND_REQUEST"
            | "TRANSFER_INSTANT_OUTBOUND"
            | "TRANSFER_OUT"
            | "CARD_TRANSACTION",
        ) => T::Withdrawal,
        ("CASH", "PRE_DETERMINED_TAX_BASE") if outgoing => T::Tax,
        ("CASH", "TAX_OPTIMIZATION" | "PRE_DETERMINED_TAX_BASE") => {
            return Ok(Booking::Ignored(
                "a tax refund: the ledger records taxes paid, not refunded".into(),
            ))
        }
        (category, kind) => {
            return Ok(Booking::Ignored(format!(
                "{category} {kind} is not a trade, income or cash movement the ledger records"
            )))
        }
    };
    let mut row = ImportRow::new(line, t, date);
    if let Some(id) = cell("symbol") {
        let crypto = cell("asset_class") == Some("CRYPTO");
        row.security = Some(if values::is_isin(id) {
            SecurityKey {
                isin: Some(id.to_string()),
                name: cell("name").map(str::to_string),
                ..SecurityKey::default()
            }
        } else if crypto {
            // A coin by its ticker, priced in the account's currency as Yahoo names the pair.
            SecurityKey::symbol(format!("{id}-{}", cell("currency").unwrap_or("EUR")))
        } else {
            SecurityKey::symbol(id)
        });
    }
    row.quantity = number("shares")?;
    row.unit_price = number("price")?;
    row.amount = amount;
    row.fee = number("fee")?;
    row.tax = number("tax")?;
    row.currency = cell("currency").map(str::to_string);
    row.notes = cell("description").map(str::to_string);
    row.source_id = cell("transaction_id").map(str::to_string);
    if matches!(t, T::Buy | T::Sell) {
        // A trade's amount is its total with the fee; the price is what counts.
        if row.unit_price.is_some() {
            row.amount = None;
        }
    }
    if t == T::Dividend && outgoing {
        return Ok(Booking::Row(Box::new(ImportRow {
            notes: Some("correction".into()),
            ..row
        })));
    }
    Ok(Booking::Row(Box::new(row)))
}

/// Drops each negative dividend (a correction) together with the earlier dividend of the
/// same security, amount and tax that it reverses.
fn cancel_corrections(parsed: &mut Parsed) {
    let is_correction = |r: &ImportRow| {
        r.activity_type == ActivityType::Dividend && r.amount.is_some_and(|a| a.is_sign_negative())
    };
    let mut drop = vec![false; parsed.rows.len()];
    let mut notes = Vec::new();
    for i in 0..parsed.rows.len() {
        if !is_correction(&parsed.rows[i]) {
            continue;
        }
        let c = &parsed.rows[i];
        let original = (0..parsed.rows.len()).find(|&j| {
            let o = &parsed.rows[j];
            j != i
                && !drop[j]
                && !is_correction(o)
                && o.activity_type == ActivityType::Dividend
                && o.security == c.security
                && o.amount.map(|a| -a) == c.amount
                && o.tax.map(|t| -t) == c.tax
                && o.date <= c.date
        });
        match original {
            Some(j) => {
                drop[i] = true;
                drop[j] = true;
                notes.push((
                    parsed.rows[j].line,
                    format!("reversed by the correction on line {}", c.line),
                ));
                notes.push((
                    c.line,
                    format!("reverses the dividend on line {}", parsed.rows[j].line),
                ));
            }
            None => {
                drop[i] = true;
                parsed.errors.push(RowError::new(
                    c.line,
                    "a dividend correction with no dividend it reverses in the file",
                ));
            }
        }
    }
    let mut index = 0;
    parsed.rows.retain(|_| {
        index += 1;
        !drop[index - 1]
    });
    for (line, reason) in notes {
        parsed.ignore(line, reason);
    }
    parsed.ignored.sort_by_key(|i| i.line);
}
