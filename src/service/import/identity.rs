//! Each imported row's `external_id`, so that importing a file again adds nothing: the
//! source's own id where it has one (an OFX FITID, a broker's transaction id), otherwise a
//! digest of what the row says. Identical rows in one file (two equal buys on a day) are told
//! apart by their order among themselves, which a second import of the same file repeats.

use std::collections::HashMap;
use std::fmt::Write;

use sha2::{Digest, Sha256};

use crate::domain::ledger::EXTERNAL_ID_MAX_CHARS;
use crate::import::{Format, ImportRow};

/// Hex digits of a digest kept in an id: 64 bits, ample for one account's rows.
const DIGEST_CHARS: usize = 16;

/// The id of each row, in order.
pub fn external_ids(format: Format, rows: &[ImportRow]) -> Vec<String> {
    let mut occurrences: HashMap<String, usize> = HashMap::new();
    rows.iter()
        .map(|row| match &row.source_id {
            Some(id) => {
                let id = format!("{format}:{id}");
                if id.chars().count() <= EXTERNAL_ID_MAX_CHARS {
                    id
                } else {
                    format!("{format}:{}", digest(&id))
                }
            }
            None => {
                let content = digest(&content(row));
                let n = occurrences.entry(content.clone()).or_default();
                *n += 1;
                if *n == 1 {
                    format!("{format}:{content}")
                } else {
                    format!("{format}:{content}#{n}")
                }
            }
        })
        .collect()
}

/// What identifies a row without an id: everything it records but its line and notes.
fn content(row: &ImportRow) -> String {
    let mut s = String::new();
    let opt = |v: &Option<rust_decimal::Decimal>| {
        v.map(|v| v.normalize().to_string()).unwrap_or_default()
    };
    let _ = write!(
        s,
        "{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
        row.activity_type,
        row.date,
        row.security.as_ref().map(|k| k.label()).unwrap_or_default(),
        opt(&row.quantity),
        opt(&row.unit_price),
        opt(&row.amount),
        opt(&row.fee),
        row.currency.as_deref().unwrap_or_default(),
        opt(&row.fx_rate),
        row.split_ratio.map(|r| r.to_string()).unwrap_or_default(),
    );
    s
}

fn digest(text: &str) -> String {
    let hash = Sha256::digest(text.as_bytes());
    let mut out = String::with_capacity(DIGEST_CHARS);
    for byte in hash.iter().take(DIGEST_CHARS / 2) {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ledger::ActivityType;
    use chrono::NaiveDate;

    fn buy(line: usize) -> ImportRow {
        let mut r = ImportRow::new(
            line,
            ActivityType::Buy,
            NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
        );
        r.quantity = Some("10".parse().unwrap());
        r.unit_price = Some("150".parse().unwrap());
        r
    }

    #[test]
    fn equal_rows_are_told_apart_by_their_order_and_ids_are_kept() {
        let mut with_id = buy(4);
        with_id.source_id = Some("T-1".into());
        let ids = external_ids(Format::Csv, &[buy(2), buy(3), with_id]);
        assert!(
            ids[0].starts_with("csv:") && ids[0].len() == 4 + DIGEST_CHARS,
            "{ids:?}"
        );
        assert_eq!(ids[1], format!("{}#2", ids[0]));
        assert_eq!(ids[2], "csv:T-1");
        // The same file read again gives the same ids.
        assert_eq!(
            ids,
            external_ids(
                Format::Csv,
                &[buy(2), buy(3), {
                    let mut r = buy(4);
                    r.source_id = Some("T-1".into());
                    r
                }]
            )
        );
        // A trailing zero does not make another row: 150.00 is 150.
        let mut same = buy(9);
        same.unit_price = Some("150.00".parse().unwrap());
        assert_eq!(external_ids(Format::Csv, &[same])[0], ids[0]);
    }
}
