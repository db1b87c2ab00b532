//! Every screen of the demo portfolio, drawn on a `TestBackend` at 120x40 and 80x24, compared
//! with the accepted snapshots in `tests/snapshots/`. Dates, prices and the clock are fixed:
//! the demo seed, its reference "today", and the app's injected "now".

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use crossterm::event::KeyCode;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use finances::demo;
use finances::domain::{SecurityType, Symbol};
use finances::market::OfflineMarket;
use finances::service::securities::{SearchResult, SearchResults};
use finances::service::Services;
use finances::tui::action::Action;
use finances::tui::app::{App, Screen};
use finances::tui::driver::{act, key, start, type_text};
use finances::tui::screens;
use finances::tui::worker::Worker;
use finances::tui::{build_app, TuiSettings};

fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| screens::draw(f, app)).unwrap();
    terminal.backend().to_string()
}

async fn demo_app(width: u16, height: u16) -> (App, Worker, finances::store::testing::TestStore) {
    let t = finances::store::testing::sqlite().await;
    let store = t.store();
    let today = demo::reference_today();
    let summary = demo::generate(&store, demo::DEFAULT_SEED, today)
        .await
        .unwrap();
    let services = Services::new(store, Arc::new(OfflineMarket));
    let now = Utc.from_utc_datetime(&today.and_hms_opt(22, 0, 0).unwrap());
    let mut app = build_app(&TuiSettings::default(), false, now).unwrap();
    app.user = Some(summary.user.clone());
    let worker = Worker::new(services, Some(summary.user)).without_search_pause();
    start(&mut app, &worker, width, height, now).await;
    (app, worker, t)
}

async fn every_screen(width: u16, height: u16) {
    let (mut app, w, _store) = demo_app(width, height).await;
    let size = format!("{width}x{height}");
    let snap = |name: &str, app: &App| {
        insta::assert_snapshot!(format!("{name}_{size}"), render(app, width, height));
    };
    assert_eq!(app.screen, Screen::Accounts);
    snap("accounts", &app);

    // The balance history of the selected account.
    act(&mut app, &w, key(KeyCode::Char('j'))).await;
    act(&mut app, &w, key(KeyCode::Char('v'))).await;
    assert!(!app.accounts.values.is_empty());
    snap("accounts_values", &app);
    act(&mut app, &w, key(KeyCode::Char('v'))).await;

    act(&mut app, &w, key(KeyCode::Char('2'))).await;
    snap("holdings", &app);
    act(&mut app, &w, key(KeyCode::Char('/'))).await;
    type_text(&mut app, &w, "vo").await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    snap("holdings_filtered", &app);
    act(&mut app, &w, key(KeyCode::Esc)).await;
    act(&mut app, &w, key(KeyCode::Char(']'))).await;
    act(&mut app, &w, key(KeyCode::Char('>'))).await;
    snap("holdings_account_sorted", &app);

    act(&mut app, &w, key(KeyCode::Enter)).await;
    assert_eq!(app.screen, Screen::Security);
    snap("security_line", &app);
    act(&mut app, &w, key(KeyCode::Char('c'))).await;
    act(&mut app, &w, key(KeyCode::Char('['))).await;
    for _ in 0..5 {
        act(&mut app, &w, key(KeyCode::Char('h'))).await;
    }
    snap("security_candles_crosshair", &app);

    act(&mut app, &w, key(KeyCode::Char('4'))).await;
    act(&mut app, &w, key(KeyCode::Char('/'))).await;
    type_text(&mut app, &w, "vo").await;
    snap("search", &app);

    act(&mut app, &w, key(KeyCode::Down)).await;
    act(&mut app, &w, key(KeyCode::Esc)).await;
    act(&mut app, &w, key(KeyCode::Char('a'))).await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    snap("form_errors", &app);
    act(&mut app, &w, key(KeyCode::Esc)).await;

    act(&mut app, &w, key(KeyCode::Char('2'))).await;
    act(&mut app, &w, key(KeyCode::Char('d'))).await;
    snap("confirm_delete", &app);
    act(&mut app, &w, key(KeyCode::Char('n'))).await;

    act(&mut app, &w, key(KeyCode::Char('?'))).await;
    snap("help", &app);
    act(&mut app, &w, key(KeyCode::Esc)).await;

    act(&mut app, &w, key(KeyCode::Char('p'))).await;
    snap("holdings_private", &app);
}

#[tokio::test]
async fn every_screen_at_120x40() {
    every_screen(120, 40).await;
}

#[tokio::test]
async fn every_screen_at_80x24() {
    every_screen(80, 24).await;
}

/// Yahoo's answer to a search, as the worker would pass it on: names of every length, and
/// exchanges longer than a short column.
fn yahoo_results(app: &App) -> Action {
    let hit = |symbol: &str, name: &str, exchange: &str, kind: SecurityType| SearchResult {
        symbol: Symbol::parse(symbol).unwrap(),
        name: name.into(),
        exchange: Some(exchange.into()),
        security_type: kind,
        sector: None,
        industry: None,
        currency: Some("EUR".into()),
        in_database: false,
        security: None,
    };
    Action::RemoteMatches {
        gen: app.gens.search,
        result: Ok(SearchResults {
            results: vec![
                hit("SAP.DE", "SAP SE", "Frankfurt", SecurityType::Equity),
                hit("SAP.F", "SAP SE", "Frankfurt", SecurityType::Equity),
                hit("SAPGF", "SAP SE", "OTC Markets OTCPK", SecurityType::Equity),
                hit(
                    "BTC-EUR",
                    "Bitcoin EUR",
                    "CCC",
                    SecurityType::Cryptocurrency,
                ),
            ],
            yahoo_error: None,
        }),
    }
}

/// The search screen shows each exchange whole, or leaves the column out when the name would
/// be squeezed; never "Frankfur".
async fn search_exchanges(width: u16, height: u16) {
    let (mut app, w, _store) = demo_app(width, height).await;
    act(&mut app, &w, key(KeyCode::Char(':'))).await;
    type_text(&mut app, &w, "search sap").await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    let answer = yahoo_results(&app);
    act(&mut app, &w, answer).await;
    // The stored SAP.DE once, then Yahoo's three others.
    assert_eq!(app.search.len(), 4);
    let screen = render(&app, width, height);
    for whole in ["Frankfurt", "OTC Markets OTCPK", "cryptocurrency"] {
        for line in screen.lines().filter(|l| l.contains(&whole[..6])) {
            assert!(line.contains(whole), "{whole} cut short:\n{screen}");
        }
    }
    insta::assert_snapshot!(format!("search_exchanges_{width}x{height}"), screen);
}

#[tokio::test]
async fn search_exchanges_at_120x40() {
    search_exchanges(120, 40).await;
}

#[tokio::test]
async fn search_exchanges_at_60x20() {
    search_exchanges(60, 20).await;
}

/// A message longer than the form is wide is wrapped at spaces, not cut.
async fn form_long_error(width: u16, height: u16) {
    let (mut app, w, _store) = demo_app(width, height).await;
    act(&mut app, &w, key(KeyCode::Char('N'))).await;
    type_text(&mut app, &w, "IBKR").await;
    act(&mut app, &w, key(KeyCode::Tab)).await;
    type_text(&mut app, &w, "ftp://ibkr.com").await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    let form = app.form.as_ref().expect("refused");
    let error = form.field("url").unwrap().error.clone().unwrap();
    let screen = render(&app, width, height);
    let shown: String = screen
        .lines()
        .filter(|l| l.contains('│'))
        .flat_map(|l| l.split('│').nth(1))
        .collect::<Vec<_>>()
        .join(" ");
    let shown = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(shown.contains(&error), "{error}\n{screen}");
    insta::assert_snapshot!(format!("form_long_error_{width}x{height}"), screen);
}

#[tokio::test]
async fn form_long_error_at_80x24() {
    form_long_error(80, 24).await;
}
