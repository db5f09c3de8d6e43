//! Fleet sizing: per category the fewest vehicles (and drivers) that would
//! have served every request of the period, against what the pool owns.

use chrono::{DateTime, Utc};

use crate::domain::fleet::block::ResourceKind;
use crate::domain::fleet::vehicle::VehicleCategory;
use crate::domain::utilisation::instant;
use crate::domain::utilisation::pool;
use crate::domain::utilisation::sweep::{Peak, Sweep};
use crate::ops::OpError;
use crate::storage::fleet_reports::RequestFilter;
use crate::storage::{DbConn, pool_periods};

use super::fleet::*;
use super::{Asked, Prepared, Start};
use crate::ops::Env;

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

/// Fleet sizing over the period asked, for vehicles of `category` (all
/// when `None`).
#[tracing::instrument(skip(env))]
pub async fn prepare(
    env: &Env,
    asked: Asked,
    category: Option<VehicleCategory>,
) -> Result<Prepared<SizingLine>, OpError> {
    let start = Start::load(env, asked).await?;
    Ok(start.prepare(env, move |conn, ctx, sink| {
        fleet_sizing(conn, ctx, category, sink)
    }))
}
