//! A portfolio as a new user builds it (a USD and a GBP brokerage account, a security held in
//! both, a pence-quoted one with wide figures, one whose last close is years old, and two added
//! before their first sync), drawn and driven as in the first hour of use: what is left out of
//! the totals is named, stale prices are marked, numbers are whole at every width.

use std::collections::BTreeSet;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use crossterm::event::KeyCode;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rust_decimal::Decimal;
use uuid::Uuid;

use finances::domain::{
    self, AccountType, CurrencyCode, Email, ExchangeRate, Interval, NewAccount, NewInstitution,
    NewSecurity, Password, PriceBar, Security, SecurityType, Symbol, User, Username,
};
use finances::market::OfflineMarket;
use finances::service::portfolio::SecurityRef;
use finances::service::Services;
use finances::store::Store;
use finances::tui::app::{App, Column, Level, Screen};
use finances::tui::driver::{act, ctrl, key, start};
use finances::tui::worker::Worker;
use finances::tui::{build_app, screens, TuiSettings};

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn code(c: &str) -> CurrencyCode {
    CurrencyCode::parse(c).unwrap()
}

/// The clock of every test here: the evening of 2025-06-27.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 27, 22, 0, 0).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(
        &NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap(),
    )
}

/// A stored security with daily closes `(day, close)`; none means "added before its first sync".
async fn security(
    store: &dyn Store,
    symbol: &str,
    unit: &str,
    closes: &[(DateTime<Utc>, &str)],
) -> Security {
    let sec = NewSecurity {
        symbol: Symbol::parse(symbol).unwrap(),
        name: format!("{symbol} Holdings"),
        exchange: Some("NMS".into()),
        currency: unit.into(),
        security_type: SecurityType::Equity,
        sector: None,
        industry: None,
        market_cap: None,
    }
    .into_security(Uuid::new_v4(), domain::now());
    store.insert_security(&sec).await.unwrap();
    let bars: Vec<PriceBar> = closes
        .iter()
        .map(|(t, c)| PriceBar {
            security_id: sec.id,
            interval: Interval::D1,
            timestamp: *t,
            open: dec(c),
            high: dec(c),
            low: dec(c),
            close: dec(c),
            adj_close: Some(dec(c)),
            volume: 1000,
        })
        .collect();
    store.save_sync(&sec, &bars).await.unwrap();
    sec
}

struct Fixture {
    app: App,
    worker: Worker,
    _store: finances::store::testing::TestStore,
}

async fn empty_user(services: &Services) -> User {
    services
        .users
        .register(
            Email::parse("new@example.com").unwrap(),
            Username::parse("newcomer").unwrap(),
            Password::parse("long enough password").unwrap(),
            false,
        )
        .await
        .unwrap()
}

async fn open(
    services: Services,
    user: User,
    t: finances::store::testing::TestStore,
    width: u16,
    height: u16,
) -> Fixture {
    let mut app = build_app(&TuiSettings::default(), false, now()).unwrap();
    app.user = Some(user.clone());
    let worker = Worker::new(services, Some(user)).without_search_pause();
    start(&mut app, &worker, width, height, now()).await;
    Fixture {
        app,
        worker,
        _store: t,
    }
}

/// The portfolio:
///
/// - IBKR / US Brokerage (USD): 10 AAPL bought at 150, closes 196 then 200; 5 NVDA with no
///   close yet; 20 MSFT at 250 whose last close (300, after 290) is from 2022-11-04.
/// - IBKR / UK ISA (GBP): 7,142 OCDO.L at 250p, closes 330p then 337.13p; 4 AAPL at 180;
///   100 TSCO.L (pence) with no close yet.
/// - GBP -> USD at 1.25.
///
/// Priced in USD: AAPL 10 x 200 = 2,000; MSFT 20 x 300 = 6,000 (stale, still counted).
/// Priced in GBP: OCDO.L 7,142 x 3.3713 = 24,077.8246; AAPL 4 x 200 = 800 USD = 640 GBP
/// (USD -> GBP at 1 / 1.25 = 0.8). The ISA is 24,717.8246 GBP = 30,897.28 USD.
/// Net worth 2,000 + 6,000 + 30,897.28 = 38,897.28 USD, NVDA and TSCO.L named as unpriced.
async fn first_hour(width: u16, height: u16) -> Fixture {
    let t = finances::store::testing::sqlite().await;
    let store = t.store();
    let services = Services::new(store.clone(), Arc::new(OfflineMarket));
    let user = empty_user(&services).await;
    let p = &services.portfolio;
    let ibkr = p
        .create_institution(&user, NewInstitution::new("IBKR", None).unwrap())
        .await
        .unwrap();
    let account = |name: &str, cur: &str| {
        NewAccount::new(
            name,
            AccountType::Brokerage,
            code(cur),
            Some(ibkr.id),
            true,
            None,
        )
        .unwrap()
    };
    let usd = p
        .create_account(&user, account("US Brokerage", "USD"))
        .await
        .unwrap()
        .id;
    let gbp = p
        .create_account(&user, account("UK ISA", "GBP"))
        .await
        .unwrap()
        .id;
    for (from, to, rate) in [("GBP", "USD", "1.25"), ("USD", "GBP", "0.8")] {
        store
            .upsert_rate(
                &ExchangeRate::new(
                    code(from),
                    code(to),
                    day(2025, 6, 1).date_naive(),
                    dec(rate),
                )
                .unwrap(),
            )
            .await
            .unwrap();
    }
    let aapl = security(
        store.as_ref(),
        "AAPL",
        "USD",
        &[(day(2025, 6, 26), "196"), (day(2025, 6, 27), "200")],
    )
    .await;
    let nvda = security(store.as_ref(), "NVDA", "USD", &[]).await;
    let msft = security(
        store.as_ref(),
        "MSFT",
        "USD",
        &[(day(2022, 11, 3), "290"), (day(2022, 11, 4), "300")],
    )
    .await;
    let ocdo = security(
        store.as_ref(),
        "OCDO.L",
        "GBp",
        &[(day(2025, 6, 26), "330"), (day(2025, 6, 27), "337.13")],
    )
    .await;
    let tsco = security(store.as_ref(), "TSCO.L", "GBp", &[]).await;
    for (acct, sec, shares, avg) in [
        (usd, &aapl, "10", "150"),
        (usd, &nvda, "5", "100"),
        (usd, &msft, "20", "250"),
        (gbp, &ocdo, "7142", "250"),
        (gbp, &aapl, "4", "180"),
        (gbp, &tsco, "100", "280"),
    ] {
        p.create_holding(
            &user,
            acct,
            SecurityRef::Id(sec.id),
            dec(shares),
            dec(avg),
            None,
        )
        .await
        .unwrap();
    }
    open(services, user, t, width, height).await
}

fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| screens::draw(f, app)).unwrap();
    terminal.backend().to_string()
}

/// The drawn lines without the backend's quoting.
fn lines(screen: &str) -> Vec<String> {
    screen
        .lines()
        .map(|l| l.trim_matches('"').trim_end().to_string())
        .collect()
}

#[tokio::test]
async fn an_unpriced_holding_is_left_out_of_totals_and_named() {
    let mut f = first_hour(140, 30).await;
    let p = f.app.portfolio.as_ref().unwrap();
    // 38,897.28 USD as worked out above: not 0, and NVDA and TSCO.L not counted at cost.
    assert_eq!(p.overview.net_worth.net(), dec("38897.28"));
    let screen = render(&f.app, 140, 30);
    let top = &lines(&screen)[0];
    assert!(
        top.ends_with("net worth 38,897.28 USD · NVDA unpriced, TSCO.L unpriced"),
        "{top}"
    );
    assert!(
        screen.contains("* without NVDA unpriced, TSCO.L unpriced"),
        "{screen}"
    );
    // The US account: 2,000 + 6,000 priced, marked as partial.
    assert!(screen.contains("8,000.00*"), "{screen}");

    act(&mut f.app, &f.worker, key(KeyCode::Char('2'))).await;
    // Holdings total in USD: 2,000 + 6,000 + 30,097.28 (OCDO.L) + 800 = 38,897.28.
    assert_eq!(
        f.app.holdings.total_value.map(|v| v.round_dp(2)),
        Some(dec("38897.28"))
    );
    assert_eq!(
        f.app.holdings.left_out,
        vec!["NVDA unpriced".to_string(), "TSCO.L unpriced".to_string()]
    );
    let screen = render(&f.app, 140, 30);
    assert!(
        screen.contains("value 38,897.28  · NVDA unpriced, TSCO.L unpriced"),
        "{screen}"
    );
}

#[tokio::test]
async fn a_stale_price_shows_its_age_and_no_day_change() {
    let mut f = first_hour(140, 30).await;
    act(&mut f.app, &f.worker, key(KeyCode::Char('2'))).await;
    let msft = f
        .app
        .holdings
        .rows
        .iter()
        .find(|r| r.symbol.as_str() == "MSFT")
        .unwrap()
        .clone();
    // Closed at 300 after 290, but on 2022-11-04: not today's change.
    assert!(msft.stale);
    assert_eq!(msft.day_change_pct, None);
    assert_eq!(msft.day_change_base, None);
    let aapl_day: Decimal = f
        .app
        .holdings
        .rows
        .iter()
        .filter(|r| r.symbol.as_str() == "AAPL")
        .map(|r| r.day_change_base.unwrap())
        .sum();
    // The day's total is AAPL's (14 x 4 = 56 USD) and OCDO.L's (7,142 x 0.0713 GBP x 1.25 =
    // 636.53 USD), without MSFT's old +200.
    assert_eq!(aapl_day, dec("56"));
    assert_eq!(
        f.app.holdings.total_day.map(|d| d.round_dp(2)),
        Some(dec("692.53"))
    );
    let screen = render(&f.app, 140, 30);
    let row = lines(&screen)
        .into_iter()
        .find(|l| l.trim_start().starts_with("MSFT"))
        .unwrap();
    assert!(row.contains("2y old"), "{row}");
    assert!(!row.contains("+3.45%"), "{row}");
}

/// Every figure-like token of a screen: runs of digits with their separators, signs and units.
fn figures(screen: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in lines(screen) {
        // "· 3 columns hidden" and "+3 cols" count columns, they are not figures.
        let line = match line.find(" col") {
            Some(i) => line[..line[..i].rfind(' ').unwrap_or(0)].to_string(),
            None => line,
        };
        for token in line.split(|c: char| c.is_whitespace() || "│─()*·".contains(c)) {
            if token.chars().any(|c| c.is_ascii_digit()) {
                out.insert(token.to_string());
            }
        }
    }
    out
}

#[tokio::test]
async fn numbers_are_whole_or_absent_at_every_width() {
    let mut f = first_hour(250, 30).await;
    for (screen, keys) in [
        ("accounts", vec![]),
        ("holdings, all accounts", vec![KeyCode::Char('2')]),
        ("holdings of the ISA", vec![KeyCode::Char(']')]),
    ] {
        for k in keys {
            act(&mut f.app, &f.worker, key(k)).await;
        }
        let whole = figures(&render(&f.app, 250, 30));
        for width in [30u16, 40, 50, 60, 72, 80, 100, 120] {
            let narrow = figures(&render(&f.app, width, 24));
            let cut: Vec<_> = narrow.difference(&whole).collect();
            assert!(cut.is_empty(), "{screen} at {width} columns cuts {cut:?}");
        }
    }
}

#[tokio::test]
async fn holdings_at_40x10_and_80x24() {
    let mut f = first_hour(80, 24).await;
    act(&mut f.app, &f.worker, key(KeyCode::Char('2'))).await;
    let narrow = render(&f.app, 40, 10);
    assert!(narrow.contains("337.13p"), "{narrow}");
    assert!(!narrow.contains(" 7.13p"), "{narrow}");
    insta::assert_snapshot!("holdings_40x10", narrow);
    insta::assert_snapshot!("holdings_80x24", render(&f.app, 80, 24));
}

#[tokio::test]
async fn holdings_of_every_account_show_the_account_and_one_currency() {
    let mut f = first_hour(160, 30).await;
    act(&mut f.app, &f.worker, key(KeyCode::Char('2'))).await;
    let screen = render(&f.app, 160, 30);
    let ls = lines(&screen);
    let header = ls.iter().find(|l| l.starts_with("Symbol")).unwrap();
    assert!(header.contains("Account"), "{header}");
    assert!(header.contains("Value USD ▼"), "{header}");
    let aapl: Vec<&String> = ls.iter().filter(|l| l.starts_with("AAPL")).collect();
    assert_eq!(aapl.len(), 2);
    assert!(
        aapl[0].contains("US Brokerage") && aapl[1].contains("UK ISA"),
        "{aapl:?}"
    );
    // OCDO.L: 24,077.82 GBP shown beside its 30,097.28 USD; the pence cost keeps its "p".
    let ocdo = ls.iter().find(|l| l.starts_with("OCDO.L")).unwrap();
    assert!(
        ocdo.contains("30,097.28") && ocdo.contains("24,077.82 GBP"),
        "{ocdo}"
    );
    assert!(
        ocdo.contains("250.00p") && ocdo.contains("337.13p"),
        "{ocdo}"
    );
    // An unpriced pence holding shows a dash, not "—p".
    assert!(!screen.contains("—p"), "{screen}");
    // Sorted by value in USD, largest first: OCDO.L (30,097.28), MSFT (6,000), AAPL (2,000).
    let order: Vec<&str> = f
        .app
        .holdings
        .order
        .iter()
        .map(|i| f.app.holdings.rows[*i].symbol.as_str())
        .collect();
    assert_eq!(&order[..3], &["OCDO.L", "MSFT", "AAPL"]);
}

#[tokio::test]
async fn the_sort_mark_does_not_overwrite_its_title() {
    let mut f = first_hour(120, 30).await;
    act(&mut f.app, &f.worker, key(KeyCode::Char('2'))).await;
    f.app.holdings.sort = Some((Column::Weight, false));
    f.app.reorder_holdings();
    let screen = render(&f.app, 120, 30);
    assert!(screen.contains("Weight ▲"), "{screen}");
}

#[tokio::test]
async fn net_worth_stays_in_the_header_on_narrow_windows() {
    let f = first_hour(100, 30).await;
    for width in [100u16, 90, 80] {
        let top = lines(&render(&f.app, width, 24))[0].clone();
        assert!(top.contains("38,897.28 USD"), "at {width}: {top}");
    }
}

#[tokio::test]
async fn an_empty_store_says_how_to_start() {
    let t = finances::store::testing::sqlite().await;
    let services = Services::new(t.store(), Arc::new(OfflineMarket));
    let user = empty_user(&services).await;
    let f = open(services, user, t, 80, 24).await;
    let screen = render(&f.app, 80, 24);
    assert!(screen.contains("Press N to add an institution"), "{screen}");
}

#[tokio::test]
async fn long_status_messages_wrap_instead_of_being_cut() {
    let mut f = first_hour(60, 20).await;
    f.app
        .error("offline: Yahoo Finance is unavailable; showing stored prices only");
    assert_eq!(f.app.status.as_ref().unwrap().level, Level::Error);
    let screen = render(&f.app, 60, 20);
    let text = lines(&screen).join(" ");
    for word in ["unavailable;", "stored", "prices", "only"] {
        assert!(text.contains(word), "{word} missing: {screen}");
    }
}

#[tokio::test]
async fn the_help_overlay_wraps_descriptions() {
    let mut f = first_hour(80, 24).await;
    act(&mut f.app, &f.worker, key(KeyCode::Char('?'))).await;
    let inner = 76;
    let help = screens::help::lines(&f.app, inner);
    assert!(help.iter().all(|l| l.width() <= inner as usize));
    let text: String = help
        .iter()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for (_, description) in finances::tui::command_line::COMMANDS {
        let description = description.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains(&description), "{description} is cut");
    }
}

#[tokio::test]
async fn ctrl_z_asks_to_suspend_from_anywhere() {
    let mut f = first_hour(80, 24).await;
    act(&mut f.app, &f.worker, ctrl('z')).await;
    assert!(f.app.suspend_requested);
    f.app.suspend_requested = false;
    // Also while a form has the keyboard.
    act(&mut f.app, &f.worker, key(KeyCode::Char('N'))).await;
    assert!(f.app.form.is_some());
    act(&mut f.app, &f.worker, ctrl('z')).await;
    assert!(f.app.suspend_requested);
    assert!(
        f.app.form.is_some(),
        "the form is kept for when the user comes back"
    );
    assert_eq!(f.app.screen, Screen::Accounts);
}
