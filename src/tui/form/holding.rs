//! The holding form: a position in a security, by its symbol, in an investment account.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::domain::{HoldingPatch, NewHolding, Symbol, ValidationError};
use crate::service::portfolio::SecurityRef;
use crate::tui::action::Submission;
use crate::tui::app::HoldingRow;

use super::{decimal, optional_date, Field, Form, FormKind};

impl Form {
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
                id: row.holding_id.unwrap_or_default(),
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
                    row.holding_price
                        .map(|p| p.normalize().to_string())
                        .unwrap_or_default(),
                    "per share, in the quote currency",
                ),
            ],
        )
    }

    /// A new holding (dated now when the date is left empty) with the symbol it is of, or the
    /// change to one.
    pub(super) fn holding_draft(&self) -> Result<Submission, ValidationError> {
        match &self.kind {
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
                .validated()?;
                Ok(Submission::UpdateHolding {
                    account: *account,
                    id: *id,
                    security: Some(security),
                    patch,
                })
            }
            _ => {
                let account = Uuid::parse_str(self.value("account"))
                    .map_err(|_| ValidationError::new("account", "choose an investment account"))?;
                let security = security_ref(self.value("security_id"))?;
                let shares = decimal(self.value("shares"), "shares")?;
                let price = decimal(
                    self.value("average_price_per_share"),
                    "average_price_per_share",
                )?;
                let timestamp = optional_date(self.value("timestamp"))?;
                let holding = NewHolding::new(
                    Uuid::nil(),
                    shares,
                    price,
                    timestamp.unwrap_or_else(crate::domain::now),
                )?;
                Ok(Submission::CreateHolding {
                    account,
                    security,
                    holding,
                })
            }
        }
    }
}

/// The symbol typed, which the service looks up (and stores, on first use).
fn security_ref(raw: &str) -> Result<SecurityRef, ValidationError> {
    if raw.is_empty() {
        return Err(ValidationError::new(
            "security_id",
            "a ticker symbol is required",
        ));
    }
    Symbol::parse(raw)
        .map(SecurityRef::Symbol)
        .map_err(|e| ValidationError::new("security_id", e.message))
}

#[cfg(test)]
mod tests {
    use super::super::tests::type_text;
    use super::super::FormKey;
    use super::*;
    use crate::tui::line_edit::LineKey;
    use rust_decimal::Decimal;

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
                holding,
            }) => {
                assert_eq!(account, acct);
                assert_eq!(
                    security,
                    SecurityRef::Symbol(Symbol::parse("AAPL").unwrap())
                );
                assert_eq!(holding.shares, Decimal::new(125, 1));
                assert_eq!(holding.average_price, Decimal::new(123450, 2));
                assert_eq!(holding.timestamp.date_naive(), today);
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
}
