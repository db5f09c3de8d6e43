//! Auto-assignment: which free vehicle and which free driver serve a trip.
//!
//! Vehicles: enough seats for the passengers (plus the driver), the wished
//! category if any; the smallest that fits first, then the one least used in
//! the trip's week, so small trips do not tie up minibuses and use spreads.
//! Drivers: active, licence class covering the vehicle and valid until the
//! trip's last day; the one with the fewest hours booked in the trip's week
//! first, to balance the drivers' load.

use super::block::ResourceKind;
use chrono::NaiveDate;
use uuid::Uuid;

use super::driver::LicenceClass;
use super::vehicle::VehicleCategory;

/// A vehicle free for the whole trip (checked by storage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VehicleOption {
    pub id: Uuid,
    pub seats: u8,
    pub category: VehicleCategory,
    /// Minutes already booked in the trip's week.
    pub booked_minutes: i64,
}

/// A driver free for the whole trip (checked by storage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriverOption {
    pub id: Uuid,
    pub licence_class: LicenceClass,
    pub licence_expires_on: NaiveDate,
    pub booked_minutes: i64,
}

/// What the trip needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub passengers: u8,
    pub category: Option<VehicleCategory>,
    /// The trip's last day in the office's time zone: the licence must be
    /// valid until then.
    pub last_day: NaiveDate,
}

impl Need {
    pub fn vehicle_fits(&self, seats: u8, category: VehicleCategory) -> bool {
        seats.saturating_sub(1) >= self.passengers && self.category.is_none_or(|c| c == category)
    }

    pub fn driver_fits(&self, driver: &DriverOption, seats: u8) -> bool {
        self.licence_fits(driver.licence_class, driver.licence_expires_on, seats)
    }

    /// A licence of `class`, valid until `expires_on`, may drive a vehicle
    /// of `seats` on the whole trip.
    pub fn licence_fits(&self, class: LicenceClass, expires_on: NaiveDate, seats: u8) -> bool {
        class.covers(seats) && expires_on >= self.last_day
    }
}

/// The order assignment prefers vehicles in: fewest seats, then least
/// booked in the trip's week, then id (a stable tie-break).
pub fn vehicle_preference(v: &VehicleOption) -> (u8, i64, Uuid) {
    (v.seats, v.booked_minutes, v.id)
}

/// The order assignment prefers drivers in: least booked in the trip's
/// week, then id.
pub fn driver_preference(d: &DriverOption) -> (i64, Uuid) {
    (d.booked_minutes, d.id)
}

/// The vehicles that fit `need` and every driver, each in preference order.
fn ranked<'a>(
    vehicles: &'a [VehicleOption],
    drivers: &'a [DriverOption],
    need: &Need,
) -> (Vec<&'a VehicleOption>, Vec<&'a DriverOption>) {
    let mut fitting: Vec<&VehicleOption> = vehicles
        .iter()
        .filter(|v| need.vehicle_fits(v.seats, v.category))
        .collect();
    fitting.sort_by_key(|v| vehicle_preference(v));
    let mut drivers: Vec<&DriverOption> = drivers.iter().collect();
    drivers.sort_by_key(|d| driver_preference(d));
    (fitting, drivers)
}

/// Vehicle and driver pairs to try, best first. Each fitting vehicle appears
/// once, with the best driver who may drive it.
pub fn plan(
    vehicles: &[VehicleOption],
    drivers: &[DriverOption],
    need: &Need,
) -> Vec<(Uuid, Uuid)> {
    let (fitting, ranked_drivers) = ranked(vehicles, drivers, need);
    fitting
        .into_iter()
        .filter_map(|v| {
            ranked_drivers
                .iter()
                .find(|d| need.driver_fits(d, v.seats))
                .map(|d| (v.id, d.id))
        })
        .collect()
}

/// What [`plan_lazily`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LazyPlan {
    /// The first pairs of [`plan`] over the free options, in its order.
    pub pairs: Vec<(Uuid, Uuid)>,
    /// Whether some fitting vehicle is free (even if no driver is).
    pub vehicle_free: bool,
}

/// How many candidates [`plan_lazily`] asks about first.
const FIRST_BATCH: usize = 4;

/// The first `want` pairs [`plan`] would give if it were handed only the
/// free options, asking `free` about as few candidates as it can.
///
/// `vehicles` and `drivers` are every candidate, free or not. `free` is
/// asked about ids of one pool at a time, best first, and answers for each
/// whether it is free for the trip: a few ids first, then twice as many
/// each time, up to `batch`. Vehicles are asked in
/// preference order; for each free one, only drivers who may drive it are
/// asked, so a minibus that needs one of the few D licences does not make
/// every B licence holder be asked first. What was learnt about a driver is
/// kept for the next vehicle.
pub fn plan_lazily<E>(
    vehicles: &[VehicleOption],
    drivers: &[DriverOption],
    need: &Need,
    want: usize,
    batch: usize,
    mut free: impl FnMut(ResourceKind, &[Uuid]) -> Result<Vec<bool>, E>,
) -> Result<LazyPlan, E> {
    let batch = batch.max(1);
    let (fitting, ranked) = ranked(vehicles, drivers, need);
    let mut driver_free: Vec<Option<bool>> = vec![None; ranked.len()];
    let mut out = LazyPlan::default();
    // The best candidate is usually free: ask about a few first, then
    // twice as many each time, up to `batch`.
    let grow = |n: usize| (n * 2).min(batch);
    let mut vehicle_batch = FIRST_BATCH.min(batch);
    let mut driver_batch = FIRST_BATCH.min(batch);
    let mut next = 0;
    while next < fitting.len() {
        let chunk = &fitting[next..(next + vehicle_batch).min(fitting.len())];
        next += chunk.len();
        vehicle_batch = grow(vehicle_batch);
        let ids: Vec<Uuid> = chunk.iter().map(|v| v.id).collect();
        let answers = free(ResourceKind::Vehicles, &ids)?;
        for (vehicle, _) in chunk.iter().zip(answers).filter(|(_, f)| *f) {
            out.vehicle_free = true;
            let may_drive = |i: &usize| need.driver_fits(ranked[*i], vehicle.seats);
            let mut at = 0;
            while let Some(i) = (at..ranked.len()).find(may_drive) {
                match driver_free[i] {
                    Some(true) => {
                        out.pairs.push((vehicle.id, ranked[i].id));
                        break;
                    }
                    Some(false) => at = i + 1,
                    None => {
                        let unknown: Vec<usize> = (i..ranked.len())
                            .filter(|j| driver_free[*j].is_none() && may_drive(j))
                            .take(driver_batch)
                            .collect();
                        driver_batch = grow(driver_batch);
                        let ids: Vec<Uuid> = unknown.iter().map(|j| ranked[*j].id).collect();
                        for (j, f) in unknown.into_iter().zip(free(ResourceKind::Drivers, &ids)?) {
                            driver_free[j] = Some(f);
                        }
                    }
                }
            }
            if out.pairs.len() >= want {
                return Ok(out);
            }
        }
    }
    Ok(out)
}

/// Why a trip could not be served, for the waitlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoFit {
    /// No vehicle in the pool has the seats (and category) at all.
    NoVehicleBigEnough,
    /// Vehicles that fit exist but all are booked or in maintenance then.
    VehiclesBusy,
    /// A vehicle is free but no licensed driver is.
    NoDriver,
}

impl NoFit {
    pub fn code(self) -> &'static str {
        match self {
            NoFit::NoVehicleBigEnough => "no_vehicle_big_enough",
            NoFit::VehiclesBusy => "vehicles_busy",
            NoFit::NoDriver => "no_driver_free",
        }
    }

    pub fn explain(self, need: &Need) -> String {
        let what = match need.category {
            Some(c) => format!("{} for {} passenger(s)", c.as_str(), need.passengers),
            None => format!("vehicle for {} passenger(s)", need.passengers),
        };
        match self {
            NoFit::NoVehicleBigEnough => format!(
                "The pool has no {what}; the fleet desk can assign one by hand or split the group."
            ),
            NoFit::VehiclesBusy => format!(
                "Every {what} is booked or in maintenance at that time; the request waits for one to free up."
            ),
            NoFit::NoDriver => format!(
                "A {what} is free but no driver licensed for it is free at that time; the request waits for a driver."
            ),
        }
    }
}

/// Tells why no plan was found, given how many vehicles in the whole pool
/// fit the need and whether one of them is free.
pub fn why_nothing(fitting_in_pool: usize, fitting_vehicle_free: bool) -> NoFit {
    if fitting_in_pool == 0 {
        NoFit::NoVehicleBigEnough
    } else if fitting_vehicle_free {
        NoFit::NoDriver
    } else {
        NoFit::VehiclesBusy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(n: u128, seats: u8, category: VehicleCategory, booked: i64) -> VehicleOption {
        VehicleOption {
            id: Uuid::from_u128(n),
            seats,
            category,
            booked_minutes: booked,
        }
    }

    fn d(n: u128, class: LicenceClass, booked: i64) -> DriverOption {
        DriverOption {
            id: Uuid::from_u128(100 + n),
            licence_class: class,
            licence_expires_on: NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
            booked_minutes: booked,
        }
    }

    fn need(passengers: u8, category: Option<VehicleCategory>) -> Need {
        Need {
            passengers,
            category,
            last_day: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        }
    }

    #[test]
    fn the_smallest_vehicle_that_fits_comes_first() {
        let vehicles = [
            v(1, 16, VehicleCategory::Minibus, 0),
            v(2, 5, VehicleCategory::Sedan, 600),
            v(3, 7, VehicleCategory::Suv, 0),
            v(4, 5, VehicleCategory::Sedan, 60),
        ];
        let drivers = [d(1, LicenceClass::D, 0)];
        let order: Vec<u128> = plan(&vehicles, &drivers, &need(3, None))
            .iter()
            .map(|p| p.0.as_u128())
            .collect();
        // Two 5-seaters: the less used one (60 min) first; then the 7-seater; then the minibus.
        assert_eq!(order, [4, 2, 3, 1]);
        // Five passengers do not fit a 5-seater (4 passengers besides the driver).
        let order: Vec<u128> = plan(&vehicles, &drivers, &need(5, None))
            .iter()
            .map(|p| p.0.as_u128())
            .collect();
        assert_eq!(order, [3, 1]);
    }

    #[test]
    fn a_category_wish_is_respected() {
        let vehicles = [
            v(1, 5, VehicleCategory::Sedan, 0),
            v(2, 7, VehicleCategory::Suv, 0),
        ];
        let drivers = [d(1, LicenceClass::B, 0)];
        let order: Vec<u128> = plan(&vehicles, &drivers, &need(2, Some(VehicleCategory::Suv)))
            .iter()
            .map(|p| p.0.as_u128())
            .collect();
        assert_eq!(order, [2]);
    }

    #[test]
    fn drivers_need_the_licence_and_the_least_loaded_is_chosen() {
        let vehicles = [
            v(1, 16, VehicleCategory::Minibus, 0),
            v(2, 5, VehicleCategory::Sedan, 0),
        ];
        let drivers = [
            d(1, LicenceClass::B, 0),
            d(2, LicenceClass::D1, 120),
            d(3, LicenceClass::D1, 30),
        ];
        let pairs = plan(&vehicles, &drivers, &need(10, None));
        // Only the minibus carries 10; a B licence may not drive it; of the
        // two D1 holders the one with 30 minutes this week is chosen.
        assert_eq!(pairs, [(Uuid::from_u128(1), Uuid::from_u128(103))]);
        let pairs = plan(&vehicles, &drivers, &need(2, None));
        assert_eq!(pairs[0], (Uuid::from_u128(2), Uuid::from_u128(101)));
    }

    #[test]
    fn an_expired_licence_does_not_count() {
        let vehicles = [v(1, 5, VehicleCategory::Sedan, 0)];
        let mut expired = d(1, LicenceClass::B, 0);
        expired.licence_expires_on = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert!(plan(&vehicles, &[expired.clone()], &need(1, None)).is_empty());
        // Valid through the trip's last day is enough.
        expired.licence_expires_on = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(plan(&vehicles, &[expired], &need(1, None)).len(), 1);
    }

    #[test]
    fn the_reason_for_waiting_is_specific() {
        let n = need(3, None);
        assert_eq!(why_nothing(0, false), NoFit::NoVehicleBigEnough);
        assert_eq!(why_nothing(2, false), NoFit::VehiclesBusy);
        assert_eq!(why_nothing(2, true), NoFit::NoDriver);
        assert!(NoFit::VehiclesBusy.explain(&n).contains("3 passenger"));
    }

    #[test]
    fn a_lazy_plan_asks_only_drivers_who_may_drive_the_vehicle() {
        // Passengers 10: only the minibus (16 seats) fits. Drivers ranked by
        // load: three B holders first (0 minutes), then two D1 holders.
        let vehicles = [
            v(1, 5, VehicleCategory::Sedan, 0),
            v(2, 16, VehicleCategory::Minibus, 0),
        ];
        let drivers = [
            d(1, LicenceClass::B, 0),
            d(2, LicenceClass::B, 0),
            d(3, LicenceClass::B, 0),
            d(4, LicenceClass::D1, 300),
            d(5, LicenceClass::D1, 60),
        ];
        let mut asked: Vec<(ResourceKind, Vec<u128>)> = Vec::new();
        let busy = [Uuid::from_u128(105)];
        let found = plan_lazily(&vehicles, &drivers, &need(10, None), 4, 2, |pool, ids| {
            asked.push((pool, ids.iter().map(|i| i.as_u128()).collect()));
            Ok::<_, ()>(ids.iter().map(|i| !busy.contains(i)).collect())
        })
        .unwrap();
        // The less loaded D1 holder (105) is busy; 104 drives.
        assert_eq!(found.pairs, [(Uuid::from_u128(2), Uuid::from_u128(104))]);
        assert!(found.vehicle_free);
        // The sedan does not fit and no B holder was asked about.
        assert_eq!(
            asked,
            [
                (ResourceKind::Vehicles, vec![2]),
                (ResourceKind::Drivers, vec![105, 104])
            ]
        );
    }

    #[test]
    fn a_lazy_plan_reports_a_free_vehicle_without_a_driver() {
        let vehicles = [v(1, 16, VehicleCategory::Minibus, 0)];
        let drivers = [d(1, LicenceClass::B, 0)];
        let found = plan_lazily(&vehicles, &drivers, &need(10, None), 4, 8, |_, ids| {
            Ok::<_, ()>(vec![true; ids.len()])
        })
        .unwrap();
        assert!(found.pairs.is_empty());
        assert!(found.vehicle_free);
    }

    mod lazily {
        use super::*;
        use proptest::prelude::*;

        const CLASSES: [LicenceClass; 3] = [LicenceClass::B, LicenceClass::D1, LicenceClass::D];
        const SIZES: [(u8, VehicleCategory); 4] = [
            (5, VehicleCategory::Sedan),
            (7, VehicleCategory::Suv),
            (16, VehicleCategory::Minibus),
            (29, VehicleCategory::Minibus),
        ];

        proptest! {
            /// Asking lazily gives the first pairs of the whole plan over
            /// the free options, whatever the batch size.
            #[test]
            fn gives_the_head_of_the_whole_plan(
                vehicles in proptest::collection::vec((0..4usize, 0..5i64, any::<bool>()), 0..30),
                drivers in proptest::collection::vec((0..3usize, 0..5i64, any::<bool>(), any::<bool>()), 0..30),
                passengers in 1u8..20,
                wish in proptest::option::of(0..4usize),
                want in 1usize..6,
                batch in 1usize..8,
            ) {
                let vs: Vec<(VehicleOption, bool)> = vehicles.iter().enumerate().map(|(i, (size, load, free))| {
                    let (seats, category) = SIZES[*size];
                    (v(i as u128 + 1, seats, category, load * 60), *free)
                }).collect();
                let ds: Vec<(DriverOption, bool)> = drivers.iter().enumerate().map(|(i, (class, load, free, expired))| {
                    let mut o = d(i as u128 + 1, CLASSES[*class], load * 60);
                    if *expired {
                        o.licence_expires_on = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
                    }
                    (o, *free)
                }).collect();
                let n = need(passengers, wish.map(|w| SIZES[w].1));
                let free_v: Vec<VehicleOption> = vs.iter().filter(|x| x.1).map(|x| x.0.clone()).collect();
                let free_d: Vec<DriverOption> = ds.iter().filter(|x| x.1).map(|x| x.0.clone()).collect();
                let mut whole = plan(&free_v, &free_d, &n);
                whole.truncate(want);
                let all_v: Vec<VehicleOption> = vs.iter().map(|x| x.0.clone()).collect();
                let all_d: Vec<DriverOption> = ds.iter().map(|x| x.0.clone()).collect();
                let is_free = |id: &Uuid| vs.iter().any(|x| x.0.id == *id && x.1) || ds.iter().any(|x| x.0.id == *id && x.1);
                let lazy = plan_lazily(&all_v, &all_d, &n, want, batch, |_, ids| {
                    Ok::<_, ()>(ids.iter().map(is_free).collect())
                }).unwrap();
                prop_assert_eq!(lazy.pairs, whole);
                prop_assert_eq!(
                    lazy.vehicle_free,
                    free_v.iter().any(|x| n.vehicle_fits(x.seats, x.category))
                );
            }
        }
    }
}
