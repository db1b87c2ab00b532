use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

/// Why a ledger cannot be replayed. The service refuses a change that would cause one, so a
/// stored ledger never holds one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// A sale or transfer out of more shares than the account holds on its date.
    #[error(
        "activity {activity_id} takes {wanted} of security {security_id} on {date}, \
         but only {held} are held then"
    )]
    Oversold {
        activity_id: Uuid,
        security_id: Uuid,
        date: NaiveDate,
        held: Decimal,
        wanted: Decimal,
    },
    /// A stored activity lacks a field its type needs (it was not checked when written).
    #[error("activity {activity_id} has no {field}, which a {activity_type} needs")]
    MissingField {
        activity_id: Uuid,
        activity_type: &'static str,
        field: &'static str,
    },
    /// Figures of an activity or statement beyond what a decimal holds.
    #[error("the amounts of {id} are too large to compute")]
    Overflow { id: Uuid },
    /// Events were fed to a replay out of date order.
    #[error("{id} dated {date} comes after events of {after}")]
    OutOfOrder {
        id: Uuid,
        date: NaiveDate,
        after: NaiveDate,
    },
}
