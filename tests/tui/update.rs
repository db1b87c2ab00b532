//! The update step against the demo portfolio in a real store: forms that write through the
//! services, inline errors from the services, deletions with confirmation, the command line,
//! securities opened from a local stand-in for Yahoo.

use crate::support;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use crossterm::event::KeyCode;
use finances::domain::Symbol;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rust_decimal::Decimal;

use finances::demo;
use finances::market::{self, CacheSettings, MarketData, OfflineMarket};
use finances::service::Services;
use finances::tui::action::{Action, Command};
use finances::tui::app::{App, Level, Mode, Screen};
use finances::tui::driver::{act, key, settle, start, type_text};
use finances::tui::screens;
use finances::tui::update;
use finances::tui::worker::Worker;
use finances::tui::{build_app, TuiSettings};

pub(crate) async fn demo_app() -> (App, Worker, finances::store::testing::TestStore) {
    demo_app_on(Arc::new(OfflineMarket)).await
}

/// The demo portfolio with `market` for Yahoo.
async fn demo_app_on(
    market: Arc<dyn MarketData>,
) -> (App, Worker, finances::store::testing::TestStore) {
    let t = finances::store::testing::sqlite().await;
    let store = t.store();
    let today = demo::reference_today();
    let summary = demo::generate(&store, demo::DEFAULT_SEED, today)
        .await
        .unwrap();
    let services = Services::new(store, market);
    let now = Utc.from_utc_datetime(&today.and_hms_opt(22, 0, 0).unwrap());
    let mut app = build_app(&TuiSettings::default(), false, now).unwrap();
    app.user = Some(summary.user.clone());
    let worker = Worker::new(services, Some(summary.user)).without_search_pause();
    start(&mut app, &worker, 120, 40, now).await;
    (app, worker, t)
}

pub(crate) async fn command(app: &mut App, w: &Worker, line: &str) {
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
    let before = count_of(&app, "VTI");
    act(&mut app, &w, key(KeyCode::Char('n'))).await;
    assert!(app.form.is_some());
    // Account (Roth IRA, kept by snapshots, picked by its initial), symbol, shares, price.
    type_text(&mut app, &w, "r").await;
    act(&mut app, &w, key(KeyCode::Tab)).await;
    type_text(&mut app, &w, "vti").await;
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
        .starts_with("Saved holding VTI"));
    // The new snapshot is the current one for VTI in Roth IRA.
    let vti = app
        .holdings
        .rows
        .iter()
        .find(|r| r.symbol.as_str() == "VTI")
        .unwrap();
    assert_eq!(vti.shares, Decimal::from(3));
    assert_eq!(count_of(&app, "VTI"), before);

    // Delete it: select it, d, then n keeps it and y deletes it.
    command(&mut app, &w, "filter VTI").await;
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
        .starts_with("Deleted holding VTI"));
    let vti = app.selected_holding().unwrap();
    assert_ne!(
        vti.shares,
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
    assert_eq!(aapl.avg_cost, Some(Decimal::from(150)));
    assert_eq!(
        aapl.holding_id, None,
        "a position of the account's ledger now"
    );

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

// --- Search: keys, line editing, fresh results ---

fn ctrl(c: char) -> finances::tui::action::Action {
    finances::tui::driver::ctrl(c)
}

#[tokio::test]
async fn search_opens_without_typing_and_esc_stops_typing() {
    let (mut app, w, _t) = demo_app().await;
    act(&mut app, &w, key(KeyCode::Char('4'))).await;
    assert_eq!(app.screen, Screen::Search);
    assert_eq!(app.mode, Mode::Normal, "global keys work on arrival");
    act(&mut app, &w, key(KeyCode::Char('?'))).await;
    assert!(matches!(app.mode, Mode::Help { .. }), "{:?}", app.mode);
    assert_eq!(app.search.query, "");
    act(&mut app, &w, key(KeyCode::Esc)).await;

    // `/` types; digits, `?` and `/` are then part of the query.
    act(&mut app, &w, key(KeyCode::Char('/'))).await;
    assert_eq!(app.mode, Mode::SearchInput);
    type_text(&mut app, &w, "vo?/1").await;
    assert_eq!(app.search.query, "vo?/1");
    // Esc stops typing and the keys of every screen work again.
    act(&mut app, &w, key(KeyCode::Esc)).await;
    assert_eq!(app.mode, Mode::Normal);
    act(&mut app, &w, key(KeyCode::Char('1'))).await;
    assert_eq!(app.screen, Screen::Accounts);
    // Coming back keeps the query and does not type.
    act(&mut app, &w, key(KeyCode::Char('4'))).await;
    assert_eq!(app.mode, Mode::Normal);
    act(&mut app, &w, key(KeyCode::Char('i'))).await;
    assert_eq!(app.mode, Mode::SearchInput, "i types too");
}

#[tokio::test]
async fn every_typed_line_edits_alike() {
    let (mut app, w, _t) = demo_app().await;
    // The holdings filter.
    act(&mut app, &w, key(KeyCode::Char('2'))).await;
    act(&mut app, &w, key(KeyCode::Char('/'))).await;
    type_text(&mut app, &w, "vod x").await;
    assert_eq!(app.holdings.order.len(), 0);
    act(&mut app, &w, ctrl('w')).await;
    assert_eq!(app.holdings.filter, "vod ");
    act(&mut app, &w, ctrl('u')).await;
    assert_eq!(app.holdings.filter, "");
    assert_eq!(app.holdings.order.len(), 22);
    act(&mut app, &w, key(KeyCode::Enter)).await;

    // The command line.
    act(&mut app, &w, key(KeyCode::Char(':'))).await;
    type_text(&mut app, &w, "sort gain").await;
    act(&mut app, &w, ctrl('w')).await;
    assert_eq!(app.mode, Mode::CommandLine("sort ".into()));
    act(&mut app, &w, ctrl('u')).await;
    assert_eq!(app.mode, Mode::CommandLine(String::new()));
    act(&mut app, &w, key(KeyCode::Backspace)).await;
    assert_eq!(
        app.mode,
        Mode::Normal,
        "backspace on an empty line leaves it"
    );

    // A form's text field.
    act(&mut app, &w, key(KeyCode::Char('1'))).await;
    act(&mut app, &w, key(KeyCode::Char('N'))).await;
    type_text(&mut app, &w, "Big Bank").await;
    act(&mut app, &w, ctrl('w')).await;
    assert_eq!(app.form.as_ref().unwrap().fields[0].value, "Big ");
    act(&mut app, &w, ctrl('u')).await;
    assert_eq!(app.form.as_ref().unwrap().fields[0].value, "");
    act(&mut app, &w, key(KeyCode::Esc)).await;

    // The search query.
    act(&mut app, &w, key(KeyCode::Char('4'))).await;
    act(&mut app, &w, key(KeyCode::Char('/'))).await;
    type_text(&mut app, &w, "vanguard s").await;
    assert_eq!(app.search.len(), 1, "Vanguard S&P 500 ETF");
    act(&mut app, &w, ctrl('w')).await;
    assert_eq!(app.search.query, "vanguard ");
    assert_eq!(
        app.search.len(),
        3,
        "the shorter query was searched: every Vanguard fund"
    );
    act(&mut app, &w, ctrl('u')).await;
    assert_eq!(app.search.query, "");
    assert_eq!(
        app.mode,
        Mode::SearchInput,
        "ctrl-u is not page up while typing"
    );
}

#[tokio::test]
async fn search_results_are_asked_again_when_what_is_stored_changes() {
    use finances::domain::{NewSecurity, SecurityType, Symbol};
    use finances::tui::action::{Action, Command, SyncEvent};

    let (mut app, w, t) = demo_app().await;
    act(&mut app, &w, key(KeyCode::Char('4'))).await;
    act(&mut app, &w, key(KeyCode::Char('/'))).await;
    type_text(&mut app, &w, "zzzz").await;
    assert_eq!(app.search.stored.len(), 0);

    // A sync stores the symbol (here, as another process would).
    let symbol = Symbol::parse("ZZZZ").unwrap();
    let security = NewSecurity {
        symbol: symbol.clone(),
        name: "Zed Zed Corp".into(),
        exchange: Some("NMS".into()),
        currency: "USD".into(),
        security_type: SecurityType::Equity,
        sector: None,
        industry: None,
        market_cap: None,
    }
    .into_security(uuid::Uuid::new_v4(), app.now);
    t.store().insert_security(&security).await.unwrap();
    act(
        &mut app,
        &w,
        Action::Sync(SyncEvent::Done {
            symbol: Some(symbol),
            message: Ok("Synced ZZZZ".into()),
        }),
    )
    .await;
    assert_eq!(
        app.search.stored.len(),
        1,
        "the stored matches were asked again"
    );
    let shown = app.selected_search().unwrap();
    assert_eq!(shown.symbol.as_str(), "ZZZZ");
    assert!(shown.in_database, "shown as stored, not as Yahoo's");

    // A save (a holding added stores its security) asks again too.
    let cmds = finances::tui::update::update(
        &mut app,
        Action::Saved {
            what: "holding ZZZZ".into(),
            result: Ok(()),
        },
    );
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::SearchStored { query, .. } if query == "zzzz")),
        "{cmds:?}"
    );
}

// --- Forms ---

fn flag_of(app: &App, key: &str) -> String {
    app.form.as_ref().unwrap().field(key).unwrap().value.clone()
}

#[tokio::test]
async fn a_bare_host_is_taken_as_an_https_address() {
    let (mut app, w, _t) = demo_app().await;
    act(&mut app, &w, key(KeyCode::Char('N'))).await;
    type_text(&mut app, &w, "IBKR").await;
    act(&mut app, &w, key(KeyCode::Tab)).await;
    type_text(&mut app, &w, "ibkr.com").await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    assert!(app.form.is_none(), "{:?}", app.form);
    let url = app
        .portfolio
        .as_ref()
        .unwrap()
        .overview
        .groups
        .iter()
        .filter_map(|g| g.institution.as_ref())
        .find(|i| i.name == "IBKR")
        .map(|i| i.url.clone())
        .expect("the new institution is listed");
    assert_eq!(url.as_deref(), Some("https://ibkr.com"));
}

#[tokio::test]
async fn an_investment_account_type_ticks_investment_until_set_by_hand() {
    let (mut app, w, _t) = demo_app().await;
    act(&mut app, &w, key(KeyCode::Char('n'))).await;
    type_text(&mut app, &w, "IBKR Margin").await;
    act(&mut app, &w, key(KeyCode::Tab)).await;
    assert_eq!(flag_of(&app, "is_investment_account"), "no");
    act(&mut app, &w, key(KeyCode::Char('b'))).await;
    assert_eq!(flag_of(&app, "account_type"), "brokerage");
    assert_eq!(flag_of(&app, "is_investment_account"), "yes");
    act(&mut app, &w, key(KeyCode::Char('c'))).await;
    assert_eq!(flag_of(&app, "account_type"), "crypto");
    assert_eq!(flag_of(&app, "is_investment_account"), "yes");
    act(&mut app, &w, key(KeyCode::Char('c'))).await;
    assert_eq!(flag_of(&app, "account_type"), "cash");
    assert_eq!(flag_of(&app, "is_investment_account"), "no");
    act(&mut app, &w, key(KeyCode::Char('r'))).await;
    assert_eq!(flag_of(&app, "account_type"), "rrsp");
    assert_eq!(flag_of(&app, "is_investment_account"), "yes");
    // Still editable: once set by hand, the type no longer changes it.
    for _ in 0..3 {
        act(&mut app, &w, key(KeyCode::Tab)).await;
    }
    act(&mut app, &w, key(KeyCode::Char(' '))).await;
    assert_eq!(flag_of(&app, "is_investment_account"), "no");
    for _ in 0..3 {
        act(&mut app, &w, key(KeyCode::BackTab)).await;
    }
    act(&mut app, &w, key(KeyCode::Char('m'))).await;
    assert_eq!(flag_of(&app, "account_type"), "margin");
    assert_eq!(flag_of(&app, "is_investment_account"), "no");
    for _ in 0..3 {
        act(&mut app, &w, key(KeyCode::Tab)).await;
    }
    act(&mut app, &w, key(KeyCode::Char(' '))).await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    assert!(app.form.is_none(), "{:?}", app.form);
    let account = app
        .all_accounts()
        .find(|a| a.account.name == "IBKR Margin")
        .unwrap();
    assert!(account.account.is_investment_account);
    assert!(app
        .investment_accounts()
        .iter()
        .any(|(_, n)| n == "IBKR Margin"));
}

fn form_account(app: &App) -> String {
    let form = app.form.as_ref().expect("the holding form is open");
    form.field("account").unwrap().display()
}

#[tokio::test]
async fn a_new_holding_goes_where_the_screen_points() {
    let (mut app, w, _t) = demo_app().await;
    // Holdings of every account, the cursor on a Roth IRA holding: that account.
    act(&mut app, &w, key(KeyCode::Char('2'))).await;
    command(&mut app, &w, "filter VOO").await;
    assert_eq!(app.selected_holding().unwrap().account_name, "Roth IRA");
    act(&mut app, &w, key(KeyCode::Char('n'))).await;
    assert_eq!(form_account(&app), "Roth IRA");
    act(&mut app, &w, key(KeyCode::Esc)).await;

    // The holdings of one account: that account.
    command(&mut app, &w, "acct euro depot").await;
    act(&mut app, &w, key(KeyCode::Char('n'))).await;
    assert_eq!(form_account(&app), "Euro Depot");
    act(&mut app, &w, key(KeyCode::Esc)).await;

    // Search, every account in view: the only account that holds the security.
    command(&mut app, &w, "acct").await;
    command(&mut app, &w, "search vod").await;
    assert_eq!(app.selected_search().unwrap().symbol.as_str(), "VOD.L");
    act(&mut app, &w, key(KeyCode::Char('a'))).await;
    assert_eq!(form_account(&app), "Stocks & Shares ISA");
    act(&mut app, &w, key(KeyCode::Esc)).await;

    // A security nobody holds, nothing in view: the form asks.
    command(&mut app, &w, "add ZZZZ 1 @ 2").await;
    assert_eq!(form_account(&app), "(choose)");
    let form = app.form.as_ref().unwrap();
    assert_eq!(form.focus, 0, "the cursor is on the question");
    assert_eq!(form.field("quantity").unwrap().value, "1");
    assert_eq!(form.field("unit_price").unwrap().value, "2");
    act(&mut app, &w, key(KeyCode::Enter)).await;
    let form = app.form.as_ref().expect("not sent");
    assert_eq!(
        form.field("account").unwrap().error.as_deref(),
        Some("choose an investment account")
    );
}

#[tokio::test]
async fn the_add_command_asks_where_no_account_is_in_view() {
    let (mut app, w, _t) = demo_app().await;
    act(&mut app, &w, key(KeyCode::Char('2'))).await;
    let before = count_of(&app, "AAPL");
    command(&mut app, &w, "add AAPL 10 @ 150").await;
    assert_eq!(
        count_of(&app, "AAPL"),
        before,
        "nothing saved without asking"
    );
    let form = app.form.as_ref().expect("the form asks");
    assert_eq!(form.field("security_id").unwrap().value, "AAPL");
    assert_eq!(form.field("quantity").unwrap().value, "10");
    assert_eq!(form.field("unit_price").unwrap().value, "150");
    // Its answer to confirm or change: the only account that holds AAPL.
    assert_eq!(form_account(&app), "Brokerage");
    assert_eq!(app.form.as_ref().unwrap().focus, 0);
}

#[tokio::test]
async fn an_ambiguous_account_name_is_asked_about() {
    let (mut app, w, _t) = demo_app().await;
    command(&mut app, &w, "acct euro").await;
    let status = app.status.clone().unwrap();
    assert_eq!(status.level, Level::Error);
    assert_eq!(
        status.text,
        "'euro' is 2 accounts: Euro Cash, Euro Depot; say which"
    );
    assert_eq!(app.screen, Screen::Accounts, "nothing was picked");
    assert_eq!(app.holdings.account, None);
    // An institution's name counts too, and the whole name settles it.
    command(&mut app, &w, "acct northwind").await;
    assert!(app
        .status
        .as_ref()
        .unwrap()
        .text
        .contains("Brokerage, Roth IRA"));
    command(&mut app, &w, "acct northwind roth").await;
    assert_eq!(app.screen, Screen::Holdings);
    let id = app.holdings.account.unwrap();
    assert_eq!(app.account_name(id), Some("Roth IRA"));
    command(&mut app, &w, "acct EURO DEPOT").await;
    assert_eq!(
        app.account_name(app.holdings.account.unwrap()),
        Some("Euro Depot")
    );
}

/// A stand-in for Yahoo that knows TEST (not in the demo), its bars ending on the demo's
/// "today", and the demo over it.
async fn demo_app_with_yahoo() -> (
    App,
    Worker,
    finances::store::testing::TestStore,
    support::yahoo::FakeYahoo,
) {
    use support::yahoo::{asset, chart_ending, FakeYahoo, Reply};
    let yahoo = FakeYahoo::start().await;
    yahoo.route(
        "/v8/finance/chart/TEST",
        Reply::json(chart_ending(
            "chart_TEST_1d_history.json",
            demo::reference_today(),
        )),
    );
    yahoo.route(
        "/v10/finance/quoteSummary/TEST",
        Reply::json(asset("quoteSummary_TEST.json")),
    );
    yahoo.route("/v7/finance/quote", Reply::json(asset("quote_TEST.json")));
    yahoo.route("/v1/finance/search", Reply::json(asset("search_test.json")));
    let market = market::connect(yahoo.settings(), &CacheSettings::default()).unwrap();
    let (app, w, t) = demo_app_on(market).await;
    (app, w, t, yahoo)
}

fn render(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| screens::draw(f, app)).unwrap();
    terminal.backend().to_string()
}

/// `:open TEST`, a symbol the store does not hold: looked up on Yahoo, stored with its daily
/// history, and its chart drawn, with each step on the screen meanwhile.
#[tokio::test]
async fn opening_a_symbol_not_stored_fetches_it_and_draws_its_chart() {
    let (mut app, w, t, _yahoo) = demo_app_with_yahoo().await;
    let test = Symbol::parse("TEST").unwrap();
    assert!(t.security_by_symbol(&test).await.unwrap().is_none());

    act(&mut app, &w, key(KeyCode::Char(':'))).await;
    type_text(&mut app, &w, "open TEST").await;
    let cmds = update::update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.screen, Screen::Security);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut later = Vec::new();
    for cmd in cmds {
        if matches!(cmd, Command::LoadChart { .. }) {
            w.run(cmd, &tx).await;
        } else {
            later.push(cmd);
        }
    }
    let mut steps = Vec::new();
    while let Ok(action) = rx.try_recv() {
        let progress = matches!(action, Action::ChartProgress { .. });
        later.extend(update::update(&mut app, action));
        if progress {
            let screen = render(&app);
            steps.push(
                screen
                    .lines()
                    .find(|l| l.contains("TEST is not stored"))
                    .unwrap_or_else(|| panic!("no progress shown:\n{screen}"))
                    .split('│')
                    .next()
                    .unwrap()
                    .trim_matches(|c: char| c == '"' || c.is_whitespace())
                    .to_string(),
            );
        }
    }
    settle(&mut app, &w, later).await;
    assert_eq!(
        steps,
        [
            "TEST is not stored: looking it up on Yahoo Finance…",
            "TEST is not stored: fetching its price history…"
        ]
    );

    assert_eq!(app.security.error, None);
    let chart = app.security.chart.as_ref().expect("the chart is loaded");
    // Ten days with one empty (null) bar.
    assert_eq!(chart.series.bars.len(), 9);
    assert_eq!(chart.series.security.name, "Test Industries Inc.");
    let stored = t.security_by_symbol(&test).await.unwrap().expect("stored");
    assert_eq!(
        t.count_prices(stored.id, finances::domain::Interval::D1)
            .await
            .unwrap(),
        9
    );
    let screen = render(&app);
    assert!(screen.contains("TEST Test Industries Inc."), "{screen}");
    assert!(!screen.contains("not found"), "{screen}");
    assert!(
        screen.contains("C 107.30"),
        "the last bar's reading:\n{screen}"
    );
}

/// Enter on a Yahoo search result not stored opens it as `:open` does.
#[tokio::test]
async fn enter_on_a_yahoo_search_result_opens_its_chart() {
    let (mut app, w, t, _yahoo) = demo_app_with_yahoo().await;
    act(&mut app, &w, key(KeyCode::Char('4'))).await;
    act(&mut app, &w, key(KeyCode::Char('/'))).await;
    type_text(&mut app, &w, "test").await;
    let first = app.selected_search().expect("results").clone();
    assert_eq!(first.symbol.as_str(), "TEST");
    assert!(!first.in_database);
    act(&mut app, &w, key(KeyCode::Enter)).await;
    assert_eq!(app.screen, Screen::Security);
    assert_eq!(app.security.error, None, "{:?}", app.security.error);
    assert_eq!(app.security.chart.as_ref().unwrap().series.bars.len(), 9);
    assert!(t.security_by_symbol(&first.symbol).await.unwrap().is_some());
    // The live quote, and the 52 weeks it gives.
    let figures = app.security.figures.as_ref().unwrap();
    assert_eq!(figures.price, Some(Decimal::new(1073, 1)));
    assert_eq!(figures.fifty_two_week_low, Some(Decimal::new(9025, 2)));
}

/// A symbol Yahoo cannot be asked about (offline) says so, not "not found".
#[tokio::test]
async fn opening_a_symbol_not_stored_offline_says_why() {
    let (mut app, w, _t) = demo_app().await;
    command(&mut app, &w, "open ZZZZ").await;
    let error = app.security.error.clone().unwrap();
    assert!(error.starts_with("offline: cannot fetch ZZZZ"), "{error}");
    let screen = render(&app);
    assert!(
        screen.contains("Quote      offline, none stored"),
        "{screen}"
    );
}

/// The "52 weeks" line of the security screen as drawn.
fn fifty_two_weeks(app: &App) -> String {
    let screen = render(app);
    let line = screen
        .lines()
        .find(|l| l.contains("52 weeks"))
        .unwrap_or_else(|| panic!("no 52 weeks:\n{screen}"));
    let at = line.find("52 weeks").unwrap();
    line[at..]
        .trim_end_matches(|c: char| c == '"' || c.is_whitespace())
        .to_string()
}

/// The 52-week range is the year's, whatever range the chart shows (offline, from the
/// stored daily bars): the same on 1D, 1M and 1Y.
#[tokio::test]
async fn fifty_two_weeks_do_not_depend_on_the_range_shown() {
    let (mut app, w, t) = demo_app().await;
    command(&mut app, &w, "open OCDO.L").await;
    let mut shown = Vec::new();
    for range in ["1D", "1M", "1Y"] {
        command(&mut app, &w, &format!("range {range}")).await;
        assert_eq!(app.security.range.label(), range);
        assert!(app.security.chart.is_some());
        shown.push(fifty_two_weeks(&app));
    }
    assert_eq!(shown[0], shown[1], "1D and 1M");
    assert_eq!(shown[1], shown[2], "1M and 1Y");

    // Lowest low and highest high of the stored daily bars of the 52 weeks to the newest.
    let ocdo = t
        .security_by_symbol(&Symbol::parse("OCDO.L").unwrap())
        .await
        .unwrap()
        .unwrap();
    let bars = t
        .prices(ocdo.id, finances::domain::Interval::D1, None, None)
        .await
        .unwrap();
    let newest = bars.last().unwrap().timestamp;
    let year: Vec<_> = bars
        .iter()
        .filter(|b| b.timestamp >= newest - chrono::Duration::weeks(52))
        .collect();
    let low = year.iter().map(|b| b.low).min().unwrap();
    let high = year.iter().map(|b| b.high).max().unwrap();
    let figures = app.security.figures.as_ref().unwrap();
    assert_eq!(
        (figures.fifty_two_week_low, figures.fifty_two_week_high),
        (Some(low), Some(high))
    );
}
