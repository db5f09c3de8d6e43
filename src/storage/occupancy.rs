//! Occupancy: which vehicle and which driver is held when, by an active
//! booking (its range widened by the turnaround gap) or by a block.
//!
//! This is where "never promised twice" is enforced by the database: two
//! rows of one vehicle or one driver never overlap (an exclusion constraint
//! on PostgreSQL, triggers on SQLite). Callers pick candidates from a
//! snapshot; if another transaction took one meanwhile, the insert fails
//! with [`Clash`] and the caller tries the next candidate.
//!
//! On PostgreSQL every hold first takes a transaction-scoped advisory lock
//! per vehicle and per driver it holds ([`lock_resources`]), in one order
//! (by key) and inside the savepoint of the attempt. Two transactions
//! inserting overlapping rows would otherwise each wait on the other's
//! uncommitted row under the exclusion constraint — a deadlock that
//! PostgreSQL breaks only after `deadlock_timeout` by failing one of them.
//! With the locks, the only transaction that can have an uncommitted hold
//! of a resource is the one holding its lock, so the insert never waits:
//! it succeeds or meets a committed hold at once. A refused attempt rolls
//! its savepoint back, which releases its locks; a transaction keeps only
//! the locks of the holds it made, until it ends.

use diesel::prelude::*;
use diesel::result::Error as DieselError;
use uuid::Uuid;

use super::prepared::{Prepared, Value};
use super::schema::occupancy;
use super::{DbConn, to_db_time, uuid_of};
use crate::domain::fleet::block::Resource;
use crate::domain::fleet::block::ResourceKind;
use crate::domain::time_range::TimeRange;

/// No hold lasts longer than a range may (92 days) plus the longest
/// turnaround (a day), so a hold overlapping `window` starts after this
/// instant. Bounding the index scan from both sides keeps overlap checks
/// from reading a resource's whole history.
pub fn earliest_overlapping_start(window: &TimeRange) -> chrono::DateTime<chrono::Utc> {
    window.start() - chrono::Duration::days(TimeRange::MAX_DAYS + 1)
}

/// The resource that was already taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clash {
    Vehicle,
    Driver,
}

fn clash_of(e: &DieselError) -> Option<Clash> {
    let DieselError::DatabaseError(_, info) = e else {
        return None;
    };
    let text = info.constraint_name().unwrap_or_else(|| info.message());
    if text.contains("occupancy_vehicle_no_overlap") {
        Some(Clash::Vehicle)
    } else if text.contains("occupancy_driver_no_overlap") {
        Some(Clash::Driver)
    } else {
        None
    }
}

fn insert_row(
    conn: &mut DbConn,
    resource: Resource,
    booking_id: Option<Uuid>,
    block_id: Option<Uuid>,
    window: &TimeRange,
) -> QueryResult<()> {
    let (vehicle_id, driver_id) = match resource {
        Resource::Vehicle(id) => (Some(id.to_string()), None),
        Resource::Driver(id) => (None, Some(id.to_string())),
    };
    diesel::insert_into(occupancy::table)
        .values((
            occupancy::id.eq(Uuid::now_v7().to_string()),
            occupancy::vehicle_id.eq(vehicle_id),
            occupancy::driver_id.eq(driver_id),
            occupancy::booking_id.eq(booking_id.map(|b| b.to_string())),
            occupancy::block_id.eq(block_id.map(|b| b.to_string())),
            occupancy::starts_at.eq(to_db_time(window.start())),
            occupancy::ends_at.eq(to_db_time(window.end())),
            occupancy::long_hold.eq(window.duration() > chrono::Duration::days(1)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The advisory lock key of a vehicle or a driver: the 64 random-ish low
/// bits of its UUID, with the lowest bit telling vehicles from drivers. Two
/// resources sharing a key only wait for each other a little longer.
pub fn lock_key(resource: Resource) -> i64 {
    let (id, kind) = match resource {
        Resource::Vehicle(id) => (id, 0),
        Resource::Driver(id) => (id, 1),
    };
    let low = u64::from_be_bytes(id.as_bytes()[8..16].try_into().expect("16-byte UUID"));
    ((low & !1) | kind) as i64
}

/// On PostgreSQL, waits for and takes the transaction-scoped advisory lock
/// of each resource, in ascending key order (so no two transactions wait
/// for each other in a cycle). Nothing on SQLite, whose single writer
/// already serialises holds.
pub fn lock_resources(conn: &mut DbConn, resources: &[Resource]) -> QueryResult<()> {
    use diesel::sql_types::BigInt;
    if matches!(conn, DbConn::Sqlite(_)) || resources.is_empty() {
        return Ok(());
    }
    let mut keys: Vec<i64> = resources.iter().map(|r| lock_key(*r)).collect();
    keys.sort_unstable();
    keys.dedup();
    // The select list is evaluated left to right: the locks are taken in
    // key order by one statement.
    let sql = format!(
        "SELECT COUNT(*) FROM (SELECT {}) l",
        vec!["pg_advisory_xact_lock(?)"; keys.len()].join(", ")
    );
    let values = keys.into_iter().map(Value::BigInt).collect();
    Prepared::new(sql, values).load_as::<BigInt, i64>(conn)?;
    Ok(())
}

/// Holds a vehicle and a driver for a booking over `window`, or reports which
/// of the two was taken. Runs in a savepoint so a clash leaves the
/// surrounding transaction usable (and, on PostgreSQL, gives back the
/// advisory locks the attempt took).
pub fn hold_booking(
    conn: &mut DbConn,
    booking_id: Uuid,
    vehicle_id: Uuid,
    driver_id: Uuid,
    window: &TimeRange,
) -> QueryResult<Result<(), Clash>> {
    let result = conn.transaction(|c| {
        lock_resources(
            c,
            &[Resource::Vehicle(vehicle_id), Resource::Driver(driver_id)],
        )?;
        insert_row(
            c,
            Resource::Vehicle(vehicle_id),
            Some(booking_id),
            None,
            window,
        )?;
        insert_row(
            c,
            Resource::Driver(driver_id),
            Some(booking_id),
            None,
            window,
        )
    });
    match result {
        Ok(()) => Ok(Ok(())),
        Err(e) => match clash_of(&e) {
            Some(clash) => Ok(Err(clash)),
            None => Err(e),
        },
    }
}

/// Holds the vehicle and the driver of many bookings at once (a replayed
/// year of demand), in multi-row INSERTs. The database still refuses any
/// overlap; a clash is an error here, not a retry.
pub fn hold_many(conn: &mut DbConn, holds: &[(Uuid, Uuid, Uuid, TimeRange)]) -> QueryResult<()> {
    let mut resources: Vec<Resource> = holds
        .iter()
        .flat_map(|(_, vehicle, driver, _)| {
            [Resource::Vehicle(*vehicle), Resource::Driver(*driver)]
        })
        .collect();
    resources.sort_unstable_by_key(|r| lock_key(*r));
    resources.dedup();
    for chunk in resources.chunks(super::BATCH_ROWS) {
        // Chunks in ascending key order keep the one order across statements.
        lock_resources(conn, chunk)?;
    }
    let rows: Vec<_> = holds
        .iter()
        .flat_map(|(booking, vehicle, driver, window)| {
            [
                (Some(vehicle.to_string()), None),
                (None, Some(driver.to_string())),
            ]
            .map(|(vehicle_id, driver_id)| {
                (
                    occupancy::id.eq(Uuid::now_v7().to_string()),
                    occupancy::vehicle_id.eq(vehicle_id),
                    occupancy::driver_id.eq(driver_id),
                    occupancy::booking_id.eq(Some(booking.to_string())),
                    occupancy::block_id.eq(None::<String>),
                    occupancy::starts_at.eq(to_db_time(window.start())),
                    occupancy::ends_at.eq(to_db_time(window.end())),
                    occupancy::long_hold.eq(window.duration() > chrono::Duration::days(1)),
                )
            })
        })
        .collect();
    for chunk in rows.chunks(super::BATCH_ROWS) {
        let insert = diesel::insert_into(occupancy::table).values(chunk.to_vec());
        match conn {
            DbConn::Sqlite(c) => insert.execute(c)?,
            DbConn::Postgres(c) => insert.execute(c)?,
        };
    }
    Ok(())
}

/// Holds a vehicle or a driver for a block.
pub fn hold_block(
    conn: &mut DbConn,
    block_id: Uuid,
    resource: Resource,
    window: &TimeRange,
) -> QueryResult<Result<(), Clash>> {
    let result = conn.transaction(|c| {
        lock_resources(c, &[resource])?;
        insert_row(c, resource, None, Some(block_id), window)
    });
    match result {
        Ok(()) => Ok(Ok(())),
        Err(e) => match clash_of(&e) {
            Some(clash) => Ok(Err(clash)),
            None => Err(e),
        },
    }
}

pub fn release_booking(conn: &mut DbConn, booking_id: Uuid) -> QueryResult<usize> {
    diesel::delete(occupancy::table.filter(occupancy::booking_id.eq(booking_id.to_string())))
        .execute(conn)
}

pub fn release_block(conn: &mut DbConn, block_id: Uuid) -> QueryResult<usize> {
    diesel::delete(occupancy::table.filter(occupancy::block_id.eq(block_id.to_string())))
        .execute(conn)
}

/// Bookings holding `resource` at some moment of `window`.
pub fn bookings_holding(
    conn: &mut DbConn,
    resource: Resource,
    window: &TimeRange,
) -> QueryResult<Vec<Uuid>> {
    let mut query = occupancy::table
        .filter(occupancy::booking_id.is_not_null())
        .filter(occupancy::starts_at.lt(to_db_time(window.end())))
        .filter(occupancy::starts_at.gt(to_db_time(earliest_overlapping_start(window))))
        .filter(occupancy::ends_at.gt(to_db_time(window.start())))
        .select(occupancy::booking_id)
        .into_boxed();
    query = match resource {
        Resource::Vehicle(id) => query.filter(occupancy::vehicle_id.eq(id.to_string())),
        Resource::Driver(id) => query.filter(occupancy::driver_id.eq(id.to_string())),
    };
    query
        .load::<Option<String>>(conn)?
        .into_iter()
        .flatten()
        .map(|s| uuid_of(&s))
        .collect()
}

/// Whether a block holds `resource` at some moment of `window`.
pub fn blocked(conn: &mut DbConn, resource: Resource, window: &TimeRange) -> QueryResult<bool> {
    let mut query = occupancy::table
        .filter(occupancy::block_id.is_not_null())
        .filter(occupancy::starts_at.lt(to_db_time(window.end())))
        .filter(occupancy::starts_at.gt(to_db_time(earliest_overlapping_start(window))))
        .filter(occupancy::ends_at.gt(to_db_time(window.start())))
        .into_boxed();
    query = match resource {
        Resource::Vehicle(id) => query.filter(occupancy::vehicle_id.eq(id.to_string())),
        Resource::Driver(id) => query.filter(occupancy::driver_id.eq(id.to_string())),
    };
    Ok(query.count().get_result::<i64>(conn)? > 0)
}

/// The SQL of "`{column}` of `r` holds nothing overlapping the window",
/// for [`free_among`]: the same two index-bounded searches as the diesel
/// queries of `free`, with the placeholders of [`free_values`].
pub(super) fn free_sql(column: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM occupancy o WHERE o.{column} = r.id AND o.long_hold = FALSE \
           AND o.ends_at > ? AND o.starts_at < ? AND o.starts_at >= ?) \
         AND NOT EXISTS (SELECT 1 FROM occupancy o WHERE o.{column} = r.id AND o.long_hold = TRUE \
           AND o.ends_at > ? AND o.starts_at < ? AND o.starts_at > ?)"
    )
}

/// The values of [`free_sql`]: the window's start and end and a day before
/// its start; again its start and end, and the earliest start of an
/// overlapping hold.
pub(super) fn free_values(window: &TimeRange) -> [Value; 6] {
    let (start, end) = (to_db_time(window.start()), to_db_time(window.end()));
    [
        Value::Timestamp(start),
        Value::Timestamp(end),
        Value::Timestamp(to_db_time(
            window.start() - chrono::Duration::seconds(86_402),
        )),
        Value::Timestamp(start),
        Value::Timestamp(end),
        Value::Timestamp(to_db_time(earliest_overlapping_start(window))),
    ]
}

/// Most ids probed for freedom by one query.
pub const PROBE_BATCH: usize = 32;

/// For each of `ids` (at most [`PROBE_BATCH`] vehicles or drivers), whether
/// it holds nothing overlapping `window`: one query over the occupancy
/// index, whatever the number of ids.
pub fn free_among(
    conn: &mut DbConn,
    kind: ResourceKind,
    ids: &[Uuid],
    window: &TimeRange,
) -> QueryResult<Vec<bool>> {
    use super::columns::Id;
    use diesel::sql_types::Text;
    assert!(
        ids.len() <= PROBE_BATCH,
        "one probe asks about {PROBE_BATCH} ids at most"
    );
    let Some(last) = ids.last() else {
        return Ok(Vec::new());
    };
    let (table, column) = match kind {
        ResourceKind::Vehicles => ("vehicles", "vehicle_id"),
        ResourceKind::Drivers => ("drivers", "driver_id"),
    };
    // One prepared statement per size (4, 8, 16 or 32 ids): a short list
    // repeats its last id rather than binding 32.
    let size = ids.len().next_power_of_two().clamp(4, PROBE_BATCH);
    let placeholders = vec!["?"; size].join(", ");
    let sql = format!(
        "SELECT r.id FROM {table} r WHERE r.id IN ({placeholders}) AND {free}",
        free = free_sql(column),
    );
    let mut values: Vec<Value> = ids
        .iter()
        .map(|id| Value::Text(Some(id.to_string())))
        .collect();
    values.resize(size, Value::Text(Some(last.to_string())));
    values.extend(free_values(window));
    let free: Vec<Id> = Prepared::new(sql, values).load_as::<Text, Id>(conn)?;
    Ok(ids.iter().map(|id| free.contains(&Id(*id))).collect())
}

/// Minutes booked per vehicle and per driver in one week.
#[derive(Debug, Default)]
pub struct WeekLoad {
    vehicles: std::collections::HashMap<Uuid, i64>,
    drivers: std::collections::HashMap<Uuid, i64>,
}

impl WeekLoad {
    pub fn vehicle(&self, id: &Uuid) -> i64 {
        self.vehicles.get(id).copied().unwrap_or(0)
    }

    pub fn driver(&self, id: &Uuid) -> i64 {
        self.drivers.get(id).copied().unwrap_or(0)
    }
}

/// The minutes each vehicle and each driver is booked in `week`, as
/// counted for balancing: confirmed, running and completed trips. One scan
/// of the week's bookings over the `(status, starts_at, vehicle, driver,
/// minutes)` index, which holds every column read.
pub fn week_load(conn: &mut DbConn, week: &TimeRange) -> QueryResult<WeekLoad> {
    use super::columns::Id;
    use diesel::sql_types::{BigInt, Nullable, Text};
    let query = Prepared::new(
        "SELECT b.vehicle_id, b.driver_id, CAST(b.planned_minutes AS BIGINT) \
         FROM bookings b \
         WHERE b.status IN ('confirmed', 'in_progress', 'completed') \
           AND b.starts_at >= ? AND b.starts_at < ?"
            .to_owned(),
        vec![
            Value::Timestamp(to_db_time(week.start())),
            Value::Timestamp(to_db_time(week.end())),
        ],
    );
    let rows: Vec<(Option<Id>, Option<Id>, i64)> =
        query.load_as::<(Nullable<Text>, Nullable<Text>, BigInt), _>(conn)?;
    let mut load = WeekLoad::default();
    for (vehicle, driver, minutes) in rows {
        if let Some(Id(v)) = vehicle {
            *load.vehicles.entry(v).or_default() += minutes;
        }
        if let Some(Id(d)) = driver {
            *load.drivers.entry(d).or_default() += minutes;
        }
    }
    Ok(load)
}
