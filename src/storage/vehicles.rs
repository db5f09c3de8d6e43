//! Vehicles: queries, and the free vehicles for a time window.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::dsl::{exists, not};
use diesel::prelude::*;
use uuid::Uuid;

use super::occupancy::WeekLoad;
use super::schema::{occupancy, vehicles};
use super::{DbConn, stored, to_db_time, uuid_of};
use crate::domain::fleet::assignment::VehicleOption;
use crate::domain::fleet::block::Resource;
use crate::domain::fleet::vehicle::{
    FuelNorm, Plate, Seats, Vehicle, VehicleCategory, VehicleStatus,
};
use crate::domain::time_range::TimeRange;

#[derive(Queryable, Selectable)]
#[diesel(table_name = vehicles)]
struct VehicleRow {
    id: String,
    plate: String,
    model: String,
    seats: i32,
    category: String,
    fuel_norm_centi: i32,
    odometer_km: i64,
    status: String,
    origin_board_id: String,
}

impl VehicleRow {
    fn into_vehicle(self) -> QueryResult<Vehicle> {
        Ok(Vehicle {
            id: uuid_of(&self.id)?,
            plate: stored(Plate::parse(&self.plate))?,
            model: self.model,
            seats: stored(Seats::parse(i64::from(self.seats)))?,
            category: stored(VehicleCategory::parse(&self.category))?,
            fuel_norm: FuelNorm::from_hundredths(self.fuel_norm_centi),
            odometer_km: self.odometer_km,
            status: stored(VehicleStatus::parse(&self.status))?,
            origin_board_id: uuid_of(&self.origin_board_id)?,
        })
    }
}

/// Registers a vehicle, opening its stay in the pool if it comes in active.
pub fn insert(conn: &mut DbConn, v: &Vehicle, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::insert_into(vehicles::table)
        .values((
            vehicles::id.eq(v.id.to_string()),
            vehicles::plate.eq(v.plate.as_str()),
            vehicles::model.eq(&v.model),
            vehicles::seats.eq(i32::from(v.seats.get())),
            vehicles::category.eq(v.category.as_str()),
            vehicles::fuel_norm_centi.eq(v.fuel_norm.hundredths()),
            vehicles::odometer_km.eq(v.odometer_km),
            vehicles::status.eq(v.status.as_str()),
            vehicles::origin_board_id.eq(v.origin_board_id.to_string()),
            vehicles::created_at.eq(to_db_time(now)),
            vehicles::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    super::pool_periods::keep(
        conn,
        Resource::Vehicle(v.id),
        v.status == VehicleStatus::Active,
        now,
    )?;
    Ok(())
}

/// Saves a vehicle; a change of status opens or closes its stay in the
/// pool at `now` (see `pool_periods::keep`).
pub fn update(conn: &mut DbConn, v: &Vehicle, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(vehicles::table.find(v.id.to_string()))
        .set((
            vehicles::plate.eq(v.plate.as_str()),
            vehicles::model.eq(&v.model),
            vehicles::seats.eq(i32::from(v.seats.get())),
            vehicles::category.eq(v.category.as_str()),
            vehicles::fuel_norm_centi.eq(v.fuel_norm.hundredths()),
            vehicles::odometer_km.eq(v.odometer_km),
            vehicles::status.eq(v.status.as_str()),
            vehicles::origin_board_id.eq(v.origin_board_id.to_string()),
            vehicles::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    super::pool_periods::keep(
        conn,
        Resource::Vehicle(v.id),
        v.status == VehicleStatus::Active,
        now,
    )?;
    Ok(())
}

/// Locks a vehicle's row for the transaction (PostgreSQL `FOR UPDATE`).
pub fn lock(conn: &mut DbConn, id: Uuid) -> QueryResult<()> {
    if let DbConn::Postgres(pg) = conn {
        vehicles::table
            .find(id.to_string())
            .select(vehicles::id)
            .for_update()
            .load::<String>(pg)?;
    }
    Ok(())
}

pub fn find(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<Vehicle>> {
    vehicles::table
        .find(id.to_string())
        .select(VehicleRow::as_select())
        .first(conn)
        .optional()?
        .map(VehicleRow::into_vehicle)
        .transpose()
}

/// Reads a vehicle and, on PostgreSQL, holds a share lock on its row until
/// the transaction ends, so it cannot be retired or shrunk meanwhile.
pub fn find_for_share(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<Vehicle>> {
    if let DbConn::Postgres(pg) = conn {
        vehicles::table
            .find(id.to_string())
            .select(vehicles::id)
            .for_share()
            .load::<String>(pg)?;
    }
    find(conn, id)
}

pub fn find_by_plate(conn: &mut DbConn, plate: &Plate) -> QueryResult<Option<Vehicle>> {
    vehicles::table
        .filter(vehicles::plate.eq(plate.as_str()))
        .select(VehicleRow::as_select())
        .first(conn)
        .optional()?
        .map(VehicleRow::into_vehicle)
        .transpose()
}

/// Vehicles by id, for decorating lists.
pub fn by_ids(conn: &mut DbConn, ids: &[Uuid]) -> QueryResult<HashMap<Uuid, Vehicle>> {
    if ids.len() <= super::ONE_BY_ONE {
        return super::each_by_id(ids, |id| find(conn, id));
    }
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    vehicles::table
        .filter(vehicles::id.eq_any(ids))
        .select(VehicleRow::as_select())
        .load::<VehicleRow>(conn)?
        .into_iter()
        .map(|r| r.into_vehicle().map(|v| (v.id, v)))
        .collect()
}

#[derive(Debug, Default, Clone)]
pub struct VehicleFilter {
    pub status: Option<VehicleStatus>,
    pub category: Option<VehicleCategory>,
    pub origin_board_id: Option<Uuid>,
    /// Keyset cursor: the plate of the last vehicle of the previous page.
    pub after_plate: Option<String>,
}

pub fn list(conn: &mut DbConn, filter: &VehicleFilter, limit: i64) -> QueryResult<Vec<Vehicle>> {
    let mut query = vehicles::table
        .select(VehicleRow::as_select())
        .order(vehicles::plate.asc())
        .limit(limit)
        .into_boxed();
    if let Some(s) = filter.status {
        query = query.filter(vehicles::status.eq(s.as_str()));
    }
    if let Some(c) = filter.category {
        query = query.filter(vehicles::category.eq(c.as_str()));
    }
    if let Some(b) = filter.origin_board_id {
        query = query.filter(vehicles::origin_board_id.eq(b.to_string()));
    }
    if let Some(after) = &filter.after_plate {
        query = query.filter(vehicles::plate.gt(after.clone()));
    }
    query
        .load::<VehicleRow>(conn)?
        .into_iter()
        .map(VehicleRow::into_vehicle)
        .collect()
}

/// Active vehicles with at least `min_seats` seats (of `category`, if
/// given) and no trip or block overlapping `window`.
pub fn free(
    conn: &mut DbConn,
    window: &TimeRange,
    min_seats: u8,
    category: Option<VehicleCategory>,
) -> QueryResult<Vec<Vehicle>> {
    let start = to_db_time(window.start());
    let end = to_db_time(window.end());
    let earliest = to_db_time(super::occupancy::earliest_overlapping_start(window));
    let recent = to_db_time(window.start() - chrono::Duration::seconds(86_402));
    let mut query = vehicles::table
        .filter(vehicles::status.eq(VehicleStatus::Active.as_str()))
        .filter(vehicles::seats.ge(i32::from(min_seats)))
        .into_boxed();
    if let Some(c) = category {
        query = query.filter(vehicles::category.eq(c.as_str()));
    }
    query
        // Two searches, each bounded on both sides by the index: short holds
        // (a day or less, guaranteed by a check constraint) start at most a
        // day before the window; long ones within the longest range.
        .filter(not(exists(
            occupancy::table
                .filter(occupancy::vehicle_id.eq(vehicles::id.nullable()))
                .filter(occupancy::long_hold.eq(false))
                .filter(occupancy::starts_at.ge(recent))
                .filter(occupancy::starts_at.lt(end))
                .filter(occupancy::ends_at.gt(start)),
        )))
        .filter(not(exists(
            occupancy::table
                .filter(occupancy::vehicle_id.eq(vehicles::id.nullable()))
                .filter(occupancy::long_hold.eq(true))
                .filter(occupancy::starts_at.lt(end))
                .filter(occupancy::starts_at.gt(earliest))
                .filter(occupancy::ends_at.gt(start)),
        )))
        .select(VehicleRow::as_select())
        .order(vehicles::plate.asc())
        .load::<VehicleRow>(conn)?
        .into_iter()
        .map(VehicleRow::into_vehicle)
        .collect()
}

/// Active vehicles with at least `min_seats` (in `category`, if given),
/// free or not, as assignment options with the minutes each is booked in
/// the week of `load`. The caller asks which are free, best first
/// ([`super::occupancy::free_among`]): on SQLite a probe is cheap and the
/// best few are usually free.
pub fn fitting_options(
    conn: &mut DbConn,
    min_seats: u8,
    category: Option<VehicleCategory>,
    load: &WeekLoad,
) -> QueryResult<Vec<VehicleOption>> {
    use super::columns::{Id, Word};
    use super::prepared::{Prepared, Value};
    use diesel::sql_types::{Integer, Text};
    let category = category.map(|c| c.as_str().to_owned());
    let rows: Vec<(Id, i32, Word)> = Prepared::new(
        "SELECT id, seats, category FROM vehicles \
         WHERE status = 'active' AND seats >= ? AND (? IS NULL OR category = ?)"
            .to_owned(),
        vec![
            Value::Integer(i32::from(min_seats)),
            Value::Text(category.clone()),
            Value::Text(category),
        ],
    )
    .load_as::<(Text, Integer, Text), _>(conn)?;
    rows.into_iter()
        .map(|(Id(id), seats, category)| {
            Ok(VehicleOption {
                booked_minutes: load.vehicle(&id),
                id,
                seats: u8::try_from(seats)
                    .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?,
                category: stored(VehicleCategory::parse(category.as_str()))?,
            })
        })
        .collect()
}

/// Free vehicles with at least `min_seats` (in `category`, if given) as
/// assignment options, with the minutes each is booked in the week of
/// `load` (assignment ranks them): one query, for PostgreSQL, where each
/// probe would be a round trip.
pub fn free_options(
    conn: &mut DbConn,
    window: &TimeRange,
    min_seats: u8,
    category: Option<VehicleCategory>,
    load: &WeekLoad,
) -> QueryResult<Vec<VehicleOption>> {
    Ok(free(conn, window, min_seats, category)?
        .into_iter()
        .map(|v| VehicleOption {
            booked_minutes: load.vehicle(&v.id),
            id: v.id,
            seats: v.seats.get(),
            category: v.category,
        })
        .collect())
}

/// How many active vehicles could carry `passengers` (in `category`, if given).
pub fn count_fitting(
    conn: &mut DbConn,
    passengers: u8,
    category: Option<VehicleCategory>,
) -> QueryResult<i64> {
    let mut query = vehicles::table
        .filter(vehicles::status.eq(VehicleStatus::Active.as_str()))
        .filter(vehicles::seats.ge(i32::from(passengers) + 1))
        .into_boxed();
    if let Some(c) = category {
        query = query.filter(vehicles::category.eq(c.as_str()));
    }
    query.count().get_result(conn)
}
