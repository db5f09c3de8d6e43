//! Health, readiness, metrics and request ids.

use sharedoffice::domain::login_throttle::ThrottlePolicy;
use sharedoffice::http::metrics::MetricsAccess;

use crate::helpers::{spawn_app, spawn_app_configured};

#[actix_web::test]
async fn health_and_readiness_answer_without_a_token() {
    let app = spawn_app().await;
    let health = app.get_anonymous("/health").await;
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");
    let ready = app.get_anonymous("/ready").await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.json()["status"], "ready");
}

#[actix_web::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = spawn_app().await;
    app.get_anonymous("/api/v1/me")
        .await
        .problem(401, "missing_token");
    let text = app.get_anonymous("/metrics").await.text;
    assert!(
        text.contains(
            r#"sharedoffice_http_requests_total{method="GET",route="/api/v1/me",status="401"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains("sharedoffice_http_request_duration_seconds_bucket"));
    assert!(text.contains("sharedoffice_db_pool_connections"));
}

/// With a metrics token, /metrics asks for it, also from this machine;
/// the rest of the service is not affected.
#[actix_web::test]
async fn a_metrics_token_guards_the_metrics() {
    let token = "metrics-token-2026-0123456789";
    let app = spawn_app_configured(
        ThrottlePolicy::default(),
        MetricsAccess::Token(token.to_owned()),
    )
    .await;
    app.get_anonymous("/metrics")
        .await
        .problem(401, "invalid_token");
    app.get("/metrics", "metrics-token-2026-012345678")
        .await
        .problem(401, "invalid_token");
    // A user's sign-in is not the metrics token.
    let admin = app.token("admin").await;
    app.get("/metrics", &admin)
        .await
        .problem(401, "invalid_token");
    let res = app.get("/metrics", token).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert!(res.text.contains("sharedoffice_login_failures_total"));
    assert_eq!(app.get_anonymous("/health").await.status, 200);
}

#[actix_web::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let res = app
        .client_get_with_header("/health", "x-request-id", "trace-42.a")
        .await;
    assert_eq!(res.header("x-request-id").as_deref(), Some("trace-42.a"));
    // An unsafe incoming id is replaced, not echoed.
    let res = app
        .client_get_with_header("/health", "x-request-id", "<script>")
        .await;
    let id = res.header("x-request-id").unwrap();
    assert_ne!(id, "<script>");
    assert!(uuid::Uuid::parse_str(&id).is_ok());
    // Problems quote it too.
    let res = app.get_anonymous("/api/v1/me").await;
    assert_eq!(
        res.json()["request_id"],
        res.header("x-request-id").unwrap()
    );
}
