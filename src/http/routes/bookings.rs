//! Trip requests: booking, the actions of their life cycle, availability.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::ParseError;
use crate::domain::access::{Filing, Principal};
use crate::domain::fleet::booking::{Booking, BookingStatus, Priority, parse_passengers};
use crate::domain::fleet::driver::Driver;
use crate::domain::fleet::trip::{Litres, TripCosts};
use crate::domain::fleet::vehicle::{Vehicle, VehicleCategory, parse_odometer};
use crate::domain::money::Money;
use crate::domain::page::PageLimit;
use crate::domain::text;
use crate::domain::time_range::{TimeRange, parse_instant};
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::extract::Json;
use crate::http::guard::{
    Approvers, Auth, Bookers, Cancellers, Dispatchers, Rejecters, RoleSet, Staff, TripCrew,
};
use crate::http::routes::drivers::DriverView;
use crate::http::routes::vehicles::VehicleView;
use crate::http::state::AppState;
use crate::ops::fleet::bookings::{self as ops, Completion, Listed, NewBooking, Search, Step};

#[derive(Debug, Serialize, ToSchema)]
pub struct VehicleBrief {
    pub id: Uuid,
    pub plate: String,
    pub model: String,
    pub seats: u8,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DriverBrief {
    pub id: Uuid,
    pub full_name: String,
    pub phone: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TripView {
    pub odometer_start: Option<i64>,
    pub odometer_end: Option<i64>,
    /// Kilometres driven.
    pub distance_km: Option<i64>,
    /// Litres, decimal string.
    pub fuel_litres: Option<String>,
    /// Litres the vehicle's norm allows for the distance.
    pub fuel_allowed_litres: Option<String>,
    /// Fuel above the norm by more than the tolerance.
    pub fuel_flagged: Option<bool>,
    #[schema(value_type = Option<String>)]
    pub tolls: Option<Money>,
    #[schema(value_type = Option<String>)]
    pub parking: Option<Money>,
    #[schema(value_type = Option<String>)]
    pub other_costs: Option<Money>,
    /// Tolls + parking + other costs, charged to the booking board (fuel is
    /// priced by the ledger's fuel norm).
    #[schema(value_type = Option<String>)]
    pub costs_total: Option<Money>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BookingView {
    pub id: Uuid,
    pub board_id: Uuid,
    pub requester_id: Uuid,
    pub purpose: String,
    pub destination: String,
    pub out_of_province: bool,
    pub passengers: u8,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub category: Option<String>,
    /// normal, high or urgent.
    pub priority: String,
    /// pending_approval, confirmed, in_progress, completed, waitlisted,
    /// unfulfilled, cancelled or rejected.
    pub status: String,
    /// Why it waits, needs approval, was rejected or cancelled, or why fuel
    /// was flagged.
    pub status_reason: Option<String>,
    pub vehicle: Option<VehicleBrief>,
    pub driver: Option<DriverBrief>,
    pub trip: Option<TripView>,
    pub created_at: DateTime<Utc>,
}

fn view(
    b: &Booking,
    fleet: &HashMap<Uuid, Vehicle>,
    crew: &HashMap<Uuid, Driver>,
    now: DateTime<Utc>,
) -> BookingView {
    BookingView {
        id: b.id,
        board_id: b.board_id,
        requester_id: b.requester_id,
        purpose: b.purpose.clone(),
        destination: b.destination.clone(),
        out_of_province: b.out_of_province,
        passengers: b.passengers,
        starts_at: b.range.start(),
        ends_at: b.range.end(),
        category: b.category_wish.map(|c| c.as_str().to_owned()),
        priority: match b.priority {
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
        .to_owned(),
        status: b.status_at(now).as_str().to_owned(),
        status_reason: b.status_reason.clone(),
        vehicle: b
            .vehicle_id
            .and_then(|v| fleet.get(&v))
            .map(|v| VehicleBrief {
                id: v.id,
                plate: v.plate.as_str().to_owned(),
                model: v.model.clone(),
                seats: v.seats.get(),
            }),
        driver: b.driver_id.and_then(|d| crew.get(&d)).map(|d| DriverBrief {
            id: d.id,
            full_name: d.full_name.as_str().to_owned(),
            phone: d.phone.as_ref().map(|p| p.as_str().to_owned()),
        }),
        trip: b.trip.as_ref().map(|t| TripView {
            odometer_start: t.odometer_start,
            odometer_end: t.odometer_end,
            distance_km: t.odometer_start.zip(t.odometer_end).map(|(s, e)| e - s),
            fuel_litres: t.fuel.map(String::from),
            fuel_allowed_litres: t.fuel_allowed.map(String::from),
            fuel_flagged: t.fuel_flagged,
            tolls: t.costs.map(|c| c.tolls),
            parking: t.costs.map(|c| c.parking),
            other_costs: t.costs.map(|c| c.other),
            costs_total: t.costs.and_then(|c| c.total()),
            started_at: t.started_at,
            completed_at: t.completed_at,
        }),
        created_at: b.created_at,
    }
}

/// Views of bookings read by an operation.
fn views(listed: &Listed) -> Vec<BookingView> {
    listed
        .bookings
        .iter()
        .map(|b| view(b, &listed.vehicles, &listed.drivers, listed.now))
        .collect()
}

/// The view of the one booking an operation returned.
fn one(listed: &Listed) -> BookingView {
    views(listed).remove(0)
}

#[derive(Serialize, ToSchema)]
pub struct BookingList {
    pub items: Vec<BookingView>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BookingQuery {
    pub status: Option<String>,
    pub board_id: Option<Uuid>,
    pub vehicle_id: Option<Uuid>,
    pub driver_id: Option<Uuid>,
    /// Trips starting at or after this instant (RFC 3339; encode `+` as `%2B`).
    pub from: Option<String>,
    /// Trips starting before this instant.
    pub to: Option<String>,
    /// Rows per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn parse_cursor(raw: &str) -> Result<(DateTime<Utc>, Uuid), ParseError> {
    let bad = || {
        ParseError::new(
            "invalid_cursor",
            "The cursor is not one this list gave out; start again without it.",
        )
    };
    let (t, id) = raw.split_once('_').ok_or_else(bad)?;
    let t = t
        .parse::<i64>()
        .ok()
        .and_then(DateTime::from_timestamp_micros)
        .filter(|t| (1..=9999).contains(&chrono::Datelike::year(t)))
        .ok_or_else(bad)?;
    Ok((t, Uuid::parse_str(id).map_err(|_| bad())?))
}

/// Trip requests in start order: a clerk sees their board's, a driver the
/// trips they drive, Office staff all.
#[utoipa::path(
    tag = "fleet",
    params(BookingQuery),
    responses(
        (status = 200, description = "Bookings", body = BookingList),
        (status = 422, description = "Filters refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/bookings")]
pub async fn list_bookings(
    auth: Auth,
    state: web::Data<AppState>,
    query: web::Query<BookingQuery>,
) -> Result<web::Json<BookingList>, ApiError> {
    let (search, limit) = query.into_inner().parse()?;
    let listed = ops::list(&state.env, &auth.acting(), search, limit).await?;
    let next = crate::http::routes::next_cursor(&listed.bookings, limit, |b| {
        format!("{}_{}", b.range.start().timestamp_micros(), b.id)
    });
    Ok(web::Json(BookingList {
        items: views(&listed),
        next_cursor: next,
    }))
}

impl BookingQuery {
    fn parse(self) -> Result<(Search, i64), ApiError> {
        let mut errors = FieldErrors::new();
        let limit = errors.check("limit", PageLimit::parse(self.limit));
        let status = errors.check_opt("status", self.status.as_deref().map(BookingStatus::parse));
        let from = errors.check_opt("from", self.from.as_deref().map(parse_instant));
        let to = errors.check_opt("to", self.to.as_deref().map(parse_instant));
        let after = errors.check_opt("cursor", self.cursor.as_deref().map(parse_cursor));
        let (Some(limit), Some(status), Some(from), Some(to), Some(after)) =
            (limit, status, from, to, after)
        else {
            return Err(errors.into());
        };
        let search = Search {
            status,
            board_id: self.board_id,
            vehicle_id: self.vehicle_id,
            driver_id: self.driver_id,
            from,
            to,
            after,
        };
        Ok((search, limit.get()))
    }
}

/// One trip request (404 when outside the caller's scope).
#[utoipa::path(
    tag = "fleet",
    params(("id" = Uuid, Path, description = "Booking id")),
    responses(
        (status = 200, description = "The booking", body = BookingView),
        (status = 404, description = "No such booking visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/bookings/{id}")]
pub async fn get_booking(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<BookingView>, ApiError> {
    let listed = ops::get(&state.env, &auth.acting(), id.into_inner()).await?;
    Ok(web::Json(one(&listed)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBooking {
    /// The board the trip is for. A clerk's own board is used (and any other
    /// value refused); the fleet desk must give it.
    pub board_id: Option<Uuid>,
    #[schema(example = "Kiểm tra công tác tổ chức tại huyện Quỳnh Nhai")]
    pub purpose: String,
    #[schema(example = "UBND huyện Quỳnh Nhai")]
    pub destination: String,
    /// The trip leaves the province (needs approval by default).
    #[serde(default)]
    pub out_of_province: bool,
    /// 1–59.
    #[schema(minimum = 1, maximum = 59)]
    pub passengers: i64,
    /// RFC 3339 with offset; in the future.
    #[schema(example = "2026-11-24T08:00:00+07:00")]
    pub starts_at: String,
    #[schema(example = "2026-11-24T12:00:00+07:00")]
    pub ends_at: String,
    /// Wished category: sedan, suv, van, minibus or pickup.
    pub category: Option<String>,
    /// normal (default), high or urgent.
    pub priority: Option<String>,
}

/// Request a car. Policy may send it to a manager (`pending_approval`);
/// otherwise the smallest fitting free vehicle and the least-loaded
/// licensed free driver are assigned at once (`confirmed`), or the request
/// waits (`waitlisted`, with the reason) and is served when capacity frees.
#[utoipa::path(
    tag = "fleet",
    request_body = CreateBooking,
    responses(
        (status = 201, description = "Filed: confirmed, waitlisted or pending approval", body = BookingView),
        (status = 403, description = "Role may not book", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/bookings")]
pub async fn create_booking(
    auth: Auth<Bookers>,
    state: web::Data<AppState>,
    body: Json<CreateBooking>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().parse(&auth.principal)?;
    let listed = ops::file(&state.env, &auth.acting(), new).await?;
    let v = one(&listed);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/bookings/{}", v.id)))
        .json(v))
}

impl CreateBooking {
    fn parse(self, principal: &Principal) -> Result<NewBooking, ApiError> {
        let b = self;
        let mut errors = FieldErrors::new();
        let purpose = errors.check("purpose", text::bounded("Purpose", &b.purpose, 1, 500));
        let destination = errors.check(
            "destination",
            text::bounded("Destination", &b.destination, 1, 200),
        );
        let passengers = errors.check("passengers", parse_passengers(b.passengers));
        let start = errors.check("starts_at", parse_instant(&b.starts_at));
        let end = errors.check("ends_at", parse_instant(&b.ends_at));
        let category = errors.check_opt(
            "category",
            b.category.as_deref().map(VehicleCategory::parse),
        );
        let priority = errors.check_opt("priority", b.priority.as_deref().map(Priority::parse));
        let board_id = errors.check(
            "board_id",
            principal.filing_board(b.board_id, Filing::Booking),
        );
        let range = match (start, end) {
            (Some(s), Some(e)) => errors.check("ends_at", TimeRange::new(s, e)),
            _ => None,
        };
        let (
            Some(purpose),
            Some(destination),
            Some(passengers),
            Some(range),
            Some(category),
            Some(priority),
            Some(board_id),
        ) = (
            purpose,
            destination,
            passengers,
            range,
            category,
            priority,
            board_id,
        )
        else {
            return Err(errors.into());
        };
        Ok(NewBooking {
            board_id,
            purpose,
            destination,
            out_of_province: b.out_of_province,
            passengers,
            range,
            category_wish: category,
            priority: priority.unwrap_or(Priority::Normal),
        })
    }
}

/// Takes a booking the caller may see one step on, and shows it.
async fn step(
    auth: &Auth<impl RoleSet>,
    state: &AppState,
    id: Uuid,
    step: Step,
) -> Result<web::Json<BookingView>, ApiError> {
    let listed = ops::step(&state.env, &auth.acting(), id, step).await?;
    Ok(web::Json(one(&listed)))
}

/// Approve a request that policy sent to approval (manager); it is then
/// assigned or waitlisted.
#[utoipa::path(
    tag = "fleet",
    params(("id" = Uuid, Path, description = "Booking id")),
    responses(
        (status = 200, description = "Approved: confirmed or waitlisted", body = BookingView),
        (status = 403, description = "Not a manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not pending approval (the current state is named)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/bookings/{id}/approve")]
pub async fn approve_booking(
    auth: Auth<Approvers>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<BookingView>, ApiError> {
    step(&auth, &state, id.into_inner(), Step::Approve).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    #[schema(example = "Chuyến công tác đã hoãn")]
    pub reason: Option<String>,
}

fn parse_reason(body: Option<Json<Reason>>, required: bool) -> Result<Option<String>, ApiError> {
    let raw = body.and_then(|b| b.into_inner().reason);
    match raw {
        Some(r) => Ok(Some(
            text::bounded("Reason", &r, 1, 500).map_err(|e| ApiError::validation("reason", e))?,
        )),
        None if required => Err(ApiError::validation(
            "reason",
            ParseError::new("required", "Say why, so the requesting board knows."),
        )),
        None => Ok(None),
    }
}

/// Reject a request (fleet desk or manager), with the reason. A vehicle it
/// held is offered to the waitlist.
#[utoipa::path(
    tag = "fleet",
    request_body = Reason,
    params(("id" = Uuid, Path, description = "Booking id")),
    responses(
        (status = 200, description = "Rejected", body = BookingView),
        (status = 403, description = "Role may not reject", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not in a state that can be rejected", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Reason missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/bookings/{id}/reject")]
pub async fn reject_booking(
    auth: Auth<Rejecters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<Reason>,
) -> Result<web::Json<BookingView>, ApiError> {
    let reason = parse_reason(Some(body), true)?.unwrap_or_default();
    step(&auth, &state, id.into_inner(), Step::Reject { reason }).await
}

/// Cancel a request (its board's clerk, the fleet desk, a manager). A vehicle
/// it held is offered to the waitlist.
#[utoipa::path(
    tag = "fleet",
    request_body(content = Reason, description = "Optional reason"),
    params(("id" = Uuid, Path, description = "Booking id")),
    responses(
        (status = 200, description = "Cancelled", body = BookingView),
        (status = 403, description = "Role may not cancel", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not in a state that can be cancelled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/bookings/{id}/cancel")]
pub async fn cancel_booking(
    auth: Auth<Cancellers>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Option<Json<Reason>>,
) -> Result<web::Json<BookingView>, ApiError> {
    let reason = parse_reason(body, false)?;
    step(&auth, &state, id.into_inner(), Step::Cancel { reason }).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assign {
    pub vehicle_id: Uuid,
    pub driver_id: Uuid,
}

/// Assign or reassign a vehicle and driver by hand (dispatcher), with the
/// same checks as automatic assignment except the category wish.
#[utoipa::path(
    tag = "fleet",
    request_body = Assign,
    params(("id" = Uuid, Path, description = "Booking id")),
    responses(
        (status = 200, description = "Confirmed", body = BookingView),
        (status = 403, description = "Not a dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Vehicle or driver busy (clashing bookings listed), or wrong state", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Vehicle too small, licence does not cover it or expires", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/bookings/{id}/assign")]
pub async fn assign_booking(
    auth: Auth<Dispatchers>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<Assign>,
) -> Result<web::Json<BookingView>, ApiError> {
    let Assign {
        vehicle_id,
        driver_id,
    } = body.into_inner();
    let assign = Step::Assign {
        vehicle_id,
        driver_id,
    };
    step(&auth, &state, id.into_inner(), assign).await
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Start {
    /// Odometer at departure, km; defaults to the vehicle's last reading and
    /// may not be below it.
    pub odometer_start: Option<i64>,
}

/// Start a confirmed trip (its driver, or the fleet desk).
#[utoipa::path(
    tag = "fleet",
    request_body(content = Start, description = "Optional odometer reading"),
    params(("id" = Uuid, Path, description = "Booking id")),
    responses(
        (status = 200, description = "Under way", body = BookingView),
        (status = 403, description = "Role may not start trips", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such trip of the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not confirmed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Odometer below the vehicle's reading", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/bookings/{id}/start")]
pub async fn start_booking(
    auth: Auth<TripCrew>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Option<Json<Start>>,
) -> Result<web::Json<BookingView>, ApiError> {
    let odometer = body.and_then(|b| b.into_inner().odometer_start);
    if let Some(o) = odometer {
        parse_odometer(o).map_err(|e| ApiError::validation("odometer_start", e))?;
    }
    step(&auth, &state, id.into_inner(), Step::Start { odometer }).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Complete {
    /// Odometer at return, km; not below the start reading.
    pub odometer_end: i64,
    /// Fuel used, litres, decimal string.
    #[schema(example = "23.5")]
    pub fuel_litres: String,
    /// Road tolls, đồng.
    #[schema(example = "35000")]
    pub tolls: Option<String>,
    /// Parking fees, đồng.
    pub parking: Option<String>,
    /// Other costs, đồng.
    pub other_costs: Option<String>,
}

/// Complete a trip under way (its driver, or the fleet desk): odometer,
/// fuel, costs. Fuel above the norm beyond the tolerance is flagged; the
/// vehicle's odometer advances; time freed early goes to the waitlist.
#[utoipa::path(
    tag = "fleet",
    request_body = Complete,
    params(("id" = Uuid, Path, description = "Booking id")),
    responses(
        (status = 200, description = "Completed", body = BookingView),
        (status = 403, description = "Role may not complete trips", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such trip of the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not under way", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused (e.g. odometer below the start)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/bookings/{id}/complete")]
pub async fn complete_booking(
    auth: Auth<TripCrew>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<Complete>,
) -> Result<web::Json<BookingView>, ApiError> {
    let b = body.into_inner();
    let mut errors = FieldErrors::new();
    let odometer = errors.check("odometer_end", parse_odometer(b.odometer_end));
    let fuel = errors.check("fuel_litres", Litres::parse(&b.fuel_litres));
    let money = |errors: &mut FieldErrors, field: &str, raw: &Option<String>| {
        errors
            .check_opt(field, raw.as_deref().map(Money::parse))
            .map(|m| m.unwrap_or(Money::ZERO))
    };
    let tolls = money(&mut errors, "tolls", &b.tolls);
    let parking = money(&mut errors, "parking", &b.parking);
    let other = money(&mut errors, "other_costs", &b.other_costs);
    let (Some(odometer_end), Some(fuel), Some(tolls), Some(parking), Some(other)) =
        (odometer, fuel, tolls, parking, other)
    else {
        return Err(errors.into());
    };
    let input = Completion {
        odometer_end,
        fuel,
        costs: TripCosts {
            tolls,
            parking,
            other,
        },
    };
    step(&auth, &state, id.into_inner(), Step::Complete(input)).await
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AvailabilityQuery {
    /// RFC 3339 with offset (encode `+` as `%2B`).
    pub starts_at: String,
    pub ends_at: String,
    /// Passengers besides the driver (default 1).
    #[param(minimum = 1, maximum = 59)]
    pub passengers: Option<i64>,
    /// Only this category.
    pub category: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Availability {
    /// Free active vehicles that carry the passengers, smallest first.
    pub vehicles: Vec<VehicleView>,
    /// Free active drivers whose licence is valid through the window.
    pub drivers: Vec<DriverView>,
}

/// Free vehicles (with enough seats) and drivers for a window, counting the
/// turnaround gap, maintenance and leave.
#[utoipa::path(
    tag = "fleet",
    params(AvailabilityQuery),
    responses(
        (status = 200, description = "What is free", body = Availability),
        (status = 403, description = "Drivers do not book", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Window or passengers refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/availability")]
pub async fn availability(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
    query: web::Query<AvailabilityQuery>,
) -> Result<web::Json<Availability>, ApiError> {
    let q = query.into_inner();
    let mut errors = FieldErrors::new();
    let start = errors.check("starts_at", parse_instant(&q.starts_at));
    let end = errors.check("ends_at", parse_instant(&q.ends_at));
    let passengers = errors.check("passengers", parse_passengers(q.passengers.unwrap_or(1)));
    let category = errors.check_opt(
        "category",
        q.category.as_deref().map(VehicleCategory::parse),
    );
    let range = match (start, end) {
        (Some(s), Some(e)) => errors.check("ends_at", TimeRange::new(s, e)),
        _ => None,
    };
    let (Some(range), Some(passengers), Some(category)) = (range, passengers, category) else {
        return Err(errors.into());
    };
    let (free_vehicles, free_drivers) =
        ops::availability(&state.env, range, passengers, category).await?;
    Ok(web::Json(Availability {
        vehicles: free_vehicles.iter().map(VehicleView::from).collect(),
        drivers: free_drivers
            .iter()
            .map(|d| DriverView::new(d, false))
            .collect(),
    }))
}
