//! The API contract, served by the API itself.

use actix_web::{HttpResponse, get};

/// This document: the OpenAPI 3.1 description of every endpoint.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "The OpenAPI document, a YAML mapping", body = Object, content_type = "application/yaml"))
)]
#[get("/openapi.yaml")]
pub async fn openapi_yaml() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/yaml; charset=utf-8")
        .body(crate::http::openapi::yaml())
}
