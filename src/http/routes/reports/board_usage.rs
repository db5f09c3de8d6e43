//! Board usage, as JSON or CSV.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, FixedOffset, NaiveDate};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{FleetReportReaders, asked, local, report_row};
use crate::domain::utilisation::hours;
use crate::http::error::{ApiError, Problem};
use crate::http::guard::Auth;
use crate::http::state::AppState;
use crate::http::tabular::{Answer, Output, rows_or_csv};
use crate::ops::reports::Boards;
use crate::ops::reports::board_usage::{self as report, BoardLine};

report_row! {
    /// One board: its requests and use of the pool, against the fleet it
    /// brought.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    pub struct BoardUsageRow {
        #[schema(example = "BTC")]
        pub board: String,
        pub board_id: Uuid,
        pub board_name: String,
        /// Requests overlapping the period (cancelled and rejected left out).
        pub requests: u32,
        pub served: u32,
        /// Unfulfilled: their start passed unserved.
        pub unmet: u32,
        /// Still waiting for approval or a vehicle.
        pub waiting: u32,
        /// Served trip hours within the period.
        #[schema(example = "12.50")]
        pub hours: String,
        /// Of completed trips starting in the period.
        pub km: i64,
        /// Trip costs charged in the ledger, dated in the period, less reversals.
        #[schema(value_type = String, example = "1048391.25")]
        pub cost: crate::domain::money::Total,
        /// Vehicles it brought to the pool (origin_board) still in it at
        /// the end of the period (or now, if it has not ended).
        pub own_vehicles: u32,
        /// Drivers it brought to the pool still in it at the end of the
        /// period (or now, if it has not ended).
        pub own_drivers: u32,
        /// The most of its requests running at once (turnaround included).
        pub peak_need: u32,
        /// own_vehicles − peak_need: positive means it brought more than it needed.
        pub fleet_difference: i64,
        pub peak_from: Option<DateTime<FixedOffset>>,
        pub peak_to: Option<DateTime<FixedOffset>>,
    }
}

fn board_row(l: BoardLine, boards: &Boards, tz: Tz) -> BoardUsageRow {
    BoardUsageRow {
        board: boards.code(l.board_id),
        board_id: l.board_id,
        board_name: boards.name(l.board_id),
        requests: l.requests,
        served: l.served,
        unmet: l.unmet,
        waiting: l.waiting,
        hours: hours(l.hours).to_string(),
        km: l.km,
        cost: l.cost,
        own_vehicles: l.own_vehicles,
        own_drivers: l.own_drivers,
        peak_need: l.peak_need,
        fleet_difference: i64::from(l.own_vehicles) - i64::from(l.peak_need),
        peak_from: l.peak_from.map(|t| local(t, tz)),
        peak_to: l.peak_to.map(|t| local(t, tz)),
    }
}

#[derive(Serialize, ToSchema)]
pub struct BoardUsage {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: Vec<BoardUsageRow>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BoardUsageQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// One board (code or id).
    pub board: Option<String>,
    #[param(inline, value_type = Option<crate::http::tabular::Format>)]
    pub format: Option<String>,
    pub excel: Option<bool>,
}

/// Board usage: per board its requests, served, unmet, hours, km and the
/// trip cost charged in the ledger, and its pre-pooling fleet (vehicles
/// with that origin board) against its actual peak need. CSV columns:
/// board, board_id, board_name, requests, served, unmet, waiting, hours,
/// km, cost, own_vehicles, own_drivers, peak_need, fleet_difference,
/// peak_from, peak_to.
#[utoipa::path(
    tag = "reports",
    params(BoardUsageQuery),
    responses(
        (status = 200, description = "The report (JSON, or CSV with format=csv)", content((BoardUsage = "application/json"), (String = "text/csv"))),
        (status = 403, description = "Not a reader of fleet reports", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/board-usage")]
pub async fn board_usage(
    _auth: Auth<FleetReportReaders>,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<BoardUsageQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let wanted = Output::new(q.format, q.excel).wanted(&req)?;
    let r = report::prepare(&state.env, asked(q.from, q.to, q.board)).await?;
    let (period, tz, boards) = (r.period, r.tz, r.boards);
    let name = format!("board-usage-{}-{}", period.from(), period.to());
    let lines = r.lines.map(move |l| board_row(l, &boards, tz));
    let rows = match rows_or_csv(wanted, &name, lines).await? {
        Answer::Rows(rows) => rows,
        Answer::Csv(download) => return Ok(download),
    };
    Ok(HttpResponse::Ok().json(BoardUsage {
        from: period.from(),
        to: period.to(),
        rows,
    }))
}
