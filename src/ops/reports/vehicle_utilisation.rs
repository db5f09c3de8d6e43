//! Vehicle utilisation: per vehicle, board of origin, day or vehicle-day,
//! the bookable hours in the working calendar against the booked hours.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::domain::fleet::block::ResourceKind;
use crate::domain::fleet::vehicle::{Vehicle, VehicleCategory};
use crate::domain::utilisation::tally::DayGrid;
use crate::ops::OpError;
use crate::storage::{DbConn, vehicles};

use super::fleet::*;
use super::{Asked, Prepared, Start};
use crate::ops::Env;

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

/// Vehicle utilisation of the period and board asked, for vehicles of
/// `category` (all when `None`), grouped by `grouping`.
#[tracing::instrument(skip(env))]
pub async fn prepare(
    env: &Env,
    asked: Asked,
    category: Option<VehicleCategory>,
    grouping: VehicleGrouping,
) -> Result<Prepared<VehicleLine>, OpError> {
    let start = Start::load(env, asked).await?;
    let board = start.board;
    Ok(start.prepare(env, move |conn, ctx, sink| {
        vehicle_utilisation(conn, ctx, board, category, grouping, sink)
    }))
}
