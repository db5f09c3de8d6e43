//! Budget lines of the state budget classification (mục), each with the
//! control policy that decides what happens when spending would exceed
//! what is available.

use uuid::Uuid;

use crate::domain::ParseError;

/// A four-digit code of the state budget classification (`6700`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BudgetLineCode(String);

impl BudgetLineCode {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let s = raw.trim();
        if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(ParseError::new(
                "invalid_budget_line_code",
                format!(
                    "'{s}' is not a budget line code: use the four-digit code of the budget classification, e.g. 6700."
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a budget check does when an amount exceeds what is available.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Control {
    /// Refuse it.
    Stop,
    /// Accept it with a warning.
    Warn,
    /// Accept it silently.
    Ignore,
}

impl Control {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        match raw.trim() {
            "stop" => Ok(Control::Stop),
            "warn" => Ok(Control::Warn),
            "ignore" => Ok(Control::Ignore),
            other => Err(ParseError::new(
                "invalid_control",
                format!("'{other}' is not a control policy: use stop, warn or ignore."),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Control::Stop => "stop",
            Control::Warn => "warn",
            Control::Ignore => "ignore",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetLine {
    pub id: Uuid,
    pub code: BudgetLineCode,
    pub name: String,
    pub control: Control,
    pub active: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_four_digits() {
        assert_eq!(BudgetLineCode::parse("6700").unwrap().as_str(), "6700");
        for bad in ["670", "67000", "67a0", ""] {
            assert!(BudgetLineCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn control_policies() {
        assert_eq!(Control::parse("stop").unwrap(), Control::Stop);
        assert_eq!(Control::parse("warn").unwrap().as_str(), "warn");
        assert_eq!(Control::parse("block").unwrap_err().code, "invalid_control");
    }
}
