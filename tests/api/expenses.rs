//! Spending norms and expense claims through the API: versioned norms,
//! claims checked against the norm in force on their date, a manager's
//! override, approval (budget check, posting) and rejection.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use diesel::RunQueryDsl;
use serde_json::{Value, json};

use crate::helpers::{Resp, TestApp, spawn_app};

/// Today in the office's time zone (UTC+7, no daylight saving).
fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(7)).date_naive()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

impl TestApp {
    async fn norm(&self, code: &str, amount: &str, from: &str, to: Option<&str>) -> Resp {
        let token = self.token("finance").await;
        self.post(
            "/api/v1/spending-norms",
            &token,
            &json!({"code": code, "name": format!("Định mức {code}"), "unit": "ngày",
                    "amount": amount, "effective_from": from, "effective_to": to}),
        )
        .await
    }

    async fn claim(&self, who: &str, body: &Value) -> Resp {
        let token = self.token(who).await;
        self.post("/api/v1/expenses", &token, body).await
    }

    async fn fund(&self, board: &str, line: &str, year: i32, amount: &str) {
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
    }

    async fn act(&self, who: &str, id: &str, action: &str, body: &Value) -> Resp {
        let token = self.token(who).await;
        self.post(&format!("/api/v1/expenses/{id}/{action}"), &token, body)
            .await
    }
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

fn per_diem_claim(date: NaiveDate, line: &str, days: &str) -> Value {
    json!({"budget_line": line, "date": date, "description": "Công tác phí",
           "lines": [{"norm": "per_diem", "quantity": days, "unit_amount": "200000"}]})
}

#[actix_web::test]
async fn a_new_norm_version_closes_the_open_one_and_overlaps_are_refused() {
    let app = spawn_app().await;
    let first = app
        .norm("lodging_class_1", "450000", "2025-01-01", None)
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let first = first.json();
    assert!(first.get("closed_version").is_none());
    let first_id = first["id"].as_str().unwrap().to_owned();

    let second = app
        .norm("lodging_class_1", "500000", "2026-01-01", None)
        .await;
    assert_eq!(second.status, 201, "{}", second.text);
    let second = second.json();
    assert_eq!(second["closed_version"]["id"], first_id.as_str());
    assert_eq!(second["closed_version"]["effective_to"], "2025-12-31");

    // In force by date, at both edges of the change.
    let clerk = app.token("clerk.btc").await;
    let on = |date: &'static str| {
        let app = &app;
        let clerk = clerk.clone();
        async move {
            let res = app
                .get(
                    &format!("/api/v1/spending-norms?code=lodging_class_1&on={date}"),
                    &clerk,
                )
                .await;
            assert_eq!(res.status, 200, "{}", res.text);
            res.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["amount"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(on("2025-01-01").await, ["450000"]);
    assert_eq!(on("2025-12-31").await, ["450000"]);
    assert_eq!(on("2026-01-01").await, ["500000"]);
    assert_eq!(on("2030-06-15").await, ["500000"]);
    assert!(on("2024-12-31").await.is_empty());

    // Back-dated into the closed version: refused, naming it.
    let res = app
        .norm(
            "lodging_class_1",
            "470000",
            "2025-06-01",
            Some("2025-06-30"),
        )
        .await;
    let body = res.problem(409, "norm_overlap");
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains(&first_id)
            && detail.contains("2025-01-01")
            && detail.contains("2025-12-31"),
        "{detail}"
    );
    // Same start as the open-ended latest version: nothing to close.
    app.norm("lodging_class_1", "520000", "2026-01-01", None)
        .await
        .problem(409, "norm_overlap");
    // A gap between closed versions can be filled.
    assert_eq!(
        app.norm("per_diem", "150000", "2024-01-01", Some("2024-12-31"))
            .await
            .status,
        201
    );
    assert_eq!(
        app.norm("per_diem", "200000", "2025-02-01", None)
            .await
            .status,
        201
    );
    let gap = app
        .norm("per_diem", "180000", "2025-01-01", Some("2025-01-31"))
        .await;
    assert_eq!(gap.status, 201, "{}", gap.text);
    assert!(gap.json().get("closed_version").is_none());

    // The close is audited with before and after.
    let audit = app.audit_of(first_id.parse().unwrap()).await;
    let close = audit
        .iter()
        .find(|a| a["action"] == "close_version")
        .expect("close audited");
    assert_eq!(close["before"]["effective_to"], Value::Null);
    assert_eq!(close["after"]["effective_to"], "2025-12-31");
    assert_eq!(close["actor"], "finance");

    // Only finance adds versions; bad values are named.
    let res = app
        .post(
            "/api/v1/spending-norms",
            &clerk,
            &json!({"code": "fuel_price", "name": "Xăng", "unit": "lít", "amount": "23000",
                    "effective_from": "2025-01-01"}),
        )
        .await;
    res.problem(403, "forbidden");
    let finance = app.token("finance").await;
    let res = app
        .post(
            "/api/v1/spending-norms",
            &finance,
            &json!({"code": "Fuel Price", "name": "Xăng", "unit": "lít", "amount": "0",
                    "effective_from": "2025-02-01", "effective_to": "2025-01-31"}),
        )
        .await;
    let body = res.problem(422, "validation_failed");
    assert_eq!(fields(&body), ["code", "amount", "effective_to"]);

    // The listing: by code, then start date; paginated.
    let all = app
        .get("/api/v1/spending-norms?limit=3", &clerk)
        .await
        .json();
    let keys: Vec<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            format!(
                "{} {}",
                n["code"].as_str().unwrap(),
                n["effective_from"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            "lodging_class_1 2025-01-01",
            "lodging_class_1 2026-01-01",
            "per_diem 2024-01-01"
        ]
    );
    let cursor = all["next_cursor"].as_str().unwrap();
    let rest = app
        .get(&format!("/api/v1/spending-norms?cursor={cursor}"), &clerk)
        .await
        .json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 2);
    assert_eq!(rest["next_cursor"], Value::Null);
}

#[actix_web::test]
async fn the_database_refuses_overlapping_versions_of_a_norm() {
    let app = spawn_app().await;
    let res = app.norm("fuel_price", "23000", "2025-01-01", None).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let mut conn = app.db.connect();
    let insert = |id: &str, from: &str, to: &str| {
        format!(
            "INSERT INTO spending_norms (id, code, name, unit, amount_minor, effective_from, effective_to, created_at, updated_at) \
             VALUES ('{id}', 'fuel_price', 'Xăng', 'lít', 2400000, '{from}', {to}, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
    };
    assert!(
        diesel::sql_query(insert(
            "00000000-0000-7000-8000-00000000ccc1",
            "2030-01-01",
            "NULL"
        ))
        .execute(&mut conn)
        .is_err(),
        "an overlapping version was accepted"
    );
    // Before the first version, it fits.
    assert!(
        diesel::sql_query(insert(
            "00000000-0000-7000-8000-00000000ccc2",
            "2024-01-01",
            "'2024-12-31'"
        ))
        .execute(&mut conn)
        .is_ok()
    );
}

#[actix_web::test]
async fn an_over_norm_claim_is_refused_with_claimed_and_allowed_unless_a_manager_overrides() {
    let app = spawn_app().await;
    for (code, amount) in [("per_diem", "200000"), ("lodging_class_1", "450000")] {
        let res = app.norm(code, amount, "2025-01-01", None).await;
        assert_eq!(res.status, 201, "{}", res.text);
    }
    let date = d("2025-03-10");
    let body = json!({
        "budget_line": "6700", "date": date, "description": "Công tác Hà Nội 3 ngày",
        "lines": [
            {"norm": "per_diem", "quantity": "2", "unit_amount": "200000"},
            {"norm": "lodging_class_1", "quantity": "3", "unit_amount": "700000",
             "description": "Khách sạn"},
        ]
    });
    // 3 nights × 700,000 = 2,100,000 claimed; 3 × 450,000 = 1,350,000 allowed.
    let res = app.claim("clerk.btc", &body).await;
    let problem = res.problem(422, "over_norm");
    let over = problem["over_norm"].as_array().unwrap();
    assert_eq!(over.len(), 1, "{problem}");
    assert_eq!(over[0]["line"], 1);
    assert_eq!(over[0]["norm"], "lodging_class_1");
    assert_eq!(over[0]["quantity"], "3");
    assert_eq!(over[0]["unit_amount"], "700000");
    assert_eq!(over[0]["norm_amount"], "450000");
    assert_eq!(over[0]["claimed"], "2100000");
    assert_eq!(over[0]["allowed"], "1350000");
    assert_eq!(over[0]["excess"], "750000");
    assert_eq!(fields(&problem), ["lines[1].unit_amount"]);
    assert!(problem["detail"].as_str().unwrap().contains("2100000"));

    // A clerk (or finance) cannot override.
    let mut overridden = body.clone();
    overridden["override_reason"] = json!("Hội nghị toàn quốc, hết phòng theo định mức");
    app.claim("clerk.btc", &overridden)
        .await
        .problem(403, "forbidden");
    app.claim("finance", &overridden)
        .await
        .problem(403, "forbidden");
    // A manager must name the board, then may override.
    let res = app.claim("manager", &overridden).await;
    assert_eq!(fields(&res.problem(422, "validation_failed")), ["board_id"]);
    overridden["board_id"] = json!(app.boards["BTC"]);
    let res = app.claim("manager", &overridden).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let claim = res.json();
    assert_eq!(claim["status"], "submitted");
    assert_eq!(claim["over_norm"], true);
    assert_eq!(claim["overridden_by"], app.users["manager"].to_string());
    assert_eq!(claim["board_id"], app.boards["BTC"].to_string());
    // 2 × 200,000 + 2,100,000
    assert_eq!(claim["total"], "2500000");
    assert_eq!(claim["lines"][0]["over"], false);
    assert_eq!(claim["lines"][1]["over"], true);
    assert_eq!(claim["lines"][1]["claimed"], "2100000");
    assert_eq!(claim["lines"][1]["allowed"], "1350000");
    let id = claim["id"].as_str().unwrap();
    let audit = app.audit_of(id.parse().unwrap()).await;
    let ov = audit
        .iter()
        .find(|a| a["action"] == "override_norm")
        .expect("override audited");
    assert_eq!(ov["actor"], "manager");
    assert_eq!(
        ov["after"]["reason"],
        "Hội nghị toàn quốc, hết phòng theo định mức"
    );
    assert_eq!(ov["after"]["lines"][0]["allowed"], "1350000");

    // Nothing over: nothing to override.
    let mut within = per_diem_claim(date, "6700", "1");
    within["board_id"] = json!(app.boards["BTC"]);
    within["override_reason"] = json!("Không cần");
    let res = app.claim("manager", &within).await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"][0]["code"],
        "nothing_to_override"
    );

    // The claimant's board sees it; the other board's clerk gets 404.
    let btc = app.token("clerk.btc").await;
    let res = app.get(&format!("/api/v1/expenses/{id}"), &btc).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["lines"][1]["description"], "Khách sạn");
    let ubkt = app.token("clerk.ubkt").await;
    app.get(&format!("/api/v1/expenses/{id}"), &ubkt)
        .await
        .problem(404, "not_found");
    let listed = app.get("/api/v1/expenses", &ubkt).await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 0);
    let listed = app
        .get(
            &format!("/api/v1/expenses?board_id={}", app.boards["BTC"]),
            &ubkt,
        )
        .await
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 0);
    let listed = app.get("/api/v1/expenses", &btc).await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    // A clerk files for their own board only.
    let mut other = per_diem_claim(date, "6700", "1");
    other["board_id"] = json!(app.boards["BTC"]);
    let res = app.claim("clerk.ubkt", &other).await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"][0]["code"],
        "not_your_board"
    );
}

#[actix_web::test]
async fn claim_lines_need_a_norm_in_force_on_the_date_and_sound_values() {
    let app = spawn_app().await;
    let res = app.norm("per_diem", "200000", "2025-01-01", None).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let res = app
        .claim(
            "clerk.btc",
            &json!({"budget_line": "6700", "date": "2024-12-31", "description": "Công tác",
            "lines": [
                {"norm": "per_diem", "quantity": "1", "unit_amount": "100000"},
                {"norm": "taxi_fare", "quantity": "1", "unit_amount": "100000"},
            ]}),
        )
        .await;
    let body = res.problem(422, "validation_failed");
    let codes: Vec<(&str, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            ("lines[0].norm", "norm_not_in_force"),
            ("lines[1].norm", "norm_unknown")
        ]
    );
    let res = app
        .claim(
            "clerk.btc",
            &json!({"budget_line": "67", "date": "2025-03-01", "description": " ",
                    "lines": [{"norm": "Per Diem", "quantity": "1.005", "unit_amount": "-5"}]}),
        )
        .await;
    assert_eq!(
        fields(&res.problem(422, "validation_failed")),
        [
            "budget_line",
            "description",
            "lines[0].norm",
            "lines[0].quantity",
            "lines[0].unit_amount"
        ]
    );
    let res = app
        .claim(
            "clerk.btc",
            &json!({"budget_line": "6700", "date": "2025-03-01", "description": "x", "lines": []}),
        )
        .await;
    assert_eq!(fields(&res.problem(422, "validation_failed")), ["lines"]);
    let tomorrow = today() + Duration::days(1);
    let res = app
        .claim("clerk.btc", &per_diem_claim(tomorrow, "6700", "1"))
        .await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"][0]["code"],
        "date_in_future"
    );
    let res = app
        .claim("clerk.btc", &per_diem_claim(d("2025-03-01"), "6123", "1"))
        .await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"][0]["code"],
        "budget_line_unknown"
    );
    // Drivers and dispatchers do not file claims.
    app.claim("dispatcher", &per_diem_claim(d("2025-03-01"), "6700", "1"))
        .await
        .problem(403, "forbidden");
}

#[actix_web::test]
async fn approval_checks_the_budget_and_posts_the_claim_once() {
    let app = spawn_app().await;
    let year = today().year();
    let res = app.norm("per_diem", "200000", "2020-01-01", None).await;
    assert_eq!(res.status, 201, "{}", res.text);
    app.fund("BTC", "6700", year, "3000000").await;

    // 2.5 days × 200,000 = 500,000.
    let res = app
        .claim("clerk.btc", &per_diem_claim(today(), "6700", "2.5"))
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let claim = res.json();
    assert_eq!(claim["total"], "500000");
    let id = claim["id"].as_str().unwrap().to_owned();

    app.act("clerk.btc", &id, "approve", &json!({}))
        .await
        .problem(403, "forbidden");
    app.act("manager", &id, "approve", &json!({}))
        .await
        .problem(403, "forbidden");
    let res = app.act("finance", &id, "approve", &json!({})).await;
    assert_eq!(res.status, 200, "{}", res.text);
    let approved = res.json();
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["decided_by"], app.users["finance"].to_string());
    assert!(approved.get("budget_warnings").is_none());
    let entry_id = approved["journal_entry_id"].as_str().unwrap();

    let finance = app.token("finance").await;
    let entry = app
        .get(&format!("/api/v1/journal/{entry_id}"), &finance)
        .await
        .json();
    assert_eq!(entry["source"], "expense");
    assert_eq!(entry["source_id"], id.as_str());
    assert_eq!(entry["date"], today().to_string());
    assert_eq!(entry["total"], "500000");
    let lines: Vec<(String, String, String, String, String)> = entry["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["account"].as_str().unwrap().to_owned(),
                l["side"].as_str().unwrap().to_owned(),
                l["amount"].as_str().unwrap().to_owned(),
                l["budget_line"].as_str().unwrap().to_owned(),
                l["board_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let btc = app.boards["BTC"].to_string();
    assert_eq!(
        lines,
        [
            (
                "611".into(),
                "debit".into(),
                "500000".into(),
                "6700".into(),
                btc.clone()
            ),
            (
                "331".into(),
                "credit".into(),
                "500000".into(),
                "6700".into(),
                btc.clone()
            ),
        ]
    );

    // Decided once.
    let body = app
        .act("finance", &id, "approve", &json!({}))
        .await
        .problem(409, "expense_not_submitted");
    assert!(body["detail"].as_str().unwrap().contains("approved"));
    app.act("finance", &id, "reject", &json!({"reason": "Trùng"}))
        .await
        .problem(409, "expense_not_submitted");

    // 3,000,000 − 500,000 = 2,500,000 available; 13 days (2,600,000) is 100,000 short.
    let res = app
        .claim("clerk.btc", &per_diem_claim(today(), "6700", "13"))
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let big = res.json()["id"].as_str().unwrap().to_owned();
    let body = app
        .act("finance", &big, "approve", &json!({}))
        .await
        .problem(409, "budget_exceeded");
    let b = &body["budget"];
    assert_eq!(b["budget_line"], "6700");
    assert_eq!(b["board_id"], btc.as_str());
    assert_eq!(b["allocated"], "3000000");
    assert_eq!(b["committed"], "0");
    assert_eq!(b["spent"], "500000");
    assert_eq!(b["available"], "2500000");
    assert_eq!(b["requested"], "2600000");
    assert_eq!(b["shortfall"], "100000");
    let clerk = app.token("clerk.btc").await;
    let still = app
        .get(&format!("/api/v1/expenses/{big}"), &clerk)
        .await
        .json();
    assert_eq!(still["status"], "submitted");
    assert_eq!(still["journal_entry_id"], Value::Null);

    // A warn line approves and warns: nothing allocated on 6550.
    let res = app
        .claim("clerk.btc", &per_diem_claim(today(), "6550", "0.75"))
        .await;
    let small = res.json()["id"].as_str().unwrap().to_owned();
    let res = app.act("finance", &small, "approve", &json!({})).await;
    assert_eq!(res.status, 200, "{}", res.text);
    let w = &res.json()["budget_warnings"][0];
    assert_eq!(w["budget_line"], "6550");
    assert_eq!(w["requested"], "150000");
    assert_eq!(w["shortfall"], "150000");

    let approved = app
        .get("/api/v1/expenses?status=approved", &finance)
        .await
        .json();
    assert_eq!(approved["items"].as_array().unwrap().len(), 2);
    let audit = app.audit_of(id.parse().unwrap()).await;
    let approval = audit.iter().find(|a| a["action"] == "approve").unwrap();
    assert_eq!(approval["before"]["status"], "submitted");
    assert_eq!(approval["after"]["status"], "approved");
}

#[actix_web::test]
async fn a_rejected_claim_keeps_its_reason_and_posts_nothing() {
    let app = spawn_app().await;
    let res = app.norm("per_diem", "200000", "2020-01-01", None).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let res = app
        .claim("clerk.btc", &per_diem_claim(today(), "6700", "1"))
        .await;
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let res = app
        .act("finance", &id, "reject", &json!({"reason": "  "}))
        .await;
    assert_eq!(fields(&res.problem(422, "validation_failed")), ["reason"]);
    app.act("clerk.btc", &id, "reject", &json!({"reason": "x"}))
        .await
        .problem(403, "forbidden");
    let res = app
        .act(
            "finance",
            &id,
            "reject",
            &json!({"reason": "Thiếu giấy đi đường có xác nhận nơi đến"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let rejected = res.json();
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(
        rejected["decision_reason"],
        "Thiếu giấy đi đường có xác nhận nơi đến"
    );
    assert_eq!(rejected["journal_entry_id"], Value::Null);
    let body = app
        .act("finance", &id, "approve", &json!({}))
        .await
        .problem(409, "expense_not_submitted");
    assert!(body["detail"].as_str().unwrap().contains("rejected"));
    let finance = app.token("finance").await;
    let journal = app
        .get("/api/v1/journal?source=expense", &finance)
        .await
        .json();
    assert_eq!(journal["items"].as_array().unwrap().len(), 0);
    app.post(
        &format!("/api/v1/expenses/{}/approve", uuid::Uuid::now_v7()),
        &finance,
        &json!({}),
    )
    .await
    .problem(404, "not_found");
}

#[actix_web::test]
async fn a_claim_dated_in_a_closed_month_cannot_be_approved() {
    let app = spawn_app().await;
    let res = app.norm("per_diem", "200000", "2020-01-01", None).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let first = today().with_day(1).unwrap();
    let last_month = (first - Duration::days(1)).with_day(10).unwrap();
    app.fund("BTC", "6700", last_month.year(), "1000000").await;
    let res = app
        .claim("clerk.btc", &per_diem_claim(last_month, "6700", "1"))
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let finance = app.token("finance").await;
    let period = &last_month.to_string()[..7];
    let res = app
        .post(
            &format!("/api/v1/periods/{period}/close"),
            &finance,
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    app.act("finance", &id, "approve", &json!({}))
        .await
        .problem(409, "period_closed");
    let clerk = app.token("clerk.btc").await;
    let still = app
        .get(&format!("/api/v1/expenses/{id}"), &clerk)
        .await
        .json();
    assert_eq!(still["status"], "submitted");
}

#[actix_web::test]
async fn two_first_versions_of_one_norm_at_once_leave_one_and_a_clear_refusal() {
    let app = spawn_app().await;
    let _ = app.token("finance").await;
    let (a, b) = futures_util::future::join(
        app.norm("conference_delegate", "150000", "2025-01-01", None),
        app.norm("conference_delegate", "160000", "2025-01-01", None),
    )
    .await;
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [201, 409], "{} / {}", a.text, b.text);
    let refused = if a.status == 409 { &a } else { &b };
    refused.problem(409, "norm_overlap");
    let clerk = app.token("clerk.btc").await;
    let listed = app
        .get("/api/v1/spending-norms?code=conference_delegate", &clerk)
        .await
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}
