//! A listing in the four forms a command prints: a table for people, and for programs a JSON
//! array, newline-delimited JSON (one object a line) or CSV with a header row.
//!
//! The objects are the API's for the same resource, serialized by the same wire types, so a
//! script reads a command's output and the API's answer alike, field for field and value for
//! value. A table's and a CSV's columns are named as the fields they show; a field of a nested
//! object gets a short name of its own (`symbol` for `security.symbol`). The CSV is RFC 4180
//! (fields quoted where needed), UTF-8, each record ended by `\n`; a value is its JSON text
//! (a string without its quotes, a number as written, `true`/`false`), null is empty.

use serde::Serialize;
use serde_json::Value;

use crate::cli::OutputArgs;
use crate::service::ServiceError;

use super::output::{Layout, Printer};
use super::CommandResult;

/// How a listing is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Ndjson,
    /// `bom`: starts with a UTF-8 byte-order mark.
    Csv {
        bom: bool,
    },
}

impl Format {
    pub fn is_table(self) -> bool {
        self == Self::Table
    }
}

impl From<&OutputArgs> for Format {
    fn from(args: &OutputArgs) -> Self {
        if args.json {
            Self::Json
        } else if args.ndjson {
            Self::Ndjson
        } else if args.csv {
            Self::Csv { bom: args.bom }
        } else {
            Self::Table
        }
    }
}

/// A column of a table or a CSV: its name, and the path of the field it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    /// Dotted: `security.symbol`.
    pub path: &'static str,
}

impl Column {
    /// The field of this name.
    pub const fn field(name: &'static str) -> Self {
        Self { name, path: name }
    }

    /// A field of a nested object, under a name of its own.
    pub const fn nested(name: &'static str, path: &'static str) -> Self {
        Self { name, path }
    }
}

/// The column names of `columns`, in order.
pub fn names(columns: &[Column]) -> Vec<&'static str> {
    columns.iter().map(|c| c.name).collect()
}

/// What a command lists: the objects, and the rows of its table and CSV.
#[derive(Debug)]
pub struct Listing<T> {
    columns: Vec<&'static str>,
    /// Kept as they are, so that their fields print in the API's order.
    items: Vec<T>,
    rows: Vec<Vec<String>>,
}

impl<T: Serialize> Listing<T> {
    /// `items`, and each one's values under `columns` as a row.
    pub fn new(columns: &[Column], items: impl IntoIterator<Item = T>) -> CommandResult<Self> {
        let items: Vec<T> = items.into_iter().collect();
        let rows = items
            .iter()
            .map(|item| {
                let value = serde_json::to_value(item).map_err(ServiceError::internal)?;
                Ok(columns.iter().map(|c| cell(at(&value, c.path))).collect())
            })
            .collect::<CommandResult<_>>()?;
        Ok(Self {
            columns: names(columns),
            items,
            rows,
        })
    }

    /// Rows made apart from the objects: where the API has a CSV of its own for the resource,
    /// the command's is the same.
    pub fn with_rows(
        columns: &[&'static str],
        items: impl IntoIterator<Item = T>,
        rows: Vec<Vec<String>>,
    ) -> Self {
        Self {
            columns: columns.to_vec(),
            items: items.into_iter().collect(),
            rows,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Prints the listing in `format`; a table under its column names.
    pub fn print(self, out: &mut Printer<'_>, format: Format) -> CommandResult<()> {
        match format {
            Format::Table => out.table(Some(&self.columns), self.rows)?,
            Format::Json => {
                let text = if out.layout() == Layout::Boxed {
                    serde_json::to_string_pretty(&self.items)
                } else {
                    serde_json::to_string(&self.items)
                };
                out.line(text.map_err(ServiceError::internal)?)?;
            }
            Format::Ndjson => {
                for item in &self.items {
                    out.line(serde_json::to_string(item).map_err(ServiceError::internal)?)?;
                }
            }
            Format::Csv { bom } => {
                if bom {
                    out.raw("\u{feff}".as_bytes())?;
                }
                let mut writer = csv::Writer::from_writer(Vec::new());
                writer
                    .write_record(&self.columns)
                    .map_err(ServiceError::internal)?;
                for row in &self.rows {
                    writer.write_record(row).map_err(ServiceError::internal)?;
                }
                let bytes = writer
                    .into_inner()
                    .map_err(|e| ServiceError::internal(e.to_string()))?;
                out.raw(&bytes)?;
            }
        }
        Ok(())
    }
}

/// The value at a dotted path; null where there is none.
fn at<'a>(item: &'a Value, path: &str) -> &'a Value {
    path.split('.')
        .try_fold(item, |v, key| v.get(key))
        .unwrap_or(&Value::Null)
}

/// A value as a cell's text: a string without quotes, a number as written, null empty.
pub fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// A remark beside a listing: under the table on a terminal; on standard error when the output
/// is for a program, which reads standard output whole.
pub fn remark(
    out: &mut Printer<'_>,
    format: Format,
    text: impl std::fmt::Display,
) -> CommandResult<()> {
    if format.is_table() {
        out.line(text)?;
    } else {
        eprintln!("{text}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const COLUMNS: [Column; 4] = [
        Column::field("id"),
        Column::nested("symbol", "security.symbol"),
        Column::field("amount"),
        Column::field("notes"),
    ];

    fn listing() -> Listing<Value> {
        Listing::new(
            &COLUMNS,
            [
                json!({"id": 1, "security": {"symbol": "AAPL"}, "amount": "1500.00",
                       "notes": "a, \"quoted\"\nnote"}),
                json!({"id": 2, "security": null, "amount": null, "notes": "Société Générale"}),
            ],
        )
        .unwrap()
    }

    fn printed(listing: Listing<Value>, format: Format) -> String {
        let mut bytes = Vec::new();
        listing
            .print(&mut Printer::new(&mut bytes, Layout::Plain), format)
            .unwrap();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn csv_quotes_what_it_must_and_leaves_null_empty() {
        assert_eq!(
            printed(listing(), Format::Csv { bom: false }),
            "id,symbol,amount,notes\n\
             1,AAPL,1500.00,\"a, \"\"quoted\"\"\nnote\"\n\
             2,,,Société Générale\n"
        );
    }

    #[test]
    fn a_bom_comes_first_when_asked_for() {
        let text = printed(listing(), Format::Csv { bom: true });
        assert!(text.starts_with("\u{feff}id,symbol"), "{text}");
    }

    #[test]
    fn ndjson_is_the_json_arrays_items_a_line_each() {
        let array: Value = serde_json::from_str(&printed(listing(), Format::Json)).unwrap();
        let lines: Vec<Value> = printed(listing(), Format::Ndjson)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(Value::Array(lines), array);
        assert_eq!(array[0]["security"]["symbol"], "AAPL");
    }

    #[test]
    fn tables_show_the_csv_cells_under_the_column_names() {
        let text = printed(listing(), Format::Table);
        assert!(text.starts_with("id  symbol  amount"), "{text}");
        assert!(text.contains("1   AAPL    1500.00"), "{text}");
    }

    /// Each list command's help names its columns, as they are printed.
    #[test]
    fn the_help_names_each_commands_columns() {
        use super::super::{
            activity, ledger, market, performance, portfolio, prices, proposals, rates,
        };
        use clap::CommandFactory;
        let gains: Vec<Column> = crate::http::dto::ledger::GAINS_CSV_COLUMNS
            .into_iter()
            .map(Column::field)
            .collect();
        let commands: [(&[&str], &[Column]); 14] = [
            (&["accounts"], &portfolio::ACCOUNT_COLUMNS),
            (&["holdings"], &portfolio::HOLDING_COLUMNS),
            (&["positions"], &ledger::POSITION_COLUMNS),
            (&["activity", "list"], &activity::COLUMNS),
            (&["activity", "add"], &activity::COLUMNS),
            (&["gains"], &gains),
            (&["income"], &ledger::INCOME_COLUMNS),
            (&["perf"], &performance::PERF_COLUMNS),
            (&["perf"], &performance::SERIES_COLUMNS),
            (&["prices"], &prices::PRICE_COLUMNS),
            (&["rates"], &rates::RATE_COLUMNS),
            (&["search"], &market::SEARCH_COLUMNS),
            (&["quote"], &market::QUOTE_COLUMNS),
            (&["proposals"], &proposals::PROPOSAL_COLUMNS),
        ];
        let cli = crate::cli::Cli::command();
        for (path, columns) in commands {
            let command = path.iter().fold(&cli, |c, name| {
                c.find_subcommand(name)
                    .unwrap_or_else(|| panic!("no command {path:?}"))
            });
            let help = command
                .get_after_help()
                .map(ToString::to_string)
                .unwrap_or_default();
            let listed = names(columns).join(", ");
            assert!(help.contains(&listed), "{path:?}: {help:?} lacks {listed}");
        }
    }

    #[test]
    fn the_flags_choose_the_format() {
        let args = |json, ndjson, csv, bom| OutputArgs {
            json,
            ndjson,
            csv,
            bom,
        };
        assert_eq!(
            Format::from(&args(false, false, false, false)),
            Format::Table
        );
        assert_eq!(Format::from(&args(true, false, false, false)), Format::Json);
        assert_eq!(
            Format::from(&args(false, true, false, false)),
            Format::Ndjson
        );
        assert_eq!(
            Format::from(&args(false, false, true, true)),
            Format::Csv { bom: true }
        );
    }
}
