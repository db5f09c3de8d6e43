//! List pagination: how many rows a page may hold.

use super::ParseError;

/// Rows per page: 1–500, 50 when not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimit(u16);

impl PageLimit {
    pub const DEFAULT: u16 = 50;
    pub const MAX: u16 = 500;

    pub fn parse(raw: Option<i64>) -> Result<Self, ParseError> {
        match raw {
            None => Ok(Self(Self::DEFAULT)),
            Some(n) if (1..=i64::from(Self::MAX)).contains(&n) => Ok(Self(n as u16)),
            Some(n) => Err(ParseError::new(
                "invalid_limit",
                format!("limit must be between 1 and {}; {n} was given.", Self::MAX),
            )),
        }
    }

    pub fn get(self) -> i64 {
        i64::from(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_bounds() {
        assert_eq!(PageLimit::parse(None).unwrap().get(), 50);
        assert_eq!(PageLimit::parse(Some(500)).unwrap().get(), 500);
        assert_eq!(PageLimit::parse(Some(0)).unwrap_err().code, "invalid_limit");
        assert_eq!(
            PageLimit::parse(Some(501)).unwrap_err().code,
            "invalid_limit"
        );
    }
}
