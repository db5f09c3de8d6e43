//! Drivers of the pool, their leave, and their trip calendars.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::fleet::block::Resource;
use crate::domain::fleet::driver::{Driver, DriverStatus, LicenceClass, LicenceNumber, Phone};
use crate::domain::page::PageLimit;
use crate::domain::user::FullName;
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::extract::Json;
use crate::http::guard::{AnyRole, Auth, FleetDesk};
use crate::http::ical;
use crate::http::routes::next_cursor;
use crate::http::routes::vehicles::{
    BlockView, CreateBlock, CreatedBlock, create_block_for, delete_block_for, list_blocks_for,
};
use crate::http::state::AppState;
use crate::ops::fleet::resources::{self, DriverChange, FeedAccess};
use crate::storage::drivers;

#[derive(Debug, Serialize, ToSchema)]
pub struct DriverView {
    pub id: Uuid,
    #[schema(example = "Hoàng Văn Nam")]
    pub full_name: String,
    pub licence_number: String,
    /// B, B2, C1, C, CE, D1, D2, D or E.
    pub licence_class: String,
    pub licence_expires_on: NaiveDate,
    pub phone: Option<String>,
    /// active or inactive.
    pub status: String,
    /// The board that employed them before pooling.
    pub origin_board_id: Uuid,
    /// The driver's sign-in account, if any.
    pub user_id: Option<Uuid>,
    /// Calendar subscription address (shown to the driver and the fleet
    /// desk only): add it to a phone's calendar to see assigned trips.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar_url: Option<String>,
}

impl DriverView {
    pub(crate) fn new(d: &Driver, show_calendar: bool) -> Self {
        Self {
            id: d.id,
            full_name: d.full_name.as_str().to_owned(),
            licence_number: d.licence_number.as_str().to_owned(),
            licence_class: d.licence_class.as_str().to_owned(),
            licence_expires_on: d.licence_expires_on,
            phone: d.phone.as_ref().map(|p| p.as_str().to_owned()),
            status: d.status.as_str().to_owned(),
            origin_board_id: d.origin_board_id,
            user_id: d.user_id,
            calendar_url: show_calendar.then(|| {
                format!(
                    "/api/v1/drivers/{}/calendar.ics?key={}",
                    d.id, d.calendar_key
                )
            }),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DriverList {
    pub items: Vec<DriverView>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DriverQuery {
    /// active or inactive.
    pub status: Option<String>,
    pub origin_board_id: Option<Uuid>,
    /// Rows per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Uuid>,
}

/// List the pool's drivers.
#[utoipa::path(tag = "fleet", params(DriverQuery), responses((status = 200, description = "Drivers", body = DriverList)))]
#[get("/drivers")]
pub async fn list_drivers(
    auth: Auth<AnyRole>,
    state: web::Data<AppState>,
    query: web::Query<DriverQuery>,
) -> Result<web::Json<DriverList>, ApiError> {
    let query = query.into_inner();
    let mut errors = FieldErrors::new();
    let limit = errors.check("limit", PageLimit::parse(query.limit));
    let status = errors.check_opt("status", query.status.as_deref().map(DriverStatus::parse));
    let (Some(limit), Some(status)) = (limit, status) else {
        return Err(errors.into());
    };
    let limit = limit.get();
    let filter = drivers::DriverFilter {
        status,
        origin_board_id: query.origin_board_id,
        after_id: query.cursor,
    };
    let items = resources::driver_list(&state.env, filter, limit).await?;
    Ok(web::Json(DriverList {
        next_cursor: next_cursor(&items, limit, |d| d.id.to_string()),
        items: items
            .iter()
            .map(|d| DriverView::new(d, resources::may_see_calendar(&auth.principal, d)))
            .collect(),
    }))
}

/// One driver.
#[utoipa::path(
    tag = "fleet",
    params(("id" = Uuid, Path, description = "Driver id")),
    responses(
        (status = 200, description = "The driver", body = DriverView),
        (status = 404, description = "No such driver", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/drivers/{id}")]
pub async fn get_driver(
    auth: Auth<AnyRole>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<DriverView>, ApiError> {
    let d = resources::driver(&state.env, id.into_inner()).await?;
    Ok(web::Json(DriverView::new(
        &d,
        resources::may_see_calendar(&auth.principal, &d),
    )))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDriver {
    #[schema(example = "Hoàng Văn Nam")]
    pub full_name: String,
    /// As printed on the card; unique.
    #[schema(example = "012345678901")]
    pub licence_number: String,
    #[schema(example = "D2")]
    pub licence_class: String,
    /// YYYY-MM-DD.
    pub licence_expires_on: NaiveDate,
    #[schema(example = "0912 345 678")]
    pub phone: Option<String>,
    pub origin_board_id: Uuid,
    /// A sign-in account with the driver role, so the driver sees their trips.
    pub user_id: Option<Uuid>,
}

fn new_calendar_key() -> Result<String, ApiError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Register a driver in the pool (fleet desk).
#[utoipa::path(
    tag = "fleet",
    request_body = CreateDriver,
    responses(
        (status = 201, description = "Registered", body = DriverView),
        (status = 403, description = "Not the fleet desk", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Licence number already registered", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/drivers")]
pub async fn create_driver(
    auth: Auth<FleetDesk>,
    state: web::Data<AppState>,
    body: Json<CreateDriver>,
) -> Result<HttpResponse, ApiError> {
    let driver = body.into_inner().parse()?;
    let driver = resources::add_driver(&state.env, &auth.acting(), driver).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/drivers/{}", driver.id)))
        .json(DriverView::new(&driver, true)))
}

impl CreateDriver {
    fn parse(self) -> Result<Driver, ApiError> {
        let b = self;
        let mut errors = FieldErrors::new();
        let full_name = errors.check("full_name", FullName::parse(&b.full_name));
        let number = errors.check("licence_number", LicenceNumber::parse(&b.licence_number));
        let class = errors.check("licence_class", LicenceClass::parse(&b.licence_class));
        let phone = errors.check_opt("phone", b.phone.as_deref().map(Phone::parse));
        let (Some(full_name), Some(licence_number), Some(licence_class), Some(phone)) =
            (full_name, number, class, phone)
        else {
            return Err(errors.into());
        };
        Ok(Driver {
            id: Uuid::now_v7(),
            full_name,
            licence_number,
            licence_class,
            licence_expires_on: b.licence_expires_on,
            phone,
            status: DriverStatus::Active,
            origin_board_id: b.origin_board_id,
            user_id: b.user_id,
            calendar_key: new_calendar_key()?,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDriver {
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub full_name: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub licence_number: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub licence_class: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub licence_expires_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub phone: Option<String>,
    /// active or inactive; deactivating is refused while confirmed trips need the driver.
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub origin_board_id: Option<Uuid>,
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub user_id: Option<Uuid>,
    /// Issue a new calendar address (the old one stops working).
    #[serde(default)]
    pub new_calendar_key: bool,
}

/// Change a driver (fleet desk). Changes that would break confirmed trips
/// are refused with the trips listed in `clashing_bookings`.
#[utoipa::path(
    tag = "fleet",
    request_body = UpdateDriver,
    params(("id" = Uuid, Path, description = "Driver id")),
    responses(
        (status = 200, description = "Updated", body = DriverView),
        (status = 403, description = "Not the fleet desk", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such driver", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Licence taken, or confirmed trips would break", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/drivers/{id}")]
pub async fn update_driver(
    auth: Auth<FleetDesk>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<UpdateDriver>,
) -> Result<web::Json<DriverView>, ApiError> {
    let change = body.into_inner().parse()?;
    let driver =
        resources::change_driver(&state.env, &auth.acting(), id.into_inner(), change).await?;
    Ok(web::Json(DriverView::new(&driver, true)))
}

impl UpdateDriver {
    fn parse(self) -> Result<DriverChange, ApiError> {
        let b = self;
        let mut errors = FieldErrors::new();
        let full_name = errors.check_opt("full_name", b.full_name.as_deref().map(FullName::parse));
        let number = errors.check_opt(
            "licence_number",
            b.licence_number.as_deref().map(LicenceNumber::parse),
        );
        let class = errors.check_opt(
            "licence_class",
            b.licence_class.as_deref().map(LicenceClass::parse),
        );
        let phone = errors.check_opt("phone", b.phone.as_deref().map(Phone::parse));
        let status = errors.check_opt("status", b.status.as_deref().map(DriverStatus::parse));
        let (Some(full_name), Some(number), Some(class), Some(phone), Some(status)) =
            (full_name, number, class, phone, status)
        else {
            return Err(errors.into());
        };
        let new_key = if b.new_calendar_key {
            Some(new_calendar_key()?)
        } else {
            None
        };
        Ok(DriverChange {
            full_name,
            licence_number: number,
            licence_class: class,
            licence_expires_on: b.licence_expires_on,
            phone,
            status,
            origin_board_id: b.origin_board_id,
            user_id: b.user_id,
            calendar_key: new_key,
        })
    }
}

/// Put a driver on leave for a window (fleet desk). Refused with the
/// clashing trips listed unless `move_trips` is set.
#[utoipa::path(
    tag = "fleet",
    request_body = CreateBlock,
    params(("id" = Uuid, Path, description = "Driver id")),
    responses(
        (status = 201, description = "Blocked", body = CreatedBlock),
        (status = 403, description = "Not the fleet desk", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such driver", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Confirmed trips in the window (listed), a trip under way, or overlapping leave", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/drivers/{id}/blocks")]
pub async fn create_driver_block(
    auth: Auth<FleetDesk>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<CreateBlock>,
) -> Result<HttpResponse, ApiError> {
    create_block_for(
        state,
        &auth.acting(),
        Resource::Driver(id.into_inner()),
        body.into_inner(),
    )
    .await
}

/// A driver's leave from 30 days ago on.
#[utoipa::path(
    tag = "fleet",
    params(("id" = Uuid, Path, description = "Driver id")),
    responses(
        (status = 200, description = "Blocks", body = Vec<BlockView>),
        (status = 404, description = "No such driver", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/drivers/{id}/blocks")]
pub async fn list_driver_blocks(
    _auth: Auth<AnyRole>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<BlockView>>, ApiError> {
    Ok(web::Json(
        list_blocks_for(state, Resource::Driver(id.into_inner())).await?,
    ))
}

/// End or cancel a driver's leave (fleet desk).
#[utoipa::path(
    tag = "fleet",
    params(("id" = Uuid, Path, description = "Driver id"), ("block_id" = Uuid, Path, description = "Block id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not the fleet desk", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such block", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/drivers/{id}/blocks/{block_id}")]
pub async fn delete_driver_block(
    auth: Auth<FleetDesk>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, block_id) = path.into_inner();
    delete_block_for(state, &auth.acting(), Resource::Driver(id), block_id).await
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    /// The key from the driver's `calendar_url`; lets a phone subscribe
    /// without signing in. Without it, a bearer token of the driver or the
    /// fleet desk is needed.
    pub key: Option<String>,
}

/// A driver's trips as an iCalendar feed (from 30 days ago), for a phone's
/// calendar app. The address with its key is a capability: a key that does
/// not belong to the driver in the address answers 404 whether the driver
/// exists or not, as a replaced address no longer exists.
#[utoipa::path(
    tag = "fleet",
    params(("id" = Uuid, Path, description = "Driver id"), CalendarQuery),
    responses(
        (status = 200, description = "iCalendar (RFC 5545)", body = String, content_type = "text/calendar"),
        (status = 401, description = "No key, and no valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "A key that is not this driver's (a replaced key's address is gone), or no such driver visible to the caller: a wrong key never tells whether the driver exists", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/drivers/{id}/calendar.ics")]
pub async fn driver_calendar(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<CalendarQuery>,
) -> Result<HttpResponse, ApiError> {
    use actix_web::FromRequest;
    let access = match &query.key {
        Some(key) => FeedAccess::Key(key.clone()),
        None => FeedAccess::SignedIn(Auth::<AnyRole>::extract(&req).await?.principal),
    };
    let (driver, trips, fleet, now) =
        resources::calendar_feed(&state.env, id.into_inner(), access).await?;
    let body = ical::driver_calendar(&driver, &trips, &fleet, now);
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
        .body(body))
}
