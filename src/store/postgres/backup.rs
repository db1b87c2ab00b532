use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::Connection;
use uuid::Uuid;

use super::securities::bind_security;
use super::{accounts, institutions, users, PgQuery, PgStore};
use crate::domain::DataVersion;
use crate::store::rows::{self, distinct_ids, Columns};
use crate::store::sql::backup as sql;
use crate::store::sql::securities::REFRESH_CLOSES;
use crate::store::user_rows::currencies_used;
use crate::store::{BackupStore, ProposalDismissal, StoreResult, UserRows};

/// Rows per statement of the tables written in bulk: each column is one array, so a ledger of
/// 100,000 activities is ten round trips rather than 100,000.
const ROWS_PER_STATEMENT: usize = 10_000;

/// Every row a query finds on `conn`, each read by `map` as it arrives. A row that cannot be
/// read fails like a column that cannot be decoded, so that the connection's owner settles
/// one kind of error.
async fn all<T>(
    conn: &mut PgConnection,
    query: PgQuery<'_>,
    map: impl Fn(&PgRow) -> StoreResult<T>,
) -> sqlx::Result<Vec<T>> {
    use futures::TryStreamExt;
    let mut rows = query.fetch(&mut *conn);
    let mut out = Vec::new();
    while let Some(row) = rows.try_next().await? {
        out.push(map(&row).map_err(|e| sqlx::Error::Decode(e.into()))?);
    }
    Ok(out)
}

fn dismissal(r: &PgRow) -> StoreResult<ProposalDismissal> {
    Ok(ProposalDismissal {
        account_id: r.uuid("account_id")?,
        proposal_id: r.uuid("proposal_id")?,
        dismissed_at: r.time("dismissed_at")?,
    })
}

/// The reads of one repeatable-read transaction, which sees the database as of its first
/// read whatever is written meanwhile.
async fn read_user_rows(conn: &mut PgConnection, user_id: Uuid) -> sqlx::Result<Option<UserRows>> {
    let mut tx = conn
        .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await?;
    let q = |sql| sqlx::query(sql).bind(user_id);
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
    let codes: Vec<String> =
        currencies_used(&user, &accounts, &activities, &securities, &security_events)
            .iter()
            .map(|c| c.as_str().to_string())
            .collect();
    let currencies = all(
        &mut tx,
        sqlx::query(sql::CURRENCIES_PG).bind(codes.clone()),
        rows::currency,
    )
    .await?;
    let exchange_rates = all(&mut tx, sqlx::query(sql::RATES_PG).bind(codes), rows::rate).await?;
    tx.commit().await?;
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

/// The row triggers that raise the owner's data version on each row written, by table: a
/// restore sets the version once at its end instead. Raised per row, the one counter was
/// updated 100,000 times in one transaction for a large ledger, each update slower than the
/// last (every earlier version of the row stays until the transaction ends): 140 s where the
/// rows alone take seconds.
macro_rules! row_triggers {
    ($verb:literal) => {
        [
            concat!(
                "ALTER TABLE account_values ",
                $verb,
                " TRIGGER tr_account_values_data_version"
            ),
            concat!(
                "ALTER TABLE holdings ",
                $verb,
                " TRIGGER tr_holdings_data_version"
            ),
            concat!(
                "ALTER TABLE activities ",
                $verb,
                " TRIGGER tr_activities_data_version"
            ),
            concat!(
                "ALTER TABLE proposal_dismissals ",
                $verb,
                " TRIGGER tr_proposal_dismissals_data_version"
            ),
        ]
    };
}

/// Turns the row triggers off (or on again) within the transaction: its lock makes other
/// writers of those tables wait until it ends (readers go on), so that nobody writes while
/// they are off, and a transaction rolled back leaves them on.
async fn switch_row_triggers(conn: &mut PgConnection, on: bool) -> sqlx::Result<()> {
    let statements = if on {
        row_triggers!("ENABLE")
    } else {
        row_triggers!("DISABLE")
    };
    for statement in statements {
        sqlx::query(statement).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Parents before children, in one transaction: dropping it on any error rolls all back.
async fn write_user_rows(conn: &mut PgConnection, r: &UserRows, version: i64) -> sqlx::Result<()> {
    let mut tx = conn.begin().await?;
    switch_row_triggers(&mut tx, false).await?;
    for c in &r.currencies {
        sqlx::query(sql::KEEP_CURRENCY)
            .bind(c.code.as_str())
            .bind(&c.name)
            .bind(&c.symbol)
            .bind(i16::from(c.decimals))
            .execute(&mut *tx)
            .await?;
    }
    for chunk in r.exchange_rates.chunks(ROWS_PER_STATEMENT) {
        sqlx::query(
            "INSERT INTO exchange_rates (from_currency, to_currency, rate_date, rate) \
             SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::numeric[]) \
             ON CONFLICT (from_currency, to_currency, rate_date) DO NOTHING",
        )
        .bind(chunk.iter().map(|x| x.from.as_str()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|x| x.to.as_str()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|x| x.date).collect::<Vec<_>>())
        .bind(chunk.iter().map(|x| x.rate).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await?;
    }
    for s in &r.securities {
        bind_security(sql::KEEP_SECURITY, s)
            .execute(&mut *tx)
            .await?;
    }
    for chunk in r.prices.chunks(ROWS_PER_STATEMENT) {
        sqlx::query(
            "INSERT INTO security_prices (security_id, \"interval\", \"timestamp\", open, high, \
                 low, close, adj_close, volume) \
             SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::numeric[], \
                 $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[], $9::int8[]) \
             ON CONFLICT (security_id, \"interval\", \"timestamp\") DO NOTHING",
        )
        .bind(chunk.iter().map(|b| b.security_id).collect::<Vec<_>>())
        .bind(
            chunk
                .iter()
                .map(|b| b.interval.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(chunk.iter().map(|b| b.timestamp).collect::<Vec<_>>())
        .bind(chunk.iter().map(|b| b.open).collect::<Vec<_>>())
        .bind(chunk.iter().map(|b| b.high).collect::<Vec<_>>())
        .bind(chunk.iter().map(|b| b.low).collect::<Vec<_>>())
        .bind(chunk.iter().map(|b| b.close).collect::<Vec<_>>())
        .bind(chunk.iter().map(|b| b.adj_close).collect::<Vec<_>>())
        .bind(chunk.iter().map(|b| b.volume).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await?;
    }
    for e in &r.security_events {
        let (numerator, denominator, amount, currency) = rows::event_figures(e);
        sqlx::query(sql::KEEP_EVENT)
            .bind(e.security_id)
            .bind(e.kind())
            .bind(e.date)
            .bind(numerator)
            .bind(denominator)
            .bind(amount)
            .bind(currency)
            .execute(&mut *tx)
            .await?;
    }
    let ids: Vec<Uuid> = r.securities.iter().map(|s| s.id).collect();
    for id in distinct_ids(&ids) {
        sqlx::query(REFRESH_CLOSES)
            .bind(id)
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
        accounts::bind_insert_values(chunk)
            .execute(&mut *tx)
            .await?;
    }
    for chunk in r.holdings.chunks(ROWS_PER_STATEMENT) {
        sqlx::query(
            "INSERT INTO holdings (id, account_id, security_id, shares, average_price, \
                 \"timestamp\", created_at, updated_at) \
             SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::numeric[], \
                 $5::numeric[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[])",
        )
        .bind(chunk.iter().map(|h| h.id).collect::<Vec<_>>())
        .bind(chunk.iter().map(|h| h.account_id).collect::<Vec<_>>())
        .bind(chunk.iter().map(|h| h.security_id).collect::<Vec<_>>())
        .bind(chunk.iter().map(|h| h.shares).collect::<Vec<_>>())
        .bind(chunk.iter().map(|h| h.average_price).collect::<Vec<_>>())
        .bind(chunk.iter().map(|h| h.timestamp).collect::<Vec<_>>())
        .bind(chunk.iter().map(|h| h.created_at).collect::<Vec<_>>())
        .bind(chunk.iter().map(|h| h.updated_at).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await?;
    }
    for chunk in r.activities.chunks(ROWS_PER_STATEMENT) {
        sqlx::query(
            "INSERT INTO activities (id, account_id, activity_type, \"date\", security_id, \
                 quantity, unit_price, amount, fee, currency, fx_rate, split_ratio, notes, \
                 external_id, created_at, updated_at) \
             SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::date[], $5::uuid[], \
                 $6::numeric[], $7::numeric[], $8::numeric[], $9::numeric[], $10::text[], \
                 $11::numeric[], $12::text[], $13::text[], $14::text[], $15::timestamptz[], \
                 $16::timestamptz[])",
        )
        .bind(chunk.iter().map(|a| a.id).collect::<Vec<_>>())
        .bind(chunk.iter().map(|a| a.account_id).collect::<Vec<_>>())
        .bind(
            chunk
                .iter()
                .map(|a| a.activity_type.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(chunk.iter().map(|a| a.date).collect::<Vec<_>>())
        .bind(chunk.iter().map(|a| a.security_id).collect::<Vec<_>>())
        .bind(chunk.iter().map(|a| a.quantity).collect::<Vec<_>>())
        .bind(chunk.iter().map(|a| a.unit_price).collect::<Vec<_>>())
        .bind(chunk.iter().map(|a| a.amount).collect::<Vec<_>>())
        .bind(chunk.iter().map(|a| a.fee).collect::<Vec<_>>())
        .bind(
            chunk
                .iter()
                .map(|a| a.currency.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(chunk.iter().map(|a| a.fx_rate).collect::<Vec<_>>())
        .bind(
            chunk
                .iter()
                .map(|a| a.split_ratio.as_ref().map(ToString::to_string))
                .collect::<Vec<_>>(),
        )
        .bind(chunk.iter().map(|a| a.notes.as_deref()).collect::<Vec<_>>())
        .bind(
            chunk
                .iter()
                .map(|a| a.external_id.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(chunk.iter().map(|a| a.created_at).collect::<Vec<_>>())
        .bind(chunk.iter().map(|a| a.updated_at).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await?;
    }
    for chunk in r.proposal_dismissals.chunks(ROWS_PER_STATEMENT) {
        sqlx::query(
            "INSERT INTO proposal_dismissals (account_id, proposal_id, dismissed_at) \
             SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[])",
        )
        .bind(chunk.iter().map(|d| d.account_id).collect::<Vec<_>>())
        .bind(chunk.iter().map(|d| d.proposal_id).collect::<Vec<_>>())
        .bind(chunk.iter().map(|d| d.dismissed_at).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await?;
    }
    switch_row_triggers(&mut tx, true).await?;
    sqlx::query(sql::RAISE_VERSIONS_PG)
        .bind(r.user.id)
        .bind(DataVersion::MARKET_SCOPE)
        .bind(version)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

#[async_trait]
impl BackupStore for PgStore {
    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn user_rows(&self, user_id: Uuid) -> StoreResult<Option<UserRows>> {
        let mut conn = self.conn().await?;
        let read = read_user_rows(&mut conn, user_id).await;
        conn.settle(read)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %rows.user.id))]
    async fn restore_user_rows(
        &self,
        rows: &UserRows,
        restored_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut conn = self.conn().await?;
        let written = write_user_rows(&mut conn, rows, restored_at.timestamp_micros()).await;
        conn.settle(written)
    }
}
