//! Completing a trip: distance, fuel against the norm, and the costs to
//! charge to the booking board.

use serde::Serialize;

use super::vehicle::FuelNorm;
use crate::domain::ParseError;
use crate::domain::money::Money;

/// Litres with at most two decimals, stored as hundredths of a litre.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub struct Litres(i64);

impl Litres {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let bad = || {
            ParseError::new(
                "invalid_litres",
                format!(
                    "'{}' is not an amount of fuel: give litres, 0 or more, at most two decimals, e.g. \"42.5\".",
                    raw.trim()
                ),
            )
        };
        let value: rust_decimal::Decimal = raw.trim().parse().map_err(|_| bad())?;
        let value = value.normalize();
        if value.scale() > 2
            || value.is_sign_negative()
            || value > rust_decimal::Decimal::from(10_000)
        {
            return Err(bad());
        }
        i64::try_from(
            (value * rust_decimal::Decimal::ONE_HUNDRED)
                .trunc()
                .mantissa(),
        )
        .map(Litres)
        .map_err(|_| bad())
    }

    pub fn from_hundredths(h: i64) -> Self {
        Litres(h)
    }

    pub fn hundredths(self) -> i64 {
        self.0
    }
}

impl From<Litres> for String {
    fn from(l: Litres) -> String {
        rust_decimal::Decimal::new(l.0, 2).normalize().to_string()
    }
}

/// Kilometres driven: the end reading may not be below the start.
pub fn distance_km(odometer_start: i64, odometer_end: i64) -> Result<i64, ParseError> {
    if odometer_end < odometer_start {
        return Err(ParseError::new(
            "odometer_backwards",
            format!(
                "The odometer at the end ({odometer_end} km) is below the reading at the start \
                 ({odometer_start} km). Check the reading."
            ),
        ));
    }
    Ok(odometer_end - odometer_start)
}

/// Fuel the norm allows for a distance, in hundredths of a litre, rounded
/// half up: `km × norm / 100`.
pub fn fuel_allowed(km: i64, norm: FuelNorm) -> Litres {
    let hundredths = km * i64::from(norm.hundredths());
    Litres((hundredths + 50) / 100)
}

/// Whether fuel used exceeds the allowance by more than `tolerance_percent`.
/// Exact integer comparison: `used × 100 > allowed × (100 + tolerance)`.
pub fn fuel_over_norm(used: Litres, allowed: Litres, tolerance_percent: u32) -> bool {
    i128::from(used.0) * 100 > i128::from(allowed.0) * (100 + i128::from(tolerance_percent))
}

/// Costs recorded at completion, charged to the booking board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TripCosts {
    pub tolls: Money,
    pub parking: Money,
    pub other: Money,
}

impl TripCosts {
    /// Costs must not be negative.
    pub fn check(&self) -> Result<(), (&'static str, ParseError)> {
        for (field, m) in [
            ("tolls", self.tolls),
            ("parking", self.parking),
            ("other_costs", self.other),
        ] {
            if m.is_negative() {
                return Err((
                    field,
                    ParseError::new("negative_amount", "Costs cannot be negative."),
                ));
            }
        }
        Ok(())
    }

    /// Tolls + parking + other (fuel is priced by the ledger's fuel norm).
    pub fn total(&self) -> Option<Money> {
        self.tolls
            .checked_add(self.parking)?
            .checked_add(self.other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_odometer_may_not_run_backwards() {
        assert_eq!(distance_km(1000, 1250).unwrap(), 250);
        assert_eq!(distance_km(1000, 1000).unwrap(), 0);
        assert_eq!(
            distance_km(1000, 999).unwrap_err().code,
            "odometer_backwards"
        );
    }

    #[test]
    fn fuel_allowance_and_flag_by_hand() {
        // 250 km at 9.5 l/100 km = 23.75 l.
        let norm = FuelNorm::parse("9.5").unwrap();
        let allowed = fuel_allowed(250, norm);
        assert_eq!(allowed.hundredths(), 2375);
        // 10 % tolerance: up to 26.125 l is fine; 26.12 passes, 26.13 is flagged.
        assert!(!fuel_over_norm(
            Litres::parse("26.12").unwrap(),
            allowed,
            10
        ));
        assert!(fuel_over_norm(Litres::parse("26.13").unwrap(), allowed, 10));
        // 123 km at 7.33 l/100 km = 9.0159 l, rounded half up to 9.02 l.
        assert_eq!(
            fuel_allowed(123, FuelNorm::parse("7.33").unwrap()).hundredths(),
            902
        );
    }

    #[test]
    fn litres_are_checked() {
        assert_eq!(Litres::parse("42.5").unwrap().hundredths(), 4250);
        assert_eq!(String::from(Litres::parse("42.50").unwrap()), "42.5");
        for bad in ["-1", "1.234", "x", "20000"] {
            assert_eq!(
                Litres::parse(bad).unwrap_err().code,
                "invalid_litres",
                "{bad}"
            );
        }
    }

    #[test]
    fn costs_add_up_and_cannot_be_negative() {
        let c = TripCosts {
            tolls: Money::parse("35000").unwrap(),
            parking: Money::parse("20000").unwrap(),
            other: Money::parse("0.5").unwrap(),
        };
        assert_eq!(c.total().unwrap().to_string(), "55000.5");
        let bad = TripCosts {
            parking: Money::parse("-1").unwrap(),
            ..c
        };
        assert_eq!(bad.check().unwrap_err().0, "parking");
    }
}
