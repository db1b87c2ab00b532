use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::PgStore;
use crate::store::rows::{distinct_ids, Columns};
use crate::store::{sql, ProposalStore, StoreResult};

#[async_trait]
impl ProposalStore for PgStore {
    #[tracing::instrument(level = "debug", skip_all, fields(account_id = %account_id))]
    async fn dismiss_proposal(
        &self,
        account_id: Uuid,
        proposal_id: Uuid,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let query = sqlx::query(sql::proposals::DISMISS)
            .bind(account_id)
            .bind(proposal_id)
            .bind(at);
        self.execute(query).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn dismissed_proposals(&self, account_ids: &[Uuid]) -> StoreResult<Vec<(Uuid, Uuid)>> {
        if account_ids.is_empty() {
            return Ok(Vec::new());
        }
        let query = sqlx::query(
            "SELECT account_id, proposal_id FROM proposal_dismissals \
             WHERE account_id = ANY($1) ORDER BY account_id, proposal_id",
        )
        .bind(distinct_ids(account_ids));
        self.list(query, |r| {
            Ok((r.uuid("account_id")?, r.uuid("proposal_id")?))
        })
        .await
    }
}
