//! Rows as files write them made into rows as the ledger takes them. Exports put the same
//! fact in different fields (a dividend as shares x rate, a fee in the fee column of a fee
//! row, a deposit with the bank's fee on the same line), and every type of activity takes
//! only its own fields: each row is reshaped once here, whatever its format.

use rust_decimal::Decimal;

use super::ImportRow;
use crate::domain::ledger::{needs, ActivityType, FieldUse};

/// Prices derived from a total keep this many places, the most an amount may have.
const DERIVED_PRICE_PLACES: u32 = 10;

/// The activities `row` stands for: itself with only the fields its type takes, followed by
/// a fee or tax of its own where its type cannot carry them.
pub fn normalize(mut row: ImportRow) -> Vec<ImportRow> {
    for value in [
        &mut row.quantity,
        &mut row.unit_price,
        &mut row.amount,
        &mut row.fee,
        &mut row.tax,
    ] {
        *value = value.map(|v| v.abs().normalize());
    }
    let zero_is_none = |v: Option<Decimal>| v.filter(|v| !v.is_zero());
    row.fee = zero_is_none(row.fee);
    row.tax = zero_is_none(row.tax);

    let t = row.activity_type;
    let n = needs(t);
    // A fee row that writes its amount in the fee column (Ghostfolio, most brokers).
    if t == ActivityType::Fee && zero_is_none(row.amount).is_none() {
        if let Some(fee) = row.fee.take() {
            row.amount = Some(fee);
        }
    }
    if n.amount == FieldUse::Needed && row.amount.is_none() {
        if let (Some(q), Some(p)) = (row.quantity, row.unit_price) {
            row.amount = Some((q * p).normalize());
        }
    }
    if n.unit_price == FieldUse::Needed && row.unit_price.is_none() {
        if let (Some(a), Some(q)) = (row.amount, row.quantity.filter(|q| !q.is_zero())) {
            row.unit_price = Some((a / q).round_dp(DERIVED_PRICE_PLACES).normalize());
        }
    }
    if t == ActivityType::Dividend {
        row.fee = sum(row.fee, row.tax.take());
    }

    let mut extra = Vec::new();
    if n.fee == FieldUse::Refused {
        if let Some(fee) = row.fee.take() {
            extra.push(split_off(&row, ActivityType::Fee, fee, "fee"));
        }
    }
    if let Some(tax) = row.tax.take() {
        extra.push(split_off(&row, ActivityType::Tax, tax, "tax"));
    }
    if n.security == FieldUse::Refused {
        row.security = None;
    }
    if n.quantity == FieldUse::Refused {
        row.quantity = None;
    }
    if n.unit_price == FieldUse::Refused {
        row.unit_price = None;
    }
    if n.amount == FieldUse::Refused {
        row.amount = None;
    }
    if n.split_ratio == FieldUse::Refused {
        row.split_ratio = None;
    }
    if n.fx_rate == FieldUse::Refused {
        row.fx_rate = None;
    }
    let mut rows = vec![row];
    rows.extend(extra);
    rows
}

fn sum(a: Option<Decimal>, b: Option<Decimal>) -> Option<Decimal> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a + b),
        (a, b) => a.or(b),
    }
}

/// A fee or tax paid with `row`, as an activity of its own on the same line and day.
fn split_off(row: &ImportRow, t: ActivityType, amount: Decimal, suffix: &str) -> ImportRow {
    let mut out = ImportRow::new(row.line, t, row.date);
    out.amount = Some(amount);
    out.currency = row.currency.clone();
    out.fx_rate = row.fx_rate;
    out.security = row.security.clone();
    out.notes = row.notes.clone();
    out.source_id = row.source_id.as_ref().map(|id| format!("{id}:{suffix}"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn row(t: ActivityType) -> ImportRow {
        ImportRow::new(7, t, NaiveDate::from_ymd_opt(2024, 2, 1).unwrap())
    }

    #[test]
    fn a_dividend_written_as_shares_times_rate_becomes_its_amount() {
        // 10 shares x 0.24 per share = 2.40 gross; 0.36 withheld becomes its fee.
        let mut r = row(ActivityType::Dividend);
        r.quantity = Some(d("10"));
        r.unit_price = Some(d("0.24"));
        r.tax = Some(d("-0.36"));
        let out = normalize(r);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].amount, Some(d("2.4")));
        assert_eq!(out[0].fee, Some(d("0.36")));
        assert_eq!((out[0].quantity, out[0].unit_price), (None, None));
    }

    #[test]
    fn a_fee_row_with_its_amount_in_the_fee_column() {
        let mut r = row(ActivityType::Fee);
        r.quantity = Some(d("0"));
        r.unit_price = Some(d("0"));
        r.fee = Some(d("49"));
        let out = normalize(r);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].amount, Some(d("49")));
        assert_eq!(out[0].fee, None);
    }

    #[test]
    fn a_deposit_with_a_fee_is_a_deposit_and_a_fee() {
        // 352.45 paid in, of which 2.45 kept by the bank: both are recorded.
        let mut r = row(ActivityType::Deposit);
        r.amount = Some(d("352.45"));
        r.fee = Some(d("-2.45"));
        r.source_id = Some("cf5a".into());
        let out = normalize(r);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].amount, Some(d("352.45")));
        assert_eq!(out[1].activity_type, ActivityType::Fee);
        assert_eq!(out[1].amount, Some(d("2.45")));
        assert_eq!(out[1].source_id.as_deref(), Some("cf5a:fee"));
        assert_eq!(out[1].line, 7);
    }

    #[test]
    fn a_sale_with_only_its_total_gets_the_price_per_share() {
        // 1,000.00 for 3 shares: 333.3333333333 a share, to ten places.
        let mut r = row(ActivityType::Sell);
        r.quantity = Some(d("-3"));
        r.amount = Some(d("1000.00"));
        r.tax = Some(d("12.5"));
        let out = normalize(r);
        assert_eq!(out[0].quantity, Some(d("3")));
        assert_eq!(out[0].unit_price, Some(d("333.3333333333")));
        assert_eq!(out[0].amount, None);
        assert_eq!(out[1].activity_type, ActivityType::Tax);
        assert_eq!(out[1].amount, Some(d("12.5")));
    }

    #[test]
    fn cash_rows_drop_a_placeholder_security() {
        let mut r = row(ActivityType::Deposit);
        r.amount = Some(d("5000"));
        r.security = Some(super::super::SecurityKey::symbol("$CASH-USD"));
        assert_eq!(normalize(r)[0].security, None);
    }
}
