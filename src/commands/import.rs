//! `finances import FILE`: a broker's or tracker's export read into an account by the import
//! service, the same as the API's import; with `--dry-run`, what it would store.

use serde_json::{json, Value};

use crate::cli::ImportArgs;
use crate::domain::{Account, PageRequest, User};
use crate::import::Format;
use crate::service::import::{ImportReport, ImportRequest, MappingChoice, RowStatus};
use crate::service::{ServiceError, Services};

use super::activity::acting_user;
use super::{CommandError, CommandResult, Printer};

pub async fn run(
    out: &mut Printer<'_>,
    services: &Services,
    args: ImportArgs,
) -> CommandResult<()> {
    let user = acting_user(services, args.user.as_deref()).await?;
    let account = account(services, &user, args.account.as_deref()).await?;
    let format = match &args.format {
        Some(raw) => Some(
            Format::named(raw).map_err(|e| ServiceError::bad_request("format", e.to_string()))?,
        ),
        None => None,
    };
    let mapping = match &args.map {
        Some(raw) => MappingChoice::parse(raw)
            .map_err(|e| ServiceError::bad_request("map", e.to_string()))?,
        None => MappingChoice::Header,
    };
    let file = std::fs::read(&args.file).map_err(|e| {
        ServiceError::bad_request("file", format!("cannot read {}: {e}", args.file.display()))
    })?;
    let request = ImportRequest {
        format,
        mapping,
        save_mapping_as: args.save_map.clone(),
        dry_run: args.dry_run,
    };
    let report = services
        .imports
        .import(&user, account.id, &file, request)
        .await?;
    if args.json {
        out.line(json_of(&report))?;
    } else {
        print(out, &report, &account)?;
    }
    if !report.errors.is_empty() {
        return Err(CommandError::ImportRefused {
            bad: report.errors.len(),
        });
    }
    Ok(())
}

/// The account named, or the user's only account.
async fn account(services: &Services, user: &User, name: Option<&str>) -> CommandResult<Account> {
    if let Some(name) = name {
        return Ok(services.portfolio.account_named(user, name).await?);
    }
    let mut accounts = services
        .portfolio
        .accounts(user, PageRequest::all())
        .await?
        .items;
    if accounts.len() == 1 {
        return Ok(accounts.remove(0));
    }
    Err(
        ServiceError::bad_request("account", "name the account to import into with --account")
            .into(),
    )
}

fn print(out: &mut Printer<'_>, report: &ImportReport, account: &Account) -> CommandResult<()> {
    let text =
        |d: Option<rust_decimal::Decimal>| d.map(|d| d.normalize().to_string()).unwrap_or_default();
    if !report.rows.is_empty() {
        let rows = report
            .rows
            .iter()
            .map(|r| {
                let a = &r.activity;
                vec![
                    r.line.to_string(),
                    match r.status {
                        RowStatus::New => "new",
                        RowStatus::Duplicate => "duplicate",
                    }
                    .to_string(),
                    a.date.to_string(),
                    a.activity_type.to_string(),
                    r.security
                        .as_ref()
                        .map(|s| s.symbol.to_string())
                        .unwrap_or_default(),
                    text(a.quantity),
                    text(a.unit_price),
                    text(a.amount),
                    text(a.fee),
                    a.currency.clone(),
                ]
            })
            .collect();
        out.table(
            Some(&[
                "line",
                "status",
                "date",
                "type",
                "symbol",
                "quantity",
                "unit_price",
                "amount",
                "fee",
                "currency",
            ]),
            rows,
        )?;
    }
    if !report.ignored.is_empty() {
        out.line("Passed over:")?;
        let rows = report
            .ignored
            .iter()
            .map(|i| vec![i.line.to_string(), i.reason.clone()])
            .collect();
        out.table(Some(&["line", "reason"]), rows)?;
    }
    if !report.errors.is_empty() {
        out.line("Cannot be imported:")?;
        let rows = report
            .errors
            .iter()
            .map(|e| vec![e.line.to_string(), e.message.clone()])
            .collect();
        out.table(Some(&["line", "error"]), rows)?;
        return Ok(());
    }
    let (added, skipped) = (report.added(), report.skipped());
    if report.dry_run {
        out.line(format_args!(
            "dry run ({}): {added} to add to {}, {skipped} already there; nothing stored",
            report.format, account.name
        ))?;
    } else {
        out.line(format_args!(
            "imported ({}): {added} added to {}, {skipped} already there",
            report.format, account.name
        ))?;
    }
    Ok(())
}

/// The report as the API writes it (`rows` carry the activity's fields).
fn json_of(report: &ImportReport) -> Value {
    let decimal = |d: Option<rust_decimal::Decimal>| d.map(|d| json!(d.normalize().to_string()));
    json!({
        "format": report.format.as_str(),
        "dry_run": report.dry_run,
        "stored": report.stored(),
        "added": report.added(),
        "skipped": report.skipped(),
        "rows": report.rows.iter().map(|r| {
            let a = &r.activity;
            json!({
                "line": r.line,
                "status": match r.status { RowStatus::New => "new", RowStatus::Duplicate => "duplicate" },
                "date": a.date.to_string(),
                "activity_type": a.activity_type.as_str(),
                "symbol": r.security.as_ref().map(|s| s.symbol.to_string()),
                "quantity": decimal(a.quantity),
                "unit_price": decimal(a.unit_price),
                "amount": decimal(a.amount),
                "fee": decimal(a.fee),
                "currency": a.currency,
                "fx_rate": decimal(a.fx_rate),
                "split_ratio": a.split_ratio.map(|s| s.to_string()),
                "external_id": a.external_id,
                "notes": a.notes,
            })
        }).collect::<Vec<_>>(),
        "ignored": report.ignored.iter().map(|i| json!({"line": i.line, "reason": i.reason})).collect::<Vec<_>>(),
        "errors": report.errors.iter().map(|e| json!({"line": e.line, "message": e.message})).collect::<Vec<_>>(),
    })
}
