/// Binds the account, the proposal and the time: dismissing twice keeps the first time.
pub(crate) const DISMISS: &str = "INSERT INTO proposal_dismissals (account_id, proposal_id, \
     dismissed_at) VALUES ($1, $2, $3) ON CONFLICT (account_id, proposal_id) DO NOTHING";
