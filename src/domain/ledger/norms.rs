//! Spending norms — the one internal spending regulation: each norm (per
//! diem, lodging cap by destination class, fuel price…) has versions with
//! effective dates, and a claim is checked against the version in force on
//! its date.
//!
//! Rounding rule: an amount computed from a quantity (days, nights,
//! litres) times a unit amount is rounded to the hundredth of a đồng, half
//! away from zero. Inputs themselves are never rounded.

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::domain::ParseError;
use crate::domain::money::Money;

/// A norm's code: lower case letters, digits and `_`, e.g. `per_diem`,
/// `lodging_class_1`, `fuel_price`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NormCode(String);

impl NormCode {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let s = raw.trim();
        let ok = (2..=40).contains(&s.len())
            && s.as_bytes()[0].is_ascii_lowercase()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(ParseError::new(
                "invalid_norm_code",
                format!(
                    "'{s}' is not a norm code: use 2–40 lower-case letters, digits or _, starting with a letter, e.g. per_diem."
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How many units (days, nights, litres, delegates): more than zero, at
/// most two decimals; kept as hundredths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quantity(i64);

impl Quantity {
    pub const MAX_HUNDREDTHS: i64 = 100_000_000;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let bad = || {
            ParseError::new(
                "invalid_quantity",
                format!(
                    "'{}' is not a quantity: give a number more than 0 with at most two decimals, e.g. \"3\" or \"2.5\".",
                    raw.trim()
                ),
            )
        };
        let value = Decimal::from_str_exact(raw.trim())
            .map_err(|_| bad())?
            .normalize();
        if value.scale() > 2 || value <= Decimal::ZERO {
            return Err(bad());
        }
        let h = i64::try_from(value * Decimal::ONE_HUNDRED).map_err(|_| bad())?;
        if h > Self::MAX_HUNDREDTHS {
            return Err(bad());
        }
        Ok(Self(h))
    }

    pub fn from_hundredths(h: i64) -> Self {
        Self(h)
    }

    pub fn hundredths(self) -> i64 {
        self.0
    }

    pub fn value(self) -> Decimal {
        Decimal::new(self.0, 2)
    }
}

impl From<Quantity> for String {
    fn from(q: Quantity) -> String {
        q.value().normalize().to_string()
    }
}

/// `quantity × unit`, rounded to the hundredth of a đồng, half away from zero.
pub fn extend(quantity: Decimal, unit: Money) -> Result<Money, ParseError> {
    let raw = quantity
        .checked_mul(unit.amount())
        .ok_or_else(|| ParseError::new("amount_out_of_range", "The amount is too large."))?;
    Money::from_decimal(raw.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

/// The dates a version of a norm is in force, both inclusive; open-ended
/// when `to` is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl Validity {
    pub fn new(from: NaiveDate, to: Option<NaiveDate>) -> Result<Self, ParseError> {
        if to.is_some_and(|t| t < from) {
            return Err(ParseError::new(
                "validity_reversed",
                "effective_to is before effective_from; a version must be in force at least one day.",
            ));
        }
        Ok(Self { from, to })
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && self.to.is_none_or(|t| date <= t)
    }

    pub fn overlaps(&self, other: &Validity) -> bool {
        self.to.is_none_or(|t| other.from <= t) && other.to.is_none_or(|t| self.from <= t)
    }
}

/// What adding a version of a norm does to the versions already there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionPlan<Id> {
    /// Nothing clashes: insert the new version as given.
    Insert,
    /// The latest version is open-ended and starts before the new one: it
    /// is closed the day before the new one starts, then the new one is
    /// inserted.
    CloseLatest { id: Id, closed: Validity },
}

/// Decides how a new version with `new` validity joins the `existing`
/// versions of the same norm: the latest version, when open-ended and
/// starting earlier, is closed the day before; any other overlap refuses
/// with the first clashing version (earliest start).
pub fn plan_version<Id: Clone>(
    existing: &[(Id, Validity)],
    new: Validity,
) -> Result<VersionPlan<Id>, (Id, Validity)> {
    let latest = existing
        .iter()
        .enumerate()
        .max_by_key(|(_, (_, v))| v.from)
        .map(|(i, _)| i);
    let mut plan = VersionPlan::Insert;
    let mut versions: Vec<(Id, Validity)> = existing.to_vec();
    if let Some(i) = latest {
        let (id, v) = &mut versions[i];
        if v.to.is_none() && v.from < new.from {
            // `new.from` is later than another date, so it has a day before.
            v.to = new.from.pred_opt();
            plan = VersionPlan::CloseLatest {
                id: id.clone(),
                closed: *v,
            };
        }
    }
    // A clash is never the version just closed (it now ends before the
    // new one starts), so its validity is as stored.
    match versions
        .into_iter()
        .filter(|(_, v)| v.overlaps(&new))
        .min_by_key(|(_, v)| v.from)
    {
        Some(clash) => Err(clash),
        None => Ok(plan),
    }
}

/// A claim line against its norm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineCheck {
    pub claimed: Money,
    pub allowed: Money,
    pub over: bool,
}

/// `quantity × unit_amount` claimed against `quantity × norm` allowed.
pub fn check_line(
    quantity: Quantity,
    unit_amount: Money,
    norm: Money,
) -> Result<LineCheck, ParseError> {
    let claimed = extend(quantity.value(), unit_amount)?;
    let allowed = extend(quantity.value(), norm)?;
    Ok(LineCheck {
        claimed,
        allowed,
        over: claimed > allowed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn d(y: i32, mo: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, mo, day).unwrap()
    }

    #[test]
    fn codes_and_quantities() {
        assert!(NormCode::parse("lodging_class_1").is_ok());
        for bad in ["Per_diem", "1day", "a", "per diem", "per-diem"] {
            assert!(NormCode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Quantity::parse("2.5").unwrap().hundredths(), 250);
        assert_eq!(String::from(Quantity::parse("3.00").unwrap()), "3");
        for bad in ["0", "-1", "1.005", "abc", "1000001"] {
            assert!(Quantity::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn extending_rounds_half_away_from_zero() {
        // 42.35 l × 23,456.70 đ = 993,391.245 → 993,391.25
        assert_eq!(
            extend(Decimal::new(4235, 2), m("23456.70")).unwrap(),
            m("993391.25")
        );
        // 0.5 × 0.01 = 0.005 → 0.01
        assert_eq!(extend(Decimal::new(5, 1), m("0.01")).unwrap(), m("0.01"));
        // 3 × 150,000 exactly
        assert_eq!(extend(Decimal::from(3), m("150000")).unwrap(), m("450000"));
    }

    #[test]
    fn validity_overlap_is_inclusive() {
        let a = Validity::new(d(2026, 1, 1), Some(d(2026, 6, 30))).unwrap();
        let b = Validity::new(d(2026, 7, 1), None).unwrap();
        let c = Validity::new(d(2026, 6, 30), Some(d(2026, 6, 30))).unwrap();
        assert!(!a.overlaps(&b) && !b.overlaps(&a));
        assert!(a.overlaps(&c) && c.overlaps(&a));
        assert!(b.overlaps(&Validity::new(d(2030, 1, 1), None).unwrap()));
        assert!(a.contains(d(2026, 6, 30)) && !a.contains(d(2026, 7, 1)));
        assert!(Validity::new(d(2026, 2, 1), Some(d(2026, 1, 31))).is_err());
    }

    #[test]
    fn over_norm_lines_show_claimed_and_allowed() {
        // 3 nights at 700,000 against a cap of 450,000 a night.
        let c = check_line(Quantity::parse("3").unwrap(), m("700000"), m("450000")).unwrap();
        assert_eq!(
            (c.claimed, c.allowed, c.over),
            (m("2100000"), m("1350000"), true)
        );
        let ok = check_line(Quantity::parse("2").unwrap(), m("200000"), m("200000")).unwrap();
        assert!(!ok.over);
    }

    #[test]
    fn a_new_version_closes_the_open_ended_latest_one() {
        let old = Validity::new(d(2025, 1, 1), None).unwrap();
        let new = Validity::new(d(2026, 7, 1), None).unwrap();
        assert_eq!(
            plan_version(&[(1, old)], new),
            Ok(VersionPlan::CloseLatest {
                id: 1,
                closed: Validity::new(d(2025, 1, 1), Some(d(2026, 6, 30))).unwrap()
            })
        );
        // Nothing there yet, or a gap after a closed version: plain insert.
        assert_eq!(plan_version::<u8>(&[], new), Ok(VersionPlan::Insert));
        let closed = Validity::new(d(2025, 1, 1), Some(d(2025, 12, 31))).unwrap();
        assert_eq!(plan_version(&[(1, closed)], new), Ok(VersionPlan::Insert));
    }

    #[test]
    fn other_overlaps_name_the_clashing_version() {
        let a = Validity::new(d(2025, 1, 1), Some(d(2025, 12, 31))).unwrap();
        let b = Validity::new(d(2026, 1, 1), None).unwrap();
        let existing = [(1, a), (2, b)];
        // Same start as the open-ended latest one: nothing to close before it.
        assert_eq!(plan_version(&existing, b), Err((2, b)));
        // Back-dated into a closed version.
        let back = Validity::new(d(2025, 12, 31), Some(d(2025, 12, 31))).unwrap();
        assert_eq!(plan_version(&existing, back), Err((1, a)));
        // Starting before the latest one and open-ended: clashes with both,
        // the earliest is named.
        let wide = Validity::new(d(2024, 6, 1), None).unwrap();
        assert_eq!(plan_version(&existing, wide), Err((1, a)));
        // A later start closes b, but a clash with an older version remains
        // impossible: only versions before the latest exist.
        let later = Validity::new(d(2026, 3, 1), Some(d(2026, 3, 31))).unwrap();
        assert!(matches!(
            plan_version(&existing, later),
            Ok(VersionPlan::CloseLatest { id: 2, .. })
        ));
        // A gap before the first version is free.
        let before = Validity::new(d(2024, 1, 1), Some(d(2024, 12, 31))).unwrap();
        assert_eq!(plan_version(&existing, before), Ok(VersionPlan::Insert));
    }
}
