//! `finances sync`, `finances search` and `finances quote`. Each returns whether everything
//! succeeded, for the exit status; failures of single items are listed, not raised.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, Table};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::domain::Symbol;
use crate::service::fx::FxService;
use crate::service::securities::{SecurityService, SyncProgress};
use crate::service::{ServiceError, ServiceResult};

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
    securities: &SecurityService,
    fx: &FxService,
    symbols: &[String],
) -> ServiceResult<bool> {
    sync_to(&mut std::io::stdout(), securities, fx, symbols).await
}

pub async fn sync_to(
    out: &mut dyn Write,
    securities: &SecurityService,
    fx: &FxService,
    symbols: &[String],
) -> ServiceResult<bool> {
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
    let synced = if symbols.is_empty() {
        securities.sync_all(&progress).await?
    } else {
        securities.sync_many(&valid, &progress).await
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

    if symbols.is_empty() {
        for (base, targets) in fx.needed_pairs().await? {
            let targets: Vec<_> = targets.into_iter().collect();
            match fx.sync_rates(&base, &targets, None).await {
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
    }

    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_header(vec!["Kind", "Item", "Status", "Detail"]);
    let failed = outcomes.iter().filter(|o| o.result.is_err()).count();
    for o in &outcomes {
        let (status, detail) = match &o.result {
            Ok(d) => ("ok", d.as_str()),
            Err(reason) => ("FAILED", reason.as_str()),
        };
        table.add_row(vec![
            Cell::new(o.kind),
            Cell::new(&o.item),
            Cell::new(status),
            Cell::new(detail),
        ]);
    }
    let io = |e: std::io::Error| ServiceError::Internal(format!("cannot write output: {e}"));
    if outcomes.is_empty() {
        writeln!(out, "Nothing to sync: no security is held.").map_err(io)?;
    } else {
        writeln!(out, "{table}").map_err(io)?;
        writeln!(out, "{} synced, {failed} failed", outcomes.len() - failed).map_err(io)?;
    }
    Ok(failed == 0)
}

/// `search QUERY`: stored matches and Yahoo's, as a table.
pub async fn search(
    securities: &SecurityService,
    query: &str,
    limit: usize,
) -> ServiceResult<bool> {
    search_to(&mut std::io::stdout(), securities, query, limit).await
}

pub async fn search_to(
    out: &mut dyn Write,
    securities: &SecurityService,
    query: &str,
    limit: usize,
) -> ServiceResult<bool> {
    let found = securities.search(query, limit).await?;
    let io = |e: std::io::Error| ServiceError::Internal(format!("cannot write output: {e}"));
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_header(vec!["Symbol", "Name", "Exchange", "Type", "Stored"]);
    for r in &found.results {
        table.add_row(vec![
            Cell::new(r.symbol.as_str()),
            Cell::new(&r.name),
            Cell::new(r.exchange.as_deref().unwrap_or("")),
            Cell::new(r.security_type.as_str()),
            Cell::new(if r.in_database { "yes" } else { "" }),
        ]);
    }
    if found.results.is_empty() {
        writeln!(out, "No securities match '{}'.", query.trim()).map_err(io)?;
    } else {
        writeln!(out, "{table}").map_err(io)?;
    }
    if let Some(e) = &found.yahoo_error {
        writeln!(
            out,
            "Yahoo Finance search failed ({e}); showing stored matches only."
        )
        .map_err(io)?;
    }
    Ok(found.yahoo_error.is_none())
}

/// `quote SYMBOL`: the latest price and key figures, and why they are partial when they come
/// from the chart.
pub async fn quote(securities: &SecurityService, symbol: &str) -> ServiceResult<bool> {
    quote_to(&mut std::io::stdout(), securities, symbol).await
}

pub async fn quote_to(
    out: &mut dyn Write,
    securities: &SecurityService,
    symbol: &str,
) -> ServiceResult<bool> {
    let symbol = Symbol::parse(symbol)?;
    let k = securities.key_figures(&symbol).await?;
    let io = |e: std::io::Error| ServiceError::Internal(format!("cannot write output: {e}"));
    let show = |v: Option<rust_decimal::Decimal>| v.map(|d| d.to_string()).unwrap_or_default();
    let unit = k.currency.clone().unwrap_or_default();
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    let rows: Vec<(&str, String)> = vec![
        ("Symbol", k.symbol.to_string()),
        ("Name", k.name.clone().unwrap_or_default()),
        ("Price", format!("{} {unit}", show(k.price))),
        (
            "Change",
            match (k.day_change, k.day_change_percent) {
                (Some(c), Some(p)) => format!("{c} ({}%)", p.round_dp(2)),
                (Some(c), None) => c.to_string(),
                _ => String::new(),
            },
        ),
        ("Previous close", show(k.previous_close)),
        (
            "Day range",
            format!("{} - {}", show(k.day_low), show(k.day_high)),
        ),
        (
            "52-week range",
            format!(
                "{} - {}",
                show(k.fifty_two_week_low),
                show(k.fifty_two_week_high)
            ),
        ),
        (
            "Market cap",
            match (k.market_cap, k.source.market_cap_missing_reason()) {
                (None, Some(why)) => format!("— ({why})"),
                (cap, _) => show(cap),
            },
        ),
        (
            "Volume",
            k.volume.map(|v| v.to_string()).unwrap_or_default(),
        ),
        ("As of", k.as_of.map(|t| t.to_rfc3339()).unwrap_or_default()),
    ];
    for (label, value) in rows {
        table.add_row(vec![Cell::new(label), Cell::new(value.trim())]);
    }
    writeln!(out, "{table}").map_err(io)?;
    if let Some(why) = k.source.partial_reason() {
        writeln!(out, "Partial figures: {why}.").map_err(io)?;
    }
    Ok(true)
}
