//! Time buckets of the pool-balance report and how each is classified.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::calendar::WorkingCalendar;
use super::period::Period;
use super::{HOUR_MICROS, micros};
use crate::domain::ParseError;

/// The width of a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BucketSize {
    Hour,
    Day,
}

impl BucketSize {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "hour" => Ok(Self::Hour),
            "day" => Ok(Self::Day),
            other => Err(ParseError::new(
                "invalid_bucket",
                format!("'{other}' is not a bucket size; use hour or day."),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hour => "hour",
            Self::Day => "day",
        }
    }
}

/// The boundaries of the buckets covering `period` in office time: n + 1
/// instants for n buckets, from the first day's midnight to the midnight
/// after the last day.
pub fn bounds(cal: &WorkingCalendar, period: &Period, size: BucketSize) -> Vec<i64> {
    let days: Vec<NaiveDate> = period.days().collect();
    let mut out = Vec::with_capacity(days.len() * 24 + 1);
    for d in &days {
        let (start, end) = cal.day_bounds(*d);
        match size {
            BucketSize::Day => out.push(start),
            BucketSize::Hour => {
                let mut t = start;
                while t < end {
                    out.push(t);
                    t += HOUR_MICROS;
                }
            }
        }
    }
    out.push(micros(
        cal.local(period.to() + Duration::days(1), chrono::NaiveTime::MIN),
    ));
    out
}

/// When a bucket counts as short of vehicles or as having too many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// A bucket is `shortage` when the peak number of requests running at
    /// once exceeds the assignable vehicles (or drivers) by at least this
    /// many (default 1).
    pub shortage_threshold: u32,
    /// A bucket within working hours is `surplus` when at least this
    /// percentage of the assignable vehicles stayed idle at its busiest
    /// moment (default 50).
    pub surplus_threshold: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            shortage_threshold: 1,
            surplus_threshold: 50,
        }
    }
}

impl Thresholds {
    pub fn new(
        shortage: Option<i64>,
        surplus: Option<i64>,
    ) -> Result<Self, (&'static str, ParseError)> {
        let d = Self::default();
        let shortage = match shortage {
            None => d.shortage_threshold,
            Some(v) if (1..=10_000).contains(&v) => v as u32,
            Some(v) => {
                return Err((
                    "shortage_threshold",
                    ParseError::new(
                        "out_of_range",
                        format!(
                            "shortage_threshold {v} is not accepted: give a number of vehicles from 1 to 10000."
                        ),
                    ),
                ));
            }
        };
        let surplus = match surplus {
            None => d.surplus_threshold,
            Some(v) if (1..=100).contains(&v) => v as u32,
            Some(v) => {
                return Err((
                    "surplus_threshold",
                    ParseError::new(
                        "out_of_range",
                        format!(
                            "surplus_threshold {v} is not accepted: give a percentage from 1 to 100."
                        ),
                    ),
                ));
            }
        };
        Ok(Self {
            shortage_threshold: shortage,
            surplus_threshold: surplus,
        })
    }
}

/// The verdict on a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Balance {
    Shortage,
    Balanced,
    Surplus,
}

impl Balance {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Shortage => "shortage",
            Self::Balanced => "balanced",
            Self::Surplus => "surplus",
        }
    }
}

/// Classifies a bucket by its peak demand (requests running at once) and
/// its capacity (assignable vehicles, or drivers if fewer). Idle cars
/// outside working hours are not a surplus.
pub fn classify(peak_demand: u32, capacity: u32, working: bool, t: &Thresholds) -> Balance {
    if peak_demand >= capacity.saturating_add(t.shortage_threshold) {
        return Balance::Shortage;
    }
    let idle = capacity.saturating_sub(peak_demand);
    if working
        && capacity > 0
        && u64::from(idle) * 100 >= u64::from(t.surplus_threshold) * u64::from(capacity)
    {
        return Balance::Surplus;
    }
    Balance::Balanced
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_requests_at_once_with_one_car_are_a_shortage() {
        let t = Thresholds::default();
        assert_eq!(classify(2, 1, true, &t), Balance::Shortage);
        assert_eq!(classify(1, 1, true, &t), Balance::Balanced);
        assert_eq!(classify(0, 1, true, &t), Balance::Surplus);
        assert_eq!(classify(0, 1, false, &t), Balance::Balanced);
        assert_eq!(classify(0, 0, true, &t), Balance::Balanced);
        assert_eq!(classify(1, 0, false, &t), Balance::Shortage);
        // Four cars, two busy: half idle is a surplus at 50 %, not at 60 %.
        assert_eq!(classify(2, 4, true, &t), Balance::Surplus);
        let strict = Thresholds::new(Some(2), Some(60)).unwrap();
        assert_eq!(classify(2, 4, true, &strict), Balance::Balanced);
        assert_eq!(classify(5, 4, true, &strict), Balance::Balanced);
        assert_eq!(classify(6, 4, true, &strict), Balance::Shortage);
    }

    #[test]
    fn thresholds_out_of_range_are_refused() {
        assert_eq!(
            Thresholds::new(Some(0), None).unwrap_err().0,
            "shortage_threshold"
        );
        assert_eq!(
            Thresholds::new(None, Some(101)).unwrap_err().0,
            "surplus_threshold"
        );
        assert_eq!(
            BucketSize::parse("week").unwrap_err().code,
            "invalid_bucket"
        );
    }

    #[test]
    fn hour_buckets_cover_whole_local_days() {
        let cal = WorkingCalendar::default();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let p = Period::new(
            Some(d("2026-11-23")),
            Some(d("2026-11-24")),
            d("2026-11-01"),
        )
        .unwrap();
        let b = bounds(&cal, &p, BucketSize::Hour);
        assert_eq!(b.len(), 49);
        assert_eq!(b[0], micros("2026-11-22T17:00:00Z".parse().unwrap()));
        assert_eq!(b[48], micros("2026-11-24T17:00:00Z".parse().unwrap()));
        assert_eq!(bounds(&cal, &p, BucketSize::Day).len(), 3);
    }
}
