//! `finances activity add|list|rm`: an account's ledger from the shell. Every change goes
//! through the activity service, so the command line refuses what the API and the TUI refuse
//! (a sale of more than is then held, a field the type has no use for). Activities print as
//! the API's `ActivityOut`.

use uuid::Uuid;

use crate::cli::{ActivityCommand, AddActivity};
use crate::domain::ledger::{Activity, ActivityType, SplitRatio};
use crate::domain::{money, time, ActivityFilter, PageRequest, Symbol, User, ValidationError};
use crate::http::dto::activities::ActivityOut;
use crate::service::activities::ActivityDraft;
use crate::service::portfolio::SecurityRef;
use crate::service::{ServiceError, Services};
use crate::store::Backend;

use super::listing::{remark, Column, Format, Listing};
use super::{CommandResult, Printer};

/// The columns of the table and the CSV, in order; the names are stable.
pub const COLUMNS: [Column; 13] = [
    Column::field("id"),
    Column::field("date"),
    Column::field("activity_type"),
    Column::nested("symbol", "security.symbol"),
    Column::field("quantity"),
    Column::field("unit_price"),
    Column::field("amount"),
    Column::field("fee"),
    Column::field("currency"),
    Column::field("fx_rate"),
    Column::field("split_ratio"),
    Column::field("external_id"),
    Column::field("notes"),
];

/// What `activity add` was given, as typed.
#[derive(Debug, Clone, Default)]
pub struct AddArgs {
    pub activity_type: String,
    pub date: Option<String>,
    pub symbol: Option<String>,
    pub quantity: Option<String>,
    pub unit_price: Option<String>,
    pub amount: Option<String>,
    pub fee: Option<String>,
    pub currency: Option<String>,
    pub fx_rate: Option<String>,
    pub split_ratio: Option<String>,
    pub notes: Option<String>,
    pub external_id: Option<String>,
}

/// The user the ledger commands act as: the one named, or on a personal (SQLite) store its
/// owner. A shared store has no owner to assume.
pub async fn acting_user(services: &Services, login: Option<&str>) -> CommandResult<User> {
    match login {
        Some(login) => Ok(services.users.find(login).await?.ok_or_else(|| {
            ServiceError::not_found(crate::service::Entity::User, format!("No user '{login}'"))
        })?),
        None if services.backend() == Backend::Sqlite => Ok(services.users.local_owner().await?),
        None => Err(ServiceError::bad_request(
            "user",
            "this database is shared: name the user with --user",
        )
        .into()),
    }
}

fn decimal(
    field: &'static str,
    raw: &Option<String>,
) -> Result<Option<rust_decimal::Decimal>, ValidationError> {
    raw.as_deref()
        .map(|r| money::parse_exact(field, r))
        .transpose()
}

/// The draft of what was typed, each value read by the domain's own rules.
fn draft(args: &AddArgs) -> Result<ActivityDraft, ValidationError> {
    Ok(ActivityDraft {
        activity_type: args.activity_type.parse::<ActivityType>()?,
        date: args
            .date
            .as_deref()
            .map(|d| time::parse_date("date", d))
            .transpose()?,
        security: args
            .symbol
            .as_deref()
            .map(|s| Symbol::parse(s).map(SecurityRef::Symbol))
            .transpose()?,
        quantity: decimal("quantity", &args.quantity)?,
        unit_price: decimal("unit_price", &args.unit_price)?,
        amount: decimal("amount", &args.amount)?,
        fee: decimal("fee", &args.fee)?,
        currency: args.currency.clone(),
        fx_rate: decimal("fx_rate", &args.fx_rate)?,
        split_ratio: args
            .split_ratio
            .as_deref()
            .map(SplitRatio::parse)
            .transpose()?,
        notes: args.notes.clone(),
        external_id: args.external_id.clone(),
    })
}

/// `activity add`: records one activity and prints it.
pub async fn add(
    out: &mut Printer<'_>,
    services: &Services,
    user: &User,
    account: &str,
    args: &AddArgs,
    format: Format,
) -> CommandResult<()> {
    let account = services.portfolio.account_named(user, account).await?;
    let recorded = services
        .activities
        .create(user, account.id, draft(args)?)
        .await?;
    listing(services, vec![recorded.activity])
        .await?
        .print(out, format)?;
    if !recorded.created {
        remark(
            out,
            format,
            "already recorded under this external id: nothing added",
        )?;
    }
    Ok(())
}

/// `activity list`: the account's activities, oldest first.
pub async fn list(
    out: &mut Printer<'_>,
    services: &Services,
    user: &User,
    account: &str,
    filter: ActivityFilter,
    format: Format,
) -> CommandResult<()> {
    let account = services.portfolio.account_named(user, account).await?;
    let page = services
        .activities
        .list(user, account.id, &filter, PageRequest::all())
        .await?;
    let n = page.items.len();
    listing(services, page.items).await?.print(out, format)?;
    if format.is_table() {
        out.line(format_args!(
            "{n} activit{} in {}",
            if n == 1 { "y" } else { "ies" },
            account.name
        ))?;
    }
    Ok(())
}

/// `activity rm`: deletes one activity, unless the ledger would then sell what it lacks.
pub async fn remove(
    out: &mut Printer<'_>,
    services: &Services,
    user: &User,
    account: &str,
    id: Uuid,
) -> CommandResult<()> {
    let account = services.portfolio.account_named(user, account).await?;
    services.activities.delete(user, account.id, id).await?;
    out.line(format_args!("deleted {id}"))?;
    Ok(())
}

/// The activities as the API writes them, their securities read in one query.
async fn listing(
    services: &Services,
    activities: Vec<Activity>,
) -> CommandResult<Listing<ActivityOut>> {
    let securities = services.activities.securities_of(&activities).await?;
    Listing::new(
        &COLUMNS,
        activities.into_iter().map(|a| {
            let security = a.security_id.and_then(|id| securities.get(&id).cloned());
            ActivityOut::new(a, security)
        }),
    )
}

/// Runs one `activity` subcommand.
pub async fn run(
    out: &mut Printer<'_>,
    services: &Services,
    cmd: ActivityCommand,
) -> CommandResult<()> {
    match cmd {
        ActivityCommand::Add(add_args) => {
            let AddActivity {
                ledger,
                output,
                activity_type,
                date,
                symbol,
                quantity,
                unit_price,
                amount,
                fee,
                currency,
                fx_rate,
                ratio,
                notes,
                external_id,
            } = *add_args;
            let user = acting_user(services, ledger.user.as_deref()).await?;
            let args = AddArgs {
                activity_type,
                date,
                symbol,
                quantity,
                unit_price,
                amount,
                fee,
                currency,
                fx_rate,
                split_ratio: ratio,
                notes,
                external_id,
            };
            add(
                out,
                services,
                &user,
                &ledger.account,
                &args,
                Format::from(&output),
            )
            .await
        }
        ActivityCommand::List {
            ledger,
            output,
            start,
            end,
            activity_type,
        } => {
            let user = acting_user(services, ledger.user.as_deref()).await?;
            let filter = ActivityFilter {
                start: start
                    .as_deref()
                    .map(|d| time::parse_date("start", d))
                    .transpose()?,
                end: end
                    .as_deref()
                    .map(|d| time::parse_date("end", d))
                    .transpose()?,
                activity_type: activity_type
                    .as_deref()
                    .map(str::parse::<ActivityType>)
                    .transpose()?,
                security_id: None,
            };
            list(
                out,
                services,
                &user,
                &ledger.account,
                filter,
                Format::from(&output),
            )
            .await
        }
        ActivityCommand::Rm { ledger, id } => {
            let user = acting_user(services, ledger.user.as_deref()).await?;
            remove(out, services, &user, &ledger.account, id).await
        }
    }
}
