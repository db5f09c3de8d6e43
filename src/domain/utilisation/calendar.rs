//! The office's working calendar: which weekdays are worked, the hours of a
//! working day, and public holidays, in the office's time zone. Bookable
//! hours and shift hours are counted inside it.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::intervals::IntervalSet;
use super::micros;
use crate::domain::ParseError;

/// The most holidays a calendar may list.
pub const MAX_HOLIDAYS: usize = 1000;

const WEEKDAYS: [(Weekday, &str, &str); 7] = [
    (Weekday::Mon, "mon", "monday"),
    (Weekday::Tue, "tue", "tuesday"),
    (Weekday::Wed, "wed", "wednesday"),
    (Weekday::Thu, "thu", "thursday"),
    (Weekday::Fri, "fri", "friday"),
    (Weekday::Sat, "sat", "saturday"),
    (Weekday::Sun, "sun", "sunday"),
];

/// `mon` … `sun`.
pub fn weekday_name(d: Weekday) -> &'static str {
    WEEKDAYS[d.num_days_from_monday() as usize].1
}

/// Reads `mon` … `sun` (any case, or the full English name).
pub fn parse_weekday(raw: &str) -> Result<Weekday, ParseError> {
    let w = raw.trim().to_ascii_lowercase();
    WEEKDAYS
        .iter()
        .find(|(_, short, full)| *short == w || *full == w)
        .map(|(d, _, _)| *d)
        .ok_or_else(|| {
            ParseError::new(
                "invalid_weekday",
                format!(
                    "'{}' is not a weekday; use mon, tue, wed, thu, fri, sat or sun.",
                    raw.trim()
                ),
            )
        })
}

/// Reads a time of day `HH:MM`.
pub fn parse_time(raw: &str) -> Result<NaiveTime, ParseError> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M").map_err(|_| {
        ParseError::new(
            "invalid_time",
            format!(
                "'{}' is not a time of day; write it as HH:MM, e.g. 07:30.",
                raw.trim()
            ),
        )
    })
}

/// One working day's hours, as instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayWindow {
    pub date: NaiveDate,
    pub start: i64,
    pub end: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingCalendar {
    tz: Tz,
    days: [bool; 7],
    day_starts: NaiveTime,
    day_ends: NaiveTime,
    holidays: BTreeMap<NaiveDate, String>,
}

impl Default for WorkingCalendar {
    /// Monday to Friday, 07:00–17:00, Asia/Ho_Chi_Minh, no holidays.
    fn default() -> Self {
        Self {
            tz: chrono_tz::Asia::Ho_Chi_Minh,
            days: [true, true, true, true, true, false, false],
            day_starts: NaiveTime::from_hms_opt(7, 0, 0).expect("valid"),
            day_ends: NaiveTime::from_hms_opt(17, 0, 0).expect("valid"),
            holidays: BTreeMap::new(),
        }
    }
}

impl WorkingCalendar {
    /// A calendar; refuses a day that ends before it starts, a week without
    /// working days and overlong holiday lists, naming the field.
    pub fn new(
        tz: Tz,
        working_days: &[Weekday],
        day_starts: NaiveTime,
        day_ends: NaiveTime,
        holidays: impl IntoIterator<Item = (NaiveDate, String)>,
    ) -> Result<Self, (&'static str, ParseError)> {
        let mut days = [false; 7];
        for d in working_days {
            days[d.num_days_from_monday() as usize] = true;
        }
        if !days.iter().any(|d| *d) {
            return Err((
                "working_days",
                ParseError::new(
                    "no_working_days",
                    "Name at least one working day, e.g. [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"].",
                ),
            ));
        }
        if day_ends <= day_starts {
            return Err((
                "day_ends",
                ParseError::new(
                    "range_reversed",
                    "The working day must end after it starts, on the same day (e.g. 07:00 to 17:00).",
                ),
            ));
        }
        let holidays: BTreeMap<NaiveDate, String> = holidays.into_iter().collect();
        if holidays.len() > MAX_HOLIDAYS {
            return Err((
                "holidays",
                ParseError::new(
                    "too_many_holidays",
                    format!("At most {MAX_HOLIDAYS} holidays can be listed; remove past years."),
                ),
            ));
        }
        Ok(Self {
            tz,
            days,
            day_starts,
            day_ends,
            holidays,
        })
    }

    pub fn tz(&self) -> Tz {
        self.tz
    }

    pub fn working_days(&self) -> Vec<Weekday> {
        WEEKDAYS
            .iter()
            .filter(|(d, _, _)| self.days[d.num_days_from_monday() as usize])
            .map(|(d, _, _)| *d)
            .collect()
    }

    pub fn day_starts(&self) -> NaiveTime {
        self.day_starts
    }

    pub fn day_ends(&self) -> NaiveTime {
        self.day_ends
    }

    pub fn holidays(&self) -> &BTreeMap<NaiveDate, String> {
        &self.holidays
    }

    /// A working weekday that is not a holiday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.days[date.weekday().num_days_from_monday() as usize]
            && !self.holidays.contains_key(&date)
    }

    /// The instant of a local date and time (the earlier one if the clock
    /// was turned back; just after the gap if it was turned forward).
    pub fn local(&self, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        let naive = date.and_time(time);
        match self.tz.from_local_datetime(&naive) {
            chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
            chrono::LocalResult::Ambiguous(a, _) => a.with_timezone(&Utc),
            chrono::LocalResult::None => {
                let later = naive + chrono::Duration::hours(1);
                self.tz
                    .from_local_datetime(&later)
                    .earliest()
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or_else(|| naive.and_utc())
            }
        }
    }

    /// Local midnight to the next midnight, in microseconds.
    pub fn day_bounds(&self, date: NaiveDate) -> (i64, i64) {
        let next = date.succ_opt().unwrap_or(date);
        (
            micros(self.local(date, NaiveTime::MIN)),
            micros(self.local(next, NaiveTime::MIN)),
        )
    }

    /// The working hours of `date`, if it is a working day.
    pub fn window(&self, date: NaiveDate) -> Option<DayWindow> {
        self.is_working_day(date).then(|| DayWindow {
            date,
            start: micros(self.local(date, self.day_starts)),
            end: micros(self.local(date, self.day_ends)),
        })
    }

    /// The working days' hours from `from` to `to`, both dates included.
    pub fn windows(&self, from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = DayWindow> + '_ {
        from.iter_days()
            .take_while(move |d| *d <= to)
            .filter_map(|d| self.window(d))
    }

    /// Working time from `from` to `to` (dates included) as one set.
    pub fn working_time(&self, from: NaiveDate, to: NaiveDate) -> IntervalSet {
        IntervalSet::from_spans(self.windows(from, to).map(|w| (w.start, w.end)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::utilisation::HOUR_MICROS;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_default_week_is_monday_to_friday_seven_to_five() {
        let cal = WorkingCalendar::default();
        // 2026-11-23 is a Monday.
        let days: Vec<_> = cal.windows(d("2026-11-23"), d("2026-11-29")).collect();
        assert_eq!(days.len(), 5);
        let mon = days[0];
        assert_eq!(mon.end - mon.start, 10 * HOUR_MICROS);
        // 07:00 in Hà Nội is 00:00 UTC.
        assert_eq!(mon.start, micros("2026-11-23T00:00:00Z".parse().unwrap()));
        assert_eq!(
            cal.working_time(d("2026-11-23"), d("2026-11-29")).len(),
            50 * HOUR_MICROS
        );
    }

    #[test]
    fn holidays_and_weekends_have_no_working_hours() {
        let cal = WorkingCalendar::new(
            chrono_tz::Asia::Ho_Chi_Minh,
            &[
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            parse_time("07:30").unwrap(),
            parse_time("16:30").unwrap(),
            [(d("2026-09-02"), "Quốc khánh".to_owned())],
        )
        .unwrap();
        assert!(!cal.is_working_day(d("2026-09-02")));
        assert!(cal.is_working_day(d("2026-09-03")));
        assert!(!cal.is_working_day(d("2026-09-05")));
        assert_eq!(cal.window(d("2026-09-02")), None);
        // 2026-08-31 (Mon) to 2026-09-06 (Sun): four days of nine hours.
        assert_eq!(
            cal.working_time(d("2026-08-31"), d("2026-09-06")).len(),
            36 * HOUR_MICROS
        );
    }

    #[test]
    fn refusals_name_the_field() {
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        let t = |s| parse_time(s).unwrap();
        let e = WorkingCalendar::new(tz, &[], t("07:00"), t("17:00"), []).unwrap_err();
        assert_eq!((e.0, e.1.code), ("working_days", "no_working_days"));
        let e = WorkingCalendar::new(tz, &[Weekday::Mon], t("17:00"), t("07:00"), []).unwrap_err();
        assert_eq!((e.0, e.1.code), ("day_ends", "range_reversed"));
        assert_eq!(
            parse_weekday("Thứ hai").unwrap_err().code,
            "invalid_weekday"
        );
        assert_eq!(parse_weekday("MON").unwrap(), Weekday::Mon);
        assert_eq!(parse_weekday("sunday").unwrap(), Weekday::Sun);
        assert_eq!(parse_time("7h").unwrap_err().code, "invalid_time");
    }
}
