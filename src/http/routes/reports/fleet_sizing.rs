//! Fleet sizing, as JSON or CSV.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, FixedOffset, NaiveDate};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{FleetReportReaders, asked, local, parse_category, report_row};
use crate::domain::utilisation::buckets::Balance;
use crate::domain::utilisation::sizing;
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::guard::Auth;
use crate::http::state::AppState;
use crate::http::tabular::{Answer, Output, rows_or_csv};
use crate::ops::reports::fleet_sizing::{self as report, SizingLine};

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
    let q = query.into_inner();
    let wanted = Output::new(q.format, q.excel).wanted(&req)?;
    let mut errors = FieldErrors::new();
    let Some(category) = parse_category(&mut errors, q.category.as_deref()) else {
        return Err(errors.into());
    };
    let r = report::prepare(&state.env, asked(q.from, q.to, None), category).await?;
    let (period, tz, turnaround) = (r.period, r.tz, r.turnaround_minutes);
    let name = format!("fleet-sizing-{}-{}", period.from(), period.to());
    let lines = r.lines.map(move |l| sizing_row(l, tz));
    let rows = match rows_or_csv(wanted, &name, lines).await? {
        Answer::Rows(rows) => rows,
        Answer::Csv(download) => return Ok(download),
    };
    Ok(HttpResponse::Ok().json(FleetSizing {
        from: period.from(),
        to: period.to(),
        turnaround_minutes: turnaround,
        rows,
    }))
}
