//! Auto-assignment: which free vehicle and which free driver serve a trip.
//!
//! Vehicles: enough seats for the passengers (plus the driver), the wished
//! category if any; the smallest that fits first, then the one least used in
//! the trip's week, so small trips do not tie up minibuses and use spreads.
//! Drivers: active, licence class covering the vehicle and valid until the
//! trip's last day; the one with the fewest hours booked in the trip's week
//! first, to balance the drivers' load.

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
        driver.licence_class.covers(seats) && driver.licence_expires_on >= self.last_day
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

/// Vehicle and driver pairs to try, best first. Each fitting vehicle appears
/// once, with the best driver who may drive it.
pub fn plan(
    vehicles: &[VehicleOption],
    drivers: &[DriverOption],
    need: &Need,
) -> Vec<(Uuid, Uuid)> {
    let mut fitting: Vec<&VehicleOption> = vehicles
        .iter()
        .filter(|v| need.vehicle_fits(v.seats, v.category))
        .collect();
    fitting.sort_by_key(|v| vehicle_preference(v));
    let mut ranked_drivers: Vec<&DriverOption> = drivers.iter().collect();
    ranked_drivers.sort_by_key(|d| driver_preference(d));
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

/// Tells why [`plan`] found nothing, given how many vehicles in the whole
/// pool fit the need and the free options.
pub fn why_nothing(fitting_in_pool: usize, free_vehicles: &[VehicleOption], need: &Need) -> NoFit {
    if fitting_in_pool == 0 {
        NoFit::NoVehicleBigEnough
    } else if free_vehicles
        .iter()
        .any(|v| need.vehicle_fits(v.seats, v.category))
    {
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
        assert_eq!(why_nothing(0, &[], &n), NoFit::NoVehicleBigEnough);
        assert_eq!(why_nothing(2, &[], &n), NoFit::VehiclesBusy);
        assert_eq!(
            why_nothing(2, &[v(1, 5, VehicleCategory::Sedan, 0)], &n),
            NoFit::NoDriver
        );
        assert!(NoFit::VehiclesBusy.explain(&n).contains("3 passenger"));
    }
}
