//! Usage counted as trips stream past, for a whole pool at once.
//!
//! [`usage`](super::usage::usage) needs a resource's busy time as one set;
//! a report over a large pool instead reads every trip of the period once,
//! in start order, and hands each to its resource's [`Tally`]. The report
//! steps through the days of a [`DayGrid`] as the trips' starts pass them:
//! closing a day counts each tally's busy time up to the day's end and
//! hands out that day's numbers. A tally holds one open span and the
//! current day's sums, whatever the number of trips or days, so a year of
//! two thousand vehicles is counted in a few hundred kilobytes and its
//! per-day lines can be streamed as they are closed. The totals are those
//! `usage` gives (a property test checks it).

use chrono::NaiveDate;

use super::calendar::WorkingCalendar;
use super::intervals::IntervalSet;
use super::period::Period;
use super::usage::Usage;

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

/// One resource on one day of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCount {
    pub date: NaiveDate,
    /// The day has working hours.
    pub working: bool,
    /// Working hours less blocks, µs.
    pub bookable: i64,
    /// Busy time within the bookable time.
    pub booked: i64,
    /// Busy time outside working hours.
    pub outside: i64,
}

/// One resource's usage so far.
#[derive(Debug, Clone)]
pub struct Tally {
    blocks: IntervalSet,
    /// The merged span not yet counted; it starts before the end of the
    /// current day.
    open: Option<(i64, i64)>,
    /// The grid day being counted.
    day: usize,
    booked: i64,
    outside: i64,
    totals: Usage,
}

impl Tally {
    /// A tally with the resource's maintenance or leave.
    pub fn new(blocks: IntervalSet) -> Self {
        Self {
            blocks,
            open: None,
            day: 0,
            booked: 0,
            outside: 0,
            totals: Usage::default(),
        }
    }

    /// Adds a trip `[a, b)`. Trips come in start order, and a trip comes
    /// only once every day ending at or before its start is closed.
    pub fn push(&mut self, grid: &DayGrid, a: i64, b: i64) {
        if a >= b {
            return;
        }
        debug_assert!(
            grid.days.get(self.day).is_none_or(|d| a < d.end),
            "the days before a trip's start are closed first"
        );
        match &mut self.open {
            Some((_, end)) if a <= *end => *end = (*end).max(b),
            open => {
                // A span closed by a later start ends within the current day.
                if let Some((x, y)) = open.replace((a, b)) {
                    self.count(grid, x, y);
                }
            }
        }
    }

    /// Counts `[a, b)`, which lies within the current day (or before it).
    fn count(&mut self, grid: &DayGrid, a: i64, b: i64) {
        let Some(day) = grid.days.get(self.day) else {
            return;
        };
        let (a, b) = (a.max(day.start), b.min(day.end));
        if a >= b {
            return;
        }
        let in_window = match day.window {
            Some((ws, we)) => {
                let (x, y) = (a.max(ws), b.min(we));
                if x < y {
                    self.booked += (y - x) - self.blocks.len_within(x, y);
                    y - x
                } else {
                    0
                }
            }
            None => 0,
        };
        self.totals.busy += b - a;
        self.outside += (b - a) - in_window;
    }

    /// Counts the busy time up to the end of the current day and returns
    /// that day's numbers; the next day becomes the current one.
    ///
    /// # Panics
    /// When every day of the grid is closed already: a programming error.
    pub fn close_day(&mut self, grid: &DayGrid) -> DayCount {
        let day = grid.days[self.day];
        if let Some((a, b)) = self.open.take() {
            self.count(grid, a, b.min(day.end));
            if b > day.end {
                self.open = Some((day.end, b));
            }
        }
        let bookable = day
            .window
            .map_or(0, |(ws, we)| (we - ws) - self.blocks.len_within(ws, we));
        let d = DayCount {
            date: day.date,
            working: day.window.is_some(),
            bookable,
            booked: std::mem::take(&mut self.booked),
            outside: std::mem::take(&mut self.outside),
        };
        let t = &mut self.totals;
        t.bookable += d.bookable;
        t.booked += d.booked;
        t.outside_hours += d.outside;
        if d.working && d.bookable > 0 && d.booked == 0 {
            t.idle_days += 1;
        }
        self.day += 1;
        d
    }

    /// Whether every day of the grid is closed.
    pub fn done(&self, grid: &DayGrid) -> bool {
        self.day >= grid.days.len()
    }

    /// The usage over the grid's period once every day is closed (its
    /// `days` are left empty: they were handed out by [`Tally::close_day`]).
    pub fn finish(self) -> Usage {
        self.totals
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::utilisation::HOUR_MICROS;
    use crate::domain::utilisation::usage::{DayUsage, usage};
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

    /// Streams `trips` (in start order) through a tally, closing days as
    /// their starts pass, as a report does.
    fn stream(grid: &DayGrid, blocks: IntervalSet, trips: &[(i64, i64)]) -> (Usage, Vec<DayCount>) {
        let mut t = Tally::new(blocks);
        let mut days = Vec::new();
        for &(a, b) in trips {
            while !t.done(grid) && grid.days()[days.len()].end <= a {
                days.push(t.close_day(grid));
            }
            t.push(grid, a, b);
        }
        while !t.done(grid) {
            days.push(t.close_day(grid));
        }
        (t.finish(), days)
    }

    #[test]
    fn touching_and_overlapping_trips_count_once() {
        let cal = WorkingCalendar::default();
        let p = period("2026-11-23", "2026-11-24");
        let grid = DayGrid::new(&cal, &p);
        let (start, _) = grid.bounds();
        // Monday 00:00 local is `start`; trips 09–11, 10–12 and 12–13, then
        // 20:00 to Tuesday 09:00.
        let (u, days) = stream(
            &grid,
            IntervalSet::default(),
            &[
                (start + 9 * H, start + 11 * H),
                (start + 10 * H, start + 12 * H),
                (start + 12 * H, start + 13 * H),
                (start + 20 * H, start + 33 * H),
            ],
        );
        assert_eq!((u.busy, u.booked, u.outside_hours), (17 * H, 6 * H, 11 * H));
        assert_eq!(u.bookable, 20 * H);
        assert_eq!(
            days.iter()
                .map(|d| (d.booked, d.outside))
                .collect::<Vec<_>>(),
            [(4 * H, 4 * H), (2 * H, 7 * H)]
        );
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
        /// day by day, and the outside hours per day add up to the total.
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
            let (u, days) = stream(&grid, blocks, &trips);
            prop_assert_eq!(days.len(), 6);
            let working: Vec<DayUsage> = days
                .iter()
                .filter(|d| d.working)
                .map(|d| DayUsage { date: d.date, bookable: d.bookable, booked: d.booked })
                .collect();
            prop_assert_eq!(&working, &whole.days);
            prop_assert_eq!(&u, &Usage { days: Vec::new(), ..whole.clone() });
            prop_assert_eq!(days.iter().map(|d| d.outside).sum::<i64>(), u.outside_hours);
        }
    }
}
