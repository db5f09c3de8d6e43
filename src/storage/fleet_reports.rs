//! The fleet reports' reads: requests and blocks overlapping a window, in
//! start order and in pages (so a year of a large pool never sits in memory
//! at once), and the trip costs charged to each board in the ledger.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Date, Nullable, Text};
use uuid::Uuid;

use super::schema::{blocks, bookings};
use super::{DbConn, from_db_time, opt_uuid_of, stored, to_db_time, uuid_of};
use crate::domain::fleet::block::Resource;
use crate::domain::fleet::booking::BookingStatus;
use crate::domain::fleet::vehicle::VehicleCategory;
use crate::domain::money::Money;
use crate::domain::time_range::TimeRange;
use crate::storage::money::money_of_sum;

/// Rows per page of every paged read.
pub const PAGE: i64 = 500;

/// What a report needs of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub id: Uuid,
    pub board_id: Uuid,
    pub vehicle_id: Option<Uuid>,
    pub driver_id: Option<Uuid>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The stored status (see [`Request::status_at`]).
    pub status: BookingStatus,
    pub category_wish: Option<VehicleCategory>,
    pub passengers: i32,
    /// Kilometres driven, for completed trips.
    pub km: Option<i64>,
}

impl Request {
    /// The status as of `now`: a request still waiting when its start has
    /// passed is unfulfilled, whether or not the sweep has recorded it.
    pub fn status_at(&self, now: DateTime<Utc>) -> BookingStatus {
        match self.status {
            BookingStatus::Waitlisted | BookingStatus::PendingApproval if self.starts_at <= now => {
                BookingStatus::Unfulfilled
            }
            s => s,
        }
    }
}

#[derive(Queryable)]
struct RequestRow {
    id: String,
    board_id: String,
    vehicle_id: Option<String>,
    driver_id: Option<String>,
    starts_at: chrono::NaiveDateTime,
    ends_at: chrono::NaiveDateTime,
    status: String,
    category_wish: Option<String>,
    passengers: i32,
    odometer_start: Option<i64>,
    odometer_end: Option<i64>,
}

impl RequestRow {
    fn into_request(self) -> QueryResult<Request> {
        Ok(Request {
            id: uuid_of(&self.id)?,
            board_id: uuid_of(&self.board_id)?,
            vehicle_id: opt_uuid_of(self.vehicle_id.as_deref())?,
            driver_id: opt_uuid_of(self.driver_id.as_deref())?,
            starts_at: from_db_time(self.starts_at),
            ends_at: from_db_time(self.ends_at),
            status: stored(BookingStatus::parse(&self.status))?,
            category_wish: stored(
                self.category_wish
                    .as_deref()
                    .map(VehicleCategory::parse)
                    .transpose(),
            )?,
            passengers: self.passengers,
            km: match (self.odometer_start, self.odometer_end) {
                (Some(a), Some(b)) if b >= a => Some(b - a),
                _ => None,
            },
        })
    }
}

/// Which requests to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestFilter {
    pub board_id: Option<Uuid>,
    pub vehicle_id: Option<Uuid>,
    pub driver_id: Option<Uuid>,
    /// Only requests that held a vehicle: confirmed, in progress, completed.
    pub served_only: bool,
}

/// Whether a request counts for the reports: cancelled and rejected ones
/// are neither demand nor use; with `served_only`, only requests that held a
/// vehicle (confirmed, in progress, completed).
fn counted(filter: &RequestFilter, status: BookingStatus) -> bool {
    match status {
        BookingStatus::Confirmed | BookingStatus::InProgress | BookingStatus::Completed => true,
        BookingStatus::Waitlisted | BookingStatus::PendingApproval | BookingStatus::Unfulfilled => {
            !filter.served_only
        }
        BookingStatus::Cancelled | BookingStatus::Rejected => false,
    }
}

/// Requests overlapping `[from, to)` after the cursor `(start, id)`, in
/// start order, whatever their status (see [`for_each_request`]).
///
/// The status is not part of the query: with it, SQLite reads the
/// `(status, starts_at)` index for each status and sorts all the period's
/// requests for every page. Without it, the `(starts_at, id)` index (or
/// the vehicle's, driver's or board's `(…, starts_at)` one) yields the
/// rows in order from the cursor on and the page stops after `limit` rows.
pub fn requests_page(
    conn: &mut DbConn,
    filter: &RequestFilter,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> QueryResult<Vec<Request>> {
    // A request lasts at most TimeRange::MAX_DAYS, so the start bound lets
    // the (…, starts_at) indexes narrow the scan.
    // After a cursor, the scan starts there: one lower bound only, as
    // SQLite uses a single one of several for the index range.
    let earliest = from - Duration::days(TimeRange::MAX_DAYS);
    let lower = match after {
        Some((start, _)) => start.max(earliest),
        None => earliest,
    };
    let mut q = bookings::table
        .select((
            bookings::id,
            bookings::board_id,
            bookings::vehicle_id,
            bookings::driver_id,
            bookings::starts_at,
            bookings::ends_at,
            bookings::status,
            bookings::category_wish,
            bookings::passengers,
            bookings::odometer_start,
            bookings::odometer_end,
        ))
        .filter(bookings::starts_at.ge(to_db_time(lower)))
        .filter(bookings::starts_at.lt(to_db_time(to)))
        .filter(bookings::ends_at.gt(to_db_time(from)))
        .order((bookings::starts_at.asc(), bookings::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some(b) = filter.board_id {
        q = q.filter(bookings::board_id.eq(b.to_string()));
    }
    if let Some(v) = filter.vehicle_id {
        q = q.filter(bookings::vehicle_id.eq(v.to_string()));
    }
    if let Some(d) = filter.driver_id {
        q = q.filter(bookings::driver_id.eq(d.to_string()));
    }
    if let Some((start, id)) = after {
        let start = to_db_time(start);
        q = q.filter(
            bookings::starts_at.gt(start).or(bookings::starts_at
                .eq(start)
                .and(bookings::id.gt(id.to_string()))),
        );
    }
    q.load::<RequestRow>(conn)?
        .into_iter()
        .map(RequestRow::into_request)
        .collect()
}

/// Calls `f` with every request overlapping `[from, to)`, in start order,
/// reading [`PAGE`] rows at a time. Cancelled and rejected requests are
/// left out: they are neither demand nor use.
pub fn for_each_request<E: From<diesel::result::Error>>(
    conn: &mut DbConn,
    filter: &RequestFilter,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    mut f: impl FnMut(Request) -> Result<(), E>,
) -> Result<(), E> {
    let mut after = None;
    loop {
        let page = requests_page(conn, filter, from, to, after, PAGE)?;
        let full = page.len() as i64 == PAGE;
        after = page.last().map(|r| (r.starts_at, r.id));
        for r in page {
            if counted(filter, r.status) {
                f(r)?;
            }
        }
        if !full {
            return Ok(());
        }
    }
}

/// A maintenance window or a leave, as a report sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockSpan {
    pub resource: Resource,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// Blocks of vehicles (`vehicles = true`) or drivers overlapping
/// `[from, to)` — of one resource when `only` is given — in start order,
/// after the cursor `(start, id)`.
fn blocks_page(
    conn: &mut DbConn,
    vehicles: bool,
    only: Option<Uuid>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    after: Option<(chrono::NaiveDateTime, String)>,
) -> QueryResult<Vec<(String, BlockSpan)>> {
    let mut q = blocks::table
        .select((
            blocks::id,
            blocks::vehicle_id,
            blocks::driver_id,
            blocks::starts_at,
            blocks::ends_at,
        ))
        .filter(blocks::starts_at.lt(to_db_time(to)))
        .filter(blocks::ends_at.gt(to_db_time(from)))
        .order((blocks::starts_at.asc(), blocks::id.asc()))
        .limit(PAGE)
        .into_boxed();
    q = if vehicles {
        match only {
            Some(id) => q.filter(blocks::vehicle_id.eq(id.to_string())),
            None => q.filter(blocks::vehicle_id.is_not_null()),
        }
    } else {
        match only {
            Some(id) => q.filter(blocks::driver_id.eq(id.to_string())),
            None => q.filter(blocks::driver_id.is_not_null()),
        }
    };
    if let Some((start, id)) = after {
        // The lower bound lets the (starts_at, id) index start at the cursor.
        q = q.filter(blocks::starts_at.ge(start)).filter(
            blocks::starts_at
                .gt(start)
                .or(blocks::starts_at.eq(start).and(blocks::id.gt(id))),
        );
    }
    type Row = (
        String,
        Option<String>,
        Option<String>,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
    );
    q.load::<Row>(conn)?
        .into_iter()
        .map(|(id, v, d, s, e)| {
            let resource = match (opt_uuid_of(v.as_deref())?, opt_uuid_of(d.as_deref())?) {
                (Some(v), _) => Resource::Vehicle(v),
                (None, Some(d)) => Resource::Driver(d),
                (None, None) => {
                    return Err(diesel::result::Error::DeserializationError(
                        "block without a resource".into(),
                    ));
                }
            };
            Ok((
                id,
                BlockSpan {
                    resource,
                    starts_at: from_db_time(s),
                    ends_at: from_db_time(e),
                },
            ))
        })
        .collect()
}

/// Calls `f` with every vehicle (or driver) block overlapping `[from, to)`,
/// of one resource when `only` is given, in start order, page by page.
pub fn for_each_block<E: From<diesel::result::Error>>(
    conn: &mut DbConn,
    vehicles: bool,
    only: Option<Uuid>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    mut f: impl FnMut(BlockSpan) -> Result<(), E>,
) -> Result<(), E> {
    let mut after = None;
    loop {
        let page = blocks_page(conn, vehicles, only, from, to, after)?;
        let full = page.len() as i64 == PAGE;
        after = page
            .last()
            .map(|(id, b)| (to_db_time(b.starts_at), id.clone()));
        for (_, b) in page {
            f(b)?;
        }
        if !full {
            return Ok(());
        }
    }
}

#[derive(QueryableByName)]
struct CostRow {
    #[diesel(sql_type = Text)]
    board_id: String,
    #[diesel(sql_type = Nullable<diesel::sql_types::BigInt>)]
    net: Option<i64>,
}

/// Per board, the trip costs posted to expense accounts with entry dates
/// from `from` to `to`, less their reversals (each entry by its own date,
/// as in budget execution).
pub fn trip_costs(
    conn: &mut DbConn,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<HashMap<Uuid, Money>> {
    let q = diesel::sql_query(
        "SELECT jl.board_id AS board_id, \
                CAST(SUM(jl.debit_minor - jl.credit_minor) AS BIGINT) AS net \
         FROM journal_lines jl \
         JOIN journal_entries je ON je.id = jl.entry_id \
         JOIN accounts a ON a.id = jl.account_id \
         LEFT JOIN journal_entries orig ON orig.id = je.reverses_id \
         WHERE a.kind = 'expense' AND jl.entry_date BETWEEN $1 AND $2 \
           AND (je.source = 'trip' OR (je.source = 'reversal' AND orig.source = 'trip')) \
         GROUP BY jl.board_id",
    )
    .bind::<Date, _>(from)
    .bind::<Date, _>(to);
    let rows: Vec<CostRow> = match conn {
        DbConn::Sqlite(c) => q.load(c)?,
        DbConn::Postgres(c) => q.load(c)?,
    };
    rows.into_iter()
        .map(|r| Ok((uuid_of(&r.board_id)?, money_of_sum(r.net))))
        .collect()
}
