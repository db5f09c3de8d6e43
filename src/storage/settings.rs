//! Settings: JSON documents by key, with typed access.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::schema::settings;
use super::{DbConn, to_db_time};
use crate::domain::fleet::policy::FleetPolicy;
use crate::domain::utilisation::calendar::{
    WorkingCalendar, parse_time, parse_weekday, weekday_name,
};

const FLEET_POLICY: &str = "fleet_policy";

#[derive(Serialize, Deserialize)]
struct StoredFleetPolicy {
    approval_over_hours: u32,
    out_of_province_needs_approval: bool,
    turnaround_minutes: u32,
    fuel_tolerance_percent: u32,
    office_timezone: String,
}

/// The fleet settings, with the office's time zone; defaults when never set.
pub fn fleet_policy(conn: &mut DbConn) -> QueryResult<(FleetPolicy, chrono_tz::Tz)> {
    let stored: Option<String> = settings::table
        .find(FLEET_POLICY)
        .select(settings::value)
        .first(conn)
        .optional()?;
    let Some(json) = stored else {
        return Ok((FleetPolicy::default(), chrono_tz::Asia::Ho_Chi_Minh));
    };
    let s: StoredFleetPolicy = serde_json::from_str(&json)
        .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?;
    let tz: chrono_tz::Tz = s
        .office_timezone
        .parse()
        .unwrap_or(chrono_tz::Asia::Ho_Chi_Minh);
    Ok((
        FleetPolicy {
            approval_over_hours: s.approval_over_hours,
            out_of_province_needs_approval: s.out_of_province_needs_approval,
            turnaround_minutes: s.turnaround_minutes,
            fuel_tolerance_percent: s.fuel_tolerance_percent,
        },
        tz,
    ))
}

pub fn set_fleet_policy(
    conn: &mut DbConn,
    policy: &FleetPolicy,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let json = serde_json::to_string(&StoredFleetPolicy {
        approval_over_hours: policy.approval_over_hours,
        out_of_province_needs_approval: policy.out_of_province_needs_approval,
        turnaround_minutes: policy.turnaround_minutes,
        fuel_tolerance_percent: policy.fuel_tolerance_percent,
        office_timezone: tz.name().to_owned(),
    })
    .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    let updated = diesel::update(settings::table.find(FLEET_POLICY))
        .set((
            settings::value.eq(&json),
            settings::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(settings::table)
            .values((
                settings::key.eq(FLEET_POLICY),
                settings::value.eq(&json),
                settings::updated_at.eq(to_db_time(now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

const WORKING_CALENDAR: &str = "working_calendar";

/// The working calendar as stored: weekdays, hours and holidays; the time
/// zone is the fleet settings' `office_timezone`.
#[derive(Serialize, Deserialize)]
struct StoredCalendar {
    working_days: Vec<String>,
    day_starts: String,
    day_ends: String,
    holidays: Vec<(chrono::NaiveDate, String)>,
}

fn stored_error(e: impl std::error::Error + Send + Sync + 'static) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(Box::new(e))
}

/// The office's working calendar; Monday–Friday 07:00–17:00 without
/// holidays when never set.
pub fn working_calendar(conn: &mut DbConn) -> QueryResult<WorkingCalendar> {
    let (_, tz) = fleet_policy(conn)?;
    let stored: Option<String> = settings::table
        .find(WORKING_CALENDAR)
        .select(settings::value)
        .first(conn)
        .optional()?;
    let Some(json) = stored else {
        let d = WorkingCalendar::default();
        return WorkingCalendar::new(tz, &d.working_days(), d.day_starts(), d.day_ends(), [])
            .map_err(|(_, e)| stored_error(e));
    };
    let s: StoredCalendar = serde_json::from_str(&json).map_err(stored_error)?;
    let days = s
        .working_days
        .iter()
        .map(|d| parse_weekday(d))
        .collect::<Result<Vec<_>, _>>()
        .map_err(stored_error)?;
    WorkingCalendar::new(
        tz,
        &days,
        parse_time(&s.day_starts).map_err(stored_error)?,
        parse_time(&s.day_ends).map_err(stored_error)?,
        s.holidays,
    )
    .map_err(|(_, e)| stored_error(e))
}

/// Replaces the working calendar (its time zone stays in the fleet
/// settings).
pub fn set_working_calendar(
    conn: &mut DbConn,
    cal: &WorkingCalendar,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let json = serde_json::to_string(&StoredCalendar {
        working_days: cal
            .working_days()
            .into_iter()
            .map(|d| weekday_name(d).to_owned())
            .collect(),
        day_starts: cal.day_starts().format("%H:%M").to_string(),
        day_ends: cal.day_ends().format("%H:%M").to_string(),
        holidays: cal
            .holidays()
            .iter()
            .map(|(d, n)| (*d, n.clone()))
            .collect(),
    })
    .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    let updated = diesel::update(settings::table.find(WORKING_CALENDAR))
        .set((
            settings::value.eq(&json),
            settings::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(settings::table)
            .values((
                settings::key.eq(WORKING_CALENDAR),
                settings::value.eq(&json),
                settings::updated_at.eq(to_db_time(now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}
