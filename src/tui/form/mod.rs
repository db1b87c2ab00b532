//! Forms for creating and editing institutions, accounts, balances and holdings: fields, the
//! cursor, typing. Each form builds the domain's own draft (`NewHolding`, `NewAccount`,
//! `AccountValuePatch`, ...), so each input is checked once, by the domain, before anything is
//! sent; what the services refuse comes back onto the field it names.
//!
//! The fields and drafts of each form live beside the others of its kind: `form/accounts.rs`
//! (institutions, accounts, balances) and `form/holding.rs`; sign-in is here.

mod accounts;
mod activity;
mod holding;

pub use activity::ActivityPrefill;

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::ValidationError;

use super::action::Submission;
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
        /// An investment account's balance states its cash.
        investment: bool,
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
    /// `today`: the latest date an activity may have.
    NewActivity {
        today: NaiveDate,
    },
    EditActivity {
        account: Uuid,
        id: Uuid,
        today: NaiveDate,
    },
}

impl FormKind {
    pub fn is_activity(&self) -> bool {
        matches!(self, Self::NewActivity { .. } | Self::EditActivity { .. })
    }
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
            "activity_type" if changed && self.kind.is_activity() => self.follow_activity_type(),
            _ => {}
        }
        self.error = None;
        FormEvent::Edited
    }

    /// Checks every field and builds the domain draft to send; on failure the error is on the
    /// field it names.
    pub fn submission(&mut self) -> Option<Submission> {
        for f in &mut self.fields {
            f.error = None;
        }
        self.error = None;
        let built = match &self.kind {
            FormKind::Login => Err(ValidationError::new(
                "login",
                "signing in is not a submission",
            )),
            FormKind::NewInstitution | FormKind::EditInstitution(_) => self.institution_draft(),
            FormKind::NewAccount | FormKind::EditAccount(_) => self.account_draft(),
            FormKind::NewValue { .. } | FormKind::EditValue { .. } => self.value_draft(),
            FormKind::NewHolding | FormKind::EditHolding { .. } => self.holding_draft(),
            FormKind::NewActivity { .. } | FormKind::EditActivity { .. } => self.activity_draft(),
        };
        match built {
            Ok(s) => Some(s),
            Err(e) => {
                self.set_error(Some(e.field), e.message);
                None
            }
        }
    }
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

fn decimal(raw: &str, field: &'static str) -> Result<Decimal, ValidationError> {
    if raw.is_empty() {
        return Err(ValidationError::new(field, "is required"));
    }
    parse_decimal(raw)
        .ok_or_else(|| ValidationError::new(field, format!("'{raw}' is not a number")))
}

fn optional_decimal(raw: &str, field: &'static str) -> Result<Option<Decimal>, ValidationError> {
    if raw.is_empty() {
        Ok(None)
    } else {
        decimal(raw, field).map(Some)
    }
}

/// A date typed as YYYY-MM-DD, at noon UTC; `None` when left empty.
fn optional_date(raw: &str) -> Result<Option<DateTime<Utc>>, ValidationError> {
    if raw.is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
        ValidationError::new("timestamp", format!("'{raw}' is not a date (YYYY-MM-DD)"))
    })?;
    let noon = date
        .and_hms_opt(12, 0, 0)
        .ok_or_else(|| ValidationError::new("timestamp", "invalid date"))?;
    Ok(Some(Utc.from_utc_datetime(&noon)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Types `text` into the field that has the cursor.
    pub fn type_text(form: &mut Form, text: &str) {
        for c in text.chars() {
            form.handle(FormKey::Edit(LineKey::Insert(c)));
        }
    }
}
