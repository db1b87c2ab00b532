//! `finances proposals [--accept ID | --dismiss ID]`: the activities the market data's splits
//! and dividends suggest, from the same service as `GET /api/v1/proposals`; a table, JSON or
//! CSV with stable columns.

use crate::cli::ProposalsArgs;
use crate::service::proposals::ProposedAction;
use crate::service::{ServiceError, Services};

use super::activity::{acting_user, emit};
use super::ledger::format_of;
use super::{CommandResult, Printer};

/// Columns of `proposals`, in order.
pub const PROPOSAL_COLUMNS: [&str; 9] = [
    "id",
    "date",
    "account",
    "symbol",
    "activity_type",
    "quantity",
    "split_ratio",
    "amount",
    "currency",
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
    let rows = services
        .proposals
        .list(&user)
        .await?
        .into_iter()
        .map(|p| {
            let (ratio, amount, currency) = match &p.action {
                ProposedAction::Split(r) => (r.to_string(), String::new(), String::new()),
                ProposedAction::Dividend {
                    amount, currency, ..
                } => (
                    String::new(),
                    amount.normalize().to_string(),
                    currency.clone(),
                ),
            };
            vec![
                p.id.to_string(),
                p.date.to_string(),
                p.account_name.clone(),
                p.security.symbol.to_string(),
                p.activity_type().as_str().to_string(),
                p.quantity.normalize().to_string(),
                ratio,
                amount,
                currency,
            ]
        })
        .collect();
    emit(out, format_of(&args.report), &PROPOSAL_COLUMNS, rows)
}
