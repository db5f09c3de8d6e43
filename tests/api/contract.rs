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

/// Each documented operation as `(method, path)` with its JSON description.
fn operations() -> Vec<(String, String, serde_json::Value)> {
    let doc: serde_json::Value =
        serde_json::to_value(sharedoffice::http::openapi::document()).unwrap();
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ops.push((method.to_uppercase(), path.clone(), op.clone()));
        }
    }
    ops
}

/// The `.rs` files under `dir`, in its subfolders too.
fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// Every handler whose role guard can refuse the caller (anything but
/// `Auth` / `Auth<AnyRole>`) documents the 403, read from the handlers'
/// signatures and their route attributes.
#[test]
fn every_role_guarded_operation_documents_its_403() {
    let ops = operations();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/http/routes");
    let mut guarded = 0;
    let mut missing = Vec::new();
    for path in rust_files(std::path::Path::new(dir)) {
        let source = std::fs::read_to_string(path).unwrap();
        for (at, _) in source.match_indices("pub async fn ") {
            let signature = &source[at..at + source[at..].find('{').unwrap()];
            let Some(guard) = signature.split("Auth<").nth(1) else {
                continue;
            };
            let guard = &guard[..guard.find('>').unwrap()];
            if guard == "AnyRole" || guard == "R" {
                continue;
            }
            // The route attribute right above the handler.
            let head = &source[..at];
            let route = head.rfind("\n#[").unwrap();
            let attr = head[route + 3..].lines().next().unwrap();
            let (method, rest) = attr.split_once("(\"").unwrap();
            let path = format!("/api/v1{}", &rest[..rest.find('"').unwrap()]);
            let op = ops
                .iter()
                .find(|(m, p, _)| m.eq_ignore_ascii_case(method) && *p == path)
                .unwrap_or_else(|| panic!("{method} {path} is not in the document"));
            guarded += 1;
            if op.2["responses"].get("403").is_none() {
                missing.push(format!("{method} {path} ({guard})"));
            }
        }
    }
    assert!(guarded > 80, "only {guarded} guarded handlers found");
    assert!(missing.is_empty(), "403 not documented: {missing:#?}");
}

/// What the extractors answer before a handler runs is documented on every
/// operation that has the extractor, and the ranges the server enforces on
/// query parameters are in the schema.
#[test]
fn extractor_answers_and_ranges_are_documented() {
    for (method, path, op) in operations() {
        let responses = &op["responses"];
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let has = |place: &str| params.iter().any(|p| p["in"] == place);
        if has("query") || op.get("requestBody").is_some() {
            assert!(responses.get("400").is_some(), "{method} {path}: 400");
        }
        if op.get("requestBody").is_some() {
            for status in ["413", "415"] {
                assert!(responses.get(status).is_some(), "{method} {path}: {status}");
            }
        }
        if has("path") {
            assert!(responses.get("404").is_some(), "{method} {path}: 404");
        }
        for p in &params {
            let bounds = match p["name"].as_str().unwrap() {
                "limit" => (1, 500),
                "fiscal_year" => (2000, 2100),
                _ => continue,
            };
            assert_eq!(
                (
                    p["schema"]["minimum"].as_i64(),
                    p["schema"]["maximum"].as_i64()
                ),
                (Some(bounds.0), Some(bounds.1)),
                "{method} {path}: {} range",
                p["name"]
            );
        }
    }
}

#[actix_web::test]
async fn an_address_with_other_methods_answers_405_with_allow() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let board = app.boards["BTC"];
    for (method, path, allow) in [
        ("TRACE", "/api/v1/boards".to_owned(), "GET, POST"),
        ("DELETE", "/api/v1/boards".to_owned(), "GET, POST"),
        ("PUT", format!("/api/v1/boards/{board}"), "GET, PATCH"),
        ("OPTIONS", "/api/v1/me".to_owned(), "GET"),
        ("POST", "/health".to_owned(), "GET"),
        ("GET", "/api/v1/auth/login".to_owned(), "POST"),
        (
            "TRACE",
            "/api/v1/boards/any-segment".to_owned(),
            "GET, PATCH",
        ),
    ] {
        let res = app
            .send(method, &path, Some(&admin), None, Vec::new())
            .await;
        res.problem(405, "method_not_allowed");
        assert_eq!(
            res.header("allow").as_deref(),
            Some(allow),
            "{method} {path}"
        );
    }
    // No endpoint at all is still a 404.
    app.send(
        "TRACE",
        "/api/v1/no-such-thing",
        Some(&admin),
        None,
        Vec::new(),
    )
    .await
    .problem(404, "not_found");
}

#[actix_web::test]
async fn bodies_that_are_not_json_in_utf8_are_malformed_not_refused_fields() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let json = Some("application/json");
    for body in [&b"\xff\xfe{}"[..], b"\xc3\x28", b"not json", b"[1, 2"] {
        app.send("POST", "/api/v1/boards", Some(&admin), json, body.to_vec())
            .await
            .problem(400, "malformed_json");
    }
    // Valid JSON that is not an object is read, then refused.
    app.send(
        "POST",
        "/api/v1/boards",
        Some(&admin),
        json,
        b"[1, 2]".to_vec(),
    )
    .await
    .problem(422, "validation_failed");
}

#[actix_web::test]
async fn changes_refuse_null_where_a_field_cannot_be_empty() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let board = app.boards["BTC"];
    let path = format!("/api/v1/boards/{board}");
    for field in ["active", "name"] {
        let res = app
            .patch(&path, &admin, &serde_json::json!({ field: null }))
            .await;
        let p = res.problem(422, "validation_failed");
        assert_eq!(p["errors"][0]["field"], field);
        assert_eq!(p["errors"][0]["code"], "invalid_type");
    }
    let user = app.users["clerk.btc"];
    let res = app
        .patch(
            &format!("/api/v1/users/{user}"),
            &admin,
            &serde_json::json!({"active": null}),
        )
        .await;
    assert_eq!(
        res.problem(422, "validation_failed")["errors"][0]["field"],
        "active"
    );
    // Leaving the fields out still changes nothing.
    let res = app.patch(&path, &admin, &serde_json::json!({})).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["active"], true);
    // The document says the same: the fields are not nullable.
    let doc: serde_json::Value =
        serde_json::to_value(sharedoffice::http::openapi::document()).unwrap();
    let active = &doc["components"]["schemas"]["UpdateBoard"]["properties"]["active"];
    assert_eq!(active["type"], "boolean", "{active}");
}
