//! What the fleet reports share: the context they run in (calendar,
//! period, time, turnaround), the scans of vehicles and drivers, the
//! day-by-day tally of the pool, and the category a request needs.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::domain::fleet::block::ResourceKind;
use crate::domain::fleet::booking::BookingStatus;
use crate::domain::fleet::driver::Driver;
use crate::domain::fleet::vehicle::{Vehicle, VehicleCategory};
use crate::domain::utilisation::calendar::WorkingCalendar;
use crate::domain::utilisation::intervals::IntervalSet;
use crate::domain::utilisation::period::Period;
use crate::domain::utilisation::pool;
use crate::domain::utilisation::tally::{DayCount, DayGrid, Tally};
use crate::domain::utilisation::usage::Usage;
use crate::domain::utilisation::{instant, micros};
use crate::ops::OpError;
use crate::storage::fleet_reports::{self, PAGE, Reads, Request, RequestFilter};
use crate::storage::{DbConn, Pool, PooledConn, drivers, pool_periods, settings, vehicles};

/// What every fleet report needs: the calendar, the period and the time.
#[derive(Debug, Clone)]
pub struct ReportContext {
    pub calendar: WorkingCalendar,
    pub period: Period,
    pub now: DateTime<Utc>,
    /// Between two trips of one vehicle or driver (fleet settings).
    pub turnaround: Duration,
    /// Where a second connection may be taken, if one is idle, to read a
    /// long period on two cores (see `fleet_reports::for_each_request`).
    pub second_reader: Option<Pool>,
}

impl ReportContext {
    pub fn load(conn: &mut DbConn, period: Period, now: DateTime<Utc>) -> Result<Self, OpError> {
        let (policy, _) = settings::fleet_policy(conn)?;
        Ok(Self {
            calendar: settings::working_calendar(conn)?,
            period,
            now,
            turnaround: policy.turnaround(),
            second_reader: None,
        })
    }

    /// Lets the scans read with a second connection from `pool` when one
    /// is idle.
    pub fn reading_with(self, pool: Pool) -> Self {
        Self {
            second_reader: Some(pool),
            ..self
        }
    }

    /// Calls `f` with every request of the period the filter lets
    /// through, in start order (see `fleet_reports::for_each_request`),
    /// reading with a second connection when the pool has one idle: a scan
    /// never waits for one.
    pub(super) fn for_each_request(
        &self,
        conn: &mut DbConn,
        filter: &RequestFilter,
        f: impl FnMut(Request) -> Result<(), OpError>,
    ) -> Result<(), OpError> {
        let (from, to) = self.window_instants();
        let mut second: Option<PooledConn> = self.second_reader.as_ref().and_then(Pool::try_get);
        fleet_reports::for_each_request(conn, second.as_deref_mut(), filter, from, to, f)
    }

    /// The period as instants: the first day's midnight to the midnight
    /// after the last day, office time.
    pub fn window(&self) -> (i64, i64) {
        (
            self.calendar.day_bounds(self.period.from()).0,
            self.calendar.day_bounds(self.period.to()).1,
        )
    }

    pub(super) fn window_instants(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let (a, b) = self.window();
        (instant(a), instant(b))
    }
}

/// Whether a request was served (held a vehicle), is unmet (its start
/// passed unserved), or still waits for a decision or a vehicle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Served,
    Unmet,
    Waiting,
}

pub fn outcome(r: &Request, now: DateTime<Utc>) -> Outcome {
    match r.status_at(micros(now)) {
        s if s.was_served() => Outcome::Served,
        BookingStatus::Unfulfilled => Outcome::Unmet,
        _ => Outcome::Waiting,
    }
}

/// Every vehicle matching the filter, page by page, in plate order.
pub(super) fn for_each_vehicle(
    conn: &mut DbConn,
    filter: &vehicles::VehicleFilter,
    mut f: impl FnMut(&mut DbConn, Vehicle) -> Result<(), OpError>,
) -> Result<(), OpError> {
    let mut filter = filter.clone();
    loop {
        let page = vehicles::list(conn, &filter, PAGE)?;
        let full = page.len() as i64 == PAGE;
        filter.after_plate = page.last().map(|v| v.plate.as_str().to_owned());
        for v in page {
            f(conn, v)?;
        }
        if !full {
            return Ok(());
        }
    }
}

/// Every driver matching the filter, page by page, in id order.
pub(super) fn for_each_driver(
    conn: &mut DbConn,
    filter: &drivers::DriverFilter,
    mut f: impl FnMut(&mut DbConn, Driver) -> Result<(), OpError>,
) -> Result<(), OpError> {
    let mut filter = filter.clone();
    loop {
        let page = drivers::list(conn, &filter, PAGE)?;
        let full = page.len() as i64 == PAGE;
        filter.after_id = page.last().map(|d| d.id);
        for d in page {
            f(conn, d)?;
        }
        if !full {
            return Ok(());
        }
    }
}

/// One vehicle or driver of a utilisation report, as its trips stream by.
pub(super) struct Tallied<T> {
    pub(super) item: T,
    pub(super) tally: Tally,
    /// Trips starting in the period, and the km of the completed ones.
    pub(super) trips: u32,
    pub(super) km: i64,
    /// The same for the current day.
    pub(super) day_trips: u32,
    pub(super) day_km: i64,
}

/// One item's closed day.
pub(super) struct ItemDay {
    pub(super) count: DayCount,
    pub(super) trips: u32,
    pub(super) km: i64,
}

/// Told each closed day of every item of a pool, in the pool's order.
pub(super) type OnDay<'a, T> = dyn FnMut(&[Tallied<T>], &[ItemDay]) -> Result<(), OpError> + 'a;

/// Reads the period once for a whole pool of vehicles (`vehicles`) or
/// drivers, in the order of `items`: each one's blocks and the time it was
/// out of the pool (before it joined, after it left), which are not
/// bookable; then every served request in start order, counted against its
/// vehicle or driver. Items never in the pool during the period are left
/// out unless they served a trip in it. Each day is closed once the
/// requests' starts have passed it, and `on_day` is told its numbers for
/// every item, in order. Returns the items kept with their totals over the
/// period.
pub(super) fn tally_pool<T>(
    conn: &mut DbConn,
    ctx: &ReportContext,
    grid: &DayGrid,
    items: Vec<T>,
    kind: ResourceKind,
    id_of: impl Fn(&T) -> Uuid,
    on_day: &mut OnDay<'_, T>,
) -> Result<Vec<(T, Usage, u32, i64)>, OpError> {
    let (from, to) = ctx.window_instants();
    let everything = grid.bounds();
    let stays = pool_periods::stays(conn, kind, from, to)?;
    let in_pool = |id: &Uuid| {
        stays
            .get(id)
            .map(|s| pool::in_pool(s, everything.0, everything.1))
            .unwrap_or_default()
    };
    let idle: Vec<Uuid> = items
        .iter()
        .map(&id_of)
        .filter(|id| in_pool(id).is_empty())
        .collect();
    let working = fleet_reports::with_served_trips(conn, kind, &idle, from, to)?;
    let items: Vec<T> = items
        .into_iter()
        .filter(|i| !in_pool(&id_of(i)).is_empty() || working.contains(&id_of(i)))
        .collect();
    let index: HashMap<Uuid, usize> = items
        .iter()
        .enumerate()
        .map(|(i, it)| (id_of(it), i))
        .collect();
    let mut blocks: Vec<Vec<(i64, i64)>> = vec![Vec::new(); items.len()];
    fleet_reports::for_each_block(conn, kind, None, from, to, |b| {
        if let Some(i) = index.get(&b.resource.id()) {
            blocks[*i].push((micros(b.starts_at), micros(b.ends_at)));
        }
        Ok::<_, OpError>(())
    })?;
    let mut pool: Vec<Tallied<T>> = items
        .into_iter()
        .zip(blocks)
        .map(|(item, spans)| {
            // Not bookable: its blocks, and the time it was out of the pool.
            let out = IntervalSet::from_spans([everything]).minus(&in_pool(&id_of(&item)));
            let blocked =
                IntervalSet::from_spans(spans.into_iter().chain(out.spans().iter().copied()));
            Tallied {
                item,
                tally: Tally::new(blocked),
                trips: 0,
                km: 0,
                day_trips: 0,
                day_km: 0,
            }
        })
        .collect();
    let mut day = 0;
    let mut closed: Vec<ItemDay> = Vec::with_capacity(pool.len());
    let mut close_day = |pool: &mut Vec<Tallied<T>>| -> Result<(), OpError> {
        closed.clear();
        for t in pool.iter_mut() {
            closed.push(ItemDay {
                count: t.tally.close_day(grid),
                trips: std::mem::take(&mut t.day_trips),
                km: std::mem::take(&mut t.day_km),
            });
        }
        on_day(pool, &closed)
    };
    let served = RequestFilter {
        served_only: true,
        reads: if kind == ResourceKind::Vehicles {
            Reads::Vehicle
        } else {
            Reads::Driver
        },
    };
    let days = grid.days();
    ctx.for_each_request(conn, &served, |r| {
        while day < days.len() && days[day].end <= r.start {
            close_day(&mut pool)?;
            day += 1;
        }
        let id = match kind {
            ResourceKind::Vehicles => r.vehicle_id,
            ResourceKind::Drivers => r.driver_id,
        };
        let Some(t) = id.and_then(|id| index.get(&id)).map(|i| &mut pool[*i]) else {
            return Ok(());
        };
        t.tally.push(grid, r.start, r.end);
        if r.start >= days[0].start {
            let km = r.km.unwrap_or(0);
            t.trips += 1;
            t.km += km;
            t.day_trips += 1;
            t.day_km += km;
        }
        Ok(())
    })?;
    while day < days.len() {
        close_day(&mut pool)?;
        day += 1;
    }
    Ok(pool
        .into_iter()
        .map(|t| (t.item, t.tally.finish(), t.trips, t.km))
        .collect())
}

/// The category a request needs: that of its vehicle, else its wish, else
/// the smallest owned category with enough seats.
pub(super) struct Categoriser {
    pub(super) of_vehicle: HashMap<Uuid, VehicleCategory>,
    /// The (seats, category) of the vehicles in the pool during the
    /// period, fewest seats first.
    pub(super) by_seats: Vec<(u8, VehicleCategory)>,
}

impl Categoriser {
    /// `in_pool`: the vehicles' stays in the pool during the period.
    pub(super) fn load(
        conn: &mut DbConn,
        in_pool: &HashMap<Uuid, Vec<pool::Stay>>,
    ) -> Result<Self, OpError> {
        let mut of_vehicle = HashMap::new();
        let mut by_seats = Vec::new();
        for_each_vehicle(conn, &Default::default(), |_, v| {
            of_vehicle.insert(v.id, v.category);
            if in_pool.contains_key(&v.id) {
                by_seats.push((v.seats.get(), v.category));
            }
            Ok(())
        })?;
        by_seats.sort_by_key(|(s, c)| (*s, c.as_str()));
        by_seats.dedup();
        Ok(Self {
            of_vehicle,
            by_seats,
        })
    }

    pub(super) fn category(&self, r: &Request) -> Option<VehicleCategory> {
        if let Some(c) = r.vehicle_id.and_then(|v| self.of_vehicle.get(&v)) {
            return Some(*c);
        }
        if r.category_wish.is_some() {
            return r.category_wish;
        }
        self.by_seats
            .iter()
            .find(|(seats, _)| i32::from(*seats) > r.passengers)
            .map(|(_, c)| *c)
    }
}

/// The last instant of the period, or now if the period has not ended:
/// where a report that counts the pool once looks at it.
pub(super) fn end_instant(ctx: &ReportContext) -> i64 {
    (ctx.window().1 - 1).min(micros(ctx.now))
}
