//! Activities from a table whose columns are known: the generic CSV and every broker's CSV
//! that is a generic CSV with fixed columns and words of its own.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::activity_words::{type_word, TypeWord};
use super::columns::{Columns, Field};
use super::table::Table;
use super::values::{self, DayOrder, DecimalMark};
use super::{Format, ImportRow, Parsed, RowError, SecurityKey};
use crate::domain::ledger::{ActivityType, SplitRatio};

/// How one source writes its rows.
pub struct Dialect {
    pub format: Format,
    /// `None`: told from the file's dates.
    pub day_order: Option<DayOrder>,
    /// `None`: told from the file's numbers and separator.
    pub decimal: Option<DecimalMark>,
    /// The source's own type words, tried before the common ones.
    pub words: fn(&str) -> Option<TypeWord>,
    /// Makes a symbol cell a ticker, or says the row has no security (`None`).
    pub symbol: fn(&str) -> Option<String>,
    /// The source's last word on a row read from a record: a change, or why the record is
    /// no activity here.
    pub adjust: fn(&Table, &[String], &mut ImportRow) -> Result<(), &'static str>,
    /// A split written as its factor in the quantity column (`3` for 3:1).
    pub split_in_quantity: bool,
}

impl Dialect {
    pub fn generic(format: Format) -> Self {
        Self {
            format,
            day_order: None,
            decimal: None,
            words: |_| None,
            symbol: |s| Some(s.to_string()),
            adjust: |_, _, _| Ok(()),
            split_in_quantity: false,
        }
    }
}

/// Reads every record of `table`. Records after the last dated one that have no date are a
/// footer (totals, disclaimers) and are passed over; an undated record in the middle is an
/// error.
pub fn read(table: &Table, columns: &Columns, dialect: &Dialect) -> Parsed {
    let day_order = dialect
        .day_order
        .unwrap_or_else(|| day_order_of(table, columns));
    let decimal = dialect
        .decimal
        .unwrap_or_else(|| decimal_mark_of(table, columns));
    let dated = |record: &[String]| {
        columns
            .get(record, Field::Date)
            .is_some_and(|d| values::date(d, day_order).is_ok())
    };
    // A footer row has no date and no type; a row with a type but a bad date is an error.
    let last_dated = table.records.iter().rposition(|(_, r)| {
        dated(r)
            || columns
                .get(r, Field::Type)
                .is_some_and(|t| type_word(t).is_some())
    });
    let mut parsed = Parsed::new(dialect.format);
    for (index, (line, record)) in table.records.iter().enumerate() {
        if last_dated.is_some_and(|last| index > last) {
            parsed.ignore(*line, "below the last dated row: a footer");
            continue;
        }
        if record.len() > table.header.len()
            && record[table.header.len()..]
                .iter()
                .any(|c| !c.trim().is_empty())
        {
            parsed.errors.push(RowError::new(
                *line,
                format!(
                    "the row has {} fields where the header has {}",
                    record.len(),
                    table.header.len()
                ),
            ));
            continue;
        }
        match row(*line, record, columns, dialect, day_order, decimal) {
            Ok(mut row) => match (dialect.adjust)(table, record, &mut row) {
                Ok(()) => parsed.rows.push(row),
                Err(reason) => parsed.ignore(*line, reason),
            },
            Err(Skip::Ignored(reason)) => parsed.ignore(*line, reason),
            Err(Skip::Error(mut message)) => {
                if record.len() != table.header.len() {
                    message.push_str(&format!(
                        " (the row has {} fields where the header has {})",
                        record.len(),
                        table.header.len()
                    ));
                }
                parsed.errors.push(RowError::new(*line, message));
            }
        }
    }
    parsed
}

enum Skip {
    Ignored(String),
    Error(String),
}

fn row(
    line: usize,
    record: &[String],
    columns: &Columns,
    dialect: &Dialect,
    day_order: DayOrder,
    decimal: DecimalMark,
) -> Result<ImportRow, Skip> {
    let cell = |f: Field| columns.get(record, f);
    let number = |f: Field| -> Result<Option<Decimal>, Skip> {
        match cell(f) {
            Some(raw) => values::decimal(raw, decimal)
                .map_err(|e| Skip::Error(format!("{}: {e}", f.as_str()))),
            None => Ok(None),
        }
    };
    let date_cell = cell(Field::Date).ok_or_else(|| Skip::Error("the date is empty".into()))?;
    let date: NaiveDate =
        values::date(date_cell, day_order).map_err(|e| Skip::Error(format!("date: {e}")))?;
    let type_cell = cell(Field::Type).ok_or_else(|| Skip::Error("the type is empty".into()))?;
    let quantity = number(Field::Quantity)?;
    let amount = number(Field::Amount)?;
    let activity_type = match (dialect.words)(type_cell).or_else(|| type_word(type_cell)) {
        Some(TypeWord::Is(t)) => t,
        Some(TypeWord::BySign { incoming, outgoing }) => {
            let sign = amount.or(quantity).unwrap_or_default();
            let t = if sign.is_sign_negative() {
                outgoing
            } else {
                incoming
            };
            // Shares moving rather than cash: the same words say a transfer of a security.
            match (t, quantity.is_some() && cell(Field::Symbol).is_some()) {
                (ActivityType::Deposit, true) => ActivityType::TransferIn,
                (ActivityType::Withdrawal, true) => ActivityType::TransferOut,
                (t, _) => t,
            }
        }
        Some(TypeWord::Ignore(reason)) => return Err(Skip::Ignored(reason.to_string())),
        None => {
            return Err(Skip::Error(format!(
                "'{type_cell}' is not a type of activity this import knows (buy, sell, \
                 dividend, interest, fee, tax, deposit, withdrawal, transfer_in, transfer_out, \
                 split)"
            )))
        }
    };
    let mut row = ImportRow::new(line, activity_type, date);
    let symbol = cell(Field::Symbol).and_then(dialect.symbol);
    let isin = cell(Field::Isin)
        .map(str::to_string)
        .or_else(|| symbol.clone().filter(|s| values::is_isin(s)));
    let name = cell(Field::Name).map(str::to_string);
    // A name alone cannot be looked up, but says which security a trade lacks.
    if symbol.is_some() || isin.is_some() || (name.is_some() && activity_type.needs_security()) {
        row.security = Some(SecurityKey {
            symbol: symbol.filter(|s| !values::is_isin(s)),
            isin,
            cusip: None,
            name,
        });
    }
    row.quantity = quantity;
    row.unit_price = number(Field::UnitPrice)?;
    row.amount = amount;
    row.fee = number(Field::Fee)?;
    row.tax = number(Field::Tax)?;
    row.fx_rate = number(Field::FxRate)?.filter(|r| !r.is_zero());
    row.currency = cell(Field::Currency).map(str::to_string);
    row.split_ratio = match cell(Field::SplitRatio) {
        Some(raw) => Some(
            SplitRatio::parse(raw)
                .map_err(|e| Skip::Error(format!("split_ratio: {}", e.message)))?,
        ),
        None => None,
    };
    if activity_type == ActivityType::Split
        && row.split_ratio.is_none()
        && dialect.split_in_quantity
    {
        if let Some(factor) = row.quantity.take() {
            row.split_ratio = Some(
                SplitRatio::parse(&format!("{}:1", factor.abs().normalize()))
                    .map_err(|e| Skip::Error(format!("quantity: {}", e.message)))?,
            );
        }
    }
    row.notes = cell(Field::Notes).map(str::to_string);
    row.source_id = cell(Field::Id).map(str::to_string);
    Ok(row)
}

/// Month first when some slashed or dashed date can only be read so (`03/21/2025`), day
/// first otherwise, as most of the world writes.
fn day_order_of(table: &Table, columns: &Columns) -> DayOrder {
    for (_, record) in &table.records {
        let Some(cell) = columns.get(record, Field::Date) else {
            continue;
        };
        let parts: Vec<&str> = cell.split(['/', '-', '.']).collect();
        if parts.len() >= 3 && parts[0].len() <= 2 {
            let second: u32 = parts[1].trim().parse().unwrap_or(0);
            let first: u32 = parts[0].trim().parse().unwrap_or(0);
            if second > 12 && first <= 12 {
                return DayOrder::MonthFirst;
            }
            if first > 12 {
                return DayOrder::DayFirst;
            }
        }
    }
    DayOrder::DayFirst
}

/// A decimal comma when a number cell has a comma after its last point (`4.312,50`) or a
/// comma with one or two digits after it in a file not separated by commas.
fn decimal_mark_of(table: &Table, columns: &Columns) -> DecimalMark {
    let numeric = [Field::Quantity, Field::UnitPrice, Field::Amount, Field::Fee];
    for (_, record) in &table.records {
        for field in numeric {
            let Some(cell) = columns.get(record, field) else {
                continue;
            };
            match (cell.rfind(','), cell.rfind('.')) {
                (Some(c), Some(p)) => {
                    return if c > p {
                        DecimalMark::Comma
                    } else {
                        DecimalMark::Point
                    };
                }
                (Some(c), None) if table.separator != b',' => {
                    let decimals = cell.len() - c - 1;
                    if decimals != 3 {
                        return DecimalMark::Comma;
                    }
                }
                (None, Some(_)) => return DecimalMark::Point,
                _ => {}
            }
        }
    }
    DecimalMark::Point
}
