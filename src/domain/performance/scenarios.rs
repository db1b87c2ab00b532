//! Daily values and flows of small ledgers worked by hand, and the returns read from them.

use std::str::FromStr;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::*;
use crate::domain::ledger::{
    AccountLedger, Activity, ActivityType, CostBasisMethod, FlowKind, NoRates, SplitRatio,
};
use crate::domain::valuation::MissingKind;
use crate::domain::{CurrencyCode, QuoteUnit, Symbol};

const AAA: Uuid = Uuid::from_u128(0xAAA);
const ACCOUNT: Uuid = Uuid::from_u128(0xACC);

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn day(dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, dd).unwrap()
}

fn code(c: &str) -> CurrencyCode {
    CurrencyCode::parse(c).unwrap()
}

fn activity(
    n: u32,
    t: ActivityType,
    date: NaiveDate,
    fill: impl FnOnce(&mut Activity),
) -> Activity {
    let at = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap() + Duration::seconds(i64::from(n));
    let mut a = Activity {
        id: Uuid::from_u128(u128::from(n)),
        account_id: ACCOUNT,
        activity_type: t,
        date,
        security_id: None,
        quantity: None,
        unit_price: None,
        amount: None,
        fee: None,
        currency: "USD".into(),
        fx_rate: None,
        split_ratio: None,
        notes: None,
        external_id: None,
        created_at: at,
        updated_at: at,
    };
    fill(&mut a);
    a
}

fn buy(n: u32, date: NaiveDate, q: &str, price: &str) -> Activity {
    activity(n, ActivityType::Buy, date, |a| {
        a.security_id = Some(AAA);
        a.quantity = Some(d(q));
        a.unit_price = Some(d(price));
        a.fee = Some(Decimal::ZERO);
    })
}

fn cash(n: u32, t: ActivityType, date: NaiveDate, amount: &str) -> Activity {
    activity(n, t, date, |a| a.amount = Some(d(amount)))
}

/// AAA quoted in `unit` with the given closes and splits.
fn market(unit: &str, closes: &[(u32, &str)], splits: &[(u32, &str)]) -> Market {
    Market::from([(
        AAA,
        SecurityMarket {
            symbol: Symbol::parse("AAA").unwrap(),
            unit: QuoteUnit::parse(unit).ok(),
            closes: closes.iter().map(|(dd, c)| (day(*dd), d(c))).collect(),
            splits: splits.iter().map(|(dd, f)| (day(*dd), d(f))).collect(),
        },
    )])
}

fn history(activities: &[Activity], market: &Market, from: u32, to: u32) -> History {
    let usd = code("USD");
    let ledger = AccountLedger {
        currency: &usd,
        method: CostBasisMethod::Fifo,
        activities,
        statements: &[],
    };
    let days = Days {
        start: day(from),
        end: day(to),
    };
    account_history(ACCOUNT, ledger, &NoRates, market, days).unwrap()
}

fn values(h: &History) -> Vec<Decimal> {
    h.days.iter().map(|p| p.value).collect()
}

#[test]
fn a_split_inside_the_range_keeps_the_value_continuous() {
    // 10 AAA bought at 100 on 1 March with 1000 deposited. AAA splits 2:1 on 4 March: the
    // stored closes are split-adjusted, so 50 before and after. Before the split the position
    // is 10 x 50 x 2 (the split after the day) = 1000; from the split on, 20 x 50 = 1000. The
    // value never jumps: every day is 1000, the twr is 0.
    let activities = [
        cash(1, ActivityType::Deposit, day(1), "1000"),
        buy(2, day(1), "10", "100"),
        activity(3, ActivityType::Split, day(4), |a| {
            a.security_id = Some(AAA);
            a.split_ratio = Some(SplitRatio::parse("2:1").unwrap());
        }),
    ];
    let m = market(
        "USD",
        &[(1, "50"), (2, "50"), (3, "50"), (4, "50"), (5, "50")],
        &[(4, "2")],
    );
    let h = history(&activities, &m, 1, 6);
    assert_eq!(values(&h), vec![d("1000"); 6]);
    let r = returns(&h.days).unwrap();
    assert_eq!(r.twr, Decimal::ZERO);
    assert!(h.complete());
}

#[test]
fn a_dividend_is_a_return_not_a_flow() {
    // 1000 deposited and 10 AAA bought at 100 on 1 March (cash 0); AAA closes at 100 each
    // day. A dividend of 20 on 3 March raises the cash to 20: V = 1000, 1000, 1020.
    // twr = 1020 / 1000 - 1 = 0.02; no flow after the first day; income 20; gain 20.
    let activities = [
        cash(1, ActivityType::Deposit, day(1), "1000"),
        buy(2, day(1), "10", "100"),
        activity(3, ActivityType::Dividend, day(3), |a| {
            a.security_id = Some(AAA);
            a.amount = Some(d("20"));
        }),
    ];
    let m = market("USD", &[(1, "100")], &[]);
    let h = history(&activities, &m, 1, 3);
    assert_eq!(values(&h), vec![d("1000"), d("1000"), d("1020")]);
    assert!(h.flows.is_empty());
    assert_eq!(h.income(), d("20"));
    let r = returns(&h.days).unwrap();
    assert_eq!(r.twr, d("0.02"));
    assert_eq!(r.gain, d("20"));
}

#[test]
fn an_implicit_deposit_is_a_flow_of_its_day() {
    // 1000 deposited on 1 March; on 2 March 15 AAA are bought at 100 (1500): the cash covers
    // 1000 and the other 500 is an implicit deposit of that day. AAA closes at 100 on 2 March
    // and 110 on 3 March.
    // V(1) = 1000 (cash); V(2) = 1500 (cash 0); V(3) = 15 x 110 = 1650.
    // r(2) = 1500 / (1000 + 500) - 1 = 0; r(3) = 1650 / 1500 - 1 = 0.1; twr = 0.1.
    // gain = 1650 - 1000 - 500 = 150.
    let activities = [
        cash(1, ActivityType::Deposit, day(1), "1000"),
        buy(2, day(2), "15", "100"),
    ];
    let m = market("USD", &[(2, "100"), (3, "110")], &[]);
    let h = history(&activities, &m, 1, 3);
    assert_eq!(values(&h), vec![d("1000"), d("1500"), d("1650")]);
    assert_eq!(h.flows.len(), 1);
    assert_eq!(h.flows[0].kind, FlowKind::ImplicitDeposit);
    assert_eq!(h.flows[0].amount, Some(d("500")));
    let r = returns(&h.days).unwrap();
    assert_eq!(r.twr, d("0.1"));
    assert_eq!(r.net_flows, d("500"));
    assert_eq!(r.gain, d("150"));
}

#[test]
fn a_position_without_a_close_is_left_out_and_listed() {
    // 10 AAA bought on 1 March with 1000 deposited, but AAA's first close is on 3 March
    // (105). 1 and 2 March value only the cash, 0; from 3 March 10 x 105 = 1050. The
    // position is listed as unpriced for 1 to 2 March, never counted as 0 silently.
    let activities = [
        cash(1, ActivityType::Deposit, day(1), "1000"),
        buy(2, day(1), "10", "100"),
    ];
    let m = market("USD", &[(3, "105")], &[]);
    let h = history(&activities, &m, 1, 4);
    assert_eq!(values(&h), vec![d("0"), d("0"), d("1050"), d("1050")]);
    assert_eq!(h.missing.len(), 1);
    let span = &h.missing[0];
    assert_eq!(span.missing.kind, MissingKind::Price);
    assert_eq!((span.from, span.to), (day(1), day(2)));
    assert!(!h.complete());
}

#[test]
fn pence_closes_are_valued_in_pounds() {
    // 10 AAA quoted in GBp at 250p on a GBP account: 10 x 250 / 100 = 25 GBP.
    let gbp = code("GBP");
    let activities = [activity(1, ActivityType::TransferIn, day(1), |a| {
        a.security_id = Some(AAA);
        a.quantity = Some(d("10"));
        a.unit_price = Some(d("240"));
        a.currency = "GBp".into();
    })];
    let ledger = AccountLedger {
        currency: &gbp,
        method: CostBasisMethod::Fifo,
        activities: &activities,
        statements: &[],
    };
    let m = market("GBp", &[(1, "250")], &[]);
    let days = Days {
        start: day(1),
        end: day(1),
    };
    let h = account_history(ACCOUNT, ledger, &NoRates, &m, days).unwrap();
    assert_eq!(values(&h), vec![d("25")]);
}

#[test]
fn a_base_currency_without_rates_at_first_is_listed_not_zeroed() {
    // A EUR account worth 1000 EUR each day, read in a USD base; the first EUR->USD rate
    // (1.1) is dated 3 March. 1 and 2 March cannot be converted: left out (0 in the sum) and
    // listed for those two days; from 3 March 1100 USD. The jump is not a return: r(3) has
    // the divisor V(2) + F(3) = 0, so 0.
    let eur = code("EUR");
    let usd = code("USD");
    let activities = [activity(1, ActivityType::Deposit, day(1), |a| {
        a.amount = Some(d("1000"));
        a.currency = "EUR".into();
    })];
    let ledger = AccountLedger {
        currency: &eur,
        method: CostBasisMethod::Fifo,
        activities: &activities,
        statements: &[],
    };
    let days = Days {
        start: day(1),
        end: day(4),
    };
    let account = account_history(ACCOUNT, ledger, &NoRates, &Market::new(), days).unwrap();
    let rates = |from: &CurrencyCode, to: &CurrencyCode, on: NaiveDate| {
        (from.as_str() == "EUR" && to.as_str() == "USD" && on >= day(3)).then(|| d("1.1"))
    };
    let p = portfolio_history(&usd, &[(ACCOUNT, account)], &rates, days);
    assert_eq!(values(&p), vec![d("0"), d("0"), d("1100.0"), d("1100.0")]);
    assert_eq!(p.missing.len(), 1);
    assert_eq!(p.missing[0].missing.kind, MissingKind::Fx);
    assert_eq!((p.missing[0].from, p.missing[0].to), (day(1), day(2)));
    let r = returns(&p.days).unwrap();
    assert_eq!(r.twr, Decimal::ZERO);
}
