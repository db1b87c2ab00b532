//! Keys to intents, per screen, with a line of help each. The `?` overlay is generated from
//! this table, and the configuration may rebind any intent.

use std::collections::HashMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use super::settings::TuiSettings;

/// What a key means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    Quit,
    Help,
    NextScreen,
    PrevScreen,
    GoAccounts,
    GoHoldings,
    GoSecurity,
    GoSearch,
    GoPerformance,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    CommandLine,
    Filter,
    New,
    NewInstitution,
    Edit,
    EditInstitution,
    Delete,
    DeleteInstitution,
    Values,
    NextAccount,
    PrevAccount,
    SortNext,
    SortPrev,
    SortReverse,
    SyncOne,
    SyncAll,
    Privacy,
    Refresh,
    ChartStyle,
    RangeNext,
    RangePrev,
    CrosshairLeft,
    CrosshairRight,
    CrosshairFarLeft,
    CrosshairFarRight,
    CrosshairOff,
    AddHolding,
    Type,
    /// The open lots of the position under the cursor.
    Lots,
    /// The activities of the account in view.
    Activities,
    /// The values and flows the performance figures are computed from.
    Explain,
    /// The splits and dividends proposed for the ledger, on the performance screen.
    Proposals,
    /// Record the proposal under the cursor.
    Accept,
    /// Stop proposing it.
    Dismiss,
}

impl Intent {
    pub fn name(self) -> String {
        // The serde name: snake_case of the variant.
        let debug = format!("{self:?}");
        let mut out = String::new();
        for (i, c) in debug.chars().enumerate() {
            if c.is_ascii_uppercase() {
                if i > 0 {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Intent::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(name))
            .ok()
    }
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Global,
    Accounts,
    Values,
    Holdings,
    Activities,
    Security,
    Search,
    Performance,
    Proposals,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Self::Global => "Everywhere",
            Self::Accounts => "Accounts",
            Self::Values => "Account values (v on Accounts)",
            Self::Holdings => "Holdings",
            Self::Activities => "Activities (a on Accounts or Holdings)",
            Self::Security => "Security",
            Self::Search => "Search",
            Self::Performance => "Performance",
            Self::Proposals => "Proposals (P on Performance)",
        }
    }
}

/// A key with its modifiers, as written in the configuration (`q`, `ctrl-c`, `shift-tab`,
/// `enter`, `pgdn`, `F5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            mods: KeyModifiers::NONE,
        }
    }

    pub const fn ctrl(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            mods: KeyModifiers::CONTROL,
        }
    }

    /// Normalises a terminal key event: shift is part of the character for printable keys.
    pub fn from_event(e: &KeyEvent) -> Self {
        let mut mods =
            e.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match e.code {
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c)
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Self { code, mods }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let mut mods = KeyModifiers::NONE;
        let mut rest = raw;
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower
                .strip_prefix("ctrl-")
                .or_else(|| lower.strip_prefix("c-"))
            {
                mods |= KeyModifiers::CONTROL;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower
                .strip_prefix("alt-")
                .or_else(|| lower.strip_prefix("m-"))
            {
                mods |= KeyModifiers::ALT;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("shift-") {
                mods |= KeyModifiers::SHIFT;
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        let named = match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => Some(KeyCode::Enter),
            "esc" | "escape" => Some(KeyCode::Esc),
            "tab" if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                Some(KeyCode::BackTab)
            }
            "tab" => Some(KeyCode::Tab),
            "backtab" => Some(KeyCode::BackTab),
            "space" => Some(KeyCode::Char(' ')),
            "up" => Some(KeyCode::Up),
            "down" => Some(KeyCode::Down),
            "left" => Some(KeyCode::Left),
            "right" => Some(KeyCode::Right),
            "home" => Some(KeyCode::Home),
            "end" => Some(KeyCode::End),
            "pgup" | "pageup" => Some(KeyCode::PageUp),
            "pgdn" | "pagedown" => Some(KeyCode::PageDown),
            "backspace" => Some(KeyCode::Backspace),
            "delete" | "del" => Some(KeyCode::Delete),
            f if f.len() >= 2 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                f[1..].parse::<u8>().ok().map(KeyCode::F)
            }
            _ => None,
        };
        let code = match named {
            Some(code) => code,
            None => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => {
                        if mods.contains(KeyModifiers::SHIFT) && c.is_ascii_alphabetic() {
                            mods.remove(KeyModifiers::SHIFT);
                            KeyCode::Char(c.to_ascii_uppercase())
                        } else {
                            KeyCode::Char(c)
                        }
                    }
                    _ => return Err(format!("'{raw}' is not a key")),
                }
            }
        };
        Ok(Self { code, mods })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// One line of the keymap.
#[derive(Debug, Clone)]
pub struct Binding {
    pub scope: Scope,
    pub intent: Intent,
    pub keys: Vec<Key>,
    pub help: &'static str,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
    lookup: HashMap<(Scope, Key), Intent>,
}

fn c(ch: char) -> Key {
    Key::plain(KeyCode::Char(ch))
}

fn k(code: KeyCode) -> Key {
    Key::plain(code)
}

fn defaults() -> Vec<Binding> {
    use Intent::*;
    use KeyCode as K;
    use Scope as S;
    let b = |scope, intent, keys: Vec<Key>, help| Binding {
        scope,
        intent,
        keys,
        help,
    };
    vec![
        b(S::Global, Quit, vec![c('q'), Key::ctrl('c')], "quit"),
        b(S::Global, Help, vec![c('?')], "this help"),
        b(S::Global, NextScreen, vec![k(K::Tab)], "next screen"),
        b(
            S::Global,
            PrevScreen,
            vec![k(K::BackTab)],
            "previous screen",
        ),
        b(S::Global, GoAccounts, vec![c('1')], "accounts"),
        b(S::Global, GoHoldings, vec![c('2')], "holdings"),
        b(S::Global, GoSecurity, vec![c('3')], "security chart"),
        b(S::Global, GoSearch, vec![c('4')], "search"),
        b(
            S::Global,
            GoPerformance,
            vec![c('5')],
            "performance of the portfolio",
        ),
        b(S::Global, Up, vec![c('k'), k(K::Up)], "move up"),
        b(S::Global, Down, vec![c('j'), k(K::Down)], "move down"),
        b(
            S::Global,
            PageUp,
            vec![Key::ctrl('u'), k(K::PageUp)],
            "page up",
        ),
        b(
            S::Global,
            PageDown,
            vec![Key::ctrl('d'), k(K::PageDown)],
            "page down",
        ),
        b(S::Global, Top, vec![c('g'), k(K::Home)], "first row"),
        b(S::Global, Bottom, vec![c('G'), k(K::End)], "last row"),
        b(S::Global, Back, vec![k(K::Esc)], "back, close, cancel"),
        b(
            S::Global,
            CommandLine,
            vec![c(':')],
            "command line (:help lists commands)",
        ),
        b(
            S::Global,
            SyncAll,
            vec![c('S')],
            "sync every held security and exchange rate",
        ),
        b(S::Global, Privacy, vec![c('p')], "mask or show amounts"),
        b(
            S::Global,
            Refresh,
            vec![c('R'), Key::ctrl('r')],
            "reload from the database",
        ),
        b(
            S::Accounts,
            Open,
            vec![k(K::Enter), c('l')],
            "holdings of the account",
        ),
        b(S::Accounts, New, vec![c('n')], "new account"),
        b(S::Accounts, NewInstitution, vec![c('N')], "new institution"),
        b(S::Accounts, Edit, vec![c('e')], "edit account"),
        b(
            S::Accounts,
            EditInstitution,
            vec![c('E')],
            "edit the account's institution",
        ),
        b(S::Accounts, Delete, vec![c('d')], "delete account"),
        b(
            S::Accounts,
            DeleteInstitution,
            vec![c('D')],
            "delete the account's institution",
        ),
        b(
            S::Accounts,
            Values,
            vec![c('v')],
            "balance history of the account",
        ),
        b(
            S::Accounts,
            Activities,
            vec![c('a')],
            "activities of the investment account",
        ),
        b(S::Values, New, vec![c('n')], "record a balance"),
        b(S::Values, Edit, vec![c('e')], "edit balance"),
        b(S::Values, Delete, vec![c('d')], "delete balance"),
        b(S::Values, Values, vec![c('v')], "back to the accounts"),
        b(
            S::Holdings,
            Lots,
            vec![k(K::Enter)],
            "open lots of the position",
        ),
        b(S::Holdings, Open, vec![c('l')], "chart of the security"),
        b(
            S::Holdings,
            Activities,
            vec![c('a')],
            "activities of the account (of the position under the cursor)",
        ),
        b(
            S::Holdings,
            Filter,
            vec![c('/')],
            "filter by symbol or name",
        ),
        b(
            S::Holdings,
            SortNext,
            vec![c('>'), c('o')],
            "sort by the next column",
        ),
        b(
            S::Holdings,
            SortPrev,
            vec![c('<')],
            "sort by the previous column",
        ),
        b(S::Holdings, SortReverse, vec![c('r')], "reverse the sort"),
        b(
            S::Holdings,
            NextAccount,
            vec![c(']')],
            "next account (or all)",
        ),
        b(
            S::Holdings,
            PrevAccount,
            vec![c('[')],
            "previous account (or all)",
        ),
        b(S::Holdings, New, vec![c('n')], "new holding"),
        b(S::Holdings, Edit, vec![c('e')], "edit holding"),
        b(S::Holdings, Delete, vec![c('d')], "delete holding"),
        b(
            S::Holdings,
            SyncOne,
            vec![c('s')],
            "sync the selected security",
        ),
        b(S::Activities, New, vec![c('n')], "new activity"),
        b(S::Activities, Edit, vec![c('e')], "edit activity"),
        b(S::Activities, Delete, vec![c('d')], "delete activity"),
        b(
            S::Activities,
            Filter,
            vec![c('/')],
            "filter by type, symbol or notes",
        ),
        b(
            S::Activities,
            SortNext,
            vec![c('>'), c('o')],
            "sort by the next column (date, type, symbol, amount)",
        ),
        b(
            S::Activities,
            SortPrev,
            vec![c('<')],
            "sort by the previous column",
        ),
        b(S::Activities, SortReverse, vec![c('r')], "reverse the sort"),
        b(
            S::Activities,
            NextAccount,
            vec![c(']')],
            "next investment account",
        ),
        b(
            S::Activities,
            PrevAccount,
            vec![c('[')],
            "previous investment account",
        ),
        b(S::Security, RangeNext, vec![c(']'), c('+')], "longer range"),
        b(
            S::Security,
            RangePrev,
            vec![c('['), c('-')],
            "shorter range",
        ),
        b(
            S::Security,
            ChartStyle,
            vec![c('c')],
            "line or candlesticks",
        ),
        b(
            S::Security,
            CrosshairLeft,
            vec![c('h'), k(K::Left)],
            "crosshair one bar left",
        ),
        b(
            S::Security,
            CrosshairRight,
            vec![c('l'), k(K::Right)],
            "crosshair one bar right",
        ),
        b(
            S::Security,
            CrosshairFarLeft,
            vec![c('H'), c('0')],
            "crosshair far left",
        ),
        b(
            S::Security,
            CrosshairFarRight,
            vec![c('L'), c('$')],
            "crosshair far right",
        ),
        b(
            S::Security,
            CrosshairOff,
            vec![c('x')],
            "hide the crosshair",
        ),
        b(S::Security, AddHolding, vec![c('a')], "add as a holding"),
        b(S::Security, SyncOne, vec![c('s')], "sync this security"),
        b(
            S::Search,
            Type,
            vec![c('/'), c('i')],
            "type the query (esc: stop typing)",
        ),
        b(S::Search, Open, vec![k(K::Enter)], "open the security"),
        b(S::Search, AddHolding, vec![c('a')], "add as a holding"),
        b(
            S::Performance,
            RangeNext,
            vec![c(']'), c('+')],
            "longer range (:range FROM..TO for any days)",
        ),
        b(
            S::Performance,
            RangePrev,
            vec![c('['), c('-')],
            "shorter range",
        ),
        b(
            S::Performance,
            SortNext,
            vec![c('>'), c('o')],
            "sort the accounts by the next column",
        ),
        b(
            S::Performance,
            SortPrev,
            vec![c('<')],
            "sort by the previous column",
        ),
        b(
            S::Performance,
            SortReverse,
            vec![c('r')],
            "reverse the sort",
        ),
        b(
            S::Performance,
            Explain,
            vec![c('x')],
            "the values and flows the figures are computed from",
        ),
        b(
            S::Performance,
            Proposals,
            vec![c('P')],
            "splits and dividends the market data reported that the ledger lacks",
        ),
        b(S::Proposals, Accept, vec![c('a')], "record the proposal"),
        b(S::Proposals, Dismiss, vec![c('d')], "stop proposing it"),
        b(S::Proposals, Proposals, vec![c('P')], "close the proposals"),
    ]
}

impl Default for Keymap {
    fn default() -> Self {
        Self::from_bindings(defaults())
    }
}

impl Keymap {
    fn from_bindings(bindings: Vec<Binding>) -> Self {
        let mut lookup = HashMap::new();
        for b in &bindings {
            for key in &b.keys {
                lookup.entry((b.scope, *key)).or_insert(b.intent);
            }
        }
        Self { bindings, lookup }
    }

    /// The defaults with the settings' overrides: each named intent gets exactly the keys
    /// given, wherever it is bound.
    pub fn from_settings(settings: &TuiSettings) -> Result<Self, String> {
        let mut bindings = defaults();
        for (name, keys) in &settings.keys {
            let intent =
                Intent::from_name(name).ok_or_else(|| format!("unknown key intent '{name}'"))?;
            let keys = keys
                .keys()
                .into_iter()
                .map(Key::parse)
                .collect::<Result<Vec<_>, _>>()?;
            for b in bindings.iter_mut().filter(|b| b.intent == intent) {
                b.keys = keys.clone();
            }
        }
        Ok(Self::from_bindings(bindings))
    }

    /// The intent of a key on a screen: the screen's own bindings first, then the global ones.
    pub fn intent(&self, scope: Scope, key: Key) -> Option<Intent> {
        self.lookup
            .get(&(scope, key))
            .or_else(|| self.lookup.get(&(Scope::Global, key)))
            .copied()
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The first key of an intent, for hints ("? help").
    pub fn key_of(&self, intent: Intent) -> String {
        self.bindings
            .iter()
            .find(|b| b.intent == intent)
            .and_then(|b| b.keys.first())
            .map(|k| k.to_string())
            .unwrap_or_else(|| "-".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::settings::KeyList;

    #[test]
    fn keys_parse_and_print() {
        assert_eq!(Key::parse("ctrl-c").unwrap(), Key::ctrl('c'));
        assert_eq!(Key::parse("shift-tab").unwrap(), k(KeyCode::BackTab));
        assert_eq!(Key::parse("F5").unwrap(), k(KeyCode::F(5)));
        assert_eq!(Key::parse("shift-s").unwrap(), c('S'));
        assert_eq!(Key::parse("S").unwrap(), c('S'));
        assert!(Key::parse("banana").is_err());
        assert_eq!(Key::ctrl('r').to_string(), "ctrl-r");
        let shifted = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(Key::from_event(&shifted), c('G'));
    }

    #[test]
    fn screen_bindings_win_over_global_ones() {
        let km = Keymap::default();
        assert_eq!(
            km.intent(Scope::Security, c('l')),
            Some(Intent::CrosshairRight)
        );
        assert_eq!(km.intent(Scope::Accounts, c('l')), Some(Intent::Open));
        assert_eq!(km.intent(Scope::Holdings, c('q')), Some(Intent::Quit));
        assert_eq!(km.intent(Scope::Holdings, c('z')), None);
    }

    #[test]
    fn overrides_replace_keys() {
        let mut s = TuiSettings::default();
        s.keys.insert("quit".into(), KeyList::One("x".into()));
        s.keys.insert(
            "sync_all".into(),
            KeyList::Many(vec!["ctrl-s".into(), "F5".into()]),
        );
        let km = Keymap::from_settings(&s).unwrap();
        assert_eq!(km.intent(Scope::Accounts, c('x')), Some(Intent::Quit));
        assert_eq!(km.intent(Scope::Accounts, c('q')), None);
        assert_eq!(
            km.intent(Scope::Search, Key::ctrl('s')),
            Some(Intent::SyncAll)
        );
        assert_eq!(km.intent(Scope::Search, c('S')), None);
        s.keys.insert("fly".into(), KeyList::One("f".into()));
        assert!(Keymap::from_settings(&s).is_err());
        assert_eq!(Intent::SyncAll.name(), "sync_all");
        assert_eq!(
            Intent::from_name("crosshair_far_left"),
            Some(Intent::CrosshairFarLeft)
        );
    }
}
