//! Drivers of the pool: licences and what they allow.
//!
//! Licence classes follow the Road Traffic Order and Safety Law 2024 (in
//! force since 1 January 2025), with the older classes still valid on
//! licences issued before it. What matters to the pool is how many
//! passengers a licence lets its holder carry:
//!
//! | class | passengers (besides the driver) |
//! |---|---|
//! | B, B2 (old), C1, C, CE | up to 8 |
//! | D1 | up to 16 |
//! | D2 | up to 29 |
//! | D, E (old) | any |

use serde::Serialize;

use crate::domain::ParseError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum LicenceClass {
    B,
    B2,
    C1,
    C,
    CE,
    D1,
    D2,
    D,
    E,
}

impl LicenceClass {
    pub const ALL: [LicenceClass; 9] = [
        LicenceClass::B,
        LicenceClass::B2,
        LicenceClass::C1,
        LicenceClass::C,
        LicenceClass::CE,
        LicenceClass::D1,
        LicenceClass::D2,
        LicenceClass::D,
        LicenceClass::E,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LicenceClass::B => "B",
            LicenceClass::B2 => "B2",
            LicenceClass::C1 => "C1",
            LicenceClass::C => "C",
            LicenceClass::CE => "CE",
            LicenceClass::D1 => "D1",
            LicenceClass::D2 => "D2",
            LicenceClass::D => "D",
            LicenceClass::E => "E",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let wanted = raw.trim().to_ascii_uppercase();
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == wanted)
            .ok_or_else(|| {
                ParseError::new(
                    "invalid_licence_class",
                    format!(
                        "'{}' is not a licence class. Use B, B2, C1, C, CE, D1, D2, D or E.",
                        raw.trim()
                    ),
                )
            })
    }

    /// The most passengers (besides the driver) this class may carry.
    pub fn max_passengers(self) -> u8 {
        match self {
            LicenceClass::B
            | LicenceClass::B2
            | LicenceClass::C1
            | LicenceClass::C
            | LicenceClass::CE => 8,
            LicenceClass::D1 => 16,
            LicenceClass::D2 => 29,
            LicenceClass::D | LicenceClass::E => u8::MAX,
        }
    }

    /// Whether a holder may drive a vehicle with this many seats (driver's
    /// included).
    pub fn covers(self, seats: u8) -> bool {
        seats.saturating_sub(1) <= self.max_passengers()
    }
}

/// The licence number printed on the card: 6–20 letters and digits (new
/// cards carry 12 digits). Spaces are removed, letters upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct LicenceNumber(String);

impl LicenceNumber {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let n: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if (6..=20).contains(&n.len()) && n.chars().all(|c| c.is_ascii_alphanumeric()) {
            Ok(Self(n))
        } else {
            Err(ParseError::new(
                "invalid_licence_number",
                format!(
                    "'{}' is not a licence number: use the 6–20 letters and digits printed on the card.",
                    raw.trim()
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A Vietnamese phone number, normalised to `0` + 9 digits (`+84 912 345 678`
/// becomes `0912345678`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let digits: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
            .collect();
        let local = if let Some(rest) = digits.strip_prefix("+84") {
            format!("0{rest}")
        } else if let Some(rest) = digits.strip_prefix("84").filter(|r| r.len() == 9) {
            format!("0{rest}")
        } else {
            digits
        };
        if local.len() == 10 && local.starts_with('0') && local.bytes().all(|b| b.is_ascii_digit())
        {
            Ok(Self(local))
        } else {
            Err(ParseError::new(
                "invalid_phone",
                format!(
                    "'{}' is not a Vietnamese phone number; write 10 digits like 0912 345 678.",
                    raw.trim()
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether a driver is in the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DriverStatus {
    Active,
    Inactive,
}

impl DriverStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DriverStatus::Active => "active",
            DriverStatus::Inactive => "inactive",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "active" => Ok(DriverStatus::Active),
            "inactive" => Ok(DriverStatus::Inactive),
            _ => Err(ParseError::new(
                "invalid_status",
                format!(
                    "'{}' is not a driver status. Choose active or inactive.",
                    raw.trim()
                ),
            )),
        }
    }
}

/// A driver of the pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Driver {
    pub id: uuid::Uuid,
    pub full_name: crate::domain::user::FullName,
    pub licence_number: LicenceNumber,
    pub licence_class: LicenceClass,
    pub licence_expires_on: chrono::NaiveDate,
    pub phone: Option<Phone>,
    pub status: DriverStatus,
    /// The board that employed them before pooling.
    pub origin_board_id: uuid::Uuid,
    /// The sign-in account of the driver, if any.
    pub user_id: Option<uuid::Uuid>,
    /// Secret part of the driver's calendar subscription address.
    #[serde(skip)]
    pub calendar_key: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn licence_classes_cover_seats() {
        assert!(LicenceClass::B.covers(9));
        assert!(!LicenceClass::B.covers(10));
        assert!(LicenceClass::D1.covers(17));
        assert!(!LicenceClass::D1.covers(18));
        assert!(LicenceClass::D2.covers(30));
        assert!(!LicenceClass::D2.covers(31));
        assert!(LicenceClass::D.covers(60));
        assert_eq!(LicenceClass::parse("d2").unwrap(), LicenceClass::D2);
        assert_eq!(
            LicenceClass::parse("A1").unwrap_err().code,
            "invalid_licence_class"
        );
    }

    #[test]
    fn phones_are_normalised() {
        assert_eq!(
            Phone::parse("+84 912 345 678").unwrap().as_str(),
            "0912345678"
        );
        assert_eq!(Phone::parse("0912.345.678").unwrap().as_str(), "0912345678");
        assert_eq!(Phone::parse("12345").unwrap_err().code, "invalid_phone");
    }

    #[test]
    fn licence_numbers_are_compacted() {
        assert_eq!(
            LicenceNumber::parse("0123 4567 8901").unwrap().as_str(),
            "012345678901"
        );
        assert_eq!(
            LicenceNumber::parse("12-34").unwrap_err().code,
            "invalid_licence_number"
        );
    }
}
