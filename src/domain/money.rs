//! Money: Vietnamese đồng, exact, with at most two decimals.
//!
//! Amounts travel as strings in JSON (`"1250000"`, `"-12.5"`) and are stored as
//! a 64-bit count of hundredths of a đồng, so SQL `SUM()` stays exact on every
//! backend. An input with more precision than that is refused, never rounded.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use super::ParseError;

/// An exact amount of đồng with at most two decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

impl Money {
    /// Decimal places kept: hundredths of a đồng.
    pub const SCALE: u32 = 2;
    /// Largest accepted magnitude of a single amount (just under 10^15 đồng),
    /// so that sums of many amounts still fit a 64-bit count of hundredths.
    pub const MAX_ABS_MINOR: i64 = 99_999_999_999_999_999;

    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Parses what a person typed: an optional minus sign, digits, optionally a
    /// dot and at most two decimals. No thousands separators, no exponent.
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let s = raw.trim();
        let unsigned = s.strip_prefix('-').unwrap_or(s);
        let (int, frac) = match unsigned.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (unsigned, None),
        };
        let digits_ok = !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
        if !digits_ok {
            return Err(ParseError::new(
                "invalid_amount",
                format!(
                    "'{s}' is not an amount. Write đồng as plain digits with a dot for decimals, \
                     e.g. \"1250000\" or \"1250000.50\" — no thousands separators."
                ),
            ));
        }
        // `from_str_exact` refuses what `from_str` would silently round
        // (more than 28 decimals).
        let value = Decimal::from_str_exact(s).map_err(|_| {
            ParseError::new(
                "amount_out_of_range",
                format!("'{s}' is too large to be an amount of đồng."),
            )
        })?;
        Self::from_decimal(value)
    }

    /// Accepts an exact decimal if it has at most two decimals (trailing zeros
    /// do not count) and lies within the accepted range.
    pub fn from_decimal(value: Decimal) -> Result<Self, ParseError> {
        let normal = value.normalize();
        if normal.scale() > Self::SCALE {
            return Err(ParseError::new(
                "amount_too_precise",
                format!(
                    "{normal} has more than two decimals; amounts are kept to the hundredth of \
                     a đồng. Round it before sending."
                ),
            ));
        }
        let minor = normal
            .checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|m| i64::try_from(m).ok())
            .filter(|m| m.abs() <= Self::MAX_ABS_MINOR);
        match minor {
            Some(minor) => Ok(Self::from_minor(minor)),
            None => Err(ParseError::new(
                "amount_out_of_range",
                format!("{normal} is outside the accepted range of ±999,999,999,999,999.99 đồng."),
            )),
        }
    }

    /// From a count of hundredths of a đồng, as stored.
    pub fn from_minor(minor: i64) -> Self {
        Money(Decimal::new(minor, Self::SCALE))
    }

    /// The count of hundredths of a đồng, as stored.
    pub fn to_minor(self) -> i64 {
        let mut d = self.0;
        d.rescale(Self::SCALE);
        // A Money only ever holds values that came from an i64 of hundredths.
        i64::try_from(d.mantissa()).expect("Money is always within i64 hundredths")
    }

    pub fn amount(self) -> Decimal {
        self.0
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.to_minor()
            .checked_add(other.to_minor())
            .map(Money::from_minor)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.to_minor()
            .checked_sub(other.to_minor())
            .map(Money::from_minor)
    }
}

impl fmt::Display for Money {
    /// Shortest exact form: `1250000`, `0.5`, `-12.34`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.normalize(), f)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_amounts_exactly() {
        assert_eq!(Money::parse("1250000").unwrap().to_minor(), 125_000_000);
        assert_eq!(Money::parse("0.01").unwrap().to_minor(), 1);
        assert_eq!(Money::parse("-12.5").unwrap().to_minor(), -1250);
        assert_eq!(
            Money::parse("123456789012.99").unwrap().to_minor(),
            12_345_678_901_299
        );
        // Trailing zeros add no precision.
        assert_eq!(Money::parse("7.500").unwrap().to_minor(), 750);
    }

    #[test]
    fn refuses_more_than_two_decimals_instead_of_rounding() {
        let err = Money::parse("0.001").unwrap_err();
        assert_eq!(err.code, "amount_too_precise");
        assert!(err.message.contains("0.001"), "{}", err.message);
        // Beyond 28 decimals a plain decimal parser would round to 1.
        assert!(Money::parse("1.00000000000000000000000000004").is_err());
    }

    #[test]
    fn refuses_what_is_not_a_plain_amount() {
        for bad in [
            "",
            "-",
            "1,000",
            "1.000.000",
            "1e6",
            "+5",
            "1.",
            ".5",
            "abc",
            "1_000",
            " 1 2",
        ] {
            assert_eq!(
                Money::parse(bad).unwrap_err().code,
                "invalid_amount",
                "input {bad:?}"
            );
        }
    }

    #[test]
    fn refuses_amounts_outside_the_range() {
        assert_eq!(
            Money::parse("999999999999999.99").unwrap().to_minor(),
            Money::MAX_ABS_MINOR
        );
        assert_eq!(
            Money::parse("1000000000000000").unwrap_err().code,
            "amount_out_of_range"
        );
        assert_eq!(
            Money::parse("99999999999999999999999999999999")
                .unwrap_err()
                .code,
            "amount_out_of_range"
        );
    }

    #[test]
    fn displays_and_serialises_the_shortest_exact_form() {
        assert_eq!(Money::from_minor(125_000_000).to_string(), "1250000");
        assert_eq!(Money::from_minor(50).to_string(), "0.5");
        assert_eq!(Money::from_minor(-1234).to_string(), "-12.34");
        assert_eq!(Money::ZERO.to_string(), "0");
        assert_eq!(
            serde_json::to_string(&Money::from_minor(1)).unwrap(),
            "\"0.01\""
        );
    }

    #[test]
    fn arithmetic_is_exact_and_checked() {
        let a = Money::parse("0.1").unwrap();
        let b = Money::parse("0.2").unwrap();
        assert_eq!(a.checked_add(b).unwrap(), Money::parse("0.3").unwrap());
        assert_eq!(a.checked_sub(b).unwrap().to_string(), "-0.1");
        assert!(
            Money::from_minor(i64::MAX)
                .checked_add(Money::from_minor(1))
                .is_none()
        );
        assert!(Money::parse("-0.01").unwrap().is_negative());
        assert!(!Money::ZERO.is_negative());
    }
}
