//! The activity form: one event of an investment account's ledger. It shows only the fields
//! the chosen type uses (the ledger's "needs" column, plus the date, currency, rate and notes
//! where the type carries money), and checks them with the domain's own rules
//! ([`NewActivity::new`]) before anything is sent.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::ledger::{
    Activity, ActivityFields, ActivityPatch, ActivityType, NewActivity, SplitRatio,
};
use crate::domain::{time, Symbol, ValidationError};
use crate::service::activities::{ActivityChange, ActivityDraft};
use crate::service::portfolio::SecurityRef;
use crate::tui::action::Submission;

use super::{optional_decimal, Field, Form, FormKind};

/// What a new activity's form starts with (from the command line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityPrefill {
    pub activity_type: Option<ActivityType>,
    pub symbol: Option<String>,
    pub quantity: Option<String>,
    pub unit_price: Option<String>,
    pub amount: Option<String>,
    pub fee: Option<String>,
    pub date: Option<String>,
}

/// The fields a type's form shows, in order, after the account and the type.
fn shown(t: ActivityType) -> &'static [&'static str] {
    use ActivityType as T;
    match t {
        T::Buy | T::Sell => &[
            "security_id",
            "quantity",
            "unit_price",
            "fee",
            "date",
            "currency",
            "fx_rate",
            "notes",
        ],
        T::TransferIn => &[
            "security_id",
            "quantity",
            "unit_price",
            "date",
            "currency",
            "fx_rate",
            "notes",
        ],
        T::TransferOut => &["security_id", "quantity", "date", "notes"],
        T::Dividend => &[
            "security_id",
            "amount",
            "fee",
            "date",
            "currency",
            "fx_rate",
            "notes",
        ],
        T::Interest | T::Fee | T::Tax => &[
            "security_id",
            "amount",
            "date",
            "currency",
            "fx_rate",
            "notes",
        ],
        T::Deposit | T::Withdrawal => &["amount", "date", "currency", "fx_rate", "notes"],
        T::Split => &["security_id", "split_ratio", "date", "notes"],
    }
}

/// A field of the activity form, empty or with `value`.
fn field(t: ActivityType, key: &'static str, value: String) -> Field {
    let (label, hint) = match key {
        "security_id" if t.needs_security() => ("Symbol", "ticker, e.g. AAPL or OCDO.L"),
        "security_id" => ("Symbol", "optional: the security it is for"),
        "quantity" => ("Quantity", "more than 0"),
        "unit_price" if t == ActivityType::TransferIn => ("Unit cost", "the cost carried over"),
        "unit_price" => ("Unit price", "per share, 0 or more"),
        "amount" if t == ActivityType::Dividend => ("Amount", "gross, more than 0"),
        "amount" => ("Amount", "more than 0"),
        "fee" if t == ActivityType::Dividend => ("Withheld", "tax withheld at source"),
        "fee" => ("Fee", "optional, 0 or more"),
        "split_ratio" => ("Ratio", "N:M, N new for M old, e.g. 2:1"),
        "date" => ("Date", "YYYY-MM-DD, today or earlier"),
        "currency" => ("Currency", "empty: the security's, else the account's"),
        "fx_rate" => ("FX rate", "optional: account currency per unit"),
        _ => ("Notes", "optional"),
    };
    Field::text(key, label, value, hint)
}

fn type_choices() -> Vec<(String, String)> {
    ActivityType::ALL
        .iter()
        .map(|t| (t.as_str().replace('_', " "), t.as_str().to_string()))
        .collect()
}

fn text(value: Option<Decimal>) -> String {
    value.map(|v| v.normalize().to_string()).unwrap_or_default()
}

impl Form {
    /// A new activity in `account` (asked for when `None` and there are several), a buy
    /// unless the prefill says otherwise.
    pub fn new_activity(
        accounts: &[(Uuid, String)],
        account: Option<Uuid>,
        prefill: &ActivityPrefill,
        today: NaiveDate,
    ) -> Self {
        let mut options: Vec<(String, String)> = accounts
            .iter()
            .map(|(id, n)| (n.clone(), id.to_string()))
            .collect();
        let account = account.or(match accounts {
            [(only, _)] => Some(*only),
            _ => None,
        });
        if account.is_none() {
            options.insert(0, ("(choose)".to_string(), String::new()));
        }
        let t = prefill.activity_type.unwrap_or(ActivityType::Buy);
        let mut fields = vec![
            Field::choice(
                "account",
                "Account",
                options,
                account.map(|a| a.to_string()).unwrap_or_default(),
            ),
            Field::choice("activity_type", "Type", type_choices(), t.as_str()),
        ];
        let given = |v: &Option<String>| v.clone().unwrap_or_default();
        for key in shown(t) {
            let value = match *key {
                "security_id" => given(&prefill.symbol),
                "quantity" => given(&prefill.quantity),
                "unit_price" => given(&prefill.unit_price),
                "amount" => given(&prefill.amount),
                "fee" => given(&prefill.fee),
                "date" => prefill
                    .date
                    .clone()
                    .unwrap_or_else(|| today.format("%Y-%m-%d").to_string()),
                _ => String::new(),
            };
            fields.push(field(t, key, value));
        }
        Self::new("New activity", FormKind::NewActivity { today }, fields)
    }

    pub fn edit_activity(
        account: Uuid,
        a: &Activity,
        symbol: Option<&Symbol>,
        today: NaiveDate,
    ) -> Self {
        let t = a.activity_type;
        let mut fields = vec![Field::choice(
            "activity_type",
            "Type",
            type_choices(),
            t.as_str(),
        )];
        for key in shown(t) {
            let value = match *key {
                "security_id" => symbol.map(ToString::to_string).unwrap_or_default(),
                "quantity" => text(a.quantity),
                "unit_price" => text(a.unit_price),
                "amount" => text(a.amount),
                "fee" => text(a.fee),
                "split_ratio" => a
                    .split_ratio
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                "date" => a.date.to_string(),
                "currency" => a.currency.clone(),
                "fx_rate" => text(a.fx_rate),
                _ => a.notes.clone().unwrap_or_default(),
            };
            fields.push(field(t, key, value));
        }
        Self::new(
            format!("Edit {t} of {}", a.date),
            FormKind::EditActivity {
                account,
                id: a.id,
                today,
            },
            fields,
        )
    }

    /// After the type changed: the fields of the new type, keeping what was typed into those
    /// both types use.
    pub(super) fn follow_activity_type(&mut self) {
        let Ok(t) = ActivityType::from_str(self.value("activity_type")) else {
            return;
        };
        let keep = self
            .fields
            .iter()
            .position(|f| f.key == "activity_type")
            .map_or(0, |i| i + 1);
        let old: Vec<Field> = self.fields.split_off(keep);
        for key in shown(t) {
            let value = old
                .iter()
                .find(|f| f.key == *key)
                .map(|f| f.value.clone())
                .unwrap_or_default();
            self.fields.push(field(t, key, value));
        }
    }

    /// The activity to record, or the change to one: read from the fields shown, checked by
    /// the domain's rules, with the defaults the service resolves left open.
    pub(super) fn activity_draft(&self) -> Result<Submission, ValidationError> {
        let today = match &self.kind {
            FormKind::NewActivity { today } | FormKind::EditActivity { today, .. } => *today,
            _ => {
                return Err(ValidationError::new(
                    "activity_type",
                    "not an activity form",
                ))
            }
        };
        let t = ActivityType::from_str(self.value("activity_type"))?;
        let security = match self.value("security_id") {
            "" => None,
            raw => Some(
                Symbol::parse(raw).map_err(|e| ValidationError::new("security_id", e.message))?,
            ),
        };
        let quantity = optional_decimal(self.value("quantity"), "quantity")?;
        let unit_price = optional_decimal(self.value("unit_price"), "unit_price")?;
        let amount = optional_decimal(self.value("amount"), "amount")?;
        let fee = optional_decimal(self.value("fee"), "fee")?;
        let fx_rate = optional_decimal(self.value("fx_rate"), "fx_rate")?;
        let split_ratio = match self.value("split_ratio") {
            "" => None,
            raw => Some(SplitRatio::parse(raw)?),
        };
        let date = match self.value("date") {
            "" => None,
            raw => Some(time::parse_date("date", raw)?),
        };
        let currency = match self.value("currency") {
            "" => None,
            raw => Some(raw.to_string()),
        };
        let notes = match self.value("notes") {
            "" => None,
            raw => Some(raw.to_string()),
        };
        // The domain's checks, once. The service resolves the symbol to its security and an
        // empty currency to the security's or the account's; stand-ins take their places
        // here, as only whether they are given matters to the other fields' checks.
        NewActivity::new(
            ActivityFields {
                activity_type: t,
                date: date.unwrap_or(today),
                security_id: security.as_ref().map(|_| Uuid::nil()),
                quantity,
                unit_price,
                amount,
                fee,
                currency: currency.clone().unwrap_or_else(|| "USD".to_string()),
                fx_rate,
                split_ratio,
                notes: notes.clone(),
                external_id: None,
            },
            today,
        )?;
        let security = security.map(SecurityRef::Symbol);
        match &self.kind {
            FormKind::EditActivity { account, id, .. } => Ok(Submission::UpdateActivity {
                account: *account,
                id: *id,
                change: Box::new(ActivityChange {
                    security: Some(security),
                    // Every field the type does not show is cleared: a change of type leaves
                    // nothing of the old one behind.
                    patch: ActivityPatch {
                        activity_type: Some(t),
                        date,
                        security_id: None,
                        quantity: Some(quantity),
                        unit_price: Some(unit_price),
                        amount: Some(amount),
                        fee: Some(fee),
                        currency,
                        fx_rate: Some(fx_rate),
                        split_ratio: Some(split_ratio),
                        notes: Some(notes),
                        external_id: None,
                    },
                }),
            }),
            _ => {
                let account = Uuid::parse_str(self.value("account"))
                    .map_err(|_| ValidationError::new("account", "choose an investment account"))?;
                Ok(Submission::CreateActivity {
                    account,
                    draft: Box::new(ActivityDraft {
                        activity_type: t,
                        date,
                        security,
                        quantity,
                        unit_price,
                        amount,
                        fee,
                        currency,
                        fx_rate,
                        split_ratio,
                        notes,
                        external_id: None,
                    }),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::type_text;
    use super::super::FormKey;
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()
    }

    fn keys(f: &Form) -> Vec<&'static str> {
        f.fields.iter().map(|f| f.key).collect()
    }

    #[test]
    fn each_type_shows_only_its_fields_and_keeps_what_both_use() {
        let acct = Uuid::from_u128(1);
        let prefill = ActivityPrefill {
            symbol: Some("AAPL".into()),
            quantity: Some("10".into()),
            ..ActivityPrefill::default()
        };
        let mut f = Form::new_activity(&[(acct, "Brokerage".into())], None, &prefill, today());
        assert_eq!(
            keys(&f),
            [
                "account",
                "activity_type",
                "security_id",
                "quantity",
                "unit_price",
                "fee",
                "date",
                "currency",
                "fx_rate",
                "notes"
            ]
        );
        f.focus = 1;
        // buy -> dividend by its first letter: the symbol is kept, the quantity is not, and
        // the fee is the tax withheld.
        f.handle(FormKey::Edit(crate::tui::line_edit::LineKey::Insert('d')));
        assert_eq!(f.value("activity_type"), "dividend");
        assert_eq!(
            keys(&f),
            [
                "account",
                "activity_type",
                "security_id",
                "amount",
                "fee",
                "date",
                "currency",
                "fx_rate",
                "notes"
            ]
        );
        assert_eq!(f.value("security_id"), "AAPL");
        assert_eq!(f.field("fee").unwrap().label, "Withheld");
        // On to deposit: no security at all; the date is kept.
        f.handle(FormKey::Edit(crate::tui::line_edit::LineKey::Insert('d')));
        assert_eq!(f.value("activity_type"), "deposit");
        assert_eq!(
            keys(&f),
            [
                "account",
                "activity_type",
                "amount",
                "date",
                "currency",
                "fx_rate",
                "notes"
            ]
        );
        assert_eq!(f.value("date"), "2025-06-30");
    }

    #[test]
    fn the_domain_names_the_field_that_is_wrong() {
        let acct = Uuid::from_u128(1);
        let mut f = Form::new_activity(
            &[(acct, "Brokerage".into())],
            Some(acct),
            &ActivityPrefill::default(),
            today(),
        );
        assert!(f.submission().is_none());
        assert_eq!(
            f.field("security_id").unwrap().error.as_deref(),
            Some("is required for a buy activity")
        );
        f.focus = 2;
        type_text(&mut f, "aapl");
        f.focus = 3;
        type_text(&mut f, "0");
        f.focus = 4;
        type_text(&mut f, "150");
        assert!(f.submission().is_none());
        assert_eq!(
            f.field("quantity").unwrap().error.as_deref(),
            Some("must be more than 0")
        );
        f.focus = 3;
        f.handle(FormKey::Edit(crate::tui::line_edit::LineKey::Backspace));
        type_text(&mut f, "10");
        f.focus = 6;
        f.handle(FormKey::Edit(crate::tui::line_edit::LineKey::Clear));
        type_text(&mut f, "2025-07-01");
        assert!(f.submission().is_none());
        assert_eq!(f.focus, 6, "the cursor goes to the field in error");
        assert!(f
            .field("date")
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .contains("today"));
        f.handle(FormKey::Edit(crate::tui::line_edit::LineKey::Clear));
        match f.submission() {
            Some(Submission::CreateActivity { account, draft }) => {
                assert_eq!(account, acct);
                assert_eq!(draft.activity_type, ActivityType::Buy);
                assert_eq!(
                    draft.security,
                    Some(SecurityRef::Symbol(Symbol::parse("AAPL").unwrap()))
                );
                assert_eq!(draft.quantity, Some(Decimal::from(10)));
                assert_eq!(draft.unit_price, Some(Decimal::from(150)));
                assert_eq!(
                    draft.date, None,
                    "an empty date is today, as the service says"
                );
                assert_eq!(draft.currency, None, "left to the security's");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_split_takes_its_ratio_as_the_domain_reads_it() {
        let acct = Uuid::from_u128(1);
        let prefill = ActivityPrefill {
            activity_type: Some(ActivityType::Split),
            symbol: Some("NVDA".into()),
            ..ActivityPrefill::default()
        };
        let mut f = Form::new_activity(&[(acct, "B".into())], Some(acct), &prefill, today());
        assert_eq!(
            keys(&f),
            [
                "account",
                "activity_type",
                "security_id",
                "split_ratio",
                "date",
                "notes"
            ]
        );
        f.focus = 3;
        type_text(&mut f, "ten");
        assert!(f.submission().is_none());
        assert!(f
            .field("split_ratio")
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .contains("is not a ratio"));
        f.handle(FormKey::Edit(crate::tui::line_edit::LineKey::Clear));
        type_text(&mut f, "10:1");
        assert!(matches!(
            f.submission(),
            Some(Submission::CreateActivity { draft, .. })
                if draft.split_ratio == Some(SplitRatio::parse("10:1").unwrap())
        ));
    }
}
