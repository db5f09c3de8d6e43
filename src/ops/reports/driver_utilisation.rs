//! Driver utilisation: per driver the shift hours, driving hours within
//! and outside them, trips, km and idle days.

use uuid::Uuid;

use crate::domain::fleet::block::ResourceKind;
use crate::domain::fleet::driver::Driver;
use crate::domain::utilisation::tally::DayGrid;
use crate::ops::OpError;
use crate::storage::{DbConn, drivers};

use super::fleet::*;
use super::{Asked, Prepared, Start};
use crate::ops::Env;

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

/// Driver utilisation of the period and board asked.
#[tracing::instrument(skip(env))]
pub async fn prepare(env: &Env, asked: Asked) -> Result<Prepared<DriverLine>, OpError> {
    let start = Start::load(env, asked).await?;
    let board = start.board;
    Ok(start.prepare(env, move |conn, ctx, sink| {
        driver_utilisation(conn, ctx, board, sink)
    }))
}
