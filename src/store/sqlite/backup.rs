use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use uuid::Uuid;

use super::codec::{date, dec, opt_dec, ts, uid};
use super::errors::db_err;
use super::securities::bind_security;
use super::{accounts, activities, holdings, institutions, users, SqliteQuery, SqliteStore};
use crate::domain::DataVersion;
use crate::store::rows::{self, distinct_ids, Columns};
use crate::store::sql::backup as sql;
use crate::store::sql::securities::REFRESH_CLOSES;
use crate::store::user_rows::currencies_used;
use crate::store::{BackupStore, ProposalDismissal, StoreResult, UserRows};

/// Every row a query finds on `conn`, each read by `map` as it arrives.
async fn all<T>(
    conn: &mut SqliteConnection,
    query: SqliteQuery<'_>,
    map: impl Fn(&SqliteRow) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    use futures::TryStreamExt;
    let mut rows = query.fetch(&mut *conn);
    let mut out = Vec::new();
    while let Some(row) = rows.try_next().await.map_err(db_err)? {
        out.push(map(&row)?);
    }
    Ok(out)
}

fn dismissal(r: &SqliteRow) -> StoreResult<ProposalDismissal> {
    Ok(ProposalDismissal {
        account_id: r.uuid("account_id")?,
        proposal_id: r.uuid("proposal_id")?,
        dismissed_at: r.time("dismissed_at")?,
    })
}

impl SqliteStore {
    /// The reads of one deferred transaction: WAL gives its first read a snapshot that the
    /// rest see too, whatever is written meanwhile.
    async fn read_user_rows(&self, user_id: Uuid) -> StoreResult<Option<UserRows>> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let id = uid(&user_id);
        let q = |sql| sqlx::query(sql).bind(id.clone());
        let Some(user) = all(&mut tx, q(sql::USER), rows::user).await?.pop() else {
            return Ok(None);
        };
        let institutions = all(&mut tx, q(sql::INSTITUTIONS), rows::institution).await?;
        let accounts = all(&mut tx, q(sql::ACCOUNTS), rows::account).await?;
        let account_values = all(&mut tx, q(sql::ACCOUNT_VALUES), rows::account_value).await?;
        let holdings = all(&mut tx, q(sql::HOLDINGS), rows::holding).await?;
        let activities = all(
            &mut tx,
            q(crate::store::sql::activities::OF_USER),
            rows::activity,
        )
        .await?;
        let proposal_dismissals = all(&mut tx, q(sql::PROPOSAL_DISMISSALS), dismissal).await?;
        let securities = all(&mut tx, q(sql::SECURITIES), rows::security).await?;
        let prices = all(&mut tx, q(sql::DAILY_PRICES), rows::price_bar).await?;
        let security_events = all(&mut tx, q(sql::SECURITY_EVENTS), rows::security_event).await?;
        let codes = currencies_used(&user, &accounts, &activities, &securities, &security_events);
        let codes = serde_json::Value::from(
            codes
                .iter()
                .map(|c| c.as_str().to_string())
                .collect::<Vec<_>>(),
        )
        .to_string();
        let currencies = all(
            &mut tx,
            sqlx::query(sql::CURRENCIES_SQLITE).bind(codes.clone()),
            rows::currency,
        )
        .await?;
        let exchange_rates = all(
            &mut tx,
            sqlx::query(sql::RATES_SQLITE).bind(codes),
            rows::rate,
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(Some(UserRows {
            user,
            institutions,
            accounts,
            account_values,
            holdings,
            activities,
            proposal_dismissals,
            currencies,
            exchange_rates,
            securities,
            prices,
            security_events,
        }))
    }

    /// Parents before children, in one transaction that takes the write lock up front.
    async fn write_user_rows(&self, r: &UserRows, version: i64) -> sqlx::Result<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for c in &r.currencies {
            sqlx::query(sql::KEEP_CURRENCY)
                .bind(c.code.as_str())
                .bind(&c.name)
                .bind(&c.symbol)
                .bind(i64::from(c.decimals))
                .execute(&mut *tx)
                .await?;
        }
        for rate in &r.exchange_rates {
            sqlx::query(sql::KEEP_RATE)
                .bind(rate.from.as_str())
                .bind(rate.to.as_str())
                .bind(date(&rate.date))
                .bind(dec(&rate.rate))
                .execute(&mut *tx)
                .await?;
        }
        for s in &r.securities {
            bind_security(sql::KEEP_SECURITY, s)
                .execute(&mut *tx)
                .await?;
        }
        for b in &r.prices {
            sqlx::query(sql::KEEP_PRICE)
                .bind(uid(&b.security_id))
                .bind(b.interval.as_str())
                .bind(ts(&b.timestamp))
                .bind(dec(&b.open))
                .bind(dec(&b.high))
                .bind(dec(&b.low))
                .bind(dec(&b.close))
                .bind(opt_dec(&b.adj_close))
                .bind(b.volume)
                .execute(&mut *tx)
                .await?;
        }
        for e in &r.security_events {
            let (numerator, denominator, amount, currency) = rows::event_figures(e);
            sqlx::query(sql::KEEP_EVENT)
                .bind(uid(&e.security_id))
                .bind(e.kind())
                .bind(date(&e.date))
                .bind(opt_dec(&numerator))
                .bind(opt_dec(&denominator))
                .bind(opt_dec(&amount))
                .bind(currency)
                .execute(&mut *tx)
                .await?;
        }
        let ids: Vec<Uuid> = r.securities.iter().map(|s| s.id).collect();
        for id in distinct_ids(&ids) {
            sqlx::query(REFRESH_CLOSES)
                .bind(uid(&id))
                .execute(&mut *tx)
                .await?;
        }
        users::bind_insert(&r.user).execute(&mut *tx).await?;
        for i in &r.institutions {
            institutions::bind_insert(i).execute(&mut *tx).await?;
        }
        for a in &r.accounts {
            accounts::bind_insert(a).execute(&mut *tx).await?;
        }
        for v in &r.account_values {
            accounts::bind_insert_value(v).execute(&mut *tx).await?;
        }
        for h in &r.holdings {
            holdings::bind_insert(h).execute(&mut *tx).await?;
        }
        for a in &r.activities {
            activities::bind_insert(a).execute(&mut *tx).await?;
        }
        for d in &r.proposal_dismissals {
            sqlx::query(sql::INSERT_DISMISSAL)
                .bind(uid(&d.account_id))
                .bind(uid(&d.proposal_id))
                .bind(ts(&d.dismissed_at))
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(sql::RAISE_VERSIONS_SQLITE)
            .bind(uid(&r.user.id))
            .bind(uid(&DataVersion::MARKET_SCOPE))
            .bind(version)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }
}

#[async_trait]
impl BackupStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn user_rows(&self, user_id: Uuid) -> StoreResult<Option<UserRows>> {
        self.read_user_rows(user_id).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %rows.user.id))]
    async fn restore_user_rows(
        &self,
        rows: &UserRows,
        restored_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write_user_rows(rows, restored_at.timestamp_micros())
            .await
            .map_err(db_err)
    }
}
