//! Drivers: queries, and the free drivers for a time window.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::dsl::{exists, not};
use diesel::prelude::*;
use uuid::Uuid;

use super::occupancy::WeekLoad;
use super::schema::{drivers, occupancy};
use super::{DbConn, opt_uuid_of, stored, to_db_time, uuid_of};
use crate::domain::fleet::assignment::DriverOption;
use crate::domain::fleet::block::Resource;
use crate::domain::fleet::driver::{Driver, DriverStatus, LicenceClass, LicenceNumber, Phone};
use crate::domain::time_range::TimeRange;
use crate::domain::user::FullName;

#[derive(Queryable, Selectable)]
#[diesel(table_name = drivers)]
struct DriverRow {
    id: String,
    full_name: String,
    licence_number: String,
    licence_class: String,
    licence_expires_on: chrono::NaiveDate,
    phone: Option<String>,
    status: String,
    origin_board_id: String,
    user_id: Option<String>,
    calendar_key: String,
}

impl DriverRow {
    fn into_driver(self) -> QueryResult<Driver> {
        Ok(Driver {
            id: uuid_of(&self.id)?,
            full_name: stored(FullName::parse(&self.full_name))?,
            licence_number: stored(LicenceNumber::parse(&self.licence_number))?,
            licence_class: stored(LicenceClass::parse(&self.licence_class))?,
            licence_expires_on: self.licence_expires_on,
            phone: stored(self.phone.as_deref().map(Phone::parse).transpose())?,
            status: stored(DriverStatus::parse(&self.status))?,
            origin_board_id: uuid_of(&self.origin_board_id)?,
            user_id: opt_uuid_of(self.user_id.as_deref())?,
            calendar_key: self.calendar_key,
        })
    }
}

/// Registers a driver, opening its stay in the pool if it comes in active.
pub fn insert(conn: &mut DbConn, d: &Driver, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::insert_into(drivers::table)
        .values((
            drivers::id.eq(d.id.to_string()),
            drivers::full_name.eq(d.full_name.as_str()),
            drivers::licence_number.eq(d.licence_number.as_str()),
            drivers::licence_class.eq(d.licence_class.as_str()),
            drivers::licence_expires_on.eq(d.licence_expires_on),
            drivers::phone.eq(d.phone.as_ref().map(Phone::as_str)),
            drivers::status.eq(d.status.as_str()),
            drivers::origin_board_id.eq(d.origin_board_id.to_string()),
            drivers::user_id.eq(d.user_id.map(|u| u.to_string())),
            drivers::calendar_key.eq(&d.calendar_key),
            drivers::created_at.eq(to_db_time(now)),
            drivers::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    super::pool_periods::keep(
        conn,
        Resource::Driver(d.id),
        d.status == DriverStatus::Active,
        now,
    )?;
    Ok(())
}

/// Saves a driver; a change of status opens or closes its stay in the
/// pool at `now` (see `pool_periods::keep`).
pub fn update(conn: &mut DbConn, d: &Driver, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(drivers::table.find(d.id.to_string()))
        .set((
            drivers::full_name.eq(d.full_name.as_str()),
            drivers::licence_number.eq(d.licence_number.as_str()),
            drivers::licence_class.eq(d.licence_class.as_str()),
            drivers::licence_expires_on.eq(d.licence_expires_on),
            drivers::phone.eq(d.phone.as_ref().map(Phone::as_str)),
            drivers::status.eq(d.status.as_str()),
            drivers::origin_board_id.eq(d.origin_board_id.to_string()),
            drivers::user_id.eq(d.user_id.map(|u| u.to_string())),
            drivers::calendar_key.eq(&d.calendar_key),
            drivers::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    super::pool_periods::keep(
        conn,
        Resource::Driver(d.id),
        d.status == DriverStatus::Active,
        now,
    )?;
    Ok(())
}

/// Locks a driver's row for the transaction (PostgreSQL `FOR UPDATE`).
pub fn lock(conn: &mut DbConn, id: Uuid) -> QueryResult<()> {
    if let DbConn::Postgres(pg) = conn {
        drivers::table
            .find(id.to_string())
            .select(drivers::id)
            .for_update()
            .load::<String>(pg)?;
    }
    Ok(())
}

pub fn find(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<Driver>> {
    drivers::table
        .find(id.to_string())
        .select(DriverRow::as_select())
        .first(conn)
        .optional()?
        .map(DriverRow::into_driver)
        .transpose()
}

/// Reads a driver and, on PostgreSQL, holds a share lock on its row until
/// the transaction ends, so they cannot be deactivated meanwhile.
pub fn find_for_share(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<Driver>> {
    if let DbConn::Postgres(pg) = conn {
        drivers::table
            .find(id.to_string())
            .select(drivers::id)
            .for_share()
            .load::<String>(pg)?;
    }
    find(conn, id)
}

pub fn find_by_licence(conn: &mut DbConn, number: &LicenceNumber) -> QueryResult<Option<Driver>> {
    drivers::table
        .filter(drivers::licence_number.eq(number.as_str()))
        .select(DriverRow::as_select())
        .first(conn)
        .optional()?
        .map(DriverRow::into_driver)
        .transpose()
}

/// The driver record linked to a sign-in account.
pub fn find_by_user(conn: &mut DbConn, user_id: Uuid) -> QueryResult<Option<Driver>> {
    drivers::table
        .filter(drivers::user_id.eq(user_id.to_string()))
        .select(DriverRow::as_select())
        .first(conn)
        .optional()?
        .map(DriverRow::into_driver)
        .transpose()
}

pub fn find_by_calendar_key(conn: &mut DbConn, key: &str) -> QueryResult<Option<Driver>> {
    drivers::table
        .filter(drivers::calendar_key.eq(key))
        .select(DriverRow::as_select())
        .first(conn)
        .optional()?
        .map(DriverRow::into_driver)
        .transpose()
}

pub fn by_ids(conn: &mut DbConn, ids: &[Uuid]) -> QueryResult<HashMap<Uuid, Driver>> {
    if ids.len() <= super::ONE_BY_ONE {
        return super::each_by_id(ids, |id| find(conn, id));
    }
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    drivers::table
        .filter(drivers::id.eq_any(ids))
        .select(DriverRow::as_select())
        .load::<DriverRow>(conn)?
        .into_iter()
        .map(|r| r.into_driver().map(|d| (d.id, d)))
        .collect()
}

#[derive(Debug, Default, Clone)]
pub struct DriverFilter {
    pub status: Option<DriverStatus>,
    pub origin_board_id: Option<Uuid>,
    /// Keyset cursor: the id of the last driver of the previous page.
    pub after_id: Option<Uuid>,
}

/// Drivers in id (creation) order.
pub fn list(conn: &mut DbConn, filter: &DriverFilter, limit: i64) -> QueryResult<Vec<Driver>> {
    let mut query = drivers::table
        .select(DriverRow::as_select())
        .order(drivers::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(s) = filter.status {
        query = query.filter(drivers::status.eq(s.as_str()));
    }
    if let Some(b) = filter.origin_board_id {
        query = query.filter(drivers::origin_board_id.eq(b.to_string()));
    }
    if let Some(after) = filter.after_id {
        query = query.filter(drivers::id.gt(after.to_string()));
    }
    query
        .load::<DriverRow>(conn)?
        .into_iter()
        .map(DriverRow::into_driver)
        .collect()
}

/// Active drivers whose licence is valid through `valid_through` and who
/// have no trip or leave overlapping `window`.
pub fn free(
    conn: &mut DbConn,
    window: &TimeRange,
    valid_through: chrono::NaiveDate,
) -> QueryResult<Vec<Driver>> {
    let start = to_db_time(window.start());
    let end = to_db_time(window.end());
    let earliest = to_db_time(super::occupancy::earliest_overlapping_start(window));
    let recent = to_db_time(window.start() - chrono::Duration::seconds(86_402));
    drivers::table
        .filter(drivers::status.eq(DriverStatus::Active.as_str()))
        .filter(drivers::licence_expires_on.ge(valid_through))
        // Two searches, each bounded on both sides by the index: short holds
        // (a day or less, guaranteed by a check constraint) start at most a
        // day before the window; long ones within the longest range.
        .filter(not(exists(
            occupancy::table
                .filter(occupancy::driver_id.eq(drivers::id.nullable()))
                .filter(occupancy::long_hold.eq(false))
                .filter(occupancy::starts_at.ge(recent))
                .filter(occupancy::starts_at.lt(end))
                .filter(occupancy::ends_at.gt(start)),
        )))
        .filter(not(exists(
            occupancy::table
                .filter(occupancy::driver_id.eq(drivers::id.nullable()))
                .filter(occupancy::long_hold.eq(true))
                .filter(occupancy::starts_at.lt(end))
                .filter(occupancy::starts_at.gt(earliest))
                .filter(occupancy::ends_at.gt(start)),
        )))
        .select(DriverRow::as_select())
        .order(drivers::id.asc())
        .load::<DriverRow>(conn)?
        .into_iter()
        .map(DriverRow::into_driver)
        .collect()
}

/// Active drivers whose licence is valid through `valid_through`, free or
/// not, as assignment options with the minutes each is booked in the week
/// of `load` (see [`super::vehicles::fitting_options`]).
pub fn licensed_options(
    conn: &mut DbConn,
    valid_through: chrono::NaiveDate,
    load: &WeekLoad,
) -> QueryResult<Vec<DriverOption>> {
    use super::columns::{Day, Id, Word};
    use super::prepared::{Prepared, Value};
    use diesel::sql_types::{Date, Text};
    let rows: Vec<(Id, Word, Day)> = Prepared::new(
        "SELECT id, licence_class, licence_expires_on FROM drivers \
         WHERE status = 'active' AND licence_expires_on >= ?"
            .to_owned(),
        vec![Value::Date(valid_through)],
    )
    .load_as::<(Text, Text, Date), _>(conn)?;
    rows.into_iter()
        .map(|(Id(id), class, Day(expires))| {
            Ok(DriverOption {
                booked_minutes: load.driver(&id),
                id,
                licence_class: stored(LicenceClass::parse(class.as_str()))?,
                licence_expires_on: expires,
            })
        })
        .collect()
}

/// Free drivers whose licence is valid through `valid_through`, as
/// assignment options with the minutes each is booked in the week of
/// `load` (assignment ranks them): one query, for PostgreSQL (see
/// [`super::vehicles::free_options`]).
pub fn free_options(
    conn: &mut DbConn,
    window: &TimeRange,
    valid_through: chrono::NaiveDate,
    load: &WeekLoad,
) -> QueryResult<Vec<DriverOption>> {
    Ok(free(conn, window, valid_through)?
        .into_iter()
        .map(|d| DriverOption {
            booked_minutes: load.driver(&d.id),
            id: d.id,
            licence_class: d.licence_class,
            licence_expires_on: d.licence_expires_on,
        })
        .collect())
}
