//! Boards and users: who may do what, and who sees whose records.

use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn an_admin_creates_a_board_and_everyone_can_list_it() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let res = app
        .post(
            "/api/v1/boards",
            &admin,
            &json!({"code": " hu-dv ", "name": "Ban Dân vận Huyện ủy"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let board = res.json();
    assert_eq!(board["code"], "HU-DV");
    assert_eq!(board["name"], "Ban Dân vận Huyện ủy");
    assert_eq!(board["active"], true);
    let id = board["id"].as_str().unwrap();
    assert_eq!(res.header("location"), Some(format!("/api/v1/boards/{id}")));

    let clerk = app.token("clerk.ubkt").await;
    let list = app.get("/api/v1/boards", &clerk).await.json();
    let codes: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["BTC", "HU-DV", "UBKT"]);
    let one = app.get(&format!("/api/v1/boards/{id}"), &clerk).await;
    assert_eq!(one.json()["name"], "Ban Dân vận Huyện ủy");
}

#[actix_web::test]
async fn board_codes_are_unique() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let res = app
        .post(
            "/api/v1/boards",
            &admin,
            &json!({"code": "btc", "name": "Trùng mã"}),
        )
        .await;
    let problem = res.problem(409, "board_code_taken");
    assert!(problem["detail"].as_str().unwrap().contains("BTC"));
}

#[actix_web::test]
async fn only_an_admin_manages_boards() {
    let app = spawn_app().await;
    for who in ["clerk.btc", "manager", "finance", "dispatcher", "driver"] {
        let token = app.token(who).await;
        let res = app
            .post(
                "/api/v1/boards",
                &token,
                &json!({"code": "XX", "name": "X"}),
            )
            .await;
        res.problem(403, "forbidden");
        let id = app.boards["BTC"];
        let res = app
            .patch(
                &format!("/api/v1/boards/{id}"),
                &token,
                &json!({"active": false}),
            )
            .await;
        res.problem(403, "forbidden");
    }
}

#[actix_web::test]
async fn an_admin_renames_and_deactivates_a_board() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let id = app.boards["UBKT"];
    let res = app
        .patch(
            &format!("/api/v1/boards/{id}"),
            &admin,
            &json!({"name": "Ủy ban Kiểm tra", "active": false}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["active"], false);
    let active = app.get("/api/v1/boards?active=true", &admin).await.json();
    assert_eq!(active["items"].as_array().unwrap().len(), 1);
    // No new clerk can be put on a deactivated board.
    let res = app
        .post(
            "/api/v1/users",
            &admin,
            &json!({"username": "new.clerk", "full_name": "Lê Văn B", "role": "clerk", "board_id": id}),
        )
        .await;
    let problem = res.problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "board_id");
    assert_eq!(problem["errors"][0]["code"], "board_inactive");
}

#[actix_web::test]
async fn a_clerk_sees_only_their_own_boards_users() {
    let app = spawn_app().await;
    let clerk = app.token("clerk.btc").await;
    let list = app.get("/api/v1/users", &clerk).await;
    assert_eq!(list.status, 200, "{}", list.text);
    let names: Vec<String> = list.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["clerk.btc", "clerk2.btc"]);

    // Another board's clerk, or an Office-wide account: 404, not 403, so ids do not leak.
    for other in ["clerk.ubkt", "admin"] {
        let id = app.users[other];
        app.get(&format!("/api/v1/users/{id}"), &clerk)
            .await
            .problem(404, "not_found");
    }
    // Asking for another board by filter yields nothing.
    let ubkt = app.boards["UBKT"];
    let filtered = app
        .get(&format!("/api/v1/users?board_id={ubkt}"), &clerk)
        .await
        .json();
    assert_eq!(filtered["items"].as_array().unwrap().len(), 0);
    // A colleague of the same board is visible.
    let colleague = app.users["clerk2.btc"];
    assert_eq!(
        app.get(&format!("/api/v1/users/{colleague}"), &clerk)
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn managers_see_every_account_and_other_roles_none() {
    let app = spawn_app().await;
    let manager = app.token("manager").await;
    let all = app.get("/api/v1/users?limit=500", &manager).await.json();
    assert_eq!(all["items"].as_array().unwrap().len(), 8);
    let clerks = app.get("/api/v1/users?role=clerk", &manager).await.json();
    assert_eq!(clerks["items"].as_array().unwrap().len(), 3);
    for who in ["driver", "dispatcher", "finance"] {
        let token = app.token(who).await;
        app.get("/api/v1/users", &token)
            .await
            .problem(403, "forbidden");
    }
}

#[actix_web::test]
async fn creating_a_user_checks_every_field_at_once() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let res = app
        .post(
            "/api/v1/users",
            &admin,
            &json!({"username": "x", "full_name": "", "role": "boss", "password": "short"}),
        )
        .await;
    let problem = res.problem(422, "validation_failed");
    let fields: Vec<(&str, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [
            ("username", "invalid_username"),
            ("full_name", "required"),
            ("role", "invalid_role"),
            ("password", "password_too_short"),
        ]
    );
}

#[actix_web::test]
async fn a_clerk_needs_a_board_and_usernames_are_unique() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let res = app
        .post(
            "/api/v1/users",
            &admin,
            &json!({"username": "lan", "full_name": "Lan", "role": "clerk"}),
        )
        .await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"][0]["code"],
        "board_required"
    );
    let res = app
        .post(
            "/api/v1/users",
            &admin,
            &json!({"username": "lan", "full_name": "Lan", "role": "clerk", "board_id": uuid::Uuid::now_v7()}),
        )
        .await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"][0]["code"],
        "board_unknown"
    );
    let res = app
        .post(
            "/api/v1/users",
            &admin,
            &json!({"username": "Clerk.BTC", "full_name": "Trùng", "role": "manager"}),
        )
        .await;
    res.problem(409, "username_taken");
}

#[actix_web::test]
async fn a_created_user_with_a_generated_password_can_sign_in() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let btc = app.boards["BTC"];
    let res = app
        .post(
            "/api/v1/users",
            &admin,
            &json!({"username": "Tran.Thi.Mai", "full_name": "Trần Thị Mai", "role": "clerk", "board_id": btc}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let body = res.json();
    assert_eq!(body["username"], "tran.thi.mai");
    assert_eq!(body["board_id"], btc.to_string());
    let password = body["generated_password"].as_str().unwrap();
    assert_eq!(password.chars().count(), 20);
    let login = app.login("tran.thi.mai", password).await;
    assert_eq!(login.status, 200, "{}", login.text);
    // The password is shown once: reading the user again does not show it.
    let id = body["id"].as_str().unwrap();
    let again = app.get(&format!("/api/v1/users/{id}"), &admin).await.json();
    assert!(again.get("generated_password").is_none());
    assert!(again.get("password_hash").is_none());
}

#[actix_web::test]
async fn the_last_active_admin_cannot_be_removed() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let id = app.users["admin"];
    app.patch(
        &format!("/api/v1/users/{id}"),
        &admin,
        &json!({"active": false}),
    )
    .await
    .problem(409, "last_admin");
    app.patch(
        &format!("/api/v1/users/{id}"),
        &admin,
        &json!({"role": "manager"}),
    )
    .await
    .problem(409, "last_admin");
    // With a second administrator it is allowed.
    let manager = app.users["manager"];
    let res = app
        .patch(
            &format!("/api/v1/users/{manager}"),
            &admin,
            &json!({"role": "admin"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let res = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            &json!({"active": false}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
}

#[actix_web::test]
async fn a_clerk_cannot_lose_their_board() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let id = app.users["clerk.btc"];
    let res = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            &json!({"board_id": null}),
        )
        .await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"][0]["code"],
        "board_required"
    );
    // Moving to another board works and is visible.
    let ubkt = app.boards["UBKT"];
    let res = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            &json!({"board_id": ubkt}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["board_id"], ubkt.to_string());
}

#[actix_web::test]
async fn lists_are_paged_with_a_cursor() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let first = app.get("/api/v1/users?limit=3", &admin).await.json();
    let names = |page: &serde_json::Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&first), ["admin", "clerk.btc", "clerk.ubkt"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app
        .get(&format!("/api/v1/users?limit=3&cursor={cursor}"), &admin)
        .await
        .json();
    assert_eq!(names(&second), ["clerk2.btc", "dispatcher", "driver"]);
    let cursor = second["next_cursor"].as_str().unwrap();
    let third = app
        .get(&format!("/api/v1/users?limit=3&cursor={cursor}"), &admin)
        .await
        .json();
    assert_eq!(names(&third), ["finance", "manager"]);
    assert!(third["next_cursor"].is_null());

    let res = app.get("/api/v1/users?limit=0", &admin).await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"][0]["field"],
        "limit"
    );
}
