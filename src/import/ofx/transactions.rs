//! Each transaction of an investment statement's INVTRANLIST as the activities it amounts to.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::fields;
use super::securities::Securities;
use super::tree::Element;
use crate::domain::ledger::{ActivityType, SplitRatio};
use crate::import::{ImportRow, Parsed, RowError, SecurityKey};

/// What a statement's transactions are read against.
pub(super) struct Context<'a> {
    /// Where the lines of the document (as XML, whose lines are the file's) start.
    pub lines: &'a crate::import::LineIndex,
    /// The statement's currency (CURDEF): that of every amount that names no other.
    pub curdef: Option<&'a str>,
    pub securities: &'a Securities,
}

/// What one transaction amounts to.
enum Outcome {
    Rows(Vec<ImportRow>),
    Ignored(String),
}

/// Costs taken from a buy's cash on top of quantity x price.
const BUY_COSTS: &[&str] = &["COMMISSION", "FEES", "LOAD", "TAXES"];
/// Costs taken from a sale's proceeds: the specification's TOTAL of a sale is quantity x price
/// less all of these, withholdings and penalties included.
const SELL_COSTS: &[&str] = &[
    "COMMISSION",
    "FEES",
    "LOAD",
    "TAXES",
    "WITHHOLDING",
    "STATEWITHHOLDING",
    "PENALTY",
];
/// Tax withheld from income.
const INCOME_TAXES: &[&str] = &["WITHHOLDING", "TAXES"];

/// Files the activities of `tx` in `parsed`: rows, a reason it was passed over, or an error.
pub(super) fn read(ctx: &Context, tx: &Element, parsed: &mut Parsed) {
    let line = ctx.line(tx);
    let name = tx.name.as_str();
    let outcome = match name {
        n if n.starts_with("BUY") => trade(ctx, tx, ActivityType::Buy, BUY_COSTS),
        n if n.starts_with("SELL") => trade(ctx, tx, ActivityType::Sell, SELL_COSTS),
        "INCOME" => income(ctx, tx),
        "REINVEST" => reinvest(ctx, tx),
        "TRANSFER" => transfer(ctx, tx),
        "INVBANKTRAN" => bank(ctx, tx),
        "INVEXPENSE" | "MARGININTEREST" => expense(ctx, tx),
        "SPLIT" => split(ctx, tx),
        "JRNLSEC" | "JRNLFUND" => Ok(Outcome::Ignored(format!(
            "{name} moves {} between sub-accounts (cash, margin, short) of this account: \
             what the account holds does not change",
            if name == "JRNLSEC" { "shares" } else { "cash" }
        ))),
        "RETOFCAP" => Ok(Outcome::Ignored(
            "a return of capital lowers the cost of a position, which no activity records; \
             enter it by hand"
                .to_string(),
        )),
        "CLOSUREOPT" => Ok(Outcome::Ignored(
            "an option's exercise, assignment or expiry (CLOSUREOPT) is not read; \
             enter its effect by hand"
                .to_string(),
        )),
        _ => Ok(Outcome::Ignored(format!(
            "{name} is not a transaction read"
        ))),
    };
    match outcome {
        Ok(Outcome::Rows(rows)) => parsed.rows.extend(rows),
        Ok(Outcome::Ignored(reason)) => parsed.ignore(line, reason),
        Err(e) => parsed.errors.push(e),
    }
}

impl Context<'_> {
    fn line(&self, element: &Element) -> usize {
        self.lines.line(element.offset)
    }

    /// The number in the first `name` below `tx`, if there is one.
    fn number(&self, tx: &Element, name: &str) -> Result<Option<Decimal>, RowError> {
        let Some(element) = tx.find(name) else {
            return Ok(None);
        };
        fields::number(&element.text)
            .map_err(|e| RowError::new(self.line(element), format!("{name}: {e}")))
    }

    fn required(&self, tx: &Element, name: &str) -> Result<Decimal, RowError> {
        self.number(tx, name)?
            .ok_or_else(|| RowError::new(self.line(tx), format!("the {} has no {name}", tx.name)))
    }

    /// The sum of the absolute values of the costs `names` (brokers sign them either way),
    /// `None` when the transaction gives none of them.
    fn costs(&self, tx: &Element, names: &[&str]) -> Result<Option<Decimal>, RowError> {
        let mut total = None;
        for name in names {
            if let Some(value) = self.number(tx, name)? {
                total = Some(total.unwrap_or(Decimal::ZERO) + value.abs());
            }
        }
        Ok(total)
    }

    /// The trade date, else the posting date, else the settlement date.
    fn date(&self, tx: &Element) -> Result<NaiveDate, RowError> {
        let element = ["DTTRADE", "DTPOSTED", "DTUSER", "DTSETTLE"]
            .iter()
            .find_map(|name| tx.find(name).filter(|e| !e.text.is_empty()))
            .ok_or_else(|| {
                RowError::new(
                    self.line(tx),
                    format!("the {} has no DTTRADE or DTPOSTED", tx.name),
                )
            })?;
        fields::date(&element.text).map_err(|e| RowError::new(self.line(element), e))
    }

    /// The currency of the transaction's amounts and, when it is not the statement's, the
    /// rate to the statement's. A CURRENCY aggregate means the amounts are in CURSYM and
    /// CURRATE is units of CURDEF for one CURSYM: the `fx_rate` of an activity of an account
    /// kept in CURDEF. ORIGCURRENCY means the amounts were already converted to CURDEF.
    fn currency(&self, tx: &Element) -> Result<(Option<String>, Option<Decimal>), RowError> {
        let curdef = self.curdef.map(str::to_string);
        let Some(currency) = tx.find("CURRENCY") else {
            return Ok((curdef, None));
        };
        let Some(symbol) = currency.text_of("CURSYM").map(str::to_ascii_uppercase) else {
            return Ok((curdef, None));
        };
        if curdef.as_deref() == Some(symbol.as_str()) {
            return Ok((curdef, None));
        }
        let rate = self
            .number(currency, "CURRATE")?
            .filter(|r| *r > Decimal::ZERO);
        Ok((Some(symbol), rate))
    }

    fn security(&self, tx: &Element) -> Option<SecurityKey> {
        tx.find("SECID").and_then(|id| self.securities.key(id))
    }

    fn required_security(&self, tx: &Element) -> Result<SecurityKey, RowError> {
        self.security(tx).ok_or_else(|| {
            RowError::new(
                self.line(tx),
                format!("the {} names no security (SECID)", tx.name),
            )
        })
    }

    /// A row of `t` for `tx` with its line, date, currency, FITID and memo.
    fn row(&self, tx: &Element, t: ActivityType) -> Result<ImportRow, RowError> {
        let mut row = ImportRow::new(self.line(tx), t, self.date(tx)?);
        let (currency, fx_rate) = self.currency(tx)?;
        row.currency = currency;
        row.fx_rate = fx_rate;
        row.source_id = tx.text_of("FITID").map(str::to_string);
        row.notes = notes(&[tx.text_of("NAME"), tx.text_of("MEMO")]);
        Ok(row)
    }
}

fn notes(parts: &[Option<&str>]) -> Option<String> {
    let kept: Vec<&str> = parts.iter().flatten().copied().collect();
    (!kept.is_empty()).then(|| kept.join("; "))
}

fn with_note(row: &mut ImportRow, note: &str) {
    row.notes = notes(&[Some(note), row.notes.as_deref()]);
}

fn trade(
    ctx: &Context,
    tx: &Element,
    t: ActivityType,
    costs: &[&str],
) -> Result<Outcome, RowError> {
    let mut row = ctx.row(tx, t)?;
    row.security = Some(ctx.required_security(tx)?);
    let units = ctx.required(tx, "UNITS")?.abs();
    if units.is_zero() {
        return Err(RowError::new(
            row.line,
            format!("the {} has 0 UNITS", tx.name),
        ));
    }
    let price = ctx.required(tx, "UNITPRICE")?.abs();
    let quote = ctx.securities.quote(tx.find("SECID"), &tx.name);
    row.quantity = Some(units);
    row.unit_price = Some(quote.unit_cost(price));
    row.fee = ctx.costs(tx, costs)?;
    Ok(Outcome::Rows(vec![row]))
}

/// What an INCOMETYPE makes of income: a dividend or interest, and a note for the kinds a
/// dividend stands for.
fn income_kind(tx: &Element) -> Result<(ActivityType, Option<&'static str>), String> {
    let kind = tx.text_of("INCOMETYPE").unwrap_or("").to_ascii_uppercase();
    match kind.as_str() {
        "DIV" => Ok((ActivityType::Dividend, None)),
        "CGLONG" => Ok((
            ActivityType::Dividend,
            Some("long-term capital gain distribution"),
        )),
        "CGSHORT" => Ok((
            ActivityType::Dividend,
            Some("short-term capital gain distribution"),
        )),
        // Income paid on a holding that is neither a dividend nor interest is closest to a
        // dividend: it is income from that security and keeps the cash right.
        "MISC" => Ok((ActivityType::Dividend, Some("miscellaneous income"))),
        "INTEREST" => Ok((ActivityType::Interest, None)),
        _ => Err(format!("income of INCOMETYPE '{kind}' is not read")),
    }
}

fn income(ctx: &Context, tx: &Element) -> Result<Outcome, RowError> {
    let (t, note) = match income_kind(tx) {
        Ok(kind) => kind,
        Err(reason) => return Ok(Outcome::Ignored(reason)),
    };
    let total = ctx.required(tx, "TOTAL")?;
    if total <= Decimal::ZERO {
        return Ok(Outcome::Ignored(format!(
            "an income of {total} (a correction or reversal) is not read; \
             change the income it corrects by hand"
        )));
    }
    let withheld = ctx.costs(tx, INCOME_TAXES)?.filter(|w| !w.is_zero());
    let mut row = ctx.row(tx, t)?;
    if let Some(note) = note {
        with_note(&mut row, note);
    }
    row.amount = Some(total);
    if t == ActivityType::Dividend {
        row.security = Some(ctx.required_security(tx)?);
        // TOTAL is the income before tax; what was withheld is the dividend's fee.
        row.fee = withheld;
        return Ok(Outcome::Rows(vec![row]));
    }
    row.security = ctx.security(tx);
    let mut rows = vec![row];
    // Interest carries no fee: tax withheld from it is a tax of its own.
    if let Some(withheld) = withheld {
        let mut tax = rows[0].clone();
        tax.activity_type = ActivityType::Tax;
        tax.amount = Some(withheld);
        tax.source_id = tax.source_id.map(|id| format!("{id}:tax"));
        with_note(&mut tax, "tax withheld from interest");
        rows.push(tax);
    }
    Ok(Outcome::Rows(rows))
}

/// Income bought straight back into the security: the income, then the purchase it paid for.
fn reinvest(ctx: &Context, tx: &Element) -> Result<Outcome, RowError> {
    let (t, note) = match income_kind(tx) {
        Ok(kind) => kind,
        Err(reason) => return Ok(Outcome::Ignored(reason)),
    };
    let security = ctx.required_security(tx)?;
    // OFX signs the TOTAL of a reinvestment as cash spent on the purchase.
    let total = ctx.required(tx, "TOTAL")?.abs();
    let units = ctx.required(tx, "UNITS")?.abs();
    let price = ctx.required(tx, "UNITPRICE")?.abs();
    if units.is_zero() {
        return Err(RowError::new(ctx.line(tx), "the REINVEST has 0 UNITS"));
    }
    let mut rows = Vec::new();
    let base = ctx.row(tx, t)?;
    if !total.is_zero() {
        let mut income = base.clone();
        if let Some(note) = note {
            with_note(&mut income, note);
        }
        income.security = Some(security.clone());
        income.amount = Some(total);
        rows.push(income);
    }
    let mut buy = base;
    buy.activity_type = ActivityType::Buy;
    buy.security = Some(security);
    buy.quantity = Some(units);
    buy.unit_price = Some(
        ctx.securities
            .quote(tx.find("SECID"), "REINVEST")
            .unit_cost(price),
    );
    buy.fee = ctx.costs(tx, BUY_COSTS)?;
    buy.source_id = buy.source_id.map(|id| format!("{id}:buy"));
    with_note(&mut buy, "reinvested income");
    rows.push(buy);
    Ok(Outcome::Rows(rows))
}

/// Shares moving into or out of the account without cash.
fn transfer(ctx: &Context, tx: &Element) -> Result<Outcome, RowError> {
    let units = ctx.required(tx, "UNITS")?;
    if units.is_zero() {
        return Err(RowError::new(ctx.line(tx), "the TRANSFER has 0 UNITS"));
    }
    let action = tx.text_of("TFERACTION").unwrap_or("").to_ascii_uppercase();
    let incoming = match action.as_str() {
        "IN" => true,
        "OUT" => false,
        _ => units > Decimal::ZERO,
    };
    let quantity = units.abs();
    let mut row = ctx.row(tx, ActivityType::TransferIn)?;
    row.security = Some(ctx.required_security(tx)?);
    row.quantity = Some(quantity);
    if incoming {
        // The cost carried over: the price given, else the average cost, else nothing known.
        let quote = ctx.securities.quote(tx.find("SECID"), "TRANSFER");
        row.unit_price = Some(match ctx.number(tx, "UNITPRICE")? {
            Some(price) => quote.unit_cost(price.abs()),
            None => match ctx.number(tx, "AVGCOSTBASIS")? {
                Some(basis) => basis.abs() / quantity,
                None => Decimal::ZERO,
            },
        });
    } else {
        row.activity_type = ActivityType::TransferOut;
        row.fx_rate = None;
    }
    Ok(Outcome::Rows(vec![row]))
}

/// Cash in or out of the account's cash: deposits, withdrawals, and bank-side interest and
/// fees.
fn bank(ctx: &Context, tx: &Element) -> Result<Outcome, RowError> {
    let st = tx.child("STMTTRN").unwrap_or(tx);
    let amount = ctx.required(st, "TRNAMT")?;
    if amount.is_zero() {
        return Ok(Outcome::Ignored("a bank transaction of 0".to_string()));
    }
    let trntype = st.text_of("TRNTYPE").unwrap_or("").to_ascii_uppercase();
    let positive = amount > Decimal::ZERO;
    let t = match trntype.as_str() {
        "FEE" | "SRVCHG" if positive => {
            return Ok(Outcome::Ignored(format!(
            "a refund of a fee ({amount}) has no activity type; lower the fee it refunds by hand"
        )))
        }
        "FEE" | "SRVCHG" => ActivityType::Fee,
        "INT" | "DIV" if positive => ActivityType::Interest,
        "INT" | "DIV" => ActivityType::Fee,
        _ if positive => ActivityType::Deposit,
        _ => ActivityType::Withdrawal,
    };
    let mut row = ctx.row(st, t)?;
    row.line = ctx.line(tx);
    row.amount = Some(amount.abs());
    Ok(Outcome::Rows(vec![row]))
}

/// An expense or margin interest charged to the account.
fn expense(ctx: &Context, tx: &Element) -> Result<Outcome, RowError> {
    let total = ctx.required(tx, "TOTAL")?.abs();
    if total.is_zero() {
        return Ok(Outcome::Ignored(format!("a {} of 0", tx.name)));
    }
    let mut row = ctx.row(tx, ActivityType::Fee)?;
    row.security = ctx.security(tx);
    row.amount = Some(total);
    if tx.name == "MARGININTEREST" {
        with_note(&mut row, "margin interest");
    }
    Ok(Outcome::Rows(vec![row]))
}

fn split(ctx: &Context, tx: &Element) -> Result<Outcome, RowError> {
    let new = ctx.required(tx, "NUMERATOR")?;
    let old = ctx.required(tx, "DENOMINATOR")?;
    let ratio = SplitRatio::new(new, old)
        .map_err(|e| RowError::new(ctx.line(tx), format!("the SPLIT's ratio: {e}")))?;
    let mut row = ctx.row(tx, ActivityType::Split)?;
    row.security = Some(ctx.required_security(tx)?);
    row.split_ratio = Some(ratio);
    row.fx_rate = None;
    if let Some(cash) = ctx.number(tx, "FRACCASH")?.filter(|c| !c.is_zero()) {
        with_note(
            &mut row,
            &format!("{} paid for fractional shares, not recorded", cash.abs()),
        );
    }
    Ok(Outcome::Rows(vec![row]))
}
