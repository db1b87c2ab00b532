//! Currencies: the catalogue (superusers edit it) and conversion between them.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::{money, Currency, CurrencyCode, ExchangeRate, User};
use crate::store::{Store, StoreError};

use super::rates::rate_on;
use super::users::require_superuser;
use super::{ServiceError, ServiceResult};

/// The outcome of a conversion: `converted = amount * rate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    pub from: CurrencyCode,
    pub to: CurrencyCode,
    pub amount: Decimal,
    pub rate: Decimal,
    pub date: NaiveDate,
    pub converted: Decimal,
}

#[derive(Clone)]
pub struct CurrencyService {
    store: Arc<dyn Store>,
}

impl CurrencyService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    pub async fn list(&self) -> ServiceResult<Vec<Currency>> {
        Ok(self.store.currencies().await?)
    }

    pub async fn get(&self, code: &str) -> ServiceResult<Currency> {
        let not_found = || {
            ServiceError::not_found(format!("Currency {} not found", code.trim().to_uppercase()))
        };
        let code = CurrencyCode::parse(code).map_err(|_| not_found())?;
        self.store.currency(&code).await?.ok_or_else(not_found)
    }

    pub async fn create(&self, actor: &User, currency: Currency) -> ServiceResult<Currency> {
        require_superuser(actor)?;
        self.store
            .insert_currency(&currency)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => {
                    ServiceError::Conflict(format!("Currency {} already exists", currency.code))
                }
                other => other.into(),
            })?;
        Ok(currency)
    }

    pub async fn update(
        &self,
        actor: &User,
        code: &str,
        name: Option<String>,
        symbol: Option<String>,
    ) -> ServiceResult<Currency> {
        require_superuser(actor)?;
        let current = self.get(code).await?;
        let updated = Currency::new(
            current.code.as_str(),
            name.as_deref().unwrap_or(&current.name),
            symbol.as_deref().unwrap_or(&current.symbol),
            current.decimals,
        )?;
        self.store.update_currency(&updated).await?;
        Ok(updated)
    }

    pub async fn delete(&self, actor: &User, code: &str) -> ServiceResult<()> {
        require_superuser(actor)?;
        let current = self.get(code).await?;
        self.store
            .delete_currency(&current.code)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => {
                    ServiceError::Conflict(format!("Currency {} is in use", current.code))
                }
                StoreError::NotFound => {
                    ServiceError::not_found(format!("Currency {} not found", current.code))
                }
                other => other.into(),
            })
    }

    /// For each currency, the newest rate from `base` on or before `date`.
    pub async fn rates(&self, base: &str, date: NaiveDate) -> ServiceResult<Vec<ExchangeRate>> {
        let base = self.get(base).await?.code;
        let rates = self.store.rates_from(&base, date).await?;
        if rates.is_empty() {
            return Err(ServiceError::not_found(format!(
                "No exchange rates from {base} on or before {date}"
            )));
        }
        Ok(rates)
    }

    /// Converts with the rate in force on `date`; a missing rate is an error, never 1:1.
    pub async fn convert(
        &self,
        from: &str,
        to: &str,
        amount: Decimal,
        date: NaiveDate,
    ) -> ServiceResult<Conversion> {
        let from = CurrencyCode::parse(from)?;
        let to = CurrencyCode::parse(to)?;
        let amount = money::check_amount("amount", amount)?;
        let rate = rate_on(self.store.as_ref(), &from, &to, date)
            .await?
            .ok_or_else(|| {
                ServiceError::not_found(format!(
                    "No exchange rate from {from} to {to} on or before {date}"
                ))
            })?;
        Ok(Conversion {
            converted: (amount * rate).round_dp(money::MAX_SCALE),
            from,
            to,
            amount,
            rate,
            date,
        })
    }
}
