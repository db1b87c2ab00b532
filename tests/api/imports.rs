//! `POST /api/v1/accounts/{id}/import` on both stores: a file stored whole or not at all,
//! its dry run storing nothing, a second run adding nothing, each unknown symbol looked up
//! once and refused on its lines, and a recorded Ghostfolio export whose figures are worked
//! out by hand.

use crate::ledger_views::{account, security, store};
use crate::support;

use reqwest::Method;
use serde_json::{json, Value};
use support::http::{Db, Res, Session, TestApp};
use support::import_files::import_fixture;
use uuid::Uuid;

on_both_stores!(
    a_file_is_imported_whole_and_a_second_run_adds_nothing,
    a_dry_run_shows_every_row_and_its_errors_and_stores_nothing,
    a_bad_line_refuses_the_whole_file_with_its_line,
    each_unknown_symbol_is_looked_up_once_and_refused_on_its_lines,
    files_that_cannot_be_read_and_accounts_of_others,
    a_recorded_ghostfolio_export_with_its_realized_gain,
    a_mapping_is_saved_under_a_name_and_used_again,
);

const BOUNDARY: &str = "finances-test-boundary";

/// Sends `file` as the multipart field `file` to the account's import.
async fn import(app: &TestApp, s: &Session, account: Uuid, query: &str, file: &[u8]) -> Res {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"export\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let path = format!("/api/v1/accounts/{account}/import{query}");
    let r = app
        .request(Method::POST, &path, Some(&s.access))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body);
    app.send(r).await
}

async fn activities(app: &TestApp, s: &Session, account: Uuid) -> Vec<Value> {
    let r = app
        .get(&format!("/api/v1/accounts/{account}/activities"), &s.access)
        .await;
    r.expect(200);
    r.body.as_array().unwrap().clone()
}

/// A deposit, a buy, a dividend, a sale and a fee of TEST (known to the local Yahoo).
const LEDGER_CSV: &str = "Date,Type,Symbol,Quantity,Price,Amount,Fee,Currency,Notes\n\
2024-01-02,Deposit,,,,5000,,USD,opening\n\
2024-01-03,Buy,TEST,10,150,,1,USD,\n\
2024-03-01,Dividend,TEST,,,12.5,,USD,\n\
2024-04-02,Sell,TEST,4,160,,1,USD,\n\
2024-05-01,Fee,,,,25,,USD,custody\n";

async fn a_file_is_imported_whole_and_a_second_run_adds_nothing(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let broker = account(&app, &s, "Broker", "USD").await;

    let r = import(&app, &s, broker, "", LEDGER_CSV.as_bytes()).await;
    r.expect(201);
    assert_eq!(r.body["format"], "csv");
    assert_eq!(
        (r.body["added"].as_u64(), r.body["skipped"].as_u64()),
        (Some(5), Some(0))
    );
    assert_eq!(r.body["stored"], true);
    let stored = activities(&app, &s, broker).await;
    let types: Vec<&str> = stored
        .iter()
        .map(|a| a["activity_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["deposit", "buy", "dividend", "sell", "fee"]);
    assert_eq!(stored[1]["quantity"], "10.000000");
    assert_eq!(stored[1]["unit_price"], "150.00");
    assert_eq!(stored[1]["security"]["symbol"], "TEST");
    assert_eq!(stored[2]["amount"], "12.50");
    assert!(stored
        .iter()
        .all(|a| a["external_id"].as_str().unwrap().starts_with("csv:")));

    // The same file again: every row is already there.
    let again = import(&app, &s, broker, "", LEDGER_CSV.as_bytes()).await;
    again.expect(200);
    assert_eq!(
        (again.body["added"].as_u64(), again.body["skipped"].as_u64()),
        (Some(0), Some(5))
    );
    assert_eq!(activities(&app, &s, broker).await.len(), 5);

    // The cash the file leaves: 5000 - 1501 + 12.5 + 639 - 25 = 4125.50.
    let cash = app
        .get(&format!("/api/v1/accounts/{broker}/cash"), &s.access)
        .await;
    cash.expect(200);
    assert_eq!(cash.body["balance"], "4125.50");
}

async fn a_dry_run_shows_every_row_and_its_errors_and_stores_nothing(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let broker = account(&app, &s, "Broker", "USD").await;

    let r = import(&app, &s, broker, "?dry_run=true", LEDGER_CSV.as_bytes()).await;
    r.expect(200);
    assert_eq!(r.body["dry_run"], true);
    assert_eq!(r.body["stored"], false);
    assert_eq!(r.body["added"], 5);
    let rows = r.body["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[1]["line"], 3);
    assert_eq!(rows[1]["status"], "new");
    assert_eq!(rows[1]["activity"]["activity_type"], "buy");
    assert_eq!(rows[1]["activity"]["fee"], "1.00");
    assert!(activities(&app, &s, broker).await.is_empty());

    // A dry run of a file with a bad line lists it, with its line, and still stores nothing.
    let bad = format!("{LEDGER_CSV}2024-06-01,Swap,TEST,1,1,,,USD,\n");
    let r = import(&app, &s, broker, "?dry_run=true", bad.as_bytes()).await;
    r.expect(200);
    assert_eq!(r.body["errors"][0]["line"], 7);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("'Swap'"),
        "{}",
        r.text
    );
    assert_eq!(r.body["added"], 0);
    assert!(activities(&app, &s, broker).await.is_empty());
}

async fn a_bad_line_refuses_the_whole_file_with_its_line(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let broker = account(&app, &s, "Broker", "USD").await;

    // Line 3 sells 5 TEST on a day when none is held yet.
    let oversold = "date,type,symbol,quantity,price\n\
                    2024-01-03,buy,TEST,10,150\n\
                    2024-01-02,sell,TEST,5,150\n";
    let r = import(&app, &s, broker, "", oversold.as_bytes()).await;
    r.expect(422);
    assert_eq!(r.body["detail"][0]["loc"], json!(["file", 3]), "{}", r.text);
    assert!(activities(&app, &s, broker).await.is_empty());

    // A date in the future, and a negative amount read as its size: the date refuses line 2.
    let future = "date,type,amount\n2999-01-01,deposit,100\n2024-01-01,deposit,-100\n";
    let r = import(&app, &s, broker, "", future.as_bytes()).await;
    r.expect(422);
    assert_eq!(r.body["detail"].as_array().unwrap().len(), 1, "{}", r.text);
    assert_eq!(r.body["detail"][0]["loc"], json!(["file", 2]));
    assert!(activities(&app, &s, broker).await.is_empty());
}

async fn each_unknown_symbol_is_looked_up_once_and_refused_on_its_lines(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let broker = account(&app, &s, "Broker", "USD").await;

    let file = "date,type,symbol,quantity,price\n\
                2024-01-02,buy,ZZZA,1,10\n\
                2024-01-02,buy,ZZZB,1,10\n\
                2024-01-03,buy,ZZZB,1,10\n\
                2024-01-04,buy,ZZZB,2,10\n\
                2024-01-04,buy,TEST,2,10\n";
    let r = import(&app, &s, broker, "", file.as_bytes()).await;
    r.expect(422);
    let lines: Vec<&Value> = r.body["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["loc"][1])
        .collect();
    assert_eq!(
        lines,
        [&json!(2), &json!(3), &json!(4), &json!(5)],
        "{}",
        r.text
    );
    assert!(
        r.body["detail"][1]["msg"]
            .as_str()
            .unwrap()
            .contains("'ZZZB'"),
        "{}",
        r.text
    );
    let asked = |symbol: &str| {
        app.yahoo
            .all_seen()
            .iter()
            .filter(|seen| seen.path.ends_with(&format!("/{symbol}")))
            .count()
    };
    assert!(asked("ZZZA") > 0);
    assert_eq!(asked("ZZZB"), asked("ZZZA"), "three lines, one lookup");
    assert!(activities(&app, &s, broker).await.is_empty());
}

async fn files_that_cannot_be_read_and_accounts_of_others(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let broker = account(&app, &s, "Broker", "USD").await;

    let r = import(&app, &s, broker, "", b"").await;
    r.expect(400);
    assert!(r.detail().contains("empty"), "{}", r.text);
    let r = import(&app, &s, broker, "", &[0xff, 0xfe, 0x00, 0x41]).await;
    r.expect(400);
    let r = import(&app, &s, broker, "", b"colour,size\nred,2\n").await;
    r.expect(400);
    assert!(r.detail().contains("--format"), "{}", r.text);
    let r = import(&app, &s, broker, "?format=excel", LEDGER_CSV.as_bytes()).await;
    r.expect(422);
    assert_eq!(r.body["detail"][0]["loc"], json!(["query", "format"]));
    let r = import(&app, &s, broker, "?map=when%3DDate", LEDGER_CSV.as_bytes()).await;
    r.expect(422);
    assert_eq!(r.body["detail"][0]["loc"], json!(["query", "map"]));
    let no_file = app
        .request(
            Method::POST,
            &format!("/api/v1/accounts/{broker}/import"),
            Some(&s.access),
        )
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(format!("--{BOUNDARY}--\r\n"));
    app.send(no_file).await.expect(422);

    let bob = app.signup("bob").await;
    let r = import(&app, &bob, broker, "", LEDGER_CSV.as_bytes()).await;
    r.expect(404);
    assert!(activities(&app, &s, broker).await.is_empty());
}

async fn a_recorded_ghostfolio_export_with_its_realized_gain(db: Db) {
    let Some(file) = import_fixture("ghostfolio/novn-buy-and-sell-partially.json") else {
        return;
    };
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let store = store(&app).await;
    security(
        store.as_ref(),
        "NOVN.SW",
        "CHF",
        &[("2022-04-08T15:30:00Z", "87.8")],
    )
    .await;
    let swiss = account(&app, &s, "Swiss", "CHF").await;

    let r = import(&app, &s, swiss, "", &file).await;
    r.expect(201);
    assert_eq!(r.body["format"], "ghostfolio");
    assert_eq!(r.body["added"], 2);
    // Bought 2 at 75.80 with 2.95 fees: 77.275 a share. Sold 1 at 85.73 less 1.30:
    // 84.43 proceeds, 84.43 - 77.275 = 7.155 gained; 1 share left at 77.275.
    let gains = app
        .get(
            &format!("/api/v1/realized-gains?account_id={swiss}"),
            &s.access,
        )
        .await;
    gains.expect(200);
    assert_eq!(gains.body[0]["proceeds"], "84.43");
    assert_eq!(gains.body[0]["gain"], "7.155");
    let positions = app
        .get(&format!("/api/v1/accounts/{swiss}/positions"), &s.access)
        .await;
    positions.expect(200);
    assert_eq!(positions.body[0]["quantity"], "1.000000");
    assert_eq!(positions.body[0]["cost_basis"], "77.275");

    let again = import(&app, &s, swiss, "", &file).await;
    again.expect(200);
    assert_eq!(again.body["skipped"], 2);
}

async fn a_mapping_is_saved_under_a_name_and_used_again(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("ann").await;
    let broker = account(&app, &s, "Broker", "USD").await;
    let file = "When;What;Paper;Pieces;At\n02/01/2024;Kauf;TEST;3;10,5\n";
    let map = "date%3DWhen,type%3DWhat,symbol%3DPaper,quantity%3DPieces,unit_price%3DAt";

    // No word of that header is known: without a mapping the file cannot be read.
    import(&app, &s, broker, "?dry_run=true", file.as_bytes())
        .await
        .expect(400);
    let r = import(&app, &s, broker, "?map=mybank", file.as_bytes()).await;
    r.expect(400);
    assert!(
        r.detail().contains("no mapping is saved as 'mybank'"),
        "{}",
        r.text
    );

    let r = import(
        &app,
        &s,
        broker,
        &format!("?dry_run=true&map={map}&save_map=MyBank"),
        file.as_bytes(),
    )
    .await;
    r.expect(200);
    assert_eq!(r.body["rows"][0]["activity"]["unit_price"], "10.50");

    // Saved under its name (any case), for this user only.
    let r = import(&app, &s, broker, "?map=mybank", file.as_bytes()).await;
    r.expect(201);
    assert_eq!(r.body["added"], 1);
    let bob = app.signup("bob").await;
    let bobs = account(&app, &bob, "Bob's", "USD").await;
    import(&app, &bob, bobs, "?map=mybank", file.as_bytes())
        .await
        .expect(400);
}
