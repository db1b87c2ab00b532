//! OFX and QFX investment statements, SGML (OFX 1.x, `OFXHEADER:100`) or XML (OFX 2.x,
//! `<?OFX OFXHEADER="200"?>`). Both are turned into one XML form (`sgml`), read into a tree
//! (`tree`), and each transaction of every INVSTMTRS becomes activities (`transactions`):
//!
//! | OFX | activity |
//! |---|---|
//! | BUYSTOCK, BUYMF, BUYOPT, BUYDEBT, BUYOTHER | buy; fee = COMMISSION + FEES + LOAD + TAXES |
//! | SELLSTOCK, SELLMF, SELLOPT, SELLDEBT, SELLOTHER | sell; fee adds WITHHOLDING, STATEWITHHOLDING, PENALTY |
//! | INCOME DIV, CGLONG, CGSHORT, MISC | dividend of TOTAL; fee = WITHHOLDING + TAXES |
//! | INCOME INTEREST | interest of TOTAL (and a tax for any withholding) |
//! | REINVEST | dividend (interest for INCOMETYPE INTEREST) of abs(TOTAL), and a buy of UNITS at UNITPRICE |
//! | TRANSFER | transfer_in or transfer_out by TFERACTION; cost from UNITPRICE, else AVGCOSTBASIS / UNITS, else 0 |
//! | INVBANKTRAN | fee (FEE, SRVCHG), interest (INT, DIV), else deposit or withdrawal by the sign of TRNAMT |
//! | INVEXPENSE, MARGININTEREST | fee |
//! | SPLIT | split NUMERATOR:DENOMINATOR |
//! | JRNLSEC, JRNLFUND, RETOFCAP, CLOSUREOPT | passed over, with the reason |
//!
//! Quantities and amounts are taken without their sign (OFX signs them either way); the
//! activity type carries the direction. Option prices are per share, so a contract costs the
//! price times its shares per contract; bond prices are in percent of par. The source id is
//! the FITID (`FITID:buy` for a reinvestment's purchase). Positions, balances, open orders
//! and the security list are not activities and are read only to name securities.

mod fields;
mod securities;
mod sgml;
mod transactions;
mod tree;

use super::{Format, ImportError, Parsed};
use securities::Securities;
use sgml::SgmlError;
use transactions::Context;

/// Whether `text` looks like an OFX file: an OFX 1.x header, an `<?OFX?>` instruction or an
/// `<OFX>` element near its start.
pub fn looks_like(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(4096)
        .collect::<String>()
        .to_ascii_uppercase();
    head.trim_start_matches(|c: char| c == '\u{feff}' || c.is_whitespace())
        .starts_with("OFXHEADER")
        || head.contains("<?OFX")
        || head.contains("<OFX>")
}

/// The activities of every investment statement in the OFX document `text`.
pub fn read(text: &str) -> Result<Parsed, ImportError> {
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let xml = sgml::to_xml(text).map_err(|e| match e {
        SgmlError::NoOfxElement => ImportError::NotThisFormat {
            format: Format::Ofx,
            reason: e.to_string(),
        },
        SgmlError::UnclosedTag { .. } => malformed(e),
    })?;
    let root = tree::parse(&xml).map_err(malformed)?;
    let mut statements = Vec::new();
    root.find_all("INVSTMTRS", &mut statements);
    if statements.is_empty() {
        return Err(ImportError::NotThisFormat {
            format: Format::Ofx,
            reason: "the file holds no investment statement (INVSTMTRS); \
                     bank and card statements are not read"
                .to_string(),
        });
    }
    let securities = Securities::from_document(&root);
    let mut parsed = Parsed::new(Format::Ofx);
    let lines = crate::import::LineIndex::new(&xml);
    for statement in statements {
        let ctx = Context {
            lines: &lines,
            curdef: statement
                .child("CURDEF")
                .map(|c| c.text.as_str())
                .filter(|c| !c.is_empty()),
            securities: &securities,
        };
        let Some(list) = statement.child("INVTRANLIST") else {
            continue;
        };
        for tx in &list.children {
            if !matches!(tx.name.as_str(), "DTSTART" | "DTEND") {
                transactions::read(&ctx, tx, &mut parsed);
            }
        }
    }
    Ok(parsed)
}

fn malformed(e: impl std::error::Error + Send + Sync + 'static) -> ImportError {
    ImportError::Malformed {
        format: Format::Ofx,
        source: Box::new(e),
    }
}

#[cfg(test)]
mod tests;
