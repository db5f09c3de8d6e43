//! Money: Vietnamese đồng, exact, with at most two decimals.
//!
//! Amounts travel as strings in JSON (`"1250000"`, `"-12.5"`) and are stored as
//! a 64-bit count of hundredths of a đồng. An input with more precision than
//! that is refused, never rounded. Sums of amounts are [`Total`]s, 128 bits
//! wide, so no number of stored amounts makes a report unreadable.

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
    /// Largest accepted magnitude of a single amount (just under 10^15 đồng).
    /// Sums of amounts are [`Total`]s and have no such cap.
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

    /// Reads an amount that may be zero but not below: `refusal` is the
    /// sentence for a negative one, e.g. "The cost cannot be negative.".
    pub fn parse_not_negative(raw: &str, refusal: &str) -> Result<Self, ParseError> {
        let m = Money::parse(raw)?;
        if m.is_negative() {
            return Err(ParseError::new("negative_amount", refusal));
        }
        Ok(m)
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

/// An exact sum of amounts: a trial balance column, an account's running
/// balance, what is allocated to a budget line.
///
/// A single [`Money`] is capped at ±999,999,999,999,999.99 đồng, but sums of
/// many of them are not: a total is a 128-bit count of hundredths, which
/// holds the sum of every amount a 64-bit row count could store (at most
/// 2^63 × 10^17 ≈ 9.2 × 10^35 hundredths, against 1.7 × 10^38), so adding
/// and subtracting totals of stored amounts never overflows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Total(i128);

impl Total {
    pub const ZERO: Total = Total(0);

    /// From a count of hundredths of a đồng.
    pub const fn from_minor(minor: i128) -> Self {
        Total(minor)
    }

    /// The count of hundredths of a đồng.
    pub const fn to_minor(self) -> i128 {
        self.0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// The magnitude, sign dropped.
    pub fn abs(self) -> Total {
        Total(self.0.abs())
    }

    /// As an exact decimal, when it fits one (a 96-bit mantissa: up to about
    /// 7.9 × 10^26 đồng).
    pub fn to_decimal(self) -> Option<Decimal> {
        Decimal::try_from_i128_with_scale(self.0, Money::SCALE).ok()
    }

    /// `self ÷ of × 100`, to two decimals (half away from zero); none when
    /// `of` is zero. Exact for every total below 10^26 đồng; beyond that both
    /// are first scaled down alike, which leaves the two decimals of a
    /// percentage unchanged but for the last digit of absurd figures.
    pub fn percent_of(self, of: Total) -> Option<Decimal> {
        if of.0 == 0 {
            return None;
        }
        let (mut a, mut b) = (self.0, of.0);
        let limit = 1i128 << 95;
        while a.abs() >= limit || b.abs() >= limit {
            a /= 10;
            b /= 10;
        }
        if b == 0 {
            return Some(Decimal::ZERO);
        }
        let (a, b) = (
            Decimal::from_i128_with_scale(a, 0),
            Decimal::from_i128_with_scale(b, 0),
        );
        let pct = a.checked_mul(Decimal::ONE_HUNDRED).map_or_else(
            || a / b * Decimal::ONE_HUNDRED,
            |hundredfold| hundredfold / b,
        );
        let mut pct =
            pct.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        pct.rescale(2);
        Some(pct)
    }

    /// The single amount this total equals, when it is within the cap of one.
    pub fn to_money(self) -> Option<Money> {
        i64::try_from(self.0)
            .ok()
            .filter(|m| m.abs() <= Money::MAX_ABS_MINOR)
            .map(Money::from_minor)
    }
}

impl From<Money> for Total {
    fn from(m: Money) -> Self {
        Total(i128::from(m.to_minor()))
    }
}

impl std::ops::Add for Total {
    type Output = Total;
    fn add(self, o: Total) -> Total {
        Total(self.0 + o.0)
    }
}

impl std::ops::Sub for Total {
    type Output = Total;
    fn sub(self, o: Total) -> Total {
        Total(self.0 - o.0)
    }
}

impl std::ops::Neg for Total {
    type Output = Total;
    fn neg(self) -> Total {
        Total(-self.0)
    }
}

impl std::ops::AddAssign for Total {
    fn add_assign(&mut self, o: Total) {
        self.0 += o.0;
    }
}

impl std::ops::Add<Money> for Total {
    type Output = Total;
    fn add(self, o: Money) -> Total {
        self + Total::from(o)
    }
}

impl std::ops::Sub<Money> for Total {
    type Output = Total;
    fn sub(self, o: Money) -> Total {
        self - Total::from(o)
    }
}

impl std::iter::Sum<Money> for Total {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Total {
        iter.fold(Total::ZERO, |acc, m| acc + m)
    }
}

impl std::iter::Sum for Total {
    fn sum<I: Iterator<Item = Total>>(iter: I) -> Total {
        iter.fold(Total::ZERO, |acc, t| acc + t)
    }
}

impl fmt::Display for Total {
    /// Shortest exact form, as [`Money`]: `1250000`, `0.5`, `-12.34`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (int, frac) = (abs / 100, abs % 100);
        match frac {
            0 => write!(f, "{sign}{int}"),
            f10 if f10 % 10 == 0 => write!(f, "{sign}{int}.{}", f10 / 10),
            _ => write!(f, "{sign}{int}.{frac:02}"),
        }
    }
}

impl Serialize for Total {
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
    #[test]
    fn totals_hold_far_more_than_one_amount_and_print_like_money() {
        let cap = Money::parse("999999999999999.99").unwrap();
        let hundred: Total = std::iter::repeat_n(cap, 100).sum();
        // 100 × 999,999,999,999,999.99 = 99,999,999,999,999,999.00
        assert_eq!(hundred.to_string(), "99999999999999999");
        assert_eq!(hundred.to_minor(), 9_999_999_999_999_999_900);
        assert_eq!((-hundred).to_string(), "-99999999999999999");
        assert_eq!(Total::from_minor(-50).to_string(), "-0.5");
        assert_eq!(Total::from_minor(-1234).to_string(), "-12.34");
        assert_eq!(Total::from_minor(7).to_string(), "0.07");
        assert_eq!(Total::ZERO.to_string(), "0");
        for minor in [0, 1, -1, 10, 150, -99_999, 125_000_000] {
            assert_eq!(
                Total::from_minor(minor as i128).to_string(),
                Money::from_minor(minor).to_string()
            );
        }
        assert_eq!(hundred.to_money(), None);
        assert_eq!(Total::from(cap).to_money(), Some(cap));
    }

    #[test]
    fn percentages_of_totals_are_exact_to_two_decimals() {
        let t = |m: i128| Total::from_minor(m);
        assert_eq!(t(20).percent_of(t(100)).unwrap().to_string(), "20.00");
        assert_eq!(t(1).percent_of(t(3)).unwrap().to_string(), "33.33");
        assert_eq!(t(2).percent_of(t(3)).unwrap().to_string(), "66.67");
        assert_eq!(t(1).percent_of(Total::ZERO), None);
        // Beyond a 96-bit mantissa: 10^36 of 4 × 10^36 is 25 %.
        let e36 = 10i128.pow(36);
        assert_eq!(t(e36).percent_of(t(4 * e36)).unwrap().to_string(), "25.00");
    }
}
