use chrono::NaiveDate;
use uuid::Uuid;

use super::ledger::ActivityType;

/// Which of an account's activities a listing shows; every bound is optional and inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityFilter {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub activity_type: Option<ActivityType>,
    pub security_id: Option<Uuid>,
}
