//! The fleet reports: vehicle and driver utilisation, pool balance, fleet
//! sizing and board usage. Each reads requests and blocks page by page in
//! start order and hands its lines to a sink one at a time, so the HTTP
//! layer can stream them (CSV) or collect them (JSON) from the same code.
//! The arithmetic lives in `domain::utilisation`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

use crate::domain::fleet::block::ResourceKind;
use crate::domain::fleet::booking::BookingStatus;
use crate::domain::fleet::driver::Driver;
use crate::domain::fleet::vehicle::{Vehicle, VehicleCategory};
use crate::domain::money::Total;
use crate::domain::utilisation::buckets::{self, Balance, BucketSize, Thresholds};
use crate::domain::utilisation::calendar::WorkingCalendar;
use crate::domain::utilisation::intervals::IntervalSet;
use crate::domain::utilisation::period::Period;
use crate::domain::utilisation::pool;
use crate::domain::utilisation::sweep::{BucketPeaks, Peak, Sweep};
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
    fn for_each_request(
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

    fn window_instants(&self) -> (DateTime<Utc>, DateTime<Utc>) {
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
fn for_each_vehicle(
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
fn for_each_driver(
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
struct Tallied<T> {
    item: T,
    tally: Tally,
    /// Trips starting in the period, and the km of the completed ones.
    trips: u32,
    km: i64,
    /// The same for the current day.
    day_trips: u32,
    day_km: i64,
}

/// One item's closed day.
struct ItemDay {
    count: DayCount,
    trips: u32,
    km: i64,
}

/// Told each closed day of every item of a pool, in the pool's order.
type OnDay<'a, T> = dyn FnMut(&[Tallied<T>], &[ItemDay]) -> Result<(), OpError> + 'a;

/// Reads the period once for a whole pool of vehicles (`vehicles`) or
/// drivers, in the order of `items`: each one's blocks and the time it was
/// out of the pool (before it joined, after it left), which are not
/// bookable; then every served request in start order, counted against its
/// vehicle or driver. Items never in the pool during the period are left
/// out unless they served a trip in it. Each day is closed once the
/// requests' starts have passed it, and `on_day` is told its numbers for
/// every item, in order. Returns the items kept with their totals over the
/// period.
fn tally_pool<T>(
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

/// How vehicle utilisation is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VehicleGrouping {
    Vehicle,
    /// By the board that owned the vehicle before pooling.
    Board,
    Day,
    /// A line per vehicle per day of the period.
    VehicleDay,
}

/// The part of a line shared by every grouping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UseTotals {
    pub vehicles: u32,
    pub bookable: i64,
    pub booked: i64,
    pub outside_hours: i64,
    pub trips: u32,
    pub km: i64,
    /// Vehicle-days: working days a vehicle was bookable but not booked.
    pub idle_days: u32,
}

impl UseTotals {
    fn add(&mut self, o: &UseTotals) {
        self.vehicles += o.vehicles;
        self.bookable += o.bookable;
        self.booked += o.booked;
        self.outside_hours += o.outside_hours;
        self.trips += o.trips;
        self.km += o.km;
        self.idle_days += o.idle_days;
    }
}

/// One line of vehicle utilisation.
#[derive(Debug, Clone)]
pub enum VehicleLine {
    Vehicle(Arc<Vehicle>, UseTotals),
    Board(Uuid, UseTotals),
    Day(NaiveDate, UseTotals),
    VehicleDay(Arc<Vehicle>, NaiveDate, UseTotals),
}

/// Vehicle utilisation over the period, grouped, one line at a time to
/// `sink`. A vehicle is bookable only while it was in the pool; one that
/// was not in the pool at all during the period appears only with trips in
/// it.
pub fn vehicle_utilisation(
    conn: &mut DbConn,
    ctx: &ReportContext,
    board: Option<Uuid>,
    category: Option<VehicleCategory>,
    grouping: VehicleGrouping,
    sink: &mut dyn FnMut(VehicleLine) -> Result<(), OpError>,
) -> Result<(), OpError> {
    let filter = vehicles::VehicleFilter {
        category,
        origin_board_id: board,
        ..Default::default()
    };
    let mut fleet = Vec::new();
    for_each_vehicle(conn, &filter, |_, v| {
        fleet.push(v);
        Ok(())
    })?;
    let grid = DayGrid::new(&ctx.calendar, &ctx.period);
    let mut on_day = |fleet: &[Tallied<Arc<Vehicle>>], days: &[ItemDay]| -> Result<(), OpError> {
        match grouping {
            VehicleGrouping::Vehicle | VehicleGrouping::Board => Ok(()),
            VehicleGrouping::Day => {
                let mut e = UseTotals::default();
                let mut date = None;
                for d in days {
                    date = Some(d.count.date);
                    e.vehicles += 1;
                    e.bookable += d.count.bookable;
                    e.booked += d.count.booked;
                    e.outside_hours += d.count.outside;
                    e.trips += d.trips;
                    e.km += d.km;
                    if d.count.working && d.count.bookable > 0 && d.count.booked == 0 {
                        e.idle_days += 1;
                    }
                }
                match date {
                    Some(date) => sink(VehicleLine::Day(date, e)),
                    None => Ok(()),
                }
            }
            VehicleGrouping::VehicleDay => {
                for (t, d) in fleet.iter().zip(days) {
                    let c = &d.count;
                    sink(VehicleLine::VehicleDay(
                        Arc::clone(&t.item),
                        c.date,
                        UseTotals {
                            vehicles: 1,
                            bookable: c.bookable,
                            booked: c.booked,
                            outside_hours: c.outside,
                            trips: d.trips,
                            km: d.km,
                            idle_days: u32::from(c.working && c.bookable > 0 && c.booked == 0),
                        },
                    ))?;
                }
                Ok(())
            }
        }
    };
    let fleet: Vec<Arc<Vehicle>> = fleet.into_iter().map(Arc::new).collect();
    let pool = tally_pool(
        conn,
        ctx,
        &grid,
        fleet,
        ResourceKind::Vehicles,
        |v| v.id,
        &mut on_day,
    )?;
    let mut by_board: BTreeMap<Uuid, UseTotals> = BTreeMap::new();
    for (v, u, trips, km) in pool {
        let totals = UseTotals {
            vehicles: 1,
            bookable: u.bookable,
            booked: u.booked,
            outside_hours: u.outside_hours,
            trips,
            km,
            idle_days: u.idle_days,
        };
        match grouping {
            VehicleGrouping::Vehicle => sink(VehicleLine::Vehicle(v, totals))?,
            VehicleGrouping::Board => by_board.entry(v.origin_board_id).or_default().add(&totals),
            VehicleGrouping::Day | VehicleGrouping::VehicleDay => {}
        }
    }
    for (b, t) in by_board {
        sink(VehicleLine::Board(b, t))?;
    }
    Ok(())
}

/// One driver over the period.
#[derive(Debug, Clone)]
pub struct DriverLine {
    pub driver: Driver,
    /// Working hours less leave.
    pub shift: i64,
    /// All driving time in the period.
    pub driving: i64,
    /// Driving within shift hours.
    pub in_shift: i64,
    /// Driving outside working hours.
    pub overtime: i64,
    pub trips: u32,
    pub km: i64,
    pub idle_days: u32,
}

/// Driver utilisation, one driver at a time. A driver has shift hours
/// only while in the pool; one not in the pool at all during the period
/// appears only with trips in it.
pub fn driver_utilisation(
    conn: &mut DbConn,
    ctx: &ReportContext,
    board: Option<Uuid>,
    sink: &mut dyn FnMut(DriverLine) -> Result<(), OpError>,
) -> Result<(), OpError> {
    let filter = drivers::DriverFilter {
        origin_board_id: board,
        ..Default::default()
    };
    let mut staff = Vec::new();
    for_each_driver(conn, &filter, |_, d| {
        staff.push(d);
        Ok(())
    })?;
    let grid = DayGrid::new(&ctx.calendar, &ctx.period);
    let pool = tally_pool(
        conn,
        ctx,
        &grid,
        staff,
        ResourceKind::Drivers,
        |d| d.id,
        &mut |_, _| Ok(()),
    )?;
    for (d, u, trips, km) in pool {
        sink(DriverLine {
            driver: d,
            shift: u.bookable,
            driving: u.busy,
            in_shift: u.booked,
            overtime: u.outside_hours,
            trips,
            km,
            idle_days: u.idle_days,
        })?;
    }
    Ok(())
}

/// The category a request needs: that of its vehicle, else its wish, else
/// the smallest owned category with enough seats.
struct Categoriser {
    of_vehicle: HashMap<Uuid, VehicleCategory>,
    /// The (seats, category) of the vehicles in the pool during the
    /// period, fewest seats first.
    by_seats: Vec<(u8, VehicleCategory)>,
}

impl Categoriser {
    /// `in_pool`: the vehicles' stays in the pool during the period.
    fn load(conn: &mut DbConn, in_pool: &HashMap<Uuid, Vec<pool::Stay>>) -> Result<Self, OpError> {
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

    fn category(&self, r: &Request) -> Option<VehicleCategory> {
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

/// One time bucket of the pool balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceLine {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The bucket overlaps working hours.
    pub working: bool,
    /// Requests touching the bucket (served, unmet or still waiting).
    pub requests: u32,
    pub served: u32,
    pub unmet: u32,
    /// The most requests running at one instant of the bucket.
    pub peak_demand: u32,
    /// Active vehicles less the most under maintenance at one instant.
    pub vehicles: u32,
    /// Active drivers less the most on leave at one instant.
    pub drivers: u32,
    pub balance: Balance,
}

/// Runs a sweep over spans (in start order) into per-bucket peaks.
struct Peaks {
    sweep: Sweep,
    buckets: BucketPeaks,
}

impl Peaks {
    fn new(bounds: &[i64]) -> Self {
        Self {
            sweep: Sweep::new(),
            buckets: BucketPeaks::new(bounds.to_vec()),
        }
    }

    fn push(&mut self, a: i64, b: i64) {
        let buckets = &mut self.buckets;
        self.sweep.push(a, b, &mut |t, n| buckets.step(t, n));
    }

    fn finish(self) -> Vec<u32> {
        let mut buckets = self.buckets;
        self.sweep.finish(&mut |t, n| buckets.step(t, n));
        buckets.finish()
    }
}

/// For each bucket, the fewest of `members` (vehicles or drivers, each
/// with an empty list to be filled with its blocks) available at any one
/// instant: in the pool by its `stays`, and not in maintenance or on leave.
fn available_per_bucket(
    conn: &mut DbConn,
    kind: ResourceKind,
    stays: &HashMap<Uuid, Vec<pool::Stay>>,
    mut members: HashMap<Uuid, Vec<(i64, i64)>>,
    bounds: &[i64],
) -> Result<Vec<u32>, OpError> {
    let (start, end) = (bounds[0], bounds[bounds.len() - 1]);
    let (from, to) = (instant(start), instant(end));
    fleet_reports::for_each_block(conn, kind, None, from, to, |b| {
        if let Some(spans) = members.get_mut(&b.resource.id()) {
            spans.push((micros(b.starts_at), micros(b.ends_at)));
        }
        Ok::<_, OpError>(())
    })?;
    let available: Vec<IntervalSet> = members
        .into_iter()
        .map(|(id, blocks)| {
            let in_pool = pool::in_pool(stays.get(&id).map_or(&[][..], Vec::as_slice), start, end);
            in_pool.minus(&IntervalSet::from_spans(blocks))
        })
        .collect();
    Ok(pool::fewest_available(&available, bounds))
}

/// The pool balance per bucket. Capacity counts the vehicles and drivers
/// that were in the pool throughout the bucket (by their history, not their
/// status today) less those blocked. With a category, demand is the
/// requests needing that category and capacity the vehicles of it.
pub fn pool_balance(
    conn: &mut DbConn,
    ctx: &ReportContext,
    category: Option<VehicleCategory>,
    size: BucketSize,
    thresholds: &Thresholds,
    sink: &mut dyn FnMut(BalanceLine) -> Result<(), OpError>,
) -> Result<(), OpError> {
    let bounds = buckets::bounds(&ctx.calendar, &ctx.period, size);
    let n = bounds.len() - 1;
    let (from, to) = ctx.window_instants();
    let vehicle_stays = pool_periods::stays(conn, ResourceKind::Vehicles, from, to)?;
    let categoriser = Categoriser::load(conn, &vehicle_stays)?;

    // Capacity: in each bucket, the fewest vehicles (drivers) in the pool
    // and not blocked at any one instant of it.
    let mut fleet: HashMap<Uuid, Vec<(i64, i64)>> = HashMap::new();
    match category {
        None => fleet.extend(vehicle_stays.keys().map(|id| (*id, Vec::new()))),
        Some(_) => for_each_vehicle(
            conn,
            &vehicles::VehicleFilter {
                category,
                ..Default::default()
            },
            |_, v| {
                if vehicle_stays.contains_key(&v.id) {
                    fleet.insert(v.id, Vec::new());
                }
                Ok(())
            },
        )?,
    }
    let vehicles =
        available_per_bucket(conn, ResourceKind::Vehicles, &vehicle_stays, fleet, &bounds)?;
    let driver_stays = pool_periods::stays(conn, ResourceKind::Drivers, from, to)?;
    let staff = driver_stays.keys().map(|id| (*id, Vec::new())).collect();
    let drivers = available_per_bucket(conn, ResourceKind::Drivers, &driver_stays, staff, &bounds)?;

    // Demand.
    let mut demand = Peaks::new(&bounds);
    let mut requests = vec![0u32; n];
    let mut served = vec![0u32; n];
    let mut unmet = vec![0u32; n];
    // Without a category, a request's times and outcome are all it takes.
    let reads = if category.is_some() {
        Reads::Demand
    } else {
        Reads::Times
    };
    let filter = RequestFilter {
        served_only: false,
        reads,
    };
    ctx.for_each_request(conn, &filter, |r| {
        if category.is_some() && categoriser.category(&r) != category {
            return Ok::<_, OpError>(());
        }
        let (a, b) = (r.start, r.end);
        demand.push(a, b);
        let first = bounds.partition_point(|&x| x <= a).saturating_sub(1);
        let last = bounds.partition_point(|&x| x < b).min(n);
        let o = outcome(&r, ctx.now);
        for i in first..last {
            requests[i] += 1;
            match o {
                Outcome::Served => served[i] += 1,
                Outcome::Unmet => unmet[i] += 1,
                Outcome::Waiting => {}
            }
        }
        Ok(())
    })?;
    let demand = demand.finish();

    let working_time = ctx
        .calendar
        .working_time(ctx.period.from(), ctx.period.to());
    for i in 0..n {
        let (vehicles, drivers) = (vehicles[i], drivers[i]);
        let working = working_time.len_within(bounds[i], bounds[i + 1]) > 0;
        sink(BalanceLine {
            start: instant(bounds[i]),
            end: instant(bounds[i + 1]),
            working,
            requests: requests[i],
            served: served[i],
            unmet: unmet[i],
            peak_demand: demand[i],
            vehicles,
            drivers,
            balance: buckets::classify(demand[i], vehicles.min(drivers), working, thresholds),
        })?;
    }
    Ok(())
}

/// One kind of resource in fleet sizing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizingLine {
    /// `vehicle` or `driver`.
    pub resource: &'static str,
    /// A vehicle category, or `all`.
    pub category: String,
    /// Requests needing this kind in the period (served, unmet or waiting).
    pub requests: u32,
    /// In the pool when the peak began (without requests, at the end of
    /// the period, or now if it has not ended).
    pub owned: u32,
    /// The most requests running at once, turnaround included.
    pub needed: u32,
    pub peak_from: Option<DateTime<Utc>>,
    pub peak_to: Option<DateTime<Utc>>,
}

struct Need {
    requests: u32,
    sweep: Sweep,
}

impl Need {
    fn new() -> Self {
        Self {
            requests: 0,
            sweep: Sweep::new(),
        }
    }

    fn push(&mut self, a: i64, b: i64) {
        self.requests += 1;
        self.sweep.push(a, b, &mut |_, _| {});
    }

    fn finish(self) -> (u32, Peak) {
        (self.requests, self.sweep.finish(&mut |_, _| {}))
    }
}

/// The fewest vehicles per category (and drivers) that would have served
/// every request of the period, against the pool. Each request counts for
/// its time in the period plus the turnaround gap.
pub fn fleet_sizing(
    conn: &mut DbConn,
    ctx: &ReportContext,
    category: Option<VehicleCategory>,
    sink: &mut dyn FnMut(SizingLine) -> Result<(), OpError>,
) -> Result<(), OpError> {
    let (start, end) = ctx.window();
    let gap = ctx.turnaround.num_microseconds().unwrap_or(0).max(0);
    // The pool at an instant: the vehicles' categories, and everyone's
    // stays from the period's start (or now, if earlier) to its end.
    let (from, to) = ctx.window_instants();
    let vehicle_stays = pool_periods::stays(conn, ResourceKind::Vehicles, from.min(ctx.now), to)?;
    let driver_stays = pool_periods::stays(conn, ResourceKind::Drivers, from.min(ctx.now), to)?;
    let categoriser = Categoriser::load(conn, &vehicle_stays)?;
    let mut fleet: Vec<(VehicleCategory, &[pool::Stay])> = Vec::new();
    for_each_vehicle(conn, &Default::default(), |_, v| {
        if let Some(stays) = vehicle_stays.get(&v.id) {
            fleet.push((v.category, stays));
        }
        Ok(())
    })?;
    let last = end_instant(ctx);
    // Owned at the peak's start, or at the end of the period without one.
    let at = |peak: &Peak| if peak.count > 0 { peak.from } else { last };
    let vehicles_at = |c: Option<VehicleCategory>, t: i64| {
        fleet
            .iter()
            .filter(|(vc, stays)| c.is_none_or(|c| c == *vc) && pool::in_pool_at(stays, t))
            .count() as u32
    };
    // By category, in the order of `VehicleCategory::ALL`.
    let mut per_category: Vec<Option<Need>> = VehicleCategory::ALL
        .iter()
        .map(|c| category.is_none_or(|w| w == *c).then(Need::new))
        .collect();
    let mut all = Need::new();
    ctx.for_each_request(conn, &RequestFilter::default(), |r| {
        let c = categoriser.category(&r);
        if category.is_some() && c != category {
            return Ok::<_, OpError>(());
        }
        let a = r.start.max(start);
        let b = r.end.min(end).saturating_add(gap);
        let place = c.and_then(|c| VehicleCategory::ALL.iter().position(|x| *x == c));
        if let Some(need) = place.and_then(|i| per_category[i].as_mut()) {
            need.push(a, b);
        }
        all.push(a, b);
        Ok(())
    })?;
    let line = |resource, category: &str, owned: u32, (requests, peak): (u32, Peak)| SizingLine {
        resource,
        category: category.to_owned(),
        requests,
        owned,
        needed: peak.count,
        peak_from: (peak.count > 0).then(|| instant(peak.from)),
        peak_to: (peak.count > 0).then(|| instant(peak.to)),
    };
    let mut per_category: Vec<(VehicleCategory, Need)> = VehicleCategory::ALL
        .iter()
        .zip(per_category)
        .filter_map(|(c, need)| Some((*c, need?)))
        .collect();
    per_category.sort_by_key(|(c, _)| c.as_str());
    for (c, need) in per_category {
        let need = need.finish();
        let owned = vehicles_at(Some(c), at(&need.1));
        sink(line("vehicle", c.as_str(), owned, need))?;
    }
    let all = all.finish();
    if category.is_none() {
        sink(line("vehicle", "all", vehicles_at(None, at(&all.1)), all))?;
    }
    let t = at(&all.1);
    let drivers_owned = driver_stays
        .values()
        .filter(|stays| pool::in_pool_at(stays, t))
        .count() as u32;
    sink(line("driver", "all", drivers_owned, all))?;
    Ok(())
}

/// The last instant of the period, or now if the period has not ended:
/// where a report that counts the pool once looks at it.
fn end_instant(ctx: &ReportContext) -> i64 {
    (ctx.window().1 - 1).min(micros(ctx.now))
}

/// One board in board usage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardLine {
    pub board_id: Uuid,
    pub requests: u32,
    pub served: u32,
    pub unmet: u32,
    pub waiting: u32,
    /// Served trip time within the period.
    pub hours: i64,
    /// Of served trips starting in the period.
    pub km: i64,
    /// Trip costs in the ledger dated in the period, less reversals.
    pub cost: Total,
    /// Vehicles and drivers it brought to the pool and still in it at the
    /// end of the period (or now, if the period has not ended).
    pub own_vehicles: u32,
    pub own_drivers: u32,
    /// The most of its requests running at once, turnaround included.
    pub peak_need: u32,
    pub peak_from: Option<DateTime<Utc>>,
    pub peak_to: Option<DateTime<Utc>>,
}

/// Board usage for every board (or one), in the order of `boards`.
pub fn board_usage(
    conn: &mut DbConn,
    ctx: &ReportContext,
    boards: &[Uuid],
    sink: &mut dyn FnMut(BoardLine) -> Result<(), OpError>,
) -> Result<(), OpError> {
    let (start, end) = ctx.window();
    let gap = ctx.turnaround.num_microseconds().unwrap_or(0).max(0);
    let mut lines: HashMap<Uuid, (BoardLine, Sweep)> = boards
        .iter()
        .map(|b| {
            (
                *b,
                (
                    BoardLine {
                        board_id: *b,
                        requests: 0,
                        served: 0,
                        unmet: 0,
                        waiting: 0,
                        hours: 0,
                        km: 0,
                        cost: Total::ZERO,
                        own_vehicles: 0,
                        own_drivers: 0,
                        peak_need: 0,
                        peak_from: None,
                        peak_to: None,
                    },
                    Sweep::new(),
                ),
            )
        })
        .collect();
    let only = (boards.len() == 1).then(|| boards[0]);
    ctx.for_each_request(
        conn,
        &RequestFilter {
            served_only: false,
            reads: Reads::Board(only),
        },
        |r| {
            let Some((line, sweep)) = r.board_id.and_then(|b| lines.get_mut(&b)) else {
                return Ok::<_, OpError>(());
            };
            let (a, b) = (r.start.max(start), r.end.min(end));
            line.requests += 1;
            match outcome(&r, ctx.now) {
                Outcome::Served => {
                    line.served += 1;
                    line.hours += b - a;
                    if (start..end).contains(&r.start) {
                        line.km += r.km.unwrap_or(0);
                    }
                }
                Outcome::Unmet => line.unmet += 1,
                Outcome::Waiting => line.waiting += 1,
            }
            sweep.push(a, b.saturating_add(gap), &mut |_, _| {});
            Ok(())
        },
    )?;
    let costs = fleet_reports::trip_costs(conn, ctx.period.from(), ctx.period.to())?;
    // Its vehicles and drivers in the pool at the end of the period.
    let last = end_instant(ctx);
    let t = instant(last);
    let in_pool = |stays: &HashMap<Uuid, Vec<pool::Stay>>, id: &Uuid| {
        stays.get(id).is_some_and(|s| pool::in_pool_at(s, last))
    };
    let vehicle_stays = pool_periods::stays(conn, ResourceKind::Vehicles, t, instant(last + 1))?;
    for_each_vehicle(
        conn,
        &vehicles::VehicleFilter {
            origin_board_id: only,
            ..Default::default()
        },
        |_, v| {
            if in_pool(&vehicle_stays, &v.id)
                && let Some((l, _)) = lines.get_mut(&v.origin_board_id)
            {
                l.own_vehicles += 1;
            }
            Ok(())
        },
    )?;
    let driver_stays = pool_periods::stays(conn, ResourceKind::Drivers, t, instant(last + 1))?;
    for_each_driver(
        conn,
        &drivers::DriverFilter {
            origin_board_id: only,
            ..Default::default()
        },
        |_, d| {
            if in_pool(&driver_stays, &d.id)
                && let Some((l, _)) = lines.get_mut(&d.origin_board_id)
            {
                l.own_drivers += 1;
            }
            Ok(())
        },
    )?;
    for b in boards {
        let Some((mut line, sweep)) = lines.remove(b) else {
            continue;
        };
        let peak = sweep.finish(&mut |_, _| {});
        line.peak_need = peak.count;
        line.peak_from = (peak.count > 0).then(|| instant(peak.from));
        line.peak_to = (peak.count > 0).then(|| instant(peak.to));
        line.cost = costs.get(b).copied().unwrap_or(Total::ZERO);
        sink(line)?;
    }
    Ok(())
}
