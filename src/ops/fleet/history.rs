//! Loading a year of trip requests (`bookings.csv` of `demo generate`) for
//! report benchmarks: each request replayed on the pool in start order
//! ([`crate::domain::fleet::history`]) and stored as it turned out, in one
//! transaction: completed or unfulfilled once over; confirmed (vehicle and
//! driver held, the database checking every hold) or waitlisted while it is
//! still to come or running; cancelled or rejected as the file says.

use std::collections::HashMap;

use serde_json::json;
use uuid::Uuid;

use super::FleetContext;
use crate::domain::audit::Actor;
use crate::domain::fleet::booking::BookingStatus;
use crate::domain::fleet::driver::DriverStatus;
use crate::domain::fleet::history::{PoolDriver, PoolVehicle, Replay, Served, trip_km};
use crate::domain::fleet::vehicle::VehicleStatus;
use crate::domain::import::bookings::Outcome;
use crate::domain::import::{Problem, Stream, bookings as rows};
use crate::domain::user::Username;
use crate::storage::bookings::{self, PastTrip};
use crate::storage::{DbConn, audit, boards, drivers, occupancy, users, vehicles, write_tx};

/// What a load did.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub rows: usize,
    pub completed: usize,
    pub unfulfilled: usize,
    /// Served, still to come or running: their vehicle and driver are held.
    pub confirmed: usize,
    /// Not served and still to come.
    pub waitlisted: usize,
    pub cancelled: usize,
    pub rejected: usize,
}

/// Loads past trip requests read from `input` (separator `delimiter`),
/// requested by `requester`. Refused when the pool already has bookings
/// that started before now, or when a row is bad (its problems).
pub fn load(
    conn: &mut DbConn,
    actor: &Actor,
    input: impl std::io::Read,
    delimiter: u8,
    requester: &Username,
    progress: &mut dyn FnMut(usize),
) -> anyhow::Result<Loaded> {
    write_tx(conn, |c| -> anyhow::Result<Loaded> {
        let ctx = FleetContext::load(c, crate::clock::now())?;
        let requester = users::find_by_username(c, requester)?
            .ok_or_else(|| anyhow::anyhow!("no user is called {}", requester.as_str()))?;
        if bookings::any_before(c, ctx.now)? {
            anyhow::bail!(
                "the pool already has bookings in the past; load a year of bookings into a pool without history"
            );
        }
        let pool_vehicles: Vec<PoolVehicle> = vehicles::list(c, &Default::default(), i64::MAX)?
            .into_iter()
            .filter(|v| v.status == VehicleStatus::Active)
            .map(|v| PoolVehicle {
                id: v.id,
                seats: v.seats.get(),
                category: v.category,
            })
            .collect();
        let all = vehicles::list(c, &Default::default(), i64::MAX)?;
        let mut odometer: HashMap<Uuid, i64> = all.iter().map(|v| (v.id, v.odometer_km)).collect();
        let norms: HashMap<Uuid, i64> = all
            .iter()
            .map(|v| (v.id, i64::from(v.fuel_norm.hundredths())))
            .collect();
        let pool_drivers: Vec<PoolDriver> = drivers::list(c, &Default::default(), i64::MAX)?
            .into_iter()
            .filter(|d| d.status == DriverStatus::Active)
            .map(|d| PoolDriver {
                id: d.id,
                class: d.licence_class,
                expires_on: d.licence_expires_on,
            })
            .collect();
        let mut replay = Replay::new(&pool_vehicles, &pool_drivers, ctx.policy.turnaround());
        let mut board_ids: HashMap<String, Uuid> = HashMap::new();
        let mut stream = Stream::open(input, delimiter, rows::COLUMNS).map_err(problems)?;
        let mut loaded = Loaded::default();
        let mut batch: Vec<PastTrip> = Vec::with_capacity(5000);
        let mut holds = Vec::new();
        let mut last_start = None;
        while let Some(row) = stream.next_row(rows::parse_row) {
            let row = row.map_err(problems)?;
            let r = row.value;
            if last_start.is_some_and(|s| r.range.start() < s) {
                anyhow::bail!("row {}: the file must be in start order", row.row);
            }
            last_start = Some(r.range.start());
            let board_id = match board_ids.get(r.board.as_str()) {
                Some(id) => *id,
                None => {
                    let id = boards::find_by_code(c, &r.board)?
                        .ok_or_else(|| {
                            anyhow::anyhow!(
                                "row {}: no board has the code {}",
                                row.row,
                                r.board.as_str()
                            )
                        })?
                        .id;
                    board_ids.insert(r.board.as_str().to_owned(), id);
                    id
                }
            };
            let minutes = r.range.duration().num_minutes();
            let mut trip = PastTrip {
                id: Uuid::now_v7(),
                board_id,
                requester_id: requester.id,
                purpose: r.purpose,
                destination: r.destination,
                out_of_province: minutes >= 24 * 60,
                passengers: r.passengers,
                range: r.range,
                category_wish: r.category_wish,
                status: BookingStatus::Unfulfilled,
                status_reason: None,
                vehicle_id: None,
                driver_id: None,
                odometer: None,
                fuel_centi: None,
            };
            let over = r.range.end() <= ctx.now;
            match r.outcome {
                Outcome::Cancelled => {
                    trip.status = BookingStatus::Cancelled;
                    trip.status_reason = Some("Cancelled by the board.".to_owned());
                    loaded.cancelled += 1;
                }
                Outcome::Rejected => {
                    trip.status = BookingStatus::Rejected;
                    trip.status_reason = Some("Refused by a manager.".to_owned());
                    loaded.rejected += 1;
                }
                Outcome::Requested => match replay.serve(
                    &r.range,
                    ctx.last_day(&r.range),
                    r.passengers,
                    r.category_wish,
                ) {
                    Served::Assigned { vehicle, driver } if over => {
                        let km = trip_km(minutes);
                        let start = odometer.get(&vehicle).copied().unwrap_or(0);
                        odometer.insert(vehicle, start + km);
                        trip.status = BookingStatus::Completed;
                        trip.vehicle_id = Some(vehicle);
                        trip.driver_id = Some(driver);
                        trip.odometer = Some((start, start + km));
                        trip.fuel_centi =
                            Some(km * norms.get(&vehicle).copied().unwrap_or(0) / 100);
                        loaded.completed += 1;
                    }
                    Served::Assigned { vehicle, driver } => {
                        trip.status = BookingStatus::Confirmed;
                        trip.vehicle_id = Some(vehicle);
                        trip.driver_id = Some(driver);
                        holds.push((trip.id, vehicle, driver, ctx.window(&trip.range)));
                        loaded.confirmed += 1;
                    }
                    Served::Unmet(reason) if r.range.start() < ctx.now => {
                        trip.status_reason = Some(reason.to_owned());
                        loaded.unfulfilled += 1;
                    }
                    Served::Unmet(reason) => {
                        trip.status = BookingStatus::Waitlisted;
                        trip.status_reason = Some(reason.to_owned());
                        loaded.waitlisted += 1;
                    }
                },
            }
            loaded.rows += 1;
            batch.push(trip);
            if batch.len() == batch.capacity() {
                bookings::insert_past_many(c, &batch, ctx.now)?;
                occupancy::hold_many(c, &holds)?;
                batch.clear();
                holds.clear();
                progress(loaded.rows);
            }
        }
        bookings::insert_past_many(c, &batch, ctx.now)?;
        occupancy::hold_many(c, &holds)?;
        progress(loaded.rows);
        audit::record(
            c,
            &audit::Change {
                actor,
                action: "load_history",
                entity_type: "bookings",
                entity_id: Uuid::now_v7(),
                board_id: None,
                before: None,
                after: Some(json!({"rows": loaded.rows, "completed": loaded.completed,
                    "unfulfilled": loaded.unfulfilled, "confirmed": loaded.confirmed,
                    "waitlisted": loaded.waitlisted, "cancelled": loaded.cancelled,
                    "rejected": loaded.rejected})),
            },
            ctx.now,
        )?;
        Ok(loaded)
    })
}

fn problems(list: Vec<Problem>) -> anyhow::Error {
    let lines: Vec<String> = list.iter().take(5).map(Problem::sentence).collect();
    anyhow::anyhow!("{}", lines.join(" "))
}
