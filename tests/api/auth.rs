//! Signing in, tokens, and what ends them.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;
use sharedoffice::domain::login_throttle::ThrottlePolicy;

use crate::helpers::{SEED_PASSWORD, TestApp, spawn_app, spawn_app_with};

#[actix_web::test]
async fn signing_in_returns_a_token_that_opens_me() {
    let app = spawn_app().await;
    let res = app.login("clerk.btc", SEED_PASSWORD).await;
    assert_eq!(res.status, 200, "{}", res.text);
    let body = res.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["user"]["username"], "clerk.btc");
    assert_eq!(body["user"]["role"], "clerk");
    let expires_at =
        chrono::DateTime::parse_from_rfc3339(body["expires_at"].as_str().unwrap()).unwrap();
    let in_an_hour = chrono::Utc::now() + chrono::Duration::hours(1);
    assert!((in_an_hour - expires_at.to_utc()).num_seconds().abs() < 60);

    let token = body["access_token"].as_str().unwrap();
    let me = app.get("/api/v1/me", token).await;
    assert_eq!(me.status, 200, "{}", me.text);
    let me = me.json();
    assert_eq!(me["username"], "clerk.btc");
    assert_eq!(me["board"]["code"], "BTC");
    assert_eq!(me["board"]["id"], app.boards["BTC"].to_string());
}

#[actix_web::test]
async fn usernames_are_not_case_sensitive() {
    let app = spawn_app().await;
    assert_eq!(app.login("Clerk.BTC", SEED_PASSWORD).await.status, 200);
}

#[actix_web::test]
async fn unknown_user_and_wrong_password_get_the_same_answer() {
    let app = spawn_app().await;
    let unknown = app.login("nobody.here", SEED_PASSWORD).await;
    let wrong = app.login("clerk.btc", "not the password").await;
    let a = unknown.problem(401, "invalid_credentials");
    let b = wrong.problem(401, "invalid_credentials");
    assert_eq!(a["detail"], b["detail"]);
    assert_eq!(a["title"], b["title"]);
}

#[actix_web::test]
async fn a_deactivated_account_cannot_sign_in() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let id = app.users["clerk.btc"];
    let res = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            &json!({"active": false}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    app.login("clerk.btc", SEED_PASSWORD)
        .await
        .problem(401, "invalid_credentials");
}

#[actix_web::test]
async fn repeated_failures_pause_sign_in_for_that_username() {
    let app = spawn_app_with(ThrottlePolicy {
        max_failures: 3,
        window: Duration::from_secs(600),
    })
    .await;
    for _ in 0..3 {
        app.login("clerk.btc", "wrong password")
            .await
            .problem(401, "invalid_credentials");
    }
    // Even the right password is refused while paused.
    let res = app.login("clerk.btc", SEED_PASSWORD).await;
    res.problem(429, "too_many_attempts");
    let retry_after: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!(
        (1..=600).contains(&retry_after),
        "Retry-After {retry_after}"
    );
    // Other usernames are not affected.
    assert_eq!(app.login("clerk.ubkt", SEED_PASSWORD).await.status, 200);
}

#[actix_web::test]
async fn a_username_paused_on_one_machine_still_signs_in_from_another() {
    let app = spawn_app_with(ThrottlePolicy {
        max_failures: 3,
        window: Duration::from_secs(600),
    })
    .await;
    for _ in 0..3 {
        app.login_from("127.0.0.66", "admin", "đoán mò")
            .await
            .problem(401, "invalid_credentials");
    }
    let refused = app.login_from("127.0.0.66", "admin", SEED_PASSWORD).await;
    refused.problem(429, "too_many_attempts");
    assert!(
        refused.json()["detail"]
            .as_str()
            .unwrap()
            .contains("for this username from this device"),
        "{}",
        refused.text
    );
    // The administrator at their own machine is not locked out.
    assert_eq!(app.login("admin", SEED_PASSWORD).await.status, 200);
    assert_eq!(
        app.login_from("127.0.0.7", "admin", SEED_PASSWORD)
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn one_machine_spraying_usernames_is_paused() {
    // Budget: 2 per username, 20 per address.
    let app = spawn_app_with(ThrottlePolicy {
        max_failures: 2,
        window: Duration::from_secs(600),
    })
    .await;
    for i in 0..20 {
        app.login_from("127.0.0.66", &format!("khong.co.{i}"), "sai")
            .await
            .problem(401, "invalid_credentials");
    }
    // The 21st, a real account with its right password, and a name that
    // cannot be a username are all refused from that machine.
    for (name, password) in [
        ("khong.co.20", "sai"),
        ("clerk.btc", SEED_PASSWORD),
        ("???", "sai"),
    ] {
        let res = app.login_from("127.0.0.66", name, password).await;
        res.problem(429, "too_many_attempts");
        assert!(
            res.json()["detail"]
                .as_str()
                .unwrap()
                .contains("from this device")
        );
    }
    // Other machines sign in as usual.
    assert_eq!(app.login("clerk.btc", SEED_PASSWORD).await.status, 200);
}

#[actix_web::test]
async fn successful_sign_ins_behind_one_address_never_pause_it() {
    // Budget: 1 per username, 10 per address; 12 successful sign-ins.
    let app = spawn_app_with(ThrottlePolicy {
        max_failures: 1,
        window: Duration::from_secs(600),
    })
    .await;
    for _ in 0..12 {
        assert_eq!(app.login("clerk.btc", SEED_PASSWORD).await.status, 200);
    }
    app.login("clerk.ubkt", "sai")
        .await
        .problem(401, "invalid_credentials");
}

#[actix_web::test]
async fn a_crowd_of_wrong_sign_ins_is_answered_and_bounded() {
    // 64 at once from one machine with distinct usernames: every answer is
    // a refusal a client understands (401, 429 past the address's budget
    // of 50, or 503 when the password threads are full), never a 500 —
    // and no more than 50 reach a password check.
    let app = spawn_app().await;
    let names: Vec<String> = (0..64).map(|i| format!("khong.co.{i}")).collect();
    let answers = futures_util::future::join_all(
        names
            .iter()
            .map(|name| app.login_from("127.0.0.66", name, "sai")),
    )
    .await;
    let mut counts = std::collections::BTreeMap::<u16, usize>::new();
    for res in &answers {
        *counts.entry(res.status).or_default() += 1;
        match res.status {
            401 => assert_eq!(res.json()["code"], "invalid_credentials"),
            429 => assert_eq!(res.json()["code"], "too_many_attempts"),
            503 => {
                assert_eq!(res.json()["code"], "busy");
                assert_eq!(res.header("retry-after").as_deref(), Some("1"));
            }
            other => panic!("unexpected {other}: {}", res.text),
        }
    }
    assert_eq!(counts.get(&429).copied().unwrap_or(0), 14, "{counts:?}");
    // Afterwards the service answers as usual.
    assert_eq!(app.login("admin", SEED_PASSWORD).await.status, 200);
}

#[actix_web::test]
async fn guessing_the_current_password_is_paused_too() {
    let app = spawn_app_with(ThrottlePolicy {
        max_failures: 2,
        window: Duration::from_secs(600),
    })
    .await;
    let token = app.token("finance").await;
    let guess = json!({"current_password": "guess", "new_password": "một mật khẩu mới dài"});
    for _ in 0..2 {
        app.post("/api/v1/me/password", &token, &guess)
            .await
            .problem(422, "validation_failed");
    }
    app.post("/api/v1/me/password", &token, &guess)
        .await
        .problem(429, "too_many_attempts");
}

#[actix_web::test]
async fn a_name_that_cannot_be_a_username_is_just_a_wrong_sign_in() {
    let app = spawn_app_with(ThrottlePolicy {
        max_failures: 1,
        window: Duration::from_secs(600),
    })
    .await;
    let long = "x".repeat(60_000);
    for _ in 0..3 {
        app.login(&long, "whatever")
            .await
            .problem(401, "invalid_credentials");
    }
}

#[actix_web::test]
async fn requests_without_a_token_are_refused() {
    let app = spawn_app().await;
    let res = app.get_anonymous("/api/v1/me").await;
    res.problem(401, "missing_token");
    assert_eq!(res.header("www-authenticate").as_deref(), Some("Bearer"));
    let res = app.send("GET", "/api/v1/me", None, None, Vec::new()).await;
    assert_eq!(res.status, 401);
    let basic = app
        .client_get_with_header("/api/v1/me", "authorization", "Basic YWRtaW46YWRtaW4=")
        .await;
    basic.problem(401, "invalid_token");
}

fn claims(app: &TestApp, username: &str, exp: i64) -> serde_json::Value {
    json!({
        "sub": app.users[username],
        "role": "admin",
        "board": null,
        "ver": 0,
        "iss": "sharedoffice",
        "iat": chrono::Utc::now().timestamp() - 7200,
        "exp": exp,
    })
}

#[actix_web::test]
async fn an_expired_token_is_refused() {
    let app = spawn_app().await;
    let past = chrono::Utc::now().timestamp() - 10;
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims(&app, "admin", past),
        &EncodingKey::from_secret(&app.secret),
    )
    .unwrap();
    app.get("/api/v1/me", &token)
        .await
        .problem(401, "token_expired");

    // The same claims with a future expiry are accepted: the test is honest.
    let future = chrono::Utc::now().timestamp() + 600;
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims(&app, "admin", future),
        &EncodingKey::from_secret(&app.secret),
    )
    .unwrap();
    assert_eq!(app.get("/api/v1/me", &token).await.status, 200);
}

#[actix_web::test]
async fn tampered_tokens_are_refused() {
    let app = spawn_app().await;
    let future = chrono::Utc::now().timestamp() + 600;
    let claims = claims(&app, "admin", future);

    // Signed with another secret.
    let other = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(b"another secret of at least 32 bytes!"),
    )
    .unwrap();
    app.get("/api/v1/me", &other)
        .await
        .problem(401, "invalid_token");

    // A valid token whose payload was edited (role, subject) keeps its old signature.
    let valid = app.token("clerk.btc").await;
    let parts: Vec<&str> = valid.split('.').collect();
    let mut payload: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    payload["sub"] = json!(app.users["admin"]);
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        parts[2]
    );
    app.get("/api/v1/me", &forged)
        .await
        .problem(401, "invalid_token");

    // alg "none" with no signature.
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(claims.to_string());
    app.get("/api/v1/me", &format!("{header}.{body}."))
        .await
        .problem(401, "invalid_token");
    app.get("/api/v1/me", &format!("{header}.{body}"))
        .await
        .problem(401, "invalid_token");

    // Another algorithm with the same secret.
    for alg in [Algorithm::HS384, Algorithm::HS512] {
        let token = jsonwebtoken::encode(
            &Header::new(alg),
            &claims,
            &EncodingKey::from_secret(&app.secret),
        )
        .unwrap();
        app.get("/api/v1/me", &token)
            .await
            .problem(401, "invalid_token");
    }

    // Garbage.
    app.get("/api/v1/me", "not.a.token")
        .await
        .problem(401, "invalid_token");
}

#[actix_web::test]
async fn deactivation_ends_existing_sessions() {
    let app = spawn_app().await;
    let clerk = app.token("clerk.btc").await;
    assert_eq!(app.get("/api/v1/me", &clerk).await.status, 200);
    let admin = app.token("admin").await;
    let id = app.users["clerk.btc"];
    let res = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            &json!({"active": false}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    app.get("/api/v1/me", &clerk)
        .await
        .problem(401, "token_revoked");
}

#[actix_web::test]
async fn a_password_reset_by_the_admin_ends_existing_sessions() {
    let app = spawn_app().await;
    let clerk = app.token("clerk.btc").await;
    let admin = app.token("admin").await;
    let id = app.users["clerk.btc"];
    let res = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            &json!({"password": "một mật khẩu mới"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    app.get("/api/v1/me", &clerk)
        .await
        .problem(401, "token_revoked");
    app.login("clerk.btc", SEED_PASSWORD)
        .await
        .problem(401, "invalid_credentials");
    assert_eq!(app.login("clerk.btc", "một mật khẩu mới").await.status, 200);
}

#[actix_web::test]
async fn changing_the_own_password_ends_old_sessions_and_returns_a_new_token() {
    let app = spawn_app().await;
    let old = app.token("finance").await;
    let wrong = app
        .post(
            "/api/v1/me/password",
            &old,
            &json!({"current_password": "not it", "new_password": "short"}),
        )
        .await;
    let problem = wrong.problem(422, "validation_failed");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["new_password", "current_password"]);

    let res = app
        .post(
            "/api/v1/me/password",
            &old,
            &json!({"current_password": SEED_PASSWORD, "new_password": "kế toán trưởng 2026"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let new = res.json()["access_token"].as_str().unwrap().to_owned();
    app.get("/api/v1/me", &old)
        .await
        .problem(401, "token_revoked");
    assert_eq!(app.get("/api/v1/me", &new).await.status, 200);
    assert_eq!(
        app.login("finance", "kế toán trưởng 2026").await.status,
        200
    );
}

/// A revoked token is told to sign in again wherever it is used, also on
/// an endpoint its old role could never call (where a live token of that
/// role gets 403).
#[actix_web::test]
async fn a_revoked_token_is_unauthenticated_even_where_its_role_is_forbidden() {
    let app = spawn_app().await;
    let old = app.token("finance").await;
    app.get("/api/v1/audit", &old)
        .await
        .problem(403, "forbidden");
    // The role is refused before the body's rules are told.
    app.post("/api/v1/boards", &old, &json!({}))
        .await
        .problem(403, "forbidden");
    let res = app
        .post(
            "/api/v1/me/password",
            &old,
            &json!({"current_password": SEED_PASSWORD, "new_password": "kế toán trưởng 2026"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    app.get("/api/v1/audit", &old)
        .await
        .problem(401, "token_revoked");
    app.post("/api/v1/boards", &old, &json!({}))
        .await
        .problem(401, "token_revoked");
}

#[actix_web::test]
async fn a_role_change_takes_effect_at_once() {
    let app = spawn_app().await;
    let manager = app.token("manager").await;
    assert_eq!(app.get("/api/v1/audit", &manager).await.status, 200);
    let admin = app.token("admin").await;
    let id = app.users["manager"];
    let res = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            &json!({"role": "dispatcher"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    app.get("/api/v1/audit", &manager)
        .await
        .problem(401, "token_revoked");
    let fresh = app.login("manager", SEED_PASSWORD).await.json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.get("/api/v1/audit", &fresh)
        .await
        .problem(403, "forbidden");
}
