//! `finances proposals [--accept ID | --dismiss ID]`: the activities the market data's splits
//! and dividends suggest, from the same service as `GET /api/v1/proposals`, printed as the API
//! writes them.

use crate::cli::ProposalsArgs;
use crate::http::dto::proposals::ProposalOut;
use crate::service::{ServiceError, Services};

use super::activity::acting_user;
use super::listing::{Column, Format, Listing};
use super::{CommandResult, Printer};

/// Columns of `proposals`, in order.
pub const PROPOSAL_COLUMNS: [Column; 10] = [
    Column::field("id"),
    Column::field("date"),
    Column::field("account_name"),
    Column::field("symbol"),
    Column::field("activity_type"),
    Column::field("quantity"),
    Column::field("split_ratio"),
    Column::field("amount"),
    Column::field("amount_per_share"),
    Column::field("currency"),
];

pub async fn proposals(
    out: &mut Printer<'_>,
    services: &Services,
    args: ProposalsArgs,
) -> CommandResult<()> {
    let user = acting_user(services, args.report.user.as_deref()).await?;
    let id = |raw: &str| {
        uuid::Uuid::parse_str(raw.trim())
            .map_err(|_| ServiceError::bad_request("id", format!("'{raw}' is not a proposal id")))
    };
    if let Some(raw) = &args.accept {
        let recorded = services.proposals.accept(&user, id(raw)?).await?;
        let a = recorded.activity;
        out.line(format_args!(
            "recorded {} of {} as activity {}",
            a.activity_type.as_str(),
            a.date,
            a.id
        ))?;
        return Ok(());
    }
    if let Some(raw) = &args.dismiss {
        services.proposals.dismiss(&user, id(raw)?).await?;
        out.line("dismissed")?;
        return Ok(());
    }
    let proposals = services.proposals.list(&user).await?;
    Listing::new(
        &PROPOSAL_COLUMNS,
        proposals.into_iter().map(ProposalOut::from),
    )?
    .print(out, Format::from(&args.report.output))
}
