//! One writer at a time per account ledger. A change is checked by replaying the account's
//! stored activities with it; two changes checked at once would each see the ledger without
//! the other (two sales of the last shares would both pass), so the read, the check and the
//! write of one account run under its lock.
//!
//! The lock is held in this process: a store shared by several server processes would need
//! it in the database as well.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::OwnedMutexGuard;
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct AccountLocks {
    locks: Arc<Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>>,
}

impl AccountLocks {
    /// Waits for the account's lock; it is released when the guard drops.
    pub async fn lock(&self, account_id: Uuid) -> OwnedMutexGuard<()> {
        let lock = {
            let mut locks = self.locks.lock().unwrap_or_else(PoisonError::into_inner);
            // Locks nobody holds or waits for are dropped, so the map stays as small as the
            // number of accounts being written to.
            locks.retain(|_, l| Arc::strong_count(l) > 1);
            locks.entry(account_id).or_default().clone()
        };
        lock.lock_owned().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_second_writer_of_the_same_account_waits_for_the_first() {
        let locks = AccountLocks::default();
        let account = Uuid::new_v4();
        let first = locks.lock(account).await;
        let waiting = tokio::spawn({
            let locks = locks.clone();
            async move { locks.lock(account).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiting.is_finished(), "the second writer got in");
        // Another account is not held up.
        let other = tokio::time::timeout(Duration::from_secs(1), locks.lock(Uuid::new_v4())).await;
        assert!(other.is_ok());
        drop(first);
        tokio::time::timeout(Duration::from_secs(1), waiting)
            .await
            .expect("the second writer never got the lock")
            .unwrap();
    }
}
