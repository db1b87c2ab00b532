use async_trait::async_trait;
use uuid::Uuid;

use super::{PgQuery, PgStore};
use crate::domain::{Page, PageRequest, Security, Symbol};
use crate::store::rows::{self, affected_one, contains_pattern, sql_i64};
use crate::store::sql::securities::{self as sql, search_where, security_columns};
use crate::store::{SecurityQuote, SecurityStore, StoreResult};

/// `sql::INSERT` or `sql::UPSERT` with the security's columns bound.
pub(super) fn bind_security<'q>(sql: &'q str, s: &'q Security) -> PgQuery<'q> {
    sqlx::query(sql)
        .bind(s.id)
        .bind(s.symbol.as_str())
        .bind(&s.name)
        .bind(&s.exchange)
        .bind(&s.currency)
        .bind(s.security_type.as_str())
        .bind(&s.sector)
        .bind(&s.industry)
        .bind(s.market_cap)
        .bind(s.last_synced_at)
        .bind(s.created_at)
        .bind(s.updated_at)
}

#[async_trait]
impl SecurityStore for PgStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn insert_security(&self, s: &Security) -> StoreResult<()> {
        self.execute(bind_security(sql::INSERT, s)).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn security(&self, id: Uuid) -> StoreResult<Option<Security>> {
        self.optional(sqlx::query(sql::BY_ID).bind(id), rows::security)
            .await
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
            " FROM securities WHERE id = ANY($1) ORDER BY symbol"
        ))
        .bind(ids);
        self.list(query, rows::security).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn security_quotes(&self, ids: &[Uuid]) -> StoreResult<Vec<SecurityQuote>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let query = sqlx::query(
            "SELECT id AS security_id, symbol, currency AS quote_currency, last_close AS close \
             FROM securities WHERE id = ANY($1)",
        )
        .bind(ids);
        self.list(query, rows::security_quote).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn securities(&self, page: PageRequest) -> StoreResult<Page<Security>> {
        let query = sqlx::query(concat!(
            "SELECT ",
            security_columns!(),
            ", count(*) OVER () AS total FROM securities ORDER BY symbol LIMIT $1 OFFSET $2"
        ))
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip));
        self.page(query, sqlx::query(sql::COUNT), page, rows::security)
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
            "ORDER BY symbol <> $2, symbol LIMIT $3"
        ))
        .bind(contains_pattern(query))
        .bind(query.to_uppercase())
        .bind(sql_i64(limit));
        self.list(search, rows::security).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn update_security(&self, s: &Security) -> StoreResult<()> {
        let update = sqlx::query(sql::UPDATE)
            .bind(s.id)
            .bind(s.symbol.as_str())
            .bind(&s.name)
            .bind(&s.exchange)
            .bind(&s.currency)
            .bind(s.security_type.as_str())
            .bind(&s.sector)
            .bind(&s.industry)
            .bind(s.market_cap)
            .bind(s.last_synced_at)
            .bind(s.updated_at);
        affected_one(self.execute(update).await?)
    }
}
