//! Seeded random walks: daily bars of a security and daily exchange rates. The same seed
//! gives the same numbers on every machine (ChaCha, Box-Muller, no platform floats beyond
//! IEEE arithmetic).

use chrono::{Datelike, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::{Interval, PriceBar};

const TRADING_DAYS: f64 = 252.0;

/// A standard normal draw.
pub fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
    let u2: f64 = rng.gen_range(0.0..1.0);
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// Weekdays from `start` to `end`, both included.
pub fn weekdays(start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    start
        .iter_days()
        .take_while(|d| *d <= end)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect()
}

pub fn decimal(value: f64, places: u32) -> Decimal {
    Decimal::from_f64(value)
        .unwrap_or(Decimal::ZERO)
        .round_dp(places)
}

/// Daily closes of a geometric random walk, one per day.
pub fn closes(rng: &mut ChaCha8Rng, days: usize, start: f64, drift: f64, vol: f64) -> Vec<f64> {
    let dt = 1.0 / TRADING_DAYS;
    let mut price = start;
    let mut out = Vec::with_capacity(days);
    for _ in 0..days {
        let shock = normal(rng);
        price *= ((drift - vol * vol / 2.0) * dt + vol * dt.sqrt() * shock).exp();
        price = price.max(0.01);
        out.push(price);
    }
    out
}

/// OHLCV bars around the given closes, stamped at 21:00 UTC of each day.
pub fn bars(
    rng: &mut ChaCha8Rng,
    security_id: Uuid,
    days: &[NaiveDate],
    closes: &[f64],
    vol: f64,
    base_volume: f64,
    places: u32,
) -> Vec<PriceBar> {
    let daily = vol / TRADING_DAYS.sqrt();
    let mut prev = closes.first().copied().unwrap_or(1.0);
    days.iter()
        .zip(closes)
        .map(|(day, &close)| {
            let open = prev * (1.0 + daily * 0.3 * normal(rng));
            let high = open.max(close) * (1.0 + (daily * 0.5 * normal(rng)).abs());
            let low = open.min(close) * (1.0 - (daily * 0.5 * normal(rng)).abs());
            let volume = base_volume * (0.6 * normal(rng)).exp();
            prev = close;
            let close = decimal(close, places);
            PriceBar {
                security_id,
                interval: Interval::D1,
                timestamp: Utc.from_utc_datetime(
                    &day.and_time(NaiveTime::from_hms_opt(21, 0, 0).unwrap_or(NaiveTime::MIN)),
                ),
                open: decimal(open, places),
                high: decimal(high, places).max(close),
                low: decimal(low, places).min(close),
                close,
                adj_close: Some(close),
                volume: volume as i64,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn walks_repeat_for_a_seed_and_bars_are_consistent() {
        let days = weekdays(
            NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2024, 3, 31).unwrap(),
        );
        assert_eq!(days.len(), 65);
        let a = closes(
            &mut ChaCha8Rng::seed_from_u64(7),
            days.len(),
            100.0,
            0.1,
            0.3,
        );
        let b = closes(
            &mut ChaCha8Rng::seed_from_u64(7),
            days.len(),
            100.0,
            0.1,
            0.3,
        );
        let c = closes(
            &mut ChaCha8Rng::seed_from_u64(8),
            days.len(),
            100.0,
            0.1,
            0.3,
        );
        assert_eq!(a, b);
        assert_ne!(a, c);
        let bars = bars(
            &mut ChaCha8Rng::seed_from_u64(7),
            Uuid::nil(),
            &days,
            &a,
            0.3,
            1e6,
            2,
        );
        for bar in &bars {
            assert!(bar.low <= bar.open.min(bar.close) && bar.high >= bar.open.max(bar.close));
            assert!(bar.low > Decimal::ZERO && bar.volume > 0);
        }
    }
}
