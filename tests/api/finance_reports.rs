//! Trip costs in the ledger, and the finance reports (budget execution,
//! trial balance, account ledger) as JSON and CSV.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::helpers::{TestApp, at, spawn_app};

fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(7)).date_naive()
}

/// The fiscal year of the test trips (they start two weeks ahead).
fn trip_year() -> i32 {
    DateTime::parse_from_rfc3339(&at(0, "09:00"))
        .unwrap()
        .year()
}

impl TestApp {
    /// A norm in force since 2000 (amount in đồng).
    async fn norm_since_2000(&self, code: &str, amount: &str) {
        let token = self.token("finance").await;
        let res = self
            .post(
                "/api/v1/spending-norms",
                &token,
                &json!({"code": code, "name": format!("Định mức {code}"), "unit": "đơn vị",
                        "amount": amount, "effective_from": "2000-01-01"}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
    }

    async fn allocate_travel(&self, board: &str, year: i32, amount: &str) {
        let token = self.token("finance").await;
        let res = self
            .post(
                "/api/v1/allocations",
                &token,
                &json!({"fiscal_year": year, "board_id": self.boards[board], "budget_line": "6700",
                        "amount": amount, "reason": "Giao dự toán"}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
    }

    async fn execution(&self, who: &str, query: &str) -> Vec<Value> {
        let token = self.token(who).await;
        let res = self
            .get(&format!("/api/v1/reports/budget-execution?{query}"), &token)
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
        res.json()["rows"].as_array().unwrap().clone()
    }
}

fn row<'a>(rows: &'a [Value], board: &str, line: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["board"] == board && r["budget_line"] == line)
        .unwrap_or_else(|| panic!("no row {board}/{line} in {rows:?}"))
}

#[actix_web::test]
async fn a_trip_reserves_its_estimate_and_posts_its_actual_cost() {
    let app = spawn_app().await;
    app.norm_since_2000("vehicle_hour", "150000").await;
    app.norm_since_2000("fuel_price", "23456.70").await;
    let year = trip_year();
    app.allocate_travel("BTC", year, "10000000").await;
    if today().year() != year {
        app.allocate_travel("BTC", today().year(), "10000000").await;
    }
    app.vehicle("14A-123.45", 7, "suv").await;
    app.driver("Nguyễn Văn Lái", "D", Some("driver")).await;
    let booking = app
        .booked("clerk.btc", 3, &at(0, "09:00"), &at(0, "12:00"))
        .await;
    assert_eq!(booking["status"], "confirmed");
    let id = booking["id"].as_str().unwrap();

    // 3 h × 150,000 = 450,000 reserved.
    let rows = app
        .execution("finance", &format!("fiscal_year={year}"))
        .await;
    assert_eq!(row(&rows, "BTC", "6700")["committed"], "450000");
    assert_eq!(row(&rows, "BTC", "6700")["available"], "9550000");

    let driver = app.token("driver").await;
    let res = app
        .post(&format!("/api/v1/bookings/{id}/start"), &driver, &json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let res = app
        .post(
            &format!("/api/v1/bookings/{id}/complete"),
            &driver,
            &json!({"odometer_end": 10120, "fuel_litres": "42.35", "tolls": "35000", "parking": "20000"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);

    // 42.35 l × 23,456.70 = 993,391.245 → 993,391.25; + 35,000 + 20,000.
    let finance = app.token("finance").await;
    let entries = app
        .get("/api/v1/journal?source=trip", &finance)
        .await
        .json();
    let entry = &entries["items"][0];
    assert_eq!(entries["items"].as_array().unwrap().len(), 1);
    assert_eq!(entry["total"], "1048391.25");
    assert_eq!(entry["source_id"], id);
    assert_eq!(entry["lines"][0]["account"], "611");
    assert_eq!(entry["lines"][0]["side"], "debit");
    assert_eq!(entry["lines"][1]["account"], "331");
    assert_eq!(entry["lines"][0]["budget_line"], "6700");
    assert_eq!(entry["lines"][0]["board_id"], json!(app.boards["BTC"]));

    // The reservation is settled: nothing committed; spent in today's year.
    let rows = app
        .execution("finance", &format!("fiscal_year={year}"))
        .await;
    assert_eq!(row(&rows, "BTC", "6700")["committed"], "0");
    let rows = app
        .execution("clerk.btc", &format!("fiscal_year={}", today().year()))
        .await;
    assert_eq!(row(&rows, "BTC", "6700")["spent"], "1048391.25");
}

#[actix_web::test]
async fn cancelling_releases_the_reservation_and_a_stop_line_refuses_the_booking() {
    let app = spawn_app().await;
    app.norm_since_2000("vehicle_hour", "150000").await;
    let year = trip_year();
    app.allocate_travel("BTC", year, "500000").await;
    app.vehicle("14A-123.45", 7, "suv").await;
    app.vehicle("14A-123.46", 7, "suv").await;
    app.driver("Nguyễn Văn Lái", "D", None).await;
    app.driver("Trần Văn Xe", "D", None).await;
    let first = app
        .booked("clerk.btc", 3, &at(0, "09:00"), &at(0, "12:00"))
        .await;
    assert_eq!(first["status"], "confirmed");
    // 450,000 of 500,000 reserved: a 1-hour trip (150,000) is 100,000 short.
    let res = app
        .book("clerk.btc", 3, &at(1, "09:00"), &at(1, "10:00"))
        .await;
    let body = res.problem(409, "budget_exceeded");
    assert_eq!(body["budget"]["committed"], "450000");
    assert_eq!(body["budget"]["available"], "50000");
    assert_eq!(body["budget"]["shortfall"], "100000");
    // Cancelling the first frees the money.
    let clerk = app.token("clerk.btc").await;
    let id = first["id"].as_str().unwrap();
    let res = app
        .post(&format!("/api/v1/bookings/{id}/cancel"), &clerk, &json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let rows = app
        .execution("clerk.btc", &format!("fiscal_year={year}"))
        .await;
    assert_eq!(row(&rows, "BTC", "6700")["committed"], "0");
    let res = app
        .book("clerk.btc", 3, &at(1, "09:00"), &at(1, "10:00"))
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
}

#[actix_web::test]
async fn budget_execution_as_json_and_csv_with_the_clerks_scope() {
    let app = spawn_app().await;
    let y = today().year();
    let finance = app.token("finance").await;
    for (board, line, amount) in [
        ("BTC", "6700", "8000000"),
        ("UBKT", "6700", "4000000"),
        ("BTC", "6550", "1000000"),
    ] {
        let res = app
            .post(
                "/api/v1/allocations",
                &finance,
                &json!({"fiscal_year": y, "board_id": app.boards[board], "budget_line": line, "amount": amount, "reason": "Giao dự toán"}),
            )
            .await;
        assert_eq!(res.status, 201);
    }
    let res = app
        .post(
            "/api/v1/journal",
            &finance,
            &json!({"date": today(), "description": "Công tác phí", "board_id": app.boards["BTC"], "budget_line": "6700",
                    "lines": [{"account": "611", "side": "debit", "amount": "3000000"},
                              {"account": "112", "side": "credit", "amount": "3000000"}]}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let rows = app.execution("manager", &format!("fiscal_year={y}")).await;
    assert_eq!(rows.len(), 3);
    let btc = row(&rows, "BTC", "6700");
    // 3,000,000 / 8,000,000 = 37.5 %
    assert_eq!(
        (
            btc["spent"].as_str(),
            btc["available"].as_str(),
            btc["execution_percent"].as_str()
        ),
        (Some("3000000"), Some("5000000"), Some("37.50"))
    );
    assert_eq!(row(&rows, "UBKT", "6700")["execution_percent"], "0.00");

    let ubkt = app
        .execution("clerk.ubkt", &format!("fiscal_year={y}"))
        .await;
    assert_eq!(ubkt.len(), 1);
    assert_eq!(ubkt[0]["board"], "UBKT");

    let res = app
        .get(
            &format!("/api/v1/reports/budget-execution?fiscal_year={y}&format=csv&excel=true"),
            &finance,
        )
        .await;
    assert_eq!(res.status, 200);
    assert!(res.header("content-type").unwrap().starts_with("text/csv"));
    let text = res
        .text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark for Excel");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        headers,
        [
            "fiscal_year",
            "board",
            "board_id",
            "budget_line",
            "budget_line_name",
            "control",
            "allocated",
            "committed",
            "spent",
            "available",
            "execution_percent"
        ]
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 3);
    // The CSV carries the same numbers as the JSON.
    let json_rows = app.execution("finance", &format!("fiscal_year={y}")).await;
    for (rec, j) in records.iter().zip(&json_rows) {
        assert_eq!(&rec[1], j["board"].as_str().unwrap());
        assert_eq!(&rec[4], j["budget_line_name"].as_str().unwrap());
        assert_eq!(&rec[8], j["spent"].as_str().unwrap());
        assert_eq!(&rec[10], j["execution_percent"].as_str().unwrap_or(""));
    }
    let driver = app.token("driver").await;
    app.get("/api/v1/reports/budget-execution", &driver)
        .await
        .problem(403, "forbidden");
    app.get("/api/v1/reports/budget-execution?format=xml", &finance)
        .await
        .problem(400, "invalid_query");
}

#[actix_web::test]
async fn the_trial_balance_balances_and_the_account_ledger_runs() {
    let app = spawn_app().await;
    let finance = app.token("finance").await;
    let d1 = today().with_day(1).unwrap();
    let y = today().year();
    let res = app
        .post(
            "/api/v1/allocations",
            &finance,
            &json!({"fiscal_year": y, "board_id": app.boards["BTC"], "budget_line": "6700", "amount": "100000000", "reason": "Giao"}),
        )
        .await;
    assert_eq!(res.status, 201);
    let post = |date: NaiveDate,
                debit: &'static str,
                credit: &'static str,
                amount: &'static str| {
        let app = &app;
        let finance = finance.clone();
        async move {
            let res = app
                .post(
                    "/api/v1/journal",
                    &finance,
                    &json!({"date": date, "description": "Nghiệp vụ", "board_id": app.boards["BTC"], "budget_line": "6700",
                            "lines": [{"account": debit, "side": "debit", "amount": amount},
                                      {"account": credit, "side": "credit", "amount": amount}]}),
                )
                .await;
            assert_eq!(res.status, 201, "{}", res.text);
        }
    };
    // Receive 50,000,000 into the bank, spend 1,200,000.50 and 300,000.
    post(d1, "112", "511", "50000000").await;
    post(d1, "611", "112", "1200000.50").await;
    post(today(), "611", "112", "300000").await;
    let res = app
        .get(
            &format!("/api/v1/reports/trial-balance?from={d1}&to={}", today()),
            &finance,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let tb = res.json();
    let acc = |code: &str| {
        tb["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["account"] == code)
            .unwrap()
            .clone()
    };
    // 112: 50,000,000 in, 1,500,000.50 out → 48,499,999.50 debit balance.
    assert_eq!(acc("112")["debit"], "50000000");
    assert_eq!(acc("112")["credit"], "1500000.5");
    assert_eq!(acc("112")["closing_debit"], "48499999.5");
    assert_eq!(acc("511")["closing_credit"], "50000000");
    assert_eq!(acc("611")["closing_debit"], "1500000.5");
    assert_eq!(tb["totals"]["debit"], tb["totals"]["credit"]);
    assert_eq!(
        tb["totals"]["closing_debit"],
        tb["totals"]["closing_credit"]
    );
    // Closing debits 48,499,999.50 (112) + 1,500,000.50 (611) = 50,000,000 (511).
    assert_eq!(tb["totals"]["closing_debit"], "50000000");

    // From the second day on, the first day's movements are the opening.
    if today() > d1 {
        let from = d1 + Duration::days(1);
        let tb2 = app
            .get(
                &format!("/api/v1/reports/trial-balance?from={from}&to={}", today()),
                &finance,
            )
            .await
            .json();
        let bank = tb2["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["account"] == "112")
            .unwrap()
            .clone();
        assert_eq!(bank["opening_debit"], "48799999.5");
        assert_eq!(bank["credit"], "300000");
    }

    // The bank account's ledger, one line per page, running balance.
    let page1 = app
        .get(
            &format!("/api/v1/reports/account-ledger?account=112&from={d1}&limit=2"),
            &finance,
        )
        .await
        .json();
    assert_eq!(page1["balance_before"], "0");
    let lines = page1["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["balance"], "50000000");
    assert_eq!(lines[1]["balance"], "48799999.5");
    let cursor = page1["next_cursor"].as_str().unwrap();
    let page2 = app
        .get(
            &format!(
                "/api/v1/reports/account-ledger?account=112&from={d1}&limit=2&cursor={cursor}"
            ),
            &finance,
        )
        .await
        .json();
    assert_eq!(page2["balance_before"], "48799999.5");
    assert_eq!(page2["lines"][0]["balance"], "48499999.5");
    assert!(page2["next_cursor"].is_null());
    let csv = app
        .get(
            &format!("/api/v1/reports/account-ledger?account=112&from={d1}&format=csv"),
            &finance,
        )
        .await;
    assert_eq!(csv.text.lines().count(), 4, "{}", csv.text);
    assert!(csv.text.lines().last().unwrap().ends_with(",48499999.5"));
    app.get("/api/v1/reports/account-ledger?account=999", &finance)
        .await
        .problem(422, "validation_failed");
    app.get(
        &format!(
            "/api/v1/reports/trial-balance?from={}&to={d1}",
            today() + Duration::days(1)
        ),
        &finance,
    )
    .await
    .problem(422, "validation_failed");
}

#[actix_web::test]
async fn at_half_past_eleven_utc_the_reports_are_of_the_next_day_in_ha_noi() {
    // 31 December 2026, 23:30 UTC: already 06:30 on 1 January 2027 in Hà Nội.
    let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 31, 23, 30, 0).unwrap();
    let app = crate::helpers::spawn_app_at(now).await;
    app.allocate_travel("BTC", 2026, "100000000").await;
    app.allocate_travel("BTC", 2027, "250000000").await;
    let finance = app.token("finance").await;
    // Spent 1,000,000 on 31 December and 400,000 this morning.
    for (date, amount) in [("2026-12-31", "1000000"), ("2027-01-01", "400000")] {
        let res = app
            .post(
                "/api/v1/journal",
                &finance,
                &json!({"date": date, "description": "Công tác phí", "board_id": app.boards["BTC"], "budget_line": "6700",
                        "lines": [{"account": "611", "side": "debit", "amount": amount},
                                  {"account": "112", "side": "credit", "amount": amount}]}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
    }
    // Without a year, budget execution is of 2027: 250,000,000 allocated,
    // 400,000 spent, 249,600,000 available.
    let rows = app.execution("finance", "").await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    let btc = row(&rows, "BTC", "6700");
    assert_eq!(btc["fiscal_year"], 2027);
    assert_eq!(
        (
            btc["allocated"].as_str(),
            btc["spent"].as_str(),
            btc["available"].as_str()
        ),
        (Some("250000000"), Some("400000"), Some("249600000"))
    );
    // Without dates, the trial balance runs from 1 January 2027 to today,
    // 1 January: only this morning's 400,000.
    let tb = app.get("/api/v1/reports/trial-balance", &finance).await;
    assert_eq!(tb.status, 200, "{}", tb.text);
    let tb = tb.json();
    let spent = tb["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["account"] == "611")
        .unwrap();
    assert_eq!(spent["debit"], "400000");
    // So does the account ledger; the 1,000,000 of 2026 is carried in as
    // the balance before (a credit balance of the bank account).
    let ledger = app
        .get("/api/v1/reports/account-ledger?account=112", &finance)
        .await;
    assert_eq!(ledger.status, 200, "{}", ledger.text);
    let ledger = ledger.json();
    assert_eq!(
        (ledger["from"].as_str(), ledger["to"].as_str()),
        (Some("2027-01-01"), Some("2027-01-01"))
    );
    assert_eq!(ledger["lines"].as_array().unwrap().len(), 1);
    assert_eq!(ledger["balance_before"], "-1000000");
}
