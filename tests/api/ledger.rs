//! The finance ledger through the API: chart, budget lines, allocations,
//! posting with the budget check, reversal, immutability, month close.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use diesel::{Connection, RunQueryDsl};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

/// Today in the office's time zone (UTC+7, no daylight saving).
fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(7)).date_naive()
}

/// A day of the previous month.
fn last_month() -> NaiveDate {
    let first = today().with_day(1).unwrap();
    (first - Duration::days(1)).with_day(10).unwrap()
}

impl TestApp {
    async fn allocate(&self, board: &str, line: &str, year: i32, amount: &str) -> Value {
        let token = self.token("finance").await;
        let res = self
            .post(
                "/api/v1/allocations",
                &token,
                &json!({"fiscal_year": year, "board_id": self.boards[board], "budget_line": line,
                        "amount": amount, "reason": "Quyết định giao dự toán số 12/QĐ"}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
        res.json()
    }

    /// Posts "debit `debit`, credit `credit`" of `amount` for a board's budget line.
    async fn spend(
        &self,
        date: NaiveDate,
        board: &str,
        line: &str,
        debit: &str,
        credit: &str,
        amount: &str,
    ) -> crate::helpers::Resp {
        let token = self.token("finance").await;
        self.post(
            "/api/v1/journal",
            &token,
            &json!({
                "date": date, "description": "Chi công tác", "reference": "PC-0001",
                "board_id": self.boards[board], "budget_line": line,
                "lines": [
                    {"account": debit, "side": "debit", "amount": amount},
                    {"account": credit, "side": "credit", "amount": amount},
                ]
            }),
        )
        .await
    }
}

#[actix_web::test]
async fn the_chart_is_seeded_and_finance_extends_it() {
    let app = spawn_app().await;
    let clerk = app.token("clerk.btc").await;
    let res = app.get("/api/v1/accounts", &clerk).await;
    assert_eq!(res.status, 200);
    let codes: Vec<String> = res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        codes.contains(&"112".to_owned()) && codes.contains(&"611".to_owned()),
        "{codes:?}"
    );
    let bank = &res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "112")
        .cloned()
        .unwrap();
    assert_eq!(bank["kind"], "asset");
    assert_eq!(bank["reconcilable"], true);

    let body =
        json!({"code": "1121", "name": "Tiền gửi kho bạc", "kind": "asset", "reconcilable": true});
    app.post("/api/v1/accounts", &clerk, &body)
        .await
        .problem(403, "forbidden");
    let finance = app.token("finance").await;
    let res = app.post("/api/v1/accounts", &finance, &body).await;
    assert_eq!(res.status, 201, "{}", res.text);
    app.post("/api/v1/accounts", &finance, &body)
        .await
        .problem(409, "account_code_taken");
    let bad = app
        .post(
            "/api/v1/accounts",
            &finance,
            &json!({"code": "11A", "name": "x", "kind": "equity"}),
        )
        .await
        .problem(422, "validation_failed");
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["code", "kind"]);
}

#[actix_web::test]
async fn budget_lines_carry_a_control_policy() {
    let app = spawn_app().await;
    let finance = app.token("finance").await;
    let res = app.get("/api/v1/budget-lines", &finance).await;
    let items = res.json()["items"].as_array().unwrap().clone();
    let travel = items.iter().find(|l| l["code"] == "6700").unwrap();
    assert_eq!(travel["control"], "stop");
    let res = app
        .post(
            "/api/v1/budget-lines",
            &finance,
            &json!({"code": "6750", "name": "Chi thuê mướn", "control": "warn"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let res = app
        .patch(
            &format!("/api/v1/budget-lines/{id}"),
            &finance,
            &json!({"control": "block"}),
        )
        .await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"][0]["code"],
        "invalid_control"
    );
    let res = app
        .patch(
            &format!("/api/v1/budget-lines/{id}"),
            &finance,
            &json!({"control": "stop"}),
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["control"], "stop");
    let audit = app.audit_of(id.parse().unwrap()).await;
    assert_eq!(audit[0]["action"], "update");
    assert_eq!(audit[0]["before"]["control"], "warn");
    assert_eq!(audit[0]["after"]["control"], "stop");
}

#[actix_web::test]
async fn allocations_are_signed_entries_that_cannot_go_below_use() {
    let app = spawn_app().await;
    let year = today().year();
    app.allocate("BTC", "6700", year, "10000000").await;
    app.allocate("BTC", "6700", year, "-2000000").await;
    // 8,000,000 allocated; spend 5,000,000.
    let res = app
        .spend(today(), "BTC", "6700", "611", "112", "5000000")
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    // Lowering by 3,000,001 would leave 4,999,999 < 5,000,000 spent.
    let finance = app.token("finance").await;
    let res = app
        .post(
            "/api/v1/allocations",
            &finance,
            &json!({"fiscal_year": year, "board_id": app.boards["BTC"], "budget_line": "6700",
                    "amount": "-3000001", "reason": "Điều chỉnh"}),
        )
        .await;
    res.problem(409, "allocation_below_use");
    let res = app
        .post(
            "/api/v1/allocations",
            &finance,
            &json!({"fiscal_year": year, "board_id": app.boards["BTC"], "budget_line": "9999",
                    "amount": "0", "reason": ""}),
        )
        .await;
    let body = res.problem(422, "validation_failed");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["reason"]);

    // The clerk of the other board sees none of them; BTC's clerk both.
    let ubkt = app.token("clerk.ubkt").await;
    let res = app.get("/api/v1/allocations", &ubkt).await;
    assert_eq!(res.json()["items"].as_array().unwrap().len(), 0);
    let btc = app.token("clerk.btc").await;
    let res = app
        .get(&format!("/api/v1/allocations?fiscal_year={year}"), &btc)
        .await;
    let listed = res.json();
    let amounts: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["amount"].as_str().unwrap())
        .collect();
    assert_eq!(amounts, ["10000000", "-2000000"]);
}

#[actix_web::test]
async fn entries_must_balance_and_name_known_accounts() {
    let app = spawn_app().await;
    let finance = app.token("finance").await;
    let board = app.boards["BTC"];
    let unbalanced = app
        .post(
            "/api/v1/journal",
            &finance,
            &json!({"date": today(), "description": "Sai", "board_id": board, "budget_line": "6550",
                    "lines": [{"account": "611", "side": "debit", "amount": "100"},
                              {"account": "112", "side": "credit", "amount": "99.99"}]}),
        )
        .await;
    let body = unbalanced.problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "entry_unbalanced");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("difference 0.01")
    );

    let res = app
        .post(
            "/api/v1/journal",
            &finance,
            &json!({"date": today(), "description": "Sai", "budget_line": "6550",
                    "lines": [{"account": "611", "side": "debit", "amount": "-100", "board_id": board},
                              {"account": "999", "side": "left", "amount": "0.001"}]}),
        )
        .await;
    let body = res.problem(422, "validation_failed");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "lines[0].amount",
            "lines[1].side",
            "lines[1].amount",
            "lines[1].board_id"
        ]
    );

    let res = app
        .post(
            "/api/v1/journal",
            &finance,
            &json!({"date": today(), "description": "Sai", "board_id": board, "budget_line": "6550",
                    "lines": [{"account": "611", "side": "debit", "amount": "100"},
                              {"account": "999", "side": "credit", "amount": "100", "budget_line": "1234"}]}),
        )
        .await;
    let body = res.problem(422, "validation_failed");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["lines[1].account", "lines[1].budget_line"]);

    // A good one: 1,250,000.50 split over two credit lines.
    let res = app
        .post(
            "/api/v1/journal",
            &finance,
            &json!({"date": today(), "description": "Mua văn phòng phẩm", "board_id": board, "budget_line": "6550",
                    "lines": [{"account": "611", "side": "debit", "amount": "1250000.50"},
                              {"account": "112", "side": "credit", "amount": "1000000"},
                              {"account": "111", "side": "credit", "amount": "250000.50"}]}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let entry = res.json();
    assert_eq!(entry["total"], "1250000.5");
    assert_eq!(entry["source"], "manual");
    assert_eq!(entry["lines"][2]["account"], "111");
    assert_eq!(entry["lines"][2]["budget_line"], "6550");
    let clerk = app.token("clerk.btc").await;
    app.get("/api/v1/journal", &clerk)
        .await
        .problem(403, "forbidden");
    let manager = app.token("manager").await;
    let listed = app.get("/api/v1/journal", &manager).await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn a_stop_line_refuses_spend_beyond_available_and_a_warn_line_warns() {
    let app = spawn_app().await;
    let year = today().year();
    app.allocate("BTC", "6700", year, "10000000").await;
    let res = app
        .spend(today(), "BTC", "6700", "611", "112", "8000000")
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    // 10,000,000 − 8,000,000 = 2,000,000 available; 3,000,000 is 1,000,000 short.
    let res = app
        .spend(today(), "BTC", "6700", "611", "112", "3000000")
        .await;
    let body = res.problem(409, "budget_exceeded");
    assert_eq!(body["budget"]["budget_line"], "6700");
    assert_eq!(body["budget"]["allocated"], "10000000");
    assert_eq!(body["budget"]["spent"], "8000000");
    assert_eq!(body["budget"]["committed"], "0");
    assert_eq!(body["budget"]["available"], "2000000");
    assert_eq!(body["budget"]["shortfall"], "1000000");
    // Paying a supplier (no expense account) is not spend: no check.
    let res = app
        .spend(today(), "BTC", "6700", "331", "112", "3000000")
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    // The other board has nothing on 6700.
    app.spend(today(), "UBKT", "6700", "611", "112", "1")
        .await
        .problem(409, "budget_exceeded");
    // 6550 only warns: nothing allocated, 500,000 posted with a warning.
    let res = app
        .spend(today(), "BTC", "6550", "611", "111", "500000")
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let w = &res.json()["budget_warnings"][0];
    assert_eq!(w["budget_line"], "6550");
    assert_eq!(w["shortfall"], "500000");
}

#[actix_web::test]
async fn two_claims_that_together_exceed_a_stop_line_cannot_both_pass() {
    let app = spawn_app().await;
    app.allocate("BTC", "6700", today().year(), "10000000")
        .await;
    let _ = app.token("finance").await;
    let (a, b) = futures_util::future::join(
        app.spend(today(), "BTC", "6700", "611", "112", "6000000"),
        app.spend(today(), "BTC", "6700", "611", "112", "6000000"),
    )
    .await;
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [201, 409], "{} / {}", a.text, b.text);
}

/// A posting is dated in a year the ledger keeps (2000–2100), the same on
/// both backends: 9999-12-31 would open a month that can never be closed,
/// and 0000-01-01 is not a date PostgreSQL stores.
#[actix_web::test]
async fn entries_are_dated_in_the_years_the_ledger_keeps() {
    let app = spawn_app().await;
    let finance = app.token("finance").await;
    let board = app.boards["BTC"];
    let entry = |date: &str| {
        json!({"date": date, "description": "Ngày lạ", "board_id": board, "budget_line": "6550",
               "lines": [{"account": "611", "side": "debit", "amount": "100"},
                         {"account": "112", "side": "credit", "amount": "100"}]})
    };
    for date in ["9999-12-31", "0000-01-01", "1999-12-31", "2101-01-01"] {
        let res = app.post("/api/v1/journal", &finance, &entry(date)).await;
        let body = res.problem(422, "validation_failed");
        assert_eq!(body["errors"][0]["field"], "date", "{date}: {body}");
        assert_eq!(body["errors"][0]["code"], "invalid_fiscal_year", "{date}");
    }
    for date in ["2000-01-01", "2100-12-31"] {
        let res = app.post("/api/v1/journal", &finance, &entry(date)).await;
        assert_eq!(res.status, 201, "{date}: {}", res.text);
    }
    let listed = app
        .get("/api/v1/journal?from=0001-01-01&to=9999-12-31", &finance)
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.json()["items"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn reversal_cancels_an_entry_once() {
    let app = spawn_app().await;
    app.allocate("BTC", "6700", today().year(), "10000000")
        .await;
    let original = app
        .spend(today(), "BTC", "6700", "611", "112", "4000000")
        .await
        .json();
    let id = original["id"].as_str().unwrap();
    let finance = app.token("finance").await;
    let res = app
        .post(
            &format!("/api/v1/journal/{id}/reverse"),
            &finance,
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let reversal = res.json();
    assert_eq!(reversal["source"], "reversal");
    assert_eq!(reversal["reverses_id"], id);
    assert_eq!(reversal["lines"][0]["account"], "611");
    assert_eq!(reversal["lines"][0]["side"], "credit");
    assert_eq!(reversal["lines"][1]["side"], "debit");
    assert_eq!(reversal["total"], "4000000");
    let again = app
        .get(&format!("/api/v1/journal/{id}"), &finance)
        .await
        .json();
    assert_eq!(again["reversed_by"], reversal["id"]);
    app.post(
        &format!("/api/v1/journal/{id}/reverse"),
        &finance,
        &json!({}),
    )
    .await
    .problem(409, "already_reversed");
    let rid = reversal["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/journal/{rid}/reverse"),
        &finance,
        &json!({}),
    )
    .await
    .problem(409, "reversal_not_reversible");
    // The budget is whole again: all 10,000,000 can be spent.
    let res = app
        .spend(today(), "BTC", "6700", "611", "112", "10000000")
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let audit = app.audit_of(rid.parse().unwrap()).await;
    assert_eq!(audit[0]["action"], "reverse");
}

#[actix_web::test]
async fn the_database_refuses_to_change_or_unbalance_the_journal() {
    let app = spawn_app().await;
    app.allocate("BTC", "6700", today().year(), "10000000")
        .await;
    let entry = app
        .spend(today(), "BTC", "6700", "611", "112", "1000")
        .await
        .json();
    let mut conn = app.db.connect();
    for sql in [
        "UPDATE journal_lines SET debit_minor = 1".to_owned(),
        "DELETE FROM journal_lines".to_owned(),
        "UPDATE journal_entries SET description = 'x'".to_owned(),
        "DELETE FROM journal_entries".to_owned(),
        "DELETE FROM allocations".to_owned(),
    ] {
        assert!(
            diesel::sql_query(&sql).execute(&mut conn).is_err(),
            "{sql} was allowed"
        );
    }
    // A line added to a posted entry, and an entry whose lines do not balance.
    let e = entry["id"].as_str().unwrap();
    let line = entry["lines"][0].clone();
    let insert_line = |id: &str, entry_id: &str, debit: i64, credit: i64| {
        format!(
            "INSERT INTO journal_lines (id, entry_id, line_no, entry_date, account_id, board_id, budget_line_id, debit_minor, credit_minor) \
             VALUES ('{id}', '{entry_id}', {n}, '{d}', '{a}', '{b}', '{l}', {debit}, {credit})",
            n = if debit > 0 { 1 } else { 2 } + if entry_id == e { 10 } else { 0 },
            d = today(),
            a = line["account_id"].as_str().unwrap(),
            b = line["board_id"].as_str().unwrap(),
            l = line["budget_line_id"].as_str().unwrap(),
        )
    };
    assert!(
        diesel::sql_query(insert_line("00000000-0000-7000-8000-00000000aaa1", e, 5, 0))
            .execute(&mut conn)
            .is_err(),
        "a line was added to a posted entry"
    );
    let new_entry = "00000000-0000-7000-8000-00000000bbb1";
    let result = conn.transaction::<_, diesel::result::Error, _>(|conn| {
        diesel::sql_query(insert_line(
            "00000000-0000-7000-8000-00000000aaa2",
            new_entry,
            500,
            0,
        ))
        .execute(conn)?;
        diesel::sql_query(insert_line(
            "00000000-0000-7000-8000-00000000aaa3",
            new_entry,
            0,
            400,
        ))
        .execute(conn)?;
        diesel::sql_query(format!(
            "INSERT INTO journal_entries (id, entry_date, period, description, source, created_at) \
             VALUES ('{new_entry}', '{d}', '{p}', 'x', 'manual', '2026-01-01 00:00:00')",
            d = today(),
            p = &today().to_string()[..7],
        ))
        .execute(conn)
    });
    assert!(result.is_err(), "an unbalanced entry was accepted");
}

#[actix_web::test]
async fn a_month_closes_only_when_its_bank_movements_are_reconciled_or_forced() {
    let app = spawn_app().await;
    let past = last_month();
    app.allocate("BTC", "6700", past.year(), "10000000").await;
    let res = app
        .spend(past, "BTC", "6700", "611", "112", "1000000")
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let finance = app.token("finance").await;
    let period = &past.to_string()[..7];
    let body = app
        .post(
            &format!("/api/v1/periods/{period}/close"),
            &finance,
            &json!({}),
        )
        .await
        .problem(409, "unreconciled_movements");
    assert!(body["detail"].as_str().unwrap().contains("112"));
    let manager = app.token("manager").await;
    app.post(
        &format!("/api/v1/periods/{period}/close"),
        &manager,
        &json!({}),
    )
    .await
    .problem(403, "forbidden");
    let res = app
        .post(
            &format!("/api/v1/periods/{period}/close"),
            &finance,
            &json!({"force_reason": "Sao kê kho bạc chưa về, đối chiếu sau"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["unreconciled_accounts"], json!(["112"]));
    app.spend(past, "BTC", "6700", "611", "112", "1")
        .await
        .problem(409, "period_closed");
    app.post(
        &format!("/api/v1/periods/{period}/close"),
        &finance,
        &json!({}),
    )
    .await
    .problem(409, "period_closed");
    let this_month = &today().to_string()[..7];
    app.post(
        &format!("/api/v1/periods/{this_month}/close"),
        &finance,
        &json!({}),
    )
    .await
    .problem(409, "period_not_ended");
    app.post("/api/v1/periods/2026-13/close", &finance, &json!({}))
        .await
        .problem(404, "not_found");
    let closed = app.get("/api/v1/periods", &finance).await.json();
    assert_eq!(closed["closed"], json!([period]));
}
