//! The Interactive Brokers Flex reader against statements recorded from Portfolio
//! Performance's tests, checked against what those tests expect (the recordings' SOURCES.md).

use crate::support::import_files::import_fixture;

use chrono::NaiveDate;
use finances::domain::ledger::ActivityType as T;
use finances::import::{ibkr_flex, Format, Parsed};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn ymd(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn text(name: &str) -> Option<String> {
    let bytes = import_fixture(name)?;
    let text = String::from_utf8(bytes).expect("the recordings are UTF-8");
    assert!(ibkr_flex::looks_like(&text), "{name}");
    Some(text)
}

fn read(text: &str) -> Parsed {
    let parsed = ibkr_flex::read(text).unwrap();
    assert_eq!(parsed.format, Format::IbkrFlex);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    parsed
}

#[test]
fn ibkr_flex_recorded_cancelled_buy() {
    let Some(text) = text("ibkr-flex/testIBFlexStatementFile09.xml") else {
        return;
    };
    // Portfolio Performance reads the buy and fails on the cancellation; here the cancellation
    // takes its buy with it, as the two undo each other.
    let parsed = read(&text);
    assert!(parsed.rows.is_empty(), "{:?}", parsed.rows);
    let ignored: Vec<_> = parsed
        .ignored
        .iter()
        .map(|i| (i.line, i.reason.as_str()))
        .collect();
    assert_eq!(
        ignored,
        [
            (5, "cancelled by line 6"),
            (6, "cancels the trade at line 5")
        ]
    );

    // The buy alone, as Portfolio Performance reads it: 450 at 5.432 EUR, fee 2.44.
    let cancel_line = text.lines().nth(5).unwrap();
    assert!(cancel_line.contains("BUY (Ca.)"));
    let without_cancel = text.replace(cancel_line, "");
    let parsed = read(&without_cancel);
    let [buy] = &parsed.rows[..] else {
        panic!("{:?}", parsed.rows)
    };
    assert_eq!((buy.line, buy.activity_type), (5, T::Buy));
    assert_eq!(buy.date, ymd(2022, 12, 2));
    assert_eq!(buy.quantity, Some(d("450")));
    assert_eq!(buy.unit_price, Some(d("5.432")));
    assert_eq!(buy.fee, Some(d("2.4444")));
    assert_eq!(buy.fee.unwrap().round_dp(2), d("2.44"));
    assert_eq!(
        (buy.quantity.unwrap() * buy.unit_price.unwrap() + buy.fee.unwrap()).round_dp(2),
        d("2446.84")
    );
    assert_eq!(buy.currency.as_deref(), Some("EUR"));
    let security = buy.security.as_ref().unwrap();
    assert_eq!(security.symbol.as_deref(), Some("F1F"));
    assert_eq!(security.isin.as_deref(), Some("KY30744W1070"));
    assert_eq!(security.name.as_deref(), Some("FARFETCH LTD-CLASS A"));
    assert_eq!(buy.source_id.as_deref(), Some("1522126816"));
}

#[test]
fn ibkr_flex_recorded_trades_and_cash_transactions() {
    let Some(text) = text("ibkr-flex/testIBFlexStatementFile12.xml") else {
        return;
    };
    let parsed = read(&text);
    let rows: Vec<_> = parsed
        .rows
        .iter()
        .map(|r| {
            (
                r.line,
                r.activity_type,
                r.currency.clone().unwrap(),
                r.amount.or(r.quantity).unwrap(),
                r.fee,
            )
        })
        .collect();
    let usd = || "USD".to_string();
    let cad = || "CAD".to_string();
    let eur = || "EUR".to_string();
    // Portfolio Performance: 4 buys and 11 account transactions, of which 4 dividends (the
    // tax of the 26.50 left apart) and 3 taxes (one a refund). Here each tax withheld goes
    // into the dividend of its security and day, and the refund, which no activity type
    // takes, is passed over with its reason: 4 buys and 9 account transactions.
    assert_eq!(
        rows,
        [
            (6, T::Buy, cad(), d("400"), Some(d("4"))),
            (7, T::Buy, usd(), d("200"), Some(d("2"))),
            (8, T::Buy, usd(), d("35"), Some(d("2"))),
            (9, T::Buy, usd(), d("50"), Some(d("2"))),
            (15, T::Tax, usd(), d("0.54"), None),
            (18, T::Dividend, cad(), d("46"), Some(d("6.9"))),
            (19, T::Dividend, cad(), d("42.75"), Some(d("9"))),
            (20, T::Dividend, usd(), d("57.19"), Some(d("8.58"))),
            (21, T::Dividend, usd(), d("26.5"), Some(d("3.97"))),
            (22, T::Fee, eur(), d("1.34"), None),
            (23, T::Fee, eur(), d("1.34"), None),
            (24, T::Deposit, eur(), d("999"), None),
            (25, T::Fee, usd(), d("9.99"), None),
        ]
    );
    // Gross prices as Portfolio Performance computes them from cost less commission.
    let prices: Vec<_> = parsed.rows[..4]
        .iter()
        .map(|r| r.unit_price.unwrap().round_dp(7))
        .collect();
    assert_eq!(
        prices,
        [d("3.075"), d("29.06"), d("129.8142857"), d("30.05")]
    );
    let dates: Vec<_> = parsed.rows.iter().map(|r| r.date).collect();
    assert_eq!(dates[0], ymd(2020, 1, 15));
    assert_eq!(dates[4], ymd(2019, 1, 31));
    assert_eq!(dates[5], ymd(2019, 12, 31));
    assert_eq!(dates[11], ymd(2020, 1, 20));
    assert_eq!(
        parsed.rows[0].security.as_ref().unwrap().symbol.as_deref(),
        Some("XXXXXCAD")
    );
    assert!(parsed.rows.iter().all(|r| r.fx_rate.is_none()));

    let ignored: Vec<_> = parsed.ignored.iter().map(|i| i.line).collect();
    assert_eq!(ignored, [12, 13, 14, 16, 17]);
    assert!(parsed.ignored[2].reason.contains("refunds 1.99"));
    assert!(parsed.ignored[0].reason.contains("dividend at line 18"));

    // Read into an account kept in the statement's base currency (EUR), each row in another
    // currency carries IBKR's rate of its day.
    let in_euros = ibkr_flex::read_for_account(&text, Some("EUR")).unwrap();
    let rates: Vec<_> = in_euros.rows.iter().map(|r| r.fx_rate).collect();
    assert_eq!(rates[0], Some(d("0.68772")));
    assert_eq!(rates[5], Some(d("0.68942")));
    assert_eq!(rates[11], None, "the deposit is in EUR");
}
