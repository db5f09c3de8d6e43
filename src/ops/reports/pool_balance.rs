//! Pool balance: per hour or day the requests, the peak demand against
//! the assignable vehicles and drivers, and a verdict.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::fleet::block::ResourceKind;
use crate::domain::fleet::vehicle::VehicleCategory;
use crate::domain::utilisation::buckets::{self, Balance, BucketSize, Thresholds};
use crate::domain::utilisation::intervals::IntervalSet;
use crate::domain::utilisation::pool;
use crate::domain::utilisation::sweep::{BucketPeaks, Sweep};
use crate::domain::utilisation::{instant, micros};
use crate::ops::OpError;
use crate::storage::fleet_reports::{self, Reads, RequestFilter};
use crate::storage::{DbConn, pool_periods, vehicles};

use super::fleet::*;
use super::{Asked, Prepared, Start};
use crate::ops::Env;

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

/// The pool balance of the period asked, for vehicles of `category` (all
/// when `None`), per bucket of `size`, judged by `thresholds`.
#[tracing::instrument(skip(env))]
pub async fn prepare(
    env: &Env,
    asked: Asked,
    category: Option<VehicleCategory>,
    size: BucketSize,
    thresholds: Thresholds,
) -> Result<Prepared<BalanceLine>, OpError> {
    let start = Start::load(env, asked).await?;
    Ok(start.prepare(env, move |conn, ctx, sink| {
        pool_balance(conn, ctx, category, size, &thresholds, sink)
    }))
}
