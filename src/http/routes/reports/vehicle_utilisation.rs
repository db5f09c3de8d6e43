//! Vehicle utilisation, as JSON, CSV or an SVG bar chart.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{FleetReportReaders, asked, parse_category, report_row, svg_response};
use crate::domain::ParseError;
use crate::domain::utilisation::{hours, percent};
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::guard::Auth;
use crate::http::state::AppState;
use crate::http::svg;
use crate::http::tabular::{Answer, Output, collect, rows_or_csv};
use crate::ops::reports::Boards;
use crate::ops::reports::vehicle_utilisation::{
    self as report, UseTotals, VehicleGrouping, VehicleLine,
};

report_row! {
    /// One line of vehicle utilisation: a vehicle, a board of origin or a
    /// day, by `group`.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    pub struct VehicleUtilisationRow {
        /// vehicle, board, day or vehicle_day.
        pub group: String,
        /// With group=vehicle or vehicle_day.
        pub vehicle_id: Option<Uuid>,
        #[schema(example = "14A-123.45")]
        pub plate: Option<String>,
        pub category: Option<String>,
        /// active or retired, today (bookable hours count only the time
        /// the vehicle was in the pool).
        pub status: Option<String>,
        /// The board that owned the vehicle(s) before pooling (group=vehicle, vehicle_day or board).
        #[schema(example = "BTC")]
        pub origin_board: Option<String>,
        /// With group=day or vehicle_day.
        pub date: Option<NaiveDate>,
        /// Vehicles in the line.
        pub vehicles: u32,
        /// Working hours less maintenance, two decimals.
        #[schema(example = "10.00")]
        pub bookable_hours: String,
        /// Trip hours within the bookable hours.
        #[schema(example = "3.00")]
        pub booked_hours: String,
        /// booked ÷ bookable × 100, two decimals; empty without bookable hours.
        #[schema(example = "30")]
        pub utilisation_percent: Option<String>,
        /// Trip hours outside working hours (evenings, weekends, holidays).
        #[schema(example = "0.00")]
        pub outside_hours: String,
        /// Trips starting in the period (for group=day: that day).
        pub trips: u32,
        /// Kilometres of the completed ones among them.
        pub km: i64,
        /// Working days a vehicle was bookable but not booked (vehicle-days).
        pub idle_days: u32,
    }
}

fn use_row(group: &str, t: &UseTotals) -> VehicleUtilisationRow {
    VehicleUtilisationRow {
        group: group.to_owned(),
        vehicle_id: None,
        plate: None,
        category: None,
        status: None,
        origin_board: None,
        date: None,
        vehicles: t.vehicles,
        bookable_hours: hours(t.bookable).to_string(),
        booked_hours: hours(t.booked).to_string(),
        utilisation_percent: percent(t.booked, t.bookable).map(|p| p.to_string()),
        outside_hours: hours(t.outside_hours).to_string(),
        trips: t.trips,
        km: t.km,
        idle_days: t.idle_days,
    }
}

fn vehicle_row(line: VehicleLine, boards: &Boards) -> VehicleUtilisationRow {
    match line {
        VehicleLine::Vehicle(v, t) => VehicleUtilisationRow {
            vehicle_id: Some(v.id),
            plate: Some(v.plate.as_str().to_owned()),
            category: Some(v.category.as_str().to_owned()),
            status: Some(v.status.as_str().to_owned()),
            origin_board: Some(boards.code(v.origin_board_id)),
            ..use_row("vehicle", &t)
        },
        VehicleLine::Board(b, t) => VehicleUtilisationRow {
            origin_board: Some(boards.code(b)),
            ..use_row("board", &t)
        },
        VehicleLine::Day(d, t) => VehicleUtilisationRow {
            date: Some(d),
            ..use_row("day", &t)
        },
        VehicleLine::VehicleDay(v, d, t) => VehicleUtilisationRow {
            vehicle_id: Some(v.id),
            plate: Some(v.plate.as_str().to_owned()),
            category: Some(v.category.as_str().to_owned()),
            status: Some(v.status.as_str().to_owned()),
            origin_board: Some(boards.code(v.origin_board_id)),
            date: Some(d),
            ..use_row("vehicle_day", &t)
        },
    }
}

#[derive(Serialize, ToSchema)]
pub struct VehicleUtilisation {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group: String,
    pub rows: Vec<VehicleUtilisationRow>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VehicleUtilisationQuery {
    /// First day, YYYY-MM-DD (default: the first of this month).
    pub from: Option<NaiveDate>,
    /// Last day, included (default: the end of `from`'s month); at most 366 days.
    pub to: Option<NaiveDate>,
    /// Only vehicles that came from this board (code or id).
    pub board: Option<String>,
    /// Only vehicles of this category.
    pub category: Option<String>,
    /// vehicle (default), board (of origin), day, or vehicle_day (a line per
    /// vehicle per day, for pivot tables).
    pub group: Option<String>,
    /// json (default) or csv.
    #[param(inline, value_type = Option<crate::http::tabular::Format>)]
    pub format: Option<String>,
    /// With CSV: a UTF-8 byte-order mark for Excel.
    pub excel: Option<bool>,
}

fn parse_group(raw: Option<&str>) -> Result<VehicleGrouping, ParseError> {
    match raw.map(|g| g.trim().to_ascii_lowercase()).as_deref() {
        None | Some("vehicle") => Ok(VehicleGrouping::Vehicle),
        Some("board") => Ok(VehicleGrouping::Board),
        Some("day") => Ok(VehicleGrouping::Day),
        Some("vehicle_day") => Ok(VehicleGrouping::VehicleDay),
        Some(other) => Err(ParseError::new(
            "invalid_group",
            format!("'{other}' is not a grouping; use vehicle, board, day or vehicle_day."),
        )),
    }
}

fn group_name(g: VehicleGrouping) -> &'static str {
    match g {
        VehicleGrouping::Vehicle => "vehicle",
        VehicleGrouping::Board => "board",
        VehicleGrouping::Day => "day",
        VehicleGrouping::VehicleDay => "vehicle_day",
    }
}

/// Vehicle utilisation: per vehicle (or per board of origin, or per day)
/// the bookable hours in the office's working calendar less maintenance,
/// the booked hours within them, utilisation %, hours outside working
/// hours, trips, km and idle days. CSV columns: group, vehicle_id, plate,
/// category, status, origin_board, date, vehicles, bookable_hours,
/// booked_hours, utilisation_percent, outside_hours, trips, km, idle_days.
#[utoipa::path(
    tag = "reports",
    params(VehicleUtilisationQuery),
    responses(
        (status = 200, description = "The report (JSON, or CSV with format=csv)", content((VehicleUtilisation = "application/json"), (String = "text/csv"))),
        (status = 403, description = "Not a reader of fleet reports", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/vehicle-utilisation")]
pub async fn vehicle_utilisation(
    _auth: Auth<FleetReportReaders>,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<VehicleUtilisationQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let wanted = Output::new(q.format, q.excel).wanted(&req)?;
    let mut errors = FieldErrors::new();
    let category = parse_category(&mut errors, q.category.as_deref());
    let grouping = errors.check("group", parse_group(q.group.as_deref()));
    let (Some(category), Some(grouping)) = (category, grouping) else {
        return Err(errors.into());
    };
    let r = report::prepare(&state.env, asked(q.from, q.to, q.board), category, grouping).await?;
    let (period, boards) = (r.period, r.boards);
    let name = format!("vehicle-utilisation-{}-{}", period.from(), period.to());
    let lines = r.lines.map(move |l| vehicle_row(l, &boards));
    let rows = match rows_or_csv(wanted, &name, lines).await? {
        Answer::Rows(rows) => rows,
        Answer::Csv(download) => return Ok(download),
    };
    Ok(HttpResponse::Ok().json(VehicleUtilisation {
        from: period.from(),
        to: period.to(),
        group: group_name(grouping).to_owned(),
        rows,
    }))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VehicleChartQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only vehicles that came from this board (code or id).
    pub board: Option<String>,
    pub category: Option<String>,
}

/// Vehicle utilisation as an SVG bar chart, one bar per vehicle, with
/// Vietnamese labels.
#[utoipa::path(
    tag = "reports",
    params(VehicleChartQuery),
    responses(
        (status = 200, description = "The chart", content((String = "image/svg+xml"))),
        (status = 403, description = "Not a reader of fleet reports", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/vehicle-utilisation.svg")]
pub async fn vehicle_utilisation_svg(
    _auth: Auth<FleetReportReaders>,
    state: web::Data<AppState>,
    query: web::Query<VehicleChartQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let mut errors = FieldErrors::new();
    let Some(category) = parse_category(&mut errors, q.category.as_deref()) else {
        return Err(errors.into());
    };
    let r = report::prepare(
        &state.env,
        asked(q.from, q.to, q.board),
        category,
        VehicleGrouping::Vehicle,
    )
    .await?;
    let (period, boards) = (r.period, r.boards);
    let rows = collect(r.lines.map(move |l| vehicle_row(l, &boards))).await?;
    let bars: Vec<svg::Bar> = rows
        .iter()
        .map(|r| svg::Bar {
            label: format!(
                "{} ({})",
                r.plate.as_deref().unwrap_or(""),
                r.category.as_deref().unwrap_or("")
            ),
            percent: r.utilisation_percent.clone(),
        })
        .collect();
    Ok(svg_response(svg::utilisation_bars(
        "Mức sử dụng xe",
        &format!(
            "Từ {} đến {} — giờ đã đặt trên giờ có thể đặt trong giờ làm việc",
            period.from().format("%d/%m/%Y"),
            period.to().format("%d/%m/%Y")
        ),
        &bars,
    )))
}
