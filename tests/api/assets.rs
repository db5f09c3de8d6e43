//! The asset register through the API: assets and their history,
//! transfers, asset requests (procurement, repair, transfer_in) with their
//! commitments and postings, the wear run and stocktakes. Every workflow
//! step and refusal; the same tests run on SQLite and PostgreSQL.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use diesel::RunQueryDsl;
use serde_json::{Value, json};

use crate::helpers::{Resp, TestApp, spawn_app};

/// Today in the office's time zone (UTC+7, no daylight saving).
fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(7)).date_naive()
}

fn this_year() -> i32 {
    today().year()
}

impl TestApp {
    async fn fund_assets(&self, board: &str, line: &str, amount: &str) {
        let token = self.token("finance").await;
        let res = self
            .post(
                "/api/v1/allocations",
                &token,
                &json!({"fiscal_year": this_year(), "board_id": self.boards[board],
                        "budget_line": line, "amount": amount,
                        "reason": "Quyết định giao dự toán số 15/QĐ"}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
    }

    async fn register(&self, body: Value) -> Resp {
        let token = self.token("finance").await;
        self.post("/api/v1/assets", &token, &body).await
    }

    /// Registers an asset and returns it.
    async fn asset(
        &self,
        code: &str,
        category: &str,
        board: &str,
        status: &str,
        cost: &str,
        acquired_on: &str,
    ) -> Value {
        let res = self
            .register(json!({
                "code": code, "name": format!("Tài sản {code}"), "category": category,
                "original_cost": cost, "acquired_on": acquired_on,
                "custodian_board_id": self.boards[board], "location": "Phòng 101",
                "status": status,
            }))
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
        res.json()
    }

    async fn request(&self, who: &str, body: Value) -> Resp {
        let token = self.token(who).await;
        self.post("/api/v1/asset-requests", &token, &body).await
    }

    async fn step(&self, who: &str, id: &str, action: &str, body: Value) -> Resp {
        let token = self.token(who).await;
        self.post(
            &format!("/api/v1/asset-requests/{id}/{action}"),
            &token,
            &body,
        )
        .await
    }

    async fn asset_view(&self, who: &str, id: &str) -> Resp {
        let token = self.token(who).await;
        self.get(&format!("/api/v1/assets/{id}"), &token).await
    }

    async fn history(&self, id: &str) -> Vec<Value> {
        let token = self.token("finance").await;
        let res = self
            .get(&format!("/api/v1/assets/{id}/history"), &token)
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
        res.json()["items"].as_array().unwrap().clone()
    }

    /// (allocated, committed, spent, available) of a board's budget line
    /// this year, as finance sees it.
    async fn position(&self, board: &str, line: &str) -> (String, String, String, String) {
        let token = self.token("finance").await;
        let res = self
            .get(
                &format!(
                    "/api/v1/reports/budget-execution?fiscal_year={}&board_id={}&budget_line={line}",
                    this_year(),
                    self.boards[board]
                ),
                &token,
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
        let rows = res.json()["rows"].as_array().unwrap().clone();
        assert_eq!(rows.len(), 1, "{}", res.text);
        let s = |k: &str| rows[0][k].as_str().unwrap().to_owned();
        (s("allocated"), s("committed"), s("spent"), s("available"))
    }

    async fn journal_entry(&self, id: &str) -> Value {
        let token = self.token("finance").await;
        let res = self.get(&format!("/api/v1/journal/{id}"), &token).await;
        assert_eq!(res.status, 200, "{}", res.text);
        res.json()
    }
}

/// (account, side, amount) of each line of an entry, sorted.
fn lines(entry: &Value) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = entry["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["account"].as_str().unwrap().to_owned(),
                l["side"].as_str().unwrap().to_owned(),
                l["amount"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_owned()
}

fn kinds(history: &[Value]) -> Vec<String> {
    history.iter().map(|e| s(&e["kind"])).collect()
}

#[actix_web::test]
async fn a_clerk_asking_for_a_projector_is_offered_the_idle_one_and_receives_it_by_transfer() {
    let app = spawn_app().await;
    app.fund_assets("BTC", "9050", "50000000").await;
    app.fund_assets("BTC", "6900", "5000000").await;
    // UBKT's spare projector sits idle; its laptop is in use.
    let projector = app
        .asset(
            "UBKT-MC-0003",
            "projector",
            "UBKT",
            "idle",
            "24000000",
            "2024-03-10",
        )
        .await;
    let laptop = app
        .asset(
            "UBKT-MT-0001",
            "computer",
            "UBKT",
            "in_use",
            "18000000",
            "2024-03-10",
        )
        .await;
    assert_eq!(projector["wear_rate"], "20", "the category's default rate");
    assert_eq!(projector["unit"], "chiếc");
    let projector_id = s(&projector["id"]);

    // The BTC clerk sees the idle pool but not UBKT's assets in use.
    let clerk = app.token("clerk.btc").await;
    let res = app.get("/api/v1/assets", &clerk).await;
    assert_eq!(res.status, 200, "{}", res.text);
    let codes: Vec<String> = res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| s(&a["code"]))
        .collect();
    assert_eq!(codes, ["UBKT-MC-0003"]);
    app.asset_view("clerk.btc", &s(&laptop["id"]))
        .await
        .problem(404, "not_found");

    // A purchase is answered with the idle projector before money is committed.
    let res = app
        .request(
            "clerk.btc",
            json!({"kind": "procurement", "category": "projector", "amount": "18000000",
                   "description": "Máy chiếu cho phòng họp Ban"}),
        )
        .await;
    let problem = res.problem(409, "idle_asset_available");
    assert_eq!(problem["idle_assets"][0]["code"], "UBKT-MC-0003");
    assert_eq!(problem["idle_assets"][0]["id"], projector_id.as_str());
    assert_eq!(problem["idle_assets"][0]["remaining_value"], "24000000");
    assert!(s(&problem["detail"]).contains("buy_anyway"));
    // Nothing was filed or committed.
    let (_, committed, spent, _) = app.position("BTC", "9050").await;
    assert_eq!((committed.as_str(), spent.as_str()), ("0", "0"));

    // The clerk asks for the idle one instead, with 500,000 of transport.
    let res = app
        .request(
            "clerk.btc",
            json!({"kind": "transfer_in", "asset_id": projector_id, "amount": "500000",
                   "description": "Nhận máy chiếu dư của UBKT"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let req = res.json();
    let req_id = s(&req["id"]);
    assert_eq!(req["status"], "submitted");
    assert_eq!(req["budget_line"], "6900");
    assert_eq!(req["category"], "projector");
    assert_eq!(req["board_id"], app.boards["BTC"].to_string());

    // A clerk cannot approve; finance approves and commits the 500,000.
    app.step("clerk.btc", &req_id, "approve", json!({}))
        .await
        .problem(403, "forbidden");
    let res = app.step("finance", &req_id, "approve", json!({})).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["status"], "approved");
    // 5,000,000 allocated − 500,000 committed = 4,500,000 available.
    assert_eq!(
        app.position("BTC", "6900").await,
        (
            "5000000".into(),
            "500000".into(),
            "0".into(),
            "4500000".into()
        )
    );

    // Fulfilment moves the projector to BTC and turns the commitment into spend.
    let res = app
        .step(
            "finance",
            &req_id,
            "fulfil",
            json!({"location": "Phòng họp Ban Tổ chức"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let done = res.json();
    assert_eq!(done["status"], "fulfilled");
    assert_eq!(done["cost"], "500000");
    assert_eq!(
        app.position("BTC", "6900").await,
        (
            "5000000".into(),
            "0".into(),
            "500000".into(),
            "4500000".into()
        )
    );
    let entry = app.journal_entry(&s(&done["journal_entry_id"])).await;
    assert_eq!(entry["source"], "asset");
    assert_eq!(
        lines(&entry),
        [
            ("331".into(), "credit".into(), "500000".into()),
            ("611".into(), "debit".into(), "500000".into()),
        ]
    );

    let moved = app.asset_view("clerk.btc", &projector_id).await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    let moved = moved.json();
    assert_eq!(moved["custodian_board_id"], app.boards["BTC"].to_string());
    assert_eq!(moved["origin_board_id"], app.boards["UBKT"].to_string());
    assert_eq!(moved["status"], "in_use");
    assert_eq!(moved["location"], "Phòng họp Ban Tổ chức");

    let history = app.history(&projector_id).await;
    assert_eq!(kinds(&history), ["registered", "transfer"]);
    let t = &history[1];
    assert_eq!(t["from_board_id"], app.boards["UBKT"].to_string());
    assert_eq!(t["to_board_id"], app.boards["BTC"].to_string());
    assert_eq!(t["from_status"], "idle");
    assert_eq!(t["to_status"], "in_use");
    assert_eq!(t["from_location"], "Phòng 101");
    assert_eq!(t["asset_request_id"], req_id.as_str());
    assert_eq!(t["actor"], "finance");

    // No longer idle: another board cannot ask for it.
    app.request(
        "clerk.ubkt",
        json!({"kind": "transfer_in", "asset_id": projector_id, "description": "Lấy lại"}),
    )
    .await
    .problem(422, "validation_failed");
    // Done is done.
    app.step("finance", &req_id, "fulfil", json!({}))
        .await
        .problem(409, "invalid_transition");
    app.step("finance", &req_id, "reject", json!({"reason": "Muộn"}))
        .await
        .problem(409, "invalid_transition");
    // The UBKT clerk does not see BTC's request.
    let ubkt = app.token("clerk.ubkt").await;
    app.get(&format!("/api/v1/asset-requests/{req_id}"), &ubkt)
        .await
        .problem(404, "not_found");
    let list = app.get("/api/v1/asset-requests", &ubkt).await;
    assert_eq!(list.json()["items"].as_array().unwrap().len(), 0);
    let list = app.get("/api/v1/asset-requests", &clerk).await;
    assert_eq!(list.json()["items"].as_array().unwrap().len(), 1);
    // Audited.
    let actions: Vec<String> = app
        .audit_of(req_id.parse().unwrap())
        .await
        .iter()
        .map(|e| s(&e["action"]))
        .collect();
    assert_eq!(actions, ["fulfil", "approve", "create"]);
}

#[actix_web::test]
async fn a_purchase_creates_the_asset_posts_it_and_spends_the_commitment() {
    let app = spawn_app().await;
    app.fund_assets("BTC", "9050", "50000000").await;
    let res = app
        .request(
            "clerk.btc",
            json!({"kind": "procurement", "category": "computer", "amount": "20000000",
                   "description": "Máy tính cho chuyên viên mới"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let req = res.json();
    let id = s(&req["id"]);
    assert_eq!(req["budget_line"], "9050");
    // Fulfilling before approval is refused.
    app.step("finance", &id, "fulfil", json!({}))
        .await
        .problem(409, "invalid_transition");
    let res = app.step("manager", &id, "approve", json!({})).await;
    assert_eq!(res.status, 200, "{}", res.text);
    // 50,000,000 − 20,000,000 committed = 30,000,000 available.
    assert_eq!(
        app.position("BTC", "9050").await,
        (
            "50000000".into(),
            "20000000".into(),
            "0".into(),
            "30000000".into()
        )
    );
    app.step("manager", &id, "approve", json!({}))
        .await
        .problem(409, "invalid_transition");
    // A purchase needs the new asset's code, name and location.
    let res = app.step("finance", &id, "fulfil", json!({})).await;
    let problem = res.problem(422, "validation_failed");
    let fields: Vec<String> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| s(&e["field"]))
        .collect();
    assert_eq!(fields, ["code", "name", "location"]);

    // The new asset needs a code of its own.
    app.asset(
        "BTC-MT-0001",
        "furniture",
        "BTC",
        "in_use",
        "1000000",
        "2020-01-01",
    )
    .await;
    app.step(
        "finance",
        &id,
        "fulfil",
        json!({"code": "BTC-MT-0001", "name": "Máy tính", "location": "Phòng 204"}),
    )
    .await
    .problem(409, "asset_code_taken");
    // Bought for 19,500,000, below the estimate.
    let res = app
        .step(
            "finance",
            &id,
            "fulfil",
            json!({"code": "btc-mt-0007", "name": "Máy tính Dell Latitude", "location": "Phòng 204",
                   "cost": "19500000"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let done = res.json();
    assert_eq!(done["status"], "fulfilled");
    let asset_id = s(&done["asset_id"]);
    let asset = app.asset_view("clerk.btc", &asset_id).await.json();
    assert_eq!(asset["code"], "BTC-MT-0007");
    assert_eq!(asset["original_cost"], "19500000");
    assert_eq!(asset["remaining_value"], "19500000");
    assert_eq!(asset["acquired_on"], today().to_string());
    assert_eq!(asset["wear_rate"], "20");
    assert_eq!(asset["status"], "in_use");
    assert_eq!(asset["origin_board_id"], app.boards["BTC"].to_string());
    // Debit 211 / credit 331 for the asset, debit 611 / credit 366 for the budget.
    let entry = app.journal_entry(&s(&done["journal_entry_id"])).await;
    assert_eq!(
        lines(&entry),
        [
            ("211".into(), "debit".into(), "19500000".into()),
            ("331".into(), "credit".into(), "19500000".into()),
            ("366".into(), "credit".into(), "19500000".into()),
            ("611".into(), "debit".into(), "19500000".into()),
        ]
    );
    // The commitment became spend: 50,000,000 − 19,500,000 = 30,500,000.
    assert_eq!(
        app.position("BTC", "9050").await,
        (
            "50000000".into(),
            "0".into(),
            "19500000".into(),
            "30500000".into()
        )
    );
    let history = app.history(&asset_id).await;
    assert_eq!(kinds(&history), ["acquired"]);
    assert_eq!(history[0]["amount"], "19500000");
    assert_eq!(history[0]["journal_entry_id"], done["journal_entry_id"]);

    // With the new computer idle, the next purchase is offered it; buy_anyway buys.
    let finance = app.token("finance").await;
    let res = app
        .patch(
            &format!("/api/v1/assets/{asset_id}"),
            &finance,
            &json!({"status": "idle", "reason": "Chuyên viên chuyển công tác"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let ask = json!({"kind": "procurement", "category": "computer", "amount": "20000000",
                     "description": "Máy tính thứ hai"});
    app.request("clerk.btc", ask.clone())
        .await
        .problem(409, "idle_asset_available");
    let mut anyway = ask.clone();
    anyway["buy_anyway"] = json!(true);
    let res = app.request("clerk.btc", anyway).await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.json()["buy_anyway"], true);
    // A request filed before the asset went idle is stopped at approval.
    let mut other = ask.clone();
    other["category"] = json!("furniture");
    let res = app.request("clerk.btc", other).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let furniture = s(&res.json()["id"]);
    app.asset(
        "BTC-BG-0001",
        "furniture",
        "UBKT",
        "idle",
        "3000000",
        "2023-01-05",
    )
    .await;
    app.step("finance", &furniture, "approve", json!({}))
        .await
        .problem(409, "idle_asset_available");
}

#[actix_web::test]
async fn a_stop_budget_line_refuses_an_approval_beyond_what_is_available() {
    let app = spawn_app().await;
    app.fund_assets("BTC", "9050", "10000000").await;
    let res = app
        .request(
            "clerk.btc",
            json!({"kind": "procurement", "category": "vehicle", "amount": "900000000",
                   "description": "Xe ô tô 7 chỗ"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let id = s(&res.json()["id"]);
    // 10,000,000 available, 900,000,000 asked: 890,000,000 short.
    let problem = app
        .step("finance", &id, "approve", json!({}))
        .await
        .problem(409, "budget_exceeded");
    assert_eq!(problem["budget"]["available"], "10000000");
    assert_eq!(problem["budget"]["shortfall"], "890000000");
    // Still submitted, nothing committed; it can be rejected with a reason.
    assert_eq!(
        app.position("BTC", "9050").await,
        ("10000000".into(), "0".into(), "0".into(), "10000000".into())
    );
    app.step("finance", &id, "reject", json!({"reason": ""}))
        .await
        .problem(422, "validation_failed");
    let res = app
        .step(
            "finance",
            &id,
            "reject",
            json!({"reason": "Vượt dự toán năm"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["status"], "rejected");
    assert_eq!(res.json()["decision_reason"], "Vượt dự toán năm");
    app.step("finance", &id, "approve", json!({}))
        .await
        .problem(409, "invalid_transition");
}

#[actix_web::test]
async fn a_repair_takes_the_asset_out_of_service_and_returns_it() {
    let app = spawn_app().await;
    app.fund_assets("BTC", "6900", "5000000").await;
    let printer = app
        .asset(
            "BTC-MI-0001",
            "office_equipment",
            "BTC",
            "in_use",
            "8000000",
            "2022-06-01",
        )
        .await;
    let printer_id = s(&printer["id"]);
    let theirs = app
        .asset(
            "UBKT-MI-0001",
            "office_equipment",
            "UBKT",
            "in_use",
            "8000000",
            "2022-06-01",
        )
        .await;

    // A clerk repairs only their own board's assets; a repair has a cost.
    app.request(
        "clerk.btc",
        json!({"kind": "repair", "asset_id": theirs["id"], "amount": "100000",
               "description": "Thay trống mực"}),
    )
    .await
    .problem(422, "validation_failed");
    app.request(
        "clerk.btc",
        json!({"kind": "repair", "asset_id": printer_id, "description": "Thay trống mực"}),
    )
    .await
    .problem(422, "validation_failed");
    app.request(
        "clerk.btc",
        json!({"kind": "repair", "asset_id": printer_id, "amount": "100000",
               "buy_anyway": true, "description": "Thay trống mực"}),
    )
    .await
    .problem(422, "validation_failed");

    let res = app
        .request(
            "clerk.btc",
            json!({"kind": "repair", "asset_id": printer_id, "amount": "2000000",
                   "description": "Thay trống mực và bộ sấy"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let id = s(&res.json()["id"]);
    assert_eq!(res.json()["budget_line"], "6900");
    app.step("finance", &id, "approve", json!({})).await;
    assert_eq!(
        app.asset_view("finance", &printer_id).await.json()["status"],
        "under_repair"
    );
    assert_eq!(
        app.position("BTC", "6900").await,
        (
            "5000000".into(),
            "2000000".into(),
            "0".into(),
            "3000000".into()
        )
    );
    // The repair cost 1,800,000: posted debit 611 / credit 331; the
    // 2,000,000 commitment is settled, 5,000,000 − 1,800,000 = 3,200,000 left.
    let res = app
        .step("finance", &id, "fulfil", json!({"cost": "1800000"}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let done = res.json();
    let entry = app.journal_entry(&s(&done["journal_entry_id"])).await;
    assert_eq!(
        lines(&entry),
        [
            ("331".into(), "credit".into(), "1800000".into()),
            ("611".into(), "debit".into(), "1800000".into()),
        ]
    );
    assert_eq!(
        app.position("BTC", "6900").await,
        (
            "5000000".into(),
            "0".into(),
            "1800000".into(),
            "3200000".into()
        )
    );
    let asset = app.asset_view("finance", &printer_id).await.json();
    assert_eq!(asset["status"], "in_use");
    // A repair is spending, not a change of the original cost.
    assert_eq!(asset["original_cost"], "8000000");
    let history = app.history(&printer_id).await;
    assert_eq!(kinds(&history), ["registered", "status", "repair"]);
    assert_eq!(history[1]["to_status"], "under_repair");
    assert_eq!(history[2]["from_status"], "under_repair");
    assert_eq!(history[2]["to_status"], "in_use");
    assert_eq!(history[2]["amount"], "1800000");

    // An approved repair that is rejected releases its commitment and
    // returns the asset to use.
    let res = app
        .request(
            "clerk.btc",
            json!({"kind": "repair", "asset_id": printer_id, "amount": "700000",
                   "description": "Kẹt giấy"}),
        )
        .await;
    let second = s(&res.json()["id"]);
    app.step("manager", &second, "approve", json!({})).await;
    assert_eq!(app.position("BTC", "6900").await.1, "700000");
    let res = app
        .step(
            "manager",
            &second,
            "reject",
            json!({"reason": "Tự khắc phục được"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(
        app.position("BTC", "6900").await,
        (
            "5000000".into(),
            "0".into(),
            "1800000".into(),
            "3200000".into()
        )
    );
    assert_eq!(
        app.asset_view("finance", &printer_id).await.json()["status"],
        "in_use"
    );
}

#[actix_web::test]
async fn a_disposed_asset_cannot_be_transferred_requested_or_changed() {
    let app = spawn_app().await;
    let asset = app
        .asset(
            "BTC-MC-0009",
            "projector",
            "BTC",
            "idle",
            "15000000",
            "2018-01-01",
        )
        .await;
    let id = s(&asset["id"]);
    let finance = app.token("finance").await;
    let res = app
        .patch(
            &format!("/api/v1/assets/{id}"),
            &finance,
            &json!({"status": "disposed", "reason": "Hỏng không sửa được, thanh lý"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["status"], "disposed");
    assert_eq!(res.json()["disposed_on"], today().to_string());

    let transfer = json!({"to_board_id": app.boards["UBKT"], "reason": "Điều chuyển"});
    app.post(
        &format!("/api/v1/assets/{id}/transfer"),
        &finance,
        &transfer,
    )
    .await
    .problem(409, "asset_disposed");
    app.patch(
        &format!("/api/v1/assets/{id}"),
        &finance,
        &json!({"location": "Kho"}),
    )
    .await
    .problem(409, "asset_disposed");
    app.request(
        "clerk.btc",
        json!({"kind": "repair", "asset_id": id, "amount": "100000", "description": "Sửa"}),
    )
    .await
    .problem(409, "asset_disposed");
    app.request(
        "clerk.ubkt",
        json!({"kind": "transfer_in", "asset_id": id, "description": "Xin nhận"}),
    )
    .await
    .problem(409, "asset_disposed");
    // A disposed asset is not offered instead of a purchase.
    let res = app
        .request(
            "finance",
            json!({"kind": "procurement", "board_id": app.boards["UBKT"], "category": "projector",
                   "amount": "18000000", "description": "Máy chiếu mới"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let history = app.history(&id).await;
    assert_eq!(kinds(&history), ["registered", "status"]);
    assert_eq!(history[1]["to_status"], "disposed");
    assert_eq!(history[1]["reason"], "Hỏng không sửa được, thanh lý");
}

#[actix_web::test]
async fn transfers_between_boards_are_kept_in_the_history() {
    let app = spawn_app().await;
    let asset = app
        .asset(
            "VP-BG-0001",
            "furniture",
            "BTC",
            "in_use",
            "6000000",
            "2020-01-01",
        )
        .await;
    let id = s(&asset["id"]);
    let path = format!("/api/v1/assets/{id}/transfer");
    let manager = app.token("manager").await;
    let clerk = app.token("clerk.btc").await;
    let body = json!({"to_board_id": app.boards["UBKT"], "reason": "Ban Tổ chức thừa bàn họp",
                      "location": "Phòng 305", "status": "idle"});
    app.post(&path, &clerk, &body)
        .await
        .problem(403, "forbidden");
    app.post(
        &path,
        &manager,
        &json!({"to_board_id": app.boards["BTC"], "reason": "Không đổi"}),
    )
    .await
    .problem(422, "validation_failed");
    app.post(
        &path,
        &manager,
        &json!({"to_board_id": app.boards["UBKT"], "reason": " "}),
    )
    .await
    .problem(422, "validation_failed");
    let res = app.post(&path, &manager, &body).await;
    assert_eq!(res.status, 200, "{}", res.text);
    let moved = res.json();
    assert_eq!(moved["custodian_board_id"], app.boards["UBKT"].to_string());
    assert_eq!(moved["status"], "idle");
    assert_eq!(moved["location"], "Phòng 305");
    // Back again, in use where it was.
    let res = app
        .post(
            &path,
            &manager,
            &json!({"to_board_id": app.boards["BTC"], "reason": "Ban Tổ chức cần lại",
                    "location": "Phòng 101"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let history = app.history(&id).await;
    assert_eq!(kinds(&history), ["registered", "transfer", "transfer"]);
    assert_eq!(history[1]["reason"], "Ban Tổ chức thừa bàn họp");
    assert_eq!(history[1]["to_location"], "Phòng 305");
    assert_eq!(history[2]["from_board_id"], app.boards["UBKT"].to_string());
    assert_eq!(history[2]["from_status"], "idle");
    assert_eq!(history[2]["to_status"], "in_use");
    // Audited with before and after.
    let audit = app.audit_of(id.parse().unwrap()).await;
    assert_eq!(audit[0]["action"], "transfer");
    // An unknown asset is 404.
    app.post(
        &format!("/api/v1/assets/{}/transfer", uuid::Uuid::now_v7()),
        &manager,
        &body,
    )
    .await
    .problem(404, "not_found");
}

#[actix_web::test]
async fn registration_refuses_bad_input_with_field_errors() {
    let app = spawn_app().await;
    let ok = json!({"code": "BTC-MT-0001", "name": "Máy tính", "category": "computer",
                    "original_cost": "15000000", "acquired_on": "2025-02-01",
                    "custodian_board_id": app.boards["BTC"], "location": "Phòng 101"});
    let res = app.register(ok.clone()).await;
    assert_eq!(res.status, 201, "{}", res.text);
    app.register(ok.clone())
        .await
        .problem(409, "asset_code_taken");
    let mut lower = ok.clone();
    lower["code"] = json!("btc-mt-0001");
    app.register(lower).await.problem(409, "asset_code_taken");

    let bad = json!({"code": "MÁY 1", "name": "", "category": "Máy chiếu",
                     "original_cost": "15000000.001", "wear_rate": "120",
                     "acquired_on": "2025-02-01", "custodian_board_id": app.boards["BTC"],
                     "location": "Phòng 101", "status": "lost"});
    let problem = app.register(bad).await.problem(422, "validation_failed");
    let codes: Vec<(String, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (s(&e["field"]), s(&e["code"])))
        .collect();
    assert_eq!(
        codes,
        [
            ("code".into(), "invalid_asset_code".into()),
            ("name".into(), "required".into()),
            ("category".into(), "invalid_category".into()),
            ("original_cost".into(), "amount_too_precise".into()),
            ("wear_rate".into(), "invalid_wear_rate".into()),
            ("status".into(), "invalid_asset_status".into()),
        ]
    );
    let mut unknown = ok.clone();
    unknown["code"] = json!("BTC-X-1");
    unknown["category"] = json!("spaceship");
    app.register(unknown)
        .await
        .problem(422, "validation_failed");
    let mut future = ok.clone();
    future["code"] = json!("BTC-X-2");
    future["acquired_on"] = json!((today() + Duration::days(3)).to_string());
    future["accumulated_wear"] = json!("16000000");
    let problem = app.register(future).await.problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "date_in_future");
    assert_eq!(problem["errors"][1]["code"], "wear_exceeds_cost");
    // Only finance registers assets.
    let clerk = app.token("clerk.btc").await;
    app.post("/api/v1/assets", &clerk, &ok)
        .await
        .problem(403, "forbidden");
    let driver = app.token("driver").await;
    app.get("/api/v1/assets", &driver)
        .await
        .problem(403, "forbidden");
    // Categories with their rates.
    let res = app.get("/api/v1/asset-categories", &clerk).await;
    let cats: Vec<(String, String)> = res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (s(&c["code"]), s(&c["wear_rate"])))
        .collect();
    assert_eq!(
        cats,
        [
            ("computer".into(), "20".into()),
            ("furniture".into(), "12.5".into()),
            ("office_equipment".into(), "12.5".into()),
            ("projector".into(), "20".into()),
            ("vehicle".into(), "10".into()),
        ]
    );
    // Filters and pagination.
    let finance = app.token("finance").await;
    for code in ["BTC-MT-0002", "BTC-MT-0003"] {
        let mut more = ok.clone();
        more["code"] = json!(code);
        assert_eq!(app.register(more).await.status, 201);
    }
    let page = app
        .get("/api/v1/assets?category=computer&limit=2", &finance)
        .await
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["next_cursor"], "BTC-MT-0002");
    let next = app
        .get(
            "/api/v1/assets?category=computer&limit=2&cursor=BTC-MT-0002",
            &finance,
        )
        .await
        .json();
    assert_eq!(next["items"][0]["code"], "BTC-MT-0003");
    app.get("/api/v1/assets?status=gone", &finance)
        .await
        .problem(422, "validation_failed");
}

#[actix_web::test]
async fn the_wear_run_posts_each_year_once() {
    let app = spawn_app().await;
    let last = this_year() - 1;
    // Projector, 24,000,000 at 20 %, acquired 20 September last year:
    // September–December = 4 months; 24,000,000 × 20 % × 4/12 = 1,600,000.
    let projector = app
        .asset(
            "BTC-MC-0001",
            "projector",
            "BTC",
            "in_use",
            "24000000",
            &format!("{last}-09-20"),
        )
        .await;
    // A car, 12,000,000 at 10 % but with 11,500,000 already worn: a full
    // year would be 1,200,000; only the 500,000 left is worn.
    let res = app
        .register(json!({
            "code": "UBKT-OTO-01", "name": "Xe ô tô cũ", "category": "vehicle",
            "original_cost": "12000000", "accumulated_wear": "11500000",
            "acquired_on": "2015-01-01", "custodian_board_id": app.boards["UBKT"],
            "location": "Nhà xe"}))
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let car = res.json();
    // Bought this year: nothing for last year.
    let new = app
        .asset(
            "BTC-MT-0001",
            "computer",
            "BTC",
            "in_use",
            "15000000",
            &format!("{}-01-01", this_year()),
        )
        .await;

    let finance = app.token("finance").await;
    let run = json!({"fiscal_year": last});
    let res = app.post("/api/v1/wear-runs", &finance, &run).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let first = res.json();
    assert_eq!(first["already_run"], false);
    // 1,600,000 + 500,000 = 2,100,000.
    assert_eq!(first["total"], "2100000");
    assert_eq!(first["assets_count"], 2);
    let entry = app.journal_entry(&s(&first["journal_entry_id"])).await;
    assert_eq!(entry["date"], format!("{last}-12-31"));
    assert_eq!(entry["source"], "asset");
    // Debit 366 / credit 214 per board: BTC 1,600,000, UBKT 500,000.
    assert_eq!(
        lines(&entry),
        [
            ("214".into(), "credit".into(), "1600000".into()),
            ("214".into(), "credit".into(), "500000".into()),
            ("366".into(), "debit".into(), "1600000".into()),
            ("366".into(), "debit".into(), "500000".into()),
        ]
    );
    let p = app.asset_view("finance", &s(&projector["id"])).await.json();
    assert_eq!(p["accumulated_wear"], "1600000");
    // 24,000,000 − 1,600,000 = 22,400,000.
    assert_eq!(p["remaining_value"], "22400000");
    let c = app.asset_view("finance", &s(&car["id"])).await.json();
    assert_eq!(c["accumulated_wear"], "12000000");
    assert_eq!(c["remaining_value"], "0");
    let n = app.asset_view("finance", &s(&new["id"])).await.json();
    assert_eq!(n["accumulated_wear"], "0");
    let history = app.history(&s(&projector["id"])).await;
    assert_eq!(kinds(&history), ["registered", "wear"]);
    assert_eq!(history[1]["amount"], "1600000");
    assert_eq!(history[1]["wear_run_id"], first["id"]);

    // Again: 200, already run, nothing changes.
    let res = app.post("/api/v1/wear-runs", &finance, &run).await;
    assert_eq!(res.status, 200, "{}", res.text);
    let again = res.json();
    assert_eq!(again["already_run"], true);
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["total"], "2100000");
    let p = app.asset_view("finance", &s(&projector["id"])).await.json();
    assert_eq!(p["accumulated_wear"], "1600000");
    assert_eq!(app.history(&s(&projector["id"])).await.len(), 2);
    let journal = app
        .get("/api/v1/journal?source=asset", &finance)
        .await
        .json();
    assert_eq!(journal["items"].as_array().unwrap().len(), 1);

    // The year before, run afterwards: the projector was not yet bought and
    // the car has nothing left to wear (its 12,000,000 are all worn now):
    // 201 with a total of 0 and no entry.
    let res = app
        .post(
            "/api/v1/wear-runs",
            &finance,
            &json!({"fiscal_year": last - 1}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.json()["total"], "0");
    assert!(res.json()["journal_entry_id"].is_null());

    // A future year is refused; so is a year outside the calendar kept.
    let problem = app
        .post(
            "/api/v1/wear-runs",
            &finance,
            &json!({"fiscal_year": this_year() + 1}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "future_year");
    app.post(
        "/api/v1/wear-runs",
        &finance,
        &json!({"fiscal_year": "2025"}),
    )
    .await
    .problem(422, "validation_failed");
    let clerk = app.token("clerk.btc").await;
    app.post("/api/v1/wear-runs", &clerk, &run)
        .await
        .problem(403, "forbidden");
    let list = app.get("/api/v1/wear-runs", &finance).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn concurrent_wear_runs_post_once() {
    let app = spawn_app().await;
    let last = this_year() - 1;
    app.asset(
        "BTC-MC-0001",
        "projector",
        "BTC",
        "in_use",
        "24000000",
        &format!("{last}-01-15"),
    )
    .await;
    let finance = app.token("finance").await;
    let run = json!({"fiscal_year": last});
    let (a, b, c) = tokio::join!(
        app.post("/api/v1/wear-runs", &finance, &run),
        app.post("/api/v1/wear-runs", &finance, &run),
        app.post("/api/v1/wear-runs", &finance, &run),
    );
    let mut statuses = vec![a.status, b.status, c.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [200, 200, 201],
        "{} {} {}",
        a.text,
        b.text,
        c.text
    );
    // 24,000,000 × 20 % × 12/12 = 4,800,000, once.
    let journal = app
        .get("/api/v1/journal?source=asset", &finance)
        .await
        .json();
    assert_eq!(journal["items"].as_array().unwrap().len(), 1);
    let assets = app.get("/api/v1/assets", &finance).await.json();
    assert_eq!(assets["items"][0]["accumulated_wear"], "4800000");
}

#[actix_web::test]
async fn a_stocktake_lists_missing_unexpected_and_misplaced_assets() {
    let app = spawn_app().await;
    for (code, board, location) in [
        ("BTC-1", "BTC", "Phòng 101"),
        ("BTC-2", "BTC", "Phòng 101"),
        ("BTC-3", "BTC", "Phòng 102"),
        ("UBKT-1", "UBKT", "Phòng 101"),
    ] {
        let res = app
            .register(json!({"code": code, "name": "Ghế", "category": "furniture",
                             "original_cost": "1000000", "acquired_on": "2024-01-01",
                             "custodian_board_id": app.boards[board], "location": location}))
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
    }
    let finance = app.token("finance").await;
    app.post("/api/v1/stocktakes", &finance, &json!({}))
        .await
        .problem(422, "validation_failed");
    let res = app
        .post(
            "/api/v1/stocktakes",
            &finance,
            &json!({"board_id": app.boards["BTC"]}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let id = s(&res.json()["id"]);
    assert_eq!(res.json()["status"], "open");

    // Found in room 101: BTC-1 (lower case on the scanner), BTC-3 (registered
    // in 102), UBKT's chair and a code nobody registered.
    let counts = format!("/api/v1/stocktakes/{id}/counts");
    app.post(
        &counts,
        &finance,
        &json!({"codes": ["BTC 1"], "location": "Phòng 101"}),
    )
    .await
    .problem(422, "validation_failed");
    app.post(
        &counts,
        &finance,
        &json!({"codes": [], "location": "Phòng 101"}),
    )
    .await
    .problem(422, "validation_failed");
    let res = app
        .post(
            &counts,
            &finance,
            &json!({"codes": ["btc-1", "BTC-3", "UBKT-1", "XX-99"], "location": "Phòng 101"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["counted"], 4);

    let res = app
        .post(
            &format!("/api/v1/stocktakes/{id}/close"),
            &finance,
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let closed = res.json();
    assert_eq!(closed["status"], "closed");
    let found: Vec<(String, String)> = closed["discrepancies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (s(&d["kind"]), s(&d["asset_code"])))
        .collect();
    assert_eq!(
        found,
        [
            ("missing".into(), "BTC-2".into()),
            ("unexpected".into(), "UBKT-1".into()),
            ("unexpected".into(), "XX-99".into()),
            ("wrong_location".into(), "BTC-3".into()),
        ]
    );
    let misplaced = &closed["discrepancies"][3];
    assert_eq!(misplaced["registered_location"], "Phòng 102");
    assert_eq!(misplaced["counted_location"], "Phòng 101");

    // The same as CSV.
    let res = app
        .get(&format!("/api/v1/stocktakes/{id}?format=csv"), &finance)
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert!(res.header("content-type").unwrap().starts_with("text/csv"));
    let mut rows = res.text.lines();
    assert_eq!(
        rows.next().unwrap(),
        "kind,asset_code,asset_id,registered_board_id,registered_location,counted_location"
    );
    let rows: Vec<&str> = rows.collect();
    assert_eq!(rows.len(), 4);
    assert!(rows[0].starts_with("missing,BTC-2,"), "{}", rows[0]);
    assert!(
        rows[2].starts_with("unexpected,XX-99,,,,Phòng 101"),
        "{}",
        rows[2]
    );

    // Closed is closed.
    app.post(&counts, &finance, &json!({"codes": ["BTC-2"]}))
        .await
        .problem(409, "stocktake_closed");
    app.post(
        &format!("/api/v1/stocktakes/{id}/close"),
        &finance,
        &json!({}),
    )
    .await
    .problem(409, "stocktake_closed");

    // A location stocktake: the assets registered in room 101, whoever holds them.
    let res = app
        .post(
            "/api/v1/stocktakes",
            &finance,
            &json!({"location": "Phòng 101"}),
        )
        .await;
    let loc = s(&res.json()["id"]);
    app.post(
        &format!("/api/v1/stocktakes/{loc}/counts"),
        &finance,
        &json!({"codes": ["BTC-1", "BTC-2", "BTC-3"]}),
    )
    .await;
    let closed = app
        .post(
            &format!("/api/v1/stocktakes/{loc}/close"),
            &finance,
            &json!({}),
        )
        .await
        .json();
    let found: Vec<(String, String)> = closed["discrepancies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (s(&d["kind"]), s(&d["asset_code"])))
        .collect();
    assert_eq!(
        found,
        [
            ("missing".into(), "UBKT-1".into()),
            ("wrong_location".into(), "BTC-3".into()),
        ]
    );
    let manager = app.token("manager").await;
    let list = app.get("/api/v1/stocktakes", &manager).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    // Clerks read their own board's stocktakes and count in them, nothing else.
    let clerk = app.token("clerk.btc").await;
    let mine = app.get("/api/v1/stocktakes", &clerk).await.json();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine["items"][0]["id"], id.as_str());
    app.get(&format!("/api/v1/stocktakes/{loc}"), &clerk)
        .await
        .problem(404, "not_found");
    let res = app
        .post(
            "/api/v1/stocktakes",
            &finance,
            &json!({"board_id": app.boards["BTC"]}),
        )
        .await;
    let open = s(&res.json()["id"]);
    let count = json!({"codes": ["BTC-1", "BTC-2", "BTC-3"], "location": "Phòng 101"});
    let other = app.token("clerk.ubkt").await;
    app.post(&format!("/api/v1/stocktakes/{open}/counts"), &other, &count)
        .await
        .problem(404, "not_found");
    let res = app
        .post(&format!("/api/v1/stocktakes/{open}/counts"), &clerk, &count)
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["counted"], 3);
    app.post(
        &format!("/api/v1/stocktakes/{open}/close"),
        &clerk,
        &json!({}),
    )
    .await
    .problem(403, "forbidden");
    let driver = app.token("driver").await;
    app.get("/api/v1/stocktakes", &driver)
        .await
        .problem(403, "forbidden");
}

#[actix_web::test]
async fn the_asset_history_refuses_to_be_rewritten() {
    let app = spawn_app().await;
    app.asset(
        "BTC-MC-0001",
        "projector",
        "BTC",
        "in_use",
        "24000000",
        "2024-01-01",
    )
    .await;
    let mut conn = app.db.connect();
    for sql in [
        "UPDATE asset_history SET amount_minor = 1",
        "UPDATE asset_history SET reason = 'sửa lịch sử'",
        "DELETE FROM asset_history",
    ] {
        let result = diesel::sql_query(sql).execute(&mut conn);
        assert!(result.is_err(), "the database accepted: {sql}");
    }
    if matches!(app.db.target, sharedoffice::storage::DbTarget::Postgres(_)) {
        let result = diesel::sql_query("TRUNCATE asset_history CASCADE").execute(&mut conn);
        assert!(result.is_err(), "the database accepted TRUNCATE");
    }
    // Still there, unchanged.
    let assets = app
        .get("/api/v1/assets", &app.token("finance").await)
        .await
        .json();
    let history = app.history(&s(&assets["items"][0]["id"])).await;
    assert_eq!(kinds(&history), ["registered"]);
    assert_eq!(history[0]["amount"], "24000000");
    // And the register's own rules hold without the API: wear beyond the cost.
    let result =
        diesel::sql_query("UPDATE assets SET accumulated_wear_minor = original_cost_minor + 1")
            .execute(&mut conn);
    assert!(result.is_err(), "wear beyond the cost was accepted");
    // A second wear run row for a year.
    let ts = "'2026-11-22 08:00:00'";
    for id in [
        "00000000-0000-7000-8000-0000000000a1",
        "00000000-0000-7000-8000-0000000000a2",
    ] {
        let _ = diesel::sql_query(format!(
            "INSERT INTO wear_runs (id, fiscal_year, total_minor, assets_count, created_at) VALUES ('{id}', 2024, 0, 0, {ts})"
        ))
        .execute(&mut conn);
    }
    let n: Vec<Count> =
        diesel::sql_query("SELECT COUNT(*) AS n FROM wear_runs WHERE fiscal_year = 2024")
            .load(&mut conn)
            .unwrap();
    assert_eq!(n[0].n, 1);
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[actix_web::test]
async fn a_warn_line_approves_beyond_its_budget_and_says_so() {
    let app = spawn_app().await;
    let chair = app
        .asset(
            "UBKT-BG-0002",
            "furniture",
            "UBKT",
            "idle",
            "2500000",
            "2021-05-01",
        )
        .await;
    // 6550 (office supplies) is a `warn` line with nothing allocated to BTC.
    let res = app
        .request(
            "clerk.btc",
            json!({"kind": "transfer_in", "asset_id": chair["id"], "amount": "300000",
                   "budget_line": "6550", "description": "Nhận ghế, thuê xe chở"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let id = s(&res.json()["id"]);
    let res = app.step("finance", &id, "approve", json!({})).await;
    assert_eq!(res.status, 200, "{}", res.text);
    let approved = res.json();
    // 0 available, 300,000 asked: 300,000 short, approved with the warning.
    assert_eq!(approved["budget_warnings"][0]["budget_line"], "6550");
    assert_eq!(approved["budget_warnings"][0]["shortfall"], "300000");
    assert_eq!(app.position("BTC", "6550").await.1, "300000");
    // An unknown budget line is refused when filing.
    app.request(
        "clerk.btc",
        json!({"kind": "transfer_in", "asset_id": chair["id"], "budget_line": "1234",
               "description": "Nhận ghế"}),
    )
    .await
    .problem(422, "validation_failed");
}

#[actix_web::test]
async fn changes_of_location_and_status_are_in_the_history_and_clerks_see_only_their_own() {
    let app = spawn_app().await;
    let asset = app
        .asset(
            "UBKT-MT-0009",
            "computer",
            "UBKT",
            "in_use",
            "16000000",
            "2023-04-01",
        )
        .await;
    let id = s(&asset["id"]);
    let finance = app.token("finance").await;
    let res = app
        .patch(
            &format!("/api/v1/assets/{id}"),
            &finance,
            &json!({"location": "Kho tầng 1", "status": "idle", "name": "Máy tính HP ProBook",
                    "reason": "Thu hồi về kho"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["name"], "Máy tính HP ProBook");
    let history = app.history(&id).await;
    assert_eq!(kinds(&history), ["registered", "location", "status"]);
    assert_eq!(history[1]["from_location"], "Phòng 101");
    assert_eq!(history[1]["to_location"], "Kho tầng 1");
    assert_eq!(history[2]["from_status"], "in_use");
    assert_eq!(history[2]["to_status"], "idle");
    assert_eq!(history[2]["reason"], "Thu hồi về kho");
    // Idle now: the BTC clerk sees it and its history.
    let clerk = app.token("clerk.btc").await;
    let res = app
        .get(&format!("/api/v1/assets/{id}/history"), &clerk)
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    // Back in use at UBKT: hidden from BTC again.
    app.patch(
        &format!("/api/v1/assets/{id}"),
        &finance,
        &json!({"status": "in_use"}),
    )
    .await;
    app.get(&format!("/api/v1/assets/{id}/history"), &clerk)
        .await
        .problem(404, "not_found");
    let res = app
        .get(
            &format!("/api/v1/assets/{id}/history"),
            &app.token("clerk.ubkt").await,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    // Only finance changes assets; unknown fields are refused.
    app.patch(
        &format!("/api/v1/assets/{id}"),
        &clerk,
        &json!({"location": "X"}),
    )
    .await
    .problem(403, "forbidden");
    app.patch(
        &format!("/api/v1/assets/{id}"),
        &finance,
        &json!({"original_cost": "1"}),
    )
    .await
    .problem(422, "validation_failed");
}
