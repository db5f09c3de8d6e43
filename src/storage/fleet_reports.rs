//! The fleet reports' reads: requests and blocks overlapping a window, in
//! start order and in pages (so a year of a large pool never sits in memory
//! at once), and the trip costs charged to each board in the ledger.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::connection::DefaultLoadingMode;
use diesel::prelude::*;
use diesel::sql_types::{Date, Nullable, Text};
use uuid::Uuid;

use super::columns::{Id, Micros, Word};
use super::schema::{blocks, bookings};
use super::{DbConn, from_db_time, opt_uuid_of, stored, to_db_time, uuid_of};
use crate::domain::fleet::block::{Resource, ResourceKind};
use crate::domain::fleet::booking::BookingStatus;
use crate::domain::fleet::vehicle::VehicleCategory;
use crate::domain::money::Total;
use crate::domain::time_range::TimeRange;
use crate::storage::money::{sum_minor_sql, total_of_sum};

/// Rows per page of every paged read.
pub const PAGE: i64 = 500;

/// What a report needs of a request. Instants are microseconds since the
/// epoch. Besides the times and the status, only what the scan was asked
/// to read (see [`Reads`]) is filled in; the rest is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    pub start: i64,
    pub end: i64,
    /// The stored status (see [`Request::status_at`]).
    pub status: BookingStatus,
    pub board_id: Option<Uuid>,
    pub vehicle_id: Option<Uuid>,
    pub driver_id: Option<Uuid>,
    pub category_wish: Option<VehicleCategory>,
    pub passengers: i32,
    /// Kilometres driven, for completed trips.
    pub km: Option<i64>,
}

impl Request {
    fn new(start: Micros, end: Micros, status: Word) -> QueryResult<Self> {
        Ok(Self {
            start: start.0,
            end: end.0,
            status: stored(BookingStatus::parse(status.as_str()))?,
            board_id: None,
            vehicle_id: None,
            driver_id: None,
            category_wish: None,
            passengers: 0,
            km: None,
        })
    }

    /// The status as of `now` (µs): a request still waiting when its start
    /// has passed is unfulfilled, whether or not the sweep has recorded it.
    pub fn status_at(&self, now: i64) -> BookingStatus {
        self.status.as_of(self.start <= now)
    }
}

/// The kilometres of a trip, read as `odometer_end - odometer_start`:
/// none until both are recorded (a check constraint keeps the end at or
/// above the start).
fn km_of(km: Option<i64>) -> Option<i64> {
    km.filter(|k| *k >= 0)
}

/// What a scan reads of each request besides its times and status: each
/// column left out is a column not decoded two million times a year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Reads {
    /// Nothing more: how many requests run when, and how each ended.
    Times,
    /// The vehicle, category wish and passengers: what the request needs.
    #[default]
    Demand,
    /// The board and the km; of one board's requests only, when given.
    Board(Option<Uuid>),
    /// The vehicle and the km.
    Vehicle,
    /// The driver and the km.
    Driver,
}

/// Which requests to read, and what of them.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestFilter {
    /// Only requests that held a vehicle: confirmed, in progress, completed.
    pub served_only: bool,
    pub reads: Reads,
}

/// Whether a request that passed the query counts: cancelled and rejected
/// ones are neither demand nor use (the query leaves them out already);
/// with `served_only`, only requests that held a vehicle (confirmed, in
/// progress, completed) count, and the query only prefilters on the
/// resource being set.
fn counted(filter: &RequestFilter, r: &Request) -> bool {
    match r.status {
        BookingStatus::Cancelled | BookingStatus::Rejected => false,
        s => s.was_served() || !filter.served_only,
    }
}

/// The predicate of the partial index `bookings_long_idx` (SQLite,
/// PostgreSQL), word for word: requests lasting more than 23 hours.
const LONG_TRIP: (&str, &str) = (
    "julianday(ends_at) - julianday(starts_at) > 0.9583",
    "ends_at > starts_at + interval '23 hours'",
);

/// Requests starting in `[lo, hi)`; with `long_only`, only those lasting
/// more than 23 hours (see [`LONG_TRIP`]).
#[derive(Debug, Clone, Copy)]
struct Slice {
    lo: NaiveDateTime,
    hi: NaiveDateTime,
    long_only: bool,
}

/// The requests of `slice` ending after `from`, in start order, each to
/// `f` as it is read.
///
/// Only times and statuses are in the query, so it reads the
/// `(starts_at, id, …)` index from `lo` on, and that index holds every
/// column read: the scan never visits the table. A `long_only` slice reads
/// the few long requests through `bookings_long_idx` instead.
fn scan_slice<E: From<diesel::result::Error>>(
    conn: &mut DbConn,
    filter: &RequestFilter,
    from: NaiveDateTime,
    slice: Slice,
    f: &mut impl FnMut(Request) -> Result<(), E>,
) -> Result<(), E> {
    let served_only = filter.served_only;
    let times = (bookings::starts_at, bookings::ends_at, bookings::status);
    type Times = (Micros, Micros, Word);
    let request = |(start, end, status): Times| Request::new(start, end, status);
    // The slice's query, selecting `$select`, each row made a request by
    // `$fill` and handed to `f`. Only the tests a row can fail are in it:
    // "ends after `from`" only for slices starting before `from` (a request
    // ends after it starts), and, when only served requests count, that
    // `$held` is set (a request that held a vehicle has its vehicle and
    // driver set, a check constraint, and a null test costs the database
    // far less than comparing the status text with each status that never
    // held one). Every test left in is one a database evaluates two
    // million times a year.
    macro_rules! read {
        ($held:expr, $select:expr, $row:ty, $fill:expr) => {{
            macro_rules! query {
                ($backend:ty, $long_trip:expr) => {{
                    let mut q = bookings::table
                        .select($select)
                        .filter(bookings::starts_at.ge(slice.lo))
                        .filter(bookings::starts_at.lt(slice.hi))
                        .filter(bookings::status.ne(BookingStatus::Cancelled.as_str()))
                        .filter(bookings::status.ne(BookingStatus::Rejected.as_str()))
                        .order(bookings::starts_at.asc())
                        .into_boxed::<$backend>();
                    if slice.lo < from {
                        q = q.filter(bookings::ends_at.gt(from));
                    }
                    if slice.long_only {
                        q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>($long_trip));
                    }
                    if served_only {
                        q = q.filter($held.is_not_null());
                    }
                    q
                }};
            }
            let fill = $fill;
            match conn {
                DbConn::Sqlite(c) => {
                    let q = query!(diesel::sqlite::Sqlite, LONG_TRIP.0);
                    for row in q.load_iter::<$row, DefaultLoadingMode>(c)? {
                        f(fill(row?)?)?;
                    }
                }
                DbConn::Postgres(c) => {
                    let q = query!(diesel::pg::Pg, LONG_TRIP.1);
                    for row in q.load_iter::<$row, DefaultLoadingMode>(c)? {
                        f(fill(row?)?)?;
                    }
                }
            }
        }};
    }
    match filter.reads {
        Reads::Times => read!(bookings::vehicle_id, times, Times, request),
        Reads::Demand => read!(
            bookings::vehicle_id,
            (
                times,
                (
                    bookings::vehicle_id,
                    bookings::category_wish,
                    bookings::passengers
                )
            ),
            (Times, (Option<Id>, Option<Word>, i32)),
            |(t, (v, wish, passengers)): (Times, (Option<Id>, Option<Word>, i32))| {
                Ok::<_, diesel::result::Error>(Request {
                    vehicle_id: v.map(|v| v.0),
                    category_wish: stored(
                        wish.map(|w| VehicleCategory::parse(w.as_str())).transpose(),
                    )?,
                    passengers,
                    ..request(t)?
                })
            }
        ),
        Reads::Board(_) => read!(
            bookings::vehicle_id,
            (
                times,
                (
                    bookings::board_id,
                    bookings::odometer_end - bookings::odometer_start
                )
            ),
            (Times, (Id, Option<i64>)),
            |(t, (b, km)): (Times, (Id, Option<i64>))| {
                Ok::<_, diesel::result::Error>(Request {
                    board_id: Some(b.0),
                    km: km_of(km),
                    ..request(t)?
                })
            }
        ),
        Reads::Vehicle => read!(
            bookings::vehicle_id,
            (
                times,
                (
                    bookings::vehicle_id,
                    bookings::odometer_end - bookings::odometer_start
                )
            ),
            (Times, (Option<Id>, Option<i64>)),
            |(t, (v, km)): (Times, (Option<Id>, Option<i64>))| {
                Ok::<_, diesel::result::Error>(Request {
                    vehicle_id: v.map(|v| v.0),
                    km: km_of(km),
                    ..request(t)?
                })
            }
        ),
        Reads::Driver => read!(
            bookings::driver_id,
            (
                times,
                (
                    bookings::driver_id,
                    bookings::odometer_end - bookings::odometer_start
                )
            ),
            (Times, (Option<Id>, Option<i64>)),
            |(t, (d, km)): (Times, (Option<Id>, Option<i64>))| {
                Ok::<_, diesel::result::Error>(Request {
                    driver_id: d.map(|d| d.0),
                    km: km_of(km),
                    ..request(t)?
                })
            }
        ),
    }
    Ok(())
}

/// Calls `f` with every request overlapping `[from, to)` that the filter
/// lets through, in start order. Cancelled and rejected requests are left
/// out: they are neither demand nor use.
///
/// The period is read a day of starts at a time, from a day before `from`.
/// Requests that started earlier (up to TimeRange::MAX_DAYS before) and
/// are still running at `from` lasted more than a day: they are read first,
/// through the index of long requests, so a month's report does not walk
/// the three months before it. No more than a few days' requests are ever
/// buffered, on either backend.
///
/// With a `second` connection, two threads share the reading: each takes
/// the next day nobody has taken yet, and this one also runs `f`, on the
/// days in order. When the day `f` needs next is not read yet, this thread
/// reads a day itself rather than wait, so both cores stay busy whichever
/// of reading and reporting costs more. Each day is read as it stands when
/// it is read, with one connection or two.
pub fn for_each_request<E: From<diesel::result::Error>>(
    conn: &mut DbConn,
    second: Option<&mut DbConn>,
    filter: &RequestFilter,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    mut f: impl FnMut(Request) -> Result<(), E>,
) -> Result<(), E> {
    let day = Duration::days(1);
    let mut days = vec![Slice {
        lo: to_db_time(from - Duration::days(TimeRange::MAX_DAYS)),
        hi: to_db_time(from - day),
        long_only: true,
    }];
    let mut lo = from - day;
    while lo < to {
        let hi = (lo + day).min(to);
        days.push(Slice {
            lo: to_db_time(lo),
            hi: to_db_time(hi),
            long_only: false,
        });
        lo = hi;
    }
    let from = to_db_time(from);
    let mut keep = |r: Request| match filter.reads {
        _ if !counted(filter, &r) => Ok(()),
        Reads::Board(Some(b)) if r.board_id != Some(b) => Ok(()),
        _ => f(r),
    };
    let Some(second) = second else {
        for day in days {
            scan_slice(conn, filter, from, day, &mut keep)?;
        }
        return Ok(());
    };
    let read_day = |conn: &mut DbConn, day| {
        let mut read = Vec::new();
        scan_slice(conn, filter, from, day, &mut |r| {
            read.push(r);
            Ok::<_, diesel::result::Error>(())
        })
        .map(|()| read)
    };
    // The index of the next day nobody has taken.
    let next = &AtomicUsize::new(0);
    let days = &days;
    std::thread::scope(|s| {
        // At most four days read ahead wait in the channel: the second
        // reader stops there until this thread catches up.
        let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, QueryResult<Vec<Request>>)>(4);
        s.spawn(move || {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&day) = days.get(i) else { return };
                let result = read_day(second, day);
                let failed = result.is_err();
                // A closed channel: the caller stopped early.
                if tx.send((i, result)).is_err() || failed {
                    return;
                }
            }
        });
        // Days read, by index, that `f` has not had yet.
        let mut ready: BTreeMap<usize, Vec<Request>> = BTreeMap::new();
        for want in 0..days.len() {
            loop {
                while let Ok((i, read)) = rx.try_recv() {
                    ready.insert(i, read?);
                }
                if let Some(read) = ready.remove(&want) {
                    for r in read {
                        keep(r)?;
                    }
                    break;
                }
                // Every day before `want` has been taken, so a day taken
                // now is `want` itself (read straight into `f`) or, when
                // the other thread is reading `want`, one after it.
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i == want {
                    scan_slice(conn, filter, from, days[i], &mut keep)?;
                    break;
                }
                if let Some(&day) = days.get(i) {
                    ready.insert(i, read_day(conn, day)?);
                } else {
                    let (i, read) = rx.recv().map_err(|_| {
                        diesel::result::Error::QueryBuilderError("the second reader stopped".into())
                    })?;
                    ready.insert(i, read?);
                }
            }
        }
        Ok(())
    })
}

/// Which of `ids` (vehicles when `vehicles`, else drivers) held a served
/// request (confirmed, in progress or completed) overlapping `[from, to)`.
/// Used to tell which retired vehicles and inactive drivers still belong
/// in a report, before reading the period.
///
/// One lookup per id, through the `(vehicle_id, starts_at)` or
/// `(driver_id, starts_at)` index: asked for a list of ids at once, SQLite
/// walks every served request of the period instead.
pub fn with_served_trips(
    conn: &mut DbConn,
    kind: ResourceKind,
    ids: &[Uuid],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<std::collections::HashSet<Uuid>> {
    let served = BookingStatus::SERVED.map(BookingStatus::as_str);
    let earliest = to_db_time(from - Duration::days(TimeRange::MAX_DAYS));
    let mut found = std::collections::HashSet::new();
    for id in ids {
        let q = bookings::table
            .filter(bookings::status.eq_any(served))
            .filter(bookings::starts_at.ge(earliest))
            .filter(bookings::starts_at.lt(to_db_time(to)))
            .filter(bookings::ends_at.gt(to_db_time(from)))
            .select(bookings::id)
            .limit(1)
            .into_boxed();
        let q = if kind == ResourceKind::Vehicles {
            q.filter(bookings::vehicle_id.eq(id.to_string()))
        } else {
            q.filter(bookings::driver_id.eq(id.to_string()))
        };
        if q.first::<String>(conn).optional()?.is_some() {
            found.insert(*id);
        }
    }
    Ok(found)
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
    kind: ResourceKind,
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
    q = if kind == ResourceKind::Vehicles {
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
    kind: ResourceKind,
    only: Option<Uuid>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    mut f: impl FnMut(BlockSpan) -> Result<(), E>,
) -> Result<(), E> {
    let mut after = None;
    loop {
        let page = blocks_page(conn, kind, only, from, to, after)?;
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
    #[diesel(sql_type = Nullable<Text>)]
    net: Option<String>,
}

/// Per board, the trip costs posted to expense accounts with entry dates
/// from `from` to `to`, less their reversals (each entry by its own date,
/// as in budget execution).
pub fn trip_costs(
    conn: &mut DbConn,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<HashMap<Uuid, Total>> {
    let q = diesel::sql_query(format!(
        "SELECT jl.board_id AS board_id, {} AS net \
         FROM journal_lines jl \
         JOIN journal_entries je ON je.id = jl.entry_id \
         JOIN accounts a ON a.id = jl.account_id \
         LEFT JOIN journal_entries orig ON orig.id = je.reverses_id \
         WHERE a.kind = 'expense' AND jl.entry_date BETWEEN $1 AND $2 \
           AND (je.source = 'trip' OR (je.source = 'reversal' AND orig.source = 'trip')) \
         GROUP BY jl.board_id",
        sum_minor_sql("jl.debit_minor - jl.credit_minor")
    ))
    .bind::<Date, _>(from)
    .bind::<Date, _>(to);
    let rows: Vec<CostRow> = match conn {
        DbConn::Sqlite(c) => q.load(c)?,
        DbConn::Postgres(c) => q.load(c)?,
    };
    rows.into_iter()
        .map(|r| Ok((uuid_of(&r.board_id)?, total_of_sum(r.net)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::LONG_TRIP;

    /// A database uses a partial index only for a query that repeats its
    /// predicate: a query drifting from the migration would still give the
    /// right requests, but by walking the 92 days before every period.
    #[test]
    fn the_long_trip_test_is_the_index_predicate_word_for_word() {
        let sqlite = include_str!("../../migrations/sqlite/2026-11-22-000034_long_trips/up.sql");
        let postgres =
            include_str!("../../migrations/postgres/2026-11-22-000034_long_trips/up.sql");
        assert!(
            sqlite.contains(&format!("WHERE {};", LONG_TRIP.0)),
            "{sqlite}"
        );
        assert!(
            postgres.contains(&format!("WHERE {};", LONG_TRIP.1)),
            "{postgres}"
        );
    }
}
