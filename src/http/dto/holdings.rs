use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::HoldingPatch;
use crate::service::portfolio::HoldingView;

use super::securities::SecurityOut;
use super::{money, opt_as_number, quantity};

/// A position snapshot with its security and market figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct HoldingOut {
    pub id: Uuid,
    pub account_id: Uuid,
    pub security_id: Uuid,
    pub shares: Decimal,
    pub average_price_per_share: Decimal,
    pub timestamp: DateTime<Utc>,
    pub security: SecurityOut,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The newest stored daily close, a JSON number; null when none is stored.
    #[serde(serialize_with = "opt_as_number")]
    #[schema(value_type = Option<f64>)]
    pub market_price: Option<Decimal>,
    pub market_value: Option<Decimal>,
    /// shares x average price.
    pub cost_basis: Decimal,
    pub unrealized_gain: Option<Decimal>,
    /// Percent: `"12.50"` is 12.5 %.
    pub unrealized_gain_pct: Option<Decimal>,
}

impl From<HoldingView> for HoldingOut {
    fn from(v: HoldingView) -> Self {
        let h = v.holding;
        let val = v.valuation;
        Self {
            id: h.id,
            account_id: h.account_id,
            security_id: h.security_id,
            shares: quantity(h.shares),
            average_price_per_share: money(h.average_price),
            timestamp: h.timestamp,
            security: SecurityOut::new(v.security, val.market_price, false),
            created_at: h.created_at,
            updated_at: h.updated_at,
            market_price: val.market_price,
            market_value: val.market_value.map(money),
            cost_basis: money(val.cost_basis),
            unrealized_gain: val.unrealized_gain.map(money),
            unrealized_gain_pct: val.unrealized_gain_pct.map(|p| {
                let mut p = p.round_dp(2);
                p.rescale(2);
                p
            }),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldingIn {
    /// A security's UUID or a ticker symbol (looked up on Yahoo when unknown).
    #[schema(schema_with = crate::http::constraints::security_ref)]
    pub security_id: String,
    /// > 0, at most 6 decimal places; a string or a number.
    #[serde(deserialize_with = "super::wire::decimal")]
    #[schema(schema_with = crate::http::constraints::shares)]
    pub shares: Decimal,
    /// >= 0; a string or a number.
    #[serde(deserialize_with = "super::wire::decimal")]
    #[schema(schema_with = crate::http::constraints::money)]
    pub average_price_per_share: Decimal,
    /// Default now.
    #[serde(default, deserialize_with = "super::wire::opt_time")]
    #[schema(schema_with = crate::http::constraints::timestamp_or_null)]
    pub timestamp: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldingUpdateIn {
    /// A security's UUID or a ticker symbol.
    #[schema(schema_with = crate::http::constraints::security_ref_or_null)]
    pub security_id: Option<String>,
    #[serde(default, deserialize_with = "super::wire::opt_decimal")]
    #[schema(schema_with = crate::http::constraints::shares_or_null)]
    pub shares: Option<Decimal>,
    #[serde(default, deserialize_with = "super::wire::opt_decimal")]
    #[schema(schema_with = crate::http::constraints::money_or_null)]
    pub average_price_per_share: Option<Decimal>,
    #[serde(default, deserialize_with = "super::wire::opt_time")]
    #[schema(schema_with = crate::http::constraints::timestamp_or_null)]
    pub timestamp: Option<DateTime<Utc>>,
}

impl HoldingUpdateIn {
    pub fn patch(&self) -> HoldingPatch {
        HoldingPatch {
            security_id: None,
            shares: self.shares,
            average_price: self.average_price_per_share,
            timestamp: self.timestamp,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HoldingsQuery {
    /// Items to skip.
    #[param(minimum = 0, maximum = 9223372036854775807_i64)]
    pub skip: Option<i64>,
    /// Most items to return.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    /// Only the newest snapshot per security.
    pub current: Option<bool>,
}
