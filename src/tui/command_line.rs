//! The `:` command line: a few words for what would take several keys. Parsed here, and run
//! here on the screens they are about.

use uuid::Uuid;

use crate::domain::ledger::ActivityType;
use crate::domain::{time, Symbol};

use super::action::Command;
use super::app::{App, Column, Mode, Range, Screen};
use super::form::{parse_decimal, ActivityPrefill};
use super::screens::performance::{self, PerfRange};
use super::screens::{activities, holdings, search, security};

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cmd {
    Quit,
    Help,
    /// Holdings of the account whose name contains this (every account when `None`).
    Account(Option<String>),
    /// `:buy AAPL 10 @ 150`, `:sell`, `:div`, `:dep`: an activity in the account in view,
    /// as typed. With something missing (a price, or one account in view) the activity form
    /// opens to ask for it.
    Record(ActivityPrefill),
    Open(Symbol),
    Search(String),
    Sync(Option<Symbol>),
    /// A chart range; on the performance screen, its range of the same name.
    Range(Range),
    /// A range only the performance screen has: 3Y, or days typed `FROM..TO`.
    Period(PerfRange),
    Sort(Column, Option<bool>),
    Filter(String),
    Privacy,
    /// `:import FILE [FORMAT]`: a broker's export into the account in view, after a dry run.
    Import {
        path: String,
        format: Option<crate::import::Format>,
    },
}

/// What `:help` lists.
pub const COMMANDS: &[(&str, &str)] = &[
    (":q", "quit"),
    (
        ":acct NAME",
        "holdings of the account named NAME (:acct alone: all)",
    ),
    (
        ":buy SYM N @ PRICE [fee F] [DATE]",
        "record a buy of N shares of SYM at PRICE in the account in view (else asks); :add is the same",
    ),
    (
        ":sell SYM N @ PRICE [fee F] [DATE]",
        "record a sale; refused if more than is held then",
    ),
    (
        ":div SYM AMOUNT [tax F] [DATE]",
        "record a dividend, gross, with the tax withheld",
    ),
    (":dep AMOUNT [DATE]", "record a deposit of cash"),
    (":open SYM", "chart of SYM"),
    (":search TEXT", "search securities"),
    (":sync [SYM]", "sync SYM, or everything"),
    (
        ":range 1D|5D|1M|3M|6M|YTD|1Y|3Y|5Y|MAX|FROM..TO",
        "chart range; on Performance its range (1M 3M YTD 1Y 3Y 5Y MAX); FROM..TO \
         (YYYY-MM-DD..YYYY-MM-DD): the performance over those days",
    ),
    (
        ":sort COLUMN [asc|desc]",
        "sort holdings (symbol, value, gain%, day, weight...)",
    ),
    (":filter TEXT", "filter holdings"),
    (":privacy", "mask or show amounts"),
    (
        ":import FILE [FORMAT]",
        "import a broker's export into the account in view: the dry run is shown first, \
         enter stores it (formats: csv ghostfolio ghostfolio_csv wealthfolio schwab \
         trade_republic ibkr_flex ofx; default: told from the file)",
    ),
];

/// The grammar of the command being typed, once its first word names one, as `:help` lists
/// it: the hint beside the command line.
pub fn usage(line: &str) -> Option<&'static str> {
    let word = line
        .trim_start()
        .trim_start_matches(':')
        .split_whitespace()
        .next()?;
    let word = match word.to_ascii_lowercase().as_str() {
        "add" => "buy".to_string(),
        "dividend" => "div".to_string(),
        "deposit" => "dep".to_string(),
        other => other.to_string(),
    };
    COMMANDS
        .iter()
        .map(|(cmd, _)| *cmd)
        .find(|cmd| cmd.trim_start_matches(':').split_whitespace().next() == Some(&word))
}

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
        "buy" | "add" => parse_trade(ActivityType::Buy, rest),
        "import" => parse_import(rest),
        "sell" => parse_trade(ActivityType::Sell, rest),
        "div" | "dividend" => parse_dividend(rest),
        "dep" | "deposit" => parse_deposit(rest),
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
        "range" | "r" if rest.contains("..") => performance::parse_days(rest)
            .map(|(start, end)| Cmd::Period(PerfRange::Custom { start, end })),
        "range" | "r" => Range::parse(rest)
            .map(Cmd::Range)
            .or_else(|| PerfRange::parse_preset(rest).map(Cmd::Period))
            .ok_or_else(|| {
                format!("'{rest}' is not one of 1D 5D 1M 3M 6M YTD 1Y 3Y 5Y MAX, nor FROM..TO")
            }),
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

/// A number as typed, or why it is not one.
fn number(raw: &str, what: &str) -> Result<String, String> {
    parse_decimal(raw)
        .map(|d| d.normalize().to_string())
        .ok_or_else(|| format!("'{raw}' is not {what}"))
}

/// The words after the figures: `fee F` (`tax F` for a dividend's withholding) and a date, in
/// either order, each at most once.
fn options(
    words: &[&str],
    fee_words: &[&str],
    prefill: &mut ActivityPrefill,
) -> Result<(), String> {
    let mut rest = words.iter();
    while let Some(word) = rest.next() {
        let lower = word.to_ascii_lowercase();
        if fee_words.contains(&lower.as_str()) && prefill.fee.is_none() {
            let raw = rest
                .next()
                .ok_or_else(|| format!("'{word}' needs an amount after it"))?;
            prefill.fee = Some(number(raw, "an amount")?);
        } else if prefill.date.is_none() && word.len() == 10 && word.contains('-') {
            time::parse_date("date", word).map_err(|e| format!("'{word}': {}", e.message))?;
            prefill.date = Some(word.to_string());
        } else {
            return Err(match fee_words.first() {
                Some(fee) => format!("'{word}' is neither {fee} F nor a date"),
                None => format!("'{word}' is not a date (YYYY-MM-DD)"),
            });
        }
    }
    Ok(())
}

fn symbol_word(raw: &str) -> Result<String, String> {
    Symbol::parse(raw)
        .map(|s| s.to_string())
        .map_err(|e| e.message)
}

/// `SYM N [@] [PRICE] [fee F] [DATE]`.
fn parse_trade(t: ActivityType, rest: &str) -> Result<Cmd, String> {
    let usage = format!("usage: :{t} SYMBOL QUANTITY @ PRICE [fee F] [YYYY-MM-DD]");
    let spaced = rest.replace('@', " @ ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let (symbol, quantity, more) = match words.as_slice() {
        [s, n, more @ ..] => (*s, *n, more),
        _ => return Err(usage),
    };
    let mut prefill = ActivityPrefill {
        activity_type: Some(t),
        symbol: Some(symbol_word(symbol)?),
        quantity: Some(number(quantity, "a number of shares")?),
        ..ActivityPrefill::default()
    };
    let more = match more {
        ["@", price, more @ ..] => {
            prefill.unit_price = Some(number(price, "a price")?);
            more
        }
        ["@"] => return Err(usage),
        [price, more @ ..] if parse_decimal(price).is_some() => {
            prefill.unit_price = Some(number(price, "a price")?);
            more
        }
        more => more,
    };
    options(more, &["fee"], &mut prefill)?;
    Ok(Cmd::Record(prefill))
}

/// `SYM AMOUNT [tax F] [DATE]`.
fn parse_dividend(rest: &str) -> Result<Cmd, String> {
    let words: Vec<&str> = rest.split_whitespace().collect();
    let [symbol, amount, more @ ..] = words.as_slice() else {
        return Err("usage: :div SYMBOL AMOUNT [tax F] [YYYY-MM-DD]".into());
    };
    let mut prefill = ActivityPrefill {
        activity_type: Some(ActivityType::Dividend),
        symbol: Some(symbol_word(symbol)?),
        amount: Some(number(amount, "an amount")?),
        ..ActivityPrefill::default()
    };
    options(more, &["tax", "fee", "withheld"], &mut prefill)?;
    Ok(Cmd::Record(prefill))
}

/// `AMOUNT [DATE]`.
fn parse_deposit(rest: &str) -> Result<Cmd, String> {
    let words: Vec<&str> = rest.split_whitespace().collect();
    let [amount, more @ ..] = words.as_slice() else {
        return Err("usage: :dep AMOUNT [YYYY-MM-DD]".into());
    };
    let mut prefill = ActivityPrefill {
        activity_type: Some(ActivityType::Deposit),
        amount: Some(number(amount, "an amount")?),
        ..ActivityPrefill::default()
    };
    options(more, &[], &mut prefill)?;
    Ok(Cmd::Record(prefill))
}

/// Runs a command line as typed; what is wrong with it goes to the status line.
/// `FILE [FORMAT]`: the last word is a format when it names one, so a path with spaces
/// needs no quotes.
fn parse_import(rest: &str) -> Result<Cmd, String> {
    if rest.is_empty() {
        return Err("usage: :import FILE [FORMAT]".into());
    }
    let (path, format) = match rest.rsplit_once(char::is_whitespace) {
        Some((path, last)) => match crate::import::Format::parse(last) {
            Some(format) => (path.trim(), Some(format)),
            None => (rest, None),
        },
        None => (rest, None),
    };
    Ok(Cmd::Import {
        path: path.to_string(),
        format,
    })
}

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
        Cmd::Record(prefill) => return record(app, prefill),
        Cmd::Import { path, format } => return super::screens::import::open(app, &path, format),
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
        Cmd::Range(r) if app.screen == Screen::Performance => {
            match PerfRange::parse_preset(r.label()) {
                Some(range) => return performance::set_range(app, range),
                None => app.error(format!(
                    "{} is not a performance range: 1M 3M YTD 1Y 3Y 5Y MAX, or FROM..TO",
                    r.label()
                )),
            }
        }
        Cmd::Range(r) => return security::set_range(app, r),
        Cmd::Period(PerfRange::Custom { start, end }) => {
            return performance::set_days(app, start, end)
        }
        Cmd::Period(range) => return performance::set_range(app, range),
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

/// Records what the command line says in the account in view, checked as the activity form
/// checks it; the form is left open to ask when something is missing or wrong.
fn record(app: &mut App, prefill: ActivityPrefill) -> Vec<Command> {
    let in_view = app.account_in_view();
    let priced = prefill.unit_price.is_some()
        || !matches!(
            prefill.activity_type,
            Some(ActivityType::Buy | ActivityType::Sell)
        );
    activities::new_activity_form(app, Some(prefill));
    let Some(form) = app.form.as_mut() else {
        return Vec::new();
    };
    if let (Some(account), true) = (in_view, priced) {
        if let Some(submission) = form.submission() {
            app.form = None;
            let what = format!(
                "{} in {}",
                submission.what(),
                app.account_name(account).unwrap_or("the account")
            );
            app.info(format!("Recording {what}..."));
            return vec![Command::Submit { what, submission }];
        }
        // The form shows what is wrong, at its field.
        return Vec::new();
    }
    // The cursor on the question: the account when none is in view, else the price.
    let ask = if in_view.is_none() {
        "account"
    } else {
        "unit_price"
    };
    if let Some(i) = form.fields.iter().position(|f| f.key == ask) {
        form.focus = i;
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
        let buy = |symbol: &str, quantity: &str, price: Option<&str>| {
            Cmd::Record(ActivityPrefill {
                activity_type: Some(ActivityType::Buy),
                symbol: Some(symbol.into()),
                quantity: Some(quantity.into()),
                unit_price: price.map(Into::into),
                ..ActivityPrefill::default()
            })
        };
        assert_eq!(
            parse("buy AAPL 10 @ 150").unwrap(),
            buy("AAPL", "10", Some("150"))
        );
        assert_eq!(
            parse("add AAPL 10 @ 150").unwrap(),
            buy("AAPL", "10", Some("150")),
            ":add is :buy"
        );
        assert_eq!(
            parse("buy ocdo.l 2.5@1,234.5").unwrap(),
            buy("OCDO.L", "2.5", Some("1234.5"))
        );
        assert_eq!(parse("buy AAPL 10").unwrap(), buy("AAPL", "10", None));
        assert!(parse("buy AAPL ten @ 1")
            .unwrap_err()
            .contains("'ten' is not a number"));
        assert_eq!(
            parse("sell AAPL 5 @ 170 fee 1.5 2025-03-04").unwrap(),
            Cmd::Record(ActivityPrefill {
                activity_type: Some(ActivityType::Sell),
                symbol: Some("AAPL".into()),
                quantity: Some("5".into()),
                unit_price: Some("170".into()),
                fee: Some("1.5".into()),
                date: Some("2025-03-04".into()),
                ..ActivityPrefill::default()
            })
        );
        assert_eq!(
            parse("div AAPL 12.50 tax 1.88").unwrap(),
            Cmd::Record(ActivityPrefill {
                activity_type: Some(ActivityType::Dividend),
                symbol: Some("AAPL".into()),
                amount: Some("12.5".into()),
                fee: Some("1.88".into()),
                ..ActivityPrefill::default()
            })
        );
        assert_eq!(
            parse("dep 1000 2025-01-02").unwrap(),
            Cmd::Record(ActivityPrefill {
                activity_type: Some(ActivityType::Deposit),
                amount: Some("1000".into()),
                date: Some("2025-01-02".into()),
                ..ActivityPrefill::default()
            })
        );
        assert!(parse("dep 1000 tomorrow")
            .unwrap_err()
            .contains("'tomorrow'"));
        assert!(parse("sell AAPL 5 @ 170 fee")
            .unwrap_err()
            .contains("needs an amount"));
        assert!(parse("dep 1000 2025-13-01").unwrap_err().contains("date"));
        assert!(parse("div AAPL").is_err());
        assert!(parse("buy").is_err());
        assert_eq!(parse("range ytd").unwrap(), Cmd::Range(Range::Ytd));
        assert!(parse("range 2W").is_err());
        assert_eq!(parse("range 3y").unwrap(), Cmd::Period(PerfRange::Y3));
        assert_eq!(
            parse("range 2024-01-01..2024-12-31").unwrap(),
            Cmd::Period(PerfRange::Custom {
                start: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
                end: chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
            })
        );
        assert!(parse("range 2024-12-31..2024-01-01")
            .unwrap_err()
            .contains("after it ends"));
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

    #[test]
    fn the_line_being_typed_shows_its_grammar() {
        assert_eq!(usage("buy AA"), Some(":buy SYM N @ PRICE [fee F] [DATE]"));
        assert_eq!(usage("add"), usage("buy"), ":add is :buy");
        assert_eq!(usage("div"), Some(":div SYM AMOUNT [tax F] [DATE]"));
        assert_eq!(usage(" dep 100"), Some(":dep AMOUNT [DATE]"));
        assert_eq!(usage("sell"), Some(":sell SYM N @ PRICE [fee F] [DATE]"));
        assert_eq!(usage(""), None);
        assert_eq!(usage("bu"), None, "only a whole word names a command");
    }
}
