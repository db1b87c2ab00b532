//! Worked examples: one small statement per kind of transaction.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{looks_like, read};
use crate::domain::ledger::{ActivityType as T, SplitRatio};
use crate::import::{Format, ImportError, ImportRow, Parsed};

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn ymd(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const HEADER: &str = "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n\
CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n";

const SECLIST: &str = "<SECLISTMSGSRSV1><SECLIST>
<STOCKINFO><SECINFO><SECID><UNIQUEID>037833100<UNIQUEIDTYPE>CUSIP</SECID>
<SECNAME>Apple Inc.<TICKER>AAPL</SECINFO></STOCKINFO>
<MFINFO><SECINFO><SECID><UNIQUEID>VTSAX<UNIQUEIDTYPE>CUSIP</SECID>
<SECNAME>Vanguard Total Stock Market Index Admiral<TICKER>VTSAX</SECINFO></MFINFO>
<OPTINFO><SECINFO><SECID><UNIQUEID>AAPL240119C00200000<UNIQUEIDTYPE>OTHER</SECID>
<SECNAME>AAPL Jan 2024 200 Call<TICKER>AAPL240119C00200000</SECINFO>
<OPTTYPE>CALL<STRIKEPRICE>200<DTEXPIRE>20240119<SHPERCTRCT>100</OPTINFO>
</SECLIST></SECLISTMSGSRSV1>";

/// An SGML statement in USD holding `transactions`, then the security list. The first
/// transaction starts on line 20.
fn statement(transactions: &str) -> String {
    format!(
        "{HEADER}<OFX>
<INVSTMTMSGSRSV1>
<INVSTMTTRNRS>
<INVSTMTRS>
<DTASOF>20240201
<CURDEF>USD
<INVTRANLIST>
<DTSTART>20240101
<DTEND>20240131
{transactions}
</INVTRANLIST>
</INVSTMTRS>
</INVSTMTTRNRS>
</INVSTMTMSGSRSV1>
{SECLIST}
</OFX>
"
    )
}

fn read_ok(text: &str) -> Parsed {
    let parsed = read(text).unwrap();
    assert_eq!(parsed.format, Format::Ofx);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    parsed
}

fn only_row(text: &str) -> ImportRow {
    let parsed = read_ok(text);
    assert!(parsed.ignored.is_empty(), "{:?}", parsed.ignored);
    assert_eq!(parsed.rows.len(), 1, "{:?}", parsed.rows);
    parsed.rows.into_iter().next().unwrap()
}

const AAPL: &str = "<SECID><UNIQUEID>037833100<UNIQUEIDTYPE>CUSIP</SECID>";

#[test]
fn ofx_buystock_with_costs_in_sgml_without_end_tags() {
    let row = only_row(&statement(&format!(
        "<BUYSTOCK><INVBUY><INVTRAN><FITID>T1<DTTRADE>20240115093000.000[-5:EST]\
         <MEMO>Bought &amp; held</INVTRAN>{AAPL}\
         <UNITS>+10<UNITPRICE>185.50<COMMISSION>+4.95<FEES>-0.05<TAXES>0.10<TOTAL>-1860.10\
         <SUBACCTSEC>CASH<SUBACCTFUND>CASH</INVBUY><BUYTYPE>BUY</BUYSTOCK>"
    )));
    assert_eq!(row.line, 20);
    assert_eq!(row.activity_type, T::Buy);
    assert_eq!(row.date, ymd(2024, 1, 15));
    let security = row.security.unwrap();
    assert_eq!(security.symbol.as_deref(), Some("AAPL"));
    assert_eq!(security.cusip.as_deref(), Some("037833100"));
    assert_eq!(security.name.as_deref(), Some("Apple Inc."));
    assert_eq!(row.quantity, Some(d("10")));
    assert_eq!(row.unit_price, Some(d("185.50")));
    assert_eq!(row.fee, Some(d("5.10")));
    assert_eq!(row.currency.as_deref(), Some("USD"));
    assert_eq!(row.fx_rate, None);
    assert_eq!(row.notes.as_deref(), Some("Bought & held"));
    assert_eq!(row.source_id.as_deref(), Some("T1"));
}

#[test]
fn ofx_sells_take_every_cost_and_options_cost_per_contract() {
    let parsed = read_ok(&statement(
        "<SELLMF><INVSELL><INVTRAN><FITID>S1<DTTRADE>20240116</INVTRAN>\
         <SECID><UNIQUEID>VTSAX<UNIQUEIDTYPE>CUSIP</SECID>\
         <UNITS>-3.5<UNITPRICE>110<COMMISSION>1<LOAD>2<WITHHOLDING>3<TOTAL>379\
         <SUBACCTSEC>CASH<SUBACCTFUND>CASH</INVSELL><SELLTYPE>SELL</SELLMF>
<BUYOPT><INVBUY><INVTRAN><FITID>O1<DTTRADE>20240117</INVTRAN>\
         <SECID><UNIQUEID>AAPL240119C00200000<UNIQUEIDTYPE>OTHER</SECID>\
         <UNITS>2<UNITPRICE>1.25<TOTAL>-250<SUBACCTSEC>CASH<SUBACCTFUND>CASH</INVBUY>\
         <OPTBUYTYPE>BUYTOOPEN<SHPERCTRCT>100</BUYOPT>",
    ));
    let [sell, option] = &parsed.rows[..] else {
        panic!("{:?}", parsed.rows)
    };
    assert_eq!(sell.activity_type, T::Sell);
    assert_eq!(sell.quantity, Some(d("3.5")));
    assert_eq!(sell.unit_price, Some(d("110")));
    assert_eq!(sell.fee, Some(d("6")));
    assert_eq!(
        sell.security.as_ref().unwrap().symbol.as_deref(),
        Some("VTSAX")
    );
    assert_eq!(option.line, 21);
    assert_eq!(option.activity_type, T::Buy);
    assert_eq!(option.quantity, Some(d("2")));
    assert_eq!(option.unit_price, Some(d("125")));
    assert_eq!(option.fee, None);
}

#[test]
fn ofx_income_by_type_with_tax_withheld() {
    let income = |kind: &str, extra: &str| {
        format!(
            "<INCOME><INVTRAN><FITID>I-{kind}<DTTRADE>20240120</INVTRAN>{AAPL}\
             <INCOMETYPE>{kind}<TOTAL>24.00{extra}<SUBACCTSEC>CASH<SUBACCTFUND>CASH</INCOME>\n"
        )
    };
    let parsed = read_ok(&statement(
        &[
            income("DIV", "<WITHHOLDING>3.60"),
            income("CGLONG", ""),
            income("MISC", ""),
            income("INTEREST", "<WITHHOLDING>-1.20"),
            income("OTHER", ""),
        ]
        .concat(),
    ));
    let types: Vec<_> = parsed.rows.iter().map(|r| r.activity_type).collect();
    assert_eq!(
        types,
        [T::Dividend, T::Dividend, T::Dividend, T::Interest, T::Tax]
    );
    let div = &parsed.rows[0];
    assert_eq!((div.amount, div.fee), (Some(d("24.00")), Some(d("3.60"))));
    assert_eq!(div.source_id.as_deref(), Some("I-DIV"));
    assert_eq!(
        parsed.rows[1].notes.as_deref(),
        Some("long-term capital gain distribution")
    );
    assert_eq!(
        parsed.rows[2].notes.as_deref(),
        Some("miscellaneous income")
    );
    let interest = &parsed.rows[3];
    assert_eq!((interest.amount, interest.fee), (Some(d("24.00")), None));
    let tax = &parsed.rows[4];
    assert_eq!(tax.amount, Some(d("1.20")));
    assert_eq!(tax.source_id.as_deref(), Some("I-INTEREST:tax"));
    assert_eq!(tax.line, interest.line);
    assert_eq!(parsed.ignored.len(), 1);
    assert_eq!(parsed.ignored[0].line, 24);
    assert!(parsed.ignored[0].reason.contains("OTHER"));
}

#[test]
fn ofx_reinvest_is_a_dividend_and_a_buy() {
    let parsed = read_ok(&statement(
        "<REINVEST><INVTRAN><FITID>R1<DTTRADE>20240125</INVTRAN>\
         <SECID><UNIQUEID>VTSAX<UNIQUEIDTYPE>CUSIP</SECID>\
         <INCOMETYPE>DIV<TOTAL>-93.20976<SUBACCTSEC>CASH<UNITS>31.704<UNITPRICE>2.94</REINVEST>",
    ));
    let [dividend, buy] = &parsed.rows[..] else {
        panic!("{:?}", parsed.rows)
    };
    assert_eq!(dividend.activity_type, T::Dividend);
    assert_eq!(dividend.amount, Some(d("93.20976")));
    assert_eq!(dividend.source_id.as_deref(), Some("R1"));
    assert_eq!(buy.activity_type, T::Buy);
    assert_eq!(buy.quantity, Some(d("31.704")));
    assert_eq!(buy.unit_price, Some(d("2.94")));
    assert_eq!(buy.source_id.as_deref(), Some("R1:buy"));
    assert_eq!(buy.line, dividend.line);
    assert_eq!(buy.date, ymd(2024, 1, 25));
}

#[test]
fn ofx_transfers_in_and_out() {
    let transfer = |id: &str, units: &str, action: &str, cost: &str| {
        format!(
            "<TRANSFER><INVTRAN><FITID>{id}<DTTRADE>20240110</INVTRAN>{AAPL}\
             <SUBACCTSEC>CASH<UNITS>{units}<TFERACTION>{action}<POSTYPE>LONG{cost}</TRANSFER>\n"
        )
    };
    let parsed = read_ok(&statement(
        &[
            transfer("X1", "10", "IN", "<UNITPRICE>150"),
            transfer("X2", "4", "IN", "<AVGCOSTBASIS>500"),
            transfer("X3", "2", "IN", ""),
            transfer("X4", "-6", "OUT", "<UNITPRICE>190"),
        ]
        .concat(),
    ));
    let summary: Vec<_> = parsed
        .rows
        .iter()
        .map(|r| (r.activity_type, r.quantity.unwrap(), r.unit_price))
        .collect();
    assert_eq!(
        summary,
        [
            (T::TransferIn, d("10"), Some(d("150"))),
            (T::TransferIn, d("4"), Some(d("125"))),
            (T::TransferIn, d("2"), Some(Decimal::ZERO)),
            (T::TransferOut, d("6"), None),
        ]
    );
    assert!(parsed.rows.iter().all(|r| r.fee.is_none()));
}

#[test]
fn ofx_bank_transactions_expenses_and_margin_interest() {
    let bank = |id: &str, kind: &str, amount: &str| {
        format!(
            "<INVBANKTRAN><STMTTRN><TRNTYPE>{kind}<DTPOSTED>20240105<TRNAMT>{amount}\
             <FITID>{id}<NAME>Transfer {id}</STMTTRN><SUBACCTFUND>CASH</INVBANKTRAN>\n"
        )
    };
    let parsed = read_ok(&statement(
        &[
            bank("B1", "CREDIT", "1000.00"),
            bank("B2", "DEBIT", "-250"),
            bank("B3", "SRVCHG", "-8.485"),
            bank("B4", "INT", "1.02"),
            bank("B5", "FEE", "5"),
            "<INVEXPENSE><INVTRAN><FITID>E1<DTTRADE>20240106</INVTRAN>\
         <SECID><UNIQUEID>VTSAX<UNIQUEIDTYPE>CUSIP</SECID><TOTAL>-12\
         <SUBACCTSEC>CASH<SUBACCTFUND>CASH</INVEXPENSE>\n"
                .to_string(),
            "<MARGININTEREST><INVTRAN><FITID>M1<DTTRADE>20240131</INVTRAN>\
         <TOTAL>-3.33<SUBACCTFUND>MARGIN</MARGININTEREST>\n"
                .to_string(),
        ]
        .concat(),
    ));
    let summary: Vec<_> = parsed
        .rows
        .iter()
        .map(|r| {
            (
                r.activity_type,
                r.amount.unwrap(),
                r.source_id.clone().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (T::Deposit, d("1000.00"), "B1".to_string()),
            (T::Withdrawal, d("250"), "B2".to_string()),
            (T::Fee, d("8.485"), "B3".to_string()),
            (T::Interest, d("1.02"), "B4".to_string()),
            (T::Fee, d("12"), "E1".to_string()),
            (T::Fee, d("3.33"), "M1".to_string()),
        ]
    );
    assert_eq!(parsed.rows[0].notes.as_deref(), Some("Transfer B1"));
    assert_eq!(parsed.rows[0].line, 20);
    assert_eq!(
        parsed.rows[4].security.as_ref().unwrap().symbol.as_deref(),
        Some("VTSAX")
    );
    assert_eq!(parsed.rows[5].security, None);
    assert_eq!(parsed.ignored.len(), 1, "the refunded fee");
    assert_eq!(parsed.ignored[0].line, 24);
}

#[test]
fn ofx_split_and_journal_entries() {
    let parsed = read_ok(&statement(&format!(
        "<SPLIT><INVTRAN><FITID>SP1<DTTRADE>20240112</INVTRAN>{AAPL}<SUBACCTSEC>CASH\
         <OLDUNITS>10<NEWUNITS>40<NUMERATOR>4<DENOMINATOR>1<FRACCASH>0</SPLIT>
<JRNLSEC><INVTRAN><FITID>J1<DTTRADE>20240112</INVTRAN>{AAPL}\
         <SUBACCTTO>MARGIN<SUBACCTFROM>CASH<UNITS>10</JRNLSEC>
<JRNLFUND><INVTRAN><FITID>J2<DTTRADE>20240112</INVTRAN>\
         <SUBACCTTO>MARGIN<SUBACCTFROM>CASH<TOTAL>100</JRNLFUND>"
    )));
    let split = &parsed.rows[0];
    assert_eq!(parsed.rows.len(), 1);
    assert_eq!(split.activity_type, T::Split);
    assert_eq!(split.split_ratio, Some(SplitRatio::parse("4:1").unwrap()));
    assert_eq!(split.fx_rate, None);
    let lines: Vec<_> = parsed.ignored.iter().map(|i| i.line).collect();
    assert_eq!(lines, [21, 22]);
    assert!(parsed.ignored[0].reason.contains("shares"));
    assert!(parsed.ignored[1].reason.contains("cash"));
}

#[test]
fn ofx_foreign_currency_gives_the_rate_to_the_statement_currency() {
    let parsed = read_ok(&statement(&format!(
        "<BUYSTOCK><INVBUY><INVTRAN><FITID>F1<DTTRADE>20240115</INVTRAN>{AAPL}\
         <UNITS>1<UNITPRICE>100<TOTAL>-100<CURRENCY><CURRATE>1.0850<CURSYM>EUR</CURRENCY>\
         <SUBACCTSEC>CASH<SUBACCTFUND>CASH</INVBUY><BUYTYPE>BUY</BUYSTOCK>
<BUYSTOCK><INVBUY><INVTRAN><FITID>F2<DTTRADE>20240115</INVTRAN>{AAPL}\
         <UNITS>1<UNITPRICE>108.50<TOTAL>-108.50<ORIGCURRENCY><CURRATE>1.0850<CURSYM>EUR\
         </ORIGCURRENCY><SUBACCTSEC>CASH<SUBACCTFUND>CASH</INVBUY><BUYTYPE>BUY</BUYSTOCK>"
    )));
    let in_euros = &parsed.rows[0];
    assert_eq!(in_euros.currency.as_deref(), Some("EUR"));
    assert_eq!(in_euros.fx_rate, Some(d("1.0850")));
    let converted = &parsed.rows[1];
    assert_eq!(converted.currency.as_deref(), Some("USD"));
    assert_eq!(converted.fx_rate, None);
}

#[test]
fn ofx_xml_version_2_with_entities() {
    let xml = r#"<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX>
  <INVSTMTMSGSRSV1><INVSTMTTRNRS><INVSTMTRS>
    <CURDEF>CAD</CURDEF>
    <INVTRANLIST>
      <DTSTART>20240101</DTSTART><DTEND>20240131</DTEND>
      <INVBANKTRAN>
        <STMTTRN>
          <TRNTYPE>CREDIT</TRNTYPE>
          <DTPOSTED>20240102120000.000[-5:EST]</DTPOSTED>
          <TRNAMT>500.00</TRNAMT>
          <FITID>X&amp;1</FITID>
          <NAME>Smith &amp; Sons &lt;payroll&gt;</NAME>
        </STMTTRN>
        <SUBACCTFUND>CASH</SUBACCTFUND>
      </INVBANKTRAN>
    </INVTRANLIST>
  </INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1>
</OFX>
"#;
    assert!(looks_like(xml));
    let row = only_row(xml);
    assert_eq!(row.line, 8);
    assert_eq!(row.activity_type, T::Deposit);
    assert_eq!(row.date, ymd(2024, 1, 2));
    assert_eq!(row.amount, Some(d("500.00")));
    assert_eq!(row.currency.as_deref(), Some("CAD"));
    assert_eq!(row.source_id.as_deref(), Some("X&1"));
    assert_eq!(row.notes.as_deref(), Some("Smith & Sons <payroll>"));
}

#[test]
fn ofx_bad_number_is_an_error_on_its_line() {
    let parsed = read(&statement(&format!(
        "<BUYSTOCK><INVBUY><INVTRAN><FITID>T1<DTTRADE>20240115</INVTRAN>{AAPL}
<UNITS>10.5.1
<UNITPRICE>185.50<TOTAL>-1855</INVBUY><BUYTYPE>BUY</BUYSTOCK>
<BUYSTOCK><INVBUY><INVTRAN><FITID>T2<DTTRADE>2024-01-15</INVTRAN>{AAPL}\
<UNITS>1<UNITPRICE>1<TOTAL>-1</INVBUY><BUYTYPE>BUY</BUYSTOCK>
<BUYSTOCK><INVBUY><INVTRAN><FITID>T3<DTTRADE>20240115</INVTRAN>{AAPL}\
<UNITS>1<TOTAL>-1</INVBUY><BUYTYPE>BUY</BUYSTOCK>"
    )))
    .unwrap();
    assert!(parsed.rows.is_empty(), "{:?}", parsed.rows);
    let errors: Vec<_> = parsed
        .errors
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert_eq!(errors[0].0, 21);
    assert!(errors[0].1.contains("UNITS") && errors[0].1.contains("10.5.1"));
    assert_eq!(errors[1].0, 23);
    assert!(errors[1].1.contains("2024-01-15"));
    assert_eq!(errors[2].0, 24);
    assert!(errors[2].1.contains("UNITPRICE"));
}

#[test]
fn ofx_files_that_are_not_investment_statements_are_refused() {
    assert!(matches!(read("  \n"), Err(ImportError::Empty)));
    assert!(matches!(
        read("Date,Amount\n"),
        Err(ImportError::NotThisFormat {
            format: Format::Ofx,
            ..
        })
    ));
    let bank = format!(
        "{HEADER}<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD\
         <BANKTRANLIST></BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"
    );
    assert!(looks_like(&bank));
    assert!(matches!(
        read(&bank),
        Err(ImportError::NotThisFormat {
            format: Format::Ofx,
            ..
        })
    ));
    let broken = "<OFX>\n<INVSTMTRS>\n<A>\n</B>\n</INVSTMTRS>\n</OFX>";
    // `</B>` closes nothing; `<A>` becomes an empty leaf and the rest reads.
    assert!(read(broken).is_ok());
    match read("<OFX>\n<INVSTMTRS>\n<CURDEF>USD\n<INVTRANLIST") {
        Err(ImportError::Malformed { format, source }) => {
            assert_eq!(format, Format::Ofx);
            assert!(source.to_string().contains("line 4"), "{source}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn ofx_detection_from_content() {
    assert!(looks_like(&statement("")));
    assert!(looks_like("\u{feff}OFXHEADER:100\nDATA:OFXSGML\n"));
    assert!(!looks_like("<FlexQueryResponse queryName=\"x\">"));
    assert!(!looks_like("Date,Symbol,Quantity\n"));
}
