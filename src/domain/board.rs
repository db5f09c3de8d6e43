//! Boards (ban): the Party boards the shared Office serves.
//!
//! Nothing here assumes a fixed set of boards: district and commune offices and
//! the Fatherland Front bloc add their own.

use serde::Serialize;
use uuid::Uuid;

use super::{ParseError, text};

/// Human-facing, unique board code: 2–16 characters, capital letters, digits
/// and `-`, starting with a letter (`BTC`, `UBKT`, `HU-DV`). Lower case input
/// is accepted and upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct BoardCode(String);

impl BoardCode {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let code = raw.trim().to_ascii_uppercase();
        let shape_ok = (2..=16).contains(&code.len())
            && code.starts_with(|c: char| c.is_ascii_uppercase())
            && code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
        if shape_ok {
            Ok(Self(code))
        } else {
            Err(ParseError::new(
                "invalid_board_code",
                format!(
                    "'{}' is not a board code. Use 2–16 letters without diacritics, digits or \
                     '-', starting with a letter, e.g. BTC or UBKT.",
                    raw.trim()
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The board's name in Vietnamese, e.g. "Ban Tổ chức Tỉnh ủy".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct BoardName(String);

impl BoardName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        text::bounded("Board name", raw, 1, Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A board as the rest of the system sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Board {
    pub id: Uuid,
    pub code: BoardCode,
    pub name: BoardName,
    pub active: bool,
}

impl Board {
    /// Rebuilds a board from trusted storage (values were parsed on the way in).
    pub fn from_stored(id: Uuid, code: String, name: String, active: bool) -> Self {
        Self {
            id,
            code: BoardCode(code),
            name: BoardName(name),
            active,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn board_codes_are_upper_cased_and_checked() {
        assert_eq!(BoardCode::parse(" btc ").unwrap().as_str(), "BTC");
        assert_eq!(BoardCode::parse("HU-DV2").unwrap().as_str(), "HU-DV2");
        for bad in ["B", "1BT", "BAN TỔ CHỨC", "ABCDEFGHIJKLMNOPQ", "BT_C", ""] {
            assert_eq!(
                BoardCode::parse(bad).unwrap_err().code,
                "invalid_board_code",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn board_names_keep_vietnamese_text() {
        assert_eq!(
            BoardName::parse("Ủy ban Kiểm tra").unwrap().as_str(),
            "Ủy ban Kiểm tra"
        );
        assert_eq!(BoardName::parse("").unwrap_err().code, "required");
    }
}
