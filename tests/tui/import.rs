//! The import dialog (`:import FILE`) on the demo portfolio, through the worker and the real
//! import service: the dry run's rows are shown before anything is stored, Enter stores
//! them, the same file again has nothing new, and a file with a bad line can only be closed.

use crossterm::event::KeyCode;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use finances::tui::app::{App, Level, Mode};
use finances::tui::driver::{act, key};
use finances::tui::screens;

use crate::update::{command, demo_app};

fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| screens::draw(f, app)).unwrap();
    terminal.backend().to_string()
}

/// A file in a directory of its own, named `name`.
fn file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("finances-tui-import-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn status(app: &App) -> (Level, String) {
    let s = app.status.as_ref().expect("a status line");
    (s.level, s.text.clone())
}

#[tokio::test]
async fn a_file_is_shown_then_imported_and_the_second_time_has_nothing_new() {
    let (mut app, w, _store) = demo_app().await;
    command(&mut app, &w, "acct roth").await;
    let path = file(
        "trades.csv",
        "date,type,symbol,quantity,price,amount,fee\n\
         2025-06-02,buy,VTI,2,250.00,,1.00\n\
         2025-06-20,dividend,VTI,,,3.10,\n",
    );
    command(&mut app, &w, &format!("import {}", path.display())).await;
    assert_eq!(app.mode, Mode::Import);
    let dialog = app.import.as_ref().expect("the dialog is open");
    let report = dialog.report.as_ref().expect("the dry run came back");
    assert_eq!(report.added(), 2);
    insta::assert_snapshot!("import_dry_run_100x20", render(&app, 100, 20));

    act(&mut app, &w, key(KeyCode::Enter)).await;
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.import.is_none());
    let (level, text) = status(&app);
    assert_eq!(level, Level::Info);
    assert!(text.starts_with("Imported 2 activities into"), "{text}");

    command(&mut app, &w, &format!("import {} csv", path.display())).await;
    let report = app.import.as_ref().unwrap().report.as_ref().unwrap();
    assert_eq!((report.added(), report.skipped()), (0, 2));
    act(&mut app, &w, key(KeyCode::Enter)).await;
    assert!(
        status(&app).1.contains("already in the account"),
        "{:?}",
        status(&app)
    );
}

#[tokio::test]
async fn a_file_with_a_bad_line_can_only_be_closed() {
    let (mut app, w, _store) = demo_app().await;
    command(&mut app, &w, "acct roth").await;
    let path = file(
        "bad.csv",
        "date,type,symbol,quantity,price\n2025-06-02,buy,VTI,2,250\n2025-06-03,swap,VTI,1,1\n",
    );
    command(&mut app, &w, &format!("import {}", path.display())).await;
    let report = app.import.as_ref().unwrap().report.as_ref().unwrap();
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].line, 3);
    let screen = render(&app, 100, 20);
    assert!(screen.contains("line 3  "), "{screen}");
    assert!(screen.contains("cannot be imported"), "{screen}");

    act(&mut app, &w, key(KeyCode::Enter)).await;
    assert_eq!(app.mode, Mode::Import, "Enter stores nothing");
    assert_eq!(status(&app).0, Level::Warning);
    act(&mut app, &w, key(KeyCode::Esc)).await;
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(status(&app).1, "Import cancelled: nothing stored");

    command(&mut app, &w, "import").await;
    assert_eq!(status(&app).0, Level::Error);
    command(&mut app, &w, "import /no/such/file.csv").await;
    let dialog = app.import.as_ref().unwrap();
    assert!(
        dialog.error.as_ref().unwrap().contains("cannot read"),
        "{:?}",
        dialog.error
    );
}
