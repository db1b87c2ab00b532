//! Colours by role. `NO_COLOR` (or `no_color` in the settings) gives a monochrome theme that
//! marks things with bold, underline and reverse video instead.

use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};

use super::settings::TuiSettings;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub colored: bool,
    pub text: Color,
    pub muted: Color,
    pub accent: Color,
    pub positive: Color,
    pub negative: Color,
    pub warning: Color,
    pub highlight: Color,
    pub border: Color,
}

impl Default for Theme {
    fn default() -> Self {
        Self {
            colored: true,
            text: Color::Reset,
            muted: Color::DarkGray,
            accent: Color::Cyan,
            positive: Color::Green,
            negative: Color::Red,
            warning: Color::Yellow,
            highlight: Color::Blue,
            border: Color::Gray,
        }
    }
}

impl Theme {
    pub fn monochrome() -> Self {
        Self {
            colored: false,
            text: Color::Reset,
            muted: Color::Reset,
            accent: Color::Reset,
            positive: Color::Reset,
            negative: Color::Reset,
            warning: Color::Reset,
            highlight: Color::Reset,
            border: Color::Reset,
        }
    }

    /// The theme the settings ask for; `no_color_env` is whether `NO_COLOR` is set (to
    /// anything non-empty, as no-color.org says).
    pub fn from_settings(settings: &TuiSettings, no_color_env: bool) -> Result<Self, String> {
        if settings.no_color || no_color_env {
            return Ok(Self::monochrome());
        }
        let mut theme = Self::default();
        for (role, value) in &settings.colors {
            let color =
                Color::from_str(value).map_err(|_| format!("colour '{value}' of {role}"))?;
            let slot = match role.as_str() {
                "text" => &mut theme.text,
                "muted" => &mut theme.muted,
                "accent" => &mut theme.accent,
                "positive" => &mut theme.positive,
                "negative" => &mut theme.negative,
                "warning" => &mut theme.warning,
                "highlight" => &mut theme.highlight,
                "border" => &mut theme.border,
                other => return Err(format!("unknown colour role '{other}'")),
            };
            *slot = color;
        }
        Ok(theme)
    }

    /// Whether `NO_COLOR` is set in this process's environment.
    pub fn no_color_env() -> bool {
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
    }

    pub fn text(&self) -> Style {
        Style::default().fg(self.text)
    }
    pub fn muted(&self) -> Style {
        if self.colored {
            Style::default().fg(self.muted)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }
    pub fn accent(&self) -> Style {
        if self.colored {
            Style::default().fg(self.accent)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        }
    }
    pub fn title(&self) -> Style {
        self.accent().add_modifier(Modifier::BOLD)
    }
    pub fn border(&self) -> Style {
        Style::default().fg(self.border)
    }
    pub fn warning(&self) -> Style {
        if self.colored {
            Style::default().fg(self.warning)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        }
    }
    pub fn error(&self) -> Style {
        if self.colored {
            Style::default()
                .fg(self.negative)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        }
    }
    /// The selected row.
    pub fn selected(&self) -> Style {
        if self.colored {
            Style::default()
                .bg(self.highlight)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }
    /// Green for gains, red for losses; plain for zero or unknown.
    pub fn signed(&self, sign: Option<std::cmp::Ordering>) -> Style {
        use std::cmp::Ordering::*;
        match (sign, self.colored) {
            (Some(Greater), true) => Style::default().fg(self.positive),
            (Some(Less), true) => Style::default().fg(self.negative),
            _ => Style::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_and_no_color() {
        let mut s = TuiSettings::default();
        s.colors.insert("accent".into(), "#ff8800".into());
        let t = Theme::from_settings(&s, false).unwrap();
        assert_eq!(t.accent, Color::Rgb(0xff, 0x88, 0));
        assert!(!Theme::from_settings(&s, true).unwrap().colored);
        s.colors.insert("sparkles".into(), "red".into());
        assert!(Theme::from_settings(&s, false).is_err());
        let mono = Theme::monochrome();
        assert_eq!(mono.selected().bg, None);
        assert!(mono.selected().add_modifier.contains(Modifier::REVERSED));
    }
}
