//! A CSV file as a header and records, wherever the header is: exports put titles and notes
//! above it and totals below, and use `,`, `;` or tabs. The separator and the header are the
//! ones under which the most header cells are recognized.

use super::{Format, ImportError};

/// Separators tried, in order of preference on a tie.
const SEPARATORS: [u8; 3] = [b',', b';', b'\t'];
/// How far down a header may sit below a preamble.
const HEADER_SEARCH_RECORDS: usize = 30;

/// The records of a delimited file under its header.
#[derive(Debug, Clone)]
pub struct Table {
    pub separator: u8,
    pub header_line: usize,
    pub header: Vec<String>,
    /// Each record with the 1-based line it starts on.
    pub records: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// The index of the column named `name`, compared without case or surrounding spaces.
    pub fn column(&self, name: &str) -> Option<usize> {
        let wanted = name.trim();
        self.header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(wanted))
    }
}

/// Reads `text` as a table whose header is the record that `score` rates highest (0: not a
/// header) among the first few, with the separator that rates best.
pub fn read(
    text: &str,
    format: Format,
    score: impl Fn(&[String]) -> usize,
) -> Result<Table, ImportError> {
    let mut best: Option<(usize, u8, usize)> = None;
    for separator in SEPARATORS {
        let records = records(text, separator, Some(HEADER_SEARCH_RECORDS), format)?;
        for (index, (_, record)) in records.iter().enumerate() {
            let s = score(record);
            if s > 0 && best.is_none_or(|(b, _, _)| s > b) {
                best = Some((s, separator, index));
            }
        }
    }
    let Some((_, separator, header_index)) = best else {
        return Err(ImportError::NotThisFormat {
            format,
            reason: "no line of the file is a header this format knows".into(),
        });
    };
    let mut all = records(text, separator, None, format)?.into_iter();
    let (header_line, header) = all.nth(header_index).expect("the header was read before");
    Ok(Table {
        separator,
        header_line,
        header: header.into_iter().map(|h| h.trim().to_string()).collect(),
        records: all
            .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
            .collect(),
    })
}

/// Whether one of the first records of `text` is a header by `score`, whatever the separator.
pub fn has_header(text: &str, score: impl Fn(&[String]) -> usize) -> bool {
    SEPARATORS.into_iter().any(|separator| {
        records(text, separator, Some(HEADER_SEARCH_RECORDS), Format::Csv)
            .is_ok_and(|records| records.iter().any(|(_, r)| score(r) > 0))
    })
}

fn records(
    text: &str,
    separator: u8,
    limit: Option<usize>,
    format: Format,
) -> Result<Vec<(usize, Vec<String>)>, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    // Lines are counted from the last record on, not from the start of the file each time.
    let (mut counted_to, mut line_at) = (0usize, 1usize);
    for record in reader.records() {
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
        let record = record.map_err(|e| ImportError::Malformed {
            format,
            source: Box::new(e),
        })?;
        // The reader's position may be that of blank lines it skipped before the record.
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let skipped = text.as_bytes()[start.min(text.len())..]
            .iter()
            .take_while(|b| matches!(b, b'\n' | b'\r'))
            .count();
        let at = (start + skipped).min(text.len());
        line_at += text.as_bytes()[counted_to.min(at)..at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted_to = counted_to.max(at);
        let line = line_at;
        out.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn knows(record: &[String]) -> usize {
        record
            .iter()
            .filter(|c| ["date", "type", "amount"].contains(&c.trim().to_lowercase().as_str()))
            .count()
    }

    #[test]
    fn the_header_is_found_under_a_preamble_with_its_separator() {
        let text = "Export of account 123\nCreated 2024-05-01\n\ndate;type;amount\n2024-01-02;Deposit;\"1.000,50\"\n\n2024-01-03;Fee;2\n";
        let table = read(text, Format::Csv, knows).unwrap();
        assert_eq!(table.separator, b';');
        assert_eq!(table.header_line, 4);
        assert_eq!(table.header, ["date", "type", "amount"]);
        assert_eq!(table.records.len(), 2);
        assert_eq!(
            table.records[0],
            (
                5,
                vec!["2024-01-02".into(), "Deposit".into(), "1.000,50".into()]
            )
        );
        assert_eq!(table.records[1].0, 7);
        assert_eq!(table.column(" TYPE "), Some(1));
    }

    #[test]
    fn a_file_without_a_known_header_is_not_this_format() {
        let err = read("a,b\n1,2\n", Format::Csv, knows).unwrap_err();
        assert!(matches!(err, ImportError::NotThisFormat { .. }), "{err}");
    }
}
