use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::error::bounded_text;
use super::ledger::CostBasisMethod;
use super::{money, CurrencyCode, ValidationError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountType {
    Checking,
    Savings,
    Tfsa,
    Rrsp,
    Fhsa,
    Margin,
    Brokerage,
    Retirement,
    Crypto,
    Cash,
    Other,
    CreditCard,
    LineOfCredit,
    PaymentPlan,
    Mortgage,
    Loan,
}

impl AccountType {
    pub const ALL: [AccountType; 16] = [
        Self::Checking,
        Self::Savings,
        Self::Tfsa,
        Self::Rrsp,
        Self::Fhsa,
        Self::Margin,
        Self::Brokerage,
        Self::Retirement,
        Self::Crypto,
        Self::Cash,
        Self::Other,
        Self::CreditCard,
        Self::LineOfCredit,
        Self::PaymentPlan,
        Self::Mortgage,
        Self::Loan,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Checking => "checking",
            Self::Savings => "savings",
            Self::Tfsa => "tfsa",
            Self::Rrsp => "rrsp",
            Self::Fhsa => "fhsa",
            Self::Margin => "margin",
            Self::Brokerage => "brokerage",
            Self::Retirement => "retirement",
            Self::Crypto => "crypto",
            Self::Cash => "cash",
            Self::Other => "other",
            Self::CreditCard => "credit_card",
            Self::LineOfCredit => "line_of_credit",
            Self::PaymentPlan => "payment_plan",
            Self::Mortgage => "mortgage",
            Self::Loan => "loan",
        }
    }

    /// Kinds that usually hold securities: an account of one starts out as an investment
    /// account where one is being set up (the user can still say otherwise).
    pub fn is_investment_kind(self) -> bool {
        matches!(
            self,
            Self::Tfsa
                | Self::Rrsp
                | Self::Fhsa
                | Self::Margin
                | Self::Brokerage
                | Self::Retirement
                | Self::Crypto
        )
    }

    /// Liabilities are stored as positive amounts owed and subtracted from net worth.
    pub fn is_asset(self) -> bool {
        !matches!(
            self,
            Self::CreditCard | Self::LineOfCredit | Self::PaymentPlan | Self::Mortgage | Self::Loan
        )
    }
}

impl FromStr for AccountType {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == wanted)
            .ok_or_else(|| {
                ValidationError::new(
                    "account_type",
                    format!(
                        "'{s}' is not one of {}",
                        Self::ALL.map(|t| t.as_str()).join(", ")
                    ),
                )
            })
    }
}

impl fmt::Display for AccountType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: Uuid,
    pub user_id: Uuid,
    pub institution_id: Option<Uuid>,
    pub name: String,
    pub account_type: AccountType,
    pub currency: CurrencyCode,
    pub is_investment_account: bool,
    /// Percent per year, 0 to 100 with at most 2 decimal places.
    pub interest_rate: Option<Decimal>,
    /// Which lots a sell or a transfer out closes.
    pub cost_basis_method: CostBasisMethod,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Account {
    pub fn is_asset(&self) -> bool {
        self.account_type.is_asset()
    }
}

#[derive(Debug, Clone)]
pub struct NewAccount {
    pub institution_id: Option<Uuid>,
    pub name: String,
    pub account_type: AccountType,
    pub currency: CurrencyCode,
    pub is_investment_account: bool,
    pub interest_rate: Option<Decimal>,
    pub cost_basis_method: CostBasisMethod,
}

impl NewAccount {
    pub fn new(
        name: &str,
        account_type: AccountType,
        currency: CurrencyCode,
        institution_id: Option<Uuid>,
        is_investment_account: bool,
        interest_rate: Option<Decimal>,
    ) -> Result<Self, ValidationError> {
        Ok(Self {
            institution_id,
            name: account_name(name)?,
            account_type,
            currency,
            is_investment_account,
            interest_rate: interest_rate.map(check_interest_rate).transpose()?,
            cost_basis_method: CostBasisMethod::default(),
        })
    }

    pub fn into_account(self, id: Uuid, user_id: Uuid, at: DateTime<Utc>) -> Account {
        Account {
            id,
            user_id,
            institution_id: self.institution_id,
            name: self.name,
            account_type: self.account_type,
            currency: self.currency,
            is_investment_account: self.is_investment_account,
            interest_rate: self.interest_rate,
            cost_basis_method: self.cost_basis_method,
            created_at: at,
            updated_at: at,
        }
    }
}

/// A partial update; `Some(None)` clears an optional field.
#[derive(Debug, Clone, Default)]
pub struct AccountPatch {
    pub name: Option<String>,
    pub account_type: Option<AccountType>,
    pub institution_id: Option<Option<Uuid>>,
    pub currency: Option<CurrencyCode>,
    pub is_investment_account: Option<bool>,
    pub interest_rate: Option<Option<Decimal>>,
    pub cost_basis_method: Option<CostBasisMethod>,
}

impl AccountPatch {
    /// Validates the fields that carry rules of their own.
    pub fn validated(mut self) -> Result<Self, ValidationError> {
        if let Some(name) = &self.name {
            self.name = Some(account_name(name)?);
        }
        if let Some(Some(rate)) = self.interest_rate {
            self.interest_rate = Some(Some(check_interest_rate(rate)?));
        }
        Ok(self)
    }

    pub fn apply(self, account: &mut Account) {
        if let Some(v) = self.name {
            account.name = v;
        }
        if let Some(v) = self.account_type {
            account.account_type = v;
        }
        if let Some(v) = self.institution_id {
            account.institution_id = v;
        }
        if let Some(v) = self.currency {
            account.currency = v;
        }
        if let Some(v) = self.is_investment_account {
            account.is_investment_account = v;
        }
        if let Some(v) = self.interest_rate {
            account.interest_rate = v;
        }
        if let Some(v) = self.cost_basis_method {
            account.cost_basis_method = v;
        }
    }
}

fn account_name(raw: &str) -> Result<String, ValidationError> {
    bounded_text("name", raw, 1, 255)
}

fn check_interest_rate(rate: Decimal) -> Result<Decimal, ValidationError> {
    let rate = money::max_places(
        "interest_rate",
        money::non_negative("interest_rate", rate)?,
        2,
    )?;
    if rate > Decimal::ONE_HUNDRED {
        return Err(ValidationError::new(
            "interest_rate",
            "must be between 0 and 100",
        ));
    }
    Ok(rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_parse_case_insensitively_and_know_their_side() {
        assert_eq!(
            "Credit_Card".parse::<AccountType>().unwrap(),
            AccountType::CreditCard
        );
        assert!(!AccountType::Mortgage.is_asset());
        assert!(AccountType::Tfsa.is_asset());
        let err = "piggy".parse::<AccountType>().unwrap_err();
        assert!(err.message.contains("checking"));
        for t in AccountType::ALL {
            assert_eq!(t.as_str().parse::<AccountType>().unwrap(), t);
        }
    }

    #[test]
    fn interest_rate_rules() {
        let mk = |r: &str| {
            NewAccount::new(
                "A",
                AccountType::Savings,
                CurrencyCode::usd(),
                None,
                false,
                Some(r.parse().unwrap()),
            )
        };
        assert!(mk("4.25").is_ok());
        assert!(mk("100").is_ok());
        assert!(mk("100.01").is_err());
        assert!(mk("-1").is_err());
        assert!(mk("1.234").is_err());
    }
}
