//! The time: the system clock when serving, a set clock in tests.
//!
//! Every operation reads "now" from the [`Clock`] it is given, so a test
//! can run the service at 23:30 UTC (06:30 the next day in Hà Nội) or step
//! past a trip's start without sleeping.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, SubsecRound, Utc};

/// Where "now" comes from. Cloning shares the same clock.
#[derive(Clone, Debug)]
pub struct Clock(Source);

#[derive(Clone, Debug)]
enum Source {
    System,
    Set(Arc<Mutex<DateTime<Utc>>>),
}

impl Clock {
    /// The wall clock.
    pub fn system() -> Self {
        Clock(Source::System)
    }

    /// A clock that stands at `at` until it is moved with [`Clock::set`]
    /// or [`Clock::advance`].
    pub fn set_at(at: DateTime<Utc>) -> Self {
        Clock(Source::Set(Arc::new(Mutex::new(at.trunc_subsecs(6)))))
    }

    /// Now, in UTC, to the microsecond: the finest precision both storage
    /// backends keep, so a value read back equals the value written.
    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            Source::System => Utc::now().trunc_subsecs(6),
            Source::Set(at) => *at.lock().unwrap_or_else(|p| p.into_inner()),
        }
    }

    /// Moves a set clock to `at`. The system clock cannot be moved.
    pub fn set(&self, at: DateTime<Utc>) {
        if let Source::Set(now) = &self.0 {
            *now.lock().unwrap_or_else(|p| p.into_inner()) = at.trunc_subsecs(6);
        }
    }

    /// Moves a set clock forward by `by`.
    pub fn advance(&self, by: chrono::Duration) {
        if let Source::Set(now) = &self.0 {
            let mut now = now.lock().unwrap_or_else(|p| p.into_inner());
            *now += by;
        }
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

/// Now by the wall clock, for the command line and start-up work that runs
/// outside any served request.
pub fn now() -> DateTime<Utc> {
    Clock::system().now()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_set_clock_stands_still_until_moved() {
        let at = Utc.with_ymd_and_hms(2026, 12, 4, 23, 30, 0).unwrap();
        let clock = Clock::set_at(at);
        let shared = clock.clone();
        assert_eq!(clock.now(), at);
        shared.advance(chrono::Duration::minutes(45));
        assert_eq!(
            clock.now(),
            Utc.with_ymd_and_hms(2026, 12, 5, 0, 15, 0).unwrap()
        );
        clock.set(at);
        assert_eq!(shared.now(), at);
    }

    #[test]
    fn the_system_clock_keeps_microseconds() {
        let now = Clock::system().now();
        assert_eq!(now.timestamp_subsec_nanos() % 1_000, 0);
    }
}
