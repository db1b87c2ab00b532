//! The `:` command line: a few words for what would take several keys. Parsed here, and run
//! here on the screens they are about.

use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::{self, NewHolding, Symbol};
use crate::service::portfolio::SecurityRef;

use super::action::{Command, Submission};
use super::app::{App, Column, Mode, Range, Screen};
use super::form::parse_decimal;
use super::screens::{holdings, search, security};

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cmd {
    Quit,
    Help,
    /// Holdings of the account whose name contains this (every account when `None`).
    Account(Option<String>),
    /// `:add AAPL 10 @ 150`: a holding in the account in view. Without a price, or with no
    /// one account in view, the form opens to ask for what is missing.
    Add {
        symbol: Symbol,
        shares: Decimal,
        price: Option<Decimal>,
    },
    Open(Symbol),
    Search(String),
    Sync(Option<Symbol>),
    Range(Range),
    Sort(Column, Option<bool>),
    Filter(String),
    Privacy,
}

/// What `:help` lists.
pub const COMMANDS: &[(&str, &str)] = &[
    (":q", "quit"),
    (
        ":acct NAME",
        "holdings of the account named NAME (:acct alone: all)",
    ),
    (
        ":add SYM N @ PRICE",
        "add N shares of SYM at PRICE to the account in view (else asks)",
    ),
    (":open SYM", "chart of SYM"),
    (":search TEXT", "search securities"),
    (":sync [SYM]", "sync SYM, or everything"),
    (":range 1D|5D|1M|3M|6M|YTD|1Y|5Y|MAX", "chart range"),
    (
        ":sort COLUMN [asc|desc]",
        "sort holdings (symbol, value, gain%, day, weight...)",
    ),
    (":filter TEXT", "filter holdings"),
    (":privacy", "mask or show amounts"),
];

pub fn parse(line: &str) -> Result<Cmd, String> {
    let line = line.trim().trim_start_matches(':').trim();
    let (word, rest) = match line.split_once(char::is_whitespace) {
        Some((w, r)) => (w, r.trim()),
        None => (line, ""),
    };
    let symbol = |raw: &str| Symbol::parse(raw).map_err(|e| e.message);
    match word.to_ascii_lowercase().as_str() {
        "q" | "q!" | "quit" | "exit" => Ok(Cmd::Quit),
        "h" | "help" => Ok(Cmd::Help),
        "acct" | "account" | "a" => Ok(Cmd::Account(
            (!rest.is_empty() && !rest.eq_ignore_ascii_case("all")).then(|| rest.to_string()),
        )),
        "add" => parse_add(rest),
        "open" | "sec" | "chart" | "o" => {
            if rest.is_empty() {
                Err("usage: :open SYMBOL".into())
            } else {
                symbol(rest).map(Cmd::Open)
            }
        }
        "search" | "find" | "s" => {
            if rest.is_empty() {
                Err("usage: :search TEXT".into())
            } else {
                Ok(Cmd::Search(rest.to_string()))
            }
        }
        "sync" => {
            if rest.is_empty() {
                Ok(Cmd::Sync(None))
            } else {
                symbol(rest).map(|s| Cmd::Sync(Some(s)))
            }
        }
        "range" | "r" => Range::parse(rest)
            .map(Cmd::Range)
            .ok_or_else(|| format!("'{rest}' is not one of 1D 5D 1M 3M 6M YTD 1Y 5Y MAX")),
        "sort" => {
            let mut parts = rest.split_whitespace();
            let col = parts.next().unwrap_or("");
            let column = Column::parse(col).ok_or_else(|| format!("no column '{col}'"))?;
            let dir = match parts.next().map(|d| d.to_ascii_lowercase()) {
                None => None,
                Some(d) if d == "asc" => Some(false),
                Some(d) if d == "desc" => Some(true),
                Some(d) => return Err(format!("'{d}' is neither asc nor desc")),
            };
            Ok(Cmd::Sort(column, dir))
        }
        "filter" | "f" => Ok(Cmd::Filter(rest.to_string())),
        "privacy" | "priv" => Ok(Cmd::Privacy),
        "" => Err("type a command, e.g. :help".into()),
        other => Err(format!("unknown command '{other}' (:help lists them)")),
    }
}

fn parse_add(rest: &str) -> Result<Cmd, String> {
    const USAGE: &str = "usage: :add SYMBOL SHARES @ PRICE";
    let spaced = rest.replace('@', " @ ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let (symbol, shares, price) = match words.as_slice() {
        [s, n] => (*s, *n, None),
        [s, n, "@", p] => (*s, *n, Some(*p)),
        [s, n, p] => (*s, *n, Some(*p)),
        _ => return Err(USAGE.into()),
    };
    let symbol = Symbol::parse(symbol).map_err(|e| e.message)?;
    let shares =
        parse_decimal(shares).ok_or_else(|| format!("'{shares}' is not a number of shares"))?;
    let price = match price {
        Some(p) => Some(parse_decimal(p).ok_or_else(|| format!("'{p}' is not a price"))?),
        None => None,
    };
    Ok(Cmd::Add {
        symbol,
        shares,
        price,
    })
}

/// Runs a command line as typed; what is wrong with it goes to the status line.
pub fn run(app: &mut App, line: &str) -> Vec<Command> {
    let cmd = match parse(line) {
        Ok(c) => c,
        Err(e) => {
            app.error(e);
            return Vec::new();
        }
    };
    match cmd {
        Cmd::Quit => app.should_quit = true,
        Cmd::Help => app.mode = Mode::Help { scroll: 0 },
        Cmd::Account(None) => {
            app.holdings.account = None;
            app.rebuild_holdings();
            app.screen = Screen::Holdings;
        }
        Cmd::Account(Some(name)) => match find_account(app, &name) {
            Ok(id) => {
                app.holdings.account = Some(id);
                app.holdings.selected = 0;
                app.rebuild_holdings();
                app.screen = Screen::Holdings;
                if let Some(i) = app
                    .accounts
                    .lines
                    .iter()
                    .position(|l| app.account_summary(*l).is_some_and(|s| s.account.id == id))
                {
                    app.accounts.selected = i;
                }
            }
            Err(why) => app.error(why),
        },
        Cmd::Add {
            symbol,
            shares,
            price,
        } => match (price, app.account_in_view()) {
            (Some(price), Some(account)) => {
                let what = format!(
                    "holding {symbol} in {}",
                    app.account_name(account).unwrap_or("the account")
                );
                let holding = match NewHolding::new(Uuid::nil(), shares, price, domain::now()) {
                    Ok(h) => h,
                    Err(e) => {
                        app.error(format!("{}: {}", e.field, e.message));
                        return Vec::new();
                    }
                };
                app.info(format!("Adding {what}..."));
                return vec![Command::Submit {
                    what,
                    submission: Submission::CreateHolding {
                        account,
                        security: SecurityRef::Symbol(symbol),
                        holding,
                    },
                }];
            }
            // No price, or no one account in view: the form asks for what is missing.
            (price, _) => {
                let price = price.map(|p| p.to_string()).unwrap_or_default();
                holdings::add_holding_form(app, symbol.as_str(), &shares.to_string(), &price);
                // The cursor on the first thing to fill in: the account, else the price.
                if let Some(f) = &mut app.form {
                    if let Some(i) = f.fields.iter().position(|f| f.value.trim().is_empty()) {
                        f.focus = i;
                    }
                }
            }
        },
        Cmd::Open(symbol) => return security::open(app, symbol),
        Cmd::Search(q) => {
            app.screen = Screen::Search;
            app.mode = Mode::Normal;
            app.search.query = q;
            app.search.selected = 0;
            return search::run(app);
        }
        Cmd::Sync(None) => return app.sync_all(),
        Cmd::Sync(Some(s)) => return app.sync_one(s),
        Cmd::Range(r) => return security::set_range(app, r),
        Cmd::Sort(c, dir) => {
            holdings::sort_by(app, c, dir);
            app.screen = Screen::Holdings;
        }
        Cmd::Filter(f) => {
            app.holdings.filter = f;
            app.holdings.selected = 0;
            app.reorder_holdings();
            app.screen = Screen::Holdings;
        }
        Cmd::Privacy => app.toggle_privacy(),
    }
    Vec::new()
}

/// The one account `name` means: the account of that name (any case), else the only one whose
/// institution and name hold every word of it. When several match, the error names them so
/// that the user can say which.
fn find_account(app: &App, name: &str) -> Result<Uuid, String> {
    let needle = name.trim().to_lowercase();
    let accounts: Vec<(Uuid, &str, String)> = app
        .portfolio
        .iter()
        .flat_map(|p| p.overview.groups.iter())
        .flat_map(|g| {
            g.accounts.iter().map(move |a| {
                let name = a.account.name.as_str();
                let label = match &g.institution {
                    Some(i) => format!("{} {name}", i.name),
                    None => name.to_string(),
                };
                (a.account.id, name, label)
            })
        })
        .collect();
    let exact: Vec<_> = accounts
        .iter()
        .filter(|(_, n, l)| n.to_lowercase() == needle || l.to_lowercase() == needle)
        .collect();
    // Every word typed somewhere in the institution and name: `northwind roth`.
    let found = if exact.is_empty() {
        accounts
            .iter()
            .filter(|(_, _, l)| {
                let label = l.to_lowercase();
                needle.split_whitespace().all(|w| label.contains(w))
            })
            .collect()
    } else {
        exact
    };
    match found.as_slice() {
        [] => Err(format!("no account named '{name}'")),
        [(id, _, _)] => Ok(*id),
        several => {
            // Names alone, unless two are alike: then with their institutions.
            let alike = several
                .iter()
                .any(|(_, n, _)| several.iter().filter(|(_, m, _)| m == n).count() > 1);
            let names: Vec<&str> = several
                .iter()
                .map(|(_, n, l)| if alike { l.as_str() } else { *n })
                .collect();
            Err(format!(
                "'{name}' is {} accounts: {}; say which",
                several.len(),
                names.join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_commands() {
        assert_eq!(parse(":q").unwrap(), Cmd::Quit);
        assert_eq!(
            parse("acct Roth IRA").unwrap(),
            Cmd::Account(Some("Roth IRA".into()))
        );
        assert_eq!(parse("acct").unwrap(), Cmd::Account(None));
        assert_eq!(
            parse("add AAPL 10 @ 150").unwrap(),
            Cmd::Add {
                symbol: Symbol::parse("AAPL").unwrap(),
                shares: Decimal::from(10),
                price: Some(Decimal::from(150)),
            }
        );
        assert_eq!(
            parse("add ocdo.l 2.5@1234.5").unwrap(),
            Cmd::Add {
                symbol: Symbol::parse("OCDO.L").unwrap(),
                shares: Decimal::new(25, 1),
                price: Some(Decimal::new(12345, 1)),
            }
        );
        assert!(matches!(
            parse("add AAPL 10").unwrap(),
            Cmd::Add { price: None, .. }
        ));
        assert!(parse("add AAPL ten @ 1").is_err());
        // The one symbol rule: nothing path-like.
        for bad in [":open ..", ":sync .", ":add ../X 1 @ 2", ":open A/B"] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains("is not a ticker symbol"), "{bad}: {err}");
        }
        assert!(parse("add").is_err());
        assert_eq!(parse("range ytd").unwrap(), Cmd::Range(Range::Ytd));
        assert!(parse("range 2W").is_err());
        assert_eq!(
            parse("sort gain% desc").unwrap(),
            Cmd::Sort(Column::GainPct, Some(true))
        );
        assert_eq!(
            parse("sort avg cost").unwrap_err(),
            "'cost' is neither asc nor desc"
        );
        assert_eq!(parse("sync").unwrap(), Cmd::Sync(None));
        assert!(parse("frobnicate").unwrap_err().contains("unknown command"));
    }
}
