//! Office settings that administrators change.

use actix_web::{get, patch, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::ParseError;
use crate::domain::utilisation::calendar::{
    WorkingCalendar, parse_time, parse_weekday, weekday_name,
};
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::extract::Json;
use crate::http::guard::{Admins, Auth};
use crate::http::state::AppState;
use crate::ops::settings::{self as ops, FleetChange, NewCalendar};

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

fn fleet_view(s: ops::FleetSettings) -> FleetSettings {
    FleetSettings {
        approval_over_hours: s.policy.approval_over_hours,
        out_of_province_needs_approval: s.policy.out_of_province_needs_approval,
        turnaround_minutes: s.policy.turnaround_minutes,
        fuel_tolerance_percent: s.policy.fuel_tolerance_percent,
        office_timezone: s.office_timezone.name().to_owned(),
    }
}

/// The fleet settings in force.
#[utoipa::path(tag = "settings", responses((status = 200, description = "Settings", body = FleetSettings)))]
#[get("/settings/fleet")]
pub async fn get_fleet_settings(
    _auth: Auth,
    state: web::Data<AppState>,
) -> Result<web::Json<FleetSettings>, ApiError> {
    Ok(web::Json(fleet_view(ops::fleet(&state.env).await?)))
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
    let change = body.into_inner().parse()?;
    let after = ops::change_fleet(&state.env, &auth.acting(), change).await?;
    Ok(web::Json(fleet_view(after)))
}

impl UpdateFleetSettings {
    fn parse(self) -> Result<FleetChange, ApiError> {
        let office_timezone = match &self.office_timezone {
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
        Ok(FleetChange {
            approval_over_hours: self.approval_over_hours,
            out_of_province_needs_approval: self.out_of_province_needs_approval,
            turnaround_minutes: self.turnaround_minutes,
            fuel_tolerance_percent: self.fuel_tolerance_percent,
            office_timezone,
        })
    }
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
    let cal = ops::calendar(&state.env).await?;
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
    let new = body.into_inner().parse()?;
    let cal = ops::replace_calendar(&state.env, &auth.acting(), new).await?;
    Ok(web::Json(calendar_settings(&cal)))
}

impl PutCalendar {
    fn parse(self) -> Result<NewCalendar, ApiError> {
        let mut errors = FieldErrors::new();
        let mut days = Vec::new();
        for (i, d) in self.working_days.iter().enumerate() {
            if let Some(d) = errors.check(&format!("working_days[{i}]"), parse_weekday(d)) {
                days.push(d);
            }
        }
        let starts = errors.check("day_starts", parse_time(&self.day_starts));
        let ends = errors.check("day_ends", parse_time(&self.day_ends));
        let mut seen = std::collections::BTreeSet::new();
        for (i, h) in self.holidays.iter().enumerate() {
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
        let (Some(day_starts), Some(day_ends)) = (starts, ends) else {
            return Err(errors.into());
        };
        errors.finish()?;
        Ok(NewCalendar {
            working_days: days,
            day_starts,
            day_ends,
            holidays: self
                .holidays
                .into_iter()
                .map(|h| (h.date, h.name))
                .collect(),
            office_timezone: self.office_timezone,
        })
    }
}
