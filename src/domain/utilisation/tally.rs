//! Usage counted as trips stream past, for a whole pool at once.
//!
//! [`usage`](super::usage::usage) needs a resource's busy time as one set;
//! a report over a large pool instead reads every trip of the period once,
//! in start order, and hands each to its resource's [`Tally`]. The tally
//! merges overlapping or touching trips as they come and counts each merged
//! span against the days of a [`DayGrid`] as soon as it is closed, so it
//! holds one open span and a few numbers per day, whatever the number of
//! trips. The result is the same [`Usage`] as `usage` gives (a property
//! test checks it).

use chrono::NaiveDate;

use super::calendar::WorkingCalendar;
use super::intervals::IntervalSet;
use super::period::Period;
use super::usage::{DayUsage, Usage};

/// One local day of a period: its bounds and its working hours, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GridDay {
    pub date: NaiveDate,
    pub start: i64,
    pub end: i64,
    pub window: Option<(i64, i64)>,
}

/// The days of a period in the office calendar, worked out once per report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayGrid {
    days: Vec<GridDay>,
}

impl DayGrid {
    pub fn new(cal: &WorkingCalendar, period: &Period) -> Self {
        let days = period
            .days()
            .map(|date| {
                let (start, end) = cal.day_bounds(date);
                GridDay {
                    date,
                    start,
                    end,
                    window: cal.window(date).map(|w| (w.start, w.end)),
                }
            })
            .collect();
        Self { days }
    }

    pub fn days(&self) -> &[GridDay] {
        &self.days
    }

    /// The period's first instant and the instant after it.
    pub fn bounds(&self) -> (i64, i64) {
        match (self.days.first(), self.days.last()) {
            (Some(a), Some(b)) => (a.start, b.end),
            _ => (0, 0),
        }
    }

    /// The index of the day holding instant `t`, if it is in the period.
    pub fn day_of(&self, t: i64) -> Option<usize> {
        let i = self.days.partition_point(|d| d.end <= t);
        self.days.get(i).filter(|d| d.start <= t).map(|_| i)
    }
}

/// Overlap of `[a, b)` and `[c, d)`.
fn overlap(a: i64, b: i64, c: i64, d: i64) -> i64 {
    (b.min(d) - a.max(c)).max(0)
}

/// One resource's usage so far.
#[derive(Debug, Clone)]
pub struct Tally {
    blocks: IntervalSet,
    /// The merged span not yet counted.
    open: Option<(i64, i64)>,
    /// Days before this index lie wholly before every span still to come.
    next_day: usize,
    busy: i64,
    in_hours: i64,
    /// Per grid day: busy time within the bookable hours.
    booked: Vec<i64>,
    /// Per grid day, when asked for: busy time outside working hours.
    outside: Option<Vec<i64>>,
}

impl Tally {
    /// A tally with the resource's maintenance or leave; with
    /// `outside_by_day` it also keeps the hours outside working time per day.
    pub fn new(grid: &DayGrid, blocks: IntervalSet, outside_by_day: bool) -> Self {
        Self {
            blocks,
            open: None,
            next_day: 0,
            busy: 0,
            in_hours: 0,
            booked: vec![0; grid.days.len()],
            outside: outside_by_day.then(|| vec![0; grid.days.len()]),
        }
    }

    /// Adds a trip `[a, b)`. Trips must come in start order.
    pub fn push(&mut self, grid: &DayGrid, a: i64, b: i64) {
        if a >= b {
            return;
        }
        match &mut self.open {
            Some((_, end)) if a <= *end => *end = (*end).max(b),
            open => {
                if let Some((x, y)) = open.replace((a, b)) {
                    self.count(grid, x, y);
                }
            }
        }
    }

    /// Counts a closed span; spans come in order and do not overlap.
    fn count(&mut self, grid: &DayGrid, a: i64, b: i64) {
        let (from, to) = grid.bounds();
        self.busy += overlap(a, b, from, to);
        while self.next_day < grid.days.len() && grid.days[self.next_day].end <= a {
            self.next_day += 1;
        }
        for (i, day) in grid.days.iter().enumerate().skip(self.next_day) {
            if day.start >= b {
                break;
            }
            let in_window = match day.window {
                Some((ws, we)) => {
                    let (x, y) = (a.max(ws), b.min(we));
                    if x < y {
                        self.booked[i] += (y - x) - self.blocks.len_within(x, y);
                        y - x
                    } else {
                        0
                    }
                }
                None => 0,
            };
            self.in_hours += in_window;
            if let Some(outside) = &mut self.outside {
                outside[i] += overlap(a, b, day.start, day.end) - in_window;
            }
        }
    }

    /// The usage over the grid's period, and the hours outside working time
    /// per grid day when they were kept.
    pub fn finish(mut self, grid: &DayGrid) -> (Usage, Option<Vec<i64>>) {
        if let Some((a, b)) = self.open.take() {
            self.count(grid, a, b);
        }
        let mut u = Usage {
            busy: self.busy,
            outside_hours: self.busy - self.in_hours,
            ..Usage::default()
        };
        for (day, booked) in grid.days.iter().zip(&self.booked) {
            let Some((ws, we)) = day.window else { continue };
            let d = DayUsage {
                date: day.date,
                bookable: (we - ws) - self.blocks.len_within(ws, we),
                booked: *booked,
            };
            u.bookable += d.bookable;
            u.booked += d.booked;
            if d.bookable > 0 && d.booked == 0 {
                u.idle_days += 1;
            }
            u.days.push(d);
        }
        (u, self.outside)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::utilisation::HOUR_MICROS;
    use crate::domain::utilisation::usage::usage;
    use chrono::{NaiveTime, Weekday};
    use proptest::prelude::*;

    const H: i64 = HOUR_MICROS;

    fn period(from: &str, to: &str) -> Period {
        Period::new(
            Some(from.parse().unwrap()),
            Some(to.parse().unwrap()),
            from.parse().unwrap(),
        )
        .unwrap()
    }

    fn calendar() -> WorkingCalendar {
        use Weekday::*;
        WorkingCalendar::new(
            chrono_tz::Asia::Ho_Chi_Minh,
            &[Mon, Tue, Wed, Thu, Fri],
            NaiveTime::from_hms_opt(7, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            [("2026-11-25".parse().unwrap(), "Nghỉ".to_owned())],
        )
        .unwrap()
    }

    #[test]
    fn touching_and_overlapping_trips_count_once() {
        let cal = WorkingCalendar::default();
        let p = period("2026-11-23", "2026-11-23");
        let grid = DayGrid::new(&cal, &p);
        let (start, _) = grid.bounds();
        // Monday 00:00 local is `start`; trips 09–11, 10–12 and 12–13.
        let mut t = Tally::new(&grid, IntervalSet::default(), true);
        t.push(&grid, start + 9 * H, start + 11 * H);
        t.push(&grid, start + 10 * H, start + 12 * H);
        t.push(&grid, start + 12 * H, start + 13 * H);
        // 20:00–23:00 is outside working hours.
        t.push(&grid, start + 20 * H, start + 23 * H);
        let (u, outside) = t.finish(&grid);
        assert_eq!((u.busy, u.booked, u.outside_hours), (7 * H, 4 * H, 3 * H));
        assert_eq!(u.bookable, 10 * H);
        assert_eq!(outside, Some(vec![3 * H]));
    }

    #[test]
    fn the_grid_finds_the_local_day_of_an_instant() {
        let cal = WorkingCalendar::default();
        let grid = DayGrid::new(&cal, &period("2026-11-23", "2026-11-24"));
        let (start, end) = grid.bounds();
        assert_eq!(end - start, 48 * H);
        assert_eq!(grid.day_of(start - 1), None);
        assert_eq!(grid.day_of(start), Some(0));
        assert_eq!(grid.day_of(start + 24 * H - 1), Some(0));
        assert_eq!(grid.day_of(start + 24 * H), Some(1));
        assert_eq!(grid.day_of(end), None);
    }

    proptest! {
        /// Streaming the trips gives what `usage` gives on the whole set,
        /// and the outside hours per day add up to the total.
        #[test]
        fn a_tally_equals_usage_of_the_whole_set(
            trips in prop::collection::vec((0i64..24 * 12, 1i64..60), 0..40),
            blocks in prop::collection::vec((0i64..24 * 12, 1i64..40), 0..4),
        ) {
            let cal = calendar();
            // Sat 21 to Thu 26 November 2026, with Wednesday a holiday.
            let p = period("2026-11-21", "2026-11-26");
            let grid = DayGrid::new(&cal, &p);
            let (start, _) = grid.bounds();
            // Half-hour steps from 12 h before the period.
            let half = H / 2;
            let span = |(s, l): (i64, i64)| (start - 12 * H + s * half, start - 12 * H + (s + l) * half);
            let mut trips: Vec<(i64, i64)> = trips.into_iter().map(span).collect();
            trips.sort();
            let blocks = IntervalSet::from_spans(blocks.into_iter().map(span));
            let whole = usage(&cal, &p, &blocks, &IntervalSet::from_spans(trips.iter().copied()));
            let mut t = Tally::new(&grid, blocks, true);
            for (a, b) in &trips {
                t.push(&grid, *a, *b);
            }
            let (u, outside) = t.finish(&grid);
            prop_assert_eq!(&u, &whole);
            prop_assert_eq!(outside.unwrap().iter().sum::<i64>(), u.outside_hours);
        }
    }
}
