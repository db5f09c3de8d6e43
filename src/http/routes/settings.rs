//! Office settings that administrators change.

use actix_web::{get, patch, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::clock;
use crate::domain::ParseError;
use crate::domain::audit::Actor;
use crate::domain::utilisation::calendar::{
    WorkingCalendar, parse_time, parse_weekday, weekday_name,
};
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::extract::Json;
use crate::http::guard::{Admins, Auth};
use crate::http::state::AppState;
use crate::storage::audit::{self, Change};
use crate::storage::{settings, write_tx};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FleetSettings {
    /// Trips longer than this many hours need a manager's approval (1–744).
    pub approval_over_hours: u32,
    /// Trips leaving the province need a manager's approval.
    pub out_of_province_needs_approval: bool,
    /// Minutes a vehicle and driver need between trips (0–1440).
    pub turnaround_minutes: u32,
    /// Fuel above the norm by more than this percentage is flagged (0–100).
    pub fuel_tolerance_percent: u32,
    /// IANA time zone of the office's working calendar.
    #[schema(example = "Asia/Ho_Chi_Minh")]
    pub office_timezone: String,
}

fn load(conn: &mut crate::storage::DbConn) -> Result<FleetSettings, ApiError> {
    let (p, tz) = settings::fleet_policy(conn)?;
    Ok(FleetSettings {
        approval_over_hours: p.approval_over_hours,
        out_of_province_needs_approval: p.out_of_province_needs_approval,
        turnaround_minutes: p.turnaround_minutes,
        fuel_tolerance_percent: p.fuel_tolerance_percent,
        office_timezone: tz.name().to_owned(),
    })
}

/// The fleet settings in force.
#[utoipa::path(tag = "settings", responses((status = 200, description = "Settings", body = FleetSettings)))]
#[get("/settings/fleet")]
pub async fn get_fleet_settings(
    _auth: Auth,
    state: web::Data<AppState>,
) -> Result<web::Json<FleetSettings>, ApiError> {
    Ok(web::Json(state.db(load).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateFleetSettings {
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub approval_over_hours: Option<u32>,
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub out_of_province_needs_approval: Option<bool>,
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub turnaround_minutes: Option<u32>,
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub fuel_tolerance_percent: Option<u32>,
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub office_timezone: Option<String>,
}

/// Change the fleet settings (admin). New values apply to requests from now
/// on; confirmed trips keep their assignment.
#[utoipa::path(
    tag = "settings",
    request_body = UpdateFleetSettings,
    responses(
        (status = 200, description = "Updated", body = FleetSettings),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/settings/fleet")]
pub async fn update_fleet_settings(
    auth: Auth<Admins>,
    state: web::Data<AppState>,
    body: Json<UpdateFleetSettings>,
) -> Result<web::Json<FleetSettings>, ApiError> {
    let b = body.into_inner();
    let tz = match &b.office_timezone {
        Some(name) => Some(name.parse::<chrono_tz::Tz>().map_err(|_| {
            ApiError::validation(
                "office_timezone",
                ParseError::new(
                    "invalid_timezone",
                    format!("'{name}' is not an IANA time zone such as Asia/Ho_Chi_Minh."),
                ),
            )
        })?),
        None => None,
    };
    let actor: Actor = auth.actor();
    let after = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let before = load(conn)?;
                let (mut policy, old_tz) = settings::fleet_policy(conn)?;
                if let Some(v) = b.approval_over_hours {
                    policy.approval_over_hours = v;
                }
                if let Some(v) = b.out_of_province_needs_approval {
                    policy.out_of_province_needs_approval = v;
                }
                if let Some(v) = b.turnaround_minutes {
                    policy.turnaround_minutes = v;
                }
                if let Some(v) = b.fuel_tolerance_percent {
                    policy.fuel_tolerance_percent = v;
                }
                policy
                    .check()
                    .map_err(|(field, e)| ApiError::validation(field, e))?;
                let now = clock::now();
                settings::set_fleet_policy(conn, &policy, tz.unwrap_or(old_tz), now)?;
                let after = load(conn)?;
                audit::record(
                    conn,
                    &Change {
                        actor: &actor,
                        action: "update",
                        entity_type: "settings",
                        entity_id: uuid::Uuid::nil(),
                        board_id: None,
                        before: Some(audit::snapshot(&before)),
                        after: Some(audit::snapshot(&after)),
                    },
                    now,
                )?;
                Ok(after)
            })
        })
        .await?;
    Ok(web::Json(after))
}

/// A public holiday: no working hours that day.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    #[schema(value_type = String, format = Date, example = "2026-09-02")]
    pub date: chrono::NaiveDate,
    /// E.g. "Quốc khánh"; at most 200 characters.
    #[serde(default)]
    pub name: String,
}

/// The office's working calendar: bookable and shift hours are counted
/// inside it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CalendarSettings {
    /// Working weekdays: mon, tue, wed, thu, fri, sat, sun.
    #[schema(example = json!(["mon", "tue", "wed", "thu", "fri"]))]
    pub working_days: Vec<String>,
    /// Start of a working day, HH:MM office time.
    #[schema(example = "07:00")]
    pub day_starts: String,
    /// End of a working day, HH:MM office time, after the start.
    #[schema(example = "17:00")]
    pub day_ends: String,
    /// Public holidays, in date order.
    pub holidays: Vec<Holiday>,
    /// The office's time zone; set in the fleet settings.
    #[schema(example = "Asia/Ho_Chi_Minh")]
    pub office_timezone: String,
}

fn calendar_settings(cal: &WorkingCalendar) -> CalendarSettings {
    CalendarSettings {
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
            .map(|(date, name)| Holiday {
                date: *date,
                name: name.clone(),
            })
            .collect(),
        office_timezone: cal.tz().name().to_owned(),
    }
}

/// The working calendar in force (every signed-in user).
#[utoipa::path(tag = "settings", responses((status = 200, description = "The calendar", body = CalendarSettings)))]
#[get("/settings/calendar")]
pub async fn get_calendar(
    _auth: Auth,
    state: web::Data<AppState>,
) -> Result<web::Json<CalendarSettings>, ApiError> {
    let cal = state
        .db(|conn| Ok(settings::working_calendar(conn)?))
        .await?;
    Ok(web::Json(calendar_settings(&cal)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutCalendar {
    #[schema(example = json!(["mon", "tue", "wed", "thu", "fri"]))]
    pub working_days: Vec<String>,
    #[schema(example = "07:00")]
    pub day_starts: String,
    #[schema(example = "17:00")]
    pub day_ends: String,
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    /// Accepted so a calendar read can be sent back; it must equal the
    /// fleet settings' time zone, which is changed there.
    pub office_timezone: Option<String>,
}

/// Replaces the working calendar (admin). Reports use it from then on.
#[utoipa::path(
    tag = "settings",
    request_body = PutCalendar,
    responses(
        (status = 200, description = "Replaced", body = CalendarSettings),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/settings/calendar")]
pub async fn put_calendar(
    auth: Auth<Admins>,
    state: web::Data<AppState>,
    body: Json<PutCalendar>,
) -> Result<web::Json<CalendarSettings>, ApiError> {
    let b = body.into_inner();
    let mut errors = FieldErrors::new();
    let mut days = Vec::new();
    for (i, d) in b.working_days.iter().enumerate() {
        if let Some(d) = errors.check(&format!("working_days[{i}]"), parse_weekday(d)) {
            days.push(d);
        }
    }
    let starts = errors.check("day_starts", parse_time(&b.day_starts));
    let ends = errors.check("day_ends", parse_time(&b.day_ends));
    let mut seen = std::collections::BTreeSet::new();
    for (i, h) in b.holidays.iter().enumerate() {
        if !seen.insert(h.date) {
            errors.push(
                &format!("holidays[{i}].date"),
                ParseError::new(
                    "duplicate_holiday",
                    format!("{} is listed twice; list each holiday once.", h.date),
                ),
            );
        }
        if h.name.chars().count() > 200 || h.name.chars().any(char::is_control) {
            errors.push(
                &format!("holidays[{i}].name"),
                ParseError::new(
                    "invalid_holiday_name",
                    "A holiday's name is at most 200 characters, on one line.",
                ),
            );
        }
    }
    let (Some(starts), Some(ends)) = (starts, ends) else {
        return Err(errors.into());
    };
    errors.finish()?;
    let actor: Actor = auth.actor();
    let after = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let before = settings::working_calendar(conn)?;
                if let Some(tz) = &b.office_timezone
                    && tz.trim() != before.tz().name()
                {
                    return Err(ApiError::validation(
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
                    &days,
                    starts,
                    ends,
                    b.holidays.into_iter().map(|h| (h.date, h.name.trim().to_owned())),
                )
                .map_err(|(field, e)| ApiError::validation(field, e))?;
                let now = clock::now();
                settings::set_working_calendar(conn, &cal, now)?;
                let (before, after) = (calendar_settings(&before), calendar_settings(&cal));
                audit::record(
                    conn,
                    &Change {
                        actor: &actor,
                        action: "update",
                        entity_type: "settings",
                        entity_id: uuid::Uuid::nil(),
                        board_id: None,
                        before: Some(audit::snapshot(&before)),
                        after: Some(audit::snapshot(&after)),
                    },
                    now,
                )?;
                Ok(after)
            })
        })
        .await?;
    Ok(web::Json(after))
}
