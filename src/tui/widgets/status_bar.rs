//! The bottom line: the command line or filter being typed, else the latest message, with
//! sync progress, the age of the prices and the privacy mark on the right.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use crate::tui::app::{App, Level, Mode, Screen};
use crate::tui::command_line;
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

/// The most lines a long message wraps over.
const MAX_LINES: u16 = 3;

/// How many lines the status needs at `width`: one, or more for a message that would
/// otherwise be cut.
pub fn height(app: &App, width: u16) -> u16 {
    let (left, right) = parts(app);
    let lw = left_width(width, &left, &right);
    if lw == 0 {
        return 1;
    }
    wrapped_lines(&left.to_string(), lw).clamp(1, MAX_LINES)
}

/// How many lines greedy word wrapping takes `text` to at `width` (a word longer than the
/// width takes lines of its own, as the paragraph cuts it).
fn wrapped_lines(text: &str, width: u16) -> u16 {
    let width = width.max(1) as usize;
    let mut lines = 1usize;
    let mut used = 0usize;
    for word in text.split_whitespace() {
        let w = Span::raw(word).width();
        let need = if used == 0 { w } else { used + 1 + w };
        if need <= width {
            used = need;
        } else if used == 0 {
            lines += (w - 1) / width;
            used = w % width;
        } else {
            lines += 1 + w.saturating_sub(1) / width;
            used = if w > width { w % width } else { w };
        }
    }
    lines.min(u16::MAX as usize) as u16
}

/// The room the message gets: beside the figures on the right when it fits there, else the
/// whole width (the figures give way to a message that would otherwise be cut or wrap).
fn left_width(width: u16, left: &Line, right: &Line) -> u16 {
    let rw = right.width() as u16;
    if rw > 0 && (left.width() as u16).saturating_add(rw) < width {
        width - rw - 1
    } else {
        width
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let (left, right) = parts(app);
    let lw = left_width(area.width, &left, &right);
    let rw = if lw == area.width {
        0
    } else {
        right.width() as u16
    };
    frame.render_widget(
        Paragraph::new(left).wrap(Wrap { trim: true }),
        Rect { width: lw, ..area },
    );
    if rw > 0 && rw < area.width {
        frame.render_widget(
            Paragraph::new(right),
            Rect {
                x: area.x + area.width - rw,
                width: rw,
                height: 1,
                ..area
            },
        );
    }
}

/// The message (or the line being typed) and the right-hand figures.
fn parts(app: &App) -> (Line<'static>, Line<'static>) {
    let theme = &app.theme;
    let left: Line = match &app.mode {
        Mode::CommandLine(line) => {
            let mut spans = vec![
                Span::styled(":", theme.accent()),
                Span::raw(line.clone()),
                Span::styled("▏", theme.accent()),
            ];
            if let Some(usage) = command_line::usage(line) {
                spans.push(Span::styled(format!("  {usage}"), theme.muted()));
            }
            Line::from(spans)
        }
        Mode::Filter => Line::from(vec![
            Span::styled("/", theme.accent()),
            Span::raw(if app.screen == Screen::Activities {
                app.activities.filter.clone()
            } else {
                app.holdings.filter.clone()
            }),
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
    (left, Line::from(right))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_wrap_by_words() {
        // "Yahoo Finance is unavailable" at 14: "Yahoo Finance" (13) / "is unavailable" (14).
        assert_eq!(wrapped_lines("Yahoo Finance is unavailable", 14), 2);
        assert_eq!(wrapped_lines("Yahoo Finance is unavailable", 40), 1);
        assert_eq!(wrapped_lines("", 10), 1);
    }

    #[test]
    fn progress_bars() {
        assert_eq!(progress(0, 4, 4), "▕░░░░▏ 0/4");
        assert_eq!(progress(2, 4, 4), "▕██░░▏ 2/4");
        assert_eq!(progress(4, 4, 4), "▕████▏ 4/4");
        assert_eq!(progress(0, 0, 2), "▕░░▏ 0/0");
    }
}
