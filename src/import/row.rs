//! What a format reader gives back: rows ready to become activities, rows it passed over on
//! purpose, and rows it could not read, each with its line.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Format;
use crate::domain::ledger::{ActivityType, SplitRatio};

/// How the file names a row's security: whatever of these it gives.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SecurityKey {
    /// A ticker, as written (checked when it is looked up).
    pub symbol: Option<String>,
    pub isin: Option<String>,
    pub cusip: Option<String>,
    /// A name, for messages only.
    pub name: Option<String>,
}

impl SecurityKey {
    pub fn symbol(symbol: impl Into<String>) -> Self {
        Self {
            symbol: Some(symbol.into()),
            ..Self::default()
        }
    }

    /// What the key is called in messages: the ticker, else the ISIN or CUSIP, else the name.
    pub fn label(&self) -> String {
        self.symbol
            .as_ref()
            .or(self.isin.as_ref())
            .or(self.cusip.as_ref())
            .or(self.name.as_ref())
            .cloned()
            .unwrap_or_else(|| "(no identifier)".to_string())
    }
}

/// One activity as the file describes it. Quantities and amounts are positive: the activity
/// type carries the direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// 1-based line of the file the row starts on.
    pub line: usize,
    pub activity_type: ActivityType,
    pub date: NaiveDate,
    pub security: Option<SecurityKey>,
    pub quantity: Option<Decimal>,
    pub unit_price: Option<Decimal>,
    pub amount: Option<Decimal>,
    pub fee: Option<Decimal>,
    /// Tax withheld from or charged on the row: a dividend's withholding becomes its fee,
    /// any other row's a tax activity of its own.
    pub tax: Option<Decimal>,
    /// The unit of the price, amount and fee; `None` leaves it to the security or account.
    pub currency: Option<String>,
    pub fx_rate: Option<Decimal>,
    pub split_ratio: Option<SplitRatio>,
    pub notes: Option<String>,
    /// The source's own id of the row (an OFX FITID, a broker's transaction id), when it has
    /// one; otherwise the service derives one from the row's content.
    pub source_id: Option<String>,
}

impl ImportRow {
    /// A row of `activity_type` on `date` at `line`, every other field empty.
    pub fn new(line: usize, activity_type: ActivityType, date: NaiveDate) -> Self {
        Self {
            line,
            activity_type,
            date,
            security: None,
            quantity: None,
            unit_price: None,
            amount: None,
            fee: None,
            tax: None,
            currency: None,
            fx_rate: None,
            split_ratio: None,
            notes: None,
            source_id: None,
        }
    }
}

/// A row the reader passed over on purpose (a card payment in a broker's export, a cancelled
/// order), and why: shown in the dry run, never an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    pub line: usize,
    pub reason: String,
}

/// A row that cannot be read, and why: one of these rejects the whole file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

impl RowError {
    pub fn new(line: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            message: message.into(),
        }
    }
}

/// Everything a reader found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub format: Format,
    pub rows: Vec<ImportRow>,
    pub ignored: Vec<Ignored>,
    pub errors: Vec<RowError>,
}

impl Parsed {
    pub fn new(format: Format) -> Self {
        Self {
            format,
            rows: Vec::new(),
            ignored: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// Files a row's reading: the row, or its error.
    pub fn push(&mut self, row: Result<ImportRow, RowError>) {
        match row {
            Ok(row) => self.rows.push(row),
            Err(e) => self.errors.push(e),
        }
    }

    pub fn ignore(&mut self, line: usize, reason: impl Into<String>) {
        self.ignored.push(Ignored {
            line,
            reason: reason.into(),
        });
    }
}

/// The 1-based line of byte `offset` in `text`, for one lookup; a reader that looks up many
/// uses a [`LineIndex`].
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Where each line of a text starts, so that the line of an offset is a binary search rather
/// than a count from the start of the text, which made reading a file of many rows quadratic.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// The offset just after each line end.
    breaks: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let breaks = text
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i + 1)
            .collect();
        Self { breaks }
    }

    /// The 1-based line of byte `offset`, as [`line_of`] counts it.
    pub fn line(&self, offset: usize) -> usize {
        self.breaks.partition_point(|&start| start <= offset) + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_counts_lines_as_a_count_from_the_start_does() {
        let text = "a\n\nbc\r\nd\n";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(index.line(offset), line_of(text, offset), "offset {offset}");
        }
        assert_eq!(index.line(3), 3, "the 'b' of the third line");
    }
}
