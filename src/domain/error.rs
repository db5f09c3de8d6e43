//! The one error type of the pure domain: a value a person typed was refused.

use std::fmt;

/// Why a value was refused, with a stable machine code and a sentence a clerk
/// understands (what was wrong and what to do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Stable, snake_case, e.g. `invalid_board_code`.
    pub code: &'static str,
    /// Human sentence, e.g. "Board code must be 2–16 capital letters …".
    pub message: String,
}

impl ParseError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}
