//! The asset-utilisation report on a hand-built register: holdings by
//! board, category and status, idle value, open requests and transfer
//! suggestions, with every number worked out by hand; CSV read back and
//! compared with JSON; roles and refusals.

use chrono::{Duration, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(7)).date_naive()
}

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_owned()
}

impl TestApp {
    /// Registers an asset (finance) with accumulated wear; returns its id.
    async fn register_worn(
        &self,
        code: &str,
        category: &str,
        board: &str,
        status: &str,
        cost: &str,
        wear: &str,
    ) -> String {
        let token = self.token("finance").await;
        let res = self
            .post(
                "/api/v1/assets",
                &token,
                &json!({
                    "code": code, "name": format!("Tài sản {code}"), "category": category,
                    "original_cost": cost, "accumulated_wear": wear,
                    "acquired_on": "2024-03-10", "custodian_board_id": self.boards[board],
                    "location": "Phòng 101", "status": status,
                }),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
        s(&res.json()["id"])
    }

    async fn set_asset_status(&self, id: &str, status: &str) {
        let token = self.token("finance").await;
        let res = self
            .patch(
                &format!("/api/v1/assets/{id}"),
                &token,
                &json!({"status": status, "reason": "Kiểm tra định kỳ"}),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
    }

    /// Files an asset request as finance for a board; returns its id.
    async fn file(&self, board_id: &str, body: Value) -> String {
        let token = self.token("finance").await;
        let mut body = body;
        body["board_id"] = json!(board_id);
        body["description"] = json!("Đề nghị của Ban");
        let res = self.post("/api/v1/asset-requests", &token, &body).await;
        assert_eq!(res.status, 201, "{}", res.text);
        s(&res.json()["id"])
    }

    async fn asset_report(&self, who: &str, query: &str) -> crate::helpers::Resp {
        let token = self.token(who).await;
        self.get(&format!("/api/v1/reports/asset-utilisation{query}"), &token)
            .await
    }

    /// A third board, Ban Tuyên giáo.
    async fn add_btg(&self) -> String {
        let token = self.token("admin").await;
        let res = self
            .post(
                "/api/v1/boards",
                &token,
                &json!({"code": "BTG", "name": "Ban Tuyên giáo Tỉnh ủy"}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
        s(&res.json()["id"])
    }
}

/// Reads a CSV body and checks it against the JSON rows, column by column.
fn csv_matches_json(csv_text: &str, rows: &[Value]) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), rows.len(), "CSV and JSON row counts");
    for (rec, row) in records.iter().zip(rows) {
        let obj = row.as_object().unwrap();
        assert_eq!(obj.len(), header.len(), "CSV columns are the JSON fields");
        for (i, col) in header.iter().enumerate() {
            let expected = match &obj[col] {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(rec.get(i).unwrap(), expected, "column {col}");
        }
    }
    header
}

/// (line, board, category) of each row, in order.
fn shape(report: &Value) -> Vec<(String, String, String)> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                s(&r["line"]),
                s(&r["board"]),
                r["category"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// The counts of a holding line: assets, in_use, idle, under_repair,
/// open_requests, matched_requests, offered_assets.
fn counts(r: &Value) -> [u64; 7] {
    [
        "assets",
        "in_use",
        "idle",
        "under_repair",
        "open_requests",
        "matched_requests",
        "offered_assets",
    ]
    .map(|k| r[k].as_u64().unwrap_or_else(|| panic!("{k} in {r}")))
}

#[actix_web::test]
async fn idle_assets_are_offered_to_other_boards_requests_of_their_category() {
    let app = spawn_app().await;
    let btg = app.add_btg().await;
    let btc = app.boards["BTC"].to_string();
    let ubkt = app.boards["UBKT"].to_string();

    // BTC: two idle projectors (24M worn 4.8M → 19.2M left; 10M worn 9M →
    // 1M left), one in use, one disposed (left out everywhere), and a
    // computer under repair.
    let _btc1 = app
        .register_worn(
            "BTC-MC-0001",
            "projector",
            "BTC",
            "idle",
            "24000000",
            "4800000",
        )
        .await;
    let btc2 = app
        .register_worn("BTC-MC-0002", "projector", "BTC", "in_use", "20000000", "0")
        .await;
    let btc3 = app
        .register_worn(
            "BTC-MC-0003",
            "projector",
            "BTC",
            "idle",
            "10000000",
            "9000000",
        )
        .await;
    let btc4 = app
        .register_worn("BTC-MC-0004", "projector", "BTC", "in_use", "15000000", "0")
        .await;
    app.set_asset_status(&btc4, "disposed").await;
    let btc_pc = app
        .register_worn("BTC-MT-0001", "computer", "BTC", "in_use", "18000000", "0")
        .await;
    app.set_asset_status(&btc_pc, "under_repair").await;
    // UBKT: an idle projector (30M, unworn) and a disposed idle computer.
    let ubkt1 = app
        .register_worn("UBKT-MC-0001", "projector", "UBKT", "idle", "30000000", "0")
        .await;
    let ubkt_pc = app
        .register_worn("UBKT-MT-0002", "computer", "UBKT", "idle", "15000000", "0")
        .await;
    app.set_asset_status(&ubkt_pc, "disposed").await;

    // Requests, in filing order:
    // R1 BTG buys a projector (anyway); R2 BTC buys a projector (anyway);
    // R3 UBKT asks for BTC-MC-0003 by transfer, approved (costs nothing);
    // R4 BTG buys a computer (none idle); R5 BTC repairs BTC-MC-0002 (not
    // a request for an asset: left out); R6 UBKT's computer purchase,
    // rejected (closed: left out).
    let r1 = app
        .file(
            &btg,
            json!({"kind": "procurement", "category": "projector", "amount": "18000000", "buy_anyway": true}),
        )
        .await;
    let _r2 = app
        .file(
            &btc,
            json!({"kind": "procurement", "category": "projector", "amount": "18000000", "buy_anyway": true}),
        )
        .await;
    let r3 = app
        .file(&ubkt, json!({"kind": "transfer_in", "asset_id": btc3}))
        .await;
    let finance = app.token("finance").await;
    let res = app
        .post(
            &format!("/api/v1/asset-requests/{r3}/approve"),
            &finance,
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let _r4 = app
        .file(
            &btg,
            json!({"kind": "procurement", "category": "computer", "amount": "15000000"}),
        )
        .await;
    let _r5 = app
        .file(
            &btc,
            json!({"kind": "repair", "asset_id": btc2, "amount": "500000"}),
        )
        .await;
    let r6 = app
        .file(
            &ubkt,
            json!({"kind": "procurement", "category": "computer", "amount": "15000000"}),
        )
        .await;
    let res = app
        .post(
            &format!("/api/v1/asset-requests/{r6}/reject"),
            &finance,
            &json!({"reason": "Chưa cần thiết"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);

    let res = app.asset_report("manager", "").await;
    assert_eq!(res.status, 200, "{}", res.text);
    let report = res.json();
    assert_eq!(report["as_of"], today().to_string());
    // Boards in code order (BTC, BTG, UBKT), each with its categories in
    // code order and its total; then the suggestions, oldest request first.
    // UBKT's computers are all disposed and its only computer request was
    // rejected: no computer line.
    let got = shape(&report);
    let expect = [
        ("category", "BTC", "computer"),
        ("category", "BTC", "projector"),
        ("board", "BTC", ""),
        ("category", "BTG", "computer"),
        ("category", "BTG", "projector"),
        ("board", "BTG", ""),
        ("category", "UBKT", "projector"),
        ("board", "UBKT", ""),
        ("suggestion", "UBKT", "projector"),
        ("suggestion", "BTC", "projector"),
    ];
    let expect: Vec<(String, String, String)> = expect
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(got, expect);
    assert_eq!(report["suggestions"], 2);
    let rows = report["rows"].as_array().unwrap();

    // Matching: R3 names BTC-MC-0003, still idle at BTC → paired first.
    // R1 (BTG, oldest) takes the most valuable idle projector of another
    // board: UBKT-MC-0001 (30M) over BTC-MC-0001 (19.2M). R2 (BTC) could
    // only have BTC-MC-0001, its own: nothing is suggested. R4: no idle
    // computer (UBKT's is disposed, BTC's is under repair).
    //
    // BTC computer: 1 held, under repair.
    assert_eq!(counts(&rows[0]), [1, 0, 0, 1, 0, 0, 0]);
    assert_eq!(rows[0]["idle_percent"], "0.00");
    assert_eq!(rows[0]["idle_original_cost"], "0");
    // BTC projector: 0001 idle, 0002 in use, 0003 idle (0004 disposed);
    // idle 2 of 3 = 66.67 %; idle cost 24M + 10M = 34M, left 19.2M + 1M =
    // 20.2M; R2 open, unmatched; 0003 offered to UBKT.
    assert_eq!(counts(&rows[1]), [3, 1, 2, 0, 1, 0, 1]);
    assert_eq!(rows[1]["idle_percent"], "66.67");
    assert_eq!(rows[1]["idle_original_cost"], "34000000");
    assert_eq!(rows[1]["idle_remaining_value"], "20200000");
    // BTC total: 4 held, 2 idle = 50 %.
    assert_eq!(counts(&rows[2]), [4, 1, 2, 1, 1, 0, 1]);
    assert_eq!(rows[2]["idle_percent"], "50.00");
    assert_eq!(rows[2]["idle_remaining_value"], "20200000");
    assert_eq!(rows[2]["board_name"], "Ban Tổ chức Tỉnh ủy");
    // BTG holds nothing: R4 (computer) unmatched, R1 (projector) matched.
    assert_eq!(counts(&rows[3]), [0, 0, 0, 0, 1, 0, 0]);
    assert_eq!(rows[3]["idle_percent"], Value::Null);
    assert_eq!(counts(&rows[4]), [0, 0, 0, 0, 1, 1, 0]);
    assert_eq!(counts(&rows[5]), [0, 0, 0, 0, 2, 1, 0]);
    assert_eq!(rows[5]["board_id"], btg.as_str());
    // UBKT projector: 1 idle of 1 = 100 %, 30M; R3 open and matched;
    // UBKT-MC-0001 offered to BTG.
    assert_eq!(counts(&rows[6]), [1, 0, 1, 0, 1, 1, 1]);
    assert_eq!(rows[6]["idle_percent"], "100.00");
    assert_eq!(rows[6]["idle_original_cost"], "30000000");
    assert_eq!(counts(&rows[7]), [1, 0, 1, 0, 1, 1, 1]);

    // The suggestions.
    let s1 = &rows[8];
    assert_eq!(s1["asset_id"], ubkt1.as_str());
    assert_eq!(s1["asset_code"], "UBKT-MC-0001");
    assert_eq!(s1["remaining_value"], "30000000");
    assert_eq!(s1["to_board"], "BTG");
    assert_eq!(s1["request_id"], r1.as_str());
    assert_eq!(s1["request_kind"], "procurement");
    assert_eq!(s1["request_status"], "submitted");
    assert_eq!(s1["basis"], "category");
    assert_eq!(s1["assets"], Value::Null, "counts are empty on suggestions");
    assert_eq!(
        s1["summary"],
        format!(
            "Idle projector UBKT-MC-0001 of Ủy ban Kiểm tra Tỉnh ủy (remaining value 30000000) \
             matches the procurement request of Ban Tuyên giáo Tỉnh ủy filed {}: transfer it \
             instead of buying.",
            today()
        )
    );
    let s2 = &rows[9];
    assert_eq!(s2["asset_code"], "BTC-MC-0003");
    assert_eq!(s2["remaining_value"], "1000000");
    assert_eq!(s2["to_board"], "UBKT");
    assert_eq!(s2["request_id"], r3.as_str());
    assert_eq!(s2["request_status"], "approved");
    assert_eq!(s2["basis"], "named");
    // No suggestion gives a board its own asset.
    for r in &rows[8..] {
        assert_ne!(r["board_id"], r["to_board_id"]);
    }

    // CSV is the same rows, streamed; with excel=true it starts with a BOM.
    let res = app.asset_report("finance", "?format=csv").await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    let header = csv_matches_json(&res.text, rows);
    assert_eq!(header[0], "line");
    assert_eq!(header.last().unwrap(), "summary");
    let res = app.asset_report("finance", "?format=csv&excel=true").await;
    assert!(res.text.starts_with('\u{feff}'));
    csv_matches_json(res.text.trim_start_matches('\u{feff}'), rows);

    // One board: its lines and the suggestions it gives or receives.
    let res = app.asset_report("manager", "?board=BTG").await;
    assert_eq!(res.status, 200, "{}", res.text);
    let btg_only = res.json();
    assert_eq!(
        shape(&btg_only)
            .iter()
            .map(|(l, b, c)| format!("{l}/{b}/{c}"))
            .collect::<Vec<_>>(),
        [
            "category/BTG/computer",
            "category/BTG/projector",
            "board/BTG/",
            "suggestion/UBKT/projector"
        ]
    );
    // The matching does not change with the filter.
    assert_eq!(btg_only["rows"][3], rows[8]);

    // One category: computers only. BTC holds the one under repair; BTG
    // asks for one; UBKT has none left (its total line is all zeros).
    let res = app.asset_report("manager", "?category=computer").await;
    assert_eq!(res.status, 200, "{}", res.text);
    let pcs = res.json();
    assert_eq!(
        shape(&pcs)
            .iter()
            .map(|(l, b, c)| format!("{l}/{b}/{c}"))
            .collect::<Vec<_>>(),
        [
            "category/BTC/computer",
            "board/BTC/",
            "category/BTG/computer",
            "board/BTG/",
            "board/UBKT/"
        ]
    );
    assert_eq!(counts(&pcs["rows"][1]), [1, 0, 0, 1, 0, 0, 0]);
    assert_eq!(counts(&pcs["rows"][4]), [0; 7]);
    assert_eq!(pcs["suggestions"], 0);
}

#[actix_web::test]
async fn a_boards_own_idle_asset_is_not_suggested_to_it() {
    let app = spawn_app().await;
    let btc = app.boards["BTC"].to_string();
    app.register_worn("BTC-MC-0001", "projector", "BTC", "idle", "24000000", "0")
        .await;
    app.file(
        &btc,
        json!({"kind": "procurement", "category": "projector", "amount": "18000000", "buy_anyway": true}),
    )
    .await;
    let report = app.asset_report("finance", "").await.json();
    assert_eq!(report["suggestions"], 0);
    // BTC projector: 1 idle of 1, its own request unmatched, nothing offered.
    let btc_row = &report["rows"][0];
    assert_eq!(btc_row["category"], "projector");
    assert_eq!(counts(btc_row), [1, 0, 1, 0, 1, 0, 0]);

    // Once UBKT asks for one too, the projector is offered to UBKT.
    let ubkt = app.boards["UBKT"].to_string();
    app.file(
        &ubkt,
        json!({"kind": "procurement", "category": "projector", "amount": "18000000", "buy_anyway": true}),
    )
    .await;
    let report = app.asset_report("finance", "").await.json();
    assert_eq!(report["suggestions"], 1);
    let last = report["rows"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["to_board"], "UBKT");
    assert_eq!(last["board"], "BTC");
}

#[actix_web::test]
async fn an_empty_register_gives_one_empty_line_per_board() {
    let app = spawn_app().await;
    let res = app.asset_report("manager", "").await;
    assert_eq!(res.status, 200, "{}", res.text);
    let report = res.json();
    assert_eq!(report["suggestions"], 0);
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "BTC and UBKT: {report}");
    for (r, board) in rows.iter().zip(["BTC", "UBKT"]) {
        assert_eq!(r["line"], "board");
        assert_eq!(r["board"], board);
        assert_eq!(counts(r), [0; 7]);
        assert_eq!(r["idle_percent"], Value::Null);
        assert_eq!(r["idle_remaining_value"], "0");
    }
    let res = app.asset_report("manager", "?format=csv").await;
    assert_eq!(res.status, 200);
    csv_matches_json(&res.text, rows);
    // With a category, the header alone still comes.
    let res = app
        .asset_report("manager", "?format=csv&category=projector&board=BTC")
        .await;
    let mut lines = res.text.lines();
    assert!(lines.next().unwrap().starts_with("line,board,board_id,"));
    assert_eq!(lines.count(), 1, "BTC's (empty) total line");
}

#[actix_web::test]
async fn the_report_is_for_finance_and_managers_and_refuses_bad_parameters() {
    let app = spawn_app().await;
    for who in ["clerk.btc", "dispatcher", "driver", "admin"] {
        app.asset_report(who, "").await.problem(403, "forbidden");
    }
    app.asset_report("finance", "?category=boat")
        .await
        .problem(422, "validation_failed");
    let p = app.asset_report("finance", "?category=boat").await.json();
    assert_eq!(p["errors"][0]["code"], "category_unknown");
    let p = app.asset_report("finance", "?category=Bad%21").await.json();
    assert_eq!(p["errors"][0]["code"], "invalid_category");
    let p = app.asset_report("finance", "?board=NOPE").await.json();
    assert_eq!(p["errors"][0]["code"], "board_unknown");
    app.asset_report("finance", "?from=2026-01-01")
        .await
        .problem(400, "invalid_query");
    app.asset_report("finance", "?format=xml")
        .await
        .problem(400, "invalid_query");
}
