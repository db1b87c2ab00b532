//! The forms of the accounts screen: institutions, accounts and their balances.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::{
    AccountPatch, AccountType, AccountValue, AccountValuePatch, CostBasisMethod, CurrencyCode,
    Institution, InstitutionPatch, NewAccount, NewAccountValue, NewInstitution, ValidationError,
};
use crate::service::portfolio::AccountSummary;
use crate::tui::action::Submission;

use super::{decimal, optional_date, optional_decimal, Field, Form, FormKind};

fn date_text(t: DateTime<Utc>) -> String {
    t.date_naive().format("%Y-%m-%d").to_string()
}

fn account_types() -> Vec<(String, String)> {
    AccountType::ALL
        .iter()
        .map(|t| (t.as_str().replace('_', " "), t.as_str().to_string()))
        .collect()
}

fn cost_basis_methods() -> Vec<(String, String)> {
    CostBasisMethod::ALL
        .iter()
        .map(|m| (m.as_str().to_string(), m.as_str().to_string()))
        .collect()
}

fn currencies(extra: &str) -> Vec<(String, String)> {
    let mut codes: Vec<String> = [
        "USD", "EUR", "GBP", "CAD", "CHF", "JPY", "AUD", "SEK", "NOK", "DKK",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if !extra.is_empty() && !codes.iter().any(|c| c == extra) {
        codes.push(extra.to_string());
    }
    codes.into_iter().map(|c| (c.clone(), c)).collect()
}

impl Form {
    pub fn new_institution() -> Self {
        Self::new(
            "New institution",
            FormKind::NewInstitution,
            vec![
                Field::text("name", "Name", "", "1 to 255 characters"),
                Field::text("url", "Web site", "", "optional, e.g. bank.example"),
            ],
        )
    }

    pub fn edit_institution(inst: &Institution) -> Self {
        Self::new(
            format!("Edit {}", inst.name),
            FormKind::EditInstitution(inst.id),
            vec![
                Field::text("name", "Name", inst.name.clone(), "1 to 255 characters"),
                Field::text(
                    "url",
                    "Web site",
                    inst.url.clone().unwrap_or_default(),
                    "optional, e.g. bank.example",
                ),
            ],
        )
    }

    fn account_fields(
        institutions: &[(Uuid, String)],
        name: &str,
        kind: AccountType,
        institution: Option<Uuid>,
        currency: &str,
        investment: bool,
        rate: Option<Decimal>,
    ) -> Vec<Field> {
        let mut inst_options = vec![("(none)".to_string(), String::new())];
        inst_options.extend(
            institutions
                .iter()
                .map(|(id, n)| (n.clone(), id.to_string())),
        );
        vec![
            Field::text("name", "Name", name, "1 to 255 characters"),
            Field::choice("account_type", "Type", account_types(), kind.as_str()),
            Field::choice(
                "financial_institution_id",
                "Institution",
                inst_options,
                institution.map(|i| i.to_string()).unwrap_or_default(),
            ),
            Field::choice("currency_code", "Currency", currencies(currency), currency),
            Field::flag("is_investment_account", "Investment", investment),
            Field::text(
                "interest_rate",
                "Interest %",
                rate.map(|r| r.to_string()).unwrap_or_default(),
                "optional, 0 to 100",
            ),
        ]
    }

    /// How the account's sold lots are chosen; the last field, so the others keep their
    /// places.
    fn cost_basis_field(method: CostBasisMethod) -> Field {
        Field::choice(
            "cost_basis_method",
            "Cost basis",
            cost_basis_methods(),
            method.as_str(),
        )
    }

    pub fn new_account(
        institutions: &[(Uuid, String)],
        institution: Option<Uuid>,
        base: &CurrencyCode,
    ) -> Self {
        let mut fields = Self::account_fields(
            institutions,
            "",
            AccountType::Checking,
            institution,
            base.as_str(),
            false,
            None,
        );
        fields.push(Self::cost_basis_field(CostBasisMethod::default()));
        Self::new("New account", FormKind::NewAccount, fields)
    }

    pub fn edit_account(institutions: &[(Uuid, String)], s: &AccountSummary) -> Self {
        let a = &s.account;
        let mut fields = Self::account_fields(
            institutions,
            &a.name,
            a.account_type,
            a.institution_id,
            a.currency.as_str(),
            a.is_investment_account,
            a.interest_rate,
        );
        fields.push(Self::cost_basis_field(a.cost_basis_method));
        let mut form = Self::new(
            format!("Edit {}", a.name),
            FormKind::EditAccount(a.id),
            fields,
        );
        form.investment_by_hand = a.is_investment_account != a.account_type.is_investment_kind();
        form
    }

    pub fn new_value(account: &AccountSummary, today: NaiveDate) -> Self {
        let mut fields = vec![
            Field::text(
                "balance",
                "Balance",
                "",
                "0 or more; liabilities as amounts owed",
            ),
            Field::text(
                "cash_balance",
                "Cash",
                "",
                "required for investment accounts",
            ),
            Field::text(
                "timestamp",
                "Date",
                today.format("%Y-%m-%d").to_string(),
                "YYYY-MM-DD",
            ),
        ];
        if !account.account.is_investment_account {
            fields[1].hint = "optional";
        }
        Self::new(
            format!("New balance of {}", account.account.name),
            FormKind::NewValue {
                account: account.account.id,
                investment: account.account.is_investment_account,
            },
            fields,
        )
    }

    pub fn edit_value(account_name: &str, v: &AccountValue) -> Self {
        Self::new(
            format!("Edit balance of {account_name}"),
            FormKind::EditValue {
                account: v.account_id,
                id: v.id,
            },
            vec![
                Field::text("balance", "Balance", v.balance.to_string(), "0 or more"),
                Field::text(
                    "cash_balance",
                    "Cash",
                    v.cash_balance.map(|c| c.to_string()).unwrap_or_default(),
                    "empty for none",
                ),
                Field::text("timestamp", "Date", date_text(v.timestamp), "YYYY-MM-DD"),
            ],
        )
    }
    /// Sets the investment flag to what the chosen account type usually is, unless the user
    /// has set it.
    pub(super) fn follow_account_type(&mut self) {
        if self.investment_by_hand {
            return;
        }
        let Ok(kind) = AccountType::from_str(self.value("account_type")) else {
            return;
        };
        if let Some(flag) = self
            .fields
            .iter_mut()
            .find(|f| f.key == "is_investment_account")
        {
            flag.value = if kind.is_investment_kind() {
                "yes"
            } else {
                "no"
            }
            .into();
        }
    }

    /// A new institution, or the change to one.
    pub(super) fn institution_draft(&self) -> Result<Submission, ValidationError> {
        let url = self.value("url");
        match &self.kind {
            FormKind::EditInstitution(id) => {
                let patch = InstitutionPatch::new(
                    Some(self.value("name")),
                    Some((!url.is_empty()).then_some(url)),
                )?;
                Ok(Submission::UpdateInstitution(*id, patch))
            }
            _ => {
                let new =
                    NewInstitution::new(self.value("name"), (!url.is_empty()).then_some(url))?;
                Ok(Submission::CreateInstitution(new))
            }
        }
    }

    /// A new account, or the change to one: every field is sent, as checked for a new one.
    pub(super) fn account_draft(&self) -> Result<Submission, ValidationError> {
        let kind = AccountType::from_str(self.value("account_type"))?;
        let currency = CurrencyCode::parse(self.value("currency_code"))?;
        let institution = match self.value("financial_institution_id") {
            "" => None,
            id => Some(Uuid::parse_str(id).map_err(|_| {
                ValidationError::new("financial_institution_id", "unknown institution")
            })?),
        };
        let investment = self.value("is_investment_account") == "yes";
        let rate = optional_decimal(self.value("interest_rate"), "interest_rate")?;
        let method = CostBasisMethod::from_str(self.value("cost_basis_method"))?;
        let mut new = NewAccount::new(
            self.value("name"),
            kind,
            currency,
            institution,
            investment,
            rate,
        )?;
        new.cost_basis_method = method;
        match &self.kind {
            FormKind::EditAccount(id) => Ok(Submission::UpdateAccount(
                *id,
                AccountPatch {
                    name: Some(new.name),
                    account_type: Some(new.account_type),
                    institution_id: Some(new.institution_id),
                    currency: Some(new.currency),
                    is_investment_account: Some(new.is_investment_account),
                    interest_rate: Some(new.interest_rate),
                    cost_basis_method: Some(new.cost_basis_method),
                },
            )),
            _ => Ok(Submission::CreateAccount(new)),
        }
    }

    /// A new balance (dated now when the date is left empty), or the change to one.
    pub(super) fn value_draft(&self) -> Result<Submission, ValidationError> {
        let balance = decimal(self.value("balance"), "balance")?;
        let cash = optional_decimal(self.value("cash_balance"), "cash_balance")?;
        let timestamp = optional_date(self.value("timestamp"))?;
        match &self.kind {
            FormKind::EditValue { account, id } => {
                let patch = AccountValuePatch {
                    balance: Some(balance),
                    cash_balance: Some(cash),
                    timestamp,
                }
                .validated()?;
                Ok(Submission::UpdateValue {
                    account: *account,
                    id: *id,
                    patch,
                })
            }
            FormKind::NewValue {
                account,
                investment,
            } => {
                let value = NewAccountValue::new(
                    balance,
                    cash,
                    timestamp.unwrap_or_else(crate::domain::now),
                    *investment,
                )?;
                Ok(Submission::CreateValue {
                    account: *account,
                    value,
                })
            }
            _ => Err(ValidationError::new("balance", "not a balance form")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::type_text;
    use super::super::FormKey;
    use super::*;
    use crate::tui::line_edit::LineKey;

    #[test]
    fn institution_form_validates_inline() {
        let mut f = Form::new_institution();
        assert!(f.submission().is_none());
        assert_eq!(
            f.fields[0].error.as_deref(),
            Some("must be 1 to 255 characters")
        );
        type_text(&mut f, "Big Bank");
        assert!(f.fields[0].error.is_none(), "typing clears the error");
        f.handle(FormKey::Next);
        type_text(&mut f, "ftp://x");
        assert!(f.submission().is_none());
        assert_eq!(f.focus, 1);
        assert!(f.fields[1].error.as_deref().unwrap().contains("http"));
        f.handle(FormKey::Edit(LineKey::Clear));
        type_text(&mut f, "https://bank.example");
        match f.submission() {
            Some(Submission::CreateInstitution(n)) => {
                assert_eq!(n.name, "Big Bank");
                assert_eq!(n.url.as_deref(), Some("https://bank.example"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn choices_cycle_and_service_errors_land_on_fields() {
        let mut f = Form::new_account(&[], None, &CurrencyCode::usd());
        f.focus = 1;
        f.handle(FormKey::Right);
        assert_eq!(f.fields[1].value, "savings");
        f.handle(FormKey::Edit(LineKey::Insert('m')));
        assert_eq!(f.fields[1].value, "margin");
        assert_eq!(
            f.fields[4].value, "yes",
            "a margin account holds investments"
        );
        f.focus = 4;
        f.handle(FormKey::Edit(LineKey::Insert(' ')));
        assert_eq!(f.fields[4].value, "no");
        f.set_error(Some("interest_rate"), "must be between 0 and 100");
        assert_eq!(f.focus, 5);
        assert!(f.has_errors());
        f.fields[0].value = "ISA".into();
        f.focus = 6;
        f.handle(FormKey::Edit(LineKey::Insert('a')));
        match f.clone().submission() {
            Some(Submission::CreateAccount(n)) => {
                assert_eq!(n.cost_basis_method, CostBasisMethod::Average);
            }
            other => panic!("{other:?}"),
        }
        f.set_error(Some("nonexistent"), "Account not found");
        assert_eq!(f.error.as_deref(), Some("Account not found"));
    }
}
