use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::{AccountValue, AccountValuePatch};

use super::money;

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountValueOut {
    pub id: Uuid,
    pub account_id: Uuid,
    pub timestamp: DateTime<Utc>,
    pub balance: Decimal,
    pub cash_balance: Option<Decimal>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<AccountValue> for AccountValueOut {
    fn from(v: AccountValue) -> Self {
        Self {
            id: v.id,
            account_id: v.account_id,
            timestamp: v.timestamp,
            balance: money(v.balance),
            cash_balance: v.cash_balance.map(money),
            created_at: v.created_at,
            updated_at: v.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountValueIn {
    /// >= 0; liabilities are positive amounts owed. A string or a number.
    #[serde(deserialize_with = "super::wire::decimal")]
    #[schema(schema_with = crate::http::constraints::money)]
    pub balance: Decimal,
    /// >= 0; required for investment accounts.
    #[serde(default, deserialize_with = "super::wire::opt_decimal")]
    #[schema(schema_with = crate::http::constraints::money_or_null)]
    pub cash_balance: Option<Decimal>,
    /// Default now.
    #[serde(default, deserialize_with = "super::wire::opt_time")]
    #[schema(schema_with = crate::http::constraints::timestamp_or_null)]
    pub timestamp: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountValueUpdateIn {
    #[serde(default, deserialize_with = "super::wire::opt_decimal")]
    #[schema(schema_with = crate::http::constraints::money_or_null)]
    pub balance: Option<Decimal>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "super::wire::double_opt_decimal")]
    #[schema(schema_with = crate::http::constraints::money_or_null)]
    pub cash_balance: Option<Option<Decimal>>,
    #[serde(default, deserialize_with = "super::wire::opt_time")]
    #[schema(schema_with = crate::http::constraints::timestamp_or_null)]
    pub timestamp: Option<DateTime<Utc>>,
}

impl AccountValueUpdateIn {
    pub fn patch(&self) -> AccountValuePatch {
        AccountValuePatch {
            timestamp: self.timestamp,
            balance: self.balance,
            cash_balance: self.cash_balance,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ValuesQuery {
    /// Items to skip.
    #[param(minimum = 0, maximum = 9223372036854775807_i64)]
    pub skip: Option<i64>,
    /// Most items to return.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    /// Only values at or after this time.
    #[serde(default, deserialize_with = "super::wire::opt_time")]
    #[param(schema_with = crate::http::constraints::timestamp)]
    pub start: Option<DateTime<Utc>>,
    /// Only values at or before this time.
    #[serde(default, deserialize_with = "super::wire::opt_time")]
    #[param(schema_with = crate::http::constraints::timestamp)]
    pub end: Option<DateTime<Utc>>,
}
