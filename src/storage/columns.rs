//! Column values decoded without allocating, for reads of millions of rows.
//!
//! The reports read every request of a year. Decoding a stored timestamp
//! through chrono's format parser and every id into a fresh `String` cost
//! more than SQLite's own work; these types read the bytes in place:
//!
//! - [`Micros`]: a `TIMESTAMP` as microseconds since the epoch. SQLite keeps
//!   it as text, `YYYY-MM-DD HH:MM:SS[.ffffff]` (diesel writes that shape,
//!   other ISO shapes are read the slow way); PostgreSQL sends 8 bytes of
//!   microseconds since 2000-01-01.
//! - [`Id`]: a text id, parsed straight into a [`Uuid`].
//! - [`Word`]: a short text code (a status, a category), kept inline.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::{Pg, PgValue};
use diesel::sql_types::{Text, Timestamp};
use diesel::sqlite::{Sqlite, SqliteValue};
use uuid::Uuid;

/// An instant as microseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, FromSqlRow)]
pub struct Micros(pub i64);

/// Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch.
const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

thread_local! {
    /// The last date read and its midnight: a scan in start order reads
    /// thousands of timestamps of the same day in a row.
    static LAST_DAY: std::cell::Cell<Option<([u8; 10], i64)>> = const { std::cell::Cell::new(None) };
}

/// Seconds from the epoch to midnight (UTC) of `YYYY-MM-DD`.
fn day_seconds(date: [u8; 10]) -> Option<i64> {
    if let Some((d, secs)) = LAST_DAY.get()
        && d == date
    {
        return Some(secs);
    }
    let secs = day_of(&date)?.and_hms_opt(0, 0, 0)?.and_utc().timestamp();
    LAST_DAY.set(Some((date, secs)));
    Some(secs)
}

/// `YYYY-MM-DD HH:MM:SS` with an optional fraction of up to nine digits
/// (kept to the microsecond).
fn parse_text_timestamp(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b' ' | b'T')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let day = day_seconds(b[..10].try_into().ok()?)?;
    let (h, m, sec) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    if h > 23 || m > 59 || sec > 59 {
        return None;
    }
    let mut us = (day + i64::from(h * 3600 + m * 60 + sec)).checked_mul(1_000_000)?;
    match &b[19..] {
        [] => {}
        [b'.', frac @ ..] if (1..=9).contains(&frac.len()) => {
            let mut f = i64::from(digits(frac)?);
            for _ in frac.len()..6 {
                f *= 10;
            }
            for _ in 6..frac.len() {
                f /= 10;
            }
            us += f;
        }
        _ => return None,
    }
    Some(us)
}

fn slow_text_timestamp(s: &str) -> Option<i64> {
    [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .or_else(|| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()?
            .and_hms_opt(0, 0, 0)
    })
    .map(|t| t.and_utc().timestamp_micros())
}

impl FromSql<Timestamp, Sqlite> for Micros {
    fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let s = value.read_text();
        parse_text_timestamp(s)
            .or_else(|| slow_text_timestamp(s))
            .map(Micros)
            .ok_or_else(|| format!("'{s}' is not a stored timestamp").into())
    }
}

impl FromSql<Timestamp, Pg> for Micros {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        let bytes: [u8; 8] = value
            .as_bytes()
            .try_into()
            .map_err(|_| "a timestamp is 8 bytes")?;
        i64::from_be_bytes(bytes)
            .checked_add(PG_EPOCH_MICROS)
            .map(Micros)
            .ok_or_else(|| "the timestamp is out of range".into())
    }
}

/// A text id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, FromSqlRow)]
pub struct Id(pub Uuid);

fn id_of(s: &[u8]) -> deserialize::Result<Id> {
    Uuid::try_parse_ascii(s)
        .map(Id)
        .map_err(|e| Box::new(e) as _)
}

impl FromSql<Text, Sqlite> for Id {
    fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        id_of(value.read_text().as_bytes())
    }
}

impl FromSql<Text, Pg> for Id {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        id_of(value.as_bytes())
    }
}

/// A calendar date. SQLite keeps it as `YYYY-MM-DD` text, read in place;
/// PostgreSQL sends days since 2000-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromSqlRow)]
pub struct Day(pub NaiveDate);

fn day_of(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(
        i32::try_from(digits(&b[0..4])?).ok()?,
        digits(&b[5..7])?,
        digits(&b[8..10])?,
    )
}

impl FromSql<diesel::sql_types::Date, Sqlite> for Day {
    fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let mut value = value;
        let s = value.read_text();
        day_of(s.as_bytes())
            .or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .map(Day)
            .ok_or_else(|| format!("'{s}' is not a stored date").into())
    }
}

impl FromSql<diesel::sql_types::Date, Pg> for Day {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        <NaiveDate as FromSql<diesel::sql_types::Date, Pg>>::from_sql(value).map(Day)
    }
}

/// A short text code, up to 16 bytes, kept inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromSqlRow)]
pub struct Word {
    len: u8,
    bytes: [u8; 16],
}

impl Word {
    pub fn as_str(&self) -> &str {
        // Built from a `str` cut at its length, which is a char boundary
        // for the ASCII codes stored; anything else was refused.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

fn word_of(s: &[u8]) -> deserialize::Result<Word> {
    if s.len() > 16 || !s.is_ascii() {
        return Err(format!("'{}' is not a stored code", String::from_utf8_lossy(s)).into());
    }
    let mut bytes = [0; 16];
    bytes[..s.len()].copy_from_slice(s);
    Ok(Word {
        len: s.len() as u8,
        bytes,
    })
}

impl FromSql<Text, Sqlite> for Word {
    fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        word_of(value.read_text().as_bytes())
    }
}

impl FromSql<Text, Pg> for Word {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        word_of(value.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_timestamps_read_to_the_microsecond() {
        let at = |s: &str| {
            NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
                .unwrap()
                .and_utc()
                .timestamp_micros()
        };
        for s in [
            "2026-03-02 01:00:00",
            "2026-12-31 23:59:59.5",
            "2024-02-29 07:30:00.123456",
            "1999-01-01 00:00:00.000001",
        ] {
            assert_eq!(parse_text_timestamp(s), Some(at(s)), "{s}");
        }
        assert_eq!(
            parse_text_timestamp("2026-03-02T01:00:00"),
            Some(at("2026-03-02 01:00:00"))
        );
        // Nanoseconds are cut to microseconds.
        assert_eq!(
            parse_text_timestamp("2026-03-02 01:00:00.123456789"),
            Some(at("2026-03-02 01:00:00.123456"))
        );
        for bad in [
            "2026-02-30 01:00:00",
            "2026-03-02 24:00:00",
            "2026-03-02",
            "2026-03-02 01:00:00.",
            "2026-03-02 01:00:00Z",
            "x026-03-02 01:00:00",
        ] {
            assert_eq!(parse_text_timestamp(bad), None, "{bad}");
        }
        // Other shapes are still read, the slow way.
        assert_eq!(
            slow_text_timestamp("2026-03-02"),
            Some(at("2026-03-02 00:00:00"))
        );
    }

    #[test]
    fn words_keep_short_ascii_codes() {
        assert_eq!(
            word_of(b"pending_approval").unwrap().as_str(),
            "pending_approval"
        );
        assert_eq!(word_of(b"").unwrap().as_str(), "");
        assert!(word_of(b"seventeen_letters").is_err());
        assert!(word_of("xe_bán_tải".as_bytes()).is_err());
    }
}
