//! Bookings: request, approve, assign (automatically or by hand), the
//! waitlist, cancel and reject, start and complete.

use serde_json::json;
use uuid::Uuid;

use super::FleetContext;
use crate::domain::ParseError;
use crate::domain::audit::Actor;
use crate::domain::fleet::assignment::{self, Need};
use crate::domain::fleet::block::Resource;
use crate::domain::fleet::booking::{Booking, BookingAction, BookingStatus, Priority, TripRecord};
use crate::domain::fleet::driver::DriverStatus;
use crate::domain::fleet::trip::{self, Litres, TripCosts};
use crate::domain::fleet::vehicle::{VehicleCategory, VehicleStatus};
use crate::domain::time_range::TimeRange;
use crate::ops::OpError;
use crate::ops::ledger::budget::Enforcement;
use crate::ops::ledger::trips;
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

/// How many of the best free vehicles and drivers are read first.
const SHORTLIST: usize = 16;

/// How much of the plan made from the short lists is the plan the whole
/// lists would give. Both lists are in preference order and every listed
/// vehicle fits, so the whole plan pairs each vehicle, in order, with its
/// first licensed driver. Where the short plan pairs the short list's
/// vehicles one after the other from the first, it found those same
/// drivers (every driver before them in the whole list is in the short list
/// too); from the first vehicle it had to skip, only the whole lists can
/// tell. Zero means the whole lists must decide.
fn shortlist_decides(plan: &[(Uuid, Uuid)], vehicles: &[assignment::VehicleOption]) -> usize {
    plan.iter()
        .zip(vehicles)
        .take_while(|((v, _), option)| *v == option.id)
        .count()
}

/// Finds a vehicle and a driver for `booking` and holds them. On success the
/// booking is `confirmed`; otherwise it is `waitlisted` with the reason.
/// Candidates come from a snapshot: if another transaction takes one first
/// (possible on PostgreSQL), the database refuses the hold and the next
/// candidate is tried.
fn auto_assign(
    conn: &mut DbConn,
    ctx: &FleetContext,
    booking: &mut Booking,
) -> Result<bool, OpError> {
    let window = ctx.window(&booking.range);
    let week = ctx.week_of(booking.range.start());
    let need = Need {
        passengers: booking.passengers,
        category: booking.category_wish,
        last_day: ctx.last_day(&booking.range),
    };
    // SQLite: first the best few of each in preference order; the whole
    // lists only when the short ones cannot decide (see `shortlist_decides`).
    // PostgreSQL: the whole lists at once, so concurrent requests that
    // clash on the best pair fall through the whole plan in one round.
    let mut limit = match conn {
        DbConn::Sqlite(_) => SHORTLIST,
        DbConn::Postgres(_) => usize::MAX,
    };
    let mut round = 0;
    while round < 3 {
        let free_vehicles = vehicles::free_options(
            conn,
            &window,
            &week,
            need.passengers + 1,
            need.category,
            limit,
        )?;
        let free_drivers = drivers::free_options(conn, &window, &week, need.last_day, limit)?;
        let mut plan = assignment::plan(&free_vehicles, &free_drivers, &need);
        if limit == SHORTLIST {
            limit = usize::MAX;
            let complete = free_vehicles.len() < SHORTLIST && free_drivers.len() < SHORTLIST;
            if !complete {
                let exact = shortlist_decides(&plan, &free_vehicles);
                if exact == 0 {
                    continue;
                }
                plan.truncate(exact);
            }
        }
        round += 1;
        if plan.is_empty() {
            let fitting = vehicles::count_fitting(conn, need.passengers, need.category)?;
            let why = assignment::why_nothing(fitting as usize, &free_vehicles, &need);
            booking.status = BookingStatus::Waitlisted;
            booking.status_reason = Some(why.explain(&need));
            booking.vehicle_id = None;
            booking.driver_id = None;
            return Ok(false);
        }
        let mut raced = false;
        for (vehicle_id, driver_id) in plan {
            // Another transaction may have retired the vehicle or changed the
            // driver since the snapshot: re-read both under a share lock
            // (PostgreSQL) before holding them.
            let still_fits = match (
                vehicles::find_for_share(conn, vehicle_id)?,
                drivers::find_for_share(conn, driver_id)?,
            ) {
                (Some(v), Some(d)) => {
                    v.status == VehicleStatus::Active
                        && need.vehicle_fits(v.seats.get(), v.category)
                        && d.status == DriverStatus::Active
                        && d.licence_class.covers(v.seats.get())
                        && d.licence_expires_on >= need.last_day
                }
                _ => false,
            };
            if !still_fits {
                raced = true;
                continue;
            }
            match occupancy::hold_booking(conn, booking.id, vehicle_id, driver_id, &window)? {
                Ok(()) => {
                    booking.status = BookingStatus::Confirmed;
                    booking.status_reason = None;
                    booking.vehicle_id = Some(vehicle_id);
                    booking.driver_id = Some(driver_id);
                    return Ok(true);
                }
                Err(_) => raced = true,
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

/// Files a trip request: refused if it starts in the past or the board is
/// unknown; sent to approval when policy says so; otherwise assigned at
/// once or waitlisted.
pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    requester_id: Uuid,
    new: NewBooking,
    ctx: &FleetContext,
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
    bookings::insert(conn, &booking, ctx.now)?;
    if approval.is_none() && auto_assign(conn, ctx, &mut booking)? {
        trips::commit(conn, &booking, Enforcement::Enforce, &ctx.ledger())?;
        bookings::save_state(conn, &booking, ctx.now)?;
    } else if approval.is_none() {
        bookings::save_state(conn, &booking, ctx.now)?;
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
    if auto_assign(conn, ctx, &mut after)? {
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
        retry_waitlist(conn, ctx, Some(&ctx.window(&before.range)))?;
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
        retry_waitlist(conn, ctx, Some(&window))?;
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
        retry_waitlist(conn, ctx, Some(&rest))?;
    }
    Ok(after)
}

/// Offers freed capacity to waiting requests: highest priority first, then
/// oldest first; only requests overlapping `window` when given.
pub fn retry_waitlist(
    conn: &mut DbConn,
    ctx: &FleetContext,
    window: Option<&TimeRange>,
) -> Result<Vec<Uuid>, OpError> {
    // A waiting trip ending up to one turnaround gap before the freed time
    // also needed it (its window includes the gap after it).
    let widened =
        window.and_then(|w| TimeRange::spanning(w.start() - ctx.policy.turnaround(), w.end()));
    let waiting = bookings::waitlisted(conn, widened.as_ref(), ctx.now, WAITLIST_BATCH)?;
    let mut served = Vec::new();
    for before in waiting {
        let mut after = before.clone();
        if auto_assign(conn, ctx, &mut after)? {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn option(n: u128) -> assignment::VehicleOption {
        assignment::VehicleOption {
            id: Uuid::from_u128(n),
            seats: 5,
            category: VehicleCategory::Sedan,
            booked_minutes: 0,
        }
    }

    #[test]
    fn the_short_plan_counts_only_while_it_pairs_the_vehicles_in_order() {
        let (v1, v2, v3) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let d = Uuid::from_u128(9);
        let vehicles = [option(1), option(2), option(3)];
        // Every vehicle found a driver among the short list: all of it holds.
        assert_eq!(
            shortlist_decides(&[(v1, d), (v2, d), (v3, d)], &vehicles),
            3
        );
        // The second vehicle found none: the whole list might have one for
        // it, so only the first pair is sure.
        assert_eq!(shortlist_decides(&[(v1, d), (v3, d)], &vehicles), 1);
        // The first vehicle found none: nothing is sure.
        assert_eq!(shortlist_decides(&[(v2, d), (v3, d)], &vehicles), 0);
        assert_eq!(shortlist_decides(&[], &vehicles), 0);
    }
}
