use async_trait::async_trait;
use uuid::Uuid;

use super::codec::{date, opt_dec, opt_uid, ts, uid};
use super::errors::{parent, Probe};
use super::{SqliteQuery, SqliteStore};
use crate::domain::ledger::Activity;
use crate::domain::{ActivityFilter, Page, PageRequest};
use crate::store::rows::{self, affected_one, sql_i64, Columns};
use crate::store::sql::activities::{self as sql, activity_columns, filtered};
use crate::store::{ActivityStore, StoreResult};

fn bind_insert(a: &Activity) -> SqliteQuery<'_> {
    sqlx::query(sql::INSERT)
        .bind(uid(&a.id))
        .bind(uid(&a.account_id))
        .bind(a.activity_type.as_str())
        .bind(date(&a.date))
        .bind(opt_uid(&a.security_id))
        .bind(opt_dec(&a.quantity))
        .bind(opt_dec(&a.unit_price))
        .bind(opt_dec(&a.amount))
        .bind(opt_dec(&a.fee))
        .bind(a.currency.clone())
        .bind(opt_dec(&a.fx_rate))
        .bind(a.split_ratio.as_ref().map(ToString::to_string))
        .bind(a.notes.clone())
        .bind(a.external_id.clone())
        .bind(ts(&a.created_at))
        .bind(ts(&a.updated_at))
}

fn activity_probes(a: &Activity) -> Vec<Probe> {
    let mut probes = vec![parent(
        "fk_activities_account",
        "accounts",
        Some(a.account_id),
    )];
    if a.security_id.is_some() {
        probes.push(parent(
            "fk_activities_security",
            "securities",
            a.security_id,
        ));
    }
    probes
}

fn bind_filter<'q>(
    query: SqliteQuery<'q>,
    account_id: Uuid,
    f: &ActivityFilter,
) -> SqliteQuery<'q> {
    query
        .bind(uid(&account_id))
        .bind(f.start.as_ref().map(date))
        .bind(f.end.as_ref().map(date))
        .bind(f.activity_type.map(|t| t.as_str()))
        .bind(opt_uid(&f.security_id))
}

impl SqliteStore {
    async fn insert_all(&self, activities: &[Activity]) -> sqlx::Result<()> {
        // IMMEDIATE takes the write lock up front, as for a price sync.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for a in activities {
            bind_insert(a).execute(&mut *tx).await?;
        }
        tx.commit().await
    }
}

#[async_trait]
impl ActivityStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all, fields(count = activities.len()))]
    async fn insert_activities(&self, activities: &[Activity]) -> StoreResult<()> {
        match self.insert_all(activities).await {
            Ok(()) => Ok(()),
            Err(e) => {
                let probes: Vec<Probe> = activities.iter().flat_map(activity_probes).collect();
                Err(self.conflict(e, &probes).await)
            }
        }
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn activity(&self, id: Uuid) -> StoreResult<Option<Activity>> {
        self.optional(sqlx::query(sql::BY_ID).bind(uid(&id)), rows::activity)
            .await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(account_id = %account_id))]
    async fn activity_by_external_id(
        &self,
        account_id: Uuid,
        external_id: &str,
    ) -> StoreResult<Option<Activity>> {
        let query = sqlx::query(sql::BY_EXTERNAL_ID)
            .bind(uid(&account_id))
            .bind(external_id.to_string());
        self.optional(query, rows::activity).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(account_id = %account_id))]
    async fn activities(
        &self,
        account_id: Uuid,
        filter: &ActivityFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Activity>> {
        let query = sqlx::query(concat!(
            "SELECT ",
            activity_columns!(),
            " FROM activities WHERE ",
            filtered!(),
            " ORDER BY \"date\", created_at, id LIMIT $6 OFFSET $7"
        ));
        let count = sqlx::query(concat!(
            "SELECT count(*) FROM activities WHERE ",
            filtered!()
        ));
        let query = bind_filter(query, account_id, filter)
            .bind(sql_i64(page.limit))
            .bind(sql_i64(page.skip));
        let count = bind_filter(count, account_id, filter);
        self.page(query, count, rows::activity).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(account_id = %account_id))]
    async fn account_activities(&self, account_id: Uuid) -> StoreResult<Vec<Activity>> {
        let query = sqlx::query(sql::OF_ACCOUNT).bind(uid(&account_id));
        self.list(query, rows::activity).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn user_activities(&self, user_id: Uuid) -> StoreResult<Vec<Activity>> {
        let query = sqlx::query(sql::OF_USER).bind(uid(&user_id));
        let mut found: Vec<Activity> = self.list(query, rows::activity).await?;
        sql::in_replay_order(&mut found);
        Ok(found)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn accounts_with_activities(&self, user_id: Uuid) -> StoreResult<Vec<Uuid>> {
        let query = sqlx::query(sql::ACCOUNTS_OF_USER).bind(uid(&user_id));
        self.list(query, |r| r.uuid("account_id")).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %a.id))]
    async fn update_activity(&self, a: &Activity) -> StoreResult<()> {
        let update = sqlx::query(sql::UPDATE)
            .bind(uid(&a.id))
            .bind(a.activity_type.as_str())
            .bind(date(&a.date))
            .bind(opt_uid(&a.security_id))
            .bind(opt_dec(&a.quantity))
            .bind(opt_dec(&a.unit_price))
            .bind(opt_dec(&a.amount))
            .bind(opt_dec(&a.fee))
            .bind(a.currency.clone())
            .bind(opt_dec(&a.fx_rate))
            .bind(a.split_ratio.as_ref().map(ToString::to_string))
            .bind(a.notes.clone())
            .bind(a.external_id.clone())
            .bind(ts(&a.updated_at));
        let probes = || activity_probes(a);
        affected_one(self.execute_probed(update, probes).await?)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn delete_activity(&self, id: Uuid) -> StoreResult<()> {
        affected_one(
            self.execute(sqlx::query(sql::DELETE).bind(uid(&id)))
                .await?,
        )
    }
}
