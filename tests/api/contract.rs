//! `api.yaml` is the contract: it must equal the document generated from
//! the routes the server registers.

use crate::helpers::spawn_app;

const REGENERATE: &str =
    "api.yaml is out of date: run `cargo run -- openapi > api.yaml` and commit it";

#[test]
fn api_yaml_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/api.yaml"))
        .expect("api.yaml exists at the repository root");
    let generated = sharedoffice::http::openapi::yaml();
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .map_or_else(|| "at the end".to_owned(), |n| format!("at line {}", n + 1));
        panic!("{REGENERATE} (first difference {line})");
    }
}

#[test]
fn the_contract_names_every_endpoint_and_its_security() {
    let doc: serde_json::Value =
        serde_json::to_value(sharedoffice::http::openapi::document()).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let mut found: Vec<String> = Vec::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            found.push(format!("{} {path}", method.to_uppercase()));
            let secured = op
                .get("security")
                .is_some_and(|s| s.as_array().is_some_and(|a| !a.is_empty()));
            let public = !path.starts_with("/api/v1/")
                || path == "/api/v1/auth/login"
                || path == "/api/v1/openapi.yaml";
            assert_eq!(secured, !public, "{method} {path}: security");
            assert!(
                op["responses"].get("500").is_some(),
                "{method} {path}: 500 documented"
            );
        }
    }
    found.sort();
    let expected = [
        "DELETE /api/v1/drivers/{id}/blocks/{block_id}",
        "DELETE /api/v1/reconciliations/{id}/matches/{statement_line_id}",
        "DELETE /api/v1/vehicles/{id}/blocks/{block_id}",
        "GET /api/v1/accounts",
        "GET /api/v1/allocations",
        "GET /api/v1/asset-categories",
        "GET /api/v1/asset-requests",
        "GET /api/v1/asset-requests/{id}",
        "GET /api/v1/assets",
        "GET /api/v1/assets/{id}",
        "GET /api/v1/assets/{id}/history",
        "GET /api/v1/audit",
        "GET /api/v1/availability",
        "GET /api/v1/boards",
        "GET /api/v1/boards/{id}",
        "GET /api/v1/bookings",
        "GET /api/v1/bookings/{id}",
        "GET /api/v1/budget-lines",
        "GET /api/v1/drivers",
        "GET /api/v1/drivers/{id}",
        "GET /api/v1/drivers/{id}/blocks",
        "GET /api/v1/drivers/{id}/calendar.ics",
        "GET /api/v1/expenses",
        "GET /api/v1/expenses/{id}",
        "GET /api/v1/journal",
        "GET /api/v1/journal/{id}",
        "GET /api/v1/me",
        "GET /api/v1/openapi.yaml",
        "GET /api/v1/periods",
        "GET /api/v1/reconciliations",
        "GET /api/v1/reconciliations/{id}",
        "GET /api/v1/reports/account-ledger",
        "GET /api/v1/reports/asset-utilisation",
        "GET /api/v1/reports/board-usage",
        "GET /api/v1/reports/budget-execution",
        "GET /api/v1/reports/driver-utilisation",
        "GET /api/v1/reports/fleet-sizing",
        "GET /api/v1/reports/pool-balance",
        "GET /api/v1/reports/pool-balance.svg",
        "GET /api/v1/reports/trial-balance",
        "GET /api/v1/reports/vehicle-utilisation",
        "GET /api/v1/reports/vehicle-utilisation.svg",
        "GET /api/v1/settings/calendar",
        "GET /api/v1/settings/fleet",
        "GET /api/v1/spending-norms",
        "GET /api/v1/stocktakes",
        "GET /api/v1/stocktakes/{id}",
        "GET /api/v1/users",
        "GET /api/v1/users/{id}",
        "GET /api/v1/vehicles",
        "GET /api/v1/vehicles/{id}",
        "GET /api/v1/vehicles/{id}/blocks",
        "GET /api/v1/wear-runs",
        "GET /health",
        "GET /metrics",
        "GET /ready",
        "PATCH /api/v1/assets/{id}",
        "PATCH /api/v1/boards/{id}",
        "PATCH /api/v1/budget-lines/{id}",
        "PATCH /api/v1/drivers/{id}",
        "PATCH /api/v1/settings/fleet",
        "PATCH /api/v1/users/{id}",
        "PATCH /api/v1/vehicles/{id}",
        "POST /api/v1/accounts",
        "POST /api/v1/allocations",
        "POST /api/v1/asset-requests",
        "POST /api/v1/asset-requests/{id}/approve",
        "POST /api/v1/asset-requests/{id}/fulfil",
        "POST /api/v1/asset-requests/{id}/reject",
        "POST /api/v1/assets",
        "POST /api/v1/assets/{id}/transfer",
        "POST /api/v1/auth/login",
        "POST /api/v1/boards",
        "POST /api/v1/bookings",
        "POST /api/v1/bookings/{id}/approve",
        "POST /api/v1/bookings/{id}/assign",
        "POST /api/v1/bookings/{id}/cancel",
        "POST /api/v1/bookings/{id}/complete",
        "POST /api/v1/bookings/{id}/reject",
        "POST /api/v1/bookings/{id}/start",
        "POST /api/v1/budget-lines",
        "POST /api/v1/drivers",
        "POST /api/v1/drivers/{id}/blocks",
        "POST /api/v1/expenses",
        "POST /api/v1/expenses/{id}/approve",
        "POST /api/v1/expenses/{id}/reject",
        "POST /api/v1/imports/{kind}",
        "POST /api/v1/journal",
        "POST /api/v1/journal/{id}/reverse",
        "POST /api/v1/me/password",
        "POST /api/v1/periods/{period}/close",
        "POST /api/v1/reconciliations",
        "POST /api/v1/reconciliations/{id}/explanations",
        "POST /api/v1/reconciliations/{id}/matches",
        "POST /api/v1/reconciliations/{id}/reconcile",
        "POST /api/v1/reconciliations/{id}/reopen",
        "POST /api/v1/spending-norms",
        "POST /api/v1/stocktakes",
        "POST /api/v1/stocktakes/{id}/close",
        "POST /api/v1/stocktakes/{id}/counts",
        "POST /api/v1/users",
        "POST /api/v1/vehicles",
        "POST /api/v1/vehicles/{id}/blocks",
        "POST /api/v1/wear-runs",
        "PUT /api/v1/settings/calendar",
    ];
    assert_eq!(found, expected);
}

#[actix_web::test]
async fn the_service_serves_its_own_contract() {
    let app = spawn_app().await;
    let res = app.get_anonymous("/api/v1/openapi.yaml").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.text, sharedoffice::http::openapi::yaml());
}
