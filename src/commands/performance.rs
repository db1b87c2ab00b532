//! `finances perf`: how the portfolio (or one account) did over a range, computed by the same
//! service as `GET /api/v1/performance`. On a terminal, the figures and what is left out; for
//! programs, the API's answer (one object; its CSV row the returns without the lists). With
//! `--series`, the daily values the returns are computed from, a row a day, for a spreadsheet
//! to redo them.

use rust_decimal::Decimal;

use crate::cli::PerfArgs;
use crate::domain::valuation::describe_missing;
use crate::http::dto::performance::{PerformanceOut, SeriesPointOut};
use crate::service::performance::{Performance, PerformanceQuery};
use crate::service::Services;

use super::activity::acting_user;
use super::ledger::{account_id, date};
use super::listing::{Column, Format, Listing};
use super::{CommandResult, Printer};

/// Columns of `perf`, in order: the returns.
pub const PERF_COLUMNS: [Column; 14] = [
    Column::field("currency"),
    Column::field("start"),
    Column::field("end"),
    Column::field("start_value"),
    Column::field("end_value"),
    Column::field("net_flows"),
    Column::field("income"),
    Column::field("fees"),
    Column::field("taxes"),
    Column::field("gain"),
    Column::field("twr"),
    Column::field("twr_annualized"),
    Column::field("mwr"),
    Column::field("complete"),
];

/// Columns of `perf --series`, in order: the daily series.
pub const SERIES_COLUMNS: [Column; 4] = [
    Column::field("date"),
    Column::field("value"),
    Column::field("flow"),
    Column::field("twr_cumulative"),
];

pub async fn perf(out: &mut Printer<'_>, services: &Services, args: PerfArgs) -> CommandResult<()> {
    let user = acting_user(services, args.report.user.as_deref()).await?;
    let query = PerformanceQuery {
        account_id: account_id(services, &user, &args.report).await?,
        start: date("start", &args.start)?,
        end: date("end", &args.end)?,
    };
    let p = services.performance.performance(&user, query).await?;
    let format = Format::from(&args.report.output);
    if args.series {
        let points = p.returns.series.into_iter().map(SeriesPointOut::from);
        return Listing::new(&SERIES_COLUMNS, points)?.print(out, format);
    }
    if format.is_table() {
        return table(out, &p);
    }
    Listing::new(&PERF_COLUMNS, [PerformanceOut::from(p)])?.print(out, format)
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
