//! The ledger in the terminal UI, step by step against the demo portfolio in a real store:
//! activities recorded from the command line and the activity form, the activities screen's
//! sort, filter, edit and delete, a sale of more than is held refused on the status line, the
//! engine's figures and lots on the holdings screen, the account's cost-basis method.

use crossterm::event::KeyCode;
use rust_decimal::Decimal;

use finances::domain::ledger::ActivityType;
use finances::domain::CostBasisMethod;
use finances::tui::app::{App, Level, Mode, Screen};
use finances::tui::driver::{act, key, type_text};
use finances::tui::worker::Worker;

use crate::update::{command, demo_app};

fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

fn types(app: &App) -> Vec<ActivityType> {
    app.activities
        .order
        .iter()
        .map(|i| app.activities.rows[*i].activity.activity_type)
        .collect()
}

/// Roth IRA's holdings, with a buy, a part sale, a dividend and a deposit recorded.
async fn brokerage_with_activities() -> (App, Worker, finances::store::testing::TestStore) {
    let (mut app, w, t) = demo_app().await;
    command(&mut app, &w, "acct roth").await;
    for line in [
        "buy VTI 10 @ 100 fee 1",
        "sell VTI 5 @ 180",
        "div VTI 12.50 tax 1.88",
        "dep 1000",
    ] {
        command(&mut app, &w, line).await;
        assert!(
            status(&app).starts_with("Saved"),
            "{line}: {}",
            status(&app)
        );
    }
    (app, w, t)
}

#[tokio::test]
async fn the_command_line_records_activities_and_the_holdings_show_the_engine() {
    let (mut app, w, _t) = brokerage_with_activities().await;
    assert_eq!(status(&app), "Saved deposit in Roth IRA");
    command(&mut app, &w, "filter VTI").await;
    let nvda = app.selected_holding().unwrap().clone();
    assert_eq!(nvda.holding_id, None, "kept by its activities now");
    let line = app.portfolio.as_ref().unwrap().ledgers[&nvda.account_id]
        .lines
        .iter()
        .find(|l| l.security.symbol.as_str() == "VTI")
        .unwrap()
        .clone();
    // The row shows the engine's figures as they are, and every one is known here.
    assert_eq!(nvda.shares, line.position.quantity);
    assert_eq!(nvda.avg_cost, line.position.average_cost);
    assert_eq!(nvda.market_value, line.market_value);
    assert_eq!(nvda.unrealized, line.unrealized_gain);
    assert_eq!(nvda.realized, Some(line.position.realized_gain));
    assert!(
        nvda.realized.unwrap() > Decimal::ZERO,
        "sold above its cost"
    );
    // 12.50 gross less 1.88 withheld.
    assert_eq!(nvda.income, Some(Decimal::new(1062, 2)));
    assert_eq!(nvda.lots, line.position.lots);
    assert_eq!(nvda.lots.len(), 2, "the statement's lot and the buy's");

    // Enter opens the lots; esc closes them; l opens the chart from them.
    act(&mut app, &w, key(KeyCode::Enter)).await;
    assert_eq!(app.mode, Mode::Lots);
    act(&mut app, &w, key(KeyCode::Esc)).await;
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.screen, Screen::Holdings);
    act(&mut app, &w, key(KeyCode::Enter)).await;
    act(&mut app, &w, key(KeyCode::Char('l'))).await;
    assert_eq!(app.screen, Screen::Security);

    // A position kept by activities is changed through them, not as a holding.
    act(&mut app, &w, key(KeyCode::Char('2'))).await;
    act(&mut app, &w, key(KeyCode::Char('e'))).await;
    assert!(app.form.is_none());
    assert!(
        status(&app).contains("kept by its activities"),
        "{}",
        status(&app)
    );
}

#[tokio::test]
async fn the_activities_screen_sorts_filters_edits_and_deletes() {
    let (mut app, w, _t) = brokerage_with_activities().await;
    act(&mut app, &w, key(KeyCode::Char('a'))).await;
    assert_eq!(app.screen, Screen::Activities);
    assert_eq!(app.activities.account, app.holdings.account);
    // Newest first; on one date, the ledger's order (deposit, buy, sell, dividend) reversed.
    use ActivityType::*;
    assert_eq!(types(&app), [Dividend, Sell, Buy, Deposit]);
    act(&mut app, &w, key(KeyCode::Char('>'))).await;
    assert_eq!(
        types(&app),
        [Buy, Deposit, Dividend, Sell],
        "by type, from A"
    );
    act(&mut app, &w, key(KeyCode::Char('r'))).await;
    assert_eq!(types(&app), [Sell, Dividend, Deposit, Buy]);
    act(&mut app, &w, key(KeyCode::Char('>'))).await;
    // By symbol, from A: the deposit names none, so it comes first.
    assert_eq!(types(&app), [Deposit, Buy, Sell, Dividend]);
    act(&mut app, &w, key(KeyCode::Char('>'))).await;
    // By amount, largest first: the buy (10 x 100) and the deposit (1,000), equal, in the
    // ledger's order reversed; then the sale (5 x 180), the dividend (12.50).
    assert_eq!(types(&app), [Buy, Deposit, Sell, Dividend]);

    act(&mut app, &w, key(KeyCode::Char('/'))).await;
    type_text(&mut app, &w, "vti").await;
    assert_eq!(
        app.activities.order.len(),
        3,
        "the deposit names no security"
    );
    act(&mut app, &w, key(KeyCode::Esc)).await;
    assert_eq!(app.activities.order.len(), 4);
    act(&mut app, &w, key(KeyCode::Char('/'))).await;
    type_text(&mut app, &w, "sell").await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    assert_eq!(types(&app), [Sell]);

    // Edit the sale: 5 becomes 4.
    act(&mut app, &w, key(KeyCode::Char('e'))).await;
    let form = app.form.as_ref().expect("the activity form");
    assert_eq!(form.field("quantity").unwrap().value, "5");
    assert!(form.field("amount").is_none(), "a sale has no amount");
    while app.form.as_ref().unwrap().fields[app.form.as_ref().unwrap().focus].key != "quantity" {
        act(&mut app, &w, key(KeyCode::Tab)).await;
    }
    act(&mut app, &w, key(KeyCode::Backspace)).await;
    type_text(&mut app, &w, "4").await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    assert!(app.form.is_none(), "{:?}", app.form);
    let sale = app.selected_activity().unwrap();
    assert_eq!(sale.activity.quantity, Some(Decimal::from(4)));

    // Delete it, after asking.
    act(&mut app, &w, key(KeyCode::Char('d'))).await;
    let prompt = format!("Delete sell 4 VTI on {}? y/n", app.now.date_naive());
    assert!(
        matches!(&app.mode, Mode::Confirm { prompt: p, .. } if *p == prompt),
        "{:?}",
        app.mode
    );
    act(&mut app, &w, key(KeyCode::Char('y'))).await;
    assert!(
        status(&app).starts_with("Deleted sell 4 VTI"),
        "{}",
        status(&app)
    );
    assert_eq!(app.activities.rows.len(), 3);
    assert!(
        app.activities.order.is_empty(),
        "the filter still asks for sales"
    );
    act(&mut app, &w, key(KeyCode::Esc)).await;
    assert_eq!(app.activities.order.len(), 3);
    act(&mut app, &w, key(KeyCode::Esc)).await;
    assert_eq!(
        app.screen,
        Screen::Holdings,
        "esc goes back to the holdings"
    );
}

#[tokio::test]
async fn a_sale_of_more_than_is_held_is_refused_on_the_status_line_and_stores_nothing() {
    let (mut app, w, _t) = brokerage_with_activities().await;
    act(&mut app, &w, key(KeyCode::Char('a'))).await;
    let before = app.activities.rows.len();

    command(&mut app, &w, "sell VTI 100000 @ 1").await;
    let s = app.status.clone().unwrap();
    assert_eq!(s.level, Level::Error);
    assert!(
        s.text.starts_with("sell VTI in Roth IRA: refused:"),
        "{}",
        s.text
    );

    // From the form: the form stays to be corrected; the status line says why.
    act(&mut app, &w, key(KeyCode::Char('n'))).await;
    let form = app.form.as_ref().unwrap();
    assert_eq!(form.field("account").unwrap().display(), "Roth IRA");
    act(&mut app, &w, key(KeyCode::Tab)).await;
    act(&mut app, &w, key(KeyCode::Char('s'))).await;
    assert_eq!(
        app.form
            .as_ref()
            .unwrap()
            .field("activity_type")
            .unwrap()
            .value,
        "sell"
    );
    act(&mut app, &w, key(KeyCode::Tab)).await;
    type_text(&mut app, &w, "VTI").await;
    act(&mut app, &w, key(KeyCode::Tab)).await;
    type_text(&mut app, &w, "100000").await;
    act(&mut app, &w, key(KeyCode::Tab)).await;
    type_text(&mut app, &w, "1").await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    let form = app.form.as_ref().expect("kept open");
    assert!(!form.submitting);
    assert!(!form.has_errors(), "no one field is wrong");
    let s = app.status.clone().unwrap();
    assert_eq!(s.level, Level::Error);
    assert!(s.text.contains("refused"), "{}", s.text);
    act(&mut app, &w, key(KeyCode::Esc)).await;
    command(&mut app, &w, "acct roth").await;
    act(&mut app, &w, key(KeyCode::Char('a'))).await;
    assert_eq!(app.activities.rows.len(), before, "nothing stored");
}

#[tokio::test]
async fn the_form_checks_inline_with_the_domain_rules() {
    let (mut app, w, _t) = demo_app().await;
    command(&mut app, &w, "acct roth").await;
    act(&mut app, &w, key(KeyCode::Char('a'))).await;
    assert_eq!(app.screen, Screen::Activities);
    assert!(app.activities.rows.is_empty());
    act(&mut app, &w, key(KeyCode::Char('n'))).await;
    // A dividend without its security: named by the domain, at its field, nothing sent.
    act(&mut app, &w, key(KeyCode::Tab)).await;
    act(&mut app, &w, key(KeyCode::Char('d'))).await;
    act(&mut app, &w, key(KeyCode::Tab)).await;
    act(&mut app, &w, key(KeyCode::Tab)).await;
    type_text(&mut app, &w, "12.5").await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    let form = app.form.as_ref().expect("not sent");
    assert_eq!(
        form.field("security_id").unwrap().error.as_deref(),
        Some("is required for a dividend activity")
    );
    assert_eq!(form.fields[form.focus].key, "security_id");
    type_text(&mut app, &w, "KO").await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    assert!(app.form.is_none(), "{:?}", app.form);
    assert_eq!(app.activities.rows.len(), 1);
    let div = &app.activities.rows[0];
    assert_eq!(div.activity.activity_type, ActivityType::Dividend);
    assert_eq!(div.activity.amount, Some(Decimal::new(125, 1)));
    assert_eq!(div.symbol.as_ref().unwrap().as_str(), "KO");
}

#[tokio::test]
async fn the_account_form_sets_the_cost_basis_method() {
    let (mut app, w, _t) = demo_app().await;
    command(&mut app, &w, "acct roth").await;
    act(&mut app, &w, key(KeyCode::Char('1'))).await;
    assert_eq!(app.selected_account().unwrap().account.name, "Roth IRA");
    act(&mut app, &w, key(KeyCode::Char('e'))).await;
    // The last field: up from the first.
    act(&mut app, &w, key(KeyCode::Up)).await;
    let form = app.form.as_ref().unwrap();
    assert_eq!(form.fields[form.focus].key, "cost_basis_method");
    assert_eq!(form.fields[form.focus].display(), "fifo");
    act(&mut app, &w, key(KeyCode::Char('h'))).await;
    act(&mut app, &w, key(KeyCode::Enter)).await;
    assert!(app.form.is_none(), "{:?}", app.form);
    assert_eq!(
        app.selected_account().unwrap().account.cost_basis_method,
        CostBasisMethod::Hifo
    );
}
