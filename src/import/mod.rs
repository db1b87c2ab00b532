//! Other tools' exports read into activities. Each format is a pure function from a file's
//! bytes to the rows it describes, with the line each came from; nothing here looks anything
//! up or stores anything. The import service resolves securities, gives each row its identity
//! and records the file all or nothing.
//!
//! A row keeps what the file says of its security (ticker, ISIN, CUSIP, name), since only the
//! service can ask the store or Yahoo which security that is.

mod row;
pub mod values;

pub use row::{line_of, Ignored, ImportRow, Parsed, RowError, SecurityKey};

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
    #[error("the file is empty")]
    Empty,
    #[error("the file is not UTF-8 text (byte {position})")]
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
