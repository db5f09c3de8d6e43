//! Driver utilisation, as JSON or CSV.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{FleetReportReaders, asked, report_row};
use crate::domain::utilisation::{hours, percent};
use crate::http::error::{ApiError, Problem};
use crate::http::guard::Auth;
use crate::http::state::AppState;
use crate::http::tabular::{Answer, Output, rows_or_csv};
use crate::ops::reports::Boards;
use crate::ops::reports::driver_utilisation::{self as report, DriverLine};

report_row! {
    /// One driver: driving hours against shift hours.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    pub struct DriverUtilisationRow {
        pub driver_id: Uuid,
        pub full_name: String,
        /// The board that employed the driver before pooling.
        #[schema(example = "UBKT")]
        pub origin_board: String,
        /// active or inactive, today (shift hours count only the time the
        /// driver was in the pool).
        pub status: String,
        /// Working hours less leave.
        #[schema(example = "50.00")]
        pub shift_hours: String,
        /// All trip hours in the period.
        #[schema(example = "12.00")]
        pub driving_hours: String,
        /// Trip hours within shift hours.
        #[schema(example = "10.00")]
        pub in_shift_hours: String,
        /// Trip hours outside working hours.
        #[schema(example = "2.00")]
        pub overtime_hours: String,
        /// in_shift ÷ shift × 100, two decimals; empty without shift hours.
        #[schema(example = "20")]
        pub utilisation_percent: Option<String>,
        pub trips: u32,
        pub km: i64,
        /// Working days on shift without a trip.
        pub idle_days: u32,
    }
}

fn driver_row(l: DriverLine, boards: &Boards) -> DriverUtilisationRow {
    DriverUtilisationRow {
        driver_id: l.driver.id,
        full_name: l.driver.full_name.as_str().to_owned(),
        origin_board: boards.code(l.driver.origin_board_id),
        status: l.driver.status.as_str().to_owned(),
        shift_hours: hours(l.shift).to_string(),
        driving_hours: hours(l.driving).to_string(),
        in_shift_hours: hours(l.in_shift).to_string(),
        overtime_hours: hours(l.overtime).to_string(),
        utilisation_percent: percent(l.in_shift, l.shift).map(|p| p.to_string()),
        trips: l.trips,
        km: l.km,
        idle_days: l.idle_days,
    }
}

#[derive(Serialize, ToSchema)]
pub struct DriverUtilisation {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: Vec<DriverUtilisationRow>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DriverUtilisationQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only drivers that came from this board (code or id).
    pub board: Option<String>,
    #[param(inline, value_type = Option<crate::http::tabular::Format>)]
    pub format: Option<String>,
    pub excel: Option<bool>,
}

/// Driver utilisation: per driver the shift hours (working calendar less
/// leave), driving hours, the part in shift, overtime outside working
/// hours, utilisation %, trips, km and idle days. CSV columns: driver_id,
/// full_name, origin_board, status, shift_hours, driving_hours,
/// in_shift_hours, overtime_hours, utilisation_percent, trips, km,
/// idle_days.
#[utoipa::path(
    tag = "reports",
    params(DriverUtilisationQuery),
    responses(
        (status = 200, description = "The report (JSON, or CSV with format=csv)", content((DriverUtilisation = "application/json"), (String = "text/csv"))),
        (status = 403, description = "Not a reader of fleet reports", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/driver-utilisation")]
pub async fn driver_utilisation(
    _auth: Auth<FleetReportReaders>,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<DriverUtilisationQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let wanted = Output::new(q.format, q.excel).wanted(&req)?;
    let r = report::prepare(&state.env, asked(q.from, q.to, q.board)).await?;
    let (period, boards) = (r.period, r.boards);
    let name = format!("driver-utilisation-{}-{}", period.from(), period.to());
    let lines = r.lines.map(move |l| driver_row(l, &boards));
    let rows = match rows_or_csv(wanted, &name, lines).await? {
        Answer::Rows(rows) => rows,
        Answer::Csv(download) => return Ok(download),
    };
    Ok(HttpResponse::Ok().json(DriverUtilisation {
        from: period.from(),
        to: period.to(),
        rows,
    }))
}
