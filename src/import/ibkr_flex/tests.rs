//! Worked examples: small Flex statements, one section at a time.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{looks_like, read, read_for_account};
use crate::domain::ledger::{ActivityType as T, SplitRatio};
use crate::import::{Format, ImportError, Parsed};

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn ymd(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A statement of an account whose base currency is EUR, with `sections`; the first line of
/// `sections` is line 5.
fn statement(sections: &str) -> String {
    format!(
        r#"<FlexQueryResponse queryName="All" type="AF">
<FlexStatements count="1">
<FlexStatement accountId="U1234567" fromDate="20240101" toDate="20240131" period="LastMonth" whenGenerated="20240201;010203">
<AccountInformation accountId="U1234567" currency="EUR" />
{sections}
</FlexStatement>
</FlexStatements>
</FlexQueryResponse>
"#
    )
}

fn read_ok(text: &str) -> Parsed {
    let parsed = read(text).unwrap();
    assert_eq!(parsed.format, Format::IbkrFlex);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    parsed
}

fn trade(attributes: &str) -> String {
    format!(
        r#"<Trade accountId="U1234567" currency="USD" fxRateToBase="0.92" assetCategory="STK" symbol="AAPL" description="APPLE INC" conid="265598" securityID="US0378331005" securityIDType="ISIN" cusip="" isin="US0378331005" multiplier="1" {attributes} />"#
    )
}

#[test]
fn ibkr_flex_trades_buy_and_sell() {
    let text = statement(&format!(
        "<Trades>\n{}\n{}\n</Trades>",
        trade(
            r#"tradeID="11" transactionID="101" tradeDate="20240115" dateTime="20240115;093000" quantity="10" tradePrice="185.5" ibCommission="-1" ibCommissionCurrency="USD" taxes="0" buySell="BUY" levelOfDetail="EXECUTION""#
        ),
        trade(
            r#"tradeID="12" transactionID="" tradeDate="2024-01-16" quantity="-4" tradePrice="190" ibCommission="-1.05" ibCommissionCurrency="USD" taxes="-0.02" buySell="SELL" levelOfDetail="EXECUTION""#
        ),
    ));
    let parsed = read_ok(&text);
    let [buy, sell] = &parsed.rows[..] else {
        panic!("{:?}", parsed.rows)
    };
    assert_eq!(buy.line, 6);
    assert_eq!(buy.activity_type, T::Buy);
    assert_eq!(buy.date, ymd(2024, 1, 15));
    assert_eq!(buy.quantity, Some(d("10")));
    assert_eq!(buy.unit_price, Some(d("185.5")));
    assert_eq!(buy.fee, Some(d("1")));
    assert_eq!(buy.currency.as_deref(), Some("USD"));
    assert_eq!(buy.fx_rate, None, "the account's currency is not known");
    assert_eq!(buy.source_id.as_deref(), Some("101"));
    let security = buy.security.as_ref().unwrap();
    assert_eq!(security.symbol.as_deref(), Some("AAPL"));
    assert_eq!(security.isin.as_deref(), Some("US0378331005"));
    assert_eq!(security.name.as_deref(), Some("APPLE INC"));
    assert_eq!(sell.activity_type, T::Sell);
    assert_eq!(sell.date, ymd(2024, 1, 16));
    assert_eq!(sell.quantity, Some(d("4")));
    assert_eq!(sell.fee, Some(d("1.07")));
    assert_eq!(
        sell.source_id.as_deref(),
        Some("12"),
        "tradeID without a transactionID"
    );
}

#[test]
fn ibkr_flex_rate_to_base_is_the_rate_of_an_account_in_the_base_currency() {
    let text = statement(&format!(
        "<Trades>\n{}\n</Trades>\n<CashTransactions>\n{}\n{}\n</CashTransactions>",
        trade(r#"tradeDate="20240115" quantity="1" tradePrice="100" buySell="BUY""#),
        r#"<CashTransaction type="Deposits/Withdrawals" currency="EUR" fxRateToBase="1" amount="500" dateTime="20240102" description="CASH RECEIPTS" transactionID="7" />"#,
        r#"<CashTransaction type="Broker Interest Received" currency="USD" fxRateToBase="0.91" amount="1.5" dateTime="20240105" description="USD CREDIT INT" transactionID="8" />"#,
    ));
    let in_euros = read_for_account(&text, Some("eur")).unwrap();
    let rates: Vec<_> = in_euros.rows.iter().map(|r| r.fx_rate).collect();
    assert_eq!(rates, [Some(d("0.92")), None, Some(d("0.91"))]);
    let in_dollars = read_for_account(&text, Some("USD")).unwrap();
    assert!(in_dollars.rows.iter().all(|r| r.fx_rate.is_none()));

    // Without AccountInformation the base currency is the one whose rate is 1.
    let unnamed = text.replace(
        r#"<AccountInformation accountId="U1234567" currency="EUR" />"#,
        "",
    );
    let inferred = read_for_account(&unnamed, Some("EUR")).unwrap();
    assert_eq!(inferred.rows[0].fx_rate, Some(d("0.92")));
}

#[test]
fn ibkr_flex_options_cost_the_multiplier_and_commission_elsewhere_is_its_own_fee() {
    let text = statement(&format!(
        "<Trades>\n{}\n{}\n</Trades>",
        r#"<Trade currency="USD" assetCategory="OPT" symbol="AAPL  240119C00200000" description="AAPL 19JAN24 200 C" conid="1" multiplier="100" tradeID="31" tradeDate="20240110" quantity="2" tradePrice="1.25" ibCommission="-1.3" ibCommissionCurrency="USD" buySell="BUY" />"#,
        r#"<Trade currency="GBP" assetCategory="STK" symbol="VOD" description="VODAFONE" conid="2" tradeID="32" tradeDate="20240110" quantity="100" tradePrice="0.7" ibCommission="-3" ibCommissionCurrency="EUR" taxes="-0.35" buySell="BUY" />"#,
    ));
    let parsed = read_ok(&text);
    let [option, vodafone, commission] = &parsed.rows[..] else {
        panic!("{:?}", parsed.rows)
    };
    assert_eq!(option.unit_price, Some(d("125")));
    assert_eq!(option.quantity, Some(d("2")));
    assert_eq!(vodafone.fee, Some(d("0.35")), "stamp duty only");
    assert_eq!(commission.activity_type, T::Fee);
    assert_eq!(commission.amount, Some(d("3")));
    assert_eq!(commission.currency.as_deref(), Some("EUR"));
    assert_eq!(commission.source_id.as_deref(), Some("32:commission"));
    assert_eq!(commission.line, vodafone.line);
}

#[test]
fn ibkr_flex_cancellations_take_their_trade_with_them() {
    let text = statement(&format!(
        "<Trades>\n{}\n{}\n{}\n{}\n</Trades>",
        trade(
            r#"tradeID="41" transactionID="401" tradeDate="20240110" quantity="5" tradePrice="180" buySell="BUY""#
        ),
        trade(
            r#"tradeID="" transactionID="402" tradeDate="20240110" quantity="-5" tradePrice="180" buySell="BUY (Ca.)" transactionType="TradeCancel" origTradeID="41" origTradeDate="20240110" origTradePrice="180""#
        ),
        trade(
            r#"tradeID="43" transactionID="403" tradeDate="20240111" quantity="-2" tradePrice="181" buySell="SELL""#
        ),
        trade(
            r#"tradeID="" transactionID="404" tradeDate="20240112" quantity="3" tradePrice="170" buySell="SELL (Ca.)" origTradeID="99" origTradeDate="20231229""#
        ),
    ));
    let parsed = read_ok(&text);
    assert_eq!(parsed.rows.len(), 1);
    assert_eq!(parsed.rows[0].source_id.as_deref(), Some("403"));
    let ignored: Vec<_> = parsed
        .ignored
        .iter()
        .map(|i| (i.line, i.reason.as_str()))
        .collect();
    assert_eq!(ignored.len(), 3, "{ignored:?}");
    assert_eq!(ignored[0], (6, "cancelled by line 7"));
    assert_eq!(ignored[1], (7, "cancels the trade at line 6"));
    assert_eq!(ignored[2].0, 9);
    assert!(ignored[2].1.contains("not in this file (trade 99)"));

    // Without ids, the trade of the same security, side, date, quantity and price.
    let no_ids = text
        .replace(r#"origTradeID="41""#, "")
        .replace(r#"tradeID="41""#, "");
    let parsed = read_ok(&no_ids);
    assert_eq!(parsed.rows.len(), 1);
    assert_eq!(
        parsed.ignored[0],
        crate::import::Ignored {
            line: 6,
            reason: "cancelled by line 7".into()
        }
    );
}

#[test]
fn ibkr_flex_orders_are_read_only_without_their_executions() {
    let text = statement(&format!(
        "<Trades>\n{}\n{}\n{}\n{}\n</Trades>",
        trade(
            r#"ibOrderID="7" tradeDate="20240110" quantity="5" tradePrice="180" buySell="BUY" levelOfDetail="ORDER""#
        ),
        trade(
            r#"ibOrderID="7" tradeID="1" tradeDate="20240110" quantity="5" tradePrice="180" buySell="BUY" levelOfDetail="EXECUTION""#
        ),
        r#"<Order currency="USD" symbol="MSFT" conid="9" ibOrderID="8" tradeDate="20240111" quantity="1" tradePrice="400" buySell="BUY" levelOfDetail="ORDER" />"#,
        trade(
            r#"tradeDate="20240110" quantity="5" tradePrice="180" buySell="BUY" levelOfDetail="SYMBOL_SUMMARY""#
        ),
    ));
    let parsed = read_ok(&text);
    let lines: Vec<_> = parsed.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [7, 8]);
    assert_eq!(parsed.ignored.len(), 1);
    assert_eq!(parsed.ignored[0].line, 6);
}

fn cash(type_: &str, amount: &str, date: &str, extra: &str) -> String {
    format!(
        r#"<CashTransaction type="{type_}" currency="USD" fxRateToBase="0.9" assetCategory="STK" symbol="AAPL" conid="265598" isin="US0378331005" description="{type_} {amount}" amount="{amount}" dateTime="{date}" {extra} />"#
    )
}

#[test]
fn ibkr_flex_withholding_goes_into_the_dividend_of_its_security_and_date() {
    let lines = [
        cash("Dividends", "24", "20240115;202000", r#"transactionID="1""#),
        cash(
            "Withholding Tax",
            "-3.6",
            "20240115;202000",
            r#"transactionID="2""#,
        ),
        cash("Payment In Lieu Of Dividends", "10", "20240215", ""),
        cash("Dividends", "5", "20240215", ""),
        cash("Withholding Tax", "-1.5", "20240215", ""),
        cash("Withholding Tax", "-0.75", "20240215", ""),
        cash(
            "Withholding Tax",
            "-0.5",
            "20240301",
            r#"transactionID="7""#,
        ),
        cash("Withholding Tax", "0.4", "20240301", ""),
    ];
    let text = statement(&format!(
        "<CashTransactions>\n{}\n</CashTransactions>",
        lines.join("\n")
    ));
    let parsed = read_ok(&text);
    let rows: Vec<_> = parsed
        .rows
        .iter()
        .map(|r| (r.line, r.activity_type, r.amount.unwrap(), r.fee))
        .collect();
    assert_eq!(
        rows,
        [
            (6, T::Dividend, d("24"), Some(d("3.6"))),
            (8, T::Dividend, d("10"), Some(d("1.5"))),
            (9, T::Dividend, d("5"), Some(d("0.75"))),
            (12, T::Tax, d("0.5"), None),
        ]
    );
    let dividend = &parsed.rows[0];
    assert_eq!(dividend.source_id.as_deref(), Some("1"));
    assert_eq!(dividend.notes.as_deref(), Some("Dividends 24"));
    assert_eq!(
        dividend.security.as_ref().unwrap().isin.as_deref(),
        Some("US0378331005")
    );
    assert_eq!(parsed.rows[3].source_id.as_deref(), Some("7"));
    let ignored: Vec<_> = parsed.ignored.iter().map(|i| i.line).collect();
    assert_eq!(ignored, [7, 10, 11, 13]);
    assert!(parsed.ignored[0].reason.contains("dividend at line 6"));
    assert!(parsed.ignored[3].reason.contains("refunds 0.4"));
}

#[test]
fn ibkr_flex_reversals_cancel_what_they_reverse() {
    let lines = [
        cash("Dividends", "20", "20240115", ""),
        cash("Dividends", "-20", "20240120", ""),
        cash("Dividends", "21", "20240120", ""),
        r#"<CashTransaction type="Other Fees" currency="USD" amount="-9.18" dateTime="20240103" description="BUNDLE" />"#.to_string(),
        r#"<CashTransaction type="Other Fees" currency="USD" amount="9.18" dateTime="20240103" description="BUNDLE" />"#.to_string(),
        r#"<CashTransaction type="Other Fees" currency="USD" amount="2" dateTime="20240104" description="REFUND" />"#.to_string(),
    ];
    let text = statement(&format!(
        "<CashTransactions>\n{}\n</CashTransactions>",
        lines.join("\n")
    ));
    let parsed = read_ok(&text);
    assert_eq!(parsed.rows.len(), 1);
    assert_eq!(parsed.rows[0].amount, Some(d("21")));
    let ignored: Vec<_> = parsed
        .ignored
        .iter()
        .map(|i| (i.line, i.reason.as_str()))
        .collect();
    assert_eq!(ignored[0], (6, "reversed by line 7"));
    assert_eq!(ignored[1], (7, "reverses line 6"));
    assert_eq!(ignored[2], (9, "reversed by line 10"));
    assert_eq!(ignored[3], (10, "reverses line 9"));
    assert_eq!(ignored[4].0, 11);
    assert!(ignored[4].1.contains("refunds a fee of 2"));
}

#[test]
fn ibkr_flex_interest_fees_and_cash_moves() {
    let row = |type_: &str, amount: &str| {
        format!(
            r#"<CashTransaction type="{type_}" currency="EUR" fxRateToBase="1" amount="{amount}" dateTime="2024-01-05, 20:20:00" description="{type_}" transactionID="{amount}" />"#
        )
    };
    let text = statement(&format!(
        "<CashTransactions>\n{}\n</CashTransactions>",
        [
            row("Broker Interest Received", "1.23"),
            row("Broker Interest Paid", "-15.17"),
            row("Other Fees", "-10"),
            row("Commission Adjustments", "-0.5"),
            row("Deposits/Withdrawals", "999"),
            row("Deposits/Withdrawals", "-250"),
            row("Price Adjustments", "3"),
            row("Deposits/Withdrawals", "0"),
        ]
        .join("\n")
    ));
    let parsed = read_ok(&text);
    let rows: Vec<_> = parsed
        .rows
        .iter()
        .map(|r| (r.activity_type, r.amount.unwrap(), r.security.is_none()))
        .collect();
    assert_eq!(
        rows,
        [
            (T::Interest, d("1.23"), true),
            (T::Fee, d("15.17"), true),
            (T::Fee, d("10"), true),
            (T::Fee, d("0.5"), true),
            (T::Deposit, d("999"), true),
            (T::Withdrawal, d("250"), true),
        ]
    );
    assert!(parsed.rows.iter().all(|r| r.date == ymd(2024, 1, 5)));
    let ignored: Vec<_> = parsed.ignored.iter().map(|i| i.line).collect();
    assert_eq!(ignored, [12, 13]);
    assert!(parsed.ignored[0].reason.contains("Price Adjustments"));
}

#[test]
fn ibkr_flex_summary_lines_beside_details_are_passed_over() {
    let text = statement(&format!(
        "<CashTransactions>\n{}\n{}\n</CashTransactions>",
        cash("Dividends", "24", "20240115", r#"levelOfDetail="SUMMARY""#),
        cash("Dividends", "24", "20240115", r#"levelOfDetail="DETAIL""#),
    ));
    let parsed = read_ok(&text);
    assert_eq!(parsed.rows.len(), 1);
    assert_eq!(parsed.rows[0].line, 7);
    assert_eq!(parsed.ignored[0].line, 6);
}

#[test]
fn ibkr_flex_splits_from_corporate_actions() {
    let text = statement(
        r#"<CorporateActions>
<CorporateAction assetCategory="STK" currency="CAD" symbol="GCM" isin="CA38501D2041" conid="1" reportDate="20130219" dateTime="20130219;202500" description="GCM(CA38501D2041) SPLIT 1 FOR 25 (GCM, GRAN COLOMBIA GOLD CORP, CA38501D5010)" type="RS" quantity="-12000" transactionID="91" />
<CorporateAction assetCategory="STK" currency="CAD" symbol="GCM" isin="CA38501D5010" conid="2" reportDate="20130219" dateTime="20130219;202500" description="GCM(CA38501D2041) SPLIT 1 FOR 25 (GCM, GRAN COLOMBIA GOLD CORP, CA38501D5010)" type="RS" quantity="480" transactionID="92" />
<CorporateAction assetCategory="STK" currency="CAD" symbol="UUU" isin="CA91701P1053" conid="3" reportDate="20130305" dateTime="20130305" description="UUU(CA91701P1053) TENDERED TO CA91701P1TN3 1 FOR 1" type="TC" quantity="-12000" transactionID="93" />
</CorporateActions>"#,
    );
    let parsed = read_ok(&text);
    let [split] = &parsed.rows[..] else {
        panic!("{:?}", parsed.rows)
    };
    assert_eq!(split.activity_type, T::Split);
    assert_eq!(split.date, ymd(2013, 2, 19));
    assert_eq!(split.split_ratio, Some(SplitRatio::parse("1:25").unwrap()));
    let security = split.security.as_ref().unwrap();
    assert_eq!(security.symbol.as_deref(), Some("GCM"));
    assert_eq!(security.isin.as_deref(), Some("CA38501D2041"));
    assert_eq!(split.source_id.as_deref(), Some("91"));
    let ignored: Vec<_> = parsed.ignored.iter().map(|i| i.line).collect();
    assert_eq!(ignored, [7, 8]);
    assert!(parsed.ignored[1].reason.contains("TC"));
}

#[test]
fn ibkr_flex_bad_values_are_errors_on_their_line() {
    let text = statement(&format!(
        "<Trades>\n{}\n{}\n{}\n</Trades>",
        trade(r#"tradeDate="20240115" quantity="1.0.0" tradePrice="185.5" buySell="BUY""#),
        trade(r#"tradeDate="01/15/2024" quantity="1" tradePrice="185.5" buySell="BUY""#),
        trade(r#"tradeDate="20240115" quantity="1" buySell="BUY""#),
    ));
    let parsed = read(&text).unwrap();
    assert!(parsed.rows.is_empty());
    let errors: Vec<_> = parsed.errors.iter().map(|e| e.line).collect();
    assert_eq!(errors, [6, 7, 8]);
    assert!(parsed.errors[0].message.contains("quantity"));
    assert!(parsed.errors[1].message.contains("yyyyMMdd"));
    assert!(parsed.errors[2].message.contains("tradePrice"));
}

#[test]
fn ibkr_flex_other_documents_are_refused() {
    assert!(matches!(read(""), Err(ImportError::Empty)));
    assert!(matches!(
        read("<OFX><SIGNONMSGSRSV1/></OFX>"),
        Err(ImportError::NotThisFormat {
            format: Format::IbkrFlex,
            ..
        })
    ));
    match read("<FlexQueryResponse>\n<FlexStatements>\n<FlexStatement>\n</FlexStatements>") {
        Err(ImportError::Malformed { format, source }) => {
            assert_eq!(format, Format::IbkrFlex);
            assert!(source.to_string().contains("line 4"), "{source}");
        }
        other => panic!("{other:?}"),
    }
    assert!(looks_like(&statement("")));
    assert!(!looks_like("OFXHEADER:100\n<OFX>"));
}
