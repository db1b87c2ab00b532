//! `finances positions`, `finances gains` and `finances income`: the ledger's views from the
//! shell, computed by the same service as the API's routes; a table, JSON or CSV with stable
//! columns.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::cli::{GainsArgs, IncomeArgs, PositionsArgs, ReportArgs};
use crate::domain::time;
use crate::service::ledger::{DateRange, IncomeGrouping};
use crate::service::{ServiceError, Services};

use super::activity::{acting_user, emit, Format};
use super::{CommandResult, Printer};

/// Columns of `positions`, in order.
pub const POSITION_COLUMNS: [&str; 11] = [
    "symbol",
    "quantity",
    "cost_basis",
    "average_cost",
    "market_price",
    "price_date",
    "market_value",
    "unrealized_gain",
    "unrealized_gain_pct",
    "realized_gain",
    "income",
];

/// Columns of `gains`, in order.
pub const GAIN_COLUMNS: [&str; 10] = [
    "date",
    "account",
    "symbol",
    "quantity",
    "proceeds",
    "cost",
    "gain",
    "currency",
    "holding_days",
    "activity_id",
];

/// Columns of `income`, in order.
pub const INCOME_COLUMNS: [&str; 6] = ["group", "currency", "gross", "withheld", "net", "count"];

pub(super) fn format_of(r: &ReportArgs) -> Format {
    match (r.json, r.csv) {
        (true, _) => Format::Json,
        (_, true) => Format::Csv,
        _ => Format::Table,
    }
}

fn text(d: Option<Decimal>) -> String {
    d.map(|d| d.normalize().to_string()).unwrap_or_default()
}

pub(super) fn date(field: &'static str, raw: &Option<String>) -> CommandResult<Option<NaiveDate>> {
    Ok(raw
        .as_deref()
        .map(|d| time::parse_date(field, d))
        .transpose()?)
}

/// `--year` as a range, else `--start`/`--end`.
fn range(
    year: Option<i32>,
    start: &Option<String>,
    end: &Option<String>,
) -> CommandResult<DateRange> {
    match year {
        Some(y) => {
            let first = NaiveDate::from_ymd_opt(y, 1, 1);
            let last = NaiveDate::from_ymd_opt(y, 12, 31);
            match (first, last) {
                (Some(first), Some(last)) => Ok(DateRange {
                    start: Some(first),
                    end: Some(last.min(chrono::Utc::now().date_naive())),
                }),
                _ => Err(ServiceError::bad_request("year", format!("{y} is not a year")).into()),
            }
        }
        None => Ok(DateRange {
            start: date("start", start)?,
            end: date("end", end)?,
        }),
    }
}

/// Resolves `--account` when given.
pub(super) async fn account_id(
    services: &Services,
    user: &crate::domain::User,
    r: &ReportArgs,
) -> CommandResult<Option<uuid::Uuid>> {
    match &r.account {
        Some(name) => Ok(Some(services.portfolio.account_named(user, name).await?.id)),
        None => Ok(None),
    }
}

pub async fn positions(
    out: &mut Printer<'_>,
    services: &Services,
    args: PositionsArgs,
) -> CommandResult<()> {
    let user = acting_user(services, args.report.user.as_deref()).await?;
    let Some(account) = account_id(services, &user, &args.report).await? else {
        return Err(ServiceError::bad_request("account", "name the account with --account").into());
    };
    let as_of = date("as_of", &args.as_of)?;
    let lines = services.ledger.positions(&user, account, as_of).await?;
    let rows = lines
        .iter()
        .map(|l| {
            vec![
                l.security.symbol.to_string(),
                text(Some(l.position.quantity)),
                text(Some(l.position.cost_basis)),
                text(l.position.average_cost),
                text(l.market_price),
                l.price_date.map(|d| d.to_string()).unwrap_or_default(),
                text(l.market_value),
                text(l.unrealized_gain),
                text(l.unrealized_gain_pct),
                text(Some(l.position.realized_gain)),
                text(Some(l.position.income)),
            ]
        })
        .collect();
    emit(out, format_of(&args.report), &POSITION_COLUMNS, rows)
}

pub async fn gains(
    out: &mut Printer<'_>,
    services: &Services,
    args: GainsArgs,
) -> CommandResult<()> {
    let user = acting_user(services, args.report.user.as_deref()).await?;
    let account = account_id(services, &user, &args.report).await?;
    let range = range(args.year, &args.start, &args.end)?;
    let gains = services
        .ledger
        .realized_gains(&user, range, account)
        .await?;
    let rows = gains
        .rows
        .iter()
        .map(|g| {
            vec![
                g.sale.date.to_string(),
                g.account_name.clone(),
                g.security.symbol.to_string(),
                text(Some(g.sale.quantity)),
                text(g.sale.proceeds),
                text(g.sale.cost),
                text(g.sale.gain),
                g.currency.to_string(),
                g.sale.holding_days.to_string(),
                g.sale.activity_id.to_string(),
            ]
        })
        .collect();
    let format = format_of(&args.report);
    emit(out, format, &GAIN_COLUMNS, rows)?;
    if format == Format::Table {
        out.line(format_args!(
            "total {} {}{}",
            gains.total.normalize(),
            gains.total_currency,
            if gains.total_complete {
                ""
            } else {
                " (some gains could not be converted and are left out)"
            }
        ))?;
    }
    Ok(())
}

pub async fn income(
    out: &mut Printer<'_>,
    services: &Services,
    args: IncomeArgs,
) -> CommandResult<()> {
    let user = acting_user(services, args.report.user.as_deref()).await?;
    let account = account_id(services, &user, &args.report).await?;
    let range = range(args.year, &args.start, &args.end)?;
    let grouping = match args.group.as_deref().map(str::trim) {
        None | Some("month") => IncomeGrouping::Month,
        Some("year") => IncomeGrouping::Year,
        Some("security") => IncomeGrouping::Security,
        Some(other) => {
            return Err(ServiceError::bad_request(
                "group",
                format!("'{other}' is not one of month, year, security"),
            )
            .into())
        }
    };
    let groups = services
        .ledger
        .income(&user, range, account, grouping)
        .await?;
    let rows = groups
        .iter()
        .map(|g| {
            vec![
                g.key.clone().unwrap_or_default(),
                g.currency.to_string(),
                text(Some(g.gross)),
                text(Some(g.withheld)),
                text(Some(g.net)),
                g.count.to_string(),
            ]
        })
        .collect();
    emit(out, format_of(&args.report), &INCOME_COLUMNS, rows)
}
