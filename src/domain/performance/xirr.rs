//! The money-weighted return as a spreadsheet's XIRR: the annual rate `r` at which the dated
//! cash flows sum to 0, `sum(cf_i / (1 + r)^(days_i / 365)) = 0`.

use rust_decimal::{Decimal, MathematicalOps};

/// The rates between which a root is looked for (both excluded), as the spec bounds them.
const LOWEST: Decimal = Decimal::from_parts(9999, 0, 0, true, 4);
const HIGHEST: Decimal = Decimal::from_parts(100, 0, 0, false, 0);
/// Where the sign of the sum is read before narrowing: dense near 0, where returns are.
const PROBES: [&str; 17] = [
    "-0.999", "-0.99", "-0.9", "-0.75", "-0.5", "-0.25", "-0.1", "0", "0.1", "0.25", "0.5", "1",
    "2", "5", "10", "25", "50",
];
/// Bisection stops when the bracket is narrower than this: well below the 8 places shown.
const WIDTH: Decimal = Decimal::from_parts(1, 0, 0, false, 12);

/// A cash flow `days` after the first day, from the investor's side: money put in is negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatedFlow {
    pub days: u32,
    pub amount: Decimal,
}

/// The annual rate, rounded to 8 places; `None` when the flows have no root in
/// (-0.9999, 100): flows of one sign, or all on the first day. Where there are several
/// roots, the one nearest 0.
pub fn xirr(flows: &[DatedFlow]) -> Option<Decimal> {
    if flows.iter().all(|f| f.days == 0) || flows.iter().all(|f| f.amount.is_zero()) {
        return None;
    }
    let mut flows = flows.to_vec();
    flows.sort_by_key(|f| f.days);
    let sum = |rate: Decimal| sign_of_sum(&flows, rate);
    let mut points: Vec<Decimal> = Vec::with_capacity(PROBES.len() + 2);
    points.push(LOWEST);
    points.extend(
        PROBES
            .iter()
            .map(|p| p.parse::<Decimal>().expect("a probe")),
    );
    points.push(HIGHEST);
    let signs: Vec<i8> = points.iter().map(|&r| sum(r)).collect();
    // The bracket (or exact probe) nearest 0 among those where the sign changes.
    let mut best: Option<(Decimal, Decimal, Decimal)> = None;
    for i in 0..points.len() {
        let inner = i > 0 && i < points.len() - 1;
        if inner && signs[i] == 0 {
            consider(&mut best, points[i], points[i]);
        }
        if i + 1 < points.len() && signs[i] * signs[i + 1] < 0 {
            consider(&mut best, points[i], points[i + 1]);
        }
    }
    let (_, mut low, mut high) = best?;
    let low_sign = sum(low);
    while high - low > WIDTH {
        let mid = (low + high) / Decimal::TWO;
        let s = sum(mid);
        if s == 0 {
            return Some(mid.round_dp(8));
        }
        if s == low_sign {
            low = mid;
        } else {
            high = mid;
        }
    }
    Some(((low + high) / Decimal::TWO).round_dp(8))
}

fn consider(best: &mut Option<(Decimal, Decimal, Decimal)>, low: Decimal, high: Decimal) {
    let distance = if low <= Decimal::ZERO && high >= Decimal::ZERO {
        Decimal::ZERO
    } else {
        low.abs().min(high.abs())
    };
    if best.is_none_or(|(d, _, _)| distance < d) {
        *best = Some((distance, low, high));
    }
}

/// The sign (-1, 0, 1) of the flows' sum discounted at `rate`; `flows` sorted by day. Every
/// weight is kept at most 1 so that no power overflows a decimal: at a rate of 0 or more each
/// flow is discounted to the first day; below 0 each is carried to the last day instead, which
/// multiplies the sum by `(1 + rate)^(last / 365)`, a positive number, leaving its sign alone.
/// Days are whole, so each weight is the one before times a power of one daily factor.
fn sign_of_sum(flows: &[DatedFlow], rate: Decimal) -> i8 {
    let daily_log = (Decimal::ONE + rate).ln() / Decimal::from(365);
    let last = flows.last().map_or(0, |f| f.days);
    let mut total = Decimal::ZERO;
    let mut weigh = |factor: Decimal, ordered: &mut dyn Iterator<Item = (u32, Decimal)>| {
        let (mut at, mut weight) = (0u32, Decimal::ONE);
        for (k, amount) in ordered {
            weight *= factor.powu(u64::from(k - at));
            at = k;
            total += amount * weight;
        }
    };
    if rate >= Decimal::ZERO {
        weigh(
            (-daily_log).exp(),
            &mut flows.iter().map(|f| (f.days, f.amount)),
        );
    } else {
        weigh(
            daily_log.exp(),
            &mut flows.iter().rev().map(|f| (last - f.days, f.amount)),
        );
    }
    match total.cmp(&Decimal::ZERO) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn flow(days: u32, amount: &str) -> DatedFlow {
        DatedFlow {
            days,
            amount: d(amount),
        }
    }

    #[test]
    fn ten_percent_a_year_over_two_years() {
        // -1000 + 1210 / (1 + r)^(730 / 365) = 0  =>  (1 + r)^2 = 1.21  =>  r = 0.1.
        assert_eq!(xirr(&[flow(0, "-1000"), flow(730, "1210")]), Some(d("0.1")));
    }

    #[test]
    fn a_deposit_before_the_better_half() {
        // 1000 in on day 0, 1000 more on day 183, 2280 out on day 365. Solved to 50 digits by
        // bisection: r = 0.189580448972...; rounded to 8 places 0.18958045.
        let flows = [flow(0, "-1000"), flow(183, "-1000"), flow(365, "2280")];
        assert_eq!(xirr(&flows), Some(d("0.18958045")));
    }

    #[test]
    fn a_loss_is_negative() {
        // -1000 + 810 / (1 + r)^2 = 0  =>  1 + r = 0.9  =>  r = -0.1.
        assert_eq!(xirr(&[flow(0, "-1000"), flow(730, "810")]), Some(d("-0.1")));
    }

    #[test]
    fn flows_of_one_sign_have_no_root() {
        assert_eq!(xirr(&[flow(0, "-1000"), flow(365, "-10")]), None);
        assert_eq!(xirr(&[flow(0, "1000"), flow(365, "10")]), None);
    }

    #[test]
    fn a_single_day_has_no_rate() {
        assert_eq!(xirr(&[flow(0, "-1000"), flow(0, "1000")]), None);
    }

    #[test]
    fn beyond_the_bounds_is_no_root() {
        // Doubling a thousand times in one day: r is far above 100.
        assert_eq!(xirr(&[flow(0, "-1"), flow(1, "1000")]), None);
    }
}
