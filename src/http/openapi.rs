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

fn problem_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            Content::new(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                "Problem",
            )))),
        )
        .build()
}

/// The answers many operations share, kept once under
/// `components/responses` and referred to by name.
const SHARED_RESPONSES: &[(&str, &str)] = &[
    (
        "BodyUnreadable",
        "The body could not be read: not JSON in UTF-8 (`malformed_json`), empty \
         (`body_missing`) or cut off (`body_unreadable`); or the address holds a NUL \
         character (`nul_character`)",
    ),
    (
        "QueryUnreadable",
        "A query parameter is unknown or of the wrong type (`invalid_query`), or the address \
         or the query holds a NUL character (`nul_character`)",
    ),
    (
        "RequestUnreadable",
        "The body could not be read (`malformed_json`, `body_missing`, `body_unreadable`), \
         a query parameter is unknown or of the wrong type (`invalid_query`), or the address \
         or the query holds a NUL character (`nul_character`)",
    ),
    (
        "AddressUnreadable",
        "The address holds a NUL character (`nul_character`)",
    ),
    (
        "Unauthenticated",
        "Not signed in, or the token expired or was revoked",
    ),
    (
        "NotFound",
        "Nothing at that address: no such record, not visible to you, or an id that is not \
         an id",
    ),
    (
        "PayloadTooLarge",
        "The body is too large (`payload_too_large`)",
    ),
    (
        "UnsupportedMediaType",
        "The body is not sent with a media type the operation accepts \
         (`unsupported_media_type`)",
    ),
    (
        "ValidationFailed",
        "Fields missing, unknown, of the wrong type or refused (`validation_failed`); each in \
         `errors`",
    ),
    (
        "QueryRefused",
        "A query value is well formed but refused: an unknown status or category, a limit \
         outside 1–500, a date that is not a date, an end before its start \
         (`validation_failed`); each in `errors`",
    ),
    ("InternalError", "Unexpected fault; quote the request id"),
    (
        "Unavailable",
        "The service cannot answer now: the database is unreachable, or the service is \
         saturated (`unavailable`); try again, after `Retry-After` seconds when given",
    ),
];

/// Adds the shared response `name` under `status` unless the operation
/// describes that status itself.
fn add_shared(op: &mut utoipa::openapi::path::Operation, status: &str, name: &str) {
    op.responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| {
            RefOr::Ref(utoipa::openapi::Ref::new(format!(
                "#/components/responses/{name}"
            )))
        });
}

/// Applies the shared conventions to every operation of the collected paths.
fn apply_conventions(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, description) in SHARED_RESPONSES {
        components
            .responses
            .insert((*name).to_owned(), RefOr::T(problem_response(description)));
    }
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
                add_shared(op, "401", "Unauthenticated");
            } else {
                op.security = None;
            }
            add_extractor_responses(op);
            add_shared(op, "500", "InternalError");
            if path.starts_with("/api/v1/") && path != "/api/v1/openapi.yaml" {
                add_shared(op, "503", "Unavailable");
            }
        }
    }
}

/// The answers the request extractors give before a handler runs
/// (`http::extract`): a body that cannot be read, a query string that does
/// not fit, a path id that is not an id.
fn add_extractor_responses(op: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::path::ParameterIn;
    let params_in = |place: ParameterIn| {
        op.parameters.iter().flatten().any(|p| match p {
            RefOr::T(p) => p.parameter_in == place,
            RefOr::Ref(_) => false,
        })
    };
    let has_query = params_in(ParameterIn::Query);
    let has_path = params_in(ParameterIn::Path);
    let (has_body, json_body) = match &op.request_body {
        Some(RefOr::T(body)) => (
            !body.content.is_empty(),
            body.content.keys().any(|t| t.ends_with("json")),
        ),
        _ => (false, false),
    };
    match (has_body, has_query) {
        (true, true) => add_shared(op, "400", "RequestUnreadable"),
        (true, false) => add_shared(op, "400", "BodyUnreadable"),
        (false, true) => add_shared(op, "400", "QueryUnreadable"),
        (false, false) if has_path => add_shared(op, "400", "AddressUnreadable"),
        (false, false) => {}
    }
    if let Some(RefOr::T(body)) = &mut op.request_body {
        // A file upload is never empty: an empty body is `body_missing`.
        if let Some(RefOr::T(csv)) = body.content.get_mut("text/csv") {
            csv.schema = Some(RefOr::T(utoipa::openapi::Schema::Object(
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .min_length(Some(1))
                    .build(),
            )));
        }
    }
    if has_body {
        add_shared(op, "413", "PayloadTooLarge");
        add_shared(op, "415", "UnsupportedMediaType");
    }
    if json_body {
        add_shared(op, "422", "ValidationFailed");
    } else if has_query {
        add_shared(op, "422", "QueryRefused");
    }
    if has_path {
        add_shared(op, "404", "NotFound");
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

/// The methods the document lists for the address `path` (templates match
/// any segment where they have a `{parameter}`), in a fixed order; empty
/// when no endpoint has that address.
pub fn methods_of(path: &str) -> Vec<&'static str> {
    type Route = (Vec<Option<String>>, Vec<&'static str>);
    static ROUTES: OnceLock<Vec<Route>> = OnceLock::new();
    let routes = ROUTES.get_or_init(|| {
        document()
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let segments = template
                    .split('/')
                    .map(|s| (!s.starts_with('{')).then(|| s.to_owned()))
                    .collect();
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, has)| has.then_some(m))
                .collect();
                (segments, methods)
            })
            .collect()
    });
    let segments: Vec<&str> = path.split('/').collect();
    let mut methods: Vec<&'static str> = Vec::new();
    for (template, item_methods) in routes {
        let fits = template.len() == segments.len()
            && template.iter().zip(&segments).all(|(t, s)| match t {
                Some(literal) => literal == s,
                None => !s.is_empty(),
            });
        if fits {
            methods.extend(item_methods);
        }
    }
    let order = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    methods.sort_by_key(|m| order.iter().position(|o| o == m));
    methods.dedup();
    methods
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
