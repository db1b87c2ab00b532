//! Whole ledgers worked by hand: each test writes out the arithmetic it expects.

use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::*;
use crate::domain::CurrencyCode;

const AAA: Uuid = Uuid::from_u128(0xAAA);
const BBB: Uuid = Uuid::from_u128(0xBBB);
const CCC: Uuid = Uuid::from_u128(0xCCC);
const ACCOUNT: Uuid = Uuid::from_u128(0xACC);

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn day(m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, m, dd).unwrap()
}

fn code(c: &str) -> CurrencyCode {
    CurrencyCode::parse(c).unwrap()
}

/// One account's inputs, written activity by activity; creation times follow the order the
/// test writes them in.
struct Book {
    currency: CurrencyCode,
    activities: Vec<Activity>,
    statements: Vec<PositionStatement>,
    written: u32,
}

impl Book {
    fn new(currency: &str) -> Self {
        Self {
            currency: code(currency),
            activities: Vec::new(),
            statements: Vec::new(),
            written: 0,
        }
    }

    fn next_time(&mut self) -> (Uuid, DateTime<Utc>) {
        self.written += 1;
        let at = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap()
            + Duration::seconds(i64::from(self.written));
        (Uuid::from_u128(u128::from(self.written)), at)
    }

    fn add(
        &mut self,
        activity_type: ActivityType,
        date: NaiveDate,
        fill: impl FnOnce(&mut Activity),
    ) -> Uuid {
        let (id, at) = self.next_time();
        let mut a = Activity {
            id,
            account_id: ACCOUNT,
            activity_type,
            date,
            security_id: None,
            quantity: None,
            unit_price: None,
            amount: None,
            fee: None,
            currency: self.currency.to_string(),
            fx_rate: None,
            split_ratio: None,
            notes: None,
            external_id: None,
            created_at: at,
            updated_at: at,
        };
        fill(&mut a);
        self.activities.push(a);
        id
    }

    fn trade(
        &mut self,
        t: ActivityType,
        date: NaiveDate,
        security: Uuid,
        quantity: &str,
        price: &str,
        fee: &str,
    ) -> Uuid {
        self.add(t, date, |a| {
            a.security_id = Some(security);
            a.quantity = Some(d(quantity));
            a.unit_price = Some(d(price));
            a.fee = Some(d(fee));
        })
    }

    fn buy(&mut self, date: NaiveDate, security: Uuid, q: &str, price: &str, fee: &str) -> Uuid {
        self.trade(ActivityType::Buy, date, security, q, price, fee)
    }

    fn sell(&mut self, date: NaiveDate, security: Uuid, q: &str, price: &str, fee: &str) -> Uuid {
        self.trade(ActivityType::Sell, date, security, q, price, fee)
    }

    fn cash(&mut self, t: ActivityType, date: NaiveDate, amount: &str) -> Uuid {
        self.add(t, date, |a| a.amount = Some(d(amount)))
    }

    fn statement(&mut self, date: NaiveDate, security: Uuid, shares: &str, price: &str) -> Uuid {
        let (id, at) = self.next_time();
        self.statements.push(PositionStatement {
            id,
            security_id: security,
            date,
            shares: d(shares),
            average_price: d(price),
            currency: self.currency.to_string(),
            created_at: at,
        });
        id
    }

    fn account(&self, method: CostBasisMethod) -> AccountLedger<'_> {
        AccountLedger {
            currency: &self.currency,
            method,
            activities: &self.activities,
            statements: &self.statements,
        }
    }

    fn replay_with(
        &self,
        method: CostBasisMethod,
        rates: &impl RateSource,
    ) -> Result<LedgerSnapshot, LedgerError> {
        ledger_as_of(self.account(method), rates, day(12, 31))
    }

    fn replay(&self, method: CostBasisMethod) -> LedgerSnapshot {
        self.replay_with(method, &NoRates).unwrap()
    }
}

fn position(s: &LedgerSnapshot, security: Uuid) -> &Position {
    s.positions
        .iter()
        .find(|p| p.security_id == security)
        .unwrap()
}

fn lots(p: &Position) -> Vec<(NaiveDate, Decimal, Option<Decimal>)> {
    p.lots
        .iter()
        .map(|l| (l.opened, l.quantity, l.cost))
        .collect()
}

/// 10 @ 10 on Jan 1 (cost 100), 10 @ 30 on Feb 1 (cost 300), 10 @ 20 on Mar 1 (cost 200),
/// then 15 sold @ 40 on Apr 1: proceeds 15 x 40 = 600.
fn three_buys_and_a_sale() -> (Book, Uuid) {
    let mut b = Book::new("USD");
    b.buy(day(1, 1), AAA, "10", "10", "0");
    b.buy(day(2, 1), AAA, "10", "30", "0");
    b.buy(day(3, 1), AAA, "10", "20", "0");
    let sale = b.sell(day(4, 1), AAA, "15", "40", "0");
    (b, sale)
}

#[test]
fn fifo_sells_the_oldest_lots_first() {
    // Closes all of Jan 1 (10, cost 100) and 5 of Feb 1 (5 x 30 = 150): cost 250,
    // gain 600 - 250 = 350. Left: 5 of Feb 1 (150) and 10 of Mar 1 (200) = 350.
    let (b, sale) = three_buys_and_a_sale();
    let s = b.replay(CostBasisMethod::Fifo);
    let row = &s.realized_gains[0];
    assert_eq!(row.activity_id, sale);
    assert_eq!(
        (row.proceeds, row.cost, row.gain),
        (Some(d("600")), Some(d("250")), Some(d("350")))
    );
    let p = position(&s, AAA);
    assert_eq!(
        lots(p),
        vec![
            (day(2, 1), d("5"), Some(d("150"))),
            (day(3, 1), d("10"), Some(d("200")))
        ]
    );
    assert_eq!((p.quantity, p.cost_basis), (d("15"), d("350")));
    assert_eq!(p.realized_gain, d("350"));
    // 350 / 15 = 23.3333333333 (10 places).
    assert_eq!(p.average_cost, Some(d("23.3333333333")));
}

#[test]
fn lifo_sells_the_newest_lots_first() {
    // Closes all of Mar 1 (200) and 5 of Feb 1 (150): cost 350, gain 600 - 350 = 250.
    // Left: 10 of Jan 1 (100) and 5 of Feb 1 (150) = 250.
    let (b, _) = three_buys_and_a_sale();
    let s = b.replay(CostBasisMethod::Lifo);
    let row = &s.realized_gains[0];
    assert_eq!((row.cost, row.gain), (Some(d("350")), Some(d("250"))));
    let p = position(&s, AAA);
    assert_eq!(
        lots(p),
        vec![
            (day(1, 1), d("10"), Some(d("100"))),
            (day(2, 1), d("5"), Some(d("150")))
        ]
    );
    assert_eq!(p.cost_basis, d("250"));
}

#[test]
fn hifo_sells_the_dearest_lots_first() {
    // Closes all of Feb 1 (30 a share, 300) and 5 of Mar 1 (20 a share, 100): cost 400,
    // gain 600 - 400 = 200. Left: 10 of Jan 1 (100) and 5 of Mar 1 (100) = 200.
    let (b, _) = three_buys_and_a_sale();
    let s = b.replay(CostBasisMethod::Hifo);
    let row = &s.realized_gains[0];
    assert_eq!((row.cost, row.gain), (Some(d("400")), Some(d("200"))));
    assert_eq!(
        row.lots
            .iter()
            .map(|l| (l.opened, l.quantity))
            .collect::<Vec<_>>(),
        vec![(day(2, 1), d("10")), (day(3, 1), d("5"))]
    );
    let p = position(&s, AAA);
    assert_eq!(
        lots(p),
        vec![
            (day(1, 1), d("10"), Some(d("100"))),
            (day(3, 1), d("5"), Some(d("100")))
        ]
    );
    assert_eq!(p.cost_basis, d("200"));
}

#[test]
fn average_pools_every_buy() {
    // One pool: 30 shares costing 100 + 300 + 200 = 600, 20 a share. The sale removes
    // 15 x 20 = 300: gain 600 - 300 = 300. Left: 15 shares costing 300, still 20 a share.
    let (b, _) = three_buys_and_a_sale();
    let s = b.replay(CostBasisMethod::Average);
    let row = &s.realized_gains[0];
    assert_eq!((row.cost, row.gain), (Some(d("300")), Some(d("300"))));
    let p = position(&s, AAA);
    assert_eq!(lots(p), vec![(day(1, 1), d("15"), Some(d("300")))]);
    assert_eq!(p.average_cost, Some(d("20")));
    assert_eq!(p.lots[0].cost_per_unit, Some(d("20")));
}

#[test]
fn a_sale_across_three_lots_with_fees() {
    // Lots: 10 @ 5 + fee 1 = 51; 20 @ 6 + fee 2 = 122; 30 @ 7 + fee 3 = 213.
    // Sell 45 @ 8 with fee 4.5: proceeds 45 x 8 - 4.5 = 355.5.
    // FIFO closes 10 (51), 20 (122) and 15 of 30 (213 x 15 / 30 = 106.5): cost 279.5.
    // Gain 355.5 - 279.5 = 76. Left: 15 shares costing 213 - 106.5 = 106.5, 7.1 a share.
    let mut b = Book::new("USD");
    b.buy(day(1, 2), AAA, "10", "5", "1");
    b.buy(day(1, 3), AAA, "20", "6", "2");
    b.buy(day(1, 4), AAA, "30", "7", "3");
    b.sell(day(6, 1), AAA, "45", "8", "4.5");
    let s = b.replay(CostBasisMethod::Fifo);
    let row = &s.realized_gains[0];
    assert_eq!(row.quantity, d("45"));
    assert_eq!(
        (row.proceeds, row.cost, row.gain),
        (Some(d("355.5")), Some(d("279.5")), Some(d("76")))
    );
    // Days held to Jun 1 2024 (a leap year): from Jan 2, 30 + 29 + 31 + 30 + 31 = 151;
    // from Jan 3, 150; from Jan 4, 149.
    assert_eq!(
        row.lots
            .iter()
            .map(|l| (l.quantity, l.cost, l.holding_days))
            .collect::<Vec<_>>(),
        vec![
            (d("10"), Some(d("51")), 151),
            (d("20"), Some(d("122")), 150),
            (d("15"), Some(d("106.5")), 149)
        ]
    );
    assert_eq!(row.holding_days, 151);
    let p = position(&s, AAA);
    assert_eq!((p.quantity, p.cost_basis), (d("15"), d("106.5")));
    assert_eq!(p.lots[0].cost_per_unit, Some(d("7.1")));
    // Fees paid: 1 + 2 + 3 + 4.5 = 10.5.
    assert_eq!(s.totals.fees, d("10.5"));
}

#[test]
fn a_split_between_buys_scales_only_the_lots_before_it() {
    // 10 @ 100 (1000); split 2:1 -> 20 shares still costing 1000 (50 a share);
    // 10 @ 60 (600). Held: 30 costing 1600.
    // Sell 25 @ 70 (proceeds 1750), FIFO: 20 of the first lot (1000) and 5 of the second
    // (600 x 5 / 10 = 300): cost 1300, gain 450. Left: 5 costing 300.
    let mut b = Book::new("USD");
    b.buy(day(1, 1), AAA, "10", "100", "0");
    b.add(ActivityType::Split, day(2, 1), |a| {
        a.security_id = Some(AAA);
        a.split_ratio = Some(SplitRatio::parse("2:1").unwrap());
    });
    b.buy(day(3, 1), AAA, "10", "60", "0");
    let before_sale = ledger_as_of(b.account(CostBasisMethod::Fifo), &NoRates, day(3, 1)).unwrap();
    let p = position(&before_sale, AAA);
    assert_eq!(
        lots(p),
        vec![
            (day(1, 1), d("20"), Some(d("1000"))),
            (day(3, 1), d("10"), Some(d("600")))
        ]
    );
    assert_eq!(p.lots[0].cost_per_unit, Some(d("50")));
    b.sell(day(4, 1), AAA, "25", "70", "0");
    let s = b.replay(CostBasisMethod::Fifo);
    let row = &s.realized_gains[0];
    assert_eq!(
        (row.proceeds, row.cost, row.gain),
        (Some(d("1750")), Some(d("1300")), Some(d("450")))
    );
    let p = position(&s, AAA);
    assert_eq!(lots(p), vec![(day(3, 1), d("5"), Some(d("300")))]);
}

#[test]
fn transfers_move_lots_without_cash_or_gain() {
    // In: 4 @ 25 carried over (cost 100), no cash. Buy 10 @ 20 (200, implicit deposit 200).
    // Out: 9 by FIFO: the 4 transferred (100) and 5 of the buy (100). No realized gain.
    // Left: 5 costing 100. Flows: +4 shares, implicit 200, -9 shares.
    let mut b = Book::new("USD");
    let t_in = b.add(ActivityType::TransferIn, day(1, 1), |a| {
        a.security_id = Some(AAA);
        a.quantity = Some(d("4"));
        a.unit_price = Some(d("25"));
    });
    let buy = b.buy(day(2, 1), AAA, "10", "20", "0");
    let t_out = b.add(ActivityType::TransferOut, day(3, 1), |a| {
        a.security_id = Some(AAA);
        a.quantity = Some(d("9"));
    });
    let s = b.replay(CostBasisMethod::Fifo);
    assert!(s.realized_gains.is_empty());
    assert_eq!(s.totals.realized_gain, Decimal::ZERO);
    let p = position(&s, AAA);
    assert_eq!(lots(p), vec![(day(2, 1), d("5"), Some(d("100")))]);
    assert_eq!(p.realized_gain, Decimal::ZERO);
    assert_eq!(s.cash.balance, Decimal::ZERO);
    let flows: Vec<(FlowKind, Source, FlowValue)> = s
        .flows
        .iter()
        .map(|f| (f.kind, f.source, f.value))
        .collect();
    assert_eq!(
        flows,
        vec![
            (
                FlowKind::TransferIn,
                Source::Activity(t_in),
                FlowValue::Shares {
                    security_id: AAA,
                    quantity: d("4")
                }
            ),
            (
                FlowKind::ImplicitDeposit,
                Source::Activity(buy),
                FlowValue::Cash(d("200"))
            ),
            (
                FlowKind::TransferOut,
                Source::Activity(t_out),
                FlowValue::Shares {
                    security_id: AAA,
                    quantity: d("-9")
                }
            ),
        ]
    );
}

#[test]
fn pence_prices_into_a_pound_account() {
    // Buy 100 @ 250p with 995p of fees: (100 x 250 + 995) / 100 = 259.95 GBP.
    // Sell 40 @ 300p with 500p of fees: (40 x 300 - 500) / 100 = 115 GBP.
    // Cost of the 40: 259.95 x 40 / 100 = 103.98; gain 115 - 103.98 = 11.02.
    // Left: 60 costing 259.95 - 103.98 = 155.97.
    // Dividend 1200p gross, 180p withheld: 12 GBP gross, 1.8 withheld, 10.2 net.
    // Cash: 259.95 implied, then 0 + 115 + 10.2 = 125.2.
    let mut b = Book::new("GBP");
    b.add(ActivityType::Buy, day(1, 5), |a| {
        a.security_id = Some(AAA);
        a.quantity = Some(d("100"));
        a.unit_price = Some(d("250"));
        a.fee = Some(d("995"));
        a.currency = "GBp".into();
    });
    b.add(ActivityType::Sell, day(2, 5), |a| {
        a.security_id = Some(AAA);
        a.quantity = Some(d("40"));
        a.unit_price = Some(d("300"));
        a.fee = Some(d("500"));
        a.currency = "GBp".into();
    });
    b.add(ActivityType::Dividend, day(3, 5), |a| {
        a.security_id = Some(AAA);
        a.amount = Some(d("1200"));
        a.fee = Some(d("180"));
        a.currency = "GBp".into();
    });
    let s = b.replay(CostBasisMethod::Fifo);
    let row = &s.realized_gains[0];
    assert_eq!(
        (row.proceeds, row.cost, row.gain),
        (Some(d("115")), Some(d("103.98")), Some(d("11.02")))
    );
    let p = position(&s, AAA);
    assert_eq!((p.quantity, p.cost_basis), (d("60"), d("155.97")));
    assert_eq!(p.income, d("10.2"));
    let income = &s.income[0];
    assert_eq!(
        (income.gross, income.withheld, income.net),
        (Some(d("12")), Some(d("1.8")), Some(d("10.2")))
    );
    assert_eq!(income.currency, code("GBP"));
    assert_eq!(s.cash.implicit_deposits[0].amount, d("259.95"));
    assert_eq!(s.cash.balance, d("125.2"));
    assert!(s.unconverted.is_empty());
}

#[test]
fn other_currencies_convert_by_their_own_rate_or_the_stored_one_and_never_1_to_1() {
    // A USD account. Stored EUR -> USD: 1.2 from Feb 1 on, nothing before.
    let stored = |from: &CurrencyCode, to: &CurrencyCode, date: NaiveDate| {
        (from.as_str() == "EUR" && to.as_str() == "USD" && date >= day(2, 1)).then(|| d("1.2"))
    };
    let mut b = Book::new("USD");
    // Jan 10, with its own rate: (10 x 50 + 2) EUR x 1.1 = 502 x 1.1 = 552.2 USD.
    b.add(ActivityType::Buy, day(1, 10), |a| {
        a.security_id = Some(AAA);
        a.quantity = Some(d("10"));
        a.unit_price = Some(d("50"));
        a.fee = Some(d("2"));
        a.currency = "EUR".into();
        a.fx_rate = Some(d("1.1"));
    });
    // Jan 20, a dividend with no rate of its own and none stored yet: unconverted.
    let early_dividend = b.add(ActivityType::Dividend, day(1, 20), |a| {
        a.security_id = Some(AAA);
        a.amount = Some(d("30"));
        a.currency = "EUR".into();
    });
    // Feb 10, the stored rate: 5 x 40 EUR x 1.2 = 240 USD.
    b.add(ActivityType::Buy, day(2, 10), |a| {
        a.security_id = Some(AAA);
        a.quantity = Some(d("5"));
        a.unit_price = Some(d("40"));
        a.currency = "EUR".into();
    });
    // Mar 1, CHF with no rate anywhere: the shares count, their cost stays unknown.
    let chf = b.add(ActivityType::Buy, day(3, 1), |a| {
        a.security_id = Some(BBB);
        a.quantity = Some(d("3"));
        a.unit_price = Some(d("100"));
        a.currency = "CHF".into();
    });
    let s = b.replay_with(CostBasisMethod::Fifo, &stored).unwrap();
    let eur = position(&s, AAA);
    // 552.2 + 240 = 792.2 over 15 shares; the unconverted dividend leaves income incomplete.
    assert_eq!(
        lots(eur),
        vec![
            (day(1, 10), d("10"), Some(d("552.2"))),
            (day(2, 10), d("5"), Some(d("240")))
        ]
    );
    assert_eq!(eur.cost_basis, d("792.2"));
    assert_eq!(eur.income, Decimal::ZERO);
    assert!(!eur.complete);
    let swiss = position(&s, BBB);
    assert_eq!(swiss.quantity, d("3"));
    assert_eq!(lots(swiss), vec![(day(3, 1), d("3"), None)]);
    assert_eq!(
        (swiss.cost_basis, swiss.average_cost),
        (Decimal::ZERO, None)
    );
    assert!(!swiss.complete);
    assert_eq!(
        s.unconverted
            .iter()
            .map(|u| (u.source, u.currency.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (Source::Activity(early_dividend), "EUR"),
            (Source::Activity(chf), "CHF")
        ]
    );
    assert!(!s.complete());
    let income = &s.income[0];
    assert_eq!((income.gross, income.net), (None, None));
    // Cash: the two converted buys implied 552.2 and 240; nothing of the CHF buy or the
    // dividend entered it.
    assert_eq!(
        s.cash
            .implicit_deposits
            .iter()
            .map(|i| i.amount)
            .collect::<Vec<_>>(),
        vec![d("552.2"), d("240")]
    );
    assert_eq!(s.cash.balance, Decimal::ZERO);
    // With no stored rates at all, the Feb 10 buy is unconverted too.
    let bare = b.replay(CostBasisMethod::Fifo);
    assert_eq!(bare.unconverted.len(), 3);
    assert_eq!(position(&bare, AAA).cost_basis, d("552.2"));
}

#[test]
fn outflows_cash_does_not_cover_imply_deposits() {
    // Deposit 1000. Buy 10 @ 120 + fee 5 = 1205: 205 implied, cash 0.
    // Fee 10: 10 implied, cash 0. Dividend 50: cash 50. Withdrawal 20: cash 30.
    let mut b = Book::new("USD");
    let deposit = b.cash(ActivityType::Deposit, day(1, 1), "1000");
    let buy = b.buy(day(1, 2), AAA, "10", "120", "5");
    let fee = b.cash(ActivityType::Fee, day(1, 3), "10");
    b.add(ActivityType::Dividend, day(1, 4), |a| {
        a.security_id = Some(AAA);
        a.amount = Some(d("50"));
    });
    let withdrawal = b.cash(ActivityType::Withdrawal, day(1, 5), "20");
    let s = b.replay(CostBasisMethod::Fifo);
    assert_eq!(s.cash.balance, d("30"));
    assert_eq!(
        s.cash.implicit_deposits,
        vec![
            ImplicitDeposit {
                date: day(1, 2),
                amount: d("205"),
                activity_id: buy
            },
            ImplicitDeposit {
                date: day(1, 3),
                amount: d("10"),
                activity_id: fee
            },
        ]
    );
    let flows: Vec<(NaiveDate, FlowKind, Uuid, FlowValue)> = s
        .flows
        .iter()
        .map(|f| (f.date, f.kind, f.source.id(), f.value))
        .collect();
    assert_eq!(
        flows,
        vec![
            (
                day(1, 1),
                FlowKind::Deposit,
                deposit,
                FlowValue::Cash(d("1000"))
            ),
            (
                day(1, 2),
                FlowKind::ImplicitDeposit,
                buy,
                FlowValue::Cash(d("205"))
            ),
            (
                day(1, 3),
                FlowKind::ImplicitDeposit,
                fee,
                FlowValue::Cash(d("10"))
            ),
            (
                day(1, 5),
                FlowKind::Withdrawal,
                withdrawal,
                FlowValue::Cash(d("-20"))
            ),
        ]
    );
    // Fees: the buy's 5 and the fee's 10.
    assert_eq!(s.totals.fees, d("15"));
}

#[test]
fn a_statement_sets_the_position_and_a_later_buy_adds_to_it() {
    // Jan 1 buy 50 @ 10 (500). Jan 10 statement: 100 shares at 20 (2000), replacing the lot:
    // a flow of +50 shares. The same day a buy of 10 @ 25 (250), written before the statement,
    // still comes after it. Held: 110 costing 2250. Then a sale of 105 @ 30 (3150) is allowed:
    // FIFO closes the statement's 100 (2000) and 5 of the buy (125): cost 2125, gain 1025.
    let mut b = Book::new("USD");
    b.buy(day(1, 1), AAA, "50", "10", "0");
    b.buy(day(1, 10), AAA, "10", "25", "0");
    let statement = b.statement(day(1, 10), AAA, "100", "20");
    let s = ledger_as_of(b.account(CostBasisMethod::Fifo), &NoRates, day(1, 10)).unwrap();
    let p = position(&s, AAA);
    assert_eq!(
        lots(p),
        vec![
            (day(1, 10), d("100"), Some(d("2000"))),
            (day(1, 10), d("10"), Some(d("250")))
        ]
    );
    assert_eq!((p.quantity, p.cost_basis), (d("110"), d("2250")));
    let statement_flow = s
        .flows
        .iter()
        .find(|f| f.kind == FlowKind::Statement)
        .unwrap();
    assert_eq!(statement_flow.source, Source::Statement(statement));
    assert_eq!(
        statement_flow.value,
        FlowValue::Shares {
            security_id: AAA,
            quantity: d("50")
        }
    );
    b.sell(day(2, 1), AAA, "105", "30", "0");
    let s = b.replay(CostBasisMethod::Fifo);
    let row = &s.realized_gains[0];
    assert_eq!(
        (row.proceeds, row.cost, row.gain),
        (Some(d("3150")), Some(d("2125")), Some(d("1025")))
    );
    assert_eq!(position(&s, AAA).quantity, d("5"));
}

#[test]
fn a_sale_of_more_than_is_held_is_refused_naming_the_activity() {
    // 10 bought on Jan 1; 11 sold on Feb 1.
    let mut b = Book::new("USD");
    b.buy(day(1, 1), AAA, "10", "10", "0");
    let sale = b.sell(day(2, 1), AAA, "11", "12", "0");
    let expected = LedgerError::Oversold {
        activity_id: sale,
        security_id: AAA,
        date: day(2, 1),
        held: d("10"),
        wanted: d("11"),
    };
    assert_eq!(
        b.replay_with(CostBasisMethod::Fifo, &NoRates).unwrap_err(),
        expected
    );
    assert_eq!(
        check_ledger(b.account(CostBasisMethod::Hifo), &NoRates).unwrap_err(),
        expected
    );
    assert!(expected.to_string().contains(&sale.to_string()));
    // As of a date before the sale the ledger still reads.
    let before = ledger_as_of(b.account(CostBasisMethod::Fifo), &NoRates, day(1, 31)).unwrap();
    assert_eq!(position(&before, AAA).quantity, d("10"));
    // A transfer out of a security never held: held 0.
    let mut c = Book::new("USD");
    let out = c.add(ActivityType::TransferOut, day(1, 1), |a| {
        a.security_id = Some(CCC);
        a.quantity = Some(d("1"));
    });
    assert_eq!(
        check_ledger(c.account(CostBasisMethod::Fifo), &NoRates).unwrap_err(),
        LedgerError::Oversold {
            activity_id: out,
            security_id: CCC,
            date: day(1, 1),
            held: Decimal::ZERO,
            wanted: d("1"),
        }
    );
}

#[test]
fn within_a_date_buys_come_before_sells_whatever_the_entry_order() {
    // Written in the order sell, buy, deposit, all on Mar 3. Replayed as deposit (100),
    // buy 10 @ 10 (100, covered: no implicit deposit), sell 10 @ 12 (120):
    // gain 120 - 100 = 20, cash 100 - 100 + 120 = 120.
    let mut b = Book::new("USD");
    let sale = b.sell(day(3, 3), AAA, "10", "12", "0");
    b.buy(day(3, 3), AAA, "10", "10", "0");
    b.cash(ActivityType::Deposit, day(3, 3), "100");
    let s = b.replay(CostBasisMethod::Fifo);
    let row = &s.realized_gains[0];
    assert_eq!(row.activity_id, sale);
    assert_eq!(row.gain, Some(d("20")));
    assert_eq!(row.holding_days, 0);
    assert!(s.cash.implicit_deposits.is_empty());
    assert_eq!(s.cash.balance, d("120"));
    assert_eq!(position(&s, AAA).quantity, Decimal::ZERO);
    assert!(!position(&s, AAA).is_open());
}

#[test]
fn dividends_net_of_withholding_and_interest_are_income() {
    // Dividend of AAA: 100 gross, 15 withheld, 85 net. Interest 12.5 on the cash (no
    // security). Income 85 + 12.5 = 97.5; taxes 15; cash 97.5; AAA's income 85.
    let mut b = Book::new("USD");
    let dividend = b.add(ActivityType::Dividend, day(5, 1), |a| {
        a.security_id = Some(AAA);
        a.amount = Some(d("100"));
        a.fee = Some(d("15"));
    });
    let interest = b.cash(ActivityType::Interest, day(5, 31), "12.5");
    let s = b.replay(CostBasisMethod::Fifo);
    let rows: Vec<_> = s
        .income
        .iter()
        .map(|r| {
            (
                r.activity_id,
                r.date,
                r.kind,
                r.security_id,
                r.gross,
                r.withheld,
                r.net,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                dividend,
                day(5, 1),
                IncomeKind::Dividend,
                Some(AAA),
                Some(d("100")),
                Some(d("15")),
                Some(d("85"))
            ),
            (
                interest,
                day(5, 31),
                IncomeKind::Interest,
                None,
                Some(d("12.5")),
                Some(d("0")),
                Some(d("12.5"))
            ),
        ]
    );
    assert_eq!(s.totals.income, d("97.5"));
    assert_eq!(s.totals.taxes, d("15"));
    assert_eq!(s.cash.balance, d("97.5"));
    assert_eq!(position(&s, AAA).income, d("85"));
    // Income is not an external flow.
    assert!(s.flows.is_empty());
}

#[test]
fn a_timeline_read_day_by_day_matches_each_day_read_alone() {
    let (mut b, _) = three_buys_and_a_sale();
    b.cash(ActivityType::Deposit, day(2, 15), "50");
    b.statement(day(3, 15), AAA, "40", "25");
    let account = b.account(CostBasisMethod::Hifo);
    let mut timeline = Timeline::new(account, &NoRates);
    assert_eq!(timeline.first_date(), Some(day(1, 1)));
    let mut date = day(1, 1);
    while date <= day(4, 30) {
        let stepped = timeline.advance_to(date).unwrap().snapshot(date);
        let alone = ledger_as_of(account, &NoRates, date).unwrap();
        assert_eq!(stepped, alone, "{date}");
        date += Duration::days(1);
    }
    // 40 after the statement, less the 15 sold.
    assert_eq!(timeline.replay().quantity(AAA), d("25"));
}

#[test]
fn a_replay_refuses_events_out_of_date_order() {
    let mut b = Book::new("USD");
    let late = b.cash(ActivityType::Deposit, day(2, 1), "1");
    let early = b.cash(ActivityType::Deposit, day(1, 1), "1");
    let mut r = Replay::new(code("USD"), CostBasisMethod::Fifo);
    r.apply(LedgerEvent::Activity(&b.activities[0]), &NoRates)
        .unwrap();
    assert_eq!(
        r.apply(LedgerEvent::Activity(&b.activities[1]), &NoRates),
        Err(LedgerError::OutOfOrder {
            id: early,
            date: day(1, 1),
            after: day(2, 1)
        })
    );
    assert_eq!(r.flows().len(), 1);
    assert_eq!(r.flows()[0].source, Source::Activity(late));
}

#[test]
fn a_hundred_thousand_activities_replay_whole_by_every_method() {
    // 50 securities; each in turn bought 10 @ 1 + (i mod 7) every activity, and every fourth
    // activity of a security a sale of 5 instead. Per security: 2000 activities, 500 sales of
    // 5 and 1500 buys of 10: 15000 - 2500 = 12500 shares left.
    let securities: Vec<Uuid> = (0..50u128).map(|i| Uuid::from_u128(1000 + i)).collect();
    let at = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap();
    let activities: Vec<Activity> = (0..100_000u32)
        .map(|i| {
            let sell = (i / 50) % 4 == 3;
            Activity {
                id: Uuid::from_u128(u128::from(i) + 1),
                account_id: ACCOUNT,
                activity_type: if sell {
                    ActivityType::Sell
                } else {
                    ActivityType::Buy
                },
                date: day(1, 1) - Duration::days(3000) + Duration::days(i64::from(i / 40)),
                security_id: Some(securities[(i % 50) as usize]),
                quantity: Some(if sell { d("5") } else { d("10") }),
                unit_price: Some(Decimal::from(1 + i % 7)),
                amount: None,
                fee: Some(d("0.5")),
                currency: "USD".into(),
                fx_rate: None,
                split_ratio: None,
                notes: None,
                external_id: None,
                created_at: at,
                updated_at: at,
            }
        })
        .collect();
    let currency = code("USD");
    for method in CostBasisMethod::ALL {
        let account = AccountLedger {
            currency: &currency,
            method,
            activities: &activities,
            statements: &[],
        };
        // How fast is for the benchmark to say; here, that a long ledger replays whole.
        let replay = Timeline::new(account, &NoRates).finish().unwrap();
        assert_eq!(replay.quantity(securities[0]), d("12500"), "{method}");
        assert_eq!(replay.realized_gains().len(), 25_000, "{method}");
    }
}

#[test]
fn an_average_pool_through_a_split() {
    // 10 @ 30 (300) and 20 @ 45 (900): one pool of 30 costing 1200, 40 a share.
    // Split 3:1: 90 shares still costing 1200. Sell 45 @ 20: proceeds 900, cost
    // 1200 x 45 / 90 = 600, gain 300. Left: 45 costing 600.
    let mut b = Book::new("USD");
    b.buy(day(1, 1), AAA, "10", "30", "0");
    b.buy(day(1, 2), AAA, "20", "45", "0");
    b.add(ActivityType::Split, day(1, 3), |a| {
        a.security_id = Some(AAA);
        a.split_ratio = Some(SplitRatio::parse("3:1").unwrap());
    });
    b.sell(day(1, 4), AAA, "45", "20", "0");
    let s = b.replay(CostBasisMethod::Average);
    let row = &s.realized_gains[0];
    assert_eq!(
        (row.proceeds, row.cost, row.gain),
        (Some(d("900")), Some(d("600")), Some(d("300")))
    );
    assert_eq!(
        lots(position(&s, AAA)),
        vec![(day(1, 1), d("45"), Some(d("600")))]
    );
}

#[test]
fn a_statement_in_a_currency_without_a_rate_sets_shares_but_not_cost() {
    // A USD account with a statement of 100 shares at 1500 JPY and no JPY rate: the position
    // is 100 shares of unknown cost, and the statement is listed unconverted.
    let mut b = Book::new("USD");
    let (id, at) = b.next_time();
    b.statements.push(PositionStatement {
        id,
        security_id: AAA,
        date: day(2, 1),
        shares: d("100"),
        average_price: d("1500"),
        currency: "JPY".into(),
        created_at: at,
    });
    let s = b.replay(CostBasisMethod::Fifo);
    let p = position(&s, AAA);
    assert_eq!(lots(p), vec![(day(2, 1), d("100"), None)]);
    assert!(!p.complete);
    assert_eq!(s.unconverted[0].source, Source::Statement(id));
    // At 0.0067 USD a yen: 100 x 1500 x 0.0067 = 1005 USD.
    let rate = |_: &CurrencyCode, _: &CurrencyCode, _: NaiveDate| Some(d("0.0067"));
    let s = b.replay_with(CostBasisMethod::Fifo, &rate).unwrap();
    assert_eq!(position(&s, AAA).cost_basis, d("1005"));
}
