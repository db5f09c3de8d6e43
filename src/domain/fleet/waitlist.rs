//! Which waiting requests new or freed capacity could serve, so only those
//! are tried again: a sedan registered does not make a request for 20
//! passengers search the pool once more.
//!
//! The rule is a necessary condition of assignment (see
//! [`super::assignment::Need`]): a request it leaves out could not have
//! been served by the resource, whatever else is free. Those it keeps are
//! tried by the full assignment, which may still find nothing.

use chrono::{DateTime, Utc};

use super::booking::Booking;
use super::driver::LicenceClass;
use super::vehicle::VehicleCategory;
use crate::domain::time_range::TimeRange;

/// The waiting requests worth trying again, as conditions that all hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reach {
    /// Only requests whose trip overlaps this window.
    pub window: Option<TimeRange>,
    /// Only requests of at most this many passengers.
    pub max_passengers: Option<u8>,
    /// Only requests that wish no category or this one.
    pub category: Option<VehicleCategory>,
    /// Only requests ending by this instant (the end of the day a licence
    /// is last valid, in the office's time zone).
    pub ends_by: Option<DateTime<Utc>>,
}

impl Reach {
    /// Every waiting request.
    pub fn all() -> Self {
        Self::default()
    }

    /// The requests a vehicle of `seats` (the driver's included) and
    /// `category` could carry.
    pub fn vehicle(seats: u8, category: VehicleCategory) -> Self {
        Self {
            max_passengers: Some(seats.saturating_sub(1)),
            category: Some(category),
            ..Self::default()
        }
    }

    /// The requests a driver with a licence of `class`, valid until the end
    /// of the day ending at `valid_until`, could drive.
    pub fn driver(class: LicenceClass, valid_until: DateTime<Utc>) -> Self {
        Self {
            max_passengers: Some(class.max_passengers()),
            ends_by: Some(valid_until),
            ..Self::default()
        }
    }

    /// The requests overlapping `window`, where a vehicle or a driver was
    /// freed.
    pub fn window(window: TimeRange) -> Self {
        Self {
            window: Some(window),
            ..Self::default()
        }
    }

    /// Also only the requests overlapping `window`.
    pub fn within(self, window: TimeRange) -> Self {
        Self {
            window: Some(window),
            ..self
        }
    }

    /// Whether a waiting request meets every condition.
    pub fn admits(&self, b: &Booking) -> bool {
        self.window
            .is_none_or(|w| b.range.start() < w.end() && b.range.end() > w.start())
            && self.max_passengers.is_none_or(|m| b.passengers <= m)
            && self
                .category
                .is_none_or(|c| b.category_wish.is_none_or(|wish| wish == c))
            && self.ends_by.is_none_or(|t| b.range.end() <= t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fleet::assignment::Need;
    use crate::domain::fleet::booking::{BookingStatus, Priority};
    use chrono::TimeZone;

    fn waiting(
        passengers: u8,
        wish: Option<VehicleCategory>,
        day: u32,
        hours: (u32, u32),
    ) -> Booking {
        let at = |h| Utc.with_ymd_and_hms(2026, 11, day, h, 0, 0).unwrap();
        Booking {
            id: uuid::Uuid::now_v7(),
            board_id: uuid::Uuid::nil(),
            requester_id: uuid::Uuid::nil(),
            purpose: "Công tác".to_owned(),
            destination: "Huyện".to_owned(),
            out_of_province: false,
            passengers,
            range: TimeRange::new(at(hours.0), at(hours.1)).unwrap(),
            category_wish: wish,
            priority: Priority::Normal,
            status: BookingStatus::Waitlisted,
            status_reason: None,
            vehicle_id: None,
            driver_id: None,
            trip: None,
            created_at: at(0),
        }
    }

    #[test]
    fn a_vehicle_reaches_the_requests_it_seats_in_its_category() {
        let sedan = Reach::vehicle(5, VehicleCategory::Sedan);
        assert!(sedan.admits(&waiting(4, None, 24, (1, 3))));
        assert!(sedan.admits(&waiting(1, Some(VehicleCategory::Sedan), 24, (1, 3))));
        assert!(
            !sedan.admits(&waiting(5, None, 24, (1, 3))),
            "5 + driver > 5 seats"
        );
        assert!(!sedan.admits(&waiting(1, Some(VehicleCategory::Van), 24, (1, 3))));
    }

    #[test]
    fn a_driver_reaches_what_the_licence_covers_until_it_expires() {
        let end_of_25th = Utc.with_ymd_and_hms(2026, 11, 25, 17, 0, 0).unwrap();
        let b = Reach::driver(LicenceClass::B, end_of_25th);
        assert!(
            b.admits(&waiting(8, None, 25, (1, 17))),
            "ends as the licence does"
        );
        assert!(
            !b.admits(&waiting(9, None, 25, (1, 3))),
            "9 passengers need a D1"
        );
        assert!(
            !b.admits(&waiting(1, None, 25, (16, 18))),
            "ends after expiry"
        );
        assert!(
            Reach::driver(LicenceClass::D2, end_of_25th).admits(&waiting(29, None, 24, (1, 3)))
        );
    }

    #[test]
    fn a_freed_window_reaches_the_requests_overlapping_it() {
        let at = |h| Utc.with_ymd_and_hms(2026, 11, 24, h, 0, 0).unwrap();
        let freed = Reach::window(TimeRange::new(at(2), at(4)).unwrap());
        assert!(freed.admits(&waiting(20, None, 24, (3, 5))));
        assert!(
            !freed.admits(&waiting(1, None, 24, (4, 6))),
            "starts as it ends"
        );
        assert!(
            !freed.admits(&waiting(1, None, 24, (0, 2))),
            "ends as it starts"
        );
        let sedan_freed =
            Reach::vehicle(5, VehicleCategory::Sedan).within(TimeRange::new(at(2), at(4)).unwrap());
        assert!(!sedan_freed.admits(&waiting(20, None, 24, (3, 5))));
    }

    #[test]
    fn what_the_reach_leaves_out_the_vehicle_could_not_carry() {
        // The reach is a necessary condition of assignment.
        for seats in [2u8, 5, 7, 16, 29, 45] {
            for category in VehicleCategory::ALL {
                let reach = Reach::vehicle(seats, category);
                for passengers in 1..=59u8 {
                    for wish in std::iter::once(None).chain(VehicleCategory::ALL.map(Some)) {
                        let b = waiting(passengers, wish, 24, (1, 3));
                        let need = Need {
                            passengers,
                            category: wish,
                            last_day: b.range.end().date_naive(),
                        };
                        if need.vehicle_fits(seats, category) {
                            assert!(
                                reach.admits(&b),
                                "{seats} {category:?} {passengers} {wish:?}"
                            );
                        }
                    }
                }
            }
        }
    }
}
