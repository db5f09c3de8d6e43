//! Office settings that administrators change.

use actix_web::{get, patch, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::clock;
use crate::domain::ParseError;
use crate::domain::audit::Actor;
use crate::http::error::{ApiError, Problem};
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
    pub approval_over_hours: Option<u32>,
    pub out_of_province_needs_approval: Option<bool>,
    pub turnaround_minutes: Option<u32>,
    pub fuel_tolerance_percent: Option<u32>,
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
