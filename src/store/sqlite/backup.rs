use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use uuid::Uuid;

use super::codec::{date, dec, opt_dec, opt_uid, ts, uid};
use super::errors::db_err;
use super::securities::bind_security;
use super::{accounts, institutions, users, SqliteQuery, SqliteStore};
use crate::domain::DataVersion;
use crate::store::rows::{self, distinct_ids, Columns};
use crate::store::sql::accounts::value_columns;
use crate::store::sql::activities::activity_columns;
use crate::store::sql::backup as sql;
use crate::store::sql::prices::bar_columns;
use crate::store::sql::securities::REFRESH_CLOSES;
use crate::store::user_rows::currencies_used;
use crate::store::{BackupStore, ProposalDismissal, StoreResult, UserRows};

/// Rows per statement of the tables written in bulk: a statement per row costs a round trip
/// to SQLite's worker thread each, which was most of a large restore's time.
const ROWS_PER_STATEMENT: usize = 5_000;

/// `rows` as one JSON array of arrays, for `json_each`: one bind for any count.
fn json_rows<T>(rows: &[T], row: impl Fn(&T) -> serde_json::Value) -> String {
    serde_json::Value::Array(rows.iter().map(row).collect()).to_string()
}

/// Runs an insert that reads its rows from the JSON array bound as `$1`.
async fn bulk(conn: &mut SqliteConnection, insert: &'static str, rows: String) -> sqlx::Result<()> {
    sqlx::query(insert).bind(rows).execute(&mut *conn).await?;
    Ok(())
}

/// The rows of `json_rows` as a table, its columns by position.
macro_rules! from_json_rows {
    ($first:literal $(, $i:literal)*) => {
        concat!(
            "SELECT json_extract(value, '$[", $first, "]')",
            $(", json_extract(value, '$[", $i, "]')",)*
            " FROM json_each($1)"
        )
    };
}

// `WHERE true` tells the parser that ON CONFLICT is not a join constraint.
const KEEP_RATES: &str = concat!(
    "INSERT INTO exchange_rates (from_currency, to_currency, rate_date, rate) SELECT * FROM (",
    from_json_rows!(0, 1, 2, 3),
    ") WHERE true ON CONFLICT DO NOTHING"
);
const KEEP_PRICES: &str = concat!(
    "INSERT INTO security_prices (",
    bar_columns!(),
    ") SELECT * FROM (",
    from_json_rows!(0, 1, 2, 3, 4, 5, 6, 7, 8),
    ") WHERE true ON CONFLICT DO NOTHING"
);
const INSERT_VALUES: &str = concat!(
    "INSERT INTO account_values (",
    value_columns!(),
    ") ",
    from_json_rows!(0, 1, 2, 3, 4, 5, 6)
);
const INSERT_HOLDINGS: &str = concat!(
    "INSERT INTO holdings (id, account_id, security_id, shares, average_price, \"timestamp\", \
     created_at, updated_at) ",
    from_json_rows!(0, 1, 2, 3, 4, 5, 6, 7)
);
const INSERT_ACTIVITIES: &str = concat!(
    "INSERT INTO activities (",
    activity_columns!(),
    ") ",
    from_json_rows!(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
);

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
        for chunk in r.exchange_rates.chunks(ROWS_PER_STATEMENT) {
            let rows = json_rows(chunk, |x| {
                json!([x.from.as_str(), x.to.as_str(), date(&x.date), dec(&x.rate)])
            });
            bulk(&mut tx, KEEP_RATES, rows).await?;
        }
        for s in &r.securities {
            bind_security(sql::KEEP_SECURITY, s)
                .execute(&mut *tx)
                .await?;
        }
        for chunk in r.prices.chunks(ROWS_PER_STATEMENT) {
            let rows = json_rows(chunk, |b| {
                json!([
                    uid(&b.security_id),
                    b.interval.as_str(),
                    ts(&b.timestamp),
                    dec(&b.open),
                    dec(&b.high),
                    dec(&b.low),
                    dec(&b.close),
                    opt_dec(&b.adj_close),
                    b.volume
                ])
            });
            bulk(&mut tx, KEEP_PRICES, rows).await?;
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
        for chunk in r.account_values.chunks(ROWS_PER_STATEMENT) {
            let rows = json_rows(chunk, |v| {
                json!([
                    uid(&v.id),
                    uid(&v.account_id),
                    ts(&v.timestamp),
                    dec(&v.balance),
                    opt_dec(&v.cash_balance),
                    ts(&v.created_at),
                    ts(&v.updated_at)
                ])
            });
            bulk(&mut tx, INSERT_VALUES, rows).await?;
        }
        for chunk in r.holdings.chunks(ROWS_PER_STATEMENT) {
            let rows = json_rows(chunk, |h| {
                json!([
                    uid(&h.id),
                    uid(&h.account_id),
                    uid(&h.security_id),
                    dec(&h.shares),
                    dec(&h.average_price),
                    ts(&h.timestamp),
                    ts(&h.created_at),
                    ts(&h.updated_at)
                ])
            });
            bulk(&mut tx, INSERT_HOLDINGS, rows).await?;
        }
        for chunk in r.activities.chunks(ROWS_PER_STATEMENT) {
            let rows = json_rows(chunk, |a| {
                json!([
                    uid(&a.id),
                    uid(&a.account_id),
                    a.activity_type.as_str(),
                    date(&a.date),
                    opt_uid(&a.security_id),
                    opt_dec(&a.quantity),
                    opt_dec(&a.unit_price),
                    opt_dec(&a.amount),
                    opt_dec(&a.fee),
                    a.currency,
                    opt_dec(&a.fx_rate),
                    a.split_ratio.as_ref().map(ToString::to_string),
                    a.notes,
                    a.external_id,
                    ts(&a.created_at),
                    ts(&a.updated_at)
                ])
            });
            bulk(&mut tx, INSERT_ACTIVITIES, rows).await?;
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
