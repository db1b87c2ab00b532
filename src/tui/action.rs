//! Messages into the update step ([`Action`]) and the slow work it asks for ([`Command`]).
//! Results of slow work carry the generation they were asked with, so a reply that a newer
//! request has overtaken is dropped instead of overwriting newer data.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::ledger::Activity;
use crate::domain::valuation::Valuation;
use crate::domain::{
    AccountPatch, AccountValue, AccountValuePatch, HoldingPatch, InstitutionPatch, NewAccount,
    NewAccountValue, NewHolding, NewInstitution, Security, Symbol, User,
};
use crate::service::activities::{ActivityChange, ActivityDraft};
use crate::service::ledger::PositionLine;
use crate::service::performance::{Performance, PerformanceQuery};
use crate::service::portfolio::{HoldingView, Overview, SecurityRef};
use crate::service::proposals::Proposal;
use crate::service::securities::{FirstUseStep, KeyFigures, PriceSeries, SearchResults};
use crate::service::ServiceError;

use super::app::Range;

/// Why something failed, in the words the status line uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
    /// The form field a validation error is about.
    pub field: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    Offline,
    RateLimited,
    NotFound,
    Invalid,
    Refused,
    Internal,
}

impl Failure {
    pub fn summary(&self) -> String {
        let prefix = match self.kind {
            FailureKind::Offline => "offline",
            FailureKind::RateLimited => "rate limited",
            FailureKind::NotFound => "not found",
            FailureKind::Invalid => "invalid",
            FailureKind::Refused => "refused",
            FailureKind::Internal => "error",
        };
        format!("{prefix}: {}", self.message)
    }
}

impl From<ServiceError> for Failure {
    fn from(e: ServiceError) -> Self {
        let (kind, field, message) = match &e {
            ServiceError::Invalid(v) => (FailureKind::Invalid, Some(v.field), v.message.clone()),
            ServiceError::InvalidItems(items) => match items.first() {
                Some((index, v)) => (
                    FailureKind::Invalid,
                    Some(v.field),
                    format!("item {}: {}", index + 1, v.message),
                ),
                None => (FailureKind::Invalid, None, e.to_string()),
            },
            ServiceError::Ledger { .. } => (FailureKind::Refused, None, e.to_string()),
            ServiceError::Unavailable { .. } | ServiceError::UpstreamTimeout { .. } => {
                (FailureKind::Offline, None, e.to_string())
            }
            ServiceError::UpstreamRateLimited {
                message,
                retry_after,
            } => (
                FailureKind::RateLimited,
                None,
                match retry_after {
                    Some(d) => format!("{message} (retry in {} s)", d.as_secs()),
                    None => message.clone(),
                },
            ),
            ServiceError::RateLimited {
                message,
                retry_after_secs,
            } => (
                FailureKind::RateLimited,
                None,
                match retry_after_secs {
                    Some(s) => format!("{message} (retry in {s} s)"),
                    None => message.clone(),
                },
            ),
            ServiceError::NotFound { message, .. } => {
                (FailureKind::NotFound, None, message.clone())
            }
            ServiceError::BadRequest { message, .. } => {
                (FailureKind::Refused, None, message.clone())
            }
            ServiceError::Conflict(m)
            | ServiceError::Unauthorized(m)
            | ServiceError::Forbidden(m) => (FailureKind::Refused, None, m.clone()),
            ServiceError::Internal(source) => (FailureKind::Internal, None, source.to_string()),
        };
        Self {
            kind,
            message,
            field,
        }
    }
}

pub type Outcome<T> = Result<T, Failure>;

/// Balance histories per account, oldest first.
pub type Histories = HashMap<Uuid, Vec<(DateTime<Utc>, Decimal)>>;

/// Everything the accounts and holdings screens show, loaded together.
#[derive(Debug, Clone)]
pub struct Portfolio {
    /// The accounts grouped by institution, with the valuation's figures.
    pub overview: Overview,
    pub positions: Vec<HoldingView>,
    /// Net worth, accounts and positions in the base currency: every figure in base shown.
    pub valuation: Valuation,
    /// Each investment account's positions as its ledger replays them, in its currency.
    pub ledgers: HashMap<Uuid, AccountPositions>,
}

/// An investment account's positions from the ledger engine.
#[derive(Debug, Clone, Default)]
pub struct AccountPositions {
    /// The account records activities: its positions are its ledger's, and its holdings
    /// are statements within it rather than rows of their own.
    pub kept_by_activities: bool,
    pub lines: Vec<PositionLine>,
}

/// An account's activities, oldest first, with the symbols of the securities they name.
#[derive(Debug, Clone, Default)]
pub struct ActivityList {
    pub activities: Vec<Activity>,
    pub symbols: HashMap<Uuid, Symbol>,
}

/// Stored bars for the chart, with why they differ from what was asked, if they do.
#[derive(Debug, Clone)]
pub struct ChartData {
    pub series: PriceSeries,
    /// The bars as chart coordinates (the only place money becomes `f64`).
    pub points: Vec<Ohlc>,
    pub note: Option<String>,
}

/// One bar in chart coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ohlc {
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
}

impl ChartData {
    pub fn new(series: PriceSeries, note: Option<String>) -> Self {
        use rust_decimal::prelude::ToPrimitive;
        let f = |d: Decimal| d.to_f64().unwrap_or(0.0);
        let points = series
            .bars
            .iter()
            .map(|b| Ohlc {
                open: f(b.open),
                high: f(b.high),
                low: f(b.low),
                close: f(b.close),
                volume: b.volume as f64,
            })
            .collect();
        Self {
            series,
            points,
            note,
        }
    }
}

/// A write the forms ask for, as the domain's drafts: checked once, by the domain's rules.
#[derive(Debug, Clone)]
pub enum Submission {
    CreateInstitution(NewInstitution),
    UpdateInstitution(Uuid, InstitutionPatch),
    CreateAccount(NewAccount),
    UpdateAccount(Uuid, AccountPatch),
    CreateValue {
        account: Uuid,
        value: NewAccountValue,
    },
    UpdateValue {
        account: Uuid,
        id: Uuid,
        patch: AccountValuePatch,
    },
    /// The draft's security id is left nil: the service finds the security by `security`.
    CreateHolding {
        account: Uuid,
        security: SecurityRef,
        holding: NewHolding,
    },
    UpdateHolding {
        account: Uuid,
        id: Uuid,
        security: Option<SecurityRef>,
        patch: HoldingPatch,
    },
    CreateActivity {
        account: Uuid,
        draft: Box<ActivityDraft>,
    },
    UpdateActivity {
        account: Uuid,
        id: Uuid,
        change: Box<ActivityChange>,
    },
}

impl Submission {
    /// What is being saved, for the status line.
    pub fn what(&self) -> String {
        match self {
            Self::CreateInstitution(n) => format!("institution {}", n.name),
            Self::UpdateInstitution(..) => "institution".into(),
            Self::CreateAccount(n) => format!("account {}", n.name),
            Self::UpdateAccount(..) => "account".into(),
            Self::CreateValue { .. } | Self::UpdateValue { .. } => "balance".into(),
            Self::CreateHolding { security, .. } => match security {
                SecurityRef::Symbol(s) => format!("holding {s}"),
                SecurityRef::Id(_) => "holding".into(),
            },
            Self::UpdateHolding { .. } => "holding".into(),
            Self::CreateActivity { draft, .. } => match &draft.security {
                Some(SecurityRef::Symbol(s)) => format!("{} {s}", draft.activity_type),
                _ => draft.activity_type.to_string(),
            },
            Self::UpdateActivity { .. } => "activity".into(),
        }
    }

    /// Whether it records an activity, whose refusals (a sale of more than is held) belong on
    /// the status line rather than to one field.
    pub fn is_activity(&self) -> bool {
        matches!(
            self,
            Self::CreateActivity { .. } | Self::UpdateActivity { .. }
        )
    }
}

/// A deletion, once confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deletion {
    Institution(Uuid),
    Account(Uuid),
    Value { account: Uuid, id: Uuid },
    Holding { account: Uuid, id: Uuid },
    Activity { account: Uuid, id: Uuid },
}

/// Slow work, run off the terminal task; each answers with actions.
#[derive(Debug, Clone)]
pub enum Command {
    Login {
        login: String,
        password: String,
    },
    LoadPortfolio {
        gen: u64,
    },
    LoadHistories {
        gen: u64,
        accounts: Vec<Uuid>,
    },
    LoadValues {
        gen: u64,
        account: Uuid,
    },
    LoadChart {
        gen: u64,
        symbol: Symbol,
        range: Range,
        today: DateTime<Utc>,
    },
    LoadKeyFigures {
        gen: u64,
        symbol: Symbol,
    },
    LoadActivities {
        gen: u64,
        account: Uuid,
    },
    /// The portfolio's performance over the days asked for.
    LoadPerformance {
        gen: u64,
        query: PerformanceQuery,
    },
    LoadProposals {
        gen: u64,
    },
    /// Reads the file into the account: a dry run to show, or the import itself.
    Import {
        gen: u64,
        account: Uuid,
        path: std::path::PathBuf,
        format: Option<crate::import::Format>,
        dry_run: bool,
    },
    /// Records the proposal's activity (`accept`) or stops proposing it; `what` names it
    /// on the status line.
    DecideProposal {
        id: Uuid,
        accept: bool,
        what: String,
    },
    SearchStored {
        gen: u64,
        query: String,
    },
    SearchRemote {
        gen: u64,
        query: String,
    },
    Submit {
        what: String,
        submission: Submission,
    },
    Delete {
        what: String,
        deletion: Deletion,
    },
    Sync(Symbol),
    SyncAll,
}

/// Sync progress, as the services report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEvent {
    Started {
        total: usize,
    },
    Finished {
        symbol: Symbol,
        ok: bool,
    },
    /// The end of a sync of one symbol (`Some`) or of everything (`None`).
    Done {
        symbol: Option<Symbol>,
        message: Outcome<String>,
    },
}

/// Data being prepared while the UI is already drawn (the demo portfolio being generated).
#[derive(Debug, Clone)]
pub enum Preparation {
    /// What is being done, for the status line.
    Progress(String),
    /// Done: the user whose data it is.
    Ready(User),
    Failed(String),
}

/// Everything the update step reacts to.
#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent),
    Resize(u16, u16),
    /// The clock moved on (refreshes ages and the spinner).
    Tick(DateTime<Utc>),
    LoggedIn(Outcome<User>),
    PortfolioLoaded {
        gen: u64,
        result: Outcome<Box<Portfolio>>,
    },
    HistoriesLoaded {
        gen: u64,
        result: Outcome<Histories>,
    },
    ValuesLoaded {
        gen: u64,
        account: Uuid,
        result: Outcome<Vec<AccountValue>>,
    },
    /// A step of storing the symbol of a chart being loaded, on its first use.
    ChartProgress {
        gen: u64,
        step: FirstUseStep,
    },
    ChartLoaded {
        gen: u64,
        result: Outcome<Box<ChartData>>,
    },
    KeyFiguresLoaded {
        gen: u64,
        result: Outcome<KeyFigures>,
    },
    ActivitiesLoaded {
        gen: u64,
        account: Uuid,
        result: Outcome<ActivityList>,
    },
    PerformanceLoaded {
        gen: u64,
        result: Outcome<Box<Performance>>,
    },
    ProposalsLoaded {
        gen: u64,
        result: Outcome<Vec<Proposal>>,
    },
    ProposalDecided {
        accepted: bool,
        what: String,
        result: Outcome<()>,
    },
    /// The answer to [`Command::Import`], a dry run or not.
    Imported {
        gen: u64,
        result: Outcome<Box<crate::service::import::ImportReport>>,
    },
    StoredMatches {
        gen: u64,
        result: Outcome<Vec<Security>>,
    },
    RemoteMatches {
        gen: u64,
        result: Outcome<SearchResults>,
    },
    Saved {
        what: String,
        result: Outcome<()>,
    },
    Deleted {
        what: String,
        result: Outcome<()>,
    },
    Sync(SyncEvent),
    Prepared(Preparation),
}
