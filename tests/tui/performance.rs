//! The performance screen: update steps on a small answer written out here (the range keys
//! and `:range` ask for the right days, a bad range changes nothing, the accounts sort, `x`
//! opens and closes the explain pane, an overtaken reply is dropped), snapshots of the screen
//! and of the explain pane drawn from that answer, and the screen on the demo portfolio
//! through the worker and the real service.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use crossterm::event::KeyCode;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rust_decimal::Decimal;
use uuid::Uuid;

use finances::domain::ledger::{FlowKind, Source, SplitRatio};
use finances::domain::performance::{FlowEntry, MissingSpan, Returns, SeriesPoint};
use finances::domain::valuation::Missing;
use finances::domain::{CurrencyCode, Email, NewSecurity, SecurityType, Symbol, User, Username};
use finances::service::performance::{AccountReturns, Excluded, Performance, PerformanceQuery};
use finances::service::proposals::{Proposal, ProposedAction};
use finances::tui::action::{Action, Command, Failure, FailureKind};
use finances::tui::app::{App, Level, Mode, Screen};
use finances::tui::driver::{act, key};
use finances::tui::screens::performance::{AccountColumn, PerfRange};
use finances::tui::screens::{self};
use finances::tui::update::update;
use finances::tui::{build_app, TuiSettings};

use crate::update::{command, demo_app};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The demo's reference day, as the other screens' tests take it.
fn today() -> NaiveDate {
    day(2025, 6, 27)
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

const BROKERAGE: Uuid = Uuid::from_u128(1);
const EURO_DEPOT: Uuid = Uuid::from_u128(2);
const ROTH: Uuid = Uuid::from_u128(3);

/// A year of the portfolio: a value that climbs unevenly, four flows (one of shares that
/// could not be valued), SAP.DE unconverted for a while, two accounts with nothing to count.
fn sample() -> Performance {
    let start = day(2024, 6, 27);
    let flows = vec![
        (
            day(2024, 10, 5),
            BROKERAGE,
            FlowKind::Deposit,
            Some(dec("5000")),
        ),
        (
            day(2024, 11, 1),
            ROTH,
            FlowKind::ImplicitDeposit,
            Some(dec("250.50")),
        ),
        (day(2025, 1, 15), EURO_DEPOT, FlowKind::TransferIn, None),
        (
            day(2025, 3, 4),
            BROKERAGE,
            FlowKind::Withdrawal,
            Some(dec("-2000")),
        ),
    ];
    let mut series = Vec::new();
    let mut value = dec("100000");
    let mut net_flows = Decimal::ZERO;
    for i in 0..=365i64 {
        let date = start + Duration::days(i);
        let flow: Decimal = flows
            .iter()
            .filter(|f| f.0 == date)
            .filter_map(|f| f.3)
            .sum();
        if i > 0 {
            // Up most days, down every seventh: deterministic, and not a straight line.
            let step = if i % 7 == 0 { -260 } else { 95 + (i * 37) % 23 };
            value += Decimal::from(step) + flow;
            net_flows += flow;
        }
        series.push(SeriesPoint {
            date,
            value,
            flow,
            twr_cumulative: Decimal::ZERO,
        });
    }
    let end_value = value;
    let returns = Returns {
        start,
        end: start + Duration::days(365),
        start_value: dec("100000"),
        end_value,
        net_flows,
        gain: end_value - dec("100000") - net_flows,
        twr: dec("0.12345678"),
        twr_annualized: Some(dec("0.12311111")),
        mwr: Some(dec("0.11870000")),
        series,
    };
    type Figures<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a str);
    let account = |id, name: &str, currency: &str, figures: Figures, complete| {
        let (twr, ann, mwr, gain) = figures;
        AccountReturns {
            account_id: id,
            name: name.into(),
            currency: CurrencyCode::parse(currency).unwrap(),
            returns: Returns {
                twr: dec(twr),
                twr_annualized: ann.map(dec),
                mwr: mwr.map(dec),
                gain: dec(gain),
                series: Vec::new(),
                ..returns.clone()
            },
            complete,
        }
    };
    Performance {
        currency: CurrencyCode::usd(),
        income: dec("1834.12"),
        fees: dec("41.50"),
        taxes: dec("275.12"),
        flows: flows
            .into_iter()
            .enumerate()
            .map(|(i, (date, account_id, kind, amount))| FlowEntry {
                date,
                account_id,
                kind,
                source: Source::Activity(Uuid::from_u128(100 + i as u128)),
                amount,
            })
            .collect(),
        excluded: vec![
            Excluded {
                account_id: Uuid::from_u128(10),
                name: "Everyday Checking".into(),
            },
            Excluded {
                account_id: Uuid::from_u128(11),
                name: "High-Yield Savings".into(),
            },
        ],
        missing: vec![MissingSpan {
            missing: Missing::fx(
                EURO_DEPOT,
                CurrencyCode::parse("EUR").unwrap(),
                Some(Symbol::parse("SAP.DE").unwrap()),
            ),
            from: day(2025, 1, 15),
            to: day(2025, 2, 2),
        }],
        accounts: vec![
            account(
                BROKERAGE,
                "Brokerage",
                "USD",
                ("0.15", Some("0.1496"), Some("0.1402"), "9012.40"),
                true,
            ),
            account(
                EURO_DEPOT,
                "Euro Depot",
                "EUR",
                ("-0.0321", Some("-0.0320"), None, "-1234.50"),
                false,
            ),
            account(
                ROTH,
                "Roth IRA",
                "USD",
                ("0.0812", None, Some("0.0799"), "4100"),
                true,
            ),
        ],
        returns,
    }
}

/// The UI signed in, at the demo's reference day, with nothing loaded.
fn app() -> App {
    let now = Utc.from_utc_datetime(&today().and_hms_opt(22, 0, 0).unwrap());
    let mut app = build_app(&TuiSettings::default(), false, now).unwrap();
    app.user = Some(User {
        id: Uuid::nil(),
        email: Email::parse("demo@example.com").unwrap(),
        username: Username::parse("demo").unwrap(),
        password_hash: String::new(),
        is_superuser: false,
        is_active: true,
        base_currency: CurrencyCode::usd(),
        created_at: now,
        updated_at: now,
    });
    app
}

fn press(app: &mut App, code: KeyCode) -> Vec<Command> {
    update(app, key(code))
}

fn type_line(app: &mut App, line: &str) -> Vec<Command> {
    press(app, KeyCode::Char(':'));
    for c in line.chars() {
        press(app, KeyCode::Char(c));
    }
    press(app, KeyCode::Enter)
}

/// The days a load asks for, and its generation.
fn asked(cmds: &[Command]) -> (u64, Option<NaiveDate>, Option<NaiveDate>) {
    match cmds {
        [Command::LoadPerformance {
            gen,
            query:
                PerformanceQuery {
                    account_id: None,
                    start,
                    end,
                },
        }] => (*gen, *start, *end),
        other => panic!("not one load of the portfolio's performance: {other:?}"),
    }
}

fn reply(app: &mut App, gen: u64, p: Performance) {
    update(
        app,
        Action::PerformanceLoaded {
            gen,
            result: Ok(Box::new(p)),
        },
    );
}

/// The screen with the sample shown.
fn shown() -> App {
    let mut a = app();
    let (gen, _, _) = asked(&press(&mut a, KeyCode::Char('5')));
    reply(&mut a, gen, sample());
    a
}

fn names(app: &App) -> Vec<String> {
    let p = app.performance.data.as_ref().unwrap();
    app.performance
        .order
        .iter()
        .map(|i| p.accounts[*i].name.clone())
        .collect()
}

fn status(app: &App) -> (Level, String) {
    let s = app.status.clone().expect("a status line");
    (s.level, s.text)
}

#[test]
fn five_asks_for_a_year_once_and_the_range_keys_ask_for_their_days() {
    let mut a = app();
    let cmds = press(&mut a, KeyCode::Char('5'));
    assert_eq!(a.screen, Screen::Performance);
    assert_eq!(a.performance.range, PerfRange::Y1);
    let (gen, start, end) = asked(&cmds);
    assert_eq!((start, end), (Some(day(2024, 6, 27)), Some(today())));
    assert!(a.performance.loading);
    // Away and back while it loads: asked once.
    press(&mut a, KeyCode::Char('1'));
    assert!(press(&mut a, KeyCode::Char('5')).is_empty());
    reply(&mut a, gen, sample());
    assert!(!a.performance.loading);
    press(&mut a, KeyCode::Char('1'));
    assert!(
        press(&mut a, KeyCode::Char('5')).is_empty(),
        "shown again without asking"
    );

    let (_, start, end) = asked(&press(&mut a, KeyCode::Char(']')));
    assert_eq!(a.performance.range, PerfRange::Y3);
    assert_eq!((start, end), (Some(day(2022, 6, 27)), Some(today())));
    let (_, start, _) = asked(&press(&mut a, KeyCode::Char('+')));
    assert_eq!(start, Some(day(2020, 6, 27)));
    let (_, start, end) = asked(&press(&mut a, KeyCode::Char(']')));
    assert_eq!(a.performance.range, PerfRange::Max);
    assert_eq!(
        (start, end),
        (None, Some(today())),
        "from the first activity"
    );
    assert!(
        press(&mut a, KeyCode::Char(']')).is_empty(),
        "nothing after MAX"
    );
    for _ in 0..3 {
        press(&mut a, KeyCode::Char('['));
    }
    assert_eq!(a.performance.range, PerfRange::Y1);
    let (_, start, _) = asked(&press(&mut a, KeyCode::Char('-')));
    assert_eq!(a.performance.range, PerfRange::Ytd);
    assert_eq!(start, Some(day(2025, 1, 1)));
    let (_, start, _) = asked(&press(&mut a, KeyCode::Char('[')));
    assert_eq!(start, Some(day(2025, 3, 27)), "3M");
    let (_, start, _) = asked(&press(&mut a, KeyCode::Char('[')));
    assert_eq!(start, Some(day(2025, 5, 27)), "1M");
    assert!(
        press(&mut a, KeyCode::Char('[')).is_empty(),
        "nothing before 1M"
    );
    // The sample is still shown while the new range loads: it names its own days.
    assert!(a.performance.data.is_some() && a.performance.loading);
}

#[test]
fn range_command_takes_days_and_refuses_bad_ones_with_why() {
    let mut a = shown();
    let gen = a.gens.performance;
    for (line, why) in [
        ("range 2024-12-31..2024-01-01", "after it ends"),
        ("range 2024-01-01..2026-01-01", "after today (2025-06-27)"),
        ("range 2024-01-01..banana", "'banana'"),
        ("range 2024-02-30..2024-03-01", "'2024-02-30'"),
        ("range 2024-01-01..", "usage: :range"),
        ("range 2W", "nor FROM..TO"),
        ("range 6M", "not a performance range"),
    ] {
        let cmds = type_line(&mut a, line);
        assert!(cmds.is_empty(), "{line}: {cmds:?}");
        let (level, text) = status(&a);
        assert_eq!(level, Level::Error, "{line}");
        assert!(text.contains(why), "{line}: {text}");
        assert_eq!(a.performance.range, PerfRange::Y1, "{line} changed nothing");
        assert_eq!(a.gens.performance, gen, "{line} asked for nothing");
        assert_eq!(a.mode, Mode::Normal);
    }

    let (_, start, end) = asked(&type_line(&mut a, "range 2024-01-01..2024-12-31"));
    assert_eq!(
        (start, end),
        (Some(day(2024, 1, 1)), Some(day(2024, 12, 31)))
    );
    assert_eq!(
        a.performance.range,
        PerfRange::Custom {
            start: day(2024, 1, 1),
            end: day(2024, 12, 31)
        }
    );
    // The keys step from it to the presets beside it.
    asked(&press(&mut a, KeyCode::Char(']')));
    assert_eq!(a.performance.range, PerfRange::Y3);
    asked(&type_line(&mut a, "range ytd"));
    assert_eq!(a.performance.range, PerfRange::Ytd);

    // From another screen, days (and 3Y) open the performance screen; a chart range stays
    // the chart's.
    press(&mut a, KeyCode::Char('3'));
    let chart_range = a.security.range;
    asked(&type_line(&mut a, "range 2025-01-01..2025-03-31"));
    assert_eq!(a.screen, Screen::Performance);
    press(&mut a, KeyCode::Char('3'));
    assert!(type_line(&mut a, "range 1D").is_empty(), "no security open");
    assert_eq!(a.performance.range.label(), "2025-01-01..2025-03-31");
    assert_ne!(a.security.range, chart_range);
    asked(&type_line(&mut a, "range 3y"));
    assert_eq!(a.screen, Screen::Performance);
    assert_eq!(a.performance.range, PerfRange::Y3);
}

#[test]
fn the_accounts_sort_by_any_column_unknown_figures_last() {
    let mut a = shown();
    assert_eq!(a.performance.sort, (AccountColumn::Account, false));
    assert_eq!(names(&a), ["Brokerage", "Euro Depot", "Roth IRA"]);
    press(&mut a, KeyCode::Char('r'));
    assert_eq!(names(&a), ["Roth IRA", "Euro Depot", "Brokerage"]);
    press(&mut a, KeyCode::Char('>'));
    assert_eq!(a.performance.sort, (AccountColumn::Currency, false));
    assert_eq!(names(&a), ["Euro Depot", "Brokerage", "Roth IRA"]);
    press(&mut a, KeyCode::Char('o'));
    assert_eq!(
        a.performance.sort,
        (AccountColumn::Twr, true),
        "largest first"
    );
    assert_eq!(names(&a), ["Brokerage", "Roth IRA", "Euro Depot"]);
    press(&mut a, KeyCode::Char('>'));
    assert_eq!(a.performance.sort.0, AccountColumn::TwrAnnualized);
    assert_eq!(
        names(&a),
        ["Brokerage", "Euro Depot", "Roth IRA"],
        "n/a last"
    );
    press(&mut a, KeyCode::Char('r'));
    assert_eq!(
        names(&a),
        ["Euro Depot", "Brokerage", "Roth IRA"],
        "n/a last"
    );
    press(&mut a, KeyCode::Char('>'));
    assert_eq!(a.performance.sort.0, AccountColumn::Mwr);
    assert_eq!(names(&a), ["Brokerage", "Roth IRA", "Euro Depot"]);
    press(&mut a, KeyCode::Char('>'));
    assert_eq!(a.performance.sort, (AccountColumn::Gain, true));
    assert_eq!(names(&a), ["Brokerage", "Roth IRA", "Euro Depot"]);
    press(&mut a, KeyCode::Char('>'));
    assert_eq!(a.performance.sort.0, AccountColumn::Account, "round");
    press(&mut a, KeyCode::Char('<'));
    assert_eq!(a.performance.sort.0, AccountColumn::Gain);
    // The cursor moves over the rows.
    press(&mut a, KeyCode::Char('G'));
    assert_eq!(a.performance.selected, 2);
}

#[test]
fn x_opens_and_closes_the_explain_pane_which_scrolls() {
    let mut a = shown();
    press(&mut a, KeyCode::Char('x'));
    assert_eq!(a.performance.explain, Some(0));
    press(&mut a, KeyCode::Char('j'));
    press(&mut a, KeyCode::Char('j'));
    assert_eq!(a.performance.explain, Some(2), "j scrolls the pane");
    assert_eq!(a.performance.selected, 0, "not the table");
    press(&mut a, KeyCode::Char('G'));
    let bottom = a.performance.explain.unwrap();
    press(&mut a, KeyCode::Char('j'));
    assert_eq!(
        a.performance.explain,
        Some(bottom),
        "no further than its text"
    );
    press(&mut a, KeyCode::Char('x'));
    assert_eq!(a.performance.explain, None);
    press(&mut a, KeyCode::Char('x'));
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.performance.explain, None, "esc closes it too");
    press(&mut a, KeyCode::Char('j'));
    assert_eq!(a.performance.selected, 1);
}

#[test]
fn an_overtaken_reply_is_dropped_and_a_failure_goes_to_the_status_line() {
    let mut a = app();
    let (old, _, _) = asked(&press(&mut a, KeyCode::Char('5')));
    let (new, _, _) = asked(&press(&mut a, KeyCode::Char(']')));
    assert!(new > old);
    reply(&mut a, old, sample());
    assert!(
        a.performance.data.is_none(),
        "the old answer changes nothing"
    );
    assert!(a.performance.loading);
    update(
        &mut a,
        Action::PerformanceLoaded {
            gen: new,
            result: Err(Failure {
                kind: FailureKind::Refused,
                message: "start 2030-01-01 is after end 2025-06-27".into(),
                field: None,
            }),
        },
    );
    assert!(!a.performance.loading);
    assert!(a.performance.data.is_none());
    let (level, text) = status(&a);
    assert_eq!(level, Level::Error);
    assert_eq!(
        text,
        "performance: refused: start 2030-01-01 is after end 2025-06-27"
    );
    // Shown again, it asks again.
    press(&mut a, KeyCode::Char('1'));
    asked(&press(&mut a, KeyCode::Char('5')));
}

#[test]
fn a_save_asks_again_in_view_and_on_the_next_visit_otherwise() {
    let mut a = shown();
    let saved = || Action::Saved {
        what: "deposit".into(),
        result: Ok(()),
    };
    let cmds = update(&mut a, saved());
    assert!(cmds
        .iter()
        .any(|c| matches!(c, Command::LoadPerformance { .. })));
    let gen = a.gens.performance;
    reply(&mut a, gen, sample());
    press(&mut a, KeyCode::Char('1'));
    let cmds = update(&mut a, saved());
    assert!(!cmds
        .iter()
        .any(|c| matches!(c, Command::LoadPerformance { .. })));
    asked(&press(&mut a, KeyCode::Char('5')));
}

fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| screens::draw(f, app)).unwrap();
    terminal.backend().to_string()
}

#[test]
fn the_screen_and_its_explain_pane() {
    for (width, height) in [(120, 40), (80, 24)] {
        let mut a = shown();
        update(&mut a, Action::Resize(width, height));
        let size = format!("{width}x{height}");
        insta::assert_snapshot!(format!("performance_{size}"), render(&a, width, height));
        press(&mut a, KeyCode::Char('x'));
        insta::assert_snapshot!(
            format!("performance_explain_{size}"),
            render(&a, width, height)
        );
    }
}

#[test]
fn figures_are_masked_in_privacy_and_loading_says_so() {
    let mut a = shown();
    press(&mut a, KeyCode::Char('p'));
    let screen = render(&a, 120, 40);
    assert!(screen.contains("TWR"), "{screen}");
    assert!(
        screen.contains("+12.35%"),
        "rates are not amounts:\n{screen}"
    );
    assert!(!screen.contains("100,000.00"), "{screen}");
    press(&mut a, KeyCode::Char('x'));
    let pane = render(&a, 120, 40);
    assert!(!pane.contains("5,000.00"), "{pane}");

    let mut a = app();
    press(&mut a, KeyCode::Char('5'));
    let screen = render(&a, 80, 24);
    assert!(screen.contains("Computing the performance"), "{screen}");
    assert!(screen.contains("loading"), "{screen}");
}

/// The demo portfolio through the worker and the real service: a year's figures, every
/// ledger account, the accounts with nothing to count named; then typed days.
#[tokio::test]
async fn the_demo_portfolio_over_a_year_then_typed_days() {
    let (mut app, w, _t) = demo_app().await;
    act(&mut app, &w, key(KeyCode::Char('5'))).await;
    assert_eq!(app.screen, Screen::Performance);
    assert!(
        app.performance.error.is_none(),
        "{:?}",
        app.performance.error
    );
    let p = app.performance.data.as_ref().expect("the year's figures");
    assert_eq!(
        (p.returns.start, p.returns.end),
        (day(2024, 6, 27), today())
    );
    assert_eq!(p.returns.series.len(), 366);
    let names: Vec<&str> = p.accounts.iter().map(|a| a.name.as_str()).collect();
    assert!(
        names.contains(&"Brokerage") && names.contains(&"Roth IRA"),
        "{names:?}"
    );
    assert!(
        p.excluded.iter().any(|e| e.name == "Everyday Checking"),
        "{:?}",
        p.excluded
    );
    let screen = render(&app, 120, 40);
    let twr = screen
        .lines()
        .find(|l| l.contains(" TWR "))
        .unwrap_or_else(|| panic!("no TWR line:\n{screen}"));
    assert!(twr.contains('%'), "{twr}");
    assert!(screen.contains("Everyday Checking"), "{screen}");

    command(&mut app, &w, "range 2025-01-01..2025-03-31").await;
    let p = app.performance.data.as_ref().unwrap();
    assert_eq!(
        (p.returns.start, p.returns.end),
        (day(2025, 1, 1), day(2025, 3, 31))
    );
    assert_eq!(p.returns.twr_annualized, None, "under a year");
    act(&mut app, &w, key(KeyCode::Char('x'))).await;
    let pane = render(&app, 120, 40);
    assert!(pane.contains("Start value  2025-01-01"), "{pane}");
}

/// A split and a dividend proposed for the sample's accounts, as the service lists them.
fn proposals() -> Vec<Proposal> {
    let security = |symbol: &str, n: u128| {
        NewSecurity {
            symbol: Symbol::parse(symbol).unwrap(),
            name: format!("{symbol} Corp"),
            exchange: None,
            currency: "USD".into(),
            security_type: SecurityType::Equity,
            sector: None,
            industry: None,
            market_cap: None,
        }
        .into_security(Uuid::from_u128(n), Utc::now())
    };
    vec![
        Proposal {
            id: Uuid::from_u128(0x51),
            account_id: BROKERAGE,
            account_name: "Brokerage".into(),
            security: security("MSFT", 0x10),
            date: day(2025, 2, 19),
            quantity: dec("40"),
            action: ProposedAction::Dividend {
                amount: dec("33.20"),
                per_share: dec("0.83"),
                currency: "USD".into(),
            },
        },
        Proposal {
            id: Uuid::from_u128(0x52),
            account_id: ROTH,
            account_name: "Roth IRA".into(),
            security: security("NVDA", 0x11),
            date: day(2024, 6, 10),
            quantity: dec("12"),
            action: ProposedAction::Split(SplitRatio::parse("10:1").unwrap()),
        },
    ]
}

fn proposals_asked(cmds: &[Command]) -> u64 {
    match cmds {
        [Command::LoadProposals { gen }] => *gen,
        other => panic!("not one load of the proposals: {other:?}"),
    }
}

#[test]
fn shift_p_lists_the_proposals_a_records_and_d_dismisses() {
    let mut a = shown();
    let gen = proposals_asked(&press(&mut a, KeyCode::Char('P')));
    assert!(a.performance.proposals.as_ref().unwrap().loading);
    // An overtaken answer is dropped; the newest is shown.
    update(
        &mut a,
        Action::ProposalsLoaded {
            gen: gen - 1,
            result: Ok(Vec::new()),
        },
    );
    assert_eq!(a.performance.proposals.as_ref().unwrap().items, None);
    update(
        &mut a,
        Action::ProposalsLoaded {
            gen,
            result: Ok(proposals()),
        },
    );
    // j moves in the pane, not the accounts table; `p` still masks amounts there.
    press(&mut a, KeyCode::Char('j'));
    assert_eq!(a.performance.proposals.as_ref().unwrap().selected, 1);
    assert_eq!(a.performance.selected, 0);
    let cmds = press(&mut a, KeyCode::Char('a'));
    let (id, what) = match cmds.as_slice() {
        [Command::DecideProposal { id, accept, what }] => {
            assert!(*accept);
            (*id, what.clone())
        }
        other => panic!("not one decision: {other:?}"),
    };
    assert_eq!(id, Uuid::from_u128(0x52));
    assert_eq!(what, "the 10:1 split of NVDA in Roth IRA on 2024-06-10");
    assert!(
        press(&mut a, KeyCode::Char('a')).is_empty(),
        "one decision at a time"
    );
    // Recorded: the status line says so, the proposals and every figure are read again.
    let cmds = update(
        &mut a,
        Action::ProposalDecided {
            accepted: true,
            what,
            result: Ok(()),
        },
    );
    assert_eq!(
        status(&a),
        (
            Level::Info,
            "Recorded the 10:1 split of NVDA in Roth IRA on 2024-06-10".to_string()
        )
    );
    assert!(cmds
        .iter()
        .any(|c| matches!(c, Command::LoadProposals { .. })));
    assert!(cmds
        .iter()
        .any(|c| matches!(c, Command::LoadPerformance { .. })));
    // d on the first: dismissed, and only the proposals are read again.
    press(&mut a, KeyCode::Char('k'));
    let cmds = press(&mut a, KeyCode::Char('d'));
    assert!(matches!(
        cmds.as_slice(),
        [Command::DecideProposal { accept: false, .. }]
    ));
    let cmds = update(
        &mut a,
        Action::ProposalDecided {
            accepted: false,
            what: "the dividend".into(),
            result: Ok(()),
        },
    );
    assert!(matches!(cmds.as_slice(), [Command::LoadProposals { .. }]));
    // A refusal goes to the status line.
    update(
        &mut a,
        Action::ProposalDecided {
            accepted: true,
            what: "the dividend".into(),
            result: Err(Failure {
                kind: FailureKind::Refused,
                field: None,
                message: "no longer proposed".into(),
            }),
        },
    );
    assert_eq!(status(&a).0, Level::Error);
    press(&mut a, KeyCode::Char('P'));
    assert!(a.performance.proposals.is_none(), "P closes the pane");
}

#[test]
fn the_proposals_pane() {
    for (width, height) in [(120, 40), (80, 24)] {
        let mut a = shown();
        update(&mut a, Action::Resize(width, height));
        let gen = proposals_asked(&press(&mut a, KeyCode::Char('P')));
        update(
            &mut a,
            Action::ProposalsLoaded {
                gen,
                result: Ok(proposals()),
            },
        );
        insta::assert_snapshot!(
            format!("performance_proposals_{width}x{height}"),
            render(&a, width, height)
        );
    }
}
