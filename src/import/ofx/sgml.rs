//! OFX 1.x is SGML: a leaf element's end tag may be left out (`<UNITS>100` then the next tag)
//! and text may hold `&` bare or HTML's entities. This turns any OFX document, SGML or XML,
//! into well-formed XML for an XML reader, keeping every element on the line it had, so a
//! row's line in the converted text is its line in the file.

/// The document from its `<OFX>` element on, as well-formed XML. The header before it (the
/// `OFXHEADER:100` lines, or the `<?xml?>` and `<?OFX?>` instructions) becomes blank lines.
pub(super) fn to_xml(text: &str) -> Result<String, SgmlError> {
    let start = find_ofx_start(text).ok_or(SgmlError::NoOfxElement)?;
    let tokens = tokenize(text, start)?;
    let mut out: Vec<String> = vec![newlines(&text[..start])];
    // Open aggregates, each with the index in `out` just after its start tag: where its end
    // tag goes if it turns out to have been an empty leaf.
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Start { name, raw } => {
                let text_after = match tokens.get(i + 1) {
                    Some(Token::Text(t)) if !t.trim().is_empty() => Some(t),
                    _ => None,
                };
                match text_after {
                    Some(t) => {
                        out.push(raw.clone());
                        match tokens.get(i + 2) {
                            Some(Token::End { name: n, raw: end }) if n == name => {
                                out.push(escape_text(t));
                                out.push(end.clone());
                                i += 3;
                            }
                            _ => {
                                // A leaf whose end tag the file left out: close it after its
                                // value, before the line break.
                                let value_end = t.trim_end().len();
                                out.push(escape_text(&t[..value_end]));
                                out.push(format!("</{name}>"));
                                out.push(t[value_end..].to_string());
                                i += 2;
                            }
                        }
                        continue;
                    }
                    None => {
                        out.push(raw.clone());
                        open.push((name.clone(), out.len()));
                    }
                }
            }
            Token::End { name, raw } => {
                if let Some(at) = open.iter().rposition(|(n, _)| n == name) {
                    // Anything opened after it and still open was an empty leaf (`<MEMO>` with
                    // nothing after it): close each right after its start tag.
                    for (inner, after_start) in open.drain(at + 1..).rev() {
                        out.insert(after_start, format!("</{inner}>"));
                    }
                    open.pop();
                    out.push(raw.clone());
                } else {
                    // An end tag with no start (a leaf closed twice): dropped, its lines kept.
                    out.push(newlines(raw));
                }
            }
            Token::Empty(raw) => out.push(raw.clone()),
            Token::Text(t) => out.push(escape_text(t)),
            Token::Skipped(lines) => out.push(lines.clone()),
        }
        i += 1;
    }
    // A file cut short: close what is still open, innermost first.
    for (name, _) in open.into_iter().rev() {
        out.push(format!("</{name}>"));
    }
    Ok(out.concat())
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum SgmlError {
    #[error("the file has no <OFX> element")]
    NoOfxElement,
    #[error("line {line}: a tag is not closed")]
    UnclosedTag { line: usize },
}

/// Where the `<OFX>` element starts, in any letter case.
fn find_ofx_start(text: &str) -> Option<usize> {
    let upper = text.to_ascii_uppercase();
    let mut from = 0;
    while let Some(found) = upper[from..].find("<OFX") {
        let at = from + found;
        match upper.as_bytes().get(at + 4) {
            Some(b'>' | b' ' | b'\t' | b'\r' | b'\n') => return Some(at),
            _ => from = at + 4,
        }
    }
    None
}

#[derive(Debug)]
enum Token {
    /// `<NAME>`, its name in capitals and the tag as it will be written.
    Start {
        name: String,
        raw: String,
    },
    End {
        name: String,
        raw: String,
    },
    /// `<NAME/>`
    Empty(String),
    /// Text between tags, entities still as written.
    Text(String),
    /// A comment or processing instruction: only its line breaks are kept.
    Skipped(String),
}

fn tokenize(text: &str, start: usize) -> Result<Vec<Token>, SgmlError> {
    let mut tokens = Vec::new();
    let mut rest = &text[start..];
    let mut offset = start;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            tokens.push(Token::Text(rest.to_string()));
            break;
        };
        if lt > 0 {
            tokens.push(Token::Text(rest[..lt].to_string()));
        }
        let tag = &rest[lt..];
        let unclosed = || SgmlError::UnclosedTag {
            line: crate::import::line_of(text, offset + lt),
        };
        let (len, token) = if let Some(body) = tag.strip_prefix("<![CDATA[") {
            let end = body.find("]]>").ok_or_else(unclosed)?;
            // CDATA is text taken literally: escape what an entity decoder would read.
            let literal = body[..end].replace('&', "&amp;");
            (9 + end + 3, Token::Text(literal))
        } else if tag.starts_with("<!--") {
            let end = tag.find("-->").ok_or_else(unclosed)?;
            (end + 3, Token::Skipped(newlines(&tag[..end])))
        } else if tag.starts_with("<?") || tag.starts_with("<!") {
            let end = tag.find('>').ok_or_else(unclosed)?;
            (end + 1, Token::Skipped(newlines(&tag[..end])))
        } else {
            let end = tag.find('>').ok_or_else(unclosed)?;
            (end + 1, tag_token(&tag[1..end]))
        };
        tokens.push(token);
        rest = &rest[lt + len..];
        offset += lt + len;
    }
    Ok(tokens)
}

/// The token of a tag from what lies between `<` and `>`.
fn tag_token(inner: &str) -> Token {
    let lines = newlines(inner);
    if let Some(name) = inner.strip_prefix('/') {
        let name = name.trim().to_ascii_uppercase();
        let raw = format!("</{name}>{lines}");
        return Token::End { name, raw };
    }
    let (body, empty) = match inner.trim_end().strip_suffix('/') {
        Some(body) => (body, true),
        None => (inner, false),
    };
    let mut parts = body.trim().splitn(2, char::is_whitespace);
    let name = parts.next().unwrap_or("").to_ascii_uppercase();
    // OFX elements carry no attributes; any that are there are dropped rather than checked.
    if empty {
        Token::Empty(format!("<{name}/>{lines}"))
    } else {
        let raw = format!("<{name}>{lines}");
        Token::Start { name, raw }
    }
}

fn newlines(s: &str) -> String {
    "\n".repeat(s.matches('\n').count())
}

/// Text as XML: the entities SGML files use (`&amp;`, `&nbsp;`, `&#233;`) decoded, a bare
/// `&` taken as itself, then `&`, `<` and `>` escaped again.
fn escape_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&escape(&rest[..amp]));
        let after = &rest[amp + 1..];
        let decoded = after
            .find(';')
            .filter(|&semi| semi <= 10)
            .and_then(|semi| entity(&after[..semi]).map(|c| (c, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push_str(&escape(c.encode_utf8(&mut [0; 4])));
                rest = &after[semi + 1..];
            }
            None => {
                out.push_str("&amp;");
                rest = after;
            }
        }
    }
    out.push_str(&escape(rest));
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code).filter(|&c| c != '\0')
        }
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::{to_xml, SgmlError};

    #[test]
    fn ofx_sgml_leaves_are_closed_on_their_own_line() {
        let sgml = "OFXHEADER:100\nDATA:OFXSGML\n\n<OFX>\n<STMTTRN>\n<TRNAMT>-8.50\n<NAME>A &amp; B\n</STMTTRN>\n</OFX>\n";
        let xml = to_xml(sgml).unwrap();
        assert_eq!(
            xml,
            "\n\n\n<OFX>\n<STMTTRN>\n<TRNAMT>-8.50</TRNAMT>\n<NAME>A &amp; B</NAME>\n</STMTTRN>\n</OFX>\n"
        );
        assert_eq!(xml.lines().count(), sgml.lines().count());
    }

    #[test]
    fn ofx_xml_already_closed_is_kept() {
        let xml = "<?xml version=\"1.0\"?>\n<?OFX OFXHEADER=\"200\"?>\n<OFX><A><B>1</B><C>x</C></A></OFX>";
        assert_eq!(
            to_xml(xml).unwrap(),
            "\n\n<OFX><A><B>1</B><C>x</C></A></OFX>"
        );
    }

    #[test]
    fn ofx_entities_are_decoded_and_bare_ampersands_escaped() {
        let sgml = "<OFX><NAME>AT&T &lt;ok&gt; caf&#233;&nbsp;&#x41;\n</OFX>";
        assert_eq!(
            to_xml(sgml).unwrap(),
            "<OFX><NAME>AT&amp;T &lt;ok&gt; café\u{a0}A</NAME>\n</OFX>"
        );
    }

    #[test]
    fn ofx_empty_leaf_without_end_tag_is_closed_where_it_opened() {
        let sgml = "<OFX>\n<INVTRAN>\n<MEMO>\n<FITID>7\n</INVTRAN>\n</OFX>";
        assert_eq!(
            to_xml(sgml).unwrap(),
            "<OFX>\n<INVTRAN>\n<MEMO></MEMO>\n<FITID>7</FITID>\n</INVTRAN>\n</OFX>"
        );
    }

    #[test]
    fn ofx_lowercase_tags_comments_and_truncation() {
        let sgml = "<ofx>\n<!-- a\ncomment -->\n<bal><value>3\n";
        assert_eq!(
            to_xml(sgml).unwrap(),
            "<OFX>\n\n\n<BAL><VALUE>3</VALUE>\n</BAL></OFX>"
        );
    }

    #[test]
    fn ofx_without_an_ofx_element_or_with_an_open_tag_is_refused() {
        assert_eq!(
            to_xml("Date,Amount\n2024-01-01,3\n"),
            Err(SgmlError::NoOfxElement)
        );
        assert_eq!(
            to_xml("<OFX>\n<CODE>0\n<SEVERITY"),
            Err(SgmlError::UnclosedTag { line: 3 })
        );
    }
}
