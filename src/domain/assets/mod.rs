//! The asset register's rules: asset codes, categories and their wear
//! rates, asset and request states and the request workflow, the yearly
//! wear ([`wear`]) and stocktake discrepancies ([`stocktake`]).

pub mod stocktake;
pub mod utilisation;
pub mod wear;

use std::fmt;

use rust_decimal::Decimal;

use super::ParseError;

/// The code written on an asset's label (mã tài sản), e.g. `BTC-MC-0001`:
/// 2–32 capital letters, digits, `-`, `.` or `/`, starting with a letter
/// or digit. Lower-case input is read as capitals, so a scanner's output
/// matches whatever case the label was typed in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AssetCode(String);

impl AssetCode {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let s = raw.trim().to_uppercase();
        let len = s.chars().count();
        let ok = (2..=32).contains(&len)
            && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "-./".contains(c));
        if ok {
            Ok(Self(s))
        } else {
            Err(ParseError::new(
                "invalid_asset_code",
                format!(
                    "'{}' is not an asset code: use 2–32 letters, digits, '-', '.' or '/', e.g. BTC-MC-0001.",
                    raw.trim()
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AssetCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A category's code, e.g. `projector`: 2–40 lower-case letters, digits or
/// `_`, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CategoryCode(String);

impl CategoryCode {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let s = raw.trim();
        let ok = (2..=40).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(ParseError::new(
                "invalid_category",
                format!(
                    "'{s}' is not an asset category code; see GET /api/v1/asset-categories (e.g. projector, computer)."
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Straight-line wear per year as a percentage of the original cost, with
/// at most two decimals, from 0 (not worn, e.g. land) to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct WearRate(i32);

impl WearRate {
    /// Parses a percentage such as `20` or `12.5`.
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let bad = || {
            ParseError::new(
                "invalid_wear_rate",
                format!(
                    "'{}' is not a wear rate: give the percent of the original cost per year, from 0 to 100 with at most two decimals, e.g. \"20\" or \"12.5\".",
                    raw.trim()
                ),
            )
        };
        let s = raw.trim();
        if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return Err(bad());
        }
        let d = Decimal::from_str_exact(s).map_err(|_| bad())?.normalize();
        if d.scale() > 2 || d > Decimal::ONE_HUNDRED {
            return Err(bad());
        }
        // At most two decimals and at most 100: the product is a whole
        // number of hundredths between 0 and 10 000.
        let centi = i64::try_from(d * Decimal::ONE_HUNDRED).map_err(|_| bad())?;
        Ok(Self(i32::try_from(centi).map_err(|_| bad())?))
    }

    /// From hundredths of a percent, as stored (2000 = 20 %).
    pub fn from_centi(centi: i32) -> Self {
        Self(centi.clamp(0, 10_000))
    }

    pub fn centi(self) -> i32 {
        self.0
    }

    /// As a fraction of one: 20 % → 0.2.
    pub fn fraction(self) -> Decimal {
        Decimal::new(i64::from(self.0), 4)
    }
}

impl fmt::Display for WearRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&Decimal::new(i64::from(self.0), 2).normalize(), f)
    }
}

/// Where an asset stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssetStatus {
    InUse,
    /// Not used by its board: offered to boards that ask for its category.
    Idle,
    UnderRepair,
    /// Gone from the register's active life; kept for its history.
    Disposed,
}

impl AssetStatus {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        match raw.trim() {
            "in_use" => Ok(Self::InUse),
            "idle" => Ok(Self::Idle),
            "under_repair" => Ok(Self::UnderRepair),
            "disposed" => Ok(Self::Disposed),
            other => Err(ParseError::new(
                "invalid_asset_status",
                format!(
                    "'{other}' is not an asset status: use in_use, idle, under_repair or disposed."
                ),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InUse => "in_use",
            Self::Idle => "idle",
            Self::UnderRepair => "under_repair",
            Self::Disposed => "disposed",
        }
    }
}

impl fmt::Display for AssetStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a board asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// Buy a new asset of a category.
    Procurement,
    /// Repair one of the board's assets.
    Repair,
    /// Take over an idle asset from another board.
    TransferIn,
}

impl RequestKind {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        match raw.trim() {
            "procurement" => Ok(Self::Procurement),
            "repair" => Ok(Self::Repair),
            "transfer_in" => Ok(Self::TransferIn),
            other => Err(ParseError::new(
                "invalid_request_kind",
                format!(
                    "'{other}' is not a kind of asset request: use procurement, repair or transfer_in."
                ),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Procurement => "procurement",
            Self::Repair => "repair",
            Self::TransferIn => "transfer_in",
        }
    }

    /// The budget line charged when the request names none: 9050 (asset
    /// procurement) for purchases, 6900 (repairs and upkeep) otherwise.
    pub fn default_budget_line(self) -> &'static str {
        match self {
            Self::Procurement => "9050",
            Self::Repair | Self::TransferIn => "6900",
        }
    }
}

/// Where an asset request stands: submitted → approved → fulfilled, or
/// rejected (while submitted or approved).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestStatus {
    Submitted,
    Approved,
    Fulfilled,
    Rejected,
}

/// What is done to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestAction {
    Approve,
    Reject,
    Fulfil,
}

impl RequestAction {
    pub fn verb(self) -> &'static str {
        match self {
            Self::Approve => "approved",
            Self::Reject => "rejected",
            Self::Fulfil => "fulfilled",
        }
    }
}

impl RequestStatus {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        match raw.trim() {
            "submitted" => Ok(Self::Submitted),
            "approved" => Ok(Self::Approved),
            "fulfilled" => Ok(Self::Fulfilled),
            "rejected" => Ok(Self::Rejected),
            other => Err(ParseError::new(
                "invalid_request_status",
                format!(
                    "'{other}' is not a request status: use submitted, approved, fulfilled or rejected."
                ),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Approved => "approved",
            Self::Fulfilled => "fulfilled",
            Self::Rejected => "rejected",
        }
    }

    /// The state after `action`, or a sentence saying why it is not
    /// possible now.
    pub fn after(self, action: RequestAction) -> Result<Self, String> {
        match (self, action) {
            (Self::Submitted, RequestAction::Approve) => Ok(Self::Approved),
            (Self::Submitted | Self::Approved, RequestAction::Reject) => Ok(Self::Rejected),
            (Self::Approved, RequestAction::Fulfil) => Ok(Self::Fulfilled),
            (Self::Submitted, RequestAction::Fulfil) => Err(
                "This request is still submitted; it must be approved before it is fulfilled."
                    .to_owned(),
            ),
            (state, action) => Err(format!(
                "This request is already {}; it cannot be {} now.",
                state.as_str(),
                action.verb()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_codes_are_read_in_capitals() {
        assert_eq!(
            AssetCode::parse(" btc-mc-0001 ").unwrap().as_str(),
            "BTC-MC-0001"
        );
        assert_eq!(
            AssetCode::parse("VP/2026.01").unwrap().as_str(),
            "VP/2026.01"
        );
        for bad in ["", "A", "-AB", "AB CD", "ĐT-01", &"A".repeat(33)] {
            assert_eq!(
                AssetCode::parse(bad).unwrap_err().code,
                "invalid_asset_code",
                "{bad}"
            );
        }
    }

    #[test]
    fn wear_rates_are_percent_with_two_decimals() {
        assert_eq!(WearRate::parse("20").unwrap().centi(), 2000);
        assert_eq!(WearRate::parse("12.5").unwrap().centi(), 1250);
        assert_eq!(WearRate::parse("12.50").unwrap().centi(), 1250);
        assert_eq!(WearRate::parse("0.01").unwrap().centi(), 1);
        assert_eq!(WearRate::parse("100").unwrap().centi(), 10_000);
        assert_eq!(WearRate::parse("0").unwrap().centi(), 0);
        assert_eq!(WearRate::parse("12.5").unwrap().to_string(), "12.5");
        for bad in ["", "-5", "100.01", "12.345", "1e2", "abc"] {
            assert_eq!(
                WearRate::parse(bad).unwrap_err().code,
                "invalid_wear_rate",
                "{bad}"
            );
        }
    }

    #[test]
    fn the_request_workflow() {
        use RequestAction::*;
        use RequestStatus::*;
        assert_eq!(Submitted.after(Approve), Ok(Approved));
        assert_eq!(Submitted.after(Reject), Ok(Rejected));
        assert_eq!(Approved.after(Fulfil), Ok(Fulfilled));
        assert_eq!(Approved.after(Reject), Ok(Rejected));
        assert!(Submitted.after(Fulfil).is_err());
        assert!(Approved.after(Approve).is_err());
        for done in [Fulfilled, Rejected] {
            for action in [Approve, Reject, Fulfil] {
                assert!(done.after(action).is_err());
            }
        }
    }
}
