//! How much of its working time one vehicle or driver was busy.
//!
//! Bookable time is the calendar's working hours less the resource's
//! maintenance or leave; booked time is the busy time inside it. Busy time
//! outside working hours (evenings, weekends, holidays) is counted apart:
//! for a driver it is overtime.

use chrono::NaiveDate;

use super::calendar::WorkingCalendar;
use super::intervals::IntervalSet;
use super::period::Period;

/// One working day of one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayUsage {
    pub date: NaiveDate,
    /// Working hours less blocks, µs.
    pub bookable: i64,
    /// Busy time within the bookable time, µs.
    pub booked: i64,
}

/// A resource over a period.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Usage {
    /// Working days of the period, in date order.
    pub days: Vec<DayUsage>,
    pub bookable: i64,
    pub booked: i64,
    /// Busy time within the period, at any hour.
    pub busy: i64,
    /// Busy time outside working hours.
    pub outside_hours: i64,
    /// Working days with bookable time but nothing booked.
    pub idle_days: u32,
}

/// The usage of one resource with `blocks` (maintenance or leave) and
/// `busy` time (its trips) over `period`.
pub fn usage(
    cal: &WorkingCalendar,
    period: &Period,
    blocks: &IntervalSet,
    busy: &IntervalSet,
) -> Usage {
    let (start, _) = cal.day_bounds(period.from());
    let (_, end) = cal.day_bounds(period.to());
    let mut u = Usage {
        busy: busy.len_within(start, end),
        ..Usage::default()
    };
    let mut in_hours = 0;
    for w in cal.windows(period.from(), period.to()) {
        let window = IntervalSet::from_spans([(w.start, w.end)]);
        let available = window.minus(blocks);
        let day = DayUsage {
            date: w.date,
            bookable: available.len(),
            booked: busy.overlap_len(&available),
        };
        in_hours += busy.len_within(w.start, w.end);
        u.bookable += day.bookable;
        u.booked += day.booked;
        if day.bookable > 0 && day.booked == 0 {
            u.idle_days += 1;
        }
        u.days.push(day);
    }
    u.outside_hours = u.busy - in_hours;
    u
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::utilisation::{HOUR_MICROS, micros, percent};

    const H: i64 = HOUR_MICROS;

    fn t(s: &str) -> i64 {
        micros(chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc())
    }

    fn period(from: &str, to: &str) -> Period {
        Period::new(
            Some(from.parse().unwrap()),
            Some(to.parse().unwrap()),
            from.parse().unwrap(),
        )
        .unwrap()
    }

    fn set(spans: &[(&str, &str)]) -> IntervalSet {
        IntervalSet::from_spans(spans.iter().map(|(a, b)| (t(a), t(b))))
    }

    #[test]
    fn three_hours_of_a_ten_hour_day_is_thirty_percent() {
        let cal = WorkingCalendar::default();
        // Monday 2026-11-23.
        let u = usage(
            &cal,
            &period("2026-11-23", "2026-11-23"),
            &IntervalSet::default(),
            &set(&[("2026-11-23T09:00:00+07:00", "2026-11-23T12:00:00+07:00")]),
        );
        assert_eq!((u.bookable, u.booked, u.outside_hours), (10 * H, 3 * H, 0));
        assert_eq!(percent(u.booked, u.bookable).unwrap().to_string(), "30.00");
        assert_eq!(u.idle_days, 0);
    }

    #[test]
    fn a_trip_over_the_weekend_counts_working_hours_only() {
        let cal = WorkingCalendar::default();
        // Friday 15:00 to Monday 09:00: 2 h on Friday, 2 h on Monday, the
        // other 62 h outside working hours.
        let u = usage(
            &cal,
            &period("2026-11-23", "2026-11-30"),
            &IntervalSet::default(),
            &set(&[("2026-11-27T15:00:00+07:00", "2026-11-30T09:00:00+07:00")]),
        );
        assert_eq!(u.days.len(), 6);
        assert_eq!(u.bookable, 60 * H);
        assert_eq!(u.booked, 4 * H);
        assert_eq!(u.busy, 66 * H);
        assert_eq!(u.outside_hours, 62 * H);
        // Monday 23 to Thursday idle.
        assert_eq!(u.idle_days, 4);
    }

    #[test]
    fn a_trip_across_midnight_is_clipped_to_the_period() {
        let cal = WorkingCalendar::default();
        // Tuesday 20:00 to Wednesday 09:00, report for Tuesday only.
        let u = usage(
            &cal,
            &period("2026-11-24", "2026-11-24"),
            &IntervalSet::default(),
            &set(&[("2026-11-24T20:00:00+07:00", "2026-11-25T09:00:00+07:00")]),
        );
        assert_eq!((u.busy, u.booked, u.outside_hours), (4 * H, 0, 4 * H));
        assert_eq!(u.idle_days, 1);
    }

    #[test]
    fn holidays_and_maintenance_reduce_bookable_time() {
        let cal = WorkingCalendar::new(
            chrono_tz::Asia::Ho_Chi_Minh,
            &cal_days(),
            chrono::NaiveTime::from_hms_opt(7, 0, 0).unwrap(),
            chrono::NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            [("2026-11-24".parse().unwrap(), "Nghỉ lễ".to_owned())],
        )
        .unwrap();
        // Mon–Wed with Tuesday a holiday; maintenance Wednesday 07:00–12:00;
        // a trip Monday 13:00–17:00 and one on the holiday.
        let u = usage(
            &cal,
            &period("2026-11-23", "2026-11-25"),
            &set(&[("2026-11-25T07:00:00+07:00", "2026-11-25T12:00:00+07:00")]),
            &set(&[
                ("2026-11-23T13:00:00+07:00", "2026-11-23T17:00:00+07:00"),
                ("2026-11-24T08:00:00+07:00", "2026-11-24T10:00:00+07:00"),
            ]),
        );
        assert_eq!(u.days.len(), 2);
        assert_eq!(u.bookable, 15 * H);
        assert_eq!(u.booked, 4 * H);
        assert_eq!(u.outside_hours, 2 * H);
        assert_eq!(u.idle_days, 1);
        // Fully blocked days are not idle days.
        let u = usage(
            &cal,
            &period("2026-11-25", "2026-11-25"),
            &set(&[("2026-11-25T00:00:00+07:00", "2026-11-26T00:00:00+07:00")]),
            &IntervalSet::default(),
        );
        assert_eq!((u.bookable, u.idle_days), (0, 0));
    }

    fn cal_days() -> Vec<chrono::Weekday> {
        use chrono::Weekday::*;
        vec![Mon, Tue, Wed, Thu, Fri]
    }
}
