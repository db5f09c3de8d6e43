//! The pool balance, as JSON, CSV or an SVG heat map (weekday × hour).

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{FleetReportReaders, asked, local, parse_category, report_row, svg_response};
use crate::domain::fleet::vehicle::VehicleCategory;
use crate::domain::utilisation::buckets::{BucketSize, Thresholds};
use crate::domain::utilisation::calendar::weekday_name;
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::guard::Auth;
use crate::http::state::AppState;
use crate::http::svg;
use crate::http::tabular::{Answer, Output, fold, rows_or_csv};
use crate::ops::reports::pool_balance::{self as report, BalanceLine};

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

/// What a pool balance asks beyond its period.
struct BalanceParams {
    category: Option<VehicleCategory>,
    size: BucketSize,
    thresholds: Thresholds,
}

fn balance_params(
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
        category,
        size,
        thresholds,
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
    let wanted = Output::new(q.format, q.excel).wanted(&req)?;
    let p = balance_params(
        q.category.as_deref(),
        q.bucket.as_deref(),
        q.shortage_threshold,
        q.surplus_threshold,
    )?;
    let (asked, size) = (asked(q.from, q.to, None), p.size);
    let r = report::prepare(&state.env, asked, p.category, size, p.thresholds).await?;
    let (period, tz) = (r.period, r.tz);
    let name = format!("pool-balance-{}-{}", period.from(), period.to());
    let lines = r.lines.map(move |l| balance_row(l, tz, size));
    let rows = match rows_or_csv(wanted, &name, lines).await? {
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
        from: period.from(),
        to: period.to(),
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
        q.category.as_deref(),
        Some("hour"),
        q.shortage_threshold,
        q.surplus_threshold,
    )?;
    let asked = asked(q.from, q.to, None);
    let r = report::prepare(&state.env, asked, p.category, p.size, p.thresholds).await?;
    let (period, tz, size) = (r.period, r.tz, p.size);
    // Aggregated as the lines come: 7 × 24 cells, whatever the period.
    let cells = [[svg::Cell::default(); 24]; 7];
    let lines = r.lines.map(move |l| balance_row(l, tz, size));
    let cells = fold(lines, cells, |cells, r| {
        let c = &mut cells[r.bucket_start.weekday().num_days_from_monday() as usize]
            [r.hour.unwrap_or(0) as usize];
        c.hours += 1;
        match r.balance.as_str() {
            "shortage" => c.shortage += 1,
            "surplus" => c.surplus += 1,
            _ => {}
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
            period.from().format("%d/%m/%Y"),
            period.to().format("%d/%m/%Y"),
        ),
        &cells,
    )))
}
