//! Fiscal years (calendar years) and their monthly periods.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::domain::ParseError;

/// A calendar year the ledger keeps, 2000–2100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FiscalYear(i32);

impl FiscalYear {
    pub fn new(year: i64) -> Result<Self, ParseError> {
        if (2000..=2100).contains(&year) {
            Ok(Self(year as i32))
        } else {
            Err(ParseError::new(
                "invalid_fiscal_year",
                format!(
                    "{year} is not a fiscal year the ledger keeps: use a year from 2000 to 2100."
                ),
            ))
        }
    }

    pub fn of(date: NaiveDate) -> Self {
        Self(date.year())
    }

    pub fn get(self) -> i32 {
        self.0
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 1, 1).expect("1 January exists")
    }

    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 12, 31).expect("31 December exists")
    }
}

/// One month of the ledger, written `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    year: i32,
    month: u32,
}

impl Period {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let bad = || {
            ParseError::new(
                "invalid_period",
                format!(
                    "'{}' is not a month: write it as YYYY-MM, e.g. 2026-11.",
                    raw.trim()
                ),
            )
        };
        let s = raw.trim();
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err(bad());
        }
        FiscalYear::new(year.into())?;
        Ok(Self { year, month })
    }

    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a valid month")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("a day before")
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        Self::of(date) == self
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_parse_and_bound() {
        let p = Period::parse("2024-02").unwrap();
        assert_eq!(p.to_string(), "2024-02");
        assert_eq!(p.first_day(), d(2024, 2, 1));
        assert_eq!(p.last_day(), d(2024, 2, 29));
        assert_eq!(
            Period::parse("2026-12").unwrap().last_day(),
            d(2026, 12, 31)
        );
        assert_eq!(
            Period::parse("2026-12").unwrap().next().to_string(),
            "2027-01"
        );
        assert!(p.contains(d(2024, 2, 29)));
        assert!(!p.contains(d(2024, 3, 1)));
        for bad in [
            "2026-13", "2026-00", "2026-1", "26-11", "2026/11", "1999-12", "x",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fiscal_years() {
        assert_eq!(FiscalYear::new(2026).unwrap().get(), 2026);
        assert_eq!(
            FiscalYear::new(1999).unwrap_err().code,
            "invalid_fiscal_year"
        );
        assert_eq!(FiscalYear::of(d(2026, 7, 4)).last_day(), d(2026, 12, 31));
    }
}
