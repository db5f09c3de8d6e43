//! Sums of many amounts at the cap of a single amount: every report that
//! adds them up stays readable and exact, on both backends.
//!
//! One amount is at most 999,999,999,999,999.99 đồng (99,999,999,999,999,999
//! hundredths); 93 of them already exceed a 64-bit count of hundredths
//! (9,223,372,036,854,775,807), so each test goes to 100.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const CAP: &str = "999999999999999.99";

fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(7)).date_naive()
}

impl TestApp {
    /// Posts "debit `debit`, credit `credit`" of `amount` on BTC's 6700.
    async fn post_entry(&self, token: &str, date: NaiveDate, debit: &str, credit: &str) -> u16 {
        let res = self
            .post(
                "/api/v1/journal",
                token,
                &json!({"date": date, "description": "Nghiệp vụ lớn", "board_id": self.boards["BTC"],
                        "budget_line": "6700",
                        "lines": [{"account": debit, "side": "debit", "amount": CAP},
                                  {"account": credit, "side": "credit", "amount": CAP}]}),
            )
            .await;
        assert!(res.status == 201 || res.status == 500, "{}", res.text);
        res.status
    }

    async fn read_ok(&self, token: &str, path: &str) -> Value {
        let res = self.get(path, token).await;
        assert_eq!(res.status, 200, "{path}: {}", res.text);
        res.json()
    }
}

fn account<'a>(tb: &'a Value, code: &str) -> &'a Value {
    tb["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["account"] == code)
        .unwrap_or_else(|| panic!("no account {code} in {tb}"))
}

#[actix_web::test]
async fn a_hundred_entries_at_the_cap_leave_the_trial_balance_and_ledger_readable() {
    let app = spawn_app().await;
    let finance = app.token("finance").await;
    let day = today();
    for _ in 0..100 {
        assert_eq!(app.post_entry(&finance, day, "112", "511").await, 201);
    }
    // 100 × 999,999,999,999,999.99 = 99,999,999,999,999,999.00 đồng.
    let hundred = "99999999999999999";
    let tb = app
        .read_ok(
            &finance,
            &format!("/api/v1/reports/trial-balance?from={day}&to={day}"),
        )
        .await;
    assert_eq!(account(&tb, "112")["debit"], hundred);
    assert_eq!(account(&tb, "112")["credit"], "0");
    assert_eq!(account(&tb, "112")["closing_debit"], hundred);
    assert_eq!(account(&tb, "511")["credit"], hundred);
    assert_eq!(account(&tb, "511")["closing_credit"], hundred);
    assert_eq!(tb["totals"]["debit"], hundred);
    assert_eq!(tb["totals"]["credit"], hundred);
    assert_eq!(tb["totals"]["closing_debit"], hundred);
    assert_eq!(tb["totals"]["closing_credit"], hundred);
    // From the next day on, all of it is the opening balance.
    let next = day + Duration::days(1);
    let tb = app
        .read_ok(
            &finance,
            &format!("/api/v1/reports/trial-balance?from={next}&to={next}"),
        )
        .await;
    assert_eq!(account(&tb, "112")["opening_debit"], hundred);
    assert_eq!(account(&tb, "112")["debit"], "0");
    assert_eq!(account(&tb, "511")["opening_credit"], hundred);
    assert_eq!(tb["totals"]["opening_debit"], hundred);

    // The bank's ledger: a running balance through all 100 lines, and a
    // second page whose balance before is summed by the database:
    // 95 × 999,999,999,999,999.99 = 94,999,999,999,999,999.05.
    let path = format!("/api/v1/reports/account-ledger?account=112&from={day}&to={day}");
    let page1 = app.read_ok(&finance, &format!("{path}&limit=95")).await;
    assert_eq!(page1["balance_before"], "0");
    let lines = page1["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 95);
    assert_eq!(lines[0]["balance"], CAP);
    // 92 lines still fit 64 bits, 93 do not:
    // 91,999,999,999,999,999.08 and 92,999,999,999,999,999.07.
    assert_eq!(lines[91]["balance"], "91999999999999999.08");
    assert_eq!(lines[92]["balance"], "92999999999999999.07");
    assert_eq!(lines[94]["balance"], "94999999999999999.05");
    let cursor = page1["next_cursor"].as_str().unwrap();
    let page2 = app
        .read_ok(&finance, &format!("{path}&limit=95&cursor={cursor}"))
        .await;
    assert_eq!(page2["balance_before"], "94999999999999999.05");
    let lines = page2["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[4]["balance"], hundred);
    let all = app.get(&format!("{path}&format=csv"), &finance).await;
    assert_eq!(all.status, 200, "{}", all.text);
    assert_eq!(all.text.lines().count(), 101, "header and 100 lines");
    assert!(
        all.text
            .lines()
            .last()
            .unwrap()
            .ends_with(",99999999999999999"),
        "{}",
        all.text.lines().last().unwrap()
    );
}

#[actix_web::test]
async fn a_hundred_allocations_at_the_cap_and_a_spend_on_the_line() {
    let app = spawn_app().await;
    let finance = app.token("finance").await;
    let day = today();
    let year = day.year();
    for _ in 0..100 {
        let res = app
            .post(
                "/api/v1/allocations",
                &finance,
                &json!({"fiscal_year": year, "board_id": app.boards["BTC"], "budget_line": "6700",
                        "amount": CAP, "reason": "Giao dự toán"}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
    }
    let execution = format!("/api/v1/reports/budget-execution?fiscal_year={year}");
    let rows = app.read_ok(&finance, &execution).await;
    let row = rows["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["board"] == "BTC" && r["budget_line"] == "6700")
        .unwrap()
        .clone();
    assert_eq!(row["allocated"], "99999999999999999");
    assert_eq!(row["committed"], "0");
    assert_eq!(row["spent"], "0");
    assert_eq!(row["available"], "99999999999999999");

    // Spending on the line reads its position for the budget check.
    assert_eq!(app.post_entry(&finance, day, "611", "112").await, 201);
    let rows = app.read_ok(&finance, &execution).await;
    let row = rows["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["board"] == "BTC" && r["budget_line"] == "6700")
        .unwrap()
        .clone();
    assert_eq!(row["spent"], CAP);
    // 99 × 999,999,999,999,999.99 = 98,999,999,999,999,999.01.
    assert_eq!(row["available"], "98999999999999999.01");
    // 1 of 100 allocated.
    let pct = row["execution_percent"].as_str().unwrap();
    assert!(pct == "1" || pct == "1.00", "{pct}");

    // Lowering the allocation by the cap checks it against what is used.
    let res = app
        .post(
            "/api/v1/allocations",
            &finance,
            &json!({"fiscal_year": year, "board_id": app.boards["BTC"], "budget_line": "6700",
                    "amount": format!("-{CAP}"), "reason": "Điều chỉnh"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let rows = app.read_ok(&finance, &execution).await;
    let row = rows["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["board"] == "BTC" && r["budget_line"] == "6700")
        .unwrap();
    // 99 − 1 = 98 × 999,999,999,999,999.99 = 97,999,999,999,999,999.02.
    assert_eq!(row["allocated"], "98999999999999999.01");
    assert_eq!(row["available"], "97999999999999999.02");
}
