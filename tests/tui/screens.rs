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

    act(&mut app, &w, key(KeyCode::Char('l'))).await;
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

/// The accounts screen and the net worth in the header show the service's valuation, the one
/// `GET /api/v1/portfolio` answers with: the same net worth, assets, liabilities and worth of
/// each account in the base currency, and the same amounts left out.
///
/// - Bank / Checking (USD) 1,234.56; Bank / Euro savings (EUR) 1,000 at EUR -> USD 1.085.
/// - Broker (USD, investment): 3 AAA at 150.25 and 2 ZZZ with no close; 100 cash.
/// - Visa (USD credit card) owes 432.10; Yen cash (JPY) 50,000 with no JPY rate.
///
/// Assets 1,234.56 + 1,085 + 3 x 150.25 + 100 = 2,870.31; liabilities 432.10; net worth
/// 2,438.21 USD, without ZZZ and the yen.
#[tokio::test]
async fn the_accounts_screen_shows_the_services_valuation() {
    use std::str::FromStr;

    use finances::domain::{
        AccountType, CurrencyCode, Email, ExchangeRate, Interval, NewAccount, NewInstitution,
        NewSecurity, Password, PriceBar, Username,
    };
    use finances::format;
    use finances::service::portfolio::SecurityRef;
    use rust_decimal::Decimal;
    use uuid::Uuid;

    let dec = |s: &str| Decimal::from_str(s).unwrap();
    let code = |c: &str| CurrencyCode::parse(c).unwrap();
    let t = finances::store::testing::sqlite().await;
    let store = t.store();
    let services = Services::new(store.clone(), Arc::new(OfflineMarket));
    let user = services
        .users
        .register(
            Email::parse("val@example.com").unwrap(),
            Username::parse("valuer").unwrap(),
            Password::parse("long enough password").unwrap(),
            false,
        )
        .await
        .unwrap();
    let p = &services.portfolio;
    let bank = p
        .create_institution(&user, NewInstitution::new("Bank", None).unwrap())
        .await
        .unwrap();
    let day = |d: u32, h: u32| Utc.with_ymd_and_hms(2025, 6, d, h, 0, 0).unwrap();
    let account = |name: &str, kind: AccountType, cur: &str, inst: bool, inv: bool| {
        let new = NewAccount::new(name, kind, code(cur), inst.then_some(bank.id), inv, None);
        let p = p.clone();
        let user = user.clone();
        async move { p.create_account(&user, new.unwrap()).await.unwrap().id }
    };
    let checking = account("Checking", AccountType::Checking, "USD", true, false).await;
    let savings = account("Euro savings", AccountType::Savings, "EUR", true, false).await;
    let broker = account("Broker", AccountType::Brokerage, "USD", false, true).await;
    let visa = account("Visa", AccountType::CreditCard, "USD", false, false).await;
    let yen = account("Yen cash", AccountType::Cash, "JPY", false, false).await;
    for (acct, balance, cash) in [
        (checking, "1234.56", None),
        (savings, "1000", None),
        (broker, "9999", Some("100")),
        (visa, "432.10", None),
        (yen, "50000", None),
    ] {
        p.create_value(&user, acct, dec(balance), cash.map(dec), Some(day(20, 12)))
            .await
            .unwrap();
    }
    let rate = ExchangeRate::new(
        code("EUR"),
        code("USD"),
        day(1, 0).date_naive(),
        dec("1.085"),
    );
    store.upsert_rate(&rate.unwrap()).await.unwrap();
    for (symbol, shares, close) in [("AAA", "3", Some("150.25")), ("ZZZ", "2", None)] {
        let sec = NewSecurity {
            symbol: Symbol::parse(symbol).unwrap(),
            name: format!("{symbol} Inc."),
            exchange: None,
            currency: "USD".into(),
            security_type: SecurityType::Equity,
            sector: None,
            industry: None,
            market_cap: None,
        }
        .into_security(Uuid::new_v4(), finances::domain::now());
        store.insert_security(&sec).await.unwrap();
        let bars: Vec<PriceBar> = close
            .map(|c| PriceBar {
                security_id: sec.id,
                interval: Interval::D1,
                timestamp: day(26, 20),
                open: dec(c),
                high: dec(c),
                low: dec(c),
                close: dec(c),
                adj_close: Some(dec(c)),
                volume: 1,
            })
            .into_iter()
            .collect();
        store.save_sync(&sec, &bars).await.unwrap();
        p.create_holding(
            &user,
            broker,
            SecurityRef::Id(sec.id),
            dec(shares),
            dec("100"),
            Some(day(2, 0)),
        )
        .await
        .unwrap();
    }

    let valuation = p.valuation(&user, None).await.unwrap();
    assert_eq!(valuation.net_worth.net(), dec("2438.21"));
    let now = day(27, 22);
    let mut app = build_app(&TuiSettings::default(), false, now).unwrap();
    app.user = Some(user.clone());
    let worker = Worker::new(services.clone(), Some(user)).without_search_pause();
    start(&mut app, &worker, 120, 24, now).await;
    let screen = render(&app, 120, 24);
    insta::assert_snapshot!("valuation_accounts_120x24", screen);

    let money = |d: Decimal| format::money(d, false);
    let lines: Vec<&str> = screen
        .lines()
        .map(|l| l.trim_matches('"').trim_end())
        .collect();
    let nw = money(valuation.net_worth.net());
    // Beside five tabs, 120 columns leave room for how many are left out; the totals line
    // names them.
    assert!(
        lines[0].ends_with(&format!("net worth {nw} USD · 2 left out")),
        "{}",
        lines[0]
    );
    assert!(
        screen.contains("* without JPY unconverted, ZZZ unpriced"),
        "{screen}"
    );
    let totals = lines
        .iter()
        .find(|l| l.contains("Net worth"))
        .expect("a totals line");
    for part in [
        format!("Assets {}", money(valuation.net_worth.assets)),
        format!("Liabilities {}", money(valuation.net_worth.liabilities)),
        format!("Net worth {nw} USD"),
    ] {
        assert!(totals.contains(&part), "{part} not in {totals}");
    }
    // The worth in base of each account, read in its column ("In USD", right-aligned).
    let header = lines.iter().find(|l| l.starts_with("Account")).unwrap();
    let column_end = header.find("In USD").unwrap() + "In USD".len();
    for a in &valuation.accounts {
        let line = lines
            .iter()
            .find(|l| l.trim_start().starts_with(&a.account.name))
            .unwrap_or_else(|| panic!("{} not shown:\n{screen}", a.account.name));
        let shown: String = line.chars().take(column_end).collect();
        let in_base = format::money_opt(a.value_base, false);
        assert!(
            shown.ends_with(&format!(" {in_base}")),
            "{in_base} not in {line}"
        );
    }
}
