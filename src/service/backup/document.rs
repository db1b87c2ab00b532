//! The backup document: `{"format": "finances-backup", "version": 1, ...}` with the user and
//! then each table's rows, one row a line, sorted by a key of the table, with no time of its
//! own. The same rows make the same bytes whichever store they were read from, so two exports
//! can be compared with `cmp` and diffed line by line.

use std::collections::HashSet;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::records::{
    AccountRecord, AccountValueRecord, ActivityRecord, CurrencyRecord, DismissalRecord,
    HoldingRecord, InstitutionRecord, PriceRecord, RateRecord, SecurityEventRecord, SecurityRecord,
    UserRecord,
};
use super::BackupError;
use crate::domain::User;
use crate::store::UserRows;

/// What the `format` field of every backup says.
pub const FORMAT: &str = "finances-backup";
/// The version of the format this build writes and reads.
pub const VERSION: u64 = 1;

/// A user's rows in the order a backup lists them.
#[derive(Debug, Clone, PartialEq)]
pub struct Backup {
    rows: UserRows,
}

/// How many rows of each kind a backup holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BackupCounts {
    pub institutions: usize,
    pub accounts: usize,
    pub account_values: usize,
    pub holdings: usize,
    pub activities: usize,
    pub proposal_dismissals: usize,
    pub securities: usize,
    pub prices: usize,
    pub security_events: usize,
    pub exchange_rates: usize,
}

impl std::fmt::Display for BackupCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} institutions, {} accounts, {} account values, {} holdings, {} activities, \
             {} dismissed proposals; {} securities with {} daily prices and {} splits and \
             dividends, {} exchange rates",
            self.institutions,
            self.accounts,
            self.account_values,
            self.holdings,
            self.activities,
            self.proposal_dismissals,
            self.securities,
            self.prices,
            self.security_events,
            self.exchange_rates
        )
    }
}

impl Backup {
    /// The rows, sorted: each table by a key unique within it, so that the order depends on
    /// the rows alone and not on the store they were read from.
    pub fn from_rows(mut rows: UserRows) -> Self {
        rows.currencies.sort_by(|a, b| a.code.cmp(&b.code));
        rows.exchange_rates
            .sort_by(|a, b| (&a.from, &a.to, a.date).cmp(&(&b.from, &b.to, b.date)));
        rows.securities
            .sort_by(|a, b| (&a.symbol, a.id).cmp(&(&b.symbol, b.id)));
        rows.prices.sort_by(|a, b| {
            (a.security_id, a.interval, a.timestamp).cmp(&(b.security_id, b.interval, b.timestamp))
        });
        rows.security_events.sort_by(|a, b| {
            (a.security_id, a.date, a.kind()).cmp(&(b.security_id, b.date, b.kind()))
        });
        rows.institutions.sort_by_key(|i| i.id);
        rows.accounts.sort_by_key(|a| a.id);
        rows.account_values
            .sort_by_key(|v| (v.account_id, v.timestamp, v.id));
        rows.holdings
            .sort_by_key(|h| (h.account_id, h.security_id, h.timestamp, h.id));
        // As a ledger is replayed: by account, date, creation.
        rows.activities
            .sort_by_key(|a| (a.account_id, a.date, a.created_at, a.id));
        rows.proposal_dismissals
            .sort_by_key(|d| (d.account_id, d.proposal_id));
        Self { rows }
    }

    pub fn user(&self) -> &User {
        &self.rows.user
    }

    pub fn rows(&self) -> &UserRows {
        &self.rows
    }

    pub fn counts(&self) -> BackupCounts {
        let r = &self.rows;
        BackupCounts {
            institutions: r.institutions.len(),
            accounts: r.accounts.len(),
            account_values: r.account_values.len(),
            holdings: r.holdings.len(),
            activities: r.activities.len(),
            proposal_dismissals: r.proposal_dismissals.len(),
            securities: r.securities.len(),
            prices: r.prices.len(),
            security_events: r.security_events.len(),
            exchange_rates: r.exchange_rates.len(),
        }
    }

    /// The document's bytes.
    pub fn to_json(&self) -> Vec<u8> {
        // A ledger's row takes about 400 bytes.
        let mut out = Vec::with_capacity(256 * (self.counts().activities + self.rows.prices.len()));
        self.write_json(&mut out)
            .expect("writing to memory cannot fail");
        out
    }

    /// Writes the document: the header and the user on lines of their own, then each table
    /// as a JSON array with one row a line.
    pub fn write_json(&self, out: &mut impl Write) -> io::Result<()> {
        let r = &self.rows;
        write!(
            out,
            "{{\"format\":\"{FORMAT}\",\"version\":{VERSION},\n\"user\":"
        )?;
        serde_json::to_writer(&mut *out, &UserRecord::from(&r.user))?;
        table(out, "currencies", &r.currencies, CurrencyRecord::from)?;
        table(out, "exchange_rates", &r.exchange_rates, RateRecord::from)?;
        table(out, "securities", &r.securities, SecurityRecord::from)?;
        table(out, "prices", &r.prices, PriceRecord::from)?;
        table(
            out,
            "security_events",
            &r.security_events,
            SecurityEventRecord::from,
        )?;
        table(
            out,
            "institutions",
            &r.institutions,
            InstitutionRecord::from,
        )?;
        table(out, "accounts", &r.accounts, AccountRecord::from)?;
        table(
            out,
            "account_values",
            &r.account_values,
            AccountValueRecord::from,
        )?;
        table(out, "holdings", &r.holdings, HoldingRecord::from)?;
        table(out, "activities", &r.activities, ActivityRecord::from)?;
        table(
            out,
            "proposal_dismissals",
            &r.proposal_dismissals,
            DismissalRecord::from,
        )?;
        out.write_all(b"}\n")
    }

    /// Reads a document: its format and version first, so that another file or a newer
    /// format is named as such rather than as a malformed backup; then every row, checked as
    /// its table's columns would be; then whether the rows hold together as one user's data.
    pub fn from_json(bytes: &[u8]) -> Result<Self, BackupError> {
        let header: Header =
            serde_json::from_slice(bytes).map_err(|e| BackupError::NotABackup(e.to_string()))?;
        match header.format.as_deref() {
            Some(FORMAT) => {}
            Some(other) => {
                return Err(BackupError::NotABackup(format!(
                    "its format is '{other}', not '{FORMAT}'"
                )))
            }
            None => {
                return Err(BackupError::NotABackup(
                    "it has no \"format\" field".to_string(),
                ))
            }
        }
        match header.version {
            Some(serde_json::Value::Number(n)) if n.as_u64() == Some(VERSION) => {}
            Some(other) => return Err(BackupError::UnsupportedVersion(other.to_string())),
            None => return Err(BackupError::UnsupportedVersion("none".to_string())),
        }
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let doc: Document =
            serde_path_to_error::deserialize(&mut de).map_err(|e| BackupError::Malformed {
                path: e.path().to_string(),
                source: e.into_inner(),
            })?;
        let rows = doc.into_rows()?;
        check(&rows)?;
        Ok(Self::from_rows(rows))
    }
}

/// `,\n"name":[\n{row},\n{row}\n]`, each row written as its record.
fn table<'a, T: 'a, R: Serialize>(
    out: &mut impl Write,
    name: &str,
    rows: &'a [T],
    record: impl Fn(&'a T) -> R,
) -> io::Result<()> {
    write!(out, ",\n\"{name}\":[")?;
    for (i, row) in rows.iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, &record(row))?;
    }
    out.write_all(if rows.is_empty() { b"]" } else { b"\n]" })
}

/// The fields that say what a file is, read before anything else.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    // Checked through `Header` before; named here so that no other field passes unknown.
    #[allow(dead_code)]
    format: serde::de::IgnoredAny,
    #[allow(dead_code)]
    version: serde::de::IgnoredAny,
    user: UserRecord,
    currencies: Vec<CurrencyRecord>,
    exchange_rates: Vec<RateRecord>,
    securities: Vec<SecurityRecord>,
    prices: Vec<PriceRecord>,
    security_events: Vec<SecurityEventRecord>,
    institutions: Vec<InstitutionRecord>,
    accounts: Vec<AccountRecord>,
    account_values: Vec<AccountValueRecord>,
    holdings: Vec<HoldingRecord>,
    activities: Vec<ActivityRecord>,
    proposal_dismissals: Vec<DismissalRecord>,
}

impl Document {
    fn into_rows(self) -> Result<UserRows, BackupError> {
        fn all<R, T: TryFrom<R, Error = String>>(records: Vec<R>) -> Result<Vec<T>, BackupError> {
            records
                .into_iter()
                .map(T::try_from)
                .collect::<Result<_, _>>()
                .map_err(BackupError::Inconsistent)
        }
        fn plain<R, T: From<R>>(records: Vec<R>) -> Vec<T> {
            records.into_iter().map(T::from).collect()
        }
        Ok(UserRows {
            user: self.user.into(),
            currencies: all(self.currencies)?,
            exchange_rates: all(self.exchange_rates)?,
            securities: plain(self.securities),
            prices: plain(self.prices),
            security_events: all(self.security_events)?,
            institutions: plain(self.institutions),
            accounts: plain(self.accounts),
            account_values: plain(self.account_values),
            holdings: plain(self.holdings),
            activities: plain(self.activities),
            proposal_dismissals: plain(self.proposal_dismissals),
        })
    }
}

/// Whether the rows are one user's data and nobody else's: every row owned by the backup's
/// user, through accounts of the backup, and every security and currency it names in it. A
/// restore relies on it: an account naming another user of the target store would otherwise
/// go to that user.
fn check(r: &UserRows) -> Result<(), BackupError> {
    let bad = |what: String| Err(BackupError::Inconsistent(what));
    let user = r.user.id;
    let institutions: HashSet<Uuid> = r.institutions.iter().map(|i| i.id).collect();
    let accounts: HashSet<Uuid> = r.accounts.iter().map(|a| a.id).collect();
    let securities: HashSet<Uuid> = r.securities.iter().map(|s| s.id).collect();
    let currencies: HashSet<&str> = r.currencies.iter().map(|c| c.code.as_str()).collect();
    let has_currency = |code: &str| currencies.contains(code);
    if !has_currency(r.user.base_currency.as_str()) {
        return bad(format!(
            "the user's base currency {} is not among its currencies",
            r.user.base_currency
        ));
    }
    for i in &r.institutions {
        if i.user_id != user {
            return bad(format!("institution {} belongs to another user", i.id));
        }
    }
    for a in &r.accounts {
        if a.user_id != user {
            return bad(format!("account {} belongs to another user", a.id));
        }
        if a.institution_id.is_some_and(|i| !institutions.contains(&i)) {
            return bad(format!("account {} names an institution it lacks", a.id));
        }
        if !has_currency(a.currency.as_str()) {
            return bad(format!(
                "account {} is in {}, which is not among its currencies",
                a.id, a.currency
            ));
        }
    }
    let in_account = |kind: &str, id: String, account: Uuid| {
        if accounts.contains(&account) {
            Ok(())
        } else {
            bad(format!("{kind} {id} names an account it lacks"))
        }
    };
    for v in &r.account_values {
        in_account("account value", v.id.to_string(), v.account_id)?;
    }
    for h in &r.holdings {
        in_account("holding", h.id.to_string(), h.account_id)?;
    }
    for a in &r.activities {
        in_account("activity", a.id.to_string(), a.account_id)?;
    }
    for d in &r.proposal_dismissals {
        in_account("dismissal", d.proposal_id.to_string(), d.account_id)?;
    }
    let of_security = |kind: &str, security: Uuid| {
        if securities.contains(&security) {
            Ok(())
        } else {
            bad(format!("{kind} names security {security}, which it lacks"))
        }
    };
    for h in &r.holdings {
        of_security("a holding", h.security_id)?;
    }
    for a in &r.activities {
        if let Some(s) = a.security_id {
            of_security("an activity", s)?;
        }
    }
    for p in &r.prices {
        of_security("a price", p.security_id)?;
    }
    for e in &r.security_events {
        of_security("a split or dividend", e.security_id)?;
    }
    for x in &r.exchange_rates {
        if !has_currency(x.from.as_str()) || !has_currency(x.to.as_str()) {
            return bad(format!(
                "the exchange rate {} -> {} of {} is between currencies it lacks",
                x.from, x.to, x.date
            ));
        }
    }
    Ok(())
}
