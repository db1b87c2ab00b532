//! Forms for creating and editing institutions, accounts, balances and holdings. Each field
//! is checked as the domain checks it before anything is sent; what the services refuse comes
//! back onto the field it names.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::{
    AccountPatch, AccountType, AccountValue, AccountValuePatch, CurrencyCode, HoldingPatch,
    Institution, InstitutionPatch, NewAccount, NewInstitution, Symbol,
};
use crate::service::portfolio::{AccountSummary, SecurityRef};

use super::action::Submission;
use super::app::HoldingRow;
use super::line_edit::LineKey;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    /// Signing in to a shared database.
    Login,
    NewInstitution,
    EditInstitution(Uuid),
    NewAccount,
    EditAccount(Uuid),
    NewValue {
        account: Uuid,
    },
    EditValue {
        account: Uuid,
        id: Uuid,
    },
    NewHolding,
    EditHolding {
        account: Uuid,
        id: Uuid,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Text,
    /// Text shown masked (passwords).
    Secret,
    /// (label, value) pairs; `value` holds the chosen value.
    Choice(Vec<(String, String)>),
    Flag,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The name the services use for it in validation errors.
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    pub input: Input,
    pub hint: &'static str,
    pub error: Option<String>,
}

impl Field {
    fn text(
        key: &'static str,
        label: &'static str,
        value: impl Into<String>,
        hint: &'static str,
    ) -> Self {
        Self {
            key,
            label,
            value: value.into(),
            input: Input::Text,
            hint,
            error: None,
        }
    }

    fn choice(
        key: &'static str,
        label: &'static str,
        options: Vec<(String, String)>,
        value: impl Into<String>,
    ) -> Self {
        let value = value.into();
        let value = if options.iter().any(|(_, v)| *v == value) {
            value
        } else {
            options.first().map(|(_, v)| v.clone()).unwrap_or_default()
        };
        Self {
            key,
            label,
            value,
            input: Input::Choice(options),
            hint: "←/→ to choose",
            error: None,
        }
    }

    fn flag(key: &'static str, label: &'static str, on: bool) -> Self {
        Self {
            key,
            label,
            value: if on { "yes" } else { "no" }.into(),
            input: Input::Flag,
            hint: "space to toggle",
            error: None,
        }
    }

    pub fn is_text(&self) -> bool {
        matches!(self.input, Input::Text | Input::Secret)
    }

    /// What the field shows: the label of a choice, the text otherwise.
    pub fn display(&self) -> String {
        match &self.input {
            Input::Choice(options) => options
                .iter()
                .find(|(_, v)| *v == self.value)
                .map(|(l, _)| l.clone())
                .unwrap_or_else(|| self.value.clone()),
            Input::Secret => "•".repeat(self.value.chars().count()),
            _ => self.value.clone(),
        }
    }

    fn cycle(&mut self, forward: bool) {
        match &self.input {
            Input::Choice(options) if !options.is_empty() => {
                let i = options
                    .iter()
                    .position(|(_, v)| *v == self.value)
                    .unwrap_or(0);
                let n = options.len();
                let j = if forward {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                self.value = options[j].1.clone();
            }
            Input::Flag => {
                self.value = if self.value == "yes" { "no" } else { "yes" }.into();
            }
            _ => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub title: String,
    pub kind: FormKind,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// An error that belongs to no single field.
    pub error: Option<String>,
    pub submitting: bool,
    /// Whether the investment flag was set by hand, so that choosing an account type no
    /// longer sets it to the type's default.
    pub investment_by_hand: bool,
}

/// A key as the form sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKey {
    /// Typing: into a text field, or the first letter of a choice (space toggles a flag).
    Edit(LineKey),
    Next,
    Prev,
    Left,
    Right,
    Submit,
    Cancel,
}

/// What a key did to the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormEvent {
    Edited,
    Cancel,
    Submit,
}

fn date_text(t: DateTime<Utc>) -> String {
    t.date_naive().format("%Y-%m-%d").to_string()
}

fn account_types() -> Vec<(String, String)> {
    AccountType::ALL
        .iter()
        .map(|t| (t.as_str().replace('_', " "), t.as_str().to_string()))
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
    fn new(title: impl Into<String>, kind: FormKind, fields: Vec<Field>) -> Self {
        Self {
            title: title.into(),
            kind,
            fields,
            focus: 0,
            error: None,
            submitting: false,
            investment_by_hand: false,
        }
    }

    pub fn login() -> Self {
        let mut password = Field::text("password", "Password", "", "");
        password.input = Input::Secret;
        Self::new(
            "Sign in",
            FormKind::Login,
            vec![
                Field::text("login", "User", "", "username or email"),
                password,
            ],
        )
    }

    /// The login and password typed into a sign-in form.
    pub fn credentials(&self) -> (String, String) {
        (
            self.value("login").to_string(),
            self.field("password")
                .map(|f| f.value.clone())
                .unwrap_or_default(),
        )
    }

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

    pub fn new_account(
        institutions: &[(Uuid, String)],
        institution: Option<Uuid>,
        base: &CurrencyCode,
    ) -> Self {
        Self::new(
            "New account",
            FormKind::NewAccount,
            Self::account_fields(
                institutions,
                "",
                AccountType::Checking,
                institution,
                base.as_str(),
                false,
                None,
            ),
        )
    }

    pub fn edit_account(institutions: &[(Uuid, String)], s: &AccountSummary) -> Self {
        let a = &s.account;
        let mut form = Self::new(
            format!("Edit {}", a.name),
            FormKind::EditAccount(a.id),
            Self::account_fields(
                institutions,
                &a.name,
                a.account_type,
                a.institution_id,
                a.currency.as_str(),
                a.is_investment_account,
                a.interest_rate,
            ),
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

    pub fn new_holding(
        accounts: &[(Uuid, String)],
        account: Option<Uuid>,
        symbol: &str,
        shares: &str,
        price: &str,
        today: NaiveDate,
    ) -> Self {
        let mut options: Vec<(String, String)> = accounts
            .iter()
            .map(|(id, n)| (n.clone(), id.to_string()))
            .collect();
        // With no account to go by and several to choose from, the form asks rather than
        // picking the first.
        let account = account.or(match accounts {
            [(only, _)] => Some(*only),
            _ => None,
        });
        if account.is_none() {
            options.insert(0, ("(choose)".to_string(), String::new()));
        }
        Self::new(
            "New holding",
            FormKind::NewHolding,
            vec![
                Field::choice(
                    "account",
                    "Account",
                    options,
                    account.map(|a| a.to_string()).unwrap_or_default(),
                ),
                Field::text(
                    "security_id",
                    "Symbol",
                    symbol,
                    "ticker, e.g. AAPL or OCDO.L",
                ),
                Field::text("shares", "Shares", shares, "more than 0, up to 6 decimals"),
                Field::text(
                    "average_price_per_share",
                    "Avg price",
                    price,
                    "per share, in the quote currency",
                ),
                Field::text(
                    "timestamp",
                    "Date",
                    today.format("%Y-%m-%d").to_string(),
                    "YYYY-MM-DD",
                ),
            ],
        )
    }

    pub fn edit_holding(row: &HoldingRow) -> Self {
        Self::new(
            format!("Edit {} in {}", row.symbol, row.account_name),
            FormKind::EditHolding {
                account: row.account_id,
                id: row.holding_id,
            },
            vec![
                Field::text("security_id", "Symbol", row.symbol.as_str(), "ticker"),
                Field::text(
                    "shares",
                    "Shares",
                    row.shares.normalize().to_string(),
                    "more than 0",
                ),
                Field::text(
                    "average_price_per_share",
                    "Avg price",
                    row.avg_cost.normalize().to_string(),
                    "per share, in the quote currency",
                ),
            ],
        )
    }

    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    fn value(&self, key: &str) -> &str {
        self.field(key).map(|f| f.value.trim()).unwrap_or("")
    }

    /// Puts an error on the field it names, or on the form.
    pub fn set_error(&mut self, field: Option<&str>, message: impl Into<String>) {
        let message = message.into();
        let key = field.map(|f| match f {
            // The domain names these differently from the form.
            "average_price" => "average_price_per_share",
            "symbol" => "security_id",
            other => other,
        });
        match key.and_then(|k| self.fields.iter().position(|f| f.key == k)) {
            Some(i) => {
                self.fields[i].error = Some(message);
                self.focus = i;
            }
            None => self.error = Some(message),
        }
    }

    pub fn has_errors(&self) -> bool {
        self.error.is_some() || self.fields.iter().any(|f| f.error.is_some())
    }

    pub fn handle(&mut self, key: FormKey) -> FormEvent {
        if self.submitting {
            return match key {
                FormKey::Cancel => FormEvent::Cancel,
                _ => FormEvent::Edited,
            };
        }
        let n = self.fields.len();
        let focus = self.focus;
        let before = self.fields[focus].value.clone();
        let field = &mut self.fields[focus];
        match key {
            FormKey::Cancel => return FormEvent::Cancel,
            FormKey::Submit => return FormEvent::Submit,
            FormKey::Next => self.focus = (focus + 1) % n,
            FormKey::Prev => self.focus = (focus + n - 1) % n,
            FormKey::Left => field.cycle(false),
            FormKey::Right => field.cycle(true),
            FormKey::Edit(edit) if field.is_text() => {
                edit.apply(&mut field.value);
                field.error = None;
            }
            FormKey::Edit(LineKey::Insert(' ')) => field.cycle(true),
            FormKey::Edit(LineKey::Insert(c)) => {
                if let Input::Choice(options) = &field.input {
                    // Jump to the next option starting with the letter.
                    let lower = c.to_ascii_lowercase();
                    let start = options
                        .iter()
                        .position(|(_, v)| *v == field.value)
                        .unwrap_or(0);
                    let found = (1..=options.len())
                        .map(|k| (start + k) % options.len())
                        .find(|i| options[*i].0.to_ascii_lowercase().starts_with(lower));
                    if let Some(i) = found {
                        field.value = options[i].1.clone();
                    }
                }
            }
            FormKey::Edit(_) => {}
        }
        let changed = self.fields[focus].value != before;
        match self.fields[focus].key {
            "account_type" if changed => self.follow_account_type(),
            "is_investment_account" if changed => self.investment_by_hand = true,
            _ => {}
        }
        self.error = None;
        FormEvent::Edited
    }

    /// Sets the investment flag to what the chosen account type usually is, unless the user
    /// has set it.
    fn follow_account_type(&mut self) {
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

    /// Checks every field and builds what to send; on failure the errors are on the fields.
    pub fn submission(&mut self) -> Option<Submission> {
        for f in &mut self.fields {
            f.error = None;
        }
        self.error = None;
        match self.build() {
            Ok(s) => Some(s),
            Err((field, message)) => {
                self.set_error(Some(field), message);
                None
            }
        }
    }

    fn build(&self) -> Result<Submission, (&'static str, String)> {
        let v = |e: crate::domain::ValidationError| (e.field, e.message);
        match &self.kind {
            FormKind::Login => Err(("login", "signing in is not a submission".into())),
            FormKind::NewInstitution => {
                let url = self.value("url");
                let new = NewInstitution::new(self.value("name"), (!url.is_empty()).then_some(url))
                    .map_err(v)?;
                Ok(Submission::CreateInstitution(new))
            }
            FormKind::EditInstitution(id) => {
                let url = self.value("url");
                let patch = InstitutionPatch::new(
                    Some(self.value("name")),
                    Some((!url.is_empty()).then_some(url)),
                )
                .map_err(v)?;
                Ok(Submission::UpdateInstitution(*id, patch))
            }
            FormKind::NewAccount | FormKind::EditAccount(_) => {
                let kind = AccountType::from_str(self.value("account_type")).map_err(v)?;
                let currency = CurrencyCode::parse(self.value("currency_code")).map_err(v)?;
                let institution =
                    match self.value("financial_institution_id") {
                        "" => None,
                        id => Some(Uuid::parse_str(id).map_err(|_| {
                            ("financial_institution_id", "unknown institution".into())
                        })?),
                    };
                let investment = self.value("is_investment_account") == "yes";
                let rate = optional_decimal(self.value("interest_rate"), "interest_rate")?;
                let new = NewAccount::new(
                    self.value("name"),
                    kind,
                    currency,
                    institution,
                    investment,
                    rate,
                )
                .map_err(v)?;
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
                        },
                    )),
                    _ => Ok(Submission::CreateAccount(new)),
                }
            }
            FormKind::NewValue { account } => {
                let balance = decimal(self.value("balance"), "balance")?;
                let cash = optional_decimal(self.value("cash_balance"), "cash_balance")?;
                let timestamp = optional_date(self.value("timestamp"))?;
                for (field, amount) in [("balance", Some(balance)), ("cash_balance", cash)] {
                    if let Some(a) = amount {
                        crate::domain::money::non_negative(field, a).map_err(v)?;
                    }
                }
                Ok(Submission::CreateValue {
                    account: *account,
                    balance,
                    cash,
                    timestamp,
                })
            }
            FormKind::EditValue { account, id } => {
                let patch = AccountValuePatch {
                    balance: Some(decimal(self.value("balance"), "balance")?),
                    cash_balance: Some(optional_decimal(
                        self.value("cash_balance"),
                        "cash_balance",
                    )?),
                    timestamp: optional_date(self.value("timestamp"))?,
                }
                .validated()
                .map_err(v)?;
                Ok(Submission::UpdateValue {
                    account: *account,
                    id: *id,
                    patch,
                })
            }
            FormKind::NewHolding => {
                let account = Uuid::parse_str(self.value("account"))
                    .map_err(|_| ("account", "choose an investment account".to_string()))?;
                let security = security_ref(self.value("security_id"))?;
                let shares = decimal(self.value("shares"), "shares")?;
                let price = decimal(
                    self.value("average_price_per_share"),
                    "average_price_per_share",
                )?;
                let timestamp = optional_date(self.value("timestamp"))?;
                crate::domain::NewHolding::new(
                    Uuid::nil(),
                    shares,
                    price,
                    timestamp.unwrap_or_else(Utc::now),
                )
                .map_err(v)?;
                Ok(Submission::CreateHolding {
                    account,
                    security,
                    shares,
                    price,
                    timestamp,
                })
            }
            FormKind::EditHolding { account, id } => {
                let security = security_ref(self.value("security_id"))?;
                let patch = HoldingPatch {
                    security_id: None,
                    shares: Some(decimal(self.value("shares"), "shares")?),
                    average_price: Some(decimal(
                        self.value("average_price_per_share"),
                        "average_price_per_share",
                    )?),
                    timestamp: None,
                }
                .validated()
                .map_err(v)?;
                Ok(Submission::UpdateHolding {
                    account: *account,
                    id: *id,
                    security: Some(security),
                    patch,
                })
            }
        }
    }
}

fn security_ref(raw: &str) -> Result<SecurityRef, (&'static str, String)> {
    if raw.is_empty() {
        return Err(("security_id", "a ticker symbol is required".into()));
    }
    Symbol::parse(raw)
        .map(SecurityRef::Symbol)
        .map_err(|e| ("security_id", e.message))
}

/// A decimal as typed: digits with an optional point; thousands separators are allowed.
pub fn parse_decimal(raw: &str) -> Option<Decimal> {
    let cleaned: String = raw
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '_')
        .collect();
    Decimal::from_str(&cleaned).ok()
}

fn decimal(raw: &str, field: &'static str) -> Result<Decimal, (&'static str, String)> {
    if raw.is_empty() {
        return Err((field, "is required".into()));
    }
    parse_decimal(raw).ok_or((field, format!("'{raw}' is not a number")))
}

fn optional_decimal(
    raw: &str,
    field: &'static str,
) -> Result<Option<Decimal>, (&'static str, String)> {
    if raw.is_empty() {
        Ok(None)
    } else {
        decimal(raw, field).map(Some)
    }
}

fn optional_date(raw: &str) -> Result<Option<DateTime<Utc>>, (&'static str, String)> {
    if raw.is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| ("timestamp", format!("'{raw}' is not a date (YYYY-MM-DD)")))?;
    let noon = date
        .and_hms_opt(12, 0, 0)
        .ok_or(("timestamp", "invalid date".to_string()))?;
    Ok(Some(Utc.from_utc_datetime(&noon)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn type_text(form: &mut Form, text: &str) {
        for c in text.chars() {
            form.handle(FormKey::Edit(LineKey::Insert(c)));
        }
    }

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
    fn holding_form_checks_numbers_and_symbols() {
        let acct = Uuid::new_v4();
        let today = NaiveDate::from_ymd_opt(2025, 1, 2).unwrap();
        let mut f = Form::new_holding(&[(acct, "Brokerage".into())], Some(acct), "", "", "", today);
        assert!(f.submission().is_none());
        assert!(f.field("security_id").unwrap().error.is_some());
        f.focus = 1;
        type_text(&mut f, "aapl");
        f.focus = 2;
        type_text(&mut f, "0");
        f.focus = 3;
        type_text(&mut f, "1,234.50");
        assert!(f.submission().is_none());
        assert_eq!(
            f.field("shares").unwrap().error.as_deref(),
            Some("must be more than 0")
        );
        f.focus = 2;
        f.handle(FormKey::Edit(LineKey::Backspace));
        type_text(&mut f, "12.5");
        match f.submission() {
            Some(Submission::CreateHolding {
                account,
                security,
                shares,
                price,
                timestamp,
            }) => {
                assert_eq!(account, acct);
                assert_eq!(
                    security,
                    SecurityRef::Symbol(Symbol::parse("AAPL").unwrap())
                );
                assert_eq!(shares, Decimal::new(125, 1));
                assert_eq!(price, Decimal::new(123450, 2));
                assert_eq!(timestamp.unwrap().date_naive(), today);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_holding_form_with_no_account_given_asks_for_one() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let today = NaiveDate::from_ymd_opt(2025, 1, 2).unwrap();
        let two = [(a, "Brokerage".to_string()), (b, "Roth IRA".to_string())];
        let mut f = Form::new_holding(&two, None, "AAPL", "1", "2", today);
        assert_eq!(f.field("account").unwrap().display(), "(choose)");
        assert!(f.submission().is_none());
        assert_eq!(
            f.field("account").unwrap().error.as_deref(),
            Some("choose an investment account")
        );
        f.handle(FormKey::Right);
        assert!(matches!(
            f.submission(),
            Some(Submission::CreateHolding { account, .. }) if account == a
        ));
        let one = Form::new_holding(&two[1..], None, "AAPL", "1", "2", today);
        assert_eq!(one.field("account").unwrap().display(), "Roth IRA");
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
        f.set_error(Some("nonexistent"), "Account not found");
        assert_eq!(f.error.as_deref(), Some("Account not found"));
    }
}
