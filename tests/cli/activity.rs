//! `finances activity`: an account's ledger from the shell, checked by the same service as
//! the API (a sale of more than is held is refused), printed as a table, JSON or CSV.

use std::str::FromStr;

use finances::domain::security_event::{CorporateAction, SecurityEvent};
use finances::domain::{
    self, AccountType, CurrencyCode, NewAccount, NewSecurity, SecurityType, Symbol,
};
use finances::market::{self, CacheSettings, YahooSettings};
use finances::service::Services;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::commands::{assert_clear_failure, stderr, stdout, Sandbox};

/// A migrated personal store with the owner's brokerage account "Broker" (USD) and AAPL
/// stored, so that nothing needs Yahoo.
pub(super) async fn sandbox_with_account() -> Sandbox {
    let sandbox = Sandbox::new();
    let o = sandbox.run(&["migrate"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let url = format!("sqlite://{}", sandbox.path("finances.db").display());
    let store = finances::store::open(&url).await.unwrap();
    let yahoo = YahooSettings {
        base_url: Some(url::Url::parse("http://127.0.0.1:1").unwrap()),
        retries: 0,
        ..YahooSettings::default()
    };
    let services = Services::new(
        store.clone(),
        market::connect(yahoo, &CacheSettings::default()).unwrap(),
    );
    let owner = services.users.local_owner().await.unwrap();
    let account = NewAccount::new(
        "Broker",
        AccountType::Brokerage,
        CurrencyCode::usd(),
        None,
        true,
        None,
    )
    .unwrap();
    services
        .portfolio
        .create_account(&owner, account)
        .await
        .unwrap();
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
    store.insert_security(&aapl).await.unwrap();
    sandbox
}

#[tokio::test]
async fn trades_are_recorded_checked_listed_and_removed() {
    let sandbox = sandbox_with_account().await;
    let buy = sandbox.run(
        &[
            "activity",
            "add",
            "-a",
            "broker",
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
        ],
        None,
    );
    assert!(buy.status.success(), "{}", stderr(&buy));
    assert!(stdout(&buy).contains("AAPL"), "{}", stdout(&buy));

    // 10 held: selling 11 is refused, in one line that says why.
    let oversold = sandbox.run(
        &[
            "activity",
            "add",
            "-a",
            "Broker",
            "sell",
            "--symbol",
            "AAPL",
            "--quantity",
            "11",
            "--price",
            "160",
            "--date",
            "2024-02-01",
        ],
        None,
    );
    assert_clear_failure(&oversold, "only 10 are held");
    // A field the type has no use for is named.
    let extra = sandbox.run(
        &[
            "activity",
            "add",
            "-a",
            "Broker",
            "buy",
            "--symbol",
            "AAPL",
            "--quantity",
            "1",
            "--price",
            "1",
            "--amount",
            "5",
        ],
        None,
    );
    assert_clear_failure(&extra, "amount");
    let nowhere = sandbox.run(&["activity", "list", "-a", "Savings"], None);
    assert_clear_failure(&nowhere, "Savings");

    let csv = sandbox.run(&["activity", "list", "-a", "Broker", "--csv"], None);
    assert!(csv.status.success(), "{}", stderr(&csv));
    let text = stdout(&csv);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("id,date,activity_type,symbol,quantity,unit_price,amount,fee,currency,fx_rate,split_ratio,external_id,notes")
    );
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &row[1..10],
        [
            "2024-01-02",
            "buy",
            "AAPL",
            "10.000000",
            "150.25",
            "",
            "1.00",
            "USD",
            ""
        ]
    );
    assert_eq!(lines.next(), None);

    let json = sandbox.run(&["activity", "list", "-a", "Broker", "--json"], None);
    let items: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert_eq!(items[0]["quantity"], "10.000000");
    assert_eq!(items[0]["amount"], serde_json::Value::Null);
    assert_eq!(
        Decimal::from_str(items[0]["unit_price"].as_str().unwrap()).unwrap(),
        Decimal::from_str("150.25").unwrap()
    );

    let id = row[0];
    let rm = sandbox.run(&["activity", "rm", "-a", "Broker", id], None);
    assert!(rm.status.success(), "{}", stderr(&rm));
    let json = sandbox.run(&["activity", "list", "-a", "Broker", "--json"], None);
    assert_eq!(stdout(&json).trim(), "[]");
}

/// Buy 10 AAPL @ 150.25 + 1 fee (cost 1,503.50); sell 4 @ 160 - 1 fee: proceeds 639, cost
/// 4/10 x 1,503.50 = 601.40, gain 37.60; a dividend of 12 with 1.80 withheld: net 10.20.
/// Left: 6 shares costing 902.10, 150.35 each; no close is stored, so no market figures.
#[tokio::test]
async fn positions_gains_and_income_come_from_the_ledger() {
    let sandbox = sandbox_with_account().await;
    for args in [
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
        ][..],
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

    let o = sandbox.run(&["positions", "-a", "Broker", "--csv"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "symbol,quantity,cost_basis,average_cost,market_price,price_date,market_value,\
         unrealized_gain,unrealized_gain_pct,realized_gain,income,complete\n\
         AAPL,6.000000,902.10,150.35,,,,,,37.60,10.20,false\n"
    );

    let o = sandbox.run(&["gains", "--year", "2024", "--json"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["proceeds"], "639.00");
    assert_eq!(rows[0]["cost"], "601.40");
    assert_eq!(rows[0]["gain"], "37.60");
    assert_eq!(rows[0]["holding_days"], 30);
    let o = sandbox.run(&["gains", "--year", "2023", "--csv"], None);
    assert_eq!(
        stdout(&o).lines().count(),
        1,
        "only the header: {}",
        stdout(&o)
    );

    let o = sandbox.run(&["income", "--year", "2024", "--csv"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "group,currency,gross,withheld,net,count,complete\n2024-03,USD,12.00,1.80,10.20,1,true\n"
    );
    let bad = sandbox.run(&["income", "--group", "week"], None);
    assert_clear_failure(&bad, "week");
}

/// 1,000 deposited on 2024-01-02 and 200 withdrawn on 2024-01-04, nothing invested: the value
/// is 1000, 1000, 800. r(4 Jan) = 800 / (1000 - 200) - 1 = 0, so the twr is 0; net flows
/// -200; gain 800 - 1000 + 200 = 0.
#[tokio::test]
async fn perf_prints_the_returns_and_their_daily_series() {
    let sandbox = sandbox_with_account().await;
    for args in [
        &["deposit", "--amount", "1000", "--date", "2024-01-02"][..],
        &["withdrawal", "--amount", "200", "--date", "2024-01-04"],
    ] {
        let mut full = vec!["activity", "add", "-a", "Broker"];
        full.extend_from_slice(args);
        let o = sandbox.run(&full, None);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let range = ["--start", "2024-01-02", "--end", "2024-01-04"];
    let mut args = vec!["perf", "--series", "--csv"];
    args.extend_from_slice(&range);
    let o = sandbox.run(&args, None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "date,value,flow,twr_cumulative\n\
         2024-01-02,1000.00,0.00,0.00\n\
         2024-01-03,1000.00,0.00,0.00\n\
         2024-01-04,800.00,-200.00,0.00\n"
    );
    let mut args = vec!["perf", "-a", "Broker", "--json"];
    args.extend_from_slice(&range);
    let o = sandbox.run(&args, None);
    assert!(o.status.success(), "{}", stderr(&o));
    let docs: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(docs.as_array().unwrap().len(), 1);
    let doc = &docs[0];
    assert_eq!(doc["net_flows"], "-200.00");
    assert_eq!(doc["gain"], "0.00");
    assert_eq!(doc["twr"], "0.00");
    assert_eq!(doc["flows"][0]["kind"], "withdrawal");
    assert_eq!(doc["flows"][0]["amount"], "-200.00");
    let mut args = vec!["perf", "-a", "Broker", "--csv"];
    args.extend_from_slice(&range);
    let o = sandbox.run(&args, None);
    assert_eq!(
        stdout(&o),
        "currency,start,end,start_value,end_value,net_flows,income,fees,taxes,gain,twr,\
         twr_annualized,mwr,complete\n\
         USD,2024-01-02,2024-01-04,1000.00,800.00,-200.00,0.00,0.00,0.00,0.00,0.00,,0.00,true\n"
    );
    let mut args = vec!["perf"];
    args.extend_from_slice(&range);
    let o = sandbox.run(&args, None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("TWR"), "{}", stdout(&o));
    let bad = sandbox.run(&["perf", "--start", "2024-02-30"], None);
    assert_clear_failure(&bad, "start");
}

/// AAPL split 4:1 on 2024-06-10 as the market data reports it; the 10 shares bought on
/// 2024-01-02 make it a proposal. Accepted once, it is recorded and no longer proposed.
#[tokio::test]
async fn proposals_are_listed_and_accepted_from_the_shell() {
    let sandbox = sandbox_with_account().await;
    let o = sandbox.run(
        &[
            "activity",
            "add",
            "-a",
            "Broker",
            "buy",
            "--symbol",
            "AAPL",
            "--quantity",
            "10",
            "--price",
            "150",
            "--date",
            "2024-01-02",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let url = format!("sqlite://{}", sandbox.path("finances.db").display());
    let store = finances::store::open(&url).await.unwrap();
    let aapl = store
        .security_by_symbol(&Symbol::parse("AAPL").unwrap())
        .await
        .unwrap()
        .unwrap();
    store
        .save_events(&[SecurityEvent {
            security_id: aapl.id,
            date: "2024-06-10".parse().unwrap(),
            action: CorporateAction::Split {
                new: Decimal::from(4),
                old: Decimal::ONE,
            },
        }])
        .await
        .unwrap();
    let o = sandbox.run(&["proposals", "--csv"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("id,date,account_name,symbol,activity_type,quantity,split_ratio,amount,amount_per_share,currency")
    );
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        row[1..],
        [
            "2024-06-10",
            "Broker",
            "AAPL",
            "split",
            "10.000000",
            "4:1",
            "",
            "",
            ""
        ]
    );
    assert_eq!(lines.next(), None);
    let o = sandbox.run(&["proposals", "--accept", row[0]], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("recorded split"), "{}", stdout(&o));
    let o = sandbox.run(&["proposals", "--json"], None);
    assert_eq!(stdout(&o).trim(), "[]");
    let bad = sandbox.run(&["proposals", "--dismiss", "nonsense"], None);
    assert_clear_failure(&bad, "nonsense");
}
