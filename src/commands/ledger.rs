//! `finances positions`, `finances gains` and `finances income`: the ledger's views from the
//! shell, computed by the same service as the API's routes and printed as the API writes
//! them; `gains --csv` is the API's own CSV of realized gains.

use chrono::NaiveDate;

use crate::cli::{GainsArgs, IncomeArgs, PositionsArgs, ReportArgs};
use crate::domain::time;
use crate::http::dto::ledger::{
    gain_csv_row, IncomeGroupOut, PositionOut, RealizedGainOut, GAINS_CSV_COLUMNS,
};
use crate::service::ledger::{DateRange, IncomeGrouping};
use crate::service::{ServiceError, Services};

use super::activity::acting_user;
use super::listing::{Column, Format, Listing};
use super::{CommandResult, Printer};

/// Columns of `positions`, in order.
pub const POSITION_COLUMNS: [Column; 12] = [
    Column::nested("symbol", "security.symbol"),
    Column::field("quantity"),
    Column::field("cost_basis"),
    Column::field("average_cost"),
    Column::field("market_price"),
    Column::field("price_date"),
    Column::field("market_value"),
    Column::field("unrealized_gain"),
    Column::field("unrealized_gain_pct"),
    Column::field("realized_gain"),
    Column::field("income"),
    Column::field("complete"),
];

/// Columns of `income`, in order.
pub const INCOME_COLUMNS: [Column; 7] = [
    Column::field("group"),
    Column::field("currency"),
    Column::field("gross"),
    Column::field("withheld"),
    Column::field("net"),
    Column::field("count"),
    Column::field("complete"),
];

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
    Listing::new(&POSITION_COLUMNS, lines.into_iter().map(PositionOut::from))?
        .print(out, Format::from(&args.report.output))
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
        .map(|g| gain_csv_row(g).to_vec())
        .collect();
    let format = Format::from(&args.report.output);
    Listing::with_rows(
        &GAINS_CSV_COLUMNS,
        gains.rows.into_iter().map(RealizedGainOut::from),
        rows,
    )
    .print(out, format)?;
    if format.is_table() {
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
    Listing::new(
        &INCOME_COLUMNS,
        groups.into_iter().map(IncomeGroupOut::from),
    )?
    .print(out, Format::from(&args.report.output))
}
