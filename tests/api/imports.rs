//! The consolidation import through the API: each board's legacy registers
//! as CSV, every problem by row and column, all or nothing, dry runs,
//! re-imports that change nothing, and duplicates across boards.

use serde_json::Value;

use crate::helpers::{Resp, TestApp, spawn_app};

const VEHICLES_VN: &str = "\u{feff}STT;Biển số;Nhãn hiệu;Số chỗ;Loại xe;Định mức nhiên liệu (lít/100km);Số km;Tình trạng\n\
    1;14A-123.45;Toyota Camry;5;Xe con;9,5;125.000;Đang sử dụng\n\
    2;14a 56789;Ford Transit;16;Xe khách;13,5;;\n";

const BROKEN: &str = "plate,model,seats,category,fuel_norm\n\
    14A-111.11,Toyota Camry,5,sedan,9.5\n\
    XYZ,Toyota Camry,100,sedan,9.5\n\
    14A-222.22,Ford Ranger,5,truck,abc\n\
    14A-111.11,Toyota Camry,5,sedan,9.5\n";

impl TestApp {
    async fn import(&self, who: &str, kind: &str, query: &str, csv: &str) -> Resp {
        let token = self.token(who).await;
        self.send(
            "POST",
            &format!("/api/v1/imports/{kind}?{query}"),
            Some(&token),
            Some("text/csv; charset=utf-8"),
            csv.as_bytes().to_vec(),
        )
        .await
    }

    async fn count(&self, path: &str) -> usize {
        let token = self.token("admin").await;
        let res = self.get(path, &token).await;
        assert_eq!(res.status, 200, "{}", res.text);
        res.json()["items"].as_array().unwrap().len()
    }
}

fn counts(report: &Value) -> (u64, u64, u64, u64, u64) {
    let n = |k: &str| report[k].as_u64().unwrap();
    (
        n("rows"),
        n("created"),
        n("unchanged"),
        n("conflicting"),
        n("skipped"),
    )
}

#[actix_web::test]
async fn a_vietnamese_register_imports_and_a_reimport_changes_nothing() {
    let app = spawn_app().await;
    let res = app
        .import("dispatcher", "vehicles", "board=BTC", VEHICLES_VN)
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let report = res.json();
    assert_eq!(counts(&report), (2, 2, 0, 0, 0));
    assert_eq!(report["ignored_columns"], serde_json::json!(["STT"]));
    assert_eq!(report["dry_run"], false);

    let token = app.token("dispatcher").await;
    let list = app
        .get(
            &format!("/api/v1/vehicles?origin_board_id={}", app.boards["BTC"]),
            &token,
        )
        .await
        .json();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["plate"], "14A-123.45");
    assert_eq!(items[0]["fuel_norm"], "9.5");
    assert_eq!(items[0]["odometer_km"], 125_000);
    assert_eq!(items[1]["plate"], "14A-567.89");
    assert_eq!(items[1]["category"], "minibus");
    let audit_before = app
        .audit_of(items[0]["id"].as_str().unwrap().parse().unwrap())
        .await;
    assert_eq!(audit_before.len(), 1);
    assert_eq!(audit_before[0]["action"], "import");

    let again = app
        .import("dispatcher", "vehicles", "board=BTC", VEHICLES_VN)
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(counts(&again.json()), (2, 0, 2, 0, 0));
    assert_eq!(app.count("/api/v1/vehicles").await, 2);
    let audit_after = app
        .audit_of(items[0]["id"].as_str().unwrap().parse().unwrap())
        .await;
    assert_eq!(audit_after.len(), 1, "a re-import records nothing");

    // A row that differs is reported, and the register is kept.
    let changed = VEHICLES_VN.replace("Toyota Camry;5", "Toyota Camry;7");
    let res = app
        .import("dispatcher", "vehicles", "board=BTC", &changed)
        .await;
    let report = res.json();
    assert_eq!(counts(&report), (2, 0, 1, 1, 0));
    assert_eq!(report["conflicts"][0]["row"], 2);
    assert_eq!(report["conflicts"][0]["key"], "14A-123.45");
    assert_eq!(
        report["conflicts"][0]["columns"],
        serde_json::json!(["seats"])
    );
    let v = app
        .get(
            &format!("/api/v1/vehicles/{}", items[0]["id"].as_str().unwrap()),
            &token,
        )
        .await
        .json();
    assert_eq!(v["seats"], 5);
}

#[actix_web::test]
async fn a_broken_file_is_refused_row_by_row_and_nothing_is_written() {
    let app = spawn_app().await;
    let res = app
        .import("dispatcher", "vehicles", "board=BTC", BROKEN)
        .await;
    let problem = res.problem(422, "import_rejected");
    let errors: Vec<(String, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("rows[3].plate", "invalid_plate"),
        ("rows[3].seats", "invalid_seats"),
        ("rows[4].category", "invalid_category"),
        ("rows[4].fuel_norm", "invalid_fuel_norm"),
        ("rows[5].plate", "duplicate_in_file"),
    ]
    .iter()
    .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
    .collect();
    assert_eq!(errors, expected);
    let first = problem["errors"][0]["message"].as_str().unwrap();
    assert!(
        first.starts_with("Row 3, column 'plate': 'XYZ' is not a Vietnamese plate"),
        "{first}"
    );
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("nothing was imported")
    );
    assert_eq!(app.count("/api/v1/vehicles").await, 0);

    // The dry run says the same.
    let dry = app
        .import("dispatcher", "vehicles", "board=BTC&dry_run=true", BROKEN)
        .await;
    assert_eq!(
        dry.problem(422, "import_rejected")["errors"],
        problem["errors"]
    );

    // Skipping bad rows imports the good one and lists the others.
    let res = app
        .import(
            "dispatcher",
            "vehicles",
            "board=BTC&skip_bad_rows=true",
            BROKEN,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let report = res.json();
    assert_eq!(counts(&report), (4, 1, 0, 0, 3));
    assert_eq!(report["problems_total"], 5);
    assert_eq!(report["problems"][0]["row"], 3);
    assert_eq!(report["problems"][0]["column"], "plate");
    assert_eq!(app.count("/api/v1/vehicles").await, 1);
}

#[actix_web::test]
async fn unreadable_files_say_why() {
    let app = spawn_app().await;
    let res = app
        .import(
            "dispatcher",
            "drivers",
            "board=BTC",
            "name;phone\nAn;0912345678\n",
        )
        .await;
    let problem = res.problem(422, "import_rejected");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "header.licence_number",
            "header.licence_class",
            "header.licence_expires_on"
        ]
    );
    let token = app.token("dispatcher").await;
    let res = app
        .send(
            "POST",
            "/api/v1/imports/drivers?board=BTC",
            Some(&token),
            Some("text/csv"),
            vec![b'a', 0xff, 0xfe, b'\n', b'x'],
        )
        .await;
    let problem = res.problem(422, "import_rejected");
    assert_eq!(problem["errors"][0]["field"], "body");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("UTF-8")
    );
    // Even with skip_bad_rows, a file that cannot be read imports nothing.
    let res = app
        .send(
            "POST",
            "/api/v1/imports/drivers?board=BTC&skip_bad_rows=true",
            Some(&token),
            Some("text/csv"),
            b"name\nAn\n".to_vec(),
        )
        .await;
    res.problem(422, "import_rejected");
}

#[actix_web::test]
async fn a_dry_run_reports_what_the_real_run_does_and_keeps_nothing() {
    let app = spawn_app().await;
    let csv = "Họ và tên;Số GPLX;Hạng;Ngày hết hạn;Điện thoại\n\
               Nguyễn Văn An;0123 4567 8901;D;31/12/2030;0912 345 678\n\
               Trần Văn Bình;012345678902;B2;2029-06-30;\n";
    let dry = app
        .import("dispatcher", "drivers", "board=UBKT&dry_run=true", csv)
        .await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    let mut dry = dry.json();
    assert_eq!(dry["dry_run"], true);
    assert_eq!(app.count("/api/v1/drivers").await, 0);
    let real = app.import("dispatcher", "drivers", "board=UBKT", csv).await;
    assert_eq!(real.status, 200, "{}", real.text);
    dry["dry_run"] = Value::Bool(false);
    assert_eq!(dry, real.json());
    assert_eq!(counts(&dry), (2, 2, 0, 0, 0));
    assert_eq!(app.count("/api/v1/drivers").await, 2);
}

#[actix_web::test]
async fn the_same_plate_or_licence_in_two_boards_is_a_row_problem() {
    let app = spawn_app().await;
    let res = app
        .import("dispatcher", "vehicles", "board=BTC", VEHICLES_VN)
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let ubkt = "plate,model,seats,category,fuel_norm\n\
                14A-999.99,Toyota Fortuner,7,suv,11\n\
                14A-567.89,Ford Transit,16,minibus,13.5\n";
    let res = app
        .import("dispatcher", "vehicles", "board=UBKT", ubkt)
        .await;
    let problem = res.problem(422, "import_rejected");
    assert_eq!(problem["errors"][0]["field"], "rows[3].plate");
    assert_eq!(problem["errors"][0]["code"], "registered_by_other_board");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("already registered by board BTC"),
        "{problem}"
    );
    assert_eq!(app.count("/api/v1/vehicles").await, 2, "nothing was merged");

    let res = app
        .import(
            "dispatcher",
            "vehicles",
            "board=UBKT&skip_bad_rows=true",
            ubkt,
        )
        .await;
    assert_eq!(counts(&res.json()), (2, 1, 0, 0, 1));
    let token = app.token("dispatcher").await;
    let list = app
        .get(
            &format!("/api/v1/vehicles?origin_board_id={}", app.boards["UBKT"]),
            &token,
        )
        .await
        .json();
    assert_eq!(list["items"][0]["plate"], "14A-999.99");
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn assets_and_opening_balances_are_imported_by_finance() {
    let app = spawn_app().await;
    let assets = "Mã tài sản;Tên tài sản;Loại tài sản;Nguyên giá (đồng);Hao mòn lũy kế;Ngày đưa vào sử dụng;Vị trí;Tình trạng\n\
                  btc-mc-0001;Máy chiếu Epson;Máy chiếu;24.000.000;4.800.000;20/09/2024;Phòng họp 1;Không sử dụng\n\
                  BTC-MT-0001;Máy tính xách tay;computer;18.500.000,50;;2025-03-01;Phòng 201;\n";
    let res = app
        .import("dispatcher", "assets", "board=BTC", assets)
        .await;
    res.problem(403, "forbidden");
    let res = app.import("finance", "assets", "board=BTC", assets).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(counts(&res.json()), (2, 2, 0, 0, 0));
    let token = app.token("finance").await;
    let list = app.get("/api/v1/assets", &token).await.json();
    let a = &list["items"][0];
    assert_eq!(a["code"], "BTC-MC-0001");
    assert_eq!(a["original_cost"], "24000000");
    assert_eq!(a["accumulated_wear"], "4800000");
    assert_eq!(a["status"], "idle");
    assert_eq!(a["wear_rate"], "20");
    assert_eq!(a["custodian_board_id"], app.boards["BTC"].to_string());
    assert_eq!(list["items"][1]["original_cost"], "18500000.5");
    let history = app
        .get(
            &format!("/api/v1/assets/{}/history", a["id"].as_str().unwrap()),
            &token,
        )
        .await
        .json();
    assert_eq!(history["items"][0]["kind"], "registered");
    let again = app.import("admin", "assets", "board=BTC", assets).await;
    assert_eq!(counts(&again.json()), (2, 0, 2, 0, 0));

    let budgets =
        "Mục;Dự toán được giao;Ghi chú\n6700;240.000.000;Dự toán năm\n9050;300.000.000;\n";
    let res = app
        .import("finance", "opening-balances", "board=BTC", budgets)
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(counts(&res.json()), (2, 2, 0, 0, 0));
    let again = app.import("finance", "budgets", "board=BTC", budgets).await;
    assert_eq!(counts(&again.json()), (2, 0, 2, 0, 0));
    let report = app
        .get("/api/v1/reports/budget-execution", &token)
        .await
        .json();
    let travel = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["board"] == "BTC" && r["budget_line"] == "6700")
        .unwrap()
        .clone();
    assert_eq!(travel["allocated"], "240000000");
}

#[actix_web::test]
async fn who_may_import_what() {
    let app = spawn_app().await;
    app.import("clerk.btc", "vehicles", "board=BTC", VEHICLES_VN)
        .await
        .problem(403, "forbidden");
    app.import("finance", "vehicles", "board=BTC", VEHICLES_VN)
        .await
        .problem(403, "forbidden");
    app.import("dispatcher", "opening-balances", "board=BTC", "a\n1\n")
        .await
        .problem(403, "forbidden");
    app.import("dispatcher", "boats", "board=BTC", VEHICLES_VN)
        .await
        .problem(404, "not_found");
    app.import("dispatcher", "vehicles", "", VEHICLES_VN)
        .await
        .problem(422, "validation_failed");
    app.import("dispatcher", "vehicles", "board=XX", VEHICLES_VN)
        .await
        .problem(422, "validation_failed");
    let token = app.token("dispatcher").await;
    app.send(
        "POST",
        "/api/v1/imports/vehicles?board=BTC",
        Some(&token),
        Some("application/json"),
        b"{}".to_vec(),
    )
    .await
    .problem(415, "unsupported_media_type");
    assert_eq!(app.count("/api/v1/vehicles").await, 0);
}

#[actix_web::test]
async fn bad_input_is_never_a_server_error() {
    let app = spawn_app().await;
    let long = "x".repeat(70_000);
    let bodies: Vec<Vec<u8>> = vec![
        b"\xef\xbb\xbf".to_vec(),
        b"\"unterminated,quote\n1,2\n".to_vec(),
        b"plate\n\"14A-123.45\"\"\n".to_vec(),
        b";;;;\n;;;;\n".to_vec(),
        format!("plate,model,seats,category,fuel_norm\n14A-123.45,{long},5,sedan,9\n").into_bytes(),
        b"plate,model,seats,category,fuel_norm\n14A-123.45,X,99999999999999999999,sedan,1e9\n"
            .to_vec(),
        vec![0u8; 300],
        "Biển số\u{0}\n\u{0}".as_bytes().to_vec(),
    ];
    for kind in ["vehicles", "drivers", "assets", "opening-balances"] {
        for body in &bodies {
            let token = app.token("admin").await;
            let res = app
                .send(
                    "POST",
                    &format!("/api/v1/imports/{kind}?board=BTC&skip_bad_rows=true"),
                    Some(&token),
                    Some("text/csv"),
                    body.clone(),
                )
                .await;
            let refused = res.status == 422 || res.status == 400;
            let all_skipped = res.status == 200 && res.json()["created"] == 0;
            assert!(
                refused || all_skipped,
                "{kind} {:?}: {} {}",
                String::from_utf8_lossy(&body[..body.len().min(40)]),
                res.status,
                res.text
            );
        }
    }
    assert_eq!(app.count("/api/v1/vehicles").await, 0);
}

/// The sample files the README shows import as they are.
#[actix_web::test]
async fn the_documented_samples_import_cleanly() {
    let app = spawn_app().await;
    for (kind, who) in [
        ("vehicles", "dispatcher"),
        ("drivers", "dispatcher"),
        ("assets", "finance"),
        ("opening-balances", "finance"),
    ] {
        let path = format!("{}/fixtures/samples/{kind}.csv", env!("CARGO_MANIFEST_DIR"));
        let csv = std::fs::read_to_string(path).unwrap();
        let res = app.import(who, kind, "board=BTC", &csv).await;
        assert_eq!(res.status, 200, "{kind}: {}", res.text);
        assert_eq!(counts(&res.json()), (3, 3, 0, 0, 0), "{kind}");
    }
}

/// An asset register of `n` rows; `last` replaces the cells of the last row.
fn asset_register(n: usize, last: Option<&str>) -> String {
    let mut csv = String::from(
        "code,name,category,original_cost,accumulated_wear,acquired_on,location,status\n",
    );
    for i in 1..=n {
        if i == n
            && let Some(row) = last
        {
            csv.push_str(row);
            csv.push('\n');
            continue;
        }
        csv.push_str(&format!(
            "BTC-TS-{i:05},Tài sản số {i},computer,{},0,2024-03-{:02},Phòng {},in_use\n",
            1_000_000 + i * 1_000,
            i % 28 + 1,
            100 + i % 40
        ));
    }
    csv
}

/// Assets, their `registered` history rows and their `import` audit
/// entries, counted in the database.
fn written(app: &TestApp) -> (i64, i64, i64, Vec<String>) {
    use diesel::prelude::*;
    use sharedoffice::storage::schema::{asset_history, assets, audit_log};
    let mut conn = app.db.connect();
    let codes: Vec<String> = assets::table
        .select(assets::code)
        .order(assets::code.asc())
        .load(&mut conn)
        .unwrap();
    let history: i64 = asset_history::table
        .filter(asset_history::kind.eq("registered"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    let audit: i64 = audit_log::table
        .filter(audit_log::action.eq("import"))
        .filter(audit_log::entity_type.eq("asset"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    (codes.len() as i64, history, audit, codes)
}

/// More rows than one write batch (2,500 assets, written 250 rows per
/// statement on SQLite, by COPY on PostgreSQL): every row lands with its
/// history and audit entry; a problem in the very last row keeps nothing;
/// a dry run reports what the real run does; a re-import writes nothing.
#[actix_web::test]
async fn a_register_larger_than_a_write_batch_lands_whole_or_not_at_all() {
    let app = spawn_app().await;
    let n = 2 * 2_500 + 7;

    let broken = asset_register(
        n,
        Some("BTC-TS-LAST,Tài sản cuối,computer,0,0,2024-03-01,Kho,in_use"),
    );
    let res = app.import("finance", "assets", "board=BTC", &broken).await;
    let problem = res.problem(422, "import_rejected");
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{problem}");
    assert_eq!(errors[0]["code"], "amount_not_positive");
    assert_eq!(errors[0]["field"], format!("rows[{}].original_cost", n + 1));
    assert_eq!(written(&app).0, 0);

    let good = asset_register(n, None);
    let dry = app
        .import("finance", "assets", "board=BTC&dry_run=true", &good)
        .await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    assert_eq!(counts(&dry.json()), (n as u64, n as u64, 0, 0, 0));
    assert_eq!(written(&app).0, 0);

    let res = app.import("finance", "assets", "board=BTC", &good).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(counts(&res.json()), (n as u64, n as u64, 0, 0, 0));
    let (count, history, audit, codes) = written(&app);
    assert_eq!((count, history, audit), (n as i64, n as i64, n as i64));
    let expected: Vec<String> = (1..=n).map(|i| format!("BTC-TS-{i:05}")).collect();
    assert_eq!(codes, expected);

    let again = app.import("finance", "assets", "board=BTC", &good).await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(counts(&again.json()), (n as u64, 0, n as u64, 0, 0));
    let (count, history, audit, _) = written(&app);
    assert_eq!((count, history, audit), (n as i64, n as i64, n as i64));
}
