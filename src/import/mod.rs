//! Other tools' exports read into activities. Each format is a pure function from a file's
//! bytes to the rows it describes, with the line each came from; nothing here looks anything
//! up or stores anything. The import service resolves securities, gives each row its identity
//! and records the file all or nothing.
//!
//! A row keeps what the file says of its security (ticker, ISIN, CUSIP, name), since only the
//! service can ask the store or Yahoo which security that is.

mod activity_words;
mod broker_csv;
pub mod columns;
mod csv_rows;
mod ghostfolio;
pub mod ibkr_flex;
mod normalize;
pub mod ofx;
mod row;
mod table;
mod trade_republic;
pub mod values;

pub use columns::Mapping;
pub use normalize::normalize;
pub use row::{line_of, Ignored, ImportRow, LineIndex, Parsed, RowError, SecurityKey};

/// The formats read, each named as on the command line (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Any CSV with a column mapping, detected from its header or given.
    Csv,
    /// Ghostfolio's JSON export.
    Ghostfolio,
    /// Ghostfolio's CSV import file.
    GhostfolioCsv,
    /// Wealthfolio's activity CSV.
    Wealthfolio,
    /// Charles Schwab's transaction history CSV (Wealthfolio's template).
    Schwab,
    /// Trade Republic's transaction export.
    TradeRepublic,
    /// Interactive Brokers Flex statement (XML).
    IbkrFlex,
    /// OFX or QFX investment statement, SGML 1.x or XML 2.x.
    Ofx,
}

impl Format {
    pub const ALL: [Format; 8] = [
        Self::Csv,
        Self::Ghostfolio,
        Self::GhostfolioCsv,
        Self::Wealthfolio,
        Self::Schwab,
        Self::TradeRepublic,
        Self::IbkrFlex,
        Self::Ofx,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Ghostfolio => "ghostfolio",
            Self::GhostfolioCsv => "ghostfolio_csv",
            Self::Wealthfolio => "wealthfolio",
            Self::Schwab => "schwab",
            Self::TradeRepublic => "trade_republic",
            Self::IbkrFlex => "ibkr_flex",
            Self::Ofx => "ofx",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        let wanted = raw.trim().to_ascii_lowercase().replace('-', "_");
        Self::ALL.into_iter().find(|f| f.as_str() == wanted)
    }

    /// The format a user named, or an error that lists the names.
    pub fn named(raw: &str) -> Result<Self, ImportError> {
        Self::parse(raw).ok_or_else(|| ImportError::NoSuchFormat {
            name: raw.trim().to_string(),
        })
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a file could not be read at all (a bad row is a [`RowError`] instead).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(
        "the file's format was not recognized; name it with --format ({})",
        formats()
    )]
    UnknownFormat,
    #[error("'{name}' is not one of {}", formats())]
    NoSuchFormat { name: String },
    #[error("the file is empty")]
    Empty,
    #[error("the file is not text (byte {position} is a control character)")]
    NotText { position: usize },
    #[error("this is not a {format} file: {reason}")]
    NotThisFormat { format: Format, reason: String },
    #[error("no column of the header gives the {field}; map one with --map {field}=COLUMN")]
    Unmapped { field: &'static str },
    #[error("the mapping names a column '{column}' that the header does not have")]
    NoSuchColumn { column: String },
    #[error("the mapping '{entry}' is not FIELD=COLUMN with a known field ({known})")]
    BadMapping { entry: String, known: String },
    #[error("the {format} file cannot be read: {source}")]
    Malformed {
        format: Format,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

fn formats() -> String {
    Format::ALL.map(Format::as_str).join(", ")
}

/// What the caller says of a file: its format, when detection is not wanted, and the columns
/// of a generic CSV, when its header's words are not enough.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub format: Option<Format>,
    pub mapping: Mapping,
    /// The currency of the account the rows go to, where a format's rates depend on it.
    pub account_currency: Option<String>,
}

/// The rows of a file, reshaped as the ledger takes them.
pub fn read(bytes: &[u8], options: &ReadOptions) -> Result<Parsed, ImportError> {
    let text = text_of(bytes)?;
    let text = text.as_ref();
    let format = match options.format {
        Some(format) => format,
        None if !options.mapping.0.is_empty() => Format::Csv,
        None => detect(text).ok_or(ImportError::UnknownFormat)?,
    };
    let mut parsed = match format {
        Format::Csv => generic_csv(text, &options.mapping)?,
        Format::Ghostfolio => ghostfolio::read(text)?,
        Format::TradeRepublic => trade_republic::read(text)?,
        Format::GhostfolioCsv | Format::Wealthfolio | Format::Schwab => {
            broker_csv::read(text, format)?
        }
        Format::IbkrFlex => ibkr_flex::read_for_account(text, options.account_currency.as_deref())?,
        Format::Ofx => ofx::read(text)?,
    };
    parsed.rows = parsed.rows.into_iter().flat_map(normalize).collect();
    Ok(parsed)
}

/// The file's format, told from its content.
pub fn detect(text: &str) -> Option<Format> {
    if ofx::looks_like(text) {
        return Some(Format::Ofx);
    }
    if ibkr_flex::looks_like(text) {
        return Some(Format::IbkrFlex);
    }
    if ghostfolio::looks_like(text) {
        return Some(Format::Ghostfolio);
    }
    for (format, _) in broker_csv::SIGNATURES {
        if table::has_header(text, |r| broker_csv::signature_score(*format, r)) {
            return Some(*format);
        }
    }
    table::has_header(text, columns::header_score).then_some(Format::Csv)
}

fn generic_csv(text: &str, mapping: &Mapping) -> Result<Parsed, ImportError> {
    let table = if mapping.0.is_empty() {
        table::read(text, Format::Csv, columns::header_score)?
    } else {
        table::read(text, Format::Csv, |r| mapping.score(r))?
    };
    let columns = columns::Columns::of(&table, mapping)?;
    Ok(csv_rows::read(
        &table,
        &columns,
        &csv_rows::Dialect::generic(Format::Csv),
    ))
}

/// The file as text: UTF-8 (with or without a byte-order mark), else Windows-1252, which
/// older OFX files and European spreadsheets are written in. Bytes that are no text at all
/// (a control character other than a line end or tab) are refused.
fn text_of(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(position) = bytes
        .iter()
        .position(|&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t'))
    {
        return Err(ImportError::NotText { position });
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    };
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(text)
}
