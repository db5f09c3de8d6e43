//! The OpenAPI document, generated from the same route registration the
//! server uses, so the contract cannot leave out an endpoint that exists.
//! `api.yaml` at the repository root is this document; a test fails when the
//! two differ (regenerate with `cargo run -- openapi > api.yaml`).

use std::sync::OnceLock;

use actix_web::App;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, OpenApi, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi as _};
use utoipa_actix_web::AppExt;

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "sharedoffice",
        description = "Shared back office of a Provincial Party Office (Văn phòng Tỉnh ủy): \
            one finance ledger, one asset register, one pool of vehicles and drivers for all \
            Party boards. Errors are RFC 9457 problem+json with a stable `code`. Times are \
            RFC 3339 with offset; money is a decimal string of đồng with at most two decimals.",
        license(name = "MIT OR Apache-2.0")
    ),
    tags(
        (name = "auth", description = "Signing in and the own account"),
        (name = "organisation", description = "Boards, users and the audit log"),
        (name = "fleet", description = "Vehicles, drivers, maintenance and leave, bookings, trips"),
        (name = "assets", description = "The asset register: assets, transfers, history, requests, wear runs, stocktakes"),
        (name = "imports", description = "The consolidation import of each board's legacy registers from CSV"),
        (name = "settings", description = "Office settings"),
        (name = "operations", description = "Health, readiness, metrics, this document"),
    ),
    components(schemas(crate::http::error::Problem, crate::http::error::FieldError)),
    modifiers(&Conventions)
)]
struct BaseDoc;

/// Adds what every operation shares: bearer security on `/api/v1` (except
/// sign-in and this document) with its 401, and the opaque 500.
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, doc: &mut OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("Token from POST /api/v1/auth/login"))
                    .build(),
            ),
        );
    }
}

fn problem_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                Content::new(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                    "Problem",
                )))),
            )
            .build(),
    )
}

/// Applies the shared conventions to every operation of the collected paths.
fn apply_conventions(doc: &mut OpenApi) {
    let public = ["/api/v1/auth/login", "/api/v1/openapi.yaml"];
    // The calendar feed also accepts its own key instead of a token.
    let key_or_token = ["/api/v1/drivers/{id}/calendar.ics"];
    for (path, item) in doc.paths.paths.iter_mut() {
        let secured = path.starts_with("/api/v1/") && !public.contains(&path.as_str());
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            if secured {
                let mut security = vec![SecurityRequirement::new("bearer", Vec::<String>::new())];
                if key_or_token.contains(&path.as_str()) {
                    security.push(SecurityRequirement::default());
                }
                op.security = Some(security);
                op.responses
                    .responses
                    .entry("401".to_owned())
                    .or_insert_with(|| {
                        problem_response("Not signed in, or the token expired or was revoked")
                    });
            } else {
                op.security = None;
            }
            op.responses
                .responses
                .entry("500".to_owned())
                .or_insert_with(|| problem_response("Unexpected fault; quote the request id"));
        }
    }
}

/// The document, built once.
pub fn document() -> &'static OpenApi {
    static DOC: OnceLock<OpenApi> = OnceLock::new();
    DOC.get_or_init(|| {
        let (_, mut doc) = App::new()
            .into_utoipa_app()
            .openapi(BaseDoc::openapi())
            .configure(crate::http::routes_config)
            .split_for_parts();
        apply_conventions(&mut doc);
        doc
    })
}

/// The document as YAML, as committed in `api.yaml`.
pub fn yaml() -> &'static str {
    static YAML: OnceLock<String> = OnceLock::new();
    YAML.get_or_init(|| {
        document()
            .to_yaml()
            .unwrap_or_else(|e| format!("# cannot render: {e}\n"))
    })
}
