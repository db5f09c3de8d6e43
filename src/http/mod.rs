//! The HTTP layer: actix handlers, extractors, problem+json errors.
//!
//! [`app`] builds the application used by `serve`, by the tests and (through
//! [`routes_config`]) by the OpenAPI generator, so all three see the same
//! routes.

pub mod boundary;
pub mod error;
pub mod extract;
pub mod guard;
pub mod ical;
pub mod metrics;
pub mod observe;
pub mod openapi;
pub mod routes;
pub mod state;
pub mod svg;
pub mod tabular;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, web};
use utoipa_actix_web::AppExt;
use utoipa_actix_web::service_config::ServiceConfig;

use self::routes::{
    accounts, allocations, asset_requests, assets, audit, auth, boards, bookings, docs, drivers,
    expenses, health, imports, journal, norms, reconciliations, reports, settings, stocktakes,
    users, vehicles, wear_runs,
};
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
                .service(audit::list_audit)
                .service(settings::get_fleet_settings)
                .service(settings::update_fleet_settings)
                .service(settings::get_calendar)
                .service(settings::put_calendar)
                .service(vehicles::list_vehicles)
                .service(vehicles::create_vehicle)
                .service(vehicles::get_vehicle)
                .service(vehicles::update_vehicle)
                .service(vehicles::list_vehicle_blocks)
                .service(vehicles::create_vehicle_block)
                .service(vehicles::delete_vehicle_block)
                .service(drivers::list_drivers)
                .service(drivers::create_driver)
                .service(drivers::get_driver)
                .service(drivers::update_driver)
                .service(drivers::list_driver_blocks)
                .service(drivers::create_driver_block)
                .service(drivers::delete_driver_block)
                .service(drivers::driver_calendar)
                .service(bookings::availability)
                .service(bookings::list_bookings)
                .service(bookings::create_booking)
                .service(bookings::get_booking)
                .service(bookings::approve_booking)
                .service(bookings::reject_booking)
                .service(bookings::assign_booking)
                .service(bookings::cancel_booking)
                .service(bookings::start_booking)
                .service(bookings::complete_booking)
                .service(accounts::list_accounts)
                .service(accounts::create_account)
                .service(accounts::list_budget_lines)
                .service(accounts::create_budget_line)
                .service(accounts::update_budget_line)
                .service(allocations::list_allocations)
                .service(allocations::create_allocation)
                .service(journal::list_journal)
                .service(journal::create_entry)
                .service(journal::get_entry)
                .service(journal::reverse_entry)
                .service(journal::list_periods)
                .service(journal::close_period)
                .service(reports::budget_execution::budget_execution)
                .service(reports::trial_balance::trial_balance)
                .service(reports::account_ledger::account_ledger)
                .service(reports::vehicle_utilisation::vehicle_utilisation)
                .service(reports::vehicle_utilisation::vehicle_utilisation_svg)
                .service(reports::driver_utilisation::driver_utilisation)
                .service(reports::pool_balance::pool_balance)
                .service(reports::pool_balance::pool_balance_svg)
                .service(reports::fleet_sizing::fleet_sizing)
                .service(reports::board_usage::board_usage)
                .service(reports::asset_utilisation::asset_utilisation)
                .service(norms::list_norms)
                .service(norms::create_norm)
                .service(expenses::list_expenses)
                .service(expenses::create_expense)
                .service(expenses::get_expense)
                .service(expenses::approve_expense)
                .service(expenses::reject_expense)
                .service(reconciliations::list_reconciliations)
                .service(reconciliations::create_reconciliation)
                .service(reconciliations::get_reconciliation)
                .service(reconciliations::create_match)
                .service(reconciliations::delete_match)
                .service(reconciliations::create_explanation)
                .service(reconciliations::reconcile)
                .service(reconciliations::reopen)
                .service(assets::list_categories)
                .service(assets::list_assets)
                .service(assets::create_asset)
                .service(assets::get_asset)
                .service(assets::update_asset)
                .service(assets::transfer_asset)
                .service(assets::asset_history)
                .service(asset_requests::list_requests)
                .service(asset_requests::create_request)
                .service(asset_requests::get_request)
                .service(asset_requests::approve_request)
                .service(asset_requests::reject_request)
                .service(asset_requests::fulfil_request)
                .service(wear_runs::create_wear_run)
                .service(wear_runs::list_wear_runs)
                .service(stocktakes::list_stocktakes)
                .service(stocktakes::create_stocktake)
                .service(stocktakes::get_stocktake)
                .service(stocktakes::create_count)
                .service(stocktakes::close_stocktake)
                .service(imports::import_register),
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
        .wrap(from_fn(boundary::boundary))
        .wrap(from_fn(observe::observe))
        .into_utoipa_app()
        .configure(routes_config)
        .default_service(web::to(extract::no_route))
        .into_app()
}
