//! Vehicles of the pool, and their maintenance windows.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::fleet::block::{Block, Resource};
use crate::domain::fleet::vehicle::{
    FuelNorm, Plate, Seats, Vehicle, VehicleCategory, VehicleStatus, parse_odometer,
};
use crate::domain::page::PageLimit;
use crate::domain::text;
use crate::domain::time_range::{TimeRange, parse_instant};
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::extract::Json;
use crate::http::guard::{AnyRole, Auth, FleetDesk};
use crate::http::routes::next_cursor;
use crate::http::state::AppState;
use crate::ops::Acting;
use crate::ops::fleet::resources;
use crate::ops::fleet::resources::VehicleChange;
use crate::storage::vehicles;

#[derive(Debug, Serialize, ToSchema)]
pub struct VehicleView {
    pub id: Uuid,
    #[schema(example = "14A-123.45")]
    pub plate: String,
    #[schema(example = "Toyota Innova")]
    pub model: String,
    /// Seats including the driver's.
    pub seats: u8,
    /// Passengers it carries besides the driver (`seats − 1`).
    pub passenger_capacity: u8,
    /// sedan, suv, van, minibus or pickup.
    pub category: String,
    /// Litres per 100 km, as a decimal string.
    #[schema(example = "9.5")]
    pub fuel_norm: String,
    pub odometer_km: i64,
    /// active or retired.
    pub status: String,
    /// The board that owned it before pooling.
    pub origin_board_id: Uuid,
}

impl From<&Vehicle> for VehicleView {
    fn from(v: &Vehicle) -> Self {
        Self {
            id: v.id,
            plate: v.plate.as_str().to_owned(),
            model: v.model.clone(),
            seats: v.seats.get(),
            passenger_capacity: v.seats.passengers(),
            category: v.category.as_str().to_owned(),
            fuel_norm: String::from(v.fuel_norm),
            odometer_km: v.odometer_km,
            status: v.status.as_str().to_owned(),
            origin_board_id: v.origin_board_id,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct VehicleList {
    pub items: Vec<VehicleView>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VehicleQuery {
    /// active or retired.
    pub status: Option<String>,
    pub category: Option<String>,
    pub origin_board_id: Option<Uuid>,
    /// Rows per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// List the pool's vehicles in plate order.
#[utoipa::path(tag = "fleet", params(VehicleQuery), responses((status = 200, description = "Vehicles", body = VehicleList)))]
#[get("/vehicles")]
pub async fn list_vehicles(
    _auth: Auth<AnyRole>,
    state: web::Data<AppState>,
    query: web::Query<VehicleQuery>,
) -> Result<web::Json<VehicleList>, ApiError> {
    let query = query.into_inner();
    let mut errors = FieldErrors::new();
    let limit = errors.check("limit", PageLimit::parse(query.limit));
    let status = errors.check_opt("status", query.status.as_deref().map(VehicleStatus::parse));
    let category = errors.check_opt(
        "category",
        query.category.as_deref().map(VehicleCategory::parse),
    );
    let (Some(limit), Some(status), Some(category)) = (limit, status, category) else {
        return Err(errors.into());
    };
    let limit = limit.get();
    let filter = vehicles::VehicleFilter {
        status,
        category,
        origin_board_id: query.origin_board_id,
        after_plate: query.cursor,
    };
    let items = resources::vehicle_list(&state.env, filter, limit).await?;
    Ok(web::Json(VehicleList {
        next_cursor: next_cursor(&items, limit, |v| v.plate.as_str().to_owned()),
        items: items.iter().map(VehicleView::from).collect(),
    }))
}

/// One vehicle.
#[utoipa::path(
    tag = "fleet",
    params(("id" = Uuid, Path, description = "Vehicle id")),
    responses(
        (status = 200, description = "The vehicle", body = VehicleView),
        (status = 404, description = "No such vehicle", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/vehicles/{id}")]
pub async fn get_vehicle(
    _auth: Auth<AnyRole>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<VehicleView>, ApiError> {
    let v = resources::vehicle(&state.env, id.into_inner()).await?;
    Ok(web::Json(VehicleView::from(&v)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVehicle {
    /// Vietnamese plate; normalised to `14A-123.45`.
    #[schema(example = "14A-123.45")]
    pub plate: String,
    #[schema(example = "Toyota Innova")]
    pub model: String,
    /// Seats including the driver's, 1–60.
    pub seats: i64,
    /// sedan, suv, van, minibus or pickup.
    pub category: String,
    /// Litres per 100 km, more than 0, at most two decimals.
    #[schema(example = "9.5")]
    pub fuel_norm: String,
    /// Current odometer reading in km (default 0).
    pub odometer_km: Option<i64>,
    /// The board that owned it before pooling.
    pub origin_board_id: Uuid,
}

/// Register a vehicle in the pool (fleet desk). Waiting requests it can
/// serve are assigned at once.
#[utoipa::path(
    tag = "fleet",
    request_body = CreateVehicle,
    responses(
        (status = 201, description = "Registered", body = VehicleView),
        (status = 403, description = "Not the fleet desk", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Plate already registered", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/vehicles")]
pub async fn create_vehicle(
    auth: Auth<FleetDesk>,
    state: web::Data<AppState>,
    body: Json<CreateVehicle>,
) -> Result<HttpResponse, ApiError> {
    let vehicle = body.into_inner().parse()?;
    let vehicle = resources::add_vehicle(&state.env, &auth.acting(), vehicle).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/vehicles/{}", vehicle.id)))
        .json(VehicleView::from(&vehicle)))
}

impl CreateVehicle {
    fn parse(self) -> Result<Vehicle, ApiError> {
        let b = self;
        let mut errors = FieldErrors::new();
        let plate = errors.check("plate", Plate::parse(&b.plate));
        let model = errors.check("model", text::bounded("Model", &b.model, 1, 100));
        let seats = errors.check("seats", Seats::parse(b.seats));
        let category = errors.check("category", VehicleCategory::parse(&b.category));
        let fuel_norm = errors.check("fuel_norm", FuelNorm::parse(&b.fuel_norm));
        let odometer = errors.check("odometer_km", parse_odometer(b.odometer_km.unwrap_or(0)));
        let (
            Some(plate),
            Some(model),
            Some(seats),
            Some(category),
            Some(fuel_norm),
            Some(odometer_km),
        ) = (plate, model, seats, category, fuel_norm, odometer)
        else {
            return Err(errors.into());
        };
        Ok(Vehicle {
            id: Uuid::now_v7(),
            plate,
            model,
            seats,
            category,
            fuel_norm,
            odometer_km,
            status: VehicleStatus::Active,
            origin_board_id: b.origin_board_id,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVehicle {
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub plate: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub model: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub seats: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub category: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub fuel_norm: Option<String>,
    /// May only go up.
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub odometer_km: Option<i64>,
    /// active or retired. Retiring is refused while confirmed trips use it.
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub origin_board_id: Option<Uuid>,
}

/// Change a vehicle (fleet desk). Changes that would break confirmed trips
/// are refused with the trips listed in `clashing_bookings`.
#[utoipa::path(
    tag = "fleet",
    request_body = UpdateVehicle,
    params(("id" = Uuid, Path, description = "Vehicle id")),
    responses(
        (status = 200, description = "Updated", body = VehicleView),
        (status = 403, description = "Not the fleet desk", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vehicle", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Plate taken, or confirmed trips would break", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/vehicles/{id}")]
pub async fn update_vehicle(
    auth: Auth<FleetDesk>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<UpdateVehicle>,
) -> Result<web::Json<VehicleView>, ApiError> {
    let change = body.into_inner().parse()?;
    let vehicle =
        resources::change_vehicle(&state.env, &auth.acting(), id.into_inner(), change).await?;
    Ok(web::Json(VehicleView::from(&vehicle)))
}

impl UpdateVehicle {
    fn parse(self) -> Result<VehicleChange, ApiError> {
        let b = self;
        let mut errors = FieldErrors::new();
        let plate = errors.check_opt("plate", b.plate.as_deref().map(Plate::parse));
        let model = errors.check_opt(
            "model",
            b.model
                .as_deref()
                .map(|m| text::bounded("Model", m, 1, 100)),
        );
        let seats = errors.check_opt("seats", b.seats.map(Seats::parse));
        let category = errors.check_opt(
            "category",
            b.category.as_deref().map(VehicleCategory::parse),
        );
        let fuel_norm = errors.check_opt("fuel_norm", b.fuel_norm.as_deref().map(FuelNorm::parse));
        let odometer = errors.check_opt("odometer_km", b.odometer_km.map(parse_odometer));
        let status = errors.check_opt("status", b.status.as_deref().map(VehicleStatus::parse));
        let (
            Some(plate),
            Some(model),
            Some(seats),
            Some(category),
            Some(fuel_norm),
            Some(odometer),
            Some(status),
        ) = (plate, model, seats, category, fuel_norm, odometer, status)
        else {
            return Err(errors.into());
        };
        Ok(VehicleChange {
            plate,
            model,
            seats,
            category,
            fuel_norm,
            odometer_km: odometer,
            status,
            origin_board_id: b.origin_board_id,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BlockView {
    pub id: Uuid,
    /// vehicle or driver.
    pub resource: String,
    pub resource_id: Uuid,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
    pub reason: String,
    pub created_by: String,
}

impl From<&Block> for BlockView {
    fn from(b: &Block) -> Self {
        Self {
            id: b.id,
            resource: b.resource.kind().to_owned(),
            resource_id: b.resource.id(),
            starts_at: b.range.start(),
            ends_at: b.range.end(),
            reason: b.reason.clone(),
            created_by: b.created_by.clone(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBlock {
    /// RFC 3339 with offset.
    #[schema(example = "2026-11-24T07:00:00+07:00")]
    pub starts_at: String,
    #[schema(example = "2026-11-24T17:00:00+07:00")]
    pub ends_at: String,
    #[schema(example = "Bảo dưỡng định kỳ 20.000 km")]
    pub reason: String,
    /// Put confirmed trips in the window back on the waitlist (they are
    /// offered another vehicle or driver at once) instead of refusing.
    #[serde(default)]
    pub move_trips: bool,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedBlock {
    #[serde(flatten)]
    pub block: BlockView,
    /// Bookings that lost their assignment and went back to the waitlist.
    pub moved_bookings: Vec<Uuid>,
}

/// The block's request parsed, or the field errors.
pub(crate) fn parse_block(b: &CreateBlock) -> Result<(TimeRange, String), ApiError> {
    let mut errors = FieldErrors::new();
    let start = errors.check("starts_at", parse_instant(&b.starts_at));
    let end = errors.check("ends_at", parse_instant(&b.ends_at));
    let reason = errors.check("reason", text::bounded("Reason", &b.reason, 1, 500));
    let (Some(start), Some(end), Some(reason)) = (start, end, reason) else {
        return Err(errors.into());
    };
    let range = TimeRange::new(start, end).map_err(|e| ApiError::validation("ends_at", e))?;
    Ok((range, reason))
}

pub(crate) async fn create_block_for(
    state: web::Data<AppState>,
    who: &Acting,
    resource: Resource,
    body: CreateBlock,
) -> Result<HttpResponse, ApiError> {
    let (range, reason) = parse_block(&body)?;
    let (block, moved) =
        resources::block_out(&state.env, who, resource, range, reason, body.move_trips).await?;
    Ok(HttpResponse::Created().json(CreatedBlock {
        block: BlockView::from(&block),
        moved_bookings: moved,
    }))
}

pub(crate) async fn list_blocks_for(
    state: web::Data<AppState>,
    resource: Resource,
) -> Result<Vec<BlockView>, ApiError> {
    let list = resources::blocks_of(&state.env, resource).await?;
    Ok(list.iter().map(BlockView::from).collect())
}

pub(crate) async fn delete_block_for(
    state: web::Data<AppState>,
    who: &Acting,
    resource: Resource,
    block_id: Uuid,
) -> Result<HttpResponse, ApiError> {
    resources::lift_block(&state.env, who, resource, block_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Put a vehicle in maintenance for a window (fleet desk). Refused with the
/// clashing trips listed unless `move_trips` is set.
#[utoipa::path(
    tag = "fleet",
    request_body = CreateBlock,
    params(("id" = Uuid, Path, description = "Vehicle id")),
    responses(
        (status = 201, description = "Blocked", body = CreatedBlock),
        (status = 403, description = "Not the fleet desk", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vehicle", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Confirmed trips in the window (listed), a trip under way, or an overlapping block", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/vehicles/{id}/blocks")]
pub async fn create_vehicle_block(
    auth: Auth<FleetDesk>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<CreateBlock>,
) -> Result<HttpResponse, ApiError> {
    create_block_for(
        state,
        &auth.acting(),
        Resource::Vehicle(id.into_inner()),
        body.into_inner(),
    )
    .await
}

/// A vehicle's maintenance windows from 30 days ago on.
#[utoipa::path(
    tag = "fleet",
    params(("id" = Uuid, Path, description = "Vehicle id")),
    responses(
        (status = 200, description = "Blocks", body = Vec<BlockView>),
        (status = 404, description = "No such vehicle", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/vehicles/{id}/blocks")]
pub async fn list_vehicle_blocks(
    _auth: Auth<AnyRole>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<BlockView>>, ApiError> {
    Ok(web::Json(
        list_blocks_for(state, Resource::Vehicle(id.into_inner())).await?,
    ))
}

/// End or cancel a maintenance window (fleet desk); waiting requests are
/// offered the freed time.
#[utoipa::path(
    tag = "fleet",
    params(("id" = Uuid, Path, description = "Vehicle id"), ("block_id" = Uuid, Path, description = "Block id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not the fleet desk", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such block", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/vehicles/{id}/blocks/{block_id}")]
pub async fn delete_vehicle_block(
    auth: Auth<FleetDesk>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, block_id) = path.into_inner();
    delete_block_for(state, &auth.acting(), Resource::Vehicle(id), block_id).await
}
