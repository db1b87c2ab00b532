//! Which security a transaction names. A transaction gives only a SECID (an identifier and
//! its kind); the statement's security list (SECLIST) gives the ticker and name for it.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::tree::Element;
use crate::import::values::{is_cusip, is_isin};
use crate::import::SecurityKey;

/// What the security list says of one security.
#[derive(Debug, Clone, Default)]
struct Info {
    ticker: Option<String>,
    name: Option<String>,
    /// Shares per option contract (OPTINFO SHPERCTRCT).
    shares_per_contract: Option<Decimal>,
}

/// The security list of a document, by (UNIQUEIDTYPE, UNIQUEID) and by UNIQUEID alone.
#[derive(Debug, Default)]
pub(super) struct Securities {
    by_typed_id: HashMap<(String, String), Info>,
    by_id: HashMap<String, Info>,
}

/// How a price is quoted, which decides the cost of one unit of `UNITS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Quote {
    /// Per share or fund unit, as for stocks and funds.
    PerUnit,
    /// Per share of an option whose units are contracts: one contract costs the price times
    /// the shares per contract.
    PerShareOfContract(Decimal),
    /// In percent of par for a bond whose units are face value.
    PercentOfPar,
}

impl Quote {
    /// The cost of one unit at `price` as written.
    pub fn unit_cost(self, price: Decimal) -> Decimal {
        match self {
            Self::PerUnit => price,
            Self::PerShareOfContract(shares) => price * shares,
            Self::PercentOfPar => price / Decimal::ONE_HUNDRED,
        }
    }
}

impl Securities {
    pub fn from_document(root: &Element) -> Self {
        let mut lists = Vec::new();
        root.find_all("SECLIST", &mut lists);
        let mut securities = Self::default();
        for list in lists {
            for entry in &list.children {
                let Some(secinfo) = entry.child("SECINFO") else {
                    continue;
                };
                let Some((kind, id)) = secinfo.child("SECID").and_then(secid) else {
                    continue;
                };
                let info = Info {
                    ticker: secinfo.text_of("TICKER").map(str::to_string),
                    name: secinfo.text_of("SECNAME").map(str::to_string),
                    shares_per_contract: (entry.name == "OPTINFO")
                        .then(|| entry.child("SHPERCTRCT"))
                        .flatten()
                        .and_then(|e| e.text.parse().ok())
                        .filter(|n: &Decimal| *n > Decimal::ZERO),
                };
                securities.by_id.entry(id.clone()).or_insert(info.clone());
                securities.by_typed_id.insert((kind, id), info);
            }
        }
        securities
    }

    fn info(&self, kind: &str, id: &str) -> Option<&Info> {
        self.by_typed_id
            .get(&(kind.to_string(), id.to_string()))
            .or_else(|| self.by_id.get(id))
    }

    /// The security of the SECID `element`, with what the list says of it. An identifier is
    /// used as an ISIN or CUSIP only when its check digit holds, whatever kind the file
    /// gives it: some brokers send a ticker (or a made-up code) as a "CUSIP".
    pub fn key(&self, element: &Element) -> Option<SecurityKey> {
        let (kind, id) = secid(element)?;
        let info = self.info(&kind, &id).cloned().unwrap_or_default();
        let mut key = SecurityKey {
            symbol: info.ticker,
            name: info.name,
            ..SecurityKey::default()
        };
        if is_isin(&id) {
            key.isin = Some(id);
        } else if is_cusip(&id) {
            key.cusip = Some(id);
        } else if key.symbol.is_none() && (kind == "TICKER" || looks_like_ticker(&id)) {
            key.symbol = Some(id);
        } else if key.symbol.is_none() {
            // Nothing better names it: keep the identifier where its kind says, so that a
            // message about the row can name it.
            match kind.as_str() {
                "ISIN" => key.isin = Some(id),
                "CUSIP" => key.cusip = Some(id),
                _ => key.symbol = Some(id),
            }
        }
        Some(key)
    }

    /// How prices of the SECID `element` are quoted, from the kind of transaction.
    pub fn quote(&self, element: Option<&Element>, transaction: &str) -> Quote {
        if transaction.ends_with("OPT") {
            let shares = element
                .and_then(secid)
                .and_then(|(kind, id)| self.info(&kind, &id).cloned())
                .and_then(|info| info.shares_per_contract)
                // The standard contract, which the OFX specification takes when none is given.
                .unwrap_or(Decimal::ONE_HUNDRED);
            Quote::PerShareOfContract(shares)
        } else if transaction.ends_with("DEBT") {
            Quote::PercentOfPar
        } else {
            Quote::PerUnit
        }
    }
}

/// (UNIQUEIDTYPE in capitals, UNIQUEID) of a SECID aggregate.
fn secid(element: &Element) -> Option<(String, String)> {
    let id = element.text_of("UNIQUEID")?.to_string();
    let kind = element
        .text_of("UNIQUEIDTYPE")
        .unwrap_or("")
        .to_ascii_uppercase();
    Some((kind, id))
}

/// A short code of letters, digits and the marks exchanges use in tickers (`BRK.B`, `RDS-A`).
fn looks_like_ticker(id: &str) -> bool {
    (1..=8).contains(&id.len())
        && id.bytes().any(|b| b.is_ascii_alphabetic())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'^' | b'='))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::ofx::{sgml, tree};

    fn doc(body: &str) -> Element {
        tree::parse(&sgml::to_xml(&format!("<OFX>{body}</OFX>")).unwrap()).unwrap()
    }

    fn secid_el(id: &str, kind: &str) -> Element {
        doc(&format!(
            "<SECID><UNIQUEID>{id}<UNIQUEIDTYPE>{kind}</SECID>"
        ))
        .child("SECID")
        .unwrap()
        .clone()
    }

    #[test]
    fn ofx_identifiers_are_used_only_when_their_check_digit_holds() {
        let list = doc(
            "<SECLIST><STOCKINFO><SECINFO><SECID><UNIQUEID>123456789<UNIQUEIDTYPE>CUSIP</SECID>\
             <SECNAME>Acme Development, Inc.<TICKER>ACME</SECINFO></STOCKINFO></SECLIST>",
        );
        let securities = Securities::from_document(&list);
        let acme = securities.key(&secid_el("123456789", "CUSIP")).unwrap();
        assert_eq!(acme.symbol.as_deref(), Some("ACME"));
        assert_eq!(acme.cusip, None);
        assert_eq!(acme.name.as_deref(), Some("Acme Development, Inc."));

        let apple = securities.key(&secid_el("037833100", "CUSIP")).unwrap();
        assert_eq!(apple.cusip.as_deref(), Some("037833100"));
        assert_eq!(apple.symbol, None);

        let ticker_as_cusip = securities.key(&secid_el("VTI", "CUSIP")).unwrap();
        assert_eq!(ticker_as_cusip.symbol.as_deref(), Some("VTI"));
        assert_eq!(ticker_as_cusip.cusip, None);

        let isin = securities.key(&secid_el("US0378331005", "OTHER")).unwrap();
        assert_eq!(isin.isin.as_deref(), Some("US0378331005"));

        let unknown = securities.key(&secid_el("A975253F9", "CUSIP")).unwrap();
        assert_eq!(unknown.cusip.as_deref(), Some("A975253F9"));
        assert_eq!(unknown.symbol, None);
    }

    #[test]
    fn ofx_option_and_bond_prices_are_per_unit_of_the_quantity() {
        let list = doc(
            "<SECLIST><OPTINFO><SECINFO><SECID><UNIQUEID>X<UNIQUEIDTYPE>CUSIP</SECID>\
             <SECNAME>Put</SECINFO><SHPERCTRCT>10</OPTINFO></SECLIST>",
        );
        let securities = Securities::from_document(&list);
        let x = secid_el("X", "CUSIP");
        let two = Decimal::TWO;
        assert_eq!(
            securities.quote(Some(&x), "BUYOPT").unit_cost(two),
            Decimal::from(20)
        );
        let y = secid_el("Y", "CUSIP");
        assert_eq!(
            securities.quote(Some(&y), "SELLOPT").unit_cost(two),
            Decimal::from(200)
        );
        assert_eq!(
            securities
                .quote(Some(&y), "BUYDEBT")
                .unit_cost(Decimal::from(98)),
            "0.98".parse().unwrap()
        );
        assert_eq!(securities.quote(Some(&y), "BUYSTOCK"), Quote::PerUnit);
    }
}
