//! The ledger's screens of the demo portfolio drawn on a `TestBackend` and compared with the
//! accepted snapshots: Roth IRA after a buy, a part sale, a dividend and a deposit (its
//! holdings with the engine's figures, the lots of one position, its activities), and the
//! activity form of a buy and of a dividend. The clock is the demo's reference day.

use crossterm::event::KeyCode;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use finances::tui::app::{App, Mode, Screen};
use finances::tui::driver::{act, key, type_text};
use finances::tui::screens;

use crate::update::{command, demo_app};

fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| screens::draw(f, app)).unwrap();
    terminal.backend().to_string()
}

#[tokio::test]
async fn ledger_screens_at_120x40() {
    let (mut app, w, _t) = demo_app().await;
    let snap = |name: &str, app: &App| {
        insta::assert_snapshot!(format!("{name}_120x40"), render(app, 120, 40));
    };
    command(&mut app, &w, "acct roth").await;
    for line in [
        "buy VTI 10 @ 100 fee 1",
        "sell VTI 100 @ 180 fee 2",
        "div VTI 12.50 tax 1.88",
        "dep 1000",
    ] {
        command(&mut app, &w, line).await;
    }
    command(&mut app, &w, "sort realized").await;
    snap("ledger_holdings", &app);

    act(&mut app, &w, key(KeyCode::Enter)).await;
    assert_eq!(app.mode, Mode::Lots);
    assert_eq!(app.selected_holding().unwrap().symbol.as_str(), "VTI");
    snap("ledger_lots", &app);
    act(&mut app, &w, key(KeyCode::Esc)).await;

    act(&mut app, &w, key(KeyCode::Char('a'))).await;
    assert_eq!(app.screen, Screen::Activities);
    snap("ledger_activities", &app);

    act(&mut app, &w, key(KeyCode::Char('n'))).await;
    snap("activity_form_buy", &app);
    // A dividend: its own fields, and what the domain says of a missing security.
    act(&mut app, &w, key(KeyCode::Tab)).await;
    act(&mut app, &w, key(KeyCode::Char('d'))).await;
    act(&mut app, &w, key(KeyCode::Tab)).await;
    act(&mut app, &w, key(KeyCode::Tab)).await;
    type_text(&mut app, &w, "0").await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    snap("activity_form_dividend", &app);
}

#[tokio::test]
async fn ledger_holdings_at_80x24() {
    let (mut app, w, _t) = demo_app().await;
    command(&mut app, &w, "acct roth").await;
    command(&mut app, &w, "buy VTI 10 @ 100").await;
    command(&mut app, &w, "sell VTI 100 @ 180").await;
    command(&mut app, &w, "filter nvda").await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    insta::assert_snapshot!("ledger_lots_80x24", render(&app, 80, 24));
    act(&mut app, &w, key(KeyCode::Esc)).await;
    act(&mut app, &w, key(KeyCode::Char('a'))).await;
    insta::assert_snapshot!("ledger_activities_80x24", render(&app, 80, 24));
}
