//! Liveness, readiness and metrics, for the operators and their monitors.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::error::{ApiError, Problem};
use crate::http::metrics::MetricsRefusal;
use crate::http::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` or `ready`.
    pub status: String,
}

/// Liveness: the process is up and serving.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Alive", body = Health)))]
#[get("/health")]
pub async fn health() -> web::Json<Health> {
    web::Json(Health {
        status: "ok".to_owned(),
    })
}

/// Readiness: the database answers.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, description = "Database unreachable", body = crate::http::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<web::Json<Health>, ApiError> {
    crate::ops::ready(&state.env).await.map_err(|e| match e {
        crate::ops::OpError::Db(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            ApiError::Unavailable("The database does not answer.".to_owned())
        }
        other => ApiError::from(other),
    })?;
    Ok(web::Json(Health {
        status: "ready".to_owned(),
    }))
}

/// Prometheus metrics in the text exposition format. By default only
/// clients on the server's machine may read them; `--metrics-token` asks
/// for `Authorization: Bearer <token>` instead, `--metrics-public` opens
/// them (see docs/security.md).
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"),
        (status = 401, description = "A metrics token is configured and was not sent", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not from the server's machine, and no metrics token is configured", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[get("/metrics")]
pub async fn metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let bearer = crate::http::guard::bearer_token(&req).ok();
    match state
        .metrics_access
        .admit(req.peer_addr().map(|a| a.ip()), bearer.as_deref())
    {
        Ok(()) => Ok(HttpResponse::Ok()
            .content_type("text/plain; version=0.0.4; charset=utf-8")
            .body(state.metrics.render(&state.pool))),
        Err(MetricsRefusal::WrongToken) => Err(ApiError::Unauthenticated {
            code: "invalid_token",
            detail: "The metrics ask for the metrics token: send 'Authorization: Bearer <token>' \
                     with the token set in SHAREDOFFICE_METRICS_TOKEN."
                .to_owned(),
        }),
        Err(MetricsRefusal::NotLocal) => Err(ApiError::Forbidden(
            "The metrics are served only to clients on the server's machine. To read them from \
             elsewhere, start the server with SHAREDOFFICE_METRICS_TOKEN and send that token."
                .to_owned(),
        )),
    }
}
