//! A past year's demand replayed on the pool, for benchmark data: each
//! request, in start order, gets the smallest free vehicle that fits (its
//! category wish respected) and the lowest-licensed free driver who may
//! drive it and whose licence is valid through the trip; when nothing is
//! free it goes unmet. The same greedy order as live assignment, without
//! the weekly balancing.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::driver::LicenceClass;
use super::vehicle::VehicleCategory;
use crate::domain::time_range::TimeRange;

#[derive(Debug, Clone)]
pub struct PoolVehicle {
    pub id: Uuid,
    pub seats: u8,
    pub category: VehicleCategory,
}

#[derive(Debug, Clone)]
pub struct PoolDriver {
    pub id: Uuid,
    pub class: LicenceClass,
    pub expires_on: NaiveDate,
}

/// What became of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Served {
    Assigned { vehicle: Uuid, driver: Uuid },
    Unmet(&'static str),
}

type Heap = BinaryHeap<Reverse<(DateTime<Utc>, usize)>>;

/// The pool as it fills up over the year.
pub struct Replay {
    gap: Duration,
    /// (seats, category, heap of (free from, index)), fewest seats first.
    vehicles: Vec<(u8, VehicleCategory, Heap)>,
    vehicle_ids: Vec<Uuid>,
    /// (class, heap), lowest class first.
    drivers: Vec<(LicenceClass, Heap)>,
    driver_list: Vec<PoolDriver>,
}

impl Replay {
    pub fn new(vehicles: &[PoolVehicle], drivers: &[PoolDriver], gap: Duration) -> Self {
        let mut vb: Vec<(u8, VehicleCategory, Heap)> = Vec::new();
        for (i, v) in vehicles.iter().enumerate() {
            let slot = match vb
                .iter()
                .position(|(s, c, _)| *s == v.seats && *c == v.category)
            {
                Some(p) => p,
                None => {
                    vb.push((v.seats, v.category, Heap::new()));
                    vb.len() - 1
                }
            };
            vb[slot].2.push(Reverse((DateTime::<Utc>::MIN_UTC, i)));
        }
        vb.sort_by_key(|(s, c, _)| (*s, *c));
        let mut db: Vec<(LicenceClass, Heap)> = Vec::new();
        for (i, d) in drivers.iter().enumerate() {
            let slot = match db.iter().position(|(c, _)| *c == d.class) {
                Some(p) => p,
                None => {
                    db.push((d.class, Heap::new()));
                    db.len() - 1
                }
            };
            db[slot].1.push(Reverse((DateTime::<Utc>::MIN_UTC, i)));
        }
        db.sort_by_key(|(c, _)| c.max_passengers());
        Self {
            gap,
            vehicles: vb,
            vehicle_ids: vehicles.iter().map(|v| v.id).collect(),
            drivers: db,
            driver_list: drivers.to_vec(),
        }
    }

    /// Serves one request; requests must come in start order.
    pub fn serve(
        &mut self,
        range: &TimeRange,
        last_day: NaiveDate,
        passengers: u8,
        wish: Option<VehicleCategory>,
    ) -> Served {
        let start = range.start();
        let fits = |s: u8, c: VehicleCategory| {
            s.saturating_sub(1) >= passengers && wish.is_none_or(|w| w == c)
        };
        if !self.vehicles.iter().any(|(s, c, _)| fits(*s, *c)) {
            return Served::Unmet("No vehicle of the pool is big enough.");
        }
        let Some(vb) = self.vehicles.iter().position(|(s, c, h)| {
            fits(*s, *c) && h.peek().is_some_and(|Reverse((free, _))| *free <= start)
        }) else {
            return Served::Unmet("Every fitting vehicle was busy.");
        };
        let seats = self.vehicles[vb].0;
        let mut chosen = None;
        for (k, (class, heap)) in self.drivers.iter_mut().enumerate() {
            if !class.covers(seats) {
                continue;
            }
            while let Some(Reverse((free, i))) = heap.peek().copied() {
                if self.driver_list[i].expires_on < last_day {
                    // Expired for this trip, so for every later one.
                    heap.pop();
                    continue;
                }
                if free <= start {
                    chosen = Some(k);
                }
                break;
            }
            if chosen.is_some() {
                break;
            }
        }
        let Some(db) = chosen else {
            return Served::Unmet("No licensed driver was free.");
        };
        let until = range.end() + self.gap;
        let Reverse((_, vi)) = self.vehicles[vb].2.pop().expect("peeked");
        self.vehicles[vb].2.push(Reverse((until, vi)));
        let Reverse((_, di)) = self.drivers[db].1.pop().expect("peeked");
        self.drivers[db].1.push(Reverse((until, di)));
        Served::Assigned {
            vehicle: self.vehicle_ids[vi],
            driver: self.driver_list[di].id,
        }
    }
}

/// The distance of a replayed trip: 40 km an hour of a trip of up to ten
/// hours; 300 km a day for longer ones.
pub fn trip_km(minutes: i64) -> i64 {
    if minutes <= 600 {
        minutes * 40 / 60
    } else {
        (minutes + 24 * 60 - 1) / (24 * 60) * 300
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32) -> DateTime<Utc> {
        NaiveDate::from_ymd_opt(2025, 3, 3)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
            .and_utc()
    }

    #[test]
    fn smallest_free_vehicle_and_a_valid_driver() {
        let car = PoolVehicle {
            id: Uuid::from_u128(1),
            seats: 5,
            category: VehicleCategory::Sedan,
        };
        let bus = PoolVehicle {
            id: Uuid::from_u128(2),
            seats: 16,
            category: VehicleCategory::Minibus,
        };
        let day = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
        let b = PoolDriver {
            id: Uuid::from_u128(10),
            class: LicenceClass::B,
            expires_on: day,
        };
        let d = PoolDriver {
            id: Uuid::from_u128(11),
            class: LicenceClass::D,
            expires_on: day + Duration::days(1000),
        };
        let mut r = Replay::new(&[bus, car], &[d, b], Duration::minutes(30));
        let trip = TimeRange::new(at(8), at(10)).unwrap();
        assert_eq!(
            r.serve(&trip, day, 3, None),
            Served::Assigned {
                vehicle: Uuid::from_u128(1),
                driver: Uuid::from_u128(10)
            }
        );
        // The car and the B driver are busy until 10:30: the bus and the D driver.
        let next = TimeRange::new(at(9), at(11)).unwrap();
        assert_eq!(
            r.serve(&next, day, 3, None),
            Served::Assigned {
                vehicle: Uuid::from_u128(2),
                driver: Uuid::from_u128(11)
            }
        );
        let third = TimeRange::new(at(9), at(12)).unwrap();
        assert_eq!(
            r.serve(&third, day, 2, None),
            Served::Unmet("Every fitting vehicle was busy.")
        );
        assert_eq!(
            r.serve(&third, day, 40, None),
            Served::Unmet("No vehicle of the pool is big enough.")
        );
        // The next day the B licence has expired: only the D driver drives.
        let later = TimeRange::new(at(8) + Duration::days(1), at(9) + Duration::days(1)).unwrap();
        let tomorrow = day + Duration::days(1);
        assert_eq!(
            r.serve(&later, tomorrow, 1, Some(VehicleCategory::Sedan)),
            Served::Assigned {
                vehicle: Uuid::from_u128(1),
                driver: Uuid::from_u128(11)
            }
        );
    }

    #[test]
    fn distances() {
        assert_eq!(trip_km(90), 60);
        assert_eq!(trip_km(2 * 24 * 60), 600);
    }
}
