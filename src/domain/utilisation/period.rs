//! The period a report covers: whole local days, `from` to `to` included.

use chrono::{Datelike, NaiveDate};

use crate::domain::ParseError;

/// From one date to another, both included; at most [`Period::MAX_DAYS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    from: NaiveDate,
    to: NaiveDate,
}

impl Period {
    /// The longest period a report covers.
    pub const MAX_DAYS: i64 = 366;

    /// A period; missing ends default to the month of `today` (or of the
    /// given end).
    pub fn new(
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Self, (&'static str, ParseError)> {
        let (from, to) = match (from, to) {
            (Some(f), Some(t)) => (f, t),
            (Some(f), None) => (f, last_of_month(f)),
            (None, Some(t)) => (t.with_day(1).unwrap_or(t), t),
            (None, None) => (today.with_day(1).unwrap_or(today), last_of_month(today)),
        };
        if from > to {
            return Err((
                "from",
                ParseError::new(
                    "range_reversed",
                    "from is after to; give the earlier date first.",
                ),
            ));
        }
        if (to - from).num_days() + 1 > Self::MAX_DAYS {
            return Err((
                "to",
                ParseError::new(
                    "range_too_long",
                    format!(
                        "A report covers at most {} days; ask for shorter periods.",
                        Self::MAX_DAYS
                    ),
                ),
            ));
        }
        Ok(Self { from, to })
    }

    pub fn from(&self) -> NaiveDate {
        self.from
    }

    pub fn to(&self) -> NaiveDate {
        self.to
    }

    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let to = self.to;
        self.from.iter_days().take_while(move |d| *d <= to)
    }
}

fn last_of_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|n| n.pred_opt())
        .unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn defaults_to_the_current_month() {
        let p = Period::new(None, None, d("2026-02-10")).unwrap();
        assert_eq!((p.from(), p.to()), (d("2026-02-01"), d("2026-02-28")));
        let p = Period::new(Some(d("2026-12-05")), None, d("2026-02-10")).unwrap();
        assert_eq!(p.to(), d("2026-12-31"));
        assert_eq!(p.days().count(), 27);
    }

    #[test]
    fn reversed_and_overlong_periods_are_refused() {
        let today = d("2026-01-01");
        let e = Period::new(Some(d("2026-03-02")), Some(d("2026-03-01")), today).unwrap_err();
        assert_eq!((e.0, e.1.code), ("from", "range_reversed"));
        assert!(Period::new(Some(d("2026-01-01")), Some(d("2026-12-31")), today).is_ok());
        assert!(Period::new(Some(d("2028-01-01")), Some(d("2028-12-31")), today).is_ok());
        assert!(Period::new(Some(d("2026-01-01")), Some(d("2027-01-01")), today).is_ok());
        let e = Period::new(Some(d("2026-01-01")), Some(d("2027-01-02")), today).unwrap_err();
        assert_eq!((e.0, e.1.code), ("to", "range_too_long"));
    }
}
