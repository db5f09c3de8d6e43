//! The arithmetic of the fleet reports, free of SQL and HTTP: the office's
//! working calendar, clipping busy time to it, time buckets and their
//! classification, the peak-overlap sweep behind fleet sizing, and the pool
//! as it was (each resource's stays in it) behind capacity.
//!
//! Instants are handled as microseconds since the Unix epoch (`i64`), the
//! precision both storage backends keep, so every sum is exact; hours and
//! percentages are derived as decimals only when shown.

pub mod buckets;
pub mod calendar;
pub mod intervals;
pub mod period;
pub mod pool;
pub mod sizing;
pub mod sweep;
pub mod tally;
pub mod usage;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

/// Microseconds in an hour.
pub const HOUR_MICROS: i64 = 3_600_000_000;

/// An instant as microseconds since the epoch.
pub fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

/// Back from microseconds since the epoch.
pub fn instant(us: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(us).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A duration in microseconds as hours, two decimals (half away from zero).
pub fn hours(us: i64) -> Decimal {
    let mut h = (Decimal::from(us) / Decimal::from(HOUR_MICROS))
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    h.rescale(2);
    h
}

/// `part ÷ whole × 100`, two decimals; `None` when `whole` is zero.
pub fn percent(part: i64, whole: i64) -> Option<Decimal> {
    (whole > 0).then(|| {
        let mut p = (Decimal::from(part) * Decimal::from(100) / Decimal::from(whole))
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        p.rescale(2);
        p
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_and_percentages_are_exact_decimals() {
        assert_eq!(hours(3 * HOUR_MICROS).to_string(), "3.00");
        assert_eq!(hours(HOUR_MICROS / 4).to_string(), "0.25");
        assert_eq!(hours(HOUR_MICROS / 3).to_string(), "0.33");
        assert_eq!(percent(3, 10).unwrap().to_string(), "30.00");
        assert_eq!(percent(10, 10).unwrap().to_string(), "100.00");
        assert_eq!(percent(1, 3).unwrap().to_string(), "33.33");
        assert_eq!(percent(2, 3).unwrap().to_string(), "66.67");
        assert_eq!(percent(1, 0), None);
    }
}
