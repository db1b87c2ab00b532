use async_trait::async_trait;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use super::{PgQuery, PgStore};
use crate::domain::ledger::Activity;
use crate::domain::{ActivityFilter, Page, PageRequest};
use crate::store::rows::{self, affected_one, sql_i64, Columns};
use crate::store::sql::activities::{self as sql, activity_columns, filtered};
use crate::store::{ActivityStore, StoreResult};

fn bind_insert(a: &Activity) -> PgQuery<'_> {
    sqlx::query(sql::INSERT)
        .bind(a.id)
        .bind(a.account_id)
        .bind(a.activity_type.as_str())
        .bind(a.date)
        .bind(a.security_id)
        .bind(a.quantity)
        .bind(a.unit_price)
        .bind(a.amount)
        .bind(a.fee)
        .bind(&a.currency)
        .bind(a.fx_rate)
        .bind(a.split_ratio.as_ref().map(ToString::to_string))
        .bind(&a.notes)
        .bind(&a.external_id)
        .bind(a.created_at)
        .bind(a.updated_at)
}

/// Rows written by one statement: 16 parameters each, well under PostgreSQL's 65,535, and
/// one round trip for thousands of rows (an import's) instead of one per row.
const INSERT_CHUNK: usize = 2000;

async fn insert_all(conn: &mut PgConnection, activities: &[Activity]) -> sqlx::Result<()> {
    // Dropping the transaction on any error rolls every row back.
    let mut tx = conn.begin().await?;
    if let [one] = activities {
        bind_insert(one).execute(&mut *tx).await?;
        return tx.commit().await;
    }
    for chunk in activities.chunks(INSERT_CHUNK) {
        let mut query = sqlx::QueryBuilder::<sqlx::Postgres>::new(concat!(
            "INSERT INTO activities (",
            activity_columns!(),
            ") "
        ));
        query.push_values(chunk, |mut row, a| {
            row.push_bind(a.id)
                .push_bind(a.account_id)
                .push_bind(a.activity_type.as_str())
                .push_bind(a.date)
                .push_bind(a.security_id)
                .push_bind(a.quantity)
                .push_bind(a.unit_price)
                .push_bind(a.amount)
                .push_bind(a.fee)
                .push_bind(&a.currency)
                .push_bind(a.fx_rate)
                .push_bind(a.split_ratio.as_ref().map(ToString::to_string))
                .push_bind(&a.notes)
                .push_bind(&a.external_id)
                .push_bind(a.created_at)
                .push_bind(a.updated_at);
        });
        query.build().execute(&mut *tx).await?;
    }
    tx.commit().await
}

#[async_trait]
impl ActivityStore for PgStore {
    #[tracing::instrument(level = "debug", skip_all, fields(count = activities.len()))]
    async fn insert_activities(&self, activities: &[Activity]) -> StoreResult<()> {
        let mut conn = self.conn().await?;
        let done = insert_all(&mut conn, activities).await;
        conn.settle(done)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn activity(&self, id: Uuid) -> StoreResult<Option<Activity>> {
        self.optional(sqlx::query(sql::BY_ID).bind(id), rows::activity)
            .await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(account_id = %account_id))]
    async fn activity_by_external_id(
        &self,
        account_id: Uuid,
        external_id: &str,
    ) -> StoreResult<Option<Activity>> {
        let query = sqlx::query(sql::BY_EXTERNAL_ID)
            .bind(account_id)
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
            ", count(*) OVER () AS total FROM activities WHERE ",
            filtered!(),
            " ORDER BY \"date\", created_at, id LIMIT $6 OFFSET $7"
        ));
        let count = sqlx::query(concat!(
            "SELECT count(*) FROM activities WHERE ",
            filtered!()
        ));
        let (query, count) = (
            bind_filter(query, account_id, filter),
            bind_filter(count, account_id, filter),
        );
        let query = query.bind(sql_i64(page.limit)).bind(sql_i64(page.skip));
        self.page(query, count, page, rows::activity).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(account_id = %account_id))]
    async fn account_activities(&self, account_id: Uuid) -> StoreResult<Vec<Activity>> {
        self.list(
            sqlx::query(sql::OF_ACCOUNT).bind(account_id),
            rows::activity,
        )
        .await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn user_activities(&self, user_id: Uuid) -> StoreResult<Vec<Activity>> {
        let mut found: Vec<Activity> = self
            .list(sqlx::query(sql::OF_USER).bind(user_id), rows::activity)
            .await?;
        sql::in_replay_order(&mut found);
        Ok(found)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn accounts_with_activities(&self, user_id: Uuid) -> StoreResult<Vec<Uuid>> {
        let query = sqlx::query(sql::ACCOUNTS_OF_USER).bind(user_id);
        self.list(query, |r| r.uuid("account_id")).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %a.id))]
    async fn update_activity(&self, a: &Activity) -> StoreResult<()> {
        let update = sqlx::query(sql::UPDATE)
            .bind(a.id)
            .bind(a.activity_type.as_str())
            .bind(a.date)
            .bind(a.security_id)
            .bind(a.quantity)
            .bind(a.unit_price)
            .bind(a.amount)
            .bind(a.fee)
            .bind(&a.currency)
            .bind(a.fx_rate)
            .bind(a.split_ratio.as_ref().map(ToString::to_string))
            .bind(&a.notes)
            .bind(&a.external_id)
            .bind(a.updated_at);
        affected_one(self.execute(update).await?)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn delete_activity(&self, id: Uuid) -> StoreResult<()> {
        affected_one(self.execute(sqlx::query(sql::DELETE).bind(id)).await?)
    }
}

fn bind_filter<'q>(query: PgQuery<'q>, account_id: Uuid, f: &ActivityFilter) -> PgQuery<'q> {
    query
        .bind(account_id)
        .bind(f.start)
        .bind(f.end)
        .bind(f.activity_type.map(|t| t.as_str()))
        .bind(f.security_id)
}
