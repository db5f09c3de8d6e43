//! Board usage: per board its requests and use of the pool, against the
//! fleet it brought before pooling.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::fleet::block::ResourceKind;
use crate::domain::money::Total;
use crate::domain::utilisation::instant;
use crate::domain::utilisation::pool;
use crate::domain::utilisation::sweep::Sweep;
use crate::ops::OpError;
use crate::storage::fleet_reports::{self, Reads, RequestFilter};
use crate::storage::{DbConn, drivers, pool_periods, vehicles};

use super::fleet::*;
use super::{Asked, Prepared, Start};
use crate::ops::Env;

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

/// Board usage over the period asked, for every board in code order, or
/// the one asked.
#[tracing::instrument(skip(env))]
pub async fn prepare(env: &Env, asked: Asked) -> Result<Prepared<BoardLine>, OpError> {
    let start = Start::load(env, asked).await?;
    let ids = start.boards.ids(start.board);
    Ok(start.prepare(env, move |conn, ctx, sink| {
        board_usage(conn, ctx, &ids, sink)
    }))
}
