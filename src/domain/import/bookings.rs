//! Past trip requests, as `demo generate` writes them in `bookings.csv`:
//! the demand of a year, loaded for report benchmarks.
//!
//! | key | also accepted | |
//! |---|---|---|
//! | `board_code` | Mã ban, Ban | required |
//! | `starts_at`, `ends_at` | Bắt đầu, Kết thúc | required, RFC 3339 with offset |
//! | `passengers` | Số người | required, 1–59 |
//! | `purpose` | Mục đích | required |
//! | `destination` | Nơi đến | required |
//! | `category_wish` | Loại xe | optional |
//! | `status` | Trạng thái, Tình trạng | optional: empty (the request went ahead), `cancelled` (Đã hủy) or `rejected` (Từ chối) |

use chrono::{DateTime, Utc};

use super::Column;
use crate::domain::ParseError;
use crate::domain::board::BoardCode;
use crate::domain::fleet::vehicle::VehicleCategory;
use crate::domain::import::Cells;
use crate::domain::text;
use crate::domain::time_range::TimeRange;

pub const COLUMNS: &[Column] = &[
    Column {
        key: "board_code",
        names: &["board", "mã ban", "ban"],
        required: true,
    },
    Column {
        key: "starts_at",
        names: &["bắt đầu", "từ"],
        required: true,
    },
    Column {
        key: "ends_at",
        names: &["kết thúc", "đến"],
        required: true,
    },
    Column {
        key: "passengers",
        names: &["số người"],
        required: true,
    },
    Column {
        key: "purpose",
        names: &["mục đích"],
        required: true,
    },
    Column {
        key: "destination",
        names: &["nơi đến"],
        required: true,
    },
    Column {
        key: "category_wish",
        names: &["loại xe"],
        required: false,
    },
    Column {
        key: "status",
        names: &["trạng thái", "tình trạng"],
        required: false,
    },
];

/// What became of a request before any car was looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It went ahead: served if the pool could, else unmet.
    Requested,
    /// Withdrawn by the board.
    Cancelled,
    /// Refused by a manager.
    Rejected,
}

fn outcome(raw: &str) -> Result<Outcome, ParseError> {
    const NAMES: &[(&str, Outcome)] = &[
        ("cancelled", Outcome::Cancelled),
        ("canceled", Outcome::Cancelled),
        ("đã hủy", Outcome::Cancelled),
        ("rejected", Outcome::Rejected),
        ("từ chối", Outcome::Rejected),
    ];
    super::keyword(raw, NAMES).ok_or_else(|| {
        ParseError::new(
            "invalid_status",
            format!(
                "'{raw}' is not a request status: leave it empty, or write cancelled or rejected."
            ),
        )
    })
}

/// A trip request of the past.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastRequest {
    pub board: BoardCode,
    pub range: TimeRange,
    pub passengers: u8,
    pub purpose: String,
    pub destination: String,
    pub category_wish: Option<VehicleCategory>,
    pub outcome: Outcome,
}

fn instant(raw: &str) -> Result<DateTime<Utc>, ParseError> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            ParseError::new(
                "invalid_instant",
                format!("'{raw}' is not a time: write it like 2025-03-03T08:00:00+07:00."),
            )
        })
}

/// Reads one row of a bookings file (see [`super::Stream`]).
pub fn parse_row(c: &mut Cells<'_>) -> Option<PastRequest> {
    let board = c.required("board_code", BoardCode::parse);
    let starts = c.required("starts_at", instant);
    let ends = c.required("ends_at", instant);
    let passengers = c.required("passengers", |raw| match raw.parse::<u8>() {
        Ok(n) if (1..=59).contains(&n) => Ok(n),
        _ => Err(ParseError::new(
            "invalid_passengers",
            format!("'{raw}' is not a number of passengers from 1 to 59."),
        )),
    });
    let purpose = c.required("purpose", |s| text::bounded("Purpose", s, 1, 500));
    let destination = c.required("destination", |s| text::bounded("Destination", s, 1, 200));
    let wish = c.optional("category_wish", VehicleCategory::parse);
    let status = c.optional("status", outcome);
    let range = match (starts, ends) {
        (Some(s), Some(e)) => match TimeRange::new(s, e) {
            Ok(r) => Some(r),
            Err(e) => {
                c.fail("ends_at", e);
                None
            }
        },
        _ => None,
    };
    Some(PastRequest {
        board: board?,
        range: range?,
        passengers: passengers?,
        purpose: purpose?,
        destination: destination?,
        category_wish: wish?,
        outcome: status?.unwrap_or(Outcome::Requested),
    })
}
