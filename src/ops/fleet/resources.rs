//! Vehicles, drivers, and their maintenance windows and leave.

use serde_json::json;
use uuid::Uuid;

use super::FleetContext;
use super::bookings::{move_to_waitlist, retry_waitlist};
use crate::domain::ParseError;
use crate::domain::audit::Actor;
use crate::domain::fleet::block::{Block, Resource};
use crate::domain::fleet::booking::BookingStatus;
use crate::domain::fleet::driver::{Driver, DriverStatus, LicenceClass, LicenceNumber, Phone};
use crate::domain::fleet::vehicle::{
    FuelNorm, Plate, Seats, Vehicle, VehicleCategory, VehicleStatus,
};
use crate::domain::fleet::waitlist::Reach;
use crate::domain::time_range::TimeRange;
use crate::domain::user::FullName;
use crate::domain::user::Role;
use crate::ops::{Acting, Env, OpError};
use crate::storage::audit::{self, Change, snapshot};
use crate::storage::{DbConn, blocks, boards, bookings, drivers, occupancy, users, vehicles};
use chrono::NaiveDate;

/// From now far enough ahead to cover every booking that can exist.
fn from_now(ctx: &FleetContext) -> TimeRange {
    TimeRange::spanning(ctx.now, ctx.now + chrono::Duration::days(36_500))
        .expect("a century is a valid span")
}

fn check_origin_board(conn: &mut DbConn, board_id: Uuid) -> Result<(), OpError> {
    if boards::find(conn, board_id)?.is_none() {
        return Err(OpError::invalid(
            "origin_board_id",
            ParseError::new(
                "board_unknown",
                "No board has this id; choose the board that owned it before pooling.",
            ),
        ));
    }
    Ok(())
}

fn change<'a>(
    actor: &'a Actor,
    action: &'a str,
    entity_type: &'a str,
    entity_id: Uuid,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Change<'a> {
    Change {
        actor,
        action,
        entity_type,
        entity_id,
        board_id: None,
        before,
        after,
    }
}

pub fn register_vehicle(
    conn: &mut DbConn,
    actor: &Actor,
    v: Vehicle,
    ctx: &FleetContext,
) -> Result<Vehicle, OpError> {
    check_origin_board(conn, v.origin_board_id)?;
    if vehicles::find_by_plate(conn, &v.plate)?.is_some() {
        return Err(OpError::conflict(
            "plate_taken",
            format!("A vehicle with plate {} is already registered.", v.plate),
        ));
    }
    vehicles::insert(conn, &v, ctx.now)?;
    audit::record(
        conn,
        &change(actor, "create", "vehicle", v.id, None, Some(snapshot(&v))),
        ctx.now,
    )?;
    if v.status == VehicleStatus::Active {
        retry_waitlist(conn, ctx, vehicle_reach(&v))?;
    }
    Ok(v)
}

/// The waiting requests a vehicle could carry.
fn vehicle_reach(v: &Vehicle) -> Reach {
    Reach::vehicle(v.seats.get(), v.category)
}

/// The waiting requests a driver could drive.
fn driver_reach(d: &Driver, ctx: &FleetContext) -> Reach {
    Reach::driver(d.licence_class, ctx.end_of_day(d.licence_expires_on))
}

/// The waiting requests `resource` could serve, or every one if it is gone.
fn resource_reach(
    conn: &mut DbConn,
    resource: Resource,
    ctx: &FleetContext,
) -> Result<Reach, OpError> {
    Ok(match resource {
        Resource::Vehicle(id) => vehicles::find(conn, id)?.map(|v| vehicle_reach(&v)),
        Resource::Driver(id) => drivers::find(conn, id)?.map(|d| driver_reach(&d, ctx)),
    }
    .unwrap_or_else(Reach::all))
}

/// Active bookings from now on that hold `resource`.
fn future_holders(
    conn: &mut DbConn,
    resource: Resource,
    ctx: &FleetContext,
) -> Result<Vec<Uuid>, OpError> {
    Ok(occupancy::bookings_holding(conn, resource, &from_now(ctx))?)
}

/// Applies changes to a vehicle. Changes that would break confirmed trips
/// (retiring it, fewer seats than a trip needs, another category than a
/// trip wished) are refused while such trips exist, listing them.
pub fn update_vehicle(
    conn: &mut DbConn,
    actor: &Actor,
    before: &Vehicle,
    after: Vehicle,
    ctx: &FleetContext,
) -> Result<Vehicle, OpError> {
    if after == *before {
        return Ok(after);
    }
    if after.origin_board_id != before.origin_board_id {
        check_origin_board(conn, after.origin_board_id)?;
    }
    if after.plate != before.plate
        && let Some(other) = vehicles::find_by_plate(conn, &after.plate)?
        && other.id != before.id
    {
        return Err(OpError::conflict(
            "plate_taken",
            format!(
                "A vehicle with plate {} is already registered.",
                after.plate
            ),
        ));
    }
    if after.odometer_km < before.odometer_km {
        return Err(OpError::invalid(
            "odometer_km",
            ParseError::new(
                "odometer_backwards",
                "The odometer cannot be set below its current reading.",
            ),
        ));
    }
    let weakens = after.status == VehicleStatus::Retired && before.status == VehicleStatus::Active
        || after.seats != before.seats
        || after.category != before.category;
    if weakens {
        let holders = future_holders(conn, Resource::Vehicle(before.id), ctx)?;
        let trips = bookings::by_ids(conn, &holders)?;
        // More seats can need a higher licence class than the assigned driver has.
        let driver_ids: Vec<Uuid> = trips.iter().filter_map(|b| b.driver_id).collect();
        let crew = drivers::by_ids(conn, &driver_ids)?;
        let affected: Vec<Uuid> = trips
            .into_iter()
            .filter(|b| {
                after.status == VehicleStatus::Retired
                    || after.seats.passengers() < b.passengers
                    || b.category_wish.is_some_and(|c| c != after.category)
                    || b.driver_id
                        .and_then(|d| crew.get(&d))
                        .is_some_and(|d| !d.licence_class.covers(after.seats.get()))
            })
            .map(|b| b.id)
            .collect();
        if !affected.is_empty() {
            return Err(OpError::Clashes {
                code: "vehicle_in_use",
                detail: format!(
                    "{} has {} confirmed trip(s) that this change would break; reassign or cancel them first.",
                    before.plate,
                    affected.len()
                ),
                bookings: affected,
            });
        }
    }
    vehicles::update(conn, &after, ctx.now)?;
    let action = match (before.status, after.status) {
        (VehicleStatus::Active, VehicleStatus::Retired) => "retire",
        (VehicleStatus::Retired, VehicleStatus::Active) => "activate",
        _ => "update",
    };
    audit::record(
        conn,
        &change(
            actor,
            action,
            "vehicle",
            after.id,
            Some(snapshot(before)),
            Some(snapshot(&after)),
        ),
        ctx.now,
    )?;
    if after.status == VehicleStatus::Active
        && (before.status != VehicleStatus::Active || after.seats > before.seats)
    {
        retry_waitlist(conn, ctx, vehicle_reach(&after))?;
    }
    Ok(after)
}

fn check_driver_account(conn: &mut DbConn, driver: &Driver) -> Result<(), OpError> {
    let Some(user_id) = driver.user_id else {
        return Ok(());
    };
    let invalid =
        |code: &'static str, msg: &str| OpError::invalid("user_id", ParseError::new(code, msg));
    let user = users::find(conn, user_id)?
        .ok_or_else(|| invalid("user_unknown", "No user account has this id."))?;
    if user.role != Role::Driver {
        return Err(invalid(
            "user_not_driver",
            "Only an account with the driver role can be linked to a driver.",
        ));
    }
    if let Some(other) = drivers::find_by_user(conn, user_id)?
        && other.id != driver.id
    {
        return Err(invalid(
            "user_already_linked",
            "This account is already linked to another driver.",
        ));
    }
    Ok(())
}

pub fn register_driver(
    conn: &mut DbConn,
    actor: &Actor,
    d: Driver,
    ctx: &FleetContext,
) -> Result<Driver, OpError> {
    check_origin_board(conn, d.origin_board_id)?;
    check_driver_account(conn, &d)?;
    if drivers::find_by_licence(conn, &d.licence_number)?.is_some() {
        return Err(OpError::conflict(
            "licence_taken",
            format!(
                "A driver with licence number {} is already registered.",
                d.licence_number.as_str()
            ),
        ));
    }
    drivers::insert(conn, &d, ctx.now)?;
    audit::record(
        conn,
        &change(actor, "create", "driver", d.id, None, Some(snapshot(&d))),
        ctx.now,
    )?;
    if d.status == DriverStatus::Active {
        retry_waitlist(conn, ctx, driver_reach(&d, ctx))?;
    }
    Ok(d)
}

/// Applies changes to a driver. Deactivating, or a licence that no longer
/// covers a confirmed trip's vehicle or expires before it, is refused while
/// such trips exist, listing them.
pub fn update_driver(
    conn: &mut DbConn,
    actor: &Actor,
    before: &Driver,
    after: Driver,
    ctx: &FleetContext,
) -> Result<Driver, OpError> {
    if after == *before {
        return Ok(after);
    }
    if after.origin_board_id != before.origin_board_id {
        check_origin_board(conn, after.origin_board_id)?;
    }
    if after.user_id != before.user_id {
        check_driver_account(conn, &after)?;
    }
    if after.licence_number != before.licence_number
        && let Some(other) = drivers::find_by_licence(conn, &after.licence_number)?
        && other.id != before.id
    {
        return Err(OpError::conflict(
            "licence_taken",
            format!(
                "A driver with licence number {} is already registered.",
                after.licence_number.as_str()
            ),
        ));
    }
    let holders = future_holders(conn, Resource::Driver(before.id), ctx)?;
    if !holders.is_empty() {
        let trips = bookings::by_ids(conn, &holders)?;
        let vehicle_ids: Vec<Uuid> = trips.iter().filter_map(|b| b.vehicle_id).collect();
        let fleet = vehicles::by_ids(conn, &vehicle_ids)?;
        let affected: Vec<Uuid> = trips
            .iter()
            .filter(|b| {
                let seats = b
                    .vehicle_id
                    .and_then(|v| fleet.get(&v))
                    .map_or(0, |v| v.seats.get());
                after.status == DriverStatus::Inactive
                    || !after.licence_class.covers(seats)
                    || after.licence_expires_on < ctx.last_day(&b.range)
            })
            .map(|b| b.id)
            .collect();
        if !affected.is_empty() {
            return Err(OpError::Clashes {
                code: "driver_in_use",
                detail: format!(
                    "{} has {} confirmed trip(s) that this change would break; reassign or cancel them first.",
                    before.full_name.as_str(),
                    affected.len()
                ),
                bookings: affected,
            });
        }
    }
    drivers::update(conn, &after, ctx.now)?;
    let action = match (before.status, after.status) {
        (DriverStatus::Active, DriverStatus::Inactive) => "deactivate",
        (DriverStatus::Inactive, DriverStatus::Active) => "activate",
        _ => "update",
    };
    audit::record(
        conn,
        &change(
            actor,
            action,
            "driver",
            after.id,
            Some(snapshot(before)),
            Some(snapshot(&after)),
        ),
        ctx.now,
    )?;
    if after.status == DriverStatus::Active {
        retry_waitlist(conn, ctx, driver_reach(&after, ctx))?;
    }
    Ok(after)
}

/// Puts a vehicle in maintenance or a driver on leave for `range`.
///
/// Confirmed trips in the window are listed and the block refused, unless
/// `move_trips` asks to take their assignment away: they go back to the
/// waitlist and are offered another vehicle or driver at once. Trips under
/// way are never moved.
pub fn add_block(
    conn: &mut DbConn,
    actor: &Actor,
    resource: Resource,
    range: TimeRange,
    reason: String,
    move_trips: bool,
    ctx: &FleetContext,
) -> Result<(Block, Vec<Uuid>), OpError> {
    match resource {
        Resource::Vehicle(id) => vehicles::lock(conn, id)?,
        Resource::Driver(id) => drivers::lock(conn, id)?,
    }
    let holders = occupancy::bookings_holding(conn, resource, &range)?;
    let trips = bookings::by_ids(conn, &holders)?;
    // A trip whose start has passed is under way even if nobody pressed
    // start yet: it cannot be sent back to the waitlist.
    let underway: Vec<Uuid> = trips
        .iter()
        .filter(|b| b.status == BookingStatus::InProgress || b.range.start() <= ctx.now)
        .map(|b| b.id)
        .collect();
    if !underway.is_empty() {
        return Err(OpError::Clashes {
            code: "trip_under_way",
            detail: "A trip in this window is already under way; it cannot be moved. Start the block after it ends.".to_owned(),
            bookings: underway,
        });
    }
    if !holders.is_empty() && !move_trips {
        return Err(OpError::Clashes {
            code: "block_clashes",
            detail: format!(
                "{} confirmed trip(s) use this {} in that window. Send move_trips: true to put them back on \
                 the waitlist (they are offered another {} at once), or choose another window.",
                holders.len(),
                resource.kind(),
                resource.kind()
            ),
            bookings: holders,
        });
    }
    let what = match resource {
        Resource::Vehicle(_) => "The vehicle was taken out of service for maintenance",
        Resource::Driver(_) => "The driver is on leave",
    };
    move_to_waitlist(
        conn,
        actor,
        &holders,
        &format!("{what}; waiting for another."),
        ctx,
    )?;
    let block = Block {
        id: Uuid::now_v7(),
        resource,
        range,
        reason,
        created_by: actor.name.clone(),
        created_at: ctx.now,
    };
    blocks::insert(conn, &block)?;
    if occupancy::hold_block(conn, block.id, resource, &range)?.is_err() {
        return Err(OpError::conflict(
            "block_overlaps",
            format!(
                "This {} already has maintenance or leave overlapping that window.",
                resource.kind()
            ),
        ));
    }
    let after = json!({
        "resource": resource.kind(), "resource_id": resource.id(),
        "starts_at": range.start(), "ends_at": range.end(), "reason": block.reason,
        "moved_bookings": holders,
    });
    audit::record(
        conn,
        &change(actor, "create", "block", block.id, None, Some(after)),
        ctx.now,
    )?;
    if !holders.is_empty() {
        // The moved trips freed other vehicles' and drivers' partners.
        retry_waitlist(conn, ctx, Reach::window(range))?;
    }
    Ok((block, holders))
}

/// Ends a block early or cancels it; freed time is offered to the waitlist.
pub fn remove_block(
    conn: &mut DbConn,
    actor: &Actor,
    resource: Resource,
    block_id: Uuid,
    ctx: &FleetContext,
) -> Result<(), OpError> {
    let block = blocks::find(conn, block_id)?
        .filter(|b| b.resource == resource)
        .ok_or_else(|| OpError::NotFound("block".into()))?;
    occupancy::release_block(conn, block_id)?;
    blocks::delete(conn, block_id)?;
    let before = json!({
        "resource": resource.kind(), "resource_id": resource.id(),
        "starts_at": block.range.start(), "ends_at": block.range.end(), "reason": block.reason,
    });
    audit::record(
        conn,
        &change(actor, "delete", "block", block_id, Some(before), None),
        ctx.now,
    )?;
    let reach = resource_reach(conn, resource, ctx)?.within(block.range);
    retry_waitlist(conn, ctx, reach)?;
    Ok(())
}

// Units of work: what the JSON API and the desk call.

/// Changes asked of a vehicle; what is `None` stays.
#[derive(Debug, Clone, Default)]
pub struct VehicleChange {
    pub plate: Option<Plate>,
    pub model: Option<String>,
    pub seats: Option<Seats>,
    pub category: Option<VehicleCategory>,
    pub fuel_norm: Option<FuelNorm>,
    pub odometer_km: Option<i64>,
    pub status: Option<VehicleStatus>,
    pub origin_board_id: Option<Uuid>,
}

/// Changes asked of a driver; what is `None` stays.
#[derive(Debug, Clone, Default)]
pub struct DriverChange {
    pub full_name: Option<FullName>,
    pub licence_number: Option<LicenceNumber>,
    pub licence_class: Option<LicenceClass>,
    pub licence_expires_on: Option<NaiveDate>,
    pub phone: Option<Phone>,
    pub status: Option<DriverStatus>,
    pub origin_board_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    /// A new secret for the calendar address (the old one stops working).
    pub calendar_key: Option<String>,
}

/// The pool's vehicles in plate order.
pub async fn vehicle_list(
    env: &Env,
    filter: vehicles::VehicleFilter,
    limit: i64,
) -> Result<Vec<Vehicle>, OpError> {
    env.db
        .read(move |conn| Ok(vehicles::list(conn, &filter, limit)?))
        .await
}

/// One vehicle.
pub async fn vehicle(env: &Env, id: Uuid) -> Result<Vehicle, OpError> {
    env.db
        .read(move |conn| {
            vehicles::find(conn, id)?.ok_or_else(|| OpError::NotFound("vehicle".into()))
        })
        .await
}

/// Registers a vehicle; waiting requests it can serve are tried at once.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, plate = vehicle.plate.as_str()))]
pub async fn add_vehicle(env: &Env, who: &Acting, vehicle: Vehicle) -> Result<Vehicle, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let ctx = FleetContext::load(conn, clock.now())?;
            register_vehicle(conn, &actor, vehicle, &ctx)
        })
        .await
}

/// Changes a vehicle.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id))]
pub async fn change_vehicle(
    env: &Env,
    who: &Acting,
    id: Uuid,
    change: VehicleChange,
) -> Result<Vehicle, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            vehicles::lock(conn, id)?;
            let before =
                vehicles::find(conn, id)?.ok_or_else(|| OpError::NotFound("vehicle".into()))?;
            let after = Vehicle {
                id,
                plate: change.plate.unwrap_or_else(|| before.plate.clone()),
                model: change.model.unwrap_or_else(|| before.model.clone()),
                seats: change.seats.unwrap_or(before.seats),
                category: change.category.unwrap_or(before.category),
                fuel_norm: change.fuel_norm.unwrap_or(before.fuel_norm),
                odometer_km: change.odometer_km.unwrap_or(before.odometer_km),
                status: change.status.unwrap_or(before.status),
                origin_board_id: change.origin_board_id.unwrap_or(before.origin_board_id),
            };
            let ctx = FleetContext::load(conn, clock.now())?;
            update_vehicle(conn, &actor, &before, after, &ctx)
        })
        .await
}

/// The pool's drivers in id order.
pub async fn driver_list(
    env: &Env,
    filter: drivers::DriverFilter,
    limit: i64,
) -> Result<Vec<Driver>, OpError> {
    env.db
        .read(move |conn| Ok(drivers::list(conn, &filter, limit)?))
        .await
}

/// One driver.
pub async fn driver(env: &Env, id: Uuid) -> Result<Driver, OpError> {
    env.db
        .read(move |conn| {
            drivers::find(conn, id)?.ok_or_else(|| OpError::NotFound("driver".into()))
        })
        .await
}

/// Registers a driver; waiting requests they can serve are tried at once.
#[tracing::instrument(skip_all, fields(user = %who.principal.username))]
pub async fn add_driver(env: &Env, who: &Acting, driver: Driver) -> Result<Driver, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let ctx = FleetContext::load(conn, clock.now())?;
            register_driver(conn, &actor, driver, &ctx)
        })
        .await
}

/// Changes a driver.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id))]
pub async fn change_driver(
    env: &Env,
    who: &Acting,
    id: Uuid,
    change: DriverChange,
) -> Result<Driver, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            drivers::lock(conn, id)?;
            let before =
                drivers::find(conn, id)?.ok_or_else(|| OpError::NotFound("driver".into()))?;
            let after = Driver {
                id,
                full_name: change.full_name.unwrap_or_else(|| before.full_name.clone()),
                licence_number: change
                    .licence_number
                    .unwrap_or_else(|| before.licence_number.clone()),
                licence_class: change.licence_class.unwrap_or(before.licence_class),
                licence_expires_on: change
                    .licence_expires_on
                    .unwrap_or(before.licence_expires_on),
                phone: change.phone.or_else(|| before.phone.clone()),
                status: change.status.unwrap_or(before.status),
                origin_board_id: change.origin_board_id.unwrap_or(before.origin_board_id),
                user_id: change.user_id.or(before.user_id),
                calendar_key: change
                    .calendar_key
                    .unwrap_or_else(|| before.calendar_key.clone()),
            };
            let ctx = FleetContext::load(conn, clock.now())?;
            update_driver(conn, &actor, &before, after, &ctx)
        })
        .await
}

/// 404 unless the vehicle or driver exists.
fn check_exists(conn: &mut DbConn, resource: Resource) -> Result<(), OpError> {
    let exists = match resource {
        Resource::Vehicle(id) => vehicles::find(conn, id)?.is_some(),
        Resource::Driver(id) => drivers::find(conn, id)?.is_some(),
    };
    if exists {
        Ok(())
    } else {
        Err(OpError::NotFound(resource.kind().to_owned()))
    }
}

/// Takes a vehicle (maintenance) or a driver (leave) out of service for a
/// window; returns the block and the trips moved back to the waitlist.
#[tracing::instrument(skip_all, fields(user = %who.principal.username))]
pub async fn block_out(
    env: &Env,
    who: &Acting,
    resource: Resource,
    range: TimeRange,
    reason: String,
    move_trips: bool,
) -> Result<(Block, Vec<Uuid>), OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            check_exists(conn, resource)?;
            let ctx = FleetContext::load(conn, clock.now())?;
            add_block(conn, &actor, resource, range, reason, move_trips, &ctx)
        })
        .await
}

/// The blocks of a vehicle or driver that ended in the last 30 days or
/// later.
pub async fn blocks_of(env: &Env, resource: Resource) -> Result<Vec<Block>, OpError> {
    let since = env.clock.now() - chrono::Duration::days(30);
    env.db
        .read(move |conn| {
            check_exists(conn, resource)?;
            Ok(blocks::list(conn, resource, since)?)
        })
        .await
}

/// Ends a block early or removes it; waiting requests are tried again.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %block_id))]
pub async fn lift_block(
    env: &Env,
    who: &Acting,
    resource: Resource,
    block_id: Uuid,
) -> Result<(), OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let ctx = FleetContext::load(conn, clock.now())?;
            remove_block(conn, &actor, resource, block_id, &ctx)
        })
        .await
}

/// Who asks for a driver's calendar feed.
pub enum FeedAccess {
    /// The secret of the subscription address.
    Key(String),
    /// A signed-in user: the driver themselves or the fleet desk.
    SignedIn(crate::domain::access::Principal),
}

/// Whether a signed-in user may read a driver's calendar: the driver
/// themselves, the dispatcher and the administrator.
pub fn may_see_calendar(p: &crate::domain::access::Principal, d: &Driver) -> bool {
    matches!(p.role, Role::Dispatcher | Role::Admin) || d.user_id == Some(p.user_id)
}

/// A driver's trips from 30 days ago on, with their vehicles, for the
/// calendar feed; and the time it was read at.
pub async fn calendar_feed(
    env: &Env,
    id: Uuid,
    access: FeedAccess,
) -> Result<
    (
        Driver,
        Vec<crate::domain::fleet::booking::Booking>,
        std::collections::HashMap<Uuid, Vehicle>,
        chrono::DateTime<chrono::Utc>,
    ),
    OpError,
> {
    let now = env.clock.now();
    env.db
        .read(move |conn| {
            let driver = match access {
                FeedAccess::Key(key) => drivers::find_by_calendar_key(conn, &key)?
                    .filter(|d| d.id == id)
                    .ok_or_else(|| OpError::NotFound("driver calendar".into()))?,
                FeedAccess::SignedIn(p) => drivers::find(conn, id)?
                    .filter(|d| may_see_calendar(&p, d))
                    .ok_or_else(|| OpError::NotFound("driver".into()))?,
            };
            let trips = bookings::driver_trips(conn, driver.id, now - chrono::Duration::days(30))?;
            let ids: Vec<Uuid> = trips.iter().filter_map(|b| b.vehicle_id).collect();
            let fleet = vehicles::by_ids(conn, &ids)?;
            Ok((driver, trips, fleet, now))
        })
        .await
}
