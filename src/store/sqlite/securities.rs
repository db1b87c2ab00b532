use async_trait::async_trait;
use uuid::Uuid;

use super::codec::{id_list, opt_dec, opt_ts, ts, uid};
use super::{SqliteQuery, SqliteStore};
use crate::domain::{Page, PageRequest, Security, Symbol};
use crate::store::rows::{self, affected_one, contains_pattern, sql_i64};
use crate::store::sql::securities::{self as sql, search_where, security_columns};
use crate::store::{SecurityQuote, SecurityStore, StoreResult};

/// `sql::INSERT` or `sql::UPSERT` with the security's columns bound.
pub(super) fn bind_security<'q>(sql: &'q str, s: &'q Security) -> SqliteQuery<'q> {
    sqlx::query(sql)
        .bind(uid(&s.id))
        .bind(s.symbol.as_str())
        .bind(&s.name)
        .bind(&s.exchange)
        .bind(&s.currency)
        .bind(s.security_type.as_str())
        .bind(&s.sector)
        .bind(&s.industry)
        .bind(opt_dec(&s.market_cap))
        .bind(opt_ts(&s.last_synced_at))
        .bind(ts(&s.created_at))
        .bind(ts(&s.updated_at))
}

#[async_trait]
impl SecurityStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn insert_security(&self, s: &Security) -> StoreResult<()> {
        self.execute(bind_security(sql::INSERT, s)).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn security(&self, id: Uuid) -> StoreResult<Option<Security>> {
        let query = sqlx::query(sql::BY_ID).bind(uid(&id));
        self.optional(query, rows::security).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(symbol = %symbol))]
    async fn security_by_symbol(&self, symbol: &Symbol) -> StoreResult<Option<Security>> {
        let query = sqlx::query(sql::BY_SYMBOL).bind(symbol.as_str());
        self.optional(query, rows::security).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn securities_by_ids(&self, ids: &[Uuid]) -> StoreResult<Vec<Security>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let query = sqlx::query(concat!(
            "SELECT ",
            security_columns!(),
            " FROM securities WHERE id IN (SELECT value FROM json_each($1)) ORDER BY symbol"
        ))
        .bind(id_list(ids));
        self.list(query, rows::security).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn security_quotes(&self, ids: &[Uuid]) -> StoreResult<Vec<SecurityQuote>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let query = sqlx::query(
            "SELECT id AS security_id, symbol, currency AS quote_currency, last_close AS close \
             FROM securities WHERE id IN (SELECT value FROM json_each($1))",
        )
        .bind(id_list(ids));
        self.list(query, rows::security_quote).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn securities(&self, page: PageRequest) -> StoreResult<Page<Security>> {
        let query = sqlx::query(concat!(
            "SELECT ",
            security_columns!(),
            " FROM securities ORDER BY symbol LIMIT $1 OFFSET $2"
        ))
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip));
        self.page(query, sqlx::query(sql::COUNT), rows::security)
            .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn search_securities(&self, query: &str, limit: u64) -> StoreResult<Vec<Security>> {
        let query = query.trim();
        let search = sqlx::query(concat!(
            "SELECT ",
            security_columns!(),
            " FROM securities ",
            search_where!(),
            "ORDER BY CASE WHEN symbol = $2 THEN 0 ELSE 1 END, symbol LIMIT $3"
        ))
        .bind(contains_pattern(query))
        .bind(query.to_uppercase())
        .bind(sql_i64(limit));
        self.list(search, rows::security).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn update_security(&self, s: &Security) -> StoreResult<()> {
        let update = sqlx::query(sql::UPDATE)
            .bind(uid(&s.id))
            .bind(s.symbol.as_str())
            .bind(&s.name)
            .bind(&s.exchange)
            .bind(&s.currency)
            .bind(s.security_type.as_str())
            .bind(&s.sector)
            .bind(&s.industry)
            .bind(opt_dec(&s.market_cap))
            .bind(opt_ts(&s.last_synced_at))
            .bind(ts(&s.updated_at));
        affected_one(self.execute(update).await?)
    }
}
