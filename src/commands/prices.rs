//! `finances prices SYMBOL [--start D] [--end D]`: a stored security's daily bars from the same
//! service function as `GET /api/v1/securities/{symbol}/prices`, with the same window by
//! default (the 30 days up to `--end`, or today), printed as the API writes each bar.

use chrono::{NaiveDate, NaiveTime};

use crate::cli::PricesArgs;
use crate::domain::{Interval, Symbol};
use crate::http::dto::securities::PriceOut;
use crate::service::securities::SecurityService;

use super::ledger::date;
use super::listing::{Column, Format, Listing};
use super::{CommandResult, Printer};

/// Columns of `prices`, in order.
pub const PRICE_COLUMNS: [Column; 7] = [
    Column::field("timestamp"),
    Column::field("open"),
    Column::field("high"),
    Column::field("low"),
    Column::field("close"),
    Column::field("adj_close"),
    Column::field("volume"),
];

pub async fn prices(
    out: &mut Printer<'_>,
    securities: &SecurityService,
    args: PricesArgs,
) -> CommandResult<()> {
    let symbol = Symbol::parse(&args.symbol)?;
    let start = date("start", &args.start)?.map(|d| d.and_time(NaiveTime::MIN).and_utc());
    // The end of the day named, as the API reads a date given as `end`.
    let end = date("end", &args.end)?.map(end_of_day);
    let interval = Interval::D1;
    let (start, end) = match start {
        Some(start) => (Some(start), end),
        None => {
            let end = end.unwrap_or_else(crate::domain::now);
            (end.checked_sub_signed(interval.default_window()), Some(end))
        }
    };
    let series = securities.prices(&symbol, interval, start, end).await?;
    Listing::new(&PRICE_COLUMNS, series.bars.into_iter().map(PriceOut::from))?
        .print(out, Format::from(&args.output))
}

fn end_of_day(d: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    d.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN))
        .and_utc()
}
