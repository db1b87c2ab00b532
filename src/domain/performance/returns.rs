//! Returns over a daily series of values and external flows, as the ledger spec defines them:
//! the time-weighted return with flows at the start of their day, its annualized form, the
//! money-weighted return (XIRR) and the gain.

use chrono::NaiveDate;
use rust_decimal::{Decimal, MathematicalOps};

use super::xirr::{xirr, DatedFlow};

/// Rates are given to this many places; money is never rounded here.
pub const RATE_PLACES: u32 = 8;

/// One calendar day: the value at its end, and the external flows of that day (money brought
/// in is positive, taken out negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayPoint {
    pub date: NaiveDate,
    pub value: Decimal,
    pub flow: Decimal,
}

/// A day of the answer's series: the point with the time-weighted return from the start to
/// the end of that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesPoint {
    pub date: NaiveDate,
    pub value: Decimal,
    pub flow: Decimal,
    pub twr_cumulative: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Returns {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Flows on the first day are inside it.
    pub start_value: Decimal,
    pub end_value: Decimal,
    /// The flows of the days after the first.
    pub net_flows: Decimal,
    /// `end_value - start_value - net_flows`.
    pub gain: Decimal,
    pub twr: Decimal,
    /// Over a range of at least 365 days.
    pub twr_annualized: Option<Decimal>,
    /// `None` when no rate solves the flows.
    pub mwr: Option<Decimal>,
    pub series: Vec<SeriesPoint>,
}

/// The returns of `days`, one point per calendar day in order (the caller fills days without
/// events with the value carried and no flow). `None` for an empty series.
///
/// Each day after the first: `r(d) = V(d) / (V(d-1) + F(d)) - 1`, 0 where the divisor is 0;
/// `twr = prod(1 + r(d)) - 1`; `twr_annualized = (1 + twr)^(365 / days) - 1`. The XIRR's flows
/// are from the investor's side: `-V(start)` on the first day, `-F(d)` on each day with a flow,
/// `+V(end)` on the last.
pub fn returns(days: &[DayPoint]) -> Option<Returns> {
    let first = days.first()?;
    let last = days.last()?;
    let mut growth = Decimal::ONE;
    let mut net_flows = Decimal::ZERO;
    let mut series = Vec::with_capacity(days.len());
    series.push(SeriesPoint {
        date: first.date,
        value: first.value,
        flow: first.flow,
        twr_cumulative: Decimal::ZERO,
    });
    let mut investor = vec![DatedFlow {
        days: 0,
        amount: -first.value,
    }];
    for pair in days.windows(2) {
        let (before, day) = (pair[0], pair[1]);
        let divisor = before.value + day.flow;
        if !divisor.is_zero() {
            growth *= day.value / divisor;
        }
        net_flows += day.flow;
        if !day.flow.is_zero() {
            investor.push(DatedFlow {
                days: days_between(first.date, day.date),
                amount: -day.flow,
            });
        }
        series.push(SeriesPoint {
            date: day.date,
            value: day.value,
            flow: day.flow,
            twr_cumulative: (growth - Decimal::ONE).round_dp(RATE_PLACES),
        });
    }
    investor.push(DatedFlow {
        days: days_between(first.date, last.date),
        amount: last.value,
    });
    let twr = growth - Decimal::ONE;
    let span = days_between(first.date, last.date);
    Some(Returns {
        start: first.date,
        end: last.date,
        start_value: first.value,
        end_value: last.value,
        net_flows,
        gain: last.value - first.value - net_flows,
        twr: twr.round_dp(RATE_PLACES),
        twr_annualized: (span >= 365).then(|| annualized(growth, span)).flatten(),
        mwr: xirr(&investor),
        series,
    })
}

/// The money put in by each day of a series: the start value (its day's flows are inside it),
/// plus every flow of the days after. What a chart draws beside the value.
pub fn contributions(series: &[SeriesPoint]) -> Vec<Decimal> {
    let mut total = Decimal::ZERO;
    series
        .iter()
        .enumerate()
        .map(|(i, p)| {
            total = if i == 0 { p.value } else { total + p.flow };
            total
        })
        .collect()
}

fn days_between(from: NaiveDate, to: NaiveDate) -> u32 {
    u32::try_from((to - from).num_days()).unwrap_or(0)
}

/// `growth^(365 / days) - 1`; a total loss stays -1, and a growth below 0 (a value gone
/// negative) has no annual rate.
fn annualized(growth: Decimal, days: u32) -> Option<Decimal> {
    if growth.is_zero() {
        return Some(-Decimal::ONE);
    }
    if growth.is_sign_negative() {
        return None;
    }
    let exponent = Decimal::from(365) / Decimal::from(days);
    let rate = (growth.ln() * exponent).exp() - Decimal::ONE;
    Some(rate.round_dp(RATE_PLACES))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Every day from `start` to `end`: the value set by the last change on or before it, and
    /// the flow of a change on that very day.
    fn series(start: &str, end: &str, changes: &[(&str, &str, &str)]) -> Vec<DayPoint> {
        let (start, end) = (date(start), date(end));
        let mut out = Vec::new();
        let mut value = Decimal::ZERO;
        let mut day = start;
        while day <= end {
            let mut flow = Decimal::ZERO;
            for (on, v, f) in changes {
                if date(on) == day {
                    value = d(v);
                    flow = d(f);
                }
            }
            out.push(DayPoint {
                date: day,
                value,
                flow,
            });
            day = day.succ_opt().unwrap();
        }
        out
    }

    #[test]
    fn no_flows_twr_and_mwr_agree() {
        // 1000 grows to 1210 over two years (730 days), nothing brought in or taken out:
        // twr = 1210 / 1000 - 1 = 0.21; annualized (1.21)^(365 / 730) - 1 = 0.1; the XIRR of
        // -1000 then +1210 two years on is the same 0.1; gain 210.
        let days = series(
            "2022-01-01",
            "2024-01-01",
            &[("2022-01-01", "1000", "0"), ("2024-01-01", "1210", "0")],
        );
        let r = returns(&days).unwrap();
        assert_eq!(r.series.len(), 731);
        assert_eq!(r.twr, d("0.21"));
        assert_eq!(r.twr_annualized, Some(d("0.1")));
        assert_eq!(r.mwr, Some(d("0.1")));
        assert_eq!(r.gain, d("210"));
        assert_eq!(r.net_flows, Decimal::ZERO);
    }

    #[test]
    fn one_deposit_mid_range_tells_twr_from_mwr() {
        // 2024-01-01: 1000. 2024-06-30: -10 %, 900. 2024-07-02: 1000 brought in at the start
        // of the day, 1900 at its end (r = 1900 / (900 + 1000) - 1 = 0). 2024-12-31: +20 %,
        // 2280.
        // twr = 0.9 x 1.0 x 1.2 - 1 = 0.08 (365 days: annualized the same 0.08).
        // mwr: -1000 on day 0, -1000 on day 183, +2280 on day 365; solved by bisection to 50
        // digits, 0.18958044897...: higher than the twr, as the second thousand was in for
        // the better half only.
        // gain = 2280 - 1000 - 1000 = 280.
        let days = series(
            "2024-01-01",
            "2024-12-31",
            &[
                ("2024-01-01", "1000", "0"),
                ("2024-06-30", "900", "0"),
                ("2024-07-02", "1900", "1000"),
                ("2024-12-31", "2280", "0"),
            ],
        );
        let r = returns(&days).unwrap();
        assert_eq!(r.twr, d("0.08"));
        assert_eq!(r.twr_annualized, Some(d("0.08")));
        assert_eq!(r.mwr, Some(d("0.18958045")));
        assert_eq!(r.net_flows, d("1000"));
        assert_eq!(r.gain, d("280"));
        let deposit_day = r
            .series
            .iter()
            .find(|p| p.date == date("2024-07-02"))
            .unwrap();
        // From the start to the deposit's day: 0.9 x 1.0 - 1 = -0.1.
        assert_eq!(deposit_day.twr_cumulative, d("-0.1"));
    }

    #[test]
    fn a_withdrawal_to_zero_and_a_new_deposit() {
        // 1000 on 2024-01-01, 1200 on 2024-04-01 (+20 %); on 2024-04-02 all 1200 is taken
        // out: r = 0 / (1200 - 1200) has a divisor of 0, so 0. Days at 0 add nothing. On
        // 2024-08-01, 500 is brought in (r = 500 / (0 + 500) - 1 = 0); on 2024-12-31 it is
        // 550 (+10 %).
        // twr = 1.2 x 1.1 - 1 = 0.32; net flows -1200 + 500 = -700;
        // gain = 550 - 1000 + 700 = 250.
        // mwr: -1000 (day 0), +1200 (day 92), -500 (day 213), +550 (day 365), solved to 50
        // digits: 0.72976305547...
        let days = series(
            "2024-01-01",
            "2024-12-31",
            &[
                ("2024-01-01", "1000", "0"),
                ("2024-04-01", "1200", "0"),
                ("2024-04-02", "0", "-1200"),
                ("2024-08-01", "500", "500"),
                ("2024-12-31", "550", "0"),
            ],
        );
        let r = returns(&days).unwrap();
        assert_eq!(r.twr, d("0.32"));
        assert_eq!(r.net_flows, d("-700"));
        assert_eq!(r.gain, d("250"));
        assert_eq!(r.mwr, Some(d("0.72976306")));
    }

    #[test]
    fn under_a_year_is_not_annualized() {
        let days = series(
            "2024-01-01",
            "2024-12-30",
            &[("2024-01-01", "1000", "0"), ("2024-12-30", "1100", "0")],
        );
        let r = returns(&days).unwrap();
        assert_eq!(r.twr, d("0.1"));
        assert_eq!(r.twr_annualized, None);
    }

    #[test]
    fn a_total_loss_annualizes_to_minus_one() {
        let days = series(
            "2023-01-01",
            "2024-01-01",
            &[("2023-01-01", "1000", "0"), ("2024-01-01", "0", "0")],
        );
        let r = returns(&days).unwrap();
        assert_eq!(r.twr, d("-1"));
        assert_eq!(r.twr_annualized, Some(d("-1")));
        // -1000 then 0: no rate in (-0.9999, 100) brings it to 0.
        assert_eq!(r.mwr, None);
    }

    #[test]
    fn nothing_to_compute_from_no_days() {
        assert_eq!(returns(&[]), None);
    }

    #[test]
    fn money_put_in_is_the_start_value_plus_later_flows() {
        let day = |d: u32, value: i64, flow: i64| SeriesPoint {
            date: NaiveDate::from_ymd_opt(2025, 1, d).unwrap(),
            value: Decimal::from(value),
            flow: Decimal::from(flow),
            twr_cumulative: Decimal::ZERO,
        };
        // The first day's flow is inside its value.
        let series = [day(1, 100, 50), day(2, 130, 20), day(3, 90, -40)];
        assert_eq!(
            contributions(&series),
            [100, 120, 80].map(Decimal::from).to_vec()
        );
    }
}
