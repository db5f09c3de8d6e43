//! Bookings: queries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::bookings;
use super::{DbConn, from_db_time, opt_uuid_of, stored, to_db_time, uuid_of};
use crate::domain::access::BookingScope;
use crate::domain::fleet::booking::{Booking, BookingStatus, Priority, TripRecord};
use crate::domain::fleet::trip::{Litres, TripCosts};
use crate::domain::fleet::vehicle::VehicleCategory;
use crate::domain::fleet::waitlist::Reach;
use crate::domain::money::Money;
use crate::domain::time_range::TimeRange;

#[derive(Queryable, Selectable)]
#[diesel(table_name = bookings)]
struct BookingRow {
    id: String,
    board_id: String,
    requester_id: String,
    purpose: String,
    destination: String,
    out_of_province: bool,
    passengers: i32,
    starts_at: chrono::NaiveDateTime,
    ends_at: chrono::NaiveDateTime,
    category_wish: Option<String>,
    priority: i32,
    status: String,
    status_reason: Option<String>,
    vehicle_id: Option<String>,
    driver_id: Option<String>,
    odometer_start: Option<i64>,
    odometer_end: Option<i64>,
    fuel_centi: Option<i64>,
    fuel_allowed_centi: Option<i64>,
    fuel_flagged: Option<bool>,
    tolls_minor: Option<i64>,
    parking_minor: Option<i64>,
    other_cost_minor: Option<i64>,
    started_at: Option<chrono::NaiveDateTime>,
    completed_at: Option<chrono::NaiveDateTime>,
    created_at: chrono::NaiveDateTime,
}

impl BookingRow {
    fn into_booking(self) -> QueryResult<Booking> {
        let costs = match (self.tolls_minor, self.parking_minor, self.other_cost_minor) {
            (None, None, None) => None,
            (t, p, o) => Some(TripCosts {
                tolls: Money::from_minor(t.unwrap_or(0)),
                parking: Money::from_minor(p.unwrap_or(0)),
                other: Money::from_minor(o.unwrap_or(0)),
            }),
        };
        let trip =
            (self.odometer_start.is_some() || self.started_at.is_some()).then(|| TripRecord {
                odometer_start: self.odometer_start,
                odometer_end: self.odometer_end,
                fuel: self.fuel_centi.map(Litres::from_hundredths),
                fuel_allowed: self.fuel_allowed_centi.map(Litres::from_hundredths),
                fuel_flagged: self.fuel_flagged,
                costs,
                started_at: self.started_at.map(from_db_time),
                completed_at: self.completed_at.map(from_db_time),
            });
        Ok(Booking {
            id: uuid_of(&self.id)?,
            board_id: uuid_of(&self.board_id)?,
            requester_id: uuid_of(&self.requester_id)?,
            purpose: self.purpose,
            destination: self.destination,
            out_of_province: self.out_of_province,
            passengers: u8::try_from(self.passengers)
                .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?,
            range: stored(TimeRange::new(
                from_db_time(self.starts_at),
                from_db_time(self.ends_at),
            ))?,
            category_wish: stored(
                self.category_wish
                    .as_deref()
                    .map(VehicleCategory::parse)
                    .transpose(),
            )?,
            priority: Priority::from_i16(self.priority as i16),
            status: stored(BookingStatus::parse(&self.status))?,
            status_reason: self.status_reason,
            vehicle_id: opt_uuid_of(self.vehicle_id.as_deref())?,
            driver_id: opt_uuid_of(self.driver_id.as_deref())?,
            trip,
            created_at: from_db_time(self.created_at),
        })
    }
}

pub fn insert(conn: &mut DbConn, b: &Booking, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::insert_into(bookings::table)
        .values((
            bookings::id.eq(b.id.to_string()),
            bookings::board_id.eq(b.board_id.to_string()),
            bookings::requester_id.eq(b.requester_id.to_string()),
            bookings::purpose.eq(&b.purpose),
            bookings::destination.eq(&b.destination),
            bookings::out_of_province.eq(b.out_of_province),
            bookings::passengers.eq(i32::from(b.passengers)),
            bookings::starts_at.eq(to_db_time(b.range.start())),
            bookings::ends_at.eq(to_db_time(b.range.end())),
            bookings::planned_minutes.eq(b
                .range
                .duration()
                .num_minutes()
                .clamp(1, i64::from(i32::MAX)) as i32),
            bookings::category_wish.eq(b.category_wish.map(VehicleCategory::as_str)),
            bookings::priority.eq(i32::from(b.priority.as_i16())),
            bookings::status.eq(b.status.as_str()),
            bookings::status_reason.eq(&b.status_reason),
            bookings::vehicle_id.eq(b.vehicle_id.map(|v| v.to_string())),
            bookings::driver_id.eq(b.driver_id.map(|d| d.to_string())),
            bookings::created_at.eq(to_db_time(b.created_at)),
            bookings::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Writes the state of a booking: status, reason, assignment, trip record.
pub fn save_state(conn: &mut DbConn, b: &Booking, now: DateTime<Utc>) -> QueryResult<()> {
    let trip = b.trip.as_ref();
    let costs = trip.and_then(|t| t.costs);
    diesel::update(bookings::table.find(b.id.to_string()))
        .set((
            bookings::status.eq(b.status.as_str()),
            bookings::status_reason.eq(&b.status_reason),
            bookings::vehicle_id.eq(b.vehicle_id.map(|v| v.to_string())),
            bookings::driver_id.eq(b.driver_id.map(|d| d.to_string())),
            bookings::odometer_start.eq(trip.and_then(|t| t.odometer_start)),
            bookings::odometer_end.eq(trip.and_then(|t| t.odometer_end)),
            bookings::fuel_centi.eq(trip.and_then(|t| t.fuel).map(Litres::hundredths)),
            bookings::fuel_allowed_centi
                .eq(trip.and_then(|t| t.fuel_allowed).map(Litres::hundredths)),
            bookings::fuel_flagged.eq(trip.and_then(|t| t.fuel_flagged)),
            bookings::tolls_minor.eq(costs.map(|c| c.tolls.to_minor())),
            bookings::parking_minor.eq(costs.map(|c| c.parking.to_minor())),
            bookings::other_cost_minor.eq(costs.map(|c| c.other.to_minor())),
            bookings::started_at.eq(trip.and_then(|t| t.started_at).map(to_db_time)),
            bookings::completed_at.eq(trip.and_then(|t| t.completed_at).map(to_db_time)),
            bookings::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Locks a booking's row for the transaction (PostgreSQL `FOR UPDATE`).
pub fn lock(conn: &mut DbConn, id: Uuid) -> QueryResult<()> {
    if let DbConn::Postgres(pg) = conn {
        bookings::table
            .find(id.to_string())
            .select(bookings::id)
            .for_update()
            .load::<String>(pg)?;
    }
    Ok(())
}

pub fn find(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<Booking>> {
    bookings::table
        .find(id.to_string())
        .select(BookingRow::as_select())
        .first(conn)
        .optional()?
        .map(BookingRow::into_booking)
        .transpose()
}

pub fn by_ids(conn: &mut DbConn, ids: &[Uuid]) -> QueryResult<Vec<Booking>> {
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    bookings::table
        .filter(bookings::id.eq_any(ids))
        .select(BookingRow::as_select())
        .order(bookings::starts_at.asc())
        .load::<BookingRow>(conn)?
        .into_iter()
        .map(BookingRow::into_booking)
        .collect()
}

#[derive(Debug, Default, Clone)]
pub struct BookingFilter {
    /// The status as of `now`.
    pub status: Option<BookingStatus>,
    pub now: DateTime<Utc>,
    pub board_id: Option<Uuid>,
    pub vehicle_id: Option<Uuid>,
    pub driver_id: Option<Uuid>,
    /// Trips starting at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Trips starting before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Keyset cursor: start and id of the last booking of the previous page.
    pub after: Option<(DateTime<Utc>, Uuid)>,
}

/// Bookings within `scope`, in start order.
pub fn list(
    conn: &mut DbConn,
    scope: BookingScope,
    filter: &BookingFilter,
    limit: i64,
) -> QueryResult<Vec<Booking>> {
    let mut query = bookings::table
        .select(BookingRow::as_select())
        .order((bookings::starts_at.asc(), bookings::id.asc()))
        .limit(limit)
        .into_boxed();
    match scope {
        BookingScope::All => {}
        BookingScope::Board(b) => query = query.filter(bookings::board_id.eq(b.to_string())),
        BookingScope::Driver(d) => query = query.filter(bookings::driver_id.eq(d.to_string())),
        BookingScope::Nothing => return Ok(Vec::new()),
    }
    // Statuses as of `filter.now`: a waiting request whose start has passed
    // is unfulfilled even before the sweep records it (see
    // `Booking::status_at`).
    let waiting = [
        BookingStatus::Waitlisted.as_str(),
        BookingStatus::PendingApproval.as_str(),
    ];
    let now = to_db_time(filter.now);
    match filter.status {
        None => {}
        Some(BookingStatus::Unfulfilled) => {
            query = query.filter(
                bookings::status
                    .eq(BookingStatus::Unfulfilled.as_str())
                    .or(bookings::status
                        .eq_any(waiting)
                        .and(bookings::starts_at.le(now))),
            );
        }
        Some(s @ (BookingStatus::Waitlisted | BookingStatus::PendingApproval)) => {
            query = query
                .filter(bookings::status.eq(s.as_str()))
                .filter(bookings::starts_at.gt(now));
        }
        Some(s) => query = query.filter(bookings::status.eq(s.as_str())),
    }
    if let Some(b) = filter.board_id {
        query = query.filter(bookings::board_id.eq(b.to_string()));
    }
    if let Some(v) = filter.vehicle_id {
        query = query.filter(bookings::vehicle_id.eq(v.to_string()));
    }
    if let Some(d) = filter.driver_id {
        query = query.filter(bookings::driver_id.eq(d.to_string()));
    }
    if let Some(from) = filter.from {
        query = query.filter(bookings::starts_at.ge(to_db_time(from)));
    }
    if let Some(to) = filter.to {
        query = query.filter(bookings::starts_at.lt(to_db_time(to)));
    }
    if let Some((start, id)) = filter.after {
        let start = to_db_time(start);
        query = query.filter(
            bookings::starts_at.gt(start).or(bookings::starts_at
                .eq(start)
                .and(bookings::id.gt(id.to_string()))),
        );
    }
    query
        .load::<BookingRow>(conn)?
        .into_iter()
        .map(BookingRow::into_booking)
        .collect()
}

/// Waitlisted requests still to start that `reach` admits (the SQL of
/// [`Reach::admits`]): highest priority first, then oldest first.
pub fn waitlisted(
    conn: &mut DbConn,
    reach: &Reach,
    now: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<Booking>> {
    let mut query = bookings::table
        .filter(bookings::status.eq(BookingStatus::Waitlisted.as_str()))
        .filter(bookings::starts_at.gt(to_db_time(now)))
        .select(BookingRow::as_select())
        .order((
            bookings::priority.desc(),
            bookings::created_at.asc(),
            bookings::id.asc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some(w) = reach.window {
        query = query
            .filter(bookings::starts_at.lt(to_db_time(w.end())))
            .filter(bookings::ends_at.gt(to_db_time(w.start())));
    }
    if let Some(m) = reach.max_passengers {
        query = query.filter(bookings::passengers.le(i32::from(m)));
    }
    if let Some(c) = reach.category {
        query = query.filter(
            bookings::category_wish
                .is_null()
                .or(bookings::category_wish.eq(c.as_str())),
        );
    }
    if let Some(t) = reach.ends_by {
        query = query.filter(bookings::ends_at.le(to_db_time(t)));
    }
    query
        .load::<BookingRow>(conn)?
        .into_iter()
        .map(BookingRow::into_booking)
        .collect()
}

/// Waitlisted requests whose start has passed: they are unfulfilled.
pub fn waitlisted_started(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<Booking>> {
    bookings::table
        .filter(bookings::status.eq_any([
            BookingStatus::Waitlisted.as_str(),
            BookingStatus::PendingApproval.as_str(),
        ]))
        .filter(bookings::starts_at.le(to_db_time(now)))
        .select(BookingRow::as_select())
        .order(bookings::starts_at.asc())
        .limit(limit)
        .load::<BookingRow>(conn)?
        .into_iter()
        .map(BookingRow::into_booking)
        .collect()
}

/// Trips of a driver (active or completed) ending after `from`, for the
/// calendar.
pub fn driver_trips(
    conn: &mut DbConn,
    driver_id: Uuid,
    from: DateTime<Utc>,
) -> QueryResult<Vec<Booking>> {
    bookings::table
        .filter(bookings::driver_id.eq(driver_id.to_string()))
        .filter(bookings::status.eq_any(["confirmed", "in_progress", "completed"]))
        .filter(bookings::ends_at.gt(to_db_time(from)))
        .select(BookingRow::as_select())
        .order(bookings::starts_at.asc())
        .limit(1000)
        .load::<BookingRow>(conn)?
        .into_iter()
        .map(BookingRow::into_booking)
        .collect()
}

/// A trip request of a replayed year of demand, stored as it turned out:
/// completed or unfulfilled when it is over, confirmed (its vehicle and
/// driver held with [`crate::storage::occupancy::hold_many`]) or waitlisted
/// when it is not, or cancelled or rejected.
pub struct PastTrip {
    pub id: Uuid,
    pub board_id: Uuid,
    pub requester_id: Uuid,
    pub purpose: String,
    pub destination: String,
    pub out_of_province: bool,
    pub passengers: u8,
    pub range: TimeRange,
    pub category_wish: Option<VehicleCategory>,
    pub status: BookingStatus,
    pub status_reason: Option<String>,
    pub vehicle_id: Option<Uuid>,
    pub driver_id: Option<Uuid>,
    pub odometer: Option<(i64, i64)>,
    pub fuel_centi: Option<i64>,
}

/// Inserts replayed trips in multi-row INSERTs; the occupancy of the
/// confirmed ones is written by the caller.
pub fn insert_past_many(
    conn: &mut DbConn,
    trips: &[PastTrip],
    now: DateTime<Utc>,
) -> QueryResult<()> {
    for chunk in trips.chunks(super::BATCH_ROWS) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|t| {
                let done = t.status == BookingStatus::Completed;
                (
                    (
                        bookings::id.eq(t.id.to_string()),
                        bookings::board_id.eq(t.board_id.to_string()),
                        bookings::requester_id.eq(t.requester_id.to_string()),
                        bookings::purpose.eq(t.purpose.clone()),
                        bookings::destination.eq(t.destination.clone()),
                        bookings::out_of_province.eq(t.out_of_province),
                        bookings::passengers.eq(i32::from(t.passengers)),
                        bookings::starts_at.eq(to_db_time(t.range.start())),
                        bookings::ends_at.eq(to_db_time(t.range.end())),
                        bookings::planned_minutes.eq(t
                            .range
                            .duration()
                            .num_minutes()
                            .clamp(1, i64::from(i32::MAX))
                            as i32),
                        bookings::category_wish.eq(t.category_wish.map(VehicleCategory::as_str)),
                        bookings::priority.eq(0),
                    ),
                    (
                        bookings::status.eq(t.status.as_str()),
                        bookings::status_reason.eq(t.status_reason.clone()),
                        bookings::vehicle_id.eq(t.vehicle_id.map(|v| v.to_string())),
                        bookings::driver_id.eq(t.driver_id.map(|d| d.to_string())),
                        bookings::odometer_start.eq(t.odometer.map(|o| o.0)),
                        bookings::odometer_end.eq(t.odometer.map(|o| o.1)),
                        bookings::fuel_centi.eq(t.fuel_centi),
                        bookings::fuel_allowed_centi.eq(t.fuel_centi),
                        bookings::fuel_flagged.eq(done.then_some(false)),
                        bookings::started_at.eq(done.then(|| to_db_time(t.range.start()))),
                        bookings::completed_at.eq(done.then(|| to_db_time(t.range.end()))),
                        bookings::created_at.eq(to_db_time(
                            (t.range.start() - chrono::Duration::days(2)).min(now),
                        )),
                        bookings::updated_at.eq(to_db_time(now)),
                    ),
                )
            })
            .collect();
        let insert = diesel::insert_into(bookings::table).values(rows);
        match conn {
            DbConn::Sqlite(c) => insert.execute(c)?,
            DbConn::Postgres(c) => insert.execute(c)?,
        };
    }
    Ok(())
}

/// Whether any booking starts before `t`.
pub fn any_before(conn: &mut DbConn, t: DateTime<Utc>) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        bookings::table.filter(bookings::starts_at.lt(to_db_time(t))),
    ))
    .get_result(conn)
}
