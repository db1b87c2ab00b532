//! The open lots of one security in one account, kept in the order the account's method closes
//! them so that a sale costs no more than the lots it touches: a queue for fifo and lifo, a
//! heap on cost per unit for hifo, a single pooled lot for average.

use std::cmp::Ordering;
use std::collections::binary_heap::PeekMut;
use std::collections::{BinaryHeap, VecDeque};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::convert::to_kept_places;
use super::CostBasisMethod;
use crate::domain::money;

/// Shares acquired together. `cost` is in the account's currency; `None` when the amount paid
/// could not be converted into it (never counted as 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lot {
    pub opened: NaiveDate,
    pub quantity: Decimal,
    pub cost: Option<Decimal>,
    /// Opening order, to list lots and break ties between lots of one cost.
    seq: u64,
}

impl Lot {
    pub fn cost_per_unit(&self) -> Option<Decimal> {
        self.cost
            .and_then(|c| c.checked_div(self.quantity))
            .map(to_kept_places)
    }

    /// Takes `part` of this lot's shares (less than all of them) and the matching share of its
    /// cost out of it.
    fn take(&mut self, part: Decimal) -> Lot {
        let cost = self.cost.map(|c| prorate(c, part, self.quantity));
        self.quantity -= part;
        self.cost = match (self.cost, cost) {
            (Some(all), Some(taken)) => Some(all - taken),
            _ => None,
        };
        Lot {
            opened: self.opened,
            quantity: part,
            cost,
            seq: self.seq,
        }
    }
}

/// `cost x part / whole`, multiplied first so that even divisions stay exact.
fn prorate(cost: Decimal, part: Decimal, whole: Decimal) -> Decimal {
    let exact = cost.checked_mul(part).and_then(|x| x.checked_div(whole));
    // `part <= whole`, so the quotient first cannot overflow.
    to_kept_places(exact.unwrap_or_else(|| cost * (part / whole)))
}

/// A lot ordered for hifo: the highest cost per unit is the greatest, then the oldest. A lot
/// of unknown cost comes after every known one.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ByCost {
    cost_per_unit: Option<Decimal>,
    /// `cost_per_unit` as a whole number of its smallest kept place, when it fits: the heap
    /// compares on every sale, and two such numbers compare without aligning scales.
    fixed: Option<i128>,
    lot: Lot,
}

impl Ord for ByCost {
    fn cmp(&self, other: &Self) -> Ordering {
        let by_cost = match (self.fixed, other.fixed) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => self.cost_per_unit.cmp(&other.cost_per_unit),
        };
        by_cost.then_with(|| other.lot.seq.cmp(&self.lot.seq))
    }
}

impl PartialOrd for ByCost {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl ByCost {
    fn new(lot: Lot) -> Self {
        let cost_per_unit = lot.cost_per_unit();
        let fixed = cost_per_unit.and_then(|c| {
            let mut c = c;
            c.rescale(money::MAX_SCALE);
            (c.scale() == money::MAX_SCALE).then(|| c.mantissa())
        });
        Self {
            cost_per_unit,
            fixed,
            lot,
        }
    }
}

#[derive(Debug, Clone)]
enum Store {
    /// Oldest first, taken from the front.
    Fifo(VecDeque<Lot>),
    /// Oldest first, taken from the back.
    Lifo(Vec<Lot>),
    Hifo(BinaryHeap<ByCost>),
    Pool(Option<Lot>),
}

/// A sale of more than is held: how much is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shortfall {
    pub held: Decimal,
}

/// The open lots of one security.
#[derive(Debug, Clone)]
pub(crate) struct LotBook {
    store: Store,
    quantity: Decimal,
    next_seq: u64,
}

impl LotBook {
    pub fn new(method: CostBasisMethod) -> Self {
        let store = match method {
            CostBasisMethod::Fifo => Store::Fifo(VecDeque::new()),
            CostBasisMethod::Lifo => Store::Lifo(Vec::new()),
            CostBasisMethod::Hifo => Store::Hifo(BinaryHeap::new()),
            CostBasisMethod::Average => Store::Pool(None),
        };
        Self {
            store,
            quantity: Decimal::ZERO,
            next_seq: 0,
        }
    }

    /// Shares held.
    pub fn quantity(&self) -> Decimal {
        self.quantity
    }

    /// Adds `quantity` shares at `cost`. `None` on overflow.
    pub fn open(
        &mut self,
        opened: NaiveDate,
        quantity: Decimal,
        cost: Option<Decimal>,
    ) -> Option<()> {
        let total = self.quantity.checked_add(quantity)?;
        let lot = Lot {
            opened,
            quantity,
            cost,
            seq: self.next_seq,
        };
        match &mut self.store {
            Store::Fifo(q) => q.push_back(lot),
            Store::Lifo(s) => s.push(lot),
            Store::Hifo(h) => h.push(ByCost::new(lot)),
            Store::Pool(None) => self.store = Store::Pool(Some(lot)),
            Store::Pool(Some(pool)) => {
                pool.quantity = total;
                pool.cost = match (pool.cost, cost) {
                    (Some(a), Some(b)) => Some(a.checked_add(b)?),
                    _ => None,
                };
            }
        }
        self.quantity = total;
        self.next_seq += 1;
        Some(())
    }

    /// Closes `quantity` shares, lot by lot in the method's order, and returns the parts
    /// closed; or, when fewer are held, changes nothing and says how many are.
    #[cfg(test)]
    pub fn close(&mut self, quantity: Decimal) -> Result<Vec<Lot>, Shortfall> {
        let mut closed = Vec::new();
        self.close_into(quantity, &mut closed)?;
        Ok(closed)
    }

    /// [`LotBook::close`], adding the parts closed to `closed`.
    pub fn close_into(
        &mut self,
        quantity: Decimal,
        closed: &mut Vec<Lot>,
    ) -> Result<(), Shortfall> {
        if quantity > self.quantity {
            return Err(Shortfall {
                held: self.quantity,
            });
        }
        let mut left = quantity;
        while left > Decimal::ZERO {
            let Some(part) = self.take_next(left) else {
                break;
            };
            left -= part.quantity;
            closed.push(part);
        }
        self.quantity -= quantity;
        Ok(())
    }

    /// Takes up to `wanted` shares from the lot the method closes next.
    fn take_next(&mut self, wanted: Decimal) -> Option<Lot> {
        match &mut self.store {
            Store::Fifo(q) => {
                let front = q.front_mut()?;
                if front.quantity <= wanted {
                    q.pop_front()
                } else {
                    Some(front.take(wanted))
                }
            }
            Store::Lifo(s) => {
                let back = s.last_mut()?;
                if back.quantity <= wanted {
                    s.pop()
                } else {
                    Some(back.take(wanted))
                }
            }
            Store::Hifo(h) => {
                let mut top = h.peek_mut()?;
                if top.lot.quantity <= wanted {
                    Some(PeekMut::pop(top).lot)
                } else {
                    // Taking part keeps the cost per unit, so the heap order holds.
                    Some(top.lot.take(wanted))
                }
            }
            Store::Pool(slot) => {
                let pool = slot.as_mut()?;
                if pool.quantity <= wanted {
                    slot.take()
                } else {
                    Some(pool.take(wanted))
                }
            }
        }
    }

    /// Every lot's quantity times `new / old`, its cost unchanged. Quantities keep the places
    /// the stores keep, so a user can sell exactly what is held. `None` on overflow.
    pub fn split(&mut self, new: Decimal, old: Decimal) -> Option<()> {
        let scale = |lot: &mut Lot| -> Option<()> {
            lot.quantity = lot.quantity.checked_mul(new)?.checked_div(old)?;
            lot.quantity = to_kept_places(lot.quantity);
            Some(())
        };
        match &mut self.store {
            Store::Fifo(q) => q.iter_mut().try_for_each(scale)?,
            Store::Lifo(s) => s.iter_mut().try_for_each(scale)?,
            Store::Hifo(h) => {
                let mut lots: Vec<Lot> = std::mem::take(h).into_iter().map(|b| b.lot).collect();
                lots.iter_mut().try_for_each(scale)?;
                *h = lots.into_iter().map(ByCost::new).collect();
            }
            Store::Pool(slot) => slot.iter_mut().try_for_each(scale)?,
        }
        self.drop_empty_lots();
        self.quantity = self.lots().map(|l| l.quantity).sum();
        Some(())
    }

    /// A reverse split can round a tiny lot to no shares at all.
    fn drop_empty_lots(&mut self) {
        let keep = |l: &Lot| l.quantity > Decimal::ZERO;
        match &mut self.store {
            Store::Fifo(q) => q.retain(keep),
            Store::Lifo(s) => s.retain(keep),
            Store::Hifo(h) => h.retain(|b| keep(&b.lot)),
            Store::Pool(slot) => {
                if slot.as_ref().is_some_and(|l| !keep(l)) {
                    *slot = None;
                }
            }
        }
    }

    /// Replaces every lot by one of `quantity` shares at `cost`, as a position statement does.
    pub fn replace(&mut self, opened: NaiveDate, quantity: Decimal, cost: Option<Decimal>) {
        match &mut self.store {
            Store::Fifo(q) => q.clear(),
            Store::Lifo(s) => s.clear(),
            Store::Hifo(h) => h.clear(),
            Store::Pool(slot) => *slot = None,
        }
        self.quantity = Decimal::ZERO;
        if quantity > Decimal::ZERO {
            // Cannot overflow: the book is empty.
            let _ = self.open(opened, quantity, cost);
        }
    }

    /// The open lots in no particular order.
    pub fn lots(&self) -> Box<dyn Iterator<Item = &Lot> + '_> {
        match &self.store {
            Store::Fifo(q) => Box::new(q.iter()),
            Store::Lifo(s) => Box::new(s.iter()),
            Store::Hifo(h) => Box::new(h.iter().map(|b| &b.lot)),
            Store::Pool(slot) => Box::new(slot.iter()),
        }
    }

    /// The open lots, oldest first.
    pub fn lots_in_order(&self) -> Vec<&Lot> {
        let mut lots: Vec<&Lot> = self.lots().collect();
        lots.sort_by_key(|l| (l.opened, l.seq));
        lots
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, n).unwrap()
    }

    /// 10 @ 10 on the 1st, 10 @ 30 on the 2nd, 10 @ 20 on the 3rd.
    fn three_lots(method: CostBasisMethod) -> LotBook {
        let mut b = LotBook::new(method);
        b.open(day(1), d("10"), Some(d("100"))).unwrap();
        b.open(day(2), d("10"), Some(d("300"))).unwrap();
        b.open(day(3), d("10"), Some(d("200"))).unwrap();
        b
    }

    fn summary(parts: &[Lot]) -> Vec<(NaiveDate, Decimal, Option<Decimal>)> {
        parts
            .iter()
            .map(|l| (l.opened, l.quantity, l.cost))
            .collect()
    }

    #[test]
    fn each_method_closes_in_its_order() {
        // Closing 15 shares:
        // fifo: all of the 1st (10, cost 100), 5 of the 2nd (5 x 30 = 150).
        // lifo: all of the 3rd (10, cost 200), 5 of the 2nd (150).
        // hifo: all of the 2nd (10 @ 30, cost 300), 5 of the 3rd (5 x 20 = 100).
        // average: 15 of the pool of 30 costing 600: 600 x 15 / 30 = 300.
        let cases = [
            (
                CostBasisMethod::Fifo,
                vec![
                    (day(1), d("10"), Some(d("100"))),
                    (day(2), d("5"), Some(d("150"))),
                ],
            ),
            (
                CostBasisMethod::Lifo,
                vec![
                    (day(3), d("10"), Some(d("200"))),
                    (day(2), d("5"), Some(d("150"))),
                ],
            ),
            (
                CostBasisMethod::Hifo,
                vec![
                    (day(2), d("10"), Some(d("300"))),
                    (day(3), d("5"), Some(d("100"))),
                ],
            ),
            (
                CostBasisMethod::Average,
                vec![(day(1), d("15"), Some(d("300")))],
            ),
        ];
        for (method, expected) in cases {
            let mut b = three_lots(method);
            let parts = b.close(d("15")).unwrap();
            assert_eq!(summary(&parts), expected, "{method}");
            assert_eq!(b.quantity(), d("15"), "{method}");
            let left: Decimal = b.lots().filter_map(|l| l.cost).sum();
            // 600 in all, less what was closed: 350, 250, 200, 300.
            let want = match method {
                CostBasisMethod::Fifo => d("350"),
                CostBasisMethod::Lifo => d("250"),
                CostBasisMethod::Hifo => d("200"),
                CostBasisMethod::Average => d("300"),
            };
            assert_eq!(left, want, "{method}");
        }
    }

    #[test]
    fn a_shortfall_changes_nothing() {
        let mut b = three_lots(CostBasisMethod::Fifo);
        assert_eq!(b.close(d("30.5")), Err(Shortfall { held: d("30") }));
        assert_eq!(b.quantity(), d("30"));
        assert_eq!(b.lots().count(), 3);
        assert_eq!(b.close(d("30")).unwrap().len(), 3);
        assert_eq!(b.quantity(), Decimal::ZERO);
        assert_eq!(b.lots().count(), 0);
    }

    #[test]
    fn hifo_puts_unknown_costs_last_and_ties_oldest_first() {
        let mut b = LotBook::new(CostBasisMethod::Hifo);
        b.open(day(1), d("1"), None).unwrap();
        b.open(day(2), d("1"), Some(d("5"))).unwrap();
        b.open(day(3), d("1"), Some(d("5"))).unwrap();
        b.open(day(4), d("1"), Some(d("7"))).unwrap();
        let order: Vec<NaiveDate> = b.close(d("4")).unwrap().iter().map(|l| l.opened).collect();
        assert_eq!(order, vec![day(4), day(2), day(3), day(1)]);
    }

    #[test]
    fn splits_scale_quantities_and_keep_costs() {
        // 1:3 reverse split of 10 shares: 10 x 1 / 3 = 3.3333333333 (10 places).
        let mut b = LotBook::new(CostBasisMethod::Fifo);
        b.open(day(1), d("10"), Some(d("90"))).unwrap();
        b.split(d("1"), d("3")).unwrap();
        assert_eq!(b.quantity(), d("3.3333333333"));
        assert_eq!(b.lots().next().unwrap().cost, Some(d("90")));
        // Then 3:2: 3.3333333333 x 3 / 2 = 4.99999999995 -> 5.0000000000 (10 places).
        b.split(d("3"), d("2")).unwrap();
        assert_eq!(b.quantity(), d("5"));
    }

    #[test]
    fn a_statement_replaces_every_lot() {
        let mut b = three_lots(CostBasisMethod::Hifo);
        b.replace(day(9), d("4"), Some(d("48")));
        let lots = b.lots_in_order();
        assert_eq!(lots.len(), 1);
        assert_eq!((lots[0].opened, lots[0].quantity), (day(9), d("4")));
        assert_eq!(lots[0].cost_per_unit(), Some(d("12")));
        assert_eq!(b.quantity(), d("4"));
    }
}
