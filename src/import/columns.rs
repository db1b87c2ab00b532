//! Which column of a CSV holds which field of an activity: recognized from the header's words
//! (in the languages brokers export in), or given as `date=Trade Date,quantity=Qty`.

use std::collections::BTreeMap;

use super::table::Table;
use super::ImportError;

/// The fields a column can give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Date,
    Type,
    Symbol,
    Isin,
    Name,
    Quantity,
    UnitPrice,
    Amount,
    Fee,
    Tax,
    Currency,
    FxRate,
    SplitRatio,
    Notes,
    Id,
}

impl Field {
    pub const ALL: [Field; 15] = [
        Self::Date,
        Self::Type,
        Self::Symbol,
        Self::Isin,
        Self::Name,
        Self::Quantity,
        Self::UnitPrice,
        Self::Amount,
        Self::Fee,
        Self::Tax,
        Self::Currency,
        Self::FxRate,
        Self::SplitRatio,
        Self::Notes,
        Self::Id,
    ];

    /// The field's name in a mapping.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Date => "date",
            Self::Type => "type",
            Self::Symbol => "symbol",
            Self::Isin => "isin",
            Self::Name => "name",
            Self::Quantity => "quantity",
            Self::UnitPrice => "unit_price",
            Self::Amount => "amount",
            Self::Fee => "fee",
            Self::Tax => "tax",
            Self::Currency => "currency",
            Self::FxRate => "fx_rate",
            Self::SplitRatio => "split_ratio",
            Self::Notes => "notes",
            Self::Id => "id",
        }
    }

    /// Header words that name the field, compared as [`key`] makes them.
    fn words(self) -> &'static [&'static str] {
        match self {
            Self::Date => &[
                "date",
                "tradedate",
                "transactiondate",
                "rundate",
                "datum",
                "buchungstag",
                "handelstag",
                "datetrade",
                "dateoperation",
                "datedoperation",
                "fecha",
            ],
            // A broker's `Buy/Sell` says more than its `TransactionType` (`ExchTrade`).
            Self::Type => &[
                "type",
                "action",
                "buysell",
                "side",
                "activitytype",
                "activity",
                "typ",
                "operation",
                "opération",
                "transaktion",
                "transactiontype",
                "transaction",
            ],
            Self::Symbol => &["symbol", "ticker", "code", "tickersymbol", "symbole"],
            Self::Isin => &["isin", "isincode", "securityid"],
            Self::Name => &[
                "name",
                "securityname",
                "description",
                "instrument",
                "security",
                "libellé",
                "libelle",
                "wertpapier",
                "bezeichnung",
            ],
            Self::Quantity => &[
                "quantity",
                "qty",
                "shares",
                "units",
                "anzahl",
                "stück",
                "stuck",
                "quantité",
                "quantite",
                "nombre",
                "cantidad",
            ],
            Self::UnitPrice => &[
                "unitprice",
                "price",
                "tradeprice",
                "shareprice",
                "pricepershare",
                "kurs",
                "preis",
                "cours",
                "prix",
                "prixunitaire",
                "precio",
            ],
            Self::Amount => &[
                "amount",
                "total",
                "netamount",
                "value",
                "betrag",
                "montant",
                "importe",
                "proceeds",
            ],
            Self::Fee => &[
                "fee",
                "fees",
                "commission",
                "feescomm",
                "ibcommission",
                "gebühr",
                "gebuhr",
                "gebühren",
                "frais",
                "comisión",
            ],
            Self::Tax => &[
                "tax",
                "taxes",
                "withholdingtax",
                "steuer",
                "steuern",
                "impôt",
                "impot",
            ],
            Self::Currency => &[
                "currency",
                "ccy",
                "currencyprimary",
                "währung",
                "wahrung",
                "devise",
                "moneda",
            ],
            Self::FxRate => &[
                "fxrate",
                "exchangerate",
                "rate",
                "wechselkurs",
                "tauxdechange",
            ],
            Self::SplitRatio => &["splitratio", "ratio"],
            Self::Notes => &["notes", "note", "comment", "comments", "memo", "notiz"],
            Self::Id => &[
                "id",
                "transactionid",
                "tradeid",
                "reference",
                "externalid",
                "fitid",
            ],
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        let wanted = raw.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|f| f.as_str() == wanted)
    }
}

/// A header cell as compared with the known words: lower case, letters only.
fn key(cell: &str) -> String {
    cell.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The field a header cell names, if any.
pub fn field_of(cell: &str) -> Option<Field> {
    ranked(cell).map(|(f, _)| f)
}

/// The field a header cell names and how well: 0 is the field's first word.
fn ranked(cell: &str) -> Option<(Field, usize)> {
    let k = key(cell);
    Field::ALL
        .into_iter()
        .find_map(|f| f.words().iter().position(|w| *w == k).map(|rank| (f, rank)))
}

/// How many cells of a record name a field: how much it looks like a header.
pub fn header_score(record: &[String]) -> usize {
    let fields: std::collections::BTreeSet<Field> =
        record.iter().filter_map(|c| field_of(c)).collect();
    // A header names at least a date and one other field.
    if fields.contains(&Field::Date) && fields.len() >= 2 {
        fields.len()
    } else {
        0
    }
}

/// Columns named by a user, `field=Column Name` each.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mapping(pub BTreeMap<String, String>);

impl Mapping {
    /// Reads `date=Trade Date,quantity=Qty` (a comma inside a column name is written `\,`).
    pub fn parse(raw: &str) -> Result<Self, ImportError> {
        let mut map = BTreeMap::new();
        for entry in split_unescaped(raw) {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            let bad = || ImportError::BadMapping {
                entry: entry.to_string(),
                known: Field::ALL.map(Field::as_str).join(", "),
            };
            let (field, column) = entry.split_once('=').ok_or_else(bad)?;
            let field = Field::parse(field).ok_or_else(bad)?;
            if column.trim().is_empty() {
                return Err(bad());
            }
            map.insert(field.as_str().to_string(), column.trim().to_string());
        }
        Ok(Self(map))
    }

    /// How many of a record's cells the mapping names: the header is the record with all.
    pub fn score(&self, record: &[String]) -> usize {
        let named = self
            .0
            .values()
            .filter(|column| record.iter().any(|c| c.trim().eq_ignore_ascii_case(column)))
            .count();
        if named == self.0.len() && named > 0 {
            named
        } else {
            0
        }
    }
}

fn split_unescaped(raw: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&',') => {
                parts.last_mut().unwrap().push(',');
                chars.next();
            }
            ',' => parts.push(String::new()),
            c => parts.last_mut().unwrap().push(c),
        }
    }
    parts
}

/// The column of each field in a table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Columns(BTreeMap<Field, usize>);

impl Columns {
    /// The fields recognized in the header, with `mapping`'s columns in place of any guess.
    pub fn of(table: &Table, mapping: &Mapping) -> Result<Self, ImportError> {
        // Where two columns name a field, the one named by its better word.
        let mut best: BTreeMap<Field, (usize, usize)> = BTreeMap::new();
        for (index, cell) in table.header.iter().enumerate() {
            if let Some((field, rank)) = ranked(cell) {
                let entry = best.entry(field).or_insert((rank, index));
                if rank < entry.0 {
                    *entry = (rank, index);
                }
            }
        }
        let mut columns: BTreeMap<Field, usize> =
            best.into_iter().map(|(f, (_, index))| (f, index)).collect();
        for (field, column) in &mapping.0 {
            let field = Field::parse(field).expect("mappings hold known fields");
            let index = table
                .column(column)
                .ok_or_else(|| ImportError::NoSuchColumn {
                    column: column.clone(),
                })?;
            columns.retain(|_, i| *i != index);
            columns.insert(field, index);
        }
        for needed in [Field::Date, Field::Type] {
            if !columns.contains_key(&needed) {
                return Err(ImportError::Unmapped {
                    field: needed.as_str(),
                });
            }
        }
        Ok(Self(columns))
    }

    /// The cell of `field` in `record`, trimmed; `None` when the column is absent or empty.
    pub fn get<'r>(&self, record: &'r [String], field: Field) -> Option<&'r str> {
        let cell = record.get(*self.0.get(&field)?)?.trim();
        (!cell.is_empty()).then_some(cell)
    }

    pub fn has(&self, field: Field) -> bool {
        self.0.contains_key(&field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_words_in_several_languages() {
        assert_eq!(field_of("Trade Date"), Some(Field::Date));
        assert_eq!(field_of("Fees & Comm"), Some(Field::Fee));
        assert_eq!(field_of("Quantité"), Some(Field::Quantity));
        assert_eq!(field_of("unit_price"), Some(Field::UnitPrice));
        assert_eq!(field_of("Buy/Sell"), Some(Field::Type));
        assert_eq!(field_of("Colour"), None);
    }

    #[test]
    fn mappings_are_read_and_checked() {
        let m = Mapping::parse("date=Trade Date, quantity=Qty,notes=Memo\\, free text").unwrap();
        assert_eq!(m.0["date"], "Trade Date");
        assert_eq!(m.0["quantity"], "Qty");
        assert_eq!(m.0["notes"], "Memo, free text");
        assert!(matches!(
            Mapping::parse("when=Trade Date"),
            Err(ImportError::BadMapping { .. })
        ));
        assert!(Mapping::parse("date").is_err());
    }
}
