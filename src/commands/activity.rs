//! `finances activity add|list|rm`: an account's ledger from the shell. Every change goes
//! through the activity service, so the command line refuses what the API and the TUI refuse
//! (a sale of more than is then held, a field the type has no use for).

use std::collections::HashMap;

use serde_json::{json, Value};
use uuid::Uuid;

use crate::cli::{ActivityCommand, AddActivity, LedgerArgs};
use crate::domain::ledger::{Activity, ActivityType, SplitRatio};
use crate::domain::{money, time, ActivityFilter, PageRequest, Symbol, User, ValidationError};
use crate::service::activities::ActivityDraft;
use crate::service::portfolio::SecurityRef;
use crate::service::{ServiceError, Services};
use crate::store::Backend;

use super::{CommandResult, Printer};

/// How a listing is written: a table for people, or JSON or CSV for programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// The columns of every format, in order; the names are stable.
pub const COLUMNS: [&str; 13] = [
    "id",
    "date",
    "type",
    "symbol",
    "quantity",
    "unit_price",
    "amount",
    "fee",
    "currency",
    "fx_rate",
    "split_ratio",
    "external_id",
    "notes",
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
    let activities = vec![recorded.activity];
    print(out, services, &activities, format).await?;
    if format == Format::Table && !recorded.created {
        out.line("already recorded under this external id: nothing added")?;
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
    print(out, services, &page.items, format).await?;
    if format == Format::Table {
        let n = page.items.len();
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

async fn print(
    out: &mut Printer<'_>,
    services: &Services,
    activities: &[Activity],
    format: Format,
) -> CommandResult<()> {
    let symbols = services.activities.symbols(activities).await?;
    let rows: Vec<Vec<String>> = activities.iter().map(|a| row(a, &symbols)).collect();
    emit(out, format, &COLUMNS, rows)
}

/// Rows under `columns` as a table, a JSON array of objects (an empty cell is `null`) or CSV
/// with a header row.
pub(super) fn emit(
    out: &mut Printer<'_>,
    format: Format,
    columns: &[&str],
    rows: Vec<Vec<String>>,
) -> CommandResult<()> {
    match format {
        Format::Table => out.table(Some(columns), rows)?,
        Format::Json => {
            let items: Vec<Value> = rows
                .into_iter()
                .map(|r| {
                    let object = columns
                        .iter()
                        .zip(r)
                        .map(|(k, v)| {
                            let value = if v.is_empty() { Value::Null } else { json!(v) };
                            (k.to_string(), value)
                        })
                        .collect();
                    Value::Object(object)
                })
                .collect();
            out.line(Value::Array(items))?;
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            let written = writer
                .write_record(columns)
                .and_then(|()| rows.iter().try_for_each(|r| writer.write_record(r)));
            let bytes = written
                .map_err(ServiceError::internal)
                .and_then(|()| writer.into_inner().map_err(ServiceError::internal))?;
            out.raw(&bytes)?;
        }
    }
    Ok(())
}

fn row(a: &Activity, symbols: &HashMap<Uuid, Symbol>) -> Vec<String> {
    let text =
        |d: Option<rust_decimal::Decimal>| d.map(|d| d.normalize().to_string()).unwrap_or_default();
    vec![
        a.id.to_string(),
        a.date.to_string(),
        a.activity_type.as_str().to_string(),
        a.security_id
            .and_then(|id| symbols.get(&id))
            .map(|s| s.to_string())
            .unwrap_or_default(),
        text(a.quantity),
        text(a.unit_price),
        text(a.amount),
        text(a.fee),
        a.currency.clone(),
        text(a.fx_rate),
        a.split_ratio
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        a.external_id.clone().unwrap_or_default(),
        a.notes.clone().unwrap_or_default(),
    ]
}

/// Runs one `activity` subcommand.
pub async fn run(
    out: &mut Printer<'_>,
    services: &Services,
    cmd: ActivityCommand,
) -> CommandResult<()> {
    let format_of = |l: &LedgerArgs| match (l.json, l.csv) {
        (true, _) => Format::Json,
        (_, true) => Format::Csv,
        _ => Format::Table,
    };
    match cmd {
        ActivityCommand::Add(add_args) => {
            let AddActivity {
                ledger,
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
                format_of(&ledger),
            )
            .await
        }
        ActivityCommand::List {
            ledger,
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
                format_of(&ledger),
            )
            .await
        }
        ActivityCommand::Rm { ledger, id } => {
            let user = acting_user(services, ledger.user.as_deref()).await?;
            remove(out, services, &user, &ledger.account, id).await
        }
    }
}
