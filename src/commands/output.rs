//! Where the commands print and how: tables drawn with boxes for a person at a terminal, plain
//! aligned columns for pipes and files; and a reader that left early told apart from a write
//! that failed.

use std::fmt::Display;
use std::io::{self, IsTerminal, Write};

use comfy_table::presets::{NOTHING, UTF8_FULL_CONDENSED};
use comfy_table::Table;

/// How tables are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Box-drawing borders, for a terminal.
    Boxed,
    /// Columns aligned with spaces, no borders and no colour: what `grep`, `cut`, `awk` and
    /// files want.
    Plain,
}

impl Layout {
    /// Boxes only when standard output is a terminal.
    pub fn for_stdout() -> Self {
        if io::stdout().is_terminal() {
            Self::Boxed
        } else {
            Self::Plain
        }
    }
}

/// Standard output (or any writer) could not take what a command printed.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the output: {0}")]
pub struct OutputError(#[from] io::Error);

impl OutputError {
    /// The reader went away (`finances search apple | head -1`): nobody is left to tell, and
    /// the command did what was asked of it, so it ends quietly and successfully.
    pub fn is_closed_pipe(&self) -> bool {
        self.0.kind() == io::ErrorKind::BrokenPipe
    }
}

/// Columns of a plain table are this many spaces apart.
const PLAIN_GAP: u16 = 2;

/// A command's output: a writer and the layout of its tables.
pub struct Printer<'a> {
    out: &'a mut dyn Write,
    layout: Layout,
}

impl<'a> Printer<'a> {
    pub fn new(out: &'a mut dyn Write, layout: Layout) -> Self {
        Self { out, layout }
    }

    /// How this printer draws tables: with boxes for a terminal, or plain.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// One line of text.
    pub fn line(&mut self, text: impl Display) -> Result<(), OutputError> {
        Ok(writeln!(self.out, "{text}")?)
    }

    /// Bytes as they are, such as a generated completion script.
    pub fn raw(&mut self, bytes: &[u8]) -> Result<(), OutputError> {
        Ok(self.out.write_all(bytes)?)
    }

    /// A table of `rows` under `header` (none for a list of labelled values).
    pub fn table(
        &mut self,
        header: Option<&[&str]>,
        rows: Vec<Vec<String>>,
    ) -> Result<(), OutputError> {
        let text = render(self.layout, header, rows);
        self.line(text)
    }

    /// Everything written so far, out: a failure to write it is the command's failure.
    pub fn flush(&mut self) -> Result<(), OutputError> {
        Ok(self.out.flush()?)
    }
}

/// The text of a table.
///
/// Plain, `Symbol  Name` over `AAPL    Apple Inc.`: the first column at the left margin,
/// columns two spaces apart, no space at the end of a line.
pub fn render(layout: Layout, header: Option<&[&str]>, rows: Vec<Vec<String>>) -> String {
    let mut table = Table::new();
    table.load_preset(match layout {
        Layout::Boxed => UTF8_FULL_CONDENSED,
        Layout::Plain => NOTHING,
    });
    if let Some(header) = header {
        table.set_header(header.to_vec());
    }
    for row in rows {
        table.add_row(row);
    }
    match layout {
        Layout::Boxed => table.to_string(),
        Layout::Plain => {
            for column in table.column_iter_mut() {
                column.set_padding((0, PLAIN_GAP));
            }
            table.trim_fmt()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Vec<String>> {
        vec![
            vec!["AAPL".into(), "Apple Inc.".into(), "yes".into()],
            vec![
                "APLE".into(),
                "Apple Hospitality REIT, Inc.".into(),
                String::new(),
            ],
        ]
    }

    #[test]
    fn plain_tables_are_aligned_columns_without_borders() {
        let text = render(Layout::Plain, Some(&["Symbol", "Name", "Stored"]), rows());
        assert_eq!(
            text,
            "Symbol  Name                          Stored\n\
             AAPL    Apple Inc.                    yes\n\
             APLE    Apple Hospitality REIT, Inc."
        );
    }

    #[test]
    fn boxed_tables_have_borders() {
        let text = render(Layout::Boxed, Some(&["Symbol", "Name", "Stored"]), rows());
        assert!(text.starts_with('┌'), "{text}");
        assert!(text.contains("│ AAPL   ┆ Apple Inc."), "{text}");
    }
}
