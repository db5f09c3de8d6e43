//! The reports, one file each: the fleet's (vehicle and driver
//! utilisation, pool balance, fleet sizing, board usage, and two SVG
//! charts), the books' (budget execution, trial balance, account ledger)
//! and the asset register's (asset utilisation). Each handler parses its
//! query, prepares the report with one operation in `ops::reports`, and
//! answers JSON, CSV (streamed, see `http::tabular`) or SVG from the same
//! lines.

pub mod account_ledger;
pub mod asset_utilisation;
pub mod board_usage;
pub mod budget_execution;
pub mod driver_utilisation;
pub mod fleet_sizing;
pub mod pool_balance;
pub mod trial_balance;
pub mod vehicle_utilisation;

use actix_web::HttpResponse;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::domain::fleet::vehicle::VehicleCategory;
use crate::domain::user::Role;
use crate::http::error::FieldErrors;
use crate::http::guard::RoleSet;
use crate::ops::reports::Asked;

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

/// The period and board of a fleet report, as the query gave them.
fn asked(from: Option<NaiveDate>, to: Option<NaiveDate>, board: Option<String>) -> Asked {
    Asked { from, to, board }
}

/// An instant in the office's time zone, with its offset.
fn local(t: DateTime<Utc>, tz: Tz) -> DateTime<FixedOffset> {
    t.with_timezone(&tz).fixed_offset()
}

fn parse_category(errors: &mut FieldErrors, raw: Option<&str>) -> Option<Option<VehicleCategory>> {
    errors.check_opt("category", raw.map(VehicleCategory::parse))
}

/// A chart's answer.
fn svg_response(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml; charset=utf-8")
        .body(body)
}
