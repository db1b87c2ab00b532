//! Ghostfolio's JSON export: `activities` of type BUY, SELL, DIVIDEND, FEE, INTEREST, ITEM
//! and LIABILITY, each with a quantity, unit price and fee as JSON numbers, read exactly.

use serde_json::Value;

use super::activity_words::{type_word, TypeWord};
use super::broker_csv::{ghostfolio_words, MANUAL_ASSET};
use super::values::{self, DayOrder};
use super::{Format, ImportError, ImportRow, LineIndex, Parsed, RowError, SecurityKey};
use crate::domain::ledger::ActivityType;

const FORMAT: Format = Format::Ghostfolio;

/// Whether `text` is a Ghostfolio export: a JSON object with an `activities` array.
pub fn looks_like(text: &str) -> bool {
    let head = text.trim_start();
    head.starts_with('{') && text.contains("\"activities\"")
}

pub fn read(text: &str) -> Result<Parsed, ImportError> {
    let export: Value = serde_json::from_str(text).map_err(|e| ImportError::Malformed {
        format: FORMAT,
        source: Box::new(e),
    })?;
    let Some(activities) = export.get("activities").and_then(Value::as_array) else {
        return Err(ImportError::NotThisFormat {
            format: FORMAT,
            reason: "it has no \"activities\" array".into(),
        });
    };
    let starts = activity_offsets(text);
    let lines = LineIndex::new(text);
    let mut parsed = Parsed::new(FORMAT);
    for (index, value) in activities.iter().enumerate() {
        let line = starts.get(index).map_or(0, |&offset| lines.line(offset));
        match activity(line, value) {
            Ok(Ok(row)) => parsed.rows.push(row),
            Ok(Err(reason)) => parsed.ignore(line, reason),
            Err(message) => parsed.errors.push(RowError::new(line, message)),
        }
    }
    Ok(parsed)
}

/// Where each object of the top-level `activities` array starts: the file is valid JSON
/// (it was parsed first), so braces and brackets outside strings give the structure.
fn activity_offsets(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut key_start = None;
    let mut last_key = String::new();
    let mut array_depth = None;
    for (i, c) in text.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => {
                    in_string = false;
                    if let Some(start) = key_start.take() {
                        last_key = text[start..i].to_string();
                    }
                }
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                key_start = Some(i + 1);
            }
            '[' => {
                depth += 1;
                if depth == 2 && last_key == "activities" {
                    array_depth = Some(depth);
                }
            }
            '{' => {
                depth += 1;
                if array_depth.is_some_and(|d| depth == d + 1) {
                    starts.push(i);
                }
            }
            ']' | '}' => {
                if array_depth == Some(depth) {
                    array_depth = None;
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    starts
}

/// The row, or why it is passed over; or why it cannot be read.
fn activity(line: usize, v: &Value) -> Result<Result<ImportRow, String>, String> {
    let text = |name: &str| v.get(name).and_then(Value::as_str).map(str::trim);
    let number = |name: &str| -> Result<Option<rust_decimal::Decimal>, String> {
        match v.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .to_string()
                .parse::<rust_decimal::Decimal>()
                .or_else(|_| rust_decimal::Decimal::from_scientific(&n.to_string()))
                .map(Some)
                .map_err(|_| format!("{name}: {n} is not a decimal number")),
            Some(Value::String(s)) => {
                values::decimal(s, values::DecimalMark::Point).map_err(|e| format!("{name}: {e}"))
            }
            Some(other) => Err(format!("{name}: {other} is not a number")),
        }
    };
    let kind = text("type").ok_or("the activity has no type")?;
    let t = match ghostfolio_words(kind).or_else(|| type_word(kind)) {
        Some(TypeWord::Is(t)) => t,
        Some(TypeWord::Ignore(reason)) => return Ok(Err(reason.to_string())),
        _ => return Err(format!("'{kind}' is not a Ghostfolio activity type")),
    };
    let date = values::date(
        text("date").ok_or("the activity has no date")?,
        DayOrder::DayFirst,
    )
    .map_err(|e| format!("date: {e}"))?;
    let manual = text("dataSource").is_some_and(|s| s.eq_ignore_ascii_case("MANUAL"));
    let mut row = ImportRow::new(line, t, date);
    match (manual, t) {
        // A fee or interest on a manual profile is a cash row; its profile's id is no symbol.
        (true, ActivityType::Fee | ActivityType::Interest) => {}
        (true, _) => return Ok(Err(MANUAL_ASSET.to_string())),
        (false, _) => {
            let symbol = text("symbol").ok_or("the activity has no symbol")?;
            row.security = Some(if values::is_isin(symbol) {
                SecurityKey {
                    isin: Some(symbol.to_string()),
                    ..SecurityKey::default()
                }
            } else {
                SecurityKey::symbol(symbol)
            });
        }
    }
    row.quantity = number("quantity")?;
    row.unit_price = number("unitPrice")?;
    row.fee = number("fee")?;
    row.currency = text("currency").map(str::to_string);
    row.notes = text("comment").map(str::to_string);
    row.source_id = text("id").map(str::to_string);
    if t == ActivityType::Fee && manual {
        row.notes = row.notes.or_else(|| Some("fee".into()));
    }
    Ok(Ok(row))
}
