//! `finances sync`, `finances search` and `finances quote`. Each returns whether everything
//! succeeded, for the exit status; failures of single items are listed, not raised. Search
//! results print as the API's `SecurityOut`; a quote, which the API does not serve, as
//! [`QuoteRow`].

use std::io::IsTerminal;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::domain::Symbol;
use crate::format;
use crate::http::dto::securities::SecurityOut;
use crate::service::fx::FxService;
use crate::service::securities::{KeyFigures, SecurityService, SyncProgress};
use crate::service::sync::{sync_all, BaseRates};

use super::listing::{remark, Column, Format, Listing};
use super::{CommandResult, Printer};

/// Columns of `search`, in order.
pub const SEARCH_COLUMNS: [Column; 6] = [
    Column::field("symbol"),
    Column::field("name"),
    Column::field("exchange"),
    Column::field("security_type"),
    Column::field("currency"),
    Column::field("in_database"),
];

/// Columns of `quote`, in order: every field of [`QuoteRow`].
pub const QUOTE_COLUMNS: [Column; 15] = [
    Column::field("symbol"),
    Column::field("name"),
    Column::field("currency"),
    Column::field("price"),
    Column::field("previous_close"),
    Column::field("day_change"),
    Column::field("day_change_percent"),
    Column::field("day_high"),
    Column::field("day_low"),
    Column::field("fifty_two_week_high"),
    Column::field("fifty_two_week_low"),
    Column::field("market_cap"),
    Column::field("volume"),
    Column::field("as_of"),
    Column::field("partial_reason"),
];

/// A quote for programs: the key figures, decimals as strings, null when unknown.
#[derive(Debug, Serialize)]
pub struct QuoteRow {
    pub symbol: String,
    pub name: Option<String>,
    /// The quote unit (`GBp` for London).
    pub currency: Option<String>,
    pub price: Option<Decimal>,
    pub previous_close: Option<Decimal>,
    pub day_change: Option<Decimal>,
    /// In percent: `"1.27"` is 1.27 %.
    pub day_change_percent: Option<Decimal>,
    pub day_high: Option<Decimal>,
    pub day_low: Option<Decimal>,
    pub fifty_two_week_high: Option<Decimal>,
    pub fifty_two_week_low: Option<Decimal>,
    pub market_cap: Option<Decimal>,
    pub volume: Option<i64>,
    pub as_of: Option<DateTime<Utc>>,
    /// Why figures are missing, when they come from the chart or the stored prices.
    pub partial_reason: Option<String>,
}

impl From<&KeyFigures> for QuoteRow {
    fn from(k: &KeyFigures) -> Self {
        let plain = |d: Option<Decimal>| d.map(|d| d.normalize());
        Self {
            symbol: k.symbol.to_string(),
            name: k.name.clone(),
            currency: k.currency.clone(),
            price: plain(k.price),
            previous_close: plain(k.previous_close),
            day_change: plain(k.day_change),
            day_change_percent: plain(k.day_change_percent),
            day_high: plain(k.day_high),
            day_low: plain(k.day_low),
            fifty_two_week_high: plain(k.fifty_two_week_high),
            fifty_two_week_low: plain(k.fifty_two_week_low),
            market_cap: plain(k.market_cap),
            volume: k.volume,
            as_of: k.as_of,
            partial_reason: k.source.partial_reason(),
        }
    }
}

/// One line of the sync summary.
struct Outcome {
    kind: &'static str,
    item: String,
    result: Result<String, String>,
}

fn progress_bar(total: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        Some(total),
        if std::io::stdout().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    bar
}

/// `sync [SYMBOL...]`: the given securities, or with none every held security and every
/// exchange rate users need (their accounts' and holdings' currencies against their base
/// currency). Prints a summary table; `Ok(false)` when anything failed.
pub async fn sync(
    out: &mut Printer<'_>,
    securities: &SecurityService,
    fx: &FxService,
    symbols: &[String],
) -> CommandResult<bool> {
    let mut outcomes = Vec::new();
    let mut valid = Vec::new();
    for raw in symbols {
        match Symbol::parse(raw) {
            Ok(s) => valid.push(s),
            Err(e) => outcomes.push(Outcome {
                kind: "security",
                item: raw.clone(),
                result: Err(e.to_string()),
            }),
        }
    }

    let bar = Mutex::new(None::<ProgressBar>);
    let progress = |p: SyncProgress| {
        let mut slot = bar.lock().unwrap_or_else(|e| e.into_inner());
        match p {
            SyncProgress::Started { total } => *slot = Some(progress_bar(total as u64)),
            SyncProgress::Finished { symbol, .. } => {
                if let Some(b) = slot.as_ref() {
                    b.set_message(symbol.to_string());
                    b.inc(1);
                }
            }
        }
    };
    let (synced, rates) = if symbols.is_empty() {
        let report = sync_all(securities, fx, &progress).await?;
        (report.securities, report.rates)
    } else {
        (securities.sync_many(&valid, &progress).await, Vec::new())
    };
    if let Some(b) = bar.lock().unwrap_or_else(|e| e.into_inner()).take() {
        b.finish_and_clear();
    }
    for (symbol, result) in synced {
        outcomes.push(Outcome {
            kind: "security",
            item: symbol.to_string(),
            result: result
                .map(|r| format!("{} prices ({} new)", r.prices_synced, r.prices_added))
                .map_err(|e| e.to_string()),
        });
    }
    for BaseRates {
        base,
        targets,
        result,
    } in rates
    {
        match result {
            Ok(report) => {
                for target in &targets {
                    let failure = report.failures.iter().find(|(c, _)| c == target);
                    outcomes.push(Outcome {
                        kind: "rate",
                        item: format!("{base}/{target}"),
                        result: match failure {
                            Some((_, reason)) => Err(reason.clone()),
                            None => Ok("rates stored".to_string()),
                        },
                    });
                }
            }
            Err(e) => outcomes.push(Outcome {
                kind: "rate",
                item: format!("{base}/*"),
                result: Err(e.to_string()),
            }),
        }
    }

    let failed = outcomes.iter().filter(|o| o.result.is_err()).count();
    let rows = outcomes
        .iter()
        .map(|o| {
            let (status, detail) = match &o.result {
                Ok(d) => ("ok", d.as_str()),
                Err(reason) => ("FAILED", reason.as_str()),
            };
            vec![
                o.kind.to_string(),
                o.item.clone(),
                status.to_string(),
                detail.to_string(),
            ]
        })
        .collect();
    if outcomes.is_empty() {
        out.line("Nothing to sync: no security is held.")?;
    } else {
        out.table(Some(&["Kind", "Item", "Status", "Detail"]), rows)?;
        out.line(format_args!(
            "{} synced, {failed} failed",
            outcomes.len() - failed
        ))?;
    }
    Ok(failed == 0)
}

/// `search QUERY`: stored matches and Yahoo's, as `GET /api/v1/securities/search` lists them.
pub async fn search(
    out: &mut Printer<'_>,
    securities: &SecurityService,
    query: &str,
    limit: usize,
    format: Format,
) -> CommandResult<bool> {
    let found = securities.search(query, limit).await?;
    let stored: Vec<_> = found
        .results
        .iter()
        .filter_map(|r| r.security.as_ref().map(|s| s.id))
        .collect();
    let last = securities.last_prices(&stored).await?;
    let yahoo_error = found.yahoo_error;
    let results = found.results.into_iter().map(|r| {
        let price = r.security.as_ref().and_then(|s| last.get(&s.id).copied());
        let syncing = securities.is_syncing(&r.symbol);
        SecurityOut::from_search(r, price, syncing)
    });
    let listing = Listing::new(&SEARCH_COLUMNS, results)?;
    if listing.is_empty() && format.is_table() {
        out.line(format_args!("No securities match '{}'.", query.trim()))?;
    } else {
        listing.print(out, format)?;
    }
    if let Some(e) = &yahoo_error {
        remark(
            out,
            format,
            format_args!("Yahoo Finance search failed ({e}); showing stored matches only."),
        )?;
    }
    Ok(yahoo_error.is_none())
}

/// `quote SYMBOL`: the latest price and key figures, and why they are partial when they come
/// from the chart.
pub async fn quote(
    out: &mut Printer<'_>,
    securities: &SecurityService,
    symbol: &str,
    format: Format,
) -> CommandResult<bool> {
    let symbol = Symbol::parse(symbol)?;
    let k = securities.key_figures(&symbol).await?;
    if !format.is_table() {
        Listing::new(&QUOTE_COLUMNS, [QuoteRow::from(&k)])?.print(out, format)?;
        return Ok(true);
    }
    let rows = quote_rows(&k)
        .into_iter()
        .map(|(label, value)| vec![label.to_string(), value])
        .collect();
    out.table(None, rows)?;
    if let Some(why) = k.source.partial_reason() {
        out.line(format_args!("Partial figures: {why}."))?;
    }
    Ok(true)
}

/// The quote's figures as the security screen of the UI shows them: prices to 2 places (4
/// below 1), the change signed, large counts short. AAPL on 2025-02-14 reads `244.60 USD`,
/// `+3.07 (+1.27%)`, market cap `3.67T`, volume `40.90M`.
fn quote_rows(k: &KeyFigures) -> Vec<(&'static str, String)> {
    let price = |v: Option<Decimal>| v.map(format::price).unwrap_or_default();
    let range = |low: Option<Decimal>, high: Option<Decimal>| match (low, high) {
        (None, None) => String::new(),
        _ => format!("{} - {}", price(low), price(high)),
    };
    vec![
        ("Symbol", k.symbol.to_string()),
        ("Name", k.name.clone().unwrap_or_default()),
        (
            "Price",
            match (k.price, &k.currency) {
                (Some(p), Some(unit)) => format!("{} {unit}", format::price(p)),
                (p, _) => price(p),
            },
        ),
        (
            "Change",
            match (k.day_change, k.day_change_percent) {
                (Some(c), Some(p)) => {
                    format!("{} ({})", format::signed(c, false), format::percent(p))
                }
                (Some(c), None) => format::signed(c, false),
                (None, Some(p)) => format::percent(p),
                (None, None) => String::new(),
            },
        ),
        ("Previous close", price(k.previous_close)),
        ("Day range", range(k.day_low, k.day_high)),
        (
            "52-week range",
            range(k.fifty_two_week_low, k.fifty_two_week_high),
        ),
        (
            "Market cap",
            match (k.market_cap, k.source.market_cap_missing_reason()) {
                (Some(cap), _) => format::compact(cap),
                (None, Some(why)) => format!("— ({why})"),
                (None, None) => String::new(),
            },
        ),
        (
            "Volume",
            k.volume
                .map(|v| format::compact(Decimal::from(v)))
                .unwrap_or_default(),
        ),
        (
            "As of",
            k.as_of
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default(),
        ),
    ]
}
