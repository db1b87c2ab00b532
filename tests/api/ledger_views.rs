//! The ledger's derived views over HTTP, on both stores: positions with their FIFO lots and
//! market figures, cash with implicit deposits, realized gains (JSON, CSV and the total's
//! header) and income by month, year or security. Activities are written to the store as the
//! activity service stores them; market data as a sync would store it.

use crate::support;

use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use finances::domain::ledger::{ActivityFields, ActivityType, NewActivity};
use finances::domain::{
    CurrencyCode, ExchangeRate, Interval, NewSecurity, PriceBar, Security, SecurityType, Symbol,
};
use finances::store::Store;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use support::http::{Db, Session, TestApp};
use uuid::Uuid;

on_both_stores!(
    fifo_positions_with_lots_after_buys_and_a_partial_sell,
    cash_counts_an_uncovered_buy_as_an_implicit_deposit,
    realized_gains_of_a_year_as_json_csv_and_total,
    income_grouped_by_month_year_and_security,
    an_unpriced_or_unconverted_position_has_null_price_fields,
    pence_convert_by_their_factor,
    stored_rates_of_each_date_convert_trades_and_closes,
    another_users_account_is_404_on_every_route,
    bad_dates_are_422_and_a_future_as_of_400,
);

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// The test's own handle on the server's database.
pub(crate) async fn store(app: &TestApp) -> Arc<dyn Store> {
    finances::store::open(app.store_url()).await.unwrap()
}

/// A security stored with a daily close per `(time, close)`, as a sync would store them.
pub(crate) async fn security(
    store: &dyn Store,
    symbol: &str,
    quote: &str,
    closes: &[(&str, &str)],
) -> Uuid {
    let sec: Security = NewSecurity {
        symbol: Symbol::parse(symbol).unwrap(),
        name: format!("{symbol} Corp"),
        exchange: None,
        currency: quote.into(),
        security_type: SecurityType::Equity,
        sector: None,
        industry: None,
        market_cap: None,
    }
    .into_security(Uuid::new_v4(), finances::domain::now());
    store.insert_security(&sec).await.unwrap();
    let bars: Vec<PriceBar> = closes
        .iter()
        .map(|(t, c)| PriceBar {
            security_id: sec.id,
            interval: Interval::D1,
            timestamp: at(t),
            open: dec(c),
            high: dec(c),
            low: dec(c),
            close: dec(c),
            adj_close: Some(dec(c)),
            volume: 1,
        })
        .collect();
    store.save_sync(&sec, &bars).await.unwrap();
    sec.id
}

/// An investment account of `s` in `currency`.
pub(crate) async fn account(app: &TestApp, s: &Session, name: &str, currency: &str) -> Uuid {
    let r = app
        .post(
            "/api/v1/accounts",
            &s.access,
            json!({"name": name, "account_type": "brokerage", "is_investment_account": true,
                   "currency_code": currency}),
        )
        .await;
    r.expect(201);
    Uuid::parse_str(r.body["id"].as_str().unwrap()).unwrap()
}

/// One activity as written: `(type, date, security, quantity, unit_price, amount, fee,
/// currency)`.
pub(crate) type Row<'a> = (
    ActivityType,
    &'a str,
    Option<Uuid>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    &'a str,
);

/// Stores the activities of `account`, checked as the activity service checks them, in
/// order; returns their ids.
pub(crate) async fn record(store: &dyn Store, account: Uuid, rows: &[Row<'_>]) -> Vec<Uuid> {
    let today = Utc::now().date_naive();
    let mut stored = Vec::new();
    for (i, (kind, day, security, quantity, price, amount, fee, currency)) in
        rows.iter().enumerate()
    {
        let fields = ActivityFields {
            activity_type: *kind,
            date: date(day),
            security_id: *security,
            quantity: quantity.map(dec),
            unit_price: price.map(dec),
            amount: amount.map(dec),
            fee: fee.map(dec),
            currency: currency.to_string(),
            fx_rate: None,
            split_ratio: None,
            notes: None,
            external_id: None,
        };
        let created = finances::domain::now() + chrono::Duration::milliseconds(i as i64);
        let activity = NewActivity::new(fields, today).unwrap().into_activity(
            Uuid::new_v4(),
            account,
            created,
        );
        stored.push(activity);
    }
    store.insert_activities(&stored).await.unwrap();
    stored.iter().map(|a| a.id).collect()
}

pub(crate) fn buy<'a>(
    day: &'a str,
    sec: Uuid,
    q: &'a str,
    p: &'a str,
    fee: &'a str,
    cur: &'a str,
) -> Row<'a> {
    (
        ActivityType::Buy,
        day,
        Some(sec),
        Some(q),
        Some(p),
        None,
        Some(fee),
        cur,
    )
}

fn sell<'a>(
    day: &'a str,
    sec: Uuid,
    q: &'a str,
    p: &'a str,
    fee: &'a str,
    cur: &'a str,
) -> Row<'a> {
    (
        ActivityType::Sell,
        day,
        Some(sec),
        Some(q),
        Some(p),
        None,
        Some(fee),
        cur,
    )
}

pub(crate) fn cash<'a>(kind: ActivityType, day: &'a str, amount: &'a str, cur: &'a str) -> Row<'a> {
    (kind, day, None, None, None, Some(amount), None, cur)
}

fn dividend<'a>(day: &'a str, sec: Uuid, amount: &'a str, tax: &'a str, cur: &'a str) -> Row<'a> {
    (
        ActivityType::Dividend,
        day,
        Some(sec),
        None,
        None,
        Some(amount),
        Some(tax),
        cur,
    )
}

/// Worked example (USD account, FIFO):
///
/// - Jan 10: deposit 5,000.
/// - Jan 15: buy 10 AAA at 100 + fee 5: lot 1, 10 at a cost of 1,005.
/// - Feb 15: buy 10 AAA at 120 + fee 5: lot 2, 10 at a cost of 1,205.
/// - Mar 15: sell 15 at 130 - fee 10: proceeds 1,940. FIFO closes lot 1 whole (1,005) and
///   5 of lot 2 (1,205 x 5/10 = 602.50): cost 1,607.50, gain 332.50.
///
/// On Apr 1: 5 AAA left, lot 2's rest at 602.50 (120.50 each); the newest close on or
/// before Apr 1 is 140 (Mar 28): value 700, unrealized gain 97.50, which is
/// 97.50 / 602.50 = 16.18 % of cost. On Feb 20 no close is stored yet: price fields null.
async fn fifo_positions_with_lots_after_buys_and_a_partial_sell(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let store = store(&app).await;
    let aaa = security(
        store.as_ref(),
        "AAA",
        "USD",
        &[
            ("2024-03-28T21:00:00Z", "140"),
            ("2024-06-28T21:00:00Z", "150"),
        ],
    )
    .await;
    let broker = account(&app, &s, "Broker", "USD").await;
    record(
        store.as_ref(),
        broker,
        &[
            cash(ActivityType::Deposit, "2024-01-10", "5000", "USD"),
            buy("2024-01-15", aaa, "10", "100", "5", "USD"),
            buy("2024-02-15", aaa, "10", "120", "5", "USD"),
            sell("2024-03-15", aaa, "15", "130", "10", "USD"),
        ],
    )
    .await;

    let path = format!("/api/v1/accounts/{broker}/positions?as_of=2024-04-01");
    let r = app.get(&path, &s.access).await;
    r.expect(200);
    assert_eq!(
        r.body,
        json!([{
            "security": {"id": aaa, "symbol": "AAA", "name": "AAA Corp", "currency": "USD"},
            "quantity": "5.000000",
            "cost_basis": "602.50",
            "average_cost": "120.50",
            "market_price": "140.00",
            "price_date": "2024-03-28",
            "market_value": "700.00",
            "unrealized_gain": "97.50",
            "unrealized_gain_pct": "16.18",
            "realized_gain": "332.50",
            "income": "0.00",
            "lots": [{"opened": "2024-02-15", "quantity": "5.000000", "cost": "602.50",
                      "cost_per_unit": "120.50"}],
            "complete": true,
        }])
    );

    // Before the sale and before any close: both lots, and no price (never 0).
    let path = format!("/api/v1/accounts/{broker}/positions?as_of=2024-02-20");
    let r = app.get(&path, &s.access).await;
    r.expect(200);
    let p = &r.body[0];
    assert_eq!(p["quantity"], "20.000000");
    assert_eq!(p["cost_basis"], "2210.00");
    assert_eq!(p["average_cost"], "110.50");
    for field in [
        "market_price",
        "price_date",
        "market_value",
        "unrealized_gain",
        "unrealized_gain_pct",
    ] {
        assert_eq!(p[field], Value::Null, "{field}");
    }
    assert_eq!(p["lots"].as_array().unwrap().len(), 2);
    assert_eq!(p["lots"][0]["cost"], "1005.00");
    assert_eq!(p["lots"][1]["cost_per_unit"], "120.50");
    assert_eq!(p["complete"], false);

    // Before the first buy: nothing held.
    let path = format!("/api/v1/accounts/{broker}/positions?as_of=2024-01-12");
    assert_eq!(app.get(&path, &s.access).await.body, json!([]));
}

/// Worked example (USD): deposit 1,000 on Jan 10; buy 10 AAA at 100 + fee 5 on Jan 15, which
/// costs 1,005: the 5 the cash does not cover is an implicit deposit that day and the cash
/// is 0; a dividend of 20 with 3 withheld on Feb 1 brings it to 17.
async fn cash_counts_an_uncovered_buy_as_an_implicit_deposit(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let store = store(&app).await;
    let aaa = security(store.as_ref(), "AAA", "USD", &[]).await;
    let broker = account(&app, &s, "Broker", "USD").await;
    let ids = record(
        store.as_ref(),
        broker,
        &[
            cash(ActivityType::Deposit, "2024-01-10", "1000", "USD"),
            buy("2024-01-15", aaa, "10", "100", "5", "USD"),
            dividend("2024-02-01", aaa, "20", "3", "USD"),
        ],
    )
    .await;
    let cash_on = |day: &str| format!("/api/v1/accounts/{broker}/cash?as_of={day}");
    let r = app.get(&cash_on("2024-03-01"), &s.access).await;
    r.expect(200);
    assert_eq!(
        r.body,
        json!({
            "currency": "USD",
            "as_of": "2024-03-01",
            "balance": "17.00",
            "implicit_deposits": [{"date": "2024-01-15", "amount": "5.00", "activity_id": ids[1]}],
            "complete": true,
        })
    );
    let r = app.get(&cash_on("2024-01-12"), &s.access).await;
    assert_eq!(r.body["balance"], "1000.00");
    assert_eq!(r.body["implicit_deposits"], json!([]));
}

/// Worked example, the caller's base currency USD:
///
/// - Account A: buy 10 AAA at 50 on 2023-05-01 (cost 500); sell 2 at 60 on 2023-11-01
///   (gain 20, in 2023: not in the 2024 report); sell 3 at 70 - fee 1 on 2024-02-01:
///   proceeds 209, cost 3 x 50 = 150, gain 59, held 276 days.
/// - Account B: buy 4 BBB at 25 on 2024-01-02 (100) and 4 at 30 on 2024-03-04 (120); sell 6
///   at 20 on 2024-07-01: proceeds 120, FIFO cost 100 + 2 x 30 = 160, gain -40; lots held
///   181 and 119 days.
///
/// 2024 total: 59 - 40 = 19.
async fn realized_gains_of_a_year_as_json_csv_and_total(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let store = store(&app).await;
    let aaa = security(store.as_ref(), "AAA", "USD", &[]).await;
    let bbb = security(store.as_ref(), "BBB", "USD", &[]).await;
    let a = account(&app, &s, "A", "USD").await;
    let b = account(&app, &s, "B", "USD").await;
    let a_ids = record(
        store.as_ref(),
        a,
        &[
            buy("2023-05-01", aaa, "10", "50", "0", "USD"),
            sell("2023-11-01", aaa, "2", "60", "0", "USD"),
            sell("2024-02-01", aaa, "3", "70", "1", "USD"),
        ],
    )
    .await;
    let b_ids = record(
        store.as_ref(),
        b,
        &[
            buy("2024-01-02", bbb, "4", "25", "0", "USD"),
            buy("2024-03-04", bbb, "4", "30", "0", "USD"),
            sell("2024-07-01", bbb, "6", "20", "0", "USD"),
        ],
    )
    .await;

    let year = "/api/v1/realized-gains?start=2024-01-01&end=2024-12-31";
    let r = app.get(year, &s.access).await;
    r.expect(200);
    assert_eq!(r.header("x-total-gain"), Some("19.00"));
    assert_eq!(r.header("x-total-gain-currency"), Some("USD"));
    assert_eq!(r.header("x-total-gain-complete"), Some("true"));
    assert_eq!(
        r.body,
        json!([
            {
                "date": "2024-02-01", "account_id": a, "currency": "USD",
                "security": {"id": aaa, "symbol": "AAA", "name": "AAA Corp", "currency": "USD"},
                "quantity": "3.000000", "proceeds": "209.00", "cost": "150.00", "gain": "59.00",
                "lots": [{"opened": "2023-05-01", "quantity": "3.000000", "cost": "150.00",
                          "holding_days": 276}],
                "holding_days": 276, "activity_id": a_ids[2],
            },
            {
                "date": "2024-07-01", "account_id": b, "currency": "USD",
                "security": {"id": bbb, "symbol": "BBB", "name": "BBB Corp", "currency": "USD"},
                "quantity": "6.000000", "proceeds": "120.00", "cost": "160.00", "gain": "-40.00",
                "lots": [
                    {"opened": "2024-01-02", "quantity": "4.000000", "cost": "100.00",
                     "holding_days": 181},
                    {"opened": "2024-03-04", "quantity": "2.000000", "cost": "60.00",
                     "holding_days": 119},
                ],
                "holding_days": 181, "activity_id": b_ids[2],
            },
        ])
    );

    let r = app.get(&format!("{year}&format=csv"), &s.access).await;
    r.expect(200);
    assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(r.header("x-total-gain"), Some("19.00"));
    let expected = format!(
        "date,account_id,account,symbol,security,quantity,proceeds,cost,gain,currency,opened,holding_days,activity_id\n\
         2024-02-01,{a},A,AAA,AAA Corp,3.000000,209.00,150.00,59.00,USD,2023-05-01,276,{}\n\
         2024-07-01,{b},B,BBB,BBB Corp,6.000000,120.00,160.00,-40.00,USD,2024-01-02,181,{}\n",
        a_ids[2], b_ids[2]
    );
    assert_eq!(r.text, expected);

    // One account; and the whole history of A, 2023 included: 20 + 59 = 79.
    let r = app.get(&format!("{year}&account_id={b}"), &s.access).await;
    r.expect(200);
    assert_eq!(r.header("x-total-gain"), Some("-40.00"));
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    let r = app
        .get(&format!("/api/v1/realized-gains?account_id={a}"), &s.access)
        .await;
    assert_eq!(r.header("x-total-gain"), Some("79.00"));
    assert_eq!(r.body[0]["gain"], "20.00");
}

/// Worked example (USD): 10 AAA bought Jan 2. Dividends of 10 (1.50 withheld) on Mar 15 and
/// 5 (0.75 withheld) on Mar 28; interest of 2 on cash on Apr 15; a dividend of 10 on May 10,
/// after the range's end (Apr 30). By month: March 15 gross, 2.25 withheld, 12.75 net;
/// April 2, 0, 2.
async fn income_grouped_by_month_year_and_security(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let store = store(&app).await;
    let aaa = security(store.as_ref(), "AAA", "USD", &[]).await;
    let broker = account(&app, &s, "Broker", "USD").await;
    record(
        store.as_ref(),
        broker,
        &[
            cash(ActivityType::Deposit, "2024-01-02", "100", "USD"),
            buy("2024-01-02", aaa, "10", "10", "0", "USD"),
            dividend("2024-03-15", aaa, "10", "1.50", "USD"),
            dividend("2024-03-28", aaa, "5", "0.75", "USD"),
            cash(ActivityType::Interest, "2024-04-15", "2", "USD"),
            dividend("2024-05-10", aaa, "10", "1.50", "USD"),
        ],
    )
    .await;
    let range = "/api/v1/income?start=2024-01-01&end=2024-04-30";
    let r = app.get(&format!("{range}&group=month"), &s.access).await;
    r.expect(200);
    assert_eq!(
        r.body,
        json!([
            {"group": "2024-03", "security_id": null, "currency": "USD", "gross": "15.00",
             "withheld": "2.25", "net": "12.75", "count": 2, "complete": true},
            {"group": "2024-04", "security_id": null, "currency": "USD", "gross": "2.00",
             "withheld": "0.00", "net": "2.00", "count": 1, "complete": true},
        ])
    );
    // Month is the default.
    assert_eq!(app.get(range, &s.access).await.body, r.body);

    let r = app
        .get(
            &format!("{range}&group=year&account_id={broker}"),
            &s.access,
        )
        .await;
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    assert_eq!(
        (&r.body[0]["group"], &r.body[0]["net"]),
        (&json!("2024"), &json!("14.75"))
    );

    let r = app.get(&format!("{range}&group=security"), &s.access).await;
    assert_eq!(
        r.body,
        json!([
            {"group": "AAA", "security_id": aaa, "currency": "USD", "gross": "15.00",
             "withheld": "2.25", "net": "12.75", "count": 2, "complete": true},
            {"group": null, "security_id": null, "currency": "USD", "gross": "2.00",
             "withheld": "0.00", "net": "2.00", "count": 1, "complete": true},
        ])
    );
}

/// NOPE has no close at all; NESN.SW has a close in CHF and no CHF rate is stored. Neither
/// is priced at 0 or at cost: their price fields are null, and their cost is still shown.
async fn an_unpriced_or_unconverted_position_has_null_price_fields(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let store = store(&app).await;
    let nope = security(store.as_ref(), "NOPE", "USD", &[]).await;
    let nestle = security(
        store.as_ref(),
        "NESN.SW",
        "CHF",
        &[("2024-03-01T16:30:00Z", "95")],
    )
    .await;
    let broker = account(&app, &s, "Broker", "USD").await;
    record(
        store.as_ref(),
        broker,
        &[
            cash(ActivityType::Deposit, "2024-01-02", "1000", "USD"),
            buy("2024-01-03", nope, "3", "20", "0", "USD"),
            // Paid in dollars: 2 x 90 = 180 USD; its close is in CHF, which has no rate.
            (
                ActivityType::Buy,
                "2024-01-04",
                Some(nestle),
                Some("2"),
                Some("90"),
                None,
                Some("0"),
                "USD",
            ),
        ],
    )
    .await;
    let path = format!("/api/v1/accounts/{broker}/positions?as_of=2024-03-05");
    let r = app.get(&path, &s.access).await;
    r.expect(200);
    let by_symbol = |sym: &str| {
        r.body
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["security"]["symbol"] == sym)
            .unwrap()
            .clone()
    };
    for (sym, cost) in [("NOPE", "60.00"), ("NESN.SW", "180.00")] {
        let p = by_symbol(sym);
        assert_eq!(p["cost_basis"], cost, "{sym}");
        for field in [
            "market_price",
            "price_date",
            "market_value",
            "unrealized_gain",
            "unrealized_gain_pct",
        ] {
            assert_eq!(p[field], Value::Null, "{sym} {field}");
        }
        assert_eq!(p["complete"], false);
    }
    // Ordered by symbol.
    assert_eq!(r.body[0]["security"]["symbol"], "NESN.SW");
}

/// A GBP account holding a security quoted in pence (GBp): 100 bought at 200p on Feb 1 cost
/// 100 x 200 / 100 = 200.00 GBP; the close of 250p on Mar 1 is 2.50 GBP, so the position is
/// worth 250.00 with a gain of 50.00 (25.00 %). No deposit was recorded: the 200 GBP is an
/// implicit deposit and the cash is 0.
async fn pence_convert_by_their_factor(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let store = store(&app).await;
    let ocado = security(
        store.as_ref(),
        "OCDO.L",
        "GBp",
        &[("2024-03-01T16:30:00Z", "250")],
    )
    .await;
    let isa = account(&app, &s, "ISA", "GBP").await;
    record(
        store.as_ref(),
        isa,
        &[buy("2024-02-01", ocado, "100", "200", "0", "GBp")],
    )
    .await;
    let r = app
        .get(
            &format!("/api/v1/accounts/{isa}/positions?as_of=2024-03-05"),
            &s.access,
        )
        .await;
    r.expect(200);
    let p = &r.body[0];
    assert_eq!(p["quantity"], "100.000000");
    assert_eq!(p["cost_basis"], "200.00");
    assert_eq!(p["average_cost"], "2.00");
    assert_eq!(p["market_price"], "2.50");
    assert_eq!(p["price_date"], "2024-03-01");
    assert_eq!(p["market_value"], "250.00");
    assert_eq!(p["unrealized_gain"], "50.00");
    assert_eq!(p["unrealized_gain_pct"], "25.00");
    let r = app
        .get(
            &format!("/api/v1/accounts/{isa}/cash?as_of=2024-03-05"),
            &s.access,
        )
        .await;
    assert_eq!(r.body["currency"], "GBP");
    assert_eq!(r.body["balance"], "0.00");
    assert_eq!(r.body["implicit_deposits"][0]["amount"], "200.00");
}

/// A USD account holding SAP.DE, quoted in EUR. Stored rates: EUR -> USD 1.10 from Jan 1 and
/// 1.20 from Feb 15; USD -> EUR 0.80 on Mar 4, newer, so EUR -> USD is 1 / 0.80 = 1.25 from
/// then. The buy of 10 at 100 EUR on Feb 1 converts at that day's 1.10: cost 1,100 USD. The
/// close of 110 EUR (Mar 1) converts at the rate of the day asked: on Mar 2 110 x 1.20 = 132,
/// worth 1,320, gain 220 (20 %); on Mar 5 110 x 1.25 = 137.50, worth 1,375, gain 275 (25 %).
async fn stored_rates_of_each_date_convert_trades_and_closes(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let store = store(&app).await;
    let code = |c: &str| CurrencyCode::parse(c).unwrap();
    for (from, to, day, rate) in [
        ("EUR", "USD", "2024-01-01", "1.10"),
        ("EUR", "USD", "2024-02-15", "1.20"),
        ("USD", "EUR", "2024-03-04", "0.80"),
    ] {
        let r = ExchangeRate::new(code(from), code(to), date(day), dec(rate)).unwrap();
        store.upsert_rate(&r).await.unwrap();
    }
    let sap = security(
        store.as_ref(),
        "SAP.DE",
        "EUR",
        &[("2024-03-01T16:30:00Z", "110")],
    )
    .await;
    let broker = account(&app, &s, "Broker", "USD").await;
    record(
        store.as_ref(),
        broker,
        &[buy("2024-02-01", sap, "10", "100", "0", "EUR")],
    )
    .await;
    for (day, price, value, gain, pct) in [
        ("2024-03-02", "132.00", "1320.00", "220.00", "20.00"),
        ("2024-03-05", "137.50", "1375.00", "275.00", "25.00"),
    ] {
        let path = format!("/api/v1/accounts/{broker}/positions?as_of={day}");
        let r = app.get(&path, &s.access).await;
        r.expect(200);
        let p = &r.body[0];
        assert_eq!(p["cost_basis"], "1100.00", "{day}");
        assert_eq!(p["lots"][0]["cost_per_unit"], "110.00", "{day}");
        assert_eq!(p["market_price"], price, "{day}");
        assert_eq!(p["price_date"], "2024-03-01", "{day}");
        assert_eq!(p["market_value"], value, "{day}");
        assert_eq!(p["unrealized_gain"], gain, "{day}");
        assert_eq!(p["unrealized_gain_pct"], pct, "{day}");
    }
    let r = app
        .get(
            &format!("/api/v1/accounts/{broker}/cash?as_of=2024-03-05"),
            &s.access,
        )
        .await;
    assert_eq!(r.body["balance"], "0.00");
    assert_eq!(r.body["implicit_deposits"][0]["amount"], "1100.00");
    assert_eq!(r.body["complete"], true);
}

/// Bob's account answers Ann exactly as an id that does not exist: 404, on every route.
async fn another_users_account_is_404_on_every_route(db: Db) {
    let app = TestApp::start(db).await;
    let ann = app.signup("ann").await;
    let bob = app.signup("bob").await;
    let store = store(&app).await;
    let aaa = security(store.as_ref(), "AAA", "USD", &[]).await;
    let bobs = account(&app, &bob, "Bob's", "USD").await;
    record(
        store.as_ref(),
        bobs,
        &[buy("2024-01-02", aaa, "1", "10", "0", "USD")],
    )
    .await;
    for id in [bobs, Uuid::new_v4()] {
        for path in [
            format!("/api/v1/accounts/{id}/positions"),
            format!("/api/v1/accounts/{id}/cash"),
            format!("/api/v1/realized-gains?account_id={id}"),
            format!("/api/v1/realized-gains?account_id={id}&format=csv"),
            format!("/api/v1/income?account_id={id}"),
        ] {
            let r = app.get(&path, &ann.access).await;
            r.expect(404);
            assert_eq!(r.body["detail"], "Account not found", "{path}");
        }
    }
    // Bob sees his own; Ann's report across her accounts has none of his.
    app.get(&format!("/api/v1/accounts/{bobs}/positions"), &bob.access)
        .await
        .expect(200);
    let r = app.get("/api/v1/realized-gains", &ann.access).await;
    assert_eq!((r.status, r.body.clone()), (200, json!([])));
    assert_eq!(r.header("x-total-gain"), Some("0.00"));
}

/// Values that are not dates, or out of the kept range, are 422 at `["query", name]`; a day
/// after today is 400, as is a range that ends before it starts.
async fn bad_dates_are_422_and_a_future_as_of_400(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let broker = account(&app, &s, "Broker", "USD").await;
    for (path, field) in [
        (
            format!("/api/v1/accounts/{broker}/positions?as_of=2024-02-30"),
            "as_of",
        ),
        (
            format!("/api/v1/accounts/{broker}/cash?as_of=yesterday"),
            "as_of",
        ),
        (
            "/api/v1/realized-gains?start=2024-13-01".to_string(),
            "start",
        ),
        ("/api/v1/income?start=01/02/2024".to_string(), "start"),
        ("/api/v1/income?group=week".to_string(), "group"),
        ("/api/v1/realized-gains?format=xlsx".to_string(), "format"),
    ] {
        let r = app.get(&path, &s.access).await;
        r.expect(422);
        assert_eq!(
            r.body["detail"][0]["loc"],
            json!(["query", field]),
            "{path}"
        );
    }
    let tomorrow = Utc::now().date_naive() + chrono::Days::new(1);
    for route in ["positions", "cash"] {
        let r = app
            .get(
                &format!("/api/v1/accounts/{broker}/{route}?as_of={tomorrow}"),
                &s.access,
            )
            .await;
        r.expect(400);
        assert_eq!(r.body["error_code"], "BAD_REQUEST");
    }
    app.get("/api/v1/income?start=2024-05-01&end=2024-04-30", &s.access)
        .await
        .expect(400);
    // An account with nothing recorded: no positions, no cash.
    let r = app
        .get(&format!("/api/v1/accounts/{broker}/positions"), &s.access)
        .await;
    assert_eq!((r.status, r.body.clone()), (200, json!([])));
    let r = app
        .get(&format!("/api/v1/accounts/{broker}/cash"), &s.access)
        .await;
    assert_eq!(r.body["balance"], "0.00");
}
