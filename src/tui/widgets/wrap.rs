//! Breaking a message into lines of a width, at spaces, so that it is shown whole: a word longer
//! than a line is split where the line ends.

use ratatui::text::Span;

/// Display columns of `text`.
pub fn width(text: &str) -> usize {
    Span::raw(text).width()
}

/// `text` in lines of at most `columns` display columns (at least one line).
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    let columns = columns.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let gap = usize::from(!line.is_empty());
        if !line.is_empty() && width(&line) + gap + width(word) > columns {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        for c in word.chars() {
            if width(&line) + width(c.encode_utf8(&mut [0; 4])) > columns {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The end of `text` in at most `columns` display columns, `…` first when cut: a field being
/// typed into keeps what is typed in view.
pub fn tail(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_string();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 1; // the `…`
    for c in text.chars().rev() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w > columns {
            break;
        }
        used += w;
        kept.push(c);
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

/// The start of `text` in at most `columns` display columns, `…` last when cut.
pub fn head(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 1; // the `…`
    for c in text.chars() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w > columns {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_splits_long_words() {
        assert_eq!(
            wrap("must be a web address such as bank.example", 16),
            ["must be a web", "address such as", "bank.example"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("fits", 4), ["fits"]);
    }

    #[test]
    fn tail_keeps_the_end() {
        assert_eq!(tail("https://bank.example", 10), "…k.example");
        assert_eq!(tail("short", 10), "short");
        assert_eq!(head("https://bank.example", 10), "https://b…");
        assert_eq!(head("short", 5), "short");
    }
}
