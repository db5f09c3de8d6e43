//! Vehicles of the pool: plates, seats, categories, fuel norms, and which
//! driving licence a vehicle needs.

use std::fmt;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::domain::ParseError;

/// A Vietnamese registration plate, normalised to `14A-123.45` (five digits)
/// or `29A-1234` (four digits). Input may be lower case, with spaces, and
/// without the dash or dot: `14a 12345` becomes `14A-123.45`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Plate(String);

impl Plate {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let compact: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bad = || {
            ParseError::new(
                "invalid_plate",
                format!(
                    "'{}' is not a Vietnamese plate. Write it like 14A-123.45 or 29A-1234: two \
                     digits for the province, a series of one or two letters (optionally a \
                     digit), then four or five digits.",
                    raw.trim()
                ),
            )
        };
        let bytes = compact.as_bytes();
        if bytes.len() < 7 || !bytes[..2].iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        let province = &compact[..2];
        if province < "11" {
            return Err(bad());
        }
        let rest = &compact[2..];
        let letters = rest.chars().take_while(char::is_ascii_uppercase).count();
        if !(1..=2).contains(&letters) {
            return Err(bad());
        }
        let after_letters = &rest[letters..];
        if !after_letters.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        // The series may end with one digit (e.g. 29A1-234.56, motorbike style).
        let (series_digit, number) = match after_letters.len() {
            4 | 5 => ("", after_letters),
            6 => after_letters.split_at(1),
            _ => return Err(bad()),
        };
        let series = format!("{}{}", &rest[..letters], series_digit);
        let formatted = if number.len() == 5 {
            format!("{province}{series}-{}.{}", &number[..3], &number[3..])
        } else {
            format!("{province}{series}-{number}")
        };
        Ok(Plate(formatted))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Plate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Body type; a booking may wish for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VehicleCategory {
    Sedan,
    Suv,
    Van,
    Minibus,
    Pickup,
}

impl VehicleCategory {
    pub const ALL: [VehicleCategory; 5] = [
        VehicleCategory::Sedan,
        VehicleCategory::Suv,
        VehicleCategory::Van,
        VehicleCategory::Minibus,
        VehicleCategory::Pickup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VehicleCategory::Sedan => "sedan",
            VehicleCategory::Suv => "suv",
            VehicleCategory::Van => "van",
            VehicleCategory::Minibus => "minibus",
            VehicleCategory::Pickup => "pickup",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let wanted = raw.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|c| c.as_str() == wanted).ok_or_else(|| {
            ParseError::new(
                "invalid_category",
                format!("'{}' is not a vehicle category. Choose sedan, suv, van, minibus or pickup.", raw.trim()),
            )
        })
    }
}

/// Seats including the driver's, as registries write them ("xe 7 chỗ"):
/// 1–60. A vehicle carries `seats − 1` passengers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Seats(u8);

impl Seats {
    pub fn parse(raw: i64) -> Result<Self, ParseError> {
        if (1..=60).contains(&raw) {
            Ok(Seats(raw as u8))
        } else {
            Err(ParseError::new(
                "invalid_seats",
                format!("A vehicle has 1–60 seats including the driver's; {raw} was given."),
            ))
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// Passengers it can carry besides the driver.
    pub fn passengers(self) -> u8 {
        self.0.saturating_sub(1)
    }
}

/// Fuel consumption norm in litres per 100 km: more than 0, at most 100,
/// at most two decimals. Stored as hundredths of a litre.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub struct FuelNorm(u32);

impl FuelNorm {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let bad = || {
            ParseError::new(
                "invalid_fuel_norm",
                format!(
                    "'{}' is not a fuel norm. Give litres per 100 km, more than 0 and at most \
                     100, with at most two decimals, e.g. \"9.5\".",
                    raw.trim()
                ),
            )
        };
        let value: Decimal = raw.trim().parse().map_err(|_| bad())?;
        let value = value.normalize();
        if value.scale() > 2 || value <= Decimal::ZERO || value > Decimal::ONE_HUNDRED {
            return Err(bad());
        }
        let hundredths = (value * Decimal::ONE_HUNDRED).trunc();
        u32::try_from(hundredths.mantissa())
            .map(FuelNorm)
            .map_err(|_| bad())
    }

    pub fn from_hundredths(h: i32) -> Self {
        FuelNorm(h.max(0) as u32)
    }

    pub fn hundredths(self) -> i32 {
        self.0 as i32
    }

    pub fn litres_per_100km(self) -> Decimal {
        Decimal::new(i64::from(self.0), 2).normalize()
    }
}

impl From<FuelNorm> for String {
    fn from(n: FuelNorm) -> String {
        n.litres_per_100km().to_string()
    }
}

/// Whether a vehicle is in the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VehicleStatus {
    Active,
    Retired,
}

impl VehicleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VehicleStatus::Active => "active",
            VehicleStatus::Retired => "retired",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "active" => Ok(VehicleStatus::Active),
            "retired" => Ok(VehicleStatus::Retired),
            _ => Err(ParseError::new(
                "invalid_status",
                format!(
                    "'{}' is not a vehicle status. Choose active or retired.",
                    raw.trim()
                ),
            )),
        }
    }
}

/// A vehicle of the pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Vehicle {
    pub id: uuid::Uuid,
    pub plate: Plate,
    pub model: String,
    pub seats: Seats,
    pub category: VehicleCategory,
    pub fuel_norm: FuelNorm,
    pub odometer_km: i64,
    pub status: VehicleStatus,
    /// The board that owned it before pooling.
    pub origin_board_id: uuid::Uuid,
}

/// Odometer readings: 0 to 9,999,999 km.
pub fn parse_odometer(raw: i64) -> Result<i64, ParseError> {
    if (0..=9_999_999).contains(&raw) {
        Ok(raw)
    } else {
        Err(ParseError::new(
            "invalid_odometer",
            format!("An odometer reading is 0–9,999,999 km; {raw} was given."),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plates_are_normalised() {
        assert_eq!(Plate::parse("14A-123.45").unwrap().as_str(), "14A-123.45");
        assert_eq!(Plate::parse("14a 12345").unwrap().as_str(), "14A-123.45");
        assert_eq!(Plate::parse("29A-1234").unwrap().as_str(), "29A-1234");
        assert_eq!(Plate::parse("80LD12345").unwrap().as_str(), "80LD-123.45");
        assert_eq!(Plate::parse("29A1-234.56").unwrap().as_str(), "29A1-234.56");
    }

    #[test]
    fn malformed_plates_are_refused() {
        for bad in [
            "",
            "ABC-123.45",
            "1A-123.45",
            "14-123.45",
            "14ABC-123.45",
            "14A-12.3",
            "14A-1234567",
            "05A-123.45",
            "14A-12B.45",
        ] {
            assert_eq!(
                Plate::parse(bad).unwrap_err().code,
                "invalid_plate",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn seats_include_the_driver() {
        assert_eq!(Seats::parse(7).unwrap().passengers(), 6);
        assert_eq!(Seats::parse(1).unwrap().passengers(), 0);
        assert_eq!(Seats::parse(0).unwrap_err().code, "invalid_seats");
        assert_eq!(Seats::parse(61).unwrap_err().code, "invalid_seats");
    }

    #[test]
    fn fuel_norms_are_positive_with_two_decimals() {
        assert_eq!(FuelNorm::parse("9.5").unwrap().hundredths(), 950);
        assert_eq!(
            FuelNorm::parse("12")
                .unwrap()
                .litres_per_100km()
                .to_string(),
            "12"
        );
        for bad in ["0", "-1", "9.555", "101", "abc", ""] {
            assert_eq!(
                FuelNorm::parse(bad).unwrap_err().code,
                "invalid_fuel_norm",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn categories_parse() {
        assert_eq!(
            VehicleCategory::parse(" SUV ").unwrap(),
            VehicleCategory::Suv
        );
        assert_eq!(
            VehicleCategory::parse("truck").unwrap_err().code,
            "invalid_category"
        );
    }
}
