//! `finances perf`: how the portfolio (or one account) did over a range, computed by the same
//! service as `GET /api/v1/performance`. On a terminal, the figures and what is left out;
//! `--csv` gives the daily series (`date, value, flow, twr_cumulative`) for a spreadsheet to
//! redo the returns; `--json` the whole answer with the API's field names.

use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::cli::PerfArgs;
use crate::domain::ledger::Source;
use crate::domain::valuation::describe_missing;
use crate::service::performance::{Performance, PerformanceQuery};
use crate::service::Services;

use super::activity::{acting_user, emit, Format};
use super::ledger::{account_id, date, format_of};
use super::{CommandResult, Printer};

/// Columns of `perf --csv`, in order: the daily series.
pub const SERIES_COLUMNS: [&str; 4] = ["date", "value", "flow", "twr_cumulative"];

pub async fn perf(out: &mut Printer<'_>, services: &Services, args: PerfArgs) -> CommandResult<()> {
    let user = acting_user(services, args.report.user.as_deref()).await?;
    let query = PerformanceQuery {
        account_id: account_id(services, &user, &args.report).await?,
        start: date("start", &args.start)?,
        end: date("end", &args.end)?,
    };
    let p = services.performance.performance(&user, query).await?;
    match format_of(&args.report) {
        Format::Table => table(out, &p),
        Format::Csv => {
            let rows = p
                .returns
                .series
                .iter()
                .map(|s| {
                    vec![
                        s.date.to_string(),
                        s.value.normalize().to_string(),
                        s.flow.normalize().to_string(),
                        s.twr_cumulative.normalize().to_string(),
                    ]
                })
                .collect();
            emit(out, Format::Csv, &SERIES_COLUMNS, rows)
        }
        Format::Json => Ok(out.line(document(&p))?),
    }
}

/// Percent to two places: `0.175625` is `17.56 %`.
fn percent(rate: Option<Decimal>) -> String {
    rate.map_or_else(
        || "n/a".to_string(),
        |r| format!("{} %", (r * Decimal::ONE_HUNDRED).round_dp(2)),
    )
}

fn money(d: Decimal) -> String {
    d.round_dp(2).to_string()
}

fn table(out: &mut Printer<'_>, p: &Performance) -> CommandResult<()> {
    let r = &p.returns;
    let c = &p.currency;
    let rows = vec![
        vec!["range".into(), format!("{} .. {}", r.start, r.end)],
        vec![
            "start value".into(),
            format!("{} {c}", money(r.start_value)),
        ],
        vec!["end value".into(), format!("{} {c}", money(r.end_value))],
        vec!["net flows".into(), format!("{} {c}", money(r.net_flows))],
        vec!["gain".into(), format!("{} {c}", money(r.gain))],
        vec!["income".into(), format!("{} {c}", money(p.income))],
        vec!["fees".into(), format!("{} {c}", money(p.fees))],
        vec!["taxes".into(), format!("{} {c}", money(p.taxes))],
        vec!["TWR".into(), percent(Some(r.twr))],
        vec!["TWR annualized".into(), percent(r.twr_annualized)],
        vec!["MWR (XIRR)".into(), percent(r.mwr)],
    ];
    out.table(None, rows)?;
    if !p.excluded.is_empty() {
        let names: Vec<&str> = p.excluded.iter().map(|e| e.name.as_str()).collect();
        out.line(format_args!(
            "left out (no activities or statements): {}",
            names.join(", ")
        ))?;
    }
    if !p.complete() {
        out.line(format_args!(
            "incomplete: {} (left out on the days they are missing)",
            describe_missing(p.missing.iter().map(|m| &m.missing))
        ))?;
    }
    Ok(())
}

/// The answer with the API's field names.
fn document(p: &Performance) -> Value {
    let r = &p.returns;
    let text = |d: Decimal| d.normalize().to_string();
    json!({
        "currency": p.currency.to_string(),
        "start": r.start,
        "end": r.end,
        "start_value": text(r.start_value),
        "end_value": text(r.end_value),
        "net_flows": text(r.net_flows),
        "income": text(p.income),
        "fees": text(p.fees),
        "taxes": text(p.taxes),
        "gain": text(r.gain),
        "twr": text(r.twr),
        "twr_annualized": r.twr_annualized.map(text),
        "mwr": r.mwr.map(text),
        "excluded": p.excluded.iter().map(|e| json!({
            "account_id": e.account_id, "name": e.name,
        })).collect::<Vec<_>>(),
        "complete": p.complete(),
        "missing": p.missing.iter().map(|m| json!({
            "kind": m.missing.kind.as_str(),
            "account_id": m.missing.account_id,
            "symbol": m.missing.symbol.as_ref().map(ToString::to_string),
            "currency": m.missing.currency.as_ref().map(ToString::to_string),
            "from": m.from,
            "to": m.to,
        })).collect::<Vec<_>>(),
        "series": r.series.iter().map(|s| json!({
            "date": s.date,
            "value": text(s.value),
            "flow": text(s.flow),
            "twr_cumulative": text(s.twr_cumulative),
        })).collect::<Vec<_>>(),
        "flows": p.flows.iter().map(|f| {
            let (activity_id, holding_id) = match f.source {
                Source::Activity(id) => (Some(id), None),
                Source::Statement(id) => (None, Some(id)),
            };
            json!({
                "date": f.date,
                "account_id": f.account_id,
                "amount": f.amount.map(text),
                "kind": f.kind.as_str(),
                "activity_id": activity_id,
                "holding_id": holding_id,
            })
        }).collect::<Vec<_>>(),
    })
}
