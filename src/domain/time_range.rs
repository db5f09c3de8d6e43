//! Time ranges: a start and an end in UTC, half-open `[start, end)`, so a
//! trip ending at 10:00 and one starting at 10:00 do not overlap.

use chrono::{DateTime, Duration, Utc};

use super::ParseError;

/// Reads an instant written in RFC 3339 with an offset
/// (`2026-11-23T08:00:00+07:00`), to the microsecond. A `+` that arrived as
/// a space (unencoded in a query string) is put back.
pub fn parse_instant(raw: &str) -> Result<DateTime<Utc>, ParseError> {
    use chrono::SubsecRound;
    let raw = raw.trim();
    DateTime::parse_from_rfc3339(raw)
        .or_else(|_| DateTime::parse_from_rfc3339(&raw.replace(' ', "+")))
        .map(|t| t.with_timezone(&Utc).trunc_subsecs(6))
        .map_err(|_| {
            ParseError::new(
                "invalid_instant",
                format!("'{raw}' is not a date and time; use RFC 3339 with an offset, e.g. 2026-11-23T08:00:00+07:00."),
            )
        })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeRange {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl TimeRange {
    /// The longest range accepted for a trip or a block.
    pub const MAX_DAYS: i64 = 92;

    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, ParseError> {
        if end <= start {
            return Err(ParseError::new(
                "range_reversed",
                "The end must be after the start. Check the dates and times.",
            ));
        }
        if end - start > Duration::days(Self::MAX_DAYS) {
            return Err(ParseError::new(
                "range_too_long",
                format!(
                    "A range may last at most {} days; split longer periods.",
                    Self::MAX_DAYS
                ),
            ));
        }
        Ok(Self { start, end })
    }

    /// A range of any length, for internal windows such as "from now on";
    /// `None` when `end` is not after `start`.
    pub fn spanning(start: DateTime<Utc>, end: DateTime<Utc>) -> Option<Self> {
        (end > start).then_some(Self { start, end })
    }

    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }

    pub fn duration(&self) -> Duration {
        self.end - self.start
    }

    /// Whether the two ranges share any instant (`[a, b)` and `[b, c)` do not).
    pub fn overlaps(&self, other: &TimeRange) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The range extended at the end by `gap` (the turnaround between trips).
    pub fn with_gap(&self, gap: Duration) -> TimeRange {
        TimeRange {
            start: self.start,
            end: self.end + gap.max(Duration::zero()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap()
    }

    #[test]
    fn back_to_back_ranges_do_not_overlap() {
        let a = TimeRange::new(at(8, 0), at(10, 0)).unwrap();
        let b = TimeRange::new(at(10, 0), at(12, 0)).unwrap();
        let c = TimeRange::new(at(9, 59), at(11, 0)).unwrap();
        assert!(!a.overlaps(&b));
        assert!(a.overlaps(&c));
        assert!(c.overlaps(&b));
    }

    #[test]
    fn a_turnaround_gap_makes_back_to_back_trips_clash() {
        let a = TimeRange::new(at(8, 0), at(10, 0))
            .unwrap()
            .with_gap(Duration::minutes(30));
        let b = TimeRange::new(at(10, 15), at(12, 0)).unwrap();
        assert!(a.overlaps(&b));
        let c = TimeRange::new(at(10, 30), at(12, 0)).unwrap();
        assert!(!a.overlaps(&c));
    }

    #[test]
    fn empty_reversed_and_overlong_ranges_are_refused() {
        assert_eq!(
            TimeRange::new(at(8, 0), at(8, 0)).unwrap_err().code,
            "range_reversed"
        );
        assert_eq!(
            TimeRange::new(at(9, 0), at(8, 0)).unwrap_err().code,
            "range_reversed"
        );
        let far = at(8, 0) + Duration::days(93);
        assert_eq!(
            TimeRange::new(at(8, 0), far).unwrap_err().code,
            "range_too_long"
        );
    }
}
