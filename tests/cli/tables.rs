//! Every list command prints for programs too: `--json` an array of the API's objects for the
//! same resource, checked against the API's own OpenAPI schemas (closed, so that no name the
//! API lacks gets through); `--ndjson` the same objects a line each; `--csv` the documented
//! header over one row per object, each cell that object's value.

use std::str::FromStr;

use chrono::{NaiveDate, TimeZone, Utc};
use finances::domain::security_event::{CorporateAction, SecurityEvent};
use finances::domain::{
    self, AccountType, CurrencyCode, ExchangeRate, Interval, NewAccount, NewSecurity, PriceBar,
    SecurityType, Symbol,
};
use finances::market::{self, CacheSettings, YahooSettings};
use finances::service::portfolio::SecurityRef;
use finances::service::Services;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::support::yahoo::{asset, FakeYahoo, Reply};

use super::commands::{assert_clear_failure, stderr, stdout, Sandbox};

/// What a JSON item must be.
enum Shape {
    /// The API's component of this name.
    Api(&'static str),
    /// What the API serves as one object with a map: a row per entry.
    Rate,
    /// What the API does not serve.
    Quote,
}

struct Case {
    args: &'static [&'static str],
    shape: Shape,
    /// The documented columns, in order.
    header: &'static [&'static str],
    /// Where a column's value is in the object, when not at its own name; `None`: a value the
    /// object does not carry.
    elsewhere: &'static [(&'static str, Option<&'static str>)],
    /// At least this many items.
    at_least: usize,
}

const SECURITY_SYMBOL: (&str, Option<&str>) = ("symbol", Some("security.symbol"));

/// A decimal as the API writes it: plain, `.` for the point, no exponent or separators.
const DECIMAL: &str = r"^-?[0-9]+(\.[0-9]+)?$";

fn cases() -> Vec<Case> {
    vec![
        Case {
            args: &["accounts"],
            shape: Shape::Api("AccountOut"),
            header: &[
                "name",
                "account_type",
                "currency_code",
                "is_asset",
                "is_investment_account",
                "cost_basis_method",
                "interest_rate",
                "financial_institution_id",
                "id",
            ],
            elsewhere: &[],
            at_least: 2,
        },
        Case {
            args: &["holdings"],
            shape: Shape::Api("HoldingOut"),
            header: HOLDING_HEADER,
            elsewhere: &[SECURITY_SYMBOL],
            at_least: 1,
        },
        Case {
            args: &["holdings", "-a", "retirement"],
            shape: Shape::Api("HoldingOut"),
            header: HOLDING_HEADER,
            elsewhere: &[SECURITY_SYMBOL],
            at_least: 1,
        },
        Case {
            args: &["positions", "-a", "Broker"],
            shape: Shape::Api("PositionOut"),
            header: &[
                "symbol",
                "quantity",
                "cost_basis",
                "average_cost",
                "market_price",
                "price_date",
                "market_value",
                "unrealized_gain",
                "unrealized_gain_pct",
                "realized_gain",
                "income",
                "complete",
            ],
            elsewhere: &[SECURITY_SYMBOL],
            at_least: 1,
        },
        Case {
            args: &["activity", "list", "-a", "Broker"],
            shape: Shape::Api("ActivityOut"),
            header: &[
                "id",
                "date",
                "activity_type",
                "symbol",
                "quantity",
                "unit_price",
                "amount",
                "fee",
                "currency",
                "fx_rate",
                "split_ratio",
                "external_id",
                "notes",
            ],
            elsewhere: &[SECURITY_SYMBOL],
            at_least: 4,
        },
        Case {
            args: &["gains", "--year", "2024"],
            shape: Shape::Api("RealizedGainOut"),
            // The API's own CSV of realized gains.
            header: &[
                "date",
                "account_id",
                "account",
                "symbol",
                "security",
                "quantity",
                "proceeds",
                "cost",
                "gain",
                "currency",
                "opened",
                "holding_days",
                "activity_id",
            ],
            elsewhere: &[
                ("account", None),
                SECURITY_SYMBOL,
                ("security", Some("security.name")),
                ("opened", Some("lots.0.opened")),
            ],
            at_least: 1,
        },
        Case {
            args: &["income", "--year", "2024"],
            shape: Shape::Api("IncomeGroupOut"),
            header: INCOME_HEADER,
            elsewhere: &[],
            at_least: 1,
        },
        Case {
            args: &["income", "--group", "security"],
            shape: Shape::Api("IncomeGroupOut"),
            header: INCOME_HEADER,
            elsewhere: &[],
            at_least: 1,
        },
        Case {
            args: &["perf", "--start", "2024-01-02", "--end", "2024-03-31"],
            shape: Shape::Api("PerformanceOut"),
            header: &[
                "currency",
                "start",
                "end",
                "start_value",
                "end_value",
                "net_flows",
                "income",
                "fees",
                "taxes",
                "gain",
                "twr",
                "twr_annualized",
                "mwr",
                "complete",
            ],
            elsewhere: &[],
            at_least: 1,
        },
        Case {
            args: &[
                "perf",
                "-a",
                "Broker",
                "--series",
                "--start",
                "2024-01-02",
                "--end",
                "2024-03-31",
            ],
            shape: Shape::Api("SeriesPointOut"),
            header: &["date", "value", "flow", "twr_cumulative"],
            elsewhere: &[],
            at_least: 90,
        },
        Case {
            args: &[
                "prices",
                "AAPL",
                "--start",
                "2024-01-01",
                "--end",
                "2024-01-31",
            ],
            shape: Shape::Api("PriceOut"),
            header: &[
                "timestamp",
                "open",
                "high",
                "low",
                "close",
                "adj_close",
                "volume",
            ],
            elsewhere: &[],
            at_least: 4,
        },
        Case {
            args: &["rates"],
            shape: Shape::Rate,
            header: &["base_currency", "currency", "rate", "date"],
            elsewhere: &[],
            at_least: 2,
        },
        Case {
            args: &["search", "test"],
            shape: Shape::Api("SecurityOut"),
            header: &[
                "symbol",
                "name",
                "exchange",
                "security_type",
                "currency",
                "in_database",
            ],
            elsewhere: &[],
            at_least: 3,
        },
        Case {
            args: &["quote", "test"],
            shape: Shape::Quote,
            header: QUOTE_HEADER,
            elsewhere: &[],
            at_least: 1,
        },
        Case {
            args: &["proposals"],
            shape: Shape::Api("ProposalOut"),
            header: &[
                "id",
                "date",
                "account_name",
                "symbol",
                "activity_type",
                "quantity",
                "split_ratio",
                "amount",
                "amount_per_share",
                "currency",
            ],
            elsewhere: &[],
            at_least: 1,
        },
    ]
}

const HOLDING_HEADER: &[&str] = &[
    "symbol",
    "shares",
    "average_price_per_share",
    "cost_basis",
    "market_price",
    "market_value",
    "unrealized_gain",
    "unrealized_gain_pct",
    "timestamp",
    "account_id",
    "id",
];

const INCOME_HEADER: &[&str] = &[
    "group", "currency", "gross", "withheld", "net", "count", "complete",
];

const QUOTE_HEADER: &[&str] = &[
    "symbol",
    "name",
    "currency",
    "price",
    "previous_close",
    "day_change",
    "day_change_percent",
    "day_high",
    "day_low",
    "fifty_two_week_high",
    "fifty_two_week_low",
    "market_cap",
    "volume",
    "as_of",
    "partial_reason",
];

/// The API serves no quote: its figures are decimal strings or null, as everywhere else.
fn quote_schema() -> Value {
    let mut properties = serde_json::Map::new();
    for name in QUOTE_HEADER {
        let schema = match *name {
            "symbol" => json!({"type": "string"}),
            "name" | "currency" | "partial_reason" => json!({"type": ["string", "null"]}),
            "volume" => json!({"type": ["integer", "null"]}),
            "as_of" => json!({"type": ["string", "null"], "format": "date-time"}),
            _ => json!({"type": ["string", "null"], "pattern": DECIMAL}),
        };
        properties.insert(name.to_string(), schema);
    }
    json!({
        "type": "object",
        "properties": properties,
        "required": QUOTE_HEADER,
        "additionalProperties": false,
    })
}

/// A rate row carries the API's `RatesOut` fields `base_currency` and `date`, and one entry of
/// its `rates` map: the currency (a key) and the rate (its value).
fn rate_schema(components: &Value) -> Value {
    let rates_out = &components["RatesOut"]["properties"];
    let mut rate = rates_out["rates"]["additionalProperties"].clone();
    rate["pattern"] = json!(DECIMAL);
    json!({
        "type": "object",
        "properties": {
            "base_currency": rates_out["base_currency"],
            "date": rates_out["date"],
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "rate": rate,
        },
        "required": ["base_currency", "currency", "rate", "date"],
        "additionalProperties": false,
    })
}

/// The API's schemas, each object closed to the fields it names.
fn api_components() -> Value {
    let document = serde_json::to_value(finances::http::openapi::document()).unwrap();
    let mut schemas = document["components"]["schemas"].clone();
    for schema in schemas.as_object_mut().unwrap().values_mut() {
        let composed = ["allOf", "oneOf", "anyOf"]
            .iter()
            .any(|k| schema.get(k).is_some());
        if schema.get("properties").is_some() && !composed {
            schema["additionalProperties"] = json!(false);
        }
    }
    schemas
}

fn validator(components: &Value, shape: &Shape) -> jsonschema::Validator {
    let schema = match shape {
        Shape::Api(name) => {
            assert!(
                components.get(name).is_some(),
                "the API has no component {name}"
            );
            json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$ref": format!("#/components/schemas/{name}"),
                "components": {"schemas": components},
            })
        }
        Shape::Rate => rate_schema(components),
        Shape::Quote => quote_schema(),
    };
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("a bad schema: {e}\n{schema:#}"))
}

/// A cell's text of a JSON value: a string without quotes, a number as written, null empty.
fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => panic!("not a cell: {other}"),
    }
}

/// The value at a dotted path, with array indexes as numbers.
fn at<'a>(item: &'a Value, path: &str) -> &'a Value {
    path.split('.')
        .try_fold(item, |v, key| match key.parse::<usize>() {
            Ok(i) => v.get(i),
            Err(_) => v.get(key),
        })
        .unwrap_or(&Value::Null)
}

fn run_ok(sandbox: &Sandbox, args: &[&str], extra: &str) -> String {
    let mut all = args.to_vec();
    all.push(extra);
    let o = sandbox.run(&all, None);
    assert!(o.status.success(), "{all:?}: {}", stderr(&o));
    assert_eq!(stderr(&o), "", "{all:?} said something on stderr");
    stdout(&o)
}

fn check(sandbox: &Sandbox, components: &Value, case: &Case) {
    let what = case.args.join(" ");
    let json: Value = serde_json::from_str(&run_ok(sandbox, case.args, "--json"))
        .unwrap_or_else(|e| panic!("{what} --json: {e}"));
    let items = json.as_array().unwrap_or_else(|| panic!("{what}: {json}"));
    assert!(
        items.len() >= case.at_least,
        "{what}: {} items: {json:#}",
        items.len()
    );
    let validator = validator(components, &case.shape);
    for item in items {
        let errors: Vec<String> = validator
            .iter_errors(item)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{what}: {errors:#?}\n{item:#}");
    }

    let ndjson = run_ok(sandbox, case.args, "--ndjson");
    let lines: Vec<Value> = ndjson
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{what} --ndjson: {e}: {l}")))
        .collect();
    assert!(lines.iter().all(Value::is_object), "{what}: {ndjson}");
    assert_eq!(&lines, items, "{what}: --ndjson is not --json's items");

    let csv = run_ok(sandbox, case.args, "--csv");
    assert!(!csv.starts_with('\u{feff}'), "{what}: a BOM unasked for");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, case.header, "{what}: the CSV's header");
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{what} --csv: {e}\n{csv}"));
    assert_eq!(rows.len(), items.len(), "{what}: {csv}");
    for (row, item) in rows.iter().zip(items) {
        for (column, cell) in case.header.iter().zip(row.iter()) {
            let path = match case.elsewhere.iter().find(|(c, _)| c == column) {
                Some((_, None)) => continue,
                Some((_, Some(path))) => path,
                None => column,
            };
            assert_eq!(
                cell,
                text(at(item, path)),
                "{what}: column {column} against {path} of {item:#}"
            );
        }
    }
}

async fn fake_yahoo() -> FakeYahoo {
    let yahoo = FakeYahoo::start().await;
    yahoo.route(
        "/v10/finance/quoteSummary/TEST",
        Reply::json(asset("quoteSummary_TEST.json")),
    );
    yahoo.route("/v7/finance/quote", Reply::json(asset("quote_TEST.json")));
    yahoo.route("/v1/finance/search", Reply::json(asset("search_test.json")));
    yahoo
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// The owner's personal store: "Broker" (USD) with a deposit, a buy and a sale of AAPL and a
/// dividend, by the command line; "Retirement" holding 5 AAPL as a statement; four daily AAPL
/// closes in January 2024; USD rates to EUR and GBP; a 4:1 AAPL split the market data
/// reported in June 2024.
async fn portfolio(yahoo: &FakeYahoo) -> Sandbox {
    let sandbox = Sandbox::with_yahoo(yahoo);
    let o = sandbox.run(&["migrate"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let url = format!("sqlite://{}", sandbox.path("finances.db").display());
    let store = finances::store::open(&url).await.unwrap();
    let offline = YahooSettings {
        base_url: Some(url::Url::parse("http://127.0.0.1:1").unwrap()),
        retries: 0,
        ..YahooSettings::default()
    };
    let services = Services::new(
        store.clone(),
        market::connect(offline, &CacheSettings::default()).unwrap(),
    );
    let owner = services.users.local_owner().await.unwrap();
    let mut accounts = Vec::new();
    for (name, account_type) in [
        ("Broker", AccountType::Brokerage),
        ("Retirement", AccountType::Retirement),
    ] {
        let new =
            NewAccount::new(name, account_type, CurrencyCode::usd(), None, true, None).unwrap();
        accounts.push(
            services
                .portfolio
                .create_account(&owner, new)
                .await
                .unwrap(),
        );
    }
    let aapl = NewSecurity {
        symbol: Symbol::parse("AAPL").unwrap(),
        name: "Apple Inc.".into(),
        exchange: Some("NMS".into()),
        currency: "USD".into(),
        security_type: SecurityType::Equity,
        sector: None,
        industry: None,
        market_cap: None,
    }
    .into_security(Uuid::new_v4(), domain::now());
    let bars: Vec<PriceBar> = [
        ("2024-01-02", "185.64"),
        ("2024-01-03", "184.25"),
        ("2024-01-04", "181.91"),
        ("2024-01-05", "181.18"),
    ]
    .iter()
    .map(|(d, close)| PriceBar {
        security_id: aapl.id,
        interval: Interval::D1,
        timestamp: day(d).and_hms_opt(0, 0, 0).unwrap().and_utc(),
        open: dec(close) - Decimal::ONE,
        high: dec(close) + Decimal::ONE,
        low: dec(close) - Decimal::TWO,
        close: dec(close),
        adj_close: Some(dec(close)),
        volume: 58_414_500,
    })
    .collect();
    store.insert_security(&aapl).await.unwrap();
    store.save_sync(&aapl, &bars).await.unwrap();
    services
        .portfolio
        .create_holding(
            &owner,
            accounts[1].id,
            SecurityRef::Symbol(aapl.symbol.clone()),
            dec("5"),
            dec("120.50"),
            Some(Utc.with_ymd_and_hms(2024, 1, 10, 0, 0, 0).unwrap()),
        )
        .await
        .unwrap();
    let rates: Vec<ExchangeRate> = [("EUR", "0.9123"), ("GBP", "0.7871")]
        .iter()
        .map(|(to, rate)| {
            ExchangeRate::new(
                CurrencyCode::usd(),
                CurrencyCode::parse(to).unwrap(),
                day("2024-01-02"),
                dec(rate),
            )
            .unwrap()
        })
        .collect();
    store.upsert_rates(&rates).await.unwrap();
    store
        .save_events(&[SecurityEvent {
            security_id: aapl.id,
            date: day("2024-06-10"),
            action: CorporateAction::Split {
                new: Decimal::from(4),
                old: Decimal::ONE,
            },
        }])
        .await
        .unwrap();
    for args in [
        &["deposit", "--amount", "2000", "--date", "2024-01-02"][..],
        &[
            "buy",
            "--symbol",
            "AAPL",
            "--quantity",
            "10",
            "--price",
            "150.25",
            "--fee",
            "1",
            "--date",
            "2024-01-02",
            "--notes",
            "first lot, \"core\"",
        ],
        &[
            "sell",
            "--symbol",
            "AAPL",
            "--quantity",
            "4",
            "--price",
            "160",
            "--fee",
            "1",
            "--date",
            "2024-02-01",
        ],
        &[
            "dividend",
            "--symbol",
            "AAPL",
            "--amount",
            "12",
            "--fee",
            "1.80",
            "--date",
            "2024-03-01",
        ],
    ] {
        let mut full = vec!["activity", "add", "-a", "Broker"];
        full.extend_from_slice(args);
        let o = sandbox.run(&full, None);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    sandbox
}

#[tokio::test(flavor = "multi_thread")]
async fn every_list_command_prints_json_ndjson_and_csv_with_the_apis_names() {
    let yahoo = fake_yahoo().await;
    let sandbox = portfolio(&yahoo).await;
    let components = api_components();
    tokio::task::block_in_place(|| {
        for case in cases() {
            check(&sandbox, &components, &case);
        }
    });
}

/// Values are the API's text: money to two places at least, quantities to six, dates
/// `YYYY-MM-DD`; a quote in the CSV where the text needs one, none elsewhere.
#[tokio::test(flavor = "multi_thread")]
async fn values_are_written_as_the_api_writes_them() {
    let yahoo = fake_yahoo().await;
    let sandbox = portfolio(&yahoo).await;
    tokio::task::block_in_place(|| {
        let csv = run_ok(&sandbox, &["positions", "-a", "Broker"], "--csv");
        assert_eq!(
            csv,
            "symbol,quantity,cost_basis,average_cost,market_price,price_date,market_value,\
             unrealized_gain,unrealized_gain_pct,realized_gain,income,complete\n\
             AAPL,6.000000,902.10,150.35,181.18,2024-01-05,1087.08,184.98,20.51,37.60,10.20,true\n"
        );
        let csv = run_ok(
            &sandbox,
            &["activity", "list", "-a", "Broker", "--type", "buy"],
            "--csv",
        );
        let row = csv.lines().nth(1).unwrap();
        assert!(
            row.ends_with(
                ",2024-01-02,buy,AAPL,10.000000,150.25,,1.00,USD,,,,\"first lot, \"\"core\"\"\""
            ),
            "{row}"
        );
        let csv = run_ok(&sandbox, &["income", "--year", "2024"], "--csv");
        assert_eq!(
            csv,
            "group,currency,gross,withheld,net,count,complete\n\
             2024-03,USD,12.00,1.80,10.20,1,true\n"
        );
        let csv = run_ok(&sandbox, &["rates", "--date", "2024-01-31"], "--csv");
        assert_eq!(
            csv,
            "base_currency,currency,rate,date\n\
             USD,EUR,0.9123,2024-01-31\n\
             USD,GBP,0.7871,2024-01-31\n"
        );
        // Prices are JSON numbers in the API, as written.
        let json = run_ok(
            &sandbox,
            &[
                "prices",
                "AAPL",
                "--start",
                "2024-01-05",
                "--end",
                "2024-01-05",
            ],
            "--json",
        );
        assert_eq!(
            json.trim(),
            r#"[{"timestamp":"2024-01-05T00:00:00Z","open":180.18,"high":182.18,"low":179.18,"close":181.18,"adj_close":181.18,"volume":58414500}]"#
        );
    });
}

#[tokio::test]
async fn an_empty_listing_is_an_empty_array_no_lines_or_a_header() {
    let sandbox = Sandbox::new();
    let o = sandbox.run(&["migrate"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(run_ok(&sandbox, &["accounts"], "--json"), "[]\n");
    assert_eq!(run_ok(&sandbox, &["accounts"], "--ndjson"), "");
    assert_eq!(
        run_ok(&sandbox, &["accounts"], "--csv"),
        "name,account_type,currency_code,is_asset,is_investment_account,cost_basis_method,\
         interest_rate,financial_institution_id,id\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn one_format_at_a_time_and_a_bom_only_on_csv() {
    let yahoo = fake_yahoo().await;
    let sandbox = portfolio(&yahoo).await;
    tokio::task::block_in_place(|| {
        for both in [
            ["--json", "--csv"],
            ["--json", "--ndjson"],
            ["--ndjson", "--csv"],
        ] {
            let o = sandbox.run(&["accounts", both[0], both[1]], None);
            assert!(!o.status.success(), "{both:?}");
            assert!(stderr(&o).contains("cannot be used with"), "{}", stderr(&o));
        }
        for bom in [&["--bom"][..], &["--json", "--bom"]] {
            let o = sandbox.run(&[&["accounts"][..], bom].concat(), None);
            assert!(!o.status.success(), "{bom:?}");
        }
        let o = sandbox.run(&["accounts", "--bom"], None);
        assert!(stderr(&o).contains("--csv"), "{}", stderr(&o));

        let plain = run_ok(&sandbox, &["accounts", "--csv"], "--bom");
        assert_eq!(
            plain.strip_prefix('\u{feff}'),
            Some(run_ok(&sandbox, &["accounts"], "--csv").as_str())
        );
        // The sandbox's owner has no rates from this currency.
        let o = sandbox.run(&["rates", "CHF", "--json"], None);
        assert_clear_failure(&o, "CHF");
    });
}

/// `finances perf --series --ndjson | head -1`: the reader leaves after one line of many.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread")]
async fn a_listing_ends_quietly_when_the_pipe_closes() {
    use super::commands::{assert_quiet_success, first_line_then_close};
    let yahoo = fake_yahoo().await;
    let sandbox = portfolio(&yahoo).await;
    for (format, first) in [
        ("--ndjson", "{\"date\":\"2024-01-02\""),
        ("--csv", "date,value"),
    ] {
        let (line, o) = tokio::task::block_in_place(|| {
            first_line_then_close(sandbox.command(&[
                "perf",
                "--series",
                format,
                "--start",
                "2024-01-02",
                "--end",
                "2024-12-31",
            ]))
        });
        assert_quiet_success(&o, format);
        assert!(line.starts_with(first), "{format}: {line}");
    }
}
