//! The import dialog (`:import FILE [FORMAT]`): a broker's export read into the account in
//! view. The file is first read as a dry run, whose every row (or why it cannot be stored,
//! with its line) is listed; Enter then imports it, all or nothing. The import service does
//! the work; this file owns the dialog's state, keys and drawing.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use uuid::Uuid;

use crate::import::Format;
use crate::service::import::{ImportReport, RowStatus};
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, Mode};
use crate::tui::widgets::{format, popup};

use super::{activities, performance};

#[derive(Debug, Clone)]
pub struct ImportDialog {
    pub account: Uuid,
    pub path: PathBuf,
    pub format: Option<Format>,
    /// The dry run's answer, once it came.
    pub report: Option<ImportReport>,
    pub error: Option<String>,
    /// The import itself is on its way: keys wait for it.
    pub importing: bool,
    pub scroll: usize,
}

/// `~/x.csv` is in the home directory, as a shell would read it.
fn expand(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), directories::BaseDirs::new()) {
        (Some(rest), Some(dirs)) => dirs.home_dir().join(rest),
        _ => PathBuf::from(path),
    }
}

/// Opens the dialog on `path` for the account in view and asks for the dry run.
pub fn open(app: &mut App, path: &str, format: Option<Format>) -> Vec<Command> {
    let Some(account) = app.account_in_view() else {
        app.warn("open the holdings or activities of the investment account to import into");
        return Vec::new();
    };
    let path = expand(path);
    app.gens.import += 1;
    app.import = Some(ImportDialog {
        account,
        path: path.clone(),
        format,
        report: None,
        error: None,
        importing: false,
        scroll: 0,
    });
    app.mode = Mode::Import;
    vec![Command::Import {
        gen: app.gens.import,
        account,
        path,
        format,
        dry_run: true,
    }]
}

fn close(app: &mut App) {
    app.import = None;
    app.mode = Mode::Normal;
}

/// The keys of the open dialog: Enter imports what the dry run showed, Esc leaves.
pub fn handle_key(app: &mut App, key: &KeyEvent) -> Vec<Command> {
    let page = app.page_rows;
    let Some(dialog) = app.import.as_mut() else {
        app.mode = Mode::Normal;
        return Vec::new();
    };
    if dialog.importing {
        return Vec::new();
    }
    let scroll = |d: &mut ImportDialog, delta: isize| {
        d.scroll = (d.scroll as isize + delta).max(0) as usize;
    };
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('n') => {
            close(app);
            app.info("Import cancelled: nothing stored");
        }
        KeyCode::Down | KeyCode::Char('j') => scroll(dialog, 1),
        KeyCode::Up | KeyCode::Char('k') => scroll(dialog, -1),
        KeyCode::PageDown => scroll(dialog, page as isize),
        KeyCode::PageUp => scroll(dialog, -(page as isize)),
        KeyCode::Enter | KeyCode::Char('y') => {
            let Some(report) = &dialog.report else {
                return Vec::new();
            };
            if !report.errors.is_empty() {
                app.warn("the file has lines that cannot be imported: nothing can be stored");
                return Vec::new();
            }
            if report.added() == 0 {
                close(app);
                app.info("Nothing to import: every row is already in the account");
                return Vec::new();
            }
            dialog.importing = true;
            app.gens.import += 1;
            return vec![Command::Import {
                gen: app.gens.import,
                account: dialog.account,
                path: dialog.path.clone(),
                format: dialog.format,
                dry_run: false,
            }];
        }
        _ => {}
    }
    Vec::new()
}

/// The dry run's or the import's answer; an overtaken one is dropped.
pub fn update(app: &mut App, action: Action) -> Vec<Command> {
    let Action::Imported { gen, result } = action else {
        return Vec::new();
    };
    if gen != app.gens.import {
        return Vec::new();
    }
    let Some(dialog) = app.import.as_mut() else {
        return Vec::new();
    };
    match result {
        Ok(report) if report.dry_run => {
            dialog.report = Some(*report);
            dialog.error = None;
            Vec::new()
        }
        Ok(report) => {
            let account = dialog.account;
            let account = app
                .account_name(account)
                .unwrap_or("the account")
                .to_string();
            close(app);
            app.info(format!(
                "Imported {} activities into {account} ({} already there)",
                report.added(),
                report.skipped()
            ));
            let mut cmds = app.reload();
            cmds.extend(activities::reload(app));
            cmds.extend(performance::invalidate(app));
            cmds
        }
        Err(f) => {
            dialog.importing = false;
            dialog.error = Some(f.summary());
            app.error(format!("import: {}", f.summary()));
            Vec::new()
        }
    }
}

/// What the dialog lists: the lines that cannot be imported first, then every row as it
/// would be stored, then the lines passed over.
fn lines(dialog: &ImportDialog, app: &App, width: u16) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let Some(report) = &dialog.report else {
        let text = match &dialog.error {
            Some(e) => e.clone(),
            None => format!("Reading {}…", dialog.path.display()),
        };
        return vec![Line::from(Span::styled(format!(" {text}"), theme.muted()))];
    };
    let width = width as usize;
    let mut out = Vec::new();
    for e in &report.errors {
        let text = format!("  line {}  {}", e.line, e.message);
        out.push(Line::from(Span::styled(
            format::fit(&text, width),
            theme.error(),
        )));
    }
    let number =
        |v: Option<rust_decimal::Decimal>| v.map(|v| v.normalize().to_string()).unwrap_or_default();
    let cells: Vec<[String; 10]> = report
        .rows
        .iter()
        .map(|r| {
            let a = &r.activity;
            [
                format!("line {}", r.line),
                match r.status {
                    RowStatus::New => "new",
                    RowStatus::Duplicate => "already in",
                }
                .to_string(),
                a.date.to_string(),
                a.activity_type.as_str().to_string(),
                r.security
                    .as_ref()
                    .map(|s| s.symbol.to_string())
                    .unwrap_or_default(),
                number(a.quantity),
                number(a.unit_price),
                number(a.amount),
                number(a.fee),
                a.currency.clone(),
            ]
        })
        .collect();
    // Columns as wide as their widest cell; the figures right-aligned.
    let mut widths = [0usize; 10];
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for (r, row) in report.rows.iter().zip(&cells) {
        let text: String = row
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (cell, w))| match i {
                5..=8 => format!("  {cell:>w$}"),
                _ => format!("  {cell:<w$}"),
            })
            .collect::<String>()
            .trim_end()
            .to_string();
        // A row is shown whole or not at all: a cut number would mislead.
        let text = if text.chars().count() <= width {
            text
        } else {
            format!("  line {}  (too wide for this window)", r.line)
        };
        let style = match r.status {
            RowStatus::New => theme.text(),
            RowStatus::Duplicate => theme.muted(),
        };
        out.push(Line::from(Span::styled(text, style)));
    }
    for i in &report.ignored {
        let text = format!("  line {}  passed over: {}", i.line, i.reason);
        out.push(Line::from(Span::styled(
            format::fit(&text, width),
            theme.muted(),
        )));
    }
    out
}

fn summary(dialog: &ImportDialog) -> String {
    match &dialog.report {
        None => String::new(),
        Some(r) if !r.errors.is_empty() => format!(
            " {} line{} cannot be imported: nothing will be stored",
            r.errors.len(),
            if r.errors.len() == 1 { "" } else { "s" }
        ),
        Some(r) => format!(
            " {} to add, {} already in the account, {} passed over",
            r.added(),
            r.skipped(),
            r.ignored.len()
        ),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(dialog) = &app.import else {
        return;
    };
    let theme = &app.theme;
    let rect = popup::centered(
        area,
        area.width.saturating_sub(4).max(40),
        area.height.saturating_sub(2),
    );
    let format = dialog
        .report
        .as_ref()
        .map(|r| r.format.to_string())
        .unwrap_or_else(|| "…".into());
    let title = format!(
        "Import {} into {} ({format}, dry run)",
        dialog
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        app.account_name(dialog.account).unwrap_or("the account")
    );
    let inner = popup::frame_box(frame, rect, &title, theme);
    let [summary_area, list_area, hint_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(Span::styled(summary(dialog), theme.title())),
        summary_area,
    );
    let text = lines(dialog, app, list_area.width);
    let top = dialog.scroll.min(text.len().saturating_sub(1)) as u16;
    frame.render_widget(Paragraph::new(text).scroll((top, 0)), list_area);
    let hint = match &dialog.report {
        _ if dialog.importing => " importing…",
        Some(r) if r.errors.is_empty() => " enter import · j/k scroll · esc cancel",
        Some(_) => " fix the file's lines above · j/k scroll · esc close",
        None => " esc cancel",
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            hint,
            theme.muted().add_modifier(Modifier::ITALIC),
        )),
        hint_area,
    );
}
