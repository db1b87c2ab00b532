//! Activities on the wire: what a user records of an account's trades, income and cash
//! movements. Money and quantities are decimal strings (a JSON number is read too, never
//! rounded); the fields each type needs are checked by the domain, one rule for every front end.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

use crate::domain::ledger::{needs, Activity, ActivityPatch, ActivityType, FieldUse, SplitRatio};
use crate::domain::{Security, ValidationError};
use crate::http::constraints;
use crate::service::activities::{ActivityChange, ActivityDraft};
use crate::service::portfolio::SecurityRef;

use super::ledger::LedgerSecurityOut;
use super::{money, quantity, rate};

/// A recorded activity with its security.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityOut {
    pub id: Uuid,
    pub account_id: Uuid,
    /// One of `buy`, `sell`, `dividend`, `interest`, `fee`, `tax`, `deposit`, `withdrawal`,
    /// `transfer_in`, `transfer_out`, `split`.
    pub activity_type: String,
    pub date: NaiveDate,
    #[schema(required = true)]
    pub security_id: Option<Uuid>,
    #[schema(required = true)]
    pub security: Option<LedgerSecurityOut>,
    #[schema(required = true)]
    pub quantity: Option<Decimal>,
    #[schema(required = true)]
    pub unit_price: Option<Decimal>,
    #[schema(required = true)]
    pub amount: Option<Decimal>,
    #[schema(required = true)]
    pub fee: Option<Decimal>,
    /// The unit of `unit_price`, `amount` and `fee` (may be a minor unit such as `GBp`).
    pub currency: String,
    /// Units of the account's currency for one unit of `currency`.
    #[schema(required = true)]
    pub fx_rate: Option<Decimal>,
    /// `"N:M"`: N new for M old.
    #[schema(required = true)]
    pub split_ratio: Option<String>,
    #[schema(required = true)]
    pub notes: Option<String>,
    #[schema(required = true)]
    pub external_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ActivityOut {
    pub fn new(a: Activity, security: Option<Security>) -> Self {
        Self {
            id: a.id,
            account_id: a.account_id,
            activity_type: a.activity_type.as_str().to_owned(),
            date: a.date,
            security_id: a.security_id,
            security: security.map(LedgerSecurityOut::from),
            quantity: a.quantity.map(quantity),
            unit_price: a.unit_price.map(money),
            amount: a.amount.map(money),
            fee: a.fee.map(money),
            currency: a.currency,
            fx_rate: a.fx_rate.map(rate),
            split_ratio: a.split_ratio.map(|r| r.to_string()),
            notes: a.notes,
            external_id: a.external_id,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// One activity to record, as the document states it: the fields, and for each type the
/// fields it needs (present, not null) and those it refuses (absent or null), from the
/// ledger's own table of needs.
pub struct ActivityBody;

impl utoipa::PartialSchema for ActivityBody {
    fn schema() -> RefOr<Schema> {
        let each_type = ActivityType::ALL
            .into_iter()
            .map(|t| {
                let mut variant = constraints::requires(&[])
                    .property("activity_type", constraints::any_case_of(&[t.as_str()]));
                for (field, used) in needs(t).by_field() {
                    variant = match used {
                        FieldUse::Needed => variant
                            .required(field)
                            .property(field, needed_schema(field)),
                        FieldUse::Refused => {
                            variant.property(field, ObjectBuilder::new().schema_type(Type::Null))
                        }
                        FieldUse::Optional => variant,
                    };
                }
                variant.into()
            })
            .collect();
        constraints::with_one_of(<ActivityIn as utoipa::PartialSchema>::schema(), each_type).into()
    }
}

impl ToSchema for ActivityBody {
    fn name() -> std::borrow::Cow<'static, str> {
        "ActivityIn".into()
    }
}

/// The schema of a field a type needs: its own, without `null`.
fn needed_schema(field: &str) -> Schema {
    match field {
        "security_id" => constraints::security_ref(),
        "split_ratio" => ObjectBuilder::new().schema_type(Type::String).into(),
        _ => constraints::money(),
    }
}

/// One activity to record. Which fields a type needs, and which it refuses:
///
/// | `activity_type` | needs | may have |
/// |---|---|---|
/// | `buy`, `sell` | `security_id`, `quantity` > 0, `unit_price` >= 0 | `fee` |
/// | `dividend` | `security_id`, `amount` > 0 | `fee` (tax withheld) |
/// | `interest`, `fee`, `tax` | `amount` > 0 | `security_id` |
/// | `deposit`, `withdrawal` | `amount` > 0 | |
/// | `transfer_in` | `security_id`, `quantity` > 0, `unit_price` >= 0 (cost carried over) | |
/// | `transfer_out` | `security_id`, `quantity` > 0 | |
/// | `split` | `security_id`, `split_ratio` | |
///
/// Every type may have `date` (default today; a later day is 422), `currency`, `fx_rate`,
/// `notes` and `external_id`. A field the type has no use for is 422, as is a sale of more
/// than is then held.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityIn {
    #[schema(schema_with = crate::http::constraints::activity_type)]
    pub activity_type: String,
    /// Default today (UTC).
    #[serde(default, deserialize_with = "super::wire::opt_date")]
    #[schema(schema_with = crate::http::constraints::date_or_null)]
    pub date: Option<NaiveDate>,
    /// A security's UUID or a ticker symbol (looked up on Yahoo when unknown).
    #[schema(schema_with = crate::http::constraints::security_ref_or_null)]
    pub security_id: Option<String>,
    #[serde(default, deserialize_with = "super::wire::opt_decimal")]
    #[schema(schema_with = crate::http::constraints::shares_or_null)]
    pub quantity: Option<Decimal>,
    #[serde(default, deserialize_with = "super::wire::opt_decimal")]
    #[schema(schema_with = crate::http::constraints::money_or_null)]
    pub unit_price: Option<Decimal>,
    #[serde(default, deserialize_with = "super::wire::opt_decimal")]
    #[schema(schema_with = crate::http::constraints::money_or_null)]
    pub amount: Option<Decimal>,
    #[serde(default, deserialize_with = "super::wire::opt_decimal")]
    #[schema(schema_with = crate::http::constraints::money_or_null)]
    pub fee: Option<Decimal>,
    /// Default: the security's quote unit, else the account's currency.
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "super::wire::opt_decimal")]
    #[schema(schema_with = crate::http::constraints::money_or_null)]
    pub fx_rate: Option<Decimal>,
    pub split_ratio: Option<String>,
    pub notes: Option<String>,
    pub external_id: Option<String>,
}

impl ActivityIn {
    /// The draft the service records, each field read by the domain's own rules.
    pub fn draft(self) -> Result<ActivityDraft, ValidationError> {
        let activity_type = self.activity_type.parse::<ActivityType>()?;
        let security = self.security_id.as_deref().map(security_ref).transpose()?;
        let split_ratio = self
            .split_ratio
            .as_deref()
            .map(SplitRatio::parse)
            .transpose()?;
        Ok(ActivityDraft {
            activity_type,
            date: self.date,
            security,
            quantity: self.quantity,
            unit_price: self.unit_price,
            amount: self.amount,
            fee: self.fee,
            currency: self.currency,
            fx_rate: self.fx_rate,
            split_ratio,
            notes: self.notes,
            external_id: self.external_id,
        })
    }
}

/// A change to an activity: absent fields stay, `null` clears an optional one. The result
/// must still be a valid activity of its (possibly new) type.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityUpdateIn {
    #[schema(schema_with = crate::http::constraints::activity_type_or_null)]
    pub activity_type: Option<String>,
    #[serde(default, deserialize_with = "super::wire::opt_date")]
    #[schema(schema_with = crate::http::constraints::date_or_null)]
    pub date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(schema_with = crate::http::constraints::security_ref_or_null)]
    pub security_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::wire::double_opt_decimal")]
    #[schema(schema_with = crate::http::constraints::shares_or_null)]
    pub quantity: Option<Option<Decimal>>,
    #[serde(default, deserialize_with = "super::wire::double_opt_decimal")]
    #[schema(schema_with = crate::http::constraints::money_or_null)]
    pub unit_price: Option<Option<Decimal>>,
    #[serde(default, deserialize_with = "super::wire::double_opt_decimal")]
    #[schema(schema_with = crate::http::constraints::money_or_null)]
    pub amount: Option<Option<Decimal>>,
    #[serde(default, deserialize_with = "super::wire::double_opt_decimal")]
    #[schema(schema_with = crate::http::constraints::money_or_null)]
    pub fee: Option<Option<Decimal>>,
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "super::wire::double_opt_decimal")]
    #[schema(schema_with = crate::http::constraints::money_or_null)]
    pub fx_rate: Option<Option<Decimal>>,
    #[serde(default, deserialize_with = "super::double_option")]
    pub split_ratio: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    pub notes: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    pub external_id: Option<Option<String>>,
}

impl ActivityUpdateIn {
    pub fn change(self) -> Result<ActivityChange, ValidationError> {
        let activity_type = self
            .activity_type
            .as_deref()
            .map(str::parse::<ActivityType>)
            .transpose()?;
        let security = match self.security_id {
            None => None,
            Some(raw) => Some(raw.as_deref().map(security_ref).transpose()?),
        };
        let split_ratio = match self.split_ratio {
            None => None,
            Some(raw) => Some(raw.as_deref().map(SplitRatio::parse).transpose()?),
        };
        Ok(ActivityChange {
            security,
            patch: ActivityPatch {
                activity_type,
                date: self.date,
                security_id: None,
                quantity: self.quantity,
                unit_price: self.unit_price,
                amount: self.amount,
                fee: self.fee,
                currency: self.currency,
                fx_rate: self.fx_rate,
                split_ratio,
                notes: self.notes,
                external_id: self.external_id,
            },
        })
    }
}

/// A security's id or symbol as the document states it: exactly, with no space around it.
fn security_ref(raw: &str) -> Result<SecurityRef, ValidationError> {
    if raw.trim() != raw {
        return Err(ValidationError::new(
            "security_id",
            "must not have spaces around it",
        ));
    }
    SecurityRef::parse(raw).map_err(|e| ValidationError::new("security_id", e.message))
}

/// `?start=&end=&activity_type=&symbol=&skip=&limit=` of the activity list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivitiesQuery {
    /// The first date listed.
    #[serde(default, deserialize_with = "super::wire::opt_date")]
    #[param(schema_with = crate::http::constraints::date)]
    pub start: Option<NaiveDate>,
    /// The last date listed.
    #[serde(default, deserialize_with = "super::wire::opt_date")]
    #[param(schema_with = crate::http::constraints::date)]
    pub end: Option<NaiveDate>,
    /// Only activities of this type.
    #[param(schema_with = crate::http::constraints::activity_type)]
    pub activity_type: Option<String>,
    /// Only activities of the stored security with this symbol.
    #[param(schema_with = crate::http::constraints::symbol)]
    pub symbol: Option<String>,
    /// Items to skip.
    #[param(minimum = 0, maximum = 9223372036854775807_i64)]
    pub skip: Option<i64>,
    /// Most items to return.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}
