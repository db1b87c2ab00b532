//! An activity as stored, and the checks a new or changed one must pass: each type needs some
//! fields and has no use for the others, which are refused rather than silently ignored.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{ActivityType, SplitRatio};
use crate::domain::error::bounded_text;
use crate::domain::{money, time, QuoteUnit, ValidationError};

/// Longest note kept on an activity.
pub const NOTES_MAX_CHARS: usize = 1000;
/// Longest import identity kept on an activity.
pub const EXTERNAL_ID_MAX_CHARS: usize = 255;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub id: Uuid,
    pub account_id: Uuid,
    pub activity_type: ActivityType,
    pub date: NaiveDate,
    pub security_id: Option<Uuid>,
    pub quantity: Option<Decimal>,
    pub unit_price: Option<Decimal>,
    pub amount: Option<Decimal>,
    pub fee: Option<Decimal>,
    /// The unit of `unit_price`, `amount` and `fee` as written: may be a minor unit (`GBp`).
    pub currency: String,
    /// Units of the account's currency for one unit of `currency`'s major currency.
    pub fx_rate: Option<Decimal>,
    pub split_ratio: Option<SplitRatio>,
    pub notes: Option<String>,
    /// An import's identity of the row, unique per account, so an import run twice adds nothing.
    pub external_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Activity {
    /// The fields a user wrote, to check them again after a change.
    pub fn fields(&self) -> ActivityFields {
        ActivityFields {
            activity_type: self.activity_type,
            date: self.date,
            security_id: self.security_id,
            quantity: self.quantity,
            unit_price: self.unit_price,
            amount: self.amount,
            fee: self.fee,
            currency: self.currency.clone(),
            fx_rate: self.fx_rate,
            split_ratio: self.split_ratio,
            notes: self.notes.clone(),
            external_id: self.external_id.clone(),
        }
    }

    fn set_fields(&mut self, f: ActivityFields) {
        self.activity_type = f.activity_type;
        self.date = f.date;
        self.security_id = f.security_id;
        self.quantity = f.quantity;
        self.unit_price = f.unit_price;
        self.amount = f.amount;
        self.fee = f.fee;
        self.currency = f.currency;
        self.fx_rate = f.fx_rate;
        self.split_ratio = f.split_ratio;
        self.notes = f.notes;
        self.external_id = f.external_id;
    }
}

/// What a user writes of an activity, not yet checked. The service resolves the defaults the
/// store knows (a symbol to a security, the default currency, today's date) before this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityFields {
    pub activity_type: ActivityType,
    pub date: NaiveDate,
    pub security_id: Option<Uuid>,
    pub quantity: Option<Decimal>,
    pub unit_price: Option<Decimal>,
    pub amount: Option<Decimal>,
    pub fee: Option<Decimal>,
    pub currency: String,
    pub fx_rate: Option<Decimal>,
    pub split_ratio: Option<SplitRatio>,
    pub notes: Option<String>,
    pub external_id: Option<String>,
}

/// Checked fields of an activity to create: only [`NewActivity::new`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewActivity {
    fields: ActivityFields,
}

impl NewActivity {
    /// Checks `fields` against the rules of its type. `today` is the user's current date, passed
    /// in so that the rule "no date after today" stays a pure function.
    pub fn new(fields: ActivityFields, today: NaiveDate) -> Result<Self, ValidationError> {
        Ok(Self {
            fields: check(fields, today)?,
        })
    }

    pub fn fields(&self) -> &ActivityFields {
        &self.fields
    }

    pub fn into_activity(self, id: Uuid, account_id: Uuid, at: DateTime<Utc>) -> Activity {
        let f = self.fields;
        Activity {
            id,
            account_id,
            activity_type: f.activity_type,
            date: f.date,
            security_id: f.security_id,
            quantity: f.quantity,
            unit_price: f.unit_price,
            amount: f.amount,
            fee: f.fee,
            currency: f.currency,
            fx_rate: f.fx_rate,
            split_ratio: f.split_ratio,
            notes: f.notes,
            external_id: f.external_id,
            created_at: at,
            updated_at: at,
        }
    }
}

/// A partial update; `Some(None)` clears an optional field. The activity it leaves is checked
/// whole, as a new one would be, since a change of type changes which fields are needed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityPatch {
    pub activity_type: Option<ActivityType>,
    pub date: Option<NaiveDate>,
    pub security_id: Option<Option<Uuid>>,
    pub quantity: Option<Option<Decimal>>,
    pub unit_price: Option<Option<Decimal>>,
    pub amount: Option<Option<Decimal>>,
    pub fee: Option<Option<Decimal>>,
    pub currency: Option<String>,
    pub fx_rate: Option<Option<Decimal>>,
    pub split_ratio: Option<Option<SplitRatio>>,
    pub notes: Option<Option<String>>,
    pub external_id: Option<Option<String>>,
}

impl ActivityPatch {
    /// Applies the change, or leaves `activity` untouched and says what is wrong.
    pub fn apply(self, activity: &mut Activity, today: NaiveDate) -> Result<(), ValidationError> {
        let mut f = activity.fields();
        if let Some(v) = self.activity_type {
            f.activity_type = v;
        }
        if let Some(v) = self.date {
            f.date = v;
        }
        if let Some(v) = self.security_id {
            f.security_id = v;
        }
        if let Some(v) = self.quantity {
            f.quantity = v;
        }
        if let Some(v) = self.unit_price {
            f.unit_price = v;
        }
        if let Some(v) = self.amount {
            f.amount = v;
        }
        if let Some(v) = self.fee {
            f.fee = v;
        }
        if let Some(v) = self.currency {
            f.currency = v;
        }
        if let Some(v) = self.fx_rate {
            f.fx_rate = v;
        }
        if let Some(v) = self.split_ratio {
            f.split_ratio = v;
        }
        if let Some(v) = self.notes {
            f.notes = v;
        }
        if let Some(v) = self.external_id {
            f.external_id = v;
        }
        activity.set_fields(check(f, today)?);
        Ok(())
    }
}

/// How a type uses a field: needed, allowed, or refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldUse {
    Needed,
    Optional,
    Refused,
}

/// The "needs" column of the ledger's activity table, field by field: the one statement of
/// which fields each type takes, that validation, the API's document and the forms read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    pub security: FieldUse,
    pub quantity: FieldUse,
    pub unit_price: FieldUse,
    pub amount: FieldUse,
    pub fee: FieldUse,
    pub split_ratio: FieldUse,
    /// Types that carry no money have no use for a rate.
    pub fx_rate: FieldUse,
}

impl Needs {
    /// Each field by its name on the wire, with its use.
    pub fn by_field(&self) -> [(&'static str, FieldUse); 7] {
        [
            ("security_id", self.security),
            ("quantity", self.quantity),
            ("unit_price", self.unit_price),
            ("amount", self.amount),
            ("fee", self.fee),
            ("split_ratio", self.split_ratio),
            ("fx_rate", self.fx_rate),
        ]
    }
}

/// Which fields a type of activity takes.
pub fn needs(t: ActivityType) -> Needs {
    use ActivityType as T;
    use FieldUse::*;
    let security = if t.needs_security() {
        Needed
    } else if t.allows_security() {
        Optional
    } else {
        Refused
    };
    let (quantity, unit_price, amount, fee, split_ratio, fx_rate) = match t {
        T::Buy | T::Sell => (Needed, Needed, Refused, Optional, Refused, Optional),
        T::Dividend => (Refused, Refused, Needed, Optional, Refused, Optional),
        T::Interest | T::Fee | T::Tax | T::Deposit | T::Withdrawal => {
            (Refused, Refused, Needed, Refused, Refused, Optional)
        }
        T::TransferIn => (Needed, Needed, Refused, Refused, Refused, Optional),
        T::TransferOut => (Needed, Refused, Refused, Refused, Refused, Refused),
        T::Split => (Refused, Refused, Refused, Refused, Needed, Refused),
    };
    Needs {
        security,
        quantity,
        unit_price,
        amount,
        fee,
        split_ratio,
        fx_rate,
    }
}

/// Holds `value` to how the type uses `field`.
fn used<T>(
    field: &'static str,
    value: Option<T>,
    how: FieldUse,
    t: ActivityType,
) -> Result<Option<T>, ValidationError> {
    match (how, value) {
        (FieldUse::Needed, None) => Err(ValidationError::new(
            field,
            format!("is required for a {t} activity"),
        )),
        (FieldUse::Refused, Some(_)) => Err(ValidationError::new(
            field,
            format!("is not used by a {t} activity"),
        )),
        (_, value) => Ok(value),
    }
}

fn check(f: ActivityFields, today: NaiveDate) -> Result<ActivityFields, ValidationError> {
    let t = f.activity_type;
    let n = needs(t);
    let date = time::check_date("date", f.date)?;
    if date > today {
        return Err(ValidationError::new(
            "date",
            format!("must be today ({today}) or earlier"),
        ));
    }
    let currency = QuoteUnit::parse(&f.currency)
        .map_err(|e| ValidationError::new("currency", e.message))?
        .raw;
    let security_id = used("security_id", f.security_id, n.security, t)?;
    let quantity = used("quantity", f.quantity, n.quantity, t)?
        .map(|q| money::positive("quantity", q))
        .transpose()?;
    let unit_price = used("unit_price", f.unit_price, n.unit_price, t)?
        .map(|p| money::non_negative("unit_price", p))
        .transpose()?;
    let amount = used("amount", f.amount, n.amount, t)?
        .map(|a| money::positive("amount", a))
        .transpose()?;
    let fee = used("fee", f.fee, n.fee, t)?
        .map(|v| money::non_negative("fee", v))
        .transpose()?;
    let split_ratio = used("split_ratio", f.split_ratio, n.split_ratio, t)?;
    let fx_rate = used("fx_rate", f.fx_rate, n.fx_rate, t)?
        .map(|r| money::positive("fx_rate", r))
        .transpose()?;
    let notes = f
        .notes
        .map(|s| bounded_text("notes", &s, 0, NOTES_MAX_CHARS))
        .transpose()?
        .filter(|s| !s.is_empty());
    let external_id = f
        .external_id
        .map(|s| bounded_text("external_id", &s, 1, EXTERNAL_ID_MAX_CHARS))
        .transpose()?;
    Ok(ActivityFields {
        activity_type: t,
        date,
        security_id,
        quantity,
        unit_price,
        amount,
        fee,
        currency,
        fx_rate,
        split_ratio,
        notes,
        external_id,
    })
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn day(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    fn today() -> NaiveDate {
        day(2025, 6, 30)
    }

    /// Fields with nothing filled in but the type, a past date and a currency.
    fn bare(t: ActivityType) -> ActivityFields {
        ActivityFields {
            activity_type: t,
            date: day(2025, 1, 2),
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
        }
    }

    /// The smallest valid activity of each type.
    fn valid(t: ActivityType) -> ActivityFields {
        use ActivityType as T;
        let mut f = bare(t);
        if t.needs_security() {
            f.security_id = Some(Uuid::from_u128(7));
        }
        match t {
            T::Buy | T::Sell | T::TransferIn => {
                f.quantity = Some(d("10"));
                f.unit_price = Some(d("12.5"));
            }
            T::TransferOut => f.quantity = Some(d("10")),
            T::Split => f.split_ratio = Some(SplitRatio::parse("2:1").unwrap()),
            _ => f.amount = Some(d("100")),
        }
        f
    }

    fn field_of(f: ActivityFields) -> &'static str {
        NewActivity::new(f, today()).unwrap_err().field
    }

    #[test]
    fn the_smallest_activity_of_each_type_is_valid() {
        for t in ActivityType::ALL {
            let a = NewActivity::new(valid(t), today())
                .unwrap_or_else(|e| panic!("{t}: {e}"))
                .into_activity(Uuid::from_u128(1), Uuid::from_u128(2), crate::domain::now());
            assert_eq!(a.activity_type, t);
        }
    }

    #[test]
    fn each_type_names_the_field_it_needs() {
        use ActivityType as T;
        let without = |t: ActivityType, clear: fn(&mut ActivityFields)| {
            let mut f = valid(t);
            clear(&mut f);
            field_of(f)
        };
        for t in [T::Buy, T::Sell, T::TransferIn] {
            assert_eq!(without(t, |f| f.security_id = None), "security_id");
            assert_eq!(without(t, |f| f.quantity = None), "quantity");
            assert_eq!(without(t, |f| f.unit_price = None), "unit_price");
        }
        assert_eq!(without(T::TransferOut, |f| f.quantity = None), "quantity");
        assert_eq!(
            without(T::TransferOut, |f| f.security_id = None),
            "security_id"
        );
        assert_eq!(without(T::Split, |f| f.split_ratio = None), "split_ratio");
        assert_eq!(without(T::Split, |f| f.security_id = None), "security_id");
        assert_eq!(
            without(T::Dividend, |f| f.security_id = None),
            "security_id"
        );
        for t in [
            T::Dividend,
            T::Interest,
            T::Fee,
            T::Tax,
            T::Deposit,
            T::Withdrawal,
        ] {
            assert_eq!(without(t, |f| f.amount = None), "amount");
        }
        let message = NewActivity::new(
            {
                let mut f = valid(T::Buy);
                f.quantity = None;
                f
            },
            today(),
        )
        .unwrap_err()
        .message;
        assert_eq!(message, "is required for a buy activity");
    }

    #[test]
    fn signs_and_bounds_per_field() {
        use ActivityType as T;
        let with = |t: ActivityType, set: fn(&mut ActivityFields)| {
            let mut f = valid(t);
            set(&mut f);
            NewActivity::new(f, today())
                .map(|_| ())
                .map_err(|e| e.field)
        };
        assert_eq!(with(T::Buy, |f| f.quantity = Some(d("0"))), Err("quantity"));
        assert_eq!(
            with(T::Sell, |f| f.quantity = Some(d("-1"))),
            Err("quantity")
        );
        assert_eq!(with(T::Buy, |f| f.unit_price = Some(d("0"))), Ok(()));
        assert_eq!(
            with(T::Buy, |f| f.unit_price = Some(d("-0.01"))),
            Err("unit_price")
        );
        assert_eq!(with(T::Buy, |f| f.fee = Some(d("0"))), Ok(()));
        assert_eq!(with(T::Sell, |f| f.fee = Some(d("-1"))), Err("fee"));
        assert_eq!(with(T::Dividend, |f| f.fee = Some(d("15"))), Ok(()));
        assert_eq!(
            with(T::Dividend, |f| f.amount = Some(d("0"))),
            Err("amount")
        );
        assert_eq!(
            with(T::Deposit, |f| f.amount = Some(d("-5"))),
            Err("amount")
        );
        assert_eq!(with(T::TransferIn, |f| f.unit_price = Some(d("0"))), Ok(()));
        assert_eq!(with(T::Buy, |f| f.fx_rate = Some(d("0"))), Err("fx_rate"));
        assert_eq!(with(T::Buy, |f| f.fx_rate = Some(d("1.27"))), Ok(()));
        assert_eq!(
            with(T::Buy, |f| f.quantity = Some(d("0.00000000001"))),
            Err("quantity")
        );
        assert_eq!(
            with(T::Interest, |f| f.security_id = Some(Uuid::nil())),
            Ok(())
        );
        assert_eq!(with(T::Fee, |f| f.security_id = Some(Uuid::nil())), Ok(()));
        assert_eq!(
            with(T::Fee, |f| f.currency = "pence".into()),
            Err("currency")
        );
        assert_eq!(with(T::Buy, |f| f.currency = "GBp".into()), Ok(()));
        assert_eq!(
            with(T::Buy, |f| f.notes = Some("x".repeat(1001))),
            Err("notes")
        );
        assert_eq!(
            with(T::Buy, |f| f.external_id = Some(" ".into())),
            Err("external_id")
        );
    }

    #[test]
    fn fields_a_type_has_no_use_for_are_refused() {
        use ActivityType as T;
        let with = |t: ActivityType, set: fn(&mut ActivityFields)| {
            let mut f = valid(t);
            set(&mut f);
            field_of(f)
        };
        assert_eq!(with(T::Buy, |f| f.amount = Some(d("1"))), "amount");
        assert_eq!(
            with(T::Buy, |f| f.split_ratio = SplitRatio::parse("2:1").ok()),
            "split_ratio"
        );
        assert_eq!(with(T::Deposit, |f| f.quantity = Some(d("1"))), "quantity");
        assert_eq!(
            with(T::Deposit, |f| f.security_id = Some(Uuid::nil())),
            "security_id"
        );
        assert_eq!(with(T::Withdrawal, |f| f.fee = Some(d("1"))), "fee");
        assert_eq!(with(T::Interest, |f| f.fee = Some(d("1"))), "fee");
        assert_eq!(with(T::Dividend, |f| f.quantity = Some(d("1"))), "quantity");
        assert_eq!(with(T::TransferIn, |f| f.fee = Some(d("1"))), "fee");
        assert_eq!(
            with(T::TransferOut, |f| f.unit_price = Some(d("1"))),
            "unit_price"
        );
        assert_eq!(
            with(T::TransferOut, |f| f.fx_rate = Some(d("1"))),
            "fx_rate"
        );
        assert_eq!(with(T::Split, |f| f.quantity = Some(d("1"))), "quantity");
        assert_eq!(with(T::Split, |f| f.fx_rate = Some(d("1"))), "fx_rate");
        let message = NewActivity::new(
            {
                let mut f = valid(T::Deposit);
                f.quantity = Some(d("1"));
                f
            },
            today(),
        )
        .unwrap_err()
        .message;
        assert_eq!(message, "is not used by a deposit activity");
    }

    #[test]
    fn dates_after_today_or_outside_the_kept_range_are_refused() {
        let mut f = valid(ActivityType::Deposit);
        f.date = today();
        assert!(NewActivity::new(f.clone(), today()).is_ok());
        f.date = day(2025, 7, 1);
        let err = NewActivity::new(f.clone(), today()).unwrap_err();
        assert_eq!(err.field, "date");
        assert_eq!(err.message, "must be today (2025-06-30) or earlier");
        f.date = day(1899, 12, 31);
        assert_eq!(field_of(f), "date");
    }

    #[test]
    fn text_is_normalised() {
        let mut f = valid(ActivityType::Buy);
        f.currency = " gbp ".into();
        f.notes = Some("  ".into());
        f.external_id = Some(" row-17 ".into());
        let n = NewActivity::new(f, today()).unwrap();
        assert_eq!(n.fields().currency, "GBP");
        assert_eq!(n.fields().notes, None);
        assert_eq!(n.fields().external_id.as_deref(), Some("row-17"));
        let mut f = valid(ActivityType::Buy);
        f.currency = "GBp".into();
        assert_eq!(
            NewActivity::new(f, today()).unwrap().fields().currency,
            "GBp"
        );
    }

    #[test]
    fn a_patch_is_checked_whole_and_leaves_a_refused_change_undone() {
        let mut a = NewActivity::new(valid(ActivityType::Buy), today())
            .unwrap()
            .into_activity(Uuid::from_u128(1), Uuid::from_u128(2), crate::domain::now());
        let before = a.clone();
        // A buy turned into a dividend still carries quantity and price: refused, unchanged.
        let err = ActivityPatch {
            activity_type: Some(ActivityType::Dividend),
            amount: Some(Some(d("40"))),
            ..Default::default()
        }
        .apply(&mut a, today())
        .unwrap_err();
        assert_eq!(err.field, "quantity");
        assert_eq!(a, before);
        // Clearing them makes a valid dividend.
        ActivityPatch {
            activity_type: Some(ActivityType::Dividend),
            amount: Some(Some(d("40"))),
            quantity: Some(None),
            unit_price: Some(None),
            ..Default::default()
        }
        .apply(&mut a, today())
        .unwrap();
        assert_eq!(a.activity_type, ActivityType::Dividend);
        assert_eq!(a.amount, Some(d("40")));
        assert_eq!(a.quantity, None);
        // A date after today is refused on a change too.
        let err = ActivityPatch {
            date: Some(day(2025, 7, 1)),
            ..Default::default()
        }
        .apply(&mut a, today())
        .unwrap_err();
        assert_eq!(err.field, "date");
        assert_eq!(a.date, day(2025, 1, 2));
    }
}
