//! The bottom line: the command line or filter being typed, else the latest message, with
//! sync progress, the age of the prices and the privacy mark on the right.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::app::{App, Level, Mode};
use crate::tui::keymap::Intent;

use super::format;

const SPINNER: [char; 8] = ['⣾', '⣽', '⣻', '⢿', '⡿', '⣟', '⣯', '⣷'];

/// `▕████░░░░▏ 3/22`
pub fn progress(done: usize, total: usize, width: usize) -> String {
    let filled = if total == 0 {
        0
    } else {
        (done * width).div_ceil(total).min(width)
    };
    format!(
        "▕{}{}▏ {done}/{total}",
        "█".repeat(filled),
        "░".repeat(width - filled)
    )
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let left: Line = match &app.mode {
        Mode::CommandLine(line) => Line::from(vec![
            Span::styled(":", theme.accent()),
            Span::raw(line.clone()),
            Span::styled("▏", theme.accent()),
        ]),
        Mode::Filter => Line::from(vec![
            Span::styled("/", theme.accent()),
            Span::raw(app.holdings.filter.clone()),
            Span::styled("▏", theme.accent()),
            Span::styled("  enter: keep  esc: clear", theme.muted()),
        ]),
        _ => match &app.status {
            Some(s) => Line::from(Span::styled(
                s.text.clone(),
                match s.level {
                    Level::Info => theme.text(),
                    Level::Warning => theme.warning(),
                    Level::Error => theme.error(),
                },
            )),
            None => Line::from(Span::styled(
                format!(
                    "{} help  {} command  {} quit",
                    app.keymap.key_of(Intent::Help),
                    app.keymap.key_of(Intent::CommandLine),
                    app.keymap.key_of(Intent::Quit)
                ),
                theme.muted(),
            )),
        },
    };
    let mut right: Vec<Span> = Vec::new();
    if app.sync.running() {
        let spin = SPINNER[(app.ticks as usize) % SPINNER.len()];
        let text = if app.sync.all_running {
            let mut t = format!(
                "{spin} sync {}",
                progress(app.sync.done, app.sync.total, 10)
            );
            if app.sync.failed > 0 {
                t.push_str(&format!(" ({} failed)", app.sync.failed));
            }
            t
        } else {
            format!(
                "{spin} syncing {}",
                app.sync
                    .single
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        right.push(Span::styled(text, theme.accent()));
        right.push(Span::raw("  "));
    }
    if app.loading_portfolio && app.portfolio.is_none() {
        right.push(Span::styled("loading…  ", theme.muted()));
    }
    if let Some(as_of) = app.prices_as_of() {
        right.push(Span::styled(
            format!(
                "prices as of {} ({})",
                as_of.format("%Y-%m-%d"),
                format::age(as_of, app.now)
            ),
            theme.muted(),
        ));
    }
    if app.privacy {
        right.push(Span::styled("  [private]", theme.warning()));
    }
    let right = Line::from(right);
    let rw = right.width() as u16;
    let lw = area.width.saturating_sub(rw + 1);
    frame.render_widget(Paragraph::new(left), Rect { width: lw, ..area });
    if rw > 0 && rw < area.width {
        frame.render_widget(
            Paragraph::new(right),
            Rect {
                x: area.x + area.width - rw,
                width: rw,
                ..area
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_bars() {
        assert_eq!(progress(0, 4, 4), "▕░░░░▏ 0/4");
        assert_eq!(progress(2, 4, 4), "▕██░░▏ 2/4");
        assert_eq!(progress(4, 4, 4), "▕████▏ 4/4");
        assert_eq!(progress(0, 0, 2), "▕░░▏ 0/0");
    }
}
