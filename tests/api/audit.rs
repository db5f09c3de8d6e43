//! The audit log: written with each change, in the same transaction, and
//! impossible to rewrite.

use diesel::RunQueryDsl;
use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn a_change_is_recorded_with_who_when_and_after() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let res = app
        .post(
            "/api/v1/boards",
            &admin,
            &json!({"code": "BTG", "name": "Ban Tuyên giáo"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let request_id = res.header("x-request-id").unwrap();
    let id: uuid::Uuid = res.json()["id"].as_str().unwrap().parse().unwrap();

    let entries = app.audit_of(id).await;
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(e["action"], "create");
    assert_eq!(e["entity_type"], "board");
    assert_eq!(e["actor"], "admin");
    assert_eq!(e["actor_id"], app.users["admin"].to_string());
    assert_eq!(e["request_id"], request_id);
    assert!(e["before"].is_null());
    assert_eq!(e["after"]["code"], "BTG");
    let at = chrono::DateTime::parse_from_rfc3339(e["occurred_at"].as_str().unwrap()).unwrap();
    assert!((chrono::Utc::now() - at.to_utc()).num_seconds().abs() < 60);
}

#[actix_web::test]
async fn an_update_records_before_and_after_without_secrets() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let id = app.users["clerk.btc"];
    let res = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            &json!({"full_name": "Nguyễn Thị Hoa", "password": "mật khẩu mới dài"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let entries = app.audit_of(id).await;
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    // Newest first: the password change, the update, then the seeding.
    assert_eq!(actions, ["password_change", "update", "create"]);
    let update = &entries[1];
    assert_eq!(update["before"]["full_name"], "Người dùng clerk.btc");
    assert_eq!(update["after"]["full_name"], "Nguyễn Thị Hoa");
    assert_eq!(update["board_id"], app.boards["BTC"].to_string());
    let all = serde_json::to_string(&entries).unwrap();
    assert!(!all.contains("argon2"), "no hash in the audit log");
    assert!(
        !all.contains("mật khẩu mới dài"),
        "no password in the audit log"
    );
}

#[actix_web::test]
async fn a_refused_change_leaves_no_audit_entry() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let before = app.get("/api/v1/audit?limit=500", &admin).await.json()["items"]
        .as_array()
        .unwrap()
        .len();
    app.post(
        "/api/v1/boards",
        &admin,
        &json!({"code": "BTC", "name": "Trùng"}),
    )
    .await
    .problem(409, "board_code_taken");
    let id = app.users["admin"];
    app.patch(
        &format!("/api/v1/users/{id}"),
        &admin,
        &json!({"active": false}),
    )
    .await
    .problem(409, "last_admin");
    let after = app.get("/api/v1/audit?limit=500", &admin).await.json()["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);
}

#[actix_web::test]
async fn only_admins_and_managers_read_the_audit_log() {
    let app = spawn_app().await;
    for who in ["clerk.btc", "driver", "dispatcher", "finance"] {
        let token = app.token(who).await;
        app.get("/api/v1/audit", &token)
            .await
            .problem(403, "forbidden");
    }
    let manager = app.token("manager").await;
    let res = app.get("/api/v1/audit?entity_type=board", &manager).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["items"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn the_audit_log_is_filtered_by_time_and_paged() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    // Seeding wrote 2 boards + 8 users = 10 entries.
    let first = app.get("/api/v1/audit?limit=4", &admin).await.json();
    assert_eq!(first["items"].as_array().unwrap().len(), 4);
    let mut seen = 4;
    let mut cursor = first["next_cursor"].as_str().map(str::to_owned);
    while let Some(c) = cursor {
        let page = app
            .get(&format!("/api/v1/audit?limit=4&cursor={c}"), &admin)
            .await
            .json();
        seen += page["items"].as_array().unwrap().len();
        cursor = page["next_cursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, 10);
    // An unencoded '+' arrives as a space and is still understood.
    let res = app
        .get(
            "/api/v1/audit?from=2000-01-01T00:00:00+07:00&to=2000-01-02T00:00:00%2B07:00",
            &admin,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["items"].as_array().unwrap().len(), 0);
    // A window around now holds all ten; one ending before the seeding holds none.
    let from = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let to = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let enc = |s: &str| s.replace('+', "%2B");
    let res = app
        .get(
            &format!(
                "/api/v1/audit?limit=500&from={}&to={}",
                enc(&from),
                enc(&to)
            ),
            &admin,
        )
        .await;
    assert_eq!(
        res.json()["items"].as_array().unwrap().len(),
        10,
        "{}",
        res.text
    );
    let res = app
        .get(
            &format!("/api/v1/audit?limit=500&to={}", enc(&from)),
            &admin,
        )
        .await;
    assert_eq!(res.json()["items"].as_array().unwrap().len(), 0);
    let res = app.get("/api/v1/audit?from=yesterday", &admin).await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"][0]["code"],
        "invalid_instant"
    );
}

#[actix_web::test]
async fn the_database_refuses_to_rewrite_the_audit_log() {
    let app = spawn_app().await;
    let mut conn = app.db.connect();
    let update =
        diesel::sql_query("UPDATE audit_log SET actor = 'someone else'").execute(&mut conn);
    assert!(update.is_err(), "UPDATE of audit_log must be refused");
    let delete = diesel::sql_query("DELETE FROM audit_log").execute(&mut conn);
    assert!(delete.is_err(), "DELETE from audit_log must be refused");
    let admin = app.token("admin").await;
    let count = app.get("/api/v1/audit?limit=500", &admin).await.json()["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(count, 10);
}
