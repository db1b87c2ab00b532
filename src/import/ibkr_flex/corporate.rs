//! The CorporateActions section: splits are read; every other action is passed over with its
//! description, as its effect (new securities, cash in lieu) needs a person to enter.

use rust_decimal::Decimal;

use super::Row;
use crate::domain::ledger::{ActivityType, SplitRatio};
use crate::import::values::is_isin;
use crate::import::{ImportRow, Parsed, RowError, SecurityKey};

pub(super) fn read(rows: &[&Row], parsed: &mut Parsed) {
    let details = rows.iter().any(|r| {
        r.get("levelOfDetail")
            .is_some_and(|l| l.eq_ignore_ascii_case("DETAIL"))
    });
    // A split that changes the ISIN comes as two lines, the old shares out and the new in,
    // each with the same description: one split is read for them.
    let mut splits_read: Vec<(String, usize)> = Vec::new();
    for &row in rows {
        if details
            && row
                .get("levelOfDetail")
                .is_some_and(|l| l.eq_ignore_ascii_case("SUMMARY"))
        {
            parsed.ignore(row.line, "a summary of the detail lines");
            continue;
        }
        let description = row
            .get("description")
            .or(row.get("actionDescription"))
            .unwrap_or("");
        let Some((new, old)) = split_ratio(description) else {
            parsed.ignore(
                row.line,
                format!(
                    "the corporate action {} ({description}) is not read; enter its effect by hand",
                    row.get("type").unwrap_or("")
                ),
            );
            continue;
        };
        let key = format!("{}|{description}", row.get("reportDate").unwrap_or(""));
        if let Some((_, line)) = splits_read.iter().find(|(k, _)| *k == key) {
            parsed.ignore(
                row.line,
                format!("the other line of the split at line {line}"),
            );
            continue;
        }
        splits_read.push((key, row.line));
        parsed.push(split(row, description, new, old));
    }
}

fn split(row: &Row, description: &str, new: Decimal, old: Decimal) -> Result<ImportRow, RowError> {
    let ratio = SplitRatio::new(new, old)
        .map_err(|e| RowError::new(row.line, format!("the split's ratio: {e}")))?;
    let mut out = ImportRow::new(
        row.line,
        ActivityType::Split,
        row.date(&["dateTime", "date", "reportDate"])?,
    );
    out.split_ratio = Some(ratio);
    out.security =
        Some(held_security(row, description).ok_or_else(|| {
            RowError::new(row.line, "the split names no security (symbol, isin)")
        })?);
    out.notes = Some(description.to_string());
    out.source_id = row.source_id();
    Ok(out)
}

/// The security split, as held before it: the description starts with it
/// (`AAPL(US0378331005) SPLIT 4 FOR 1 (...)`), while the row's own ISIN may be the new one.
fn held_security(row: &Row, description: &str) -> Option<SecurityKey> {
    let head = description.split_whitespace().next().unwrap_or("");
    let (symbol, isin) = match head.split_once('(') {
        Some((symbol, rest)) => (symbol, rest.trim_end_matches(')')),
        None => (head, ""),
    };
    let mut key = row.security(false).unwrap_or_default();
    if !symbol.is_empty() {
        key.symbol = Some(symbol.to_string());
    }
    if is_isin(isin) {
        key.isin = Some(isin.to_string());
    }
    (key.symbol.is_some() || key.isin.is_some()).then_some(key)
}

/// N and M of "SPLIT N FOR M" in a description, in any letter case.
fn split_ratio(description: &str) -> Option<(Decimal, Decimal)> {
    let words: Vec<&str> = description.split_whitespace().collect();
    words.windows(4).find_map(|w| {
        (w[0].eq_ignore_ascii_case("SPLIT") && w[2].eq_ignore_ascii_case("FOR"))
            .then(|| Some((w[1].parse().ok()?, w[3].parse().ok()?)))
            .flatten()
    })
}
