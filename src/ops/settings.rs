//! Office settings: the fleet policy with the office's time zone, and the
//! working calendar. Administrators change them; every change is audited
//! with the settings before and after.

use chrono::{NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use serde_json::json;

use crate::domain::ParseError;
use crate::domain::fleet::policy::FleetPolicy;
use crate::domain::utilisation::calendar::{WorkingCalendar, weekday_name};
use crate::ops::{Acting, Env, OpError};
use crate::storage::audit::{self, Change};
use crate::storage::{DbConn, settings};

/// The fleet policy and the office's time zone.
#[derive(Debug, Clone)]
pub struct FleetSettings {
    pub policy: FleetPolicy,
    pub office_timezone: Tz,
}

/// The changes asked for; what is `None` stays.
#[derive(Debug, Clone, Default)]
pub struct FleetChange {
    pub approval_over_hours: Option<u32>,
    pub out_of_province_needs_approval: Option<bool>,
    pub turnaround_minutes: Option<u32>,
    pub fuel_tolerance_percent: Option<u32>,
    pub office_timezone: Option<Tz>,
}

/// A working calendar as an administrator gave it, already parsed.
#[derive(Debug, Clone)]
pub struct NewCalendar {
    pub working_days: Vec<Weekday>,
    pub day_starts: NaiveTime,
    pub day_ends: NaiveTime,
    pub holidays: Vec<(NaiveDate, String)>,
    /// Must name the office's time zone if given (it is changed with the
    /// fleet settings).
    pub office_timezone: Option<String>,
}

fn fleet_settings(conn: &mut DbConn) -> Result<FleetSettings, OpError> {
    let (policy, office_timezone) = settings::fleet_policy(conn)?;
    Ok(FleetSettings {
        policy,
        office_timezone,
    })
}

fn fleet_snapshot(s: &FleetSettings) -> serde_json::Value {
    json!({
        "approval_over_hours": s.policy.approval_over_hours,
        "out_of_province_needs_approval": s.policy.out_of_province_needs_approval,
        "turnaround_minutes": s.policy.turnaround_minutes,
        "fuel_tolerance_percent": s.policy.fuel_tolerance_percent,
        "office_timezone": s.office_timezone.name(),
    })
}

fn calendar_snapshot(cal: &WorkingCalendar) -> serde_json::Value {
    json!({
        "working_days": cal.working_days().into_iter().map(weekday_name).collect::<Vec<_>>(),
        "day_starts": cal.day_starts().format("%H:%M").to_string(),
        "day_ends": cal.day_ends().format("%H:%M").to_string(),
        "holidays": cal.holidays().iter().map(|(date, name)| json!({"date": date, "name": name})).collect::<Vec<_>>(),
        "office_timezone": cal.tz().name(),
    })
}

fn record(
    conn: &mut DbConn,
    who: &Acting,
    before: serde_json::Value,
    after: serde_json::Value,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), OpError> {
    audit::record(
        conn,
        &Change {
            actor: &who.actor,
            action: "update",
            entity_type: "settings",
            entity_id: uuid::Uuid::nil(),
            board_id: None,
            before: Some(before),
            after: Some(after),
        },
        now,
    )?;
    Ok(())
}

/// The fleet settings in force.
#[tracing::instrument(skip_all)]
pub async fn fleet(env: &Env) -> Result<FleetSettings, OpError> {
    env.db.read(fleet_settings).await
}

/// Changes the fleet settings.
#[tracing::instrument(skip_all, fields(user = %who.principal.username))]
pub async fn change_fleet(
    env: &Env,
    who: &Acting,
    change: FleetChange,
) -> Result<FleetSettings, OpError> {
    let (who, now) = (who.clone(), env.clock.now());
    env.db
        .write(move |conn| {
            let before = fleet_settings(conn)?;
            let mut policy = before.policy;
            if let Some(v) = change.approval_over_hours {
                policy.approval_over_hours = v;
            }
            if let Some(v) = change.out_of_province_needs_approval {
                policy.out_of_province_needs_approval = v;
            }
            if let Some(v) = change.turnaround_minutes {
                policy.turnaround_minutes = v;
            }
            if let Some(v) = change.fuel_tolerance_percent {
                policy.fuel_tolerance_percent = v;
            }
            policy
                .check()
                .map_err(|(field, e)| OpError::invalid(field, e))?;
            let tz = change.office_timezone.unwrap_or(before.office_timezone);
            settings::set_fleet_policy(conn, &policy, tz, now)?;
            let after = fleet_settings(conn)?;
            record(
                conn,
                &who,
                fleet_snapshot(&before),
                fleet_snapshot(&after),
                now,
            )?;
            Ok(after)
        })
        .await
}

/// The working calendar in force.
#[tracing::instrument(skip_all)]
pub async fn calendar(env: &Env) -> Result<WorkingCalendar, OpError> {
    env.db
        .read(|conn| Ok(settings::working_calendar(conn)?))
        .await
}

/// Replaces the working calendar.
#[tracing::instrument(skip_all, fields(user = %who.principal.username))]
pub async fn replace_calendar(
    env: &Env,
    who: &Acting,
    new: NewCalendar,
) -> Result<WorkingCalendar, OpError> {
    let (who, now) = (who.clone(), env.clock.now());
    env.db
        .write(move |conn| {
            let before = settings::working_calendar(conn)?;
            if let Some(tz) = &new.office_timezone
                && tz.trim() != before.tz().name()
            {
                return Err(OpError::invalid(
                    "office_timezone",
                    ParseError::new(
                        "timezone_elsewhere",
                        format!(
                            "The office time zone is {}; change it in the fleet settings (PATCH /api/v1/settings/fleet).",
                            before.tz().name()
                        ),
                    ),
                ));
            }
            let cal = WorkingCalendar::new(
                before.tz(),
                &new.working_days,
                new.day_starts,
                new.day_ends,
                new.holidays
                    .into_iter()
                    .map(|(date, name)| (date, name.trim().to_owned())),
            )
            .map_err(|(field, e)| OpError::invalid(field, e))?;
            settings::set_working_calendar(conn, &cal, now)?;
            record(conn, &who, calendar_snapshot(&before), calendar_snapshot(&cal), now)?;
            Ok(cal)
        })
        .await
}

/// Today in the office's time zone: the day a report's default period ends
/// on. UTC's date is a day behind in Hà Nội from midnight to seven in the
/// morning.
pub async fn office_today(env: &Env) -> Result<NaiveDate, OpError> {
    let now = env.clock.now();
    let tz = env
        .db
        .read(|conn| Ok::<_, OpError>(settings::fleet_policy(conn)?.1))
        .await?;
    Ok(now.with_timezone(&tz).date_naive())
}
