//! `finances import`: a broker's export read into an account from the shell, by the same
//! service as the API: the dry run stores nothing, a bad line refuses the file with its line
//! and exit 1, and the same file imported twice adds nothing.

use serde_json::Value;

use super::activity::sandbox_with_account;
use super::commands::{assert_clear_failure, stderr, stdout};

const FILE: &str = "Trade Date;Action;Ticker;Shares;Price;Commission\n\
                    02.01.2024;Kauf;AAPL;10;150,25;1,00\n\
                    03.01.2024;Verkauf;AAPL;4;160,00;1,00\n\
                    04.01.2024;Dividende;AAPL;;;\n";

#[tokio::test]
async fn a_file_is_tried_imported_and_imported_again() {
    let sandbox = sandbox_with_account().await;
    // The dividend row has no amount: the whole file is refused, naming line 4.
    std::fs::write(sandbox.path("bad.csv"), FILE).unwrap();
    let bad = sandbox.path("bad.csv");
    let o = sandbox.run(&["import", bad.to_str().unwrap(), "-a", "broker"], None);
    assert_clear_failure(&o, "nothing was imported");
    assert!(stdout(&o).contains("Cannot be imported"), "{}", stdout(&o));
    assert!(
        stdout(&o).lines().any(|l| l.starts_with('4')),
        "{}",
        stdout(&o)
    );

    let good_text = FILE.replace("04.01.2024;Dividende;AAPL;;;\n", "");
    std::fs::write(sandbox.path("trades.csv"), good_text).unwrap();
    let file = sandbox.path("trades.csv");
    let file = file.to_str().unwrap();

    let dry = sandbox.run(&["import", file, "-a", "broker", "--dry-run"], None);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(
        stdout(&dry).contains("dry run (csv): 2 to add to Broker"),
        "{}",
        stdout(&dry)
    );
    assert!(stdout(&dry).contains("150.25"), "{}", stdout(&dry));
    let listed = sandbox.run(&["activity", "list", "-a", "broker", "--json"], None);
    let listed: Value = serde_json::from_str(&stdout(&listed)).unwrap();
    assert_eq!(
        listed.as_array().unwrap().len(),
        0,
        "a dry run stores nothing"
    );

    let real = sandbox.run(&["import", file, "-a", "broker", "--json"], None);
    assert!(real.status.success(), "{}", stderr(&real));
    let report: Value = serde_json::from_str(&stdout(&real)).unwrap();
    assert_eq!(report["added"], 2);
    assert_eq!(report["rows"][0]["unit_price"], "150.25");
    assert_eq!(report["rows"][1]["activity_type"], "sell");

    let again = sandbox.run(&["import", file, "-a", "broker"], None);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("0 added to Broker, 2 already there"),
        "{}",
        stdout(&again)
    );

    let missing = sandbox.run(&["import", "no-such-file.csv", "-a", "broker"], None);
    assert_clear_failure(&missing, "no-such-file.csv");
    let format = sandbox.run(&["import", file, "-a", "broker", "--format", "excel"], None);
    assert_clear_failure(&format, "excel");
}
