//! The OFX reader against statements recorded from public OFX projects, checked against what
//! those projects' own tests expect of them (the recordings' SOURCES.md).

use crate::support::import_files::import_fixture;

use chrono::NaiveDate;
use finances::domain::ledger::ActivityType as T;
use finances::import::{ofx, Format, ImportRow, Parsed};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn ymd(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The recording `name` read, or `None` where the recordings are absent.
fn read(name: &str) -> Option<Parsed> {
    let bytes = import_fixture(name)?;
    let text = String::from_utf8(bytes).expect("the recordings are ASCII");
    assert!(ofx::looks_like(&text), "{name}");
    let parsed = ofx::read(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(parsed.format, Format::Ofx);
    assert!(parsed.errors.is_empty(), "{name}: {:?}", parsed.errors);
    Some(parsed)
}

fn symbol(row: &ImportRow) -> &str {
    row.security
        .as_ref()
        .and_then(|s| s.symbol.as_deref())
        .unwrap_or("")
}

#[test]
fn ofx_recorded_401k_buy_and_transfers() {
    let Some(parsed) = read("ofx/investment_401k.ofx") else {
        return;
    };
    assert!(parsed.ignored.is_empty(), "{:?}", parsed.ignored);
    let [buy, transfer_in, transfer_out] = &parsed.rows[..] else {
        panic!("{:?}", parsed.rows)
    };
    // ofxparse: buymf 8.846699 @ 22.2908, total -197.2, FOO.
    assert_eq!((buy.line, buy.activity_type), (46, T::Buy));
    assert_eq!(symbol(buy), "FOO");
    assert_eq!(buy.date, ymd(2014, 6, 17));
    assert_eq!(buy.quantity, Some(d("8.846699")));
    assert_eq!(buy.unit_price, Some(d("22.2908")));
    assert_eq!(buy.fee, None);
    assert_eq!(buy.currency.as_deref(), Some("USD"));
    assert_eq!(buy.source_id.as_deref(), Some("1"));
    assert_eq!(
        buy.security.as_ref().unwrap().name.as_deref(),
        Some("Foo Index Fund")
    );
    // Transfer IN 6.800992 BAR; transfer OUT 9.060702 BAZ.
    assert_eq!(
        (transfer_in.line, transfer_in.activity_type),
        (64, T::TransferIn)
    );
    assert_eq!(symbol(transfer_in), "BAR");
    assert_eq!(transfer_in.quantity, Some(d("6.800992")));
    assert_eq!(transfer_in.unit_price, Some(d("29.214856")));
    assert_eq!(transfer_in.date, ymd(2014, 6, 30));
    assert_eq!(
        (transfer_out.line, transfer_out.activity_type),
        (79, T::TransferOut)
    );
    assert_eq!(symbol(transfer_out), "BAZ");
    assert_eq!(transfer_out.quantity, Some(d("9.060702")));
    assert_eq!(transfer_out.unit_price, None);
}

#[test]
fn ofx_recorded_buys_sells_income_and_a_fee() {
    let Some(parsed) = read("ofx/investment_buy_sell_income.ofx") else {
        return;
    };
    assert!(parsed.ignored.is_empty(), "{:?}", parsed.ignored);
    let count = |t: T| parsed.rows.iter().filter(|r| r.activity_type == t).count();
    // 5 BUYMF + BUYSTOCK, 2 SELLMF + SELLSTOCK, 10 INCOME (9 DIV, 1 INTEREST), 1 INVBANKTRAN.
    // beancount-import reports 13 of these 20, leaving out the 7 trades of QTSAQ, which its
    // journal keeps as cash.
    assert_eq!(parsed.rows.len(), 20);
    assert_eq!(
        [
            count(T::Buy),
            count(T::Sell),
            count(T::Dividend),
            count(T::Interest)
        ],
        [6, 3, 9, 1]
    );
    assert_eq!(count(T::Withdrawal), 1);
    assert_eq!(
        parsed
            .rows
            .iter()
            .filter(|r| symbol(r) == "QTSAQ" && matches!(r.activity_type, T::Buy | T::Sell))
            .count(),
        7
    );

    let first = &parsed.rows[0];
    assert_eq!((first.line, first.activity_type), (46, T::Buy));
    assert_eq!(first.date, ymd(2018, 7, 2));
    assert_eq!(first.quantity, Some(d("11.22109")));
    assert_eq!(first.unit_price, Some(d("36.314252205")));
    assert_eq!(
        first.fee,
        Some(d("129.0493")),
        "+33.2130 commission, +95.8363 fees"
    );
    assert_eq!(
        first.source_id.as_deref(),
        Some("8aec953651799ea-00.f26c.5a")
    );
    assert_eq!(first.notes, None);
    assert_eq!(parsed.rows[3].notes.as_deref(), Some("Reinvestment"));

    let stock = parsed.rows.iter().find(|r| r.line == 147).unwrap();
    assert_eq!((stock.activity_type, symbol(stock)), (T::Buy, "SDVMV"));
    let sale = parsed.rows.iter().find(|r| r.line == 347).unwrap();
    assert_eq!((sale.activity_type, symbol(sale)), (T::Sell, "EEBHF"));
    assert_eq!(sale.quantity, Some(d("41.50416")));
    assert_eq!(sale.fee, Some(d("89.7183")));

    let dividends: Decimal = parsed
        .rows
        .iter()
        .filter(|r| r.activity_type == T::Dividend)
        .map(|r| r.amount.unwrap())
        .sum();
    assert_eq!(dividends, d("693.5175"));
    let interest = parsed
        .rows
        .iter()
        .find(|r| r.activity_type == T::Interest)
        .unwrap();
    assert_eq!((interest.line, interest.amount), (279, Some(d("57.9140"))));
    assert_eq!(symbol(interest), "QTSAQ");

    let fee = parsed.rows.last().unwrap();
    assert_eq!((fee.line, fee.activity_type), (367, T::Withdrawal));
    assert_eq!(fee.amount, Some(d("8.4850")));
    assert_eq!(fee.date, ymd(2018, 7, 24));
    assert_eq!(
        fee.notes.as_deref(),
        Some("PORTFOLIO SRVCS. FEE PORTFOLIO S")
    );
}

#[test]
fn ofx_recorded_reinvestment() {
    let Some(parsed) = read("ofx/vanguard_roth_ira.ofx") else {
        return;
    };
    assert!(parsed.ignored.is_empty(), "{:?}", parsed.ignored);
    let [dividend, buy] = &parsed.rows[..] else {
        panic!("{:?}", parsed.rows)
    };
    // beancount-import: +31.704 TYCDT {2.94 USD}, income -93.21 USD.
    assert_eq!((dividend.line, dividend.activity_type), (48, T::Dividend));
    assert_eq!(dividend.amount, Some(d("93.20976")));
    assert_eq!(dividend.amount.unwrap().round_dp(2), d("93.21"));
    assert_eq!(symbol(dividend), "TYCDT");
    assert_eq!(dividend.date, ymd(2018, 6, 21));
    assert_eq!(buy.activity_type, T::Buy);
    assert_eq!(symbol(buy), "TYCDT");
    assert_eq!(buy.quantity, Some(d("31.704")));
    assert_eq!(buy.unit_price, Some(d("2.94")));
    assert_eq!(
        buy.quantity.unwrap() * buy.unit_price.unwrap(),
        d("93.20976")
    );
    assert_eq!(
        dividend.source_id.as_deref(),
        Some("7c9254b784a.a9bd.edcfa27b.b")
    );
    assert_eq!(
        buy.source_id.as_deref(),
        Some("7c9254b784a.a9bd.edcfa27b.b:buy")
    );
}

#[test]
fn ofx_recorded_xml_statement() {
    let Some(parsed) = read("ofx/invstmtrs.ofx") else {
        return;
    };
    // Positions, the open order, balances and the security list are not activities.
    assert!(parsed.ignored.is_empty(), "{:?}", parsed.ignored);
    let [buy, deposit] = &parsed.rows[..] else {
        panic!("{:?}", parsed.rows)
    };
    assert_eq!((buy.line, buy.activity_type), (38, T::Buy));
    assert_eq!(symbol(buy), "ACME");
    assert_eq!(
        buy.security.as_ref().unwrap().name.as_deref(),
        Some("Acme Development, Inc.")
    );
    assert_eq!(buy.date, ymd(2005, 8, 25));
    assert_eq!(buy.quantity, Some(d("100")));
    assert_eq!(buy.unit_price, Some(d("50.00")));
    assert_eq!(buy.fee, Some(d("25.00")));
    assert_eq!(buy.source_id.as_deref(), Some("23321"));
    assert_eq!((deposit.line, deposit.activity_type), (58, T::Deposit));
    assert_eq!(deposit.amount, Some(d("1000.00")));
    assert_eq!(deposit.source_id.as_deref(), Some("12345"));
    assert_eq!(
        deposit.notes.as_deref(),
        Some("Customer deposit; Your check #1034")
    );
}
