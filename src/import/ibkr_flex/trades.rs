//! The Trades section: executions (or orders, when the query lists no executions) as buys and
//! sells, cancellations set against the trades they cancel.

use std::collections::HashSet;

use rust_decimal::Decimal;

use super::{Context, Row};
use crate::domain::ledger::ActivityType;
use crate::import::{ImportRow, Parsed, RowError};

pub(super) fn read(ctx: &Context, rows: &[&Row], parsed: &mut Parsed) {
    let mut executions = Vec::new();
    let mut orders = Vec::new();
    for &row in rows {
        let level = row.get("levelOfDetail").unwrap_or("").to_ascii_uppercase();
        match (row.name.as_str(), level.as_str()) {
            ("Order", _) | ("Trade", "ORDER") => orders.push(row),
            ("Trade", "" | "EXECUTION") => executions.push(row),
            // Symbol and asset summaries, closed lots and wash sales restate the executions.
            _ => {}
        }
    }
    let executed: HashSet<&str> = executions
        .iter()
        .filter_map(|r| r.get("ibOrderID"))
        .collect();
    let mut trades = executions;
    for order in orders {
        match order.get("ibOrderID") {
            Some(id) if executed.contains(id) => parsed.ignore(
                order.line,
                "an order whose executions are read from their own lines",
            ),
            _ => trades.push(order),
        }
    }
    trades.sort_by_key(|r| r.line);

    let cancelled = match_cancellations(&trades, parsed);
    for trade in trades {
        if is_cancellation(trade) || cancelled.contains(&trade.line) {
            continue;
        }
        match read_trade(ctx, trade) {
            Ok(Read::Rows(rows)) => parsed.rows.extend(rows),
            Ok(Read::Ignored(reason)) => parsed.ignore(trade.line, reason),
            Err(e) => parsed.errors.push(e),
        }
    }
}

enum Read {
    Rows(Vec<ImportRow>),
    Ignored(String),
}

fn is_cancellation(row: &Row) -> bool {
    row.get("buySell").is_some_and(|s| s.contains("(Ca.)"))
        || row
            .get("transactionType")
            .is_some_and(|t| t.eq_ignore_ascii_case("TradeCancel"))
}

/// The side of a trade, from `buySell` (`BUY`, `SELL`, `BUY (Ca.)`) else the quantity's sign.
fn side(row: &Row) -> Option<ActivityType> {
    let said = row.get("buySell").unwrap_or("").to_ascii_uppercase();
    if said.starts_with("BUY") {
        return Some(ActivityType::Buy);
    }
    if said.starts_with("SELL") {
        return Some(ActivityType::Sell);
    }
    let quantity = row.number("quantity").ok().flatten()?;
    match quantity.cmp(&Decimal::ZERO) {
        std::cmp::Ordering::Greater => Some(ActivityType::Buy),
        std::cmp::Ordering::Less => Some(ActivityType::Sell),
        std::cmp::Ordering::Equal => None,
    }
}

/// Files each cancellation as passed over with the trade it cancels, and gives the lines of
/// the cancelled trades. A cancellation names its trade by `origTradeID`; without it, the trade
/// of the same security, side, date, quantity and price is taken.
fn match_cancellations(trades: &[&Row], parsed: &mut Parsed) -> HashSet<usize> {
    let mut cancelled = HashSet::new();
    for cancel in trades.iter().filter(|r| is_cancellation(r)) {
        let number = |r: &Row, name: &str| r.number(name).ok().flatten().map(|n| n.abs());
        let by_id = cancel.get("origTradeID").and_then(|id| {
            trades.iter().find(|t| {
                !is_cancellation(t) && !cancelled.contains(&t.line) && t.get("tradeID") == Some(id)
            })
        });
        let by_content = || {
            let date = cancel.get("origTradeDate").or(cancel.get("tradeDate"));
            let price = number(cancel, "origTradePrice")
                .filter(|p| !p.is_zero())
                .or(number(cancel, "tradePrice"));
            trades.iter().find(|t| {
                !is_cancellation(t)
                    && !cancelled.contains(&t.line)
                    && t.security_id() == cancel.security_id()
                    && side(t) == side(cancel)
                    && t.get("tradeDate") == date
                    && number(t, "quantity") == number(cancel, "quantity")
                    && number(t, "tradePrice") == price
            })
        };
        match by_id.or_else(by_content) {
            Some(original) => {
                cancelled.insert(original.line);
                parsed.ignore(
                    cancel.line,
                    format!("cancels the trade at line {}", original.line),
                );
                parsed.ignore(original.line, format!("cancelled by line {}", cancel.line));
            }
            None => parsed.ignore(
                cancel.line,
                format!(
                    "cancels a trade that is not in this file{}; remove that trade by hand \
                     if it was imported before",
                    cancel
                        .get("origTradeID")
                        .map(|id| format!(" (trade {id})"))
                        .unwrap_or_default()
                ),
            ),
        }
    }
    cancelled
}

fn read_trade(ctx: &Context, trade: &Row) -> Result<Read, RowError> {
    if trade
        .get("assetCategory")
        .is_some_and(|c| c.eq_ignore_ascii_case("CASH"))
    {
        return Ok(Read::Ignored(format!(
            "a currency exchange ({}) moves cash between currencies; it is not an activity",
            trade.get("symbol").unwrap_or("")
        )));
    }
    let t = side(trade).ok_or_else(|| {
        RowError::new(
            trade.line,
            "the trade is neither a BUY nor a SELL and has no quantity",
        )
    })?;
    let quantity = trade.required("quantity")?.abs();
    if quantity.is_zero() {
        return Err(RowError::new(trade.line, "the trade has a quantity of 0"));
    }
    let security = trade.security(true).ok_or_else(|| {
        RowError::new(
            trade.line,
            "the trade names no security (symbol, isin, cusip)",
        )
    })?;
    let currency = trade.currency();
    let mut row = ImportRow::new(
        trade.line,
        t,
        trade.date(&["tradeDate", "dateTime", "reportDate"])?,
    );
    row.security = Some(security);
    row.quantity = Some(quantity);
    row.currency = currency.clone();
    row.fx_rate = ctx.fx_rate(trade)?;
    row.source_id = trade.source_id();

    let commission = trade.number("ibCommission")?.map(|c| c.abs());
    let taxes = trade.number("taxes")?.map(|c| c.abs());
    let commission_currency = trade
        .get("ibCommissionCurrency")
        .map(str::to_ascii_uppercase);
    let commission_apart = commission.is_some_and(|c| !c.is_zero())
        && commission_currency.is_some()
        && commission_currency != currency;
    let fee = [taxes, if commission_apart { None } else { commission }]
        .into_iter()
        .flatten()
        .sum::<Decimal>();
    row.fee = (!fee.is_zero()).then_some(fee);
    row.unit_price = Some(unit_price(trade, t, quantity, fee)?);

    let mut rows = vec![row];
    if commission_apart {
        // A commission charged in another currency than the trade's is a fee of its own in
        // that currency, rather than converted at a rate the file does not give.
        let mut fee = ImportRow::new(trade.line, ActivityType::Fee, rows[0].date);
        fee.security = rows[0].security.clone();
        fee.amount = commission;
        fee.currency = commission_currency;
        fee.source_id = rows[0]
            .source_id
            .as_ref()
            .map(|id| format!("{id}:commission"));
        fee.notes = Some("commission of the trade on the same line".to_string());
        rows.push(fee);
    }
    Ok(Read::Rows(rows))
}

/// What one unit of the quantity cost: `tradePrice` times the `multiplier` (options and
/// futures are priced per underlying unit, a contract being that many), else the trade's value
/// over its quantity (`tradeMoney`, `proceeds`, or for a buy the `cost` less its fee; a sale's
/// `cost` is the basis of the lots it closed, not its price).
fn unit_price(
    trade: &Row,
    t: ActivityType,
    quantity: Decimal,
    fee: Decimal,
) -> Result<Decimal, RowError> {
    if let Some(price) = trade.number("tradePrice")? {
        let multiplier = trade
            .number("multiplier")?
            .map(|m| m.abs())
            .filter(|m| !m.is_zero())
            .unwrap_or(Decimal::ONE);
        return Ok(price.abs() * multiplier);
    }
    let value = match (trade.number("tradeMoney")?, trade.number("proceeds")?) {
        (Some(money), _) => Some(money.abs()),
        (None, Some(proceeds)) => Some(proceeds.abs()),
        (None, None) if t == ActivityType::Buy => trade.number("cost")?.map(|c| c.abs() - fee),
        (None, None) => None,
    };
    value
        .filter(|v| *v >= Decimal::ZERO)
        .map(|v| v / quantity)
        .ok_or_else(|| RowError::new(trade.line, format!("the {} has no tradePrice", trade.name)))
}
