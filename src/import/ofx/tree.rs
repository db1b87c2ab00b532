//! The OFX document as a tree of elements, read by quick-xml from the well-formed XML that
//! `sgml::to_xml` gives. OFX is small (a statement is kilobytes) and its transactions need
//! lookups across the file (the security list comes after the transactions), so the whole
//! tree is kept.

use quick_xml::events::Event;
use quick_xml::Reader;

/// One element: its name in capitals, where its start tag is in the XML, its own text
/// (trimmed; empty for an aggregate) and its child elements.
#[derive(Debug, Clone, Default)]
pub(super) struct Element {
    pub name: String,
    pub offset: usize,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The first element named `name` at any depth below this one, depth first.
    pub fn find(&self, name: &str) -> Option<&Element> {
        self.children.iter().find_map(|c| {
            if c.name == name {
                Some(c)
            } else {
                c.find(name)
            }
        })
    }

    /// Every element named `name` below this one, not looking inside those found.
    pub fn find_all<'a>(&'a self, name: &str, found: &mut Vec<&'a Element>) {
        for c in &self.children {
            if c.name == name {
                found.push(c);
            } else {
                c.find_all(name, found);
            }
        }
    }

    /// The text of the first element named `name` below this one, when it has any.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.find(name)
            .map(|e| e.text.as_str())
            .filter(|t| !t.is_empty())
    }
}

/// Why the XML could not be read, with the line it stopped at.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub(super) struct XmlError {
    pub line: usize,
    pub message: String,
}

/// The root element of `xml`.
pub(super) fn parse(xml: &str) -> Result<Element, XmlError> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let error = |at: usize, message: String| XmlError {
        line: crate::import::line_of(xml, at),
        message,
    };
    // The open elements, outermost first; a document element is pushed onto a holder.
    let mut open: Vec<Element> = vec![Element::default()];
    loop {
        let at = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event().map_err(|e| {
            let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
            error(at, e.to_string())
        })?;
        match event {
            Event::Start(tag) => open.push(Element {
                name: name_of(tag.name().as_ref()),
                offset: at,
                ..Element::default()
            }),
            Event::Empty(tag) => {
                let element = Element {
                    name: name_of(tag.name().as_ref()),
                    offset: at,
                    ..Element::default()
                };
                open.last_mut().expect("holder").children.push(element);
            }
            Event::End(_) => {
                let mut done = open.pop().expect("an end tag matches a start tag");
                done.text = done.text.trim().to_string();
                open.last_mut().expect("holder").children.push(done);
            }
            Event::Text(text) => {
                let decoded = text.xml_content().map_err(|e| error(at, e.to_string()))?;
                open.last_mut().expect("holder").text.push_str(&decoded);
            }
            Event::CData(text) => {
                let decoded = text.xml_content().map_err(|e| error(at, e.to_string()))?;
                open.last_mut().expect("holder").text.push_str(&decoded);
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = reference.decode().map_err(|e| error(at, e.to_string()))?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| error(at, format!("unknown entity &{name};")))?
                            .to_string()
                    }
                };
                open.last_mut().expect("holder").text.push_str(&resolved);
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if open.len() != 1 {
        let name = open.last().map(|e| e.name.clone()).unwrap_or_default();
        return Err(error(xml.len(), format!("<{name}> is not closed")));
    }
    let holder = open.pop().expect("holder");
    holder
        .children
        .into_iter()
        .next()
        .ok_or_else(|| error(0, "the document has no element".to_string()))
}

fn name_of(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn ofx_tree_keeps_offsets_text_and_children() {
        let xml = "<OFX>\n <A><B> 1 </B><C>x &amp; &#233;</C></A>\n <D/>\n</OFX>";
        let root = parse(xml).unwrap();
        assert_eq!(root.name, "OFX");
        let a = root.child("A").unwrap();
        assert_eq!(crate::import::line_of(xml, a.offset), 2);
        assert_eq!(root.text_of("B"), Some("1"));
        assert_eq!(root.text_of("C"), Some("x & é"));
        assert_eq!(
            crate::import::line_of(xml, root.child("D").unwrap().offset),
            3
        );
        assert_eq!(root.text_of("D"), None);
    }

    #[test]
    fn ofx_tree_reports_the_line_of_bad_xml() {
        let err = parse("<OFX>\n<A>\n</B>\n</OFX>").unwrap_err();
        assert_eq!(err.line, 3, "{err}");
    }
}
