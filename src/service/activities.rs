//! The ledger's activities: what a user records of an account's trades, income and cash
//! movements. Every change is replayed with the account's other activities before it is
//! stored, so a stored ledger is always one the engine can replay.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::ledger::{
    Activity, ActivityFields, ActivityPatch, ActivityType, NewActivity, SplitRatio,
};
use crate::domain::{self, Account, ActivityFilter, Page, PageRequest, Security, Symbol, User};
use crate::store::Store;

use super::account_locks::AccountLocks;
use super::ledger::{check_replays, position_statements};
use super::portfolio::{conflict, missing, owned_account, resolve_security, SecurityRef};
use super::securities::SecurityService;
use super::{Entity, ServiceError, ServiceResult};

const ACTIVITY_NOT_FOUND: &str = "Activity not found";

/// An activity as a user enters it: the security by id or symbol, and defaults left open
/// (the date is today, the currency the security's or else the account's).
#[derive(Debug, Clone)]
pub struct ActivityDraft {
    pub activity_type: ActivityType,
    pub date: Option<NaiveDate>,
    pub security: Option<SecurityRef>,
    pub quantity: Option<Decimal>,
    pub unit_price: Option<Decimal>,
    pub amount: Option<Decimal>,
    pub fee: Option<Decimal>,
    pub currency: Option<String>,
    pub fx_rate: Option<Decimal>,
    pub split_ratio: Option<SplitRatio>,
    pub notes: Option<String>,
    pub external_id: Option<String>,
}

/// A change to an activity; `security` replaces the security when present.
#[derive(Debug, Clone, Default)]
pub struct ActivityChange {
    pub security: Option<Option<SecurityRef>>,
    pub patch: ActivityPatch,
}

/// The result of adding one activity: the stored activity, and whether it was added now or
/// was already there under its `external_id` (an import run twice adds nothing).
#[derive(Debug, Clone)]
pub struct Recorded {
    pub activity: Activity,
    pub created: bool,
}

#[derive(Clone)]
pub struct ActivityService {
    store: Arc<dyn Store>,
    securities: Arc<SecurityService>,
    locks: AccountLocks,
}

impl ActivityService {
    pub(super) fn new(
        store: Arc<dyn Store>,
        securities: Arc<SecurityService>,
        locks: AccountLocks,
    ) -> Self {
        Self {
            store,
            securities,
            locks,
        }
    }

    /// A page of the account's activities, oldest first.
    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id))]
    pub async fn list(
        &self,
        user: &User,
        account_id: Uuid,
        filter: &ActivityFilter,
        page: PageRequest,
    ) -> ServiceResult<Page<Activity>> {
        owned_account(self.store.as_ref(), user, account_id).await?;
        Ok(self.store.activities(account_id, filter, page).await?)
    }

    /// [`list`](Self::list), narrowed to the stored security with `symbol`: an empty page
    /// when no stored security has it (nothing is looked up upstream to answer a filter).
    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id))]
    pub async fn list_of_symbol(
        &self,
        user: &User,
        account_id: Uuid,
        filter: &ActivityFilter,
        symbol: &Symbol,
        page: PageRequest,
    ) -> ServiceResult<Page<Activity>> {
        owned_account(self.store.as_ref(), user, account_id).await?;
        let Some(security) = self.securities.stored(symbol).await? else {
            return Ok(Page {
                items: Vec::new(),
                total: 0,
            });
        };
        let filter = ActivityFilter {
            security_id: Some(security.id),
            ..filter.clone()
        };
        Ok(self.store.activities(account_id, &filter, page).await?)
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id, id = %id))]
    pub async fn get(&self, user: &User, account_id: Uuid, id: Uuid) -> ServiceResult<Activity> {
        owned_account(self.store.as_ref(), user, account_id).await?;
        self.owned(account_id, id).await
    }

    /// Records one activity. With an `external_id` already in the account, the stored one
    /// is returned and nothing is added.
    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id))]
    pub async fn create(
        &self,
        user: &User,
        account_id: Uuid,
        draft: ActivityDraft,
    ) -> ServiceResult<Recorded> {
        let account = owned_account(self.store.as_ref(), user, account_id).await?;
        let _writing = self.locks.lock(account_id).await;
        if let Some(found) = self.by_external_id(account_id, &draft.external_id).await? {
            return Ok(Recorded {
                activity: found,
                created: false,
            });
        }
        let activity = self.build(&account, draft, domain::now()).await?;
        let mut ledger = self.store.account_activities(account_id).await?;
        ledger.push(activity.clone());
        self.check(&account, &ledger).await?;
        self.store
            .insert_activities(std::slice::from_ref(&activity))
            .await
            .map_err(|e| conflict(e, "An activity with this external_id already exists"))?;
        Ok(Recorded {
            activity,
            created: true,
        })
    }

    /// Records every draft or none. A bad draft fails the whole batch with every bad
    /// draft's index; drafts whose `external_id` is already stored are returned as stored.
    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id, count = drafts.len()))]
    pub async fn create_batch(
        &self,
        user: &User,
        account_id: Uuid,
        drafts: Vec<ActivityDraft>,
    ) -> ServiceResult<Vec<Recorded>> {
        let account = owned_account(self.store.as_ref(), user, account_id).await?;
        let _writing = self.locks.lock(account_id).await;
        let at = domain::now();
        let mut recorded = Vec::with_capacity(drafts.len());
        let mut errors = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (index, draft) in drafts.into_iter().enumerate() {
            if let Some(external) = &draft.external_id {
                if !seen.insert(external.clone()) {
                    errors.push((
                        index,
                        domain::ValidationError::new("external_id", "appears twice in the batch"),
                    ));
                    continue;
                }
            }
            if let Some(found) = self.by_external_id(account_id, &draft.external_id).await? {
                recorded.push(Recorded {
                    activity: found,
                    created: false,
                });
                continue;
            }
            match self.build(&account, draft, at).await {
                Ok(activity) => recorded.push(Recorded {
                    activity,
                    created: true,
                }),
                Err(ServiceError::Invalid(e)) => errors.push((index, e)),
                Err(other) => return Err(other),
            }
        }
        if !errors.is_empty() {
            return Err(ServiceError::InvalidItems(errors));
        }
        let new: Vec<Activity> = recorded
            .iter()
            .filter(|r| r.created)
            .map(|r| r.activity.clone())
            .collect();
        let mut ledger = self.store.account_activities(account_id).await?;
        ledger.extend(new.iter().cloned());
        self.check(&account, &ledger).await?;
        self.store
            .insert_activities(&new)
            .await
            .map_err(|e| conflict(e, "An activity with this external_id already exists"))?;
        Ok(recorded)
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id, id = %id))]
    pub async fn update(
        &self,
        user: &User,
        account_id: Uuid,
        id: Uuid,
        change: ActivityChange,
    ) -> ServiceResult<Activity> {
        let account = owned_account(self.store.as_ref(), user, account_id).await?;
        let _writing = self.locks.lock(account_id).await;
        let mut activity = self.owned(account_id, id).await?;
        let mut patch = change.patch;
        if let Some(security) = change.security {
            patch.security_id = Some(match security {
                Some(r) => Some(resolve_security(&self.securities, &r).await?.id),
                None => None,
            });
        }
        patch.apply(&mut activity, today())?;
        activity.updated_at = domain::now();
        let mut ledger = self.store.account_activities(account_id).await?;
        for stored in ledger.iter_mut().filter(|a| a.id == id) {
            *stored = activity.clone();
        }
        self.check(&account, &ledger).await?;
        self.store
            .update_activity(&activity)
            .await
            .map_err(|e| conflict(e, "An activity with this external_id already exists"))?;
        Ok(activity)
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id, id = %id))]
    pub async fn delete(&self, user: &User, account_id: Uuid, id: Uuid) -> ServiceResult<()> {
        let account = owned_account(self.store.as_ref(), user, account_id).await?;
        let _writing = self.locks.lock(account_id).await;
        self.owned(account_id, id).await?;
        let mut ledger = self.store.account_activities(account_id).await?;
        ledger.retain(|a| a.id != id);
        self.check(&account, &ledger).await?;
        self.store
            .delete_activity(id)
            .await
            .map_err(|e| missing(e, Entity::Activity, ACTIVITY_NOT_FOUND))
    }

    /// The symbol of each security the activities name, read in one query.
    #[tracing::instrument(skip_all, fields(count = activities.len()))]
    pub async fn symbols(&self, activities: &[Activity]) -> ServiceResult<HashMap<Uuid, Symbol>> {
        let found = self.securities_of(activities).await?;
        Ok(found.into_iter().map(|(id, s)| (id, s.symbol)).collect())
    }

    /// Each security the activities name, read in one query.
    #[tracing::instrument(skip_all, fields(count = activities.len()))]
    pub async fn securities_of(
        &self,
        activities: &[Activity],
    ) -> ServiceResult<HashMap<Uuid, Security>> {
        let mut ids: Vec<Uuid> = activities.iter().filter_map(|a| a.security_id).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let found = self.store.securities_by_ids(&ids).await?;
        Ok(found.into_iter().map(|s| (s.id, s)).collect())
    }

    async fn owned(&self, account_id: Uuid, id: Uuid) -> ServiceResult<Activity> {
        self.store
            .activity(id)
            .await?
            .filter(|a| a.account_id == account_id)
            .ok_or_else(|| ServiceError::not_found(Entity::Activity, ACTIVITY_NOT_FOUND))
    }

    async fn by_external_id(
        &self,
        account_id: Uuid,
        external_id: &Option<String>,
    ) -> ServiceResult<Option<Activity>> {
        match external_id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() => {
                Ok(self.store.activity_by_external_id(account_id, id).await?)
            }
            _ => Ok(None),
        }
    }

    /// The draft checked and completed: its security resolved, its defaults filled in.
    async fn build(
        &self,
        account: &Account,
        draft: ActivityDraft,
        at: chrono::DateTime<Utc>,
    ) -> ServiceResult<Activity> {
        let security = match &draft.security {
            Some(r) => Some(resolve_security(&self.securities, r).await?),
            None => None,
        };
        let currency = match (&draft.currency, &security) {
            (Some(c), _) => c.clone(),
            (None, Some(s)) => s.currency.clone(),
            (None, None) => account.currency.to_string(),
        };
        let fields = ActivityFields {
            activity_type: draft.activity_type,
            date: draft.date.unwrap_or_else(today),
            security_id: security.map(|s| s.id),
            quantity: draft.quantity,
            unit_price: draft.unit_price,
            amount: draft.amount,
            fee: draft.fee,
            currency,
            fx_rate: draft.fx_rate,
            split_ratio: draft.split_ratio,
            notes: draft.notes,
            external_id: draft.external_id,
        };
        let new = NewActivity::new(fields, today())?;
        Ok(new.into_activity(Uuid::new_v4(), account.id, at))
    }

    /// Refuses a ledger the engine cannot replay, read with the account's position
    /// statements (its holdings) as the engine reads them.
    async fn check(&self, account: &Account, ledger: &[Activity]) -> ServiceResult<()> {
        let store = self.store.as_ref();
        let statements = position_statements(store, account.id).await?;
        check_replays(store, account, ledger, &statements).await
    }
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}
