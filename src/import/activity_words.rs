//! The words exports use for each type of activity, in English, French, German and Spanish,
//! as brokers' and trackers' CSVs write them.

use crate::domain::ledger::ActivityType;

/// What a type cell says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeWord {
    Is(ActivityType),
    /// A movement whose direction is its sign: in when positive, out when negative.
    BySign {
        incoming: ActivityType,
        outgoing: ActivityType,
    },
    /// A row deliberately not imported, and why.
    Ignore(&'static str),
}

/// The type a cell names, compared without case, spaces or punctuation.
pub fn type_word(cell: &str) -> Option<TypeWord> {
    use ActivityType as T;
    use TypeWord::*;
    let key: String = cell
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let word = match key.as_str() {
        "buy" | "bought" | "purchase" | "achat" | "kauf" | "compra" | "reinvestshares"
        | "buytoopen" | "buytoclose" | "savingsplan" | "sparplan" | "b" => Is(T::Buy),
        "sell" | "sold" | "sale" | "vente" | "verkauf" | "venta" | "selltoclose" | "selltoopen"
        | "s" => Is(T::Sell),
        "dividend"
        | "dividends"
        | "div"
        | "dividende"
        | "dividendo"
        | "cashdividend"
        | "qualifieddividend"
        | "qualifieddiv"
        | "nonqualifieddiv"
        | "nonqualifieddividend"
        | "reinvestdividend"
        | "ausschüttung"
        | "ausschuttung"
        | "distribution"
        | "longtermcapgain"
        | "shorttermcapgain"
        | "capitalgain"
        | "paymentinlieu"
        | "specialdividend" => Is(T::Dividend),
        "interest" | "interet" | "intérêt" | "interets" | "intérêts" | "zinsen" | "interés"
        | "creditinterest" | "bankinterest" | "bondinterest" | "interestpayment" => Is(T::Interest),
        "fee" | "fees" | "frais" | "gebühr" | "gebuhr" | "servicefee" | "commission"
        | "managementfee" | "adrmgmtfee" | "comisión" | "comision" => Is(T::Fee),
        "tax" | "taxes" | "withholding" | "withholdingtax" | "nrawithholding"
        | "foreigntaxpaid" | "steuer" | "steuern" | "impôt" | "impot" => Is(T::Tax),
        "deposit" | "versement" | "einzahlung" | "wirereceived" | "wirefundsreceived"
        | "contribution" | "credit" | "dépôt" | "depot" | "ingreso" => Is(T::Deposit),
        "withdrawal" | "withdraw" | "prelevement" | "prélèvement" | "retrait" | "auszahlung"
        | "wiresent" | "wirefunds" | "retiro" => Is(T::Withdrawal),
        "transferin" | "deliveryin" | "einbuchung" => Is(T::TransferIn),
        "transferout" | "deliveryout" | "ausbuchung" => Is(T::TransferOut),
        "split" | "stocksplit" | "aktiensplit" => Is(T::Split),
        "transfer" | "journal" | "moneylinktransfer" | "banktransfer" | "wire"
        | "securitytransfer" | "journaledshares" | "cashtransfer" | "virement" => BySign {
            incoming: T::Deposit,
            outgoing: T::Withdrawal,
        },
        _ => return None,
    };
    Some(word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ActivityType as T;

    #[test]
    fn brokers_words() {
        assert_eq!(type_word("Reinvest Shares"), Some(TypeWord::Is(T::Buy)));
        assert_eq!(type_word("NRA Withholding"), Some(TypeWord::Is(T::Tax)));
        assert_eq!(type_word("Prélèvement"), Some(TypeWord::Is(T::Withdrawal)));
        assert_eq!(type_word("TRANSFER_IN"), Some(TypeWord::Is(T::TransferIn)));
        assert!(matches!(
            type_word("Journal"),
            Some(TypeWord::BySign { .. })
        ));
        assert_eq!(type_word("Coffee"), None);
    }
}
