//! Proposed activities: for each split and dividend the market data reported (stored by every
//! sync), each of the owner's accounts that held the security on the day before the event and
//! has no matching activity is offered the split with its ratio, or the dividend of the
//! quantity held times the amount per share. Proposals are derived on each read; accepting one
//! records its activity (after which it matches), dismissing one is stored. So accepting twice
//! or syncing again proposes nothing new.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::ledger::{
    AccountLedger, Activity, ActivityType, NoRates, PositionStatement, SplitRatio, Timeline,
};
use crate::domain::security_event::{CorporateAction, SecurityEvent};
use crate::domain::{self, Account, PageRequest, Security, User};
use crate::store::Store;

use super::activities::{ActivityDraft, ActivityService, Recorded};
use super::ledger::position_statements;
use super::portfolio::SecurityRef;
use super::{Entity, ServiceError, ServiceResult};

/// A dividend recorded this many days before its ex-date, or up to this many after (when it
/// was paid), is the one the market data reports.
const DIVIDEND_MATCH_BEFORE: u64 = 7;
const DIVIDEND_MATCH_AFTER: u64 = 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProposedAction {
    Split(SplitRatio),
    Dividend {
        /// `quantity x per_share`, in `currency`.
        amount: Decimal,
        per_share: Decimal,
        currency: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// Stable: made from the account, the security, the kind and the day.
    pub id: Uuid,
    pub account_id: Uuid,
    pub account_name: String,
    pub security: Security,
    pub date: NaiveDate,
    /// Held at the end of the day before, in the units the per-share amount is in (scaled by
    /// the splits after the day, as the market data's amounts are).
    pub quantity: Decimal,
    pub action: ProposedAction,
}

impl Proposal {
    pub fn activity_type(&self) -> ActivityType {
        match self.action {
            ProposedAction::Split(_) => ActivityType::Split,
            ProposedAction::Dividend { .. } => ActivityType::Dividend,
        }
    }
}

#[derive(Clone)]
pub struct ProposalService {
    store: Arc<dyn Store>,
    activities: ActivityService,
}

impl ProposalService {
    pub fn new(store: Arc<dyn Store>, activities: ActivityService) -> Self {
        Self { store, activities }
    }

    /// Every proposal for the owner's accounts, by date, then account name and symbol.
    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    pub async fn list(&self, user: &User) -> ServiceResult<Vec<Proposal>> {
        let store = self.store.as_ref();
        let (accounts, activities) = tokio::try_join!(
            store.accounts(user.id, PageRequest::all()),
            store.user_activities(user.id),
        )?;
        let mut by_account: HashMap<Uuid, Vec<Activity>> = HashMap::new();
        for a in activities {
            by_account.entry(a.account_id).or_default().push(a);
        }
        let mut ledgers: Vec<(Account, Vec<Activity>, Vec<PositionStatement>)> = Vec::new();
        for account in accounts.items {
            let activities = by_account.remove(&account.id).unwrap_or_default();
            let statements = position_statements(store, account.id).await?;
            if !activities.is_empty() || !statements.is_empty() {
                ledgers.push((account, activities, statements));
            }
        }
        let mut ids: Vec<Uuid> = ledgers
            .iter()
            .flat_map(|(_, a, s)| {
                let bought = a.iter().filter_map(|a| a.security_id);
                bought.chain(s.iter().map(|s| s.security_id))
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let events = store.security_events(&ids).await?;
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let account_ids: Vec<Uuid> = ledgers.iter().map(|(a, _, _)| a.id).collect();
        let (securities, dismissed) = tokio::try_join!(
            store.securities_by_ids(&ids),
            store.dismissed_proposals(&account_ids),
        )?;
        let securities: HashMap<Uuid, Security> =
            securities.into_iter().map(|s| (s.id, s)).collect();
        let dismissed: HashSet<(Uuid, Uuid)> = dismissed.into_iter().collect();
        let mut out = Vec::new();
        for (account, activities, statements) in &ledgers {
            let found = proposals_of(account, activities, statements, &events)?;
            out.extend(
                found
                    .into_iter()
                    .filter(|p| !dismissed.contains(&(account.id, p.id)))
                    .filter_map(|p| {
                        Some(Proposal {
                            security: securities.get(&p.security_id)?.clone(),
                            id: p.id,
                            account_id: account.id,
                            account_name: account.name.clone(),
                            date: p.date,
                            quantity: p.quantity,
                            action: p.action,
                        })
                    }),
            );
        }
        out.sort_by(|a, b| {
            (a.date, &a.account_name, &a.security.symbol).cmp(&(
                b.date,
                &b.account_name,
                &b.security.symbol,
            ))
        });
        Ok(out)
    }

    /// Records the proposal's activity; a proposal no longer offered (already accepted or
    /// dismissed, or never made) is not found.
    #[tracing::instrument(skip_all, fields(user_id = %user.id, proposal_id = %id))]
    pub async fn accept(&self, user: &User, id: Uuid) -> ServiceResult<Recorded> {
        let p = self.find(user, id).await?;
        let (split_ratio, amount, currency) = match &p.action {
            ProposedAction::Split(ratio) => (Some(*ratio), None, None),
            ProposedAction::Dividend {
                amount, currency, ..
            } => (None, Some(*amount), Some(currency.clone())),
        };
        let draft = ActivityDraft {
            activity_type: p.activity_type(),
            date: Some(p.date),
            security: Some(SecurityRef::Id(p.security.id)),
            quantity: None,
            unit_price: None,
            amount,
            fee: None,
            currency,
            fx_rate: None,
            split_ratio,
            notes: Some("from the market data's corporate actions".into()),
            external_id: Some(format!("proposal:{id}")),
        };
        self.activities.create(user, p.account_id, draft).await
    }

    /// Stops proposing it.
    #[tracing::instrument(skip_all, fields(user_id = %user.id, proposal_id = %id))]
    pub async fn dismiss(&self, user: &User, id: Uuid) -> ServiceResult<()> {
        let p = self.find(user, id).await?;
        self.store
            .dismiss_proposal(p.account_id, p.id, domain::now())
            .await?;
        Ok(())
    }

    async fn find(&self, user: &User, id: Uuid) -> ServiceResult<Proposal> {
        self.list(user)
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| ServiceError::not_found(Entity::Proposal, "Proposal not found"))
    }
}

/// A proposal before its security and account are attached.
struct Found {
    id: Uuid,
    security_id: Uuid,
    date: NaiveDate,
    quantity: Decimal,
    action: ProposedAction,
}

/// The proposals of one account: its ledger replayed up to the day before each event (rates
/// do not change quantities, so none are read).
fn proposals_of(
    account: &Account,
    activities: &[Activity],
    statements: &[PositionStatement],
    events: &[SecurityEvent],
) -> ServiceResult<Vec<Found>> {
    let ledger = AccountLedger {
        currency: &account.currency,
        method: account.cost_basis_method,
        activities,
        statements,
    };
    let touched: HashSet<Uuid> = activities
        .iter()
        .filter_map(|a| a.security_id)
        .chain(statements.iter().map(|s| s.security_id))
        .collect();
    let mut ordered: Vec<&SecurityEvent> = events
        .iter()
        .filter(|e| touched.contains(&e.security_id))
        .collect();
    ordered.sort_by_key(|e| e.date);
    let mut timeline = Timeline::new(ledger, &NoRates);
    let mut out = Vec::new();
    for event in ordered {
        let Some(day_before) = event.date.checked_sub_days(Days::new(1)) else {
            continue;
        };
        let held = timeline.advance_to(day_before)?.quantity(event.security_id);
        if held <= Decimal::ZERO || recorded(activities, event) {
            continue;
        }
        let (quantity, action) = match &event.action {
            CorporateAction::Split { new, old } => match SplitRatio::new(*new, *old) {
                Ok(ratio) => (held, ProposedAction::Split(ratio)),
                Err(_) => continue,
            },
            CorporateAction::Dividend { amount, currency } => {
                let Some(currency) = currency.clone() else {
                    continue;
                };
                let scaled = held * splits_after(events, event);
                let action = ProposedAction::Dividend {
                    amount: scaled * amount,
                    per_share: *amount,
                    currency,
                };
                (scaled, action)
            }
        };
        out.push(Found {
            id: proposal_id(account.id, event),
            security_id: event.security_id,
            date: event.date,
            quantity,
            action,
        });
    }
    Ok(out)
}

/// Whether the account already has the event's activity: a split of the security on the
/// day, or a dividend of it from a week before the ex-date to two months after it.
fn recorded(activities: &[Activity], event: &SecurityEvent) -> bool {
    activities.iter().any(|a| {
        a.security_id == Some(event.security_id)
            && match event.action {
                CorporateAction::Split { .. } => {
                    a.activity_type == ActivityType::Split && a.date == event.date
                }
                CorporateAction::Dividend { .. } => {
                    let from = event.date - Days::new(DIVIDEND_MATCH_BEFORE);
                    let to = event.date + Days::new(DIVIDEND_MATCH_AFTER);
                    a.activity_type == ActivityType::Dividend && a.date >= from && a.date <= to
                }
            }
    })
}

/// The product of the security's split factors dated after the event: the market data's
/// per-share amounts before a split are divided by it.
fn splits_after(events: &[SecurityEvent], event: &SecurityEvent) -> Decimal {
    events
        .iter()
        .filter(|e| e.security_id == event.security_id && e.date > event.date)
        .filter_map(SecurityEvent::split_factor)
        .product()
}

fn proposal_id(account_id: Uuid, event: &SecurityEvent) -> Uuid {
    let name = format!("{}:{}:{}", event.security_id, event.kind(), event.date);
    Uuid::new_v5(&account_id, name.as_bytes())
}
