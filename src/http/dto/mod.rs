//! Wire types of the API: what requests carry and what responses show. Conversions to and
//! from domain types live beside them; rules stay in the domain and the services.

pub mod accounts;
pub mod activities;
pub mod auth;
pub mod currencies;
pub mod health;
pub mod holdings;
pub mod imports;
pub mod institutions;
pub mod ledger;
pub mod performance;
pub mod portfolio;
pub mod proposals;
pub mod securities;
pub mod users;
pub mod values;
pub mod wire;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serializer};

/// Money on output: as stored, with at least two decimal places (`"1000.50"`).
pub fn money(d: Decimal) -> Decimal {
    let n = d.normalize();
    if n.scale() < 2 {
        let mut m = n;
        m.rescale(2);
        m
    } else {
        n
    }
}

/// A quantity on output: six decimal places (`"10.500000"`).
pub fn quantity(d: Decimal) -> Decimal {
    let mut q = d.round_dp(6);
    q.rescale(6);
    q
}

/// A rate or percentage on output: no trailing zeros beyond two places.
pub fn rate(d: Decimal) -> Decimal {
    money(d)
}

/// Serializes a decimal as a JSON number (prices, which clients chart).
pub fn as_number<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    use serde::Serialize;
    let n: serde_json::Number = d
        .normalize()
        .to_string()
        .parse()
        .map_err(serde::ser::Error::custom)?;
    n.serialize(s)
}

pub fn opt_as_number<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => as_number(d, s),
        None => s.serialize_none(),
    }
}

/// For `Option<Option<T>>` fields: absent is `None`, `null` is `Some(None)`.
pub fn double_option<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
