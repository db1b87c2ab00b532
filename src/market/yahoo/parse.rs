//! Turns Yahoo's bodies into market types: repairs or skips bars with missing prices,
//! normalises daily timestamps, reads corporate actions, and recognises Yahoo's error bodies.
//!
//! A zero price is missing data, never a price (mutual funds' bars come with `low: 0`, funds
//! that report only a net asset value with zero open and high), and a zero is never stored:
//! - a bar whose close is zero or null is skipped: it has no price at all;
//! - a zero or null open, high or low is **repaired from the bar's other prices**, since a
//!   stored bar needs all four: the open becomes the close, the high the larger and the low the
//!   smaller of open and close. A fund's bar thus reads flat at its close;
//! - a zero adjusted close becomes none.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use rust_decimal::Decimal;

use super::number::{count, decimal, opt_decimal, timestamp};
use super::wire;
use crate::domain::{Interval, SecurityType, Symbol};
use crate::market::{
    Bar, Chart, ChartMeta, Dividend, MarketError, MarketResult, Profile, Quote, QuoteSource,
    SearchHit, Split,
};

fn invalid(what: &str, e: impl std::fmt::Display) -> MarketError {
    MarketError::InvalidResponse(format!("{what}: {e}"))
}

fn clean(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The message inside a Yahoo error body, whichever endpoint sent it.
pub fn error_description(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let obj = value.as_object()?;
    let error = obj.values().find_map(|v| v.get("error"))?;
    let code = error.get("code").and_then(|c| c.as_str());
    let description = error.get("description").and_then(|d| d.as_str());
    match (code, description) {
        (_, Some(d)) if !d.is_empty() => Some(d.to_string()),
        (Some(c), _) => Some(c.to_string()),
        _ => None,
    }
}

fn api_error(error: Option<wire::ApiError>, symbol: &str) -> Option<MarketError> {
    let error = error?;
    let code = error.code.unwrap_or_default();
    let description = error.description.unwrap_or_else(|| code.clone());
    Some(if code.eq_ignore_ascii_case("Not Found") {
        MarketError::NotFound(format!(
            "Yahoo Finance has no data for '{symbol}': {description}"
        ))
    } else if code.eq_ignore_ascii_case("Bad Request")
        || code.eq_ignore_ascii_case("Unprocessable Entity")
    {
        MarketError::BadRequest(description)
    } else {
        MarketError::Unavailable(description)
    })
}

/// Daily and longer bars: midnight UTC of the exchange's local date.
fn bar_time(secs: i64, interval: Interval, gmt_offset: i64) -> Option<DateTime<Utc>> {
    let at = timestamp(secs)?;
    if interval.is_intraday() {
        return Some(at);
    }
    let local = at + Duration::seconds(gmt_offset);
    Some(local.date_naive().and_time(NaiveTime::MIN).and_utc())
}

pub fn chart(body: &str, symbol: &Symbol, interval: Interval) -> MarketResult<Chart> {
    let envelope: wire::ChartEnvelope =
        serde_json::from_str(body).map_err(|e| invalid("chart", e))?;
    if let Some(err) = api_error(envelope.chart.error, symbol.as_str()) {
        return Err(err);
    }
    let result = envelope
        .chart
        .result
        .and_then(|r| r.into_iter().next())
        .ok_or_else(|| {
            MarketError::NotFound(format!("Yahoo Finance has no data for '{symbol}'"))
        })?;

    let m = result.meta;
    let gmt_offset = m.gmtoffset.unwrap_or(0);
    let meta = ChartMeta {
        symbol: m
            .symbol
            .as_deref()
            .and_then(|s| Symbol::parse(s).ok())
            .unwrap_or_else(|| symbol.clone()),
        currency: clean(m.currency),
        exchange: clean(m.exchange_name),
        full_exchange_name: clean(m.full_exchange_name),
        security_type: m
            .instrument_type
            .as_deref()
            .map(SecurityType::from_yahoo)
            .unwrap_or(SecurityType::Other),
        name: clean(m.long_name).or(clean(m.short_name)),
        timezone: clean(m.exchange_timezone_name),
        gmt_offset: i32::try_from(gmt_offset).unwrap_or(0),
        regular_market_price: opt_decimal(m.regular_market_price.0),
        regular_market_time: m.regular_market_time.and_then(timestamp),
        previous_close: opt_decimal(m.previous_close.0.or(m.chart_previous_close.0)),
        day_high: opt_decimal(m.regular_market_day_high.0),
        day_low: opt_decimal(m.regular_market_day_low.0),
        fifty_two_week_high: opt_decimal(m.fifty_two_week_high.0),
        fifty_two_week_low: opt_decimal(m.fifty_two_week_low.0),
        volume: count(m.regular_market_volume.0),
    };

    let indicators = result.indicators.unwrap_or_default();
    let quote = indicators.quote.into_iter().next().unwrap_or_default();
    let adjclose = indicators
        .adjclose
        .and_then(|a| a.into_iter().next())
        .and_then(|a| a.adjclose)
        .unwrap_or_default();
    let at = |series: &Option<Vec<Option<f64>>>, i: usize| -> Option<f64> {
        series.as_ref().and_then(|s| s.get(i).copied().flatten())
    };

    let mut bars: Vec<Bar> = Vec::new();
    for (i, ts) in result.timestamp.unwrap_or_default().into_iter().enumerate() {
        let Some(time) = ts.and_then(|t| bar_time(t, interval, gmt_offset)) else {
            continue;
        };
        let price = |series: &Option<Vec<Option<f64>>>| {
            at(series, i)
                .and_then(decimal)
                .filter(|d: &Decimal| !d.is_zero())
        };
        let Some(close) = price(&quote.close) else {
            continue;
        };
        let open = price(&quote.open).unwrap_or(close);
        let bar = Bar {
            timestamp: time,
            open,
            high: price(&quote.high).unwrap_or(open.max(close)),
            low: price(&quote.low).unwrap_or(open.min(close)),
            close,
            adj_close: adjclose
                .get(i)
                .copied()
                .flatten()
                .and_then(decimal)
                .filter(|d| !d.is_zero()),
            volume: count(at(&quote.volume, i)).unwrap_or(0),
        };
        // A trailing live bar can repeat the last day: the newer one wins.
        match bars.last_mut() {
            Some(last) if last.timestamp == bar.timestamp => *last = bar,
            Some(last) if last.timestamp > bar.timestamp => {
                if let Some(same) = bars.iter_mut().find(|b| b.timestamp == bar.timestamp) {
                    *same = bar;
                } else {
                    bars.push(bar);
                    bars.sort_by_key(|b| b.timestamp);
                }
            }
            _ => bars.push(bar),
        }
    }

    let events = result.events.unwrap_or_default();
    let mut dividends: Vec<Dividend> = events
        .dividends
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(key, d)| {
            let date = d.date.or_else(|| key.parse().ok()).and_then(timestamp)?;
            Some(Dividend {
                date,
                amount: opt_decimal(d.amount.0)?,
            })
        })
        .collect();
    dividends.sort_by_key(|d| d.date);
    let mut splits: Vec<Split> = events
        .splits
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(key, s)| {
            let date = s.date.or_else(|| key.parse().ok()).and_then(timestamp)?;
            let (numerator, denominator) = match (s.numerator.0, s.denominator.0) {
                (Some(n), Some(d)) => (decimal(n)?, decimal(d)?),
                _ => {
                    let ratio = s.split_ratio?;
                    let (n, d) = ratio.split_once(':').or_else(|| ratio.split_once('/'))?;
                    (n.trim().parse().ok()?, d.trim().parse().ok()?)
                }
            };
            Some(Split {
                date,
                numerator,
                denominator,
            })
        })
        .collect();
    splits.sort_by_key(|s| s.date);

    Ok(Chart {
        meta,
        interval,
        bars,
        dividends,
        splits,
    })
}

pub fn quotes(body: &str) -> MarketResult<Vec<Quote>> {
    let envelope: wire::QuoteEnvelope =
        serde_json::from_str(body).map_err(|e| invalid("quote", e))?;
    if let Some(err) = api_error(envelope.quote_response.error, "quote") {
        return Err(err);
    }
    Ok(envelope
        .quote_response
        .result
        .unwrap_or_default()
        .into_iter()
        .filter_map(|q| {
            let symbol = Symbol::parse(q.symbol.as_deref()?).ok()?;
            Some(Quote {
                symbol,
                source: QuoteSource::QuoteService,
                name: clean(q.long_name).or(clean(q.short_name)),
                security_type: q
                    .quote_type
                    .as_deref()
                    .map(SecurityType::from_yahoo)
                    .unwrap_or(SecurityType::Other),
                currency: clean(q.currency),
                exchange: clean(q.exchange),
                full_exchange_name: clean(q.full_exchange_name),
                price: opt_decimal(q.regular_market_price.0),
                change: opt_decimal(q.regular_market_change.0),
                change_percent: opt_decimal(q.regular_market_change_percent.0),
                previous_close: opt_decimal(q.regular_market_previous_close.0),
                open: opt_decimal(q.regular_market_open.0),
                day_high: opt_decimal(q.regular_market_day_high.0),
                day_low: opt_decimal(q.regular_market_day_low.0),
                fifty_two_week_high: opt_decimal(q.fifty_two_week_high.0),
                fifty_two_week_low: opt_decimal(q.fifty_two_week_low.0),
                volume: count(q.regular_market_volume.0),
                market_cap: opt_decimal(q.market_cap.0),
                market_time: q.regular_market_time.and_then(timestamp),
                market_state: clean(q.market_state),
            })
        })
        .collect())
}

pub fn profile(body: &str, symbol: &Symbol) -> MarketResult<Profile> {
    let envelope: wire::SummaryEnvelope =
        serde_json::from_str(body).map_err(|e| invalid("quoteSummary", e))?;
    if let Some(err) = api_error(envelope.quote_summary.error, symbol.as_str()) {
        return Err(err);
    }
    let result = envelope
        .quote_summary
        .result
        .and_then(|r| r.into_iter().next())
        .ok_or_else(|| {
            MarketError::NotFound(format!("Yahoo Finance has no data for '{symbol}'"))
        })?;
    let price = result.price.unwrap_or_default();
    let detail = result.summary_detail.unwrap_or_default();
    let about = result
        .asset_profile
        .or(result.summary_profile)
        .unwrap_or_default();
    Ok(Profile {
        symbol: price
            .symbol
            .as_deref()
            .and_then(|s| Symbol::parse(s).ok())
            .unwrap_or_else(|| symbol.clone()),
        name: clean(price.long_name).or(clean(price.short_name)),
        security_type: price.quote_type.as_deref().map(SecurityType::from_yahoo),
        currency: clean(price.currency).or(clean(detail.currency)),
        exchange: clean(price.exchange),
        exchange_name: clean(price.exchange_name),
        sector: clean(about.sector),
        industry: clean(about.industry),
        country: clean(about.country),
        website: clean(about.website),
        summary: clean(about.long_business_summary),
        market_cap: opt_decimal(price.market_cap.0.or(detail.market_cap.0)),
        price: opt_decimal(price.regular_market_price.0),
        previous_close: opt_decimal(
            price
                .regular_market_previous_close
                .0
                .or(detail.previous_close.0),
        ),
        fifty_two_week_high: opt_decimal(detail.fifty_two_week_high.0),
        fifty_two_week_low: opt_decimal(detail.fifty_two_week_low.0),
        dividend_yield: opt_decimal(detail.dividend_yield.0),
        trailing_pe: opt_decimal(detail.trailing_pe.0),
        beta: opt_decimal(detail.beta.0),
    })
}

pub fn search(body: &str) -> MarketResult<Vec<SearchHit>> {
    let envelope: wire::SearchEnvelope =
        serde_json::from_str(body).map_err(|e| invalid("search", e))?;
    let mut hits: Vec<SearchHit> = Vec::new();
    for q in envelope.quotes {
        if q.is_yahoo_finance == Some(false) {
            continue;
        }
        let Some(symbol) = q.symbol.as_deref().and_then(|s| Symbol::parse(s).ok()) else {
            continue;
        };
        if hits.iter().any(|h| h.symbol == symbol) {
            continue;
        }
        hits.push(SearchHit {
            symbol,
            name: clean(q.longname).or(clean(q.shortname)),
            exchange: clean(q.exchange),
            exchange_display: clean(q.exch_disp),
            security_type: q
                .quote_type
                .as_deref()
                .map(SecurityType::from_yahoo)
                .unwrap_or(SecurityType::Other),
            sector: clean(q.sector),
            industry: clean(q.industry),
        });
    }
    Ok(hits)
}

/// A crumb is a short token without spaces; anything else (an HTML page, "Too Many Requests")
/// is not one.
pub fn crumb(body: &str) -> Option<String> {
    let crumb = body.trim();
    let ok = (5..=64).contains(&crumb.len())
        && crumb
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '_' | '-' | '\\'))
        && !crumb.eq_ignore_ascii_case("TooManyRequests");
    ok.then(|| crumb.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(s: &str) -> Symbol {
        Symbol::parse(s).unwrap()
    }

    #[test]
    fn crumbs_are_validated() {
        assert_eq!(crumb("haT3oykhHqZ").as_deref(), Some("haT3oykhHqZ"));
        assert_eq!(crumb("ab/c.DEF12\n").as_deref(), Some("ab/c.DEF12"));
        assert_eq!(crumb("Too Many Requests"), None);
        assert_eq!(crumb("Too Many Requests\r\n"), None);
        assert_eq!(crumb("<html><body>oops</body></html>"), None);
        assert_eq!(crumb(""), None);
    }

    #[test]
    fn unknown_symbol_is_not_found() {
        let body = r#"{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}"#;
        assert!(matches!(
            chart(body, &sym("SI"), Interval::D1),
            Err(MarketError::NotFound(_))
        ));
    }

    #[test]
    fn garbage_is_an_invalid_response() {
        assert!(matches!(
            chart("<html>", &sym("A"), Interval::D1),
            Err(MarketError::InvalidResponse(_))
        ));
        assert!(matches!(quotes("{}"), Err(MarketError::InvalidResponse(_))));
    }

    #[test]
    fn zero_prices_are_repaired_or_the_bar_skipped() {
        let body = r#"{"chart":{"result":[{"meta":{"symbol":"FUND","gmtoffset":0},
            "timestamp":[1704153600,1704240000,1704326400,1704412800],
            "indicators":{"quote":[{
                "open":[10.5,0,10.25,null],"high":[10.5,0,10.75,10.5],
                "low":[0,0,0,null],"close":[10.5,10.75,10.5,0],"volume":[0,0,0,0]}],
                "adjclose":[{"adjclose":[10.5,0,10.5,0]}]}}],"error":null}}"#;
        let c = chart(body, &sym("FUND"), Interval::D1).unwrap();
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let prices: Vec<_> = c
            .bars
            .iter()
            .map(|b| (b.open, b.high, b.low, b.close, b.adj_close))
            .collect();
        assert_eq!(
            prices,
            vec![
                (d("10.5"), d("10.5"), d("10.5"), d("10.5"), Some(d("10.5"))),
                (d("10.75"), d("10.75"), d("10.75"), d("10.75"), None),
                (
                    d("10.25"),
                    d("10.75"),
                    d("10.25"),
                    d("10.5"),
                    Some(d("10.5"))
                ),
            ]
        );
    }

    #[test]
    fn error_descriptions() {
        let body = r#"{"finance":{"result":null,"error":{"code":"Unauthorized","description":"Invalid Crumb"}}}"#;
        assert_eq!(error_description(body).as_deref(), Some("Invalid Crumb"));
        assert_eq!(error_description("Too Many Requests"), None);
    }
}
