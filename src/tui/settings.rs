//! What the configuration file may change about the terminal UI: the `[tui]` table.
//!
//! ```toml
//! [tui]
//! privacy = false          # start with amounts masked
//! chart = "line"           # or "candles"
//! no_color = false         # same as setting NO_COLOR
//! stale_price_days = 4     # a price older than this shows its age and no day change
//! [tui.keys]               # intent = key or [keys]; see `?` in the UI for the intents
//! sync_all = "ctrl-s"
//! quit = ["q", "ctrl-q"]
//! [tui.colors]             # names (red, lightblue), indexes (42) or #rrggbb
//! accent = "#5fafff"
//! positive = "green"
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

/// One key or several.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum KeyList {
    One(String),
    Many(Vec<String>),
}

impl KeyList {
    pub fn keys(&self) -> Vec<&str> {
        match self {
            Self::One(k) => vec![k.as_str()],
            Self::Many(ks) => ks.iter().map(String::as_str).collect(),
        }
    }
}

/// The chart drawn first on the security screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartStyle {
    #[default]
    Line,
    Candles,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TuiSettings {
    /// Key overrides by intent name (`quit`, `sync_all`, `next_screen`, ...).
    pub keys: BTreeMap<String, KeyList>,
    /// Colour overrides by role (`accent`, `positive`, `negative`, `muted`, `text`,
    /// `highlight`, `warning`, `border`).
    pub colors: BTreeMap<String, String>,
    /// Start with amounts masked.
    pub privacy: bool,
    pub chart: ChartStyle,
    /// Draw without colours even when `NO_COLOR` is not set.
    pub no_color: bool,
    /// A close older than this many days is marked stale: its row shows its age and no day
    /// change. Four days cover a long weekend.
    pub stale_price_days: u32,
}

impl Default for TuiSettings {
    fn default() -> Self {
        Self {
            keys: BTreeMap::new(),
            colors: BTreeMap::new(),
            privacy: false,
            chart: ChartStyle::default(),
            no_color: false,
            stale_price_days: 4,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("[tui] settings: {0}")]
pub struct SettingsError(pub String);

impl TuiSettings {
    /// Reads the `[tui]` table of the configuration file.
    pub fn from_table(table: &toml::Table) -> Result<Self, SettingsError> {
        table
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| SettingsError(e.message().to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_tui_table() {
        let table: toml::Table = toml::from_str(
            r##"
            privacy = true
            chart = "candles"
            [keys]
            quit = "x"
            sync_all = ["ctrl-s", "F5"]
            [colors]
            accent = "#ff8800"
            "##,
        )
        .unwrap();
        let s = TuiSettings::from_table(&table).unwrap();
        assert!(s.privacy);
        assert_eq!(s.chart, ChartStyle::Candles);
        assert_eq!(s.keys["sync_all"].keys(), vec!["ctrl-s", "F5"]);
        assert_eq!(s.colors["accent"], "#ff8800");
        assert_eq!(
            TuiSettings::from_table(&toml::Table::new()).unwrap(),
            TuiSettings::default()
        );
        let bad: toml::Table = toml::from_str("privcy = true").unwrap();
        assert!(TuiSettings::from_table(&bad).is_err());
    }
}
