//! Currencies: the catalogue, which superusers edit. Rates and conversion are in `fx`.

use std::sync::Arc;

use crate::domain::{Currency, CurrencyCode, User};
use crate::store::{Store, StoreError};

use super::users::require_superuser;
use super::{Entity, ServiceError, ServiceResult};

#[derive(Clone)]
pub struct CurrencyService {
    store: Arc<dyn Store>,
}

impl CurrencyService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    #[tracing::instrument(skip_all)]
    pub async fn list(&self) -> ServiceResult<Vec<Currency>> {
        Ok(self.store.currencies().await?)
    }

    #[tracing::instrument(skip_all)]
    pub async fn get(&self, code: &str) -> ServiceResult<Currency> {
        let not_found = || {
            ServiceError::not_found(
                Entity::Currency,
                format!("Currency {} not found", code.trim().to_uppercase()),
            )
        };
        let code = CurrencyCode::parse(code).map_err(|_| not_found())?;
        self.store.currency(&code).await?.ok_or_else(not_found)
    }

    #[tracing::instrument(skip_all, fields(user_id = %actor.id))]
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

    #[tracing::instrument(skip_all, fields(user_id = %actor.id))]
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

    #[tracing::instrument(skip_all, fields(user_id = %actor.id))]
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
                StoreError::NotFound => ServiceError::not_found(
                    Entity::Currency,
                    format!("Currency {} not found", current.code),
                ),
                other => other.into(),
            })
    }
}
