//! The fleet reports: vehicle utilisation, driver utilisation, pool
//! balance, fleet sizing and board usage, each as JSON or as streamed CSV
//! from one row type (see `http::tabular`), and two SVG charts. The fleet
//! desk, finance and managers read them.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::ParseError;
use crate::domain::board::BoardCode;
use crate::domain::fleet::vehicle::VehicleCategory;

use crate::domain::user::Role;
use crate::domain::utilisation::buckets::{Balance, BucketSize, Thresholds};
use crate::domain::utilisation::calendar::weekday_name;
use crate::domain::utilisation::period::Period;
use crate::domain::utilisation::{hours, percent, sizing};
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::guard::{Auth, RoleSet};
use crate::http::state::AppState;
use crate::http::svg;
use crate::http::tabular::{Answer, Output, collect, rows_or_csv};
use crate::ops::OpError;
use crate::ops::fleet::reports::{
    self, BalanceLine, BoardLine, DriverLine, ReportContext, SizingLine, VehicleGrouping,
    VehicleLine,
};
use crate::storage::{DbConn, Pool, boards};

/// Readers of the fleet reports: the fleet desk, finance and managers.
pub struct FleetReportReaders;
impl RoleSet for FleetReportReaders {
    const ROLES: &'static [Role] = &[Role::Dispatcher, Role::Finance, Role::Manager];
}

/// Declares a report row and its CSV columns (its field names, in order),
/// so the header of an empty CSV and the JSON keys cannot drift apart.
macro_rules! report_row {
    ($(#[$m:meta])* pub struct $name:ident { $($(#[$fm:meta])* pub $field:ident : $ty:ty,)* }) => {
        $(#[$m])*
        pub struct $name { $($(#[$fm])* pub $field: $ty,)* }
        impl $crate::http::tabular::Columns for $name {
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];
        }
    };
}
pub(crate) use report_row;

/// The period a report covers; missing ends default to the current month
/// in office time.
async fn period_of(
    state: &AppState,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Period, ApiError> {
    let today = crate::ops::settings::office_today(&state.env).await?;
    Period::new(from, to, today).map_err(|(field, e)| ApiError::validation(field, e))
}

fn board_unknown(raw: &str) -> ApiError {
    ApiError::validation(
        "board",
        ParseError::new(
            "board_unknown",
            format!(
                "There is no board '{}'; give a board code such as BTC, or its id.",
                raw.trim()
            ),
        ),
    )
}

/// A board named by code or id.
pub(crate) async fn resolve_board(
    state: &AppState,
    raw: Option<String>,
) -> Result<Option<Uuid>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    state
        .db(move |conn| {
            let found = match Uuid::parse_str(raw.trim()) {
                Ok(id) => boards::find(conn, id)?,
                Err(_) => match BoardCode::parse(&raw) {
                    Ok(code) => boards::find_by_code(conn, &code)?,
                    Err(_) => None,
                },
            };
            found.map(|b| Some(b.id)).ok_or_else(|| board_unknown(&raw))
        })
        .await
}

pub(crate) fn board_codes(conn: &mut DbConn) -> Result<HashMap<Uuid, (String, String)>, ApiError> {
    Ok(boards::list(conn, &Default::default(), 10_000)?
        .into_iter()
        .map(|b| {
            (
                b.id,
                (b.code.as_str().to_owned(), b.name.as_str().to_owned()),
            )
        })
        .collect())
}

fn code_of(codes: &HashMap<Uuid, (String, String)>, id: Uuid) -> String {
    codes.get(&id).map(|(c, _)| c.clone()).unwrap_or_default()
}

fn local(t: DateTime<Utc>, tz: Tz) -> DateTime<FixedOffset> {
    t.with_timezone(&tz).fixed_offset()
}

/// Passes rows from an operation to the HTTP sink; a refusal of the sink
/// (the client left, a CSV fault) stops the operation and is kept.
pub(crate) struct Relay<'a, T> {
    sink: &'a mut dyn FnMut(T) -> Result<(), ApiError>,
    stopped: Option<ApiError>,
}

impl<'a, T> Relay<'a, T> {
    pub(crate) fn new(sink: &'a mut dyn FnMut(T) -> Result<(), ApiError>) -> Self {
        Self {
            sink,
            stopped: None,
        }
    }

    pub(crate) fn send(&mut self, row: T) -> Result<(), OpError> {
        (self.sink)(row).map_err(|e| {
            self.stopped = Some(e);
            OpError::conflict("report_stopped", "The report was stopped.")
        })
    }

    pub(crate) fn finish(self, result: Result<(), OpError>) -> Result<(), ApiError> {
        match (self.stopped, result) {
            (Some(e), _) => Err(e),
            (None, r) => Ok(r?),
        }
    }
}

fn parse_category(errors: &mut FieldErrors, raw: Option<&str>) -> Option<Option<VehicleCategory>> {
    errors.check_opt("category", raw.map(VehicleCategory::parse))
}

// ---------------------------------------------------------------- vehicles

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

fn use_row(group: &str, t: &reports::UseTotals) -> VehicleUtilisationRow {
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

fn vehicle_row(
    line: VehicleLine,
    codes: &HashMap<Uuid, (String, String)>,
) -> VehicleUtilisationRow {
    match line {
        VehicleLine::Vehicle(v, t) => VehicleUtilisationRow {
            vehicle_id: Some(v.id),
            plate: Some(v.plate.as_str().to_owned()),
            category: Some(v.category.as_str().to_owned()),
            status: Some(v.status.as_str().to_owned()),
            origin_board: Some(code_of(codes, v.origin_board_id)),
            ..use_row("vehicle", &t)
        },
        VehicleLine::Board(b, t) => VehicleUtilisationRow {
            origin_board: Some(code_of(codes, b)),
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
            origin_board: Some(code_of(codes, v.origin_board_id)),
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

type VehicleProduce = Box<
    dyn FnOnce(
            &mut DbConn,
            &mut dyn FnMut(VehicleUtilisationRow) -> Result<(), ApiError>,
        ) -> Result<(), ApiError>
        + Send,
>;

fn vehicle_producer(
    pool: Pool,
    clock: crate::clock::Clock,
    period: Period,
    board: Option<Uuid>,
    category: Option<VehicleCategory>,
    grouping: VehicleGrouping,
) -> VehicleProduce {
    Box::new(move |conn, sink| {
        let ctx = ReportContext::load(conn, period, clock.now())?.reading_with(pool);
        let codes = board_codes(conn)?;
        let mut relay = Relay::new(sink);
        let result =
            reports::vehicle_utilisation(conn, &ctx, board, category, grouping, &mut |l| {
                relay.send(vehicle_row(l, &codes))
            });
        relay.finish(result)
    })
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
    let output = Output {
        format: q.format.clone(),
        excel: q.excel,
    };
    let csv = output.wants_csv(&req)?;
    let mut errors = FieldErrors::new();
    let category = parse_category(&mut errors, q.category.as_deref());
    let grouping = errors.check("group", parse_group(q.group.as_deref()));
    let (Some(category), Some(grouping)) = (category, grouping) else {
        return Err(errors.into());
    };
    let period = period_of(&state, q.from, q.to).await?;
    let board = resolve_board(&state, q.board).await?;
    let produce = vehicle_producer(
        state.pool.clone(),
        state.env.clock.clone(),
        period,
        board,
        category,
        grouping,
    );
    let rows = match rows_or_csv(
        &state,
        csv,
        output.excel,
        &format!("vehicle-utilisation-{}-{}", period.from(), period.to()),
        produce,
    )
    .await?
    {
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
    let period = period_of(&state, q.from, q.to).await?;
    let board = resolve_board(&state, q.board).await?;
    let rows = collect(
        &state,
        vehicle_producer(
            state.pool.clone(),
            state.env.clock.clone(),
            period,
            board,
            category,
            VehicleGrouping::Vehicle,
        ),
    )
    .await?;
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

fn svg_response(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml; charset=utf-8")
        .body(body)
}

// ----------------------------------------------------------------- drivers

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

fn driver_row(l: DriverLine, codes: &HashMap<Uuid, (String, String)>) -> DriverUtilisationRow {
    DriverUtilisationRow {
        driver_id: l.driver.id,
        full_name: l.driver.full_name.as_str().to_owned(),
        origin_board: code_of(codes, l.driver.origin_board_id),
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
    let clock = state.env.clock.clone();
    let q = query.into_inner();
    let output = Output {
        format: q.format.clone(),
        excel: q.excel,
    };
    let csv = output.wants_csv(&req)?;
    let period = period_of(&state, q.from, q.to).await?;
    let board = resolve_board(&state, q.board).await?;
    let pool = state.pool.clone();
    let produce = move |conn: &mut DbConn,
                        sink: &mut dyn FnMut(DriverUtilisationRow) -> Result<(), ApiError>|
          -> Result<(), ApiError> {
        let ctx = ReportContext::load(conn, period, clock.now())?.reading_with(pool);
        let codes = board_codes(conn)?;
        let mut relay = Relay::new(sink);
        let result = reports::driver_utilisation(conn, &ctx, board, &mut |l| {
            relay.send(driver_row(l, &codes))
        });
        relay.finish(result)
    };
    let rows = match rows_or_csv(
        &state,
        csv,
        output.excel,
        &format!("driver-utilisation-{}-{}", period.from(), period.to()),
        produce,
    )
    .await?
    {
        Answer::Rows(rows) => rows,
        Answer::Csv(download) => return Ok(download),
    };
    Ok(HttpResponse::Ok().json(DriverUtilisation {
        from: period.from(),
        to: period.to(),
        rows,
    }))
}

// ------------------------------------------------------------ pool balance

report_row! {
    /// One time bucket: demand against capacity.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    pub struct PoolBalanceRow {
        /// Office time.
        pub bucket_start: DateTime<FixedOffset>,
        pub bucket_end: DateTime<FixedOffset>,
        /// mon … sun, of the bucket's start.
        pub weekday: String,
        /// Hour of the day (0–23) for hour buckets; empty for day buckets.
        pub hour: Option<u32>,
        /// Whether the bucket overlaps working hours.
        pub working: bool,
        /// Requests touching the bucket (served, unmet or still waiting).
        pub requests: u32,
        pub served: u32,
        /// Unfulfilled: their start passed unserved.
        pub unmet: u32,
        /// The most requests running at one instant of the bucket.
        pub peak_demand: u32,
        /// The fewest vehicles in the pool and not under maintenance at
        /// one instant of the bucket (by the pool's history).
        pub vehicles: u32,
        /// The fewest drivers in the pool and not on leave at one instant
        /// of the bucket (by the pool's history).
        pub drivers: u32,
        /// The smaller of vehicles and drivers.
        pub capacity: u32,
        /// shortage, balanced or surplus.
        pub balance: String,
    }
}

fn balance_row(l: BalanceLine, tz: Tz, size: BucketSize) -> PoolBalanceRow {
    let start = local(l.start, tz);
    PoolBalanceRow {
        bucket_start: start,
        bucket_end: local(l.end, tz),
        weekday: weekday_name(start.weekday()).to_owned(),
        hour: (size == BucketSize::Hour).then(|| start.hour()),
        working: l.working,
        requests: l.requests,
        served: l.served,
        unmet: l.unmet,
        peak_demand: l.peak_demand,
        vehicles: l.vehicles,
        drivers: l.drivers,
        capacity: l.vehicles.min(l.drivers),
        balance: l.balance.as_str().to_owned(),
    }
}

/// The thresholds the verdicts were made with.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThresholdsUsed {
    /// A bucket is `shortage` when the peak number of requests running at
    /// once exceeds the capacity by at least this many.
    pub shortage_threshold: u32,
    /// A bucket within working hours is `surplus` when at least this
    /// percentage of its capacity stayed idle at its busiest moment.
    pub surplus_threshold: u32,
}

/// How many buckets got each verdict.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct BalanceSummary {
    pub shortage: u32,
    pub balanced: u32,
    pub surplus: u32,
}

#[derive(Serialize, ToSchema)]
pub struct PoolBalance {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// hour or day.
    pub bucket: String,
    pub category: Option<String>,
    pub thresholds: ThresholdsUsed,
    pub summary: BalanceSummary,
    pub rows: Vec<PoolBalanceRow>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PoolBalanceQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Demand for, and vehicles of, this category only.
    pub category: Option<String>,
    /// hour (default) or day.
    pub bucket: Option<String>,
    /// Vehicles short at the busiest moment for `shortage` (1–10000, default 1).
    #[param(minimum = 1, maximum = 10000)]
    pub shortage_threshold: Option<i64>,
    /// Percentage of capacity idle at the busiest moment, within working
    /// hours, for `surplus` (1–100, default 50).
    #[param(minimum = 1, maximum = 100)]
    pub surplus_threshold: Option<i64>,
    #[param(inline, value_type = Option<crate::http::tabular::Format>)]
    pub format: Option<String>,
    pub excel: Option<bool>,
}

struct BalanceParams {
    period: Period,
    category: Option<VehicleCategory>,
    size: BucketSize,
    thresholds: Thresholds,
}

async fn balance_params(
    state: &AppState,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    category: Option<&str>,
    bucket: Option<&str>,
    shortage: Option<i64>,
    surplus: Option<i64>,
) -> Result<BalanceParams, ApiError> {
    let mut errors = FieldErrors::new();
    let category = parse_category(&mut errors, category);
    let size = errors.check("bucket", BucketSize::parse(bucket.unwrap_or("hour")));
    let thresholds = match Thresholds::new(shortage, surplus) {
        Ok(t) => Some(t),
        Err((field, e)) => {
            errors.push(field, e);
            None
        }
    };
    let (Some(category), Some(size), Some(thresholds)) = (category, size, thresholds) else {
        return Err(errors.into());
    };
    Ok(BalanceParams {
        period: period_of(state, from, to).await?,
        category,
        size,
        thresholds,
    })
}

type BalanceProduce = Box<
    dyn FnOnce(
            &mut DbConn,
            &mut dyn FnMut(PoolBalanceRow) -> Result<(), ApiError>,
        ) -> Result<(), ApiError>
        + Send,
>;

fn balance_producer(pool: Pool, clock: crate::clock::Clock, p: &BalanceParams) -> BalanceProduce {
    let (period, category, size, thresholds) = (p.period, p.category, p.size, p.thresholds);
    Box::new(move |conn, sink| {
        let ctx = ReportContext::load(conn, period, clock.now())?.reading_with(pool);
        let tz = ctx.calendar.tz();
        let mut relay = Relay::new(sink);
        let result = reports::pool_balance(conn, &ctx, category, size, &thresholds, &mut |l| {
            relay.send(balance_row(l, tz, size))
        });
        relay.finish(result)
    })
}

/// Pool balance per hour or day: requests touching the bucket, served,
/// unmet, the peak demand against the assignable vehicles and drivers, and
/// a verdict — `shortage`, `balanced` or `surplus` — by the thresholds,
/// which the response repeats. CSV columns: bucket_start, bucket_end,
/// weekday, hour, working, requests, served, unmet, peak_demand, vehicles,
/// drivers, capacity, balance.
#[utoipa::path(
    tag = "reports",
    params(PoolBalanceQuery),
    responses(
        (status = 200, description = "The report (JSON, or CSV with format=csv)", content((PoolBalance = "application/json"), (String = "text/csv"))),
        (status = 403, description = "Not a reader of fleet reports", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/pool-balance")]
pub async fn pool_balance(
    _auth: Auth<FleetReportReaders>,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<PoolBalanceQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let output = Output {
        format: q.format.clone(),
        excel: q.excel,
    };
    let csv = output.wants_csv(&req)?;
    let p = balance_params(
        &state,
        q.from,
        q.to,
        q.category.as_deref(),
        q.bucket.as_deref(),
        q.shortage_threshold,
        q.surplus_threshold,
    )
    .await?;
    let produce = balance_producer(state.pool.clone(), state.env.clock.clone(), &p);
    let rows = match rows_or_csv(
        &state,
        csv,
        output.excel,
        &format!("pool-balance-{}-{}", p.period.from(), p.period.to()),
        produce,
    )
    .await?
    {
        Answer::Rows(rows) => rows,
        Answer::Csv(download) => return Ok(download),
    };
    let mut summary = BalanceSummary::default();
    for r in &rows {
        match r.balance.as_str() {
            "shortage" => summary.shortage += 1,
            "surplus" => summary.surplus += 1,
            _ => summary.balanced += 1,
        }
    }
    Ok(HttpResponse::Ok().json(PoolBalance {
        from: p.period.from(),
        to: p.period.to(),
        bucket: p.size.as_str().to_owned(),
        category: p.category.map(|c| c.as_str().to_owned()),
        thresholds: ThresholdsUsed {
            shortage_threshold: p.thresholds.shortage_threshold,
            surplus_threshold: p.thresholds.surplus_threshold,
        },
        summary,
        rows,
    }))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PoolBalanceChartQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub category: Option<String>,
    #[param(minimum = 1, maximum = 10000)]
    pub shortage_threshold: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub surplus_threshold: Option<i64>,
}

/// The pool balance as an SVG heat map, weekday × hour: each cell shows how
/// many of that weekday's hours in the period were short of vehicles (red)
/// or had a surplus (green). Vietnamese labels.
#[utoipa::path(
    tag = "reports",
    params(PoolBalanceChartQuery),
    responses(
        (status = 200, description = "The chart", content((String = "image/svg+xml"))),
        (status = 403, description = "Not a reader of fleet reports", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/pool-balance.svg")]
pub async fn pool_balance_svg(
    _auth: Auth<FleetReportReaders>,
    state: web::Data<AppState>,
    query: web::Query<PoolBalanceChartQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let p = balance_params(
        &state,
        q.from,
        q.to,
        q.category.as_deref(),
        Some("hour"),
        q.shortage_threshold,
        q.surplus_threshold,
    )
    .await?;
    // Aggregated as the rows come: 7 × 24 cells, whatever the period.
    let cells = state
        .db({
            let produce = balance_producer(state.pool.clone(), state.env.clock.clone(), &p);
            move |conn| {
                let mut cells = [[svg::Cell::default(); 24]; 7];
                produce(conn, &mut |r: PoolBalanceRow| {
                    let c = &mut cells[r.bucket_start.weekday().num_days_from_monday() as usize]
                        [r.hour.unwrap_or(0) as usize];
                    c.hours += 1;
                    match r.balance.as_str() {
                        "shortage" => c.shortage += 1,
                        "surplus" => c.surplus += 1,
                        _ => {}
                    }
                    Ok(())
                })?;
                Ok(cells)
            }
        })
        .await?;
    let category = p
        .category
        .map(|c| format!(" — loại xe {}", c.as_str()))
        .unwrap_or_default();
    Ok(svg_response(svg::balance_heatmap(
        "Cân đối xe theo giờ trong tuần",
        &format!(
            "Từ {} đến {}{category} — ô đỏ: số giờ thiếu xe, ô xanh: thừa xe",
            p.period.from().format("%d/%m/%Y"),
            p.period.to().format("%d/%m/%Y"),
        ),
        &cells,
    )))
}

// ------------------------------------------------------------ fleet sizing

report_row! {
    /// One kind of resource: needed at the peak against owned.
    #[derive(Debug, Clone, Serialize, ToSchema)]
    pub struct FleetSizingRow {
        /// vehicle or driver.
        pub resource: String,
        /// A vehicle category, or all.
        pub category: String,
        /// Requests of the period needing this kind.
        pub requests: u32,
        /// In the pool when the peak began (without requests: at the end
        /// of the period, or now if it has not ended).
        pub owned: u32,
        /// The most requests running at once (turnaround included): the
        /// fewest that would have served them all.
        pub needed: u32,
        /// owned − needed: positive could be released, negative is short.
        pub difference: i64,
        /// surplus, shortage or balanced.
        pub verdict: String,
        /// When the peak first held (office time).
        pub peak_from: Option<DateTime<FixedOffset>>,
        pub peak_to: Option<DateTime<FixedOffset>>,
        /// The verdict in a sentence.
        pub summary: String,
    }
}

fn sizing_row(l: SizingLine, tz: Tz) -> FleetSizingRow {
    let difference = i64::from(l.owned) - i64::from(l.needed);
    let kind = if l.resource == "driver" {
        "driver".to_owned()
    } else {
        l.category.clone()
    };
    let peak = match (l.peak_from, l.peak_to) {
        (Some(a), Some(b)) => Some(sizing::span(a, b, tz)),
        _ => None,
    };
    FleetSizingRow {
        resource: l.resource.to_owned(),
        category: l.category,
        requests: l.requests,
        owned: l.owned,
        needed: l.needed,
        difference,
        verdict: match difference {
            d if d > 0 => Balance::Surplus,
            0 => Balance::Balanced,
            _ => Balance::Shortage,
        }
        .as_str()
        .to_owned(),
        peak_from: l.peak_from.map(|t| local(t, tz)),
        peak_to: l.peak_to.map(|t| local(t, tz)),
        summary: sizing::sentence(&kind, i64::from(l.owned), i64::from(l.needed), peak),
    }
}

#[derive(Serialize, ToSchema)]
pub struct FleetSizing {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Added after each request, as in assignment.
    pub turnaround_minutes: i64,
    pub rows: Vec<FleetSizingRow>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FleetSizingQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// One vehicle category only.
    pub category: Option<String>,
    #[param(inline, value_type = Option<crate::http::tabular::Format>)]
    pub format: Option<String>,
    pub excel: Option<bool>,
}

/// Fleet sizing: per vehicle category (and for drivers) the fewest that
/// would have served every request of the period — the peak number running
/// at once, found by a sweep over the requests — against what the pool
/// owns, with a sentence ("the pool could release 3 sedans"). A request
/// needs its vehicle's category, else its wish, else the smallest category
/// with enough seats. CSV columns: resource, category, requests, owned,
/// needed, difference, verdict, peak_from, peak_to, summary.
#[utoipa::path(
    tag = "reports",
    params(FleetSizingQuery),
    responses(
        (status = 200, description = "The report (JSON, or CSV with format=csv)", content((FleetSizing = "application/json"), (String = "text/csv"))),
        (status = 403, description = "Not a reader of fleet reports", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/fleet-sizing")]
pub async fn fleet_sizing(
    _auth: Auth<FleetReportReaders>,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<FleetSizingQuery>,
) -> Result<HttpResponse, ApiError> {
    let clock = state.env.clock.clone();
    let q = query.into_inner();
    let output = Output {
        format: q.format.clone(),
        excel: q.excel,
    };
    let csv = output.wants_csv(&req)?;
    let mut errors = FieldErrors::new();
    let Some(category) = parse_category(&mut errors, q.category.as_deref()) else {
        return Err(errors.into());
    };
    let period = period_of(&state, q.from, q.to).await?;
    let pool = state.pool.clone();
    let produce = move |conn: &mut DbConn,
                        sink: &mut dyn FnMut(FleetSizingRow) -> Result<(), ApiError>|
          -> Result<(), ApiError> {
        let ctx = ReportContext::load(conn, period, clock.now())?.reading_with(pool);
        let tz = ctx.calendar.tz();
        let mut relay = Relay::new(sink);
        let result =
            reports::fleet_sizing(conn, &ctx, category, &mut |l| relay.send(sizing_row(l, tz)));
        relay.finish(result)
    };
    let rows = match rows_or_csv(
        &state,
        csv,
        output.excel,
        &format!("fleet-sizing-{}-{}", period.from(), period.to()),
        produce,
    )
    .await?
    {
        Answer::Rows(rows) => rows,
        Answer::Csv(download) => return Ok(download),
    };
    let turnaround = state
        .db(|conn| {
            Ok(crate::storage::settings::fleet_policy(conn)?
                .0
                .turnaround_minutes)
        })
        .await?;
    Ok(HttpResponse::Ok().json(FleetSizing {
        from: period.from(),
        to: period.to(),
        turnaround_minutes: i64::from(turnaround),
        rows,
    }))
}

// ------------------------------------------------------------- board usage

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

fn board_row(l: BoardLine, codes: &HashMap<Uuid, (String, String)>, tz: Tz) -> BoardUsageRow {
    let (code, name) = codes.get(&l.board_id).cloned().unwrap_or_default();
    BoardUsageRow {
        board: code,
        board_id: l.board_id,
        board_name: name,
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
    let clock = state.env.clock.clone();
    let q = query.into_inner();
    let output = Output {
        format: q.format.clone(),
        excel: q.excel,
    };
    let csv = output.wants_csv(&req)?;
    let period = period_of(&state, q.from, q.to).await?;
    let board = resolve_board(&state, q.board).await?;
    let pool = state.pool.clone();
    let produce = move |conn: &mut DbConn,
                        sink: &mut dyn FnMut(BoardUsageRow) -> Result<(), ApiError>|
          -> Result<(), ApiError> {
        let ctx = ReportContext::load(conn, period, clock.now())?.reading_with(pool);
        let tz = ctx.calendar.tz();
        let codes = board_codes(conn)?;
        let mut ids: Vec<(String, Uuid)> = codes
            .iter()
            .filter(|(id, _)| board.is_none_or(|b| b == **id))
            .map(|(id, (code, _))| (code.clone(), *id))
            .collect();
        ids.sort();
        let ids: Vec<Uuid> = ids.into_iter().map(|(_, id)| id).collect();
        let mut relay = Relay::new(sink);
        let result = reports::board_usage(conn, &ctx, &ids, &mut |l| {
            relay.send(board_row(l, &codes, tz))
        });
        relay.finish(result)
    };
    let rows = match rows_or_csv(
        &state,
        csv,
        output.excel,
        &format!("board-usage-{}-{}", period.from(), period.to()),
        produce,
    )
    .await?
    {
        Answer::Rows(rows) => rows,
        Answer::Csv(download) => return Ok(download),
    };
    Ok(HttpResponse::Ok().json(BoardUsage {
        from: period.from(),
        to: period.to(),
        rows,
    }))
}
