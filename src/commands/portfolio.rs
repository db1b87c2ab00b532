//! `finances accounts` and `finances holdings`: the user's accounts and current holdings from
//! the same service functions as `GET /api/v1/accounts` and `GET /api/v1/holdings` (or, for
//! one account, `GET /api/v1/accounts/{id}/holdings?current=true`), printed as the API writes
//! them.

use crate::cli::{AccountsArgs, ReportArgs};
use crate::domain::PageRequest;
use crate::http::dto::accounts::AccountOut;
use crate::http::dto::holdings::HoldingOut;
use crate::service::Services;

use super::activity::acting_user;
use super::ledger::account_id;
use super::listing::{Column, Format, Listing};
use super::{CommandResult, Printer};

/// Columns of `accounts`, in order.
pub const ACCOUNT_COLUMNS: [Column; 9] = [
    Column::field("name"),
    Column::field("account_type"),
    Column::field("currency_code"),
    Column::field("is_asset"),
    Column::field("is_investment_account"),
    Column::field("cost_basis_method"),
    Column::field("interest_rate"),
    Column::field("financial_institution_id"),
    Column::field("id"),
];

/// Columns of `holdings`, in order.
pub const HOLDING_COLUMNS: [Column; 11] = [
    Column::nested("symbol", "security.symbol"),
    Column::field("shares"),
    Column::field("average_price_per_share"),
    Column::field("cost_basis"),
    Column::field("market_price"),
    Column::field("market_value"),
    Column::field("unrealized_gain"),
    Column::field("unrealized_gain_pct"),
    Column::field("timestamp"),
    Column::field("account_id"),
    Column::field("id"),
];

pub async fn accounts(
    out: &mut Printer<'_>,
    services: &Services,
    args: AccountsArgs,
) -> CommandResult<()> {
    let user = acting_user(services, args.user.as_deref()).await?;
    let page = services
        .portfolio
        .accounts(&user, PageRequest::all())
        .await?;
    Listing::new(
        &ACCOUNT_COLUMNS,
        page.items.into_iter().map(AccountOut::from),
    )?
    .print(out, Format::from(&args.output))
}

pub async fn holdings(
    out: &mut Printer<'_>,
    services: &Services,
    args: ReportArgs,
) -> CommandResult<()> {
    let user = acting_user(services, args.user.as_deref()).await?;
    let views = match account_id(services, &user, &args).await? {
        Some(account) => {
            services
                .portfolio
                .holdings(&user, account, true, PageRequest::all())
                .await?
                .items
        }
        None => services.portfolio.positions(&user).await?,
    };
    Listing::new(&HOLDING_COLUMNS, views.into_iter().map(HoldingOut::from))?
        .print(out, Format::from(&args.output))
}
