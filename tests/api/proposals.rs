//! `/api/v1/proposals` on both stores: splits and dividends the market data reported become
//! proposed activities for accounts that held the security and lack them; accepted once,
//! dismissed once, never proposed twice, and only to the owner.

use crate::support;

use std::str::FromStr;

use chrono::NaiveDate;
use finances::domain::ledger::ActivityType;
use finances::domain::security_event::{CorporateAction, SecurityEvent};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use support::http::{Db, TestApp};

use crate::ledger_views::{account, buy, record, security, store, Row};

on_both_stores!(splits_and_dividends_are_proposed_accepted_and_dismissed_once);

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn dividend<'a>(on: &'a str, sec: uuid::Uuid, amount: &'a str) -> Row<'a> {
    (
        ActivityType::Dividend,
        on,
        Some(sec),
        None,
        None,
        Some(amount),
        None,
        "USD",
    )
}

/// AAA pays 0.50 a share (ex-date 2024-02-01) and splits 2:1 on 2024-03-01. The market data's
/// per-share amounts are split-adjusted: 0.50 is half of what was paid per share held then,
/// so the 10 shares held are counted as 20, and the dividend is 20 x 0.50 = 10.00.
/// "Broker" bought 10 on 2024-01-02: it is offered both. "Second" holds 10 too but recorded
/// the dividend (paid 2024-02-20, within two months of the ex-date): only the split. "Later"
/// bought after the split: nothing.
async fn splits_and_dividends_are_proposed_accepted_and_dismissed_once(db: Db) {
    let app = TestApp::start(db).await;
    let ann = app.signup("ann").await;
    let bob = app.signup("bob").await;
    let store = store(&app).await;
    let aaa = security(store.as_ref(), "AAA", "USD", &[]).await;
    let events = vec![
        SecurityEvent {
            security_id: aaa,
            date: day("2024-02-01"),
            action: CorporateAction::Dividend {
                amount: dec("0.5"),
                currency: Some("USD".into()),
            },
        },
        SecurityEvent {
            security_id: aaa,
            date: day("2024-03-01"),
            action: CorporateAction::Split {
                new: dec("2"),
                old: dec("1"),
            },
        },
    ];
    store.save_events(&events).await.unwrap();
    let broker = account(&app, &ann, "Broker", "USD").await;
    let second = account(&app, &ann, "Second", "USD").await;
    let later = account(&app, &ann, "Later", "USD").await;
    record(
        store.as_ref(),
        broker,
        &[buy("2024-01-02", aaa, "10", "50", "0", "USD")],
    )
    .await;
    record(
        store.as_ref(),
        second,
        &[
            buy("2024-01-02", aaa, "10", "50", "0", "USD"),
            dividend("2024-02-20", aaa, "10"),
        ],
    )
    .await;
    record(
        store.as_ref(),
        later,
        &[buy("2024-03-05", aaa, "4", "26", "0", "USD")],
    )
    .await;

    let list = |token: String| {
        let app = &app;
        async move {
            let r = app.get("/api/v1/proposals", &token).await;
            r.expect(200);
            r.body.as_array().unwrap().clone()
        }
    };
    let proposals = list(ann.access.clone()).await;
    let summary: Vec<(String, String, String)> = proposals
        .iter()
        .map(|p| {
            (
                p["account_name"].as_str().unwrap().to_string(),
                p["activity_type"].as_str().unwrap().to_string(),
                p["date"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let row = |a: &str, t: &str, d: &str| (a.to_string(), t.to_string(), d.to_string());
    assert_eq!(
        summary,
        vec![
            row("Broker", "dividend", "2024-02-01"),
            row("Broker", "split", "2024-03-01"),
            row("Second", "split", "2024-03-01"),
        ]
    );
    let dividend_proposal = &proposals[0];
    assert_eq!(dividend_proposal["symbol"], "AAA");
    assert_eq!(dividend_proposal["quantity"], "20.000000");
    assert_eq!(dividend_proposal["amount"], "10.00");
    assert_eq!(dividend_proposal["amount_per_share"], "0.5");
    assert_eq!(dividend_proposal["currency"], "USD");
    assert_eq!(dividend_proposal["split_ratio"], Value::Null);
    let split_proposal = &proposals[1];
    assert_eq!(split_proposal["quantity"], "10.000000");
    assert_eq!(split_proposal["split_ratio"], "2:1");
    assert_eq!(split_proposal["amount"], Value::Null);
    // The ids stay the same from one read to the next.
    assert_eq!(list(ann.access.clone()).await, proposals);

    // Someone else sees none of them and can act on none.
    assert_eq!(list(bob.access.clone()).await, Vec::<Value>::new());
    let split_id = split_proposal["id"].as_str().unwrap().to_string();
    let dividend_id = dividend_proposal["id"].as_str().unwrap().to_string();
    for verb in ["accept", "dismiss"] {
        let r = app
            .post(
                &format!("/api/v1/proposals/{split_id}/{verb}"),
                &bob.access,
                json!({}),
            )
            .await;
        r.expect(404);
        assert_eq!(r.body["detail"], "Proposal not found");
    }

    // Accepting records the split in Broker; it is then no longer proposed, and accepting
    // it again finds nothing.
    let r = app
        .post(
            &format!("/api/v1/proposals/{split_id}/accept"),
            &ann.access,
            json!({}),
        )
        .await;
    r.expect(201);
    assert_eq!(r.body["activity_type"], "split");
    assert_eq!(r.body["date"], "2024-03-01");
    assert_eq!(r.body["split_ratio"], "2:1");
    app.post(
        &format!("/api/v1/proposals/{split_id}/accept"),
        &ann.access,
        json!({}),
    )
    .await
    .expect(404);
    let positions = app
        .get(&format!("/api/v1/accounts/{broker}/positions"), &ann.access)
        .await;
    assert_eq!(positions.body[0]["quantity"], "20.000000");

    // Dismissing stops proposing the dividend; dismissing again finds nothing.
    app.post(
        &format!("/api/v1/proposals/{dividend_id}/dismiss"),
        &ann.access,
        json!({}),
    )
    .await
    .expect(204);
    app.post(
        &format!("/api/v1/proposals/{dividend_id}/dismiss"),
        &ann.access,
        json!({}),
    )
    .await
    .expect(404);
    let left: Vec<String> = list(ann.access.clone())
        .await
        .iter()
        .map(|p| p["account_name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(left, ["Second"]);

    // A sync storing the same events again proposes nothing new.
    store.save_events(&events).await.unwrap();
    assert_eq!(list(ann.access.clone()).await.len(), 1);
}
