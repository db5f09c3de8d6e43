//! Bookings: request, approve, assign (automatically or by hand), the
//! waitlist, cancel and reject, start and complete.

use serde_json::json;
use uuid::Uuid;

use super::FleetContext;
use crate::domain::ParseError;
use crate::domain::access::{BookingScope, Principal};
use crate::domain::audit::Actor;
use crate::domain::fleet::assignment::{self, Need};
use crate::domain::fleet::block::Resource;
use crate::domain::fleet::booking::{Booking, BookingAction, BookingStatus, Priority, TripRecord};
use crate::domain::fleet::driver::DriverStatus;
use crate::domain::fleet::trip::{self, Litres, TripCosts};
use crate::domain::fleet::vehicle::{VehicleCategory, VehicleStatus};
use crate::domain::fleet::waitlist::Reach;
use crate::domain::time_range::TimeRange;
use crate::domain::user::Role;
use crate::ops::ledger::budget::Enforcement;
use crate::ops::ledger::trips;
use crate::ops::{Acting, Env, OpError};
use crate::storage::audit::{self, Change};
use crate::storage::occupancy::{self, Clash};
use crate::storage::{DbConn, boards, bookings, drivers, vehicles};

/// How many waitlisted requests one freed slot re-tries at most.
const WAITLIST_BATCH: i64 = 100;

/// The audit snapshot of a booking.
fn snapshot(b: &Booking) -> serde_json::Value {
    json!({
        "id": b.id,
        "board_id": b.board_id,
        "status": b.status.as_str(),
        "status_reason": b.status_reason,
        "starts_at": b.range.start(),
        "ends_at": b.range.end(),
        "passengers": b.passengers,
        "vehicle_id": b.vehicle_id,
        "driver_id": b.driver_id,
        "odometer_start": b.trip.as_ref().and_then(|t| t.odometer_start),
        "odometer_end": b.trip.as_ref().and_then(|t| t.odometer_end),
    })
}

fn record(
    conn: &mut DbConn,
    actor: &Actor,
    action: &str,
    before: Option<&Booking>,
    after: &Booking,
    ctx: &FleetContext,
) -> Result<(), OpError> {
    audit::record(
        conn,
        &Change {
            actor,
            action,
            entity_type: "booking",
            entity_id: after.id,
            board_id: Some(after.board_id),
            before: before.map(snapshot),
            after: Some(snapshot(after)),
        },
        ctx.now,
    )?;
    Ok(())
}

/// A trip request as the requester gave it, already parsed.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub board_id: Uuid,
    pub purpose: String,
    pub destination: String,
    pub out_of_province: bool,
    pub passengers: u8,
    pub range: TimeRange,
    pub category_wish: Option<VehicleCategory>,
    pub priority: Priority,
}

/// How many pairs of the plan SQLite works out. Its writes are serialised,
/// so the first pair is taken unless another process took it meanwhile.
const SQLITE_PAIRS: usize = 4;

/// What a search for a vehicle and a driver found: pairs to try, from a
/// snapshot that may be out of date by the time they are held.
#[derive(Debug, Clone)]
pub struct Proposal {
    /// Pairs to try, best first.
    plan: Vec<(Uuid, Uuid)>,
    /// Whether some fitting vehicle was free (for the waitlist's reason).
    vehicle_free: bool,
}

/// The best pairs of a free vehicle and a free licensed driver for `need`.
///
/// SQLite: every candidate is ranked, then asked about best first in
/// batches ([`assignment::plan_lazily`]), so a booking costs a few index
/// probes. PostgreSQL: the free ones in one query each, so that concurrent
/// requests that clash on the best pair fall through the whole plan in one
/// round without a round trip per probe.
fn search(
    conn: &mut DbConn,
    window: &TimeRange,
    week: &TimeRange,
    need: &Need,
) -> Result<Proposal, OpError> {
    let load = occupancy::week_load(conn, week)?;
    let min_seats = need.passengers + 1;
    if matches!(conn, DbConn::Sqlite(_)) {
        let vehicles = vehicles::fitting_options(conn, min_seats, need.category, &load)?;
        let drivers = drivers::licensed_options(conn, need.last_day, &load)?;
        let lazy = assignment::plan_lazily(
            &vehicles,
            &drivers,
            need,
            SQLITE_PAIRS,
            occupancy::PROBE_BATCH,
            |kind, ids| occupancy::free_among(conn, kind, ids, window),
        )?;
        return Ok(Proposal {
            plan: lazy.pairs,
            vehicle_free: lazy.vehicle_free,
        });
    }
    let free_vehicles = vehicles::free_options(conn, window, min_seats, need.category, &load)?;
    let free_drivers = drivers::free_options(conn, window, need.last_day, &load)?;
    Ok(Proposal {
        plan: assignment::plan(&free_vehicles, &free_drivers, need),
        vehicle_free: free_vehicles
            .iter()
            .any(|v| need.vehicle_fits(v.seats, v.category)),
    })
}

/// What a trip over `range` needs of a vehicle and a driver.
fn need_of(
    ctx: &FleetContext,
    range: &TimeRange,
    passengers: u8,
    category: Option<VehicleCategory>,
) -> Need {
    Need {
        passengers,
        category,
        last_day: ctx.last_day(range),
    }
}

/// What the database holds of a booking while it is assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stored {
    /// No row yet: a new request.
    Nothing,
    /// A row that may differ from the booking in memory.
    Stale,
    /// A row as the booking in memory.
    Current,
}

/// Whether the vehicle and the driver, re-read under a share lock, still
/// serve `need`.
fn still_fits(
    conn: &mut DbConn,
    vehicle_id: Uuid,
    driver_id: Uuid,
    need: &Need,
) -> Result<bool, OpError> {
    Ok(
        match (
            vehicles::find_for_share(conn, vehicle_id)?,
            drivers::find_for_share(conn, driver_id)?,
        ) {
            (Some(v), Some(d)) => {
                v.status == VehicleStatus::Active
                    && need.vehicle_fits(v.seats.get(), v.category)
                    && d.status == DriverStatus::Active
                    && need.licence_fits(d.licence_class, d.licence_expires_on, v.seats.get())
            }
            _ => false,
        },
    )
}

/// Finds a vehicle and a driver for `booking` and holds them. On success the
/// booking is `confirmed`; otherwise it is `waitlisted` with the reason.
/// Candidates come from a snapshot: if another transaction takes one first
/// (possible on PostgreSQL, or from another process on SQLite), the
/// database refuses the hold and the next candidate is tried.
///
/// A new request (`stored` is [`Stored::Nothing`]) is inserted confirmed
/// just before its first hold; `stored` tells the caller what is left to
/// write.
fn auto_assign(
    conn: &mut DbConn,
    ctx: &FleetContext,
    booking: &mut Booking,
    stored: &mut Stored,
    mut proposal: Option<Proposal>,
) -> Result<bool, OpError> {
    let window = ctx.window(&booking.range);
    let week = ctx.week_of(booking.range.start());
    let need = need_of(
        ctx,
        &booking.range,
        booking.passengers,
        booking.category_wish,
    );
    for _round in 0..3 {
        // A proposal was worked out before this transaction: its pairs are
        // re-read before they are held. An empty one is not trusted: a
        // vehicle may have been freed since, and the request must not wait
        // for nothing.
        let (found, fresh) = match proposal.take() {
            Some(p) if !p.plan.is_empty() => (p, false),
            _ => (search(conn, &window, &week, &need)?, true),
        };
        if found.plan.is_empty() {
            let fitting = vehicles::count_fitting(conn, need.passengers, need.category)?;
            let why = assignment::why_nothing(fitting as usize, found.vehicle_free);
            booking.status = BookingStatus::Waitlisted;
            booking.status_reason = Some(why.explain(&need));
            booking.vehicle_id = None;
            booking.driver_id = None;
            return Ok(false);
        }
        let mut raced = false;
        for (vehicle_id, driver_id) in found.plan {
            // A proposal, or any search on PostgreSQL, is a snapshot:
            // another transaction may have retired the vehicle or changed
            // the driver since. Both are re-read under a share lock before
            // they are held. A search on SQLite ran in this write
            // transaction, which holds the database's only write lock, so
            // nothing has changed since.
            if (!fresh || matches!(conn, DbConn::Postgres(_)))
                && !still_fits(conn, vehicle_id, driver_id, &need)?
            {
                raced = true;
                continue;
            }
            let before = (
                booking.status,
                booking.status_reason.take(),
                booking.vehicle_id,
                booking.driver_id,
            );
            booking.status = BookingStatus::Confirmed;
            booking.vehicle_id = Some(vehicle_id);
            booking.driver_id = Some(driver_id);
            if *stored == Stored::Nothing {
                // A new request's row is written once, already confirmed;
                // the holds refer to it.
                bookings::insert(conn, booking, ctx.now)?;
                *stored = Stored::Current;
            }
            match occupancy::hold_booking(conn, booking.id, vehicle_id, driver_id, &window)? {
                Ok(()) => return Ok(true),
                Err(_) => {
                    (
                        booking.status,
                        booking.status_reason,
                        booking.vehicle_id,
                        booking.driver_id,
                    ) = before;
                    if *stored == Stored::Current {
                        *stored = Stored::Stale;
                    }
                    raced = true;
                }
            }
        }
        if !raced {
            break;
        }
    }
    booking.status = BookingStatus::Waitlisted;
    booking.status_reason = Some(
        "Every fitting vehicle was taken by other requests at the same moment; the request waits."
            .to_owned(),
    );
    booking.vehicle_id = None;
    booking.driver_id = None;
    Ok(false)
}

/// The vehicle and driver pairs a new request would be given, worked out
/// on a read connection before its write transaction, so the search for
/// them does not hold the write lock (SQLite has one writer). `None` when
/// the request goes to approval or would be refused.
pub fn propose(
    conn: &mut DbConn,
    new: &NewBooking,
    ctx: &FleetContext,
) -> Result<Option<Proposal>, OpError> {
    if new.range.start() <= ctx.now
        || ctx
            .policy
            .approval_reason(&new.range, new.out_of_province)
            .is_some()
    {
        return Ok(None);
    }
    let need = need_of(ctx, &new.range, new.passengers, new.category_wish);
    let window = ctx.window(&new.range);
    let week = ctx.week_of(new.range.start());
    search(conn, &window, &week, &need).map(Some)
}

/// Files a trip request: refused if it starts in the past or the board is
/// unknown; sent to approval when policy says so; otherwise assigned at
/// once or waitlisted.
///
/// `proposal` is what [`propose`] found before the write transaction; its
/// pairs are tried first, each re-read and held under the database's
/// checks, and a fresh search follows if none of them can be held.
pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    requester_id: Uuid,
    new: NewBooking,
    ctx: &FleetContext,
    proposal: Option<Proposal>,
) -> Result<Booking, OpError> {
    if new.range.start() <= ctx.now {
        return Err(OpError::invalid(
            "starts_at",
            ParseError::new(
                "starts_in_past",
                "The trip must start in the future; check the date and time.",
            ),
        ));
    }
    match boards::find(conn, new.board_id)? {
        Some(b) if b.active => {}
        Some(_) => {
            return Err(OpError::invalid(
                "board_id",
                ParseError::new(
                    "board_inactive",
                    "This board is deactivated and cannot book trips.",
                ),
            ));
        }
        None => {
            return Err(OpError::invalid(
                "board_id",
                ParseError::new(
                    "board_unknown",
                    "No board has this id; choose an existing board.",
                ),
            ));
        }
    }
    let approval = ctx.policy.approval_reason(&new.range, new.out_of_province);
    let mut booking = Booking {
        id: Uuid::now_v7(),
        board_id: new.board_id,
        requester_id,
        purpose: new.purpose,
        destination: new.destination,
        out_of_province: new.out_of_province,
        passengers: new.passengers,
        range: new.range,
        category_wish: new.category_wish,
        priority: new.priority,
        status: if approval.is_some() {
            BookingStatus::PendingApproval
        } else {
            BookingStatus::Waitlisted
        },
        status_reason: approval.clone(),
        vehicle_id: None,
        driver_id: None,
        trip: None,
        created_at: ctx.now,
    };
    let mut stored = Stored::Nothing;
    if approval.is_none() && auto_assign(conn, ctx, &mut booking, &mut stored, proposal)? {
        trips::commit(conn, &booking, Enforcement::Enforce, &ctx.ledger())?;
    }
    match stored {
        Stored::Nothing => bookings::insert(conn, &booking, ctx.now)?,
        Stored::Stale => bookings::save_state(conn, &booking, ctx.now)?,
        Stored::Current => {}
    }
    record(conn, actor, "create", None, &booking, ctx)?;
    Ok(booking)
}

/// Loads and locks a booking and checks the action is allowed from its state.
fn load_for(
    conn: &mut DbConn,
    id: Uuid,
    action: BookingAction,
    ctx: &FleetContext,
) -> Result<Booking, OpError> {
    bookings::lock(conn, id)?;
    let booking = bookings::find(conn, id)?.ok_or_else(|| OpError::NotFound("booking".into()))?;
    let status = booking.status_at(ctx.now);
    action
        .check(status)
        .map_err(|e| OpError::conflict("invalid_transition", e.message))?;
    Ok(booking)
}

/// A manager approves a request sent to approval; it is then assigned or
/// waitlisted like any other.
pub fn approve(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    ctx: &FleetContext,
) -> Result<Booking, OpError> {
    let before = load_for(conn, id, BookingAction::Approve, ctx)?;
    if before.range.start() <= ctx.now {
        return Err(OpError::conflict(
            "trip_already_started",
            "The trip's start time has passed; it can no longer be approved.",
        ));
    }
    let mut after = before.clone();
    if auto_assign(conn, ctx, &mut after, &mut Stored::Stale, None)? {
        trips::commit(conn, &after, Enforcement::Enforce, &ctx.ledger())?;
    }
    bookings::save_state(conn, &after, ctx.now)?;
    record(conn, actor, "approve", Some(&before), &after, ctx)?;
    Ok(after)
}

/// Ends a request without serving it (cancel or reject). A vehicle and
/// driver it held are freed and offered to the waitlist.
fn end_unserved(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    action: BookingAction,
    reason: Option<String>,
    ctx: &FleetContext,
) -> Result<Booking, OpError> {
    let before = load_for(conn, id, action, ctx)?;
    let mut after = before.clone();
    after.status = if action == BookingAction::Cancel {
        BookingStatus::Cancelled
    } else {
        BookingStatus::Rejected
    };
    after.status_reason = reason;
    let freed = before.status.is_active();
    if freed {
        occupancy::release_booking(conn, id)?;
    }
    trips::release(conn, id, &ctx.ledger())?;
    bookings::save_state(conn, &after, ctx.now)?;
    record(conn, actor, action.as_str(), Some(&before), &after, ctx)?;
    if freed {
        retry_waitlist(conn, ctx, Reach::window(ctx.window(&before.range)))?;
    }
    Ok(after)
}

pub fn cancel(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    reason: Option<String>,
    ctx: &FleetContext,
) -> Result<Booking, OpError> {
    end_unserved(conn, actor, id, BookingAction::Cancel, reason, ctx)
}

pub fn reject(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    reason: String,
    ctx: &FleetContext,
) -> Result<Booking, OpError> {
    end_unserved(conn, actor, id, BookingAction::Reject, Some(reason), ctx)
}

/// The fleet desk assigns (or reassigns) a vehicle and driver by hand, with
/// the same checks as automatic assignment except the category wish.
pub fn assign(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    vehicle_id: Uuid,
    driver_id: Uuid,
    ctx: &FleetContext,
) -> Result<Booking, OpError> {
    let before = load_for(conn, id, BookingAction::Assign, ctx)?;
    if before.range.start() <= ctx.now {
        return Err(OpError::conflict(
            "trip_already_started",
            "The trip's start time has passed; it can no longer be assigned.",
        ));
    }
    let vehicle = vehicles::find_for_share(conn, vehicle_id)?
        .filter(|v| v.status == VehicleStatus::Active)
        .ok_or_else(|| {
            OpError::invalid(
                "vehicle_id",
                ParseError::new("vehicle_unknown", "No active vehicle has this id."),
            )
        })?;
    let driver = drivers::find_for_share(conn, driver_id)?
        .filter(|d| d.status == DriverStatus::Active)
        .ok_or_else(|| {
            OpError::invalid(
                "driver_id",
                ParseError::new("driver_unknown", "No active driver has this id."),
            )
        })?;
    if vehicle.seats.passengers() < before.passengers {
        return Err(OpError::invalid(
            "vehicle_id",
            ParseError::new(
                "too_few_seats",
                format!(
                    "{} carries {} passenger(s); this trip has {}.",
                    vehicle.plate,
                    vehicle.seats.passengers(),
                    before.passengers
                ),
            ),
        ));
    }
    if !driver.licence_class.covers(vehicle.seats.get()) {
        return Err(OpError::invalid(
            "driver_id",
            ParseError::new(
                "licence_does_not_cover",
                format!(
                    "A class {} licence does not cover a {}-seat vehicle.",
                    driver.licence_class.as_str(),
                    vehicle.seats.get()
                ),
            ),
        ));
    }
    if driver.licence_expires_on < ctx.last_day(&before.range) {
        return Err(OpError::invalid(
            "driver_id",
            ParseError::new(
                "licence_expired",
                format!(
                    "The driver's licence expires on {} before the trip ends.",
                    driver.licence_expires_on
                ),
            ),
        ));
    }
    let window = ctx.window(&before.range);
    if before.status.is_active() {
        occupancy::release_booking(conn, id)?;
    }
    match occupancy::hold_booking(conn, id, vehicle_id, driver_id, &window)? {
        Ok(()) => {}
        Err(clash) => {
            let (resource, what) = match clash {
                Clash::Vehicle => (
                    Resource::Vehicle(vehicle_id),
                    format!("{} is", vehicle.plate),
                ),
                Clash::Driver => (
                    Resource::Driver(driver_id),
                    format!("{} is", driver.full_name.as_str()),
                ),
            };
            let holders = occupancy::bookings_holding(conn, resource, &window)?;
            let blocked = occupancy::blocked(conn, resource, &window)?;
            return Err(OpError::Clashes {
                code: if clash == Clash::Vehicle {
                    "vehicle_busy"
                } else {
                    "driver_busy"
                },
                detail: format!(
                    "{what} not free then ({}); choose another or move the other trip first.",
                    if blocked {
                        "maintenance or leave"
                    } else {
                        "another trip, with the turnaround gap"
                    }
                ),
                bookings: holders,
            });
        }
    }
    let mut after = before.clone();
    after.status = BookingStatus::Confirmed;
    after.status_reason = None;
    after.vehicle_id = Some(vehicle_id);
    after.driver_id = Some(driver_id);
    trips::commit(conn, &after, Enforcement::Enforce, &ctx.ledger())?;
    bookings::save_state(conn, &after, ctx.now)?;
    record(conn, actor, "assign", Some(&before), &after, ctx)?;
    if before.status.is_active()
        && (before.vehicle_id != after.vehicle_id || before.driver_id != after.driver_id)
    {
        retry_waitlist(conn, ctx, Reach::window(window))?;
    }
    Ok(after)
}

/// The driver sets off. The odometer reading defaults to the vehicle's and
/// may not be below it.
pub fn start(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    odometer_start: Option<i64>,
    ctx: &FleetContext,
) -> Result<Booking, OpError> {
    let before = load_for(conn, id, BookingAction::Start, ctx)?;
    let vehicle_id = before
        .vehicle_id
        .ok_or_else(|| OpError::NotFound("vehicle".into()))?;
    let vehicle =
        vehicles::find(conn, vehicle_id)?.ok_or_else(|| OpError::NotFound("vehicle".into()))?;
    let reading = odometer_start.unwrap_or(vehicle.odometer_km);
    if reading < vehicle.odometer_km {
        return Err(OpError::invalid(
            "odometer_start",
            ParseError::new(
                "odometer_backwards",
                format!(
                    "{} km is below the vehicle's last recorded reading of {} km. Check the reading.",
                    reading, vehicle.odometer_km
                ),
            ),
        ));
    }
    let mut after = before.clone();
    after.status = BookingStatus::InProgress;
    after.trip = Some(TripRecord {
        odometer_start: Some(reading),
        odometer_end: None,
        fuel: None,
        fuel_allowed: None,
        fuel_flagged: None,
        costs: None,
        started_at: Some(ctx.now),
        completed_at: None,
    });
    bookings::save_state(conn, &after, ctx.now)?;
    record(conn, actor, "start", Some(&before), &after, ctx)?;
    Ok(after)
}

/// What the driver records at the end of a trip.
#[derive(Debug, Clone, Copy)]
pub struct Completion {
    pub odometer_end: i64,
    pub fuel: Litres,
    pub costs: TripCosts,
}

/// The trip is over: distance, fuel against the norm (flagged beyond the
/// tolerance), costs; the vehicle's odometer advances and the vehicle and
/// driver are free again.
///
/// The trip's costs are recorded on the booking (tolls, parking, other,
/// fuel litres) for the ledger to post to the booking board.
pub fn complete(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    input: Completion,
    ctx: &FleetContext,
) -> Result<Booking, OpError> {
    let before = load_for(conn, id, BookingAction::Complete, ctx)?;
    let vehicle_id = before
        .vehicle_id
        .ok_or_else(|| OpError::NotFound("vehicle".into()))?;
    vehicles::lock(conn, vehicle_id)?;
    let mut vehicle =
        vehicles::find(conn, vehicle_id)?.ok_or_else(|| OpError::NotFound("vehicle".into()))?;
    let started = before.trip.clone().unwrap_or(TripRecord {
        odometer_start: None,
        odometer_end: None,
        fuel: None,
        fuel_allowed: None,
        fuel_flagged: None,
        costs: None,
        started_at: None,
        completed_at: None,
    });
    let odometer_start = started.odometer_start.unwrap_or(vehicle.odometer_km);
    let km = trip::distance_km(odometer_start, input.odometer_end)
        .map_err(|e| OpError::invalid("odometer_end", e))?;
    input
        .costs
        .check()
        .map_err(|(field, e)| OpError::invalid(field, e))?;
    let allowed = trip::fuel_allowed(km, vehicle.fuel_norm);
    let flagged = trip::fuel_over_norm(input.fuel, allowed, ctx.policy.fuel_tolerance_percent);
    let mut after = before.clone();
    after.status = BookingStatus::Completed;
    after.status_reason = flagged.then(|| {
        format!(
            "Fuel {} l is above the norm's {} l for {} km by more than {} %.",
            String::from(input.fuel),
            String::from(allowed),
            km,
            ctx.policy.fuel_tolerance_percent
        )
    });
    after.trip = Some(TripRecord {
        odometer_start: Some(odometer_start),
        odometer_end: Some(input.odometer_end),
        fuel: Some(input.fuel),
        fuel_allowed: Some(allowed),
        fuel_flagged: Some(flagged),
        costs: Some(input.costs),
        started_at: started.started_at,
        completed_at: Some(ctx.now),
    });
    occupancy::release_booking(conn, id)?;
    bookings::save_state(conn, &after, ctx.now)?;
    if input.odometer_end > vehicle.odometer_km {
        let previous = vehicle.clone();
        vehicle.odometer_km = input.odometer_end;
        vehicles::update(conn, &vehicle, ctx.now)?;
        audit::record(
            conn,
            &Change {
                actor,
                action: "odometer",
                entity_type: "vehicle",
                entity_id: vehicle.id,
                board_id: None,
                before: Some(audit::snapshot(&previous)),
                after: Some(audit::snapshot(&vehicle)),
            },
            ctx.now,
        )?;
    }
    record(conn, actor, "complete", Some(&before), &after, ctx)?;
    trips::post(conn, actor, &after, &ctx.ledger())?;
    // Finishing early frees the rest of the planned window.
    let planned = ctx.window(&before.range);
    if planned.end() > ctx.now
        && let Some(rest) = TimeRange::spanning(ctx.now.max(planned.start()), planned.end())
    {
        retry_waitlist(conn, ctx, Reach::window(rest))?;
    }
    Ok(after)
}

/// Offers new or freed capacity to the waiting requests it could serve
/// (`reach`): highest priority first, then oldest first. Requests it could
/// not serve are left alone, so registering a vehicle does not search the
/// pool again for every waiting request.
pub fn retry_waitlist(
    conn: &mut DbConn,
    ctx: &FleetContext,
    reach: Reach,
) -> Result<Vec<Uuid>, OpError> {
    // A waiting trip ending up to one turnaround gap before the freed time
    // also needed it (its window includes the gap after it).
    let reach = match reach
        .window
        .and_then(|w| TimeRange::spanning(w.start() - ctx.policy.turnaround(), w.end()))
    {
        Some(widened) => reach.within(widened),
        None => reach,
    };
    let waiting = bookings::waitlisted(conn, &reach, ctx.now, WAITLIST_BATCH)?;
    let mut served = Vec::new();
    for before in waiting {
        let mut after = before.clone();
        if auto_assign(conn, ctx, &mut after, &mut Stored::Stale, None)? {
            // Capacity freed up for a request made earlier: its board's
            // budget is reserved, and a shortfall does not undo the trip.
            trips::commit(conn, &after, Enforcement::RecordOnly, &ctx.ledger())?;
            bookings::save_state(conn, &after, ctx.now)?;
            record(conn, &Actor::system(), "assign", Some(&before), &after, ctx)?;
            served.push(after.id);
        }
    }
    Ok(served)
}

/// Records waitlisted requests whose start has passed as `unfulfilled`.
pub fn expire_waitlist(conn: &mut DbConn, ctx: &FleetContext) -> Result<usize, OpError> {
    let expired = bookings::waitlisted_started(conn, ctx.now, 1000)?;
    for before in &expired {
        let mut after = before.clone();
        after.status = BookingStatus::Unfulfilled;
        after.status_reason = Some(
            format!(
                "No vehicle and driver could be found before the start time. {}",
                before.status_reason.clone().unwrap_or_default()
            )
            .trim()
            .to_owned(),
        );
        trips::release(conn, before.id, &ctx.ledger())?;
        bookings::save_state(conn, &after, ctx.now)?;
        record(conn, &Actor::system(), "expire", Some(before), &after, ctx)?;
    }
    Ok(expired.len())
}

/// Takes the vehicle and driver away from active, not yet started bookings
/// (e.g. for a maintenance window) and puts them back on the waitlist.
pub(super) fn move_to_waitlist(
    conn: &mut DbConn,
    actor: &Actor,
    ids: &[Uuid],
    reason: &str,
    ctx: &FleetContext,
) -> Result<(), OpError> {
    for &id in ids {
        bookings::lock(conn, id)?;
        let before =
            bookings::find(conn, id)?.ok_or_else(|| OpError::NotFound("booking".into()))?;
        let mut after = before.clone();
        occupancy::release_booking(conn, id)?;
        after.status = BookingStatus::Waitlisted;
        after.status_reason = Some(reason.to_owned());
        after.vehicle_id = None;
        after.driver_id = None;
        bookings::save_state(conn, &after, ctx.now)?;
        record(conn, actor, "unassign", Some(&before), &after, ctx)?;
    }
    Ok(())
}

// Units of work: what the JSON API and the desk call. Each loads its own
// context in its own transaction, at the time of the service's clock.

/// Times a booking is filed again after PostgreSQL broke a lock cycle.
const FILING_RETRIES: u32 = 3;

/// Bookings with the vehicles and drivers they name, and the time they
/// were read at (a waiting request whose start has passed reads as
/// unfulfilled).
#[derive(Debug)]
pub struct Listed {
    pub bookings: Vec<Booking>,
    pub vehicles: std::collections::HashMap<Uuid, crate::domain::fleet::vehicle::Vehicle>,
    pub drivers: std::collections::HashMap<Uuid, crate::domain::fleet::driver::Driver>,
    pub now: chrono::DateTime<chrono::Utc>,
}

impl Listed {
    fn read(
        conn: &mut DbConn,
        bookings: Vec<Booking>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Self, OpError> {
        let vehicle_ids: Vec<Uuid> = bookings.iter().filter_map(|b| b.vehicle_id).collect();
        let driver_ids: Vec<Uuid> = bookings.iter().filter_map(|b| b.driver_id).collect();
        Ok(Listed {
            vehicles: vehicles::by_ids(conn, &vehicle_ids)?,
            drivers: drivers::by_ids(conn, &driver_ids)?,
            bookings,
            now,
        })
    }
}

/// The caller's booking scope (a driver's is the trips they drive).
fn scope(conn: &mut DbConn, p: &Principal) -> Result<BookingScope, OpError> {
    let driver_id = if p.role == Role::Driver {
        drivers::find_by_user(conn, p.user_id)?.map(|d| d.id)
    } else {
        None
    };
    Ok(p.booking_scope(driver_id))
}

/// A booking the caller may see; otherwise "not found", so a booking
/// outside the caller's scope does not show that it exists.
fn visible(conn: &mut DbConn, p: &Principal, id: Uuid) -> Result<Booking, OpError> {
    let scope = scope(conn, p)?;
    bookings::find(conn, id)?
        .filter(|b| scope.allows(b.board_id, b.driver_id))
        .ok_or_else(|| OpError::NotFound("booking".to_owned()))
}

/// The driver's seat: a driver starts and completes only the trips they
/// drive themselves.
fn in_drivers_seat(conn: &mut DbConn, p: &Principal, booking: &Booking) -> Result<(), OpError> {
    if p.role == Role::Driver {
        let own = drivers::find_by_user(conn, p.user_id)?.map(|d| d.id);
        if own.is_none() || booking.driver_id != own {
            return Err(OpError::NotFound("booking".to_owned()));
        }
    }
    Ok(())
}

/// Whether the database gave up on a transaction because of a concurrent
/// one (a broken lock cycle, a serialisation failure): nothing was kept,
/// and the same work may be tried again.
fn lost_a_race(e: &OpError) -> bool {
    match e {
        OpError::Conflict { code, .. } => *code == "concurrent_change",
        OpError::Db(e) => crate::storage::is_concurrent_change(e),
        _ => false,
    }
}

/// What bookings to list.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// The status as of now.
    pub status: Option<BookingStatus>,
    pub board_id: Option<Uuid>,
    pub vehicle_id: Option<Uuid>,
    pub driver_id: Option<Uuid>,
    /// Trips starting at or after this instant.
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Trips starting before this instant.
    pub to: Option<chrono::DateTime<chrono::Utc>>,
    /// Start and id of the last booking of the previous page.
    pub after: Option<(chrono::DateTime<chrono::Utc>, Uuid)>,
}

/// Trip requests in start order within the caller's scope: a clerk's board,
/// a driver's own trips, everything for Office staff.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, limit))]
pub async fn list(env: &Env, who: &Acting, search: Search, limit: i64) -> Result<Listed, OpError> {
    let (principal, now) = (who.principal.clone(), env.clock.now());
    env.db
        .read(move |conn| {
            let scope = scope(conn, &principal)?;
            let filter = bookings::BookingFilter {
                status: search.status,
                now,
                board_id: search.board_id,
                vehicle_id: search.vehicle_id,
                driver_id: search.driver_id,
                from: search.from,
                to: search.to,
                after: search.after,
            };
            let list = bookings::list(conn, scope, &filter, limit)?;
            Listed::read(conn, list, now)
        })
        .await
}

/// One booking the caller may see.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id))]
pub async fn get(env: &Env, who: &Acting, id: Uuid) -> Result<Listed, OpError> {
    let (principal, now) = (who.principal.clone(), env.clock.now());
    env.db
        .read(move |conn| {
            let b = visible(conn, &principal, id)?;
            Listed::read(conn, vec![b], now)
        })
        .await
}

/// Files a trip request: to a manager when policy says so, otherwise with
/// the best free vehicle and driver at once, or on the waitlist.
///
/// With one writer (SQLite), the search for a vehicle and a driver reads a
/// snapshot beside other requests, and the write transaction only re-checks
/// and holds them. PostgreSQL's transactions already run side by side;
/// there the search stays in the transaction. Holds take their vehicles and
/// drivers in one order (see storage::occupancy), so a rush does not
/// deadlock; should PostgreSQL still break a lock cycle (e.g. with a
/// cancellation that re-offers several trips at once), the request is filed
/// again from the start rather than refused: nothing of the failed attempt
/// was kept.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, board = %new.board_id))]
pub async fn file(env: &Env, who: &Acting, new: NewBooking) -> Result<Listed, OpError> {
    let proposal = if env.db.one_writer() {
        let (asked, clock) = (new.clone(), env.clock.clone());
        env.db
            .read(move |conn| {
                let ctx = FleetContext::load(conn, clock.now())?;
                propose(conn, &asked, &ctx)
            })
            .await?
    } else {
        None
    };
    let requester = who.principal.user_id;
    let mut attempt = 0;
    let booking = loop {
        let (actor, new, proposal) = (who.actor.clone(), new.clone(), proposal.clone());
        let clock = env.clock.clone();
        let filed = env
            .db
            .write(move |conn| {
                let ctx = FleetContext::load(conn, clock.now())?;
                create(conn, &actor, requester, new, &ctx, proposal)
            })
            .await;
        match filed {
            Err(e) if lost_a_race(&e) && attempt < FILING_RETRIES => attempt += 1,
            other => break other?,
        }
    };
    let now = env.clock.now();
    env.db
        .read(move |conn| Listed::read(conn, vec![booking], now))
        .await
}

/// A step in a booking's life.
#[derive(Debug, Clone)]
pub enum Step {
    /// A manager approves a request policy sent to approval.
    Approve,
    /// A manager or the fleet desk refuses it, saying why.
    Reject { reason: String },
    /// The requester or the fleet desk withdraws it.
    Cancel { reason: Option<String> },
    /// The fleet desk picks the vehicle and the driver.
    Assign { vehicle_id: Uuid, driver_id: Uuid },
    /// The trip leaves.
    Start { odometer: Option<i64> },
    /// The trip is back, with its readings and costs.
    Complete(Completion),
}

/// Takes a booking the caller may see one step on.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id))]
pub async fn step(env: &Env, who: &Acting, id: Uuid, step: Step) -> Result<Listed, OpError> {
    let (who, clock) = (who.clone(), env.clock.clone());
    let booking = env
        .db
        .write(move |conn| {
            let ctx = FleetContext::load(conn, clock.now())?;
            // Lock first, so the visibility and crew checks see the row the
            // step will change (not one reassigned meanwhile).
            bookings::lock(conn, id)?;
            let seen = visible(conn, &who.principal, id)?;
            let actor = &who.actor;
            match step {
                Step::Approve => approve(conn, actor, id, &ctx),
                Step::Reject { reason } => reject(conn, actor, id, reason, &ctx),
                Step::Cancel { reason } => cancel(conn, actor, id, reason, &ctx),
                Step::Assign {
                    vehicle_id,
                    driver_id,
                } => assign(conn, actor, id, vehicle_id, driver_id, &ctx),
                Step::Start { odometer } => {
                    in_drivers_seat(conn, &who.principal, &seen)?;
                    start(conn, actor, id, odometer, &ctx)
                }
                Step::Complete(done) => {
                    in_drivers_seat(conn, &who.principal, &seen)?;
                    complete(conn, actor, id, done, &ctx)
                }
            }
        })
        .await?;
    let now = env.clock.now();
    env.db
        .read(move |conn| Listed::read(conn, vec![booking], now))
        .await
}

/// The vehicles (smallest first) and drivers free for a whole trip.
#[tracing::instrument(skip_all, fields(passengers))]
pub async fn availability(
    env: &Env,
    range: TimeRange,
    passengers: u8,
    category: Option<VehicleCategory>,
) -> Result<
    (
        Vec<crate::domain::fleet::vehicle::Vehicle>,
        Vec<crate::domain::fleet::driver::Driver>,
    ),
    OpError,
> {
    let clock = env.clock.clone();
    env.db
        .read(move |conn| {
            let ctx = FleetContext::load(conn, clock.now())?;
            let window = ctx.window(&range);
            let last_day = ctx.last_day(&range);
            let mut vs = vehicles::free(conn, &window, passengers + 1, category)?;
            vs.sort_by_key(|v| (v.seats, v.plate.clone()));
            let ds = drivers::free(conn, &window, last_day)?;
            Ok((vs, ds))
        })
        .await
}
