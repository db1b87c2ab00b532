//! The command line.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::logging::LogFormat;

/// Personal finance from the keyboard: accounts, holdings and prices in your terminal, and
/// the same data as a REST API.
#[derive(Debug, Parser)]
#[command(name = "finances", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    /// Without a command, the terminal UI opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Config file (default: the platform config directory's finances/config.toml).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Directory of the SQLite file, logs and generated secrets [env: FINANCES_DATA_DIR].
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// postgres://... or sqlite://PATH [env: FINANCES_DATABASE_URL].
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Redis for the market-data cache [env: FINANCES_REDIS_URL].
    #[arg(long, global = true, value_name = "URL")]
    pub redis_url: Option<String>,
    /// A log filter such as info or finances=debug [env: FINANCES_LOG_LEVEL].
    #[arg(long, global = true, value_name = "FILTER")]
    pub log_level: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the REST API.
    Serve(ServeArgs),
    /// Apply database migrations (also done at every start).
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Fetch prices and exchange rates from Yahoo Finance.
    Sync(SyncArgs),
    /// Search Yahoo Finance for securities.
    #[command(
        after_help = "Columns: symbol, name, exchange, security_type, currency, in_database"
    )]
    Search {
        /// Name or ticker to look for.
        query: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Show a security's latest quote.
    #[command(
        after_help = "Columns of --csv: symbol, name, currency, price, previous_close, day_change, \
                      day_change_percent, day_high, day_low, fifty_two_week_high, \
                      fifty_two_week_low, market_cap, volume, as_of, partial_reason"
    )]
    Quote {
        /// Ticker symbol, e.g. AAPL or OCDO.L.
        symbol: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// A security's stored daily prices, oldest first.
    #[command(after_help = "Columns: timestamp, open, high, low, close, adj_close, volume")]
    Prices(PricesArgs),
    /// Stored exchange rates from a currency: for each other currency, the newest on or before
    /// a day.
    #[command(after_help = "Columns: base_currency, currency, rate, date")]
    Rates(RatesArgs),
    /// The user's accounts, by name.
    #[command(
        after_help = "Columns: name, account_type, currency_code, is_asset, is_investment_account, \
                      cost_basis_method, interest_rate, financial_institution_id, id"
    )]
    Accounts(AccountsArgs),
    /// Current holdings with their market figures, across accounts or in one (--account).
    #[command(
        after_help = "Columns: symbol, shares, average_price_per_share, cost_basis, market_price, \
                      market_value, unrealized_gain, unrealized_gain_pct, timestamp, account_id, id"
    )]
    Holdings(ReportArgs),
    /// Record and list an account's activities: trades, income and cash movements.
    #[command(subcommand)]
    Activity(ActivityCommand),
    /// An account's positions with their lots' cost and market figures.
    #[command(
        after_help = "Columns: symbol, quantity, cost_basis, average_cost, market_price, price_date, \
                      market_value, unrealized_gain, unrealized_gain_pct, realized_gain, income, \
                      complete"
    )]
    Positions(PositionsArgs),
    /// Realized gains, one row per sale, with the total in the base currency.
    #[command(
        after_help = "Columns: date, account_id, account, symbol, security, quantity, proceeds, \
                      cost, gain, currency, opened, holding_days, activity_id"
    )]
    Gains(GainsArgs),
    /// Dividends and interest, gross, withheld and net, by month, year or security.
    #[command(after_help = "Columns: group, currency, gross, withheld, net, count, complete")]
    Income(IncomeArgs),
    /// Returns over a range: time-weighted, annualized and money-weighted (XIRR), gain,
    /// income, fees and taxes, for the portfolio or one account.
    #[command(
        after_help = "Columns of --json, --ndjson and --csv: currency, start, end, start_value, \
                      end_value, net_flows, income, fees, taxes, gain, twr, twr_annualized, mwr, \
                      complete\nWith --series: date, value, flow, twr_cumulative"
    )]
    Perf(PerfArgs),
    /// Splits and dividends the market data reported that the ledger lacks: list them,
    /// record one (--accept ID) or stop proposing it (--dismiss ID).
    #[command(
        after_help = "Columns: id, date, account_name, symbol, activity_type, quantity, split_ratio, \
                      amount, amount_per_share, currency"
    )]
    Proposals(ProposalsArgs),
    /// Read a broker's or tracker's export into an account: a generic CSV, Ghostfolio,
    /// Wealthfolio, Schwab, Trade Republic, Interactive Brokers Flex or OFX/QFX. All rows or
    /// none; the same file imported again adds nothing.
    Import(ImportArgs),
    /// Write what a user owns as a file: `export --all` is a backup of everything, with the
    /// market data it uses, that `restore` takes back into this or another store.
    Export(ExportArgs),
    /// Restore a backup written by `export --all` into this store, which must not hold its
    /// user yet: all of it is stored or, on any error, nothing.
    Restore(RestoreArgs),
    /// Open the terminal UI on a generated demo portfolio in a throwaway database.
    Demo(DemoArgs),
    /// Print shell completions.
    Completions { shell: clap_complete::Shell },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [env: FINANCES_BIND] [default: 127.0.0.1:8000].
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<SocketAddr>,
    /// Format of log lines on stderr.
    #[arg(long, value_enum, default_value = "text")]
    pub log_format: LogFormat,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Symbols to sync; none means every held security and every needed exchange rate.
    pub symbols: Vec<String>,
}

/// The variable a backup's passphrase is read from unless told otherwise.
pub const PASSPHRASE_VAR: &str = "FINANCES_BACKUP_PASSPHRASE";

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Everything the user owns (institutions, accounts, values, holdings, activities,
    /// settings) with the securities, prices and rates it uses: a backup for `restore`.
    #[arg(long)]
    pub all: bool,
    /// Username or email of the user; on a personal SQLite store, its owner by default.
    #[arg(long)]
    pub user: Option<String>,
    /// Write to this file (readable by its owner only) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Protect the backup with a passphrase (age, as ASCII text): read from the variable that
    /// --passphrase-from-env names when it is set, else asked for twice on the terminal.
    #[arg(long)]
    pub encrypt: bool,
    /// The environment variable holding the passphrase.
    #[arg(long, value_name = "VAR", default_value = PASSPHRASE_VAR)]
    pub passphrase_from_env: String,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The environment variable holding the passphrase of an encrypted backup; when it is not
    /// set, the passphrase is asked for on the terminal.
    #[arg(long, value_name = "VAR", default_value = PASSPHRASE_VAR)]
    pub passphrase_from_env: String,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Seed of the generated portfolio.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Generate the large store (1,000 securities, 10 years of prices, 5,000 holdings).
    #[arg(long)]
    pub large: bool,
    /// Keep the database at this path instead of a throwaway file, and do not open the UI.
    #[arg(long, value_name = "PATH")]
    pub keep: Option<PathBuf>,
}

/// How a listing prints: a table by default, or one of the forms for programs. The JSON
/// objects are the API's for the same resource; the CSV columns are named as its fields.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct OutputArgs {
    /// Print a JSON array of objects, with the API's field names.
    #[arg(long, conflicts_with_all = ["ndjson", "csv"])]
    pub json: bool,
    /// Print one JSON object per line (newline-delimited JSON).
    #[arg(long, conflicts_with = "csv")]
    pub ndjson: bool,
    /// Print CSV: a header row of column names, then one row per item.
    #[arg(long)]
    pub csv: bool,
    /// Start the CSV with a UTF-8 byte-order mark, which Excel needs to read text beyond
    /// ASCII correctly.
    #[arg(long, requires = "csv", conflicts_with_all = ["json", "ndjson"])]
    pub bom: bool,
}

/// Who the ledger commands act as.
#[derive(Debug, Args)]
pub struct LedgerArgs {
    /// The account: its name (any case) or its id.
    #[arg(long, short)]
    pub account: String,
    /// Username or email of the user to act as; on a personal SQLite store, its owner by
    /// default.
    #[arg(long)]
    pub user: Option<String>,
}

/// What `activity add` is given.
#[derive(Debug, Args)]
pub struct AddActivity {
    #[command(flatten)]
    pub ledger: LedgerArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// buy, sell, dividend, interest, fee, tax, deposit, withdrawal, transfer_in,
    /// transfer_out or split.
    pub activity_type: String,
    /// YYYY-MM-DD; default today.
    #[arg(long)]
    pub date: Option<String>,
    /// Ticker symbol (looked up when not stored yet).
    #[arg(long)]
    pub symbol: Option<String>,
    /// Shares or units (a buy, sell or transfer).
    #[arg(long)]
    pub quantity: Option<String>,
    /// Price per unit, in `--currency`.
    #[arg(long = "price")]
    pub unit_price: Option<String>,
    /// The amount of a dividend, interest, fee, tax, deposit or withdrawal.
    #[arg(long)]
    pub amount: Option<String>,
    /// A trade's fee, or the tax withheld from a dividend.
    #[arg(long)]
    pub fee: Option<String>,
    /// Currency of the price, amount and fee; default the security's, else the account's.
    #[arg(long)]
    pub currency: Option<String>,
    /// Units of the account's currency for one unit of `--currency`, as paid.
    #[arg(long)]
    pub fx_rate: Option<String>,
    /// A split's `N:M` (N new shares for M old).
    #[arg(long)]
    pub ratio: Option<String>,
    /// Free text, up to 1,000 characters.
    #[arg(long)]
    pub notes: Option<String>,
    /// The broker's id of the row: recording it again adds nothing.
    #[arg(long)]
    pub external_id: Option<String>,
}

const ACTIVITY_COLUMNS: &str = "Columns: id, date, activity_type, symbol, quantity, unit_price, \
                                amount, fee, currency, fx_rate, split_ratio, external_id, notes";

#[derive(Debug, Subcommand)]
pub enum ActivityCommand {
    /// Record one activity, checked against the account's ledger, e.g.
    /// `finances activity add -a Broker buy --symbol AAPL --quantity 10 --price 150`.
    #[command(after_help = ACTIVITY_COLUMNS)]
    Add(Box<AddActivity>),
    /// List the account's activities, oldest first.
    #[command(after_help = ACTIVITY_COLUMNS)]
    List {
        #[command(flatten)]
        ledger: LedgerArgs,
        #[command(flatten)]
        output: OutputArgs,
        /// From this date (YYYY-MM-DD).
        #[arg(long)]
        start: Option<String>,
        /// Up to this date (YYYY-MM-DD).
        #[arg(long)]
        end: Option<String>,
        /// Only this activity type.
        #[arg(long = "type")]
        activity_type: Option<String>,
    },
    /// Delete an activity (refused when a later sale would then sell what is not held).
    Rm {
        #[command(flatten)]
        ledger: LedgerArgs,
        /// The activity's id.
        id: uuid::Uuid,
    },
}

/// Who a report is for, which account, and how it prints.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The account: its name (any case) or its id.
    #[arg(long, short)]
    pub account: Option<String>,
    /// Username or email of the user to act as; on a personal SQLite store, its owner by
    /// default.
    #[arg(long)]
    pub user: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct AccountsArgs {
    /// Username or email of the user to act as; on a personal SQLite store, its owner by
    /// default.
    #[arg(long)]
    pub user: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct PricesArgs {
    /// Ticker symbol of a stored security, e.g. AAPL or OCDO.L.
    pub symbol: String,
    /// From this day (YYYY-MM-DD); default 30 days before --end.
    #[arg(long)]
    pub start: Option<String>,
    /// Up to this day, included (YYYY-MM-DD); default today, or open-ended after --start.
    #[arg(long)]
    pub end: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct RatesArgs {
    /// The currency the rates are from; default the user's base currency.
    pub base: Option<String>,
    /// The rates in force on this day (YYYY-MM-DD); default today.
    #[arg(long)]
    pub date: Option<String>,
    /// Username or email of the user whose base currency is the default; on a personal
    /// SQLite store, its owner.
    #[arg(long)]
    pub user: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct PositionsArgs {
    #[command(flatten)]
    pub report: ReportArgs,
    /// The day (YYYY-MM-DD); default today.
    #[arg(long)]
    pub as_of: Option<String>,
}

#[derive(Debug, Args)]
pub struct GainsArgs {
    #[command(flatten)]
    pub report: ReportArgs,
    /// A calendar year, e.g. 2025 (instead of --start and --end).
    #[arg(long, conflicts_with_all = ["start", "end"])]
    pub year: Option<i32>,
    #[arg(long)]
    pub start: Option<String>,
    #[arg(long)]
    pub end: Option<String>,
}

#[derive(Debug, Args)]
pub struct IncomeArgs {
    #[command(flatten)]
    pub report: ReportArgs,
    /// A calendar year, e.g. 2025 (instead of --start and --end).
    #[arg(long, conflicts_with_all = ["start", "end"])]
    pub year: Option<i32>,
    #[arg(long)]
    pub start: Option<String>,
    #[arg(long)]
    pub end: Option<String>,
    /// month (default), year or security.
    #[arg(long)]
    pub group: Option<String>,
}

#[derive(Debug, Args)]
pub struct PerfArgs {
    #[command(flatten)]
    pub report: ReportArgs,
    /// The first day (YYYY-MM-DD); default the first activity or statement.
    #[arg(long)]
    pub start: Option<String>,
    /// The last day (YYYY-MM-DD); default today.
    #[arg(long)]
    pub end: Option<String>,
    /// List the daily series the returns are computed from (date, value, flow,
    /// twr_cumulative) instead of the returns.
    #[arg(long)]
    pub series: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The export file.
    pub file: PathBuf,
    /// The account: its name (any case) or its id; default the only account.
    #[arg(long, short)]
    pub account: Option<String>,
    /// Username or email of the user to act as; on a personal SQLite store, its owner by
    /// default.
    #[arg(long)]
    pub user: Option<String>,
    /// csv, ghostfolio, ghostfolio_csv, wealthfolio, schwab, trade_republic, ibkr_flex or
    /// ofx; default: told from the content.
    #[arg(long)]
    pub format: Option<String>,
    /// A generic CSV's columns, e.g. `date=Trade Date,type=Action,quantity=Qty` (fields:
    /// date, type, symbol, isin, name, quantity, unit_price, amount, fee, tax, currency,
    /// fx_rate, split_ratio, notes, id), or the name of a mapping saved with --save-map.
    #[arg(long, value_name = "FIELD=COLUMN,...|NAME")]
    pub map: Option<String>,
    /// Save the --map columns under this name (a broker's) for the next imports.
    #[arg(long, value_name = "NAME", requires = "map")]
    pub save_map: Option<String>,
    /// Show every row as it would be stored, or why it cannot be, and store nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ProposalsArgs {
    #[command(flatten)]
    pub report: ReportArgs,
    /// Record the proposal's activity.
    #[arg(long, conflicts_with = "dismiss")]
    pub accept: Option<String>,
    /// Stop proposing it.
    #[arg(long)]
    pub dismiss: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. The password is prompted for when not given, or read from stdin when it
    /// is not a terminal.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        username: String,
        #[arg(long)]
        password: Option<String>,
        /// Make the user a superuser.
        #[arg(long)]
        admin: bool,
    },
    /// List users.
    List,
    /// Set a user's password (prompted for, or read from stdin).
    Passwd {
        /// Username or email.
        login: String,
        #[arg(long)]
        password: Option<String>,
    },
    /// Grant or revoke superuser rights.
    SetAdmin {
        /// Username or email.
        login: String,
        /// Revoke instead of grant.
        #[arg(long)]
        revoke: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn bad_flags_are_errors() {
        assert!(Cli::try_parse_from(["finances", "--bogus"]).is_err());
        assert!(Cli::try_parse_from(["finances", "serve", "--bind", "nowhere"]).is_err());
        assert!(Cli::try_parse_from(["finances", "user", "add", "--email", "a@b.co"]).is_err());
        let ok = Cli::try_parse_from([
            "finances",
            "user",
            "add",
            "--email",
            "a@b.co",
            "--username",
            "ann",
            "--admin",
        ])
        .unwrap();
        assert!(matches!(
            ok.command,
            Some(Command::User(UserCommand::Add { admin: true, .. }))
        ));
    }
}
