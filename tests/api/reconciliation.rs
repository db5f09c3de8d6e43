//! Bank and treasury reconciliation through the API: statement upload with
//! the Vietnamese export quirks, automatic matching, manual match and
//! unmatch, explanations, marking reconciled, and the month close.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Resp, TestApp, spawn_app};

/// A day of the previous month (in the office's time zone, UTC+7).
fn past(day: u32) -> NaiveDate {
    let today = (Utc::now() + Duration::hours(7)).date_naive();
    let first = today.with_day(1).unwrap();
    (first - Duration::days(1)).with_day(day).unwrap()
}

fn period() -> String {
    past(1).format("%Y-%m").to_string()
}

/// dd/mm/yyyy, as the banks write it.
fn vn(day: u32) -> String {
    past(day).format("%d/%m/%Y").to_string()
}

impl TestApp {
    /// Posts "debit `debit`, credit `credit`" with a voucher number.
    async fn entry(&self, day: u32, reference: &str, debit: &str, credit: &str, amount: &str) {
        let token = self.token("finance").await;
        let res = self
            .post(
                "/api/v1/journal",
                &token,
                &json!({
                    "date": past(day), "description": format!("Chứng từ {reference}"),
                    "reference": reference,
                    "board_id": self.boards["BTC"], "budget_line": "6550",
                    "lines": [
                        {"account": debit, "side": "debit", "amount": amount},
                        {"account": credit, "side": "credit", "amount": amount},
                    ]
                }),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
    }

    async fn upload(&self, token: &str, query: &str, csv: &str) -> Resp {
        self.send(
            "POST",
            &format!("/api/v1/reconciliations?{query}"),
            Some(token),
            Some("text/csv; charset=utf-8"),
            csv.as_bytes().to_vec(),
        )
        .await
    }

    async fn delete(&self, path: &str, token: &str) -> Resp {
        self.send("DELETE", path, Some(token), None, Vec::new())
            .await
    }
}

fn rows_of(view: &Value, list: &str) -> Vec<i64> {
    view[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["row"].as_i64().unwrap())
        .collect()
}

fn refs_of(view: &Value, list: &str) -> Vec<String> {
    view[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["reference"].as_str().unwrap().to_owned())
        .collect()
}

/// (statement row, ledger reference) of each matched pair.
fn pairs_of(view: &Value) -> Vec<(i64, String)> {
    view["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["statement_line"]["row"].as_i64().unwrap(),
                p["ledger_movement"]["reference"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            )
        })
        .collect()
}

fn line_id(view: &Value, row: i64) -> String {
    let from_unmatched = view["unmatched_statement_lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["row"] == row)
        .map(|l| l["id"].as_str().unwrap().to_owned());
    from_unmatched.unwrap_or_else(|| {
        view["matches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["statement_line"]["row"] == row)
            .map(|p| p["statement_line"]["id"].as_str().unwrap().to_owned())
            .unwrap()
    })
}

fn movement_id(view: &Value, reference: &str) -> String {
    let from_unmatched = view["unmatched_ledger_movements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["reference"] == reference)
        .map(|m| m["journal_line_id"].as_str().unwrap().to_owned());
    from_unmatched.unwrap_or_else(|| {
        view["matches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["ledger_movement"]["reference"] == reference)
            .map(|p| {
                p["ledger_movement"]["journal_line_id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .unwrap()
    })
}

/// The ledger of the test month on the bank account 112 (money in positive):
/// UNC001 day 3 −1 250 000, GBC77 day 5 +50 000 000, UNC002 day 10 −300 000,
/// UNC003 day 12 −300 000, UNC004 day 20 −2 000 000, PT-15 day 2
/// +1 000 000; and on the cash account 111: PC-111 day 4 −1 250 000.
async fn seed_ledger(app: &TestApp) {
    app.entry(3, "UNC001", "611", "112", "1250000").await;
    app.entry(5, "GBC77", "112", "511", "50000000").await;
    app.entry(10, "UNC002", "611", "112", "300000").await;
    app.entry(12, "UNC003", "611", "112", "300000").await;
    app.entry(20, "UNC004", "611", "112", "2000000").await;
    app.entry(2, "PT-15", "112", "511", "1000000").await;
    app.entry(4, "PC-111", "611", "111", "1250000").await;
}

/// A bank's export: byte-order mark, semicolons, dd/mm/yyyy, thousands
/// dots, separate debit (money out) and credit (money in) columns, and a
/// balance column that is ignored.
fn vietnamese_statement() -> String {
    format!(
        "\u{feff}Ngày;Số tham chiếu;Diễn giải;Ghi nợ;Ghi có;Số dư\n\
         {};UNC001;Chi tiền xăng xe;1.250.000;;98.750.000\n\
         {};GBC77;Kinh phí ngân sách cấp;;50.000.000;148.750.000\n\
         {};;Chi hội nghị;300.000;;148.450.000\n\
         {};UNC003;Chi sửa chữa xe;300.000;;148.150.000\n\
         {};;Phí dịch vụ SMS Banking;11.000;;148.139.000\n\
         {};;Hoàn ứng tạm ứng;;1.000.000;149.139.000\n",
        vn(4),
        vn(5),
        vn(12),
        vn(12),
        vn(25),
        vn(28)
    )
}

#[actix_web::test]
async fn a_vietnamese_statement_is_matched_by_reference_then_closest_date() {
    let app = spawn_app().await;
    seed_ledger(&app).await;
    let finance = app.token("finance").await;
    let res = app
        .upload(
            &finance,
            &format!("account=112&period={}", period()),
            &vietnamese_statement(),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let view = res.json();
    let id = view["id"].as_str().unwrap().to_owned();
    assert_eq!(
        res.header("location").unwrap(),
        format!("/api/v1/reconciliations/{id}")
    );
    assert_eq!(view["account"], "112");
    assert_eq!(view["period"], period());
    assert_eq!(view["status"], "open");
    // Worked out by hand:
    // line 2 (day 4, UNC001, −1 250 000) ↔ UNC001 (day 3): same reference; the
    //   cash account's PC-111 of the same amount on day 4 is not on 112.
    // line 3 (day 5, GBC77, +50 000 000) ↔ GBC77 (day 5).
    // line 5 (day 12, UNC003, −300 000) ↔ UNC003 (day 12): the reference pass
    //   runs first, so line 4 (day 12, no reference, −300 000) cannot take
    //   UNC003 although it is closer, and gets UNC002 (day 10, 2 days off).
    // line 6 (bank fee) has no counterpart; line 7 (day 28, +1 000 000) is 26
    //   days from PT-15 (day 2): outside the ±3-day window.
    assert_eq!(
        pairs_of(&view),
        [
            (2, "UNC001".to_owned()),
            (3, "GBC77".to_owned()),
            (4, "UNC002".to_owned()),
            (5, "UNC003".to_owned()),
        ]
    );
    assert!(
        view["matches"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["method"] == "auto")
    );
    let first = &view["matches"][0];
    assert_eq!(first["statement_line"]["amount"], "-1250000");
    assert_eq!(first["statement_line"]["date"], past(4).to_string());
    assert_eq!(first["statement_line"]["description"], "Chi tiền xăng xe");
    assert_eq!(first["ledger_movement"]["amount"], "-1250000");
    assert_eq!(first["ledger_movement"]["date"], past(3).to_string());
    assert_eq!(first["ledger_movement"]["description"], "Chứng từ UNC001");
    assert_eq!(rows_of(&view, "unmatched_statement_lines"), [6, 7]);
    assert_eq!(
        refs_of(&view, "unmatched_ledger_movements"),
        ["PT-15", "UNC004"]
    );
    // −1 250 000 + 50 000 000 − 300 000 − 300 000 − 11 000 + 1 000 000
    assert_eq!(view["statement_total"], "49139000");
    // −1 250 000 + 50 000 000 − 300 000 − 300 000 − 2 000 000 + 1 000 000
    assert_eq!(view["ledger_total"], "47150000");
    assert_eq!(
        view["counts"],
        json!({"statement_lines": 6, "ledger_movements": 6, "matched": 4,
               "unmatched_statement_lines": 2, "unmatched_ledger_movements": 2,
               "unexplained": 4})
    );
    // The reading endpoints agree, for managers too.
    let manager = app.token("manager").await;
    let res = app
        .get(&format!("/api/v1/reconciliations/{id}"), &manager)
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(pairs_of(&res.json()), pairs_of(&view));
    let audit = app.audit_of(Uuid::parse_str(&id).unwrap()).await;
    assert_eq!(audit[0]["action"], "create");
    assert_eq!(audit[0]["after"]["auto_matched"], 4);
}

#[actix_web::test]
async fn matching_by_hand_explaining_and_reconciling() {
    let app = spawn_app().await;
    seed_ledger(&app).await;
    let finance = app.token("finance").await;
    let res = app
        .upload(
            &finance,
            &format!("account=112&period={}", period()),
            &vietnamese_statement(),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let view = res.json();
    let id = view["id"].as_str().unwrap().to_owned();
    let base = format!("/api/v1/reconciliations/{id}");

    // Not done while lines are left on either side; the refusal lists them.
    let body = app
        .post(&format!("{base}/reconcile"), &finance, &json!({}))
        .await
        .problem(409, "unexplained_lines");
    let detail = body["detail"].as_str().unwrap();
    for expected in ["line 6", "line 7", "UNC004", "PT-15"] {
        assert!(detail.contains(expected), "{expected} in {detail}");
    }
    assert!(!detail.contains("UNC001"), "{detail}");

    // Line 7 and PT-15 are the same refund, recorded 26 days apart.
    let (line7, pt15) = (line_id(&view, 7), movement_id(&view, "PT-15"));
    let manager = app.token("manager").await;
    app.post(
        &format!("{base}/matches"),
        &manager,
        &json!({"statement_line_id": line7, "journal_line_id": pt15}),
    )
    .await
    .problem(403, "forbidden");
    let res = app
        .post(
            &format!("{base}/matches"),
            &finance,
            &json!({"statement_line_id": line7, "journal_line_id": pt15}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let view = res.json();
    let manual = view["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["statement_line"]["row"] == 7)
        .unwrap();
    assert_eq!(manual["method"], "manual");
    assert_eq!(manual["ledger_movement"]["reference"], "PT-15");
    assert_eq!(view["counts"]["matched"], 5);

    // Refusals of a manual match.
    let line6 = line_id(&view, 6);
    app.post(
        &format!("{base}/matches"),
        &finance,
        &json!({"statement_line_id": line7, "journal_line_id": movement_id(&view, "UNC004")}),
    )
    .await
    .problem(409, "statement_line_matched");
    app.post(
        &format!("{base}/matches"),
        &finance,
        &json!({"statement_line_id": line6, "journal_line_id": movement_id(&view, "UNC001")}),
    )
    .await
    .problem(409, "journal_line_matched");
    let body = app
        .post(
            &format!("{base}/matches"),
            &finance,
            &json!({"statement_line_id": line6, "journal_line_id": movement_id(&view, "UNC004")}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "journal_line_id");
    assert_eq!(body["errors"][0]["code"], "amount_mismatch");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("-11000 but the ledger movement is -2000000")
    );
    let body = app
        .post(
            &format!("{base}/matches"),
            &finance,
            &json!({"statement_line_id": line6, "journal_line_id": Uuid::now_v7()}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "journal_line_unknown");
    let body = app
        .post(
            &format!("{base}/matches"),
            &finance,
            &json!({"statement_line_id": Uuid::now_v7(), "journal_line_id": movement_id(&view, "UNC004")}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "statement_line_unknown");
    app.post(
        &format!("/api/v1/reconciliations/{}/matches", Uuid::now_v7()),
        &finance,
        &json!({"statement_line_id": line6, "journal_line_id": movement_id(&view, "UNC004")}),
    )
    .await
    .problem(404, "not_found");

    // Unmatch an automatic pair and match it again by hand.
    let line2 = line_id(&view, 2);
    let res = app
        .delete(&format!("{base}/matches/{line2}"), &finance)
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let view = res.json();
    assert_eq!(rows_of(&view, "unmatched_statement_lines"), [2, 6]);
    assert!(refs_of(&view, "unmatched_ledger_movements").contains(&"UNC001".to_owned()));
    app.delete(&format!("{base}/matches/{line2}"), &finance)
        .await
        .problem(404, "not_found");
    let res = app
        .post(
            &format!("{base}/matches"),
            &finance,
            &json!({"statement_line_id": line2, "journal_line_id": movement_id(&view, "UNC001")}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);

    // Explanations: exactly one line, unmatched, with a note.
    let body = app
        .post(
            &format!("{base}/explanations"),
            &finance,
            &json!({"statement_line_id": line6, "journal_line_id": movement_id(&view, "UNC004"), "note": "x"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "one_line_required");
    let body = app
        .post(
            &format!("{base}/explanations"),
            &finance,
            &json!({"statement_line_id": line6, "note": "  "}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "note");
    app.post(
        &format!("{base}/explanations"),
        &finance,
        &json!({"statement_line_id": line2, "note": "Đã khớp"}),
    )
    .await
    .problem(409, "line_matched");
    let res = app
        .post(
            &format!("{base}/explanations"),
            &finance,
            &json!({"statement_line_id": line6, "note": "Phí SMS Banking, hạch toán tháng sau"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(
        res.json()["unmatched_statement_lines"][0]["explanation"],
        "Phí SMS Banking, hạch toán tháng sau"
    );
    let body = app
        .post(&format!("{base}/reconcile"), &finance, &json!({}))
        .await
        .problem(409, "unexplained_lines");
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains("UNC004") && !detail.contains("line 6"),
        "{detail}"
    );
    let res = app
        .post(
            &format!("{base}/explanations"),
            &finance,
            &json!({"journal_line_id": movement_id(&view, "UNC004"), "note": "Séc chưa lĩnh"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let view = res.json();
    assert_eq!(
        view["unmatched_ledger_movements"][0]["explanation"],
        "Séc chưa lĩnh"
    );
    assert_eq!(view["counts"]["unexplained"], 0);

    // Done; nothing changes afterwards.
    let res = app
        .post(&format!("{base}/reconcile"), &finance, &json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let view = res.json();
    assert_eq!(view["status"], "reconciled");
    assert_eq!(view["reconciled_by"], app.users["finance"].to_string());
    app.post(&format!("{base}/reconcile"), &finance, &json!({}))
        .await
        .problem(409, "reconciliation_reconciled");
    app.delete(&format!("{base}/matches/{line2}"), &finance)
        .await
        .problem(409, "reconciliation_reconciled");
    app.post(
        &format!("{base}/explanations"),
        &finance,
        &json!({"statement_line_id": line6, "note": "Khác"}),
    )
    .await
    .problem(409, "reconciliation_reconciled");
    app.post(
        &format!("{base}/matches"),
        &finance,
        &json!({"statement_line_id": line6, "journal_line_id": movement_id(&view, "UNC004")}),
    )
    .await
    .problem(409, "reconciliation_reconciled");

    let actions: Vec<String> = app
        .audit_of(Uuid::parse_str(&id).unwrap())
        .await
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        actions,
        [
            "reconcile",
            "explain",
            "explain",
            "match",
            "unmatch",
            "match",
            "create"
        ]
    );
}

#[actix_web::test]
async fn the_month_closes_once_its_bank_account_is_reconciled() {
    let app = spawn_app().await;
    app.entry(6, "UNC100", "611", "112", "450000").await;
    let finance = app.token("finance").await;
    let close = format!("/api/v1/periods/{}/close", period());
    let body = app
        .post(&close, &finance, &json!({}))
        .await
        .problem(409, "unreconciled_movements");
    assert!(body["detail"].as_str().unwrap().contains("112"));

    let csv = format!("date,amount,reference\n{},\"-450,000\",UNC100\n", past(7));
    let res = app
        .upload(&finance, &format!("account=112&period={}", period()), &csv)
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let view = res.json();
    assert_eq!(pairs_of(&view), [(2, "UNC100".to_owned())]);
    let base = format!("/api/v1/reconciliations/{}", view["id"].as_str().unwrap());
    // Still open: the close keeps refusing.
    app.post(&close, &finance, &json!({}))
        .await
        .problem(409, "unreconciled_movements");
    let res = app
        .post(&format!("{base}/reconcile"), &finance, &json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text);

    // A movement posted into the month after the reconciliation brings the
    // account back into the close check.
    app.entry(8, "UNC101", "611", "112", "90000").await;
    let body = app
        .post(&close, &finance, &json!({}))
        .await
        .problem(409, "unreconciled_movements");
    assert!(body["detail"].as_str().unwrap().contains("112"));
    let res = app.get(&base, &finance).await;
    assert_eq!(res.json()["counts"]["unexplained"], 1);
    assert_eq!(
        refs_of(&res.json(), "unmatched_ledger_movements"),
        ["UNC101"]
    );
    let res = app
        .post(&format!("{base}/reopen"), &finance, &json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["status"], "open");
    app.post(&format!("{base}/reopen"), &finance, &json!({}))
        .await
        .problem(409, "reconciliation_open");
    let journal_line = movement_id(&res.json(), "UNC101");
    let res = app
        .post(
            &format!("{base}/explanations"),
            &finance,
            &json!({"journal_line_id": journal_line, "note": "Ngân hàng ghi nợ sang tháng sau"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let res = app
        .post(&format!("{base}/reconcile"), &finance, &json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text);

    let res = app.post(&close, &finance, &json!({})).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["unreconciled_accounts"], json!([]));
    // A closed month's reconciliation stays as it is.
    app.post(&format!("{base}/reopen"), &finance, &json!({}))
        .await
        .problem(409, "period_closed");
}

#[actix_web::test]
async fn a_statement_with_bad_lines_is_refused_whole() {
    let app = spawn_app().await;
    let finance = app.token("finance").await;
    let query = format!("account=112&period={}", period());
    let csv = format!(
        "date,amount,reference\n{},abc,X\n31/02/2026,100,Y\n{},0,Z\n{},\"1.250.000\",W\n",
        vn(3),
        vn(4),
        vn(5)
    );
    let body = app
        .upload(&finance, &query, &csv)
        .await
        .problem(422, "validation_failed");
    let fields: Vec<(&str, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [
            ("rows[2].amount", "invalid_statement_line"),
            ("rows[3].date", "invalid_statement_line"),
            ("rows[4].amount", "invalid_statement_line"),
        ]
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Line 2, column 'amount': 'abc' is not an amount")
    );

    // Vietnamese headers are named by their English column.
    let csv = format!("Ngày;Ghi nợ;Ghi có\n{};1.000;\n{};;x\n", vn(3), vn(4));
    let body = app
        .upload(&finance, &query, &csv)
        .await
        .problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "rows[3].credit");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("column 'Ghi có'")
    );

    // Lines of another month.
    let next = past(28) + Duration::days(7);
    let csv = format!(
        "date;amount\n{};-5000\n{};-6000\n",
        vn(3),
        next.format("%d/%m/%Y")
    );
    let body = app
        .upload(&finance, &query, &csv)
        .await
        .problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "rows[3].date");
    assert_eq!(body["errors"][0]["code"], "outside_period");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("outside {}", period()))
    );

    // A file without the needed columns.
    let body = app
        .upload(&finance, &query, "foo,bar\n1,2\n")
        .await
        .problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "body");
    assert_eq!(body["errors"][0]["code"], "statement_unreadable");

    // Nothing was stored by any of them.
    let res = app.get("/api/v1/reconciliations", &finance).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["items"], json!([]));
}

#[actix_web::test]
async fn the_account_the_month_and_the_sender_are_checked() {
    let app = spawn_app().await;
    let finance = app.token("finance").await;
    let csv = format!("date,amount\n{},-5000\n", past(3));
    let p = period();
    let body = app
        .upload(&finance, &format!("account=611&period={p}"), &csv)
        .await
        .problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "account");
    assert_eq!(body["errors"][0]["code"], "account_not_reconcilable");
    let body = app
        .upload(&finance, &format!("account=999&period={p}"), &csv)
        .await
        .problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "account_unknown");
    let body = app
        .upload(&finance, "account=11x&period=2026-13", &csv)
        .await
        .problem(422, "validation_failed");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["account", "period"]);
    let body = app
        .upload(&finance, "", &csv)
        .await
        .problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "required");
    app.upload(&finance, &format!("account=112&period={p}&bank=VCB"), &csv)
        .await
        .problem(400, "invalid_query");
    app.send(
        "POST",
        &format!("/api/v1/reconciliations?account=112&period={p}"),
        Some(&finance),
        Some("application/json"),
        json!({"csv": csv}).to_string().into_bytes(),
    )
    .await
    .problem(415, "unsupported_media_type");
    app.upload(&finance, &format!("account=112&period={p}"), "  \n")
        .await
        .problem(400, "body_missing");
    for who in ["manager", "clerk.btc"] {
        let token = app.token(who).await;
        app.upload(&token, &format!("account=112&period={p}"), &csv)
            .await
            .problem(403, "forbidden");
    }

    // One statement per account and month.
    let res = app
        .upload(&finance, &format!("account=112&period={p}"), &csv)
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    // No movement on the account: the line is left unmatched.
    assert_eq!(rows_of(&res.json(), "unmatched_statement_lines"), [2]);
    assert_eq!(res.json()["ledger_total"], "0");
    let body = app
        .upload(&finance, &format!("account=112&period={p}"), &csv)
        .await
        .problem(409, "reconciliation_exists");
    assert!(body["detail"].as_str().unwrap().contains(&id), "{body}");
    let res = app
        .upload(&finance, &format!("account=111&period={p}"), &csv)
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
}

#[actix_web::test]
async fn reconciliations_are_listed_by_month_with_filters() {
    let app = spawn_app().await;
    let finance = app.token("finance").await;
    let earlier = past(1) - Duration::days(20);
    let earlier_period = earlier.format("%Y-%m").to_string();
    for (account, p, day) in [
        ("112", period(), past(3)),
        ("111", period(), past(3)),
        ("112", earlier_period.clone(), earlier),
    ] {
        let res = app
            .upload(
                &finance,
                &format!("account={account}&period={p}"),
                &format!("date,amount\n{day},1000\n"),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
    }
    let clerk = app.token("clerk.btc").await;
    app.get("/api/v1/reconciliations", &clerk)
        .await
        .problem(403, "forbidden");
    let manager = app.token("manager").await;
    let res = app.get("/api/v1/reconciliations", &manager).await;
    assert_eq!(res.status, 200, "{}", res.text);
    let items = res.json()["items"].as_array().unwrap().clone();
    let listed: Vec<(String, String)> = items
        .iter()
        .map(|i| {
            (
                i["period"].as_str().unwrap().to_owned(),
                i["account"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // Newest month first, then in upload order.
    assert_eq!(
        listed,
        [
            (period(), "112".to_owned()),
            (period(), "111".to_owned()),
            (earlier_period.clone(), "112".to_owned()),
        ]
    );
    assert_eq!(items[0]["statement_total"], "1000");
    assert_eq!(items[0]["counts"]["unmatched_statement_lines"], 1);
    assert!(items[0].get("matches").is_none());

    let res = app
        .get("/api/v1/reconciliations?account=112&limit=1", &finance)
        .await;
    let page = res.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["period"], period());
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let res = app
        .get(
            &format!("/api/v1/reconciliations?account=112&limit=1&cursor={cursor}"),
            &finance,
        )
        .await;
    assert_eq!(res.json()["items"][0]["period"], earlier_period);
    let res = app
        .get(
            &format!("/api/v1/reconciliations?period={earlier_period}"),
            &finance,
        )
        .await;
    assert_eq!(res.json()["items"].as_array().unwrap().len(), 1);
    let res = app
        .get("/api/v1/reconciliations?status=reconciled", &finance)
        .await;
    assert_eq!(res.json()["items"], json!([]));
    let body = app
        .get(
            "/api/v1/reconciliations?status=done&account=999&cursor=x",
            &finance,
        )
        .await
        .problem(422, "validation_failed");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["status", "cursor"]);
    app.get("/api/v1/reconciliations?account=999", &finance)
        .await
        .problem(422, "validation_failed");
    app.get(
        &format!("/api/v1/reconciliations/{}", Uuid::now_v7()),
        &finance,
    )
    .await
    .problem(404, "not_found");
}
