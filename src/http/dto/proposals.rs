//! `GET /api/v1/proposals`: activities the market data's splits and dividends suggest.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::service::proposals::{Proposal, ProposedAction};

use super::{money, quantity};

/// A split or dividend the market data reported for a security the account held on the day
/// before, with no matching activity in the account. `POST .../accept` records it;
/// `POST .../dismiss` stops proposing it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalOut {
    /// Stable across reads and syncs.
    pub id: Uuid,
    pub account_id: Uuid,
    pub account_name: String,
    pub security_id: Uuid,
    pub symbol: String,
    /// `split` or `dividend`: the activity accepting it records.
    #[schema(example = "dividend")]
    pub activity_type: String,
    /// The ex-date.
    pub date: NaiveDate,
    /// Held at the end of the day before; for a dividend, scaled by the splits after the day
    /// as the per-share amount is.
    pub quantity: Decimal,
    /// A split's ratio, `new:old`; null for a dividend.
    #[schema(required = true, example = "4:1")]
    pub split_ratio: Option<String>,
    /// A dividend's `quantity x amount_per_share`, in `currency`; null for a split.
    #[schema(required = true)]
    pub amount: Option<Decimal>,
    #[schema(required = true)]
    pub amount_per_share: Option<Decimal>,
    /// The dividend's currency (the security's quote unit); null for a split.
    #[schema(required = true)]
    pub currency: Option<String>,
}

impl From<Proposal> for ProposalOut {
    fn from(p: Proposal) -> Self {
        let activity_type = p.activity_type().as_str().to_string();
        let (split_ratio, amount, amount_per_share, currency) = match p.action {
            ProposedAction::Split(ratio) => (Some(ratio.to_string()), None, None, None),
            ProposedAction::Dividend {
                amount,
                per_share,
                currency,
            } => (None, Some(money(amount)), Some(per_share), Some(currency)),
        };
        Self {
            id: p.id,
            account_id: p.account_id,
            account_name: p.account_name,
            security_id: p.security.id,
            symbol: p.security.symbol.to_string(),
            activity_type,
            date: p.date,
            quantity: quantity(p.quantity),
            split_ratio,
            amount,
            amount_per_share,
            currency,
        }
    }
}
