//! The pool's operations: registering vehicles and drivers, maintenance and
//! leave, booking, assignment, the waitlist and trips. Each function runs
//! inside the caller's write transaction and records its audit entries.

pub mod bookings;
pub mod history;
pub mod resources;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use diesel::QueryResult;

use crate::domain::fleet::policy::FleetPolicy;
use crate::domain::time_range::TimeRange;
use crate::storage::{DbConn, settings};

/// What every fleet operation needs to know: the settings and the time.
#[derive(Debug, Clone, Copy)]
pub struct FleetContext {
    pub policy: FleetPolicy,
    pub tz: Tz,
    pub now: DateTime<Utc>,
}

impl FleetContext {
    pub fn load(conn: &mut DbConn, now: DateTime<Utc>) -> QueryResult<Self> {
        let (policy, tz) = settings::fleet_policy(conn)?;
        Ok(Self { policy, tz, now })
    }

    /// The same moment for the ledger's operations.
    pub fn ledger(&self) -> crate::ops::ledger::LedgerContext {
        crate::ops::ledger::LedgerContext {
            now: self.now,
            tz: self.tz,
        }
    }

    /// The trip's window with the turnaround gap after it.
    pub fn window(&self, range: &TimeRange) -> TimeRange {
        range.with_gap(self.policy.turnaround())
    }

    /// Monday 00:00 to the next Monday 00:00 in the office's time zone, for
    /// the week containing `t`.
    pub fn week_of(&self, t: DateTime<Utc>) -> TimeRange {
        let local = t.with_timezone(&self.tz).date_naive();
        let monday = local - Duration::days(i64::from(local.weekday().num_days_from_monday()));
        let start = self.local_midnight(monday);
        let end = self.local_midnight(monday + Duration::days(7));
        TimeRange::new(start, end).unwrap_or_else(|_| {
            TimeRange::new(t, t + Duration::days(7)).expect("a 7-day range is valid")
        })
    }

    /// The end of `day` in the office's time zone: the next midnight.
    pub fn end_of_day(&self, day: NaiveDate) -> DateTime<Utc> {
        self.local_midnight(day + Duration::days(1))
    }

    fn local_midnight(&self, day: NaiveDate) -> DateTime<Utc> {
        let naive = day.and_hms_opt(0, 0, 0).expect("midnight exists");
        self.tz
            .from_local_datetime(&naive)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| naive.and_utc())
    }

    /// The last calendar day (office time) a trip touches: a trip ending at
    /// midnight ends on the day before.
    pub fn last_day(&self, range: &TimeRange) -> NaiveDate {
        (range.end() - Duration::microseconds(1))
            .with_timezone(&self.tz)
            .date_naive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> FleetContext {
        FleetContext {
            policy: FleetPolicy::default(),
            tz: chrono_tz::Asia::Ho_Chi_Minh,
            now: Utc::now(),
        }
    }

    #[test]
    fn weeks_start_on_monday_in_office_time() {
        // Sunday 2026-11-22 20:00 UTC is Monday 03:00 in Hà Nội (UTC+7).
        let t = Utc.with_ymd_and_hms(2026, 11, 22, 20, 0, 0).unwrap();
        let week = ctx().week_of(t);
        assert_eq!(
            week.start(),
            Utc.with_ymd_and_hms(2026, 11, 22, 17, 0, 0).unwrap()
        );
        assert_eq!(
            week.end(),
            Utc.with_ymd_and_hms(2026, 11, 29, 17, 0, 0).unwrap()
        );
    }

    #[test]
    fn a_trip_ending_at_midnight_ends_the_day_before() {
        // 08:00–24:00 on 23 November, office time.
        let start = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2026, 11, 23, 17, 0, 0).unwrap();
        let range = TimeRange::new(start, end).unwrap();
        assert_eq!(
            ctx().last_day(&range),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
    }
}
