use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::ledger::CostBasisMethod;
use crate::domain::{
    Account, AccountPatch, AccountType, CurrencyCode, NewAccount, ValidationError,
};
use crate::service::portfolio::AccountSummary;

use super::{double_option, money, rate};

/// An account; the figures are present where the route says so (`GET /accounts/{id}`).
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountOut {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    /// Lowercase: `checking`, `savings`, ..., `credit_card`, `mortgage`, `loan`.
    pub account_type: String,
    pub financial_institution_id: Option<Uuid>,
    pub currency_code: String,
    pub is_investment_account: bool,
    pub interest_rate: Option<Decimal>,
    /// Which lots a sell closes: `fifo`, `lifo`, `hifo` or `average`.
    pub cost_basis_method: String,
    pub is_asset: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The newest value's balance, or null.
    #[serde(skip_serializing_if = "Figures::absent")]
    #[schema(value_type = Option<String>)]
    pub current_balance: Figures,
    #[serde(skip_serializing_if = "Figures::absent")]
    #[schema(value_type = Option<String>)]
    pub current_cash_balance: Figures,
    /// Current holdings at the latest closes, in the account's currency.
    #[serde(skip_serializing_if = "Figures::absent")]
    #[schema(value_type = Option<String>)]
    pub market_value: Figures,
}

/// A figure that is either not part of this answer, or part of it (and maybe null).
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(untagged)]
pub enum Figures {
    #[serde(skip)]
    Absent,
    Present(Option<Decimal>),
}

impl Figures {
    pub fn absent(&self) -> bool {
        matches!(self, Self::Absent)
    }
}

impl From<Account> for AccountOut {
    fn from(a: Account) -> Self {
        Self {
            id: a.id,
            user_id: a.user_id,
            name: a.name,
            account_type: a.account_type.as_str().to_string(),
            financial_institution_id: a.institution_id,
            currency_code: a.currency.to_string(),
            is_investment_account: a.is_investment_account,
            interest_rate: a.interest_rate.map(rate),
            cost_basis_method: a.cost_basis_method.as_str().to_string(),
            is_asset: a.account_type.is_asset(),
            created_at: a.created_at,
            updated_at: a.updated_at,
            current_balance: Figures::Absent,
            current_cash_balance: Figures::Absent,
            market_value: Figures::Absent,
        }
    }
}

impl From<AccountSummary> for AccountOut {
    fn from(s: AccountSummary) -> Self {
        Self {
            current_balance: Figures::Present(s.current_balance.map(money)),
            current_cash_balance: Figures::Present(s.current_cash_balance.map(money)),
            market_value: Figures::Present(s.complete_market_value().map(|v| {
                if v.is_zero() {
                    Decimal::ZERO
                } else {
                    money(v)
                }
            })),
            ..Self::from(s.account)
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountIn {
    /// 1 to 255 characters.
    #[schema(schema_with = crate::http::constraints::name)]
    pub name: String,
    /// Case-insensitive.
    #[schema(schema_with = crate::http::constraints::account_type)]
    pub account_type: String,
    /// One of the caller's institutions.
    pub financial_institution_id: Option<Uuid>,
    /// Default: the user's base currency.
    #[schema(schema_with = crate::http::constraints::currency_code_or_null)]
    pub currency_code: Option<String>,
    #[serde(default)]
    pub is_investment_account: bool,
    /// Percent, 0 to 100, at most 2 decimal places; a string or a number.
    #[serde(default, deserialize_with = "super::wire::opt_decimal")]
    #[schema(schema_with = crate::http::constraints::interest_rate_or_null)]
    pub interest_rate: Option<Decimal>,
    /// `fifo` (default), `lifo`, `hifo` or `average`.
    #[schema(schema_with = crate::http::constraints::cost_basis_method_or_null)]
    pub cost_basis_method: Option<String>,
}

impl AccountIn {
    pub fn parse(&self, default_currency: &CurrencyCode) -> Result<NewAccount, ValidationError> {
        let currency = match &self.currency_code {
            Some(c) => CurrencyCode::parse(c)?,
            None => default_currency.clone(),
        };
        let mut new = NewAccount::new(
            &self.name,
            self.account_type.parse::<AccountType>()?,
            currency,
            self.financial_institution_id,
            self.is_investment_account,
            self.interest_rate,
        )?;
        if let Some(method) = &self.cost_basis_method {
            new.cost_basis_method = method.parse::<CostBasisMethod>()?;
        }
        Ok(new)
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountUpdateIn {
    #[schema(schema_with = crate::http::constraints::name_or_null)]
    pub name: Option<String>,
    #[schema(schema_with = crate::http::constraints::account_type_or_null)]
    pub account_type: Option<String>,
    /// `null` unlinks the account from its institution.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub financial_institution_id: Option<Option<Uuid>>,
    #[schema(schema_with = crate::http::constraints::currency_code_or_null)]
    pub currency_code: Option<String>,
    pub is_investment_account: Option<bool>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "super::wire::double_opt_decimal")]
    #[schema(schema_with = crate::http::constraints::interest_rate_or_null)]
    pub interest_rate: Option<Option<Decimal>>,
    /// Changing it recomputes every figure from the activities.
    #[schema(schema_with = crate::http::constraints::cost_basis_method_or_null)]
    pub cost_basis_method: Option<String>,
}

impl AccountUpdateIn {
    pub fn parse(&self) -> Result<AccountPatch, ValidationError> {
        AccountPatch {
            name: self.name.clone(),
            account_type: self
                .account_type
                .as_deref()
                .map(str::parse::<AccountType>)
                .transpose()?,
            institution_id: self.financial_institution_id,
            currency: self
                .currency_code
                .as_deref()
                .map(CurrencyCode::parse)
                .transpose()?,
            is_investment_account: self.is_investment_account,
            interest_rate: self.interest_rate,
            cost_basis_method: self
                .cost_basis_method
                .as_deref()
                .map(str::parse::<CostBasisMethod>)
                .transpose()?,
        }
        .validated()
    }
}
