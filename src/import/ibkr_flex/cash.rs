//! The CashTransactions section: income, withholding, interest, fees and cash moved in or out.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Context, Row};
use crate::domain::ledger::ActivityType;
use crate::import::{ImportRow, Parsed, RowError};

/// What a cash transaction's `type` makes of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dividend,
    Withholding,
    Interest,
    Fee,
    DepositOrWithdrawal,
}

impl Kind {
    fn of(raw: &str) -> Option<Self> {
        let t = raw.trim().to_ascii_lowercase();
        match t.as_str() {
            "dividends" | "payment in lieu of dividends" => Some(Self::Dividend),
            "withholding tax" | "871(m) withholding" => Some(Self::Withholding),
            "other fees" | "commission adjustments" | "advisor fees" | "broker fees" => {
                Some(Self::Fee)
            }
            "deposits/withdrawals" | "deposits & withdrawals" => Some(Self::DepositOrWithdrawal),
            _ if t.contains("interest") => Some(Self::Interest),
            _ => None,
        }
    }

    /// Whether `amount` runs against the kind (a dividend taken back, a tax or fee refunded):
    /// a reversal of another row rather than an activity.
    fn reverses(self, amount: Decimal) -> bool {
        match self {
            Self::Dividend => amount < Decimal::ZERO,
            Self::Withholding | Self::Fee => amount > Decimal::ZERO,
            Self::Interest | Self::DepositOrWithdrawal => false,
        }
    }

    fn unreversed(self, amount: Decimal) -> String {
        match self {
            Self::Dividend => format!(
                "takes back a dividend of {} that is not in this file; lower that dividend by hand",
                amount.abs()
            ),
            Self::Withholding => format!(
                "refunds {amount} of withheld tax that is not in this file; no activity type \
                 takes tax back, so lower that dividend's tax by hand"
            ),
            _ => format!(
                "refunds a fee of {amount} that is not in this file; no activity type takes a \
                 fee back, so lower that fee by hand"
            ),
        }
    }
}

/// A cash transaction, read.
struct Entry<'a> {
    row: &'a Row,
    kind: Kind,
    amount: Decimal,
    date: NaiveDate,
    currency: Option<String>,
    security: String,
    /// Passed over already (a reversal and what it reverses, a tax merged into a dividend).
    done: bool,
}

impl Entry<'_> {
    /// Whether `other` is about the same security in the same currency.
    fn same_holding(&self, other: &Entry) -> bool {
        self.security == other.security && self.currency == other.currency
    }
}

pub(super) fn read(ctx: &Context, rows: &[&Row], parsed: &mut Parsed) {
    // Queries set to both levels of detail list each transaction and a sum of them.
    let details = rows.iter().any(|r| {
        r.get("levelOfDetail")
            .is_some_and(|l| l.eq_ignore_ascii_case("DETAIL"))
    });
    let mut entries = Vec::new();
    for &row in rows {
        let level = row.get("levelOfDetail").unwrap_or("");
        if details && level.eq_ignore_ascii_case("SUMMARY") {
            parsed.ignore(row.line, "a summary of the detail lines");
            continue;
        }
        let type_ = row.get("type").unwrap_or("");
        let Some(kind) = Kind::of(type_) else {
            parsed.ignore(
                row.line,
                format!("a cash transaction of type '{type_}' is not read"),
            );
            continue;
        };
        let read = || -> Result<Entry, RowError> {
            Ok(Entry {
                row,
                kind,
                amount: row.required("amount")?,
                date: row.date(&["dateTime", "date", "settleDate", "reportDate"])?,
                currency: row.currency(),
                security: row.security_id(),
                done: false,
            })
        };
        match read() {
            Ok(entry) if entry.amount.is_zero() => parsed.ignore(row.line, "an amount of 0"),
            Ok(entry) => entries.push(entry),
            Err(e) => parsed.errors.push(e),
        }
    }

    set_off_reversals(&mut entries, parsed);
    let mut dividends: Vec<(usize, ImportRow)> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        if entry.kind == Kind::Dividend && !entry.done {
            match row_of(ctx, entry, ActivityType::Dividend) {
                Ok(row) => dividends.push((i, row)),
                Err(e) => parsed.errors.push(e),
            }
        }
    }
    merge_withholding(ctx, &mut entries, &mut dividends, parsed);
    parsed
        .rows
        .extend(dividends.into_iter().map(|(_, row)| row));

    for entry in entries.iter().filter(|e| !e.done) {
        let positive = entry.amount > Decimal::ZERO;
        let t = match entry.kind {
            Kind::Dividend | Kind::Withholding => continue,
            Kind::Interest if positive => ActivityType::Interest,
            Kind::Interest | Kind::Fee => ActivityType::Fee,
            Kind::DepositOrWithdrawal if positive => ActivityType::Deposit,
            Kind::DepositOrWithdrawal => ActivityType::Withdrawal,
        };
        parsed.push(row_of(ctx, entry, t));
    }
}

/// Sets each reversal against the row it reverses (same kind, security, currency and amount,
/// the same date preferred) and passes both over; a reversal of nothing in the file is passed
/// over with what to do instead.
fn set_off_reversals(entries: &mut [Entry], parsed: &mut Parsed) {
    for i in 0..entries.len() {
        let entry = &entries[i];
        if entry.done || !entry.kind.reverses(entry.amount) {
            continue;
        }
        let candidates = |same_date: bool| {
            entries.iter().position(|other| {
                !other.done
                    && other.kind == entry.kind
                    && other.amount == -entry.amount
                    && other.same_holding(entry)
                    && (!same_date || other.date == entry.date)
            })
        };
        match candidates(true).or_else(|| candidates(false)) {
            Some(j) => {
                let (line, other_line) = (entries[i].row.line, entries[j].row.line);
                parsed.ignore(line, format!("reverses line {other_line}"));
                parsed.ignore(other_line, format!("reversed by line {line}"));
                entries[i].done = true;
                entries[j].done = true;
            }
            None => {
                let reason = entry.kind.unreversed(entry.amount);
                parsed.ignore(entry.row.line, reason);
                entries[i].done = true;
            }
        }
    }
}

/// Puts each tax withheld into the fee of the dividend it was withheld from: the dividend of
/// the same security, date and currency, one not yet taxed first (two dividends paid on one
/// day each come with their own tax). A tax with no such dividend stays a tax.
fn merge_withholding(
    ctx: &Context,
    entries: &mut [Entry],
    dividends: &mut [(usize, ImportRow)],
    parsed: &mut Parsed,
) {
    for i in 0..entries.len() {
        let tax = &entries[i];
        if tax.kind != Kind::Withholding || tax.done {
            continue;
        }
        let matching: Vec<usize> = dividends
            .iter()
            .enumerate()
            .filter(|(_, (d, _))| {
                let dividend = &entries[*d];
                dividend.same_holding(tax) && dividend.date == tax.date
            })
            .map(|(k, _)| k)
            .collect();
        let chosen = matching
            .iter()
            .copied()
            .find(|&k| dividends[k].1.fee.is_none())
            .or(matching.first().copied());
        match chosen {
            Some(k) => {
                let withheld = tax.amount.abs();
                let dividend = &mut dividends[k].1;
                dividend.fee = Some(dividend.fee.unwrap_or(Decimal::ZERO) + withheld);
                parsed.ignore(
                    tax.row.line,
                    format!(
                        "withholding tax of {withheld} put into the dividend at line {} as its fee",
                        dividend.line
                    ),
                );
            }
            None => parsed.push(row_of(ctx, tax, ActivityType::Tax)),
        }
        entries[i].done = true;
    }
}

fn row_of(ctx: &Context, entry: &Entry, t: ActivityType) -> Result<ImportRow, RowError> {
    let row = entry.row;
    let mut out = ImportRow::new(row.line, t, entry.date);
    out.amount = Some(entry.amount.abs());
    out.currency = entry.currency.clone();
    out.fx_rate = ctx.fx_rate(row)?;
    out.notes = row.get("description").map(str::to_string);
    out.source_id = row.source_id();
    if t.allows_security() {
        out.security = row.security(false);
    }
    if t.needs_security() && out.security.is_none() {
        return Err(RowError::new(
            row.line,
            format!("the {t} names no security (symbol, isin, cusip)"),
        ));
    }
    Ok(out)
}
