//! Bad input is never a 500: every malformed request gets a problem+json 4xx.

use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn malformed_bodies_get_clear_problems() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let t = Some(admin.as_str());
    let json = Some("application/json");

    app.send("POST", "/api/v1/boards", t, json, b"{\"code\": ".to_vec())
        .await
        .problem(400, "malformed_json");
    app.send("POST", "/api/v1/boards", t, json, Vec::new())
        .await
        .problem(400, "body_missing");
    app.send(
        "POST",
        "/api/v1/boards",
        t,
        Some("text/plain"),
        b"{}".to_vec(),
    )
    .await
    .problem(415, "unsupported_media_type");
    app.send("POST", "/api/v1/boards", t, None, b"{}".to_vec())
        .await
        .problem(415, "unsupported_media_type");
    app.send(
        "POST",
        "/api/v1/boards",
        t,
        json,
        vec![b'{', 0xff, 0xfe, b'}'],
    )
    .await
    .problem(400, "malformed_json");
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let res = app
        .send("POST", "/api/v1/boards", t, json, deep.into_bytes())
        .await;
    assert!(
        res.status == 400 || res.status == 422,
        "{} {}",
        res.status,
        res.text
    );

    let big = json!({"code": "BIG", "name": "x".repeat(70 * 1024)});
    app.send(
        "POST",
        "/api/v1/boards",
        t,
        json,
        big.to_string().into_bytes(),
    )
    .await
    .problem(413, "payload_too_large");
}

#[actix_web::test]
async fn wrong_types_unknown_fields_and_long_strings_name_the_field() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let res = app
        .post("/api/v1/boards", &admin, &json!({"code": 12, "name": "x"}))
        .await;
    let p = res.problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "code");
    assert_eq!(p["errors"][0]["code"], "invalid_type");

    let res = app
        .post(
            "/api/v1/boards",
            &admin,
            &json!({"code": "AB", "name": "x", "colour": "red"}),
        )
        .await;
    let p = res.problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "colour");
    assert_eq!(p["errors"][0]["code"], "unknown_field");

    let res = app
        .post(
            "/api/v1/boards",
            &admin,
            &json!({"code": "AB", "name": "Đ".repeat(201)}),
        )
        .await;
    let p = res.problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "name");
    assert_eq!(p["errors"][0]["code"], "too_long");
    // 200 characters of 'Đ' (400 bytes) are fine: length counts characters.
    let res = app
        .post(
            "/api/v1/boards",
            &admin,
            &json!({"code": "AB", "name": "Đ".repeat(200)}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);

    let res = app
        .post("/api/v1/boards", &admin, &json!(["not", "an", "object"]))
        .await;
    res.problem(422, "validation_failed");
    let res = app
        .post("/api/v1/boards", &admin, &json!({"code": "AC"}))
        .await;
    let p = res.problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "required");

    let id = app.users["clerk.btc"];
    let res = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            &json!({"board_id": "not-a-uuid"}),
        )
        .await;
    let p = res.problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "board_id");
    let res = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            &json!({"active": "yes"}),
        )
        .await;
    let p = res.problem(422, "validation_failed");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("true or false")
    );
}

#[actix_web::test]
async fn bad_paths_and_queries_are_not_server_errors() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    app.get("/api/v1/users/not-a-uuid", &admin)
        .await
        .problem(404, "not_found");
    app.get(
        "/api/v1/boards/00000000-0000-0000-0000-000000000000",
        &admin,
    )
    .await
    .problem(404, "not_found");
    app.get("/api/v1/users/%00%ff", &admin)
        .await
        .problem(400, "nul_character");
    app.get("/api/v1/users/%ff", &admin)
        .await
        .problem(404, "not_found");
    app.get("/api/v1/no-such-thing", &admin)
        .await
        .problem(404, "not_found");
    app.get("/api/v1/users?limit=abc", &admin)
        .await
        .problem(400, "invalid_query");
    app.get("/api/v1/users?colour=red", &admin)
        .await
        .problem(400, "invalid_query");
    app.get("/api/v1/users?board_id=zzz", &admin)
        .await
        .problem(400, "invalid_query");
    let res = app.get("/api/v1/users?role=boss", &admin).await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"][0]["field"],
        "role"
    );
}

#[actix_web::test]
async fn no_endpoint_answers_garbage_with_a_500() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let id = app.users["clerk.btc"];
    let board = app.boards["BTC"];
    let targets = [
        ("POST", "/api/v1/auth/login".to_owned()),
        ("POST", "/api/v1/boards".to_owned()),
        ("PATCH", format!("/api/v1/boards/{board}")),
        ("POST", "/api/v1/users".to_owned()),
        ("PATCH", format!("/api/v1/users/{id}")),
        ("POST", "/api/v1/me/password".to_owned()),
    ];
    let bodies: Vec<Vec<u8>> = vec![
        b"null".to_vec(),
        b"42".to_vec(),
        b"\"text\"".to_vec(),
        b"{}".to_vec(),
        b"{\"username\": null, \"password\": null}".to_vec(),
        b"{\"name\": {\"nested\": true}}".to_vec(),
        b"{\"role\": [1,2,3]}".to_vec(),
        b"{\"board_id\": 12345}".to_vec(),
        br#"{"full_name": "a\u0000b"}"#.to_vec(),
        b"{\"code\": \"\\ud800\"}".to_vec(),
        format!(
            "{{\"username\": \"{}\", \"password\": \"x\"}}",
            "u".repeat(5000)
        )
        .into_bytes(),
    ];
    for (method, path) in &targets {
        for body in &bodies {
            let res = app
                .send(
                    method,
                    path,
                    Some(&admin),
                    Some("application/json"),
                    body.clone(),
                )
                .await;
            assert!(
                res.status < 500,
                "{method} {path} with {:?} gave {}: {}",
                String::from_utf8_lossy(body),
                res.status,
                res.text
            );
            if res.status >= 400 {
                assert_eq!(
                    res.header("content-type").as_deref(),
                    Some("application/problem+json")
                );
            }
        }
    }
}

/// NUL in any text input is refused at the edge, the same on both backends
/// (PostgreSQL cannot store it and answered 500; SQLite kept it): in the
/// address, the query (no token needed for the calendar), filters, cursors,
/// JSON strings and an uploaded bank statement.
#[actix_web::test]
async fn nul_characters_are_refused_everywhere_without_a_server_error() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let finance = app.token("finance").await;
    let manager = app.token("manager").await;
    let driver = "00000000-0000-7000-8000-000000000000";
    app.get_anonymous(&format!("/api/v1/drivers/{driver}/calendar.ics?key=%00"))
        .await
        .problem(400, "nul_character");
    for (path, token) in [
        ("/api/v1/assets?location=Kho%00", &finance),
        ("/api/v1/audit?entity_type=board%00", &manager),
        ("/api/v1/boards?cursor=%00", &admin),
        ("/api/v1/users?cursor=abc%00def", &admin),
        ("/api/v1/vehicles?cursor=%00", &admin),
        ("/api/v1/boards/%00", &admin),
    ] {
        app.get(path, token).await.problem(400, "nul_character");
    }
    let res = app
        .post(
            "/api/v1/boards",
            &admin,
            &json!({"code": "BNUL", "name": "Ban\u{0}Tuyên giáo"}),
        )
        .await;
    let body = res.problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "nul_character", "{body}");
    // A backslash followed by the letters u0000 is text, not a NUL.
    let res = app
        .post(
            "/api/v1/boards",
            &admin,
            &json!({"code": "BNUL", "name": "Ban \\u0000 thử"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    // A bank statement with a NUL on its third line.
    let csv = "Ngày,Số tiền,Nội dung\n01/12/2026,100000,Thu\n02/12/2026,200000,Th\u{0}u\n";
    let res = app
        .send(
            "POST",
            "/api/v1/reconciliations?account=112&period=2026-12",
            Some(&finance),
            Some("text/csv; charset=utf-8"),
            csv.as_bytes().to_vec(),
        )
        .await;
    assert!(res.status == 422 || res.status == 400, "{}", res.text);
    assert!(res.text.contains("NUL"), "{}", res.text);
    assert!(res.text.contains("line 3"), "{}", res.text);
}
