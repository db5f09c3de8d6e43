//! Yearly wear (hao mòn) of an asset, straight line.
//!
//! A full year wears `original cost × rate`. In the year of acquisition the
//! asset wears for the months it was held, the month of acquisition
//! included: acquired on 20 September → September to December, 4/12 of a
//! year. In the year of disposal it wears for the months before the month
//! of disposal; after disposal, nothing. Each year's wear is rounded to the
//! hundredth of a đồng, half away from zero, and never exceeds what is left
//! of the original cost, so the remaining value never goes below zero and
//! accumulated wear + remaining value = original cost at every step.

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use super::WearRate;
use crate::domain::money::Money;

/// What the wear of one asset depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WearBasis {
    /// Nguyên giá: more than zero.
    pub original_cost: Money,
    pub rate: WearRate,
    pub acquired_on: NaiveDate,
    pub disposed_on: Option<NaiveDate>,
    /// Wear posted in earlier years.
    pub accumulated: Money,
}

impl WearBasis {
    /// What is left of the original cost (never below zero).
    pub fn remaining(&self) -> Money {
        remaining(self.original_cost, self.accumulated)
    }
}

/// `cost − accumulated`, never below zero.
pub fn remaining(cost: Money, accumulated: Money) -> Money {
    Money::from_minor((cost.to_minor() - accumulated.to_minor()).max(0))
}

/// The months of `year` the asset wears: from its acquisition month
/// (included) to its disposal month (excluded); 0 to 12.
pub fn months_held(acquired_on: NaiveDate, disposed_on: Option<NaiveDate>, year: i32) -> u32 {
    if acquired_on.year() > year {
        return 0;
    }
    let first = if acquired_on.year() == year {
        acquired_on.month()
    } else {
        1
    };
    // One past the last month held.
    let end = match disposed_on {
        Some(d) if d.year() < year => return 0,
        Some(d) if d.year() == year => d.month(),
        _ => 13,
    };
    end.saturating_sub(first)
}

/// The wear of `year`: cost × rate × months / 12, rounded to the hundredth
/// half away from zero, capped at the remaining value.
pub fn year_wear(basis: &WearBasis, year: i32) -> Money {
    let months = months_held(basis.acquired_on, basis.disposed_on, year);
    let left = basis.remaining();
    if months == 0 || left.to_minor() == 0 {
        return Money::ZERO;
    }
    let full = basis.original_cost.amount() * basis.rate.fraction();
    let raw = full * Decimal::from(months) / Decimal::from(12);
    let rounded = raw.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    // The cost is at most 10^15 đồng, so the product always fits Money.
    let wear = Money::from_decimal(rounded).unwrap_or(left);
    wear.min(left)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn basis(cost: &str, rate: &str, acquired: &str) -> WearBasis {
        WearBasis {
            original_cost: m(cost),
            rate: WearRate::parse(rate).unwrap(),
            acquired_on: d(acquired),
            disposed_on: None,
            accumulated: Money::ZERO,
        }
    }

    #[test]
    fn the_acquisition_month_counts() {
        // Acquired 20 Sep: Sep, Oct, Nov, Dec = 4 months.
        assert_eq!(months_held(d("2025-09-20"), None, 2025), 4);
        assert_eq!(months_held(d("2025-01-01"), None, 2025), 12);
        assert_eq!(months_held(d("2025-12-31"), None, 2025), 1);
        assert_eq!(months_held(d("2025-09-20"), None, 2024), 0);
        assert_eq!(months_held(d("2025-09-20"), None, 2026), 12);
    }

    #[test]
    fn nothing_after_disposal() {
        // Disposed in April: January to March.
        assert_eq!(months_held(d("2020-05-01"), Some(d("2026-04-15")), 2026), 3);
        assert_eq!(months_held(d("2020-05-01"), Some(d("2026-04-15")), 2027), 0);
        // Acquired and disposed in the same month: nothing.
        assert_eq!(months_held(d("2026-04-01"), Some(d("2026-04-30")), 2026), 0);
    }

    #[test]
    fn worked_examples() {
        // 24,000,000 at 20 %: 4,800,000 a full year; from September,
        // 4,800,000 × 4 / 12 = 1,600,000.
        let b = basis("24000000", "20", "2025-09-20");
        assert_eq!(year_wear(&b, 2025), m("1600000"));
        assert_eq!(year_wear(&b, 2026), m("4800000"));
        // 10,000,000.01 at 12.5 % for 1 month: 104,166.666770833… → 104,166.67.
        let b = basis("10000000.01", "12.5", "2025-12-01");
        assert_eq!(year_wear(&b, 2025), m("104166.67"));
        // Capped at what is left: 1,000,000 left of 24,000,000.
        let b = WearBasis {
            accumulated: m("23000000"),
            ..basis("24000000", "20", "2020-01-01")
        };
        assert_eq!(year_wear(&b, 2026), m("1000000"));
        // Fully worn: nothing more.
        let b = WearBasis {
            accumulated: m("24000000"),
            ..basis("24000000", "20", "2020-01-01")
        };
        assert_eq!(year_wear(&b, 2026), Money::ZERO);
    }

    fn date_strategy() -> impl Strategy<Value = NaiveDate> {
        (2000i32..2040, 1u32..=12, 1u32..=28)
            .prop_map(|(y, mo, da)| NaiveDate::from_ymd_opt(y, mo, da).unwrap())
    }

    proptest! {
        /// Year after year the remaining value never goes below zero, each
        /// year's wear is never negative, and accumulated wear + remaining
        /// value = original cost.
        #[test]
        fn wear_never_drives_the_remaining_value_below_zero(
            cost_minor in 1i64..=99_999_999_999_999_999,
            rate_centi in 0i32..=10_000,
            acquired in date_strategy(),
            disposed_after_days in proptest::option::of(0i64..20_000),
            opening_share in 0i64..=100,
        ) {
            let cost = Money::from_minor(cost_minor);
            let opening = Money::from_minor(
                i64::try_from(i128::from(cost_minor) * i128::from(opening_share) / 100).unwrap(),
            );
            let mut basis = WearBasis {
                original_cost: cost,
                rate: WearRate::from_centi(rate_centi),
                acquired_on: acquired,
                disposed_on: disposed_after_days.map(|n| acquired + chrono::Duration::days(n)),
                accumulated: opening,
            };
            for year in acquired.year() - 1..=acquired.year() + 105 {
                let wear = year_wear(&basis, year);
                prop_assert!(wear.to_minor() >= 0);
                // Never more than a full year's wear (rounded up by at most half a hundredth).
                let full = cost.amount() * basis.rate.fraction();
                prop_assert!(wear.amount() <= full + Decimal::new(5, 3));
                basis.accumulated = basis.accumulated.checked_add(wear).unwrap();
                let left = basis.remaining();
                prop_assert!(left.to_minor() >= 0);
                prop_assert_eq!(
                    basis.accumulated.to_minor() + left.to_minor(),
                    cost.to_minor()
                );
                if basis.disposed_on.is_some_and(|d| d.year() < year) {
                    prop_assert_eq!(wear, Money::ZERO);
                }
            }
            // Never disposed, at 10 % a year or more, and a year's wear at
            // least a hundredth: fully worn within the century.
            if basis.disposed_on.is_none()
                && rate_centi >= 1_000
                && i128::from(cost_minor) * i128::from(rate_centi) >= 10_000
            {
                prop_assert_eq!(basis.remaining(), Money::ZERO);
            }
        }
    }
}
