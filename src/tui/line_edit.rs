//! Editing a line of typed text, the same wherever the UI takes typing: the search query, the
//! holdings filter, the `:` command line and the text fields of forms. Typing always happens at
//! the end of the line, so the keys are the shell's few that need no cursor.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the help overlay says about typing, a line each.
pub const HELP: [&str; 2] = [
    "Typing (search, filter, command line, form fields):",
    "  backspace deletes a character, ctrl-w a word, ctrl-u the line",
];

/// An edit of the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKey {
    Insert(char),
    /// The last character.
    Backspace,
    /// The last word and the spaces after it (ctrl-w, alt-backspace).
    DeleteWord,
    /// Everything before the cursor, which is the whole line (ctrl-u).
    Clear,
}

impl LineKey {
    /// What a key does to a line, if it edits one. Other control keys are left to the caller.
    pub fn from_event(key: &KeyEvent) -> Option<Self> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        Some(match key.code {
            KeyCode::Char('u') if ctrl => Self::Clear,
            KeyCode::Char('w') if ctrl => Self::DeleteWord,
            KeyCode::Char('h') if ctrl => Self::Backspace,
            KeyCode::Char(_) if ctrl || alt => return None,
            KeyCode::Char(c) => Self::Insert(c),
            KeyCode::Backspace if ctrl || alt => Self::DeleteWord,
            KeyCode::Backspace => Self::Backspace,
            _ => return None,
        })
    }

    /// Applies the edit; whether the text changed.
    pub fn apply(self, text: &mut String) -> bool {
        let before = text.len();
        match self {
            Self::Insert(c) => text.push(c),
            Self::Backspace => {
                text.pop();
            }
            Self::DeleteWord => {
                // As a shell does: the spaces before the cursor, then the word before them.
                let kept = text.trim_end().len();
                text.truncate(kept);
                let start = text
                    .char_indices()
                    .rev()
                    .find(|(_, c)| c.is_whitespace())
                    .map_or(0, |(i, c)| i + c.len_utf8());
                text.truncate(start);
            }
            Self::Clear => text.clear(),
        }
        text.len() != before || matches!(self, Self::Insert(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(text: &str, key: LineKey) -> String {
        let mut s = text.to_string();
        key.apply(&mut s);
        s
    }

    #[test]
    fn keys_edit_the_end_of_the_line() {
        assert_eq!(edit("appl", LineKey::Insert('e')), "apple");
        assert_eq!(edit("apple", LineKey::Backspace), "appl");
        assert_eq!(edit("", LineKey::Backspace), "");
        assert_eq!(edit("sort gain% desc", LineKey::DeleteWord), "sort gain% ");
        assert_eq!(edit("sort gain%  ", LineKey::DeleteWord), "sort ");
        assert_eq!(edit("Zürich", LineKey::DeleteWord), "");
        assert_eq!(edit("a  é", LineKey::DeleteWord), "a  ");
        assert_eq!(edit("anything at all", LineKey::Clear), "");
    }

    #[test]
    fn control_keys_are_edits_or_nothing() {
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert_eq!(LineKey::from_event(&ctrl('u')), Some(LineKey::Clear));
        assert_eq!(LineKey::from_event(&ctrl('w')), Some(LineKey::DeleteWord));
        assert_eq!(LineKey::from_event(&ctrl('s')), None);
        let shifted = KeyEvent::new(KeyCode::Char('A'), KeyModifiers::SHIFT);
        assert_eq!(LineKey::from_event(&shifted), Some(LineKey::Insert('A')));
        let alt_bs = KeyEvent::new(KeyCode::Backspace, KeyModifiers::ALT);
        assert_eq!(LineKey::from_event(&alt_bs), Some(LineKey::DeleteWord));
        assert_eq!(
            LineKey::from_event(&KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            None
        );
    }
}
