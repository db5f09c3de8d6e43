//! The fleet desk's settings: when a trip needs approval, the turnaround
//! between trips, and the fuel tolerance.

use chrono::Duration;
use serde::Serialize;

use crate::domain::ParseError;
use crate::domain::time_range::TimeRange;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FleetPolicy {
    /// Trips longer than this many hours go to a manager for approval.
    pub approval_over_hours: u32,
    /// Trips leaving the province go to a manager for approval.
    pub out_of_province_needs_approval: bool,
    /// Minutes a vehicle and its driver need between two trips.
    pub turnaround_minutes: u32,
    /// Fuel use above the vehicle's norm by more than this percentage is flagged.
    pub fuel_tolerance_percent: u32,
}

impl Default for FleetPolicy {
    fn default() -> Self {
        Self {
            approval_over_hours: 24,
            out_of_province_needs_approval: true,
            turnaround_minutes: 30,
            fuel_tolerance_percent: 10,
        }
    }
}

impl FleetPolicy {
    pub fn turnaround(&self) -> Duration {
        Duration::minutes(i64::from(self.turnaround_minutes))
    }

    /// Why a trip needs approval, or `None` when it can be assigned at once.
    pub fn approval_reason(&self, range: &TimeRange, out_of_province: bool) -> Option<String> {
        if out_of_province && self.out_of_province_needs_approval {
            return Some("Trips outside the province need a manager's approval.".to_owned());
        }
        if range.duration() > Duration::hours(i64::from(self.approval_over_hours)) {
            return Some(format!(
                "Trips longer than {} hours need a manager's approval.",
                self.approval_over_hours
            ));
        }
        None
    }

    pub fn check(&self) -> Result<(), (&'static str, ParseError)> {
        if !(1..=24 * 31).contains(&self.approval_over_hours) {
            return Err((
                "approval_over_hours",
                ParseError::new("out_of_range", "approval_over_hours must be 1–744 hours."),
            ));
        }
        if self.turnaround_minutes > 24 * 60 {
            return Err((
                "turnaround_minutes",
                ParseError::new("out_of_range", "turnaround_minutes must be 0–1440."),
            ));
        }
        if self.fuel_tolerance_percent > 100 {
            return Err((
                "fuel_tolerance_percent",
                ParseError::new("out_of_range", "fuel_tolerance_percent must be 0–100."),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn hours(h: i64) -> TimeRange {
        let start = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap();
        TimeRange::new(start, start + Duration::hours(h)).unwrap()
    }

    #[test]
    fn by_default_long_and_out_of_province_trips_need_approval() {
        let p = FleetPolicy::default();
        assert_eq!(p.approval_reason(&hours(3), false), None);
        assert_eq!(p.approval_reason(&hours(24), false), None);
        assert!(
            p.approval_reason(&hours(25), false)
                .unwrap()
                .contains("24 hours")
        );
        assert!(
            p.approval_reason(&hours(3), true)
                .unwrap()
                .contains("outside the province")
        );
        let lenient = FleetPolicy {
            out_of_province_needs_approval: false,
            ..p
        };
        assert_eq!(lenient.approval_reason(&hours(3), true), None);
    }
}
