use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::codec::{id_list, ts, uid};
use super::errors::parent;
use super::SqliteStore;
use crate::store::rows::{distinct_ids, Columns};
use crate::store::{sql, ProposalStore, StoreResult};

#[async_trait]
impl ProposalStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all, fields(account_id = %account_id))]
    async fn dismiss_proposal(
        &self,
        account_id: Uuid,
        proposal_id: Uuid,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let query = sqlx::query(sql::proposals::DISMISS)
            .bind(uid(&account_id))
            .bind(uid(&proposal_id))
            .bind(ts(&at));
        match query.execute(&self.pool).await {
            Ok(_) => Ok(()),
            Err(e) => {
                let probe = parent(
                    "fk_proposal_dismissals_account",
                    "accounts",
                    Some(account_id),
                );
                Err(self.conflict(e, &[probe]).await)
            }
        }
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn dismissed_proposals(&self, account_ids: &[Uuid]) -> StoreResult<Vec<(Uuid, Uuid)>> {
        if account_ids.is_empty() {
            return Ok(Vec::new());
        }
        let query = sqlx::query(
            "SELECT account_id, proposal_id FROM proposal_dismissals \
             WHERE account_id IN (SELECT value FROM json_each($1)) \
             ORDER BY account_id, proposal_id",
        )
        .bind(id_list(&distinct_ids(account_ids)));
        self.list(query, |r| {
            Ok((r.uuid("account_id")?, r.uuid("proposal_id")?))
        })
        .await
    }
}
