//! The CSV and JSON readers against recorded exports of other projects (skipped with a
//! notice where the recordings are absent) and against small files written here: the rows,
//! types and amounts read, the lines passed over and the lines refused.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use finances::domain::ledger::ActivityType as T;
use finances::import::{self, Format, ImportRow, Mapping, Parsed, ReadOptions};

use crate::support::import_files::import_fixture;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn day(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

fn read(bytes: &[u8]) -> Parsed {
    import::read(bytes, &ReadOptions::default()).unwrap()
}

fn types(p: &Parsed) -> Vec<T> {
    p.rows.iter().map(|r| r.activity_type).collect()
}

fn symbol(r: &ImportRow) -> Option<&str> {
    r.security.as_ref()?.symbol.as_deref()
}

#[test]
fn wealthfolio_sample_is_refused_at_its_malformed_split_row() {
    let Some(bytes) = import_fixture("wealthfolio/sample-import.csv") else {
        return;
    };
    let p = read(&bytes);
    assert_eq!(p.format, Format::Wealthfolio);
    // The SPLIT row has 13 fields under a 12-column header: its comment lands in fxRate.
    assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
    assert_eq!(p.errors[0].line, 11);
    let message = &p.errors[0].message;
    assert!(
        message.contains("fx_rate") && message.contains("13 fields"),
        "{message}"
    );
    assert_eq!(p.rows.len(), 13, "the 14 rows less the refused one");
    let first = &p.rows[0];
    assert_eq!(
        (first.activity_type, first.date),
        (T::Buy, day(2024, 1, 15))
    );
    assert_eq!(symbol(first), Some("AAPL"));
    assert_eq!(
        (first.quantity, first.unit_price, first.fee),
        (Some(d("10")), Some(d("185.50")), Some(d("4.95")))
    );
    // DIVIDEND AAPL 10 x 0.24: a gross amount of 2.40.
    let dividend = p
        .rows
        .iter()
        .find(|r| r.activity_type == T::Dividend)
        .unwrap();
    assert_eq!(dividend.amount, Some(d("2.4")));
    assert_eq!(dividend.quantity, None);
    // The rebate CREDIT is cash in; the CAD buy keeps its rate.
    let cad = p
        .rows
        .iter()
        .find(|r| r.currency.as_deref() == Some("CAD"))
        .unwrap();
    assert_eq!(cad.fx_rate, Some(d("1.36")));
    assert!(types(&p).contains(&T::TransferIn));
    assert!(types(&p).contains(&T::Tax));
}

#[test]
fn schwab_history_with_its_title_footer_and_words() {
    let Some(bytes) = import_fixture("wealthfolio/schwab_with_header_row.csv") else {
        return;
    };
    let p = read(&bytes);
    assert_eq!(p.format, Format::Schwab);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    // 20 rows: the stock split is passed over (no ratio), the total line is a footer.
    assert_eq!(p.rows.len(), 19);
    let ignored: Vec<usize> = p.ignored.iter().map(|i| i.line).collect();
    assert_eq!(ignored, [6, 23]);
    let sell = &p.rows[0];
    assert_eq!(
        (sell.activity_type, sell.date, sell.line),
        (T::Sell, day(2025, 5, 6), 3)
    );
    assert_eq!(
        (sell.quantity, sell.unit_price, sell.fee),
        (Some(d("8")), Some(d("247.37")), Some(d("0.06")))
    );
    // Options are written with spaces; Yahoo joins them.
    assert_eq!(symbol(&p.rows[1]), Some("SPY250321C00500000"));
    let by_line = |line: usize| p.rows.iter().find(|r| r.line == line).unwrap();
    assert_eq!(
        (by_line(11).activity_type, by_line(11).amount),
        (T::Withdrawal, Some(d("500.00")))
    );
    assert_eq!(
        (by_line(12).activity_type, by_line(12).amount),
        (T::Tax, Some(d("0.14")))
    );
    assert_eq!(
        (by_line(16).activity_type, by_line(16).unit_price),
        (T::Buy, Some(d("73.89")))
    );
    assert_eq!(
        (by_line(17).activity_type, by_line(17).amount),
        (T::Dividend, Some(d("1.85")))
    );
    assert_eq!(by_line(19).activity_type, T::Deposit);
    assert_eq!(
        by_line(21).activity_type,
        T::Deposit,
        "a journal in is cash in"
    );
    assert_eq!(
        (by_line(22).activity_type, by_line(22).quantity),
        (T::TransferIn, Some(d("10")))
    );
}

#[test]
fn a_european_broker_with_semicolons_decimal_commas_and_french_words() {
    let Some(bytes) = import_fixture("wealthfolio/ai-import-european-broker.csv") else {
        return;
    };
    let p = read(&bytes);
    assert_eq!(p.format, Format::Csv);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.rows.len(), 11);
    assert_eq!(p.ignored.len(), 2, "the two footer lines: {:?}", p.ignored);
    let buy = &p.rows[0];
    assert_eq!(
        (buy.line, buy.activity_type, buy.date),
        (5, T::Buy, day(2024, 1, 15))
    );
    assert_eq!(
        buy.security.as_ref().unwrap().isin.as_deref(),
        Some("US0378331005")
    );
    assert_eq!(
        (buy.quantity, buy.unit_price, buy.fee),
        (Some(d("25")), Some(d("172.50")), Some(d("0.99")))
    );
    let withdrawal = p
        .rows
        .iter()
        .find(|r| r.activity_type == T::Withdrawal)
        .unwrap();
    assert_eq!(withdrawal.amount, Some(d("1200.00")));
    // A row naming only "Cloudflare" keeps the name, for the lookup to say what is missing.
    let named = &p.rows[1];
    assert_eq!(
        named.security.as_ref().unwrap().name.as_deref(),
        Some("Cloudflare")
    );
    assert_eq!(named.security.as_ref().unwrap().isin, None);
}

#[test]
fn ghostfolio_csv_with_four_date_forms_and_a_manual_asset() {
    let Some(bytes) = import_fixture("ghostfolio/sample.csv") else {
        return;
    };
    let p = read(&bytes);
    assert_eq!(p.format, Format::GhostfolioCsv);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.ignored.len(), 1);
    assert_eq!(p.ignored[0].line, 5, "the apartment is manually priced");
    let dates: Vec<NaiveDate> = p.rows.iter().map(|r| r.date).collect();
    assert_eq!(
        dates,
        [
            day(2021, 9, 1),
            day(2021, 9, 16),
            day(2021, 11, 17),
            day(2050, 6, 6)
        ]
    );
    // The opening fee of a manual profile is a fee of 49 with no security.
    assert_eq!(
        (p.rows[0].activity_type, p.rows[0].amount),
        (T::Fee, Some(d("49")))
    );
    assert_eq!(p.rows[0].security, None);
    // 5 x 0.62 gross.
    assert_eq!(
        (p.rows[2].activity_type, p.rows[2].amount),
        (T::Dividend, Some(d("3.1")))
    );
    assert_eq!(
        p.rows[3].security.as_ref().unwrap().isin.as_deref(),
        Some("US5949181045")
    );
}

#[test]
fn ghostfolio_json_exports() {
    let Some(sample) = import_fixture("ghostfolio/sample.json") else {
        return;
    };
    let p = read(&sample);
    assert_eq!(p.format, Format::Ghostfolio);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(types(&p), [T::Fee, T::Buy, T::Dividend, T::Buy]);
    assert_eq!(p.ignored.len(), 1);
    let buy = &p.rows[1];
    assert_eq!(
        (buy.quantity, buy.unit_price, buy.fee),
        (Some(d("5")), Some(d("298.58")), Some(d("19")))
    );
    assert!(p.rows.iter().all(|r| r.line > 1));

    let novn = read(&import_fixture("ghostfolio/novn-buy-and-sell-partially.json").unwrap());
    assert_eq!(types(&novn), [T::Sell, T::Buy]);
    assert_eq!(novn.rows[0].fee, Some(d("1.3")));
    assert_eq!(novn.rows[1].unit_price, Some(d("75.8")));
    assert_eq!(novn.rows[1].currency.as_deref(), Some("CHF"));

    let jnug = read(&import_fixture("ghostfolio/jnug-buy-and-sell-and-buy-and-sell.json").unwrap());
    assert_eq!(types(&jnug), [T::Buy, T::Sell, T::Buy, T::Sell]);
    assert!(
        jnug.rows.iter().all(|r| r.source_id.is_some()),
        "each activity keeps its id"
    );

    let zac = read(&import_fixture("ghostfolio/derived-currency.json").unwrap());
    assert_eq!(zac.rows[0].currency.as_deref(), Some("ZAc"));
    assert_eq!(zac.rows[0].unit_price, Some(d("10875.00")));
}

#[test]
fn an_ibkr_trades_csv_is_read_as_a_generic_csv() {
    let Some(bytes) = import_fixture("ghostfolio/vti-buy-on-ibkr.csv") else {
        return;
    };
    let p = read(&bytes);
    assert_eq!(p.format, Format::Csv);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let buy = &p.rows[0];
    assert_eq!((buy.activity_type, buy.date), (T::Buy, day(2023, 4, 3)));
    assert_eq!(symbol(buy), Some("VTI"));
    assert_eq!(
        (buy.quantity, buy.unit_price, buy.fee),
        (Some(d("17")), Some(d("204.3473")), Some(d("1")))
    );
    assert_eq!(buy.currency.as_deref(), Some("USD"));
    assert_eq!(buy.source_id.as_deref(), Some("1234567890"));
}

#[test]
fn a_two_digit_year_is_refused_with_its_line() {
    let Some(bytes) = import_fixture("ghostfolio/invalid-date-yy.csv") else {
        return;
    };
    let p = read(&bytes);
    assert!(p.rows.is_empty());
    assert_eq!(p.errors.len(), 1);
    assert_eq!(p.errors[0].line, 2);
    assert!(
        p.errors[0].message.contains("four-digit year"),
        "{}",
        p.errors[0]
    );
}

#[test]
fn trade_republic_exports() {
    let Some(big) = import_fixture("portfolio-performance/TransactionExport01.csv") else {
        return;
    };
    let p = read(&big);
    assert_eq!(p.format, Format::TradeRepublic);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let count = |t: T| p.rows.iter().filter(|r| r.activity_type == t).count();
    // 162 buys and 17 sells, as the source's own test counts 185 buy/sell items less the
    // private-market and corporate-action rows it books as trades.
    assert_eq!((count(T::Buy), count(T::Sell)), (162, 17));
    // 339 rows: 23 passed over with their reason (tax refunds, maturities, a split with no
    // ratio, private-market buys), and fees and taxes booked with a trade or a payment become
    // activities of their own.
    assert_eq!(p.ignored.len(), 23);
    assert_eq!(
        [
            T::Deposit,
            T::Withdrawal,
            T::Dividend,
            T::Interest,
            T::Fee,
            T::Tax
        ]
        .map(count),
        [47, 36, 15, 39, 10, 43]
    );
    assert!(p
        .ignored
        .iter()
        .any(|i| i.line == 263 && i.reason.contains("SPLIT")));
    let sell = p.rows.iter().find(|r| r.activity_type == T::Sell).unwrap();
    assert!(
        sell.quantity.unwrap() > Decimal::ZERO,
        "shares are positive"
    );

    let quoted = read(&import_fixture("portfolio-performance/TransactionExport02.csv").unwrap());
    assert!(quoted.errors.is_empty(), "{:?}", quoted.errors);
    let apple = quoted
        .rows
        .iter()
        .find(|r| r.activity_type == T::Buy)
        .unwrap();
    assert_eq!(apple.quantity, Some(d("0.223214")));
    assert_eq!(
        apple.security.as_ref().unwrap().isin.as_deref(),
        Some("US0378331005")
    );
    let coin = quoted
        .rows
        .iter()
        .find(|r| symbol(r).is_some_and(|s| s.starts_with("BTC")));
    assert_eq!(coin.and_then(symbol), Some("BTC-EUR"));

    // The original dividend and its correction cancel out; the rebooking stays: 29.58 gross,
    // 7.80 withheld.
    let rebooked = read(&import_fixture("portfolio-performance/TransactionExport05.csv").unwrap());
    assert!(rebooked.errors.is_empty(), "{:?}", rebooked.errors);
    assert_eq!(rebooked.rows.len(), 1);
    assert_eq!(rebooked.rows[0].line, 4);
    assert_eq!(
        (rebooked.rows[0].amount, rebooked.rows[0].fee),
        (Some(d("29.58")), Some(d("7.80")))
    );
    assert_eq!(rebooked.ignored.len(), 2);
}

/// A file written for these tests: a preamble, tabs, a decimal comma, quoted fields with a
/// separator inside, a column mapping for headers no word knows, and a footer.
#[test]
fn a_generic_csv_mapped_by_hand() {
    let file = "My Bank plc\nexported 2024-07-01\nWhen\tWhat\tTicker\tHow many\tAt\tCharges\tRef\n\
                02/01/2024\tKauf\tSAP.DE\t10\t\"150,5\"\t\"1,00\"\tA-1\n\
                03/01/2024\tVerkauf\tSAP.DE\t4\t160\t\t\"A-2\"\n\
                Summe\t\t\t\t\t\t\n";
    let mapping = Mapping::parse(
        "date=When,type=What,symbol=Ticker,quantity=How many,unit_price=At,fee=Charges,id=Ref",
    )
    .unwrap();
    let p = import::read(
        file.as_bytes(),
        &ReadOptions {
            format: None,
            mapping,
            ..ReadOptions::default()
        },
    )
    .unwrap();
    assert_eq!(p.format, Format::Csv);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(types(&p), [T::Buy, T::Sell]);
    assert_eq!(p.rows[0].date, day(2024, 1, 2), "day first");
    assert_eq!(
        (p.rows[0].unit_price, p.rows[0].fee),
        (Some(d("150.5")), Some(d("1.00")))
    );
    assert_eq!(p.rows[1].source_id.as_deref(), Some("A-2"));
    assert_eq!(p.ignored.len(), 1);

    // Without the mapping, no word of that header says which column is the date.
    let err = import::read(file.as_bytes(), &ReadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("--format"), "{err}");
}

#[test]
fn a_bad_number_is_refused_with_its_line() {
    let file = "date,type,symbol,quantity,price\n2024-01-02,buy,AAPL,10,150\n2024-01-03,buy,AAPL,ten,150\n";
    let p = read(file.as_bytes());
    assert_eq!(p.rows.len(), 1);
    assert_eq!(p.errors.len(), 1);
    assert_eq!(p.errors[0].line, 3);
    assert!(p.errors[0].message.contains("quantity"), "{}", p.errors[0]);
}
