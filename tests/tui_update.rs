//! The update step against the demo portfolio in a real store: forms that write through the
//! services, inline errors from the services, deletions with confirmation, the command line.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use crossterm::event::KeyCode;
use rust_decimal::Decimal;

use finances::demo;
use finances::market::OfflineMarket;
use finances::service::Services;
use finances::tui::app::{App, Level, Mode, Screen};
use finances::tui::driver::{act, key, start, type_text};
use finances::tui::worker::Worker;
use finances::tui::{build_app, TuiSettings};

async fn demo_app() -> (App, Worker, finances::store::testing::TestStore) {
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
    start(&mut app, &worker, 120, 40, now).await;
    (app, worker, t)
}

async fn command(app: &mut App, w: &Worker, line: &str) {
    act(app, w, key(KeyCode::Char(':'))).await;
    type_text(app, w, line).await;
    act(app, w, key(KeyCode::Enter)).await;
}

fn count_of(app: &App, symbol: &str) -> usize {
    app.portfolio
        .as_ref()
        .unwrap()
        .positions
        .iter()
        .filter(|v| v.security.symbol.as_str() == symbol)
        .count()
}

#[tokio::test]
async fn navigation_moves_over_accounts_only() {
    let (mut app, w, _t) = demo_app().await;
    let first = app.selected_account().unwrap().account.name.clone();
    assert_eq!(first, "Everyday Checking");
    // Down past the last account of the first institution skips the next heading.
    for _ in 0..4 {
        act(&mut app, &w, key(KeyCode::Char('j'))).await;
    }
    assert_eq!(app.selected_account().unwrap().account.name, "Brokerage");
    act(&mut app, &w, key(KeyCode::Char('G'))).await;
    assert_eq!(
        app.selected_account().unwrap().account.name,
        "Stocks & Shares ISA"
    );
    act(&mut app, &w, key(KeyCode::Char('g'))).await;
    assert_eq!(app.selected_account().unwrap().account.name, first);
    // Enter opens the account's holdings.
    for _ in 0..4 {
        act(&mut app, &w, key(KeyCode::Down)).await;
    }
    act(&mut app, &w, key(KeyCode::Enter)).await;
    assert_eq!(app.screen, Screen::Holdings);
    assert_eq!(app.holdings.order.len(), 9);
    assert!(app
        .holdings
        .rows
        .iter()
        .all(|r| r.account_name == "Brokerage"));
    // Esc goes back to every account.
    act(&mut app, &w, key(KeyCode::Esc)).await;
    assert_eq!(app.holdings.order.len(), 22);
}

#[tokio::test]
async fn sorting_and_filtering_holdings() {
    let (mut app, w, _t) = demo_app().await;
    act(&mut app, &w, key(KeyCode::Char('2'))).await;
    let values: Vec<_> = app
        .holdings
        .order
        .iter()
        .map(|i| app.holdings.rows[*i].value_base.unwrap())
        .collect();
    assert!(
        values.windows(2).all(|w| w[0] >= w[1]),
        "value, largest first"
    );
    command(&mut app, &w, "sort symbol").await;
    let symbols: Vec<_> = app
        .holdings
        .order
        .iter()
        .map(|i| app.holdings.rows[*i].symbol.to_string())
        .collect();
    let mut sorted = symbols.clone();
    sorted.sort();
    assert_eq!(symbols, sorted);
    act(&mut app, &w, key(KeyCode::Char('r'))).await;
    assert_eq!(app.selected_holding().unwrap().symbol.as_str(), "XOM");
    act(&mut app, &w, key(KeyCode::Char('/'))).await;
    type_text(&mut app, &w, ".l").await;
    assert_eq!(app.holdings.order.len(), 4);
    assert!(app
        .holdings
        .order
        .iter()
        .all(|i| app.holdings.rows[*i].quote == "GBp"));
    let weights: Decimal = app.holdings.rows.iter().filter_map(|r| r.weight).sum();
    assert!(
        (weights - Decimal::ONE_HUNDRED).abs() < Decimal::new(5, 2),
        "{weights}"
    );
}

#[tokio::test]
async fn add_a_holding_with_the_form_then_delete_it() {
    let (mut app, w, _t) = demo_app().await;
    act(&mut app, &w, key(KeyCode::Char('2'))).await;
    let before = count_of(&app, "KO");
    act(&mut app, &w, key(KeyCode::Char('n'))).await;
    assert!(app.form.is_some());
    // Account (default Brokerage), symbol, shares, price.
    act(&mut app, &w, key(KeyCode::Tab)).await;
    type_text(&mut app, &w, "ko").await;
    act(&mut app, &w, key(KeyCode::Tab)).await;
    type_text(&mut app, &w, "-3").await;
    act(&mut app, &w, key(KeyCode::Tab)).await;
    type_text(&mut app, &w, "50").await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    let form = app.form.as_ref().expect("refused before sending");
    assert_eq!(
        form.field("shares").unwrap().error.as_deref(),
        Some("must be more than 0")
    );
    assert_eq!(
        app.form.as_ref().unwrap().focus,
        2,
        "the cursor goes to the field in error"
    );
    act(&mut app, &w, finances::tui::driver::ctrl('u')).await;
    type_text(&mut app, &w, "3").await;
    // A date a year back, so it is a new snapshot rather than the demo's own.
    for _ in 0..2 {
        act(&mut app, &w, key(KeyCode::Tab)).await;
    }
    act(&mut app, &w, finances::tui::driver::ctrl('u')).await;
    type_text(&mut app, &w, "2025-06-26").await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    assert!(app.form.is_none(), "{:?}", app.form);
    assert!(app
        .status
        .as_ref()
        .unwrap()
        .text
        .starts_with("Saved holding KO"));
    // The new snapshot is the current one for KO in Brokerage.
    let ko = app
        .holdings
        .rows
        .iter()
        .find(|r| r.symbol.as_str() == "KO")
        .unwrap();
    assert_eq!(ko.shares, Decimal::from(3));
    assert_eq!(count_of(&app, "KO"), before);

    // Delete it: select it, d, then n keeps it and y deletes it.
    command(&mut app, &w, "filter KO").await;
    assert_eq!(app.selected_holding().unwrap().shares, Decimal::from(3));
    act(&mut app, &w, key(KeyCode::Char('d'))).await;
    assert!(matches!(app.mode, Mode::Confirm { .. }));
    act(&mut app, &w, key(KeyCode::Char('n'))).await;
    assert_eq!(app.selected_holding().unwrap().shares, Decimal::from(3));
    act(&mut app, &w, key(KeyCode::Char('d'))).await;
    act(&mut app, &w, key(KeyCode::Char('y'))).await;
    assert!(app
        .status
        .as_ref()
        .unwrap()
        .text
        .starts_with("Deleted holding KO"));
    let ko = app.selected_holding().unwrap();
    assert_ne!(
        ko.shares,
        Decimal::from(3),
        "the demo's own snapshot is current again"
    );
}

#[tokio::test]
async fn the_add_command_writes_and_offline_lookups_fail_inline() {
    let (mut app, w, _t) = demo_app().await;
    command(&mut app, &w, "acct roth").await;
    assert_eq!(app.screen, Screen::Holdings);
    let n = app.holdings.order.len();
    command(&mut app, &w, "add AAPL 10 @ 150").await;
    assert_eq!(app.holdings.order.len(), n + 1, "{:?}", app.status);
    let aapl = app
        .holdings
        .rows
        .iter()
        .find(|r| r.symbol.as_str() == "AAPL")
        .unwrap();
    assert_eq!(aapl.account_name, "Roth IRA");
    assert_eq!(aapl.avg_cost, Decimal::from(150));

    // A symbol that is not stored needs Yahoo, which is offline: the error names the field.
    act(&mut app, &w, key(KeyCode::Char('n'))).await;
    act(&mut app, &w, key(KeyCode::Tab)).await;
    type_text(&mut app, &w, "ZZZZ").await;
    act(&mut app, &w, key(KeyCode::Tab)).await;
    type_text(&mut app, &w, "1").await;
    act(&mut app, &w, key(KeyCode::Tab)).await;
    type_text(&mut app, &w, "1").await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    let form = app.form.as_ref().expect("the form stays open");
    let err = form.field("security_id").unwrap().error.clone().unwrap();
    assert!(err.contains("offline"), "{err}");
}

#[tokio::test]
async fn values_forms_and_service_rules() {
    let (mut app, w, _t) = demo_app().await;
    // Brokerage is an investment account: a balance without cash is refused by the service.
    for _ in 0..4 {
        act(&mut app, &w, key(KeyCode::Down)).await;
    }
    assert_eq!(app.selected_account().unwrap().account.name, "Brokerage");
    act(&mut app, &w, key(KeyCode::Char('v'))).await;
    let n = app.accounts.values.len();
    act(&mut app, &w, key(KeyCode::Char('n'))).await;
    type_text(&mut app, &w, "1000").await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    let form = app.form.as_ref().expect("refused");
    assert!(form
        .field("cash_balance")
        .unwrap()
        .error
        .as_deref()
        .unwrap()
        .contains("required"));
    assert_eq!(
        app.form.as_ref().unwrap().focus,
        1,
        "the cursor goes to the field in error"
    );
    type_text(&mut app, &w, "250").await;
    act(&mut app, &w, key(KeyCode::Tab)).await;
    act(&mut app, &w, finances::tui::driver::ctrl('u')).await;
    type_text(&mut app, &w, "2025-06-20").await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    assert!(app.form.is_none(), "{:?}", app.form);
    assert_eq!(app.accounts.values.len(), n + 1);

    // New account with a bad interest rate: refused inline; then a good one.
    act(&mut app, &w, key(KeyCode::Char('v'))).await;
    act(&mut app, &w, key(KeyCode::Char('n'))).await;
    type_text(&mut app, &w, "Rainy Day").await;
    for _ in 0..5 {
        act(&mut app, &w, key(KeyCode::Tab)).await;
    }
    type_text(&mut app, &w, "101").await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    let err = app
        .form
        .as_ref()
        .unwrap()
        .field("interest_rate")
        .unwrap()
        .error
        .clone();
    assert_eq!(err.as_deref(), Some("must be between 0 and 100"));
    act(&mut app, &w, key(KeyCode::Backspace)).await;
    act(&mut app, &w, key(KeyCode::Backspace)).await;
    act(&mut app, &w, key(KeyCode::Backspace)).await;
    type_text(&mut app, &w, "3.5").await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    assert!(app.form.is_none());
    assert!(app.all_accounts().any(|a| a.account.name == "Rainy Day"));
}

#[tokio::test]
async fn sync_offline_says_so_and_keeps_the_ui_working() {
    let (mut app, w, _t) = demo_app().await;
    act(&mut app, &w, key(KeyCode::Char('S'))).await;
    let status = app.status.clone().unwrap();
    assert_eq!(status.level, Level::Error);
    assert!(status.text.contains("offline"), "{}", status.text);
    assert!(status.text.contains("22 of 22 failed"), "{}", status.text);
    assert!(!app.sync.running());
    assert_eq!(app.sync.done, 22);
    // The stored data is still there.
    assert_eq!(app.holdings.rows.len(), 22);
}
