//! The HTTP layer: actix handlers, extractors, problem+json errors.
//!
//! [`app`] builds the application used by `serve`, by the tests and (through
//! [`routes_config`]) by the OpenAPI generator, so all three see the same
//! routes.

pub mod error;
pub mod extract;
pub mod guard;
pub mod metrics;
pub mod observe;
pub mod openapi;
pub mod routes;
pub mod state;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, web};
use utoipa_actix_web::AppExt;
use utoipa_actix_web::service_config::ServiceConfig;

use self::routes::{audit, auth, boards, docs, health, users};
use self::state::AppState;

/// Every endpoint, registered through `service()` so each one reaches the
/// OpenAPI document.
pub fn routes_config(cfg: &mut ServiceConfig) {
    cfg.service(health::health)
        .service(health::ready)
        .service(health::metrics)
        .service(
            utoipa_actix_web::scope("/api/v1")
                .service(docs::openapi_yaml)
                .service(auth::login)
                .service(auth::me)
                .service(auth::change_password)
                .service(boards::list_boards)
                .service(boards::create_board)
                .service(boards::get_board)
                .service(boards::update_board)
                .service(users::list_users)
                .service(users::create_user)
                .service(users::get_user)
                .service(users::update_user)
                .service(audit::list_audit),
        );
}

/// The application with its state, extractor error handlers and the
/// observation middleware.
pub fn app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(state)
        .app_data(web::QueryConfig::default().error_handler(extract::query_error))
        .app_data(web::PathConfig::default().error_handler(extract::path_error))
        .wrap(from_fn(observe::observe))
        .into_utoipa_app()
        .configure(routes_config)
        .default_service(web::to(extract::no_route))
        .into_app()
}
